//! The admins' editors for help content: FAQ articles (what customers read at `/help`)
//! and canned responses (what agents insert into replies), both in Bengali and English.
//!
//! One form serves both: a key (the article's slug or the response's code), titles and
//! bodies in each language, and for articles tags, order and whether it is published.
//! Saves name the version they were drawn from, so two admins editing the same article
//! cannot overwrite each other; every save and delete is audited by the application.

use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use seba_app::AppError;
use seba_app::knowledge::{ArticleInput, CannedInput};
use seba_core::staff::Permission;

use super::staff::{Desk, desk_page};
use super::{Lang, error_texts, errors_box, see_other, t, with_status};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/faq", get(faq_list).post(faq_save))
        .route("/admin/faq/edit", get(faq_edit))
        .route("/admin/faq/delete", post(faq_delete))
        .route("/admin/canned", get(canned_list).post(canned_save))
        .route("/admin/canned/edit", get(canned_edit))
        .route("/admin/canned/delete", post(canned_delete))
}

/// Which kind of content a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Faq,
    Canned,
}

impl Kind {
    fn base(self) -> &'static str {
        match self {
            Kind::Faq => "/admin/faq",
            Kind::Canned => "/admin/canned",
        }
    }
    fn key_name(self) -> &'static str {
        match self {
            Kind::Faq => "slug",
            Kind::Canned => "code",
        }
    }
    fn title(self, lang: Lang) -> String {
        match self {
            Kind::Faq => t(lang, "content-faq-title"),
            Kind::Canned => t(lang, "content-canned-title"),
        }
    }
}

/// The editor's fields, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ContentForm {
    #[serde(default)]
    csrf: String,
    /// Empty for a new one.
    #[serde(default)]
    version: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    title_bn: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    body_bn: String,
    #[serde(default)]
    body_en: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    position: String,
    /// A checkbox: present when ticked.
    published: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct KeyQuery {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    code: String,
    saved: Option<String>,
}

fn editor(desk: &Desk, kind: Kind, form: &ContentForm, errors: &[String]) -> Markup {
    let lang = desk.lang;
    let new = form.version.is_empty();
    html! {
        p { a href=(kind.base()) { "← " (kind.title(lang)) } }
        h1 { @if new { (t(lang, "content-new")) } @else { (t(lang, "content-edit")) " · " (form.key) } }
        (errors_box(None, errors))
        form method="post" action=(kind.base()) accept-charset="utf-8" {
            (desk.csrf_field())
            input type="hidden" name="version" value=(form.version);
            p {
                label for="key" { (t(lang, &format!("content-{}", kind.key_name()))) }
                br;
                @if new {
                    input id="key" name="key" required maxlength="60" pattern="[a-z0-9-]+" value=(form.key);
                } @else {
                    input id="key" name="key" readonly value=(form.key);
                }
                br;
                small { (t(lang, "content-key-hint")) }
            }
            p { label for="title_bn" { (t(lang, "content-title-bn")) } br;
                input id="title_bn" name="title_bn" required maxlength="200" lang="bn" value=(form.title_bn); }
            p { label for="title_en" { (t(lang, "content-title-en")) } br;
                input id="title_en" name="title_en" required maxlength="200" lang="en" value=(form.title_en); }
            p { label for="body_bn" { (t(lang, "content-body-bn")) } br;
                textarea id="body_bn" name="body_bn" rows="10" required lang="bn" { (form.body_bn) } }
            p { label for="body_en" { (t(lang, "content-body-en")) } br;
                textarea id="body_en" name="body_en" rows="10" required lang="en" { (form.body_en) } }
            @if kind == Kind::Faq {
                p { label for="tags" { (t(lang, "content-tags")) } br;
                    input id="tags" name="tags" value=(form.tags); }
                p { label for="position" { (t(lang, "content-position")) } br;
                    input id="position" name="position" inputmode="numeric" value=(form.position); }
                p { label { input type="checkbox" name="published" value="1" checked[form.published.is_some()];
                    " " (t(lang, "content-published")) } }
            } @else {
                p { small { (t(lang, "content-placeholders")) } }
            }
            p { button type="submit" { (t(lang, "desk-save")) } }
        }
        @if !new {
            form method="post" action=(format!("{}/delete", kind.base())) {
                (desk.csrf_field())
                input type="hidden" name="key" value=(form.key);
                p { button.secondary type="submit" { (t(lang, "content-delete")) } }
            }
        }
    }
}

