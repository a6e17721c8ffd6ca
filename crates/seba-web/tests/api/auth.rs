//! Authentication and roles: bearer tokens, session cookies with CSRF, lockout, limits.

use reqwest::Method;
use serde_json::json;

use crate::common::{Answer, Engine, PASSWORD, TestApp, case_body, number, run};

sqlite_only! {
    roles_decide_what_staff_may_do => sqlite_roles_decide_what_staff_may_do;
    no_or_bad_credentials_are_401 => sqlite_no_or_bad_credentials_are_401;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookie_with_csrf_and_lockout() {
    let limits = seba_web::RateLimits {
        login_per_minute: 100,
        public_per_minute: 100,
        ..seba_web::RateLimits::default()
    };
    run(
        Engine::Sqlite,
        "session_cookie_with_csrf_and_lockout",
        limits,
        session_body,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_public_routes_are_rate_limited() {
    let limits = seba_web::RateLimits {
        login_per_minute: 3,
        public_per_minute: 2,
        ..seba_web::RateLimits::default()
    };
    run(
        Engine::Sqlite,
        "login_and_public_routes_are_rate_limited",
        limits,
        rate_limit_body,
    )
    .await;
}

async fn roles_decide_what_staff_may_do(t: TestApp) {
    let num = number(
        &t.create_case(&t.agent, &case_body("01712345678", "ভূমিকা"))
            .await,
    );
    let case_path = format!("/api/v1/cases/{num}");

    // Auditors read everything and change nothing.
    let a = t
        .post(
            &t.auditor,
            "/api/v1/cases",
            &case_body("01712345678", "নিরীক্ষক"),
        )
        .await;
    a.problem_of(403, "forbidden");
    t.transition(&t.auditor, &num, "open", None)
        .await
        .problem_of(403, "forbidden");
    t.post(
        &t.auditor,
        &format!("{case_path}/messages"),
        &json!({ "kind": "note", "body": "x" }),
    )
    .await
    .problem_of(403, "forbidden");
    t.get(&t.auditor, &case_path).await.expect(200);
    let a = t.get(&t.auditor, "/api/v1/audit/verify").await;
    let report = a.expect(200);
    assert_eq!(report["breaks"], json!([]), "{report}");
    assert!(
        report["events"].as_u64().is_some_and(|n| n >= 1),
        "{report}"
    );
    t.get(&t.agent, "/api/v1/audit/verify")
        .await
        .problem_of(403, "forbidden");

    // Agents take cases; only supervisors hand them to others.
    let assign = format!("{case_path}/assignment");
    t.post(&t.agent, &assign, &json!({ "assignee": t.agent2.id.0 }))
        .await
        .problem_of(403, "forbidden");
    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"1\"");
    assert!(detail["case"]["assignee"].is_null());
    let a = t
        .post(&t.agent, &assign, &json!({ "assignee": t.agent.id.0 }))
        .await;
    assert_eq!(a.expect(200)["assignee"], t.agent.id.0);
    // Nor may another agent hand back a case that is not theirs.
    t.post(&t.agent2, &assign, &json!({ "assignee": null }))
        .await
        .problem_of(403, "forbidden");
    let a = t
        .post(
            &t.supervisor,
            &assign,
            &json!({ "assignee": t.agent2.id.0 }),
        )
        .await;
    assert_eq!(a.expect(200)["assignee"], t.agent2.id.0);
    // An auditor cannot be given cases.
    let a = t
        .post(
            &t.supervisor,
            &assign,
            &json!({ "assignee": t.auditor.id.0 }),
        )
        .await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["assignee"]);

    // Holidays and SLA policies are for supervisors; staff and taxonomy for admins.
    let holidays =
        json!([{ "date": "2026-12-16", "name_bn": "বিজয় দিবস", "name_en": "Victory Day" }]);
    t.send_put(&t.agent, "/api/v1/admin/holidays/2026", &holidays)
        .await
        .problem_of(403, "forbidden");
    let a = t
        .send_put(&t.supervisor, "/api/v1/admin/holidays/2026", &holidays)
        .await;
    assert_eq!(a.expect(200)[0]["date"], "2026-12-16");
    t.send_put(
        &t.supervisor,
        "/api/v1/admin/queues/vip",
        &json!({ "name_bn": "ভিআইপি", "name_en": "VIP" }),
    )
    .await
    .problem_of(403, "forbidden");
    t.post(
        &t.agent,
        "/api/v1/admin/users",
        &json!({ "username": "mallory", "display_name": "M", "role": "admin", "password": "a-long-enough-password" }),
    )
    .await
    .problem_of(403, "forbidden");
    t.get(&t.agent, "/api/v1/admin/users")
        .await
        .problem_of(403, "forbidden");
    t.post(
        &t.supervisor,
        "/api/v1/admin/tokens",
        &json!({ "username": "supervisor", "name": "mine" }),
    )
    .await
    .problem_of(403, "forbidden");

    // Admins may; a new token works at once.
    let a = t
        .post(
            &t.admin,
            "/api/v1/admin/tokens",
            &json!({ "username": "agent2", "name": "ci" }),
        )
        .await;
    let token = a.expect(201)["token"]
        .as_str()
        .expect("a token")
        .to_string();
    let a = TestApp::send(t.anon(Method::GET, "/api/v1/auth/me").bearer_auth(&token)).await;
    assert_eq!(a.expect(200)["username"], "agent2");
    assert_eq!(a.json["role"], "agent");

    // The taxonomy is public: the complaint form needs it.
    let a = TestApp::send(t.anon(Method::GET, "/api/v1/taxonomy")).await;
    assert!(
        a.expect(200)["categories"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["code"] == "mfs.wrong_transfer"))
    );
}

