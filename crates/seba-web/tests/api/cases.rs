//! Staff case routes: intake, reading, refusing bad input, and the lifecycle.

use reqwest::Method;
use serde_json::{Value, json};

use seba_core::ids::CaseNumber;

use crate::common::{Answer, Engine, TestApp, case_body, number};

sqlite_only! {
    create_case_normalises_and_reads_back => sqlite_create_a_case_and_read_it_back;
    bad_input_is_a_problem_and_stores_nothing => sqlite_bad_input_is_refused_with_a_problem;
    oversize_body_is_a_problem_json =>
        sqlite_an_oversize_body_is_a_problem_json;
    routing_rejections_are_problem_json =>
        sqlite_routing_rejections_are_problem_json;
}

both_engines! {
    lifecycle_over_http => sqlite_lifecycle_over_http, postgres_lifecycle_over_http;
}

/// "বোন" typed with a decomposed vowel sign (ে + া), which NFC composes into ো.
const DECOMPOSED_BON: &str = "ব\u{9C7}\u{9BE}ন";
const COMPOSED_BON: &str = "ব\u{9CB}ন";

async fn create_case_normalises_and_reads_back(t: TestApp) {
    // য় precomposed (U+09DF) is a composition exclusion: NFC stores it as য + ়.
    let body = format!("  আমার {DECOMPOSED_BON} টাকা পাঠা\u{9DF}নি, cafe\u{301}  ");
    let req = json!({
        "channel": "hotline",
        "category": "mfs.wrong_transfer",
        "subject": format!("{DECOMPOSED_BON}ের টাকা"),
        "body": body,
        "requester": { "name": " রহিম উদ্দিন ", "msisdn": "০১৭১২৩৪৫৬৭৮" },
        "tags": ["  Refund ", "refund", "বিকাশ"],
    });
    let a = t.post(&t.agent, "/api/v1/cases", &req).await;
    let view = a.expect(201).clone();
    let num = number(&view);
    let parsed = CaseNumber::parse(&num).expect("the number parses");
    assert_eq!(json!(parsed.id().0), view["id"]);
    assert_eq!(parsed.to_string(), num);
    assert_eq!(a.header("location"), Some(&*format!("/api/v1/cases/{num}")));
    assert_eq!(a.header("etag"), Some("\"1\""));
    assert_eq!(
        a.header("content-type"),
        Some("application/json"),
        "{}",
        a.text
    );
    assert_eq!(view["version"], 1);
    assert_eq!(view["status"], "new");
    assert_eq!(view["channel"], "hotline");
    assert_eq!(view["priority"], "normal");
    assert_eq!(view["category"], "mfs.wrong_transfer");
    assert!(view["queue"].is_string(), "routed to the category's queue");
    assert_eq!(view["requester"]["msisdn"], "+8801712345678");
    assert_eq!(view["requester"]["name"], "রহিম উদ্দিন");
    assert_eq!(view["subject"], format!("{COMPOSED_BON}ের টাকা"));
    assert_eq!(view["tags"], json!(["refund", "বিকাশ"]));
    assert_eq!(view["sla"]["paused"], false);
    assert_eq!(view["sla"]["state"], "on_track");

    let expected_body = format!("আমার {COMPOSED_BON} টাকা পাঠা\u{9AF}\u{9BC}নি, café");

    // Read it back through the Location.
    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"1\"");
    assert_eq!(detail["case"], view, "GET shows what POST answered");
    let msgs = detail["messages"].as_array().expect("messages");
    assert_eq!(msgs.len(), 1, "{detail}");
    assert_eq!(msgs[0]["kind"], "inbound");
    assert_eq!(msgs[0]["author"], format!("user:{}", t.agent.id));
    assert_eq!(msgs[0]["body"], expected_body.as_str());

    // And in the store, byte for byte.
    let stored = t
        .app
        .store
        .case(parsed.id())
        .await
        .expect("reading the case")
        .expect("the case is stored");
    assert_eq!(
        stored.requester.msisdn.as_ref().map(|m| m.as_e164()),
        Some("+8801712345678")
    );
    let thread = t.app.store.messages(parsed.id()).await.expect("messages");
    assert_eq!(thread[0].message.body.as_bytes(), expected_body.as_bytes());
    assert!(!thread[0].message.body.contains('\u{9DF}'));

    // The list finds it by the number in any script.
    let a = TestApp::send(
        t.req(&t.agent, Method::GET, "/api/v1/cases")
            .query(&[("msisdn", "০১৭১২৩৪৫৬৭৮")]),
    )
    .await;
    let items = a.expect(200)["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 1, "{}", a.text);
    assert_eq!(items[0]["number"], num.as_str());
    let a = t.get(&t.agent, "/api/v1/cases?msisdn=01700000000").await;
    assert_eq!(a.expect(200)["items"], json!([]));

    // A well-formed number that names no case.
    let missing = CaseNumber::from_id(seba_core::ids::CaseId(parsed.id().0 + 1000)).to_string();
    t.get(&t.agent, &format!("/api/v1/cases/{missing}"))
        .await
        .problem_of(404, "not-found");
}

