//! Reading assessments: `groupAssessments` by group code for the ward's officials, police and
//! administrators, narrowed to their own group for a leader; `ResidentialGroup.assessment(year)`;
//! `node`. Another ward reads exactly like one that does not exist.

use serde_json::{Value, json};

use super::Wards;
use crate::{
    helpers::{create_group, unknown_id},
    world::assert_refused,
};

const LIST: &str = "query($ward: ID!, $year: Int!, $first: Int, $after: String) {
    groupAssessments(wardId: $ward, year: $year, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { group { code } level { code } } }
    }
}";

/// `groupAssessments` of `ward` for `year` as `token`; the whole body.
async fn list(wards: &Wards, token: &str, ward: &str, year: i32) -> Value {
    wards.app.gql_with(Some(token), LIST, json!({ "ward": ward, "year": year })).await
}

/// (group code, level) of each edge, and the total.
fn listed(body: &Value) -> (Vec<(String, String)>, i64) {
    let list = &body["data"]["groupAssessments"];
    let edges = list["edges"].as_array().unwrap_or_else(|| panic!("{body:#}"));
    let rows = edges
        .iter()
        .map(|e| {
            let node = &e["node"];
            (
                node["group"]["code"].as_str().expect("code").to_owned(),
                node["level"]["code"].as_str().expect("level").to_owned(),
            )
        })
        .collect();
    (rows, list["totalCount"].as_i64().expect("total"))
}

/// `group(id) { assessment(year) }` as `token`; the whole body.
async fn ask(wards: &Wards, token: &str, group: &str, year: i32) -> Value {
    let query = "query($id: ID!, $year: Int!) { group(id: $id) { code assessment(year: $year) { id level { label } } } }";
    wards.app.gql_with(Some(token), query, json!({ "id": group, "year": year })).await
}

/// `node(id)` as `token`, with an assessment's year and group; the whole body.
async fn node(wards: &Wards, token: &str, id: &str) -> Value {
    let query =
        "query($id: ID!) { node(id: $id) { __typename id ... on GroupAssessment { year group { code } } } }";
    wards.app.gql_with(Some(token), query, json!({ "id": id })).await
}

fn rows(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(code, level)| ((*code).to_owned(), (*level).to_owned())).collect()
}

#[tokio::test]
async fn the_wards_officials_and_police_read_every_group_a_leader_their_own_and_another_ward_nothing() {
    // Arrange
    let wards = Wards::build().await;
    wards.assessed(&wards.group_12, 2023, "KHA").await;
    wards.assessed(&wards.group_11, 2023, "XUAT_SAC").await;
    wards.assessed(&wards.group_11, 2022, "YEU").await;
    wards.assessed(&wards.group_21, 2023, "TRUNG_BINH").await;
    let ward_a = rows(&[("11", "XUAT_SAC"), ("12", "KHA")]);

    // Act and assert
    for (who, token) in
        [("admin", &wards.app.admin_token), ("official", &wards.official), ("police", &wards.police)]
    {
        assert_eq!(listed(&list(&wards, token, &wards.ward_a, 2023).await), (ward_a.clone(), 2), "{who}");
    }
    assert_eq!(
        listed(&list(&wards, &wards.leader, &wards.ward_a, 2023).await),
        (rows(&[("11", "XUAT_SAC")]), 1)
    );
    assert_eq!(
        listed(&list(&wards, &wards.leader_12, &wards.ward_a, 2023).await),
        (rows(&[("12", "KHA")]), 1)
    );
    assert_eq!(listed(&list(&wards, &wards.police, &wards.ward_a, 2022).await), (rows(&[("11", "YEU")]), 1));
    assert_eq!(listed(&list(&wards, &wards.official, &wards.ward_a, 2021).await), (Vec::new(), 0));
    assert_eq!(
        listed(&list(&wards, &wards.app.admin_token, &wards.ward_b, 2023).await),
        (rows(&[("21", "TRUNG_BINH")]), 1)
    );
    let unknown = list(&wards, &wards.official, &unknown_id(), 2023).await;
    assert_refused(&unknown, "NOT_FOUND", None, "an unknown ward");
    for (who, token) in [("official", &wards.official), ("police", &wards.police), ("leader", &wards.leader)]
    {
        let foreign = list(&wards, token, &wards.ward_b, 2023).await;
        assert_eq!(foreign, unknown, "{who} of ward A reading ward B");
    }
    let bad_year = list(&wards, &wards.official, &wards.ward_a, 1999).await;
    assert_refused(&bad_year, "BAD_USER_INPUT", Some("year"), "a year out of range");
}

