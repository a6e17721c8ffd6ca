//! Staff routes for cases: intake on a caller's behalf, listing with filters, the case
//! page's data, messages, lifecycle moves, routing, merge, and the case's audit trail.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use seba_app::AppError;
use seba_app::cases::{Assignment, CasePatch, Idem, MessageInput, NewCaseInput};
use seba_app::tracking::request_fingerprint;
use seba_core::Bilingual;
use seba_core::case::{Channel, Priority, Status};
use seba_core::contact::Msisdn;
use seba_core::ids::{CaseId, UserId};
use seba_core::staff::Permission;
use seba_store::{CaseFilter, PageRequest, SlaFilter};

use super::views::*;
use super::{case_id, json_body, replay, stored};
use crate::error::{ApiError, Problem, etag};
use crate::extract::{IdempotencyKey, IfMatch, Staff};
use crate::state::AppState;

fn scope(staff: &Staff) -> String {
    format!("user:{}", staff.user.id)
}

fn case_headers(view: &CaseView) -> Vec<(String, String)> {
    vec![
        (
            header::LOCATION.to_string(),
            format!("/api/v1/cases/{}", view.number),
        ),
        (header::ETAG.to_string(), format!("\"{}\"", view.version)),
    ]
}

/// File a case on a customer's behalf.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCaseRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = CaseView), (status = 422, body = Problem), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    staff.require(Permission::WorkCases)?;
    let hash = request_fingerprint("POST", "/api/v1/cases", &body);
    // No look-up before the work: the key's row is written in the case's own transaction,
    // so a repeat loses there and is answered from the first request's record (this saves
    // a read on every intake).
    let req: NewCaseRequest = json_body(&headers, &body)?;
    let input = NewCaseInput {
        channel: Some(req.channel.unwrap_or(Channel::Api)),
        category: req.category,
        priority: req.priority,
        subject: req.subject,
        body: req.body,
        requester_name: req.requester.name,
        requester_msisdn: req.requester.msisdn,
        requester_email: req.requester.email,
        tags: req.tags,
        queue: req.queue,
        attachments: req
            .attachments
            .into_iter()
            .map(AttachmentRequest::into_input)
            .collect(),
    };
    let app = state.app.clone();
    let caller = staff.caller();
    with_idempotency(
        &state,
        scope(&staff),
        key,
        hash,
        false,
        StatusCode::CREATED,
        |idem| async move { Ok(app.create_case(input, caller, idem).await?.0) },
    )
    .await
}

