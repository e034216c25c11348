//! The movement's year beyond pledges: self-management models, awards, and festival days and forums.
//! Each operation against every role in and out of scope, every bad field, stale versions, retries
//! with the same and another payload, and the audit rows left behind. `world` holds what these tests
//! add to the shared world.

mod awards;
mod demo;
mod events;
mod models;
mod nodes;
mod police;
mod storage;
mod world;
