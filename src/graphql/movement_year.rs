//! Input helpers the movement-year types share (self-management models, awards, movement events).

use async_graphql::{ID, MaybeUndefined};
use uuid::Uuid;

use super::context::parse_id;
use crate::error::AppError;

/// A list of ids, each checked; a bad one is named by its index (`field.2`).
pub fn id_list(list: &[ID], field: &str) -> Result<Vec<Uuid>, AppError> {
    list.iter().enumerate().map(|(index, id)| parse_id(id, &format!("{field}.{index}"))).collect()
}

/// An optional field of an update: left out (`None`), cleared with `null` (`Some(None)`) or set.
pub fn patch<T, U>(
    value: MaybeUndefined<T>,
    parse: impl FnOnce(T) -> Result<U, AppError>,
) -> Result<Option<Option<U>>, AppError> {
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(value) => Ok(Some(Some(parse(value)?))),
    }
}
