//! The wallet PIN pages: the portal's self PIN reset as a browser without scripts walks it
//! (forms, redirects, the HttpOnly cookie, the temporary PIN read off the outbox's SMS),
//! and the desk's wallet pages.
//!
//! The portal: the whole reset, after which the new PIN works and the lock is gone; an
//! unknown number's pages look exactly like a known one's; every wrong answer reads the
//! same, and the last one ends the reset; too many failures block resets with the time
//! said; the reset's token is never in a URL or a page; garbage in any field, a missing,
//! forged or stale cookie, steps out of order — each gets a page that explains itself in
//! the page's language, never a server error. The desk: an agent sees the lock state and
//! the history but no secret, and cannot unlock; a supervisor unlocks with a reason.

use jiff::SignedDuration;
use reqwest::{Client, RequestBuilder};
use serde_json::json;

use seba_app::pin_reset::Choice;
use seba_app::wallet::PinOutcome;
use seba_core::text::bengali_digits;

use crate::common::{TestApp, header_text, hidden_field, no_redirects};
use crate::wallet_fixture::*;

both_engines! {
    a_customer_resets_the_pin_without_scripts =>
        sqlite_pin_reset_pages_full_flow, postgres_pin_reset_pages_full_flow;
    staff_see_a_wallet_and_supervisors_unlock_it =>
        sqlite_pin_reset_pages_desk, postgres_pin_reset_pages_desk;
}

sqlite_only! {
    unknown_numbers_look_the_same => sqlite_pin_reset_pages_unknown_numbers_look_the_same;
    wrong_answers_read_the_same_and_block => sqlite_pin_reset_pages_wrong_answers_read_the_same;
    garbage_and_stale_cookies_never_break_a_page =>
        sqlite_pin_reset_pages_garbage_and_stale_cookies;
}

/// Three public posts a minute, so the test can use them up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_pin_reset_pages_are_rate_limited() {
    crate::common::run(
        crate::common::Engine::Sqlite,
        "sqlite_pin_reset_pages_are_rate_limited",
        seba_web::RateLimits {
            public_per_minute: 3,
            ..seba_web::RateLimits::default()
        },
        rate_limited_but_the_reset_is_kept,
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// The account
// ---------------------------------------------------------------------------------------

/// Three wrong PINs: the account is locked.
async fn lock(t: &TestApp) {
    let mut last = None;
    for _ in 0..3 {
        last = Some(
            t.app
                .verify_pin(&msisdn(NUMBER), &pin(WRONG))
                .await
                .expect("a PIN check"),
        );
    }
    assert!(matches!(last, Some(PinOutcome::Locked { .. })), "{last:?}");
}

// ---------------------------------------------------------------------------------------
// A browser without scripts
// ---------------------------------------------------------------------------------------

/// A customer's browser: its cookies, the page language it asks for, the last form token
/// it was given, and everything it saw (to look for the reset's token in).
struct Visitor {
    base: String,
    client: Client,
    lang: &'static str,
    form: Option<String>,
    reset: Option<String>,
    csrf: String,
    /// The `seba_reset` cookie as the server last set it, attributes and all.
    reset_set_cookie: String,
    seen: Vec<String>,
}

/// One answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    location: String,
    retry_after: String,
    html: String,
}

impl Reply {
    /// The page's error box (empty if there is none).
    fn alert(&self) -> String {
        self.html
            .split("role=\"alert\"")
            .nth(1)
            .and_then(|s| s.split("</section>").next())
            .unwrap_or_default()
            .to_string()
    }

    #[track_caller]
    fn expect(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "{self:#?}");
        self
    }

    #[track_caller]
    fn to(&self, location: &str) -> &Self {
        assert_eq!(
            (self.status, self.location.as_str()),
            (303, location),
            "{self:#?}"
        );
        self
    }
}

