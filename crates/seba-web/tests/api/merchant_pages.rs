//! The merchant portal's pages, on both engines: a merchant's staff member logs in at the
//! staff login and lands on `/merchant`, sees only their own merchant's claims with the
//! claimant's number masked, gets a 404 for another merchant's claim and a 403 for every
//! desk page; answers a forwarded claim, records a refund and sends proof through the
//! pages; forged forms are refused.

use reqwest::Client;
use serde_json::json;

use seba_app::cases::Caller;
use seba_app::claims::ClaimActor;
use seba_claims::workflow::Stage;
use seba_core::staff::Role;

use crate::claim_desk::{claim, digits, file, multipart};
use crate::common::{
    PASSWORD, PNG, TestApp, cookie_pair, form_cookie_and_token, hidden_field, no_redirects,
    submit_form,
};

both_engines! {
    a_merchant_works_its_claims_through_the_pages =>
        sqlite_merchant_pages_a_merchant_works_its_claims_through_the_pages,
        postgres_merchant_pages_a_merchant_works_its_claims_through_the_pages;
}

/// A merchant's staff member logged in through the staff login form.
struct Portal {
    client: Client,
    cookie: String,
    csrf: String,
    base: String,
}

impl Portal {
    async fn get(&self, path: &str, lang: &str) -> (u16, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("accept-language", lang)
            .send()
            .await
            .expect("a GET");
        let status = res.status().as_u16();
        (status, res.text().await.expect("a body"))
    }

    /// A page that must be there in full (200, no text missing).
    async fn page(&self, path: &str, lang: &str) -> String {
        let (status, html) = self.get(path, lang).await;
        assert_eq!(status, 200, "{path} in {lang}: {html}");
        assert!(
            !html.contains('⟦'),
            "a missing text on {path} in {lang}: {html}"
        );
        html
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)], lang: &str) -> (u16, String, String) {
        let rb = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("accept-language", lang);
        submit_form(rb, &self.csrf, fields).await
    }

    async fn post_file(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> (u16, String, String) {
        let (ct, body) = multipart(fields, "file", file);
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("accept-language", "en")
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .expect("a multipart POST");
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (status, location, res.text().await.expect("a body"))
    }
}

