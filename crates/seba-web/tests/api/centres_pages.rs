//! "Find a centre" as a customer's browser without scripts uses it: the five nearest
//! places to a district, an upazila or a position, on a map drawn by the server and in a
//! list with distance, direction, hours, phone and directions links; the filters (kind,
//! service, open now, open at a time, a pop-up desk's dates); a centre's page with its
//! week of hours; the directory by division and district; every bad question explained
//! in Bengali and English with a 422; the one script, only on the finder; and how much
//! the pages weigh with the demo's 279 centres.

use reqwest::Method;

use seba_app::cases::Caller;
use seba_app::locator::{NearQuery, Origin};
use seba_geo::{DistrictId, Geography, UpazilaId};
use seba_locator::points::{PointInput, PointKind, ServicePoint};

use crate::common::{Answer, TestApp, hidden_field};

both_engines! {
    the_finder_lists_the_five_nearest_on_a_map =>
        sqlite_the_finder_lists_the_five_nearest_on_a_map,
        postgres_the_finder_lists_the_five_nearest_on_a_map;
    bad_questions_are_explained_in_both_languages =>
        sqlite_bad_questions_are_explained_in_both_languages,
        postgres_bad_questions_are_explained_in_both_languages;
}

sqlite_only! {
    filters_narrow_the_places => sqlite_filters_narrow_the_places;
    a_position_or_an_upazila_is_searched_from => sqlite_a_position_or_an_upazila_is_searched_from;
    a_centre_page_shows_everything_about_one_place => sqlite_a_centre_page_shows_everything_about_one_place;
    the_directory_lists_by_division_and_district => sqlite_the_directory_lists_by_division_and_district;
    only_the_finder_runs_a_script => sqlite_only_the_finder_runs_a_script;
    the_pages_stay_light_with_the_demo_directory => sqlite_the_pages_stay_light_with_the_demo_directory;
}

pub fn district(name: &str) -> DistrictId {
    Geography::bangladesh()
        .find_district(name)
        .unwrap_or_else(|| panic!("{name} is a district"))
        .id
}

fn division(name: &str) -> u16 {
    Geography::bangladesh()
        .divisions()
        .iter()
        .find(|d| d.name_en == name)
        .unwrap_or_else(|| panic!("{name} is a division"))
        .id
        .0
}

fn upazila(district_name: &str, name: &str) -> UpazilaId {
    Geography::bangladesh()
        .upazilas_of(district(district_name))
        .find(|u| u.name_en == name)
        .unwrap_or_else(|| panic!("{name} is an upazila of {district_name}"))
        .id
}

/// A point as an admin types it.
#[allow(clippy::too_many_arguments)]
fn point(
    kind: &str,
    en: &str,
    bn: &str,
    district: &str,
    upazila: &str,
    lat: f64,
    lon: f64,
    hours: &str,
    services: &[&str],
) -> PointInput {
    PointInput {
        kind: kind.into(),
        name_bn: bn.into(),
        name_en: en.into(),
        address_bn: format!("{bn}, {district}"),
        address_en: format!("{en}, {district}"),
        district: district.into(),
        upazila: Some(upazila.into()),
        lat: lat.to_string(),
        lon: lon.to_string(),
        phone: Some("01712-345678".into()),
        services: services.iter().map(|s| s.to_string()).collect(),
        hours: hours.into(),
        ..PointInput::default()
    }
}

const WEEKDAYS: &str = "Sa-Th 09:00-19:00; Fr off; PH off";