impl Visitor {
    fn new(t: &TestApp, lang: &'static str) -> Visitor {
        Visitor {
            base: t.base.clone(),
            client: no_redirects(),
            lang,
            form: None,
            reset: None,
            csrf: String::new(),
            reset_set_cookie: String::new(),
            seen: Vec::new(),
        }
    }

    fn cookies(&self) -> String {
        [&self.form, &self.reset]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The reset's token, as the cookie holds it.
    fn token(&self) -> Option<String> {
        self.reset
            .as_deref()
            .and_then(|c| c.split_once('='))
            .map(|(_, v)| v.to_string())
    }

    async fn send(&mut self, rb: RequestBuilder) -> Reply {
        let mut rb = rb.header("accept-language", self.lang);
        let cookies = self.cookies();
        if !cookies.is_empty() {
            rb = rb.header("cookie", cookies);
        }
        let res = rb.send().await.expect("a request");
        let status = res.status().as_u16();
        let location = header_text(res.headers(), "location");
        let retry_after = header_text(res.headers(), "retry-after");
        for set in res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let pair = set.split(';').next().unwrap_or_default().to_string();
            if pair.starts_with("seba_form=") {
                self.form = Some(pair);
            } else if let Some(value) = pair.strip_prefix("seba_reset=") {
                self.reset_set_cookie = set.to_string();
                self.reset = (!value.is_empty()).then_some(pair);
            }
        }
        let html = res.text().await.expect("a body");
        assert!(!html.contains('⟦'), "a text is missing: {html}");
        assert!(status < 500, "a server error: {html}");
        let csrf = hidden_field(&html, "csrf");
        if !csrf.is_empty() {
            self.csrf = csrf;
        }
        self.seen.push(location.clone());
        self.seen.push(html.clone());
        Reply {
            status,
            location,
            retry_after,
            html,
        }
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.seen.push(path.to_string());
        let rb = self.client.get(format!("{}{path}", self.base));
        self.send(rb).await
    }

    /// Post a form as the browser would: the page's anti-forgery token added unless given.
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone();
        if !all.iter().any(|(k, _)| *k == "csrf") {
            all.push(("csrf", &csrf));
        }
        let rb = self.client.post(format!("{}{path}", self.base)).form(&all);
        self.send(rb).await
    }

    /// The start form, then the number: on to step 1.
    async fn start(&mut self, number: &str) -> Reply {
        self.get("/pin-reset").await.expect(200);
        let r = self.post("/pin-reset", &[("msisdn", number)]).await;
        r.to("/pin-reset/identity");
        r
    }
}

/// The four choices on a step 1 page, as shown.
fn choices(html: &str) -> Vec<String> {
    html.split("<span class=\"choice\">")
        .skip(1)
        .filter_map(|s| s.split("</span>").next())
        .map(str::to_string)
        .collect()
}

/// The position of the one choice that is a transaction of [`TXS`], as the customer
/// would pick it from the labels in the page's language.
fn right_choice(html: &str, lang: &str) -> usize {
    let mine: Vec<String> = TXS
        .iter()
        .map(|(kind, amount_poisha)| {
            let label = Choice {
                kind: (*kind).into(),
                amount_poisha: *amount_poisha,
            }
            .label();
            if lang == "bn" { label.bn } else { label.en }
        })
        .collect();
    let shown = choices(html);
    assert_eq!(shown.len(), 4, "four choices: {html}");
    let hits: Vec<usize> = shown
        .iter()
        .enumerate()
        .filter(|(_, c)| mine.contains(c))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(hits.len(), 1, "exactly one real choice in {shown:?}");
    hits[0]
}

/// The `n`-th temporary PIN of the reset `token`, read from its SMS in the outbox.
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

/// A step 2 post.
async fn confirm(v: &mut Visitor, temporary: &str, new: &str, again: &str) -> Reply {
    v.post(
        "/pin-reset/pin",
        &[("temporary", temporary), ("new_pin", new), ("again", again)],
    )
    .await
}

// ---------------------------------------------------------------------------------------
// The portal
// ---------------------------------------------------------------------------------------

