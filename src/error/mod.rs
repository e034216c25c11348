//! `AppError`, the one error type of the service: every refusal, from a resolver, a batch item, an export,
//! a limit, the HTTP handler or a WebSocket, is one of its variants, and only this module knows each
//! variant's `extensions.code`, its further extensions and its HTTP status.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts any `Display` type into an
//! error without extensions, so leaving it out makes our own `From<AppError>` the only way through `?`.
//! Database and internal errors are logged when rendered and reach the client as a bare
//! `INTERNAL_SERVER_ERROR`, except a database that cannot be reached, which is `SERVICE_UNAVAILABLE`
//! (retry shortly; HTTP 503).
//!
//! - `code.rs`: the codes and their HTTP statuses;
//! - `database.rs`: database errors sorted into conflicts, unavailability and internal errors;
//! - `render.rs`: the GraphQL error, the JSON answer, and the labelling of async-graphql's own errors.

mod code;
mod database;
mod render;

use std::time::Duration;

use async_graphql::Value;
use axum::http::StatusCode;
pub use code::Code;
pub use render::label_engine_error;

/// Everything that can go wrong in a request, by what the client should do about it.
#[derive(Debug, Clone)]
pub enum AppError {
    /// `UNAUTHENTICATED`: no, malformed, expired or revoked token; wrong credentials.
    Unauthenticated(Unauthenticated),
    /// `FORBIDDEN`: the caller's roles may never do this operation.
    Forbidden(&'static str),
    /// `NOT_FOUND`: missing, or outside the caller's scope (the same answer, so scope does not leak).
    NotFound(Missing),
    /// `BAD_USER_INPUT`: validation failed; `field` names the input field.
    BadUserInput {
        /// The input field at fault, as the client spelled it (camelCase, dotted for nested inputs).
        field: String,
        /// What is wrong, in words a user can act on.
        message: String,
    },
    /// `BAD_USER_INPUT` for a request that is not well-formed HTTP or GraphQL-over-HTTP: no field to
    /// name, and a status that says which part of the request is wrong.
    BadRequest {
        /// What is wrong with the request.
        fault: RequestFault,
        /// What is wrong, in words a developer can act on.
        message: String,
    },
    /// `CONFLICT`: version mismatch, duplicate code, already signed, campaign not open.
    Conflict {
        /// What conflicts.
        message: String,
        /// Extra facts for the client, such as `currentVersion` or `existingPledgeId`.
        extensions: Vec<(&'static str, Value)>,
    },
    /// `RATE_LIMITED`: too many attempts; try again after the given number of seconds.
    RateLimited {
        /// Seconds until the next attempt may succeed.
        retry_after_seconds: u64,
        /// What was limited: sign-in attempts or requests.
        what: Limited,
    },
    /// `LIMIT_EXCEEDED`: the request is larger than a limit allows.
    LimitExceeded {
        /// Which limit, as named in `extensions.limit` (`depth`, `complexity`, `batch`, `bodyBytes`, …).
        limit: &'static str,
        /// The limit.
        max: usize,
        /// What the request asked for, when it was measured.
        actual: Option<usize>,
        /// The sentence shown to the client.
        message: String,
    },
    /// `PERSISTED_QUERY_NOT_FOUND`: no operation is registered under the hash the client sent.
    PersistedQueryNotFound,
    /// `PERSISTED_QUERY_REQUIRED`: group leaders may run only registered operations.
    PersistedQueryRequired,
    /// `TIMEOUT`: the request ran longer than the limit and was stopped (its writes rolled back).
    Timeout(Duration),
    /// `SERVICE_UNAVAILABLE`: the database cannot be reached (down, refusing connections, pool timed out).
    /// The client may retry; the detail is logged, never sent.
    Unavailable(String),
    /// `INTERNAL_SERVER_ERROR`: anything else. The detail is logged, never sent.
    Internal(String),
}

/// Why a caller is not authenticated; each reason has one message, wherever it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unauthenticated {
    /// No token at all.
    NoToken,
    /// A token that failed a check (format, signature, expiry, revoked, user inactive).
    InvalidToken,
    /// Unknown user or wrong password: one message for both.
    BadCredentials,
    /// A refresh token that is unknown, used, revoked or expired; or a session that ended meanwhile.
    SessionEnded,
}

impl Unauthenticated {
    fn message(self) -> &'static str {
        match self {
            Self::NoToken => "sign in first: send `Authorization: Bearer <accessToken>`",
            Self::InvalidToken => {
                "the access token is invalid or expired; refresh the session or sign in again"
            }
            Self::BadCredentials => "invalid username or password",
            Self::SessionEnded => "this session has ended; sign in again",
        }
    }
}

/// What kind of object was not found (or is out of scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// A ward.
    Ward,
    /// A residential group.
    Group,
    /// A household.
    Household,
    /// A campaign.
    Campaign,
    /// A pledge.
    Pledge,
    /// A good deed.
    GoodDeed,
    /// A user.
    User,
    /// A monthly incident tally.
    IncidentTally,
    /// A self-management model.
    SelfManagementModel,
    /// An award.
    Award,
    /// A movement event.
    MovementEvent,
    /// A satisfaction survey.
    Survey,
    /// A group's assessment for a movement year.
    GroupAssessment,
    /// An object of any kind, looked up by its id alone (`node`): its kind is not told either.
    Object,
}

