//! The admin pages: queues, categories, SLA policies, the holiday calendar and staff, as
//! plain forms over the same store calls and the same rules as the JSON admin API
//! (`api::admin`), so a change made here and one made there are the same change.
//!
//! Every handler checks the role first; every POST then checks the session's anti-forgery
//! token, then validates the whole form before it writes anything. A refused form comes
//! back as typed with its problems in the visitor's language (422); a saved one redirects
//! to its list with a notice (POST, redirect, GET). Settings writes drop this node's
//! settings cache, as the API does; other nodes pick the change up within 30 seconds.
//! Staff are added through `App::add_user`, which hashes the password and writes the
//! `user.created` audit event; settings writes go straight to the store, unaudited, exactly
//! as through the API.
//!
//! Admins manage everything. The role table gives supervisors SLA policies and holidays
//! too, so those two pages (and the index, which lists only what a role may open) ask for
//! `Supervise`; the rest ask for `Administer`.

use std::collections::{BTreeMap, HashSet};
use std::ops::RangeInclusive;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;

use seba_app::AppError;
use seba_app::cases::Caller;
use seba_core::case::{InputError, Priority, required_text};
use seba_core::staff::{Permission, Role};
use seba_core::text::ascii_digits;
use seba_store::{Category, Holiday, Queue, SlaPolicy, StoreError, User};

use super::staff::{Desk, desk_page, encode};
use super::{Lang, error_texts, errors_box, see_other, t, t_args, with_status};
use crate::state::AppState;

/// The admin routes, all under `/admin`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/queues", get(queues).post(save_queue))
        .route("/admin/categories", get(categories).post(save_category))
        .route("/admin/sla-policies", get(policies).post(save_policy))
        .route("/admin/holidays", get(holidays).post(save_holidays))
        .route("/admin/staff", get(staff).post(add_staff))
}

/// The pages the index lists: path, title key, about key, and what a role needs to open it.
const PAGES: &[(&str, &str, &str, Permission)] = &[
    (
        "/admin/queues",
        "admin-queues-title",
        "admin-queues-about",
        Permission::Administer,
    ),
    (
        "/admin/categories",
        "admin-categories-title",
        "admin-categories-about",
        Permission::Administer,
    ),
    (
        "/admin/sla-policies",
        "admin-sla-title",
        "admin-sla-about",
        Permission::Supervise,
    ),
    (
        "/admin/holidays",
        "admin-holidays-title",
        "admin-holidays-about",
        Permission::Supervise,
    ),
    (
        "/admin/staff",
        "admin-staff-title",
        "admin-staff-about",
        Permission::Administer,
    ),
    (
        "/admin/faq",
        "content-faq-title",
        "admin-faq-about",
        Permission::Administer,
    ),
    (
        "/admin/canned",
        "content-canned-title",
        "admin-canned-about",
        Permission::Administer,
    ),
];

/// A year's holidays fit in a year.
const MAX_HOLIDAYS: usize = 366;
/// An SLA target longer than a year's minutes is a typing slip (a zero too many); the API
/// takes any positive number, the form stops there.
const MAX_MINUTES: i64 = 525_600;

/// What a list page may be asked: a row to edit, or what was just saved.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    edit: Option<String>,
    saved: Option<String>,
    year: Option<String>,
}

/// A handler's answer: the page, or where it stopped (403, a forged form, a store error).
type Page = Result<Response, Response>;

/// An admin page: a way back to the index, the heading, a notice after a save, the body.
fn admin_page(desk: &Desk, path: &str, title: &str, saved: Option<&str>, body: Markup) -> Response {
    let lang = desk.lang;
    let body = html! {
        p { a href="/admin" { "← " (t(lang, "admin-title")) } }
        h1 { (title) }
        @if let Some(what) = saved {
            p.notice role="status" { (t_args(lang, "admin-saved", &[("what", what.into())])) }
        }
        (body)
    };
    desk_page(desk, path, title, body)
}

/// A refused form: the page again with status 422.
fn refused(page: Response) -> Response {
    with_status(page, StatusCode::UNPROCESSABLE_ENTITY)
}

/// A failure of the store (or another refusal from the application) as a page.
fn failed(desk: &Desk, path: &str, e: impl Into<AppError>) -> Response {
    let (status, errors) = error_texts(desk.lang, e.into());
    failed_with(desk, path, status, &errors)
}

fn failed_with(desk: &Desk, path: &str, status: StatusCode, errors: &[String]) -> Response {
    let lang = desk.lang;
    let body = errors_box(Some(t(lang, "admin-errors")), errors);
    with_status(
        admin_page(desk, path, &t(lang, "admin-title"), None, body),
        status,
    )
}

/// Read from the store, or the error page.
fn or_page<T>(desk: &Desk, path: &str, r: Result<T, StoreError>) -> Result<T, Response> {
    r.map_err(|e| failed(desk, path, e))
}

/// A form's problems, gathered in the visitor's language while its fields are read. Each
/// field is named by its label's Fluent key, so a message says which field, as the form
/// labels it.
struct Check {
    lang: Lang,
    errors: Vec<String>,
}

impl Check {
    fn new(lang: Lang) -> Self {
        Check {
            lang,
            errors: Vec::new(),
        }
    }

