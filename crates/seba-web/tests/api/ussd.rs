//! The USSD channel over HTTP, as gateways speak it: whole sessions for every menu —
//! PIN reset (the temporary PIN read off the outbox's SMS), a complaint filed (case
//! number on screen and in the acknowledgement), its status, the nearest centres with the
//! SMS of the full list, language and hotline — on both engines, in Africa's Talking's
//! format and the Hubtel-style JSON one; retries and late duplicates answered with the
//! same screen and acted on once; bad requests answered with a polite END (never a 5xx,
//! never a half-filed complaint); and only configured gateways let in.

use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::Method;
use serde_json::{Value, json};

use seba_core::clock::Clock;
use seba_store::{CaseFilter, PageRequest};
use seba_ussd::menu;

use crate::common::TestApp;
use crate::wallet_fixture::{CURRENT, DOB, E164, NEW, NID, NUMBER, TXS, seed};

both_engines! {
    pin_reset_session => sqlite_ussd_pin_reset_session, postgres_ussd_pin_reset_session;
    pin_reset_resumes_after_the_session_drops =>
        sqlite_ussd_pin_reset_resumes_after_the_session_drops,
        postgres_ussd_pin_reset_resumes_after_the_session_drops;
    complaint_session => sqlite_ussd_complaint_session, postgres_ussd_complaint_session;
    status_session => sqlite_ussd_status_session, postgres_ussd_status_session;
    centres_session => sqlite_ussd_centres_session, postgres_ussd_centres_session;
    language_and_hotline => sqlite_ussd_language_and_hotline, postgres_ussd_language_and_hotline;
    retries_answer_the_same_and_act_once =>
        sqlite_ussd_retries_answer_the_same_and_act_once,
        postgres_ussd_retries_answer_the_same_and_act_once;
    hubtel_format_session => sqlite_ussd_hubtel_format_session, postgres_ussd_hubtel_format_session;
    release_and_expiry_abandon => sqlite_ussd_release_and_expiry_abandon, postgres_ussd_release_and_expiry_abandon;
}

sqlite_only! {
    bad_requests_get_a_polite_end => sqlite_ussd_bad_requests_get_a_polite_end;
    random_requests_never_get_a_5xx => sqlite_ussd_random_requests_never_get_a_5xx;
}

static SESSIONS: AtomicU64 = AtomicU64::new(1);

/// A phone dialling *247# through an Africa's Talking gateway.
struct Phone<'a> {
    t: &'a TestApp,
    session: String,
    number: String,
    inputs: Vec<String>,
}

