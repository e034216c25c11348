//! Ward settings and group assessments in the matrix: a ward's settings (`ward { settings }`), its
//! assessments for 2023 (`groupAssessments`), a group's (`group { assessment }`), changing a ward's
//! settings and assessing a group. The reads find assessments of groups 11, 12 and 21 for 2023 the
//! administrator decided (deciding them again changes nothing); each write is the first change of its
//! ward's settings, or the first assessment of its group for 2022, in its caller's world.

use serde_json::{Value, json};

use super::{Operation, Outcome, Prepared, ensure_eq, ensure_json, place};
use crate::{
    helpers::TestApp,
    permissions::{
        Caller, Case, Expected, Scope,
        world::{OFFICIAL_NAME, World, id_or_unknown},
    },
    world::Rows,
};

/// The year the reads look at; the writes assess the year before it.
const YEAR: i32 = 2023;
const ASSESSED_YEAR: i32 = 2022;

/// The request of each operation.
pub(super) fn query(operation: Operation) -> &'static str {
    use Operation::*;
    match operation {
        WardSettings => {
            "query($id: ID!) { ward(id: $id) { code settings {
                yearStartMonth yearStartDay version movementYear(year: 2023) { startsOn endsOn }
            } } }"
        }
        GroupAssessments => {
            "query($wardId: ID!) { groupAssessments(wardId: $wardId, year: 2023) {
                totalCount edges { node { group { code } level { code } } }
            } }"
        }
        GroupAssessment => {
            "query($id: ID!) { group(id: $id) { code assessment(year: 2023) { year level { code label } } } }"
        }
        UpdateWardSettings => {
            "mutation($input: UpdateWardSettingsInput!) { updateWardSettings(input: $input) {
                yearStartMonth yearStartDay version
            } }"
        }
        AssessGroup => {
            "mutation($input: AssessGroupInput!) { assessGroup(input: $input) {
                year level { code label } version group { id } ward { id } decidedBy { displayName }
            } }"
        }
        _ => unreachable!("{operation:?} is not an assessment operation"),
    }
}

/// Assesses groups 11, 12 and 21 `KHA` for 2023 as the administrator (a no-op once done).
async fn arrange_reads(world: &World) {
    for group in [&world.group_11, &world.group_12, &world.group_21] {
        assess(&world.app, &group.id).await;
    }
}

async fn assess(app: &TestApp, group_id: &str) {
    app.gql_ok(
        "mutation($input: AssessGroupInput!) { assessGroup(input: $input) { id } }",
        json!({ "input": { "groupId": group_id, "year": YEAR, "level": "KHA" } }),
    )
    .await;
}

/// The day a settings change of the `n`th case moves the start of the year to (never the default 1).
fn start_day(n: usize) -> i64 {
    2 + (n % 27) as i64
}

/// Arranges what `operation` needs on `scope`; `n` is unique to the case.
pub(super) async fn prepare(world: &World, operation: Operation, scope: Scope, n: usize, p: &mut Prepared) {
    use Operation::*;
    match operation {
        WardSettings => p.target = id_or_unknown(world.ward(scope)),
        GroupAssessments => {
            arrange_reads(world).await;
            p.target = id_or_unknown(world.ward(scope));
            p.variables = json!({ "wardId": p.target });
        }
        GroupAssessment => {
            arrange_reads(world).await;
            p.target = id_or_unknown(world.group(scope));
        }
        UpdateWardSettings => {
            p.target = id_or_unknown(world.ward(scope));
            p.variables = json!({ "input": {
                "wardId": p.target, "expectedVersion": 0, "yearStartDay": start_day(n)
            } });
        }
        AssessGroup => {
            p.target = id_or_unknown(world.group(scope));
            p.variables =
                json!({ "input": { "groupId": p.target, "year": ASSESSED_YEAR, "level": "TRUNG_BINH" } });
        }
        _ => unreachable!("{operation:?} is not an assessment operation"),
    }
}

