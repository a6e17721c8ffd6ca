//! Filing a complaint from the portal: a plain HTML form (no JavaScript needed) that goes
//! through the same application command as the API, protected against cross-site posting
//! by a double-submit token, and idempotent: submitting twice (a double tap, a reload of
//! the POST) files one case.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use seba_app::AppError;
use seba_app::cases::{Caller, NewCaseInput};
use seba_core::case::Channel;

use super::{
    Lang, error_texts, errors_box, form_idem, form_token, genuine_form, lang_of, page, replayed,
    see_other, t, with_form_cookie, with_status,
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
        form method="post" action="/complaints" accept-charset="utf-8" {
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
            p { button type="submit" { (t(lang, "file-submit")) } }
        }
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

/// `POST /complaints`: file it, then show the case number (POST, redirect, GET).
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(values): Form<ComplaintForm>,
) -> Response {
    let lang = lang_of(&headers);
    if let Err(e) = state.check_public_rate(ip) {
        return e.into_response();
    }
    if !genuine_form(&headers, &values.csrf) {
        let token = state.app.random.token(24);
        let body = form(&state, lang, &token, &values, &[t(lang, "file-expired")]).await;
        let res = page(lang, "/complaints/new", &t(lang, "file-title"), body);
        return with_form_cookie(with_status(res, StatusCode::FORBIDDEN), &state, &token);
    }
    let input = NewCaseInput {
        channel: Some(Channel::Web),
        category: values.category.clone(),
        body: values.description.clone(),
        requester_msisdn: Some(values.msisdn.clone()).filter(|m| !m.trim().is_empty()),
        requester_name: Some(values.name.clone()).filter(|n| !n.trim().is_empty()),
        ..NewCaseInput::default()
    };
    let idem = form_idem(SCOPE, &values.key, |case| case.number().to_string());
    // The same form submitted again: the case it filed.
    if let Some(number) = replayed(&state, SCOPE, &values.key).await {
        return filed_redirect(&number);
    }
    let number = match state.app.create_case(input, Caller::customer(), idem).await {
        Ok((case, _)) => case.number().to_string(),
        Err(AppError::IdempotencyRace) => match replayed(&state, SCOPE, &values.key).await {
            Some(number) => number,
            None => return crate::error::ApiError::internal().into_response(),
        },
        Err(e) => {
            let (status, errors) = error_texts(lang, e);
            let token = form_token(&state, &headers);
            let body = form(&state, lang, &token, &values, &errors).await;
            let res = page(lang, "/complaints/new", &t(lang, "file-title"), body);
            return with_status(res, status);
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
