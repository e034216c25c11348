//! The pledge drive as one actor may see and run it: campaigns, pledges, coverage and good deeds.

use std::{collections::HashMap, sync::Arc};

use chrono::NaiveDate;
use uuid::Uuid;

use super::Scope;
use crate::{
    error::AppResult,
    service::{
        campaign::{self, CampaignPatch, NewCampaign},
        coverage::{self, DailyProgress, Detail, Report},
        good_deed::{self, GoodDeedFilter, GroupTally, NewGoodDeed},
        page::{Page, Paging},
        pledge::{self, PledgeInput},
        records::{CampaignRecord, GoodDeedRecord, PledgeRecord},
    },
};

/// Campaigns in the actor's scope.
pub struct Campaigns<'a>(pub(super) &'a Scope);

impl Campaigns<'_> {
    /// One page of the campaigns the actor may see, newest first.
    pub async fn list(&self, request: &Paging) -> AppResult<Page<CampaignRecord>> {
        campaign::list(self.0.db(), self.0.actor(), request).await
    }

    /// One campaign, or `NOT_FOUND`.
    pub async fn get(&self, id: Uuid) -> AppResult<CampaignRecord> {
        campaign::get(self.0.db(), self.0.actor(), id).await
    }

    /// The campaigns among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, CampaignRecord>> {
        campaign::by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// Creates a DRAFT campaign.
    pub async fn create(&self, input: NewCampaign) -> AppResult<CampaignRecord> {
        campaign::create(self.0.db(), self.0.actor(), input).await
    }

    /// Changes a DRAFT campaign.
    pub async fn update(&self, id: Uuid, patch: CampaignPatch) -> AppResult<CampaignRecord> {
        let written = campaign::update(self.0.db(), self.0.actor(), id, patch).await?;
        Ok(self.0.published(written).await)
    }

    /// Opens a campaign for pledges.
    pub async fn open(&self, id: Uuid) -> AppResult<CampaignRecord> {
        let written = campaign::open(self.0.db(), self.0.actor(), id).await?;
        Ok(self.0.published(written).await)
    }

    /// Closes a campaign.
    pub async fn close(&self, id: Uuid) -> AppResult<CampaignRecord> {
        let written = campaign::close(self.0.db(), self.0.actor(), id).await?;
        Ok(self.0.published(written).await)
    }
}

/// Pledges in the actor's scope.
pub struct Pledges<'a>(pub(super) &'a Scope);

impl Pledges<'_> {
    /// The pledges among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, PledgeRecord>> {
        pledge::by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// The pledges of each household, newest campaign first.
    pub async fn of_households(&self, household_ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<PledgeRecord>>> {
        pledge::of_households(self.0.db(), self.0.actor(), household_ids).await
    }

    /// Records one pledge, dated against today in Vietnam (on PostgreSQL in one statement).
    pub async fn record(&self, input: &PledgeInput) -> AppResult<PledgeRecord> {
        let today = self.0.services.today();
        let services = &self.0.services;
        let queue = services.pledge_queue.as_ref();
        let written =
            pledge::record_one(self.0.db(), queue, self.0.caches(), self.0.actor(), input, today).await?;
        Ok(self.0.published(written).await)
    }

    /// Records pledges, each on its own (a phone's queue after days offline): per-item results, dated
    /// against today in Vietnam.
    pub async fn record_many(&self, inputs: &[PledgeInput]) -> AppResult<Vec<AppResult<PledgeRecord>>> {
        let today = self.0.services.today();
        let written =
            pledge::record_many(self.0.db(), self.0.caches(), self.0.actor(), inputs, today).await?;
        Ok(self.0.published(written).await)
    }

    /// Withdraws a signed pledge.
    pub async fn withdraw(&self, id: Uuid, reason: Option<String>) -> AppResult<PledgeRecord> {
        let written = pledge::withdraw(self.0.db(), self.0.caches(), self.0.actor(), id, reason).await?;
        Ok(self.0.published(written).await)
    }
}

/// Coverage reports over the actor's scope.
pub struct Coverage<'a>(pub(super) &'a Scope);

impl Coverage<'_> {
    /// The report of a campaign for a group, a ward, or every ward the actor may see that it covers.
    pub async fn report(
        &self,
        campaign_id: Uuid,
        ward_id: Option<Uuid>,
        group_id: Option<Uuid>,
        detail: Detail,
    ) -> AppResult<Arc<Report>> {
        coverage::report(self.0.db(), self.0.caches(), self.0.actor(), campaign_id, ward_id, group_id, detail)
            .await
    }

    /// Day by day over the campaign window up to today, for the report's whole scope.
    pub async fn daily(&self, report: &Report) -> AppResult<Vec<DailyProgress>> {
        coverage::daily(self.0.db(), report, self.0.services.today()).await
    }
}

/// Good deeds in the actor's scope.
pub struct GoodDeeds<'a>(pub(super) &'a Scope);

impl GoodDeeds<'_> {
    /// The good deeds among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, GoodDeedRecord>> {
        good_deed::by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// One page of good deeds, newest first, filtered.
    pub async fn list(&self, filter: &GoodDeedFilter, request: &Paging) -> AppResult<Page<GoodDeedRecord>> {
        good_deed::list(self.0.db(), self.0.actor(), filter, request).await
    }

    /// Records a good deed, dated on or before today in Vietnam.
    pub async fn record(&self, input: NewGoodDeed) -> AppResult<GoodDeedRecord> {
        let today = self.0.services.today();
        good_deed::record(self.0.db(), self.0.actor(), input, today).await
    }

    /// Verifies (or rejects) a reported good deed.
    pub async fn verify(&self, id: Uuid, approve: bool, note: Option<String>) -> AppResult<GoodDeedRecord> {
        good_deed::verify(self.0.db(), self.0.caches(), self.0.actor(), id, approve, note).await
    }

    /// Counts by category and status, per group in scope, over a period.
    pub async fn report(
        &self,
        ward_id: Option<Uuid>,
        group_id: Option<Uuid>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<Vec<GroupTally>> {
        good_deed::report(self.0.db(), self.0.actor(), ward_id, group_id, from, to).await
    }
}
