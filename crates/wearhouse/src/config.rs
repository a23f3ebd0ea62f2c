//! Configuration: built-in defaults, then `wearhouse.toml`, then `WEARHOUSE_*` environment variables
//! (nested keys joined by `__`, e.g. `WEARHOUSE_RATE_LIMIT__PER_IP_BURST`), then command-line flags.
//! Every key and its default is listed in `wearhouse.example.toml`; a test keeps the two in step.

use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: String,
    /// Folder for the embedded database and other local state.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; empty means `sqlite://<data_dir>/wearhouse.db`.
    pub database_url: String,
    /// `redis://…` to share cache invalidations (and rate limits) between processes; empty: each
    /// process on its own.
    pub redis_url: String,
    /// `amqp://…` to publish events on RabbitMQ (the `wearhouse.events` fanout exchange), where every
    /// process and any outside consumer receives them; empty: events stay in the process.
    pub amqp_url: String,
    /// The notifier role's durable queue on RabbitMQ (bound to `wearhouse.events`).
    pub amqp_notifier_queue: String,
    pub database: DatabaseConfig,
    pub log: LogConfig,
    pub auth: AuthConfig,
    pub http: HttpConfig,
    pub rate_limit: RateLimitConfig,
    pub jobs: JobsConfig,
    pub blobs: BlobsConfig,
    pub responses: ResponsesConfig,
    pub map: MapConfig,
    /// Wearable gateways this service connects to and takes samples from (`[[gateways]]`).
    pub gateways: Vec<GatewayConfig>,
}

/// An upstream wearable gateway: a WebSocket at `<url>/api/v1/traces` sending samples in the
/// live-ingest shape, stored for one user with the gateway's device as their source.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewayConfig {
    /// The user (username) the gateway's samples belong to.
    pub user: String,
    /// The gateway's base URL (`https://…`, `http://…`, `wss://…` or `ws://…`).
    pub url: String,
    /// Sent as `Authorization: Bearer <token>`; none when empty.
    #[serde(skip_serializing)]
    pub token: Option<SecretString>,
    /// The source of samples that name none: the gateway's device, e.g. "Polar H10 (gateway)".
    pub device: String,
    /// That device's kind (watch, ring, band, chest_strap …).
    pub device_kind: String,
}

/// The basemap the dashboard draws routes on. None by default: routes are drawn on their own and no
/// request goes to a third party.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MapConfig {
    /// An XYZ tile template with `{z}`, `{x}` and `{y}` (256-pixel Web Mercator tiles), e.g.
    /// `https://tile.openstreetmap.org/{z}/{x}/{y}.png`; empty: no basemap.
    pub tile_url: String,
    /// Shown under the map, as the tile server's terms ask.
    pub attribution: String,
    /// The deepest zoom the tile server has.
    pub max_zoom: u8,
}

