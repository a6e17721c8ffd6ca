//! Wallet PINs over JSON: the customer's two-step self reset, PIN verification for the
//! trusted channels, and the staff's view of an account.
//!
//! **The reset** (public, no login; every step rate-limited per client address in the
//! public bucket, [`AppState::check_public_rate`]):
//!
//! 1. `POST /api/v1/pin-reset` `{msisdn}` → 201 `{token, choices, expires_at}`. The answer
//!    for a number without an account has the same status and shape (the application makes
//!    up the choices), so the route cannot tell anyone who is a customer.
//! 2. `POST /api/v1/pin-reset/identity` `{token, nid, date_of_birth, choice}` → 200
//!    `{masked_msisdn, temporary_pin_expires_at}`; the temporary PIN goes by SMS to the
//!    registered number. Any wrong answer is one 422 (`/problems/reset-not-verified`)
//!    with one message that never says which answer was wrong, for a number with an
//!    account or without.
//! 3. `POST /api/v1/pin-reset/resend` `{token}` → 202, a new temporary PIN by SMS (the
//!    previous one stops working).
//! 4. `POST /api/v1/pin-reset/confirm` `{token, temporary_pin, new_pin, new_pin_again}` →
//!    204; the account is unlocked and the customer told by SMS.
//!
//! The token rides in the body, never in the URL: URLs end up in proxy and access logs.
//! A token that is unknown (made up), expired, or whose session failed (too many wrong
//! answers or temporary PINs) is a **410 Gone** (`/problems/reset-expired`: start again);
//! a step that is not the next one — a confirm before the identity step, the identity step
//! twice, any step after the reset completed (a replayed confirm) — is a **409 Conflict**
//! (`/problems/reset-out-of-order`) and changes nothing. A number whose resets are blocked
//! after too many failures is a 429 `reset-blocked` with `Retry-After`; too many starts
//! in a day or temporary PINs in one reset, a 429 `reset-too-many` (see `reset_error`).
//!
//! **Verification** (`POST /api/v1/wallet/pin/verify`) is for machines — the USSD gateway
//! and the app backend — with an API token (`Authorization: Bearer`, never a desk session)
//! whose user may work cases ([`Permission::WorkCases`], the least privilege that exists
//! for acting on a customer's behalf; issue the gateway its own agent-role user). Its
//! answer is always 200 with `right`, `wrong` (and the attempts left) or `locked` (and
//! until when); the lockout itself is counted atomically by the store.
//!
//! **Staff**: an agent reads an account's lock state and reset history
//! (`GET /api/v1/wallets/{msisdn}`, [`Permission::ReadCases`]) — never a PIN, a PIN hash
//! or the NID; a supervisor unlocks it after checking the caller's identity over the
//! phone, for a reason the audit trail keeps (`POST /api/v1/wallets/{msisdn}/unlock`,
//! [`Permission::Supervise`]).
//!
//! **Parsing** is strict and names the field: an unknown field, a missing one, a value of
//! the wrong JSON type, a PIN that is not 5 digits (Bengali digits are fine), an NID or a
//! date of birth that cannot be one — each is a 422 whose `errors[]` lists every field at
//! fault, in Bengali and English. Values are never echoed back, and nothing here logs a
//! body: the request log has the route pattern only (see `observe` in the crate root).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use seba_app::pin_reset::{Choice, IdentityPassed, ResetError, ResetStart};
use seba_app::wallet::{PinOutcome, WalletOverview};
use seba_core::Bilingual;
use seba_core::bilingual::Explain;
use seba_core::contact::Msisdn;
use seba_core::staff::Permission;
use seba_core::text;
use seba_core::wallet::{Nid, Pin, parse_date_of_birth};

use super::json_body;
use super::nearest::Text;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ClientIp, Staff};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------
// Reading fields
// ---------------------------------------------------------------------------------------

/// The longest token accepted; the application's are far shorter.
const TOKEN_MAX: usize = 128;

/// Today in Dhaka, on the application's clock: no one is born after it.
fn today(state: &AppState) -> jiff::civil::Date {
    let tz = jiff::tz::TimeZone::get("Asia/Dhaka")
        .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(6)));
    state.app.now().to_zoned(tz).date()
}

/// Every fault in a body, gathered so one answer names them all.
#[derive(Default)]
struct Faults(Vec<FieldError>);

