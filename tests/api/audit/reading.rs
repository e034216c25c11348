//! `auditEvents`: administrators read the whole trail, ward officials their ward's, group leaders
//! nothing; filters by actor, target, action and time; newest first, page by page.

use pledge_api::entities::audit_event;
use serde_json::{Value, json};

use crate::{
    good_deeds::{deed_input, recorded_deed},
    helpers::{TestApp, create_household, error_code, error_field},
    world::{Rows, World},
};

const EVENTS: &str = "query($filter: AuditEventFilterInput, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
        totalCount edges { cursor node { id actorId action targetType targetId occurredAt summary } }
        pageInfo { hasNextPage hasPreviousPage endCursor }
    }
}";

async fn events(
    app: &TestApp,
    token: Option<&str>,
    filter: Value,
    first: Option<i64>,
    after: Option<&str>,
) -> Value {
    app.gql_with(token, EVENTS, json!({ "filter": filter, "first": first, "after": after })).await
}

/// Every event `token` may read with `filter`, page after page of 100, asserting each page's total.
async fn whole_trail(app: &TestApp, token: &str, filter: Value) -> Vec<Value> {
    let mut nodes = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let body = events(app, Some(token), filter.clone(), Some(100), after.as_deref()).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        let connection = &body["data"]["auditEvents"];
        nodes.extend(connection["edges"].as_array().expect("edges").iter().map(|e| e["node"].clone()));
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            assert_eq!(connection["totalCount"].as_u64(), Some(nodes.len() as u64));
            return nodes;
        }
        after = connection["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

fn ids(nodes: &[Value]) -> Vec<String> {
    nodes.iter().map(|n| n["id"].as_str().expect("id").to_owned()).collect()
}

/// The stored events matching `keep`, newest first, by id.
fn stored_ids(rows: &Rows, keep: impl Fn(&audit_event::Model) -> bool) -> Vec<String> {
    let mut kept: Vec<&audit_event::Model> = rows.snapshot.audit_events.iter().filter(|e| keep(e)).collect();
    kept.sort_by_key(|e| std::cmp::Reverse(e.id));
    kept.iter().map(|e| e.id.to_string()).collect()
}

/// (action, target id) of each node.
fn actions_on(nodes: &[Value]) -> Vec<(String, String)> {
    nodes
        .iter()
        .map(|n| {
            (
                n["action"].as_str().expect("action").to_owned(),
                n["targetId"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The deed world, then: the leader updates H1, the official records a deed in group 2, the
/// administrator adds household H22 to ward W2.
async fn busy_world() -> World {
    let world = World::build().await;
    let app = &world.app;
    app.gql_with(
        Some(&world.leader_token),
        "mutation($id: ID!) { updateHousehold(id: $id, expectedVersion: 1, input: { memberCount: 6 }) { id } }",
        json!({ "id": world.household_id }),
    )
    .await;
    recorded_deed(app, &world.official_token, &deed_input(&world.other_group_id, None, "PATROL", "Tuần tra"))
        .await;
    create_household(app, &world.foreign_group_id, "H22", "Hồ Văn Hai").await;
    world
}

#[tokio::test]
async fn an_admin_reads_the_whole_trail_newest_first_with_every_field() {
    // Arrange
    let world = busy_world().await;
    let app = &world.app;
    let rows = Rows::take(app).await;

    // Act
    let nodes = whole_trail(app, &app.admin_token, json!({})).await;

    // Assert
    assert_eq!(ids(&nodes), stored_ids(&rows, |_| true));
    let newest = rows.snapshot.audit_events.iter().max_by_key(|e| e.id).expect("events");
    assert_eq!(
        nodes[0],
        json!({
            "id": newest.id.to_string(), "actorId": newest.actor_id.map(|a| a.to_string()), "action": "household.create",
            "targetType": "household", "targetId": newest.target_id.map(|t| t.to_string()),
            "occurredAt": newest.occurred_at.to_rfc3339(),
            "summary": { "code": "H22", "headName": "Hồ Văn Hai", "address": "Số H22 Lê Hoàn", "memberCount": 4,
                         "phone": null, "status": "ACTIVE", "version": 1 }
        })
    );
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> = nodes
        .iter()
        .map(|n| {
            chrono::DateTime::parse_from_rfc3339(n["occurredAt"].as_str().expect("time")).expect("RFC 3339")
        })
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");
}

#[tokio::test]
async fn a_ward_official_reads_only_the_events_of_their_ward() {
    // Arrange
    let world = busy_world().await;
    let app = &world.app;
    let rows = Rows::take(app).await;
    let in_ward = |ward: &str| {
        let ward = ward.to_owned();
        move |e: &audit_event::Model| e.ward_id.map(|w| w.to_string()) == Some(ward.clone())
    };

    // Act
    let w1 = whole_trail(app, &world.official_token, json!({})).await;
    let w2 = whole_trail(app, &world.foreign_official_token, json!({})).await;

    // Assert
    assert_eq!(ids(&w1), stored_ids(&rows, in_ward(&world.ward_id)));
    assert_eq!(ids(&w2), stored_ids(&rows, in_ward(&world.foreign_ward_id)));
    let households = |nodes: &[Value]| -> Vec<String> {
        actions_on(nodes).into_iter().filter(|(a, _)| a == "household.create").map(|(_, t)| t).collect()
    };
    assert_eq!(households(&w1), [world.other_household_id.as_str(), world.household_id.as_str()]);
    let h22 = rows.snapshot.households.iter().find(|h| h.code == "H22").expect("H22").id.to_string();
    assert_eq!(households(&w2), [h22.as_str(), world.foreign_household_id.as_str()]);
    let wards = |nodes: &[Value]| -> Vec<String> {
        actions_on(nodes).into_iter().filter(|(a, _)| a == "ward.create").map(|(_, t)| t).collect()
    };
    assert_eq!(wards(&w1), [world.ward_id.as_str()]);
    assert_eq!(wards(&w2), [world.foreign_ward_id.as_str()]);
    assert!(actions_on(&w1).contains(&("good_deed.record".to_owned(), rows.good_deeds[0].id.to_string())));
    assert!(!actions_on(&w2).iter().any(|(a, _)| a.starts_with("good_deed")));
}

#[tokio::test]
async fn a_group_leader_may_not_read_the_trail_and_an_anonymous_caller_must_sign_in() {
    // Arrange
    let world = busy_world().await;

    for (case, token, code) in
        [("leader", Some(world.leader_token.as_str()), "FORBIDDEN"), ("anonymous", None, "UNAUTHENTICATED")]
    {
        // Act
        let body = events(&world.app, token, json!({}), None, None).await;

        // Assert
        assert_eq!(error_code(&body), code, "{case}: {body:#}");
        assert!(body["data"].is_null(), "{case}");
    }
}

#[tokio::test]
async fn filters_by_actor_target_and_action_return_exactly_the_matching_events() {
    // Arrange
    let world = busy_world().await;
    let app = &world.app;
    let rows = Rows::take(app).await;
    let h1 = world.household_id.clone();

    // Act
    let by_leader = whole_trail(app, &app.admin_token, json!({ "actorId": world.leader_id })).await;
    let on_h1 = whole_trail(app, &app.admin_token, json!({ "targetId": h1 })).await;
    let creations = whole_trail(app, &app.admin_token, json!({ "action": "household.create" })).await;
    let official_deeds = whole_trail(
        app,
        &app.admin_token,
        json!({ "actorId": world.official_id, "action": "good_deed.record" }),
    )
    .await;
    let foreign_for_official =
        whole_trail(app, &world.official_token, json!({ "targetId": world.foreign_household_id })).await;

    // Assert
    assert_eq!(
        actions_on(&by_leader),
        [("household.update".to_owned(), h1.clone()), ("session.login".to_owned(), world.leader_id.clone())]
    );
    assert!(by_leader.iter().all(|n| n["actorId"] == json!(world.leader_id)));
    assert_eq!(
        actions_on(&on_h1),
        [("household.update".to_owned(), h1.clone()), ("household.create".to_owned(), h1.clone())]
    );
    assert_eq!(ids(&creations), stored_ids(&rows, |e| e.action == "household.create"));
    assert_eq!(creations.len(), 4);
    assert_eq!(
        actions_on(&official_deeds),
        [("good_deed.record".to_owned(), rows.good_deeds[0].id.to_string())]
    );
    assert_eq!(foreign_for_official, Vec::<Value>::new());
}

#[tokio::test]
async fn from_is_inclusive_and_to_is_exclusive() {
    // Arrange
    let world = busy_world().await;
    let app = &world.app;
    let rows = Rows::take(app).await;
    let mut oldest_first = rows.snapshot.audit_events.clone();
    oldest_first.sort_by_key(|e| e.id);
    let (from, to) = (&oldest_first[3], &oldest_first[9]);
    assert!(from.occurred_at < to.occurred_at, "distinct times: {from:?} {to:?}");

    // Act
    let window = whole_trail(
        app,
        &app.admin_token,
        json!({ "from": from.occurred_at.to_rfc3339(), "to": to.occurred_at.to_rfc3339() }),
    )
    .await;
    let since = whole_trail(app, &app.admin_token, json!({ "from": from.occurred_at.to_rfc3339() })).await;
    let until = whole_trail(app, &app.admin_token, json!({ "to": to.occurred_at.to_rfc3339() })).await;

    // Assert
    let window_ids = ids(&window);
    assert_eq!(
        window_ids,
        stored_ids(&rows, |e| e.occurred_at >= from.occurred_at && e.occurred_at < to.occurred_at)
    );
    assert!(window_ids.contains(&from.id.to_string()), "from is inclusive");
    assert!(!window_ids.contains(&to.id.to_string()), "to is exclusive");
    assert_eq!(ids(&since), stored_ids(&rows, |e| e.occurred_at >= from.occurred_at));
    assert_eq!(ids(&until), stored_ids(&rows, |e| e.occurred_at < to.occurred_at));
}

#[tokio::test]
async fn pages_of_four_walk_the_trail_once_newest_first() {
    // Arrange
    let world = busy_world().await;
    let app = &world.app;
    let rows = Rows::take(app).await;
    let total = rows.snapshot.audit_events.len();
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut after: Option<String> = None;

    // Act
    for _ in 0..total {
        let body = events(app, Some(&app.admin_token), json!({}), Some(4), after.as_deref()).await;
        let connection = &body["data"]["auditEvents"];
        assert_eq!(connection["totalCount"].as_u64(), Some(total as u64), "{body:#}");
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], json!(after.is_some()));
        let page: Vec<String> = connection["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
            .collect();
        pages.push(page);
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = connection["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }

    // Assert
    assert!(pages.iter().rev().skip(1).all(|p| p.len() == 4), "{pages:?}");
    assert_eq!(pages.last().map(Vec::len), Some((total - 1) % 4 + 1));
    assert_eq!(pages.concat(), stored_ids(&rows, |_| true));
}

#[tokio::test]
async fn bad_filter_or_paging_arguments_are_bad_user_input_naming_the_argument() {
    // Arrange
    let world = busy_world().await;
    let cases = [
        ("malformed actor", json!({ "actorId": "root" }), None, None, "filter.actorId"),
        ("malformed target", json!({ "targetId": "H1" }), None, None, "filter.targetId"),
        ("first 101", json!({}), Some(101), None, "first"),
        ("first -1", json!({}), Some(-1), None, "first"),
        ("forged after", json!({}), None, Some("bm9wZQ"), "after"),
    ];

    for (case, filter, first, after, field) in cases {
        // Act
        let body = events(&world.app, Some(&world.app.admin_token), filter, first, after).await;

        // Assert
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{case}: {body:#}");
        assert_eq!(error_field(&body), field, "{case}: {body:#}");
        assert!(body["data"].is_null(), "{case}");
    }
}
