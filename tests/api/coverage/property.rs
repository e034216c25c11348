//! A property test: whatever sequence of households created, moved out, dissolved or reactivated, and
//! pledges recorded, withdrawn or signed again goes through the API, `verify` finds no drift and every
//! figure of `coverageReport` equals a recomputation from the household and pledge rows.
//!
//! proptest's runner is synchronous, so each case builds a tokio runtime of its own and drives a fresh
//! server on a fresh database (SQLite in memory, or PostgreSQL with `TEST_DATABASE_URL`) inside it.

use std::{cell::RefCell, collections::BTreeMap};

use pledge_api::{
    domain::{campaign::PledgeStatus, household::HouseholdStatus},
    entities::{household, pledge},
};
use proptest::{
    prelude::*,
    sample::Index,
    test_runner::{Config, TestCaseError, TestRunner},
};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use super::{REPORT, coverage, drifts};
use crate::{
    drive::{VIETNAM_NOON, open_campaign, pledge_input, record_pledge, set_clock},
    helpers::{TestApp, create_household, error_code, spawn_app, unknown_id, ward_with_two_groups},
};

/// One operation; indexes pick among the households or pledges that exist when it runs.
#[derive(Debug, Clone)]
enum Step {
    /// A new household in group 1 or 2.
    CreateHousehold { group: usize },
    /// Sets a household's status with the version last read.
    SetStatus { household: Index, status: &'static str },
    /// Sets a household's status with a version that is no longer current: refused.
    SetStatusStale { household: Index, status: &'static str },
    /// `recordPledge` for a household and campaign, whatever their state.
    Record { household: Index, campaign: usize },
    /// Withdraws one of the signed pledges.
    Withdraw { pledge: Index },
    /// Signs one of the withdrawn pledges again.
    SignAgain { pledge: Index },
}

impl Step {
    fn kind(&self) -> &'static str {
        match self {
            Step::CreateHousehold { .. } => "create household",
            Step::SetStatus { .. } => "set status",
            Step::SetStatusStale { .. } => "set status with a stale version",
            Step::Record { .. } => "record pledge",
            Step::Withdraw { .. } => "withdraw pledge",
            Step::SignAgain { .. } => "sign again",
        }
    }
}

fn status() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("ACTIVE"), Just("MOVED_OUT"), Just("DISSOLVED")]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (0..2usize).prop_map(|group| Step::CreateHousehold { group }),
        5 => (any::<Index>(), status()).prop_map(|(household, status)| Step::SetStatus { household, status }),
        1 => (any::<Index>(), status()).prop_map(|(household, status)| Step::SetStatusStale { household, status }),
        6 => (any::<Index>(), 0..2usize).prop_map(|(household, campaign)| Step::Record { household, campaign }),
        3 => any::<Index>().prop_map(|pledge| Step::Withdraw { pledge }),
        2 => any::<Index>().prop_map(|pledge| Step::SignAgain { pledge }),
    ]
}

/// What became of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The API accepted it.
    Done,
    /// The API refused it with `CONFLICT`: nothing changed.
    Refused,
    /// Nothing to apply it to (no signed or withdrawn pledge yet).
    Skipped,
}

/// A household as the test last read it.
struct KnownHousehold {
    id: String,
    version: i64,
}

/// A pledge as the test last read it.
struct KnownPledge {
    id: String,
    household: String,
    campaign: usize,
    signed: bool,
}

/// Ward W1 with groups 1 and 2 of three households each, a campaign for every ward and one for W1.
struct World {
    app: TestApp,
    groups: [String; 2],
    campaigns: [String; 2],
    households: Vec<KnownHousehold>,
    pledges: Vec<KnownPledge>,
}

const SET_STATUS: &str = "mutation($id: ID!, $v: Int!, $s: HouseholdStatus!) {
    setHouseholdStatus(id: $id, expectedVersion: $v, status: $s) { version }
}";

/// Asserts that a refusal is a `CONFLICT`: any other error is a failure of the case.
fn refused(body: &Value, step: &Step) -> Result<Outcome, TestCaseError> {
    prop_assert_eq!(error_code(body), "CONFLICT", "{:?}: {:#}", step, body);
    Ok(Outcome::Refused)
}

impl World {
    async fn build() -> Self {
        let app = spawn_app().await;
        set_clock(&app, VIETNAM_NOON);
        let fixture = ward_with_two_groups(&app).await;
        let groups = [fixture.group_id, fixture.other_group_id];
        let campaigns = [
            open_campaign(&app, "Toàn thành phố 2023", None).await,
            open_campaign(&app, "Phường Lam Sơn 2023", Some(&fixture.ward_id)).await,
        ];
        let mut households = Vec::new();
        for (group, prefix) in groups.iter().zip(["A", "B"]) {
            for n in 1..=3 {
                let id = create_household(&app, group, &format!("{prefix}{n}"), "Nguyễn Văn An").await;
                households.push(KnownHousehold { id, version: 1 });
            }
        }
        Self { app, groups, campaigns, households, pledges: Vec::new() }
    }

