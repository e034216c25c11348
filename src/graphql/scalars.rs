//! The custom scalars, each with its description and `@specifiedBy` URL (code generators such as
//! GraphQL Code Generator's `strictScalars` read them): `Date`, `DateTime` and `JSON`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, SecondsFormat, Utc};

use crate::error::AppError;

/// A calendar date. As an input it is the text as sent, checked by the resolver that reads it
/// (`checked`), so a malformed date is `BAD_USER_INPUT` naming its field, and in `recordPledges` fails
/// its own item only: a scalar that refused it while the request is read could do neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date(String);

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Self(date.format("%Y-%m-%d").to_string())
    }
}

impl Date {
    /// The date, or `BAD_USER_INPUT` naming `field`.
    pub fn checked(&self, field: &str) -> Result<NaiveDate, AppError> {
        crate::domain::campaign::parse_date(&self.0).map_err(|m| AppError::bad_input(field, m))
    }

    /// The text as sent, for services that check dates item by item.
    pub fn into_text(self) -> String {
        self.0
    }
}

/// A calendar date, `YYYY-MM-DD` (RFC 3339 `full-date`, ISO 8601): Vietnam's local date. In an input, a
/// malformed or impossible date is `BAD_USER_INPUT` with `extensions.field` naming the field.
#[Scalar(name = "Date", specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => Ok(Date(text)),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(_))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// An instant, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(instant: chrono::DateTime<Utc>) -> Self {
        Self(instant)
    }
}

fn parse_instant(text: &str) -> Option<chrono::DateTime<Utc>> {
    chrono::DateTime::parse_from_rfc3339(text).ok().map(|instant| instant.with_timezone(&Utc))
}

/// An instant: RFC 3339 `date-time` with its offset, e.g. `2023-05-19T08:30:00+07:00`. Answers are in
/// UTC (`+00:00`).
#[Scalar(name = "DateTime", specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => parse_instant(text)
                .map(DateTime)
                .ok_or_else(|| InputValueError::custom("not an RFC 3339 date-time with an offset")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    /// Checked while the request is read, so a malformed instant is refused naming its argument.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if parse_instant(text).is_some())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::AutoSi, false))
    }
}

/// A JSON value, as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Json(pub serde_json::Value);

/// Any JSON value (RFC 8259): an object, an array, a string, a number, a boolean or null.
#[Scalar(name = "JSON", specified_by_url = "https://www.rfc-editor.org/rfc/rfc8259")]
impl ScalarType for Json {
    fn parse(value: Value) -> InputValueResult<Self> {
        value.into_json().map(Json).map_err(InputValueError::custom)
    }

    fn to_value(&self) -> Value {
        Value::from_json(self.0.clone()).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_answer_as_chrono_writes_rfc_3339_and_any_offset_is_read() {
        let instant = parse_instant("2023-05-19T08:30:00.123456+07:00").expect("an instant");
        assert_eq!(DateTime(instant).to_value(), Value::String("2023-05-19T01:30:00.123456+00:00".into()));
        assert_eq!(DateTime(instant).to_value(), Value::String(instant.to_rfc3339()));
        assert!(!DateTime::is_valid(&Value::String("2023-05-19".into())));
    }

    #[test]
    fn a_date_is_checked_when_read_naming_its_field() {
        let date = Date::parse(Value::String("2023-02-30".into())).expect("text is taken as sent");
        assert!(
            matches!(date.checked("signedOn"), Err(AppError::BadUserInput { field, .. }) if field == "signedOn")
        );
        let date = Date::from(NaiveDate::from_ymd_opt(2023, 5, 19).expect("a date"));
        assert_eq!(date.checked("x").ok(), NaiveDate::from_ymd_opt(2023, 5, 19));
        assert_eq!(date.to_value(), Value::String("2023-05-19".into()));
    }
}
