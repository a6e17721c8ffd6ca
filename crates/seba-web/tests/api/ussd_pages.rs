//! The USSD channel on the staff desk: the simulator (`/agent/ussd`) walked through its
//! forms as a browser without scripts does — dial, answer, the final screen, a wrong
//! answer told and asked again, who may use it, forged forms and sessions refused — and
//! the USSD panel of the supervisor's dashboard counting sessions by menu and outcome.

use jiff::SignedDuration;

use crate::common::{DeskSession, TestApp, hidden_field};

both_engines! {
    the_simulator_walks_real_sessions =>
        sqlite_ussd_pages_simulator_walks, postgres_ussd_pages_simulator_walks;
    the_dashboard_counts_ussd_sessions =>
        sqlite_ussd_pages_dashboard_counts, postgres_ussd_pages_dashboard_counts;
}

sqlite_only! {
    the_simulator_is_for_staff_who_work_cases => sqlite_ussd_pages_who_may_simulate;
}

const SIM: &str = "/agent/ussd";
const NUMBER: &str = "01700000001";

/// Undo maud's escaping of a text.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The phone's screen on a simulator page.
pub fn screen(html: &str) -> String {
    let text = html
        .split("<pre class=\"ussd-text\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("no screen on the page: {html}"));
    unescape(text)
}

/// Whether the page offers an answer (the session is open).
fn open(html: &str) -> bool {
    html.contains("id=\"send-form\"")
}

/// Dial *247# from `number`: status and page.
async fn dial(desk: &DeskSession, number: &str, lang: &str) -> (u16, String) {
    let (status, _, html) = desk
        .post_in(SIM, &[("action", "dial"), ("msisdn", number)], lang)
        .await;
    (status, html)
}

/// Answer `input` on the page `html` (its hidden fields carry the session).
async fn send(desk: &DeskSession, html: &str, input: &str, lang: &str) -> (u16, String) {
    assert!(open(html), "no session to answer in: {html}");
    let fields = [
        ("action", "send".to_string()),
        ("msisdn", hidden_field(html, "msisdn")),
        ("session", hidden_field(html, "session")),
        ("text", unescape(&hidden_field(html, "text"))),
        ("input", input.to_string()),
    ];
    let (status, _, html) = desk.post_in(SIM, &fields, lang).await;
    (status, html)
}

async fn the_simulator_walks_real_sessions(t: TestApp) {
    let agent = t.desk_login(&t.agent).await;
    for lang in ["bn", "en"] {
        let (html, headers) = agent.page(SIM, lang).await;
        assert!(html.contains("href=\"/agent/ussd\""), "the desk links it");
        assert!(
            html.contains(&format!("value=\"{NUMBER}\"")),
            "a demo number: {html}"
        );
        assert!(html.contains("*247#"), "{html}");
        assert!(!open(&html), "nothing dialled yet");
        assert!(!html.contains("<script>"), "no inline script");
        assert_eq!(
            crate::common::header_text(&headers, "cache-control"),
            "no-store"
        );
    }

    // Dial, then 6: the hotline, and the session is over.
    let (status, home) = dial(&agent, NUMBER, "bn").await;
    assert_eq!(status, 200, "{home}");
    assert!(!home.contains('⟦'), "{home}");
    let first = hidden_field(&home, "session");
    assert!(first.starts_with("seba-sim-"), "{first}");
    let menu = screen(&home);
    assert!(
        menu.contains("পিন রিসেট") && menu.contains('\n'),
        "the menu in Bengali, a line each: {menu}"
    );
    assert!(open(&home));
    let (status, hotline) = send(&agent, &home, "6", "bn").await;
    assert_eq!(status, 200, "{hotline}");
    let last = screen(&hotline);
    assert!(last.contains("16247"), "{last}");
    assert!(!open(&hotline), "an END screen takes no answer: {hotline}");
    assert!(hotline.contains("id=\"ended\""), "{hotline}");
    assert!(hotline.contains("END "), "the gateway's body: {hotline}");
    let record = t
        .app
        .store
        .ussd_session(&format!("at:{first}"))
        .await
        .expect("the store")
        .expect("the session is stored like a real one");
    assert_eq!(record.msisdn, "+8801700000001");
    assert_eq!(record.outcome, "completed");

    // A new session: complaint status, a case number that cannot be one.
    let (status, home) = dial(&agent, NUMBER, "en").await;
    assert_eq!(status, 200);
    assert!(!home.contains('⟦'), "{home}");
    let second = hidden_field(&home, "session");
    assert!(second.starts_with("seba-sim-") && second != first);
    let (_, ask) = send(&agent, &home, "3", "en").await;
    assert!(screen(&ask).contains("কেস নম্বর লিখুন"), "{}", screen(&ask));
    assert_eq!(hidden_field(&ask, "text"), "3");
    let (status, wrong) = send(&agent, &ask, "12345", "en").await;
    assert_eq!(status, 200);
    let notice = screen(&wrong);
    assert!(
        notice.contains("কেস নম্বরটি সঠিক নয়") && notice.contains("কেস নম্বর লিখুন"),
        "the error, and the question again: {notice}"
    );
    assert!(open(&wrong), "the caller may try again");
    assert_eq!(hidden_field(&wrong, "text"), "3*12345");

    // An answer longer than a handset sends: refused, the screen as it was.
    let long = "৯".repeat(200);
    let (status, refused) = send(&agent, &wrong, &long, "en").await;
    assert_eq!(status, 422);
    assert!(refused.contains("at most"), "{refused}");
    assert_eq!(screen(&refused), notice);
    assert_eq!(hidden_field(&refused, "text"), "3*12345");

    // A session id the simulator did not make (a real caller's): refused.
    let fields = [
        ("action", "send"),
        ("msisdn", NUMBER),
        ("session", "ATUid_12345"),
        ("text", "3"),
        ("input", "1"),
    ];
    let (status, _, html) = agent.post_in(SIM, &fields, "en").await;
    assert_eq!(status, 422);
    assert!(html.contains("not a simulator session"), "{html}");
    assert!(
        t.app
            .store
            .ussd_session("at:ATUid_12345")
            .await
            .expect("the store")
            .is_none()
    );

    // A number seba does not serve.
    let (status, html) = dial(&agent, "12345", "en").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(!open(&html));

    // A real customer's number: the simulator dials only test numbers.
    let (status, html) = dial(&agent, "01812345678", "en").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("not one of the simulator"), "{html}");
    assert!(!open(&html));

    // Forged forms: no token, or another one.
    for csrf in ["", "forged-token-0123456789"] {
        let (status, _, html) = agent
            .post_in(
                SIM,
                &[("csrf", csrf), ("action", "dial"), ("msisdn", NUMBER)],
                "en",
            )
            .await;
        assert_eq!(status, 403, "csrf {csrf:?}: {html}");
        assert!(!html.contains("ussd-text"), "{html}");
    }
}

