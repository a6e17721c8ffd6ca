//! The two-step self PIN reset: a customer who forgot the PIN, or is locked out, proves who
//! they are (NID, date of birth, one of their recent transactions from four shown), then
//! that they hold the phone (a temporary PIN sent by SMS to the registered number), and
//! sets a new PIN.
//!
//! Everything lives in the store — the session under a peppered hash of its opaque token,
//! the per-number daily limits — so any node continues any session, and every write is
//! versioned: of two requests racing on one session, one commits and the other is re-run
//! against what the winner left (a replayed confirm then finds the session `done`).
//!
//! Enumeration: a number without an account gets the same answer as one with an account —
//! four choices and a token — after the same store reads and the same commit, and its
//! identity step fails exactly like a wrong answer. The four choices are derived from a
//! keyed hash (HMAC with the pepper) of the number, and for an account of its recent
//! transactions too, not drawn afresh: if they changed from one start to the next for an
//! account and not for an unknown number, two starts would tell them apart, and the one
//! choice that stayed would be the answer.
//!
//! Nothing secret is written to the audit trail or the outbox, except the temporary PIN in
//! the body of the SMS that carries it.

use std::future::Future;

use hmac::{Hmac, Mac};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use seba_core::audit::EventDraft;
use seba_core::bilingual::{Bilingual, Explain};
use seba_core::case::Actor;
use seba_core::contact::Msisdn;
use seba_core::text::bengali_digits;
use seba_core::wallet::{Nid, Pin, PinRule};
use seba_store::{
    CaseWrite, Commit, OutboxDraft, ResetGuardRecord, ResetSessionRecord, SideWrite, StoreError,
    WalletAccountRecord, WalletTransactionRecord,
};

use crate::accounts::secret_eq;
use crate::{App, AppError};

/// A session's steps, as stored.
mod step {
    pub const IDENTITY: &str = "identity";
    pub const OTP: &str = "otp";
    pub const DONE: &str = "done";
    pub const FAILED: &str = "failed";
    pub const EXPIRED: &str = "expired";
}

/// 256 bits: the token cannot be guessed, so a fast peppered hash is enough to store it.
const TOKEN_BYTES: usize = 32;
/// The real choice comes from the newest transactions …
const RECENT_ASKED: usize = 5;
/// … and no made-up choice may look like any of these.
const RECENT_READ: u32 = 20;
const CHOICES: usize = 4;
/// How often a request that lost a race is re-run against the winner's state.
const RETRIES: usize = 8;
const HOTLINE: &str = "16247";
/// The kinds a question may ask about: ones the customer does, not ones done to them (a
/// stranger can send money to a number, or cash in to it, and then know the answer).
/// Made-up choices use the same kinds, so no kind gives a choice away.
const ASKED_KINDS: [&str; 4] = ["send_money", "cash_out", "payment", "recharge"];

/// What a reset step can fail with. Every answer a customer sees is bilingual
/// ([`Explain`]); none of them says which identity answer was wrong, or whether the number
/// has an account.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    /// Too many failed resets for this number today.
    #[error("self reset is blocked for this number until {until}")]
    Blocked { until: Timestamp },
    /// Too many resets started today, or too many temporary PINs sent for this session.
    #[error("too many reset requests")]
    TooMany,
    /// The token is unknown, the session has run out of time or of attempts.
    #[error("the reset session is unknown, used up or expired")]
    Expired,
    /// The session is live but at another step (or already done).
    #[error("this step of the reset is not the next one")]
    OutOfOrder,
    #[error("the identity answers could not be verified")]
    NotVerified,
    #[error("wrong temporary PIN ({attempts_left} attempts left)")]
    WrongTemporaryPin { attempts_left: i32 },
    #[error("the temporary PIN has expired")]
    TemporaryPinExpired,
    #[error("the two new PINs differ")]
    Mismatch,
    /// Refused by the PIN rules, or ([`PinRule::Recent`]) the current PIN or one of the
    /// last ones.
    #[error("weak PIN: {0}")]
    WeakPin(PinRule),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for ResetError {
    fn from(e: StoreError) -> Self {
        ResetError::App(AppError::Store(e))
    }
}

impl ResetError {
    /// Lost a race with another request on the same records: worth re-running.
    fn is_race(&self) -> bool {
        matches!(
            self,
            ResetError::App(AppError::Store(
                StoreError::Conflict { .. } | StoreError::Duplicate(_)
            ))
        )
    }
}

impl Explain for ResetError {
    fn explain(&self) -> Bilingual {
        use ResetError::*;
        match self {
            Blocked { until } => {
                let at = until.to_zoned(dhaka());
                let hm = at.strftime("%H:%M").to_string();
                Bilingual::new(
                    format!(
                        "অনেকবার ব্যর্থ চেষ্টার কারণে এই নম্বরে পিন রিসেট {} পর্যন্ত বন্ধ। জরুরি হলে {} নম্বরে কল করুন।",
                        bengali_digits(&format!("{hm}, {}", at.strftime("%d/%m/%Y"))),
                        bengali_digits(HOTLINE)
                    ),
                    format!(
                        "Too many failed attempts: PIN reset for this number is blocked until {hm}, {} (Dhaka time). If it is urgent, call {HOTLINE}.",
                        at.strftime("%-d %B %Y")
                    ),
                )
            }
            TooMany => Bilingual::new(
                "আজ অনেকবার চেষ্টা করা হয়েছে; পরে আবার চেষ্টা করুন।",
                "Too many requests today; please try again later.",
            ),
            Expired => Bilingual::new(
                "এই পিন রিসেটের মেয়াদ শেষ; আবার শুরু করুন।",
                "This PIN reset has ended or expired; please start again.",
            ),
            OutOfOrder => Bilingual::new(
                "এই ধাপটি এখন নয়; পিন রিসেটের আগের ধাপটি শেষ করুন বা আবার শুরু করুন।",
                "This step is not the next one; finish the previous step or start again.",
            ),
            NotVerified => Bilingual::new(
                "দেওয়া তথ্য মেলেনি; আবার চেষ্টা করুন।",
                "The details you gave could not be verified; please try again.",
            ),
            WrongTemporaryPin { attempts_left } => Bilingual::new(
                format!(
                    "অস্থায়ী পিনটি ভুল; আর {} বার চেষ্টা করা যাবে।",
                    bengali_digits(&attempts_left.to_string())
                ),
                format!("Wrong temporary PIN; {attempts_left} attempts left."),
            ),
            TemporaryPinExpired => Bilingual::new(
                "অস্থায়ী পিনের মেয়াদ শেষ; নতুন একটি পাঠাতে বলুন।",
                "The temporary PIN has expired; ask for a new one.",
            ),
            Mismatch => Bilingual::new(
                "দুইবার দেওয়া নতুন পিন মেলেনি।",
                "The two new PINs you typed are not the same.",
            ),
            WeakPin(e) => e.explain(),
            App(e) => e.explain(),
        }
    }
}

fn dhaka() -> TimeZone {
    seba_core::clock::dhaka()
}

/// One of the four transactions shown in step 1. The UI renders it in either language
/// ([`Choice::label`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// `send_money`, `cash_out`, `payment`, `recharge`.
    pub kind: String,
    pub amount_poisha: i64,
}

impl Choice {
    fn of(tx: &WalletTransactionRecord) -> Self {
        Choice {
            kind: tx.kind.clone(),
            amount_poisha: tx.amount_poisha,
        }
    }

    fn is(&self, tx: &WalletTransactionRecord) -> bool {
        self.kind == tx.kind && self.amount_poisha == tx.amount_poisha
    }

