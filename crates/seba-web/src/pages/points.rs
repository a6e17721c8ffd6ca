//! The supervisors' and admins' pages for service points: the list (filtered by district
//! and kind, closed ones on request), the editor (every field of a point, a blank one to
//! add), and the close and reopen buttons.
//!
//! The fields are checked by the application, against Bangladesh's geography, and every
//! problem comes back at once; the form is shown again with all of them, in the page's
//! language, and nothing is saved. A save names the version the form was drawn from, so
//! two people editing one point cannot overwrite each other (409). Every change is
//! audited by the application (`point.saved`, `point.closed`, `point.reopened`).

use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use seba_app::AppError;
use seba_app::cases::Caller;
use seba_app::points::PointError;
use seba_core::bilingual::Explain;
use seba_core::staff::Permission;
use seba_geo::{DistrictId, Geography};
use seba_locator::points::{FieldError, PointInput, PointKind, Service, ServicePoint};
use seba_store::StoreError;

use super::staff::{Desk, desk_page};
use super::{Lang, error_texts, errors_box, see_other, t, with_status};
use crate::state::AppState;

const BASE: &str = "/admin/points";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list).post(save))
        .route("/admin/points/edit", get(edit))
        .route("/admin/points/close", post(close))
        .route("/admin/points/reopen", post(reopen))
}

/// The examples under the opening-hours field, in OpenStreetMap's syntax.
const HOURS_EXAMPLES: &[&str] = &[
    "Sa-Th 09:00-19:00; Fr off; PH off",
    "Mo-Su 10:00-21:00",
    "Sa-Th 10:00-13:00,14:00-18:00; Fr 15:00-18:00",
];

/// The editor's fields, as typed. Read from the posted pairs by hand, because the
/// services are checkboxes that share one name.
#[derive(Debug, Default, Clone)]
struct PointForm {
    csrf: String,
    /// Empty for a new point.
    id: String,
    /// Empty for a new point.
    version: String,
    kind: String,
    name_bn: String,
    name_en: String,
    address_bn: String,
    address_en: String,
    district: String,
    upazila: String,
    lat: String,
    lon: String,
    phone: String,
    services: Vec<String>,
    hours: String,
    notice_bn: String,
    notice_en: String,
    active_from: String,
    active_to: String,
}