async fn a_customer_resets_the_pin_without_scripts(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    lock(&t).await;
    let mut v = Visitor::new(&t, "bn");

    // From the home page.
    let home = v.get("/").await;
    assert!(home.html.contains("href=\"/pin-reset\""), "{}", home.html);

    // The number, in Bengali digits: on to step 1, the token in an HttpOnly cookie.
    let start = v.get("/pin-reset").await;
    start.expect(200);
    assert!(start.html.contains("name=\"msisdn\""));
    assert!(!start.html.contains('⟦'), "{}", start.html);
    v.post("/pin-reset", &[("msisdn", "০১৭১২-৩৪৫৬৭৮")])
        .await
        .to("/pin-reset/identity");
    let token = v.token().expect("the reset's cookie");
    assert!(token.len() >= 32, "{token}");
    let set = v.reset_set_cookie.clone();
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/pin-reset",
        "Max-Age=900",
    ] {
        assert!(set.contains(attribute), "{attribute} in {set}");
    }

    // Step 1: four transactions as radio buttons, in Bengali.
    let step1 = v.get("/pin-reset/identity").await;
    step1.expect(200);
    assert!(!step1.html.contains('⟦'), "{}", step1.html);
    assert_eq!(step1.html.matches("type=\"radio\"").count(), 4);
    assert!(
        choices(&step1.html)
            .iter()
            .all(|c| c.contains('৳') && !c.chars().any(|ch| ch.is_ascii_digit())),
        "{:?}",
        choices(&step1.html)
    );
    let right = right_choice(&step1.html, "bn");

    // A wrong date of birth: the generic answer, in Bengali; the typed values not shown.
    let wrong = v
        .post(
            "/pin-reset/identity",
            &[
                ("nid", NID_BN),
                ("dob", "২৬/০৩/১৯৯০"),
                ("choice", &right.to_string()),
            ],
        )
        .await;
    wrong.expect(422);
    assert!(wrong.alert().contains("দেওয়া তথ্য মেলেনি"), "{}", wrong.html);
    assert!(!wrong.html.contains("২৬/০৩/১৯৯০") && !wrong.html.contains(NID_BN));
    assert_eq!(wrong.html.matches("type=\"radio\"").count(), 4);

    // The right answers (Bengali digits, the NID as printed): on to step 2.
    v.post(
        "/pin-reset/identity",
        &[
            ("nid", NID_BN),
            ("dob", DOB_BN),
            ("choice", &bengali_digits(&right.to_string())),
        ],
    )
    .await
    .to("/pin-reset/pin");
    // Step 1 again is out of order: to the step the reset is at.
    v.get("/pin-reset/identity").await.to("/pin-reset/pin");
    let step2 = v.get("/pin-reset/pin").await;
    step2.expect(200);
    assert!(!step2.html.contains('⟦'), "{}", step2.html);
    // 09:00 in Dhaka, and the temporary PIN is good for 5 minutes.
    assert!(
        step2.html.contains("০১৭১২-***৬৭৮") && step2.html.contains("০৯:০৫"),
        "{}",
        step2.html
    );
    for attribute in [
        "inputmode=\"numeric\"",
        "autocomplete=\"one-time-code\"",
        "autocomplete=\"new-password\"",
        "action=\"/pin-reset/resend\"",
    ] {
        assert!(step2.html.contains(attribute), "{attribute}");
    }
    let first = temporary_pin(&t, &token, 1).await;

    // Typing mistakes name the field and the rule; none uses up an attempt.
    let r = confirm(&mut v, "abc", "1234", "123456").await;
    r.expect(422);
    let alert = r.alert();
    for text in ["অস্থায়ী পিন", "নতুন পিন", "শুধু অঙ্ক", "কম অঙ্ক", "বেশি অঙ্ক"]
    {
        assert!(alert.contains(text), "{text} in {alert}");
    }
    let r = confirm(&mut v, &first, "12345", "12345").await;
    r.expect(422);
    assert!(r.alert().contains("পরপর অঙ্ক"), "{}", r.alert());
    let r = confirm(&mut v, &first, "25031", "25031").await;
    assert!(r.alert().contains("জন্মতারিখ"), "{}", r.alert());
    let r = confirm(&mut v, &first, CURRENT, CURRENT).await;
    assert!(r.alert().contains("আগের ৩টি পিন"), "{}", r.alert());
    let r = confirm(&mut v, &first, NEW, "70518").await;
    assert!(r.alert().contains("মেলেনি"), "{}", r.alert());
    // A wrong temporary PIN says how many tries remain.
    let wrong_temporary = if first == "99999" { "99998" } else { "99999" };
    let r = confirm(&mut v, wrong_temporary, NEW, NEW).await;
    r.expect(422);
    assert!(r.alert().contains("আর ২ বার"), "{}", r.alert());

    // A new temporary PIN; the page says so.
    v.post("/pin-reset/resend", &[])
        .await
        .to("/pin-reset/pin?resent=1");
    let again = v.get("/pin-reset/pin?resent=1").await;
    assert!(again.html.contains("role=\"status\""), "{}", again.html);
    let second = temporary_pin(&t, &token, 2).await;

    // The right one, in Bengali digits, and a good new PIN: done, the cookie dropped.
    let done = confirm(&mut v, &bengali_digits(&second), NEW_BN, NEW_BN).await;
    done.to("/pin-reset/done");
    assert!(v.reset.is_none(), "the cookie is dropped");
    assert!(v.reset_set_cookie.contains("Max-Age=0"));
    let page = v.get("/pin-reset/done").await;
    page.expect(200);
    assert!(page.html.contains("পিন বদলানো হয়েছে"), "{}", page.html);

    // The new PIN works, the lock is gone, the old PIN does not work.
    let account = t
        .app
        .store
        .wallet_account(E164)
        .await
        .expect("store")
        .expect("the account");
    assert_eq!(account.failed_pins, 0);
    assert!(account.locked_until.is_none_or(|u| u <= t.app.now()));
    assert_eq!(
        t.app.verify_pin(&msisdn(NUMBER), &pin(NEW)).await.unwrap(),
        PinOutcome::Right
    );
    assert!(matches!(
        t.app
            .verify_pin(&msisdn(NUMBER), &pin(CURRENT))
            .await
            .unwrap(),
        PinOutcome::Wrong { .. }
    ));

    // The finished reset's cookie, sent again (a replay): back to the start.
    v.reset = Some(format!("seba_reset={token}"));
    confirm(&mut v, &second, "80642", "80642")
        .await
        .to("/pin-reset?ended=1");
    let ended = v.get("/pin-reset?ended=1").await;
    assert!(ended.html.contains("মেয়াদ শেষ"), "{}", ended.html);
    assert!(t.app.verify_pin(&msisdn(NUMBER), &pin(NEW)).await.unwrap() == PinOutcome::Right);

    // The token was in no URL and no page.
    for seen in &v.seen {
        assert!(!seen.contains(&token), "the token in {seen}");
    }
}

