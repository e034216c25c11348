//! Database errors by what they mean to the client: a unique constraint a user ran into (`CONFLICT`
//! naming the field), a database out of reach (`SERVICE_UNAVAILABLE`), or anything else (internal).
//! Constraints are recognised the same way on SQLite and PostgreSQL.

use async_graphql::Value;
use sea_orm::{DbErr, RuntimeErr, SqlErr, sqlx};

use super::AppError;

/// A unique constraint and what it means to the user, recognised by its PostgreSQL name or the
/// `table.column` list SQLite reports.
struct UniqueConstraint {
    postgres_name: &'static str,
    sqlite_columns: &'static str,
    field: &'static str,
    message: &'static str,
}

/// Every unique constraint a user can run into, in one place for both backends.
const UNIQUE_CONSTRAINTS: &[UniqueConstraint] = &[
    UniqueConstraint {
        postgres_name: "ward_code_key",
        sqlite_columns: "ward.code",
        field: "code",
        message: "a ward with this code already exists",
    },
    UniqueConstraint {
        postgres_name: "residential_group_ward_code_key",
        sqlite_columns: "residential_group.ward_id, residential_group.code",
        field: "code",
        message: "a residential group with this code already exists in the ward",
    },
    UniqueConstraint {
        postgres_name: "household_group_code_key",
        sqlite_columns: "household.group_id, household.code",
        field: "code",
        message: "a household with this code already exists in the group",
    },
    UniqueConstraint {
        postgres_name: "app_user_username_key",
        sqlite_columns: "app_user.username_key",
        field: "username",
        message: "this username is taken",
    },
];

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            return AppError::Unavailable(err.to_string());
        }
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => {
                match UNIQUE_CONSTRAINTS.iter().find(|c| {
                    detail.contains(&format!("\"{}\"", c.postgres_name)) || detail.ends_with(c.sqlite_columns)
                }) {
                    Some(c) => AppError::Conflict {
                        message: c.message.to_owned(),
                        extensions: vec![("field", Value::from(c.field))],
                    },
                    None => AppError::internal(format!("unmapped unique violation: {detail}")),
                }
            }
            // Foreign keys are checked by the services before writing; reaching one is a race with a delete.
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                AppError::conflict("a referenced record no longer exists")
            }
            _ => AppError::internal(err),
        }
    }
}

/// Whether `err` says the database cannot be reached, rather than that this statement failed: no
/// connection within the acquire timeout, a closed pool, a broken socket, or PostgreSQL refusing
/// connections or shutting down. Retrying later can succeed, so the client is told so.
fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) => true,
        // sea-orm's own word for a connection that was closed.
        DbErr::Conn(RuntimeErr::Internal(message)) => message == "Disconnected",
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => is_unreachable(e),
        _ => false,
    }
}

/// The sqlx errors that mean the database is out of reach, whatever statement was running.
fn is_unreachable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
            true
        }
        // SQLSTATE class 08 (connection exception), 57P01–57P03 (shutting down, crash recovery, cannot
        // connect now) and 53300 (too many connections).
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::ConnAcquireErr;

    use super::*;

    fn code_of(err: DbErr) -> &'static str {
        AppError::from(err).code().as_str()
    }

    #[test]
    fn a_pool_timeout_is_service_unavailable_without_the_detail() {
        let err = AppError::from(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert_eq!(err.code().as_str(), "SERVICE_UNAVAILABLE");
        let graphql = async_graphql::Error::from(err);
        assert_eq!(graphql.message, "the database is not reachable; try again shortly");
        let code = graphql.extensions.as_ref().and_then(|e| e.get("code")).cloned();
        assert_eq!(code, Some(Value::from("SERVICE_UNAVAILABLE")));
    }

    #[test]
    fn lost_connections_and_closed_pools_are_service_unavailable() {
        let sqlx_err = |e: sqlx::Error| RuntimeErr::SqlxError(Arc::new(e));
        let reset = || sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        for err in [
            DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
            DbErr::Conn(sqlx_err(sqlx::Error::PoolTimedOut)),
            DbErr::Conn(sqlx_err(sqlx::Error::PoolClosed)),
            DbErr::Conn(RuntimeErr::Internal("Disconnected".into())),
            DbErr::Query(sqlx_err(reset())),
            DbErr::Exec(sqlx_err(reset())),
        ] {
            assert_eq!(code_of(err.clone()), "SERVICE_UNAVAILABLE", "{err:?}");
        }
    }

    #[test]
    fn other_database_errors_stay_internal() {
        let sqlx_err = |e: sqlx::Error| RuntimeErr::SqlxError(Arc::new(e));
        for err in [
            DbErr::Custom("boom".into()),
            DbErr::Query(sqlx_err(sqlx::Error::RowNotFound)),
            DbErr::Exec(sqlx_err(sqlx::Error::Protocol("unexpected message".into()))),
            DbErr::Conn(RuntimeErr::Internal("Dropping a locked Transaction".into())),
        ] {
            assert_eq!(code_of(err.clone()), "INTERNAL_SERVER_ERROR", "{err:?}");
        }
    }
}
