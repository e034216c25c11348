//! Who sees which coverage: an administrator any ward and group, a ward official their ward, a group
//! leader their group alone; everything else answers as if it did not exist, and a ward the campaign
//! does not cover is a bad argument.

use serde_json::{Value, json};

use super::{Fixture, coverage, group_codes, report_as, ward_codes};
use crate::helpers::{error_code, unknown_id};

/// What a call should answer.
enum Expect {
    /// The report, with these group rows and ward rows (codes, in order) and these totals.
    Rows { groups: &'static [&'static str], wards: &'static [&'static str], total: i64, signed: i64 },
    /// An error with this code (and `extensions.field`, when given), and no data.
    Refused(&'static str, Option<&'static str>),
}

use Expect::{Refused, Rows};

/// (what the case is, the caller's token, campaign, wardId, groupId, what it should answer).
type Case<'a> = (&'a str, Option<&'a str>, &'a str, Option<&'a str>, Option<&'a str>, Expect);

/// The whole report of the city campaign as the administrator sees it.
const ALL: Expect =
    Rows { groups: &["4", "10", "22", "2", "3", "1", "21"], wards: &["W1", "W2"], total: 11, signed: 7 };
/// The city campaign in ward W1.
const LAM_SON: Expect = Rows { groups: &["4", "10", "2", "3", "1"], wards: &["W1"], total: 9, signed: 5 };
/// The city campaign in group 2 of W1.
const GROUP_2: Expect = Rows { groups: &["2"], wards: &["W1"], total: 3, signed: 1 };

fn check(case: &str, body: &Value, expect: &Expect) {
    match expect {
        Rows { groups, wards, total, signed } => {
            assert!(body.get("errors").is_none(), "{case}: {body:#}");
            let report = &body["data"]["coverageReport"];
            assert_eq!(group_codes(report), *groups, "{case}: groups");
            assert_eq!(ward_codes(report), *wards, "{case}: wards");
            assert_eq!(
                (&report["totalHouseholds"], &report["signedHouseholds"]),
                (&json!(total), &json!(signed)),
                "{case}: totals"
            );
            let ward_totals: i64 = report["wards"]
                .as_array()
                .expect("wards")
                .iter()
                .map(|w| w["totalHouseholds"].as_i64().expect("n"))
                .sum();
            assert_eq!(ward_totals, *total, "{case}: the ward rows add up to the totals");
        }
        Refused(code, field) => {
            assert_eq!(error_code(body), *code, "{case}: {body:#}");
            assert_eq!(body["errors"][0]["extensions"]["field"].as_str(), *field, "{case}: field");
            assert!(body["data"].is_null(), "{case}: no data: {body:#}");
        }
    }
}