fn editor_page(
    desk: &Desk,
    kind: Kind,
    form: &ContentForm,
    errors: &[String],
    status: StatusCode,
) -> Response {
    let body = editor(desk, kind, form, errors);
    with_status(
        desk_page(desk, kind.base(), &kind.title(desk.lang), body),
        status,
    )
}

fn refused(desk: &Desk, kind: Kind, form: &ContentForm, e: AppError) -> Response {
    let lang = desk.lang;
    let (status, errors) = match e {
        AppError::Forbidden(_) => return super::staff::forbidden(desk),
        AppError::Store(seba_store::StoreError::Conflict { .. }) | AppError::Stale { .. } => {
            (StatusCode::CONFLICT, vec![t(lang, "content-stale")])
        }
        AppError::Exists(_) => (StatusCode::CONFLICT, vec![t(lang, "content-exists")]),
        other => error_texts(lang, other),
    };
    editor_page(desk, kind, form, errors.as_slice(), status)
}

fn version_of(v: &str) -> Option<i64> {
    seba_core::text::ascii_digits(v.trim()).parse().ok()
}

// ---------------------------------------------------------------------------------------
// FAQ articles

/// `GET /admin/faq`: every article, published or not.
pub async fn faq_list(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<KeyQuery>,
) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    let lang = desk.lang;
    let articles = match state.app.articles(false).await {
        Ok(a) => a,
        Err(e) => return refused(&desk, Kind::Faq, &ContentForm::default(), e),
    };
    let body = html! {
        h1 { (Kind::Faq.title(lang)) }
        @if q.saved.is_some() { p.notice role="status" { (t(lang, "desk-done-saved")) } }
        p { a.button href="/admin/faq/edit" { (t(lang, "content-new")) } " " a href="/help" { (t(lang, "content-see-public")) } }
        table.list {
            thead { tr { th { (t(lang, "content-slug")) } th { (t(lang, "content-title-bn")) } th { (t(lang, "content-title-en")) } th { (t(lang, "content-published")) } } }
            tbody {
                @for a in &articles {
                    tr data-row {
                        td { a href=(format!("/admin/faq/edit?slug={}", a.slug)) { (a.slug) } }
                        td lang="bn" { (a.title_bn) }
                        td lang="en" { (a.title_en) }
                        td { @if a.published { "✓" } @else { "—" } }
                    }
                }
            }
        }
    };
    desk_page(&desk, "/admin/faq", &Kind::Faq.title(lang), body)
}

/// `GET /admin/faq/edit?slug=…`: an article's editor (a blank one without a slug).
pub async fn faq_edit(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<KeyQuery>,
) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    let form = if q.slug.is_empty() {
        ContentForm {
            published: Some("1".into()),
            position: "100".into(),
            ..ContentForm::default()
        }
    } else {
        match state.app.article(&q.slug).await {
            Ok(Some(a)) => ContentForm {
                csrf: String::new(),
                version: a.version.to_string(),
                key: a.slug,
                title_bn: a.title_bn,
                title_en: a.title_en,
                body_bn: a.body_bn,
                body_en: a.body_en,
                tags: a.tags.join(", "),
                position: a.position.to_string(),
                published: a.published.then(|| "1".to_string()),
            },
            Ok(None) => return not_found(&desk, Kind::Faq),
            Err(e) => return refused(&desk, Kind::Faq, &ContentForm::default(), e),
        }
    };
    editor_page(&desk, Kind::Faq, &form, &[], StatusCode::OK)
}

fn not_found(desk: &Desk, kind: Kind) -> Response {
    let lang = desk.lang;
    let body = html! {
        h1 { (t(lang, "content-missing")) }
        p { a href=(kind.base()) { (kind.title(lang)) } }
    };
    with_status(
        desk_page(desk, kind.base(), &t(lang, "content-missing"), body),
        StatusCode::NOT_FOUND,
    )
}

