//! Coverage: the share of ACTIVE households that signed a campaign (DESIGN.md §3).
//!
//! Two counters are kept in the transaction of every change that moves them: ACTIVE households per
//! group, and signed ACTIVE households per (campaign, group). A report then reads one row per group,
//! whatever the number of households. `verify` recomputes both from the raw rows.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    QueryTrait, Statement,
    sea_query::{Alias, Expr, ExprTrait, JoinType, OnConflict, Query},
};
use uuid::Uuid;

use crate::{
    auth::Actor,
    domain::{campaign::PledgeStatus, household::HouseholdStatus},
    entities::{
        campaign, campaign_group_coverage as signed, group_coverage as active, pledge,
        residential_group as group, ward,
    },
    error::{AppError, AppResult},
};

/// Adds `delta` to the ACTIVE households of a group.
pub async fn adjust_active(db: &impl ConnectionTrait, group_id: Uuid, delta: i32) -> AppResult<()> {
    let upsert = Query::insert()
        .into_table(active::Entity)
        .columns([active::Column::GroupId, active::Column::ActiveHouseholds])
        .values_panic([Expr::val(group_id), Expr::val(delta)])
        .on_conflict(
            OnConflict::column(active::Column::GroupId)
                .value(
                    active::Column::ActiveHouseholds,
                    Expr::col((active::Entity, active::Column::ActiveHouseholds)).add(delta),
                )
                .to_owned(),
        )
        .to_owned();
    db.execute(&upsert).await?;
    Ok(())
}

/// Adds `delta` to the signed ACTIVE households of a group for a campaign.
pub async fn adjust_signed(
    db: &impl ConnectionTrait,
    campaign_id: Uuid,
    group_id: Uuid,
    delta: i32,
) -> AppResult<()> {
    let upsert = Query::insert()
        .into_table(signed::Entity)
        .columns([signed::Column::CampaignId, signed::Column::GroupId, signed::Column::SignedHouseholds])
        .values_panic([Expr::val(campaign_id), Expr::val(group_id), Expr::val(delta)])
        .on_conflict(
            OnConflict::columns([signed::Column::CampaignId, signed::Column::GroupId])
                .value(
                    signed::Column::SignedHouseholds,
                    Expr::col((signed::Entity, signed::Column::SignedHouseholds)).add(delta),
                )
                .to_owned(),
        )
        .to_owned();
    db.execute(&upsert).await?;
    Ok(())
}

/// A household entered (`true`) or left (`false`) the ACTIVE status: it joins or leaves the
/// denominator, and its signed pledges join or leave the numerators.
pub async fn household_activity_changed(
    db: &impl ConnectionTrait,
    household_id: Uuid,
    group_id: Uuid,
    now_active: bool,
) -> AppResult<()> {
    let delta = if now_active { 1 } else { -1 };
    adjust_active(db, group_id, delta).await?;
    let campaigns: Vec<Uuid> = pledge::Entity::find()
        .filter(pledge::Column::HouseholdId.eq(household_id))
        .filter(pledge::Column::Status.eq(PledgeStatus::Signed))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.campaign_id)
        .collect();
    for campaign_id in campaigns {
        adjust_signed(db, campaign_id, group_id, delta).await?;
    }
    Ok(())
}

/// The figures of one group.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct GroupFigures {
    /// The group.
    pub group_id: Uuid,
    /// Its ward.
    pub ward_id: Uuid,
    /// Its code.
    pub code: String,
    /// Natural order of the code.
    pub sort_key: String,
    /// The group's name.
    pub name: String,
    /// When the group was created.
    pub created_at: DateTime<Utc>,
    /// When the group last changed.
    pub updated_at: DateTime<Utc>,
    /// Its ward's code (wards sort by it).
    pub ward_code: String,
    /// ACTIVE households.
    pub total_households: i64,
    /// ACTIVE households that signed.
    pub signed_households: i64,
}

