//! The service-point pages as a browser without JavaScript uses them: an admin adds a
//! care centre in Dhaka, edits it, closes and reopens it, and each change is listed and
//! audited; coordinates in another district and unreadable opening hours come back
//! explained in Bengali or English with nothing saved; a stale form is refused; agents and
//! forged forms change nothing; the pages render in both languages.

use seba_geo::Geography;

use crate::common::{TestApp, hidden_field};

both_engines! {
    an_admin_adds_edits_closes_and_reopens_a_point =>
        sqlite_an_admin_adds_edits_closes_and_reopens_a_point,
        postgres_an_admin_adds_edits_closes_and_reopens_a_point;
    invalid_points_are_explained_and_nothing_is_saved =>
        sqlite_invalid_points_are_explained_and_nothing_is_saved,
        postgres_invalid_points_are_explained_and_nothing_is_saved;
    agents_and_forged_forms_change_nothing =>
        sqlite_agents_and_forged_forms_change_nothing,
        postgres_agents_and_forged_forms_change_nothing;
}

sqlite_only! {
    point_pages_in_both_languages => sqlite_point_pages_in_both_languages;
    the_list_reads_a_page_at_a_time => sqlite_the_list_reads_a_page_at_a_time;
}

fn district_id(name: &str) -> String {
    Geography::bangladesh()
        .find_district(name)
        .unwrap_or_else(|| panic!("{name} is a district"))
        .id
        .to_string()
}

/// A good form for a care centre in Dhaka (its latitude in Bengali digits, as a Bengali
/// keyboard types it).
fn centre_form() -> Vec<(&'static str, String)> {
    vec![
        ("kind", "care_centre".into()),
        ("name_bn", "ধানমন্ডি কাস্টমার কেয়ার সেন্টার".into()),
        ("name_en", "Dhanmondi Customer Care Centre".into()),
        ("address_bn", "বাড়ি ৫, সড়ক ২৭, ধানমন্ডি, ঢাকা".into()),
        ("address_en", "House 5, Road 27, Dhanmondi, Dhaka".into()),
        ("district", district_id("Dhaka")),
        ("upazila", "".into()),
        ("lat", "২৩.৭৫০৯".into()),
        ("lon", "90.3935".into()),
        ("phone", "01712-345678".into()),
        ("services", "pin_reset".into()),
        ("services", "complaint_intake".into()),
        ("hours", "Sa-Th 09:00-19:00; Fr off; PH off".into()),
        ("notice_bn", "".into()),
        ("notice_en", "".into()),
        ("active_from", "".into()),
        ("active_to", "".into()),
        ("id", "".into()),
        ("version", "".into()),
    ]
}

fn with(
    mut form: Vec<(&'static str, String)>,
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    for (k, v) in changes {
        match form.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = (*v).to_string(),
            None => form.push((k, (*v).to_string())),
        }
    }
    form
}