/// Eight care centres around Dhaka, Gazipur and Chattogram, a drop box, and a pop-up desk
/// at next February's book fair. The clock stands at Sunday 22 November 2026, 09:00.
pub async fn seed(t: &TestApp) -> Vec<ServicePoint> {
    let mut dhanmondi = point(
        "care_centre",
        "Dhanmondi Centre",
        "ধানমন্ডি সেন্টার",
        "Dhaka",
        "",
        23.7461,
        90.3742,
        "Sa-Th 10:00-18:00; Fr off",
        &["pin_reset", "account_opening"],
    );
    dhanmondi.notice_bn = Some("ঈদের আগের শনিবারও খোলা".into());
    dhanmondi.notice_en = Some("Also open on the Saturday before Eid".into());
    let mut popup = point(
        "popup_desk",
        "Book Fair Desk",
        "বইমেলা বুথ",
        "Dhaka",
        "",
        23.7336,
        90.3966,
        "Mo-Su 15:00-21:00",
        &["pin_reset", "account_opening"],
    );
    popup.active_from = Some("2027-02-01".into());
    popup.active_to = Some("2027-02-28".into());
    let inputs = vec![
        point(
            "care_centre",
            "Motijheel Centre",
            "মতিঝিল সেন্টার",
            "Dhaka",
            "",
            23.7330,
            90.4172,
            WEEKDAYS,
            &["pin_reset", "complaint_intake"],
        ),
        dhanmondi,
        point(
            "care_centre",
            "Gulshan Centre",
            "গুলশান সেন্টার",
            "Dhaka",
            "",
            23.7925,
            90.4150,
            "Mo-Su 09:00-21:00",
            &["complaint_intake", "kyc_update"],
        ),
        point(
            "care_centre",
            "Mirpur Centre",
            "মিরপুর সেন্টার",
            "Dhaka",
            "",
            23.8069,
            90.3687,
            WEEKDAYS,
            &["pin_reset", "sim_replacement"],
        ),
        point(
            "care_centre",
            "Uttara Centre",
            "উত্তরা সেন্টার",
            "Dhaka",
            "",
            23.8700,
            90.3950,
            WEEKDAYS,
            &["pin_reset"],
        ),
        point(
            "care_centre",
            "Hemayetpur Centre",
            "হেমায়েতপুর সেন্টার",
            "Dhaka",
            "Savar",
            23.7935,
            90.2720,
            "Sa-Th 09:00-17:00",
            &["pin_reset"],
        ),
        point(
            "care_centre",
            "Kashimpur Centre",
            "কাশিমপুর সেন্টার",
            "Gazipur",
            "Gazipur Sadar",
            23.9880,
            90.3120,
            WEEKDAYS,
            &["pin_reset"],
        ),
        point(
            "care_centre",
            "Kalurghat Centre",
            "কালুরঘাট সেন্টার",
            "Chattogram",
            "",
            22.3940,
            91.8720,
            WEEKDAYS,
            &["pin_reset"],
        ),
        point(
            "drop_box",
            "Motijheel Drop Box",
            "মতিঝিল অভিযোগ বাক্স",
            "Dhaka",
            "",
            23.7330,
            90.4172,
            "24/7",
            &["complaint_intake"],
        ),
        popup,
    ];
    let geo = Geography::bangladesh();
    let checked = inputs
        .iter()
        .map(|i| {
            i.check(geo)
                .unwrap_or_else(|e| panic!("{}: {e:?}", i.name_en))
        })
        .collect();
    t.app
        .add_points(checked, Caller::system())
        .await
        .expect("adding the points")
}

fn id_of(points: &[ServicePoint], name_en: &str) -> i64 {
    points
        .iter()
        .find(|p| p.name_en == name_en)
        .unwrap_or_else(|| panic!("{name_en} was seeded"))
        .id
}

/// `GET path` as a customer whose browser prefers `lang`.
pub async fn get(t: &TestApp, path: &str, lang: &str) -> Answer {
    TestApp::send(t.anon(Method::GET, path).header("accept-language", lang)).await
}

/// A page that must be there, in a language, with every text found.
async fn page(t: &TestApp, path: &str, lang: &str) -> String {
    let a = get(t, path, lang).await;
    assert_eq!(a.status, 200, "{path}: {}", a.text);
    assert_html(&a, lang);
    a.text
}

fn assert_html(a: &Answer, lang: &str) {
    assert_eq!(
        a.header("content-type"),
        Some("text/html; charset=utf-8"),
        "{}",
        a.text
    );
    assert!(
        a.text.contains(&format!("<html lang=\"{lang}\">")),
        "{}",
        a.text
    );
    assert!(!a.text.contains('⟦'), "a text is missing: {}", a.text);
}

/// The ids of the places listed, in order.
fn listed(html: &str) -> Vec<i64> {
    html.split("id=\"p-")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

/// The markup of the listed place `id`.
fn item(html: &str, id: i64) -> String {
    html.split(&format!("id=\"p-{id}\""))
        .nth(1)
        .and_then(|s| s.split("</article>").next())
        .unwrap_or_else(|| panic!("place {id} is not listed: {html}"))
        .to_string()
}

/// The part of the page that shows the results.
fn results(html: &str) -> String {
    html.split("id=\"results\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no results: {html}"))
        .to_string()
}

