//! The merchant portal over JSON: a merchant's staff (role `merchant`, bound to their
//! merchant) log in like any staff member and see only their own merchant's claims — any
//! other claim is a 404, as if it did not exist — with the claimant's mobile number masked
//! (the cell passes on what the merchant needs to find the order: the order id, date,
//! product and amounts). They answer a claim and record refunds; everything else is the
//! cell's.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use seba_app::claims::{ClaimActor, masked_mobile};
use seba_claims::workflow::Stage;
use seba_core::Bilingual;
use seba_core::ids::{CaseId, CaseNumber};
use seba_store::ClaimRecord;

use super::claims::{RefundBody, claim_error};
use super::json_body;
use crate::error::{ApiError, Problem};
use crate::extract::Staff;
use crate::state::AppState;

/// A claim as its merchant sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantClaim {
    pub number: String,
    pub stage: String,
    /// Masked: `01712-***678`.
    pub claimant_mobile: String,
    pub order_id: String,
    pub order_date: String,
    pub product: String,
    pub paid_poisha: i64,
    pub refunded_poisha: i64,
    pub method: String,
    pub gateway: Option<String>,
    pub delivery: String,
    /// When the cell sent it, and when the merchant answered.
    pub sent_at: Option<String>,
    pub answered_at: Option<String>,
}

fn view(c: &ClaimRecord) -> MerchantClaim {
    MerchantClaim {
        number: CaseNumber::from_id(c.case_id).to_string(),
        stage: c.stage.clone(),
        claimant_mobile: masked_mobile(&c.claimant_msisdn),
        order_id: c.order_id.clone(),
        order_date: c.order_date.to_string(),
        product: c.product.clone(),
        paid_poisha: c.paid_poisha,
        refunded_poisha: c.refunded_poisha,
        method: c.method.clone(),
        gateway: c.gateway.clone(),
        delivery: c.delivery.clone(),
        sent_at: c.sent_to_merchant_at.map(|t| t.to_string()),
        answered_at: c.merchant_answered_at.map(|t| t.to_string()),
    }
}

async fn actor(state: &AppState, staff: &Staff) -> Result<ClaimActor, ApiError> {
    state
        .app
        .merchant_actor(&staff.user)
        .await
        .map_err(claim_error)
}

/// The claim `number` for this merchant, or 404 (another merchant's claim included).
async fn own(state: &AppState, who: ClaimActor, number: &str) -> Result<CaseId, ApiError> {
    let id = CaseNumber::parse(number)
        .map(CaseNumber::id)
        .map_err(|_| ApiError::not_found())?;
    state.app.claim_view(id, who).await.map_err(claim_error)?;
    Ok(id)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    stage: Option<String>,
    before: Option<String>,
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/merchant-portal/claims", tag = "merchant portal",
    params(("stage" = Option<String>, Query, description = "Only claims at this stage"),
        ("before" = Option<String>, Query, description = "The page after this case number"),
        ("limit" = Option<u32>, Query, description = "1–200, default 50")),
    responses((status = 200, body = [MerchantClaim]), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<MerchantClaim>>, ApiError> {
    let who = actor(&state, &staff).await?;
    let stage = match q.stage.as_deref() {
        None | Some("") => None,
        Some(s) => Some(Stage::parse(s).ok_or_else(|| {
            ApiError::invalid("stage", Bilingual::new("অজানা ধাপ", "Unknown stage"))
        })?),
    };
    let before = match q.before.as_deref() {
        None | Some("") => None,
        Some(b) => Some(CaseNumber::parse(b).map(CaseNumber::id).map_err(|_| {
            ApiError::invalid(
                "before",
                Bilingual::new("কেস নম্বর সঠিক নয়", "Not a case number"),
            )
        })?),
    };
    let claims = state
        .app
        .merchant_claims(who, stage, before, q.limit.unwrap_or(50).clamp(1, 200))
        .await
        .map_err(claim_error)?;
    Ok(Json(claims.iter().map(view).collect()))
}

#[utoipa::path(get, path = "/api/v1/merchant-portal/claims/{number}", tag = "merchant portal",
    params(("number" = String, Path, description = "The claim's case number")),
    responses((status = 200, body = MerchantClaim), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<MerchantClaim>, ApiError> {
    let who = actor(&state, &staff).await?;
    let id = own(&state, who, &number).await?;
    let v = state.app.claim_view(id, who).await.map_err(claim_error)?;
    Ok(Json(view(&v.claim)))
}

/// The merchant's answer to a claim.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// What the merchant says (delivery date, refund plan …).
    pub answer: String,
}

#[utoipa::path(post, path = "/api/v1/merchant-portal/claims/{number}/answer", tag = "merchant portal",
    params(("number" = String, Path, description = "The claim's case number")),
    request_body = AnswerBody,
    responses((status = 200, body = MerchantClaim), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn answer(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<MerchantClaim>, ApiError> {
    let who = actor(&state, &staff).await?;
    let b: AnswerBody = json_body(&headers, &body)?;
    let text = seba_core::text::clean(&b.answer);
    if text.trim().chars().count() < 5 || text.chars().count() > 2000 {
        return Err(ApiError::invalid(
            "answer",
            Bilingual::new(
                "উত্তর ৫ থেকে ২০০০ অক্ষরের মধ্যে লিখুন",
                "Write an answer of 5 to 2,000 characters",
            ),
        ));
    }
    let id = own(&state, who, &number).await?;
    let claim = state
        .app
        .move_claim(id, Stage::MerchantResponded, who, Some(text.trim()))
        .await
        .map_err(claim_error)?;
    Ok(Json(view(&claim)))
}

#[utoipa::path(post, path = "/api/v1/merchant-portal/claims/{number}/refunds", tag = "merchant portal",
    params(("number" = String, Path, description = "The claim's case number")),
    request_body = RefundBody,
    responses((status = 200, body = MerchantClaim), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn refund(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<MerchantClaim>, ApiError> {
    let who = actor(&state, &staff).await?;
    let b: RefundBody = json_body(&headers, &body)?;
    let (amount, paid_on) = b.amount_and_date()?;
    let id = own(&state, who, &number).await?;
    let claim = state
        .app
        .record_refund(id, amount, paid_on, &b.channel, &b.reference, who)
        .await
        .map_err(claim_error)?;
    Ok(Json(view(&claim)))
}
