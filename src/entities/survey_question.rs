//! `survey_question`: one question of a survey, in its place on the ballot.

use sea_orm::entity::prelude::*;

/// A stored question.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_question")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The survey.
    pub survey_id: Uuid,
    /// Its place on the ballot, from 1.
    pub position: i32,
    /// What the ballot asks.
    pub text: String,
}

/// Questions relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
