//! Demo data: Phường Lam Sơn (Thanh Hóa) with twelve residential groups of realistic households.
//!
//! The ward police's incident figures of the case are in `incidents`; its models, festival, survey and
//! awards in `movement`.
//!
//! Seeding is idempotent: it runs in one transaction and does nothing when the demo ward exists.
//! The generator is deterministic, so every newcomer sees the same names.

mod incidents;
mod movement;

pub use incidents::{DEMO_POLICE, seed_incidents};
pub use movement::{DEMO_BALLOTS, seed_movement_year};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    auth::{Actor, Role, password::Passwords},
    domain::{campaign::GoodDeedCategory, household::HouseholdStatus, text::natural_sort_key},
    entities::{app_user, household, residential_group, ward},
    error::{AppError, AppResult},
    service::{
        self,
        changes::{Change, EntityType},
        user::{NewAssignment, NewUser},
    },
};

/// The demo ward's code: a demo code, not an official one.
pub const DEMO_WARD_CODE: &str = "DEMO-LAMSON";

const FAMILY_NAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trịnh",
    "Mai", "Lương",
];
const MALE_MIDDLE: &[&str] = &["Văn", "Đức", "Hữu", "Quang", "Minh", "Xuân", "Đình"];
const FEMALE_MIDDLE: &[&str] = &["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Diệu"];
const MALE_GIVEN: &[&str] = &[
    "Hùng", "Dũng", "Tuấn", "Nam", "Sơn", "Hải", "Bình", "Cường", "Long", "Thắng", "Quân", "Phúc", "Khánh",
    "Đạt",
];
const FEMALE_GIVEN: &[&str] = &[
    "Hoa", "Lan", "Hương", "Mai", "Linh", "Trang", "Đào", "Phương", "Thảo", "Yến", "Nga", "Huyền", "Loan",
    "Hạnh",
];
const STREETS: &[&str] = &[
    "Lê Hoàn",
    "Trần Phú",
    "Phan Chu Trinh",
    "Nguyễn Trãi",
    "Lý Thường Kiệt",
    "Cửa Hữu",
    "Hàng Đồng",
    "Tống Duy Tân",
    "Lê Lợi",
    "Đào Duy Từ",
    "Hạc Thành",
    "Lê Văn Hưu",
];

/// A small deterministic generator (an LCG): demo data must not change between runs.
struct Dice(u64);

impl Dice {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len())]
    }
}

fn head_name(dice: &mut Dice) -> String {
    let family = dice.pick(FAMILY_NAMES);
    if dice.next(2) == 0 {
        format!("{family} {} {}", dice.pick(MALE_MIDDLE), dice.pick(MALE_GIVEN))
    } else {
        format!("{family} {} {}", dice.pick(FEMALE_MIDDLE), dice.pick(FEMALE_GIVEN))
    }
}

fn phone(dice: &mut Dice) -> Option<String> {
    if dice.next(4) == 0 {
        return None;
    }
    let prefix = ["91", "98", "97", "86", "35", "38", "70", "88"][dice.next(8)];
    Some(format!("+84{prefix}{:07}", dice.next(10_000_000)))
}

