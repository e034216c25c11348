//! The permission matrix as data: every caller (ADMIN, WARD_OFFICIAL of ward A,
//! GROUP_LEADER of group 11 in ward A, WARD_POLICE of ward A, anonymous) against every query, nested list and mutation, on a
//! target in scope and out of scope. A refusal must carry the exact code and leave every table as it
//! was; an out-of-scope target must be refused exactly like a missing one; an allowed call must return
//! exactly the expected data and leave exactly the expected rows (and one audit event naming the caller).
//! `scenarios` follows the nested paths and `me` in full; `nodes` holds `node` and `nodes` to the same
//! scopes for every kind of object.

mod nodes;
mod operations;
mod scenarios;
mod world;

use std::collections::BTreeSet;

use crate::helpers::backend;
use operations::{Operation, run_case};
use world::World;

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// `root`, ADMIN.
    Admin,
    /// `official.a`, WARD_OFFICIAL of ward A.
    Official,
    /// `leader.11`, GROUP_LEADER of group 11 in ward A.
    Leader,
    /// `police.a`, WARD_POLICE of ward A.
    Police,
    /// No `Authorization` header.
    Anonymous,
}

/// The columns of the matrix, in order.
const CALLERS: [Caller; 5] =
    [Caller::Admin, Caller::Official, Caller::Leader, Caller::Police, Caller::Anonymous];

/// What an operation is aimed at, seen from the official of ward A and the leader of group 11.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The operation names no ward, group or household (`wards`, `me`, `createWard`, sessions).
    Unscoped,
    /// Ward A, group 11 or its household: in everyone's scope (for sessions: the caller's own).
    Own,
    /// Group 12 of ward A or its household: the official's, not the leader's.
    Neighbour,
    /// Ward B, group 21 or its household: only the admin's (for sessions: someone else's).
    Foreign,
    /// An id that names nothing: not in the matrix, the runner compares `NOT_FOUND` answers with it.
    Missing,
}

