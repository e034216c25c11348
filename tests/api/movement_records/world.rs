//! What the tests of models, awards and events add to the shared world (`crate::world`): a leader of
//! group 2, the five callers by name, the documents with every field, inputs, and `Records`, every row
//! a call may write including the three new tables.

use pledge_api::entities::{audit_event, award, movement_event, self_management_model};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::{TEST_PASSWORD, TestApp, create_user},
    world::{self, Rows, World},
};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// `root`, ADMIN.
    Admin,
    /// `official.w1`, WARD_OFFICIAL of W1.
    Official,
    /// `official.w2`, WARD_OFFICIAL of W2.
    ForeignOfficial,
    /// `leader.1`, GROUP_LEADER of group 1 (W1).
    Leader,
    /// `leader.2`, GROUP_LEADER of group 2 (W1).
    OtherLeader,
}

/// Every caller, in the order the tables of the tests list them.
pub const EVERYONE: [Who; 5] =
    [Who::Admin, Who::Official, Who::ForeignOfficial, Who::Leader, Who::OtherLeader];

impl Who {
    /// The caller's username.
    pub fn username(self) -> &'static str {
        match self {
            Who::Admin => "root",
            Who::Official => "official.w1",
            Who::ForeignOfficial => "official.w2",
            Who::Leader => "leader.1",
            Who::OtherLeader => "leader.2",
        }
    }
}

/// The shared world plus a leader of group 2.
pub struct Year {
    pub world: World,
    pub other_leader_token: String,
}

impl std::ops::Deref for Year {
    type Target = World;

    fn deref(&self) -> &World {
        &self.world
    }
}

impl Year {
    pub async fn build() -> Self {
        let world = World::build().await;
        let leader = json!([{ "role": "GROUP_LEADER", "groupId": world.other_group_id }]);
        create_user(&world.app, "leader.2", "Tổ trưởng tổ 2", leader).await;
        let other_leader_token = world.app.login("leader.2", TEST_PASSWORD).await;
        Self { world, other_leader_token }
    }

    pub fn app(&self) -> &TestApp {
        &self.world.app
    }

    /// The access token of `who`.
    pub fn token(&self, who: Who) -> &str {
        match who {
            Who::Admin => &self.world.app.admin_token,
            Who::Official => &self.world.official_token,
            Who::ForeignOfficial => &self.world.foreign_official_token,
            Who::Leader => &self.world.leader_token,
            Who::OtherLeader => &self.other_leader_token,
        }
    }

    /// Sends `query` as `who`.
    pub async fn send(&self, who: Who, query: &str, variables: Value) -> Value {
        self.app().gql_with(Some(self.token(who)), query, variables).await
    }

    /// Sends `query` as `who`, asserting success, and returns `data`.
    pub async fn ok(&self, who: Who, query: &str, variables: Value) -> Value {
        let body = self.send(who, query, variables).await;
        assert!(body.get("errors").is_none(), "{who:?}: unexpected errors: {body:#}");
        body["data"].clone()
    }
}

/// Every row of `Rows` and of the models, awards and events tables, each ordered by id.
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    pub rows: Rows,
    pub models: Vec<self_management_model::Model>,
    pub awards: Vec<award::Model>,
    pub events: Vec<movement_event::Model>,
}

impl Records {
    pub async fn take(app: &TestApp) -> Self {
        Self {
            rows: Rows::take(app).await,
            models: self_management_model::Entity::find()
                .order_by_asc(self_management_model::Column::Id)
                .all(&app.db)
                .await
                .expect("models"),
            awards: award::Entity::find().order_by_asc(award::Column::Id).all(&app.db).await.expect("awards"),
            events: movement_event::Entity::find()
                .order_by_asc(movement_event::Column::Id)
                .all(&app.db)
                .await
                .expect("events"),
        }
    }

    /// The tables whose rows differ between `self` and `later`.
    pub fn changed_tables(&self, later: &Self) -> Vec<&'static str> {
        let mut changed = self.rows.changed_tables(&later.rows);
        for (table, differs) in [
            ("self_management_model", self.models != later.models),
            ("award", self.awards != later.awards),
            ("movement_event", self.events != later.events),
        ] {
            if differs {
                changed.push(table);
            }
        }
        changed
    }

    /// The audit events written since `earlier`, oldest first.
    pub fn audit_since(&self, earlier: &Self) -> Vec<&audit_event::Model> {
        self.rows.audit_events_since(&earlier.rows)
    }

    /// The id of the user `who`.
    pub fn user_id(&self, who: Who) -> Uuid {
        self.rows.snapshot.user(who.username()).id
    }
}

/// Asserts an error with `code` (and `field`, when given), no data, and nothing written.
#[track_caller]
pub fn assert_refused(
    body: &Value,
    code: &str,
    field: Option<&str>,
    before: &Records,
    after: &Records,
    case: &str,
) {
    world::assert_refused(body, code, field, case);
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{case}: one error: {body:#}");
    assert_eq!(before.changed_tables(after), Vec::<&str>::new(), "{case}: tables written");
}

/// Asserts that exactly one audit event was written since `before`, by `who`, with `action` about
/// `target` in `ward`; returns its summary.
#[track_caller]
pub fn assert_one_audit_event(
    before: &Records,
    after: &Records,
    who: Who,
    action: &str,
    target: &str,
    ward: &str,
) -> Value {
    let events = after.audit_since(before);
    assert_eq!(events.len(), 1, "{action}: one audit event: {events:#?}");
    let event = events[0];
    assert_eq!(event.action, action);
    assert_eq!(event.actor_id, Some(after.user_id(who)), "{action}: the caller is the actor");
    assert_eq!(event.target_id.map(|id| id.to_string()).as_deref(), Some(target), "{action}: target");
    assert_eq!(event.ward_id.map(|id| id.to_string()).as_deref(), Some(ward), "{action}: ward");
    serde_json::from_str(&event.summary).expect("a JSON summary")
}

/// A fresh idempotency key.
pub fn key() -> String {
    Uuid::now_v7().to_string()
}
