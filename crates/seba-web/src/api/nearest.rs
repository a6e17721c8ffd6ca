//! The nearest service points, for customers' apps: `GET /api/v1/nearest`.
//!
//! A customer with GPS sends `lat` and `lon`; one without names a `district` or an
//! `upazila` (by id or by name in either script, with `district` to tell apart two
//! upazilas of the same name). The answer is the `k` nearest open points (5 unless asked),
//! optionally only of one `kind`, offering one `service`, or open `now` or at `open_at`,
//! each with its distance, its direction, whether it is open at that instant, its hours in
//! both languages and a link to a route on OpenStreetMap. It is answered from the node's
//! in-memory index (`seba_app::locator`); nothing is stored.
//!
//! The route needs no login and is rate-limited per client address, in the locator's own
//! bucket (`RateLimits::locator_per_minute`, shared with the finder pages), not the one
//! complaints and tracking use: many customers behind one carrier address, each map app
//! asking several times per screen, must neither be refused by the complaint limit nor
//! use it up. Where a customer stands is personal: the request is logged and measured by
//! its route pattern only (see `observe` in the crate root), never with its query.
//!
//! Every parameter is read strictly: unknown ones, numbers that are not numbers,
//! coordinates outside Bangladesh, `k` outside 1–100, unknown districts, kinds and services
//! are a 422 naming the parameter, in Bengali and English.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use jiff::Timestamp;
use jiff::civil::DateTime;
use serde::Serialize;
use utoipa::ToSchema;

use seba_app::locator::{LocatorError, Near, NearQuery, Nearby, OpenFilter, Origin};
use seba_core::Bilingual;
use seba_core::bilingual::Explain;
use seba_core::text;
use seba_geo::{District, Geography, Upazila, UpazilaId};
use seba_locator::nearest::{Axis, Coord, CoordError, Direction, Limit};
use seba_locator::points::{PointKind, Service};

use crate::error::{ApiError, FieldError, Problem};
use crate::extract::ClientIp;
use crate::state::AppState;

/// How far from now `open_at` may be: the opening hours are evaluated a year ahead at most.
const OPEN_AT_WITHIN: jiff::SignedDuration = jiff::SignedDuration::from_hours(366 * 24);

/// A text in both languages.
#[derive(Debug, Serialize, ToSchema)]
pub struct Text {
    pub bn: String,
    pub en: String,
}

impl From<Bilingual> for Text {
    fn from(b: Bilingual) -> Self {
        Text { bn: b.bn, en: b.en }
    }
}

/// A district or upazila: its id and its names.
#[derive(Debug, Serialize, ToSchema)]
pub struct Area {
    pub id: u16,
    pub bn: String,
    pub en: String,
}

/// One of the eight compass directions from the origin to the point.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectionView {
    /// "উত্তর-পূর্ব"
    pub bn: String,
    /// "north-east"
    pub en: String,
    /// `N`, `NE`, `E`, `SE`, `S`, `SW`, `W` or `NW`.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// A point near the origin, with its state at the instant asked about.
#[derive(Debug, Serialize, ToSchema)]
pub struct NearPoint {
    pub id: i64,
    /// `care_centre`, `agent_point`, `popup_desk`, `g2p_point` or `drop_box`.
    pub kind: String,
    pub name: Text,
    pub address: Text,
    pub district: Area,
    pub upazila: Option<Area>,
    pub lat: f64,
    pub lon: f64,
    pub phone: Option<String>,
    /// `pin_reset`, `account_opening`, `complaint_intake`, `g2p`, `cash_in_out`,
    /// `kyc_update`, `sim_replacement`.
    pub services: Vec<String>,
    /// Great-circle distance from the origin, in whole metres.
    pub distance_m: u64,
    /// Initial bearing from the origin, degrees clockwise from north, to a tenth.
    pub bearing_deg: f64,
    /// Absent when the point is where the search started.
    pub direction: Option<DirectionView>,
    /// `open`, `closed` or `unknown`, at `at`.
    pub open: String,
    /// When it closes next, if it is open (RFC 3339).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closes_at: Option<Timestamp>,
    /// The earliest instant from `at` on at which it is open (`at` itself if it is open).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_opening: Option<Timestamp>,
    /// OpenStreetMap `opening_hours`, e.g. `Sa-Th 09:00-19:00; PH off`.
    pub hours: String,
    /// "আজ সন্ধ্যা ৭টা পর্যন্ত খোলা" / "Open today until 7 pm".
    pub hours_now: Text,
    /// A temporary notice ("closed for Eid"), if any.
    pub notice: Option<Text>,
    /// A route from the origin on openstreetmap.org.
    pub directions_url: String,
}

