//! Changing a ward's settings: officials of the ward and administrators, at the version they read
//! (0 while the ward has the defaults). Fields left out keep their value; the values the ward already
//! has change nothing. A level still given in a stored assessment of the ward stays on the scale.

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{WardSettings, lock_ward, of_ward};
use crate::{
    auth::Actor,
    domain::{
        assessment::{Level, default_scale, parse_scale},
        movement::YearStart,
    },
    entities::{group_assessment, ward_setting},
    error::{AppError, AppResult, Missing},
    service::{
        self,
        audit::AuditEntry,
        movement_year::{Stop, recorder},
    },
};

/// A change of a ward's settings, as sent.
#[derive(Debug, Clone)]
pub struct SettingsPatch {
    /// The ward.
    pub ward_id: Uuid,
    /// The version the client read: 0 for a ward still on the defaults.
    pub expected_version: i32,
    /// The month the movement year begins in, if it changes.
    pub year_start_month: Option<i32>,
    /// The day of that month, if it changes.
    pub year_start_day: Option<i32>,
    /// The whole scale, best level first, if it changes.
    pub assessment_scale: Option<Vec<Level>>,
}

/// The patch with every field checked that needs no database.
struct Parsed {
    month: Option<u32>,
    day: Option<u32>,
    scale: Option<Vec<Level>>,
}

fn parse(patch: &SettingsPatch) -> AppResult<Parsed> {
    if patch.expected_version < 0 {
        return Err(AppError::bad_input(
            "expectedVersion",
            "a version is 0 (a ward still on the defaults) or more",
        ));
    }
    // Each part alone: a day runs to the 28th whatever the month, so neither needs the other.
    let month = patch
        .year_start_month
        .map(|month| YearStart::new(month.into(), 1).map(YearStart::month))
        .transpose()
        .map_err(|(_, message)| AppError::bad_input("yearStartMonth", message))?;
    let day = patch
        .year_start_day
        .map(|day| YearStart::new(1, day.into()).map(YearStart::day))
        .transpose()
        .map_err(|(_, message)| AppError::bad_input("yearStartDay", message))?;
    let scale = patch
        .assessment_scale
        .as_deref()
        .map(parse_scale)
        .transpose()
        .map_err(|(field, message)| AppError::bad_input(field, message))?;
    Ok(Parsed { month, day, scale })
}

/// Changes a ward's settings at `expected_version` and answers them as they now are. One audit event
/// (`ward_settings.update`, with the settings before and after) per change, in its transaction.
#[tracing::instrument(skip(db, actor, patch))]
pub(in crate::service) async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    patch: SettingsPatch,
) -> AppResult<WardSettings> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators change a ward's settings"));
    }
    let parsed = parse(&patch)?;
    // A concurrent first change of the same ward wins the insert; the second try then finds its version.
    for _ in 0..2 {
        match try_update(db, actor, &patch, &parsed).await {
            Err(Stop::Raced) => continue,
            Err(Stop::Failed(err)) => return Err(err),
            Ok(settings) => return Ok(settings),
        }
    }
    Err(AppError::conflict("the ward's settings are being changed right now; read them and send it again"))
}

/// The settings as the audit trail shows them.
fn audit_view(settings: &WardSettings) -> Value {
    json!({
        "yearStartMonth": settings.year_start.month(),
        "yearStartDay": settings.year_start.day(),
        "assessmentScale": settings.scale,
    })
}

fn version_conflict(current_version: i32) -> AppError {
    AppError::Conflict {
        message: format!(
            "the ward's settings were changed by someone else (now at version {current_version}); read them \
             and try again"
        ),
        extensions: vec![("field", "expectedVersion".into()), ("currentVersion", current_version.into())],
    }
}

