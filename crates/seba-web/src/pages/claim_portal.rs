//! Claims from the portal for victims of collapsed online shops: a plain form (no login, no
//! JavaScript, Bengali first) that files through the same application command as the API
//! (`App::file_claim`), and the claim's standing — its stage, the money paid, refunded and
//! still owed, the refunds recorded and the deadlines the merchant missed — on the tracking
//! page once the claimant has proved the mobile number.
//!
//! The form follows the complaint form: a double-submit anti-forgery token, one random
//! idempotency key per form (a double tap or a reload of the POST files once and lands on
//! the same confirmation), POST then redirect, and one evidence file stored under its
//! SHA-256 before the claim is checked, so a refused claim comes back remembering it. Every
//! field the claim check refuses is named next to the field, in the page's language, with
//! what was typed kept.
//!
//! `file_claim` takes no idempotency key, so the form's key is answered around it: an
//! answer already stored under the key redirects without filing; a claim that checks is
//! then filed only by the submission that takes the key (a record under a second scope,
//! first writer wins — so a double tap's two requests, even on two nodes, file once and
//! the second waits for the first's answer); after filing, the answer commits with the
//! evidence message (one transaction) or, without evidence, is saved right after. A
//! refused claim takes nothing, so the corrected form goes through with the same key.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;

use seba_app::AppError;
use seba_app::cases::{AttachmentInput, Caller, Idem};
use seba_app::claims::{ClaimActor, ClaimError, ClaimView};
use seba_claims::claim::ClaimInput;
use seba_claims::workflow::Stage;
use seba_core::bilingual::Explain;
use seba_core::case::Channel;
use seba_core::ids::{CaseId, CaseNumber};
use seba_geo::Geography;
use seba_store::{IdempotencyRecord, StoredResponse};

use super::complaints::{Upload, read_form as read_form_with, store_upload};
use super::{
    Lang, error_texts, errors_box, form_token, genuine_form, lang_of, page, replayed, see_other, t,
    t_args, with_form_cookie, with_status,
};
use crate::extract::ClientIp;
use crate::state::AppState;

/// The idempotency scope of the claim form's keys.
const SCOPE: &str = "portal.claims";
/// The evidence the cell takes: photos of receipts and screens, and PDFs.
const EVIDENCE_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "application/pdf"];
/// Room for the form's text fields around the file.
const FORM_ROOM: usize = 64 * 1024;
/// Where a filed claim's confirmation lives.
const FILED_PATH: &str = "/claims/filed";
/// The scope of the record a submission takes its form's key with before filing.
const TAKEN_SCOPE: &str = "portal.claims.taken";
/// How long a second submission of a form waits for the first's answer, and how often it
/// looks.
const WAIT_FOR_FIRST: std::time::Duration = std::time::Duration::from_secs(5);
const WAIT_STEP: std::time::Duration = std::time::Duration::from_millis(100);

/// The payment choices: the form's value (what `PaymentMethod::parse` reads — a wallet's
/// name is a mobile financial service through that gateway) and its text.
const METHODS: [&str; 8] = [
    "bkash", "nagad", "rocket", "upay", "mfs", "card", "bank", "cod",
];
/// What arrived, as `Delivery::parse` reads it.
const DELIVERIES: [&str; 4] = [
    "not_delivered",
    "partly_delivered",
    "wrong_item",
    "delivered",
];

/// The portal's claim pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/claims/new",
            get(new)
                .post(create)
                // The body is read under the configured attachment limit in `read_form`.
                .layer(DefaultBodyLimit::disable()),
        )
        .route(FILED_PATH, get(filed))
}

/// What the form posts; the claim's fields are named as `ClaimInput`'s, so the check's
/// errors land next to their fields.
#[derive(Debug, Default, Deserialize)]
pub struct ClaimForm {
    #[serde(default)]
    claimant_msisdn: String,
    #[serde(default)]
    claimant_name: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    merchant: String,
    #[serde(default)]
    order_id: String,
    #[serde(default)]
    order_date: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    amount_paid: String,
    #[serde(default)]
    payment_method: String,
    #[serde(default)]
    gateway: String,
    #[serde(default)]
    delivery: String,
    #[serde(default)]
    amount_refunded: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
    /// Evidence stored by an earlier, refused attempt: its SHA-256 and name.
    #[serde(default)]
    attached_sha: String,
    #[serde(default)]
    attached_name: String,
}

