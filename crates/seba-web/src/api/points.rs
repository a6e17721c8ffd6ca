//! Service points over JSON: list and read (any staff who may read cases — agents answer
//! callers asking where to go), add, edit, close and reopen (supervisors and admins). The
//! list is paged by id (there may be hundreds of thousands of agent points): each page
//! names the `after` of the next, and is read from where the last one stopped. Each
//! change is audited by the application (`point.saved`, `point.closed`, `point.reopened`
//! on the chain `point:<id>`). The `ETag` is the point's version; an edit may name it in
//! `If-Match` and fails with 412 if someone saved in between.
//!
//! A create may carry an `Idempotency-Key`, as case intake does: the first answer is
//! rendered from the new point and committed in the point's own transaction, so a retry
//! (before, during or after the first request) gets that answer, byte for byte, and adds
//! nothing; the same key with a different body is a 422. Edits, closing and reopening do
//! not take the header: a retried edit with `If-Match` is already safe (the repeat gets
//! 412), and closing or reopening twice changes nothing the second time.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use seba_app::AppError;
use seba_app::points::{PointError, PointIdem};
use seba_app::tracking::request_fingerprint;
use seba_core::Bilingual;
use seba_core::bilingual::Explain;
use seba_core::staff::Permission;
use seba_core::text;
use seba_geo::{DistrictId, Geography};
use seba_locator::points::{PointInput, PointKind, ServicePoint};

use super::cases::bad_param;
use super::nearest;
use super::{json_body, replay, replay_after_race, stored};
use crate::error::{ApiError, FieldError, Problem, etag};
use crate::extract::{IdempotencyKey, IfMatch, Staff};
use crate::state::AppState;

/// A place name in both languages.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaRef {
    pub id: u16,
    pub name_bn: String,
    pub name_en: String,
}

/// A service point as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointView {
    pub id: i64,
    /// `care_centre`, `agent_point`, `popup_desk`, `g2p_point` or `drop_box`.
    pub kind: String,
    pub name_bn: String,
    pub name_en: String,
    pub address_bn: String,
    pub address_en: String,
    pub division: AreaRef,
    pub district: AreaRef,
    pub upazila: Option<AreaRef>,
    pub lat: f64,
    pub lon: f64,
    pub phone: Option<String>,
    pub services: Vec<String>,
    /// OpenStreetMap `opening_hours`.
    pub hours: String,
    pub notice_bn: Option<String>,
    pub notice_en: Option<String>,
    /// `YYYY-MM-DD`.
    pub active_from: Option<String>,
    pub active_to: Option<String>,
    pub closed: bool,
    pub version: i64,
    /// RFC 3339.
    pub updated_at: String,
}

impl PointView {
    pub fn new(p: &ServicePoint) -> PointView {
        let geo = Geography::bangladesh();
        let (div_bn, div_en) = geo
            .division(p.division)
            .map(|d| (d.name_bn.clone(), d.name_en.clone()))
            .unwrap_or_default();
        let (dis_bn, dis_en) = geo
            .district(p.district)
            .map(|d| (d.name_bn.clone(), d.name_en.clone()))
            .unwrap_or_default();
        PointView {
            id: p.id,
            kind: p.kind.as_str().into(),
            name_bn: p.name_bn.clone(),
            name_en: p.name_en.clone(),
            address_bn: p.address_bn.clone(),
            address_en: p.address_en.clone(),
            division: AreaRef {
                id: p.division.0,
                name_bn: div_bn,
                name_en: div_en,
            },
            district: AreaRef {
                id: p.district.0,
                name_bn: dis_bn,
                name_en: dis_en,
            },
            upazila: p.upazila.map(|u| {
                let (bn, en) = geo
                    .upazila(u)
                    .map(|x| (x.name_bn.clone(), x.name_en.clone()))
                    .unwrap_or_default();
                AreaRef {
                    id: u.0,
                    name_bn: bn,
                    name_en: en,
                }
            }),
            lat: p.coord.lat(),
            lon: p.coord.lon(),
            phone: p.phone.clone(),
            services: p.services.iter().map(|s| s.as_str().into()).collect(),
            hours: p.hours.clone(),
            notice_bn: p.notice_bn.clone(),
            notice_en: p.notice_en.clone(),
            active_from: p.active_from.map(|d| d.to_string()),
            active_to: p.active_to.map(|d| d.to_string()),
            closed: p.closed,
            version: p.version,
            updated_at: p.updated_at.to_string(),
        }
    }
}

/// A coordinate as a JSON number or as text (either digit script).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Degrees {
    Number(f64),
    Text(String),
}

impl Degrees {
    fn text(self) -> String {
        match self {
            Degrees::Number(n) => n.to_string(),
            Degrees::Text(s) => s,
        }
    }
}

