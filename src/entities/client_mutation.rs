//! `client_mutation`: an idempotency key a phone sent, what it asked for, and what it created.

use sea_orm::entity::prelude::*;

/// A stored idempotency key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client_mutation")]
pub struct Model {
    /// The `clientMutationId` the phone made.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who sent it (none for a survey ballot, which names nobody).
    pub user_id: Option<Uuid>,
    /// What kind of write: `pledge`, `good_deed`, `self_management_model`, `award`, `movement_event`,
    /// `satisfaction_survey` or `survey_ballot`.
    pub kind: String,
    /// SHA-256 of the normalised payload.
    pub payload_hash: String,
    /// The row it created or changed.
    pub target_id: Uuid,
    /// When it was first seen.
    pub created_at: DateTimeUtc,
}

/// Idempotency keys relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