async fn the_simulator_is_for_staff_who_work_cases(t: TestApp) {
    // Auditors change nothing: no link, no page, no step.
    let auditor = t.desk_login(&t.auditor).await;
    let (_, inbox, _) = auditor.get("/agent", "en").await;
    assert!(
        !inbox.contains("href=\"/agent/ussd\""),
        "no link for auditors"
    );
    let (status, html, _) = auditor.get(SIM, "en").await;
    assert_eq!(status, 403, "{html}");
    assert!(!html.contains("dial-form"));
    let (status, _, _) = auditor
        .post_in(SIM, &[("action", "dial"), ("msisdn", NUMBER)], "en")
        .await;
    assert_eq!(status, 403);
    // Supervisors and admins work cases too.
    for who in [&t.supervisor, &t.admin] {
        let desk = t.desk_login(who).await;
        let (html, _) = desk.page(SIM, "bn").await;
        assert!(html.contains("id=\"dial-form\""), "{html}");
        let (status, page) = dial(&desk, NUMBER, "bn").await;
        assert_eq!(status, 200, "{page}");
        assert!(open(&page));
    }
    // Without a session: to the login form, and back here afterwards.
    let res = crate::common::no_redirects()
        .get(t.url(SIM))
        .send()
        .await
        .expect("a GET");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        crate::common::header_text(res.headers(), "location"),
        "/agent/login?next=/agent/ussd"
    );
}

