//! Optimistic concurrency: the ETag is the case's version; `If-Match` pins it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Answer, StaffUser, TestApp, case_body, number};

both_engines! {
    if_match_stops_lost_updates => sqlite_if_match_stops_lost_updates, postgres_if_match_stops_lost_updates;
    racing_writers_with_one_version => sqlite_racing_writers_with_one_version, postgres_racing_writers_with_one_version;
    many_writers_without_if_match_all_succeed =>
        sqlite_many_writers_without_if_match_all_succeed,
        postgres_many_writers_without_if_match_all_succeed;
}

async fn patch(t: &TestApp, who: &StaffUser, num: &str, if_match: &str, body: &Value) -> Answer {
    TestApp::send(
        t.req(who, Method::PATCH, &format!("/api/v1/cases/{num}"))
            .header("if-match", if_match)
            .json(body),
    )
    .await
}

async fn if_match_stops_lost_updates(t: TestApp) {
    let num = number(
        &t.create_case(&t.agent, &case_body("01712345678", "দুজন একসাথে"))
            .await,
    );

    // Both agents load version 1.
    let a1 = t.get(&t.agent, &format!("/api/v1/cases/{num}")).await;
    let a2 = t.get(&t.agent2, &format!("/api/v1/cases/{num}")).await;
    a1.expect(200);
    a2.expect(200);
    assert_eq!(a1.header("etag"), Some("\"1\""));
    assert_eq!(a2.header("etag"), Some("\"1\""));
    let subject = a2.json["case"]["subject"].clone();

    // The first change wins.
    let a = patch(&t, &t.agent, &num, "\"1\"", &json!({ "priority": "high" })).await;
    a.expect(200);
    assert_eq!(a.header("etag"), Some("\"2\""));
    assert_eq!(a.json["version"], 2);
    assert_eq!(a.json["priority"], "high");

    // The second, made on what it loaded, is refused and told the current version.
    let a = t.transition(&t.agent2, &num, "open", Some("\"1\"")).await;
    a.problem_of(412, "stale");
    assert_eq!(a.header("etag"), Some("\"2\""));
    let a = patch(
        &t,
        &t.agent2,
        &num,
        "\"1\"",
        &json!({ "subject": "অন্য বিষয়" }),
    )
    .await;
    a.problem_of(412, "stale");
    let a = TestApp::send(
        t.req(
            &t.agent2,
            Method::POST,
            &format!("/api/v1/cases/{num}/messages"),
        )
        .header("if-match", "\"1\"")
        .json(&json!({ "kind": "note", "body": "পুরনো সংস্করণে নোট" })),
    )
    .await;
    a.problem_of(412, "stale");

    // A malformed If-Match is refused, not ignored.
    for bad in ["abc", "\"one\"", "1.5"] {
        let a = t.transition(&t.agent2, &num, "open", Some(bad)).await;
        a.problem_of(422, "validation");
        assert_eq!(a.error_fields(), ["If-Match"], "{bad}: {}", a.text);
    }

    // The case is exactly as the first change left it.
    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"2\"");
    assert_eq!(detail["case"]["status"], "new");
    assert_eq!(detail["case"]["priority"], "high");
    assert_eq!(detail["case"]["subject"], subject);
    assert_eq!(detail["messages"].as_array().map(Vec::len), Some(1));

    // Reloaded, the second agent's change goes through (a weak ETag is fine too).
    let a = t.transition(&t.agent2, &num, "open", Some("W/\"2\"")).await;
    a.expect(200);
    assert_eq!(a.header("etag"), Some("\"3\""));
    assert_eq!(a.json["status"], "open");
}

async fn racing_writers_with_one_version(t: TestApp) {
    let num = number(
        &t.create_case(&t.agent, &case_body("01712345678", "দৌড়"))
            .await,
    );
    let mut tasks = Vec::new();
    for i in 0..8 {
        let who = if i % 2 == 0 { &t.agent } else { &t.agent2 };
        let rb = t
            .req(who, Method::PATCH, &format!("/api/v1/cases/{num}"))
            .header("if-match", "\"1\"")
            .json(&json!({ "subject": format!("বিষয় {i}") }));
        tasks.push(tokio::spawn(TestApp::send(rb)));
    }
    let mut winners = Vec::new();
    for task in tasks {
        let a = task.await.expect("a request task");
        match a.status.as_u16() {
            200 => winners.push(a.json["subject"].clone()),
            412 => {
                a.problem_of(412, "stale");
            }
            other => panic!("unexpected {other}: {}", a.text),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one writer of version 1 wins");
    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"2\"");
    assert_eq!(detail["case"]["subject"], winners[0]);
    let events = t
        .app
        .store
        .audit_events(&format!("case:{}", TestApp::id_of(&num)))
        .await
        .expect("audit events");
    assert_eq!(
        events.iter().filter(|e| e.action == "case.updated").count(),
        1
    );

    // Without If-Match, racing writers are serialised, not lost.
    let mut tasks = Vec::new();
    for i in 0..4 {
        let rb = t
            .req(
                &t.agent,
                Method::POST,
                &format!("/api/v1/cases/{num}/messages"),
            )
            .json(&json!({ "kind": "note", "body": format!("নোট {i}") }));
        tasks.push(tokio::spawn(TestApp::send(rb)));
    }
    for task in tasks {
        task.await.expect("a request task").expect(201);
    }
    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"6\"");
    assert_eq!(detail["messages"].as_array().map(Vec::len), Some(5));
}

async fn many_writers_without_if_match_all_succeed(t: TestApp) {
    let num = number(
        &t.create_case(&t.agent, &case_body("01712345678", "ভিড়"))
            .await,
    );
    let mut tasks = Vec::new();
    for i in 0..16 {
        let rb = t
            .req(
                &t.agent,
                Method::POST,
                &format!("/api/v1/cases/{num}/messages"),
            )
            .json(&json!({ "kind": "note", "body": format!("নোট {i}") }));
        tasks.push(tokio::spawn(TestApp::send(rb)));
    }
    let mut refused = Vec::new();
    for task in tasks {
        let a = task.await.expect("a request task");
        if a.status.as_u16() != 201 {
            refused.push(format!("{}: {}", a.status, a.text));
        }
    }
    assert!(
        refused.is_empty(),
        "no If-Match was sent, yet {} of 16 were refused: {refused:#?}",
        refused.len()
    );
}
