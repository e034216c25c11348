//! What the client sent: the media type it accepts and each request object of the body or URL.

use async_graphql::{ServerError, Variables};
use axum::http::{HeaderMap, HeaderValue, header};
use serde_json::{Map, Value};

use crate::{error::AppError, graphql::persisted::sha256_hex, http::AppState, metrics};

/// The media type the client gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MediaType {
    /// `application/graphql-response+json`: request errors answer 4xx.
    GraphqlResponse,
    /// `application/json`: every well-formed request answers 200 (the legacy behaviour clients expect).
    Json,
}

impl MediaType {
    pub(super) fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }
}

/// Picks the response media type from `Accept`; `None` when the client accepts neither.
pub(super) fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
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
pub(super) struct Operation {
    pub(super) request: async_graphql::Request,
    /// The operation's name for metrics and logs (bounded, see `metrics::operation_label`).
    pub(super) label: String,
    /// Answered without running (parse error, limit, unknown hash).
    pub(super) refused: Option<ServerError>,
    /// The hash the query came with, to remember once the caller may run it (automatic persisted
    /// queries); `None` when it came without one or is registered already.
    pub(super) learn: Option<String>,
}

/// Reads one request object (`query`, `operationName`, `variables`, `extensions`, and `documentId` or
/// `doc_id` for a registered document).
pub(super) fn read_params(object: &Map<String, Value>, state: &AppState) -> Result<Operation, String> {
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
    // Relay's and the GraphQL-over-HTTP draft's name for the id of a registered document.
    let document_id = match (text("documentId")?, text("doc_id")?) {
        (Some(id), _) | (None, Some(id)) => Some(id),
        (None, None) => None,
    };
    let mut refused = None;
    let mut learn = None;
    let registered =
        |id: &str| state.graphql.persisted.get(id).map(|operation| operation.document.to_string());
    let query = match (query, hash, document_id) {
        (Some(query), Some(hash), _) => {
            if sha256_hex(&query) != hash {
                return Err("`extensions.persistedQuery.sha256Hash` is not the SHA-256 of `query`".into());
            }
            if state.graphql.persisted.get(&hash).is_none() {
                learn = Some(hash);
            }
            query
        }
        (Some(query), None, _) => query,
        (None, Some(hash), _) => {
            match registered(&hash).or_else(|| state.automatic.get(&hash).map(|query| query.to_string())) {
                Some(query) => query,
                None => {
                    refused = Some(AppError::PersistedQueryNotFound.into_server_error());
                    String::new()
                }
            }
        }
        (None, None, Some(id)) => match registered(&id) {
            Some(query) => query,
            None => {
                refused = Some(AppError::PersistedQueryNotFound.into_server_error());
                String::new()
            }
        },
        (None, None, None) => return Err("the request has no `query`".into()),
    };
    let mut request = async_graphql::Request::new(query).variables(variables);
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    Ok(Operation { request, refused, learn, label: metrics::operation_label(None) })
}
