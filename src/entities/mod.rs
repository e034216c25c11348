//! sea-orm entities: the tables as stored. They are never exposed as GraphQL types; `graphql/` has its own.

pub mod household;
pub mod residential_group;
pub mod ward;