    /// "ক্যাশ আউট ৳২,০০০" / "Cash out ৳2,000".
    pub fn label(&self) -> Bilingual {
        let (bn, en) = match self.kind.as_str() {
            "send_money" => ("সেন্ড মানি", "Send money"),
            "cash_out" => ("ক্যাশ আউট", "Cash out"),
            "cash_in" => ("ক্যাশ ইন", "Cash in"),
            "payment" => ("পেমেন্ট", "Payment"),
            "recharge" => ("মোবাইল রিচার্জ", "Mobile recharge"),
            other => (other, other),
        };
        let amount = seba_core::text::taka(self.amount_poisha);
        Bilingual::new(
            format!("{bn} ৳{}", bengali_digits(&amount)),
            format!("{en} ৳{amount}"),
        )
    }

    /// As kept in the session: `cash_out:200000`.
    fn stored(&self) -> String {
        format!("{}:{}", self.kind, self.amount_poisha)
    }

    /// Back from [`Choice::stored`].
    fn from_stored(stored: &str) -> Option<Choice> {
        let (kind, poisha) = stored.rsplit_once(':')?;
        Some(Choice {
            kind: kind.to_string(),
            amount_poisha: poisha.parse().ok()?,
        })
    }
}

/// Where a live reset stands, for a page drawn again (a reload, the back button, the
/// language switch) on any node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetView {
    /// Step 1: the four choices, and until when the reset lasts.
    Identity {
        choices: Vec<Choice>,
        expires_at: Timestamp,
    },
    /// Step 2: where the temporary PIN went, until when it is good, and how many more
    /// times it may be sent.
    TemporaryPin {
        masked_msisdn: String,
        temporary_pin_expires_at: Option<Timestamp>,
        resends_left: i32,
    },
}

/// Step 1's answer: a token for the next requests, the four choices, and until when the
/// session lasts.
#[derive(Clone, Serialize)]
pub struct ResetStart {
    pub token: String,
    pub choices: Vec<Choice>,
    pub expires_at: Timestamp,
}

/// The token is a credential: never in a log line.
impl std::fmt::Debug for ResetStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetStart")
            .field("token", &"…")
            .field("choices", &self.choices)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The identity was accepted (or a new temporary PIN sent): where it went and until when
/// it is good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdentityPassed {
    /// "01712-***678".
    pub masked_msisdn: String,
    pub temporary_pin_expires_at: Timestamp,
    /// How many more times the temporary PIN may be sent again.
    pub resends_left: i32,
}

/// The first two steps answer no sooner than this after they began. A number with a
/// wallet costs a little more work than one without (its account row and transactions are
/// decoded; about 30 µs measured over HTTP by `cargo xtask pin-bench --enumeration`), so
/// both wait out the same floor, far above that difference, and the time taken says
/// nothing about the number.
pub const ANSWER_FLOOR: std::time::Duration = std::time::Duration::from_millis(5);

async fn answer_no_sooner(began: tokio::time::Instant) {
    tokio::time::sleep_until(began + ANSWER_FLOOR).await;
}

/// Today's limits for one number, as read: the record to update, and any block still
/// running (a block placed late yesterday lasts past midnight).
struct GuardView {
    today: ResetGuardRecord,
    expected_version: Option<i64>,
    blocked_until: Option<Timestamp>,
}

impl App {
    /// Step 0: ask to reset the PIN of `msisdn`. Answers alike whether or not the number
    /// has an account.
    pub async fn start_pin_reset(&self, msisdn: &Msisdn) -> Result<ResetStart, ResetError> {
        let began = tokio::time::Instant::now();
        let answer = retrying(|| self.try_start_pin_reset(msisdn)).await;
        answer_no_sooner(began).await;
        answer
    }

    /// Step 1: the NID, the date of birth and which of the choices (0-based) the customer
    /// did. On success a temporary PIN goes by SMS to the registered number.
    pub async fn pin_reset_identity(
        &self,
        token: &str,
        nid: &Nid,
        date_of_birth: Date,
        choice: usize,
    ) -> Result<IdentityPassed, ResetError> {
        let began = tokio::time::Instant::now();
        let answer =
            retrying(|| self.try_pin_reset_identity(token, nid, date_of_birth, choice)).await;
        answer_no_sooner(began).await;
        answer
    }

    /// Send a new temporary PIN; the previous one stops working.
    pub async fn pin_reset_resend(&self, token: &str) -> Result<IdentityPassed, ResetError> {
        retrying(|| self.try_pin_reset_resend(token)).await
    }

    /// Step 2: the temporary PIN and the new PIN, twice. On success the PIN is replaced,
    /// the account unlocked and the customer told by SMS.
    pub async fn pin_reset_confirm(
        &self,
        token: &str,
        temporary: &Pin,
        new_pin: &Pin,
        again: &Pin,
    ) -> Result<(), ResetError> {
        retrying(|| self.try_pin_reset_confirm(token, temporary, new_pin, again)).await
    }

    async fn try_start_pin_reset(&self, msisdn: &Msisdn) -> Result<ResetStart, ResetError> {
        let now = self.now();
        let wallet = &self.settings.wallet;
        let number = msisdn.as_e164();
        let guard = self.reset_guard_view(number, now).await?;
        if let Some(until) = guard.blocked_until {
            return Err(ResetError::Blocked { until });
        }
        if guard.today.started >= wallet.resets_per_day {
            return Err(ResetError::TooMany);
        }
        // Both reads happen for every number, so that the time taken says nothing.
        let account = self.active_account(number).await?;
        let recent = self
            .store
            .recent_wallet_transactions(number, RECENT_READ)
            .await?;
        let (choices, right_choice) = self.reset_choices(number, account.is_some(), &recent);

        let token = self.random.token(TOKEN_BYTES);
        let token_hash = self.reset_token_hash(&token);
        let expires_at = now + SignedDuration::from_mins(wallet.reset_session_minutes);
        let session = ResetSessionRecord {
            token_hash: token_hash.clone(),
            msisdn: number.to_string(),
            step: step::IDENTITY.into(),
            created_at: now,
            expires_at,
            choices: choices.iter().map(Choice::stored).collect(),
            right_choice,
            identity_failures: 0,
            otp_hash: None,
            otp_expires_at: None,
            otp_sends: 0,
            otp_failures: 0,
            version: 1,
        };
        let mut today = guard.today;
        today.started += 1;
        today.version += 1;
        let event = reset_event(
            number,
            now,
            "reset.started",
            json!({
                "session": session_ref(&token_hash),
                "expires_at": expires_at,
                "started_today": today.started,
            }),
        );
        self.store
            .commit_with(
                audited(event, vec![]),
                vec![
                    SideWrite::ResetGuard {
                        guard: today,
                        expected_version: guard.expected_version,
                    },
                    SideWrite::ResetSession {
                        session,
                        expected_version: None,
                    },
                ],
            )
            .await?;
        Ok(ResetStart {
            token,
            choices,
            expires_at,
        })
    }

