//! `movement_event`: a festival day, a forum or another event of the movement in a ward.

use sea_orm::entity::prelude::*;

use crate::domain::movement::EventKind;

/// A stored movement event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "movement_event")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The ward.
    pub ward_id: Uuid,
    /// The group that hosts it; none for a ward-level event.
    pub group_id: Option<Uuid>,
    /// The day it is held.
    pub held_on: Date,
    /// Festival, forum or other.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// How many people attended, once known.
    pub attendance: Option<i32>,
    /// Notes.
    pub notes: Option<String>,
    /// Optimistic concurrency: bumped by every update.
    pub version: i32,
    /// The idempotency key it was created with.
    pub client_mutation_id: Uuid,
    /// The user who recorded it.
    pub recorded_by: Option<Uuid>,
    /// When it was recorded.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Events relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
