//! Customer routes (no staff login): file a complaint, track it with a one-time code, reply.
//! Every route here is rate-limited per client address.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use seba_app::AppError;
use seba_app::cases::{Caller, Idem, NewCaseInput};
use seba_app::tracking::{PublicCase, request_fingerprint};
use seba_core::Bilingual;
use seba_core::case::Channel;

use super::views::AttachmentRequest;
use super::{case_id, json_body, replay, replay_after_race, stored};
use crate::error::{ApiError, Problem};
use crate::extract::{ClientIp, IdempotencyKey};
use crate::state::AppState;

/// A complaint from the portal or the app.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRequest {
    /// `web` (default) or `app`.
    #[schema(value_type = Option<String>)]
    pub channel: Option<Channel>,
    pub category: String,
    pub subject: Option<String>,
    pub description: String,
    pub name: Option<String>,
    pub msisdn: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentRequest>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintAccepted {
    /// Keep this number: it is how the complaint is tracked.
    pub number: String,
    #[schema(value_type = String, format = DateTime)]
    pub resolution_due: Timestamp,
    #[schema(value_type = Object)]
    pub message: Bilingual,
}

const SCOPE: &str = "public";

/// File a complaint. An acknowledgement with the case number goes out by SMS/e-mail.
#[utoipa::path(post, path = "/api/v1/public/complaints", tag = "customer", request_body = ComplaintRequest,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ComplaintAccepted), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn complain(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.check_public_rate(ip)?;
    let hash = request_fingerprint("POST", "/api/v1/public/complaints", &body);
    // As for staff intake: the key is claimed inside the case's transaction.
    let req: ComplaintRequest = json_body(&headers, &body)?;
    let channel = match req.channel.unwrap_or(Channel::Web) {
        c @ (Channel::Web | Channel::App) => c,
        _ => {
            return Err(ApiError::invalid(
                "channel",
                Bilingual::new("চ্যানেল web বা app হবে", "channel must be web or app"),
            ));
        }
    };
    let input = NewCaseInput {
        channel: Some(channel),
        category: req.category,
        priority: None,
        subject: req.subject,
        body: req.description,
        requester_name: req.name,
        requester_msisdn: req.msisdn,
        requester_email: req.email,
        tags: vec![],
        queue: None,
        attachments: req
            .attachments
            .into_iter()
            .map(AttachmentRequest::into_input)
            .collect(),
    };
    let app = state.app.clone();
    let accepted = move |case: &seba_core::case::Case| ComplaintAccepted {
        number: case.number().to_string(),
        resolution_due: case.sla.resolution_due,
        message: Bilingual::new(
            format!(
                "আপনার অভিযোগ গ্রহণ করা হয়েছে। কেস নম্বর {}। {}",
                case.number(),
                app.promise(case).bn
            ),
            format!(
                "Your complaint is received. Case number {}. {}",
                case.number(),
                app.promise(case).en
            ),
        ),
    };
    let idem = key.clone().map(|k| Idem {
        scope: SCOPE.into(),
        key: k,
        request_hash: hash.clone(),
        render: std::sync::Arc::new({
            let hash = hash.clone();
            let accepted = accepted.clone();
            move |case, _| stored(StatusCode::CREATED, &accepted(case), vec![], &hash)
        }),
    });
    match state.app.create_case(input, Caller::customer(), idem).await {
        Ok((case, _)) => Ok(super::respond(&stored(
            StatusCode::CREATED,
            &accepted(&case),
            vec![],
            &hash,
        ))),
        Err(AppError::IdempotencyRace) => replay_after_race(&state, SCOPE, &key, &hash).await,
        Err(e) => Err(complaint_fields(e.into())),
    }
}

/// Name the complaint form's own fields in errors (the case's inner names differ).
fn complaint_fields(mut e: ApiError) -> ApiError {
    for f in &mut e.errors {
        f.field = match f.field.as_str() {
            "requester.msisdn" => "msisdn".into(),
            "requester.email" => "email".into(),
            "requester.name" => "name".into(),
            "requester" => "msisdn".into(),
            "body" => "description".into(),
            other => other.to_string(),
        };
    }
    e
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackRequest {
    pub case_number: String,
    pub msisdn: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackStarted {
    pub challenge_id: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    #[schema(value_type = Object)]
    pub message: Bilingual,
}

/// Step 1 of tracking: a one-time code goes by SMS to the case's mobile number. The answer
/// is the same whether or not the number matches.
#[utoipa::path(post, path = "/api/v1/public/track", tag = "customer", request_body = TrackRequest,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 202, body = TrackStarted), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn track(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.check_public_rate(ip)?;
    // A retried request must not send a second code.
    let hash = request_fingerprint("POST", "/api/v1/public/track", &body);
    if let Some(r) = replay(&state, SCOPE, &key, &hash).await? {
        return Ok(r);
    }
    let req: TrackRequest = json_body(&headers, &body)?;
    let started = state
        .app
        .start_tracking(&req.case_number, &req.msisdn)
        .await?;
    let answer = TrackStarted {
        challenge_id: started.challenge_id,
        expires_at: started.expires_at,
        message: Bilingual::new(
            "নম্বরটি মিলে গেলে একটি কোড এসএমএসে পাঠানো হয়েছে",
            "If the number matches the case, a code has been sent by SMS",
        ),
    };
    let s = stored(StatusCode::ACCEPTED, &answer, vec![], &hash);
    super::remember(&state, SCOPE, &key, &s).await;
    Ok(super::respond(&s))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    pub challenge_id: String,
    /// The 6-digit code (Bengali or ASCII digits).
    pub code: String,
}

/// A customer's view of their case.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCaseView {
    pub number: String,
    pub status: String,
    pub category: String,
    pub subject: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub resolution_due: Timestamp,
    #[schema(value_type = Object)]
    pub promise: Bilingual,
    #[schema(value_type = Vec<Object>)]
    pub messages: Vec<seba_app::tracking::PublicMessage>,
    /// Send as `Authorization: Bearer …` to read or reply again for a while.
    pub view_token: String,
}

