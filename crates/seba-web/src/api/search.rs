//! `GET /api/v1/search`: Bengali-first search over cases and their threads.
//!
//! A case number or a phone number goes straight to its case; words find cases whatever
//! the script they were written in. Hits are loaded from the store before they are shown,
//! so the index can never show a case the store does not have.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use seba_app::AppError;
use seba_core::Bilingual;
use seba_core::case::{Channel, Status};
use seba_core::staff::Permission;
use seba_search::index::SearchRequest;

use super::cases::{bad_param, parse_time};
use super::views::CaseView;
use crate::error::{ApiError, Problem};
use crate::extract::Staff;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub case: CaseView,
    pub score: f32,
    /// Found by its case number or phone number.
    pub exact: bool,
    /// A passage with the matches in `<b>…</b>` (HTML-escaped otherwise).
    pub snippet: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub items: Vec<SearchHit>,
}

/// Search cases.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(
        ("q" = String, Query, description = "Words in Bengali, English or Banglish; or a case number; or a phone number"),
        ("status" = Option<String>, Query, description = "Comma-separated statuses"),
        ("queue" = Option<String>, Query), ("category" = Option<String>, Query), ("channel" = Option<String>, Query),
        ("created_from" = Option<String>, Query), ("created_to" = Option<String>, Query),
        ("limit" = Option<u32>, Query, description = "1–100, default 20")),
    responses((status = 200, body = SearchResults), (status = 422, body = Problem), (status = 503, body = Problem)),
    security(("bearer" = [])))]
pub async fn search(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<SearchResults>, ApiError> {
    staff.require(Permission::ReadCases)?;
    let mut req = SearchRequest {
        limit: 20,
        ..SearchRequest::default()
    };
    let mut text = None;
    for (k, v) in &q {
        // The query string is decoded leniently: bytes that are not UTF-8 (a lone %FF, an
        // encoded surrogate) arrive as U+FFFD. Say so rather than search for them.
        if v.contains('\u{FFFD}') {
            return Err(bad_param(
                k,
                "must be valid UTF-8 text",
                "সঠিক UTF-8 লেখা নয়",
            ));
        }
        let v = v.trim();
        match k.as_str() {
            "q" => text = Some(v.to_string()),
            "status" => {
                for s in v.split(',').filter(|s| !s.is_empty()) {
                    let st: Status = s
                        .parse()
                        .map_err(|_| bad_param("status", "unknown status", "অজানা অবস্থা"))?;
                    req.statuses.push(st.as_str().to_string());
                }
            }
            "queue" => req.queue = Some(v.to_string()),
            "category" => req.category = Some(v.to_string()),
            "channel" => {
                let ch: Channel = v
                    .parse()
                    .map_err(|_| bad_param("channel", "unknown channel", "অজানা চ্যানেল"))?;
                req.channel = Some(ch.as_str().to_string());
            }
            "created_from" => {
                req.created_from = Some(parse_time("created_from", v)?.as_microsecond())
            }
            "created_to" => req.created_to = Some(parse_time("created_to", v)?.as_microsecond()),
            "limit" => {
                req.limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| {
                        bad_param("limit", "a number from 1 to 100", "১ থেকে ১০০ এর মধ্যে সংখ্যা")
                    })?
            }
            other => return Err(bad_param(other, "unknown query parameter", "অজানা প্যারামিটার")),
        }
    }
    let text = text
        .filter(|t| !t.is_empty())
        .ok_or_else(|| bad_param("q", "type something to search for", "কী খুঁজবেন লিখুন"))?;
    if text.len() > seba_search::MAX_QUERY_BYTES {
        return Err(bad_param("q", "at most 4,096 bytes", "সর্বোচ্চ ৪,০৯৬ বাইট"));
    }
    let Some(index) = state.search.as_ref().map(|live| live.get()) else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "search-unavailable",
            Bilingual::new("অনুসন্ধান চালু নেই", "Search unavailable"),
            Bilingual::new(
                "এই সার্ভারে অনুসন্ধান বন্ধ আছে (search.enabled = true দিয়ে চালু করুন)",
                "Search is switched off on this server (turn it on with search.enabled = true)",
            ),
        ));
    };
    let intent = seba_search::analyze_query(&text);
    let hits = tokio::task::spawn_blocking(move || index.search(&intent, &req))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            tracing::error!(error = %e, "search failed");
            ApiError::internal()
        })?;
    let now = state.app.now();
    let items = seba_search::index::with_cases(state.app.store.as_ref(), hits)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|(h, case)| SearchHit {
            case: CaseView::new(&case, now),
            score: h.score,
            exact: h.exact,
            snippet: h.snippet,
        })
        .collect();
    Ok(Json(SearchResults { items }))
}