impl ClaimForm {
    fn set(&mut self, name: &str, value: String) {
        let slot = match name {
            "claimant_msisdn" => &mut self.claimant_msisdn,
            "claimant_name" => &mut self.claimant_name,
            "district" => &mut self.district,
            "merchant" => &mut self.merchant,
            "order_id" => &mut self.order_id,
            "order_date" => &mut self.order_date,
            "product" => &mut self.product,
            "amount_paid" => &mut self.amount_paid,
            "payment_method" => &mut self.payment_method,
            "gateway" => &mut self.gateway,
            "delivery" => &mut self.delivery,
            "amount_refunded" => &mut self.amount_refunded,
            "csrf" => &mut self.csrf,
            "key" => &mut self.key,
            "attached_sha" => &mut self.attached_sha,
            "attached_name" => &mut self.attached_name,
            _ => return,
        };
        *slot = value;
    }

    fn input(&self) -> ClaimInput {
        ClaimInput {
            claimant_msisdn: self.claimant_msisdn.clone(),
            claimant_name: self.claimant_name.clone(),
            district: self.district.clone(),
            merchant: self.merchant.clone(),
            order_id: self.order_id.clone(),
            order_date: self.order_date.clone(),
            product: self.product.clone(),
            amount_paid: self.amount_paid.clone(),
            payment_method: self.payment_method.clone(),
            gateway: self.gateway.clone(),
            delivery: self.delivery.clone(),
            amount_refunded: self.amount_refunded.clone(),
        }
    }
}

/// Something wrong with the form: the field it is about, if one, and what to say.
struct Problem {
    field: Option<&'static str>,
    text: String,
}

impl Problem {
    fn general(text: String) -> Problem {
        Problem { field: None, text }
    }
}

/// The label of a claim field (and of the evidence), for the errors box.
fn label_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "claimant_msisdn" => "cp-mobile",
        "claimant_name" => "cp-name",
        "district" => "cp-district",
        "merchant" => "cp-merchant",
        "order_id" => "cp-order-id",
        "order_date" => "cp-order-date",
        "product" => "cp-product",
        "amount_paid" => "cp-amount-paid",
        "payment_method" => "cp-method",
        "gateway" => "cp-gateway",
        "delivery" => "cp-delivery",
        "amount_refunded" => "cp-refunded",
        "attachment" => "cp-evidence",
        _ => return None,
    })
}

/// The errors box's lines: each field's label with its reason.
fn box_lines(lang: Lang, problems: &[Problem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| match p.field.and_then(label_key) {
            Some(key) => {
                // The label without its "(optional)" note.
                let label = t(lang, key);
                let label = label.split(" (").next().unwrap_or_default().to_string();
                format!("{label}: {}", p.text)
            }
            None => p.text.clone(),
        })
        .collect()
}

fn problem_of<'a>(problems: &'a [Problem], field: &str) -> Option<&'a str> {
    problems
        .iter()
        .find(|p| p.field == Some(field))
        .map(|p| p.text.as_str())
}

/// The ids that describe a field: its hint and its error, where it has them.
fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let ids: Vec<String> = [(hint, "hint"), (error, "error")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, what)| format!("{name}-{what}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A field's hint and error under it.
fn notes(lang: Lang, name: &str, hint: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        @if let Some(h) = hint {
            br;
            small id=(format!("{name}-hint")) { (t(lang, h)) }
        }
        @if let Some(e) = error {
            br;
            small.field-error id=(format!("{name}-error")) { strong { (e) } }
        }
    }
}

/// How a text field is typed on a phone.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Tel,
    Amount,
    Date,
}

