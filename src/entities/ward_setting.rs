//! `ward_setting`: a ward's own settings, where it departs from the defaults. A ward without a row uses
//! the defaults.

use sea_orm::entity::prelude::*;

/// A stored ward's settings.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ward_setting")]
pub struct Model {
    /// The ward.
    #[sea_orm(primary_key, auto_increment = false)]
    pub ward_id: Uuid,
    /// The month the movement year begins in (1–12).
    pub year_start_month: i32,
    /// The day of that month it begins on (1–28).
    pub year_start_day: i32,
    /// JSON array of the assessment levels, best first, each `{"code", "label"}`; none for the default.
    pub assessment_scale: Option<String>,
    /// Bumped by every change (optimistic concurrency).
    pub version: i32,
    /// The user who last changed them.
    pub updated_by: Option<Uuid>,
    /// When they were first set.
    pub created_at: DateTimeUtc,
    /// When they last changed.
    pub updated_at: DateTimeUtc,
}

/// Settings relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
