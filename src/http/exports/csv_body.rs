//! CSV bodies of the exports: the two dialects (plain, and Vietnamese spreadsheet settings), the quoting,
//! the totals row kept apart from the data, and the marking of text cells that a spreadsheet would
//! otherwise run as a formula or read as a number. What goes in each column is the handlers' business.

use std::borrow::Cow;

use crate::error::AppError;

/// The characters with which Excel, LibreOffice and Google Sheets start a formula (or, for the tab and
/// the carriage return, let one through after them) when they open a CSV; and their full-width forms,
/// which some spreadsheets read the same way.
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// The UTF-8 byte-order mark: it tells Excel the file is UTF-8, so Vietnamese diacritics show.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How a CSV is written, for the program or spreadsheet that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// Comma-separated, decimal point, LF: for programs, and spreadsheets with English settings. Text is
    /// as stored, except that text which would start a formula gets a leading `'`.
    Plain,
    /// What Excel and LibreOffice with Vietnamese (vi-VN) settings read on a double click: `;`-separated
    /// (the vi-VN list separator), decimal comma (`.` groups thousands there), CRLF; and every text cell
    /// that the spreadsheet would read as something else (a formula, a number, a date, `+84…`, `007`) or
    /// that starts with `'` gets a leading `'`, which the spreadsheet takes as "text" and does not show.
    Vietnamese,
}

impl Dialect {
    /// The dialect a `locale` query parameter asks for: none for [`Dialect::Plain`], `vi-VN` (any case,
    /// `-` or `_`, or plain `vi`) for [`Dialect::Vietnamese`].
    pub(super) fn from_locale(locale: Option<&str>) -> Result<Self, AppError> {
        match locale.map(str::trim) {
            None | Some("") => Ok(Self::Plain),
            Some(tag) if tag.eq_ignore_ascii_case("vi") => Ok(Self::Vietnamese),
            Some(tag) if tag.replace('_', "-").eq_ignore_ascii_case("vi-VN") => Ok(Self::Vietnamese),
            Some(_) => Err(AppError::bad_input(
                "locale",
                "locale must be vi-VN (a CSV for Vietnamese spreadsheet settings) or left out",
            )),
        }
    }

    fn separator(self) -> char {
        match self {
            Self::Plain => ',',
            Self::Vietnamese => ';',
        }
    }

    fn line_end(self) -> &'static str {
        match self {
            Self::Plain => "\n",
            Self::Vietnamese => "\r\n",
        }
    }

    /// `text` as this dialect writes it, before quoting.
    fn text(self, text: &str) -> Cow<'_, str> {
        match self {
            Self::Plain => spreadsheet_safe(text),
            Self::Vietnamese
                if text.starts_with('\'') || text.starts_with(FORMULA_STARTS) || reads_as_a_value(text) =>
            {
                Cow::Owned(format!("'{text}"))
            }
            Self::Vietnamese => Cow::Borrowed(text),
        }
    }

    /// A share of 1 as a percentage to one decimal, with this dialect's decimal separator.
    fn percent(self, share: f64) -> String {
        let figure = format!("{:.1}", share * 100.0);
        match self {
            Self::Plain => figure,
            Self::Vietnamese => figure.replace('.', ","),
        }
    }
}

/// One cell of a CSV row.
pub(super) enum Cell {
    /// Text that came from a user or a label: always quoted, and marked as the dialect requires.
    Text(String),
    /// A count, written as bare digits (no thousands separator, which differs between locales).
    Count(i64),
    /// A share of 1 (`0.667`), written as a bare percentage to one decimal (`66.7`, or `66,7` in vi-VN).
    Percent(f64),
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

/// Whether a spreadsheet opening a CSV would read `text` as a number, percentage, date or time rather
/// than as text: digits with nothing but number, date and time punctuation around them (`007`, `1.234`,
/// `1/2`, `3-4`, `12:30`, `5%`, `1e5`, `(12)`), or a boolean.
fn reads_as_a_value(text: &str) -> bool {
    let text = text.trim();
    let numeric = text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_digit() || " +-.,/:%()eE$₫".contains(c));
    numeric || text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
}

/// A CSV in `dialect` with a byte-order mark: `headers`, one record per row, then, when there are
/// `totals`, an empty line and the totals row. A spreadsheet's sort and filter take the block of rows
/// around the selected cell up to the first empty row, so they leave the totals out; CSV readers such as
/// Rust's `csv` and pandas skip the empty line.
///
/// Text is always in double quotes and figures never are: a spreadsheet set to read quoted fields as text
/// still gets numbers, and the marked text cells are quoted as OWASP advises. Figures are digits, a sign
/// and a decimal separator that is never the field separator, so they need no quotes.
pub(super) fn csv_bytes(
    dialect: Dialect,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<Cell>>,
    totals: Option<Vec<Cell>>,
) -> Vec<u8> {
    let mut body = String::new();
    let header: Vec<Cell> = headers.iter().map(|h| Cell::Text((*h).to_owned())).collect();
    write_record(&mut body, dialect, &header);
    for row in rows {
        write_record(&mut body, dialect, &row);
    }
    if let Some(totals) = totals {
        body.push_str(dialect.line_end());
        write_record(&mut body, dialect, &totals);
    }
    let mut bytes = Vec::with_capacity(BOM.len() + body.len());
    bytes.extend_from_slice(BOM);
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

fn write_record(body: &mut String, dialect: Dialect, cells: &[Cell]) {
    for (index, cell) in cells.iter().enumerate() {
        if index > 0 {
            body.push(dialect.separator());
        }
        match cell {
            Cell::Text(text) => {
                body.push('"');
                body.push_str(&dialect.text(text).replace('"', "\"\""));
                body.push('"');
            }
            Cell::Count(count) => body.push_str(&count.to_string()),
            Cell::Percent(share) => body.push_str(&dialect.percent(*share)),
        }
    }
    body.push_str(dialect.line_end());
}

#[cfg(test)]
mod tests;