impl GroupFigures {
    /// The group row itself, so the report needs no second query for it.
    pub fn group(&self) -> group::Model {
        group::Model {
            id: self.group_id,
            ward_id: self.ward_id,
            code: self.code.clone(),
            sort_key: self.sort_key.clone(),
            name: self.name.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    /// Signed share, 0 when the group has no active household.
    pub fn coverage(&self) -> f64 {
        ratio(self.signed_households, self.total_households)
    }

    /// Every active household signed, and there is at least one.
    pub fn fully_covered(&self) -> bool {
        self.total_households > 0 && self.signed_households == self.total_households
    }
}

fn ratio(signed: i64, total: i64) -> f64 {
    if total == 0 { 0.0 } else { signed as f64 / total as f64 }
}

/// Totals over several groups (a ward, or the whole report).
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// ACTIVE households.
    pub total_households: i64,
    /// ACTIVE households that signed.
    pub signed_households: i64,
    /// Groups in the scope.
    pub groups_total: i64,
    /// Groups where every active household signed.
    pub groups_fully_covered: i64,
    /// Every group that has households is fully covered (and some group has).
    pub fully_covered: bool,
}

impl Totals {
    fn of<'a>(groups: impl IntoIterator<Item = &'a GroupFigures>) -> Self {
        let parts: Vec<Totals> = groups.into_iter().map(Totals::of_group).collect();
        Self::sum(&parts)
    }

    /// One group as a scope of its own.
    fn of_group(group: &GroupFigures) -> Self {
        Self {
            total_households: group.total_households,
            signed_households: group.signed_households,
            groups_total: 1,
            groups_fully_covered: i64::from(group.fully_covered()),
            fully_covered: group.fully_covered(),
        }
    }

    /// Signed share, 0 without active households.
    pub fn coverage(&self) -> f64 {
        ratio(self.signed_households, self.total_households)
    }

    /// The totals of several disjoint scopes (wards) together.
    fn sum<'a>(parts: impl IntoIterator<Item = &'a Totals>) -> Self {
        let mut totals = Self {
            total_households: 0,
            signed_households: 0,
            groups_total: 0,
            groups_fully_covered: 0,
            fully_covered: true,
        };
        let mut any_households = false;
        for part in parts {
            totals.total_households += part.total_households;
            totals.signed_households += part.signed_households;
            totals.groups_total += part.groups_total;
            totals.groups_fully_covered += part.groups_fully_covered;
            if part.total_households > 0 {
                any_households = true;
                totals.fully_covered &= part.fully_covered;
            }
        }
        totals.fully_covered &= any_households;
        totals
    }
}

/// A coverage report.
#[derive(Debug)]
pub struct Report {
    /// When it was read.
    pub as_of: DateTime<Utc>,
    /// The campaign.
    pub campaign: campaign::Model,
    /// Totals over every group in the report.
    pub totals: Totals,
    /// Per ward, by coverage ascending then ward code.
    pub wards: Vec<(Uuid, Totals)>,
    /// Per group, by coverage ascending, ward code, natural code order, id (empty when only wards were
    /// asked).
    pub groups: Vec<GroupFigures>,
    /// The ids of every group in the report's scope, whether or not its rows were read.
    scope: sea_orm::sea_query::SelectStatement,
}

/// How much of the report to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Totals and ward rows only: one aggregated row per ward comes back from the database.
    Wards,
    /// Group rows too.
    Groups,
}

#[derive(Debug, FromQueryResult)]
struct WardRow {
    ward_id: Uuid,
    ward_code: String,
    total_households: i64,
    signed_households: i64,
    groups_total: i64,
    groups_fully_covered: i64,
    groups_with_households: i64,
}

