//! How many statements the busiest documents send to the database: a leader's households page with
//! each household's pledge, a ward's coverage report and the whole city's, exactly as the dashboards and
//! the app send them. Counted on the test server's connection, token check included.

use serde_json::{Value, json};

use crate::{
    drive::{CAMPAIGN_TITLE, VIETNAM_NOON, open_campaign, pledge_input, recorded, set_clock},
    helpers::{spawn_app, unknown_id},
    world::World,
};

pub const GROUP_HOUSEHOLDS: &str = "query GroupHouseholds($group: ID!, $campaign: ID!, $after: String) {
  group(id: $group) { id name
    households(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id headName address memberCount status pledge(campaignId: $campaign) { id status signerName signedOn } } } } } }";

pub const WARD_COVERAGE: &str = "query WardCoverage($campaign: ID!, $ward: ID!) {
  coverageReport(campaignId: $campaign, wardId: $ward) { groups { group { code name } totalHouseholds signedHouseholds coverage } } }";

pub const CITY_COVERAGE: &str = "query CityCoverage($campaign: ID!) {
  coverageReport(campaignId: $campaign) { groups { group { code name ward { code } } totalHouseholds signedHouseholds coverage } } }";

/// The world with a campaign open for every ward and H1 signed; returns it with the campaign.
async fn world_with_a_pledge() -> (World, String) {
    let app = spawn_app().await;
    set_clock(&app, VIETNAM_NOON);
    let world = World::build_on(app).await;
    let campaign_id = open_campaign(&world.app, CAMPAIGN_TITLE, None).await;
    let input = pledge_input(&unknown_id(), &world.household_id, &campaign_id);
    recorded(&world.app, &world.app.admin_token, &input).await;
    (world, campaign_id)
}

/// Statements of one request as `token`, asserting it succeeded.
async fn counted(world: &World, token: &str, query: &str, variables: Value) -> usize {
    let (statements, body) = world.app.statements_during(world.app.gql_with(Some(token), query, variables)).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    statements
}

#[tokio::test]
async fn the_benchmark_documents_send_few_statements() {
    // Arrange
    let (world, campaign_id) = world_with_a_pledge().await;
    let admin = world.app.admin_token.clone();
    let page = json!({ "group": world.group_id, "campaign": campaign_id });
    let ward = json!({ "campaign": campaign_id, "ward": world.ward_id });
    let city = json!({ "campaign": campaign_id });

    // Act
    let page_statements = counted(&world, &world.leader_token, GROUP_HOUSEHOLDS, page.clone()).await;
    let ward_first = counted(&world, &admin, WARD_COVERAGE, ward.clone()).await;
    let ward_again = counted(&world, &admin, WARD_COVERAGE, ward).await;
    let city_first = counted(&world, &admin, CITY_COVERAGE, city.clone()).await;
    let city_again = counted(&world, &admin, CITY_COVERAGE, city).await;

    // Assert
    eprintln!(
        "page {page_statements}, ward {ward_first} then {ward_again}, city {city_first} then {city_again}"
    );
}
