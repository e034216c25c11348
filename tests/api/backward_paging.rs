//! Relay's backward paging on every connection: `last`/`before` walk a list from its end and visit
//! exactly what `first`/`after` visit, in reverse page order, with `pageInfo` as the cursor
//! connections specification sets it; `first` with `last` is refused.

use serde_json::{Value, json};

use crate::{
    drive::{VIETNAM_NOON, open_campaign, set_clock},
    helpers::{
        TestApp, create_group, create_household, create_user, create_ward, error_code, error_field, spawn_app,
    },
};

const PAGE: &str =
    "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }";

/// A list to walk: its name, the query (variables `first`, `after`, `last`, `before`, and `id` when it
/// names a parent), and the path from `data` to the connection.
struct List {
    name: &'static str,
    query: String,
    path: Vec<Value>,
    id: Value,
}

fn list(name: &'static str, field: &str, path: &[Value], id: Value) -> List {
    let id_variable = if field.contains("$id") { ", $id: ID!" } else { "" };
    let query =
        format!("query($first: Int, $after: String, $last: Int, $before: String{id_variable}) {{ {field} }}")
            .replace("ARGS", "first: $first, after: $after, last: $last, before: $before")
            .replace("PAGE", PAGE);
    List { name, query, path: path.to_vec(), id }
}

fn at<'a>(data: &'a Value, path: &[Value]) -> &'a Value {
    path.iter().fold(data, |value, step| match step {
        Value::String(key) => &value[key.as_str()],
        Value::Number(index) => &value[index.as_u64().expect("an index") as usize],
        _ => panic!("bad path"),
    })
}

fn ids(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges in {connection:#}"))
        .iter()
        .map(|edge| edge["node"]["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// Walks `list` 3 at a time, forward (`first`/`after`) or backward (`last`/`before`), checking each
/// page's `pageInfo`; returns the ids in list order.
async fn walk(app: &TestApp, list: &List, backward: bool) -> Vec<String> {
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let variables = match backward {
            false => json!({ "first": 3, "after": cursor, "id": list.id }),
            true => json!({ "last": 3, "before": cursor, "id": list.id }),
        };
        let data = app.gql_ok(&list.query, variables).await;
        let page = at(&data, &list.path);
        let info = &page["pageInfo"];
        let edges = page["edges"].as_array().expect("edges");
        let n = pages.len();
        let what =
            format!("{} {} page {n}: {page}", list.name, if backward { "backward" } else { "forward" });
        assert!(!edges.is_empty() && edges.len() <= 3, "{what}");
        assert_eq!(info["startCursor"], edges[0]["cursor"], "{what}");
        assert_eq!(info["endCursor"], edges[edges.len() - 1]["cursor"], "{what}");
        // The far end says whether more lie beyond; the near end is true whenever a cursor was given.
        let (far, near) = match backward {
            false => (&info["hasNextPage"], &info["hasPreviousPage"]),
            true => (&info["hasPreviousPage"], &info["hasNextPage"]),
        };
        assert_eq!(near, &json!(n > 0), "{what}");
        pages.push(ids(page));
        if far != &json!(true) {
            break;
        }
        cursor = if backward { info["startCursor"].clone() } else { info["endCursor"].clone() };
        assert!(pages.len() < 20, "{what}: paging does not end");
    }
    if backward {
        pages.reverse();
    }
    pages.concat()
}

#[tokio::test]
async fn paging_backward_through_every_connection_visits_what_paging_forward_does() {
    // Arrange: every list longer than one page.
    let app = spawn_app().await;
    set_clock(&app, VIETNAM_NOON);
    let mut wards = Vec::new();
    for code in ["W7", "W1", "W3", "W2", "W6", "W4", "W5"] {
        wards.push(create_ward(&app, code, &format!("Phường {code}")).await);
    }
    let ward = wards[1].clone();
    let mut groups = Vec::new();
    for code in ["10", "2", "7", "1", "3", "11", "4"] {
        groups.push(create_group(&app, &ward, code).await);
    }
    let group = groups[1].clone();
    for code in ["12", "3", "1", "10", "2", "5", "4", "11", "6", "8", "7", "9"] {
        create_household(&app, &group, code, &format!("Chủ hộ {code}")).await;
    }
    for (n, leads) in groups.iter().enumerate() {
        let assignments = json!([{ "role": "GROUP_LEADER", "groupId": leads }]);
        create_user(&app, &format!("leader.{n}"), &format!("Tổ trưởng {n}"), assignments).await;
        app.gql_ok(
            "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }",
            json!({ "input": {
                "clientMutationId": uuid::Uuid::now_v7().to_string(), "groupId": group, "category": "PATROL",
                "occurredOn": "2023-01-15", "description": format!("Tuần tra {n}")
            } }),
        )
        .await;
    }
    let mut campaign = String::new();
    for n in 0..7 {
        campaign = open_campaign(&app, &format!("Chiến dịch {n}"), None).await;
    }
    let lists = [
        list("wards", "c: wards(ARGS) { PAGE }", &[json!("c")], Value::Null),
        list(
            "Ward.groups",
            "ward(id: $id) { c: groups(ARGS) { PAGE } }",
            &[json!("ward"), json!("c")],
            json!(ward),
        ),
        list("households", "c: households(groupId: $id, ARGS) { PAGE }", &[json!("c")], json!(group)),
        list(
            "ResidentialGroup.households",
            "group(id: $id) { c: households(ARGS) { PAGE } }",
            &[json!("group"), json!("c")],
            json!(group),
        ),
        list(
            "GroupCoverage.unsignedHouseholds",
            &format!(
                "coverageReport(campaignId: \"{campaign}\", groupId: $id) {{ groups {{ c: unsignedHouseholds(ARGS) {{ PAGE }} }} }}"
            ),
            &[json!("coverageReport"), json!("groups"), json!(0), json!("c")],
            json!(group),
        ),
        list("users", "c: users(ARGS) { PAGE }", &[json!("c")], Value::Null),
        list("campaigns", "c: campaigns(ARGS) { PAGE }", &[json!("c")], Value::Null),
        list("goodDeeds", "c: goodDeeds(ARGS) { PAGE }", &[json!("c")], Value::Null),
        list("auditEvents", "c: auditEvents(ARGS) { PAGE }", &[json!("c")], Value::Null),
    ];

    for list in &lists {
        // Act
        let forward = walk(&app, list, false).await;
        let backward = walk(&app, list, true).await;

        // Assert
        assert!(forward.len() > 3, "{}: {} items", list.name, forward.len());
        assert_eq!(backward, forward, "{}", list.name);
        let whole = app.gql_ok(&list.query, json!({ "first": 100, "id": list.id })).await;
        assert_eq!(ids(at(&whole, &list.path)), forward, "{}", list.name);
        assert_eq!(at(&whole, &list.path)["totalCount"], forward.len(), "{}", list.name);
    }
}

#[tokio::test]
async fn last_pages_each_parent_of_a_nested_list_from_its_own_end() {
    // Arrange: two wards, whose groups and households load for several parents at once.
    let app = spawn_app().await;
    let (w1, w2) = (create_ward(&app, "W1", "Phường Một").await, create_ward(&app, "W2", "Phường Hai").await);
    for code in ["3", "1", "2", "10"] {
        let group = create_group(&app, &w1, code).await;
        for household in ["2", "1", "3"] {
            create_household(&app, &group, &format!("{code}-{household}"), "Chủ hộ").await;
        }
    }
    create_group(&app, &w2, "5").await;

    // Act
    let data = app
        .gql_ok(
            "{ wards { edges { node { code groups(last: 2) {
                pageInfo { hasNextPage hasPreviousPage }
                edges { node { code households(last: 2) { pageInfo { hasPreviousPage } edges { node { code } } } } }
            } } } } }",
            json!({}),
        )
        .await;

    // Assert
    let households = |group: &str| {
        json!({ "pageInfo": { "hasPreviousPage": true },
                "edges": [{ "node": { "code": format!("{group}-2") } }, { "node": { "code": format!("{group}-3") } }] })
    };
    assert_eq!(
        data["wards"]["edges"],
        json!([
            { "node": { "code": "W1", "groups": {
                "pageInfo": { "hasNextPage": false, "hasPreviousPage": true },
                "edges": [
                    { "node": { "code": "3", "households": households("3") } },
                    { "node": { "code": "10", "households": households("10") } }
                ]
            } } },
            { "node": { "code": "W2", "groups": {
                "pageInfo": { "hasNextPage": false, "hasPreviousPage": false },
                "edges": [{ "node": { "code": "5", "households": { "pageInfo": { "hasPreviousPage": false }, "edges": [] } } }]
            } } }
        ])
    );
}

