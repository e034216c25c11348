//! `updateSelfManagementModel`: who may change which model, the version check, clearing fields, and
//! every bad field named.

use serde_json::{Value, json};

use super::{created, model_input, update_mutation};
use crate::{
    helpers::unknown_id,
    movement_records::world::{Records, Who, Year, assert_one_audit_event, assert_refused},
};

/// The version of model `id` as stored.
fn version(records: &Records, id: &str) -> i32 {
    records.models.iter().find(|m| m.id.to_string() == id).map(|m| m.version).expect("the model")
}

#[tokio::test]
async fn each_role_changes_the_models_it_manages_and_is_refused_the_others_without_a_write() {
    // Arrange: a ward-wide model of W1, one of group 1, one of group 2, one of group 21 in W2.
    let year = Year::build().await;
    let mut ids = Vec::new();
    for (ward, group) in [
        (&year.ward_id, None),
        (&year.ward_id, Some(&year.group_id)),
        (&year.ward_id, Some(&year.other_group_id)),
        (&year.foreign_ward_id, Some(&year.foreign_group_id)),
    ] {
        let model =
            created(&year, Who::Admin, &model_input(ward, group.map(String::as_str), "Mô hình")).await;
        ids.push((model["id"].as_str().expect("id").to_owned(), ward.clone()));
    }
    let [ward_wide, of_g1, of_g2, of_w2] = [0, 1, 2, 3];
    let cases: [(Who, usize, Option<&str>); 20] = [
        (Who::Admin, ward_wide, None),
        (Who::Admin, of_w2, None),
        (Who::Official, ward_wide, None),
        (Who::Official, of_g1, None),
        (Who::Official, of_g2, None),
        (Who::Official, of_w2, Some("NOT_FOUND")),
        (Who::ForeignOfficial, ward_wide, Some("NOT_FOUND")),
        (Who::ForeignOfficial, of_g1, Some("NOT_FOUND")),
        (Who::ForeignOfficial, of_g2, Some("NOT_FOUND")),
        (Who::ForeignOfficial, of_w2, None),
        (Who::Leader, ward_wide, Some("FORBIDDEN")),
        (Who::Leader, of_g1, None),
        (Who::Leader, of_g2, Some("NOT_FOUND")),
        (Who::Leader, of_w2, Some("NOT_FOUND")),
        (Who::OtherLeader, ward_wide, Some("FORBIDDEN")),
        (Who::OtherLeader, of_g1, Some("NOT_FOUND")),
        (Who::OtherLeader, of_g2, None),
        (Who::OtherLeader, of_w2, Some("NOT_FOUND")),
        (Who::Admin, of_g1, None),
        (Who::Official, of_g1, None),
    ];
    for (who, target, refusal) in cases {
        let (id, ward) = &ids[target];
        let case = format!("{who:?} on model {target}");
        let before = Records::take(year.app()).await;
        let current = version(&before, id);
        let name = format!("Mô hình sửa bởi {}", who.username());

        // Act
        let body = year
            .send(who, &update_mutation(), json!({ "id": id, "v": current, "input": { "name": name } }))
            .await;

        // Assert
        let after = Records::take(year.app()).await;
        if let Some(code) = refusal {
            assert_refused(&body, code, None, &before, &after, &case);
            continue;
        }
        assert!(body.get("errors").is_none(), "{case}: {body:#}");
        let model = &body["data"]["updateSelfManagementModel"];
        assert_eq!((&model["name"], &model["version"]), (&json!(name), &json!(current + 1)), "{case}");
        assert_eq!(version(&after, id), current + 1, "{case}");
        let summary = assert_one_audit_event(&before, &after, who, "self_management_model.update", id, ward);
        assert_eq!(summary["version"], json!({ "from": current, "to": current + 1 }), "{case}");
        assert_eq!(summary["name"]["to"], json!(name), "{case}");
        assert_eq!(summary.as_object().map(|o| o.len()), Some(2), "{case}: only what changed: {summary}");
    }
}

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_with_the_current_version_and_writes_nothing() {
    // Arrange: the model is at version 2.
    let year = Year::build().await;
    let model =
        created(&year, Who::Leader, &model_input(&year.ward_id, Some(&year.group_id), "Mô hình")).await;
    let id = model["id"].clone();
    year.ok(
        Who::Official,
        &update_mutation(),
        json!({ "id": id, "v": 1, "input": { "status": "SUSPENDED" } }),
    )
    .await;

    for stale in [1, 3] {
        let before = Records::take(year.app()).await;

        // Act
        let body = year
            .send(
                Who::Leader,
                &update_mutation(),
                json!({ "id": id, "v": stale, "input": { "unitCount": 4 } }),
            )
            .await;

        // Assert
        let after = Records::take(year.app()).await;
        assert_refused(&body, "CONFLICT", None, &before, &after, &format!("version {stale}"));
        assert_eq!(body["errors"][0]["extensions"]["currentVersion"], json!(2));
    }
}

