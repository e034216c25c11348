use super::*;

/// What a spreadsheet with Vietnamese settings makes of one field of a CSV it opens.
#[derive(Debug, PartialEq)]
pub(super) enum Read {
    Text(String),
    Number(f64),
    Formula(String),
}

/// A field as Excel or LibreOffice with vi-VN settings reads it: a leading `'` makes the rest text; a
/// formula character starts a formula; a number with `.` grouping thousands, a decimal comma, a sign or a
/// `%` is a number; anything else is text.
pub(super) fn vietnamese_read(field: &str) -> Read {
    if let Some(text) = field.strip_prefix('\'') {
        return Read::Text(text.to_owned());
    }
    if field.starts_with(['=', '@']) {
        return Read::Formula(field.to_owned());
    }
    match vietnamese_number(field) {
        Some(number) => Read::Number(number),
        None if field.starts_with(FORMULA_STARTS) => Read::Formula(field.to_owned()),
        None => Read::Text(field.to_owned()),
    }
}

/// `field` as a number written with vi-VN conventions (`1.234,5`, `-3`, `+84912345678`, `66,7%`).
fn vietnamese_number(field: &str) -> Option<f64> {
    let field = field.trim();
    let (field, scale) = match field.strip_suffix('%') {
        Some(rest) => (rest.trim_end(), 0.01),
        None => (field, 1.0),
    };
    let (sign, field) = match field.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, field.strip_prefix('+').unwrap_or(field)),
    };
    let (whole, fraction) = field.split_once(',').unwrap_or((field, "0"));
    let mut groups = whole.split('.');
    let first = groups.next().unwrap_or_default();
    let grouped = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    let valid = !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_digit())
        && (!whole.contains('.') || first.len() <= 3)
        && grouped
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !valid {
        return None;
    }
    let number: f64 = format!("{}.{fraction}", whole.replace('.', "")).parse().ok()?;
    Some(sign * number * scale)
}

/// The fields of a CSV body in `dialect`, after its byte-order mark, as a CSV reader splits them.
pub(super) fn fields(dialect: Dialect, bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(BOM).expect("a byte-order mark");
    ::csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(dialect.separator() as u8)
        .from_reader(body)
        .records()
        .map(|record| record.expect("a record").iter().map(str::to_owned).collect())
        .collect()
}

