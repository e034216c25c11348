//! The world the pledge-drive and good-deed tests share: two wards, three groups, a household in each
//! group, a group leader and two ward officials, each signed in; and `Rows`, every row a request may
//! write, so a test can say exactly which rows a call left. What only one feature needs (the pledge
//! drive's clock and campaign, the good-deed inputs) is added on top by that feature's tests.

use chrono::{Datelike, Days, NaiveDate};
use pledge_api::{
    auth::clock::Clock,
    domain::campaign::local_today,
    entities::{
        audit_event, campaign, change_log, client_mutation, good_deed, group_assessment, incident_tally,
        pledge, ward_setting,
    },
};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use std::sync::Arc;
use uuid::Uuid;

use crate::{
    drive::{campaign_input, create_campaign_mutation, transition},
    helpers::{
        Snapshot, TEST_PASSWORD, TestApp, create_group, create_household, create_user, create_ward,
        error_code, error_field, spawn_app,
    },
};

pub const LEADER_NAME: &str = "Tổ trưởng tổ 1";
pub const OFFICIAL_NAME: &str = "Cán bộ phường Lam Sơn";

/// Ward W1 ("Phường Lam Sơn", groups 1 and 2 with households H1 and H2), ward W2 ("Phường Ba Đình",
/// group 21 with household H21), and a leader of group 1, an official of W1 and an official of W2, each
/// signed in.
pub struct World {
    pub app: Arc<TestApp>,
    pub ward_id: String,
    pub group_id: String,
    pub other_group_id: String,
    pub foreign_ward_id: String,
    pub foreign_group_id: String,
    /// H1, in group 1, headed by "Nguyễn Văn An".
    pub household_id: String,
    /// H2, in group 2.
    pub other_household_id: String,
    /// H21, in group 21 of W2.
    pub foreign_household_id: String,
    pub leader_id: String,
    pub leader_token: String,
    pub official_id: String,
    pub official_token: String,
    pub foreign_official_token: String,
}

impl World {
    /// The world on a fresh server.
    pub async fn build() -> Self {
        Self::build_on(spawn_app().await).await
    }

    /// The world on `app` (a server with other settings, or whose clock a test has already set).
    pub async fn build_on(app: TestApp) -> Self {
        let ward_id = create_ward(&app, "W1", "Phường Lam Sơn").await;
        let group_id = create_group(&app, &ward_id, "1").await;
        let other_group_id = create_group(&app, &ward_id, "2").await;
        let foreign_ward_id = create_ward(&app, "W2", "Phường Ba Đình").await;
        let foreign_group_id = create_group(&app, &foreign_ward_id, "21").await;
        let household_id = create_household(&app, &group_id, "H1", "Nguyễn Văn An").await;
        let other_household_id = create_household(&app, &other_group_id, "H2", "Trần Thị Bình").await;
        let foreign_household_id = create_household(&app, &foreign_group_id, "H21", "Lê Văn Cường").await;
        let leader = json!([{ "role": "GROUP_LEADER", "groupId": group_id }]);
        let leader_id = create_user(&app, "leader.1", LEADER_NAME, leader).await;
        let official = json!([{ "role": "WARD_OFFICIAL", "wardId": ward_id }]);
        let official_id = create_user(&app, "official.w1", OFFICIAL_NAME, official).await;
        let foreign_official = json!([{ "role": "WARD_OFFICIAL", "wardId": foreign_ward_id }]);
        create_user(&app, "official.w2", "Cán bộ phường Ba Đình", foreign_official).await;
        let leader_token = app.login("leader.1", TEST_PASSWORD).await;
        let official_token = app.login("official.w1", TEST_PASSWORD).await;
        let foreign_official_token = app.login("official.w2", TEST_PASSWORD).await;
        Self {
            app: Arc::new(app),
            ward_id,
            group_id,
            other_group_id,
            foreign_ward_id,
            foreign_group_id,
            household_id,
            other_household_id,
            foreign_household_id,
            leader_id,
            leader_token,
            official_id,
            official_token,
            foreign_official_token,
        }
    }

    /// The leader's id as the database stores it.
    pub fn leader_uuid(&self) -> Uuid {
        self.leader_id.parse().expect("a user id")
    }
}

/// Today in Vietnam by the server's clock.
pub fn vietnam_today(app: &TestApp) -> NaiveDate {
    local_today(app.clock.now())
}

/// An open campaign titled `title` for `ward_id` (none: every ward) whose window holds the last and
/// the next `days` days, made and opened by the administrator; returns its id.
pub async fn open_campaign_around_today(
    app: &TestApp,
    title: &str,
    ward_id: Option<&str>,
    days: u64,
) -> String {
    let today = vietnam_today(app);
    let mut input = campaign_input(title, ward_id);
    input["year"] = json!(today.year());
    input["startsOn"] = json!((today - Days::new(days)).to_string());
    input["endsOn"] = json!((today + Days::new(days)).to_string());
    let data = app.gql_ok(&create_campaign_mutation(), json!({ "input": input })).await;
    let id = data["createCampaign"]["id"].as_str().expect("campaign id").to_owned();
    transition(app, "openCampaign", &id).await;
    id
}

