//! The year-end report of a ward's movement year: per residential group, its coverage of the year's
//! campaign, verified good deeds by category, models that ran, standing awards, residents' satisfaction
//! and the officials' assessment; for the ward, incidents against the year before, surveys with their
//! results, models, awards, events and totals. The year runs over the ward's own window
//! (`ward_settings`).
//!
//! What a caller reads follows the rules of each record: group rows are the groups they may see (a
//! leader's own), lists are the lists they may read (the ward police's lists of models, awards and
//! events are empty), and counts are the whole ward's for whoever reads its reports (administrators,
//! its officials and police) and a leader's list otherwise.
//!
//! Its cost is a fixed number of statements whatever the size of the ward: coverage comes from the
//! counters, every count is a `GROUP BY` in the database (`counts`), every list one statement
//! (`sections`), and nothing is read per group or per household.

mod counts;
mod sections;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use uuid::Uuid;

pub use sections::IncidentYear;

use super::{
    coverage::GroupFigures,
    records::{
        AwardRecord, CampaignRecord, GroupAssessmentRecord, MovementEventRecord, SelfManagementModelRecord,
        WardRecord,
    },
    survey::SurveyResults,
};
use crate::{
    auth::Actor,
    domain::{
        campaign::GoodDeedCategory,
        survey::{LevelCounts, satisfaction_rate},
    },
    entities::residential_group as group,
    error::AppResult,
};

/// A ward's movement year, as one caller may read it.
#[derive(Debug, Clone)]
pub struct YearReport {
    /// When it was read.
    pub as_of: DateTime<Utc>,
    /// The ward.
    pub ward: WardRecord,
    /// The movement year.
    pub year: i32,
    /// Its first day in this ward.
    pub starts_on: NaiveDate,
    /// Its last day in this ward.
    pub ends_on: NaiveDate,
    /// The year's campaign for the ward: its own, else the one for every ward.
    pub campaign: Option<CampaignRecord>,
    /// One row per group the caller may see, by group code.
    pub groups: Vec<GroupYear>,
    /// Incidents of the year's months so far against a year earlier; none before the year begins.
    pub incidents: Option<IncidentYear>,
    /// Results of each survey conducted in the year: the ward's, or for a leader their group's.
    pub surveys: Vec<SurveyResults>,
    /// Models that ran at some time in the year, by start.
    pub models: Vec<SelfManagementModelRecord>,
    /// Standing awards of the year, by decision date.
    pub awards: Vec<AwardRecord>,
    /// Events held in the year, by day.
    pub events: Vec<MovementEventRecord>,
    /// Totals over the report.
    pub totals: YearTotals,
}

/// One group's year.
#[derive(Debug, Clone)]
pub struct GroupYear {
    /// The group, its ward and its ACTIVE households now, with those that signed the campaign.
    pub figures: GroupFigures,
    /// Whether there is a campaign whose signatures `figures` counts.
    pub has_campaign: bool,
    /// VERIFIED good deeds dated in the year, per category in the order of `GoodDeedCategory`.
    pub good_deeds: Vec<(GoodDeedCategory, i64)>,
    /// The group's models that ran in the year, as far as the caller reads them.
    pub models: Vec<SelfManagementModelRecord>,
    /// How many of the group's models ran in the year.
    pub model_count: i64,
    /// Standing awards of the year to the group or its people, as far as the caller reads them.
    pub awards: Vec<AwardRecord>,
    /// How many standing awards of the year went to the group or its people.
    pub award_count: i64,
    /// Ballots of the group in the year's surveys.
    pub ballot_count: u64,
    /// All the answers of those ballots, at each level in scale order.
    pub answers: LevelCounts,
    /// The officials' assessment of the group for the year, when decided.
    pub assessment: Option<GroupAssessmentRecord>,
}

impl GroupYear {
    /// Signed households, when there is a campaign.
    pub fn signed(&self) -> Option<i64> {
        self.has_campaign.then_some(self.figures.signed_households)
    }

    /// All the group's verified good deeds of the year.
    pub fn good_deed_count(&self) -> i64 {
        self.good_deeds.iter().map(|(_, n)| n).sum()
    }

    /// Very satisfied and satisfied over all answers of the group's ballots; none without one.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        satisfaction_rate(&self.answers)
    }
}

/// Totals of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct YearTotals {
    /// ACTIVE households of the groups in the report.
    pub households: i64,
    /// Those that signed the campaign; none without a campaign.
    pub signed: Option<i64>,
    /// Verified good deeds of the groups in the year.
    pub deeds: i64,
    /// Models that ran in the year (ward-wide ones included).
    pub models: i64,
    /// Standing awards of the year (to people outside any group included).
    pub awards: i64,
    /// Ballots of the groups in the year's surveys.
    pub ballots: u64,
    /// All the answers of those ballots, at each level in scale order.
    pub answers: LevelCounts,
}

impl YearTotals {
    /// Very satisfied and satisfied over all answers of the groups' ballots; none without one.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        satisfaction_rate(&self.answers)
    }
}