/// The body of a CSV of one header cell and one row, as text after the byte-order mark.
pub(super) fn one_cell_body(dialect: Dialect, text: &str) -> String {
    let bytes = csv_bytes(dialect, &["Chủ hộ"], std::iter::once(vec![Cell::Text(text.to_owned())]), None);
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
fn the_vietnamese_dialect_marks_text_a_spreadsheet_would_read_as_a_value_and_leaves_words_alone() {
    // Arrange
    let cases = [
        ("+84912345678", "'+84912345678"),
        ("0912345678", "'0912345678"),
        ("007", "'007"),
        ("1", "'1"),
        ("1.234", "'1.234"),
        ("1/2", "'1/2"),
        ("3-4", "'3-4"),
        ("12:30", "'12:30"),
        ("50%", "'50%"),
        ("1e5", "'1e5"),
        ("TRUE", "'TRUE"),
        ("=1+2", "'=1+2"),
        ("'Tèo", "''Tèo"),
        ("H101", "H101"),
        ("Tổ dân phố 1", "Tổ dân phố 1"),
        ("1/2 tổ đạt 100%", "1/2 tổ đạt 100%"),
        ("Số 12 Lê Lợi", "Số 12 Lê Lợi"),
        ("", ""),
    ];

    for (typed, expected) in cases {
        // Act
        let cell = Dialect::Vietnamese.text(typed);

        // Assert
        assert_eq!(cell, expected, "{typed:?}");
    }
}

#[test]
fn the_locale_parameter_chooses_the_dialect_and_refuses_any_other_locale_on_the_locale_field() {
    // Arrange
    let plain = [None, Some(""), Some("  ")];
    let vietnamese = ["vi-VN", "vi_VN", "VI-vn", "vi", " vi-VN "];
    let refused = ["en-US", "vi-VNx", "fr", "vn"];

    // Act, Assert
    for locale in plain {
        assert_eq!(Dialect::from_locale(locale).ok(), Some(Dialect::Plain), "{locale:?}");
    }
    for locale in vietnamese {
        assert_eq!(Dialect::from_locale(Some(locale)).ok(), Some(Dialect::Vietnamese), "{locale:?}");
    }
    for locale in refused {
        match Dialect::from_locale(Some(locale)) {
            Err(AppError::BadUserInput { field, .. }) => assert_eq!(field, "locale"),
            other => panic!("{locale:?} gave {other:?}"),
        }
    }
}

#[test]
fn a_plain_csv_quotes_every_text_cell_and_leaves_figures_bare() {
    // Arrange
    let rows = vec![vec![
        Cell::Text(r#"=HYPERLINK("http://x","y")"#.to_owned()),
        Cell::Text("+1+1".to_owned()),
        Cell::Count(4),
        Cell::Percent(2.0 / 3.0),
    ]];

    // Act
    let bytes = csv_bytes(Dialect::Plain, &["a", "b", "c", "d"], rows.into_iter(), None);

    // Assert
    assert_eq!(
        String::from_utf8(bytes).expect("UTF-8"),
        "\u{feff}\"a\",\"b\",\"c\",\"d\"\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'+1+1\",4,66.7\n"
    );
}

#[test]
fn a_vietnamese_csv_separates_with_semicolons_writes_a_decimal_comma_and_ends_lines_with_crlf() {
    // Arrange
    let rows = vec![vec![
        Cell::Text("+84912345678".to_owned()),
        Cell::Text("007".to_owned()),
        Cell::Text("Lê; \"Tèo\"".to_owned()),
        Cell::Count(1234),
        Cell::Percent(0.575),
    ]];

    // Act
    let bytes = csv_bytes(Dialect::Vietnamese, &["a", "b", "c", "d", "e"], rows.into_iter(), None);

    // Assert
    assert_eq!(
        String::from_utf8(bytes).expect("UTF-8"),
        "\u{feff}\"a\";\"b\";\"c\";\"d\";\"e\"\r\n\"'+84912345678\";\"'007\";\"Lê; \"\"Tèo\"\"\";1234;57,5\r\n"
    );
}

#[test]
fn the_totals_row_comes_after_an_empty_line_that_a_csv_reader_skips() {
    // Arrange
    let row = |label: &str, count| vec![Cell::Text(label.to_owned()), Cell::Count(count)];

    for (dialect, line_end) in [(Dialect::Plain, "\n"), (Dialect::Vietnamese, "\r\n")] {
        // Act
        let bytes = csv_bytes(
            dialect,
            &["Tổ", "Số hộ"],
            vec![row("A", 1), row("B", 2)].into_iter(),
            Some(row("Tổng cộng", 3)),
        );

        // Assert
        let text = String::from_utf8(bytes.clone()).expect("UTF-8");
        let sep = dialect.separator();
        let expected_end = format!("\"B\"{sep}2{line_end}{line_end}\"Tổng cộng\"{sep}3{line_end}");
        assert!(text.ends_with(&expected_end), "{dialect:?}: {text:?}");
        assert_eq!(
            fields(dialect, &bytes),
            [["Tổ", "Số hộ"], ["A", "1"], ["B", "2"], ["Tổng cộng", "3"]],
            "{dialect:?}"
        );
    }
}

#[test]
fn a_vietnamese_spreadsheet_reads_the_figures_as_numbers_and_the_marked_text_as_the_text() {
    // Arrange
    let rows = vec![vec![
        Cell::Text("+84912345678".to_owned()),
        Cell::Text("0912345678".to_owned()),
        Cell::Text("1".to_owned()),
        Cell::Count(1234),
        Cell::Percent(0.575),
    ]];

    // Act
    let bytes = csv_bytes(Dialect::Vietnamese, &["a", "b", "c", "d", "e"], rows.into_iter(), None);

    // Assert
    let read: Vec<Read> = fields(Dialect::Vietnamese, &bytes)[1].iter().map(|f| vietnamese_read(f)).collect();
    assert_eq!(
        read,
        [
            Read::Text("+84912345678".to_owned()),
            Read::Text("0912345678".to_owned()),
            Read::Text("1".to_owned()),
            Read::Number(1234.0),
            Read::Number(57.5),
        ]
    );
    // The plain dialect's `57.5` is what vi-VN settings read as text, and a bare phone as a number.
    assert_eq!(vietnamese_read("57.5"), Read::Text("57.5".to_owned()));
    assert_eq!(vietnamese_read("+84912345678"), Read::Number(84_912_345_678.0));
}

#[test]
fn a_text_cell_of_a_csv_reads_back_as_the_neutralised_text() {
    // Arrange
    let typed = "@SUM(1), \"quoted\"\nnext line";

    // Act
    let body = one_cell_body(Dialect::Plain, typed);

    // Assert
    let records: Vec<Vec<String>> = ::csv::Reader::from_reader(body.as_bytes())
        .records()
        .map(|record| record.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(records, [vec![format!("'{typed}")]]);
}

mod properties;
