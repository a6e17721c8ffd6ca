//! `GET /api/v1/nearest`: the answers agree with a brute-force oracle (great-circle distance
//! to every stored open point, the same filters) on hundreds of random questions; kind,
//! service, "open now" and "open at" filter as they say, and a pop-up desk appears only
//! within its dates; districts and upazilas are searched from their centres; a point saved
//! is found at once and a closed one is gone; every bad input is a 422 naming the
//! parameter in both languages, and nothing is stored; the route is rate-limited in the
//! locator's own bucket, shared with the finder pages and apart from complaint filing.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use reqwest::Method;
use serde_json::{Value, json};

use seba_app::cases::Caller;
use seba_geo::{DistrictId, Geography, UpazilaId};
use seba_locator::hours::{Holidays, Schedule, State, local_date};
use seba_locator::points::{PointInput, PointKind, Service, ServicePoint};
use seba_web::RateLimits;

use crate::common::{Answer, Engine, TestApp};

both_engines! {
    filters_and_pop_up_desks => sqlite_nearest_filters_and_pop_up_desks,
        postgres_nearest_filters_and_pop_up_desks;
    district_and_upazila_origins => sqlite_nearest_from_districts_and_upazilas,
        postgres_nearest_from_districts_and_upazilas;
    saved_points_are_found_and_closed_ones_gone =>
        sqlite_nearest_finds_saved_points_and_not_closed_ones,
        postgres_nearest_finds_saved_points_and_not_closed_ones;
    bad_input_is_refused_naming_the_parameter =>
        sqlite_nearest_refuses_bad_input_naming_the_parameter,
        postgres_nearest_refuses_bad_input_naming_the_parameter;
}

/// The oracle test asks hundreds of questions from one address: the locator's rate limit
/// is raised for it (the limit itself has its own tests).
fn unlimited() -> RateLimits {
    RateLimits {
        locator_per_minute: 1_000_000,
        ..RateLimits::default()
    }
}