/// A page with what differs between two visitors removed: the form token and the
/// choices' labels.
fn skeleton(html: &str) -> String {
    let mut out = html.replace(&hidden_field(html, "csrf"), "CSRF");
    for c in choices(html) {
        out = out.replacen(&format!("<span class=\"choice\">{c}</span>"), "CHOICE", 1);
    }
    out
}

async fn unknown_numbers_look_the_same(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    let mut known = Visitor::new(&t, "en");
    let mut unknown = Visitor::new(&t, "en");
    known.start(NUMBER).await;
    unknown.start(UNKNOWN).await;
    let (k, u) = (
        known.reset_set_cookie.clone(),
        unknown.reset_set_cookie.clone(),
    );
    let shape = |c: &str| c.split_once(';').map(|(_, attrs)| attrs.to_string());
    assert_eq!(shape(&k), shape(&u), "the same cookie");
    assert_eq!(k.len(), u.len());

    let kp = known.get("/pin-reset/identity").await;
    let up = unknown.get("/pin-reset/identity").await;
    assert_eq!((kp.status, up.status), (200, 200));
    assert_eq!(choices(&up.html).len(), 4);
    assert_eq!(skeleton(&kp.html), skeleton(&up.html), "the same page");

    // The same answers: the same refusal, the same page.
    let answers = [("nid", "1111111111"), ("dob", DOB), ("choice", "0")];
    let kr = known.post("/pin-reset/identity", &answers).await;
    let ur = unknown.post("/pin-reset/identity", &answers).await;
    assert_eq!((kr.status, ur.status), (422, 422));
    assert_eq!(kr.alert(), ur.alert());
    assert_eq!(skeleton(&kr.html), skeleton(&ur.html));
    assert!(
        ur.alert()
            .contains("The details you gave could not be verified"),
        "{}",
        ur.alert()
    );
    // Even the known account's own answers get nowhere under the unknown number.
    let r = unknown
        .post(
            "/pin-reset/identity",
            &[("nid", NID), ("dob", DOB), ("choice", "1")],
        )
        .await;
    assert_eq!((r.status, r.alert()), (422, kr.alert()));
    let rows = t.outbox_through_marker("pin-reset-pages-unknown").await;
    assert!(
        rows.iter().all(|r| r.topic != "sms.send"),
        "no SMS went out"
    );
}

