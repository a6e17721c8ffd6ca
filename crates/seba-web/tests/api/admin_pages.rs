//! The admin pages as a browser without JavaScript uses them: an admin changes queues,
//! categories, SLA policies, holidays and staff through plain forms, and the JSON API sees
//! the same change; bad input comes back in Bengali or English with nothing changed; a
//! forged form, an agent, an auditor and a stranger change nothing; supervisors reach only
//! SLA policies and holidays.

use serde_json::Value;

use crate::common::{PASSWORD, StaffUser, TestApp, no_redirects};

both_engines! {
    an_admin_changes_settings_through_the_forms =>
        sqlite_an_admin_changes_settings_through_the_forms,
        postgres_an_admin_changes_settings_through_the_forms;
    bad_input_is_explained_in_both_languages_and_changes_nothing =>
        sqlite_bad_input_is_explained_in_both_languages_and_changes_nothing,
        postgres_bad_input_is_explained_in_both_languages_and_changes_nothing;
    forged_forms_change_nothing =>
        sqlite_forged_forms_change_nothing,
        postgres_forged_forms_change_nothing;
    only_admins_and_for_two_pages_supervisors_get_in =>
        sqlite_only_admins_and_for_two_pages_supervisors_get_in,
        postgres_only_admins_and_for_two_pages_supervisors_get_in;
    an_admin_changes_roles_and_disables_accounts =>
        sqlite_an_admin_changes_roles_and_disables_accounts,
        postgres_an_admin_changes_roles_and_disables_accounts;
}

sqlite_only! {
    admin_pages_in_both_languages => sqlite_admin_pages_in_both_languages;
}

/// Every admin page a GET reaches.
const PAGES: &[&str] = &[
    "/admin",
    "/admin/queues",
    "/admin/categories",
    "/admin/sla-policies",
    "/admin/holidays",
    "/admin/staff",
];

/// A valid form for each POST, so a refusal is about who sent it, never about its content.
fn good_forms() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "/admin/queues",
            vec![
                ("code", "intruder_q"),
                ("name_bn", "অনুপ্রবেশ"),
                ("name_en", "Intruder"),
            ],
        ),
        (
            "/admin/categories",
            vec![
                ("code", "intruder"),
                ("name_bn", "অনুপ্রবেশ"),
                ("name_en", "Intruder"),
                ("queue", "hotline"),
            ],
        ),
        (
            "/admin/sla-policies",
            vec![
                ("id", "intruder"),
                ("ack_minutes", "1"),
                ("first_response_minutes", "1"),
                ("resolution_minutes", "1"),
                ("max_calendar_days", "1"),
                ("at_risk_percent", "1"),
            ],
        ),
        (
            "/admin/holidays",
            vec![("year", "2030"), ("days", "2030-01-01 Intruder's day")],
        ),
        (
            "/admin/staff",
            vec![
                ("username", "intruder"),
                ("display_name", "Intruder"),
                ("role", "admin"),
                ("password", "a-long-enough-passphrase"),
            ],
        ),
        // Make the first staff member (the admin) an agent, and disable them.
        (
            "/admin/staff/update",
            vec![("id", "1"), ("role", "agent"), ("disabled", "1")],
        ),
    ]
}

/// What the JSON API shows of everything the admin pages change, to compare before and after.
async fn settings(t: &TestApp) -> Value {
    let taxonomy = t.get(&t.admin, "/api/v1/taxonomy").await;
    let policies = t.get(&t.admin, "/api/v1/admin/sla-policies").await;
    let holidays = t.get(&t.admin, "/api/v1/admin/holidays").await;
    let users = t.get(&t.admin, "/api/v1/admin/users").await;
    serde_json::json!({
        "taxonomy": taxonomy.expect(200),
        "policies": policies.expect(200),
        "holidays": holidays.expect(200),
        "users": users.expect(200),
    })
}

/// The items of a JSON array whose `key` is `value`.
fn find<'a>(list: &'a Value, key: &str, value: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|v| v[key] == value)
}

