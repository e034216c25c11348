//! Pledges: the `Pledge` type, `recordPledge`, `recordPledges` (per-item results) and `withdrawPledge`.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};

use super::{
    campaign::Campaign,
    context::{parse_id, scope, signed_in},
    household::Household,
    scalars::{Date, DateTime},
};
use crate::{
    error::{AppError, Missing},
    service::pledge::PledgeInput,
    service::records::PledgeRecord,
};

/// Whether a household's pledge stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "PledgeStatus", remote = "crate::domain::campaign::PledgeStatus")]
pub enum PledgeStatus {
    /// Signed: the household counts as covered.
    Signed,
    /// Withdrawn; the household may sign again.
    Withdrawn,
}

/// A household's signature for a campaign.
pub struct Pledge(pub PledgeRecord);

/// A household's signature for a campaign.
#[Object]
impl Pledge {
    /// Unique id, across every type: `node(id:)` fetches the pledge again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The household that signed.
    async fn household(&self, ctx: &Context<'_>) -> Result<Household> {
        let household = signed_in(ctx)?.households().load_one(self.0.household_id).await?;
        Ok(household.ok_or(AppError::NotFound(Missing::Household))?.into())
    }

    /// The campaign.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Campaign> {
        let campaign = signed_in(ctx)?.campaigns().load_one(self.0.campaign_id).await?;
        Ok(Campaign(campaign.ok_or(AppError::NotFound(Missing::Campaign))?))
    }

    /// Who signed for the household.
    async fn signer_name(&self) -> &str {
        &self.0.signer_name
    }

    /// The day of signing (Vietnam's date).
    async fn signed_on(&self) -> Date {
        Date::from(self.0.signed_on)
    }

    /// Free note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// Whether it stands.
    async fn status(&self) -> PledgeStatus {
        self.0.status.into()
    }

    /// Why it was withdrawn.
    async fn withdrawn_reason(&self) -> Option<&str> {
        self.0.withdrawn_reason.as_deref()
    }

    /// Who recorded it.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Recorder>> {
        let Some(user_id) = self.0.recorded_by else { return Ok(None) };
        Recorder::load(ctx, user_id).await
    }

    /// When it was recorded as signed.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.0.recorded_at)
    }

    /// The idempotency key it was (last) signed with.
    async fn client_mutation_id(&self) -> ID {
        ID(self.0.client_mutation_id.to_string())
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// The user who recorded or verified something: their name, shown to whoever sees the row even when the
/// user lies outside the reader's scope. Not an object of its own, so it has no `id`: `userId` is the
/// `User`'s id, which `node` answers for callers who may see that user.
#[derive(SimpleObject)]
pub struct Recorder {
    /// The id of the `User` who did it.
    pub user_id: ID,
    /// The user's display name.
    pub display_name: String,
}

impl Recorder {
    /// The recorder `user_id`, if the user exists.
    pub(super) async fn load(ctx: &Context<'_>, user_id: uuid::Uuid) -> Result<Option<Self>> {
        let name = signed_in(ctx)?.recorders().load_one(user_id).await?;
        Ok(name.map(|display_name| Recorder { user_id: ID(user_id.to_string()), display_name }))
    }
}

/// A household's signature as a phone sends it. Ids and the date are checked item by item, so in
/// `recordPledges` one malformed item fails alone.
#[derive(InputObject, Clone)]
pub struct RecordPledgeInput {
    /// A UUID made on the phone for this signature: sending it again (after a lost answer) returns
    /// the same pledge and changes nothing.
    pub client_mutation_id: ID,
    /// The household.
    pub household_id: ID,
    /// The campaign (it must be `OPEN`).
    pub campaign_id: ID,
    /// Who signed for the household (1–200 characters).
    pub signer_name: String,
    /// The day of signing: within the campaign and not after today in Vietnam.
    pub signed_on: Date,
    /// Free note (at most 500 characters).
    pub note: Option<String>,
}

impl From<RecordPledgeInput> for PledgeInput {
    fn from(input: RecordPledgeInput) -> Self {
        Self {
            client_mutation_id: input.client_mutation_id.0,
            household_id: input.household_id.0,
            campaign_id: input.campaign_id.0,
            signer_name: input.signer_name,
            signed_on: input.signed_on.into_text(),
            note: input.note,
        }
    }
}

/// Why one item of a batch failed.
#[derive(SimpleObject)]
pub struct ItemError {
    /// The same codes as top-level errors (`BAD_USER_INPUT`, `CONFLICT`, `NOT_FOUND`, …).
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// The input field at fault, when there is one.
    pub field: Option<String>,
    /// For an already signed household, the pledge that stands.
    pub existing_pledge_id: Option<ID>,
}

impl From<AppError> for ItemError {
    fn from(err: AppError) -> Self {
        err.log();
        Self {
            code: err.code().as_str().to_owned(),
            message: err.message(),
            field: err.item_field(),
            existing_pledge_id: err.extension_text("existingPledgeId").map(ID),
        }
    }
}

/// The outcome of one item of `recordPledges`: the pledge, or why not.
#[derive(SimpleObject)]
pub struct PledgeResult {
    /// The item's `clientMutationId`, as sent.
    pub client_mutation_id: ID,
    /// The pledge, when the item succeeded (or had succeeded before).
    pub pledge: Option<Pledge>,
    /// Why the item failed.
    pub error: Option<ItemError>,
}

/// Mutations on pledges.
#[derive(Default)]
pub struct PledgeMutation;

#[Object]
impl PledgeMutation {
    /// Records a household's signature. Sending the same `clientMutationId` again returns the same
    /// pledge; with a different payload it is `CONFLICT`. A household that already signed is
    /// `CONFLICT` with `extensions.existingPledgeId`.
    async fn record_pledge(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signature.")] input: RecordPledgeInput,
    ) -> Result<Pledge> {
        Ok(Pledge(scope(ctx)?.pledges().record(&input.into()).await?))
    }

    /// Records up to 500 signatures (a phone back online): one result per input, in input order. A bad
    /// item does not stop the others; sending the same batch again changes nothing and answers the same.
    async fn record_pledges(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signatures, at most 500.")] inputs: Vec<RecordPledgeInput>,
    ) -> Result<Vec<PledgeResult>> {
        let ids: Vec<ID> = inputs.iter().map(|i| i.client_mutation_id.clone()).collect();
        let items: Vec<PledgeInput> = inputs.into_iter().map(PledgeInput::from).collect();
        let results = scope(ctx)?.pledges().record_many(&items).await?;
        Ok(ids
            .into_iter()
            .zip(results)
            .map(|(client_mutation_id, result)| match result {
                Ok(pledge) => PledgeResult { client_mutation_id, pledge: Some(Pledge(pledge)), error: None },
                Err(err) => PledgeResult { client_mutation_id, pledge: None, error: Some(err.into()) },
            })
            .collect())
    }

    /// Withdraws a signed pledge while its campaign is open; the household may sign again later.
    async fn withdraw_pledge(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pledge.")] id: ID,
        #[graphql(desc = "Why (at most 500 characters).")] reason: Option<String>,
    ) -> Result<Pledge> {
        let id = parse_id(&id, "id")?;
        Ok(Pledge(scope(ctx)?.pledges().withdraw(id, reason).await?))
    }
}
