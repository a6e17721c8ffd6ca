//! The agent's workspace: inboxes, the case page and everything done from it (reply, note,
//! move through the lifecycle, assign, tag, merge), search, and CSV export of any list.
//!
//! Every handler starts from [`Desk`] (a live session) and asks the application, which
//! checks the role again; every form carries the session's anti-forgery token and the
//! case version it was drawn from, so a change made meanwhile by someone else is shown,
//! never overwritten. Replies and notes also carry a one-time key, so a double submit
//! adds one message. Lists are keyset-paged newest first (never `OFFSET`), which keeps an
//! inbox page as fast at a million cases as at a hundred.

use std::collections::HashMap;

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use seba_app::AppError;
use seba_app::cases::{Assignment, CasePatch, MessageInput};
use seba_core::case::{Case, MessageKind, Status};
use seba_core::ids::{CaseId, CaseNumber, UserId};
use seba_core::lifecycle::{self, Action};
use seba_core::sla::SlaState;
use seba_core::staff::Permission;
use seba_store::{Activity, CaseFilter, CaseOrder, PageRequest, SlaFilter, StoredMessage, User};

use super::staff::{Desk, desk_page, encode};
use super::{
    Lang, error_texts, errors_box, form_idem, replayed, see_other, t, t_args, with_status,
};
use crate::state::AppState;

/// Cases per inbox page.
const PAGE: u32 = 50;
/// Most rows one CSV export holds.
const EXPORT_MAX: usize = 10_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agent", get(inbox))
        .route("/agent/export.csv", get(export))
        .route("/agent/search", get(search))
        .route("/agent/search.csv", get(search_csv))
        .route("/agent/cases/{number}", get(case_page))
        .route("/agent/cases/{number}/message", post(message))
        .route("/agent/cases/{number}/transition", post(transition))
        .route("/agent/cases/{number}/assign", post(assign))
        .route("/agent/cases/{number}/tags", post(tags))
        .route("/agent/cases/{number}/merge", post(merge))
        .route("/agent/cases/{number}/presence", post(presence))
}

// ---------------------------------------------------------------------------------------
// Inboxes

/// Which cases an inbox shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum View {
    Mine,
    Unassigned,
    Queue(String),
    AtRisk,
    Breached,
    Pending,
    All,
}

impl View {
    fn parse(view: Option<&str>, queue: Option<&str>) -> Option<View> {
        Some(match view.unwrap_or("mine") {
            "mine" => View::Mine,
            "unassigned" => View::Unassigned,
            "queue" => View::Queue(queue.filter(|q| !q.is_empty())?.to_string()),
            "at_risk" => View::AtRisk,
            "breached" => View::Breached,
            "pending" => View::Pending,
            "all" => View::All,
            _ => return None,
        })
    }

    fn code(&self) -> &'static str {
        match self {
            View::Mine => "mine",
            View::Unassigned => "unassigned",
            View::Queue(_) => "queue",
            View::AtRisk => "at_risk",
            View::Breached => "breached",
            View::Pending => "pending",
            View::All => "all",
        }
    }

    /// The query string that names this view.
    fn query(&self) -> String {
        match self {
            View::Queue(q) => format!("view=queue&queue={}", encode(q)),
            v => format!("view={}", v.code()),
        }
    }

    /// The SLA views list the most urgent first; the others the newest first.
    fn order(&self) -> CaseOrder {
        match self {
            View::AtRisk | View::Breached => CaseOrder::DueSoonest,
            _ => CaseOrder::Newest,
        }
    }

    /// The page of this view that `q`'s cursor names.
    fn page(&self, q: &InboxQuery, limit: u32) -> PageRequest {
        let after_due = q.after.as_deref().and_then(|a| {
            let (due, id) = a.split_once('.')?;
            let due = Timestamp::from_microsecond(due.parse().ok()?).ok()?;
            Some((due, CaseId(id.parse().ok()?)))
        });
        PageRequest {
            before: q.before.map(CaseId),
            limit,
            order: self.order(),
            after_due,
        }
    }

    /// The query string of the page after the one ending with `last`.
    fn next(&self, last: &Case) -> String {
        match self.order() {
            CaseOrder::DueSoonest => format!(
                "{}&after={}.{}",
                self.query(),
                last.sla.resolution_due.as_microsecond(),
                last.id.0
            ),
            CaseOrder::Newest => format!("{}&before={}", self.query(), last.id.0),
        }
    }

    fn filter(&self, me: UserId) -> CaseFilter {
        let active = vec![
            Status::New,
            Status::Open,
            Status::PendingCustomer,
            Status::PendingThirdParty,
        ];
        let working = vec![Status::New, Status::Open];
        match self {
            View::Mine => CaseFilter {
                statuses: active,
                assignee: Some(Some(me)),
                ..CaseFilter::default()
            },
            View::Unassigned => CaseFilter {
                statuses: working,
                assignee: Some(None),
                ..CaseFilter::default()
            },
            View::Queue(q) => CaseFilter {
                statuses: active,
                queue: Some(q.clone()),
                ..CaseFilter::default()
            },
            View::AtRisk => CaseFilter {
                statuses: working,
                sla: Some(SlaFilter::AtRisk),
                ..CaseFilter::default()
            },
            View::Breached => CaseFilter {
                statuses: working,
                sla: Some(SlaFilter::Breached),
                ..CaseFilter::default()
            },
            View::Pending => CaseFilter {
                statuses: vec![Status::PendingCustomer, Status::PendingThirdParty],
                ..CaseFilter::default()
            },
            View::All => CaseFilter::default(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    view: Option<String>,
    queue: Option<String>,
    /// Keyset cursor of the newest-first views: show cases older than this id.
    before: Option<i64>,
    /// Keyset cursor of the deadline-ordered views: `<due in µs>.<id>` of the last case shown.
    after: Option<String>,
}

/// Names the page shows for people and queues.
struct Names {
    users: HashMap<UserId, User>,
    queues: Vec<(String, String, String)>,
}

impl Names {
    async fn load(state: &AppState) -> Result<Names, AppError> {
        let users = state
            .app
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let snap = state.app.snapshot().await?;
        let mut queues: Vec<(String, String, String)> = snap
            .queues
            .values()
            .map(|q| (q.code.clone(), q.name_bn.clone(), q.name_en.clone()))
            .collect();
        queues.sort();
        Ok(Names { users, queues })
    }

    fn user(&self, id: Option<UserId>) -> String {
        id.and_then(|id| self.users.get(&id))
            .map(|u| u.display_name.clone())
            .unwrap_or_default()
    }

    fn queue(&self, lang: Lang, code: Option<&str>) -> String {
        let Some(code) = code else {
            return String::new();
        };
        self.queues
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, bn, en)| lang.pick(bn, en).to_string())
            .unwrap_or_else(|| code.to_string())
    }
}

