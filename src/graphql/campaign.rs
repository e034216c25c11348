//! Campaigns: the `Campaign` type, `campaigns`/`campaign`, and create, update, open, close.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};

use super::{
    connection::{CampaignConnection, page_request, to_connection},
    context::{int32, optional_date, parse_id, scope, signed_in},
    scalars::{Date, DateTime},
    ward::Ward,
};
use crate::{service, service::records::CampaignRecord};

/// Where a campaign stands. Pledges are recorded only while it is `OPEN`.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "CampaignStatus", remote = "crate::domain::campaign::CampaignStatus")]
pub enum CampaignStatus {
    /// Being prepared; its pledge items may still change.
    Draft,
    /// Collecting pledges.
    Open,
    /// Finished; only an administrator may reopen it.
    Closed,
}

/// One year's pledge drive.
pub struct Campaign(pub CampaignRecord);

/// One year's pledge drive, for one ward or for every ward.
#[Object]
impl Campaign {
    /// Unique id, across every type: `node(id:)` fetches the campaign again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The year it is for.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Title, e.g. "Toàn dân bảo vệ an ninh Tổ quốc năm 2023".
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// First day pledges may be signed.
    async fn starts_on(&self) -> Date {
        Date::from(self.0.starts_on)
    }

    /// Last day pledges may be signed.
    async fn ends_on(&self) -> Date {
        Date::from(self.0.ends_on)
    }

    /// Where the campaign stands.
    async fn status(&self) -> CampaignStatus {
        self.0.status.into()
    }

    /// The commitments a household signs, in order.
    async fn pledge_items(&self) -> Result<Vec<String>> {
        Ok(service::campaign::pledge_items(&self.0)?)
    }

    /// The ward it is for; null when it covers every ward.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Option<Ward>> {
        let Some(ward_id) = self.0.ward_id else { return Ok(None) };
        Ok(signed_in(ctx)?.wards().load_one(ward_id).await?.map(Ward::from))
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A new campaign; it starts as `DRAFT`.
#[derive(InputObject)]
pub struct CreateCampaignInput {
    /// The year, e.g. 2023.
    pub year: i64,
    /// Title (1–200 characters).
    pub title: String,
    /// First day; default 1 November of the year before.
    pub starts_on: Option<Date>,
    /// Last day; default 31 October of the year.
    pub ends_on: Option<Date>,
    /// The commitments a household signs, in order: 1 to 20, each 1–500 characters.
    pub pledge_items: Vec<String>,
    /// The ward; omit for a campaign of every ward (administrators only).
    pub ward_id: Option<ID>,
}

/// Changes to a draft campaign; omitted fields stay.
#[derive(InputObject)]
pub struct UpdateCampaignInput {
    /// New title.
    pub title: Option<String>,
    /// New first day.
    pub starts_on: Option<Date>,
    /// New last day.
    pub ends_on: Option<Date>,
    /// New pledge items.
    pub pledge_items: Option<Vec<String>>,
}

/// Queries on campaigns.
#[derive(Default)]
pub struct CampaignQuery;

#[Object]
impl CampaignQuery {
    /// The campaigns the caller may see (their wards' and those for every ward), newest first.
    async fn campaigns(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many campaigns, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many campaigns from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<CampaignConnection> {
        let scope = scope(ctx)?;
        let page_request = page_request(ctx, first, after, last, before)?;
        let page = scope.campaigns().list(&page_request).await?;
        Ok(to_connection(page, service::campaign::cursor, Campaign))
    }

    /// One campaign; `NOT_FOUND` when it does not exist or is for a ward outside the caller's scope.
    async fn campaign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign's id.")] id: ID,
    ) -> Result<Campaign> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        Ok(Campaign(scope.campaigns().get(id).await?))
    }
}

/// Mutations on campaigns.
#[derive(Default)]
pub struct CampaignMutation;

#[Object]
impl CampaignMutation {
    /// Creates a draft campaign: `ADMIN` for every ward or any ward, `WARD_OFFICIAL` for their ward.
    async fn create_campaign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new campaign.")] input: CreateCampaignInput,
    ) -> Result<Campaign> {
        let scope = scope(ctx)?;
        let new = service::campaign::NewCampaign {
            year: int32(input.year, "year")?,
            title: input.title,
            starts_on: optional_date(input.starts_on.as_ref(), "startsOn")?,
            ends_on: optional_date(input.ends_on.as_ref(), "endsOn")?,
            pledge_items: input.pledge_items,
            ward_id: input.ward_id.as_ref().map(|id| parse_id(id, "wardId")).transpose()?,
        };
        Ok(Campaign(scope.campaigns().create(new).await?))
    }

    /// Changes a campaign while it is `DRAFT`; once open, what households sign no longer changes.
    async fn update_campaign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign.")] id: ID,
        #[graphql(desc = "The fields to change.")] input: UpdateCampaignInput,
    ) -> Result<Campaign> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let patch = service::campaign::CampaignPatch {
            title: input.title,
            starts_on: optional_date(input.starts_on.as_ref(), "startsOn")?,
            ends_on: optional_date(input.ends_on.as_ref(), "endsOn")?,
            pledge_items: input.pledge_items,
        };
        Ok(Campaign(scope.campaigns().update(id, patch).await?))
    }

    /// Opens a campaign for pledges (`DRAFT` → `OPEN`; `CLOSED` → `OPEN` for administrators only).
    async fn open_campaign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign.")] id: ID,
    ) -> Result<Campaign> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        Ok(Campaign(scope.campaigns().open(id).await?))
    }

    /// Closes an open campaign: no more pledges are recorded.
    async fn close_campaign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign.")] id: ID,
    ) -> Result<Campaign> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        Ok(Campaign(scope.campaigns().close(id).await?))
    }
}