/// Seeds the demo organisation; returns whether anything was written.
pub async fn seed(db: &DatabaseConnection) -> AppResult<bool> {
    let (_turn, txn) = service::begin_write(db).await?;
    if ward::Entity::find().filter(ward::Column::Code.eq(DEMO_WARD_CODE)).one(&txn).await?.is_some() {
        return Ok(false);
    }
    let now = service::now();
    let ward_id = Uuid::now_v7();
    ward::Entity::insert(ward::ActiveModel {
        id: Set(ward_id),
        code: Set(DEMO_WARD_CODE.to_owned()),
        name: Set("Phường Lam Sơn".to_owned()),
        province: Set("Thanh Hóa".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec(&txn)
    .await?;

    let mut dice = Dice(2023);
    for number in 1..=12u32 {
        let group_id = Uuid::now_v7();
        let code = number.to_string();
        residential_group::Entity::insert(residential_group::ActiveModel {
            id: Set(group_id),
            ward_id: Set(ward_id),
            sort_key: Set(natural_sort_key(&code)),
            code: Set(code),
            name: Set(format!("Tổ dân phố {number}")),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(&txn)
        .await?;

        let street = STREETS[(number as usize - 1) % STREETS.len()];
        let count = 25 + dice.next(36);
        let households: Vec<household::ActiveModel> = (1..=count)
            .map(|n| {
                let code = format!("{number:02}-{n:03}");
                let head = head_name(&mut dice);
                let address = match dice.next(3) {
                    0 => format!("Số {} {street}, Phường Lam Sơn", 2 * n + 1),
                    1 => format!("Số {} ngõ {} {street}, Phường Lam Sơn", n, 1 + dice.next(40)),
                    _ => format!(
                        "Số {} ngách {}/{} {street}, Phường Lam Sơn",
                        n,
                        1 + dice.next(20),
                        1 + dice.next(9)
                    ),
                };
                household::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    group_id: Set(group_id),
                    sort_key: Set(natural_sort_key(&code)),
                    search_text: Set(service::household::search_text(&head, &code, &address)),
                    code: Set(code),
                    head_name: Set(head),
                    address: Set(address),
                    member_count: Set(1 + dice.next(7) as i32),
                    phone: Set(phone(&mut dice)),
                    status: Set(HouseholdStatus::Active),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
            })
            .collect();
        // Phones sync households from the change log: the seeded ones belong in it like any other.
        let changes: Vec<Change> = households
            .iter()
            .filter_map(|h| h.id.clone().take())
            .map(|id| Change { entity_type: EntityType::Household, entity_id: id, group_id, ward_id })
            .collect();
        household::Entity::insert_many(households).exec(&txn).await?;
        service::changes::record_many(&txn, &changes).await?;
        service::coverage::adjust_active(&txn, group_id, changes.len() as i32).await?;
    }
    let entry = service::audit::AuditEntry {
        action: "demo.seed",
        target_type: "ward",
        target_id: Some(ward_id),
        ward_id: Some(ward_id),
        summary: serde_json::json!({ "groups": 12 }),
    };
    service::audit::record(&txn, None, entry).await?;
    txn.commit().await?;
    Ok(true)
}

/// The password of the demo users when `PLEDGE_DEMO_PASSWORD` is not set.
pub const DEFAULT_DEMO_PASSWORD: &str = "demo-password-2023";

/// A demo user: username and what they may do.
pub struct DemoUser {
    /// Sign-in name.
    pub username: &'static str,
    /// Role and scope, in words.
    pub role: &'static str,
}

/// The demo users, one per role: `admin`, `lamson.official`, `tdp11.leader`, `tdp12.leader`,
/// `lamson.police`.
pub const DEMO_USERS: [DemoUser; 5] = [
    DemoUser { username: "admin", role: "ADMIN: everything" },
    DemoUser { username: "lamson.official", role: "WARD_OFFICIAL of Phường Lam Sơn" },
    DemoUser { username: "tdp11.leader", role: "GROUP_LEADER of Tổ dân phố 11" },
    DemoUser { username: "tdp12.leader", role: "GROUP_LEADER of Tổ dân phố 12" },
    DemoUser { username: DEMO_POLICE, role: "WARD_POLICE of Phường Lam Sơn" },
];

/// Adds the demo users that do not exist yet, all with `password`.
pub async fn seed_users(db: &DatabaseConnection, passwords: &Passwords, password: &str) -> AppResult<()> {
    let ward = ward::Entity::find()
        .filter(ward::Column::Code.eq(DEMO_WARD_CODE))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the demo ward is missing"))?;
    let group_id = |code: &'static str| async move {
        residential_group::Entity::find()
            .filter(residential_group::Column::WardId.eq(ward.id))
            .filter(residential_group::Column::Code.eq(code))
            .one(db)
            .await?
            .map(|g| g.id)
            .ok_or_else(|| AppError::internal(format!("demo group {code} is missing")))
    };
    let assignments = [
        NewAssignment { role: Role::Admin, ward_id: None, group_id: None },
        NewAssignment { role: Role::WardOfficial, ward_id: Some(ward.id), group_id: None },
        NewAssignment { role: Role::GroupLeader, ward_id: None, group_id: Some(group_id("11").await?) },
        NewAssignment { role: Role::GroupLeader, ward_id: None, group_id: Some(group_id("12").await?) },
        NewAssignment { role: Role::WardPolice, ward_id: Some(ward.id), group_id: None },
    ];
    let display_names = [
        "Quản trị hệ thống",
        "Ban chỉ đạo ANTT phường Lam Sơn",
        "Tổ trưởng TDP 11",
        "Tổ trưởng TDP 12",
        "Công an phường Lam Sơn",
    ];
    for ((user, assignment), display_name) in DEMO_USERS.iter().zip(assignments).zip(display_names) {
        let exists = app_user::Entity::find()
            .filter(app_user::Column::UsernameKey.eq(user.username))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let new = NewUser {
            username: user.username.to_owned(),
            display_name: display_name.to_owned(),
            password: password.to_owned(),
            assignments: vec![assignment],
        };
        service::user::create(db, passwords, &Actor::system(), new).await?;
    }
    Ok(())
}

/// Title of the demo campaign.
pub const DEMO_CAMPAIGN_TITLE: &str = "Toàn dân bảo vệ an ninh Tổ quốc năm 2023";

const DEMO_PLEDGE_ITEMS: [&str; 6] = [
    "Giữ gìn an ninh trật tự, xây dựng khu dân cư an toàn, không có tội phạm và tệ nạn xã hội",
    "Phát hiện, tố giác tội phạm và hành vi đáng ngờ cho Công an phường",
    "Thực hiện an toàn phòng cháy, chữa cháy trong gia đình",
    "Không sử dụng, tàng trữ, mua bán trái phép chất ma túy",
    "Giúp đỡ người chấp hành xong án phạt tù tái hòa nhập cộng đồng",
    "Chấp hành pháp luật về trật tự, an toàn giao thông",
];

const DEMO_DEEDS: [(GoodDeedCategory, &str); 8] = [
    (GoodDeedCategory::CrimeReport, "Báo Công an phường về người lạ dò xét xe máy trong ngõ"),
    (GoodDeedCategory::FirePrevention, "Dập tắt đám cháy nhỏ ở bếp nhà hàng xóm bằng bình chữa cháy"),
    (GoodDeedCategory::LostPropertyReturned, "Nhặt được ví có giấy tờ và tiền, trả lại cho người đánh rơi"),
    (GoodDeedCategory::DisputeMediation, "Hòa giải mâu thuẫn về lối đi chung giữa hai gia đình"),
    (GoodDeedCategory::ReintegrationSupport, "Giới thiệu việc làm cho người vừa chấp hành xong án phạt tù"),
    (GoodDeedCategory::TrafficSafety, "Dọn vật cản và đặt biển báo ở khúc cua đầu ngõ"),
    (GoodDeedCategory::Patrol, "Tham gia tổ tuần tra an ninh ban đêm dịp Tết"),
    (GoodDeedCategory::DrugPrevention, "Tuyên truyền phòng chống ma túy cho thanh niên trong tổ"),
];

/// Seeds the demo campaign (OPEN) with pledges — Tổ dân phố 11 at 100%, 12 at about half, the others
/// between 40% and 95% — and two dozen good deeds. Does nothing when the campaign exists.
pub async fn seed_activity(db: &DatabaseConnection) -> AppResult<bool> {
    use crate::{
        entities::campaign,
        service::{campaign::NewCampaign, good_deed::NewGoodDeed, pledge::PledgeInput},
    };
    let ward = ward::Entity::find()
        .filter(ward::Column::Code.eq(DEMO_WARD_CODE))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the demo ward is missing"))?;
    let exists = campaign::Entity::find()
        .filter(campaign::Column::WardId.eq(ward.id))
        .filter(campaign::Column::Title.eq(DEMO_CAMPAIGN_TITLE))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(false);
    }
    let official = app_user::Entity::find()
        .filter(app_user::Column::UsernameKey.eq("lamson.official"))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the demo official is missing"))?;
    let actor = service::user::actor_of(db, &official).await?;
    // Seeding runs before the server starts: nobody listens for its coverage events yet.
    let caches = service::Caches::default();
    let new = NewCampaign {
        year: 2023,
        title: DEMO_CAMPAIGN_TITLE.to_owned(),
        starts_on: None,
        ends_on: None,
        pledge_items: DEMO_PLEDGE_ITEMS.iter().map(|s| (*s).to_owned()).collect(),
        ward_id: Some(ward.id),
    };
    let campaign = service::campaign::create(db, &actor, new).await?;
    let campaign = service::campaign::open(db, &actor, campaign.id).await?.value;

    let mut dice = Dice(11);
    let groups = residential_group::Entity::find()
        .filter(residential_group::Column::WardId.eq(ward.id))
        .all(db)
        .await?;
    let today = crate::domain::campaign::local_today(chrono::Utc::now());
    for group in &groups {
        let households =
            household::Entity::find().filter(household::Column::GroupId.eq(group.id)).all(db).await?;
        let percent = match group.code.as_str() {
            "11" => 100,
            "12" => 50,
            _ => 40 + dice.next(56),
        };
        let n = households.len();
        // Rounded up, but never past 95% nor under 40% for the groups in between.
        let signing = match percent {
            100 => n,
            50 => n / 2,
            _ => (n * percent).div_ceil(100).clamp((n * 40).div_ceil(100), n * 95 / 100),
        };
        let inputs: Vec<PledgeInput> = households
            .iter()
            .take(signing)
            .map(|h| {
                let day = campaign.starts_on + chrono::Duration::days(dice.next(300) as i64);
                PledgeInput {
                    client_mutation_id: Uuid::now_v7().to_string(),
                    household_id: h.id.to_string(),
                    campaign_id: campaign.id.to_string(),
                    signer_name: h.head_name.clone(),
                    signed_on: day.min(today).to_string(),
                    note: None,
                }
            })
            .collect();
        for result in service::pledge::record_many(db, &caches, &actor, &inputs, today).await?.value {
            result?;
        }
    }

    for n in 0..24 {
        let group = &groups[n % groups.len()];
        let households =
            household::Entity::find().filter(household::Column::GroupId.eq(group.id)).all(db).await?;
        let household = (n % 3 != 0).then(|| households[dice.next(households.len())].id);
        let deed = service::good_deed::record(
            db,
            &actor,
            NewGoodDeed {
                client_mutation_id: Uuid::now_v7(),
                group_id: group.id,
                household_id: household,
                category: DEMO_DEEDS[n % DEMO_DEEDS.len()].0,
                occurred_on: campaign.starts_on + chrono::Duration::days(10 + 12 * n as i64),
                description: DEMO_DEEDS[n % DEMO_DEEDS.len()].1.to_owned(),
            },
            today,
        )
        .await?;
        match n % 4 {
            0 | 1 => {
                service::good_deed::verify(db, &caches, &actor, deed.id, true, Some("Đã xác minh".into()))
                    .await?;
            }
            2 if n % 8 == 2 => {
                service::good_deed::verify(
                    db,
                    &caches,
                    &actor,
                    deed.id,
                    false,
                    Some("Chưa đủ căn cứ".into()),
                )
                .await?;
            }
            _ => {}
        }
    }
    Ok(true)
}
