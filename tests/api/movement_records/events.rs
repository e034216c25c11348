//! Festival days and forums: `createMovementEvent`, `updateMovementEvent` and `movementEvents`, against
//! every role, with every bad field, stale versions, retries and the movement year's window.

use serde_json::{Value, json};

use super::world::{EVERYONE, Records, Who, Year, assert_one_audit_event, assert_refused, key};
use crate::helpers::unknown_id;

/// Every field of `MovementEvent`.
const EVENT_FIELDS: &str =
    "id ward { id } hostingGroup { id } heldOn year kind title attendance notes version
    clientMutationId recordedBy { userId displayName } createdAt updatedAt";

pub fn create_mutation() -> String {
    format!(
        "mutation($input: CreateMovementEventInput!) {{ createMovementEvent(input: $input) {{ {EVENT_FIELDS} }} }}"
    )
}

fn update_mutation() -> String {
    format!(
        "mutation($id: ID!, $v: Int!, $input: UpdateMovementEventInput!) {{
            updateMovementEvent(id: $id, expectedVersion: $v, input: $input) {{ {EVENT_FIELDS} }} }}"
    )
}

const LIST: &str = "query($ward: ID!, $year: Int, $group: ID, $kind: MovementEventKind) {
    movementEvents(wardId: $ward, year: $year, hostingGroupId: $group, kind: $kind) { totalCount edges { node { title } } }
}";

/// A valid input with a fresh key: the festival of 11 August 2023.
pub fn event_input(ward: &str, group: Option<&str>, title: &str) -> Value {
    json!({
        "clientMutationId": key(), "wardId": ward, "hostingGroupId": group, "heldOn": "2023-08-11",
        "kind": "FESTIVAL", "title": title,
    })
}

/// Records an event as `who`, asserting success, and returns it.
pub async fn recorded(year: &Year, who: Who, input: &Value) -> Value {
    year.ok(who, &create_mutation(), json!({ "input": input })).await["createMovementEvent"].clone()
}

#[tokio::test]
async fn each_role_records_the_events_its_scope_allows_and_reads_them_back_whole() {
    // Arrange
    let year = Year::build().await;
    let (w1, w2) = (year.ward_id.as_str(), year.foreign_ward_id.as_str());
    let (g1, g2, g21) =
        (year.group_id.as_str(), year.other_group_id.as_str(), year.foreign_group_id.as_str());
    let cases: [(Who, &str, Option<&str>, Option<&str>); 11] = [
        (Who::Admin, w2, Some(g21), None),
        (Who::Official, w1, None, None),
        (Who::Official, w1, Some(g2), None),
        (Who::Official, w2, Some(g21), Some("NOT_FOUND")),
        (Who::ForeignOfficial, w1, None, Some("NOT_FOUND")),
        (Who::ForeignOfficial, w1, Some(g1), Some("NOT_FOUND")),
        (Who::Leader, w1, Some(g1), None),
        (Who::Leader, w1, None, Some("FORBIDDEN")),
        (Who::Leader, w1, Some(g2), Some("NOT_FOUND")),
        (Who::OtherLeader, w1, Some(g2), None),
        (Who::OtherLeader, w1, Some(g1), Some("NOT_FOUND")),
    ];
    for (who, ward, group, refusal) in cases {
        let case = format!("{who:?} in {ward} / {group:?}");
        let mut input = event_input(ward, group, "  Ngày hội Toàn dân bảo vệ an ninh Tổ quốc ");
        input["attendance"] = json!(150);
        input["notes"] = json!("Kết hợp diễn đàn\n\"Lắng nghe ý kiến Nhân dân\"");
        let before = Records::take(year.app()).await;

        // Act
        let body = year.send(who, &create_mutation(), json!({ "input": input })).await;

        // Assert
        let after = Records::take(year.app()).await;
        if let Some(code) = refusal {
            assert_refused(&body, code, None, &before, &after, &case);
            continue;
        }
        let mut event = body["data"]["createMovementEvent"].clone();
        let id = event["id"].as_str().unwrap_or_else(|| panic!("{case}: {body:#}")).to_owned();
        let object = event.as_object_mut().expect("an event");
        for server_made in ["id", "createdAt", "updatedAt", "recordedBy"] {
            object.remove(server_made);
        }
        assert_eq!(
            event,
            json!({
                "ward": { "id": ward }, "hostingGroup": group.map(|g| json!({ "id": g })), "heldOn": "2023-08-11",
                "year": 2023, "kind": "FESTIVAL", "title": "Ngày hội Toàn dân bảo vệ an ninh Tổ quốc",
                "attendance": 150, "notes": "Kết hợp diễn đàn\n\"Lắng nghe ý kiến Nhân dân\"", "version": 1,
                "clientMutationId": input["clientMutationId"],
            }),
            "{case}"
        );
        let summary = assert_one_audit_event(&before, &after, who, "movement_event.create", &id, ward);
        assert_eq!(summary["hostingGroupId"], json!(group), "{case}");
    }
}

