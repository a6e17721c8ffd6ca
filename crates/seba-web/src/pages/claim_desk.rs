//! The e-commerce complaint cell's desk pages: the claims list (by stage and merchant,
//! keyset-paged by case number), a claim with its case, missed deadlines and refunds and
//! the forms to move it and record a refund, the batch forward of a merchant's verified
//! claims (and the batch as CSV for the merchant), the CSV import with its report, and the
//! merchant registry with each merchant's totals and its portal users.
//!
//! The pages mirror the JSON API (`api/claims.rs`) and call the same application
//! functions. Staff who may read cases see them ([`Permission::ReadCases`]); moving a
//! claim, recording a refund, forwarding and importing need [`Permission::WorkCases`];
//! adding a merchant or a merchant's portal user needs [`Permission::Supervise`]. Every
//! form carries the session's anti-forgery token; a refused step shows the claim again
//! with why, in the page's language, and changes nothing.

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use jiff::civil::Date;
use maud::{Markup, html};

use seba_app::cases::Caller;
use seba_app::claims::{ClaimActor, ClaimError, ClaimView, ImportReport, masked_mobile};
use seba_claims::claim::{Delivery, PaymentMethod};
use seba_claims::merchant::{MerchantNames, MerchantStatus};
use seba_claims::money;
use seba_claims::workflow::{self, Party, Stage};
use seba_core::bilingual::Explain;
use seba_core::contact::Msisdn;
use seba_core::ids::{CaseId, CaseNumber};
use seba_core::staff::Permission;
use seba_geo::{DistrictId, Geography};
use seba_store::{ClaimRecord, MerchantRecord, MerchantSummary};

use super::agent::when;
use super::staff::{Desk, desk_page, forbidden};
use super::{Lang, error_texts, errors_box, see_other, t, t_args, with_status};
use crate::state::AppState;

/// Claims a list page shows.
const PAGE: u32 = 50;
/// The store's largest page.
const STORE_PAGE: u32 = 500;
/// The most claims one batch (a forward, a CSV) takes.
const BATCH_MAX: usize = 20_000;
/// Moves made at once by a batch forward.
const FORWARD_IN_FLIGHT: usize = 8;
/// The largest import file (as the API takes).
const IMPORT_MAX_BYTES: usize = 32 * 1024 * 1024;
/// The longest note with a move.
const NOTE_MAX: usize = 2000;

/// The moves the cell makes from the desk (`merchant_responded` for an answer that came
/// by letter or phone).
const CELL_MOVES: [Stage; 5] = [
    Stage::Verified,
    Stage::Forwarded,
    Stage::MerchantResponded,
    Stage::Escalated,
    Stage::Closed,
];

/// The claim desk's pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agent/claims", get(list))
        .route("/agent/claims/forward", get(forward_page).post(forward))
        .route("/agent/claims/forward.csv", get(forward_csv))
        .route(
            "/agent/claims/import",
            get(import_page)
                .post(import)
                .layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES + 64 * 1024)),
        )
        .route("/agent/claims/{number}", get(claim_page))
        .route("/agent/claims/{number}/stage", post(stage))
        .route("/agent/claims/{number}/refund", post(refund))
        .route("/agent/merchants", get(merchants).post(add_merchant))
        .route("/agent/merchants/{id}", get(merchant_page))
        .route("/agent/merchants/{id}/users", post(add_user))
}

type Page = Result<Response, Response>;

/// A form's (or query's) fields as posted, every pair kept.
pub(crate) type Fields = Vec<(String, String)>;

pub(crate) fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

fn caller_of(desk: &Desk) -> Caller {
    Caller::staff(desk.user.id, desk.user.role)
}

// ---------------------------------------------------------------------------------------
// Words and numbers shared with the merchant's pages

/// A case number as people read it, in the page's digits.
pub(crate) fn number_text(lang: Lang, id: CaseId) -> String {
    lang.digits(&CaseNumber::from_id(id).to_string())
}

/// A case number for a path.
pub(crate) fn number_path(id: CaseId) -> String {
    CaseNumber::from_id(id).digits()
}

/// Taka in the page's language.
pub(crate) fn taka(lang: Lang, poisha: i64) -> String {
    let b = money::show(poisha);
    lang.pick(&b.bn, &b.en).to_string()
}

/// A day in the page's language.
pub(crate) fn day(lang: Lang, d: Date) -> String {
    match lang {
        Lang::Bn => lang.digits(&d.strftime("%d/%m/%Y").to_string()),
        Lang::En => d.strftime("%-d %b %Y").to_string(),
    }
}

pub(crate) fn stage_label(lang: Lang, stage: &str) -> String {
    match Stage::parse(stage) {
        Some(s) => {
            let b = s.label();
            lang.pick(&b.bn, &b.en).to_string()
        }
        None => stage.to_string(),
    }
}

pub(crate) fn merchant_name(lang: Lang, m: &MerchantRecord) -> String {
    let (first, second) = match lang {
        Lang::Bn => ([&m.trade_bn, &m.legal_bn], [&m.trade_en, &m.legal_en]),
        Lang::En => ([&m.trade_en, &m.legal_en], [&m.trade_bn, &m.legal_bn]),
    };
    first
        .iter()
        .chain(second.iter())
        .find(|s| !s.trim().is_empty())
        .map(|s| s.to_string())
        .unwrap_or_else(|| format!("#{}", m.id))
}

fn merchant_status(lang: Lang, status: &str) -> String {
    match MerchantStatus::parse(status) {
        Some(s) => {
            let b = s.label();
            lang.pick(&b.bn, &b.en).to_string()
        }
        None => status.to_string(),
    }
}

fn method_label(lang: Lang, c: &ClaimRecord) -> String {
    let method = PaymentMethod::ALL
        .iter()
        .find(|m| m.as_str() == c.method)
        .map(|m| {
            let b = m.label();
            lang.pick(&b.bn, &b.en).to_string()
        })
        .unwrap_or_else(|| c.method.clone());
    match &c.gateway {
        Some(g) if !g.is_empty() => format!("{method} ({g})"),
        _ => method,
    }
}

fn delivery_label(lang: Lang, d: &str) -> String {
    match Delivery::parse(d) {
        Some(d) => {
            let b = d.label();
            lang.pick(&b.bn, &b.en).to_string()
        }
        None => d.to_string(),
    }
}

fn district_name(lang: Lang, id: u16) -> String {
    Geography::bangladesh()
        .district(DistrictId(id))
        .map(|d| lang.pick(&d.name_bn, &d.name_en).to_string())
        .unwrap_or_else(|| id.to_string())
}

/// A claim field's name in the page's language (the field's code for one this page does
/// not know).
pub(crate) fn field_label(lang: Lang, field: &str) -> String {
    const KNOWN: &[&str] = &[
        "claimant_msisdn",
        "claimant_name",
        "district",
        "merchant",
        "order_id",
        "order_date",
        "product",
        "amount_paid",
        "payment_method",
        "gateway",
        "delivery",
        "amount_refunded",
        "row",
        "amount",
        "paid_on",
        "channel",
        "reference",
        "note",
        "file",
    ];
    if KNOWN.contains(&field) {
        t(lang, &format!("cd-field-{}", field.replace('_', "-")))
    } else {
        field.to_string()
    }
}

/// Why the application refused a claim step, for a page.
pub(crate) enum Refusal {
    NotFound,
    Forbidden,
    /// Shown on the page: 409 for the workflow, 422 for fields, or the server's error.
    Shown(StatusCode, Vec<String>),
}

