//! The world every matrix case runs in: two wards, three groups, a household in each group, and a user
//! for each role, so "in scope" and "out of scope" name real rows.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use super::{Caller, Scope};
use crate::{
    helpers::{TEST_PASSWORD, TestApp, create_group, create_user, create_ward, spawn_app, unknown_id},
    world::open_campaign_around_today,
};

/// A row of the fixture: its id and the code and name the API shows.
#[derive(Debug, Clone)]
pub struct Place {
    pub id: String,
    pub code: &'static str,
    pub name: &'static str,
}

/// Ward A ("WA", groups 11 and 12) and ward B ("WB", group 21), one household per group; `official.a`
/// is WARD_OFFICIAL of ward A, `leader.11` is GROUP_LEADER of group 11, `police.a` is WARD_POLICE of
/// ward A. `official.b`, `leader.21` and `police.b` hold the same roles in ward B, so lists have
/// someone to leave out. Three open campaigns whose window
/// holds today: one for every ward, one for ward A, one for ward B (the place's name is the title).
pub struct World {
    pub app: TestApp,
    pub ward_a: Place,
    pub ward_b: Place,
    pub group_11: Place,
    pub group_12: Place,
    pub group_21: Place,
    pub household_11: Place,
    pub household_12: Place,
    pub household_21: Place,
    pub campaign_all: Place,
    pub campaign_a: Place,
    pub campaign_b: Place,
    official_token: String,
    leader_token: String,
    police_token: String,
    counter: AtomicUsize,
}

pub const OFFICIAL_NAME: &str = "Cán bộ phường Lam Sơn";
pub const LEADER_NAME: &str = "Tổ trưởng tổ 11";
pub const POLICE_NAME: &str = "Công an phường Lam Sơn";
pub const CAMPAIGN_ALL: &str = "Chiến dịch toàn thành phố";
pub const CAMPAIGN_A: &str = "Chiến dịch phường Lam Sơn";
pub const CAMPAIGN_B: &str = "Chiến dịch phường Ba Đình";

/// An open campaign whose window holds today (60 days either side), made by the administrator.
pub async fn open_campaign(app: &TestApp, title: &str, ward_id: Option<&str>) -> String {
    open_campaign_around_today(app, title, ward_id, 60).await
}

async fn household(
    app: &TestApp,
    group_id: &str,
    code: &'static str,
    head: &'static str,
    phone: &str,
) -> Place {
    let data = app
        .gql_ok(
            "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }",
            json!({ "input": {
                "groupId": group_id, "code": code, "headName": head,
                "address": format!("Số {code} Lê Hoàn"), "memberCount": 3, "phone": phone
            } }),
        )
        .await;
    Place { id: data["createHousehold"]["id"].as_str().expect("id").to_owned(), code, name: head }
}

impl World {
    pub async fn build() -> Self {
        let app = spawn_app().await;
        let ward = |id: String, code, name| Place { id, code, name };
        let ward_a = ward(create_ward(&app, "WA", "Phường Lam Sơn").await, "WA", "Phường Lam Sơn");
        let ward_b = ward(create_ward(&app, "WB", "Phường Ba Đình").await, "WB", "Phường Ba Đình");
        let group = |id: String, code| Place {
            id,
            code,
            name: match code {
                "11" => "Tổ dân phố 11",
                "12" => "Tổ dân phố 12",
                _ => "Tổ dân phố 21",
            },
        };
        let group_11 = group(create_group(&app, &ward_a.id, "11").await, "11");
        let group_12 = group(create_group(&app, &ward_a.id, "12").await, "12");
        let group_21 = group(create_group(&app, &ward_b.id, "21").await, "21");
        let household_11 = household(&app, &group_11.id, "H11", "Nguyễn Văn An", "0912 345 611").await;
        let household_12 = household(&app, &group_12.id, "H12", "Trần Thị Bình", "0912 345 612").await;
        let household_21 = household(&app, &group_21.id, "H21", "Lê Văn Cường", "0912 345 621").await;
        create_user(
            &app,
            "official.a",
            OFFICIAL_NAME,
            json!([{ "role": "WARD_OFFICIAL", "wardId": ward_a.id }]),
        )
        .await;
        create_user(
            &app,
            "leader.11",
            LEADER_NAME,
            json!([{ "role": "GROUP_LEADER", "groupId": group_11.id }]),
        )
        .await;
        create_user(
            &app,
            "official.b",
            "Cán bộ phường Ba Đình",
            json!([{ "role": "WARD_OFFICIAL", "wardId": ward_b.id }]),
        )
        .await;
        create_user(
            &app,
            "leader.21",
            "Tổ trưởng tổ 21",
            json!([{ "role": "GROUP_LEADER", "groupId": group_21.id }]),
        )
        .await;
        for (username, name, ward) in
            [("police.a", POLICE_NAME, &ward_a), ("police.b", "Công an phường Ba Đình", &ward_b)]
        {
            create_user(&app, username, name, json!([{ "role": "WARD_POLICE", "wardId": ward.id }])).await;
        }
        let official_token = app.login("official.a", TEST_PASSWORD).await;
        let leader_token = app.login("leader.11", TEST_PASSWORD).await;
        let police_token = app.login("police.a", TEST_PASSWORD).await;
        let campaign = |id: String, code, name| Place { id, code, name };
        let campaign_all = campaign(open_campaign(&app, CAMPAIGN_ALL, None).await, "ALL", CAMPAIGN_ALL);
        let campaign_a = campaign(open_campaign(&app, CAMPAIGN_A, Some(&ward_a.id)).await, "A", CAMPAIGN_A);
        let campaign_b = campaign(open_campaign(&app, CAMPAIGN_B, Some(&ward_b.id)).await, "B", CAMPAIGN_B);
        Self {
            app,
            ward_a,
            ward_b,
            group_11,
            group_12,
            group_21,
            household_11,
            household_12,
            household_21,
            campaign_all,
            campaign_a,
            campaign_b,
            official_token,
            leader_token,
            police_token,
            counter: AtomicUsize::new(0),
        }
    }

