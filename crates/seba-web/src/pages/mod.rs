//! Server-rendered pages (maud templates, Fluent texts): the customer portal (home,
//! complaints, tracking, help), and the staff desk (agent inboxes and case pages, the
//! supervisor's dashboard, admin pages) behind [`staff::Desk`]. Every page works without JavaScript, is Bengali unless the visitor
//! chose English (remembered in a cookie), and links one small stylesheet embedded in the
//! binary under a content-hashed name.

pub mod admin;
pub mod agent;
pub mod assets;
pub mod centres;
pub mod centres_map;
pub mod charts;
pub mod claim_desk;
pub mod claim_portal;
pub mod claims_transparency;
pub mod complaints;
pub mod content;
pub mod dashboard;
pub mod help;
pub mod i18n;
pub mod merchant_pages;
pub mod pin_reset;
pub mod points;
pub mod staff;
pub mod track;
pub mod ussd;
pub mod wallets;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::state::AppState;
pub use i18n::{Lang, t, t_args};

/// The cookie that remembers the visitor's language.
pub const LANG_COOKIE: &str = "seba_lang";
/// The cookie that carries the forms' anti-forgery token (double submit: every form also
/// carries it in a hidden field, which another site can neither read nor set).
pub const FORM_COOKIE: &str = "seba_form";

/// What pages may load: only this origin's stylesheet and images, forms posting back here.
const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The visitor's language: the cookie if set, else the first language of
/// `Accept-Language` seba has, else Bengali.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    if let Some(lang) = cookie_value(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .filter_map(|part| part.split(';').next())
                .find_map(|tag| Lang::parse(tag).or_else(|| Lang::parse(tag.split('-').next()?)))
        })
        .unwrap_or(Lang::Bn)
}

/// A whole page: the layout around `body`, with the page headers.
pub fn page(lang: Lang, path: &str, title: &str, body: Markup) -> Response {
    let other = lang.other();
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t(lang, "site-name")) }
                link rel="stylesheet" href=(assets::stylesheet_url());
            }
            body {
                header {
                    div {
                        a.brand href="/" { (t(lang, "site-name")) }
                        span.tagline { (t(lang, "site-tagline")) }
                    }
                    a href=(format!("/lang/{}?next={}", other.code(), path))
                        hreflang=(other.code()) lang=(other.code())
                        title=(t(lang, "lang-switch-label")) { (t(lang, "lang-switch")) }
                }
                main { (body) }
                footer { p { (t(lang, "footer-note")) } }
            }
        }
    };
    let mut res = html_response(markup, lang, PAGE_CSP);
    res.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Language"),
    );
    res
}

/// A rendered page with the headers every page carries: its type, its language and the
/// policy of what it may load.
pub fn html_response(markup: Markup, lang: Lang, csp: &'static str) -> Response {
    let mut res = (StatusCode::OK, markup.into_string()).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    res
}

/// The portal's home page.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let hotline = lang.digits(&state.hotline);
    let body = html! {
        h1 { (t(lang, "home-title")) }
        p { (t(lang, "home-intro")) }
        p.actions {
            a.button href="/complaints/new" { (t(lang, "nav-file")) }
            " "
            a.button href="/claims/new" { (t(lang, "nav-claim")) }
            " "
            a.button.secondary href="/track" { (t(lang, "nav-track")) }
            " "
            a.button.secondary href="/help" { (t(lang, "nav-help")) }
            " " a.button.secondary href="/centres" { (t(lang, "nav-centres")) }
            " " a.button.secondary href="/pin-reset" { (t(lang, "nav-pin-reset")) }
            " " a.button.secondary href="/claims/transparency" { (t(lang, "nav-transparency")) }
        }
        section.card.hotline {
            h2 { (t(lang, "hotline-title")) }
            p { strong { (t_args(lang, "hotline-body", &[("number", hotline.into())])) } }
        }
    };
    page(lang, "/", &t(lang, "site-tagline"), body)
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /lang/{code}?next=/path`: remember the language and go back. Only a path on this
/// site is followed (never `//host` or a URL), so the link cannot send anyone elsewhere.
pub async fn switch_lang(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return crate::error::ApiError::not_found().into_response();
    };
    let next = q
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".into());
    set_cookie(
        see_other(&next),
        &state,
        &format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        ),
    )
}

