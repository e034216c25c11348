//! Runs the migrations on their own: `cargo run -p migration -- up|down|status|fresh`.
//! Reads `DATABASE_URL` like the service does.

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(migration::Migrator).await;
}
