//! The merchant portal's pages: a merchant's staff (role `merchant`, bound to their
//! merchant) log in at the staff login and land here. They see only their own merchant's
//! claims — any other claim is a 404, as if it did not exist — with the claimant's number
//! masked, and on each claim they answer, record a refund, and send proof (a receipt, a
//! courier slip: one image or PDF, kept on the claim's case as a note with the file).
//!
//! Same shell as the desk ([`Desk`]: session cookie, the session's anti-forgery token on
//! every form), with the portal's own navigation; nothing here needs JavaScript. The
//! desk's pages refuse merchants (their role has none of the desk's permissions).

use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::html;

use seba_app::cases::AttachmentInput;
use seba_app::claims::{ClaimActor, ClaimError, masked_mobile};
use seba_claims::workflow::{self, Party, Stage};
use seba_core::ids::{CaseId, CaseNumber};

use super::claim_desk::{
    Fields, RefundForm, Refusal, Upload, claim_facts, day, deadlines_and_refunds, failed_page,
    field, merchant_name, missing, number_path, number_text, read_multipart, refund_form,
    refundable, refusal, stage_label, stage_select, taka,
};
use super::staff::{Desk, desk_page, forbidden};
use super::{Lang, errors_box, see_other, t, t_args, with_status};
use crate::state::AppState;

/// Claims a page shows.
const PAGE: u32 = 50;
/// An answer's length, in characters (as the API takes it).
const ANSWER_MIN: usize = 5;
const ANSWER_MAX: usize = 2000;

/// The portal's pages; `upload_limit` bounds the proof upload's body.
pub fn routes(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/merchant", get(home))
        .route("/merchant/claims/{number}", get(claim_page))
        .route("/merchant/claims/{number}/answer", post(answer))
        .route("/merchant/claims/{number}/refund", post(refund))
        .route(
            "/merchant/claims/{number}/proof",
            post(proof).layer(DefaultBodyLimit::max(upload_limit + 64 * 1024)),
        )
}

type Page = Result<Response, Response>;

/// The merchant this user works for, as a claim actor; 403 for anyone else.
async fn actor(state: &AppState, desk: &Desk) -> Result<(ClaimActor, i64), Response> {
    match state.app.merchant_actor(&desk.user).await {
        Ok(who @ ClaimActor::Merchant { merchant_id, .. }) => Ok((who, merchant_id)),
        Ok(ClaimActor::Cell(_)) | Err(ClaimError::Forbidden(_)) => Err(forbidden(desk)),
        Err(e) => Err(shown_failure(desk, e)),
    }
}

fn shown_failure(desk: &Desk, e: ClaimError) -> Response {
    match refusal(desk.lang, e) {
        Refusal::NotFound => missing(desk, "/merchant"),
        Refusal::Forbidden => forbidden(desk),
        Refusal::Shown(status, errors) => failed_page(desk, status, &errors),
    }
}

// ---------------------------------------------------------------------------------------
// The list

