//! What a phone sends for one pledge, and its checked form with the payload hash its idempotency key
//! is compared by.

use chrono::NaiveDate;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{KIND, MAX_NOTE_CHARS};
use crate::{
    domain::{campaign::parse_date, fields::Name},
    error::{AppError, AppResult},
};

/// A pledge as a phone sends it: ids and dates as text, so one malformed item fails alone.
#[derive(Debug, Clone)]
pub struct PledgeInput {
    /// UUID made on the phone: the idempotency key.
    pub client_mutation_id: String,
    /// The household.
    pub household_id: String,
    /// The campaign.
    pub campaign_id: String,
    /// Who signed.
    pub signer_name: String,
    /// The day of signing, `YYYY-MM-DD`.
    pub signed_on: String,
    /// Free note.
    pub note: Option<String>,
}

/// A checked pledge input.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub(super) client_mutation_id: Uuid,
    pub(super) household_id: Uuid,
    pub(super) campaign_id: Uuid,
    pub(super) signer_name: String,
    pub(super) signed_on: NaiveDate,
    pub(super) note: Option<String>,
    pub(super) payload_hash: String,
}

fn parse_uuid(text: &str, field: &str) -> AppResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| AppError::bad_input(field, format!("{field} is not a valid id")))
}

pub(super) fn parse(input: &PledgeInput) -> AppResult<Parsed> {
    let client_mutation_id = parse_uuid(&input.client_mutation_id, "clientMutationId")?;
    let household_id = parse_uuid(&input.household_id, "householdId")?;
    let campaign_id = parse_uuid(&input.campaign_id, "campaignId")?;
    let signer_name = Name::parse_as(&input.signer_name, "signer's name")
        .map_err(|m| AppError::bad_input("signerName", m))?;
    let signed_on = parse_date(&input.signed_on).map_err(|m| AppError::bad_input("signedOn", m))?;
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(AppError::bad_input(
            "note",
            format!("the note must be at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    let canonical =
        json!([KIND, household_id, campaign_id, signer_name.as_str(), signed_on, note]).to_string();
    let payload_hash = Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    Ok(Parsed {
        client_mutation_id,
        household_id,
        campaign_id,
        signer_name: signer_name.as_str().to_owned(),
        signed_on,
        note,
        payload_hash,
    })
}

impl Parsed {
    /// What the audit trail records of the pledge this input signs.
    pub(super) fn audit_summary(&self) -> serde_json::Value {
        json!({
            "householdId": self.household_id, "campaignId": self.campaign_id,
            "signerName": self.signer_name, "signedOn": self.signed_on,
            "clientMutationId": self.client_mutation_id,
        })
    }
}