pub(crate) fn refusal(lang: Lang, e: ClaimError) -> Refusal {
    match e {
        ClaimError::Invalid(errors) => Refusal::Shown(
            StatusCode::UNPROCESSABLE_ENTITY,
            errors
                .iter()
                .map(|e| {
                    format!(
                        "{}: {}",
                        field_label(lang, e.field),
                        lang.pick(&e.message.bn, &e.message.en)
                    )
                })
                .collect(),
        ),
        ClaimError::Workflow(w) => {
            let b = w.explain();
            Refusal::Shown(StatusCode::CONFLICT, vec![lang.pick(&b.bn, &b.en).into()])
        }
        ClaimError::NotFound => Refusal::NotFound,
        ClaimError::Forbidden(_) => Refusal::Forbidden,
        ClaimError::App(a) => {
            let (status, errors) = error_texts(lang, a);
            Refusal::Shown(status, errors)
        }
    }
}

/// A page that says something failed, with its status.
pub(crate) fn failed_page(desk: &Desk, status: StatusCode, errors: &[String]) -> Response {
    let lang = desk.lang;
    let body = html! {
        h1 { (t(lang, "page-failed")) }
        (errors_box(None, errors))
    };
    with_status(desk_page(desk, "", &t(lang, "page-failed"), body), status)
}

fn store_failed(desk: &Desk, e: seba_store::StoreError) -> Response {
    let (status, errors) = error_texts(desk.lang, seba_app::AppError::Store(e));
    failed_page(desk, status, &errors)
}

/// The claim (or merchant) is not there (or not for this user).
pub(crate) fn missing(desk: &Desk, back: &str) -> Response {
    let lang = desk.lang;
    let body = html! {
        h1 { (t(lang, "cd-missing")) }
        p { a href=(back) { (t(lang, "cd-back")) } }
    };
    with_status(
        desk_page(desk, "", &t(lang, "cd-missing"), body),
        StatusCode::NOT_FOUND,
    )
}

fn bad_request(desk: &Desk, errors: &[String]) -> Response {
    failed_page(desk, StatusCode::BAD_REQUEST, errors)
}

fn query_string(pairs: &[(&str, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            s.append_pair(k, v);
        }
    }
    s.finish()
}

/// What a refund form posts, as typed.
#[derive(Debug, Default, Clone)]
pub(crate) struct RefundForm {
    pub amount: String,
    pub paid_on: String,
    pub channel: String,
    pub reference: String,
}

impl RefundForm {
    pub(crate) fn of(fields: &Fields) -> RefundForm {
        RefundForm {
            amount: field(fields, "amount").to_string(),
            paid_on: field(fields, "paid_on").to_string(),
            channel: field(fields, "channel").to_string(),
            reference: field(fields, "reference").to_string(),
        }
    }

    /// The amount and the day, or every problem with them.
    pub(crate) fn parse(&self, lang: Lang) -> Result<(i64, Date), Vec<String>> {
        let mut errors = Vec::new();
        let amount = match money::parse_taka(&self.amount) {
            Ok(a) => Some(a),
            Err(e) => {
                let b = e.explain();
                errors.push(format!(
                    "{}: {}",
                    field_label(lang, "amount"),
                    lang.pick(&b.bn, &b.en)
                ));
                None
            }
        };
        let paid_on = seba_claims::claim::parse_date(&self.paid_on);
        if paid_on.is_none() {
            errors.push(format!(
                "{}: {}",
                field_label(lang, "paid_on"),
                t(lang, "cd-not-a-date")
            ));
        }
        match (amount, paid_on) {
            (Some(a), Some(d)) if errors.is_empty() => Ok((a, d)),
            _ => Err(errors),
        }
    }
}

/// Whether a refund may be recorded at this stage.
pub(crate) fn refundable(stage: &str) -> bool {
    matches!(
        Stage::parse(stage),
        Some(
            Stage::Forwarded | Stage::MerchantResponded | Stage::PartlyRefunded | Stage::Escalated
        )
    )
}

/// The refund form, posting to `action`.
pub(crate) fn refund_form(desk: &Desk, action: &str, form: &RefundForm) -> Markup {
    let lang = desk.lang;
    html! {
        form method="post" action=(action) accept-charset="utf-8" {
            (desk.csrf_field())
            p {
                label for="amount" { (field_label(lang, "amount")) }
                br;
                input id="amount" name="amount" required inputmode="decimal" maxlength="30"
                    value=(form.amount);
                br;
                small { (t(lang, "cd-amount-hint")) }
            }
            p {
                label for="paid_on" { (field_label(lang, "paid_on")) }
                br;
                input id="paid_on" name="paid_on" type="date" required value=(form.paid_on);
            }
            p {
                label for="channel" { (field_label(lang, "channel")) }
                br;
                input id="channel" name="channel" required maxlength="60"
                    placeholder="bKash" value=(form.channel);
            }
            p {
                label for="reference" { (field_label(lang, "reference")) }
                br;
                input id="reference" name="reference" maxlength="100" value=(form.reference);
            }
            p { button type="submit" id="record-refund" { (t(lang, "cd-record-refund")) } }
        }
    }
}

/// A claim's order and money, as a table (`full`: the claimant's number and name, for
/// the cell; otherwise masked).
pub(crate) fn claim_facts(state: &AppState, lang: Lang, v: &ClaimView, full: bool) -> Markup {
    let c = &v.claim;
    let row = |key: &str, value: Markup| {
        html! { tr { th scope="row" { (t(lang, key)) } td { (value) } } }
    };
    html! {
        section.card {
            table.list { tbody {
                (row("cd-col-stage", html! { strong { (stage_label(lang, &c.stage)) } }))
                @if let Some(m) = &v.merchant {
                    (row("cd-col-merchant", html! {
                        (merchant_name(lang, m)) " "
                        span.muted { "(" (merchant_status(lang, &m.status)) ")" }
                    }))
                }
                @if full {
                    (row("cd-col-claimant", html! {
                        (claimant_full(lang, &c.claimant_msisdn))
                        @if let Some(n) = &c.claimant_name { " · " (n) }
                    }))
                    (row("cd-col-district", html! { (district_name(lang, c.district)) }))
                } @else {
                    (row("cd-col-claimant", html! { (lang.digits(&masked_mobile(&c.claimant_msisdn))) }))
                }
                (row("cd-col-order", html! { (c.order_id) }))
                (row("cd-col-order-date", html! { (day(lang, c.order_date)) }))
                (row("cd-col-product", html! { (c.product) }))
                (row("cd-col-paid", html! { (taka(lang, c.paid_poisha)) }))
                (row("cd-col-refunded", html! { (taka(lang, c.refunded_poisha)) }))
                (row("cd-col-outstanding", html! { (taka(lang, c.paid_poisha - c.refunded_poisha)) }))
                (row("cd-col-method", html! { (method_label(lang, c)) }))
                (row("cd-col-delivery", html! { (delivery_label(lang, &c.delivery)) }))
                (row("cd-col-filings", html! { (lang.int(i64::from(c.filings))) }))
                (row("cd-col-delivery-due", html! { (when(state, lang, c.delivery_due)) }))
                (row("cd-col-refund-due", html! { (when(state, lang, c.refund_due)) }))
                (row("cd-col-sent", html! {
                    @match c.sent_to_merchant_at { Some(at) => (when(state, lang, at)), None => "—" }
                }))
                (row("cd-col-answered", html! {
                    @match c.merchant_answered_at { Some(at) => (when(state, lang, at)), None => "—" }
                }))
            } }
        }
    }
}

/// The deadlines a claim missed, and its refunds.
pub(crate) fn deadlines_and_refunds(state: &AppState, lang: Lang, v: &ClaimView) -> Markup {
    html! {
        h2 { (t(lang, "cd-missed")) }
        @if v.missed.is_empty() {
            p.muted { (t(lang, "cd-missed-none")) }
        } @else {
            ul.missed {
                @for m in &v.missed {
                    @let d = m.describe();
                    li {
                        span.pill.breached { (lang.pick(&d.bn, &d.en)) }
                        " " (t_args(lang, "cd-missed-due", &[("time", when(state, lang, m.due).into())]))
                    }
                }
            }
        }
        h2 { (t(lang, "cd-refunds")) }
        @if v.refunds.is_empty() {
            p.muted { (t(lang, "cd-refunds-none")) }
        } @else {
            div.table-wrap { table.list {
                thead { tr {
                    th { (field_label(lang, "paid_on")) }
                    th { (field_label(lang, "amount")) }
                    th { (field_label(lang, "channel")) }
                    th { (field_label(lang, "reference")) }
                    th { (t(lang, "cd-recorded")) }
                } }
                tbody {
                    @for r in &v.refunds {
                        tr {
                            td { (day(lang, r.paid_on)) }
                            td { (taka(lang, r.amount_poisha)) }
                            td { (r.channel) }
                            td { (r.reference) }
                            td { (when(state, lang, r.recorded_at)) }
                        }
                    }
                }
            } }
        }
    }
}

