//! Tracking a complaint from the portal, in three plain forms: the case number and mobile
//! number; then the one-time code sent by SMS to that number (the page says the same
//! whether or not the numbers match); then the case itself — its status, its deadline in
//! plain words and the public conversation — through a short-lived view pass kept in an
//! HttpOnly cookie.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use seba_app::AppError;

use super::{
    Lang, cookie_value, error_texts, errors_box, form_idem, form_token, genuine_form, lang_of,
    page, replayed, see_other, set_cookie, t, t_args, with_form_cookie, with_status,
};
use crate::extract::ClientIp;
use crate::state::AppState;

/// The cookie holding the view pass after a correct code.
const VIEW_COOKIE: &str = "seba_view";

#[derive(Debug, Default, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    msisdn: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    challenge: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

fn start_form(lang: Lang, token: &str, values: &StartForm, errors: &[String]) -> Markup {
    html! {
        h1 { (t(lang, "track-title")) }
        p { (t(lang, "track-intro")) }
        (errors_box(None, errors))
        form method="post" action="/track" accept-charset="utf-8" {
            input type="hidden" name="csrf" value=(token);
            p {
                label for="number" { (t(lang, "track-number")) }
                br;
                input id="number" name="number" required value=(values.number)
                    inputmode="numeric" autocomplete="off" aria-describedby="number-hint";
                br;
                small id="number-hint" { (t(lang, "track-number-hint")) }
            }
            p {
                label for="msisdn" { (t(lang, "file-msisdn")) }
                br;
                input id="msisdn" name="msisdn" type="tel" inputmode="tel" autocomplete="tel"
                    required value=(values.msisdn);
            }
            p { button type="submit" { (t(lang, "track-send-code")) } }
        }
    }
}

fn code_form(lang: Lang, token: &str, challenge: &str, errors: &[String]) -> Markup {
    html! {
        h1 { (t(lang, "track-code-title")) }
        @if errors.is_empty() { p { (t(lang, "track-code-sent")) } }
        (errors_box(None, errors))
        form method="post" action="/track/verify" accept-charset="utf-8" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="challenge" value=(challenge);
            p {
                label for="code" { (t(lang, "track-code")) }
                br;
                input id="code" name="code" required inputmode="numeric"
                    autocomplete="one-time-code" maxlength="12";
            }
            p { button type="submit" { (t(lang, "track-show")) } }
        }
    }
}

/// The first form again (after a forged post, or once the view pass has lapsed), with the
/// anti-forgery cookie renewed.
fn start_again(
    state: &AppState,
    lang: Lang,
    token: &str,
    values: &StartForm,
    errors: &[String],
    status: StatusCode,
) -> Response {
    let body = start_form(lang, token, values, errors);
    let res = page(lang, "/track", &t(lang, "track-title"), body);
    with_form_cookie(with_status(res, status), state, token)
}

/// `GET /track`: the first form.
pub async fn start_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let token = form_token(&state, &headers);
    start_again(
        &state,
        lang,
        &token,
        &StartForm::default(),
        &[],
        StatusCode::OK,
    )
}

/// What every tracking form's post checks first: the rate limit, then the anti-forgery
/// token (a forged or expired form gets the first form again, filled with `values`).
/// Admitted: the visitor's language and form token.
fn admit(
    state: &AppState,
    ip: std::net::IpAddr,
    headers: &HeaderMap,
    csrf: &str,
    values: &StartForm,
) -> Result<(Lang, String), Response> {
    let lang = lang_of(headers);
    state
        .check_public_rate(ip)
        .map_err(IntoResponse::into_response)?;
    let token = form_token(state, headers);
    if !genuine_form(headers, csrf) {
        let expired = [t(lang, "file-expired")];
        return Err(start_again(
            state,
            lang,
            &token,
            values,
            &expired,
            StatusCode::FORBIDDEN,
        ));
    }
    Ok((lang, token))
}

/// `POST /track`: send the code (if the numbers match), ask for it.
pub async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(values): Form<StartForm>,
) -> Response {
    let (lang, token) = match admit(&state, ip, &headers, &values.csrf, &values) {
        Ok(admitted) => admitted,
        Err(res) => return res,
    };
    match state
        .app
        .start_tracking(&values.number, &values.msisdn)
        .await
    {
        Ok(started) => {
            let body = code_form(lang, &token, &started.challenge_id, &[]);
            page(lang, "/track", &t(lang, "track-code-title"), body)
        }
        Err(e) => {
            let (status, errors) = error_texts(lang, e);
            let body = start_form(lang, &token, &values, &errors);
            with_status(page(lang, "/track", &t(lang, "track-title"), body), status)
        }
    }
}

