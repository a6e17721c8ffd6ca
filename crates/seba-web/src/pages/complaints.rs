//! Filing a complaint from the portal: a plain HTML form (no JavaScript needed) that goes
//! through the same application command as the API, protected against cross-site posting
//! by a double-submit token, and idempotent: submitting twice (a double tap, a reload of
//! the POST) files one case.
//!
//! The form may carry one file (a screenshot, a receipt, a PDF). It is stored under its
//! SHA-256 before the case is filed; if the case is then refused (a wrong phone number,
//! say), the form comes back remembering the file, so the customer fixes the number without
//! choosing the file again.

use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, RequestExt};
use maud::{Markup, html};
use serde::Deserialize;

use seba_app::AppError;
use seba_app::cases::{AttachmentInput, Caller, NewCaseInput};
use seba_core::case::Channel;

use super::{
    Lang, error_texts, errors_box, form_idem, form_token, genuine_form, lang_of, page, replayed,
    see_other, t, t_args, with_form_cookie, with_status,
};
use crate::extract::ClientIp;
use crate::state::AppState;

const SCOPE: &str = "portal.complaints";

/// What the form posts.
#[derive(Debug, Default, Deserialize)]
pub struct ComplaintForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    msisdn: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
    /// A file stored by an earlier, refused attempt: its SHA-256 and name.
    #[serde(default)]
    attached_sha: String,
    #[serde(default)]
    attached_name: String,
}

/// A file the form carried.
pub(super) struct Upload {
    pub(super) filename: String,
    pub(super) content_type: String,
    pub(super) bytes: Vec<u8>,
}

