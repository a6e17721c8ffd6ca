//! The staff side's shell: login and logout, the [`Desk`] extractor every staff page
//! starts with (the session cookie, its user, and the session's anti-forgery token), the
//! role check, and the layout with the desk's navigation.
//!
//! Staff forms carry the session's CSRF token in a hidden `csrf` field; [`Desk::check`]
//! compares it in constant time. A page reached without a live session sends the browser
//! to the login form and back afterwards; a page the role may not see answers 403 with a
//! page that says so, never the page itself.

use axum::Form;
use axum::extract::{FromRef, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use seba_app::accounts::secret_eq;
use seba_core::staff::{Permission, Role};
use seba_store::User;

use super::{
    Lang, assets, cookie_value, error_texts, errors_box, form_token, genuine_form, lang_of,
    see_other, set_cookie, t, with_form_cookie, with_status,
};
use crate::extract::{ClientIp, SESSION_COOKIE};
use crate::state::AppState;

/// What desk pages may load: this origin's styles, images and the desk script; forms and
/// the presence beacon go back to this origin only.
const DESK_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'";

/// A logged-in staff member on a desk page.
#[derive(Debug, Clone)]
pub struct Desk {
    pub user: User,
    /// The session's anti-forgery token, for the forms this page shows.
    pub csrf: String,
    pub lang: Lang,
}

impl Desk {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn can(&self, p: Permission) -> bool {
        self.user.role.can(p)
    }

    /// `Err(403 page)` unless the role has `p`.
    pub fn require(&self, p: Permission) -> Result<(), Response> {
        if self.can(p) {
            Ok(())
        } else {
            Err(forbidden(self))
        }
    }

    /// `Err(403 page)` unless a posted form carries this session's token.
    pub fn check(&self, posted: &str) -> Result<(), Response> {
        if !posted.is_empty() && secret_eq(posted, &self.csrf) {
            Ok(())
        } else {
            let body = html! {
                h1 { (t(self.lang, "desk-forged-title")) }
                p { (t(self.lang, "desk-forged-body")) }
            };
            Err(with_status(
                desk_page(self, "", &t(self.lang, "desk-forged-title"), body),
                StatusCode::FORBIDDEN,
            ))
        }
    }

    /// The hidden field every staff form carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf); }
    }
}

/// Not logged in (or the session lapsed): to the login form, then back here.
pub struct LoginFirst(Response);

impl IntoResponse for LoginFirst {
    fn into_response(self) -> Response {
        self.0
    }
}

impl<S> FromRequestParts<S> for Desk
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = LoginFirst;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, LoginFirst> {
        let state = AppState::from_ref(state);
        let lang = lang_of(&parts.headers);
        let back = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .filter(|_| parts.method == axum::http::Method::GET)
            .unwrap_or("/agent");
        let to_login = || LoginFirst(see_other(&format!("/agent/login?next={}", encode(back))));
        let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        match state.app.session_user(&token).await {
            Ok(Some((user, session))) => Ok(Desk {
                user,
                csrf: session.csrf_token,
                lang,
            }),
            Ok(None) => Err(to_login()),
            Err(e) => {
                let (status, errors) = error_texts(lang, e);
                let body = errors_box(None, &errors);
                Err(LoginFirst(with_status(
                    super::page(lang, "/agent", &t(lang, "desk-title"), body),
                    status,
                )))
            }
        }
    }
}

/// Percent-encode a path for a `next=` parameter.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A path on this site to go back to after login (never another host).
fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .filter(|n| !n.starts_with("/agent/login"))
        .unwrap_or("/agent")
        .to_string()
}

/// The 403 page.
pub fn forbidden(desk: &Desk) -> Response {
    let lang = desk.lang;
    let body = html! {
        h1 { (t(lang, "desk-forbidden-title")) }
        p { (t(lang, "desk-forbidden-body")) }
        @if desk.role() == Role::Merchant {
            p { a href="/merchant" { (t(lang, "mp-title")) } }
        } @else {
            p { a href="/agent" { (t(lang, "desk-back-to-inbox")) } }
        }
    };
    with_status(
        desk_page(desk, "", &t(lang, "desk-forbidden-title"), body),
        StatusCode::FORBIDDEN,
    )
}

