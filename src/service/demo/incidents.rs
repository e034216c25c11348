//! The ward police's figures of the case: monthly incident tallies of Phường Lam Sơn for January to July
//! of 2022 and 2023, entered as `lamson.police` through the service, so each has its audit row.
//!
//! The sums are the report's: 28 then 23 cases of security and order, 12 then 10 traffic accidents, and
//! no serious crime and no mass complaint (tallies of 0, so the months read as counted). The case gives
//! no figure for fires, so none is entered: the comparison shows that category as not reported.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::DEMO_WARD_CODE;
use crate::{
    domain::incident::IncidentCategory,
    entities::{app_user, incident_tally, ward},
    error::{AppError, AppResult},
    service::{self, incident::NewTally},
};

/// The demo police user, who enters the figures.
pub const DEMO_POLICE: &str = "lamson.police";

/// Month by month, January to July: (category, 2022, 2023).
const TALLIES: [(IncidentCategory, [i64; 7], [i64; 7]); 4] = [
    (IncidentCategory::SecurityOrder, [5, 3, 4, 4, 3, 5, 4], [3, 4, 3, 2, 4, 3, 4]),
    (IncidentCategory::TrafficAccident, [2, 1, 2, 2, 1, 2, 2], [1, 2, 1, 2, 1, 1, 2]),
    (IncidentCategory::SeriousCrime, [0; 7], [0; 7]),
    (IncidentCategory::MassComplaint, [0; 7], [0; 7]),
];

/// Enters the demo ward's tallies; does nothing when the ward has any already. Returns whether it
/// entered them.
pub async fn seed_incidents(db: &DatabaseConnection) -> AppResult<bool> {
    let ward = ward::Entity::find()
        .filter(ward::Column::Code.eq(DEMO_WARD_CODE))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the demo ward is missing"))?;
    let entered =
        incident_tally::Entity::find().filter(incident_tally::Column::WardId.eq(ward.id)).one(db).await?;
    if entered.is_some() {
        return Ok(false);
    }
    let police = app_user::Entity::find()
        .filter(app_user::Column::UsernameKey.eq(DEMO_POLICE))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the demo police user is missing"))?;
    let actor = service::user::actor_of(db, &police).await?;
    let today = crate::domain::campaign::local_today(chrono::Utc::now());
    for (category, earlier, later) in TALLIES {
        for (year, counts) in [(2022, earlier), (2023, later)] {
            for (month, count) in (1..).zip(counts) {
                let input = NewTally {
                    ward_id: ward.id,
                    month: format!("{year}-{month:02}"),
                    category,
                    count,
                    expected_version: None,
                    client_mutation_id: None,
                };
                service::incident::record(db, &actor, input, today).await?;
            }
        }
    }
    Ok(true)
}
