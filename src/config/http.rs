//! How the HTTP surface is set: request limits, rate limits, CORS, proxies, GraphiQL and logging.
//!
//! The variables behind `HttpSettings` are read here; the rest of the settings (database, bind address,
//! JWT secret) and the `SettingsError` they all report are in the parent module.

use std::{net::IpAddr, num::NonZeroU32, path::PathBuf, time::Duration};

use super::{Environment, SettingsError};

/// Requests per second and burst allowed to one key (a client address or a token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub per_second: NonZeroU32,
    /// Requests allowed at once before the rate applies.
    pub burst: NonZeroU32,
}

/// The limits of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest field nesting (`{ a { b } }` is 2).
    pub max_depth: usize,
    /// Highest complexity (see `crate::graphql::limits`).
    pub max_complexity: usize,
    /// Most aliased fields in one operation, fragments included.
    pub max_aliases: usize,
    /// Most fields at the root of one operation.
    pub max_root_fields: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_depth: 12, max_complexity: 100_000, max_aliases: 30, max_root_fields: 20 }
    }
}

/// What the HTTP surface allows; every limit has a safe default.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// `PLEDGE_MAX_DEPTH`, `PLEDGE_MAX_COMPLEXITY`, `PLEDGE_MAX_ALIASES`, `PLEDGE_MAX_ROOT_FIELDS`.
    pub limits: Limits,
    /// `PLEDGE_MAX_BATCH`: operations in one batched POST.
    pub max_batch: usize,
    /// `PLEDGE_MAX_BODY_BYTES`: largest request body.
    pub max_body_bytes: usize,
    /// `PLEDGE_REQUEST_TIMEOUT_SECS`: longest a request may run.
    pub request_timeout: Duration,
    /// `PLEDGE_INTROSPECTION`: schema introspection (default on in development only).
    pub introspection: bool,
    /// `PLEDGE_GRAPHIQL`: the GraphiQL page on `GET /graphql` (default on in development only).
    pub graphiql: bool,
    /// `PLEDGE_SUGGESTIONS`: "did you mean" hints in errors (default on in development only).
    pub suggestions: bool,
    /// `PLEDGE_OPERATIONS_DIR`: a folder of more registered (persisted) operations and manifests, beside
    /// the app's operations built into the binary.
    pub operations_dir: Option<PathBuf>,
    /// `PLEDGE_LEADERS_PERSISTED_ONLY`: group leaders may run registered operations only.
    pub leaders_persisted_only: bool,
    /// `PLEDGE_RATE_LIMIT_ADDRESS` (`per_second/burst`, `off` to disable): requests per client address.
    pub rate_limit_per_address: Option<RateLimit>,
    /// `PLEDGE_RATE_LIMIT_TOKEN`: requests per bearer token.
    pub rate_limit_per_token: Option<RateLimit>,
    /// `PLEDGE_CORS_ORIGINS`: browser origins allowed to call the API (comma-separated; none by default).
    pub cors_origins: Vec<String>,
    /// `PLEDGE_TRUSTED_PROXIES`: reverse proxies whose `X-Forwarded-For` names the client (comma-separated).
    pub trusted_proxies: Vec<IpAddr>,
    /// `PLEDGE_LOG_FORMAT`: `json` (default in production) or `text`.
    pub json_logs: bool,
}

