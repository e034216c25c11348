//! The rest of the case's year, recorded through the service as the people who keep it would (each
//! record with its audit row): the five self-management models of Phường Lam Sơn and Tổ dân phố 11, the
//! festival day of 11 August 2023 at Tổ dân phố 11 with its forum "Lắng nghe ý kiến Nhân dân", the
//! residents' satisfaction survey of the ward police taken there on paper (120 ballots, typed in by the
//! group's leader, then closed), certificates of merit from the chairmen of the city's and the ward's
//! People's Committees, and the officials' assessment of every group for 2023.
//!
//! The names of the models, the day and the issuers are the case's; the decision numbers, start dates,
//! unit counts, ballot answers and the other groups' assessments are made up for the demo.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{DEMO_WARD_CODE, Dice};
use crate::{
    auth::Actor,
    domain::{
        movement::{AwardIssuer, EventKind, ModelKind, RecipientKind},
        survey::SatisfactionLevel,
    },
    entities::{app_user, household, residential_group, self_management_model, ward},
    error::{AppError, AppResult},
    service::{
        self,
        assessment::NewAssessment,
        award::NewAward,
        movement_event::NewEvent,
        self_management::NewModel,
        survey::{AnswerInput, BallotInput, NewSurvey},
    },
};

/// The festival day of the case.
const FESTIVAL_DAY: (i32, u32, u32) = (2023, 8, 11);

/// How many paper ballots the demo survey has.
pub const DEMO_BALLOTS: usize = 120;

/// The survey's questions, in ballot order.
const QUESTIONS: [&str; 5] = [
    "Thái độ, tác phong của cán bộ, chiến sĩ Công an phường khi tiếp xúc với Nhân dân",
    "Tinh thần trách nhiệm khi giải quyết thủ tục hành chính về cư trú, căn cước",
    "Tiếp nhận và xử lý tin báo, tố giác về an ninh, trật tự",
    "Tuần tra, kiểm soát, bảo đảm an ninh trật tự trên địa bàn",
    "Đánh giá chung về kết quả công tác của Công an phường",
];

/// A model of the case: name, kind, ward-wide or in Tổ dân phố 11, start, units, households.
struct DemoModel {
    name: &'static str,
    kind: ModelKind,
    ward_wide: bool,
    started_on: (i32, u32, u32),
    units: Option<i64>,
    households: Option<i64>,
    description: &'static str,
}

const MODELS: [DemoModel; 5] = [
    DemoModel {
        name: "Cảm hóa, giáo dục, giúp đỡ người được tha tù, đặc xá",
        kind: ModelKind::Reintegration,
        ward_wide: false,
        started_on: (2021, 3, 1),
        units: None,
        households: Some(6),
        description: "Các hộ trong tổ nhận kèm cặp, giúp người được tha tù, đặc xá tìm việc làm và ổn định cuộc sống.",
    },
    DemoModel {
        name: "Camera giám sát an ninh thông minh phường Lam Sơn",
        kind: ModelKind::SecurityCameras,
        ward_wide: true,
        started_on: (2022, 5, 15),
        units: Some(36),
        households: None,
        description: "Camera do Nhân dân đóng góp lắp đặt ở các ngõ, kết nối với Công an phường.",
    },
    DemoModel {
        name: "Ứng dụng mạng Zalo trong công tác tiếp nhận thông tin về ANTT và phòng chống tội phạm",
        kind: ModelKind::ReportingChannel,
        ward_wide: true,
        started_on: (2022, 1, 10),
        units: None,
        households: None,
        description: "Nhóm Zalo của từng tổ dân phố, nơi người dân báo tin về an ninh, trật tự cho Công an phường.",
    },
    DemoModel {
        name: "Tổ liên gia an toàn về phòng cháy chữa cháy",
        kind: ModelKind::FireSafetyGroup,
        ward_wide: false,
        started_on: (2020, 9, 1),
        units: Some(4),
        households: Some(20),
        description: "Các hộ liền kề giúp nhau phòng cháy, báo cháy và chữa cháy ban đầu.",
    },
    DemoModel {
        name: "Điểm chữa cháy công cộng",
        kind: ModelKind::PublicFirePoint,
        ward_wide: false,
        started_on: (2022, 10, 20),
        units: Some(2),
        households: None,
        description: "Bình chữa cháy, thang và búa đặt ở đầu ngõ, ai cũng dùng được khi có cháy.",
    },
];

fn day((year, month, day): (i32, u32, u32)) -> AppResult<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| AppError::internal("a demo date is not a date"))
}

