//! `AppError` as the client sees it: a GraphQL error with `extensions.code` and its further extensions,
//! or a whole HTTP answer in the same shape (`{"errors": [{"message", "extensions"}]}`) with the status
//! the error knows. async-graphql's own errors (syntax, validation, input coercion) get their code here
//! too.

use async_graphql::{ErrorExtensionValues, ServerError};
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{AppError, Code};

impl AppError {
    fn extensions(&self) -> ErrorExtensionValues {
        let mut extensions = ErrorExtensionValues::default();
        extensions.set("code", self.code().as_str());
        match self {
            AppError::BadUserInput { field, .. } => extensions.set("field", field.as_str()),
            AppError::Conflict { extensions: extra, .. } => {
                for (key, value) in extra {
                    extensions.set(*key, value.clone());
                }
            }
            AppError::RateLimited { retry_after_seconds, .. } => {
                extensions.set("retryAfterSeconds", *retry_after_seconds)
            }
            AppError::LimitExceeded { limit, max, actual, .. } => {
                extensions.set("limit", *limit);
                extensions.set("max", *max as u64);
                if let Some(actual) = actual {
                    extensions.set("actual", *actual as u64);
                }
            }
            _ => {}
        }
        extensions
    }

    /// Logs what the client is not told: the detail of an internal error or of an unreachable database.
    pub fn log(&self) {
        match self {
            AppError::Internal(detail) => tracing::error!(error = %detail, "internal error"),
            AppError::Unavailable(detail) => tracing::warn!(error = %detail, "database unavailable"),
            _ => {}
        }
    }

    /// The error as a request-level GraphQL error (no path): a refusal before execution.
    pub fn into_server_error(self) -> ServerError {
        let error = async_graphql::Error::from(self);
        let mut server_error = ServerError::new(error.message, None);
        server_error.extensions = error.extensions;
        server_error
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.log();
        async_graphql::Error { message: err.message(), source: None, extensions: Some(err.extensions()) }
    }
}

impl IntoResponse for AppError {
    /// An answer of this error alone, in `application/json`, with its status; `Retry-After` when
    /// rate limited and the authentication scheme on a 401.
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = match &self {
            AppError::RateLimited { retry_after_seconds, .. } => Some(*retry_after_seconds),
            _ => None,
        };
        let error = self.into_server_error();
        let body = serde_json::json!({ "errors": [error] }).to_string();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            // RFC 9110 §15.5.2: a 401 names the scheme to authenticate with.
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Errors async-graphql raises itself (syntax, unknown fields, wrong or missing input values) carry no
/// code; every error must. They are all the client's to fix: `BAD_USER_INPUT`, naming the argument
/// when async-graphql's message does (it gives no structured field).
pub fn label_engine_error(error: &mut ServerError) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_some() {
        return;
    }
    extensions.set("code", Code::BadUserInput.as_str());
    let argument = error
        .message
        .split_once("argument \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(name, _)| name.to_owned());
    if let Some(argument) = argument {
        extensions.set("field", argument);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::error::{Limited, RequestFault};

    #[test]
    fn every_code_parses_back_from_its_text() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
        }
        assert_eq!(Code::parse("NOT_A_CODE"), None);
    }

    #[tokio::test]
    async fn an_answer_carries_the_status_the_error_knows_and_the_code_in_its_body() {
        let cases = [
            (AppError::bad_request(RequestFault::UnsupportedMediaType, "json"), 415, "BAD_USER_INPUT"),
            (AppError::bad_request(RequestFault::NotAcceptable, "accept"), 406, "BAD_USER_INPUT"),
            (AppError::Timeout(Duration::from_millis(250)), 504, "TIMEOUT"),
            (
                AppError::LimitExceeded { limit: "bodyBytes", max: 10, actual: None, message: "big".into() },
                413,
                "LIMIT_EXCEEDED",
            ),
            (
                AppError::LimitExceeded { limit: "batch", max: 10, actual: Some(11), message: "many".into() },
                400,
                "LIMIT_EXCEEDED",
            ),
            (AppError::RateLimited { retry_after_seconds: 3, what: Limited::Requests }, 429, "RATE_LIMITED"),
            (AppError::PersistedQueryNotFound, 404, "PERSISTED_QUERY_NOT_FOUND"),
        ];
        for (error, status, code) in cases {
            let message = error.message();
            let response = error.into_response();
            assert_eq!(response.status().as_u16(), status, "{code}");
            let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
            assert_eq!(content_type, Some(HeaderValue::from_static("application/json")), "{code}");
            let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.expect("a body");
            let body: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
            assert_eq!(body["errors"][0]["message"], message.as_str(), "{code}");
            assert_eq!(body["errors"][0]["extensions"]["code"], code);
        }
    }
}
