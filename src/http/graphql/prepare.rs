//! Parsing and checking an operation, all without the database: syntax, a mutation sent with GET, the
//! structural limits and required variables left out.

use async_graphql::{ServerError, Variables};
use axum::{
    http::{HeaderValue, Method, header},
    response::{IntoResponse, Response},
};

use super::request::Operation;
use crate::{
    error::{AppError, RequestFault, label_engine_error},
    graphql::limits,
    http::AppState,
    metrics,
};

/// Parses and checks an operation, all without the database. A GET may only read.
pub(super) fn prepare(
    operation: &mut Operation,
    state: &AppState,
    method: &Method,
) -> Result<(), Box<Response>> {
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
    match state.documents.parse(&operation.request.query) {
        Ok(document) => operation.request.set_parsed_query(document),
        Err(mut error) => {
            label_engine_error(&mut error);
            operation.refused = Some(error);
            return Ok(());
        }
    }
    let Ok(document) = operation.request.parsed_query() else { return Ok(()) };
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