    async fn record(
        &mut self,
        household: String,
        campaign: usize,
        step: &Step,
    ) -> Result<Outcome, TestCaseError> {
        let input = pledge_input(&unknown_id(), &household, &self.campaigns[campaign]);
        let body = record_pledge(&self.app, &self.app.admin_token, &input).await;
        if body.get("errors").is_some() {
            return refused(&body, step);
        }
        let id = body["data"]["recordPledge"]["id"].as_str().expect("pledge id").to_owned();
        match self.pledges.iter_mut().find(|p| p.id == id) {
            Some(known) => known.signed = true,
            None => self.pledges.push(KnownPledge { id, household, campaign, signed: true }),
        }
        Ok(Outcome::Done)
    }

    async fn set_status(
        &mut self,
        index: usize,
        version: i64,
        status: &str,
        step: &Step,
    ) -> Result<Outcome, TestCaseError> {
        let id = self.households[index].id.clone();
        let body = self.app.gql(SET_STATUS, json!({ "id": id, "v": version, "s": status })).await;
        if body.get("errors").is_some() {
            return refused(&body, step);
        }
        self.households[index].version =
            body["data"]["setHouseholdStatus"]["version"].as_i64().expect("version");
        Ok(Outcome::Done)
    }

    async fn apply(&mut self, step: &Step) -> Result<Outcome, TestCaseError> {
        match step {
            Step::CreateHousehold { group } => {
                let code = format!("N{}", self.households.len() + 1);
                let id = create_household(&self.app, &self.groups[*group], &code, "Lê Thị Cúc").await;
                self.households.push(KnownHousehold { id, version: 1 });
                Ok(Outcome::Done)
            }
            Step::SetStatus { household, status } => {
                let index = household.index(self.households.len());
                let version = self.households[index].version;
                self.set_status(index, version, status, step).await
            }
            Step::SetStatusStale { household, status } => {
                let index = household.index(self.households.len());
                let stale = self.households[index].version + 1;
                let outcome = self.set_status(index, stale, status, step).await?;
                prop_assert_eq!(outcome, Outcome::Refused, "a stale version is refused");
                Ok(outcome)
            }
            Step::Record { household, campaign } => {
                let household = self.households[household.index(self.households.len())].id.clone();
                self.record(household, *campaign, step).await
            }
            Step::Withdraw { pledge } => {
                let signed: Vec<usize> =
                    (0..self.pledges.len()).filter(|&i| self.pledges[i].signed).collect();
                if signed.is_empty() {
                    return Ok(Outcome::Skipped);
                }
                let index = signed[pledge.index(signed.len())];
                let body = self
                    .app
                    .gql(
                        "mutation($id: ID!) { withdrawPledge(id: $id) { status } }",
                        json!({ "id": self.pledges[index].id }),
                    )
                    .await;
                if body.get("errors").is_some() {
                    return refused(&body, step);
                }
                self.pledges[index].signed = false;
                Ok(Outcome::Done)
            }
            Step::SignAgain { pledge } => {
                let withdrawn: Vec<usize> =
                    (0..self.pledges.len()).filter(|&i| !self.pledges[i].signed).collect();
                if withdrawn.is_empty() {
                    return Ok(Outcome::Skipped);
                }
                let known = &self.pledges[withdrawn[pledge.index(withdrawn.len())]];
                let (household, campaign) = (known.household.clone(), known.campaign);
                self.record(household, campaign, step).await
            }
        }
    }

