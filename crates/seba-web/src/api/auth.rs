//! Staff login and logout. A login sets an HttpOnly, SameSite=Strict session cookie and
//! returns the CSRF token that unsafe requests made with that cookie must echo.
//!
//! Login takes no `Idempotency-Key`: replaying a login would hand out a stored credential.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json_body;
use crate::error::{ApiError, Problem};
use crate::extract::{ClientIp, SESSION_COOKIE, Staff, cookie};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub user: Me,
    /// Send in `X-CSRF-Token` with every unsafe request made with the session cookie.
    pub csrf_token: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

fn me(u: &seba_store::User) -> Me {
    Me {
        id: u.id.0,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.to_string(),
    }
}

/// Log in (rate-limited per address; the account locks after repeated failures).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.check_login_rate(ip)?;
    let req: LoginRequest = json_body(&headers, &body)?;
    let ok = state.app.login(&req.username, &req.password).await?;
    let max_age = (ok.expires_at - state.app.now()).get_seconds().max(0);
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        ok.session_token
    );
    let body = LoginResponse {
        user: me(&ok.user),
        csrf_token: ok.csrf_token,
        expires_at: ok.expires_at,
    };
    let mut res = Json(body).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// End the session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    req: axum::http::Request<axum::body::Body>,
) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    if let Some(token) = cookie(&parts, SESSION_COOKIE) {
        state.app.logout(&token).await?;
    }
    let _ = staff;
    let mut res = axum::http::StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("seba_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(res)
}

/// Who am I?
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = Me), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn whoami(staff: Staff) -> Json<Me> {
    Json(me(&staff.user))
}
