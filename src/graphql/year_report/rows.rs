//! A group's row of the year-end report, its coverage, and the report's totals.

use std::sync::Arc;

use async_graphql::Object;

use crate::{
    graphql::{
        assessment::GroupAssessment, award::Award, good_deed_report::CategoryCount, group::ResidentialGroup,
        self_management::SelfManagementModel,
    },
    service::year_report::{GroupYear, YearReport, YearTotals, percent},
};

/// One residential group's movement year.
pub struct MovementYearGroupRow {
    report: Arc<YearReport>,
    row: usize,
}

impl MovementYearGroupRow {
    /// Row `row` of `report`.
    pub fn new(report: Arc<YearReport>, row: usize) -> Self {
        Self { report, row }
    }

    fn year(&self) -> &GroupYear {
        &self.report.groups[self.row]
    }
}

/// One residential group's movement year.
#[Object]
impl MovementYearGroupRow {
    /// The group.
    async fn group(&self) -> ResidentialGroup {
        let figures = &self.year().figures;
        ResidentialGroup::with_ward(figures.group.clone(), Some(figures.ward.clone()))
    }

    /// Its ACTIVE households now and how many signed the year's campaign, from the coverage counters.
    async fn coverage(&self) -> MovementYearCoverage {
        let row = self.year();
        MovementYearCoverage {
            households: row.figures.total_households,
            signed: row.signed(),
            fully_covered: row.signed().is_some() && row.figures.fully_covered(),
        }
    }

    /// VERIFIED good deeds dated in the year, per category: every category, zeros included, in the
    /// order of `GoodDeedCategory`.
    async fn good_deeds(&self) -> Vec<CategoryCount> {
        self.year()
            .good_deeds
            .iter()
            .map(|(category, count)| CategoryCount { category: (*category).into(), count: *count })
            .collect()
    }

    /// All of them.
    async fn good_deed_count(&self) -> i64 {
        self.year().good_deed_count()
    }

    /// The group's self-management models that ran at some time in the year, by start (empty for the
    /// ward police, who count them in `activeModelCount`).
    async fn active_models(&self) -> Vec<SelfManagementModel> {
        self.year().models.iter().cloned().map(SelfManagementModel).collect()
    }

    /// How many of the group's models ran in the year.
    async fn active_model_count(&self) -> i64 {
        self.year().model_count
    }

    /// The awards of the year that stand, to the group or its people, by decision date (empty for the
    /// ward police, who count them in `awardCount`).
    async fn awards(&self) -> Vec<Award> {
        self.year().awards.iter().cloned().map(Award).collect()
    }

    /// How many standing awards of the year went to the group or its people.
    async fn award_count(&self) -> i64 {
        self.year().award_count
    }

    /// Very satisfied and satisfied over all answers of the group's ballots in the surveys conducted
    /// in the year, from 0 to 1; null without a ballot.
    async fn satisfaction_rate(&self) -> Option<f64> {
        self.year().satisfaction_rate()
    }

    /// The group's ballots in the surveys conducted in the year.
    async fn ballot_count(&self) -> u64 {
        self.year().ballot_count
    }

    /// The officials' assessment of the group for the year (its level as labelled on the day it was
    /// decided); null while the group has none.
    async fn assessment(&self) -> Option<GroupAssessment> {
        let row = self.year();
        let group = (*row.figures.group).clone();
        row.assessment.clone().map(|record| GroupAssessment::with_group(group, record))
    }
}

/// A group's households and how many signed the year's campaign.
pub struct MovementYearCoverage {
    households: i64,
    signed: Option<i64>,
    fully_covered: bool,
}

/// A group's households and how many signed the year's campaign.
#[Object]
impl MovementYearCoverage {
    /// ACTIVE households now.
    async fn households(&self) -> i64 {
        self.households
    }

    /// Of them, those with a SIGNED pledge for the campaign; null when the year has no campaign.
    async fn signed(&self) -> Option<i64> {
        self.signed
    }

    /// `signed` / `households` in percent, to one decimal (halves away from zero; 0 without
    /// households); null when the year has no campaign.
    async fn percent(&self) -> Option<f64> {
        self.signed.map(|signed| percent(signed, self.households))
    }

    /// Every active household signed, and there is at least one (false without a campaign).
    async fn fully_covered(&self) -> bool {
        self.fully_covered
    }
}

/// Totals of a year-end report.
pub struct MovementYearTotals(pub YearTotals);

/// Totals of a year-end report, over what the caller reads: the group rows' households, signatures,
/// deeds and ballots, and the counts of models and awards (ward-wide ones included).
#[Object]
impl MovementYearTotals {
    /// ACTIVE households of the groups in the report.
    async fn households(&self) -> i64 {
        self.0.households
    }

    /// Of them, those that signed the year's campaign; null without a campaign.
    async fn signed(&self) -> Option<i64> {
        self.0.signed
    }

    /// `signed` / `households` in percent, to one decimal; null without a campaign.
    async fn percent(&self) -> Option<f64> {
        self.0.signed.map(|signed| percent(signed, self.0.households))
    }

    /// Verified good deeds of the groups dated in the year.
    async fn deeds(&self) -> i64 {
        self.0.deeds
    }

    /// Self-management models that ran in the year, ward-wide ones included.
    async fn models(&self) -> i64 {
        self.0.models
    }

    /// Awards of the year that stand, those to people outside any group included.
    async fn awards(&self) -> i64 {
        self.0.awards
    }

    /// Ballots of the groups in the surveys conducted in the year.
    async fn ballot_count(&self) -> u64 {
        self.0.ballots
    }

    /// Very satisfied and satisfied over all answers of those ballots, from 0 to 1; null without one.
    async fn satisfaction_rate(&self) -> Option<f64> {
        self.0.satisfaction_rate()
    }
}
