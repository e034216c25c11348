//! Property tests of the validators outside `domain/`: the public ones (usernames, new passwords, page
//! requests and list cursors, the change-feed cursor, date arguments, the raw-text nesting check that
//! guards the parser) called directly, and the ones private to services (pledge items, pledge notes,
//! good-deed descriptions, withdrawal reasons) through the API. Each never panics, accepts exactly what its
//! contract says, normalises idempotently, and refuses with `BAD_USER_INPUT` naming the right field.
//!
//! NUL characters are left out of the API-level strategies here: what the database does with them is
//! `hostile::nul_characters_in_text_inputs_never_cause_an_internal_error`'s business.

use std::{future::Future, time::Duration};

use pledge_api::{
    auth::password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, check_new_password},
    error::AppError,
    graphql::{limits, scalars::Date},
    service::{
        changes::FeedCursor,
        good_deed::MAX_DESCRIPTION_CHARS,
        page::{Cursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageRequest},
        pledge::MAX_NOTE_CHARS,
        user::{MAX_USERNAME_CHARS, parse_username},
    },
};
use proptest::{
    collection::vec,
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    drive::{VIETNAM_NOON, open_campaign, set_clock},
    helpers::{TestApp, create_household, spawn_app, ward_with_two_groups},
};

/// Characters that break naive parsers: controls, separators, zero-width and bidirectional marks,
/// right-to-left scripts, emoji, combining marks, Vietnamese letters, wildcards and quotes.
pub const NASTY: &[char] = &[
    '\0',
    '\t',
    '\n',
    '\r',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{200b}',
    '\u{200d}',
    '\u{200f}',
    '\u{202e}',
    '\u{2028}',
    '\u{3000}',
    '\u{feff}',
    '\u{ffff}',
    '\u{10ffff}',
    'ا',
    'ע',
    '😀',
    '\u{1f3fd}',
    '\u{301}',
    'ơ',
    'Đ',
    'İ',
    'K',
    '١',
    ' ',
    '%',
    '_',
    '\\',
    '\'',
    '"',
    '{',
    '[',
    '(',
    '#',
    '$',
    '.',
    '-',
    'a',
    'Z',
    '0',
    '9',
];

/// Any text a client could send: arbitrary Unicode, printable text, a soup of the nasty characters, and
/// now and then a long run of one of them.
pub fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        3 => "\\PC{0,60}",
        4 => vec(proptest::sample::select(NASTY), 0..60).prop_map(String::from_iter),
        1 => (proptest::sample::select(NASTY), 100..3_000usize).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

/// `hostile_text` without NUL.
fn hostile_text_without_nul() -> impl Strategy<Value = String> {
    hostile_text().prop_map(|text| text.replace('\0', "\u{1}"))
}

/// The `(code, field)` of a validation error, failing the case for any other error.
fn bad_input(err: &AppError) -> Result<(&'static str, String), TestCaseError> {
    match err {
        AppError::BadUserInput { field, message } => {
            prop_assert!(!message.is_empty());
            Ok((err.code().as_str(), field.clone()))
        }
        other => Err(TestCaseError::fail(format!("expected BAD_USER_INPUT, got {other:?}"))),
    }
}

