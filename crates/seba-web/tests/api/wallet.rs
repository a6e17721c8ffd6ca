//! Wallet PINs over HTTP: the two-step self reset end to end (the temporary PIN read off
//! the outbox's SMS, as the gateway would send it), then the new PIN works and the old one
//! does not; an unknown number gets an answer shaped exactly like a known one's; every
//! wrong identity answer reads the same; a replayed confirm, a step out of order and a
//! made-up token are refused without changing anything; bad formats are a 422 naming the
//! field (Bengali digits are fine); the reset is rate-limited per client address; 20
//! wrong PINs at once check exactly 3 (both engines); agents read an account's lock state
//! without its secrets, only supervisors unlock, with a reason; and random bodies never
//! get a 5xx.

use std::net::{IpAddr, Ipv4Addr};

use jiff::SignedDuration;
use reqwest::{Client, Method};
use serde_json::{Value, json};

use seba_web::RateLimits;

use crate::common::{Answer, Engine, StaffUser, TestApp};
use crate::wallet_fixture::*;

both_engines! {
    full_reset_flow => sqlite_wallet_full_reset_flow, postgres_wallet_full_reset_flow;
    unknown_numbers_look_the_same =>
        sqlite_wallet_unknown_numbers_look_the_same, postgres_wallet_unknown_numbers_look_the_same;
    wrong_answers_read_the_same =>
        sqlite_wallet_wrong_answers_read_the_same, postgres_wallet_wrong_answers_read_the_same;
    steps_out_of_order_and_replays =>
        sqlite_wallet_steps_out_of_order_and_replays, postgres_wallet_steps_out_of_order_and_replays;
    twenty_wrong_pins_at_once_check_three =>
        sqlite_wallet_twenty_wrong_pins_at_once_check_three,
        postgres_wallet_twenty_wrong_pins_at_once_check_three;
    staff_see_lock_state_and_supervisors_unlock =>
        sqlite_wallet_staff_see_lock_state_and_supervisors_unlock,
        postgres_wallet_staff_see_lock_state_and_supervisors_unlock;
}

sqlite_only! {
    bad_formats_name_the_field => sqlite_wallet_bad_formats_name_the_field;
    verification_needs_an_api_token => sqlite_wallet_verification_needs_an_api_token;
}

/// Three public requests a minute, so the test can use them up.
fn small() -> RateLimits {
    RateLimits {
        public_per_minute: 3,
        ..RateLimits::default()
    }
}

