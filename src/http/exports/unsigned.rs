//! The households of a group still to visit for a campaign: the ACTIVE ones without a SIGNED pledge, in
//! code order, with their head, address, member count and phone.

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::Response,
};
use chrono::{DateTime, Utc};

use super::{
    CSV, ExportParams, XLSX, attachment, caller,
    csv_body::{Cell, csv_bytes},
    csv_name, id, required,
    sheet::{Sheet, Value},
};
use crate::{
    error::AppError,
    http::AppState,
    service::{
        self, Scope,
        page::{MAX_PAGE_SIZE, PageRequest},
        records::{CampaignRecord, GroupRecord, HouseholdRecord},
    },
};

const UNSIGNED_HEADERS: [&str; 6] =
    ["Tổ dân phố", "Mã hộ", "Chủ hộ", "Địa chỉ", "Số nhân khẩu", "Điện thoại"];

/// The campaign, the group, its unsigned households and when they were read.
struct Unsigned {
    campaign: CampaignRecord,
    group: GroupRecord,
    households: Vec<HouseholdRecord>,
    as_of: DateTime<Utc>,
}

async fn unsigned(scope: &Scope, params: &ExportParams) -> Result<Unsigned, AppError> {
    let campaign_id = required(id(params.campaign_id.as_deref(), "campaignId")?, "campaignId")?;
    let group_id = required(id(params.group_id.as_deref(), "groupId")?, "groupId")?;
    // Names, addresses and phones: refused to a caller who never reads households (the ward police),
    // whatever the group, before anything is read.
    scope.groups().ensure_visible(group_id).await?;
    let campaign = scope.campaigns().get(campaign_id).await?;
    let group = scope.groups().get(group_id).await?;
    let as_of = service::now();
    let mut households = Vec::new();
    let mut after = None;
    loop {
        let request = PageRequest { first: MAX_PAGE_SIZE, after, with_total: false };
        let page = scope.households().unsigned_page(group.id, campaign.id, &request).await?;
        after = page.items.last().map(service::household::cursor);
        households.extend(page.items);
        if !page.has_next_page {
            break;
        }
    }
    Ok(Unsigned { campaign, group, households, as_of })
}

/// `GET /exports/unsigned.csv`: the households of a group still to visit.
pub(in crate::http) async fn unsigned_csv(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Result<Response, AppError> {
    let scope = caller(&state, &headers).await?;
    let dialect = params.dialect()?;
    let Unsigned { campaign, group, households, .. } = unsigned(&scope, &params).await?;
    let body = csv_bytes(
        dialect,
        &UNSIGNED_HEADERS,
        households.into_iter().map(|h| {
            vec![
                Cell::Text(group.name.clone()),
                Cell::Text(h.code),
                Cell::Text(h.head_name),
                Cell::Text(h.address),
                Cell::Count(h.member_count.into()),
                Cell::Text(h.phone.unwrap_or_default()),
            ]
        }),
        None,
    );
    Ok(attachment(body, CSV, &csv_name(&format!("unsigned-{}-{}", group.code, campaign.year), dialect)))
}

/// `GET /exports/unsigned.xlsx`: the same list as a workbook, phones and codes as text cells.
pub(in crate::http) async fn unsigned_xlsx(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Result<Response, AppError> {
    let scope = caller(&state, &headers).await?;
    params.dialect()?;
    let Unsigned { campaign, group, households, as_of } = unsigned(&scope, &params).await?;
    // A leader may not see the ward itself: the title then names the group alone.
    let wards = scope.wards().by_ids(&[group.ward_id]).await?;
    let place = match wards.get(&group.ward_id) {
        Some(ward) => format!("{}, {}", group.name, ward.name),
        None => group.name.clone(),
    };
    let rows = households
        .iter()
        .map(|h| {
            vec![
                Value::Text(&group.name),
                Value::Text(&h.code),
                Value::Text(&h.head_name),
                Value::Text(&h.address),
                Value::Count(h.member_count.into()),
                Value::Text(h.phone.as_deref().unwrap_or_default()),
            ]
        })
        .collect();
    let body = Sheet {
        name: "Hộ chưa ký",
        title: format!("Hộ chưa ký cam kết: {} — {place}", campaign.title),
        as_of,
        headers: &UNSIGNED_HEADERS,
        rows,
        totals: None,
    }
    .xlsx()?;
    Ok(attachment(body, XLSX, &format!("unsigned-{}-{}.xlsx", group.code, campaign.year)))
}
