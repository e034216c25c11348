//! Error answers outside GraphQL execution (malformed requests, limits, rate limits, timeouts): the same
//! `{"errors": [{"message", "extensions": {"code", …}}]}` shape clients already read.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

/// `application/json`, the media type of every answer built here.
const JSON: &str = "application/json";

/// An answer of one error with `code` and further `extensions`.
pub fn error(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    extensions: Map<String, Value>,
) -> Response {
    let mut all = Map::new();
    all.insert("code".into(), code.into());
    all.extend(extensions);
    let body = json!({ "errors": [{ "message": message.into(), "extensions": all }] });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    response
}

/// 400 (or another 4xx) `BAD_USER_INPUT` for a request that is not well-formed.
pub fn bad_request(status: StatusCode, message: impl Into<String>) -> Response {
    error(status, "BAD_USER_INPUT", message, Map::new())
}

/// `LIMIT_EXCEEDED` naming the limit, its maximum and what was asked.
pub fn limit_exceeded(
    status: StatusCode,
    limit: &str,
    max: usize,
    actual: Option<usize>,
    message: String,
) -> Response {
    let mut extensions = Map::new();
    extensions.insert("limit".into(), limit.into());
    extensions.insert("max".into(), max.into());
    if let Some(actual) = actual {
        extensions.insert("actual".into(), actual.into());
    }
    error(status, "LIMIT_EXCEEDED", message, extensions)
}

/// 429 `RATE_LIMITED` with `Retry-After` and `extensions.retryAfterSeconds`.
pub fn rate_limited(seconds: u64) -> Response {
    let mut extensions = Map::new();
    extensions.insert("retryAfterSeconds".into(), seconds.into());
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        format!("too many requests; try again in {seconds} s"),
        extensions,
    );
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}
