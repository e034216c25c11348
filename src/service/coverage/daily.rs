//! Day-by-day progress of a report's campaign, counted from the pledges themselves.

use std::collections::BTreeMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait,
    sea_query::{Alias, Expr, Query},
};

use super::{figures::ratio, report::Report};
use crate::{
    domain::{campaign::PledgeStatus, household::HouseholdStatus},
    entities::pledge,
    error::AppResult,
};

/// Signatures of one day and the running total.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyProgress {
    /// The day.
    pub date: chrono::NaiveDate,
    /// Signatures dated that day (of households still ACTIVE and pledges still SIGNED).
    pub signed: i64,
    /// Signatures up to and including that day.
    pub cumulative_signed: i64,
    /// `cumulative_signed` over today's ACTIVE households.
    pub cumulative_coverage: f64,
}

#[derive(Debug, FromQueryResult)]
struct DayRow {
    signed_on: chrono::NaiveDate,
    n: i64,
}

/// Day by day over the campaign window (up to `today`), for the groups of `report`: what a chart of
/// progress needs. Counted from the pledges, so it costs in proportion to them: ask for it when drawn.
pub(in crate::service) async fn daily(
    db: &impl ConnectionTrait,
    report: &Report,
    today: chrono::NaiveDate,
) -> AppResult<Vec<DailyProgress>> {
    let active_households = Query::select()
        .column(crate::entities::household::Column::Id)
        .from(crate::entities::household::Entity)
        .and_where(crate::entities::household::Column::Status.eq(HouseholdStatus::Active))
        .and_where(crate::entities::household::Column::GroupId.in_subquery(report.scope.clone()))
        .to_owned();
    let mut query = pledge::Entity::find()
        .filter(pledge::Column::CampaignId.eq(report.campaign.id))
        .filter(pledge::Column::Status.eq(PledgeStatus::Signed))
        .filter(pledge::Column::GroupId.in_subquery(report.scope.clone()))
        .filter(pledge::Column::HouseholdId.in_subquery(active_households))
        .into_query();
    query
        .clear_selects()
        .column(pledge::Column::SignedOn)
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("n"))
        .group_by_col(pledge::Column::SignedOn);
    let rows = DayRow::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
    let by_day: BTreeMap<chrono::NaiveDate, i64> = rows.into_iter().map(|r| (r.signed_on, r.n)).collect();
    let last = Ord::min(report.campaign.ends_on, today);
    let mut days = Vec::new();
    let mut cumulative = 0;
    let mut day = report.campaign.starts_on;
    while day <= last {
        let signed = by_day.get(&day).copied().unwrap_or(0);
        cumulative += signed;
        days.push(DailyProgress {
            date: day,
            signed,
            cumulative_signed: cumulative,
            cumulative_coverage: ratio(cumulative, report.totals.total_households),
        });
        day = day.succ_opt().unwrap_or(last + chrono::Duration::days(1));
    }
    Ok(days)
}
