//! Campaigns: one year's pledge drive, for one ward or for every ward. DRAFT → OPEN → CLOSED; only an
//! administrator may reopen a closed one.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Select,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    Written,
    audit::AuditEntry,
    page::{Cursor, Page, Paging, newest_first},
};
use crate::{
    auth::Actor,
    domain::{
        campaign::{CampaignStatus, default_window},
        fields::Name,
    },
    entities::campaign,
    error::{AppError, AppResult, Missing},
};

/// Most pledge items a campaign may have.
pub const MAX_PLEDGE_ITEMS: usize = 20;
/// Longest pledge item, in characters.
pub const MAX_PLEDGE_ITEM_CHARS: usize = 500;

/// The campaigns `actor` may see: all for admins; else the campaigns for every ward and those of the
/// wards the actor works in.
pub(in crate::service) fn visible(actor: &Actor) -> Select<campaign::Entity> {
    let query = campaign::Entity::find();
    if actor.is_admin() {
        return query;
    }
    query.filter(
        Condition::any()
            .add(campaign::Column::WardId.is_null())
            .add(campaign::Column::WardId.is_in(actor.visible_ward_ids())),
    )
}

/// The pledge items, in order.
pub fn pledge_items(campaign: &campaign::Model) -> AppResult<Vec<String>> {
    serde_json::from_str(&campaign.pledge_items).map_err(AppError::internal)
}

/// The cursor of a campaign in `list` (newest first).
pub fn cursor(campaign: &campaign::Model) -> Cursor {
    Cursor { sort_key: String::new(), id: campaign.id }
}

/// A page of the campaigns the actor may see, newest first.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    request: &Paging,
) -> AppResult<Page<campaign::Model>> {
    let query = visible(actor);
    let total_count = if request.with_total { Some(query.clone().count(db).await?) } else { None };
    let items = newest_first(query, campaign::Column::Id, request).all(db).await?;
    Ok(Page::from_rows(items, request, total_count))
}

/// One campaign, or `NOT_FOUND`.
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<campaign::Model> {
    visible(actor)
        .filter(campaign::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound(Missing::Campaign))
}

/// The campaigns among `ids` the actor may see (for dataloaders and batches).
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, campaign::Model>> {
    let rows = visible(actor).filter(campaign::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|c| (c.id, c)).collect())
}

/// What a new campaign needs; the window defaults to the year's evaluation period.
#[derive(Debug)]
pub struct NewCampaign {
    /// The year.
    pub year: i32,
    /// Title.
    pub title: String,
    /// First day; default 1 November of the year before.
    pub starts_on: Option<NaiveDate>,
    /// Last day; default 31 October of the year.
    pub ends_on: Option<NaiveDate>,
    /// The commitments, in order (1–20, each at most 500 characters).
    pub pledge_items: Vec<String>,
    /// The ward; none for every ward (administrators only).
    pub ward_id: Option<Uuid>,
}

fn parse_items(items: &[String]) -> AppResult<Vec<String>> {
    if items.is_empty() || items.len() > MAX_PLEDGE_ITEMS {
        return Err(AppError::bad_input(
            "pledgeItems",
            format!("a campaign has 1 to {MAX_PLEDGE_ITEMS} pledge items"),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let item = item.trim();
            if item.is_empty() || item.chars().count() > MAX_PLEDGE_ITEM_CHARS {
                Err(AppError::bad_input(
                    format!("pledgeItems.{index}"),
                    format!("each pledge item has 1 to {MAX_PLEDGE_ITEM_CHARS} characters"),
                ))
            } else {
                Ok(item.to_owned())
            }
        })
        .collect()
}

fn check_window(starts_on: NaiveDate, ends_on: NaiveDate) -> AppResult<()> {
    if starts_on > ends_on {
        return Err(AppError::bad_input("endsOn", "the campaign must end on or after the day it starts"));
    }
    Ok(())
}

/// Checks that `actor` may manage campaigns of `ward_id` (None: every ward).
fn check_manage(actor: &Actor, ward_id: Option<Uuid>) -> AppResult<()> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators manage campaigns"));
    }
    match ward_id {
        None if !actor.is_admin() => {
            Err(AppError::Forbidden("only administrators manage campaigns for every ward"))
        }
        Some(ward_id) if !actor.governs_ward(ward_id) => Err(AppError::NotFound(Missing::Ward)),
        _ => Ok(()),
    }
}

