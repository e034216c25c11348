//! Festival days, forums and other movement events: the `MovementEvent` type and its kind; `operations`
//! holds `movementEvents`, `createMovementEvent` and `updateMovementEvent`.

mod operations;

use async_graphql::{Context, Enum, ID, Object, Result};

pub use operations::{MovementEventMutation, MovementEventQuery};

use super::{
    context::signed_in,
    group::ResidentialGroup,
    pledge::Recorder,
    scalars::{Date, DateTime},
    ward::Ward,
};
use crate::{
    domain::movement::movement_year_of,
    error::{AppError, Missing},
    service::records::MovementEventRecord,
};

/// What kind of movement event.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "MovementEventKind", remote = "crate::domain::movement::EventKind")]
pub enum MovementEventKind {
    /// The festival day of the whole people protecting national security (Ngày hội Toàn dân bảo vệ an
    /// ninh Tổ quốc).
    Festival,
    /// A forum where officials listen to residents ("Lắng nghe ý kiến Nhân dân").
    Forum,
    /// Anything else.
    Other,
}

/// A festival day, a forum or another event of the movement, in a ward or hosted by one of its groups.
pub struct MovementEvent(pub MovementEventRecord);

/// A festival day, a forum or another event of the movement, in a ward or hosted by one of its groups.
#[Object]
impl MovementEvent {
    /// Unique id, across every type: `node(id:)` fetches the event again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The ward.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        let ward = signed_in(ctx)?.wards().load_one(self.0.ward_id).await?;
        Ok(ward.ok_or(AppError::NotFound(Missing::Ward))?.into())
    }

    /// The residential group that hosts it; null for a ward-level event.
    async fn hosting_group(&self, ctx: &Context<'_>) -> Result<Option<ResidentialGroup>> {
        let Some(group_id) = self.0.group_id else { return Ok(None) };
        Ok(signed_in(ctx)?.groups().load_one(group_id).await?.map(ResidentialGroup::from))
    }

    /// The day it is held.
    async fn held_on(&self) -> Date {
        Date::from(self.0.held_on)
    }

    /// The movement year it falls in, in its ward's own year (by default from 1 November, the next
    /// year's).
    async fn year(&self, ctx: &Context<'_>) -> Result<i32> {
        let settings = signed_in(ctx)?.ward_settings().load_one(self.0.ward_id).await?;
        Ok(settings
            .map_or_else(|| movement_year_of(self.0.held_on), |s| s.year_start.year_of(self.0.held_on)))
    }

    /// Festival, forum or other.
    async fn kind(&self) -> MovementEventKind {
        self.0.kind.into()
    }

    /// Title, e.g. "Ngày hội Toàn dân bảo vệ an ninh Tổ quốc năm 2023".
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// How many people attended, once known.
    async fn attendance(&self) -> Option<i32> {
        self.0.attendance
    }

    /// Notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// Version for optimistic concurrency: send it as `expectedVersion` when changing the event.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The idempotency key it was recorded with.
    async fn client_mutation_id(&self) -> ID {
        ID(self.0.client_mutation_id.to_string())
    }

    /// Who recorded it.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Recorder>> {
        let Some(user_id) = self.0.recorded_by else { return Ok(None) };
        Recorder::load(ctx, user_id).await
    }

    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}
