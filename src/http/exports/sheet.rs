//! The xlsx workbooks of the exports, of one sheet or several, each with a title, the time of the figures in Vietnam, a
//! header row frozen on screen and repeated on every printed page, an autofilter over the data rows, and
//! a totals row apart from them (after an empty row, outside the filter, so sorting and filtering never
//! move it). Cells are typed: text as text cells with the text format (so a phone `+84…` or a code `007`
//! stays as written even when edited), counts and shares as numbers with a number or percent format.
//! Printed landscape on A4, one page wide.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::error::AppError;

/// Asia/Ho_Chi_Minh: UTC+7 all year, since Vietnam keeps no daylight saving time, so a fixed offset is
/// exact.
const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// The A4 paper size in the spreadsheet's page setup.
const A4: u8 = 9;

const TITLE_ROW: u32 = 0;
const AS_OF_ROW: u32 = 1;
const HEADER_ROW: u32 = 3;
const FIRST_ROW: u32 = HEADER_ROW + 1;

/// Column widths, in characters: a text column fits its longest cell within these bounds.
const MIN_WIDTH: f64 = 8.0;
const MAX_WIDTH: f64 = 60.0;
/// Number columns are this wide; their headers wrap instead.
const NUMBER_WIDTH: f64 = 13.0;

/// One cell of a sheet.
pub(super) enum Value<'a> {
    /// Text as typed or as a label: a text cell, never a formula.
    Text(&'a str),
    /// A count of households or people.
    Count(i64),
    /// A share of 1, shown as a percentage.
    Share(f64),
    /// A day, shown as Vietnam writes it (`19/05/2023`).
    Date(NaiveDate),
    /// Nothing: a figure that does not exist (a rate without answers, a day not set).
    Empty,
}

/// One sheet: its header row, data rows and optional totals row, under a title.
pub(super) struct Sheet<'a> {
    pub(super) name: &'a str,
    pub(super) title: String,
    /// When the figures were read.
    pub(super) as_of: DateTime<Utc>,
    pub(super) headers: &'a [&'a str],
    pub(super) rows: Vec<Vec<Value<'a>>>,
    pub(super) totals: Option<Vec<Value<'a>>>,
}

/// The line under the title: when the figures were read, in Vietnam's time, said so.
pub(super) fn as_of_line(as_of: DateTime<Utc>) -> String {
    let local = as_of.with_timezone(&VIETNAM);
    format!("Số liệu lúc {} (giờ Việt Nam, UTC+7)", local.format("%H:%M ngày %d/%m/%Y"))
}

/// The formats of one kind of row.
struct Formats {
    text: Format,
    count: Format,
    share: Format,
    date: Format,
}

impl Formats {
    fn new(bold: bool) -> Self {
        let base = if bold { Format::new().set_bold() } else { Format::new() };
        Self {
            // "@" is Excel's text format: what someone later types into the cell stays text too.
            text: base.clone().set_num_format("@"),
            count: base.clone().set_num_format("#,##0"),
            share: base.clone().set_num_format("0.0%"),
            date: base.set_num_format("dd/mm/yyyy"),
        }
    }
}

/// A workbook of `sheets`, in order, as bytes.
pub(super) fn xlsx_of(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, AppError> {
    let mut workbook = Workbook::new();
    let written: Result<Vec<u8>, XlsxError> = sheets
        .iter()
        .try_for_each(|sheet| sheet.add_to(&mut workbook))
        .and_then(|()| workbook.save_to_buffer());
    written.map_err(AppError::internal)
}

impl Sheet<'_> {
    /// The workbook of this sheet alone, as bytes.
    pub(super) fn xlsx(&self) -> Result<Vec<u8>, AppError> {
        xlsx_of(std::slice::from_ref(self))
    }

    fn add_to(&self, workbook: &mut Workbook) -> Result<(), XlsxError> {
        let sheet = workbook.add_worksheet();
        sheet.set_name(self.name)?;
        let last_col = self.headers.len().saturating_sub(1) as u16;
        let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
        sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, &self.title, &title)?;
        sheet.write_string(AS_OF_ROW, 0, as_of_line(self.as_of))?;
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_background_color(Color::RGB(0xD9E1F2));
        for (col, name) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(HEADER_ROW, col as u16, *name, &header)?;
        }
        let plain = Formats::new(false);
        for (index, row) in self.rows.iter().enumerate() {
            write_row(sheet, FIRST_ROW + index as u32, row, &plain)?;
        }
        let after_data = FIRST_ROW + self.rows.len() as u32;
        if let Some(totals) = &self.totals {
            // One empty row between: the filter's range and a sort stop before the totals.
            write_row(sheet, after_data + 1, totals, &Formats::new(true))?;
        }
        // The filter covers the header and the data rows only (just the header when there are none).
        sheet.autofilter(HEADER_ROW, 0, after_data.saturating_sub(1).max(HEADER_ROW), last_col)?;
        sheet.set_freeze_panes(FIRST_ROW, 0)?;
        self.set_widths(sheet)?;
        sheet
            .set_landscape()
            .set_paper_size(A4)
            .set_print_fit_to_pages(1, 0)
            .set_print_center_horizontally(true)
            .set_footer("&CTrang &P/&N");
        sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
        Ok(())
    }

    fn set_widths(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (col, header) in self.headers.iter().enumerate() {
            let cells = self.rows.iter().chain(&self.totals).filter_map(|row| row.get(col));
            let mut widest = Some(header.chars().count());
            for cell in cells {
                widest = match (widest, cell) {
                    (Some(width), Value::Text(text)) => Some(width.max(text.chars().count())),
                    (widest, Value::Empty) => widest,
                    _ => None,
                };
            }
            let width = match widest {
                Some(chars) => (chars as f64 + 2.0).clamp(MIN_WIDTH, MAX_WIDTH),
                None => NUMBER_WIDTH,
            };
            sheet.set_column_width(col as u16, width)?;
        }
        Ok(())
    }
}

/// Writes `values` on `row`. Each cell names its writer: rust_xlsxwriter's `write` also stores a `&str` as
/// text (only a `Formula` value makes a formula), but naming it keeps text typed as `=…` text even if a
/// column's type changes.
fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    values: &[Value<'_>],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (col, value) in values.iter().enumerate() {
        let col = col as u16;
        match value {
            Value::Text(text) => sheet.write_string_with_format(row, col, *text, &formats.text)?,
            Value::Count(count) => sheet.write_number_with_format(row, col, *count as f64, &formats.count)?,
            Value::Share(share) => sheet.write_number_with_format(row, col, *share, &formats.share)?,
            Value::Date(day) => {
                match ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8) {
                    Ok(day) => sheet.write_datetime_with_format(row, col, day, &formats.date)?,
                    Err(_) => sheet.write_string_with_format(row, col, day.to_string(), &formats.text)?,
                }
            }
            Value::Empty => continue,
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_of_the_figures_is_told_in_vietnam_time_across_midnight_and_says_so() {
        // Arrange: 17:30 UTC on 31 December is 00:30 on 1 January in Vietnam.
        let utc: DateTime<Utc> = "2023-12-31T17:30:00Z".parse().expect("a time");

        // Act
        let line = as_of_line(utc);

        // Assert
        assert_eq!(line, "Số liệu lúc 00:30 ngày 01/01/2024 (giờ Việt Nam, UTC+7)");
    }
}
