//! The customer's side: file a complaint, track it with a code by SMS, read and reply.

use reqwest::Method;
use serde_json::{Value, json};

use seba_core::ids::{CaseId, CaseNumber};

use crate::common::{Answer, TestApp};

both_engines! {
    customer_files_tracks_and_replies => sqlite_customer_files_tracks_and_replies, postgres_customer_files_tracks_and_replies;
}

sqlite_only! {
    public_complaint_errors_name_the_request_fields =>
        sqlite_public_complaint_errors_name_the_request_fields;
    customer_reply_retries_add_one_message =>
        sqlite_customer_reply_retries_add_one_message;
    tracking_codes_are_limited_per_number => sqlite_tracking_codes_are_limited_per_number;
}

const MSISDN: &str = "01812345678";

async fn complain(t: &TestApp, body: &Value) -> Answer {
    TestApp::send(t.anon(Method::POST, "/api/v1/public/complaints").json(body)).await
}

fn sms_rows_to(rows: &[seba_store::OutboxRow], e164: &str) -> usize {
    rows.iter()
        .filter(|r| r.topic == "sms.send" && r.payload["to"] == e164)
        .count()
}

async fn customer_files_tracks_and_replies(t: TestApp) {
    let description = "এজেন্টের কাছে ২০০০ টাকা ক্যাশ আউট করেছি, টাকা পাইনি।";
    let a = complain(
        &t,
        &json!({
            "category": "mfs.cash_out",
            "description": description,
            "name": "সালমা বেগম",
            "msisdn": MSISDN,
        }),
    )
    .await;
    let accepted = a.expect(201).clone();
    let num = accepted["number"].as_str().expect("a number").to_string();
    let id = CaseNumber::parse(&num).expect("the number parses").id();
    assert!(accepted["resolution_due"].is_string());
    for lang in ["bn", "en"] {
        assert!(
            accepted["message"][lang]
                .as_str()
                .is_some_and(|m| m.contains(&num)),
            "the acknowledgement names the number: {accepted}"
        );
    }

    // The acknowledgement is queued in the same commit.
    let row = t
        .wait_outbox("case.created", |r| {
            r.topic == "case.created" && r.case_id == Some(id)
        })
        .await;
    assert_eq!(row.payload["number"], num.as_str());

    // Staff see a web case with the customer as author.
    let (detail, _) = t.case_detail(&num).await;
    assert_eq!(detail["case"]["channel"], "web");
    assert_eq!(detail["case"]["requester"]["msisdn"], "+8801812345678");
    assert_eq!(detail["messages"][0]["author"], "customer");

    // Staff answer, and keep a note the customer must never see.
    let secret = "INTERNAL: suspect agent 0199 — do not tell the customer";
    t.post(
        &t.agent,
        &format!("/api/v1/cases/{num}/messages"),
        &json!({ "kind": "note", "body": secret }),
    )
    .await
    .expect(201);
    let staff_reply = "আমরা এজেন্টের সাথে কথা বলছি।";
    t.post(
        &t.agent,
        &format!("/api/v1/cases/{num}/messages"),
        &json!({ "kind": "reply", "body": staff_reply }),
    )
    .await
    .expect(201);

    // Step 1 with the right number (written the international way): a code by SMS.
    let right = t.start_tracking(&num, "+880 1812-345678").await;
    let started = right.expect(202).clone();
    let challenge = started["challenge_id"]
        .as_str()
        .expect("a challenge")
        .to_string();
    let code = t.sms_code(&challenge).await;
    let sms = t
        .wait_outbox("the code SMS", |r| {
            r.topic == "sms.send" && r.payload["key"] == format!("otp:{challenge}")
        })
        .await;
    assert_eq!(sms.payload["to"], "+8801812345678");

    // Step 1 with a wrong number, or for a case that does not exist: the same answer, no SMS.
    let wrong = t.start_tracking(&num, "01998765432").await;
    let ghost = CaseNumber::from_id(CaseId(id.0 + 500)).to_string();
    let nowhere = t.start_tracking(&ghost, MSISDN).await;
    for a in [&wrong, &nowhere] {
        let j = a.expect(202);
        let keys: Vec<&String> = j.as_object().expect("an object").keys().collect();
        let right_keys: Vec<&String> = started.as_object().expect("an object").keys().collect();
        assert_eq!(keys, right_keys);
        assert_eq!(j["message"], started["message"]);
        assert_eq!(
            j["challenge_id"].as_str().map(str::len),
            Some(challenge.len())
        );
    }
    let wrong_challenge = wrong.json["challenge_id"].as_str().expect("a challenge");
    let nowhere_challenge = nowhere.json["challenge_id"].as_str().expect("a challenge");
    let feed = t.outbox_through_marker("tracking-sms").await;
    assert_eq!(sms_rows_to(&feed, "+8801998765432"), 0);
    assert_eq!(sms_rows_to(&feed, "+8801812345678"), 1, "only the one code");
    assert!(
        !feed
            .iter()
            .any(|r| r.payload["key"] == format!("otp:{wrong_challenge}")
                || r.payload["key"] == format!("otp:{nowhere_challenge}"))
    );
    // A mistyped case number is named.
    let mut typo: Vec<char> = num.chars().collect();
    let last = typo.len() - 1;
    typo[last] = if typo[last] == '0' { '1' } else { '0' };
    let typo: String = typo.into_iter().collect();
    t.start_tracking(&typo, MSISDN)
        .await
        .problem_of(422, "validation");
    let a = t.start_tracking(&num, "12345").await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["msisdn"]);

    // Step 2: a wrong code is refused; the right one (in Bengali digits) opens the case.
    let wrong_code = format!(
        "{:06}",
        (code.parse::<u32>().expect("digits") + 1) % 1_000_000
    );
    t.verify_code(&challenge, &wrong_code)
        .await
        .problem_of(422, "bad-code");
    t.verify_code(wrong_challenge, &code)
        .await
        .problem_of(422, "bad-code");
    let bn_code = seba_core::text::bengali_digits(&code);
    let a = t.verify_code(&challenge, &bn_code).await;
    let view = a.expect(200).clone();
    assert_eq!(view["number"], num.as_str());
    assert_eq!(view["status"], "open", "the staff reply opened it: {view}");
    assert_eq!(view["category"], "mfs.cash_out");
    for lang in ["bn", "en"] {
        assert!(
            view["promise"][lang]
                .as_str()
                .is_some_and(|p| !p.is_empty()),
            "{view}"
        );
    }
    let messages = view["messages"].as_array().expect("messages");
    let seen: Vec<(&str, &str)> = messages
        .iter()
        .map(|m| {
            (
                m["from"].as_str().unwrap_or_default(),
                m["body"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(seen, [("you", description), ("support", staff_reply)]);
    assert!(
        !a.text.contains("INTERNAL"),
        "no internal notes: {}",
        a.text
    );
    assert!(
        !a.text.contains(&format!("user:{}", t.agent.id)),
        "no staff identities"
    );
    let token = view["view_token"]
        .as_str()
        .expect("a view token")
        .to_string();
    // A code is used once.
    t.verify_code(&challenge, &code)
        .await
        .problem_of(422, "bad-code");

    // The view pass reads the case again, for this case only.
    let show = |token: Option<String>, number: String| {
        let mut rb = t.anon(Method::GET, &format!("/api/v1/public/cases/{number}"));
        if let Some(tok) = token {
            rb = rb.bearer_auth(tok);
        }
        TestApp::send(rb)
    };
    let a = show(Some(token.clone()), num.clone()).await;
    assert_eq!(a.expect(200)["number"], num.as_str());
    assert!(!a.text.contains("INTERNAL"));
    show(None, num.clone())
        .await
        .problem_of(401, "unauthorized");
    let mut forged = token.clone();
    forged.push('0');
    show(Some(forged), num.clone())
        .await
        .problem_of(401, "unauthorized");
    // Another customer's pass does not open this case, nor does this pass open theirs.
    let other_msisdn = "01712000111";
    let other = complain(
        &t,
        &json!({ "category": "mfs.pin_lock", "description": "পিন লক", "msisdn": other_msisdn }),
    )
    .await;
    let other_num = other.expect(201)["number"]
        .as_str()
        .expect("a number")
        .to_string();
    let other_view = t.customer_view(&other_num, other_msisdn).await;
    let other_token = other_view["view_token"]
        .as_str()
        .expect("a token")
        .to_string();
    show(Some(other_token.clone()), num.clone())
        .await
        .problem_of(401, "unauthorized");
    show(Some(token.clone()), other_num.clone())
        .await
        .problem_of(401, "unauthorized");
    t.customer_reply(&num, &other_token, "অন্যের কেসে উত্তর")
        .await
        .problem_of(401, "unauthorized");

    // A reply with the pass lands in the thread as the customer's.
    let a = t
        .customer_reply(&num, &token, "এজেন্টের নম্বর 01700000000")
        .await;
    let accepted = a.expect(201).clone();
    assert_eq!(accepted["number"], num.as_str(), "{accepted}");
    assert!(
        accepted["promise"]["bn"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{accepted}"
    );
    // The customer's view now shows the reply as theirs.
    let after = show(Some(token.clone()), num.clone())
        .await
        .expect(200)
        .clone();
    let msgs = after["messages"].as_array().expect("messages");
    assert_eq!(msgs.len(), 3, "{after}");
    assert_eq!(msgs[2]["from"], "you");
    let (detail, _) = t.case_detail(&num).await;
    let thread = detail["messages"].as_array().expect("messages");
    assert_eq!(thread.len(), 4, "inbound, note, reply, inbound: {detail}");
    assert_eq!(thread[3]["kind"], "inbound");
    assert_eq!(thread[3]["author"], "customer");
    assert_eq!(thread[3]["body"], "এজেন্টের নম্বর 01700000000");
    // Nothing reached the other case.
    let (other_detail, _) = t.case_detail(&other_num).await;
    assert_eq!(other_detail["messages"].as_array().map(Vec::len), Some(1));
}

async fn public_complaint_errors_name_the_request_fields(t: TestApp) {
    let a = complain(
        &t,
        &json!({ "category": "mfs.cash_out", "description": "x", "msisdn": "12345" }),
    )
    .await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["msisdn"], "{}", a.text);
    let a = complain(
        &t,
        &json!({ "category": "mfs.cash_out", "description": "  ", "msisdn": MSISDN }),
    )
    .await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["description"], "{}", a.text);
}

async fn customer_reply_retries_add_one_message(t: TestApp) {
    let a = complain(
        &t,
        &json!({ "category": "mfs.cash_out", "description": "একবার", "msisdn": MSISDN }),
    )
    .await;
    let num = a.expect(201)["number"]
        .as_str()
        .expect("a number")
        .to_string();
    let view = t.customer_view(&num, MSISDN).await;
    let token = view["view_token"].as_str().expect("a token").to_string();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let rb = t
            .anon(
                Method::POST,
                &format!("/api/v1/public/cases/{num}/messages"),
            )
            .bearer_auth(&token)
            .header("idempotency-key", "reply-1")
            .json(&json!({ "body": "একবারই যাবে" }));
        tasks.push(tokio::spawn(TestApp::send(rb)));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("a request task").status.as_u16());
    }
    let (detail, _) = t.case_detail(&num).await;
    let inbound = detail["messages"].as_array().map(Vec::len);
    assert_eq!(
        inbound,
        Some(2),
        "the complaint and one reply (answers: {statuses:?}): {detail}"
    );
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
}