impl PointForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> PointForm {
        let mut f = PointForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "csrf" => &mut f.csrf,
                "id" => &mut f.id,
                "version" => &mut f.version,
                "kind" => &mut f.kind,
                "name_bn" => &mut f.name_bn,
                "name_en" => &mut f.name_en,
                "address_bn" => &mut f.address_bn,
                "address_en" => &mut f.address_en,
                "district" => &mut f.district,
                "upazila" => &mut f.upazila,
                "lat" => &mut f.lat,
                "lon" => &mut f.lon,
                "phone" => &mut f.phone,
                "hours" => &mut f.hours,
                "notice_bn" => &mut f.notice_bn,
                "notice_en" => &mut f.notice_en,
                "active_from" => &mut f.active_from,
                "active_to" => &mut f.active_to,
                "services" => {
                    f.services.push(v);
                    continue;
                }
                _ => continue,
            };
            *slot = v;
        }
        f
    }

    fn of_point(p: &ServicePoint, lang: Lang) -> PointForm {
        let geo = Geography::bangladesh();
        let upazila = p
            .upazila
            .and_then(|u| geo.upazila(u))
            .map(|u| lang.pick(&u.name_bn, &u.name_en).to_string())
            .unwrap_or_default();
        PointForm {
            csrf: String::new(),
            id: p.id.to_string(),
            version: p.version.to_string(),
            kind: p.kind.as_str().into(),
            name_bn: p.name_bn.clone(),
            name_en: p.name_en.clone(),
            address_bn: p.address_bn.clone(),
            address_en: p.address_en.clone(),
            district: p.district.to_string(),
            upazila,
            lat: p.coord.lat().to_string(),
            lon: p.coord.lon().to_string(),
            phone: p.phone.clone().unwrap_or_default(),
            services: p.services.iter().map(|s| s.as_str().to_string()).collect(),
            hours: p.hours.clone(),
            notice_bn: p.notice_bn.clone().unwrap_or_default(),
            notice_en: p.notice_en.clone().unwrap_or_default(),
            active_from: p.active_from.map(|d| d.to_string()).unwrap_or_default(),
            active_to: p.active_to.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    fn input(&self) -> PointInput {
        PointInput {
            kind: self.kind.clone(),
            name_bn: self.name_bn.clone(),
            name_en: self.name_en.clone(),
            address_bn: self.address_bn.clone(),
            address_en: self.address_en.clone(),
            district: self.district.clone(),
            upazila: Some(self.upazila.clone()),
            lat: self.lat.clone(),
            lon: self.lon.clone(),
            phone: Some(self.phone.clone()),
            services: self.services.clone(),
            hours: self.hours.replace("\r\n", "\n"),
            notice_bn: Some(self.notice_bn.clone()),
            notice_en: Some(self.notice_en.clone()),
            active_from: Some(self.active_from.clone()),
            active_to: Some(self.active_to.clone()),
        }
    }
}

fn number_of(v: &str) -> Option<i64> {
    seba_core::text::ascii_digits(v.trim()).parse().ok()
}

fn caller_of(desk: &Desk) -> Caller {
    Caller::staff(desk.user.id, desk.user.role)
}

fn title(lang: Lang) -> String {
    t(lang, "points-title")
}

/// One field's problem, named as the form names the field.
fn field_error(lang: Lang, e: &FieldError) -> String {
    let why = e.explain();
    format!(
        "{}: {}",
        t(lang, &format!("points-field-{}", e.field)),
        lang.pick(&why.bn, &why.en)
    )
}

fn district_name(lang: Lang, id: DistrictId) -> String {
    Geography::bangladesh()
        .district(id)
        .map(|d| lang.pick(&d.name_bn, &d.name_en).to_string())
        .unwrap_or_else(|| id.to_string())
}

/// A district `<select>`, its districts grouped by division, each named in both scripts.
fn district_select(lang: Lang, name: &str, chosen: &str, blank: &str, required: bool) -> Markup {
    let geo = Geography::bangladesh();
    let chosen = seba_core::text::ascii_digits(chosen.trim());
    html! {
        select id=(name) name=(name) required[required] {
            option value="" { (blank) }
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

fn kind_select(lang: Lang, name: &str, chosen: &str, blank: Option<&str>) -> Markup {
    html! {
        select id=(name) name=(name) required[blank.is_none()] {
            @if let Some(b) = blank { option value="" { (b) } }
            @for k in PointKind::ALL {
                @let label = k.label();
                option value=(k.as_str()) selected[k.as_str() == chosen] {
                    (lang.pick(&label.bn, &label.en))
                }
            }
        }
    }
}

fn text_input(lang: Lang, name: &str, value: &str, input_lang: Option<&str>) -> Markup {
    html! {
        p {
            label for=(name) { (t(lang, &format!("points-field-{name}"))) }
            br;
            input id=(name) name=(name) lang=[input_lang] value=(value);
        }
    }
}

fn editor(desk: &Desk, form: &PointForm, closed: bool, errors: &[String]) -> Markup {
    let lang = desk.lang;
    let new = form.id.is_empty();
    let geo = Geography::bangladesh();
    let upazilas: Vec<(String, String)> = number_of(&form.district)
        .and_then(|n| u16::try_from(n).ok())
        .map(|n| {
            geo.upazilas_of(DistrictId(n))
                .map(|u| (u.name_bn.clone(), u.name_en.clone()))
                .collect()
        })
        .unwrap_or_default();
    html! {
        p { a href=(BASE) { "← " (title(lang)) } }
        h1 {
            @if new { (t(lang, "points-new")) }
            @else { (t(lang, "points-edit")) " · " (lang.pick(&form.name_bn, &form.name_en)) }
        }
        @if closed { p.notice { strong { (t(lang, "points-state-closed")) } } }
        (errors_box(Some(t(lang, "points-errors")), errors))
        form method="post" action=(BASE) accept-charset="utf-8" {
            (desk.csrf_field())
            input type="hidden" name="id" value=(form.id);
            input type="hidden" name="version" value=(form.version);
            p {
                label for="kind" { (t(lang, "points-field-kind")) }
                br;
                (kind_select(lang, "kind", &form.kind, None))
            }
            (text_input(lang, "name_bn", &form.name_bn, Some("bn")))
            (text_input(lang, "name_en", &form.name_en, Some("en")))
            (text_input(lang, "address_bn", &form.address_bn, Some("bn")))
            (text_input(lang, "address_en", &form.address_en, Some("en")))
            p {
                label for="district" { (t(lang, "points-field-district")) }
                br;
                (district_select(lang, "district", &form.district, &t(lang, "points-choose"), true))
            }
            p {
                label for="upazila" { (t(lang, "points-field-upazila")) }
                br;
                input id="upazila" name="upazila" list="upazilas" value=(form.upazila);
                datalist id="upazilas" {
                    @for (bn, en) in &upazilas {
                        option value=(lang.pick(bn, en)) { (bn) " / " (en) }
                    }
                }
                br;
                small { (t(lang, "points-upazila-hint")) }
            }
            p {
                label for="lat" { (t(lang, "points-field-lat")) }
                br;
                input id="lat" name="lat" inputmode="decimal" required value=(form.lat);
            }
            p {
                label for="lon" { (t(lang, "points-field-lon")) }
                br;
                input id="lon" name="lon" inputmode="decimal" required value=(form.lon);
                br;
                small { (t(lang, "points-coord-hint")) }
            }
            p {
                label for="phone" { (t(lang, "points-field-phone")) }
                br;
                input id="phone" name="phone" type="tel" value=(form.phone);
            }
            fieldset {
                legend { (t(lang, "points-field-services")) }
                @for s in Service::ALL {
                    @let label = s.label();
                    label {
                        input type="checkbox" name="services" value=(s.as_str())
                            checked[form.services.iter().any(|c| c == s.as_str())];
                        " " (lang.pick(&label.bn, &label.en))
                    }
                    br;
                }
            }
            p {
                label for="hours" { (t(lang, "points-field-hours")) }
                br;
                input id="hours" name="hours" required size="50" value=(form.hours);
                br;
                small {
                    (t(lang, "points-hours-hint")) " "
                    @for (i, ex) in HOURS_EXAMPLES.iter().enumerate() {
                        @if i > 0 { " · " }
                        code { (ex) }
                    }
                }
            }
            p {
                label for="notice_bn" { (t(lang, "points-field-notice_bn")) }
                br;
                textarea id="notice_bn" name="notice_bn" rows="2" lang="bn" { (form.notice_bn) }
            }
            p {
                label for="notice_en" { (t(lang, "points-field-notice_en")) }
                br;
                textarea id="notice_en" name="notice_en" rows="2" lang="en" { (form.notice_en) }
            }
            p {
                label for="active_from" { (t(lang, "points-field-active_from")) }
                br;
                input id="active_from" name="active_from" type="date" value=(form.active_from);
            }
            p {
                label for="active_to" { (t(lang, "points-field-active_to")) }
                br;
                input id="active_to" name="active_to" type="date" value=(form.active_to);
                br;
                small { (t(lang, "points-dates-hint")) }
            }
            p { button type="submit" { (t(lang, "points-save")) } }
        }
        @if !new {
            @if closed {
                form method="post" action="/admin/points/reopen" {
                    (desk.csrf_field())
                    input type="hidden" name="id" value=(form.id);
                    p { button.secondary type="submit" { (t(lang, "points-reopen")) } }
                }
            } @else {
                form method="post" action="/admin/points/close" accept-charset="utf-8" {
                    (desk.csrf_field())
                    input type="hidden" name="id" value=(form.id);
                    p {
                        label for="reason" { (t(lang, "points-close-reason")) }
                        br;
                        input id="reason" name="reason" required maxlength="300";
                    }
                    p { button.secondary type="submit" { (t(lang, "points-close")) } }
                }
            }
        }
    }
}

fn editor_page(
    desk: &Desk,
    form: &PointForm,
    closed: bool,
    errors: &[String],
    status: StatusCode,
) -> Response {
    let body = editor(desk, form, closed, errors);
    with_status(desk_page(desk, BASE, &title(desk.lang), body), status)
}

fn not_found(desk: &Desk) -> Response {
    let lang = desk.lang;
    let body = html! {
        h1 { (t(lang, "points-missing")) }
        p { a href=(BASE) { (title(lang)) } }
    };
    with_status(
        desk_page(desk, BASE, &t(lang, "points-missing"), body),
        StatusCode::NOT_FOUND,
    )
}

/// A refused command, on the form it came from.
fn refused(desk: &Desk, form: &PointForm, closed: bool, e: AppError) -> Response {
    let lang = desk.lang;
    let (status, errors) = match e {
        AppError::Forbidden(_) => return super::staff::forbidden(desk),
        AppError::Store(StoreError::NotFound) => return not_found(desk),
        AppError::Store(StoreError::Conflict { .. }) | AppError::Stale { .. } => {
            (StatusCode::CONFLICT, vec![t(lang, "points-stale")])
        }
        other => error_texts(lang, other),
    };
    editor_page(desk, form, closed, &errors, status)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    district: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    closed: String,
    #[serde(default)]
    notice: String,
    /// The last id of the previous page.
    #[serde(default)]
    after: String,
}

/// Points per listing page: the list reads one page of the store, not the whole table
/// (there may be hundreds of thousands of agent points).
const PAGE: u32 = 200;

fn services_text(lang: Lang, p: &ServicePoint) -> String {
    p.services
        .iter()
        .map(|s| {
            let l = s.label();
            lang.pick(&l.bn, &l.en).to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GET /admin/points?district=&kind=&closed=1`: the points, filtered.
async fn list(State(state): State<AppState>, desk: Desk, Query(q): Query<ListQuery>) -> Response {
    if let Err(res) = desk.require(Permission::Supervise) {
        return res;
    }
    let lang = desk.lang;
    let with_closed = q.closed == "1";
    let district = number_of(&q.district).and_then(|n| u16::try_from(n).ok());
    let kind = q.kind.parse::<PointKind>().ok();
    let after = number_of(&q.after);
    let rows = match state
        .app
        .points_page(kind, district.map(DistrictId), with_closed, after, PAGE)
        .await
    {
        Ok(rows) => rows,
        Err(e) => return refused(&desk, &PointForm::default(), false, e),
    };
    let next = (rows.len() == PAGE as usize)
        .then(|| rows.last().map(|p| p.id))
        .flatten()
        .map(|last| {
            // Only the parsed values go back into the link.
            let mut url = format!("{BASE}?after={last}");
            if let Some(d) = district {
                url.push_str(&format!("&district={d}"));
            }
            if let Some(k) = kind {
                url.push_str(&format!("&kind={}", k.as_str()));
            }
            if with_closed {
                url.push_str("&closed=1");
            }
            url
        });
    let geo = Geography::bangladesh();
    let notice = match q.notice.as_str() {
        "saved" => Some(t(lang, "points-done-saved")),
        "closed" => Some(t(lang, "points-done-closed")),
        "reopened" => Some(t(lang, "points-done-reopened")),
        _ => None,
    };
    let body = html! {
        h1 { (title(lang)) }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        p { a.button href="/admin/points/edit" { (t(lang, "points-new")) } }
        form method="get" action=(BASE) {
            p {
                label for="district" { (t(lang, "points-field-district")) } " "
                (district_select(lang, "district", &q.district, &t(lang, "points-any"), false))
                " "
                label for="kind" { (t(lang, "points-field-kind")) } " "
                (kind_select(lang, "kind", &q.kind, Some(&t(lang, "points-any"))))
                " "
                label { input type="checkbox" name="closed" value="1" checked[with_closed]; " " (t(lang, "points-show-closed")) }
                " "
                button type="submit" { (t(lang, "points-filter")) }
            }
        }
        p.muted { (t(lang, "points-count")) " " (lang.int(rows.len() as i64)) }
        table.list {
            thead { tr {
                th { (t(lang, "points-col-name")) }
                th { (t(lang, "points-field-kind")) }
                th { (t(lang, "points-field-district")) }
                th { (t(lang, "points-field-upazila")) }
                th { (t(lang, "points-field-phone")) }
                th { (t(lang, "points-field-services")) }
                th { (t(lang, "points-field-hours")) }
                th { (t(lang, "points-col-state")) }
            } }
            tbody {
                @for p in rows.iter() {
                    @let kind = p.kind.label();
                    tr data-row data-point=(p.id) {
                        td { a href=(format!("/admin/points/edit?id={}", p.id)) { (lang.pick(&p.name_bn, &p.name_en)) } }
                        td { (lang.pick(&kind.bn, &kind.en)) }
                        td { (district_name(lang, p.district)) }
                        td {
                            @if let Some(u) = p.upazila.and_then(|u| geo.upazila(u)) {
                                (lang.pick(&u.name_bn, &u.name_en))
                            }
                        }
                        td { @if let Some(ph) = &p.phone { (lang.digits(ph)) } }
                        td { (services_text(lang, p)) }
                        td { code { (p.hours) } }
                        td {
                            @if p.closed {
                                strong { (t(lang, "points-state-closed")) }
                                form.inline-form method="post" action="/admin/points/reopen" {
                                    (desk.csrf_field())
                                    input type="hidden" name="id" value=(p.id);
                                    button.secondary type="submit" { (t(lang, "points-reopen-short")) }
                                }
                            } @else {
                                (t(lang, "points-state-open"))
                            }
                            @if p.active_from.is_some() || p.active_to.is_some() {
                                br;
                                small {
                                    (lang.digits(&p.active_from.map(|d| d.to_string()).unwrap_or_default()))
                                    " – "
                                    (lang.digits(&p.active_to.map(|d| d.to_string()).unwrap_or_default()))
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(next) = &next {
            p { a href=(next) rel="next" { (t(lang, "points-next-page")) } }
        }
    };
    desk_page(&desk, BASE, &title(lang), body)
}

#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    id: String,
}

/// `GET /admin/points/edit?id=`: a point's editor, or a blank one without an id.
async fn edit(State(state): State<AppState>, desk: Desk, Query(q): Query<EditQuery>) -> Response {
    if let Err(res) = desk.require(Permission::Supervise) {
        return res;
    }
    if q.id.trim().is_empty() {
        let blank = PointForm {
            kind: PointKind::CareCentre.as_str().into(),
            ..PointForm::default()
        };
        return editor_page(&desk, &blank, false, &[], StatusCode::OK);
    }
    let Some(id) = number_of(&q.id) else {
        return not_found(&desk);
    };
    match state.app.point(id).await {
        Ok(p) => editor_page(
            &desk,
            &PointForm::of_point(&p, desk.lang),
            p.closed,
            &[],
            StatusCode::OK,
        ),
        Err(e) => refused(&desk, &PointForm::default(), false, e),
    }
}

/// `POST /admin/points`: add a point, or save one over the version the form was drawn
/// from.
async fn save(
    State(state): State<AppState>,
    desk: Desk,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(res) = desk.require(Permission::Supervise) {
        return res;
    }
    let form = PointForm::from_pairs(pairs);
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    let lang = desk.lang;
    let id = if form.id.trim().is_empty() {
        None
    } else {
        match number_of(&form.id) {
            Some(id) => Some(id),
            None => return not_found(&desk),
        }
    };
    let version = number_of(&form.version);
    let refusal = match state
        .app
        .save_point(id, &form.input(), caller_of(&desk), version)
        .await
    {
        Ok(_) => return see_other(&format!("{BASE}?notice=saved")),
        Err(e) => e,
    };
    // The form again, with the close or reopen button that fits the point as it is.
    let closed = match id {
        Some(id) => state.app.point(id).await.is_ok_and(|p| p.closed),
        None => false,
    };
    match refusal {
        PointError::Invalid(errors) => {
            let texts: Vec<String> = errors.iter().map(|e| field_error(lang, e)).collect();
            editor_page(
                &desk,
                &form,
                closed,
                &texts,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        PointError::App(e) => refused(&desk, &form, closed, e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    reason: String,
}

/// Close (`close` true, with a reason) or reopen a point, then back to the list.
async fn set_state(state: &AppState, desk: &Desk, form: &StateForm, close: bool) -> Response {
    if let Err(res) = desk.require(Permission::Supervise) {
        return res;
    }
    if let Err(res) = desk.check(&form.csrf) {
        return res;
    }
    let Some(id) = number_of(&form.id) else {
        return not_found(desk);
    };
    let done = if close {
        state
            .app
            .close_point(id, &form.reason, caller_of(desk))
            .await
    } else {
        state.app.reopen_point(id, caller_of(desk)).await
    };
    match done {
        Ok(_) if close => see_other(&format!("{BASE}?closed=1&notice=closed")),
        Ok(_) => see_other(&format!("{BASE}?notice=reopened")),
        Err(e) => {
            // Show the point's editor again, with why.
            let (shown, closed) = match state.app.point(id).await {
                Ok(p) => (PointForm::of_point(&p, desk.lang), p.closed),
                Err(_) => return refused(desk, &PointForm::default(), false, e),
            };
            refused(desk, &shown, closed, e)
        }
    }
}

/// `POST /admin/points/close`: id and a reason.
async fn close(State(state): State<AppState>, desk: Desk, Form(f): Form<StateForm>) -> Response {
    set_state(&state, &desk, &f, true).await
}

/// `POST /admin/points/reopen`: id.
async fn reopen(State(state): State<AppState>, desk: Desk, Form(f): Form<StateForm>) -> Response {
    set_state(&state, &desk, &f, false).await
}
