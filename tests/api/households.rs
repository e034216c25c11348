//! Households: create, read, validation, duplicates, updates with optimistic concurrency, status.

use chrono::DateTime;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, create_household, error_code, error_field, hierarchy_rows, spawn_app, unknown_id,
    ward_with_two_groups,
};

const HOUSEHOLD_FIELDS: &str =
    "id code headName address memberCount phone status version createdAt updatedAt";

fn create_mutation() -> String {
    format!(
        "mutation($input: CreateHouseholdInput!) {{ createHousehold(input: $input) {{ {HOUSEHOLD_FIELDS} group {{ id code }} }} }}"
    )
}

fn update_mutation() -> String {
    format!(
        "mutation($id: ID!, $v: Int!, $input: UpdateHouseholdInput!) {{
            updateHousehold(id: $id, expectedVersion: $v, input: $input) {{ {HOUSEHOLD_FIELDS} }}
        }}"
    )
}

fn status_mutation() -> String {
    format!(
        "mutation($id: ID!, $v: Int!, $status: HouseholdStatus!) {{
            setHouseholdStatus(id: $id, expectedVersion: $v, status: $status) {{ {HOUSEHOLD_FIELDS} }}
        }}"
    )
}

/// A valid `CreateHouseholdInput` for `group_id`.
fn valid_input(group_id: &str) -> Value {
    json!({
        "groupId": group_id, "code": "15", "headName": "Lê Văn Tám",
        "address": "15 Lê Hoàn, Phường Lam Sơn", "memberCount": 4, "phone": "0912 345 678"
    })
}

/// The household as stored, read back through `household(id)`.
async fn stored(app: &TestApp, id: &str) -> Value {
    let data = app
        .gql_ok(
            &format!("query($id: ID!) {{ household(id: $id) {{ {HOUSEHOLD_FIELDS} }} }}"),
            json!({ "id": id }),
        )
        .await;
    data["household"].clone()
}

/// Creates the household of `valid_input` and returns it as stored.
async fn created(app: &TestApp, group_id: &str) -> Value {
    let data = app.gql_ok(&create_mutation(), json!({ "input": valid_input(group_id) })).await;
    data["createHousehold"].clone()
}

/// The household as `household(id)` shows it: without the nested group a create returns.
fn household_without_group(household: &Value) -> Value {
    let mut household = household.clone();
    household.as_object_mut().expect("object").remove("group");
    household
}

fn id_of(household: &Value) -> &str {
    household["id"].as_str().expect("household id")
}

#[track_caller]
fn assert_bad_input(body: &Value, field: &str, case: &str) {
    assert_eq!(error_code(body), "BAD_USER_INPUT", "{case}: {body:#}");
    assert_eq!(error_field(body), field, "{case}: {body:#}");
    assert!(body["data"].is_null(), "{case}: no data on an error: {body:#}");
}

fn timestamp(value: &Value) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(value.as_str().expect("timestamp")).expect("RFC 3339")
}

#[tokio::test]
async fn create_household_stores_an_active_household_at_version_1_with_a_normalised_phone() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;

    // Act
    let data = app
        .gql_ok(
            &create_mutation(),
            json!({ "input": {
                "groupId": fixture.group_id, "code": " 15 ", "headName": "  Lê Văn Tám ",
                "address": " 15 Lê Hoàn ", "memberCount": 4, "phone": "0912 345 678"
            } }),
        )
        .await;

    // Assert
    let household = &data["createHousehold"];
    assert_eq!(household["code"], "15");
    assert_eq!(household["headName"], "Lê Văn Tám");
    assert_eq!(household["address"], "15 Lê Hoàn");
    assert_eq!(household["memberCount"], 4);
    assert_eq!(household["phone"], "+84912345678");
    assert_eq!(household["status"], "ACTIVE");
    assert_eq!(household["version"], 1);
    assert_eq!(household["createdAt"], household["updatedAt"]);
    assert_eq!(household["group"], json!({ "id": fixture.group_id, "code": "1" }));
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 1));
    assert_eq!(stored(&app, id_of(household)).await, household_without_group(household));
}