#[tokio::test]
async fn every_bad_field_is_named_and_retries_answer_the_first_event_or_conflict() {
    // Arrange
    let year = Year::build().await;
    let (w1, g1) = (year.ward_id.as_str(), year.group_id.as_str());
    let cases: [(&str, Value, &str); 9] = [
        ("title", json!(" "), "title"),
        ("title", json!("t".repeat(201)), "title"),
        ("heldOn", json!("11/08/2023"), "heldOn"),
        ("attendance", json!(-1), "attendance"),
        ("attendance", json!(100_001), "attendance"),
        ("notes", json!("n".repeat(2001)), "notes"),
        ("hostingGroupId", json!(year.foreign_group_id), "hostingGroupId"),
        ("wardId", json!("x"), "wardId"),
        ("clientMutationId", json!("x"), "clientMutationId"),
    ];
    for (field, value, named) in cases {
        let mut input = event_input(w1, Some(g1), "Diễn đàn");
        input[field] = value;
        let before = Records::take(year.app()).await;
        let body = year.send(Who::Admin, &create_mutation(), json!({ "input": input })).await;
        assert_refused(
            &body,
            "BAD_USER_INPUT",
            Some(named),
            &before,
            &Records::take(year.app()).await,
            field,
        );
    }

    let input = event_input(w1, Some(g1), "Diễn đàn Lắng nghe ý kiến Nhân dân");
    let first = year.send(Who::Leader, &create_mutation(), json!({ "input": input })).await;
    let before = Records::take(year.app()).await;
    let again = year.send(Who::Leader, &create_mutation(), json!({ "input": input })).await;
    assert_eq!(again, first);
    assert_eq!(before.changed_tables(&Records::take(year.app()).await), Vec::<&str>::new());
    for (field, value) in
        [("title", json!("Khác")), ("kind", json!("FORUM")), ("heldOn", json!("2023-08-12"))]
    {
        let mut changed = input.clone();
        changed[field] = value;
        let before = Records::take(year.app()).await;
        let body = year.send(Who::Leader, &create_mutation(), json!({ "input": changed })).await;
        let after = Records::take(year.app()).await;
        assert_refused(&body, "CONFLICT", Some("clientMutationId"), &before, &after, field);
    }
}

#[tokio::test]
async fn updates_follow_the_same_scope_check_the_version_and_name_each_bad_field() {
    // Arrange: a ward-level event of W1 and one hosted by group 1.
    let year = Year::build().await;
    let ward_level =
        recorded(&year, Who::Official, &event_input(&year.ward_id, None, "Diễn đàn phường")).await;
    let of_g1 =
        recorded(&year, Who::Leader, &event_input(&year.ward_id, Some(&year.group_id), "Ngày hội tổ 1"))
            .await;
    let cases: [(Who, &Value, Option<&str>); 8] = [
        (Who::Leader, &ward_level, Some("FORBIDDEN")),
        (Who::OtherLeader, &of_g1, Some("NOT_FOUND")),
        (Who::ForeignOfficial, &of_g1, Some("NOT_FOUND")),
        (Who::Leader, &of_g1, None),
        (Who::Official, &of_g1, None),
        (Who::Admin, &of_g1, None),
        (Who::Official, &ward_level, None),
        (Who::OtherLeader, &ward_level, Some("FORBIDDEN")),
    ];
    for (who, event, refusal) in cases {
        let id = event["id"].as_str().expect("id");
        let before = Records::take(year.app()).await;
        let current = before.events.iter().find(|e| e.id.to_string() == id).expect("the event").version;
        let changes = json!({ "attendance": 100 + current, "notes": null });

        // Act
        let body =
            year.send(who, &update_mutation(), json!({ "id": id, "v": current, "input": changes })).await;

        // Assert
        let after = Records::take(year.app()).await;
        let case = format!("{who:?} on {}", event["title"]);
        if let Some(code) = refusal {
            assert_refused(&body, code, None, &before, &after, &case);
            continue;
        }
        let updated = &body["data"]["updateMovementEvent"];
        assert_eq!(
            (&updated["attendance"], &updated["version"]),
            (&json!(100 + current), &json!(current + 1)),
            "{case}"
        );
        let summary =
            assert_one_audit_event(&before, &after, who, "movement_event.update", id, &year.ward_id);
        assert_eq!(summary["attendance"]["to"], json!(100 + current), "{case}");
    }

    let id = of_g1["id"].as_str().expect("id");
    for (variables, code, field) in [
        (json!({ "id": id, "v": 1, "input": { "title": "Cũ" } }), "CONFLICT", None),
        (json!({ "id": id, "v": 4, "input": { "title": "" } }), "BAD_USER_INPUT", Some("title")),
        (json!({ "id": id, "v": 4, "input": { "attendance": -5 } }), "BAD_USER_INPUT", Some("attendance")),
        (json!({ "id": id, "v": 4, "input": { "heldOn": "2023-02-29" } }), "BAD_USER_INPUT", Some("heldOn")),
        (json!({ "id": unknown_id(), "v": 1, "input": {} }), "NOT_FOUND", None),
    ] {
        let before = Records::take(year.app()).await;
        let body = year.send(Who::Official, &update_mutation(), variables.clone()).await;
        assert_refused(&body, code, field, &before, &Records::take(year.app()).await, &variables.to_string());
        if code == "CONFLICT" {
            assert_eq!(body["errors"][0]["extensions"]["currentVersion"], json!(4));
        }
    }
}