#[tokio::test]
async fn first_with_last_a_last_out_of_range_or_a_forged_before_is_bad_user_input_naming_it() {
    // Arrange
    let app = spawn_app().await;
    let ward = create_ward(&app, "W1", "Phường Một").await;
    let group = create_group(&app, &ward, "1").await;
    let lists = [
        (
            "wards",
            "query($a: Int, $b: Int, $c: String) { wards(first: $a, last: $b, before: $c) { totalCount } }",
        ),
        (
            "users",
            "query($a: Int, $b: Int, $c: String) { users(first: $a, last: $b, before: $c) { totalCount } }",
        ),
        (
            "households",
            "query($a: Int, $b: Int, $c: String, $g: ID!) { households(groupId: $g, first: $a, last: $b, before: $c) { totalCount } }",
        ),
        (
            "ResidentialGroup.households",
            "query($a: Int, $b: Int, $c: String, $g: ID!) { group(id: $g) { households(first: $a, last: $b, before: $c) { totalCount } } }",
        ),
        (
            "auditEvents",
            "query($a: Int, $b: Int, $c: String) { auditEvents(first: $a, last: $b, before: $c) { totalCount } }",
        ),
    ];
    let cases = [
        ("first with last", json!({ "a": 2, "b": 2 }), "last"),
        ("last above 100", json!({ "b": 101 }), "last"),
        ("last below 0", json!({ "b": -1 }), "last"),
        ("last beyond 32 bits", json!({ "b": 2_147_483_648_i64 }), "last"),
        ("first beyond 32 bits", json!({ "a": 2_147_483_648_i64 }), "first"),
        ("a forged before", json!({ "b": 2, "c": "bm90LWEtY3Vyc29y" }), "before"),
    ];

    for (list, query) in lists {
        for (case, variables, field) in &cases {
            let mut variables = variables.clone();
            variables["g"] = json!(group);

            // Act
            let body = app.gql(query, variables).await;

            // Assert
            assert_eq!(error_code(&body), "BAD_USER_INPUT", "{list}, {case}: {body:#}");
            assert_eq!(error_field(&body), *field, "{list}, {case}: {body:#}");
        }
    }
    let both = app.gql(lists[0].1, json!({ "a": 1, "b": 1 })).await;
    assert_eq!(
        both["errors"][0]["message"],
        "give first (with after) or last (with before), not both: a page is taken from one end"
    );
}
