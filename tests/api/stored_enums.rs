//! Stored enums against the real migrations on the backend under test: every value is written as its
//! exact name and read back as itself, and a name outside the enum is refused by the column's CHECK.

use std::fmt::Debug;

use chrono::{NaiveDate, Utc};
use pledge_api::{
    auth::Role,
    domain::{
        campaign::{CampaignStatus, GoodDeedCategory, GoodDeedStatus, PledgeStatus},
        household::HouseholdStatus,
        incident::IncidentCategory,
        survey::{SatisfactionLevel, SurveyStatus},
    },
    entities::{
        app_user, campaign, change_log, good_deed, household, incident_tally, pledge, role_assignment,
        satisfaction_survey, survey_answer, survey_ballot, survey_question,
    },
    service::changes::EntityType,
};
use sea_orm::{
    ActiveEnum,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IdenStatic, Iterable, QueryFilter,
    QueryOrder,
    sea_query::{Expr, Query},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    drive::draft_campaign,
    helpers::{create_household, spawn_app, ward_with_two_groups},
};

/// Writes every value of `V` into `column` of the row `id` of `E`, checks the stored text is its name
/// and that it reads back as itself; then writes `outsider`, which the database must refuse.
pub(crate) async fn every_value_round_trips<E, V>(
    db: &DatabaseConnection,
    id_column: E::Column,
    id: Uuid,
    column: E::Column,
    read: fn(&E::Model) -> V,
    outsider: &str,
) where
    E: EntityTrait,
    V: ActiveEnum<Value = String> + Into<sea_orm::Value> + Copy + PartialEq + Debug,
{
    for value in V::iter() {
        E::update_many()
            .col_expr(column, Expr::val(value))
            .filter(id_column.eq(id))
            .exec(db)
            .await
            .unwrap_or_else(|e| panic!("{value:?} refused: {e}"));
        let raw = Query::select().column(column).from(E::default()).and_where(id_column.eq(id)).to_owned();
        let row = db.query_one(&raw).await.expect("select").expect("the row");
        let stored: String = row.try_get("", column.as_str()).expect("text");
        assert_eq!(stored, value.to_value(), "stored name of {value:?}");
        let model = E::find().filter(id_column.eq(id)).one(db).await.expect("read").expect("the row");
        assert_eq!(read(&model), value);
    }
    let refused =
        E::update_many().col_expr(column, Expr::val(outsider)).filter(id_column.eq(id)).exec(db).await;
    assert!(refused.is_err(), "{outsider} was stored in {}", column.as_str());
}

#[tokio::test]
async fn every_stored_status_and_category_round_trips_and_the_checks_refuse_other_names() {
    // Arrange: one row of each table with a stored enum.
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let group_id: Uuid = fixture.group_id.parse().expect("a UUID");
    let household_id: Uuid =
        create_household(&app, &fixture.group_id, "1", "Nguyễn Văn An").await.parse().expect("a UUID");
    let campaign_id: Uuid = draft_campaign(&app, "Ký cam kết 2023", None).await.parse().expect("a UUID");
    let now = Utc::now();
    let day = NaiveDate::from_ymd_opt(2023, 5, 19).expect("a date");
    let pledge_id = Uuid::now_v7();
    pledge::Entity::insert(pledge::ActiveModel::from(pledge::Model {
        id: pledge_id,
        household_id,
        campaign_id,
        group_id,
        signer_name: "Nguyễn Văn An".into(),
        signed_on: day,
        note: None,
        status: PledgeStatus::Signed,
        withdrawn_reason: None,
        recorded_by: None,
        recorded_at: now,
        client_mutation_id: Uuid::now_v7(),
        updated_at: now,
    }))
    .exec(&app.db)
    .await
    .expect("insert a pledge");
    let deed_id = Uuid::now_v7();
    good_deed::Entity::insert(good_deed::ActiveModel::from(good_deed::Model {
        id: deed_id,
        group_id,
        household_id: Some(household_id),
        category: GoodDeedCategory::Patrol,
        occurred_on: day,
        description: "Tuần tra ban đêm".into(),
        status: GoodDeedStatus::Reported,
        recorded_by: None,
        recorded_at: now,
        verified_by: None,
        verified_at: None,
        verification_note: None,
        client_mutation_id: Uuid::now_v7(),
        updated_at: now,
    }))
    .exec(&app.db)
    .await
    .expect("insert a good deed");

    // Act and assert
    let db = &app.db;
    every_value_round_trips::<household::Entity, HouseholdStatus>(
        db,
        household::Column::Id,
        household_id,
        household::Column::Status,
        |h| h.status,
        "GONE",
    )
    .await;
    every_value_round_trips::<campaign::Entity, CampaignStatus>(
        db,
        campaign::Column::Id,
        campaign_id,
        campaign::Column::Status,
        |c| c.status,
        "open",
    )
    .await;
    every_value_round_trips::<pledge::Entity, PledgeStatus>(
        db,
        pledge::Column::Id,
        pledge_id,
        pledge::Column::Status,
        |p| p.status,
        "SIGNED ",
    )
    .await;
    every_value_round_trips::<good_deed::Entity, GoodDeedStatus>(
        db,
        good_deed::Column::Id,
        deed_id,
        good_deed::Column::Status,
        |d| d.status,
        "DONE",
    )
    .await;
    every_value_round_trips::<good_deed::Entity, GoodDeedCategory>(
        db,
        good_deed::Column::Id,
        deed_id,
        good_deed::Column::Category,
        |d| d.category,
        "CHARITY",
    )
    .await;
}