async fn no_or_bad_credentials_are_401(t: TestApp) {
    for path in ["/api/v1/cases", "/api/v1/auth/me", "/api/v1/admin/users"] {
        let a = TestApp::send(t.anon(Method::GET, path)).await;
        a.problem_of(401, "unauthorized");
        assert_eq!(a.header("www-authenticate"), Some("Bearer"), "{path}");
    }
    let a = TestApp::send(
        t.anon(Method::POST, "/api/v1/cases")
            .json(&case_body("01712345678", "টোকেন ছাড়া")),
    )
    .await;
    a.problem_of(401, "unauthorized");
    assert_eq!(a.header("www-authenticate"), Some("Bearer"));

    for auth in [
        "Bearer seba_not-a-real-token",
        "Bearer ",
        "Basic YWRtaW46cGFzc3dvcmQ=",
        "bearer x",
    ] {
        let a = TestApp::send(
            t.anon(Method::GET, "/api/v1/cases")
                .header("authorization", auth),
        )
        .await;
        a.problem_of(401, "unauthorized");
        assert_eq!(a.header("www-authenticate"), Some("Bearer"), "{auth}");
    }
    // A real token with a character changed.
    let mut bad = t.agent.token.clone();
    let last = bad.pop().expect("a token");
    bad.push(if last == 'A' { 'B' } else { 'A' });
    let a = TestApp::send(t.anon(Method::GET, "/api/v1/cases").bearer_auth(&bad)).await;
    a.problem_of(401, "unauthorized");
    // A garbage session cookie.
    let a = TestApp::send(
        t.anon(Method::GET, "/api/v1/cases")
            .header("cookie", "seba_session=forged"),
    )
    .await;
    a.problem_of(401, "unauthorized");

    assert_eq!(t.case_count().await, 0);
}

