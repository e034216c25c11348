//! Properties over any text a user could type: no cell starts a formula, nothing is lost, the plain CSV
//! holds exactly the neutralised text, and a Vietnamese spreadsheet reads back exactly what was typed.

use proptest::prelude::*;

use super::{Read, fields, one_cell_body, vietnamese_read};
use crate::{
    domain::strategies::hostile_text,
    http::exports::csv_body::{Dialect, FORMULA_STARTS, spreadsheet_safe},
};

/// Text as a user might type it, often starting with a formula character, sometimes after quotes, or
/// looking like a number, a phone or a date.
fn typed_text() -> impl Strategy<Value = String> {
    let start = proptest::sample::select(&FORMULA_STARTS[..]);
    prop_oneof![
        2 => hostile_text(),
        2 => (start.clone(), hostile_text()).prop_map(|(c, rest)| format!("{c}{rest}")),
        1 => ("'{1,3}", start, hostile_text()).prop_map(|(quotes, c, rest)| format!("{quotes}{c}{rest}")),
        1 => "[=+@'\t\r -]{0,6}\\PC{0,20}",
        2 => "[+-]?[0-9]{1,12}([.,][0-9]{1,3}){0,3}%?",
        1 => "(\\+84|0)[0-9]{9}",
    ]
}

/// What a reader who knows the rule does with a plain cell: drops the quote that neutralising added.
fn as_typed(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

proptest! {
    #[test]
    fn a_neutralised_cell_never_starts_with_a_formula_character(typed in typed_text()) {
        let cell = spreadsheet_safe(&typed);
        prop_assert!(!cell.starts_with(FORMULA_STARTS), "{:?} became {:?}", typed, cell);
    }

    #[test]
    fn text_that_starts_no_formula_is_unchanged_and_text_that_does_gets_one_quote(typed in typed_text()) {
        let cell = spreadsheet_safe(&typed);
        if typed.trim_start_matches('\'').starts_with(FORMULA_STARTS) {
            prop_assert_eq!(cell, format!("'{typed}"));
        } else {
            prop_assert_eq!(cell, typed.as_str());
        }
    }

    #[test]
    fn dropping_the_added_quote_gives_back_exactly_what_was_typed(typed in typed_text()) {
        let cell = spreadsheet_safe(&typed);
        prop_assert_eq!(as_typed(&cell), typed.as_str());
    }

    #[test]
    fn the_plain_csv_holds_the_neutralised_text_in_double_quotes(typed in typed_text()) {
        let body = one_cell_body(Dialect::Plain, &typed);
        let cells = fields(Dialect::Plain, format!("\u{feff}{body}").as_bytes()).concat();
        let expected = spreadsheet_safe(&typed);
        prop_assert_eq!(cells, ["Chủ hộ", expected.as_ref()]);
        let row = body.split_once('\n').map(|(_, row)| row).unwrap_or_default();
        prop_assert!(row.starts_with('"'), "a text cell is quoted: {:?}", row);
    }

    #[test]
    fn a_vietnamese_spreadsheet_reads_a_text_cell_as_exactly_the_typed_text(typed in typed_text()) {
        let body = one_cell_body(Dialect::Vietnamese, &typed);
        let cells = fields(Dialect::Vietnamese, format!("\u{feff}{body}").as_bytes()).concat();
        prop_assert_eq!(cells.len(), 2);
        prop_assert!(!cells[1].starts_with(FORMULA_STARTS), "{:?} starts a formula", cells[1]);
        prop_assert_eq!(vietnamese_read(&cells[1]), Read::Text(typed.clone()));
    }
}
