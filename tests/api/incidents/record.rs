//! `recordIncidentTally`: a new month is stored at version 1 with its audit event; the same count again
//! changes nothing; a correction needs the current version; a retried `clientMutationId` answers like
//! the first time; every bad field is named; and scope, role by role.

use serde_json::{Value, json};

use super::{Wards, row};
use crate::{
    drive::set_clock,
    helpers::{error_code, unknown_id},
    world::{Rows, assert_refused, assert_unchanged},
};

fn input(ward: &str, month: &str, category: &str, count: i64) -> Value {
    json!({ "wardId": ward, "month": month, "category": category, "count": count })
}

#[tokio::test]
async fn the_police_record_a_month_and_it_is_stored_at_version_1_with_one_audit_event() {
    // Arrange
    let wards = Wards::build().await;
    let before = Rows::take(&wards.app).await;

    // Act
    let body = wards.record(&wards.police, input(&wards.ward_a, "2023-07", "SECURITY_ORDER", 4)).await;

    // Assert
    let after = Rows::take(&wards.app).await;
    let tally = &body["data"]["recordIncidentTally"];
    let id = tally["id"].as_str().unwrap_or_else(|| panic!("{body:#}")).to_owned();
    assert_eq!(
        body,
        json!({ "data": { "recordIncidentTally": {
            "id": id, "month": "2023-07", "category": "SECURITY_ORDER", "count": 4, "version": 1,
            "ward": { "id": wards.ward_a, "name": "Phường Lam Sơn" }
        } } })
    );
    let mut changed = before.changed_tables(&after);
    changed.sort_unstable();
    assert_eq!(changed, ["audit_event", "incident_tally"]);
    let stored: Vec<_> = after
        .tallies
        .iter()
        .map(|t| (t.id.to_string(), t.ward_id.to_string(), t.month.to_string(), t.count, t.version))
        .collect();
    assert_eq!(stored, [(id.clone(), wards.ward_a.clone(), "2023-07-01".to_owned(), 4, 1)]);
    let events = after.audit_events_since(&before);
    assert_eq!(events.len(), 1);
    let event = events[0];
    assert_eq!(
        (event.action.as_str(), event.target_type.as_str(), event.target_id.map(|t| t.to_string())),
        ("incident_tally.record", "incident_tally", Some(id))
    );
    assert_eq!(event.actor_id, Some(after.snapshot.user("police.a").id));
    assert_eq!(event.ward_id.map(|w| w.to_string()), Some(wards.ward_a.clone()), "filed under the ward");
    let summary: Value = serde_json::from_str(&event.summary).expect("JSON summary");
    assert_eq!(
        summary,
        json!({ "month": "2023-07", "category": "SECURITY_ORDER", "count": 4, "version": 1 })
    );
}

#[tokio::test]
async fn setting_the_count_a_month_already_has_changes_nothing_and_needs_no_version() {
    // Arrange
    let wards = Wards::build().await;
    let first = wards.set(&wards.police, &wards.ward_a, "2023-06", "FIRE", 2).await;
    let before = Rows::take(&wards.app).await;

    // Act: the same figure again, by the police and by an official, without `expectedVersion`.
    let again = wards.record(&wards.police, input(&wards.ward_a, "2023-06", "FIRE", 2)).await;
    let by_official = wards.record(&wards.official, input(&wards.ward_a, "2023-06", "FIRE", 2)).await;

    // Assert
    assert_eq!(again["data"]["recordIncidentTally"], first, "{again:#}");
    assert_eq!(by_official["data"]["recordIncidentTally"], first, "{by_official:#}");
    assert_unchanged(&before, &Rows::take(&wards.app).await, "the same count again");
}

