//! `selfManagementModels`: a ward's models in the caller's scope, by start day, narrowed by group, kind,
//! status and the movement year they ran in, page by page both ways.

use serde_json::{Value, json};

use super::{created, model_input};
use crate::{
    helpers::unknown_id,
    movement_records::world::{Records, Who, Year, assert_refused},
};

const LIST: &str = "query($ward: ID!, $group: ID, $kind: ModelKind, $status: ModelStatus, $year: Int,
        $first: Int, $after: String, $last: Int, $before: String) {
    selfManagementModels(wardId: $ward, groupId: $group, kind: $kind, status: $status, year: $year,
            first: $first, after: $after, last: $last, before: $before) {
        totalCount edges { cursor node { name } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
}";

/// Models a–d in W1 and e in W2, created by the administrator:
/// a ward-wide REPORTING_CHANNEL from 2021-06-01, running (every year since);
/// b group 1 PUBLIC_FIRE_POINT from 2023-01-15, running;
/// c group 2 FIRE_SAFETY_GROUP 2022-03-01 to 2022-10-31, ENDED (movement year 2022 only);
/// d group 1 REINTEGRATION from 2023-11-01 (movement year 2024 on);
/// e group 21 of W2 SECURITY_CAMERAS from 2023-02-01.
async fn five_models(year: &Year) {
    let rows = [
        ("a", &year.ward_id, None, "REPORTING_CHANNEL", "2021-06-01", None),
        ("b", &year.ward_id, Some(&year.group_id), "PUBLIC_FIRE_POINT", "2023-01-15", None),
        (
            "c",
            &year.ward_id,
            Some(&year.other_group_id),
            "FIRE_SAFETY_GROUP",
            "2022-03-01",
            Some("2022-10-31"),
        ),
        ("d", &year.ward_id, Some(&year.group_id), "REINTEGRATION", "2023-11-01", None),
        ("e", &year.foreign_ward_id, Some(&year.foreign_group_id), "SECURITY_CAMERAS", "2023-02-01", None),
    ];
    for (name, ward, group, kind, started_on, ended_on) in rows {
        let mut input = model_input(ward, group.map(String::as_str), name);
        input["kind"] = json!(kind);
        input["startedOn"] = json!(started_on);
        if let Some(day) = ended_on {
            input["endedOn"] = json!(day);
            input["status"] = json!("ENDED");
        }
        created(year, Who::Admin, &input).await;
    }
}

/// The names a caller lists, or the code it is refused with.
type Listed = Result<&'static [&'static str], &'static str>;

fn names(connection: &Value) -> Vec<&str> {
    connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges in {connection:#}"))
        .iter()
        .map(|edge| edge["node"]["name"].as_str().expect("a name"))
        .collect()
}

async fn list(year: &Year, who: Who, variables: Value) -> Value {
    year.send(who, LIST, variables).await
}

#[tokio::test]
async fn each_role_lists_exactly_the_models_of_its_scope() {
    // Arrange
    let year = Year::build().await;
    five_models(&year).await;
    let w1 = json!({ "ward": year.ward_id });
    let cases: [(Who, &Value, Listed); 5] = [
        (Who::Admin, &w1, Ok(&["a", "c", "b", "d"])),
        (Who::Official, &w1, Ok(&["a", "c", "b", "d"])),
        (Who::Leader, &w1, Ok(&["a", "b", "d"])),
        (Who::OtherLeader, &w1, Ok(&["a", "c"])),
        (Who::ForeignOfficial, &w1, Err("NOT_FOUND")),
    ];
    for (who, variables, expected) in cases {
        // Act
        let body = list(&year, who, variables.clone()).await;

        // Assert
        match expected {
            Ok(expected) => {
                let connection = &body["data"]["selfManagementModels"];
                assert_eq!(names(connection), expected, "{who:?}: {body:#}");
                assert_eq!(connection["totalCount"], json!(expected.len()), "{who:?}");
            }
            Err(code) => {
                let before = Records::take(year.app()).await;
                assert_refused(&body, code, None, &before, &before, &format!("{who:?}"));
            }
        }
    }
    for (who, ward) in [(Who::Leader, year.foreign_ward_id.clone()), (Who::Official, unknown_id())] {
        let body = list(&year, who, json!({ "ward": ward })).await;
        assert_eq!(crate::helpers::error_code(&body), "NOT_FOUND", "{who:?} on {ward}");
    }
    let body = list(&year, Who::ForeignOfficial, json!({ "ward": year.foreign_ward_id })).await;
    assert_eq!(names(&body["data"]["selfManagementModels"]), ["e"]);
}

#[tokio::test]
async fn filters_narrow_the_list_and_the_year_holds_every_model_running_in_its_window() {
    // Arrange
    let year = Year::build().await;
    five_models(&year).await;
    let ward = &year.ward_id;
    let cases: [(Value, &[&str]); 8] = [
        (json!({ "year": 2023 }), &["a", "b"]),
        (json!({ "year": 2022 }), &["a", "c"]),
        (json!({ "year": 2024 }), &["a", "b", "d"]),
        (json!({ "year": 2021 }), &["a"]),
        (json!({ "group": year.group_id }), &["b", "d"]),
        (json!({ "kind": "REINTEGRATION" }), &["d"]),
        (json!({ "status": "ENDED" }), &["c"]),
        (json!({ "status": "ACTIVE", "group": year.group_id, "year": 2023 }), &["b"]),
    ];
    for (mut variables, expected) in cases {
        variables["ward"] = json!(ward);

        // Act
        let body = list(&year, Who::Official, variables.clone()).await;

        // Assert
        assert_eq!(names(&body["data"]["selfManagementModels"]), expected, "{variables}: {body:#}");
    }
    for (variables, who, code, field) in [
        (json!({ "group": year.foreign_group_id }), Who::Admin, "BAD_USER_INPUT", Some("groupId")),
        (json!({ "year": 1999 }), Who::Admin, "BAD_USER_INPUT", Some("year")),
        (json!({ "year": 1_i64 << 40 }), Who::Admin, "BAD_USER_INPUT", Some("year")),
        (json!({ "group": year.other_group_id }), Who::Leader, "NOT_FOUND", None),
    ] {
        let mut variables = variables;
        variables["ward"] = json!(ward);
        let body = list(&year, who, variables.clone()).await;
        let before = Records::take(year.app()).await;
        assert_refused(&body, code, field, &before, &before, &variables.to_string());
    }
}

#[tokio::test]
async fn pages_walk_the_list_forward_and_backward_and_a_cursor_of_another_list_is_refused() {
    // Arrange
    let year = Year::build().await;
    five_models(&year).await;
    let ward = json!(year.ward_id);

    // Act
    let first = list(&year, Who::Admin, json!({ "ward": ward, "first": 2 })).await;
    let first = &first["data"]["selfManagementModels"];
    let next =
        list(&year, Who::Admin, json!({ "ward": ward, "first": 2, "after": first["pageInfo"]["endCursor"] }))
            .await;
    let next = &next["data"]["selfManagementModels"];
    let last = list(&year, Who::Admin, json!({ "ward": ward, "last": 3 })).await;
    let last = &last["data"]["selfManagementModels"];
    let before = list(
        &year,
        Who::Admin,
        json!({ "ward": ward, "last": 3, "before": last["pageInfo"]["startCursor"] }),
    )
    .await;
    let before = &before["data"]["selfManagementModels"];

    // Assert
    assert_eq!((names(first), &first["pageInfo"]["hasNextPage"]), (vec!["a", "c"], &json!(true)));
    assert_eq!(names(next), ["b", "d"]);
    assert_eq!(
        (&next["pageInfo"]["hasNextPage"], &next["pageInfo"]["hasPreviousPage"]),
        (&json!(false), &json!(true))
    );
    assert_eq!((names(last), &last["pageInfo"]["hasPreviousPage"]), (vec!["c", "b", "d"], &json!(true)));
    assert_eq!((names(before), &before["pageInfo"]["hasPreviousPage"]), (vec!["a"], &json!(false)));

    use base64::Engine;
    let foreign = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("c1:{}\n", unknown_id()));
    for (argument, cursor) in
        [("after", foreign.clone()), ("before", foreign), ("after", "garbage".to_owned())]
    {
        let mut variables = json!({ "ward": ward });
        variables[argument] = json!(cursor);
        let body = list(&year, Who::Admin, variables).await;
        let records = Records::take(year.app()).await;
        assert_refused(&body, "BAD_USER_INPUT", Some(argument), &records, &records, argument);
    }
}
