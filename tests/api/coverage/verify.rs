//! `verify` recomputes every counter from the raw rows: after normal operations it finds nothing; after a
//! counter is corrupted behind the service's back it lists exactly that difference, and with `repair`
//! fixes it and leaves one `coverage.repair` audit event. The command `verify-coverage [--repair]` says
//! the same and exits 1 while counters differ.

use std::{path::PathBuf, process::Command};

use pledge_api::{
    commands::command_services,
    entities::{audit_event, campaign_group_coverage as signed, group_coverage as active},
    service::{coverage::Drift, group::NewGroup, household::NewHousehold, ward::NewWard},
    startup,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Query},
};
use serde_json::json;
use uuid::Uuid;

use super::{Fixture, drifts, group_figures, report, set_status, sign};
use crate::helpers::{TestApp, TestDatabase, test_http_settings, test_settings};

fn id(text: &str) -> Uuid {
    text.parse().expect("a UUID")
}

/// The `coverage.repair` audit events.
async fn repair_events(db: &DatabaseConnection) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("coverage.repair"))
        .all(db)
        .await
        .expect("audit events")
}

/// Adds `delta` to the signed counter of `(campaign, group)` with a raw UPDATE, as a bug or a hand edit would.
async fn corrupt_signed(app: &TestApp, campaign: &str, group: &str, delta: i32) {
    let update = Query::update()
        .table(signed::Entity)
        .value(signed::Column::SignedHouseholds, Expr::col(signed::Column::SignedHouseholds).add(delta))
        .and_where(signed::Column::CampaignId.eq(id(campaign)))
        .and_where(signed::Column::GroupId.eq(id(group)))
        .to_owned();
    let result = app.db.execute(&update).await.expect("raw update");
    assert_eq!(result.rows_affected(), 1, "the counter row exists");
}

fn sorted(mut drifts: Vec<Drift>) -> Vec<Drift> {
    drifts.sort_by_key(|d| (d.counter, d.campaign_id, d.group_id));
    drifts
}

#[tokio::test]
async fn verify_finds_no_drift_after_every_kind_of_change() {
    // Arrange: on top of the drive's creations, pledges, withdrawal and moves, H302 signs again, H204
    // comes back and H101 is dissolved.
    let fixture = Fixture::build().await;
    let (app, households) = (&fixture.app, &fixture.households);
    sign(app, &households["H302"], &fixture.campaign).await;
    set_status(app, &households["H204"], 2, "ACTIVE").await;
    set_status(app, &households["H101"], 1, "DISSOLVED").await;

    // Act
    let drifts = app.services.verify_coverage(false).await.expect("verify runs");

    // Assert
    assert_eq!(drifts, []);
    assert_eq!(report(app, &fixture.campaign, None, None).await["signedHouseholds"], json!(8));
}

#[tokio::test]
async fn verify_lists_exactly_the_corrupted_counters_and_repair_fixes_them_with_one_audit_event() {
    // Arrange: the signed counter of group 1 gains 5, and the active counter row of group 3 disappears.
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let (group_1, group_3) = (&fixture.groups["1"], &fixture.groups["3"]);
    corrupt_signed(app, &fixture.campaign, group_1, 5).await;
    let deleted = active::Entity::delete_by_id(id(group_3)).exec(&app.db).await.expect("raw delete");
    assert_eq!(deleted.rows_affected, 1);
    let expected = vec![
        Drift { counter: "active", campaign_id: None, group_id: id(group_3), stored: 0, actual: 2 },
        Drift {
            counter: "signed",
            campaign_id: Some(id(&fixture.campaign)),
            group_id: id(group_1),
            stored: 8,
            actual: 3,
        },
    ];
    assert_eq!(group_figures(app, &fixture.campaign, group_1).await, (3, 8), "the report reads the counters");

    // Act
    let listed = sorted(app.services.verify_coverage(false).await.expect("verify runs"));

    // Assert: listing alone changes nothing.
    assert_eq!(listed, expected);
    assert_eq!(sorted(drifts(app).await), expected, "still there after a listing");
    assert_eq!(repair_events(&app.db).await, []);

    // Act
    let repaired = sorted(app.services.verify_coverage(true).await.expect("verify repairs"));

    // Assert
    assert_eq!(repaired, expected);
    assert_eq!(drifts(app).await, []);
    assert_eq!(group_figures(app, &fixture.campaign, group_1).await, (3, 3));
    assert_eq!(group_figures(app, &fixture.campaign, group_3).await, (2, 1));
    let totals = report(app, &fixture.campaign, None, None).await;
    assert_eq!(
        [&totals["totalHouseholds"], &totals["signedHouseholds"], &totals["groupsFullyCovered"]],
        [&json!(11), &json!(7), &json!(2)]
    );
    let events = repair_events(&app.db).await;
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!((event.target_type.as_str(), event.actor_id, event.target_id), ("coverage", None, None));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&event.summary).expect("JSON"),
        json!({ "repaired": 2 })
    );

    // Act: nothing left to repair.
    let again = app.services.verify_coverage(true).await.expect("verify runs");

    // Assert
    assert_eq!(again, []);
    assert_eq!(repair_events(&app.db).await.len(), 1, "no event when nothing was repaired");
}

