//! Tunables of the application, and a short-lived cache of what admins keep in the store
//! (taxonomy, SLA policies, holidays).
//!
//! The cache is derived state: it is reloaded from the store when older than
//! [`CACHE_TTL`] or when this node changed it, so several nodes agree within that time.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jiff::SignedDuration;
use jiff::civil::Weekday;
use serde::{Deserialize, Serialize};

use seba_core::calendar::BusinessCalendar;
use seba_core::case::Priority;
use seba_core::lifecycle::LifecyclePolicy;
use seba_core::sla::SlaTargets;
use seba_store::{Category, Queue, SlaPolicy};

use crate::{App, AppError};

pub const CACHE_TTL: Duration = Duration::from_secs(30);

/// What an operator may tune; read from the config file and `SEBA_*` variables.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppSettings {
    /// Organisation name used in customer messages.
    pub org_name: String,
    pub time_zone: String,
    /// Weekend days by English name (`friday`, `saturday`).
    pub weekend: Vec<String>,
    /// Working hours, e.g. "09:00" and "17:00" ("24:00" for until midnight).
    pub business_hours_start: String,
    pub business_hours_end: String,
    /// Days after resolution during which a case may be reopened.
    pub reopen_window_days: i64,
    pub max_attachment_bytes: usize,
    pub attachment_types: Vec<String>,
    /// Failed logins before an account is locked, and for how long.
    pub login_lock_after: u32,
    pub login_lock_minutes: i64,
    pub session_hours: i64,
    /// One-time codes for customers tracking a case.
    pub otp_minutes: i64,
    pub otp_attempts: i32,
    pub otp_per_hour: i64,
    /// Minutes a customer's tracking view stays open after the code is accepted.
    pub tracking_minutes: i64,
    /// Acknowledgement SMS; `{number}` and `{days}` are filled in.
    pub ack_sms_bn: String,
    pub ack_sms_en: String,
    /// Server-side secret mixed into password hashes, token hashes and one-time codes.
    /// Every node of one deployment needs the same value.
    pub pepper: Secret,
    /// Wallet PIN lockout and self-service reset limits. Not read from the `app` table: the
    /// binary's `[wallet]` section sets the few an operator may tune.
    #[serde(skip)]
    pub wallet: crate::wallet::WalletSettings,
    /// The USSD channel: the binary's `[ussd]` section.
    #[serde(skip)]
    pub ussd: crate::ussd::UssdSettings,
    /// The e-commerce complaint cell's deadlines: the binary's `[claims]` section.
    #[serde(skip)]
    pub claims: crate::claims::ClaimSettings,
}

/// A secret setting: readable by the code, never printed (Debug and Serialize redact it).
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "<unset>"
        } else {
            "<redacted>"
        })
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.0.is_empty() {
            "<unset>"
        } else {
            "<redacted>"
        })
    }
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            org_name: "seba".into(),
            time_zone: "Asia/Dhaka".into(),
            weekend: vec!["friday".into(), "saturday".into()],
            business_hours_start: "09:00".into(),
            business_hours_end: "17:00".into(),
            reopen_window_days: 7,
            max_attachment_bytes: 5 * 1024 * 1024,
            attachment_types: vec![
                "image/jpeg".into(),
                "image/png".into(),
                "image/webp".into(),
                "application/pdf".into(),
                "text/plain".into(),
            ],
            login_lock_after: 5,
            login_lock_minutes: 15,
            session_hours: 12,
            otp_minutes: 5,
            otp_attempts: 5,
            otp_per_hour: 5,
            tracking_minutes: 30,
            ack_sms_bn: "আপনার অভিযোগ গ্রহণ করা হয়েছে। কেস নম্বর {number}। {days} কার্যদিবসের মধ্যে সমাধানের চেষ্টা করা হবে।".into(),
            ack_sms_en: "Your complaint is received. Case {number}. We aim to resolve it within {days} working days.".into(),
            pepper: Secret::default(),
            wallet: crate::wallet::WalletSettings::default(),
            ussd: crate::ussd::UssdSettings::default(),
            claims: crate::claims::ClaimSettings::default(),
        }
    }
}

fn minutes_of(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 1440).then_some(h * 60 + m)
}

