//! Households: the `Household` type, `households`/`household` queries and their mutations.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::{DateTime, Utc};

use super::{
    connection::{HouseholdConnection, page_request, to_connection},
    context::{parse_id, scope, signed_in},
    group::ResidentialGroup,
    loaders::HouseholdPageKey,
    pledge::Pledge,
};
use crate::{
    domain::household::HouseholdStatus as DomainStatus,
    error::{AppError, Missing},
    service::records::HouseholdRecord,
    service::{self, household::HouseholdFilter},
};

/// Where a household stands. Only `ACTIVE` households count in pledge coverage.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "HouseholdStatus", remote = "crate::domain::household::HouseholdStatus")]
pub enum HouseholdStatus {
    /// Living in the group; expected to sign.
    Active,
    /// Moved elsewhere; kept for history.
    MovedOut,
    /// No longer exists as a household.
    Dissolved,
}

/// A household (hộ gia đình) of a residential group.
pub struct Household(pub HouseholdRecord);

/// A household (hộ gia đình) of a residential group.
#[Object]
impl Household {
    /// Unique id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Code, unique within the group (often the house number).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name of the head of household (chủ hộ).
    async fn head_name(&self) -> &str {
        &self.0.head_name
    }

    /// Street address.
    async fn address(&self) -> &str {
        &self.0.address
    }

    /// People living in the household, 1–100.
    async fn member_count(&self) -> i32 {
        self.0.member_count
    }

    /// Contact phone in international form (+84…), if known.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// Current status.
    async fn status(&self) -> HouseholdStatus {
        self.0.status.into()
    }

    /// Version for optimistic concurrency: send it as `expectedVersion` when changing the household.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the household was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the household last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The household's pledge for one campaign, if it has one (signed or withdrawn).
    async fn pledge(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign.")] campaign_id: ID,
    ) -> Result<Option<Pledge>> {
        let campaign_id = parse_id(&campaign_id, "campaignId")?;
        let pledges = signed_in(ctx)?.household_pledges.load_one(self.0.id).await?.unwrap_or_default();
        Ok(pledges.into_iter().find(|p| p.campaign_id == campaign_id).map(Pledge))
    }

    /// Every pledge of the household, newest campaign first.
    async fn pledges(&self, ctx: &Context<'_>) -> Result<Vec<Pledge>> {
        let pledges = signed_in(ctx)?.household_pledges.load_one(self.0.id).await?.unwrap_or_default();
        Ok(pledges.into_iter().map(Pledge).collect())
    }

    /// The residential group the household belongs to.
    async fn group(&self, ctx: &Context<'_>) -> Result<ResidentialGroup> {
        let group = signed_in(ctx)?.groups.load_one(self.0.group_id).await?;
        Ok(ResidentialGroup(group.ok_or(AppError::NotFound(Missing::Group))?))
    }
}

/// Narrows a list of households.
#[derive(InputObject, Default)]
pub struct HouseholdFilterInput {
    /// A phrase to find in the head's name, the code or the address; case and diacritics are ignored
    /// ("tran thi" finds "Trần Thị Hoa" and "TRẦN THỊ MAI"). At most 200 characters.
    #[graphql(validator(max_length = 200))]
    pub search: Option<String>,
    /// Only households with this status.
    pub status: Option<HouseholdStatus>,
}

impl From<HouseholdFilterInput> for HouseholdFilter {
    fn from(input: HouseholdFilterInput) -> Self {
        Self {
            search: input.search.filter(|s| !s.trim().is_empty()),
            status: input.status.map(DomainStatus::from),
        }
    }
}

/// Queries on households.
#[derive(Default)]
pub struct HouseholdQuery;

