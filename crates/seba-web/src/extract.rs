//! Request extractors: strict JSON, the authenticated staff member, the idempotency key,
//! `If-Match`, and the client's address.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use serde::de::DeserializeOwned;

use seba_app::accounts::secret_eq;
use seba_app::cases::Caller;
use seba_core::Bilingual;
use seba_core::staff::{Permission, Role};
use seba_store::User;

use crate::error::ApiError;
use crate::state::AppState;

/// JSON with `Content-Type: application/json`, parsed strictly: malformed JSON is a 400,
/// a wrong or unknown field a 422 naming it.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !ct.starts_with("application/json") {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                Bilingual::new("ভুল ধরনের তথ্য", "Unsupported media type"),
                Bilingual::new(
                    "Content-Type: application/json পাঠান",
                    "Send Content-Type: application/json",
                ),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    e.status(),
                    "too-large",
                    Bilingual::new("অনুরোধ খুব বড়", "Request too large"),
                    Bilingual::new(
                        "অনুরোধের আকার সীমা ছাড়িয়েছে",
                        "The request body is larger than allowed",
                    ),
                )
            } else {
                ApiError::bad_request(Bilingual::new(
                    "অনুরোধের বডি পড়া যায়নি",
                    "Could not read the request body",
                ))
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let at = format!("line {}, column {}", e.line(), e.column());
        match e.classify() {
            serde_json::error::Category::Data => {
                let msg = e.to_string();
                let field = msg
                    .split('`')
                    .nth(1)
                    .filter(|_| {
                        msg.starts_with("unknown field") || msg.starts_with("missing field")
                    })
                    .unwrap_or("body")
                    .to_string();
                let msg = msg.split(" at line").next().unwrap_or(&msg).to_string();
                ApiError::invalid(
                    &field,
                    Bilingual::new(
                        format!("তথ্য সঠিক নয়: {msg} ({at})"),
                        format!("{msg} ({at})"),
                    ),
                )
            }
            _ => ApiError::bad_request(Bilingual::new(
                format!("JSON সঠিক নয় ({at})"),
                format!("Malformed JSON: {e}"),
            )),
        }
    })
}

/// A logged-in staff member (bearer token or session cookie).
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    pub via_cookie: bool,
}

impl Staff {
    pub fn caller(&self) -> Caller {
        Caller::staff(self.user.id, self.user.role)
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.user.role.can(p) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }
}

pub const SESSION_COOKIE: &str = "seba_session";

pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    crate::pages::cookie_value(&parts.headers, name)
}

impl<S> FromRequestParts<S> for Staff
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = AppState::from_ref(state);
        if let Some(auth) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            let token = auth
                .strip_prefix("Bearer ")
                .ok_or_else(ApiError::unauthorized)?
                .trim();
            let user = state
                .token_user(token)
                .await?
                .ok_or_else(ApiError::unauthorized)?;
            return Ok(Staff {
                user,
                via_cookie: false,
            });
        }
        let Some(token) = cookie(parts, SESSION_COOKIE) else {
            return Err(ApiError::unauthorized());
        };
        let (user, session) = state
            .app
            .session_user(&token)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        // Cookies ride along on cross-site requests; unsafe methods must prove they came
        // from our own pages by echoing the session's CSRF token.
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !secret_eq(sent, &session.csrf_token) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "csrf",
                    Bilingual::new("নিরাপত্তা টোকেন মেলেনি", "CSRF check failed"),
                    Bilingual::new(
                        "পাতাটি আবার লোড করে চেষ্টা করুন",
                        "Send the session's CSRF token in the X-CSRF-Token header",
                    ),
                ));
            }
        }
        Ok(Staff {
            user,
            via_cookie: true,
        })
    }
}

/// The `Idempotency-Key` header, if sent (1–200 visible ASCII characters).
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(v) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let key =
            v.to_str().ok().map(str::trim).filter(|k| {
                !k.is_empty() && k.len() <= 200 && k.chars().all(|c| c.is_ascii_graphic())
            });
        match key {
            Some(k) => Ok(IdempotencyKey(Some(k.to_string()))),
            None => Err(ApiError::invalid(
                "Idempotency-Key",
                Bilingual::new(
                    "Idempotency-Key ১–২০০ ASCII অক্ষরের হবে",
                    "Idempotency-Key must be 1–200 visible ASCII characters",
                ),
            )),
        }
    }
}

/// The version named by `If-Match` (`"3"`, `W/"3"` or `3`), if sent.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(v) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let s = v.to_str().unwrap_or("").trim();
        if s == "*" {
            return Ok(IfMatch(None));
        }
        let s = s.trim_start_matches("W/").trim_matches('"');
        s.parse::<i64>().map(|n| IfMatch(Some(n))).map_err(|_| {
            ApiError::invalid(
                "If-Match",
                Bilingual::new(
                    "If-Match এ কেসের ETag দিন",
                    "If-Match must be the case's ETag, e.g. \"3\"",
                ),
            )
        })
    }
}

/// The client's address (the TCP peer; seba does not trust forwarding headers).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(ClientIp(ip))
    }
}