/// A date and time in Dhaka for this language (`২২/১১/২০২৬ ১৪:০৫` or `22 Nov 2026 14:05`).
pub fn when(state: &AppState, lang: Lang, at: Timestamp) -> String {
    let tz =
        jiff::tz::TimeZone::get(&state.app.settings.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let z = at.to_zoned(tz);
    match lang {
        Lang::Bn => lang.digits(&z.strftime("%d/%m/%Y %H:%M").to_string()),
        Lang::En => z.strftime("%-d %b %Y %H:%M").to_string(),
    }
}

fn sla_code(s: SlaState) -> &'static str {
    match s {
        SlaState::OnTrack => "on_track",
        SlaState::AtRisk => "at_risk",
        SlaState::Breached => "breached",
        SlaState::Paused => "paused",
        SlaState::Met => "met",
        SlaState::Missed => "missed",
    }
}

fn status_words(lang: Lang, s: Status) -> String {
    t(lang, &format!("status-{}", s.as_str()))
}

fn case_table(state: &AppState, lang: Lang, names: &Names, cases: &[Case]) -> Markup {
    let now = state.app.now();
    html! {
        div.table-wrap { table.list {
            thead { tr {
                th { (t(lang, "desk-col-number")) }
                th { (t(lang, "desk-col-subject")) }
                th { (t(lang, "desk-col-status")) }
                th { (t(lang, "desk-col-sla")) }
                th { (t(lang, "desk-col-queue")) }
                th { (t(lang, "desk-col-assignee")) }
                th { (t(lang, "desk-col-updated")) }
            } }
            tbody {
                @for c in cases {
                    @let sla = c.sla.state(now);
                    tr data-row {
                        td { a href=(format!("/agent/cases/{}", c.number().digits())) {
                            (lang.digits(&c.number().to_string())) } }
                        td { (c.subject) }
                        td { (status_words(lang, c.status)) }
                        td { span class=(format!("pill {}", sla_code(sla))) {
                            (t(lang, &format!("sla-{}", sla_code(sla)))) } }
                        td { (names.queue(lang, c.queue.as_deref())) }
                        td { (names.user(c.assignee)) }
                        td { (when(state, lang, c.updated_at)) }
                    }
                }
            }
        } }
    }
}

fn error_page(desk: &Desk, e: AppError) -> Response {
    let (status, errors) = error_texts(desk.lang, e);
    let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
        StatusCode::BAD_REQUEST
    } else {
        status
    };
    let body = html! {
        h1 { (t(desk.lang, "desk-error-title")) }
        (errors_box(None, &errors))
        p { a href="/agent" { (t(desk.lang, "desk-back-to-inbox")) } }
    };
    with_status(
        desk_page(desk, "", &t(desk.lang, "desk-error-title"), body),
        status,
    )
}

fn not_found(desk: &Desk) -> Response {
    let body = html! {
        h1 { (t(desk.lang, "desk-not-found")) }
        p { a href="/agent" { (t(desk.lang, "desk-back-to-inbox")) } }
    };
    with_status(
        desk_page(desk, "", &t(desk.lang, "desk-not-found"), body),
        StatusCode::NOT_FOUND,
    )
}