#[Object]
impl HouseholdQuery {
    /// The households of one group, in natural code order; `NOT_FOUND` when the group is out of scope.
    async fn households(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The residential group.")] group_id: ID,
        #[graphql(desc = "How many households, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Narrow the list by words or status.")] filter: Option<HouseholdFilterInput>,
    ) -> Result<HouseholdConnection> {
        let group_id = parse_id(&group_id, "groupId")?;
        let page_request = page_request(ctx, first, after)?;
        // Resolve the group first so an out-of-scope group is NOT_FOUND rather than an empty list.
        scope(ctx)?.groups().ensure_visible(group_id).await?;
        let key =
            HouseholdPageKey { group_id, filter: filter.unwrap_or_default().into(), request: page_request };
        let page = signed_in(ctx)?
            .household_pages
            .load_one(key.clone())
            .await?
            .unwrap_or_else(|| service::page::Page::empty(&key.request));
        Ok(to_connection(page, service::household::cursor, Household))
    }

    /// One household; `NOT_FOUND` when it does not exist or lies outside the caller's scope.
    async fn household(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The household's id.")] id: ID,
    ) -> Result<Household> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        Ok(Household(scope.households().get(id).await?))
    }
}

/// A new household; it starts `ACTIVE` at version 1.
#[derive(InputObject)]
pub struct CreateHouseholdInput {
    /// The residential group.
    pub group_id: ID,
    /// Code, unique within the group (1–32 characters, no spaces).
    pub code: String,
    /// Name of the head of household (1–200 characters).
    pub head_name: String,
    /// Street address (1–500 characters).
    pub address: String,
    /// People living in it, 1–100.
    pub member_count: i64,
    /// Vietnamese phone number in any common spelling ("0912 345 678", "+84 912 345 678"); stored as +84….
    pub phone: Option<String>,
}

/// Changes to a household; omitted fields stay as they are, `phone: null` clears the phone.
#[derive(InputObject)]
pub struct UpdateHouseholdInput {
    /// New code, unique within the group.
    pub code: Option<String>,
    /// New head of household.
    pub head_name: Option<String>,
    /// New address.
    pub address: Option<String>,
    /// New member count, 1–100.
    pub member_count: Option<i64>,
    /// New phone number; `null` removes it.
    pub phone: MaybeUndefined<String>,
}

/// Mutations on households.
#[derive(Default)]
pub struct HouseholdMutation;

#[Object]
impl HouseholdMutation {
    /// Adds a household to a group in the caller's scope.
    async fn create_household(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new household.")] input: CreateHouseholdInput,
    ) -> Result<Household> {
        let scope = scope(ctx)?;
        let new = service::household::NewHousehold {
            group_id: parse_id(&input.group_id, "groupId")?,
            code: input.code,
            head_name: input.head_name,
            address: input.address,
            member_count: input.member_count,
            phone: input.phone,
        };
        let household = scope.households().create(new).await?;
        Ok(Household(household))
    }

    /// Changes a household if it is still at `expectedVersion`; otherwise `CONFLICT` with
    /// `extensions.currentVersion`.
    async fn update_household(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The household to change.")] id: ID,
        #[graphql(desc = "The `version` the client last read; a newer one in the database is `CONFLICT`.")]
        expected_version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateHouseholdInput,
    ) -> Result<Household> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let patch = service::household::HouseholdPatch {
            code: input.code,
            head_name: input.head_name,
            address: input.address,
            member_count: input.member_count,
            phone: match input.phone {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(phone) => Some(Some(phone)),
            },
            status: None,
        };
        Ok(Household(scope.households().update(id, expected_version, patch).await?))
    }

    /// Marks a household active, moved out or dissolved, if it is still at `expectedVersion`.
    async fn set_household_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The household to change.")] id: ID,
        #[graphql(desc = "The `version` the client last read; a newer one in the database is `CONFLICT`.")]
        expected_version: i32,
        #[graphql(desc = "The new status.")] status: HouseholdStatus,
    ) -> Result<Household> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let patch = service::household::HouseholdPatch { status: Some(status.into()), ..Default::default() };
        let household = scope.households().update(id, expected_version, patch).await?;
        Ok(Household(household))
    }
}