    /// The access token `caller` sends (none for anonymous).
    pub fn token(&self, caller: Caller) -> Option<String> {
        match caller {
            Caller::Admin => Some(self.app.admin_token.clone()),
            Caller::Official => Some(self.official_token.clone()),
            Caller::Leader => Some(self.leader_token.clone()),
            Caller::Police => Some(self.police_token.clone()),
            Caller::Anonymous => None,
        }
    }

    /// The user `caller` signs in as; anonymous callers borrow the leader's credentials where an
    /// operation needs some (`login`, `refreshSession`).
    pub fn username(&self, caller: Caller) -> &'static str {
        match caller {
            Caller::Admin => "root",
            Caller::Official => "official.a",
            Caller::Police => "police.a",
            Caller::Leader | Caller::Anonymous => "leader.11",
        }
    }

    /// The role assignment `caller` holds, as a `RoleAssignmentInput`, to make more users like them.
    pub fn assignment_of(&self, caller: Caller) -> Value {
        match caller {
            Caller::Admin => json!({ "role": "ADMIN" }),
            Caller::Official => json!({ "role": "WARD_OFFICIAL", "wardId": self.ward_a.id }),
            Caller::Police => json!({ "role": "WARD_POLICE", "wardId": self.ward_a.id }),
            Caller::Leader | Caller::Anonymous => {
                json!({ "role": "GROUP_LEADER", "groupId": self.group_11.id })
            }
        }
    }

    /// A number no other case of this world has used, for unique codes and usernames.
    pub fn unique(&self) -> usize {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// The ward a ward-level operation targets.
    pub fn ward(&self, scope: Scope) -> Option<&Place> {
        match scope {
            Scope::Own => Some(&self.ward_a),
            Scope::Foreign => Some(&self.ward_b),
            Scope::Missing => None,
            Scope::Unscoped | Scope::Neighbour => panic!("no ward is {scope:?}"),
        }
    }

    /// The group a group-level operation targets.
    pub fn group(&self, scope: Scope) -> Option<&Place> {
        match scope {
            Scope::Own => Some(&self.group_11),
            Scope::Neighbour => Some(&self.group_12),
            Scope::Foreign => Some(&self.group_21),
            Scope::Missing => None,
            Scope::Unscoped => panic!("no group is {scope:?}"),
        }
    }

    /// The household a household-level read targets.
    pub fn household(&self, scope: Scope) -> Option<&Place> {
        match scope {
            Scope::Own => Some(&self.household_11),
            Scope::Neighbour => Some(&self.household_12),
            Scope::Foreign => Some(&self.household_21),
            Scope::Missing => None,
            Scope::Unscoped => panic!("no household is {scope:?}"),
        }
    }

    /// The campaign a campaign operation targets: the one for every ward (`Unscoped`), ward A's
    /// (`Own`) or ward B's (`Foreign`).
    pub fn campaign(&self, scope: Scope) -> Option<&Place> {
        match scope {
            Scope::Unscoped => Some(&self.campaign_all),
            Scope::Own => Some(&self.campaign_a),
            Scope::Foreign => Some(&self.campaign_b),
            Scope::Missing => None,
            Scope::Neighbour => panic!("no campaign is {scope:?}"),
        }
    }

    /// The ward of the campaigns a campaign operation on `scope` targets; none for every ward.
    pub fn campaign_ward(&self, scope: Scope) -> Option<&Place> {
        match scope {
            Scope::Own => Some(&self.ward_a),
            Scope::Foreign => Some(&self.ward_b),
            _ => None,
        }
    }

    /// The ward of a group of the fixture.
    pub fn ward_of(&self, group: &Place) -> &Place {
        if group.id == self.group_21.id { &self.ward_b } else { &self.ward_a }
    }

    /// The group of a household of the fixture.
    pub fn group_of(&self, household: &Place) -> &Place {
        [
            (&self.household_11, &self.group_11),
            (&self.household_12, &self.group_12),
            (&self.household_21, &self.group_21),
        ]
        .into_iter()
        .find_map(|(h, g)| (h.id == household.id).then_some(g))
        .expect("a household of the fixture")
    }
}

/// The id of `place`, or one that names nothing when the scope is `Missing`.
pub fn id_or_unknown(place: Option<&Place>) -> String {
    place.map_or_else(unknown_id, |p| p.id.clone())
}
