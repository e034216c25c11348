//! `satisfaction_survey`: a residents' satisfaction survey of the ward police.

use sea_orm::entity::prelude::*;

use crate::domain::survey::SurveyStatus;

/// A stored survey.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "satisfaction_survey")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The ward whose police it is about.
    pub ward_id: Uuid,
    /// Title.
    pub title: String,
    /// The day the ballots were filled in.
    pub conducted_on: Date,
    /// The festival or forum it was taken at.
    pub event_id: Option<Uuid>,
    /// Draft, open or closed.
    pub status: SurveyStatus,
    /// Bumped by every change (optimistic concurrency).
    pub version: i32,
    /// The user who created it.
    pub created_by: Option<Uuid>,
    /// The idempotency key it was created with.
    pub client_mutation_id: Uuid,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Surveys relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