async fn actor_named(db: &DatabaseConnection, username: &str) -> AppResult<Actor> {
    let user = app_user::Entity::find()
        .filter(app_user::Column::UsernameKey.eq(username))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(format!("the demo user {username} is missing")))?;
    service::user::actor_of(db, &user).await
}

/// Records the demo ward's models, festival, forum, survey and awards; does nothing when the ward has
/// any self-management model already. Returns whether it recorded them.
pub async fn seed_movement_year(db: &DatabaseConnection) -> AppResult<bool> {
    let ward = ward::Entity::find()
        .filter(ward::Column::Code.eq(DEMO_WARD_CODE))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the demo ward is missing"))?;
    let recorded = self_management_model::Entity::find()
        .filter(self_management_model::Column::WardId.eq(ward.id))
        .one(db)
        .await?;
    if recorded.is_some() {
        return Ok(false);
    }
    let group = residential_group::Entity::find()
        .filter(residential_group::Column::WardId.eq(ward.id))
        .filter(residential_group::Column::Code.eq("11"))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("demo group 11 is missing"))?;
    let official = actor_named(db, "lamson.official").await?;

    for model in &MODELS {
        let input = NewModel {
            client_mutation_id: Uuid::now_v7(),
            ward_id: ward.id,
            group_id: (!model.ward_wide).then_some(group.id),
            name: model.name.to_owned(),
            kind: model.kind,
            started_on: day(model.started_on)?,
            ended_on: None,
            status: None,
            description: Some(model.description.to_owned()),
            participating_household_count: model.households,
            participating_household_ids: Vec::new(),
            unit_count: model.units,
        };
        service::self_management::create(db, &official, input).await?;
    }

    let festival_day = day(FESTIVAL_DAY)?;
    let event = |kind, title: &str, notes: &str| NewEvent {
        client_mutation_id: Uuid::now_v7(),
        ward_id: ward.id,
        hosting_group_id: Some(group.id),
        held_on: festival_day,
        kind,
        title: title.to_owned(),
        attendance: None,
        notes: Some(notes.to_owned()),
    };
    let festival = service::movement_event::create(
        db,
        &official,
        event(
            EventKind::Festival,
            "Ngày hội Toàn dân bảo vệ an ninh Tổ quốc năm 2023 – Tổ dân phố 11",
            "Tổng kết phong trào, khen thưởng tập thể và cá nhân, khảo sát sự hài lòng về Công an phường.",
        ),
    )
    .await?;
    service::movement_event::create(
        db,
        &official,
        event(
            EventKind::Forum,
            "Diễn đàn “Lắng nghe ý kiến Nhân dân”",
            "Tổ chức cùng Ngày hội; người dân nêu ý kiến với lãnh đạo phường và Công an phường.",
        ),
    )
    .await?;

    seed_survey(db, &official, ward.id, group.id, festival.id, festival_day).await?;
    seed_awards(db, &official, ward.id, group.id, festival.id).await?;
    seed_assessments(db, &official, ward.id).await?;
    Ok(true)
}

/// The survey taken at the festival: created, opened, its ballots typed in by the group's leader, closed.
async fn seed_survey(
    db: &DatabaseConnection,
    official: &Actor,
    ward_id: Uuid,
    group_id: Uuid,
    event_id: Uuid,
    conducted_on: NaiveDate,
) -> AppResult<()> {
    let survey = service::survey::create(
        db,
        official,
        NewSurvey {
            client_mutation_id: Uuid::now_v7(),
            ward_id,
            title: "Khảo sát sự hài lòng của Nhân dân đối với Công an phường Lam Sơn năm 2023".to_owned(),
            conducted_on,
            questions: QUESTIONS.iter().map(|q| (*q).to_owned()).collect(),
            event_id: Some(event_id),
        },
    )
    .await?;
    let survey = service::survey::open(db, official, survey.survey.id, survey.survey.version).await?;
    let leader = actor_named(db, "tdp11.leader").await?;
    let mut dice = Dice(811);
    let ballots: Vec<BallotInput> = (0..DEMO_BALLOTS)
        .map(|_| {
            // About one answer in twenty-five is left blank, as on real paper ballots (never all of them).
            let mut answers: Vec<AnswerInput> = Vec::with_capacity(survey.questions.len());
            for (place, question) in survey.questions.iter().enumerate() {
                let blank =
                    dice.next(25) == 0 && !(answers.is_empty() && place + 1 == survey.questions.len());
                if !blank {
                    answers.push(AnswerInput {
                        question_id: question.id.to_string(),
                        rating: rating(&mut dice),
                    });
                }
            }
            BallotInput { client_mutation_id: Uuid::now_v7().to_string(), answers }
        })
        .collect();
    for result in service::survey::record_ballots(db, &leader, survey.survey.id, group_id, &ballots).await? {
        result?;
    }
    service::survey::close(db, official, survey.survey.id, survey.survey.version).await?;
    Ok(())
}

