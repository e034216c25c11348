//! What every resolver reads from the request: the caller, the scoped service handle and dataloaders.

use std::{
    net::IpAddr,
    sync::{Arc, LazyLock, Mutex, OnceLock},
};

use async_graphql::{Context, ID, dataloader::DataLoader};
use uuid::Uuid;

use super::loaders::{
    AssessmentLoader, AssignmentLoader, CampaignLoader, GroupLoader, GroupPageLoader, HouseholdLoader,
    HouseholdPageLoader, HouseholdPledgesLoader, MovementEventLoader, RecorderLoader, Scoped, SurveyLoader,
    SurveyQuestionLoader, WardLoader, WardSettingsLoader,
};
use super::scalars::Date;
use crate::{
    auth::Actor,
    error::{AppError, Unauthenticated},
    service::{Reads, Scope, Services},
};

/// The outcome of reading the `Authorization` header.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No header: only `login` and `refreshSession` are open.
    Anonymous,
    /// A header that did not verify (malformed, expired, revoked, wrong signature).
    InvalidToken,
    /// A signed-in user with their scopes.
    User(Arc<Actor>),
}

/// Who the request acts as: the bearer token's user; without a token, the user a `login` or
/// `refreshSession` of this request signed in, but only inside that field's payload (so the payload
/// shows what the user may see, and the request's other fields stay unauthenticated).
#[derive(Debug, Default)]
pub struct ActorCell {
    from_token: Option<Arc<Actor>>,
    /// The response key of the signing-in field, and who signed in.
    signed_in: OnceLock<(String, Arc<Actor>)>,
}

impl ActorCell {
    /// The actor loaders read with: the token's, else the one signed in by this request, else one that
    /// sees nothing. Loaders run only under fields that already passed `scope`, so the fallback to the
    /// signed-in user serves only the payload.
    pub fn current_or_nobody(&self) -> Arc<Actor> {
        static NOBODY: LazyLock<Arc<Actor>> = LazyLock::new(|| Arc::new(Actor::nobody()));
        self.from_token
            .clone()
            .or_else(|| self.signed_in.get().map(|(_, actor)| actor.clone()))
            .unwrap_or_else(|| NOBODY.clone())
    }
}

/// Why the server closes a signed-in WebSocket connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The session ended (logout, refresh-token reuse, deactivation, password change).
    SessionEnded,
    /// The access token expired.
    TokenExpired,
}

impl CloseReason {
    /// The close frame's reason, for the client.
    pub fn text(self) -> &'static str {
        match self {
            Self::SessionEnded => "the session has ended; sign in again",
            Self::TokenExpired => "the access token expired; refresh the session and connect again",
        }
    }

    /// The `reason` label of `pledge_websocket_closed_total`.
    pub fn label(self) -> &'static str {
        match self {
            Self::SessionEnded => "session_ended",
            Self::TokenExpired => "token_expired",
        }
    }
}

/// An open WebSocket connection's hold on its session: the token each operation is checked with again,
/// and the way to close the connection when a check fails.
pub struct SocketSession {
    token: String,
    closing: tokio::sync::Notify,
    reason: OnceLock<CloseReason>,
}

impl SocketSession {
    /// The session of a connection signed in with `token`.
    pub fn new(token: String) -> Self {
        Self { token, closing: tokio::sync::Notify::new(), reason: OnceLock::new() }
    }

    /// The bearer token the connection signed in with.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Asks the connection to close, giving `reason`; the first reason given is kept.
    pub fn close(&self, reason: CloseReason) {
        let _ = self.reason.set(reason);
        self.closing.notify_one();
    }

    /// Waits until `close` is called; returns its reason.
    pub async fn closed(&self) -> CloseReason {
        loop {
            if let Some(reason) = self.reason.get() {
                return *reason;
            }
            self.closing.notified().await;
        }
    }
}

/// Per-request data: built by the HTTP handler after authentication.
pub struct RequestContext {
    caller: Caller,
    /// On a WebSocket connection: its session, checked again before each operation.
    socket: Option<Arc<SocketSession>>,
    actor: Arc<ActorCell>,
    services: Arc<Services>,
    /// The client's address (for login throttling).
    pub client_address: IpAddr,
    /// Made on first use: most requests need one or two of them.
    loaders: Loaders,
    /// The wards the answer read, as root fields report them, for keeping the answer.
    reads: Arc<Mutex<Reads>>,
}