/// The answer: where the search started, the instant the states describe, and the points,
/// nearest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct NearestAnswer {
    /// The coordinates given, or the centre of the district or upazila named.
    pub from: LatLon,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub points: Vec<NearPoint>,
}

fn area(id: u16, bn: &str, en: &str) -> Area {
    Area {
        id,
        bn: bn.into(),
        en: en.into(),
    }
}

/// Degrees as OpenStreetMap's links write them: six decimals (about 0.1 m).
fn degrees(x: f64) -> String {
    format!("{x:.6}")
}

fn directions_url(from: Coord, to: Coord) -> String {
    format!(
        "https://www.openstreetmap.org/directions?route={}%2C{}%3B{}%2C{}",
        degrees(from.lat()),
        degrees(from.lon()),
        degrees(to.lat()),
        degrees(to.lon())
    )
}

/// A direction in words ("north-east"); [`Direction::en`] is its code ("NE").
fn english(d: Direction) -> &'static str {
    match d {
        Direction::N => "north",
        Direction::NE => "north-east",
        Direction::E => "east",
        Direction::SE => "south-east",
        Direction::S => "south",
        Direction::SW => "south-west",
        Direction::W => "west",
        Direction::NW => "north-west",
    }
}

impl NearPoint {
    fn new(from: Coord, near: &Near) -> NearPoint {
        let geo = Geography::bangladesh();
        let p = &near.entry.point;
        let district = geo
            .district(p.district)
            .map(|d| area(d.id.0, &d.name_bn, &d.name_en))
            .unwrap_or_else(|| area(p.district.0, "", ""));
        let upazila = p.upazila.map(|u| {
            geo.upazila(u)
                .map(|x| area(x.id.0, &x.name_bn, &x.name_en))
                .unwrap_or_else(|| area(u.0, "", ""))
        });
        let notice = match (&p.notice_bn, &p.notice_en) {
            (None, None) => None,
            (bn, en) => Some(Text {
                bn: bn.clone().or_else(|| en.clone()).unwrap_or_default(),
                en: en.clone().or_else(|| bn.clone()).unwrap_or_default(),
            }),
        };
        NearPoint {
            id: p.id,
            kind: p.kind.as_str().into(),
            name: Text {
                bn: p.name_bn.clone(),
                en: p.name_en.clone(),
            },
            address: Text {
                bn: p.address_bn.clone(),
                en: p.address_en.clone(),
            },
            district,
            upazila,
            lat: p.coord.lat(),
            lon: p.coord.lon(),
            phone: p.phone.clone(),
            services: p.services.iter().map(|s| s.as_str().into()).collect(),
            distance_m: near.distance_m.round() as u64,
            bearing_deg: (near.bearing_deg * 10.0).round() / 10.0 % 360.0,
            direction: near.direction.map(|d| DirectionView {
                bn: d.bn().into(),
                en: english(d).into(),
                code: d.en().into(),
            }),
            open: match near.status.state {
                seba_locator::hours::State::Open => "open",
                seba_locator::hours::State::Closed => "closed",
                seba_locator::hours::State::Unknown => "unknown",
            }
            .into(),
            closes_at: near.closes_at,
            next_opening: near.next_opening,
            hours: p.hours.clone(),
            hours_now: near.hours_now.clone().into(),
            notice,
            directions_url: directions_url(from, p.coord),
        }
    }
}

impl NearestAnswer {
    fn new(nearby: &Nearby) -> NearestAnswer {
        NearestAnswer {
            from: LatLon {
                lat: nearby.from.lat(),
                lon: nearby.from.lon(),
            },
            at: nearby.at,
            points: nearby
                .hits
                .iter()
                .map(|n| NearPoint::new(nearby.from, n))
                .collect(),
        }
    }
}

/// A 422 naming `field`, with `detail` in both languages.
fn bad(field: &str, detail: Bilingual) -> ApiError {
    ApiError::invalid(field, detail)
}

