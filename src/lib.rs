//! pledge-api: the GraphQL service wards use to run the household safety-pledge drive of the
//! "Toàn dân bảo vệ an ninh Tổ quốc" movement.
//!
//! `main.rs` is a thin CLI over this library; tests drive the same `startup::Application`.

pub mod auth;
pub mod commands;
pub mod config;
pub mod domain;
pub mod entities;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod service;
pub mod startup;

pub use service::{bench_seed, demo};
