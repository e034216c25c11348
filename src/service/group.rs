//! Residential groups: read in scope; created and updated by officials of their ward and admins.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Select, sea_query::SimpleExpr,
};
use serde_json::json;
use uuid::Uuid;

use super::page::{Cursor, Ordering, Page, Paging, fetch_pages_by_parent};
use super::{Caches, Moved, Written, audit::AuditEntry};
use crate::{
    auth::Actor,
    domain::{
        fields::{Code, Name},
        text::natural_sort_key,
    },
    entities::residential_group as group,
    error::{AppError, AppResult, Missing},
};

/// The groups `actor` may see: all for admins, the groups of their official and police wards, and groups
/// they lead. Seeing a group is reading its name and its reports; its households are read under the
/// narrower scope of `in_visible_groups`.
pub(in crate::service) fn visible(actor: &Actor) -> Select<group::Entity> {
    let query = group::Entity::find();
    if actor.is_admin() {
        return query;
    }
    let wards = actor.report_wards();
    let has_wards = !wards.is_empty();
    query.filter(scope_condition(
        actor,
        has_wards,
        group::Column::WardId.is_in(wards),
        group::Column::Id.is_in(actor.leader_group_ids()),
    ))
}

/// `in_wards OR in_led_groups`, without the term of an empty side (`has_wards` says whether the
/// actor's side of wards is empty). An empty `IN ()` is written as a constant false, and SQLite scans
/// the whole table for an `OR` holding a constant; with neither side the condition is the constant
/// false itself (nothing visible).
fn scope_condition(
    actor: &Actor,
    has_wards: bool,
    in_wards: SimpleExpr,
    in_led_groups: SimpleExpr,
) -> Condition {
    match (has_wards, actor.leader_group_ids().next().is_some()) {
        (true, true) => Condition::any().add(in_wards).add(in_led_groups),
        (true, false) => Condition::all().add(in_wards),
        (false, _) => Condition::all().add(in_led_groups),
    }
}

/// Filters `query` to rows whose `group_column` is a group whose households `actor` works with: the
/// groups of their official wards and the groups they lead, the one scope rule for everything that
/// belongs to a group (households, pledges, good deeds, changes). The police's wards are not in it:
/// they read reports, not households. Admins see all.
pub(in crate::service) fn in_visible_groups<E: EntityTrait>(
    query: Select<E>,
    actor: &Actor,
    group_column: impl ColumnTrait,
) -> Select<E> {
    if actor.is_admin() {
        return query;
    }
    let official_groups = sea_orm::sea_query::Query::select()
        .column(group::Column::Id)
        .from(group::Entity)
        .and_where(group::Column::WardId.is_in(actor.official_wards().iter().copied()))
        .to_owned();
    let in_led_groups = group_column.is_in(actor.leader_group_ids());
    let has_wards = !actor.official_wards().is_empty();
    query.filter(scope_condition(actor, has_wards, group_column.in_subquery(official_groups), in_led_groups))
}

const ORDERING: Ordering<group::Column> =
    Ordering { sort_key: group::Column::SortKey, id: group::Column::Id };

/// The cursor of a group in a ward's list.
pub fn cursor(group: &group::Model) -> Cursor {
    Cursor { sort_key: group.sort_key.clone(), id: group.id }
}

/// One group, or `NOT_FOUND` when it is missing or out of scope.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<group::Model> {
    visible(actor).filter(group::Column::Id.eq(id)).one(db).await?.ok_or(AppError::NotFound(Missing::Group))
}

/// One group whose households the actor works with (to add one, or a good deed), or `NOT_FOUND`.
pub(in crate::service) async fn get_covered(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<group::Model> {
    let group = get(db, actor, id).await?;
    if actor.covers_group(group.id, group.ward_id) {
        Ok(group)
    } else {
        Err(AppError::NotFound(Missing::Group))
    }
}

/// The groups among `ids` that the actor may see (for dataloaders).
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, group::Model>> {
    let rows = visible(actor).filter(group::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|g| (g.id, g)).collect())
}

/// Before a group's households are listed: `FORBIDDEN` for a caller who never reads households,
/// `NOT_FOUND` unless the group exists and its households are the actor's to see; from the remembered
/// ward, so without a query after the first time.
pub(in crate::service) async fn ensure_visible(
    db: &impl ConnectionTrait,
    caches: &Caches,
    actor: &Actor,
    group_id: Uuid,
) -> AppResult<()> {
    super::ensure_works_with_households(actor)?;
    let ward_id = ward_of(db, caches, group_id).await?;
    if actor.covers_group(group_id, ward_id) { Ok(()) } else { Err(AppError::NotFound(Missing::Group)) }
}

/// The ward of a group, for callers that already hold something of the group (unscoped).
///
/// A group never changes ward and is never deleted, so the answer is remembered; every write that
/// moves coverage names its group's ward, and this spares each one a query.
pub(super) async fn ward_of(db: &impl ConnectionTrait, caches: &Caches, group_id: Uuid) -> AppResult<Uuid> {
    if let Some(ward_id) = caches.group_wards.get(&group_id) {
        return Ok(ward_id);
    }
    let ward_id = read_ward_of(db, group_id).await?;
    caches.group_wards.insert(group_id, ward_id);
    Ok(ward_id)
}

/// The ward of a group, read from the database.
pub(super) async fn read_ward_of(db: &impl ConnectionTrait, group_id: Uuid) -> AppResult<Uuid> {
    group::Entity::find_by_id(group_id)
        .select_only()
        .column(group::Column::WardId)
        .into_tuple()
        .one(db)
        .await?
        .ok_or(AppError::NotFound(Missing::Group))
}