fn weekday(name: &str) -> Result<Weekday, String> {
    Ok(match name.trim().to_ascii_lowercase().as_str() {
        "monday" | "mon" => Weekday::Monday,
        "tuesday" | "tue" => Weekday::Tuesday,
        "wednesday" | "wed" => Weekday::Wednesday,
        "thursday" | "thu" => Weekday::Thursday,
        "friday" | "fri" => Weekday::Friday,
        "saturday" | "sat" => Weekday::Saturday,
        "sunday" | "sun" => Weekday::Sunday,
        other => return Err(format!("weekend day `{other}` is not a weekday name")),
    })
}

impl AppSettings {
    /// Check the settings once at start-up, so a typo stops the server with a clear message.
    pub fn validate(&self) -> Result<(), String> {
        self.base_calendar().map(|_| ())?;
        if self.pepper.expose().len() < 16 {
            return Err("pepper must be set to at least 16 characters".into());
        }
        if self.reopen_window_days < 0 || self.login_lock_after == 0 || self.otp_attempts <= 0 {
            return Err(
                "reopen_window_days must be ≥ 0, login_lock_after and otp_attempts ≥ 1".into(),
            );
        }
        Ok(())
    }

    pub fn base_calendar(&self) -> Result<BusinessCalendar, String> {
        let start = minutes_of(&self.business_hours_start).ok_or_else(|| {
            format!(
                "business_hours_start `{}` is not HH:MM",
                self.business_hours_start
            )
        })?;
        let end = minutes_of(&self.business_hours_end).ok_or_else(|| {
            format!(
                "business_hours_end `{}` is not HH:MM",
                self.business_hours_end
            )
        })?;
        let weekend = self
            .weekend
            .iter()
            .map(|d| weekday(d))
            .collect::<Result<Vec<_>, _>>()?;
        BusinessCalendar::new(&self.time_zone, &weekend, start, end, []).map_err(|e| e.to_string())
    }

    pub fn lifecycle(&self) -> LifecyclePolicy {
        LifecyclePolicy {
            reopen_window: SignedDuration::from_hours(self.reopen_window_days * 24),
        }
    }
}

/// The store-kept settings, as one consistent snapshot.
#[derive(Debug)]
pub struct Snapshot {
    pub calendar: BusinessCalendar,
    pub categories: HashMap<String, Category>,
    pub queues: HashMap<String, Queue>,
    pub policies: Vec<SlaPolicy>,
}

impl Snapshot {
    /// The SLA targets for a case: the most specific policy wins (category over its parent
    /// over any; a priority match breaks ties); the defaults if none matches.
    pub fn targets(&self, category: &str, priority: Priority) -> SlaTargets {
        let parent = category.split('.').next().unwrap_or(category);
        let best = self
            .policies
            .iter()
            .filter_map(|p| {
                let cat_score = match p.category.as_deref() {
                    None => 0,
                    Some(c) if c == category => 2,
                    Some(c) if c == parent => 1,
                    Some(_) => return None,
                };
                let pri_score = match p.priority {
                    None => 0,
                    Some(pr) if pr == priority => 1,
                    Some(_) => return None,
                };
                Some((cat_score * 2 + pri_score, p))
            })
            .max_by_key(|(score, _)| *score);
        match best {
            Some((_, p)) => SlaTargets {
                ack: SignedDuration::from_mins(p.ack_minutes),
                first_response: SignedDuration::from_mins(p.first_response_minutes),
                resolution: SignedDuration::from_mins(p.resolution_minutes),
                max_calendar_days: p.max_calendar_days,
                at_risk_percent: u8::try_from(p.at_risk_percent.clamp(0, 100)).unwrap_or(20),
            },
            None => SlaTargets::default(),
        }
    }
}

#[derive(Default)]
pub(crate) struct Cache(RwLock<Option<(Instant, Arc<Snapshot>)>>);

