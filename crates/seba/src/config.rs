//! One typed configuration, read once: defaults, then a TOML file, then `SEBA_*`
//! environment variables, then command-line flags. Secrets are wrapped so that
//! `seba config show` and the logs never print them.
//!
//! Environment names follow the TOML path with `__` between levels:
//! `SEBA_LISTEN`, `SEBA_DATABASE_URL`, `SEBA_APP__ORG_NAME`, `SEBA_SMS__URL`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use seba_app::AppSettings;
use seba_app::settings::Secret;
use seba_app::wallet::WalletSettings;
use seba_channels::email::EmailSettings;
use seba_channels::sms::SmsSettings;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Where the SQLite database (and the generated pepper) live.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; empty for the embedded SQLite store.
    pub database_url: Secret,
    /// `text` or `json`.
    pub log_format: String,
    /// Mark session cookies Secure (behind TLS).
    pub secure_cookies: bool,
    pub login_per_minute: u32,
    pub public_per_minute: u32,
    /// The locator's public reads per client address and minute (`GET /api/v1/nearest`
    /// and the `/centres` pages), counted apart from `public_per_minute`: many customers
    /// share one carrier address, and a map app asks several times per screen.
    pub locator_per_minute: u32,
    pub app: AppSettings,
    pub sms: SmsSettings,
    pub email: EmailSettings,
    pub search: SearchSettings,
    pub portal: PortalSettings,
    pub wallet: WalletConfig,
    pub ussd: UssdConfig,
    /// The e-commerce complaint cell's deadlines (Digital Commerce Operation Guidelines
    /// 2021): `delivery_same_city_days` 5, `delivery_elsewhere_days` 10, `refund_days` 10,
    /// `response_hours` 72.
    pub claims: seba_claims::rules::Deadlines,
}

/// What an operator may tune of the wallet PIN lockout and the self-service reset; the
/// rest of `seba_app::wallet::WalletSettings` keeps its defaults. Copied into
/// `app.wallet` by [`Config::load`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WalletConfig {
    /// Wrong PINs in a row before the account is locked.
    pub pin_lock_after: i32,
    /// How long the first, second, … lock lasts, in minutes; the last entry for every
    /// later lock. A right PIN starts the escalation over.
    pub pin_lock_minutes: Vec<i64>,
    /// Failed self-service reset attempts (per number and day) before resets are blocked,
    /// and for how long.
    pub pin_reset_block_after: i32,
    pub pin_reset_block_minutes: i64,
}

impl Default for WalletConfig {
    fn default() -> Self {
        let d = WalletSettings::default();
        WalletConfig {
            pin_lock_after: d.pin_lock.limit,
            pin_lock_minutes: d.pin_lock.lock_for.iter().map(|l| l.as_mins()).collect(),
            pin_reset_block_after: d.reset_block_after,
            pin_reset_block_minutes: d.reset_block_minutes,
        }
    }
}

impl WalletConfig {
    /// `settings` with these values in place. Values that would switch the lockout off,
    /// or make it meaningless, are refused rather than taken.
    fn apply(&self, mut settings: WalletSettings) -> anyhow::Result<WalletSettings> {
        if !(1..=10).contains(&self.pin_lock_after) {
            bail!(
                "wallet.pin_lock_after: {} is not between 1 and 10",
                self.pin_lock_after
            );
        }
        const MONTH: i64 = 30 * 24 * 60;
        if self.pin_lock_minutes.is_empty()
            || self.pin_lock_minutes.len() > 10
            || self
                .pin_lock_minutes
                .iter()
                .any(|m| !(1..=MONTH).contains(m))
        {
            bail!(
                "wallet.pin_lock_minutes: {:?} must list 1 to 10 durations of 1 to {MONTH} minutes",
                self.pin_lock_minutes
            );
        }
        if self.pin_reset_block_after < 1 {
            bail!(
                "wallet.pin_reset_block_after: {} is not at least 1",
                self.pin_reset_block_after
            );
        }
        if !(1..=MONTH).contains(&self.pin_reset_block_minutes) {
            bail!(
                "wallet.pin_reset_block_minutes: {} is not between 1 and {MONTH}",
                self.pin_reset_block_minutes
            );
        }
        settings.pin_lock.limit = self.pin_lock_after;
        settings.pin_lock.lock_for = self
            .pin_lock_minutes
            .iter()
            .map(|m| jiff::SignedDuration::from_mins(*m))
            .collect();
        settings.reset_block_after = self.pin_reset_block_after;
        settings.reset_block_minutes = self.pin_reset_block_minutes;
        Ok(settings)
    }
}