impl RequestContext {
    /// A context for `caller`, with fresh dataloaders (they cache per request, scoped to the caller).
    pub fn new(caller: Caller, services: Arc<Services>, client_address: IpAddr) -> Self {
        let from_token = match &caller {
            Caller::User(actor) => Some(actor.clone()),
            Caller::Anonymous | Caller::InvalidToken => None,
        };
        let actor = Arc::new(ActorCell { from_token, signed_in: OnceLock::new() });
        let reads = Arc::default();
        Self { loaders: Loaders::default(), caller, socket: None, actor, services, client_address, reads }
    }

    /// The context of a WebSocket connection, whose every operation checks `socket`'s session again.
    pub fn on_socket(mut self, socket: Arc<SocketSession>) -> Self {
        self.socket = Some(socket);
        self
    }

    /// The WebSocket connection's session, when the request came over one.
    pub fn socket(&self) -> Option<&Arc<SocketSession>> {
        self.socket.as_ref()
    }

    /// Who sent the request, as the bearer token says.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The shared services (signing in happens here, before there is a scope).
    pub fn services(&self) -> &Arc<Services> {
        &self.services
    }

    /// What the answer read, as its root fields report it (shared: it is read after execution).
    pub fn reads(&self) -> Arc<Mutex<Reads>> {
        self.reads.clone()
    }

    /// The answer read data of `wards` (none: of every ward).
    pub(super) fn read_wards(&self, wards: Option<&[Uuid]>) {
        self.reads.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).add(wards);
    }

    /// The answer read a report that is as fresh as `reads`.
    pub(super) fn read_report(&self, reads: &Reads) {
        self.reads.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).include(reads);
    }

    /// Makes `actor` the caller inside the payload of the field at `ctx` (`login`, `refreshSession`).
    pub fn sign_in(&self, ctx: &Context<'_>, actor: Actor) {
        // A second sign-in in one request keeps the first; the second payload then shows nothing more.
        let _ = self.actor.signed_in.set((root_key(ctx), Arc::new(actor)));
    }

    /// The caller for the field at `ctx`, or `UNAUTHENTICATED`.
    fn actor(&self, ctx: &Context<'_>) -> Result<Arc<Actor>, AppError> {
        if let Some(actor) = &self.actor.from_token {
            return Ok(actor.clone());
        }
        if let Some((key, actor)) = self.actor.signed_in.get()
            && *key == root_key(ctx)
        {
            return Ok(actor.clone());
        }
        match &self.caller {
            Caller::User(actor) => Ok(actor.clone()),
            Caller::Anonymous => Err(AppError::Unauthenticated(Unauthenticated::NoToken)),
            Caller::InvalidToken => Err(AppError::Unauthenticated(Unauthenticated::InvalidToken)),
        }
    }
}

/// The dataloaders of one request (they cache per request, scoped to the caller), each made on first use.
#[derive(Default)]
struct Loaders {
    wards: OnceLock<DataLoader<WardLoader>>,
    groups: OnceLock<DataLoader<GroupLoader>>,
    group_pages: OnceLock<DataLoader<GroupPageLoader>>,
    household_pages: OnceLock<DataLoader<HouseholdPageLoader>>,
    assignments: OnceLock<DataLoader<AssignmentLoader>>,
    households: OnceLock<DataLoader<HouseholdLoader>>,
    campaigns: OnceLock<DataLoader<CampaignLoader>>,
    household_pledges: OnceLock<DataLoader<HouseholdPledgesLoader>>,
    recorders: OnceLock<DataLoader<RecorderLoader>>,
    movement_events: OnceLock<DataLoader<MovementEventLoader>>,
    surveys: OnceLock<DataLoader<SurveyLoader>>,
    survey_questions: OnceLock<DataLoader<SurveyQuestionLoader>>,
    ward_settings: OnceLock<DataLoader<WardSettingsLoader>>,
    assessments: OnceLock<DataLoader<AssessmentLoader>>,
}

