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
//!
//! The four settings pages share one skeleton, `show` and `save`; each states only
//! what is its own through `Settings`: what it lists, its form, how the form reads and
//! what it writes. Staff differ (a password, and `App::add_user` may refuse too), so their
//! handlers are written out, on the same page parts.

use std::collections::{BTreeMap, HashSet};
use std::ops::RangeInclusive;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use fluent_bundle::FluentValue;
use maud::{Markup, html};
use serde::Deserialize;
use serde::de::DeserializeOwned;

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
        .route(QUEUES.path, get(show::<Queues>).post(save::<Queues>))
        .route(
            CATEGORIES.path,
            get(show::<Categories>).post(save::<Categories>),
        )
        .route(
            SLA_POLICIES.path,
            get(show::<Policies>).post(save::<Policies>),
        )
        .route(HOLIDAYS.path, get(holidays).post(save::<Holidays>))
        .route(STAFF.path, get(staff).post(add_staff))
        .route("/admin/staff/update", post(update_staff))
}

/// An admin page as the index lists it: its path, its title and the line about it (Fluent
/// keys), and what a role needs to open it. The page's handlers ask for the same.
struct AdminPage {
    path: &'static str,
    title: &'static str,
    about: &'static str,
    needs: Permission,
}

const QUEUES: AdminPage = AdminPage {
    path: "/admin/queues",
    title: "admin-queues-title",
    about: "admin-queues-about",
    needs: Permission::Administer,
};
const CATEGORIES: AdminPage = AdminPage {
    path: "/admin/categories",
    title: "admin-categories-title",
    about: "admin-categories-about",
    needs: Permission::Administer,
};
const SLA_POLICIES: AdminPage = AdminPage {
    path: "/admin/sla-policies",
    title: "admin-sla-title",
    about: "admin-sla-about",
    needs: Permission::Supervise,
};
const HOLIDAYS: AdminPage = AdminPage {
    path: "/admin/holidays",
    title: "admin-holidays-title",
    about: "admin-holidays-about",
    needs: Permission::Supervise,
};
const STAFF: AdminPage = AdminPage {
    path: "/admin/staff",
    title: "admin-staff-title",
    about: "admin-staff-about",
    needs: Permission::Administer,
};

/// The index's list, in its order; the FAQ and canned-response editors live in `content`,
/// the service points' in `points`.
const PAGES: &[AdminPage] = &[
    QUEUES,
    CATEGORIES,
    SLA_POLICIES,
    HOLIDAYS,
    STAFF,
    AdminPage {
        path: "/admin/faq",
        title: "content-faq-title",
        about: "admin-faq-about",
        needs: Permission::Administer,
    },
    AdminPage {
        path: "/admin/canned",
        title: "content-canned-title",
        about: "admin-canned-about",
        needs: Permission::Administer,
    },
    AdminPage {
        path: "/admin/points",
        title: "points-title",
        about: "points-about",
        needs: Permission::Supervise,
    },
];

/// A year's holidays fit in a year.
const MAX_HOLIDAYS: usize = 366;
/// An SLA target longer than a year's minutes is a typing slip (a zero too many); the API
/// takes any positive number, the form stops there.
const MAX_MINUTES: i64 = 525_600;
/// The years the holiday calendar takes (the API's range).
const YEARS: RangeInclusive<i16> = 2000..=2100;

/// What a list page may be asked: a row to edit, or what was just saved.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    edit: Option<String>,
    saved: Option<String>,
    year: Option<String>,
}

/// A handler's answer: the page, or where it stopped (403, a forged form, a store error).
type Page = Result<Response, Response>;

// ---------------------------------------------------------------------------------------
// The skeleton
// ---------------------------------------------------------------------------------------

/// What a settings page has of its own; [`show`] and [`save`] do the rest the same way
/// for each.
trait Settings {
    const PAGE: AdminPage;
    /// What the page lists, and what its form chooses from.
    type Data: Send + Sync;
    /// The form as posted.
    type Form: DeserializeOwned + Default + Send + Sync + 'static;
    /// What a valid form writes.
    type Row: Send;