/// Run a case command with its `Idempotency-Key`: the first answer is remembered in the
/// command's own transaction; a repeat (before, during or after) gets that answer.
/// `pre_read` looks the key up before doing any work (cheaper for commands that would fail
/// on a repeat, like a second "resolve").
pub(crate) async fn with_idempotency<F, Fut>(
    state: &AppState,
    scope: String,
    key: Option<String>,
    hash: String,
    pre_read: bool,
    status: StatusCode,
    run: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(Option<Idem>) -> Fut,
    Fut: std::future::Future<Output = Result<seba_core::case::Case, ApiError>>,
{
    if pre_read && let Some(r) = replay(state, &scope, &key, &hash).await? {
        return Ok(r);
    }
    let now = state.app.now();
    let idem = key.clone().map(|k| Idem {
        scope: scope.clone(),
        key: k,
        request_hash: hash.clone(),
        render: Arc::new({
            let hash = hash.clone();
            move |case, _| {
                let view = CaseView::new(case, now);
                stored(status, &view, case_headers(&view), &hash)
            }
        }),
    });
    match run(idem).await {
        Ok(case) => {
            let view = CaseView::new(&case, now);
            Ok(super::respond(&stored(
                status,
                &view,
                case_headers(&view),
                &hash,
            )))
        }
        // A concurrent repeat may have won; if so its answer is ours.
        Err(e) if key.is_some() => match replay(state, &scope, &key, &hash).await? {
            Some(r) => Ok(r),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

pub(crate) fn bad_param(name: &str, en: &str, bn: &str) -> ApiError {
    ApiError::invalid(
        name,
        Bilingual::new(format!("`{name}`: {bn}"), format!("`{name}`: {en}")),
    )
}

pub(crate) fn parse_time(name: &str, v: &str) -> Result<jiff::Timestamp, ApiError> {
    if let Ok(t) = v.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    let d: jiff::civil::Date = v.parse().map_err(|_| {
        bad_param(
            name,
            "a date (2026-11-21) or RFC 3339 time",
            "তারিখ দিন (২০২৬-১১-২১)",
        )
    })?;
    d.to_zoned(jiff::tz::TimeZone::get("Asia/Dhaka").unwrap_or(jiff::tz::TimeZone::UTC))
        .map(|z| z.timestamp())
        .map_err(|_| bad_param(name, "a valid date", "সঠিক তারিখ দিন"))
}

/// Build the store filter from query parameters; unknown parameters are refused.
fn filter_from(
    q: &HashMap<String, String>,
    staff: &Staff,
) -> Result<(CaseFilter, PageRequest), ApiError> {
    let mut f = CaseFilter::default();
    let mut page = PageRequest {
        before: None,
        limit: 50,
        ..PageRequest::default()
    };
    for (k, v) in q {
        let v = v.trim();
        match k.as_str() {
            "status" => {
                for s in v.split(',').filter(|s| !s.is_empty()) {
                    f.statuses.push(
                        s.parse::<Status>()
                            .map_err(|_| bad_param("status", "unknown status", "অজানা অবস্থা"))?,
                    );
                }
            }
            "queue" => f.queue = Some(v.to_string()),
            "assignee" => {
                f.assignee = Some(match v {
                    "me" => Some(staff.user.id),
                    "none" => None,
                    n => Some(UserId(n.parse().map_err(|_| {
                        bad_param(
                            "assignee",
                            "`me`, `none` or a staff id",
                            "`me`, `none` বা কর্মীর আইডি",
                        )
                    })?)),
                })
            }
            "category" => f.category = Some(v.to_string()),
            "channel" => {
                f.channel = Some(
                    v.parse::<Channel>()
                        .map_err(|_| bad_param("channel", "unknown channel", "অজানা চ্যানেল"))?,
                )
            }
            "priority" => {
                f.priority = Some(
                    v.parse::<Priority>()
                        .map_err(|_| bad_param("priority", "unknown priority", "অজানা অগ্রাধিকার"))?,
                )
            }
            "created_from" => f.created_from = Some(parse_time("created_from", v)?),
            "created_to" => f.created_to = Some(parse_time("created_to", v)?),
            "sla" => {
                f.sla = Some(match v {
                    "on_track" => SlaFilter::OnTrack,
                    "at_risk" => SlaFilter::AtRisk,
                    "breached" => SlaFilter::Breached,
                    "paused" => SlaFilter::Paused,
                    _ => {
                        return Err(bad_param(
                            "sla",
                            "on_track, at_risk, breached or paused",
                            "on_track, at_risk, breached বা paused",
                        ));
                    }
                })
            }
            "msisdn" => {
                f.msisdn = Some(
                    Msisdn::parse(v)
                        .map_err(|e| {
                            ApiError::invalid("msisdn", seba_core::bilingual::Explain::explain(&e))
                        })?
                        .as_e164()
                        .to_string(),
                )
            }
            "email" => {
                f.email = Some(
                    seba_core::contact::Email::parse(v)
                        .map_err(|e| {
                            ApiError::invalid("email", seba_core::bilingual::Explain::explain(&e))
                        })?
                        .as_str()
                        .to_string(),
                )
            }
            "tag" => f.tag = Some(v.to_lowercase()),
            "cursor" => {
                page.before = Some(CaseId(v.parse().map_err(|_| {
                    bad_param(
                        "cursor",
                        "use next_cursor from the previous page",
                        "আগের পাতার next_cursor দিন",
                    )
                })?))
            }
            "limit" => {
                page.limit = v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=200).contains(n))
                    .ok_or_else(|| {
                        bad_param("limit", "a number from 1 to 200", "১ থেকে ২০০ এর মধ্যে সংখ্যা")
                    })?
            }
            other => return Err(bad_param(other, "unknown query parameter", "অজানা প্যারামিটার")),
        }
    }
    Ok((f, page))
}

/// List cases, newest first, with filters and cursor pagination.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases",
    params(
        ("status" = Option<String>, Query, description = "Comma-separated statuses"),
        ("queue" = Option<String>, Query), ("assignee" = Option<String>, Query, description = "`me`, `none` or a staff id"),
        ("category" = Option<String>, Query, description = "A code; a top-level code includes its children"),
        ("channel" = Option<String>, Query), ("priority" = Option<String>, Query),
        ("created_from" = Option<String>, Query), ("created_to" = Option<String>, Query),
        ("sla" = Option<String>, Query, description = "on_track, at_risk, breached or paused"),
        ("msisdn" = Option<String>, Query), ("email" = Option<String>, Query), ("tag" = Option<String>, Query),
        ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = CaseList), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<CaseList>, ApiError> {
    let (filter, page) = filter_from(&q, &staff)?;
    let cases = state.app.list_cases(filter, page, staff.caller()).await?;
    let now = state.app.now();
    let next_cursor = (cases.len() == page.limit as usize)
        .then(|| cases.last().map(|c| c.id.0.to_string()))
        .flatten();
    Ok(Json(CaseList {
        items: cases.iter().map(|c| CaseView::new(c, now)).collect(),
        next_cursor,
    }))
}

/// A case with its whole thread. The `ETag` is the case's version.
#[utoipa::path(get, path = "/api/v1/cases/{number}", tag = "cases", params(("number" = String, Path)),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let id = case_id(&number)?;
    let case = state.app.case(id, staff.caller()).await?;
    let messages = state.app.thread(id, staff.caller()).await?;
    let detail = CaseDetail {
        case: CaseView::new(&case, state.app.now()),
        messages: messages.iter().map(MessageView::new).collect(),
    };
    Ok(([(header::ETAG, etag(case.version))], Json(detail)).into_response())
}

fn case_response(status: StatusCode, view: &CaseView) -> Response {
    (status, [(header::ETAG, etag(view.version))], Json(view)).into_response()
}

/// Change priority, category, subject or tags.
#[utoipa::path(patch, path = "/api/v1/cases/{number}", tag = "cases", request_body = PatchRequest,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = CaseView), (status = 412, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn patch(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    IfMatch(expected): IfMatch,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = case_id(&number)?;
    let req: PatchRequest = json_body(&headers, &body)?;
    let patch = CasePatch {
        priority: req.priority,
        category: req.category,
        subject: req.subject,
        tags: req.tags,
    };
    let case = state
        .app
        .patch(id, patch, staff.caller(), expected, None)
        .await?;
    Ok(case_response(
        StatusCode::OK,
        &CaseView::new(&case, state.app.now()),
    ))
}

