//! The year-end report in the matrix: `movementYearReport` of ward A (`Own`) or ward B (`Foreign`) for
//! 2023, answering the ward and the codes of the group rows the caller reads.

use serde_json::{Value, json};

use super::{Outcome, Prepared, ensure_eq, ensure_json, place};
use crate::{
    permissions::{
        Case, Expected, Scope,
        world::{World, id_or_unknown},
    },
    world::Rows,
};

/// The report's ward and group rows.
pub(super) const QUERY: &str = "query($wardId: ID!) { movementYearReport(wardId: $wardId, year: 2023) {
    ward { id } year groups { group { code } }
} }";

/// Aims the report at the target ward.
pub(super) fn prepare(world: &World, scope: Scope, p: &mut Prepared) {
    p.target = id_or_unknown(world.ward(scope));
    p.variables = json!({ "wardId": p.target });
}

/// Checks an allowed report: the ward, the year, exactly the group rows listed, and nothing written.
pub(super) fn check(world: &World, case: &Case, data: &Value, before: &Rows, after: &Rows) -> Outcome {
    let Expected::Sees(codes) = case.expected else {
        return Err("the matrix lists the group rows the report returns".into());
    };
    let ward = place(world.ward(case.scope))?;
    let groups: Vec<Value> = codes.iter().map(|code| json!({ "group": { "code": code } })).collect();
    ensure_json(
        "data",
        data,
        &json!({ "movementYearReport": { "ward": { "id": ward.id }, "year": 2023, "groups": groups } }),
    )?;
    ensure_eq("tables changed", &before.changed_tables(after), &Vec::new())
}