/// The form, with the values and errors of a refused attempt.
async fn form(
    state: &AppState,
    lang: Lang,
    token: &str,
    values: &ComplaintForm,
    errors: &[String],
) -> Markup {
    let mut categories: Vec<(String, String)> = match state.app.snapshot().await {
        Ok(snap) => snap
            .categories
            .values()
            .filter(|c| c.parent.is_some())
            .map(|c| {
                let name = match lang {
                    Lang::Bn => c.name_bn.clone(),
                    Lang::En => c.name_en.clone(),
                };
                (c.code.clone(), name)
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    categories.sort();
    let key = if values.key.is_empty() {
        state.app.random.token(16)
    } else {
        values.key.clone()
    };
    html! {
        h1 { (t(lang, "file-title")) }
        p { (t(lang, "file-intro")) }
        (errors_box(Some(t(lang, "file-errors")), errors))
        form method="post" action="/complaints" accept-charset="utf-8" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="key" value=(key);
            p {
                label for="category" { (t(lang, "file-category")) }
                br;
                select id="category" name="category" required {
                    option value="" { (t(lang, "file-category-choose")) }
                    @for (code, name) in &categories {
                        option value=(code) selected[*code == values.category] { (name) }
                    }
                }
            }
            p {
                label for="description" { (t(lang, "file-description")) }
                br;
                textarea id="description" name="description" rows="6" required maxlength="5000" {
                    (values.description)
                }
            }
            p {
                label for="msisdn" { (t(lang, "file-msisdn")) }
                br;
                input id="msisdn" name="msisdn" type="tel" inputmode="tel" autocomplete="tel"
                    required value=(values.msisdn) aria-describedby="msisdn-hint";
                br;
                small id="msisdn-hint" { (t(lang, "file-msisdn-hint")) }
            }
            p {
                label for="name" { (t(lang, "file-name")) }
                br;
                input id="name" name="name" type="text" autocomplete="name" maxlength="200"
                    value=(values.name);
            }
            p {
                label for="attachment" { (t(lang, "file-attachment")) }
                br;
                @if !values.attached_sha.is_empty() {
                    input type="hidden" name="attached_sha" value=(values.attached_sha);
                    input type="hidden" name="attached_name" value=(values.attached_name);
                    small.notice { (t(lang, "file-attachment-kept")) " " strong { (values.attached_name) } }
                    br;
                }
                input id="attachment" name="attachment" type="file"
                    accept=(state.app.settings.attachment_types.join(","))
                    aria-describedby="attachment-hint";
                br;
                small id="attachment-hint" { (t_args(lang, "file-attachment-hint", &[(
                    "size", lang.int((state.app.settings.max_attachment_bytes / (1024 * 1024)) as i64).into()
                )])) }
            }
            p { button type="submit" { (t(lang, "file-submit")) } }
        }
    }
}

impl ComplaintForm {
    fn set(&mut self, name: &str, value: String) {
        match name {
            "category" => self.category = value,
            "description" => self.description = value,
            "msisdn" => self.msisdn = value,
            "name" => self.name = value,
            "csrf" => self.csrf = value,
            "key" => self.key = value,
            "attached_sha" => self.attached_sha = value,
            "attached_name" => self.attached_name = value,
            _ => {}
        }
    }
}

/// Read a portal form posted URL-encoded (no file) or as multipart with one optional file
/// in the part `attachment`; every other part goes to `set`. A refusal is the text key to
/// show. The complaint and claim forms both read through here.
pub(super) async fn read_form<F>(
    state: &AppState,
    req: Request,
    set: fn(&mut F, &str, String),
) -> Result<(F, Option<Upload>), &'static str>
where
    F: Default + serde::de::DeserializeOwned + Send + 'static,
{
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if !multipart {
        return Form::<F>::from_request(req, state)
            .await
            .map(|Form(f)| (f, None))
            .map_err(|_| "file-unreadable");
    }
    let mut parts: Multipart = req.extract().await.map_err(|_| "file-unreadable")?;
    let mut f = F::default();
    let mut upload = None;
    loop {
        let field = match parts.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err("file-attachment-too-large");
            }
            Err(_) => return Err("file-unreadable"),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "attachment" {
            let filename = field.file_name().unwrap_or_default().to_string();
            let content_type = field.content_type().unwrap_or_default().to_string();
            let bytes = match field.bytes().await {
                Ok(b) => b.to_vec(),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err("file-attachment-too-large");
                }
                Err(_) => return Err("file-unreadable"),
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
        let value = field.text().await.map_err(|_| "file-unreadable")?;
        set(&mut f, &name, value);
    }
    Ok((f, upload))
}

/// Store the file, or say in the visitor's language why it is refused.
pub(super) async fn store_upload(
    state: &AppState,
    lang: Lang,
    up: Upload,
) -> Result<(String, String), String> {
    let settings = &state.app.settings;
    if up.bytes.is_empty() {
        return Err(t(lang, "file-attachment-empty"));
    }
    if up.bytes.len() > settings.max_attachment_bytes {
        return Err(t(lang, "file-attachment-too-large"));
    }
    let declared = up
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !settings.attachment_types.contains(&declared) {
        return Err(t(lang, "file-attachment-type"));
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
            Ok((stored.sha256, name))
        }
        Err(AppError::Attachment(_)) => Err(t(lang, "file-attachment-content")),
        Err(e) => Err(error_texts(lang, e).1.join(" ")),
    }
}

/// `GET /complaints/new`: the empty form.
pub async fn new(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let token = form_token(&state, &headers);
    let body = form(&state, lang, &token, &ComplaintForm::default(), &[]).await;
    let res = page(lang, "/complaints/new", &t(lang, "file-title"), body);
    with_form_cookie(res, &state, &token)
}

/// The form again with errors, and their status.
async fn again(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    values: &ComplaintForm,
    errors: &[String],
    status: StatusCode,
) -> Response {
    let token = form_token(state, headers);
    let body = form(state, lang, &token, values, errors).await;
    let res = page(lang, "/complaints/new", &t(lang, "file-title"), body);
    with_form_cookie(with_status(res, status), state, &token)
}

/// `POST /complaints`: file it, then show the case number (POST, redirect, GET).
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
    let (mut values, upload) = match read_form(&state, req, ComplaintForm::set).await {
        Ok(read) => read,
        Err(key) => {
            let status = if key == "file-attachment-too-large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            };
            return again(
                &state,
                &headers,
                lang,
                &ComplaintForm::default(),
                &[t(lang, key)],
                status,
            )
            .await;
        }
    };
    if !genuine_form(&headers, &values.csrf) {
        let token = state.app.random.token(24);
        let body = form(&state, lang, &token, &values, &[t(lang, "file-expired")]).await;
        let res = page(lang, "/complaints/new", &t(lang, "file-title"), body);
        return with_form_cookie(with_status(res, StatusCode::FORBIDDEN), &state, &token);
    }
    // The same form submitted again: the case it filed.
    if let Some(number) = replayed(&state, SCOPE, &values.key).await {
        return filed_redirect(&number);
    }
    if let Some(up) = upload {
        match store_upload(&state, lang, up).await {
            Ok((sha, name)) => {
                values.attached_sha = sha;
                values.attached_name = name;
            }
            Err(error) => {
                return again(
                    &state,
                    &headers,
                    lang,
                    &values,
                    &[error],
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    }
    let attachments = if values.attached_sha.trim().is_empty() {
        vec![]
    } else {
        vec![AttachmentInput {
            sha256: values.attached_sha.trim().to_string(),
            filename: Some(values.attached_name.clone()).filter(|n| !n.is_empty()),
        }]
    };
    let input = NewCaseInput {
        channel: Some(Channel::Web),
        attachments,
        category: values.category.clone(),
        body: values.description.clone(),
        requester_msisdn: Some(values.msisdn.clone()).filter(|m| !m.trim().is_empty()),
        requester_name: Some(values.name.clone()).filter(|n| !n.trim().is_empty()),
        ..NewCaseInput::default()
    };
    let idem = form_idem(SCOPE, &values.key, |case| case.number().to_string());
    let number = match state.app.create_case(input, Caller::customer(), idem).await {
        Ok((case, _)) => case.number().to_string(),
        Err(AppError::IdempotencyRace) => match replayed(&state, SCOPE, &values.key).await {
            Some(number) => number,
            None => return crate::error::ApiError::internal().into_response(),
        },
        Err(e) => {
            let (status, errors) = error_texts(lang, e);
            return again(&state, &headers, lang, &values, &errors, status).await;
        }
    };
    filed_redirect(&number)
}

fn filed_redirect(number: &str) -> Response {
    see_other(&format!("/complaints/filed?case={number}"))
}

#[derive(Debug, Deserialize)]
pub struct FiledQuery {
    case: Option<String>,
}

/// `GET /complaints/filed?case=…`: the confirmation. It shows only the number the visitor
/// already has in the address.
pub async fn filed(headers: HeaderMap, Query(q): Query<FiledQuery>) -> Response {
    let lang = lang_of(&headers);
    let Some(number) = q
        .case
        .and_then(|n| seba_core::ids::CaseNumber::parse(&n).ok())
    else {
        return crate::error::ApiError::not_found().into_response();
    };
    let shown = lang.digits(&number.to_string());
    let body = html! {
        h1 { (t(lang, "filed-title")) }
        section.card {
            p { (t(lang, "filed-number")) }
            p.case-number { strong { (shown) } }
            p { (t(lang, "filed-next")) }
        }
    };
    page(lang, "/complaints/new", &t(lang, "filed-title"), body)
}
