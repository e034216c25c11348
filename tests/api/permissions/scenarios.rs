//! The nested paths and `me`, spelled out: a leader asking for their ward sees only their
//! group; `wards` lists only their ward; `me` names each role's ward or group; two assignments add up.

use serde_json::json;

use super::{
    Caller,
    world::{self, World},
};
use crate::helpers::{TEST_PASSWORD, create_user, error_code};

#[tokio::test]
async fn a_leader_asking_for_their_ward_sees_only_their_group_and_its_households() {
    // Arrange
    let world = World::build().await;
    let leader = world.token(Caller::Leader);

    // Act
    let body = world
        .app
        .gql_with(
            leader.as_deref(),
            "query($id: ID!) { ward(id: $id) { code groups { totalCount edges { node { code
                households { totalCount edges { node { code headName phone } } }
            } } } } }",
            json!({ "id": world.ward_a.id }),
        )
        .await;

    // Assert
    assert_eq!(
        body,
        json!({ "data": { "ward": { "code": "WA", "groups": { "totalCount": 1, "edges": [
            { "node": { "code": "11", "households": { "totalCount": 1, "edges": [
                { "node": { "code": "H11", "headName": "Nguyễn Văn An", "phone": "+84912345611" } }
            ] } } }
        ] } } } })
    );
}

#[tokio::test]
async fn wards_for_a_leader_lists_only_their_ward_with_only_their_group() {
    // Arrange
    let world = World::build().await;
    let leader = world.token(Caller::Leader);

    // Act
    let body = world
        .app
        .gql_with(
            leader.as_deref(),
            "{ wards { totalCount edges { node { code name groups { edges { node { code
                households { totalCount }
            } } } } } } }",
            json!({}),
        )
        .await;

    // Assert
    assert_eq!(
        body,
        json!({ "data": { "wards": { "totalCount": 1, "edges": [
            { "node": { "code": "WA", "name": "Phường Lam Sơn", "groups": { "edges": [
                { "node": { "code": "11", "households": { "totalCount": 1 } } }
            ] } } }
        ] } } })
    );
}

const ME: &str =
    "{ me { username displayName roleAssignments { role ward { code name } group { code name } } } }";

#[tokio::test]
async fn me_returns_each_callers_role_assignments_with_ward_and_group_names() {
    // Arrange
    let world = World::build().await;

    for (caller, expected) in [
        (
            Caller::Admin,
            json!({ "username": "root", "displayName": "Root", "roleAssignments": [
                { "role": "ADMIN", "ward": null, "group": null }
            ] }),
        ),
        (
            Caller::Official,
            json!({ "username": "official.a", "displayName": world::OFFICIAL_NAME, "roleAssignments": [
                { "role": "WARD_OFFICIAL", "ward": { "code": "WA", "name": "Phường Lam Sơn" }, "group": null }
            ] }),
        ),
        (
            Caller::Leader,
            json!({ "username": "leader.11", "displayName": world::LEADER_NAME, "roleAssignments": [
                { "role": "GROUP_LEADER", "ward": null, "group": { "code": "11", "name": "Tổ dân phố 11" } }
            ] }),
        ),
    ] {
        // Act
        let body = world.app.gql_with(world.token(caller).as_deref(), ME, json!({})).await;

        // Assert
        assert_eq!(body, json!({ "data": { "me": expected } }), "{caller:?}");
    }
}

#[tokio::test]
async fn a_user_with_two_assignments_sees_both_in_me_and_acts_in_the_union_of_their_scopes() {
    // Arrange: an official of ward A who also leads group 21 of ward B.
    let world = World::build().await;
    let app = &world.app;
    create_user(
        app,
        "lan.both",
        "Nguyễn Thị Lan",
        json!([
            { "role": "WARD_OFFICIAL", "wardId": world.ward_a.id },
            { "role": "GROUP_LEADER", "groupId": world.group_21.id }
        ]),
    )
    .await;
    let token = app.login("lan.both", TEST_PASSWORD).await;

    // Act
    let me = app.gql_with(Some(&token), ME, json!({})).await;
    let wards = app
        .gql_with(
            Some(&token),
            "{ wards { edges { node { code groups { edges { node { code } } } } } } }",
            json!({}),
        )
        .await;
    let other_ward_groups_before = app.count_rows("residential_group").await;
    let create_group_in_led_ward = app
        .gql_with(
            Some(&token),
            "mutation($input: CreateGroupInput!) { createGroup(input: $input) { code } }",
            json!({ "input": { "wardId": world.ward_b.id, "code": "22", "name": "Tổ dân phố 22" } }),
        )
        .await;

    // Assert
    assert_eq!(
        me,
        json!({ "data": { "me": { "username": "lan.both", "displayName": "Nguyễn Thị Lan", "roleAssignments": [
            { "role": "WARD_OFFICIAL", "ward": { "code": "WA", "name": "Phường Lam Sơn" }, "group": null },
            { "role": "GROUP_LEADER", "ward": null, "group": { "code": "21", "name": "Tổ dân phố 21" } }
        ] } } })
    );
    assert_eq!(
        wards,
        json!({ "data": { "wards": { "edges": [
            { "node": { "code": "WA", "groups": { "edges": [
                { "node": { "code": "11" } }, { "node": { "code": "12" } }
            ] } } },
            { "node": { "code": "WB", "groups": { "edges": [{ "node": { "code": "21" } }] } } }
        ] } } })
    );
    // Leading a group of ward B does not make them an official of it.
    assert_eq!(error_code(&create_group_in_led_ward), "NOT_FOUND", "{create_group_in_led_ward:#}");
    assert_eq!(app.count_rows("residential_group").await, other_ward_groups_before);
}

#[tokio::test]
async fn a_leader_climbing_from_their_household_to_the_ward_and_down_again_sees_only_their_group() {
    // Arrange
    let world = World::build().await;
    let leader = world.token(Caller::Leader);

    // Act
    let body = world
        .app
        .gql_with(
            leader.as_deref(),
            "query($id: ID!) { household(id: $id) { code group { code ward { code
                groups { totalCount edges { node { code households { edges { node { code group { code } } } } } } }
            } } } }",
            json!({ "id": world.household_11.id }),
        )
        .await;

    // Assert
    assert_eq!(
        body,
        json!({ "data": { "household": { "code": "H11", "group": { "code": "11", "ward": { "code": "WA",
            "groups": { "totalCount": 1, "edges": [{ "node": { "code": "11", "households": { "edges": [
                { "node": { "code": "H11", "group": { "code": "11" } } }
            ] } } }] }
        } } } } })
    );
}

#[tokio::test]
async fn an_official_sees_every_group_of_their_ward_and_nothing_of_another() {
    // Arrange
    let world = World::build().await;
    let official = world.token(Caller::Official);

    // Act
    let body = world
        .app
        .gql_with(
            official.as_deref(),
            "{ wards { edges { node { code groups { edges { node { code
                households { edges { node { code phone } } }
            } } } } } } }",
            json!({}),
        )
        .await;

    // Assert
    assert_eq!(
        body,
        json!({ "data": { "wards": { "edges": [{ "node": { "code": "WA", "groups": { "edges": [
            { "node": { "code": "11", "households": { "edges": [{ "node": { "code": "H11", "phone": "+84912345611" } }] } } },
            { "node": { "code": "12", "households": { "edges": [{ "node": { "code": "H12", "phone": "+84912345612" } }] } } }
        ] } } }] } } })
    );
}
