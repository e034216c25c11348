//! Coverage: `coverageReport` with exact figures for a hand-built drive, its scope for every
//! role, the counters following every change that moves them, `verify` and `verify-coverage [--repair]`,
//! and a property test of random operation sequences against a recomputation from the raw rows.

mod counters;
mod daily;
mod figures;
mod kept;
mod property;
mod scope;
mod shared;
mod verify;

use std::collections::HashMap;

use pledge_api::service::coverage::Drift;
use serde_json::{Value, json};

use crate::{
    drive::{VIETNAM_NOON, id_of, open_campaign, pledge_input, recorded, set_clock},
    helpers::{TestApp, create_group, create_household, create_ward, spawn_app, unknown_id},
};

/// `coverageReport` with every figure, each ward's code and each group's code and first page of unsigned
/// households; variables `campaignId`, `wardId`, `groupId`, `first`, `after`.
pub const REPORT: &str = "query($campaignId: ID!, $wardId: ID, $groupId: ID, $first: Int, $after: String) {
    coverageReport(campaignId: $campaignId, wardId: $wardId, groupId: $groupId) {
        campaign { id }
        totalHouseholds signedHouseholds coverage fullyCovered groupsTotal groupsFullyCovered
        wards {
            ward { code }
            totalHouseholds signedHouseholds coverage fullyCovered groupsTotal groupsFullyCovered
        }
        groups {
            group { code }
            totalHouseholds signedHouseholds coverage fullyCovered
            unsignedHouseholds(first: $first, after: $after) {
                edges { node { code } }
                pageInfo { hasNextPage endCursor }
                totalCount
            }
        }
    }
}";

/// Sends `REPORT` as `token` (none: anonymous) and returns the whole body.
pub async fn report_as(
    app: &TestApp,
    token: Option<&str>,
    campaign_id: &str,
    ward_id: Option<&str>,
    group_id: Option<&str>,
) -> Value {
    let variables = json!({ "campaignId": campaign_id, "wardId": ward_id, "groupId": group_id });
    let body = app.gql_with(token, REPORT, variables.clone()).await;
    if body.get("errors").is_none() {
        // Without `groups` the report is aggregated per ward in the database, and for whole-ward scopes
        // shared between requests: it must say the same, whoever asks.
        let wards_only = app.gql_with(token, WARDS_ONLY, variables).await;
        let mut with_groups = body["data"]["coverageReport"].clone();
        if let Some(object) = with_groups.as_object_mut() {
            object.remove("groups");
            object.remove("campaign");
        }
        assert_eq!(
            wards_only["data"]["coverageReport"], with_groups,
            "per-ward figures differ: {wards_only:#}"
        );
    }
    body
}

/// The report as the administrator, asserting success.
pub async fn report(
    app: &TestApp,
    campaign_id: &str,
    ward_id: Option<&str>,
    group_id: Option<&str>,
) -> Value {
    let body = report_as(app, Some(&app.admin_token), campaign_id, ward_id, group_id).await;
    assert!(body.get("errors").is_none(), "coverageReport failed: {body:#}");
    body["data"]["coverageReport"].clone()
}

/// The report without group rows (aggregated per ward by the database).
const WARDS_ONLY: &str = "query($campaignId: ID!, $wardId: ID, $groupId: ID) {
    coverageReport(campaignId: $campaignId, wardId: $wardId, groupId: $groupId) {
        totalHouseholds signedHouseholds coverage fullyCovered groupsTotal groupsFullyCovered
        wards {
            ward { code }
            totalHouseholds signedHouseholds coverage fullyCovered groupsTotal groupsFullyCovered
        }
    }
}";

