//! Pledges recorded from phones that retry and go offline.
//!
//! One path serves `recordPledge` and `recordPledges`: a batch is read in a few queries (idempotency
//! keys, households, campaigns, existing pledges), every item is decided in memory in input order, and
//! the good ones are written together with their idempotency keys, audit events and change-log rows in
//! one transaction. When a concurrent writer wins a race (a unique key fails), the whole batch is
//! decided again against what is now committed, so each item is written exactly once.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Select, SqlErr, sea_query::Expr,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    audit::AuditEntry,
    changes::{Change, EntityType},
};
use crate::{
    auth::Actor,
    domain::{
        campaign::{CampaignStatus, PledgeStatus, parse_date},
        fields::Name,
        household::HouseholdStatus,
    },
    entities::{campaign, client_mutation, household, pledge},
    error::{AppError, AppResult, Missing},
};

/// Most items one `recordPledges` call may carry.
pub const MAX_BATCH: usize = 500;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 500;
const KIND: &str = "pledge";
const ATTEMPTS: usize = 4;

/// The pledges `actor` may see: those of the households they may see.
pub(crate) fn visible(actor: &Actor) -> Select<pledge::Entity> {
    super::group::in_visible_groups(pledge::Entity::find(), actor, pledge::Column::GroupId)
}

/// One pledge, or `NOT_FOUND`.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> AppResult<pledge::Model> {
    visible(actor).filter(pledge::Column::Id.eq(id)).one(db).await?.ok_or(AppError::NotFound(Missing::Pledge))
}

/// The pledges of each of `household_ids` the actor may see, newest campaign first (for dataloaders).
pub async fn of_households(
    db: &impl ConnectionTrait,
    actor: &Actor,
    household_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<pledge::Model>>> {
    let rows = visible(actor)
        .filter(pledge::Column::HouseholdId.is_in(household_ids.iter().copied()))
        .order_by_desc(pledge::Column::CampaignId)
        .all(db)
        .await?;
    let mut by_household: HashMap<Uuid, Vec<pledge::Model>> = HashMap::new();
    for row in rows {
        by_household.entry(row.household_id).or_default().push(row);
    }
    Ok(by_household)
}

/// The pledges among `ids` the actor may see.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, pledge::Model>> {
    let rows = visible(actor).filter(pledge::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|p| (p.id, p)).collect())
}

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
struct Parsed {
    client_mutation_id: Uuid,
    household_id: Uuid,
    campaign_id: Uuid,
    signer_name: String,
    signed_on: NaiveDate,
    note: Option<String>,
    payload_hash: String,
}

fn parse_uuid(text: &str, field: &str) -> AppResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| AppError::bad_input(field, format!("{field} is not a valid id")))
}