    async fn try_pin_reset_identity(
        &self,
        token: &str,
        nid: &Nid,
        date_of_birth: Date,
        choice: usize,
    ) -> Result<IdentityPassed, ResetError> {
        let now = self.now();
        let wallet = &self.settings.wallet;
        let token_hash = self.reset_token_hash(token);
        let session = self.live_session(&token_hash, now, step::IDENTITY).await?;
        let guard = self.reset_guard_view(&session.msisdn, now).await?;
        if let Some(until) = guard.blocked_until {
            return Err(ResetError::Blocked { until });
        }
        let account = self.active_account(&session.msisdn).await?;

        // All three answers are compared, in constant time, and only then combined: the
        // time taken and the answer say nothing about which one was wrong. A number
        // without an account is compared against values nothing matches.
        let given_nid = self.nid_hash(nid);
        let (stored_nid, stored_dob) = match &account {
            Some(a) => (a.nid_hash.as_str(), a.date_of_birth),
            None => (NO_NID_HASH, Date::MIN),
        };
        let right = given_nid.as_bytes().ct_eq(stored_nid.as_bytes())
            & date_bytes(date_of_birth).ct_eq(&date_bytes(stored_dob))
            & i64::try_from(choice)
                .unwrap_or(-2)
                .ct_eq(&i64::from(session.right_choice))
            & subtle::Choice::from(u8::from(session.right_choice >= 0 && account.is_some()));

        let mut next = session.clone();
        next.version += 1;
        if !bool::from(right) {
            next.identity_failures += 1;
            if next.identity_failures >= wallet.identity_attempts {
                next.step = step::FAILED.into();
            }
            let (guard_write, blocked_until) = self.guard_failure(guard, now);
            let event = reset_event(
                &session.msisdn,
                now,
                "reset.identity_failed",
                json!({
                    "session": session_ref(&token_hash),
                    "failures": next.identity_failures,
                    "step": next.step,
                    "blocked_until": blocked_until,
                }),
            );
            self.store
                .commit_with(
                    audited(event, vec![]),
                    vec![
                        SideWrite::ResetSession {
                            session: next,
                            expected_version: Some(session.version),
                        },
                        guard_write,
                    ],
                )
                .await?;
            return Err(ResetError::NotVerified);
        }

        next.step = step::OTP.into();
        next.otp_sends = 0;
        next.otp_failures = 0;
        self.send_temporary_pin(&session, next, &token_hash, now, "reset.identity_passed")
            .await
    }

    async fn try_pin_reset_resend(&self, token: &str) -> Result<IdentityPassed, ResetError> {
        let now = self.now();
        let wallet = &self.settings.wallet;
        let token_hash = self.reset_token_hash(token);
        let session = self.live_session(&token_hash, now, step::OTP).await?;
        let guard = self.reset_guard_view(&session.msisdn, now).await?;
        if let Some(until) = guard.blocked_until {
            return Err(ResetError::Blocked { until });
        }
        if session.otp_sends >= wallet.otp_sends {
            return Err(ResetError::TooMany);
        }
        let mut next = session.clone();
        next.version += 1;
        self.send_temporary_pin(&session, next, &token_hash, now, "reset.otp_resent")
            .await
    }

    /// A new temporary PIN for the reset: `next` (the session as it is to be stored) gets
    /// its hash, its expiry and one more send; it goes by SMS to the registered number,
    /// audited as `action`, in one commit from `session`'s version.
    async fn send_temporary_pin(
        &self,
        session: &ResetSessionRecord,
        mut next: ResetSessionRecord,
        token_hash: &str,
        now: Timestamp,
        action: &str,
    ) -> Result<IdentityPassed, ResetError> {
        let wallet = &self.settings.wallet;
        let msisdn = registered(&session.msisdn)?;
        let temporary = self.temporary_pin();
        let otp_expires_at = now + SignedDuration::from_mins(wallet.otp_minutes);
        next.otp_sends += 1;
        next.otp_hash = Some(self.temporary_pin_hash(token_hash, &temporary));
        next.otp_expires_at = Some(otp_expires_at);
        let event = reset_event(
            &session.msisdn,
            now,
            action,
            json!({
                "session": session_ref(token_hash),
                "otp_expires_at": otp_expires_at,
                "otp_sends": next.otp_sends,
            }),
        );
        let sms = self.temporary_pin_sms(&msisdn, token_hash, &temporary, next.otp_sends);
        let passed = IdentityPassed {
            masked_msisdn: Msisdn::masked_national(&msisdn),
            temporary_pin_expires_at: otp_expires_at,
            resends_left: (wallet.otp_sends - next.otp_sends).max(0),
        };
        self.store
            .commit_with(
                audited(event, vec![sms]),
                vec![SideWrite::ResetSession {
                    session: next,
                    expected_version: Some(session.version),
                }],
            )
            .await?;
        Ok(passed)
    }

    async fn try_pin_reset_confirm(
        &self,
        token: &str,
        temporary: &Pin,
        new_pin: &Pin,
        again: &Pin,
    ) -> Result<(), ResetError> {
        let now = self.now();
        let wallet = &self.settings.wallet;
        let token_hash = self.reset_token_hash(token);
        let session = self.live_session(&token_hash, now, step::OTP).await?;
        let guard = self.reset_guard_view(&session.msisdn, now).await?;
        if let Some(until) = guard.blocked_until {
            return Err(ResetError::Blocked { until });
        }
        let (Some(otp_hash), Some(otp_expires_at)) = (&session.otp_hash, session.otp_expires_at)
        else {
            return Err(ResetError::Expired);
        };
        if now >= otp_expires_at {
            return Err(ResetError::TemporaryPinExpired);
        }
        // Only a session whose identity step passed gets here, so there is an account.
        let Some(account) = self.active_account(&session.msisdn).await? else {
            return Err(ResetError::Expired);
        };
        // The customer's own typing is checked before the temporary PIN, so that a slip
        // in the new PIN does not use up an attempt.
        if new_pin.expose() != again.expose() {
            return Err(ResetError::Mismatch);
        }
        new_pin
            .rules(account.date_of_birth)
            .map_err(ResetError::WeakPin)?;

        if !secret_eq(
            &self.temporary_pin_hash(&token_hash, temporary.expose()),
            otp_hash,
        ) {
            let mut next = session.clone();
            next.version += 1;
            next.otp_failures += 1;
            let attempts_left = (wallet.otp_attempts - next.otp_failures).max(0);
            let mut side = Vec::with_capacity(2);
            let mut blocked_until = None;
            if attempts_left == 0 {
                next.step = step::FAILED.into();
                next.otp_hash = None;
                let (guard_write, until) = self.guard_failure(guard, now);
                side.push(guard_write);
                blocked_until = until;
            }
            let event = reset_event(
                &session.msisdn,
                now,
                "reset.otp_failed",
                json!({
                    "session": session_ref(&token_hash),
                    "failures": next.otp_failures,
                    "step": next.step,
                    "blocked_until": blocked_until,
                }),
            );
            side.insert(
                0,
                SideWrite::ResetSession {
                    session: next,
                    expected_version: Some(session.version),
                },
            );
            self.store.commit_with(audited(event, vec![]), side).await?;
            return Err(ResetError::WrongTemporaryPin { attempts_left });
        }

        // Argon2 — the current PIN, the last ones, the new hash — only after the temporary
        // PIN proved the phone, so nobody can make us spend it for free; and on a blocking
        // thread, so that some 60 ms of hashing do not stall the async workers.
        let (app, new) = (self.clone(), new_pin.clone());
        let known = std::iter::once(account.pin_hash.clone())
            .chain(account.pin_history.iter().cloned())
            .collect::<Vec<_>>();
        let pin_hash = tokio::task::spawn_blocking(move || {
            // Every hash is checked: which one matched is nobody's business.
            let reused = known
                .iter()
                .fold(false, |seen, hash| app.pin_matches(hash, &new) | seen);
            if reused {
                return Err(ResetError::WeakPin(PinRule::Recent));
            }
            Ok(app.hash_pin(&new)?)
        })
        .await
        .map_err(|e| AppError::Config(format!("hashing the new PIN: {e}")))??;

        let msisdn = registered(&session.msisdn)?;
        let mut next = session.clone();
        next.version += 1;
        next.step = step::DONE.into();
        next.otp_hash = None;
        let event = reset_event(
            &session.msisdn,
            now,
            "reset.completed",
            json!({
                "session": session_ref(&token_hash),
                "account_version": account.version + 1,
                "was_locked": account.locked_until.is_some_and(|t| t > now),
            }),
        );
        let sms = self.pin_changed_sms(&msisdn, &token_hash);
        self.store
            .commit_with(
                audited(event, vec![sms]),
                vec![
                    SideWrite::WalletPin {
                        msisdn: account.msisdn.clone(),
                        pin_hash,
                        expected_version: account.version,
                        at: now,
                    },
                    SideWrite::ResetSession {
                        session: next,
                        expected_version: Some(session.version),
                    },
                ],
            )
            .await?;
        Ok(())
    }

