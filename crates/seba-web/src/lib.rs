//! The HTTP edge of seba. Only this crate knows HTTP: handlers authenticate, parse, call one
//! application function from `seba-app`, and shape the answer.
//!
//! - [`api`]: the `/api/v1` routes and their JSON shapes;
//! - [`error`]: problem+json in Bengali and English;
//! - [`extract`]: strict JSON, staff authentication with CSRF, Idempotency-Key, If-Match;
//! - [`openapi`]: the generated OpenAPI 3.1 document at `/api/openapi.json`;
//! - [`metrics`]: Prometheus counters and histograms;
//! - [`pages`]: server-rendered HTML (maud) with Fluent texts in Bengali and English.

pub mod api;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod state;

use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};

pub use state::{AppState, RateLimits};

/// Largest JSON body accepted (a complaint with a long description fits many times).
pub const MAX_JSON_BYTES: usize = 256 * 1024;

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    use api::{admin, auth, cases, ops, public};
    let upload_limit = state.app.settings.max_attachment_bytes + 1024;
    let uploads = Router::new()
        .route("/api/v1/attachments", post(admin::upload_staff))
        .route("/api/v1/public/attachments", post(admin::upload_public))
        .layer(DefaultBodyLimit::max(upload_limit));
    let json = Router::new()
        .route("/api/v1/cases", post(cases::create).get(cases::list))
        .route(
            "/api/v1/cases/{number}",
            get(cases::get).patch(cases::patch),
        )
        .route("/api/v1/cases/{number}/messages", post(cases::add_message))
        .route(
            "/api/v1/cases/{number}/transitions",
            post(cases::transition),
        )
        .route("/api/v1/cases/{number}/assignment", post(cases::assign))
        .route("/api/v1/cases/{number}/merge", post(cases::merge))
        .route("/api/v1/cases/{number}/audit", get(cases::audit))
        .route("/api/v1/cases/{number}/deliveries", get(cases::deliveries))
        .route("/api/v1/attachments/{sha256}", get(admin::download))
        .route("/api/v1/public/complaints", post(public::complain))
        .route("/api/v1/public/track", post(public::track))
        .route("/api/v1/public/track/verify", post(public::verify))
        .route("/api/v1/public/cases/{number}", get(public::show))
        .route(
            "/api/v1/public/cases/{number}/messages",
            post(public::reply),
        )
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/auth/me", get(auth::whoami))
        .route(
            "/api/v1/admin/users",
            get(admin::users).post(admin::add_user),
        )
        .route("/api/v1/admin/tokens", post(admin::create_token))
        .route("/api/v1/admin/sla-policies", get(admin::sla_policies))
        .route(
            "/api/v1/admin/sla-policies/{id}",
            put(admin::put_sla_policy),
        )
        .route("/api/v1/admin/holidays", get(admin::holidays))
        .route("/api/v1/admin/holidays/{year}", put(admin::put_holidays))
        .route("/api/v1/admin/queues/{code}", put(admin::put_queue))
        .route("/api/v1/admin/categories/{code}", put(admin::put_category))
        .route("/api/v1/admin/sms", get(admin::sms))
        .route("/api/v1/taxonomy", get(admin::taxonomy))
        .route("/api/v1/search", get(api::search::search))
        .route("/api/v1/audit/verify", get(admin::verify_audit))
        .route(
            "/api/v1/points",
            get(api::points::list).post(api::points::create),
        )
        .route(
            "/api/v1/points/{id}",
            get(api::points::get).put(api::points::put),
        )
        .route("/api/v1/points/{id}/close", post(api::points::close))
        .route("/api/v1/points/{id}/reopen", post(api::points::reopen))
        .route("/api/v1/nearest", get(api::nearest::nearest))
        .route("/api/v1/pin-reset", post(api::wallet::start))
        .route("/api/v1/pin-reset/identity", post(api::wallet::identity))
        .route("/api/v1/pin-reset/resend", post(api::wallet::resend))
        .route("/api/v1/pin-reset/confirm", post(api::wallet::confirm))
        .route("/api/v1/wallet/pin/verify", post(api::wallet::verify))
        .route("/api/v1/wallets/{msisdn}", get(api::wallet::overview))
        .route("/api/v1/wallets/{msisdn}/unlock", post(api::wallet::unlock))
        .route("/api/v1/public/claims", post(api::claims::file))
        .route("/api/v1/claims", get(api::claims::list))
        .route(
            "/api/v1/claims/report.csv",
            get(api::claims_report::report_csv),
        )
        .route(
            "/api/v1/claims/report.xlsx",
            get(api::claims_report::report_xlsx),
        )
        .route("/api/v1/claims/{number}", get(api::claims::get))
        .route("/api/v1/claims/{number}/stage", post(api::claims::stage))
        .route("/api/v1/claims/{number}/refunds", post(api::claims::refund))
        .route(
            "/api/v1/merchants",
            get(api::claims::merchants).post(api::claims::add_merchant),
        )
        .route(
            "/api/v1/merchants/{id}/summary",
            get(api::claims::merchant_summary),
        )
        .route(
            "/api/v1/merchant-portal/claims",
            get(api::merchant_portal::list),
        )
        .route(
            "/api/v1/merchant-portal/claims/{number}",
            get(api::merchant_portal::get),
        )
        .route(
            "/api/v1/merchant-portal/claims/{number}/answer",
            post(api::merchant_portal::answer),
        )
        .route(
            "/api/v1/merchant-portal/claims/{number}/refunds",
            post(api::merchant_portal::refund),
        )
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES));
    let claim_files = Router::new()
        .route("/api/v1/claims/import", post(api::claims::import))
        .layer(DefaultBodyLimit::max(32 * 1024 * 1024));
    let ussd = Router::new()
        .route("/ussd/{gateway}", post(api::ussd::step))
        .layer(DefaultBodyLimit::max(seba_ussd::gateway::MAX_BODY));
    Router::new()
        .merge(uploads)
        .merge(json)
        .merge(ussd)
        .merge(claim_files)
        .route("/", get(pages::home))
        .route("/lang/{code}", get(pages::switch_lang))
        .route("/complaints/new", get(pages::complaints::new))
        .route(
            "/complaints",
            post(pages::complaints::create).layer(DefaultBodyLimit::max(upload_limit + 64 * 1024)),
        )
        .route("/complaints/filed", get(pages::complaints::filed))
        .route(
            "/track",
            get(pages::track::start_page).post(pages::track::start),
        )
        .route("/track/verify", post(pages::track::verify))
        .route("/track/case", get(pages::track::case))
        .route("/track/reply", post(pages::track::reply))
        .route("/track/rate", post(pages::track::rate))
        .route("/static/{name}", get(pages::assets::serve))
        .route(
            "/agent/login",
            get(pages::staff::login_get).post(pages::staff::login_post),
        )
        .route("/agent/logout", post(pages::staff::logout))
        .merge(pages::agent::routes())
        .merge(pages::help::routes())
        .merge(pages::centres::routes())
        .merge(pages::claims_transparency::routes())
        .merge(pages::claim_portal::routes())
        .merge(pages::pin_reset::routes())
        .merge(pages::wallets::routes())
        .merge(pages::claim_desk::routes())
        .merge(pages::merchant_pages::routes(upload_limit))
        .merge(pages::ussd::routes())
        .merge(pages::dashboard::routes())
        .merge(pages::admin::routes())
        .merge(pages::content::routes())
        .merge(pages::points::routes())
        .route("/api", get(ops::index))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/api/openapi.json", get(ops::openapi))
        .fallback(|| async { error::ApiError::not_found() })
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Logs and measures each request by its route pattern (never the raw path or query, which
/// may hold phone numbers), and adds the security headers every response carries.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let res = next.run(req).await;
    let mut res = as_problem(res).await;
    let status = res.status().as_u16();
    let secs = start.elapsed().as_secs_f64();
    state.metrics.observe(
        metrics::RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status,
        },
        secs,
    );
    if status >= 500 {
        tracing::error!(%method, %route, status, ms = secs * 1e3, "request failed");
    } else {
        tracing::debug!(%method, %route, status, ms = secs * 1e3, "request");
    }
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    // Pages set their own policy (they load a stylesheet); everything else loads nothing.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Errors raised by the framework itself (a wrong method, an unreadable path parameter, a
/// body over the limit) come as plain text; give them the same problem+json shape, in
/// both languages, as every other error.
async fn as_problem(res: Response) -> Response {
    let status = res.status();
    // A problem already, or a page that explains itself (a form shown again with its errors).
    let explained = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(b"application/problem+json")
            || v.as_bytes().starts_with(b"text/html")
    });
    if status.as_u16() < 400 || explained {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    use seba_core::Bilingual as B;
    let (slug, title, detail) = match status.as_u16() {
        405 => (
            "method-not-allowed",
            B::new("এই পদ্ধতি চলে না", "Method not allowed"),
            B::new(
                "এই ঠিকানায় এই HTTP পদ্ধতি চলে না",
                "This HTTP method is not allowed here",
            ),
        ),
        413 => (
            "too-large",
            B::new("অনুরোধ খুব বড়", "Request too large"),
            B::new(
                "অনুরোধের আকার সীমা ছাড়িয়েছে",
                "The request body is larger than allowed",
            ),
        ),
        415 => (
            "unsupported-media-type",
            B::new("ভুল ধরনের তথ্য", "Unsupported media type"),
            B::new("সঠিক Content-Type পাঠান", "Send the right Content-Type"),
        ),
        400 => (
            "bad-request",
            B::new("অনুরোধটি সঠিক নয়", "Bad request"),
            B::new(
                format!("অনুরোধটি সঠিক নয়: {text}"),
                if text.is_empty() {
                    "Bad request".to_string()
                } else {
                    text
                },
            ),
        ),
        _ => (
            "error",
            B::new("ত্রুটি", status.canonical_reason().unwrap_or("Error")),
            B::new(
                "অনুরোধটি সম্পন্ন করা যায়নি",
                status.canonical_reason().unwrap_or("Error").to_string(),
            ),
        ),
    };
    let mut e = error::ApiError::new(status, slug, title, detail);
    for (k, v) in &parts.headers {
        if k == header::ALLOW || k == header::RETRY_AFTER || k == header::WWW_AUTHENTICATE {
            e = e.with_header(k.clone(), v.clone());
        }
    }
    axum::response::IntoResponse::into_response(e)
}