/// Checks an allowed call: the exact data, and exactly the rows it was meant to add or change.
pub(super) fn check(
    world: &World,
    case: &Case,
    p: &Prepared,
    data: &Value,
    before: &Rows,
    after: &Rows,
) -> Outcome {
    use Operation::*;
    let untouched = || ensure_eq("tables changed", &before.changed_tables(after), &Vec::new());
    let actor = after.snapshot.user(world.username(case.caller)).id;
    match (case.operation, case.expected) {
        (WardSettings, _) => {
            let ward = place(world.ward(case.scope))?;
            ensure_json(
                "data",
                data,
                &json!({ "ward": { "code": ward.code, "settings": {
                    "yearStartMonth": 11, "yearStartDay": 1, "version": 0,
                    "movementYear": { "startsOn": "2022-11-01", "endsOn": "2023-10-31" }
                } } }),
            )?;
            untouched()
        }
        (GroupAssessments, Expected::Sees(codes)) => {
            let edges: Vec<Value> = codes
                .iter()
                .map(|code| json!({ "node": { "group": { "code": code }, "level": { "code": "KHA" } } }))
                .collect();
            ensure_json(
                "data",
                data,
                &json!({ "groupAssessments": { "totalCount": codes.len(), "edges": edges } }),
            )?;
            untouched()
        }
        (GroupAssessment, _) => {
            let group = place(world.group(case.scope))?;
            ensure_json(
                "data",
                data,
                &json!({ "group": { "code": group.code, "assessment": {
                    "year": YEAR, "level": { "code": "KHA", "label": "Khá" }
                } } }),
            )?;
            untouched()
        }
        (UpdateWardSettings, _) => {
            let ward = place(world.ward(case.scope))?;
            let day = p.variables["input"]["yearStartDay"].as_i64().unwrap_or(-1);
            ensure_json(
                "data",
                data,
                &json!({ "updateWardSettings": { "yearStartMonth": 11, "yearStartDay": day, "version": 1 } }),
            )?;
            wrote(before, after, "ward_setting", "ward_settings.update", actor, &ward.id)?;
            let stored: Vec<_> = after
                .ward_settings
                .iter()
                .filter(|s| !before.ward_settings.contains(s))
                .map(|s| (s.ward_id.to_string(), s.year_start_month, i64::from(s.year_start_day), s.version))
                .collect();
            ensure_eq("stored settings", &stored, &vec![(ward.id.clone(), 11, day, 1)])
        }
        (AssessGroup, _) => {
            let group = place(world.group(case.scope))?;
            let ward = world.ward_of(group);
            let name = match case.caller {
                Caller::Admin => "Root",
                _ => OFFICIAL_NAME,
            };
            ensure_json(
                "data",
                data,
                &json!({ "assessGroup": {
                    "year": ASSESSED_YEAR, "level": { "code": "TRUNG_BINH", "label": "Trung bình" }, "version": 1,
                    "group": { "id": group.id }, "ward": { "id": ward.id }, "decidedBy": { "displayName": name }
                } }),
            )?;
            wrote(before, after, "group_assessment", "group_assessment.create", actor, &ward.id)?;
            let stored: Vec<_> = after
                .assessments
                .iter()
                .filter(|a| !before.assessments.contains(a))
                .map(|a| (a.group_id.to_string(), a.year, a.level.clone(), a.version, a.decided_by))
                .collect();
            ensure_eq(
                "stored assessment",
                &stored,
                &vec![(group.id.clone(), ASSESSED_YEAR, "TRUNG_BINH".to_owned(), 1, Some(actor))],
            )
        }
        (operation, expected) => Err(format!("{operation:?} answering {expected:?} is not in the matrix")),
    }
}

/// Exactly `table` and the audit trail changed, with one event `action` by `actor` filed under `ward`.
fn wrote(before: &Rows, after: &Rows, table: &str, action: &str, actor: uuid::Uuid, ward: &str) -> Outcome {
    let mut changed = before.changed_tables(after);
    changed.sort_unstable();
    let mut expected = vec!["audit_event", table];
    expected.sort_unstable();
    ensure_eq("tables changed", &changed, &expected)?;
    let events: Vec<_> = after
        .audit_events_since(before)
        .iter()
        .map(|e| (e.action.clone(), e.actor_id, e.ward_id.map(|w| w.to_string())))
        .collect();
    ensure_eq("audit events", &events, &vec![(action.to_owned(), Some(actor), Some(ward.to_owned()))])
}
