//! Checking the counters against the raw rows, and repairing them when asked.

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use super::{adjust_active, adjust_signed};
use crate::{
    domain::{campaign::PledgeStatus, household::HouseholdStatus},
    error::{AppError, AppResult},
    service::{self, Caches, Moved},
};

/// A counter that differs from the raw rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// `active` (per group) or `signed` (per campaign and group).
    pub counter: &'static str,
    /// The campaign, for `signed`.
    pub campaign_id: Option<Uuid>,
    /// The group.
    pub group_id: Uuid,
    /// What the counter says.
    pub stored: i64,
    /// What the rows say.
    pub actual: i64,
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    campaign_id: Option<Uuid>,
    group_id: Uuid,
    stored: i64,
    actual: i64,
}

/// Recomputes every counter from the raw rows and lists the differences; with `repair`, fixes them
/// in the same transaction.
pub(in crate::service) async fn verify(
    db: &sea_orm::DatabaseConnection,
    caches: &Caches,
    repair: bool,
) -> AppResult<(Vec<Drift>, Moved)> {
    let (_turn, txn) = service::begin_write(db).await?;
    let backend = txn.get_database_backend();
    let (nil, first, second) = match backend {
        DbBackend::Postgres => ("CAST(NULL AS uuid)", "$1", "$2"),
        _ => ("NULL", "?", "?"),
    };
    // The statuses are bound, not spelled in the SQL, so the enums stay their only spelling.
    let active_sql = format!(
        "SELECT {nil} AS campaign_id, g.id AS group_id, \
           CAST(COALESCE(c.active_households, 0) AS BIGINT) AS stored, \
           CAST((SELECT COUNT(*) FROM household h WHERE h.group_id = g.id AND h.status = {first}) AS BIGINT) AS actual \
         FROM residential_group g LEFT JOIN group_coverage c ON c.group_id = g.id"
    );
    let signed_sql = format!(
        "SELECT k.campaign_id AS campaign_id, k.group_id AS group_id, \
           CAST(COALESCE(c.signed_households, 0) AS BIGINT) AS stored, \
           CAST((SELECT COUNT(*) FROM pledge p JOIN household h ON h.id = p.household_id \
                 WHERE p.campaign_id = k.campaign_id AND p.group_id = k.group_id \
                   AND p.status = {first} AND h.status = {second}) AS BIGINT) AS actual \
         FROM (SELECT campaign_id, group_id FROM pledge UNION SELECT campaign_id, group_id FROM campaign_group_coverage) k \
         LEFT JOIN campaign_group_coverage c ON c.campaign_id = k.campaign_id AND c.group_id = k.group_id"
    );
    let counters = [
        ("active", Statement::from_sql_and_values(backend, active_sql, [HouseholdStatus::Active.into()])),
        (
            "signed",
            Statement::from_sql_and_values(
                backend,
                signed_sql,
                [PledgeStatus::Signed.into(), HouseholdStatus::Active.into()],
            ),
        ),
    ];
    let mut drifts = Vec::new();
    for (counter, statement) in counters {
        let rows = CountRow::find_by_statement(statement).all(&txn).await?;
        for row in rows.into_iter().filter(|r| r.stored != r.actual) {
            drifts.push(Drift {
                counter,
                campaign_id: row.campaign_id,
                group_id: row.group_id,
                stored: row.stored,
                actual: row.actual,
            });
        }
    }
    let mut moved = Moved::nothing();
    if repair {
        for drift in &drifts {
            let delta = i32::try_from(drift.actual - drift.stored).map_err(AppError::internal)?;
            match drift.campaign_id {
                None => adjust_active(&txn, drift.group_id, delta).await?,
                Some(campaign_id) => adjust_signed(&txn, campaign_id, drift.group_id, delta).await?,
            }
            let ward_id = service::group::ward_of(&txn, caches, drift.group_id).await?;
            moved.add(Moved::group(drift.campaign_id, drift.group_id, ward_id));
        }
        if !drifts.is_empty() {
            crate::metrics::coverage_repaired(drifts.len());
            let entry = service::audit::AuditEntry {
                action: "coverage.repair",
                target_type: "coverage",
                target_id: None,
                ward_id: None,
                summary: serde_json::json!({ "repaired": drifts.len() }),
            };
            service::audit::record(&txn, None, entry).await?;
        }
        txn.commit().await?;
    }
    Ok((drifts, moved))
}