/// One text field of the form.
struct Input<'a> {
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    value: &'a str,
    kind: Kind,
    required: bool,
    max: usize,
    autocomplete: Option<&'static str>,
}

fn input(lang: Lang, problems: &[Problem], f: Input<'_>) -> Markup {
    let error = problem_of(problems, f.name);
    let (kind, mode) = match f.kind {
        Kind::Text => ("text", None),
        Kind::Tel => ("tel", Some("tel")),
        Kind::Amount => ("text", Some("decimal")),
        Kind::Date => ("text", None),
    };
    html! {
        p {
            label for=(f.name) { (t(lang, f.label)) }
            br;
            input id=(f.name) name=(f.name) type=(kind) inputmode=[mode]
                autocomplete=[f.autocomplete] required[f.required] maxlength=(f.max)
                value=(f.value) aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(f.name, f.hint.is_some(), error.is_some())];
            (notes(lang, f.name, f.hint, error))
        }
    }
}

/// The district picker, grouped by division, named in the page's language; a district
/// typed in either script (or its id) is shown chosen.
fn district_select(lang: Lang, problems: &[Problem], value: &str) -> Markup {
    let geo = Geography::bangladesh();
    let chosen = match value.trim() {
        "" => None,
        v => geo.district_typed(v).map(|d| d.id),
    };
    let error = problem_of(problems, "district");
    html! {
        p {
            label for="district" { (t(lang, "cp-district")) }
            br;
            select id="district" name="district" required autocomplete="off"
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by("district", false, error.is_some())] {
                option value="" { (t(lang, "cp-district-choose")) }
                @for div in geo.divisions() {
                    optgroup label=(lang.pick(&div.name_bn, &div.name_en)) {
                        @for d in geo.districts_of(div.id) {
                            option value=(d.id.0) selected[Some(d.id) == chosen] {
                                (lang.pick(&d.name_bn, &d.name_en))
                            }
                        }
                    }
                }
            }
            (notes(lang, "district", None, error))
        }
    }
}

/// A select of fixed choices labelled `label`, whose texts are `{label}-{choice}`.
fn choice_select(
    lang: Lang,
    problems: &[Problem],
    name: &'static str,
    label: &str,
    choose: Option<&str>,
    choices: &[&str],
    value: &str,
) -> Markup {
    let error = problem_of(problems, name);
    let value = value.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    html! {
        p {
            label for=(name) { (t(lang, label)) }
            br;
            select id=(name) name=(name) required
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(name, false, error.is_some())] {
                @if let Some(c) = choose { option value="" { (t(lang, c)) } }
                @for c in choices {
                    option value=(c) selected[*c == value] { (t(lang, &format!("{label}-{c}"))) }
                }
            }
            (notes(lang, name, None, error))
        }
    }
}