    fn fail(&mut self, key: &str, args: &[(&str, FluentValue<'_>)]) {
        self.errors.push(t_args(self.lang, key, args));
    }

    fn label(&self, key: &str) -> FluentValue<'static> {
        t(self.lang, key).into()
    }

    /// A required text, NFC-cleaned and bounded (as the API cleans it).
    fn text(&mut self, key: &str, value: &str, max: usize) -> String {
        match required_text("text", value, max) {
            Ok(v) => v,
            Err(InputError::TooLong { .. }) => {
                let max = self.lang.int(i64::try_from(max).unwrap_or(i64::MAX));
                let field = self.label(key);
                self.fail(
                    "admin-err-too-long",
                    &[("field", field), ("max", max.into())],
                );
                String::new()
            }
            Err(_) => {
                let field = self.label(key);
                self.fail("admin-err-required", &[("field", field)]);
                String::new()
            }
        }
    }

    /// A queue or category code: `[a-z0-9_.]`, 1–60 (the API's rule).
    fn code(&mut self, key: &str, value: &str) -> String {
        let code = value.trim();
        if !crate::api::admin::is_code(code) {
            let field = self.label(key);
            self.fail("admin-err-code", &[("field", field)]);
        }
        code.to_string()
    }

    /// A whole number in `range`, in Bengali or ASCII digits.
    fn number(&mut self, key: &str, value: &str, range: RangeInclusive<i64>) -> i64 {
        match ascii_digits(value.trim()).parse::<i64>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                let field = self.label(key);
                let (min, max) = (self.lang.int(*range.start()), self.lang.int(*range.end()));
                self.fail(
                    "admin-err-number",
                    &[("field", field), ("min", min.into()), ("max", max.into())],
                );
                *range.start()
            }
        }
    }

    /// A year from 2000 to 2100 (the API's range), its bounds written without grouping.
    fn year(&mut self, key: &str, value: &str) -> i16 {
        match ascii_digits(value.trim()).parse::<i16>() {
            Ok(y) if (2000..=2100).contains(&y) => y,
            _ => {
                let field = self.label(key);
                let (min, max) = (self.lang.digits("2000"), self.lang.digits("2100"));
                self.fail(
                    "admin-err-number",
                    &[("field", field), ("min", min.into()), ("max", max.into())],
                );
                2000
            }
        }
    }

    fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The row a form saves: the one being edited (its code field is read-only, but a form
/// can be made to send anything, and an edit must never land on another row), else the
/// code typed for a new one.
fn key_of<'a>(editing: &'a str, typed: &'a str) -> &'a str {
    if editing.is_empty() { typed } else { editing }
}

/// A required text field; a code being edited is read-only (it is the row's key).
fn text_input(
    name: &str,
    label: &str,
    value: &str,
    max: usize,
    readonly: bool,
    hint: Option<&str>,
) -> Markup {
    html! {
        p {
            label for=(name) { (label) }
            br;
            input id=(name) name=(name) value=(value) maxlength=(max) required readonly[readonly]
                aria-describedby=[hint.map(|_| format!("{name}-hint"))];
            @if let Some(hint) = hint {
                br;
                small id=(format!("{name}-hint")) { (hint) }
            }
        }
    }
}

/// A number field: text with a numeric keyboard, so Bengali digits are accepted too.
fn number_input(name: &str, label: &str, value: &str, hint: Option<&str>) -> Markup {
    html! {
        p {
            label for=(name) { (label) }
            br;
            input id=(name) name=(name) value=(value) inputmode="numeric" required
                aria-describedby=[hint.map(|_| format!("{name}-hint"))];
            @if let Some(hint) = hint {
                br;
                small id=(format!("{name}-hint")) { (hint) }
            }
        }
    }
}

/// `GET /admin`: the pages this role may open.
pub async fn index(desk: Desk) -> Page {
    desk.require(Permission::Supervise)?;
    let lang = desk.lang;
    let body = html! {
        h1 { (t(lang, "admin-title")) }
        p { (t(lang, "admin-intro")) }
        ul.admin-index {
            @for (path, title, about, needs) in PAGES {
                @if desk.can(*needs) {
                    li {
                        a href=(path) { strong { (t(lang, title)) } }
                        br;
                        span.muted { (t(lang, about)) }
                    }
                }
            }
        }
    };
    Ok(desk_page(&desk, "/admin", &t(lang, "admin-title"), body))
}

// ---------------------------------------------------------------------------------------
// Queues
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct QueueForm {
    #[serde(default)]
    csrf: String,
    /// The code being edited; empty when adding, so an add never overwrites.
    #[serde(default)]
    editing: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_bn: String,
    #[serde(default)]
    name_en: String,
}

fn queues_page(
    desk: &Desk,
    list: &[Queue],
    form: &QueueForm,
    errors: &[String],
    saved: Option<&str>,
) -> Response {
    let lang = desk.lang;
    let editing = !form.editing.is_empty();
    let body = html! {
        p { (t(lang, "admin-queues-about")) }
        table.list {
            thead { tr {
                th { (t(lang, "admin-code")) }
                th { (t(lang, "admin-name-bn")) }
                th { (t(lang, "admin-name-en")) }
                th { span.visually-hidden { (t(lang, "admin-edit")) } }
            } }
            tbody {
                @for q in list {
                    tr {
                        td { code { (q.code) } }
                        td lang="bn" { (q.name_bn) }
                        td lang="en" { (q.name_en) }
                        td { a href=(format!("/admin/queues?edit={}", encode(&q.code))) { (t(lang, "admin-edit")) } }
                    }
                }
            }
        }
        section.card #form {
            h2 {
                @if editing { (t_args(lang, "admin-queue-edit", &[("code", form.editing.clone().into())])) }
                @else { (t(lang, "admin-queue-add")) }
            }
            (errors_box(Some(t(lang, "admin-errors")), errors))
            form method="post" action="/admin/queues" accept-charset="utf-8" {
                (desk.csrf_field())
                input type="hidden" name="editing" value=(form.editing);
                (text_input("code", &t(lang, "admin-code"), &form.code, 60, editing, Some(t(lang, "admin-code-hint").as_str())))
                (text_input("name_bn", &t(lang, "admin-name-bn"), &form.name_bn, 120, false, None))
                (text_input("name_en", &t(lang, "admin-name-en"), &form.name_en, 120, false, None))
                p.actions {
                    button type="submit" { (t(lang, "admin-save")) }
                    @if editing { " " a href="/admin/queues" { (t(lang, "admin-add-new")) } }
                }
            }
        }
    };
    admin_page(
        desk,
        "/admin/queues",
        &t(lang, "admin-queues-title"),
        saved,
        body,
    )
}

