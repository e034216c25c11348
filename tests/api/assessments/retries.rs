//! Deciding twice: a retried `clientMutationId` answers like the first time and with another decision
//! is a conflict; two first decisions sent at once store one.

use serde_json::{Value, json};

use super::{Wards, input};
use crate::world::{assert_refused, assert_unchanged};

#[tokio::test]
async fn a_retried_client_mutation_id_answers_like_the_first_time_and_with_another_decision_is_a_conflict() {
    // Arrange
    let wards = Wards::build().await;
    let key = uuid::Uuid::now_v7().to_string();
    let mut keyed = input(&wards.group_12, "TRUNG_BINH");
    keyed["clientMutationId"] = json!(key);
    let first = wards.assess(&wards.official, keyed.clone()).await;
    let stored = wards.rows().await;

    // Act
    let retried = wards.assess(&wards.official, keyed.clone()).await;
    let mut other = keyed.clone();
    other["level"] = json!("YEU");
    let reused = wards.assess(&wards.official, other).await;
    let mut elsewhere = keyed.clone();
    elsewhere["groupId"] = json!(wards.group_11);
    let reused_elsewhere = wards.assess(&wards.official, elsewhere).await;

    // Assert
    assert!(first.get("errors").is_none(), "{first:#}");
    assert_eq!(retried, first);
    for (case, body) in [("another level", &reused), ("another group", &reused_elsewhere)] {
        assert_refused(body, "CONFLICT", Some("clientMutationId"), case);
    }
    assert_unchanged(&stored, &wards.rows().await, "retries");
    let keys: Vec<_> = stored.keys.iter().map(|k| (k.id.to_string(), k.kind.as_str())).collect();
    assert_eq!(keys, [(key.clone(), "group_assessment")]);
    let summary: Value =
        serde_json::from_str(&stored.snapshot.audit_events.last().expect("an event").summary)
            .expect("JSON summary");
    assert_eq!(summary["clientMutationId"], json!(key));
}

#[tokio::test]
async fn of_two_first_decisions_sent_at_once_one_is_stored_and_the_other_is_a_conflict() {
    // Arrange
    let wards = Wards::build().await;
    let before = wards.rows().await;

    // Act
    let (first, second) = tokio::join!(
        wards.assess(&wards.official, input(&wards.group_11, "KHA")),
        wards.assess(&wards.app.admin_token, input(&wards.group_11, "YEU"))
    );

    // Assert
    let answers = [&first, &second];
    let stored: Vec<_> = answers.iter().filter(|b| b.get("errors").is_none()).collect();
    let refused: Vec<_> = answers.iter().filter(|b| b.get("errors").is_some()).collect();
    assert_eq!((stored.len(), refused.len()), (1, 1), "{first:#} {second:#}");
    assert_refused(refused[0], "CONFLICT", Some("expectedVersion"), "the later one");
    assert_eq!(refused[0]["errors"][0]["extensions"]["currentVersion"], 1);
    let after = wards.rows().await;
    let level = stored[0]["data"]["assessGroup"]["level"]["code"].as_str().expect("a level");
    assert_eq!(
        after.assessments.iter().map(|a| (a.level.as_str(), a.version)).collect::<Vec<_>>(),
        [(level, 1)]
    );
    assert_eq!(after.audit_events_since(&before).len(), 1);
}
