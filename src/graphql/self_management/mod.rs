//! Self-management models: the `SelfManagementModel` type and its enums; `operations` holds
//! `selfManagementModels`, `createSelfManagementModel` and `updateSelfManagementModel`.

mod operations;

use async_graphql::{Context, Enum, ID, Object, Result};

pub use operations::{SelfManagementMutation, SelfManagementQuery};

use super::{
    context::signed_in,
    group::ResidentialGroup,
    household::Household,
    pledge::Recorder,
    scalars::{Date, DateTime},
    ward::Ward,
};
use crate::{
    error::{AppError, Missing},
    service::{records::SelfManagementModelRecord, self_management::listed_households},
};

/// What kind of self-management model residents run.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ModelKind", remote = "crate::domain::movement::ModelKind")]
pub enum ModelKind {
    /// Helping people released from prison or pardoned to resettle (cảm hóa, giáo dục, giúp đỡ người
    /// được tha tù, đặc xá).
    Reintegration,
    /// Security cameras watched by residents and the police (camera giám sát an ninh).
    SecurityCameras,
    /// A channel where residents report security and order matters, such as a Zalo group.
    ReportingChannel,
    /// Neighbouring households keeping each other safe from fire (tổ liên gia an toàn PCCC).
    FireSafetyGroup,
    /// A public fire point (điểm chữa cháy công cộng).
    PublicFirePoint,
    /// Anything else.
    Other,
}

/// Where a self-management model stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ModelStatus", remote = "crate::domain::movement::ModelStatus")]
pub enum ModelStatus {
    /// Running.
    Active,
    /// Paused; may run again.
    Suspended,
    /// Finished on its `endedOn` day.
    Ended,
}

/// A self-management model on security and order (mô hình tự quản) that residents run, across a ward
/// or in one residential group.
pub struct SelfManagementModel(pub SelfManagementModelRecord);

/// A self-management model on security and order (mô hình tự quản) that residents run, across a ward
/// or in one residential group.
#[Object]
impl SelfManagementModel {
    /// Unique id, across every type: `node(id:)` fetches the model again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The ward.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        let ward = signed_in(ctx)?.wards().load_one(self.0.ward_id).await?;
        Ok(ward.ok_or(AppError::NotFound(Missing::Ward))?.into())
    }

    /// The residential group that runs it; null for a ward-wide model.
    async fn group(&self, ctx: &Context<'_>) -> Result<Option<ResidentialGroup>> {
        let Some(group_id) = self.0.group_id else { return Ok(None) };
        Ok(signed_in(ctx)?.groups().load_one(group_id).await?.map(ResidentialGroup::from))
    }

    /// Name, e.g. "Điểm chữa cháy công cộng".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What kind.
    async fn kind(&self) -> ModelKind {
        self.0.kind.into()
    }

    /// The day it started.
    async fn started_on(&self) -> Date {
        Date::from(self.0.started_on)
    }

    /// The day it ended (or is planned to end); always set once `ENDED`.
    async fn ended_on(&self) -> Option<Date> {
        self.0.ended_on.map(Date::from)
    }

    /// Where it stands.
    async fn status(&self) -> ModelStatus {
        self.0.status.into()
    }

    /// What it does.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// How many households take part.
    async fn participating_household_count(&self) -> i32 {
        self.0.participating_household_count
    }

    /// The households of its group listed as taking part (those the caller may see), in the order
    /// listed; empty when the group gave only a count.
    async fn participating_households(&self, ctx: &Context<'_>) -> Result<Vec<Household>> {
        let ids = listed_households(&self.0)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = signed_in(ctx)?.households().load_many(ids.iter().copied()).await?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).map(Household::from).collect())
    }

    /// How many units it has (cameras, fire points), when that applies.
    async fn unit_count(&self) -> Option<i32> {
        self.0.unit_count
    }

    /// Version for optimistic concurrency: send it as `expectedVersion` when changing the model.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The idempotency key it was created with.
    async fn client_mutation_id(&self) -> ID {
        ID(self.0.client_mutation_id.to_string())
    }

    /// Who created it.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Recorder>> {
        let Some(user_id) = self.0.recorded_by else { return Ok(None) };
        Recorder::load(ctx, user_id).await
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}