impl TestApp {
    pub async fn send_put(
        &self,
        who: &crate::common::StaffUser,
        path: &str,
        body: &serde_json::Value,
    ) -> Answer {
        Self::send(self.req(who, Method::PUT, path).json(body)).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Answer {
        Self::send(
            self.anon(Method::POST, "/api/v1/auth/login")
                .json(&json!({ "username": username, "password": password })),
        )
        .await
    }
}

/// The session token from a login's `Set-Cookie`, after checking the cookie's attributes.
fn session_cookie(a: &Answer) -> String {
    let set = a.header("set-cookie").expect("a Set-Cookie");
    let mut parts = set.split(';').map(str::trim);
    let (name, value) = parts
        .next()
        .and_then(|kv| kv.split_once('='))
        .expect("name=value");
    assert_eq!(name, "seba_session", "{set}");
    assert!(value.len() >= 32, "a long random token: {set}");
    let attrs: Vec<String> = parts.map(str::to_ascii_lowercase).collect();
    assert!(attrs.iter().any(|a| a == "httponly"), "HttpOnly: {set}");
    assert!(
        attrs.iter().any(|a| a == "samesite=strict"),
        "SameSite=Strict: {set}"
    );
    assert!(attrs.iter().any(|a| a == "path=/"), "Path=/: {set}");
    value.to_string()
}

async fn session_body(t: TestApp) {
    // Usernames are case-insensitive and trimmed.
    let a = t
        .login(&format!(" {} ", t.agent.username.to_uppercase()), PASSWORD)
        .await;
    let body = a.expect(200).clone();
    assert_eq!(body["user"]["username"], "agent");
    assert_eq!(body["user"]["role"], "agent");
    let csrf = body["csrf_token"]
        .as_str()
        .expect("a CSRF token")
        .to_string();
    let session = session_cookie(&a);
    assert!(
        !a.text.contains(&session),
        "the session token is only in the cookie"
    );
    let cookie = format!("seba_session={session}");

    // Safe requests need only the cookie.
    let a = TestApp::send(
        t.anon(Method::GET, "/api/v1/auth/me")
            .header("cookie", &cookie),
    )
    .await;
    assert_eq!(a.expect(200)["username"], "agent");

    // Unsafe ones must echo the CSRF token.
    let body = case_body("01712345678", "কুকি দিয়ে");
    let a = TestApp::send(
        t.anon(Method::POST, "/api/v1/cases")
            .header("cookie", &cookie)
            .json(&body),
    )
    .await;
    a.problem_of(403, "csrf");
    let a = TestApp::send(
        t.anon(Method::POST, "/api/v1/cases")
            .header("cookie", &cookie)
            .header("x-csrf-token", "not-the-token")
            .json(&body),
    )
    .await;
    a.problem_of(403, "csrf");
    assert_eq!(t.case_count().await, 0);
    let a = TestApp::send(
        t.anon(Method::POST, "/api/v1/cases")
            .header("cookie", format!("theme=dark; {cookie}"))
            .header("x-csrf-token", &csrf)
            .json(&body),
    )
    .await;
    let view = a.expect(201).clone();
    let (detail, _) = t.case_detail(&number(&view)).await;
    assert_eq!(
        detail["messages"][0]["author"],
        format!("user:{}", t.agent.id)
    );

    // Logout ends the session.
    let a = TestApp::send(
        t.anon(Method::POST, "/api/v1/auth/logout")
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf),
    )
    .await;
    a.expect(204);
    assert!(
        a.header("set-cookie")
            .is_some_and(|c| c.starts_with("seba_session=;") && c.contains("Max-Age=0")),
        "{:?}",
        a.headers
    );
    TestApp::send(
        t.anon(Method::GET, "/api/v1/auth/me")
            .header("cookie", &cookie),
    )
    .await
    .problem_of(401, "unauthorized");

    // Wrong passwords: five failures lock the account, even against the right password.
    for _ in 0..5 {
        t.login("agent2", "not-the-password-at-all")
            .await
            .problem_of(401, "bad-credentials");
    }
    let a = t.login("agent2", PASSWORD).await;
    a.problem_of(429, "locked");
    assert!(a.header("retry-after").is_some(), "{:?}", a.headers);
    assert!(a.header("set-cookie").is_none());
    let users = t.get(&t.admin, "/api/v1/admin/users").await;
    let agent2 = users
        .expect(200)
        .as_array()
        .and_then(|u| u.iter().find(|u| u["username"] == "agent2").cloned())
        .expect("agent2 is listed");
    assert_eq!(agent2["locked"], true, "{agent2}");
    // Other accounts are unaffected; an unknown user looks like a wrong password.
    t.login("agent", PASSWORD).await.expect(200);
    t.login("nobody", PASSWORD)
        .await
        .problem_of(401, "bad-credentials");

    // After the lock runs out the right password works again.
    t.clock.advance(jiff::SignedDuration::from_mins(16));
    t.login("agent2", PASSWORD).await.expect(200);
}

async fn rate_limit_body(t: TestApp) {
    for _ in 0..3 {
        t.login("agent", "wrong-password-here")
            .await
            .problem_of(401, "bad-credentials");
    }
    let a = t.login("agent", PASSWORD).await;
    a.problem_of(429, "rate-limited");
    assert!(a.header("retry-after").is_some());
    assert!(a.header("set-cookie").is_none());

    let complaint = json!({
        "category": "mfs.cash_out",
        "description": "এজেন্ট টাকা দেয়নি",
        "msisdn": "01812345678",
    });
    for _ in 0..2 {
        TestApp::send(
            t.anon(Method::POST, "/api/v1/public/complaints")
                .json(&complaint),
        )
        .await
        .expect(201);
    }
    let a = TestApp::send(
        t.anon(Method::POST, "/api/v1/public/complaints")
            .json(&complaint),
    )
    .await;
    a.problem_of(429, "rate-limited");
    assert_eq!(t.case_count().await, 2);
    // Staff with a token are not held back by the public limit.
    t.create_case(&t.agent, &case_body("01712345678", "কর্মী"))
        .await;
}
