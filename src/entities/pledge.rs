//! `pledge`: a household's signature for a campaign; one row per (household, campaign).

use sea_orm::entity::prelude::*;

use crate::domain::campaign::PledgeStatus;

/// A stored pledge.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pledge")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The household that signed.
    pub household_id: Uuid,
    /// The campaign.
    pub campaign_id: Uuid,
    /// The household's group.
    pub group_id: Uuid,
    /// Who signed for the household.
    pub signer_name: String,
    /// The day of signing (local date in Vietnam).
    pub signed_on: Date,
    /// Free note.
    pub note: Option<String>,
    /// Signed or withdrawn.
    pub status: PledgeStatus,
    /// Why it was withdrawn.
    pub withdrawn_reason: Option<String>,
    /// The user who recorded it.
    pub recorded_by: Option<Uuid>,
    /// When it was (last) recorded as signed.
    pub recorded_at: DateTimeUtc,
    /// The idempotency key of the last signing.
    pub client_mutation_id: Uuid,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Pledges relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
