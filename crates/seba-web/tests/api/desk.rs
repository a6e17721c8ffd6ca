//! The agent's desk as a browser without JavaScript uses it: login, inboxes, the case
//! page and its forms (take, reply, note, tags, move, merge), search, CSV export; and what
//! it refuses — strangers, forged forms, stale versions, work beyond the role.

use serde_json::Value;

use crate::common::{TestApp, case_body, number};

both_engines! {
    an_agent_works_a_case_from_the_desk => sqlite_an_agent_works_a_case_from_the_desk, postgres_an_agent_works_a_case_from_the_desk;
    the_desk_refuses_strangers_forgeries_and_stale_forms => sqlite_the_desk_refuses_strangers_forgeries_and_stale_forms, postgres_the_desk_refuses_strangers_forgeries_and_stale_forms;
}

sqlite_only! {
    inboxes_page_and_export => sqlite_inboxes_page_and_export;
    search_from_the_desk => sqlite_search_from_the_desk;
    desk_pages_in_both_languages => sqlite_desk_pages_in_both_languages;
    login_form_says_what_went_wrong => sqlite_login_form_says_what_went_wrong;
    the_dashboard_is_for_supervisors => sqlite_the_dashboard_is_for_supervisors;
}

async fn detail(t: &TestApp, number: &str) -> Value {
    t.case_detail(number).await.0
}

fn version_on(html: &str) -> String {
    crate::common::hidden_field(html, "version")
}

