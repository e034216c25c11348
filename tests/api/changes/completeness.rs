//! The feed never skips a committed change: several tasks write (households created and updated,
//! pledges recorded and withdrawn, good deeds recorded and verified) while readers page the feed from
//! their last cursor; once the writers are done and a read says nothing more is waiting, the pages
//! together hold every row of the database in its final state. On PostgreSQL commits really interleave
//! and land out of order; a second test provokes that order on purpose.

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration as StdDuration, Instant},
};

use pledge_api::{
    entities::{good_deed, household, pledge},
    service::changes::EntityType,
};
use sea_orm::{ActiveEnum, ConnectionTrait, DbBackend, EntityTrait, Statement, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{FeedPage, changes, end_of_feed, feed_page};
use crate::{
    good_deeds::{CATEGORIES, deed_input, open_campaign_for, pledge_input},
    helpers::{TestApp, backend},
    world::{World, vietnam_today},
};

/// Writer tasks and the households each writes; every household brings four to six changes.
const ITERATIONS: usize = 40;

/// How long the readers may take to receive changes held back by transactions still running on the
/// server (possibly of other tests' databases) once the writers are done.
const SETTLE: StdDuration = StdDuration::from_secs(30);

const READ: &str = "query($since: String) { changes(since: $since, first: 7) {
    households { id version status } pledges { id status } goodDeeds { id status } cursor hasMore
} }";