fn claimant_full(lang: Lang, e164: &str) -> String {
    match Msisdn::parse(e164) {
        Ok(m) => lang.digits(&m.national()),
        Err(_) => e164.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// The list

/// The stage filter's `<select>` (any stage, then each), shared with the merchant portal.
pub(crate) fn stage_select(lang: Lang, chosen: Option<Stage>) -> Markup {
    html! {
        select id="stage" name="stage" {
            option value="" { (t(lang, "cd-any-stage")) }
            @for s in Stage::ALL {
                @let b = s.label();
                option value=(s.as_str()) selected[chosen == Some(s)] { (lang.pick(&b.bn, &b.en)) }
            }
        }
    }
}

fn merchant_select(
    lang: Lang,
    merchants: &[MerchantRecord],
    chosen: Option<i64>,
    blank: &str,
    required: bool,
) -> Markup {
    let mut sorted: Vec<(String, i64)> = merchants
        .iter()
        .map(|m| (merchant_name(lang, m), m.id))
        .collect();
    sorted.sort();
    html! {
        select id="merchant" name="merchant" required[required] {
            option value="" { (blank) }
            @for (name, id) in &sorted {
                option value=(id) selected[chosen == Some(*id)] { (name) }
            }
        }
    }
}

fn parse_stage(desk: &Desk, raw: &str) -> Result<Option<Stage>, Response> {
    match raw.trim() {
        "" => Ok(None),
        s => Stage::parse(s)
            .map(Some)
            .ok_or_else(|| bad_request(desk, &[t(desk.lang, "cd-unknown-stage")])),
    }
}

fn parse_merchant(desk: &Desk, raw: &str) -> Result<Option<i64>, Response> {
    match seba_core::text::ascii_digits(raw.trim()).as_str() {
        "" => Ok(None),
        s => s
            .parse()
            .map(Some)
            .map_err(|_| bad_request(desk, &[t(desk.lang, "cd-unknown-merchant")])),
    }
}

fn sub_nav(desk: &Desk) -> Markup {
    let lang = desk.lang;
    html! {
        p.actions {
            a href="/agent/claims" { (t(lang, "cd-list-title")) }
            " · " a href="/agent/claims/forward" { (t(lang, "cd-forward-title")) }
            @if desk.can(Permission::WorkCases) {
                " · " a href="/agent/claims/import" { (t(lang, "cd-import-title")) }
            }
            " · " a href="/agent/merchants" { (t(lang, "cd-merchants-title")) }
        }
    }
}

/// `GET /agent/claims?stage=&merchant=&before=`: claims, newest first, 50 a page.
pub async fn list(State(state): State<AppState>, desk: Desk, Query(q): Query<Fields>) -> Page {
    desk.require(Permission::ReadCases)?;
    let lang = desk.lang;
    let stage = parse_stage(&desk, field(&q, "stage"))?;
    let merchant = parse_merchant(&desk, field(&q, "merchant"))?;
    let before = match field(&q, "before").trim() {
        "" => None,
        b => Some(
            CaseNumber::parse(b)
                .map(CaseNumber::id)
                .map_err(|_| bad_request(&desk, &[t(lang, "cd-bad-number")]))?,
        ),
    };
    let store = &state.app.store;
    let claims = match merchant {
        Some(m) => {
            store
                .claims_of_merchant(m, stage.map(Stage::as_str), before, PAGE)
                .await
        }
        None => store.claims(stage.map(Stage::as_str), before, PAGE).await,
    }
    .map_err(|e| store_failed(&desk, e))?;
    let registry = store
        .merchants()
        .await
        .map_err(|e| store_failed(&desk, e))?;
    let by_id: HashMap<i64, &MerchantRecord> = registry.iter().map(|m| (m.id, m)).collect();
    let next = (claims.len() == PAGE as usize)
        .then(|| claims.last())
        .flatten()
        .map(|c| {
            format!(
                "/agent/claims?{}",
                query_string(&[
                    (
                        "stage",
                        stage.map(|s| s.as_str().to_string()).unwrap_or_default()
                    ),
                    (
                        "merchant",
                        merchant.map(|m| m.to_string()).unwrap_or_default()
                    ),
                    ("before", number_path(c.case_id)),
                ])
            )
        });
    let title = t(lang, "cd-list-title");
    let body = html! {
        h1 { (title) }
        (sub_nav(&desk))
        form.inline-form method="get" action="/agent/claims" {
            label for="stage" { (t(lang, "cd-col-stage")) } " "
            (stage_select(lang, stage)) " "
            label for="merchant" { (t(lang, "cd-col-merchant")) } " "
            (merchant_select(lang, &registry, merchant, &t(lang, "cd-any-merchant"), false)) " "
            button type="submit" { (t(lang, "cd-filter")) }
        }
        @if claims.is_empty() {
            p.muted { (t(lang, "cd-empty")) }
        } @else {
            div.table-wrap { table.list {
                thead { tr {
                    th { (t(lang, "cd-col-number")) }
                    th { (t(lang, "cd-col-merchant")) }
                    th { (t(lang, "cd-col-claimant")) }
                    th { (t(lang, "cd-col-order")) }
                    th { (t(lang, "cd-col-paid")) }
                    th { (t(lang, "cd-col-refunded")) }
                    th { (t(lang, "cd-col-stage")) }
                    th { (t(lang, "cd-col-filings")) }
                } }
                tbody {
                    @for c in &claims {
                        tr data-row {
                            td { a href=(format!("/agent/claims/{}", number_path(c.case_id))) {
                                (number_text(lang, c.case_id)) } }
                            td { @match by_id.get(&c.merchant_id) {
                                Some(m) => (merchant_name(lang, m)),
                                None => (c.merchant_id),
                            } }
                            td {
                                (claimant_full(lang, &c.claimant_msisdn))
                                @if let Some(n) = &c.claimant_name { br; span.muted { (n) } }
                            }
                            td { (c.order_id) }
                            td { (taka(lang, c.paid_poisha)) }
                            td { (taka(lang, c.refunded_poisha)) }
                            td { (stage_label(lang, &c.stage)) }
                            td { (lang.int(i64::from(c.filings))) }
                        }
                    }
                }
            } }
            @if let Some(href) = next {
                p { a href=(href) rel="next" { (t(lang, "cd-older")) " →" } }
            }
        }
    };
    Ok(desk_page(&desk, "/agent/claims", &title, body))
}

// ---------------------------------------------------------------------------------------
// A claim

/// What a claim page shows besides the claim: a notice of what was just done, or a
/// refused form's errors and what was typed.
#[derive(Debug, Default)]
struct Shown {
    done: Option<String>,
    errors: Vec<String>,
    note: String,
    refund: RefundForm,
}

fn parse_number(number: &str) -> Option<CaseId> {
    CaseNumber::parse(number).ok().map(CaseNumber::id)
}

/// `GET /agent/claims/{number}`.
pub async fn claim_page(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Query(q): Query<Fields>,
) -> Page {
    desk.require(Permission::ReadCases)?;
    let id = parse_number(&number).ok_or_else(|| missing(&desk, "/agent/claims"))?;
    let done = match field(&q, "done") {
        "moved" => Some(t(desk.lang, "cd-done-moved")),
        "refund" => Some(t(desk.lang, "cd-done-refund")),
        _ => None,
    };
    show_claim(
        &state,
        &desk,
        id,
        Shown {
            done,
            ..Shown::default()
        },
        StatusCode::OK,
    )
    .await
}

async fn show_claim(
    state: &AppState,
    desk: &Desk,
    id: CaseId,
    shown: Shown,
    status: StatusCode,
) -> Page {
    let lang = desk.lang;
    let view = match state
        .app
        .claim_view(id, ClaimActor::Cell(caller_of(desk)))
        .await
    {
        Ok(v) => v,
        Err(e) => {
            return Err(match refusal(lang, e) {
                Refusal::NotFound => missing(desk, "/agent/claims"),
                Refusal::Forbidden => forbidden(desk),
                Refusal::Shown(status, errors) => failed_page(desk, status, &errors),
            });
        }
    };
    let path = format!("/agent/claims/{}", number_path(id));
    let title = t_args(
        lang,
        "cd-claim-title",
        &[("number", number_text(lang, id).into())],
    );
    let from = Stage::parse(&view.claim.stage);
    let moves: Vec<Stage> = from
        .map(|from| {
            CELL_MOVES
                .into_iter()
                .filter(|to| workflow::check_move(from, *to, Party::Cell).is_ok())
                .collect()
        })
        .unwrap_or_default();
    let status_words = t(lang, &format!("status-{}", view.case.status.as_str()));
    let body = html! {
        p { a href="/agent/claims" { "← " (t(lang, "cd-list-title")) } }
        h1 { (title) }
        p {
            a href=(format!("/agent/cases/{}", number_path(id))) { (t(lang, "cd-open-case")) }
            " · " (t(lang, "cd-case-status")) ": " (status_words)
            @if let Some(m) = &view.merchant {
                " · " a href=(format!("/agent/merchants/{}", m.id)) { (merchant_name(lang, m)) }
            }
        }
        @if let Some(done) = &shown.done { p.notice role="status" { (done) } }
        (errors_box(Some(t(lang, "cd-refused")), &shown.errors))
        (claim_facts(state, lang, &view, true))
        (deadlines_and_refunds(state, lang, &view))
        @if desk.can(Permission::WorkCases) {
            section.card {
                h2 { (t(lang, "cd-move-title")) }
                @if moves.is_empty() {
                    p.muted { (t(lang, "cd-no-moves")) }
                } @else {
                    form method="post" action=(format!("{path}/stage")) accept-charset="utf-8" {
                        (desk.csrf_field())
                        fieldset {
                            legend { (t(lang, "cd-move-to")) }
                            @for (i, s) in moves.iter().enumerate() {
                                label {
                                    input type="radio" name="to" value=(s.as_str()) required checked[i == 0];
                                    " " (t(lang, &format!("cd-move-{}", s.as_str().replace('_', "-"))))
                                }
                                br;
                            }
                        }
                        p {
                            label for="note" { (t(lang, "cd-move-note")) }
                            br;
                            textarea id="note" name="note" rows="3" maxlength=(NOTE_MAX) { (shown.note) }
                        }
                        p { button type="submit" id="move" { (t(lang, "cd-move")) } }
                    }
                }
            }
            @if refundable(&view.claim.stage) {
                section.card {
                    h2 { (t(lang, "cd-refund-title")) }
                    (refund_form(desk, &format!("{path}/refund"), &shown.refund))
                }
            }
        }
    };
    Ok(with_status(desk_page(desk, &path, &title, body), status))
}

/// A refused step: the claim again with why (or the 404/403 page).
async fn refused(state: &AppState, desk: &Desk, id: CaseId, e: ClaimError, shown: Shown) -> Page {
    match refusal(desk.lang, e) {
        Refusal::NotFound => Err(missing(desk, "/agent/claims")),
        Refusal::Forbidden => Err(forbidden(desk)),
        Refusal::Shown(status, errors) if status.is_server_error() => {
            Err(failed_page(desk, status, &errors))
        }
        Refusal::Shown(status, errors) => {
            show_claim(state, desk, id, Shown { errors, ..shown }, status).await
        }
    }
}

/// `POST /agent/claims/{number}/stage`: move the claim (a step the workflow allows the
/// cell from its stage), with an optional note on its case.
pub async fn stage(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Form(fields): Form<Fields>,
) -> Page {
    desk.require(Permission::WorkCases)?;
    desk.check(field(&fields, "csrf"))?;
    let lang = desk.lang;
    let id = parse_number(&number).ok_or_else(|| missing(&desk, "/agent/claims"))?;
    let note = field(&fields, "note").trim().to_string();
    let shown = || Shown {
        note: note.clone(),
        ..Shown::default()
    };
    let Some(to) = Stage::parse(field(&fields, "to")).filter(|s| CELL_MOVES.contains(s)) else {
        let s = Shown {
            errors: vec![t(lang, "cd-choose-move")],
            ..shown()
        };
        return show_claim(&state, &desk, id, s, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if note.chars().count() > NOTE_MAX {
        let s = Shown {
            errors: vec![t(lang, "cd-note-long")],
            ..shown()
        };
        return show_claim(&state, &desk, id, s, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let who = ClaimActor::Cell(caller_of(&desk));
    match state
        .app
        .move_claim(id, to, who, Some(note.as_str()).filter(|n| !n.is_empty()))
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/agent/claims/{}?done=moved",
            number_path(id)
        ))),
        Err(e) => refused(&state, &desk, id, e, shown()).await,
    }
}

/// `POST /agent/claims/{number}/refund`: record a refund the merchant paid (from a
/// letter, a statement, the claimant's word).
pub async fn refund(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Form(fields): Form<Fields>,
) -> Page {
    desk.require(Permission::WorkCases)?;
    desk.check(field(&fields, "csrf"))?;
    let id = parse_number(&number).ok_or_else(|| missing(&desk, "/agent/claims"))?;
    let form = RefundForm::of(&fields);
    let (amount, paid_on) = match form.parse(desk.lang) {
        Ok(p) => p,
        Err(errors) => {
            let s = Shown {
                errors,
                refund: form,
                ..Shown::default()
            };
            return show_claim(&state, &desk, id, s, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let who = ClaimActor::Cell(caller_of(&desk));
    match state
        .app
        .record_refund(id, amount, paid_on, &form.channel, &form.reference, who)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/agent/claims/{}?done=refund",
            number_path(id)
        ))),
        Err(e) => {
            let s = Shown {
                refund: form,
                ..Shown::default()
            };
            refused(&state, &desk, id, e, s).await
        }
    }
}

// ---------------------------------------------------------------------------------------
// The batch forward

/// Every claim of a merchant at a stage (up to [`BATCH_MAX`]), newest first.
async fn claims_at(
    state: &AppState,
    merchant: i64,
    stage: Stage,
) -> Result<Vec<ClaimRecord>, seba_store::StoreError> {
    let mut out: Vec<ClaimRecord> = Vec::new();
    let mut before = None;
    while out.len() < BATCH_MAX {
        let page = state
            .app
            .store
            .claims_of_merchant(merchant, Some(stage.as_str()), before, STORE_PAGE)
            .await?;
        let done = page.len() < STORE_PAGE as usize;
        before = page.last().map(|c| c.case_id);
        out.extend(page);
        if done || before.is_none() {
            break;
        }
    }
    out.truncate(BATCH_MAX);
    Ok(out)
}

/// What the forward page says after a batch.
#[derive(Debug, Default)]
struct Forwarded {
    moved: Option<usize>,
    errors: Vec<String>,
}

async fn show_forward(
    state: &AppState,
    desk: &Desk,
    merchant: Option<i64>,
    after: Forwarded,
    status: StatusCode,
) -> Page {
    let lang = desk.lang;
    let registry = state
        .app
        .store
        .merchants()
        .await
        .map_err(|e| store_failed(desk, e))?;
    let chosen = match merchant {
        Some(id) => Some(
            registry
                .iter()
                .find(|m| m.id == id)
                .ok_or_else(|| missing(desk, "/agent/claims/forward"))?,
        ),
        None => None,
    };
    let verified = match chosen {
        Some(m) => claims_at(state, m.id, Stage::Verified)
            .await
            .map_err(|e| store_failed(desk, e))?,
        None => Vec::new(),
    };
    let title = t(lang, "cd-forward-title");
    let body = html! {
        h1 { (title) }
        (sub_nav(desk))
        p { (t(lang, "cd-forward-intro")) }
        @if let (Some(n), Some(m)) = (after.moved, chosen) {
            p.notice role="status" {
                (t_args(lang, "cd-forwarded", &[("count", lang.count(n as i64))])) " "
                a href=(format!("/agent/claims/forward.csv?merchant={}&stage=forwarded", m.id)) {
                    (t(lang, "cd-forwarded-csv")) }
            }
        }
        (errors_box(Some(t(lang, "cd-refused")), &after.errors))
        form.inline-form method="get" action="/agent/claims/forward" {
            label for="merchant" { (t(lang, "cd-col-merchant")) } " "
            (merchant_select(lang, &registry, merchant, &t(lang, "cd-choose-merchant"), true)) " "
            button type="submit" { (t(lang, "cd-show")) }
        }
        @if let Some(m) = chosen {
            h2 { (merchant_name(lang, m)) }
            @if verified.is_empty() {
                p.muted { (t(lang, "cd-forward-none")) }
            } @else {
                p {
                    (t_args(lang, "cd-forward-count", &[("count", lang.count(verified.len() as i64))])) " "
                    a href=(format!("/agent/claims/forward.csv?merchant={}", m.id)) download { (t(lang, "cd-forward-csv")) }
                }
                @if desk.can(Permission::WorkCases) {
                    form method="post" action="/agent/claims/forward" accept-charset="utf-8" {
                        (desk.csrf_field())
                        input type="hidden" name="merchant" value=(m.id);
                        p {
                            label for="note" { (t(lang, "cd-move-note")) }
                            br;
                            textarea id="note" name="note" rows="2" maxlength=(NOTE_MAX) {}
                        }
                        p { button type="submit" id="forward" {
                            (t_args(lang, "cd-forward-all", &[("count", lang.count(verified.len() as i64))])) } }
                    }
                }
                div.table-wrap { table.list {
                    thead { tr {
                        th { (t(lang, "cd-col-number")) }
                        th { (t(lang, "cd-col-order")) }
                        th { (t(lang, "cd-col-order-date")) }
                        th { (t(lang, "cd-col-product")) }
                        th { (t(lang, "cd-col-paid")) }
                        th { (t(lang, "cd-col-claimant")) }
                    } }
                    tbody {
                        @for c in verified.iter().take(200) {
                            tr {
                                td { a href=(format!("/agent/claims/{}", number_path(c.case_id))) {
                                    (number_text(lang, c.case_id)) } }
                                td { (c.order_id) }
                                td { (day(lang, c.order_date)) }
                                td { (c.product) }
                                td { (taka(lang, c.paid_poisha)) }
                                td { (lang.digits(&masked_mobile(&c.claimant_msisdn))) }
                            }
                        }
                    }
                } }
            }
        }
    };
    Ok(with_status(
        desk_page(desk, "/agent/claims/forward", &title, body),
        status,
    ))
}

/// `GET /agent/claims/forward?merchant=`: a merchant's verified claims, ready to go.
pub async fn forward_page(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<Fields>,
) -> Page {
    desk.require(Permission::ReadCases)?;
    let merchant = parse_merchant(&desk, field(&q, "merchant"))?;
    let moved = field(&q, "forwarded")
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|_| merchant.is_some());
    show_forward(
        &state,
        &desk,
        merchant,
        Forwarded {
            moved,
            errors: vec![],
        },
        StatusCode::OK,
    )
    .await
}