    fn load(state: &AppState) -> impl Future<Output = Result<Self::Data, AppError>> + Send;
    /// The list and the form, under the page's heading and the line about it.
    fn body(desk: &Desk, data: &Self::Data, form: &Self::Form, errors: &[String]) -> Markup;
    /// The anti-forgery token the form carries.
    fn csrf(form: &Self::Form) -> &str;
    /// The form read whole, every problem noted in `check`.
    fn parse(check: &mut Check, data: &Self::Data, form: &Self::Form) -> Self::Row;
    fn write(
        state: &AppState,
        row: Self::Row,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Where the browser goes once `row` is saved: the list, naming what was saved.
    fn saved(row: &Self::Row) -> String;
}

/// A settings page whose rows are edited one at a time, `?edit=key`.
trait Editable: Settings {
    /// The form's heading when adding (a Fluent key).
    const ADD: &'static str;
    /// The form's heading when editing: its Fluent key, and the argument naming the row.
    const EDIT: (&'static str, &'static str);
    fn rows(data: &Self::Data) -> &[Self::Row];
    /// The row's key: its code or id, read-only while it is edited.
    fn key(row: &Self::Row) -> &str;
    /// The form filled from a row.
    fn form_of(row: &Self::Row, lang: Lang) -> Self::Form;
}

/// Where a saved row sends the browser: the list, naming it.
fn saved_row<T: Editable>(row: &T::Row) -> String {
    format!("{}?saved={}", T::PAGE.path, encode(T::key(row)))
}

/// `GET` an editable list: its rows and a form to add one (or edit `?edit=key`).
async fn show<T: Editable>(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<ListQuery>,
) -> Page {
    desk.require(T::PAGE.needs)?;
    let data = load::<T>(&state, &desk).await?;
    let form = q
        .edit
        .and_then(|key| T::rows(&data).iter().find(|row| T::key(row) == key))
        .map(|row| T::form_of(row, desk.lang))
        .unwrap_or_default();
    Ok(render::<T>(&desk, &data, &form, &[], q.saved.as_deref()))
}

/// `POST` a settings form: checked whole, then written (the settings cache dropped) and
/// the browser sent to the list, or shown again with its problems.
async fn save<T: Settings>(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<T::Form>,
) -> Page {
    desk.require(T::PAGE.needs)?;
    desk.check(T::csrf(&form))?;
    let data = load::<T>(&state, &desk).await?;
    let mut check = Check::new(desk.lang);
    let row = T::parse(&mut check, &data, &form);
    if !check.ok() {
        let page = render::<T>(&desk, &data, &form, &check.errors, None);
        return Ok(refused(page));
    }
    let to = T::saved(&row);
    or_page(&desk, T::PAGE.path, T::write(&state, row).await)?;
    state.app.invalidate_settings();
    Ok(see_other(&to))
}

/// A page's data, or the error page.
async fn load<T: Settings>(state: &AppState, desk: &Desk) -> Result<T::Data, Response> {
    T::load(state)
        .await
        .map_err(|e| failed(desk, T::PAGE.path, e))
}

fn render<T: Settings>(
    desk: &Desk,
    data: &T::Data,
    form: &T::Form,
    errors: &[String],
    saved: Option<&str>,
) -> Response {
    section_page(desk, &T::PAGE, saved, T::body(desk, data, form, errors))
}

// ---------------------------------------------------------------------------------------
// Page parts
// ---------------------------------------------------------------------------------------

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

/// One of the pages the index lists, with the line about it above its body.
fn section_page(desk: &Desk, page: &AdminPage, saved: Option<&str>, body: Markup) -> Response {
    let lang = desk.lang;
    let body = html! {
        p { (t(lang, page.about)) }
        (body)
    };
    admin_page(desk, page.path, &t(lang, page.title), saved, body)
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

/// A list's column heads (Fluent keys); an editable list ends with its edit links' column.
fn heads(lang: Lang, keys: &[&str], editable: bool) -> Markup {
    html! {
        thead { tr {
            @for key in keys { th { (t(lang, key)) } }
            @if editable { th { span.visually-hidden { (t(lang, "admin-edit")) } } }
        } }
    }
}

/// A row's edit link, `path?edit=key`.
fn edit_cell<T: Editable>(lang: Lang, row: &T::Row) -> Markup {
    let href = format!("{}?edit={}", T::PAGE.path, encode(T::key(row)));
    html! {
        td { a href=(href) { (t(lang, "admin-edit")) } }
    }
}

/// The form under a list: its heading, the problems found, and the fields with the
/// session's token.
fn form_card(
    desk: &Desk,
    action: &str,
    heading: &str,
    errors: &[String],
    autocomplete: Option<&str>,
    fields: Markup,
) -> Markup {
    html! {
        section.card #form {
            h2 { (heading) }
            (errors_box(Some(t(desk.lang, "admin-errors")), errors))
            form method="post" action=(action) accept-charset="utf-8" autocomplete=[autocomplete] {
                (desk.csrf_field())
                (fields)
            }
        }
    }
}

/// The form of an editable list: it adds a row, or while `editing` names one, saves that
/// (its key rides along, and a link offers a blank form instead).
fn edit_form<T: Editable>(desk: &Desk, editing: &str, errors: &[String], fields: Markup) -> Markup {
    let lang = desk.lang;
    let path = T::PAGE.path;
    let heading = if editing.is_empty() {
        t(lang, T::ADD)
    } else {
        let (key, arg) = T::EDIT;
        t_args(lang, key, &[(arg, editing.to_string().into())])
    };
    let fields = html! {
        input type="hidden" name="editing" value=(editing);
        (fields)
        p.actions {
            button type="submit" { (t(lang, "admin-save")) }
            @if !editing.is_empty() { " " a href=(path) { (t(lang, "admin-add-new")) } }
        }
    };
    form_card(desk, path, &heading, errors, None, fields)
}

/// A labelled field, with a hint under it tied to the input for screen readers; `input`
/// gets the hint's id.
fn field(
    name: &str,
    label: &str,
    hint: Option<&str>,
    input: impl FnOnce(Option<&str>) -> Markup,
) -> Markup {
    let hint_id = format!("{name}-hint");
    html! {
        p {
            label for=(name) { (label) }
            br;
            (input(hint.map(|_| hint_id.as_str())))
            @if let Some(hint) = hint {
                br;
                small id=(hint_id) { (hint) }
            }
        }
    }
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
    field(name, label, hint, |described| {
        html! {
            input id=(name) name=(name) value=(value) maxlength=(max) required readonly[readonly]
                aria-describedby=[described];
        }
    })
}

/// A number field: text with a numeric keyboard, so Bengali digits are accepted too.
fn number_input(name: &str, label: &str, value: &str, hint: Option<&str>) -> Markup {
    field(name, label, hint, |described| {
        html! {
            input id=(name) name=(name) value=(value) inputmode="numeric" required
                aria-describedby=[described];
        }
    })
}

/// A row's code and its names in both languages, as queues and categories have them.
fn code_and_names(
    lang: Lang,
    (code, name_bn, name_en): (&str, &str, &str),
    editing: bool,
    code_hint: &str,
) -> Markup {
    html! {
        (text_input("code", &t(lang, "admin-code"), code, 60, editing, Some(t(lang, code_hint).as_str())))
        (text_input("name_bn", &t(lang, "admin-name-bn"), name_bn, 120, false, None))
        (text_input("name_en", &t(lang, "admin-name-en"), name_en, 120, false, None))
    }
}

// ---------------------------------------------------------------------------------------
// Reading a form
// ---------------------------------------------------------------------------------------

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

