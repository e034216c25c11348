//! The three tables as the migration makes them on the backend under test: every stored enum round-trips
//! and the checks refuse rows the services never write; the year-end report's reads (a ward's rows of a
//! year, active models and awards counted per group) are answered from indexes; and without a token
//! every operation is refused before anything runs.

use pledge_api::{
    domain::movement::{AwardIssuer, AwardStatus, EventKind, ModelKind, ModelStatus},
    entities::{award, movement_event, self_management_model as model},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement, TransactionTrait,
    sea_query::{Expr, SimpleExpr},
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    awards::{collective, create_mutation as create_award},
    events::{create_mutation as create_event, event_input},
    models::{create_mutation as create_model, model_input, update_mutation as update_model},
    world::{Records, Who, Year, assert_refused},
};
use crate::{helpers::unknown_id, stored_enums::every_value_round_trips};

fn id(value: &Value) -> Uuid {
    value["id"].as_str().expect("an id").parse().expect("a UUID")
}

/// Whether the database refuses to make `changes` to row `id` of `E`.
async fn refused<E: EntityTrait>(
    year: &Year,
    id_column: E::Column,
    id: Uuid,
    changes: Vec<(E::Column, SimpleExpr)>,
) -> bool {
    let mut update = E::update_many().filter(id_column.eq(id));
    for (column, value) in changes {
        update = update.col_expr(column, value);
    }
    update.exec(&year.app().db).await.is_err()
}

#[tokio::test]
async fn stored_enums_round_trip_and_the_checks_refuse_rows_the_service_never_writes() {
    // Arrange: one row of each table.
    let year = Year::build().await;
    let m = id(&year
        .ok(Who::Admin, &create_model(), json!({ "input": model_input(&year.ward_id, None, "M") }))
        .await["createSelfManagementModel"]);
    let e = id(&year
        .ok(Who::Admin, &create_event(), json!({ "input": event_input(&year.ward_id, None, "E") }))
        .await["createMovementEvent"]);
    let a = id(&year
        .ok(Who::Admin, &create_award(), json!({ "input": collective(&year.ward_id, &year.group_id) }))
        .await["createAward"]);
    let db = &year.app().db;

    // Act and assert
    every_value_round_trips::<model::Entity, ModelKind>(
        db,
        model::Column::Id,
        m,
        model::Column::Kind,
        |r| r.kind,
        "CCTV",
    )
    .await;
    every_value_round_trips::<movement_event::Entity, EventKind>(
        db,
        movement_event::Column::Id,
        e,
        movement_event::Column::Kind,
        |r| r.kind,
        "festival",
    )
    .await;
    every_value_round_trips::<award::Entity, AwardIssuer>(
        db,
        award::Column::Id,
        a,
        award::Column::Issuer,
        |r| r.issuer,
        "MINISTRY",
    )
    .await;
    // ENDED needs an end day and REVOKED a reason: set them first. Both recipient kinds are written
    // through the API in the award tests (the check ties each to its own fields).
    set_end(db, m).await;
    every_value_round_trips::<model::Entity, ModelStatus>(
        db,
        model::Column::Id,
        m,
        model::Column::Status,
        |r| r.status,
        "PAUSED",
    )
    .await;
    award::Entity::update_many()
        .col_expr(award::Column::RevocationReason, Expr::val("Lý do"))
        .filter(award::Column::Id.eq(a))
        .exec(db)
        .await
        .expect("a reason");
    every_value_round_trips::<award::Entity, AwardStatus>(
        db,
        award::Column::Id,
        a,
        award::Column::Status,
        |r| r.status,
        "VOID",
    )
    .await;

    let model_checks: [(&str, Vec<(model::Column, SimpleExpr)>); 4] = [
        ("an end before the start", vec![(model::Column::StartedOn, date("2024-01-01"))]),
        (
            "ENDED without an end",
            vec![
                (model::Column::Status, Expr::val("ENDED")),
                (model::Column::EndedOn, Expr::val(Option::<chrono::NaiveDate>::None)),
            ],
        ),
        ("a negative household count", vec![(model::Column::ParticipatingHouseholdCount, Expr::val(-1))]),
        ("a negative unit count", vec![(model::Column::UnitCount, Expr::val(-1))]),
    ];
    for (case, changes) in model_checks {
        assert!(refused::<model::Entity>(&year, model::Column::Id, m, changes).await, "{case} was stored");
    }
    let award_checks: [(&str, Vec<(award::Column, SimpleExpr)>); 3] = [
        (
            "a collective award naming a person",
            vec![(award::Column::RecipientName, Expr::val("Nguyễn Văn An"))],
        ),
        (
            "an individual award without a name",
            vec![
                (award::Column::RecipientKind, Expr::val("INDIVIDUAL")),
                (award::Column::RecipientName, Expr::val(Option::<String>::None)),
            ],
        ),
        (
            "a revocation without a reason",
            vec![
                (award::Column::Status, Expr::val("REVOKED")),
                (award::Column::RevocationReason, Expr::val(Option::<String>::None)),
            ],
        ),
    ];
    for (case, changes) in award_checks {
        assert!(refused::<award::Entity>(&year, award::Column::Id, a, changes).await, "{case} was stored");
    }
    let attendance = vec![(movement_event::Column::Attendance, Expr::val(-1))];
    assert!(
        refused::<movement_event::Entity>(&year, movement_event::Column::Id, e, attendance).await,
        "a negative attendance"
    );
}

