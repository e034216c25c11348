//! `createSelfManagementModel`: who may create which model, every field as it reads back, every bad
//! field named, and retries with the same or another payload. `update` covers
//! `updateSelfManagementModel`, `listing` covers `selfManagementModels`.

mod listing;
mod update;

use serde_json::{Value, json};

use super::world::{Records, Who, Year, assert_one_audit_event, assert_refused, key};
use crate::helpers::unknown_id;

/// Every field of `SelfManagementModel`.
pub const MODEL_FIELDS: &str = "id ward { id } group { id } name kind startedOn endedOn status description
    participatingHouseholdCount participatingHouseholds { id code } unitCount version clientMutationId
    recordedBy { userId displayName } createdAt updatedAt";

pub fn create_mutation() -> String {
    format!(
        "mutation($input: CreateSelfManagementModelInput!) {{ createSelfManagementModel(input: $input) {{ {MODEL_FIELDS} }} }}"
    )
}

pub fn update_mutation() -> String {
    format!(
        "mutation($id: ID!, $v: Int!, $input: UpdateSelfManagementModelInput!) {{
            updateSelfManagementModel(id: $id, expectedVersion: $v, input: $input) {{ {MODEL_FIELDS} }} }}"
    )
}

/// A valid input with a fresh key: a public fire point started on 15 January 2023.
pub fn model_input(ward: &str, group: Option<&str>, name: &str) -> Value {
    json!({
        "clientMutationId": key(), "wardId": ward, "groupId": group, "name": name,
        "kind": "PUBLIC_FIRE_POINT", "startedOn": "2023-01-15",
    })
}

/// Creates a model as `who`, asserting success, and returns it.
pub async fn created(year: &Year, who: Who, input: &Value) -> Value {
    year.ok(who, &create_mutation(), json!({ "input": input })).await["createSelfManagementModel"].clone()
}

#[tokio::test]
async fn each_role_creates_the_models_its_scope_allows_and_is_refused_the_others_without_a_write() {
    // Arrange
    let year = Year::build().await;
    let (w1, w2) = (year.ward_id.as_str(), year.foreign_ward_id.as_str());
    let (g1, g2, g21) =
        (year.group_id.as_str(), year.other_group_id.as_str(), year.foreign_group_id.as_str());
    let missing = unknown_id();
    let cases: [(Who, &str, Option<&str>, Option<&str>); 15] = [
        (Who::Admin, w1, None, None),
        (Who::Admin, w2, Some(g21), None),
        (Who::Official, w1, None, None),
        (Who::Official, w1, Some(g2), None),
        (Who::Official, w2, None, Some("NOT_FOUND")),
        (Who::Official, w2, Some(g21), Some("NOT_FOUND")),
        (Who::Official, &missing, None, Some("NOT_FOUND")),
        (Who::ForeignOfficial, w1, Some(g1), Some("NOT_FOUND")),
        (Who::ForeignOfficial, w2, None, None),
        (Who::Leader, w1, Some(g1), None),
        (Who::Leader, w1, None, Some("FORBIDDEN")),
        (Who::Leader, w1, Some(g2), Some("NOT_FOUND")),
        (Who::Leader, w2, Some(g21), Some("NOT_FOUND")),
        (Who::OtherLeader, w1, Some(g1), Some("NOT_FOUND")),
        (Who::OtherLeader, w1, Some(g2), None),
    ];
    for (who, ward, group, refusal) in cases {
        let case = format!("{who:?} in {ward} / {group:?}");
        let input = model_input(ward, group, "Điểm chữa cháy công cộng");
        let before = Records::take(year.app()).await;

        // Act
        let body = year.send(who, &create_mutation(), json!({ "input": input })).await;

        // Assert
        let after = Records::take(year.app()).await;
        if let Some(code) = refusal {
            assert_refused(&body, code, None, &before, &after, &case);
            continue;
        }
        assert!(body.get("errors").is_none(), "{case}: {body:#}");
        let model = &body["data"]["createSelfManagementModel"];
        assert_eq!(model["ward"]["id"], json!(ward), "{case}");
        assert_eq!(model["group"], group.map_or(Value::Null, |g| json!({ "id": g })), "{case}");
        assert_eq!(after.models.len(), before.models.len() + 1, "{case}: one model");
        assert_eq!(after.rows.keys.len(), before.rows.keys.len() + 1, "{case}: one key");
        let id = model["id"].as_str().expect("id");
        let summary = assert_one_audit_event(&before, &after, who, "self_management_model.create", id, ward);
        assert_eq!(summary["groupId"], json!(group), "{case}");
        assert_eq!(summary["clientMutationId"], input["clientMutationId"], "{case}");
    }
}