    /// `message` about the field labelled `key`, with more arguments.
    fn fail_field(&mut self, message: &str, key: &str, more: &[(&str, FluentValue<'_>)]) {
        let mut args = vec![("field", FluentValue::from(t(self.lang, key)))];
        args.extend(more.iter().map(|(k, v)| (*k, v.clone())));
        self.fail(message, &args);
    }

    /// A choice that is not on the list.
    fn choose(&mut self, key: &str) {
        self.fail_field("admin-err-choose", key, &[]);
    }

    /// A required text, NFC-cleaned and bounded (as the API cleans it).
    fn text(&mut self, key: &str, value: &str, max: usize) -> String {
        match required_text("text", value, max) {
            Ok(v) => v,
            Err(InputError::TooLong { .. }) => {
                let max = self.lang.int(i64::try_from(max).unwrap_or(i64::MAX));
                self.fail_field("admin-err-too-long", key, &[("max", max.into())]);
                String::new()
            }
            Err(_) => {
                self.fail_field("admin-err-required", key, &[]);
                String::new()
            }
        }
    }

    /// A queue or category code: `[a-z0-9_.]`, 1–60 (the API's rule).
    fn code(&mut self, key: &str, value: &str) -> String {
        let code = value.trim();
        if !crate::api::admin::is_code(code) {
            self.fail_field("admin-err-code", key, &[]);
        }
        code.to_string()
    }

    /// A whole number in `range`, in Bengali or ASCII digits.
    fn number(&mut self, key: &str, value: &str, range: RangeInclusive<i64>) -> i64 {
        match ascii_digits(value.trim()).parse::<i64>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                let (min, max) = (self.lang.int(*range.start()), self.lang.int(*range.end()));
                self.out_of_range(key, min, max);
                *range.start()
            }
        }
    }

    /// A year the calendar takes, its bounds written without grouping.
    fn year(&mut self, key: &str, value: &str) -> i16 {
        parse_year(value).unwrap_or_else(|| {
            let (min, max) = (YEARS.start().to_string(), YEARS.end().to_string());
            self.out_of_range(key, self.lang.digits(&min), self.lang.digits(&max));
            *YEARS.start()
        })
    }

    fn out_of_range(&mut self, key: &str, min: String, max: String) {
        self.fail_field(
            "admin-err-number",
            key,
            &[("min", min.into()), ("max", max.into())],
        );
    }

    /// A new row's key must be free; an edit keeps its own.
    fn free(&mut self, editing: &str, key: &str, taken: bool) {
        if editing.is_empty() && taken {
            self.fail("admin-err-exists", &[("code", key.to_string().into())]);
        }
    }

    fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A year from the form or the address, in Bengali or ASCII digits, if the calendar takes it.
fn parse_year(value: &str) -> Option<i16> {
    ascii_digits(value.trim())
        .parse::<i16>()
        .ok()
        .filter(|y| YEARS.contains(y))
}

/// The row a form saves: the one being edited (its code field is read-only, but a form
/// can be made to send anything, and an edit must never land on another row), else the
/// code typed for a new one.
fn key_of<'a>(editing: &'a str, typed: &'a str) -> &'a str {
    if editing.is_empty() { typed } else { editing }
}

/// `GET /admin`: the pages this role may open.
pub async fn index(desk: Desk) -> Page {
    desk.require(Permission::Supervise)?;
    let lang = desk.lang;
    let body = html! {
        h1 { (t(lang, "admin-title")) }
        p { (t(lang, "admin-intro")) }
        ul.admin-index {
            @for page in PAGES {
                @if desk.can(page.needs) {
                    li {
                        a href=(page.path) { strong { (t(lang, page.title)) } }
                        br;
                        span.muted { (t(lang, page.about)) }
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
#[serde(default)]
pub struct QueueForm {
    csrf: String,
    /// The code being edited; empty when adding, so an add never overwrites.
    editing: String,
    code: String,
    name_bn: String,
    name_en: String,
}

/// The queues page.
struct Queues;

impl Settings for Queues {
    const PAGE: AdminPage = QUEUES;
    type Data = Vec<Queue>;
    type Form = QueueForm;
    type Row = Queue;

    async fn load(state: &AppState) -> Result<Vec<Queue>, AppError> {
        let mut list = state.app.store.queues().await?;
        list.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(list)
    }

    fn body(desk: &Desk, list: &Vec<Queue>, form: &QueueForm, errors: &[String]) -> Markup {
        let lang = desk.lang;
        let fields = code_and_names(
            lang,
            (&form.code, &form.name_bn, &form.name_en),
            !form.editing.is_empty(),
            "admin-code-hint",
        );
        html! {
            table.list {
                (heads(lang, &["admin-code", "admin-name-bn", "admin-name-en"], true))
                tbody {
                    @for q in list {
                        tr {
                            td { code { (q.code) } }
                            td lang="bn" { (q.name_bn) }
                            td lang="en" { (q.name_en) }
                            (edit_cell::<Self>(lang, q))
                        }
                    }
                }
            }
            (edit_form::<Self>(desk, &form.editing, errors, fields))
        }
    }

    fn csrf(form: &QueueForm) -> &str {
        &form.csrf
    }

    fn parse(check: &mut Check, list: &Vec<Queue>, form: &QueueForm) -> Queue {
        let code = check.code("admin-code", key_of(&form.editing, &form.code));
        let queue = Queue {
            code: code.clone(),
            name_bn: check.text("admin-name-bn", &form.name_bn, 120),
            name_en: check.text("admin-name-en", &form.name_en, 120),
        };
        check.free(&form.editing, &code, list.iter().any(|x| x.code == code));
        queue
    }

    async fn write(state: &AppState, queue: Queue) -> Result<(), StoreError> {
        state.app.store.upsert_queue(queue).await
    }

    fn saved(queue: &Queue) -> String {
        saved_row::<Self>(queue)
    }
}

impl Editable for Queues {
    const ADD: &str = "admin-queue-add";
    const EDIT: (&str, &str) = ("admin-queue-edit", "code");

    fn rows(list: &Vec<Queue>) -> &[Queue] {
        list
    }

    fn key(queue: &Queue) -> &str {
        &queue.code
    }

    fn form_of(x: &Queue, _: Lang) -> QueueForm {
        QueueForm {
            editing: x.code.clone(),
            code: x.code.clone(),
            name_bn: x.name_bn.clone(),
            name_en: x.name_en.clone(),
            ..QueueForm::default()
        }
    }
}

// ---------------------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CategoryForm {
    csrf: String,
    editing: String,
    code: String,
    name_bn: String,
    name_en: String,
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

/// The categories page.
struct Categories;

/// The categories, and the queues they may route to.
struct Taxonomy {
    list: Vec<Category>,
    queues: Vec<Queue>,
}

impl Settings for Categories {
    const PAGE: AdminPage = CATEGORIES;
    type Data = Taxonomy;
    type Form = CategoryForm;
    type Row = Category;

    async fn load(state: &AppState) -> Result<Taxonomy, AppError> {
        let list = state.app.store.categories().await?;
        let queues = Queues::load(state).await?;
        Ok(Taxonomy { list, queues })
    }

    fn body(desk: &Desk, data: &Taxonomy, form: &CategoryForm, errors: &[String]) -> Markup {
        let lang = desk.lang;
        let queue_name = |code: &str| {
            data.queues
                .iter()
                .find(|q| q.code == code)
                .map(|q| lang.pick(&q.name_bn, &q.name_en).to_string())
                .unwrap_or_else(|| code.to_string())
        };
        let fields = html! {
            (code_and_names(
                lang,
                (&form.code, &form.name_bn, &form.name_en),
                !form.editing.is_empty(),
                "admin-category-code-hint",
            ))
            (field("queue", &t(lang, "admin-category-queue"), None, |_| html! {
                select id="queue" name="queue" required {
                    option value="" { (t(lang, "admin-choose")) }
                    @for q in &data.queues {
                        option value=(q.code) selected[q.code == form.queue] {
                            (lang.pick(&q.name_bn, &q.name_en)) " (" (q.code) ")"
                        }
                    }
                }
            }))
        };
        html! {
            table.list.tree {
                (heads(lang, &["admin-code", "admin-name-bn", "admin-name-en", "admin-category-queue"], true))
                tbody {
                    @for (c, child) in tree(&data.list) {
                        tr.child[child] {
                            td { @if child { "↳ " } code { (c.code) } }
                            td lang="bn" { (c.name_bn) }
                            td lang="en" { (c.name_en) }
                            td { (queue_name(&c.queue)) }
                            (edit_cell::<Self>(lang, c))
                        }
                    }
                }
            }
            (edit_form::<Self>(desk, &form.editing, errors, fields))
        }
    }

    fn csrf(form: &CategoryForm) -> &str {
        &form.csrf
    }

    /// `mfs.cash_out` is a child of `mfs`, which must exist; there are two levels.
    fn parse(check: &mut Check, data: &Taxonomy, form: &CategoryForm) -> Category {
        let list = &data.list;
        let code = check.code("admin-code", key_of(&form.editing, &form.code));
        let name_bn = check.text("admin-name-bn", &form.name_bn, 120);
        let name_en = check.text("admin-name-en", &form.name_en, 120);
        let queue = form.queue.trim().to_string();
        if !data.queues.iter().any(|q| q.code == queue) {
            check.choose("admin-category-queue");
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
        check.free(&form.editing, &code, list.iter().any(|c| c.code == code));
        Category {
            code,
            parent,
            name_bn,
            name_en,
            queue,
        }
    }

    async fn write(state: &AppState, category: Category) -> Result<(), StoreError> {
        state.app.store.upsert_category(category).await
    }

    fn saved(category: &Category) -> String {
        saved_row::<Self>(category)
    }
}

impl Editable for Categories {
    const ADD: &str = "admin-category-add";
    const EDIT: (&str, &str) = ("admin-category-edit", "code");

    fn rows(data: &Taxonomy) -> &[Category] {
        &data.list
    }

    fn key(category: &Category) -> &str {
        &category.code
    }

    fn form_of(x: &Category, _: Lang) -> CategoryForm {
        CategoryForm {
            editing: x.code.clone(),
            code: x.code.clone(),
            name_bn: x.name_bn.clone(),
            name_en: x.name_en.clone(),
            queue: x.queue.clone(),
            ..CategoryForm::default()
        }
    }
}

// ---------------------------------------------------------------------------------------
// SLA policies
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PolicyForm {
    csrf: String,
    editing: String,
    id: String,
    /// Empty: any category.
    category: String,
    /// Empty: any priority.
    priority: String,
    ack_minutes: String,
    first_response_minutes: String,
    resolution_minutes: String,
    max_calendar_days: String,
    at_risk_percent: String,
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

/// The SLA policies page. A saved policy applies to new cases at once on this node; cases
/// already open keep the deadlines they were given.
struct Policies;

/// The policies, and the categories they may be for.
struct PolicyData {
    list: Vec<SlaPolicy>,
    categories: Vec<Category>,
}

impl Settings for Policies {
    const PAGE: AdminPage = SLA_POLICIES;
    type Data = PolicyData;
    type Form = PolicyForm;
    type Row = SlaPolicy;

    async fn load(state: &AppState) -> Result<PolicyData, AppError> {
        let mut list = state.app.store.sla_policies().await?;
        list.sort_by(|a, b| a.id.cmp(&b.id));
        let categories = state.app.store.categories().await?;
        Ok(PolicyData { list, categories })
    }

    fn body(desk: &Desk, data: &PolicyData, form: &PolicyForm, errors: &[String]) -> Markup {
        let lang = desk.lang;
        let editing = !form.editing.is_empty();
        let any = t(lang, "admin-sla-any");
        let category_name = |code: &str| {
            data.categories
                .iter()
                .find(|c| c.code == code)
                .map(|c| lang.pick(&c.name_bn, &c.name_en).to_string())
                .unwrap_or_else(|| code.to_string())
        };
        let minutes_hint = t(lang, "admin-sla-minutes-hint");
        let fields = html! {
            (text_input("id", &t(lang, "admin-sla-id"), &form.id, 60, editing, None))
            (field("category", &t(lang, "admin-sla-category"), None, |_| html! {
                select id="category" name="category" {
                    option value="" { (any) }
                    @for (c, child) in tree(&data.categories) {
                        option value=(c.code) selected[c.code == form.category] {
                            @if child { "— " } (lang.pick(&c.name_bn, &c.name_en)) " (" (c.code) ")"
                        }
                    }
                }
            }))
            (field("priority", &t(lang, "admin-sla-priority"), None, |_| html! {
                select id="priority" name="priority" {
                    option value="" { (any) }
                    @for pr in Priority::ALL {
                        option value=(pr.as_str()) selected[pr.as_str() == form.priority] {
                            (t(lang, &format!("admin-priority-{}", pr.as_str())))
                        }
                    }
                }
            }))
            (number_input("ack_minutes", &t(lang, "admin-sla-ack-minutes"), &form.ack_minutes, Some(minutes_hint.as_str())))
            (number_input("first_response_minutes", &t(lang, "admin-sla-first-response-minutes"), &form.first_response_minutes, None))
            (number_input("resolution_minutes", &t(lang, "admin-sla-resolution-minutes"), &form.resolution_minutes, None))
            (number_input("max_calendar_days", &t(lang, "admin-sla-max-days"), &form.max_calendar_days, Some(t(lang, "admin-sla-max-days-hint").as_str())))
            (number_input("at_risk_percent", &t(lang, "admin-sla-at-risk"), &form.at_risk_percent, Some(t(lang, "admin-sla-at-risk-hint").as_str())))
        };
        let columns = [
            "admin-sla-id",
            "admin-sla-category",
            "admin-sla-priority",
            "admin-sla-ack",
            "admin-sla-first-response",
            "admin-sla-resolution",
            "admin-sla-max-days",
            "admin-sla-at-risk",
        ];
        html! {
            table.list {
                (heads(lang, &columns, true))
                tbody {
                    @for p in &data.list {
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
                            (edit_cell::<Self>(lang, p))
                        }
                    }
                }
            }
            (edit_form::<Self>(desk, &form.editing, errors, fields))
        }
    }

    fn csrf(form: &PolicyForm) -> &str {
        &form.csrf
    }

    /// The API's ranges.
    fn parse(check: &mut Check, data: &PolicyData, form: &PolicyForm) -> SlaPolicy {
        let id = check.text("admin-sla-id", key_of(&form.editing, &form.id), 60);
        let category = Some(form.category.trim().to_string()).filter(|c| !c.is_empty());
        if let Some(c) = &category
            && !data.categories.iter().any(|x| &x.code == c)
        {
            check.choose("admin-sla-category");
        }
        let priority = match form.priority.trim() {
            "" => None,
            p => p.parse::<Priority>().ok().or_else(|| {
                check.choose("admin-sla-priority");
                None
            }),
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
        let max_calendar_days =
            check.number("admin-sla-max-days", &form.max_calendar_days, 1..=365);
        let at_risk_percent = check.number("admin-sla-at-risk", &form.at_risk_percent, 0..=100);
        check.free(&form.editing, &id, data.list.iter().any(|p| p.id == id));
        SlaPolicy {
            id,
            category,
            priority,
            ack_minutes,
            first_response_minutes,
            resolution_minutes,
            max_calendar_days,
            at_risk_percent,
        }
    }

    async fn write(state: &AppState, policy: SlaPolicy) -> Result<(), StoreError> {
        state.app.store.upsert_sla_policy(policy).await
    }

    fn saved(policy: &SlaPolicy) -> String {
        saved_row::<Self>(policy)
    }
}

impl Editable for Policies {
    const ADD: &str = "admin-sla-add";
    const EDIT: (&str, &str) = ("admin-sla-edit", "id");

    fn rows(data: &PolicyData) -> &[SlaPolicy] {
        &data.list
    }

    fn key(policy: &SlaPolicy) -> &str {
        &policy.id
    }

    fn form_of(p: &SlaPolicy, lang: Lang) -> PolicyForm {
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

// ---------------------------------------------------------------------------------------
// Holidays
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HolidaysForm {
    csrf: String,
    year: String,
    /// One a line: `YYYY-MM-DD নাম`, or `YYYY-MM-DD নাম | Name` with an English name.
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

/// The holiday calendar: a POST replaces one year's holidays (as gazetted; Eid dates move),
/// and an empty list clears the year.
struct Holidays;

impl Settings for Holidays {
    const PAGE: AdminPage = HOLIDAYS;
    type Data = Vec<Holiday>;
    type Form = HolidaysForm;
    type Row = (i16, Vec<Holiday>);

    async fn load(state: &AppState) -> Result<Vec<Holiday>, AppError> {
        let mut all = state.app.store.holidays().await?;
        all.sort_by_key(|h| h.date);
        Ok(all)
    }

    fn body(desk: &Desk, all: &Vec<Holiday>, form: &HolidaysForm, errors: &[String]) -> Markup {
        let lang = desk.lang;
        let mut by_year: BTreeMap<i16, Vec<&Holiday>> = BTreeMap::new();
        for h in all {
            by_year.entry(h.date.year()).or_default().push(h);
        }
        let fields = html! {
            (number_input("year", &t(lang, "admin-holidays-year"), &form.year, None))
            (field("days", &t(lang, "admin-holidays-lines"), Some(&t(lang, "admin-holidays-hint")), |described| html! {
                textarea id="days" name="days" rows="14" aria-describedby=[described] { (form.days) }
            }))
            p.muted { (t(lang, "admin-holidays-replace")) }
            p { button type="submit" { (t(lang, "admin-save")) } }
        };
        html! {
            @if by_year.is_empty() {
                p.muted { (t(lang, "admin-holidays-none")) }
            }
            @for (year, days) in by_year.iter().rev() {
                section.holiday-year {
                    h2 {
                        (lang.digits(&year.to_string())) " "
                        small { a href=(format!("{}?year={year}#form", HOLIDAYS.path)) { (t(lang, "admin-edit")) } }
                    }
                    table.list {
                        (heads(lang, &["admin-date", "admin-name-bn", "admin-name-en"], false))
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
            (form_card(desk, HOLIDAYS.path, &t(lang, "admin-holidays-set"), errors, None, fields))
        }
    }

    fn csrf(form: &HolidaysForm) -> &str {
        &form.csrf
    }

    fn parse(check: &mut Check, _: &Vec<Holiday>, form: &HolidaysForm) -> (i16, Vec<Holiday>) {
        let year = check.year("admin-holidays-year", &form.year);
        let days = if check.ok() {
            parse_holidays(check, year, &form.days)
        } else {
            Vec::new()
        };
        (year, days)
    }

    async fn write(state: &AppState, (year, days): (i16, Vec<Holiday>)) -> Result<(), StoreError> {
        state.app.store.set_holidays(year, days).await
    }

    fn saved((year, _): &(i16, Vec<Holiday>)) -> String {
        format!("{}?year={year}&saved={year}", HOLIDAYS.path)
    }
}

/// `GET /admin/holidays?year=2026`: every year's holidays, and the form for one year
/// (this year unless asked), filled with what that year has.
pub async fn holidays(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<ListQuery>,
) -> Page {
    desk.require(HOLIDAYS.needs)?;
    let lang = desk.lang;
    let all = load::<Holidays>(&state, &desk).await?;
    let this_year = match state.app.snapshot().await {
        Ok(snap) => state
            .app
            .now()
            .to_zoned(snap.calendar.time_zone().clone())
            .year(),
        Err(e) => return Err(failed(&desk, HOLIDAYS.path, e)),
    };
    let year = q.year.as_deref().and_then(parse_year).unwrap_or(this_year);
    let days: Vec<&Holiday> = all.iter().filter(|h| h.date.year() == year).collect();
    let form = HolidaysForm {
        year: lang.digits(&year.to_string()),
        days: holiday_lines(lang, &days),
        ..HolidaysForm::default()
    };
    let saved = q.saved.map(|y| lang.digits(&y));
    Ok(render::<Holidays>(
        &desk,
        &all,
        &form,
        &[],
        saved.as_deref(),
    ))
}

// ---------------------------------------------------------------------------------------
// Staff
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StaffForm {
    csrf: String,
    username: String,
    display_name: String,
    role: String,
    /// Never shown again, not even on a refused form.
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
    let username_hint = t(lang, "admin-username-hint");
    let password_hint = t(lang, "admin-password-hint");
    let fields = html! {
        (field("username", &t(lang, "admin-username"), Some(&username_hint), |described| html! {
            input id="username" name="username" value=(form.username) maxlength="40" required
                autocapitalize="none" autocomplete="off" aria-describedby=[described];
        }))
        (text_input("display_name", &t(lang, "admin-display-name"), &form.display_name, 120, false, None))
        (field("role", &t(lang, "admin-role"), None, |_| html! {
            select id="role" name="role" required {
                option value="" { (t(lang, "admin-choose")) }
                @for r in Role::STAFF {
                    option value=(r.as_str()) selected[r.as_str() == form.role] {
                        (t(lang, &format!("role-{r}")))
                    }
                }
            }
        }))
        (field("password", &t(lang, "admin-password"), Some(&password_hint), |described| html! {
            input id="password" name="password" type="password" required minlength="12"
                autocomplete="new-password" aria-describedby=[described];
        }))
        p { button type="submit" { (t(lang, "admin-staff-add")) } }
    };
    let heads = heads(
        lang,
        &[
            "admin-username",
            "admin-display-name",
            "admin-role",
            "admin-state",
            "admin-staff-change",
        ],
        false,
    );
    let body = html! {
        table.list {
            (heads)
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
                        td {
                            // Not on one's own row: an admin cannot demote or lock out
                            // themselves by a slip.
                            @if u.id != desk.user.id {
                                form.inline-form method="post" action="/admin/staff/update" {
                                    (desk.csrf_field())
                                    input type="hidden" name="id" value=(u.id.0);
                                    select name="role" aria-label=(t(lang, "admin-role")) {
                                        @for r in Role::STAFF {
                                            option value=(r.as_str()) selected[*r == u.role] {
                                                (t(lang, &format!("role-{r}")))
                                            }
                                        }
                                    }
                                    label { input type="checkbox" name="disabled" value="1" checked[u.disabled];
                                        " " (t(lang, "admin-state-disabled")) }
                                    button.secondary type="submit" { (t(lang, "desk-save")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        (form_card(desk, STAFF.path, &t(lang, "admin-staff-add"), errors, Some("off"), fields))
    };
    section_page(desk, &STAFF, saved, body)
}

async fn user_list(state: &AppState, desk: &Desk) -> Result<Vec<User>, Response> {
    let mut users = or_page(desk, STAFF.path, state.app.store.users().await)?;
    users.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(users)
}

/// `GET /admin/staff`: who may log in, with what role, and a form to add someone.
pub async fn staff(State(state): State<AppState>, desk: Desk, Query(q): Query<ListQuery>) -> Page {
    desk.require(STAFF.needs)?;
    let users = user_list(&state, &desk).await?;
    let form = StaffForm::default();
    Ok(staff_page(
        &state,
        &desk,
        &users,
        &form,
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
    desk.require(STAFF.needs)?;
    desk.check(&form.csrf)?;
    let password = std::mem::take(&mut form.password);
    let mut check = Check::new(desk.lang);
    check.text("admin-username", &form.username, 40);
    check.text("admin-display-name", &form.display_name, 120);
    let role = form.role.trim().parse::<Role>().ok();
    if role.is_none() {
        check.choose("admin-role");
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
                    let to = format!("{}?saved={}", STAFF.path, encode(&username));
                    return Ok(see_other(&to));
                }
                Err(e) => {
                    let (status, errors) = error_texts(desk.lang, e);
                    if status.is_server_error() {
                        return Err(failed_with(&desk, STAFF.path, status, &errors));
                    }
                    errors
                }
            }
        }
        _ => check.errors,
    };
    let users = user_list(&state, &desk).await?;
    let page = staff_page(&state, &desk, &users, &form, &errors, None);
    Ok(refused(page))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StaffChange {
    csrf: String,
    id: String,
    role: String,
    /// A checkbox: present when ticked.
    disabled: Option<String>,
}

/// `POST /admin/staff/update`: another member's role, or their account disabled (which
/// ends their sessions at once) or enabled again, through `App::update_staff`, which
/// audits it.
pub async fn update_staff(
    State(state): State<AppState>,
    desk: Desk,
    Form(change): Form<StaffChange>,
) -> Page {
    desk.require(STAFF.needs)?;
    desk.check(&change.csrf)?;
    let id = change
        .id
        .trim()
        .parse::<i64>()
        .ok()
        .map(seba_core::ids::UserId);
    let role = change.role.trim().parse::<Role>().ok();
    let mut check = Check::new(desk.lang);
    if role.is_none() {
        check.choose("admin-role");
    }
    let errors = match (id, role) {
        (Some(id), Some(role)) if check.ok() => {
            let caller = Caller::staff(desk.user.id, desk.user.role);
            let disabled = change.disabled.is_some();
            match state.app.update_staff(id, role, disabled, caller).await {
                Ok(user) => {
                    let to = format!("{}?saved={}", STAFF.path, encode(&user.username));
                    return Ok(see_other(&to));
                }
                Err(seba_app::AppError::Forbidden(_)) => vec![t(desk.lang, "admin-staff-not-self")],
                Err(e) => {
                    let (status, errors) = error_texts(desk.lang, e);
                    if status.is_server_error() {
                        return Err(failed_with(&desk, STAFF.path, status, &errors));
                    }
                    errors
                }
            }
        }
        (None, _) => vec![t(desk.lang, "admin-staff-unknown")],
        _ => check.errors,
    };
    let users = user_list(&state, &desk).await?;
    let page = staff_page(&state, &desk, &users, &StaffForm::default(), &errors, None);
    Ok(refused(page))
}