impl Missing {
    fn noun(self) -> &'static str {
        match self {
            Self::Ward => "ward",
            Self::Group => "residential group",
            Self::Household => "household",
            Self::Campaign => "campaign",
            Self::Pledge => "pledge",
            Self::GoodDeed => "good deed",
            Self::User => "user",
            Self::IncidentTally => "incident tally",
            Self::SelfManagementModel => "self-management model",
            Self::Award => "award",
            Self::MovementEvent => "movement event",
            Self::Survey => "satisfaction survey",
            Self::GroupAssessment => "group assessment",
            Self::Object => "object",
        }
    }

    /// The input field that names such an object in a pledge or good-deed input.
    fn id_field(self) -> &'static str {
        match self {
            Self::Household => "householdId",
            Self::Campaign => "campaignId",
            Self::Group => "groupId",
            Self::Survey => "surveyId",
            _ => "id",
        }
    }
}

/// What part of an HTTP request is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestFault {
    /// The body or the URL does not hold a GraphQL request (400).
    Malformed,
    /// A mutation sent with GET (405).
    MethodNotAllowed,
    /// A body that is not `application/json` in UTF-8 (415).
    UnsupportedMediaType,
    /// An `Accept` header that allows no type we answer with (406).
    NotAcceptable,
}

/// What a rate limit counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    /// Sign-in attempts.
    Attempts,
    /// Requests of an address or a token.
    Requests,
}

impl AppError {
    /// A validation failure of `field`.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput { field: field.into(), message: message.into() }
    }

    /// A request that is not well-formed.
    pub fn bad_request(fault: RequestFault, message: impl Into<String>) -> Self {
        Self::BadRequest { fault, message: message.into() }
    }

    /// A conflict without extra extensions.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict { message: message.into(), extensions: Vec::new() }
    }

    /// An internal failure; `detail` goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::Internal(detail.to_string())
    }

    /// The stable `extensions.code` of this error.
    pub fn code(&self) -> Code {
        match self {
            Self::Unauthenticated(_) => Code::Unauthenticated,
            Self::Forbidden(_) => Code::Forbidden,
            Self::NotFound(_) => Code::NotFound,
            Self::BadUserInput { .. } | Self::BadRequest { .. } => Code::BadUserInput,
            Self::Conflict { .. } => Code::Conflict,
            Self::RateLimited { .. } => Code::RateLimited,
            Self::LimitExceeded { .. } => Code::LimitExceeded,
            Self::PersistedQueryNotFound => Code::PersistedQueryNotFound,
            Self::PersistedQueryRequired => Code::PersistedQueryRequired,
            Self::Timeout(_) => Code::Timeout,
            Self::Unavailable(_) => Code::ServiceUnavailable,
            Self::Internal(_) => Code::InternalServerError,
        }
    }

    /// The HTTP status of an answer that is this error alone.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { fault, .. } => match fault {
                RequestFault::Malformed => StatusCode::BAD_REQUEST,
                RequestFault::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
                RequestFault::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                RequestFault::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            },
            Self::LimitExceeded { limit: "bodyBytes", .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => self.code().status(),
        }
    }

    /// The message the client sees.
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(reason) => reason.message().to_owned(),
            Self::Forbidden(m) => (*m).to_owned(),
            Self::NotFound(what) => format!("{} not found", what.noun()),
            Self::BadUserInput { message, .. }
            | Self::BadRequest { message, .. }
            | Self::Conflict { message, .. }
            | Self::LimitExceeded { message, .. } => message.clone(),
            Self::RateLimited { retry_after_seconds, what: Limited::Attempts } => {
                format!("too many attempts; try again in {retry_after_seconds} seconds")
            }
            Self::RateLimited { retry_after_seconds, what: Limited::Requests } => {
                format!("too many requests; try again in {retry_after_seconds} s")
            }
            // Apollo's clients and servers recognise a miss by this exact message as well as by the code.
            Self::PersistedQueryNotFound => "PersistedQueryNotFound".to_owned(),
            Self::PersistedQueryRequired => {
                "group leaders may run only the app's registered operations: send extensions.persistedQuery"
                    .to_owned()
            }
            Self::Timeout(limit) => {
                // Whole seconds in the settings; finer limits (tests) are shown in milliseconds.
                let limit = if limit.subsec_nanos() == 0 {
                    format!("{} s", limit.as_secs())
                } else {
                    format!("{} ms", limit.as_millis())
                };
                format!("the request took longer than {limit} and was stopped")
            }
            Self::Unavailable(_) => "the database is not reachable; try again shortly".to_owned(),
            Self::Internal(_) => "internal server error".to_owned(),
        }
    }

    /// The input field at fault, for a per-item result of a batch: the field of a validation failure or
    /// a conflict, or the id field of what was not found.
    pub fn item_field(&self) -> Option<String> {
        match self {
            Self::BadUserInput { field, .. } => Some(field.clone()),
            Self::Conflict { .. } => self.extension_text("field"),
            Self::NotFound(what) => Some(what.id_field().to_owned()),
            _ => None,
        }
    }

    /// A text extension of a conflict, such as `existingPledgeId`.
    pub fn extension_text(&self, key: &str) -> Option<String> {
        let Self::Conflict { extensions, .. } = self else { return None };
        extensions.iter().find(|(k, _)| *k == key).and_then(|(_, v)| match v {
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
    }
}

/// The result type of services.
pub type AppResult<T> = Result<T, AppError>;