/// The state of each row, by kind and id: a household's "vN STATUS", a pledge's or deed's status.
type States = BTreeMap<(&'static str, String), String>;

/// Sends `query` with `token`, asserting success, and returns `data`.
async fn ok(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let body = app.gql_with(Some(token), query, variables).await;
    assert!(body.get("errors").is_none(), "a write failed on {}: {body:#}", backend(app));
    body["data"].clone()
}

/// One writer: `ITERATIONS` households in `group_id`, each created, updated, pledged, given a good deed;
/// some pledges withdrawn and, for officials and admins, some deeds verified or rejected.
async fn write(world: Arc<World>, writer: usize, token: String, group_id: String, campaign_id: String) {
    let app = &world.app;
    let today = vietnam_today(app);
    let may_verify = token != world.leader_token;
    for i in 0..ITERATIONS {
        let code = format!("T{writer}-{i}");
        let created = ok(
            app,
            &token,
            "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }",
            json!({ "input": {
                "groupId": group_id, "code": code, "headName": "Hộ mới", "address": "Số 1 Lê Hoàn", "memberCount": 2
            } }),
        )
        .await;
        let household_id = created["createHousehold"]["id"].as_str().expect("id").to_owned();
        ok(
            app,
            &token,
            "mutation($id: ID!, $n: Int!) { updateHousehold(id: $id, expectedVersion: 1, input: { memberCount: $n }) { id } }",
            json!({ "id": household_id, "n": 3 + i % 5 }),
        )
        .await;
        let pledge = ok(
            app,
            &token,
            "mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { id } }",
            json!({ "input": pledge_input(&household_id, &campaign_id, today) }),
        )
        .await;
        let deed = ok(
            app,
            &token,
            "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }",
            json!({ "input": deed_input(&group_id, Some(&household_id), CATEGORIES[i % CATEGORIES.len()], &code) }),
        )
        .await;
        if i % 3 == 2 {
            ok(
                app,
                &token,
                "mutation($id: ID!) { withdrawPledge(id: $id) { id } }",
                json!({ "id": pledge["recordPledge"]["id"] }),
            )
            .await;
        }
        if may_verify && i % 4 == 1 {
            ok(
                app,
                &token,
                "mutation($id: ID!, $approve: Boolean!) { verifyGoodDeed(id: $id, approve: $approve) { id } }",
                json!({ "id": deed["recordGoodDeed"]["id"], "approve": i % 8 == 1 }),
            )
            .await;
        }
    }
}

/// What a reader received: the last state of every row, and how the reading went.
#[derive(Default)]
struct Received {
    states: States,
    cursor: Option<String>,
    pages: usize,
    /// Pages with rows read while the writers were still running: the reading really overlapped.
    rows_pages_while_writing: usize,
    /// Reads after the final `hasMore: false` until held-back changes arrived.
    settle_reads: usize,
}

impl Received {
    /// Reads one page after the last cursor and keeps what it holds; returns `hasMore` and the number
    /// of rows.
    async fn read(&mut self, app: &TestApp, token: &str) -> (bool, usize) {
        let body = app.gql_with(Some(token), READ, json!({ "since": self.cursor })).await;
        assert!(body.get("errors").is_none(), "changes failed on {}: {body:#}", backend(app));
        let set = &body["data"]["changes"];
        let mut rows = 0;
        for (kind, list) in [("household", "households"), ("pledge", "pledges"), ("good_deed", "goodDeeds")] {
            for node in set[list].as_array().expect("a list") {
                let state = match kind {
                    "household" => {
                        format!("v{} {}", node["version"], node["status"].as_str().expect("status"))
                    }
                    _ => node["status"].as_str().expect("status").to_owned(),
                };
                self.states.insert((kind, node["id"].as_str().expect("id").to_owned()), state);
                rows += 1;
            }
        }
        self.cursor = Some(set["cursor"].as_str().expect("cursor").to_owned());
        self.pages += 1;
        (set["hasMore"].as_bool().expect("hasMore"), rows)
    }
}

/// Pages the feed from the start until the writers are done and a read started after that says nothing
/// more is waiting.
async fn read_while_writing(world: Arc<World>, token: String, done: Arc<AtomicBool>) -> Received {
    let mut received = Received::default();
    loop {
        let writers_done = done.load(Ordering::SeqCst);
        let (has_more, rows) = received.read(&world.app, &token).await;
        if writers_done && !has_more {
            return received;
        }
        if !writers_done && rows > 0 {
            received.rows_pages_while_writing += 1;
        }
        tokio::task::yield_now().await;
    }
}

/// Every household, pledge and good deed in the database (of `group_id` only, when given), in its
/// current state.
async fn stored_states(app: &TestApp, group_id: Option<Uuid>) -> States {
    let in_scope = |group: Uuid| group_id.is_none_or(|g| g == group);
    let mut states = States::new();
    for h in household::Entity::find().all(&app.db).await.expect("households") {
        if in_scope(h.group_id) {
            states.insert(("household", h.id.to_string()), format!("v{} {}", h.version, h.status.to_value()));
        }
    }
    for p in pledge::Entity::find().all(&app.db).await.expect("pledges") {
        if in_scope(p.group_id) {
            states.insert(("pledge", p.id.to_string()), p.status.to_value());
        }
    }
    for d in good_deed::Entity::find().all(&app.db).await.expect("good deeds") {
        if in_scope(d.group_id) {
            states.insert(("good_deed", d.id.to_string()), d.status.to_value());
        }
    }
    states
}

/// What differs between what a reader received and what is stored.
fn differences(received: &States, stored: &States) -> Vec<String> {
    let mut differences = Vec::new();
    for (key, state) in stored {
        match received.get(key) {
            None => differences.push(format!("never received {key:?} ({state})")),
            Some(seen) if seen != state => {
                differences.push(format!("{key:?}: last received {seen}, stored {state}"))
            }
            Some(_) => {}
        }
    }
    for key in received.keys().filter(|key| !stored.contains_key(*key)) {
        differences.push(format!("received {key:?}, which is not stored in the reader's scope"));
    }
    differences
}

/// After the final read, reads on from the last cursor while changes are still held back (a skipped
/// change never comes: the cursor is past it) and returns what still differs.
async fn settle(app: &TestApp, token: &str, received: &mut Received, stored: &States) -> Vec<String> {
    let deadline = Instant::now() + SETTLE;
    loop {
        let differences = differences(&received.states, stored);
        if differences.is_empty() || Instant::now() > deadline {
            return differences;
        }
        received.read(app, token).await;
        received.settle_reads += 1;
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_read_while_six_tasks_write_hold_every_committed_change_in_its_final_state() {
    // Arrange
    let world = Arc::new(World::build().await);
    let campaign_id = open_campaign_for(&world.app, None).await;
    let admin = world.app.admin_token.clone();
    let writers = [
        (admin.clone(), world.foreign_group_id.clone()),
        (admin.clone(), world.other_group_id.clone()),
        (world.official_token.clone(), world.other_group_id.clone()),
        (world.official_token.clone(), world.group_id.clone()),
        (world.leader_token.clone(), world.group_id.clone()),
        (world.leader_token.clone(), world.group_id.clone()),
    ];
    let done = Arc::new(AtomicBool::new(false));

    // Act
    let admin_reader = tokio::spawn(read_while_writing(world.clone(), admin.clone(), done.clone()));
    let leader_reader =
        tokio::spawn(read_while_writing(world.clone(), world.leader_token.clone(), done.clone()));
    let mut writing = tokio::task::JoinSet::new();
    for (n, (token, group_id)) in writers.into_iter().enumerate() {
        writing.spawn(write(world.clone(), n, token, group_id, campaign_id.clone()));
    }
    while let Some(written) = writing.join_next().await {
        written.expect("a writer panicked");
    }
    done.store(true, Ordering::SeqCst);
    let mut by_admin = admin_reader.await.expect("the admin's reader");
    let mut by_leader = leader_reader.await.expect("the leader's reader");

    // Assert
    let app = &world.app;
    let everything = stored_states(app, None).await;
    let group_1 = Uuid::parse_str(&world.group_id).expect("uuid");
    let leaders = stored_states(app, Some(group_1)).await;
    assert_eq!(
        everything.keys().filter(|(kind, _)| *kind == "household").count(),
        3 + 6 * ITERATIONS,
        "every writer finished"
    );
    let admin_missing = settle(app, &admin, &mut by_admin, &everything).await;
    let leader_missing = settle(app, &world.leader_token, &mut by_leader, &leaders).await;
    let report = |who: &str, r: &Received, missing: &[String]| {
        format!(
            "{who} on {}: {} pages ({} with rows while writing, {} reads after the end), {} of {} rows wrong:\n{}",
            backend(app),
            r.pages,
            r.rows_pages_while_writing,
            r.settle_reads,
            missing.len(),
            r.states.len(),
            missing.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
        )
    };
    eprintln!(
        "{}\n{}",
        report("admin", &by_admin, &admin_missing),
        report("leader", &by_leader, &leader_missing)
    );
    assert!(admin_missing.is_empty(), "{}", report("admin", &by_admin, &admin_missing));
    assert!(leader_missing.is_empty(), "{}", report("leader", &by_leader, &leader_missing));
    assert!(
        by_admin.rows_pages_while_writing > 0,
        "{}",
        report("admin read only after the writers", &by_admin, &[])
    );
}

#[tokio::test]
async fn on_postgresql_a_change_committed_after_a_later_transaction_is_still_delivered() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    if !app.database.is_postgres() {
        // SQLite writers hold the database's only write lock in turn: commits cannot come out of order.
        return;
    }
    let households = ["H1 v1 ACTIVE", "H2 v1 ACTIVE", "H21 v1 ACTIVE"];
    let cursor = end_of_feed(app, &app.admin_token, &FeedPage::of(&households, &[], &[], false)).await;
    let uuid = |id: &str| Uuid::parse_str(id).expect("uuid");
    // A transaction records a change of H1 and stays open...
    let slow = app.db.begin().await.expect("begin");
    let change = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO change_log (tx, entity_type, entity_id, group_id, ward_id, changed_at) \
         VALUES (pg_current_xact_id()::text::bigint, $1, $2, $3, $4, now())",
        [
            EntityType::Household.into(),
            uuid(&world.household_id).into(),
            uuid(&world.group_id).into(),
            uuid(&world.ward_id).into(),
        ],
    );
    slow.execute_raw(change).await.expect("record a change");
    // ...while a later one changes H2 and commits first.
    ok(
        app,
        &app.admin_token,
        "mutation($id: ID!) { updateHousehold(id: $id, expectedVersion: 1, input: { memberCount: 7 }) { id } }",
        json!({ "id": world.other_household_id }),
    )
    .await;
    let mut pages = vec![feed_page(&changes(app, Some(&app.admin_token), Some(&cursor), Some(100)).await)];

    // Act
    slow.commit().await.expect("commit");
    let deadline = Instant::now() + SETTLE;
    loop {
        let since = pages.last().expect("a page").cursor.clone();
        pages.push(feed_page(&changes(app, Some(&app.admin_token), Some(&since), Some(100)).await));
        let received: Vec<&String> = pages.iter().flat_map(|p| &p.households).collect();
        if received.len() >= 2 || Instant::now() > deadline {
            break;
        }
        tokio::task::yield_now().await;
    }

    // Assert
    let mut received: Vec<String> = pages.iter().flat_map(|p| p.households.clone()).collect();
    received.sort();
    assert_eq!(received, ["H1 v1 ACTIVE", "H2 v2 ACTIVE"], "{pages:#?}");
    assert!(pages.iter().all(|p| p.pledges.is_empty() && p.good_deeds.is_empty()), "{pages:#?}");
}
