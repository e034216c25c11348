//! `selfManagementModels`, `createSelfManagementModel` and `updateSelfManagementModel`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{ModelKind, ModelStatus, SelfManagementModel};
use crate::{
    graphql::{
        connection::{SelfManagementModelConnection, page_request, to_connection},
        context::{int32, optional_date, parse_id, scope},
        movement_year::{id_list, patch},
        scalars::Date,
    },
    service::{
        self,
        self_management::{ModelFilter, ModelPatch, NewModel},
    },
};

/// A new self-management model.
#[derive(InputObject)]
pub struct CreateSelfManagementModelInput {
    /// A UUID made by the client once per model: sending it again (after a lost answer) returns the same
    /// model and changes nothing; with other data it is `CONFLICT`.
    pub client_mutation_id: ID,
    /// The ward.
    pub ward_id: ID,
    /// The residential group that runs it (of the ward); omit for a ward-wide model (officials only).
    pub group_id: Option<ID>,
    /// Name (1–200 characters).
    pub name: String,
    /// What kind.
    pub kind: ModelKind,
    /// The day it started.
    pub started_on: Date,
    /// The day it ended (not before `startedOn`; required when `status` is `ENDED`).
    pub ended_on: Option<Date>,
    /// Where it stands (default `ACTIVE`).
    pub status: Option<ModelStatus>,
    /// What it does (at most 2000 characters).
    pub description: Option<String>,
    /// How many households take part, 0–100000 (default: as many as `participatingHouseholdIds` lists).
    pub participating_household_count: Option<i64>,
    /// Which households of the group take part (a group's model only; at most 500). Leave it out to give
    /// only a count: list households only where the group needs to.
    pub participating_household_ids: Option<Vec<ID>>,
    /// How many units it has (cameras, fire points), 0–100000.
    pub unit_count: Option<i64>,
}

/// Changes to a self-management model; omitted fields stay, `null` clears an optional one.
#[derive(InputObject, Default)]
pub struct UpdateSelfManagementModelInput {
    /// New name (1–200 characters).
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<ModelKind>,
    /// New start.
    pub started_on: Option<Date>,
    /// New end; `null` removes it (not for an `ENDED` model).
    pub ended_on: MaybeUndefined<Date>,
    /// New status (`ENDED` needs `endedOn`).
    pub status: Option<ModelStatus>,
    /// New description; `null` removes it.
    pub description: MaybeUndefined<String>,
    /// New count of households, 0–100000 (not less than the households listed).
    pub participating_household_count: Option<i64>,
    /// The households of the group that take part now, replacing the list; `[]` empties it.
    pub participating_household_ids: Option<Vec<ID>>,
    /// New count of units, 0–100000; `null` removes it.
    pub unit_count: MaybeUndefined<i64>,
}

/// Queries on self-management models.
#[derive(Default)]
pub struct SelfManagementQuery;

#[Object]
impl SelfManagementQuery {
    /// A ward's self-management models the caller may see, by the day they started: officials see all of
    /// their ward's, leaders their group's and the ward-wide ones.
    #[expect(clippy::too_many_arguments, reason = "a connection's filters and paging arguments")]
    async fn self_management_models(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ward.")] ward_id: ID,
        #[graphql(desc = "Only the models this group runs.")] group_id: Option<ID>,
        #[graphql(desc = "Only models of this kind.")] kind: Option<ModelKind>,
        #[graphql(desc = "Only models in this status.")] status: Option<ModelStatus>,
        #[graphql(desc = "Only models running at some time in this movement year (1 November of the year \
                          before to 31 October).")]
        year: Option<i64>,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<SelfManagementModelConnection> {
        let scope = scope(ctx)?;
        let filter = ModelFilter {
            ward_id: parse_id(&ward_id, "wardId")?,
            group_id: group_id.as_ref().map(|id| parse_id(id, "groupId")).transpose()?,
            kind: kind.map(Into::into),
            status: status.map(Into::into),
            year: year.map(|y| int32(y, "year")).transpose()?,
        };
        let request = page_request(ctx, first, after, last, before)?;
        let page = scope.self_management_models().list(&filter, &request).await?;
        Ok(to_connection(page, service::self_management::cursor, SelfManagementModel))
    }
}

/// Mutations on self-management models.
#[derive(Default)]
pub struct SelfManagementMutation;

#[Object]
impl SelfManagementMutation {
    /// Creates a self-management model: officials for their ward (ward-wide or for any of its groups),
    /// leaders for their own group, administrators anywhere. Idempotent on `clientMutationId`.
    async fn create_self_management_model(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The model.")] input: CreateSelfManagementModelInput,
    ) -> Result<SelfManagementModel> {
        let scope = scope(ctx)?;
        let new = NewModel {
            client_mutation_id: parse_id(&input.client_mutation_id, "clientMutationId")?,
            ward_id: parse_id(&input.ward_id, "wardId")?,
            group_id: input.group_id.as_ref().map(|id| parse_id(id, "groupId")).transpose()?,
            name: input.name,
            kind: input.kind.into(),
            started_on: input.started_on.checked("startedOn")?,
            ended_on: optional_date(input.ended_on.as_ref(), "endedOn")?,
            status: input.status.map(Into::into),
            description: input.description,
            participating_household_count: input
                .participating_household_count
                .map(|n| int32(n, "participatingHouseholdCount").map(i64::from))
                .transpose()?,
            participating_household_ids: id_list(
                input.participating_household_ids.as_deref().unwrap_or_default(),
                "participatingHouseholdIds",
            )?,
            unit_count: input.unit_count.map(|n| int32(n, "unitCount").map(i64::from)).transpose()?,
        };
        Ok(SelfManagementModel(scope.self_management_models().create(new).await?))
    }

    /// Changes a self-management model if it is still at `expectedVersion` (else `CONFLICT` with
    /// `extensions.currentVersion`). Its ward and group stay as created.
    async fn update_self_management_model(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The model to change.")] id: ID,
        #[graphql(desc = "The `version` the client last read; a newer one in the database is `CONFLICT`.")]
        expected_version: i64,
        #[graphql(desc = "The fields to change.")] input: UpdateSelfManagementModelInput,
    ) -> Result<SelfManagementModel> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let expected_version = int32(expected_version, "expectedVersion")?;
        let changes = ModelPatch {
            name: input.name,
            kind: input.kind.map(Into::into),
            started_on: optional_date(input.started_on.as_ref(), "startedOn")?,
            ended_on: patch(input.ended_on, |d| d.checked("endedOn"))?,
            status: input.status.map(Into::into),
            description: patch(input.description, Ok)?,
            participating_household_count: input
                .participating_household_count
                .map(|n| int32(n, "participatingHouseholdCount").map(i64::from))
                .transpose()?,
            participating_household_ids: input
                .participating_household_ids
                .map(|list| id_list(&list, "participatingHouseholdIds"))
                .transpose()?,
            unit_count: patch(input.unit_count, |n| int32(n, "unitCount").map(i64::from))?,
        };
        Ok(SelfManagementModel(scope.self_management_models().update(id, expected_version, changes).await?))
    }
}