/// The form, with the values and problems of a refused attempt.
fn form(
    state: &AppState,
    lang: Lang,
    token: &str,
    values: &ClaimForm,
    problems: &[Problem],
) -> Markup {
    let key = if values.key.is_empty() {
        state.app.random.token(16)
    } else {
        values.key.clone()
    };
    let evidence_error = problem_of(problems, "attachment");
    let size_mb = (state.app.settings.max_attachment_bytes / (1024 * 1024)) as i64;
    html! {
        h1 { (t(lang, "cp-title")) }
        p { (t(lang, "cp-intro")) }
        (errors_box(Some(t(lang, "cp-errors")), &box_lines(lang, problems)))
        form method="post" action="/claims/new" accept-charset="utf-8" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="key" value=(key);
            fieldset {
                legend { h2 { (t(lang, "cp-part-you")) } }
                (input(lang, problems, Input {
                    name: "claimant_msisdn", label: "cp-mobile", hint: Some("cp-mobile-hint"),
                    value: &values.claimant_msisdn, kind: Kind::Tel, required: true, max: 20,
                    autocomplete: Some("tel"),
                }))
                (input(lang, problems, Input {
                    name: "claimant_name", label: "cp-name", hint: None,
                    value: &values.claimant_name, kind: Kind::Text, required: false, max: 100,
                    autocomplete: Some("name"),
                }))
                (district_select(lang, problems, &values.district))
            }
            fieldset {
                legend { h2 { (t(lang, "cp-part-order")) } }
                (input(lang, problems, Input {
                    name: "merchant", label: "cp-merchant", hint: Some("cp-merchant-hint"),
                    value: &values.merchant, kind: Kind::Text, required: true, max: 200,
                    autocomplete: Some("off"),
                }))
                (input(lang, problems, Input {
                    name: "order_id", label: "cp-order-id", hint: Some("cp-order-id-hint"),
                    value: &values.order_id, kind: Kind::Text, required: true, max: 64,
                    autocomplete: Some("off"),
                }))
                (input(lang, problems, Input {
                    name: "order_date", label: "cp-order-date", hint: Some("cp-order-date-hint"),
                    value: &values.order_date, kind: Kind::Date, required: true, max: 20,
                    autocomplete: Some("off"),
                }))
                (input(lang, problems, Input {
                    name: "product", label: "cp-product", hint: None,
                    value: &values.product, kind: Kind::Text, required: true, max: 200,
                    autocomplete: Some("off"),
                }))
                (choice_select(lang, problems, "delivery", "cp-delivery", None, &DELIVERIES,
                    if values.delivery.is_empty() { "not_delivered" } else { &values.delivery }))
            }
            fieldset {
                legend { h2 { (t(lang, "cp-part-payment")) } }
                (input(lang, problems, Input {
                    name: "amount_paid", label: "cp-amount-paid", hint: Some("cp-amount-hint"),
                    value: &values.amount_paid, kind: Kind::Amount, required: true, max: 30,
                    autocomplete: Some("off"),
                }))
                (choice_select(lang, problems, "payment_method", "cp-method", Some("cp-method-choose"),
                    &METHODS, &values.payment_method))
                (input(lang, problems, Input {
                    name: "gateway", label: "cp-gateway", hint: Some("cp-gateway-hint"),
                    value: &values.gateway, kind: Kind::Text, required: false, max: 60,
                    autocomplete: Some("off"),
                }))
                (input(lang, problems, Input {
                    name: "amount_refunded", label: "cp-refunded", hint: Some("cp-refunded-hint"),
                    value: &values.amount_refunded, kind: Kind::Amount, required: false, max: 30,
                    autocomplete: Some("off"),
                }))
                p {
                    label for="attachment" { (t(lang, "cp-evidence")) }
                    br;
                    @if !values.attached_sha.is_empty() {
                        input type="hidden" name="attached_sha" value=(values.attached_sha);
                        input type="hidden" name="attached_name" value=(values.attached_name);
                        small.notice { (t(lang, "cp-evidence-kept")) " " strong { (values.attached_name) } }
                        br;
                    }
                    input id="attachment" name="attachment" type="file"
                        accept=(EVIDENCE_TYPES.join(","))
                        aria-invalid=[evidence_error.map(|_| "true")]
                        aria-describedby=[described_by("attachment", true, evidence_error.is_some())];
                    br;
                    small id="attachment-hint" { (t_args(lang, "cp-evidence-hint", &[("size", lang.int(size_mb).into())])) }
                    @if let Some(e) = evidence_error {
                        br;
                        small.field-error id="attachment-error" { strong { (e) } }
                    }
                }
            }
            p { button type="submit" { (t(lang, "cp-submit")) } }
        }
    }
}

/// Whether a body-reading error was the size limit.
fn over_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.to_string().contains("length limit exceeded") {
            return true;
        }
        source = s.source();
    }
    false
}

/// Read the posted form, under the configured attachment limit: URL-encoded (no file) or
/// multipart (with one evidence file, optional). A refusal is the text key to show.
async fn read_form(
    state: &AppState,
    req: Request,
) -> Result<(ClaimForm, Option<Upload>), &'static str> {
    let limit = state.app.settings.max_attachment_bytes + FORM_ROOM;
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(e) if over_limit(&e) => return Err("file-attachment-too-large"),
        Err(_) => return Err("file-unreadable"),
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    read_form_with(state, req, ClaimForm::set).await
}