async fn the_finder_lists_the_five_nearest_on_a_map(t: TestApp) {
    let points = seed(&t).await;
    let dhaka = district("Dhaka");

    // The first visit: only the form, the districts grouped by division.
    let html = page(&t, "/centres", "bn").await;
    assert!(html.contains("<optgroup label=\"ঢাকা\">"), "{html}");
    assert!(html.contains(&format!("<option value=\"{}\">ঢাকা</option>", dhaka.0)));
    assert!(!html.contains("id=\"results\""));
    assert!(!html.contains("<svg"), "no map before a question");

    // A district: the five nearest care centres, in the engine's order.
    let expect = t
        .app
        .nearest(&NearQuery {
            kind: Some(PointKind::CareCentre),
            ..NearQuery::new(Origin::District(dhaka))
        })
        .await
        .expect("nearest");
    let order: Vec<i64> = expect.hits.iter().map(|h| h.entry.point.id).collect();
    assert_eq!(order.len(), 5);
    assert_eq!(order[0], id_of(&points, "Motijheel Centre"));

    let html = page(&t, &format!("/centres?district={}", dhaka.0), "bn").await;
    assert_eq!(listed(&html), order, "{html}");
    let found = results(&html);
    assert!(found.contains("ঢাকা থেকে সবচেয়ে কাছে"), "{found}");
    assert!(
        !found.contains("Drop Box") && !found.contains("অভিযোগ বাক্স"),
        "care centres only"
    );
    // The map: the district highlighted, the origin, five numbered markers.
    assert_eq!(found.matches("<svg").count(), 1);
    assert!(found.contains("fill=\"#fcf0f4\""), "the chosen district");
    assert_eq!(found.matches("<circle").count(), 2 + 5, "{found}");
    for n in ["১", "২", "৩", "৪", "৫"] {
        assert!(found.contains(&format!(">{n}</text>")), "marker {n}");
    }
    // Each place: distance and direction, open or closed with the hours, phone, the way.
    let from = expect.from;
    let first = item(&html, order[0]);
    let km = expect.hits[0].distance_m / 1000.0;
    let km_bn = seba_core::text::bengali_digits(&format!("{km:.1}"));
    assert!(first.contains(&format!("{km_bn} কিমি")), "{first}");
    assert!(
        first.contains("উত্তরে")
            || first.contains("পূর্বে")
            || first.contains("পশ্চিমে")
            || first.contains("দক্ষিণে"),
        "{first}"
    );
    assert!(
        first.contains("<strong>আজ সন্ধ্যা ৭টা পর্যন্ত খোলা</strong>"),
        "{first}"
    );
    assert!(first.contains("href=\"tel:01712345678\""), "{first}");
    assert!(first.contains("০১৭১২-৩৪৫৬৭৮"), "{first}");
    let route = format!(
        "https://www.openstreetmap.org/directions?route={:.5}%2C{:.5}%3B23.73300%2C90.41720",
        from.lat(),
        from.lon()
    );
    assert!(first.contains(&route), "{route} in {first}");
    assert!(first.contains("href=\"geo:23.73300,90.41720\""), "{first}");
    assert!(first.contains("ফোনের ম্যাপ অ্যাপে খুলুন"));
    assert!(first.contains(&format!("href=\"/centres/{}?from=", order[0])));
    // Dhanmondi opens at ten: closed now, and says when it opens.
    let dhanmondi = id_of(&points, "Dhanmondi Centre");
    let d = item(&html, dhanmondi);
    assert!(
        d.contains("<strong>বন্ধ — ৬০ মিনিট পরে খুলবে</strong>"),
        "{d}"
    );
    assert!(d.contains("ঈদের আগের শনিবারও খোলা"), "the notice: {d}");

    // The same in English.
    let html = page(&t, &format!("/centres?district={}", dhaka.0), "en").await;
    assert_eq!(listed(&html), order);
    let first = item(&html, order[0]);
    assert!(first.contains(&format!("{km:.1} km")), "{first}");
    assert!(
        first.contains("<strong>Open today until 7 pm</strong>"),
        "{first}"
    );
    assert!(first.contains("Directions (OpenStreetMap)"));
    assert!(html.contains("Nearest to Dhaka"));
    // The language switch keeps the question.
    assert!(
        html.contains(&format!("/lang/bn?next=/centres%3Fdistrict%3D{}", dhaka.0)),
        "{html}"
    );

    // k: more or fewer.
    let html = page(&t, &format!("/centres?district={}&k=২", dhaka.0), "en").await;
    assert_eq!(listed(&html), order[..2]);
    assert_eq!(hidden_field(&html, "k"), "২");
    let html = page(&t, &format!("/centres?district={}&k=20", dhaka.0), "en").await;
    assert_eq!(listed(&html).len(), 8, "every care centre");
}