async fn an_agent_works_a_case_from_the_desk(t: TestApp) {
    let case = t
        .create_case(
            &t.supervisor,
            &case_body("01712345678", "ভুল নম্বরে ৫০০০ টাকা চলে গেছে"),
        )
        .await;
    let n = number(&case);
    let desk = t.desk_login(&t.agent).await;

    // Unassigned, so the agent's "unassigned" inbox shows it, "mine" does not.
    let (status, html, headers) = desk.get("/agent?view=unassigned", "bn").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&seba_core::text::bengali_digits(&n)),
        "{html}"
    );
    let csp = headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    let (_, mine, _) = desk.get("/agent?view=mine", "en").await;
    assert!(!mine.contains(&n), "not yet mine");

    // Take it.
    let path = format!("/agent/cases/{n}");
    let (status, page, _) = desk.get(&path, "en").await;
    assert_eq!(status, 200);
    assert!(page.contains("ভুল নম্বরে"), "the thread is shown");
    let (status, location, _) = desk
        .post(
            &format!("{path}/assign"),
            &[
                ("version", &version_on(&page)),
                ("assignee", &t.agent.id.0.to_string()),
                ("queue", "hotline"),
            ],
        )
        .await;
    assert_eq!(status, 303, "taken");
    assert!(
        location.starts_with("/agent/cases/") && location.contains("done=assigned"),
        "{location}"
    );
    let d = detail(&t, &n).await;
    assert_eq!(d["case"]["assignee"], t.agent.id.0);
    let (_, mine, _) = desk.get("/agent?view=mine", "en").await;
    assert!(mine.contains(&n), "now in my inbox");

    // Reply, sent twice with the same form key: one reply, delivered through the outbox.
    let (_, page, _) = desk.get(&path, "en").await;
    let key = crate::common::hidden_field(
        page.split("name=\"kind\" value=\"reply\"")
            .nth(1)
            .unwrap_or_default(),
        "key",
    );
    assert!(key.len() >= 16, "the reply form has a key");
    for _ in 0..2 {
        let (status, location, _) = desk
            .post(
                &format!("{path}/message"),
                &[
                    ("kind", "reply"),
                    ("key", &key),
                    ("body", "আপনার টাকা ফেরতের প্রক্রিয়া শুরু হয়েছে।"),
                ],
            )
            .await;
        assert_eq!(status, 303);
        assert!(location.contains("done=reply"), "{location}");
    }
    let d = detail(&t, &n).await;
    let replies: Vec<&Value> = d["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "reply")
        .collect();
    assert_eq!(replies.len(), 1, "a double submit adds one reply");
    t.wait_outbox("the reply for the customer", |r| r.topic == "message.reply")
        .await;

    // A duplicate merged into the original.
    let dup = number(
        &t.create_case(&t.supervisor, &case_body("01712345678", "আবার: ভুল নম্বরে টাকা"))
            .await,
    );
    let (_, page, _) = desk.get(&format!("/agent/cases/{dup}"), "bn").await;
    assert!(
        page.contains("রহিম") || page.contains(&seba_core::text::bengali_digits(&n)),
        "the customer's other case is listed"
    );
    let bengali_number = seba_core::text::bengali_digits(&n);
    let (status, _, body) = desk
        .post(
            &format!("/agent/cases/{dup}/merge"),
            &[("version", &version_on(&page)), ("into", &bengali_number)],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    let d = detail(&t, &dup).await;
    assert_eq!(d["case"]["status"], "merged");

    // A note, tags, then resolve.
    let (status, _, _) = desk
        .post(
            &format!("{path}/message"),
            &[
                ("kind", "note"),
                ("key", "note-key-0000000001"),
                ("body", "গ্রাহক দুপুরে আবার ফোন করবেন"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page, _) = desk.get(&path, "en").await;
    assert!(page.contains("internal note"), "notes are marked");
    let (status, _, _) = desk
        .post(
            &format!("{path}/tags"),
            &[("version", &version_on(&page)), ("tags", "refund, vip")],
        )
        .await;
    assert_eq!(status, 303);
    let d = detail(&t, &n).await;
    assert_eq!(d["case"]["tags"], serde_json::json!(["refund", "vip"]));
    let (_, page, _) = desk.get(&path, "en").await;
    assert!(page.contains("id=\"resolve-case\""), "resolve is offered");
    let (status, location, _) = desk
        .post(
            &format!("{path}/transition"),
            &[("version", &version_on(&page)), ("action", "resolve")],
        )
        .await;
    assert_eq!(status, 303, "{location}");
    let d = detail(&t, &n).await;
    assert_eq!(d["case"]["status"], "resolved");
}

async fn the_desk_refuses_strangers_forgeries_and_stale_forms(t: TestApp) {
    let n = number(
        &t.create_case(&t.supervisor, &case_body("01812345678", "পিন লক হয়ে গেছে"))
            .await,
    );
    let path = format!("/agent/cases/{n}");

    // No session: to the login form, and back here afterwards.
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/agent/login?next=/agent/cases/"),
        "{location}"
    );

    let desk = t.desk_login(&t.agent).await;
    let (_, page, _) = desk.get(&path, "en").await;
    let version = version_on(&page);

    // A forged form (no or wrong token): 403, nothing changes.
    for csrf in ["", "not-the-token-at-all-0000"] {
        let (status, _, body) = desk
            .post(
                &format!("{path}/transition"),
                &[("csrf", csrf), ("version", &version), ("action", "resolve")],
            )
            .await;
        assert_eq!(status, 403, "{body}");
    }
    assert_eq!(detail(&t, &n).await["case"]["status"], "new");

    // Handing a case to someone else is a supervisor's job.
    let (status, _, _) = desk
        .post(
            &format!("{path}/assign"),
            &[
                ("version", &version),
                ("assignee", &t.agent2.id.0.to_string()),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert!(detail(&t, &n).await["case"]["assignee"].is_null());

    // Someone changes the case meanwhile: the old form is refused with a 409 page that
    // shows the case as it is now.
    t.transition(&t.supervisor, &n, "open", None)
        .await
        .expect(200);
    let (status, _, body) = desk
        .post(
            &format!("{path}/tags"),
            &[("version", &version), ("tags", "stale")],
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("Someone changed this case") || body.contains("অন্য কেউ"));
    assert!(
        detail(&t, &n).await["case"]["tags"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );

    // An unknown case number, and one that is not a case number at all.
    let (status, _, _) = desk.get("/agent/cases/12345", "en").await;
    assert_eq!(status, 404);

    // An auditor reads but cannot reply.
    let auditor = t.desk_login(&t.auditor).await;
    let (status, page, _) = auditor.get(&path, "en").await;
    assert_eq!(status, 200);
    assert!(!page.contains("reply-body"), "no reply form for auditors");
    let (status, _, _) = auditor
        .post(
            &format!("{path}/message"),
            &[
                ("kind", "reply"),
                ("key", "k-auditor-000001"),
                ("body", "hello"),
            ],
        )
        .await;
    assert_eq!(status, 403);

    // Logging out ends the session.
    let (status, _, _) = desk.post("/agent/logout", &[]).await;
    assert_eq!(status, 303);
    let (status, _, _) = desk.get("/agent", "en").await;
    assert_eq!(status, 303, "the old cookie no longer works");
}

async fn inboxes_page_and_export(t: TestApp) {
    for i in 0..55 {
        let text = if i == 0 {
            "=HYPERLINK(\"http://evil\") টাকা কেটে নিয়েছে".to_string()
        } else {
            format!("অভিযোগ নম্বর {i}: ক্যাশ আউট চার্জ বেশি কেটেছে")
        };
        t.create_case(&t.supervisor, &case_body("01912345678", &text))
            .await;
    }
    let desk = t.desk_login(&t.agent).await;
    let (status, first, _) = desk.get("/agent?view=all", "en").await;
    assert_eq!(status, 200);
    assert_eq!(first.matches("data-row").count(), 50, "50 a page");
    let older = first
        .split("href=\"/agent?view=all&amp;before=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an Older link")
        .to_string();
    let (_, second, _) = desk
        .get(&format!("/agent?view=all&before={older}"), "en")
        .await;
    assert_eq!(second.matches("data-row").count(), 5);
    let (status, _, _) = desk.get("/agent?view=nonsense", "en").await;
    assert_eq!(status, 404);

    // Sixty days on, all 55 are overdue: the breached view pages through them by deadline.
    t.clock.advance(jiff::SignedDuration::from_hours(24 * 60));
    let (status, _, _) = desk.get("/agent", "en").await;
    assert_eq!(status, 303, "the session has lapsed meanwhile");
    let desk = t.desk_login(&t.agent).await;
    let (status, first, _) = desk.get("/agent?view=breached", "en").await;
    assert_eq!(status, 200);
    assert_eq!(first.matches("data-row").count(), 50);
    let next = first
        .split("href=\"/agent?view=breached&amp;after=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a Next link")
        .to_string();
    let (_, second, _) = desk
        .get(&format!("/agent?view=breached&after={next}"), "en")
        .await;
    assert_eq!(
        second.matches("data-row").count(),
        5,
        "the rest, none twice"
    );
    let numbers = |html: &str| -> Vec<String> {
        html.split("href=\"/agent/cases/")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(str::to_string)
            .collect()
    };
    let mut all: Vec<String> = numbers(&first);
    all.extend(numbers(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 55);
    let (_, at_risk, _) = desk.get("/agent?view=at_risk", "en").await;
    assert_eq!(
        at_risk.matches("data-row").count(),
        0,
        "overdue is not at risk"
    );

    let res = reqwest::Client::new()
        .get(format!("{}/agent/export.csv?view=all", t.base))
        .header("cookie", &desk.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = res.text().await.unwrap();
    assert!(
        body.starts_with('\u{FEFF}'),
        "a BOM for spreadsheet programs"
    );
    let rows: Vec<&str> = body.lines().collect();
    assert!(rows[0].contains("number") && rows[0].contains("sla_state"));
    assert_eq!(rows.len(), 56, "the header and all 55 cases");
    assert!(
        !body.contains("\n=HYPERLINK") && !body.contains(",=HYPERLINK"),
        "a formula is never a live cell"
    );
    assert!(body.contains("'=HYPERLINK"));
}

async fn search_from_the_desk(t: TestApp) {
    let n = number(
        &t.create_case(
            &t.supervisor,
            &case_body("01612345678", "বিকাশ পিন ভুলে গেছি, একাউন্ট লক"),
        )
        .await,
    );
    let desk = t.desk_login(&t.agent).await;
    // The index follows the outbox; wait until the case is findable.
    let mut found = String::new();
    for _ in 0..100 {
        let (status, html, _) = desk.get("/agent/search?q=bkash+pin", "en").await;
        assert_eq!(status, 200);
        if html.contains(&n) {
            found = html;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(found.contains("<b>"), "matches highlighted: {found}");
    assert!(
        found.contains("/agent/search.csv?q="),
        "the hits can be downloaded"
    );
    let res = reqwest::Client::new()
        .get(format!("{}/agent/search.csv?q=bkash+pin", t.base))
        .header("cookie", &desk.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{FEFF}') && csv.contains(&n), "{csv}");
    let (_, html, _) = desk.get("/agent/search?q=%FF", "en").await;
    assert!(html.contains("cannot be searched"), "{html}");
}

async fn desk_pages_in_both_languages(t: TestApp) {
    let n = number(
        &t.create_case(&t.supervisor, &case_body("01712345678", "টাকা"))
            .await,
    );
    let desk = t.desk_login(&t.admin).await;
    for path in [
        "/agent".to_string(),
        "/agent?view=unassigned".into(),
        "/agent?view=at_risk".into(),
        "/agent?view=breached".into(),
        "/agent?view=pending".into(),
        "/agent?view=queue&queue=hotline".into(),
        "/agent/search".into(),
        "/agent/search?q=taka".into(),
        format!("/agent/cases/{n}"),
    ] {
        for lang in ["bn", "en"] {
            let (status, html, _) = desk.get(&path, lang).await;
            assert_eq!(status, 200, "{path} in {lang}");
            assert!(
                !html.contains('⟦'),
                "a missing text on {path} in {lang}: {html}"
            );
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{path}");
        }
    }
}

async fn login_form_says_what_went_wrong(t: TestApp) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .get(format!("{}/agent/login?next=//evil.example", t.base))
        .send()
        .await
        .unwrap();
    let cookie = crate::common::cookie_pair(&res, "seba_form").unwrap();
    let html = res.text().await.unwrap();
    assert!(!html.contains("evil.example"), "never back to another site");
    let csrf = crate::common::hidden_field(&html, "csrf");
    let post = |password: &'static str, csrf: String| {
        client
            .post(format!("{}/agent/login", t.base))
            .header("cookie", &cookie)
            .header("accept-language", "bn")
            .form(&[
                ("username", "agent"),
                ("password", password),
                ("csrf", csrf.as_str()),
                ("next", "/agent"),
            ])
            .send()
    };
    let res = post("wrong-password", csrf.clone()).await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let html = res.text().await.unwrap();
    assert!(html.contains("পাসওয়ার্ড ভুল"), "{html}");
    assert!(html.contains("value=\"agent\""), "the username is kept");
    let res = post(crate::common::PASSWORD, "forged".into())
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403, "a login form from elsewhere");
    assert!(crate::common::cookie_pair(&res, "seba_session").is_none());
}

async fn the_dashboard_is_for_supervisors(t: TestApp) {
    for text in ["ক্যাশ আউট", "wrong number", "পিন লক"] {
        t.create_case(&t.supervisor, &case_body("01712345678", text))
            .await;
    }
    let supervisor = t.desk_login(&t.supervisor).await;
    for lang in ["bn", "en"] {
        let (status, html, _) = supervisor.get("/supervisor", lang).await;
        assert_eq!(status, 200);
        assert!(!html.contains('⟦'), "{html}");
        assert!(html.matches("<svg").count() >= 5, "the charts are drawn");
        assert!(html.contains("role=\"img\""), "charts are labelled images");
    }
    let (_, html, _) = supervisor.get("/supervisor", "bn").await;
    assert!(html.contains("হটলাইন"), "the channel legend is in Bengali");
    let (status, html, _) = supervisor.get("/supervisor?from=2026-13-45", "en").await;
    assert_eq!(status, 422);
    assert!(html.contains("is not a date"), "{html}");
    let (status, _, _) = supervisor
        .get("/supervisor?from=২০২৬-১১-০১&to=২০২৬-১১-৩০", "en")
        .await;
    assert_eq!(status, 200, "dates in Bengali digits");

    for who in [&t.agent, &t.auditor] {
        let desk = t.desk_login(who).await;
        let (status, html, _) = desk.get("/supervisor", "en").await;
        assert_eq!(status, 403, "{} may not see the dashboard", who.username);
        assert!(!html.contains("<svg"));
    }
}
