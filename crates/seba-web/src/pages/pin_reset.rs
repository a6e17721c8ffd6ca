//! The two-step self PIN reset on the customer portal, for a customer who forgot the PIN or
//! locked the wallet: the mobile number; then who they are (NID, date of birth, and which
//! of four recent transactions they made); then the temporary PIN sent by SMS to the
//! registered number, and the new PIN twice. The same application functions as the app's
//! JSON API (`api::wallet`), as plain forms: no script, fine on a feature phone's browser.
//!
//! - **The reset's token never reaches a URL or a page.** It lives in an HttpOnly,
//!   `SameSite=Strict` cookie scoped to `/pin-reset` (Secure behind TLS) that lasts as long
//!   as the session; the cookie is dropped when the reset ends.
//! - **Every form posts, then redirects** to the page of the step the reset is at, so a
//!   reload, the back button or the language switch never sends anything twice. Each step's
//!   page is drawn from the session as stored (any node can draw it): `GET` of a step the
//!   reset is not at goes to the one it is at; a missing, unknown, expired or finished
//!   reset goes back to the start with a message.
//! - **Every post** is counted against the client's public rate limit and carries the
//!   double-submit anti-forgery token (as the complaint and tracking forms do).
//! - **Nothing here tells whether a number has a wallet**: the start and the identity step
//!   answer an unknown number exactly as they answer a wrong answer, and a wrong answer
//!   never says which one was wrong. Typed NIDs, dates of birth and PINs are never shown
//!   back.
//! - **Input is read leniently and parsed strictly**: fields are read from the posted pairs
//!   by hand (a repeated or unknown field is no framework error), then parsed by
//!   `seba_core::wallet` (Bengali digits are fine); each refusal is explained in the page's
//!   language and names the field.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use maud::{Markup, html};

use seba_app::AppError;
use seba_app::pin_reset::{Choice, ResetError, ResetView};
use seba_core::Bilingual;
use seba_core::bilingual::Explain;
use seba_core::contact::Msisdn;
use seba_core::wallet::{Nid, Pin, parse_date_of_birth};

use super::{
    Lang, cookie_value, errors_box, failed_page, form_token, genuine_form, lang_of, page,
    see_other, set_cookie, t, t_args, with_form_cookie, with_status,
};
use crate::extract::ClientIp;
use crate::state::AppState;

/// The cookie holding the reset's opaque token.
const RESET_COOKIE: &str = "seba_reset";
/// Where a missing or finished reset sends the customer.
const ENDED: &str = "/pin-reset?ended=1";
/// The longest token a cookie may hold; the application's are far shorter.
const TOKEN_MAX: usize = 128;
/// How much of a refused mobile number is shown back in the form.
const ECHO_MAX: usize = 40;

/// The portal's PIN reset routes, all under `/pin-reset` (the cookie's path).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pin-reset", get(start_page).post(start))
        .route("/pin-reset/identity", get(identity_page).post(identity))
        .route("/pin-reset/pin", get(pin_page).post(confirm))
        .route("/pin-reset/resend", post(resend))
        .route("/pin-reset/done", get(done))
}

// ---------------------------------------------------------------------------------------
// The reset's cookie and where the reset stands

