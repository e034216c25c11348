//! `createAward`: who may record awards, every field as it reads back, every bad field named, and
//! retries. `revoking` covers `revokeAward`, `reading` covers `awards` and what leaders see.

mod reading;
mod revoking;

use serde_json::{Value, json};

use super::{
    events::{event_input, recorded as recorded_event},
    world::{Records, Who, Year, assert_one_audit_event, assert_refused, key},
};
use crate::{helpers::unknown_id, world::vietnam_today};

/// Every field of `Award`.
pub const AWARD_FIELDS: &str =
    "id ward { id } year issuer issuerName decisionNumber decisionDate recipientKind
    group { id } recipientName household { id code } citation event { id title } status revocationReason
    revokedBy { userId } revokedAt version clientMutationId recordedBy { userId } createdAt updatedAt";

pub fn create_mutation() -> String {
    format!("mutation($input: CreateAwardInput!) {{ createAward(input: $input) {{ {AWARD_FIELDS} }} }}")
}

/// A collective award of the ward's People's Committee to `group` for 2023, with a fresh key.
pub fn collective(ward: &str, group: &str) -> Value {
    json!({
        "clientMutationId": key(), "wardId": ward, "year": 2023, "issuer": "WARD_PEOPLES_COMMITTEE",
        "decisionNumber": "125/QĐ-UBND", "decisionDate": "2023-08-10", "recipientKind": "COLLECTIVE",
        "groupId": group, "citation": "Đã có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc",
    })
}

/// An individual award of the city's People's Committee to `name` for 2023, with a fresh key.
pub fn individual(ward: &str, name: &str, household: Option<&str>) -> Value {
    json!({
        "clientMutationId": key(), "wardId": ward, "year": 2023, "issuer": "CITY_PEOPLES_COMMITTEE",
        "decisionNumber": "3456/QĐ-UBND", "decisionDate": "2023-09-01", "recipientKind": "INDIVIDUAL",
        "recipientName": name, "householdId": household, "citation": "Tích cực tố giác tội phạm",
    })
}

/// Records an award as `who`, asserting success, and returns it.
pub async fn recorded(year: &Year, who: Who, input: &Value) -> Value {
    year.ok(who, &create_mutation(), json!({ "input": input })).await["createAward"].clone()
}

#[tokio::test]
async fn officials_of_the_ward_and_administrators_record_awards_and_leaders_are_forbidden() {
    // Arrange
    let year = Year::build().await;
    let (w1, w2) = (year.ward_id.as_str(), year.foreign_ward_id.as_str());
    let cases: [(Who, Value, Option<&str>); 8] = [
        (Who::Admin, collective(w2, &year.foreign_group_id), None),
        (Who::Official, collective(w1, &year.group_id), None),
        (Who::Official, individual(w1, "Lê Văn Dũng", None), None),
        (Who::Official, collective(w2, &year.foreign_group_id), Some("NOT_FOUND")),
        (Who::Official, individual(&unknown_id(), "Lê Văn Dũng", None), Some("NOT_FOUND")),
        (Who::ForeignOfficial, collective(w1, &year.group_id), Some("NOT_FOUND")),
        (Who::Leader, collective(w1, &year.group_id), Some("FORBIDDEN")),
        (Who::OtherLeader, individual(w1, "Lê Văn Dũng", None), Some("FORBIDDEN")),
    ];
    for (who, input, refusal) in cases {
        let case = format!("{who:?}: {} in {}", input["recipientKind"], input["wardId"]);
        let before = Records::take(year.app()).await;

        // Act
        let body = year.send(who, &create_mutation(), json!({ "input": input })).await;

        // Assert
        let after = Records::take(year.app()).await;
        if let Some(code) = refusal {
            assert_refused(&body, code, None, &before, &after, &case);
            continue;
        }
        let award = &body["data"]["createAward"];
        let id = award["id"].as_str().unwrap_or_else(|| panic!("{case}: {body:#}"));
        assert_eq!((&award["status"], &award["version"]), (&json!("ACTIVE"), &json!(1)), "{case}");
        let ward = input["wardId"].as_str().expect("ward");
        let summary = assert_one_audit_event(&before, &after, who, "award.create", id, ward);
        assert_eq!(summary["decisionNumber"], input["decisionNumber"], "{case}");
        assert_eq!(after.rows.keys.len(), before.rows.keys.len() + 1, "{case}: one key");
    }
}