async fn bad_input_is_a_problem_and_stores_nothing(t: TestApp) {
    let view = t
        .create_case(&t.agent, &case_body("01712345678", "প্রথম কেস"))
        .await;
    let num = number(&view);
    assert_eq!(t.case_count().await, 1);

    let post_raw = |ct: &'static str, body: String| {
        let t = &t;
        async move { t.post_raw(&t.agent, "/api/v1/cases", ct, body).await }
    };

    // Malformed JSON.
    let a = post_raw(
        "application/json",
        r#"{"category": "mfs.wrong_transfer", "body": "#.into(),
    )
    .await;
    a.problem_of(400, "bad-request");

    // An empty body.
    post_raw("application/json", String::new())
        .await
        .problem_of(400, "bad-request");

    // An unknown field, top level and nested.
    let a = t
        .post(
            &t.agent,
            "/api/v1/cases",
            &json!({ "category": "mfs.wrong_transfer", "body": "x", "colour": "red" }),
        )
        .await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["colour"], "{}", a.text);
    let a = t
        .post(
            &t.agent,
            "/api/v1/cases",
            &json!({ "category": "mfs.wrong_transfer", "body": "x", "requester": { "phone": "01712345678" } }),
        )
        .await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["phone"], "{}", a.text);

    // The `body` field missing, or blank.
    let a = t
        .post(
            &t.agent,
            "/api/v1/cases",
            &json!({ "category": "mfs.wrong_transfer" }),
        )
        .await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["body"], "{}", a.text);
    let a = t
        .post(
            &t.agent,
            "/api/v1/cases",
            &json!({ "category": "mfs.wrong_transfer", "body": " \n\t " }),
        )
        .await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["body"], "{}", a.text);

    // A wrong phone number.
    for bad in ["12345", "01212345678", "০১৭১২৩৪৫"] {
        let a = t
            .post(&t.agent, "/api/v1/cases", &case_body(bad, "ফোন নম্বর ভুল"))
            .await;
        a.problem_of(422, "validation");
        assert_eq!(a.error_fields(), ["requester.msisdn"], "{bad}: {}", a.text);
    }

    // An unknown category, and an unknown queue.
    let a = t
        .post(
            &t.agent,
            "/api/v1/cases",
            &json!({ "category": "mfs.teleportation", "body": "x", "requester": { "msisdn": "01712345678" } }),
        )
        .await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["category"], "{}", a.text);
    let a = t
        .post(
            &t.agent,
            "/api/v1/cases",
            &json!({ "category": "mfs.cash_out", "queue": "nowhere", "body": "x", "requester": { "msisdn": "01712345678" } }),
        )
        .await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["queue"], "{}", a.text);

    // A wrong content type, with a body that would otherwise be fine.
    let good = case_body("01712345678", "ঠিক আছে").to_string();
    post_raw("text/plain", good.clone())
        .await
        .problem_of(415, "unsupported-media-type");
    post_raw("application/x-www-form-urlencoded", good)
        .await
        .problem_of(415, "unsupported-media-type");

    // A body over 256 KiB (the shape of the answer is checked in its own test).
    let huge = case_body("01712345678", &"ক".repeat(100_000)).to_string();
    assert!(huge.len() > 256 * 1024);
    let a = post_raw("application/json", huge).await;
    assert_eq!(a.status.as_u16(), 413, "{}", a.text);

    // A case number with a mistyped digit, or no number at all.
    let mut digits: Vec<char> = num.chars().collect();
    let last = digits.len() - 1;
    digits[last] = if digits[last] == '0' { '1' } else { '0' };
    let typo: String = digits.into_iter().collect();
    for bad in [typo.as_str(), "abc", "12"] {
        let a = t.get(&t.agent, &format!("/api/v1/cases/{bad}")).await;
        a.problem_of(422, "validation");
        assert_eq!(a.error_fields(), ["number"], "{bad}: {}", a.text);
    }
    t.transition(&t.agent, &typo, "open", None)
        .await
        .problem_of(422, "validation");

    // Bad query parameters on the list.
    for (q, field) in [
        ("status=bogus", "status"),
        ("colour=red", "colour"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("sla=late", "sla"),
        ("created_from=yesterday", "created_from"),
        ("msisdn=12345", "msisdn"),
        ("cursor=abc", "cursor"),
    ] {
        let a = t.get(&t.agent, &format!("/api/v1/cases?{q}")).await;
        a.problem_of(422, "validation");
        assert_eq!(a.error_fields(), [field], "{q}: {}", a.text);
    }

    // A move the lifecycle does not allow, and an action that does not exist.
    let a = t.transition(&t.agent, &num, "close", None).await;
    a.problem_of(409, "invalid-transition");
    let a = t.transition(&t.agent, &num, "teleport", None).await;
    a.problem_of(422, "validation");
    let a = TestApp::send(
        t.req(
            &t.agent,
            Method::POST,
            &format!("/api/v1/cases/{num}/messages"),
        )
        .json(&json!({ "kind": "shout", "body": "x" })),
    )
    .await;
    a.problem_of(422, "validation");

    // Nothing was stored or changed.
    assert_eq!(t.case_count().await, 1);
    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"1\"");
    assert_eq!(detail["case"]["status"], "new");
    assert_eq!(detail["messages"].as_array().map(Vec::len), Some(1));
}

