//! "Find a centre": the customer's pages for service points, answered from the node's
//! in-memory locator (`seba_app::locator`).
//!
//! - `GET /centres` — the finder: a district (and, once a district is chosen, an upazila)
//!   picker that works without a script, or the browser's position through one small
//!   progressive script; the nearest places, numbered on a map drawn by the server
//!   ([`super::centres_map`]) and listed with distance, direction, open or closed and the
//!   hours in a sentence, a phone link, and links to open the way in OpenStreetMap or the
//!   phone's own map app (until seba routes by itself).
//! - `GET /centres/directory` — the website's listing: every care centre (or points of
//!   another kind) by division and district, with address, phone and hours; one
//!   division or one district on a lighter page.
//! - `GET /centres/{id}` — one place: every field, its week of hours, a map.
//!
//! Everything a customer types or a link carries is checked here, and every problem is
//! named on the page, in its language, with status 422: an unknown district or upazila,
//! coordinates that are not numbers or not in Bangladesh, a count outside 1–100, a time
//! that cannot be read. The finder is the one customer page with a script, so only its
//! content security policy allows one (this origin's, never inline).
//!
//! The pages are rate-limited per client address in the locator's own bucket (shared with
//! `GET /api/v1/nearest`, apart from complaints and tracking); over it, a page in the
//! visitor's language says so with 429 and `Retry-After`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use maud::{Markup, html};

use seba_app::AppError;
use seba_app::locator::{Entry, LocatorError, NearQuery, Nearby, OpenFilter, Origin};
use seba_core::bilingual::{Bilingual, Explain};
use seba_core::text::ascii_digits;
use seba_geo::{DistrictId, DivisionId, Geography, UpazilaId};
use seba_locator::hours::{Schedule, State as Open};
use seba_locator::nearest::{Coord, Direction, Limit};
use seba_locator::points::{PointKind, Service, ServicePoint};
use seba_store::StoreError;

use super::centres_map::{self, MapView, Pin};
use super::{Lang, errors_box, failed_page, lang_of, page, t, t_args, with_status};
use crate::error::ApiError;
use crate::extract::ClientIp;
use crate::state::AppState;

/// The finder's policy: the portal's, plus scripts from this origin (the "use my location"
/// button). Keep the rest in step with the portal's `PAGE_CSP`.
const FINDER_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Longest value read from any query parameter; nothing valid is longer.
const MAX_PARAM_CHARS: usize = 100;

/// What the finder shows unless asked for another kind.
const DEFAULT_KIND: PointKind = PointKind::CareCentre;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/centres", get(finder))
        .route("/centres/directory", get(directory))
        .route("/centres/{id}", get(centre))
}

// ---- reading the query -------------------------------------------------------------

/// The finder's parameters as sent. Read from the pairs by hand, so a repeated or unknown
/// parameter is never a framework error.
#[derive(Debug, Default, Clone)]
struct FinderForm {
    district: String,
    upazila: String,
    kind: String,
    service: String,
    open: bool,
    at: String,
    lat: String,
    lon: String,
    k: String,
}

impl FinderForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> FinderForm {
        let mut f = FinderForm::default();
        for (k, v) in pairs {
            let v: String = v.trim().chars().take(MAX_PARAM_CHARS).collect();
            let slot = match k.as_str() {
                "district" => &mut f.district,
                "upazila" => &mut f.upazila,
                "kind" => &mut f.kind,
                "service" => &mut f.service,
                "at" => &mut f.at,
                "lat" => &mut f.lat,
                "lon" => &mut f.lon,
                "k" => &mut f.k,
                "open" => {
                    f.open = !v.is_empty() && v != "0";
                    continue;
                }
                _ => continue,
            };
            *slot = v;
        }
        f
    }
}

/// A district by id ("26", "২৬") or name in either script; `Ok(None)` when blank.
fn district_of(input: &str) -> Result<Option<DistrictId>, ()> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    Geography::bangladesh()
        .district_typed(input)
        .map(|d| Some(d.id))
        .ok_or(())
}

/// An upazila by id, or by name inside `district`; `Ok(None)` when blank.
fn upazila_of(input: &str, district: Option<DistrictId>) -> Result<Option<UpazilaId>, ()> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    // By id anywhere, or by name inside the chosen district (no district, no name).
    let by_id = ascii_digits(input).parse::<u16>().is_ok();
    if district.is_none() && !by_id {
        return Err(());
    }
    Geography::bangladesh()
        .upazilas_typed(input, district)
        .first()
        .map(|u| Some(u.id))
        .ok_or(())
}

fn kind_of(input: &str) -> Result<Option<PointKind>, ()> {
    match input.trim() {
        "" => Ok(Some(DEFAULT_KIND)),
        "all" => Ok(None),
        other => other.parse().map(Some).map_err(|_| ()),
    }
}

fn service_of(input: &str) -> Result<Option<Service>, ()> {
    match input.trim() {
        "" => Ok(None),
        other => other.parse().map(Some).map_err(|_| ()),
    }
}