#[tokio::test]
async fn a_wards_list_pages_by_group_code_in_natural_order() {
    // Arrange
    let wards = Wards::build().await;
    let group_2 = create_group(&wards.app, &wards.ward_a, "2").await;
    for group in [&wards.group_12, &group_2, &wards.group_11] {
        wards.assessed(group, 2023, "KHA").await;
    }

    // Act
    let first = wards
        .app
        .gql_with(Some(&wards.police), LIST, json!({ "ward": wards.ward_a, "year": 2023, "first": 2 }))
        .await;
    let cursor = first["data"]["groupAssessments"]["pageInfo"]["endCursor"].clone();
    let rest = wards
        .app
        .gql_with(
            Some(&wards.police),
            LIST,
            json!({ "ward": wards.ward_a, "year": 2023, "first": 2, "after": cursor }),
        )
        .await;

    // Assert
    assert_eq!(listed(&first), (rows(&[("2", "KHA"), ("11", "KHA")]), 3));
    assert_eq!(first["data"]["groupAssessments"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(listed(&rest), (rows(&[("12", "KHA")]), 3));
    assert_eq!(rest["data"]["groupAssessments"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn a_group_answers_its_assessment_of_a_year_and_null_for_a_year_without_one() {
    // Arrange
    let wards = Wards::build().await;
    let assessed = wards.assessed(&wards.group_11, 2023, "KHA").await;

    // Act
    let mut readers = Vec::new();
    for token in [&wards.app.admin_token, &wards.official, &wards.police, &wards.leader] {
        readers.push(ask(&wards, token, &wards.group_11, 2023).await);
    }
    let other_year = ask(&wards, &wards.leader, &wards.group_11, 2022).await;
    let other_group = ask(&wards, &wards.leader, &wards.group_12, 2023).await;
    let bad_year = ask(&wards, &wards.official, &wards.group_11, 1999).await;

    // Assert
    let expected = json!({ "data": { "group": { "code": "11", "assessment": {
        "id": assessed["id"], "level": { "label": "Khá" }
    } } } });
    for body in readers {
        assert_eq!(body, expected);
    }
    assert_eq!(other_year, json!({ "data": { "group": { "code": "11", "assessment": null } } }));
    assert_refused(&other_group, "NOT_FOUND", None, "a leader asking for another group");
    assert_eq!(bad_year["errors"][0]["extensions"]["field"], "year", "{bad_year:#}");
    assert_eq!(bad_year["data"]["group"], json!({ "code": "11" }), "left out with its error: {bad_year:#}");
}

#[tokio::test]
async fn node_answers_an_assessment_to_whoever_reads_it_and_as_unknown_to_anyone_else() {
    // Arrange
    let wards = Wards::build().await;
    let in_11 = wards.assessed(&wards.group_11, 2023, "KHA").await["id"].as_str().expect("id").to_owned();
    let in_12 = wards.assessed(&wards.group_12, 2023, "KHA").await["id"].as_str().expect("id").to_owned();
    let seen = |id: &str, code: &str| json!({ "data": { "node": { "__typename": "GroupAssessment", "id": id, "year": 2023, "group": { "code": code } } } });

    // Act
    let unknown = node(&wards, &wards.official, &unknown_id()).await;
    let cases = [
        ("admin", &wards.app.admin_token, &in_12, true),
        ("police of A", &wards.police, &in_12, true),
        ("leader of 11 on 11", &wards.leader, &in_11, true),
        ("leader of 11 on 12", &wards.leader, &in_12, false),
        ("official of B", &wards.official_b, &in_11, false),
        ("police of B", &wards.police_b, &in_11, false),
    ];

    // Assert
    for (case, token, id, visible) in cases {
        let body = node(&wards, token, id).await;
        if visible {
            let code = if *id == in_11 { "11" } else { "12" };
            assert_eq!(body, seen(id, code), "{case}");
        } else {
            let mut expected = unknown.clone();
            expected["errors"][0]["locations"] = body["errors"][0]["locations"].clone();
            assert_eq!(body, expected, "{case}");
        }
    }
}
