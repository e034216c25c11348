//! Households: the `Household` type, `households`/`household` queries and their mutations.

use async_graphql::{
    Context, Enum, ID, InputObject, InputType, Lookahead, MaybeUndefined, Object, Result, SelectionField,
    Value,
};
use uuid::Uuid;

use super::{
    connection::{HouseholdConnection, page_request, to_connection},
    context::{int32, parse_id, scope, signed_in},
    group::ResidentialGroup,
    pledge::Pledge,
    scalars::DateTime,
};
use crate::{
    domain::household::HouseholdStatus as DomainStatus,
    error::{AppError, AppResult, Missing},
    service::{
        self,
        household::{HouseholdFilter, HouseholdPageQuery, ListedHousehold},
        page::{Page, PageArgs, Paging},
        records::{HouseholdRecord, PledgeRecord},
    },
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
pub struct Household {
    record: HouseholdRecord,
    /// Its pledge for one campaign, read with it: `pledge` for that campaign needs no other read.
    pledge_for: Option<(Uuid, Option<PledgeRecord>)>,
}

impl From<HouseholdRecord> for Household {
    fn from(record: HouseholdRecord) -> Self {
        Self { record, pledge_for: None }
    }
}

impl Household {
    /// A household of a page asked with `pledges_of`, whose pledge for it came with the household.
    fn listed(listed: ListedHousehold, pledges_of: Option<Uuid>) -> Self {
        Self { record: listed.household, pledge_for: pledges_of.map(|campaign| (campaign, listed.pledge)) }
    }
}

/// A household (hộ gia đình) of a residential group.
#[Object]
impl Household {
    /// Unique id, across every type: `node(id:)` fetches the household again.
    pub(super) async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }

    /// Code, unique within the group (often the house number).
    async fn code(&self) -> &str {
        &self.record.code
    }

    /// Name of the head of household (chủ hộ).
    async fn head_name(&self) -> &str {
        &self.record.head_name
    }

    /// Street address.
    async fn address(&self) -> &str {
        &self.record.address
    }

    /// People living in the household, 1–100.
    async fn member_count(&self) -> i32 {
        self.record.member_count
    }

    /// Contact phone in international form (+84…), if known.
    async fn phone(&self) -> Option<&str> {
        self.record.phone.as_deref()
    }

    /// Current status.
    async fn status(&self) -> HouseholdStatus {
        self.record.status.into()
    }

    /// Version for optimistic concurrency: send it as `expectedVersion` when changing the household.
    async fn version(&self) -> i32 {
        self.record.version
    }

    /// When the household was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.record.created_at)
    }

    /// When the household last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.record.updated_at)
    }

    /// The household's pledge for one campaign, if it has one (signed or withdrawn).
    async fn pledge(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign.")] campaign_id: ID,
    ) -> Result<Option<Pledge>> {
        let campaign_id = parse_id(&campaign_id, "campaignId")?;
        if let Some((read_for, pledge)) = &self.pledge_for
            && *read_for == campaign_id
        {
            return Ok(pledge.clone().map(Pledge));
        }
        let pledges = signed_in(ctx)?.household_pledges().load_one(self.record.id).await?.unwrap_or_default();
        Ok(pledges.into_iter().find(|p| p.campaign_id == campaign_id).map(Pledge))
    }

    /// Every pledge of the household, newest campaign first.
    async fn pledges(&self, ctx: &Context<'_>) -> Result<Vec<Pledge>> {
        let pledges = signed_in(ctx)?.household_pledges().load_one(self.record.id).await?.unwrap_or_default();
        Ok(pledges.into_iter().map(Pledge).collect())
    }

    /// The residential group the household belongs to.
    async fn group(&self, ctx: &Context<'_>) -> Result<ResidentialGroup> {
        let group = signed_in(ctx)?.groups().load_one(self.record.group_id).await?;
        Ok(group.ok_or(AppError::NotFound(Missing::Group))?.into())
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

/// What a `households` field asks for: its page and, when its nodes ask for `pledge(campaignId)`, that
/// campaign, so each household comes with its pledge.
pub(super) fn page_query(
    ctx: &Context<'_>,
    first: Option<i64>,
    after: Option<String>,
    last: Option<i64>,
    before: Option<String>,
    filter: Option<HouseholdFilterInput>,
) -> AppResult<HouseholdPageQuery> {
    let request = page_request(ctx, first, after, last, before)?;
    let pledges_of = pledge_campaign_ahead(&ctx.look_ahead());
    Ok(HouseholdPageQuery { filter: filter.unwrap_or_default().into(), request, pledges_of })
}

/// What the `households` field `field` will ask for, read ahead of it (by `group(id)`, which reads the
/// page with the group); none when its arguments do not make a page, and the field then says why.
pub(super) fn page_query_ahead(field: &SelectionField<'_>) -> Option<HouseholdPageQuery> {
    let arguments = field.arguments().ok()?;
    let argument = |name: &str| {
        arguments.iter().find(|(n, _)| n.as_str() == name).map(|(_, v)| v).filter(|v| **v != Value::Null)
    };
    let number = |name: &str| match argument(name) {
        None => Some(None),
        Some(Value::Number(n)) => n.as_i64().map(Some),
        Some(_) => None,
    };
    let text = |name: &str| match argument(name) {
        None => Some(None),
        Some(Value::String(text)) => Some(Some(text.as_str())),
        Some(_) => None,
    };
    let args = PageArgs {
        first: number("first")?,
        after: text("after")?,
        last: number("last")?,
        before: text("before")?,
    };
    let filter = Option::<HouseholdFilterInput>::parse(argument("filter").cloned()).ok()?;
    let list = Lookahead::from(*field);
    let request = Paging::parse(args, list.field("totalCount").exists()).ok()?;
    let filter = filter.unwrap_or_default().into();
    Some(HouseholdPageQuery { filter, request, pledges_of: pledge_campaign_ahead(&list) })
}

/// The campaign of the first `pledge(campaignId)` the nodes of a household list ask for, if it is an id.
fn pledge_campaign_ahead(list: &Lookahead<'_>) -> Option<Uuid> {
    let pledge = list.field("edges").field("node").field("pledge").selection_fields().into_iter().next()?;
    let arguments = pledge.arguments().ok()?;
    match arguments.iter().find(|(name, _)| name.as_str() == "campaignId") {
        Some((_, Value::String(id))) => Uuid::parse_str(id).ok(),
        _ => None,
    }
}

/// The connection of a page of households asked with `pledges_of`.
pub(super) fn connection(page: Page<ListedHousehold>, pledges_of: Option<Uuid>) -> HouseholdConnection {
    to_connection(
        page,
        |listed| service::household::cursor(&listed.household),
        |listed| Household::listed(listed, pledges_of),
    )
}

/// Queries on households.
#[derive(Default)]
pub struct HouseholdQuery;

#[Object]
impl HouseholdQuery {
    /// The households of one group, in natural code order; `NOT_FOUND` when the group is out of scope.
    #[expect(
        clippy::too_many_arguments,
        reason = "one per GraphQL argument: the group, paging both ways, the filter"
    )]
    async fn households(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The residential group.")] group_id: ID,
        #[graphql(desc = "How many households, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many households from the end, 0 to 100.")] last: Option<
            i64,
        >,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
        #[graphql(desc = "Narrow the list by words or status.")] filter: Option<HouseholdFilterInput>,
    ) -> Result<HouseholdConnection> {
        let group_id = parse_id(&group_id, "groupId")?;
        let query = page_query(ctx, first, after, last, before, filter)?;
        let scope = scope(ctx)?;
        // Resolve the group first so an out-of-scope group is NOT_FOUND rather than an empty list.
        scope.groups().ensure_visible(group_id).await?;
        let page = scope.households().page(group_id, &query).await?;
        Ok(connection(page, query.pledges_of))
    }

    /// One household; `NOT_FOUND` when it does not exist or lies outside the caller's scope.
    async fn household(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The household's id.")] id: ID,
    ) -> Result<Household> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        Ok(scope.households().get(id).await?.into())
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
            member_count: int32(input.member_count, "memberCount")?.into(),
            phone: input.phone,
        };
        let household = scope.households().create(new).await?;
        Ok(household.into())
    }

    /// Changes a household if it is still at `expectedVersion`; otherwise `CONFLICT` with
    /// `extensions.currentVersion`.
    async fn update_household(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The household to change.")] id: ID,
        #[graphql(desc = "The `version` the client last read; a newer one in the database is `CONFLICT`.")]
        expected_version: i64,
        #[graphql(desc = "The fields to change.")] input: UpdateHouseholdInput,
    ) -> Result<Household> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let expected_version = int32(expected_version, "expectedVersion")?;
        let patch = service::household::HouseholdPatch {
            code: input.code,
            head_name: input.head_name,
            address: input.address,
            member_count: input.member_count.map(|n| int32(n, "memberCount")).transpose()?.map(i64::from),
            phone: match input.phone {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(phone) => Some(Some(phone)),
            },
            status: None,
        };
        Ok(scope.households().update(id, expected_version, patch).await?.into())
    }

    /// Marks a household active, moved out or dissolved, if it is still at `expectedVersion`.
    async fn set_household_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The household to change.")] id: ID,
        #[graphql(desc = "The `version` the client last read; a newer one in the database is `CONFLICT`.")]
        expected_version: i64,
        #[graphql(desc = "The new status.")] status: HouseholdStatus,
    ) -> Result<Household> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let expected_version = int32(expected_version, "expectedVersion")?;
        let patch = service::household::HouseholdPatch { status: Some(status.into()), ..Default::default() };
        let household = scope.households().update(id, expected_version, patch).await?;
        Ok(household.into())
    }
}