async fn queue_list(state: &AppState, desk: &Desk) -> Result<Vec<Queue>, Response> {
    let mut list = or_page(desk, "/admin/queues", state.app.store.queues().await)?;
    list.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(list)
}

/// `GET /admin/queues`: the queues and a form to add one (or edit `?edit=code`).
pub async fn queues(State(state): State<AppState>, desk: Desk, Query(q): Query<ListQuery>) -> Page {
    desk.require(Permission::Administer)?;
    let list = queue_list(&state, &desk).await?;
    let form = q
        .edit
        .and_then(|code| list.iter().find(|x| x.code == code))
        .map(|x| QueueForm {
            editing: x.code.clone(),
            code: x.code.clone(),
            name_bn: x.name_bn.clone(),
            name_en: x.name_en.clone(),
            ..QueueForm::default()
        })
        .unwrap_or_default();
    Ok(queues_page(&desk, &list, &form, &[], q.saved.as_deref()))
}

/// `POST /admin/queues`: add or rename a queue.
pub async fn save_queue(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<QueueForm>,
) -> Page {
    desk.require(Permission::Administer)?;
    desk.check(&form.csrf)?;
    let list = queue_list(&state, &desk).await?;
    let mut check = Check::new(desk.lang);
    let code = check.code("admin-code", key_of(&form.editing, &form.code));
    let queue = Queue {
        code: code.clone(),
        name_bn: check.text("admin-name-bn", &form.name_bn, 120),
        name_en: check.text("admin-name-en", &form.name_en, 120),
    };
    if form.editing.is_empty() && list.iter().any(|x| x.code == code) {
        check.fail("admin-err-exists", &[("code", code.clone().into())]);
    }
    if !check.ok() {
        return Ok(refused(queues_page(
            &desk,
            &list,
            &form,
            &check.errors,
            None,
        )));
    }
    or_page(
        &desk,
        "/admin/queues",
        state.app.store.upsert_queue(queue).await,
    )?;
    state.app.invalidate_settings();
    Ok(see_other(&format!("/admin/queues?saved={}", encode(&code))))
}

// ---------------------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct CategoryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    editing: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_bn: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    queue: String,
}

/// Categories as a tree: each top-level one followed by its children; children whose
/// parent is missing come last, so nothing stored is hidden.
fn tree(list: &[Category]) -> Vec<(&Category, bool)> {
    let tops: BTreeMap<&str, &Category> = list
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| (c.code.as_str(), c))
        .collect();
    let mut children: BTreeMap<&str, Vec<&Category>> = BTreeMap::new();
    for c in list {
        if let Some(p) = &c.parent {
            children.entry(p.as_str()).or_default().push(c);
        }
    }
    for v in children.values_mut() {
        v.sort_by(|a, b| a.code.cmp(&b.code));
    }
    let mut out = Vec::with_capacity(list.len());
    for (code, top) in &tops {
        out.push((*top, false));
        for c in children.remove(code).unwrap_or_default() {
            out.push((c, true));
        }
    }
    out.extend(children.into_values().flatten().map(|c| (c, true)));
    out
}

