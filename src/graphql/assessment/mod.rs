//! A ward's own settings (`WardSettings`, `MovementYear`, `AssessmentLevel`) and the officials'
//! assessments of its groups (`GroupAssessment`); `operations` holds `groupAssessments`,
//! `updateWardSettings` and `assessGroup`.

mod operations;

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, SimpleObject};

pub use operations::{AssessmentMutation, AssessmentQuery};

use super::{
    context::{int32, signed_in},
    group::ResidentialGroup,
    pledge::Recorder,
    scalars::{Date, DateTime},
    ward::Ward,
};
use crate::{
    domain::assessment::Level,
    error::{AppError, Missing},
    service::{
        records::{GroupAssessmentRecord, GroupRecord},
        ward_settings::WardSettings as SettingsRecord,
    },
};

/// A level of a ward's assessment scale.
#[derive(SimpleObject)]
pub struct AssessmentLevel {
    /// Stable code, e.g. `XUAT_SAC`: what `assessGroup` takes as `level`.
    pub code: String,
    /// What people read, e.g. "Xuất sắc".
    pub label: String,
}

impl From<&Level> for AssessmentLevel {
    fn from(level: &Level) -> Self {
        Self { code: level.code.clone(), label: level.label.clone() }
    }
}

/// The days one movement year covers in a ward.
#[derive(SimpleObject)]
pub struct MovementYear {
    /// The year, named after the calendar year it ends in.
    pub year: i32,
    /// Its first day.
    pub starts_on: Date,
    /// Its last day.
    pub ends_on: Date,
}

/// A ward's own settings: the day its movement year begins and the scale its officials assess groups
/// on. A ward that never changed them has the defaults (1 November; Xuất sắc, Khá, Trung bình, Yếu) at
/// version 0.
pub struct WardSettings(pub SettingsRecord);

/// A ward's own settings: the day its movement year begins and the scale its officials assess groups
/// on. A ward that never changed them has the defaults (1 November; Xuất sắc, Khá, Trung bình, Yếu) at
/// version 0.
#[Object]
impl WardSettings {
    /// The month the movement year begins in, 1–12 (default 11).
    async fn year_start_month(&self) -> u32 {
        self.0.year_start.month()
    }

    /// The day of that month it begins on, 1–28 (default 1). A year is named after the calendar year it
    /// ends in: from 1 November, year 2023 runs 1 November 2022 to 31 October 2023; from 1 January, it
    /// is the calendar year.
    async fn year_start_day(&self) -> u32 {
        self.0.year_start.day()
    }

    /// The levels groups are assessed on, best first.
    async fn assessment_scale(&self) -> Vec<AssessmentLevel> {
        self.0.scale.iter().map(AssessmentLevel::from).collect()
    }

    /// 0 while the ward has the defaults; every change bumps it. Send it as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When they last changed; null while the ward has the defaults.
    async fn updated_at(&self) -> Option<DateTime> {
        self.0.updated_at.map(DateTime)
    }

    /// Who changed them last; null while the ward has the defaults.
    async fn updated_by(&self, ctx: &Context<'_>) -> Result<Option<Recorder>> {
        let Some(user_id) = self.0.updated_by else { return Ok(None) };
        Recorder::load(ctx, user_id).await
    }

    /// The days movement year `year` covers in this ward (what the ward's lists with `year` show).
    async fn movement_year(
        &self,
        #[graphql(desc = "The year, 2000–2100.")] year: i64,
    ) -> Result<MovementYear> {
        let year = int32(year, "year")?;
        let (starts_on, ends_on) = self.0.window(year)?;
        Ok(MovementYear { year, starts_on: starts_on.into(), ends_on: ends_on.into() })
    }
}

/// The settings of a ward, for the `Ward.settings` field.
pub(super) async fn of_ward(ctx: &Context<'_>, ward_id: uuid::Uuid) -> Result<WardSettings> {
    let settings = signed_in(ctx)?.ward_settings().load_one(ward_id).await?;
    Ok(WardSettings(settings.ok_or(AppError::NotFound(Missing::Ward))?))
}

/// The assessment of a group for a year, for the `ResidentialGroup.assessment` field.
pub(super) async fn of_group(
    ctx: &Context<'_>,
    group_id: uuid::Uuid,
    year: i64,
) -> Result<Option<GroupAssessment>> {
    let year = int32(year, "year")?;
    crate::domain::movement::check_year(year).map_err(|m| AppError::bad_input("year", m))?;
    let found = signed_in(ctx)?.assessments().load_one((group_id, year)).await?;
    Ok(found.map(GroupAssessment::from))
}

/// The ward officials' assessment of a residential group for one movement year.
pub struct GroupAssessment {
    record: GroupAssessmentRecord,
    /// Its group, when it was read with it.
    group: Option<Arc<GroupRecord>>,
}

impl From<GroupAssessmentRecord> for GroupAssessment {
    fn from(record: GroupAssessmentRecord) -> Self {
        Self { record, group: None }
    }
}

impl GroupAssessment {
    /// The assessment with its group, read with it.
    pub fn with_group(group: GroupRecord, record: GroupAssessmentRecord) -> Self {
        Self { record, group: Some(Arc::new(group)) }
    }
}

/// The ward officials' assessment of a residential group for one movement year.
#[Object]
impl GroupAssessment {
    /// Unique id, across every type: `node(id:)` fetches the assessment again.
    pub(super) async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }

    /// The group assessed.
    async fn group(&self, ctx: &Context<'_>) -> Result<ResidentialGroup> {
        if let Some(group) = &self.group {
            return Ok(ResidentialGroup::with_ward(group.clone(), None));
        }
        let group = signed_in(ctx)?.groups().load_one(self.record.group_id).await?;
        Ok(group.ok_or(AppError::NotFound(Missing::Group))?.into())
    }

    /// The group's ward.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        let ward = signed_in(ctx)?.wards().load_one(self.record.ward_id).await?;
        Ok(ward.ok_or(AppError::NotFound(Missing::Ward))?.into())
    }

    /// The movement year assessed, in the ward's own year (see `WardSettings`).
    async fn year(&self) -> i32 {
        self.record.year
    }

    /// The level decided: its code, and its label as it read on the day of the decision (renaming the
    /// level later does not change it).
    async fn level(&self) -> AssessmentLevel {
        AssessmentLevel { code: self.record.level.clone(), label: self.record.level_label.clone() }
    }

    /// Why, in the officials' words.
    async fn note(&self) -> Option<&str> {
        self.record.note.as_deref()
    }

    /// Send it as `expectedVersion` to change the assessment; every change bumps it.
    async fn version(&self) -> i32 {
        self.record.version
    }

    /// Who decided it last.
    async fn decided_by(&self, ctx: &Context<'_>) -> Result<Option<Recorder>> {
        let Some(user_id) = self.record.decided_by else { return Ok(None) };
        Recorder::load(ctx, user_id).await
    }

    /// When it was decided last.
    async fn decided_at(&self) -> DateTime {
        DateTime(self.record.decided_at)
    }

    /// When it was first recorded.
    async fn created_at(&self) -> DateTime {
        DateTime(self.record.created_at)
    }
}
