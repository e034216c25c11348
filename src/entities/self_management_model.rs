//! `self_management_model`: a self-management model on security and order that residents run, for a
//! whole ward or one residential group.

use sea_orm::entity::prelude::*;

use crate::domain::movement::{ModelKind, ModelStatus};

/// A stored self-management model.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "self_management_model")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The ward.
    pub ward_id: Uuid,
    /// The group that runs it; none for a ward-wide model.
    pub group_id: Option<Uuid>,
    /// Name, e.g. "Điểm chữa cháy công cộng".
    pub name: String,
    /// What kind.
    pub kind: ModelKind,
    /// The day it started.
    pub started_on: Date,
    /// The day it ended (or is planned to end).
    pub ended_on: Option<Date>,
    /// Active, suspended or ended.
    pub status: ModelStatus,
    /// What it does.
    pub description: Option<String>,
    /// How many households take part.
    pub participating_household_count: i32,
    /// Which households of its group take part, when the group lists them: a JSON array of ids.
    pub participating_household_ids: String,
    /// How many units it has (cameras, fire points), when that applies.
    pub unit_count: Option<i32>,
    /// Optimistic concurrency: bumped by every update.
    pub version: i32,
    /// The idempotency key it was created with.
    pub client_mutation_id: Uuid,
    /// The user who created it.
    pub recorded_by: Option<Uuid>,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Models relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