async fn tracking_codes_are_limited_per_number(t: TestApp) {
    let a = complain(
        &t,
        &json!({ "category": "mfs.cash_out", "description": "কোড", "msisdn": MSISDN }),
    )
    .await;
    let num = a.expect(201)["number"]
        .as_str()
        .expect("a number")
        .to_string();

    // Sequential retries with one key replay the reply.
    let view = t.customer_view(&num, MSISDN).await;
    let token = view["view_token"].as_str().expect("a token").to_string();
    let send = || {
        TestApp::send(
            t.anon(
                Method::POST,
                &format!("/api/v1/public/cases/{num}/messages"),
            )
            .bearer_auth(&token)
            .header("idempotency-key", "r-1")
            .json(&json!({ "body": "একটি উত্তর" })),
        )
    };
    let first = send().await;
    let again = send().await;
    first.expect(201);
    again.expect(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.text, again.text);

    // Five codes an hour per number (one spent above), whether or not the number matches.
    for _ in 0..4 {
        t.start_tracking(&num, MSISDN).await.expect(202);
    }
    t.start_tracking(&num, MSISDN)
        .await
        .problem_of(429, "rate-limited");
    let (detail, _) = t.case_detail(&num).await;
    assert_eq!(detail["messages"].as_array().map(Vec::len), Some(2));
}
