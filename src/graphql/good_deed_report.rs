//! The good-deed report: counts by category and status, per group, with totals.

use async_graphql::{Context, ID, Object, Result, SimpleObject};

use super::{
    context::{optional_date, parse_id, scope, signed_in},
    good_deed::{GoodDeedCategory, GoodDeedStatus},
    group::ResidentialGroup,
    scalars::Date,
};
use crate::{
    domain::campaign::{GoodDeedCategory as DomainCategory, GoodDeedStatus as DomainStatus},
    error::{AppError, Missing},
    service::good_deed::GroupTally,
};

/// How many good deeds of one category.
#[derive(SimpleObject)]
pub struct CategoryCount {
    /// The category.
    pub category: GoodDeedCategory,
    /// How many.
    pub count: i64,
}

/// How many good deeds in one status.
#[derive(SimpleObject)]
pub struct StatusCount {
    /// The status.
    pub status: GoodDeedStatus,
    /// How many.
    pub count: i64,
}

fn by_category(counts: &[(DomainCategory, i64)]) -> Vec<CategoryCount> {
    counts
        .iter()
        .map(|(category, count)| CategoryCount { category: (*category).into(), count: *count })
        .collect()
}

fn by_status(counts: &[(DomainStatus, i64)]) -> Vec<StatusCount> {
    counts.iter().map(|(status, count)| StatusCount { status: (*status).into(), count: *count }).collect()
}

/// The good deeds of one group, counted.
pub struct GroupGoodDeeds(GroupTally);

/// The good deeds of one group, counted by category and status.
#[Object]
impl GroupGoodDeeds {
    /// The group.
    async fn group(&self, ctx: &Context<'_>) -> Result<ResidentialGroup> {
        let group = signed_in(ctx)?.groups().load_one(self.0.group_id).await?;
        Ok(group.ok_or(AppError::NotFound(Missing::Group))?.into())
    }

    /// All good deeds of the group in the period.
    async fn total(&self) -> i64 {
        self.0.total
    }

    /// By category (every category, zeros included).
    async fn by_category(&self) -> Vec<CategoryCount> {
        by_category(&self.0.by_category)
    }

    /// By status (every status, zeros included).
    async fn by_status(&self) -> Vec<StatusCount> {
        by_status(&self.0.by_status)
    }
}

/// Good deeds over a scope and period.
pub struct GoodDeedReport(Vec<GroupTally>);

/// Good deeds over a scope and period: totals by category and status, and the same per group.
#[Object]
impl GoodDeedReport {
    /// All good deeds in the scope and period.
    async fn total(&self) -> i64 {
        self.0.iter().map(|g| g.total).sum()
    }

    /// Totals by category.
    async fn by_category(&self) -> Vec<CategoryCount> {
        let mut totals: Vec<(DomainCategory, i64)> =
            self.0.first().map(|g| g.by_category.iter().map(|(c, _)| (*c, 0)).collect()).unwrap_or_default();
        for group in &self.0 {
            for (total, (_, n)) in totals.iter_mut().zip(&group.by_category) {
                total.1 += n;
            }
        }
        by_category(&totals)
    }

    /// Totals by status.
    async fn by_status(&self) -> Vec<StatusCount> {
        let mut totals: Vec<(DomainStatus, i64)> =
            self.0.first().map(|g| g.by_status.iter().map(|(s, _)| (*s, 0)).collect()).unwrap_or_default();
        for group in &self.0 {
            for (total, (_, n)) in totals.iter_mut().zip(&group.by_status) {
                total.1 += n;
            }
        }
        by_status(&totals)
    }

    /// One row per group in the scope, in ward and code order.
    async fn groups(&self) -> Vec<GroupGoodDeeds> {
        self.0.iter().cloned().map(GroupGoodDeeds).collect()
    }
}

/// The good-deed report query.
#[derive(Default)]
pub struct GoodDeedReportQuery;

#[Object]
impl GoodDeedReportQuery {
    /// Good deeds counted by category and status, per group, for a ward, a group, or everything the
    /// caller may see, over an optional period of `occurredOn`.
    async fn good_deed_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this ward.")] ward_id: Option<ID>,
        #[graphql(desc = "Only this group.")] group_id: Option<ID>,
        #[graphql(desc = "Deeds that happened on or after this day.")] from: Option<Date>,
        #[graphql(desc = "Deeds that happened on or before this day.")] to: Option<Date>,
    ) -> Result<GoodDeedReport> {
        let scope = scope(ctx)?;
        let ward_id = ward_id.as_ref().map(|id| parse_id(id, "wardId")).transpose()?;
        let group_id = group_id.as_ref().map(|id| parse_id(id, "groupId")).transpose()?;
        let tallies = scope
            .good_deeds()
            .report(
                ward_id,
                group_id,
                optional_date(from.as_ref(), "from")?,
                optional_date(to.as_ref(), "to")?,
            )
            .await?;
        Ok(GoodDeedReport(tallies))
    }
}
