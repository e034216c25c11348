//! The `extensions.code` values a client can receive, and the HTTP status each one answers with when
//! it is the whole answer. The README's error table lists the same codes.

use axum::http::StatusCode;

/// An `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// No, malformed, expired or revoked token; wrong credentials.
    Unauthenticated,
    /// The caller's roles may never do this.
    Forbidden,
    /// Missing, or outside the caller's scope.
    NotFound,
    /// Validation failed, or the request is not well-formed.
    BadUserInput,
    /// Version mismatch, duplicate, already signed, campaign not open.
    Conflict,
    /// Too many attempts or requests.
    RateLimited,
    /// The request is larger than a limit allows.
    LimitExceeded,
    /// No operation registered under the hash sent.
    PersistedQueryNotFound,
    /// Group leaders may run only registered operations.
    PersistedQueryRequired,
    /// The request ran too long and was stopped.
    Timeout,
    /// The database cannot be reached; retry shortly.
    ServiceUnavailable,
    /// Anything else.
    InternalServerError,
}

impl Code {
    /// Every code, in the README's order.
    pub const ALL: [Code; 12] = [
        Code::Unauthenticated,
        Code::Forbidden,
        Code::NotFound,
        Code::BadUserInput,
        Code::Conflict,
        Code::RateLimited,
        Code::LimitExceeded,
        Code::PersistedQueryNotFound,
        Code::PersistedQueryRequired,
        Code::Timeout,
        Code::ServiceUnavailable,
        Code::InternalServerError,
    ];

    /// The code as clients read it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::LimitExceeded => "LIMIT_EXCEEDED",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::PersistedQueryRequired => "PERSISTED_QUERY_REQUIRED",
            Self::Timeout => "TIMEOUT",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The code named `text`, if it is one of ours.
    pub fn parse(text: &str) -> Option<Code> {
        Self::ALL.into_iter().find(|code| code.as_str() == text)
    }

    /// The code of a rendered GraphQL error, if it carries one of ours.
    pub fn of(error: &async_graphql::ServerError) -> Option<Code> {
        match error.extensions.as_ref().and_then(|e| e.get("code")) {
            Some(async_graphql::Value::String(code)) => Self::parse(code),
            _ => None,
        }
    }

    /// The HTTP status of an answer refused with this code.
    pub fn status(self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::PersistedQueryRequired => StatusCode::FORBIDDEN,
            Self::NotFound | Self::PersistedQueryNotFound => StatusCode::NOT_FOUND,
            Self::BadUserInput | Self::LimitExceeded => StatusCode::BAD_REQUEST,
            Self::Conflict => StatusCode::CONFLICT,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Timeout => StatusCode::GATEWAY_TIMEOUT,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::InternalServerError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