/// `POST /agent/claims/forward`: every verified claim of one merchant to `forwarded`, in
/// one action (each claim its own commit, SMS and audit event).
pub async fn forward(
    State(state): State<AppState>,
    desk: Desk,
    Form(fields): Form<Fields>,
) -> Page {
    desk.require(Permission::WorkCases)?;
    desk.check(field(&fields, "csrf"))?;
    let lang = desk.lang;
    let Some(merchant) = parse_merchant(&desk, field(&fields, "merchant"))? else {
        let f = Forwarded {
            moved: None,
            errors: vec![t(lang, "cd-choose-merchant")],
        };
        return show_forward(&state, &desk, None, f, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let note = field(&fields, "note").trim().to_string();
    if note.chars().count() > NOTE_MAX {
        let f = Forwarded {
            moved: None,
            errors: vec![t(lang, "cd-note-long")],
        };
        return show_forward(
            &state,
            &desk,
            Some(merchant),
            f,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if state
        .app
        .store
        .merchant(merchant)
        .await
        .map_err(|e| store_failed(&desk, e))?
        .is_none()
    {
        return Err(missing(&desk, "/agent/claims/forward"));
    }
    let batch = claims_at(&state, merchant, Stage::Verified)
        .await
        .map_err(|e| store_failed(&desk, e))?;
    let who = ClaimActor::Cell(caller_of(&desk));
    let note = (!note.is_empty()).then_some(note);
    let mut moved = 0usize;
    let mut errors = Vec::new();
    let mut set = tokio::task::JoinSet::new();
    let mut ids = batch.iter().map(|c| c.case_id);
    loop {
        while set.len() < FORWARD_IN_FLIGHT {
            let Some(id) = ids.next() else { break };
            let app = state.app.clone();
            let note = note.clone();
            set.spawn(async move {
                let r = app
                    .move_claim(id, Stage::Forwarded, who, note.as_deref())
                    .await;
                (id, r)
            });
        }
        let Some(done) = set.join_next().await else {
            break;
        };
        match done {
            Ok((_, Ok(_))) => moved += 1,
            Ok((id, Err(e))) => {
                let why = match refusal(lang, e) {
                    Refusal::NotFound => t(lang, "cd-missing"),
                    Refusal::Forbidden => t(lang, "desk-forbidden-title"),
                    Refusal::Shown(_, texts) => texts.join(" "),
                };
                errors.push(format!("{}: {why}", number_text(lang, id)));
            }
            Err(_) => errors.push(t(lang, "page-failed")),
        }
    }
    if errors.is_empty() {
        return Ok(see_other(&format!(
            "/agent/claims/forward?merchant={merchant}&forwarded={moved}"
        )));
    }
    let status = if moved == 0 {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let f = Forwarded {
        moved: Some(moved),
        errors,
    };
    show_forward(&state, &desk, Some(merchant), f, status).await
}

/// A spreadsheet cell that cannot start a formula.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Taka with two decimals, for a spreadsheet.
fn taka_plain(poisha: i64) -> String {
    format!("{}.{:02}", poisha / 100, (poisha % 100).abs())
}

/// `GET /agent/claims/forward.csv?merchant=&stage=`: a merchant's batch (its verified
/// claims, or with `stage=forwarded` those already sent) as CSV for the merchant: UTF-8
/// with a byte-order mark, the claimant's number masked.
pub async fn forward_csv(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<Fields>,
) -> Page {
    desk.require(Permission::ReadCases)?;
    let Some(merchant) = parse_merchant(&desk, field(&q, "merchant"))? else {
        return Err(bad_request(&desk, &[t(desk.lang, "cd-choose-merchant")]));
    };
    let stage = match parse_stage(&desk, field(&q, "stage"))? {
        None | Some(Stage::Verified) => Stage::Verified,
        Some(Stage::Forwarded) => Stage::Forwarded,
        Some(_) => return Err(bad_request(&desk, &[t(desk.lang, "cd-unknown-stage")])),
    };
    if state
        .app
        .store
        .merchant(merchant)
        .await
        .map_err(|e| store_failed(&desk, e))?
        .is_none()
    {
        return Err(missing(&desk, "/agent/claims/forward"));
    }
    let rows = claims_at(&state, merchant, stage)
        .await
        .map_err(|e| store_failed(&desk, e))?;
    let mut out = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 120 + 200));
    let mut failed = out
        .write_record([
            "number",
            "order_id",
            "order_date",
            "product",
            "paid_taka",
            "refunded_taka",
            "claimant_mobile",
        ])
        .is_err();
    for c in &rows {
        failed |= out
            .write_record([
                CaseNumber::from_id(c.case_id).to_string(),
                cell(&c.order_id),
                c.order_date.to_string(),
                cell(&c.product),
                taka_plain(c.paid_poisha),
                taka_plain(c.refunded_poisha),
                masked_mobile(&c.claimant_msisdn),
            ])
            .is_err();
    }
    let bytes = match out.into_inner() {
        Ok(b) if !failed => b,
        _ => return Err(failed_page(&desk, StatusCode::INTERNAL_SERVER_ERROR, &[])),
    };
    let mut body = Vec::with_capacity(bytes.len() + 3);
    body.extend_from_slice("\u{FEFF}".as_bytes());
    body.extend_from_slice(&bytes);
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let name = format!(
        "attachment; filename=\"claims-merchant-{merchant}-{}.csv\"",
        stage.as_str()
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

// ---------------------------------------------------------------------------------------
// Import

/// A file posted with a form.
pub(crate) struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A multipart form's text fields and its one file (`file_field`), or the key of the text
/// that says why it could not be read.
pub(crate) async fn read_multipart(
    mut parts: Multipart,
    file_field: &str,
) -> Result<(Fields, Option<Upload>), &'static str> {
    let mut fields = Vec::new();
    let mut upload = None;
    loop {
        let part = match parts.next_field().await {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err("cd-file-too-large");
            }
            Err(_) => return Err("cd-file-unreadable"),
        };
        let name = part.name().unwrap_or_default().to_string();
        if name == file_field {
            let filename = part.file_name().unwrap_or_default().to_string();
            let content_type = part.content_type().unwrap_or_default().to_string();
            let bytes = match part.bytes().await {
                Ok(b) => b.to_vec(),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err("cd-file-too-large");
                }
                Err(_) => return Err("cd-file-unreadable"),
            };
            // No file chosen: browsers still send the part, empty and nameless.
            if !(bytes.is_empty() && filename.is_empty()) {
                upload = Some(Upload {
                    filename,
                    content_type,
                    bytes,
                });
            }
            continue;
        }
        let value = part.text().await.map_err(|_| "cd-file-unreadable")?;
        fields.push((name, value));
    }
    Ok((fields, upload))
}

fn import_page_with(
    desk: &Desk,
    report: Option<&ImportReport>,
    errors: &[String],
    status: StatusCode,
) -> Response {
    let lang = desk.lang;
    let title = t(lang, "cd-import-title");
    let body = html! {
        h1 { (title) }
        (sub_nav(desk))
        p { (t(lang, "cd-import-intro")) }
        p { code { "claimant_mobile, claimant_name, district, merchant, order_id, order_date, product, amount_paid, payment_method, gateway, delivery_status, amount_refunded" } }
        (errors_box(Some(t(lang, "cd-refused")), errors))
        @if let Some(r) = report {
            section.card.import-report role="status" {
                h2 { (t(lang, "cd-report")) }
                table.list { tbody {
                    tr { th scope="row" { (t(lang, "cd-report-rows")) } td { (lang.int(r.rows as i64)) } }
                    tr { th scope="row" { (t(lang, "cd-report-added")) } td id="added" { (lang.int(r.added as i64)) } }
                    tr { th scope="row" { (t(lang, "cd-report-added-to")) } td { (lang.int(r.added_to as i64)) } }
                    tr { th scope="row" { (t(lang, "cd-report-already")) } td { (lang.int(r.already as i64)) } }
                    tr { th scope="row" { (t(lang, "cd-report-new-merchants")) } td { (lang.int(r.new_merchants as i64)) } }
                    tr { th scope="row" { (t(lang, "cd-report-bad")) } td { (lang.int(r.bad.len() as i64)) } }
                } }
                @if !r.bad.is_empty() {
                    h3 { (t(lang, "cd-report-bad-rows")) }
                    div.table-wrap { table.list {
                        thead { tr { th { (t(lang, "cd-line")) } th { (t(lang, "cd-problems")) } } }
                        tbody {
                            @for (line, errs) in &r.bad {
                                tr.bad-row data-line=(line) {
                                    td { (t_args(lang, "cd-line-n", &[("line", lang.int(*line as i64).into())])) }
                                    td { ul {
                                        @for e in errs {
                                            li { strong { (field_label(lang, e.field)) } ": "
                                                (lang.pick(&e.message.bn, &e.message.en)) }
                                        }
                                    } }
                                }
                            }
                        }
                    } }
                }
            }
        }
        @if desk.can(Permission::WorkCases) {
            form method="post" action="/agent/claims/import" enctype="multipart/form-data" accept-charset="utf-8" {
                (desk.csrf_field())
                p {
                    label for="file" { (t(lang, "cd-import-file")) }
                    br;
                    input id="file" name="file" type="file" required accept=".csv,text/csv";
                }
                p { button type="submit" id="import" { (t(lang, "cd-import")) } }
            }
        }
    };
    with_status(
        desk_page(desk, "/agent/claims/import", &title, body),
        status,
    )
}

/// `GET /agent/claims/import`: the upload form.
pub async fn import_page(desk: Desk) -> Page {
    desk.require(Permission::WorkCases)?;
    Ok(import_page_with(&desk, None, &[], StatusCode::OK))
}

/// `POST /agent/claims/import` (multipart): import a CSV of claims; the report.
pub async fn import(State(state): State<AppState>, desk: Desk, parts: Multipart) -> Page {
    desk.require(Permission::WorkCases)?;
    let lang = desk.lang;
    let (fields, upload) = match read_multipart(parts, "file").await {
        Ok(read) => read,
        Err(key) => {
            let status = if key == "cd-file-too-large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            };
            return Ok(import_page_with(&desk, None, &[t(lang, key)], status));
        }
    };
    desk.check(field(&fields, "csrf"))?;
    let Some(file) = upload.filter(|u| !u.bytes.is_empty()) else {
        return Ok(import_page_with(
            &desk,
            None,
            &[t(lang, "cd-file-missing")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    match state.app.import_claims(&file.bytes, caller_of(&desk)).await {
        Ok(report) => Ok(import_page_with(&desk, Some(&report), &[], StatusCode::OK)),
        Err(e) => {
            let b = e.explain();
            Ok(import_page_with(
                &desk,
                None,
                &[lang.pick(&b.bn, &b.en).to_string()],
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------
// The merchant registry

/// The add-merchant form as typed.
#[derive(Debug, Default, Clone)]
struct MerchantForm {
    trade_bn: String,
    trade_en: String,
    legal_bn: String,
    legal_en: String,
    aliases: String,
    web: String,
    licence: String,
    district: String,
    status: String,
}

impl MerchantForm {
    fn of(fields: &Fields) -> MerchantForm {
        let f = |n: &str| field(fields, n).to_string();
        MerchantForm {
            trade_bn: f("trade_bn"),
            trade_en: f("trade_en"),
            legal_bn: f("legal_bn"),
            legal_en: f("legal_en"),
            aliases: f("aliases"),
            web: f("web"),
            licence: f("licence"),
            district: f("district"),
            status: f("status"),
        }
    }
}

/// A list typed one a line or comma-separated.
fn list_of(s: &str) -> Vec<String> {
    s.split(['\n', ','])
        .map(|v| {
            seba_core::text::clean(v)
                .trim()
                .chars()
                .take(200)
                .collect::<String>()
        })
        .filter(|v| !v.is_empty())
        .take(50)
        .collect()
}

fn district_select(lang: Lang, chosen: &str) -> Markup {
    let geo = Geography::bangladesh();
    html! {
        select id="district" name="district" {
            option value="" { (t(lang, "cd-district-unknown")) }
            @for div in geo.divisions() {
                optgroup label=(lang.pick(&div.name_bn, &div.name_en)) {
                    @for d in geo.districts_of(div.id) {
                        @let id = d.id.to_string();
                        option value=(id) selected[id == chosen] { (d.name_bn) " / " (d.name_en) }
                    }
                }
            }
        }
    }
}

fn merchant_form(desk: &Desk, form: &MerchantForm) -> Markup {
    let lang = desk.lang;
    let text = |name: &str, value: &str, input_lang: &str| {
        html! {
            p {
                label for=(name) { (t(lang, &format!("cd-m-{}", name.replace('_', "-")))) }
                br;
                input id=(name) name=(name) lang=(input_lang) maxlength="200" value=(value);
            }
        }
    };
    html! {
        form method="post" action="/agent/merchants" accept-charset="utf-8" {
            (desk.csrf_field())
            (text("trade_bn", &form.trade_bn, "bn"))
            (text("trade_en", &form.trade_en, "en"))
            (text("legal_bn", &form.legal_bn, "bn"))
            (text("legal_en", &form.legal_en, "en"))
            p {
                label for="aliases" { (t(lang, "cd-m-aliases")) }
                br;
                textarea id="aliases" name="aliases" rows="2" { (form.aliases) }
                br;
                small { (t(lang, "cd-m-list-hint")) }
            }
            p {
                label for="web" { (t(lang, "cd-m-web")) }
                br;
                textarea id="web" name="web" rows="2" { (form.web) }
            }
            p {
                label for="licence" { (t(lang, "cd-m-licence")) }
                br;
                input id="licence" name="licence" maxlength="100" value=(form.licence);
            }
            p {
                label for="district" { (t(lang, "cd-m-district")) }
                br;
                (district_select(lang, &form.district))
            }
            p {
                label for="status" { (t(lang, "cd-m-status")) }
                br;
                select id="status" name="status" {
                    @for s in MerchantStatus::ALL {
                        @let b = s.label();
                        option value=(s.as_str()) selected[s.as_str() == form.status] { (lang.pick(&b.bn, &b.en)) }
                    }
                }
            }
            p { button type="submit" id="add-merchant" { (t(lang, "cd-m-add")) } }
        }
    }
}

async fn show_merchants(
    state: &AppState,
    desk: &Desk,
    form: &MerchantForm,
    errors: &[String],
    status: StatusCode,
) -> Page {
    let lang = desk.lang;
    let store = &state.app.store;
    let registry = store.merchants().await.map_err(|e| store_failed(desk, e))?;
    let sums: HashMap<i64, MerchantSummary> = store
        .merchant_summaries(state.app.now())
        .await
        .map_err(|e| store_failed(desk, e))?
        .into_iter()
        .map(|s| (s.merchant_id, s))
        .collect();
    let mut rows: Vec<(&MerchantRecord, Option<&MerchantSummary>)> =
        registry.iter().map(|m| (m, sums.get(&m.id))).collect();
    // The most owed first.
    rows.sort_by_key(|(m, s)| {
        (
            std::cmp::Reverse(s.map_or(0, |s| s.paid_poisha - s.refunded_poisha)),
            m.id,
        )
    });
    let title = t(lang, "cd-merchants-title");
    let body = html! {
        h1 { (title) }
        (sub_nav(desk))
        @if rows.is_empty() {
            p.muted { (t(lang, "cd-merchants-none")) }
        } @else {
            div.table-wrap { table.list {
                thead { tr {
                    th { (t(lang, "cd-col-merchant")) }
                    th { (t(lang, "cd-m-status")) }
                    th { (t(lang, "cd-s-claims")) }
                    th { (t(lang, "cd-s-victims")) }
                    th { (t(lang, "cd-col-paid")) }
                    th { (t(lang, "cd-col-refunded")) }
                    th { (t(lang, "cd-col-outstanding")) }
                    th { (t(lang, "cd-s-open")) }
                    th { (t(lang, "cd-s-delivery-missed")) }
                    th { (t(lang, "cd-s-refund-missed")) }
                } }
                tbody {
                    @for (m, s) in &rows {
                        tr data-row {
                            td { a href=(format!("/agent/merchants/{}", m.id)) { (merchant_name(lang, m)) } }
                            td { (merchant_status(lang, &m.status)) }
                            @match s {
                                Some(s) => {
                                    td { a href=(format!("/agent/claims?merchant={}", m.id)) { (lang.int(s.claims)) } }
                                    td { (lang.int(s.victims)) }
                                    td { (taka(lang, s.paid_poisha)) }
                                    td { (taka(lang, s.refunded_poisha)) }
                                    td { (taka(lang, s.paid_poisha - s.refunded_poisha)) }
                                    td { (lang.int(s.open_claims)) }
                                    td { (lang.int(s.delivery_missed)) }
                                    td { (lang.int(s.refund_missed)) }
                                }
                                None => {
                                    td { (lang.int(0)) } td {} td {} td {} td {} td {} td {} td {}
                                }
                            }
                        }
                    }
                }
            } }
        }
        @if desk.can(Permission::Supervise) {
            section.card {
                h2 { (t(lang, "cd-m-new")) }
                (errors_box(Some(t(lang, "cd-refused")), errors))
                (merchant_form(desk, form))
            }
        }
    };
    Ok(with_status(
        desk_page(desk, "/agent/merchants", &title, body),
        status,
    ))
}

/// `GET /agent/merchants`: the registry with each merchant's totals.
pub async fn merchants(State(state): State<AppState>, desk: Desk) -> Page {
    desk.require(Permission::ReadCases)?;
    show_merchants(&state, &desk, &MerchantForm::default(), &[], StatusCode::OK).await
}

/// `POST /agent/merchants`: a supervisor adds a merchant.
pub async fn add_merchant(
    State(state): State<AppState>,
    desk: Desk,
    Form(fields): Form<Fields>,
) -> Page {
    desk.require(Permission::Supervise)?;
    desk.check(field(&fields, "csrf"))?;
    let lang = desk.lang;
    let form = MerchantForm::of(&fields);
    let mut errors = Vec::new();
    let name_ok = [
        &form.trade_en,
        &form.trade_bn,
        &form.legal_en,
        &form.legal_bn,
    ]
    .iter()
    .any(|n| seba_claims::merchant::clean_name(n).is_ok());
    if !name_ok {
        errors.push(t(lang, "cd-m-name-missing"));
    }
    let district = match form.district.trim() {
        "" => None,
        d => match Geography::bangladesh().district_typed(d) {
            Some(d) => Some(d.id.0),
            None => {
                errors.push(t(lang, "cd-m-district-unknown"));
                None
            }
        },
    };
    let status = match form.status.trim() {
        "" => Some(MerchantStatus::Operating),
        s => MerchantStatus::parse(s),
    };
    if status.is_none() {
        errors.push(t(lang, "cd-m-status-unknown"));
    }
    let licence = seba_core::text::clean(&form.licence)
        .trim()
        .chars()
        .take(100)
        .collect::<String>();
    if !errors.is_empty() {
        return show_merchants(
            &state,
            &desk,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let names = MerchantNames {
        legal_bn: form.legal_bn.trim().into(),
        legal_en: form.legal_en.trim().into(),
        trade_bn: form.trade_bn.trim().into(),
        trade_en: form.trade_en.trim().into(),
        aliases: list_of(&form.aliases),
        web: list_of(&form.web),
    };
    match state
        .app
        .add_merchant(
            names,
            Some(licence).filter(|l| !l.is_empty()),
            district,
            status.unwrap_or(MerchantStatus::Operating),
            caller_of(&desk),
        )
        .await
    {
        Ok(m) => Ok(see_other(&format!("/agent/merchants/{}?added=1", m.id))),
        Err(e) => match refusal(lang, e) {
            Refusal::Forbidden => Err(forbidden(&desk)),
            Refusal::NotFound => Err(missing(&desk, "/agent/merchants")),
            Refusal::Shown(status, errors) if status.is_server_error() => {
                Err(failed_page(&desk, status, &errors))
            }
            Refusal::Shown(status, errors) => {
                show_merchants(&state, &desk, &form, &errors, status).await
            }
        },
    }
}

/// What the merchant page says after a post.
#[derive(Debug, Default)]
struct MerchantShown {
    added: bool,
    /// A portal user just made: their username and (shown once) password.
    user: Option<(String, String)>,
    errors: Vec<String>,
    username: String,
    display_name: String,
}

async fn show_merchant(
    state: &AppState,
    desk: &Desk,
    id: i64,
    shown: MerchantShown,
    status: StatusCode,
) -> Page {
    let lang = desk.lang;
    let store = &state.app.store;
    let m = store
        .merchant(id)
        .await
        .map_err(|e| store_failed(desk, e))?
        .ok_or_else(|| missing(desk, "/agent/merchants"))?;
    let s = store
        .merchant_summary(id, state.app.now())
        .await
        .map_err(|e| store_failed(desk, e))?;
    let title = merchant_name(lang, &m);
    let path = format!("/agent/merchants/{id}");
    let row = |key: &str, value: Markup| {
        html! { tr { th scope="row" { (t(lang, key)) } td { (value) } } }
    };
    let body = html! {
        p { a href="/agent/merchants" { "← " (t(lang, "cd-merchants-title")) } }
        h1 { (title) }
        @if shown.added { p.notice role="status" { (t(lang, "cd-m-added")) } }
        section.card {
            table.list { tbody {
                (row("cd-m-status", html! { (merchant_status(lang, &m.status)) }))
                (row("cd-m-trade-bn", html! { (m.trade_bn) }))
                (row("cd-m-trade-en", html! { (m.trade_en) }))
                (row("cd-m-legal-bn", html! { (m.legal_bn) }))
                (row("cd-m-legal-en", html! { (m.legal_en) }))
                (row("cd-m-aliases", html! { (m.aliases.join(", ")) }))
                (row("cd-m-web", html! { (m.web.join(", ")) }))
                (row("cd-m-licence", html! { (m.licence.clone().unwrap_or_default()) }))
                (row("cd-m-district", html! { @if let Some(d) = m.district { (district_name(lang, d)) } }))
            } }
        }
        @if let Some(s) = &s {
            section.card {
                table.list { tbody {
                    (row("cd-s-claims", html! { a href=(format!("/agent/claims?merchant={id}")) { (lang.int(s.claims)) } }))
                    (row("cd-s-victims", html! { (lang.int(s.victims)) }))
                    (row("cd-col-paid", html! { (taka(lang, s.paid_poisha)) }))
                    (row("cd-col-refunded", html! { (taka(lang, s.refunded_poisha)) }))
                    (row("cd-col-outstanding", html! { (taka(lang, s.paid_poisha - s.refunded_poisha)) }))
                    (row("cd-s-open", html! { (lang.int(s.open_claims)) }))
                    (row("cd-s-oldest", html! { @if let Some(at) = s.oldest_open { (when(state, lang, at)) } }))
                    (row("cd-s-delivery-missed", html! { (lang.int(s.delivery_missed)) }))
                    (row("cd-s-refund-missed", html! { (lang.int(s.refund_missed)) }))
                } }
            }
        }
        p.actions {
            a href=(format!("/agent/claims?merchant={id}")) { (t(lang, "cd-list-title")) }
            " · " a href=(format!("/agent/claims/forward?merchant={id}")) { (t(lang, "cd-forward-title")) }
        }
        @if desk.can(Permission::Supervise) {
            section.card {
                h2 { (t(lang, "cd-u-title")) }
                p { (t(lang, "cd-u-intro")) }
                @if let Some((username, password)) = &shown.user {
                    div.notice role="status" {
                        p { (t_args(lang, "cd-u-made", &[("username", username.clone().into())])) }
                        p { (t(lang, "cd-u-password-once")) " " code id="new-password" { (password) } }
                    }
                }
                (errors_box(Some(t(lang, "cd-refused")), &shown.errors))
                form method="post" action=(format!("{path}/users")) accept-charset="utf-8" autocomplete="off" {
                    (desk.csrf_field())
                    p {
                        label for="username" { (t(lang, "desk-username")) }
                        br;
                        input id="username" name="username" required maxlength="40"
                            autocapitalize="none" value=(shown.username);
                    }
                    p {
                        label for="display_name" { (t(lang, "cd-u-display-name")) }
                        br;
                        input id="display_name" name="display_name" required maxlength="120"
                            value=(shown.display_name);
                    }
                    p {
                        label for="password" { (t(lang, "desk-password")) }
                        br;
                        input id="password" name="password" type="password" minlength="12"
                            autocomplete="new-password";
                        br;
                        small { (t(lang, "cd-u-password-hint")) }
                    }
                    p { button type="submit" id="add-user" { (t(lang, "cd-u-add")) } }
                }
            }
        }
    };
    Ok(with_status(desk_page(desk, &path, &title, body), status))
}

/// `GET /agent/merchants/{id}`: a merchant, its totals, and (supervisors) the form to add
/// a portal user.
pub async fn merchant_page(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> Page {
    desk.require(Permission::ReadCases)?;
    let id: i64 = id.parse().map_err(|_| missing(&desk, "/agent/merchants"))?;
    let shown = MerchantShown {
        added: !field(&q, "added").is_empty(),
        ..MerchantShown::default()
    };
    show_merchant(&state, &desk, id, shown, StatusCode::OK).await
}

/// A password for a new portal user: 20 random characters, never holding the username.
fn generated_password(state: &AppState, username: &str) -> String {
    let lower = username.trim().to_lowercase();
    for _ in 0..16 {
        let p = state.app.random.token(15);
        if lower.is_empty() || !p.to_lowercase().contains(&lower) {
            return p;
        }
    }
    state.app.random.token(15)
}

/// `POST /agent/merchants/{id}/users`: a supervisor adds a merchant-portal user; the page
/// shows the password once (the one typed, or a generated one).
pub async fn add_user(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> Page {
    desk.require(Permission::Supervise)?;
    desk.check(field(&fields, "csrf"))?;
    let lang = desk.lang;
    let id: i64 = id.parse().map_err(|_| missing(&desk, "/agent/merchants"))?;
    let username = field(&fields, "username").trim().to_string();
    let display_name = match field(&fields, "display_name").trim() {
        "" => username.clone(),
        d => d.to_string(),
    };
    let typed = field(&fields, "password");
    let password = if typed.is_empty() {
        generated_password(&state, &username)
    } else {
        typed.to_string()
    };
    match state
        .app
        .add_merchant_user(&username, &display_name, &password, id, caller_of(&desk))
        .await
    {
        Ok(_) => {
            let shown = MerchantShown {
                user: Some((username.to_lowercase(), password)),
                ..MerchantShown::default()
            };
            show_merchant(&state, &desk, id, shown, StatusCode::OK).await
        }
        Err(e) => match refusal(lang, e) {
            Refusal::Forbidden => Err(forbidden(&desk)),
            Refusal::NotFound => Err(missing(&desk, "/agent/merchants")),
            Refusal::Shown(status, errors) if status.is_server_error() => {
                Err(failed_page(&desk, status, &errors))
            }
            Refusal::Shown(status, errors) => {
                let shown = MerchantShown {
                    errors,
                    username,
                    display_name,
                    ..MerchantShown::default()
                };
                show_merchant(&state, &desk, id, shown, status).await
            }
        },
    }
}
