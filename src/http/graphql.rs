//! `/graphql` over HTTP, after the GraphQL-over-HTTP specification: POST with `application/json`, GET
//! for queries only, `application/graphql-response+json` when the client accepts it (then request errors
//! answer 4xx), batches of a bounded size, and Apollo's `persistedQuery` extension.
//!
//! Everything that can be refused without the database is refused before authentication: media types,
//! malformed bodies, unknown persisted hashes, syntax errors and the structural limits.

use std::{collections::HashMap, sync::Arc, time::Instant};

use async_graphql::{ServerError, Variables};
use axum::{
    body::Bytes,
    extract::{Query, State, rejection::BytesRejection},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde_json::{Map, Value};

use super::{AppState, ClientAddress, authenticate};
use crate::{
    error::{AppError, Code, RequestFault, label_engine_error},
    graphql::{RequestContext, limits, persisted::sha256_hex},
    metrics,
};

/// The media type the client gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    /// `application/graphql-response+json`: request errors answer 4xx.
    GraphqlResponse,
    /// `application/json`: every well-formed request answers 200 (the legacy behaviour clients expect).
    Json,
}

impl MediaType {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }
}

/// Picks the response media type from `Accept`; `None` when the client accepts neither.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let accepted: Vec<String> = accept
        .split(',')
        .filter(|range| !range.split(';').skip(1).any(|p| p.trim().replace(' ', "") == "q=0"))
        .map(|range| range.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .collect();
    if accepted.iter().any(|m| m == "application/graphql-response+json") {
        Some(MediaType::GraphqlResponse)
    } else if accepted.iter().any(|m| matches!(m.as_str(), "application/json" | "application/*" | "*/*")) {
        Some(MediaType::Json)
    } else {
        None
    }
}

/// One operation of the request, before execution.
struct Operation {
    request: async_graphql::Request,
    /// The operation's name for metrics and logs (bounded, see `metrics::operation_label`).
    label: String,
    /// Answered without running (parse error, limit, unknown hash).
    refused: Option<ServerError>,
}

