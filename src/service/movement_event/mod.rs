//! Festival days, forums and other events of the movement: read here, in scope; created and updated in
//! `write`.
//!
//! The same scope as self-management models: officials see and manage their ward's events, a group's
//! leaders the events their group hosts (and see the ward-level events of their ward), administrators
//! everything.

mod write;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

pub use write::{EventPatch, NewEvent};
pub(in crate::service) use write::{create, update};

use super::{
    movement_year::{dated_cursor, dated_page, scope_condition, scoped},
    page::{Cursor, Page, Paging},
};
use crate::{
    auth::Actor,
    domain::movement::EventKind,
    entities::movement_event as event,
    error::{AppError, AppResult, Missing},
};

/// Longest notes, in characters.
pub const MAX_NOTES_CHARS: usize = 2000;
/// Largest attendance.
pub const MAX_ATTENDANCE: i64 = 100_000;

/// The events `actor` may see.
pub(in crate::service) fn visible(actor: &Actor) -> Select<event::Entity> {
    scoped(event::Entity::find(), scope_condition(actor, event::Column::WardId, event::Column::GroupId, true))
}

/// One event, or `NOT_FOUND`.
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<event::Model> {
    visible(actor)
        .filter(event::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound(Missing::MovementEvent))
}

/// The events among `ids` the actor may see.
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, event::Model>> {
    let rows = visible(actor).filter(event::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|e| (e.id, e)).collect())
}

/// Narrows a ward's events.
#[derive(Debug, Clone)]
pub struct EventFilter {
    /// The ward (required).
    pub ward_id: Uuid,
    /// Held in this movement year.
    pub year: Option<i32>,
    /// Hosted by this group.
    pub group_id: Option<Uuid>,
    /// Of this kind.
    pub kind: Option<EventKind>,
}

/// The cursor of an event in `list` (by day held, then id).
pub fn cursor(event: &event::Model) -> Cursor {
    dated_cursor(event.held_on, event.id)
}

/// A page of a ward's events the actor may see, by the day held.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &EventFilter,
    request: &Paging,
) -> AppResult<Page<event::Model>> {
    // The ward's own year is read only once the ward is known to be the caller's.
    super::ward::get(db, actor, filter.ward_id).await?;
    let mut query = visible(actor).filter(event::Column::WardId.eq(filter.ward_id));
    if let Some(year) = filter.year {
        let (first, last) = super::ward_settings::year_window(db, filter.ward_id, year).await?;
        query = query.filter(event::Column::HeldOn.between(first, last));
    }
    if let Some(group_id) = filter.group_id {
        let group = super::group::get(db, actor, group_id).await?;
        if group.ward_id != filter.ward_id {
            return Err(AppError::bad_input("hostingGroupId", "the group is not in this ward"));
        }
        query = query.filter(event::Column::GroupId.eq(group_id));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(event::Column::Kind.eq(kind));
    }
    dated_page(db, query, event::Column::HeldOn, event::Column::Id, request).await
}