#[tokio::test]
async fn a_correction_is_made_only_at_the_current_version_and_bumps_it() {
    // Arrange
    let wards = Wards::build().await;
    let first = wards.set(&wards.police, &wards.ward_a, "2023-05", "TRAFFIC_ACCIDENT", 1).await;
    let before = Rows::take(&wards.app).await;

    // Act
    let without = wards.record(&wards.police, input(&wards.ward_a, "2023-05", "TRAFFIC_ACCIDENT", 2)).await;
    let mut stale = input(&wards.ward_a, "2023-05", "TRAFFIC_ACCIDENT", 2);
    stale["expectedVersion"] = json!(7);
    let stale = wards.record(&wards.police, stale).await;
    let unchanged = Rows::take(&wards.app).await;
    let mut current = input(&wards.ward_a, "2023-05", "TRAFFIC_ACCIDENT", 2);
    current["expectedVersion"] = json!(1);
    let corrected = wards.record(&wards.official, current.clone()).await;
    let replayed_old_version = wards
        .record(&wards.police, {
            let mut old = current;
            old["count"] = json!(3);
            old
        })
        .await;

    // Assert
    for (case, body) in [("without expectedVersion", &without), ("a stale expectedVersion", &stale)] {
        assert_refused(body, "CONFLICT", Some("expectedVersion"), case);
        assert_eq!(body["errors"][0]["extensions"]["currentVersion"], 1, "{case}: {body:#}");
    }
    assert_unchanged(&before, &unchanged, "refused corrections");
    assert_eq!(
        corrected["data"]["recordIncidentTally"],
        json!({ "id": first["id"], "month": "2023-05", "category": "TRAFFIC_ACCIDENT", "count": 2, "version": 2,
                "ward": first["ward"] })
    );
    assert_refused(&replayed_old_version, "CONFLICT", Some("expectedVersion"), "version 1 once more");
    assert_eq!(replayed_old_version["errors"][0]["extensions"]["currentVersion"], 2);
    let after = Rows::take(&wards.app).await;
    assert_eq!(after.tallies.iter().map(|t| (t.count, t.version)).collect::<Vec<_>>(), [(2, 2)]);
    let events = after.audit_events_since(&before);
    assert_eq!(events.len(), 1, "one audit event for the one change");
    assert_eq!(events[0].action, "incident_tally.update");
    assert_eq!(events[0].actor_id, Some(after.snapshot.user("official.a").id));
    let summary: Value = serde_json::from_str(&events[0].summary).expect("JSON summary");
    assert_eq!(
        summary,
        json!({ "month": "2023-05", "category": "TRAFFIC_ACCIDENT", "from": 1, "to": 2, "version": 2 })
    );
}

#[tokio::test]
async fn an_expected_version_for_a_month_without_a_tally_is_a_conflict() {
    // Arrange
    let wards = Wards::build().await;
    let before = Rows::take(&wards.app).await;
    let mut guessed = input(&wards.ward_a, "2023-04", "FIRE", 1);
    guessed["expectedVersion"] = json!(1);

    // Act
    let body = wards.record(&wards.police, guessed).await;

    // Assert
    assert_refused(&body, "CONFLICT", Some("expectedVersion"), "no tally yet");
    assert_eq!(body["errors"][0]["extensions"]["currentVersion"], Value::Null);
    assert_unchanged(&before, &Rows::take(&wards.app).await, "refused");
}

#[tokio::test]
async fn a_retry_with_the_same_client_mutation_id_answers_the_same_and_another_payload_conflicts() {
    // Arrange
    let wards = Wards::build().await;
    let key = unknown_id();
    let mut sent = input(&wards.ward_a, "2023-03", "SECURITY_ORDER", 5);
    sent["clientMutationId"] = json!(key);
    let first = wards.record(&wards.police, sent.clone()).await;
    let after_first = Rows::take(&wards.app).await;

    // Act
    let retried = wards.record(&wards.police, sent.clone()).await;
    let after_retry = Rows::take(&wards.app).await;
    let mut other = sent.clone();
    other["count"] = json!(6);
    let reused = wards.record(&wards.police, other).await;

    // Assert
    assert_eq!(retried, first, "the retry answers like the first time");
    assert_unchanged(&after_first, &after_retry, "the retry");
    let keys: Vec<_> = after_first
        .keys
        .iter()
        .map(|k| (k.id.to_string(), k.kind.as_str(), k.target_id.to_string()))
        .collect();
    let id = first["data"]["recordIncidentTally"]["id"].as_str().expect("id").to_owned();
    assert_eq!(keys, [(key, "incident_tally", id)]);
    assert_refused(&reused, "CONFLICT", Some("clientMutationId"), "the key with another count");
    assert_unchanged(&after_retry, &Rows::take(&wards.app).await, "the reused key");
}

