//! The ward officials' assessment of each residential group for a movement year, on the ward's scale:
//! read here, in scope; decided in `decide`.
//!
//! Officials of the ward and administrators decide them. They are part of the ward's year-end report,
//! so the ward's officials and police read every assessment of the ward; a group's leaders read their
//! own group's only.

mod decide;

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

pub use decide::NewAssessment;
pub(in crate::service) use decide::assess;

use super::page::{Cursor, Ordering, Page, Paging, fetch_page};
use crate::{
    auth::Actor,
    entities::{group_assessment as assessment, residential_group as group},
    error::{AppError, AppResult, Missing},
};

/// The assessments `actor` may read: all for administrators, every group's of their official and
/// police wards, and their own groups' for leaders.
pub(in crate::service) fn visible(actor: &Actor) -> Select<assessment::Entity> {
    let query = assessment::Entity::find();
    if actor.is_admin() {
        return query;
    }
    // Only the terms with something in them: an empty `IN ()` is a constant SQLite scans the table for.
    let mut condition = Condition::any();
    let wards = actor.report_wards();
    if !wards.is_empty() {
        condition = condition.add(assessment::Column::WardId.is_in(wards));
    }
    if actor.leader_group_ids().next().is_some() {
        condition = condition.add(assessment::Column::GroupId.is_in(actor.leader_group_ids()));
    }
    if condition.is_empty() {
        condition = condition.add(Expr::val(1).eq(0));
    }
    query.filter(condition)
}

/// One assessment, or `NOT_FOUND`.
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<assessment::Model> {
    visible(actor)
        .filter(assessment::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound(Missing::GroupAssessment))
}

/// The assessments among `ids` the actor may read (for `node`).
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, assessment::Model>> {
    let rows = visible(actor).filter(assessment::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}

/// The assessments the actor may read of the (group, year) pairs `keys`, in one read.
pub(in crate::service) async fn of_groups(
    db: &impl ConnectionTrait,
    actor: &Actor,
    keys: &[(Uuid, i32)],
) -> AppResult<HashMap<(Uuid, i32), assessment::Model>> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let groups: Vec<Uuid> = keys.iter().map(|(group, _)| *group).collect();
    let mut years: Vec<i32> = keys.iter().map(|(_, year)| *year).collect();
    years.sort_unstable();
    years.dedup();
    let rows = visible(actor)
        .filter(assessment::Column::GroupId.is_in(groups))
        .filter(assessment::Column::Year.is_in(years))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| ((row.group_id, row.year), row))
        .filter(|(key, _)| keys.contains(key))
        .collect())
}

/// Groups in natural code order ("2" before "10"): one assessment per group and year, so a year's list
/// is a list of groups.
const BY_GROUP: Ordering<group::Column> =
    Ordering { sort_key: group::Column::SortKey, id: group::Column::Id };

/// The cursor of an assessment in a ward's list: its group's place.
pub fn cursor(group: &group::Model) -> Cursor {
    super::group::cursor(group)
}

/// A page of a ward's assessments for `year` that the actor may read, by group code, each with its
/// group. Another ward is `NOT_FOUND`; a leader's list holds their own groups.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    year: i32,
    request: &Paging,
) -> AppResult<Page<(group::Model, assessment::Model)>> {
    super::movement_year::check_year(year)?;
    let ward = super::ward::get(db, actor, ward_id).await?;
    let of_year = visible(actor)
        .filter(assessment::Column::WardId.eq(ward.id))
        .filter(assessment::Column::Year.eq(year));
    let assessed = of_year.clone().select_only().column(assessment::Column::GroupId).into_query();
    let groups = group::Entity::find()
        .filter(group::Column::WardId.eq(ward.id))
        .filter(group::Column::Id.in_subquery(assessed));
    let Page { items, has_next_page, has_previous_page, total_count } =
        fetch_page(db, groups, BY_GROUP, request).await?;
    let ids: Vec<Uuid> = items.iter().map(|group| group.id).collect();
    let mut rows: HashMap<Uuid, assessment::Model> = of_year
        .filter(assessment::Column::GroupId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.group_id, row))
        .collect();
    // Assessments are never deleted, so each group of the page still has its row.
    let items =
        items.into_iter().filter_map(|group| rows.remove(&group.id).map(|row| (group, row))).collect();
    Ok(Page { items, has_next_page, has_previous_page, total_count })
}
