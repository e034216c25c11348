//! The audit trail: every change and sign-in writes one event in the same transaction as the change, so
//! a change that fails leaves none. Summaries never hold passwords, tokens or phone numbers in clear.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Select,
};
use serde_json::Value;
use uuid::Uuid;

use super::page::{Cursor, Page, Paging, newest_first};
use crate::{
    auth::Actor,
    entities::audit_event,
    error::{AppError, AppResult},
};

/// What happened, to what, in which ward.
#[derive(Debug)]
pub struct AuditEntry {
    /// Dotted verb, e.g. `household.update`.
    pub action: &'static str,
    /// The kind of object, e.g. `household`.
    pub target_type: &'static str,
    /// The object.
    pub target_id: Option<Uuid>,
    /// The ward the object belongs to (officials read their ward's trail).
    pub ward_id: Option<Uuid>,
    /// What changed.
    pub summary: Value,
}

/// Writes one event; call it inside the transaction of the change it records.
pub(in crate::service) async fn record(
    db: &impl ConnectionTrait,
    actor_id: Option<Uuid>,
    entry: AuditEntry,
) -> AppResult<()> {
    record_many(db, actor_id, vec![entry]).await
}

/// Writes several events in one statement (batch sync writes hundreds at once).
pub(in crate::service) async fn record_many(
    db: &impl ConnectionTrait,
    actor_id: Option<Uuid>,
    entries: Vec<AuditEntry>,
) -> AppResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let now = super::now();
    let rows = entries.into_iter().map(|entry| audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor_id: Set(actor_id.filter(|id| !id.is_nil())),
        action: Set(entry.action.to_owned()),
        target_type: Set(entry.target_type.to_owned()),
        target_id: Set(entry.target_id),
        ward_id: Set(entry.ward_id),
        occurred_at: Set(now),
        summary: Set(entry.summary.to_string()),
    });
    audit_event::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// A phone number as the audit trail shows it: enough to tell two apart, not enough to call.
pub fn mask_phone(phone: Option<&str>) -> Value {
    match phone {
        None => Value::Null,
        Some(phone) => {
            let tail: String = phone.chars().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect();
            Value::from(format!("***{tail}"))
        }
    }
}

/// Narrows the audit trail.
#[derive(Debug, Default)]
pub struct AuditFilter {
    /// Events by this user.
    pub actor_id: Option<Uuid>,
    /// Events about this object.
    pub target_id: Option<Uuid>,
    /// Events of this action.
    pub action: Option<String>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub to: Option<DateTime<Utc>>,
}

/// The cursor of an event in `list` (newest first, by id).
pub fn cursor(event: &audit_event::Model) -> Cursor {
    Cursor { sort_key: String::new(), id: event.id }
}

/// The events an official may read: every one for admins, their wards' for ward officials.
fn readable(actor: &Actor) -> Select<audit_event::Entity> {
    let query = audit_event::Entity::find();
    if actor.is_admin() {
        return query;
    }
    query.filter(audit_event::Column::WardId.is_in(actor.official_wards().iter().copied()))
}

/// The events among `ids` the actor may read (none for group leaders, who read no audit trail).
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, audit_event::Model>> {
    if !actor.is_official_anywhere() || ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = readable(actor).filter(audit_event::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|event| (event.id, event)).collect())
}

/// A page of the events the actor may read, newest first: all for admins, their wards' for officials.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &AuditFilter,
    request: &Paging,
) -> AppResult<Page<audit_event::Model>> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators may read the audit trail"));
    }
    let mut query = readable(actor);
    if let Some(actor_id) = filter.actor_id {
        query = query.filter(audit_event::Column::ActorId.eq(actor_id));
    }
    if let Some(target_id) = filter.target_id {
        query = query.filter(audit_event::Column::TargetId.eq(target_id));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::OccurredAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_event::Column::OccurredAt.lt(to));
    }
    let total_count = if request.with_total { Some(query.clone().count(db).await?) } else { None };
    let items = newest_first(query, audit_event::Column::Id, request).all(db).await?;
    Ok(Page::from_rows(items, request, total_count))
}
