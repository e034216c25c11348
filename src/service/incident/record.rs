//! Recording one month's count of one category for a ward: a set, not an increment, so sending the
//! same count again changes nothing. A tally that exists changes only at the version the client read;
//! a phone or an office that retries may send a `clientMutationId`, answered like the first time.

use chrono::NaiveDate;
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, SqlErr,
    sea_query::Expr,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{ensure_records_in, visible};
use crate::{
    auth::Actor,
    domain::incident::{IncidentCategory, MAX_COUNT, Month},
    entities::{client_mutation, incident_tally},
    error::{AppError, AppResult, Missing},
    service::{self, audit::AuditEntry},
};

const KIND: &str = "incident_tally";

/// One month's count as the police send it.
#[derive(Debug, Clone)]
pub struct NewTally {
    /// The ward.
    pub ward_id: Uuid,
    /// The month, as `YYYY-MM`.
    pub month: String,
    /// What kind of incident.
    pub category: IncidentCategory,
    /// How many, 0 to 100,000.
    pub count: i64,
    /// The version the client read, when the tally exists.
    pub expected_version: Option<i64>,
    /// A UUID made by the client: sending it again answers like the first time.
    pub client_mutation_id: Option<Uuid>,
}

/// The checked input.
struct Parsed {
    month: Month,
    count: i32,
    expected_version: Option<i32>,
    hash: String,
}

fn parse(input: &NewTally, today: NaiveDate) -> AppResult<Parsed> {
    let month = Month::parse(&input.month).map_err(|m| AppError::bad_input("month", m))?;
    if month > Month::of(today) {
        return Err(AppError::bad_input(
            "month",
            format!("{month} has not begun yet in Vietnam: figures are entered for months under way or past"),
        ));
    }
    let count = i32::try_from(input.count)
        .ok()
        .filter(|n| (0..=MAX_COUNT).contains(&i64::from(*n)))
        .ok_or_else(|| AppError::bad_input("count", format!("count is a number from 0 to {MAX_COUNT}")))?;
    let expected_version = input
        .expected_version
        .map(|v| i32::try_from(v).ok().filter(|v| *v >= 1))
        .map(|v| v.ok_or_else(|| AppError::bad_input("expectedVersion", "a version is a number from 1")))
        .transpose()?;
    let canonical =
        json!([KIND, input.ward_id, month.to_string(), input.category.to_value(), count, expected_version]);
    let hash = Sha256::digest(canonical.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    Ok(Parsed { month, count, expected_version, hash })
}

/// Sets the count of `input.category` in `input.month` for a ward: creates the tally (version 1), or
/// changes it when `expectedVersion` matches (`CONFLICT` with `currentVersion` otherwise), or, when the
/// count is already that, answers the tally as it is and writes nothing. Each change writes one audit
/// event in its transaction.
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn record(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewTally,
    today: NaiveDate,
) -> AppResult<incident_tally::Model> {
    if !actor.records_incidents_anywhere() {
        return Err(AppError::Forbidden(
            "only the ward police, ward officials and administrators enter incident figures",
        ));
    }
    let parsed = parse(&input, today)?;
    // A concurrent writer of the same month or key wins the insert; the second try answers as it finds.
    for _ in 0..2 {
        match try_record(db, actor, &input, &parsed).await {
            Err(Stop::Raced) => continue,
            Err(Stop::Failed(err)) => return Err(err),
            Ok(tally) => return Ok(tally),
        }
    }
    Err(AppError::conflict("this month's figure is being recorded right now; send it again"))
}

/// Why one try stopped.
enum Stop {
    /// Another request inserted the same tally or idempotency key first.
    Raced,
    /// Anything else.
    Failed(AppError),
}

impl From<AppError> for Stop {
    fn from(err: AppError) -> Self {
        Stop::Failed(err)
    }
}

impl From<DbErr> for Stop {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Stop::Raced,
            _ => Stop::Failed(err.into()),
        }
    }
}

fn version_conflict(message: &str, current_version: Option<i32>) -> AppError {
    AppError::Conflict {
        message: message.to_owned(),
        extensions: vec![
            ("field", "expectedVersion".into()),
            ("currentVersion", current_version.map_or(async_graphql::Value::Null, Into::into)),
        ],
    }
}

