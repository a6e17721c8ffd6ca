//! From a new case to a customer's phone and inbox: the notifier queues, the delivery worker
//! sends through the real adapters to local servers, and the store records the outcome.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use seba_app::App;
use seba_app::cases::{Caller, NewCaseInput};
use seba_app::random::OsRandom;
use seba_app::settings::{AppSettings, Secret};
use seba_channels::delivery::{self, Adapters};
use seba_channels::email::{EmailSettings, Mailer, SmtpMailer};
use seba_channels::notifier;
use seba_channels::sms::{HttpSmsGateway, SmsSender, SmsSettings};
use seba_core::case::Case;
use seba_core::clock::SystemClock;
use seba_store::{DeliveryChannel, DeliveryState, Store};

use crate::common::{Gateway, SmtpServer, normalise};

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p =
            std::env::temp_dir().join(format!("seba-channels-{}-{nanos:x}", std::process::id()));
        std::fs::create_dir_all(&p).expect("mkdir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

async fn app_on_sqlite(dir: &TempDir) -> App {
    let store: Arc<dyn Store> = seba_store::open(dir.0.join("seba.db").to_str().expect("path"))
        .await
        .expect("opening SQLite");
    let settings = AppSettings {
        pepper: Secret::new("test-pepper-0123456789abcdef"),
        ..AppSettings::default()
    };
    settings.validate().expect("settings");
    let app = App::new(store, Arc::new(SystemClock), Arc::new(OsRandom), settings);
    app.bootstrap().await.expect("bootstrap");
    app
}

async fn new_case(app: &App, msisdn: &str, email: Option<&str>) -> Case {
    let (case, _) = app
        .create_case(
            NewCaseInput {
                category: "mfs.wrong_transfer".into(),
                body: "ভুল নম্বরে ৫,০০০ টাকা পাঠিয়েছি, ফেরত চাই".into(),
                requester_name: Some("করিম".into()),
                requester_msisdn: Some(msisdn.into()),
                requester_email: email.map(Into::into),
                ..NewCaseInput::default()
            },
            Caller::system(),
            None,
        )
        .await
        .expect("creating a case");
    case
}

fn sms_adapter(gw: &Gateway) -> Arc<dyn SmsSender> {
    Arc::new(
        HttpSmsGateway::new(SmsSettings {
            kind: "http".into(),
            url: gw.url("/sms"),
            api_key: Secret::new("k3y"),
            timeout_secs: 5,
            ..SmsSettings::default()
        })
        .expect("SMS settings"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_acknowledgement_reaches_sms_and_email() {
    let smtp = SmtpServer::start("case_acknowledgement_reaches_sms_and_email").await;
    let dir = TempDir::new();
    let app = app_on_sqlite(&dir).await;
    let gw = Gateway::start().await;
    let email: Option<Arc<dyn Mailer>> = smtp.as_ref().map(|s| {
        Arc::new(
            SmtpMailer::new(&EmailSettings {
                smtp_url: Secret::new(s.url()),
                from: "seba <care@seba.test>".into(),
            })
            .expect("mailer"),
        ) as Arc<dyn Mailer>
    });
    let adapters = Adapters {
        sms: Some(sms_adapter(&gw)),
        email,
    };
    let mut smtp = smtp;
    let with_email = smtp.is_some();

    let case = new_case(
        &app,
        "01712345678",
        with_email.then_some("Karim@Example.test"),
    )
    .await;
    let number = case.number().to_string();
    let number_bn = seba_core::text::bengali_digits(&number);

    assert!(notifier::step(&app).await.expect("notifier") >= 1);
    let queued = app
        .store
        .deliveries_for_case(case.id)
        .await
        .expect("deliveries");
    assert_eq!(queued.len(), if with_email { 2 } else { 1 }, "{queued:?}");
    assert!(queued.iter().all(|d| d.state == DeliveryState::Queued));

    let sent = delivery::step(&app.store, &adapters)
        .await
        .expect("delivery");
    assert_eq!(sent, queued.len());

    // The gateway got the Bengali acknowledgement (the case's subject is Bengali).
    let got = gw.take();
    assert_eq!(got.len(), 1);
    let v: serde_json::Value = serde_json::from_slice(&got[0].body).expect("JSON body");
    assert_eq!(v["to"], "+8801712345678");
    let text = v["text"].as_str().expect("text");
    assert!(text.contains(&number_bn), "{text} lacks {number_bn}");
    assert!(text.contains("অভিযোগ গ্রহণ"), "{text}");
    assert_eq!(v["reference"], format!("ack.{}.sms", case.id));
    assert_eq!(
        got[0].header("authorization").as_deref(),
        Some("Bearer k3y")
    );

    if let Some(server) = smtp.as_mut() {
        let msg = server.next_message().await;
        // The domain is case-folded on intake; the local part is kept as given.
        assert_eq!(msg["rcpt_tos"], serde_json::json!(["Karim@example.test"]));
        assert_eq!(
            msg["subject"],
            format!("[{number}] অভিযোগ গ্রহণ / Complaint received")
        );
        let body = normalise(msg["body"].as_str().expect("body"));
        assert!(
            body.contains(&number_bn) && body.contains(&number),
            "{body}"
        );
        assert!(body.contains("Your complaint is received"), "{body}");
        assert_eq!(
            msg["message_id"],
            format!("<ack.{}.email@seba.test>", case.id)
        );
    }

    let ds = app
        .store
        .deliveries_for_case(case.id)
        .await
        .expect("deliveries");
    assert_eq!(ds.len(), queued.len());
    for d in &ds {
        assert_eq!(d.state, DeliveryState::Sent, "{d:?}");
        assert_eq!(d.attempts, 1, "{d:?}");
        assert_eq!(d.last_error, None);
    }
    assert!(ds.iter().any(|d| d.channel == DeliveryChannel::Sms));
    if with_email {
        assert!(ds.iter().any(|d| d.channel == DeliveryChannel::Email));
    }

    // Nothing new to read, nothing queued twice, nothing sent twice.
    assert_eq!(notifier::step(&app).await.expect("notifier"), 0);
    assert_eq!(
        app.store
            .deliveries_for_case(case.id)
            .await
            .expect("deliveries")
            .len(),
        ds.len()
    );
    assert_eq!(
        delivery::step(&app.store, &adapters)
            .await
            .expect("delivery"),
        0
    );
    assert!(gw.take().is_empty());
    if let Some(server) = smtp.as_mut() {
        server.assert_quiet(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_gateway_leads_to_a_retry_later() {
    let dir = TempDir::new();
    let app = app_on_sqlite(&dir).await;
    let gw = Gateway::start().await;
    gw.answer(500);
    let adapters = Adapters {
        sms: Some(sms_adapter(&gw)),
        email: None,
    };
    let case = new_case(&app, "+8801812345678", None).await;
    notifier::step(&app).await.expect("notifier");
    let before = Timestamp::now();
    assert_eq!(
        delivery::step(&app.store, &adapters)
            .await
            .expect("delivery"),
        1
    );
    assert_eq!(gw.take().len(), 1);

    let ds = app
        .store
        .deliveries_for_case(case.id)
        .await
        .expect("deliveries");
    assert_eq!(ds.len(), 1);
    let d = &ds[0];
    assert_eq!(d.state, DeliveryState::Retrying, "{d:?}");
    assert_eq!(d.attempts, 1);
    assert!(
        d.next_attempt_at > before,
        "next attempt {} is not in the future",
        d.next_attempt_at
    );
    assert!(
        d.next_attempt_at > Timestamp::now() + jiff::SignedDuration::from_secs(20),
        "backoff too short: {}",
        d.next_attempt_at
    );
    assert!(
        d.last_error.as_deref().is_some_and(|e| e.contains("500")),
        "{d:?}"
    );

    // Not due yet: the worker leaves it alone, even with the gateway back.
    gw.answer(200);
    assert_eq!(
        delivery::step(&app.store, &adapters)
            .await
            .expect("delivery"),
        0
    );
    assert!(gw.take().is_empty());

    // A refusal (4xx) is final.
    gw.answer(400);
    let case2 = new_case(&app, "01912345678", None).await;
    notifier::step(&app).await.expect("notifier");
    assert_eq!(
        delivery::step(&app.store, &adapters)
            .await
            .expect("delivery"),
        1
    );
    let ds = app
        .store
        .deliveries_for_case(case2.id)
        .await
        .expect("deliveries");
    assert_eq!(ds[0].state, DeliveryState::Failed, "{:?}", ds[0]);
    assert_eq!(ds[0].attempts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_switched_off_channel_fails_its_deliveries() {
    let dir = TempDir::new();
    let app = app_on_sqlite(&dir).await;
    let gw = Gateway::start().await;
    let adapters = Adapters {
        sms: Some(sms_adapter(&gw)),
        email: None,
    };
    let case = new_case(&app, "01712345678", Some("rahim@example.test")).await;
    notifier::step(&app).await.expect("notifier");
    assert_eq!(
        delivery::step(&app.store, &adapters)
            .await
            .expect("delivery"),
        2
    );
    let ds = app
        .store
        .deliveries_for_case(case.id)
        .await
        .expect("deliveries");
    let by = |c| ds.iter().find(|d| d.channel == c).expect("delivery");
    assert_eq!(by(DeliveryChannel::Sms).state, DeliveryState::Sent);
    assert_eq!(by(DeliveryChannel::Email).state, DeliveryState::Failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recipients_are_sent_to_side_by_side_and_each_in_order() {
    let dir = TempDir::new();
    let app = app_on_sqlite(&dir).await;
    let gw = Gateway::start().await;
    // Long enough that sends started together are answered together.
    gw.delay(Duration::from_millis(200));
    let adapters = Adapters {
        sms: Some(sms_adapter(&gw)),
        email: None,
    };
    // One customer files three complaints; three others one each.
    let mut busy = Vec::new();
    for _ in 0..3 {
        busy.push(new_case(&app, "01711111111", None).await);
    }
    for n in ["01722222222", "01833333333", "01944444444"] {
        new_case(&app, n, None).await;
    }
    notifier::step(&app).await.expect("notifier");
    assert_eq!(
        delivery::step(&app.store, &adapters)
            .await
            .expect("delivery"),
        6
    );
    let got = gw.take();
    assert_eq!(got.len(), 6);
    // Four recipients: sent to side by side, but never one recipient's two at once.
    let most = gw.most_at_once();
    assert!((2..=4).contains(&most), "{most} requests at once");
    // The busy customer's acknowledgements arrived in the order the cases were filed.
    let texts: Vec<String> = got
        .iter()
        .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).expect("JSON body"))
        .filter(|v| v["to"] == "+8801711111111")
        .map(|v| v["text"].as_str().expect("text").to_string())
        .collect();
    assert_eq!(texts.len(), 3);
    for (text, case) in texts.iter().zip(&busy) {
        let number = seba_core::text::bengali_digits(&case.number().to_string());
        assert!(text.contains(&number), "{text} is not case {number}'s");
    }
    for case in &busy {
        let ds = app
            .store
            .deliveries_for_case(case.id)
            .await
            .expect("deliveries");
        assert!(ds.iter().all(|d| d.state == DeliveryState::Sent), "{ds:?}");
    }
}