#[tokio::test]
async fn every_bad_field_is_named_and_nothing_is_written() {
    // Arrange: today is 11 August 2023 in Vietnam.
    let wards = Wards::build().await;
    let good = || input(&wards.ward_a, "2023-07", "FIRE", 1);
    let with = |key: &str, value: Value| {
        let mut input = good();
        input[key] = value;
        input
    };
    let cases = [
        ("a malformed month", with("month", json!("2023-7")), "month"),
        ("month 13", with("month", json!("2023-13")), "month"),
        ("a date for a month", with("month", json!("2023-07-01")), "month"),
        ("a month in words", with("month", json!("tháng 7")), "month"),
        ("next month", with("month", json!("2023-09")), "month"),
        ("a count below 0", with("count", json!(-1)), "count"),
        ("a count over 100000", with("count", json!(100_001)), "count"),
        ("version 0", with("expectedVersion", json!(0)), "expectedVersion"),
        ("a malformed ward id", with("wardId", json!("not-an-id")), "wardId"),
        ("a malformed clientMutationId", with("clientMutationId", json!("x")), "clientMutationId"),
    ];
    let before = Rows::take(&wards.app).await;

    for (case, input, field) in cases {
        // Act
        let body = wards.record(&wards.police, input).await;

        // Assert
        assert_refused(&body, "BAD_USER_INPUT", Some(field), case);
    }
    assert_unchanged(&before, &Rows::take(&wards.app).await, "bad input");
    // The bounds themselves are accepted.
    for (month, count) in [("2023-08", 0), ("1990-01", 100_000)] {
        let body = wards.record(&wards.police, input(&wards.ward_a, month, "FIRE", count)).await;
        assert!(body.get("errors").is_none(), "{month}, {count}: {body:#}");
    }
}

#[tokio::test]
async fn a_month_begins_at_midnight_in_vietnam_not_in_utc() {
    // Arrange
    let wards = Wards::build().await;
    let august = || input(&wards.ward_a, "2023-08", "FIRE", 1);

    // Act: 23:30 on 31 July in Vietnam, then 00:30 on 1 August (still 31 July in UTC).
    set_clock(&wards.app, "2023-07-31T16:30:00Z");
    let before_midnight = wards.record(&wards.police, august()).await;
    set_clock(&wards.app, "2023-07-31T17:30:00Z");
    let after_midnight = wards.record(&wards.police, august()).await;

    // Assert
    assert_refused(&before_midnight, "BAD_USER_INPUT", Some("month"), "August before it begins");
    assert_eq!(after_midnight["data"]["recordIncidentTally"]["month"], "2023-08", "{after_midnight:#}");
}

#[tokio::test]
async fn leaders_are_forbidden_and_another_wards_police_or_official_find_nothing() {
    // Arrange
    let wards = Wards::build().await;
    let official_b =
        wards.user("official.b", json!([{ "role": "WARD_OFFICIAL", "wardId": wards.ward_b }])).await;
    // Police of ward B who also lead group 11 of ward A: leading a group gives no say over its ward's figures.
    let both = wards
        .user(
            "police.leader",
            json!([
                { "role": "WARD_POLICE", "wardId": wards.ward_b },
                { "role": "GROUP_LEADER", "groupId": wards.group_11 }
            ]),
        )
        .await;
    let a = || input(&wards.ward_a, "2023-07", "FIRE", 1);
    let unknown = input(&unknown_id(), "2023-07", "FIRE", 1);
    let before = Rows::take(&wards.app).await;

    // Act
    let leader = wards.record(&wards.leader, a()).await;
    let police_b = wards.record(&wards.police_b, a()).await;
    let police_b_unknown = wards.record(&wards.police_b, unknown.clone()).await;
    let official_b = wards.record(&official_b, a()).await;
    let both_in_a = wards.record(&both, a()).await;
    let after_refusals = Rows::take(&wards.app).await;
    let both_in_b = wards.record(&both, input(&wards.ward_b, "2023-07", "FIRE", 1)).await;

    // Assert
    assert_refused(&leader, "FORBIDDEN", None, "a group leader");
    for (case, body) in
        [("police of B", &police_b), ("official of B", &official_b), ("police of B leading 11", &both_in_a)]
    {
        assert_refused(body, "NOT_FOUND", None, case);
        assert_eq!(
            body["errors"][0]["message"], police_b_unknown["errors"][0]["message"],
            "{case}: like an unknown ward"
        );
    }
    assert_unchanged(&before, &after_refusals, "refused");
    assert_eq!(both_in_b["data"]["recordIncidentTally"]["count"], 1, "{both_in_b:#}");
    let compared = wards.compare(&both, &wards.ward_a, "2023-07", "2023-07").await;
    assert_eq!(
        row(&compared, "FIRE")["count"],
        0,
        "as a leader of 11 they read ward A's comparison: {compared:#}"
    );
    assert_eq!(
        error_code(&wards.compare(&wards.leader, &wards.ward_b, "2023-07", "2023-07").await),
        "NOT_FOUND"
    );
}
