//! The ward whose movement year 2023 the tests read, seeded through the API on 19 May 2023 (Vietnam):
//! the shared world (`crate::world`) with pledges, good deeds, models, awards, events, surveys and
//! incident tallies on both sides of the year's edges, a police user of W1 and a leader of group 2.

use serde_json::{Value, json};

use super::seed::{assess, award, ballots, deed, event, model, survey};
use crate::{
    drive::{VIETNAM_NOON, open_campaign, pledge_input, recorded, set_clock},
    helpers::{TEST_PASSWORD, create_household, create_user, spawn_app, unknown_id},
    world::World,
};

/// The report with every field the tests check.
pub const REPORT: &str = "query($ward: ID!, $year: Int!) { movementYearReport(wardId: $ward, year: $year) {
  ward { id code } year startsOn endsOn campaign { title }
  groups { group { code name } coverage { households signed percent fullyCovered }
    goodDeeds { category count } goodDeedCount activeModels { name } activeModelCount
    awards { decisionNumber } awardCount satisfactionRate ballotCount assessment { year level { code label } } }
  incidentsFrom incidentsTo
  incidents { category count previousCount change changePercent monthsReported previousMonthsReported months complete }
  surveys { survey { title } group { code } ballotCount satisfactionRate
    questions { answerCount counts { level count } satisfactionRate } }
  models { name } awards { decisionNumber } events { title heldOn }
  totals { households signed percent deeds models awards ballotCount satisfactionRate }
} }";

/// The title of the survey conducted in the year.
pub const SURVEY_2023: &str = "Khảo sát sự hài lòng năm 2023";

/// The shared world on 19 May 2023, with movement year 2023 of W1 seeded, `police.w1` (WARD_POLICE of
/// W1) and `leader.2` (GROUP_LEADER of group 2).
///
/// - Campaigns of 2023: one for every ward (H1, H2, H3 signed) and W1's own (H1 signed), which the
///   report takes.
/// - Group 1: H1 and H3. Verified deeds PATROL on 2022-11-15 and 2023-03-02 and CRIME_REPORT on
///   2023-05-01; an unverified FIRE_PREVENTION; a verified PATROL on 2022-10-31 (the year before). A
///   camera model since 2022-06-01; a fire-safety group that ended on 2022-09-30. A collective award
///   (12/QĐ-UBND) and one to the head of H1 (34/QĐ-UBND); an award of 2022 (5/QĐ-UBND). The festival
///   it hosted on 2023-04-30. Assessed XUAT_SAC ("Xuất sắc") for 2023 and TRUNG_BINH for 2022.
/// - Group 2: H2. A verified TRAFFIC_SAFETY deed and a rejected one; a public fire point since
///   2023-02-15; a collective award (56/QĐ-UBND) that was revoked.
/// - The ward: a reporting channel since 2023-01-10, an award to a person of no group (78/QĐ-UBND),
///   a forum on 2023-01-15 and one on 2022-10-15 (the year before).
/// - Surveys: one conducted on 2023-05-10 (group 1: [VS, S], [N, D]; group 2: [S, –], [VS, VS]), one
///   on 2022-10-20 (group 1: [D, D]) and a draft conducted on 2023-03-01.
/// - Incidents of W1: SECURITY_ORDER 3 in 2022-11, 2 in 2023-05, 4 in 2021-11; TRAFFIC_ACCIDENT 1 in
///   2022-12. Group 21 of W2 has a verified deed too.
pub struct Year2023 {
    pub world: World,
    pub police_token: String,
    pub other_leader_token: String,
}

impl std::ops::Deref for Year2023 {
    type Target = World;

    fn deref(&self) -> &World {
        &self.world
    }
}

impl Year2023 {
    pub async fn build() -> Self {
        let app = spawn_app().await;
        set_clock(&app, VIETNAM_NOON);
        let world = World::build_on(app).await;
        let police = json!([{ "role": "WARD_POLICE", "wardId": world.ward_id }]);
        create_user(&world.app, "police.w1", "Công an phường Lam Sơn", police).await;
        let leader = json!([{ "role": "GROUP_LEADER", "groupId": world.other_group_id }]);
        create_user(&world.app, "leader.2", "Tổ trưởng tổ 2", leader).await;
        let police_token = world.app.login("police.w1", TEST_PASSWORD).await;
        let other_leader_token = world.app.login("leader.2", TEST_PASSWORD).await;
        let year = Self { world, police_token, other_leader_token };
        year.seed().await;
        year
    }

