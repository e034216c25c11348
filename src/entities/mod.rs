//! sea-orm entities: the tables as stored. They are never exposed as GraphQL types; `graphql/` has its own.

pub mod app_user;
pub mod audit_event;
pub mod award;
pub mod campaign;
pub mod campaign_group_coverage;
pub mod change_log;
pub mod client_mutation;
pub mod good_deed;
pub mod group_assessment;
pub mod group_coverage;
pub mod household;
pub mod incident_tally;
pub mod login_failure;
pub mod movement_event;
pub mod pledge;
pub mod refresh_token;
pub mod residential_group;
pub mod role_assignment;
pub mod satisfaction_survey;
pub mod self_management_model;
pub mod survey_answer;
pub mod survey_ballot;
pub mod survey_question;
pub mod ward;
pub mod ward_setting;