/// A desk page: the staff layout around `body`. `path` is this page's own path (for the
/// language switch).
pub fn desk_page(desk: &Desk, path: &str, title: &str, body: Markup) -> Response {
    let lang = desk.lang;
    let other = lang.other();
    let path = if path.is_empty() { "/agent" } else { path };
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t(lang, "desk-title")) }
                link rel="stylesheet" href=(assets::stylesheet_url());
                link rel="stylesheet" href=(assets::desk_stylesheet_url());
                script src=(assets::desk_script_url()) defer {}
            }
            body.desk {
                header {
                    nav.desk-nav aria-label=(t(lang, "desk-nav-label")) {
                        @if desk.role() == Role::Merchant {
                            // The merchant portal: their claims, nothing of the desk.
                            a.brand href="/merchant" { (t(lang, "mp-title")) }
                        } @else {
                            a.brand href="/agent" { (t(lang, "desk-title")) }
                            a href="/agent" { (t(lang, "desk-nav-inbox")) }
                            a href="/agent/search" { (t(lang, "desk-nav-search")) }
                            @if desk.can(Permission::ReadCases) {
                                a href="/agent/claims" { (t(lang, "desk-nav-claims")) }
                            }
                            a href="/agent/wallets" { (t(lang, "desk-nav-wallets")) }
                            @if desk.can(Permission::WorkCases) {
                                a href="/agent/ussd" { (t(lang, "desk-nav-ussd")) }
                            }
                            @if desk.can(Permission::Supervise) {
                                a href="/supervisor" { (t(lang, "desk-nav-dashboard")) }
                            }
                            @if desk.can(Permission::Supervise) {
                                a href="/admin" { (t(lang, "desk-nav-admin")) }
                            }
                        }
                        a href=(format!("/lang/{}?next={}", other.code(), encode(path)))
                            hreflang=(other.code()) lang=(other.code()) { (t(lang, "lang-switch")) }
                        span.muted { (desk.user.display_name) " (" (t(lang, &format!("role-{}", desk.user.role))) ")" }
                        form method="post" action="/agent/logout" {
                            (desk.csrf_field())
                            button type="submit" { (t(lang, "desk-logout")) }
                        }
                    }
                }
                main { (body) }
            }
        }
    };
    // Staff pages hold customers' details: never kept by a shared cache or the back button.
    let mut res = super::html_response(markup, lang, DESK_CSP);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

fn login_form(lang: Lang, token: &str, username: &str, next: &str, errors: &[String]) -> Markup {
    html! {
        h1 { (t(lang, "desk-login-title")) }
        (errors_box(None, errors))
        form method="post" action="/agent/login" accept-charset="utf-8" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="next" value=(next);
            p {
                label for="username" { (t(lang, "desk-username")) }
                br;
                input id="username" name="username" required autocomplete="username"
                    autocapitalize="none" value=(username);
            }
            p {
                label for="password" { (t(lang, "desk-password")) }
                br;
                input id="password" name="password" type="password" required
                    autocomplete="current-password";
            }
            p { button type="submit" { (t(lang, "desk-login")) } }
        }
    }
}

fn login_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    username: &str,
    next: &str,
    errors: &[String],
    status: StatusCode,
) -> Response {
    let body = login_form(lang, token, username, next, errors);
    let res = super::page(lang, "/agent/login", &t(lang, "desk-login-title"), body);
    with_form_cookie(with_status(res, status), state, token)
}

/// `GET /agent/login`: the staff login form.
pub async fn login_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let lang = lang_of(&headers);
    let token = form_token(&state, &headers);
    let next = safe_next(q.next.as_deref());
    login_page(&state, lang, &token, "", &next, &[], StatusCode::OK)
}

/// `POST /agent/login`: check the password (rate-limited per address, the account locks
/// after repeated failures), start a session, go on to the page asked for.
pub async fn login_post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = lang_of(&headers);
    let token = form_token(&state, &headers);
    let next = safe_next(Some(&form.next));
    let refused = if !genuine_form(&headers, &form.csrf) {
        Some((t(lang, "file-expired"), StatusCode::FORBIDDEN))
    } else if let Err(e) = state.check_login_rate(ip) {
        let text = lang.pick(&e.detail.bn, &e.detail.en).to_string();
        Some((text, StatusCode::TOO_MANY_REQUESTS))
    } else {
        None
    };
    if let Some((error, status)) = refused {
        return login_page(
            &state,
            lang,
            &token,
            &form.username,
            &next,
            &[error],
            status,
        );
    }
    match state.app.login(&form.username, &form.password).await {
        Ok(ok) => {
            let max_age = (ok.expires_at - state.app.now()).get_seconds().max(0);
            // A merchant's staff have the merchant portal, not the desk.
            let next = if ok.user.role == Role::Merchant && !next.starts_with("/merchant") {
                "/merchant".to_string()
            } else {
                next
            };
            set_cookie(
                see_other(&next),
                &state,
                &format!(
                    "{SESSION_COOKIE}={}; Path=/; SameSite=Strict; Max-Age={max_age}",
                    ok.session_token
                ),
            )
        }
        Err(e) => {
            let (status, errors) = match e {
                seba_app::AppError::BadCredentials => {
                    (StatusCode::UNAUTHORIZED, vec![t(lang, "desk-login-wrong")])
                }
                seba_app::AppError::Locked => {
                    (StatusCode::LOCKED, vec![t(lang, "desk-login-locked")])
                }
                other => error_texts(lang, other),
            };
            login_page(&state, lang, &token, &form.username, &next, &errors, status)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /agent/logout`: end the session (the form carries its token, so another site
/// cannot log anyone out).
pub async fn logout(
    State(state): State<AppState>,
    desk: Desk,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE) {
        let _ = state.app.logout(&token).await;
    }
    set_cookie(
        see_other("/agent/login"),
        &state,
        &format!("{SESSION_COOKIE}=; Path=/; SameSite=Strict; Max-Age=0"),
    )
}
