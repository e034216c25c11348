//! What self-management models, movement events and awards share: their scope (a ward's officials, a
//! group's leaders), idempotent creates keyed by `clientMutationId`, lists in date order with keyset
//! cursors, and the movement year a list may be narrowed to.

use std::future::Future;

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, SqlErr,
    sea_query::{Expr, ExprTrait},
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::page::{Cursor, Page, Paging};
use crate::{
    auth::Actor,
    domain::movement::check_year as domain_check_year,
    entities::client_mutation,
    error::{AppError, AppResult, Missing},
};

/// Rows of a ward's officials, of the groups a leader leads, and, for kinds a whole ward shares
/// (`ward_wide: true`), the ward-level rows of the wards the actor works in. `None` for administrators,
/// who see every row.
pub(in crate::service) fn scope_condition(
    actor: &Actor,
    ward: impl ColumnTrait,
    group: impl ColumnTrait,
    ward_wide: bool,
) -> Option<Condition> {
    if actor.is_admin() {
        return None;
    }
    // Only the terms with something in them: an empty `IN ()` is a constant SQLite scans the table for.
    let mut condition = Condition::any();
    let mut empty = true;
    if !actor.official_wards().is_empty() {
        condition = condition.add(ward.is_in(actor.official_wards().iter().copied()));
        empty = false;
    }
    if actor.leader_group_ids().next().is_some() {
        condition = condition.add(group.is_in(actor.leader_group_ids()));
        if ward_wide {
            condition = condition.add(group.is_null().and(ward.is_in(actor.visible_ward_ids())));
        }
        empty = false;
    }
    if empty {
        condition = condition.add(Expr::val(1).eq(0));
    }
    Some(condition)
}

/// What the refusals of `check_place` say, for one kind of record.
pub(in crate::service) struct PlaceRefusals {
    /// To a role that keeps no such record (the ward police).
    pub role: &'static str,
    /// To a leader naming no group: a ward-wide record is the officials'.
    pub ward_wide: &'static str,
    /// The input field of the group, named when it lies in another ward.
    pub group_field: &'static str,
}

/// May `actor` put a record in ward `ward_id`, in group `group_id` or ward-wide: officials anywhere in
/// their ward, leaders in their own group, the police nowhere. Reading the group takes the scope of
/// those who work with its households, not the wider one of those who read its reports.
pub(in crate::service) async fn check_place(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    group_id: Option<Uuid>,
    refusals: &PlaceRefusals,
) -> AppResult<()> {
    if !actor.works_with_households() {
        return Err(AppError::Forbidden(refusals.role));
    }
    if group_id.is_none() && !actor.is_official_anywhere() {
        return Err(AppError::Forbidden(refusals.ward_wide));
    }
    super::ward::get(db, actor, ward_id).await?;
    match group_id {
        None if !actor.governs_ward(ward_id) => Err(AppError::NotFound(Missing::Ward)),
        None => Ok(()),
        Some(group_id) => {
            let group = super::group::get_covered(db, actor, group_id).await?;
            if group.ward_id != ward_id {
                return Err(AppError::bad_input(refusals.group_field, "the group is not in this ward"));
            }
            Ok(())
        }
    }
}

/// `query` narrowed by `scope_condition`.
pub(in crate::service) fn scoped<E: EntityTrait>(
    query: Select<E>,
    condition: Option<Condition>,
) -> Select<E> {
    match condition {
        Some(condition) => query.filter(condition),
        None => query,
    }
}

/// `BAD_USER_INPUT` on `year` unless movement year `year` is one the service accepts.
pub(in crate::service) fn check_year(year: i32) -> AppResult<()> {
    domain_check_year(year).map_err(|m| AppError::bad_input("year", m))
}

/// SHA-256, in hex, of a create's normalised payload (`kind` first, so one key cannot serve two kinds).
pub(in crate::service) fn payload_hash(payload: &Value) -> String {
    Sha256::digest(payload.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Why one try of an idempotent create stopped.
pub(in crate::service) enum Stop {
    /// Another request inserted the same idempotency key first.
    Raced,
    /// Anything else.
    Failed(AppError),
}

impl From<AppError> for Stop {
    fn from(err: AppError) -> Self {
        Stop::Failed(err)
    }
}

impl From<DbErr> for Stop {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Stop::Raced,
            _ => Stop::Failed(err.into()),
        }
    }
}