/// Mostly satisfied, as the case's residents were; a few neutral or dissatisfied answers.
fn rating(dice: &mut Dice) -> SatisfactionLevel {
    match dice.next(100) {
        0..58 => SatisfactionLevel::VerySatisfied,
        58..91 => SatisfactionLevel::Satisfied,
        91..98 => SatisfactionLevel::Neutral,
        _ => SatisfactionLevel::Dissatisfied,
    }
}

/// Two certificates from the city's chairman and three from the ward's, given at the festival.
async fn seed_awards(
    db: &DatabaseConnection,
    official: &Actor,
    ward_id: Uuid,
    group_id: Uuid,
    festival_id: Uuid,
) -> AppResult<()> {
    let heads: Vec<household::Model> = household::Entity::find()
        .filter(household::Column::GroupId.eq(group_id))
        .order_by_asc(household::Column::SortKey)
        .all(db)
        .await?;
    let person = |index: usize| {
        heads.get(index).ok_or_else(|| AppError::internal("demo group 11 has too few households"))
    };
    let group_seven = residential_group::Entity::find()
        .filter(residential_group::Column::WardId.eq(ward_id))
        .filter(residential_group::Column::Code.eq("7"))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("demo group 7 is missing"))?;
    let citation = "Đã có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2023";
    let awards = [
        (AwardIssuer::CityPeoplesCommittee, "2215/QĐ-UBND", (2023, 8, 2), Some(group_id), None),
        (AwardIssuer::CityPeoplesCommittee, "2215/QĐ-UBND", (2023, 8, 2), None, Some(person(3)?)),
        (AwardIssuer::WardPeoplesCommittee, "87/QĐ-UBND", (2023, 8, 7), Some(group_seven.id), None),
        (AwardIssuer::WardPeoplesCommittee, "87/QĐ-UBND", (2023, 8, 7), None, Some(person(0)?)),
        (AwardIssuer::WardPeoplesCommittee, "87/QĐ-UBND", (2023, 8, 7), None, Some(person(9)?)),
    ];
    let today = crate::domain::campaign::local_today(chrono::Utc::now());
    for (issuer, decision_number, decided_on, collective, individual) in awards {
        let input = NewAward {
            client_mutation_id: Uuid::now_v7(),
            ward_id,
            year: 2023,
            issuer,
            issuer_name: None,
            decision_number: decision_number.to_owned(),
            decision_date: day(decided_on)?,
            recipient_kind: if collective.is_some() {
                RecipientKind::Collective
            } else {
                RecipientKind::Individual
            },
            group_id: collective.or(individual.map(|h| h.group_id)),
            recipient_name: individual.map(|h| h.head_name.clone()),
            household_id: individual.map(|h| h.id),
            citation: citation.to_owned(),
            event_id: Some(festival_id),
        };
        service::award::create(db, official, input, today).await?;
    }
    Ok(())
}

/// The officials' assessment of each group for 2023 on the default scale: Tổ dân phố 11 (every
/// household signed, its models, the city's certificate) and 7 (the ward's certificate) excellent, 12
/// (half its households signed) average, the others good.
async fn seed_assessments(db: &DatabaseConnection, official: &Actor, ward_id: Uuid) -> AppResult<()> {
    let groups = residential_group::Entity::find()
        .filter(residential_group::Column::WardId.eq(ward_id))
        .all(db)
        .await?;
    let today = crate::domain::campaign::local_today(chrono::Utc::now());
    for group in groups {
        let (level, note) = match group.code.as_str() {
            "11" => (
                "XUAT_SAC",
                "100% hộ gia đình ký cam kết; duy trì 3 mô hình tự quản; Giấy khen của Chủ tịch UBND thành phố",
            ),
            "7" => ("XUAT_SAC", "Giấy khen của Chủ tịch UBND phường"),
            "12" => ("TRUNG_BINH", "Mới có khoảng một nửa số hộ ký cam kết"),
            _ => ("KHA", "Hoàn thành các tiêu chí của phong trào"),
        };
        let input = NewAssessment {
            group_id: group.id,
            year: 2023,
            level: level.to_owned(),
            note: Some(note.to_owned()),
            expected_version: None,
            client_mutation_id: Some(Uuid::now_v7()),
        };
        service::assessment::assess(db, official, input, today).await?;
    }
    Ok(())
}