/// A date literal both backends compare as a date.
fn date(text: &str) -> SimpleExpr {
    Expr::val(chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date"))
}

async fn set_end(db: &sea_orm::DatabaseConnection, id: Uuid) {
    model::Entity::update_many()
        .col_expr(model::Column::EndedOn, date("2023-12-31"))
        .filter(model::Column::Id.eq(id))
        .exec(db)
        .await
        .expect("an end day");
}

/// The plan the backend makes for `sql`, as text (on PostgreSQL with sequential scans off, as for a
/// table large enough that they would cost more: a read no index serves still scans).
async fn plan(year: &Year, sql: &str) -> String {
    let db = &year.app().db;
    let backend = db.get_database_backend();
    let txn = db.begin().await.expect("begin");
    let explain = if backend == DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL enable_seqscan = off").await.expect("planner setting");
        format!("EXPLAIN {sql}")
    } else {
        format!("EXPLAIN QUERY PLAN {sql}")
    };
    let rows = txn.query_all_raw(Statement::from_string(backend, explain)).await.expect("a plan");
    txn.rollback().await.ok();
    let column = if backend == DbBackend::Postgres { "QUERY PLAN" } else { "detail" };
    rows.iter()
        .map(|row| row.try_get::<String>("", column).expect("plan text"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_year_end_reads_are_answered_from_indexes() {
    // Arrange
    let year = Year::build().await;
    let ward = if year.app().database.is_postgres() {
        format!("'{}'::uuid", year.ward_id)
    } else {
        "'w'".to_owned()
    };
    let day =
        |d: &str| if year.app().database.is_postgres() { format!("'{d}'::date") } else { format!("'{d}'") };
    let reads = [
        (
            format!(
                "SELECT group_id, COUNT(*) FROM self_management_model WHERE ward_id = {ward} AND status = 'ACTIVE' GROUP BY group_id"
            ),
            "self_management_model_ward_status_group_idx",
        ),
        (
            format!(
                "SELECT id FROM self_management_model WHERE ward_id = {ward} AND started_on <= {}",
                day("2023-10-31")
            ),
            "self_management_model_ward_started_idx",
        ),
        (
            format!(
                "SELECT group_id, COUNT(*) FROM award WHERE ward_id = {ward} AND year = 2023 AND status = 'ACTIVE' GROUP BY group_id"
            ),
            "award_ward_year_status_group_idx",
        ),
        (
            format!(
                "SELECT id FROM movement_event WHERE ward_id = {ward} AND held_on BETWEEN {} AND {}",
                day("2022-11-01"),
                day("2023-10-31")
            ),
            "movement_event_ward_held_idx",
        ),
    ];
    for (sql, index) in reads {
        // Act
        let plan = plan(&year, &sql).await;

        // Assert: PostgreSQL may pick any index on the ward for tables this small; SQLite plans by rule.
        if year.app().database.is_postgres() {
            assert!(
                plan.contains("Index") && !plan.contains("Seq Scan"),
                "{sql}\nshould use an index:\n{plan}"
            );
        } else {
            assert!(plan.contains(index), "{sql}\nshould use {index}:\n{plan}");
        }
    }
}

#[tokio::test]
async fn without_a_token_every_operation_is_unauthenticated_and_writes_nothing() {
    // Arrange
    let year = Year::build().await;
    let model =
        year.ok(Who::Admin, &create_model(), json!({ "input": model_input(&year.ward_id, None, "M") })).await;
    let model_id = model["createSelfManagementModel"]["id"].clone();
    let ward = json!(year.ward_id);
    let operations: [(&str, String, Value); 9] = [
        (
            "selfManagementModels",
            "query($w: ID!) { selfManagementModels(wardId: $w) { totalCount } }".into(),
            json!({ "w": ward }),
        ),
        ("awards", "query($w: ID!) { awards(wardId: $w) { totalCount } }".into(), json!({ "w": ward })),
        (
            "movementEvents",
            "query($w: ID!) { movementEvents(wardId: $w) { totalCount } }".into(),
            json!({ "w": ward }),
        ),
        (
            "createSelfManagementModel",
            create_model(),
            json!({ "input": model_input(&year.ward_id, None, "M") }),
        ),
        (
            "updateSelfManagementModel",
            update_model(),
            json!({ "id": model_id, "v": 1, "input": { "name": "N" } }),
        ),
        ("createAward", create_award(), json!({ "input": collective(&year.ward_id, &year.group_id) })),
        (
            "revokeAward",
            "mutation($id: ID!) { revokeAward(id: $id, expectedVersion: 1, reason: \"R\") { id } }".into(),
            json!({ "id": unknown_id() }),
        ),
        ("createMovementEvent", create_event(), json!({ "input": event_input(&year.ward_id, None, "E") })),
        (
            "updateMovementEvent",
            "mutation($id: ID!) { updateMovementEvent(id: $id, expectedVersion: 1, input: {}) { id } }"
                .into(),
            json!({ "id": unknown_id() }),
        ),
    ];
    for (name, query, variables) in operations {
        let before = Records::take(year.app()).await;

        // Act
        let body = year.app().gql_with(None, &query, variables).await;

        // Assert
        assert_refused(&body, "UNAUTHENTICATED", None, &before, &Records::take(year.app()).await, name);
    }
}
