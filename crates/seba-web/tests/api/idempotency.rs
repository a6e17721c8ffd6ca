//! `Idempotency-Key`: a retry gets the first answer, byte for byte, and changes nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Answer, StaffUser, TestApp, case_body, number};

both_engines! {
    create_is_idempotent => sqlite_create_is_idempotent, postgres_create_is_idempotent;
    messages_are_idempotent => sqlite_messages_are_idempotent, postgres_messages_are_idempotent;
    message_replay_is_the_first_answer =>
        sqlite_message_replay_is_the_first_answer,
        postgres_message_replay_is_the_first_answer;
    concurrent_message_retries_add_one_message =>
        sqlite_concurrent_message_retries_add_one_message,
        postgres_concurrent_message_retries_add_one_message;
    transitions_are_idempotent => sqlite_transitions_are_idempotent, postgres_transitions_are_idempotent;
    concurrent_transition_retries_get_the_first_answer =>
        sqlite_concurrent_transition_retries_get_the_first_answer,
        postgres_concurrent_transition_retries_get_the_first_answer;
}

async fn post_keyed(t: &TestApp, who: &StaffUser, path: &str, key: &str, body: &Value) -> Answer {
    TestApp::send(
        t.req(who, Method::POST, path)
            .header("idempotency-key", key)
            .json(body),
    )
    .await
}

fn replayed(a: &Answer) -> bool {
    a.header("idempotent-replayed") == Some("true")
}

/// `n` identical requests at once.
async fn concurrently(
    t: &TestApp,
    who: &StaffUser,
    path: &str,
    key: &str,
    body: &Value,
    n: usize,
) -> Vec<Answer> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let rb = t
            .req(who, Method::POST, path)
            .header("idempotency-key", key)
            .json(body);
        tasks.push(tokio::spawn(TestApp::send(rb)));
    }
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.expect("a request task"));
    }
    out
}

async fn create_is_idempotent(t: TestApp) {
    let body = case_body("01712345678", "একবারই তৈরি হবে");

    // Sequential retry.
    let first = post_keyed(&t, &t.agent, "/api/v1/cases", "create-1", &body).await;
    first.expect(201);
    assert!(!replayed(&first));
    let again = post_keyed(&t, &t.agent, "/api/v1/cases", "create-1", &body).await;
    again.expect(201);
    assert!(replayed(&again), "a replay is marked: {:?}", again.headers);
    assert_eq!(again.text, first.text, "the first answer, byte for byte");
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(t.case_count().await, 1);

    // The same key for a different request.
    let other = case_body("01712345678", "অন্য অভিযোগ");
    let a = post_keyed(&t, &t.agent, "/api/v1/cases", "create-1", &other).await;
    a.problem_of(422, "idempotency-key-reused");
    assert_eq!(t.case_count().await, 1);

    // Eight at once with a fresh key: one case, eight identical answers.
    let body2 = case_body("01812345678", "একসাথে আটবার");
    let answers = concurrently(&t, &t.agent, "/api/v1/cases", "create-2", &body2, 8).await;
    for a in &answers {
        a.expect(201);
        assert_eq!(a.text, answers[0].text);
        assert_eq!(a.header("location"), answers[0].header("location"));
    }
    assert_eq!(
        answers.iter().filter(|a| !replayed(a)).count(),
        1,
        "exactly one request did the work"
    );
    assert_eq!(t.case_count().await, 2);

    // Different keys are different requests.
    let a = post_keyed(&t, &t.agent, "/api/v1/cases", "create-3", &body).await;
    let b = post_keyed(&t, &t.agent, "/api/v1/cases", "create-4", &body).await;
    assert_ne!(number(a.expect(201)), number(b.expect(201)));
    assert!(!replayed(&a) && !replayed(&b));
    assert_eq!(t.case_count().await, 4);

    // Keys belong to their user: another agent's same key is a new request.
    let c = post_keyed(&t, &t.agent2, "/api/v1/cases", "create-1", &body).await;
    c.expect(201);
    assert!(!replayed(&c));
    assert_ne!(number(&c.json), number(&first.json));
    assert_eq!(t.case_count().await, 5);

    // A key that is not 1–200 visible ASCII characters is refused.
    let a = post_keyed(&t, &t.agent, "/api/v1/cases", &"k".repeat(201), &body).await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["Idempotency-Key"]);
    assert_eq!(t.case_count().await, 5);
}

