//! The figures of a year counted in the database, each in one `GROUP BY` whatever the number of groups
//! or households: verified good deeds per group and category, models and awards per group, and the
//! officials' assessments of the groups, read by the ward and year.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select,
    sea_query::Expr,
};
use uuid::Uuid;

use super::PerGroup;
use crate::{
    auth::Actor,
    domain::{
        campaign::{GoodDeedCategory, GoodDeedStatus},
        movement::AwardStatus,
    },
    entities::{
        award, good_deed, group_assessment as assessment, residential_group as group,
        self_management_model as model,
    },
    error::AppResult,
    service,
};

/// Every category at 0, in the order of `GoodDeedCategory`.
pub(super) fn no_deeds() -> Vec<(GoodDeedCategory, i64)> {
    super::good_deed_categories().map(|category| (category, 0)).collect()
}

/// The ids of `groups` (already narrowed to the caller's groups of the ward), as a subquery.
fn ids_of(groups: Select<group::Entity>) -> sea_orm::sea_query::SelectStatement {
    groups.select_only().column(group::Column::Id).into_query()
}

/// VERIFIED good deeds dated from `first` to `last` of each of `groups`, per category (every category
/// listed, zeros included). The groups carry the scope: the ward police count the deeds of their ward's
/// groups without reading one.
pub(super) async fn verified_deeds(
    db: &impl ConnectionTrait,
    groups: Select<group::Entity>,
    (first, last): (NaiveDate, NaiveDate),
) -> AppResult<HashMap<Uuid, Vec<(GoodDeedCategory, i64)>>> {
    let rows: Vec<(Uuid, GoodDeedCategory, i64)> = good_deed::Entity::find()
        .filter(good_deed::Column::GroupId.in_subquery(ids_of(groups)))
        .filter(good_deed::Column::Status.eq(GoodDeedStatus::Verified))
        .filter(good_deed::Column::OccurredOn.between(first, last))
        .select_only()
        .column(good_deed::Column::GroupId)
        .column(good_deed::Column::Category)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .group_by(good_deed::Column::GroupId)
        .group_by(good_deed::Column::Category)
        .into_tuple()
        .all(db)
        .await?;
    let mut deeds: HashMap<Uuid, Vec<(GoodDeedCategory, i64)>> = HashMap::new();
    for (group_id, category, n) in rows {
        let counts = deeds.entry(group_id).or_insert_with(no_deeds);
        if let Some(slot) = counts.iter_mut().find(|(c, _)| *c == category) {
            slot.1 = n;
        }
    }
    Ok(deeds)
}

/// `query` over the whole of the ward for a caller who reads all of its records, else narrowed to what
/// they may list.
fn counted<E: EntityTrait>(query: Select<E>, listed: Option<Condition>, whole_ward: bool) -> Select<E> {
    match listed {
        Some(condition) if !whole_ward => query.filter(condition),
        _ => query,
    }
}

/// Models of ward `ward_id` that ran at some time from `first` to `last` (started by the end, not ended
/// before the start), per group; ward-wide ones under `None`.
pub(super) async fn models(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    (first, last): (NaiveDate, NaiveDate),
    whole_ward: bool,
) -> AppResult<PerGroup> {
    let listed =
        service::movement_year::scope_condition(actor, model::Column::WardId, model::Column::GroupId, true);
    let rows: Vec<(Option<Uuid>, i64)> = counted(model::Entity::find(), listed, whole_ward)
        .filter(model::Column::WardId.eq(ward_id))
        .filter(ran_between(first, last))
        .select_only()
        .column(model::Column::GroupId)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .group_by(model::Column::GroupId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// A model ran at some time from `first` to `last`: the rule of the models list's `year`.
pub(super) fn ran_between(first: NaiveDate, last: NaiveDate) -> Condition {
    Condition::all()
        .add(model::Column::StartedOn.lte(last))
        .add(Condition::any().add(model::Column::EndedOn.is_null()).add(model::Column::EndedOn.gte(first)))
}

/// ACTIVE awards of ward `ward_id` for `year`, per group (an individual's counts for their household's
/// group); those to no group under `None`.
pub(super) async fn awards(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    year: i32,
    whole_ward: bool,
) -> AppResult<PerGroup> {
    let listed =
        service::movement_year::scope_condition(actor, award::Column::WardId, award::Column::GroupId, false);
    let rows: Vec<(Option<Uuid>, i64)> = counted(award::Entity::find(), listed, whole_ward)
        .filter(award::Column::WardId.eq(ward_id))
        .filter(award::Column::Year.eq(year))
        .filter(award::Column::Status.eq(AwardStatus::Active))
        .select_only()
        .column(award::Column::GroupId)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .group_by(award::Column::GroupId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The assessments for `year` of the groups of ward `ward_id` the caller reads them of (the ward's
/// officials and police every group's, a leader their own group's), by group.
pub(super) async fn assessments(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    year: i32,
) -> AppResult<HashMap<Uuid, assessment::Model>> {
    let rows = service::assessment::visible(actor)
        .filter(assessment::Column::WardId.eq(ward_id))
        .filter(assessment::Column::Year.eq(year))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.group_id, row)).collect())
}