fn time_zone(state: &AppState) -> TimeZone {
    TimeZone::get(&state.app.settings.time_zone).unwrap_or(TimeZone::UTC)
}

/// A wall-clock time in Dhaka as a `datetime-local` field sends it (`2026-11-22T10:30`),
/// or typed with a space or Bengali digits.
fn parse_at(input: &str, tz: &TimeZone) -> Option<Timestamp> {
    let text = ascii_digits(input.trim()).replace(' ', "T");
    let civil: jiff::civil::DateTime = text.parse().ok()?;
    civil.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
}

/// The finder's question, checked, with what the form shows again.
#[derive(Debug)]
struct Search {
    origin: Option<Origin>,
    /// The district the picker shows: chosen, or the one the origin lies in.
    district: Option<DistrictId>,
    upazila: Option<UpazilaId>,
    /// The position searched from, when the browser gave one.
    coord: Option<Coord>,
    kind: Option<PointKind>,
    service: Option<Service>,
    open: OpenFilter,
    /// The time asked about, when one was (not "now").
    at: Option<Timestamp>,
    k: Limit,
}

/// Read the finder's form. Every problem is reported; the search runs only without any.
fn check(lang: Lang, form: &FinderForm, now: Timestamp, tz: &TimeZone) -> (Search, Vec<String>) {
    let geo = Geography::bangladesh();
    let mut errors = Vec::new();
    let explained = |b: Bilingual| lang.pick(&b.bn, &b.en).to_string();

    let mut district = district_of(&form.district).unwrap_or_else(|()| {
        errors.push(t(lang, "centres-bad-district"));
        None
    });
    let mut upazila = upazila_of(&form.upazila, district).unwrap_or_else(|()| {
        errors.push(t(lang, "centres-bad-upazila"));
        None
    });
    // An upazila left over from another district: the district was changed, and wins.
    if let Some(u) = upazila.and_then(|u| geo.upazila(u)) {
        match district {
            Some(d) if d != u.district => upazila = None,
            Some(_) => {}
            None => district = Some(u.district),
        }
    }
    let coord = if form.lat.is_empty() && form.lon.is_empty() {
        None
    } else {
        Coord::parse(&form.lat, &form.lon)
            .map_err(|e| errors.push(explained(e.explain())))
            .ok()
    };
    let kind = kind_of(&form.kind).unwrap_or_else(|()| {
        errors.push(t(lang, "centres-bad-kind"));
        Some(DEFAULT_KIND)
    });
    let service = service_of(&form.service).unwrap_or_else(|()| {
        errors.push(t(lang, "centres-bad-service"));
        None
    });
    let k = if form.k.is_empty() {
        Limit::DEFAULT
    } else {
        Limit::parse(&form.k).unwrap_or_else(|e| {
            errors.push(explained(e.explain()));
            Limit::DEFAULT
        })
    };
    let at = if form.at.is_empty() {
        None
    } else {
        match parse_at(&form.at, tz) {
            None => {
                errors.push(t(lang, "centres-bad-time"));
                None
            }
            Some(at)
                if at < now - jiff::SignedDuration::from_hours(24)
                    || at > now + jiff::SignedDuration::from_hours(366 * 24) =>
            {
                errors.push(t(lang, "centres-far-time"));
                None
            }
            Some(at) => Some(at),
        }
    };
    let open = match (at, form.open) {
        (Some(at), _) => OpenFilter::At(at),
        (None, true) => OpenFilter::At(now),
        (None, false) => OpenFilter::Any,
    };

    // An upazila chosen by hand beats a position; a position beats its own district, but
    // not another district chosen after it.
    let located_in = coord.and_then(|c| geo.district_at(c.lat(), c.lon()).map(|d| d.id));
    let (origin, coord) = match (upazila, coord, district) {
        (Some(u), _, _) => (Some(Origin::Upazila(u)), None),
        (None, Some(_), Some(d)) if located_in != Some(d) => (Some(Origin::District(d)), None),
        (None, Some(c), _) => (Some(Origin::At(c)), Some(c)),
        (None, None, Some(d)) => (Some(Origin::District(d)), None),
        (None, None, None) => (None, None),
    };
    if coord.is_some() {
        district = located_in;
    }
    let search = Search {
        origin,
        district,
        upazila,
        coord,
        kind,
        service,
        open,
        at,
        k,
    };
    (search, errors)
}

/// A path of this site as the language switch's `next` parameter carries it.
fn escape_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `path?query` for the language switch, which follows only its `next` parameter.
fn self_link(path: &str, params: &[(&str, String)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", escape_component(v)))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        escape_component(&format!("{path}?{}", query.join("&")))
    }
}

// ---- words and numbers -------------------------------------------------------------

fn name_of(lang: Lang, p: &ServicePoint) -> String {
    lang.pick(&p.name_bn, &p.name_en).to_string()
}

fn label(lang: Lang, b: Bilingual) -> String {
    lang.pick(&b.bn, &b.en).to_string()
}

fn district_name(lang: Lang, id: DistrictId) -> String {
    Geography::bangladesh()
        .district(id)
        .map(|d| lang.pick(&d.name_bn, &d.name_en).to_string())
        .unwrap_or_default()
}

