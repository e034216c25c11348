//! `good_deed`: something a household or group did for security and order.

use sea_orm::entity::prelude::*;

use crate::domain::campaign::{GoodDeedCategory, GoodDeedStatus};

/// A stored good deed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "good_deed")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The group.
    pub group_id: Uuid,
    /// The household, when one household did it.
    pub household_id: Option<Uuid>,
    /// What kind of deed.
    pub category: GoodDeedCategory,
    /// When it happened.
    pub occurred_on: Date,
    /// What happened.
    pub description: String,
    /// Reported, verified or rejected.
    pub status: GoodDeedStatus,
    /// The user who recorded it.
    pub recorded_by: Option<Uuid>,
    /// When it was recorded.
    pub recorded_at: DateTimeUtc,
    /// The official who verified or rejected it.
    pub verified_by: Option<Uuid>,
    /// When it was verified or rejected.
    pub verified_at: Option<DateTimeUtc>,
    /// The official's note.
    pub verification_note: Option<String>,
    /// The idempotency key it was recorded with.
    pub client_mutation_id: Uuid,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Good deeds relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
