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
// The handlers, one body per kind of content

/// A line of an editor's list.
struct Row {
    key: String,
    title_bn: String,
    title_en: String,
    /// Articles only.
    published: Option<bool>,
}

fn desk_caller(desk: &Desk) -> seba_app::cases::Caller {
    seba_app::cases::Caller::staff(desk.user.id, desk.user.role)
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

/// Every article (published or not) or every canned response, with links to edit.
async fn list(state: &AppState, desk: &Desk, kind: Kind, q: &KeyQuery) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    let lang = desk.lang;
    let rows: Result<Vec<Row>, AppError> = match kind {
        Kind::Faq => state.app.articles(false).await.map(|all| {
            all.into_iter()
                .map(|a| Row {
                    key: a.slug,
                    title_bn: a.title_bn,
                    title_en: a.title_en,
                    published: Some(a.published),
                })
                .collect()
        }),
        Kind::Canned => state.app.canned().await.map(|all| {
            all.into_iter()
                .map(|c| Row {
                    key: c.code,
                    title_bn: c.title_bn,
                    title_en: c.title_en,
                    published: None,
                })
                .collect()
        }),
    };
    let rows = match rows {
        Ok(r) => r,
        Err(e) => return refused(desk, kind, &ContentForm::default(), e),
    };
    let key_name = kind.key_name();
    let body = html! {
        h1 { (kind.title(lang)) }
        @if q.saved.is_some() { p.notice role="status" { (t(lang, "desk-done-saved")) } }
        p {
            a.button href=(format!("{}/edit", kind.base())) { (t(lang, "content-new")) }
            @if kind == Kind::Faq { " " a href="/help" { (t(lang, "content-see-public")) } }
        }
        table.list {
            thead { tr {
                th { (t(lang, &format!("content-{key_name}"))) }
                th { (t(lang, "content-title-bn")) }
                th { (t(lang, "content-title-en")) }
                @if kind == Kind::Faq { th { (t(lang, "content-published")) } }
            } }
            tbody {
                @for r in &rows {
                    tr data-row {
                        td { a href=(format!("{}/edit?{key_name}={}", kind.base(), r.key)) { (r.key) } }
                        td lang="bn" { (r.title_bn) }
                        td lang="en" { (r.title_en) }
                        @if let Some(p) = r.published { td { @if p { "✓" } @else { "—" } } }
                    }
                }
            }
        }
    };
    desk_page(desk, kind.base(), &kind.title(lang), body)
}

/// The editor of one article or response, or a blank one (no key given).
async fn edit(state: &AppState, desk: &Desk, kind: Kind, key: &str) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    let loaded: Result<Option<ContentForm>, AppError> = match (kind, key.is_empty()) {
        (Kind::Faq, true) => Ok(Some(ContentForm {
            published: Some("1".into()),
            position: "100".into(),
            ..ContentForm::default()
        })),
        (Kind::Canned, true) => Ok(Some(ContentForm::default())),
        (Kind::Faq, false) => state.app.article(key).await.map(|a| {
            a.map(|a| ContentForm {
                version: a.version.to_string(),
                key: a.slug,
                title_bn: a.title_bn,
                title_en: a.title_en,
                body_bn: a.body_bn,
                body_en: a.body_en,
                tags: a.tags.join(", "),
                position: a.position.to_string(),
                published: a.published.then(|| "1".to_string()),
                ..ContentForm::default()
            })
        }),
        (Kind::Canned, false) => state.app.canned_one(key).await.map(|c| {
            c.map(|c| ContentForm {
                version: c.version.to_string(),
                key: c.code,
                title_bn: c.title_bn,
                title_en: c.title_en,
                body_bn: c.body_bn,
                body_en: c.body_en,
                ..ContentForm::default()
            })
        }),
    };
    match loaded {
        Ok(Some(form)) => editor_page(desk, kind, &form, &[], StatusCode::OK),
        Ok(None) => not_found(desk, kind),
        Err(e) => refused(desk, kind, &ContentForm::default(), e),
    }
}