/// "১.২ কিমি" / "1.2 km"; under a kilometre in tens of metres.
fn distance(lang: Lang, m: f64) -> String {
    if m < 1_000.0 {
        let m = ((m / 10.0).round() * 10.0) as i64;
        t_args(lang, "centres-m", &[("m", lang.int(m).into())])
    } else if m < 100_000.0 {
        let km = format!("{:.1}", m / 1_000.0);
        t_args(lang, "centres-km", &[("km", lang.digits(&km).into())])
    } else {
        let km = (m / 1_000.0).round() as i64;
        t_args(lang, "centres-km", &[("km", lang.int(km).into())])
    }
}

fn direction_word(lang: Lang, d: Direction) -> String {
    let key = match d {
        Direction::N => "centres-dir-n",
        Direction::NE => "centres-dir-ne",
        Direction::E => "centres-dir-e",
        Direction::SE => "centres-dir-se",
        Direction::S => "centres-dir-s",
        Direction::SW => "centres-dir-sw",
        Direction::W => "centres-dir-w",
        Direction::NW => "centres-dir-nw",
    };
    t(lang, key)
}

/// A point's notice in this language, or in the other if it has only that one.
fn notice(lang: Lang, p: &ServicePoint) -> Option<String> {
    let (mine, other) = match lang {
        Lang::Bn => (&p.notice_bn, &p.notice_en),
        Lang::En => (&p.notice_en, &p.notice_bn),
    };
    mine.as_ref()
        .or(other.as_ref())
        .filter(|n| !n.trim().is_empty())
        .cloned()
}

/// A phone number as a `tel:` link wants it: digits and a leading plus.
fn tel(phone: &str) -> String {
    let digits = ascii_digits(phone);
    let mut out: String = digits.chars().filter(char::is_ascii_digit).collect();
    if digits.trim_start().starts_with('+') {
        out.insert(0, '+');
    }
    format!("tel:{out}")
}

fn degrees(c: Coord) -> (String, String) {
    (format!("{:.5}", c.lat()), format!("{:.5}", c.lon()))
}

/// OpenStreetMap's directions between two places (`from` may be unknown).
fn directions_url(from: Option<Coord>, to: Coord) -> String {
    let (lat, lon) = degrees(to);
    let from = from
        .map(|f| {
            let (flat, flon) = degrees(f);
            format!("{flat}%2C{flon}")
        })
        .unwrap_or_default();
    format!("https://www.openstreetmap.org/directions?route={from}%3B{lat}%2C{lon}")
}

/// A `geo:` URI: phones open it in their map app.
fn geo_url(to: Coord) -> String {
    let (lat, lon) = degrees(to);
    format!("geo:{lat},{lon}")
}

fn phone_link(lang: Lang, phone: &Option<String>) -> Markup {
    html! {
        @if let Some(phone) = phone {
            a href=(tel(phone)) { (t(lang, "centres-call")) " " (lang.digits(phone)) }
        }
    }
}

/// The travel links under a place.
fn way_links(lang: Lang, from: Option<Coord>, to: Coord) -> Markup {
    html! {
        a href=(directions_url(from, to)) rel="external noopener noreferrer" {
            (t(lang, "centres-directions"))
        }
        " · "
        a href=(geo_url(to)) { (t(lang, "centres-geo")) }
    }
}

fn date_text(lang: Lang, d: Date) -> String {
    lang.digits(&d.strftime("%d/%m/%Y").to_string())
}

// ---- the finder --------------------------------------------------------------------

