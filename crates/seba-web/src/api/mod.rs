//! The `/api/v1` routes. Each handler: authenticate, parse strictly, call one application
//! function, shape the answer. Idempotency for every POST lives here too: a retry with the
//! same `Idempotency-Key` gets the first answer, byte for byte.

pub mod admin;
pub mod auth;
pub mod cases;
pub mod claims;
pub mod claims_report;
pub mod merchant_portal;
pub mod nearest;
pub mod ops;
pub mod points;
pub mod public;
pub mod search;
pub mod ussd;
pub mod views;
pub mod wallet;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use seba_core::Bilingual;
use seba_core::ids::{CaseId, CaseNumber};
use seba_store::{IdempotencyRecord, StoredResponse};

use crate::error::ApiError;
use crate::extract::parse_json;
use crate::state::AppState;

/// Parse a JSON body after checking its content type.
pub fn json_body<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> Result<T, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            Bilingual::new("ভুল ধরনের তথ্য", "Unsupported media type"),
            Bilingual::new(
                "Content-Type: application/json পাঠান",
                "Send Content-Type: application/json",
            ),
        ));
    }
    parse_json(body)
}

/// A case number from the path.
pub fn case_id(number: &str) -> Result<CaseId, ApiError> {
    CaseNumber::parse(number)
        .map(CaseNumber::id)
        .map_err(|e| ApiError::from(seba_app::AppError::CaseNumber(e)))
}

pub fn stored(
    status: StatusCode,
    body: &impl Serialize,
    headers: Vec<(String, String)>,
    request_hash: &str,
) -> StoredResponse {
    StoredResponse {
        request_hash: request_hash.to_string(),
        status: status.as_u16(),
        body: serde_json::to_string(body).unwrap_or_default(),
        headers,
    }
}

pub fn respond(s: &StoredResponse) -> Response {
    let status = StatusCode::from_u16(s.status).unwrap_or(StatusCode::OK);
    let mut res = (status, s.body.clone()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (k, v) in &s.headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k.as_str()), HeaderValue::from_str(v)) {
            res.headers_mut().insert(k, v);
        }
    }
    res
}

/// A response replayed for a repeated key (marked so clients can tell).
fn replayed(s: &StoredResponse, request_hash: &str) -> Result<Response, ApiError> {
    if s.request_hash != request_hash {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused",
            Bilingual::new("একই কী ভিন্ন অনুরোধে", "Idempotency key reused"),
            Bilingual::new(
                "এই Idempotency-Key আগে অন্য একটি অনুরোধে ব্যবহার হয়েছে",
                "This Idempotency-Key was already used for a different request",
            ),
        ));
    }
    let mut res = respond(s);
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(res)
}

/// The earlier answer to this key, if any.
pub async fn replay(
    state: &AppState,
    scope: &str,
    key: &Option<String>,
    request_hash: &str,
) -> Result<Option<Response>, ApiError> {
    let Some(key) = key else { return Ok(None) };
    match state
        .app
        .store
        .idempotent_response(scope, key)
        .await
        .map_err(seba_app::AppError::from)?
    {
        Some(s) => replayed(&s, request_hash).map(Some),
        None => Ok(None),
    }
}

/// Remember an answer for a key, outside a case commit (first answer wins).
pub async fn remember(
    state: &AppState,
    scope: &str,
    key: &Option<String>,
    response: &StoredResponse,
) {
    let Some(key) = key else { return };
    let rec = IdempotencyRecord {
        scope: scope.into(),
        key: key.clone(),
        response: response.clone(),
        at: state.app.now(),
    };
    if let Err(e) = state.app.store.save_idempotent_response(rec).await {
        tracing::warn!(error = %e, "could not remember an idempotent response");
    }
}

/// After losing a race on a key: the winner's answer.
pub async fn replay_after_race(
    state: &AppState,
    scope: &str,
    key: &Option<String>,
    request_hash: &str,
) -> Result<Response, ApiError> {
    replay(state, scope, key, request_hash)
        .await?
        .ok_or_else(|| ApiError::from(seba_app::AppError::IdempotencyRace))
}