async fn bad_questions_are_explained_in_both_languages(t: TestApp) {
    seed(&t).await;
    let dhaka = district("Dhaka").0;
    let cases: &[(&str, &str, &str)] = &[
        ("district=999", "কোনো জেলা নেই", "There is no such district"),
        (
            "district=Atlantis",
            "কোনো জেলা নেই",
            "There is no such district",
        ),
        ("upazila=9999", "কোনো উপজেলা নেই", "There is no such upazila"),
        (
            "lat=abc&lon=90.4",
            "অক্ষাংশ (latitude) একটি সংখ্যা",
            "The latitude must be a number",
        ),
        (
            "lat=23.8&lon=",
            "দ্রাঘিমাংশ (longitude) একটি সংখ্যা",
            "The longitude must be a number",
        ),
        (
            "lat=51.5074&lon=-0.1278",
            "বাংলাদেশের বাইরে",
            "outside Bangladesh",
        ),
        ("lat=90.41&lon=23.81", "উল্টো", "look swapped"),
        ("lat=NaN&lon=inf", "একটি সংখ্যা হতে হবে", "must be a number"),
        ("k=0", "১ থেকে ১০০টি", "from 1 to 100"),
        ("k=500", "১ থেকে ১০০টি", "from 1 to 100"),
        ("k=five", "একটি সংখ্যা হতে হবে", "must be a number"),
        (
            "kind=spaceship",
            "এমন কোনো ধরনের জায়গা নেই",
            "no such kind of place",
        ),
        ("service=teleport", "এমন কোনো সেবা নেই", "no such service"),
        ("at=tomorrow", "দিন ও সময় পড়া যায়নি", "could not be read"),
        (
            "at=2031-01-01T10:00",
            "এক বছরের মধ্যে",
            "within the next year",
        ),
    ];
    for (query, bn, en) in cases {
        let path = format!("/centres?district={dhaka}&{query}");
        for (lang, words) in [("bn", bn), ("en", en)] {
            let a = get(&t, &path, lang).await;
            assert_eq!(a.status, 422, "{path}: {}", a.text);
            assert_html(&a, lang);
            assert!(a.text.contains("role=\"alert\""), "{path}");
            assert!(a.text.contains(words), "{path} in {lang}: {}", a.text);
            assert!(a.text.contains("id=\"finder\""), "the form again");
            assert!(!a.text.contains("id=\"results\""), "{path}");
        }
    }
    // Several problems at once are all named.
    let a = get(&t, "/centres?district=999&k=0&kind=x", "en").await;
    assert_eq!(a.status, 422);
    for words in ["no such district", "from 1 to 100", "no such kind"] {
        assert!(a.text.contains(words), "{words}: {}", a.text);
    }
    // Repeated, unknown and oddly encoded parameters are not errors.
    let a = get(
        &t,
        &format!("/centres?district=1&district={dhaka}&utm_source=x&q=%FF%FE"),
        "en",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(listed(&a.text).len(), 5);
    // The directory refuses what it cannot show, the same way.
    let a = get(&t, "/centres/directory?district=999", "bn").await;
    assert_eq!(a.status, 422);
    assert_html(&a, "bn");
    assert!(a.text.contains("কোনো জেলা নেই"));
    let a = get(&t, "/centres/directory?kind=all", "en").await;
    assert_eq!(a.status, 422);
    assert!(a.text.contains("no such kind of place"));
}

async fn filters_narrow_the_places(t: TestApp) {
    let points = seed(&t).await;
    let dhaka = district("Dhaka").0;
    let base = format!("/centres?district={dhaka}");
    let names = |ids: Vec<i64>| -> Vec<String> {
        ids.iter()
            .map(|id| {
                points
                    .iter()
                    .find(|p| p.id == *id)
                    .map(|p| p.name_en.clone())
                    .unwrap_or_default()
            })
            .collect()
    };

    // A kind: the drop box; every kind: the drop box and the centres, not the desk (its
    // fair is in February).
    let html = page(&t, &format!("{base}&kind=drop_box"), "en").await;
    assert_eq!(names(listed(&html)), ["Motijheel Drop Box"]);
    assert!(html.contains("<details open>"), "the choices stay open");
    let html = page(&t, &format!("{base}&kind=all&k=20"), "en").await;
    let all = names(listed(&html));
    assert_eq!(all.len(), 9, "{all:?}");
    assert!(!all.contains(&"Book Fair Desk".to_string()));
    let html = page(&t, &format!("{base}&kind=popup_desk"), "en").await;
    assert!(listed(&html).is_empty());
    assert!(html.contains("Nothing found with these choices"), "{html}");

    // A service.
    let html = page(&t, &format!("{base}&service=kyc_update"), "en").await;
    assert_eq!(names(listed(&html)), ["Gulshan Centre"]);

    // Open now (Sunday 09:00): Dhanmondi opens at ten.
    let html = page(&t, &format!("{base}&open=1&k=20"), "en").await;
    let open = names(listed(&html));
    assert_eq!(open.len(), 7, "{open:?}");
    assert!(!open.contains(&"Dhanmondi Centre".to_string()));
    assert!(html.contains("name=\"open\" value=\"1\" checked"), "{html}");

    // Open on Friday morning: only Gulshan opens every day.
    let html = page(&t, &format!("{base}&at=2026-11-27T10:00&k=20"), "bn").await;
    assert_eq!(names(listed(&html)), ["Gulshan Centre"]);
    assert!(
        html.contains("২৭/১১/২০২৬ ১০:০০"),
        "the time asked about: {html}"
    );
    assert!(
        html.contains("value=\"2026-11-27T10:00\""),
        "kept in the form"
    );

    // The book fair desk shows up inside its dates, when open.
    let html = page(
        &t,
        &format!("{base}&kind=popup_desk&at=2027-02-10T16:00"),
        "en",
    )
    .await;
    assert_eq!(names(listed(&html)), ["Book Fair Desk"]);
    let html = page(
        &t,
        &format!("{base}&kind=popup_desk&at=2027-03-10T16:00"),
        "en",
    )
    .await;
    assert!(listed(&html).is_empty(), "after the fair");
    t.clock
        .set("2027-02-10T10:00:00Z".parse().expect("an instant"));
    let html = page(&t, &format!("{base}&kind=popup_desk"), "en").await;
    assert_eq!(names(listed(&html)), ["Book Fair Desk"]);
}

async fn a_position_or_an_upazila_is_searched_from(t: TestApp) {
    let points = seed(&t).await;
    let dhaka = district("Dhaka");
    let gazipur = district("Gazipur");
    let motijheel = id_of(&points, "Motijheel Centre");
    let drop_box = id_of(&points, "Motijheel Drop Box");

    // A position in Bengali digits, as the form's hidden fields could carry it.
    let html = page(&t, "/centres?lat=২৩.৭৩৩০&lon=৯০.৪১৭২&kind=all", "bn").await;
    let ids = listed(&html);
    assert_eq!(ids.len(), 5);
    assert!(
        ids[..2].contains(&motijheel) && ids[..2].contains(&drop_box),
        "{ids:?}"
    );
    assert!(item(&html, motijheel).contains("ঠিক এখানেই"));
    assert!(html.contains("আপনার অবস্থান (ঢাকা) থেকে সবচেয়ে কাছে"), "{html}");
    assert_eq!(
        hidden_field(&html, "lat"),
        "23.73300",
        "kept for the next question"
    );
    assert_eq!(hidden_field(&html, "lon"), "90.41720");
    assert!(
        html.contains(&format!("<option value=\"{}\" selected>", dhaka.0)),
        "its district"
    );
    assert!(
        html.contains("route=23.73300%2C90.41720%3B23.73300%2C90.41720"),
        "directions start where the customer is"
    );

    // The same position with its own district chosen is still the position; with another
    // district chosen after it, that district.
    let html = page(
        &t,
        &format!("/centres?lat=23.733&lon=90.4172&district={}", dhaka.0),
        "en",
    )
    .await;
    assert!(html.contains("Nearest to your location (Dhaka)"), "{html}");
    let html = page(
        &t,
        &format!("/centres?lat=23.733&lon=90.4172&district={}", gazipur.0),
        "en",
    )
    .await;
    assert!(html.contains("Nearest to Gazipur"), "{html}");
    assert_eq!(hidden_field(&html, "lat"), "", "the position is let go");
    assert_eq!(listed(&html)[0], id_of(&points, "Kashimpur Centre"));

    // A district by name works as well as by number.
    let html = page(&t, "/centres?district=গাজীপুর", "bn").await;
    assert!(html.contains("গাজীপুর থেকে সবচেয়ে কাছে"), "{html}");

    // Two steps without a script: the district first, then its upazilas to choose from.
    let savar = upazila("Dhaka", "Savar");
    let html = page(&t, &format!("/centres?district={}", dhaka.0), "en").await;
    assert!(
        html.contains("<select id=\"upazila\" name=\"upazila\">"),
        "{html}"
    );
    assert!(html.contains(&format!("<option value=\"{}\">Savar</option>", savar.0)));
    let html = page(
        &t,
        &format!("/centres?district={}&upazila={}", dhaka.0, savar.0),
        "en",
    )
    .await;
    assert!(html.contains("Nearest to Savar, Dhaka"), "{html}");
    let hemayetpur = id_of(&points, "Hemayetpur Centre");
    assert_eq!(listed(&html)[0], hemayetpur);
    assert!(
        item(&html, hemayetpur).contains("right here"),
        "the upazila's own centre"
    );
    assert!(html.contains(&format!(
        "<option value=\"{}\" selected>Savar</option>",
        savar.0
    )));
    // An upazila by name, and an upazila of another district once the district changed.
    let html = page(
        &t,
        &format!("/centres?district={}&upazila=savar", dhaka.0),
        "en",
    )
    .await;
    assert!(html.contains("Nearest to Savar, Dhaka"), "{html}");
    let html = page(
        &t,
        &format!("/centres?district={}&upazila={}", gazipur.0, savar.0),
        "en",
    )
    .await;
    assert!(html.contains("Nearest to Gazipur"), "{html}");
    // An upazila alone brings its district.
    let html = page(&t, &format!("/centres?upazila={}", savar.0), "en").await;
    assert!(html.contains(&format!(
        "<option value=\"{}\" selected>Dhaka</option>",
        dhaka.0
    )));
}

async fn a_centre_page_shows_everything_about_one_place(t: TestApp) {
    let points = seed(&t).await;
    let motijheel = id_of(&points, "Motijheel Centre");

    let html = page(&t, &format!("/centres/{motijheel}"), "en").await;
    for words in [
        "<h1>Motijheel Centre</h1>",
        "Customer-care centre",
        "<strong>Now: </strong>Open today until 7 pm",
        "Motijheel Centre, Dhaka",
        "Dhaka",
        "href=\"tel:01712345678\"",
        "PIN reset",
        "Complaint intake",
        "<code>Sa-Th 09:00-19:00; Fr off; PH off</code>",
        "route=%3B23.73300%2C90.41720",
        "geo:23.73300,90.41720",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    // A week of hours from today (Sunday): Friday closed, the rest 09:00–19:00.
    assert_eq!(html.matches("<tr>").count(), 7, "{html}");
    assert!(
        html.contains("Sunday 22/11</th><td>09:00–19:00</td>"),
        "{html}"
    );
    assert!(html.contains("Friday 27/11</th><td>Closed</td>"), "{html}");
    assert_eq!(html.matches("<svg").count(), 1, "a map with the place");
    assert!(html.contains(&format!(
        "href=\"/centres/directory?division={}#d-{}\"",
        division("Dhaka"),
        district("Dhaka").0
    )));

    // In Bengali, with the finder's origin for the directions.
    let html = page(
        &t,
        &format!("/centres/{motijheel}?from=23.71153,90.41115"),
        "bn",
    )
    .await;
    assert!(
        html.contains("রবিবার ২২/১১</th><td>০৯:০০–১৯:০০</td>"),
        "{html}"
    );
    assert!(
        html.contains("route=23.71153%2C90.41115%3B23.73300%2C90.41720"),
        "{html}"
    );
    assert!(html.contains("পিন রিসেট"));

    // Around the clock, and a pop-up desk's dates.
    let html = page(
        &t,
        &format!("/centres/{}", id_of(&points, "Motijheel Drop Box")),
        "en",
    )
    .await;
    assert_eq!(html.matches("00:00–24:00").count(), 7, "{html}");
    let html = page(
        &t,
        &format!("/centres/{}", id_of(&points, "Book Fair Desk")),
        "en",
    )
    .await;
    assert!(
        html.contains("Open from 01/02/2027 to 28/02/2027"),
        "{html}"
    );

    // Unknown, not a number, closed.
    for path in ["/centres/999999", "/centres/abc", "/centres/-1"] {
        let a = get(&t, path, "en").await;
        assert_eq!(a.status, 404, "{path}: {}", a.text);
        assert_html(&a, "en");
        assert!(a.text.contains("No such place"));
    }
    t.app
        .close_point(motijheel, "moved to a new address", Caller::system())
        .await
        .expect("closing");
    let a = get(&t, &format!("/centres/{motijheel}"), "bn").await;
    assert_eq!(a.status, 410, "{}", a.text);
    assert_html(&a, "bn");
    assert!(
        a.text.contains("মতিঝিল সেন্টার আর গ্রাহকদের সেবা দেয় না"),
        "{}",
        a.text
    );
    let html = page(
        &t,
        &format!("/centres?district={}&k=20", district("Dhaka").0),
        "en",
    )
    .await;
    assert!(
        !listed(&html).contains(&motijheel),
        "a closed place is not found"
    );
}

async fn the_directory_lists_by_division_and_district(t: TestApp) {
    let points = seed(&t).await;
    let (dhaka, gazipur, chattogram) = (
        district("Dhaka"),
        district("Gazipur"),
        district("Chattogram"),
    );
    let html = page(&t, "/centres/directory", "en").await;
    assert!(html.contains("<strong>8 places</strong>"), "{html}");
    for d in [dhaka, gazipur, chattogram] {
        assert!(html.contains(&format!("id=\"d-{}\"", d.0)), "{d:?}");
        assert!(html.contains(&format!("href=\"#d-{}\"", d.0)), "{d:?}");
    }
    assert!(
        html.contains("<h2>Dhaka</h2>") && html.contains("<h2>Chattogram</h2>"),
        "{html}"
    );
    assert!(html.contains("Dhaka · 6 places"), "{html}");
    let motijheel = id_of(&points, "Motijheel Centre");
    assert!(html.contains(&format!(
        "href=\"/centres/{motijheel}\">Motijheel Centre</a>"
    )));
    assert!(
        html.contains("Open today until 7 pm · <small>Sa-Th 09:00-19:00; Fr off; PH off</small>")
    );
    assert!(
        html.contains("☎ <a href=\"tel:01712345678\">01712-345678</a>"),
        "{html}"
    );
    assert!(!html.contains("Drop Box"));

    let html = page(&t, "/centres/directory", "bn").await;
    assert!(html.contains("৮টি জায়গা"), "{html}");
    assert!(html.contains("আজ সন্ধ্যা ৭টা পর্যন্ত খোলা"));

    // One division (linked from the index), one district; another kind.
    let chattogram_division = division("Chattogram");
    let link = format!(
        "href=\"/centres/directory?division={}\"",
        chattogram_division
    );
    assert!(html.contains(&link), "{html}");
    let html = page(
        &t,
        &format!("/centres/directory?division={chattogram_division}"),
        "bn",
    )
    .await;
    assert!(
        html.contains("কালুরঘাট সেন্টার") && !html.contains("মতিঝিল সেন্টার"),
        "{html}"
    );
    assert!(
        html.contains("সারা বাংলাদেশ"),
        "a way back to the whole country"
    );
    let html = page(&t, "/centres/directory?division=chittagong", "en").await;
    assert!(html.contains("Kalurghat Centre") && !html.contains("Motijheel Centre"));
    let a = get(&t, "/centres/directory?division=Atlantis", "en").await;
    assert_eq!(a.status, 422);
    assert!(a.text.contains("no such division"), "{}", a.text);
    let html = page(
        &t,
        &format!("/centres/directory?district={}", chattogram.0),
        "en",
    )
    .await;
    assert!(html.contains("Kalurghat Centre") && !html.contains("Motijheel Centre"));
    assert!(html.contains("<strong>1 place</strong>"), "{html}");
    let html = page(&t, "/centres/directory?kind=drop_box", "en").await;
    assert!(html.contains("Motijheel Drop Box") && !html.contains("Motijheel Centre<"));
    // The pop-up desk only during its fair.
    let html = page(&t, "/centres/directory?kind=popup_desk", "en").await;
    assert!(html.contains("No places are listed here yet."), "{html}");
    t.clock
        .set("2027-02-10T10:00:00Z".parse().expect("an instant"));
    let html = page(&t, "/centres/directory?kind=popup_desk", "en").await;
    assert!(html.contains("Book Fair Desk"), "{html}");
}

async fn only_the_finder_runs_a_script(t: TestApp) {
    // The portal's home links the finder.
    let html = page(&t, "/", "bn").await;
    assert!(html.contains("href=\"/centres\""), "{html}");

    let a = get(&t, "/centres", "en").await;
    let csp = a
        .header("content-security-policy")
        .unwrap_or_default()
        .to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let script = a
        .text
        .split("<script src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the finder's script")
        .to_string();
    assert!(
        script.starts_with("/static/locate.") && script.ends_with(".js"),
        "{script}"
    );
    assert!(
        a.text.contains("data-locate=\"Use my location\""),
        "the button's words"
    );
    let js = get(&t, &script, "en").await;
    assert_eq!(js.status, 200);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(
        js.header("cache-control")
            .unwrap_or_default()
            .contains("immutable")
    );
    assert!(js.text.contains("navigator.geolocation"));

    // Other customer pages keep the portal's policy: no scripts at all.
    for path in ["/centres/directory", "/help", "/"] {
        let a = get(&t, path, "en").await;
        let csp = a.header("content-security-policy").unwrap_or_default();
        assert!(!csp.contains("script-src"), "{path}: {csp}");
        assert!(!a.text.contains("<script"), "{path}");
    }
    // The finder's answers with errors carry the script too, so the button is there.
    let a = get(&t, "/centres?district=999", "en").await;
    assert_eq!(a.status, 422);
    assert!(a.text.contains("<script src=\"/static/locate."));
}

/// The page with its stylesheet and script, in bytes.
async fn weight(t: &TestApp, html: &str) -> usize {
    let mut total = html.len();
    for attr in ["href=\"/static/", "src=\"/static/"] {
        for part in html.split(attr).skip(1) {
            let name = part.split('"').next().unwrap_or_default();
            let a = get(t, &format!("/static/{name}"), "en").await;
            assert_eq!(a.status, 200);
            total += a.text.len();
        }
    }
    total
}

async fn the_pages_stay_light_with_the_demo_directory(t: TestApp) {
    let added = t.app.load_demo_points().await.expect("demo points");
    assert!(added >= 279, "{added}");
    let centres = t
        .app
        .directory(PointKind::CareCentre, None)
        .await
        .expect("directory");
    let some = centres[0].point.id;
    let dhaka = district("Dhaka").0;
    let gazipur = district("Gazipur").0;
    let pages = [
        "/centres".to_string(),
        format!("/centres?district={dhaka}"),
        format!("/centres?district={gazipur}&kind=all"),
        "/centres?lat=23.8103&lon=90.4125&k=10".to_string(),
        format!("/centres/{some}"),
        format!("/centres/directory?district={dhaka}"),
        format!("/centres/directory?division={}", division("Dhaka")),
        format!("/centres/directory?division={}", division("Chattogram")),
    ];
    for path in &pages {
        for lang in ["bn", "en"] {
            let html = page(&t, path, lang).await;
            let w = weight(&t, &html).await;
            eprintln!("weight {path} [{lang}]: {} bytes (page {})", w, html.len());
            assert!(w <= 60 * 1024, "{path} in {lang}: {w} bytes");
        }
    }
    // The whole country: an index of divisions and districts with counts, each linking
    // to its division's list; together the division pages list every centre once.
    for lang in ["bn", "en"] {
        let html = page(&t, "/centres/directory", lang).await;
        let w = weight(&t, &html).await;
        eprintln!(
            "weight /centres/directory [{lang}]: {w} bytes, {} centres",
            centres.len()
        );
        assert_eq!(html.matches("<li>").count(), 0);
        assert!(w <= 30 * 1024, "{w}");
    }
    let mut listed = 0;
    for div in Geography::bangladesh().divisions() {
        let html = page(
            &t,
            &format!("/centres/directory?division={}", div.id.0),
            "en",
        )
        .await;
        listed += html.matches("<li>").count();
    }
    assert_eq!(listed, centres.len());
}