#[tokio::test]
async fn every_common_phone_spelling_is_stored_in_one_form() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let cases = [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("+84 0912-345-678", "+84912345678"),
        ("(024) 3825 1234", "+842438251234"),
    ];

    for (n, (spelling, expected)) in cases.into_iter().enumerate() {
        let mut input = valid_input(&fixture.group_id);
        input["code"] = json!(format!("P{n}"));
        input["phone"] = json!(spelling);

        // Act
        let data = app.gql_ok(&create_mutation(), json!({ "input": input })).await;

        // Assert
        assert_eq!(data["createHousehold"]["phone"], expected, "{spelling}");
    }
}

#[tokio::test]
async fn a_household_without_a_phone_has_none() {
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let mut input = valid_input(&fixture.group_id);
    input.as_object_mut().expect("object").remove("phone");

    let data = app.gql_ok(&create_mutation(), json!({ "input": input })).await;

    assert_eq!(data["createHousehold"]["phone"], Value::Null);
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 1));
}

#[tokio::test]
async fn household_by_id_returns_it_with_its_group_and_ward() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let id = create_household(&app, &fixture.other_group_id, "7", "Nguyễn Văn An").await;

    // Act
    let data = app
        .gql_ok(
            "query($id: ID!) { household(id: $id) {
                id code headName address memberCount phone status version
                group { id code name ward { id code } }
            } }",
            json!({ "id": id }),
        )
        .await;

    // Assert
    assert_eq!(
        data["household"],
        json!({
            "id": id, "code": "7", "headName": "Nguyễn Văn An", "address": "Số 7 Lê Hoàn",
            "memberCount": 4, "phone": null, "status": "ACTIVE", "version": 1,
            "group": {
                "id": fixture.other_group_id, "code": "2", "name": "Tổ dân phố 2",
                "ward": { "id": fixture.ward_id, "code": "W1" }
            }
        })
    );
}

#[tokio::test]
async fn households_of_a_group_are_its_own_in_natural_code_order() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let ten = create_household(&app, &fixture.group_id, "10", "Trần Văn Mười").await;
    let two = create_household(&app, &fixture.group_id, "2", "Phạm Thị Hai").await;
    create_household(&app, &fixture.other_group_id, "1", "Hộ của tổ khác").await;

    // Act
    let top_level = app
        .gql_ok(
            "query($g: ID!) { households(groupId: $g) {
                totalCount pageInfo { hasNextPage hasPreviousPage }
                edges { node { id code headName group { id } } }
            } }",
            json!({ "g": fixture.group_id }),
        )
        .await;
    let nested = app
        .gql_ok(
            "query($g: ID!) { group(id: $g) { households { totalCount edges { node { id code headName group { id } } } } } }",
            json!({ "g": fixture.group_id }),
        )
        .await;

    // Assert
    let expected_edges = json!([
        { "node": { "id": two, "code": "2", "headName": "Phạm Thị Hai", "group": { "id": fixture.group_id } } },
        { "node": { "id": ten, "code": "10", "headName": "Trần Văn Mười", "group": { "id": fixture.group_id } } },
    ]);
    assert_eq!(top_level["households"]["totalCount"], 2);
    assert_eq!(
        top_level["households"]["pageInfo"],
        json!({ "hasNextPage": false, "hasPreviousPage": false })
    );
    assert_eq!(top_level["households"]["edges"], expected_edges);
    assert_eq!(nested["group"]["households"]["totalCount"], 2);
    assert_eq!(nested["group"]["households"]["edges"], expected_edges);
}

#[tokio::test]
async fn create_household_refuses_each_invalid_field_and_stores_nothing() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let cases = [
        ("empty head name", "headName", json!("")),
        ("blank head name", "headName", json!("  \t ")),
        ("201-character head name", "headName", json!("Đ".repeat(201))),
        ("empty code", "code", json!("")),
        ("code with a space", "code", json!("15 A")),
        ("33-character code", "code", json!("1".repeat(33))),
        ("blank address", "address", json!("   ")),
        ("501-character address", "address", json!("ư".repeat(501))),
        ("no members", "memberCount", json!(0)),
        ("101 members", "memberCount", json!(101)),
        ("negative members", "memberCount", json!(-1)),
        ("too short a phone", "phone", json!("12345")),
        ("a foreign phone", "phone", json!("+1 202 555 0100")),
        ("a phone with a letter", "phone", json!("09x2345678")),
        ("a phone with no trunk prefix", "phone", json!("912345678")),
    ];

    for (case, field, value) in cases {
        let mut input = valid_input(&fixture.group_id);
        input[field] = value;

        // Act
        let body = app.gql(&create_mutation(), json!({ "input": input })).await;

        // Assert
        assert_bad_input(&body, field, case);
        assert_eq!(hierarchy_rows(&app).await, (1, 2, 0), "{case}");
    }
}