fn parse(input: &PledgeInput) -> AppResult<Parsed> {
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

/// What a batch needs to know, read in a handful of queries.
struct Known {
    keys: HashMap<Uuid, client_mutation::Model>,
    households: HashMap<Uuid, household::Model>,
    ward_of_group: HashMap<Uuid, Uuid>,
    campaigns: HashMap<Uuid, campaign::Model>,
    /// Current pledges by (household, campaign), and by id (including the targets of known keys).
    pledges: HashMap<(Uuid, Uuid), Uuid>,
    pledge_rows: HashMap<Uuid, pledge::Model>,
}

async fn load_known(db: &impl ConnectionTrait, actor: &Actor, items: &[&Parsed]) -> AppResult<Known> {
    let ids = |f: fn(&Parsed) -> Uuid| {
        let mut ids: Vec<Uuid> = items.iter().map(|p| f(p)).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let (key_ids, household_ids, campaign_ids) =
        (ids(|p| p.client_mutation_id), ids(|p| p.household_id), ids(|p| p.campaign_id));
    let keys: HashMap<Uuid, client_mutation::Model> = client_mutation::Entity::find()
        .filter(client_mutation::Column::Id.is_in(key_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|k| (k.id, k))
        .collect();
    let households: HashMap<Uuid, household::Model> = super::household::visible(actor)
        .filter(household::Column::Id.is_in(household_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let mut ward_of_group: HashMap<Uuid, Uuid> = HashMap::new();
    for group_id in households.values().map(|h| h.group_id) {
        if let std::collections::hash_map::Entry::Vacant(entry) = ward_of_group.entry(group_id) {
            entry.insert(super::group::ward_of(db, group_id).await?);
        }
    }
    let campaigns = super::campaign::by_ids(db, actor, &campaign_ids).await?;
    let replayed: Vec<Uuid> = keys.values().map(|k| k.target_id).collect();
    let rows = visible(actor)
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(pledge::Column::HouseholdId.is_in(household_ids))
                        .add(pledge::Column::CampaignId.is_in(campaign_ids)),
                )
                .add(pledge::Column::Id.is_in(replayed)),
        )
        .all(db)
        .await?;
    let pledges = rows.iter().map(|p| ((p.household_id, p.campaign_id), p.id)).collect();
    let pledge_rows = rows.into_iter().map(|p| (p.id, p)).collect();
    Ok(Known { keys, households, ward_of_group, campaigns, pledges, pledge_rows })
}

/// What to do with one item.
enum Decision {
    /// Answer with this pledge (a retry, or the item failed).
    Answer(AppResult<Uuid>),
    /// Write this pledge (new, or a withdrawn one signed again).
    Write { pledge: pledge::Model, is_new: bool, ward_id: Uuid },
}

/// The answer to a `clientMutationId` already used by a different request.
fn key_reused() -> AppError {
    AppError::Conflict {
        message: "this clientMutationId was already used for a different request".into(),
        extensions: vec![("field", "clientMutationId".into())],
    }
}

/// What to do with one item, against what the batch knows (earlier items of the batch included).
fn decide(item: &Parsed, known: &Known, actor: &Actor, today: NaiveDate) -> Decision {
    if let Some(key) = known.keys.get(&item.client_mutation_id) {
        let same = key.kind == KIND
            && key.payload_hash == item.payload_hash
            && known.pledge_rows.contains_key(&key.target_id);
        return Decision::Answer(if same { Ok(key.target_id) } else { Err(key_reused()) });
    }
    decide_unkeyed(item, known, actor, today).unwrap_or_else(|err| Decision::Answer(Err(err)))
}

/// The household, the campaign and the household's ward of an item, once the household may sign for
/// the campaign on the item's day.
fn eligible<'k>(
    item: &Parsed,
    known: &'k Known,
    today: NaiveDate,
) -> AppResult<(&'k household::Model, &'k campaign::Model, Uuid)> {
    let household = known.households.get(&item.household_id).ok_or(AppError::NotFound(Missing::Household))?;
    if household.status != HouseholdStatus::Active {
        return Err(AppError::Conflict {
            message: format!("the household is {}: only active households sign", household.status.to_value()),
            extensions: vec![("field", "householdId".into())],
        });
    }
    let campaign = known.campaigns.get(&item.campaign_id).ok_or(AppError::NotFound(Missing::Campaign))?;
    if campaign.status != CampaignStatus::Open {
        return Err(AppError::Conflict {
            message: format!(
                "the campaign is {}: pledges are recorded only while it is {}",
                campaign.status.to_value(),
                CampaignStatus::Open.to_value()
            ),
            extensions: vec![("field", "campaignId".into())],
        });
    }
    let ward_id = *known
        .ward_of_group
        .get(&household.group_id)
        .ok_or_else(|| AppError::internal("household without a group"))?;
    if campaign.ward_id.is_some_and(|w| w != ward_id) {
        return Err(AppError::bad_input("campaignId", "the campaign is not for this household's ward"));
    }
    if item.signed_on < campaign.starts_on || item.signed_on > campaign.ends_on {
        return Err(AppError::bad_input(
            "signedOn",
            format!("the campaign runs from {} to {}", campaign.starts_on, campaign.ends_on),
        ));
    }
    if item.signed_on > today {
        return Err(AppError::bad_input("signedOn", format!("{} is in the future", item.signed_on)));
    }
    Ok((household, campaign, ward_id))
}

/// An item whose `clientMutationId` is not known yet: a refusal, a replay of a concurrent retry, or
/// the pledge to write.
fn decide_unkeyed(item: &Parsed, known: &Known, actor: &Actor, today: NaiveDate) -> AppResult<Decision> {
    let (household, campaign, ward_id) = eligible(item, known, today)?;
    let now = super::now();
    let existing = known.pledges.get(&(household.id, campaign.id)).and_then(|id| known.pledge_rows.get(id));
    let (id, is_new) = match existing {
        // The same request, committed by a concurrent retry between two of this batch's reads
        // (each statement sees the latest commits): answer as a replay.
        Some(existing)
            if existing.status == PledgeStatus::Signed
                && existing.client_mutation_id == item.client_mutation_id =>
        {
            let same = existing.signer_name == item.signer_name
                && existing.signed_on == item.signed_on
                && existing.note == item.note;
            return if same { Ok(Decision::Answer(Ok(existing.id))) } else { Err(key_reused()) };
        }
        Some(existing) if existing.status == PledgeStatus::Signed => {
            return Err(AppError::Conflict {
                message: "this household has already signed for the campaign".into(),
                extensions: vec![
                    ("existingPledgeId", existing.id.to_string().into()),
                    ("field", "householdId".into()),
                ],
            });
        }
        Some(withdrawn) => (withdrawn.id, false),
        None => (Uuid::now_v7(), true),
    };
    Ok(Decision::Write {
        pledge: pledge::Model {
            id,
            household_id: household.id,
            campaign_id: campaign.id,
            group_id: household.group_id,
            signer_name: item.signer_name.clone(),
            signed_on: item.signed_on,
            note: item.note.clone(),
            status: PledgeStatus::Signed,
            withdrawn_reason: None,
            recorded_by: Some(actor.user_id).filter(|id| !id.is_nil()),
            recorded_at: now,
            client_mutation_id: item.client_mutation_id,
            updated_at: now,
        },
        is_new,
        ward_id,
    })
}

/// Why one attempt at a batch stopped.
enum Stop {
    /// A concurrent writer took a unique key first: decide again.
    Raced,
    /// Anything else.
    Failed(AppError),
}

impl From<DbErr> for Stop {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Stop::Raced,
            _ => Stop::Failed(err.into()),
        }
    }
}

