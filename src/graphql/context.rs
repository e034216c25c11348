//! What every resolver reads from the request: the actor, the database and the dataloaders.

use std::sync::Arc;

use async_graphql::{Context, ID, dataloader::DataLoader};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::loaders::{GroupLoader, GroupPageLoader, HouseholdPageLoader, WardLoader};
use crate::{auth::Actor, error::AppError};

/// Per-request data: built by the HTTP handler after authentication.
pub struct RequestContext {
    /// Who is calling.
    pub actor: Arc<Actor>,
    /// The database pool.
    pub db: DatabaseConnection,
    pub(super) wards: DataLoader<WardLoader>,
    pub(super) groups: DataLoader<GroupLoader>,
    pub(super) group_pages: DataLoader<GroupPageLoader>,
    pub(super) household_pages: DataLoader<HouseholdPageLoader>,
}

impl RequestContext {
    /// A context for `actor`, with fresh dataloaders (they cache per request and per actor).
    pub fn new(actor: Actor, db: DatabaseConnection) -> Self {
        let actor = Arc::new(actor);
        let spawn = |f| tokio::spawn(f);
        Self {
            wards: DataLoader::new(
                WardLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                spawn,
            ),
            groups: DataLoader::new(
                GroupLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                spawn,
            ),
            group_pages: DataLoader::new(
                GroupPageLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                spawn,
            ),
            household_pages: DataLoader::new(
                HouseholdPageLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                spawn,
            ),
            actor,
            db,
        }
    }
}

/// The request context; its absence is a wiring bug, reported as an internal error.
pub fn request<'a>(ctx: &Context<'a>) -> Result<&'a RequestContext, AppError> {
    ctx.data::<RequestContext>()
        .map_err(|_| AppError::internal("request context missing"))
}

/// Parses a GraphQL `ID` argument as one of our UUIDs; `field` names the argument in the error.
pub fn parse_id(id: &ID, field: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id.as_str()).map_err(|_| AppError::bad_input(field, format!("{field} is not a valid id")))
}
