//! The integration suite: one binary, a file per feature. `TEST_DATABASE_URL` picks the backend
//! (default SQLite in memory; for PostgreSQL every test gets a fresh database, dropped afterwards).

mod drive;
mod helpers;
mod world;

mod architecture;
mod assessments;
mod audit;
mod backward_paging;
mod campaigns;
mod changes;
mod coverage;
mod exports;
mod faults;
mod field_order;
mod good_deeds;
mod hostile;
mod household_pledges;
mod household_search;
mod households;
mod http_surface;
mod incidents;
mod input_errors;
mod limits;
mod migrations;
mod movement_records;
mod movement_year;
mod nested_lists;
mod observability;
mod pagination;
mod permissions;
mod persisted;
mod pledges;
mod rate_limits;
mod relay;
mod round_trips;
mod schema;
mod sessions;
mod stored_enums;
mod subscriptions;
mod surveys;
mod tokens;
mod validators;
mod wards_and_groups;
mod web;
