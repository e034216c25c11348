//! `group_assessment`: the ward officials' assessment of a residential group for a movement year.

use sea_orm::entity::prelude::*;

/// A stored assessment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "group_assessment")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The group's ward.
    pub ward_id: Uuid,
    /// The group assessed.
    pub group_id: Uuid,
    /// The movement year.
    pub year: i32,
    /// The level's code on the ward's scale, e.g. `XUAT_SAC`.
    pub level: String,
    /// The level's label on the day it was decided, e.g. "Xuất sắc".
    pub level_label: String,
    /// Why, in the officials' words.
    pub note: Option<String>,
    /// Bumped by every change (optimistic concurrency).
    pub version: i32,
    /// The user who decided it last.
    pub decided_by: Option<Uuid>,
    /// When it was decided last.
    pub decided_at: DateTimeUtc,
    /// When it was first recorded.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Assessments relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
