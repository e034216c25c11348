//! Who is calling and what they may touch. The actor is built once per request and every service
//! function takes it, so scope is applied where the data is read.

pub mod actor;

pub use actor::{Actor, Role};
