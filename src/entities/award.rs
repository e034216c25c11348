//! `award`: a certificate of merit (giấy khen) given to a residential group or a person for a
//! movement year.

use sea_orm::entity::prelude::*;

use crate::domain::movement::{AwardIssuer, AwardStatus, RecipientKind};

/// A stored award.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "award")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The ward.
    pub ward_id: Uuid,
    /// The movement year it is for.
    pub year: i32,
    /// Who issued it.
    pub issuer: AwardIssuer,
    /// The issuer in words, when the kind alone does not say it.
    pub issuer_name: Option<String>,
    /// The decision's number, e.g. "1234/QĐ-UBND".
    pub decision_number: String,
    /// The decision's date.
    pub decision_date: Date,
    /// A group or a person.
    pub recipient_kind: RecipientKind,
    /// The group awarded (collective), or the person's group (individual, when known).
    pub group_id: Option<Uuid>,
    /// The person awarded (individual).
    pub recipient_name: Option<String>,
    /// The person's household, when known.
    pub household_id: Option<Uuid>,
    /// What it is for.
    pub citation: String,
    /// The event it was given at.
    pub event_id: Option<Uuid>,
    /// Active or revoked.
    pub status: AwardStatus,
    /// Why it was revoked.
    pub revocation_reason: Option<String>,
    /// Who revoked it.
    pub revoked_by: Option<Uuid>,
    /// When it was revoked.
    pub revoked_at: Option<DateTimeUtc>,
    /// Optimistic concurrency: bumped by every change.
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

/// Awards relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