fn cases(n: u32) -> Config {
    Config { cases: n, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn a_username_is_accepted_exactly_when_it_has_3_to_64_plain_characters(input in prop_oneof![
        hostile_text(),
        "[ ]?[A-Za-z0-9._-]{1,70}[ \t]?",
    ]) {
        let trimmed = input.trim();
        let valid = (3..=MAX_USERNAME_CHARS).contains(&trimmed.chars().count())
            && trimmed.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        match parse_username(&input) {
            Ok((username, key)) => {
                prop_assert!(valid, "accepted {:?}", input);
                prop_assert_eq!(&username, trimmed);
                prop_assert_eq!(&key, &trimmed.to_ascii_lowercase());
                // Idempotent: the username and its key parse to themselves.
                prop_assert_eq!(parse_username(&username).expect("valid"), (username.clone(), key.clone()));
                prop_assert_eq!(parse_username(&key).expect("valid").1, key);
            }
            Err(err) => {
                prop_assert!(!valid, "refused {:?}", input);
                prop_assert_eq!(bad_input(&err)?, ("BAD_USER_INPUT", "username".to_owned()));
            }
        }
    }

    #[test]
    fn username_lengths_hold_exactly_at_the_edges(c in proptest::sample::select(&['a', 'Z', '7', '.', '_', '-'][..])) {
        let name = |n: usize| c.to_string().repeat(n);
        prop_assert!(parse_username(&name(2)).is_err());
        prop_assert!(parse_username(&name(3)).is_ok());
        prop_assert!(parse_username(&name(MAX_USERNAME_CHARS)).is_ok());
        prop_assert!(parse_username(&name(MAX_USERNAME_CHARS + 1)).is_err());
    }

    #[test]
    fn a_new_password_is_accepted_exactly_from_10_to_128_characters(
        input in prop_oneof![hostile_text(), "\\PC{8,12}", "\\PC{126,130}", "[ơ😀]{8,130}"],
        field in prop_oneof![Just("password"), Just("newPassword")],
    ) {
        let chars = input.chars().count();
        match check_new_password(&input, field) {
            Ok(()) => prop_assert!((MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars)),
            Err(err) => {
                prop_assert!(!(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars), "{:?}", input);
                prop_assert_eq!(bad_input(&err)?, ("BAD_USER_INPUT", field.to_owned()));
            }
        }
    }

    #[test]
    fn password_lengths_count_characters_not_bytes(c in proptest::sample::select(&['a', 'ơ', '😀', '\0', ' '][..])) {
        let password = |n: usize| c.to_string().repeat(n);
        prop_assert!(check_new_password(&password(MIN_PASSWORD_CHARS - 1), "p").is_err());
        prop_assert!(check_new_password(&password(MIN_PASSWORD_CHARS), "p").is_ok());
        prop_assert!(check_new_password(&password(MAX_PASSWORD_CHARS), "p").is_ok());
        prop_assert!(check_new_password(&password(MAX_PASSWORD_CHARS + 1), "p").is_err());
    }

    #[test]
    fn a_page_size_is_accepted_exactly_from_0_to_100(first in prop_oneof![any::<i64>(), -3..105i64]) {
        match PageRequest::parse(Some(first), None, false) {
            Ok(request) => {
                prop_assert!((0..=MAX_PAGE_SIZE as i64).contains(&first));
                prop_assert_eq!(request.first as i64, first);
            }
            Err(err) => {
                prop_assert!(!(0..=MAX_PAGE_SIZE as i64).contains(&first));
                prop_assert_eq!(bad_input(&err)?, ("BAD_USER_INPUT", "first".to_owned()));
            }
        }
        prop_assert_eq!(PageRequest::parse(None, None, true).expect("default").first, DEFAULT_PAGE_SIZE);
    }

    #[test]
    fn a_list_cursor_round_trips_and_nothing_else_decodes_as_one(
        sort_key in hostile_text(),
        id in any::<u128>(),
        garbage in hostile_text(),
    ) {
        let cursor = Cursor { sort_key, id: Uuid::from_u128(id) };
        let encoded = cursor.encode();
        prop_assert!(encoded.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        if cursor.sort_key.contains('\0') {
            // Real sort keys never hold NUL (PostgreSQL cannot store it): such a cursor is refused.
            prop_assert_eq!(Cursor::decode(&encoded), None);
            return Ok(());
        }
        prop_assert_eq!(Cursor::decode(&encoded), Some(cursor.clone()));
        let request = PageRequest::parse(Some(5), Some(&encoded), false).expect("a cursor we made");
        prop_assert_eq!(request.after, Some(cursor));
        // Whatever a client makes up: a cursor or BAD_USER_INPUT on `after`, never a panic.
        match PageRequest::parse(None, Some(&garbage), false) {
            Ok(request) => prop_assert!(request.after.is_some()),
            Err(err) => prop_assert_eq!(bad_input(&err)?, ("BAD_USER_INPUT", "after".to_owned())),
        }
    }

    #[test]
    fn a_feed_cursor_round_trips_and_garbage_never_decodes_to_a_panic(
        tx in any::<i64>(),
        seq in any::<i64>(),
        garbage in hostile_text(),
    ) {
        let cursor = FeedCursor { tx, seq };
        prop_assert_eq!(FeedCursor::decode(&cursor.encode()), Some(cursor));
        if let Some(decoded) = FeedCursor::decode(&garbage) {
            prop_assert_eq!(FeedCursor::decode(&decoded.encode()), Some(decoded));
        }
    }

    #[test]
    fn a_date_input_names_its_field_when_refused(input in hostile_text(), field in "[a-z][A-Za-z.]{0,12}") {
        use async_graphql::ScalarType;
        let sent = Date::parse(async_graphql::Value::String(input)).expect("any text is taken as sent");
        match sent.checked(&field) {
            Ok(date) => prop_assert_eq!(Date::from(date).checked(&field).ok(), Some(date)),
            Err(err) => prop_assert_eq!(bad_input(&err)?, ("BAD_USER_INPUT", field)),
        }
    }

    #[test]
    fn the_nesting_check_never_panics(input in hostile_text()) {
        let _ = limits::check_text(&input, &pledge_api::config::Limits::default());
    }
}

/// The deepest bracket nesting a GraphQL lexer sees in `document`: brackets inside comments, strings
/// and block strings (`"""…"""`, where `\"""` escapes) do not count. A reference for `check_text`.
fn lexer_nesting(document: &str) -> usize {
    let chars: Vec<char> = document.chars().collect();
    let (mut i, mut depth, mut deepest) = (0, 0usize, 0usize);
    let starts =
        |i: usize, pattern: &str| pattern.chars().enumerate().all(|(k, p)| chars.get(i + k) == Some(&p));
    while i < chars.len() {
        match chars[i] {
            '#' => {
                while i < chars.len() && chars[i] != '\n' && chars[i] != '\r' {
                    i += 1;
                }
            }
            '"' if starts(i, "\"\"\"") => {
                i += 3;
                while i < chars.len() && !starts(i, "\"\"\"") {
                    i += if starts(i, "\\\"\"\"") { 4 } else { 1 };
                }
                i += 2;
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' && chars[i] != '\n' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
            }
            '{' | '[' | '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// Documents of strings, block strings (with stray quotes inside), comments and brackets.
fn bracket_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => Just("[".to_owned()),
        2 => Just("[".repeat(16)),
        1 => Just("]".to_owned()),
        2 => Just("{".to_owned()),
        1 => Just("}".to_owned()),
        1 => Just("(".to_owned()),
        1 => Just("a: ".to_owned()),
        1 => "\"[^\"\\\\\n]{0,4}\"",
        1 => "\"\"\"[a\"\\[{ ]{0,5}\"\"\"",
        1 => Just("\\\"\"\"".to_owned()),
        1 => Just("# [[[\n".to_owned()),
    ];
    vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(cases(2_000))]

    /// The check runs before the parser, which recurses on every bracket: anything it lets through must
    /// nest no deeper than `MAX_TEXT_NESTING` for the real lexer, or a small document overflows the
    /// stack of the server (`hostile::brackets_hidden_after_a_block_string_do_not_crash_the_server`).
    #[test]
    fn the_nesting_check_sees_every_bracket_the_lexer_sees(document in bracket_soup()) {
        let nesting = lexer_nesting(&document);
        let checked = limits::check_text(&document, &pledge_api::config::Limits::default());
        prop_assert_eq!(
            checked.is_ok(),
            nesting <= limits::MAX_TEXT_NESTING,
            "lexer nesting {} for {:?}: {:?}", nesting, document, checked
        );
    }
}

/// One server for a whole property run: proptest's runner is synchronous, so the cases block on a
/// runtime of their own.
struct Harness {
    runtime: tokio::runtime::Runtime,
    app: TestApp,
    group_id: String,
    campaign_id: String,
}

impl Harness {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let (app, group_id, campaign_id) = runtime.block_on(async {
            let app = spawn_app().await;
            set_clock(&app, VIETNAM_NOON);
            let fixture = ward_with_two_groups(&app).await;
            let campaign_id = open_campaign(&app, "Chiến dịch 2023", None).await;
            (app, fixture.group_id, campaign_id)
        });
        Self { runtime, app, group_id, campaign_id }
    }

    fn run<S: Strategy>(
        &self,
        cases: u32,
        strategy: S,
        test: impl Fn(S::Value) -> Result<(), TestCaseError>,
    ) {
        let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
        if let Err(failure) = runner.run(&strategy, test) {
            panic!("{failure}");
        }
    }

    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        self.runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(10), future).await.expect("an answer within 10 s")
        })
    }

    fn gql(&self, query: &str, variables: Value) -> Value {
        self.block_on(self.app.gql(query, variables))
    }
}

