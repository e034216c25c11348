//! `app_user`: a person who signs in.

use sea_orm::entity::prelude::*;

/// A stored user.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// As the user typed it.
    pub username: String,
    /// Lower-cased, for case-insensitive uniqueness and lookup.
    pub username_key: String,
    /// Name shown in the app.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Inactive users cannot sign in and their tokens stop working.
    pub active: bool,
    /// Access tokens carry it; bumping it revokes them.
    pub token_version: i32,
    /// When the user was created.
    pub created_at: DateTimeUtc,
    /// When the user last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a user.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The user's role assignments.
    #[sea_orm(has_many = "super::role_assignment::Entity")]
    RoleAssignment,
}

impl Related<super::role_assignment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RoleAssignment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
