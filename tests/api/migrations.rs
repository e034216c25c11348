//! Migrations go up, down and up again on the backend under test.

use migration::{Migrator, MigratorTrait};

use crate::helpers::TestDatabase;

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let database = TestDatabase::create_empty().await;
    let db = pledge_api::startup::connect(&database.url, 2).await.expect("connect");

    Migrator::up(&db, None).await.expect("first up");
    let applied = Migrator::get_applied_migrations(&db).await.expect("status").len();
    assert_eq!(applied, Migrator::migrations().len());

    Migrator::down(&db, None).await.expect("down");
    assert!(Migrator::get_applied_migrations(&db).await.expect("status").is_empty());

    Migrator::up(&db, None).await.expect("second up");
    assert_eq!(Migrator::get_applied_migrations(&db).await.expect("status").len(), applied);
}

/// The pledge function plans every read by index: a plan made while the idempotency keys' table was
/// empty would otherwise scan that table, growing, for the life of the connection.
#[tokio::test]
async fn the_pledge_function_never_plans_a_sequential_scan() {
    let database = TestDatabase::create_empty().await;
    if !database.is_postgres() {
        return;
    }
    let db = pledge_api::startup::connect(&database.url, 2).await.expect("connect");
    Migrator::up(&db, None).await.expect("up");
    let settings = sea_orm::ConnectionTrait::query_one_raw(
        &db,
        sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT array_to_string(proconfig, ',') AS settings FROM pg_proc WHERE proname = 'record_pledge'",
        ),
    )
    .await
    .expect("query")
    .expect("the function exists");
    assert_eq!(settings.try_get::<String>("", "settings").expect("settings"), "enable_seqscan=off");
}
