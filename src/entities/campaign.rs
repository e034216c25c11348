//! `campaign`: one year's pledge drive, for one ward or for all.

use sea_orm::entity::prelude::*;

use crate::domain::campaign::CampaignStatus;

/// A stored campaign.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The year it is for.
    pub year: i32,
    /// Title, e.g. "Toàn dân bảo vệ an ninh Tổ quốc năm 2023".
    pub title: String,
    /// First day pledges may be signed.
    pub starts_on: Date,
    /// Last day pledges may be signed.
    pub ends_on: Date,
    /// Draft, open or closed.
    pub status: CampaignStatus,
    /// JSON array of the commitments, in order.
    pub pledge_items: String,
    /// The ward it is for; none for every ward.
    pub ward_id: Option<Uuid>,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Campaigns relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
