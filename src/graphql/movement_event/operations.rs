//! `movementEvents`, `createMovementEvent` and `updateMovementEvent`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{MovementEvent, MovementEventKind};
use crate::{
    graphql::{
        connection::{MovementEventConnection, page_request, to_connection},
        context::{int32, optional_date, parse_id, scope},
        movement_year::patch,
        scalars::Date,
    },
    service::{
        self,
        movement_event::{EventFilter, EventPatch, NewEvent},
    },
};

/// A new movement event.
#[derive(InputObject)]
pub struct CreateMovementEventInput {
    /// A UUID made by the client once per event: sending it again (after a lost answer) returns the same
    /// event and changes nothing; with other data it is `CONFLICT`.
    pub client_mutation_id: ID,
    /// The ward.
    pub ward_id: ID,
    /// The residential group that hosts it (of the ward); omit for a ward-level event (officials only).
    pub hosting_group_id: Option<ID>,
    /// The day it is held.
    pub held_on: Date,
    /// Festival, forum or other.
    pub kind: MovementEventKind,
    /// Title (1–200 characters).
    pub title: String,
    /// How many people attended, 0–100000.
    pub attendance: Option<i64>,
    /// Notes (at most 2000 characters).
    pub notes: Option<String>,
}

/// Changes to a movement event; omitted fields stay, `null` clears an optional one.
#[derive(InputObject, Default)]
pub struct UpdateMovementEventInput {
    /// New day.
    pub held_on: Option<Date>,
    /// New kind.
    pub kind: Option<MovementEventKind>,
    /// New title (1–200 characters).
    pub title: Option<String>,
    /// New attendance, 0–100000; `null` removes it.
    pub attendance: MaybeUndefined<i64>,
    /// New notes; `null` removes them.
    pub notes: MaybeUndefined<String>,
}

/// Queries on movement events.
#[derive(Default)]
pub struct MovementEventQuery;

#[Object]
impl MovementEventQuery {
    /// A ward's festival days, forums and other events the caller may see, by the day held: officials
    /// see all of their ward's, leaders those their group hosts and the ward-level ones.
    #[expect(clippy::too_many_arguments, reason = "a connection's filters and paging arguments")]
    async fn movement_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ward.")] ward_id: ID,
        #[graphql(desc = "Only events of this movement year (1 November of the year before to 31 October).")]
        year: Option<i64>,
        #[graphql(desc = "Only events this group hosts.")] hosting_group_id: Option<ID>,
        #[graphql(desc = "Only events of this kind.")] kind: Option<MovementEventKind>,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<MovementEventConnection> {
        let scope = scope(ctx)?;
        let filter = EventFilter {
            ward_id: parse_id(&ward_id, "wardId")?,
            year: year.map(|y| int32(y, "year")).transpose()?,
            group_id: hosting_group_id.as_ref().map(|id| parse_id(id, "hostingGroupId")).transpose()?,
            kind: kind.map(Into::into),
        };
        let request = page_request(ctx, first, after, last, before)?;
        let page = scope.movement_events().list(&filter, &request).await?;
        Ok(to_connection(page, service::movement_event::cursor, MovementEvent))
    }
}

/// Mutations on movement events.
#[derive(Default)]
pub struct MovementEventMutation;

#[Object]
impl MovementEventMutation {
    /// Records a festival day, forum or other event: officials for their ward (ward-level or hosted by
    /// any of its groups), leaders for their own group, administrators anywhere. Idempotent on
    /// `clientMutationId`.
    async fn create_movement_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event.")] input: CreateMovementEventInput,
    ) -> Result<MovementEvent> {
        let scope = scope(ctx)?;
        let new = NewEvent {
            client_mutation_id: parse_id(&input.client_mutation_id, "clientMutationId")?,
            ward_id: parse_id(&input.ward_id, "wardId")?,
            hosting_group_id: input
                .hosting_group_id
                .as_ref()
                .map(|id| parse_id(id, "hostingGroupId"))
                .transpose()?,
            held_on: input.held_on.checked("heldOn")?,
            kind: input.kind.into(),
            title: input.title,
            attendance: input.attendance.map(|n| int32(n, "attendance").map(i64::from)).transpose()?,
            notes: input.notes,
        };
        Ok(MovementEvent(scope.movement_events().create(new).await?))
    }

    /// Changes a movement event if it is still at `expectedVersion` (else `CONFLICT` with
    /// `extensions.currentVersion`). Its ward and hosting group stay as recorded.
    async fn update_movement_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event to change.")] id: ID,
        #[graphql(desc = "The `version` the client last read; a newer one in the database is `CONFLICT`.")]
        expected_version: i64,
        #[graphql(desc = "The fields to change.")] input: UpdateMovementEventInput,
    ) -> Result<MovementEvent> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let expected_version = int32(expected_version, "expectedVersion")?;
        let changes = EventPatch {
            held_on: optional_date(input.held_on.as_ref(), "heldOn")?,
            kind: input.kind.map(Into::into),
            title: input.title,
            attendance: patch(input.attendance, |n| int32(n, "attendance").map(i64::from))?,
            notes: patch(input.notes, Ok)?,
        };
        Ok(MovementEvent(scope.movement_events().update(id, expected_version, changes).await?))
    }
}