    /// The session a token names, if it is live and at `expected`. A token the store does
    /// not know is `Expired`, like a real one that ran out, so tokens cannot be probed.
    async fn live_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        expected: &str,
    ) -> Result<ResetSessionRecord, ResetError> {
        let Some(session) = self.store.reset_session(token_hash).await? else {
            return Err(ResetError::Expired);
        };
        if now >= session.expires_at || [step::FAILED, step::EXPIRED].contains(&&*session.step) {
            return Err(ResetError::Expired);
        }
        if session.step != expected {
            return Err(ResetError::OutOfOrder);
        }
        Ok(session)
    }

    async fn active_account(
        &self,
        msisdn: &str,
    ) -> Result<Option<WalletAccountRecord>, ResetError> {
        // A suspended or closed account is not reset by its holder alone: treated like no
        // account at all.
        Ok(self
            .store
            .wallet_account(msisdn)
            .await?
            .filter(|a| a.status == "active"))
    }

    /// Today's guard (Dhaka date) and any block still running — today's, or one placed
    /// on an earlier day that has not ended yet.
    async fn reset_guard_view(
        &self,
        msisdn: &str,
        now: Timestamp,
    ) -> Result<GuardView, ResetError> {
        let tz = TimeZone::get(&self.settings.time_zone)
            .map_err(|e| AppError::Config(format!("time_zone: {e}")))?;
        let day = now.to_zoned(tz).date();
        let stored = self.store.reset_guard(msisdn, day).await?;
        let mut blocked_until = stored.as_ref().and_then(|g| g.blocked_until);
        const DAY_MINUTES: i64 = 24 * 60;
        let days_back =
            ((self.settings.wallet.reset_block_minutes + DAY_MINUTES - 1) / DAY_MINUTES).max(1);
        for back in 1..=days_back {
            let Ok(earlier) = day.checked_sub(jiff::Span::new().days(back)) else {
                break;
            };
            if let Some(g) = self.store.reset_guard(msisdn, earlier).await? {
                blocked_until = blocked_until.max(g.blocked_until);
            }
        }
        let expected_version = stored.as_ref().map(|g| g.version);
        Ok(GuardView {
            today: stored.unwrap_or(ResetGuardRecord {
                msisdn: msisdn.to_string(),
                day,
                started: 0,
                failures: 0,
                blocked_until: None,
                version: 0,
            }),
            expected_version,
            blocked_until: blocked_until.filter(|until| *until > now),
        })
    }

    /// Count one failed reset for today; at `reset_block_after` the number is blocked.
    fn guard_failure(&self, guard: GuardView, now: Timestamp) -> (SideWrite, Option<Timestamp>) {
        let wallet = &self.settings.wallet;
        let mut today = guard.today;
        today.failures += 1;
        today.version += 1;
        if today.failures >= wallet.reset_block_after {
            today.blocked_until = Some(now + SignedDuration::from_mins(wallet.reset_block_minutes));
        }
        let blocked_until = today.blocked_until;
        (
            SideWrite::ResetGuard {
                guard: today,
                expected_version: guard.expected_version,
            },
            blocked_until,
        )
    }

    /// The four choices and the right one's index (-1 when there is no right one).
    fn reset_choices(
        &self,
        msisdn: &str,
        has_account: bool,
        recent: &[WalletTransactionRecord],
    ) -> (Vec<Choice>, i32) {
        let asked = |txs: &[WalletTransactionRecord]| -> Vec<WalletTransactionRecord> {
            txs.iter()
                // Made-up choices are whole taka, so a real one in poisha would stand out.
                .filter(|t| {
                    ASKED_KINDS.contains(&t.kind.as_str())
                        && t.amount_poisha > 0
                        && t.amount_poisha % 100 == 0
                })
                .cloned()
                .collect()
        };
        let (newest, _) = recent.split_at(recent.len().min(RECENT_ASKED));
        let candidates = if !has_account {
            vec![]
        } else {
            let newest = asked(newest);
            // Nothing to ask about among the newest: look a little further back.
            if newest.is_empty() {
                asked(recent)
            } else {
                newest
            }
        };
        // Keyed by the number, and for an account by the transactions the question is
        // drawn from: the same list every time until the account is used again.
        let mut parts: Vec<&[u8]> = vec![b"seba.pin-reset.choices.v1", msisdn.as_bytes()];
        parts.extend(candidates.iter().map(|t| t.id.as_bytes()));
        let mut stream = KeyedStream::new(hmac_sha256(
            self.settings.pepper.expose().as_bytes(),
            &parts,
        ));

        let real = (!candidates.is_empty())
            .then(|| Choice::of(&candidates[stream.below(candidates.len() as u64) as usize]));
        let mut choices: Vec<Choice> = real.iter().cloned().collect();
        // The space of made-up choices is large, so this ends at once in practice; the
        // bound only keeps a pathological history from spinning.
        for _ in 0..1000 {
            if choices.len() == CHOICES {
                break;
            }
            let d = decoy(&mut stream);
            if !choices.contains(&d) && !recent.iter().any(|t| d.is(t)) {
                choices.push(d);
            }
        }
        for i in (1..choices.len()).rev() {
            choices.swap(i, stream.below(i as u64 + 1) as usize);
        }
        let right = real
            .and_then(|r| choices.iter().position(|c| *c == r))
            .map_or(-1, |i| i as i32);
        (choices, right)
    }

    /// Where the reset `token` names stands; `None` if the token is unknown, or the reset
    /// has expired, failed or finished. Reads only; counts nothing.
    pub async fn pin_reset_view(&self, token: &str) -> Result<Option<ResetView>, AppError> {
        let Some(session) = self
            .store
            .reset_session(&self.reset_token_hash(token))
            .await?
        else {
            return Ok(None);
        };
        if self.now() >= session.expires_at {
            return Ok(None);
        }
        Ok(match session.step.as_str() {
            "identity" => Some(ResetView::Identity {
                choices: session
                    .choices
                    .iter()
                    .filter_map(|c| Choice::from_stored(c))
                    .collect(),
                expires_at: session.expires_at,
            }),
            "otp" => Some(ResetView::TemporaryPin {
                masked_msisdn: Msisdn::parse(&session.msisdn)
                    .map(|m| Msisdn::masked_national(&m))
                    .unwrap_or_default(),
                temporary_pin_expires_at: session.otp_expires_at,
                resends_left: (self.settings.wallet.otp_sends - session.otp_sends).max(0),
            }),
            _ => None,
        })
    }

    fn reset_token_hash(&self, token: &str) -> String {
        self.token_hash(&format!("pin-reset:{token}"))
    }

    /// Five random digits.
    fn temporary_pin(&self) -> String {
        format!("{:05}", self.random.below(100_000))
    }

    // A peppered SHA-256 bound to the session, not argon2: with only 100,000 possible
    // temporary PINs a slow hash cannot make an offline search of a leaked hash
    // impractical either (argon2 multiplies its cost, it does not change its size), so
    // what protects the temporary PIN is the pepper kept outside the database, its
    // few minutes of life and its three online tries. Argon2 would instead spend tens of
    // milliseconds of a 2-core node on every send and every guess.
    fn temporary_pin_hash(&self, token_hash: &str, temporary: &str) -> String {
        self.token_hash(&format!("pin-reset-otp:{token_hash}:{temporary}"))
    }

    fn temporary_pin_sms(
        &self,
        to: &Msisdn,
        token_hash: &str,
        temporary: &str,
        send: i32,
    ) -> OutboxDraft {
        let org = &self.settings.org_name;
        let minutes = self.settings.wallet.otp_minutes.to_string();
        let text = format!(
            "{org}: আপনার অস্থায়ী পিন {} ({temporary}), {} মিনিট বৈধ। কাউকে বলবেন না। / Your temporary {org} PIN is {temporary}, valid {minutes} minutes. Never share it.",
            bengali_digits(temporary),
            bengali_digits(&minutes),
        );
        sms(
            to,
            text,
            format!("pin-reset:{}:otp{send}", session_ref(token_hash)),
        )
    }

    fn pin_changed_sms(&self, to: &Msisdn, token_hash: &str) -> OutboxDraft {
        let org = &self.settings.org_name;
        let text = format!(
            "{org}: আপনার পিন পরিবর্তন করা হয়েছে। আপনি না করে থাকলে এখনই {} নম্বরে কল করুন। / Your {org} PIN was changed. If it wasn't you, call {HOTLINE} now.",
            bengali_digits(HOTLINE),
        );
        sms(
            to,
            text,
            format!("pin-reset:{}:done", session_ref(token_hash)),
        )
    }
}