/// Every row of every table a request may write: the helpers' `Snapshot` (hierarchy, users, sessions,
/// audit trail, change log) and the campaigns, pledges, good deeds, idempotency keys, incident tallies,
/// wards' settings and group assessments, each ordered by key: two are equal exactly when
/// nothing was written in between.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    pub snapshot: Snapshot,
    pub campaigns: Vec<campaign::Model>,
    pub pledges: Vec<pledge::Model>,
    pub good_deeds: Vec<good_deed::Model>,
    /// The idempotency keys (`clientMutationId`s) stored.
    pub keys: Vec<client_mutation::Model>,
    /// The monthly incident tallies.
    pub tallies: Vec<incident_tally::Model>,
    /// Wards' own settings.
    pub ward_settings: Vec<ward_setting::Model>,
    /// Group assessments.
    pub assessments: Vec<group_assessment::Model>,
}

impl Rows {
    /// Reads every table of `app`'s database.
    pub async fn take(app: &TestApp) -> Self {
        Self {
            snapshot: Snapshot::take(app).await,
            campaigns: campaign::Entity::find()
                .order_by_asc(campaign::Column::Id)
                .all(&app.db)
                .await
                .expect("campaigns"),
            pledges: pledge::Entity::find()
                .order_by_asc(pledge::Column::Id)
                .all(&app.db)
                .await
                .expect("pledges"),
            good_deeds: good_deed::Entity::find()
                .order_by_asc(good_deed::Column::Id)
                .all(&app.db)
                .await
                .expect("good deeds"),
            keys: client_mutation::Entity::find()
                .order_by_asc(client_mutation::Column::Id)
                .all(&app.db)
                .await
                .expect("idempotency keys"),
            tallies: incident_tally::Entity::find()
                .order_by_asc(incident_tally::Column::Id)
                .all(&app.db)
                .await
                .expect("incident tallies"),
            ward_settings: ward_setting::Entity::find()
                .order_by_asc(ward_setting::Column::WardId)
                .all(&app.db)
                .await
                .expect("ward settings"),
            assessments: group_assessment::Entity::find()
                .order_by_asc(group_assessment::Column::Id)
                .all(&app.db)
                .await
                .expect("group assessments"),
        }
    }

    /// The tables whose rows differ between `self` and `later`.
    pub fn changed_tables(&self, later: &Self) -> Vec<&'static str> {
        let mut changed = self.snapshot.changed_tables(&later.snapshot);
        for (table, differs) in [
            ("campaign", self.campaigns != later.campaigns),
            ("pledge", self.pledges != later.pledges),
            ("good_deed", self.good_deeds != later.good_deeds),
            ("client_mutation", self.keys != later.keys),
            ("incident_tally", self.tallies != later.tallies),
            ("ward_setting", self.ward_settings != later.ward_settings),
            ("group_assessment", self.assessments != later.assessments),
        ] {
            if differs {
                changed.push(table);
            }
        }
        changed
    }

    /// The audit events in `self` that were not in `earlier`, oldest first.
    pub fn audit_events_since(&self, earlier: &Self) -> Vec<&audit_event::Model> {
        self.snapshot.audit_events.iter().filter(|e| !earlier.snapshot.audit_events.contains(e)).collect()
    }

    /// The change-log rows in `self` that were not in `earlier`, in order.
    pub fn changes_since(&self, earlier: &Self) -> Vec<&change_log::Model> {
        self.snapshot.changes.iter().filter(|c| !earlier.snapshot.changes.contains(c)).collect()
    }

    /// The campaign with this id.
    pub fn campaign(&self, id: &str) -> &campaign::Model {
        self.campaigns
            .iter()
            .find(|c| c.id.to_string() == id)
            .unwrap_or_else(|| panic!("no campaign {id} in {:#?}", self.campaigns))
    }

    /// The pledge with this id.
    pub fn pledge(&self, id: &str) -> &pledge::Model {
        self.pledges
            .iter()
            .find(|p| p.id.to_string() == id)
            .unwrap_or_else(|| panic!("no pledge {id} in {:#?}", self.pledges))
    }

    /// The good deed with this id.
    pub fn deed(&self, id: &str) -> &good_deed::Model {
        self.good_deeds
            .iter()
            .find(|d| d.id.to_string() == id)
            .unwrap_or_else(|| panic!("no good deed {id} in {:#?}", self.good_deeds))
    }
}

/// Asserts that nothing was written between `before` and `after`.
#[track_caller]
pub fn assert_unchanged(before: &Rows, after: &Rows, case: &str) {
    assert_eq!(before.changed_tables(after), Vec::<&str>::new(), "{case}: tables written");
}

/// Asserts an error with `code` (and `field`, when given) and no data.
#[track_caller]
pub fn assert_refused(body: &Value, code: &str, field: Option<&str>, case: &str) {
    assert_eq!(error_code(body), code, "{case}: {body:#}");
    if let Some(field) = field {
        assert_eq!(error_field(body), field, "{case}: {body:#}");
    }
    assert!(body["data"].is_null(), "{case}: no data on an error: {body:#}");
}
