//! Users, their role assignments (each role with its scope) and refresh tokens (stored hashed).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    Username,
    UsernameKey,
    DisplayName,
    PasswordHash,
    Active,
    TokenVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RoleAssignment {
    Table,
    Id,
    UserId,
    Role,
    WardId,
    GroupId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshToken {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    ExpiresAt,
    CreatedAt,
    RevokedAt,
    ReplacedBy,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(ColumnDef::new(AppUser::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(AppUser::Username).string_len(64).not_null())
                    // Lower-cased username: uniqueness ignores case on every backend.
                    .col(ColumnDef::new(AppUser::UsernameKey).string_len(64).not_null())
                    .col(ColumnDef::new(AppUser::DisplayName).string_len(200).not_null())
                    .col(ColumnDef::new(AppUser::PasswordHash).text().not_null())
                    .col(ColumnDef::new(AppUser::Active).boolean().not_null())
                    // Bumped on deactivation and password change: access tokens carrying an older
                    // version stop working at once.
                    .col(ColumnDef::new(AppUser::TokenVersion).integer().not_null())
                    .col(ColumnDef::new(AppUser::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AppUser::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("app_user_username_key")
                    .table(AppUser::Table)
                    .col(AppUser::UsernameKey)
                    .unique()
                    .to_owned(),
            )
            .await?;

        let role = Expr::col(RoleAssignment::Role);
        let ward = || Expr::col(RoleAssignment::WardId);
        let group = || Expr::col(RoleAssignment::GroupId);
        let scope_matches_role = Condition::any()
            .add(Condition::all().add(role.clone().eq("ADMIN")).add(ward().is_null()).add(group().is_null()))
            .add(
                Condition::all()
                    .add(role.clone().eq("WARD_OFFICIAL"))
                    .add(ward().is_not_null())
                    .add(group().is_null()),
            )
            .add(
                Condition::all()
                    .add(role.eq("GROUP_LEADER"))
                    .add(ward().is_null())
                    .add(group().is_not_null()),
            );
        manager
            .create_table(
                Table::create()
                    .table(RoleAssignment::Table)
                    .col(ColumnDef::new(RoleAssignment::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(RoleAssignment::UserId).uuid().not_null())
                    .col(ColumnDef::new(RoleAssignment::Role).string_len(16).not_null())
                    .col(ColumnDef::new(RoleAssignment::WardId).uuid().null())
                    .col(ColumnDef::new(RoleAssignment::GroupId).uuid().null())
                    .col(ColumnDef::new(RoleAssignment::CreatedAt).timestamp_with_time_zone().not_null())
                    .check(scope_matches_role)
                    .foreign_key(
                        ForeignKey::create()
                            .name("role_assignment_user_id_fkey")
                            .from(RoleAssignment::Table, RoleAssignment::UserId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("role_assignment_ward_id_fkey")
                            .from(RoleAssignment::Table, RoleAssignment::WardId)
                            .to(Ward::Table, Ward::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("role_assignment_group_id_fkey")
                            .from(RoleAssignment::Table, RoleAssignment::GroupId)
                            .to(ResidentialGroup::Table, ResidentialGroup::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("role_assignment_user_idx", RoleAssignment::UserId),
            ("role_assignment_ward_idx", RoleAssignment::WardId),
            ("role_assignment_group_idx", RoleAssignment::GroupId),
        ] {
            manager
                .create_index(Index::create().name(name).table(RoleAssignment::Table).col(column).to_owned())
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(RefreshToken::Table)
                    .col(ColumnDef::new(RefreshToken::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(RefreshToken::UserId).uuid().not_null())
                    // Every token rotated from one login shares the family: reuse of any rotated
                    // token revokes them all.
                    .col(ColumnDef::new(RefreshToken::FamilyId).uuid().not_null())
                    .col(ColumnDef::new(RefreshToken::TokenHash).string_len(64).not_null())
                    .col(ColumnDef::new(RefreshToken::ExpiresAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(RefreshToken::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(RefreshToken::RevokedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(RefreshToken::ReplacedBy).uuid().null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("refresh_token_user_id_fkey")
                            .from(RefreshToken::Table, RefreshToken::UserId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("refresh_token_hash_key")
                    .table(RefreshToken::Table)
                    .col(RefreshToken::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("refresh_token_user_idx", RefreshToken::UserId),
            ("refresh_token_family_idx", RefreshToken::FamilyId),
        ] {
            manager
                .create_index(Index::create().name(name).table(RefreshToken::Table).col(column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RefreshToken::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(RoleAssignment::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AppUser::Table).to_owned()).await
    }
}
