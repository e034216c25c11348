//! The delta feed `changes(since, first)`: what it returns, in whose scope, how it pages, which
//! arguments it refuses. `completeness` proves that no committed change is ever skipped while writers
//! commit concurrently (and out of order, on PostgreSQL).
//!
//! On PostgreSQL the feed holds back every change newer than the oldest write transaction still running
//! on the server, which may belong to another test's database: so a test that expects an exact page asks
//! again (`settled`) until what it expects arrives or a deadline passes. A skipped change never arrives.

mod arguments;
mod completeness;

use std::time::{Duration as StdDuration, Instant};

use serde_json::{Value, json};

use crate::{
    drive::recorded as recorded_pledge,
    good_deeds::{deed_input, open_campaign, pledge_input, recorded_deed},
    helpers::{TestApp, create_household},
    world::{World, vietnam_today},
};

/// `changes` with what the tests compare: codes and versions, statuses, descriptions.
const CHANGES: &str = "query($since: String, $first: Int) { changes(since: $since, first: $first) {
    households { id code version status }
    pledges { id status household { code } }
    goodDeeds { id description status }
    cursor hasMore asOf
} }";

/// How long a test waits for changes held back by a transaction still running elsewhere.
const SETTLE: StdDuration = StdDuration::from_secs(20);

/// Sends `changes` with `token` and returns the whole body.
pub async fn changes(app: &TestApp, token: Option<&str>, since: Option<&str>, first: Option<i64>) -> Value {
    app.gql_with(token, CHANGES, json!({ "since": since, "first": first })).await
}

/// One page of the feed as the tests compare it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedPage {
    /// "code vN STATUS" of each household.
    pub households: Vec<String>,
    /// "household code STATUS" of each pledge.
    pub pledges: Vec<String>,
    /// "description STATUS" of each good deed.
    pub good_deeds: Vec<String>,
    pub has_more: bool,
    pub cursor: String,
}

impl FeedPage {
    /// A page with these rows and `has_more`, for comparing (the cursor is not compared).
    pub fn of(households: &[&str], pledges: &[&str], good_deeds: &[&str], has_more: bool) -> Self {
        let owned = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        Self {
            households: owned(households),
            pledges: owned(pledges),
            good_deeds: owned(good_deeds),
            has_more,
            cursor: String::new(),
        }
    }

    fn without_cursor(&self) -> Self {
        Self { cursor: String::new(), ..self.clone() }
    }

    /// How many rows the page holds.
    pub fn len(&self) -> usize {
        self.households.len() + self.pledges.len() + self.good_deeds.len()
    }
}

/// Reads a `changes` body, asserting it succeeded.
pub fn feed_page(body: &Value) -> FeedPage {
    assert!(body.get("errors").is_none(), "changes failed: {body:#}");
    let set = &body["data"]["changes"];
    let rows = |name: &str, show: &dyn Fn(&Value) -> String| -> Vec<String> {
        set[name].as_array().unwrap_or_else(|| panic!("no {name} in {set:#}")).iter().map(show).collect()
    };
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    FeedPage {
        households: rows("households", &|h| {
            format!("{} v{} {}", text(&h["code"]), h["version"], text(&h["status"]))
        }),
        pledges: rows("pledges", &|p| format!("{} {}", text(&p["household"]["code"]), text(&p["status"]))),
        good_deeds: rows("goodDeeds", &|d| format!("{} {}", text(&d["description"]), text(&d["status"]))),
        has_more: set["hasMore"].as_bool().expect("hasMore"),
        cursor: set["cursor"].as_str().expect("cursor").to_owned(),
    }
}

/// Reads the page after `since` until it is `expected` (see the module doc) or `SETTLE` passed, and
/// returns the last page read.
pub async fn settled(
    app: &TestApp,
    token: &str,
    since: Option<&str>,
    first: Option<i64>,
    expected: &FeedPage,
) -> FeedPage {
    let deadline = Instant::now() + SETTLE;
    loop {
        let page = feed_page(&changes(app, Some(token), since, first).await);
        if page.without_cursor() == expected.without_cursor() || Instant::now() > deadline {
            return page;
        }
        tokio::task::yield_now().await;
    }
}