/// The token the visitor's cookie holds, if it can be one.
fn reset_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, RESET_COOKIE).filter(|t| {
        (1..=TOKEN_MAX).contains(&t.len())
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Keep the token for `max_age` seconds, for `/pin-reset` only.
fn keep_token(res: Response, state: &AppState, token: &str, max_age: i64) -> Response {
    set_cookie(
        res,
        state,
        &format!("{RESET_COOKIE}={token}; Path=/pin-reset; Max-Age={max_age}; SameSite=Strict"),
    )
}

/// Forget the token.
fn drop_token(res: Response, state: &AppState) -> Response {
    set_cookie(
        res,
        state,
        &format!("{RESET_COOKIE}=; Path=/pin-reset; Max-Age=0; SameSite=Strict"),
    )
}

/// Back to the start, with "your reset has ended", the cookie dropped.
fn ended(state: &AppState) -> Response {
    drop_token(see_other(ENDED), state)
}

/// The two steps a live reset can be at.
enum Standing {
    Identity(IdentityStep),
    Pin(PinStep),
}

/// What step 1's page shows: the four transactions to choose from, and until when the
/// reset lasts.
struct IdentityStep {
    choices: Vec<Bilingual>,
    expires_at: Timestamp,
}

/// What step 2's page shows: where the temporary PIN went, until when it is good, and how
/// many more times it may be sent.
struct PinStep {
    masked: String,
    good_until: Option<Timestamp>,
    resends_left: i32,
}

impl Standing {
    fn path(&self) -> &'static str {
        match self {
            Standing::Identity(_) => "/pin-reset/identity",
            Standing::Pin(_) => "/pin-reset/pin",
        }
    }
}

/// Where the reset a token names stands: `None` if the token is unknown, or the reset has
/// expired, failed or finished.
///
/// Read from the stored session (`App::pin_reset_view`), so that each step's page can be
/// drawn on a `GET` on any node.
async fn read_standing(state: &AppState, token: &str) -> Result<Option<Standing>, AppError> {
    Ok(state
        .app
        .pin_reset_view(token)
        .await?
        .map(|view| match view {
            ResetView::Identity {
                choices,
                expires_at,
            } => Standing::Identity(IdentityStep {
                choices: choices.iter().map(Choice::label).collect(),
                expires_at,
            }),
            ResetView::TemporaryPin {
                masked_msisdn,
                temporary_pin_expires_at,
                resends_left,
            } => Standing::Pin(PinStep {
                masked: masked_msisdn,
                good_until: temporary_pin_expires_at,
                resends_left,
            }),
        }))
}

/// The visitor's live reset and its token; otherwise the response that sends them back to
/// the start (no cookie, or a reset that is unknown, expired or over).
async fn current(state: &AppState, headers: &HeaderMap) -> Result<(String, Standing), Response> {
    let Some(token) = reset_token(headers) else {
        return Err(ended(state));
    };
    match read_standing(state, &token).await {
        Ok(Some(standing)) => Ok((token, standing)),
        Ok(None) => Err(ended(state)),
        Err(e) => Err(failed_page(lang_of(headers), ENDED, e)),
    }
}

/// The visitor's reset if it is at step 1; otherwise where they belong.
async fn at_identity(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(String, IdentityStep), Response> {
    match current(state, headers).await? {
        (token, Standing::Identity(step)) => Ok((token, step)),
        (_, other) => Err(see_other(other.path())),
    }
}

/// The visitor's reset if it is at step 2; otherwise where they belong.
async fn at_pin(state: &AppState, headers: &HeaderMap) -> Result<(String, PinStep), Response> {
    match current(state, headers).await? {
        (token, Standing::Pin(step)) => Ok((token, step)),
        (_, other) => Err(see_other(other.path())),
    }
}

// ---------------------------------------------------------------------------------------
// Reading forms

/// A form's fields as posted, every pair kept.
type Fields = Vec<(String, String)>;

/// The first value of a field, or empty.
fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// "Label: what is wrong", in the page's language.
fn fault(lang: Lang, label: &str, why: &Bilingual) -> String {
    format!("{}: {}", t(lang, label), lang.pick(&why.bn, &why.en))
}

fn explained(lang: Lang, e: &impl Explain) -> String {
    let b = e.explain();
    lang.pick(&b.bn, &b.en).to_string()
}

/// A time of day in the deployment's time zone, in the page's digits.
fn clock(state: &AppState, lang: Lang, at: Timestamp) -> String {
    let tz = TimeZone::get(&state.app.settings.time_zone).unwrap_or(TimeZone::UTC);
    lang.digits(&at.to_zoned(tz).strftime("%H:%M").to_string())
}

/// The rate limit every post passes first. Over it: a page that says so (429, with
/// `Retry-After`); a reset under way is kept, with the way back to it.
fn admit(state: &AppState, ip: std::net::IpAddr, headers: &HeaderMap) -> Result<(), Response> {
    state.check_public_rate(ip).map_err(|e| {
        let lang = lang_of(headers);
        let errors = [lang.pick(&e.detail.bn, &e.detail.en).to_string()];
        let status = StatusCode::TOO_MANY_REQUESTS;
        let mut res = if reset_token(headers).is_some() {
            // The identity page sends the visitor on to whichever step the reset is at.
            let body = html! {
                h1 { (t(lang, "reset-title")) }
                (errors_box(None, &errors))
                p { a.button href="/pin-reset/identity" { (t(lang, "reset-continue")) } }
            };
            let title = t(lang, "reset-title");
            with_status(page(lang, "/pin-reset", &title, body), status)
        } else {
            start_form_page(state, headers, "", &errors, status)
        };
        for (name, value) in e.headers {
            res.headers_mut().insert(name, value);
        }
        res
    })
}

// ---------------------------------------------------------------------------------------
// The start: the mobile number

fn start_form(lang: Lang, csrf: &str, msisdn: &str, notice: bool, errors: &[String]) -> Markup {
    html! {
        h1 { (t(lang, "reset-title")) }
        @if notice { p.notice role="status" { (t(lang, "reset-ended")) } }
        p { (t(lang, "reset-intro")) }
        (errors_box(None, errors))
        form method="post" action="/pin-reset" accept-charset="utf-8" {
            input type="hidden" name="csrf" value=(csrf);
            p {
                label for="msisdn" { (t(lang, "reset-msisdn")) }
                br;
                input id="msisdn" name="msisdn" type="tel" inputmode="tel" autocomplete="tel"
                    required maxlength="20" value=(msisdn) aria-describedby="msisdn-hint";
                br;
                small id="msisdn-hint" { (t(lang, "file-msisdn-hint")) }
            }
            p { button type="submit" { (t(lang, "reset-start")) } }
        }
        p { small { (t(lang, "reset-safety")) } }
    }
}

/// The start form with what was typed and why it was refused, the anti-forgery cookie
/// renewed.
fn start_form_page(
    state: &AppState,
    headers: &HeaderMap,
    msisdn: &str,
    errors: &[String],
    status: StatusCode,
) -> Response {
    let lang = lang_of(headers);
    let csrf = form_token(state, headers);
    let msisdn: String = msisdn.chars().take(ECHO_MAX).collect();
    let body = start_form(lang, &csrf, &msisdn, false, errors);
    let res = with_status(
        page(lang, "/pin-reset", &t(lang, "reset-title"), body),
        status,
    );
    with_form_cookie(res, state, &csrf)
}

/// `GET /pin-reset`: the mobile number form (with "your reset has ended" after `?ended`).
pub async fn start_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> Response {
    let lang = lang_of(&headers);
    let csrf = form_token(&state, &headers);
    let notice = q.iter().any(|(k, _)| k == "ended");
    let body = start_form(lang, &csrf, "", notice, &[]);
    with_form_cookie(
        page(lang, "/pin-reset", &t(lang, "reset-title"), body),
        &state,
        &csrf,
    )
}

/// `POST /pin-reset`: start a reset for the number (the same answer whether or not it has
/// a wallet), keep its token in the cookie, on to step 1.
pub async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let lang = lang_of(&headers);
    if let Err(res) = admit(&state, ip, &headers) {
        return res;
    }
    let typed = field(&fields, "msisdn");
    if !genuine_form(&headers, field(&fields, "csrf")) {
        let expired = [t(lang, "file-expired")];
        return start_form_page(&state, &headers, typed, &expired, StatusCode::FORBIDDEN);
    }
    let msisdn = match Msisdn::parse(typed) {
        Ok(m) => m,
        Err(e) => {
            let errors = [fault(lang, "reset-msisdn", &e.explain())];
            return start_form_page(
                &state,
                &headers,
                typed,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match state.app.start_pin_reset(&msisdn).await {
        Ok(started) => {
            let max_age = (started.expires_at - state.app.now()).get_seconds().max(0);
            keep_token(
                see_other("/pin-reset/identity"),
                &state,
                &started.token,
                max_age,
            )
        }
        Err(ResetError::App(e)) => failed_page(lang, "/pin-reset", e),
        Err(e) => {
            let status = status_of(&e);
            start_form_page(&state, &headers, typed, &[explained(lang, &e)], status)
        }
    }
}

/// The status a refused step answers with.
fn status_of(e: &ResetError) -> StatusCode {
    match e {
        ResetError::Blocked { .. } | ResetError::TooMany => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// A step refused in a way that ends the reset (blocked, or its attempts used up): the
/// start form with why, and the cookie dropped.
fn over(state: &AppState, headers: &HeaderMap, errors: &[String], status: StatusCode) -> Response {
    drop_token(start_form_page(state, headers, "", errors, status), state)
}

// ---------------------------------------------------------------------------------------
// Step 1: who you are

fn identity_form(
    state: &AppState,
    lang: Lang,
    csrf: &str,
    step: &IdentityStep,
    errors: &[String],
) -> Markup {
    html! {
        h1 { (t(lang, "reset-step1-title")) }
        p { (t(lang, "reset-step1-intro")) }
        (errors_box(None, errors))
        form method="post" action="/pin-reset/identity" accept-charset="utf-8" autocomplete="off" {
            input type="hidden" name="csrf" value=(csrf);
            p {
                label for="nid" { (t(lang, "reset-nid")) }
                br;
                input id="nid" name="nid" required inputmode="numeric" autocomplete="off"
                    maxlength="40" aria-describedby="nid-hint";
                br;
                small id="nid-hint" { (t(lang, "reset-nid-hint")) }
            }
            p {
                label for="dob" { (t(lang, "reset-dob")) }
                br;
                input id="dob" name="dob" type="text" required autocomplete="off"
                    maxlength="20" aria-describedby="dob-hint";
                br;
                small id="dob-hint" { (t(lang, "reset-dob-hint")) }
            }
            fieldset {
                legend { strong { (t(lang, "reset-choice")) } }
                @for (i, choice) in step.choices.iter().enumerate() {
                    label for=(format!("choice-{i}")) {
                        input type="radio" id=(format!("choice-{i}")) name="choice" value=(i) required;
                        " " span.choice { (lang.pick(&choice.bn, &choice.en)) }
                    }
                    br;
                }
            }
            p { button type="submit" { (t(lang, "reset-step1-send")) } }
        }
        p { small { (t_args(lang, "reset-open-until", &[("time", clock(state, lang, step.expires_at).into())])) } }
        p { a href="/pin-reset" { (t(lang, "reset-start-again")) } }
    }
}

fn identity_again(
    state: &AppState,
    headers: &HeaderMap,
    step: &IdentityStep,
    errors: &[String],
    status: StatusCode,
) -> Response {
    let lang = lang_of(headers);
    let csrf = form_token(state, headers);
    let body = identity_form(state, lang, &csrf, step, errors);
    let res = page(
        lang,
        "/pin-reset/identity",
        &t(lang, "reset-step1-title"),
        body,
    );
    with_form_cookie(with_status(res, status), state, &csrf)
}

/// `GET /pin-reset/identity`: step 1.
pub async fn identity_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match at_identity(&state, &headers).await {
        Ok((_, step)) => identity_again(&state, &headers, &step, &[], StatusCode::OK),
        Err(res) => res,
    }
}

/// `POST /pin-reset/identity`: check the answers; on success a temporary PIN goes by SMS
/// and step 2 follows.
pub async fn identity(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let lang = lang_of(&headers);
    if let Err(res) = admit(&state, ip, &headers) {
        return res;
    }
    let (token, step) = match at_identity(&state, &headers).await {
        Ok(at) => at,
        Err(res) => return res,
    };
    if !genuine_form(&headers, field(&fields, "csrf")) {
        let expired = [t(lang, "file-expired")];
        return identity_again(&state, &headers, &step, &expired, StatusCode::FORBIDDEN);
    }

    // Every field is checked, so that one answer names every fault.
    let mut errors = Vec::new();
    let nid = Nid::parse(field(&fields, "nid"))
        .map_err(|e| errors.push(fault(lang, "reset-nid", &e.explain())))
        .ok();
    let tz = TimeZone::get(&state.app.settings.time_zone).unwrap_or(TimeZone::UTC);
    let today = state.app.now().to_zoned(tz).date();
    let dob = parse_date_of_birth(field(&fields, "dob"), today)
        .map_err(|e| errors.push(fault(lang, "reset-dob", &e.explain())))
        .ok();
    let choice = seba_core::text::ascii_digits(field(&fields, "choice").trim())
        .parse::<usize>()
        .ok()
        .filter(|c| *c < step.choices.len());
    if choice.is_none() {
        errors.push(t(lang, "reset-choice-missing"));
    }
    let (Some(nid), Some(dob), Some(choice)) = (nid, dob, choice) else {
        return identity_again(
            &state,
            &headers,
            &step,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };

    match state
        .app
        .pin_reset_identity(&token, &nid, dob, choice)
        .await
    {
        Ok(_) => see_other("/pin-reset/pin"),
        Err(ResetError::NotVerified) => {
            let why = explained(lang, &ResetError::NotVerified);
            // The last attempt the session allowed ends it: start again.
            match read_standing(&state, &token).await {
                Ok(Some(Standing::Identity(now))) => identity_again(
                    &state,
                    &headers,
                    &now,
                    &[why],
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Ok(_) => over(
                    &state,
                    &headers,
                    &[why, explained(lang, &ResetError::Expired)],
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Err(e) => failed_page(lang, "/pin-reset/identity", e),
            }
        }
        Err(e) => step_refused(&state, &headers, e, |errors, status| {
            identity_again(&state, &headers, &step, errors, status)
        }),
    }
}

/// What a refused step answers, but for the refusals a step handles itself: the reset
/// over (to the start, with why or with "it has ended"), out of order (to the step it is
/// at), a failure of the server (its page), or the step's own page again with why.
fn step_refused(
    state: &AppState,
    headers: &HeaderMap,
    e: ResetError,
    again: impl FnOnce(&[String], StatusCode) -> Response,
) -> Response {
    let lang = lang_of(headers);
    match e {
        ResetError::Expired => ended(state),
        // Another tab moved the reset on: its current step's page says where it is.
        ResetError::OutOfOrder => see_other("/pin-reset/identity"),
        ResetError::Blocked { .. } => over(state, headers, &[explained(lang, &e)], status_of(&e)),
        ResetError::App(e) => failed_page(lang, "/pin-reset", e),
        other => again(&[explained(lang, &other)], status_of(&other)),
    }
}

// ---------------------------------------------------------------------------------------
// Step 2: the temporary PIN and the new PIN

fn pin_form(
    state: &AppState,
    lang: Lang,
    csrf: &str,
    step: &PinStep,
    resent: bool,
    errors: &[String],
) -> Markup {
    let until = step
        .good_until
        .map(|at| clock(state, lang, at))
        .unwrap_or_default();
    html! {
        h1 { (t(lang, "reset-step2-title")) }
        @if resent { p.notice role="status" { (t(lang, "reset-resent")) } }
        p { (t_args(lang, "reset-sent", &[
            ("number", lang.digits(&step.masked).into()),
            ("time", until.into()),
        ])) }
        (errors_box(None, errors))
        form method="post" action="/pin-reset/pin" accept-charset="utf-8" {
            input type="hidden" name="csrf" value=(csrf);
            p {
                label for="temporary" { (t(lang, "reset-temporary")) }
                br;
                input id="temporary" name="temporary" required inputmode="numeric"
                    autocomplete="one-time-code" maxlength="20";
            }
            p {
                label for="new_pin" { (t(lang, "reset-new")) }
                br;
                input id="new_pin" name="new_pin" type="password" required inputmode="numeric"
                    autocomplete="new-password" maxlength="20" aria-describedby="new-hint";
                br;
                small id="new-hint" { (t(lang, "reset-new-hint")) }
            }
            p {
                label for="again" { (t(lang, "reset-again")) }
                br;
                input id="again" name="again" type="password" required inputmode="numeric"
                    autocomplete="new-password" maxlength="20";
            }
            p { button type="submit" { (t(lang, "reset-confirm")) } }
        }
        @if step.resends_left > 0 {
            form method="post" action="/pin-reset/resend" accept-charset="utf-8" {
                input type="hidden" name="csrf" value=(csrf);
                p {
                    small { (t_args(lang, "reset-resends-left", &[("count", lang.count(i64::from(step.resends_left)))])) }
                    br;
                    button.button.secondary type="submit" { (t(lang, "reset-resend")) }
                }
            }
        } @else {
            p { small { (t(lang, "reset-no-resends")) } }
        }
        p { a href="/pin-reset" { (t(lang, "reset-start-again")) } }
    }
}

fn pin_again(
    state: &AppState,
    headers: &HeaderMap,
    step: &PinStep,
    resent: bool,
    errors: &[String],
    status: StatusCode,
) -> Response {
    let lang = lang_of(headers);
    let csrf = form_token(state, headers);
    let body = pin_form(state, lang, &csrf, step, resent, errors);
    let res = page(lang, "/pin-reset/pin", &t(lang, "reset-step2-title"), body);
    with_form_cookie(with_status(res, status), state, &csrf)
}

/// `GET /pin-reset/pin`: step 2 (`?resent` after a new temporary PIN was sent).
pub async fn pin_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> Response {
    let resent = q.iter().any(|(k, _)| k == "resent");
    match at_pin(&state, &headers).await {
        Ok((_, step)) => pin_again(&state, &headers, &step, resent, &[], StatusCode::OK),
        Err(res) => res,
    }
}

/// `POST /pin-reset/pin`: the temporary PIN and the new PIN twice; on success the PIN is
/// changed (and the wallet unlocked), the cookie dropped, and the success page follows.
pub async fn confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let lang = lang_of(&headers);
    if let Err(res) = admit(&state, ip, &headers) {
        return res;
    }
    let (token, step) = match at_pin(&state, &headers).await {
        Ok(at) => at,
        Err(res) => return res,
    };
    let again =
        |errors: &[String], status| pin_again(&state, &headers, &step, false, errors, status);
    if !genuine_form(&headers, field(&fields, "csrf")) {
        return again(&[t(lang, "file-expired")], StatusCode::FORBIDDEN);
    }
    let mut errors = Vec::new();
    let mut pin = |name: &str, label: &str| {
        Pin::parse(field(&fields, name))
            .map_err(|e| errors.push(fault(lang, label, &e.explain())))
            .ok()
    };
    let temporary = pin("temporary", "reset-temporary");
    let new_pin = pin("new_pin", "reset-new");
    let repeated = pin("again", "reset-again");
    let (Some(temporary), Some(new_pin), Some(repeated)) = (temporary, new_pin, repeated) else {
        return again(&errors, StatusCode::UNPROCESSABLE_ENTITY);
    };

    match state
        .app
        .pin_reset_confirm(&token, &temporary, &new_pin, &repeated)
        .await
    {
        Ok(()) => drop_token(see_other("/pin-reset/done"), &state),
        // The last wrong temporary PIN the session allowed ends it.
        Err(e @ ResetError::WrongTemporaryPin { attempts_left: 0 }) => over(
            &state,
            &headers,
            &[explained(lang, &e), explained(lang, &ResetError::Expired)],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => step_refused(&state, &headers, e, again),
    }
}

/// `POST /pin-reset/resend`: a new temporary PIN by SMS (the previous one stops working).
pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let lang = lang_of(&headers);
    if let Err(res) = admit(&state, ip, &headers) {
        return res;
    }
    let (token, step) = match at_pin(&state, &headers).await {
        Ok(at) => at,
        Err(res) => return res,
    };
    let again =
        |errors: &[String], status| pin_again(&state, &headers, &step, false, errors, status);
    if !genuine_form(&headers, field(&fields, "csrf")) {
        return again(&[t(lang, "file-expired")], StatusCode::FORBIDDEN);
    }
    match state.app.pin_reset_resend(&token).await {
        Ok(_) => see_other("/pin-reset/pin?resent=1"),
        // No more sends: the temporary PIN already sent still works.
        Err(e) => step_refused(&state, &headers, e, again),
    }
}

// ---------------------------------------------------------------------------------------
// Done

/// `GET /pin-reset/done`: the PIN was changed. Says nothing about whose: the cookie is
/// already gone, and the page holds nothing of the reset.
pub async fn done(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let hotline = lang.digits(&state.hotline);
    let body = html! {
        h1 { (t(lang, "reset-done-title")) }
        p.notice role="status" { (t(lang, "reset-done-body")) }
        p { (t_args(lang, "reset-done-warning", &[("hotline", hotline.into())])) }
        p { a.button href="/" { (t(lang, "reset-done-home")) } }
    };
    page(lang, "/pin-reset/done", &t(lang, "reset-done-title"), body)
}