#[tokio::test]
async fn create_household_accepts_the_bounds_of_every_field() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let cases = [
        ("one member", "memberCount", json!(1)),
        ("100 members", "memberCount", json!(100)),
        ("200-character head name", "headName", json!("Đ".repeat(200))),
        ("500-character address", "address", json!("ư".repeat(500))),
        ("32-character code", "code", json!("9".repeat(32))),
    ];

    for (n, (case, field, value)) in cases.into_iter().enumerate() {
        let mut input = valid_input(&fixture.group_id);
        input["code"] = json!(format!("B{n}"));
        input[field] = value.clone();

        // Act
        let data = app.gql_ok(&create_mutation(), json!({ "input": input })).await;

        // Assert
        assert_eq!(data["createHousehold"][field], value, "{case}");
    }
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 5));
}

#[tokio::test]
async fn a_malformed_id_is_bad_user_input_naming_the_argument() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let household = created(&app, &fixture.group_id).await;
    let mut create = valid_input("tổ 1");
    create["code"] = json!("16");
    let cases = [
        ("household", "query { household(id: \"15\") { id } }".to_owned(), json!({}), "id"),
        (
            "households",
            "query { households(groupId: \"tổ 1\") { totalCount } }".to_owned(),
            json!({}),
            "groupId",
        ),
        ("createHousehold", create_mutation(), json!({ "input": create }), "groupId"),
        (
            "updateHousehold",
            update_mutation(),
            json!({ "id": "15", "v": 1, "input": { "memberCount": 5 } }),
            "id",
        ),
        ("setHouseholdStatus", status_mutation(), json!({ "id": "15", "v": 1, "status": "MOVED_OUT" }), "id"),
    ];

    for (case, query, variables, field) in cases {
        // Act
        let body = app.gql(&query, variables).await;

        // Assert
        assert_bad_input(&body, field, case);
    }
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 1));
    assert_eq!(stored(&app, id_of(&household)).await, household_without_group(&household));
}

#[tokio::test]
async fn unknown_ids_are_not_found_and_store_nothing() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let household = created(&app, &fixture.group_id).await;
    let mut create = valid_input(&unknown_id());
    create["code"] = json!("16");
    let cases = [
        (
            "household",
            "query($id: ID!) { household(id: $id) { id } }".to_owned(),
            json!({ "id": unknown_id() }),
        ),
        (
            "households",
            "query($g: ID!) { households(groupId: $g) { totalCount } }".to_owned(),
            json!({ "g": unknown_id() }),
        ),
        ("createHousehold", create_mutation(), json!({ "input": create })),
        (
            "updateHousehold",
            update_mutation(),
            json!({ "id": unknown_id(), "v": 1, "input": { "memberCount": 5 } }),
        ),
        (
            "setHouseholdStatus",
            status_mutation(),
            json!({ "id": unknown_id(), "v": 1, "status": "MOVED_OUT" }),
        ),
    ];

    for (case, query, variables) in cases {
        // Act
        let body = app.gql(&query, variables).await;

        // Assert
        assert_eq!(error_code(&body), "NOT_FOUND", "{case}: {body:#}");
        assert!(body["data"].is_null(), "{case}");
        assert_eq!(hierarchy_rows(&app).await, (1, 2, 1), "{case}");
    }
    assert_eq!(stored(&app, id_of(&household)).await, household_without_group(&household));
}

#[tokio::test]
async fn create_household_with_a_code_taken_in_the_group_is_a_conflict_and_stores_nothing() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let first = created(&app, &fixture.group_id).await;
    let mut input = valid_input(&fixture.group_id);
    input["headName"] = json!("Người khác");

    // Act
    let body = app.gql(&create_mutation(), json!({ "input": input })).await;

    // Assert
    assert_eq!(error_code(&body), "CONFLICT", "{body:#}");
    assert!(body["data"].is_null());
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 1));
    assert_eq!(stored(&app, id_of(&first)).await["headName"], "Lê Văn Tám");
}

