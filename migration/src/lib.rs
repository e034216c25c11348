//! Database migrations of pledge-api.
//!
//! Each migration runs on SQLite and PostgreSQL alike and goes down cleanly. A migration that has
//! landed on `main` is never edited: add a new one.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_hierarchy;
mod m20261128_000002_create_users;
mod m20261128_000003_create_pledges;
mod m20261128_000004_create_coverage_counters;
mod m20261205_000005_create_login_failures;
mod m20261205_000006_record_pledge_function;
mod m20261205_000007_record_pledge_index_plans;
mod m20261205_000008_models_awards_events;
mod m20261205_000009_satisfaction_surveys;
mod m20261205_000010_ward_police_and_incidents;
mod m20261205_000011_ward_year_settings_and_assessments;

/// The ordered list of migrations, applied by `pledge-api migrate`, `serve` and the tests.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_hierarchy::Migration),
            Box::new(m20261128_000002_create_users::Migration),
            Box::new(m20261128_000003_create_pledges::Migration),
            Box::new(m20261128_000004_create_coverage_counters::Migration),
            Box::new(m20261205_000005_create_login_failures::Migration),
            Box::new(m20261205_000006_record_pledge_function::Migration),
            Box::new(m20261205_000007_record_pledge_index_plans::Migration),
            Box::new(m20261205_000008_models_awards_events::Migration),
            Box::new(m20261205_000009_satisfaction_surveys::Migration),
            Box::new(m20261205_000010_ward_police_and_incidents::Migration),
            Box::new(m20261205_000011_ward_year_settings_and_assessments::Migration),
        ]
    }
}
