//! A page of households with each one's `pledge(campaignId)`: the pledge comes with the page for the
//! campaign asked (signed, withdrawn, or null), another campaign in the same request still answers,
//! paging, filters and cursors are those of the plain list, scope holds, and pages of many groups
//! each get their own households' pledges.

use serde_json::{Value, json};

use crate::{
    coverage::withdraw,
    drive::{TODAY, VIETNAM_NOON, id_of, open_campaign, pledge_input, recorded, set_clock},
    helpers::{create_household, error_code, spawn_app, unknown_id},
    round_trips::GROUP_HOUSEHOLDS,
    world::World,
};

/// Group 1 of the world with H1 signed for `campaign`, H3 signed and withdrawn, H4 unsigned and H5
/// signed for `other_campaign` only; H2 (group 2) signed for `campaign`. Both campaigns are open.
struct Pledged {
    world: World,
    campaign: String,
    other_campaign: String,
    /// Household ids by code.
    ids: std::collections::HashMap<&'static str, String>,
    /// Pledge ids by household code.
    pledges: std::collections::HashMap<&'static str, String>,
}

impl Pledged {
    async fn build() -> Self {
        let app = spawn_app().await;
        set_clock(&app, VIETNAM_NOON);
        let world = World::build_on(app).await;
        let app = &world.app;
        let campaign = open_campaign(app, "Phường Lam Sơn 2023", Some(&world.ward_id)).await;
        let other_campaign = open_campaign(app, "Toàn thành phố 2023", None).await;
        let mut ids = std::collections::HashMap::from([
            ("H1", world.household_id.clone()),
            ("H2", world.other_household_id.clone()),
            ("H21", world.foreign_household_id.clone()),
        ]);
        for code in ["H3", "H4", "H5"] {
            ids.insert(code, create_household(app, &world.group_id, code, &format!("Chủ hộ {code}")).await);
        }
        let mut pledges = std::collections::HashMap::new();
        for (code, campaign) in
            [("H1", &campaign), ("H3", &campaign), ("H2", &campaign), ("H5", &other_campaign)]
        {
            let input = pledge_input(&unknown_id(), &ids[code], campaign);
            pledges.insert(code, id_of(&recorded(app, &app.admin_token, &input).await));
        }
        withdraw(app, &pledges["H3"]).await;
        Self { world, campaign, other_campaign, ids, pledges }
    }

    async fn leader(&self, query: &str, variables: Value) -> Value {
        let body = self.world.app.gql_with(Some(&self.world.leader_token), query, variables).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        body["data"].clone()
    }

    /// The household as `household(id)` answers it, its pledge for `campaign` read on its own.
    async fn alone(&self, code: &str, campaign: &str) -> Value {
        let query = "query($id: ID!, $campaign: ID!) { household(id: $id) {
            id headName address memberCount status pledge(campaignId: $campaign) { id status signerName signedOn } } }";
        self.leader(query, json!({ "id": self.ids[code], "campaign": campaign })).await["household"].clone()
    }
}

fn nodes(connection: &Value) -> Vec<Value> {
    let edges = connection["edges"].as_array().unwrap_or_else(|| panic!("no edges in {connection:#}"));
    edges.iter().map(|edge| edge["node"].clone()).collect()
}

#[tokio::test]
async fn a_leaders_page_brings_each_households_pledge_for_the_campaign_asked_and_null_for_the_unsigned() {
    // Arrange
    let drive = Pledged::build().await;
    let variables = json!({ "group": drive.world.group_id, "campaign": drive.campaign });

    // Act
    let data = drive.leader(GROUP_HOUSEHOLDS, variables).await;

    // Assert
    let group = &data["group"];
    assert_eq!(group["id"], json!(drive.world.group_id));
    assert_eq!(group["name"], "Tổ dân phố 1");
    let page = &group["households"];
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
    let nodes = nodes(page);
    let pledge = |code: &str, status: &str| json!({ "id": drive.pledges[code], "status": status, "signerName": "Nguyễn Văn An", "signedOn": TODAY });
    let pledges: Vec<&Value> = nodes.iter().map(|node| &node["pledge"]).collect();
    assert_eq!(
        pledges,
        [&pledge("H1", "SIGNED"), &pledge("H3", "WITHDRAWN"), &Value::Null, &Value::Null],
        "H4 never signed; H5 signed another campaign"
    );
    for (node, code) in nodes.iter().zip(["H1", "H3", "H4", "H5"]) {
        assert_eq!(*node, drive.alone(code, &drive.campaign).await, "{code} as household(id) answers it");
    }
}

#[tokio::test]
async fn a_second_campaign_asked_by_alias_in_the_same_request_answers_for_each_household() {
    // Arrange
    let drive = Pledged::build().await;
    let nested = "query($group: ID!, $a: ID!, $b: ID!) { group(id: $group) { households(first: 10) {
        edges { node { code a: pledge(campaignId: $a) { id status } b: pledge(campaignId: $b) { id status } } } } } }";
    let root = "query($group: ID!, $a: ID!, $b: ID!) { households(groupId: $group, first: 10) {
        edges { node { code a: pledge(campaignId: $a) { id status } b: pledge(campaignId: $b) { id status } } } } }";
    let variables = json!({ "group": drive.world.group_id, "a": drive.campaign, "b": drive.other_campaign });

    // Act
    let nested = drive.leader(nested, variables.clone()).await;
    let root = drive.leader(root, variables).await;

    // Assert
    let signed = |code: &str, status: &str| json!({ "id": drive.pledges[code], "status": status });
    let expected = json!([
        { "code": "H1", "a": signed("H1", "SIGNED"), "b": null },
        { "code": "H3", "a": signed("H3", "WITHDRAWN"), "b": null },
        { "code": "H4", "a": null, "b": null },
        { "code": "H5", "a": null, "b": signed("H5", "SIGNED") },
    ]);
    assert_eq!(json!(nodes(&nested["group"]["households"])), expected);
    assert_eq!(json!(nodes(&root["households"])), expected);
}