/// Reads one request object (`query`, `operationName`, `variables`, `extensions`).
fn read_params(object: &Map<String, Value>, state: &AppState) -> Result<Operation, String> {
    let text = |key: &str| match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{key}` must be a string")),
    };
    let query = text("query")?;
    let operation_name = text("operationName")?;
    let variables = match object.get("variables") {
        None | Some(Value::Null) => Variables::default(),
        Some(value @ Value::Object(_)) => Variables::from_json(value.clone()),
        Some(_) => return Err("`variables` must be an object".into()),
    };
    let hash = match object.get("extensions") {
        None | Some(Value::Null) => None,
        Some(Value::Object(extensions)) => match extensions.get("persistedQuery") {
            None | Some(Value::Null) => None,
            Some(Value::Object(persisted)) => match persisted.get("sha256Hash") {
                Some(Value::String(hash)) => Some(hash.to_ascii_lowercase()),
                _ => return Err("`extensions.persistedQuery.sha256Hash` must be a string".into()),
            },
            Some(_) => return Err("`extensions.persistedQuery` must be an object".into()),
        },
        Some(_) => return Err("`extensions` must be an object".into()),
    };
    let mut refused = None;
    let query = match (query, hash) {
        (Some(query), Some(hash)) if sha256_hex(&query) != hash => {
            return Err("`extensions.persistedQuery.sha256Hash` is not the SHA-256 of `query`".into());
        }
        (Some(query), _) => query,
        (None, Some(hash)) => match state.graphql.persisted.get(&hash) {
            Some(operation) => operation.document.to_string(),
            None => {
                refused = Some(AppError::PersistedQueryNotFound.into_server_error());
                String::new()
            }
        },
        (None, None) => return Err("the request has no `query`".into()),
    };
    let mut request = async_graphql::Request::new(query).variables(variables);
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    Ok(Operation { request, refused, label: metrics::operation_label(None) })
}

/// Parses and checks an operation, all without the database. A GET may only read.
fn prepare(operation: &mut Operation, state: &AppState, method: &Method) -> Result<(), Box<Response>> {
    if operation.refused.is_some() {
        return Ok(());
    }
    let limits = state.graphql.limits;
    if let Err(exceeded) = limits::check_text(&operation.request.query, &limits) {
        metrics::refused(exceeded.limit);
        operation.refused = Some(AppError::from(exceeded).into_server_error());
        return Ok(());
    }
    let variables = operation.request.variables.clone();
    let operation_name = operation.request.operation_name.clone();
    let document = match operation.request.parsed_query() {
        Ok(document) => document,
        Err(mut error) => {
            label_engine_error(&mut error);
            operation.refused = Some(error);
            return Ok(());
        }
    };
    let named = operation_name.clone().or_else(|| match document.operations.iter().collect::<Vec<_>>()[..] {
        [(Some(name), _)] => Some(name.to_string()),
        _ => None,
    });
    operation.label = metrics::operation_label(named.as_deref());
    let selected = document
        .operations
        .iter()
        .find(|(name, _)| match &operation_name {
            Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
            None => true,
        })
        .map(|(_, selected)| &selected.node);
    if method == Method::GET
        && let Some(selected) = selected
        && selected.ty != async_graphql::parser::types::OperationType::Query
    {
        metrics::refused("mutation_over_get");
        let mut response = AppError::bad_request(
            RequestFault::MethodNotAllowed,
            "only queries may be sent with GET; send mutations with POST",
        )
        .into_response();
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
        return Err(Box::new(response));
    }
    if let Err(exceeded) = limits::check(document, &variables, &limits) {
        metrics::refused(exceeded.limit);
        operation.refused = Some(AppError::from(exceeded).into_server_error());
    } else if let Some(missing) = selected.and_then(|selected| missing_variable(selected, &variables)) {
        operation.refused = Some(missing);
    }
    Ok(())
}

/// The error of a required variable the request does not give: variable coercion fails before
/// execution, so it is a request error (async-graphql would report it at the field, as a field error).
fn missing_variable(
    operation: &async_graphql::parser::types::OperationDefinition,
    variables: &Variables,
) -> Option<ServerError> {
    operation.variable_definitions.iter().find_map(|definition| {
        let definition = &definition.node;
        let given = variables.get(&definition.name.node).is_some_and(|v| *v != async_graphql::Value::Null);
        if given || definition.var_type.node.nullable || definition.default_value.is_some() {
            return None;
        }
        let message = format!(
            "variable `${}` of type `{}` is required and was not given",
            definition.name.node, definition.var_type.node
        );
        let mut error = AppError::bad_input(definition.name.node.as_str(), message).into_server_error();
        error.locations = vec![definition.name.pos];
        Some(error)
    })
}

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
        return Html(super::graphiql_page()).into_response();
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
                let context = RequestContext::new(
                    caller.clone(),
                    state.db.clone(),
                    state.auth.clone(),
                    state.bus.clone(),
                    client.0,
                );
                let mut request = operation.request.data(context);
                if !state.graphql.introspection {
                    request = request.disable_introspection();
                }
                let mut response = state.schema.execute(request).await;
                for error in &mut response.errors {
                    label_engine_error(error);
                }
                response
            }
            (None, None) => unreachable_without_caller(),
        };
        let outcome = response.errors.first().and_then(Code::of).map_or("ok", Code::as_str);
        tracing::Span::current().record("operation", label.as_str());
        let seconds = started.elapsed().as_secs_f64();
        metrics::request(&label, outcome, seconds);
        let duration_ms = (seconds * 1000.0 * 100.0).round() / 100.0;
        tracing::info!(operation = %label, outcome = %outcome, duration_ms, "graphql operation answered");
        responses.push(response);
    }
    respond(responses, batch, media)
}

/// An operation reaches execution only after authentication; kept total so a refactor cannot panic.
fn unreachable_without_caller() -> async_graphql::Response {
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

/// No data and only `UNAUTHENTICATED` errors: the request was answered with nothing because of its token
/// (absent, invalid or expired), which `application/graphql-response+json` reports as 401 even though
/// the errors sit on the fields (so that `login` and `refreshSession` still run with a stale token).
fn unauthenticated(response: &async_graphql::Response) -> bool {
    matches!(response.data, async_graphql::Value::Null)
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| Code::of(error) == Some(Code::Unauthenticated))
}

fn status_of(response: &async_graphql::Response, media: MediaType) -> StatusCode {
    // Nothing answered because the database is away (even from inside a resolver, as in `login`):
    // 503 tells proxies and clients to retry, whatever the media type.
    let unavailable = response.errors.iter().any(|e| Code::of(e) == Some(Code::ServiceUnavailable));
    if unavailable && matches!(response.data, async_graphql::Value::Null) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    if media == MediaType::GraphqlResponse && unauthenticated(response) {
        return StatusCode::UNAUTHORIZED;
    }
    let Some(code) = request_error_code(response) else { return StatusCode::OK };
    match (code, media) {
        (Code::ServiceUnavailable, _) => StatusCode::SERVICE_UNAVAILABLE,
        (_, MediaType::Json) => StatusCode::OK,
        (code, MediaType::GraphqlResponse) => code.status(),
    }
}

fn respond(responses: Vec<async_graphql::Response>, batch: bool, media: MediaType) -> Response {
    let (status, body) = if batch {
        let status = if responses.iter().any(|r| status_of(r, media) == StatusCode::SERVICE_UNAVAILABLE) {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::OK
        };
        (status, serde_json::to_string(&responses))
    } else {
        let response = responses.into_iter().next().unwrap_or_default();
        (status_of(&response, media), serde_json::to_string(&response))
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
    response
}

fn malformed(message: &str, media: MediaType) -> Response {
    metrics::refused("malformed");
    typed(AppError::bad_request(RequestFault::Malformed, message).into_response(), media)
}

/// Gives an answer built outside execution the media type the client accepted.
fn typed(mut response: Response, media: MediaType) -> Response {
    response.headers_mut().insert(header::CONTENT_TYPE, media.header());
    response
}

fn not_acceptable() -> Response {
    metrics::refused("not_acceptable");
    AppError::bad_request(
        RequestFault::NotAcceptable,
        "accept `application/graphql-response+json` or `application/json`",
    )
    .into_response()
}