/// `GET /agent`: an inbox view, newest first, 50 a page.
pub async fn inbox(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<InboxQuery>,
) -> Response {
    if let Err(res) = desk.require(Permission::ReadCases) {
        return res;
    }
    let lang = desk.lang;
    let Some(view) = View::parse(q.view.as_deref(), q.queue.as_deref()) else {
        return not_found(&desk);
    };
    let names = match Names::load(&state).await {
        Ok(n) => n,
        Err(e) => return error_page(&desk, e),
    };
    let page = view.page(&q, PAGE + 1);
    let mut cases = match state
        .app
        .list_cases(view.filter(desk.user.id), page, desk_caller(&desk))
        .await
    {
        Ok(c) => c,
        Err(e) => return error_page(&desk, e),
    };
    let more = cases.len() > PAGE as usize;
    cases.truncate(PAGE as usize);
    let views = [
        View::Mine,
        View::Unassigned,
        View::AtRisk,
        View::Breached,
        View::Pending,
        View::All,
    ];
    let title = match &view {
        View::Queue(code) => t_args(
            lang,
            "desk-view-queue-named",
            &[("queue", names.queue(lang, Some(code)).into())],
        ),
        v => t(lang, &format!("desk-view-{}", v.code())),
    };
    let body = html! {
        form.inline-form method="get" action="/agent/search" role="search" {
            label for="q" { (t(lang, "desk-search-label")) }
            input id="q" name="q" type="search" placeholder=(t(lang, "desk-search-placeholder"));
            button type="submit" { (t(lang, "desk-search-go")) }
        }
        nav.inbox-views aria-label=(t(lang, "desk-views-label")) {
            @for v in &views {
                @if *v == view {
                    a href=(format!("/agent?{}", v.query())) aria-current="page" { (t(lang, &format!("desk-view-{}", v.code()))) }
                } @else {
                    a href=(format!("/agent?{}", v.query())) { (t(lang, &format!("desk-view-{}", v.code()))) }
                }
            }
            @for (code, bn, en) in &names.queues {
                @let v = View::Queue(code.clone());
                @if v == view {
                    a href=(format!("/agent?{}", v.query())) aria-current="page" { (lang.pick(bn, en)) }
                } @else {
                    a href=(format!("/agent?{}", v.query())) { (lang.pick(bn, en)) }
                }
            }
        }
        h1 { (title) }
        @if cases.is_empty() {
            p.card { (t(lang, "desk-empty")) }
        } @else {
            (case_table(&state, lang, &names, &cases))
        }
        p.actions {
            @if more {
                @if let Some(last) = cases.last() {
                    a.button.secondary href=(format!("/agent?{}", view.next(last))) {
                        (t(lang, if view.order() == CaseOrder::Newest { "desk-older" } else { "desk-next" })) }
                    " "
                }
            }
            a href=(format!("/agent/export.csv?{}", view.query())) download { (t(lang, "desk-export")) }
        }
        (shortcuts_help(lang))
    };
    desk_page(&desk, &format!("/agent?{}", view.query()), &title, body)
}

fn desk_caller(desk: &Desk) -> seba_app::cases::Caller {
    seba_app::cases::Caller::staff(desk.user.id, desk.user.role)
}