#[tokio::test]
async fn an_individual_award_keeps_the_persons_household_its_group_and_its_event() {
    // Arrange
    let year = Year::build().await;
    let festival =
        recorded_event(&year, Who::Leader, &event_input(&year.ward_id, Some(&year.group_id), "Ngày hội"))
            .await;
    let mut input = individual(&year.ward_id, " Nguyễn Văn An ", Some(&year.household_id));
    input["issuer"] = json!("OTHER");
    input["issuerName"] = json!("Công an thành phố Thanh Hóa");
    input["eventId"] = festival["id"].clone();

    // Act
    let award = recorded(&year, Who::Official, &input).await;

    // Assert
    let mut rest = award.clone();
    for server_made in ["id", "createdAt", "updatedAt", "recordedBy"] {
        rest.as_object_mut().expect("an award").remove(server_made);
    }
    assert_eq!(
        rest,
        json!({
            "ward": { "id": year.ward_id }, "year": 2023, "issuer": "OTHER",
            "issuerName": "Công an thành phố Thanh Hóa", "decisionNumber": "3456/QĐ-UBND",
            "decisionDate": "2023-09-01", "recipientKind": "INDIVIDUAL", "group": { "id": year.group_id },
            "recipientName": "Nguyễn Văn An", "household": { "id": year.household_id, "code": "H1" },
            "citation": "Tích cực tố giác tội phạm", "event": { "id": festival["id"], "title": "Ngày hội" },
            "status": "ACTIVE", "revocationReason": null, "revokedBy": null, "revokedAt": null, "version": 1,
            "clientMutationId": input["clientMutationId"],
        })
    );
    assert_eq!(award["recordedBy"]["userId"], json!(year.official_id));
}

#[tokio::test]
async fn every_bad_field_is_named_and_nothing_is_written() {
    // Arrange
    let year = Year::build().await;
    let (w1, g1) = (year.ward_id.as_str(), year.group_id.as_str());
    let tomorrow = (vietnam_today(year.app()) + chrono::Days::new(1)).to_string();
    let other_ward_event =
        recorded_event(&year, Who::Admin, &event_input(&year.foreign_ward_id, None, "W2")).await;
    let base = || collective(w1, g1);
    let person = || individual(w1, "Trần Thị Bình", None);
    let cases: Vec<(Value, &str, Value, &str)> = vec![
        // (input, field, value, field named)
        (base(), "year", json!(1999), "year"),
        (base(), "year", json!(1_i64 << 40), "year"),
        (base(), "issuer", json!("OTHER"), "issuerName"),
        (base(), "issuerName", json!("a\u{1}b"), "issuerName"),
        (base(), "decisionNumber", json!(" "), "decisionNumber"),
        (base(), "decisionNumber", json!("1".repeat(65)), "decisionNumber"),
        (base(), "decisionDate", json!(tomorrow), "decisionDate"),
        (base(), "decisionDate", json!("2022-10-31"), "decisionDate"),
        (base(), "decisionDate", json!("2023-02-29"), "decisionDate"),
        (base(), "groupId", Value::Null, "groupId"),
        (base(), "groupId", json!(year.foreign_group_id), "groupId"),
        (base(), "recipientName", json!("Trần Thị Bình"), "recipientName"),
        (base(), "householdId", json!(year.household_id), "householdId"),
        (base(), "citation", json!("  "), "citation"),
        (base(), "citation", json!("c".repeat(2001)), "citation"),
        (base(), "eventId", other_ward_event["id"].clone(), "eventId"),
        (base(), "eventId", json!("x"), "eventId"),
        (person(), "recipientName", Value::Null, "recipientName"),
        (person(), "recipientName", json!("n".repeat(201)), "recipientName"),
        (person(), "householdId", json!(year.foreign_household_id), "householdId"),
        (person(), "groupId", json!(year.other_group_id), "householdId"),
    ];
    for (mut input, field, value, named) in cases {
        input[field] = value;
        if field == "groupId" && input["recipientKind"] == "INDIVIDUAL" {
            input["householdId"] = json!(year.household_id);
        }
        let before = Records::take(year.app()).await;

        // Act
        let body = year.send(Who::Admin, &create_mutation(), json!({ "input": input })).await;

        // Assert
        let after = Records::take(year.app()).await;
        assert_refused(
            &body,
            "BAD_USER_INPUT",
            Some(named),
            &before,
            &after,
            &format!("{field} = {}", input[field]),
        );
    }
    let mut unknown_event = base();
    unknown_event["eventId"] = json!(unknown_id());
    let before = Records::take(year.app()).await;
    let body = year.send(Who::Official, &create_mutation(), json!({ "input": unknown_event })).await;
    assert_refused(&body, "NOT_FOUND", None, &before, &Records::take(year.app()).await, "unknown event");
}

#[tokio::test]
async fn a_retry_returns_the_first_award_and_a_changed_payload_is_a_conflict() {
    // Arrange
    let year = Year::build().await;
    let input = collective(&year.ward_id, &year.group_id);
    let first = year.send(Who::Official, &create_mutation(), json!({ "input": input })).await;
    assert!(first.get("errors").is_none(), "{first:#}");
    let before = Records::take(year.app()).await;

    // Act
    let again = year.send(Who::Official, &create_mutation(), json!({ "input": input })).await;

    // Assert
    assert_eq!(again, first);
    assert_eq!(before.changed_tables(&Records::take(year.app()).await), Vec::<&str>::new());
    for (field, value) in [
        ("decisionNumber", json!("126/QĐ-UBND")),
        ("year", json!(2022)),
        ("groupId", json!(year.other_group_id)),
        ("citation", json!("Khác")),
    ] {
        let mut changed = input.clone();
        changed[field] = value;
        let before = Records::take(year.app()).await;
        let body = year.send(Who::Official, &create_mutation(), json!({ "input": changed })).await;
        let after = Records::take(year.app()).await;
        assert_refused(&body, "CONFLICT", Some("clientMutationId"), &before, &after, field);
    }
}