/// `GET /merchant?stage=&before=`: this merchant's claims, newest first, 50 a page.
pub async fn home(State(state): State<AppState>, desk: Desk, Query(q): Query<Fields>) -> Page {
    let (who, merchant_id) = actor(&state, &desk).await?;
    let lang = desk.lang;
    let stage = match field(&q, "stage").trim() {
        "" => None,
        s => Some(Stage::parse(s).ok_or_else(|| {
            failed_page(
                &desk,
                StatusCode::BAD_REQUEST,
                &[t(lang, "cd-unknown-stage")],
            )
        })?),
    };
    let before = match field(&q, "before").trim() {
        "" => None,
        b => Some(CaseNumber::parse(b).map(CaseNumber::id).map_err(|_| {
            failed_page(&desk, StatusCode::BAD_REQUEST, &[t(lang, "cd-bad-number")])
        })?),
    };
    let claims = state
        .app
        .merchant_claims(who, stage, before, PAGE)
        .await
        .map_err(|e| shown_failure(&desk, e))?;
    let merchant = state
        .app
        .store
        .merchant(merchant_id)
        .await
        .map_err(|e| shown_failure(&desk, ClaimError::from(e)))?;
    let name = merchant
        .as_ref()
        .map(|m| merchant_name(lang, m))
        .unwrap_or_default();
    let next = (claims.len() == PAGE as usize)
        .then(|| claims.last())
        .flatten()
        .map(|c| {
            let mut s = form_urlencoded::Serializer::new(String::new());
            if let Some(st) = stage {
                s.append_pair("stage", st.as_str());
            }
            s.append_pair("before", &number_path(c.case_id));
            format!("/merchant?{}", s.finish())
        });
    let title = t(lang, "mp-title");
    let body = html! {
        h1 { (title) }
        p.lead { strong { (name) } }
        p { (t(lang, "mp-intro")) }
        form.inline-form method="get" action="/merchant" {
            label for="stage" { (t(lang, "cd-col-stage")) } " "
            (stage_select(lang, stage))
            " " button type="submit" { (t(lang, "cd-filter")) }
        }
        @if claims.is_empty() {
            p.muted { (t(lang, "cd-empty")) }
        } @else {
            div.table-wrap { table.list {
                thead { tr {
                    th { (t(lang, "cd-col-number")) }
                    th { (t(lang, "cd-col-order")) }
                    th { (t(lang, "cd-col-order-date")) }
                    th { (t(lang, "cd-col-product")) }
                    th { (t(lang, "cd-col-paid")) }
                    th { (t(lang, "cd-col-refunded")) }
                    th { (t(lang, "cd-col-stage")) }
                    th { (t(lang, "cd-col-claimant")) }
                } }
                tbody {
                    @for c in &claims {
                        tr data-row {
                            td { a href=(format!("/merchant/claims/{}", number_path(c.case_id))) {
                                (number_text(lang, c.case_id)) } }
                            td { (c.order_id) }
                            td { (day(lang, c.order_date)) }
                            td { (c.product) }
                            td { (taka(lang, c.paid_poisha)) }
                            td { (taka(lang, c.refunded_poisha)) }
                            td { (stage_label(lang, &c.stage)) }
                            td { (lang.digits(&masked_mobile(&c.claimant_msisdn))) }
                        }
                    }
                }
            } }
            @if let Some(href) = next {
                p { a href=(href) rel="next" { (t(lang, "cd-older")) " →" } }
            }
        }
    };
    Ok(desk_page(&desk, "/merchant", &title, body))
}

// ---------------------------------------------------------------------------------------
// A claim

#[derive(Debug, Default)]
struct Shown {
    done: Option<String>,
    errors: Vec<String>,
    answer: String,
    note: String,
    refund: RefundForm,
}

fn parse_number(number: &str) -> Option<CaseId> {
    CaseNumber::parse(number).ok().map(CaseNumber::id)
}

fn claim_path(id: CaseId) -> String {
    format!("/merchant/claims/{}", number_path(id))
}

