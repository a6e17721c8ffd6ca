//! `HttpSmsGateway` against a local server that records what it receives.

use std::time::Duration;

use seba_app::settings::Secret;
use seba_channels::sms::{HttpSmsGateway, SmsSender, SmsSettings};

use crate::common::{Gateway, closed_port, decode_form, form_value};

const FORM: &str =
    "api_key={api_key}&senderid={sender}&number={to_national}&message={text}&ref={reference}";
/// Bengali with the characters a form encoder must escape: `&`, `=`, `+`, `%`, a newline.
const TEXT: &str = "আপনার অভিযোগ গ্রহণ করা হয়েছে। কেস নম্বর ১০০০-০১৩ & a=b+c 50%\nধন্যবাদ";
const KEY: &str = "k3y&=+/;";

fn form_settings(url: String) -> SmsSettings {
    SmsSettings {
        kind: "http".into(),
        url,
        method: "POST".into(),
        content_type: "application/x-www-form-urlencoded".into(),
        body: FORM.into(),
        sender: "seba care".into(),
        api_key: Secret::new(KEY),
        timeout_secs: 5,
    }
}

#[tokio::test]
async fn form_post_carries_number_text_and_key() {
    let gw = Gateway::start().await;
    let sms = HttpSmsGateway::new(form_settings(gw.url("/api/v1/send"))).expect("settings");
    sms.send("+8801712345678", TEXT, "ack.13.sms")
        .await
        .expect("a 200 is success");

    let got = gw.take();
    assert_eq!(got.len(), 1, "one request per message");
    let r = &got[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/api/v1/send");
    assert_eq!(r.query, None);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.header("authorization"), Some(format!("Bearer {KEY}")));
    let body = r.body_text();
    assert!(body.is_ascii(), "a form body is all escapes: {body}");
    let form = decode_form(&body);
    assert_eq!(form_value(&form, "number").as_deref(), Some("01712345678"));
    assert_eq!(form_value(&form, "message").as_deref(), Some(TEXT));
    assert_eq!(form_value(&form, "api_key").as_deref(), Some(KEY));
    assert_eq!(form_value(&form, "senderid").as_deref(), Some("seba care"));
    assert_eq!(form_value(&form, "ref").as_deref(), Some("ack.13.sms"));
    assert_eq!(form.len(), 5, "exactly the template's fields: {form:?}");
}

#[tokio::test]
async fn bearer_header_carries_the_api_key() {
    let gw = Gateway::start().await;
    let mut settings = form_settings(gw.url("/send"));
    settings.api_key = Secret::new("k3y-0123456789");
    let sms = HttpSmsGateway::new(settings).expect("settings");
    sms.send("+8801712345678", TEXT, "r1").await.expect("sent");
    let got = gw.take();
    assert_eq!(
        got[0].header("authorization").as_deref(),
        Some("Bearer k3y-0123456789")
    );

    // Without a key there is no Authorization header at all.
    let mut settings = form_settings(gw.url("/send"));
    settings.api_key = Secret::default();
    let sms = HttpSmsGateway::new(settings).expect("settings");
    sms.send("+8801712345678", TEXT, "r2").await.expect("sent");
    assert_eq!(gw.take()[0].header("authorization"), None);
}

#[tokio::test]
async fn json_body_and_get_query_templates() {
    let gw = Gateway::start().await;
    let sms = HttpSmsGateway::new(SmsSettings {
        kind: "http".into(),
        url: gw.url("/json"),
        ..SmsSettings::default()
    })
    .expect("settings");
    let quoted = "তিনি বললেন \"ঠিক আছে\"\\ \u{1}";
    sms.send("+8801812345678", quoted, "ref-1")
        .await
        .expect("sent");
    let r = &gw.take()[0];
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("a JSON body");
    assert_eq!(v["to"], "+8801812345678");
    assert_eq!(v["text"], quoted);
    assert_eq!(v["sender"], "seba");
    assert_eq!(v["reference"], "ref-1");

    let sms = HttpSmsGateway::new(SmsSettings {
        kind: "http".into(),
        url: gw.url("/get?user=seba"),
        method: "GET".into(),
        body: "to={to_national}&sms={text}".into(),
        ..SmsSettings::default()
    })
    .expect("settings");
    sms.send("+8801912345678", TEXT, "ref-2")
        .await
        .expect("sent");
    let r = &gw.take()[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/get");
    assert!(r.body.is_empty());
    let q = decode_form(r.query.as_deref().expect("a query"));
    assert_eq!(form_value(&q, "user").as_deref(), Some("seba"));
    assert_eq!(form_value(&q, "to").as_deref(), Some("01912345678"));
    assert_eq!(form_value(&q, "sms").as_deref(), Some(TEXT));
}

#[tokio::test]
async fn failures_are_classified_for_retry() {
    let gw = Gateway::start().await;
    let sms = HttpSmsGateway::new(form_settings(gw.url("/send"))).expect("settings");
    for (status, retryable) in [
        (500, true),
        (503, true),
        (429, true),
        (400, false),
        (401, false),
        (404, false),
    ] {
        gw.answer(status);
        let err = sms
            .send("+8801712345678", TEXT, "r")
            .await
            .expect_err(&format!("a {status} is not success"));
        assert_eq!(
            err.retryable, retryable,
            "{status}: retryable should be {retryable} ({err})"
        );
        assert!(err.message.contains(&status.to_string()), "{err}");
        assert!(!err.message.contains(KEY), "the key leaked into {err}");
    }
    assert_eq!(gw.take().len(), 6);

    // Nobody listening: retry later.
    let sms = HttpSmsGateway::new(form_settings(format!(
        "http://127.0.0.1:{}/send",
        closed_port()
    )))
    .expect("settings");
    let err = sms
        .send("+8801712345678", TEXT, "r")
        .await
        .expect_err("nothing listens there");
    assert!(err.retryable, "an unreachable gateway is retryable: {err}");

    // A gateway that does not answer in time: retry later.
    gw.answer(200);
    gw.delay(Duration::from_secs(3));
    let mut settings = form_settings(gw.url("/slow"));
    settings.timeout_secs = 1;
    let sms = HttpSmsGateway::new(settings).expect("settings");
    let started = std::time::Instant::now();
    let err = sms
        .send("+8801712345678", TEXT, "r")
        .await
        .expect_err("the gateway is too slow");
    assert!(err.retryable, "a timeout is retryable: {err}");
    assert!(
        started.elapsed() < Duration::from_millis(2900),
        "the timeout was not applied"
    );
}

#[test]
fn bad_settings_are_refused() {
    for (url, method) in [
        ("ftp://x/send", "POST"),
        ("127.0.0.1:80/send", "POST"),
        ("http://x/send", "PUT"),
    ] {
        let r = HttpSmsGateway::new(SmsSettings {
            kind: "http".into(),
            url: url.into(),
            method: method.into(),
            ..SmsSettings::default()
        });
        assert!(r.is_err(), "{method} {url} was accepted");
    }
}
