//! Demo data: Phường Lam Sơn (Thanh Hóa) with twelve residential groups of realistic households.
//!
//! Seeding is idempotent: it runs in one transaction and does nothing when the demo ward exists.
//! The generator is deterministic, so every newcomer sees the same names.

use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    auth::{Actor, Role, password::Passwords},
    domain::{household::HouseholdStatus, text::natural_sort_key},
    entities::{app_user, household, residential_group, ward},
    error::{AppError, AppResult},
    service::{
        self,
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
    let txn = service::begin_write(db).await?;
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
                    status: Set(HouseholdStatus::Active.as_db().to_owned()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
            })
            .collect();
        household::Entity::insert_many(households).exec(&txn).await?;
    }
    txn.commit().await.map_err(AppError::from)?;
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

/// The demo users, one per role: `admin`, `lamson.official`, `tdp11.leader`, `tdp12.leader`.
pub const DEMO_USERS: [DemoUser; 4] = [
    DemoUser { username: "admin", role: "ADMIN: everything" },
    DemoUser { username: "lamson.official", role: "WARD_OFFICIAL of Phường Lam Sơn" },
    DemoUser { username: "tdp11.leader", role: "GROUP_LEADER of Tổ dân phố 11" },
    DemoUser { username: "tdp12.leader", role: "GROUP_LEADER of Tổ dân phố 12" },
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
    ];
    let display_names =
        ["Quản trị hệ thống", "Công an phường Lam Sơn", "Tổ trưởng TDP 11", "Tổ trưởng TDP 12"];
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