impl From<AppError> for Stop {
    fn from(err: AppError) -> Self {
        Stop::Failed(err)
    }
}

/// Records a batch; one result per input, in input order.
#[tracing::instrument(skip(db, actor, inputs), fields(items = inputs.len()))]
pub async fn record_many(
    db: &DatabaseConnection,
    actor: &Actor,
    inputs: &[PledgeInput],
    today: NaiveDate,
) -> AppResult<Vec<AppResult<pledge::Model>>> {
    if inputs.len() > MAX_BATCH {
        return Err(AppError::bad_input("inputs", format!("send at most {MAX_BATCH} pledges per call")));
    }
    let parsed: Vec<AppResult<Parsed>> = inputs.iter().map(parse).collect();
    for _ in 0..ATTEMPTS {
        match attempt(db, actor, &parsed, today).await {
            Ok(results) => return Ok(results),
            Err(Stop::Raced) => continue,
            Err(Stop::Failed(err)) => return Err(err),
        }
    }
    Err(AppError::conflict("too many concurrent changes to these households; send the pledges again"))
}

async fn attempt(
    db: &DatabaseConnection,
    actor: &Actor,
    parsed: &[AppResult<Parsed>],
    today: NaiveDate,
) -> Result<Vec<AppResult<pledge::Model>>, Stop> {
    let txn = super::begin_write(db).await?;
    let items: Vec<&Parsed> = parsed.iter().filter_map(|p| p.as_ref().ok()).collect();
    let mut known = load_known(&txn, actor, &items).await?;

    let mut answers: Vec<AppResult<Uuid>> = Vec::with_capacity(parsed.len());
    let mut written: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    let (mut inserts, mut resigned, mut keys, mut audits, mut changes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for item in parsed {
        let item = match item {
            Ok(item) => item,
            Err(err) => {
                answers.push(Err(err.clone()));
                continue;
            }
        };
        match decide(item, &known, actor, today) {
            Decision::Answer(answer) => answers.push(answer),
            Decision::Write { pledge, is_new, ward_id } => {
                let key = client_mutation::Model {
                    id: item.client_mutation_id,
                    user_id: Some(actor.user_id).filter(|id| !id.is_nil()),
                    kind: KIND.to_owned(),
                    payload_hash: item.payload_hash.clone(),
                    target_id: pledge.id,
                    created_at: pledge.recorded_at,
                };
                audits.push(AuditEntry {
                    action: if is_new { "pledge.record" } else { "pledge.sign_again" },
                    target_type: "pledge",
                    target_id: Some(pledge.id),
                    ward_id: Some(ward_id),
                    summary: json!({
                        "householdId": pledge.household_id, "campaignId": pledge.campaign_id,
                        "signerName": pledge.signer_name, "signedOn": pledge.signed_on,
                        "clientMutationId": pledge.client_mutation_id,
                    }),
                });
                changes.push(Change {
                    entity_type: EntityType::Pledge,
                    entity_id: pledge.id,
                    group_id: pledge.group_id,
                    ward_id,
                });
                // Later items of the batch see this one as signed, and its key as used.
                known.pledges.insert((pledge.household_id, pledge.campaign_id), pledge.id);
                known.pledge_rows.insert(pledge.id, pledge.clone());
                known.keys.insert(key.id, key.clone());
                keys.push(key);
                answers.push(Ok(pledge.id));
                written.insert(pledge.id);
                if is_new { inserts.push(pledge) } else { resigned.push(pledge) }
            }
        }
    }

    if !inserts.is_empty() {
        pledge::Entity::insert_many(inserts.into_iter().map(pledge::ActiveModel::from)).exec(&txn).await?;
    }
    for pledge in resigned {
        pledge::Entity::update_many()
            .col_expr(pledge::Column::Status, Expr::value(pledge.status))
            .col_expr(pledge::Column::SignerName, Expr::value(pledge.signer_name.clone()))
            .col_expr(pledge::Column::SignedOn, Expr::value(pledge.signed_on))
            .col_expr(pledge::Column::Note, Expr::value(pledge.note.clone()))
            .col_expr(pledge::Column::WithdrawnReason, Expr::value(Option::<String>::None))
            .col_expr(pledge::Column::RecordedBy, Expr::value(pledge.recorded_by))
            .col_expr(pledge::Column::RecordedAt, Expr::value(pledge.recorded_at))
            .col_expr(pledge::Column::ClientMutationId, Expr::value(pledge.client_mutation_id))
            .col_expr(pledge::Column::UpdatedAt, Expr::value(pledge.updated_at))
            .filter(pledge::Column::Id.eq(pledge.id))
            .filter(pledge::Column::Status.eq(PledgeStatus::Withdrawn))
            .exec(&txn)
            .await
            .map_err(Stop::from)
            .and_then(|r| if r.rows_affected == 1 { Ok(()) } else { Err(Stop::Raced) })?;
    }
    if !keys.is_empty() {
        client_mutation::Entity::insert_many(keys.into_iter().map(client_mutation::ActiveModel::from))
            .exec(&txn)
            .await?;
    }
    super::audit::record_many(&txn, Some(actor.user_id), audits).await?;
    super::changes::record_many(&txn, &changes).await?;
    // Every written pledge is a SIGNED one of an ACTIVE household: one more in its group's numerator.
    let mut newly_signed: HashMap<(Uuid, Uuid), i32> = HashMap::new();
    for answer in answers.iter().flatten() {
        if let Some(pledge) = known.pledge_rows.get(answer)
            && written.contains(answer)
        {
            *newly_signed.entry((pledge.campaign_id, pledge.group_id)).or_default() += 1;
        }
    }
    for ((campaign_id, group_id), delta) in newly_signed {
        super::coverage::adjust_signed(&txn, campaign_id, group_id, delta).await?;
    }
    txn.commit().await?;
    super::coverage::moved();

    Ok(answers
        .into_iter()
        .map(|answer| {
            answer
                .and_then(|id| known.pledge_rows.get(&id).cloned().ok_or(AppError::NotFound(Missing::Pledge)))
        })
        .collect())
}

/// Withdraws a signed pledge while its campaign is open; the household may sign again later.
#[tracing::instrument(skip(db, actor, reason))]
pub async fn withdraw(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    reason: Option<String>,
) -> AppResult<pledge::Model> {
    let reason = reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_NOTE_CHARS) {
        return Err(AppError::bad_input(
            "reason",
            format!("the reason must be at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    let txn = super::begin_write(db).await?;
    let current = get(&txn, actor, id).await?;
    if current.status != PledgeStatus::Signed {
        return Err(AppError::conflict("the pledge is already withdrawn"));
    }
    let campaign = super::campaign::get(&txn, actor, current.campaign_id).await?;
    if campaign.status != CampaignStatus::Open {
        return Err(AppError::Conflict {
            message: format!(
                "the campaign is {}: pledges change only while it is {}",
                campaign.status.to_value(),
                CampaignStatus::Open.to_value()
            ),
            extensions: vec![("field", "id".into())],
        });
    }
    let changed = pledge::Entity::update_many()
        .col_expr(pledge::Column::Status, Expr::value(PledgeStatus::Withdrawn))
        .col_expr(pledge::Column::WithdrawnReason, Expr::value(reason.clone()))
        .col_expr(pledge::Column::UpdatedAt, Expr::value(super::now()))
        .filter(pledge::Column::Id.eq(id))
        .filter(pledge::Column::Status.eq(PledgeStatus::Signed))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::conflict("the pledge is already withdrawn"));
    }
    let pledge = get(&txn, actor, id).await?;
    let ward_id = super::group::ward_of(&txn, pledge.group_id).await?;
    let entry = AuditEntry {
        action: "pledge.withdraw",
        target_type: "pledge",
        target_id: Some(pledge.id),
        ward_id: Some(ward_id),
        summary: json!({ "householdId": pledge.household_id, "campaignId": pledge.campaign_id, "reason": reason }),
    };
    super::audit::record(&txn, Some(actor.user_id), entry).await?;
    super::changes::record(&txn, EntityType::Pledge, pledge.id, pledge.group_id, ward_id).await?;
    let household = household::Entity::find_by_id(pledge.household_id).one(&txn).await?;
    if household.is_some_and(|h| h.status == HouseholdStatus::Active) {
        super::coverage::adjust_signed(&txn, pledge.campaign_id, pledge.group_id, -1).await?;
    }
    txn.commit().await?;
    super::coverage::moved();
    Ok(pledge)
}