/// The errors of `body`, each asserted to be `BAD_USER_INPUT`, as their fields.
fn refused_fields(body: &Value) -> Result<Vec<String>, TestCaseError> {
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    let mut fields = Vec::new();
    for error in &errors {
        prop_assert_eq!(error["extensions"]["code"].as_str(), Some("BAD_USER_INPUT"), "{:#}", body);
        fields.push(error["extensions"]["field"].as_str().unwrap_or_default().to_owned());
    }
    Ok(fields)
}

const CREATE_CAMPAIGN: &str =
    "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { pledgeItems } }";
const RECORD_GOOD_DEED: &str =
    "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { description } }";
const RECORD_PLEDGE: &str =
    "mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { id signerName note } }";
const WITHDRAW: &str =
    "mutation($id: ID!, $reason: String) { withdrawPledge(id: $id, reason: $reason) { withdrawnReason } }";

#[test]
fn pledge_items_are_stored_trimmed_or_refused_on_the_first_bad_item() {
    let harness = Harness::start();
    harness.run(48, vec(hostile_text_without_nul(), 0..24), |items| {
        let body = harness.gql(
            CREATE_CAMPAIGN,
            json!({ "input": { "year": 2024, "title": "Chiến dịch", "pledgeItems": items } }),
        );
        let bad = items.iter().position(|item| item.trim().is_empty() || item.trim().chars().count() > 500);
        if items.is_empty() || items.len() > 20 {
            prop_assert_eq!(refused_fields(&body)?, vec!["pledgeItems".to_owned()]);
        } else if let Some(index) = bad {
            prop_assert_eq!(refused_fields(&body)?, vec![format!("pledgeItems.{index}")]);
        } else {
            let trimmed: Vec<&str> = items.iter().map(|item| item.trim()).collect();
            prop_assert_eq!(&body["data"]["createCampaign"]["pledgeItems"], &json!(trimmed), "{:#}", body);
        }
        Ok(())
    });
}