async fn actions(t: &TestApp, id: i64) -> Vec<String> {
    t.audit_events(&format!("point:{id}"))
        .await
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// Add the Dhanmondi centre through the application (for tests about other things).
async fn add_centre(t: &TestApp) -> seba_locator::points::ServicePoint {
    let desk = t.desk_login(&t.admin).await;
    let (status, _, html) = desk.post_in("/admin/points", &centre_form(), "en").await;
    assert_eq!(status, 303, "{html}");
    let all = t.app.points(true).await.expect("points");
    all.into_iter().last().expect("the centre")
}

async fn an_admin_adds_edits_closes_and_reopens_a_point(t: TestApp) {
    let desk = t.desk_login(&t.admin).await;
    let (status, html, _) = desk.get("/admin", "en").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/admin/points\""), "{html}");

    // The blank form.
    let (html, _) = desk.page("/admin/points/edit", "en").await;
    assert!(html.contains("Sa-Th 09:00-19:00; Fr off; PH off"), "{html}");
    assert_eq!(hidden_field(&html, "version"), "");
    assert!(html.contains("name=\"services\" value=\"pin_reset\""));
    assert!(html.contains("ঢাকা / Dhaka"), "districts in both scripts");

    // Added: 303 to the list, which shows it.
    let (status, location, html) = desk.post_in("/admin/points", &centre_form(), "en").await;
    assert_eq!(status, 303, "{html}");
    assert_eq!(location, "/admin/points?notice=saved");
    let (html, _) = desk.page(&location, "en").await;
    assert!(html.contains("Dhanmondi Customer Care Centre"), "{html}");
    assert!(html.contains("role=\"status\""), "{html}");
    assert!(html.contains("Customer-care centre") && html.contains("PIN reset"));
    let (html, _) = desk.page("/admin/points", "bn").await;
    assert!(html.contains("ধানমন্ডি কাস্টমার কেয়ার সেন্টার"), "{html}");
    let points = t.app.points(false).await.expect("points");
    assert_eq!(points.len(), 1);
    let p = &points[0];
    assert!((p.coord.lat() - 23.7509).abs() < 1e-9);
    assert_eq!(p.services.len(), 2);
    assert_eq!(actions(&t, p.id).await, ["point.saved"]);

    // Filters.
    let chattogram = district_id("Chattogram");
    let (html, _) = desk
        .page(&format!("/admin/points?district={chattogram}"), "en")
        .await;
    assert!(!html.contains("Dhanmondi Customer Care Centre"), "{html}");
    let (html, _) = desk.page("/admin/points?kind=drop_box", "en").await;
    assert!(!html.contains("Dhanmondi Customer Care Centre"), "{html}");
    let dhaka = district_id("Dhaka");
    let (html, _) = desk
        .page(
            &format!("/admin/points?district={dhaka}&kind=care_centre"),
            "en",
        )
        .await;
    assert!(html.contains("Dhanmondi Customer Care Centre"), "{html}");

    // Edited from the version the form shows.
    let edit = format!("/admin/points/edit?id={}", p.id);
    let (html, _) = desk.page(&edit, "en").await;
    assert_eq!(hidden_field(&html, "version"), "1");
    assert_eq!(hidden_field(&html, "id"), p.id.to_string());
    let id = p.id.to_string();
    let edited = with(
        centre_form(),
        &[
            ("id", &id),
            ("version", "1"),
            ("name_en", "Dhanmondi Care Centre"),
            ("notice_en", "Closed for Eid"),
            ("notice_bn", "ঈদের ছুটিতে বন্ধ"),
        ],
    );
    let (status, _, html) = desk.post_in("/admin/points", &edited, "en").await;
    assert_eq!(status, 303, "{html}");
    let saved = t.app.point(p.id).await.expect("the point");
    assert_eq!(saved.version, 2);
    assert_eq!(saved.name_en, "Dhanmondi Care Centre");
    // The same form again is stale: 409, nothing changed.
    let stale = with(edited, &[("name_en", "Overwritten")]);
    let (status, _, html) = desk.post_in("/admin/points", &stale, "en").await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("Someone else saved this point"), "{html}");
    assert_eq!(t.app.point(p.id).await.expect("the point"), saved);

    // Closing needs a reason.
    let (status, _, html) = desk
        .post_in("/admin/points/close", &[("id", id.as_str())], "en")
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(!t.app.point(p.id).await.expect("the point").closed);
    let (status, location, html) = desk
        .post_in(
            "/admin/points/close",
            &[("id", id.as_str()), ("reason", "Moved to Dilkusha")],
            "en",
        )
        .await;
    assert_eq!(status, 303, "{html}");
    assert_eq!(location, "/admin/points?closed=1&notice=closed");
    let (html, _) = desk.page(&location, "en").await;
    assert!(
        html.contains("Dhanmondi Care Centre") && html.contains("Closed"),
        "{html}"
    );
    assert!(html.contains("action=\"/admin/points/reopen\""), "{html}");
    let (html, _) = desk.page("/admin/points", "en").await;
    assert!(!html.contains("Dhanmondi Care Centre"), "closed: {html}");
    let (html, _) = desk.page(&edit, "en").await;
    assert!(html.contains("action=\"/admin/points/reopen\""), "{html}");

    let (status, location, html) = desk
        .post_in("/admin/points/reopen", &[("id", id.as_str())], "en")
        .await;
    assert_eq!(status, 303, "{html}");
    assert_eq!(location, "/admin/points?notice=reopened");
    let (html, _) = desk.page(&location, "en").await;
    assert!(html.contains("Dhanmondi Care Centre"), "{html}");
    assert!(!t.app.point(p.id).await.expect("the point").closed);

    assert_eq!(
        actions(&t, p.id).await,
        [
            "point.saved",
            "point.saved",
            "point.closed",
            "point.reopened"
        ]
    );
    let events = t.audit_events(&format!("point:{}", p.id)).await;
    assert!(
        events[2].after.contains("Moved to Dilkusha"),
        "{}",
        events[2].after
    );
    assert_eq!(events[0].actor, format!("user:{}", t.admin.id.0));

    // A supervisor manages points too.
    let sup = t.desk_login(&t.supervisor).await;
    let (status, _, _) = sup.get("/admin/points", "en").await;
    assert_eq!(status, 200);
    let (status, _, html) = sup
        .post_in(
            "/admin/points/close",
            &[("id", id.as_str()), ("reason", "Renovation")],
            "en",
        )
        .await;
    assert_eq!(status, 303, "{html}");
}