/// For each ward, one page of its groups that the actor may see, in natural code order.
pub(in crate::service) async fn pages_for_wards(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_ids: &[Uuid],
    request: &Paging,
) -> AppResult<HashMap<Uuid, Page<group::Model>>> {
    Ok(fetch_pages_by_parent(
        db,
        visible(actor),
        group::Column::WardId,
        |g| g.ward_id,
        ward_ids,
        ORDERING,
        request,
    )
    .await?)
}

/// What a new group needs.
#[derive(Debug)]
pub struct NewGroup {
    /// The ward it belongs to.
    pub ward_id: Uuid,
    /// Code, unique within the ward.
    pub code: String,
    /// Display name.
    pub name: String,
}

/// Creates a group in a ward the actor governs.
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewGroup,
) -> AppResult<Written<group::Model>> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators may create groups"));
    }
    let code = Code::parse(&input.code).map_err(|m| AppError::bad_input("code", m))?;
    let name = Name::parse(&input.name).map_err(|m| AppError::bad_input("name", m))?;
    let (_turn, txn) = super::begin_write(db).await?;
    let ward = super::ward::get(&txn, actor, input.ward_id).await?;
    if !actor.governs_ward(ward.id) {
        return Err(AppError::NotFound(Missing::Ward));
    }
    let now = super::now();
    let group = group::Entity::insert(group::ActiveModel {
        id: Set(Uuid::now_v7()),
        ward_id: Set(ward.id),
        sort_key: Set(natural_sort_key(code.as_str())),
        code: Set(code.as_str().to_owned()),
        name: Set(name.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await?;
    let summary = json!({ "code": group.code, "name": group.name });
    let entry = AuditEntry {
        action: "group.create",
        target_type: "residential_group",
        target_id: Some(group.id),
        ward_id: Some(group.ward_id),
        summary,
    };
    super::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    // A new group counts in groupsTotal of every report of its ward.
    let moved = Moved::group(None, group.id, group.ward_id);
    Ok(Written::new(group, moved))
}

/// Changes to a group; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct GroupPatch {
    /// New code.
    pub code: Option<String>,
    /// New name.
    pub name: Option<String>,
}

/// Updates a group in a ward the actor governs.
#[tracing::instrument(skip(db, actor, patch))]
pub(in crate::service) async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    patch: GroupPatch,
) -> AppResult<Written<group::Model>> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators may update groups"));
    }
    let code =
        patch.code.as_deref().map(Code::parse).transpose().map_err(|m| AppError::bad_input("code", m))?;
    let name =
        patch.name.as_deref().map(Name::parse).transpose().map_err(|m| AppError::bad_input("name", m))?;
    let (_turn, txn) = super::begin_write(db).await?;
    let current = get(&txn, actor, id).await?;
    if !actor.governs_ward(current.ward_id) {
        return Err(AppError::NotFound(Missing::Group));
    }
    let mut active = current.clone().into_active_model();
    if let Some(code) = code {
        active.sort_key = Set(natural_sort_key(code.as_str()));
        active.code = Set(code.as_str().to_owned());
    }
    if let Some(name) = name {
        active.name = Set(name.as_str().to_owned());
    }
    if !active.is_changed() {
        return Ok(Written::quiet(current));
    }
    active.updated_at = Set(super::now());
    let group = active.update(&txn).await?;
    let summary = json!({
        "from": { "code": current.code, "name": current.name },
        "to": { "code": group.code, "name": group.name },
    });
    let entry = AuditEntry {
        action: "group.update",
        target_type: "residential_group",
        target_id: Some(group.id),
        ward_id: Some(group.ward_id),
        summary,
    };
    super::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    // Reports show the group's code and name, and order by its code.
    let ward_id = group.ward_id;
    Ok(Written::restating(group, Some(ward_id)))
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement};
    use uuid::Uuid;

    use super::*;
    use crate::{auth::actor::WardRoles, entities::household};

    fn official(ward: Uuid) -> WardRoles {
        WardRoles { official: vec![ward], police: Vec::new() }
    }

    /// How SQLite would read the households `actor` may see, one line per step of its plan.
    async fn plan_for(actor: &Actor) -> Vec<String> {
        let db = crate::startup::connect("sqlite::memory:", 1).await.expect("connect");
        crate::startup::migrate(&db).await.expect("migrate");
        let query = in_visible_groups(household::Entity::find(), actor, household::Column::GroupId);
        let sql = query.build(DbBackend::Sqlite).to_string();
        let rows = db
            .query_all_raw(Statement::from_string(DbBackend::Sqlite, format!("EXPLAIN QUERY PLAN {sql}")))
            .await
            .expect("plan");
        rows.iter().map(|row| row.try_get::<String>("", "detail").expect("detail")).collect()
    }

    #[tokio::test]
    async fn an_official_or_a_leader_reads_households_by_index_on_sqlite() {
        let (ward, group) = (Uuid::now_v7(), Uuid::now_v7());
        for actor in [
            Actor::new(Uuid::now_v7(), false, official(ward), Vec::new()),
            Actor::new(Uuid::now_v7(), false, WardRoles::default(), vec![(group, ward)]),
            Actor::new(Uuid::now_v7(), false, official(ward), vec![(group, ward)]),
        ] {
            let plan = plan_for(&actor).await;
            assert!(!plan.iter().any(|step| step.starts_with("SCAN household")), "{plan:?}");
        }
    }
}
