//! Typed settings read from the environment (and an optional `.env` file).
//!
//! Every variable is parsed here once; a bad value stops the program with one line naming the variable.
//! Secrets are wrapped so that `Debug` never prints them.
//!
//! `HttpSettings` and the limits it carries live in `http`; `Secret` in `secret`.

mod http;
mod secret;

pub use http::{HttpSettings, Limits, RateLimit};
pub use secret::Secret;

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

/// Where the service runs: development enables GraphiQL and the demo data, production refuses both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// Local work: GraphiQL on, `--demo` allowed, a random JWT secret when none is set.
    Development,
    /// The real service: GraphiQL off, `--demo` refused, a strong JWT secret required.
    Production,
}

/// All settings of the service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`.
    pub database_url: Secret,
    /// `PLEDGE_BIND`: the address to listen on.
    pub bind: SocketAddr,
    /// `PLEDGE_ENV`: `development` or `production`.
    pub environment: Environment,
    /// `PLEDGE_DB_MAX_CONNECTIONS`: the database pool size.
    pub db_max_connections: u32,
    /// `PLEDGE_JWT_SECRET`: signs access tokens; at least 32 bytes.
    pub jwt_secret: Secret,
    /// The secret was made at start because none was set (development only): sessions end at restart.
    pub jwt_secret_generated: bool,
    /// How `/graphql` and the other routes treat requests.
    pub http: HttpSettings,
    /// `PLEDGE_COVERAGE_CHECK_HOURS`: how often the server recomputes the coverage counters and repairs
    /// any drift (0 = never; default 24).
    pub coverage_check_interval: Option<Duration>,
    /// `PLEDGE_ACCESS_TOKEN_MINUTES`: how long an access token lives (1 to 1440; default 15). Shorter
    /// means a stolen token is worth less and clients refresh more often.
    pub access_token_lifetime: Duration,
}

/// Shortest accepted JWT secret, in bytes.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