/// Log in at `/agent/login` asking for `next`; the merchant lands on `/merchant`.
async fn portal_login(t: &TestApp, username: &str, next: &str) -> Portal {
    let client = no_redirects();
    let login = t.url("/agent/login");
    let (form_cookie, csrf) = form_cookie_and_token(&client, &login).await;
    let res = client
        .post(&login)
        .header("cookie", &form_cookie)
        .form(&[
            ("username", username),
            ("password", PASSWORD),
            ("next", next),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .expect("login post");
    assert_eq!(res.status().as_u16(), 303, "logged in as {username}");
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(location, "/merchant", "a merchant lands on the portal");
    let cookie = cookie_pair(&res, "seba_session").expect("a session cookie");
    let home = client
        .get(t.url("/merchant"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("the portal");
    assert_eq!(home.status().as_u16(), 200);
    let csrf = hidden_field(&home.text().await.expect("html"), "csrf");
    assert!(csrf.len() >= 16, "the session's form token");
    Portal {
        client,
        cookie,
        csrf,
        base: t.base.clone(),
    }
}

async fn add_merchant(t: &TestApp, trade_en: &str) -> i64 {
    t.post(
        &t.supervisor,
        "/api/v1/merchants",
        &json!({ "trade_en": trade_en, "status": "in_liquidation" }),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .unwrap()
}

async fn a_merchant_works_its_claims_through_the_pages(t: TestApp) {
    let evaly = add_merchant(&t, "Evaly").await;
    let qcoom = add_merchant(&t, "Qcoom").await;
    let mine = file(&t, &claim("01712345678", "Evaly", "EV-1", "20,000")).await;
    let theirs = file(&t, &claim("01812345678", "Qcoom", "Q-1", "30,000")).await;
    t.app
        .add_merchant_user(
            "evaly.staff",
            "Evaly staff",
            PASSWORD,
            evaly,
            Caller::system(),
        )
        .await
        .unwrap();
    t.app
        .add_merchant_user(
            "qcoom.staff",
            "Qcoom staff",
            PASSWORD,
            qcoom,
            Caller::system(),
        )
        .await
        .unwrap();
    // The cell verifies and forwards both.
    let cell = ClaimActor::Cell(Caller::staff(t.agent.id, Role::Agent));
    for n in [&mine, &theirs] {
        for to in [Stage::Verified, Stage::Forwarded] {
            t.app
                .move_claim(TestApp::id_of(n), to, cell, None)
                .await
                .unwrap();
        }
    }

    // Wherever the login was asked to go, a merchant lands on the portal.
    let _ = portal_login(&t, "evaly.staff", "/agent/claims").await;
    let p = portal_login(&t, "evaly.staff", "/agent").await;

    // Only their own claims, the claimant's number masked, no name.
    for lang in ["bn", "en"] {
        p.page("/merchant", lang).await;
    }
    let html = p.page("/merchant", "en").await;
    let mine_path = format!("/merchant/claims/{}", digits(&mine));
    let theirs_path = format!("/merchant/claims/{}", digits(&theirs));
    assert!(html.contains(&format!("href=\"{mine_path}\"")), "{html}");
    assert!(
        !html.contains(&theirs_path) && !html.contains("Q-1"),
        "{html}"
    );
    assert!(html.contains("01712-***678"), "{html}");
    assert!(
        !html.contains("01712345678") && !html.contains("রহিম"),
        "{html}"
    );
    assert!(!html.contains("href=\"/agent\""), "no desk menu: {html}");

    // Another merchant's claim does not exist for them.
    let (status, _) = p.get(&theirs_path, "en").await;
    assert_eq!(status, 404);
    let (status, _, _) = p
        .post(
            &format!("{theirs_path}/answer"),
            &[("answer", "Not ours to answer at all")],
            "en",
        )
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = p
        .post(
            &format!("{theirs_path}/refund"),
            &[
                ("amount", "100"),
                ("paid_on", "2026-11-20"),
                ("channel", "bKash"),
            ],
            "en",
        )
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = p
        .post_file(
            &format!("{theirs_path}/proof"),
            &[("csrf", p.csrf.as_str())],
            ("slip.png", "image/png", PNG),
        )
        .await;
    assert_eq!(status, 404);
    // … nor does the desk.
    for path in [
        "/agent",
        "/agent/claims",
        "/agent/merchants",
        "/agent/claims/forward",
        "/agent/search",
        "/agent/wallets",
    ] {
        let (status, _) = p.get(path, "en").await;
        assert_eq!(status, 403, "{path}");
    }
    let (status, _) = p
        .get(&format!("/agent/claims/{}", digits(&mine)), "en")
        .await;
    assert_eq!(status, 403);
    let (status, _) = p
        .get(&format!("/agent/cases/{}", digits(&mine)), "en")
        .await;
    assert_eq!(status, 403);
    // Staff are not merchants.
    let agent = t.desk_login(&t.agent).await;
    let (status, _, _) = agent.get("/merchant", "en").await;
    assert_eq!(status, 403);

    // Their claim, in both languages, with the forms.
    p.page(&mine_path, "bn").await;
    let html = p.page(&mine_path, "en").await;
    assert!(
        html.contains("EV-1") && html.contains("01712-***678"),
        "{html}"
    );
    assert!(!html.contains("01712345678"), "{html}");
    assert!(
        html.contains(&format!("action=\"{mine_path}/answer\"")),
        "{html}"
    );
    assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");

    // Forged forms: refused, nothing changed.
    let (status, _, _) = p
        .post(
            &format!("{mine_path}/answer"),
            &[
                ("answer", "We will refund"),
                ("csrf", "forged-token-0123456789"),
            ],
            "en",
        )
        .await;
    assert_eq!(status, 403);
    let (status, _, _) = p
        .post_file(
            &format!("{mine_path}/proof"),
            &[("csrf", "forged-token-0123456789")],
            ("slip.png", "image/png", PNG),
        )
        .await;
    assert_eq!(status, 403);
    let stage = |t: &TestApp| {
        let id = TestApp::id_of(&mine);
        let store = t.app.store.clone();
        async move { store.claim(id).await.unwrap().unwrap() }
    };
    assert_eq!(stage(&t).await.stage, "forwarded");

    // The answer: too short is refused in the page's language; then sent.
    let (status, _, body) = p
        .post(&format!("{mine_path}/answer"), &[("answer", "ok")], "bn")
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("৫ থেকে ২,০০০"), "{body}");
    let (status, location, body) = p
        .post(
            &format!("{mine_path}/answer"),
            &[("answer", "We will refund the full amount by December")],
            "en",
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, format!("{mine_path}?done=answered"));
    assert_eq!(stage(&t).await.stage, "merchant_responded");
    let html = p.page(&location, "en").await;
    assert!(html.contains("Your answer is sent"), "{html}");
    assert!(
        !html.contains(&format!("action=\"{mine_path}/answer\"")),
        "answered once: {html}"
    );

    // A refund through the page.
    let (status, location, body) = p
        .post(
            &format!("{mine_path}/refund"),
            &[
                ("amount", "5,000"),
                ("paid_on", "2026-11-20"),
                ("channel", "bKash"),
                ("reference", "BK-55"),
            ],
            "en",
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, format!("{mine_path}?done=refund"));
    let claim_now = stage(&t).await;
    assert_eq!(
        (claim_now.stage.as_str(), claim_now.refunded_poisha),
        ("partly_refunded", 500_000)
    );
    let html = p.page(&location, "en").await;
    assert!(
        html.contains("Tk 5,000") && html.contains("BK-55"),
        "{html}"
    );
    // More than was paid: a conflict on the page, nothing recorded.
    let (status, _, body) = p
        .post(
            &format!("{mine_path}/refund"),
            &[
                ("amount", "50,000"),
                ("paid_on", "2026-11-20"),
                ("channel", "bKash"),
            ],
            "en",
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(stage(&t).await.refunded_poisha, 500_000);

    // Proof: not an image or PDF is refused; a PNG lands on the case with a note.
    let (status, _, body) = p
        .post_file(
            &format!("{mine_path}/proof"),
            &[("csrf", p.csrf.as_str())],
            ("notes.txt", "text/plain", b"just text"),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Only an image or a PDF"), "{body}");
    let (status, location, body) = p
        .post_file(
            &format!("{mine_path}/proof"),
            &[("csrf", p.csrf.as_str()), ("note", "bKash statement")],
            ("slip.png", "image/png", PNG),
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, format!("{mine_path}?done=proof"));
    let thread = t.app.store.messages(TestApp::id_of(&mine)).await.unwrap();
    let proof = thread
        .iter()
        .map(|m| &m.message)
        .find(|m| m.body == "bKash statement")
        .expect("the proof on the case");
    assert_eq!(proof.attachments.len(), 1);
    assert_eq!(proof.attachments[0].filename, "slip.png");
    assert_eq!(proof.attachments[0].content_type, "image/png");
    // The other merchant's case got nothing.
    let other = t.app.store.messages(TestApp::id_of(&theirs)).await.unwrap();
    assert!(other.iter().all(|m| m.message.attachments.is_empty()));
}
