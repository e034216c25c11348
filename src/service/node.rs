//! Global object identification: which kind of object an id names.
//!
//! Every object a client may fetch again (wards, groups, households, campaigns, pledges, good deeds,
//! users, audit events, incident tallies, self-management models, awards, movement events, satisfaction surveys with their questions and ballots, group assessments) has a UUID made by the service (version 7: a millisecond timestamp and 74 random
//! bits), never one sent by a client (`clientMutationId` names a request, not a row), so an id names one
//! row of one table and `node(id:)` needs no type inside the id. One statement, a UNION ALL of
//! primary-key lookups, tells which table each id is in; the objects are then read through each kind's
//! own scoped reads, so scope applies exactly as to every other read.

use std::collections::HashMap;

use sea_orm::{
    ConnectionTrait, EntityTrait, IdenStatic,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, UnionType},
};
use uuid::Uuid;

use crate::{
    entities::{
        app_user, audit_event, award, campaign, good_deed, group_assessment, household, incident_tally,
        movement_event, pledge, residential_group, satisfaction_survey, self_management_model, survey_ballot,
        survey_question, ward,
    },
    error::AppResult,
};

/// The kinds of object an id may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A ward.
    Ward,
    /// A residential group.
    Group,
    /// A household.
    Household,
    /// A campaign.
    Campaign,
    /// A pledge.
    Pledge,
    /// A good deed.
    GoodDeed,
    /// A user.
    User,
    /// An audit event.
    AuditEvent,
    /// A monthly incident tally.
    IncidentTally,
    /// A self-management model.
    SelfManagementModel,
    /// An award.
    Award,
    /// A movement event.
    MovementEvent,
    /// A satisfaction survey.
    Survey,
    /// A question of a survey.
    SurveyQuestion,
    /// A survey ballot.
    SurveyBallot,
    /// A group's assessment for a movement year.
    GroupAssessment,
}

impl NodeKind {
    const ALL: [Self; 16] = [
        Self::Ward,
        Self::Group,
        Self::Household,
        Self::Campaign,
        Self::Pledge,
        Self::GoodDeed,
        Self::User,
        Self::AuditEvent,
        Self::IncidentTally,
        Self::SelfManagementModel,
        Self::Award,
        Self::MovementEvent,
        Self::Survey,
        Self::SurveyQuestion,
        Self::SurveyBallot,
        Self::GroupAssessment,
    ];

    /// The number that stands for the kind in the lookup's rows.
    fn tag(self) -> i32 {
        Self::ALL.iter().position(|kind| *kind == self).map_or(-1, |index| index as i32)
    }

    fn from_tag(tag: i32) -> Option<Self> {
        usize::try_from(tag).ok().and_then(|index| Self::ALL.get(index).copied())
    }

    /// The primary-key lookup of `ids` in this kind's table.
    fn lookup(self, ids: &[Uuid]) -> SelectStatement {
        fn select<E: EntityTrait>(entity: E, id: E::Column, tag: i32, ids: &[Uuid]) -> SelectStatement
        where
            E::Column: IdenStatic,
        {
            Query::select()
                .expr_as(Expr::val(tag), Alias::new("kind"))
                .expr_as(Expr::col((entity, id)), Alias::new("id"))
                .from(entity)
                .and_where(Expr::col((entity, id)).is_in(ids.iter().copied()))
                .to_owned()
        }
        let tag = self.tag();
        match self {
            Self::Ward => select(ward::Entity, ward::Column::Id, tag, ids),
            Self::Group => select(residential_group::Entity, residential_group::Column::Id, tag, ids),
            Self::Household => select(household::Entity, household::Column::Id, tag, ids),
            Self::Campaign => select(campaign::Entity, campaign::Column::Id, tag, ids),
            Self::Pledge => select(pledge::Entity, pledge::Column::Id, tag, ids),
            Self::GoodDeed => select(good_deed::Entity, good_deed::Column::Id, tag, ids),
            Self::User => select(app_user::Entity, app_user::Column::Id, tag, ids),
            Self::AuditEvent => select(audit_event::Entity, audit_event::Column::Id, tag, ids),
            Self::IncidentTally => select(incident_tally::Entity, incident_tally::Column::Id, tag, ids),
            Self::SelfManagementModel => {
                select(self_management_model::Entity, self_management_model::Column::Id, tag, ids)
            }
            Self::Award => select(award::Entity, award::Column::Id, tag, ids),
            Self::MovementEvent => select(movement_event::Entity, movement_event::Column::Id, tag, ids),
            Self::Survey => select(satisfaction_survey::Entity, satisfaction_survey::Column::Id, tag, ids),
            Self::SurveyQuestion => select(survey_question::Entity, survey_question::Column::Id, tag, ids),
            Self::SurveyBallot => select(survey_ballot::Entity, survey_ballot::Column::Id, tag, ids),
            Self::GroupAssessment => select(group_assessment::Entity, group_assessment::Column::Id, tag, ids),
        }
    }
}

/// The kind of each of `ids` that names an object, in one statement; unknown ids are left out. Not
/// scoped: what the caller may see of them is decided by the reads that follow.
pub(in crate::service) async fn kinds(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, NodeKind>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut kinds = NodeKind::ALL.into_iter();
    let Some(first) = kinds.next() else { return Ok(HashMap::new()) };
    let mut statement = first.lookup(ids);
    for kind in kinds {
        statement.union(UnionType::All, kind.lookup(ids));
    }
    let rows = db.query_all_raw(db.get_database_backend().build(&statement)).await?;
    let mut found = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: Uuid = row.try_get("", "id")?;
        let Some(kind) = NodeKind::from_tag(row.try_get("", "kind")?) else { continue };
        if let Some(earlier) = found.insert(id, kind) {
            // Two tables sharing a service-made UUID v7 would need a collision of 74 random bits.
            tracing::error!(%id, ?earlier, ?kind, "one id names rows of two tables");
        }
    }
    Ok(found)
}