/// A database the command line can open too: a PostgreSQL test database, or an SQLite file.
struct SharedDatabase {
    url: String,
    _postgres: Option<TestDatabase>,
    sqlite_file: Option<PathBuf>,
}

impl SharedDatabase {
    async fn create() -> Self {
        let postgres = TestDatabase::create().await;
        if postgres.is_postgres() {
            return Self { url: postgres.url.clone(), _postgres: Some(postgres), sqlite_file: None };
        }
        let file =
            std::env::temp_dir().join(format!("pledge-verify-coverage-{}.db", Uuid::now_v7().simple()));
        Self {
            url: format!("sqlite://{}?mode=rwc", file.display()),
            _postgres: None,
            sqlite_file: Some(file),
        }
    }
}

impl Drop for SharedDatabase {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
}

/// Runs `pledge-api verify-coverage` with `args` on `url`: (exit code, standard output, standard error).
fn verify_coverage(url: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_pledge-api"))
        .arg("verify-coverage")
        .args(args)
        .env("DATABASE_URL", url)
        .env("PLEDGE_ENV", "development")
        .env("RUST_LOG", "error")
        // Away from any .env file of the work tree.
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run pledge-api");
    (
        output.status.code(),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

#[tokio::test]
async fn the_verify_coverage_command_lists_a_drift_exits_1_and_repairs_it_with_repair() {
    // Arrange: one group with two active households, whose counter says 4.
    let database = SharedDatabase::create().await;
    let db = startup::connect(&database.url, 2).await.expect("connect");
    startup::migrate(&db).await.expect("migrate");
    let settings = test_settings(&database.url, 2, test_http_settings());
    let system = command_services(&settings, db.clone()).system();
    let ward = system
        .wards()
        .create(NewWard {
            code: "W1".into(), name: "Phường Lam Sơn".into(), province: "Thanh Hóa".into()
        })
        .await
        .expect("ward");
    let group = system
        .groups()
        .create(NewGroup { ward_id: ward.id, code: "1".into(), name: "Tổ dân phố 1".into() })
        .await
        .expect("group");
    for code in ["H1", "H2"] {
        let household = NewHousehold {
            group_id: group.id,
            code: code.into(),
            head_name: "Nguyễn Văn An".into(),
            address: format!("Số {code} Lê Hoàn"),
            member_count: 4,
            phone: None,
        };
        system.households().create(household).await.expect("household");
    }
    let update = Query::update()
        .table(active::Entity)
        .value(active::Column::ActiveHouseholds, 4)
        .and_where(active::Column::GroupId.eq(group.id))
        .to_owned();
    db.execute(&update).await.expect("raw update");
    let drift_line = format!("active counter of group {}: stored 4, actual 2\n", group.id);

    // Act
    let listed = verify_coverage(&database.url, &[]);

    // Assert
    assert_eq!(
        listed,
        (
            Some(1),
            drift_line.clone(),
            "pledge-api: 1 coverage counters differ; run verify-coverage --repair to fix them\n".to_owned()
        )
    );

    // Act
    let repaired = verify_coverage(&database.url, &["--repair"]);

    // Assert
    assert_eq!(repaired, (Some(0), format!("{drift_line}repaired 1 coverage counters\n"), String::new()));
    let counter = active::Entity::find_by_id(group.id).one(&db).await.expect("read").expect("a counter");
    assert_eq!(counter.active_households, 2);
    assert_eq!(repair_events(&db).await.len(), 1);

    // Act
    let clean = verify_coverage(&database.url, &[]);

    // Assert
    assert_eq!(
        clean,
        (Some(0), "coverage counters match the households and pledges\n".to_owned(), String::new())
    );
    db.close().await.expect("close");
}
