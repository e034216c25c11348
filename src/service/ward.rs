//! Wards: read in scope, created by admins.

use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Select,
};
use serde_json::json;
use uuid::Uuid;

use super::page::{Ordering, Page, Paging, fetch_page};
use super::{Caches, audit::AuditEntry};
use crate::{
    auth::Actor,
    domain::fields::{Code, Name},
    entities::ward,
    error::{AppError, AppResult, Missing},
};

/// The wards `actor` may see: all for admins, else their official wards and the wards of groups they lead.
fn visible(actor: &Actor) -> Select<ward::Entity> {
    let query = ward::Entity::find();
    if actor.is_admin() { query } else { query.filter(ward::Column::Id.is_in(actor.visible_ward_ids())) }
}

const ORDERING: Ordering<ward::Column> = Ordering { sort_key: ward::Column::Code, id: ward::Column::Id };

/// The cursor of a ward in `list`.
pub fn cursor(ward: &ward::Model) -> super::page::Cursor {
    super::page::Cursor { sort_key: ward.code.clone(), id: ward.id }
}

/// A page of the wards the actor may see, by code.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    request: &Paging,
) -> AppResult<Page<ward::Model>> {
    Ok(fetch_page(db, visible(actor), ORDERING, request).await?)
}

/// One ward, or `NOT_FOUND` when it is missing or out of scope.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<ward::Model> {
    visible(actor).filter(ward::Column::Id.eq(id)).one(db).await?.ok_or(AppError::NotFound(Missing::Ward))
}

/// The wards among `ids` that the actor may see (for dataloaders).
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    caches: &Caches,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, ward::Model>> {
    // Wards are never changed or deleted once created, so rows read once are remembered: reports name
    // hundreds of wards per request.
    let visible_ids = if actor.is_admin() { Vec::new() } else { actor.visible_ward_ids() };
    let may_see = |id: &Uuid| actor.is_admin() || visible_ids.contains(id);
    let mut found: HashMap<Uuid, ward::Model> = HashMap::new();
    let mut missing = Vec::new();
    for id in ids.iter().filter(|id| may_see(id)) {
        match caches.wards.get(id) {
            Some(ward) => {
                found.insert(*id, ward);
            }
            None => missing.push(*id),
        }
    }
    if !missing.is_empty() {
        for ward in visible(actor).filter(ward::Column::Id.is_in(missing)).all(db).await? {
            caches.wards.insert(ward.id, ward.clone());
            found.insert(ward.id, ward);
        }
    }
    Ok(found)
}

/// What a new ward needs.
#[derive(Debug)]
pub struct NewWard {
    /// Official administrative code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Province or city.
    pub province: String,
}

/// Creates a ward (`ADMIN` only).
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewWard,
) -> AppResult<ward::Model> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden("only administrators may create wards"));
    }
    let code = Code::parse(&input.code).map_err(|m| AppError::bad_input("code", m))?;
    let name = Name::parse(&input.name).map_err(|m| AppError::bad_input("name", m))?;
    let province =
        Name::parse_as(&input.province, "province").map_err(|m| AppError::bad_input("province", m))?;
    let now = super::now();
    let (_turn, txn) = super::begin_write(db).await?;
    let ward = ward::Entity::insert(ward::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code.as_str().to_owned()),
        name: Set(name.as_str().to_owned()),
        province: Set(province.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await?;
    let summary = json!({ "code": ward.code, "name": ward.name, "province": ward.province });
    let entry = AuditEntry {
        action: "ward.create",
        target_type: "ward",
        target_id: Some(ward.id),
        ward_id: Some(ward.id),
        summary,
    };
    super::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(ward)
}