#[tokio::test]
async fn the_same_household_code_in_two_groups_is_accepted() {
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    created(&app, &fixture.group_id).await;

    let second = created(&app, &fixture.other_group_id).await;

    assert_eq!(second["code"], "15");
    assert_eq!(second["group"]["id"], fixture.other_group_id.as_str());
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 2));
}

#[tokio::test]
async fn update_household_changes_only_the_given_fields_and_increments_the_version() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let before = created(&app, &fixture.group_id).await;
    let id = id_of(&before);

    // Act
    let data = app
        .gql_ok(
            &update_mutation(),
            json!({ "id": id, "v": 1, "input": { "memberCount": 6, "address": " 17 Lê Hoàn " } }),
        )
        .await;

    // Assert
    let after = &data["updateHousehold"];
    assert_eq!(after["memberCount"], 6);
    assert_eq!(after["address"], "17 Lê Hoàn");
    assert_eq!(after["version"], 2);
    for unchanged in ["id", "code", "headName", "phone", "status", "createdAt"] {
        assert_eq!(after[unchanged], before[unchanged], "{unchanged}");
    }
    assert!(timestamp(&after["updatedAt"]) > timestamp(&before["updatedAt"]));
    assert_eq!(&stored(&app, id).await, after);
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 1));
}

#[tokio::test]
async fn update_household_with_phone_null_clears_the_phone_and_omitting_it_keeps_it() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let household = created(&app, &fixture.group_id).await;
    let id = id_of(&household);

    // Act
    let kept = app
        .gql_ok(&update_mutation(), json!({ "id": id, "v": 1, "input": { "headName": "Lê Thị Tám" } }))
        .await;
    let cleared =
        app.gql_ok(&update_mutation(), json!({ "id": id, "v": 2, "input": { "phone": null } })).await;
    let replaced = app
        .gql_ok(&update_mutation(), json!({ "id": id, "v": 3, "input": { "phone": "+84 987.654.321" } }))
        .await;

    // Assert
    assert_eq!(kept["updateHousehold"]["phone"], "+84912345678");
    assert_eq!(kept["updateHousehold"]["headName"], "Lê Thị Tám");
    assert_eq!(cleared["updateHousehold"]["phone"], Value::Null);
    assert_eq!(cleared["updateHousehold"]["headName"], "Lê Thị Tám");
    assert_eq!(cleared["updateHousehold"]["version"], 3);
    assert_eq!(replaced["updateHousehold"]["phone"], "+84987654321");
    assert_eq!(replaced["updateHousehold"]["version"], 4);
    assert_eq!(stored(&app, id).await["phone"], "+84987654321");
}

#[tokio::test]
async fn update_household_refuses_each_invalid_field_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let household = created(&app, &fixture.group_id).await;
    let id = id_of(&household);
    let before = stored(&app, id).await;
    let cases = [
        ("blank head name", "headName", json!("   ")),
        ("201-character head name", "headName", json!("a".repeat(201))),
        ("empty code", "code", json!("")),
        ("code with a space", "code", json!("1 5")),
        ("33-character code", "code", json!("x".repeat(33))),
        ("empty address", "address", json!("")),
        ("501-character address", "address", json!("a".repeat(501))),
        ("no members", "memberCount", json!(0)),
        ("101 members", "memberCount", json!(101)),
        ("bad phone", "phone", json!("0123")),
    ];

    for (case, field, value) in cases {
        // Act
        let body = app.gql(&update_mutation(), json!({ "id": id, "v": 1, "input": { field: value } })).await;

        // Assert
        assert_bad_input(&body, field, case);
        assert_eq!(stored(&app, id).await, before, "{case}");
    }
}

#[tokio::test]
async fn update_household_to_a_code_taken_in_the_group_is_a_conflict_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    create_household(&app, &fixture.group_id, "3", "Hoàng Văn Ba").await;
    let household = created(&app, &fixture.group_id).await;
    let id = id_of(&household);
    let before = stored(&app, id).await;

    // Act
    let body = app
        .gql(&update_mutation(), json!({ "id": id, "v": 1, "input": { "code": "3", "memberCount": 9 } }))
        .await;

    // Assert
    assert_eq!(error_code(&body), "CONFLICT", "{body:#}");
    assert!(body["data"].is_null());
    assert_eq!(stored(&app, id).await, before);
    assert_eq!(hierarchy_rows(&app).await, (1, 2, 2));
}