/// The fields of a point, as on the admin form. Every problem is reported at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointRequest {
    pub kind: String,
    pub name_bn: String,
    pub name_en: String,
    pub address_bn: String,
    pub address_en: String,
    /// A district id ("26") or name in either script ("Dhaka", "ঢাকা").
    pub district: String,
    /// An upazila of that district, by id or name.
    #[serde(default)]
    pub upazila: Option<String>,
    pub lat: Degrees,
    pub lon: Degrees,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub services: Vec<String>,
    /// OpenStreetMap `opening_hours`, e.g. `Sa-Th 09:00-17:00`.
    pub hours: String,
    #[serde(default)]
    pub notice_bn: Option<String>,
    #[serde(default)]
    pub notice_en: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub active_from: Option<String>,
    #[serde(default)]
    pub active_to: Option<String>,
}

impl PointRequest {
    fn into_input(self) -> PointInput {
        PointInput {
            kind: self.kind,
            name_bn: self.name_bn,
            name_en: self.name_en,
            address_bn: self.address_bn,
            address_en: self.address_en,
            district: self.district,
            upazila: self.upazila,
            lat: self.lat.text(),
            lon: self.lon.text(),
            phone: self.phone,
            services: self.services,
            hours: self.hours,
            notice_bn: self.notice_bn,
            notice_en: self.notice_en,
            active_from: self.active_from,
            active_to: self.active_to,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    /// Why the point closes; kept in the audit trail.
    pub reason: String,
}

fn point_error(e: PointError) -> ApiError {
    match e {
        PointError::Invalid(errors) => {
            let mut a = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                Bilingual::new("তথ্য সঠিক নয়", "Invalid input"),
                PointError::Invalid(errors.clone()).explain(),
            );
            a.errors = errors
                .iter()
                .map(|f| {
                    let t = f.explain();
                    FieldError {
                        field: f.field.into(),
                        detail: t.en,
                        detail_bn: t.bn,
                    }
                })
                .collect();
            a
        }
        PointError::App(e) => e.into(),
    }
}

fn refuse_idempotency_key(headers: &HeaderMap) -> Result<(), ApiError> {
    if headers.contains_key("idempotency-key") {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            Bilingual::new(
                "Idempotency-Key শুধু নতুন সেবা কেন্দ্র যোগ করতে নেওয়া হয়; সম্পাদনায় If-Match দিন",
                "Idempotency-Key is taken only when adding a point; use If-Match on edits",
            ),
        ));
    }
    Ok(())
}

/// The headers a created point's answer carries, replayed with it.
fn point_headers(p: &ServicePoint) -> Vec<(String, String)> {
    vec![
        (
            header::LOCATION.to_string(),
            format!("/api/v1/points/{}", p.id),
        ),
        (header::ETAG.to_string(), format!("\"{}\"", p.version)),
    ]
}

fn point_response(status: StatusCode, p: &ServicePoint) -> Response {
    let view = PointView::new(p);
    let mut res = (status, [(header::ETAG, etag(p.version))], Json(view)).into_response();
    if status == StatusCode::CREATED
        && let Ok(v) = header::HeaderValue::from_str(&format!("/api/v1/points/{}", p.id))
    {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// A page of the points list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointList {
    /// Points in id order.
    pub points: Vec<PointView>,
    /// Pass as `after` for the next page; null on the last one. A full page always has
    /// one, so the page after it may be empty.
    pub next: Option<i64>,
}

/// How many points a page holds unless `limit` says otherwise, and at most.
const PAGE_DEFAULT: u32 = 100;
const PAGE_MAX: u32 = 1000;

/// The list's query parameters.
const KNOWN: &[&str] = &["kind", "district", "include_closed", "after", "limit"];

/// What the list was asked for.
struct ListQuery {
    kind: Option<PointKind>,
    district: Option<DistrictId>,
    include_closed: bool,
    after: Option<i64>,
    limit: u32,
}

/// The list's query string, read strictly: an unknown parameter or a bad value is a 422
/// naming it. An empty value, as a form sends it, counts as not sent.
fn list_query(q: &HashMap<String, String>) -> Result<ListQuery, ApiError> {
    let mut out = ListQuery {
        kind: None,
        district: None,
        include_closed: false,
        after: None,
        limit: PAGE_DEFAULT,
    };
    for (k, v) in q {
        let v = text::clean(v);
        let v = v.as_str();
        match k.as_str() {
            _ if v.is_empty() && KNOWN.contains(&k.as_str()) => {}
            "district" => out.district = Some(nearest::district(v)?.id),
            "kind" => out.kind = Some(nearest::kind(v)?),
            "include_closed" => {
                out.include_closed = match v {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(bad_param("include_closed", "true or false", "true বা false")),
                }
            }
            "after" => {
                out.after = Some(
                    text::ascii_digits(v)
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n >= 0)
                        .ok_or_else(|| {
                            bad_param(
                                "after",
                                "a point id: `next` from the previous page",
                                "একটি কেন্দ্রের আইডি: আগের পাতার `next`",
                            )
                        })?,
                )
            }
            "limit" => {
                out.limit = text::ascii_digits(v)
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=PAGE_MAX).contains(n))
                    .ok_or_else(|| {
                        bad_param(
                            "limit",
                            "a number from 1 to 1000",
                            "১ থেকে ১০০০ এর মধ্যে সংখ্যা",
                        )
                    })?
            }
            other => {
                let shown: String = other.chars().take(40).collect();
                return Err(bad_param(
                    &shown,
                    &format!("unknown query parameter; known: {}", KNOWN.join(", ")),
                    &format!("অজানা প্যারামিটার; এগুলো চলে: {}", KNOWN.join(", ")),
                ));
            }
        }
    }
    Ok(out)
}