/// The fuzz test sends hundreds of requests from one address.
fn unlimited() -> RateLimits {
    RateLimits {
        public_per_minute: 1_000_000,
        ..RateLimits::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_wallet_reset_is_rate_limited_per_client() {
    crate::common::run(
        Engine::Sqlite,
        "sqlite_wallet_reset_is_rate_limited_per_client",
        small(),
        rate_limited_per_client,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_wallet_random_bodies_never_get_a_5xx() {
    crate::common::run(
        Engine::Sqlite,
        "sqlite_wallet_random_bodies_never_get_a_5xx",
        unlimited(),
        random_bodies_never_get_a_5xx,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_wallet_random_bodies_never_get_a_5xx() {
    crate::common::run(
        Engine::Postgres,
        "postgres_wallet_random_bodies_never_get_a_5xx",
        unlimited(),
        random_bodies_never_get_a_5xx,
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// The account and how a customer talks to the API
// ---------------------------------------------------------------------------------------

async fn post(t: &TestApp, path: &str, body: &Value) -> Answer {
    TestApp::send(t.anon(Method::POST, path).json(body)).await
}

async fn start(t: &TestApp, number: &str) -> Answer {
    post(t, "/api/v1/pin-reset", &json!({ "msisdn": number })).await
}

async fn identity(t: &TestApp, token: &str, nid: &str, dob: &str, choice: Value) -> Answer {
    post(
        t,
        "/api/v1/pin-reset/identity",
        &json!({ "token": token, "nid": nid, "date_of_birth": dob, "choice": choice }),
    )
    .await
}

async fn confirm(t: &TestApp, token: &str, temporary: &str, new: &str, again: &str) -> Answer {
    post(
        t,
        "/api/v1/pin-reset/confirm",
        &json!({ "token": token, "temporary_pin": temporary, "new_pin": new, "new_pin_again": again }),
    )
    .await
}

async fn verify(t: &TestApp, who: &StaffUser, number: &str, p: &str) -> Answer {
    t.post(
        who,
        "/api/v1/wallet/pin/verify",
        &json!({ "msisdn": number, "pin": p }),
    )
    .await
}

/// The position of the one choice that is a transaction the customer made, as the
/// customer would pick it.
fn right_choice(started: &Value) -> usize {
    let choices = started["choices"].as_array().expect("choices");
    let mine: Vec<usize> = choices
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            TXS.iter()
                .any(|(k, a)| c["kind"] == json!(k) && c["amount_poisha"] == json!(a))
        })
        .map(|(i, _)| i)
        .collect();
    assert_eq!(mine.len(), 1, "exactly one real choice in {started}");
    mine[0]
}

/// The `n`-th temporary PIN of the reset `token` (1 = the identity step's, 2 = the first
/// resend's), read from its SMS in the outbox as the gateway would send it. The SMS is
/// keyed by the reset's public reference: the first 16 hex digits of the token's hash.
async fn temporary_pin(t: &TestApp, token: &str, n: u32) -> String {
    let hash = t.app.token_hash(&format!("pin-reset:{token}"));
    let key = format!("pin-reset:{}:otp{n}", &hash[..16]);
    let row = t
        .wait_outbox(&key, |r| {
            r.topic == "sms.send" && r.payload["key"] == json!(key)
        })
        .await;
    assert_eq!(row.payload["to"], json!(E164));
    let text = row.payload["text"].as_str().expect("an SMS text");
    let digits: String = text
        .split("PIN is ")
        .nth(1)
        .map(|s| s.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    assert_eq!(digits.len(), 5, "a 5-digit temporary PIN in {text:?}");
    digits
}

/// Start and pass the identity step for [`NUMBER`]: the token and the temporary PIN.
async fn through_identity(t: &TestApp) -> (String, String) {
    let a = start(t, NUMBER).await;
    let started = a.expect(201).clone();
    let token = started["token"].as_str().expect("a token").to_string();
    identity(t, &token, NID, DOB, json!(right_choice(&started)))
        .await
        .expect(200);
    let temporary = temporary_pin(t, &token, 1).await;
    (token, temporary)
}

/// The actions on an account's audit chain, oldest first.
async fn actions(t: &TestApp, e164: &str) -> Vec<String> {
    t.audit_events(&format!("wallet:{e164}"))
        .await
        .into_iter()
        .map(|e| e.action)
        .collect()
}

// ---------------------------------------------------------------------------------------
// The flow
// ---------------------------------------------------------------------------------------

async fn full_reset_flow(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    // The customer forgot the PIN and locked the account.
    for left in [2, 1] {
        let v = verify(&t, &t.agent, NUMBER, WRONG).await;
        assert_eq!(
            v.expect(200),
            &json!({ "result": "wrong", "attempts_left": left })
        );
    }
    let v = verify(&t, &t.agent, NUMBER, WRONG).await;
    assert_eq!(v.expect(200)["result"], "locked", "{}", v.text);
    let locked_until = v.json["locked_until"]
        .as_str()
        .expect("until when")
        .to_string();
    assert!(locked_until.parse::<jiff::Timestamp>().is_ok());

    // Step 1: a token, four choices with labels in both languages.
    let a = start(&t, "০১৭১২-৩৪৫৬৭৮").await;
    let started = a.expect(201).clone();
    assert_eq!(a.header("cache-control"), Some("no-store"));
    let token = started["token"].as_str().expect("a token").to_string();
    assert!(token.len() >= 32, "{token}");
    let choices = started["choices"].as_array().expect("choices");
    assert_eq!(choices.len(), 4, "{started}");
    for c in choices {
        assert!(c["kind"].is_string() && c["amount_poisha"].is_i64(), "{c}");
        let (bn, en) = (
            c["label"]["bn"].as_str().unwrap_or(""),
            c["label"]["en"].as_str().unwrap_or(""),
        );
        assert!(bn.contains('৳') && en.contains('৳'), "{c}");
        assert!(
            !bn.chars().any(|ch| ch.is_ascii_digit()),
            "Bengali digits: {bn}"
        );
    }
    assert!(
        started["expires_at"]
            .as_str()
            .is_some_and(|s| s.parse::<jiff::Timestamp>().is_ok())
    );
    let choice = right_choice(&started);

    // The identity, typed in Bengali digits, the choice as text.
    let a = identity(
        &t,
        &token,
        NID_BN,
        DOB_BN,
        json!(seba_core::text::bengali_digits(&choice.to_string())),
    )
    .await;
    let passed = a.expect(200);
    assert_eq!(passed["masked_msisdn"], "01712-***678");
    assert_eq!(passed["resends_left"], 2);
    let otp_until: jiff::Timestamp = passed["temporary_pin_expires_at"]
        .as_str()
        .expect("until when")
        .parse()
        .expect("a time");
    assert_eq!(otp_until, t.app.now() + SignedDuration::from_mins(5));
    let temporary = temporary_pin(&t, &token, 1).await;

    // Step 2, the new PIN in Bengali digits.
    let a = confirm(
        &t,
        &token,
        &seba_core::text::bengali_digits(&temporary),
        NEW_BN,
        NEW,
    )
    .await;
    a.expect(204);
    assert!(a.text.is_empty());

    // The new PIN works at once (the lock is gone); the old one does not.
    let v = verify(&t, &t.agent, NUMBER, NEW).await;
    assert_eq!(v.expect(200), &json!({ "result": "right" }));
    let v = verify(&t, &t.agent, NUMBER, CURRENT).await;
    assert_eq!(
        v.expect(200),
        &json!({ "result": "wrong", "attempts_left": 2 })
    );
    let v = verify(&t, &t.agent, NUMBER, NEW).await;
    assert_eq!(v.expect(200)["result"], "right");

    // The customer was told; the reset is on the account's audit chain.
    t.wait_outbox("the PIN-changed SMS", |r| {
        r.topic == "sms.send"
            && r.payload["to"] == json!(E164)
            && r.payload["key"]
                .as_str()
                .is_some_and(|k| k.ends_with(":done"))
    })
    .await;
    let acts = actions(&t, E164).await;
    for a in [
        "pin.locked",
        "reset.started",
        "reset.identity_passed",
        "reset.completed",
        "pin.right",
    ] {
        assert!(acts.iter().any(|x| x == a), "{a} in {acts:?}");
    }

    // A replayed confirm changes nothing: the reset is done.
    let events = t.audit_events(&format!("wallet:{E164}")).await.len();
    let a = confirm(&t, &token, &temporary, "80642", "80642").await;
    a.problem_of(409, "reset-out-of-order");
    assert_eq!(
        t.audit_events(&format!("wallet:{E164}")).await.len(),
        events
    );
    assert_eq!(
        verify(&t, &t.agent, NUMBER, NEW).await.json["result"],
        "right"
    );
}

async fn unknown_numbers_look_the_same(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    let known = start(&t, NUMBER).await;
    let unknown = start(&t, "01812345670").await;
    known.expect(201);
    unknown.expect(201);
    // Every key and the JSON type of every value; a token's length.
    let shape = |v: &Value| -> Vec<(String, &'static str)> {
        fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, &'static str)>) {
            match v {
                Value::Object(o) => o
                    .iter()
                    .for_each(|(k, v)| walk(&format!("{prefix}.{k}"), v, out)),
                Value::Array(a) => a.iter().for_each(|v| walk(&format!("{prefix}[]"), v, out)),
                Value::String(_) => out.push((prefix.into(), "string")),
                Value::Number(_) => out.push((prefix.into(), "number")),
                Value::Bool(_) => out.push((prefix.into(), "bool")),
                Value::Null => out.push((prefix.into(), "null")),
            }
        }
        let mut out = vec![];
        walk("", v, &mut out);
        out
    };
    assert_eq!(
        known.json["token"].as_str().map(str::len),
        unknown.json["token"].as_str().map(str::len)
    );
    assert_eq!(
        shape(&known.json),
        shape(&unknown.json),
        "{} vs {}",
        known.text,
        unknown.text
    );
    assert_eq!(known.json["expires_at"], unknown.json["expires_at"]);
    let header_names = |a: &Answer| -> Vec<String> {
        let mut h: Vec<String> = a.headers.keys().map(|k| k.to_string()).collect();
        h.sort();
        h
    };
    assert_eq!(header_names(&known), header_names(&unknown));
    assert_eq!(known.header("content-type"), unknown.header("content-type"));
    // The same choices every time for either: a second start gives nothing away.
    let again = start(&t, "01812345670").await;
    assert_eq!(again.expect(201)["choices"], unknown.json["choices"]);
    let again = start(&t, NUMBER).await;
    assert_eq!(again.expect(201)["choices"], known.json["choices"]);

    // Any answer for the unknown number fails as a wrong answer for a known one does.
    let token = unknown.json["token"].as_str().expect("a token");
    let known_token = known.json["token"].as_str().expect("a token");
    let right = right_choice(&known.json);
    let wrong_choice = (right + 1) % 4;
    let for_known = identity(&t, known_token, NID, DOB, json!(wrong_choice)).await;
    let for_unknown = identity(&t, token, NID, DOB, json!(right)).await;
    for_known.problem_of(422, "reset-not-verified");
    for_unknown.problem_of(422, "reset-not-verified");
    assert_eq!(for_known.text, for_unknown.text);
    // No SMS went to the unknown number.
    let rows = t.outbox_through_marker("wallet-unknown-marker").await;
    assert!(
        rows.iter()
            .all(|r| r.topic != "sms.send" || r.payload["to"] != json!("+8801812345670"))
    );
}

async fn wrong_answers_read_the_same(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    let a = start(&t, NUMBER).await;
    let started = a.expect(201).clone();
    let token = started["token"].as_str().expect("a token");
    let right = right_choice(&started);
    let answers = [
        identity(&t, token, "4623145988", DOB, json!(right)).await,
        identity(&t, token, NID, "1990-03-26", json!(right)).await,
        identity(&t, token, NID, DOB, json!((right + 1) % 4)).await,
    ];
    for a in &answers {
        let p = a.problem_of(422, "reset-not-verified");
        assert!(p.get("errors").is_none(), "no field is named: {p}");
        assert_eq!(a.text, answers[0].text);
    }
    // Three wrong answers end the session, even with the right ones now.
    let a = identity(&t, token, NID, DOB, json!(right)).await;
    a.problem_of(410, "reset-expired");
    // The failures are audited (never the answers).
    let events = t.audit_events(&format!("wallet:{E164}")).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "reset.identity_failed")
            .count(),
        3
    );
    for e in &events {
        for secret in [NID, "4623145988", "1990-03-26", token] {
            assert!(!e.after.contains(secret), "{} holds a secret", e.after);
        }
    }

    // Two more failed resets today block the number for 4 hours, with Retry-After.
    let b = start(&t, NUMBER).await.expect(201).clone();
    let token = b["token"].as_str().expect("a token");
    for _ in 0..2 {
        identity(&t, token, "4623145988", DOB, json!(0))
            .await
            .problem_of(422, "reset-not-verified");
    }
    let a = start(&t, NUMBER).await;
    a.problem_of(429, "reset-blocked");
    assert_eq!(a.header("retry-after"), Some("14400"));
}

async fn steps_out_of_order_and_replays(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    let a = start(&t, NUMBER).await;
    let started = a.expect(201).clone();
    let token = started["token"].as_str().expect("a token").to_string();
    // Confirm and resend before the identity step.
    confirm(&t, &token, "24680", NEW, NEW)
        .await
        .problem_of(409, "reset-out-of-order");
    post(&t, "/api/v1/pin-reset/resend", &json!({ "token": token }))
        .await
        .problem_of(409, "reset-out-of-order");
    // The identity step twice.
    let right = right_choice(&started);
    identity(&t, &token, NID, DOB, json!(right))
        .await
        .expect(200);
    identity(&t, &token, NID, DOB, json!(right))
        .await
        .problem_of(409, "reset-out-of-order");
    // A resend: a new temporary PIN, and the first one no longer works.
    let first = temporary_pin(&t, &token, 1).await;
    let a = post(&t, "/api/v1/pin-reset/resend", &json!({ "token": token })).await;
    assert_eq!(a.expect(202)["resends_left"], 1);
    let second = temporary_pin(&t, &token, 2).await;
    if first != second {
        let a = confirm(&t, &token, &first, NEW, NEW).await;
        let p = a.problem_of(422, "wrong-temporary-pin");
        assert_eq!(a.error_fields(), ["temporary_pin"], "{p}");
    }
    // A weak or mismatched new PIN is named and uses up no attempt.
    let a = confirm(&t, &token, &second, "11111", "11111").await;
    a.problem_of(422, "weak-pin");
    assert_eq!(a.error_fields(), ["new_pin"]);
    let a = confirm(&t, &token, &second, "25031", "25031").await;
    assert_eq!(
        a.error_fields(),
        ["new_pin"],
        "the date of birth: {}",
        a.text
    );
    let a = confirm(&t, &token, &second, CURRENT, CURRENT).await;
    assert_eq!(a.error_fields(), ["new_pin"], "the current PIN: {}", a.text);
    let a = confirm(&t, &token, &second, NEW, "70518").await;
    a.problem(422);
    assert_eq!(a.error_fields(), ["new_pin_again"]);
    confirm(&t, &token, &second, NEW, NEW).await.expect(204);
    // Replayed, at every step.
    confirm(&t, &token, &second, NEW, NEW)
        .await
        .problem_of(409, "reset-out-of-order");
    identity(&t, &token, NID, DOB, json!(right))
        .await
        .problem_of(409, "reset-out-of-order");
    // A made-up token reads like an expired one; so does a session that ran out.
    let forged = "A".repeat(43);
    identity(&t, &forged, NID, DOB, json!(0))
        .await
        .problem_of(410, "reset-expired");
    confirm(&t, &forged, "24680", NEW, NEW)
        .await
        .problem_of(410, "reset-expired");
    let late = start(&t, NUMBER).await.expect(201).clone();
    t.clock.advance(SignedDuration::from_mins(16));
    identity(
        &t,
        late["token"].as_str().expect("a token"),
        NID,
        DOB,
        json!(right_choice(&late)),
    )
    .await
    .problem_of(410, "reset-expired");
    // And a temporary PIN that ran out is named, with the way on.
    t.clock.advance(SignedDuration::from_hours(1));
    let (token, temporary) = through_identity(&t).await;
    t.clock.advance(SignedDuration::from_mins(6));
    let a = confirm(&t, &token, &temporary, "80642", "80642").await;
    a.problem_of(422, "temporary-pin-expired");
    assert_eq!(a.error_fields(), ["temporary_pin"]);
}

async fn bad_formats_name_the_field(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    let fields = |a: &Answer| {
        a.problem(422);
        a.error_fields()
    };
    // Step 1.
    for bad in [
        json!("01712abc678"),
        json!("0171234567"),
        json!("01212345678"),
        json!(1712345678),
        json!(""),
        json!(null),
        json!(["01712345678"]),
    ] {
        let a = post(&t, "/api/v1/pin-reset", &json!({ "msisdn": bad })).await;
        assert_eq!(fields(&a), ["msisdn"], "{bad}: {}", a.text);
    }
    let a = post(&t, "/api/v1/pin-reset", &json!({})).await;
    assert_eq!(fields(&a), ["msisdn"]);
    let a = post(
        &t,
        "/api/v1/pin-reset",
        &json!({ "msisdn": NUMBER, "pin": "48213" }),
    )
    .await;
    assert_eq!(fields(&a), ["pin"], "an unknown field is named");
    let a = TestApp::send(
        t.anon(Method::POST, "/api/v1/pin-reset")
            .header("content-type", "application/json")
            .body("{\"msisdn\": "),
    )
    .await;
    a.problem(400);
    let a = TestApp::send(
        t.anon(Method::POST, "/api/v1/pin-reset")
            .header("content-type", "text/plain")
            .body(format!("{{\"msisdn\": \"{NUMBER}\"}}")),
    )
    .await;
    a.problem(415);

    // The identity step: every field at fault is named at once; the value never echoed.
    let started = start(&t, NUMBER).await.expect(201).clone();
    let token = started["token"].as_str().expect("a token").to_string();
    for (nid, dob, choice, want) in [
        ("46231459AB", DOB, json!(0), vec!["nid"]),
        ("462314598", DOB, json!(0), vec!["nid"]),
        ("46231459870", DOB, json!(0), vec!["nid"]),
        (NID, "31/02/1990", json!(0), vec!["date_of_birth"]),
        (NID, "1990/03/25", json!(0), vec!["date_of_birth"]),
        (NID, "25 March 1990", json!(0), vec!["date_of_birth"]),
        (NID, "2030-01-01", json!(0), vec!["date_of_birth"]),
        (NID, "1850-01-01", json!(0), vec!["date_of_birth"]),
        (NID, DOB, json!("x"), vec!["choice"]),
        (NID, DOB, json!(-1), vec!["choice"]),
        (NID, DOB, json!(1.5), vec!["choice"]),
        (NID, DOB, json!(true), vec!["choice"]),
        (
            "x",
            "y",
            json!(null),
            vec!["nid", "date_of_birth", "choice"],
        ),
    ] {
        let a = identity(&t, &token, nid, dob, choice.clone()).await;
        assert_eq!(fields(&a), want, "{nid} {dob} {choice}: {}", a.text);
        if nid.len() > 3 {
            assert!(!a.text.contains(nid), "echoed the NID: {}", a.text);
        }
    }
    let a = identity(&t, "", NID, DOB, json!(0)).await;
    assert_eq!(fields(&a), ["token"]);
    let a = post(
        &t,
        "/api/v1/pin-reset/identity",
        &json!({ "token": token, "nid": 4623145987u64, "date_of_birth": DOB, "choice": 0 }),
    )
    .await;
    assert_eq!(fields(&a), ["nid"]);
    // None of those used up an attempt: the right answers still pass.
    identity(&t, &token, NID, DOB, json!(right_choice(&started)))
        .await
        .expect(200);
    let temporary = temporary_pin(&t, &token, 1).await;

    // The confirm step.
    for (tmp, new, again, want) in [
        ("12a45", NEW, NEW, vec!["temporary_pin"]),
        (
            temporary.as_str(),
            "7051",
            "7051",
            vec!["new_pin", "new_pin_again"],
        ),
        (temporary.as_str(), "705199", NEW, vec!["new_pin"]),
        (temporary.as_str(), NEW, "abcde", vec!["new_pin_again"]),
        (temporary.as_str(), "৭০৫১", NEW, vec!["new_pin"]),
        (
            "",
            "",
            "",
            vec!["temporary_pin", "new_pin", "new_pin_again"],
        ),
    ] {
        let a = confirm(&t, &token, tmp, new, again).await;
        assert_eq!(fields(&a), want, "{tmp} {new} {again}: {}", a.text);
    }
    let a = post(
        &t,
        "/api/v1/pin-reset/confirm",
        &json!({ "token": token, "temporary_pin": temporary, "new_pin": 70519, "new_pin_again": NEW }),
    )
    .await;
    assert_eq!(fields(&a), ["new_pin"], "a PIN as a number: {}", a.text);
    assert!(!a.text.contains("70519"));
    let a = post(
        &t,
        "/api/v1/pin-reset/confirm",
        &json!({ "token": token, "temporary_pin": temporary, "new_pin": NEW }),
    )
    .await;
    assert_eq!(fields(&a), ["new_pin_again"]);
    // Bengali digits are fine everywhere.
    confirm(
        &t,
        &token,
        &seba_core::text::bengali_digits(&temporary),
        NEW_BN,
        NEW_BN,
    )
    .await
    .expect(204);

    // Verification.
    for (p, want) in [
        ("abcde", "pin"),
        ("4821", "pin"),
        ("482130", "pin"),
        ("", "pin"),
    ] {
        let a = verify(&t, &t.agent, NUMBER, p).await;
        assert_eq!(fields(&a), [want], "{p}: {}", a.text);
    }
    let a = verify(&t, &t.agent, "12345", NEW).await;
    assert_eq!(fields(&a), ["msisdn"]);
    let a = t
        .post(
            &t.agent,
            "/api/v1/wallet/pin/verify",
            &json!({ "msisdn": NUMBER, "pin": 70519 }),
        )
        .await;
    assert_eq!(fields(&a), ["pin"]);
    // Nothing wrong-shaped was counted against the account.
    assert!(
        actions(&t, E164)
            .await
            .iter()
            .all(|a| !a.starts_with("pin.")),
        "no PIN attempt recorded"
    );
    let a = verify(&t, &t.agent, "+880 1712-345678", NEW_BN).await;
    assert_eq!(
        a.expect(200)["result"],
        "right",
        "Bengali digits: {}",
        a.text
    );

    // Staff routes.
    let a = t.get(&t.agent, "/api/v1/wallets/not-a-number").await;
    assert_eq!(fields(&a), ["msisdn"]);
    let a = t
        .post(
            &t.supervisor,
            &format!("/api/v1/wallets/{NUMBER}/unlock"),
            &json!({}),
        )
        .await;
    assert_eq!(fields(&a), ["reason"]);
    let a = t
        .post(
            &t.supervisor,
            &format!("/api/v1/wallets/{NUMBER}/unlock"),
            &json!({ "reason": "  " }),
        )
        .await;
    assert_eq!(fields(&a), ["reason"]);
    let a = t
        .post(
            &t.supervisor,
            &format!("/api/v1/wallets/{NUMBER}/unlock"),
            &json!({ "reason": 42 }),
        )
        .await;
    assert_eq!(fields(&a), ["reason"]);

    // The document says every field is required, though the handlers read them loosely
    // (to name the field of a value of the wrong type).
    let doc = TestApp::send(t.anon(Method::GET, "/api/openapi.json")).await;
    let schemas = &doc.expect(200)["components"]["schemas"];
    for (schema, want) in [
        ("ResetStartRequest", &["msisdn"][..]),
        (
            "IdentityRequest",
            &["token", "nid", "date_of_birth", "choice"][..],
        ),
        ("ResendRequest", &["token"][..]),
        (
            "ConfirmRequest",
            &["token", "temporary_pin", "new_pin", "new_pin_again"][..],
        ),
        ("VerifyPinRequest", &["msisdn", "pin"][..]),
        ("UnlockRequest", &["reason"][..]),
    ] {
        let mut required: Vec<&str> = schemas[schema]["required"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        required.sort_unstable();
        let mut want = want.to_vec();
        want.sort_unstable();
        assert_eq!(required, want, "{schema}: {}", schemas[schema]);
    }
}

async fn rate_limited_per_client(t: TestApp) {
    // Many numbers from one client: the fourth request in the minute is refused.
    for n in ["01712345671", "01712345672", "01712345673"] {
        start(&t, n).await.expect(201);
    }
    let a = start(&t, "01712345674").await;
    a.problem_of(429, "rate-limited");
    assert!(a.header("retry-after").is_some());
    // Every step counts in the same bucket.
    post(&t, "/api/v1/pin-reset/identity", &json!({ "token": "x" }))
        .await
        .problem(429);
    post(&t, "/api/v1/pin-reset/confirm", &json!({}))
        .await
        .problem(429);
    // Another client address has its own allowance.
    let other = Client::builder()
        .no_proxy()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .build()
        .expect("a client");
    let a = Answer::read(
        other
            .post(t.url("/api/v1/pin-reset"))
            .json(&json!({ "msisdn": "01712345675" }))
            .send()
            .await
            .expect("a request from 127.0.0.2"),
    )
    .await;
    a.expect(201);
    // Trusted channels verifying PINs are not held to the public limit.
    for _ in 0..4 {
        verify(&t, &t.agent, "01712345679", WRONG).await.expect(200);
    }
}

async fn twenty_wrong_pins_at_once_check_three(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (http, url, token) = (
                t.http.clone(),
                t.url("/api/v1/wallet/pin/verify"),
                t.agent.token.clone(),
            );
            tokio::spawn(async move {
                let res = http
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({ "msisdn": NUMBER, "pin": WRONG }))
                    .send()
                    .await
                    .expect("a verify request");
                Answer::read(res).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        let a = task.await.expect("a task");
        results.push(a.expect(200).clone());
    }
    let wrong: Vec<&Value> = results.iter().filter(|r| r["result"] == "wrong").collect();
    let locked: Vec<&Value> = results.iter().filter(|r| r["result"] == "locked").collect();
    // Exactly three PINs were checked: two answered "wrong" (2, then 1 left), the third
    // placed the lock and answers "locked" with the other 17, which were never checked.
    assert_eq!((wrong.len(), locked.len()), (2, 18), "{results:?}");
    let mut left: Vec<i64> = wrong
        .iter()
        .map(|r| r["attempts_left"].as_i64().expect("attempts left"))
        .collect();
    left.sort();
    assert_eq!(left, [1, 2]);
    let until = &locked[0]["locked_until"];
    assert!(locked.iter().all(|r| &r["locked_until"] == until));
    let acc = t
        .app
        .store
        .wallet_account(E164)
        .await
        .expect("store")
        .expect("the account");
    assert_eq!((acc.failed_pins, acc.lock_count), (3, 1));
    let acts = actions(&t, E164).await;
    let count = |a: &str| acts.iter().filter(|x| *x == a).count();
    assert_eq!(
        (
            count("pin.wrong"),
            count("pin.locked"),
            count("pin.refused_locked")
        ),
        (2, 1, 17),
        "{acts:?}"
    );
    // Even the right PIN is refused now.
    let v = verify(&t, &t.agent, NUMBER, CURRENT).await;
    assert_eq!(v.expect(200)["result"], "locked");
}

async fn staff_see_lock_state_and_supervisors_unlock(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    for _ in 0..3 {
        verify(&t, &t.agent, NUMBER, WRONG).await.expect(200);
    }
    let path = format!("/api/v1/wallets/{NUMBER}");
    let a = t.get(&t.agent, &path).await;
    let o = a.expect(200);
    assert_eq!(o["msisdn"], E164);
    assert_eq!(o["locked"], true);
    assert_eq!(o["failed_pins"], 3);
    assert_eq!(o["lock_count"], 1);
    assert!(o["locked_until"].is_string());
    assert_eq!(o["history_total"], 3);
    let acts: Vec<&str> = o["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(acts, ["pin.locked", "pin.wrong", "pin.wrong"]);
    // Never a secret.
    let acc = t
        .app
        .store
        .wallet_account(E164)
        .await
        .expect("store")
        .expect("the account");
    for secret in [
        acc.pin_hash.as_str(),
        acc.nid_hash.as_str(),
        NID,
        CURRENT,
        WRONG,
        "argon2",
        "pin_hash",
        "nid",
    ] {
        assert!(!a.text.contains(secret), "{secret} in {}", a.text);
    }
    // Auditors read too; customers without a token do not.
    t.get(&t.auditor, &path).await.expect(200);
    TestApp::send(t.anon(Method::GET, &path)).await.problem(401);
    t.get(&t.agent, "/api/v1/wallets/01812345670")
        .await
        .problem(404);

    // Only supervisors (and admins) unlock.
    let unlock = format!("{path}/unlock");
    let reason =
        json!({ "reason": "Caller gave NID and date of birth; called from the registered number" });
    t.post(&t.agent, &unlock, &reason)
        .await
        .problem_of(403, "forbidden");
    t.post(&t.auditor, &unlock, &reason)
        .await
        .problem_of(403, "forbidden");
    assert_eq!(
        verify(&t, &t.agent, NUMBER, CURRENT).await.json["result"],
        "locked"
    );
    let a = t.post(&t.supervisor, &unlock, &reason).await;
    let o = a.expect(200);
    assert_eq!(o["locked"], false);
    assert_eq!(o["failed_pins"], 0);
    let h = &o["history"][0];
    assert_eq!(h["action"], "wallet.unlocked");
    assert_eq!(h["actor"], format!("user:{}", t.supervisor.id.0));
    assert_eq!(h["actor_name"], "নাসরিন আক্তার");
    assert_eq!(h["details"]["reason"], reason["reason"]);
    t.post(&t.supervisor, "/api/v1/wallets/01812345670/unlock", &reason)
        .await
        .problem(404);
    // The PIN stayed.
    assert_eq!(
        verify(&t, &t.agent, NUMBER, CURRENT).await.json["result"],
        "right"
    );
}

async fn verification_needs_an_api_token(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    let body = json!({ "msisdn": NUMBER, "pin": CURRENT });
    TestApp::send(
        t.anon(Method::POST, "/api/v1/wallet/pin/verify")
            .json(&body),
    )
    .await
    .problem(401);
    TestApp::send(
        t.anon(Method::POST, "/api/v1/wallet/pin/verify")
            .bearer_auth("not-a-token")
            .json(&body),
    )
    .await
    .problem(401);
    // Auditors change nothing, and a PIN check counts as acting for the customer.
    t.post(&t.auditor, "/api/v1/wallet/pin/verify", &body)
        .await
        .problem_of(403, "forbidden");
    // A person's desk session is not a channel.
    let desk = t.desk_login(&t.agent).await;
    let a = TestApp::send(
        t.anon(Method::POST, "/api/v1/wallet/pin/verify")
            .header("cookie", &desk.cookie)
            .header("x-csrf-token", &desk.csrf)
            .json(&body),
    )
    .await;
    a.problem_of(403, "forbidden");
    // None of those counted an attempt.
    let acc = t
        .app
        .store
        .wallet_account(E164)
        .await
        .expect("store")
        .expect("the account");
    assert_eq!(acc.failed_pins, 0);
    assert!(actions(&t, E164).await.is_empty());
    // An unknown number answers like a first wrong PIN.
    let known = verify(&t, &t.agent, NUMBER, WRONG).await;
    let unknown = verify(&t, &t.agent, "01812345670", WRONG).await;
    assert_eq!(known.expect(200), unknown.expect(200));
}

// ---------------------------------------------------------------------------------------
// Random bodies
// ---------------------------------------------------------------------------------------

/// SplitMix64: seeded, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }

    /// A string of characters people (and attackers) send.
    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "0",
            "1",
            "5",
            "9",
            "০",
            "৫",
            "৯",
            "a",
            "Z",
            " ",
            "-",
            "/",
            "+",
            "+880",
            "017",
            "০১৭",
            "12345",
            "৪৮২১৩",
            "1990-03-25",
            "২৫/০৩/১৯৯০",
            "\u{0}",
            "\n",
            "\u{200d}",
            "💸",
            "ক",
            "়",
            "\"",
            "\\",
            "'",
            "%00",
            "${jndi:x}",
            "' OR 1=1 --",
            "３",
            "٣",
            "१",
            "e9",
        ];
        let n = self.below(12);
        let mut s: String = (0..n).map(|_| *self.pick(PIECES)).collect();
        if self.below(40) == 0 {
            s = s.repeat(2000);
        }
        s
    }

    fn value(&mut self, depth: u32) -> Value {
        match self.below(if depth > 2 { 6 } else { 9 }) {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => json!(self.next() as i64),
            3 => json!(*self.pick(&[0i64, 1, 3, 4, -1, 99, 100, i64::MAX, i64::MIN])),
            4 => json!(*self.pick(&[0.5f64, -0.0, 1e300, 3.0])),
            5 => Value::String(self.text()),
            6 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => {
                let mut o = serde_json::Map::new();
                for _ in 0..self.below(4) {
                    o.insert(self.text(), self.value(depth + 1));
                }
                Value::Object(o)
            }
        }
    }

    /// A body for an endpoint with these fields: mostly those fields with odd values,
    /// sometimes one more or one fewer, sometimes not an object or not JSON at all.
    fn body(&mut self, fields: &[&str]) -> Vec<u8> {
        let good: &[(&str, Value)] = &[
            ("msisdn", json!(NUMBER)),
            ("token", json!("A".repeat(43))),
            ("nid", json!(NID)),
            ("date_of_birth", json!(DOB)),
            ("choice", json!(1)),
            ("pin", json!(WRONG)),
            ("temporary_pin", json!("24680")),
            ("new_pin", json!(NEW)),
            ("new_pin_again", json!(NEW)),
            ("reason", json!("checked on the phone")),
        ];
        match self.below(10) {
            0 => {
                let n = self.below(64);
                (0..n).map(|_| self.next() as u8).collect()
            }
            1 => self.value(0).to_string().into_bytes(),
            2 => {
                let s = self.value(0).to_string();
                let cut = self.below(s.len().max(1));
                s.as_bytes()[..cut].to_vec()
            }
            _ => {
                let mut o = serde_json::Map::new();
                for f in fields {
                    match self.below(5) {
                        0 => {}
                        1 | 2 => {
                            let v = good
                                .iter()
                                .find(|(k, _)| k == f)
                                .map(|(_, v)| v.clone())
                                .unwrap_or(Value::Null);
                            o.insert((*f).into(), v);
                        }
                        _ => {
                            let v = self.value(1);
                            o.insert((*f).into(), v);
                        }
                    }
                }
                if self.below(6) == 0 {
                    o.insert(self.text(), self.value(1));
                }
                Value::Object(o).to_string().into_bytes()
            }
        }
    }
}

async fn random_bodies_never_get_a_5xx(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    // A live session, so some random bodies reach the steps behind a real token.
    let started = start(&t, NUMBER).await.expect(201).clone();
    let live = started["token"].as_str().expect("a token").to_string();
    let endpoints: &[(&str, &[&str], Option<&StaffUser>)] = &[
        ("/api/v1/pin-reset", &["msisdn"], None),
        (
            "/api/v1/pin-reset/identity",
            &["token", "nid", "date_of_birth", "choice"],
            None,
        ),
        ("/api/v1/pin-reset/resend", &["token"], None),
        (
            "/api/v1/pin-reset/confirm",
            &["token", "temporary_pin", "new_pin", "new_pin_again"],
            None,
        ),
        (
            "/api/v1/wallet/pin/verify",
            &["msisdn", "pin"],
            Some(&t.agent),
        ),
        (
            "/api/v1/wallets/{msisdn}/unlock",
            &["reason"],
            Some(&t.supervisor),
        ),
    ];
    let mut rng = Rng(0x5EBA_0006);
    let mut seen = std::collections::BTreeMap::<u16, usize>::new();
    for i in 0..360 {
        let (path, fields, who) = endpoints[i % endpoints.len()];
        let mut body = rng.body(fields);
        if rng.below(4) == 0
            && let Ok(Value::Object(mut o)) = serde_json::from_slice::<Value>(&body)
            && o.contains_key("token")
        {
            o.insert("token".into(), json!(live));
            body = Value::Object(o).to_string().into_bytes();
        }
        let path = if path.contains("{msisdn}") {
            let n = rng.text();
            let enc: String = n.bytes().take(60).map(|b| format!("%{b:02X}")).collect();
            let n = if enc.is_empty() || rng.below(2) == 0 {
                NUMBER.to_string()
            } else {
                enc
            };
            path.replace("{msisdn}", &n)
        } else {
            path.to_string()
        };
        let ct = if rng.below(12) == 0 {
            "text/plain"
        } else {
            "application/json"
        };
        let mut rb = t
            .anon(Method::POST, &path)
            .header("content-type", ct)
            .body(body.clone());
        if let Some(who) = who {
            rb = rb.bearer_auth(&who.token);
        }
        let a = TestApp::send(rb).await;
        *seen.entry(a.status.as_u16()).or_default() += 1;
        assert!(
            a.status.as_u16() < 500,
            "{path} answered {} to {:?}: {}",
            a.status,
            String::from_utf8_lossy(&body),
            a.text
        );
        if a.status.is_client_error() {
            a.problem(a.status.as_u16());
        }
        // The staff read with a random path.
        if i % 12 == 0 {
            let n: String = rng
                .text()
                .bytes()
                .take(60)
                .map(|b| format!("%{b:02X}"))
                .collect();
            let a = t.get(&t.agent, &format!("/api/v1/wallets/{n}x")).await;
            assert!(a.status.as_u16() < 500, "{n}: {}", a.text);
        }
    }
    // The mix reached more than the parser.
    assert!(seen.len() >= 4, "{seen:?}");
}
