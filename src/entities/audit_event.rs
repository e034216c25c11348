//! `audit_event`: append-only record of every change and sign-in.

use sea_orm::entity::prelude::*;

/// A stored audit event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    /// UUID v7: time-ordered.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who did it; none for the service itself.
    pub actor_id: Option<Uuid>,
    /// What, e.g. `household.update`.
    pub action: String,
    /// The kind of object, e.g. `household`.
    pub target_type: String,
    /// The object.
    pub target_id: Option<Uuid>,
    /// The ward it belongs to, if any.
    pub ward_id: Option<Uuid>,
    /// When.
    pub occurred_at: DateTimeUtc,
    /// JSON summary of the change (never passwords, tokens or phone numbers in clear).
    pub summary: String,
}

/// Audit events relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
