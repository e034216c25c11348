//! Every bad field of `updateWardSettings` and `assessGroup` is named, with what is wrong, and nothing
//! is written.

use serde_json::{Value, json};

use super::{Wards, input, with_ward};
use crate::world::{assert_refused, assert_unchanged};

#[tokio::test]
async fn each_bad_field_of_a_settings_change_is_named() {
    // Arrange
    let wards = Wards::build().await;
    let level = |code: &str, label: &str| json!({ "code": code, "label": label });
    let scale = |levels: Vec<Value>| json!({ "expectedVersion": 0, "assessmentScale": levels });
    let cases = [
        ("yearStartMonth", json!({ "expectedVersion": 0, "yearStartMonth": 13 })),
        ("yearStartMonth", json!({ "expectedVersion": 0, "yearStartMonth": 0 })),
        ("yearStartMonth", json!({ "expectedVersion": 0, "yearStartMonth": 4_294_967_296_i64 })),
        ("yearStartDay", json!({ "expectedVersion": 0, "yearStartDay": 29 })),
        ("yearStartDay", json!({ "expectedVersion": 0, "yearStartDay": 0 })),
        ("expectedVersion", json!({ "expectedVersion": -1, "yearStartDay": 2 })),
        ("assessmentScale", scale(vec![level("DAT", "Đạt")])),
        ("assessmentScale.1.code", scale(vec![level("DAT", "Đạt"), level("DAT", "Chưa đạt")])),
        ("assessmentScale.2.code", scale(vec![level("A", "Tốt"), level("B", "Khá"), level("c", "Kém")])),
        ("assessmentScale.0.code", scale(vec![level("", "Tốt"), level("B", "Khá")])),
        ("assessmentScale.1.label", scale(vec![level("A", "Tốt"), level("B", "  ")])),
        ("assessmentScale.1.label", scale(vec![level("A", "Tốt"), level("B", "TỐT")])),
    ];
    let before = wards.rows().await;

    // Act
    let mut answers = Vec::new();
    for (field, input) in &cases {
        answers.push((field, wards.update(&wards.official, with_ward(input.clone(), &wards.ward_a)).await));
    }
    let bad_id = wards.update(&wards.official, json!({ "wardId": "nope", "expectedVersion": 0 })).await;

    // Assert
    for (field, body) in &answers {
        assert_refused(body, "BAD_USER_INPUT", Some(field), field);
    }
    assert_refused(&bad_id, "BAD_USER_INPUT", Some("wardId"), "a malformed ward id");
    assert_unchanged(&before, &wards.rows().await, "refused inputs");
}

#[tokio::test]
async fn each_bad_field_of_an_assessment_is_named() {
    // Arrange
    let wards = Wards::build().await;
    let with = |field: &str, value: Value| {
        let mut input = input(&wards.group_11, "KHA");
        input[field] = value;
        input
    };
    let cases = [
        ("year", with("year", json!(1999)), "the year must be between 2000 and 2100"),
        ("year", with("year", json!(2101)), "the year must be between 2000 and 2100"),
        (
            "year",
            with("year", json!(2024)),
            "movement year 2024 of this ward begins on 2023-11-01: a year is assessed once it has begun",
        ),
        (
            "level",
            with("level", json!("GIOI")),
            "`GIOI` is not a level of this ward's scale; the levels are XUAT_SAC, KHA, TRUNG_BINH, YEU",
        ),
        (
            "level",
            with("level", json!("kha")),
            "`kha` is not a level of this ward's scale; the levels are XUAT_SAC, KHA, TRUNG_BINH, YEU",
        ),
        ("note", with("note", json!("x".repeat(2001))), "the note must be at most 2000 characters"),
        ("note", with("note", json!("tốt\u{0007}")), "the note must not contain control characters"),
        ("expectedVersion", with("expectedVersion", json!(-1)), "a version is 0 (no assessment yet) or more"),
        ("groupId", with("groupId", json!("tổ 11")), "groupId is not a valid id"),
        ("clientMutationId", with("clientMutationId", json!("x")), "clientMutationId is not a valid id"),
    ];
    let before = wards.rows().await;

    // Act
    let mut answers = Vec::new();
    for (field, input, message) in &cases {
        answers.push((field, message, wards.assess(&wards.official, input.clone()).await));
    }

    // Assert
    for (field, message, body) in &answers {
        assert_refused(body, "BAD_USER_INPUT", Some(field), field);
        assert_eq!(body["errors"][0]["message"], **message, "{field}");
    }
    assert_unchanged(&before, &wards.rows().await, "refused inputs");
    let longest = wards.assess(&wards.official, with("note", json!("x".repeat(2000)))).await;
    assert_eq!(longest["data"]["assessGroup"]["version"], 1, "2000 characters are fine: {longest:#}");
}