#[tokio::test]
async fn a_model_reads_back_exactly_as_created_with_the_defaults_filled_in() {
    // Arrange
    let year = Year::build().await;
    let mut full = model_input(&year.ward_id, Some(&year.group_id), "  Tổ liên gia an toàn PCCC  ");
    full["kind"] = json!("FIRE_SAFETY_GROUP");
    full["endedOn"] = json!("2023-12-31");
    full["status"] = json!("SUSPENDED");
    full["description"] = json!(" 10 hộ liền kề\ncùng giữ bình chữa cháy ");
    full["participatingHouseholdCount"] = json!(10);
    full["participatingHouseholdIds"] = json!([year.household_id, year.household_id]);
    full["unitCount"] = json!(3);
    let bare = model_input(&year.ward_id, None, "Camera giám sát an ninh thông minh phường Lam Sơn");

    // Act
    let model = created(&year, Who::Leader, &full).await;
    let ward_wide = created(&year, Who::Official, &bare).await;

    // Assert
    let mut without_server_fields = model.clone();
    for field in ["id", "createdAt", "updatedAt"] {
        without_server_fields.as_object_mut().expect("object").remove(field);
    }
    assert_eq!(
        without_server_fields,
        json!({
            "ward": { "id": year.ward_id }, "group": { "id": year.group_id }, "name": "Tổ liên gia an toàn PCCC",
            "kind": "FIRE_SAFETY_GROUP", "startedOn": "2023-01-15", "endedOn": "2023-12-31", "status": "SUSPENDED",
            "description": "10 hộ liền kề\ncùng giữ bình chữa cháy", "participatingHouseholdCount": 10,
            "participatingHouseholds": [{ "id": year.household_id, "code": "H1" }], "unitCount": 3, "version": 1,
            "clientMutationId": full["clientMutationId"],
            "recordedBy": { "userId": year.leader_id, "displayName": crate::world::LEADER_NAME },
        })
    );
    assert_eq!(model["createdAt"], model["updatedAt"]);
    assert_eq!(
        (&ward_wide["status"], &ward_wide["endedOn"], &ward_wide["description"], &ward_wide["unitCount"]),
        (&json!("ACTIVE"), &Value::Null, &Value::Null, &Value::Null)
    );
    assert_eq!(ward_wide["participatingHouseholdCount"], json!(0));
    assert_eq!(ward_wide["participatingHouseholds"], json!([]));
    assert_eq!(ward_wide["group"], Value::Null);
}

#[tokio::test]
async fn every_bad_field_is_named_and_nothing_is_written() {
    // Arrange
    let year = Year::build().await;
    let (w1, g1) = (year.ward_id.as_str(), year.group_id.as_str());
    let many: Vec<String> = (0..501).map(|_| unknown_id()).collect();
    let cases: Vec<(&str, Option<&str>, Value, &str)> = vec![
        // (field changed, group, value, field named)
        ("name", Some(g1), json!("   "), "name"),
        ("name", Some(g1), json!("ơ".repeat(201)), "name"),
        ("name", Some(g1), json!("a\u{1}b"), "name"),
        ("startedOn", Some(g1), json!("2023-02-30"), "startedOn"),
        ("endedOn", Some(g1), json!("2023-01-14"), "endedOn"),
        ("status", Some(g1), json!("ENDED"), "endedOn"),
        ("description", Some(g1), json!("x".repeat(2001)), "description"),
        ("description", Some(g1), json!("a\u{7}b"), "description"),
        ("participatingHouseholdCount", Some(g1), json!(-1), "participatingHouseholdCount"),
        ("participatingHouseholdCount", Some(g1), json!(100_001), "participatingHouseholdCount"),
        ("participatingHouseholdCount", Some(g1), json!(1_i64 << 40), "participatingHouseholdCount"),
        ("unitCount", Some(g1), json!(-1), "unitCount"),
        (
            "participatingHouseholdIds",
            Some(g1),
            json!([year.household_id, year.other_household_id]),
            "participatingHouseholdIds.1",
        ),
        ("participatingHouseholdIds", Some(g1), json!([unknown_id()]), "participatingHouseholdIds.0"),
        ("participatingHouseholdIds", Some(g1), json!(["not-an-id"]), "participatingHouseholdIds.0"),
        ("participatingHouseholdIds", Some(g1), json!(many), "participatingHouseholdIds"),
        ("participatingHouseholdIds", None, json!([year.household_id]), "participatingHouseholdIds"),
        ("groupId", Some(year.foreign_group_id.as_str()), Value::Null, "groupId"),
        ("groupId", Some("not-an-id"), Value::Null, "groupId"),
        ("wardId", None, json!("not-an-id"), "wardId"),
        ("clientMutationId", None, json!("not-an-id"), "clientMutationId"),
    ];
    for (field, group, value, named) in cases {
        let mut input = model_input(w1, group, "Mô hình");
        if !value.is_null() {
            input[field] = value;
        }
        let before = Records::take(year.app()).await;

        // Act
        let body = year.send(Who::Admin, &create_mutation(), json!({ "input": input })).await;

        // Assert
        assert_refused(
            &body,
            "BAD_USER_INPUT",
            Some(named),
            &before,
            &Records::take(year.app()).await,
            named,
        );
    }
    // The count may not be below the households listed.
    let mut input = model_input(w1, Some(g1), "Mô hình");
    input["participatingHouseholdIds"] = json!([year.household_id]);
    input["participatingHouseholdCount"] = json!(0);
    let before = Records::take(year.app()).await;
    let body = year.send(Who::Admin, &create_mutation(), json!({ "input": input })).await;
    let after = Records::take(year.app()).await;
    assert_refused(&body, "BAD_USER_INPUT", Some("participatingHouseholdCount"), &before, &after, "count");
}

