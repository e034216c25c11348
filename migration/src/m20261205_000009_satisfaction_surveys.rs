//! Residents' satisfaction surveys of the ward police: a survey of a ward with its ordered questions,
//! the paper ballots typed in afterwards (each tied to a residential group, never to a household or a
//! person, and to no user either: the audit trail records who entered how many ballots for which
//! group), and each ballot's answers on the fixed four-level scale.
//!
//! An answer carries its survey and group, so results are one `GROUP BY` over one index, ward-wide or
//! per group, without reading ballots. A survey names no event yet: the festival or forum it was taken
//! at comes as a nullable column of its own in a later migration, which every existing row accepts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SatisfactionSurvey {
    Table,
    Id,
    WardId,
    Title,
    ConductedOn,
    Status,
    Version,
    CreatedBy,
    ClientMutationId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SurveyQuestion {
    Table,
    Id,
    SurveyId,
    Position,
    Text,
}

#[derive(DeriveIden)]
enum SurveyBallot {
    Table,
    Id,
    SurveyId,
    GroupId,
    RecordedAt,
}

#[derive(DeriveIden)]
enum SurveyAnswer {
    Table,
    BallotId,
    QuestionId,
    SurveyId,
    GroupId,
    Rating,
}

#[derive(DeriveIden)]
enum Ward {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ResidentialGroup {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(name: &str, table: impl IntoIden, columns: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    index.to_owned()
}

fn in_list(column: impl IntoIden, values: &[&str]) -> SimpleExpr {
    Expr::col(column).is_in(values.iter().copied())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SatisfactionSurvey::Table)
                    .col(ColumnDef::new(SatisfactionSurvey::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(SatisfactionSurvey::WardId).uuid().not_null())
                    .col(ColumnDef::new(SatisfactionSurvey::Title).string_len(200).not_null())
                    .col(ColumnDef::new(SatisfactionSurvey::ConductedOn).date().not_null())
                    .col(
                        ColumnDef::new(SatisfactionSurvey::Status)
                            .string_len(16)
                            .not_null()
                            .check(in_list(SatisfactionSurvey::Status, &["DRAFT", "OPEN", "CLOSED"])),
                    )
                    .col(ColumnDef::new(SatisfactionSurvey::Version).integer().not_null())
                    .col(ColumnDef::new(SatisfactionSurvey::CreatedBy).uuid().null())
                    .col(ColumnDef::new(SatisfactionSurvey::ClientMutationId).uuid().not_null())
                    .col(ColumnDef::new(SatisfactionSurvey::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(SatisfactionSurvey::UpdatedAt).timestamp_with_time_zone().not_null())
                    .check(Expr::col(SatisfactionSurvey::Version).gte(1))
                    .foreign_key(&mut fk(
                        "satisfaction_survey_ward_id_fkey",
                        (SatisfactionSurvey::Table, SatisfactionSurvey::WardId),
                        (Ward::Table, Ward::Id),
                    ))
                    .foreign_key(&mut fk(
                        "satisfaction_survey_created_by_fkey",
                        (SatisfactionSurvey::Table, SatisfactionSurvey::CreatedBy),
                        (AppUser::Table, AppUser::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // A ward's surveys by date: the year-end report reads one ward's year.
        manager
            .create_index(index(
                "satisfaction_survey_ward_conducted_idx",
                SatisfactionSurvey::Table,
                vec![SatisfactionSurvey::WardId.into_iden(), SatisfactionSurvey::ConductedOn.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SurveyQuestion::Table)
                    .col(ColumnDef::new(SurveyQuestion::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(SurveyQuestion::SurveyId).uuid().not_null())
                    // 1-based, in the order the ballot prints them.
                    .col(ColumnDef::new(SurveyQuestion::Position).integer().not_null())
                    .col(ColumnDef::new(SurveyQuestion::Text).string_len(500).not_null())
                    .check(Expr::col(SurveyQuestion::Position).gte(1))
                    .foreign_key(&mut fk(
                        "survey_question_survey_id_fkey",
                        (SurveyQuestion::Table, SurveyQuestion::SurveyId),
                        (SatisfactionSurvey::Table, SatisfactionSurvey::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "survey_question_survey_position_key",
                    SurveyQuestion::Table,
                    vec![SurveyQuestion::SurveyId.into_iden(), SurveyQuestion::Position.into_iden()],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // What an answer's question is checked against: a question of the ballot's survey.
        manager
            .create_index(
                index(
                    "survey_question_survey_id_key",
                    SurveyQuestion::Table,
                    vec![SurveyQuestion::SurveyId.into_iden(), SurveyQuestion::Id.into_iden()],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SurveyBallot::Table)
                    .col(ColumnDef::new(SurveyBallot::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(SurveyBallot::SurveyId).uuid().not_null())
                    .col(ColumnDef::new(SurveyBallot::GroupId).uuid().not_null())
                    .col(ColumnDef::new(SurveyBallot::RecordedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        "survey_ballot_survey_id_fkey",
                        (SurveyBallot::Table, SurveyBallot::SurveyId),
                        (SatisfactionSurvey::Table, SatisfactionSurvey::Id),
                    ))
                    .foreign_key(&mut fk(
                        "survey_ballot_group_id_fkey",
                        (SurveyBallot::Table, SurveyBallot::GroupId),
                        (ResidentialGroup::Table, ResidentialGroup::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Ballots per group of a survey, counted without reading them; and what an answer's survey and
        // group are checked against.
        manager
            .create_index(
                index(
                    "survey_ballot_survey_group_key",
                    SurveyBallot::Table,
                    vec![
                        SurveyBallot::SurveyId.into_iden(),
                        SurveyBallot::GroupId.into_iden(),
                        SurveyBallot::Id.into_iden(),
                    ],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        let levels = ["VERY_SATISFIED", "SATISFIED", "NEUTRAL", "DISSATISFIED"];
        manager
            .create_table(
                Table::create()
                    .table(SurveyAnswer::Table)
                    .col(ColumnDef::new(SurveyAnswer::BallotId).uuid().not_null())
                    .col(ColumnDef::new(SurveyAnswer::QuestionId).uuid().not_null())
                    // The ballot's survey and group, so results group answers without a join.
                    .col(ColumnDef::new(SurveyAnswer::SurveyId).uuid().not_null())
                    .col(ColumnDef::new(SurveyAnswer::GroupId).uuid().not_null())
                    .col(
                        ColumnDef::new(SurveyAnswer::Rating)
                            .string_len(16)
                            .not_null()
                            .check(in_list(SurveyAnswer::Rating, &levels)),
                    )
                    // A question is answered at most once on a ballot.
                    .primary_key(Index::create().col(SurveyAnswer::BallotId).col(SurveyAnswer::QuestionId))
                    // The ballot, with the survey and group it is of: the copies cannot drift.
                    .foreign_key(
                        ForeignKey::create()
                            .name("survey_answer_ballot_fkey")
                            .from_tbl(SurveyAnswer::Table)
                            .from_col(SurveyAnswer::SurveyId)
                            .from_col(SurveyAnswer::GroupId)
                            .from_col(SurveyAnswer::BallotId)
                            .to_tbl(SurveyBallot::Table)
                            .to_col(SurveyBallot::SurveyId)
                            .to_col(SurveyBallot::GroupId)
                            .to_col(SurveyBallot::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    // A question of the same survey.
                    .foreign_key(
                        ForeignKey::create()
                            .name("survey_answer_question_fkey")
                            .from_tbl(SurveyAnswer::Table)
                            .from_col(SurveyAnswer::SurveyId)
                            .from_col(SurveyAnswer::QuestionId)
                            .to_tbl(SurveyQuestion::Table)
                            .to_col(SurveyQuestion::SurveyId)
                            .to_col(SurveyQuestion::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // Covers the results' GROUP BY question, rating, for a survey or one of its groups.
        manager
            .create_index(index(
                "survey_answer_results_idx",
                SurveyAnswer::Table,
                vec![
                    SurveyAnswer::SurveyId.into_iden(),
                    SurveyAnswer::GroupId.into_iden(),
                    SurveyAnswer::QuestionId.into_iden(),
                    SurveyAnswer::Rating.into_iden(),
                ],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SurveyAnswer::Table.into_iden(),
            SurveyBallot::Table.into_iden(),
            SurveyQuestion::Table.into_iden(),
            SatisfactionSurvey::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
