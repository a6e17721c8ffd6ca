//! The e-commerce complaint cell over JSON: a victim files a claim without logging in
//! (`POST /api/v1/public/claims`, rate-limited per address); the cell lists and reads
//! claims with their missed deadlines and refunds, moves them through the workflow,
//! records refunds and imports a CSV of claims collected elsewhere; the merchant registry
//! is listed and extended by supervisors. Every refusal names the fields at fault in both
//! languages, and nothing is stored from a claim that does not check whole.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use seba_app::claims::{ClaimActor, ClaimError, ClaimView, Filed, ImportReport};
use seba_claims::claim::ClaimInput;
use seba_claims::merchant::{MerchantNames, MerchantStatus};
use seba_claims::workflow::Stage;
use seba_core::Bilingual;
use seba_core::bilingual::Explain;
use seba_core::case::Channel;
use seba_core::ids::{CaseId, CaseNumber};
use seba_core::staff::Permission;
use seba_store::{ClaimRecord, MerchantRecord, MerchantSummary};

use super::json_body;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ClientIp, Staff};
use crate::state::AppState;

/// A claim as a victim files it; every field as typed (Bengali digits are fine).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    /// The claimant's mobile number.
    pub claimant_mobile: String,
    #[serde(default)]
    pub claimant_name: String,
    /// The claimant's district, by name in either script or by id.
    pub district: String,
    /// The shop's name or web address as the claimant knows it.
    pub merchant: String,
    pub order_id: String,
    /// `2021-07-15` or `15/07/2021`.
    pub order_date: String,
    pub product: String,
    /// Taka: `125000`, `1,25,000`, `৳১,২৫,০০০`.
    pub amount_paid: String,
    /// `mfs` (or `bkash`, `nagad` …), `card`, `bank`, `cod`.
    pub payment_method: String,
    #[serde(default)]
    pub gateway: String,
    /// `not_delivered` (default), `partly_delivered`, `wrong_item`, `delivered`.
    #[serde(default)]
    pub delivery_status: String,
    #[serde(default)]
    pub amount_refunded: String,
}

impl From<ClaimBody> for ClaimInput {
    fn from(b: ClaimBody) -> ClaimInput {
        ClaimInput {
            claimant_msisdn: b.claimant_mobile,
            claimant_name: b.claimant_name,
            district: b.district,
            merchant: b.merchant,
            order_id: b.order_id,
            order_date: b.order_date,
            product: b.product,
            amount_paid: b.amount_paid,
            payment_method: b.payment_method,
            gateway: b.gateway,
            delivery: b.delivery_status,
            amount_refunded: b.amount_refunded,
        }
    }
}

/// A merchant as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantView {
    pub id: i64,
    pub legal_bn: String,
    pub legal_en: String,
    pub trade_bn: String,
    pub trade_en: String,
    pub aliases: Vec<String>,
    pub web: Vec<String>,
    pub licence: Option<String>,
    pub district: Option<u16>,
    /// `operating`, `suspended`, `under_investigation`, `in_liquidation`, `pending_review`.
    pub status: String,
}

impl From<&MerchantRecord> for MerchantView {
    fn from(m: &MerchantRecord) -> Self {
        MerchantView {
            id: m.id,
            legal_bn: m.legal_bn.clone(),
            legal_en: m.legal_en.clone(),
            trade_bn: m.trade_bn.clone(),
            trade_en: m.trade_en.clone(),
            aliases: m.aliases.clone(),
            web: m.web.clone(),
            licence: m.licence.clone(),
            district: m.district,
            status: m.status.clone(),
        }
    }
}

/// What filing answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledView {
    /// The case number the claimant tracks the claim by.
    pub number: String,
    /// The claim was already there: this filing was added to it.
    pub added_to: bool,
    pub merchant_id: i64,
    /// The shop's name was new to the registry: the cell will review it.
    pub merchant_pending_review: bool,
    pub stage: String,
    pub message: String,
    pub message_bn: String,
}

/// A missed deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissedView {
    /// `delivery`, `refund` or `response`.
    pub rule: String,
    pub due: String,
    pub late_hours: i64,
    pub text: String,
    pub text_bn: String,
}