/// A 422 naming several fields with one explanation.
fn bad_fields(fields: &[&str], detail: Bilingual) -> ApiError {
    let mut e = ApiError::invalid(fields[0], detail.clone());
    for f in &fields[1..] {
        e.errors.push(FieldError {
            field: (*f).into(),
            detail: detail.en.clone(),
            detail_bn: detail.bn.clone(),
        });
    }
    e
}

fn coord(lat: Option<&str>, lon: Option<&str>) -> Result<Option<Coord>, ApiError> {
    match (lat, lon) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(bad(
            "lon",
            Bilingual::new(
                "অক্ষাংশের (lat) সাথে দ্রাঘিমাংশও (lon) দিন",
                "Send lon together with lat",
            ),
        )),
        (None, Some(_)) => Err(bad(
            "lat",
            Bilingual::new(
                "দ্রাঘিমাংশের (lon) সাথে অক্ষাংশও (lat) দিন",
                "Send lat together with lon",
            ),
        )),
        (Some(lat), Some(lon)) => Coord::parse(lat, lon).map(Some).map_err(|e| match e {
            CoordError::NotANumber(Axis::Lat) => bad("lat", e.explain()),
            CoordError::NotANumber(Axis::Lon) => bad("lon", e.explain()),
            CoordError::OutsideBangladesh { .. } | CoordError::Swapped { .. } => {
                bad_fields(&["lat", "lon"], e.explain())
            }
        }),
    }
}

/// An id typed in either digit script, if the text is one.
fn number(v: &str) -> Option<u16> {
    v.chars()
        .all(|c| text::digit_value(c).is_some())
        .then(|| text::parse_number(v))
        .flatten()
        .and_then(|n| u16::try_from(n).ok())
}

/// A district by id (either digit script) or by name in either script; a 422 naming
/// `district` otherwise. The points list resolves its `district` the same way.
pub(crate) fn district(v: &str) -> Result<&'static District, ApiError> {
    Geography::bangladesh().district_typed(v).ok_or_else(|| {
        let shown: String = v.chars().take(60).collect();
        bad(
            "district",
            Bilingual::new(
                format!("“{shown}” নামে বা নম্বরে কোনো জেলা নেই"),
                format!("There is no district called or numbered “{shown}”"),
            ),
        )
    })
}