#[tokio::test]
async fn a_movement_year_runs_from_1_november_to_31_october_and_each_role_lists_its_scope() {
    // Arrange: events on both edges of the 2023 window, one in W2.
    let year = Year::build().await;
    for (title, group, day) in [
        ("2022-10-31", Some(&year.group_id), "2022-10-31"),
        ("2022-11-01", None, "2022-11-01"),
        ("2023-08-11", Some(&year.group_id), "2023-08-11"),
        ("2023-08-11 forum", Some(&year.other_group_id), "2023-08-11"),
        ("2023-10-31", None, "2023-10-31"),
        ("2023-11-01", Some(&year.group_id), "2023-11-01"),
    ] {
        let mut input = event_input(&year.ward_id, group.map(String::as_str), title);
        input["heldOn"] = json!(day);
        recorded(&year, Who::Admin, &input).await;
    }
    recorded(&year, Who::Admin, &event_input(&year.foreign_ward_id, None, "W2")).await;
    let in_2023 = ["2022-11-01", "2023-08-11", "2023-08-11 forum", "2023-10-31"];
    let expected: [(Who, Result<Vec<&str>, &str>); 5] = [
        (Who::Admin, Ok(in_2023.to_vec())),
        (Who::Official, Ok(in_2023.to_vec())),
        (Who::ForeignOfficial, Err("NOT_FOUND")),
        (Who::Leader, Ok(vec!["2022-11-01", "2023-08-11", "2023-10-31"])),
        (Who::OtherLeader, Ok(vec!["2022-11-01", "2023-08-11 forum", "2023-10-31"])),
    ];
    assert_eq!(expected.each_ref().map(|(who, _)| *who), EVERYONE);
    for (who, expected) in expected {
        // Act
        let body = year.send(who, LIST, json!({ "ward": year.ward_id, "year": 2023 })).await;

        // Assert
        match expected {
            Ok(titles) => {
                let edges = body["data"]["movementEvents"]["edges"].as_array().cloned().unwrap_or_default();
                let listed: Vec<&str> = edges.iter().filter_map(|e| e["node"]["title"].as_str()).collect();
                assert_eq!(listed, titles, "{who:?}: {body:#}");
                assert_eq!(body["data"]["movementEvents"]["totalCount"], json!(titles.len()));
            }
            Err(code) => assert_eq!(crate::helpers::error_code(&body), code, "{who:?}"),
        }
    }
    let body =
        year.send(Who::Admin, LIST, json!({ "ward": year.ward_id, "year": 2023, "kind": "FORUM" })).await;
    assert_eq!(body["data"]["movementEvents"]["totalCount"], json!(0));
    let body = year.send(Who::Admin, LIST, json!({ "ward": year.ward_id, "group": year.group_id })).await;
    assert_eq!(body["data"]["movementEvents"]["totalCount"], json!(3));
    let body =
        year.send(Who::Admin, LIST, json!({ "ward": year.ward_id, "group": year.foreign_group_id })).await;
    assert_eq!(crate::helpers::error_field(&body), "hostingGroupId");
}