/// `(totalHouseholds, signedHouseholds)` of one group for a campaign, read through `coverageReport`.
pub async fn group_figures(app: &TestApp, campaign_id: &str, group_id: &str) -> (i64, i64) {
    let report = report(app, campaign_id, None, Some(group_id)).await;
    let groups = report["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 1, "one row for one group: {report:#}");
    let figure = |name: &str| groups[0][name].as_i64().unwrap_or_else(|| panic!("no {name} in {report:#}"));
    (figure("totalHouseholds"), figure("signedHouseholds"))
}

/// Sets a household's status as the administrator and returns its new version, asserting success.
pub async fn set_status(app: &TestApp, household_id: &str, expected_version: i64, status: &str) -> i64 {
    let data = app
        .gql_ok(
            "mutation($id: ID!, $v: Int!, $s: HouseholdStatus!) {
                setHouseholdStatus(id: $id, expectedVersion: $v, status: $s) { status version }
            }",
            json!({ "id": household_id, "v": expected_version, "s": status }),
        )
        .await;
    assert_eq!(data["setHouseholdStatus"]["status"], status);
    data["setHouseholdStatus"]["version"].as_i64().expect("version")
}

/// Signs a household up for a campaign as the administrator; returns the pledge id.
pub async fn sign(app: &TestApp, household_id: &str, campaign_id: &str) -> String {
    id_of(&recorded(app, &app.admin_token, &pledge_input(&unknown_id(), household_id, campaign_id)).await)
}

/// Withdraws a pledge as the administrator, asserting success.
pub async fn withdraw(app: &TestApp, pledge_id: &str) {
    let data = app
        .gql_ok(
            "mutation($id: ID!) { withdrawPledge(id: $id, reason: \"Ký nhầm hộ\") { status } }",
            json!({ "id": pledge_id }),
        )
        .await;
    assert_eq!(data["withdrawPledge"]["status"], "WITHDRAWN");
}

/// `signed / total` (0 without households) as a client reads it from the JSON. serde_json, as the tests
/// build it (without `float_roundtrip`), may parse a 17-digit number one unit in the last place away
/// from the value the server wrote, so the expected value takes the same way through text.
pub fn coverage(signed: i64, total: i64) -> Value {
    let ratio = if total == 0 { 0.0 } else { signed as f64 / total as f64 };
    serde_json::from_str(&serde_json::to_string(&ratio).expect("a number")).expect("a number")
}

/// `verify(&app.db, false)`, asserting it runs.
pub async fn drifts(app: &TestApp) -> Vec<Drift> {
    app.services.verify_coverage(false).await.expect("verify runs")
}

/// The hand-built drive whose figures are worked out by hand, on 19 May 2023 in Vietnam.
///
/// Ward W1 "Phường Lam Sơn":
/// - group 1: H101, H102, H103 all signed (3 of 3);
/// - group 2: H201 signed; H202, H203 not; H204 signed and then moved out; H205 moved out unsigned (1 of 3);
/// - group 3: H301 signed; H302 signed and then withdrew (1 of 2);
/// - group 4: no household (0 of 0);
/// - group 10: H1001 not signed (0 of 1).
///
/// Ward W2 "Phường Ba Đình":
/// - group 21: H2101, H2102 signed (2 of 2);
/// - group 22: no household.
///
/// `campaign` covers every ward. `lam_son_campaign` is for W1 only: H202, H203 and H1001 signed it, and
/// none of it may count in `campaign`. `ba_dinh_campaign` is for W2 only, with no pledge.
pub struct Fixture {
    pub app: TestApp,
    pub lam_son: String,
    pub ba_dinh: String,
    pub groups: HashMap<&'static str, String>,
    pub households: HashMap<&'static str, String>,
    pub campaign: String,
    pub lam_son_campaign: String,
    pub ba_dinh_campaign: String,
}

impl Fixture {
    pub async fn build() -> Self {
        let app = spawn_app().await;
        set_clock(&app, VIETNAM_NOON);
        let lam_son = create_ward(&app, "W1", "Phường Lam Sơn").await;
        let ba_dinh = create_ward(&app, "W2", "Phường Ba Đình").await;
        let mut groups = HashMap::new();
        for (ward, codes) in [(&lam_son, ["1", "2", "3", "4", "10"].as_slice()), (&ba_dinh, &["21", "22"])] {
            for &code in codes {
                groups.insert(code, create_group(&app, ward, code).await);
            }
        }
        let mut households = HashMap::new();
        for (group, codes) in [
            ("1", ["H101", "H102", "H103"].as_slice()),
            ("2", &["H201", "H202", "H203", "H204", "H205"]),
            ("3", &["H301", "H302"]),
            ("10", &["H1001"]),
            ("21", &["H2101", "H2102"]),
        ] {
            for &code in codes {
                households.insert(code, create_household(&app, &groups[group], code, "Nguyễn Văn An").await);
            }
        }
        let campaign = open_campaign(&app, "Toàn thành phố 2023", None).await;
        let lam_son_campaign = open_campaign(&app, "Phường Lam Sơn 2023", Some(&lam_son)).await;
        let ba_dinh_campaign = open_campaign(&app, "Phường Ba Đình 2023", Some(&ba_dinh)).await;
        for code in ["H101", "H102", "H103", "H201", "H204", "H301", "H2101", "H2102"] {
            sign(&app, &households[code], &campaign).await;
        }
        let withdrawn = sign(&app, &households["H302"], &campaign).await;
        withdraw(&app, &withdrawn).await;
        for code in ["H204", "H205"] {
            set_status(&app, &households[code], 1, "MOVED_OUT").await;
        }
        for code in ["H202", "H203", "H1001"] {
            sign(&app, &households[code], &lam_son_campaign).await;
        }
        Self { app, lam_son, ba_dinh, groups, households, campaign, lam_son_campaign, ba_dinh_campaign }
    }
}

/// The codes of the groups of a report, in its order.
pub fn group_codes(report: &Value) -> Vec<String> {
    codes(&report["groups"], "group")
}

/// The codes of the wards of a report, in its order.
pub fn ward_codes(report: &Value) -> Vec<String> {
    codes(&report["wards"], "ward")
}

fn codes(rows: &Value, kind: &str) -> Vec<String> {
    rows.as_array()
        .unwrap_or_else(|| panic!("no rows in {rows:#}"))
        .iter()
        .map(|row| {
            row[kind]["code"].as_str().unwrap_or_else(|| panic!("no {kind} code in {row:#}")).to_owned()
        })
        .collect()
}
