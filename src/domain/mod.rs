//! Pure domain types and rules: parsing of user input into valid values, Vietnamese text folding.
//! Nothing here touches the database or GraphQL.

pub mod campaign;
pub mod fields;
pub mod household;
pub mod phone;
pub mod text;

#[cfg(test)]
mod strategies;
