//! The coverage report: which groups have every household signed, and who is still missing.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use uuid::Uuid;

use super::{
    campaign::Campaign,
    connection::{HouseholdConnection, page_request, to_connection},
    context::{parse_id, request, scope, signed_in},
    group::ResidentialGroup,
    household::Household,
    scalars::{Date, DateTime},
    ward::Ward,
};
use crate::{
    error::{AppError, Missing},
    service::{
        self,
        coverage::{Detail, GroupFigures, Report, Totals},
    },
};

/// Coverage of a campaign over a scope: totals, per ward and per group.
pub struct CoverageReport(Arc<Report>);

/// Coverage of a campaign over a scope (a group, a ward, or every ward the caller may see): the share of
/// ACTIVE households with a SIGNED pledge, with per-ward and per-group rows sorted by coverage ascending.
#[Object]
impl CoverageReport {
    /// When the figures were read.
    async fn as_of(&self) -> DateTime {
        DateTime(self.0.as_of)
    }

    /// The campaign.
    async fn campaign(&self) -> Campaign {
        Campaign(self.0.campaign.clone())
    }

    /// ACTIVE households in the scope.
    async fn total_households(&self) -> i64 {
        self.0.totals.total_households
    }

    /// Of them, those with a SIGNED pledge.
    async fn signed_households(&self) -> i64 {
        self.0.totals.signed_households
    }

    /// signedHouseholds / totalHouseholds, from 0 to 1 (0 without active households).
    async fn coverage(&self) -> f64 {
        self.0.totals.coverage()
    }

    /// Every group with households is fully covered.
    async fn fully_covered(&self) -> bool {
        self.0.totals.fully_covered
    }

    /// Groups in the scope.
    async fn groups_total(&self) -> i64 {
        self.0.totals.groups_total
    }

    /// Groups where every active household signed.
    async fn groups_fully_covered(&self) -> i64 {
        self.0.totals.groups_fully_covered
    }

    /// Day by day over the campaign window up to today (Vietnam's date): signatures that day and the
    /// running coverage, for charts. Counted from the pledges: ask for it only when drawing.
    async fn daily(&self, ctx: &Context<'_>) -> Result<Vec<DailyProgress>> {
        let days = scope(ctx)?.coverage().daily(&self.0).await?;
        Ok(days
            .into_iter()
            .map(|d| DailyProgress {
                date: Date::from(d.date),
                signed: d.signed,
                cumulative_signed: d.cumulative_signed,
                cumulative_coverage: d.cumulative_coverage,
            })
            .collect())
    }

    /// One row per ward, lowest coverage first.
    async fn wards(&self) -> Vec<WardCoverage> {
        self.0
            .wards
            .iter()
            .map(|(ward_id, totals)| WardCoverage { ward_id: *ward_id, totals: totals.clone() })
            .collect()
    }

    /// One row per group, lowest coverage first, then by code.
    async fn groups(&self) -> Vec<GroupCoverage> {
        self.0
            .groups
            .iter()
            .map(|figures| GroupCoverage { figures: figures.clone(), campaign_id: self.0.campaign.id })
            .collect()
    }
}

/// Signatures of one day and the running coverage.
#[derive(SimpleObject)]
pub struct DailyProgress {
    /// The day.
    pub date: Date,
    /// Signatures dated that day (of households still active, pledges still signed).
    pub signed: i64,
    /// Signatures up to and including that day.
    pub cumulative_signed: i64,
    /// cumulativeSigned over today's active households, from 0 to 1.
    pub cumulative_coverage: f64,
}

/// Coverage of one ward.
pub struct WardCoverage {
    ward_id: Uuid,
    totals: Totals,
}

/// Coverage of one ward.
#[Object]
impl WardCoverage {
    /// The ward.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        let ward = signed_in(ctx)?.wards().load_one(self.ward_id).await?;
        Ok(ward.ok_or(AppError::NotFound(Missing::Ward))?.into())
    }

    /// ACTIVE households in the ward (in the caller's scope).
    async fn total_households(&self) -> i64 {
        self.totals.total_households
    }

    /// Of them, those with a SIGNED pledge.
    async fn signed_households(&self) -> i64 {
        self.totals.signed_households
    }

    /// signedHouseholds / totalHouseholds, from 0 to 1.
    async fn coverage(&self) -> f64 {
        self.totals.coverage()
    }

    /// Every group of the ward that has households is fully covered.
    async fn fully_covered(&self) -> bool {
        self.totals.fully_covered
    }

    /// Groups of the ward in the report.
    async fn groups_total(&self) -> i64 {
        self.totals.groups_total
    }

    /// Of them, those fully covered.
    async fn groups_fully_covered(&self) -> i64 {
        self.totals.groups_fully_covered
    }
}

/// Coverage of one residential group.
pub struct GroupCoverage {
    figures: GroupFigures,
    campaign_id: Uuid,
}

impl GroupCoverage {
    /// The row of a group for a campaign.
    pub fn new(figures: GroupFigures, campaign_id: Uuid) -> Self {
        Self { figures, campaign_id }
    }
}

/// Coverage of one residential group, with the households still to visit.
#[Object]
impl GroupCoverage {
    /// The group.
    async fn group(&self) -> ResidentialGroup {
        ResidentialGroup::with_ward(self.figures.group.clone(), Some(self.figures.ward.clone()))
    }

    /// ACTIVE households of the group.
    async fn total_households(&self) -> i64 {
        self.figures.total_households
    }

    /// Of them, those with a SIGNED pledge.
    async fn signed_households(&self) -> i64 {
        self.figures.signed_households
    }

    /// signedHouseholds / totalHouseholds, from 0 to 1.
    async fn coverage(&self) -> f64 {
        self.figures.coverage()
    }

    /// Every active household signed (and there is at least one).
    async fn fully_covered(&self) -> bool {
        self.figures.fully_covered()
    }

    /// ACTIVE households without a SIGNED pledge, in code order: the follow-up list.
    async fn unsigned_households(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many households, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many households from the end, 0 to 100.")] last: Option<
            i64,
        >,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<HouseholdConnection> {
        let scope = scope(ctx)?;
        let page_request = page_request(ctx, first, after, last, before)?;
        let page =
            scope.households().unsigned_page(self.figures.group.id, self.campaign_id, &page_request).await?;
        Ok(to_connection(page, service::household::cursor, Household::from))
    }
}

/// The coverage report query.
#[derive(Default)]
pub struct CoverageQuery;

#[Object]
impl CoverageQuery {
    /// Coverage of a campaign: for one group (`groupId`), one ward (`wardId`), or, with neither, every
    /// ward the caller may see that the campaign covers.
    async fn coverage_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign.")] campaign_id: ID,
        #[graphql(desc = "Only this ward.")] ward_id: Option<ID>,
        #[graphql(desc = "Only this group.")] group_id: Option<ID>,
    ) -> Result<CoverageReport> {
        let scope = scope(ctx)?;
        let campaign_id = parse_id(&campaign_id, "campaignId")?;
        let ward_id = ward_id.as_ref().map(|id| parse_id(id, "wardId")).transpose()?;
        let group_id = group_id.as_ref().map(|id| parse_id(id, "groupId")).transpose()?;
        // Group rows cost one row per group; a province-wide report asked per ward reads one per ward.
        let detail = if ctx.look_ahead().field("groups").exists() { Detail::Groups } else { Detail::Wards };
        let report = scope.coverage().report(campaign_id, ward_id, group_id, detail).await?;
        request(ctx)?.read_report(&report.reads);
        Ok(CoverageReport(report))
    }
}
