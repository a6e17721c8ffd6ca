//! Operations: health, readiness, metrics (without personal data), common headers.

use reqwest::Method;

use crate::common::{TestApp, case_body};

sqlite_only! {
    health_readiness_and_metrics => sqlite_health_readiness_and_metrics;
    every_answer_carries_the_security_headers => sqlite_every_answer_carries_the_security_headers;
}

async fn health_readiness_and_metrics(t: TestApp) {
    let a = TestApp::send(t.anon(Method::GET, "/healthz")).await;
    a.expect(200);
    assert_eq!(a.text.trim(), "ok");
    let a = TestApp::send(t.anon(Method::GET, "/readyz")).await;
    a.expect(200);
    assert_eq!(a.text.trim(), "ready");

    // A phone number in a query string and in an unmatched path.
    t.create_case(&t.agent, &case_body("01799887766", "মেট্রিক"))
        .await;
    let a = t
        .get(&t.agent, "/api/v1/cases?msisdn=01799887766&status=new")
        .await;
    assert_eq!(a.expect(200)["items"].as_array().map(Vec::len), Some(1));
    let a = t.get(&t.agent, "/api/v1/customers/01799887766").await;
    a.problem_of(404, "not-found");

    let a = TestApp::send(t.anon(Method::GET, "/metrics")).await;
    a.expect(200);
    assert!(
        a.header("content-type")
            .is_some_and(|c| c.starts_with("application/openmetrics-text")),
        "{:?}",
        a.headers
    );
    let m = &a.text;
    assert!(m.contains("seba_http_requests_total"), "{m}");
    assert!(m.contains("seba_http_request_duration_seconds"), "{m}");
    assert!(
        m.lines().any(|l| l.starts_with("seba_http_requests_total")
            && l.contains("route=\"/api/v1/cases\"")
            && l.contains("method=\"GET\"")
            && l.contains("status=\"200\"")),
        "the list request is counted by its route pattern: {m}"
    );
    assert!(
        m.lines().any(|l| l.starts_with("seba_http_requests_total")
            && l.contains("route=\"unmatched\"")
            && l.contains("status=\"404\"")),
        "{m}"
    );
    assert!(
        m.lines().any(|l| l.starts_with("seba_cases{")
            && l.contains("status=\"new\"")
            && l.ends_with(" 1")),
        "the backlog gauge: {m}"
    );
    for needle in ["01799887766", "1799887766", "8801799887766", "msisdn"] {
        assert!(!m.contains(needle), "the metrics leak `{needle}`: {m}");
    }
}

async fn every_answer_carries_the_security_headers(t: TestApp) {
    let answers = [
        TestApp::send(t.anon(Method::GET, "/healthz")).await,
        t.get(&t.agent, "/api/v1/cases").await,
        TestApp::send(t.anon(Method::GET, "/api/v1/cases")).await,
        TestApp::send(t.anon(Method::GET, "/no/such/page")).await,
    ];
    for a in &answers {
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(a.header("x-frame-options"), Some("DENY"));
        assert_eq!(a.header("referrer-policy"), Some("no-referrer"));
        assert!(a.header("content-security-policy").is_some());
        assert_eq!(
            a.header("cache-control"),
            Some("no-store"),
            "{:?}",
            a.headers
        );
    }
    answers[3].problem_of(404, "not-found");
    // A known path with a method it does not serve.
    let a = TestApp::send(t.anon(Method::DELETE, "/api/v1/cases")).await;
    assert_eq!(a.status.as_u16(), 405, "{}", a.text);
}