#[tokio::test]
async fn update_household_with_a_stale_version_is_a_conflict_naming_the_current_version() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let household = created(&app, &fixture.group_id).await;
    let id = id_of(&household);
    for (version, members) in [(1, 5), (2, 6)] {
        app.gql_ok(
            &update_mutation(),
            json!({ "id": id, "v": version, "input": { "memberCount": members } }),
        )
        .await;
    }
    let before = stored(&app, id).await;
    assert_eq!(before["version"], 3);

    // Act
    let body = app
        .gql(
            &update_mutation(),
            json!({ "id": id, "v": 2, "input": { "memberCount": 7, "headName": "Ai đó" } }),
        )
        .await;

    // Assert
    assert_eq!(error_code(&body), "CONFLICT", "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["currentVersion"], 3, "{body:#}");
    assert!(body["data"].is_null());
    assert_eq!(stored(&app, id).await, before);
}

#[tokio::test]
async fn of_two_concurrent_updates_from_the_same_version_exactly_one_wins() {
    // Arrange: several households, so the two requests of at least some pairs truly overlap in the
    // database (one pair alone often runs one after the other).
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let mutation = update_mutation();
    for round in 0..10 {
        let id = create_household(&app, &fixture.group_id, &format!("R{round}"), "Lê Văn Tám").await;

        // Act
        let (first, second) = tokio::join!(
            app.gql(
                &mutation,
                json!({ "id": id, "v": 1, "input": { "headName": "Người thứ nhất", "memberCount": 2 } }),
            ),
            app.gql(
                &mutation,
                json!({ "id": id, "v": 1, "input": { "headName": "Người thứ hai", "memberCount": 3 } }),
            ),
        );

        // Assert
        let (winner, loser) = match (first.get("errors"), second.get("errors")) {
            (None, Some(_)) => (&first, &second),
            (Some(_), None) => (&second, &first),
            _ => panic!("round {round}: exactly one update must win:\n{first:#}\n{second:#}"),
        };
        assert_eq!(error_code(loser), "CONFLICT", "round {round}: {loser:#}");
        assert_eq!(loser["errors"][0]["extensions"]["currentVersion"], 2, "round {round}: {loser:#}");
        let won = &winner["data"]["updateHousehold"];
        assert_eq!(won["version"], 2, "round {round}");
        let now = stored(&app, &id).await;
        assert_eq!(now["version"], 2, "round {round}");
        assert_eq!(now["headName"], won["headName"], "round {round}");
        assert_eq!(now["memberCount"], won["memberCount"], "round {round}");
    }
}

#[tokio::test]
async fn set_household_status_changes_the_status_and_increments_the_version() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let before = created(&app, &fixture.group_id).await;
    let id = id_of(&before);

    // Act
    let moved = app.gql_ok(&status_mutation(), json!({ "id": id, "v": 1, "status": "MOVED_OUT" })).await;
    let dissolved = app.gql_ok(&status_mutation(), json!({ "id": id, "v": 2, "status": "DISSOLVED" })).await;

    // Assert
    assert_eq!(moved["setHouseholdStatus"]["status"], "MOVED_OUT");
    assert_eq!(moved["setHouseholdStatus"]["version"], 2);
    let after = &dissolved["setHouseholdStatus"];
    assert_eq!(after["status"], "DISSOLVED");
    assert_eq!(after["version"], 3);
    for unchanged in ["code", "headName", "address", "memberCount", "phone", "createdAt"] {
        assert_eq!(after[unchanged], before[unchanged], "{unchanged}");
    }
    assert_eq!(&stored(&app, id).await, after);
}

#[tokio::test]
async fn set_household_status_with_a_stale_version_is_a_conflict_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let household = created(&app, &fixture.group_id).await;
    let id = id_of(&household);
    app.gql_ok(&update_mutation(), json!({ "id": id, "v": 1, "input": { "memberCount": 5 } })).await;
    let before = stored(&app, id).await;

    // Act
    let body = app.gql(&status_mutation(), json!({ "id": id, "v": 1, "status": "DISSOLVED" })).await;

    // Assert
    assert_eq!(error_code(&body), "CONFLICT", "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["currentVersion"], 2, "{body:#}");
    assert_eq!(stored(&app, id).await, before);
    assert_eq!(before["status"], "ACTIVE");
}