impl Faults {
    fn add(&mut self, field: &str, why: Bilingual) {
        self.0.push(FieldError {
            field: field.into(),
            detail: why.en,
            detail_bn: why.bn,
        });
    }

    fn missing(&mut self, field: &str) {
        self.add(
            field,
            Bilingual::new(format!("`{field}` দিন"), format!("`{field}` is required")),
        );
    }

    /// A JSON string, or the fault recorded (never the value: it may be a secret).
    fn text(&mut self, field: &str, v: Option<Value>) -> Option<String> {
        match v {
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) => {
                self.missing(field);
                None
            }
            Some(_) => {
                self.add(
                    field,
                    Bilingual::new(
                        format!("`{field}` উদ্ধৃতিচিহ্নের ভেতরে লেখা হবে (\"…\")"),
                        format!("`{field}` must be a JSON string"),
                    ),
                );
                None
            }
        }
    }

    /// A PIN: text (a number would lose a leading 0), 5 digits in either script.
    fn pin(&mut self, field: &str, v: Option<Value>) -> Option<Pin> {
        if let Some(Value::Number(_)) = v {
            self.add(
                field,
                Bilingual::new(
                    format!("`{field}` উদ্ধৃতিচিহ্নের ভেতরে ৫ অঙ্কে লিখুন, যেমন \"০৪৭১৯\""),
                    format!("`{field}`: send the 5 digits as a string, e.g. \"04719\""),
                ),
            );
            return None;
        }
        let s = self.text(field, v)?;
        match Pin::parse(&s) {
            Ok(p) => Some(p),
            Err(e) => {
                self.add(field, e.explain());
                None
            }
        }
    }

    fn token(&mut self, v: Option<Value>) -> Option<String> {
        let s = self.text("token", v)?;
        let s = s.trim();
        if s.is_empty() || s.len() > TOKEN_MAX || !s.chars().all(|c| c.is_ascii_graphic()) {
            self.add(
                "token",
                Bilingual::new(
                    "`token`: রিসেট শুরু করার সময় পাওয়া টোকেনটি দিন",
                    "`token`: send the token the reset's first step returned",
                ),
            );
            return None;
        }
        Some(s.to_string())
    }

    fn msisdn(&mut self, v: Option<Value>) -> Option<Msisdn> {
        let s = self.text("msisdn", v)?;
        match Msisdn::parse(&s) {
            Ok(m) => Some(m),
            Err(e) => {
                self.add("msisdn", e.explain());
                None
            }
        }
    }

    /// The position of the chosen transaction in the first step's `choices`, from 0: a
    /// JSON integer, or digits as text in either script.
    fn choice(&mut self, v: Option<Value>) -> Option<usize> {
        let bad = |f: &mut Self| {
            f.add(
                "choice",
                Bilingual::new(
                    "`choice`: তালিকায় লেনদেনটির ক্রম দিন (০ থেকে শুরু)",
                    "`choice`: the position of the transaction in `choices`, from 0",
                ),
            )
        };
        let n = match v {
            None | Some(Value::Null) => {
                self.missing("choice");
                return None;
            }
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => text::ascii_digits(s.trim()).parse::<u64>().ok(),
            Some(_) => None,
        };
        match n.filter(|n| *n < 100) {
            Some(n) => Some(n as usize),
            None => {
                bad(self);
                None
            }
        }
    }

    /// Done: every value, or one 422 naming every field at fault.
    fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let first = &self.0[0];
        let mut e = ApiError::invalid(
            &first.field,
            Bilingual::new(first.detail_bn.clone(), first.detail.clone()),
        );
        e.errors = self.0;
        Err(e)
    }
}

// ---------------------------------------------------------------------------------------
// Errors of the reset
// ---------------------------------------------------------------------------------------

fn retry_after(until: Timestamp, now: Timestamp) -> HeaderValue {
    let secs = (until - now).get_seconds().max(1);
    HeaderValue::from_str(&secs.to_string()).unwrap_or(HeaderValue::from_static("60"))
}