/// Store the evidence (a photo or a PDF, its type sniffed), or say why it is refused.
async fn store_evidence(
    state: &AppState,
    lang: Lang,
    up: Upload,
) -> Result<(String, String), String> {
    let declared = up
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !up.bytes.is_empty() && !EVIDENCE_TYPES.contains(&declared.as_str()) {
        return Err(t(lang, "cp-evidence-type"));
    }
    store_upload(state, lang, up).await
}

/// The page of the form (or of it again), with its anti-forgery cookie and status.
fn form_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    values: &ClaimForm,
    problems: &[Problem],
    status: StatusCode,
) -> Response {
    let body = form(state, lang, token, values, problems);
    let res = page(lang, "/claims/new", &t(lang, "cp-title"), body);
    with_form_cookie(with_status(res, status), state, token)
}

/// The form again with problems, and their status.
fn again(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    values: &ClaimForm,
    problems: &[Problem],
    status: StatusCode,
) -> Response {
    let token = form_token(state, headers);
    form_page(state, lang, &token, values, problems, status)
}

/// `GET /claims/new`: the empty form.
pub async fn new(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let token = form_token(&state, &headers);
    form_page(
        &state,
        lang,
        &token,
        &ClaimForm::default(),
        &[],
        StatusCode::OK,
    )
}

/// What a refused filing says, in the page's language, and the form's status.
fn refusal(lang: Lang, e: ClaimError) -> (StatusCode, Vec<Problem>) {
    match e {
        ClaimError::Invalid(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors
                .into_iter()
                .map(|e| Problem {
                    field: label_key(e.field).map(|_| e.field),
                    text: lang.pick(&e.message.bn, &e.message.en).to_string(),
                })
                .collect(),
        ),
        ClaimError::App(a) => {
            let (status, texts) = error_texts(lang, a);
            (status, texts.into_iter().map(Problem::general).collect())
        }
        other => {
            let text = other.explain();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![Problem::general(lang.pick(&text.bn, &text.en).to_string())],
            )
        }
    }
}

/// The confirmation's address: the number, and whether the filing joined a claim already
/// there.
fn filed_path(number: &str, added_to: bool) -> String {
    if added_to {
        format!("{FILED_PATH}?number={number}&added=1")
    } else {
        format!("{FILED_PATH}?number={number}")
    }
}

/// The answer remembered under a form's key, as its idempotency record would carry it.
fn answer(path: &str) -> StoredResponse {
    StoredResponse {
        request_hash: String::new(),
        status: 303,
        body: path.to_string(),
        headers: vec![],
    }
}

/// The confirmation an earlier submission of this form reached, if it did.
async fn earlier(state: &AppState, key: &str) -> Option<String> {
    replayed(state, SCOPE, key)
        .await
        .filter(|path| path.starts_with(FILED_PATH))
}

/// Take the form's key for this submission: whether it is this one's to file under (a
/// store that cannot say lets it file, as without the key).
async fn take_key(state: &AppState, key: &str) -> bool {
    let mine = state.app.random.token(16);
    let record = IdempotencyRecord {
        scope: TAKEN_SCOPE.into(),
        key: key.into(),
        response: answer(&mine),
        at: state.app.now(),
    };
    if let Err(e) = state.app.store.save_idempotent_response(record).await {
        tracing::warn!(error = %e, "could not take the claim form's key");
        return true;
    }
    match state.app.store.idempotent_response(TAKEN_SCOPE, key).await {
        Ok(Some(taken)) => taken.body == mine,
        _ => true,
    }
}

/// The first submission's answer, waited for a while.
async fn wait_for_first(state: &AppState, key: &str) -> Option<String> {
    let until = std::time::Instant::now() + WAIT_FOR_FIRST;
    loop {
        if let Some(path) = earlier(state, key).await {
            return Some(path);
        }
        if std::time::Instant::now() >= until {
            return None;
        }
        tokio::time::sleep(WAIT_STEP).await;
    }
}

