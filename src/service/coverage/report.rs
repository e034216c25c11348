//! The coverage report of a campaign: per group, per ward and in total, read from the counters in one
//! row per group (or one per ward when only wards are asked). Callers whose scope is made of whole wards
//! share the per-ward figures kept in the service caches.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait,
    sea_query::{Alias, Expr, ExprTrait, JoinType},
};
use uuid::Uuid;

use crate::{
    auth::Actor,
    entities::{
        campaign, campaign_group_coverage as signed, group_coverage as active, residential_group as group,
        ward,
    },
    error::{AppError, AppResult},
    service::{self, Caches},
};

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

pub(super) fn ratio(signed: i64, total: i64) -> f64 {
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
    pub(super) scope: sea_orm::sea_query::SelectStatement,
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
#[tracing::instrument(skip(db, caches, actor))]
pub(in crate::service) async fn report(
    db: &impl ConnectionTrait,
    caches: &Caches,
    actor: &Actor,
    campaign_id: Uuid,
    ward_id: Option<Uuid>,
    group_id: Option<Uuid>,
    detail: Detail,
) -> AppResult<Report> {
    let campaign = service::campaign::get(db, actor, campaign_id).await?;
    let mut groups = service::group::visible(actor);
    if let Some(group_id) = group_id {
        let group = service::group::get(db, actor, group_id).await?;
        if ward_id.is_some_and(|w| w != group.ward_id) {
            return Err(AppError::bad_input("groupId", "the group is not in this ward"));
        }
        groups = groups.filter(group::Column::Id.eq(group.id));
    }
    if let Some(ward_id) = ward_id {
        service::ward::get(db, actor, ward_id).await?;
        groups = groups.filter(group::Column::WardId.eq(ward_id));
    }
    if let Some(campaign_ward) = campaign.ward_id {
        if ward_id.is_some_and(|w| w != campaign_ward) {
            return Err(AppError::bad_input("wardId", "the campaign is not for this ward"));
        }
        if let Some(group_id) = group_id
            && service::group::ward_of(db, caches, group_id).await? != campaign_ward
        {
            return Err(AppError::bad_input("groupId", "the campaign is not for this group's ward"));
        }
        groups = groups.filter(group::Column::WardId.eq(campaign_ward));
    }
    let scope = groups.clone().select_only().column(group::Column::Id).into_query();
    if detail == Detail::Wards
        && ward_id.is_none()
        && group_id.is_none()
        && let Some(wards_of_scope) = whole_wards(actor)
    {
        // The same SQL as below, filtered by scope; its result is shared by every caller of that scope.
        let key = (campaign.id, wards_of_scope);
        let figures = caches.figures.get(key, || aggregate_wards(db, joined(groups, campaign.id))).await?;
        let wards = figures.wards.clone();
        let totals = Totals::sum(wards.iter().map(|(_, totals)| totals));
        return Ok(Report { as_of: figures.as_of, totals, campaign, wards, groups: Vec::new(), scope });
    }
    let mut query = joined(groups, campaign.id);
    if detail == Detail::Wards {
        let wards = aggregate_wards(db, query).await?;
        let totals = Totals::sum(wards.iter().map(|(_, totals)| totals));
        return Ok(Report { as_of: service::now(), totals, campaign, wards, groups: Vec::new(), scope });
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
    Ok(Report {
        as_of: service::now(),
        totals: Totals::of(rows.iter()),
        campaign,
        wards,
        groups: rows,
        scope,
    })
}

/// When the caller's scope is made of whole wards, which: `Some(None)` for every ward (an
/// administrator), `Some(Some(wards))` for an official who leads no group elsewhere. Callers with the
/// same answer see the same per-ward figures.
fn whole_wards(actor: &Actor) -> Option<Option<Vec<Uuid>>> {
    if actor.is_admin() {
        return Some(None);
    }
    if !actor.is_official_anywhere() || actor.leader_group_ids().next().is_some() {
        return None;
    }
    let mut wards = actor.official_wards().to_vec();
    wards.sort();
    Some(Some(wards))
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
