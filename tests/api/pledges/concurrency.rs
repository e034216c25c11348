//! Phones on a weak network send at once and send again: requests racing for one household must leave
//! exactly one pledge, on SQLite and PostgreSQL alike. The requests run on several worker threads so the
//! server's transactions truly overlap.

use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::{Drive, extensions};
use crate::{
    drive::{DriveRows, record_pledge},
    helpers::backend,
};

/// Sends every input at once as `token`; the bodies come back in input order.
async fn send_at_once(drive: &Drive, token: &str, inputs: Vec<Value>) -> Vec<Value> {
    let mut tasks = JoinSet::new();
    for (index, input) in inputs.into_iter().enumerate() {
        let (app, token) = (drive.app.clone(), token.to_owned());
        tasks.spawn(async move { (index, record_pledge(&app, &token, &input).await) });
    }
    let mut bodies = tasks.join_all().await;
    bodies.sort_by_key(|(index, _)| *index);
    bodies.into_iter().map(|(_, body)| body).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_concurrent_pledges_for_one_household_sign_it_once_and_tell_the_rest_which_pledge_stands()
{
    // Arrange
    let drive = Drive::build().await;
    let household = drive.household("H1").await;
    let inputs: Vec<Value> = (0..32).map(|_| drive.input(&household)).collect();
    let before = DriveRows::take(&drive.app).await;

    // Act
    let bodies = send_at_once(&drive, &drive.leader, inputs.clone()).await;

    // Assert
    let on = backend(&drive.app);
    let signed: Vec<(usize, &Value)> = bodies
        .iter()
        .enumerate()
        .filter(|(_, body)| body.get("errors").is_none())
        .map(|(index, body)| (index, &body["data"]["recordPledge"]))
        .collect();
    assert_eq!(signed.len(), 1, "exactly one request signs on {on}: {bodies:#?}");
    let (winner, pledge) = signed[0];
    assert_eq!(pledge["clientMutationId"], inputs[winner]["clientMutationId"]);
    assert_eq!(pledge["status"], "SIGNED");
    let pledge_id = pledge["id"].as_str().expect("id");
    for (index, body) in bodies.iter().enumerate().filter(|(index, _)| *index != winner) {
        assert_eq!(
            extensions(body),
            &json!({ "code": "CONFLICT", "existingPledgeId": pledge_id, "field": "householdId" }),
            "request {index} on {on}: {body:#}"
        );
        assert!(body["data"].is_null(), "request {index}: {body:#}");
    }
    let after = DriveRows::take(&drive.app).await;
    assert_eq!(after.pledges.len(), 1, "on {on}");
    assert_eq!(
        (after.pledges[0].id.to_string(), after.pledges[0].status.as_str()),
        (pledge_id.to_owned(), "SIGNED")
    );
    assert_eq!(
        after.keys.iter().map(|k| k.id.to_string()).collect::<Vec<_>>(),
        [inputs[winner]["clientMutationId"].as_str().expect("key")],
        "only the winner's idempotency key is kept on {on}"
    );
    let events = after.audit_events_since(&before);
    assert_eq!(
        events.iter().map(|e| (e.action.as_str(), e.target_id)).collect::<Vec<_>>(),
        [("pledge.record", Some(after.pledges[0].id))],
        "on {on}"
    );
    assert_eq!(after.changes_since(&before).len(), 1, "on {on}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_pledge_sent_eight_times_at_once_is_stored_once_and_answered_identically() {
    // Arrange
    let drive = Drive::build().await;
    let input = drive.input(&drive.household("H1").await);
    let before = DriveRows::take(&drive.app).await;

    // Act
    let bodies = send_at_once(&drive, &drive.leader, vec![input.clone(); 8]).await;

    // Assert
    let on = backend(&drive.app);
    assert!(bodies[0].get("errors").is_none(), "on {on}: {:#}", bodies[0]);
    for (index, body) in bodies.iter().enumerate() {
        assert_eq!(body, &bodies[0], "answer {index} on {on}");
    }
    let after = DriveRows::take(&drive.app).await;
    assert_eq!(
        (
            after.pledges.len(),
            after.keys.len(),
            after.audit_events_since(&before).len(),
            after.changes_since(&before).len()
        ),
        (1, 1, 1, 1),
        "(pledges, idempotency keys, audit events, change-log rows) on {on}"
    );
    assert_eq!(bodies[0]["data"]["recordPledge"]["id"], json!(after.pledges[0].id.to_string()));
    assert_eq!(after.keys[0].id.to_string(), input["clientMutationId"].as_str().expect("key"));
}