/// The date in Dhaka, which a claim's order date may not be after.
fn today(state: &AppState) -> jiff::civil::Date {
    let tz = seba_core::clock::dhaka();
    state.app.now().to_zoned(tz).date()
}

/// `POST /claims/new`: file the claim, attach the evidence, then the confirmation (POST,
/// redirect, GET).
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let lang = lang_of(&headers);
    if let Err(e) = state.check_public_rate(ip) {
        return e.into_response();
    }
    let (mut values, upload) = match read_form(&state, req).await {
        Ok(read) => read,
        Err(key) => {
            let status = if key == "file-attachment-too-large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            };
            let problem = Problem {
                field: (status == StatusCode::PAYLOAD_TOO_LARGE).then_some("attachment"),
                text: t(lang, key),
            };
            return again(
                &state,
                &headers,
                lang,
                &ClaimForm::default(),
                &[problem],
                status,
            );
        }
    };
    if !genuine_form(&headers, &values.csrf) {
        let token = state.app.random.token(24);
        let expired = [Problem::general(t(lang, "file-expired"))];
        return form_page(
            &state,
            lang,
            &token,
            &values,
            &expired,
            StatusCode::FORBIDDEN,
        );
    }
    let key = values.key.trim().to_string();
    let key = (!key.is_empty() && key.len() <= 64).then_some(key);
    // The same form submitted again: where the first submission landed, nothing filed.
    if let Some(k) = &key
        && let Some(path) = earlier(&state, k).await
    {
        return see_other(&path);
    }
    if let Some(up) = upload {
        match store_evidence(&state, lang, up).await {
            Ok((sha, name)) => {
                values.attached_sha = sha;
                values.attached_name = name;
            }
            Err(text) => {
                let problem = Problem {
                    field: Some("attachment"),
                    text,
                };
                return again(
                    &state,
                    &headers,
                    lang,
                    &values,
                    &[problem],
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
            }
        }
    }
    let input = values.input();
    // A claim that does not check is refused before it takes the key.
    if let Err(errors) = input.check(today(&state)) {
        let (status, problems) = refusal(lang, ClaimError::Invalid(errors));
        return again(&state, &headers, lang, &values, &problems, status);
    }
    // Another submission of this form is filing it: its answer, not a second filing.
    if let Some(k) = &key
        && !take_key(&state, k).await
        && let Some(path) = wait_for_first(&state, k).await
    {
        return see_other(&path);
    }
    let filed = match state
        .app
        .file_claim(&input, Channel::Web, Caller::customer(), None)
        .await
    {
        Ok(f) => f,
        Err(e) => {
            let (status, problems) = refusal(lang, e);
            return again(&state, &headers, lang, &values, &problems, status);
        }
    };
    let path = filed_path(&filed.case.number().to_string(), filed.added_to);
    let sha = values.attached_sha.trim();
    let mut remembered = false;
    if !sha.is_empty() {
        // The evidence on the claim's case, from the claimant, with the form's answer in
        // the same commit.
        let name = Some(values.attached_name.clone()).filter(|n| !n.trim().is_empty());
        let shown = name.clone().unwrap_or_else(|| "—".into());
        let text = format!("দাবির প্রমাণ: {shown}\nEvidence for the claim: {shown}");
        let idem = key.as_ref().map(|k| {
            let path = path.clone();
            Idem {
                scope: SCOPE.into(),
                key: k.clone(),
                request_hash: String::new(),
                render: Arc::new(move |_, _| answer(&path)),
            }
        });
        let evidence = vec![AttachmentInput {
            sha256: sha.to_string(),
            filename: name,
        }];
        match state
            .app
            .customer_reply(filed.case.id, &text, evidence, idem)
            .await
        {
            Ok(_) => remembered = true,
            // Another submission of this form got there first: its answer is the one.
            Err(AppError::IdempotencyRace) => {
                if let Some(k) = &key
                    && let Some(first) = earlier(&state, k).await
                {
                    return see_other(&first);
                }
            }
            // The claim is filed; the evidence could not be added (a case closed long
            // ago, say). The claimant still gets the number.
            Err(e) => {
                tracing::warn!(case = %filed.case.number(), error = %e, "claim evidence not attached");
            }
        }
    }
    if !remembered && let Some(k) = &key {
        let record = IdempotencyRecord {
            scope: SCOPE.into(),
            key: k.clone(),
            response: answer(&path),
            at: state.app.now(),
        };
        if let Err(e) = state.app.store.save_idempotent_response(record).await {
            tracing::warn!(error = %e, "could not remember the claim form's answer");
        }
    }
    // The answer the key keeps (the first, should two have got this far).
    let path = match &key {
        Some(k) => earlier(&state, k).await.unwrap_or(path),
        None => path,
    };
    see_other(&path)
}

