//! `revokeAward`: officials of the award's ward and administrators revoke it once, at the version they
//! read, with a reason that stays on the award and in the audit trail.

use serde_json::{Value, json};

use super::{AWARD_FIELDS, collective, individual, recorded};
use crate::{
    helpers::unknown_id,
    movement_records::world::{Records, Who, Year, assert_one_audit_event, assert_refused},
};

fn revoke_mutation() -> String {
    format!(
        "mutation($id: ID!, $v: Int!, $reason: String!) {{
            revokeAward(id: $id, expectedVersion: $v, reason: $reason) {{ {AWARD_FIELDS} }} }}"
    )
}

async fn revoke(year: &Year, who: Who, id: &Value, version: i64, reason: &str) -> Value {
    year.send(who, &revoke_mutation(), json!({ "id": id, "v": version, "reason": reason })).await
}

#[tokio::test]
async fn each_role_revokes_only_what_it_may_and_the_reason_is_kept_on_the_award_and_in_the_audit_trail() {
    // Arrange: three awards to group 1 of W1 and one in W2.
    let year = Year::build().await;
    let mut of_w1 = Vec::new();
    for _ in 0..3 {
        of_w1.push(
            recorded(&year, Who::Admin, &collective(&year.ward_id, &year.group_id)).await["id"].clone(),
        );
    }
    let of_w2 =
        recorded(&year, Who::Admin, &individual(&year.foreign_ward_id, "Lê Văn Cường", None)).await["id"]
            .clone();
    let cases: [(Who, &Value, Option<&str>); 7] = [
        (Who::Leader, &of_w1[0], Some("FORBIDDEN")),
        (Who::OtherLeader, &of_w1[0], Some("FORBIDDEN")),
        (Who::ForeignOfficial, &of_w1[0], Some("NOT_FOUND")),
        (Who::Official, &of_w2, Some("NOT_FOUND")),
        (Who::Official, &of_w1[1], None),
        (Who::Admin, &of_w1[2], None),
        (Who::ForeignOfficial, &of_w2, None),
    ];
    for (who, id, refusal) in cases {
        let case = format!("{who:?} revokes {id}");
        let reason = format!("Quyết định hủy bỏ số 7/QĐ-UBND ({})", who.username());
        let before = Records::take(year.app()).await;

        // Act
        let body = revoke(&year, who, id, 1, &format!("  {reason} ")).await;

        // Assert
        let after = Records::take(year.app()).await;
        if let Some(code) = refusal {
            assert_refused(&body, code, None, &before, &after, &case);
            continue;
        }
        let award = &body["data"]["revokeAward"];
        assert_eq!(
            (&award["status"], &award["revocationReason"], &award["version"]),
            (&json!("REVOKED"), &json!(reason), &json!(2)),
            "{case}: {body:#}"
        );
        assert_eq!(award["revokedBy"]["userId"], json!(after.user_id(who).to_string()), "{case}");
        assert!(award["revokedAt"].is_string() && award["updatedAt"] == award["revokedAt"], "{case}");
        let ward = award["ward"]["id"].as_str().expect("a ward");
        let summary =
            assert_one_audit_event(&before, &after, who, "award.revoke", id.as_str().expect("id"), ward);
        assert_eq!(
            summary,
            json!({ "reason": reason, "status": { "from": "ACTIVE", "to": "REVOKED" }, "version": { "from": 1, "to": 2 } }),
            "{case}"
        );
    }
}

#[tokio::test]
async fn a_revoked_award_stays_readable_and_revoking_again_or_from_a_stale_version_is_a_conflict() {
    // Arrange
    let year = Year::build().await;
    let id = recorded(&year, Who::Official, &collective(&year.ward_id, &year.group_id)).await["id"].clone();
    let fresh =
        recorded(&year, Who::Official, &collective(&year.ward_id, &year.group_id)).await["id"].clone();
    revoke(&year, Who::Official, &id, 1, "Trùng quyết định").await;

    for (target, version, case, current) in
        [(&id, 2, "revoked already", 2), (&id, 1, "stale", 2), (&fresh, 0, "stale", 1)]
    {
        let before = Records::take(year.app()).await;

        // Act
        let body = revoke(&year, Who::Admin, target, version, "Lần nữa").await;

        // Assert
        assert_refused(&body, "CONFLICT", None, &before, &Records::take(year.app()).await, case);
        if case == "stale" {
            assert_eq!(body["errors"][0]["extensions"]["currentVersion"], json!(current), "{body:#}");
        }
    }
    let read = year
        .ok(
            Who::Leader,
            "query($ward: ID!) { awards(wardId: $ward, status: REVOKED) { edges { node { id status revocationReason } } } }",
            json!({ "ward": year.ward_id }),
        )
        .await;
    assert_eq!(
        read["awards"]["edges"],
        json!([{ "node": { "id": id, "status": "REVOKED", "revocationReason": "Trùng quyết định" } }])
    );
}

#[tokio::test]
async fn the_reason_and_the_ids_are_checked_before_anything_is_written() {
    // Arrange
    let year = Year::build().await;
    let id = recorded(&year, Who::Official, &collective(&year.ward_id, &year.group_id)).await["id"].clone();
    let cases: [(Value, i64, String, &str, Option<&str>); 5] = [
        (id.clone(), 1, "   ".into(), "BAD_USER_INPUT", Some("reason")),
        (id.clone(), 1, "r".repeat(2001), "BAD_USER_INPUT", Some("reason")),
        (id.clone(), 1_i64 << 40, "Lý do".into(), "BAD_USER_INPUT", Some("expectedVersion")),
        (json!("not-an-id"), 1, "Lý do".into(), "BAD_USER_INPUT", Some("id")),
        (json!(unknown_id()), 1, "Lý do".into(), "NOT_FOUND", None),
    ];
    for (target, version, reason, code, field) in cases {
        let before = Records::take(year.app()).await;
        let body = revoke(&year, Who::Official, &target, version, &reason).await;
        assert_refused(&body, code, field, &before, &Records::take(year.app()).await, &format!("{field:?}"));
    }
}
