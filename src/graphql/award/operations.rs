//! `awards`, `createAward` and `revokeAward`.

use async_graphql::{Context, ID, InputObject, Object, Result};

use super::{Award, AwardIssuer, AwardRecipientKind, AwardStatus};
use crate::{
    graphql::{
        connection::{AwardConnection, page_request, to_connection},
        context::{int32, parse_id, scope},
        scalars::Date,
    },
    service::{
        self,
        award::{AwardFilter, NewAward},
    },
};

/// A new award.
#[derive(InputObject)]
pub struct CreateAwardInput {
    /// A UUID made by the client once per award: sending it again (after a lost answer) returns the same
    /// award and changes nothing; with other data it is `CONFLICT`.
    pub client_mutation_id: ID,
    /// The ward.
    pub ward_id: ID,
    /// The movement year it is for, 2000–2100.
    pub year: i64,
    /// Who issued it.
    pub issuer: AwardIssuer,
    /// The issuer in words (1–200 characters); required for `OTHER`.
    pub issuer_name: Option<String>,
    /// The decision's number, e.g. "1234/QĐ-UBND" (1–64 characters).
    pub decision_number: String,
    /// The decision's date: not in the future, not before the movement year began.
    pub decision_date: Date,
    /// A group or a person.
    pub recipient_kind: AwardRecipientKind,
    /// The group awarded (required for `COLLECTIVE`); for `INDIVIDUAL`, the person's group, if known.
    pub group_id: Option<ID>,
    /// The person awarded (required for `INDIVIDUAL`, refused for `COLLECTIVE`; 1–200 characters).
    pub recipient_name: Option<String>,
    /// The person's household (`INDIVIDUAL` only; in `groupId` when both are given). Only the name and
    /// this link are kept about the person.
    pub household_id: Option<ID>,
    /// What it is for (1–2000 characters).
    pub citation: String,
    /// The event it was given at (of the same ward).
    pub event_id: Option<ID>,
}

/// Queries on awards.
#[derive(Default)]
pub struct AwardQuery;

#[Object]
impl AwardQuery {
    /// A ward's awards the caller may see, by decision date: officials and administrators all of them,
    /// leaders those to their group and to its people.
    #[expect(clippy::too_many_arguments, reason = "a connection's filters and paging arguments")]
    async fn awards(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ward.")] ward_id: ID,
        #[graphql(desc = "Only awards for this movement year.")] year: Option<i64>,
        #[graphql(desc = "Only awards to this group or its people.")] group_id: Option<ID>,
        #[graphql(desc = "Only awards to groups, or only to people.")] recipient_kind: Option<
            AwardRecipientKind,
        >,
        #[graphql(desc = "Only active, or only revoked awards.")] status: Option<AwardStatus>,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<AwardConnection> {
        let scope = scope(ctx)?;
        let filter = AwardFilter {
            ward_id: parse_id(&ward_id, "wardId")?,
            year: year.map(|y| int32(y, "year")).transpose()?,
            group_id: group_id.as_ref().map(|id| parse_id(id, "groupId")).transpose()?,
            recipient_kind: recipient_kind.map(Into::into),
            status: status.map(Into::into),
        };
        let request = page_request(ctx, first, after, last, before)?;
        let page = scope.awards().list(&filter, &request).await?;
        Ok(to_connection(page, service::award::cursor, Award))
    }
}

/// Mutations on awards.
#[derive(Default)]
pub struct AwardMutation;

#[Object]
impl AwardMutation {
    /// Records an award: officials of its ward and administrators. Idempotent on `clientMutationId`.
    async fn create_award(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The award.")] input: CreateAwardInput,
    ) -> Result<Award> {
        let scope = scope(ctx)?;
        let optional = |id: &Option<ID>, field: &str| id.as_ref().map(|id| parse_id(id, field)).transpose();
        let new = NewAward {
            client_mutation_id: parse_id(&input.client_mutation_id, "clientMutationId")?,
            ward_id: parse_id(&input.ward_id, "wardId")?,
            year: int32(input.year, "year")?,
            issuer: input.issuer.into(),
            issuer_name: input.issuer_name,
            decision_number: input.decision_number,
            decision_date: input.decision_date.checked("decisionDate")?,
            recipient_kind: input.recipient_kind.into(),
            group_id: optional(&input.group_id, "groupId")?,
            recipient_name: input.recipient_name,
            household_id: optional(&input.household_id, "householdId")?,
            citation: input.citation,
            event_id: optional(&input.event_id, "eventId")?,
        };
        Ok(Award(scope.awards().create(new).await?))
    }

    /// Revokes an active award if it is still at `expectedVersion` (else `CONFLICT` with
    /// `extensions.currentVersion`): officials of its ward and administrators. The award stays readable,
    /// `REVOKED` with its reason, and the reason is kept in the audit trail.
    async fn revoke_award(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The award.")] id: ID,
        #[graphql(desc = "The `version` the client last read; a newer one in the database is `CONFLICT`.")]
        expected_version: i64,
        #[graphql(desc = "Why it is revoked (1–2000 characters).")] reason: String,
    ) -> Result<Award> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let expected_version = int32(expected_version, "expectedVersion")?;
        Ok(Award(scope.awards().revoke(id, expected_version, &reason).await?))
    }
}