/// Reads the whole feed from the start, which must be `everything` (in one page of 100), and returns
/// the cursor at its end.
pub async fn end_of_feed(app: &TestApp, token: &str, everything: &FeedPage) -> String {
    let page = settled(app, token, None, Some(100), everything).await;
    assert_eq!(page.without_cursor(), everything.without_cursor(), "the whole feed");
    page.cursor
}

/// What `world_with_one_of_each` leaves in the feed.
fn one_of_each() -> FeedPage {
    FeedPage::of(&["H1 v1 ACTIVE", "H2 v1 ACTIVE", "H21 v1 ACTIVE"], &["H1 SIGNED"], &["d1 REPORTED"], false)
}

/// The deed world of `good_deeds` with an open campaign for ward W1, a pledge of H1 and a deed "d1" of
/// group 1 (recorded by the leader): five changes, in the order H1, H2, H21, pledge of H1, d1.
async fn world_with_one_of_each() -> (World, String, String) {
    let world = World::build().await;
    let app = &world.app;
    let campaign_id = open_campaign(app, &world.ward_id).await;
    let pledge = recorded_pledge(
        app,
        &world.leader_token,
        &pledge_input(&world.household_id, &campaign_id, vietnam_today(app)),
    )
    .await;
    recorded_deed(
        app,
        &world.leader_token,
        &deed_input(&world.group_id, Some(&world.household_id), "PATROL", "d1"),
    )
    .await;
    let pledge_id = pledge["id"].as_str().expect("pledge id").to_owned();
    (world, campaign_id, pledge_id)
}

#[tokio::test]
async fn changes_without_since_returns_every_household_pledge_and_good_deed_and_then_nothing_more() {
    // Arrange
    let (world, _, _) = world_with_one_of_each().await;
    let app = &world.app;
    let everything = FeedPage::of(
        &["H1 v1 ACTIVE", "H2 v1 ACTIVE", "H21 v1 ACTIVE"],
        &["H1 SIGNED"],
        &["d1 REPORTED"],
        false,
    );

    // Act
    let page = settled(app, &app.admin_token, None, Some(100), &everything).await;
    let after_the_end = feed_page(&changes(app, Some(&app.admin_token), Some(&page.cursor), Some(100)).await);

    // Assert
    assert_eq!(page.without_cursor(), everything);
    assert_eq!(after_the_end, FeedPage { cursor: page.cursor.clone(), ..FeedPage::default() });
}

#[tokio::test]
async fn changes_returns_the_ids_and_current_state_of_each_row() {
    // Arrange
    let (world, _, pledge_id) = world_with_one_of_each().await;
    let app = &world.app;

    // Act
    let page = settled(
        app,
        &app.admin_token,
        None,
        Some(100),
        &FeedPage::of(
            &["H1 v1 ACTIVE", "H2 v1 ACTIVE", "H21 v1 ACTIVE"],
            &["H1 SIGNED"],
            &["d1 REPORTED"],
            false,
        ),
    )
    .await;
    let body = changes(app, Some(&app.admin_token), None, Some(100)).await;

    // Assert
    assert_eq!(feed_page(&body), page);
    let set = &body["data"]["changes"];
    let ids = |name: &str| -> Vec<String> {
        set[name].as_array().expect("list").iter().map(|n| n["id"].as_str().expect("id").to_owned()).collect()
    };
    assert_eq!(
        ids("households"),
        [world.household_id.clone(), world.other_household_id.clone(), world.foreign_household_id.clone()]
    );
    assert_eq!(ids("pledges"), [pledge_id]);
    let deeds = crate::world::Rows::take(app).await.good_deeds;
    assert_eq!(ids("goodDeeds"), [deeds[0].id.to_string()]);
    let as_of = chrono::DateTime::parse_from_rfc3339(set["asOf"].as_str().expect("asOf")).expect("RFC 3339");
    assert!(
        (chrono::Utc::now() - as_of.to_utc()).num_seconds().abs() < 60,
        "asOf is the time of reading: {as_of}"
    );
}

