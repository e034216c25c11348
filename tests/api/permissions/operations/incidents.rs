//! Incident statistics in the matrix: the tallies of a ward (list), its comparison, and recording a
//! tally, aimed at ward A (`Own`) or ward B (`Foreign`). The reads find what the administrator set
//! beforehand (the same figures every time, so setting them again changes nothing); each recording gets
//! a month of its own.

use pledge_api::domain::incident::IncidentCategory;
use serde_json::{Value, json};

use super::{Operation, Outcome, Prepared, ensure_eq, ensure_json, place};
use crate::{
    helpers::TestApp,
    permissions::{
        Case, Scope,
        world::{World, id_or_unknown},
    },
    world::Rows,
};

/// The month the reads look at, and its count of security and order cases; the year before has 4.
const MONTH: &str = "2019-06";
const COUNT: i64 = 3;
const YEAR_BEFORE: &str = "2018-06";
const COUNT_YEAR_BEFORE: i64 = 4;

/// The request of each incident operation.
pub(super) fn query(operation: Operation) -> &'static str {
    use Operation::*;
    match operation {
        IncidentTallies => {
            "query($wardId: ID!, $from: String!, $to: String!) { incidentTallies(wardId: $wardId, from: $from, to: $to) {
                totalCount edges { node { month category count version ward { id } } }
            } }"
        }
        IncidentComparison => {
            "query($wardId: ID!, $from: String!, $to: String!) { incidentComparison(wardId: $wardId, from: $from, to: $to) {
                category count previousCount change changePercent monthsReported previousMonthsReported months complete
            } }"
        }
        RecordIncidentTally => {
            "mutation($input: RecordIncidentTallyInput!) { recordIncidentTally(input: $input) {
                month category count version ward { id }
            } }"
        }
        _ => unreachable!("{operation:?} is not an incident operation"),
    }
}

/// Sets `count` for `month` of the ward, as the administrator.
async fn set(app: &TestApp, ward_id: &str, month: &str, count: i64) {
    app.gql_ok(
        "mutation($input: RecordIncidentTallyInput!) { recordIncidentTally(input: $input) { id } }",
        json!({ "input": { "wardId": ward_id, "month": month, "category": "SECURITY_ORDER", "count": count } }),
    )
    .await;
}

/// The `n`th recording's month: one of its own, long past, away from the reads' months.
fn recording_month(n: usize) -> String {
    let month = 1990 * 12 + n;
    format!("{}-{:02}", month / 12, month % 12 + 1)
}

/// Arranges what `operation` needs on `scope`; `n` is unique to the case.
pub(super) async fn prepare(world: &World, operation: Operation, scope: Scope, n: usize, p: &mut Prepared) {
    let ward = world.ward(scope);
    p.target = id_or_unknown(ward);
    if let (Some(ward), Operation::IncidentTallies | Operation::IncidentComparison) = (ward, operation) {
        set(&world.app, &ward.id, MONTH, COUNT).await;
        set(&world.app, &ward.id, YEAR_BEFORE, COUNT_YEAR_BEFORE).await;
    }
    p.variables = match operation {
        Operation::RecordIncidentTally => {
            p.value = recording_month(n);
            json!({ "input": {
                "wardId": p.target, "month": p.value, "category": "TRAFFIC_ACCIDENT", "count": n
            } })
        }
        _ => json!({ "wardId": p.target, "from": MONTH, "to": MONTH }),
    };
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
    let ward = place(world.ward(case.scope))?;
    let untouched = || ensure_eq("tables changed", &before.changed_tables(after), &Vec::new());
    match case.operation {
        IncidentTallies => {
            ensure_json(
                "data",
                data,
                &json!({ "incidentTallies": { "totalCount": 1, "edges": [{ "node": {
                    "month": MONTH, "category": "SECURITY_ORDER", "count": COUNT, "version": 1,
                    "ward": { "id": ward.id }
                } }] } }),
            )?;
            untouched()
        }
        IncidentComparison => {
            let rows: Vec<Value> = [
                "SECURITY_ORDER",
                "TRAFFIC_ACCIDENT",
                "FIRE",
                "SERIOUS_CRIME",
                "MASS_COMPLAINT",
            ]
            .into_iter()
            .map(|category| match category {
                "SECURITY_ORDER" => json!({
                    "category": category, "count": COUNT, "previousCount": COUNT_YEAR_BEFORE, "change": -1,
                    "changePercent": -25.0, "monthsReported": 1, "previousMonthsReported": 1, "months": 1,
                    "complete": true
                }),
                _ => json!({
                    "category": category, "count": 0, "previousCount": 0, "change": 0, "changePercent": null,
                    "monthsReported": 0, "previousMonthsReported": 0, "months": 1, "complete": false
                }),
            })
            .collect();
            ensure_json("data", data, &json!({ "incidentComparison": rows }))?;
            untouched()
        }
        RecordIncidentTally => {
            let count = p.variables["input"]["count"].clone();
            ensure_json(
                "data",
                data,
                &json!({ "recordIncidentTally": {
                    "month": p.value, "category": "TRAFFIC_ACCIDENT", "count": count, "version": 1,
                    "ward": { "id": ward.id }
                } }),
            )?;
            let mut changed = before.changed_tables(after);
            changed.sort_unstable();
            ensure_eq("tables changed", &changed, &vec!["audit_event", "incident_tally"])?;
            let stored: Vec<_> = after
                .tallies
                .iter()
                .filter(|t| !before.tallies.contains(t))
                .map(|t| {
                    (t.ward_id.to_string(), t.month.to_string(), t.category, i64::from(t.count), t.version)
                })
                .collect();
            let expected = (
                ward.id.clone(),
                format!("{}-01", p.value),
                IncidentCategory::TrafficAccident,
                count.as_i64().unwrap_or(-1),
                1,
            );
            ensure_eq("stored tally", &stored, &vec![expected])?;
            let events: Vec<_> = after
                .audit_events_since(before)
                .iter()
                .map(|e| (e.action.clone(), e.actor_id, e.ward_id.map(|w| w.to_string())))
                .collect();
            let actor = Some(after.snapshot.user(world.username(case.caller)).id);
            ensure_eq(
                "audit events",
                &events,
                &vec![("incident_tally.record".to_owned(), actor, Some(ward.id.clone()))],
            )
        }
        operation => Err(format!("{operation:?} is not an incident operation")),
    }
}