/// A cookie's value from the request.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// The visitor's anti-forgery token: the one their cookie holds, or a new one.
pub fn form_token(state: &AppState, headers: &HeaderMap) -> String {
    cookie_value(headers, FORM_COOKIE)
        .filter(|t| {
            (16..=64).contains(&t.len())
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .unwrap_or_else(|| state.app.random.token(24))
}

/// Whether a posted form's token is the visitor's cookie (compared in constant time).
pub fn genuine_form(headers: &HeaderMap, posted: &str) -> bool {
    use subtle::ConstantTimeEq;
    let cookie = cookie_value(headers, FORM_COOKIE).unwrap_or_default();
    !cookie.is_empty()
        && cookie.len() == posted.len()
        && bool::from(cookie.as_bytes().ct_eq(posted.as_bytes()))
}

/// Add a cookie (`name=value; attributes`) to a response, always HttpOnly, and Secure
/// where the deployment serves over TLS.
pub fn set_cookie(mut res: Response, state: &AppState, cookie: &str) -> Response {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    if let Ok(v) = HeaderValue::from_str(&format!("{cookie}; HttpOnly{secure}")) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Set (or renew) the anti-forgery cookie on a page that shows a form.
pub fn with_form_cookie(res: Response, state: &AppState, token: &str) -> Response {
    set_cookie(
        res,
        state,
        &format!("{FORM_COOKIE}={token}; Path=/; SameSite=Strict"),
    )
}

/// A 303 to a path on this site (the home page if the path cannot be a header).
pub fn see_other(path: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    let location = HeaderValue::from_str(path).unwrap_or(HeaderValue::from_static("/"));
    res.headers_mut().insert(header::LOCATION, location);
    res
}

/// The same response with another status.
pub fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

/// A form's errors, for the top of the form again.
pub fn errors_box(heading: Option<String>, errors: &[String]) -> Markup {
    html! {
        @if !errors.is_empty() {
            section.card.errors role="alert" {
                @if let Some(h) = heading { p { strong { (h) } } }
                ul { @for e in errors { li { (e) } } }
            }
        }
    }
}

/// What a refused command says, in the visitor's language, and the status for the form
/// shown again: 422, or the server error it was.
pub fn error_texts(lang: Lang, e: seba_app::AppError) -> (StatusCode, Vec<String>) {
    let api: crate::error::ApiError = e.into();
    let texts = if api.errors.is_empty() {
        vec![lang.pick(&api.detail.bn, &api.detail.en).to_string()]
    } else {
        api.errors
            .iter()
            .map(|f| lang.pick(&f.detail_bn, &f.detail).to_string())
            .collect()
    };
    let status = if api.status.is_server_error() {
        api.status
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, texts)
}

/// An idempotency record for a portal form: each form carries a random key, so a double
/// tap or a reload of the POST is answered from the first one. `answer` is what the first
/// success remembers (read back by [`replayed`]).
pub fn form_idem(
    scope: &str,
    key: &str,
    answer: fn(&seba_core::case::Case) -> String,
) -> Option<seba_app::cases::Idem> {
    let key = key.trim();
    (!key.is_empty() && key.len() <= 64).then(|| seba_app::cases::Idem {
        scope: scope.to_string(),
        key: key.to_string(),
        request_hash: String::new(),
        render: std::sync::Arc::new(move |case, _| seba_store::StoredResponse {
            request_hash: String::new(),
            status: 303,
            body: answer(case),
            headers: vec![],
        }),
    })
}

/// What the first submission of a form with this key remembered, if it went through.
pub async fn replayed(state: &AppState, scope: &str, key: &str) -> Option<String> {
    let key = key.trim();
    if key.is_empty() {
        return None;
    }
    match state.app.store.idempotent_response(scope, key).await {
        Ok(Some(stored)) => Some(stored.body),
        _ => None,
    }
}

/// A portal page that says a request failed (a store outage, most likely), with its
/// status.
pub fn failed_page(lang: Lang, path: &str, e: seba_app::AppError) -> Response {
    let (status, errors) = error_texts(lang, e);
    let body = html! {
        h1 { (t(lang, "page-failed")) }
        (errors_box(None, &errors))
        p { a href="/" { (t(lang, "site-name")) } }
    };
    with_status(page(lang, path, &t(lang, "page-failed"), body), status)
}
