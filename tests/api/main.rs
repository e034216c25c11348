//! The integration suite: one binary, a file per feature. `TEST_DATABASE_URL` picks the backend
//! (default SQLite in memory; for PostgreSQL every test gets a fresh database, dropped afterwards).

mod drive;
mod helpers;

mod audit;
mod campaigns;
mod changes;
mod coverage;
mod exports;
mod good_deeds;
mod household_search;
mod households;
mod input_errors;
mod migrations;
mod nested_lists;
mod pagination;
mod permissions;
mod pledges;
mod schema;
mod sessions;
mod subscriptions;
mod tokens;
mod wards_and_groups;
