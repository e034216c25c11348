//! Input the schema itself refuses (out-of-range integers, unknown enum values, missing fields) still
//! answers with an `extensions.code`, as every error must, and writes nothing.

use serde_json::{Value, json};

use crate::helpers::{error_code, error_field, hierarchy_rows, spawn_app, ward_with_two_groups};

const CREATE_HOUSEHOLD: &str =
    "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }";

fn household_input(group_id: &str) -> Value {
    json!({
        "groupId": group_id, "code": "15", "headName": "Lê Văn Tám",
        "address": "15 Lê Hoàn", "memberCount": 4
    })
}

#[tokio::test]
async fn a_member_count_beyond_the_integer_range_is_bad_user_input_on_member_count() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let mut input = household_input(&fixture.group_id);
    input["memberCount"] = json!(3_000_000_000_u64);

    // Act
    let body = app.gql(CREATE_HOUSEHOLD, json!({ "input": input })).await;

    // Assert
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    assert_eq!(error_field(&body), "memberCount", "{body:#}");
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 0));
}

#[tokio::test]
async fn a_page_size_beyond_the_integer_range_is_bad_user_input_on_first() {
    let app = spawn_app().await;

    let body = app
        .gql(
            "query($first: Int) { wards(first: $first) { totalCount } }",
            json!({ "first": 5_000_000_000_u64 }),
        )
        .await;

    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    assert_eq!(error_field(&body), "first", "{body:#}");
}

#[tokio::test]
async fn input_the_schema_refuses_is_bad_user_input_and_writes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let mut without_members = household_input(&fixture.group_id);
    without_members.as_object_mut().expect("object").remove("memberCount");
    let mut members_as_text = household_input(&fixture.group_id);
    members_as_text["memberCount"] = json!("four");
    let cases = [
        ("a missing required field", CREATE_HOUSEHOLD, json!({ "input": without_members })),
        ("text for an integer", CREATE_HOUSEHOLD, json!({ "input": members_as_text })),
        (
            "an unknown status",
            "query($g: ID!, $filter: HouseholdFilterInput) { households(groupId: $g, filter: $filter) { totalCount } }",
            json!({ "g": fixture.group_id, "filter": { "status": "GONE" } }),
        ),
    ];

    for (case, query, variables) in cases {
        // Act
        let body = app.gql(query, variables).await;

        // Assert
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{case}: {body:#}");
        assert_eq!(hierarchy_rows(&app).await, (1, 2, 0), "{case}");
    }
}
