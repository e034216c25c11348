//! `/graphql` over HTTP, after the GraphQL-over-HTTP specification: POST with `application/json`, GET
//! for queries only, `application/graphql-response+json` when the client accepts it (then request errors
//! answer 4xx), batches of a bounded size, and Apollo's `persistedQuery` extension.
//!
//! Everything that can be refused without the database is refused before authentication: media types,
//! malformed bodies, unknown persisted hashes, syntax errors and the structural limits.
//!
//! - `request.rs`: media types and reading the request objects;
//! - `automatic.rs`: queries learned through automatic persisted queries;
//! - `documents.rs`: documents already parsed, by text;
//! - `prepare.rs`: parsing and the limits, before authentication;
//! - `respond.rs`: the status and media type of the answer.

mod automatic;
mod documents;
mod prepare;
mod request;
mod respond;

use std::{collections::HashMap, sync::Arc, time::Instant};

use axum::{
    body::Bytes,
    extract::{Query, State, rejection::BytesRejection},
    http::{HeaderMap, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value};

pub use self::{automatic::AutomaticQueries, documents::Documents};
use self::{
    prepare::prepare,
    request::{MediaType, Operation, negotiate, read_params},
    respond::{kept, malformed, not_acceptable, respond, typed, unreachable_without_caller},
};
use super::{AppState, ClientAddress, authenticate};
use crate::{
    error::{AppError, Code, RequestFault, label_engine_error},
    graphql::{Caller, Plan, RequestContext},
    metrics,
    service::AnswerKey,
};

/// `POST /graphql`.
pub async fn post(
    State(state): State<Arc<AppState>>,
    axum::Extension(client): axum::Extension<ClientAddress>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(media) = negotiate(&headers) else { return not_acceptable() };
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            metrics::refused("bodyBytes");
            let max = state.graphql.max_body_bytes;
            let message = format!("the request body is larger than {max} bytes");
            let error = AppError::LimitExceeded { limit: "bodyBytes", max, actual: None, message };
            return typed(error.into_response(), media);
        }
        Err(_) => return malformed("the request body could not be read", media),
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut parts = content_type.split(';').map(|p| p.trim().to_ascii_lowercase());
    let charset_ok = parts.clone().skip(1).all(|p| !p.starts_with("charset=") || p == "charset=utf-8");
    if parts.next().as_deref() != Some("application/json") || !charset_ok {
        metrics::refused("media_type");
        let error = AppError::bad_request(
            RequestFault::UnsupportedMediaType,
            "send the request as `Content-Type: application/json` (UTF-8)",
        );
        return typed(error.into_response(), media);
    }
    let Ok(text) = std::str::from_utf8(&body) else {
        return malformed("the request body is not valid UTF-8", media);
    };
    let json: Value = match serde_json::from_str(text) {
        Ok(json) => json,
        Err(err) => return malformed(&format!("the request body is not valid JSON ({err})"), media),
    };
    let (objects, batch) = match json {
        Value::Object(object) => (vec![object], false),
        Value::Array(items) => {
            let max = state.graphql.max_batch;
            if items.len() > max {
                metrics::refused("batch");
                let message =
                    format!("a batch may hold at most {max} operations, this one has {}", items.len());
                let error =
                    AppError::LimitExceeded { limit: "batch", max, actual: Some(items.len()), message };
                return typed(error.into_response(), media);
            }
            let objects: Option<Vec<_>> = items
                .into_iter()
                .map(|item| match item {
                    Value::Object(object) => Some(object),
                    _ => None,
                })
                .collect();
            match objects {
                Some(objects) if !objects.is_empty() => (objects, true),
                _ => return malformed("a batch must be a non-empty array of request objects", media),
            }
        }
        _ => return malformed("the request body must be a JSON object", media),
    };
    let mut operations = Vec::with_capacity(objects.len());
    for object in &objects {
        match read_params(object, &state) {
            Ok(operation) => operations.push(operation),
            Err(message) => return malformed(&message, media),
        }
    }
    run(&state, client, &headers, &Method::POST, operations, batch, media).await
}

/// An operation's answer: as executed, or its body as kept from an earlier request.
enum Answer {
    Executed(async_graphql::Response),
    Kept(Bytes),
}

