//! Deciding a group's assessment for a movement year: a set, like an incident tally. The first decision
//! needs no version; changing one needs the version the client read; deciding what is there already
//! changes nothing. A client that retries may send a `clientMutationId`, answered like the first time.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use uuid::Uuid;

use super::get;
use crate::{
    auth::Actor,
    domain::{
        assessment::{MAX_NOTE_CHARS, codes},
        movement::free_text,
    },
    entities::group_assessment as assessment,
    error::{AppError, AppResult, Missing},
    service::{
        self,
        audit::AuditEntry,
        movement_year::{Stop, diff, keep_key, payload_hash, recorder, replayed},
        ward_settings,
    },
};

const KIND: &str = "group_assessment";

/// A decision as the officials send it.
#[derive(Debug, Clone)]
pub struct NewAssessment {
    /// The group assessed.
    pub group_id: Uuid,
    /// The movement year.
    pub year: i32,
    /// A level's code on the ward's scale.
    pub level: String,
    /// Why, in the officials' words.
    pub note: Option<String>,
    /// The version the client read; none or 0 when the group has no assessment for the year yet.
    pub expected_version: Option<i32>,
    /// A UUID made by the client: sending it again answers like the first time.
    pub client_mutation_id: Option<Uuid>,
}

/// The checked input.
struct Parsed {
    level: String,
    note: Option<String>,
    /// None when the client believes there is no assessment yet (it sent none, or 0).
    expected_version: Option<i32>,
    hash: String,
}

fn parse(input: &NewAssessment) -> AppResult<Parsed> {
    super::super::movement_year::check_year(input.year)?;
    let note = match input.note.as_deref() {
        None => None,
        Some(text) => {
            free_text(text, MAX_NOTE_CHARS, "the note").map_err(|m| AppError::bad_input("note", m))?
        }
    };
    let expected_version = match input.expected_version {
        Some(version) if version < 0 => {
            return Err(AppError::bad_input("expectedVersion", "a version is 0 (no assessment yet) or more"));
        }
        Some(0) | None => None,
        Some(version) => Some(version),
    };
    let level = input.level.trim().to_owned();
    let hash =
        payload_hash(&json!([KIND, input.group_id, input.year, level, note, expected_version.unwrap_or(0)]));
    Ok(Parsed { level, note, expected_version, hash })
}

/// Sets the assessment of `input.group_id` for `input.year`: creates it (version 1), or changes it at
/// the version the client read (`CONFLICT` with `currentVersion` otherwise), or, when it already has
/// that level and note, answers it as it is and writes nothing. Each change writes one audit event in
/// its transaction. `today` is Vietnam's date: a movement year is assessed once it has begun.
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn assess(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewAssessment,
    today: NaiveDate,
) -> AppResult<assessment::Model> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators assess residential groups"));
    }
    let parsed = parse(&input)?;
    // A concurrent first decision or retry of the same key wins the insert; the second try answers as
    // it then finds.
    for _ in 0..2 {
        match try_assess(db, actor, &input, &parsed, today).await {
            Err(Stop::Raced) => continue,
            Err(Stop::Failed(err)) => return Err(err),
            Ok(row) => return Ok(row),
        }
    }
    Err(AppError::conflict("this group's assessment is being decided right now; send it again"))
}

fn version_conflict(message: String, current_version: i32) -> AppError {
    AppError::Conflict {
        message,
        extensions: vec![("field", "expectedVersion".into()), ("currentVersion", current_version.into())],
    }
}

/// What the audit trail keeps of an assessment (and what an update compares).
fn audit_view(row: &assessment::Model) -> Value {
    json!({ "level": row.level, "levelLabel": row.level_label, "note": row.note })
}