/// Every good-deed category, in the order rows list them.
pub fn good_deed_categories() -> impl Iterator<Item = GoodDeedCategory> {
    <GoodDeedCategory as sea_orm::Iterable>::iter()
}

/// `part` of `whole` in percent, to one decimal place, halves away from zero (in integers, so 2/3 is
/// 66.7 and 1/16 is 6.3); 0 when `whole` is 0. Counts are never negative.
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    let tenths = (2 * 1000 * part + whole) / (2 * whole);
    tenths as f64 / 10.0
}

/// Whether `actor` reads every record of ward `ward_id` (administrators, its officials and police), not
/// only their own group's.
fn reads_whole_ward(actor: &Actor, ward_id: Uuid) -> bool {
    actor.is_admin() || actor.report_wards().contains(&ward_id)
}

/// The report of ward `ward_id` for movement year `year`, with incidents up to `today` (Vietnam's).
/// A year out of range is `BAD_USER_INPUT` on `year`; a ward out of scope is `NOT_FOUND`.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn report(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    year: i32,
    today: NaiveDate,
) -> AppResult<YearReport> {
    // Every start has the same range of years: refused before anything is read.
    super::movement_year::check_year(year)?;
    let ward = super::ward::get(db, actor, ward_id).await?;
    let (starts_on, ends_on) = super::ward_settings::of_ward(db, ward.id).await?.window(year)?;
    let days = (starts_on, ends_on);
    let as_of = super::now();
    let whole_ward = reads_whole_ward(actor, ward.id);
    let campaign = sections::campaign(db, actor, ward.id, year).await?;
    let groups = super::group::visible(actor).filter(group::Column::WardId.eq(ward.id));
    let mut figures =
        super::coverage::figures_of(db, groups.clone(), campaign.as_ref().map(|c| c.id)).await?;
    figures.sort_by(|a, b| a.group.sort_key.cmp(&b.group.sort_key).then_with(|| a.group.id.cmp(&b.group.id)));
    let group_ids: Vec<Uuid> = figures.iter().map(|f| f.group.id).collect();
    let mut deeds = counts::verified_deeds(db, groups, days).await?;
    let model_counts = counts::models(db, actor, ward.id, days, whole_ward).await?;
    let award_counts = counts::awards(db, actor, ward.id, year, whole_ward).await?;
    let mut assessments = counts::assessments(db, actor, ward.id, year).await?;
    let models = sections::models(db, actor, ward.id, days).await?;
    let awards = sections::awards(db, actor, ward.id, year).await?;
    let events = sections::events(db, actor, ward.id, days).await?;
    let survey_year = sections::surveys(db, actor, ward.id, days, &group_ids, whole_ward).await?;
    let incidents = sections::incidents(db, ward.id, days, today).await?;

    let rows: Vec<GroupYear> = figures
        .into_iter()
        .map(|figures| {
            let id = figures.group.id;
            let (ballot_count, answers) = survey_year.per_group.get(&id).copied().unwrap_or_default();
            GroupYear {
                has_campaign: campaign.is_some(),
                good_deeds: deeds.remove(&id).unwrap_or_else(counts::no_deeds),
                models: of_group(&models, id, |m| m.group_id),
                model_count: model_counts.get(&Some(id)).copied().unwrap_or_default(),
                awards: of_group(&awards, id, |a| a.group_id),
                award_count: award_counts.get(&Some(id)).copied().unwrap_or_default(),
                ballot_count,
                answers,
                assessment: assessments.remove(&id),
                figures,
            }
        })
        .collect();
    let totals = YearTotals {
        households: rows.iter().map(|r| r.figures.total_households).sum(),
        signed: campaign.as_ref().map(|_| rows.iter().map(|r| r.figures.signed_households).sum()),
        deeds: rows.iter().map(GroupYear::good_deed_count).sum(),
        models: model_counts.values().sum(),
        awards: award_counts.values().sum(),
        ballots: rows.iter().map(|r| r.ballot_count).sum(),
        answers: rows.iter().fold([0; 4], |mut all, row| {
            for (sum, n) in all.iter_mut().zip(row.answers) {
                *sum += n;
            }
            all
        }),
    };
    Ok(YearReport {
        as_of,
        ward,
        year,
        starts_on,
        ends_on,
        campaign,
        groups: rows,
        incidents,
        surveys: survey_year.results,
        models,
        awards,
        events,
        totals,
    })
}

/// The records of `records` that belong to group `id`.
fn of_group<T: Clone>(records: &[T], id: Uuid, group_of: impl Fn(&T) -> Option<Uuid>) -> Vec<T> {
    records.iter().filter(|r| group_of(r) == Some(id)).cloned().collect()
}

/// Counts keyed by group (none: ward-wide or outside any group).
type PerGroup = HashMap<Option<Uuid>, i64>;

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn a_percentage_has_one_decimal_rounded_half_away_from_zero_and_is_0_of_nothing() {
        assert_eq!(percent(2, 3), 66.7);
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(1, 16), 6.3);
        assert_eq!(percent(3, 4), 75.0);
        assert_eq!(percent(4, 4), 100.0);
        assert_eq!(percent(0, 5), 0.0);
        assert_eq!(percent(0, 0), 0.0);
    }
}