/// A refund recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundView {
    pub amount_poisha: i64,
    pub paid_on: String,
    pub channel: String,
    pub reference: String,
    pub recorded_at: String,
}

/// A claim with its case, deadlines and refunds.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimDetail {
    pub number: String,
    pub status: String,
    pub stage: String,
    pub merchant_id: i64,
    pub merchant_name: String,
    pub claimant_mobile: String,
    pub claimant_name: Option<String>,
    pub district: u16,
    pub order_id: String,
    pub order_date: String,
    pub product: String,
    pub paid_poisha: i64,
    pub refunded_poisha: i64,
    pub outstanding_poisha: i64,
    pub method: String,
    pub gateway: Option<String>,
    pub delivery: String,
    pub filings: i32,
    pub version: i64,
    pub missed: Vec<MissedView>,
    pub refunds: Vec<RefundView>,
}

fn number_of(id: CaseId) -> String {
    CaseNumber::from_id(id).to_string()
}

fn summary_line(c: &ClaimRecord) -> serde_json::Value {
    serde_json::json!({
        "number": number_of(c.case_id),
        "merchant_id": c.merchant_id,
        "stage": c.stage,
        "order_id": c.order_id,
        "order_date": c.order_date.to_string(),
        "paid_poisha": c.paid_poisha,
        "refunded_poisha": c.refunded_poisha,
        "filings": c.filings,
    })
}

fn detail(v: &ClaimView) -> ClaimDetail {
    let c = &v.claim;
    ClaimDetail {
        number: number_of(c.case_id),
        status: v.case.status.as_str().into(),
        stage: c.stage.clone(),
        merchant_id: c.merchant_id,
        merchant_name: v
            .merchant
            .as_ref()
            .map(|m| {
                if m.trade_en.is_empty() {
                    m.trade_bn.clone()
                } else {
                    m.trade_en.clone()
                }
            })
            .unwrap_or_default(),
        claimant_mobile: c.claimant_msisdn.clone(),
        claimant_name: c.claimant_name.clone(),
        district: c.district,
        order_id: c.order_id.clone(),
        order_date: c.order_date.to_string(),
        product: c.product.clone(),
        paid_poisha: c.paid_poisha,
        refunded_poisha: c.refunded_poisha,
        outstanding_poisha: c.paid_poisha - c.refunded_poisha,
        method: c.method.clone(),
        gateway: c.gateway.clone(),
        delivery: c.delivery.clone(),
        filings: c.filings,
        version: c.version,
        missed: v
            .missed
            .iter()
            .map(|m| {
                let t = m.describe();
                MissedView {
                    rule: serde_json::to_value(m.rule)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    due: m.due.to_string(),
                    late_hours: m.late_by.as_hours(),
                    text: t.en,
                    text_bn: t.bn,
                }
            })
            .collect(),
        refunds: v
            .refunds
            .iter()
            .map(|r| RefundView {
                amount_poisha: r.amount_poisha,
                paid_on: r.paid_on.to_string(),
                channel: r.channel.clone(),
                reference: r.reference.clone(),
                recorded_at: r.recorded_at.to_string(),
            })
            .collect(),
    }
}

/// A claim refusal as problem+json, every field named.
pub fn claim_error(e: ClaimError) -> ApiError {
    match e {
        ClaimError::Invalid(errors) => {
            let mut api = ApiError::invalid(
                errors.first().map_or("claim", |e| e.field),
                Bilingual::new("দাবিতে ভুল আছে", "The claim has errors"),
            );
            api.errors = errors
                .into_iter()
                .map(|e| FieldError {
                    field: e.field.into(),
                    detail: e.message.en,
                    detail_bn: e.message.bn,
                })
                .collect();
            api
        }
        ClaimError::Workflow(w) => {
            let mut api = ApiError::new(
                StatusCode::CONFLICT,
                "claim-workflow",
                Bilingual::new("এই ধাপ এখন নেওয়া যায় না", "That step cannot be taken now"),
                w.explain(),
            );
            api.errors.clear();
            api
        }
        ClaimError::NotFound => ApiError::not_found(),
        ClaimError::Forbidden(_) => ApiError::forbidden(),
        ClaimError::App(a) => a.into(),
    }
}