/// Add a reply, an internal note, or the customer's words taken by phone.
#[utoipa::path(post, path = "/api/v1/cases/{number}/messages", tag = "cases", request_body = MessageRequest,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = CaseView), (status = 409, body = Problem), (status = 412, body = Problem)), security(("bearer" = [])))]
pub async fn add_message(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    IfMatch(expected): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = case_id(&number)?;
    let hash = request_fingerprint("POST", &format!("/api/v1/cases/{}/messages", id.0), &body);
    let req: MessageRequest = json_body(&headers, &body)?;
    let input = MessageInput {
        kind: req.kind,
        body: req.body,
        attachments: req
            .attachments
            .into_iter()
            .map(AttachmentRequest::into_input)
            .collect(),
    };
    let (app, caller) = (state.app.clone(), staff.caller());
    with_idempotency(
        &state,
        scope(&staff),
        key,
        hash,
        true,
        StatusCode::CREATED,
        |idem| async move { Ok(app.add_message(id, input, caller, expected, idem).await?.0) },
    )
    .await
}

/// Move a case through its lifecycle.
#[utoipa::path(post, path = "/api/v1/cases/{number}/transitions", tag = "cases", request_body = TransitionRequest,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = CaseView), (status = 409, body = Problem), (status = 412, body = Problem)), security(("bearer" = [])))]
pub async fn transition(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    IfMatch(expected): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = case_id(&number)?;
    let hash = request_fingerprint(
        "POST",
        &format!("/api/v1/cases/{}/transitions", id.0),
        &body,
    );
    let req: TransitionRequest = json_body(&headers, &body)?;
    let (app, caller) = (state.app.clone(), staff.caller());
    with_idempotency(
        &state,
        scope(&staff),
        key,
        hash,
        true,
        StatusCode::OK,
        |idem| async move {
            Ok(app
                .transition(id, req.action, caller, expected, idem)
                .await?)
        },
    )
    .await
}