#[derive(Debug, Deserialize)]
pub struct FiledQuery {
    number: Option<String>,
    added: Option<String>,
}

/// `GET /claims/filed?number=…`: the confirmation. It shows only what the visitor already
/// has in the address.
pub async fn filed(headers: HeaderMap, Query(q): Query<FiledQuery>) -> Response {
    let lang = lang_of(&headers);
    let Some(number) = q.number.and_then(|n| CaseNumber::parse(&n).ok()) else {
        return crate::error::ApiError::not_found().into_response();
    };
    let added = q.added.as_deref() == Some("1");
    let shown = lang.digits(&number.to_string());
    // The language switch comes back here (`&` escaped, so it stays in `next`).
    let here = if added {
        format!("{FILED_PATH}?number={number}%26added=1")
    } else {
        format!("{FILED_PATH}?number={number}")
    };
    let body = html! {
        h1 { (t(lang, "cp-filed-title")) }
        section.card {
            p { (t(lang, "cp-filed-number")) }
            p.case-number { strong { (shown) } }
            @if added { p.notice role="status" { (t(lang, "cp-filed-added")) } }
            p { (t(lang, "cp-filed-sms")) }
        }
        p { (t(lang, "cp-filed-track-hint")) }
        p.actions {
            a.button href="/track" { (t(lang, "cp-filed-track")) }
            " "
            a.button.secondary href="/claims/new" { (t(lang, "cp-filed-another")) }
        }
    };
    page(lang, &here, &t(lang, "cp-filed-title"), body)
}

// ---------------------------------------------------------------------------------------
// The claim on the tracking page

/// Taka for the page: `৳১,২৫,০০০` (Bengali digits, lakh grouping) or `Tk 125,000`.
pub fn taka(lang: Lang, poisha: i64) -> String {
    let whole = lang.int(poisha / 100);
    let amount = match (poisha % 100).abs() {
        0 => whole,
        p => format!("{whole}.{}", lang.digits(&format!("{p:02}"))),
    };
    match lang {
        Lang::Bn => format!("৳{amount}"),
        Lang::En => format!("Tk {amount}"),
    }
}

fn day(lang: Lang, d: jiff::civil::Date) -> String {
    lang.digits(&d.strftime("%d/%m/%Y").to_string())
}

/// The claim section of a tracked case: its stage, the money, the refunds and the missed
/// deadlines; `None` when the case is not a claim. The caller has checked the view pass.
pub async fn claim_section(state: &AppState, lang: Lang, id: CaseId) -> Option<Markup> {
    match state
        .app
        .claim_view(id, ClaimActor::Cell(Caller::system()))
        .await
    {
        Ok(view) => Some(render_claim(lang, &view)),
        Err(ClaimError::NotFound) => None,
        Err(e) => {
            tracing::warn!(case = %CaseNumber::from_id(id), error = %e, "a tracked claim could not be read");
            None
        }
    }
}

