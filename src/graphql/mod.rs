//! The GraphQL schema: roots merged from one module per area, per-request context and dataloaders.
//!
//! Resolvers are thin: they read the actor and the database from the context, call a service and convert
//! the result. No sea-orm query is written here.

pub mod answerable;
mod assessment;
mod award;
mod campaign;
mod connection;
pub mod context;
mod coverage;
mod field_order;
mod good_deed;
mod good_deed_report;
mod group;
pub mod guard;
mod household;
mod incident;
pub mod limits;
mod loaders;
mod movement_event;
mod movement_year;
pub(crate) mod node;
pub mod persisted;
mod pledge;
pub mod scalars;
mod self_management;
mod subscription;
mod survey;
mod sync;
mod user;
mod ward;
mod year_report;

use async_graphql::{MergedObject, SDLExportOptions, Schema, SchemaBuilder};
pub use subscription::SubscriptionRoot;

pub use context::{Caller, RequestContext};
pub use field_order::Plan;

/// Everything a client can read.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    user::UserQuery,
    ward::WardQuery,
    group::GroupQuery,
    household::HouseholdQuery,
    campaign::CampaignQuery,
    good_deed::GoodDeedQuery,
    sync::SyncQuery,
    coverage::CoverageQuery,
    good_deed_report::GoodDeedReportQuery,
    incident::IncidentQuery,
    self_management::SelfManagementQuery,
    award::AwardQuery,
    movement_event::MovementEventQuery,
    survey::SurveyQuery,
    survey::SurveyResultsQuery,
    node::NodeQuery,
    assessment::AssessmentQuery,
    year_report::MovementYearQuery,
);

/// Everything a client can change.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    user::UserMutation,
    ward::WardMutation,
    group::GroupMutation,
    household::HouseholdMutation,
    campaign::CampaignMutation,
    pledge::PledgeMutation,
    good_deed::GoodDeedMutation,
    incident::IncidentMutation,
    self_management::SelfManagementMutation,
    award::AwardMutation,
    movement_event::MovementEventMutation,
    survey::SurveyMutation,
    assessment::AssessmentMutation,
);

/// The schema type served at `/graphql`.
pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema without any data attached: enough to export the SDL; `startup` adds the state.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot)
}

/// The schema served over HTTP: the roots, with "did you mean" hints only when allowed, and no
/// extension (the HTTP handler runs the guard's checks and orders fields itself; see `guard`).
pub fn schema(suggestions: bool) -> AppSchema {
    finish(schema_builder(), suggestions)
}

/// The schema served over WebSocket: the same, with the request guard and the field order as schema
/// extensions, since operations arrive there through async-graphql's protocol handler.
pub fn socket_schema(guard: guard::Guard, suggestions: bool) -> AppSchema {
    finish(schema_builder().extension(guard).extension(field_order::FieldOrder), suggestions)
}

fn finish(builder: SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot>, suggestions: bool) -> AppSchema {
    // async-graphql's own nesting limit (32 by default) set to ours, so a refusal is always LIMIT_EXCEEDED.
    let builder = builder.limit_recursive_depth(limits::MAX_TEXT_NESTING);
    if suggestions { builder.finish() } else { builder.disable_suggestions().finish() }
}

/// The SDL committed at `schema/schema.graphql`, with each custom scalar's `@specifiedBy` URL.
pub fn sdl() -> String {
    schema_builder().finish().sdl_with_options(SDLExportOptions::new().include_specified_by())
}
