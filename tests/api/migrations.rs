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