fn categories_page(
    desk: &Desk,
    list: &[Category],
    queues: &[Queue],
    form: &CategoryForm,
    errors: &[String],
    saved: Option<&str>,
) -> Response {
    let lang = desk.lang;
    let editing = !form.editing.is_empty();
    let queue_name = |code: &str| {
        queues
            .iter()
            .find(|q| q.code == code)
            .map(|q| lang.pick(&q.name_bn, &q.name_en).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let body = html! {
        p { (t(lang, "admin-categories-about")) }
        table.list.tree {
            thead { tr {
                th { (t(lang, "admin-code")) }
                th { (t(lang, "admin-name-bn")) }
                th { (t(lang, "admin-name-en")) }
                th { (t(lang, "admin-category-queue")) }
                th { span.visually-hidden { (t(lang, "admin-edit")) } }
            } }
            tbody {
                @for (c, child) in tree(list) {
                    tr.child[child] {
                        td { @if child { "↳ " } code { (c.code) } }
                        td lang="bn" { (c.name_bn) }
                        td lang="en" { (c.name_en) }
                        td { (queue_name(&c.queue)) }
                        td { a href=(format!("/admin/categories?edit={}", encode(&c.code))) { (t(lang, "admin-edit")) } }
                    }
                }
            }
        }
        section.card #form {
            h2 {
                @if editing { (t_args(lang, "admin-category-edit", &[("code", form.editing.clone().into())])) }
                @else { (t(lang, "admin-category-add")) }
            }
            (errors_box(Some(t(lang, "admin-errors")), errors))
            form method="post" action="/admin/categories" accept-charset="utf-8" {
                (desk.csrf_field())
                input type="hidden" name="editing" value=(form.editing);
                (text_input("code", &t(lang, "admin-code"), &form.code, 60, editing, Some(t(lang, "admin-category-code-hint").as_str())))
                (text_input("name_bn", &t(lang, "admin-name-bn"), &form.name_bn, 120, false, None))
                (text_input("name_en", &t(lang, "admin-name-en"), &form.name_en, 120, false, None))
                p {
                    label for="queue" { (t(lang, "admin-category-queue")) }
                    br;
                    select id="queue" name="queue" required {
                        option value="" { (t(lang, "admin-choose")) }
                        @for q in queues {
                            option value=(q.code) selected[q.code == form.queue] {
                                (lang.pick(&q.name_bn, &q.name_en)) " (" (q.code) ")"
                            }
                        }
                    }
                }
                p.actions {
                    button type="submit" { (t(lang, "admin-save")) }
                    @if editing { " " a href="/admin/categories" { (t(lang, "admin-add-new")) } }
                }
            }
        }
    };
    admin_page(
        desk,
        "/admin/categories",
        &t(lang, "admin-categories-title"),
        saved,
        body,
    )
}

async fn taxonomy(state: &AppState, desk: &Desk) -> Result<(Vec<Category>, Vec<Queue>), Response> {
    let path = "/admin/categories";
    let categories = or_page(desk, path, state.app.store.categories().await)?;
    let mut queues = or_page(desk, path, state.app.store.queues().await)?;
    queues.sort_by(|a, b| a.code.cmp(&b.code));
    Ok((categories, queues))
}

/// `GET /admin/categories`: the category tree and a form to add one (or edit `?edit=code`).
pub async fn categories(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<ListQuery>,
) -> Page {
    desk.require(Permission::Administer)?;
    let (list, queues) = taxonomy(&state, &desk).await?;
    let form = q
        .edit
        .and_then(|code| list.iter().find(|x| x.code == code))
        .map(|x| CategoryForm {
            editing: x.code.clone(),
            code: x.code.clone(),
            name_bn: x.name_bn.clone(),
            name_en: x.name_en.clone(),
            queue: x.queue.clone(),
            ..CategoryForm::default()
        })
        .unwrap_or_default();
    Ok(categories_page(
        &desk,
        &list,
        &queues,
        &form,
        &[],
        q.saved.as_deref(),
    ))
}

/// `POST /admin/categories`: add or change a category. `mfs.cash_out` is a child of `mfs`,
/// which must exist; there are two levels.
pub async fn save_category(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<CategoryForm>,
) -> Page {
    desk.require(Permission::Administer)?;
    desk.check(&form.csrf)?;
    let (list, queues) = taxonomy(&state, &desk).await?;
    let mut check = Check::new(desk.lang);
    let code = check.code("admin-code", key_of(&form.editing, &form.code));
    let name_bn = check.text("admin-name-bn", &form.name_bn, 120);
    let name_en = check.text("admin-name-en", &form.name_en, 120);
    let queue = form.queue.trim().to_string();
    if !queues.iter().any(|q| q.code == queue) {
        let field = check.label("admin-category-queue");
        check.fail("admin-err-choose", &[("field", field)]);
    }
    let parent = match code.split_once('.') {
        Some((p, rest)) if !rest.contains('.') => {
            if !list.iter().any(|c| c.code == p && c.parent.is_none()) {
                check.fail("admin-err-parent", &[("parent", p.to_string().into())]);
            }
            Some(p.to_string())
        }
        Some(_) => {
            check.fail("admin-err-depth", &[]);
            None
        }
        None => None,
    };
    if form.editing.is_empty() && list.iter().any(|c| c.code == code) {
        check.fail("admin-err-exists", &[("code", code.clone().into())]);
    }
    if !check.ok() {
        return Ok(refused(categories_page(
            &desk,
            &list,
            &queues,
            &form,
            &check.errors,
            None,
        )));
    }
    let category = Category {
        code: code.clone(),
        parent,
        name_bn,
        name_en,
        queue,
    };
    or_page(
        &desk,
        "/admin/categories",
        state.app.store.upsert_category(category).await,
    )?;
    state.app.invalidate_settings();
    Ok(see_other(&format!(
        "/admin/categories?saved={}",
        encode(&code)
    )))
}

// ---------------------------------------------------------------------------------------
// SLA policies
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    editing: String,
    #[serde(default)]
    id: String,
    /// Empty: any category.
    #[serde(default)]
    category: String,
    /// Empty: any priority.
    #[serde(default)]
    priority: String,
    #[serde(default)]
    ack_minutes: String,
    #[serde(default)]
    first_response_minutes: String,
    #[serde(default)]
    resolution_minutes: String,
    #[serde(default)]
    max_calendar_days: String,
    #[serde(default)]
    at_risk_percent: String,
}