/// The report of `campaign_id` for a group, a ward, or (neither) every ward the actor may see that the
/// campaign covers.
#[tracing::instrument(skip(db, actor))]
pub async fn report(
    db: &impl ConnectionTrait,
    actor: &Actor,
    campaign_id: Uuid,
    ward_id: Option<Uuid>,
    group_id: Option<Uuid>,
    detail: Detail,
) -> AppResult<Report> {
    let campaign = super::campaign::get(db, actor, campaign_id).await?;
    let mut groups = super::group::visible(actor);
    if let Some(group_id) = group_id {
        let group = super::group::get(db, actor, group_id).await?;
        if ward_id.is_some_and(|w| w != group.ward_id) {
            return Err(AppError::bad_input("groupId", "the group is not in this ward"));
        }
        groups = groups.filter(group::Column::Id.eq(group.id));
    }
    if let Some(ward_id) = ward_id {
        super::ward::get(db, actor, ward_id).await?;
        groups = groups.filter(group::Column::WardId.eq(ward_id));
    }
    if let Some(campaign_ward) = campaign.ward_id {
        if ward_id.is_some_and(|w| w != campaign_ward) {
            return Err(AppError::bad_input("wardId", "the campaign is not for this ward"));
        }
        if let Some(group_id) = group_id
            && super::group::ward_of(db, group_id).await? != campaign_ward
        {
            return Err(AppError::bad_input("groupId", "the campaign is not for this group's ward"));
        }
        groups = groups.filter(group::Column::WardId.eq(campaign_ward));
    }
    let scope = groups.clone().select_only().column(group::Column::Id).into_query();
    if detail == Detail::Wards && ward_id.is_none() && group_id.is_none() && whole_wards(actor) {
        let figures = super::ward_figures::get(campaign.id, || async {
            aggregate_wards(db, joined(group::Entity::find(), campaign.id)).await
        })
        .await?;
        let wanted = |ward: &Uuid| {
            (actor.is_admin() || actor.official_wards().contains(ward))
                && campaign.ward_id.is_none_or(|w| w == *ward)
        };
        let wards: Vec<(Uuid, Totals)> = figures.wards.iter().filter(|(w, _)| wanted(w)).cloned().collect();
        let totals = Totals::sum(wards.iter().map(|(_, totals)| totals));
        return Ok(Report { as_of: figures.as_of, totals, campaign, wards, groups: Vec::new(), scope });
    }
    let mut query = joined(groups, campaign.id);
    if detail == Detail::Wards {
        let wards = aggregate_wards(db, query).await?;
        let totals = Totals::sum(wards.iter().map(|(_, totals)| totals));
        return Ok(Report { as_of: super::now(), totals, campaign, wards, groups: Vec::new(), scope });
    }
    let backend = db.get_database_backend();
    query
        .expr_as(Expr::col((group::Entity, group::Column::Id)), Alias::new("group_id"))
        .expr_as(Expr::col((group::Entity, group::Column::WardId)), Alias::new("ward_id"))
        .expr_as(Expr::col((group::Entity, group::Column::Code)), Alias::new("code"))
        .expr_as(Expr::col((group::Entity, group::Column::SortKey)), Alias::new("sort_key"))
        .expr_as(Expr::col((group::Entity, group::Column::Name)), Alias::new("name"))
        .expr_as(Expr::col((group::Entity, group::Column::CreatedAt)), Alias::new("created_at"))
        .expr_as(Expr::col((group::Entity, group::Column::UpdatedAt)), Alias::new("updated_at"))
        .expr_as(Expr::col((ward::Entity, ward::Column::Code)), Alias::new("ward_code"))
        .expr_as(Expr::cust(format!("CAST({TOTAL} AS BIGINT)")), Alias::new("total_households"))
        .expr_as(Expr::cust(format!("CAST({SIGNED} AS BIGINT)")), Alias::new("signed_households"));
    let mut rows = GroupFigures::find_by_statement(backend.build(&query)).all(db).await?;
    rows.sort_by(|a, b| {
        a.coverage()
            .total_cmp(&b.coverage())
            .then_with(|| a.ward_code.cmp(&b.ward_code))
            .then_with(|| a.sort_key.cmp(&b.sort_key))
            .then_with(|| a.group_id.cmp(&b.group_id))
    });

    let mut by_ward: BTreeMap<Uuid, Vec<&GroupFigures>> = BTreeMap::new();
    for row in &rows {
        by_ward.entry(row.ward_id).or_default().push(row);
    }
    let mut wards: Vec<(Uuid, &str, Totals)> = by_ward
        .into_values()
        .map(|groups| (groups[0].ward_id, groups[0].ward_code.as_str(), Totals::of(groups.into_iter())))
        .collect();
    wards.sort_by(|a, b| a.2.coverage().total_cmp(&b.2.coverage()).then_with(|| a.1.cmp(b.1)));
    let wards = wards.into_iter().map(|(id, _, totals)| (id, totals)).collect();
    Ok(Report { as_of: super::now(), totals: Totals::of(rows.iter()), campaign, wards, groups: rows, scope })
}

