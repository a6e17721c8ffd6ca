//! Search over HTTP: the index is fed from the outbox in the background (as `seba serve`
//! runs it), finds cases across scripts, puts exact phone/case-number matches first,
//! filters, respects roles, and refuses bad queries with problem+json.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{StaffUser, TestApp};

both_engines! {
    search_finds_new_cases_across_scripts => sqlite_search_finds_new_cases_across_scripts, postgres_search_finds_new_cases_across_scripts;
}

sqlite_only! {
    search_refuses_bad_queries => sqlite_search_refuses_bad_queries;
}

async fn search(t: &TestApp, who: &StaffUser, query: &str) -> Value {
    let a = TestApp::send(t.req(who, Method::GET, &format!("/api/v1/search?{query}"))).await;
    a.expect(200).clone()
}

fn numbers(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| h["case"]["number"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Poll until `query` finds `number` (the feeder runs in the background).
async fn until_found(t: &TestApp, who: &StaffUser, query: &str, number: &str) -> (Value, Duration) {
    let start = Instant::now();
    loop {
        let v = search(t, who, query).await;
        if numbers(&v).iter().any(|n| n == number) {
            return (v, start.elapsed());
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "`{query}` never found {number}: {v}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn search_finds_new_cases_across_scripts(t: TestApp) {
    let bn = t
        .create_case(
            &t.agent,
            &json!({"category": "mfs.wrong_transfer", "channel": "hotline", "subject": "ভুল নম্বরে টাকা",
                    "body": "বিকাশে ৫,০০০ টাকা ভুল নাম্বারে পাঠিয়েছি", "requester": {"msisdn": "01712345678"}}),
        )
        .await;
    let en = t
        .create_case(
            &t.agent,
            &json!({"category": "ecommerce.refund", "channel": "web", "subject": "Evaly refund",
                    "body": "Refund of 45000 taka still pending after order cancel", "requester": {"msisdn": "01812345678"}}),
        )
        .await;
    let (bn_no, en_no) = (
        bn["number"].as_str().unwrap().to_string(),
        en["number"].as_str().unwrap().to_string(),
    );

    let (v, took) = until_found(&t, &t.agent, "q=bkash", &bn_no).await;
    assert!(took < Duration::from_secs(2), "visible after {took:?}");
    assert_eq!(numbers(&v), vec![bn_no.clone()]);
    let hit = &v["items"][0];
    assert!(hit["snippet"].as_str().unwrap().contains("<b>"), "{hit}");
    assert_eq!(hit["exact"], false);

    until_found(&t, &t.agent, "q=wrong%20number", &bn_no).await;
    until_found(&t, &t.agent, "q=5000", &bn_no).await;
    until_found(
        &t,
        &t.agent,
        "q=%E0%A6%B0%E0%A6%BF%E0%A6%AB%E0%A6%BE%E0%A6%A8%E0%A7%8D%E0%A6%A1",
        &en_no,
    )
    .await; // রিফান্ড
    // A phone number in any form goes to its case, marked exact, first.
    let (v, _) = until_found(&t, &t.agent, "q=%2B880%201812-345678", &en_no).await;
    assert_eq!(v["items"][0]["case"]["number"], en_no.as_str());
    assert_eq!(v["items"][0]["exact"], true);
    // So does a case number.
    let (v, _) = until_found(&t, &t.agent, &format!("q={bn_no}"), &bn_no).await;
    assert_eq!(v["items"][0]["exact"], true);
    // Filters narrow.
    assert!(
        numbers(&search(&t, &t.agent, "q=taka&category=ecommerce").await)
            .iter()
            .all(|n| *n == en_no)
    );
    assert!(
        numbers(&search(&t, &t.agent, "q=taka&channel=hotline").await)
            .iter()
            .all(|n| *n == bn_no)
    );
    assert!(numbers(&search(&t, &t.agent, "q=bkash&status=closed").await).is_empty());
    // A later change is searchable too (the whole thread is indexed).
    t.post(
        &t.agent,
        &format!("/api/v1/cases/{en_no}/messages"),
        &json!({"kind": "note", "body": "দারাজ থেকে টাকা ফেরত এসেছে"}),
    )
    .await
    .expect(201);
    until_found(&t, &t.agent, "q=daraz", &en_no).await;
    // Read-only roles may search; nobody else.
    until_found(&t, &t.auditor, "q=bkash", &bn_no).await;
    let anon = t
        .http
        .get(format!("{}/api/v1/search?q=bkash", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status().as_u16(), 401);
}

async fn search_refuses_bad_queries(t: TestApp) {
    for (query, field) in [
        ("q=", "q"),
        ("q=%20%20%20", "q"),
        ("", "q"),
        ("q=x&sort=asc", "sort"),
        ("q=x&limit=0", "limit"),
        ("q=x&status=gone", "status"),
        ("q=x&created_from=yesterday", "created_from"),
    ] {
        let a =
            TestApp::send(t.req(&t.agent, Method::GET, &format!("/api/v1/search?{query}"))).await;
        let p = a.problem(422);
        assert_eq!(p["errors"][0]["field"], field, "{query}: {p}");
    }
    // Not UTF-8 (a lone byte, an encoded surrogate): a problem, never a 500.
    for raw in ["q=%FF%FE", "q=%ED%A0%80", "q=bkash&status=%C3"] {
        let a = TestApp::send(t.req(&t.agent, Method::GET, &format!("/api/v1/search?{raw}"))).await;
        let status = a.status.as_u16();
        assert!((400..500).contains(&status), "{raw}: {status}");
        assert!(a.json["title_bn"].is_string(), "{raw}: {}", a.text);
    }
    let long = "ক".repeat(4000);
    TestApp::send(
        t.req(&t.agent, Method::GET, "/api/v1/search")
            .query(&[("q", long.as_str())]),
    )
    .await
    .problem(422);
    for odd in [
        "\"",
        "AND OR NOT",
        "*:*",
        "(((",
        "\u{200d}\u{09bc}",
        "<script>",
        "bkash পিন 017",
    ] {
        let a = TestApp::send(
            t.req(&t.agent, Method::GET, "/api/v1/search")
                .query(&[("q", odd)]),
        )
        .await;
        a.expect(200);
    }
}