#[tokio::test]
async fn a_retry_with_the_same_key_and_payload_returns_the_model_and_another_payload_is_a_conflict() {
    // Arrange
    let year = Year::build().await;
    let input = model_input(&year.ward_id, Some(&year.group_id), "Cảm hóa, giáo dục người được tha tù");
    let first = year.send(Who::Leader, &create_mutation(), json!({ "input": input })).await;
    assert!(first.get("errors").is_none(), "{first:#}");
    let before = Records::take(year.app()).await;

    // Act: the answer was lost; the leader and then an official send it again.
    let again = year.send(Who::Leader, &create_mutation(), json!({ "input": input })).await;
    let by_official = year.send(Who::Official, &create_mutation(), json!({ "input": input })).await;

    // Assert
    assert_eq!(again, first);
    assert_eq!(by_official, first);
    assert_eq!(before.changed_tables(&Records::take(year.app()).await), Vec::<&str>::new());

    for (field, value) in [
        ("name", json!("Another name")),
        ("kind", json!("REINTEGRATION")),
        ("startedOn", json!("2023-01-16")),
        ("groupId", json!(year.other_group_id)),
        ("unitCount", json!(2)),
    ] {
        let mut changed = input.clone();
        changed[field] = value;
        let before = Records::take(year.app()).await;

        // Act
        let body = year.send(Who::Official, &create_mutation(), json!({ "input": changed })).await;

        // Assert
        let after = Records::take(year.app()).await;
        assert_refused(&body, "CONFLICT", Some("clientMutationId"), &before, &after, field);
    }
}

#[tokio::test]
async fn a_key_used_for_another_kind_of_record_is_a_conflict() {
    // Arrange
    let year = Year::build().await;
    let event = json!({
        "clientMutationId": key(), "wardId": year.ward_id, "heldOn": "2023-08-11", "kind": "FESTIVAL",
        "title": "Ngày hội",
    });
    year.ok(
        Who::Official,
        "mutation($i: CreateMovementEventInput!) { createMovementEvent(input: $i) { id } }",
        json!({ "i": event }),
    )
    .await;
    let mut input = model_input(&year.ward_id, None, "Mô hình");
    input["clientMutationId"] = event["clientMutationId"].clone();
    let before = Records::take(year.app()).await;

    // Act
    let body = year.send(Who::Official, &create_mutation(), json!({ "input": input })).await;

    // Assert
    let after = Records::take(year.app()).await;
    assert_refused(&body, "CONFLICT", Some("clientMutationId"), &before, &after, "an event's key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_sends_of_one_key_make_one_model_and_identical_answers() {
    // Arrange
    let year = std::sync::Arc::new(Year::build().await);
    let input = model_input(&year.ward_id, Some(&year.group_id), "Camera tổ 1");
    let before = Records::take(year.app()).await;

    // Act
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (year, input) = (year.clone(), input.clone());
        sends.spawn(
            async move { year.send(Who::Leader, &create_mutation(), json!({ "input": input })).await },
        );
    }
    let answers = sends.join_all().await;

    // Assert
    assert!(answers[0].get("errors").is_none(), "{:#}", answers[0]);
    assert!(answers.iter().all(|answer| *answer == answers[0]), "every send gets the same answer");
    let after = Records::take(year.app()).await;
    assert_eq!((after.models.len(), after.rows.keys.len()), (1, 1));
    let actions: Vec<&str> = after.audit_since(&before).iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["self_management_model.create"]);
}