async fn invalid_points_are_explained_and_nothing_is_saved(t: TestApp) {
    let desk = t.desk_login(&t.admin).await;
    // Coordinates in Chattogram for a point in Dhaka.
    let in_chattogram = with(centre_form(), &[("lat", "22.3569"), ("lon", "91.7832")]);
    let (status, _, html) = desk.post_in("/admin/points", &in_chattogram, "en").await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Chattogram") && html.contains("Dhaka"),
        "{html}"
    );
    assert!(html.contains("role=\"alert\""), "{html}");
    // The form comes back as typed.
    assert!(html.contains("value=\"91.7832\""), "{html}");
    let (status, _, html) = desk.post_in("/admin/points", &in_chattogram, "bn").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("চট্টগ্রাম") && html.contains("ঢাকা"), "{html}");
    assert!(!html.contains('⟦'), "{html}");

    // Opening hours that do not parse: the column is named.
    let bad_hours = with(centre_form(), &[("hours", "Sa-Th 25:00-26:00")]);
    let (status, _, html) = desk.post_in("/admin/points", &bad_hours, "en").await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Opening hours:") && html.contains("column"),
        "{html}"
    );
    let (status, _, html) = desk.post_in("/admin/points", &bad_hours, "bn").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("কলাম"), "{html}");

    // Several problems at once, every one listed.
    let many = with(
        centre_form(),
        &[("name_en", ""), ("phone", "12"), ("hours", "whenever")],
    );
    let many: Vec<_> = many.into_iter().filter(|(k, _)| *k != "services").collect();
    let (status, _, html) = desk.post_in("/admin/points", &many, "en").await;
    assert_eq!(status, 422, "{html}");
    for field in ["Name (English):", "Phone:", "Services:", "Opening hours:"] {
        assert!(html.contains(field), "{field}: {html}");
    }

    // A pop-up desk needs its dates.
    let popup = with(
        centre_form(),
        &[("kind", "popup_desk"), ("name_en", "Book fair desk")],
    );
    let (status, _, html) = desk.post_in("/admin/points", &popup, "en").await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Active from:") && html.contains("Active until:"),
        "{html}"
    );

    assert!(t.app.points(true).await.expect("points").is_empty());

    // With them it is saved, and listed with them.
    let popup = with(
        popup,
        &[("active_from", "2027-02-01"), ("active_to", "২০২৭-০২-২৮")],
    );
    let (status, _, html) = desk.post_in("/admin/points", &popup, "en").await;
    assert_eq!(status, 303, "{html}");
    let (html, _) = desk.page("/admin/points?kind=popup_desk", "en").await;
    assert!(
        html.contains("Book fair desk") && html.contains("2027-02-01 – 2027-02-28"),
        "{html}"
    );
}

async fn agents_and_forged_forms_change_nothing(t: TestApp) {
    let p = add_centre(&t).await;
    let id = p.id.to_string();
    let posts: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("/admin/points", centre_form()),
        (
            "/admin/points",
            with(centre_form(), &[("id", &id), ("name_en", "Taken over")]),
        ),
        (
            "/admin/points/close",
            vec![("id", id.clone()), ("reason", "Intruder".into())],
        ),
        ("/admin/points/reopen", vec![("id", id.clone())]),
    ];

    for who in [&t.agent, &t.auditor] {
        let desk = t.desk_login(who).await;
        for path in [
            "/admin/points".to_string(),
            "/admin/points?closed=1".to_string(),
            "/admin/points/edit".to_string(),
            format!("/admin/points/edit?id={id}"),
        ] {
            let (status, html, _) = desk.get(&path, "en").await;
            assert_eq!(status, 403, "{} GET {path}", who.username);
            assert!(!html.contains("name=\"version\""), "no form: {html}");
        }
        for (path, fields) in &posts {
            let (status, _, _) = desk.post_in(path, fields, "en").await;
            assert_eq!(status, 403, "{} POST {path}", who.username);
        }
    }

    let desk = t.desk_login(&t.admin).await;
    for (path, fields) in &posts {
        for token in ["", "forged-forged-forged-forged"] {
            let mut fields = fields.clone();
            fields.push(("csrf", token.to_string()));
            let (status, _, html) = desk.post_in(path, &fields, "en").await;
            assert_eq!(status, 403, "{path} with {token:?}: {html}");
            assert!(!html.contains('⟦'), "{html}");
        }
    }

    assert_eq!(
        t.app.points(true).await.expect("points"),
        std::slice::from_ref(&p)
    );
    assert_eq!(actions(&t, p.id).await, ["point.saved"]);
}

