//! The good-deed report: deeds counted by category and status, per group, in natural group order.
//!
//! The filters it shares with the list, and the scope of what an actor may see, are in the parent module.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Iterable, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use super::GoodDeedFilter;
use crate::{
    auth::Actor,
    domain::campaign::{GoodDeedCategory, GoodDeedStatus},
    entities::{good_deed, residential_group as group},
    error::{AppError, AppResult},
    service,
};

/// Good deeds of one group counted by category and status.
#[derive(Debug, Clone, Default)]
pub struct GroupTally {
    /// The group.
    pub group_id: Uuid,
    /// All deeds.
    pub total: i64,
    /// By category, in the order of `GoodDeedCategory`.
    pub by_category: Vec<(GoodDeedCategory, i64)>,
    /// By status.
    pub by_status: Vec<(GoodDeedStatus, i64)>,
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct TallyRow {
    group_id: Uuid,
    category: GoodDeedCategory,
    status: GoodDeedStatus,
    n: i64,
}

/// Counts by category and status, per group, for a ward, a group, or everything the actor may see.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn report(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Option<Uuid>,
    group_id: Option<Uuid>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Vec<GroupTally>> {
    use sea_orm::{QueryTrait, sea_query::Alias};
    let filter = GoodDeedFilter { group_id, from, to, ..Default::default() };
    if let Some(group_id) = group_id {
        let group = service::group::get(db, actor, group_id).await?;
        if ward_id.is_some_and(|w| w != group.ward_id) {
            return Err(AppError::bad_input("groupId", "the group is not in this ward"));
        }
    }
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(AppError::bad_input("to", "`to` must not be before `from`"));
    }
    let mut groups = service::group::visible(actor);
    if let Some(ward_id) = ward_id {
        service::ward::get(db, actor, ward_id).await?;
        groups = groups.filter(group::Column::WardId.eq(ward_id));
    }
    if let Some(group_id) = group_id {
        groups = groups.filter(group::Column::Id.eq(group_id));
    }
    let group_ids: Vec<Uuid> = groups
        .select_only()
        .column(group::Column::Id)
        .order_by_asc(group::Column::WardId)
        .order_by_asc(group::Column::SortKey)
        .into_tuple()
        .all(db)
        .await?;
    // The groups carry the scope: the police count the deeds of their ward's groups without reading one.
    let mut query = filter
        .apply(good_deed::Entity::find())
        .filter(good_deed::Column::GroupId.is_in(group_ids.iter().copied()))
        .select_only()
        .column(good_deed::Column::GroupId)
        .column(good_deed::Column::Category)
        .column(good_deed::Column::Status)
        .group_by(good_deed::Column::GroupId)
        .group_by(good_deed::Column::Category)
        .group_by(good_deed::Column::Status)
        .into_query();
    query.expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("n"));
    let rows = TallyRow::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
    let mut tallies: HashMap<Uuid, GroupTally> = group_ids
        .iter()
        .map(|id| {
            let tally = GroupTally {
                group_id: *id,
                total: 0,
                by_category: GoodDeedCategory::iter().map(|c| (c, 0)).collect(),
                by_status: GoodDeedStatus::iter().map(|s| (s, 0)).collect(),
            };
            (*id, tally)
        })
        .collect();
    for row in rows {
        let Some(tally) = tallies.get_mut(&row.group_id) else { continue };
        tally.total += row.n;
        if let Some(entry) = tally.by_category.iter_mut().find(|(c, _)| *c == row.category) {
            entry.1 += row.n;
        }
        if let Some(entry) = tally.by_status.iter_mut().find(|(s, _)| *s == row.status) {
            entry.1 += row.n;
        }
    }
    // In natural group order, as the groups were read.
    Ok(group_ids.iter().filter_map(|id| tallies.remove(id)).collect())
}
