//! Operations: liveness, readiness, Prometheus metrics, the OpenAPI document.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Alive (the process answers).
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready (the store answers).
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n").into_response()
        }
    }
}

/// Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    if state.metrics.cases_stale()
        && let Ok(counts) = state.app.store.count_cases().await
    {
        for (status, n) in counts {
            state
                .metrics
                .cases
                .get_or_create(&crate::metrics::StatusLabels { status })
                .set(n);
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi::document())
}

/// The root: where to go from here (the pages come with the web issue).
pub async fn index() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "name": "seba",
        "title_bn": "সেবা — গ্রাহক সেবা ও অভিযোগ নিষ্পত্তি",
        "title_en": "seba — customer care and complaint resolution",
        "api": "/api/v1",
        "openapi": "/api/openapi.json",
        "health": "/healthz",
        "ready": "/readyz",
        "metrics": "/metrics",
    }))
}