/// `POST /admin/faq`: save an article (new, or over the version the form was drawn from).
pub async fn faq_save(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<ContentForm>,
) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    let position = if form.position.trim().is_empty() {
        Ok(100)
    } else {
        seba_core::text::ascii_digits(form.position.trim()).parse::<i32>()
    };
    let Ok(position) = position else {
        let errors = [t(desk.lang, "content-bad-position")];
        return editor_page(
            &desk,
            Kind::Faq,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let input = ArticleInput {
        slug: form.key.clone(),
        title_bn: form.title_bn.clone(),
        title_en: form.title_en.clone(),
        body_bn: form.body_bn.replace("\r\n", "\n"),
        body_en: form.body_en.replace("\r\n", "\n"),
        tags: form
            .tags
            .split([',', '،'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        published: form.published.is_some(),
        position,
    };
    match state
        .app
        .save_article(input, desk_caller(&desk), version_of(&form.version))
        .await
    {
        Ok(_) => see_other("/admin/faq?saved=1"),
        Err(e) => refused(&desk, Kind::Faq, &form, e),
    }
}

fn desk_caller(desk: &Desk) -> seba_app::cases::Caller {
    seba_app::cases::Caller::staff(desk.user.id, desk.user.role)
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
}

/// `POST /admin/faq/delete`.
pub async fn faq_delete(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<DeleteForm>,
) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    match state
        .app
        .delete_article(&form.key, desk_caller(&desk))
        .await
    {
        Ok(()) => see_other("/admin/faq?saved=1"),
        Err(AppError::Store(seba_store::StoreError::NotFound)) => not_found(&desk, Kind::Faq),
        Err(e) => refused(&desk, Kind::Faq, &ContentForm::default(), e),
    }
}

// ---------------------------------------------------------------------------------------
// Canned responses

/// `GET /admin/canned`.
pub async fn canned_list(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<KeyQuery>,
) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    let lang = desk.lang;
    let all = match state.app.canned().await {
        Ok(c) => c,
        Err(e) => return refused(&desk, Kind::Canned, &ContentForm::default(), e),
    };
    let body = html! {
        h1 { (Kind::Canned.title(lang)) }
        @if q.saved.is_some() { p.notice role="status" { (t(lang, "desk-done-saved")) } }
        p { a.button href="/admin/canned/edit" { (t(lang, "content-new")) } }
        table.list {
            thead { tr { th { (t(lang, "content-code")) } th { (t(lang, "content-title-bn")) } th { (t(lang, "content-title-en")) } } }
            tbody {
                @for c in &all {
                    tr data-row {
                        td { a href=(format!("/admin/canned/edit?code={}", c.code)) { (c.code) } }
                        td lang="bn" { (c.title_bn) }
                        td lang="en" { (c.title_en) }
                    }
                }
            }
        }
    };
    desk_page(&desk, "/admin/canned", &Kind::Canned.title(lang), body)
}

/// `GET /admin/canned/edit?code=…`.
pub async fn canned_edit(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<KeyQuery>,
) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    let form = if q.code.is_empty() {
        ContentForm::default()
    } else {
        match state.app.canned_one(&q.code).await {
            Ok(Some(c)) => ContentForm {
                version: c.version.to_string(),
                key: c.code,
                title_bn: c.title_bn,
                title_en: c.title_en,
                body_bn: c.body_bn,
                body_en: c.body_en,
                ..ContentForm::default()
            },
            Ok(None) => return not_found(&desk, Kind::Canned),
            Err(e) => return refused(&desk, Kind::Canned, &ContentForm::default(), e),
        }
    };
    editor_page(&desk, Kind::Canned, &form, &[], StatusCode::OK)
}

/// `POST /admin/canned`.
pub async fn canned_save(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<ContentForm>,
) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    let input = CannedInput {
        code: form.key.clone(),
        title_bn: form.title_bn.clone(),
        title_en: form.title_en.clone(),
        body_bn: form.body_bn.replace("\r\n", "\n"),
        body_en: form.body_en.replace("\r\n", "\n"),
    };
    match state
        .app
        .save_canned(input, desk_caller(&desk), version_of(&form.version))
        .await
    {
        Ok(_) => see_other("/admin/canned?saved=1"),
        Err(e) => refused(&desk, Kind::Canned, &form, e),
    }
}

/// `POST /admin/canned/delete`.
pub async fn canned_delete(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<DeleteForm>,
) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    match state.app.delete_canned(&form.key, desk_caller(&desk)).await {
        Ok(()) => see_other("/admin/canned?saved=1"),
        Err(AppError::Store(seba_store::StoreError::NotFound)) => not_found(&desk, Kind::Canned),
        Err(e) => refused(&desk, Kind::Canned, &ContentForm::default(), e),
    }
}
