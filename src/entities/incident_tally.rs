//! `incident_tally`: how many incidents of one category a ward counted in one month.

use sea_orm::entity::prelude::*;

use crate::domain::incident::IncidentCategory;

/// A stored monthly tally.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incident_tally")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The ward.
    pub ward_id: Uuid,
    /// The first day of the month counted.
    pub month: Date,
    /// What kind of incident.
    pub category: IncidentCategory,
    /// How many, 0 to 100,000.
    pub count: i32,
    /// The month and the category's place (`2023-07/1`): the order of a ward's list.
    pub sort_key: String,
    /// Bumped by every change of the count.
    pub version: i32,
    /// When it was first recorded.
    pub created_at: DateTimeUtc,
    /// When its count last changed.
    pub updated_at: DateTimeUtc,
}

/// Tallies relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
