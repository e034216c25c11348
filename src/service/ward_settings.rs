//! A ward's own settings: the day its movement year begins and the scale its officials assess groups
//! on. A ward that never set them has the defaults, at version 0; the first change stores version 1.
//! Read here; changed in `update`.

mod update;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, sea_query::LockType};
use uuid::Uuid;

pub use update::SettingsPatch;
pub(in crate::service) use update::update;

use super::Caches;
use crate::{
    auth::Actor,
    domain::{
        assessment::{Level, default_scale},
        movement::YearStart,
    },
    entities::{ward, ward_setting},
    error::{AppError, AppResult, Missing},
};

/// A ward's settings, its own or the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WardSettings {
    /// The ward.
    pub ward_id: Uuid,
    /// The day its movement year begins.
    pub year_start: YearStart,
    /// Its assessment scale, best level first.
    pub scale: Vec<Level>,
    /// 0 while the ward has the defaults; bumped by every change.
    pub version: i32,
    /// Who changed them last, when someone did.
    pub updated_by: Option<Uuid>,
    /// When they changed last, when they did.
    pub updated_at: Option<DateTime<Utc>>,
}

impl WardSettings {
    /// The settings of a ward that never changed them.
    pub fn defaults(ward_id: Uuid) -> Self {
        Self {
            ward_id,
            year_start: YearStart::DEFAULT,
            scale: default_scale(),
            version: 0,
            updated_by: None,
            updated_at: None,
        }
    }

    /// The settings a stored row holds. A row's values passed the same checks when written (and its
    /// CHECK constraints), so one that does not parse is a fault, not an input error.
    pub fn from_row(row: ward_setting::Model) -> AppResult<Self> {
        let month = i64::from(row.year_start_month);
        let day = i64::from(row.year_start_day);
        let year_start = YearStart::new(month, day).map_err(|(_, why)| AppError::Internal(why))?;
        let scale = match &row.assessment_scale {
            None => default_scale(),
            Some(json) => serde_json::from_str(json).map_err(|e| AppError::Internal(e.to_string()))?,
        };
        Ok(Self {
            ward_id: row.ward_id,
            year_start,
            scale,
            version: row.version,
            updated_by: row.updated_by,
            updated_at: Some(row.updated_at),
        })
    }

    /// The first and last day of movement year `year` in this ward; a year out of range is refused as
    /// a bad `year`.
    pub fn window(&self, year: i32) -> AppResult<(NaiveDate, NaiveDate)> {
        self.year_start.window(year).map_err(|m| AppError::bad_input("year", m))
    }

    /// The level with code `code`, when it is on the scale.
    pub fn level(&self, code: &str) -> Option<&Level> {
        self.scale.iter().find(|level| level.code == code)
    }
}

/// The settings of the wards among `ids` the actor may see, in one read of the stored rows.
pub(in crate::service) async fn of_wards(
    db: &impl ConnectionTrait,
    caches: &Caches,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, WardSettings>> {
    let wards: Vec<Uuid> = super::ward::by_ids(db, caches, actor, ids).await?.into_keys().collect();
    if wards.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = ward_setting::Entity::find()
        .filter(ward_setting::Column::WardId.is_in(wards.clone()))
        .all(db)
        .await?;
    let mut found = HashMap::with_capacity(wards.len());
    for row in rows {
        found.insert(row.ward_id, WardSettings::from_row(row)?);
    }
    for ward_id in wards {
        found.entry(ward_id).or_insert_with(|| WardSettings::defaults(ward_id));
    }
    Ok(found)
}

/// Holds ward `ward_id` until the transaction ends, so changes of its scale and assessments on it take
/// turns on PostgreSQL: an assessment never lands on a level a concurrent change is removing. (SQLite
/// writers already take turns.) `FOR NO KEY UPDATE` leaves inserts that reference the ward unblocked.
pub(in crate::service) async fn lock_ward(db: &impl ConnectionTrait, ward_id: Uuid) -> AppResult<()> {
    let locked = ward::Entity::find_by_id(ward_id)
        .select_only()
        .column(ward::Column::Id)
        .lock(LockType::NoKeyUpdate)
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    locked.map(|_| ()).ok_or(AppError::NotFound(Missing::Ward))
}

/// The settings of ward `ward_id`. Reads no scope: the caller has checked the ward is in the actor's.
pub(in crate::service) async fn of_ward(db: &impl ConnectionTrait, ward_id: Uuid) -> AppResult<WardSettings> {
    match ward_setting::Entity::find_by_id(ward_id).one(db).await? {
        Some(row) => WardSettings::from_row(row),
        None => Ok(WardSettings::defaults(ward_id)),
    }
}

/// The first and last day of movement year `year` in ward `ward_id`.
pub(in crate::service) async fn year_window(
    db: &impl ConnectionTrait,
    ward_id: Uuid,
    year: i32,
) -> AppResult<(NaiveDate, NaiveDate)> {
    of_ward(db, ward_id).await?.window(year)
}
