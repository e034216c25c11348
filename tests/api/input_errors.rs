//! Input the schema itself refuses (out-of-range integers, unknown enum values, missing fields) still
//! answers with an `extensions.code`, as every error must, and writes nothing; a malformed `Date` and an
//! `Int` beyond 32 bits are refused naming their field.

use serde_json::{Value, json};

use crate::{
    drive::{
        TODAY, VIETNAM_NOON, campaign_input, create_campaign_mutation, draft_campaign, open_campaign,
        pledge_input, record_pledge_mutation, record_pledges_mutation, set_clock,
    },
    helpers::{
        create_household, error_code, error_field, hierarchy_rows, spawn_app, unknown_id,
        ward_with_two_groups,
    },
    world::Rows,
};

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

#[tokio::test]
async fn a_malformed_date_is_bad_user_input_naming_its_field_in_every_input_and_writes_nothing() {
    // Arrange
    let app = spawn_app().await;
    set_clock(&app, VIETNAM_NOON);
    let fixture = ward_with_two_groups(&app).await;
    let household = create_household(&app, &fixture.group_id, "1", "Lê Văn Một").await;
    let campaign = open_campaign(&app, "Chiến dịch 2023", None).await;
    let draft = draft_campaign(&app, "Bản nháp", None).await;
    let deed = json!({
        "clientMutationId": unknown_id(), "groupId": fixture.group_id, "category": "PATROL",
        "occurredOn": "yesterday", "description": "Tuần tra"
    });
    let pledge = |signed_on: &str| {
        json!({ "clientMutationId": unknown_id(), "householdId": household, "campaignId": campaign,
                "signerName": "Lê Văn Một", "signedOn": signed_on })
    };
    let mut new_campaign = campaign_input("Chiến dịch mới", None);
    new_campaign["startsOn"] = json!("2023-02-30");
    let cases = [
        ("createCampaign", create_campaign_mutation(), json!({ "input": new_campaign }), "startsOn"),
        (
            "updateCampaign",
            "mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id, input: $input) { id } }"
                .to_owned(),
            json!({ "id": draft, "input": { "endsOn": "31/10/2023" } }),
            "endsOn",
        ),
        (
            "recordGoodDeed",
            "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }".to_owned(),
            json!({ "input": deed }),
            "occurredOn",
        ),
        ("recordPledge", record_pledge_mutation(), json!({ "input": pledge("2023-05-32") }), "signedOn"),
        (
            "goodDeeds",
            "query($f: GoodDeedFilterInput) { goodDeeds(filter: $f) { totalCount } }".to_owned(),
            json!({ "f": { "from": "2023-13-01" } }),
            "filter.from",
        ),
        (
            "goodDeedReport",
            "query($to: Date) { goodDeedReport(to: $to) { total } }".to_owned(),
            json!({ "to": "2023-01-32" }),
            "to",
        ),
    ];
    let rows = Rows::take(&app).await;

    for (operation, query, variables, field) in &cases {
        // Act
        let body = app.gql(query, variables.clone()).await;

        // Assert
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{operation}: {body:#}");
        assert_eq!(error_field(&body), *field, "{operation}: {body:#}");
    }
    assert_eq!(Rows::take(&app).await, rows, "nothing written");
    let number = app.gql(&record_pledge_mutation(), json!({ "input": pledge("x") })).await;
    let mut numbered = pledge(TODAY);
    numbered["signedOn"] = json!(20230519);
    let not_text = app.gql(&record_pledge_mutation(), json!({ "input": numbered })).await;
    assert_eq!((error_code(&number), error_field(&number)), ("BAD_USER_INPUT", "signedOn"));
    assert_eq!(error_code(&not_text), "BAD_USER_INPUT", "{not_text:#}");
}

#[tokio::test]
async fn in_record_pledges_a_malformed_date_fails_only_its_own_item() {
    // Arrange
    let app = spawn_app().await;
    set_clock(&app, VIETNAM_NOON);
    let fixture = ward_with_two_groups(&app).await;
    let first = create_household(&app, &fixture.group_id, "1", "Lê Văn Một").await;
    let second = create_household(&app, &fixture.group_id, "2", "Lê Văn Hai").await;
    let campaign = open_campaign(&app, "Chiến dịch 2023", None).await;
    let mut malformed = pledge_input(&unknown_id(), &first, &campaign);
    malformed["signedOn"] = json!("19-05-2023");
    let good = pledge_input(&unknown_id(), &second, &campaign);

    // Act
    let data = app.gql_ok(&record_pledges_mutation(), json!({ "inputs": [malformed, good] })).await;

    // Assert
    let results = &data["recordPledges"];
    assert_eq!(results[0]["pledge"], Value::Null);
    assert_eq!(results[0]["error"]["code"], "BAD_USER_INPUT");
    assert_eq!(results[0]["error"]["field"], "signedOn");
    assert_eq!(results[1]["error"], Value::Null);
    assert_eq!(results[1]["pledge"]["signedOn"], TODAY);
    assert_eq!(results[1]["clientMutationId"], good["clientMutationId"]);
}

#[tokio::test]
async fn an_int_beyond_32_bits_is_bad_user_input_naming_its_field() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let household = create_household(&app, &fixture.group_id, "1", "Lê Văn Một").await;
    let beyond = 2_147_483_648_i64;
    let mut campaign = campaign_input("Chiến dịch", None);
    campaign["year"] = json!(beyond);
    let mut members = household_input(&fixture.group_id);
    members["memberCount"] = json!(-beyond - 1);
    let cases = [
        ("year", create_campaign_mutation(), json!({ "input": campaign })),
        ("memberCount", CREATE_HOUSEHOLD.to_owned(), json!({ "input": members })),
        (
            "expectedVersion",
            "mutation($id: ID!, $v: Int!) { updateHousehold(id: $id, expectedVersion: $v, input: {}) { id } }"
                .to_owned(),
            json!({ "id": household, "v": beyond }),
        ),
        (
            "expectedVersion",
            "mutation($id: ID!) { setHouseholdStatus(id: $id, expectedVersion: 2147483648, status: MOVED_OUT) { id } }"
                .to_owned(),
            json!({ "id": household }),
        ),
        ("first", "query($n: Int) { changes(first: $n) { hasMore } }".to_owned(), json!({ "n": beyond })),
        ("last", "query($n: Int) { campaigns(last: $n) { totalCount } }".to_owned(), json!({ "n": beyond })),
    ];

    for (field, query, variables) in cases {
        // Act
        let body = app.gql(&query, variables).await;

        // Assert
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{field}: {body:#}");
        assert_eq!(error_field(&body), field, "{body:#}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("32-bit Int"), "{field}: {message}");
    }
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 1));
    assert_eq!(app.count_rows("campaign").await, 0);
}
