//! sea-orm entities: the tables as stored. They are never exposed as GraphQL types; `graphql/` has its own.

pub mod app_user;
pub mod household;
pub mod refresh_token;
pub mod residential_group;
pub mod role_assignment;
pub mod ward;