impl RequestContext {
    /// The loader in `cell`, made from this request's caller the first time it is asked for.
    fn loader<'a, L>(&self, cell: &'a OnceLock<DataLoader<L>>, make: fn(Scoped) -> L) -> &'a DataLoader<L>
    where
        L: Send + Sync + 'static,
    {
        cell.get_or_init(|| {
            let scoped = Scoped { services: self.services.clone(), actor: self.actor.clone() };
            DataLoader::new(make(scoped), tokio::spawn)
        })
    }

    pub(super) fn wards(&self) -> &DataLoader<WardLoader> {
        self.loader(&self.loaders.wards, WardLoader)
    }

    pub(super) fn groups(&self) -> &DataLoader<GroupLoader> {
        self.loader(&self.loaders.groups, GroupLoader)
    }

    pub(super) fn group_pages(&self) -> &DataLoader<GroupPageLoader> {
        self.loader(&self.loaders.group_pages, GroupPageLoader)
    }

    pub(super) fn household_pages(&self) -> &DataLoader<HouseholdPageLoader> {
        self.loader(&self.loaders.household_pages, HouseholdPageLoader)
    }

    pub(super) fn assignments(&self) -> &DataLoader<AssignmentLoader> {
        self.loader(&self.loaders.assignments, AssignmentLoader)
    }

    pub(super) fn households(&self) -> &DataLoader<HouseholdLoader> {
        self.loader(&self.loaders.households, HouseholdLoader)
    }

    pub(super) fn campaigns(&self) -> &DataLoader<CampaignLoader> {
        self.loader(&self.loaders.campaigns, CampaignLoader)
    }

    pub(super) fn household_pledges(&self) -> &DataLoader<HouseholdPledgesLoader> {
        self.loader(&self.loaders.household_pledges, HouseholdPledgesLoader)
    }

    pub(super) fn recorders(&self) -> &DataLoader<RecorderLoader> {
        self.loader(&self.loaders.recorders, RecorderLoader)
    }

    pub(super) fn movement_events(&self) -> &DataLoader<MovementEventLoader> {
        self.loader(&self.loaders.movement_events, MovementEventLoader)
    }

    pub(super) fn surveys(&self) -> &DataLoader<SurveyLoader> {
        self.loader(&self.loaders.surveys, SurveyLoader)
    }

    pub(super) fn survey_questions(&self) -> &DataLoader<SurveyQuestionLoader> {
        self.loader(&self.loaders.survey_questions, SurveyQuestionLoader)
    }

    pub(super) fn ward_settings(&self) -> &DataLoader<WardSettingsLoader> {
        self.loader(&self.loaders.ward_settings, WardSettingsLoader)
    }

    pub(super) fn assessments(&self) -> &DataLoader<AssessmentLoader> {
        self.loader(&self.loaders.assessments, AssessmentLoader)
    }
}

/// The request context; its absence is a wiring bug, reported as an internal error.
pub fn request<'a>(ctx: &Context<'a>) -> Result<&'a RequestContext, AppError> {
    ctx.data::<RequestContext>().map_err(|_| AppError::internal("request context missing"))
}

/// The service handle of the signed-in caller, or `UNAUTHENTICATED`.
pub fn scope(ctx: &Context<'_>) -> Result<Scope, AppError> {
    let request = request(ctx)?;
    Ok(request.services.scope(request.actor(ctx)?))
}

/// The request context, after checking the caller is signed in (for fields that read a dataloader).
pub fn signed_in<'a>(ctx: &Context<'a>) -> Result<&'a RequestContext, AppError> {
    let request = request(ctx)?;
    request.actor(ctx)?;
    Ok(request)
}

/// The response key of the root field `ctx` lies under.
fn root_key(ctx: &Context<'_>) -> String {
    let mut node = ctx.path_node.as_ref();
    let mut key = String::new();
    while let Some(current) = node {
        if let async_graphql::QueryPathSegment::Name(name) = current.segment {
            key = name.to_owned();
        }
        node = current.parent;
    }
    key
}

/// An `Int` argument or input field, which GraphQL defines as 32-bit. Such fields are read as `i64` and
/// checked here, so a larger number is `BAD_USER_INPUT` naming `field` (async-graphql's own refusal of
/// an `i32` names no field).
pub fn int32(value: i64, field: &str) -> Result<i32, AppError> {
    i32::try_from(value).map_err(|_| {
        AppError::bad_input(field, format!("{field} must be a 32-bit Int, from {} to {}", i32::MIN, i32::MAX))
    })
}

/// An optional date input, checked; `field` names it in the error.
pub fn optional_date(date: Option<&Date>, field: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
    date.map(|d| d.checked(field)).transpose()
}

/// Parses a GraphQL `ID` argument as one of our UUIDs; `field` names the argument in the error.
pub fn parse_id(id: &ID, field: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id.as_str()).map_err(|_| AppError::bad_input(field, format!("{field} is not a valid id")))
}