/// One Africa's Talking step from loopback, as a gateway on the same host posts it.
async fn at_step(t: &TestApp, session: &str, number: &str, text: &str) -> String {
    let res = t
        .http
        .post(t.url("/ussd/at"))
        .form(&[
            ("sessionId", session),
            ("serviceCode", "*247#"),
            ("phoneNumber", number),
            ("networkCode", "47001"),
            ("text", text),
        ])
        .send()
        .await
        .expect("a USSD step");
    assert_eq!(res.status().as_u16(), 200);
    res.text().await.expect("a screen")
}

/// The cells of the table row with this id, as text.
fn row(html: &str, id: &str) -> Vec<String> {
    let tr = html
        .split(&format!("<tr id=\"{id}\">"))
        .nth(1)
        .and_then(|s| s.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row {id}: {html}"));
    tr.split("<td>")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap_or_default().to_string())
        .collect()
}

async fn the_dashboard_counts_ussd_sessions(t: TestApp) {
    let supervisor = t.desk_login(&t.supervisor).await;
    let (html, _) = supervisor.page("/supervisor", "en").await;
    assert!(html.contains("id=\"ussd\""), "the panel is there: {html}");
    assert!(html.contains("No USSD sessions"), "{html}");

    // One caller leaves the complaint menu at the categories and the session times out.
    let number = "+8801812000001";
    assert!(
        at_step(&t, "ATUid_d1", number, "")
            .await
            .starts_with("CON ")
    );
    assert!(
        at_step(&t, "ATUid_d1", number, "2")
            .await
            .starts_with("CON ")
    );
    assert!(
        at_step(&t, "ATUid_d1", number, "2*1")
            .await
            .starts_with("CON ")
    );
    t.clock.advance(SignedDuration::from_secs(600));
    let (expired, _) = t.app.ussd_upkeep().await.expect("upkeep");
    assert_eq!(expired, 1);
    // One calls the hotline; one is still at the status question; one more hotline, from
    // the simulator, counts too.
    assert!(
        at_step(&t, "ATUid_d2", "8801812000002", "")
            .await
            .starts_with("CON ")
    );
    let hotline = at_step(&t, "ATUid_d2", "8801812000002", "6").await;
    assert!(
        hotline.starts_with("END ") && hotline.contains("16247"),
        "{hotline}"
    );
    at_step(&t, "ATUid_d3", "8801812000003", "").await;
    assert!(
        at_step(&t, "ATUid_d3", "8801812000003", "3")
            .await
            .starts_with("CON ")
    );
    let agent = t.desk_login(&t.agent).await;
    let (_, home) = dial(&agent, NUMBER, "en").await;
    let (_, done) = send(&agent, &home, "6", "en").await;
    assert!(screen(&done).contains("16247"));

    let (html, _) = supervisor.page("/supervisor", "en").await;
    assert!(!html.contains("No USSD sessions"), "{html}");
    // Started, completed, ended, abandoned, still open.
    assert_eq!(row(&html, "ussd-menu-home"), ["2", "2", "0", "0", "0"]);
    assert_eq!(row(&html, "ussd-menu-complaint"), ["1", "0", "0", "1", "0"]);
    assert_eq!(row(&html, "ussd-menu-status"), ["1", "0", "0", "0", "1"]);
    assert_eq!(row(&html, "ussd-menu-total"), ["4", "2", "0", "1", "1"]);
    assert!(
        !html.contains("id=\"ussd-menu-pin_reset\""),
        "no empty menus"
    );
    assert!(html.contains(">Complaint status<"), "menus by name: {html}");
    assert_eq!(
        row(&html, "ussd-abandoned-complaint-category"),
        ["Complaint", "Problem", "1"]
    );
    assert!(
        html.contains("Where USSD sessions were abandoned"),
        "the charts: {html}"
    );
    assert!(html.matches("<svg").count() >= 7, "two more charts");

    let (html, _) = supervisor.page("/supervisor", "bn").await;
    assert_eq!(row(&html, "ussd-menu-total"), ["৪", "২", "০", "১", "১"]);
    assert!(html.contains(">অভিযোগের খবর<"), "{html}");
    assert_eq!(
        row(&html, "ussd-abandoned-complaint-category"),
        ["অভিযোগ", "সমস্যা", "১"]
    );

    // Another range: none of these.
    let (html, _) = supervisor
        .page("/supervisor?from=2026-10-01&to=2026-10-31", "en")
        .await;
    assert!(html.contains("No USSD sessions"), "{html}");
}