/// Runs `attempt` (one transaction) and, when a concurrent send of the same key won the insert, once
/// more: the second try finds the key and answers as a replay.
pub(in crate::service) async fn idempotent<T, F, Fut>(mut attempt: F) -> AppResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Stop>>,
{
    for _ in 0..2 {
        match attempt().await {
            Err(Stop::Raced) => continue,
            Err(Stop::Failed(err)) => return Err(err),
            Ok(value) => return Ok(value),
        }
    }
    Err(AppError::conflict("this clientMutationId is being recorded right now; send it again"))
}

/// What an idempotency key says about a create: the row it made before (same kind and payload), or
/// nothing yet. The same key with another payload or kind is `CONFLICT` naming `clientMutationId`.
pub(in crate::service) async fn replayed(
    db: &impl ConnectionTrait,
    key: Uuid,
    kind: &str,
    hash: &str,
) -> AppResult<Option<Uuid>> {
    let Some(found) = client_mutation::Entity::find_by_id(key).one(db).await? else { return Ok(None) };
    if found.kind == kind && found.payload_hash == hash {
        return Ok(Some(found.target_id));
    }
    Err(AppError::Conflict {
        message: "this clientMutationId was already used for a different request".into(),
        extensions: vec![("field", "clientMutationId".into())],
    })
}

/// Stores an idempotency key for the row `target` it created (a concurrent twin fails here, as `Raced`).
pub(in crate::service) async fn keep_key(
    db: &impl ConnectionTrait,
    key: Uuid,
    actor: &Actor,
    kind: &str,
    hash: &str,
    target: Uuid,
) -> Result<(), DbErr> {
    client_mutation::Entity::insert(client_mutation::ActiveModel::from(client_mutation::Model {
        id: key,
        user_id: recorder(actor),
        kind: kind.to_owned(),
        payload_hash: hash.to_owned(),
        target_id: target,
        created_at: super::now(),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// The user to record as having done something (none for the service itself).
pub(in crate::service) fn recorder(actor: &Actor) -> Option<Uuid> {
    Some(actor.user_id).filter(|id| !id.is_nil())
}

/// `CONFLICT` for an update sent with a version older than the row's, with `extensions.currentVersion`.
pub(in crate::service) fn version_conflict(what: &str, current_version: i32) -> AppError {
    AppError::Conflict {
        message: format!(
            "the {what} was changed by someone else (now at version {current_version}); reload it and try again"
        ),
        extensions: vec![("currentVersion", async_graphql::Value::from(current_version))],
    }
}

/// The cursor of a row in a list ordered by `date`, then id.
pub(in crate::service) fn dated_cursor(date: NaiveDate, id: Uuid) -> Cursor {
    Cursor { sort_key: date.to_string(), id }
}

/// One page of `select` ordered by the date column `date`, then by `id`, both ascending; the cursors
/// carry the date. A cursor of another list (whose key is not a date) is `BAD_USER_INPUT`.
pub(in crate::service) async fn dated_page<E, C>(
    db: &C,
    select: Select<E>,
    date: E::Column,
    id: E::Column,
    request: &Paging,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    let total_count = if request.with_total { Some(select.clone().count(db).await?) } else { None };
    let position = |cursor: &Cursor, field: &str| -> AppResult<(NaiveDate, Uuid)> {
        NaiveDate::parse_from_str(&cursor.sort_key, "%Y-%m-%d")
            .map(|day| (day, cursor.id))
            .map_err(|_| AppError::bad_input(field, format!("{field} is not a cursor returned by this list")))
    };
    let mut select = select;
    if let Some(cursor) = &request.after {
        let (day, after) = position(cursor, "after")?;
        select = select.filter(
            Condition::any().add(date.gt(day)).add(Condition::all().add(date.eq(day)).add(id.gt(after))),
        );
    }
    if let Some(cursor) = &request.before {
        let (day, before) = position(cursor, "before")?;
        select = select.filter(
            Condition::any().add(date.lt(day)).add(Condition::all().add(date.eq(day)).add(id.lt(before))),
        );
    }
    let order = request.read_order();
    let rows =
        select.order_by(date, order.clone()).order_by(id, order).limit(request.fetch_limit()).all(db).await?;
    Ok(Page::from_rows(rows, request, total_count))
}

/// The fields that differ between two audit views of a row, as `{field: {from, to}}`.
pub(in crate::service) fn diff(before: &Value, after: &Value) -> Value {
    let (Value::Object(before), Value::Object(after)) = (before, after) else { return Value::Null };
    let changed: serde_json::Map<String, Value> = after
        .iter()
        .filter(|(field, value)| before.get(*field) != Some(*value))
        .map(|(field, to)| {
            let from = before.get(field).cloned().unwrap_or(Value::Null);
            (field.clone(), serde_json::json!({ "from": from, "to": to }))
        })
        .collect();
    Value::Object(changed)
}
