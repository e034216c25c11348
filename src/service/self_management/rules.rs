//! The rules a model's fields follow, each refusal naming its input field, and the model as the audit
//! trail keeps it.

use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{MAX_COUNT, MAX_DESCRIPTION_CHARS, MAX_LISTED_HOUSEHOLDS};
use crate::{
    domain::{
        fields::Name,
        movement::{ModelStatus, free_text},
    },
    entities::{household, self_management_model as model},
    error::{AppError, AppResult},
};

pub(super) fn name(input: &str) -> AppResult<String> {
    Ok(Name::parse(input).map_err(|m| AppError::bad_input("name", m))?.as_str().to_owned())
}

pub(super) fn description(input: Option<&str>) -> AppResult<Option<String>> {
    let text = input.map(|d| free_text(d, MAX_DESCRIPTION_CHARS, "the description")).transpose();
    Ok(text.map_err(|m| AppError::bad_input("description", m))?.flatten())
}

pub(super) fn count(value: i64, field: &str) -> AppResult<i32> {
    if !(0..=MAX_COUNT).contains(&value) {
        return Err(AppError::bad_input(field, format!("{field} must be between 0 and {MAX_COUNT}")));
    }
    Ok(value as i32)
}

/// The listed households without repeats, in the order first given.
pub(super) fn household_list(ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    if ids.len() > MAX_LISTED_HOUSEHOLDS {
        return Err(AppError::bad_input(
            "participatingHouseholdIds",
            format!("a model lists at most {MAX_LISTED_HOUSEHOLDS} households"),
        ));
    }
    let mut unique = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    Ok(unique)
}

/// The rules between fields, checked on the model as it would be stored.
pub(super) fn check_together(row: &model::Model, listed: &[Uuid]) -> AppResult<()> {
    if let Some(ended_on) = row.ended_on
        && ended_on < row.started_on
    {
        return Err(AppError::bad_input("endedOn", "a model cannot end before it started"));
    }
    if row.status == ModelStatus::Ended && row.ended_on.is_none() {
        return Err(AppError::bad_input("endedOn", "an ENDED model needs the day it ended"));
    }
    if row.group_id.is_none() && !listed.is_empty() {
        return Err(AppError::bad_input(
            "participatingHouseholdIds",
            "only a group's model lists households; a ward-wide model gives a count",
        ));
    }
    if (row.participating_household_count as usize) < listed.len() {
        return Err(AppError::bad_input(
            "participatingHouseholdCount",
            format!("{} households are listed; the count cannot be less", listed.len()),
        ));
    }
    Ok(())
}

/// `BAD_USER_INPUT` naming the first listed id that is not a household of `group_id` (whether it is
/// of another group, out of scope or unknown: the same answer, so nothing leaks).
pub(super) async fn check_listed(
    db: &impl ConnectionTrait,
    group_id: Option<Uuid>,
    listed: &[Uuid],
) -> AppResult<()> {
    let (Some(group_id), false) = (group_id, listed.is_empty()) else { return Ok(()) };
    let found: Vec<Uuid> = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .filter(household::Column::GroupId.eq(group_id))
        .filter(household::Column::Id.is_in(listed.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    match listed.iter().position(|id| !found.contains(id)) {
        Some(index) => Err(AppError::bad_input(
            format!("participatingHouseholdIds.{index}"),
            "this household is not in the model's group",
        )),
        None => Ok(()),
    }
}

/// The fields of a model as the audit trail keeps them.
pub(super) fn audit_view(row: &model::Model) -> Value {
    json!({
        "name": row.name, "kind": row.kind.to_value(), "startedOn": row.started_on, "endedOn": row.ended_on,
        "status": row.status.to_value(), "description": row.description,
        "participatingHouseholdCount": row.participating_household_count,
        "participatingHouseholdIds": serde_json::from_str::<Value>(&row.participating_household_ids).ok(),
        "unitCount": row.unit_count, "version": row.version,
    })
}