    /// Asserts that every figure of the report of `campaign` equals a recomputation from the rows.
    async fn check_report(&self, campaign: usize) -> Result<(), TestCaseError> {
        let households = household::Entity::find().all(&self.app.db).await.expect("households");
        let pledges = pledge::Entity::find().all(&self.app.db).await.expect("pledges");
        let campaign_id: uuid::Uuid = self.campaigns[campaign].parse().expect("a UUID");
        let mut expected = Vec::new();
        for (group, code) in self.groups.iter().zip(["1", "2"]) {
            let group: uuid::Uuid = group.parse().expect("a UUID");
            let active: Vec<&household::Model> = households
                .iter()
                .filter(|h| h.group_id == group && h.status == HouseholdStatus::Active)
                .collect();
            let has_signed = |h: &household::Model| {
                pledges.iter().any(|p| {
                    p.household_id == h.id && p.campaign_id == campaign_id && p.status == PledgeStatus::Signed
                })
            };
            let mut unsigned: Vec<String> =
                active.iter().filter(|h| !has_signed(h)).map(|h| h.code.clone()).collect();
            unsigned.sort();
            let (total, signed) = (active.len() as i64, (active.len() - unsigned.len()) as i64);
            expected.push((code.to_owned(), total, signed, unsigned));
        }
        let ratio = |signed: i64, total: i64| if total == 0 { 0.0 } else { signed as f64 / total as f64 };
        expected.sort_by(|a, b| ratio(a.2, a.1).total_cmp(&ratio(b.2, b.1)).then_with(|| a.0.cmp(&b.0)));
        let expected_rows: Vec<Value> = expected
            .iter()
            .map(|(code, total, signed, unsigned)| {
                json!({
                    "code": code, "total": total, "signed": signed, "coverage": coverage(*signed, *total),
                    "fullyCovered": *total > 0 && signed == total, "unsigned": unsigned, "unsignedCount": unsigned.len(),
                })
            })
            .collect();
        let (total, signed): (i64, i64) = expected.iter().fold((0, 0), |(t, s), g| (t + g.1, s + g.2));
        let fully: Vec<bool> = expected.iter().map(|g| g.1 > 0 && g.1 == g.2).collect();
        let with_households: Vec<bool> = expected.iter().filter(|g| g.1 > 0).map(|g| g.1 == g.2).collect();
        let expected_totals = json!({
            "totalHouseholds": total, "signedHouseholds": signed, "coverage": coverage(signed, total),
            "fullyCovered": !with_households.is_empty() && with_households.iter().all(|&f| f),
            "groupsTotal": 2, "groupsFullyCovered": fully.iter().filter(|&&f| f).count(),
        });

        let variables = json!({ "campaignId": self.campaigns[campaign], "first": 100 });
        let report = self.app.gql_ok(REPORT, variables).await["coverageReport"].clone();
        let rows: Vec<Value> = report["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|row| {
                let unsigned = &row["unsignedHouseholds"];
                let mut codes = crate::helpers::edge_codes(unsigned);
                codes.sort();
                json!({
                    "code": row["group"]["code"], "total": row["totalHouseholds"], "signed": row["signedHouseholds"],
                    "coverage": row["coverage"], "fullyCovered": row["fullyCovered"],
                    "unsigned": codes, "unsignedCount": unsigned["totalCount"],
                })
            })
            .collect();
        let totals_of = |value: &Value| {
            json!({
                "totalHouseholds": value["totalHouseholds"], "signedHouseholds": value["signedHouseholds"],
                "coverage": value["coverage"], "fullyCovered": value["fullyCovered"],
                "groupsTotal": value["groupsTotal"], "groupsFullyCovered": value["groupsFullyCovered"],
            })
        };
        prop_assert_eq!(&rows, &expected_rows, "groups of campaign {}", campaign);
        prop_assert_eq!(totals_of(&report), expected_totals.clone(), "totals of campaign {}", campaign);
        prop_assert_eq!(totals_of(&report["wards"][0]), expected_totals, "ward W1 of campaign {}", campaign);
        prop_assert_eq!(report["wards"].as_array().map(Vec::len), Some(1));
        Ok(())
    }
}

/// Runs one case: the steps through the API, then the checks. Returns what became of each step.
async fn run_case(steps: Vec<Step>) -> Result<Vec<(&'static str, Outcome)>, TestCaseError> {
    let mut world = World::build().await;
    let mut outcomes = Vec::with_capacity(steps.len());
    for step in &steps {
        outcomes.push((step.kind(), world.apply(step).await?));
    }
    prop_assert_eq!(drifts(&world.app).await, [], "verify after {:?}", outcomes);
    world.check_report(0).await?;
    world.check_report(1).await?;
    Ok(outcomes)
}

#[test]
fn random_sequences_of_changes_keep_every_counter_equal_to_a_recomputation_from_the_rows() {
    // Arrange
    let config = Config { cases: 8, max_shrink_iters: 64, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let done: RefCell<BTreeMap<&'static str, usize>> = RefCell::new(BTreeMap::new());

    // Act
    let result = runner.run(&prop::collection::vec(step(), 30..=60), |steps| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| TestCaseError::fail(format!("no runtime: {e}")))?;
        let outcomes = runtime.block_on(run_case(steps))?;
        for (kind, outcome) in outcomes {
            if outcome == Outcome::Done {
                *done.borrow_mut().entry(kind).or_default() += 1;
            }
        }
        Ok(())
    });

    // Assert
    if let Err(failure) = result {
        panic!("{failure}");
    }
    let done = done.into_inner();
    for kind in ["create household", "set status", "record pledge", "withdraw pledge", "sign again"] {
        assert!(done.get(kind).is_some_and(|&n| n > 0), "no {kind} went through in any case: {done:?}");
    }
}