/// The USSD channel (`[ussd]`): who may post to `/ussd/{gateway}`, and what the menus
/// show. A gateway is let in when every configured check passes: its address in
/// `allow_from`, and `gateway_key` (header `X-Seba-Ussd-Key` or `?key=`) when one is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UssdConfig {
    /// Addresses or ranges (`203.0.113.7`, `10.20.0.0/16`, `::1`) gateways post from.
    /// Default: loopback only.
    pub allow_from: Vec<String>,
    /// A shared key gateways send with every request (empty: none asked for).
    pub gateway_key: Secret,
    /// USSD steps per caller's number and minute.
    pub per_minute: u32,
    /// A session with no request for this long is over (networks end theirs at ~90 s).
    pub session_seconds: i64,
    /// The first menu's title in each language.
    pub title_bn: String,
    pub title_en: String,
    /// The hotline's hours as the hotline screen says them.
    pub hotline_hours_bn: String,
    pub hotline_hours_en: String,
    /// Days finished sessions are kept for the statistics.
    pub kept_days: i64,
    /// The only numbers the staff USSD simulator may dial as: test numbers (default: the
    /// twelve demo wallets), never a real customer's.
    pub simulator_numbers: Vec<String>,
}

impl Default for UssdConfig {
    fn default() -> Self {
        let d = seba_app::ussd::UssdSettings::default();
        UssdConfig {
            allow_from: vec!["127.0.0.0/8".into(), "::1".into()],
            gateway_key: Secret::default(),
            per_minute: 60,
            session_seconds: d.session_seconds,
            title_bn: d.title_bn,
            title_en: d.title_en,
            hotline_hours_bn: d.hotline_hours_bn,
            hotline_hours_en: d.hotline_hours_en,
            kept_days: d.kept_days,
            simulator_numbers: seba_web::state::demo_wallet_numbers(),
        }
    }
}

impl UssdConfig {
    /// The gate the HTTP layer checks, from `allow_from` and `gateway_key`.
    pub fn gate(&self) -> anyhow::Result<seba_web::state::UssdGate> {
        let allow_from = self
            .allow_from
            .iter()
            .map(|a| {
                seba_web::state::IpNet::parse(a)
                    .map_err(|e| anyhow::anyhow!("ussd.allow_from: {e}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let secret = Some(self.gateway_key.expose().to_string()).filter(|s| !s.is_empty());
        if let Some(s) = &secret
            && s.len() < 16
        {
            bail!("ussd.gateway_key: use at least 16 characters");
        }
        Ok(seba_web::state::UssdGate { allow_from, secret })
    }

    /// The simulator's numbers in E.164.
    pub fn simulator_numbers(&self) -> anyhow::Result<Vec<String>> {
        self.simulator_numbers
            .iter()
            .map(|n| {
                seba_core::contact::Msisdn::parse(n)
                    .map(|m| m.as_e164().to_string())
                    .map_err(|e| anyhow::anyhow!("ussd.simulator_numbers: `{n}`: {e}"))
            })
            .collect()
    }

    fn apply(&self, hotline: &str) -> anyhow::Result<seba_app::ussd::UssdSettings> {
        if !(30..=3600).contains(&self.session_seconds) {
            bail!(
                "ussd.session_seconds: {} is not between 30 and 3600",
                self.session_seconds
            );
        }
        if !(1..=3650).contains(&self.kept_days) {
            bail!(
                "ussd.kept_days: {} is not between 1 and 3650",
                self.kept_days
            );
        }
        if self.per_minute == 0 {
            bail!("ussd.per_minute: must be at least 1");
        }
        Ok(seba_app::ussd::UssdSettings {
            session_seconds: self.session_seconds,
            title_bn: self.title_bn.clone(),
            title_en: self.title_en.clone(),
            hotline: hotline.to_string(),
            hotline_hours_bn: self.hotline_hours_bn.clone(),
            hotline_hours_en: self.hotline_hours_en.clone(),
            kept_days: self.kept_days,
        })
    }
}

/// What the customer portal shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortalSettings {
    /// The hotline number on every customer page (ASCII digits; shown in Bengali digits
    /// on Bengali pages).
    #[serde(deserialize_with = "digits_or_text")]
    pub hotline: String,
}

/// A number written as digits reads as a TOML integer (`SEBA_PORTAL__HOTLINE=16247`); take
/// it as the text it was.
fn digits_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(i64),
        Text(String),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::Number(n) => n.to_string(),
        Raw::Text(s) => s,
    })
}

