//! The rows services hand to the layers above, named for the domain: plain data to read. How they are
//! queried and stored (entities, columns, active models) stays in the service layer.

pub use crate::entities::{
    app_user::Model as UserRecord, audit_event::Model as AuditEventRecord, award::Model as AwardRecord,
    campaign::Model as CampaignRecord, good_deed::Model as GoodDeedRecord,
    group_assessment::Model as GroupAssessmentRecord, household::Model as HouseholdRecord,
    incident_tally::Model as IncidentTallyRecord, movement_event::Model as MovementEventRecord,
    pledge::Model as PledgeRecord, residential_group::Model as GroupRecord,
    role_assignment::Model as RoleAssignmentRecord,
    self_management_model::Model as SelfManagementModelRecord,
    survey_question::Model as SurveyQuestionRecord, ward::Model as WardRecord,
};
pub use crate::service::survey::{AnswerRecord, BallotRecord, SurveyRecord};
