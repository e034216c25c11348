//! `survey_ballot`: one paper ballot as typed in, tied to a residential group and to nobody: neither a
//! household, a person, nor the user who typed it.

use sea_orm::entity::prelude::*;

/// A stored ballot.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_ballot")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The survey.
    pub survey_id: Uuid,
    /// The residential group whose residents filled it in.
    pub group_id: Uuid,
    /// When it was typed in.
    pub recorded_at: DateTimeUtc,
}

/// Ballots relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
