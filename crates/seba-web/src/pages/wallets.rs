//! Wallet accounts on the staff desk: look an account up by mobile number, see its lock
//! state and the history of PIN attempts, resets and unlocks (who, when, what), and — a
//! supervisor, after checking the caller's identity over the phone — unlock it, for a
//! reason the audit trail keeps with their name.
//!
//! What the page shows comes from `App::wallet_overview`, which never carries a PIN, the
//! NID or a hash of either; of each event's recorded details the page shows only the
//! ones named in [`DETAILS`], so a reset session's reference is not shown either.
//! Agents and up see accounts ([`Permission::ReadCases`]); unlocking asks for
//! [`Permission::Supervise`], here and again in the application, and its form is shown
//! only to those who have it. The unlock form carries the session's anti-forgery token,
//! and a done unlock redirects back to the account with a notice (POST, redirect, GET).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use jiff::Timestamp;
use maud::{Markup, html};
use serde_json::Value;

use seba_app::AppError;
use seba_app::cases::Caller;
use seba_app::wallet::{WalletEvent, WalletOverview};
use seba_core::bilingual::Explain;
use seba_core::contact::Msisdn;
use seba_core::staff::Permission;
use seba_store::StoreError;

use super::agent::when;
use super::staff::{Desk, desk_page, forbidden};
use super::{Lang, error_texts, errors_box, see_other, t, t_args, with_status};
use crate::state::AppState;

/// The longest unlock reason the form takes (the application's limit).
const REASON_MAX: usize = 500;

/// The event details the history shows, in this order; anything else an event recorded
/// (a reset session's reference, versions) is not for the desk.
const DETAILS: &[&str] = &[
    "attempt",
    "failures",
    "locked_until",
    "blocked_until",
    "was_locked",
    "started_today",
    "expires_at",
    "step",
    "reason",
];

/// The wallet pages, under `/agent/wallets`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agent/wallets", get(lookup))
        .route("/agent/wallets/{msisdn}", get(account))
        .route("/agent/wallets/{msisdn}/unlock", post(unlock))
}

type Page = Result<Response, Response>;

/// A form's fields as posted, every pair kept.
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// The account page's path for a number.
fn account_path(msisdn: &Msisdn) -> String {
    format!("/agent/wallets/{}", msisdn.national())
}

// ---------------------------------------------------------------------------------------
// Looking an account up

fn lookup_form(lang: Lang, typed: &str) -> Markup {
    html! {
        form.inline-form method="get" action="/agent/wallets" accept-charset="utf-8" {
            label for="msisdn" { (t(lang, "wallet-msisdn")) }
            " "
            input id="msisdn" name="msisdn" type="tel" inputmode="tel" required maxlength="20"
                autocomplete="off" value=(typed);
            " "
            button type="submit" { (t(lang, "wallet-lookup")) }
        }
    }
}

/// The lookup form, with why a number was refused or not found.
fn lookup_page(desk: &Desk, typed: &str, errors: &[String], status: StatusCode) -> Response {
    let lang = desk.lang;
    let typed: String = typed.chars().take(40).collect();
    let body = html! {
        h1 { (t(lang, "wallet-lookup-title")) }
        p { (t(lang, "wallet-lookup-intro")) }
        (errors_box(None, errors))
        (lookup_form(lang, &typed))
    };
    with_status(
        desk_page(
            desk,
            "/agent/wallets",
            &t(lang, "wallet-lookup-title"),
            body,
        ),
        status,
    )
}