impl Default for MapConfig {
    fn default() -> Self {
        Self {
            tile_url: String::new(),
            attribution: String::new(),
            max_zoom: 19,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResponsesConfig {
    /// Keep summary and series responses until the user's data changes (shared through Redis when
    /// `redis_url` is set). Off: every request computes.
    pub cache: bool,
    /// Seconds an entry stays (entries never go stale; this bounds memory).
    pub ttl_secs: u64,
    /// Megabytes of responses each process keeps in memory.
    pub memory_mb: u64,
}

impl Default for ResponsesConfig {
    fn default() -> Self {
        Self {
            cache: true,
            ttl_secs: 900,
            memory_mb: 64,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    pub max_connections: u32,
    pub acquire_timeout_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` (for terminals) or `json` (for log collectors).
    pub format: String,
    /// A tracing filter: `info`, `warn`, `wearhouse=debug,info` … (`RUST_LOG` wins when set).
    pub level: String,
    /// Also write logs to this file (appended); empty for standard output only.
    pub file: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// HMAC key for access tokens (≥ 32 bytes). Empty: generated on first start and kept in the database.
    #[serde(skip_serializing)]
    pub jwt_secret: Option<SecretString>,
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_days: u64,
    pub user_cache_ttl_secs: u64,
    /// Seconds after a refresh token is spent during which presenting it again still rotates (browser
    /// tabs refreshing at once) instead of ending the session as reuse.
    pub refresh_reuse_grace_secs: u64,
    /// Growing delays after failed attempts on one account (off only behind something that does it).
    pub login_throttle: bool,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    pub cors_origins: Vec<String>,
    pub body_limit_bytes: usize,
    pub request_timeout_secs: u64,
    pub hsts: bool,
    pub trust_forwarded_for: bool,
    /// An upload that sends nothing for this long is ended.
    pub upload_idle_timeout_secs: u64,
    /// Uploads one user may stream at the same time.
    pub uploads_per_user: usize,
    /// Free space, in MB, the data folder keeps: uploads that would leave less are refused.
    pub upload_min_free_mb: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    pub enabled: bool,
    pub per_ip_per_second: u32,
    pub per_ip_burst: u32,
    pub auth_per_minute: u32,
    pub auth_burst: u32,
    pub per_user_per_second: u32,
    pub per_user_burst: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlobsConfig {
    /// `s3://BUCKET[/PREFIX]`: uploads wait there for a worker on any machine. Empty: in the receiving
    /// process's data folder.
    pub url: String,
    /// An S3-compatible server's URL (MinIO, Ceph…); empty for AWS.
    pub endpoint: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Background jobs one worker process runs at once.
    pub concurrency: usize,
    /// Seconds a worker holds a job without renewing its lease; a stopped worker's jobs run again
    /// elsewhere after this.
    pub lease_secs: u64,
    /// Milliseconds between looks at the queue when no local write announced work.
    pub poll_ms: u64,
    /// Seconds running jobs may take to finish when the process stops.
    pub shutdown_grace_secs: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            lease_secs: 30,
            poll_ms: 500,
            shutdown_grace_secs: 30,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./wearhouse-data"),
            database_url: String::new(),
            redis_url: String::new(),
            amqp_url: String::new(),
            amqp_notifier_queue: wearhouse_amqp::NOTIFIER_QUEUE.to_owned(),
            database: DatabaseConfig::default(),
            log: LogConfig::default(),
            auth: AuthConfig::default(),
            http: HttpConfig::default(),
            rate_limit: RateLimitConfig::default(),
            jobs: JobsConfig::default(),
            blobs: BlobsConfig::default(),
            responses: ResponsesConfig::default(),
            map: MapConfig::default(),
            gateways: Vec::new(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout_secs: 5,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: "text".into(),
            level: "info".into(),
            file: String::new(),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            user_cache_ttl_secs: 5,
            refresh_reuse_grace_secs: 5,
            login_throttle: true,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            body_limit_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            hsts: false,
            trust_forwarded_for: false,
            upload_idle_timeout_secs: 60,
            uploads_per_user: 2,
            upload_min_free_mb: 512,
        }
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        let d = wearhouse_server::RateLimitSettings::default();
        Self {
            enabled: d.enabled,
            per_ip_per_second: d.per_ip_per_second,
            per_ip_burst: d.per_ip_burst,
            auth_per_minute: d.auth_per_minute,
            auth_burst: d.auth_burst,
            per_user_per_second: d.per_user_per_second,
            per_user_burst: d.per_user_burst,
        }
    }
}

/// Top-level keys that `WEARHOUSE_*` variables may set; other `WEARHOUSE_*` variables (the config file
/// path, test settings) are not configuration keys.
const KEYS: [&str; 16] = [
    "listen",
    "data_dir",
    "database_url",
    "redis_url",
    "amqp_url",
    "amqp_notifier_queue",
    "database",
    "log",
    "auth",
    "http",
    "rate_limit",
    "jobs",
    "blobs",
    "responses",
    "map",
    "gateways",
];

impl Config {
    /// Loads the layers. `file` must exist when given explicitly; the default `wearhouse.toml` is
    /// optional. `overrides` are `(dotted.key, value)` pairs from command-line flags.
    pub fn load(file: Option<&Path>, overrides: &[(&str, String)]) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(Box::new(figment::Error::from(format!(
                    "config file {} does not exist",
                    path.display()
                ))));
            }
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new("wearhouse.toml").exists() => {
                figment = figment.merge(Toml::file_exact("wearhouse.toml"))
            }
            None => {}
        }
        let env = Env::prefixed("WEARHOUSE_").split("__").filter(|key| {
            // Keys arrive with their original case (figment compares them uncased).
            let key = key.as_str().to_ascii_lowercase();
            KEYS.iter()
                .any(|k| key == *k || key.starts_with(&format!("{k}.")))
        });
        figment = figment.merge(env);
        for (key, value) in overrides {
            figment = figment.merge(Serialized::global(key, value));
        }
        figment.extract().map_err(Box::new)
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        if self.database_url.trim().is_empty() {
            format!("sqlite://{}", self.data_dir.join("wearhouse.db").display())
        } else {
            self.database_url.clone()
        }
    }

    /// The effective configuration as TOML, secrets masked, for `wearhouse config --print`.
    pub fn to_masked_toml(&self) -> String {
        let mut value = toml::Value::try_from(self).unwrap_or(toml::Value::Table(Default::default()));
        if let Some(table) = value.as_table_mut() {
            table.insert(
                "database_url".into(),
                toml::Value::String(mask_url_password(&self.database_url())),
            );
            table.insert(
                "redis_url".into(),
                toml::Value::String(mask_url_password(&self.redis_url)),
            );
            table.insert(
                "amqp_url".into(),
                toml::Value::String(mask_url_password(&self.amqp_url)),
            );
            if let Some(auth) = table.get_mut("auth").and_then(|a| a.as_table_mut()) {
                let shown = if self.auth.jwt_secret.is_some() {
                    "********"
                } else {
                    ""
                };
                auth.insert("jwt_secret".into(), toml::Value::String(shown.into()));
            }
        }
        toml::to_string_pretty(&value).unwrap_or_default()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:********@host/db`.
pub fn mask_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:********@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_file_lists_every_key_with_its_default() {
        let example: toml::Value =
            toml::from_str(include_str!("../../../wearhouse.example.toml")).expect("example parses");
        let mut defaults = toml::Value::try_from(Config::default()).unwrap();
        // The secret is not serialised; the example documents it as an empty string.
        defaults["auth"]
            .as_table_mut()
            .unwrap()
            .insert("jwt_secret".into(), toml::Value::String(String::new()));
        assert_eq!(example, defaults);
    }

    #[test]
    fn every_top_level_key_can_come_from_the_environment() {
        let defaults = toml::Value::try_from(Config::default()).unwrap();
        let mut keys: Vec<&str> = defaults.as_table().unwrap().keys().map(String::as_str).collect();
        keys.push("gateways"); // an empty list is not serialised as a key
        keys.sort_unstable();
        keys.dedup();
        let mut listed = KEYS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, keys);
    }

    #[test]
    fn passwords_in_urls_are_masked() {
        assert_eq!(
            mask_url_password("postgres://app:s3cret@db:5432/wh"),
            "postgres://app:********@db:5432/wh"
        );
        assert_eq!(
            mask_url_password("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(
            mask_url_password("sqlite://./wearhouse-data/wearhouse.db"),
            "sqlite://./wearhouse-data/wearhouse.db"
        );
    }

    #[test]
    fn default_database_is_sqlite_in_the_data_dir() {
        let config = Config {
            data_dir: "/srv/wh".into(),
            ..Config::default()
        };
        assert_eq!(config.database_url(), "sqlite:///srv/wh/wearhouse.db");
    }

    #[test]
    fn masked_output_never_contains_the_secret() {
        let mut config = Config::default();
        config.auth.jwt_secret = Some(SecretString::from("super-secret-signing-key-0123456789abcdef"));
        config.database_url = "postgres://app:pw123@db/wh".into();
        let printed = config.to_masked_toml();
        assert!(
            !printed.contains("super-secret") && !printed.contains("pw123"),
            "{printed}"
        );
        assert!(printed.contains("jwt_secret = \"********\""));
    }
}