#[tokio::test]
async fn pages_with_pledges_have_the_cursors_filters_and_order_of_the_plain_list() {
    // Arrange
    let drive = Pledged::build().await;
    let with_pledges = "query($group: ID!, $campaign: ID!, $after: String, $filter: HouseholdFilterInput) {
        group(id: $group) { households(first: 2, after: $after, filter: $filter) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { code pledge(campaignId: $campaign) { status } } } } } }";
    let plain = "query($group: ID!, $after: String, $filter: HouseholdFilterInput) {
        households(groupId: $group, first: 2, after: $after, filter: $filter) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { code } } } }";
    let ask = |after: Value, filter: Value| json!({ "group": drive.world.group_id, "campaign": drive.campaign, "after": after, "filter": filter });

    for (filter, expected) in [
        (Value::Null, vec![vec![("H1", "SIGNED"), ("H3", "WITHDRAWN")], vec![("H4", ""), ("H5", "")]]),
        (json!({ "search": "chu ho" }), vec![vec![("H3", "WITHDRAWN"), ("H4", "")], vec![("H5", "")]]),
    ] {
        let mut after = Value::Null;
        for (n, expected_page) in expected.iter().enumerate() {
            // Act
            let page =
                drive.leader(with_pledges, ask(after.clone(), filter.clone())).await["group"]["households"]
                    .clone();
            let plain_page =
                drive.leader(plain, ask(after.clone(), filter.clone())).await["households"].clone();

            // Assert
            let codes_and_status: Vec<(String, String)> = nodes(&page)
                .iter()
                .map(|node| {
                    let status = node["pledge"]["status"].as_str().unwrap_or_default().to_owned();
                    (node["code"].as_str().expect("code").to_owned(), status)
                })
                .collect();
            let expected_page: Vec<(String, String)> =
                expected_page.iter().map(|(c, s)| ((*c).to_owned(), (*s).to_owned())).collect();
            assert_eq!(codes_and_status, expected_page, "page {n} of {filter}");
            assert_eq!(page["pageInfo"], plain_page["pageInfo"], "page {n} of {filter}");
            assert_eq!(page["totalCount"], plain_page["totalCount"], "page {n} of {filter}");
            let cursors = |p: &Value| {
                p["edges"].as_array().expect("edges").iter().map(|e| e["cursor"].clone()).collect::<Vec<_>>()
            };
            assert_eq!(cursors(&page), cursors(&plain_page), "page {n} of {filter}");
            after = page["pageInfo"]["endCursor"].clone();
        }
    }
}

#[tokio::test]
async fn a_group_out_of_scope_is_not_found_with_or_without_its_households_asked() {
    // Arrange
    let drive = Pledged::build().await;
    let app = &drive.world.app;
    let bare = "query($group: ID!) { group(id: $group) { id name } }";
    let variables = |group: &str| json!({ "group": group, "campaign": drive.campaign });

    for (token, group) in [
        (&drive.world.leader_token, &drive.world.other_group_id),
        (&drive.world.foreign_official_token, &drive.world.group_id),
        (&drive.world.leader_token, &unknown_id()),
    ] {
        // Act
        let with_page = app.gql_with(Some(token), GROUP_HOUSEHOLDS, variables(group)).await;
        let without = app.gql_with(Some(token), bare, variables(group)).await;

        // Assert
        for body in [&with_page, &without] {
            assert_eq!(error_code(body), "NOT_FOUND", "{body:#}");
            assert!(body["data"].is_null(), "{body:#}");
            assert_eq!(body["errors"][0]["path"], json!(["group"]), "{body:#}");
        }
        assert_eq!(with_page["errors"][0]["message"], without["errors"][0]["message"]);
    }
}

#[tokio::test]
async fn the_pages_of_many_groups_each_bring_their_own_households_pledges() {
    // Arrange
    let drive = Pledged::build().await;
    let query = "query($campaign: ID!) { wards(first: 10) { edges { node { code
        groups(first: 10) { edges { node { code households(first: 10) { totalCount
            edges { node { code pledge(campaignId: $campaign) { id status } } } } } } } } } } }";

    // Act
    let data = drive.world.app.gql_ok(query, json!({ "campaign": drive.campaign })).await;

    // Assert
    let signed = |code: &str, status: &str| json!({ "id": drive.pledges[code], "status": status });
    let household = |code: &str, pledge: Value| json!({ "node": { "code": code, "pledge": pledge } });
    let group = |code: &str, households: Vec<Value>| json!({ "node": { "code": code, "households": { "totalCount": households.len(), "edges": households } } });
    let expected = json!({ "wards": { "edges": [
        { "node": { "code": "W1", "groups": { "edges": [
            group("1", vec![
                household("H1", signed("H1", "SIGNED")),
                household("H3", signed("H3", "WITHDRAWN")),
                household("H4", Value::Null),
                household("H5", Value::Null),
            ]),
            group("2", vec![household("H2", signed("H2", "SIGNED"))]),
        ] } } },
        { "node": { "code": "W2", "groups": { "edges": [group("21", vec![household("H21", Value::Null)])] } } },
    ] } });
    assert_eq!(data, expected);
}