impl From<PublicCase> for PublicCaseView {
    fn from(p: PublicCase) -> Self {
        PublicCaseView {
            number: p.number,
            status: p.status.to_string(),
            category: p.category,
            subject: p.subject,
            created_at: p.created_at,
            resolution_due: p.resolution_due,
            promise: p.promise,
            messages: p.messages,
            view_token: p.view_token,
        }
    }
}

/// Step 2 of tracking: the code unlocks the case.
#[utoipa::path(post, path = "/api/v1/public/track/verify", tag = "customer", request_body = VerifyRequest,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = PublicCaseView), (status = 422, body = Problem)))]
pub async fn verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.check_public_rate(ip)?;
    // A retry after a lost answer gets the same view, not "code already used". The
    // fingerprint covers the code, so only the holder of the code can replay it.
    let hash = request_fingerprint("POST", "/api/v1/public/track/verify", &body);
    if let Some(r) = replay(&state, SCOPE, &key, &hash).await? {
        return Ok(r);
    }
    let req: VerifyRequest = json_body(&headers, &body)?;
    let view: PublicCaseView = state
        .app
        .verify_tracking(&req.challenge_id, &req.code)
        .await?
        .into();
    let s = stored(StatusCode::OK, &view, vec![], &hash);
    super::remember(&state, SCOPE, &key, &s).await;
    Ok(super::respond(&s))
}

fn view_pass(
    state: &AppState,
    headers: &HeaderMap,
    number: &str,
) -> Result<seba_core::ids::CaseId, ApiError> {
    let id = case_id(number)?;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(ApiError::unauthorized)?;
    match state.app.check_view_token(token.trim()) {
        Some(granted) if granted == id => Ok(id),
        _ => Err(ApiError::unauthorized()),
    }
}

/// Read the case again with the view pass.
#[utoipa::path(get, path = "/api/v1/public/cases/{number}", tag = "customer", params(("number" = String, Path)),
    responses((status = 200, body = PublicCaseView), (status = 401, body = Problem)), security(("view_token" = [])))]
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Json<PublicCaseView>, ApiError> {
    let id = view_pass(&state, &headers, &number)?;
    Ok(Json(state.app.public_case(id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicReply {
    pub body: String,
    #[serde(default)]
    pub attachments: Vec<AttachmentRequest>,
}

/// Reply to one's own case (this may reopen a recently resolved case).
/// What a customer's reply returns (read the case again for the thread).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplyAccepted {
    pub number: String,
    pub status: String,
    #[schema(value_type = Object)]
    pub promise: Bilingual,
}

#[utoipa::path(post, path = "/api/v1/public/cases/{number}/messages", tag = "customer", request_body = PublicReply,
    params(("number" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ReplyAccepted), (status = 401, body = Problem), (status = 409, body = Problem)), security(("view_token" = [])))]
pub async fn reply(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    IdempotencyKey(key): IdempotencyKey,
    headers: HeaderMap,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.check_public_rate(ip)?;
    let id = view_pass(&state, &headers, &number)?;
    let hash = request_fingerprint(
        "POST",
        &format!("/api/v1/public/cases/{}/messages", id.0),
        &body,
    );
    let scope = format!("case:{}", id.0);
    if let Some(r) = replay(&state, &scope, &key, &hash).await? {
        return Ok(r);
    }
    let req: PublicReply = json_body(&headers, &body)?;
    let app = state.app.clone();
    let accepted = move |case: &seba_core::case::Case| ReplyAccepted {
        number: case.number().to_string(),
        status: case.status.to_string(),
        promise: app.promise(case),
    };
    let idem = key.clone().map(|k| Idem {
        scope: scope.clone(),
        key: k,
        request_hash: hash.clone(),
        render: std::sync::Arc::new({
            let (hash, accepted) = (hash.clone(), accepted.clone());
            move |case, _| stored(StatusCode::CREATED, &accepted(case), vec![], &hash)
        }),
    });
    let attachments = req
        .attachments
        .into_iter()
        .map(AttachmentRequest::into_input)
        .collect();
    match state
        .app
        .customer_reply(id, &req.body, attachments, idem)
        .await
    {
        Ok(case) => Ok(super::respond(&stored(
            StatusCode::CREATED,
            &accepted(&case),
            vec![],
            &hash,
        ))),
        Err(e) if key.is_some() => match replay(&state, &scope, &key, &hash).await? {
            Some(r) => Ok(r),
            None => Err(e.into()),
        },
        Err(e) => Err(e.into()),
    }
}