fn shortcuts_help(lang: Lang) -> Markup {
    html! {
        details #shortcuts {
            summary { (t(lang, "desk-shortcuts")) " " kbd { "?" } }
            ul {
                li { kbd { "/" } " " (t(lang, "desk-key-search")) }
                li { kbd { "j" } " " kbd { "k" } " " (t(lang, "desk-key-move")) " · " kbd { "Enter" } " " (t(lang, "desk-key-open")) }
                li { kbd { "r" } " " (t(lang, "desk-key-reply")) " · " kbd { "n" } " " (t(lang, "desk-key-note")) }
                li { kbd { "a" } " " (t(lang, "desk-key-take")) " · " kbd { "s" } " " (t(lang, "desk-key-resolve")) }
                li { kbd { "Ctrl" } "+" kbd { "Enter" } " " (t(lang, "desk-key-send")) " · " kbd { "g" } " " (t(lang, "desk-key-inbox")) }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// CSV export

/// A cell as a spreadsheet will not run: text starting with `=`, `+`, `-`, `@` (or a tab
/// or carriage return) gets a leading apostrophe.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// `GET /agent/export.csv?view=…`: the whole list (up to 10,000 cases) as CSV.
pub async fn export(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<InboxQuery>,
) -> Response {
    if let Err(res) = desk.require(Permission::ReadCases) {
        return res;
    }
    let Some(view) = View::parse(q.view.as_deref(), q.queue.as_deref()) else {
        return not_found(&desk);
    };
    let names = match Names::load(&state).await {
        Ok(n) => n,
        Err(e) => return error_page(&desk, e),
    };
    let filter = view.filter(desk.user.id);
    let mut rows: Vec<Case> = Vec::new();
    let mut page = view.page(&q, 500);
    while rows.len() < EXPORT_MAX {
        let batch = match state
            .app
            .list_cases(filter.clone(), page, desk_caller(&desk))
            .await
        {
            Ok(b) => b,
            Err(e) => return error_page(&desk, e),
        };
        let done = batch.len() < 500;
        if let Some(last) = batch.last() {
            page.before = Some(last.id);
            page.after_due = Some((last.sla.resolution_due, last.id));
        }
        rows.extend(batch);
        if done {
            break;
        }
    }
    rows.truncate(EXPORT_MAX);
    csv_response(&state, &names, &rows, view.code())
}

/// Cases as a CSV download, UTF-8 with a byte-order mark so that spreadsheet programs
/// show Bengali correctly; no cell is a live formula.
fn csv_response(state: &AppState, names: &Names, rows: &[Case], name: &str) -> Response {
    let now = state.app.now();
    let mut out = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 200 + 3));
    let header = [
        "number",
        "status",
        "channel",
        "priority",
        "category",
        "queue",
        "assignee",
        "subject",
        "tags",
        "sla_state",
        "resolution_due",
        "created_at",
        "updated_at",
    ];
    let mut failed = out.write_record(header).is_err();
    for c in rows {
        let tags: Vec<&str> = c.tags.iter().map(String::as_str).collect();
        let record = [
            c.number().to_string(),
            c.status.as_str().to_string(),
            c.channel.as_str().to_string(),
            c.priority.as_str().to_string(),
            c.category.clone(),
            c.queue.clone().unwrap_or_default(),
            names.user(c.assignee),
            cell(&c.subject),
            cell(&tags.join(" ")),
            sla_code(c.sla.state(now)).to_string(),
            c.sla.resolution_due.to_string(),
            c.created_at.to_string(),
            c.updated_at.to_string(),
        ];
        failed |= out.write_record(&record).is_err();
    }
    let bytes = match out.into_inner() {
        Ok(b) if !failed => b,
        _ => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
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
    let name = format!("attachment; filename=\"seba-{name}.csv\"");
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

// ---------------------------------------------------------------------------------------
// Search

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    status: Option<String>,
}

/// Why a search found nothing to show.
enum Found {
    /// The text cannot be searched, or search is off or failed: the message's key.
    Refused(&'static str),
    /// The store failed while the hits were loaded.
    Failed(AppError),
}

/// The search engine's best `limit` hits for `text`, joined to their cases (none for an
/// empty text).
async fn find(
    state: &AppState,
    text: &str,
    status: Option<Status>,
    limit: usize,
) -> Result<Vec<(seba_search::index::Hit, Case)>, Found> {
    if text.contains('\u{FFFD}') || text.len() > seba_search::MAX_QUERY_BYTES {
        return Err(Found::Refused("desk-search-bad"));
    }
    if text.is_empty() {
        return Ok(vec![]);
    }
    let index = state
        .search
        .as_ref()
        .map(|live| live.get())
        .ok_or(Found::Refused("desk-search-off"))?;
    let req = seba_search::index::SearchRequest {
        statuses: status
            .map(|s| vec![s.as_str().to_string()])
            .unwrap_or_default(),
        limit,
        ..seba_search::index::SearchRequest::default()
    };
    let intent = seba_search::analyze_query(text);
    let hits = match tokio::task::spawn_blocking(move || index.search(&intent, &req)).await {
        Ok(Ok(hits)) => hits,
        _ => return Err(Found::Refused("desk-search-failed")),
    };
    seba_search::index::with_cases(state.app.store.as_ref(), hits)
        .await
        .map_err(|e| Found::Failed(e.into()))
}

/// `GET /agent/search.csv?q=…`: the best 100 hits as CSV.
pub async fn search_csv(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<SearchQuery>,
) -> Response {
    if let Err(res) = desk.require(Permission::ReadCases) {
        return res;
    }
    let status = q.status.as_deref().and_then(|s| s.parse::<Status>().ok());
    let cases: Vec<Case> = match find(&state, q.q.trim(), status, 100).await {
        Ok(r) => r.into_iter().map(|(_, c)| c).collect(),
        Err(Found::Refused(key)) => {
            let errors = [t(desk.lang, key)];
            let body = errors_box(None, &errors);
            let title = t(desk.lang, "desk-nav-search");
            return with_status(
                desk_page(&desk, "/agent/search", &title, body),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(Found::Failed(e)) => return error_page(&desk, e),
    };
    match Names::load(&state).await {
        Ok(names) => csv_response(&state, &names, &cases, "search"),
        Err(e) => error_page(&desk, e),
    }
}

/// `GET /agent/search?q=…`: the search engine's best 30, joined to their cases; a case
/// number or phone number goes straight to its match first.
pub async fn search(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<SearchQuery>,
) -> Response {
    if let Err(res) = desk.require(Permission::ReadCases) {
        return res;
    }
    let lang = desk.lang;
    let text = q.q.trim().to_string();
    let status = q.status.as_deref().and_then(|s| s.parse::<Status>().ok());
    let mut errors = Vec::new();
    let results = match find(&state, &text, status, 30).await {
        Ok(r) => r,
        Err(Found::Refused(key)) => {
            errors.push(t(lang, key));
            vec![]
        }
        Err(Found::Failed(e)) => return error_page(&desk, e),
    };
    let names = match Names::load(&state).await {
        Ok(n) => n,
        Err(e) => return error_page(&desk, e),
    };
    let now = state.app.now();
    let title = t(lang, "desk-nav-search");
    let body = html! {
        h1 { (title) }
        form.inline-form method="get" action="/agent/search" role="search" {
            label for="q" { (t(lang, "desk-search-label")) }
            input id="q" name="q" type="search" value=(text) autofocus
                placeholder=(t(lang, "desk-search-placeholder"));
            select name="status" aria-label=(t(lang, "desk-col-status")) {
                option value="" { (t(lang, "desk-any-status")) }
                @for s in Status::ALL {
                    option value=(s.as_str()) selected[status == Some(*s)] { (status_words(lang, *s)) }
                }
            }
            button type="submit" { (t(lang, "desk-search-go")) }
        }
        (errors_box(None, &errors))
        @if !text.is_empty() && errors.is_empty() {
            p.muted {
                (t_args(lang, "desk-search-count", &[("count", lang.count(results.len() as i64))]))
                @if !results.is_empty() {
                    " · "
                    a href=(format!("/agent/search.csv?q={}&status={}", encode(&text),
                        status.map(Status::as_str).unwrap_or_default())) download { (t(lang, "desk-export")) }
                }
            }
            @for (hit, c) in &results {
                @let sla = c.sla.state(now);
                section.card data-row {
                    p {
                        a href=(format!("/agent/cases/{}", c.number().digits())) {
                            strong { (lang.digits(&c.number().to_string())) } " · " (c.subject) }
                        " " span.pill { (status_words(lang, c.status)) }
                        " " span class=(format!("pill {}", sla_code(sla))) { (t(lang, &format!("sla-{}", sla_code(sla)))) }
                    }
                    // The index escapes the text and adds only <b> around matches.
                    p.muted { (PreEscaped(&hit.snippet)) }
                    p.muted { (names.queue(lang, c.queue.as_deref())) " · " (names.user(c.assignee)) " · " (when(&state, lang, c.updated_at)) }
                }
            }
        }
    };
    desk_page(&desk, "/agent/search", &title, body)
}

// ---------------------------------------------------------------------------------------
// The case page

#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    /// A canned response to put in the reply box.
    canned: Option<String>,
    /// What was just done (for the notice at the top).
    done: Option<String>,
}

fn parse_number(number: &str) -> Option<CaseId> {
    CaseNumber::parse(number).ok().map(CaseNumber::id)
}

/// `GET /agent/cases/{number}`.
pub async fn case_page(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Response {
    if let Err(res) = desk.require(Permission::ReadCases) {
        return res;
    }
    let Some(id) = parse_number(&number) else {
        return not_found(&desk);
    };
    // Opening the page says "I am looking at this case" to the others.
    let _ = state
        .app
        .touch_presence(id, desk_caller(&desk), Activity::Viewing)
        .await;
    let draft = match q.canned.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => canned_text(&state, &desk, id, code).await,
        None => String::new(),
    };
    show_case(
        &state,
        &desk,
        id,
        Shown {
            draft,
            done: q.done,
            errors: vec![],
        },
        StatusCode::OK,
    )
    .await
}

/// What the case page shows besides the case: a draft for the reply box, a notice of what
/// was just done, or the errors of a refused action.
#[derive(Debug, Default)]
struct Shown {
    draft: String,
    done: Option<String>,
    errors: Vec<String>,
}

async fn show_case(
    state: &AppState,
    desk: &Desk,
    id: CaseId,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let lang = desk.lang;
    let caller = desk_caller(desk);
    let case = match state.app.case(id, caller).await {
        Ok(c) => c,
        Err(AppError::CaseNotFound) => return not_found(desk),
        Err(e) => return error_page(desk, e),
    };
    let thread = match state.app.thread(id, caller).await {
        Ok(t) => t,
        Err(e) => return error_page(desk, e),
    };
    let names = match Names::load(state).await {
        Ok(n) => n,
        Err(e) => return error_page(desk, e),
    };
    // The customer's other cases, by the same mobile number.
    let history = match &case.requester.msisdn {
        Some(m) => {
            let filter = CaseFilter {
                msisdn: Some(m.as_e164().to_string()),
                ..CaseFilter::default()
            };
            let page = PageRequest {
                before: None,
                limit: 11,
                ..PageRequest::default()
            };
            state
                .app
                .list_cases(filter, page, caller)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c.id != case.id)
                .take(10)
                .collect()
        }
        None => vec![],
    };
    let others = state.app.others_here(id, caller).await.unwrap_or_default();
    let canned = state.app.canned().await.unwrap_or_default();
    let now = state.app.now();
    let sla = case.sla.state(now);
    let number = case.number();
    let path = format!("/agent/cases/{}", number.digits());
    let can_work = desk.can(Permission::WorkCases);
    let can_supervise = desk.can(Permission::Supervise);
    let title = t_args(
        lang,
        "case-title",
        &[("number", lang.digits(&number.to_string()).into())],
    );
    let actions: Vec<Action> = Action::ALL
        .iter()
        .copied()
        .filter(|a| lifecycle::allowed(case.status, *a))
        .collect();
    let version = case.version.to_string();
    let tags: Vec<&str> = case.tags.iter().map(String::as_str).collect();
    let body = html! {
        h1 { (title) " · " (case.subject) }
        @if let Some(done) = &shown.done {
            p.notice role="status" { (t(lang, &format!("desk-done-{}", done_code(done)))) }
        }
        (errors_box(None, &shown.errors))
        p.presence data-presence=(format!("{path}/presence")) data-csrf=(desk.csrf)
            hidden[others.is_empty()] role="status" {
            (presence_text(lang, &others))
        }
        div.case-grid {
            div {
                section.card {
                    p {
                        strong { (t(lang, "desk-col-status")) ": " } (status_words(lang, case.status))
                        " · " span class=(format!("pill {}", sla_code(sla))) { (t(lang, &format!("sla-{}", sla_code(sla)))) }
                        " · " strong { (t(lang, "desk-due")) ": " } (when(state, lang, case.sla.resolution_due))
                    }
                    p {
                        strong { (t(lang, "desk-requester")) ": " }
                        (case.requester.name.clone().unwrap_or_default()) " "
                        @if let Some(m) = &case.requester.msisdn { (lang.digits(&m.national())) " " }
                        @if let Some(e) = &case.requester.email { (e.as_str()) }
                    }
                    p.muted {
                        (t(lang, &format!("channel-{}", case.channel.as_str()))) " · "
                        (case.category) " · " (t(lang, &format!("priority-{}", case.priority.as_str()))) " · "
                        (t(lang, "desk-created")) " " (when(state, lang, case.created_at))
                    }
                    @if let Some(into) = case.merged_into {
                        p { (t(lang, "desk-merged-into")) " "
                            a href=(format!("/agent/cases/{}", CaseNumber::from_id(into).digits())) {
                                (lang.digits(&CaseNumber::from_id(into).to_string())) } }
                    }
                }
                h2 { (t(lang, "case-thread")) }
                @for m in &thread { (message_card(state, lang, &names, m)) }
                @if can_work && case.status != Status::Merged {
                    section.card {
                        h2 { (t(lang, "desk-reply")) }
                        @if !canned.is_empty() {
                            form.inline-form method="get" action=(path) {
                                label for="canned" { (t(lang, "desk-canned")) }
                                select id="canned" name="canned" {
                                    @for c in &canned { option value=(c.code) { (lang.pick(&c.title_bn, &c.title_en)) } }
                                }
                                button type="submit" { (t(lang, "desk-canned-insert")) }
                            }
                        }
                        form method="post" action=(format!("{path}/message")) accept-charset="utf-8" data-csrf=(desk.csrf) {
                            (desk.csrf_field())
                            input type="hidden" name="kind" value="reply";
                            input type="hidden" name="key" value=(state.app.random.token(16));
                            p { textarea #reply-body name="body" rows="6" required maxlength="10000"
                                aria-label=(t(lang, "desk-reply")) { (shown.draft) } }
                            p { button type="submit" { (t(lang, "desk-send-reply")) } }
                        }
                        form method="post" action=(format!("{path}/message")) accept-charset="utf-8" {
                            (desk.csrf_field())
                            input type="hidden" name="kind" value="note";
                            input type="hidden" name="key" value=(state.app.random.token(16));
                            p {
                                label for="note-body" { (t(lang, "desk-note")) }
                                br;
                                textarea #note-body name="body" rows="3" required maxlength="10000" {}
                            }
                            p { button.secondary type="submit" { (t(lang, "desk-add-note")) } }
                        }
                    }
                }
            }
            aside {
                @if can_work && !actions.is_empty() {
                    section.card {
                        h2 { (t(lang, "desk-move")) }
                        @for a in &actions {
                            form method="post" action=(format!("{path}/transition")) {
                                (desk.csrf_field())
                                input type="hidden" name="version" value=(version);
                                input type="hidden" name="action" value=(a.as_str());
                                @if *a == Action::Resolve {
                                    button #resolve-case type="submit" { (t(lang, &format!("action-{}", a.as_str()))) }
                                } @else {
                                    button.secondary type="submit" { (t(lang, &format!("action-{}", a.as_str()))) }
                                }
                            }
                        }
                    }
                }
                @if can_work {
                    section.card {
                        h2 { (t(lang, "desk-assignment")) }
                        p { strong { (t(lang, "desk-col-queue")) ": " } (names.queue(lang, case.queue.as_deref())) }
                        p { strong { (t(lang, "desk-col-assignee")) ": " }
                            @if case.assignee.is_some() { (names.user(case.assignee)) } @else { (t(lang, "desk-nobody")) } }
                        @if case.assignee != Some(desk.user.id) && case.status.is_active() {
                            form method="post" action=(format!("{path}/assign")) {
                                (desk.csrf_field())
                                input type="hidden" name="version" value=(version);
                                input type="hidden" name="assignee" value=(desk.user.id.0);
                                input type="hidden" name="queue" value=(case.queue.clone().unwrap_or_default());
                                button #take-case type="submit" { (t(lang, "desk-take")) }
                            }
                        }
                        form method="post" action=(format!("{path}/assign")) {
                            (desk.csrf_field())
                            input type="hidden" name="version" value=(version);
                            p {
                                label for="queue" { (t(lang, "desk-col-queue")) }
                                select id="queue" name="queue" {
                                    @for (code, bn, en) in &names.queues {
                                        option value=(code) selected[case.queue.as_deref() == Some(code.as_str())] { (lang.pick(bn, en)) }
                                    }
                                }
                            }
                            @if can_supervise {
                                p {
                                    label for="assignee" { (t(lang, "desk-col-assignee")) }
                                    select id="assignee" name="assignee" {
                                        option value="" { (t(lang, "desk-nobody")) }
                                        @for u in sorted_staff(&names) {
                                            option value=(u.id.0) selected[case.assignee == Some(u.id)] { (u.display_name) }
                                        }
                                    }
                                }
                            } @else {
                                input type="hidden" name="assignee" value=(case.assignee.map(|u| u.0.to_string()).unwrap_or_default());
                            }
                            p { button.secondary type="submit" { (t(lang, "desk-save")) } }
                        }
                    }
                    section.card {
                        h2 { (t(lang, "desk-tags")) }
                        form method="post" action=(format!("{path}/tags")) {
                            (desk.csrf_field())
                            input type="hidden" name="version" value=(version);
                            p { input name="tags" value=(tags.join(", ")) aria-label=(t(lang, "desk-tags"))
                                placeholder=(t(lang, "desk-tags-hint")); }
                            p { button.secondary type="submit" { (t(lang, "desk-save")) } }
                        }
                    }
                    @if case.status.is_active() {
                        section.card {
                            h2 { (t(lang, "desk-merge")) }
                            form method="post" action=(format!("{path}/merge")) {
                                (desk.csrf_field())
                                input type="hidden" name="version" value=(version);
                                p {
                                    label for="into" { (t(lang, "desk-merge-into")) }
                                    input id="into" name="into" inputmode="numeric" required;
                                }
                                p { button.secondary type="submit" { (t(lang, "desk-merge-go")) } }
                            }
                        }
                    }
                }
                section.card {
                    h2 { (t(lang, "desk-history")) }
                    @if history.is_empty() {
                        p.muted { (t(lang, "desk-history-none")) }
                    } @else {
                        ul {
                            @for c in &history {
                                li { a href=(format!("/agent/cases/{}", c.number().digits())) {
                                    (lang.digits(&c.number().to_string())) }
                                    " " (c.subject) " · " (status_words(lang, c.status)) }
                            }
                        }
                    }
                }
            }
        }
        (shortcuts_help(lang))
    };
    with_status(desk_page(desk, &path, &title, body), status)
}

fn sorted_staff(names: &Names) -> Vec<&User> {
    let mut users: Vec<&User> = names
        .users
        .values()
        .filter(|u| !u.disabled && u.role.can(Permission::WorkCases))
        .collect();
    users.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    users
}

fn done_code(done: &str) -> &'static str {
    match done {
        "reply" => "reply",
        "note" => "note",
        "moved" => "moved",
        "assigned" => "assigned",
        "tagged" => "tagged",
        "merged" => "merged",
        _ => "saved",
    }
}

fn message_card(state: &AppState, lang: Lang, names: &Names, m: &StoredMessage) -> Markup {
    let msg = &m.message;
    let who = match msg.author {
        seba_core::case::Actor::User(id) => names.user(Some(id)),
        seba_core::case::Actor::Customer => t(lang, "desk-customer"),
        seba_core::case::Actor::System => t(lang, "desk-system"),
    };
    html! {
        section class=(format!("card message {}", msg.kind.as_str())) {
            p.from {
                strong { (who) } " · " (t(lang, &format!("desk-kind-{}", msg.kind.as_str())))
                " · " (when(state, lang, msg.created_at))
                @if let Some(d) = &m.delivery { " · " (t(lang, &format!("desk-delivery-{}", d.as_str()))) }
            }
            p { (msg.body) }
            @for a in &msg.attachments {
                p { a href=(format!("/api/v1/attachments/{}", a.sha256)) { (a.filename) } }
            }
        }
    }
}

fn presence_text(lang: Lang, others: &[seba_store::Presence]) -> String {
    others
        .iter()
        .map(|p| {
            let key = if p.activity == Activity::Replying {
                "desk-presence-replying"
            } else {
                "desk-presence-viewing"
            };
            t_args(lang, key, &[("name", p.display_name.clone().into())])
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A canned response with this case's values filled in.
async fn canned_text(state: &AppState, desk: &Desk, id: CaseId, code: &str) -> String {
    let Ok(Some(c)) = state.app.canned_one(code).await else {
        return String::new();
    };
    let Ok(case) = state.app.case(id, desk_caller(desk)).await else {
        return String::new();
    };
    let lang = desk.lang;
    let vars = [
        (
            "customer_name",
            case.requester.name.clone().unwrap_or_default(),
        ),
        ("case_number", lang.digits(&case.number().to_string())),
        ("agent_name", desk.user.display_name.clone()),
        ("hotline", lang.digits(&state.hotline)),
        ("due_date", when(state, lang, case.sla.resolution_due)),
    ];
    seba_app::knowledge::fill_template(lang.pick(&c.body_bn, &c.body_en), &vars)
}

// ---------------------------------------------------------------------------------------
// Actions

#[derive(Debug, Default, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    body: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    queue: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    into: String,
}

fn version_of(v: &str) -> Option<i64> {
    seba_core::text::ascii_digits(v.trim()).parse().ok()
}

/// After an action: back to the case page (303) with a notice, or the page again with the
/// errors (and the reply draft kept).
async fn after(
    state: &AppState,
    desk: &Desk,
    id: CaseId,
    result: Result<(), AppError>,
    done: &str,
    draft: &str,
) -> Response {
    match result {
        Ok(()) | Err(AppError::IdempotencyRace) => see_other(&format!(
            "/agent/cases/{}?done={done}",
            CaseNumber::from_id(id).digits()
        )),
        Err(AppError::Stale { .. }) => {
            let shown = Shown {
                draft: draft.to_string(),
                done: None,
                errors: vec![t(desk.lang, "desk-stale")],
            };
            show_case(state, desk, id, shown, StatusCode::CONFLICT).await
        }
        Err(AppError::Forbidden(_)) => super::staff::forbidden(desk),
        Err(AppError::CaseNotFound) => not_found(desk),
        Err(e) => {
            let (status, errors) = error_texts(desk.lang, e);
            let shown = Shown {
                draft: draft.to_string(),
                done: None,
                errors,
            };
            show_case(state, desk, id, shown, status).await
        }
    }
}

/// The case page again with one error (a form value the page itself offered was changed).
async fn refuse(state: &AppState, desk: &Desk, id: CaseId, bn: &str, en: &str) -> Response {
    let shown = Shown {
        errors: vec![desk.lang.pick(bn, en).to_string()],
        ..Shown::default()
    };
    show_case(state, desk, id, shown, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// `POST /agent/cases/{number}/message`: a public reply (sent to the customer through the
/// outbox) or an internal note.
pub async fn message(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Form(form): Form<MessageForm>,
) -> Response {
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    if let Err(res) = desk.require(Permission::WorkCases) {
        return res;
    }
    let Some(id) = parse_number(&number) else {
        return not_found(&desk);
    };
    let kind = if form.kind == "note" {
        MessageKind::Note
    } else {
        MessageKind::Reply
    };
    let scope = format!("desk.message.{}.{}", id.0, desk.user.id.0);
    if replayed(&state, &scope, &form.key).await.is_some() {
        return after(&state, &desk, id, Ok(()), kind.as_str(), "").await;
    }
    let idem = form_idem(&scope, &form.key, |_| String::new());
    let input = MessageInput {
        kind,
        body: form.body.clone(),
        attachments: vec![],
    };
    // A reply is added whatever changed meanwhile (it does not overwrite anything); the
    // version only guards field changes.
    let result = state
        .app
        .add_message(id, input, desk_caller(&desk), None, idem)
        .await
        .map(|_| ());
    after(&state, &desk, id, result, kind.as_str(), &form.body).await
}

/// A change to a case's fields, read from one of the case page's forms.
enum Change {
    Move(Action),
    Assign(Assignment),
    Tags(Vec<String>),
    Merge(CaseId),
}

/// Why a form was refused before the application saw it.
enum Refused {
    /// A value the page itself offered was altered: the case page again with this error.
    Text(&'static str, &'static str),
    /// The role may not do this.
    Forbidden,
    App(AppError),
}

/// The shared path of the case page's forms: check the session's token and the case
/// number, read the change, apply it over the version the form was drawn from, and go
/// back to the case (303), or show it again with what went wrong.
async fn change(
    state: &AppState,
    desk: &Desk,
    number: &str,
    form: &ActionForm,
    read: fn(&Desk, &ActionForm) -> Result<Change, Refused>,
) -> Response {
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    let Some(id) = parse_number(number) else {
        return not_found(desk);
    };
    let change = match read(desk, form) {
        Ok(c) => c,
        Err(Refused::Text(bn, en)) => return refuse(state, desk, id, bn, en).await,
        Err(Refused::Forbidden) => return super::staff::forbidden(desk),
        Err(Refused::App(e)) => return after(state, desk, id, Err(e), "saved", "").await,
    };
    let (app, caller, version) = (&state.app, desk_caller(desk), version_of(&form.version));
    let (result, done) = match change {
        Change::Move(a) => (
            app.transition(id, a, caller, version, None).await.map(drop),
            "moved",
        ),
        Change::Assign(a) => (
            app.assign(id, a, caller, version, None).await.map(drop),
            "assigned",
        ),
        Change::Tags(tags) => {
            let patch = CasePatch {
                tags: Some(tags),
                ..CasePatch::default()
            };
            (
                app.patch(id, patch, caller, version, None).await.map(drop),
                "tagged",
            )
        }
        Change::Merge(into) => (
            app.merge(id, into, caller, version, None).await.map(drop),
            "merged",
        ),
    };
    after(state, desk, id, result, done, "").await
}

/// `POST /agent/cases/{number}/transition`: one move in the lifecycle.
pub async fn transition(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    change(&state, &desk, &number, &form, |_, form| {
        Action::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == form.action)
            .map(Change::Move)
            .ok_or(Refused::Text("অজানা কাজ", "Unknown action"))
    })
    .await
}

/// `POST /agent/cases/{number}/assign`: queue and assignee (agents may take a case or
/// move it between queues; only supervisors hand it to someone else).
pub async fn assign(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    change(&state, &desk, &number, &form, |desk, form| {
        let assignee = match form.assignee.trim() {
            "" => None,
            s => Some(UserId(s.parse::<i64>().map_err(|_| {
                Refused::Text("কর্মী চেনা যায়নি", "Unknown staff member")
            })?)),
        };
        if assignee.is_some_and(|a| a != desk.user.id) && !desk.can(Permission::Supervise) {
            return Err(Refused::Forbidden);
        }
        let queue = form.queue.trim();
        Ok(Change::Assign(Assignment {
            queue: Some((!queue.is_empty()).then(|| queue.to_string())),
            assignee: Some(assignee),
        }))
    })
    .await
}

/// `POST /agent/cases/{number}/tags`: the whole tag list, comma- or space-separated.
pub async fn tags(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    change(&state, &desk, &number, &form, |_, form| {
        Ok(Change::Tags(
            form.tags
                .split([',', ' ', '،'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
        ))
    })
    .await
}

/// `POST /agent/cases/{number}/merge`: this case is a duplicate of `into`.
pub async fn merge(
    State(state): State<AppState>,
    desk: Desk,
    Path(number): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    change(&state, &desk, &number, &form, |_, form| {
        CaseNumber::parse(&form.into)
            .map(|n| Change::Merge(n.id()))
            .map_err(|e| Refused::App(e.into()))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct PresenceForm {
    #[serde(default)]
    activity: String,
}

/// `POST /agent/cases/{number}/presence` (from the desk script, with the CSRF header):
/// "I have this case open" — answers who else has, as plain text.
pub async fn presence(
    State(state): State<AppState>,
    desk: Desk,
    headers: axum::http::HeaderMap,
    Path(number): Path<String>,
    Form(form): Form<PresenceForm>,
) -> Response {
    let sent = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(res) = desk.check(sent) {
        return res;
    }
    if let Err(res) = desk.require(Permission::ReadCases) {
        return res;
    }
    let Some(id) = parse_number(&number) else {
        return not_found(&desk);
    };
    let activity = Activity::parse(&form.activity).unwrap_or(Activity::Viewing);
    let caller = desk_caller(&desk);
    if let Err(e) = state.app.touch_presence(id, caller, activity).await {
        return error_page(&desk, e);
    }
    let others = state.app.others_here(id, caller).await.unwrap_or_default();
    let mut res = presence_text(desk.lang, &others).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