/// The district picker, grouped by division, named in the page's language.
fn district_select(lang: Lang, id: &str, chosen: Option<DistrictId>, blank: &str) -> Markup {
    let geo = Geography::bangladesh();
    html! {
        select id=(id) name="district" {
            option value="" { (blank) }
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
    }
}

fn kind_select(lang: Lang, chosen: Option<PointKind>, with_all: bool) -> Markup {
    html! {
        select id="kind" name="kind" {
            @for k in PointKind::ALL {
                option value=(k.as_str()) selected[Some(*k) == chosen] { (label(lang, k.label())) }
            }
            @if with_all {
                option value="all" selected[chosen.is_none()] { (t(lang, "centres-kind-all")) }
            }
        }
    }
}

fn finder_form(lang: Lang, form: &FinderForm, search: &Search) -> Markup {
    let geo = Geography::bangladesh();
    let (lat, lon) = search.coord.map(degrees).unwrap_or_default();
    let more_open = search.service.is_some()
        || search.kind != Some(DEFAULT_KIND)
        || search.open != OpenFilter::Any
        || !form.at.is_empty();
    html! {
        form id="finder" method="get" action="/centres"
            data-locate=(t(lang, "centres-locate"))
            data-locate-busy=(t(lang, "centres-locate-busy"))
            data-locate-failed=(t(lang, "centres-locate-failed")) {
            p {
                label for="district" { (t(lang, "centres-district")) }
                br;
                (district_select(lang, "district", search.district, &t(lang, "centres-district-choose")))
            }
            p {
                @if let Some(d) = search.district {
                    label for="upazila" { (t(lang, "centres-upazila")) }
                    br;
                    select id="upazila" name="upazila" {
                        option value="" { (t(lang, "centres-upazila-all")) }
                        @for u in geo.upazilas_of(d) {
                            option value=(u.id.0) selected[Some(u.id) == search.upazila] {
                                (lang.pick(&u.name_bn, &u.name_en))
                            }
                        }
                    }
                } @else {
                    small { (t(lang, "centres-upazila-hint")) }
                }
            }
            details open[more_open] {
                summary { (t(lang, "centres-more")) }
                p {
                    label for="kind" { (t(lang, "centres-kind")) }
                    br;
                    (kind_select(lang, search.kind, true))
                }
                p {
                    label for="service" { (t(lang, "centres-service")) }
                    br;
                    select id="service" name="service" {
                        option value="" { (t(lang, "centres-service-any")) }
                        @for s in Service::ALL {
                            option value=(s.as_str()) selected[Some(*s) == search.service] {
                                (label(lang, s.label()))
                            }
                        }
                    }
                }
                p {
                    label {
                        input type="checkbox" name="open" value="1"
                            checked[form.open && form.at.is_empty()];
                        " " (t(lang, "centres-open-now"))
                    }
                }
                p {
                    label for="at" { (t(lang, "centres-open-at")) }
                    br;
                    input id="at" name="at" type="datetime-local" value=(form.at);
                }
            }
            input type="hidden" name="lat" value=(lat);
            input type="hidden" name="lon" value=(lon);
            // Kept for the next question, unless it was the problem.
            @if !form.k.is_empty() && Limit::parse(&form.k).is_ok() {
                input type="hidden" name="k" value=(form.k);
            }
            p { button type="submit" { (t(lang, "centres-find")) } }
        }
    }
}

/// What the search started from, in words.
fn place_words(lang: Lang, search: &Search) -> String {
    let geo = Geography::bangladesh();
    match search.origin {
        Some(Origin::Upazila(u)) => geo
            .upazila(u)
            .map(|u| {
                format!(
                    "{}, {}",
                    lang.pick(&u.name_bn, &u.name_en),
                    district_name(lang, u.district)
                )
            })
            .unwrap_or_default(),
        Some(Origin::District(d)) => district_name(lang, d),
        Some(Origin::At(_)) => match search.district {
            Some(d) => format!(
                "{} ({})",
                t(lang, "centres-your-location"),
                district_name(lang, d)
            ),
            None => t(lang, "centres-your-location"),
        },
        None => String::new(),
    }
}

fn results(state: &AppState, lang: Lang, search: &Search, nearby: &Nearby) -> Markup {
    let place = place_words(lang, search);
    let numbers: Vec<String> = (1..=nearby.hits.len() as i64)
        .map(|n| lang.int(n))
        .collect();
    let pins: Vec<Pin> = nearby
        .hits
        .iter()
        .zip(&numbers)
        .map(|(h, n)| Pin {
            lat: h.entry.point.coord.lat(),
            lon: h.entry.point.coord.lon(),
            label: n.clone(),
            title: format!("{n}. {}", name_of(lang, &h.entry.point)),
        })
        .collect();
    let origin_title = t(lang, "centres-map-origin");
    let map_title = format!("{} — {place}", t(lang, "centres-map"));
    let from = nearby.from;
    let (flat, flon) = degrees(from);
    html! {
        section id="results" {
            h2 { (t_args(lang, "centres-near", &[("place", place.clone().into())])) }
            @if let Some(at) = search.at {
                p.notice {
                    (t_args(lang, "centres-open-at-shown",
                        &[("when", super::agent::when(state, lang, at).into())]))
                }
            }
            @if nearby.hits.is_empty() {
                section.card { p { (t(lang, "centres-none")) } }
            } @else {
                (centres_map::draw(lang, &MapView {
                    title: &map_title,
                    highlight: search.district,
                    origin: Some((from.lat(), from.lon(), origin_title.as_str())),
                    pins: &pins,
                    whole_district: false,
                }))
                div.places {
                    @for (hit, n) in nearby.hits.iter().zip(&numbers) {
                        @let p = &hit.entry.point;
                        article.card id=(format!("p-{}", p.id)) {
                            h3 {
                                (n) ". "
                                a href=(format!("/centres/{}?from={flat},{flon}", p.id)) { (name_of(lang, p)) }
                            }
                            p {
                                small { (label(lang, p.kind.label())) } br;
                                strong.distance {
                                    @match hit.direction {
                                        Some(d) => { (distance(lang, hit.distance_m)) " " (direction_word(lang, d)) }
                                        None => { (t(lang, "centres-here")) }
                                    }
                                }
                            }
                            p.hours { strong { (label(lang, hit.hours_now.clone())) } }
                            @if let Some(text) = notice(lang, p) { p.notice { (text) } }
                            p { (lang.pick(&p.address_bn, &p.address_en)) }
                            @if p.phone.is_some() { p { (phone_link(lang, &p.phone)) } }
                            p { (way_links(lang, Some(from), p.coord)) }
                        }
                    }
                }
            }
        }
    }
}

/// Serve the finder with its script and the policy that lets it run.
fn finder_page(lang: Lang, path: &str, body: Markup, status: StatusCode) -> Response {
    let body = html! {
        (body)
        script src=(super::assets::locate_script_url()) defer {}
    };
    let mut res = with_status(page(lang, path, &t(lang, "centres-title"), body), status);
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FINDER_CSP),
    );
    res
}

