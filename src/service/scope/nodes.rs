//! Objects by id whatever their kind, as one actor may see them: what `node` and `nodes` read.

use std::collections::HashMap;

use uuid::Uuid;

use super::Scope;
use crate::{
    error::AppResult,
    service::{
        audit,
        node::{self, NodeKind},
        records::{
            AuditEventRecord, AwardRecord, BallotRecord, CampaignRecord, GoodDeedRecord,
            GroupAssessmentRecord, GroupRecord, HouseholdRecord, IncidentTallyRecord, MovementEventRecord,
            PledgeRecord, SelfManagementModelRecord, SurveyQuestionRecord, SurveyRecord, UserRecord,
            WardRecord,
        },
        user,
    },
};

/// An object found by its id.
#[derive(Debug, Clone)]
pub enum NodeRecord {
    /// A ward.
    Ward(WardRecord),
    /// A residential group.
    Group(GroupRecord),
    /// A household.
    Household(HouseholdRecord),
    /// A campaign.
    Campaign(CampaignRecord),
    /// A pledge.
    Pledge(PledgeRecord),
    /// A good deed.
    GoodDeed(GoodDeedRecord),
    /// A user.
    User(UserRecord),
    /// An audit event.
    AuditEvent(AuditEventRecord),
    /// A monthly incident tally.
    IncidentTally(IncidentTallyRecord),
    /// A self-management model.
    SelfManagementModel(SelfManagementModelRecord),
    /// An award.
    Award(AwardRecord),
    /// A movement event.
    MovementEvent(MovementEventRecord),
    /// A satisfaction survey.
    Survey(SurveyRecord),
    /// A question of a survey.
    SurveyQuestion(SurveyQuestionRecord),
    /// A survey ballot.
    SurveyBallot(BallotRecord),
    /// A group's assessment for a movement year.
    GroupAssessment(GroupAssessmentRecord),
}

/// Objects of any kind in the actor's scope.
pub struct Nodes<'a>(pub(super) &'a Scope);

impl Nodes<'_> {
    /// The objects among `ids` the actor may see: one statement finds the kind of every id, then one
    /// scoped read per kind present reads them, exactly as `household(id:)` and the other reads do.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, NodeRecord>> {
        let scope = self.0;
        let mut of_kind: HashMap<NodeKind, Vec<Uuid>> = HashMap::new();
        for (id, kind) in node::kinds(scope.db(), ids).await? {
            of_kind.entry(kind).or_default().push(id);
        }
        let mut found = HashMap::with_capacity(ids.len());
        fn add<R>(
            found: &mut HashMap<Uuid, NodeRecord>,
            records: HashMap<Uuid, R>,
            wrap: fn(R) -> NodeRecord,
        ) {
            found.extend(records.into_iter().map(|(id, record)| (id, wrap(record))));
        }
        for (kind, ids) in of_kind {
            let records = &mut found;
            match kind {
                NodeKind::Ward => add(records, scope.wards().by_ids(&ids).await?, NodeRecord::Ward),
                NodeKind::Group => add(records, scope.groups().by_ids(&ids).await?, NodeRecord::Group),
                NodeKind::Household => {
                    add(records, scope.households().by_ids(&ids).await?, NodeRecord::Household)
                }
                NodeKind::Campaign => {
                    add(records, scope.campaigns().by_ids(&ids).await?, NodeRecord::Campaign)
                }
                NodeKind::Pledge => add(records, scope.pledges().by_ids(&ids).await?, NodeRecord::Pledge),
                NodeKind::GoodDeed => {
                    add(records, scope.good_deeds().by_ids(&ids).await?, NodeRecord::GoodDeed)
                }
                NodeKind::User => {
                    add(records, user::by_ids(scope.db(), scope.actor(), &ids).await?, NodeRecord::User)
                }
                NodeKind::AuditEvent => add(
                    records,
                    audit::by_ids(scope.db(), scope.actor(), &ids).await?,
                    NodeRecord::AuditEvent,
                ),
                NodeKind::IncidentTally => {
                    add(records, scope.incidents().by_ids(&ids).await?, NodeRecord::IncidentTally)
                }
                NodeKind::SelfManagementModel => add(
                    records,
                    scope.self_management_models().by_ids(&ids).await?,
                    NodeRecord::SelfManagementModel,
                ),
                NodeKind::Award => add(records, scope.awards().by_ids(&ids).await?, NodeRecord::Award),
                NodeKind::MovementEvent => {
                    add(records, scope.movement_events().by_ids(&ids).await?, NodeRecord::MovementEvent)
                }
                NodeKind::Survey => add(records, scope.surveys().by_ids(&ids).await?, NodeRecord::Survey),
                NodeKind::SurveyQuestion => {
                    add(records, scope.surveys().questions_by_ids(&ids).await?, NodeRecord::SurveyQuestion)
                }
                NodeKind::SurveyBallot => {
                    add(records, scope.surveys().ballots_by_ids(&ids).await?, NodeRecord::SurveyBallot)
                }
                NodeKind::GroupAssessment => {
                    add(records, scope.assessments().by_ids(&ids).await?, NodeRecord::GroupAssessment)
                }
            }
        }
        Ok(found)
    }
}