#[tokio::test]
async fn changes_since_a_cursor_returns_only_what_was_created_or_changed_after_it() {
    // Arrange
    let (world, _, pledge_id) = world_with_one_of_each().await;
    let app = &world.app;
    let cursor = end_of_feed(app, &app.admin_token, &one_of_each()).await;
    let deed_id = crate::world::Rows::take(app).await.good_deeds[0].id.to_string();
    app.gql_ok(
        "mutation($id: ID!) { updateHousehold(id: $id, expectedVersion: 1, input: { headName: \"Trần Văn Bảy\" }) { id } }",
        json!({ "id": world.other_household_id }),
    )
    .await;
    app.gql_ok(
        "mutation($id: ID!) { withdrawPledge(id: $id, reason: \"Ký nhầm\") { id } }",
        json!({ "id": pledge_id }),
    )
    .await;
    app.gql_ok(
        "mutation($id: ID!) { verifyGoodDeed(id: $id, approve: true) { id } }",
        json!({ "id": deed_id }),
    )
    .await;
    recorded_deed(app, &app.admin_token, &deed_input(&world.foreign_group_id, None, "OTHER", "d2")).await;
    create_household(app, &world.group_id, "H3", "Phạm Thị Ba").await;
    let expected = FeedPage::of(
        &["H2 v2 ACTIVE", "H3 v1 ACTIVE"],
        &["H1 WITHDRAWN"],
        &["d1 VERIFIED", "d2 REPORTED"],
        false,
    );

    // Act
    let page = settled(app, &app.admin_token, Some(&cursor), Some(100), &expected).await;

    // Assert
    assert_eq!(page.without_cursor(), expected);
}

#[tokio::test]
async fn a_row_changed_again_after_it_was_received_comes_again_once_with_its_latest_state() {
    // Arrange
    let (world, _, _) = world_with_one_of_each().await;
    let app = &world.app;
    let cursor = end_of_feed(app, &app.admin_token, &one_of_each()).await;
    let update = "mutation($id: ID!, $v: Int!, $n: Int!) {
        updateHousehold(id: $id, expectedVersion: $v, input: { memberCount: $n }) { version }
    }";
    app.gql_ok(update, json!({ "id": world.household_id, "v": 1, "n": 5 })).await;
    let first_change = settled(
        app,
        &app.admin_token,
        Some(&cursor),
        Some(100),
        &FeedPage::of(&["H1 v2 ACTIVE"], &[], &[], false),
    )
    .await;

    // Act: two more changes of H1 after it was received.
    app.gql_ok(update, json!({ "id": world.household_id, "v": 2, "n": 6 })).await;
    app.gql_ok(
        "mutation($id: ID!) { setHouseholdStatus(id: $id, expectedVersion: 3, status: MOVED_OUT) { version } }",
        json!({ "id": world.household_id }),
    )
    .await;
    let expected = FeedPage::of(&["H1 v4 MOVED_OUT"], &[], &[], false);
    let again = settled(app, &app.admin_token, Some(&first_change.cursor), Some(100), &expected).await;

    // Assert
    assert_eq!(first_change.without_cursor(), FeedPage::of(&["H1 v2 ACTIVE"], &[], &[], false));
    assert_eq!(again.without_cursor(), expected);
}

#[tokio::test]
async fn a_leader_receives_only_their_groups_changes_and_an_official_only_their_wards() {
    // Arrange
    let (world, campaign_id, _) = world_with_one_of_each().await;
    let app = &world.app;
    let today = vietnam_today(app);
    recorded_pledge(app, &app.admin_token, &pledge_input(&world.other_household_id, &campaign_id, today))
        .await;
    recorded_deed(app, &app.admin_token, &deed_input(&world.other_group_id, None, "OTHER", "d2")).await;
    recorded_deed(app, &app.admin_token, &deed_input(&world.foreign_group_id, None, "OTHER", "d21")).await;
    let cases = [
        (
            "leader of group 1",
            &world.leader_token,
            FeedPage::of(&["H1 v1 ACTIVE"], &["H1 SIGNED"], &["d1 REPORTED"], false),
        ),
        (
            "official of W1",
            &world.official_token,
            FeedPage::of(
                &["H1 v1 ACTIVE", "H2 v1 ACTIVE"],
                &["H1 SIGNED", "H2 SIGNED"],
                &["d1 REPORTED", "d2 REPORTED"],
                false,
            ),
        ),
        (
            "official of W2",
            &world.foreign_official_token,
            FeedPage::of(&["H21 v1 ACTIVE"], &[], &["d21 REPORTED"], false),
        ),
    ];

    for (case, token, expected) in cases {
        // Act
        let page = settled(app, token, None, Some(100), &expected).await;

        // Assert
        assert_eq!(page.without_cursor(), expected, "{case}");
    }
}

