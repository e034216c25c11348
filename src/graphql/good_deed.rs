//! Good deeds: the `GoodDeed` type, `goodDeeds`, `recordGoodDeed` and `verifyGoodDeed`.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};

use super::{
    connection::{GoodDeedConnection, page_request, to_connection},
    context::{optional_date, parse_id, scope, signed_in},
    group::ResidentialGroup,
    household::Household,
    pledge::Recorder,
    scalars::{Date, DateTime},
};
use crate::{
    error::{AppError, Missing},
    service::records::GoodDeedRecord,
    service::{self, good_deed::GoodDeedFilter},
};

/// What kind of good deed.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "GoodDeedCategory", remote = "crate::domain::campaign::GoodDeedCategory")]
pub enum GoodDeedCategory {
    /// Reported a crime or suspicious activity (tố giác tội phạm).
    CrimeReport,
    /// Fire prevention and fighting (phòng cháy chữa cháy).
    FirePrevention,
    /// Returned lost property (trả lại của rơi).
    LostPropertyReturned,
    /// Mediated a dispute (hòa giải mâu thuẫn).
    DisputeMediation,
    /// Helped someone released from prison resettle (giúp người chấp hành xong án phạt tù tái hòa nhập).
    ReintegrationSupport,
    /// Traffic safety (an toàn giao thông).
    TrafficSafety,
    /// Took part in a patrol (tuần tra).
    Patrol,
    /// Drug prevention (phòng chống ma túy).
    DrugPrevention,
    /// Anything else.
    Other,
}

/// Where a good deed stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "GoodDeedStatus", remote = "crate::domain::campaign::GoodDeedStatus")]
pub enum GoodDeedStatus {
    /// Recorded, not yet checked by the ward.
    Reported,
    /// Confirmed by a ward official.
    Verified,
    /// Not confirmed by a ward official.
    Rejected,
}

/// Something a household or group did for security and order.
pub struct GoodDeed(pub GoodDeedRecord);

/// Something a household or group did for security and order.
#[Object]
impl GoodDeed {
    /// Unique id, across every type: `node(id:)` fetches the good deed again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The residential group.
    async fn group(&self, ctx: &Context<'_>) -> Result<ResidentialGroup> {
        let group = signed_in(ctx)?.groups().load_one(self.0.group_id).await?;
        Ok(group.ok_or(AppError::NotFound(Missing::Group))?.into())
    }

    /// The household, when one household did it.
    async fn household(&self, ctx: &Context<'_>) -> Result<Option<Household>> {
        let Some(household_id) = self.0.household_id else { return Ok(None) };
        Ok(signed_in(ctx)?.households().load_one(household_id).await?.map(Household::from))
    }

    /// What kind.
    async fn category(&self) -> GoodDeedCategory {
        self.0.category.into()
    }

    /// When it happened.
    async fn occurred_on(&self) -> Date {
        Date::from(self.0.occurred_on)
    }

    /// What happened.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Where it stands.
    async fn status(&self) -> GoodDeedStatus {
        self.0.status.into()
    }

