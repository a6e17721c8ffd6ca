//! Wallet PINs: how they are hashed and checked, the lockout that stops guessing, what
//! staff see of an account, a supervisor's unlock, and the demo accounts.
//!
//! A PIN has five digits: 100,000 values. Nothing about its hash can make an offline
//! search of that space slow, so the defence is layered:
//! - the **pepper** (the server's secret, kept outside the database) is argon2id's secret
//!   input, so a copy of the database alone cannot be searched at all;
//! - the **lockout** stops online guessing: [`App::verify_pin`] claims each attempt in the
//!   store *before* checking it, atomically, so however many requests race, no more than
//!   the limit (3) are checked before a lock; each lock lasts longer than the one before;
//! - the hash cost ([`PIN_HASH_COST`]) is defence in depth for a thief who has both;
//! - every attempt is audited on the account's chain (`wallet:<E.164>`), never the PIN.
//!
//! A number without an account answers exactly as a wrong PIN does, after the same argon2
//! work, so neither the answer nor its timing tells whether the number is registered.
//! The NID is kept only as a keyed hash ([`App::nid_hash`]), so the directory does not
//! double as a list of national ID numbers.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, Mac};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::Sha256;

use seba_core::audit::EventDraft;
use seba_core::case::Actor;
use seba_core::clock::ManualClock;
use seba_core::contact::Msisdn;
use seba_core::staff::Permission;
use seba_core::text::bengali_digits;
use seba_core::wallet::{Nid, Pin};
use seba_store::{
    CaseWrite, Commit, OutboxDraft, PinClaim, PinLockPolicy, SideWrite, StoreError,
    WalletAccountRecord, WalletTransactionRecord,
};

use crate::cases::Caller;
use crate::{App, AppError};

/// argon2id cost of a PIN hash: (memory in KiB, passes, lanes) = 12 MiB, 3 passes, 1 lane,
/// one of OWASP's equivalent argon2id parameter sets.
///
/// Why no more: a 5-digit PIN has 100,000 values, and no affordable cost makes searching
/// them slow for someone who holds both the hashes and the pepper (at this cost one core
/// tries them all in about 25 minutes). What stops offline guessing is the pepper, kept
/// out of the database; what stops online guessing is the lockout. The cost is defence in
/// depth, paid on every PIN check of every customer, so it is held to the budget of at
/// least 50 verifications per second per core. Measured in release on the 2-core build
/// machine (argon2 0.5.3): about 68 verifications/s per core, 13 ms median and 20 ms p99
/// with both cores busy; 19 MiB × 2 passes gave 63/s, 46 MiB × 1 pass 26/s.
pub const PIN_HASH_COST: (u32, u32, u32) = (12 * 1024, 3, 1);

/// The domain separator of [`App::nid_hash`]: a new scheme gets a new one.
const NID_HASH_DOMAIN: &[u8] = b"seba nid v1";

/// How many audit events [`App::wallet_overview`] shows, newest first.
pub const HISTORY_SHOWN: usize = 100;

/// PIN lockout and self-service reset limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletSettings {
    /// Wrong PINs before a lock, and how long each successive lock lasts.
    pub pin_lock: PinLockPolicy,
    /// Failed reset attempts (per number and day) before resets are blocked, and for how
    /// long.
    pub reset_block_after: i32,
    pub reset_block_minutes: i64,
    /// Resets a number may start in one day.
    pub resets_per_day: i32,
    /// The temporary PIN sent by SMS: how long it is good, how often it may be sent in one
    /// session, and how many wrong entries a session allows.
    pub otp_minutes: i64,
    pub otp_sends: i32,
    pub otp_attempts: i32,
    /// How long a reset session lives, and how many wrong identity answers it allows.
    pub reset_session_minutes: i64,
    pub identity_attempts: i32,
}

impl Default for WalletSettings {
    fn default() -> Self {
        WalletSettings {
            pin_lock: PinLockPolicy {
                limit: 3,
                lock_for: vec![
                    SignedDuration::from_mins(30),
                    SignedDuration::from_hours(2),
                    SignedDuration::from_hours(24),
                ],
            },
            reset_block_after: 5,
            reset_block_minutes: 240,
            resets_per_day: 5,
            otp_minutes: 5,
            otp_sends: 3,
            otp_attempts: 3,
            reset_session_minutes: 15,
            identity_attempts: 3,
        }
    }
}

/// The answer to a PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PinOutcome {
    Right,
    /// Wrong, and this many more wrong PINs are allowed before a lock.
    Wrong {
        attempts_left: i32,
    },
    /// Locked until then: by this wrong PIN, or already.
    Locked {
        until: Timestamp,
    },
}

/// What an agent sees of a wallet account: its lock state and the history of PIN
/// attempts, resets and unlocks. Never the PIN, the NID, or their hashes.
#[derive(Debug, Clone, Serialize)]
pub struct WalletOverview {
    /// E.164.
    pub msisdn: String,
    pub name: String,
    pub status: String,
    /// Locked right now.
    pub locked: bool,
    pub failed_pins: i32,
    pub locked_until: Option<Timestamp>,
    pub lock_count: i32,
    pub pin_changed_at: Option<Timestamp>,
    /// The newest [`HISTORY_SHOWN`] events, newest first.
    pub history: Vec<WalletEvent>,
    /// How many events the account's chain holds in all.
    pub history_total: usize,
}

/// One audited event on an account.
#[derive(Debug, Clone, Serialize)]
pub struct WalletEvent {
    pub at: Timestamp,
    /// `customer`, `system` or `user:<id>`.
    pub actor: String,
    /// The staff member's display name, when a staff member acted.
    pub actor_name: Option<String>,
    /// `pin.right`, `pin.wrong`, `pin.locked`, `pin.refused_locked`, `reset.*`,
    /// `wallet.unlocked`.
    pub action: String,
    /// What the event recorded (attempt number, lock end, reason), with anything that
    /// looks like a secret or a hash removed.
    pub details: Value,
}

