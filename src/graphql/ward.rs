//! Wards: the `Ward` type, `wards`/`ward` queries and `createWard`.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result};

use super::{
    assessment::WardSettings,
    connection::{ResidentialGroupConnection, WardConnection, page_request, to_connection},
    context::{parse_id, scope, signed_in},
    group::ResidentialGroup,
    loaders::GroupPageKey,
    scalars::DateTime,
};
use crate::{service, service::records::WardRecord};

/// A ward (phường or xã): the unit ward officials govern.
pub struct Ward(pub Arc<WardRecord>);

impl From<WardRecord> for Ward {
    fn from(record: WardRecord) -> Self {
        Self(Arc::new(record))
    }
}

/// A ward (phường or xã): the unit ward officials govern.
#[Object]
impl Ward {
    /// Unique id, across every type: `node(id:)` fetches the ward again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Official administrative code, unique across the country.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name, e.g. "Phường Lam Sơn".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Province or centrally run city, e.g. "Thanh Hóa".
    async fn province(&self) -> &str {
        &self.0.province
    }

    /// When the ward was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When the ward last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// The ward's own settings: when its movement year begins and the scale its groups are assessed on.
    async fn settings(&self, ctx: &Context<'_>) -> Result<WardSettings> {
        super::assessment::of_ward(ctx, self.0.id).await
    }

    /// The ward's residential groups that the caller may see, in natural code order ("2" before "10").
    async fn groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many groups, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many groups from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<ResidentialGroupConnection> {
        let key =
            GroupPageKey { ward_id: self.0.id, request: page_request(ctx, first, after, last, before)? };
        let page = signed_in(ctx)?
            .group_pages()
            .load_one(key.clone())
            .await?
            .unwrap_or_else(|| service::page::Page::empty(&key.request));
        Ok(to_connection(page, service::group::cursor, ResidentialGroup::from))
    }
}

/// Queries on wards.
#[derive(Default)]
pub struct WardQuery;

#[Object]
impl WardQuery {
    /// The wards the caller may see, by code.
    async fn wards(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many wards, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many wards from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<WardConnection> {
        let scope = scope(ctx)?;
        let page_request = page_request(ctx, first, after, last, before)?;
        let page = scope.wards().list(&page_request).await?;
        Ok(to_connection(page, service::ward::cursor, Ward::from))
    }

    /// One ward; `NOT_FOUND` when it does not exist or lies outside the caller's scope.
    async fn ward(&self, ctx: &Context<'_>, #[graphql(desc = "The ward's id.")] id: ID) -> Result<Ward> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        Ok(scope.wards().get(id).await?.into())
    }
}

/// A new ward.
#[derive(InputObject)]
pub struct CreateWardInput {
    /// Official administrative code (1–32 characters, no spaces), unique.
    pub code: String,
    /// Name (1–200 characters).
    pub name: String,
    /// Province or city (1–200 characters).
    pub province: String,
}

/// Mutations on wards.
#[derive(Default)]
pub struct WardMutation;

#[Object]
impl WardMutation {
    /// Creates a ward. `ADMIN` only; a duplicate code is `CONFLICT`.
    async fn create_ward(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new ward.")] input: CreateWardInput,
    ) -> Result<Ward> {
        let scope = scope(ctx)?;
        let new = service::ward::NewWard { code: input.code, name: input.name, province: input.province };
        let ward = scope.wards().create(new).await?;
        Ok(ward.into())
    }
}