/// The caller's scope is made of whole wards (an administrator, or an official who leads no group
/// elsewhere), so the shared per-ward figures of every ward, filtered, are exactly their report.
fn whole_wards(actor: &Actor) -> bool {
    actor.is_admin() || (actor.is_official_anywhere() && actor.leader_group_ids().next().is_none())
}

const TOTAL: &str = "COALESCE(group_coverage.active_households, 0)";
const SIGNED: &str = "COALESCE(campaign_group_coverage.signed_households, 0)";

/// `groups` with their ward and both counters of `campaign_id` joined, nothing selected yet.
fn joined(groups: sea_orm::Select<group::Entity>, campaign_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    let mut query = groups.into_query();
    query
        .clear_selects()
        .join(
            JoinType::InnerJoin,
            ward::Entity,
            Expr::col((ward::Entity, ward::Column::Id)).equals((group::Entity, group::Column::WardId)),
        )
        .join(
            JoinType::LeftJoin,
            active::Entity,
            Expr::col((active::Entity, active::Column::GroupId)).equals((group::Entity, group::Column::Id)),
        )
        .join(
            JoinType::LeftJoin,
            signed::Entity,
            Expr::col((signed::Entity, signed::Column::GroupId))
                .equals((group::Entity, group::Column::Id))
                .and(Expr::col((signed::Entity, signed::Column::CampaignId)).eq(campaign_id)),
        );
    query.to_owned()
}

/// One aggregated row per ward of `query` (from `joined`), by coverage ascending then ward code.
async fn aggregate_wards(
    db: &impl ConnectionTrait,
    mut query: sea_orm::sea_query::SelectStatement,
) -> AppResult<Vec<(Uuid, Totals)>> {
    query
        .expr_as(Expr::col((group::Entity, group::Column::WardId)), Alias::new("ward_id"))
        .expr_as(Expr::col((ward::Entity, ward::Column::Code)), Alias::new("ward_code"))
        .expr_as(Expr::cust(format!("CAST(SUM({TOTAL}) AS BIGINT)")), Alias::new("total_households"))
        .expr_as(Expr::cust(format!("CAST(SUM({SIGNED}) AS BIGINT)")), Alias::new("signed_households"))
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("groups_total"))
        .expr_as(
            Expr::cust(format!(
                "CAST(SUM(CASE WHEN {TOTAL} > 0 AND {SIGNED} = {TOTAL} THEN 1 ELSE 0 END) AS BIGINT)"
            )),
            Alias::new("groups_fully_covered"),
        )
        .expr_as(
            Expr::cust(format!("CAST(SUM(CASE WHEN {TOTAL} > 0 THEN 1 ELSE 0 END) AS BIGINT)")),
            Alias::new("groups_with_households"),
        )
        .group_by_col((group::Entity, group::Column::WardId))
        .group_by_col((ward::Entity, ward::Column::Code));
    let rows = WardRow::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
    let mut wards: Vec<(Uuid, String, Totals)> = rows
        .into_iter()
        .map(|row| {
            let totals = Totals {
                total_households: row.total_households,
                signed_households: row.signed_households,
                groups_total: row.groups_total,
                groups_fully_covered: row.groups_fully_covered,
                fully_covered: row.groups_with_households > 0
                    && row.groups_fully_covered == row.groups_with_households,
            };
            (row.ward_id, row.ward_code, totals)
        })
        .collect();
    wards.sort_by(|a, b| a.2.coverage().total_cmp(&b.2.coverage()).then_with(|| a.1.cmp(&b.1)));
    Ok(wards.into_iter().map(|(id, _, totals)| (id, totals)).collect())
}