fn random_secret() -> Secret {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    use base64::Engine;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    Secret::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// A setting that could not be used; its `Display` is the one line printed before the program stops.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {variable}: {reason}")]
pub struct SettingsError {
    /// The environment variable at fault.
    pub variable: &'static str,
    /// What is wrong with it (never its value when it is a secret).
    pub reason: String,
}

/// A folder named in the settings: a relative one written in `.env` lies beside that file, wherever the
/// server is started; one from the process environment, in the working directory.
fn resolve_beside(dir: PathBuf, env_file: Option<&Path>, working_dir: &Path) -> PathBuf {
    if dir.is_absolute() {
        return dir;
    }
    match env_file.and_then(Path::parent) {
        Some(env_dir) => env_dir.join(dir),
        None => working_dir.join(dir),
    }
}

/// The database used when `DATABASE_URL` is not set: a file under `data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/pledge.db?mode=rwc";

impl Settings {
    /// Reads the settings from the process environment, after loading `.env` when there is one.
    pub fn from_env() -> Result<Self, SettingsError> {
        let operations_dir_preset = std::env::var_os("PLEDGE_OPERATIONS_DIR").is_some();
        // A missing .env is normal; a broken one is reported by the variables it fails to set.
        let env_file = dotenvy::dotenv().ok();
        let mut settings = Self::from_lookup(|name| std::env::var(name).ok())?;
        if let Some(dir) = settings.http.operations_dir.take() {
            let env_file = env_file.filter(|_| !operations_dir_preset);
            let working_dir = std::env::current_dir().unwrap_or_default();
            settings.http.operations_dir = Some(resolve_beside(dir, env_file.as_deref(), &working_dir));
        }
        Ok(settings)
    }

    /// Reads the settings through `lookup`, so tests can supply variables without touching the process.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());

        let environment = match get("PLEDGE_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(SettingsError {
                    variable: "PLEDGE_ENV",
                    reason: format!("expected `development` or `production`, got `{other}`"),
                });
            }
        };

        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(SettingsError {
                variable: "DATABASE_URL",
                reason: "expected a URL starting with sqlite:, postgres:// or postgresql://".into(),
            });
        }

        let bind = match get("PLEDGE_BIND") {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some(value) => value.parse().map_err(|_| SettingsError {
                variable: "PLEDGE_BIND",
                reason: format!("expected host:port such as 127.0.0.1:8080, got `{value}`"),
            })?,
        };

        let db_max_connections = match get("PLEDGE_DB_MAX_CONNECTIONS") {
            None => 10,
            Some(value) => {
                value.parse().ok().filter(|n| (1..=1000).contains(n)).ok_or_else(|| SettingsError {
                    variable: "PLEDGE_DB_MAX_CONNECTIONS",
                    reason: format!("expected a whole number from 1 to 1000, got `{value}`"),
                })?
            }
        };

        let (jwt_secret, jwt_secret_generated) = match get("PLEDGE_JWT_SECRET") {
            Some(secret) if secret.len() >= MIN_JWT_SECRET_BYTES => (Secret::new(secret), false),
            Some(_) => {
                return Err(SettingsError {
                    variable: "PLEDGE_JWT_SECRET",
                    reason: format!(
                        "must be at least {MIN_JWT_SECRET_BYTES} bytes; make one with `openssl rand -base64 48`"
                    ),
                });
            }
            None if environment == Environment::Production => {
                return Err(SettingsError {
                    variable: "PLEDGE_JWT_SECRET",
                    reason: format!(
                        "is required in production (at least {MIN_JWT_SECRET_BYTES} bytes; \
                         make one with `openssl rand -base64 48`)"
                    ),
                });
            }
            None => (random_secret(), true),
        };

        let http = HttpSettings::from_lookup(environment, &get)?;
        let coverage_check_interval = match get("PLEDGE_COVERAGE_CHECK_HOURS") {
            None => Some(Duration::from_secs(24 * 3600)),
            Some(value) => match value.parse::<u64>() {
                Ok(0) => None,
                Ok(hours) if hours <= 24 * 365 => Some(Duration::from_secs(hours * 3600)),
                _ => {
                    return Err(SettingsError {
                        variable: "PLEDGE_COVERAGE_CHECK_HOURS",
                        reason: format!("expected a whole number of hours (0 = never), got `{value}`"),
                    });
                }
            },
        };
        let access_token_lifetime = match get("PLEDGE_ACCESS_TOKEN_MINUTES") {
            None => Duration::from_secs(15 * 60),
            Some(value) => match value.parse::<u64>() {
                Ok(minutes @ 1..=1440) => Duration::from_secs(minutes * 60),
                _ => {
                    return Err(SettingsError {
                        variable: "PLEDGE_ACCESS_TOKEN_MINUTES",
                        reason: format!("expected a whole number of minutes from 1 to 1440, got `{value}`"),
                    });
                }
            },
        };
        Ok(Self {
            http,
            coverage_check_interval,
            access_token_lifetime,
            database_url: Secret::new(database_url),
            bind,
            environment,
            db_max_connections,
            jwt_secret,
            jwt_secret_generated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn a_relative_operations_folder_lies_beside_the_env_file_that_names_it() {
        let working_dir = Path::new("/srv/elsewhere");
        let env_file = Path::new("/etc/pledge/.env");
        let beside = resolve_beside(PathBuf::from("operations"), Some(env_file), working_dir);
        assert_eq!(beside, Path::new("/etc/pledge/operations"));
        let from_environment = resolve_beside(PathBuf::from("operations"), None, working_dir);
        assert_eq!(from_environment, Path::new("/srv/elsewhere/operations"));
        let absolute = resolve_beside(PathBuf::from("/opt/ops"), Some(env_file), working_dir);
        assert_eq!(absolute, Path::new("/opt/ops"));
    }

    #[test]
    fn defaults_are_sqlite_on_localhost_in_development() {
        let s = settings(&[]).expect("defaults are valid");
        assert_eq!(s.database_url.expose(), DEFAULT_DATABASE_URL);
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.environment, Environment::Development);
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let err = settings(&[("PLEDGE_BIND", "nowhere")]).expect_err("invalid");
        assert_eq!(err.variable, "PLEDGE_BIND");
        let err = settings(&[("PLEDGE_ENV", "staging")]).expect_err("invalid");
        assert_eq!(err.variable, "PLEDGE_ENV");
        let err = settings(&[("DATABASE_URL", "mysql://x")]).expect_err("invalid");
        assert_eq!(err.variable, "DATABASE_URL");
        assert!(!err.to_string().contains("mysql://x"), "the URL may hold a password");
    }

    #[test]
    fn production_needs_a_strong_jwt_secret() {
        let err = settings(&[("PLEDGE_ENV", "production")]).expect_err("missing secret");
        assert_eq!(err.variable, "PLEDGE_JWT_SECRET");
        let err =
            settings(&[("PLEDGE_ENV", "production"), ("PLEDGE_JWT_SECRET", "short")]).expect_err("weak");
        assert_eq!(err.variable, "PLEDGE_JWT_SECRET");
        let strong = "s".repeat(MIN_JWT_SECRET_BYTES);
        let s = settings(&[("PLEDGE_ENV", "production"), ("PLEDGE_JWT_SECRET", &strong)]).expect("strong");
        assert!(!s.jwt_secret_generated);
    }

    #[test]
    fn the_access_token_lifetime_is_15_minutes_unless_set_from_1_to_1440() {
        assert_eq!(settings(&[]).expect("defaults").access_token_lifetime, Duration::from_secs(15 * 60));
        let short = settings(&[("PLEDGE_ACCESS_TOKEN_MINUTES", "2")]).expect("valid");
        assert_eq!(short.access_token_lifetime, Duration::from_secs(120));
        for bad in ["0", "1441", "fifteen", "-1"] {
            let err = settings(&[("PLEDGE_ACCESS_TOKEN_MINUTES", bad)]).expect_err(bad);
            assert_eq!(err.variable, "PLEDGE_ACCESS_TOKEN_MINUTES", "{bad}");
        }
    }

    #[test]
    fn development_makes_a_random_secret_when_none_is_set() {
        let a = settings(&[]).expect("valid");
        let b = settings(&[]).expect("valid");
        assert!(a.jwt_secret_generated);
        assert!(a.jwt_secret.expose().len() >= MIN_JWT_SECRET_BYTES);
        assert_ne!(a.jwt_secret, b.jwt_secret);
    }

    #[test]
    fn http_limits_have_safe_defaults_and_can_be_set() {
        let s = settings(&[]).expect("defaults");
        assert_eq!(
            s.http.limits,
            Limits { max_depth: 12, max_complexity: 100_000, max_aliases: 30, max_root_fields: 20 }
        );
        assert_eq!((s.http.max_batch, s.http.max_body_bytes), (10, 1024 * 1024));
        assert_eq!(s.http.request_timeout, Duration::from_secs(10));
        assert!(s.http.introspection && s.http.graphiql && !s.http.json_logs);
        assert!(s.http.cors_origins.is_empty());
        let strong = "s".repeat(MIN_JWT_SECRET_BYTES);
        let prod = settings(&[("PLEDGE_ENV", "production"), ("PLEDGE_JWT_SECRET", &strong)]).expect("prod");
        assert!(
            !prod.http.introspection && !prod.http.graphiql && !prod.http.suggestions && prod.http.json_logs
        );
        let tuned = settings(&[
            ("PLEDGE_MAX_DEPTH", "8"),
            ("PLEDGE_RATE_LIMIT_TOKEN", "5/10"),
            ("PLEDGE_RATE_LIMIT_ADDRESS", "off"),
            ("PLEDGE_CORS_ORIGINS", "https://a.example.vn, https://b.example.vn"),
        ])
        .expect("tuned");
        assert_eq!(tuned.http.limits.max_depth, 8);
        assert_eq!(
            tuned.http.rate_limit_per_token.map(|r| (r.per_second.get(), r.burst.get())),
            Some((5, 10))
        );
        assert_eq!(tuned.http.rate_limit_per_address, None);
        assert_eq!(tuned.http.cors_origins.len(), 2);
        for (variable, value) in [
            ("PLEDGE_MAX_DEPTH", "0"),
            ("PLEDGE_MAX_BATCH", "many"),
            ("PLEDGE_RATE_LIMIT_TOKEN", "fast"),
            ("PLEDGE_CORS_ORIGINS", "*"),
            ("PLEDGE_TRUSTED_PROXIES", "proxy.local"),
            ("PLEDGE_INTROSPECTION", "maybe"),
        ] {
            assert_eq!(settings(&[(variable, value)]).expect_err("invalid").variable, variable);
        }
    }
}
