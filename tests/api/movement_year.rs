//! The year-end report of a ward's movement year: every figure against a seeded ward (`world`), a ward
//! with its own year, each role's view and refusals, the statements it costs whatever the ward's size,
//! and the same report as a workbook.

mod figures;
mod own_year;
mod scope;
mod seed;
mod statements;
mod workbook;
mod world;