impl PolicyForm {
    fn of(p: &SlaPolicy, lang: Lang) -> Self {
        let n = |v: i64| lang.digits(&v.to_string());
        PolicyForm {
            editing: p.id.clone(),
            id: p.id.clone(),
            category: p.category.clone().unwrap_or_default(),
            priority: p
                .priority
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            ack_minutes: n(p.ack_minutes),
            first_response_minutes: n(p.first_response_minutes),
            resolution_minutes: n(p.resolution_minutes),
            max_calendar_days: n(p.max_calendar_days),
            at_risk_percent: n(p.at_risk_percent),
            ..PolicyForm::default()
        }
    }
}

/// Business minutes in words: "২ ঘণ্টা ৩০ মিনিট", "1 h 30 min".
fn duration(lang: Lang, minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    let (hs, ms) = (lang.int(h), lang.int(m));
    match (h, m) {
        (0, _) => t_args(lang, "admin-minutes", &[("m", ms.into())]),
        (_, 0) => t_args(lang, "admin-hours", &[("h", hs.into())]),
        _ => t_args(
            lang,
            "admin-hours-minutes",
            &[("h", hs.into()), ("m", ms.into())],
        ),
    }
}

fn policies_page(
    desk: &Desk,
    list: &[SlaPolicy],
    categories: &[Category],
    form: &PolicyForm,
    errors: &[String],
    saved: Option<&str>,
) -> Response {
    let lang = desk.lang;
    let editing = !form.editing.is_empty();
    let any = t(lang, "admin-sla-any");
    let category_name = |code: &str| {
        categories
            .iter()
            .find(|c| c.code == code)
            .map(|c| lang.pick(&c.name_bn, &c.name_en).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let minutes_hint = t(lang, "admin-sla-minutes-hint");
    let body = html! {
        p { (t(lang, "admin-sla-about")) }
        table.list {
            thead { tr {
                th { (t(lang, "admin-sla-id")) }
                th { (t(lang, "admin-sla-category")) }
                th { (t(lang, "admin-sla-priority")) }
                th { (t(lang, "admin-sla-ack")) }
                th { (t(lang, "admin-sla-first-response")) }
                th { (t(lang, "admin-sla-resolution")) }
                th { (t(lang, "admin-sla-max-days")) }
                th { (t(lang, "admin-sla-at-risk")) }
                th { span.visually-hidden { (t(lang, "admin-edit")) } }
            } }
            tbody {
                @for p in list {
                    tr {
                        td { code { (p.id) } }
                        td { @match &p.category { Some(c) => (category_name(c)), None => (any) } }
                        td { @match p.priority {
                            Some(pr) => (t(lang, &format!("admin-priority-{}", pr.as_str()))),
                            None => (any),
                        } }
                        td { (duration(lang, p.ack_minutes)) }
                        td { (duration(lang, p.first_response_minutes)) }
                        td { (duration(lang, p.resolution_minutes)) }
                        td { (t_args(lang, "admin-days", &[
                            ("n", lang.int(p.max_calendar_days).into()),
                            ("count", p.max_calendar_days.into()),
                        ])) }
                        td { (lang.int(p.at_risk_percent)) "%" }
                        td { a href=(format!("/admin/sla-policies?edit={}", encode(&p.id))) { (t(lang, "admin-edit")) } }
                    }
                }
            }
        }
        section.card #form {
            h2 {
                @if editing { (t_args(lang, "admin-sla-edit", &[("id", form.editing.clone().into())])) }
                @else { (t(lang, "admin-sla-add")) }
            }
            (errors_box(Some(t(lang, "admin-errors")), errors))
            form method="post" action="/admin/sla-policies" accept-charset="utf-8" {
                (desk.csrf_field())
                input type="hidden" name="editing" value=(form.editing);
                (text_input("id", &t(lang, "admin-sla-id"), &form.id, 60, editing, None))
                p {
                    label for="category" { (t(lang, "admin-sla-category")) }
                    br;
                    select id="category" name="category" {
                        option value="" { (any) }
                        @for (c, child) in tree(categories) {
                            option value=(c.code) selected[c.code == form.category] {
                                @if child { "— " } (lang.pick(&c.name_bn, &c.name_en)) " (" (c.code) ")"
                            }
                        }
                    }
                }
                p {
                    label for="priority" { (t(lang, "admin-sla-priority")) }
                    br;
                    select id="priority" name="priority" {
                        option value="" { (any) }
                        @for pr in Priority::ALL {
                            option value=(pr.as_str()) selected[pr.as_str() == form.priority] {
                                (t(lang, &format!("admin-priority-{}", pr.as_str())))
                            }
                        }
                    }
                }
                (number_input("ack_minutes", &t(lang, "admin-sla-ack-minutes"), &form.ack_minutes, Some(minutes_hint.as_str())))
                (number_input("first_response_minutes", &t(lang, "admin-sla-first-response-minutes"), &form.first_response_minutes, None))
                (number_input("resolution_minutes", &t(lang, "admin-sla-resolution-minutes"), &form.resolution_minutes, None))
                (number_input("max_calendar_days", &t(lang, "admin-sla-max-days"), &form.max_calendar_days, Some(t(lang, "admin-sla-max-days-hint").as_str())))
                (number_input("at_risk_percent", &t(lang, "admin-sla-at-risk"), &form.at_risk_percent, Some(t(lang, "admin-sla-at-risk-hint").as_str())))
                p.actions {
                    button type="submit" { (t(lang, "admin-save")) }
                    @if editing { " " a href="/admin/sla-policies" { (t(lang, "admin-add-new")) } }
                }
            }
        }
    };
    admin_page(
        desk,
        "/admin/sla-policies",
        &t(lang, "admin-sla-title"),
        saved,
        body,
    )
}

async fn policy_data(
    state: &AppState,
    desk: &Desk,
) -> Result<(Vec<SlaPolicy>, Vec<Category>), Response> {
    let path = "/admin/sla-policies";
    let mut list = or_page(desk, path, state.app.store.sla_policies().await)?;
    list.sort_by(|a, b| a.id.cmp(&b.id));
    let categories = or_page(desk, path, state.app.store.categories().await)?;
    Ok((list, categories))
}

/// `GET /admin/sla-policies`: the policies and a form to add one (or edit `?edit=id`).
pub async fn policies(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<ListQuery>,
) -> Page {
    desk.require(Permission::Supervise)?;
    let (list, categories) = policy_data(&state, &desk).await?;
    let form = q
        .edit
        .and_then(|id| list.iter().find(|p| p.id == id))
        .map(|p| PolicyForm::of(p, desk.lang))
        .unwrap_or_default();
    Ok(policies_page(
        &desk,
        &list,
        &categories,
        &form,
        &[],
        q.saved.as_deref(),
    ))
}

/// `POST /admin/sla-policies`: add or replace a policy (the API's ranges). New cases use it
/// at once on this node; cases already open keep the deadlines they were given.
pub async fn save_policy(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<PolicyForm>,
) -> Page {
    desk.require(Permission::Supervise)?;
    desk.check(&form.csrf)?;
    let (list, categories) = policy_data(&state, &desk).await?;
    let mut check = Check::new(desk.lang);
    let id = check.text("admin-sla-id", key_of(&form.editing, &form.id), 60);
    let category = Some(form.category.trim().to_string()).filter(|c| !c.is_empty());
    if let Some(c) = &category
        && !categories.iter().any(|x| &x.code == c)
    {
        let field = check.label("admin-sla-category");
        check.fail("admin-err-choose", &[("field", field)]);
    }
    let priority = match form.priority.trim() {
        "" => None,
        p => match p.parse::<Priority>() {
            Ok(p) => Some(p),
            Err(_) => {
                let field = check.label("admin-sla-priority");
                check.fail("admin-err-choose", &[("field", field)]);
                None
            }
        },
    };
    let minutes = 1..=MAX_MINUTES;
    let ack_minutes = check.number("admin-sla-ack-minutes", &form.ack_minutes, minutes.clone());
    let first_response_minutes = check.number(
        "admin-sla-first-response-minutes",
        &form.first_response_minutes,
        minutes.clone(),
    );
    let resolution_minutes = check.number(
        "admin-sla-resolution-minutes",
        &form.resolution_minutes,
        minutes,
    );
    let max_calendar_days = check.number("admin-sla-max-days", &form.max_calendar_days, 1..=365);
    let at_risk_percent = check.number("admin-sla-at-risk", &form.at_risk_percent, 0..=100);
    if form.editing.is_empty() && list.iter().any(|p| p.id == id) {
        check.fail("admin-err-exists", &[("code", id.clone().into())]);
    }
    if !check.ok() {
        return Ok(refused(policies_page(
            &desk,
            &list,
            &categories,
            &form,
            &check.errors,
            None,
        )));
    }
    let policy = SlaPolicy {
        id: id.clone(),
        category,
        priority,
        ack_minutes,
        first_response_minutes,
        resolution_minutes,
        max_calendar_days,
        at_risk_percent,
    };
    or_page(
        &desk,
        "/admin/sla-policies",
        state.app.store.upsert_sla_policy(policy).await,
    )?;
    state.app.invalidate_settings();
    Ok(see_other(&format!(
        "/admin/sla-policies?saved={}",
        encode(&id)
    )))
}

// ---------------------------------------------------------------------------------------
// Holidays
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct HolidaysForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    year: String,
    /// One a line: `YYYY-MM-DD নাম`, or `YYYY-MM-DD নাম | Name` with an English name.
    #[serde(default)]
    days: String,
}