/// Re-run a step that lost a race (a stale version, a row inserted meanwhile) against what
/// the winner left; every attempt reads afresh and commits whole or not at all.
async fn retrying<T, F, Fut>(mut step: F) -> Result<T, ResetError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ResetError>>,
{
    let mut tries = 0;
    loop {
        match step().await {
            Err(e) if e.is_race() && tries < RETRIES => tries += 1,
            other => return other,
        }
    }
}

/// Compared against when the number has no account: not hex, so no NID hash is equal.
const NO_NID_HASH: &str = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

fn date_bytes(d: Date) -> [u8; 4] {
    let [y0, y1] = d.year().to_be_bytes();
    [y0, y1, d.month() as u8, d.day() as u8]
}

fn registered(e164: &str) -> Result<Msisdn, ResetError> {
    Msisdn::parse(e164)
        .map_err(|e| ResetError::App(AppError::Config(format!("stored number: {e}"))))
}

/// A short, non-secret name for a session in the audit trail and SMS keys.
fn session_ref(token_hash: &str) -> &str {
    &token_hash[..token_hash.len().min(16)]
}

fn reset_event(msisdn: &str, at: Timestamp, action: &str, after: serde_json::Value) -> EventDraft {
    EventDraft {
        subject: format!("wallet:{msisdn}"),
        at,
        actor: Actor::Customer.to_string(),
        action: action.into(),
        before: "{}".into(),
        after: after.to_string(),
    }
}

fn audited(event: EventDraft, outbox: Vec<OutboxDraft>) -> Commit {
    Commit {
        case: CaseWrite::None,
        messages: vec![],
        events: vec![event],
        outbox,
        idempotency: None,
    }
}

fn sms(to: &Msisdn, text: String, key: String) -> OutboxDraft {
    OutboxDraft {
        topic: "sms.send".into(),
        case_id: None,
        payload: json!({ "to": to.as_e164(), "text": text, "key": key }),
        message_index: None,
    }
}

/// A made-up transaction of the kinds asked about, in whole taka, with amounts people use
/// (up to the 25,000 a single cash out or transfer allows).
fn decoy(s: &mut KeyedStream) -> Choice {
    const RECHARGE: [i64; 14] = [
        20, 30, 49, 50, 70, 99, 100, 149, 199, 200, 299, 399, 499, 699,
    ];
    const ROUND: [i64; 18] = [
        200, 300, 500, 700, 1000, 1200, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000,
        15000, 20000, 25000,
    ];
    let kind = ASKED_KINDS[s.below(ASKED_KINDS.len() as u64) as usize];
    let taka = match kind {
        "recharge" => RECHARGE[s.below(RECHARGE.len() as u64) as usize],
        "cash_out" if s.below(3) == 0 => 100 * (3 + s.below(97) as i64),
        "cash_out" => 500 * (1 + s.below(50) as i64),
        "send_money" if s.below(2) == 0 => ROUND[s.below(ROUND.len() as u64) as usize],
        "send_money" => 10 * (10 + s.below(990) as i64),
        _ => 20 + s.below(4980) as i64,
    };
    Choice {
        kind: kind.into(),
        amount_poisha: taka * 100,
    }
}

/// Numbers drawn from a secret seed: SHA-256 of the seed and a counter.
struct KeyedStream {
    seed: [u8; 32],
    counter: u64,
}

impl KeyedStream {
    fn new(seed: [u8; 32]) -> Self {
        KeyedStream { seed, counter: 0 }
    }

    fn below(&mut self, bound: u64) -> u64 {
        let mut h = Sha256::new();
        h.update(self.seed);
        h.update(self.counter.to_be_bytes());
        self.counter += 1;
        let out = h.finalize();
        let mut b = [0u8; 8];
        b.copy_from_slice(&out[..8]);
        u64::from_le_bytes(b) % bound.max(1)
    }
}

