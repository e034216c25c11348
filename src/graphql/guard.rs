//! A schema extension that holds every operation, over HTTP and over WebSocket alike, to the request
//! limits and, when the setting is on, holds group leaders to the registered (persisted) operations.
//! The HTTP handler runs the same limit checks earlier, before authentication; subscriptions arrive
//! only through here.

use std::sync::Arc;

use async_graphql::{
    ServerError, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::ExecutableDocument,
};

use super::{RequestContext, limits, persisted::PersistedOperations};
use crate::{graphql::Caller, metrics};

/// The extension's settings.
#[derive(Clone)]
pub struct Guard {
    /// Request limits.
    pub limits: limits::Limits,
    /// The registered operations.
    pub persisted: Arc<PersistedOperations>,
    /// Group leaders may run registered operations only.
    pub leaders_persisted_only: bool,
}

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

/// The error of an unregistered operation sent with a group leader's token.
pub fn persisted_required() -> ServerError {
    let mut error = ServerError::new(
        "group leaders may run only the app's registered operations: send extensions.persistedQuery",
        None,
    );
    error.extensions.get_or_insert_with(Default::default).set("code", "PERSISTED_QUERY_REQUIRED");
    error
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
        if self.leaders_persisted_only
            && let Some(Caller::User(actor)) = ctx.data_opt::<RequestContext>().map(RequestContext::caller)
            && actor.is_group_leader_only()
            && !self.persisted.contains_document(query)
        {
            metrics::refused("persisted_required");
            return Err(persisted_required());
        }
        limits::check_text(query, &self.limits).map_err(|exceeded| limits::error(&exceeded))?;
        let document = next.run(ctx, query, variables).await?;
        limits::check(&document, variables, &self.limits).map_err(|exceeded| limits::error(&exceeded))?;
        Ok(document)
    }
}
