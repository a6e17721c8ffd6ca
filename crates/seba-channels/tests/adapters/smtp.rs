//! `SmtpMailer` against a real SMTP server (aiosmtpd) on loopback.

use std::time::Duration;

use seba_app::settings::Secret;
use seba_channels::email::{EmailSettings, Mailer, SmtpMailer};

use crate::common::{SmtpServer, closed_port, normalise};

const SUBJECT: &str = "[1000-013] অভিযোগ গ্রহণ / Complaint received";
const BODY: &str = "আপনার অভিযোগ গ্রহণ করা হয়েছে। কেস নম্বর ১০০০-০১৩।\n\nYour complaint is received. Case 1000-013.\n.\nএকটি লাইন যা বিন্দু দিয়ে শুরু:\n.শেষ";

fn mailer(url: String) -> SmtpMailer {
    SmtpMailer::new(&EmailSettings {
        smtp_url: Secret::new(url),
        from: "seba <care@seba.test>".into(),
    })
    .expect("mailer settings")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_delivers_bengali_mail() {
    let Some(mut server) = SmtpServer::start("smtp_delivers_bengali_mail").await else {
        return;
    };
    let m = mailer(server.url());
    m.send("karim@example.test", SUBJECT, BODY, "ack.13.email")
        .await
        .expect("the server accepts the message");

    let msg = server.next_message().await;
    assert_eq!(msg["mail_from"], "care@seba.test", "{msg}");
    assert_eq!(msg["rcpt_tos"], serde_json::json!(["karim@example.test"]));
    assert_eq!(msg["subject"], SUBJECT, "the subject, decoded");
    assert_eq!(msg["to"], "karim@example.test");
    assert!(
        msg["from"]
            .as_str()
            .unwrap_or("")
            .contains("care@seba.test"),
        "{msg}"
    );
    assert_eq!(msg["message_id"], "<ack.13.email@seba.test>");
    assert_eq!(msg["content_type"], "text/plain");
    assert_eq!(msg["charset"], "utf-8");
    assert_eq!(
        normalise(msg["body"].as_str().expect("a text body")),
        normalise(BODY),
        "the body, decoded from {}",
        msg["transfer_encoding"]
    );
    // Headers on the wire are ASCII (RFC 2047 encoded words for the Bengali subject).
    let raw = msg["raw"].as_str().unwrap_or("");
    let head = raw.split("\r\n\r\n").next().unwrap_or(raw);
    assert!(head.is_ascii(), "non-ASCII header on the wire:\n{head}");

    // A second message reuses nothing it should not: its own Message-ID.
    m.send(
        "rahim@example.test",
        "দ্বিতীয়",
        "দ্বিতীয় বার্তা",
        "reply.77.email",
    )
    .await
    .expect("second message");
    let msg = server.next_message().await;
    assert_eq!(msg["message_id"], "<reply.77.email@seba.test>");
    assert_eq!(msg["subject"], "দ্বিতীয়");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_failures_are_classified_for_retry() {
    let Some(mut server) = SmtpServer::start("smtp_failures_are_classified_for_retry").await else {
        return;
    };
    let m = mailer(server.url());
    let err = m
        .send("bounce@example.test", SUBJECT, BODY, "r1")
        .await
        .expect_err("550 for this recipient");
    assert!(!err.retryable, "a 5xx refusal is final: {err}");
    let err = m
        .send("tempfail@example.test", SUBJECT, BODY, "r2")
        .await
        .expect_err("451 for this recipient");
    assert!(err.retryable, "a 4xx refusal is temporary: {err}");
    let err = m
        .send("not an address", SUBJECT, BODY, "r3")
        .await
        .expect_err("a malformed recipient");
    assert!(!err.retryable, "{err}");
    server.assert_quiet(Duration::from_millis(300)).await;

    let down = mailer(format!("smtp://127.0.0.1:{}", closed_port()));
    let err = down
        .send("karim@example.test", SUBJECT, BODY, "r4")
        .await
        .expect_err("nobody listens");
    assert!(err.retryable, "an unreachable server is retryable: {err}");
}

#[test]
fn bad_mailer_settings_are_refused() {
    for (url, from) in [
        ("smtp://127.0.0.1:25", "not a mailbox"),
        ("gopher://127.0.0.1", "seba <care@seba.test>"),
    ] {
        let r = SmtpMailer::new(&EmailSettings {
            smtp_url: Secret::new(url),
            from: from.into(),
        });
        assert!(r.is_err(), "{url} / {from} was accepted");
    }
}
