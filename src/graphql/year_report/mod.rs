//! `movementYearReport`: a ward's movement year for its year-end report. The per-group rows and the
//! totals are in `rows`.

mod rows;

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};

use self::rows::{MovementYearGroupRow, MovementYearTotals};
use super::{
    award::Award,
    campaign::Campaign,
    context::{int32, parse_id, scope},
    incident::IncidentComparisonRow,
    movement_event::MovementEvent,
    scalars::{Date, DateTime},
    self_management::SelfManagementModel,
    survey::SurveyResults,
    ward::Ward,
};
use crate::service::year_report::YearReport;

/// A ward's movement year: what its year-end report quotes.
pub struct MovementYearReport(Arc<YearReport>);

/// A ward's movement year, from its first to its last day in that ward: per residential group (the
/// groups the caller may see, by code) and for the ward. Lists follow the rules of their own lists (the
/// ward police's lists of models, awards and events are empty); counts are the whole ward's for whoever
/// reads its reports.
#[Object]
impl MovementYearReport {
    /// When the figures were read.
    async fn as_of(&self) -> DateTime {
        DateTime(self.0.as_of)
    }

    /// The ward.
    async fn ward(&self) -> Ward {
        Ward::from(self.0.ward.clone())
    }

    /// The movement year, named after the calendar year it ends in.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// The year's first day in this ward (1 November of the year before, unless the ward set another).
    async fn starts_on(&self) -> Date {
        Date::from(self.0.starts_on)
    }

    /// The year's last day in this ward.
    async fn ends_on(&self) -> Date {
        Date::from(self.0.ends_on)
    }

    /// The year's pledge campaign for the ward: its own campaign of that year, else the one for every
    /// ward (one that was opened before a draft, then the newest); null when there is none.
    async fn campaign(&self) -> Option<Campaign> {
        self.0.campaign.clone().map(Campaign)
    }

    /// One row per group of the ward the caller may see, by group code.
    async fn groups(&self) -> Vec<MovementYearGroupRow> {
        let report = &self.0;
        (0..report.groups.len()).map(|row| MovementYearGroupRow::new(report.clone(), row)).collect()
    }

    /// The first month the incidents count, `YYYY-MM` (the first whose first day is in the year);
    /// null before the year begins.
    async fn incidents_from(&self) -> Option<String> {
        self.0.incidents.as_ref().map(|i| i.from.to_string())
    }

    /// The last month the incidents count, `YYYY-MM`: the year's last, or this month (Vietnam's)
    /// while the year runs; null before the year begins.
    async fn incidents_to(&self) -> Option<String> {
        self.0.incidents.as_ref().map(|i| i.to.to_string())
    }

    /// The ward's incidents per category over `incidentsFrom`–`incidentsTo` against the same months one
    /// year earlier, as `incidentComparison` counts them (`monthsReported` and `complete` tell a partial
    /// or unfinished year); empty before the year begins.
    async fn incidents(&self) -> Vec<IncidentComparisonRow> {
        self.0.incidents.iter().flat_map(|i| i.rows.iter().cloned().map(Into::into)).collect()
    }

    /// The results of each satisfaction survey conducted in the year (drafts aside), by day: the whole
    /// ward's, or for a group leader one per survey and group they lead.
    async fn surveys(&self) -> Vec<SurveyResults> {
        self.0.surveys.iter().cloned().map(SurveyResults).collect()
    }

    /// Self-management models that ran at some time in the year (ward-wide ones included), by start.
    async fn models(&self) -> Vec<SelfManagementModel> {
        self.0.models.iter().cloned().map(SelfManagementModel).collect()
    }

    /// The awards of the year that stand (revoked ones left out), by decision date.
    async fn awards(&self) -> Vec<Award> {
        self.0.awards.iter().cloned().map(Award).collect()
    }

    /// Festival days, forums and other events held in the year, by day.
    async fn events(&self) -> Vec<MovementEvent> {
        self.0.events.iter().cloned().map(MovementEvent).collect()
    }

    /// Totals over the report.
    async fn totals(&self) -> MovementYearTotals {
        MovementYearTotals(self.0.totals.clone())
    }
}

/// The year-end report query.
#[derive(Default)]
pub struct MovementYearQuery;

#[Object]
impl MovementYearQuery {
    /// Ward `wardId`'s movement year `year` (2000 to 2100), over the ward's own window: coverage of the
    /// year's campaign, verified good deeds, models, awards and satisfaction per group; incidents
    /// against the year before, surveys, models, awards, events and totals for the ward. Every role of
    /// the ward reads it (a group leader their group's rows); another ward is `NOT_FOUND`.
    async fn movement_year_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ward.")] ward_id: ID,
        #[graphql(desc = "The movement year, named after the calendar year it ends in.")] year: i64,
    ) -> Result<MovementYearReport> {
        let scope = scope(ctx)?;
        let ward_id = parse_id(&ward_id, "wardId")?;
        let year = int32(year, "year")?;
        let report = scope.year_reports().report(ward_id, year).await?;
        Ok(MovementYearReport(Arc::new(report)))
    }
}
