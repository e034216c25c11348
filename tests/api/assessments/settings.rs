//! `Ward.settings` and `updateWardSettings`: the defaults at version 0; a change stored with one audit
//! event telling before and after; fields left out kept; the same values again changing nothing; stale
//! versions; two first changes at once.

use serde_json::{Value, json};

use super::{Wards, calendar_year, default_scale, with_ward};
use crate::world::{assert_refused, assert_unchanged};

#[tokio::test]
async fn a_ward_that_never_changed_its_settings_reads_the_defaults_at_version_0() {
    // Arrange
    let wards = Wards::build().await;

    // Act
    let mut answers = Vec::new();
    for token in [&wards.app.admin_token, &wards.official, &wards.leader, &wards.police] {
        answers.push(wards.settings(token, &wards.ward_a).await);
    }

    // Assert
    let expected = json!({ "data": { "ward": { "settings": {
        "yearStartMonth": 11, "yearStartDay": 1, "assessmentScale": default_scale(), "version": 0,
        "updatedBy": null, "movementYear": { "year": 2023, "startsOn": "2022-11-01", "endsOn": "2023-10-31" }
    } } } });
    for answer in answers {
        assert_eq!(answer, expected);
    }
}

#[tokio::test]
async fn an_official_changes_the_year_and_the_scale_at_version_0_and_one_audit_event_tells_before_and_after()
{
    // Arrange
    let wards = Wards::build().await;
    let before = wards.rows().await;

    // Act
    let body = wards.update(&wards.official, with_ward(calendar_year(0), &wards.ward_a)).await;

    // Assert
    let scale = json!([{ "code": "DAT", "label": "Đạt" }, { "code": "CHUA_DAT", "label": "Chưa đạt" }]);
    assert_eq!(
        body,
        json!({ "data": { "updateWardSettings": {
            "yearStartMonth": 1, "yearStartDay": 1, "assessmentScale": scale, "version": 1,
            "updatedBy": { "displayName": "official.a" }
        } } })
    );
    let after = wards.rows().await;
    let mut changed = before.changed_tables(&after);
    changed.sort_unstable();
    assert_eq!(changed, ["audit_event", "ward_setting"]);
    let official = after.snapshot.user("official.a").id;
    let stored: Vec<_> = after
        .ward_settings
        .iter()
        .map(|s| (s.ward_id.to_string(), s.year_start_month, s.year_start_day, s.version, s.updated_by))
        .collect();
    assert_eq!(stored, [(wards.ward_a.clone(), 1, 1, 1, Some(official))]);
    let scale_stored: Value =
        serde_json::from_str(after.ward_settings[0].assessment_scale.as_deref().expect("a scale"))
            .expect("JSON");
    assert_eq!(scale_stored, scale);
    let events = after.audit_events_since(&before);
    assert_eq!(events.len(), 1);
    let event = events[0];
    assert_eq!(
        (event.action.as_str(), event.target_type.as_str(), event.actor_id),
        ("ward_settings.update", "ward_settings", Some(official))
    );
    assert_eq!(event.target_id.map(|id| id.to_string()), Some(wards.ward_a.clone()));
    assert_eq!(event.ward_id.map(|id| id.to_string()), Some(wards.ward_a.clone()), "filed under the ward");
    let summary: Value = serde_json::from_str(&event.summary).expect("JSON summary");
    assert_eq!(
        summary,
        json!({
            "before": { "yearStartMonth": 11, "yearStartDay": 1, "assessmentScale": default_scale() },
            "after": { "yearStartMonth": 1, "yearStartDay": 1, "assessmentScale": scale },
            "version": { "from": 0, "to": 1 }
        })
    );
    let read = wards.settings(&wards.police, &wards.ward_a).await;
    assert_eq!(read["data"]["ward"]["settings"]["version"], 1, "{read:#}");
    assert_eq!(
        wards.settings(&wards.official_b, &wards.ward_b).await["data"]["ward"]["settings"]["version"],
        0
    );
}