fn render_claim(lang: Lang, v: &ClaimView) -> Markup {
    let c = &v.claim;
    let stage = Stage::parse(&c.stage).map(Stage::label);
    let shop = v.merchant.as_ref().map(|m| {
        let (first, second) = match lang {
            Lang::Bn => (&m.trade_bn, &m.trade_en),
            Lang::En => (&m.trade_en, &m.trade_bn),
        };
        let name = [first, second, &m.legal_bn, &m.legal_en]
            .into_iter()
            .find(|n| !n.trim().is_empty());
        name.cloned().unwrap_or_default()
    });
    let outstanding = (c.paid_poisha - c.refunded_poisha).max(0);
    html! {
        section.card.claim {
            h2 { (t(lang, "cp-track-title")) }
            @if let Some(shop) = shop.filter(|s| !s.is_empty()) {
                p { strong { (t(lang, "cp-track-shop")) ": " } (shop) }
            }
            p {
                strong { (t(lang, "cp-track-order")) ": " }
                (c.order_id) " · " (day(lang, c.order_date)) " · " (c.product)
            }
            p {
                strong { (t(lang, "cp-track-stage")) ": " }
                @match &stage {
                    Some(label) => (lang.pick(&label.bn, &label.en)),
                    None => (c.stage),
                }
            }
            div.table-wrap {
                table.report {
                    tbody {
                        tr { th scope="row" { (t(lang, "cp-track-paid")) } td.num { (taka(lang, c.paid_poisha)) } }
                        tr { th scope="row" { (t(lang, "cp-track-refunded")) } td.num { (taka(lang, c.refunded_poisha)) } }
                        tr { th scope="row" { (t(lang, "cp-track-outstanding")) } td.num { strong { (taka(lang, outstanding)) } } }
                    }
                }
            }
            h3 { (t(lang, "cp-track-refunds")) }
            @if v.refunds.is_empty() {
                p { (t(lang, "cp-track-no-refunds")) }
            } @else {
                div.table-wrap {
                    table.report {
                        thead {
                            tr {
                                th scope="col" { (t(lang, "cp-track-col-date")) }
                                th scope="col" { (t(lang, "cp-track-col-amount")) }
                                th scope="col" { (t(lang, "cp-track-col-channel")) }
                                th scope="col" { (t(lang, "cp-track-col-reference")) }
                            }
                        }
                        tbody {
                            @for r in &v.refunds {
                                tr {
                                    td { (day(lang, r.paid_on)) }
                                    td.num { (taka(lang, r.amount_poisha)) }
                                    td { (r.channel) }
                                    td { (r.reference) }
                                }
                            }
                        }
                    }
                }
            }
            @if !v.missed.is_empty() {
                h3 { (t(lang, "cp-track-missed")) }
                ul {
                    @for m in &v.missed {
                        @let d = m.describe();
                        li { (lang.pick(&d.bn, &d.en)) }
                    }
                }
                p { small { (t(lang, "cp-track-missed-note")) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taka_in_both_languages() {
        assert_eq!(taka(Lang::Bn, 12_500_000), "৳১,২৫,০০০");
        assert_eq!(taka(Lang::En, 12_500_000), "Tk 125,000");
        assert_eq!(taka(Lang::Bn, 1_250_050), "৳১২,৫০০.৫০");
        assert_eq!(taka(Lang::En, 0), "Tk 0");
    }

    #[test]
    fn every_choice_and_field_has_words() {
        for lang in [Lang::Bn, Lang::En] {
            for m in METHODS {
                assert!(!t(lang, &format!("cp-method-{m}")).contains('⟦'), "{m}");
                assert!(
                    seba_claims::claim::PaymentMethod::parse(m).is_some(),
                    "{m} is a method the claim check reads"
                );
            }
            for d in DELIVERIES {
                assert!(!t(lang, &format!("cp-delivery-{d}")).contains('⟦'), "{d}");
                assert!(seba_claims::claim::Delivery::parse(d).is_some(), "{d}");
            }
        }
        for f in [
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
        ] {
            assert!(label_key(f).is_some(), "{f}");
        }
    }

    #[test]
    fn the_confirmation_address() {
        assert_eq!(
            filed_path("1000-013", false),
            "/claims/filed?number=1000-013"
        );
        assert_eq!(
            filed_path("1000-013", true),
            "/claims/filed?number=1000-013&added=1"
        );
    }
}