/// Small buckets, the locator's larger than the public one (as by default), so each test
/// can empty one and show the other untouched.
fn small() -> RateLimits {
    RateLimits {
        public_per_minute: 2,
        locator_per_minute: 3,
        ..RateLimits::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_nearest_answers_match_a_brute_force_oracle() {
    crate::common::run(
        Engine::Sqlite,
        "sqlite_nearest_answers_match_a_brute_force_oracle",
        unlimited(),
        answers_match_a_brute_force_oracle,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_nearest_answers_match_a_brute_force_oracle() {
    crate::common::run(
        Engine::Postgres,
        "postgres_nearest_answers_match_a_brute_force_oracle",
        unlimited(),
        answers_match_a_brute_force_oracle,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_nearest_is_rate_limited_per_client() {
    crate::common::run(
        Engine::Sqlite,
        "sqlite_nearest_is_rate_limited_per_client",
        small(),
        rate_limited,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_filing_limit_leaves_the_locator_alone() {
    crate::common::run(
        Engine::Sqlite,
        "sqlite_filing_limit_leaves_the_locator_alone",
        small(),
        filing_limit_leaves_the_locator_alone,
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// SplitMix64: a seeded source, so a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

fn district_id(name: &str) -> u16 {
    Geography::bangladesh()
        .find_district(name)
        .unwrap_or_else(|| panic!("{name} is a district"))
        .id
        .0
}

/// A point of `kind` at `lat`, `lon` in the district named.
fn input(kind: &str, name: &str, district: &str, lat: f64, lon: f64, hours: &str) -> PointInput {
    PointInput {
        kind: kind.into(),
        name_bn: format!("{name} (বাংলা)"),
        name_en: name.into(),
        address_bn: "ঠিকানা".into(),
        address_en: "Address".into(),
        district: district.into(),
        lat: format!("{lat:.6}"),
        lon: format!("{lon:.6}"),
        services: vec!["complaint_intake".into()],
        hours: hours.into(),
        ..PointInput::default()
    }
}

fn body(i: &PointInput) -> Value {
    json!({
        "kind": i.kind, "name_bn": i.name_bn, "name_en": i.name_en,
        "address_bn": i.address_bn, "address_en": i.address_en,
        "district": i.district, "upazila": i.upazila, "lat": i.lat, "lon": i.lon,
        "phone": i.phone, "services": i.services, "hours": i.hours,
        "notice_bn": i.notice_bn, "notice_en": i.notice_en,
        "active_from": i.active_from, "active_to": i.active_to,
    })
}

/// Add points straight through the application (as an import would).
async fn add(t: &TestApp, inputs: Vec<PointInput>) -> Vec<ServicePoint> {
    let geo = Geography::bangladesh();
    let checked = inputs
        .iter()
        .map(|i| {
            i.check(geo)
                .unwrap_or_else(|e| panic!("{} does not check: {e:?}", i.name_en))
        })
        .collect();
    t.app
        .add_points(checked, Caller::system())
        .await
        .expect("adding points")
}

async fn ask(t: &TestApp, query: &str) -> Answer {
    TestApp::send(t.anon(Method::GET, &format!("/api/v1/nearest?{query}"))).await
}

/// The names of the points answered, nearest first.
async fn names(t: &TestApp, query: &str) -> Vec<String> {
    let a = ask(t, query).await;
    a.expect(200)["points"]
        .as_array()
        .unwrap_or_else(|| panic!("points in {}", a.text))
        .iter()
        .map(|p| p["name"]["en"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Great-circle distance in metres and initial bearing in degrees, written out here
/// rather than borrowed from the locator (atan2 form of the haversine, mean radius).
fn great_circle(from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
    const R: f64 = 6_371_008.8;
    let (p1, p2) = (from.0.to_radians(), to.0.to_radians());
    let (dp, dl) = ((to.0 - from.0).to_radians(), (to.1 - from.1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    let d = 2.0 * R * a.sqrt().atan2((1.0 - a).max(0.0).sqrt());
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    (d, y.atan2(x).to_degrees().rem_euclid(360.0))
}

fn state_name(s: State) -> &'static str {
    match s {
        State::Open => "open",
        State::Closed => "closed",
        State::Unknown => "unknown",
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("an instant")
}

// ---------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------

const HOURS: &[&str] = &[
    "24/7",
    "Sa-Th 09:00-19:00; Fr off; PH off",
    "Mo-Su 10:00-21:00",
    "Sa-Th 09:00-13:00,14:00-17:00",
    "Fr 15:00-22:00",
    "Su-Th 08:00-20:00; PH off",
];

/// A few hundred points at random places across the country, of every kind, each with
/// a random set of services and hours; pop-up desks with dates around the test's "today".
fn random_points(rng: &mut Rng, n: usize) -> Vec<PointInput> {
    let geo = Geography::bangladesh();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let (lat, lon) = (rng.range(20.75, 26.6), rng.range(88.05, 92.65));
        let Some(d) = geo.district_at(lat, lon) else {
            continue;
        };
        let kind = *rng.pick(PointKind::ALL);
        let hours = *rng.pick(HOURS);
        let mut i = input(
            kind.as_str(),
            &format!("P{}", out.len()),
            &d.id.0.to_string(),
            lat,
            lon,
            hours,
        );
        i.services = Service::ALL
            .iter()
            .filter(|_| rng.below(3) == 0)
            .map(|s| s.as_str().to_string())
            .collect();
        if i.services.is_empty() {
            i.services = vec![rng.pick(Service::ALL).as_str().to_string()];
        }
        let upazilas: Vec<UpazilaId> = geo.upazilas_of(d.id).map(|u| u.id).collect();
        if !upazilas.is_empty() && rng.below(2) == 0 {
            i.upazila = Some(rng.pick(&upazilas).0.to_string());
        }
        if kind == PointKind::PopupDesk {
            // Starting 20 days before to 20 days after 22 November, 1 to 10 days long.
            let start = jiff::civil::date(2026, 11, 2)
                .checked_add(jiff::Span::new().days(rng.below(41) as i64))
                .expect("a date");
            let end = start
                .checked_add(jiff::Span::new().days(rng.below(10) as i64))
                .expect("a date");
            i.active_from = Some(start.to_string());
            i.active_to = Some(end.to_string());
        }
        out.push(i);
    }
    out
}

/// What the oracle needs of each stored point.
struct Known {
    point: ServicePoint,
    schedule: Schedule,
}

/// One random question and its query string.
struct Question {
    query: String,
    /// Where the oracle measures from: `None` for an area (taken from the answer, then
    /// checked separately).
    from: Option<(f64, f64)>,
    district: Option<DistrictId>,
    k: usize,
    kind: Option<PointKind>,
    service: Option<Service>,
    open_at: Option<Timestamp>,
}

fn bengali_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('০' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
            c => c,
        })
        .collect()
}

fn random_question(rng: &mut Rng, now: Timestamp) -> Question {
    let geo = Geography::bangladesh();
    let mut parts = Vec::new();
    let (from, district) = if rng.below(6) == 0 {
        let d = rng.pick(geo.districts());
        parts.push(format!("district={}", d.id.0));
        (None, Some(d.id))
    } else {
        // Anywhere in the box the API accepts, not only on land.
        let (lat, lon) = (rng.range(20.35, 26.75), rng.range(87.95, 92.75));
        let (lat_s, lon_s) = (format!("{lat:.5}"), format!("{lon:.5}"));
        let lat_s = if rng.below(8) == 0 {
            bengali_digits(&lat_s)
        } else {
            lat_s
        };
        parts.push(format!("lat={lat_s}&lon={lon_s}"));
        let exact = (
            format!("{lat:.5}").parse().expect("a number"),
            lon_s.parse().expect("a number"),
        );
        (Some(exact), None)
    };
    let k = match rng.below(10) {
        0 => 5,
        1 => 1 + rng.below(100) as usize,
        _ => 1 + rng.below(12) as usize,
    };
    if k != 5 || rng.below(2) == 0 {
        parts.push(format!("k={k}"));
    }
    let kind = (rng.below(4) == 0).then(|| *rng.pick(PointKind::ALL));
    if let Some(kind) = kind {
        parts.push(format!("kind={kind}"));
    }
    let service = (rng.below(4) == 0).then(|| *rng.pick(Service::ALL));
    if let Some(s) = service {
        parts.push(format!("service={s}"));
    }
    let open_at = match rng.below(4) {
        0 => {
            parts.push("open=now".into());
            Some(now)
        }
        1 => {
            // Within three weeks either side, on a whole minute.
            let mins = rng.below(60 * 24 * 42) as i64 - 60 * 24 * 21;
            let t = now + jiff::SignedDuration::from_mins(mins);
            if rng.below(2) == 0 {
                parts.push(format!("open_at={t}"));
            } else {
                let local = t.to_zoned(jiff::tz::TimeZone::get("Asia/Dhaka").expect("Dhaka"));
                parts.push(format!("open_at={}", local.strftime("%Y-%m-%dT%H:%M")));
            }
            Some(t)
        }
        _ => None,
    };
    Question {
        query: parts.join("&").replace('+', "%2B"),
        from,
        district,
        k,
        kind,
        service,
        open_at,
    }
}

async fn answers_match_a_brute_force_oracle(t: TestApp) {
    let mut rng = Rng(0x5EBA_2026_1122);
    add(&t, random_points(&mut rng, 400)).await;
    // One point closed: the oracle reads open points only, and so must the answer.
    let stored = t.app.points(false).await.expect("points");
    let victim = stored[7].id;
    t.app
        .close_point(victim, "test", Caller::system())
        .await
        .expect("closing");
    let holidays: Vec<jiff::civil::Date> = t
        .app
        .store
        .holidays()
        .await
        .expect("holidays")
        .into_iter()
        .map(|h| h.date)
        .collect();
    let holidays = Holidays::new(holidays);
    let known: Vec<Known> = t
        .app
        .points(false)
        .await
        .expect("points")
        .into_iter()
        .map(|point| Known {
            schedule: point
                .schedule()
                .expect("stored hours parse")
                .with_holidays(&holidays),
            point,
        })
        .collect();
    assert_eq!(known.len(), 399);
    assert!(known.iter().all(|k| k.point.id != victim));
    let geo = Geography::bangladesh();
    let now = t.app.now();

    let mut answered = 0;
    for n in 0..300 {
        let q = random_question(&mut rng, now);
        let a = ask(&t, &q.query).await;
        let body = a.expect(200);
        let from = match q.from {
            Some(c) => c,
            None => {
                let d = geo
                    .district(q.district.expect("an area"))
                    .expect("a district");
                let from = (
                    body["from"]["lat"].as_f64().expect("from.lat"),
                    body["from"]["lon"].as_f64().expect("from.lon"),
                );
                assert!(
                    (from.0 - d.centre.lat).abs() < 1e-9 && (from.1 - d.centre.lon).abs() < 1e-9,
                    "{}: searched from {from:?}, not {}'s centre",
                    q.query,
                    d.name_en
                );
                from
            }
        };
        let instant = q.open_at.unwrap_or(now);
        assert_eq!(at(body["at"].as_str().expect("at")), instant, "{}", q.query);
        let day = local_date(instant);
        let mut expected: Vec<(f64, f64, &Known)> = known
            .iter()
            .filter(|k| q.kind.is_none_or(|kind| k.point.kind == kind))
            .filter(|k| q.service.is_none_or(|s| k.point.services.contains(&s)))
            .filter(|k| k.point.is_active_on(day))
            .filter(|k| q.open_at.is_none_or(|t| k.schedule.is_open(t)))
            .map(|k| {
                let (d, b) = great_circle(from, (k.point.coord.lat(), k.point.coord.lon()));
                (d, b, k)
            })
            .collect();
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.point.id.cmp(&b.2.point.id)));
        expected.truncate(q.k);
        let got = body["points"].as_array().expect("points");
        assert_eq!(
            got.len(),
            expected.len(),
            "question {n}: {} — got {}",
            q.query,
            a.text
        );
        let by_id: HashMap<i64, f64> = known
            .iter()
            .map(|k| {
                let c = (k.point.coord.lat(), k.point.coord.lon());
                (k.point.id, great_circle(from, c).0)
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        for (i, (p, (d, bearing, k))) in got.iter().zip(&expected).enumerate() {
            let id = p["id"].as_i64().expect("id");
            assert!(seen.insert(id), "{}: {id} twice", q.query);
            let meant = by_id
                .get(&id)
                .unwrap_or_else(|| panic!("{}: {id} is not an open point", q.query));
            // The same point, or one as far (a tie within a metre).
            assert!(
                id == k.point.id || (meant - d).abs() < 1.0,
                "question {n}: {} — place {i} is {id} at {meant:.1} m, the oracle says {} at {d:.1} m",
                q.query,
                k.point.id
            );
            let distance = p["distance_m"].as_u64().expect("distance_m") as f64;
            assert!(
                (distance - d).abs() <= 1.0,
                "{}: {distance} m vs {d:.2} m",
                q.query
            );
            if id == k.point.id {
                let state = k.schedule.state_at(instant).state;
                assert_eq!(p["open"], state_name(state), "{}: {id}", q.query);
                if *d > 10.0 {
                    let b = p["bearing_deg"].as_f64().expect("bearing");
                    let diff = (b - bearing).rem_euclid(360.0);
                    assert!(
                        diff.min(360.0 - diff) < 0.2,
                        "{}: bearing {b} vs {bearing}",
                        q.query
                    );
                    assert!(p["direction"]["code"].is_string(), "{p}");
                }
                assert_eq!(p["kind"], k.point.kind.as_str());
                assert_eq!(
                    p["directions_url"],
                    format!(
                        "https://www.openstreetmap.org/directions?route={:.6}%2C{:.6}%3B{:.6}%2C{:.6}",
                        from.0,
                        from.1,
                        k.point.coord.lat(),
                        k.point.coord.lon()
                    )
                );
            }
        }
        answered += got.len();
    }
    assert!(answered > 600, "the questions found too little: {answered}");
}

// ---------------------------------------------------------------------------------------
// Filters, origins, changes
// ---------------------------------------------------------------------------------------

/// Motijheel, Dhaka.
const MOTIJHEEL: (f64, f64) = (23.7310, 90.4177);

/// `km` kilometres east of Motijheel.
fn east(km: f64) -> (f64, f64) {
    (MOTIJHEEL.0, MOTIJHEEL.1 + km / 101.9)
}

fn from_motijheel(rest: &str) -> String {
    let q = format!("lat={}&lon={}", MOTIJHEEL.0, MOTIJHEEL.1);
    if rest.is_empty() {
        q
    } else {
        format!("{q}&{rest}")
    }
}

async fn filters_and_pop_up_desks(t: TestApp) {
    // Sunday 22 November 2026, 09:00 in Dhaka.
    let (lat, lon) = east(3.0);
    let mut centre = input(
        "care_centre",
        "Centre",
        "Dhaka",
        lat,
        lon,
        "Sa-Th 09:00-19:00; Fr off; PH off",
    );
    centre.services = vec!["pin_reset".into(), "complaint_intake".into()];
    centre.phone = Some("01712-345678".into());
    centre.notice_bn = Some("শেষ গ্রাহক পর্যন্ত খোলা".into());
    centre.notice_en = Some("Open till the last customer is served".into());
    let (lat, lon) = east(1.0);
    let mut agent = input("agent_point", "Agent", "Dhaka", lat, lon, "24/7");
    agent.services = vec!["cash_in_out".into()];
    let (lat, lon) = east(0.5);
    let mut fair = input(
        "popup_desk",
        "Fair desk",
        "Dhaka",
        lat,
        lon,
        "Mo-Su 10:00-20:00",
    );
    fair.active_from = Some("2026-12-01".into());
    fair.active_to = Some("2026-12-10".into());
    let (lat, lon) = east(2.0);
    let g2p = input("g2p_point", "G2P", "Dhaka", lat, lon, "Fr 10:00-16:00");
    let (lat, lon) = east(4.0);
    let drop = input("drop_box", "Drop box", "Dhaka", lat, lon, "24/7");
    let saved = add(&t, vec![centre, agent, fair, g2p, drop]).await;

    // Everything open or not, nearest first; the desk is not up yet.
    assert_eq!(
        names(&t, &from_motijheel("")).await,
        ["Agent", "G2P", "Centre", "Drop box"]
    );
    assert_eq!(names(&t, &from_motijheel("k=2")).await, ["Agent", "G2P"]);
    assert_eq!(
        names(&t, &from_motijheel("kind=care_centre")).await,
        ["Centre"]
    );
    assert_eq!(
        names(&t, &from_motijheel("service=pin_reset")).await,
        ["Centre"]
    );
    // Open now (Sunday morning): the Friday-only G2P point drops out.
    assert_eq!(
        names(&t, &from_motijheel("open=now")).await,
        ["Agent", "Centre", "Drop box"]
    );
    // Friday 27 November, 11:00 in Dhaka: the centre is closed, the G2P point open.
    assert_eq!(
        names(&t, &from_motijheel("open_at=2026-11-27T11:00")).await,
        ["Agent", "G2P", "Drop box"]
    );
    assert_eq!(
        names(&t, &from_motijheel("open_at=২০২৬-১১-২৭T১১:০০")).await,
        ["Agent", "G2P", "Drop box"]
    );
    // The same instant in RFC 3339.
    assert_eq!(
        names(&t, &from_motijheel("open_at=2026-11-27T05:00:00Z")).await,
        ["Agent", "G2P", "Drop box"]
    );
    // Inside the desk's dates it is there (and nearest); after them, gone again.
    assert_eq!(
        names(&t, &from_motijheel("open_at=2026-12-05T12:00%2B06:00")).await,
        ["Fair desk", "Agent", "Centre", "Drop box"]
    );
    // The same with the `+` not encoded (it arrives as a space).
    assert_eq!(
        names(&t, &from_motijheel("open_at=2026-12-05T12:00+06:00")).await,
        ["Fair desk", "Agent", "Centre", "Drop box"]
    );
    assert_eq!(
        names(
            &t,
            &from_motijheel("kind=popup_desk&open_at=2026-12-10T19:30")
        )
        .await,
        ["Fair desk"]
    );
    assert!(
        names(
            &t,
            &from_motijheel("kind=popup_desk&open_at=2026-12-11T12:00")
        )
        .await
        .is_empty()
    );
    // Its first morning comes without anything being saved.
    t.clock.set(at("2026-12-01T04:00:00Z"));
    assert_eq!(
        names(&t, &from_motijheel("k=1")).await,
        ["Fair desk"],
        "the desk is up on its first day"
    );
    t.clock.set(crate::common::start_time());

    // The answer's shape, for the centre, at 09:00 on Sunday.
    let a = ask(&t, &from_motijheel("kind=care_centre")).await;
    let body = a.expect(200).clone();
    assert_eq!(
        body["from"],
        json!({"lat": MOTIJHEEL.0, "lon": MOTIJHEEL.1})
    );
    assert_eq!(
        at(body["at"].as_str().unwrap()),
        crate::common::start_time()
    );
    let p = &body["points"][0];
    let centre = &saved[0];
    assert_eq!(p["id"], centre.id);
    assert_eq!(p["kind"], "care_centre");
    assert_eq!(p["name"], json!({"bn": "Centre (বাংলা)", "en": "Centre"}));
    assert_eq!(p["address"], json!({"bn": "ঠিকানা", "en": "Address"}));
    assert_eq!(
        p["district"],
        json!({"id": district_id("Dhaka"), "bn": "ঢাকা", "en": "Dhaka"})
    );
    assert_eq!(p["upazila"], Value::Null);
    assert_eq!(p["lat"], centre.coord.lat());
    assert_eq!(p["lon"], centre.coord.lon());
    assert_eq!(p["phone"], "01712-345678");
    assert_eq!(p["services"], json!(["pin_reset", "complaint_intake"]));
    let d = p["distance_m"].as_u64().expect("whole metres");
    assert!((2950..=3050).contains(&d), "{d}");
    assert_eq!(
        p["direction"],
        json!({"bn": "পূর্ব", "en": "east", "code": "E"})
    );
    let bearing = p["bearing_deg"].as_f64().unwrap();
    assert!((bearing - 90.0).abs() < 0.5, "{bearing}");
    assert_eq!(p["open"], "open");
    assert_eq!(p["closes_at"], "2026-11-22T13:00:00Z");
    assert_eq!(p["next_opening"], "2026-11-22T03:00:00Z", "open now: now");
    assert_eq!(p["hours"], "Sa-Th 09:00-19:00; Fr off; PH off");
    for lang in ["bn", "en"] {
        assert!(
            p["hours_now"][lang].as_str().is_some_and(|s| !s.is_empty()),
            "{p}"
        );
    }
    assert_eq!(
        p["notice"],
        json!({"bn": "শেষ গ্রাহক পর্যন্ত খোলা", "en": "Open till the last customer is served"})
    );
    assert_eq!(
        p["directions_url"],
        format!(
            "https://www.openstreetmap.org/directions?route=23.731000%2C90.417700%3B{:.6}%2C{:.6}",
            centre.coord.lat(),
            centre.coord.lon()
        )
    );
    // Nothing personal and nothing internal in the answer.
    for hidden in ["version", "updated_at", "updated_by", "closed"] {
        assert!(p.get(hidden).is_none(), "{hidden} in {p}");
    }
    // Open at Thursday 20:00? No. On Friday it is closed, and says when it opens.
    let a = ask(
        &t,
        &from_motijheel("kind=care_centre&open_at=2026-11-26T20:00"),
    )
    .await;
    let p = &a.expect(200)["points"];
    assert_eq!(p.as_array().map(Vec::len), Some(0));
    t.clock.set(at("2026-11-27T05:00:00Z"));
    let a = ask(&t, &from_motijheel("kind=care_centre")).await;
    let p = &a.expect(200)["points"][0];
    assert_eq!(p["open"], "closed");
    assert_eq!(p["closes_at"], Value::Null);
    assert_eq!(p["next_opening"], "2026-11-28T03:00:00Z");
}

async fn district_and_upazila_origins(t: TestApp) {
    let geo = Geography::bangladesh();
    let dhaka = geo.find_district("Dhaka").expect("Dhaka");
    let savar = geo
        .upazilas_of(dhaka.id)
        .find(|u| u.name_en == "Savar")
        .expect("Savar");
    let mut a = input("care_centre", "Savar A", "Dhaka", 23.8500, 90.2600, "24/7");
    a.upazila = Some("Savar".into());
    let mut b = input("agent_point", "Savar B", "Dhaka", 23.8700, 90.2800, "24/7");
    b.upazila = Some(savar.id.0.to_string());
    let c = input(
        "care_centre",
        "Motijheel",
        "Dhaka",
        23.7310,
        90.4177,
        "24/7",
    );
    let ctg = input(
        "care_centre",
        "Agrabad",
        "Chattogram",
        22.3260,
        91.8120,
        "24/7",
    );
    add(&t, vec![a, b, c, ctg]).await;

    // A district, by id or by name in either script: searched from its centre.
    for q in [
        format!("district={}", dhaka.id.0),
        "district=Dhaka".into(),
        "district=dhaka".into(),
        "district=ঢাকা".into(),
        format!("district={}", bengali_digits(&dhaka.id.0.to_string())),
    ] {
        let ans = ask(&t, &q).await;
        let body = ans.expect(200);
        assert_eq!(
            body["from"],
            json!({"lat": dhaka.centre.lat, "lon": dhaka.centre.lon}),
            "{q}"
        );
        let names: Vec<&str> = body["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"]["en"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 4, "{q}: {names:?}");
        assert_eq!(names[3], "Agrabad", "{q}");
    }
    let body = ask(&t, "district=Chattogram&k=1").await;
    assert_eq!(body.expect(200)["points"][0]["name"]["en"], "Agrabad");

    // An upazila: from the mean position of its points.
    for q in [
        format!("upazila={}", savar.id.0),
        "upazila=Savar".into(),
        "upazila=সাভার".into(),
        "upazila=savar&district=Dhaka".into(),
    ] {
        let ans = ask(&t, &q).await;
        let body = ans.expect(200);
        let (lat, lon) = (
            body["from"]["lat"].as_f64().unwrap(),
            body["from"]["lon"].as_f64().unwrap(),
        );
        assert!(
            (lat - 23.86).abs() < 1e-6 && (lon - 90.27).abs() < 1e-6,
            "{q}: {body}"
        );
        let first: Vec<&str> = body["points"]
            .as_array()
            .unwrap()
            .iter()
            .take(2)
            .map(|p| p["name"]["en"].as_str().unwrap())
            .collect();
        assert!(
            first.contains(&"Savar A") && first.contains(&"Savar B"),
            "{q}"
        );
        assert_eq!(body["points"][0]["upazila"]["id"], savar.id.0, "{q}");
        assert_eq!(body["points"][0]["upazila"]["en"], "Savar", "{q}");
    }

    // A name two districts share needs the district; with it, the right one.
    let mut by_name: BTreeMap<String, Vec<&seba_geo::Upazila>> = BTreeMap::new();
    for u in geo.upazilas() {
        by_name.entry(u.name_en.to_lowercase()).or_default().push(u);
    }
    let (name, twins) = by_name
        .iter()
        .find(|(_, us)| us.len() > 1)
        .expect("two upazilas share a name");
    let a = ask(&t, &format!("upazila={name}")).await;
    let p = a.problem(422);
    assert_eq!(a.error_fields(), ["upazila"], "{p}");
    assert!(p["detail"].as_str().unwrap().contains("district="), "{p}");
    let second = geo.district(twins[1].district).expect("its district");
    let a = ask(&t, &format!("upazila={name}&district={}", second.name_en)).await;
    let body = a.expect(200);
    let centre = geo.district(twins[1].district).unwrap().centre;
    assert_eq!(
        body["from"],
        json!({"lat": centre.lat, "lon": centre.lon}),
        "an upazila without points is searched from its district's centre"
    );
    // An upazila of another district than the one named.
    let a = ask(&t, "upazila=Savar&district=Chattogram").await;
    a.problem(422);
    assert_eq!(a.error_fields(), ["upazila"]);
    let a = ask(&t, &format!("upazila={}&district=Chattogram", savar.id.0)).await;
    a.problem(422);
    assert_eq!(a.error_fields(), ["upazila"]);
}

async fn saved_points_are_found_and_closed_ones_gone(t: TestApp) {
    let (lat, lon) = east(0.3);
    let mut i = input("care_centre", "New centre", "Dhaka", lat, lon, "24/7");
    i.lat = bengali_digits(&i.lat);
    let a = t.post(&t.supervisor, "/api/v1/points", &body(&i)).await;
    let id = a.expect(201)["id"].as_i64().expect("an id");
    // Asked at once, from this node: there.
    let a = ask(&t, &from_motijheel("k=1")).await;
    assert_eq!(a.expect(200)["points"][0]["id"], id);

    // Moved 10 km west by an edit: the answer follows.
    let (lat, lon) = east(-10.0);
    let mut moved = i.clone();
    moved.lat = format!("{lat:.6}");
    moved.lon = format!("{lon:.6}");
    let path = format!("/api/v1/points/{id}");
    let res = TestApp::send(
        t.req(&t.supervisor, Method::PUT, &path)
            .header("if-match", "\"1\"")
            .json(&body(&moved)),
    )
    .await;
    res.expect(200);
    let a = ask(&t, &from_motijheel("k=1")).await;
    let d = a.expect(200)["points"][0]["distance_m"].as_u64().unwrap();
    assert!((9_900..=10_100).contains(&d), "{d}");

    // Closed: gone. Reopened: back.
    t.post(
        &t.supervisor,
        &format!("{path}/close"),
        &json!({"reason": "moved"}),
    )
    .await
    .expect(200);
    let a = ask(&t, &from_motijheel("")).await;
    assert_eq!(a.expect(200)["points"], json!([]));
    t.post(&t.supervisor, &format!("{path}/reopen"), &json!({}))
        .await
        .expect(200);
    let a = ask(&t, &from_motijheel("")).await;
    assert_eq!(a.expect(200)["points"][0]["id"], id);
}

async fn bad_input_is_refused_naming_the_parameter(t: TestApp) {
    add(
        &t,
        vec![input(
            "care_centre",
            "Centre",
            "Dhaka",
            MOTIJHEEL.0,
            MOTIJHEEL.1,
            "24/7",
        )],
    )
    .await;
    let before = t.outbox().await.len();
    let here = "lat=23.8103&lon=90.4125";
    let cases: Vec<(String, &[&str])> = vec![
        ("".into(), &["lat", "lon", "district", "upazila"]),
        ("lat=abc&lon=90.4".into(), &["lat"]),
        ("lat=23.8&lon=ninety".into(), &["lon"]),
        ("lat=NaN&lon=90.4".into(), &["lat"]),
        ("lat=inf&lon=90.4".into(), &["lat"]),
        ("lat=2e1&lon=90.4".into(), &["lat"]),
        ("lat=51.5074&lon=-0.1278".into(), &["lat", "lon"]),
        ("lat=90.4125&lon=23.8103".into(), &["lat", "lon"]),
        ("lat=23.8".into(), &["lon"]),
        ("lon=90.4".into(), &["lat"]),
        (format!("{here}&k=0"), &["k"]),
        (format!("{here}&k=-3"), &["k"]),
        (format!("{here}&k=101"), &["k"]),
        (format!("{here}&k=99999999999999999999999"), &["k"]),
        (format!("{here}&k=five"), &["k"]),
        (format!("{here}&k=2.5"), &["k"]),
        ("district=Atlantis".into(), &["district"]),
        ("district=999".into(), &["district"]),
        ("district=0".into(), &["district"]),
        ("upazila=Nowhere".into(), &["upazila"]),
        ("upazila=99999".into(), &["upazila"]),
        (format!("{here}&district=Dhaka"), &["lat", "district"]),
        (format!("{here}&kind=castle"), &["kind"]),
        (format!("{here}&service=teleport"), &["service"]),
        (format!("{here}&open=tomorrow"), &["open"]),
        (
            format!("{here}&open=now&open_at=2026-11-22T10:00"),
            &["open", "open_at"],
        ),
        (format!("{here}&open_at=yesterday"), &["open_at"]),
        (format!("{here}&open_at=2026-13-01T10:00"), &["open_at"]),
        (format!("{here}&open_at=2029-01-01T10:00"), &["open_at"]),
        (format!("{here}&colour=red"), &["colour"]),
    ];
    for (q, fields) in &cases {
        let a = ask(&t, q).await;
        let p = a.problem(422).clone();
        assert_eq!(a.error_fields(), *fields, "?{q}: {p}");
        for e in p["errors"].as_array().unwrap() {
            assert!(
                e["detail"].as_str().is_some_and(|s| !s.is_empty())
                    && e["detail_bn"].as_str().is_some_and(|s| !s.is_empty()),
                "?{q}: {e}"
            );
        }
        // The Bengali text is Bengali.
        assert!(
            p["detail_bn"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| ('\u{0980}'..='\u{09FF}').contains(&c)),
            "?{q}: {p}"
        );
    }
    // Empty fields, as a form sends them, count as absent.
    let a = ask(&t, &format!("{here}&kind=&service=&k=&open_at=")).await;
    assert_eq!(a.expect(200)["points"].as_array().map(Vec::len), Some(1));
    // Bengali digits are numbers.
    let a = ask(&t, "lat=২৩.৮১০৩&lon=৯০.৪১২৫&k=৩").await;
    assert_eq!(a.expect(200)["points"].as_array().map(Vec::len), Some(1));
    // Asking stores nothing.
    assert_eq!(t.outbox().await.len(), before);
}

fn complaint() -> Value {
    json!({
        "category": "mfs.cash_out",
        "description": "এজেন্ট টাকা দেয়নি",
        "msisdn": "01812345678",
    })
}

async fn file(t: &TestApp) -> Answer {
    TestApp::send(
        t.anon(Method::POST, "/api/v1/public/complaints")
            .json(&complaint()),
    )
    .await
}

async fn page(t: &TestApp, path: &str, lang: &str) -> Answer {
    TestApp::send(
        t.anon(Method::GET, path)
            .header("cookie", format!("seba_lang={lang}")),
    )
    .await
}

/// The locator's bucket (3 here) is shared by the API and the finder pages; once it is
/// empty both answer 429 with `Retry-After` (a problem for the API, a page in the
/// visitor's language for the pages), and filing a complaint still goes through, on its
/// own bucket (2 here).
async fn rate_limited(t: TestApp) {
    let q = from_motijheel("");
    file(&t).await.expect(201);
    ask(&t, &q).await.expect(200);
    ask(&t, &q).await.expect(200);
    page(&t, "/centres?district=Dhaka", "en").await.expect(200);

    let a = ask(&t, &q).await;
    a.problem_of(429, "rate-limited");
    assert!(a.header("retry-after").is_some());
    for (path, lang, words) in [
        ("/centres?district=Dhaka", "en", "Please slow down"),
        ("/centres/directory", "bn", "একটু পরে আবার চেষ্টা করুন"),
        ("/centres/1", "en", "Too many requests"),
    ] {
        let a = page(&t, path, lang).await;
        a.expect(429);
        assert!(a.header("retry-after").is_some(), "{path}");
        assert!(
            a.header("content-type")
                .is_some_and(|v| v.starts_with("text/html")),
            "{path}: a page, not a problem: {:?}",
            a.header("content-type")
        );
        assert!(a.text.contains(words), "{path} in {lang}: {}", a.text);
    }

    // The locator's bucket is empty; the filing bucket still has one.
    file(&t).await.expect(201);
    file(&t).await.problem_of(429, "rate-limited");
    assert_eq!(t.case_count().await, 2);
}

/// The other way round: filing's bucket empty, the locator still answers, up to its own
/// limit.
async fn filing_limit_leaves_the_locator_alone(t: TestApp) {
    file(&t).await.expect(201);
    file(&t).await.expect(201);
    file(&t).await.problem_of(429, "rate-limited");

    let q = from_motijheel("");
    ask(&t, &q).await.expect(200);
    page(&t, "/centres/directory", "bn").await.expect(200);
    ask(&t, &q).await.expect(200);
    ask(&t, &q).await.problem_of(429, "rate-limited");
    assert_eq!(t.case_count().await, 2);
}
