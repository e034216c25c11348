//! What every resolver reads from the request: the caller, the database, auth state and dataloaders.

use std::{net::IpAddr, sync::Arc};

use async_graphql::{Context, ID, dataloader::DataLoader};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::loaders::{
    AssignmentLoader, CampaignLoader, GroupLoader, GroupPageLoader, HouseholdLoader, HouseholdPageLoader,
    HouseholdPledgesLoader, RecorderLoader, WardLoader,
};
use crate::{
    auth::{Actor, Auth},
    error::AppError,
};

/// The outcome of reading the `Authorization` header.
#[derive(Debug)]
pub enum Caller {
    /// No header: only `login` and `refreshSession` are open.
    Anonymous,
    /// A header that did not verify (malformed, expired, revoked, wrong signature).
    InvalidToken,
    /// A signed-in user with their scopes.
    User(Arc<Actor>),
}

/// Per-request data: built by the HTTP handler after authentication.
pub struct RequestContext {
    caller: Caller,
    /// The database pool.
    pub db: DatabaseConnection,
    /// Tokens, passwords, throttling, clock.
    pub auth: Arc<Auth>,
    /// The client's address (for login throttling).
    pub client_address: IpAddr,
    pub(super) wards: DataLoader<WardLoader>,
    pub(super) groups: DataLoader<GroupLoader>,
    pub(super) group_pages: DataLoader<GroupPageLoader>,
    pub(super) household_pages: DataLoader<HouseholdPageLoader>,
    pub(super) assignments: DataLoader<AssignmentLoader>,
    pub(super) households: DataLoader<HouseholdLoader>,
    pub(super) campaigns: DataLoader<CampaignLoader>,
    pub(super) household_pledges: DataLoader<HouseholdPledgesLoader>,
    pub(super) recorders: DataLoader<RecorderLoader>,
}

impl RequestContext {
    /// A context for `caller`, with fresh dataloaders (they cache per request, scoped to the caller).
    pub fn new(caller: Caller, db: DatabaseConnection, auth: Arc<Auth>, client_address: IpAddr) -> Self {
        let actor = match &caller {
            Caller::User(actor) => actor.clone(),
            Caller::Anonymous | Caller::InvalidToken => Arc::new(Actor::nobody()),
        };
        let spawn = |f| tokio::spawn(f);
        Self {
            wards: DataLoader::new(WardLoader { db: db.clone(), actor: actor.clone() }, spawn),
            groups: DataLoader::new(GroupLoader { db: db.clone(), actor: actor.clone() }, spawn),
            group_pages: DataLoader::new(GroupPageLoader { db: db.clone(), actor: actor.clone() }, spawn),
            household_pages: DataLoader::new(
                HouseholdPageLoader { db: db.clone(), actor: actor.clone() },
                spawn,
            ),
            assignments: DataLoader::new(AssignmentLoader { db: db.clone() }, spawn),
            households: DataLoader::new(HouseholdLoader { db: db.clone(), actor: actor.clone() }, spawn),
            campaigns: DataLoader::new(CampaignLoader { db: db.clone(), actor: actor.clone() }, spawn),
            household_pledges: DataLoader::new(HouseholdPledgesLoader { db: db.clone(), actor }, spawn),
            recorders: DataLoader::new(RecorderLoader { db: db.clone() }, spawn),
            caller,
            db,
            auth,
            client_address,
        }
    }

    /// The signed-in caller, or `UNAUTHENTICATED`.
    pub fn actor(&self) -> Result<&Actor, AppError> {
        match &self.caller {
            Caller::User(actor) => Ok(actor),
            Caller::Anonymous => {
                Err(AppError::Unauthenticated("sign in first: send `Authorization: Bearer <accessToken>`"))
            }
            Caller::InvalidToken => Err(AppError::Unauthenticated(
                "the access token is invalid or expired; refresh the session or sign in again",
            )),
        }
    }
}

/// The request context; its absence is a wiring bug, reported as an internal error.
pub fn request<'a>(ctx: &Context<'a>) -> Result<&'a RequestContext, AppError> {
    ctx.data::<RequestContext>().map_err(|_| AppError::internal("request context missing"))
}

/// The request context and the signed-in caller, or `UNAUTHENTICATED`.
pub fn signed_in<'a>(ctx: &Context<'a>) -> Result<(&'a RequestContext, &'a Actor), AppError> {
    let request = request(ctx)?;
    Ok((request, request.actor()?))
}

/// Parses a GraphQL `ID` argument as one of our UUIDs; `field` names the argument in the error.
pub fn parse_id(id: &ID, field: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id.as_str()).map_err(|_| AppError::bad_input(field, format!("{field} is not a valid id")))
}