#[tokio::test]
async fn every_role_round_trips_with_its_scope_and_the_check_refuses_other_names() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let root = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("root"))
        .one(&app.db)
        .await
        .expect("read")
        .expect("the bootstrap administrator");
    let ward_id: Uuid = fixture.ward_id.parse().expect("a UUID");
    let group_id: Uuid = fixture.group_id.parse().expect("a UUID");
    let assignment = |role: Role| {
        let (ward_id, group_id) = match role {
            Role::Admin => (None, None),
            Role::WardOfficial | Role::WardPolice => (Some(ward_id), None),
            Role::GroupLeader => (None, Some(group_id)),
        };
        role_assignment::Model {
            id: Uuid::now_v7(),
            user_id: root.id,
            role,
            ward_id,
            group_id,
            created_at: Utc::now(),
        }
    };

    // Act and assert
    for role in Role::iter() {
        let written = assignment(role);
        role_assignment::Entity::insert(role_assignment::ActiveModel::from(written.clone()))
            .exec(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{role:?} refused: {e}"));
        let read = role_assignment::Entity::find_by_id(written.id).one(&app.db).await.expect("read");
        // Everything but the timestamp: PostgreSQL keeps microseconds, not nanoseconds.
        let scope = |a: &role_assignment::Model| (a.role, a.user_id, a.ward_id, a.group_id);
        assert_eq!(read.as_ref().map(scope), Some(scope(&written)));
    }
    let outsider = Query::insert()
        .into_table(role_assignment::Entity)
        .columns([
            role_assignment::Column::Id,
            role_assignment::Column::UserId,
            role_assignment::Column::Role,
            role_assignment::Column::CreatedAt,
        ])
        .values_panic([
            Expr::val(Uuid::now_v7()),
            Expr::val(root.id),
            Expr::val("SUPERUSER"),
            Expr::val(Utc::now()),
        ])
        .to_owned();
    assert!(app.db.execute(&outsider).await.is_err(), "an unknown role was stored");
    // The police's scope is a ward: with a group, or with nothing, the check refuses them.
    for (ward, group) in [(None, Some(group_id)), (None, None), (Some(ward_id), Some(group_id))] {
        let police = role_assignment::Model {
            id: Uuid::now_v7(),
            user_id: root.id,
            role: Role::WardPolice,
            ward_id: ward,
            group_id: group,
            created_at: Utc::now(),
        };
        let refused =
            role_assignment::Entity::insert(role_assignment::ActiveModel::from(police)).exec(&app.db).await;
        assert!(refused.is_err(), "WARD_POLICE stored with ward {ward:?} and group {group:?}");
    }
}

#[tokio::test]
async fn every_incident_category_round_trips_and_the_checks_refuse_other_names_and_counts() {
    // Arrange: one tally of ward A.
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let data = app
        .gql_ok(
            "mutation($input: RecordIncidentTallyInput!) { recordIncidentTally(input: $input) { id } }",
            json!({ "input": { "wardId": fixture.ward_id, "month": "2023-07", "category": "FIRE", "count": 2 } }),
        )
        .await;
    let id: Uuid = data["recordIncidentTally"]["id"].as_str().expect("id").parse().expect("a UUID");

    // Act and assert
    every_value_round_trips::<incident_tally::Entity, IncidentCategory>(
        &app.db,
        incident_tally::Column::Id,
        id,
        incident_tally::Column::Category,
        |t| t.category,
        "ARSON",
    )
    .await;
    for count in [-1, 100_001] {
        let refused = incident_tally::Entity::update_many()
            .col_expr(incident_tally::Column::Count, Expr::val(count))
            .filter(incident_tally::Column::Id.eq(id))
            .exec(&app.db)
            .await;
        assert!(refused.is_err(), "a count of {count} was stored");
    }
}

