//! Administration: staff and API tokens, queues and categories, SLA policies, the holiday
//! calendar, the audit check, the taxonomy, attachments and the demo SMS inbox.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use seba_app::AppError;
use seba_app::audit::AuditReport;
use seba_app::tracking::request_fingerprint;
use seba_core::Bilingual;
use seba_core::staff::{Permission, Role};
use seba_store::{Category, Holiday, Queue, SentSms, SlaPolicy};

use super::{json_body, remember, replay, stored};
use crate::error::{ApiError, Problem};
use crate::extract::{ClientIp, IdempotencyKey, Staff};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub disabled: bool,
    pub locked: bool,
}

/// Staff members.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", responses((status = 200, body = Vec<UserView>)), security(("bearer" = [])))]
pub async fn users(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<UserView>>, ApiError> {
    staff.require(Permission::Supervise)?;
    let now = state.app.now();
    let users = state.app.store.users().await.map_err(AppError::from)?;
    Ok(Json(
        users
            .into_iter()
            .map(|u| UserView {
                id: u.id.0,
                username: u.username,
                display_name: u.display_name,
                role: u.role.to_string(),
                disabled: u.disabled,
                locked: u.locked_until.is_some_and(|t| t > now),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    /// agent, supervisor, admin or auditor.
    pub role: String,
    /// At least 12 characters.
    pub password: String,
}

/// Add a staff member (admins).
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", request_body = NewUserRequest,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = UserView), (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn add_user(
    State(state): State<AppState>,
    staff: Staff,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    staff.require(Permission::Administer)?;
    let hash = request_fingerprint("POST", "/api/v1/admin/users", &body);
    let scope = format!("user:{}", staff.user.id);
    if let Some(r) = replay(&state, &scope, &key, &hash).await? {
        return Ok(r);
    }
    let req: NewUserRequest = json_body(&headers, &body)?;
    let role: Role = req.role.parse().map_err(|_| {
        ApiError::invalid(
            "role",
            Bilingual::new(
                "ভূমিকা agent, supervisor, admin বা auditor",
                "role must be agent, supervisor, admin or auditor",
            ),
        )
    })?;
    let id = state
        .app
        .add_user(
            &req.username,
            &req.display_name,
            role,
            &req.password,
            staff.caller(),
        )
        .await?;
    let view = UserView {
        id: id.0,
        username: req.username.trim().to_lowercase(),
        display_name: req.display_name.trim().to_string(),
        role: role.to_string(),
        disabled: false,
        locked: false,
    };
    let s = stored(StatusCode::CREATED, &view, vec![], &hash);
    remember(&state, &scope, &key, &s).await;
    Ok(super::respond(&s))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    pub username: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    /// Shown once; store it safely.
    pub token: String,
}

/// Create an API token for a staff member (admins). Takes no Idempotency-Key: the answer
/// is a secret that is never stored.
#[utoipa::path(post, path = "/api/v1/admin/tokens", tag = "admin", request_body = NewTokenRequest,
    responses((status = 201, body = NewToken), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<NewToken>), ApiError> {
    staff.require(Permission::Administer)?;
    let req: NewTokenRequest = json_body(&headers, &body)?;
    let token = state
        .app
        .create_token(&req.username, &req.name, staff.caller())
        .await?;
    Ok((StatusCode::CREATED, Json(NewToken { token })))
}

/// SLA policies (supervisors).
#[utoipa::path(get, path = "/api/v1/admin/sla-policies", tag = "admin", responses((status = 200, body = Vec<Object>)), security(("bearer" = [])))]
pub async fn sla_policies(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<SlaPolicy>>, ApiError> {
    staff.require(Permission::ReadCases)?;
    Ok(Json(
        state
            .app
            .store
            .sla_policies()
            .await
            .map_err(AppError::from)?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyRequest {
    pub category: Option<String>,
    pub priority: Option<String>,
    /// Business minutes.
    pub ack_minutes: i64,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    /// Calendar days the resolution may never exceed (Bangladesh Bank: 45).
    pub max_calendar_days: i64,
    pub at_risk_percent: i64,
}

/// Create or replace an SLA policy (supervisors).
#[utoipa::path(put, path = "/api/v1/admin/sla-policies/{id}", tag = "admin", request_body = PolicyRequest, params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn put_sla_policy(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<SlaPolicy>, ApiError> {
    staff.require(Permission::Supervise)?;
    let r: PolicyRequest = json_body(&headers, &body)?;
    let bad = |f: &str| {
        ApiError::invalid(
            f,
            Bilingual::new(format!("`{f}` সঠিক নয়"), format!("`{f}` is out of range")),
        )
    };
    if id.is_empty() || id.len() > 60 {
        return Err(bad("id"));
    }
    if r.ack_minutes <= 0 || r.first_response_minutes <= 0 || r.resolution_minutes <= 0 {
        return Err(bad("resolution_minutes"));
    }
    if !(1..=365).contains(&r.max_calendar_days) {
        return Err(bad("max_calendar_days"));
    }
    if !(0..=100).contains(&r.at_risk_percent) {
        return Err(bad("at_risk_percent"));
    }
    let priority = r
        .priority
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|_| bad("priority"))?;
    if let Some(c) = &r.category
        && !state.app.snapshot().await?.categories.contains_key(c)
    {
        return Err(AppError::UnknownCategory(c.clone()).into());
    }
    let p = SlaPolicy {
        id,
        category: r.category,
        priority,
        ack_minutes: r.ack_minutes,
        first_response_minutes: r.first_response_minutes,
        resolution_minutes: r.resolution_minutes,
        max_calendar_days: r.max_calendar_days,
        at_risk_percent: r.at_risk_percent,
    };
    state
        .app
        .store
        .upsert_sla_policy(p.clone())
        .await
        .map_err(AppError::from)?;
    state.app.invalidate_settings();
    Ok(Json(p))
}

/// Public holidays.
#[utoipa::path(get, path = "/api/v1/admin/holidays", tag = "admin", responses((status = 200, body = Vec<Object>)), security(("bearer" = [])))]
pub async fn holidays(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<Holiday>>, ApiError> {
    staff.require(Permission::ReadCases)?;
    Ok(Json(
        state.app.store.holidays().await.map_err(AppError::from)?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayRequest {
    /// YYYY-MM-DD, within the year in the path.
    pub date: String,
    pub name_bn: String,
    pub name_en: String,
}

/// Replace one year's holidays (as gazetted; Eid dates move).
#[utoipa::path(put, path = "/api/v1/admin/holidays/{year}", tag = "admin", request_body = Vec<HolidayRequest>, params(("year" = i16, Path)),
    responses((status = 200, body = Vec<Object>), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn put_holidays(
    State(state): State<AppState>,
    staff: Staff,
    Path(year): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Vec<Holiday>>, ApiError> {
    staff.require(Permission::Supervise)?;
    let year: i16 = match year.trim().parse::<i16>() {
        Ok(y) if (2000..=2100).contains(&y) => y,
        _ => {
            return Err(ApiError::invalid(
                "year",
                Bilingual::new("সাল ২০০০–২১০০", "year must be 2000–2100"),
            ));
        }
    };
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::invalid(
            "year",
            Bilingual::new("সাল ২০০০–২১০০", "year must be 2000–2100"),
        ));
    }
    let reqs: Vec<HolidayRequest> = json_body(&headers, &body)?;
    let mut days = Vec::with_capacity(reqs.len());
    for (i, r) in reqs.into_iter().enumerate() {
        let field = format!("[{i}].date");
        let date: jiff::civil::Date = r.date.trim().parse().map_err(|_| {
            ApiError::invalid(
                &field,
                Bilingual::new("তারিখ YYYY-MM-DD আকারে দিন", "date must be YYYY-MM-DD"),
            )
        })?;
        if date.year() != year {
            return Err(ApiError::invalid(
                &field,
                Bilingual::new("তারিখটি এই সালের নয়", "date is not in this year"),
            ));
        }
        let name_bn = seba_core::case::required_text("name_bn", &r.name_bn, 120)?;
        let name_en = seba_core::case::required_text("name_en", &r.name_en, 120)?;
        days.push(Holiday {
            date,
            name_bn,
            name_en,
        });
    }
    days.sort_by_key(|d| d.date);
    days.dedup_by_key(|d| d.date);
    state
        .app
        .store
        .set_holidays(year, days.clone())
        .await
        .map_err(AppError::from)?;
    state.app.invalidate_settings();
    Ok(Json(days))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueRequest {
    pub name_bn: String,
    pub name_en: String,
}

/// Create or rename a queue (admins).
#[utoipa::path(put, path = "/api/v1/admin/queues/{code}", tag = "admin", request_body = QueueRequest, params(("code" = String, Path)),
    responses((status = 200, body = Object)), security(("bearer" = [])))]
pub async fn put_queue(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Queue>, ApiError> {
    staff.require(Permission::Administer)?;
    check_code("code", &code)?;
    let r: QueueRequest = json_body(&headers, &body)?;
    let q = Queue {
        code,
        name_bn: seba_core::case::required_text("name_bn", &r.name_bn, 120)?,
        name_en: seba_core::case::required_text("name_en", &r.name_en, 120)?,
    };
    state
        .app
        .store
        .upsert_queue(q.clone())
        .await
        .map_err(AppError::from)?;
    state.app.invalidate_settings();
    Ok(Json(q))
}

/// Whether a queue or category code has the shape codes have: `[a-z0-9_.]`, 1–60.
pub(crate) fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 60
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
}

fn check_code(field: &str, code: &str) -> Result<(), ApiError> {
    if is_code(code) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            field,
            Bilingual::new(
                "কোডে শুধু a-z, 0-9, _ ও .",
                "codes use only a-z, 0-9, _ and .",
            ),
        ))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    pub name_bn: String,
    pub name_en: String,
    pub queue: String,
}

/// Create or change a category (admins). `mfs.cash_out` is a child of `mfs`.
#[utoipa::path(put, path = "/api/v1/admin/categories/{code}", tag = "admin", request_body = CategoryRequest, params(("code" = String, Path)),
    responses((status = 200, body = Object), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn put_category(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Category>, ApiError> {
    staff.require(Permission::Administer)?;
    check_code("code", &code)?;
    let r: CategoryRequest = json_body(&headers, &body)?;
    let snap = state.app.snapshot().await?;
    if !snap.queues.contains_key(&r.queue) {
        return Err(AppError::UnknownQueue(r.queue).into());
    }
    let parent = match code.split_once('.') {
        Some((p, rest)) if !rest.contains('.') => {
            if !snap.categories.contains_key(p) {
                return Err(AppError::UnknownCategory(p.to_string()).into());
            }
            Some(p.to_string())
        }
        Some(_) => {
            return Err(ApiError::invalid(
                "code",
                Bilingual::new("বিভাগ দুই স্তরের", "categories have two levels"),
            ));
        }
        None => None,
    };
    let c = Category {
        code,
        parent,
        name_bn: seba_core::case::required_text("name_bn", &r.name_bn, 120)?,
        name_en: seba_core::case::required_text("name_en", &r.name_en, 120)?,
        queue: r.queue,
    };
    state
        .app
        .store
        .upsert_category(c.clone())
        .await
        .map_err(AppError::from)?;
    state.app.invalidate_settings();
    Ok(Json(c))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Taxonomy {
    #[schema(value_type = Vec<Object>)]
    pub queues: Vec<Queue>,
    #[schema(value_type = Vec<Object>)]
    pub categories: Vec<Category>,
}

/// Categories and queues (public: the complaint form needs them).
#[utoipa::path(get, path = "/api/v1/taxonomy", tag = "customer", responses((status = 200, body = Taxonomy)))]
pub async fn taxonomy(State(state): State<AppState>) -> Result<Json<Taxonomy>, ApiError> {
    let snap = state.app.snapshot().await?;
    let mut queues: Vec<Queue> = snap.queues.values().cloned().collect();
    queues.sort_by(|a, b| a.code.cmp(&b.code));
    let mut categories: Vec<Category> = snap.categories.values().cloned().collect();
    categories.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(Json(Taxonomy { queues, categories }))
}

/// Walk every audit chain and report breaks (auditors, supervisors, admins).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", responses((status = 200, body = Object)), security(("bearer" = [])))]
pub async fn verify_audit(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<AuditReport>, ApiError> {
    staff.require(Permission::ReadAudit)?;
    Ok(Json(state.app.verify_audit().await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsQuery {
    pub to: Option<String>,
}

/// The demo SMS inbox: what the store-backed SMS sink "sent" (admins).
#[utoipa::path(get, path = "/api/v1/admin/sms", tag = "admin", params(("to" = Option<String>, Query)),
    responses((status = 200, body = Vec<Object>)), security(("bearer" = [])))]
pub async fn sms(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SmsQuery>,
) -> Result<Json<Vec<SentSms>>, ApiError> {
    staff.require(Permission::Administer)?;
    let to = match q.to.as_deref() {
        Some(t) => Some(
            seba_core::contact::Msisdn::parse(t)
                .map_err(|e| ApiError::invalid("to", seba_core::bilingual::Explain::explain(&e)))?
                .as_e164()
                .to_string(),
        ),
        None => None,
    };
    Ok(Json(
        state
            .app
            .store
            .sms_sent(to.as_deref(), 100)
            .await
            .map_err(AppError::from)?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Uploaded {
    pub sha256: String,
    pub content_type: String,
    pub size: i64,
}

async fn upload(
    state: &AppState,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Uploaded>), ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let a = state.app.upload(ct, body.to_vec()).await?;
    Ok((
        StatusCode::CREATED,
        Json(Uploaded {
            sha256: a.sha256,
            content_type: a.content_type,
            size: a.size,
        }),
    ))
}

/// Upload a file (raw body with its Content-Type); refer to it by `sha256` in a message.
/// Uploading the same bytes twice stores them once.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "cases", request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Uploaded), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn upload_staff(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Uploaded>), ApiError> {
    staff.require(Permission::WorkCases)?;
    upload(&state, &headers, body).await
}

/// A customer's upload, for a complaint or a reply (rate-limited).
#[utoipa::path(post, path = "/api/v1/public/attachments", tag = "customer", request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Uploaded), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn upload_public(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Uploaded>), ApiError> {
    state.check_public_rate(ip)?;
    upload(&state, &headers, body).await
}

/// Download an attachment (staff).
#[utoipa::path(get, path = "/api/v1/attachments/{sha256}", tag = "cases", params(("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path(sha): Path<String>,
) -> Result<Response, ApiError> {
    staff.require(Permission::ReadCases)?;
    let Some((ct, bytes)) = state
        .app
        .store
        .blob(&sha.to_ascii_lowercase())
        .await
        .map_err(AppError::from)?
    else {
        return Err(ApiError::not_found());
    };
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CONTENT_DISPOSITION, "attachment".to_string()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        bytes,
    )
        .into_response())
}