async fn point_pages_in_both_languages(t: TestApp) {
    let p = add_centre(&t).await;
    let desk = t.desk_login(&t.admin).await;
    for lang in ["bn", "en"] {
        for path in [
            "/admin".to_string(),
            "/admin/points".to_string(),
            "/admin/points?closed=1".to_string(),
            "/admin/points/edit".to_string(),
            format!("/admin/points/edit?id={}", p.id),
        ] {
            let (html, headers) = desk.page(&path, lang).await;
            assert_eq!(
                headers
                    .get("content-language")
                    .and_then(|v| v.to_str().ok()),
                Some(lang),
                "{path}"
            );
            assert!(html.contains("<html lang=\""), "{path}");
        }
    }
    let (html, _) = desk.page("/admin/points", "bn").await;
    assert!(
        html.contains("সেবা কেন্দ্র") && html.contains("কাস্টমার কেয়ার সেন্টার"),
        "{html}"
    );
    let (status, html, _) = desk.get("/admin/points/edit?id=99999", "en").await;
    assert_eq!(status, 404, "{html}");
    assert!(!html.contains('⟦'), "{html}");
}

/// 250 agent points and a centre: the list shows 200 by id and links to the rest; the
/// filters survive the link.
async fn the_list_reads_a_page_at_a_time(t: TestApp) {
    let geo = Geography::bangladesh();
    let agent = |i: usize| seba_locator::points::PointInput {
        kind: "agent_point".into(),
        name_bn: format!("এজেন্ট {i}"),
        name_en: format!("Agent no. {i}."),
        address_bn: "ধানমন্ডি, ঢাকা".into(),
        address_en: "Dhanmondi, Dhaka".into(),
        district: "Dhaka".into(),
        lat: "23.7509".into(),
        lon: format!("{:.4}", 90.3935 + i as f64 * 0.0001),
        services: vec!["cash_in_out".into()],
        hours: "Sa-Th 08:00-22:00".into(),
        ..Default::default()
    };
    let batch = (0..250)
        .map(|i| agent(i).check(geo).expect("valid"))
        .collect();
    t.app
        .add_points(batch, seba_app::cases::Caller::system())
        .await
        .expect("added");
    let centre = add_centre(&t).await;
    let desk = t.desk_login(&t.admin).await;
    let (html, _) = desk.page("/admin/points", "en").await;
    assert_eq!(html.matches("data-row").count(), 200, "{html}");
    assert!(html.contains("Agent no. 0."));
    assert!(!html.contains("Agent no. 200."));
    let next = html
        .split("rel=\"next\"")
        .next()
        .and_then(|h| h.rsplit("href=\"").next())
        .and_then(|h| h.split('"').next())
        .expect("a next link")
        .replace("&amp;", "&");
    let (html, _) = desk.page(&next, "en").await;
    assert_eq!(html.matches("data-row").count(), 51, "{html}");
    assert!(html.contains("Agent no. 249.") && html.contains("Dhanmondi Customer Care Centre"));
    assert!(!html.contains("rel=\"next\""));
    // A filter keeps to itself across pages.
    let (html, _) = desk.page("/admin/points?kind=care_centre", "en").await;
    assert_eq!(html.matches("data-row").count(), 1);
    assert!(html.contains(&format!("data-point=\"{}\"", centre.id)));
    let (html, _) = desk.page("/admin/points?kind=agent_point", "en").await;
    let next = html
        .split("rel=\"next\"")
        .next()
        .and_then(|h| h.rsplit("href=\"").next())
        .and_then(|h| h.split('"').next())
        .expect("a next link");
    assert!(next.contains("kind=agent_point"), "{next}");
}