/// Runs one operation as `caller`, after the checks the WebSocket schema runs as extensions; answers its
/// fields in the order they were asked. With `reuse`, a query whose answer may be kept (see
/// `graphql::answerable`) is answered from an earlier identical one while nothing it read has moved.
async fn execute(
    state: &AppState,
    client: ClientAddress,
    caller: &Caller,
    mut request: async_graphql::Request,
    learn: Option<String>,
    reuse: bool,
) -> Answer {
    // The document was parsed (and kept in the request) by `prepare`; the text is needed only here.
    let query = std::mem::take(&mut request.query);
    let variables = std::mem::take(&mut request.variables);
    let operation_name = request.operation_name.clone();
    let checked = state.guard.check_persisted(caller, &query).and_then(|()| {
        let document = request.parsed_query()?;
        state.guard.check_document(document, &variables)?;
        let answerable = reuse && state.answerable.allows(document, operation_name.as_deref());
        Ok((Plan::for_operation(document, &variables, operation_name.as_deref()), answerable))
    });
    let (plan, answerable) = match checked {
        Ok(checked) => checked,
        Err(error) => return Answer::Executed(async_graphql::Response::from_errors(vec![error])),
    };
    if let Some(hash) = learn {
        state.automatic.remember(&hash, &query);
    }
    let key = match caller {
        Caller::User(actor) if answerable => {
            let variables = serde_json::to_string(&variables).unwrap_or_default();
            Some(AnswerKey::new(actor.clone(), query.clone(), operation_name.clone(), variables))
        }
        _ => None,
    };
    if let Some(body) = key.as_ref().and_then(|key| state.services.kept_answer(key)) {
        metrics::kept_answer("reused");
        return Answer::Kept(body);
    }
    if key.is_some() {
        metrics::kept_answer("computed");
    }
    let start = state.services.answer_start();
    request.query = query;
    request.variables = variables;
    let context = RequestContext::new(caller.clone(), state.services.clone(), client.0);
    let reads = context.reads();
    let mut request = request.data(context);
    if !state.graphql.introspection {
        request = request.disable_introspection();
    }
    let mut response = state.schema.execute(request).await;
    for error in &mut response.errors {
        label_engine_error(error);
    }
    if let Some(plan) = plan {
        plan.apply(&mut response.data);
    }
    let Some(key) = key.filter(|_| response.errors.is_empty()) else { return Answer::Executed(response) };
    let Ok(body) = serde_json::to_vec(&response) else { return Answer::Executed(response) };
    let body = Bytes::from(body);
    let reads = std::mem::take(&mut *reads.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
    state.services.keep_answer(key, start, reads, body.clone());
    Answer::Kept(body)
}

/// `GET /graphql`: a query in the URL, or GraphiQL for a browser in development.
pub async fn get(
    State(state): State<Arc<AppState>>,
    axum::Extension(client): axum::Extension<ClientAddress>,
    headers: HeaderMap,
    params: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let negotiated = negotiate(&headers);
    let Ok(Query(params)) = params else {
        return malformed("the URL's query string is not valid", negotiated.unwrap_or(MediaType::Json));
    };
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if params.is_empty() && wants_html && state.graphql.graphiql {
        return super::graphiql::page();
    }
    let Some(media) = negotiated else { return not_acceptable() };
    let mut object = Map::new();
    for key in ["query", "operationName"] {
        if let Some(value) = params.get(key) {
            object.insert(key.into(), Value::String(value.clone()));
        }
    }
    for key in ["variables", "extensions"] {
        if let Some(value) = params.get(key) {
            match serde_json::from_str(value) {
                Ok(value) => object.insert(key.into(), value),
                Err(_) => return malformed(&format!("`{key}` must be JSON"), media),
            };
        }
    }
    let operation = match read_params(&object, &state) {
        Ok(operation) => operation,
        Err(message) => return malformed(&message, media),
    };
    run(&state, client, &headers, &Method::GET, vec![operation], false, media).await
}

async fn run(
    state: &AppState,
    client: ClientAddress,
    headers: &HeaderMap,
    method: &Method,
    mut operations: Vec<Operation>,
    batch: bool,
    media: MediaType,
) -> Response {
    let started = Instant::now();
    for operation in &mut operations {
        if let Err(response) = prepare(operation, state, method) {
            return typed(*response, media);
        }
    }
    let needs_caller = operations.iter().any(|op| op.refused.is_none());
    let caller = if needs_caller { Some(authenticate(state, headers).await) } else { None };
    let mut responses = Vec::with_capacity(operations.len());
    for operation in operations {
        let label = operation.label;
        let response = match (operation.refused, &caller) {
            (Some(error), _) => async_graphql::Response::from_errors(vec![error]),
            (None, Some(Err(err))) => {
                async_graphql::Response::from_errors(vec![err.clone().into_server_error()])
            }
            (None, Some(Ok(caller))) => {
                match execute(state, client, caller, operation.request, operation.learn, !batch).await {
                    Answer::Executed(response) => response,
                    Answer::Kept(body) => {
                        // Only an answer without errors is kept: the status is 200 whatever the media type.
                        answered(&label, "ok", started);
                        return kept(body, media);
                    }
                }
            }
            (None, None) => unreachable_without_caller(),
        };
        let outcome = response.errors.first().and_then(Code::of).map_or("ok", Code::as_str);
        answered(&label, outcome, started);
        responses.push(response);
    }
    respond(responses, batch, media)
}

/// Counts and logs an answered operation.
fn answered(label: &str, outcome: &str, started: Instant) {
    tracing::Span::current().record("operation", label);
    let seconds = started.elapsed().as_secs_f64();
    metrics::request(label, outcome, seconds);
    let duration_ms = (seconds * 1000.0 * 100.0).round() / 100.0;
    tracing::info!(operation = %label, outcome = %outcome, duration_ms, "graphql operation answered");
}