/// `GET /agent/wallets?msisdn=`: the lookup form; with a number, on to its account.
pub async fn lookup(desk: Desk, Query(q): Query<Fields>) -> Page {
    desk.require(Permission::ReadCases)?;
    let typed = field(&q, "msisdn").trim();
    if typed.is_empty() {
        return Ok(lookup_page(&desk, "", &[], StatusCode::OK));
    }
    match Msisdn::parse(typed) {
        Ok(m) => Ok(see_other(&account_path(&m))),
        Err(e) => {
            let b = e.explain();
            let errors = [desk.lang.pick(&b.bn, &b.en).to_string()];
            Ok(lookup_page(
                &desk,
                typed,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------
// An account

/// What the account page says at the top after a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notice {
    None,
    Unlocked,
}

/// `GET /agent/wallets/{msisdn}`: the account's lock state and history.
pub async fn account(
    State(state): State<AppState>,
    desk: Desk,
    Path(raw): Path<String>,
    Query(q): Query<Fields>,
) -> Page {
    desk.require(Permission::ReadCases)?;
    let msisdn = parse_path(&desk, &raw)?;
    let notice = if q.iter().any(|(k, _)| k == "unlocked") {
        Notice::Unlocked
    } else {
        Notice::None
    };
    account_page(&state, &desk, &msisdn, notice, &[], "", StatusCode::OK).await
}

/// The number in the path, or the lookup form saying why it is none (404).
fn parse_path(desk: &Desk, raw: &str) -> Result<Msisdn, Response> {
    Msisdn::parse(raw).map_err(|e| {
        let b = e.explain();
        let errors = [desk.lang.pick(&b.bn, &b.en).to_string()];
        lookup_page(desk, raw, &errors, StatusCode::NOT_FOUND)
    })
}

/// The account page, with a notice, or with the unlock form's errors and its reason kept.
async fn account_page(
    state: &AppState,
    desk: &Desk,
    msisdn: &Msisdn,
    notice: Notice,
    errors: &[String],
    reason: &str,
    status: StatusCode,
) -> Page {
    let lang = desk.lang;
    let caller = Caller::staff(desk.user.id, desk.user.role);
    let overview = match state.app.wallet_overview(msisdn, caller).await {
        Ok(o) => o,
        Err(AppError::Store(StoreError::NotFound)) => {
            let errors = [t(lang, "wallet-not-found")];
            let typed = msisdn.national();
            return Err(lookup_page(desk, &typed, &errors, StatusCode::NOT_FOUND));
        }
        Err(AppError::Forbidden(_)) => return Err(forbidden(desk)),
        Err(e) => return Err(failed(desk, &account_path(msisdn), e)),
    };
    let path = account_path(msisdn);
    let number = lang.digits(&msisdn.national());
    let title = t_args(lang, "wallet-title", &[("number", number.clone().into())]);
    let body = html! {
        p { a href="/agent/wallets" { "← " (t(lang, "wallet-lookup-title")) } }
        h1 { (title) }
        @if notice == Notice::Unlocked {
            p.notice role="status" { (t(lang, "wallet-unlocked")) }
        }
        (summary(state, lang, &overview))
        (errors_box(None, errors))
        (unlock_section(desk, msisdn, &overview, reason))
        (history(state, lang, &overview))
    };
    Ok(with_status(desk_page(desk, &path, &title, body), status))
}

/// Who holds the account, its status and its lock.
fn summary(state: &AppState, lang: Lang, o: &WalletOverview) -> Markup {
    let status_key = match o.status.as_str() {
        "active" => Some("wallet-status-active"),
        "suspended" => Some("wallet-status-suspended"),
        "closed" => Some("wallet-status-closed"),
        _ => None,
    };
    html! {
        section.card {
            table.list {
                tbody {
                    tr { th scope="row" { (t(lang, "wallet-name")) } td { (o.name) } }
                    tr {
                        th scope="row" { (t(lang, "wallet-status")) }
                        td { @match status_key { Some(k) => (t(lang, k)), None => (o.status) } }
                    }
                    tr {
                        th scope="row" { (t(lang, "wallet-lock")) }
                        td {
                            @match (o.locked, o.locked_until) {
                                (true, Some(until)) => {
                                    span.pill.breached { (t(lang, "wallet-locked")) }
                                    " " (t_args(lang, "wallet-locked-until", &[("time", when(state, lang, until).into())]))
                                }
                                _ => { (t(lang, "wallet-not-locked")) }
                            }
                        }
                    }
                    tr {
                        th scope="row" { (t(lang, "wallet-failed-pins")) }
                        td { (lang.int(i64::from(o.failed_pins))) }
                    }
                    tr {
                        th scope="row" { (t(lang, "wallet-lock-count")) }
                        td { (lang.int(i64::from(o.lock_count))) }
                    }
                    tr {
                        th scope="row" { (t(lang, "wallet-pin-changed")) }
                        td {
                            @match o.pin_changed_at {
                                Some(at) => (when(state, lang, at)),
                                None => (t(lang, "wallet-never")),
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The unlock form for a supervisor (when there is something to unlock); for everyone
/// else, who may unlock.
fn unlock_section(desk: &Desk, msisdn: &Msisdn, o: &WalletOverview, reason: &str) -> Markup {
    let lang = desk.lang;
    let something = o.locked || o.failed_pins > 0;
    html! {
        section.card {
            h2 { (t(lang, "wallet-unlock-title")) }
            @if !desk.can(Permission::Supervise) {
                p.muted { (t(lang, "wallet-unlock-supervisors")) }
            } @else if !something {
                p.muted { (t(lang, "wallet-nothing-to-unlock")) }
            } @else {
                p { (t(lang, "wallet-unlock-intro")) }
                form method="post" action=(format!("{}/unlock", account_path(msisdn)))
                    accept-charset="utf-8" {
                    (desk.csrf_field())
                    p {
                        label for="reason" { (t(lang, "wallet-unlock-reason")) }
                        br;
                        textarea id="reason" name="reason" rows="3" required
                            maxlength=(REASON_MAX) { (reason) }
                    }
                    p { button type="submit" id="unlock" { (t(lang, "wallet-unlock")) } }
                }
            }
        }
    }
}

/// The account's events, newest first.
fn history(state: &AppState, lang: Lang, o: &WalletOverview) -> Markup {
    html! {
        h2 { (t(lang, "wallet-history")) }
        @if o.history.is_empty() {
            p.muted { (t(lang, "wallet-history-empty")) }
        } @else {
            @if o.history_total > o.history.len() {
                p.muted { (t_args(lang, "wallet-history-shown", &[
                    ("shown", lang.count(o.history.len() as i64)),
                    ("total", lang.count(o.history_total as i64)),
                ])) }
            }
            div.table-wrap {
                table.list {
                    thead { tr {
                        th { (t(lang, "wallet-when")) }
                        th { (t(lang, "wallet-who")) }
                        th { (t(lang, "wallet-what")) }
                        th { (t(lang, "wallet-details")) }
                    } }
                    tbody {
                        @for e in &o.history {
                            tr {
                                td { (when(state, lang, e.at)) }
                                td { (who(lang, e)) }
                                td { (action(lang, &e.action)) }
                                td { (details(state, lang, &e.details)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Who acted: the customer, the system, or the staff member by name.
fn who(lang: Lang, e: &WalletEvent) -> String {
    match e.actor.as_str() {
        "customer" => t(lang, "wallet-actor-customer"),
        "system" => t(lang, "wallet-actor-system"),
        other => e.actor_name.clone().unwrap_or_else(|| other.to_string()),
    }
}

/// An event's action in words (the code itself for one this page does not know).
fn action(lang: Lang, code: &str) -> String {
    let key = match code {
        "pin.right" => "wallet-action-pin-right",
        "pin.wrong" => "wallet-action-pin-wrong",
        "pin.locked" => "wallet-action-pin-locked",
        "pin.refused_locked" => "wallet-action-pin-refused-locked",
        "reset.started" => "wallet-action-reset-started",
        "reset.identity_failed" => "wallet-action-reset-identity-failed",
        "reset.identity_passed" => "wallet-action-reset-identity-passed",
        "reset.otp_resent" => "wallet-action-reset-otp-resent",
        "reset.otp_failed" => "wallet-action-reset-otp-failed",
        "reset.completed" => "wallet-action-reset-completed",
        "wallet.unlocked" => "wallet-action-unlocked",
        other => return other.to_string(),
    };
    t(lang, key)
}

/// The details of [`DETAILS`] an event recorded, one a line.
fn details(state: &AppState, lang: Lang, v: &Value) -> Markup {
    let Value::Object(map) = v else {
        return html! {};
    };
    let shown: Vec<(&str, &Value)> = DETAILS
        .iter()
        .filter_map(|k| map.get(*k).filter(|v| !v.is_null()).map(|v| (*k, v)))
        .collect();
    html! {
        @for (i, (key, value)) in shown.iter().enumerate() {
            @if i > 0 { br; }
            span.muted { (t(lang, &format!("wallet-detail-{}", key.replace('_', "-")))) ": " }
            (detail_value(state, lang, key, value))
        }
    }
}

fn detail_value(state: &AppState, lang: Lang, key: &str, value: &Value) -> String {
    match value {
        Value::Bool(b) => t(lang, if *b { "wallet-yes" } else { "wallet-no" }),
        Value::Number(n) => n
            .as_i64()
            .map(|n| lang.int(n))
            .unwrap_or_else(|| n.to_string()),
        Value::String(s) if key.ends_with("_until") || key.ends_with("_at") => s
            .parse::<Timestamp>()
            .map(|at| when(state, lang, at))
            .unwrap_or_else(|_| s.clone()),
        Value::String(s) if key == "step" => match s.as_str() {
            "identity" => t(lang, "wallet-step-identity"),
            "otp" => t(lang, "wallet-step-otp"),
            "failed" => t(lang, "wallet-step-failed"),
            other => other.to_string(),
        },
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A failure of the server, on a desk page with its status.
fn failed(desk: &Desk, path: &str, e: AppError) -> Response {
    let (status, errors) = error_texts(desk.lang, e);
    failed_with(desk, path, status, &errors)
}

fn failed_with(desk: &Desk, path: &str, status: StatusCode, errors: &[String]) -> Response {
    let body = html! {
        h1 { (t(desk.lang, "page-failed")) }
        (errors_box(None, errors))
    };
    with_status(
        desk_page(desk, path, &t(desk.lang, "page-failed"), body),
        status,
    )
}

// ---------------------------------------------------------------------------------------
// Unlocking

/// `POST /agent/wallets/{msisdn}/unlock`: a supervisor clears the lock and the wrong-PIN
/// count (the PIN stays), for a reason recorded with their name; back to the account.
pub async fn unlock(
    State(state): State<AppState>,
    desk: Desk,
    Path(raw): Path<String>,
    Form(fields): Form<Fields>,
) -> Page {
    desk.require(Permission::Supervise)?;
    desk.check(field(&fields, "csrf"))?;
    let msisdn = parse_path(&desk, &raw)?;
    let reason = field(&fields, "reason");
    let lang = desk.lang;
    let refused = |errors: Vec<String>| {
        let (state, desk, msisdn) = (&state, &desk, &msisdn);
        async move {
            account_page(
                state,
                desk,
                msisdn,
                Notice::None,
                &errors,
                reason,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    if reason.trim().is_empty() {
        return refused(vec![t(lang, "wallet-reason-missing")]).await;
    }
    if reason.chars().count() > REASON_MAX {
        return refused(vec![t(lang, "wallet-reason-long")]).await;
    }
    let caller = Caller::staff(desk.user.id, desk.user.role);
    match state.app.unlock_wallet(&msisdn, reason, caller).await {
        Ok(()) => Ok(see_other(&format!("{}?unlocked=1", account_path(&msisdn)))),
        Err(AppError::Forbidden(_)) => Err(forbidden(&desk)),
        Err(AppError::Store(StoreError::NotFound)) => {
            account_page(
                &state,
                &desk,
                &msisdn,
                Notice::None,
                &[],
                "",
                StatusCode::NOT_FOUND,
            )
            .await
        }
        Err(e) => {
            let (status, errors) = error_texts(lang, e);
            if status.is_server_error() {
                return Err(failed_with(&desk, &account_path(&msisdn), status, &errors));
            }
            refused(errors).await
        }
    }
}
