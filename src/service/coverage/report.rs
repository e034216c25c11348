//! The coverage report of a campaign: per group, per ward and in total, read from the counters in one
//! row per group, each with its group's and its ward's own fields (so nothing more is read per row), or
//! one row per ward when only wards are asked. Callers whose scope is made of whole wards share reports
//! and per-ward figures, kept in the service caches until what they show moves.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait,
    sea_query::{Alias, Expr, ExprTrait, JoinType},
};
use uuid::Uuid;

use super::figures::{GroupFigures, Totals};
use crate::{
    auth::Actor,
    entities::{
        campaign, campaign_group_coverage as signed, group_coverage as active, residential_group as group,
        ward,
    },
    error::{AppError, AppResult},
    service::{self, Caches, Reads, caches::WardFigures},
};

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
    /// The wards whose generations it is as fresh as (untracked when it was read for one request).
    pub reads: Reads,
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

/// A group's row as read: the group's fields, its ward's and the counters.
#[derive(Debug, FromQueryResult)]
struct GroupRow {
    group_id: Uuid,
    ward_id: Uuid,
    code: String,
    sort_key: String,
    name: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    ward_code: String,
    ward_name: String,
    ward_province: String,
    ward_created_at: DateTime<Utc>,
    ward_updated_at: DateTime<Utc>,
    total_households: i64,
    signed_households: i64,
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
///
/// Callers whose scope is made of whole wards share it: a report with group rows, or of one ward, is
/// read once for (campaign, scope, ward) and reused until coverage or what it shows moves in its wards.
/// Its ward rows are those of the group rows, so a ward's report asked without `groups` is the same
/// report. Everything else is read for the request.
#[tracing::instrument(skip(db, caches, actor))]
pub(in crate::service) async fn report(
    db: &impl ConnectionTrait,
    caches: &Caches,
    actor: &Actor,
    campaign_id: Uuid,
    ward_id: Option<Uuid>,
    group_id: Option<Uuid>,
    detail: Detail,
) -> AppResult<Arc<Report>> {
    let shareable = group_id.is_none() && (detail == Detail::Groups || ward_id.is_some());
    let Some(wards_of_scope) = whole_wards(actor).filter(|_| shareable) else {
        return Ok(Arc::new(read(db, caches, actor, campaign_id, ward_id, group_id, detail).await?));
    };
    let shows = ward_id.map(|ward| vec![ward]).or_else(|| wards_of_scope.clone());
    let key = (campaign_id, wards_of_scope, ward_id);
    let reading = || async {
        let mut report = read(db, caches, actor, campaign_id, ward_id, None, Detail::Groups).await?;
        report.reads = Reads::of(shows.as_deref());
        let rows = report.groups.len();
        Ok((report, rows))
    };
    caches.reports.get(&caches.generations, key, shows.as_deref(), reading).await
}

/// The report as the database holds it now (the per-ward figures of whole-ward scopes excepted, which
/// are shared).
async fn read(
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
        let shows = wards_of_scope.clone();
        let reading = || async {
            let as_of = service::now();
            let wards = aggregate_wards(db, joined(groups, campaign.id)).await?;
            let rows = wards.len();
            Ok((WardFigures { as_of, wards }, rows))
        };
        let key = (campaign.id, wards_of_scope);
        let figures = caches.figures.get(&caches.generations, key, shows.as_deref(), reading).await?;
        let wards = figures.wards.clone();
        let totals = Totals::sum(wards.iter().map(|(_, totals)| totals));
        let reads = Reads::of(shows.as_deref());
        return Ok(Report {
            as_of: figures.as_of,
            totals,
            campaign,
            wards,
            groups: Vec::new(),
            reads,
            scope,
        });
    }
    let query = joined(groups, campaign.id);
    if detail == Detail::Wards {
        let wards = aggregate_wards(db, query).await?;
        let totals = Totals::sum(wards.iter().map(|(_, totals)| totals));
        let (as_of, groups, reads) = (service::now(), Vec::new(), Reads::Untracked);
        return Ok(Report { as_of, totals, campaign, wards, groups, reads, scope });
    }
    let as_of = service::now();
    let groups = group_rows(db, query).await?;
    let mut by_ward: BTreeMap<Uuid, Vec<&GroupFigures>> = BTreeMap::new();
    for row in &groups {
        by_ward.entry(row.group.ward_id).or_default().push(row);
    }
    let mut wards: Vec<(Uuid, &str, Totals)> = by_ward
        .into_values()
        .map(|rows| (rows[0].ward.id, rows[0].ward.code.as_str(), Totals::of(rows)))
        .collect();
    wards.sort_by(|a, b| a.2.coverage().total_cmp(&b.2.coverage()).then_with(|| a.1.cmp(b.1)));
    let wards = wards.into_iter().map(|(id, _, totals)| (id, totals)).collect();
    Ok(Report {
        as_of,
        totals: Totals::of(groups.iter()),
        campaign,
        wards,
        groups,
        reads: Reads::Untracked,
        scope,
    })
}