#[test]
fn a_good_deed_description_is_stored_trimmed_or_refused_on_description() {
    let harness = Harness::start();
    harness.run(64, hostile_text_without_nul(), |description| {
        let input = json!({
            "clientMutationId": Uuid::now_v7(), "groupId": harness.group_id, "category": "PATROL",
            "occurredOn": "2023-05-01", "description": description,
        });
        let body = harness.gql(RECORD_GOOD_DEED, json!({ "input": input }));
        let trimmed = description.trim();
        if trimmed.is_empty() || trimmed.chars().count() > MAX_DESCRIPTION_CHARS {
            prop_assert_eq!(refused_fields(&body)?, vec!["description".to_owned()]);
        } else {
            prop_assert_eq!(
                body["data"]["recordGoodDeed"]["description"].as_str(),
                Some(trimmed),
                "{:#}",
                body
            );
        }
        Ok(())
    });
}

#[test]
fn a_pledge_is_recorded_with_its_signer_and_note_normalised_or_refused_on_the_field_at_fault() {
    let harness = Harness::start();
    let strategy = (
        hostile_text_without_nul(),
        proptest::option::of(hostile_text_without_nul()),
        prop_oneof![Just("2023-05-01".to_owned()), hostile_text_without_nul()],
        prop_oneof![4 => Just(None), 1 => hostile_text_without_nul().prop_map(Some)],
    );
    harness.run(64, strategy, |(signer, note, signed_on, bad_id)| {
        // A fresh household each time, so every case may sign.
        let household = harness.block_on(create_household(
            &harness.app,
            &harness.group_id,
            &Uuid::now_v7().simple().to_string()[..12],
            "Hộ thử",
        ));
        let input = json!({
            "clientMutationId": bad_id.clone().unwrap_or_else(|| Uuid::now_v7().to_string()),
            "householdId": household, "campaignId": harness.campaign_id,
            "signerName": signer, "signedOn": signed_on, "note": note,
        });
        let body = harness.gql(RECORD_PLEDGE, json!({ "input": input }));
        // The first field at fault, in the order the service checks them.
        let signer_ok = pledge_api::domain::fields::Name::parse(&signer).is_ok();
        // Within the campaign (from 1 November 2022) and not after today (19 May 2023).
        let date_ok = pledge_api::domain::campaign::parse_date(&signed_on)
            .is_ok_and(|d| ("2022-11-01"..="2023-05-19").contains(&d.to_string().as_str()));
        let note = note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let expected = if bad_id.as_deref().is_some_and(|id| Uuid::parse_str(id.trim()).is_err()) {
            Some("clientMutationId")
        } else if !signer_ok {
            Some("signerName")
        } else if pledge_api::domain::campaign::parse_date(&signed_on).is_err() {
            Some("signedOn")
        } else if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
            Some("note")
        } else if !date_ok {
            Some("signedOn")
        } else {
            None
        };
        match expected {
            Some(field) => prop_assert_eq!(refused_fields(&body)?, vec![field.to_owned()], "{:#}", body),
            None if bad_id.is_some() => {
                // A valid id made up by the strategy may collide with nothing: it records, or conflicts.
                prop_assert!(
                    body["errors"].is_null() || body["errors"][0]["extensions"]["code"] == "CONFLICT"
                );
            }
            None => {
                let pledge = &body["data"]["recordPledge"];
                prop_assert_eq!(pledge["signerName"].as_str(), Some(signer.trim()), "{:#}", body);
                prop_assert_eq!(pledge["note"].as_str(), note);
                let reason = note.map(|n| format!("{n}\u{a0}"));
                let withdrawn = harness.gql(WITHDRAW, json!({ "id": pledge["id"], "reason": reason }));
                prop_assert_eq!(
                    withdrawn["data"]["withdrawPledge"]["withdrawnReason"].as_str(),
                    reason.as_deref().map(str::trim),
                    "{:#}",
                    withdrawn
                );
            }
        }
        Ok(())
    });
}
