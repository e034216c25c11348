//! What one `recordPledge` writes and announces, together: the pledge, its idempotency key, audit event,
//! change-log row and the group's counter in one transaction, the coverage the officials read at once,
//! and one event for a live dashboard; a replay or a refusal writes and announces nothing.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use super::Drive;
use crate::{
    coverage::{drifts, group_figures, report},
    drive::{record_pledge, recorded},
    helpers::backend,
    subscriptions::{WITHIN, next_json, next_row, pledge_until_heard, subscribe},
};

/// The transaction that last wrote each row the pledge `pledge_id` of `drive`'s campaign leaves: the
/// pledge, its idempotency key, its audit event, its change-log row (and the transaction that row
/// names), and its group's counter.
async fn writers(drive: &Drive, pledge_id: &str) -> Vec<(String, String)> {
    let sql = format!(
        "SELECT 'pledge' AS row, xmin::text AS tx FROM pledge WHERE id = '{pledge_id}'
         UNION ALL SELECT 'key', xmin::text FROM client_mutation WHERE target_id = '{pledge_id}'
         UNION ALL SELECT 'audit', xmin::text FROM audit_event WHERE target_id = '{pledge_id}'
         UNION ALL SELECT 'change', xmin::text FROM change_log WHERE entity_id = '{pledge_id}'
         UNION ALL SELECT 'change names', (tx % 4294967296)::text FROM change_log WHERE entity_id = '{pledge_id}'
         UNION ALL SELECT 'counter', xmin::text FROM campaign_group_coverage
             WHERE campaign_id = '{}' AND group_id = '{}'",
        drive.campaign_id, drive.group_id
    );
    let db = &drive.app.db;
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("xmin");
    rows.iter()
        .map(|r| (r.try_get::<String>("", "row").expect("row"), r.try_get::<String>("", "tx").expect("tx")))
        .collect()
}

#[tokio::test]
async fn on_postgresql_a_pledge_its_key_audit_event_change_and_counter_commit_together_and_a_replay_rewrites_none()
 {
    // Arrange
    let drive = Drive::build().await;
    if !drive.app.database.is_postgres() {
        eprintln!("skipped: reads PostgreSQL's row versions (set TEST_DATABASE_URL)");
        return;
    }
    let input = drive.input(&drive.household("H1").await);

    // Act
    let pledge = recorded(&drive.app, &drive.leader_token, &input).await;
    let pledge_id = pledge["id"].as_str().expect("id");
    let written = writers(&drive, pledge_id).await;
    let replay = record_pledge(&drive.app, &drive.leader_token, &input).await;

    // Assert
    let tx = &written[0].1;
    assert_eq!(
        written.iter().map(|(row, tx)| (row.as_str(), tx)).collect::<Vec<_>>(),
        [("pledge", tx), ("key", tx), ("audit", tx), ("change", tx), ("change names", tx), ("counter", tx)],
        "one transaction wrote every row"
    );
    assert_eq!(replay, json!({ "data": { "recordPledge": pledge } }));
    assert_eq!(writers(&drive, pledge_id).await, written, "the replay rewrote no row");
}

#[tokio::test]
async fn a_recorded_pledge_counts_at_once_in_every_report_and_a_replay_or_a_refusal_moves_nothing() {
    // Arrange: the officials' reports were read just before, so shared figures are remembered.
    let drive = Drive::build().await;
    let app = &drive.app;
    let signed = |report: &serde_json::Value| report["signedHouseholds"].as_i64().expect("signed");
    let before = signed(&report(app, &drive.campaign_id, None, None).await);
    let figures_before = group_figures(app, &drive.campaign_id, &drive.group_id).await;
    let input = drive.input(&drive.household("H1").await);

    // Act
    let pledge = recorded(app, &drive.leader_token, &input).await;
    let after_pledge = signed(&report(app, &drive.campaign_id, None, None).await);
    let figures_after_pledge = group_figures(app, &drive.campaign_id, &drive.group_id).await;
    let replay = record_pledge(app, &drive.leader_token, &input).await;
    let refused = record_pledge(app, &drive.official_token, &drive.input(&drive.household_id)).await;

    // Assert
    let on = backend(app);
    assert_eq!((before, after_pledge), (0, 1), "the ward's signed households on {on}");
    assert_eq!((figures_before, figures_after_pledge), ((1, 0), (1, 1)), "group 1 on {on}");
    assert_eq!(replay, json!({ "data": { "recordPledge": pledge } }));
    assert_eq!(refused["errors"][0]["extensions"]["existingPledgeId"], pledge["id"], "{refused:#}");
    assert_eq!(signed(&report(app, &drive.campaign_id, None, None).await), 1, "on {on}");
    assert_eq!(group_figures(app, &drive.campaign_id, &drive.group_id).await, (1, 1), "on {on}");
    assert_eq!(drifts(app).await, [], "the counters agree with the rows on {on}");
}

#[tokio::test]
async fn a_dashboard_hears_a_recorded_pledge_once_and_its_replay_not_at_all() {
    // Arrange: group 1 holds H1 and four more households; the subscription is heard once first, so it
    // is surely registered.
    let drive = Drive::build().await;
    let app = &drive.app;
    let mut others = Vec::new();
    for code in ["H3", "H4", "H5", "H6"] {
        others.push(drive.household(code).await);
    }
    let mut socket =
        subscribe(&app.address, &app.admin_token, &drive.campaign_id, Some(&drive.ward_id)).await;
    let heard = pledge_until_heard(app, &mut socket, &others, &drive.campaign_id, ("1", 5, 0)).await;
    let input = drive.input(&drive.household("H1").await);

    // Act
    recorded(app, &drive.leader_token, &input).await;
    let event = next_json(&mut socket).await;
    let echo = next_json(&mut socket).await;
    record_pledge(app, &drive.leader_token, &input).await;
    let after_replay = next_json(&mut socket).await;

    // Assert
    let on = backend(app);
    assert_eq!(event, Some(next_row("1", 5, heard + 1)), "within {WITHIN:?} on {on}");
    assert_eq!(echo, None, "the pledge is announced once on {on}");
    assert_eq!(after_replay, None, "a replay is not announced on {on}");
}