#[tokio::test]
async fn fields_left_out_keep_their_value_and_the_same_values_again_change_nothing() {
    // Arrange
    let wards = Wards::build().await;
    wards.set(&wards.ward_a, calendar_year(0)).await;

    // Act: only the day; then those very settings again, at the current and at a stale version.
    let day = wards
        .update(&wards.official, json!({ "wardId": wards.ward_a, "expectedVersion": 1, "yearStartDay": 15 }))
        .await;
    let before = wards.rows().await;
    let mut same = with_ward(calendar_year(2), &wards.ward_a);
    same["yearStartDay"] = json!(15);
    let again = wards.update(&wards.official, same.clone()).await;
    same["expectedVersion"] = json!(1);
    let stale_but_same = wards.update(&wards.official, same).await;
    let nothing =
        wards.update(&wards.official, json!({ "wardId": wards.ward_a, "expectedVersion": 2 })).await;

    // Assert
    let settings = &day["data"]["updateWardSettings"];
    assert_eq!(
        (&settings["yearStartMonth"], &settings["yearStartDay"], &settings["version"]),
        (&json!(1), &json!(15), &json!(2)),
        "{day:#}"
    );
    assert_eq!(settings["assessmentScale"], calendar_year(0)["assessmentScale"], "the scale is kept");
    for (case, body) in [("again", &again), ("stale but the same", &stale_but_same), ("nothing", &nothing)] {
        assert_eq!(body["data"]["updateWardSettings"], *settings, "{case}: {body:#}");
    }
    assert_unchanged(&before, &wards.rows().await, "the same values again");
    let on_defaults = wards
        .update(
            &wards.official_b,
            json!({ "wardId": wards.ward_b, "expectedVersion": 0,
        "yearStartMonth": 11, "yearStartDay": 1, "assessmentScale": default_scale() }),
        )
        .await;
    assert_eq!(on_defaults["data"]["updateWardSettings"]["version"], 0, "{on_defaults:#}");
    assert_unchanged(&before, &wards.rows().await, "the defaults again on a ward that has them");
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_with_the_current_version() {
    // Arrange
    let wards = Wards::build().await;
    let before = wards.rows().await;

    // Act
    let ahead = wards.update(&wards.official, with_ward(calendar_year(1), &wards.ward_a)).await;
    let after_ahead = wards.rows().await;
    wards.set(&wards.ward_a, calendar_year(0)).await;
    let set = wards.rows().await;
    let mut other = with_ward(calendar_year(0), &wards.ward_a);
    other["yearStartMonth"] = json!(7);
    let stale = wards.update(&wards.official, other.clone()).await;
    other["expectedVersion"] = json!(1);
    let current = wards.update(&wards.official, other).await;

    // Assert
    assert_refused(&ahead, "CONFLICT", Some("expectedVersion"), "a version ahead of the defaults");
    assert_eq!(ahead["errors"][0]["extensions"]["currentVersion"], 0, "{ahead:#}");
    assert_unchanged(&before, &after_ahead, "refused");
    assert_refused(&stale, "CONFLICT", Some("expectedVersion"), "version 0 after the first change");
    assert_eq!(stale["errors"][0]["extensions"]["currentVersion"], 1, "{stale:#}");
    let after = wards.rows().await;
    assert_eq!(after.audit_events_since(&set).len(), 1, "only the change at the current version");
    assert_eq!(current["data"]["updateWardSettings"]["version"], 2, "{current:#}");
    assert_eq!(after.ward_settings[0].year_start_month, 7);
}

#[tokio::test]
async fn of_two_first_changes_sent_at_once_one_is_stored_and_the_other_is_a_conflict() {
    // Arrange
    let wards = Wards::build().await;
    let january = json!({ "wardId": wards.ward_a, "expectedVersion": 0, "yearStartMonth": 1 });
    let july = json!({ "wardId": wards.ward_a, "expectedVersion": 0, "yearStartMonth": 7 });
    let before = wards.rows().await;

    // Act
    let (first, second) =
        tokio::join!(wards.update(&wards.official, january), wards.update(&wards.app.admin_token, july));

    // Assert
    let answers = [&first, &second];
    let stored: Vec<_> = answers.iter().filter(|b| b.get("errors").is_none()).collect();
    let refused: Vec<_> = answers.iter().filter(|b| b.get("errors").is_some()).collect();
    assert_eq!((stored.len(), refused.len()), (1, 1), "{first:#} {second:#}");
    assert_refused(refused[0], "CONFLICT", Some("expectedVersion"), "the later one");
    assert_eq!(refused[0]["errors"][0]["extensions"]["currentVersion"], 1);
    let after = wards.rows().await;
    let month = stored[0]["data"]["updateWardSettings"]["yearStartMonth"].as_i64().expect("a month");
    assert_eq!(
        after.ward_settings.iter().map(|s| (i64::from(s.year_start_month), s.version)).collect::<Vec<_>>(),
        [(month, 1)]
    );
    assert_eq!(after.audit_events_since(&before).len(), 1);
}