#[tokio::test]
async fn null_clears_the_optional_fields_and_the_audit_row_keeps_what_changed() {
    // Arrange
    let year = Year::build().await;
    let mut input = model_input(&year.ward_id, Some(&year.group_id), "Camera tổ 1");
    input["endedOn"] = json!("2024-01-31");
    input["description"] = json!("Hai camera ở đầu ngõ");
    input["unitCount"] = json!(2);
    input["participatingHouseholdIds"] = json!([year.household_id]);
    let model = created(&year, Who::Leader, &input).await;
    let id = model["id"].as_str().expect("id").to_owned();
    let before = Records::take(year.app()).await;

    // Act
    let changes = json!({
        "endedOn": null, "description": null, "unitCount": null, "participatingHouseholdIds": [],
        "kind": "SECURITY_CAMERAS",
    });
    let data = year.ok(Who::Leader, &update_mutation(), json!({ "id": id, "v": 1, "input": changes })).await;

    // Assert
    let updated = &data["updateSelfManagementModel"];
    let read = |field: &str| updated[field].clone();
    assert_eq!(
        [
            read("endedOn"),
            read("description"),
            read("unitCount"),
            read("participatingHouseholds"),
            read("kind")
        ],
        [Value::Null, Value::Null, Value::Null, json!([]), json!("SECURITY_CAMERAS")]
    );
    assert_eq!(read("participatingHouseholdCount"), json!(1), "the count stays");
    assert_eq!((read("name"), read("startedOn")), (model["name"].clone(), model["startedOn"].clone()));
    let after = Records::take(year.app()).await;
    let summary = assert_one_audit_event(
        &before,
        &after,
        Who::Leader,
        "self_management_model.update",
        &id,
        &year.ward_id,
    );
    assert_eq!(
        summary,
        json!({
            "endedOn": { "from": "2024-01-31", "to": null },
            "description": { "from": "Hai camera ở đầu ngõ", "to": null },
            "unitCount": { "from": 2, "to": null },
            "participatingHouseholdIds": { "from": [year.household_id], "to": [] },
            "kind": { "from": "PUBLIC_FIRE_POINT", "to": "SECURITY_CAMERAS" },
            "version": { "from": 1, "to": 2 },
        })
    );
}

#[tokio::test]
async fn every_bad_field_of_an_update_is_named_and_nothing_is_written() {
    // Arrange: a group model ended on 31 December 2023 listing H1, and a ward-wide model.
    let year = Year::build().await;
    let mut input = model_input(&year.ward_id, Some(&year.group_id), "Mô hình");
    input["status"] = json!("ENDED");
    input["endedOn"] = json!("2023-12-31");
    input["participatingHouseholdIds"] = json!([year.household_id]);
    let ended = created(&year, Who::Admin, &input).await["id"].clone();
    let ward_wide = created(&year, Who::Admin, &model_input(&year.ward_id, None, "Zalo")).await["id"].clone();
    let cases: [(&Value, Value, i64, &str); 13] = [
        (&ended, json!({ "name": "" }), 1, "name"),
        (&ended, json!({ "startedOn": "2024-01-01" }), 1, "endedOn"),
        (&ended, json!({ "endedOn": null }), 1, "endedOn"),
        (&ended, json!({ "startedOn": "2024-13-01" }), 1, "startedOn"),
        (&ended, json!({ "participatingHouseholdCount": 0 }), 1, "participatingHouseholdCount"),
        (
            &ended,
            json!({ "participatingHouseholdIds": [year.other_household_id] }),
            1,
            "participatingHouseholdIds.0",
        ),
        (&ended, json!({ "participatingHouseholdIds": ["x"] }), 1, "participatingHouseholdIds.0"),
        (&ended, json!({ "unitCount": -1 }), 1, "unitCount"),
        (&ended, json!({ "description": "x".repeat(2001) }), 1, "description"),
        (&ended, json!({ "name": "Mô hình" }), 1_i64 << 40, "expectedVersion"),
        (&ward_wide, json!({ "status": "ENDED" }), 1, "endedOn"),
        (
            &ward_wide,
            json!({ "participatingHouseholdIds": [year.household_id] }),
            1,
            "participatingHouseholdIds",
        ),
        (&json!("not-an-id"), json!({ "name": "Mô hình" }), 1, "id"),
    ];
    for (id, changes, expected_version, field) in cases {
        let before = Records::take(year.app()).await;

        // Act
        let body = year
            .send(
                Who::Admin,
                &update_mutation(),
                json!({ "id": id, "v": expected_version, "input": changes }),
            )
            .await;

        // Assert
        let after = Records::take(year.app()).await;
        assert_refused(&body, "BAD_USER_INPUT", Some(field), &before, &after, &format!("{field}: {changes}"));
    }
    let before = Records::take(year.app()).await;
    let body =
        year.send(Who::Admin, &update_mutation(), json!({ "id": unknown_id(), "v": 1, "input": {} })).await;
    assert_refused(&body, "NOT_FOUND", None, &before, &Records::take(year.app()).await, "unknown id");
}
