//! `assessGroup`: the first decision stored at version 1 with its audit event; the same decision again
//! changing nothing; a change only at the current version, taking the label of its day; the version a
//! first decision takes.

use serde_json::{Value, json};

use super::{Wards, input};
use crate::world::{Rows, assert_refused, assert_unchanged};

/// The one audit event written between `before` and `after`, with its summary.
#[track_caller]
fn one_event(before: &Rows, after: &Rows) -> (String, Option<uuid::Uuid>, Value) {
    let events = after.audit_events_since(before);
    assert_eq!(events.len(), 1, "one audit event: {events:#?}");
    let summary = serde_json::from_str(&events[0].summary).expect("JSON summary");
    (events[0].action.clone(), events[0].actor_id, summary)
}

#[tokio::test]
async fn an_official_assesses_a_group_and_it_is_stored_at_version_1_with_one_audit_event() {
    // Arrange
    let wards = Wards::build().await;
    let before = wards.rows().await;
    let mut first = input(&wards.group_11, " XUAT_SAC ");
    first["note"] = json!("  Không có vụ việc phức tạp;\nhoàn thành 100% ký cam kết.  ");

    // Act
    let body = wards.assess(&wards.official, first).await;

    // Assert
    let id = body["data"]["assessGroup"]["id"].as_str().unwrap_or_else(|| panic!("{body:#}")).to_owned();
    let note = "Không có vụ việc phức tạp;\nhoàn thành 100% ký cam kết.";
    assert_eq!(
        body,
        json!({ "data": { "assessGroup": {
            "id": id, "year": 2023, "level": { "code": "XUAT_SAC", "label": "Xuất sắc" }, "note": note,
            "version": 1, "group": { "id": wards.group_11, "code": "11" }, "ward": { "id": wards.ward_a },
            "decidedBy": { "displayName": "official.a" }
        } } })
    );
    let after = wards.rows().await;
    let mut changed = before.changed_tables(&after);
    changed.sort_unstable();
    assert_eq!(changed, ["audit_event", "group_assessment"]);
    let official = after.snapshot.user("official.a").id;
    let stored: Vec<_> = after
        .assessments
        .iter()
        .map(|a| {
            (
                a.id.to_string(),
                a.ward_id.to_string(),
                a.group_id.to_string(),
                a.year,
                a.level.as_str(),
                a.level_label.as_str(),
                a.note.as_deref(),
                a.version,
                a.decided_by,
            )
        })
        .collect();
    assert_eq!(
        stored,
        [(
            id.clone(),
            wards.ward_a.clone(),
            wards.group_11.clone(),
            2023,
            "XUAT_SAC",
            "Xuất sắc",
            Some(note),
            1,
            Some(official)
        )]
    );
    let (action, actor, summary) = one_event(&before, &after);
    assert_eq!((action.as_str(), actor), ("group_assessment.create", Some(official)));
    let event = after.audit_events_since(&before)[0];
    assert_eq!(event.target_type, "group_assessment");
    assert_eq!(event.target_id.map(|t| t.to_string()), Some(id));
    assert_eq!(event.ward_id.map(|w| w.to_string()), Some(wards.ward_a.clone()), "filed under the ward");
    assert_eq!(
        summary,
        json!({ "groupId": wards.group_11, "year": 2023, "level": "XUAT_SAC", "levelLabel": "Xuất sắc",
                "note": note, "version": 1 })
    );
}

#[tokio::test]
async fn the_same_level_and_note_again_change_nothing_and_need_no_version() {
    // Arrange
    let wards = Wards::build().await;
    let first = wards.assessed(&wards.group_11, 2023, "KHA").await;
    let before = wards.rows().await;

    // Act
    let again = wards.assess(&wards.official, input(&wards.group_11, "KHA")).await;
    let mut stale = input(&wards.group_11, "KHA");
    stale["expectedVersion"] = json!(9);
    stale["note"] = json!("   ");
    let stale = wards.assess(&wards.official, stale).await;

    // Assert
    assert_eq!(again["data"]["assessGroup"], first, "{again:#}");
    assert_eq!(stale["data"]["assessGroup"], first, "an empty note is no note: {stale:#}");
    assert_unchanged(&before, &wards.rows().await, "the same decision again");
}

