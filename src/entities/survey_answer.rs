//! `survey_answer`: a ballot's rating of one question, with the ballot's survey and group beside it so
//! results are counted from this table alone.

use sea_orm::entity::prelude::*;

use crate::domain::survey::SatisfactionLevel;

/// A stored answer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_answer")]
pub struct Model {
    /// The ballot.
    #[sea_orm(primary_key, auto_increment = false)]
    pub ballot_id: Uuid,
    /// The question.
    #[sea_orm(primary_key, auto_increment = false)]
    pub question_id: Uuid,
    /// The ballot's survey.
    pub survey_id: Uuid,
    /// The ballot's group.
    pub group_id: Uuid,
    /// How satisfied.
    pub rating: SatisfactionLevel,
}

/// Answers relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