async fn wrong_answers_read_the_same_and_block(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    let mut v = Visitor::new(&t, "bn");
    v.start(NUMBER).await;
    let page = v.get("/pin-reset/identity").await;
    let right = right_choice(&page.html, "bn");
    let wrong_choice = ((right + 1) % 4).to_string();
    let right = right.to_string();

    // A wrong NID, a wrong date of birth: the same answer, the form again.
    let a = v
        .post(
            "/pin-reset/identity",
            &[("nid", "1111111111"), ("dob", DOB), ("choice", &right)],
        )
        .await;
    let b = v
        .post(
            "/pin-reset/identity",
            &[("nid", NID), ("dob", "1990-03-26"), ("choice", &right)],
        )
        .await;
    assert_eq!((a.status, b.status), (422, 422));
    assert_eq!(a.alert(), b.alert());
    assert!(b.html.contains("action=\"/pin-reset/identity\""));
    // A wrong choice, the session's third failure: the same words, and the reset is over.
    let c = v
        .post(
            "/pin-reset/identity",
            &[("nid", NID), ("dob", DOB), ("choice", &wrong_choice)],
        )
        .await;
    c.expect(422);
    assert!(c.alert().contains("দেওয়া তথ্য মেলেনি"), "{}", c.alert());
    assert!(c.alert().contains("আবার শুরু করুন"), "{}", c.alert());
    assert!(c.html.contains("action=\"/pin-reset\""), "the start form");
    assert!(v.reset.is_none(), "the cookie is dropped");

    // Two more failures make five today: resets are blocked for four hours, and the
    // page says until when (09:00 + 4 h in Dhaka).
    v.start(NUMBER).await;
    let page = v.get("/pin-reset/identity").await;
    let right = right_choice(&page.html, "bn").to_string();
    v.post(
        "/pin-reset/identity",
        &[("nid", "1111111111"), ("dob", DOB), ("choice", &right)],
    )
    .await
    .expect(422);
    let blocked = v
        .post(
            "/pin-reset/identity",
            &[("nid", "1111111111"), ("dob", DOB), ("choice", &right)],
        )
        .await;
    blocked.expect(422);
    let again = v.post("/pin-reset", &[("msisdn", NUMBER)]).await;
    again.expect(429);
    assert!(again.alert().contains("১৩:০০"), "{}", again.alert());
    let mut en = Visitor::new(&t, "en");
    en.get("/pin-reset").await;
    let r = en.post("/pin-reset", &[("msisdn", NUMBER)]).await;
    r.expect(429);
    assert!(r.alert().contains("blocked until 13:00"), "{}", r.alert());
}