/// A year's holidays as the form's lines, in the page's digits.
fn holiday_lines(lang: Lang, days: &[&Holiday]) -> String {
    days.iter()
        .map(|h| {
            let date = lang.digits(&h.date.to_string());
            if h.name_bn == h.name_en {
                format!("{date} {}", h.name_bn)
            } else {
                format!("{date} {} | {}", h.name_bn, h.name_en)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The form's lines as holidays of `year`; blank lines and `#` comments are skipped.
fn parse_holidays(check: &mut Check, year: i16, text: &str) -> Vec<Holiday> {
    let lang = check.lang;
    let mut days = Vec::new();
    let mut seen = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let n: FluentValue<'_> = lang.int(i64::try_from(i + 1).unwrap_or(i64::MAX)).into();
        let (date, names) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let Ok(date) = ascii_digits(date).parse::<jiff::civil::Date>() else {
            check.fail("admin-err-line-date", &[("line", n)]);
            continue;
        };
        if date.year() != year {
            let y = lang.digits(&year.to_string());
            check.fail("admin-err-line-year", &[("line", n), ("year", y.into())]);
            continue;
        }
        let (bn, en) = names.split_once('|').unwrap_or((names, names));
        let (Ok(name_bn), Ok(name_en)) = (
            required_text("name_bn", bn, 120),
            required_text("name_en", en, 120),
        ) else {
            check.fail("admin-err-line-name", &[("line", n)]);
            continue;
        };
        if !seen.insert(date) {
            check.fail("admin-err-line-twice", &[("line", n)]);
            continue;
        }
        days.push(Holiday {
            date,
            name_bn,
            name_en,
        });
    }
    if days.len() > MAX_HOLIDAYS {
        let max = lang.int(MAX_HOLIDAYS as i64);
        check.fail("admin-err-too-many", &[("max", max.into())]);
    }
    days.sort_by_key(|d| d.date);
    days
}

fn holidays_page(
    desk: &Desk,
    all: &[Holiday],
    form: &HolidaysForm,
    errors: &[String],
    saved: Option<&str>,
) -> Response {
    let lang = desk.lang;
    let mut by_year: BTreeMap<i16, Vec<&Holiday>> = BTreeMap::new();
    for h in all {
        by_year.entry(h.date.year()).or_default().push(h);
    }
    let body = html! {
        p { (t(lang, "admin-holidays-about")) }
        @if by_year.is_empty() {
            p.muted { (t(lang, "admin-holidays-none")) }
        }
        @for (year, days) in by_year.iter().rev() {
            section.holiday-year {
                h2 {
                    (lang.digits(&year.to_string())) " "
                    small { a href=(format!("/admin/holidays?year={year}#form")) { (t(lang, "admin-edit")) } }
                }
                table.list {
                    thead { tr {
                        th { (t(lang, "admin-date")) }
                        th { (t(lang, "admin-name-bn")) }
                        th { (t(lang, "admin-name-en")) }
                    } }
                    tbody {
                        @for h in days {
                            tr {
                                td { time datetime=(h.date.to_string()) { (lang.digits(&h.date.to_string())) } }
                                td lang="bn" { (h.name_bn) }
                                td lang="en" { (h.name_en) }
                            }
                        }
                    }
                }
            }
        }
        section.card #form {
            h2 { (t(lang, "admin-holidays-set")) }
            (errors_box(Some(t(lang, "admin-errors")), errors))
            form method="post" action="/admin/holidays" accept-charset="utf-8" {
                (desk.csrf_field())
                (number_input("year", &t(lang, "admin-holidays-year"), &form.year, None))
                p {
                    label for="days" { (t(lang, "admin-holidays-lines")) }
                    br;
                    textarea id="days" name="days" rows="14" aria-describedby="days-hint" { (form.days) }
                    br;
                    small id="days-hint" { (t(lang, "admin-holidays-hint")) }
                }
                p.muted { (t(lang, "admin-holidays-replace")) }
                p { button type="submit" { (t(lang, "admin-save")) } }
            }
        }
    };
    admin_page(
        desk,
        "/admin/holidays",
        &t(lang, "admin-holidays-title"),
        saved,
        body,
    )
}

/// `GET /admin/holidays?year=2026`: every year's holidays, and the form for one year
/// (this year unless asked), filled with what that year has.
pub async fn holidays(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<ListQuery>,
) -> Page {
    desk.require(Permission::Supervise)?;
    let lang = desk.lang;
    let mut all = or_page(&desk, "/admin/holidays", state.app.store.holidays().await)?;
    all.sort_by_key(|h| h.date);
    let this_year = match state.app.snapshot().await {
        Ok(snap) => state
            .app
            .now()
            .to_zoned(snap.calendar.time_zone().clone())
            .year(),
        Err(e) => return Err(failed(&desk, "/admin/holidays", e)),
    };
    let year = q
        .year
        .and_then(|y| ascii_digits(y.trim()).parse::<i16>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(this_year);
    let days: Vec<&Holiday> = all.iter().filter(|h| h.date.year() == year).collect();
    let form = HolidaysForm {
        year: lang.digits(&year.to_string()),
        days: holiday_lines(lang, &days),
        ..HolidaysForm::default()
    };
    let saved = q.saved.map(|y| lang.digits(&y));
    Ok(holidays_page(&desk, &all, &form, &[], saved.as_deref()))
}

/// `POST /admin/holidays`: replace one year's holidays (as gazetted; Eid dates move).
/// An empty list clears the year.
pub async fn save_holidays(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<HolidaysForm>,
) -> Page {
    desk.require(Permission::Supervise)?;
    desk.check(&form.csrf)?;
    let mut check = Check::new(desk.lang);
    let year = check.year("admin-holidays-year", &form.year);
    let days = if check.ok() {
        parse_holidays(&mut check, year, &form.days)
    } else {
        Vec::new()
    };
    if !check.ok() {
        let all = or_page(&desk, "/admin/holidays", state.app.store.holidays().await)?;
        return Ok(refused(holidays_page(
            &desk,
            &all,
            &form,
            &check.errors,
            None,
        )));
    }
    or_page(
        &desk,
        "/admin/holidays",
        state.app.store.set_holidays(year, days).await,
    )?;
    state.app.invalidate_settings();
    Ok(see_other(&format!(
        "/admin/holidays?year={year}&saved={year}"
    )))
}

// ---------------------------------------------------------------------------------------
// Staff
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct StaffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    /// Never shown again, not even on a refused form.
    #[serde(default)]
    password: String,
}

fn staff_page(
    state: &AppState,
    desk: &Desk,
    users: &[User],
    form: &StaffForm,
    errors: &[String],
    saved: Option<&str>,
) -> Response {
    let lang = desk.lang;
    let now = state.app.now();
    let body = html! {
        p { (t(lang, "admin-staff-about")) }
        table.list {
            thead { tr {
                th { (t(lang, "admin-username")) }
                th { (t(lang, "admin-display-name")) }
                th { (t(lang, "admin-role")) }
                th { (t(lang, "admin-state")) }
            } }
            tbody {
                @for u in users {
                    tr {
                        td { code { (u.username) } }
                        td { (u.display_name) }
                        td { (t(lang, &format!("role-{}", u.role))) }
                        td {
                            @if u.disabled {
                                span.pill.breached { (t(lang, "admin-state-disabled")) }
                            } @else if u.locked_until.is_some_and(|until| until > now) {
                                span.pill.at_risk { (t(lang, "admin-state-locked")) }
                            } @else {
                                span.pill { (t(lang, "admin-state-active")) }
                            }
                        }
                    }
                }
            }
        }
        section.card #form {
            h2 { (t(lang, "admin-staff-add")) }
            (errors_box(Some(t(lang, "admin-errors")), errors))
            form method="post" action="/admin/staff" accept-charset="utf-8" autocomplete="off" {
                (desk.csrf_field())
                p {
                    label for="username" { (t(lang, "admin-username")) }
                    br;
                    input id="username" name="username" value=(form.username) maxlength="40" required
                        autocapitalize="none" autocomplete="off" aria-describedby="username-hint";
                    br;
                    small id="username-hint" { (t(lang, "admin-username-hint")) }
                }
                (text_input("display_name", &t(lang, "admin-display-name"), &form.display_name, 120, false, None))
                p {
                    label for="role" { (t(lang, "admin-role")) }
                    br;
                    select id="role" name="role" required {
                        option value="" { (t(lang, "admin-choose")) }
                        @for r in Role::ALL {
                            option value=(r.as_str()) selected[r.as_str() == form.role] {
                                (t(lang, &format!("role-{r}")))
                            }
                        }
                    }
                }
                p {
                    label for="password" { (t(lang, "admin-password")) }
                    br;
                    input id="password" name="password" type="password" required minlength="12"
                        autocomplete="new-password" aria-describedby="password-hint";
                    br;
                    small id="password-hint" { (t(lang, "admin-password-hint")) }
                }
                p { button type="submit" { (t(lang, "admin-staff-add")) } }
            }
        }
    };
    admin_page(
        desk,
        "/admin/staff",
        &t(lang, "admin-staff-title"),
        saved,
        body,
    )
}

async fn user_list(state: &AppState, desk: &Desk) -> Result<Vec<User>, Response> {
    let mut users = or_page(desk, "/admin/staff", state.app.store.users().await)?;
    users.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(users)
}

/// `GET /admin/staff`: who may log in, with what role, and a form to add someone.
pub async fn staff(State(state): State<AppState>, desk: Desk, Query(q): Query<ListQuery>) -> Page {
    desk.require(Permission::Administer)?;
    let users = user_list(&state, &desk).await?;
    Ok(staff_page(
        &state,
        &desk,
        &users,
        &StaffForm::default(),
        &[],
        q.saved.as_deref(),
    ))
}

/// `POST /admin/staff`: add a staff member through `App::add_user`, which checks the
/// username and the password's strength, hashes it, and audits the addition.
pub async fn add_staff(
    State(state): State<AppState>,
    desk: Desk,
    Form(mut form): Form<StaffForm>,
) -> Page {
    desk.require(Permission::Administer)?;
    desk.check(&form.csrf)?;
    let password = std::mem::take(&mut form.password);
    let mut check = Check::new(desk.lang);
    check.text("admin-username", &form.username, 40);
    check.text("admin-display-name", &form.display_name, 120);
    let role = form.role.trim().parse::<Role>().ok();
    if role.is_none() {
        let field = check.label("admin-role");
        check.fail("admin-err-choose", &[("field", field)]);
    }
    let errors = match role {
        Some(role) if check.ok() => {
            let caller = Caller::staff(desk.user.id, desk.user.role);
            match state
                .app
                .add_user(&form.username, &form.display_name, role, &password, caller)
                .await
            {
                Ok(_) => {
                    let username = form.username.trim().to_lowercase();
                    return Ok(see_other(&format!(
                        "/admin/staff?saved={}",
                        encode(&username)
                    )));
                }
                Err(e) => {
                    let (status, errors) = error_texts(desk.lang, e);
                    if status.is_server_error() {
                        return Err(failed_with(&desk, "/admin/staff", status, &errors));
                    }
                    errors
                }
            }
        }
        _ => check.errors,
    };
    let users = user_list(&state, &desk).await?;
    Ok(refused(staff_page(
        &state, &desk, &users, &form, &errors, None,
    )))
}