/// Service points a page at a time, in id order: `limit` of them (100 unless asked, at
/// most 1000) after the id `after`; pass the answer's `next` as `after` for the next page.
/// Filter by `kind` and `district` (an id or a name in either script); closed points only
/// with `include_closed=true`.
#[utoipa::path(get, path = "/api/v1/points", tag = "points",
    params(
        ("kind" = Option<String>, Query, description = "care_centre, agent_point, popup_desk, g2p_point or drop_box"),
        ("district" = Option<String>, Query, description = "A district id or name in either script"),
        ("include_closed" = Option<bool>, Query, description = "Closed points too (default false)"),
        ("after" = Option<i64>, Query, description = "`next` from the previous page: points with a larger id"),
        ("limit" = Option<u32>, Query, description = "Points per page, 1–1000 (default 100)"),
    ),
    responses((status = 200, body = PointList), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<PointList>, ApiError> {
    staff.require(Permission::ReadCases)?;
    let q = list_query(&q)?;
    let points = state
        .app
        .points_page(q.kind, q.district, q.include_closed, q.after, q.limit)
        .await?;
    let next = (points.len() == q.limit as usize)
        .then(|| points.last().map(|p| p.id))
        .flatten();
    Ok(Json(PointList {
        points: points.iter().map(PointView::new).collect(),
        next,
    }))
}

/// One point, open or closed. The `ETag` is its version.
#[utoipa::path(get, path = "/api/v1/points/{id}", tag = "points", params(("id" = i64, Path)),
    responses((status = 200, body = PointView), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    staff.require(Permission::ReadCases)?;
    let p = state.app.point(id).await?;
    Ok(point_response(StatusCode::OK, &p))
}

/// Add a point (supervisors and admins). With an `Idempotency-Key`, a retry gets the first
/// answer (marked `Idempotent-Replayed: true`) and adds nothing.
#[utoipa::path(post, path = "/api/v1/points", tag = "points", request_body = PointRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = PointView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    staff.require(Permission::Supervise)?;
    let hash = request_fingerprint("POST", "/api/v1/points", &body);
    // Adding a point is rare and allocates an id: look the key up first, and let the
    // point's own commit settle a race.
    let scope = format!("user:{}", staff.user.id);
    if let Some(r) = replay(&state, &scope, &key, &hash).await? {
        return Ok(r);
    }
    let req: PointRequest = json_body(&headers, &body)?;
    let idem = key.clone().map(|k| PointIdem {
        scope: scope.clone(),
        key: k,
        request_hash: hash.clone(),
        render: std::sync::Arc::new({
            let hash = hash.clone();
            move |p: &ServicePoint| {
                stored(
                    StatusCode::CREATED,
                    &PointView::new(p),
                    point_headers(p),
                    &hash,
                )
            }
        }),
    });
    match state
        .app
        .save_point_idempotent(None, &req.into_input(), staff.caller(), None, idem)
        .await
    {
        Ok(p) => Ok(point_response(StatusCode::CREATED, &p)),
        Err(PointError::App(AppError::IdempotencyRace)) => {
            replay_after_race(&state, &scope, &key, &hash).await
        }
        Err(e) => Err(point_error(e)),
    }
}

/// Replace a point's fields (supervisors and admins); a closed point stays closed.
#[utoipa::path(put, path = "/api/v1/points/{id}", tag = "points", request_body = PointRequest,
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = PointView), (status = 404, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn put(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    IfMatch(expected): IfMatch,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    staff.require(Permission::Supervise)?;
    refuse_idempotency_key(&headers)?;
    let req: PointRequest = json_body(&headers, &body)?;
    let p = state
        .app
        .save_point(Some(id), &req.into_input(), staff.caller(), expected)
        .await
        .map_err(point_error)?;
    Ok(point_response(StatusCode::OK, &p))
}

/// Close a point, for a reason the audit trail keeps. Closing a closed point changes nothing.
#[utoipa::path(post, path = "/api/v1/points/{id}/close", tag = "points", request_body = CloseRequest,
    params(("id" = i64, Path)),
    responses((status = 200, body = PointView), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    staff.require(Permission::Supervise)?;
    refuse_idempotency_key(&headers)?;
    let req: CloseRequest = json_body(&headers, &body)?;
    let p = state
        .app
        .close_point(id, &req.reason, staff.caller())
        .await?;
    Ok(point_response(StatusCode::OK, &p))
}

/// Reopen a closed point. Reopening an open point changes nothing.
#[utoipa::path(post, path = "/api/v1/points/{id}/reopen", tag = "points", params(("id" = i64, Path)),
    responses((status = 200, body = PointView), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn reopen(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    staff.require(Permission::Supervise)?;
    refuse_idempotency_key(&headers)?;
    let p = state.app.reopen_point(id, staff.caller()).await?;
    Ok(point_response(StatusCode::OK, &p))
}