/// Over the locator's rate limit: the limiter's answer (429, `Retry-After`) as a page in
/// the visitor's language.
fn limited_page(lang: Lang, path: &str, e: ApiError) -> Response {
    let title = lang.pick(&e.title.bn, &e.title.en).to_string();
    let body = html! {
        h1 { (title) }
        (errors_box(None, &[lang.pick(&e.detail.bn, &e.detail.en).to_string()]))
        p { a href="/" { (t(lang, "site-name")) } }
    };
    let mut res = with_status(page(lang, path, &title, body), e.status);
    res.headers_mut().extend(e.headers);
    res
}

/// `GET /centres?district=…&upazila=…&lat=…&lon=…&kind=…&service=…&open=1&at=…&k=…`.
pub async fn finder(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let lang = lang_of(&headers);
    if let Err(e) = state.check_locator_rate(ip) {
        return limited_page(lang, "/centres", e);
    }
    let form = FinderForm::from_pairs(pairs);
    let tz = time_zone(&state);
    let (search, errors) = check(lang, &form, state.app.now(), &tz);
    let path = self_link(
        "/centres",
        &[
            ("district", form.district.clone()),
            ("upazila", form.upazila.clone()),
            ("lat", form.lat.clone()),
            ("lon", form.lon.clone()),
            ("kind", form.kind.clone()),
            ("service", form.service.clone()),
            ("open", if form.open { "1".into() } else { String::new() }),
            ("at", form.at.clone()),
            ("k", form.k.clone()),
        ],
    );
    let head = html! {
        h1 { (t(lang, "centres-title")) }
        p { (t(lang, "centres-intro")) }
    };
    let foot = html! {
        p { a href="/centres/directory" { (t(lang, "centres-directory")) } }
    };
    if !errors.is_empty() {
        let body = html! {
            (head)
            (errors_box(Some(t(lang, "centres-errors")), &errors))
            (finder_form(lang, &form, &search))
            (foot)
        };
        return finder_page(lang, &path, body, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let Some(origin) = search.origin else {
        let body = html! { (head) (finder_form(lang, &form, &search)) (foot) };
        return finder_page(lang, &path, body, StatusCode::OK);
    };
    let query = NearQuery {
        from: origin,
        k: search.k,
        kind: search.kind,
        service: search.service,
        open: search.open,
    };
    let nearby = match state.app.nearest(&query).await {
        Ok(n) => n,
        Err(LocatorError::App(e)) => return failed_page(lang, "/centres", e),
        // Checked above; a district or upazila the locator does not know is still the
        // customer's mistake.
        Err(e) => {
            let body = html! {
                (head)
                (errors_box(Some(t(lang, "centres-errors")), &[label(lang, e.explain())]))
                (finder_form(lang, &form, &search))
                (foot)
            };
            return finder_page(lang, &path, body, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let body = html! {
        (head)
        (finder_form(lang, &form, &search))
        (results(&state, lang, &search, &nearby))
        (foot)
    };
    finder_page(lang, &path, body, StatusCode::OK)
}

// ---- the directory -----------------------------------------------------------------

/// A division by id or name in either script; `Ok(None)` when blank.
fn division_of_input(input: &str) -> Result<Option<DivisionId>, ()> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let geo = Geography::bangladesh();
    let lower = input.to_lowercase();
    let found = match ascii_digits(input).parse::<u16>() {
        Ok(n) => geo.division(DivisionId(n)),
        Err(_) => geo.divisions().iter().find(|d| {
            d.name_en.to_lowercase() == lower
                || d.name_bn == input
                || d.aliases.iter().any(|a| a.to_lowercase() == lower)
        }),
    };
    found.map(|d| Some(d.id)).ok_or(())
}

/// `GET /centres/directory?kind=…&division=…&district=…`: every open place of a kind, by
/// division and district, each district with an anchor (`#d-26`). The whole country is
/// one page (the website's listing); a division or a district is a lighter one.
/// Beyond this many places, the unfiltered directory is an index of divisions and
/// districts with counts, linking to each division's list.
const WHOLE_LIST_MAX: usize = 60;

pub async fn directory(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let lang = lang_of(&headers);
    if let Err(e) = state.check_locator_rate(ip) {
        return limited_page(lang, "/centres/directory", e);
    }
    let param = |name: &str| -> String {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().chars().take(MAX_PARAM_CHARS).collect())
            .unwrap_or_default()
    };
    let (kind_in, district_in, division_in) = (param("kind"), param("district"), param("division"));
    let mut errors = Vec::new();
    let district = district_of(&district_in).unwrap_or_else(|()| {
        errors.push(t(lang, "centres-bad-district"));
        None
    });
    // A district names its division; a division alone narrows to its districts.
    let division = division_of_input(&division_in).unwrap_or_else(|()| {
        errors.push(t(lang, "centres-bad-division"));
        None
    });
    let division = if district.is_some() { None } else { division };
    let kind = match kind_in.as_str() {
        "" => DEFAULT_KIND,
        k => k.parse().unwrap_or_else(|_| {
            errors.push(t(lang, "centres-bad-kind"));
            DEFAULT_KIND
        }),
    };
    let path = self_link(
        "/centres/directory",
        &[
            ("kind", kind_in.clone()),
            ("division", division_in.clone()),
            ("district", district_in.clone()),
        ],
    );
    let title = t(lang, "centres-directory-title");
    let filter = html! {
        form method="get" action="/centres/directory" {
            p {
                label for="district" { (t(lang, "centres-district")) }
                br;
                (district_select(lang, "district", district, &t(lang, "centres-district-all")))
            }
            p {
                label for="kind" { (t(lang, "centres-kind")) }
                br;
                (kind_select(lang, Some(kind), false))
            }
            p { button type="submit" { (t(lang, "centres-show")) } }
        }
    };
    if !errors.is_empty() {
        let body = html! {
            h1 { (title) }
            (errors_box(Some(t(lang, "centres-errors")), &errors))
            (filter)
        };
        return with_status(
            page(lang, &path, &title, body),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let entries = match state.app.directory(kind, district).await {
        Ok(e) => e,
        Err(e) => return failed_page(lang, "/centres/directory", e),
    };
    let entries: Vec<Arc<Entry>> = entries
        .into_iter()
        .filter(|e| division.is_none_or(|d| e.point.division == d))
        .collect();
    let now = state.app.now();
    let geo = Geography::bangladesh();
    // By division, then district, as the directory is ordered.
    let mut groups: Vec<(DistrictId, Vec<&Arc<Entry>>)> = Vec::new();
    for e in &entries {
        match groups.last_mut() {
            Some((d, list)) if *d == e.point.district => list.push(e),
            _ => groups.push((e.point.district, vec![e])),
        }
    }
    let division_of = |d: DistrictId| geo.district(d).map(|d| d.division);
    let count = |n: usize| {
        t_args(
            lang,
            "centres-directory-count",
            &[("count", lang.count(n as i64))],
        )
    };
    let kind_param = if kind == DEFAULT_KIND {
        String::new()
    } else {
        format!("kind={}&", kind.as_str())
    };
    let narrowed = district.is_some() || division.is_some();
    // The whole country's centres would be 140 KB of Bengali: beyond a screenful, the
    // unfiltered page is the index, and each division's page lists its centres.
    let listed = narrowed || entries.len() <= WHOLE_LIST_MAX;
    let body = html! {
        p { a href="/centres" { "← " (t(lang, "centres-back-finder")) } }
        h1 { (title) }
        p { (t(lang, "centres-directory-intro")) }
        (filter)
        p {
            strong { (count(entries.len())) }
            @if narrowed {
                " · " a href=(format!("/centres/directory?{}", kind_param.trim_end_matches('&'))) {
                    (t(lang, "centres-directory-all"))
                }
            }
        }
        @if entries.is_empty() {
            section.card { p { (t(lang, "centres-directory-none")) } }
        }
        @if groups.len() > 1 {
            nav {
                @for div in geo.divisions() {
                    @let here: Vec<_> = groups.iter().filter(|(d, _)| division_of(*d) == Some(div.id)).collect();
                    @if !here.is_empty() {
                        p {
                            a href=(format!("/centres/directory?{kind_param}division={}", div.id.0)) {
                                strong { (lang.pick(&div.name_bn, &div.name_en)) }
                            }
                            ": "
                            @for (i, (d, list)) in here.iter().enumerate() {
                                @if i > 0 { ", " }
                                @if listed {
                                    a href=(format!("#d-{}", d.0)) { (district_name(lang, *d)) }
                                } @else {
                                    a href=(format!("/centres/directory?{kind_param}division={}#d-{}", div.id.0, d.0)) { (district_name(lang, *d)) }
                                }
                                " (" (lang.int(list.len() as i64)) ")"
                            }
                        }
                    }
                }
            }
        }
        @if !listed {
            p.muted { (t(lang, "centres-directory-pick")) }
        }
        @for (i, (d, list)) in groups.iter().enumerate().filter(|_| listed) {
            @let division = division_of(*d);
            @if i == 0 || division_of(groups[i - 1].0) != division {
                @if let Some(div) = division.and_then(|v| geo.division(v)) {
                    h2 { (lang.pick(&div.name_bn, &div.name_en)) }
                }
            }
            section.card id=(format!("d-{}", d.0)) {
                h3 { (district_name(lang, *d)) " · " (count(list.len())) }
                ul {
                    @for e in list {
                        @let p = &e.point;
                        li {
                            a href=(format!("/centres/{}", p.id)) { (name_of(lang, p)) }
                            br;
                            (lang.pick(&p.address_bn, &p.address_en))
                            @if let Some(phone) = &p.phone {
                                br;
                                "☎ " a href=(tel(phone)) { (lang.digits(phone)) }
                            }
                            br;
                            (label(lang, e.hours_at(now).hours_now))
                            " · " small { (p.hours) }
                        }
                    }
                }
            }
        }
    };
    page(lang, &path, &title, body)
}

// ---- one place ---------------------------------------------------------------------

/// The open (and uncertain) stretches of each of the next seven days, in local time.
/// A stretch of one day: from, until, and whether it is open or uncertain.
type Stretch = (Timestamp, Timestamp, Open);

fn week(schedule: &Schedule, today: Date, tz: &TimeZone) -> Vec<(Date, Vec<Stretch>)> {
    let midnight = |d: Date| d.to_zoned(tz.clone()).ok().map(|z| z.timestamp());
    let mut days = Vec::with_capacity(7);
    // Once nothing changes any more, every later day is the same all day.
    let mut forever: Option<Open> = None;
    let mut day = today;
    for _ in 0..7 {
        let next_day = day.tomorrow().unwrap_or(day);
        let (Some(start), Some(end)) = (midnight(day), midnight(next_day)) else {
            break;
        };
        let mut stretches = Vec::new();
        if let Some(state) = forever {
            if state != Open::Closed {
                stretches.push((start, end, state));
            }
        } else {
            let mut at = start;
            for _ in 0..48 {
                let state = schedule.state_at(at).state;
                let change = schedule.next_change(at);
                let until = change.map_or(end, |c| c.min(end));
                if state != Open::Closed {
                    stretches.push((at, until, state));
                }
                match change {
                    None => {
                        forever = Some(state);
                        break;
                    }
                    Some(c) if c >= end => break,
                    Some(c) => at = c,
                }
            }
        }
        days.push((day, stretches));
        day = next_day;
    }
    days
}

fn day_word(lang: Lang, d: Date) -> String {
    use jiff::civil::Weekday as W;
    let key = match d.weekday() {
        W::Monday => "centres-day-mon",
        W::Tuesday => "centres-day-tue",
        W::Wednesday => "centres-day-wed",
        W::Thursday => "centres-day-thu",
        W::Friday => "centres-day-fri",
        W::Saturday => "centres-day-sat",
        W::Sunday => "centres-day-sun",
    };
    t(lang, key)
}

/// "০৯:০০–১৯:০০"; a stretch that runs to midnight ends at "24:00".
fn stretch_text(lang: Lang, from: Timestamp, to: Timestamp, day: Date, tz: &TimeZone) -> String {
    let clock = |at: Timestamp| {
        let z = at.to_zoned(tz.clone());
        if z.date() > day {
            "24:00".to_string()
        } else {
            z.strftime("%H:%M").to_string()
        }
    };
    lang.digits(&format!("{}–{}", clock(from), clock(to)))
}

fn missing_page(lang: Lang, path: &str) -> Response {
    let body = html! {
        h1 { (t(lang, "centres-missing")) }
        p { (t(lang, "centres-missing-body")) }
        p { a href="/centres" { (t(lang, "centres-back-finder")) } }
    };
    with_status(
        page(lang, path, &t(lang, "centres-missing"), body),
        StatusCode::NOT_FOUND,
    )
}

fn gone_page(lang: Lang, path: &str, p: &ServicePoint) -> Response {
    let body = html! {
        h1 { (t(lang, "centres-gone")) }
        p { (t_args(lang, "centres-gone-body", &[("name", name_of(lang, p).into())])) }
        p.actions {
            a.button href=(format!("/centres?district={}", p.district.0)) { (t(lang, "centres-back-finder")) }
        }
    };
    with_status(
        page(lang, path, &t(lang, "centres-gone"), body),
        StatusCode::GONE,
    )
}

/// `GET /centres/{id}?from=lat,lon`: one place; `from` (the finder's origin) fills in the
/// start of the directions link.
pub async fn centre(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let lang = lang_of(&headers);
    if let Err(e) = state.check_locator_rate(ip) {
        return limited_page(lang, "/centres", e);
    }
    let Ok(id) = ascii_digits(id.trim()).parse::<i64>() else {
        return missing_page(lang, "/centres");
    };
    let path = format!("/centres/{id}");
    let entry = match state.app.located(id).await {
        Ok(Some(e)) => e,
        Ok(None) => {
            return match state.app.point(id).await {
                Ok(p) if p.closed => gone_page(lang, &path, &p),
                Ok(_) | Err(AppError::Store(StoreError::NotFound)) => missing_page(lang, &path),
                Err(e) => failed_page(lang, &path, e),
            };
        }
        Err(e) => return failed_page(lang, &path, e),
    };
    let from = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "from")
        .and_then(|(_, v)| v.split_once(','))
        .and_then(|(lat, lon)| Coord::parse(lat, lon).ok());
    let p = &entry.point;
    let now = state.app.now();
    let tz = time_zone(&state);
    let today = now.to_zoned(tz.clone()).date();
    let geo = Geography::bangladesh();
    let name = name_of(lang, p);
    let area: Vec<String> = [
        p.upazila
            .and_then(|u| geo.upazila(u))
            .map(|u| lang.pick(&u.name_bn, &u.name_en).to_string()),
        Some(district_name(lang, p.district)),
        geo.division(p.division)
            .map(|d| lang.pick(&d.name_bn, &d.name_en).to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut area = area;
    area.dedup();
    let pins = [Pin {
        lat: p.coord.lat(),
        lon: p.coord.lon(),
        label: lang.int(1),
        title: name.clone(),
    }];
    let origin_title = t(lang, "centres-map-origin");
    let map_title = format!("{} — {name}", t(lang, "centres-map"));
    let body = html! {
        p { a href="/centres" { "← " (t(lang, "centres-back-finder")) } }
        article.card {
            h1 { (name) }
            p { small { (label(lang, p.kind.label())) } }
            @if let Some(text) = notice(lang, p) { p.notice { (text) } }
            p.hours {
                strong { (t(lang, "centres-now")) ": " } (label(lang, entry.hours_at(now).hours_now))
            }
            @if let (Some(from), Some(to)) = (p.active_from, p.active_to) {
                p { (t_args(lang, "centres-dates", &[
                    ("from", date_text(lang, from).into()),
                    ("to", date_text(lang, to).into()),
                ])) }
            }
            h2 { (t(lang, "centres-address")) }
            p { (lang.pick(&p.address_bn, &p.address_en)) br; small { (area.join(", ")) } }
            @if p.phone.is_some() { p { (phone_link(lang, &p.phone)) } }
            p { (way_links(lang, from, p.coord)) }
            h2 { (t(lang, "centres-services")) }
            ul { @for s in &p.services { li { (label(lang, s.label())) } } }
            h2 { (t(lang, "centres-hours")) }
            table {
                caption { (t(lang, "centres-hours-week")) }
                @for (day, stretches) in week(&entry.schedule, today, &tz) {
                    tr {
                        th scope="row" { (day_word(lang, day)) " " (lang.digits(&day.strftime("%d/%m").to_string())) }
                        td {
                            @if stretches.is_empty() { (t(lang, "centres-hours-closed")) }
                            @for (i, (a, b, state)) in stretches.iter().enumerate() {
                                @if i > 0 { ", " }
                                (stretch_text(lang, *a, *b, day, &tz))
                                @if *state == Open::Unknown { " (" (t(lang, "centres-hours-unknown")) ")" }
                            }
                        }
                    }
                }
            }
            p { small { (t(lang, "centres-hours-osm")) " " code { (p.hours) } } }
        }
        (centres_map::draw(lang, &MapView {
            title: &map_title,
            highlight: Some(p.district),
            origin: from.map(|f| (f.lat(), f.lon(), origin_title.as_str())),
            pins: &pins,
            whole_district: true,
        }))
        p { a href=(format!("/centres/directory?division={}#d-{}", p.division.0, p.district.0)) { (t(lang, "centres-directory")) } }
    };
    page(lang, &path, &name, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_as_people_say_them() {
        assert_eq!(distance(Lang::En, 1_234.0), "1.2 km");
        assert_eq!(distance(Lang::Bn, 1_234.0), "১.২ কিমি");
        assert_eq!(distance(Lang::En, 846.0), "850 m");
        assert_eq!(distance(Lang::Bn, 846.0), "৮৫০ মিটার");
        assert_eq!(distance(Lang::En, 123_456.0), "123 km");
        assert_eq!(direction_word(Lang::Bn, Direction::NE), "উত্তর-পূর্বে");
        assert_eq!(direction_word(Lang::En, Direction::NE), "north-east");
    }

    #[test]
    fn links_for_the_way_there() {
        let to = Coord::new(23.7509, 90.3935).expect("Dhanmondi");
        let from = Coord::new(23.81, 90.41).expect("Dhaka");
        assert_eq!(
            directions_url(Some(from), to),
            "https://www.openstreetmap.org/directions?route=23.81000%2C90.41000%3B23.75090%2C90.39350"
        );
        assert_eq!(geo_url(to), "geo:23.75090,90.39350");
        assert_eq!(tel("01712-345678"), "tel:01712345678");
        assert_eq!(tel("+880 ১৭১২ ৩৪৫৬৭৮"), "tel:+8801712345678");
    }

    #[test]
    fn the_language_switch_keeps_the_query() {
        let link = self_link(
            "/centres",
            &[
                ("district", "26".into()),
                ("kind", "drop_box".into()),
                ("k", String::new()),
            ],
        );
        assert_eq!(link, "/centres%3Fdistrict%3D26%26kind%3Ddrop_box");
        assert_eq!(self_link("/centres", &[("k", String::new())]), "/centres");
    }

    #[test]
    fn times_are_read_in_dhaka() {
        let tz = TimeZone::get("Asia/Dhaka").expect("tz");
        let at = parse_at("২০২৬-১১-২২ ১০:৩০", &tz).expect("a time");
        assert_eq!(at.to_string(), "2026-11-22T04:30:00Z");
        assert!(parse_at("tomorrow", &tz).is_none());
    }
}
