//! The answer: its HTTP status, from the error model's codes, and its media type.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::request::MediaType;
use crate::{
    error::{AppError, Code, RequestFault},
    metrics,
};

/// An operation reaches execution only after authentication; kept total so a refactor cannot panic.
pub(super) fn unreachable_without_caller() -> async_graphql::Response {
    let error = AppError::internal("operation ran without a caller").into_server_error();
    async_graphql::Response::from_errors(vec![error])
}

/// The code of a response that is a request error (no data, errors without a path), if it is one.
fn request_error_code(response: &async_graphql::Response) -> Option<Code> {
    if !matches!(response.data, async_graphql::Value::Null) || response.errors.is_empty() {
        return None;
    }
    if response.errors.iter().any(|e| !e.path.is_empty()) {
        return None;
    }
    Some(Code::of(&response.errors[0]).unwrap_or(Code::BadUserInput))
}

/// No data and only errors of `code`: the request was answered with nothing for one reason, which
/// `application/graphql-response+json` reports with that code's status even though the errors sit on
/// the fields: `UNAUTHENTICATED` because of the token (so that `login` and `refreshSession` still run
/// with a stale one), `RATE_LIMITED` for a throttled `login`.
fn only(response: &async_graphql::Response, code: Code) -> bool {
    matches!(response.data, async_graphql::Value::Null)
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| Code::of(error) == Some(code))
}

/// The `retryAfterSeconds` of the first error that has one.
fn retry_after(response: &async_graphql::Response) -> Option<u64> {
    response.errors.iter().find_map(|error| match error.extensions.as_ref()?.get("retryAfterSeconds")? {
        async_graphql::Value::Number(seconds) => seconds.as_u64(),
        _ => None,
    })
}

fn status_of(response: &async_graphql::Response, media: MediaType) -> StatusCode {
    // Nothing answered because the database is away (even from inside a resolver, as in `login`):
    // 503 tells proxies and clients to retry, whatever the media type.
    let unavailable = response.errors.iter().any(|e| Code::of(e) == Some(Code::ServiceUnavailable));
    if unavailable && matches!(response.data, async_graphql::Value::Null) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    if media == MediaType::GraphqlResponse {
        for code in [Code::Unauthenticated, Code::RateLimited] {
            if only(response, code) {
                return code.status();
            }
        }
    }
    let Some(code) = request_error_code(response) else { return StatusCode::OK };
    match (code, media) {
        (Code::ServiceUnavailable, _) => StatusCode::SERVICE_UNAVAILABLE,
        (_, MediaType::Json) => StatusCode::OK,
        (code, MediaType::GraphqlResponse) => code.status(),
    }
}

/// An answer as JSON. A request error's has no `data` entry, as the GraphQL-over-HTTP specification
/// says: the request never ran, which `"data": null` (a run whose root field failed) would not tell.
fn to_json(response: &async_graphql::Response) -> serde_json::Result<String> {
    if request_error_code(response).is_none() {
        return serde_json::to_string(response);
    }
    let mut value = serde_json::to_value(response)?;
    if let Some(object) = value.as_object_mut() {
        object.remove("data");
    }
    serde_json::to_string(&value)
}

pub(super) fn respond(responses: Vec<async_graphql::Response>, batch: bool, media: MediaType) -> Response {
    let retry = if batch { None } else { responses.first().and_then(retry_after) };
    let (status, body) = if batch {
        let status = if responses.iter().any(|r| status_of(r, media) == StatusCode::SERVICE_UNAVAILABLE) {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::OK
        };
        let bodies: serde_json::Result<Vec<String>> = responses.iter().map(to_json).collect();
        (status, bodies.map(|bodies| format!("[{}]", bodies.join(","))))
    } else {
        let response = responses.into_iter().next().unwrap_or_default();
        (status_of(&response, media), to_json(&response))
    };
    let body = match body {
        Ok(body) => body,
        Err(err) => {
            return typed(
                AppError::internal(format!("the answer could not be written: {err}")).into_response(),
                media,
            );
        }
    };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, media.header());
    if status == StatusCode::UNAUTHORIZED {
        // RFC 9110 §15.5.2: a 401 names the scheme to authenticate with.
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if let Some(seconds) = retry.filter(|_| status == StatusCode::TOO_MANY_REQUESTS) {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A kept answer's body, which had no error.
pub(super) fn kept(body: axum::body::Bytes, media: MediaType) -> Response {
    typed((StatusCode::OK, body).into_response(), media)
}

pub(super) fn malformed(message: &str, media: MediaType) -> Response {
    metrics::refused("malformed");
    typed(AppError::bad_request(RequestFault::Malformed, message).into_response(), media)
}

/// Gives an answer built outside execution the media type the client accepted.
pub(super) fn typed(mut response: Response, media: MediaType) -> Response {
    response.headers_mut().insert(header::CONTENT_TYPE, media.header());
    response
}

pub(super) fn not_acceptable() -> Response {
    metrics::refused("not_acceptable");
    AppError::bad_request(
        RequestFault::NotAcceptable,
        "accept `application/graphql-response+json` or `application/json`",
    )
    .into_response()
}
