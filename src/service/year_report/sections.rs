//! The ward-level sections of a year, each read in one or two statements under the rules of its own
//! list: the year's campaign, models, awards, events, surveys with their results, and incidents.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::counts::ran_between;
use crate::{
    auth::Actor,
    domain::{
        campaign::CampaignStatus,
        incident::{Month, Window},
        movement::AwardStatus,
        survey::LevelCounts,
    },
    entities::{award, campaign, movement_event as event, self_management_model as model},
    error::{AppError, AppResult},
    service::{
        self,
        incident::ComparisonRow,
        records::{AwardRecord, CampaignRecord, MovementEventRecord, SelfManagementModelRecord},
        survey::{Over, SurveyResults, Tally},
    },
};

/// The year's campaign for ward `ward_id`: its own before the one for every ward, one that was opened
/// before a draft, then the newest. Several may exist; a draft has no signature to count.
pub(super) async fn campaign(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    year: i32,
) -> AppResult<Option<CampaignRecord>> {
    let candidates = service::campaign::visible(actor)
        .filter(campaign::Column::Year.eq(year))
        .filter(
            Condition::any()
                .add(campaign::Column::WardId.is_null())
                .add(campaign::Column::WardId.eq(ward_id)),
        )
        .all(db)
        .await?;
    Ok(candidates.into_iter().max_by_key(|c| (c.ward_id.is_some(), c.status != CampaignStatus::Draft, c.id)))
}

/// The models the actor may list that ran at some time in the year, by start.
pub(super) async fn models(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    (first, last): (NaiveDate, NaiveDate),
) -> AppResult<Vec<SelfManagementModelRecord>> {
    Ok(service::self_management::visible(actor)
        .filter(model::Column::WardId.eq(ward_id))
        .filter(ran_between(first, last))
        .order_by_asc(model::Column::StartedOn)
        .order_by_asc(model::Column::Id)
        .all(db)
        .await?)
}

/// The ACTIVE awards of the year the actor may list, by decision date.
pub(super) async fn awards(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    year: i32,
) -> AppResult<Vec<AwardRecord>> {
    Ok(service::award::visible(actor)
        .filter(award::Column::WardId.eq(ward_id))
        .filter(award::Column::Year.eq(year))
        .filter(award::Column::Status.eq(AwardStatus::Active))
        .order_by_asc(award::Column::DecisionDate)
        .order_by_asc(award::Column::Id)
        .all(db)
        .await?)
}

/// The events held in the year the actor may list, by day.
pub(super) async fn events(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    (first, last): (NaiveDate, NaiveDate),
) -> AppResult<Vec<MovementEventRecord>> {
    Ok(service::movement_event::visible(actor)
        .filter(event::Column::WardId.eq(ward_id))
        .filter(event::Column::HeldOn.between(first, last))
        .order_by_asc(event::Column::HeldOn)
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?)
}

/// The surveys of a year: their results as the caller reads them, and each group's ballots and answers
/// over all of them.
pub(super) struct SurveyYear {
    /// Per survey, the ward's results; for a leader, per survey and group, their group's.
    pub results: Vec<SurveyResults>,
    /// Per group, its ballots and all their answers at each level.
    pub per_group: HashMap<Uuid, (u64, LevelCounts)>,
}

/// The surveys of ward `ward_id` conducted in the year, counted per group in one statement; whoever
/// reads the ward's results gets each survey's whole-ward figures (the sum of its groups'), a leader
/// their groups' (`groups`, the report's rows).
pub(super) async fn surveys(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    (first, last): (NaiveDate, NaiveDate),
    groups: &[Uuid],
    whole_ward: bool,
) -> AppResult<SurveyYear> {
    let surveys = service::survey::conducted_between(db, actor, ward_id, first, last).await?;
    let ids: Vec<Uuid> = surveys.iter().map(|s| s.survey.id).collect();
    let over = Over::EachGroup((!whole_ward).then(|| groups.to_vec()));
    let tallies = service::survey::tally(db, &ids, &over).await?;
    let mut per_group: HashMap<Uuid, (u64, LevelCounts)> = HashMap::new();
    let mut of_survey: HashMap<(Uuid, Option<Uuid>), Tally> = HashMap::new();
    for tally in &tallies {
        let Some(group_id) = tally.group_id else { continue };
        let (ballots, levels) = per_group.entry(group_id).or_default();
        *ballots += tally.ballots;
        for (sum, n) in levels.iter_mut().zip(tally.all_answers()) {
            *sum += n;
        }
        let key = (tally.survey_id, if whole_ward { None } else { Some(group_id) });
        of_survey.entry(key).or_default().add(tally);
    }
    let results = surveys
        .into_iter()
        .flat_map(|survey| {
            let over: Vec<Option<Uuid>> =
                if whole_ward { vec![None] } else { groups.iter().copied().map(Some).collect() };
            let of_survey = &of_survey;
            over.into_iter().map(move |group_id| {
                let tally = of_survey.get(&(survey.survey.id, group_id)).cloned().unwrap_or_default();
                SurveyResults::of(survey.clone(), group_id, &tally)
            })
        })
        .collect();
    Ok(SurveyYear { results, per_group })
}

/// The incidents of a year so far: the months compared and a row per category.
#[derive(Debug, Clone)]
pub struct IncidentYear {
    /// The first month counted.
    pub from: Month,
    /// The last month counted: the year's last, or this month while the year runs.
    pub to: Month,
    /// Each category against the same months one year earlier.
    pub rows: Vec<ComparisonRow>,
}

/// The comparison of the year's months up to this month (by `today`, Vietnam's) with a year earlier.
/// Tallies are monthly: a month counts in the year its first day falls in, so a year beginning on the
/// 15th starts counting with the next month, and every year counts 12 months. None before the year's
/// first month.
pub(super) async fn incidents(
    db: &impl ConnectionTrait,
    ward_id: Uuid,
    (first, last): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> AppResult<Option<IncidentYear>> {
    let from = if first.day() == 1 { Month::of(first) } else { Month::of(first + chrono::Months::new(1)) };
    let to = Month::of(last).min(Month::of(today));
    if to < from {
        return Ok(None);
    }
    let window = Window::new(from, to).map_err(|(_, why)| AppError::Internal(why))?;
    let rows = service::incident::compare(db, ward_id, window).await?;
    Ok(Some(IncidentYear { from, to, rows }))
}
