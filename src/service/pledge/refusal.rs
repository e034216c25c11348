//! Why a pledge is refused, worded once for both ways of recording one (the general path that decides
//! in memory, and the one-statement path on PostgreSQL), so both answer exactly alike.

use chrono::NaiveDate;
use sea_orm::ActiveEnum;
use uuid::Uuid;

use crate::{
    domain::{campaign::CampaignStatus, household::HouseholdStatus},
    error::AppError,
};

/// A `clientMutationId` already used by a different request.
pub(super) fn key_reused() -> AppError {
    AppError::Conflict {
        message: "this clientMutationId was already used for a different request".into(),
        extensions: vec![("field", "clientMutationId".into())],
    }
}

/// The household is not `ACTIVE`.
pub(super) fn household_inactive(status: HouseholdStatus) -> AppError {
    AppError::Conflict {
        message: format!("the household is {}: only active households sign", status.to_value()),
        extensions: vec![("field", "householdId".into())],
    }
}

/// The campaign is not `OPEN`.
pub(super) fn campaign_not_open(status: CampaignStatus) -> AppError {
    super::campaign_not_open(status, "are recorded", "campaignId")
}

/// The campaign is for another ward than the household's.
pub(super) fn campaign_of_another_ward() -> AppError {
    AppError::bad_input("campaignId", "the campaign is not for this household's ward")
}

/// The signing day lies outside the campaign.
pub(super) fn outside_campaign(starts_on: NaiveDate, ends_on: NaiveDate) -> AppError {
    AppError::bad_input("signedOn", format!("the campaign runs from {starts_on} to {ends_on}"))
}

/// The signing day is after today in Vietnam.
pub(super) fn in_future(signed_on: NaiveDate) -> AppError {
    AppError::bad_input("signedOn", format!("{signed_on} is in the future"))
}

/// The household has a signed pledge for the campaign already: `existing`.
pub(super) fn already_signed(existing: Uuid) -> AppError {
    AppError::Conflict {
        message: "this household has already signed for the campaign".into(),
        extensions: vec![("existingPledgeId", existing.to_string().into()), ("field", "householdId".into())],
    }
}