/// A reset's refusal as a problem. Status by what the client should do next:
/// - 422 — fix what was typed: `reset-not-verified` (one message for any wrong identity
///   answer, no field named), `temporary_pin`, `new_pin`, `new_pin_again` by name;
/// - 409 `reset-out-of-order` — this step is not the next one (a confirm before the
///   identity step, or after the reset completed: a replayed confirm);
/// - 410 `reset-expired` — the token is unknown, expired or its attempts used up: start
///   again;
/// - 429 — `reset-blocked` with `Retry-After` (too many failed resets for the number),
///   `reset-too-many` (too many starts today, or temporary PINs sent for this reset).
fn reset_error(state: &AppState, e: ResetError) -> ApiError {
    let text = e.explain();
    let t = Bilingual::new;
    let field = |name: &str, slug: &'static str, title: Bilingual, text: Bilingual| {
        let mut a = ApiError::invalid(name, text);
        a.slug = slug;
        a.title = title;
        a
    };
    match e {
        ResetError::NotVerified => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reset-not-verified",
            t("তথ্য মেলেনি", "Not verified"),
            text,
        ),
        ResetError::WrongTemporaryPin { .. } => field(
            "temporary_pin",
            "wrong-temporary-pin",
            t("অস্থায়ী পিন ভুল", "Wrong temporary PIN"),
            text,
        ),
        ResetError::TemporaryPinExpired => field(
            "temporary_pin",
            "temporary-pin-expired",
            t("অস্থায়ী পিনের মেয়াদ শেষ", "Temporary PIN expired"),
            text,
        ),
        ResetError::Mismatch => field(
            "new_pin_again",
            "validation",
            t("তথ্য সঠিক নয়", "Invalid input"),
            text,
        ),
        ResetError::WeakPin(_) => field(
            "new_pin",
            "weak-pin",
            t("এই পিন নেওয়া যাবে না", "PIN not allowed"),
            text,
        ),
        ResetError::Expired => ApiError::new(
            StatusCode::GONE,
            "reset-expired",
            t("রিসেটের মেয়াদ শেষ", "Reset expired"),
            text,
        ),
        ResetError::OutOfOrder => ApiError::new(
            StatusCode::CONFLICT,
            "reset-out-of-order",
            t("ধাপটি এখন নয়", "Step out of order"),
            text,
        ),
        ResetError::Blocked { until } => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "reset-blocked",
            t("পিন রিসেট আপাতত বন্ধ", "PIN reset blocked for now"),
            text,
        )
        .with_header(header::RETRY_AFTER, retry_after(until, state.app.now())),
        ResetError::TooMany => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "reset-too-many",
            t("অনেক বেশি অনুরোধ", "Too many requests"),
            text,
        ),
        ResetError::App(e) => e.into(),
    }
}

// ---------------------------------------------------------------------------------------
// Step 1: start
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetStartRequest {
    /// The wallet's mobile number: 01XXXXXXXXX, +8801XXXXXXXXX, either digit script.
    #[schema(value_type = String, required = true)]
    pub msisdn: Option<Value>,
}