fn filed_view(f: &Filed) -> FiledView {
    let number = f.case.number().to_string();
    FiledView {
        number: number.clone(),
        added_to: f.added_to,
        merchant_id: f.merchant.id,
        merchant_pending_review: f.merchant.status == MerchantStatus::PendingReview.as_str(),
        stage: f.claim.stage.clone(),
        message: if f.added_to {
            format!("This order was already claimed as {number}; your filing was added to it.")
        } else {
            format!("Your claim is received. Number {number}. We will tell you each step by SMS.")
        },
        message_bn: if f.added_to {
            format!("এই অর্ডারের দাবি আগেই {number} নম্বরে আছে; আপনার তথ্য তাতে যোগ হয়েছে।")
        } else {
            format!("আপনার দাবি গ্রহণ করা হয়েছে। নম্বর {number}। প্রতিটি ধাপ এসএমএসে জানানো হবে।")
        },
    }
}

#[utoipa::path(post, path = "/api/v1/public/claims", tag = "claims",
    request_body = ClaimBody,
    responses((status = 201, body = FiledView), (status = 200, description = "Added to the claim already filed for this order", body = FiledView),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn file(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state.check_public_rate(ip)?;
    let body: ClaimBody = json_body(&headers, &body)?;
    let filed = state
        .app
        .file_claim(
            &body.into(),
            Channel::Web,
            seba_app::cases::Caller::customer(),
            None,
        )
        .await
        .map_err(claim_error)?;
    let status = if filed.added_to {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(filed_view(&filed))).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    stage: Option<String>,
    merchant: Option<i64>,
    before: Option<String>,
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/claims", tag = "claims",
    params(("stage" = Option<String>, Query, description = "Only claims at this stage"),
        ("merchant" = Option<i64>, Query, description = "Only this merchant's claims"),
        ("before" = Option<String>, Query, description = "The page after this case number"),
        ("limit" = Option<u32>, Query, description = "1–200, default 50")),
    responses((status = 200, description = "Claims, newest first"), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    staff.require(Permission::ReadCases)?;
    let stage = match q.stage.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            Stage::parse(s)
                .ok_or_else(|| {
                    ApiError::invalid("stage", Bilingual::new("অজানা ধাপ", "Unknown stage"))
                })?
                .as_str(),
        ),
    };
    let before = match q.before.as_deref() {
        None | Some("") => None,
        Some(b) => Some(
            CaseNumber::parse(b)
                .map_err(|_| {
                    ApiError::invalid(
                        "before",
                        Bilingual::new("কেস নম্বর সঠিক নয়", "Not a case number"),
                    )
                })?
                .id(),
        ),
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let items = match q.merchant {
        Some(m) => {
            state
                .app
                .store
                .claims_of_merchant(m, stage, before, limit)
                .await
        }
        None => state.app.store.claims(stage, before, limit).await,
    }
    .map_err(|e| ApiError::from(seba_app::AppError::Store(e)))?;
    let next = (items.len() == limit as usize)
        .then(|| items.last().map(|c| number_of(c.case_id)))
        .flatten();
    Ok(Json(serde_json::json!({
        "items": items.iter().map(summary_line).collect::<Vec<_>>(),
        "next_before": next,
    })))
}

fn case_of(number: &str) -> Result<CaseId, ApiError> {
    CaseNumber::parse(number)
        .map(CaseNumber::id)
        .map_err(|_| ApiError::not_found())
}

#[utoipa::path(get, path = "/api/v1/claims/{number}", tag = "claims",
    params(("number" = String, Path, description = "The claim's case number")),
    responses((status = 200, body = ClaimDetail), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<ClaimDetail>, ApiError> {
    staff.require(Permission::ReadCases)?;
    let view = state
        .app
        .claim_view(case_of(&number)?, ClaimActor::Cell(staff.caller()))
        .await
        .map_err(claim_error)?;
    Ok(Json(detail(&view)))
}

/// A move through the workflow.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageBody {
    /// `verified`, `forwarded`, `merchant_responded`, `escalated`, `closed`.
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/claims/{number}/stage", tag = "claims",
    params(("number" = String, Path, description = "The claim's case number")),
    request_body = StageBody,
    responses((status = 200, body = ClaimDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn stage(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ClaimDetail>, ApiError> {
    staff.require(Permission::WorkCases)?;
    let body: StageBody = json_body(&headers, &body)?;
    let to = Stage::parse(&body.to)
        .ok_or_else(|| ApiError::invalid("to", Bilingual::new("অজানা ধাপ", "Unknown stage")))?;
    let id = case_of(&number)?;
    let who = ClaimActor::Cell(staff.caller());
    state
        .app
        .move_claim(id, to, who, body.note.as_deref())
        .await
        .map_err(claim_error)?;
    let view = state.app.claim_view(id, who).await.map_err(claim_error)?;
    Ok(Json(detail(&view)))
}

/// A refund paid to the claimant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundBody {
    /// Taka, as typed.
    pub amount: String,
    /// The day it was paid: `2021-09-01` or `01/09/2021`.
    pub paid_on: String,
    /// How it was paid back (ideally the channel the claimant paid by).
    pub channel: String,
    #[serde(default)]
    pub reference: String,
}

impl RefundBody {
    /// The amount in poisha and the day paid, or a 422 naming the field.
    pub fn amount_and_date(&self) -> Result<(i64, jiff::civil::Date), ApiError> {
        let amount = seba_claims::money::parse_taka(&self.amount)
            .map_err(|e| ApiError::invalid("amount", e.explain()))?;
        let paid_on = seba_claims::claim::parse_date(&self.paid_on).ok_or_else(|| {
            ApiError::invalid("paid_on", Bilingual::new("তারিখটি বোঝা যায়নি", "Not a date"))
        })?;
        Ok((amount, paid_on))
    }
}

#[utoipa::path(post, path = "/api/v1/claims/{number}/refunds", tag = "claims",
    params(("number" = String, Path, description = "The claim's case number")),
    request_body = RefundBody,
    responses((status = 200, body = ClaimDetail), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn refund(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ClaimDetail>, ApiError> {
    staff.require(Permission::WorkCases)?;
    let body: RefundBody = json_body(&headers, &body)?;
    let (amount, paid_on) = body.amount_and_date()?;
    let id = case_of(&number)?;
    let who = ClaimActor::Cell(staff.caller());
    state
        .app
        .record_refund(id, amount, paid_on, &body.channel, &body.reference, who)
        .await
        .map_err(claim_error)?;
    let view = state.app.claim_view(id, who).await.map_err(claim_error)?;
    Ok(Json(detail(&view)))
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    pub rows: usize,
    pub added: usize,
    pub added_to: usize,
    pub already_imported: usize,
    pub new_merchants: usize,
    /// Each refused row: its line in the file and every field at fault.
    pub bad: Vec<BadRowView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BadRowView {
    pub line: usize,
    pub errors: Vec<FieldError>,
}

fn import_view(r: ImportReport) -> ImportView {
    ImportView {
        rows: r.rows,
        added: r.added,
        added_to: r.added_to,
        already_imported: r.already,
        new_merchants: r.new_merchants,
        bad: r
            .bad
            .into_iter()
            .map(|(line, errors)| BadRowView {
                line,
                errors: errors
                    .into_iter()
                    .map(|e| FieldError {
                        field: e.field.into(),
                        detail: e.message.en,
                        detail_bn: e.message.bn,
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[utoipa::path(post, path = "/api/v1/claims/import", tag = "claims",
    request_body(content = String, description = "A CSV file (UTF-8): claimant_mobile, claimant_name, district, merchant, order_id, order_date, product, amount_paid, payment_method, gateway, delivery_status, amount_refunded", content_type = "text/csv"),
    responses((status = 200, body = ImportView), (status = 422, body = Problem)))]
pub async fn import(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<Json<ImportView>, ApiError> {
    staff.require(Permission::WorkCases)?;
    let report = state
        .app
        .import_claims(&body, staff.caller())
        .await
        .map_err(|e| ApiError::invalid("file", e.explain()))?;
    Ok(Json(import_view(report)))
}

#[utoipa::path(get, path = "/api/v1/merchants", tag = "claims",
    responses((status = 200, description = "The registry", body = [MerchantView])))]
pub async fn merchants(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<MerchantView>>, ApiError> {
    staff.require(Permission::ReadCases)?;
    let all = state
        .app
        .store
        .merchants()
        .await
        .map_err(|e| ApiError::from(seba_app::AppError::Store(e)))?;
    Ok(Json(all.iter().map(MerchantView::from).collect()))
}

/// A merchant to add to the registry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MerchantBody {
    #[serde(default)]
    pub legal_bn: String,
    #[serde(default)]
    pub legal_en: String,
    #[serde(default)]
    pub trade_bn: String,
    #[serde(default)]
    pub trade_en: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub web: Vec<String>,
    pub licence: Option<String>,
    /// Where the merchant is based: a district name or id.
    pub district: Option<String>,
    /// Default `operating`.
    pub status: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/merchants", tag = "claims",
    request_body = MerchantBody,
    responses((status = 201, body = MerchantView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_merchant(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    staff.require(Permission::Supervise)?;
    let b: MerchantBody = json_body(&headers, &body)?;
    let name_ok = [&b.trade_en, &b.trade_bn, &b.legal_en, &b.legal_bn]
        .iter()
        .any(|n| seba_claims::merchant::clean_name(n).is_ok());
    if !name_ok {
        return Err(ApiError::invalid(
            "trade_en",
            Bilingual::new("প্রতিষ্ঠানের অন্তত একটি নাম দিন", "Give at least one name"),
        ));
    }
    let district = match b
        .district
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => Some(
            seba_geo::Geography::bangladesh()
                .district_typed(d)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "district",
                        Bilingual::new("এই নামে কোনো জেলা নেই", "No district by that name"),
                    )
                })?
                .id
                .0,
        ),
    };
    let status = match b.status.as_deref() {
        None => MerchantStatus::Operating,
        Some(s) => MerchantStatus::parse(s).ok_or_else(|| {
            ApiError::invalid("status", Bilingual::new("অজানা অবস্থা", "Unknown status"))
        })?,
    };
    let clean = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .map(|s| {
                seba_core::text::clean(&s)
                    .trim()
                    .chars()
                    .take(200)
                    .collect::<String>()
            })
            .filter(|s| !s.is_empty())
            .take(50)
            .collect()
    };
    let m = state
        .app
        .add_merchant(
            MerchantNames {
                legal_bn: b.legal_bn.trim().into(),
                legal_en: b.legal_en.trim().into(),
                trade_bn: b.trade_bn.trim().into(),
                trade_en: b.trade_en.trim().into(),
                aliases: clean(b.aliases),
                web: clean(b.web),
            },
            b.licence.map(|l| l.trim().chars().take(100).collect()),
            district,
            status,
            staff.caller(),
        )
        .await
        .map_err(claim_error)?;
    Ok((StatusCode::CREATED, Json(MerchantView::from(&m))).into_response())
}

/// A merchant's totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryView {
    pub merchant_id: i64,
    pub claims: i64,
    pub victims: i64,
    pub paid_poisha: i64,
    pub refunded_poisha: i64,
    pub outstanding_poisha: i64,
    pub open_claims: i64,
    pub oldest_open: Option<String>,
    pub delivery_deadlines_missed: i64,
    pub refund_deadlines_missed: i64,
}

impl From<&MerchantSummary> for SummaryView {
    fn from(s: &MerchantSummary) -> Self {
        SummaryView {
            merchant_id: s.merchant_id,
            claims: s.claims,
            victims: s.victims,
            paid_poisha: s.paid_poisha,
            refunded_poisha: s.refunded_poisha,
            outstanding_poisha: s.paid_poisha - s.refunded_poisha,
            open_claims: s.open_claims,
            oldest_open: s.oldest_open.map(|t| t.to_string()),
            delivery_deadlines_missed: s.delivery_missed,
            refund_deadlines_missed: s.refund_missed,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/merchants/{id}/summary", tag = "claims",
    params(("id" = i64, Path, description = "The merchant's id")),
    responses((status = 200, body = SummaryView), (status = 404, body = Problem)))]
pub async fn merchant_summary(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Json<SummaryView>, ApiError> {
    staff.require(Permission::ReadCases)?;
    let s = state
        .app
        .store
        .merchant_summary(id, state.app.now())
        .await
        .map_err(|e| ApiError::from(seba_app::AppError::Store(e)))?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(SummaryView::from(&s)))
}