#[tokio::test]
async fn a_leader_paging_a_small_page_size_is_not_stopped_by_other_groups_changes() {
    // Arrange: the leader's group changes first and last, with many other changes in between.
    let world = World::build().await;
    let app = &world.app;
    for n in 0..5 {
        create_household(app, &world.other_group_id, &format!("X{n}"), "Hàng xóm").await;
    }
    create_household(app, &world.group_id, "H3", "Phạm Thị Ba").await;

    // Act
    let first =
        settled(app, &world.leader_token, None, Some(1), &FeedPage::of(&["H1 v1 ACTIVE"], &[], &[], true))
            .await;
    let second = settled(
        app,
        &world.leader_token,
        Some(&first.cursor),
        Some(1),
        &FeedPage::of(&["H3 v1 ACTIVE"], &[], &[], false),
    )
    .await;

    // Assert
    assert_eq!(first.without_cursor(), FeedPage::of(&["H1 v1 ACTIVE"], &[], &[], true));
    assert_eq!(second.without_cursor(), FeedPage::of(&["H3 v1 ACTIVE"], &[], &[], false));
}

#[tokio::test]
async fn paging_with_first_2_visits_every_change_exactly_once_when_nothing_changes_meanwhile() {
    // Arrange: seven changes.
    let (world, _, _) = world_with_one_of_each().await;
    let app = &world.app;
    recorded_deed(app, &app.admin_token, &deed_input(&world.other_group_id, None, "OTHER", "d2")).await;
    create_household(app, &world.group_id, "H3", "Phạm Thị Ba").await;
    let whole = FeedPage::of(
        &["H1 v1 ACTIVE", "H2 v1 ACTIVE", "H21 v1 ACTIVE", "H3 v1 ACTIVE"],
        &["H1 SIGNED"],
        &["d1 REPORTED", "d2 REPORTED"],
        false,
    );
    settled(app, &app.admin_token, None, Some(100), &whole).await;
    let mut since: Option<String> = None;
    let mut pages = Vec::new();

    // Act
    for _ in 0..10 {
        let page = feed_page(&changes(app, Some(&app.admin_token), since.as_deref(), Some(2)).await);
        since = Some(page.cursor.clone());
        let more = page.has_more;
        pages.push(page);
        if !more {
            break;
        }
    }

    // Assert
    let sizes: Vec<(usize, bool)> = pages.iter().map(|p| (p.len(), p.has_more)).collect();
    assert_eq!(sizes, [(2, true), (2, true), (2, true), (1, false)], "{pages:#?}");
    let mut union = FeedPage::default();
    for page in &pages {
        union.households.extend(page.households.iter().cloned());
        union.pledges.extend(page.pledges.iter().cloned());
        union.good_deeds.extend(page.good_deeds.iter().cloned());
    }
    assert_eq!(union.without_cursor(), FeedPage { has_more: false, ..whole });
}

#[tokio::test]
async fn without_first_a_page_holds_20_changes() {
    // Arrange: 3 households of the world and 18 more.
    let world = World::build().await;
    let app = &world.app;
    for n in 0..18 {
        create_household(app, &world.group_id, &format!("N{n:02}"), "Hộ mới").await;
    }
    let mut codes = vec!["H1 v1 ACTIVE".to_owned(), "H2 v1 ACTIVE".to_owned(), "H21 v1 ACTIVE".to_owned()];
    codes.extend((0..17).map(|n| format!("N{n:02} v1 ACTIVE")));
    let expected = FeedPage { households: codes, has_more: true, ..FeedPage::default() };

    // Act
    let page = settled(app, &app.admin_token, None, None, &expected).await;
    let rest = feed_page(&changes(app, Some(&app.admin_token), Some(&page.cursor), None).await);

    // Assert
    assert_eq!(page.without_cursor(), expected);
    assert_eq!(rest.without_cursor(), FeedPage::of(&["N17 v1 ACTIVE"], &[], &[], false));
}