impl Default for PortalSettings {
    fn default() -> Self {
        PortalSettings {
            hotline: "16247".into(),
        }
    }
}

/// The node-local search index.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchSettings {
    /// Keep a search index in `<data_dir>/search`, fed from the outbox, and answer
    /// `/api/v1/search` (on by default). A node that should not spend CPU and disk on it
    /// can turn it off; its search requests then get 503.
    pub enabled: bool,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings { enabled: true }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./seba-data"),
            database_url: Secret::default(),
            log_format: "text".into(),
            secure_cookies: false,
            login_per_minute: 10,
            public_per_minute: 60,
            locator_per_minute: 600,
            app: AppSettings::default(),
            sms: SmsSettings::default(),
            email: EmailSettings::default(),
            search: SearchSettings::default(),
            portal: PortalSettings::default(),
            wallet: WalletConfig::default(),
            ussd: UssdConfig::default(),
            claims: seba_claims::rules::Deadlines::default(),
        }
    }
}

/// Parse an environment value as a TOML scalar or array where it is one, else a string.
fn env_value(raw: &str) -> toml::Value {
    match toml::from_str::<toml::Table>(&format!("v = {raw}")) {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(raw.into())),
        Err(_) => toml::Value::String(raw.into()),
    }
}

fn set_path(table: &mut toml::Table, path: &[String], value: toml::Value) {
    match path {
        [] => {}
        [last] => {
            table.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let entry = table
                .entry(first.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !entry.is_table() {
                *entry = toml::Value::Table(toml::Table::new());
            }
            if let toml::Value::Table(t) = entry {
                set_path(t, rest, value);
            }
        }
    }
}

impl Config {
    /// Load from `file` (or `SEBA_CONFIG`, or `<data_dir>/seba.toml` if present) and the environment.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Config> {
        let env: Vec<(String, String)> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("SEBA_"))
            .collect();
        let mut table = toml::Table::new();
        let file = file.map(Path::to_path_buf).or_else(|| {
            env.iter()
                .find(|(k, _)| k == "SEBA_CONFIG")
                .map(|(_, v)| PathBuf::from(v))
        });
        if let Some(path) = &file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading config file {}", path.display()))?;
            table = toml::from_str(&text)
                .with_context(|| format!("parsing config file {}", path.display()))?;
        }
        for (k, v) in &env {
            let name = &k["SEBA_".len()..];
            if matches!(
                name,
                "CONFIG" | "LOG" | "TEST_DATABASE_URL" | "NEW_PASSWORD"
            ) {
                continue;
            }
            let path: Vec<String> = name.split("__").map(|p| p.to_ascii_lowercase()).collect();
            set_path(&mut table, &path, env_value(v));
        }
        let mut config: Config = toml::Value::Table(table)
            .try_into()
            .context("configuration")?;
        config.app.wallet = config.wallet.apply(config.app.wallet)?;
        let hotline = config.portal.hotline.trim();
        if hotline.is_empty()
            || hotline.len() > 20
            || !hotline
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
        {
            bail!(
                "portal.hotline: `{hotline}` is not a phone number (ASCII digits, +, - and spaces, at most 20)"
            );
        }
        config.app.ussd = config.ussd.apply(hotline)?;
        config.ussd.gate()?;
        config.ussd.simulator_numbers()?;
        config.claims.validate().map_err(|e| anyhow::anyhow!(e))?;
        config.app.claims.deadlines = config.claims;
        Ok(config)
    }

    pub fn is_postgres(&self) -> bool {
        let u = self.database_url.expose();
        u.starts_with("postgres://") || u.starts_with("postgresql://")
    }

    pub fn store_url(&self) -> String {
        if self.database_url.is_empty() {
            self.data_dir.join("seba.db").display().to_string()
        } else {
            self.database_url.expose().to_string()
        }
    }

    /// Make sure a pepper is set: SQLite deployments get one generated once and kept in
    /// the data directory; PostgreSQL deployments must configure the same one on every node.
    pub fn ensure_pepper(&mut self) -> anyhow::Result<()> {
        if !self.app.pepper.is_empty() {
            return Ok(());
        }
        if self.is_postgres() {
            bail!("set SEBA_APP__PEPPER (the same secret on every node) when using PostgreSQL");
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        let path = self.data_dir.join("pepper");
        let pepper = match std::fs::read_to_string(&path) {
            Ok(p) => p.trim().to_string(),
            Err(_) => {
                use seba_app::random::Random;
                let p = seba_app::random::OsRandom.token(32);
                write_private(&path, &p)?;
                p
            }
        };
        self.app.pepper = Secret::new(pepper);
        Ok(())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("creating {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ussd_gate_and_limits_are_checked() {
        let env = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        let c = Config::load(None, vec![]).unwrap();
        assert!(
            c.ussd
                .gate()
                .unwrap()
                .allows("127.0.0.1".parse().unwrap(), None)
        );
        for (k, v, named) in [
            (
                "SEBA_USSD__ALLOW_FROM",
                "[\"10.0.0.0/40\"]",
                "ussd.allow_from",
            ),
            ("SEBA_USSD__GATEWAY_KEY", "short", "ussd.gateway_key"),
            ("SEBA_USSD__SESSION_SECONDS", "5", "ussd.session_seconds"),
            ("SEBA_USSD__PER_MINUTE", "0", "ussd.per_minute"),
        ] {
            let err = Config::load(None, env(k, v)).unwrap_err();
            assert!(format!("{err:#}").contains(named), "{k}={v}: {err:#}");
        }
        let c = Config::load(None, env("SEBA_USSD__GATEWAY_KEY", "0123456789abcdef")).unwrap();
        let gate = c.ussd.gate().unwrap();
        assert!(gate.allows("127.0.0.1".parse().unwrap(), Some("0123456789abcdef")));
        assert!(!gate.allows("127.0.0.1".parse().unwrap(), None));
    }

    #[test]
    fn env_overrides_file_and_nests() {
        let dir = std::env::temp_dir().join(format!("seba-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("seba.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\n[app]\norg_name = \"bKash\"\n",
        )
        .unwrap();
        let env = vec![
            ("SEBA_APP__REOPEN_WINDOW_DAYS".to_string(), "14".to_string()),
            (
                "SEBA_DATABASE_URL".to_string(),
                "postgres://u:secret@db/seba".to_string(),
            ),
            ("SEBA_SMS__SENDER".to_string(), "01234".to_string()),
            ("HOME".to_string(), "/root".to_string()),
        ];
        let c = Config::load(Some(&file), env).unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.app.org_name, "bKash");
        assert_eq!(c.app.reopen_window_days, 14);
        assert_eq!(c.sms.sender, "01234");
        assert!(c.is_postgres());
        let shown = toml::to_string(&c).unwrap();
        assert!(!shown.contains("secret"), "{shown}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn hotline_from_env_as_digits_and_checked() {
        let env = |v: &str| vec![("SEBA_PORTAL__HOTLINE".to_string(), v.to_string())];
        assert_eq!(Config::load(None, vec![]).unwrap().portal.hotline, "16247");
        assert_eq!(
            Config::load(None, env("16216")).unwrap().portal.hotline,
            "16216"
        );
        assert_eq!(
            Config::load(None, env("+880 9612-016247"))
                .unwrap()
                .portal
                .hotline,
            "+880 9612-016247"
        );
        for bad in ["", "call us", "<b>1</b>", "1234567890123456789012"] {
            let err = Config::load(None, env(bad)).unwrap_err();
            assert!(
                format!("{err:#}").contains("portal.hotline"),
                "{bad}: {err:#}"
            );
        }
    }

    #[test]
    fn locator_limit_is_its_own_key() {
        let c = Config::load(None, vec![]).unwrap();
        assert_eq!((c.public_per_minute, c.locator_per_minute), (60, 600));
        let env = vec![
            ("SEBA_LOCATOR_PER_MINUTE".to_string(), "1200".to_string()),
            ("SEBA_PUBLIC_PER_MINUTE".to_string(), "30".to_string()),
        ];
        let c = Config::load(None, env).unwrap();
        assert_eq!((c.public_per_minute, c.locator_per_minute), (30, 1200));
        assert!(
            toml::to_string(&c)
                .unwrap()
                .contains("locator_per_minute = 1200")
        );
    }

    #[test]
    fn wallet_lockout_from_file_and_env_and_checked() {
        let c = Config::load(None, vec![]).unwrap();
        assert_eq!(c.app.wallet, WalletSettings::default());
        assert_eq!(c.wallet.pin_lock_minutes, [30, 120, 1440]);
        let env = vec![
            ("SEBA_WALLET__PIN_LOCK_AFTER".to_string(), "5".to_string()),
            (
                "SEBA_WALLET__PIN_LOCK_MINUTES".to_string(),
                "[15, 60]".to_string(),
            ),
            (
                "SEBA_WALLET__PIN_RESET_BLOCK_MINUTES".to_string(),
                "480".to_string(),
            ),
        ];
        let c = Config::load(None, env).unwrap();
        let w = &c.app.wallet;
        assert_eq!(w.pin_lock.limit, 5);
        assert_eq!(
            w.pin_lock.lock_for,
            [
                jiff::SignedDuration::from_mins(15),
                jiff::SignedDuration::from_mins(60)
            ]
        );
        assert_eq!((w.reset_block_after, w.reset_block_minutes), (5, 480));
        assert!(
            toml::to_string(&c)
                .unwrap()
                .contains("pin_lock_minutes = [15, 60]")
        );
        for (key, bad) in [
            ("PIN_LOCK_AFTER", "0"),
            ("PIN_LOCK_MINUTES", "[]"),
            ("PIN_LOCK_MINUTES", "[30, 0]"),
            ("PIN_RESET_BLOCK_AFTER", "0"),
            ("PIN_RESET_BLOCK_MINUTES", "-1"),
        ] {
            let env = vec![(format!("SEBA_WALLET__{key}"), bad.to_string())];
            let err = Config::load(None, env).unwrap_err();
            let want = format!("wallet.{}", key.to_ascii_lowercase());
            assert!(format!("{err:#}").contains(&want), "{key}={bad}: {err:#}");
        }
        // The app table does not take them: one place to set them.
        let env = vec![("SEBA_APP__WALLET".to_string(), "1".to_string())];
        assert!(Config::load(None, env).is_err());
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err =
            Config::load(None, vec![("SEBA_LISTN".to_string(), "x".to_string())]).unwrap_err();
        assert!(format!("{err:#}").contains("listn"), "{err:#}");
    }
}