async fn an_admin_changes_settings_through_the_forms(t: TestApp) {
    let desk = t.desk_login(&t.admin).await;
    let (status, html, _) = desk.get("/admin", "bn").await;
    assert_eq!(status, 200, "{html}");
    for path in &PAGES[1..] {
        assert!(html.contains(&format!("href=\"{path}\"")), "{path}: {html}");
    }

    // A queue: added, listed, on the API, then renamed.
    let (status, html, _) = desk.get("/admin/queues", "bn").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<code>hotline</code>"),
        "the default queues: {html}"
    );
    let (status, location, _) = desk
        .post(
            "/admin/queues",
            &[
                ("code", "g2p_desk"),
                ("name_bn", "জিটুপি ডেস্ক"),
                ("name_en", "G2P desk"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(location, "/admin/queues?saved=g2p_desk");
    let (_, html, _) = desk.get(&location, "bn").await;
    assert!(
        html.contains("জিটুপি ডেস্ক") && html.contains("role=\"status\""),
        "{html}"
    );
    let taxonomy = t.get(&t.agent, "/api/v1/taxonomy").await;
    let q = find(&taxonomy.expect(200)["queues"], "code", "g2p_desk").cloned();
    assert_eq!(q.map(|q| q["name_en"].clone()), Some("G2P desk".into()));

    let (_, html, _) = desk.get("/admin/queues?edit=g2p_desk", "en").await;
    assert!(
        html.contains("name=\"editing\" value=\"g2p_desk\""),
        "{html}"
    );
    assert!(html.contains("readonly"), "the code stays: {html}");
    let (status, _, _) = desk
        .post(
            "/admin/queues",
            &[
                ("editing", "g2p_desk"),
                ("code", "g2p_desk"),
                ("name_bn", "জিটুপি সেবা"),
                ("name_en", "G2P service"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let taxonomy = t.get(&t.agent, "/api/v1/taxonomy").await;
    let q = find(&taxonomy.expect(200)["queues"], "code", "g2p_desk").cloned();
    assert_eq!(q.map(|q| q["name_bn"].clone()), Some("জিটুপি সেবা".into()));
    // An edit saves the row being edited, whatever a doctored code field says.
    let (status, _, _) = desk
        .post(
            "/admin/queues",
            &[
                ("editing", "g2p_desk"),
                ("code", "hotline"),
                ("name_bn", "জিটুপি সেবা ২"),
                ("name_en", "G2P service 2"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let taxonomy = t.get(&t.agent, "/api/v1/taxonomy").await;
    let queues = &taxonomy.expect(200)["queues"];
    assert_eq!(
        find(queues, "code", "g2p_desk").map(|q| &q["name_en"]),
        Some(&"G2P service 2".into())
    );
    assert_ne!(
        find(queues, "code", "hotline").map(|q| &q["name_en"]),
        Some(&"G2P service 2".into())
    );

    // A sub-category under `mfs`, routed to the new queue, shown in the tree.
    let (status, location, _) = desk
        .post(
            "/admin/categories",
            &[
                ("code", "mfs.g2p_allowance"),
                ("name_bn", "ভাতা পাইনি"),
                ("name_en", "Allowance not received"),
                ("queue", "g2p_desk"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(location, "/admin/categories?saved=mfs.g2p_allowance");
    let taxonomy = t.get(&t.agent, "/api/v1/taxonomy").await;
    let c = find(
        &taxonomy.expect(200)["categories"],
        "code",
        "mfs.g2p_allowance",
    )
    .cloned();
    let c = c.expect("the new category on the API");
    assert_eq!(
        (c["parent"].as_str(), c["queue"].as_str()),
        (Some("mfs"), Some("g2p_desk"))
    );
    let (_, html, _) = desk.get("/admin/categories", "bn").await;
    let row = html
        .split("<tr class=\"child\">")
        .find(|r| r.contains("mfs.g2p_allowance"))
        .unwrap_or_default();
    assert!(
        row.contains("ভাতা পাইনি") && row.contains("জিটুপি সেবা"),
        "{html}"
    );
    // A new case may use it at once.
    let case = t
        .create_case(
            &t.agent,
            &serde_json::json!({
                "channel": "hotline", "category": "mfs.g2p_allowance", "body": "ভাতা আসেনি",
                "requester": { "msisdn": "01712345678" },
            }),
        )
        .await;
    assert_eq!(case["queue"], "g2p_desk", "{case}");

    // An SLA policy, typed in Bengali digits.
    let (status, location, _) = desk
        .post(
            "/admin/sla-policies",
            &[
                ("id", "g2p_urgent"),
                ("category", "mfs.g2p_allowance"),
                ("priority", "urgent"),
                ("ack_minutes", "৩০"),
                ("first_response_minutes", "৬০"),
                ("resolution_minutes", "৯৬০"),
                ("max_calendar_days", "১০"),
                ("at_risk_percent", "২৫"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(location, "/admin/sla-policies?saved=g2p_urgent");
    let policies = t.get(&t.admin, "/api/v1/admin/sla-policies").await;
    let p = find(policies.expect(200), "id", "g2p_urgent").cloned();
    let p = p.expect("the policy on the API");
    assert_eq!(p["ack_minutes"], 30);
    assert_eq!(p["resolution_minutes"], 960);
    assert_eq!(p["priority"], "urgent");
    assert_eq!(p["at_risk_percent"], 25);
    let (_, html, _) = desk.get("/admin/sla-policies", "bn").await;
    assert!(
        html.contains("১৬ ঘণ্টা") && html.contains("৩০ মিনিট"),
        "{html}"
    );
    let (_, html, _) = desk.get("/admin/sla-policies?edit=g2p_urgent", "bn").await;
    assert!(html.contains("value=\"৯৬০\""), "{html}");

    // A year's holidays, one written with Bengali digits, one without an English name.
    let (status, location, _) = desk
        .post(
            "/admin/holidays",
            &[
                ("year", "২০২৭"),
                (
                    "days",
                    "২০২৭-০২-২১ শহীদ দিবস | Language Martyrs' Day\r\n\r\n# a comment\r\n2027-03-26 স্বাধীনতা দিবস\r\n",
                ),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(location, "/admin/holidays?year=2027&saved=2027");
    let holidays = t.get(&t.admin, "/api/v1/admin/holidays").await;
    let list = holidays.expect(200);
    let feb = find(list, "date", "2027-02-21")
        .cloned()
        .expect("21 February");
    assert_eq!(feb["name_en"], "Language Martyrs' Day");
    assert_eq!(feb["name_bn"], "শহীদ দিবস");
    let mar = find(list, "date", "2027-03-26").cloned().expect("26 March");
    assert_eq!(mar["name_en"], "স্বাধীনতা দিবস");
    let (_, html, _) = desk.get(&location, "bn").await;
    assert!(
        html.contains("২০২৭-০২-২১ শহীদ দিবস | Language Martyrs' Day\n২০২৭-০৩-২৬ স্বাধীনতা দিবস"),
        "the year's form is filled: {html}"
    );
    // Setting the year again replaces it.
    let (status, _, _) = desk
        .post(
            "/admin/holidays",
            &[
                ("year", "2027"),
                ("days", "2027-12-16 বিজয় দিবস | Victory Day"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let holidays = t.get(&t.admin, "/api/v1/admin/holidays").await;
    let dates: Vec<&str> = holidays
        .expect(200)
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["date"].as_str())
        .filter(|d| d.starts_with("2027"))
        .collect();
    assert_eq!(dates, ["2027-12-16"]);

    // A staff member with a role and an initial password, who can then log in.
    let (status, location, _) = desk
        .post(
            "/admin/staff",
            &[
                ("username", "Salma.K"),
                ("display_name", "সালমা খাতুন"),
                ("role", "supervisor"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(location, "/admin/staff?saved=salma.k");
    let (_, html, _) = desk.get("/admin/staff", "bn").await;
    assert!(
        html.contains("সালমা খাতুন") && html.contains("সুপারভাইজার"),
        "{html}"
    );
    assert!(
        !html.contains("argon2") && !html.contains(PASSWORD),
        "no secrets: {html}"
    );
    let users = t.get(&t.admin, "/api/v1/admin/users").await;
    let u = find(users.expect(200), "username", "salma.k").cloned();
    let u = u.expect("the new user on the API");
    assert_eq!(u["role"], "supervisor");
    let salma = StaffUser {
        id: seba_core::ids::UserId(u["id"].as_i64().unwrap_or_default()),
        username: "salma.k",
        token: String::new(),
    };
    let theirs = t.desk_login(&salma).await;
    let (status, _, _) = theirs.get("/admin/sla-policies", "bn").await;
    assert_eq!(status, 200, "a supervisor now");
}

async fn bad_input_is_explained_in_both_languages_and_changes_nothing(t: TestApp) {
    let desk = t.desk_login(&t.admin).await;
    let before = settings(&t).await;
    // (path, fields, what the Bengali page says, what the English page says)
    type BadForm<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<BadForm<'_>> = vec![
        (
            "/admin/queues",
            vec![("code", "Bad Code!"), ("name_bn", ""), ("name_en", "Bad")],
            "শুধু a–z",
            "use only a–z",
        ),
        (
            "/admin/queues",
            vec![
                ("code", "hotline"),
                ("name_bn", "দখল"),
                ("name_en", "Taken over"),
            ],
            "আগে থেকেই আছে",
            "already exists",
        ),
        (
            "/admin/categories",
            vec![
                ("code", "nowhere.child"),
                ("name_bn", "শিশু"),
                ("name_en", "Child"),
                ("queue", "hotline"),
            ],
            "মূল বিভাগ nowhere নেই",
            "no parent category nowhere",
        ),
        (
            "/admin/categories",
            vec![
                ("code", "a.b.c"),
                ("name_bn", "তিন"),
                ("name_en", "Three"),
                ("queue", "no_such_queue"),
            ],
            "দুই স্তরের",
            "two levels",
        ),
        (
            "/admin/sla-policies",
            vec![
                ("id", "broken"),
                ("priority", "someday"),
                ("ack_minutes", "0"),
                ("first_response_minutes", "ten"),
                ("resolution_minutes", "60"),
                ("max_calendar_days", "৪০০"),
                ("at_risk_percent", "20"),
            ],
            "১ থেকে ৩৬৫ এর মধ্যে",
            "from 1 to 365",
        ),
        (
            "/admin/holidays",
            vec![
                ("year", "2027"),
                (
                    "days",
                    "2027-13-01 Nowhere day\n2026-12-16 বিজয় দিবস\n2027-02-21\n2027-05-01 মে দিবস\n২০২৭-০৫-০১ মে দিবস",
                ),
            ],
            "লাইন ১: তারিখ",
            "Line 5: this date is already listed",
        ),
        (
            "/admin/holidays",
            vec![("year", "1999"), ("days", "")],
            "২০০০ থেকে ২১০০",
            "from 2000 to 2100",
        ),
        (
            "/admin/staff",
            vec![
                ("username", "rafiq"),
                ("display_name", "রফিক"),
                ("role", "agent"),
                ("password", "short-pw"),
            ],
            "পাসওয়ার্ড দুর্বল",
            "Password too weak",
        ),
        (
            "/admin/staff",
            vec![
                ("username", "agent"),
                ("display_name", "Another agent"),
                ("role", "agent"),
                ("password", "a-long-enough-passphrase"),
            ],
            "আগে থেকেই আছে",
            "Already exists",
        ),
        (
            "/admin/staff",
            vec![
                ("username", ""),
                ("display_name", "Nobody"),
                ("role", "overlord"),
                ("password", "a-long-enough-passphrase"),
            ],
            "ব্যবহারকারীর নাম দিতে হবে",
            "Role: choose one from the list",
        ),
    ];
    for (path, fields, bn, en) in &cases {
        for (lang, says) in [("bn", bn), ("en", en)] {
            let (status, _, html) = desk.post_in(path, fields, lang).await;
            assert_eq!(status, 422, "{path} {fields:?} in {lang}: {html}");
            assert!(html.contains("role=\"alert\""), "{html}");
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{html}");
            assert!(
                html.contains(*says),
                "{path} in {lang} should say {says:?}: {html}"
            );
            assert!(!html.contains('⟦'), "{html}");
            // What was typed comes back, except a password.
            for (k, v) in fields {
                if *k == "password" {
                    assert!(
                        !html.contains(&format!("value=\"{v}\"")),
                        "the password echoed"
                    );
                } else if *k != "days"
                    && *k != "priority"
                    && *k != "role"
                    && *k != "queue"
                    && !v.is_empty()
                {
                    assert!(html.contains(&format!("value=\"{v}\"")), "{k} kept: {html}");
                }
            }
        }
    }
    assert_eq!(settings(&t).await, before, "nothing changed");
}

async fn forged_forms_change_nothing(t: TestApp) {
    let desk = t.desk_login(&t.admin).await;
    let before = settings(&t).await;
    for (path, fields) in good_forms() {
        for token in ["", "forged-forged-forged-forged"] {
            let mut fields = fields.clone();
            fields.push(("csrf", token));
            let (status, _, html) = desk.post_in(path, &fields, "en").await;
            assert_eq!(status, 403, "{path} with {token:?}: {html}");
            assert!(!html.contains('⟦'), "{html}");
        }
        // No field at all.
        let res = no_redirects()
            .post(format!("{}{path}", t.base))
            .header("cookie", &desk.cookie)
            .form(&fields)
            .send()
            .await
            .expect("a POST");
        assert_eq!(res.status().as_u16(), 403, "{path} without a token");
    }
    assert_eq!(settings(&t).await, before, "nothing changed");
}

async fn only_admins_and_for_two_pages_supervisors_get_in(t: TestApp) {
    let before = settings(&t).await;
    // Agents and auditors: 403 on every page and every form, even a good one.
    for who in [&t.agent, &t.auditor] {
        let desk = t.desk_login(who).await;
        for path in PAGES {
            let (status, html, _) = desk.get(path, "bn").await;
            assert_eq!(status, 403, "{} GET {path}", who.username);
            assert!(!html.contains("name=\"editing\""), "no form shown: {html}");
        }
        for (path, fields) in good_forms() {
            let (status, _, _) = desk.post(path, &fields).await;
            assert_eq!(status, 403, "{} POST {path}", who.username);
        }
        let (_, inbox, _) = desk.get("/agent", "bn").await;
        assert!(!inbox.contains("href=\"/admin\""), "no way in is shown");
    }
    // A stranger is sent to log in, and back to the page afterwards.
    for path in PAGES {
        let res = no_redirects()
            .get(format!("{}{path}", t.base))
            .send()
            .await
            .expect("a GET");
        assert_eq!(res.status().as_u16(), 303, "{path}");
        let location = res.headers().get("location").and_then(|v| v.to_str().ok());
        assert_eq!(
            location.map(|l| l.starts_with("/agent/login?next=/admin")),
            Some(true),
            "{path}: {location:?}"
        );
    }
    for (path, fields) in good_forms() {
        let res = no_redirects()
            .post(format!("{}{path}", t.base))
            .form(&fields)
            .send()
            .await
            .expect("a POST");
        assert_eq!(res.status().as_u16(), 303, "{path}");
        let location = res.headers().get("location").and_then(|v| v.to_str().ok());
        assert!(
            location.is_some_and(|l| l.starts_with("/agent/login")),
            "{path}: {location:?}"
        );
    }
    // A bearer token is not a desk session.
    let res = no_redirects()
        .get(format!("{}/admin/queues", t.base))
        .bearer_auth(&t.admin.token)
        .send()
        .await
        .expect("a GET");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(settings(&t).await, before, "nothing changed");

    // Supervisors: SLA policies and holidays (the role table gives them those), nothing else.
    let desk = t.desk_login(&t.supervisor).await;
    let (status, html, _) = desk.get("/admin", "en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("href=\"/admin/sla-policies\"") && html.contains("href=\"/admin/holidays\"")
    );
    for path in ["/admin/queues", "/admin/categories", "/admin/staff"] {
        assert!(
            !html.contains(&format!("href=\"{path}\"")),
            "{path} offered: {html}"
        );
        let (status, _, _) = desk.get(path, "en").await;
        assert_eq!(status, 403, "{path}");
    }
    for (path, fields) in good_forms() {
        let (status, _, _) = desk.post(path, &fields).await;
        let expected = if path == "/admin/sla-policies" || path == "/admin/holidays" {
            303
        } else {
            403
        };
        assert_eq!(status, expected, "supervisor POST {path}");
    }
    let after = settings(&t).await;
    assert_eq!(after["taxonomy"], before["taxonomy"]);
    assert_eq!(after["users"], before["users"]);
    assert!(find(&after["policies"], "id", "intruder").is_some());
    assert!(find(&after["holidays"], "date", "2030-01-01").is_some());
}

async fn admin_pages_in_both_languages(t: TestApp) {
    let desk = t.desk_login(&t.admin).await;
    desk.post(
        "/admin/holidays",
        &[
            ("year", "2026"),
            ("days", "2026-12-16 বিজয় দিবস | Victory Day"),
        ],
    )
    .await;
    let mut paths: Vec<String> = PAGES.iter().map(|p| p.to_string()).collect();
    paths.extend([
        "/admin/queues?edit=hotline".into(),
        "/admin/categories?edit=mfs.wrong_transfer".into(),
        "/admin/holidays?year=2026".into(),
        "/admin/queues?saved=hotline".into(),
    ]);
    let policies = t.get(&t.admin, "/api/v1/admin/sla-policies").await;
    if let Some(id) = policies.expect(200)[0]["id"].as_str() {
        paths.push(format!("/admin/sla-policies?edit={id}"));
    }
    for path in &paths {
        for lang in ["bn", "en"] {
            let (html, headers) = desk.page(path, lang).await;
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{path}");
            assert_eq!(
                headers
                    .get("content-language")
                    .and_then(|v| v.to_str().ok()),
                Some(lang)
            );
            if lang == "bn" {
                assert!(html.contains("প্রশাসন"), "{path}");
            } else {
                assert!(html.contains("Administration"), "{path}");
            }
        }
    }
    let (_, html, _) = desk.get("/admin/holidays?year=2026", "bn").await;
    assert!(
        html.contains("২০২৬-১২-১৬"),
        "dates in Bengali digits: {html}"
    );
    let (_, html, _) = desk.get("/admin/holidays?year=2026", "en").await;
    assert!(html.contains("2026-12-16"), "{html}");
}

async fn an_admin_changes_roles_and_disables_accounts(t: TestApp) {
    let admin = t.desk_login(&t.admin).await;
    let agent2 = t.desk_login(&t.agent2).await;
    let (status, _, _) = agent2.get("/supervisor", "en").await;
    assert_eq!(status, 403, "an agent to begin with");

    // Promote: the change applies to the live session at its next page.
    let id = t.agent2.id.0.to_string();
    let (status, location, _) = admin
        .post(
            "/admin/staff/update",
            &[("id", &id), ("role", "supervisor")],
        )
        .await;
    assert_eq!(status, 303, "{location}");
    let (status, _, _) = agent2.get("/supervisor", "en").await;
    assert_eq!(status, 200, "a supervisor now");

    // Disable: the session ends at once, and the password no longer logs in.
    let (status, _, _) = admin
        .post(
            "/admin/staff/update",
            &[("id", &id), ("role", "supervisor"), ("disabled", "1")],
        )
        .await;
    assert_eq!(status, 303);
    let (status, _, _) = agent2.get("/agent", "en").await;
    assert_eq!(status, 303, "logged out");
    let (_, html, _) = admin.get("/admin/staff", "en").await;
    assert!(html.contains("Disabled"), "{html}");
    let login = t
        .http
        .post(format!("{}/api/v1/auth/login", t.base))
        .json(&serde_json::json!({ "username": t.agent2.username, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        login.status().as_u16(),
        401,
        "a disabled account cannot log in"
    );
    let events = t.audit_events(&format!("user:{id}")).await;
    let updates = events.iter().filter(|e| e.action == "user.updated").count();
    assert_eq!(updates, 2, "both changes audited");

    // No admin demotes or disables themselves, even with a crafted form.
    let (_, page, _) = admin.get("/admin/staff", "en").await;
    let own = format!("name=\"id\" value=\"{}\"", t.admin.id.0);
    assert!(!page.contains(&own), "no form on one's own row");
    let me = t.admin.id.0.to_string();
    let (status, _, body) = admin
        .post_in(
            "/admin/staff/update",
            &[("id", me.as_str()), ("role", "agent"), ("disabled", "1")],
            "en",
        )
        .await;
    assert_eq!(status, 422);
    assert!(body.contains("cannot change your own role"), "{body}");
    let (status, _, _) = admin.get("/admin/staff", "en").await;
    assert_eq!(status, 200, "still an admin");
    // An unknown member or role.
    let (status, _, body) = admin
        .post(
            "/admin/staff/update",
            &[("id", "999999"), ("role", "agent")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, _, _) = admin
        .post("/admin/staff/update", &[("id", &id), ("role", "overlord")])
        .await;
    assert_eq!(status, 422);
}
