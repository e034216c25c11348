//! A ward's own settings: the day its movement year begins and the scale its officials assess groups
//! on. A ward that never set them has the defaults, at version 0; the first change stores version 1.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::{
    domain::{
        assessment::{Level, default_scale},
        movement::YearStart,
    },
    entities::ward_setting,
    error::{AppError, AppResult},
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
