//! Recording an event (idempotent on its `clientMutationId`) and updating one at the version the client
//! read. The ward and the hosting group of an event are fixed when it is recorded.

use chrono::NaiveDate;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{MAX_ATTENDANCE, MAX_NOTES_CHARS, get};
use crate::{
    auth::Actor,
    domain::{
        fields::Name,
        movement::{EventKind, free_text},
    },
    entities::movement_event as event,
    error::{AppError, AppResult, Missing},
    service::{
        self,
        audit::AuditEntry,
        movement_year::{
            PlaceRefusals, Stop, check_place, diff, idempotent, keep_key, payload_hash, recorder, replayed,
            version_conflict,
        },
    },
};

const KIND: &str = "movement_event";

/// Where an event may be recorded, and what is said when it may not.
const PLACE: PlaceRefusals = PlaceRefusals {
    role: "officials and group leaders record the movement's events",
    ward_wide: "only ward officials and administrators record ward-level events",
    group_field: "hostingGroupId",
};

/// A new event.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// The idempotency key.
    pub client_mutation_id: Uuid,
    /// The ward.
    pub ward_id: Uuid,
    /// The hosting group; none for a ward-level event (officials only).
    pub hosting_group_id: Option<Uuid>,
    /// The day it is held.
    pub held_on: NaiveDate,
    /// Festival, forum or other.
    pub kind: EventKind,
    /// Title.
    pub title: String,
    /// How many attended.
    pub attendance: Option<i64>,
    /// Notes.
    pub notes: Option<String>,
}

/// Changes to an event; `None` leaves a field as it is, `Some(None)` clears an optional one.
#[derive(Debug, Default, Clone)]
pub struct EventPatch {
    /// New day.
    pub held_on: Option<NaiveDate>,
    /// New kind.
    pub kind: Option<EventKind>,
    /// New title.
    pub title: Option<String>,
    /// New attendance, or none.
    pub attendance: Option<Option<i64>>,
    /// New notes, or none.
    pub notes: Option<Option<String>>,
}

fn title(input: &str) -> AppResult<String> {
    Ok(Name::parse_as(input, "title").map_err(|m| AppError::bad_input("title", m))?.as_str().to_owned())
}

fn notes(input: Option<&str>) -> AppResult<Option<String>> {
    let text = input.map(|n| free_text(n, MAX_NOTES_CHARS, "the notes")).transpose();
    Ok(text.map_err(|m| AppError::bad_input("notes", m))?.flatten())
}

fn attendance(value: i64) -> AppResult<i32> {
    if !(0..=MAX_ATTENDANCE).contains(&value) {
        return Err(AppError::bad_input(
            "attendance",
            format!("attendance must be between 0 and {MAX_ATTENDANCE}"),
        ));
    }
    Ok(value as i32)
}

/// The fields of an event as the audit trail keeps them.
fn audit_view(row: &event::Model) -> Value {
    json!({
        "heldOn": row.held_on, "kind": row.kind.to_value(), "title": row.title,
        "attendance": row.attendance, "notes": row.notes, "version": row.version,
    })
}

/// Records an event. Officials of its ward (ward-level or hosted by any of its groups), leaders for
/// their own group, administrators anywhere. The same `clientMutationId` with the same payload returns
/// the first result; with another payload it is `CONFLICT`.
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewEvent,
) -> AppResult<event::Model> {
    let now = service::now();
    let row = event::Model {
        id: Uuid::now_v7(),
        ward_id: input.ward_id,
        group_id: input.hosting_group_id,
        held_on: input.held_on,
        kind: input.kind,
        title: title(&input.title)?,
        attendance: input.attendance.map(attendance).transpose()?,
        notes: notes(input.notes.as_deref())?,
        version: 1,
        client_mutation_id: input.client_mutation_id,
        recorded_by: recorder(actor),
        created_at: now,
        updated_at: now,
    };
    let hash = payload_hash(&json!([KIND, row.ward_id, row.group_id, audit_view(&row)]));
    idempotent(|| try_create(db, actor, &row, &hash)).await
}

async fn try_create(
    db: &DatabaseConnection,
    actor: &Actor,
    row: &event::Model,
    hash: &str,
) -> Result<event::Model, Stop> {
    let (_turn, txn) = service::begin_write(db).await?;
    if let Some(id) = replayed(&txn, row.client_mutation_id, KIND, hash).await? {
        return Ok(get(&txn, actor, id).await?);
    }
    check_place(&txn, actor, row.ward_id, row.group_id, &PLACE).await?;
    let now = service::now();
    let row = event::Model { id: Uuid::now_v7(), created_at: now, updated_at: now, ..row.clone() };
    keep_key(&txn, row.client_mutation_id, actor, KIND, hash, row.id).await?;
    event::Entity::insert(event::ActiveModel::from(row.clone())).exec(&txn).await?;
    let mut summary = audit_view(&row);
    summary["hostingGroupId"] = json!(row.group_id);
    summary["clientMutationId"] = json!(row.client_mutation_id);
    let entry = AuditEntry {
        action: "movement_event.create",
        target_type: KIND,
        target_id: Some(row.id),
        ward_id: Some(row.ward_id),
        summary,
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(row)
}

/// Applies `patch` if the event is still at `expected_version` (else `CONFLICT` with
/// `extensions.currentVersion`). A leader sees the ward-level events of their ward but may not change
/// them (`FORBIDDEN`).
#[tracing::instrument(skip(db, actor, patch))]
pub(in crate::service) async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    patch: EventPatch,
) -> AppResult<event::Model> {
    let new_title = patch.title.as_deref().map(title).transpose()?;
    let new_attendance = patch.attendance.map(|a| a.map(attendance).transpose()).transpose()?;
    let new_notes = patch.notes.as_ref().map(|n| notes(n.as_deref())).transpose()?;

    let (_turn, txn) = service::begin_write(db).await?;
    let current = get(&txn, actor, id).await?;
    if current.group_id.is_none() && !actor.governs_ward(current.ward_id) {
        return Err(AppError::Forbidden("only ward officials and administrators change ward-level events"));
    }
    if current.version != expected_version {
        return Err(version_conflict("event", current.version));
    }
    let next = event::Model {
        held_on: patch.held_on.unwrap_or(current.held_on),
        kind: patch.kind.unwrap_or(current.kind),
        title: new_title.unwrap_or_else(|| current.title.clone()),
        attendance: new_attendance.unwrap_or(current.attendance),
        notes: new_notes.unwrap_or_else(|| current.notes.clone()),
        version: expected_version + 1,
        updated_at: service::now(),
        ..current.clone()
    };
    // The version condition makes the write itself the check against a concurrent update.
    let written = event::Entity::update_many()
        .set(event::ActiveModel::from(next.clone()).reset_all())
        .filter(event::Column::Id.eq(id))
        .filter(event::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if written.rows_affected != 1 {
        let version: Option<i32> = event::Entity::find_by_id(id)
            .select_only()
            .column(event::Column::Version)
            .into_tuple()
            .one(&txn)
            .await?;
        return Err(
            version.map_or(AppError::NotFound(Missing::MovementEvent), |v| version_conflict("event", v))
        );
    }
    let entry = AuditEntry {
        action: "movement_event.update",
        target_type: KIND,
        target_id: Some(id),
        ward_id: Some(next.ward_id),
        summary: diff(&audit_view(&current), &audit_view(&next)),
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(next)
}