/// Creates a campaign in `DRAFT`.
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewCampaign,
) -> AppResult<campaign::Model> {
    check_manage(actor, input.ward_id)?;
    if !(2000..=2100).contains(&input.year) {
        return Err(AppError::bad_input("year", "the year must be between 2000 and 2100"));
    }
    let title = Name::parse_as(&input.title, "title").map_err(|m| AppError::bad_input("title", m))?;
    let items = parse_items(&input.pledge_items)?;
    let (default_start, default_end) =
        default_window(input.year).ok_or_else(|| AppError::bad_input("year", "no such year"))?;
    let starts_on = input.starts_on.unwrap_or(default_start);
    let ends_on = input.ends_on.unwrap_or(default_end);
    check_window(starts_on, ends_on)?;

    let (_turn, txn) = super::begin_write(db).await?;
    if let Some(ward_id) = input.ward_id {
        super::ward::get(&txn, actor, ward_id).await?;
    }
    let now = super::now();
    let campaign = campaign::Entity::insert(campaign::ActiveModel {
        id: Set(Uuid::now_v7()),
        year: Set(input.year),
        title: Set(title.as_str().to_owned()),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        status: Set(CampaignStatus::Draft),
        pledge_items: Set(serde_json::to_string(&items).map_err(AppError::internal)?),
        ward_id: Set(input.ward_id),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await?;
    let summary = json!({
        "year": campaign.year, "title": campaign.title, "startsOn": campaign.starts_on,
        "endsOn": campaign.ends_on, "pledgeItems": items,
    });
    audit(&txn, actor, "campaign.create", &campaign, summary).await?;
    txn.commit().await?;
    Ok(campaign)
}

async fn audit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &'static str,
    campaign: &campaign::Model,
    summary: serde_json::Value,
) -> AppResult<()> {
    let entry = AuditEntry {
        action,
        target_type: "campaign",
        target_id: Some(campaign.id),
        ward_id: campaign.ward_id,
        summary,
    };
    super::audit::record(db, Some(actor.user_id), entry).await
}

/// Changes to a draft campaign; omitted fields stay.
#[derive(Debug, Default)]
pub struct CampaignPatch {
    /// New title.
    pub title: Option<String>,
    /// New first day.
    pub starts_on: Option<NaiveDate>,
    /// New last day.
    pub ends_on: Option<NaiveDate>,
    /// New pledge items.
    pub pledge_items: Option<Vec<String>>,
}

/// Changes a campaign still in `DRAFT`: once open, what households sign can no longer change.
#[tracing::instrument(skip(db, actor, patch))]
pub(in crate::service) async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    patch: CampaignPatch,
) -> AppResult<Written<campaign::Model>> {
    let title = patch
        .title
        .as_deref()
        .map(|t| Name::parse_as(t, "title"))
        .transpose()
        .map_err(|m| AppError::bad_input("title", m))?;
    let items = patch.pledge_items.as_deref().map(parse_items).transpose()?;
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators manage campaigns"));
    }
    let (_turn, txn) = super::begin_write(db).await?;
    let current = get(&txn, actor, id).await?;
    check_manage(actor, current.ward_id)?;
    if current.status != CampaignStatus::Draft {
        return Err(AppError::conflict("only a draft campaign can change; this one has been opened"));
    }
    let starts_on = patch.starts_on.unwrap_or(current.starts_on);
    let ends_on = patch.ends_on.unwrap_or(current.ends_on);
    check_window(starts_on, ends_on)?;
    let mut active: campaign::ActiveModel = current.clone().into();
    if let Some(title) = title {
        active.title = Set(title.as_str().to_owned());
    }
    if let Some(items) = &items {
        active.pledge_items = Set(serde_json::to_string(items).map_err(AppError::internal)?);
    }
    active.starts_on = Set(starts_on);
    active.ends_on = Set(ends_on);
    active.updated_at = Set(super::now());
    let campaign = sea_orm::ActiveModelTrait::update(active, &txn).await?;
    let summary = json!({
        "title": campaign.title, "startsOn": campaign.starts_on, "endsOn": campaign.ends_on,
        "pledgeItems": pledge_items(&campaign)?,
    });
    audit(&txn, actor, "campaign.update", &campaign, summary).await?;
    txn.commit().await?;
    Ok(restating(campaign))
}

/// A change to a campaign, which every report of it shows.
fn restating(campaign: campaign::Model) -> Written<campaign::Model> {
    let ward_id = campaign.ward_id;
    Written::restating(campaign, ward_id)
}

/// Opens a campaign: DRAFT → OPEN, or CLOSED → OPEN for administrators (audited as a reopening).
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn open(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> AppResult<Written<campaign::Model>> {
    transition(db, actor, id, CampaignStatus::Open).await
}

/// Closes an open campaign.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn close(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> AppResult<Written<campaign::Model>> {
    transition(db, actor, id, CampaignStatus::Closed).await
}

async fn transition(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    to: CampaignStatus,
) -> AppResult<Written<campaign::Model>> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators manage campaigns"));
    }
    let (_turn, txn) = super::begin_write(db).await?;
    let current = get(&txn, actor, id).await?;
    check_manage(actor, current.ward_id)?;
    let from = current.status;
    let action = match (from, to) {
        (CampaignStatus::Draft, CampaignStatus::Open) => "campaign.open",
        (CampaignStatus::Open, CampaignStatus::Closed) => "campaign.close",
        (CampaignStatus::Closed, CampaignStatus::Open) if actor.is_admin() => "campaign.reopen",
        (CampaignStatus::Closed, CampaignStatus::Open) => {
            return Err(AppError::Forbidden("only administrators may reopen a closed campaign"));
        }
        (from, to) if from == to => {
            return Err(AppError::conflict(format!("the campaign is already {}", to.to_value())));
        }
        (from, _) => {
            return Err(AppError::conflict(format!(
                "a {} campaign cannot become {}",
                from.to_value(),
                to.to_value()
            )));
        }
    };
    // Conditional on the status read: of two transitions racing, the second changes nothing.
    let changed = campaign::Entity::update_many()
        .col_expr(campaign::Column::Status, sea_orm::sea_query::Expr::value(to))
        .col_expr(campaign::Column::UpdatedAt, sea_orm::sea_query::Expr::value(super::now()))
        .filter(campaign::Column::Id.eq(id))
        .filter(campaign::Column::Status.eq(from))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::conflict("the campaign changed meanwhile; reload it"));
    }
    let campaign = get(&txn, actor, id).await?;
    audit(&txn, actor, action, &campaign, json!({ "from": from.to_value(), "to": to.to_value() })).await?;
    txn.commit().await?;
    Ok(restating(campaign))
}