#[tokio::test]
async fn every_kind_of_change_round_trips_through_the_change_log() {
    // Arrange
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let (ward_id, group_id): (Uuid, Uuid) =
        (fixture.ward_id.parse().expect("a UUID"), fixture.group_id.parse().expect("a UUID"));

    // Act
    let written: Vec<(EntityType, Uuid)> = EntityType::iter().map(|kind| (kind, Uuid::now_v7())).collect();
    for (kind, id) in &written {
        let change = change_log::ActiveModel {
            tx: Set(0),
            entity_type: Set(*kind),
            entity_id: Set(*id),
            group_id: Set(group_id),
            ward_id: Set(ward_id),
            changed_at: Set(Utc::now()),
            ..Default::default()
        };
        change_log::Entity::insert(change).exec(&app.db).await.expect("record a change");
    }

    // Assert
    let read: Vec<(EntityType, Uuid)> = change_log::Entity::find()
        .filter(change_log::Column::EntityId.is_in(written.iter().map(|(_, id)| *id)))
        .order_by_asc(change_log::Column::Seq)
        .all(&app.db)
        .await
        .expect("read")
        .into_iter()
        .map(|row| (row.entity_type, row.entity_id))
        .collect();
    assert_eq!(read, written);
    let names: Vec<String> = EntityType::iter().map(|kind| kind.to_value()).collect();
    assert_eq!(names, ["household", "pledge", "good_deed"]);
}

#[tokio::test]
async fn every_survey_status_and_satisfaction_level_round_trips_and_the_checks_refuse_other_names() {
    // Arrange: a survey with a question and a ballot answering it.
    let app = spawn_app().await;
    let fixture = ward_with_two_groups(&app).await;
    let (ward_id, group_id): (Uuid, Uuid) =
        (fixture.ward_id.parse().expect("a UUID"), fixture.group_id.parse().expect("a UUID"));
    let now = Utc::now();
    let (survey_id, question_id, ballot_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    satisfaction_survey::Entity::insert(satisfaction_survey::ActiveModel::from(satisfaction_survey::Model {
        id: survey_id,
        ward_id,
        title: "Khảo sát 2023".into(),
        conducted_on: NaiveDate::from_ymd_opt(2023, 8, 11).expect("a date"),
        event_id: None,
        status: SurveyStatus::Draft,
        version: 1,
        created_by: None,
        client_mutation_id: Uuid::now_v7(),
        created_at: now,
        updated_at: now,
    }))
    .exec(&app.db)
    .await
    .expect("insert a survey");
    let question = survey_question::Model { id: question_id, survey_id, position: 1, text: "Câu 1".into() };
    survey_question::Entity::insert(survey_question::ActiveModel::from(question))
        .exec(&app.db)
        .await
        .expect("a question");
    let ballot = survey_ballot::Model { id: ballot_id, survey_id, group_id, recorded_at: now };
    survey_ballot::Entity::insert(survey_ballot::ActiveModel::from(ballot))
        .exec(&app.db)
        .await
        .expect("a ballot");
    let answer = survey_answer::Model {
        ballot_id,
        question_id,
        survey_id,
        group_id,
        rating: SatisfactionLevel::Neutral,
    };
    survey_answer::Entity::insert(survey_answer::ActiveModel::from(answer))
        .exec(&app.db)
        .await
        .expect("an answer");

    // Act and assert
    let db = &app.db;
    every_value_round_trips::<satisfaction_survey::Entity, SurveyStatus>(
        db,
        satisfaction_survey::Column::Id,
        survey_id,
        satisfaction_survey::Column::Status,
        |s| s.status,
        "ARCHIVED",
    )
    .await;
    every_value_round_trips::<survey_answer::Entity, SatisfactionLevel>(
        db,
        survey_answer::Column::BallotId,
        ballot_id,
        survey_answer::Column::Rating,
        |a| a.rating,
        "VERY_DISSATISFIED",
    )
    .await;
}
