//! `pledge-api seed-bench`: a synthetic province for benchmarks (400 wards × 50 groups × 100 households,
//! 70% signed, by default), loaded in large multi-row inserts. Benchmark rows skip the audit trail and
//! the change log (they record no one's work); the coverage counters are computed once at the end.

use std::time::Instant;

use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait};
use uuid::Uuid;

use crate::{
    domain::{
        campaign::{CampaignStatus, PledgeStatus},
        household::HouseholdStatus,
        text::natural_sort_key,
    },
    entities::{campaign, household, pledge, residential_group, ward},
    error::{AppError, AppResult},
    service,
};

/// Size of the synthetic province.
#[derive(Debug, Clone, Copy)]
pub struct BenchSize {
    /// Wards.
    pub wards: usize,
    /// Groups in each ward.
    pub groups_per_ward: usize,
    /// Households in each group.
    pub households_per_group: usize,
    /// Share of households that signed, 0 to 1.
    pub signed: f64,
}

/// What was loaded, and how fast.
#[derive(Debug)]
pub struct Loaded {
    /// The benchmark campaign.
    pub campaign_id: Uuid,
    /// Households inserted.
    pub households: usize,
    /// Pledges inserted.
    pub pledges: usize,
    /// Seconds for everything.
    pub seconds: f64,
}

/// Rows per INSERT: under SQLite's 32,766 bind parameters (and PostgreSQL's 65,535) for the widest
/// table.
const CHUNK: usize = 1500;

async fn insert_chunked<A, E>(db: &impl ConnectionTrait, rows: Vec<A>) -> AppResult<()>
where
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
    E: EntityTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        E::insert_many(chunk).exec(db).await?;
    }
    Ok(())
}

/// Loads the province; refuses when a benchmark ward already exists.
pub async fn seed(db: &DatabaseConnection, size: BenchSize) -> AppResult<Loaded> {
    if !(0.0..=1.0).contains(&size.signed) {
        return Err(AppError::bad_input("signed", "the signed share must be between 0 and 1"));
    }
    let started = Instant::now();
    let now = service::now();
    let day = NaiveDate::from_ymd_opt(2024, 3, 1).ok_or_else(|| AppError::internal("date"))?;
    let campaign_id = Uuid::now_v7();
    campaign::Entity::insert(campaign::ActiveModel {
        id: Set(campaign_id),
        year: Set(2024),
        title: Set("Benchmark campaign".into()),
        starts_on: Set(NaiveDate::from_ymd_opt(2023, 11, 1).ok_or_else(|| AppError::internal("date"))?),
        ends_on: Set(NaiveDate::from_ymd_opt(2024, 10, 31).ok_or_else(|| AppError::internal("date"))?),
        status: Set(CampaignStatus::Open),
        pledge_items: Set(r#"["Giữ gìn an ninh trật tự"]"#.into()),
        ward_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec(db)
    .await?;
    let signed_per_group = (size.households_per_group as f64 * size.signed).round() as usize;
    let (mut households_total, mut pledges_total) = (0, 0);
    for w in 0..size.wards {
        // One transaction per ward: a run stopped half-way leaves whole wards.
        let txn = db.begin().await?;
        let ward_id = Uuid::now_v7();
        ward::Entity::insert(ward::ActiveModel {
            id: Set(ward_id),
            code: Set(format!("BENCH-{w:05}")),
            name: Set(format!("Phường {w}")),
            province: Set("Benchmark".into()),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(&txn)
        .await?;
        let (mut groups, mut households, mut pledges) = (Vec::new(), Vec::new(), Vec::new());
        for g in 1..=size.groups_per_ward {
            let group_id = Uuid::now_v7();
            groups.push(residential_group::ActiveModel {
                id: Set(group_id),
                ward_id: Set(ward_id),
                code: Set(g.to_string()),
                sort_key: Set(natural_sort_key(&g.to_string())),
                name: Set(format!("Tổ dân phố {g}")),
                created_at: Set(now),
                updated_at: Set(now),
            });
            for h in 1..=size.households_per_group {
                let household_id = Uuid::now_v7();
                let code = format!("{h:03}");
                let head = format!("Nguyễn Văn {w}-{g}-{h}");
                let address = format!("Số {h}, tổ {g}, phường {w}");
                households.push(household::ActiveModel {
                    id: Set(household_id),
                    group_id: Set(group_id),
                    sort_key: Set(natural_sort_key(&code)),
                    search_text: Set(service::household::search_text(&head, &code, &address)),
                    code: Set(code),
                    head_name: Set(head.clone()),
                    address: Set(address),
                    member_count: Set(4),
                    phone: Set(None),
                    status: Set(HouseholdStatus::Active),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                if h <= signed_per_group {
                    pledges.push(pledge::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        household_id: Set(household_id),
                        campaign_id: Set(campaign_id),
                        group_id: Set(group_id),
                        signer_name: Set(head),
                        signed_on: Set(day),
                        note: Set(None),
                        status: Set(PledgeStatus::Signed),
                        withdrawn_reason: Set(None),
                        recorded_by: Set(None),
                        recorded_at: Set(now),
                        client_mutation_id: Set(Uuid::now_v7()),
                        updated_at: Set(now),
                    });
                }
            }
        }
        households_total += households.len();
        pledges_total += pledges.len();
        insert_chunked(&txn, groups).await?;
        insert_chunked(&txn, households).await?;
        insert_chunked(&txn, pledges).await?;
        txn.commit().await?;
    }
    service::coverage::verify(db, &service::Caches::default(), true).await?;
    Ok(Loaded {
        campaign_id,
        households: households_total,
        pledges: pledges_total,
        seconds: started.elapsed().as_secs_f64(),
    })
}