#[tokio::test]
async fn a_change_is_made_only_at_the_current_version_and_bumps_it() {
    // Arrange
    let wards = Wards::build().await;
    let first = wards.assessed(&wards.group_11, 2023, "KHA").await;
    let before = wards.rows().await;
    let change = |version: Option<i64>| {
        let mut change = input(&wards.group_11, "XUAT_SAC");
        change["note"] = json!("Xét lại sau hội nghị");
        if let Some(version) = version {
            change["expectedVersion"] = json!(version);
        }
        change
    };

    // Act
    let mut refusals = Vec::new();
    for (case, version) in [("missing", None), ("stale", Some(7)), ("zero", Some(0))] {
        refusals.push((case, wards.assess(&wards.official, change(version)).await));
    }
    let refused = wards.rows().await;
    let changed = wards.assess(&wards.official, change(Some(1))).await;
    let old_version_again = wards.assess(&wards.official, {
        let mut old = change(Some(1));
        old["level"] = json!("TRUNG_BINH");
        old
    });
    let old_version_again = old_version_again.await;

    // Assert
    for (case, body) in &refusals {
        assert_refused(body, "CONFLICT", Some("expectedVersion"), case);
        assert_eq!(body["errors"][0]["extensions"]["currentVersion"], 1, "{case}: {body:#}");
    }
    assert_unchanged(&before, &refused, "refused changes");
    assert_eq!(
        changed["data"]["assessGroup"],
        json!({
            "id": first["id"], "year": 2023, "level": { "code": "XUAT_SAC", "label": "Xuất sắc" },
            "note": "Xét lại sau hội nghị", "version": 2, "group": first["group"], "ward": first["ward"],
            "decidedBy": { "displayName": "official.a" }
        })
    );
    assert_refused(&old_version_again, "CONFLICT", Some("expectedVersion"), "version 1 once more");
    assert_eq!(old_version_again["errors"][0]["extensions"]["currentVersion"], 2);
    let after = wards.rows().await;
    assert_eq!(
        after.assessments.iter().map(|a| (a.level.as_str(), a.version)).collect::<Vec<_>>(),
        [("XUAT_SAC", 2)]
    );
    let (action, actor, summary) = one_event(&refused, &after);
    assert_eq!(
        (action.as_str(), actor),
        ("group_assessment.update", Some(after.snapshot.user("official.a").id))
    );
    assert_eq!(
        summary,
        json!({
            "groupId": wards.group_11, "year": 2023,
            "level": { "from": "KHA", "to": "XUAT_SAC" }, "levelLabel": { "from": "Khá", "to": "Xuất sắc" },
            "note": { "from": null, "to": "Xét lại sau hội nghị" }, "version": { "from": 1, "to": 2 }
        })
    );
}

#[tokio::test]
async fn a_first_decision_takes_no_version_or_0_and_a_version_for_none_is_a_conflict() {
    // Arrange
    let wards = Wards::build().await;
    let before = wards.rows().await;
    let mut guessed = input(&wards.group_11, "KHA");
    guessed["expectedVersion"] = json!(3);
    let mut zero = input(&wards.group_11, "KHA");
    zero["expectedVersion"] = json!(0);

    // Act
    let guessed = wards.assess(&wards.official, guessed).await;
    let refused = wards.rows().await;
    let zero = wards.assess(&wards.official, zero).await;

    // Assert
    assert_refused(&guessed, "CONFLICT", Some("expectedVersion"), "a version for a group not assessed");
    assert_eq!(guessed["errors"][0]["extensions"]["currentVersion"], 0, "{guessed:#}");
    assert_unchanged(&before, &refused, "refused");
    assert_eq!(zero["data"]["assessGroup"]["version"], 1, "{zero:#}");
}

#[tokio::test]
async fn the_wards_officials_read_each_decision_and_settings_change_in_the_audit_trail() {
    // Arrange
    let wards = Wards::build().await;
    wards.set(&wards.ward_a, json!({ "expectedVersion": 0, "yearStartMonth": 1 })).await;
    let first = wards.assess(&wards.official, input(&wards.group_11, "KHA")).await;
    let mut change = input(&wards.group_11, "XUAT_SAC");
    change["expectedVersion"] = json!(1);
    wards.assess(&wards.official, change).await;
    wards.assessed(&wards.group_21, 2023, "YEU").await;
    let query = "query($action: String) { auditEvents(filter: { action: $action }) {
        edges { node { action targetType targetId summary } }
    } }";
    let trail = |token: &str, action: &str| {
        let token = token.to_owned();
        let variables = json!({ "action": action });
        let app = &wards.app;
        async move { app.gql_with(Some(&token), query, variables).await }
    };

    // Act
    let decisions = trail(&wards.official, "group_assessment.update").await;
    let settings = trail(&wards.official, "ward_settings.update").await;
    let foreign = trail(&wards.official_b, "group_assessment.create").await;
    let leader = trail(&wards.leader, "group_assessment.create").await;

    // Assert
    let id = &first["data"]["assessGroup"]["id"];
    assert_eq!(
        decisions["data"]["auditEvents"]["edges"],
        json!([{ "node": {
            "action": "group_assessment.update", "targetType": "group_assessment", "targetId": id,
            "summary": {
                "groupId": wards.group_11, "year": 2023, "level": { "from": "KHA", "to": "XUAT_SAC" },
                "levelLabel": { "from": "Khá", "to": "Xuất sắc" }, "version": { "from": 1, "to": 2 }
            }
        } }])
    );
    let settings = &settings["data"]["auditEvents"]["edges"];
    assert_eq!(settings[0]["node"]["targetId"], json!(wards.ward_a), "{settings:#}");
    assert_eq!(settings[0]["node"]["summary"]["after"]["yearStartMonth"], 1, "{settings:#}");
    let foreign_edges = foreign["data"]["auditEvents"]["edges"].as_array().expect("edges").clone();
    assert_eq!(foreign_edges.len(), 1, "official B reads ward B's decision only: {foreign:#}");
    assert_eq!(foreign_edges[0]["node"]["summary"]["groupId"], json!(wards.group_21));
    assert_eq!(leader["errors"][0]["extensions"]["code"], "FORBIDDEN", "{leader:#}");
}