/// `GET /merchant/claims/{number}`: one of this merchant's claims (404 for any other).
pub async fn claim_page(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Query(q): Query<Fields>,
) -> Page {
    let (who, _) = actor(&state, &desk).await?;
    let id = parse_number(&number).ok_or_else(|| missing(&desk, "/merchant"))?;
    let done = match field(&q, "done") {
        "answered" => Some(t(desk.lang, "mp-done-answered")),
        "refund" => Some(t(desk.lang, "cd-done-refund")),
        "proof" => Some(t(desk.lang, "mp-done-proof")),
        _ => None,
    };
    show_claim(
        &state,
        &desk,
        who,
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
    who: ClaimActor,
    id: CaseId,
    shown: Shown,
    status: StatusCode,
) -> Page {
    let lang = desk.lang;
    let view = state
        .app
        .claim_view(id, who)
        .await
        .map_err(|e| shown_failure(desk, e))?;
    let path = claim_path(id);
    let title = t_args(
        lang,
        "cd-claim-title",
        &[("number", number_text(lang, id).into())],
    );
    let may_answer = Stage::parse(&view.claim.stage).is_some_and(|from| {
        workflow::check_move(from, Stage::MerchantResponded, Party::Merchant).is_ok()
    });
    let accept = proof_types(state).join(",");
    let body = html! {
        p { a href="/merchant" { "← " (t(lang, "mp-title")) } }
        h1 { (title) }
        @if let Some(done) = &shown.done { p.notice role="status" { (done) } }
        (errors_box(Some(t(lang, "cd-refused")), &shown.errors))
        (claim_facts(state, lang, &view, false))
        (deadlines_and_refunds(state, lang, &view))
        @if may_answer {
            section.card {
                h2 { (t(lang, "mp-answer-title")) }
                form method="post" action=(format!("{path}/answer")) accept-charset="utf-8" {
                    (desk.csrf_field())
                    p {
                        label for="answer" { (t(lang, "mp-answer")) }
                        br;
                        textarea id="answer" name="answer" rows="4" required
                            minlength=(ANSWER_MIN) maxlength=(ANSWER_MAX) { (shown.answer) }
                    }
                    p { button type="submit" id="send-answer" { (t(lang, "mp-send-answer")) } }
                }
            }
        }
        @if refundable(&view.claim.stage) {
            section.card {
                h2 { (t(lang, "cd-refund-title")) }
                (refund_form(desk, &format!("{path}/refund"), &shown.refund))
            }
        }
        section.card {
            h2 { (t(lang, "mp-proof-title")) }
            p { (t(lang, "mp-proof-intro")) }
            form method="post" action=(format!("{path}/proof")) enctype="multipart/form-data" accept-charset="utf-8" {
                (desk.csrf_field())
                p {
                    label for="file" { (t(lang, "mp-proof-file")) }
                    br;
                    input id="file" name="file" type="file" required accept=(accept);
                    br;
                    small { (t_args(lang, "mp-proof-hint", &[(
                        "size", lang.int((state.app.settings.max_attachment_bytes / (1024 * 1024)) as i64).into()
                    )])) }
                }
                p {
                    label for="note" { (t(lang, "mp-proof-note")) }
                    br;
                    textarea id="note" name="note" rows="2" maxlength="2000" { (shown.note) }
                }
                p { button type="submit" id="send-proof" { (t(lang, "mp-send-proof")) } }
            }
        }
    };
    Ok(with_status(desk_page(desk, &path, &title, body), status))
}

/// A refused step: the claim again with why (or the 404/403 page).
async fn refused(
    state: &AppState,
    desk: &Desk,
    who: ClaimActor,
    id: CaseId,
    e: ClaimError,
    shown: Shown,
) -> Page {
    match refusal(desk.lang, e) {
        Refusal::NotFound => Err(missing(desk, "/merchant")),
        Refusal::Forbidden => Err(forbidden(desk)),
        Refusal::Shown(status, errors) if status.is_server_error() => {
            Err(failed_page(desk, status, &errors))
        }
        Refusal::Shown(status, errors) => {
            show_claim(state, desk, who, id, Shown { errors, ..shown }, status).await
        }
    }
}

/// The claim `number` if this merchant's, else the 404 page.
async fn own(
    state: &AppState,
    desk: &Desk,
    who: ClaimActor,
    number: &str,
) -> Result<CaseId, Response> {
    let id = parse_number(number).ok_or_else(|| missing(desk, "/merchant"))?;
    state
        .app
        .claim_view(id, who)
        .await
        .map_err(|e| shown_failure(desk, e))?;
    Ok(id)
}

/// `POST /merchant/claims/{number}/answer`: the merchant's answer (the claim moves to
/// "merchant responded", the answer kept on its case).
pub async fn answer(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Form(fields): Form<Fields>,
) -> Page {
    let (who, _) = actor(&state, &desk).await?;
    desk.check(field(&fields, "csrf"))?;
    let id = own(&state, &desk, who, &number).await?;
    let text = seba_core::text::clean(field(&fields, "answer"));
    let text = text.trim();
    let n = text.chars().count();
    if !(ANSWER_MIN..=ANSWER_MAX).contains(&n) {
        let s = Shown {
            errors: vec![t(desk.lang, "mp-answer-length")],
            answer: text.to_string(),
            ..Shown::default()
        };
        return show_claim(&state, &desk, who, id, s, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match state
        .app
        .move_claim(id, Stage::MerchantResponded, who, Some(text))
        .await
    {
        Ok(_) => Ok(see_other(&format!("{}?done=answered", claim_path(id)))),
        Err(e) => {
            let s = Shown {
                answer: text.to_string(),
                ..Shown::default()
            };
            refused(&state, &desk, who, id, e, s).await
        }
    }
}

/// `POST /merchant/claims/{number}/refund`: a refund the merchant paid.
pub async fn refund(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Form(fields): Form<Fields>,
) -> Page {
    let (who, _) = actor(&state, &desk).await?;
    desk.check(field(&fields, "csrf"))?;
    let id = own(&state, &desk, who, &number).await?;
    let form = RefundForm::of(&fields);
    let (amount, paid_on) = match form.parse(desk.lang) {
        Ok(p) => p,
        Err(errors) => {
            let s = Shown {
                errors,
                refund: form,
                ..Shown::default()
            };
            return show_claim(&state, &desk, who, id, s, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state
        .app
        .record_refund(id, amount, paid_on, &form.channel, &form.reference, who)
        .await
    {
        Ok(_) => Ok(see_other(&format!("{}?done=refund", claim_path(id)))),
        Err(e) => {
            let s = Shown {
                refund: form,
                ..Shown::default()
            };
            refused(&state, &desk, who, id, e, s).await
        }
    }
}

/// The file types proof may be: the images and PDF the server accepts.
fn proof_types(state: &AppState) -> Vec<String> {
    state
        .app
        .settings
        .attachment_types
        .iter()
        .filter(|t| t.starts_with("image/") || *t == "application/pdf")
        .cloned()
        .collect()
}

/// Store the proof, or say in the page's language why not.
async fn store_proof(state: &AppState, lang: Lang, up: Upload) -> Result<AttachmentInput, String> {
    if up.bytes.is_empty() {
        return Err(t(lang, "cd-file-missing"));
    }
    if up.bytes.len() > state.app.settings.max_attachment_bytes {
        return Err(t(lang, "cd-file-too-large"));
    }
    let declared = up
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !proof_types(state).contains(&declared) {
        return Err(t(lang, "mp-proof-type"));
    }
    match state.app.upload(&declared, up.bytes).await {
        Ok(stored) => {
            let name: String = up
                .filename
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_control())
                .take(120)
                .collect();
            Ok(AttachmentInput {
                sha256: stored.sha256,
                filename: Some(name).filter(|n| !n.is_empty()),
            })
        }
        Err(seba_app::AppError::Attachment(_)) => Err(t(lang, "mp-proof-content")),
        Err(e) => Err(super::error_texts(lang, e).1.join(" ")),
    }
}

/// `POST /merchant/claims/{number}/proof` (multipart): one image or PDF, with a note, on
/// the claim's case.
pub async fn proof(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    parts: Multipart,
) -> Page {
    let (who, _) = actor(&state, &desk).await?;
    let lang = desk.lang;
    let read = read_multipart(parts, "file").await;
    let (fields, upload) = match read {
        Ok(r) => r,
        Err(key) => {
            let id = own(&state, &desk, who, &number).await?;
            let status = if key == "cd-file-too-large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            };
            let s = Shown {
                errors: vec![t(lang, key)],
                ..Shown::default()
            };
            return show_claim(&state, &desk, who, id, s, status).await;
        }
    };
    desk.check(field(&fields, "csrf"))?;
    // Only the merchant's own claim takes a file.
    let id = own(&state, &desk, who, &number).await?;
    let note = field(&fields, "note").to_string();
    let again = |errors: Vec<String>| Shown {
        errors,
        note: note.clone(),
        ..Shown::default()
    };
    let Some(up) = upload else {
        let s = again(vec![t(lang, "cd-file-missing")]);
        return show_claim(&state, &desk, who, id, s, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let file = match store_proof(&state, lang, up).await {
        Ok(f) => f,
        Err(error) => {
            let s = again(vec![error]);
            return show_claim(&state, &desk, who, id, s, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.app.add_claim_proof(id, who, &note, file).await {
        Ok(_) => Ok(see_other(&format!("{}?done=proof", claim_path(id)))),
        Err(e) => refused(&state, &desk, who, id, e, again(vec![])).await,
    }
}
