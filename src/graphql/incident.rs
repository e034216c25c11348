//! Incident statistics: the `IncidentTally` type, `incidentTallies`, `incidentComparison` and
//! `recordIncidentTally`. Counts only: no field names a person or a case.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};

use super::{
    connection::{IncidentTallyConnection, page_request, to_connection},
    context::{parse_id, scope, signed_in},
    scalars::DateTime,
    ward::Ward,
};
use crate::{
    domain::incident::Month,
    error::{AppError, Missing},
    service::{self, incident::ComparisonRow, records::IncidentTallyRecord},
};

/// What kind of incident a tally counts.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "IncidentCategory", remote = "crate::domain::incident::IncidentCategory")]
pub enum IncidentCategory {
    /// Cases of security and public order (vụ việc về an ninh, trật tự).
    SecurityOrder,
    /// Traffic accidents (tai nạn giao thông).
    TrafficAccident,
    /// Fires (cháy).
    Fire,
    /// Serious and especially serious crimes (tội phạm nghiêm trọng, đặc biệt nghiêm trọng).
    SeriousCrime,
    /// Mass complaints, crowds petitioning together (khiếu kiện đông người).
    MassComplaint,
}

/// How many incidents of one category a ward counted in one month, as the ward police entered it.
pub struct IncidentTally(pub IncidentTallyRecord);

/// How many incidents of one category a ward counted in one month, as the ward police entered it.
#[Object]
impl IncidentTally {
    /// Unique id, across every type: `node(id:)` fetches the tally again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The ward.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        let ward = signed_in(ctx)?.wards().load_one(self.0.ward_id).await?;
        Ok(ward.ok_or(AppError::NotFound(Missing::Ward))?.into())
    }

    /// The month counted, as `YYYY-MM`.
    async fn month(&self) -> String {
        Month::of(self.0.month).to_string()
    }

    /// What kind of incident.
    async fn category(&self) -> IncidentCategory {
        self.0.category.into()
    }

    /// How many.
    async fn count(&self) -> i32 {
        self.0.count
    }

    /// Send it as `expectedVersion` to change the count; every change bumps it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was first recorded.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When its count last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// One category's incidents over a window of months against the same months one year earlier.
#[derive(SimpleObject)]
pub struct IncidentComparisonRow {
    /// The category.
    pub category: IncidentCategory,
    /// Incidents over the window; a month without a tally counts 0 (see `complete`).
    pub count: i64,
    /// Incidents over the same months one year earlier.
    pub previous_count: i64,
    /// `count - previousCount`: negative when incidents fell.
    pub change: i64,
    /// The change in percent of `previousCount`, rounded to one decimal place (halves away from zero:
    /// 23 against 28 is -17.9); null when `previousCount` is 0.
    pub change_percent: Option<f64>,
    /// Months of the window with a tally of this category (a tally of 0 counts as reported).
    pub months_reported: i64,
    /// Months of the year-earlier window with a tally of this category.
    pub previous_months_reported: i64,
    /// Months in the window.
    pub months: i64,
    /// Every month of both windows has a tally: when false, some month counts 0 only because nothing
    /// was entered for it.
    pub complete: bool,
}

impl From<ComparisonRow> for IncidentComparisonRow {
    fn from(row: ComparisonRow) -> Self {
        Self {
            complete: row.complete(),
            category: row.category.into(),
            count: row.count,
            previous_count: row.previous_count,
            change: row.change,
            change_percent: row.change_percent,
            months_reported: row.months_reported,
            previous_months_reported: row.previous_months_reported,
            months: row.months,
        }
    }
}

/// One month's count of one category for a ward.
#[derive(InputObject)]
pub struct RecordIncidentTallyInput {
    /// The ward.
    pub ward_id: ID,
    /// The month, as `YYYY-MM` (e.g. "2023-07"): this month or an earlier one, by Vietnam's date.
    pub month: String,
    /// What kind of incident.
    pub category: IncidentCategory,
    /// How many, 0 to 100000. Record 0 for a month without incidents, so reports know it was counted.
    pub count: i64,
    /// The `version` last read, to change a tally that exists; omit it for a new one.
    pub expected_version: Option<i64>,
    /// A UUID made by the client: sending the same input with it again answers like the first time;
    /// with another input it is `CONFLICT`.
    pub client_mutation_id: Option<ID>,
}

/// Queries on incident statistics.
#[derive(Default)]
pub struct IncidentQuery;

#[Object]
impl IncidentQuery {
    /// A ward's monthly tallies over `from`–`to` (at most 12 months), by month then category, with
    /// each one's `version`: what was entered, to check and correct. `WARD_POLICE` and
    /// `WARD_OFFICIAL` of the ward, `ADMIN`; `FORBIDDEN` for group leaders.
    #[expect(
        clippy::too_many_arguments,
        reason = "one per GraphQL argument: the ward, the window, the category, paging both ways"
    )]
    async fn incident_tallies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ward.")] ward_id: ID,
        #[graphql(desc = "The first month, `YYYY-MM`.")] from: String,
        #[graphql(desc = "The last month, `YYYY-MM`, not before `from`.")] to: String,
        #[graphql(desc = "Only this category.")] category: Option<IncidentCategory>,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<IncidentTallyConnection> {
        let scope = scope(ctx)?;
        let ward_id = parse_id(&ward_id, "wardId")?;
        let window = service::incident::parse_window(&from, &to)?;
        let page_request = page_request(ctx, first, after, last, before)?;
        let page = scope.incidents().list(ward_id, window, category.map(Into::into), &page_request).await?;
        Ok(to_connection(page, service::incident::cursor, IncidentTally))
    }

    /// A ward's incidents per category over `from`–`to` (at most 12 months) against the same months
    /// one year earlier: one row per category, in a fixed order. Counts only. Every role of the ward
    /// may read it (group leaders of its groups included); another ward is `NOT_FOUND`.
    async fn incident_comparison(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ward.")] ward_id: ID,
        #[graphql(desc = "The first month, `YYYY-MM`.")] from: String,
        #[graphql(desc = "The last month, `YYYY-MM`, not before `from`.")] to: String,
    ) -> Result<Vec<IncidentComparisonRow>> {
        let scope = scope(ctx)?;
        let ward_id = parse_id(&ward_id, "wardId")?;
        let window = service::incident::parse_window(&from, &to)?;
        let rows = scope.incidents().comparison(ward_id, window).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

/// Mutations on incident statistics.
#[derive(Default)]
pub struct IncidentMutation;

#[Object]
impl IncidentMutation {
    /// Sets one month's count of one category for a ward: `WARD_POLICE` and `WARD_OFFICIAL` of the
    /// ward, `ADMIN`. A new tally needs no `expectedVersion`; one that exists changes only with its
    /// current `version` (else `CONFLICT` with `currentVersion`). Sending the count it already has
    /// changes nothing and answers the tally as it is.
    async fn record_incident_tally(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ward, month, category and count.")] input: RecordIncidentTallyInput,
    ) -> Result<IncidentTally> {
        let scope = scope(ctx)?;
        let new = service::incident::NewTally {
            ward_id: parse_id(&input.ward_id, "wardId")?,
            month: input.month,
            category: input.category.into(),
            count: input.count,
            expected_version: input.expected_version,
            client_mutation_id: input
                .client_mutation_id
                .as_ref()
                .map(|id| parse_id(id, "clientMutationId"))
                .transpose()?,
        };
        Ok(IncidentTally(scope.incidents().record(new).await?))
    }
}
