//! Wards, residential groups and households, as one actor may see and change them.

use std::collections::HashMap;

use uuid::Uuid;

use super::Scope;
use crate::{
    error::AppResult,
    service::{
        group::{self, GroupPatch, NewGroup},
        household::{self, HouseholdPageQuery, HouseholdPatch, ListedHousehold, NewHousehold},
        page::{Page, Paging},
        records::{GroupRecord, HouseholdRecord, WardRecord},
        ward::{self, NewWard},
    },
};

/// Wards in the actor's scope.
pub struct Wards<'a>(pub(super) &'a Scope);

impl Wards<'_> {
    /// One page of the wards the actor may see, by code.
    pub async fn list(&self, request: &Paging) -> AppResult<Page<WardRecord>> {
        ward::list(self.0.db(), self.0.actor(), request).await
    }

    /// One ward, or `NOT_FOUND`.
    pub async fn get(&self, id: Uuid) -> AppResult<WardRecord> {
        ward::get(self.0.db(), self.0.actor(), id).await
    }

    /// The wards among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, WardRecord>> {
        ward::by_ids(self.0.db(), self.0.caches(), self.0.actor(), ids).await
    }

    /// Creates a ward (administrators only).
    pub async fn create(&self, input: NewWard) -> AppResult<WardRecord> {
        ward::create(self.0.db(), self.0.actor(), input).await
    }
}

/// Residential groups in the actor's scope.
pub struct Groups<'a>(pub(super) &'a Scope);

impl Groups<'_> {
    /// One group, or `NOT_FOUND`.
    pub async fn get(&self, id: Uuid) -> AppResult<GroupRecord> {
        group::get(self.0.db(), self.0.actor(), id).await
    }

    /// The groups among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, GroupRecord>> {
        group::by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// One group and a page of its households, read together; `NOT_FOUND` like `get`.
    pub async fn with_households(
        &self,
        id: Uuid,
        query: &HouseholdPageQuery,
    ) -> AppResult<(GroupRecord, Page<ListedHousehold>)> {
        household::group_with_page(self.0.db(), self.0.actor(), id, query).await
    }

    /// `NOT_FOUND` unless the actor may see the group.
    pub async fn ensure_visible(&self, id: Uuid) -> AppResult<()> {
        group::ensure_visible(self.0.db(), self.0.caches(), self.0.actor(), id).await
    }

    /// For each ward, one page of its groups the actor may see.
    pub async fn pages_for_wards(
        &self,
        ward_ids: &[Uuid],
        request: &Paging,
    ) -> AppResult<HashMap<Uuid, Page<GroupRecord>>> {
        group::pages_for_wards(self.0.db(), self.0.actor(), ward_ids, request).await
    }

    /// Creates a group in a ward the actor governs.
    pub async fn create(&self, input: NewGroup) -> AppResult<GroupRecord> {
        let written = group::create(self.0.db(), self.0.actor(), input).await?;
        Ok(self.0.published(written).await)
    }

    /// Renames or recodes a group.
    pub async fn update(&self, id: Uuid, patch: GroupPatch) -> AppResult<GroupRecord> {
        let written = group::update(self.0.db(), self.0.actor(), id, patch).await?;
        Ok(self.0.published(written).await)
    }
}

/// Households in the actor's scope.
pub struct Households<'a>(pub(super) &'a Scope);

impl Households<'_> {
    /// One household, or `NOT_FOUND`.
    pub async fn get(&self, id: Uuid) -> AppResult<HouseholdRecord> {
        household::get(self.0.db(), self.0.actor(), id).await
    }

    /// The households among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, HouseholdRecord>> {
        household::by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// One page of a group's households the actor may see (empty for a group out of scope).
    pub async fn page(&self, group_id: Uuid, query: &HouseholdPageQuery) -> AppResult<Page<ListedHousehold>> {
        household::page(self.0.db(), self.0.actor(), group_id, query).await
    }

    /// For each group, one page of its households the actor may see.
    pub async fn pages_for_groups(
        &self,
        group_ids: &[Uuid],
        query: &HouseholdPageQuery,
    ) -> AppResult<HashMap<Uuid, Page<ListedHousehold>>> {
        household::pages_for_groups(self.0.db(), self.0.actor(), group_ids, query).await
    }

    /// The ACTIVE households of a group without a SIGNED pledge for a campaign, in code order.
    pub async fn unsigned_page(
        &self,
        group_id: Uuid,
        campaign_id: Uuid,
        request: impl Into<Paging>,
    ) -> AppResult<Page<HouseholdRecord>> {
        let request = request.into();
        household::unsigned_page(self.0.db(), self.0.actor(), group_id, campaign_id, &request).await
    }

    /// Adds an ACTIVE household to a group in scope.
    pub async fn create(&self, input: NewHousehold) -> AppResult<HouseholdRecord> {
        let written = household::create(self.0.db(), self.0.actor(), input).await?;
        Ok(self.0.published(written).await)
    }

    /// Changes a household still at `expected_version`.
    pub async fn update(
        &self,
        id: Uuid,
        expected_version: i32,
        patch: HouseholdPatch,
    ) -> AppResult<HouseholdRecord> {
        let written =
            household::update(self.0.db(), self.0.caches(), self.0.actor(), id, expected_version, patch)
                .await?;
        Ok(self.0.published(written).await)
    }
}