/// The answer a case must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// Success, with exactly the data and rows the operation's target implies.
    Ok,
    /// Success listing exactly these codes (usernames for `users`), in order.
    Sees(&'static [&'static str]),
    /// An error with this `extensions.code`, no data, and no change in the database.
    Refused(&'static str),
    /// Exactly this many errors, each with this code, and the field each names left out of the data:
    /// a nested field refused on every row of a list, around which the rest is answered. Nothing
    /// changes in the database.
    RefusedEach(&'static str, usize),
    /// For a batch (`recordPledges`): the call succeeds, its only item fails with this code, and the
    /// database does not change.
    ItemRefused(&'static str),
}

const OK: Expected = Expected::Ok;
const UNAUTHENTICATED: Expected = Expected::Refused("UNAUTHENTICATED");
const FORBIDDEN: Expected = Expected::Refused("FORBIDDEN");
const NOT_FOUND: Expected = Expected::Refused("NOT_FOUND");
const ITEM_NOT_FOUND: Expected = Expected::ItemRefused("NOT_FOUND");

/// One cell of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub caller: Caller,
    pub operation: Operation,
    pub scope: Scope,
    pub expected: Expected,
}

/// One line of the matrix: an operation on a target and what each of `CALLERS` gets.
struct Row(Operation, Scope, [Expected; 5]);

/// The matrix, one line per operation and target. Queries come first: mutations add and change
/// rows, and the lists the queries return are exact. Each mutation arranges its own target.
fn rows() -> Vec<Row> {
    use Operation::*;
    use Scope::*;
    const ALL_WARDS: Expected = Expected::Sees(&["WA", "WB"]);
    const WARD_A: Expected = Expected::Sees(&["WA"]);
    const UNAUTH: Expected = UNAUTHENTICATED;
    // The police see ward A's groups, but the households nested in each are refused, one error a group.
    const HOUSEHOLDS_REFUSED: Expected = Expected::RefusedEach("FORBIDDEN", 2);
    const CAMPAIGNS_OF_A: Expected = Expected::Sees(&[world::CAMPAIGN_A, world::CAMPAIGN_ALL]);
    const GROUPS_OF_A: Expected = Expected::Sees(&["11", "12"]);
    vec![
        //  operation, target        ADMIN      WARD_OFFICIAL (A)  GROUP_LEADER (11)  WARD_POLICE (A)  anonymous
        Row(Wards, Unscoped, [ALL_WARDS, WARD_A, WARD_A, WARD_A, UNAUTH]),
        Row(Ward, Own, [OK, OK, OK, OK, UNAUTH]),
        Row(Ward, Foreign, [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH]),
        Row(Group, Own, [OK, OK, OK, OK, UNAUTH]),
        Row(Group, Neighbour, [OK, OK, NOT_FOUND, OK, UNAUTH]),
        Row(Group, Foreign, [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH]),
        // The police never read households, whoever's: FORBIDDEN before any scope.
        Row(Households, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(Households, Neighbour, [OK, OK, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(Households, Foreign, [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(Household, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(Household, Neighbour, [OK, OK, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(Household, Foreign, [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(
            Users,
            Unscoped,
            [
                Expected::Sees(&[
                    "leader.11",
                    "leader.21",
                    "official.a",
                    "official.b",
                    "police.a",
                    "police.b",
                    "root",
                ]),
                Expected::Sees(&["leader.11", "official.a", "police.a"]),
                FORBIDDEN,
                FORBIDDEN,
                UNAUTH,
            ],
        ),
        Row(Me, Unscoped, [OK, OK, OK, OK, UNAUTH]),
        Row(
            WardGroups,
            Own,
            [
                Expected::Sees(&["11", "12"]),
                Expected::Sees(&["11", "12"]),
                Expected::Sees(&["11"]),
                HOUSEHOLDS_REFUSED,
                UNAUTH,
            ],
        ),
        Row(WardGroups, Foreign, [Expected::Sees(&["21"]), NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH]),
        Row(GroupHouseholds, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(GroupHouseholds, Neighbour, [OK, OK, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(GroupHouseholds, Foreign, [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(HouseholdGroup, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(HouseholdGroup, Neighbour, [OK, OK, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(HouseholdGroup, Foreign, [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(GroupWard, Own, [OK, OK, OK, OK, UNAUTH]),
        Row(GroupWard, Neighbour, [OK, OK, NOT_FOUND, OK, UNAUTH]),
        Row(GroupWard, Foreign, [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH]),
        // `Changes` lists households only: it must come before every row that adds or changes one.
        Row(
            Changes,
            Unscoped,
            [
                Expected::Sees(&["H11", "H12", "H21"]),
                Expected::Sees(&["H11", "H12"]),
                Expected::Sees(&["H11"]),
                FORBIDDEN,
                UNAUTH,
            ],
        ),
        // The police count good deeds in `goodDeedReport`; the deeds themselves may name residents.
        Row(
            GoodDeeds,
            Unscoped,
            [
                Expected::Sees(&["Việc tốt của tổ 21", "Việc tốt của tổ 12", "Việc tốt của tổ 11"]),
                Expected::Sees(&["Việc tốt của tổ 12", "Việc tốt của tổ 11"]),
                Expected::Sees(&["Việc tốt của tổ 11"]),
                FORBIDDEN,
                UNAUTH,
            ],
        ),
        Row(AuditEvents, Unscoped, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        // Campaigns, newest first: the one for every ward was made first, ward B's last.
        Row(
            Campaigns,
            Unscoped,
            [
                Expected::Sees(&[world::CAMPAIGN_B, world::CAMPAIGN_A, world::CAMPAIGN_ALL]),
                CAMPAIGNS_OF_A,
                CAMPAIGNS_OF_A,
                CAMPAIGNS_OF_A,
                UNAUTH,
            ],
        ),
        // A campaign's scope: `Unscoped` is the campaign for every ward, `Own` ward A's, `Foreign` ward B's.
        Row(Campaign, Unscoped, [OK, OK, OK, OK, UNAUTH]),
        Row(Campaign, Own, [OK, OK, OK, OK, UNAUTH]),
        Row(Campaign, Foreign, [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH]),
        // Incident statistics: the police and officials of the ward enter and list them; every role
        // of the ward reads the comparison.
        Row(IncidentTallies, Own, [OK, OK, FORBIDDEN, OK, UNAUTH]),
        Row(IncidentTallies, Foreign, [OK, NOT_FOUND, FORBIDDEN, NOT_FOUND, UNAUTH]),
        Row(IncidentComparison, Own, [OK, OK, OK, OK, UNAUTH]),
        Row(IncidentComparison, Foreign, [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH]),
        // A ward's settings go with the ward; its assessments are part of its year-end report, read by
        // its officials and police, and by a leader for their own group.
        Row(WardSettings, Own, [OK, OK, OK, OK, UNAUTH]),
        Row(WardSettings, Foreign, [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH]),
        Row(GroupAssessments, Own, [GROUPS_OF_A, GROUPS_OF_A, Expected::Sees(&["11"]), GROUPS_OF_A, UNAUTH]),
        Row(GroupAssessments, Foreign, [Expected::Sees(&["21"]), NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH]),
        Row(GroupAssessment, Own, [OK, OK, OK, OK, UNAUTH]),
        Row(GroupAssessment, Neighbour, [OK, OK, NOT_FOUND, OK, UNAUTH]),
        Row(GroupAssessment, Foreign, [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH]),
        // The year-end report: every role of the ward reads it, a leader their group's row.
        Row(
            MovementYearReport,
            Own,
            [GROUPS_OF_A, GROUPS_OF_A, Expected::Sees(&["11"]), GROUPS_OF_A, UNAUTH],
        ),
        Row(MovementYearReport, Foreign, [Expected::Sees(&["21"]), NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTH]),
        // Mutations.
        Row(CreateWard, Unscoped, [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreateGroup, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreateGroup, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(UpdateGroup, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(UpdateGroup, Neighbour, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(UpdateGroup, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreateHousehold, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(CreateHousehold, Neighbour, [OK, OK, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(CreateHousehold, Foreign, [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(UpdateHousehold, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(UpdateHousehold, Neighbour, [OK, OK, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(UpdateHousehold, Foreign, [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(SetHouseholdStatus, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(SetHouseholdStatus, Neighbour, [OK, OK, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(SetHouseholdStatus, Foreign, [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(CreateLeader, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreateLeader, Neighbour, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreateLeader, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreateOfficial, Own, [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreateOfficial, Foreign, [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTH]),
        // Police accounts come from administrators, even for an official's own ward.
        Row(CreatePolice, Own, [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreatePolice, Foreign, [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreateAdmin, Unscoped, [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(SetUserActive, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(SetUserActive, Neighbour, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(SetUserActive, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(ChangePassword, Own, [OK, OK, OK, OK, UNAUTH]),
        Row(Logout, Own, [OK, OK, OK, OK, UNAUTH]),
        // Someone else's refresh token: `true`, and their session goes on.
        Row(Logout, Foreign, [OK, OK, OK, OK, UNAUTH]),
        Row(Login, Own, [OK, OK, OK, OK, OK]),
        Row(RefreshSession, Own, [OK, OK, OK, OK, OK]),
        Row(RecordGoodDeed, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(RecordGoodDeed, Neighbour, [OK, OK, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(RecordGoodDeed, Foreign, [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(VerifyGoodDeed, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(VerifyGoodDeed, Neighbour, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(VerifyGoodDeed, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
        // A leader may never manage campaigns: FORBIDDEN whatever the campaign, as for groups.
        Row(CreateCampaign, Unscoped, [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreateCampaign, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CreateCampaign, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(UpdateCampaign, Unscoped, [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(UpdateCampaign, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(UpdateCampaign, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(OpenCampaign, Unscoped, [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(OpenCampaign, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(OpenCampaign, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CloseCampaign, Unscoped, [OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CloseCampaign, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(CloseCampaign, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(RecordPledge, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(RecordPledge, Neighbour, [OK, OK, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(RecordPledge, Foreign, [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH]),
        // A role that may never record pledges is refused the whole batch, not item by item.
        Row(RecordPledges, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(RecordPledges, Neighbour, [OK, OK, ITEM_NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(RecordPledges, Foreign, [OK, ITEM_NOT_FOUND, ITEM_NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(WithdrawPledge, Own, [OK, OK, OK, FORBIDDEN, UNAUTH]),
        Row(WithdrawPledge, Neighbour, [OK, OK, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(WithdrawPledge, Foreign, [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, UNAUTH]),
        Row(RecordIncidentTally, Own, [OK, OK, FORBIDDEN, OK, UNAUTH]),
        Row(RecordIncidentTally, Foreign, [OK, NOT_FOUND, FORBIDDEN, NOT_FOUND, UNAUTH]),
        Row(UpdateWardSettings, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(UpdateWardSettings, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(AssessGroup, Own, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(AssessGroup, Neighbour, [OK, OK, FORBIDDEN, FORBIDDEN, UNAUTH]),
        Row(AssessGroup, Foreign, [OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTH]),
    ]
}

/// The matrix flattened into cases.
fn matrix() -> Vec<Case> {
    rows()
        .into_iter()
        .flat_map(|Row(operation, scope, expected)| {
            CALLERS.into_iter().zip(expected).map(move |(caller, expected)| Case {
                caller,
                operation,
                scope,
                expected,
            })
        })
        .collect()
}

/// Runs every case of `caller` in one fresh world and fails listing every case that went wrong.
async fn run_matrix_for(caller: Caller) {
    let world = World::build().await;
    let cases: Vec<Case> = matrix().into_iter().filter(|case| case.caller == caller).collect();
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(reason) = run_case(&world, case).await {
            failures.push(format!(
                "{:?} × {:?} × {:?}, expected {:?}: {reason}",
                case.caller, case.operation, case.scope, case.expected
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed on {}:\n{}",
        failures.len(),
        cases.len(),
        backend(&world.app),
        failures.join("\n")
    );
}

#[tokio::test]
async fn an_admin_may_do_everything_everywhere() {
    run_matrix_for(Caller::Admin).await;
}

#[tokio::test]
async fn a_ward_official_works_in_their_ward_only_and_grants_only_group_leader_roles() {
    run_matrix_for(Caller::Official).await;
}

#[tokio::test]
async fn a_group_leader_works_on_the_households_of_their_group_only() {
    run_matrix_for(Caller::Leader).await;
}

#[tokio::test]
async fn the_ward_police_read_their_wards_reports_and_figures_but_never_its_households() {
    run_matrix_for(Caller::Police).await;
}

#[tokio::test]
async fn an_anonymous_caller_may_only_log_in_and_refresh_a_session() {
    run_matrix_for(Caller::Anonymous).await;
}

/// The fields of the `Query` or `Mutation` type in the SDL the service serves.
fn root_fields(sdl: &str, type_name: &str) -> BTreeSet<String> {
    let start = sdl.find(&format!("type {type_name} {{")).unwrap_or_else(|| panic!("no type {type_name}"));
    let body = &sdl[start..start + sdl[start..].find("\n}").expect("end of type")];
    let mut in_description = false;
    let mut fields = BTreeSet::new();
    for line in body.lines().skip(1) {
        if line.trim() == "\"\"\"" {
            in_description = !in_description;
            continue;
        }
        if in_description || line.starts_with("\t\t") {
            continue;
        }
        let name: String = line.trim().chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if line.trim()[name.len()..].starts_with(['(', ':']) {
            fields.insert(name);
        }
    }
    fields
}

/// Root fields whose permissions are tested role by role elsewhere, not in this matrix. Naming them
/// keeps the coverage test below failing for any other field that escapes.
const NOT_YET_IN_THE_MATRIX: &[&str] = &[
    // Role by role in tests/api/coverage/scope.rs and tests/api/good_deeds/report.rs; the ward police's
    // in tests/api/incidents/police.rs.
    "coverageReport",
    "goodDeedReport",
    // Every kind of object against every role in `nodes`.
    "node",
    "nodes",
    // Every role (and none), in and out of scope, in tests/api/movement_records/.
    "selfManagementModels",
    "createSelfManagementModel",
    "updateSelfManagementModel",
    "awards",
    "createAward",
    "revokeAward",
    "movementEvents",
    "createMovementEvent",
    "updateMovementEvent",
    // Role by role, with a leader of another group and an official of another ward, in
    // tests/api/surveys/scope.rs.
    "satisfactionSurveys",
    "satisfactionSurvey",
    "surveyResults",
    "createSurvey",
    "updateSurvey",
    "openSurvey",
    "closeSurvey",
    "recordSurveyBallots",
];

#[test]
fn the_matrix_covers_every_query_and_mutation_of_the_schema_for_every_caller() {
    // Arrange
    let sdl = pledge_api::graphql::sdl();
    let mut served = root_fields(&sdl, "Query");
    served.extend(root_fields(&sdl, "Mutation"));

    // Act
    let cases = matrix();
    let covered: BTreeSet<String> = cases.iter().map(|case| case.operation.root_field().to_owned()).collect();

    // Assert
    assert!(served.contains("households") && served.contains("createUser"), "SDL parsed: {served:?}");
    let pending: BTreeSet<String> = NOT_YET_IN_THE_MATRIX.iter().map(|f| (*f).to_owned()).collect();
    assert!(covered.is_disjoint(&pending), "now in the matrix: drop from NOT_YET_IN_THE_MATRIX");
    assert_eq!(
        &covered | &pending,
        served,
        "every root field of the schema, and only those, is in the matrix or named as not yet in it"
    );
    for operation in Operation::ALL {
        for caller in CALLERS {
            assert!(
                cases.iter().any(|case| case.operation == operation && case.caller == caller),
                "{caller:?} × {operation:?} is missing"
            );
        }
    }
}