    /// Who recorded it.
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Recorder>> {
        recorder(ctx, self.0.recorded_by).await
    }

    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.0.recorded_at)
    }

    /// The official who verified or rejected it.
    async fn verified_by(&self, ctx: &Context<'_>) -> Result<Option<Recorder>> {
        recorder(ctx, self.0.verified_by).await
    }

    /// When it was verified or rejected.
    async fn verified_at(&self) -> Option<DateTime> {
        self.0.verified_at.map(DateTime)
    }

    /// The official's note.
    async fn verification_note(&self) -> Option<&str> {
        self.0.verification_note.as_deref()
    }

    /// The idempotency key it was recorded with.
    async fn client_mutation_id(&self) -> ID {
        ID(self.0.client_mutation_id.to_string())
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

async fn recorder(ctx: &Context<'_>, user_id: Option<uuid::Uuid>) -> Result<Option<Recorder>> {
    let Some(user_id) = user_id else { return Ok(None) };
    Recorder::load(ctx, user_id).await
}

/// A good deed as a phone sends it.
#[derive(InputObject)]
pub struct RecordGoodDeedInput {
    /// A UUID made on the phone: sending it again returns the same good deed and changes nothing.
    pub client_mutation_id: ID,
    /// The residential group.
    pub group_id: ID,
    /// The household, when one household did it (it must be in the group).
    pub household_id: Option<ID>,
    /// What kind.
    pub category: GoodDeedCategory,
    /// When it happened (not in the future).
    pub occurred_on: Date,
    /// What happened (1–2000 characters).
    pub description: String,
}

/// Narrows a list of good deeds.
#[derive(InputObject, Default)]
pub struct GoodDeedFilterInput {
    /// Of this group.
    pub group_id: Option<ID>,
    /// Of this household.
    pub household_id: Option<ID>,
    /// Of this category.
    pub category: Option<GoodDeedCategory>,
    /// In this status.
    pub status: Option<GoodDeedStatus>,
    /// Happened on or after this day.
    pub from: Option<Date>,
    /// Happened on or before this day.
    pub to: Option<Date>,
}

impl GoodDeedFilterInput {
    /// The service filter, with ids checked.
    pub fn parse(self) -> Result<GoodDeedFilter, AppError> {
        Ok(GoodDeedFilter {
            group_id: self.group_id.as_ref().map(|id| parse_id(id, "filter.groupId")).transpose()?,
            household_id: self
                .household_id
                .as_ref()
                .map(|id| parse_id(id, "filter.householdId"))
                .transpose()?,
            category: self.category.map(Into::into),
            status: self.status.map(Into::into),
            from: optional_date(self.from.as_ref(), "filter.from")?,
            to: optional_date(self.to.as_ref(), "filter.to")?,
        })
    }
}

/// Queries on good deeds.
#[derive(Default)]
pub struct GoodDeedQuery;

#[Object]
impl GoodDeedQuery {
    /// The good deeds the caller may see, newest recorded first.
    async fn good_deeds(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrow the list.")] filter: Option<GoodDeedFilterInput>,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<GoodDeedConnection> {
        let scope = scope(ctx)?;
        let filter = filter.unwrap_or_default().parse()?;
        let page_request = page_request(ctx, first, after, last, before)?;
        let page = scope.good_deeds().list(&filter, &page_request).await?;
        Ok(to_connection(page, service::good_deed::cursor, GoodDeed))
    }
}

/// Mutations on good deeds.
#[derive(Default)]
pub struct GoodDeedMutation;

#[Object]
impl GoodDeedMutation {
    /// Records a good deed as `REPORTED`. The same `clientMutationId` again returns the same deed; with
    /// a different payload it is `CONFLICT`.
    async fn record_good_deed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The good deed.")] input: RecordGoodDeedInput,
    ) -> Result<GoodDeed> {
        let scope = scope(ctx)?;
        let new = service::good_deed::NewGoodDeed {
            client_mutation_id: parse_id(&input.client_mutation_id, "clientMutationId")?,
            group_id: parse_id(&input.group_id, "groupId")?,
            household_id: input.household_id.as_ref().map(|id| parse_id(id, "householdId")).transpose()?,
            category: input.category.into(),
            occurred_on: input.occurred_on.checked("occurredOn")?,
            description: input.description,
        };
        Ok(GoodDeed(scope.good_deeds().record(new).await?))
    }

    /// Verifies (`approve: true`) or rejects a reported good deed, once: ward officials of its ward
    /// and administrators.
    async fn verify_good_deed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The good deed.")] id: ID,
        #[graphql(desc = "True to verify, false to reject.")] approve: bool,
        #[graphql(desc = "The official's note.")] note: Option<String>,
    ) -> Result<GoodDeed> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        Ok(GoodDeed(scope.good_deeds().verify(id, approve, note).await?))
    }
}
