//! CSV bodies of the exports: the byte-order mark, the quoting, and the neutralising of text cells that a
//! spreadsheet would otherwise run as a formula. What goes in each column is the handlers' business.

use std::borrow::Cow;

use ::csv::{QuoteStyle, WriterBuilder};

use crate::error::AppError;

/// The characters with which Excel, LibreOffice and Google Sheets start a formula (or, for the tab and
/// the carriage return, let one through after them) when they open a CSV; and their full-width forms,
/// which some spreadsheets read the same way.
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// One cell of a CSV row.
pub(super) enum Cell {
    /// Text that came from a user or a label: neutralised by [`spreadsheet_safe`].
    Text(String),
    /// A figure the server computed (a count, a percentage), written as it is.
    Figure(String),
}

impl Cell {
    /// A count, written as digits.
    pub(super) fn count(value: i64) -> Self {
        Self::Figure(value.to_string())
    }
}

/// `text` as a spreadsheet shows it without running it: text that would start a formula gets a leading
/// `'`, which spreadsheets read as "this is text" (the OWASP advice on CSV injection).
///
/// Text that already starts with quotes followed by a formula character gets one more quote, so a reader
/// who drops one leading `'` from every cell that starts with quotes and then a formula character gets
/// back exactly the text the user typed.
pub(super) fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    if text.trim_start_matches('\'').starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A UTF-8 CSV with a byte-order mark: `headers`, then one record per row; every text cell neutralised.
pub(super) fn csv_bytes(
    headers: &[&str],
    rows: impl Iterator<Item = Vec<Cell>>,
) -> Result<Vec<u8>, AppError> {
    // The byte-order mark tells Excel the file is UTF-8. Quoting every field that is not a number wraps
    // the neutralised cells in double quotes, as OWASP advises, and leaves the figures bare.
    let mut writer =
        WriterBuilder::new().quote_style(QuoteStyle::NonNumeric).from_writer(b"\xEF\xBB\xBF".to_vec());
    let header: Vec<Cow<'_, str>> = headers.iter().map(|header| spreadsheet_safe(header)).collect();
    writer.write_record(header.iter().map(|cell| cell.as_bytes())).map_err(AppError::internal)?;
    for row in rows {
        let record: Vec<Cow<'_, str>> = row
            .iter()
            .map(|cell| match cell {
                Cell::Text(text) => spreadsheet_safe(text),
                Cell::Figure(figure) => Cow::Borrowed(figure.as_str()),
            })
            .collect();
        writer.write_record(record.iter().map(|cell| cell.as_bytes())).map_err(AppError::internal)?;
    }
    writer.into_inner().map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body of a CSV of one header cell and one row, as text after the byte-order mark.
    pub(super) fn one_cell_body(text: &str) -> String {
        let bytes =
            csv_bytes(&["Chủ hộ"], std::iter::once(vec![Cell::Text(text.to_owned())])).expect("a CSV");
        String::from_utf8(bytes).expect("UTF-8").trim_start_matches('\u{feff}').to_owned()
    }

    #[test]
    fn text_that_would_start_a_formula_gets_a_leading_quote_and_other_text_is_left_alone() {
        // Arrange
        let cases = [
            (r#"=HYPERLINK("http://x","y")"#, r#"'=HYPERLINK("http://x","y")"#),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(1)", "'@SUM(1)"),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=1", "''=1"),
            ("Nguyễn Văn An", "Nguyễn Văn An"),
            ("Số 5 Lê Hoàn, P. Lam Sơn", "Số 5 Lê Hoàn, P. Lam Sơn"),
            ("1+1=2", "1+1=2"),
            ("'Tèo", "'Tèo"),
            ("", ""),
        ];

        for (typed, expected) in cases {
            // Act
            let cell = spreadsheet_safe(typed);

            // Assert
            assert_eq!(cell, expected, "{typed:?}");
        }
    }

    #[test]
    fn a_neutralised_cell_is_wrapped_in_double_quotes_and_figures_are_left_bare() {
        // Arrange
        let rows = vec![vec![
            Cell::Text(r#"=HYPERLINK("http://x","y")"#.to_owned()),
            Cell::Text("+1+1".to_owned()),
            Cell::count(4),
            Cell::Figure("66.7".to_owned()),
        ]];

        // Act
        let bytes = csv_bytes(&["a", "b", "c", "d"], rows.into_iter()).expect("a CSV");

        // Assert
        assert_eq!(
            String::from_utf8(bytes).expect("UTF-8"),
            "\u{feff}\"a\",\"b\",\"c\",\"d\"\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'+1+1\",4,66.7\n"
        );
    }

    #[test]
    fn a_text_cell_of_a_csv_reads_back_as_the_neutralised_text() {
        // Arrange
        let typed = "@SUM(1), \"quoted\"\nnext line";

        // Act
        let body = one_cell_body(typed);

        // Assert
        let records: Vec<Vec<String>> = ::csv::Reader::from_reader(body.as_bytes())
            .records()
            .map(|record| record.expect("a record").iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(records, [vec![format!("'{typed}")]]);
    }
}

/// Properties over any text a user could type: no cell starts a formula, nothing is lost, and the CSV
/// holds exactly the neutralised text.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::{tests::one_cell_body, *};
    use crate::domain::strategies::hostile_text;

    /// Text as a user might type it, often starting with a formula character, sometimes after quotes.
    fn typed_text() -> impl Strategy<Value = String> {
        let start = proptest::sample::select(&FORMULA_STARTS[..]);
        prop_oneof![
            2 => hostile_text(),
            2 => (start.clone(), hostile_text()).prop_map(|(c, rest)| format!("{c}{rest}")),
            1 => ("'{1,3}", start, hostile_text()).prop_map(|(quotes, c, rest)| format!("{quotes}{c}{rest}")),
            1 => "[=+@'\t\r -]{0,6}\\PC{0,20}",
        ]
    }

    /// What a reader who knows the rule does with a cell: drops the quote that neutralising added.
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
        fn the_csv_holds_the_neutralised_text_and_quotes_a_neutralised_cell(typed in typed_text()) {
            let body = one_cell_body(&typed);
            let mut reader = ::csv::ReaderBuilder::new().has_headers(true).from_reader(body.as_bytes());
            let cells: Vec<String> = reader
                .records()
                .map(|record| record.expect("a record").iter().map(str::to_owned).collect::<Vec<_>>())
                .collect::<Vec<_>>()
                .concat();
            let expected = spreadsheet_safe(&typed);
            prop_assert_eq!(cells, [expected.as_ref()]);
            if matches!(expected, Cow::Owned(_)) {
                let row = body.split_once('\n').map(|(_, row)| row).unwrap_or_default();
                prop_assert!(row.starts_with("\"'"), "a neutralised cell is quoted: {:?}", row);
            }
        }
    }
}
