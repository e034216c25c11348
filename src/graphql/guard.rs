//! The checks every operation passes before it runs: the request limits, no introspection when it is
//! switched off, no U+0000 in text, and, when the setting is on, group leaders held to the registered
//! (persisted) operations.
//!
//! Over WebSocket they run as a schema extension (operations arrive there through async-graphql's
//! protocol handler). The HTTP handler calls `check_persisted` and `check_document` itself, after its
//! own limit checks, and runs a schema without extensions: async-graphql sends every field of every
//! row through the extension chain as soon as one extension is registered, which costs more than the
//! field itself.

use std::{collections::HashSet, sync::Arc};

use async_graphql::{
    Name, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

use super::{RequestContext, context::CloseReason, limits, persisted::PersistedOperations};
use crate::{
    config::Limits,
    error::{AppError, RequestFault, Unauthenticated},
    graphql::Caller,
    metrics,
};

/// The extension's settings.
#[derive(Clone)]
pub struct Guard {
    /// Request limits.
    pub limits: Limits,
    /// The registered operations.
    pub persisted: Arc<PersistedOperations>,
    /// Group leaders may run registered operations only.
    pub leaders_persisted_only: bool,
    /// `__schema` and `__type` are answered. When off they are refused with an error: async-graphql's
    /// own switch only answers them with `null`, and is set per HTTP request, not for WebSocket ones.
    pub introspection: bool,
}

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

#[async_trait::async_trait]
impl Extension for Guard {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Some(request) = ctx.data_opt::<RequestContext>()
            && let Some(socket) = request.socket()
        {
            // A connection lives longer than its token may: each operation is checked like a request.
            let sessions = request.services().sessions();
            if sessions.authenticate(socket.token()).await.map_err(AppError::into_server_error)?.is_none() {
                // The token was valid when the connection signed in: if it no longer verifies, it expired.
                let expired = sessions.claims(socket.token()).is_none();
                socket.close(if expired { CloseReason::TokenExpired } else { CloseReason::SessionEnded });
                return Err(AppError::Unauthenticated(Unauthenticated::InvalidToken).into_server_error());
            }
        }
        if let Some(request) = ctx.data_opt::<RequestContext>() {
            self.check_persisted(request.caller(), query)?;
        }
        let refused = |error: AppError| error.into_server_error();
        limits::check_text(query, &self.limits).map_err(|exceeded| refused(exceeded.into()))?;
        let document = next.run(ctx, query, variables).await?;
        limits::check(&document, variables, &self.limits).map_err(|exceeded| refused(exceeded.into()))?;
        self.check_document(&document, variables)?;
        Ok(document)
    }
}

/// The variable or argument whose text holds U+0000, which no field accepts and PostgreSQL cannot store.
fn text_with_nul(document: &ExecutableDocument, variables: &Variables) -> Option<String> {
    fn const_has_nul(value: &async_graphql::Value) -> bool {
        match value {
            async_graphql::Value::String(text) => text.contains('\0'),
            async_graphql::Value::List(items) => items.iter().any(const_has_nul),
            async_graphql::Value::Object(fields) => {
                fields.iter().any(|(key, value)| key.contains('\0') || const_has_nul(value))
            }
            _ => false,
        }
    }
    fn has_nul(value: &async_graphql_value::Value) -> bool {
        use async_graphql_value::Value;
        match value {
            Value::String(text) => text.contains('\0'),
            Value::List(items) => items.iter().any(has_nul),
            Value::Object(fields) => fields.values().any(has_nul),
            _ => false,
        }
    }
    fn in_set(set: &SelectionSet) -> Option<String> {
        set.items.iter().find_map(|item| match &item.node {
            Selection::Field(field) => field
                .node
                .arguments
                .iter()
                .find(|(_, value)| has_nul(&value.node))
                .map(|(name, _)| name.node.to_string())
                .or_else(|| in_set(&field.node.selection_set.node)),
            Selection::InlineFragment(inline) => in_set(&inline.node.selection_set.node),
            Selection::FragmentSpread(_) => None,
        })
    }
    if let Some((name, _)) = variables.iter().find(|(_, value)| const_has_nul(value)) {
        return Some(name.to_string());
    }
    document.operations.iter().find_map(|(_, operation)| in_set(&operation.node.selection_set.node)).or_else(
        || document.fragments.values().find_map(|fragment| in_set(&fragment.node.selection_set.node)),
    )
}

impl Guard {
    /// Group leaders held to the registered operations may run only those.
    pub fn check_persisted(&self, caller: &Caller, query: &str) -> ServerResult<()> {
        if self.leaders_persisted_only
            && let Caller::User(actor) = caller
            && actor.is_group_leader_only()
            && !self.persisted.contains_document(query)
        {
            metrics::refused("persisted_required");
            return Err(AppError::PersistedQueryRequired.into_server_error());
        }
        Ok(())
    }

    /// What no parsed operation may hold: text with U+0000, and introspection when it is switched off.
    pub fn check_document(&self, document: &ExecutableDocument, variables: &Variables) -> ServerResult<()> {
        if let Some(name) = text_with_nul(document, variables) {
            metrics::refused("nul_character");
            return Err(AppError::bad_input(name, "text may not contain the NUL character (U+0000)")
                .into_server_error());
        }
        if !self.introspection && introspects(document) {
            metrics::refused("introspection");
            return Err(AppError::bad_request(
                RequestFault::Malformed,
                "introspection is switched off on this server",
            )
            .into_server_error());
        }
        Ok(())
    }
}

/// Whether `document` asks for the schema (`__schema` or `__type`; `__typename` is no introspection).
/// Each fragment is read once; recursion is bounded by the bracket nesting `limits::check_text` allows.
fn introspects(document: &ExecutableDocument) -> bool {
    fn selects(document: &ExecutableDocument, set: &SelectionSet, seen: &mut HashSet<Name>) -> bool {
        set.items.iter().any(|item| match &item.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                name == "__schema"
                    || name == "__type"
                    || selects(document, &field.node.selection_set.node, seen)
            }
            Selection::InlineFragment(inline) => selects(document, &inline.node.selection_set.node, seen),
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                seen.insert(name.clone())
                    && document
                        .fragments
                        .get(name)
                        .is_some_and(|fragment| selects(document, &fragment.node.selection_set.node, seen))
            }
        })
    }
    let mut seen = HashSet::new();
    document
        .operations
        .iter()
        .any(|(_, operation)| selects(document, &operation.node.selection_set.node, &mut seen))
}
