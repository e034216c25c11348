//! `refresh_token`: a long-lived session credential, stored as a SHA-256 hash, rotated on every use.

use sea_orm::entity::prelude::*;

/// A stored refresh token.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_token")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Whose session it is.
    pub user_id: Uuid,
    /// Shared by every token rotated from one login.
    pub family_id: Uuid,
    /// Hex SHA-256 of the token; the token itself is never stored.
    pub token_hash: String,
    /// After this it no longer refreshes.
    pub expires_at: DateTimeUtc,
    /// When it was issued.
    pub created_at: DateTimeUtc,
    /// When it was revoked or rotated.
    pub revoked_at: Option<DateTimeUtc>,
    /// The token that replaced it on rotation.
    pub replaced_by: Option<Uuid>,
}

/// Refresh tokens relate to nothing the application navigates.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