/// Route a case to a queue and/or a staff member.
#[utoipa::path(post, path = "/api/v1/cases/{number}/assignment", tag = "cases", request_body = AssignRequest,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = CaseView), (status = 403, body = Problem), (status = 412, body = Problem)), security(("bearer" = [])))]
pub async fn assign(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    IfMatch(expected): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = case_id(&number)?;
    let hash = request_fingerprint("POST", &format!("/api/v1/cases/{}/assignment", id.0), &body);
    let req: AssignRequest = json_body(&headers, &body)?;
    let a = Assignment {
        queue: req.queue,
        assignee: req.assignee.map(|a| a.map(UserId)),
    };
    let (app, caller) = (state.app.clone(), staff.caller());
    with_idempotency(
        &state,
        scope(&staff),
        key,
        hash,
        true,
        StatusCode::OK,
        |idem| async move { Ok(app.assign(id, a, caller, expected, idem).await?) },
    )
    .await
}

/// Merge this case (a duplicate) into another.
#[utoipa::path(post, path = "/api/v1/cases/{number}/merge", tag = "cases", request_body = MergeRequest,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = CaseView), (status = 409, body = Problem)), security(("bearer" = [])))]
pub async fn merge(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    IfMatch(expected): IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = case_id(&number)?;
    let hash = request_fingerprint("POST", &format!("/api/v1/cases/{}/merge", id.0), &body);
    let req: MergeRequest = json_body(&headers, &body)?;
    let into = case_id(&req.into).map_err(|_| {
        ApiError::invalid(
            "into",
            Bilingual::new("সঠিক কেস নম্বর দিন", "Give a valid case number"),
        )
    })?;
    let (app, caller) = (state.app.clone(), staff.caller());
    with_idempotency(
        &state,
        scope(&staff),
        key,
        hash,
        true,
        StatusCode::OK,
        |idem| async move { Ok(app.merge(id, into, caller, expected, idem).await?) },
    )
    .await
}

/// The case's audit trail (supervisors, admins and auditors).
#[utoipa::path(get, path = "/api/v1/cases/{number}/audit", tag = "audit", params(("number" = String, Path)),
    responses((status = 200, body = Vec<AuditEventView>), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<Vec<AuditEventView>>, ApiError> {
    staff.require(Permission::ReadAudit)?;
    let id = case_id(&number)?;
    let events = state
        .app
        .store
        .audit_events(&format!("case:{}", id.0))
        .await
        .map_err(AppError::from)?;
    if events.is_empty() {
        return Err(ApiError::not_found());
    }
    Ok(Json(
        events
            .into_iter()
            .map(|e| AuditEventView {
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                action: e.action,
                before: serde_json::from_str(&e.before).unwrap_or(serde_json::Value::Null),
                after: serde_json::from_str(&e.after).unwrap_or(serde_json::Value::Null),
                prev_hash: e.prev_hash,
                hash: e.hash,
            })
            .collect(),
    ))
}

/// Outbound deliveries (acknowledgements, replies) of a case, with their state.
#[utoipa::path(get, path = "/api/v1/cases/{number}/deliveries", tag = "cases", params(("number" = String, Path)),
    responses((status = 200, body = Vec<DeliveryView>)), security(("bearer" = [])))]
pub async fn deliveries(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<Vec<DeliveryView>>, ApiError> {
    staff.require(Permission::ReadCases)?;
    let id = case_id(&number)?;
    let ds = state
        .app
        .store
        .deliveries_for_case(id)
        .await
        .map_err(AppError::from)?;
    Ok(Json(ds.iter().map(DeliveryView::new).collect()))
}