impl<'a> Phone<'a> {
    fn new(t: &'a TestApp, number: &str) -> Phone<'a> {
        Phone {
            t,
            session: format!("ATUid_{}", SESSIONS.fetch_add(1, Ordering::Relaxed)),
            number: number.into(),
            inputs: Vec::new(),
        }
    }

    fn text(&self) -> String {
        self.inputs.join("*")
    }

    /// Post the session's joined text as it stands; the body answered.
    async fn post_text(&self, text: &str) -> String {
        let res = self
            .t
            .http
            .post(self.t.url("/ussd/at"))
            .form(&[
                ("sessionId", self.session.as_str()),
                ("serviceCode", "*247#"),
                ("phoneNumber", self.number.as_str()),
                ("networkCode", "47001"),
                ("text", text),
            ])
            .send()
            .await
            .expect("posting a USSD step");
        assert_eq!(res.status().as_u16(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        res.text().await.expect("a body")
    }

    async fn dial(&mut self) -> String {
        self.post_text("").await
    }

    async fn send(&mut self, input: &str) -> String {
        self.inputs.push(input.into());
        let text = self.text();
        let body = self.post_text(&text).await;
        let (_, screen) = body.split_at(4);
        assert!(
            seba_ussd::gsm::fits(screen),
            "screen too long after {input}: {screen}"
        );
        body
    }
}

fn con(body: &str) -> &str {
    body.strip_prefix("CON ")
        .unwrap_or_else(|| panic!("expected CON, got {body:?}"))
}

fn end(body: &str) -> &str {
    body.strip_prefix("END ")
        .unwrap_or_else(|| panic!("expected END, got {body:?}"))
}

/// Choose English for `number` so the screens are read in English below.
async fn english(t: &TestApp, number: &str) {
    let mut p = Phone::new(t, number);
    p.dial().await;
    p.send("5").await;
    let home = con(&p.send("2").await).to_string();
    assert!(home.contains("1 Reset PIN"), "{home}");
}

/// The number of the line on `screen` whose label is `label`.
fn option(screen: &str, label: &str) -> Option<String> {
    screen.lines().find_map(|l| {
        let (n, rest) = l.split_once(' ')?;
        (rest == label).then(|| n.to_string())
    })
}

async fn pin_reset_session(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    english(&t, NUMBER).await;
    let mut p = Phone::new(&t, E164);
    p.dial().await;
    let nid = con(&p.send("1").await).to_string();
    assert!(nid.starts_with("Enter your NID"), "{nid}");
    // A wrong NID format: the same question with a notice.
    assert!(con(&p.send("12ab").await).starts_with("That is not a valid NID"));
    con(&p.send(NID).await);
    let dob: String = DOB.split('-').rev().collect(); // 25031990
    let choices = con(&p.send(&dob).await).to_string();
    // The one choice that is a transaction of the account.
    let pick = TXS
        .iter()
        .filter_map(|(k, a)| option(&choices, &menu::transaction(k, *a).en))
        .collect::<Vec<_>>();
    assert_eq!(pick.len(), 1, "one real choice on {choices}");
    let sent = con(&p.send(&pick[0]).await).to_string();
    assert!(sent.contains("01712-***678"), "{sent}");
    // The temporary PIN as the SMS gateway would deliver it.
    let row = t
        .wait_outbox("the temporary PIN", |r| {
            r.topic == "sms.send"
                && r.payload["key"]
                    .as_str()
                    .is_some_and(|k| k.ends_with(":otp1"))
        })
        .await;
    let text = row.payload["text"].as_str().unwrap();
    let temporary: String = text
        .split("PIN is ")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    con(&p.send(&temporary).await);
    con(&p.send("12345").await);
    // A run of digits is refused by the PIN rules: asked again.
    let again = con(&p.send("12345").await).to_string();
    assert!(again.contains("No PIN of digits in a run"), "{again}");
    con(&p.send(NEW).await);
    let done = end(&p.send(NEW).await).to_string();
    assert!(done.contains("PIN has been changed"), "{done}");
    // The new PIN works, the old one does not.
    let m = seba_core::contact::Msisdn::parse(NUMBER).unwrap();
    let new_ok = t
        .app
        .verify_pin(&m, &seba_core::wallet::Pin::parse(NEW).unwrap())
        .await
        .unwrap();
    assert!(
        matches!(new_ok, seba_app::wallet::PinOutcome::Right),
        "{new_ok:?}"
    );
    // The session row keeps nothing the caller typed.
    let rec = t
        .app
        .store
        .ussd_session(&format!("at:{}", p.session))
        .await
        .unwrap()
        .expect("the session row");
    assert_eq!(rec.outcome, "completed");
    for secret in [NID, NEW, temporary.as_str(), "25031990"] {
        assert!(
            !rec.state.contains(secret),
            "{secret} kept in {}",
            rec.state
        );
    }
}

/// Through the identity step in one session: the temporary PIN from the SMS.
async fn through_identity(t: &TestApp, p: &mut Phone<'_>) -> String {
    p.dial().await;
    con(&p.send("1").await);
    con(&p.send(NID).await);
    let dob: String = DOB.split('-').rev().collect();
    let choices = con(&p.send(&dob).await).to_string();
    let pick = TXS
        .iter()
        .find_map(|(k, a)| option(&choices, &menu::transaction(k, *a).en))
        .unwrap_or_else(|| panic!("a real choice on {choices}"));
    con(&p.send(&pick).await);
    let row = t
        .wait_outbox("the temporary PIN", |r| {
            r.topic == "sms.send"
                && r.payload["key"]
                    .as_str()
                    .is_some_and(|k| k.ends_with(":otp1"))
        })
        .await;
    let text = row.payload["text"].as_str().unwrap();
    text.split("PIN is ")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// The SMS arriving ends the session (as on many handsets); the customer dials again,
/// picks "Reset PIN" and goes straight to the temporary PIN.
async fn pin_reset_resumes_after_the_session_drops(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    english(&t, NUMBER).await;
    let mut first = Phone::new(&t, E164);
    let temporary = through_identity(&t, &mut first).await;
    // The first session is left where it is: the handset closed it for the SMS.
    let mut second = Phone::new(&t, NUMBER);
    second.dial().await;
    let asked = con(&second.send("1").await).to_string();
    assert!(
        asked.starts_with("A temporary PIN was sent by SMS to 01712-***678"),
        "{asked}"
    );
    con(&second.send(&temporary).await);
    con(&second.send(NEW).await);
    let done = end(&second.send(NEW).await).to_string();
    assert!(done.contains("PIN has been changed"), "{done}");
    // Nothing left to resume: the next "Reset PIN" starts a new reset.
    let mut third = Phone::new(&t, NUMBER);
    third.dial().await;
    let fresh = con(&third.send("1").await).to_string();
    assert!(fresh.starts_with("Enter your NID"), "{fresh}");
    // A number with no reset in flight is never offered someone else's.
    let mut other = Phone::new(&t, "01712345670");
    other.dial().await;
    let theirs = con(&other.send("1").await).to_string();
    assert!(
        theirs.starts_with("আপনার এনআইডি") || theirs.starts_with("Enter your NID"),
        "{theirs}"
    );
}

async fn filed_cases(t: &TestApp) -> Vec<seba_core::case::Case> {
    t.app
        .store
        .list_cases(
            &CaseFilter {
                channel: Some(seba_core::case::Channel::Ussd),
                ..CaseFilter::default()
            },
            &PageRequest {
                before: None,
                limit: 100,
                ..PageRequest::default()
            },
        )
        .await
        .expect("listing cases")
}

async fn complaint_session(t: TestApp) {
    let mut p = Phone::new(&t, "01812-345678");
    let home = con(&p.dial().await).to_string();
    assert!(home.contains("পিন রিসেট"), "Bengali by default: {home}");
    con(&p.send("2").await);
    con(&p.send("1").await);
    con(&p.send("1").await);
    // Too short to be a description: asked again.
    con(&p.send("ab").await);
    let filed = end(&p.send("01911-000000 নম্বরে ৫০০০ টাকা চলে গেছে, ফেরত চাই").await).to_string();
    let cases = filed_cases(&t).await;
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    assert!(filed.contains(&case.number().digits()), "{filed}");
    assert_eq!(case.category, "mfs.wrong_transfer");
    assert_eq!(
        case.requester.msisdn.as_ref().unwrap().as_e164(),
        "+8801812345678"
    );
    let thread = t.app.store.messages(case.id).await.expect("the thread");
    assert!(thread[0].message.body.contains("৫০০০ টাকা চলে গেছে"));
    // The acknowledgement goes out like every channel's.
    t.wait_outbox("case.created", |r| {
        r.topic == "case.created" && r.case_id == Some(case.id)
    })
    .await;
}

async fn status_session(t: TestApp) {
    // A case filed by this number, one by another.
    let mine = t
        .create_case(
            &t.agent,
            &json!({"category": "mfs.cash_out", "body": "ক্যাশ আউট হয়নি", "channel": "hotline",
                    "requester": {"msisdn": "01912345678"}}),
        )
        .await;
    let theirs = t
        .create_case(
            &t.agent,
            &json!({"category": "mfs.cash_out", "body": "অন্য কারও", "channel": "hotline",
                    "requester": {"msisdn": "01555555555"}}),
        )
        .await;
    let digits = |v: &Value| -> String {
        v["number"]
            .as_str()
            .unwrap()
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    };
    english(&t, "01912345678").await;
    let mut p = Phone::new(&t, "+8801912345678");
    p.dial().await;
    con(&p.send("3").await);
    assert!(con(&p.send("12").await).starts_with("That is not a valid case number"));
    // Someone else's case reads as no case at all.
    let other = con(&p.send(&digits(&theirs)).await).to_string();
    assert!(
        other.starts_with("No complaint with that number"),
        "{other}"
    );
    let status = end(&p.send(&digits(&mine)).await).to_string();
    assert!(
        status.starts_with(&format!("Case {}: Received", digits(&mine))),
        "{status}"
    );
    assert!(status.contains("To be resolved by"), "{status}");
}

async fn centres_session(t: TestApp) {
    t.app.load_demo_points().await.expect("demo points");
    english(&t, "01712000111").await;
    let mut p = Phone::new(&t, "01712000111");
    p.dial().await;
    let divisions = con(&p.send("4").await).to_string();
    let dhaka = option(&divisions, "Dhaka").unwrap_or_else(|| panic!("Dhaka on {divisions}"));
    let districts = con(&p.send(&dhaka).await).to_string();
    let gazipur = option(&districts, "Gazipur").unwrap_or_else(|| panic!("Gazipur on {districts}"));
    con(&p.send(&gazipur).await);
    let list = con(&p.send("1").await).to_string();
    assert!(list.starts_with("Nearest centres:"), "{list}");
    assert!(list.contains(" km"), "{list}");
    // Paged to the end: the SMS note.
    let mut last = list.clone();
    for _ in 0..5 {
        if !last.contains("99 More") {
            break;
        }
        last = con(&p.send("99").await).to_string();
    }
    assert!(last.contains("sent to you by SMS"), "{last}");
    let sms = t
        .wait_outbox("the centres SMS", |r| {
            r.topic == "sms.send"
                && r.payload["key"]
                    .as_str()
                    .is_some_and(|k| k.contains(":centres:"))
        })
        .await;
    assert_eq!(sms.payload["to"], json!("+8801712000111"));
    let text = sms.payload["text"].as_str().unwrap();
    assert!(text.contains("1. ") && text.contains("5. "), "{text}");
}

async fn language_and_hotline(t: TestApp) {
    let mut p = Phone::new(&t, "01300000001");
    p.dial().await;
    con(&p.send("5").await);
    let home = con(&p.send("2").await).to_string();
    assert!(home.contains("6 Hotline"), "{home}");
    let hotline = end(&p.send("6").await).to_string();
    assert!(hotline.contains("16247"), "{hotline}");
    // Remembered for the number's next session.
    let mut again = Phone::new(&t, "01300000001");
    assert!(con(&again.dial().await).contains("1 Reset PIN"));
    // And back to Bengali.
    con(&again.send("5").await);
    assert!(con(&again.send("1").await).contains("পিন রিসেট"));
}

async fn retries_answer_the_same_and_act_once(t: TestApp) {
    let mut p = Phone::new(&t, "01612345678");
    let home = p.dial().await;
    let domains = p.send("2").await;
    p.send("1").await;
    p.send("1").await;
    let filed = p.send("1").await;
    end(&filed);
    // The gateway retries the last step, and a late duplicate of step 2 arrives.
    assert_eq!(p.post_text(&p.text()).await, filed);
    assert_eq!(p.post_text("2").await, domains);
    assert_eq!(p.post_text("").await, home);
    // Concurrent repeats of the last step too.
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let http = t.http.clone();
        let url = t.url("/ussd/at");
        let (session, text) = (p.session.clone(), p.text());
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .form(&[
                    ("sessionId", session.as_str()),
                    ("phoneNumber", "01612345678"),
                    ("text", text.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), filed);
    }
    assert_eq!(
        filed_cases(&t).await.len(),
        1,
        "one complaint however often sent"
    );
    // Text that does not follow from the session: the last screen again.
    assert_eq!(p.post_text("9*9*9").await, filed);
}

async fn hubtel_format_session(t: TestApp) {
    let post = |body: Value| {
        let t = &t;
        async move {
            let res = t
                .http
                .post(t.url("/ussd/hubtel"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200);
            res.json::<Value>().await.unwrap()
        }
    };
    let base = json!({"Mobile": "8801712345670", "SessionId": "hub-1", "ServiceCode": "247", "Operator": "robi"});
    let with = |extra: Value| {
        let mut v = base.clone();
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let first = post(with(
        json!({"Type": "Initiation", "Message": "*247*2#", "Sequence": 1}),
    ))
    .await;
    assert_eq!(first["Type"], "Response");
    assert_eq!(first["SessionId"], "hub-1");
    let domains = first["Message"].as_str().unwrap().to_string();
    assert!(domains.contains("মোবাইল আর্থিক সেবা"), "{domains}");
    post(with(
        json!({"Type": "Response", "Message": "1", "Sequence": 2}),
    ))
    .await;
    post(with(
        json!({"Type": "Response", "Message": "1", "Sequence": 3}),
    ))
    .await;
    let filed = post(with(
        json!({"Type": "Response", "Message": "1", "Sequence": 4}),
    ))
    .await;
    assert_eq!(filed["Type"], "Release", "{filed}");
    // A retried sequence number gets the same answer.
    let again = post(with(
        json!({"Type": "Response", "Message": "1", "Sequence": 4}),
    ))
    .await;
    assert_eq!(again, filed);
    assert_eq!(filed_cases(&t).await.len(), 1);
}

async fn release_and_expiry_abandon(t: TestApp) {
    let mut p = Phone::new(&t, "01812000001");
    p.dial().await;
    p.send("3").await;
    // The network ends one session; another is left to time out.
    let res = t
        .http
        .post(t.url("/ussd/hubtel"))
        .json(&json!({"Type": "Timeout", "Mobile": "8801812000002", "SessionId": "gone"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let mut h = Phone::new(&t, "01812000003");
    h.dial().await;
    h.send("6").await; // completed
    t.clock.advance(jiff::SignedDuration::from_secs(600));
    let (expired, _) = t.app.ussd_upkeep().await.unwrap();
    assert_eq!(expired, 1);
    // A step after expiry: the session is over, politely.
    let late = end(&p.send("12").await).to_string();
    assert!(late.contains("*247#"), "{late}");
    let stats = t
        .app
        .store
        .ussd_stats(
            t.clock.now() - jiff::SignedDuration::from_hours(1),
            t.clock.now(),
        )
        .await
        .unwrap();
    let count = |outcome: &str| -> i64 {
        stats
            .iter()
            .filter(|r| r.outcome == outcome)
            .map(|r| r.sessions)
            .sum()
    };
    assert_eq!(count("abandoned"), 1, "{stats:?}");
    assert_eq!(count("completed"), 1, "{stats:?}");
    let abandoned = stats.iter().find(|r| r.outcome == "abandoned").unwrap();
    assert_eq!(
        (abandoned.menu.as_str(), abandoned.step.as_str()),
        ("status", "case_number")
    );
}

async fn bad_requests_get_a_polite_end(t: TestApp) {
    let raw = |body: &'static [u8], ctype: &'static str| {
        let t = &t;
        async move {
            let res = t
                .http
                .post(t.url("/ussd/at"))
                .header("content-type", ctype)
                .body(body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let form = "application/x-www-form-urlencoded";
    for body in [
        &b"phoneNumber=01712345678&text="[..],
        b"sessionId=x&text=",
        b"sessionId=x&phoneNumber=01712345678",
        b"\xff\xfe\xfd",
        b"sessionId=a%0Ab&phoneNumber=01712345678&text=",
    ] {
        let (status, text) = raw(body, form).await;
        assert_eq!(status, 200);
        assert!(text.starts_with("END "), "{text}");
    }
    // A number that is not a Bangladeshi mobile number.
    let (status, text) = raw(b"sessionId=y&phoneNumber=%2B12025550100&text=", form).await;
    assert_eq!(status, 200);
    assert!(text.starts_with("END ") && text.contains("দুঃখিত"), "{text}");
    // An input longer than any screen asks for.
    let mut p = Phone::new(&t, "01712345679");
    p.dial().await;
    p.send("2").await;
    p.send("1").await;
    p.send("1").await;
    let long = "ক".repeat(500);
    let answer = con(&p.send(&long).await).to_string();
    assert!(answer.contains("অনেক লম্বা"), "{answer}");
    assert!(filed_cases(&t).await.is_empty(), "no half-filed complaint");
    // A body over the limit.
    let big = format!(
        "sessionId=z&phoneNumber=01712345678&text={}",
        "1*".repeat(10_000)
    );
    let res = t
        .http
        .post(t.url("/ussd/at"))
        .header("content-type", form)
        .body(big)
        .send()
        .await
        .unwrap();
    assert!(res.status().as_u16() < 500, "{}", res.status());
    // Unknown gateway format, and a caller that is not a gateway.
    let res = TestApp::send(t.anon(Method::POST, "/ussd/nokia")).await;
    assert_eq!(res.status, 404);
}

async fn random_requests_never_get_a_5xx(t: TestApp) {
    // A small deterministic generator: the same 200 requests every run.
    let mut state: u64 = 247;
    let mut next = |n: usize| -> usize {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n
    };
    let alphabet: Vec<char> = "0123456789*#০১২৩৪৫৬৭৮৯ abcক\u{200d}%&=+".chars().collect();
    for i in 0..200 {
        let len = next(40);
        let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        let session = format!("fuzz-{}", i % 7);
        let phone = if i % 11 == 0 {
            "garbage"
        } else {
            "01712340000"
        };
        let res = t
            .http
            .post(t.url("/ussd/at"))
            .form(&[
                ("sessionId", session.as_str()),
                ("phoneNumber", phone),
                ("text", text.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "text {text:?}");
        let body = res.text().await.unwrap();
        assert!(
            body.starts_with("CON ") || body.starts_with("END "),
            "{body}"
        );
        assert!(seba_ussd::gsm::fits(&body[4..]), "{body}");
    }
}