/// HMAC-SHA-256 over the parts, each prefixed with its length so that no two different
/// lists of parts give the same message.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    for p in parts {
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use seba_store::OutboxPos;

    use super::*;
    use crate::testing::TestApp;

    const NUMBER: &str = "+8801712345678";
    const NID: &str = "1990123456";
    const DOB: Date = date(1990, 3, 25);
    const CURRENT: &str = "48213";
    const EARLIER: [&str; 3] = ["13579", "24680", "31415"];
    const NEW: &str = "70519";

    fn pin(s: &str) -> Pin {
        Pin::parse(s).expect("a PIN")
    }

    fn msisdn(s: &str) -> Msisdn {
        Msisdn::parse(s).expect("a number")
    }

    fn nid() -> Nid {
        Nid::parse(NID).expect("an NID")
    }

    /// An app with one account (locked after wrong PINs) and its last transactions.
    async fn seeded() -> TestApp {
        let t = TestApp::bare().await;
        let app = &t.app;
        let now = app.now();
        app.store
            .upsert_wallet_accounts(vec![WalletAccountRecord {
                msisdn: NUMBER.into(),
                name: "Rahima Begum".into(),
                nid_hash: app.nid_hash(&nid()),
                date_of_birth: DOB,
                status: "active".into(),
                pin_hash: app.hash_pin(&pin(CURRENT)).unwrap(),
                pin_history: EARLIER
                    .iter()
                    .map(|p| app.hash_pin(&pin(p)).unwrap())
                    .collect(),
                failed_pins: 3,
                locked_until: Some(now + SignedDuration::from_hours(1)),
                lock_count: 1,
                pin_changed_at: None,
                version: 1,
            }])
            .await
            .unwrap();
        let txs = [
            ("cash_out", 2_000 * 100),
            ("cash_in", 5_000 * 100),
            ("send_money", 1_250 * 100),
            ("recharge", 99_00),
            ("payment", 34_750),
            ("send_money", 700 * 100),
        ];
        app.store
            .add_wallet_transactions(
                txs.iter()
                    .enumerate()
                    .map(|(i, (kind, amount))| WalletTransactionRecord {
                        msisdn: NUMBER.into(),
                        id: format!("TX{i:08}"),
                        kind: (*kind).into(),
                        amount_poisha: *amount,
                        at: now - SignedDuration::from_hours(3 * (i as i64 + 1)),
                    })
                    .collect(),
            )
            .await
            .unwrap();
        t
    }

    async fn session(t: &TestApp, token: &str) -> ResetSessionRecord {
        t.app
            .store
            .reset_session(&t.app.reset_token_hash(token))
            .await
            .unwrap()
            .expect("a stored session")
    }

    async fn right_choice(t: &TestApp, token: &str) -> usize {
        usize::try_from(session(t, token).await.right_choice).expect("a right choice")
    }

    async fn outbox(t: &TestApp) -> Vec<seba_store::OutboxRow> {
        t.app
            .store
            .outbox_after(OutboxPos::default(), 1000)
            .await
            .unwrap()
    }

    /// The temporary PIN in the newest SMS.
    async fn temporary_from_sms(t: &TestApp) -> String {
        let rows = outbox(t).await;
        let text = rows
            .iter()
            .rev()
            .find(|r| r.topic == "sms.send")
            .and_then(|r| r.payload["text"].as_str())
            .expect("an SMS")
            .to_string();
        let at = text.find("PIN is ").expect("the English part") + "PIN is ".len();
        text[at..at + 5].to_string()
    }

    /// Start and pass step 1; the token and the temporary PIN.
    async fn through_identity(t: &TestApp) -> (String, String) {
        let start = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        let right = right_choice(t, &start.token).await;
        t.app
            .pin_reset_identity(&start.token, &nid(), DOB, right)
            .await
            .unwrap();
        let temporary = temporary_from_sms(t).await;
        (start.token, temporary)
    }

    async fn account(t: &TestApp) -> WalletAccountRecord {
        t.app.store.wallet_account(NUMBER).await.unwrap().unwrap()
    }

    async fn guard(t: &TestApp) -> ResetGuardRecord {
        t.app
            .store
            .reset_guard(NUMBER, date(2026, 11, 22))
            .await
            .unwrap()
            .expect("a guard")
    }

    #[test]
    fn choices_read_in_both_languages() {
        let c = Choice {
            kind: "cash_out".into(),
            amount_poisha: 2_000 * 100,
        };
        assert_eq!(
            c.label(),
            Bilingual::new("ক্যাশ আউট ৳২,০০০", "Cash out ৳2,000")
        );
        let c = Choice {
            kind: "payment".into(),
            amount_poisha: 12_534_750,
        };
        assert_eq!(
            c.label(),
            Bilingual::new("পেমেন্ট ৳১,২৫,৩৪৭.৫০", "Payment ৳1,25,347.50")
        );
        assert_eq!(Msisdn::masked_national(&msisdn(NUMBER)), "01712-***678");
    }

    #[tokio::test]
    async fn the_whole_reset_unlocks_with_a_new_pin() {
        let t = seeded().await;
        let before = account(&t).await;

        let start = t
            .app
            .start_pin_reset(&msisdn("01712-345678"))
            .await
            .unwrap();
        assert_eq!(start.choices.len(), 4);
        assert_eq!(
            start.expires_at,
            t.app.now() + SignedDuration::from_mins(15)
        );
        assert!(start.token.len() >= 43, "256 bits");
        assert!(!format!("{start:?}").contains(&start.token));
        let right = right_choice(&t, &start.token).await;
        let real = &start.choices[right];
        let recent = t
            .app
            .store
            .recent_wallet_transactions(NUMBER, 5)
            .await
            .unwrap();
        assert!(recent.iter().any(|tx| real.is(tx)), "{real:?}");
        assert!(ASKED_KINDS.contains(&real.kind.as_str()), "{real:?}");
        assert_eq!(real.amount_poisha % 100, 0, "{real:?}");
        for (i, c) in start.choices.iter().enumerate() {
            assert!(ASKED_KINDS.contains(&c.kind.as_str()), "{c:?}");
            if i != right {
                let all = t
                    .app
                    .store
                    .recent_wallet_transactions(NUMBER, 100)
                    .await
                    .unwrap();
                assert!(!all.iter().any(|tx| c.is(tx)), "a decoy is real: {c:?}");
            }
        }

        let passed = t
            .app
            .pin_reset_identity(&start.token, &nid(), DOB, right)
            .await
            .unwrap();
        assert_eq!(passed.masked_msisdn, "01712-***678");
        assert_eq!(
            passed.temporary_pin_expires_at,
            t.app.now() + SignedDuration::from_mins(5)
        );
        assert_eq!(passed.resends_left, 2);
        let rows = outbox(&t).await;
        let sms = rows.last().unwrap();
        assert_eq!(sms.topic, "sms.send");
        assert_eq!(sms.payload["to"], NUMBER);
        let text = sms.payload["text"].as_str().unwrap();
        assert!(
            text.contains("অস্থায়ী পিন") && text.contains("Never share it"),
            "{text}"
        );
        let temporary = temporary_from_sms(&t).await;
        assert!(text.contains(&bengali_digits(&temporary)), "{text}");

        t.app
            .pin_reset_confirm(&start.token, &pin(&temporary), &pin(NEW), &pin("৭০৫১৯"))
            .await
            .unwrap();

        let after = account(&t).await;
        assert!(t.app.pin_matches(&after.pin_hash, &pin(NEW)));
        assert!(!t.app.pin_matches(&after.pin_hash, &pin(CURRENT)));
        assert_eq!(after.pin_history.first(), Some(&before.pin_hash));
        assert_eq!(after.locked_until, None);
        assert_eq!(after.failed_pins, 0);
        assert_eq!(after.version, before.version + 1);
        assert_eq!(session(&t, &start.token).await.step, step::DONE);
        assert_eq!(session(&t, &start.token).await.otp_hash, None);

        let rows = outbox(&t).await;
        let done = rows.last().unwrap();
        assert_eq!(done.payload["to"], NUMBER);
        let text = done.payload["text"].as_str().unwrap();
        assert!(text.contains("16247") && text.contains("১৬২৪৭"), "{text}");

        let events = t
            .app
            .store
            .audit_events(&format!("wallet:{NUMBER}"))
            .await
            .unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["reset.started", "reset.identity_passed", "reset.completed"]
        );
        assert!(events.iter().all(|e| e.actor == "customer"));

        // Neither the new PIN nor the NID anywhere; the temporary PIN only in its SMS.
        for e in &events {
            for secret in [NEW, NID, temporary.as_str(), &start.token] {
                assert!(
                    !e.after.contains(secret) && !e.before.contains(secret),
                    "{e:?}"
                );
            }
        }
        for r in &rows {
            let payload = r.payload.to_string();
            assert!(
                !payload.contains(NEW) && !payload.contains(NID),
                "{payload}"
            );
            assert!(!payload.contains(&start.token), "{payload}");
            let carries_temporary = r.payload["text"]
                .as_str()
                .is_some_and(|t| t.contains("PIN is "));
            assert_eq!(payload.contains(&temporary), carries_temporary, "{payload}");
        }
    }

    #[tokio::test]
    async fn a_wrong_nid_dob_or_choice_fails_alike() {
        let t = seeded().await;
        let start = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        let right = right_choice(&t, &start.token).await;
        let other_nid = Nid::parse("1990123457").unwrap();
        let mut answers = vec![];
        for (n, dob, choice) in [
            (&other_nid, DOB, right),
            (&nid(), date(1990, 3, 26), right),
            (&nid(), DOB, (right + 1) % 4),
        ] {
            let e = t
                .app
                .pin_reset_identity(&start.token, n, dob, choice)
                .await
                .unwrap_err();
            assert!(matches!(e, ResetError::NotVerified), "{e:?}");
            answers.push((e.to_string(), e.explain()));
        }
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
        // Three wrong answers use the session up, even for the right ones now.
        assert_eq!(session(&t, &start.token).await.step, step::FAILED);
        let e = t
            .app
            .pin_reset_identity(&start.token, &nid(), DOB, right)
            .await
            .unwrap_err();
        assert!(matches!(e, ResetError::Expired), "{e:?}");
        let events = t
            .app
            .store
            .audit_events(&format!("wallet:{NUMBER}"))
            .await
            .unwrap();
        assert_eq!(
            events
                .iter()
                .filter(|e| e.action == "reset.identity_failed")
                .count(),
            3
        );
        assert_eq!(guard(&t).await.failures, 3);
        // A choice out of range is just wrong.
        let start = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        for choice in [4, usize::MAX] {
            let e = t
                .app
                .pin_reset_identity(&start.token, &nid(), DOB, choice)
                .await
                .unwrap_err();
            assert!(matches!(e, ResetError::NotVerified), "{e:?}");
        }
    }

    #[tokio::test]
    async fn an_unknown_number_looks_the_same_and_never_passes() {
        let t = seeded().await;
        let unknown = msisdn("01812345679");
        let first = t.app.start_pin_reset(&unknown).await.unwrap();
        let again = t.app.start_pin_reset(&unknown).await.unwrap();
        assert_eq!(first.choices.len(), 4);
        assert_eq!(first.token.len(), again.token.len());
        assert_ne!(first.token, again.token);
        assert_eq!(first.choices, again.choices, "the same shape every time");
        assert_eq!(
            first.expires_at,
            t.app.now() + SignedDuration::from_mins(15)
        );
        // So does an account: what a second start shows gives nothing away.
        let a = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        let b = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        assert_eq!(a.choices, b.choices);
        assert_eq!(session(&t, &first.token).await.right_choice, -1);

        // Audited on the number's own chain, like an account.
        let events = t
            .app
            .store
            .audit_events(&format!("wallet:{}", unknown.as_e164()))
            .await
            .unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].action, "reset.started");

        for choice in 0..3 {
            let e = t
                .app
                .pin_reset_identity(&first.token, &nid(), DOB, choice)
                .await
                .unwrap_err();
            assert!(matches!(e, ResetError::NotVerified), "{e:?}");
        }
        assert_eq!(session(&t, &first.token).await.step, step::FAILED);
        // No SMS ever went out.
        assert!(outbox(&t).await.iter().all(|r| r.topic != "sms.send"));
    }

    #[tokio::test]
    async fn a_suspended_account_is_not_reset_by_its_holder() {
        let t = seeded().await;
        let mut suspended = account(&t).await;
        suspended.status = "suspended".into();
        t.app
            .store
            .upsert_wallet_accounts(vec![suspended])
            .await
            .unwrap();
        let start = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        assert_eq!(start.choices.len(), 4);
        assert_eq!(session(&t, &start.token).await.right_choice, -1);
        for choice in 0..4 {
            let e = t
                .app
                .pin_reset_identity(&start.token, &nid(), DOB, choice)
                .await
                .unwrap_err();
            assert!(
                matches!(e, ResetError::NotVerified | ResetError::Expired),
                "{e:?}"
            );
        }
        assert!(outbox(&t).await.iter().all(|r| r.topic != "sms.send"));
    }

    #[tokio::test]
    async fn steps_must_come_in_order() {
        let t = seeded().await;
        let start = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        let e = t
            .app
            .pin_reset_confirm(&start.token, &pin("00000"), &pin(NEW), &pin(NEW))
            .await
            .unwrap_err();
        assert!(matches!(e, ResetError::OutOfOrder), "{e:?}");
        let e = t.app.pin_reset_resend(&start.token).await.unwrap_err();
        assert!(matches!(e, ResetError::OutOfOrder), "{e:?}");
        assert_eq!(
            session(&t, &start.token).await.version,
            1,
            "nothing written"
        );

        let right = right_choice(&t, &start.token).await;
        t.app
            .pin_reset_identity(&start.token, &nid(), DOB, right)
            .await
            .unwrap();
        let e = t
            .app
            .pin_reset_identity(&start.token, &nid(), DOB, right)
            .await
            .unwrap_err();
        assert!(matches!(e, ResetError::OutOfOrder), "{e:?}");

        // A made-up token reads like an expired one.
        for forged in ["", "nonsense", &t.app.random.token(32)] {
            let e = t
                .app
                .pin_reset_identity(forged, &nid(), DOB, 0)
                .await
                .unwrap_err();
            assert!(matches!(e, ResetError::Expired), "{e:?}");
        }
    }

    #[tokio::test]
    async fn sessions_and_temporary_pins_expire() {
        let t = seeded().await;
        let start = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        let right = right_choice(&t, &start.token).await;
        t.clock.advance(SignedDuration::from_mins(15));
        let e = t
            .app
            .pin_reset_identity(&start.token, &nid(), DOB, right)
            .await
            .unwrap_err();
        assert!(matches!(e, ResetError::Expired), "{e:?}");
        assert_eq!(e.explain(), ResetError::Expired.explain());

        let (token, temporary) = through_identity(&t).await;
        t.clock.advance(SignedDuration::from_mins(5));
        let e = t
            .app
            .pin_reset_confirm(&token, &pin(&temporary), &pin(NEW), &pin(NEW))
            .await
            .unwrap_err();
        assert!(matches!(e, ResetError::TemporaryPinExpired), "{e:?}");
        // A new one works, the old one no longer.
        t.app.pin_reset_resend(&token).await.unwrap();
        let fresh = temporary_from_sms(&t).await;
        if fresh != temporary {
            let e = t
                .app
                .pin_reset_confirm(&token, &pin(&temporary), &pin(NEW), &pin(NEW))
                .await
                .unwrap_err();
            assert!(
                matches!(e, ResetError::WrongTemporaryPin { attempts_left: 2 }),
                "{e:?}"
            );
        }
        t.app
            .pin_reset_confirm(&token, &pin(&fresh), &pin(NEW), &pin(NEW))
            .await
            .unwrap();
        // The session itself outlives no temporary PIN.
        let (token, _) = through_identity(&t).await;
        t.clock.advance(SignedDuration::from_mins(15));
        let e = t.app.pin_reset_resend(&token).await.unwrap_err();
        assert!(matches!(e, ResetError::Expired), "{e:?}");
    }

    #[tokio::test]
    async fn three_wrong_temporary_pins_end_the_session() {
        let t = seeded().await;
        let (token, temporary) = through_identity(&t).await;
        let wrong = if temporary == "99998" {
            "99997"
        } else {
            "99998"
        };
        for left in [2, 1, 0] {
            let e = t
                .app
                .pin_reset_confirm(&token, &pin(wrong), &pin(NEW), &pin(NEW))
                .await
                .unwrap_err();
            assert!(
                matches!(e, ResetError::WrongTemporaryPin { attempts_left } if attempts_left == left),
                "{e:?}"
            );
        }
        assert_eq!(session(&t, &token).await.step, step::FAILED);
        assert_eq!(guard(&t).await.failures, 1);
        let e = t
            .app
            .pin_reset_confirm(&token, &pin(&temporary), &pin(NEW), &pin(NEW))
            .await
            .unwrap_err();
        assert!(matches!(e, ResetError::Expired), "{e:?}");
        assert!(
            t.app
                .pin_matches(&account(&t).await.pin_hash, &pin(CURRENT))
        );
        let events = t
            .app
            .store
            .audit_events(&format!("wallet:{NUMBER}"))
            .await
            .unwrap();
        assert_eq!(
            events
                .iter()
                .filter(|e| e.action == "reset.otp_failed")
                .count(),
            3
        );
    }

    #[tokio::test]
    async fn the_temporary_pin_is_sent_three_times_at_most() {
        let t = seeded().await;
        let (token, first) = through_identity(&t).await;
        let second = t.app.pin_reset_resend(&token).await.unwrap();
        assert_eq!(second.resends_left, 1);
        let third = t.app.pin_reset_resend(&token).await.unwrap();
        assert_eq!(third.resends_left, 0);
        let e = t.app.pin_reset_resend(&token).await.unwrap_err();
        assert!(matches!(e, ResetError::TooMany), "{e:?}");
        let sms: Vec<_> = outbox(&t)
            .await
            .into_iter()
            .filter(|r| r.topic == "sms.send")
            .collect();
        assert_eq!(sms.len(), 3);
        let keys: std::collections::HashSet<_> =
            sms.iter().map(|r| r.payload["key"].to_string()).collect();
        assert_eq!(keys.len(), 3, "each SMS its own delivery");
        let latest = temporary_from_sms(&t).await;
        if latest != first {
            let e = t
                .app
                .pin_reset_confirm(&token, &pin(&first), &pin(NEW), &pin(NEW))
                .await
                .unwrap_err();
            assert!(matches!(e, ResetError::WrongTemporaryPin { .. }), "{e:?}");
        }
        t.app
            .pin_reset_confirm(&token, &pin(&latest), &pin(NEW), &pin(NEW))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn five_failures_in_a_day_block_resets_for_four_hours() {
        let t = seeded().await;
        let a = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        let b = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        let wrong = Nid::parse("1111111111").unwrap();
        for token in [&a.token, &a.token, &a.token, &b.token, &b.token] {
            let e = t
                .app
                .pin_reset_identity(token, &wrong, DOB, 0)
                .await
                .unwrap_err();
            assert!(matches!(e, ResetError::NotVerified), "{e:?}");
        }
        let until = t.app.now() + SignedDuration::from_hours(4);
        assert_eq!(guard(&t).await.blocked_until, Some(until));
        let e = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap_err();
        assert!(
            matches!(e, ResetError::Blocked { until: u } if u == until),
            "{e:?}"
        );
        assert!(e.explain().en.contains("14:00"), "{:?}", e.explain());
        // A session still open is blocked too, even with the right answers.
        let right = right_choice(&t, &b.token).await;
        let e = t
            .app
            .pin_reset_identity(&b.token, &nid(), DOB, right)
            .await
            .unwrap_err();
        assert!(matches!(e, ResetError::Blocked { .. }), "{e:?}");

        t.clock.advance(SignedDuration::from_hours(4));
        through_identity(&t).await;
    }

    #[tokio::test]
    async fn a_block_placed_late_in_the_day_lasts_past_midnight() {
        let t = seeded().await;
        // 22:30 in Dhaka.
        t.clock.set("2026-11-22T16:30:00Z".parse().unwrap());
        let wrong = Nid::parse("1111111111").unwrap();
        for _ in 0..2 {
            let s = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
            for _ in 0..3 {
                let _ = t.app.pin_reset_identity(&s.token, &wrong, DOB, 0).await;
            }
        }
        t.clock.advance(SignedDuration::from_hours(2));
        let e = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap_err();
        assert!(matches!(e, ResetError::Blocked { .. }), "{e:?}");
        t.clock.advance(SignedDuration::from_hours(2));
        t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
    }

    #[tokio::test]
    async fn starts_are_limited_per_number_and_day() {
        let t = seeded().await;
        for _ in 0..5 {
            t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
        }
        let e = t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap_err();
        assert!(matches!(e, ResetError::TooMany), "{e:?}");
        assert_eq!(guard(&t).await.started, 5);
        // Another number is not affected; tomorrow (Dhaka) starts afresh.
        t.app.start_pin_reset(&msisdn("01912345678")).await.unwrap();
        t.clock.set("2026-11-22T18:00:00Z".parse().unwrap());
        t.app.start_pin_reset(&msisdn(NUMBER)).await.unwrap();
    }

    #[tokio::test]
    async fn weak_or_recent_new_pins_are_refused() {
        let t = seeded().await;
        let (token, temporary) = through_identity(&t).await;
        let temporary = pin(&temporary);
        let e = t
            .app
            .pin_reset_confirm(&token, &temporary, &pin(NEW), &pin("70518"))
            .await
            .unwrap_err();
        assert!(matches!(e, ResetError::Mismatch), "{e:?}");
        for (weak, rule) in [
            ("11111", PinRule::AllSame),
            ("12345", PinRule::Sequence),
            ("25031", PinRule::DateOfBirth),
            (CURRENT, PinRule::Recent),
            (EARLIER[0], PinRule::Recent),
            (EARLIER[2], PinRule::Recent),
        ] {
            let e = t
                .app
                .pin_reset_confirm(&token, &temporary, &pin(weak), &pin(weak))
                .await
                .unwrap_err();
            assert!(
                matches!(e, ResetError::WeakPin(r) if r == rule),
                "{weak}: {e:?}"
            );
        }
        // None of those used up an attempt.
        assert_eq!(session(&t, &token).await.otp_failures, 0);
        t.app
            .pin_reset_confirm(&token, &temporary, &pin(NEW), &pin(NEW))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_replayed_confirm_changes_nothing() {
        let t = seeded().await;
        let (token, temporary) = through_identity(&t).await;
        let (temporary, new) = (pin(&temporary), pin(NEW));
        let confirm = || t.app.pin_reset_confirm(&token, &temporary, &new, &new);
        confirm().await.unwrap();
        let account_before = account(&t).await;
        let session_before = session(&t, &token).await;
        let outbox_before = outbox(&t).await.len();
        let events_before = t
            .app
            .store
            .audit_events(&format!("wallet:{NUMBER}"))
            .await
            .unwrap();
        let e = confirm().await.unwrap_err();
        assert!(matches!(e, ResetError::OutOfOrder), "{e:?}");
        assert_eq!(account(&t).await, account_before);
        assert_eq!(session(&t, &token).await, session_before);
        assert_eq!(outbox(&t).await.len(), outbox_before);
        assert_eq!(
            t.app
                .store
                .audit_events(&format!("wallet:{NUMBER}"))
                .await
                .unwrap(),
            events_before
        );
    }

    #[tokio::test]
    async fn of_two_confirms_at_once_one_wins() {
        let t = seeded().await;
        let (token, temporary) = through_identity(&t).await;
        let (temporary, one, other) = (pin(&temporary), pin(NEW), pin("80642"));
        let (a, b) = tokio::join!(
            t.app.pin_reset_confirm(&token, &temporary, &one, &one),
            t.app.pin_reset_confirm(&token, &temporary, &other, &other),
        );
        assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
        let lost = a.err().or(b.err()).unwrap();
        assert!(matches!(lost, ResetError::OutOfOrder), "{lost:?}");
        let after = account(&t).await;
        assert_eq!(after.version, 2);
        let events = t
            .app
            .store
            .audit_events(&format!("wallet:{NUMBER}"))
            .await
            .unwrap();
        assert_eq!(
            events
                .iter()
                .filter(|e| e.action == "reset.completed")
                .count(),
            1
        );
    }
}