async fn try_assess(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &NewAssessment,
    parsed: &Parsed,
    today: NaiveDate,
) -> Result<assessment::Model, Stop> {
    let (_turn, txn) = service::begin_write(db).await?;
    if let Some(key) = input.client_mutation_id
        && let Some(id) = replayed(&txn, key, KIND, &parsed.hash).await?
    {
        return Ok(get(&txn, actor, id).await?);
    }
    let group = service::group::get(&txn, actor, input.group_id).await?;
    if !actor.governs_ward(group.ward_id) {
        return Err(AppError::NotFound(Missing::Group).into());
    }
    ward_settings::lock_ward(&txn, group.ward_id).await?;
    let settings = ward_settings::of_ward(&txn, group.ward_id).await?;
    let (begins, _) = settings.window(input.year)?;
    if begins > today {
        return Err(AppError::bad_input(
            "year",
            format!(
                "movement year {} of this ward begins on {begins}: a year is assessed once it has begun",
                input.year
            ),
        )
        .into());
    }
    let level = settings.level(&parsed.level).ok_or_else(|| {
        AppError::bad_input(
            "level",
            format!(
                "`{}` is not a level of this ward's scale; the levels are {}",
                parsed.level,
                codes(&settings.scale)
            ),
        )
    })?;
    let existing = assessment::Entity::find()
        .filter(assessment::Column::GroupId.eq(group.id))
        .filter(assessment::Column::Year.eq(input.year))
        .one(&txn)
        .await?;
    let now = service::now();
    let (row, action, summary) = match existing {
        // Deciding what is there already: nothing to write, and nothing to audit.
        Some(current) if current.level == level.code && current.note == parsed.note => return Ok(current),
        Some(current) => {
            if parsed.expected_version != Some(current.version) {
                return Err(version_conflict(
                    format!(
                        "this group is already assessed {} for {} (version {}); read it and send its version \
                         as expectedVersion",
                        current.level, input.year, current.version
                    ),
                    current.version,
                )
                .into());
            }
            // A new decision takes the label its level has today.
            let row = assessment::Model {
                level: level.code.clone(),
                level_label: level.label.clone(),
                note: parsed.note.clone(),
                version: current.version + 1,
                decided_by: recorder(actor),
                decided_at: now,
                updated_at: now,
                ..current.clone()
            };
            let written = assessment::Entity::update_many()
                .col_expr(assessment::Column::Level, Expr::value(row.level.clone()))
                .col_expr(assessment::Column::LevelLabel, Expr::value(row.level_label.clone()))
                .col_expr(assessment::Column::Note, Expr::value(row.note.clone()))
                .col_expr(assessment::Column::Version, Expr::value(row.version))
                .col_expr(assessment::Column::DecidedBy, Expr::value(row.decided_by))
                .col_expr(assessment::Column::DecidedAt, Expr::value(now))
                .col_expr(assessment::Column::UpdatedAt, Expr::value(now))
                .filter(assessment::Column::Id.eq(current.id))
                .filter(assessment::Column::Version.eq(current.version))
                .exec(&txn)
                .await?;
            if written.rows_affected != 1 {
                return Err(Stop::Raced);
            }
            let mut summary = diff(&audit_view(&current), &audit_view(&row));
            summary["version"] = json!({ "from": current.version, "to": row.version });
            (row, "group_assessment.update", summary)
        }
        None => {
            if let Some(expected) = parsed.expected_version {
                return Err(version_conflict(
                    format!(
                        "this group has no assessment for {} yet (expectedVersion {expected} was sent): send it \
                         without expectedVersion, or with 0",
                        input.year
                    ),
                    0,
                )
                .into());
            }
            let row = assessment::Model {
                id: Uuid::now_v7(),
                ward_id: group.ward_id,
                group_id: group.id,
                year: input.year,
                level: level.code.clone(),
                level_label: level.label.clone(),
                note: parsed.note.clone(),
                version: 1,
                decided_by: recorder(actor),
                decided_at: now,
                created_at: now,
                updated_at: now,
            };
            assessment::Entity::insert(assessment::ActiveModel::from(row.clone())).exec(&txn).await?;
            let mut summary = audit_view(&row);
            summary["version"] = json!(1);
            (row, "group_assessment.create", summary)
        }
    };
    if let Some(key) = input.client_mutation_id {
        keep_key(&txn, key, actor, KIND, &parsed.hash, row.id).await?;
    }
    let mut summary = summary;
    summary["groupId"] = json!(row.group_id);
    summary["year"] = json!(row.year);
    if let Some(key) = input.client_mutation_id {
        summary["clientMutationId"] = json!(key);
    }
    let entry = AuditEntry {
        action,
        target_type: KIND,
        target_id: Some(row.id),
        ward_id: Some(row.ward_id),
        summary,
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(row)
}