impl HttpSettings {
    /// The defaults of `environment`.
    pub fn defaults(environment: Environment) -> Self {
        let development = environment == Environment::Development;
        let rate = |per_second: u32, burst: u32| {
            Some(RateLimit {
                per_second: NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN),
                burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
            })
        };
        Self {
            limits: Limits::default(),
            max_batch: 10,
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(10),
            introspection: development,
            graphiql: development,
            suggestions: development,
            operations_dir: None,
            leaders_persisted_only: false,
            rate_limit_per_address: rate(100, 200),
            rate_limit_per_token: rate(20, 60),
            cors_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            json_logs: !development,
        }
    }

    pub(super) fn from_lookup(
        environment: Environment,
        get: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, SettingsError> {
        let mut http = Self::defaults(environment);
        let number =
            |name: &'static str, range: std::ops::RangeInclusive<usize>, default: usize| match get(name) {
                None => Ok(default),
                Some(value) => {
                    value.parse().ok().filter(|n| range.contains(n)).ok_or_else(|| SettingsError {
                        variable: name,
                        reason: format!(
                            "expected a whole number from {} to {}, got `{value}`",
                            range.start(),
                            range.end()
                        ),
                    })
                }
            };
        let flag = |name: &'static str, default: bool| match get(name).as_deref() {
            None => Ok(default),
            Some("true" | "1" | "on" | "yes") => Ok(true),
            Some("false" | "0" | "off" | "no") => Ok(false),
            Some(other) => Err(SettingsError {
                variable: name,
                reason: format!("expected true or false, got `{other}`"),
            }),
        };
        let rate = |name: &'static str, default: Option<RateLimit>| match get(name).as_deref() {
            None => Ok(default),
            Some("off" | "0") => Ok(None),
            Some(value) => {
                let parsed = value.split_once('/').and_then(|(rate, burst)| {
                    Some(RateLimit {
                        per_second: rate.trim().parse().ok()?,
                        burst: burst.trim().parse().ok()?,
                    })
                });
                parsed.map(Some).ok_or_else(|| SettingsError {
                    variable: name,
                    reason: format!("expected `per_second/burst` such as `20/60`, or `off`; got `{value}`"),
                })
            }
        };
        let defaults = Limits::default();
        http.limits = Limits {
            max_depth: number("PLEDGE_MAX_DEPTH", 1..=100, defaults.max_depth)?,
            max_complexity: number("PLEDGE_MAX_COMPLEXITY", 1..=10_000_000, defaults.max_complexity)?,
            max_aliases: number("PLEDGE_MAX_ALIASES", 0..=1000, defaults.max_aliases)?,
            max_root_fields: number("PLEDGE_MAX_ROOT_FIELDS", 1..=1000, defaults.max_root_fields)?,
        };
        http.max_batch = number("PLEDGE_MAX_BATCH", 1..=1000, http.max_batch)?;
        http.max_body_bytes = number("PLEDGE_MAX_BODY_BYTES", 1024..=64 * 1024 * 1024, http.max_body_bytes)?;
        let timeout =
            number("PLEDGE_REQUEST_TIMEOUT_SECS", 1..=600, http.request_timeout.as_secs() as usize)?;
        http.request_timeout = Duration::from_secs(timeout as u64);
        http.introspection = flag("PLEDGE_INTROSPECTION", http.introspection)?;
        http.graphiql = flag("PLEDGE_GRAPHIQL", http.graphiql)?;
        http.suggestions = flag("PLEDGE_SUGGESTIONS", http.suggestions)?;
        if let Some(dir) = get("PLEDGE_OPERATIONS_DIR") {
            http.operations_dir = Some(PathBuf::from(dir));
        }
        http.leaders_persisted_only = flag("PLEDGE_LEADERS_PERSISTED_ONLY", http.leaders_persisted_only)?;
        http.rate_limit_per_address = rate("PLEDGE_RATE_LIMIT_ADDRESS", http.rate_limit_per_address)?;
        http.rate_limit_per_token = rate("PLEDGE_RATE_LIMIT_TOKEN", http.rate_limit_per_token)?;
        let list = |name: &str| -> Vec<String> {
            get(name)
                .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
                .unwrap_or_default()
        };
        http.cors_origins = list("PLEDGE_CORS_ORIGINS");
        if let Some(bad) = http
            .cors_origins
            .iter()
            .find(|o| !(o.starts_with("https://") || o.starts_with("http://")) || o.ends_with('/'))
        {
            return Err(SettingsError {
                variable: "PLEDGE_CORS_ORIGINS",
                reason: format!("expected origins such as https://app.example.vn (no path), got `{bad}`"),
            });
        }
        http.trusted_proxies = list("PLEDGE_TRUSTED_PROXIES")
            .iter()
            .map(|ip| {
                ip.parse().map_err(|_| SettingsError {
                    variable: "PLEDGE_TRUSTED_PROXIES",
                    reason: format!("expected IP addresses separated by commas, got `{ip}`"),
                })
            })
            .collect::<Result<_, _>>()?;
        http.json_logs = match get("PLEDGE_LOG_FORMAT").as_deref() {
            None => http.json_logs,
            Some("json") => true,
            Some("text") => false,
            Some(other) => {
                return Err(SettingsError {
                    variable: "PLEDGE_LOG_FORMAT",
                    reason: format!("expected `json` or `text`, got `{other}`"),
                });
            }
        };
        Ok(http)
    }
}