/// An upazila by id or by name, within `district` if one was named. Two upazilas may share
/// a name in different districts; then the district is needed.
fn upazila(v: &str, within: Option<&District>) -> Result<UpazilaId, ApiError> {
    let geo = Geography::bangladesh();
    let shown: String = v.chars().take(60).collect();
    if let Some(n) = number(v) {
        let u = geo.upazila(UpazilaId(n)).ok_or_else(|| {
            bad(
                "upazila",
                Bilingual::new(
                    format!("{shown} নম্বরে কোনো উপজেলা নেই"),
                    format!("There is no upazila numbered {shown}"),
                ),
            )
        })?;
        return match within {
            Some(d) if d.id != u.district => Err(elsewhere(u, d)),
            _ => Ok(u.id),
        };
    }
    let found = geo.upazilas_typed(v, within.map(|d| d.id));
    match found.as_slice() {
        [u] => Ok(u.id),
        [] => Err(match within {
            Some(d) => bad(
                "upazila",
                Bilingual::new(
                    format!("{} জেলায় “{shown}” নামে কোনো উপজেলা নেই", d.name_bn),
                    format!("There is no upazila called “{shown}” in {}", d.name_en),
                ),
            ),
            None => bad(
                "upazila",
                Bilingual::new(
                    format!("“{shown}” নামে কোনো উপজেলা নেই"),
                    format!("There is no upazila called “{shown}”"),
                ),
            ),
        }),
        many => {
            let names = |bn: bool| {
                many.iter()
                    .filter_map(|u| geo.district(u.district))
                    .map(|d| {
                        if bn {
                            d.name_bn.clone()
                        } else {
                            d.name_en.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Err(bad(
                "upazila",
                Bilingual::new(
                    format!(
                        "“{shown}” নামে একাধিক উপজেলা আছে ({}); district দিয়ে জেলাটি বলুন",
                        names(true)
                    ),
                    format!(
                        "More than one upazila is called “{shown}” ({}); name the district with district=",
                        names(false)
                    ),
                ),
            ))
        }
    }
}

fn elsewhere(u: &Upazila, d: &District) -> ApiError {
    bad(
        "upazila",
        Bilingual::new(
            format!("{} উপজেলা {} জেলায় নয়", u.name_bn, d.name_bn),
            format!("The upazila {} is not in {}", u.name_en, d.name_en),
        ),
    )
}

/// `open_at`: RFC 3339 (`2026-11-22T10:30:00+06:00`), or a wall-clock time in Dhaka
/// (`2026-11-22T10:30`, `2026-11-22 10:30`), in either digit script.
fn open_at(v: &str, now: Timestamp) -> Result<Timestamp, ApiError> {
    let v = text::ascii_digits(v);
    // An unencoded `+06:00` arrives as ` 06:00` (a `+` in a query string is a space).
    let plus = v
        .rsplit_once(' ')
        .filter(|(date_time, _)| date_time.contains('T'))
        .map(|(date_time, offset)| format!("{date_time}+{offset}"));
    let t = [Some(v.as_str()), plus.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|s| s.parse::<Timestamp>().ok());
    let t = t.or_else(|| {
        v.replacen(' ', "T", 1)
            .parse::<DateTime>()
            .ok()
            .and_then(|dt| dt.in_tz("Asia/Dhaka").ok())
            .map(|z| z.timestamp())
    });
    let t = t.ok_or_else(|| {
        bad(
            "open_at",
            Bilingual::new(
                "সময়টি পড়া যায়নি; যেমন ২০২৬-১১-২২T১০:৩০ (ঢাকার সময়) বা RFC 3339",
                "The time is not readable; send e.g. 2026-11-22T10:30 (Dhaka time) or RFC 3339",
            ),
        )
    })?;
    if t.duration_since(now).abs() > OPEN_AT_WITHIN {
        return Err(bad(
            "open_at",
            Bilingual::new(
                "সময়টি আজ থেকে এক বছরের মধ্যে হতে হবে",
                "The time must be within a year of today",
            ),
        ));
    }
    Ok(t)
}

fn unknown_code(field: &str, v: &str, known: &[&str], what: Bilingual) -> ApiError {
    let shown: String = v.chars().take(40).collect();
    let list = known.join(", ");
    bad(
        field,
        Bilingual::new(
            format!("অজানা {} “{shown}”; এর যেকোনো একটি দিন: {list}", what.bn),
            format!("Unknown {} “{shown}”; use one of: {list}", what.en),
        ),
    )
}

/// A kind of point by its code; a 422 naming `kind` and listing the codes otherwise. The
/// points list reads its `kind` the same way.
pub(crate) fn kind(v: &str) -> Result<PointKind, ApiError> {
    v.parse::<PointKind>().map_err(|_| {
        let known: Vec<&str> = PointKind::ALL.iter().map(|k| k.as_str()).collect();
        unknown_code("kind", v, &known, Bilingual::new("ধরন", "kind"))
    })
}

/// The question in a query string, or the first thing wrong with it.
fn query(q: &HashMap<String, String>, now: Timestamp) -> Result<NearQuery, ApiError> {
    const KNOWN: &[&str] = &[
        "lat", "lon", "district", "upazila", "k", "kind", "service", "open", "open_at",
    ];
    if let Some(other) = q.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        let shown: String = other.chars().take(40).collect();
        return Err(bad(
            &shown,
            Bilingual::new(
                format!("অজানা প্যারামিটার `{shown}`; এগুলো চলে: {}", KNOWN.join(", ")),
                format!("Unknown parameter `{shown}`; known: {}", KNOWN.join(", ")),
            ),
        ));
    }
    // An empty field, as a form sends it, counts as not sent.
    let get = |name: &str| {
        q.get(name)
            .map(|v| text::clean(v))
            .filter(|v| !v.is_empty())
    };
    let at = coord(get("lat").as_deref(), get("lon").as_deref())?;
    let district = get("district").map(|v| district(&v)).transpose()?;
    let upazila = get("upazila").map(|v| upazila(&v, district)).transpose()?;
    let from = match (at, district, upazila) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(bad_fields(
                &[
                    "lat",
                    if district.is_some() {
                        "district"
                    } else {
                        "upazila"
                    },
                ],
                Bilingual::new(
                    "অবস্থান (lat, lon) অথবা এলাকা (district, upazila) দিন, দুটো একসাথে নয়",
                    "Send either a position (lat, lon) or an area (district, upazila), not both",
                ),
            ));
        }
        (Some(c), None, None) => Origin::At(c),
        (None, _, Some(u)) => Origin::Upazila(u),
        (None, Some(d), None) => Origin::District(d.id),
        (None, None, None) => {
            return Err(bad_fields(
                &["lat", "lon", "district", "upazila"],
                Bilingual::new(
                    "কোথা থেকে খুঁজব? lat ও lon, অথবা district বা upazila দিন",
                    "Where from? Send lat and lon, or a district or an upazila",
                ),
            ));
        }
    };

    let k = match get("k") {
        Some(v) => Limit::parse(&v).map_err(|e| bad("k", e.explain()))?,
        None => Limit::DEFAULT,
    };
    let kind = get("kind").map(|v| kind(&v)).transpose()?;
    let service = get("service")
        .map(|v| {
            v.parse::<Service>().map_err(|_| {
                let known: Vec<&str> = Service::ALL.iter().map(|s| s.as_str()).collect();
                unknown_code("service", &v, &known, Bilingual::new("সেবা", "service"))
            })
        })
        .transpose()?;
    let open = match (get("open"), get("open_at")) {
        (Some(_), Some(_)) => {
            return Err(bad_fields(
                &["open", "open_at"],
                Bilingual::new(
                    "open=now অথবা open_at দিন, দুটো একসাথে নয়",
                    "Send open=now or open_at, not both",
                ),
            ));
        }
        (Some(v), None) if v.eq_ignore_ascii_case("now") => OpenFilter::At(now),
        (Some(_), None) => {
            return Err(bad(
                "open",
                Bilingual::new(
                    "open শুধু now হতে পারে; অন্য সময়ের জন্য open_at দিন",
                    "open can only be now; for another time send open_at",
                ),
            ));
        }
        (None, Some(v)) => OpenFilter::At(open_at(&v, now)?),
        (None, None) => OpenFilter::Any,
    };
    Ok(NearQuery {
        from,
        k,
        kind,
        service,
        open,
    })
}

fn locator_error(e: LocatorError) -> ApiError {
    match e {
        LocatorError::UnknownDistrict(_) => bad("district", e.explain()),
        LocatorError::UnknownUpazila(_) => bad("upazila", e.explain()),
        LocatorError::App(e) => e.into(),
    }
}

/// The nearest service points to a position, a district or an upazila. Public and
/// rate-limited (the locator's own limit, apart from complaints and tracking); nothing is
/// stored or logged about where the customer is.
#[utoipa::path(get, path = "/api/v1/nearest", tag = "locator",
    params(
        ("lat" = Option<String>, Query, description = "Latitude in decimal degrees (ASCII or Bengali digits); with lon"),
        ("lon" = Option<String>, Query, description = "Longitude in decimal degrees; with lat"),
        ("district" = Option<String>, Query, description = "Instead of lat/lon: a district id or name in either script (searched from its centre)"),
        ("upazila" = Option<String>, Query, description = "Instead of lat/lon: an upazila id or name (with district= if the name is in more than one district)"),
        ("k" = Option<String>, Query, description = "How many points, 1–100 (default 5)"),
        ("kind" = Option<String>, Query, description = "care_centre, agent_point, popup_desk, g2p_point or drop_box"),
        ("service" = Option<String>, Query, description = "pin_reset, account_opening, complaint_intake, g2p, cash_in_out, kyc_update or sim_replacement"),
        ("open" = Option<String>, Query, description = "`now`: only points open now"),
        ("open_at" = Option<String>, Query, description = "Only points open at this time: RFC 3339, or YYYY-MM-DDTHH:MM in Dhaka time"),
    ),
    responses((status = 200, body = NearestAnswer), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn nearest(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<NearestAnswer>, ApiError> {
    state.check_locator_rate(ip)?;
    let question = query(&q, state.app.now())?;
    let nearby = state.app.nearest(&question).await.map_err(locator_error)?;
    Ok(Json(NearestAnswer::new(&nearby)))
}