async fn messages_are_idempotent(t: TestApp) {
    let num = number(
        &t.create_case(&t.agent, &case_body("01712345678", "বার্তা"))
            .await,
    );
    let path = format!("/api/v1/cases/{num}/messages");

    let note = json!({ "kind": "note", "body": "গ্রাহককে কল করা হয়েছে" });
    let first = post_keyed(&t, &t.agent, &path, "msg-1", &note).await;
    first.expect(201);
    assert_eq!(first.header("etag"), Some("\"2\""));
    let again = post_keyed(&t, &t.agent, &path, "msg-1", &note).await;
    again.expect(201);
    assert!(replayed(&again) && !replayed(&first));
    assert_eq!(again.json["number"], num.as_str());

    // Same key, other body.
    let other = json!({ "kind": "note", "body": "অন্য নোট" });
    post_keyed(&t, &t.agent, &path, "msg-1", &other)
        .await
        .problem_of(422, "idempotency-key-reused");

    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"2\"");
    let msgs = detail["messages"].as_array().expect("messages");
    let kinds: Vec<&str> = msgs.iter().filter_map(|m| m["kind"].as_str()).collect();
    assert_eq!(kinds, ["inbound", "note"], "{detail}");

    // A reply with its own key: the retry does not send the customer a second copy.
    let reply = json!({ "kind": "reply", "body": "আমরা বিষয়টি দেখছি" });
    post_keyed(&t, &t.agent, &path, "msg-2", &reply)
        .await
        .expect(201);
    let again = post_keyed(&t, &t.agent, &path, "msg-2", &reply).await;
    again.expect(201);
    assert!(replayed(&again));
    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"3\"");
    let kinds: Vec<&str> = detail["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["inbound", "note", "reply"], "{detail}");
    assert_eq!(
        detail["case"]["status"], "open",
        "the reply opened the case"
    );
    let feed = t.outbox_through_marker("messages-done").await;
    assert_eq!(
        feed.iter().filter(|r| r.topic == "message.reply").count(),
        1,
        "one reply goes out"
    );
}

async fn concurrent_message_retries_add_one_message(t: TestApp) {
    // A few rounds, as the outcome of a race varies.
    let mut rounds = Vec::new();
    for round in 0..3 {
        let num = number(
            &t.create_case(&t.agent, &case_body("01712345678", "বার্তা"))
                .await,
        );
        let path = format!("/api/v1/cases/{num}/messages");
        let reply = json!({ "kind": "reply", "body": "আমরা বিষয়টি দেখছি" });
        let key = format!("msg-{round}");
        let answers = concurrently(&t, &t.agent, &path, &key, &reply, 8).await;
        let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
        let (detail, _) = t.case_detail(&num).await;
        let messages = detail["messages"].as_array().map_or(0, Vec::len);
        rounds.push((num, messages, statuses, answers));
    }
    let summary: Vec<(usize, &Vec<u16>)> = rounds.iter().map(|r| (r.1, &r.2)).collect();
    for (num, messages, _, answers) in &rounds {
        assert_eq!(
            *messages, 2,
            "case {num}: the complaint and one reply; (messages, answers) per round: {summary:?}"
        );
        for a in answers {
            a.expect(201);
            assert_eq!(a.text, answers[0].text);
        }
        assert_eq!(answers.iter().filter(|a| !replayed(a)).count(), 1);
    }
}

async fn message_replay_is_the_first_answer(t: TestApp) {
    let num = number(
        &t.create_case(&t.agent, &case_body("01712345678", "বার্তা"))
            .await,
    );
    let path = format!("/api/v1/cases/{num}/messages");
    let note = json!({ "kind": "note", "body": "একটি নোট" });
    let first = post_keyed(&t, &t.agent, &path, "msg-1", &note).await;
    let again = post_keyed(&t, &t.agent, &path, "msg-1", &note).await;
    first.expect(201);
    again.expect(201);
    assert_eq!(first.json["version"], 2);
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.text, first.text, "the first answer, byte for byte");
}

async fn transitions_are_idempotent(t: TestApp) {
    let num = number(
        &t.create_case(&t.agent, &case_body("01712345678", "অবস্থা"))
            .await,
    );
    let path = format!("/api/v1/cases/{num}/transitions");
    let pend = json!({ "action": "pend_customer" });

    let first = post_keyed(&t, &t.agent, &path, "move-1", &pend).await;
    first.expect(200);
    assert_eq!(first.json["status"], "pending_customer");
    let again = post_keyed(&t, &t.agent, &path, "move-1", &pend).await;
    again.expect(200);
    assert!(replayed(&again) && !replayed(&first));
    assert_eq!(again.text, first.text);
    assert_eq!(again.header("etag"), Some("\"2\""));

    // Without the key the same move is a new request, which the lifecycle refuses.
    t.transition(&t.agent, &num, "pend_customer", None)
        .await
        .problem_of(409, "invalid-transition");

    // Same key, other action.
    post_keyed(&t, &t.agent, &path, "move-1", &json!({ "action": "open" }))
        .await
        .problem_of(422, "idempotency-key-reused");

    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"2\"");
    assert_eq!(detail["case"]["status"], "pending_customer");
    let events = t
        .app
        .store
        .audit_events(&format!("case:{}", TestApp::id_of(&num)))
        .await
        .expect("audit events");
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "case.pend_customer")
            .count(),
        1
    );
}

async fn concurrent_transition_retries_get_the_first_answer(t: TestApp) {
    let num = number(
        &t.create_case(&t.agent, &case_body("01712345678", "একসাথে"))
            .await,
    );
    let path = format!("/api/v1/cases/{num}/transitions");
    let answers = concurrently(
        &t,
        &t.agent,
        &path,
        "resolve-1",
        &json!({ "action": "resolve" }),
        8,
    )
    .await;
    // Whatever the answers, the move happened once.
    let (detail, etag) = t.case_detail(&num).await;
    assert_eq!(etag, "\"2\"");
    assert_eq!(detail["case"]["status"], "resolved");
    for a in &answers {
        assert_eq!(
            a.status.as_u16(),
            200,
            "a retry with the same key must get the first answer, not: {}",
            a.text
        );
        assert_eq!(a.text, answers[0].text);
    }
}
