//! `POST /ussd/{gateway}`: where a USSD gateway posts each step of a session (`at` for
//! Africa's Talking, `hubtel` for the Hubtel-style JSON format).
//!
//! A gateway expects a screen, always: every answer is 200 with a body in the gateway's
//! format, and anything wrong with a request — unreadable, a field missing, a number seba
//! does not serve, too many steps from one number — is a polite final screen, never a
//! 5xx. Only a caller that is not a configured gateway gets a plain 403, and an unknown
//! format name a 404.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use seba_ussd::{Gateway, Lang, Reply, gateway, gsm, menu};

use crate::extract::ClientIp;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct KeyQuery {
    key: Option<String>,
}

/// The header a gateway may carry the shared secret in (else `?key=`).
pub const KEY_HEADER: &str = "x-seba-ussd-key";

#[utoipa::path(post, path = "/ussd/{gateway}", tag = "ussd",
    params(
        ("gateway" = String, Path, description = "The gateway's format: `at` (Africa's Talking: form-encoded `sessionId`, `serviceCode`, `phoneNumber`, `networkCode`, `text` — the session's inputs joined by `*`) or `hubtel` (JSON: `Type` Initiation/Response/Release/Timeout, `Mobile`, `SessionId`, `ServiceCode`, `Message`, `Operator`, `Sequence`)"),
        ("key" = Option<String>, Query, description = "The gateways' shared key when `ussd.gateway_key` is set (or the header `X-Seba-Ussd-Key`)"),
    ),
    request_body(content = String, description = "The gateway's request in its own format", content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The next screen, always (a request that cannot be served gets a polite final screen): `text/plain` `CON …` or `END …` for `at`; JSON with `Type` Response or Release and `Message` for `hubtel`", content_type = "text/plain"),
        (status = 403, description = "The caller is not an allowed gateway (address or key)"),
        (status = 404, description = "No such gateway format"),
    ))]
pub async fn step(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ClientIp(ip): ClientIp,
    Query(query): Query<KeyQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(gw) = gateway::by_name(&name) else {
        return (StatusCode::NOT_FOUND, "no such USSD gateway format\n").into_response();
    };
    let key = headers
        .get(KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .or(query.key.as_deref());
    if !state.ussd_gate.allows(ip, key) {
        tracing::warn!(
            gateway = gw.name(),
            "ussd request from an address or key not allowed"
        );
        return (StatusCode::FORBIDDEN, "not an allowed USSD gateway\n").into_response();
    }
    answer(&state, gw, &body).await
}

/// Run one gateway body through the adapter, the engine and the store: what the endpoint
/// and the staff simulator both do.
pub async fn answer(state: &AppState, gw: &'static dyn Gateway, body: &[u8]) -> Response {
    let (request, reply) = run(state, gw, body).await;
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, gw.content_type()),
            (header::CACHE_CONTROL, "no-store"),
        ],
        gw.render(request.as_ref(), &reply),
    )
        .into_response()
}

/// The request as read (if it could be) and the reply to it.
pub async fn run(
    state: &AppState,
    gw: &'static dyn Gateway,
    body: &[u8],
) -> (Option<seba_ussd::Request>, Reply) {
    let request = match gw.parse(body) {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(gateway = gw.name(), error = %e, "ussd request refused");
            state.metrics.ussd_event(gw.name(), "", "", "refused");
            return (None, ending(menu::sorry(), Lang::Bn));
        }
    };
    if !state.check_ussd_rate(&request.phone) {
        state.metrics.ussd_event(gw.name(), "", "", "refused");
        let slow = seba_ussd::Text::new(
            "অনেক দ্রুত অনুরোধ এসেছে; একটু পরে আবার ডায়াল করুন।",
            "Too many requests; please dial again in a minute.",
        );
        return (Some(request), ending(slow, Lang::Bn));
    }
    let (reply, report) = state.app.ussd(gw.name(), &request).await;
    if let Some(r) = report {
        if r.started {
            state
                .metrics
                .ussd_event(gw.name(), r.menu, r.step, "started");
        }
        state
            .metrics
            .ussd_event(gw.name(), r.menu, r.step, r.ended.unwrap_or("step"));
    }
    (Some(request), reply)
}

fn ending(text: seba_ussd::Text, lang: Lang) -> Reply {
    Reply {
        text: gsm::fit(text.get(lang)),
        end: true,
    }
}
