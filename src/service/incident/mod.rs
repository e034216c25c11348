//! Incident statistics: the monthly counts the ward police enter (officials may too), and the
//! comparison of a window of months with the same months one year earlier. Counts only: no row names a
//! person or a case.
//!
//! Who may do what: the ward police and officials of a ward, and administrators, record and list its
//! tallies; every role of the ward (group leaders included, whose year-end report quotes the ward's
//! figures) reads the comparison. The reads live here; recording lives in `record`.

mod record;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Select};
use uuid::Uuid;

pub use record::NewTally;
pub(in crate::service) use record::record;

use super::page::{Cursor, Ordering, Page, Paging, fetch_page};
use crate::{
    auth::Actor,
    domain::incident::{IncidentCategory, Month, Window, change_percent},
    entities::incident_tally,
    error::{AppError, AppResult, Missing},
};

/// The tallies `actor` may read one by one: all for admins, else those of their official and police
/// wards.
fn visible(actor: &Actor) -> Select<incident_tally::Entity> {
    let query = incident_tally::Entity::find();
    if actor.is_admin() {
        return query;
    }
    query.filter(incident_tally::Column::WardId.is_in(actor.report_wards()))
}

/// `FORBIDDEN` for a caller who never records figures, `NOT_FOUND` unless `ward_id` is a ward whose
/// figures the actor records.
async fn ensure_records_in(db: &impl ConnectionTrait, actor: &Actor, ward_id: Uuid) -> AppResult<()> {
    if !actor.records_incidents_anywhere() {
        return Err(AppError::Forbidden(
            "only the ward police, ward officials and administrators enter or list incident figures",
        ));
    }
    let ward = super::ward::get(db, actor, ward_id).await?;
    if actor.records_incidents_in(ward.id) { Ok(()) } else { Err(AppError::NotFound(Missing::Ward)) }
}

/// A window of months from the text of `from` and `to`, each bad one named.
pub fn parse_window(from: &str, to: &str) -> AppResult<Window> {
    let from = Month::parse(from).map_err(|m| AppError::bad_input("from", m))?;
    let to = Month::parse(to).map_err(|m| AppError::bad_input("to", m))?;
    Window::new(from, to).map_err(|(field, message)| AppError::bad_input(field, message))
}

const ORDERING: Ordering<incident_tally::Column> =
    Ordering { sort_key: incident_tally::Column::SortKey, id: incident_tally::Column::Id };

/// The cursor of a tally in its ward's list.
pub fn cursor(tally: &incident_tally::Model) -> Cursor {
    Cursor { sort_key: tally.sort_key.clone(), id: tally.id }
}

/// A page of a ward's tallies over `window` (optionally of one category), by month then category: what
/// the police entered, to check and correct.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    window: Window,
    category: Option<IncidentCategory>,
    request: &Paging,
) -> AppResult<Page<incident_tally::Model>> {
    ensure_records_in(db, actor, ward_id).await?;
    let mut query = visible(actor)
        .filter(incident_tally::Column::WardId.eq(ward_id))
        .filter(incident_tally::Column::Month.between(window.from.first_day(), window.to.first_day()));
    if let Some(category) = category {
        query = query.filter(incident_tally::Column::Category.eq(category));
    }
    Ok(fetch_page(db, query, ORDERING, request).await?)
}

/// The tallies among `ids` the actor may see (for `node`).
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, incident_tally::Model>> {
    let rows = visible(actor).filter(incident_tally::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|t| (t.id, t)).collect())
}

/// One category's figures over a window against the same months one year earlier.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// The category.
    pub category: IncidentCategory,
    /// Incidents over the window (months without a tally count 0).
    pub count: i64,
    /// Incidents over the same months one year earlier.
    pub previous_count: i64,
    /// `count - previous_count`.
    pub change: i64,
    /// The change in percent of `previous_count`, one decimal; none when that is 0.
    pub change_percent: Option<f64>,
    /// Months of the window with a tally of this category.
    pub months_reported: i64,
    /// Months of the year-earlier window with a tally of this category.
    pub previous_months_reported: i64,
    /// Months in each window.
    pub months: i64,
}

impl ComparisonRow {
    /// Every month of both windows has a tally: no figure silently counts missing data as 0.
    pub fn complete(&self) -> bool {
        self.months_reported == self.months && self.previous_months_reported == self.months
    }
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct SumRow {
    category: IncidentCategory,
    total: i64,
    months: i64,
}

/// Per category, the sum of a ward's tallies over `window` and how many months have one.
async fn sums(
    db: &impl ConnectionTrait,
    ward_id: Uuid,
    window: Window,
) -> AppResult<HashMap<IncidentCategory, (i64, i64)>> {
    use sea_orm::{
        QuerySelect, QueryTrait,
        sea_query::{Alias, Expr},
    };
    // Reads the ward's unique index by month.
    let mut query = incident_tally::Entity::find()
        .filter(incident_tally::Column::WardId.eq(ward_id))
        .filter(incident_tally::Column::Month.between(window.from.first_day(), window.to.first_day()))
        .select_only()
        .column(incident_tally::Column::Category)
        .group_by(incident_tally::Column::Category)
        .into_query();
    query
        .expr_as(Expr::cust("CAST(SUM(\"count\") AS BIGINT)"), Alias::new("total"))
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("months"));
    let rows = SumRow::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
    Ok(rows.into_iter().map(|row| (row.category, (row.total, row.months))).collect())
}

/// One row per category, in the order of `IncidentCategory`: the ward's counts over `window` against
/// the same months a year earlier. Every role whose scope holds the ward may read it.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn comparison(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    window: Window,
) -> AppResult<Vec<ComparisonRow>> {
    let ward = super::ward::get(db, actor, ward_id).await?;
    compare(db, ward.id, window).await
}

/// The comparison rows of ward `ward_id`, for a caller that has read the ward in scope.
pub(in crate::service) async fn compare(
    db: &impl ConnectionTrait,
    ward_id: Uuid,
    window: Window,
) -> AppResult<Vec<ComparisonRow>> {
    let now = sums(db, ward_id, window).await?;
    let before = sums(db, ward_id, window.year_before()).await?;
    let sum = |sums: &HashMap<IncidentCategory, (i64, i64)>, category| {
        sums.get(&category).copied().unwrap_or((0, 0))
    };
    Ok(<IncidentCategory as sea_orm::Iterable>::iter()
        .map(|category| {
            let (count, months_reported) = sum(&now, category);
            let (previous_count, previous_months_reported) = sum(&before, category);
            ComparisonRow {
                category,
                count,
                previous_count,
                change: count - previous_count,
                change_percent: change_percent(count, previous_count),
                months_reported,
                previous_months_reported,
                months: window.months(),
            }
        })
        .collect())
}