async fn garbage_and_stale_cookies_never_break_a_page(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    let mut v = Visitor::new(&t, "en");

    // No cookie, a made-up one, one that cannot be a token: back to the start, told why.
    for cookie in [
        None,
        Some("seba_reset=made-up-token"),
        Some("seba_reset=<x>"),
    ] {
        v.reset = cookie.map(str::to_string);
        v.get("/pin-reset/identity").await.to("/pin-reset?ended=1");
        v.reset = cookie.map(str::to_string);
        v.get("/pin-reset/pin").await.to("/pin-reset?ended=1");
        v.reset = cookie.map(str::to_string);
        v.post("/pin-reset/identity", &[("nid", NID)])
            .await
            .to("/pin-reset?ended=1");
        v.reset = cookie.map(str::to_string);
        v.post("/pin-reset/pin", &[]).await.to("/pin-reset?ended=1");
        v.reset = cookie.map(str::to_string);
        v.post("/pin-reset/resend", &[])
            .await
            .to("/pin-reset?ended=1");
    }
    let ended = v.get("/pin-reset?ended=1").await;
    ended.expect(200);
    assert!(
        ended.html.contains("Your PIN reset has ended"),
        "{}",
        ended.html
    );

    // Garbage numbers: the form again, the reason in English, nothing started.
    v.get("/pin-reset").await;
    let long = "7".repeat(10_000);
    for bad in [
        "",
        "abc",
        "0171234567",
        "017123456789",
        "+1 555 0100",
        "<script>",
        &long,
    ] {
        let r = v.post("/pin-reset", &[("msisdn", bad)]).await;
        r.expect(422);
        assert!(
            !r.alert().is_empty() && !r.html.contains('⟦'),
            "{bad}: {r:#?}"
        );
        assert!(!r.html.contains("<script>"), "escaped");
        assert!(v.reset.is_none());
    }
    // A forged form: refused.
    let r = v
        .post(
            "/pin-reset",
            &[("msisdn", NUMBER), ("csrf", "forged-0000000000000000")],
        )
        .await;
    r.expect(403);
    assert!(r.alert().contains("expired"), "{}", r.alert());
    assert!(v.reset.is_none());

    // Step 1 with garbage in every field: every fault named at once, in English.
    v.start(NUMBER).await;
    v.get("/pin-reset/pin").await.to("/pin-reset/identity");
    v.post("/pin-reset/pin", &[("temporary", "12345")])
        .await
        .to("/pin-reset/identity");
    let r = v
        .post(
            "/pin-reset/identity",
            &[("nid", "abcd"), ("dob", "31/02/1990"), ("choice", "9")],
        )
        .await;
    r.expect(422);
    let alert = r.alert();
    for text in [
        "An NID number has digits only",
        "There is no such day",
        "Choose the transaction",
    ] {
        assert!(alert.contains(text), "{text} in {alert}");
    }
    for (nid, dob, choice) in [
        ("", "", ""),
        ("123", "25.03.1990", "-1"),
        ("12345678901234567890", "2099-01-01", "x"),
        ("১২৩৪৫৬৭৮৯০১", "25/03/90", "4"),
        (long.as_str(), long.as_str(), long.as_str()),
    ] {
        let r = v
            .post(
                "/pin-reset/identity",
                &[("nid", nid), ("dob", dob), ("choice", choice)],
            )
            .await;
        r.expect(422);
        assert!(!r.alert().is_empty(), "{r:#?}");
    }
    // A repeated field, another content type, a forged form: no server error.
    let rb = v
        .client
        .post(format!("{}/pin-reset/identity", t.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("choice=1&choice=2&nid=%FF%FE&csrf={}", v.csrf));
    let r = v.send(rb).await;
    r.expect(422);
    let rb = v
        .client
        .post(format!("{}/pin-reset/identity", t.base))
        .json(&json!({ "nid": NID }));
    let r = v.send(rb).await;
    assert!((400..500).contains(&r.status), "{r:#?}");
    let r = v
        .post(
            "/pin-reset/identity",
            &[("nid", NID), ("dob", DOB), ("choice", "0"), ("csrf", "x")],
        )
        .await;
    r.expect(403);
    assert!(r.html.contains("action=\"/pin-reset/identity\""));
    // None of that used up an attempt: the right answers still pass.
    let page = v.get("/pin-reset/identity").await;
    let right = right_choice(&page.html, "en").to_string();
    v.post(
        "/pin-reset/identity",
        &[("nid", NID), ("dob", DOB), ("choice", &right)],
    )
    .await
    .to("/pin-reset/pin");

    // Step 2 with garbage.
    for (temporary, new, again) in [
        ("", "", ""),
        ("abcde", "1234", "123456"),
        ("৪৮২১", "৪৮২১৩৫", "x"),
        (long.as_str(), long.as_str(), long.as_str()),
        ("12345", "11111", "11111"),
    ] {
        let r = confirm(&mut v, temporary, new, again).await;
        r.expect(422);
        assert!(!r.alert().is_empty() && !r.html.contains('⟦'), "{r:#?}");
    }
    let r = confirm(&mut v, "", "", "").await;
    for field in [
        "Temporary PIN (from the SMS)",
        "New PIN (5 digits)",
        "New PIN again",
    ] {
        assert!(
            r.alert().contains(&format!("{field}:")),
            "{field} in {}",
            r.alert()
        );
    }
    let r = v.post("/pin-reset/resend", &[("csrf", "x")]).await;
    r.expect(403);
    v.post("/pin-reset/identity", &[("nid", NID)])
        .await
        .to("/pin-reset/pin");

    // The session runs out: back to the start.
    t.clock.advance(SignedDuration::from_mins(16));
    v.get("/pin-reset/pin").await.to("/pin-reset?ended=1");
    assert!(v.reset.is_none());
}

// ---------------------------------------------------------------------------------------
// The desk
// ---------------------------------------------------------------------------------------

async fn staff_see_a_wallet_and_supervisors_unlock_it(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    lock(&t).await;
    let path = format!("/agent/wallets/{NUMBER}");
    let unlock = format!("{path}/unlock");

    // Not logged in: to the login form.
    let res = no_redirects()
        .get(format!("{}/agent/wallets", t.base))
        .send()
        .await
        .expect("a request");
    assert_eq!(res.status().as_u16(), 303);

    let agent = t.desk_login(&t.agent).await;
    let (inbox, _) = agent.page("/agent", "bn").await;
    assert!(
        inbox.contains("href=\"/agent/wallets\""),
        "in the desk's menu"
    );
    let (form, _) = agent.page("/agent/wallets", "bn").await;
    assert!(form.contains("name=\"msisdn\""));
    let (status, _, headers) = agent
        .get("/agent/wallets?msisdn=%E0%A7%A6%E0%A7%A7%E0%A7%AD%E0%A7%A7%E0%A7%A8-%E0%A7%A9%E0%A7%AA%E0%A7%AB%E0%A7%AC%E0%A7%AD%E0%A7%AE", "bn")
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        headers.get("location").and_then(|v| v.to_str().ok()),
        Some(path.as_str())
    );
    let (status, html, _) = agent.get("/agent/wallets?msisdn=abc", "en").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("role=\"alert\""));
    for missing in ["/agent/wallets/01812345670", "/agent/wallets/not-a-number"] {
        let (status, html, _) = agent.get(missing, "en").await;
        assert_eq!(status, 404, "{missing}: {html}");
        assert!(html.contains("role=\"alert\""));
    }

    // The account, in both languages: its lock and history, never a secret.
    let account = t
        .app
        .store
        .wallet_account(E164)
        .await
        .expect("store")
        .expect("the account");
    let (bn, _) = agent.page(&path, "bn").await;
    let (en, _) = agent.page(&path, "en").await;
    assert!(bn.contains("রহিমা বেগম") && bn.contains("লক করা"), "{bn}");
    assert!(
        en.contains("Locked") && en.contains("until 22 Nov 2026 09:30"),
        "{en}"
    );
    assert_eq!(en.matches("Wrong PIN</td>").count(), 2, "{en}");
    assert_eq!(en.matches("Wrong PIN: locked").count(), 1, "{en}");
    assert!(en.contains("Customer"), "who");
    for html in [&bn, &en] {
        for secret in [
            account.pin_hash.as_str(),
            account.nid_hash.as_str(),
            NID,
            CURRENT,
            WRONG,
            "argon2",
        ] {
            assert!(!html.contains(secret), "{secret} on the page");
        }
        // An agent neither sees the form nor may post it.
        assert!(!html.contains(&format!("action=\"{unlock}\"")));
    }
    assert!(en.contains("Only a supervisor can unlock"), "{en}");
    let (status, _, _) = agent
        .post(&unlock, &[("reason", "the caller asked nicely")])
        .await;
    assert_eq!(status, 403);
    assert!(matches!(
        t.app
            .verify_pin(&msisdn(NUMBER), &pin(CURRENT))
            .await
            .unwrap(),
        PinOutcome::Locked { .. }
    ));

    // A supervisor: the form; a reason is required, the token too; then unlocked.
    let supervisor = t.desk_login(&t.supervisor).await;
    let (html, _) = supervisor.page(&path, "en").await;
    assert!(html.contains(&format!("action=\"{unlock}\"")), "{html}");
    let (status, _, html) = supervisor.post(&unlock, &[("reason", "   ")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("role=\"alert\""), "{html}");
    let (status, _, _) = supervisor
        .post(&unlock, &[("reason", "checked"), ("csrf", "forged")])
        .await;
    assert_eq!(status, 403);
    let reason = "Caller gave NID and date of birth; called from the registered number";
    let (status, location, _) = supervisor.post(&unlock, &[("reason", reason)]).await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("{path}?unlocked=1").as_str())
    );
    let (html, _) = supervisor.page(&format!("{path}?unlocked=1"), "en").await;
    assert!(html.contains("role=\"status\""), "the notice");
    assert!(html.contains("Not locked"), "{html}");
    assert!(
        html.contains("Unlocked by staff") && html.contains("নাসরিন আক্তার") && html.contains(reason),
        "who, what and why: {html}"
    );
    assert!(html.contains("no wrong PINs to clear"), "{html}");
    let account = t
        .app
        .store
        .wallet_account(E164)
        .await
        .expect("store")
        .expect("the account");
    assert_eq!(account.failed_pins, 0);
    assert!(account.locked_until.is_none_or(|u| u <= t.app.now()));
    // The PIN stayed.
    assert_eq!(
        t.app
            .verify_pin(&msisdn(NUMBER), &pin(CURRENT))
            .await
            .unwrap(),
        PinOutcome::Right
    );
}

async fn rate_limited_but_the_reset_is_kept(t: TestApp) {
    seed(&t, NUMBER, CURRENT).await;
    let mut v = Visitor::new(&t, "en");
    v.start(NUMBER).await;
    for _ in 0..2 {
        v.post("/pin-reset/identity", &[("nid", "1")])
            .await
            .expect(422);
    }
    // The fourth post in a minute: told to slow down, the reset kept.
    let r = v.post("/pin-reset/identity", &[("nid", NID)]).await;
    r.expect(429);
    assert!(r.alert().contains("slow down"), "{}", r.alert());
    assert!(
        r.html.contains("href=\"/pin-reset/identity\""),
        "{}",
        r.html
    );
    assert!(v.reset.is_some(), "the reset's cookie is kept");
    let r = v.post("/pin-reset", &[("msisdn", UNKNOWN)]).await;
    r.expect(429);
    assert_eq!(r.retry_after, "60");
    // The reset's pages are still shown.
    v.get("/pin-reset/identity").await.expect(200);
}