/// Save an article or response: new, or over the version the form was drawn from.
async fn save(state: &AppState, desk: &Desk, kind: Kind, form: &ContentForm) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    let (caller, version) = (desk_caller(desk), version_of(&form.version));
    let (body_bn, body_en) = (
        form.body_bn.replace("\r\n", "\n"),
        form.body_en.replace("\r\n", "\n"),
    );
    let saved = match kind {
        Kind::Faq => {
            let position = match form.position.trim() {
                "" => Ok(100),
                p => seba_core::text::ascii_digits(p).parse::<i32>(),
            };
            let Ok(position) = position else {
                let errors = [t(desk.lang, "content-bad-position")];
                return editor_page(desk, kind, form, &errors, StatusCode::UNPROCESSABLE_ENTITY);
            };
            let input = ArticleInput {
                slug: form.key.clone(),
                title_bn: form.title_bn.clone(),
                title_en: form.title_en.clone(),
                body_bn,
                body_en,
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
            state
                .app
                .save_article(input, caller, version)
                .await
                .map(drop)
        }
        Kind::Canned => {
            let input = CannedInput {
                code: form.key.clone(),
                title_bn: form.title_bn.clone(),
                title_en: form.title_en.clone(),
                body_bn,
                body_en,
            };
            state
                .app
                .save_canned(input, caller, version)
                .await
                .map(drop)
        }
    };
    match saved {
        Ok(()) => see_other(&format!("{}?saved=1", kind.base())),
        Err(e) => refused(desk, kind, form, e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
}

/// Delete an article or response.
async fn delete(state: &AppState, desk: &Desk, kind: Kind, form: &DeleteForm) -> Response {
    if let Err(res) = desk.require(Permission::Administer) {
        return res;
    }
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    let deleted = match kind {
        Kind::Faq => state.app.delete_article(&form.key, desk_caller(desk)).await,
        Kind::Canned => state.app.delete_canned(&form.key, desk_caller(desk)).await,
    };
    match deleted {
        Ok(()) => see_other(&format!("{}?saved=1", kind.base())),
        Err(AppError::Store(seba_store::StoreError::NotFound)) => not_found(desk, kind),
        Err(e) => refused(desk, kind, &ContentForm::default(), e),
    }
}

/// `GET /admin/faq`: every article, published or not.
pub async fn faq_list(
    State(s): State<AppState>,
    desk: Desk,
    Query(q): Query<KeyQuery>,
) -> Response {
    list(&s, &desk, Kind::Faq, &q).await
}

/// `GET /admin/faq/edit?slug=…`: an article's editor (a blank one without a slug).
pub async fn faq_edit(
    State(s): State<AppState>,
    desk: Desk,
    Query(q): Query<KeyQuery>,
) -> Response {
    edit(&s, &desk, Kind::Faq, &q.slug).await
}

/// `POST /admin/faq`.
pub async fn faq_save(
    State(s): State<AppState>,
    desk: Desk,
    Form(f): Form<ContentForm>,
) -> Response {
    save(&s, &desk, Kind::Faq, &f).await
}

/// `POST /admin/faq/delete`.
pub async fn faq_delete(
    State(s): State<AppState>,
    desk: Desk,
    Form(f): Form<DeleteForm>,
) -> Response {
    delete(&s, &desk, Kind::Faq, &f).await
}

/// `GET /admin/canned`.
pub async fn canned_list(
    State(s): State<AppState>,
    desk: Desk,
    Query(q): Query<KeyQuery>,
) -> Response {
    list(&s, &desk, Kind::Canned, &q).await
}

/// `GET /admin/canned/edit?code=…`.
pub async fn canned_edit(
    State(s): State<AppState>,
    desk: Desk,
    Query(q): Query<KeyQuery>,
) -> Response {
    edit(&s, &desk, Kind::Canned, &q.code).await
}

/// `POST /admin/canned`.
pub async fn canned_save(
    State(s): State<AppState>,
    desk: Desk,
    Form(f): Form<ContentForm>,
) -> Response {
    save(&s, &desk, Kind::Canned, &f).await
}

/// `POST /admin/canned/delete`.
pub async fn canned_delete(
    State(s): State<AppState>,
    desk: Desk,
    Form(f): Form<DeleteForm>,
) -> Response {
    delete(&s, &desk, Kind::Canned, &f).await
}
