//! Pure domain types and rules: parsing of user input into valid values, Vietnamese text folding.
//! Nothing here touches the database or GraphQL; the stored enums only declare, through sea-orm's
//! `DeriveActiveEnum`, the exact string each value is stored as, so entities hold them directly.

pub mod assessment;
pub mod campaign;
pub mod fields;
pub mod household;
pub mod incident;
pub mod movement;
pub mod phone;
pub mod survey;
pub mod text;

#[cfg(test)]
pub(crate) mod strategies;