/// Coverage moved: shared per-ward figures read before now are stale (see `ward_figures`).
pub fn moved() {
    super::ward_figures::moved();
}

/// A counter that differs from the raw rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// `active` (per group) or `signed` (per campaign and group).
    pub counter: &'static str,
    /// The campaign, for `signed`.
    pub campaign_id: Option<Uuid>,
    /// The group.
    pub group_id: Uuid,
    /// What the counter says.
    pub stored: i64,
    /// What the rows say.
    pub actual: i64,
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    campaign_id: Option<Uuid>,
    group_id: Uuid,
    stored: i64,
    actual: i64,
}

/// Recomputes every counter from the raw rows and lists the differences; with `repair`, fixes them
/// in the same transaction.
pub async fn verify(db: &sea_orm::DatabaseConnection, repair: bool) -> AppResult<Vec<Drift>> {
    let txn = super::begin_write(db).await?;
    let backend = txn.get_database_backend();
    let (nil, first, second) = match backend {
        DbBackend::Postgres => ("CAST(NULL AS uuid)", "$1", "$2"),
        _ => ("NULL", "?", "?"),
    };
    // The statuses are bound, not spelled in the SQL, so the enums stay their only spelling.
    let active_sql = format!(
        "SELECT {nil} AS campaign_id, g.id AS group_id, \
           CAST(COALESCE(c.active_households, 0) AS BIGINT) AS stored, \
           CAST((SELECT COUNT(*) FROM household h WHERE h.group_id = g.id AND h.status = {first}) AS BIGINT) AS actual \
         FROM residential_group g LEFT JOIN group_coverage c ON c.group_id = g.id"
    );
    let signed_sql = format!(
        "SELECT k.campaign_id AS campaign_id, k.group_id AS group_id, \
           CAST(COALESCE(c.signed_households, 0) AS BIGINT) AS stored, \
           CAST((SELECT COUNT(*) FROM pledge p JOIN household h ON h.id = p.household_id \
                 WHERE p.campaign_id = k.campaign_id AND p.group_id = k.group_id \
                   AND p.status = {first} AND h.status = {second}) AS BIGINT) AS actual \
         FROM (SELECT campaign_id, group_id FROM pledge UNION SELECT campaign_id, group_id FROM campaign_group_coverage) k \
         LEFT JOIN campaign_group_coverage c ON c.campaign_id = k.campaign_id AND c.group_id = k.group_id"
    );
    let counters = [
        ("active", Statement::from_sql_and_values(backend, active_sql, [HouseholdStatus::Active.into()])),
        (
            "signed",
            Statement::from_sql_and_values(
                backend,
                signed_sql,
                [PledgeStatus::Signed.into(), HouseholdStatus::Active.into()],
            ),
        ),
    ];
    let mut drifts = Vec::new();
    for (counter, statement) in counters {
        let rows = CountRow::find_by_statement(statement).all(&txn).await?;
        for row in rows.into_iter().filter(|r| r.stored != r.actual) {
            drifts.push(Drift {
                counter,
                campaign_id: row.campaign_id,
                group_id: row.group_id,
                stored: row.stored,
                actual: row.actual,
            });
        }
    }
    if repair {
        for drift in &drifts {
            let delta = i32::try_from(drift.actual - drift.stored).map_err(AppError::internal)?;
            match drift.campaign_id {
                None => adjust_active(&txn, drift.group_id, delta).await?,
                Some(campaign_id) => adjust_signed(&txn, campaign_id, drift.group_id, delta).await?,
            }
        }
        if !drifts.is_empty() {
            crate::metrics::coverage_repaired(drifts.len());
            let entry = super::audit::AuditEntry {
                action: "coverage.repair",
                target_type: "coverage",
                target_id: None,
                ward_id: None,
                summary: serde_json::json!({ "repaired": drifts.len() }),
            };
            super::audit::record(&txn, None, entry).await?;
        }
        txn.commit().await?;
        moved();
    }
    Ok(drifts)
}

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
pub async fn daily(
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