impl App {
    /// The current settings snapshot (reloaded when stale).
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>, AppError> {
        if let Some((at, snap)) = self
            .cache
            .0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            && at.elapsed() < CACHE_TTL
        {
            return Ok(snap.clone());
        }
        let holidays = self.store.holidays().await?;
        let calendar = self
            .settings
            .base_calendar()
            .map_err(AppError::Config)?
            .with_holidays(holidays.into_iter().map(|h| h.date));
        let snap = Arc::new(Snapshot {
            calendar,
            categories: self
                .store
                .categories()
                .await?
                .into_iter()
                .map(|c| (c.code.clone(), c))
                .collect(),
            queues: self
                .store
                .queues()
                .await?
                .into_iter()
                .map(|q| (q.code.clone(), q))
                .collect(),
            policies: self.store.sla_policies().await?,
        });
        *self.cache.0.write().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), snap.clone()));
        Ok(snap)
    }

    /// Forget the snapshot after this node changed a setting.
    pub fn invalidate_settings(&self) {
        *self.cache.0.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Put the default taxonomy, queues and SLA policy into an empty store, and the default
    /// help content into a store that never had it. Idempotent.
    pub async fn bootstrap(&self) -> Result<(), AppError> {
        if self.store.categories().await?.is_empty() {
            for q in seba_core::taxonomy::QUEUES {
                self.store
                    .upsert_queue(Queue {
                        code: q.code.into(),
                        name_bn: q.name_bn.into(),
                        name_en: q.name_en.into(),
                    })
                    .await?;
            }
            for c in seba_core::taxonomy::CATEGORIES {
                self.store
                    .upsert_category(Category {
                        code: c.code.into(),
                        parent: c.parent.map(Into::into),
                        name_bn: c.name_bn.into(),
                        name_en: c.name_en.into(),
                        queue: c.queue.into(),
                    })
                    .await?;
            }
        }
        if self.store.sla_policies().await?.is_empty() {
            let d = SlaTargets::default();
            self.store
                .upsert_sla_policy(SlaPolicy {
                    id: "default".into(),
                    category: None,
                    priority: None,
                    ack_minutes: d.ack.as_mins(),
                    first_response_minutes: d.first_response.as_mins(),
                    resolution_minutes: d.resolution.as_mins(),
                    max_calendar_days: d.max_calendar_days,
                    at_risk_percent: i64::from(d.at_risk_percent),
                })
                .await?;
            // Fraud is urgent: money can still be stopped.
            self.store
                .upsert_sla_policy(SlaPolicy {
                    id: "fraud".into(),
                    category: Some("mfs.fraud_call".into()),
                    priority: None,
                    ack_minutes: 15,
                    first_response_minutes: 60,
                    resolution_minutes: 3 * 8 * 60,
                    max_calendar_days: 45,
                    at_risk_percent: 25,
                })
                .await?;
        }
        self.invalidate_settings();
        self.seed_help().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(id: &str, category: Option<&str>, priority: Option<Priority>, res: i64) -> SlaPolicy {
        SlaPolicy {
            id: id.into(),
            category: category.map(Into::into),
            priority,
            ack_minutes: 60,
            first_response_minutes: 480,
            resolution_minutes: res,
            max_calendar_days: 45,
            at_risk_percent: 20,
        }
    }

    #[test]
    fn the_most_specific_policy_wins() {
        let snap = Snapshot {
            calendar: BusinessCalendar::bangladesh(),
            categories: HashMap::new(),
            queues: HashMap::new(),
            policies: vec![
                policy("any", None, None, 1),
                policy("mfs", Some("mfs"), None, 2),
                policy("wrong", Some("mfs.wrong_transfer"), None, 3),
                policy(
                    "wrong-urgent",
                    Some("mfs.wrong_transfer"),
                    Some(Priority::Urgent),
                    4,
                ),
                policy("urgent", None, Some(Priority::Urgent), 5),
            ],
        };
        let m = |c: &str, p| snap.targets(c, p).resolution.as_mins();
        assert_eq!(m("ecommerce.refund", Priority::Normal), 1);
        assert_eq!(m("ecommerce.refund", Priority::Urgent), 5);
        assert_eq!(m("mfs.cash_out", Priority::Normal), 2);
        assert_eq!(m("mfs.wrong_transfer", Priority::Normal), 3);
        assert_eq!(m("mfs.wrong_transfer", Priority::Urgent), 4);
    }

    #[test]
    fn secrets_never_print() {
        let s = AppSettings {
            pepper: Secret::new("super-secret-pepper"),
            ..AppSettings::default()
        };
        assert!(!format!("{s:?}").contains("super-secret"));
        assert!(!serde_json::to_string(&s).unwrap().contains("super-secret"));
    }

    #[test]
    fn settings_are_checked() {
        let ok = AppSettings {
            pepper: Secret::new("0123456789abcdef"),
            ..AppSettings::default()
        };
        assert!(ok.validate().is_ok());
        assert!(
            AppSettings::default()
                .validate()
                .unwrap_err()
                .contains("pepper")
        );
        let bad = AppSettings {
            business_hours_start: "9am".into(),
            ..ok.clone()
        };
        assert!(bad.validate().unwrap_err().contains("9am"));
        let all_day = AppSettings {
            business_hours_start: "00:00".into(),
            business_hours_end: "24:00".into(),
            ..ok
        };
        assert!(all_day.validate().is_ok());
    }
}