    async fn seed(&self) {
        let app = &self.app;
        let (ward, g1, g2) = (self.ward_id.as_str(), self.group_id.as_str(), self.other_group_id.as_str());
        let h3 = create_household(app, g1, "H3", "Phạm Thị Lụa").await;
        let every_ward = open_campaign(app, "Toàn thành phố 2023", None).await;
        let own = open_campaign(app, "Phường Lam Sơn 2023", Some(ward)).await;
        for household in [&self.household_id, &self.other_household_id, &h3] {
            recorded(app, &app.admin_token, &pledge_input(&unknown_id(), household, &every_ward)).await;
        }
        recorded(app, &app.admin_token, &pledge_input(&unknown_id(), &self.household_id, &own)).await;
        for (group, category, day, verdict) in [
            (g1, "PATROL", "2022-11-15", Some(true)),
            (g1, "PATROL", "2023-03-02", Some(true)),
            (g1, "CRIME_REPORT", "2023-05-01", Some(true)),
            (g1, "FIRE_PREVENTION", "2023-04-01", None),
            (g1, "PATROL", "2022-10-31", Some(true)),
            (g2, "TRAFFIC_SAFETY", "2023-01-20", Some(true)),
            (g2, "OTHER", "2023-02-02", Some(false)),
            (self.foreign_group_id.as_str(), "PATROL", "2023-02-01", Some(true)),
        ] {
            deed(app, group, category, day, verdict).await;
        }
        model(app, ward, Some(g1), "Camera an ninh tổ 1", "SECURITY_CAMERAS", "2022-06-01", None).await;
        model(app, ward, Some(g1), "Tổ liên gia cũ", "FIRE_SAFETY_GROUP", "2021-03-01", Some("2022-09-30"))
            .await;
        model(app, ward, Some(g2), "Điểm chữa cháy tổ 2", "PUBLIC_FIRE_POINT", "2023-02-15", None).await;
        model(app, ward, None, "Nhóm Zalo báo tin", "REPORTING_CHANNEL", "2023-01-10", None).await;
        award(
            app,
            ward,
            2023,
            "12/QĐ-UBND",
            "2023-02-10",
            json!({ "recipientKind": "COLLECTIVE", "groupId": g1 }),
        )
        .await;
        let to_person = json!({ "recipientKind": "INDIVIDUAL", "recipientName": "Nguyễn Văn An", "householdId": self.household_id });
        award(app, ward, 2023, "34/QĐ-UBND", "2023-03-15", to_person).await;
        award(
            app,
            ward,
            2022,
            "5/QĐ-UBND",
            "2022-09-01",
            json!({ "recipientKind": "COLLECTIVE", "groupId": g1 }),
        )
        .await;
        let revoked = award(
            app,
            ward,
            2023,
            "56/QĐ-UBND",
            "2023-04-01",
            json!({ "recipientKind": "COLLECTIVE", "groupId": g2 }),
        )
        .await;
        app.gql_ok(
            "mutation($id: ID!) { revokeAward(id: $id, expectedVersion: 1, reason: \"Quyết định nhầm tổ\") { id } }",
            json!({ "id": revoked }),
        )
        .await;
        let nobody = json!({ "recipientKind": "INDIVIDUAL", "recipientName": "Phạm Văn Xa" });
        award(app, ward, 2023, "78/QĐ-UBND", "2023-04-20", nobody).await;
        event(app, ward, Some(g1), "FESTIVAL", "Ngày hội tổ 1", "2023-04-30").await;
        event(app, ward, None, "FORUM", "Diễn đàn lắng nghe ý kiến Nhân dân", "2023-01-15").await;
        event(app, ward, None, "FORUM", "Diễn đàn năm trước", "2022-10-15").await;
        let this_year = survey(app, ward, SURVEY_2023, "2023-05-10", true).await;
        ballots(
            app,
            &this_year,
            g1,
            &[[Some("VERY_SATISFIED"), Some("SATISFIED")], [Some("NEUTRAL"), Some("DISSATISFIED")]],
        )
        .await;
        ballots(
            app,
            &this_year,
            g2,
            &[[Some("SATISFIED"), None], [Some("VERY_SATISFIED"), Some("VERY_SATISFIED")]],
        )
        .await;
        let last_year = survey(app, ward, "Khảo sát năm 2022", "2022-10-20", true).await;
        ballots(app, &last_year, g1, &[[Some("DISSATISFIED"), Some("DISSATISFIED")]]).await;
        survey(app, ward, "Khảo sát chưa mở", "2023-03-01", false).await;
        assess(app, g1, 2023, "XUAT_SAC").await;
        assess(app, g1, 2022, "TRUNG_BINH").await;
        for (month, category, count) in [
            ("2022-11", "SECURITY_ORDER", 3),
            ("2023-05", "SECURITY_ORDER", 2),
            ("2021-11", "SECURITY_ORDER", 4),
            ("2022-12", "TRAFFIC_ACCIDENT", 1),
        ] {
            app.gql_ok(
                "mutation($input: RecordIncidentTallyInput!) { recordIncidentTally(input: $input) { id } }",
                json!({ "input": { "wardId": ward, "month": month, "category": category, "count": count } }),
            )
            .await;
        }
    }

    /// The report of `year` of `ward` as `token`: the whole body.
    pub async fn report_as(&self, token: &str, ward: &str, year: i64) -> Value {
        self.app.gql_with(Some(token), REPORT, json!({ "ward": ward, "year": year })).await
    }

    /// The report of W1's `year` as `token`, asserting success.
    pub async fn report(&self, token: &str, year: i64) -> Value {
        let body = self.report_as(token, &self.ward_id, year).await;
        assert!(body.get("errors").is_none(), "movementYearReport failed: {body:#}");
        body["data"]["movementYearReport"].clone()
    }
}
