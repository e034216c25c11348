//! Residential groups: the `ResidentialGroup` type, `group` query, `createGroup` and `updateGroup`.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

use super::{
    connection::{HouseholdConnection, page_request, to_connection},
    context::{parse_id, scope, signed_in},
    household::{Household, HouseholdFilterInput},
    loaders::HouseholdPageKey,
    ward::Ward,
};
use crate::{
    error::{AppError, Missing},
    service,
    service::records::GroupRecord,
};

/// A residential group (tổ dân phố or thôn): the households one leader walks to.
pub struct ResidentialGroup(pub GroupRecord);

/// A residential group (tổ dân phố or thôn): the households one leader walks to.
#[Object]
impl ResidentialGroup {
    /// Unique id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Code, unique within the ward, e.g. "11".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name, e.g. "Tổ dân phố 11".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// When the group was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the group last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The ward the group belongs to.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        let ward = signed_in(ctx)?.wards.load_one(self.0.ward_id).await?;
        Ok(Ward(ward.ok_or(AppError::NotFound(Missing::Ward))?))
    }

    /// The group's households, in natural code order, optionally filtered.
    async fn households(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many households, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Narrow the list by words or status.")] filter: Option<HouseholdFilterInput>,
    ) -> Result<HouseholdConnection> {
        let key = HouseholdPageKey {
            group_id: self.0.id,
            filter: filter.unwrap_or_default().into(),
            request: page_request(ctx, first, after)?,
        };
        let page = signed_in(ctx)?
            .household_pages
            .load_one(key.clone())
            .await?
            .unwrap_or_else(|| service::page::Page::empty(&key.request));
        Ok(to_connection(page, service::household::cursor, Household))
    }
}

/// Queries on groups.
#[derive(Default)]
pub struct GroupQuery;

#[Object]
impl GroupQuery {
    /// One residential group; `NOT_FOUND` when it does not exist or lies outside the caller's scope.
    async fn group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The group's id.")] id: ID,
    ) -> Result<ResidentialGroup> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        Ok(ResidentialGroup(scope.groups().get(id).await?))
    }
}

/// A new residential group.
#[derive(InputObject)]
pub struct CreateGroupInput {
    /// The ward it belongs to.
    pub ward_id: ID,
    /// Code, unique within the ward (1–32 characters, no spaces), e.g. "11".
    pub code: String,
    /// Name (1–200 characters), e.g. "Tổ dân phố 11".
    pub name: String,
}

/// Changes to a residential group; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateGroupInput {
    /// New code, unique within the ward.
    pub code: Option<String>,
    /// New name.
    pub name: Option<String>,
}

/// Mutations on groups.
#[derive(Default)]
pub struct GroupMutation;

#[Object]
impl GroupMutation {
    /// Creates a residential group in a ward the caller governs (`ADMIN`, or `WARD_OFFICIAL` of the ward).
    async fn create_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new group.")] input: CreateGroupInput,
    ) -> Result<ResidentialGroup> {
        let scope = scope(ctx)?;
        let new = service::group::NewGroup {
            ward_id: parse_id(&input.ward_id, "wardId")?,
            code: input.code,
            name: input.name,
        };
        Ok(ResidentialGroup(scope.groups().create(new).await?))
    }

    /// Renames or recodes a residential group in a ward the caller governs.
    async fn update_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The group to change.")] id: ID,
        #[graphql(desc = "The fields to change.")] input: UpdateGroupInput,
    ) -> Result<ResidentialGroup> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let patch = service::group::GroupPatch { code: input.code, name: input.name };
        Ok(ResidentialGroup(scope.groups().update(id, patch).await?))
    }
}
