//! The counters follow every change that moves coverage, in the change's own transaction: a household
//! created, moved out, dissolved or reactivated; a pledge recorded, withdrawn or signed again. Each step
//! is read back through `coverageReport` and checked against `verify`.

use serde_json::json;

use super::{drifts, group_figures, set_status, sign, withdraw};
use crate::{
    drive::{VIETNAM_NOON, open_campaign, pledge_input, record_pledge, set_clock},
    helpers::{TestApp, create_household, error_code, spawn_app, unknown_id, ward_with_two_groups},
};

/// Ward W1 with groups 1 and 2, and two open campaigns: one for every ward, one for W1.
struct Counters {
    app: TestApp,
    group: String,
    other_group: String,
    city: String,
    ward_campaign: String,
}

impl Counters {
    async fn build() -> Self {
        let app = spawn_app().await;
        set_clock(&app, VIETNAM_NOON);
        let fixture = ward_with_two_groups(&app).await;
        let city = open_campaign(&app, "Toàn thành phố 2023", None).await;
        let ward_campaign = open_campaign(&app, "Phường Lam Sơn 2023", Some(&fixture.ward_id)).await;
        Self { app, group: fixture.group_id, other_group: fixture.other_group_id, city, ward_campaign }
    }

    /// `(total, signed)` of group 1 for the city campaign, for the W1 campaign, and of group 2 for the
    /// city campaign; and asserts the counters agree with the rows.
    async fn figures(&self) -> [(i64, i64); 3] {
        assert_eq!(drifts(&self.app).await, [], "verify finds the counters right");
        [
            group_figures(&self.app, &self.city, &self.group).await,
            group_figures(&self.app, &self.ward_campaign, &self.group).await,
            group_figures(&self.app, &self.city, &self.other_group).await,
        ]
    }
}

#[tokio::test]
async fn a_new_household_joins_the_denominator_of_its_group_only() {
    // Arrange
    let counters = Counters::build().await;
    let app = &counters.app;
    create_household(app, &counters.group, "H1", "Nguyễn Văn An").await;

    // Act
    create_household(app, &counters.group, "H2", "Lê Thị Cúc").await;

    // Assert
    assert_eq!(counters.figures().await, [(2, 0), (2, 0), (0, 0)]);
}

#[tokio::test]
async fn reactivating_a_moved_out_household_brings_its_signed_pledges_back_into_the_numerators() {
    // Arrange: H1 signed both campaigns, H2 the city one; then H1 moved out.
    let counters = Counters::build().await;
    let app = &counters.app;
    let h1 = create_household(app, &counters.group, "H1", "Nguyễn Văn An").await;
    let h2 = create_household(app, &counters.group, "H2", "Lê Thị Cúc").await;
    create_household(app, &counters.group, "H3", "Phạm Văn Dũng").await;
    sign(app, &h1, &counters.city).await;
    sign(app, &h1, &counters.ward_campaign).await;
    sign(app, &h2, &counters.city).await;
    assert_eq!(counters.figures().await, [(3, 2), (3, 1), (0, 0)]);
    let version = set_status(app, &h1, 1, "MOVED_OUT").await;
    assert_eq!(counters.figures().await, [(2, 1), (2, 0), (0, 0)], "moved out: out of both");

    // Act
    set_status(app, &h1, version, "ACTIVE").await;

    // Assert
    assert_eq!(counters.figures().await, [(3, 2), (3, 1), (0, 0)]);
}

#[tokio::test]
async fn dissolving_a_signed_household_takes_it_out_of_numerator_and_denominator_for_good() {
    // Arrange
    let counters = Counters::build().await;
    let app = &counters.app;
    let h1 = create_household(app, &counters.group, "H1", "Nguyễn Văn An").await;
    let h2 = create_household(app, &counters.group, "H2", "Lê Thị Cúc").await;
    sign(app, &h1, &counters.city).await;
    sign(app, &h2, &counters.city).await;

    // Act
    let version = set_status(app, &h1, 1, "DISSOLVED").await;

    // Assert
    assert_eq!(counters.figures().await, [(1, 1), (1, 0), (0, 0)]);

    // Act: from one inactive status to another moves nothing.
    set_status(app, &h1, version, "MOVED_OUT").await;

    // Assert
    assert_eq!(counters.figures().await, [(1, 1), (1, 0), (0, 0)]);
}

#[tokio::test]
async fn withdrawing_takes_a_household_out_of_the_numerator_and_signing_again_puts_it_back() {
    // Arrange
    let counters = Counters::build().await;
    let app = &counters.app;
    let h1 = create_household(app, &counters.group, "H1", "Nguyễn Văn An").await;
    create_household(app, &counters.group, "H2", "Lê Thị Cúc").await;
    let pledge = sign(app, &h1, &counters.city).await;
    sign(app, &h1, &counters.ward_campaign).await;

    // Act
    withdraw(app, &pledge).await;

    // Assert
    assert_eq!(counters.figures().await, [(2, 0), (2, 1), (0, 0)], "only the city campaign moves");

    // Act
    let again = sign(app, &h1, &counters.city).await;

    // Assert
    assert_eq!(again, pledge, "signing again reuses the pledge");
    assert_eq!(counters.figures().await, [(2, 1), (2, 1), (0, 0)]);
}

#[tokio::test]
async fn a_pledge_withdrawn_while_its_household_was_away_stays_out_when_the_household_returns() {
    // Arrange
    let counters = Counters::build().await;
    let app = &counters.app;
    let h1 = create_household(app, &counters.group, "H1", "Nguyễn Văn An").await;
    let pledge = sign(app, &h1, &counters.city).await;
    sign(app, &h1, &counters.ward_campaign).await;
    let version = set_status(app, &h1, 1, "MOVED_OUT").await;
    withdraw(app, &pledge).await;
    assert_eq!(counters.figures().await, [(0, 0), (0, 0), (0, 0)]);

    // Act
    set_status(app, &h1, version, "ACTIVE").await;

    // Assert: the W1 campaign's pledge is still signed and comes back; the withdrawn one does not.
    assert_eq!(counters.figures().await, [(1, 0), (1, 1), (0, 0)]);
}

#[tokio::test]
async fn a_refused_change_moves_no_counter() {
    // Arrange: H1 signed; a stale version, a second signature and a moved-out household's signature are
    // all refused.
    let counters = Counters::build().await;
    let app = &counters.app;
    let h1 = create_household(app, &counters.group, "H1", "Nguyễn Văn An").await;
    let h2 = create_household(app, &counters.group, "H2", "Lê Thị Cúc").await;
    sign(app, &h1, &counters.city).await;
    set_status(app, &h2, 1, "MOVED_OUT").await;
    let before = counters.figures().await;
    let stale = json!({ "id": h1, "v": 7, "s": "DISSOLVED" });
    let set_status_mutation = "mutation($id: ID!, $v: Int!, $s: HouseholdStatus!) {
        setHouseholdStatus(id: $id, expectedVersion: $v, status: $s) { version }
    }";

    // Act
    let refusals = [
        app.gql(set_status_mutation, stale).await,
        record_pledge(app, &app.admin_token, &pledge_input(&unknown_id(), &h1, &counters.city)).await,
        record_pledge(app, &app.admin_token, &pledge_input(&unknown_id(), &h2, &counters.city)).await,
    ];

    // Assert
    for body in &refusals {
        assert_eq!(error_code(body), "CONFLICT", "{body:#}");
    }
    assert_eq!(before, [(1, 1), (1, 0), (0, 0)]);
    assert_eq!(counters.figures().await, before);
    assert_eq!(drifts(app).await, []);
}
