//! How many statements the busiest documents send to the database: a leader's households page with
//! each household's pledge, a ward's coverage report and the whole city's, exactly as the dashboards and
//! the app send them. Counted on the test server's connection, once the server remembers the caller of
//! the token (so authenticating costs nothing).

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
    let (statements, body) =
        world.app.statements_during(world.app.gql_with(Some(token), query, variables)).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    statements
}

#[tokio::test]
async fn a_leaders_households_page_with_pledges_is_one_statement() {
    // Arrange
    let (world, campaign_id) = world_with_a_pledge().await;
    let leader = world.leader_token.clone();
    let first_page = json!({ "group": world.group_id, "campaign": campaign_id, "after": null });
    world.app.until_caller_remembered(&leader).await;

    // Act
    let first = counted(&world, &leader, GROUP_HOUSEHOLDS, first_page.clone()).await;
    let body = world.app.gql_with(Some(&leader), GROUP_HOUSEHOLDS, first_page).await;
    let cursor = body["data"]["group"]["households"]["pageInfo"]["endCursor"].clone();
    let after = json!({ "group": world.group_id, "campaign": campaign_id, "after": cursor });
    let next = counted(&world, &leader, GROUP_HOUSEHOLDS, after).await;

    // Assert
    assert_eq!(first, 1, "the group with its page and each pledge");
    assert_eq!(next, 1, "a page after a cursor too");
}

#[tokio::test]
async fn a_coverage_report_asked_again_unchanged_reads_nothing() {
    // Arrange
    let (world, campaign_id) = world_with_a_pledge().await;
    let admin = world.app.admin_token.clone();
    let ward = json!({ "campaign": campaign_id, "ward": world.ward_id });
    let city = json!({ "campaign": campaign_id });
    world.app.until_caller_remembered(&admin).await;

    // Act
    let ward_first = counted(&world, &admin, WARD_COVERAGE, ward.clone()).await;
    let ward_again = counted(&world, &admin, WARD_COVERAGE, ward).await;
    let city_first = counted(&world, &admin, CITY_COVERAGE, city.clone()).await;
    let city_again = counted(&world, &admin, CITY_COVERAGE, city).await;

    // Assert
    assert_eq!(ward_first, 3, "the campaign, the ward, the group rows");
    assert_eq!(ward_again, 0, "nothing: the report is shared until it moves");
    assert_eq!(city_first, 2, "the campaign, the group rows with their wards");
    assert_eq!(city_again, 0, "nothing");
}
