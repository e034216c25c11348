//! `login_failure`: one row per failed login, read to throttle sign-in across server processes.

use sea_orm::entity::prelude::*;

/// A failed login.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failure")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Hex SHA-256 of the folded username as typed.
    pub username_hash: String,
    /// The client address, as text.
    pub address: String,
    /// When.
    pub failed_at: DateTimeUtc,
}

/// Failures relate to nothing the application navigates.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
