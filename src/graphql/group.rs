//! Residential groups: the `ResidentialGroup` type, `group` query, `createGroup` and `updateGroup`.

use std::sync::{Arc, Mutex};

use async_graphql::{Context, ID, InputObject, Object, Result};

use super::{
    assessment::GroupAssessment,
    connection::HouseholdConnection,
    context::{parse_id, request, scope, signed_in},
    household::{self, HouseholdFilterInput},
    loaders::HouseholdPageKey,
    scalars::DateTime,
    ward::Ward,
};
use crate::{
    error::{AppError, Missing},
    service,
    service::{
        household::{HouseholdPageQuery, ListedHousehold},
        page::Page,
        records::{GroupRecord, WardRecord},
    },
};

/// A residential group (tổ dân phố or thôn): the households one leader walks to.
pub struct ResidentialGroup {
    record: Arc<GroupRecord>,
    /// Its ward, when it was read with the group.
    ward: Option<Arc<WardRecord>>,
    /// A page of its households read with the group, for the `households` field asking exactly that.
    households: Mutex<Option<(HouseholdPageQuery, Page<ListedHousehold>)>>,
}

impl From<GroupRecord> for ResidentialGroup {
    fn from(record: GroupRecord) -> Self {
        Self::with_ward(Arc::new(record), None)
    }
}

impl ResidentialGroup {
    /// The group, with its ward when that was read with it.
    pub fn with_ward(record: Arc<GroupRecord>, ward: Option<Arc<WardRecord>>) -> Self {
        Self { record, ward, households: Mutex::new(None) }
    }

    /// The page of households asked for by `query`, if it was read with the group (once).
    fn read_page(&self, query: &HouseholdPageQuery) -> Option<Page<ListedHousehold>> {
        let mut households = self.households.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match households.take() {
            Some((read_for, page)) if read_for == *query => Some(page),
            other => {
                *households = other;
                None
            }
        }
    }
}

/// A residential group (tổ dân phố or thôn): the households one leader walks to.
#[Object]
impl ResidentialGroup {
    /// Unique id, across every type: `node(id:)` fetches the group again.
    pub(super) async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }

    /// Code, unique within the ward, e.g. "11".
    async fn code(&self) -> &str {
        &self.record.code
    }

    /// Name, e.g. "Tổ dân phố 11".
    async fn name(&self) -> &str {
        &self.record.name
    }

    /// When the group was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.record.created_at)
    }

    /// When the group last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.record.updated_at)
    }

    /// The ward the group belongs to.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        if let Some(ward) = &self.ward {
            return Ok(Ward(ward.clone()));
        }
        let ward = signed_in(ctx)?.wards().load_one(self.record.ward_id).await?;
        Ok(ward.ok_or(AppError::NotFound(Missing::Ward))?.into())
    }

    /// The ward officials' assessment of the group for a movement year (of the ward's own year); null
    /// when there is none yet.
    async fn assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The movement year, 2000–2100.")] year: i64,
    ) -> Result<Option<GroupAssessment>> {
        super::assessment::of_group(ctx, self.record.id, year).await
    }

    /// The group's households, in natural code order, optionally filtered.
    async fn households(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many households, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many households from the end, 0 to 100.")] last: Option<
            i64,
        >,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
        #[graphql(desc = "Narrow the list by words or status.")] filter: Option<HouseholdFilterInput>,
    ) -> Result<HouseholdConnection> {
        let query = household::page_query(ctx, first, after, last, before, filter)?;
        if let Some(page) = self.read_page(&query) {
            return Ok(household::connection(page, query.pledges_of));
        }
        let key = HouseholdPageKey { group_id: self.record.id, query };
        let page = signed_in(ctx)?
            .household_pages()
            .load_one(key.clone())
            .await?
            .unwrap_or_else(|| Page::empty(&key.query.request));
        Ok(household::connection(page, key.query.pledges_of))
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
        // A group opened with its households (a leader's list) is read with their page in one statement.
        let households = ctx.look_ahead().field("households").selection_fields();
        let Some(query) = households.first().and_then(household::page_query_ahead) else {
            let group = scope.groups().get(id).await?;
            request(ctx)?.read_wards(Some(&[group.ward_id]));
            return Ok(group.into());
        };
        let (group, page) = scope.groups().with_households(id, &query).await?;
        // Its households, their pledges and its ward's fields all move with its ward's generation.
        request(ctx)?.read_wards(Some(&[group.ward_id]));
        Ok(ResidentialGroup { households: Mutex::new(Some((query, page))), ..group.into() })
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
        Ok(scope.groups().create(new).await?.into())
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
        Ok(scope.groups().update(id, patch).await?.into())
    }
}