async fn oversize_body_is_a_problem_json(t: TestApp) {
    let huge = case_body("01712345678", &"ক".repeat(100_000)).to_string();
    t.post_raw(&t.agent, "/api/v1/cases", "application/json", huge)
        .await
        .problem(413);
    let big = vec![0u8; 5 * 1024 * 1024 + 4096];
    t.post_raw(&t.agent, "/api/v1/attachments", "image/png", big)
        .await
        .problem(413);
    assert_eq!(t.case_count().await, 0);
}

async fn routing_rejections_are_problem_json(t: TestApp) {
    // A method the path does not serve.
    TestApp::send(t.req(&t.agent, Method::DELETE, "/api/v1/cases"))
        .await
        .problem(405);
    // A path parameter that does not parse.
    let holidays = json!([]);
    TestApp::send(
        t.req(&t.supervisor, Method::PUT, "/api/v1/admin/holidays/abc")
            .json(&holidays),
    )
    .await
    .problem(422);
    // A path that is not even valid UTF-8 is a malformed request.
    TestApp::send(t.req(&t.agent, Method::GET, "/api/v1/cases/%FF"))
        .await
        .problem(400);
}

fn status_of(a: &Answer) -> Value {
    a.json["status"].clone()
}

async fn lifecycle_over_http(t: TestApp) {
    let engine = match t.engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    };
    assert_eq!(seba_store::Maintenance::engine(&*t.app.store), engine);
    let msisdn = "01911223344";
    let view = t
        .create_case(&t.agent, &case_body(msisdn, "টাকা ফেরত পাইনি"))
        .await;
    let num = number(&view);

    let a = t.transition(&t.agent, &num, "open", Some("\"1\"")).await;
    a.expect(200);
    assert_eq!(status_of(&a), "open");
    assert_eq!(a.header("etag"), Some("\"2\""));
    assert!(a.json["sla"]["acknowledged_at"].is_string(), "{}", a.text);

    let a = t.transition(&t.agent, &num, "pend_customer", None).await;
    a.expect(200);
    assert_eq!(status_of(&a), "pending_customer");
    assert_eq!(a.json["sla"]["paused"], true, "{}", a.text);
    assert_eq!(a.json["sla"]["state"], "paused", "{}", a.text);
    let (detail, _) = t.case_detail(&num).await;
    assert_eq!(detail["case"]["sla"]["paused"], true);
    let paused = t.get(&t.agent, "/api/v1/cases?sla=paused").await;
    assert_eq!(
        paused.expect(200)["items"][0]["number"],
        num.as_str(),
        "{}",
        paused.text
    );

    // The customer answers through the public API: the case is back at work.
    let customer = t.customer_view(&num, msisdn).await;
    assert_eq!(customer["status"], "pending_customer");
    let token = customer["view_token"].as_str().expect("a view token");
    let a = t
        .customer_reply(&num, token, "ট্রানজেকশন আইডি 8N7A6B5C4D")
        .await;
    a.expect(201);
    assert_eq!(a.json["status"], "open", "{}", a.text);
    let (detail, _) = t.case_detail(&num).await;
    assert_eq!(detail["case"]["status"], "open");
    assert_eq!(detail["case"]["sla"]["paused"], false);
    let last = detail["messages"]
        .as_array()
        .and_then(|m| m.last())
        .expect("messages");
    assert_eq!(last["kind"], "inbound");
    assert_eq!(last["author"], "customer");

    let a = t.transition(&t.agent, &num, "resolve", None).await;
    a.expect(200);
    assert_eq!(status_of(&a), "resolved");
    assert!(a.json["sla"]["resolved_at"].is_string());
    assert_eq!(a.json["sla"]["state"], "met", "{}", a.text);

    let a = t.transition(&t.agent, &num, "close", None).await;
    a.expect(200);
    assert_eq!(status_of(&a), "closed");
    assert!(a.json["closed_at"].is_string());
    t.transition(&t.agent, &num, "resolve", None)
        .await
        .problem_of(409, "invalid-transition");

    let a = t.transition(&t.agent, &num, "reopen", None).await;
    a.expect(200);
    assert_eq!(status_of(&a), "open");
    assert!(a.json["closed_at"].is_null(), "{}", a.text);
    assert_eq!(a.json["sla"]["paused"], false);

    // open, pend, reply, resolve, close, reopen: six changes after creation.
    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"7\"");
    assert_eq!(detail["case"]["version"], 7);
    let statuses: Vec<String> = t
        .outbox_through_marker("lifecycle-done")
        .await
        .into_iter()
        .filter(|r| r.topic == "case.status")
        .map(|r| r.payload["to"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        statuses,
        ["open", "pending_customer", "resolved", "closed", "open"],
        "one case.status row per staff move, in order"
    );
}