/// `POST /track/verify`: check the code; on success keep the view pass and show the case.
pub async fn verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(values): Form<CodeForm>,
) -> Response {
    let blank = StartForm::default();
    let (lang, token) = match admit(&state, ip, &headers, &values.csrf, &blank) {
        Ok(admitted) => admitted,
        Err(res) => return res,
    };
    match state
        .app
        .verify_tracking(&values.challenge, &values.code)
        .await
    {
        Ok(case) => {
            let max_age = state.app.settings.tracking_minutes * 60;
            set_cookie(
                see_other("/track/case"),
                &state,
                &format!(
                    "{VIEW_COOKIE}={}; Path=/track; Max-Age={max_age}; SameSite=Strict",
                    case.view_token
                ),
            )
        }
        Err(AppError::TooMany) => crate::error::ApiError::from(AppError::TooMany).into_response(),
        Err(_) => {
            let wrong = [t(lang, "track-wrong-code")];
            let body = code_form(lang, &token, &values.challenge, &wrong);
            with_status(
                page(lang, "/track", &t(lang, "track-code-title"), body),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    sent: Option<String>,
    rated: Option<String>,
}

/// `GET /track/case`: the case the view pass grants.
pub async fn case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CaseQuery>,
) -> Response {
    let notice = if q.rated.is_some() {
        Notice::Rated
    } else if q.sent.is_some() {
        Notice::Sent
    } else {
        Notice::None
    };
    case_page(&state, &headers, notice, &[], "").await
}

/// What the case page confirms at the top, after a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notice {
    None,
    Sent,
    Rated,
}

fn view_of(state: &AppState, headers: &HeaderMap) -> Option<seba_core::ids::CaseId> {
    cookie_value(headers, VIEW_COOKIE).and_then(|token| state.app.check_view_token(&token))
}

async fn case_page(
    state: &AppState,
    headers: &HeaderMap,
    notice: Notice,
    errors: &[String],
    draft: &str,
) -> Response {
    let lang = lang_of(headers);
    let token = form_token(state, headers);
    let Some(id) = view_of(state, headers) else {
        let expired = [t(lang, "track-expired")];
        return start_again(
            state,
            lang,
            &token,
            &StartForm::default(),
            &expired,
            StatusCode::OK,
        );
    };
    let case = match state.app.public_case(id).await {
        Ok(c) => c,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let number = lang.digits(&case.number);
    let promise = lang.pick(&case.promise.bn, &case.promise.en);
    let open = !matches!(
        case.status,
        seba_core::case::Status::Closed | seba_core::case::Status::Merged
    );
    let resolved = matches!(
        case.status,
        seba_core::case::Status::Resolved | seba_core::case::Status::Closed
    );
    let rating = if resolved {
        match state.app.rating(id).await {
            Ok(r) => r,
            Err(e) => return crate::error::ApiError::from(e).into_response(),
        }
    } else {
        None
    };
    let claim = super::claim_portal::claim_section(state, lang, id).await;
    let title = t_args(lang, "case-title", &[("number", number.into())]);
    let body = html! {
        h1 { (title) }
        @if notice == Notice::Sent { p.notice role="status" { (t(lang, "case-reply-sent")) } }
        @if notice == Notice::Rated { p.notice role="status" { (t(lang, "rate-thanks")) } }
        section.card {
            p { strong { (t(lang, "case-status")) ": " } (t(lang, &format!("status-{}", case.status.as_str()))) }
            p { strong { (t(lang, "case-promise")) ": " } (promise) }
        }
        @if let Some(claim) = claim { (claim) }
        h2 { (t(lang, "case-thread")) }
        @for m in &case.messages {
            section.card.message {
                p.from { strong {
                    @if m.from == "you" { (t(lang, "case-from-you")) } @else { (t(lang, "case-from-support")) }
                } }
                p { (m.body) }
            }
        }
        (errors_box(None, errors))
        @if resolved {
            @match &rating {
                Some(r) => {
                    section.card {
                        p { (t_args(lang, "rate-given", &[("score", lang.int(i64::from(r.score)).into())])) }
                    }
                }
                None => (rate_form(state, lang, &token, draft)),
            }
        }
        @if open {
            form method="post" action="/track/reply" accept-charset="utf-8" {
                input type="hidden" name="csrf" value=(token);
                input type="hidden" name="key" value=(state.app.random.token(16));
                p {
                    label for="body" { (t(lang, "case-reply")) }
                    br;
                    textarea id="body" name="body" rows="4" required maxlength="5000" { (draft) }
                }
                p { button type="submit" { (t(lang, "case-reply-send")) } }
            }
        }
    };
    let res = page(lang, "/track/case", &title, body);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    with_form_cookie(with_status(res, status), state, &token)
}

/// The satisfaction form under a resolved case: five choices and an optional comment.
fn rate_form(state: &AppState, lang: Lang, token: &str, comment: &str) -> Markup {
    html! {
        section.card {
            h2 { (t(lang, "rate-title")) }
            form method="post" action="/track/rate" accept-charset="utf-8" {
                input type="hidden" name="csrf" value=(token);
                input type="hidden" name="key" value=(state.app.random.token(16));
                fieldset.rating {
                    legend { (t(lang, "rate-question")) }
                    @for n in 1..=5i64 {
                        label {
                            input type="radio" name="score" value=(n) required;
                            " " (lang.int(n)) " — " (t(lang, &format!("rate-{n}")))
                        }
                        br;
                    }
                }
                p {
                    label for="comment" { (t(lang, "rate-comment")) }
                    br;
                    textarea id="comment" name="comment" rows="3" maxlength="1000" { (comment) }
                }
                p { button type="submit" { (t(lang, "rate-send")) } }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RateForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /track/rate`: the customer's rating of the resolved case the view pass grants;
/// sent twice, it counts once.
pub async fn rate(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(values): Form<RateForm>,
) -> Response {
    let post = Post::Rate {
        score: &values.score,
        comment: &values.comment,
    };
    post_on_case(&state, ip, &headers, &values.csrf, &values.key, post).await
}

/// What a form under the case posts.
enum Post<'a> {
    Reply(&'a str),
    Rate { score: &'a str, comment: &'a str },
}

/// The shared path of the forms under a case: the rate limit, the view pass, the
/// anti-forgery token, then the command once per form key, and back to the case (303);
/// or the case again with what went wrong and the text kept.
async fn post_on_case(
    state: &AppState,
    ip: std::net::IpAddr,
    headers: &HeaderMap,
    csrf: &str,
    key: &str,
    post: Post<'_>,
) -> Response {
    let lang = lang_of(headers);
    if let Err(e) = state.check_public_rate(ip) {
        return e.into_response();
    }
    let Some(id) = view_of(state, headers) else {
        return see_other("/track/case");
    };
    let (scope, done, draft) = match post {
        Post::Reply(body) => ("portal.reply", "sent", body),
        Post::Rate { comment, .. } => ("portal.rate", "rated", comment),
    };
    if !genuine_form(headers, csrf) {
        let expired = [t(lang, "file-expired")];
        return case_page(state, headers, Notice::None, &expired, draft).await;
    }
    let scope = format!("{scope}.{}", id.0);
    let back = format!("/track/case?{done}=1");
    if replayed(state, &scope, key).await.is_some() {
        return see_other(&back);
    }
    let idem = form_idem(&scope, key, |_| String::new());
    let result = match post {
        Post::Reply(body) => state
            .app
            .customer_reply(id, body, vec![], idem)
            .await
            .map(drop),
        Post::Rate { score, comment } => state
            .app
            .rate_case(id, score, comment, idem)
            .await
            .map(drop),
    };
    match result {
        Ok(()) | Err(AppError::IdempotencyRace) => see_other(&back),
        Err(e) => {
            let (_, errors) = error_texts(lang, e);
            case_page(state, headers, Notice::None, &errors, draft).await
        }
    }
}

/// `POST /track/reply`: the customer's reply to the case the view pass grants; sent twice
/// (a double tap, a reload), it is added once.
pub async fn reply(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(values): Form<ReplyForm>,
) -> Response {
    let post = Post::Reply(&values.body);
    post_on_case(&state, ip, &headers, &values.csrf, &values.key, post).await
}