async fn try_record(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &NewTally,
    parsed: &Parsed,
) -> Result<incident_tally::Model, Stop> {
    let (_turn, txn) = service::begin_write(db).await?;
    if let Some(key_id) = input.client_mutation_id
        && let Some(key) = client_mutation::Entity::find_by_id(key_id).one(&txn).await?
    {
        if key.kind == KIND && key.payload_hash == parsed.hash {
            let tally = visible(actor).filter(incident_tally::Column::Id.eq(key.target_id)).one(&txn).await?;
            return tally.ok_or(Stop::Failed(AppError::NotFound(Missing::IncidentTally)));
        }
        return Err(Stop::Failed(AppError::Conflict {
            message: "this clientMutationId was already used for a different request".into(),
            extensions: vec![("field", "clientMutationId".into())],
        }));
    }
    ensure_records_in(&txn, actor, input.ward_id).await?;
    let existing = incident_tally::Entity::find()
        .filter(incident_tally::Column::WardId.eq(input.ward_id))
        .filter(incident_tally::Column::Month.eq(parsed.month.first_day()))
        .filter(incident_tally::Column::Category.eq(input.category))
        .one(&txn)
        .await?;
    let now = service::now();
    let (tally, action, summary) = match existing {
        // Setting what is there already: nothing to write, and nothing to audit.
        Some(current) if current.count == parsed.count => return Ok(current),
        Some(current) => {
            if parsed.expected_version != Some(current.version) {
                return Err(Stop::Failed(version_conflict(
                    &format!(
                        "this month's figure was changed by someone else (now {} at version {}); reload it \
                         and send expectedVersion",
                        current.count, current.version
                    ),
                    Some(current.version),
                )));
            }
            let changed = incident_tally::Entity::update_many()
                .col_expr(incident_tally::Column::Count, Expr::value(parsed.count))
                .col_expr(incident_tally::Column::Version, Expr::value(current.version + 1))
                .col_expr(incident_tally::Column::UpdatedAt, Expr::value(now))
                .filter(incident_tally::Column::Id.eq(current.id))
                .filter(incident_tally::Column::Version.eq(current.version))
                .exec(&txn)
                .await?;
            if changed.rows_affected != 1 {
                return Err(Stop::Raced);
            }
            let summary =
                json!({ "from": current.count, "to": parsed.count, "version": current.version + 1 });
            let tally = incident_tally::Model {
                count: parsed.count,
                version: current.version + 1,
                updated_at: now,
                ..current
            };
            (tally, "incident_tally.update", summary)
        }
        None => {
            if parsed.expected_version.is_some() {
                return Err(Stop::Failed(version_conflict(
                    "no figure is recorded for this month yet: send it without expectedVersion",
                    None,
                )));
            }
            let tally = incident_tally::Model {
                id: Uuid::now_v7(),
                ward_id: input.ward_id,
                month: parsed.month.first_day(),
                category: input.category,
                count: parsed.count,
                sort_key: parsed.month.sort_key(input.category),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            incident_tally::Entity::insert(incident_tally::ActiveModel::from(tally.clone()))
                .exec(&txn)
                .await?;
            (tally, "incident_tally.record", json!({ "count": parsed.count, "version": 1 }))
        }
    };
    if let Some(key_id) = input.client_mutation_id {
        client_mutation::Entity::insert(client_mutation::ActiveModel {
            id: Set(key_id),
            user_id: Set(Some(actor.user_id).filter(|id| !id.is_nil())),
            kind: Set(KIND.to_owned()),
            payload_hash: Set(parsed.hash.clone()),
            target_id: Set(tally.id),
            created_at: Set(now),
        })
        .exec(&txn)
        .await?;
    }
    let mut summary = summary;
    summary["month"] = json!(parsed.month.to_string());
    summary["category"] = json!(tally.category.to_value());
    let entry = AuditEntry {
        action,
        target_type: "incident_tally",
        target_id: Some(tally.id),
        ward_id: Some(tally.ward_id),
        summary,
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(tally)
}