/// One recent transaction to pick from, as the customer would remember it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChoiceView {
    /// `send_money`, `cash_out`, `cash_in`, `payment`, `recharge`, …
    pub kind: String,
    /// In poisha (1/100 taka).
    pub amount_poisha: i64,
    /// What to show: "ক্যাশ আউট ৳২,০০০" / "Cash out ৳2,000".
    pub label: Text,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResetStarted {
    /// Opaque; send it in the body of each next step (never in a URL).
    pub token: String,
    /// "Which of these did you do recently?" — send the position of one as `choice`.
    pub choices: Vec<ChoiceView>,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

fn choice_view(c: &Choice) -> ChoiceView {
    ChoiceView {
        kind: c.kind.clone(),
        amount_poisha: c.amount_poisha,
        label: c.label().into(),
    }
}

impl From<ResetStart> for ResetStarted {
    fn from(s: ResetStart) -> Self {
        ResetStarted {
            choices: s.choices.iter().map(choice_view).collect(),
            token: s.token,
            expires_at: s.expires_at,
        }
    }
}

/// Step 1 of a self PIN reset: a token and a short list of transactions to pick from. The
/// same answer whether or not the number has an account.
#[utoipa::path(post, path = "/api/v1/pin-reset", tag = "wallet", request_body = ResetStartRequest,
    responses((status = 201, body = ResetStarted), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    state.check_public_rate(ip)?;
    let req: ResetStartRequest = json_body(&headers, &bytes)?;
    let mut f = Faults::default();
    let msisdn = f.msisdn(req.msisdn);
    f.finish()?;
    let Some(msisdn) = msisdn else {
        return Err(ApiError::internal());
    };
    let started = state
        .app
        .start_pin_reset(&msisdn)
        .await
        .map_err(|e| reset_error(&state, e))?;
    Ok((StatusCode::CREATED, Json(ResetStarted::from(started))).into_response())
}

// ---------------------------------------------------------------------------------------
// Step 1b: identity
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityRequest {
    #[schema(value_type = String, required = true)]
    pub token: Option<Value>,
    /// The national ID number (10, 13 or 17 digits; either script).
    #[schema(value_type = String, required = true)]
    pub nid: Option<Value>,
    /// `YYYY-MM-DD` (either digit script).
    #[schema(value_type = String, required = true)]
    pub date_of_birth: Option<Value>,
    /// The position in the first step's `choices` of a transaction the customer made,
    /// from 0.
    #[schema(value_type = u32, required = true)]
    pub choice: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityAccepted {
    /// Where the temporary PIN went: `01712-***678`.
    pub masked_msisdn: String,
    #[schema(value_type = String, format = DateTime)]
    pub temporary_pin_expires_at: Timestamp,
    /// How many more times `resend` may send a new temporary PIN.
    pub resends_left: i32,
}

impl From<IdentityPassed> for IdentityAccepted {
    fn from(p: IdentityPassed) -> Self {
        IdentityAccepted {
            masked_msisdn: p.masked_msisdn,
            temporary_pin_expires_at: p.temporary_pin_expires_at,
            resends_left: p.resends_left,
        }
    }
}

/// Step 1 of a reset, answered: the NID, the date of birth and one recent transaction.
/// Right, and a temporary PIN goes by SMS to the registered number; wrong, and the answer
/// is one message that does not say which part was wrong.
#[utoipa::path(post, path = "/api/v1/pin-reset/identity", tag = "wallet", request_body = IdentityRequest,
    responses((status = 200, body = IdentityAccepted), (status = 409, body = Problem), (status = 410, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn identity(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    state.check_public_rate(ip)?;
    let req: IdentityRequest = json_body(&headers, &bytes)?;
    let mut f = Faults::default();
    let token = f.token(req.token);
    let nid = f.text("nid", req.nid).and_then(|s| match Nid::parse(&s) {
        Ok(n) => Some(n),
        Err(e) => {
            f.add("nid", e.explain());
            None
        }
    });
    let dob = f.text("date_of_birth", req.date_of_birth).and_then(|s| {
        match parse_date_of_birth(&s, today(&state)) {
            Ok(d) => Some(d),
            Err(e) => {
                f.add("date_of_birth", e.explain());
                None
            }
        }
    });
    let choice = f.choice(req.choice);
    f.finish()?;
    let (Some(token), Some(nid), Some(dob), Some(choice)) = (token, nid, dob, choice) else {
        return Err(ApiError::internal());
    };
    let passed = state
        .app
        .pin_reset_identity(&token, &nid, dob, choice)
        .await
        .map_err(|e| reset_error(&state, e))?;
    Ok(Json(IdentityAccepted::from(passed)).into_response())
}

// ---------------------------------------------------------------------------------------
// Step 2: resend, confirm
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResendRequest {
    #[schema(value_type = String, required = true)]
    pub token: Option<Value>,
}

/// Send the temporary PIN again (a new one; the last one stops working). Limited per
/// reset.
#[utoipa::path(post, path = "/api/v1/pin-reset/resend", tag = "wallet", request_body = ResendRequest,
    responses((status = 202, body = IdentityAccepted), (status = 409, body = Problem), (status = 410, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    state.check_public_rate(ip)?;
    let req: ResendRequest = json_body(&headers, &bytes)?;
    let mut f = Faults::default();
    let token = f.token(req.token);
    f.finish()?;
    let Some(token) = token else {
        return Err(ApiError::internal());
    };
    let passed = state
        .app
        .pin_reset_resend(&token)
        .await
        .map_err(|e| reset_error(&state, e))?;
    Ok((StatusCode::ACCEPTED, Json(IdentityAccepted::from(passed))).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    #[schema(value_type = String, required = true)]
    pub token: Option<Value>,
    /// The 5-digit temporary PIN from the SMS.
    #[schema(value_type = String, required = true)]
    pub temporary_pin: Option<Value>,
    /// 5 digits: not all the same, not a run (12345, 98765), not the date of birth, none
    /// of the last 3 PINs.
    #[schema(value_type = String, required = true)]
    pub new_pin: Option<Value>,
    #[schema(value_type = String, required = true)]
    pub new_pin_again: Option<Value>,
}

/// Step 2 of a reset: the temporary PIN and the new PIN, twice. The account is unlocked,
/// the customer told by SMS; the token is used up (a repeat is a 410).
#[utoipa::path(post, path = "/api/v1/pin-reset/confirm", tag = "wallet", request_body = ConfirmRequest,
    responses((status = 204), (status = 409, body = Problem), (status = 410, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    state.check_public_rate(ip)?;
    let req: ConfirmRequest = json_body(&headers, &bytes)?;
    let mut f = Faults::default();
    let token = f.token(req.token);
    let temporary = f.pin("temporary_pin", req.temporary_pin);
    let new = f.pin("new_pin", req.new_pin);
    let again = f.pin("new_pin_again", req.new_pin_again);
    f.finish()?;
    let (Some(token), Some(temporary), Some(new), Some(again)) = (token, temporary, new, again)
    else {
        return Err(ApiError::internal());
    };
    state
        .app
        .pin_reset_confirm(&token, &temporary, &new, &again)
        .await
        .map_err(|e| reset_error(&state, e))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---------------------------------------------------------------------------------------
// Verification, for the trusted channels
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyPinRequest {
    #[schema(value_type = String, required = true)]
    pub msisdn: Option<Value>,
    /// 5 digits, as a string.
    #[schema(value_type = String, required = true)]
    pub pin: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PinVerdict {
    /// `right`, `wrong` or `locked`.
    pub result: &'static str,
    /// With `wrong`: how many more wrong PINs lock the account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// With `locked`: until when.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub locked_until: Option<Timestamp>,
}

impl From<PinOutcome> for PinVerdict {
    fn from(o: PinOutcome) -> Self {
        match o {
            PinOutcome::Right => PinVerdict {
                result: "right",
                attempts_left: None,
                locked_until: None,
            },
            PinOutcome::Wrong { attempts_left } => PinVerdict {
                result: "wrong",
                attempts_left: Some(attempts_left.max(0) as u32),
                locked_until: None,
            },
            PinOutcome::Locked { until } => PinVerdict {
                result: "locked",
                attempts_left: None,
                locked_until: Some(until),
            },
        }
    }
}

/// Check a customer's PIN (the USSD gateway, the app backend): an API token whose user
/// may work cases. Three wrong PINs in a row lock the account; every attempt is audited.
#[utoipa::path(post, path = "/api/v1/wallet/pin/verify", tag = "wallet", request_body = VerifyPinRequest,
    responses((status = 200, body = PinVerdict), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn verify(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Json<PinVerdict>, ApiError> {
    // A PIN check is for machines holding a token, not for a person's browser session.
    if staff.via_cookie {
        return Err(ApiError {
            detail: Bilingual::new(
                "পিন যাচাই শুধু API টোকেন দিয়ে করা যায়",
                "PINs are verified with an API token only",
            ),
            ..ApiError::forbidden()
        });
    }
    staff.require(Permission::WorkCases)?;
    let req: VerifyPinRequest = json_body(&headers, &bytes)?;
    let mut f = Faults::default();
    let msisdn = f.msisdn(req.msisdn);
    let pin = f.pin("pin", req.pin);
    f.finish()?;
    let (Some(msisdn), Some(pin)) = (msisdn, pin) else {
        return Err(ApiError::internal());
    };
    let outcome = state.app.verify_pin(&msisdn, &pin).await?;
    Ok(Json(outcome.into()))
}

// ---------------------------------------------------------------------------------------
// Staff
// ---------------------------------------------------------------------------------------

fn path_msisdn(s: &str) -> Result<Msisdn, ApiError> {
    Msisdn::parse(s).map_err(|e| ApiError::invalid("msisdn", e.explain()))
}

/// An account as an agent sees it: its lock state and the history of PIN attempts,
/// resets and unlocks; never a PIN, the NID, or a hash of either.
#[derive(Debug, Serialize, ToSchema)]
pub struct WalletView {
    /// E.164.
    pub msisdn: String,
    pub name: String,
    /// `active`, `suspended` or `closed`.
    pub status: String,
    /// Locked right now.
    pub locked: bool,
    /// Wrong PINs since the last right one.
    pub failed_pins: i32,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub locked_until: Option<Timestamp>,
    /// Locks since the last right PIN (each lasts longer).
    pub lock_count: i32,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub pin_changed_at: Option<Timestamp>,
    /// Newest first, at most 100.
    pub history: Vec<WalletEventView>,
    /// How many events the account's history holds in all.
    pub history_total: usize,
}

/// One event in an account's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct WalletEventView {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// `customer`, `system` or `user:<id>`.
    pub actor: String,
    /// The staff member's name, when one acted.
    pub actor_name: Option<String>,
    /// `pin.right`, `pin.wrong`, `pin.locked`, `pin.refused_locked`, `reset.started`,
    /// `reset.identity_passed`, `reset.identity_failed`, `reset.otp_resent`,
    /// `reset.otp_failed`, `reset.completed`, `wallet.unlocked`.
    pub action: String,
    /// What the event recorded (attempt number, lock end, reason), secrets removed.
    #[schema(value_type = Object)]
    pub details: Value,
}

impl From<WalletOverview> for WalletView {
    fn from(o: WalletOverview) -> Self {
        WalletView {
            msisdn: o.msisdn,
            name: o.name,
            status: o.status,
            locked: o.locked,
            failed_pins: o.failed_pins,
            locked_until: o.locked_until,
            lock_count: o.lock_count,
            pin_changed_at: o.pin_changed_at,
            history: o
                .history
                .into_iter()
                .map(|e| WalletEventView {
                    at: e.at,
                    actor: e.actor,
                    actor_name: e.actor_name,
                    action: e.action,
                    details: e.details,
                })
                .collect(),
            history_total: o.history_total,
        }
    }
}

/// An account's lock state and reset history (agents and up).
#[utoipa::path(get, path = "/api/v1/wallets/{msisdn}", tag = "wallet", params(("msisdn" = String, Path)),
    responses((status = 200, body = WalletView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn overview(
    State(state): State<AppState>,
    staff: Staff,
    Path(msisdn): Path<String>,
) -> Result<Json<WalletView>, ApiError> {
    staff.require(Permission::ReadCases)?;
    let msisdn = path_msisdn(&msisdn)?;
    let overview = state.app.wallet_overview(&msisdn, staff.caller()).await?;
    Ok(Json(overview.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnlockRequest {
    /// Why, and which identity checks were made; kept in the audit trail.
    #[schema(value_type = String, required = true)]
    pub reason: Option<Value>,
}

/// Unlock an account after checking the caller's identity over the phone (supervisors);
/// recorded with who did it and why. The answer is the account as it now is.
#[utoipa::path(post, path = "/api/v1/wallets/{msisdn}/unlock", tag = "wallet", request_body = UnlockRequest,
    params(("msisdn" = String, Path)),
    responses((status = 200, body = WalletView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn unlock(
    State(state): State<AppState>,
    staff: Staff,
    Path(msisdn): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Json<WalletView>, ApiError> {
    staff.require(Permission::Supervise)?;
    let msisdn = path_msisdn(&msisdn)?;
    let req: UnlockRequest = json_body(&headers, &bytes)?;
    let mut f = Faults::default();
    let reason = f.text("reason", req.reason);
    f.finish()?;
    let Some(reason) = reason else {
        return Err(ApiError::internal());
    };
    state
        .app
        .unlock_wallet(&msisdn, &reason, staff.caller())
        .await?;
    let overview = state.app.wallet_overview(&msisdn, staff.caller()).await?;
    Ok(Json(overview.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_name_every_field_and_never_the_value() {
        let mut f = Faults::default();
        assert!(f.pin("pin", Some(Value::from(12345))).is_none());
        assert!(f.pin("new_pin", None).is_none());
        assert!(f.choice(Some(Value::Bool(true))).is_none());
        assert_eq!(f.choice(Some(Value::from("২"))), Some(2));
        let e = f.finish().expect_err("three faults");
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["pin", "new_pin", "choice"]);
        assert!(e.errors.iter().all(|e| !e.detail.contains("12345")));
    }
}