async fn try_update(
    db: &DatabaseConnection,
    actor: &Actor,
    patch: &SettingsPatch,
    parsed: &Parsed,
) -> Result<WardSettings, Stop> {
    let (_turn, txn) = service::begin_write(db).await?;
    let ward = service::ward::get(&txn, actor, patch.ward_id).await?;
    if !actor.governs_ward(ward.id) {
        return Err(AppError::NotFound(Missing::Ward).into());
    }
    lock_ward(&txn, ward.id).await?;
    let current = of_ward(&txn, ward.id).await?;
    let month = parsed.month.unwrap_or(current.year_start.month());
    let day = parsed.day.unwrap_or(current.year_start.day());
    let year_start = YearStart::new(month.into(), day.into()).map_err(|(_, why)| AppError::Internal(why))?;
    let scale = parsed.scale.clone().unwrap_or_else(|| current.scale.clone());
    // The values it has already: nothing to write, and nothing to audit.
    if year_start == current.year_start && scale == current.scale {
        return Ok(current);
    }
    if current.version != patch.expected_version {
        return Err(version_conflict(current.version).into());
    }
    ensure_levels_kept(&txn, ward.id, &scale).await?;
    let now = service::now();
    let next = WardSettings {
        ward_id: ward.id,
        year_start,
        scale,
        version: current.version + 1,
        updated_by: recorder(actor),
        updated_at: Some(now),
    };
    // The default scale is stored as none, so a ward that set it back follows the defaults again.
    let stored_scale = (next.scale != default_scale())
        .then(|| serde_json::to_string(&next.scale))
        .transpose()
        .map_err(AppError::internal)?;
    let (month, day) = (year_start.month() as i32, year_start.day() as i32);
    if current.version == 0 {
        let row = ward_setting::Model {
            ward_id: ward.id,
            year_start_month: month,
            year_start_day: day,
            assessment_scale: stored_scale,
            version: 1,
            updated_by: next.updated_by,
            created_at: now,
            updated_at: now,
        };
        ward_setting::Entity::insert(ward_setting::ActiveModel::from(row)).exec(&txn).await?;
    } else {
        let written = ward_setting::Entity::update_many()
            .col_expr(ward_setting::Column::YearStartMonth, Expr::value(month))
            .col_expr(ward_setting::Column::YearStartDay, Expr::value(day))
            .col_expr(ward_setting::Column::AssessmentScale, Expr::value(stored_scale))
            .col_expr(ward_setting::Column::Version, Expr::value(next.version))
            .col_expr(ward_setting::Column::UpdatedBy, Expr::value(next.updated_by))
            .col_expr(ward_setting::Column::UpdatedAt, Expr::value(now))
            .filter(ward_setting::Column::WardId.eq(ward.id))
            .filter(ward_setting::Column::Version.eq(current.version))
            .exec(&txn)
            .await?;
        if written.rows_affected != 1 {
            return Err(Stop::Raced);
        }
    }
    let entry = AuditEntry {
        action: "ward_settings.update",
        target_type: "ward_settings",
        target_id: Some(ward.id),
        ward_id: Some(ward.id),
        summary: json!({
            "before": audit_view(&current),
            "after": audit_view(&next),
            "version": { "from": current.version, "to": next.version },
        }),
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(next)
}

/// `CONFLICT` naming the first level (by code) that a stored assessment of the ward gives and `scale`
/// leaves out: the year-end report must still find every level it shows. Renaming keeps the code, so it
/// passes; assessments keep the label of their day.
async fn ensure_levels_kept(
    db: &impl sea_orm::ConnectionTrait,
    ward_id: Uuid,
    scale: &[Level],
) -> AppResult<()> {
    let codes: Vec<String> = scale.iter().map(|level| level.code.clone()).collect();
    let dropped: Option<(String, i32)> = group_assessment::Entity::find()
        .select_only()
        .column(group_assessment::Column::Level)
        .column(group_assessment::Column::Year)
        .filter(group_assessment::Column::WardId.eq(ward_id))
        .filter(group_assessment::Column::Level.is_not_in(codes))
        .order_by_asc(group_assessment::Column::Level)
        .order_by_asc(group_assessment::Column::Year)
        .into_tuple()
        .one(db)
        .await?;
    match dropped {
        None => Ok(()),
        Some((level, year)) => Err(AppError::Conflict {
            message: format!(
                "groups of this ward are assessed {level} (for {year}, and maybe other years): keep {level} on \
                 the scale (its label may change), or assess those groups on another level first"
            ),
            extensions: vec![("field", "assessmentScale".into()), ("level", level.into())],
        }),
    }
}