/// The rows of `groups` (read in the caller's scope) with the counters of `campaign_id`, or with no
/// signature counted when there is no campaign; in the same order as a report's rows.
pub(in crate::service) async fn figures_of(
    db: &impl ConnectionTrait,
    groups: sea_orm::Select<group::Entity>,
    campaign_id: Option<Uuid>,
) -> AppResult<Vec<GroupFigures>> {
    // No campaign has the nil id, so no signature counter joins.
    group_rows(db, joined(groups, campaign_id.unwrap_or_else(Uuid::nil))).await
}

/// The group rows of `query` (from `joined`), each with its group and ward (one ward shared by its
/// groups), by coverage ascending, ward code, natural code order and id.
async fn group_rows(
    db: &impl ConnectionTrait,
    mut query: sea_orm::sea_query::SelectStatement,
) -> AppResult<Vec<GroupFigures>> {
    let group_column = |column: group::Column| Expr::col((group::Entity, column));
    let ward_column = |column: ward::Column| Expr::col((ward::Entity, column));
    query
        .expr_as(group_column(group::Column::Id), Alias::new("group_id"))
        .expr_as(group_column(group::Column::WardId), Alias::new("ward_id"))
        .expr_as(group_column(group::Column::Code), Alias::new("code"))
        .expr_as(group_column(group::Column::SortKey), Alias::new("sort_key"))
        .expr_as(group_column(group::Column::Name), Alias::new("name"))
        .expr_as(group_column(group::Column::CreatedAt), Alias::new("created_at"))
        .expr_as(group_column(group::Column::UpdatedAt), Alias::new("updated_at"))
        .expr_as(ward_column(ward::Column::Code), Alias::new("ward_code"))
        .expr_as(ward_column(ward::Column::Name), Alias::new("ward_name"))
        .expr_as(ward_column(ward::Column::Province), Alias::new("ward_province"))
        .expr_as(ward_column(ward::Column::CreatedAt), Alias::new("ward_created_at"))
        .expr_as(ward_column(ward::Column::UpdatedAt), Alias::new("ward_updated_at"))
        .expr_as(Expr::cust(format!("CAST({TOTAL} AS BIGINT)")), Alias::new("total_households"))
        .expr_as(Expr::cust(format!("CAST({SIGNED} AS BIGINT)")), Alias::new("signed_households"));
    let rows = GroupRow::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
    let mut wards: HashMap<Uuid, Arc<ward::Model>> = HashMap::new();
    let mut groups: Vec<GroupFigures> = rows
        .into_iter()
        .map(|row| {
            let ward = wards
                .entry(row.ward_id)
                .or_insert_with(|| {
                    Arc::new(ward::Model {
                        id: row.ward_id,
                        code: row.ward_code,
                        name: row.ward_name,
                        province: row.ward_province,
                        created_at: row.ward_created_at,
                        updated_at: row.ward_updated_at,
                    })
                })
                .clone();
            let group = group::Model {
                id: row.group_id,
                ward_id: row.ward_id,
                code: row.code,
                sort_key: row.sort_key,
                name: row.name,
                created_at: row.created_at,
                updated_at: row.updated_at,
            };
            GroupFigures {
                group: Arc::new(group),
                ward,
                total_households: row.total_households,
                signed_households: row.signed_households,
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        a.coverage()
            .total_cmp(&b.coverage())
            .then_with(|| a.ward.code.cmp(&b.ward.code))
            .then_with(|| a.group.sort_key.cmp(&b.group.sort_key))
            .then_with(|| a.group.id.cmp(&b.group.id))
    });
    Ok(groups)
}

/// When the caller's scope is made of whole wards, which: `Some(None)` for every ward (an
/// administrator), `Some(Some(wards))` for an official or the police (who read the same reports) who
/// lead no group elsewhere. Callers with the same answer see the same per-ward figures.
fn whole_wards(actor: &Actor) -> Option<Option<Vec<Uuid>>> {
    if actor.is_admin() {
        return Some(None);
    }
    let wards = actor.report_wards();
    if wards.is_empty() || actor.leader_group_ids().next().is_some() {
        return None;
    }
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
