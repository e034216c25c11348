//! Awards: the `Award` type and its enums; `operations` holds `awards`, `createAward` and `revokeAward`.

mod operations;

use async_graphql::{Context, Enum, ID, Object, Result};

pub use operations::{AwardMutation, AwardQuery};

use super::{
    context::signed_in,
    group::ResidentialGroup,
    household::Household,
    movement_event::MovementEvent,
    pledge::Recorder,
    scalars::{Date, DateTime},
    ward::Ward,
};
use crate::{
    error::{AppError, Missing},
    service::records::AwardRecord,
};

/// Who issued an award.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AwardIssuer", remote = "crate::domain::movement::AwardIssuer")]
pub enum AwardIssuer {
    /// The chairman of the city's People's Committee (Chủ tịch UBND thành phố).
    CityPeoplesCommittee,
    /// The chairman of the ward's People's Committee (Chủ tịch UBND phường).
    WardPeoplesCommittee,
    /// Someone else, named in `issuerName`.
    Other,
}

/// Whom an award goes to.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AwardRecipientKind", remote = "crate::domain::movement::RecipientKind")]
pub enum AwardRecipientKind {
    /// A residential group (tập thể).
    Collective,
    /// A person (cá nhân).
    Individual,
}

/// Whether an award stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AwardStatus", remote = "crate::domain::movement::AwardStatus")]
pub enum AwardStatus {
    /// Stands.
    Active,
    /// Revoked; kept with its reason.
    Revoked,
}

/// A certificate of merit (giấy khen) for a movement year, to a residential group or a person.
pub struct Award(pub AwardRecord);

/// A certificate of merit (giấy khen) for a movement year, to a residential group or a person.
#[Object]
impl Award {
    /// Unique id, across every type: `node(id:)` fetches the award again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The ward.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        let ward = signed_in(ctx)?.wards().load_one(self.0.ward_id).await?;
        Ok(ward.ok_or(AppError::NotFound(Missing::Ward))?.into())
    }

    /// The movement year it is for (1 November of the year before to 31 October).
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Who issued it.
    async fn issuer(&self) -> AwardIssuer {
        self.0.issuer.into()
    }

    /// The issuer in words, when given (always for `OTHER`).
    async fn issuer_name(&self) -> Option<&str> {
        self.0.issuer_name.as_deref()
    }

    /// The decision's number, e.g. "1234/QĐ-UBND".
    async fn decision_number(&self) -> &str {
        &self.0.decision_number
    }

    /// The decision's date.
    async fn decision_date(&self) -> Date {
        Date::from(self.0.decision_date)
    }

    /// A group or a person.
    async fn recipient_kind(&self) -> AwardRecipientKind {
        self.0.recipient_kind.into()
    }

    /// The group awarded (collective), or the person's group (individual), when the caller may see it.
    async fn group(&self, ctx: &Context<'_>) -> Result<Option<ResidentialGroup>> {
        let Some(group_id) = self.0.group_id else { return Ok(None) };
        Ok(signed_in(ctx)?.groups().load_one(group_id).await?.map(ResidentialGroup::from))
    }

    /// The person awarded (individual).
    async fn recipient_name(&self) -> Option<&str> {
        self.0.recipient_name.as_deref()
    }

    /// The person's household, when given and the caller may see it.
    async fn household(&self, ctx: &Context<'_>) -> Result<Option<Household>> {
        let Some(household_id) = self.0.household_id else { return Ok(None) };
        Ok(signed_in(ctx)?.households().load_one(household_id).await?.map(Household::from))
    }

    /// What it is for.
    async fn citation(&self) -> &str {
        &self.0.citation
    }

    /// The event it was given at, when given and the caller may see it.
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<MovementEvent>> {
        let Some(event_id) = self.0.event_id else { return Ok(None) };
        Ok(signed_in(ctx)?.movement_events().load_one(event_id).await?.map(MovementEvent))
    }

    /// Whether it stands.
    async fn status(&self) -> AwardStatus {
        self.0.status.into()
    }

    /// Why it was revoked.
    async fn revocation_reason(&self) -> Option<&str> {
        self.0.revocation_reason.as_deref()
    }

    /// Who revoked it.
    async fn revoked_by(&self, ctx: &Context<'_>) -> Result<Option<Recorder>> {
        let Some(user_id) = self.0.revoked_by else { return Ok(None) };
        Recorder::load(ctx, user_id).await
    }

    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }

    /// Version for optimistic concurrency: send it as `expectedVersion` to revoke the award.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The idempotency key it was recorded with.
    async fn client_mutation_id(&self) -> ID {
        ID(self.0.client_mutation_id.to_string())
    }

    /// Who recorded it.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Recorder>> {
        let Some(user_id) = self.0.recorded_by else { return Ok(None) };
        Recorder::load(ctx, user_id).await
    }

    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}
