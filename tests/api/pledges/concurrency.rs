//! Phones on a weak network send at once and send again: requests racing for one household must leave
//! exactly one pledge, on SQLite and PostgreSQL alike. The requests run on several worker threads so the
//! server's transactions truly overlap.

use pledge_api::domain::campaign::PledgeStatus;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::{Drive, extensions};
use crate::{
    coverage::{drifts, group_figures},
    drive::{pledge_input, record_pledge},
    helpers::{backend, unknown_id},
    world::Rows,
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
    let before = Rows::take(&drive.app).await;

    // Act
    let bodies = send_at_once(&drive, &drive.leader_token, inputs.clone()).await;

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
    let after = Rows::take(&drive.app).await;
    assert_eq!(after.pledges.len(), 1, "on {on}");
    assert_eq!(
        (after.pledges[0].id.to_string(), after.pledges[0].status),
        (pledge_id.to_owned(), PledgeStatus::Signed)
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
    // Arrange: eight households, each pledge sent eight times, all 64 requests at once, so the copies
    // of one pledge overlap in every order the server may interleave them.
    let drive = Drive::build().await;
    let mut pledges = Vec::new();
    for n in 1..=8 {
        pledges.push(drive.input(&drive.household(&format!("H{n}")).await));
    }
    let copies: Vec<Value> = pledges.iter().flat_map(|input| vec![input.clone(); 8]).collect();
    let before = Rows::take(&drive.app).await;

    // Act
    let bodies = send_at_once(&drive, &drive.leader_token, copies).await;

    // Assert
    let on = backend(&drive.app);
    let after = Rows::take(&drive.app).await;
    for (input, answers) in pledges.iter().zip(bodies.chunks(8)) {
        let pledge = &answers[0]["data"]["recordPledge"];
        assert_eq!(
            (&pledge["household"]["id"], &pledge["clientMutationId"], &pledge["status"]),
            (&input["householdId"], &input["clientMutationId"], &json!("SIGNED")),
            "on {on}: {:#}",
            answers[0]
        );
        for (copy, body) in answers.iter().enumerate() {
            assert_eq!(body, &answers[0], "copy {copy} of the pledge of {} on {on}", input["householdId"]);
        }
        let key = input["clientMutationId"].as_str().expect("key");
        let stored: Vec<_> =
            after.pledges.iter().filter(|p| p.client_mutation_id.to_string() == key).collect();
        assert_eq!(stored.len(), 1, "on {on}");
        assert_eq!(pledge["id"], json!(stored[0].id.to_string()));
    }
    assert_eq!(
        (
            after.pledges.len(),
            after.keys.len(),
            after.audit_events_since(&before).len(),
            after.changes_since(&before).len()
        ),
        (8, 8, 8, 8),
        "(pledges, idempotency keys, audit events, change-log rows) on {on}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn copies_and_rivals_of_one_households_pledge_sent_at_once_sign_it_once_and_count_it_once() {
    // Arrange: twelve copies of one pledge (a phone retrying) and twelve rivals under keys of their own
    // (other phones), all at once.
    let drive = Drive::build().await;
    let household = drive.household("H1").await;
    let copy = drive.input(&household);
    let inputs: Vec<Value> =
        (0..24).map(|n| if n % 2 == 0 { copy.clone() } else { drive.input(&household) }).collect();
    let before = Rows::take(&drive.app).await;

    // Act
    let bodies = send_at_once(&drive, &drive.leader_token, inputs.clone()).await;

    // Assert: the pledge that stands answers every request under its key; every other is told of it.
    let on = backend(&drive.app);
    let after = Rows::take(&drive.app).await;
    assert_eq!(after.pledges.len(), 1, "on {on}: {bodies:#?}");
    let standing = &after.pledges[0];
    let winner = standing.client_mutation_id.to_string();
    let answer_of_winner = bodies
        .iter()
        .zip(&inputs)
        .find(|(_, input)| input["clientMutationId"] == winner.as_str())
        .map(|(body, _)| body.clone())
        .expect("the winner's answer");
    assert_eq!(answer_of_winner["data"]["recordPledge"]["id"], json!(standing.id.to_string()), "on {on}");
    for (index, (body, input)) in bodies.iter().zip(&inputs).enumerate() {
        if input["clientMutationId"] == winner.as_str() {
            assert_eq!(body, &answer_of_winner, "request {index} on {on}");
        } else {
            assert_eq!(
                extensions(body),
                &json!({ "code": "CONFLICT", "existingPledgeId": standing.id.to_string(), "field": "householdId" }),
                "request {index} on {on}: {body:#}"
            );
        }
    }
    assert_eq!(after.keys.iter().map(|k| k.id.to_string()).collect::<Vec<_>>(), [winner], "on {on}");
    assert_eq!((after.audit_events_since(&before).len(), after.changes_since(&before).len()), (1, 1));
    assert_eq!(group_figures(&drive.app, &drive.campaign_id, &drive.group_id).await, (1, 1), "on {on}");
    assert_eq!(drifts(&drive.app).await, [], "the counters agree with the rows on {on}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_client_mutation_id_sent_at_once_for_eight_households_signs_one_and_refuses_the_others() {
    // Arrange: a phone that reused its key for eight households, all sent at once.
    let drive = Drive::build().await;
    let key = unknown_id();
    let mut inputs = Vec::new();
    for n in 1..=8 {
        inputs.push(pledge_input(&key, &drive.household(&format!("H{n}")).await, &drive.campaign_id));
    }
    let before = Rows::take(&drive.app).await;

    // Act
    let bodies = send_at_once(&drive, &drive.leader_token, inputs.clone()).await;

    // Assert
    let on = backend(&drive.app);
    let after = Rows::take(&drive.app).await;
    assert_eq!(after.pledges.len(), 1, "on {on}: {bodies:#?}");
    let standing = &after.pledges[0];
    for (index, (body, input)) in bodies.iter().zip(&inputs).enumerate() {
        if input["householdId"] == standing.household_id.to_string().as_str() {
            assert_eq!(
                body["data"]["recordPledge"]["id"],
                json!(standing.id.to_string()),
                "on {on}: {body:#}"
            );
        } else {
            assert_eq!(
                (extensions(body), &body["errors"][0]["message"]),
                (
                    &json!({ "code": "CONFLICT", "field": "clientMutationId" }),
                    &json!("this clientMutationId was already used for a different request")
                ),
                "request {index} on {on}: {body:#}"
            );
        }
    }
    assert_eq!(after.keys.iter().map(|k| k.id.to_string()).collect::<Vec<_>>(), [key], "on {on}");
    assert_eq!((after.audit_events_since(&before).len(), after.changes_since(&before).len()), (1, 1));
    assert_eq!(group_figures(&drive.app, &drive.campaign_id, &drive.group_id).await.1, 1, "on {on}");
    assert_eq!(drifts(&drive.app).await, [], "the counters agree with the rows on {on}");
}