/// A demo wallet account, with the test data printed in the README ("Demo wallets").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoWallet {
    /// National form, `017…`.
    pub msisdn: &'static str,
    pub name_bn: &'static str,
    pub name_en: &'static str,
    pub nid: &'static str,
    /// `YYYY-MM-DD`.
    pub date_of_birth: &'static str,
    pub pin: &'static str,
    /// Loaded locked (three locks in a row, the last for a day).
    pub locked: bool,
}

/// The chain an account's events go on.
pub fn wallet_subject(msisdn: &Msisdn) -> String {
    format!("wallet:{}", msisdn.as_e164())
}

/// May the caller do what `p` allows? The system (the CLI, the demo) may do what a
/// supervisor may; customers act only through the customer commands.
fn may(caller: &Caller, p: Permission) -> bool {
    match caller.role {
        Some(r) => r.can(p),
        None => caller.actor == Actor::System,
    }
}

impl App {
    fn pin_argon2(&self) -> Result<Argon2<'_>, AppError> {
        let (m, t, p) = PIN_HASH_COST;
        let params = Params::new(m, t, p, None).map_err(|e| AppError::Config(e.to_string()))?;
        Argon2::new_with_secret(
            self.settings.pepper.expose().as_bytes(),
            Algorithm::Argon2id,
            Version::V0x13,
            params,
        )
        .map_err(|e| AppError::Config(e.to_string()))
    }

    /// An argon2id hash (PHC string) of a PIN, with a fresh salt and the pepper as secret.
    pub fn hash_pin(&self, pin: &Pin) -> Result<String, AppError> {
        let mut salt = [0u8; 16];
        self.random.fill(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Config(e.to_string()))?;
        Ok(self
            .pin_argon2()?
            .hash_password(pin.expose().as_bytes(), &salt)
            .map_err(|e| AppError::Config(e.to_string()))?
            .to_string())
    }

    /// Does `pin` match `hash`? Constant time: argon2's verifier recomputes the hash with
    /// the parameters written in `hash` and compares the digests in constant time. A hash
    /// that does not parse matches nothing.
    pub fn pin_matches(&self, hash: &str, pin: &Pin) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        self.pin_argon2()
            .map(|a| a.verify_password(pin.expose().as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    }

    /// [`App::pin_matches`] on a blocking thread, so tens of milliseconds of argon2 do not
    /// stall the async workers.
    async fn pin_matches_off_thread(&self, hash: String, pin: &Pin) -> bool {
        let (app, pin) = (self.clone(), pin.clone());
        tokio::task::spawn_blocking(move || app.pin_matches(&hash, &pin))
            .await
            .unwrap_or(false)
    }

    /// A hash of the same cost as every PIN hash, to verify against when there is no
    /// account, so that timing does not tell.
    fn dummy_pin_hash(&self) -> String {
        static DUMMY: OnceLock<String> = OnceLock::new();
        DUMMY
            .get_or_init(|| {
                Pin::parse("00000")
                    .ok()
                    .and_then(|p| self.hash_pin(&p).ok())
                    .unwrap_or_default()
            })
            .clone()
    }

    /// The keyed hash an NID is stored as: HMAC-SHA-256 keyed with the pepper over a
    /// domain separator and the ASCII digits, hex. The same NID in either digit script
    /// gives the same hash (the digits were made ASCII when it was parsed).
    pub fn nid_hash(&self, nid: &Nid) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.settings.pepper.expose().as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(NID_HASH_DOMAIN);
        mac.update(&[0]);
        mac.update(nid.expose().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Check a customer's PIN, with the lockout.
    ///
    /// The attempt is claimed in the store first (counted as wrong in advance, and the
    /// account locked if that reaches the limit), then checked, then settled together with
    /// its audit event: a right PIN clears the count, the lock and the escalation. A locked
    /// account answers `Locked` without checking. A number without an account answers
    /// like a first wrong PIN, after the same argon2 work, and records nothing.
    pub async fn verify_pin(&self, msisdn: &Msisdn, pin: &Pin) -> Result<PinOutcome, AppError> {
        let policy = &self.settings.wallet.pin_lock;
        let now = self.now();
        let claim = self
            .store
            .claim_pin_attempt(msisdn.as_e164(), now, policy)
            .await?;
        match claim {
            PinClaim::NoAccount => {
                let _ = self
                    .pin_matches_off_thread(self.dummy_pin_hash(), pin)
                    .await;
                Ok(PinOutcome::Wrong {
                    attempts_left: (policy.limit - 1).max(0),
                })
            }
            PinClaim::Locked { until } => {
                self.commit_wallet_event(
                    msisdn,
                    now,
                    "pin.refused_locked",
                    json!({ "locked_until": until }),
                    vec![],
                    vec![],
                )
                .await?;
                Ok(PinOutcome::Locked { until })
            }
            PinClaim::Granted {
                pin_hash,
                attempt,
                locks_until,
            } => {
                let right = self.pin_matches_off_thread(pin_hash, pin).await;
                let settle = vec![SideWrite::PinSettled {
                    msisdn: msisdn.as_e164().to_string(),
                    right,
                }];
                let (action, after, outbox, outcome) = match (right, locks_until) {
                    (true, _) => (
                        "pin.right",
                        json!({ "attempt": attempt }),
                        vec![],
                        PinOutcome::Right,
                    ),
                    (false, Some(until)) => (
                        "pin.locked",
                        json!({ "attempt": attempt, "locked_until": until }),
                        vec![self.locked_sms(msisdn, until)],
                        PinOutcome::Locked { until },
                    ),
                    (false, None) => (
                        "pin.wrong",
                        json!({ "attempt": attempt }),
                        vec![],
                        PinOutcome::Wrong {
                            attempts_left: (policy.limit - attempt).max(0),
                        },
                    ),
                };
                self.commit_wallet_event(msisdn, now, action, after, outbox, settle)
                    .await?;
                if matches!(outcome, PinOutcome::Locked { .. }) {
                    tracing::warn!(msisdn = %msisdn.masked(), "wallet locked after wrong PINs");
                }
                Ok(outcome)
            }
        }
    }

    /// One audit event on the account's chain (the customer acting), with its outbox rows
    /// and side writes, in one transaction.
    async fn commit_wallet_event(
        &self,
        msisdn: &Msisdn,
        at: Timestamp,
        action: &str,
        after: Value,
        outbox: Vec<OutboxDraft>,
        side: Vec<SideWrite>,
    ) -> Result<(), AppError> {
        let commit = Commit {
            case: CaseWrite::None,
            messages: vec![],
            events: vec![EventDraft {
                subject: wallet_subject(msisdn),
                at,
                actor: Actor::Customer.to_string(),
                action: action.into(),
                before: "{}".into(),
                after: after.to_string(),
            }],
            outbox,
            idempotency: None,
        };
        self.store.commit_with(commit, side).await?;
        Ok(())
    }

    /// Day and time in the deployment's time zone: (Bengali, English).
    fn local_time(&self, t: Timestamp) -> (String, String) {
        let tz =
            jiff::tz::TimeZone::get(&self.settings.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let z = t.to_zoned(tz);
        (
            bengali_digits(&z.strftime("%d/%m/%Y %H:%M").to_string()),
            z.strftime("%H:%M on %-d %B %Y").to_string(),
        )
    }

    fn sms(msisdn: &Msisdn, text: String, key: String) -> OutboxDraft {
        OutboxDraft {
            topic: "sms.send".into(),
            case_id: None,
            payload: json!({ "to": msisdn.as_e164(), "text": text, "key": key }),
            message_index: None,
        }
    }

    /// Tell the customer their account was locked: if it was not them, someone is
    /// guessing, and they should know before the lock ends.
    fn locked_sms(&self, msisdn: &Msisdn, until: Timestamp) -> OutboxDraft {
        let org = &self.settings.org_name;
        let limit = self.settings.wallet.pin_lock.limit;
        let (bn, en) = self.local_time(until);
        let bn_limit = bengali_digits(&limit.to_string());
        let text = format!(
            "{org}: পরপর {bn_limit} বার ভুল পিন দেওয়ায় আপনার অ্যাকাউন্ট {bn} পর্যন্ত বন্ধ থাকবে। \
             আপনি না হলে কাউকে পিন বা কোড বলবেন না; *২৪৭# থেকে পিন রিসেট করা যায়। / \
             {org}: your account is locked until {en} after {limit} wrong PINs. If this was \
             not you, never share your PIN or codes; you can reset your PIN from *247#."
        );
        Self::sms(
            msisdn,
            text,
            format!("pin.locked:{}:{}", msisdn.as_e164(), until.as_second()),
        )
    }

    /// An account's lock state and history, for an agent on the phone with the customer
    /// (agents and up). Never the PIN, the NID, or their hashes.
    pub async fn wallet_overview(
        &self,
        msisdn: &Msisdn,
        caller: Caller,
    ) -> Result<WalletOverview, AppError> {
        if !may(&caller, Permission::ReadCases) {
            return Err(AppError::Forbidden("see wallet accounts"));
        }
        let account = self
            .store
            .wallet_account(msisdn.as_e164())
            .await?
            .ok_or(AppError::Store(StoreError::NotFound))?;
        let now = self.now();
        let events = self.store.audit_events(&wallet_subject(msisdn)).await?;
        let history_total = events.len();
        let mut names: HashMap<String, Option<String>> = HashMap::new();
        let mut history = Vec::with_capacity(history_total.min(HISTORY_SHOWN));
        for e in events
            .into_iter()
            .rev()
            .filter(|e| {
                e.action.starts_with("pin.")
                    || e.action.starts_with("reset.")
                    || e.action.starts_with("wallet.")
            })
            .take(HISTORY_SHOWN)
        {
            let actor_name = match names.get(&e.actor) {
                Some(n) => n.clone(),
                None => {
                    let n = match e.actor.parse::<Actor>() {
                        Ok(Actor::User(id)) => self.store.user(id).await?.map(|u| u.display_name),
                        _ => None,
                    };
                    names.insert(e.actor.clone(), n.clone());
                    n
                }
            };
            history.push(WalletEvent {
                at: e.at,
                actor: e.actor,
                actor_name,
                action: e.action,
                details: without_secrets(serde_json::from_str(&e.after).unwrap_or(Value::Null)),
            });
        }
        Ok(WalletOverview {
            msisdn: account.msisdn,
            name: account.name,
            status: account.status,
            locked: account.locked_until.is_some_and(|t| t > now),
            failed_pins: account.failed_pins,
            locked_until: account.locked_until,
            lock_count: account.lock_count,
            pin_changed_at: account.pin_changed_at,
            history,
            history_total,
        })
    }

    /// A supervisor lifts a lock after checking the customer's identity over the phone:
    /// the failure count and the lock are cleared, the PIN stays. The reason is required
    /// and recorded with who did it; the customer gets an SMS (if it was not them who
    /// called, they learn at once).
    pub async fn unlock_wallet(
        &self,
        msisdn: &Msisdn,
        reason: &str,
        caller: Caller,
    ) -> Result<(), AppError> {
        if !may(&caller, Permission::Supervise) {
            return Err(AppError::Forbidden("unlock a wallet"));
        }
        let reason = seba_core::case::required_text("reason", reason, 500)?;
        let account = self
            .store
            .wallet_account(msisdn.as_e164())
            .await?
            .ok_or(AppError::Store(StoreError::NotFound))?;
        let now = self.now();
        let org = &self.settings.org_name;
        let (bn, en) = self.local_time(now);
        let text = format!(
            "{org}: গ্রাহকসেবা {bn} এ আপনার অ্যাকাউন্টের লক খুলে দিয়েছে। আপনি অনুরোধ না করে থাকলে \
             এখনই হটলাইনে ফোন করুন। / {org}: customer care unlocked your account at {en}. \
             If you did not ask for this, call the hotline now."
        );
        let commit = Commit {
            case: CaseWrite::None,
            messages: vec![],
            events: vec![EventDraft {
                subject: wallet_subject(msisdn),
                at: now,
                actor: caller.actor.to_string(),
                action: "wallet.unlocked".into(),
                before: json!({
                    "failed_pins": account.failed_pins,
                    "locked_until": account.locked_until,
                    "lock_count": account.lock_count,
                })
                .to_string(),
                after: json!({
                    "reason": reason,
                    "was_locked": account.locked_until.is_some_and(|t| t > now),
                })
                .to_string(),
            }],
            outbox: vec![Self::sms(
                msisdn,
                text,
                format!(
                    "wallet.unlocked:{}:{}",
                    msisdn.as_e164(),
                    now.as_millisecond()
                ),
            )],
            idempotency: None,
        };
        self.store
            .commit_with(
                commit,
                vec![SideWrite::WalletUnlock {
                    msisdn: msisdn.as_e164().to_string(),
                }],
            )
            .await?;
        tracing::info!(msisdn = %msisdn.masked(), actor = %caller.actor, "wallet unlocked");
        Ok(())
    }

    /// The demo wallet accounts ([`DEMO_WALLETS`]), each with eight recent transactions;
    /// the one marked `locked` is locked by three rounds of wrong PINs under a demo clock,
    /// so its history is real. Loaded once; later calls load nothing and return nothing.
    pub async fn load_demo_wallets(&self) -> Result<Vec<DemoWallet>, AppError> {
        if self.store.meta(DEMO_WALLETS_KEY).await?.is_some() {
            return Ok(vec![]);
        }
        let now = self.now();
        let bad = |what: &str, w: &DemoWallet| {
            AppError::Config(format!("demo wallet {}: bad {what}", w.msisdn))
        };
        let mut parsed = Vec::with_capacity(DEMO_WALLETS.len());
        for w in DEMO_WALLETS {
            let msisdn = Msisdn::parse(w.msisdn).map_err(|_| bad("number", w))?;
            let pin = Pin::parse(w.pin).map_err(|_| bad("PIN", w))?;
            let nid = Nid::parse(w.nid).map_err(|_| bad("NID", w))?;
            let dob: Date = w.date_of_birth.parse().map_err(|_| bad("date", w))?;
            parsed.push((w, msisdn, pin, nid, dob));
        }
        // Twelve argon2 hashes: off the async workers.
        let app = self.clone();
        let hashes = tokio::task::spawn_blocking(move || {
            parsed
                .into_iter()
                .map(|(w, msisdn, pin, nid, dob)| {
                    Ok((w, msisdn, app.hash_pin(&pin)?, app.nid_hash(&nid), dob))
                })
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await
        .map_err(|e| AppError::Config(format!("hashing demo PINs: {e}")))??;
        let mut accounts = Vec::with_capacity(hashes.len());
        let mut txs = Vec::new();
        let mut locked = Vec::new();
        for (i, (w, msisdn, pin_hash, nid_hash, dob)) in hashes.into_iter().enumerate() {
            accounts.push(WalletAccountRecord {
                msisdn: msisdn.as_e164().to_string(),
                name: format!("{} ({})", w.name_bn, w.name_en),
                nid_hash,
                date_of_birth: dob,
                status: "active".into(),
                pin_hash,
                pin_history: vec![],
                failed_pins: 0,
                locked_until: None,
                lock_count: 0,
                pin_changed_at: Some(now - SignedDuration::from_hours(24 * (40 + 17 * i as i64))),
                version: 1,
            });
            txs.extend(demo_transactions(i, &msisdn, now));
            if w.locked {
                locked.push(msisdn);
            }
        }
        self.store.upsert_wallet_accounts(accounts).await?;
        self.store.add_wallet_transactions(txs).await?;
        for msisdn in &locked {
            self.lock_demo_wallet(msisdn).await?;
        }
        self.store
            .set_meta_once(DEMO_WALLETS_KEY, &now.to_string())
            .await?;
        tracing::info!(accounts = DEMO_WALLETS.len(), "demo wallet accounts loaded");
        Ok(DEMO_WALLETS.to_vec())
    }

    /// Wrong PINs in rounds under a demo clock starting three hours ago: each round ends in
    /// a lock, the next starts after it ends, so the last lock is the longest and still
    /// running.
    async fn lock_demo_wallet(&self, msisdn: &Msisdn) -> Result<(), AppError> {
        let now = self.now();
        let clock = Arc::new(ManualClock::new(now - SignedDuration::from_hours(3)));
        let demo = App {
            clock: clock.clone(),
            ..self.clone()
        };
        let wrong = Pin::parse(DEMO_WRONG_PIN).map_err(|e| AppError::Config(e.to_string()))?;
        let policy = &self.settings.wallet.pin_lock;
        let rounds = policy.lock_for.len().max(1);
        for round in 0..rounds {
            let mut until = None;
            for _ in 0..policy.limit.max(1) {
                clock.advance(SignedDuration::from_secs(25));
                if let PinOutcome::Locked { until: u } = demo.verify_pin(msisdn, &wrong).await? {
                    until = Some(u);
                    break;
                }
            }
            let Some(until) = until else { break };
            let next = until + SignedDuration::from_mins(10);
            if round + 1 == rounds || next + SignedDuration::from_mins(5) > now {
                break;
            }
            clock.set(next);
        }
        Ok(())
    }
}

/// Remove from audit details any key that could hold a secret, at any depth: what staff
/// read must never carry a PIN, an NID, a code or a hash of one.
fn without_secrets(v: Value) -> Value {
    const SECRET_WORDS: &[&str] = &["pin", "nid", "otp", "code", "hash", "token", "secret"];
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| {
                    let k = k.to_ascii_lowercase();
                    !SECRET_WORDS
                        .iter()
                        .any(|w| k.split(['_', '.', '-']).any(|part| part == *w))
                })
                .map(|(k, v)| (k, without_secrets(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_secrets).collect()),
        other => other,
    }
}

const DEMO_WALLETS_KEY: &str = "demo_wallets_loaded";

/// The PIN the demo types wrong on the locked account; no demo account has it.
const DEMO_WRONG_PIN: &str = "11223";

/// The demo accounts, as printed in the README ("Demo wallets"). Every PIN keeps the PIN
/// rules, so the reset flow can be tried end to end.
pub const DEMO_WALLETS: &[DemoWallet] = &[
    DemoWallet {
        msisdn: "01700000001",
        name_bn: "রহিম উদ্দিন",
        name_en: "Rahim Uddin",
        nid: "1990123456",
        date_of_birth: "1985-04-12",
        pin: "48213",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000002",
        name_bn: "ফাতেমা বেগম",
        name_en: "Fatema Begum",
        nid: "2691234567890",
        date_of_birth: "1992-08-30",
        pin: "71592",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000003",
        name_bn: "আব্দুল করিম",
        name_en: "Abdul Karim",
        nid: "19781234567890123",
        date_of_birth: "1978-01-05",
        pin: "36048",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000004",
        name_bn: "নাসরিন সুলতানা",
        name_en: "Nasrin Sultana",
        nid: "4612345678",
        date_of_birth: "1995-11-19",
        pin: "92617",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000005",
        name_bn: "মোহাম্মদ হাসান",
        name_en: "Mohammad Hasan",
        nid: "5123456789",
        date_of_birth: "1988-06-02",
        pin: "15839",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000006",
        name_bn: "শাহনাজ পারভীন",
        name_en: "Shahnaz Parvin",
        nid: "3312345678901",
        date_of_birth: "1970-12-25",
        pin: "60374",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000007",
        name_bn: "তানভীর আহমেদ",
        name_en: "Tanvir Ahmed",
        nid: "7712345678",
        date_of_birth: "2000-02-29",
        pin: "84150",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000008",
        name_bn: "রুমানা আক্তার",
        name_en: "Rumana Akter",
        nid: "8823456789",
        date_of_birth: "1998-09-14",
        pin: "27946",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000009",
        name_bn: "জসিম উদ্দিন",
        name_en: "Jashim Uddin",
        nid: "19659876543210987",
        date_of_birth: "1965-03-08",
        pin: "53082",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000010",
        name_bn: "সুমাইয়া ইসলাম",
        name_en: "Sumaiya Islam",
        nid: "9934567890",
        date_of_birth: "2003-07-21",
        pin: "39671",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000011",
        name_bn: "মিজানুর রহমান",
        name_en: "Mizanur Rahman",
        nid: "6645678901234",
        date_of_birth: "1982-10-10",
        pin: "70529",
        locked: false,
    },
    DemoWallet {
        msisdn: "01700000012",
        name_bn: "পারভীন আক্তার",
        name_en: "Parvin Akter",
        nid: "1245678903",
        date_of_birth: "1975-05-17",
        pin: "24863",
        locked: true,
    },
];

/// Taka amounts people actually move, per kind of transaction.
const DEMO_AMOUNTS: &[(&str, &[i64])] = &[
    (
        "send_money",
        &[500, 1_200, 2_500, 3_000, 5_000, 7_500, 15_000],
    ),
    ("cash_out", &[1_000, 2_000, 3_000, 5_000, 10_000, 20_000]),
    ("cash_in", &[500, 1_000, 2_000, 5_000, 10_000, 25_000]),
    ("payment", &[120, 350, 780, 1_250, 2_400, 3_460]),
    ("recharge", &[20, 50, 100, 149, 299, 500]),
];

/// Eight transactions of demo account `i`, newest first, over the last three weeks; the
/// same for the same `i` and `now`.
fn demo_transactions(i: usize, msisdn: &Msisdn, now: Timestamp) -> Vec<WalletTransactionRecord> {
    const ID_ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..8)
        .map(|n| {
            let (kind, amounts) = DEMO_AMOUNTS[(i + n * 3) % DEMO_AMOUNTS.len()];
            let taka = amounts[(i * 3 + n) % amounts.len()];
            // A core-system-looking id (10 characters), from a fixed LCG.
            let mut x = (i as u64 + 1) * 1_000_003 + n as u64 * 7_919;
            let id: String = (0..10)
                .map(|_| {
                    x = x
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    ID_ALPHABET[((x >> 33) % ID_ALPHABET.len() as u64) as usize] as char
                })
                .collect();
            let hours_ago = n as i64 * 53 + (i as i64 % 5) * 7 + 2;
            WalletTransactionRecord {
                msisdn: msisdn.as_e164().to_string(),
                id,
                kind: kind.into(),
                amount_poisha: taka * 100,
                at: now - SignedDuration::from_hours(hours_ago),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use seba_core::ids::UserId;
    use seba_core::staff::Role;
    use seba_store::OutboxPos;

    use super::*;
    use crate::testing::TestApp;

    const PIN: &str = "48213";
    const WRONG: &str = "59731";

    fn pin(s: &str) -> Pin {
        Pin::parse(s).unwrap()
    }

    fn number(s: &str) -> Msisdn {
        Msisdn::parse(s).unwrap()
    }

    async fn with_account(t: &TestApp, msisdn: &str, p: &str) -> Msisdn {
        let m = number(msisdn);
        let app = &t.app;
        app.store
            .upsert_wallet_accounts(vec![WalletAccountRecord {
                msisdn: m.as_e164().to_string(),
                name: "রহিম উদ্দিন (Rahim Uddin)".into(),
                nid_hash: app.nid_hash(&Nid::parse("1990123456").unwrap()),
                date_of_birth: "1985-04-12".parse().unwrap(),
                status: "active".into(),
                pin_hash: app.hash_pin(&pin(p)).unwrap(),
                pin_history: vec![],
                failed_pins: 0,
                locked_until: None,
                lock_count: 0,
                pin_changed_at: None,
                version: 1,
            }])
            .await
            .unwrap();
        m
    }

    async fn actions(t: &TestApp, m: &Msisdn) -> Vec<String> {
        t.app
            .store
            .audit_events(&wallet_subject(m))
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }

    async fn sms_to(t: &TestApp, m: &Msisdn) -> Vec<String> {
        t.app
            .store
            .outbox_after(OutboxPos::default(), 10_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.topic == "sms.send" && r.payload["to"] == m.as_e164())
            .map(|r| r.payload["text"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    fn supervisor() -> Caller {
        Caller::staff(UserId(2), Role::Supervisor)
    }

    fn agent() -> Caller {
        Caller::staff(UserId(3), Role::Agent)
    }

    #[tokio::test]
    async fn pin_hashes_are_peppered_argon2id_and_nid_hashes_keyed() {
        let t = TestApp::bare().await;
        let app = &t.app;
        let h = app.hash_pin(&pin(PIN)).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=12288,t=3,p=1$"), "{h}");
        assert_ne!(
            h,
            app.hash_pin(&pin(PIN)).unwrap(),
            "a fresh salt each time"
        );
        assert!(app.pin_matches(&h, &pin(PIN)));
        assert!(app.pin_matches(&h, &pin("৪৮২১৩")), "either script");
        assert!(!app.pin_matches(&h, &pin(WRONG)));
        assert!(!app.pin_matches("not a hash", &pin(PIN)));
        assert!(!app.pin_matches("", &pin(PIN)));
        // Another pepper (another deployment, or a thief without it) matches nothing.
        let mut other = (*app.settings).clone();
        other.pepper = crate::settings::Secret::new("another pepper of some length");
        let other = App::new(
            app.store.clone(),
            app.clock.clone(),
            app.random.clone(),
            other,
        );
        assert!(!other.pin_matches(&h, &pin(PIN)));

        let nid = Nid::parse("1990123456").unwrap();
        let n = app.nid_hash(&nid);
        assert_eq!(n.len(), 64);
        assert!(n.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(n, app.nid_hash(&Nid::parse("১৯৯০১২৩৪৫৬").unwrap()));
        assert_ne!(n, app.nid_hash(&Nid::parse("1990123457").unwrap()));
        assert_ne!(n, other.nid_hash(&nid));
        assert!(!n.contains("1990123456"));
    }

    #[tokio::test]
    async fn the_right_pin_is_right_and_audited() {
        let t = TestApp::bare().await;
        let m = with_account(&t, "01711000001", PIN).await;
        assert_eq!(
            t.app.verify_pin(&m, &pin(PIN)).await.unwrap(),
            PinOutcome::Right
        );
        assert_eq!(
            t.app.verify_pin(&m, &pin("৪৮২১৩")).await.unwrap(),
            PinOutcome::Right
        );
        assert_eq!(actions(&t, &m).await, ["pin.right", "pin.right"]);
        let a = t
            .app
            .store
            .wallet_account(m.as_e164())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((a.failed_pins, a.locked_until), (0, None));
    }

    #[tokio::test]
    async fn three_wrong_pins_lock_and_locks_escalate() {
        let t = TestApp::bare().await;
        let app = &t.app;
        let m = with_account(&t, "01711000002", PIN).await;
        let wrong = pin(WRONG);
        assert_eq!(
            app.verify_pin(&m, &wrong).await.unwrap(),
            PinOutcome::Wrong { attempts_left: 2 }
        );
        assert_eq!(
            app.verify_pin(&m, &wrong).await.unwrap(),
            PinOutcome::Wrong { attempts_left: 1 }
        );
        let first = app.now() + SignedDuration::from_mins(30);
        assert_eq!(
            app.verify_pin(&m, &wrong).await.unwrap(),
            PinOutcome::Locked { until: first }
        );
        // Refused while locked, even the right PIN, without counting.
        t.clock.advance(SignedDuration::from_mins(29));
        assert_eq!(
            app.verify_pin(&m, &pin(PIN)).await.unwrap(),
            PinOutcome::Locked { until: first }
        );
        assert_eq!(
            app.verify_pin(&m, &wrong).await.unwrap(),
            PinOutcome::Locked { until: first }
        );
        let a = app
            .store
            .wallet_account(m.as_e164())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((a.failed_pins, a.lock_count), (3, 1));
        // After the lock, a fresh count; the next lock lasts 2 hours.
        t.clock.advance(SignedDuration::from_mins(2));
        assert_eq!(
            app.verify_pin(&m, &wrong).await.unwrap(),
            PinOutcome::Wrong { attempts_left: 2 }
        );
        app.verify_pin(&m, &wrong).await.unwrap();
        let second = app.now() + SignedDuration::from_hours(2);
        assert_eq!(
            app.verify_pin(&m, &wrong).await.unwrap(),
            PinOutcome::Locked { until: second }
        );
        // And the third, 24 hours; later ones stay at 24 hours.
        t.clock.set(second + SignedDuration::from_secs(1));
        for _ in 0..2 {
            app.verify_pin(&m, &wrong).await.unwrap();
        }
        let third = app.now() + SignedDuration::from_hours(24);
        assert_eq!(
            app.verify_pin(&m, &wrong).await.unwrap(),
            PinOutcome::Locked { until: third }
        );
        assert_eq!(
            actions(&t, &m).await,
            [
                "pin.wrong",
                "pin.wrong",
                "pin.locked",
                "pin.refused_locked",
                "pin.refused_locked",
                "pin.wrong",
                "pin.wrong",
                "pin.locked",
                "pin.wrong",
                "pin.wrong",
                "pin.locked",
            ]
        );
        let events = app.store.audit_events(&wallet_subject(&m)).await.unwrap();
        let locked: Value = serde_json::from_str(&events[2].after).unwrap();
        assert_eq!(locked["attempt"], 3);
        assert_eq!(locked["locked_until"], json!(first));
        assert!(events.iter().all(|e| e.actor == "customer"));
        // Each lock told the customer, in both languages.
        let sms = sms_to(&t, &m).await;
        assert_eq!(sms.len(), 3, "{sms:?}");
        assert!(sms[0].contains("বন্ধ থাকবে") && sms[0].contains("locked until"));
        assert!(sms[0].contains("*247#"));
    }

    #[tokio::test]
    async fn a_right_pin_resets_the_count_and_the_escalation() {
        let t = TestApp::bare().await;
        let app = &t.app;
        let m = with_account(&t, "01711000003", PIN).await;
        let wrong = pin(WRONG);
        app.verify_pin(&m, &wrong).await.unwrap();
        app.verify_pin(&m, &wrong).await.unwrap();
        assert_eq!(
            app.verify_pin(&m, &pin(PIN)).await.unwrap(),
            PinOutcome::Right
        );
        assert_eq!(
            app.verify_pin(&m, &wrong).await.unwrap(),
            PinOutcome::Wrong { attempts_left: 2 }
        );
        app.verify_pin(&m, &wrong).await.unwrap();
        assert!(matches!(
            app.verify_pin(&m, &wrong).await.unwrap(),
            PinOutcome::Locked { .. }
        ));
        t.clock.advance(SignedDuration::from_mins(31));
        assert_eq!(
            app.verify_pin(&m, &pin(PIN)).await.unwrap(),
            PinOutcome::Right
        );
        for _ in 0..2 {
            app.verify_pin(&m, &wrong).await.unwrap();
        }
        // The escalation was cleared: 30 minutes again, not 2 hours.
        assert_eq!(
            app.verify_pin(&m, &wrong).await.unwrap(),
            PinOutcome::Locked {
                until: app.now() + SignedDuration::from_mins(30)
            }
        );
    }

    #[tokio::test]
    async fn an_unknown_number_answers_like_a_wrong_pin_and_records_nothing() {
        let t = TestApp::bare().await;
        let app = &t.app;
        let known = with_account(&t, "01711000004", PIN).await;
        let unknown = number("01811000004");
        let first_wrong = app.verify_pin(&known, &pin(WRONG)).await.unwrap();
        for p in [PIN, WRONG, "13579"] {
            assert_eq!(
                app.verify_pin(&unknown, &pin(p)).await.unwrap(),
                first_wrong
            );
        }
        assert!(actions(&t, &unknown).await.is_empty());
        assert!(sms_to(&t, &unknown).await.is_empty());
        assert!(
            app.store
                .wallet_account(unknown.as_e164())
                .await
                .unwrap()
                .is_none()
        );
    }

    /// The lockout holds under a race: 30 wrong PINs at once on one account, on a
    /// multi-threaded runtime, and exactly 3 are checked and counted.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn thirty_parallel_wrong_pins_count_exactly_three() {
        let t = TestApp::bare().await;
        let m = with_account(&t, "01711000005", PIN).await;
        let tasks: Vec<_> = (0..30)
            .map(|_| {
                let (app, m) = (t.app.clone(), m.clone());
                tokio::spawn(async move { app.verify_pin(&m, &pin(WRONG)).await })
            })
            .collect();
        let mut wrong = 0;
        let mut locked = 0;
        for task in tasks {
            match task.await.unwrap().unwrap() {
                PinOutcome::Wrong { .. } => wrong += 1,
                PinOutcome::Locked { .. } => locked += 1,
                PinOutcome::Right => panic!("a wrong PIN was taken as right"),
            }
        }
        assert_eq!((wrong, locked), (2, 28));
        let a = t
            .app
            .store
            .wallet_account(m.as_e164())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(a.failed_pins, 3);
        assert_eq!(a.lock_count, 1);
        let mut counts = BTreeMap::new();
        for a in actions(&t, &m).await {
            *counts.entry(a).or_insert(0) += 1;
        }
        assert_eq!(
            counts,
            BTreeMap::from([
                ("pin.locked".to_string(), 1),
                ("pin.refused_locked".to_string(), 27),
                ("pin.wrong".to_string(), 2),
            ])
        );
        assert_eq!(sms_to(&t, &m).await.len(), 1, "one lock, one SMS");
    }

    #[tokio::test]
    async fn no_audit_event_or_message_carries_the_pin() {
        let t = TestApp::bare().await;
        let app = &t.app;
        let m = with_account(&t, "01711000006", PIN).await;
        let hash = app
            .store
            .wallet_account(m.as_e164())
            .await
            .unwrap()
            .unwrap()
            .pin_hash;
        app.verify_pin(&m, &pin(PIN)).await.unwrap();
        for _ in 0..4 {
            app.verify_pin(&m, &pin(WRONG)).await.unwrap();
        }
        app.unlock_wallet(
            &m,
            "called from registered number, DOB checked",
            supervisor(),
        )
        .await
        .unwrap();
        app.verify_pin(&m, &pin("৫৯৭৩১")).await.unwrap();
        let events = app.store.audit_events(&wallet_subject(&m)).await.unwrap();
        assert_eq!(events.len(), 7);
        let outbox = app
            .store
            .outbox_after(OutboxPos::default(), 10_000)
            .await
            .unwrap();
        let mut seen: Vec<String> = events
            .iter()
            .map(|e| format!("{} {} {} {}", e.actor, e.action, e.before, e.after))
            .collect();
        seen.extend(outbox.iter().map(|r| r.payload.to_string()));
        for text in &seen {
            for secret in [PIN, WRONG, "৪৮২১৩", "৫৯৭৩১", hash.as_str(), "argon2"]
            {
                assert!(!text.contains(secret), "{text} holds {secret}");
            }
        }
    }

    #[tokio::test]
    async fn the_overview_shows_lock_state_and_history_never_hashes() {
        let t = TestApp::bare().await;
        let app = &t.app;
        let m = with_account(&t, "01711000007", PIN).await;
        let account = app
            .store
            .wallet_account(m.as_e164())
            .await
            .unwrap()
            .unwrap();
        for _ in 0..3 {
            app.verify_pin(&m, &pin(WRONG)).await.unwrap();
        }
        let o = app.wallet_overview(&m, agent()).await.unwrap();
        assert!(o.locked);
        assert_eq!(o.failed_pins, 3);
        assert_eq!(o.lock_count, 1);
        assert_eq!(
            o.locked_until,
            Some(app.now() + SignedDuration::from_mins(30))
        );
        assert_eq!(o.name, "রহিম উদ্দিন (Rahim Uddin)");
        assert_eq!(o.history_total, 3);
        let acts: Vec<&str> = o.history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            acts,
            ["pin.locked", "pin.wrong", "pin.wrong"],
            "newest first"
        );
        assert_eq!(o.history[0].details["attempt"], 3);
        app.unlock_wallet(&m, "identity checked on the phone", supervisor())
            .await
            .unwrap();
        let o = app
            .wallet_overview(&m, Caller::staff(UserId(9), Role::Auditor))
            .await
            .unwrap();
        assert!(!o.locked);
        assert_eq!(o.history[0].action, "wallet.unlocked");
        assert_eq!(o.history[0].actor, "user:2");
        assert_eq!(
            o.history[0].details["reason"],
            "identity checked on the phone"
        );
        let shown = serde_json::to_string(&o).unwrap();
        for secret in [
            account.pin_hash.as_str(),
            account.nid_hash.as_str(),
            "argon2",
            PIN,
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(!shown.contains("nid") && !shown.contains("pin_hash"));
        // Customers have no desk.
        assert!(matches!(
            app.wallet_overview(&m, Caller::customer()).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.wallet_overview(&number("01911000007"), agent()).await,
            Err(AppError::Store(StoreError::NotFound))
        ));
    }

    #[test]
    fn secrets_are_taken_out_of_details_at_any_depth() {
        let v = json!({
            "attempt": 2, "pin": "1", "otp_hash": "x", "nid": "y", "new_pin_hash": "z",
            "inner": { "token": "t", "reason": "ok" }, "list": [{ "code": 1, "step": "otp" }],
            "spinner": "kept",
        });
        assert_eq!(
            without_secrets(v),
            json!({ "attempt": 2, "inner": { "reason": "ok" }, "list": [{ "step": "otp" }], "spinner": "kept" })
        );
    }

    #[tokio::test]
    async fn only_supervisors_unlock_and_only_with_a_reason() {
        let t = TestApp::bare().await;
        let app = &t.app;
        let m = with_account(&t, "01711000008", PIN).await;
        for _ in 0..3 {
            app.verify_pin(&m, &pin(WRONG)).await.unwrap();
        }
        assert!(matches!(
            app.unlock_wallet(&m, "customer asked", agent()).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.unlock_wallet(
                &m,
                "customer asked",
                Caller::staff(UserId(9), Role::Auditor)
            )
            .await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.unlock_wallet(&m, "customer asked", Caller::customer())
                .await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.unlock_wallet(&m, "  \n ", supervisor()).await,
            Err(AppError::Input(seba_core::case::InputError::Missing {
                field: "reason"
            }))
        ));
        assert!(matches!(
            app.unlock_wallet(&number("01911000008"), "x", supervisor())
                .await,
            Err(AppError::Store(StoreError::NotFound))
        ));
        // Refused attempts changed nothing.
        assert!(matches!(
            app.verify_pin(&m, &pin(PIN)).await.unwrap(),
            PinOutcome::Locked { .. }
        ));
        app.unlock_wallet(&m, "NID and date of birth checked by phone", supervisor())
            .await
            .unwrap();
        let a = app
            .store
            .wallet_account(m.as_e164())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((a.failed_pins, a.locked_until), (0, None));
        assert_eq!(
            app.verify_pin(&m, &pin(PIN)).await.unwrap(),
            PinOutcome::Right
        );
        let events = app.store.audit_events(&wallet_subject(&m)).await.unwrap();
        let unlock = events
            .iter()
            .find(|e| e.action == "wallet.unlocked")
            .unwrap();
        assert_eq!(unlock.actor, "user:2");
        let after: Value = serde_json::from_str(&unlock.after).unwrap();
        assert_eq!(after["reason"], "NID and date of birth checked by phone");
        assert_eq!(after["was_locked"], true);
        let before: Value = serde_json::from_str(&unlock.before).unwrap();
        assert_eq!(before["failed_pins"], 3);
        let sms = sms_to(&t, &m).await;
        assert_eq!(sms.len(), 2, "the lock and the unlock");
        assert!(sms[1].contains("unlocked your account") && sms[1].contains("লক খুলে"));
    }

    #[tokio::test]
    async fn demo_wallets_load_once_with_transactions_and_one_locked() {
        let t = TestApp::bare().await;
        let app = &t.app;
        let loaded = app.load_demo_wallets().await.unwrap();
        assert_eq!(loaded.len(), 12);
        assert!(app.load_demo_wallets().await.unwrap().is_empty(), "once");
        let mut nids = std::collections::BTreeSet::new();
        for w in DEMO_WALLETS {
            let m = number(w.msisdn);
            let dob: Date = w.date_of_birth.parse().unwrap();
            assert_eq!(pin(w.pin).rules(dob), Ok(()), "{}", w.msisdn);
            assert_ne!(w.pin, DEMO_WRONG_PIN);
            assert!(nids.insert(w.nid));
            let a = app
                .store
                .wallet_account(m.as_e164())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(a.nid_hash, app.nid_hash(&Nid::parse(w.nid).unwrap()));
            assert_eq!(a.date_of_birth, dob);
            let txs = app
                .store
                .recent_wallet_transactions(m.as_e164(), 20)
                .await
                .unwrap();
            assert_eq!(txs.len(), 8);
            assert!(txs.windows(2).all(|p| p[0].at >= p[1].at), "newest first");
            let kinds: std::collections::BTreeSet<_> = txs.iter().map(|t| &t.kind).collect();
            assert!(kinds.len() >= 4, "{kinds:?}");
            let pairs: std::collections::BTreeSet<_> =
                txs.iter().map(|t| (&t.kind, t.amount_poisha)).collect();
            assert_eq!(pairs.len(), 8, "each choice tells apart");
            let outcome = app.verify_pin(&m, &pin(w.pin)).await.unwrap();
            if w.locked {
                let PinOutcome::Locked { until } = outcome else {
                    panic!("{} should be locked", w.msisdn)
                };
                assert!(until > app.now() + SignedDuration::from_hours(23));
                let o = app.wallet_overview(&m, agent()).await.unwrap();
                assert_eq!(o.lock_count, 3);
                assert_eq!(
                    o.history
                        .iter()
                        .filter(|e| e.action == "pin.locked")
                        .count(),
                    3
                );
            } else {
                assert_eq!(outcome, PinOutcome::Right, "{}", w.msisdn);
            }
        }
        assert_eq!(DEMO_WALLETS.iter().filter(|w| w.locked).count(), 1);
    }
}