#[tokio::test]
async fn each_role_sees_the_coverage_of_its_own_scope_and_nothing_else() {
    // Arrange
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let official = app.user_with_role("official.w1", "WARD_OFFICIAL", Some(&fixture.lam_son), None).await;
    let leader = app.user_with_role("leader.2", "GROUP_LEADER", None, Some(&fixture.groups["2"])).await;
    let (city, lam_son_campaign, ba_dinh_campaign) =
        (fixture.campaign.as_str(), fixture.lam_son_campaign.as_str(), fixture.ba_dinh_campaign.as_str());
    let (w1, w2) = (Some(fixture.lam_son.as_str()), Some(fixture.ba_dinh.as_str()));
    let group = |code: &str| Some(fixture.groups[code].as_str());
    let unknown = unknown_id();
    let admin = Some(app.admin_token.as_str());
    let (official, leader) = (Some(official.as_str()), Some(leader.as_str()));
    let cases: Vec<Case> = vec![
        ("admin, every ward", admin, city, None, None, ALL),
        (
            "admin, ward W2",
            admin,
            city,
            w2,
            None,
            Rows { groups: &["22", "21"], wards: &["W2"], total: 2, signed: 2 },
        ),
        (
            "admin, group 21",
            admin,
            city,
            None,
            group("21"),
            Rows { groups: &["21"], wards: &["W2"], total: 2, signed: 2 },
        ),
        (
            "admin, group 3 in W1",
            admin,
            city,
            w1,
            group("3"),
            Rows { groups: &["3"], wards: &["W1"], total: 2, signed: 1 },
        ),
        (
            "admin, group 3 named with W2",
            admin,
            city,
            w2,
            group("3"),
            Refused("BAD_USER_INPUT", Some("groupId")),
        ),
        (
            "admin, W2 for the Lam Sơn campaign",
            admin,
            lam_son_campaign,
            w2,
            None,
            Refused("BAD_USER_INPUT", Some("wardId")),
        ),
        (
            "admin, the Ba Đình campaign",
            admin,
            ba_dinh_campaign,
            None,
            None,
            Rows { groups: &["21", "22"], wards: &["W2"], total: 2, signed: 0 },
        ),
        ("admin, an unknown campaign", admin, &unknown, None, None, Refused("NOT_FOUND", None)),
        (
            "admin, a malformed campaign id",
            admin,
            "not-an-id",
            None,
            None,
            Refused("BAD_USER_INPUT", Some("campaignId")),
        ),
        ("official, every ward", official, city, None, None, LAM_SON),
        ("official, own ward", official, city, w1, None, LAM_SON),
        ("official, a group of the ward", official, city, None, group("2"), GROUP_2),
        (
            "official, the Lam Sơn campaign",
            official,
            lam_son_campaign,
            None,
            None,
            Rows { groups: &["1", "3", "4", "2", "10"], wards: &["W1"], total: 9, signed: 3 },
        ),
        ("official, another ward", official, city, w2, None, Refused("NOT_FOUND", None)),
        ("official, a group of another ward", official, city, None, group("21"), Refused("NOT_FOUND", None)),
        (
            "official, the other ward's campaign",
            official,
            ba_dinh_campaign,
            None,
            None,
            Refused("NOT_FOUND", None),
        ),
        ("leader, no ward or group", leader, city, None, None, GROUP_2),
        ("leader, own ward", leader, city, w1, None, GROUP_2),
        ("leader, own group", leader, city, None, group("2"), GROUP_2),
        (
            "leader, the Lam Sơn campaign",
            leader,
            lam_son_campaign,
            w1,
            None,
            Rows { groups: &["2"], wards: &["W1"], total: 3, signed: 2 },
        ),
        ("leader, another group of the ward", leader, city, None, group("1"), Refused("NOT_FOUND", None)),
        ("leader, another ward", leader, city, w2, None, Refused("NOT_FOUND", None)),
        (
            "leader, the other ward's campaign",
            leader,
            ba_dinh_campaign,
            None,
            None,
            Refused("NOT_FOUND", None),
        ),
        ("anonymous", None, city, None, None, Refused("UNAUTHENTICATED", None)),
        ("anonymous, with a ward", None, city, w1, None, Refused("UNAUTHENTICATED", None)),
    ];

    // Asked twice: the second time, whole-ward scopes answer from the reports they share.
    for pass in ["first", "again"] {
        for (case, token, campaign, ward, group, expect) in &cases {
            // Act
            let body = report_as(app, *token, campaign, *ward, *group).await;

            // Assert
            check(&format!("{case} ({pass})"), &body, expect);
        }
    }
}

#[tokio::test]
async fn a_group_leader_follows_up_only_the_unsigned_households_of_their_group() {
    // Arrange
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let leader = app.user_with_role("leader.2", "GROUP_LEADER", None, Some(&fixture.groups["2"])).await;

    // Act
    let body = report_as(app, Some(&leader), &fixture.campaign, Some(&fixture.lam_son), None).await;

    // Assert
    assert!(body.get("errors").is_none(), "{body:#}");
    let report = &body["data"]["coverageReport"];
    assert_eq!(
        report["wards"],
        json!([{
            "ward": { "code": "W1" }, "totalHouseholds": 3, "signedHouseholds": 1, "coverage": coverage(1, 3),
            "fullyCovered": false, "groupsTotal": 1, "groupsFullyCovered": 0
        }]),
        "the ward row counts the leader's group alone"
    );
    assert_eq!(crate::helpers::edge_codes(&report["groups"][0]["unsignedHouseholds"]), ["H202", "H203"]);
}
