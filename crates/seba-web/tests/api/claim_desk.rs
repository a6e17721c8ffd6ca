//! The complaint cell's desk pages, on both engines: a claim filed over the public API is
//! verified on its page and forwarded with its merchant's batch (the batch also as CSV,
//! the claimant's number masked), a refund recorded through the page shows on it, and a
//! step the workflow forbids or a bad refund is refused in the page's language with
//! nothing changed; the import page reports a bad row by its line; supervisors add
//! merchants and merchant-portal users, agents may not; forged forms are refused.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{DeskSession, TestApp, no_redirects};

both_engines! {
    a_claim_through_the_desk_pages =>
        sqlite_claim_desk_a_claim_through_the_desk_pages,
        postgres_claim_desk_a_claim_through_the_desk_pages;
}

sqlite_only! {
    the_import_page_reports_bad_rows_by_line =>
        sqlite_claim_desk_the_import_page_reports_bad_rows_by_line;
    the_registry_and_its_portal_users => sqlite_claim_desk_the_registry_and_its_portal_users;
}

pub(crate) fn claim(mobile: &str, merchant: &str, order: &str, paid: &str) -> Value {
    json!({
        "claimant_mobile": mobile,
        "claimant_name": "রহিম উদ্দিন",
        "district": "ঢাকা",
        "merchant": merchant,
        "order_id": order,
        "order_date": "15/07/2021",
        "product": "মোটরসাইকেল",
        "amount_paid": paid,
        "payment_method": "bKash",
    })
}

/// File a claim over the public API; its case number.
pub(crate) async fn file(t: &TestApp, body: &Value) -> String {
    let a = TestApp::send(t.anon(Method::POST, "/api/v1/public/claims").json(body)).await;
    a.expect(201)["number"].as_str().unwrap().to_string()
}

/// The digits of a case number, as the pages' paths carry it.
pub(crate) fn digits(number: &str) -> String {
    number.replace('-', "")
}

/// A `multipart/form-data` body as a browser sends it: text fields, then one file part.
pub(crate) fn multipart(
    fields: &[(&str, &str)],
    file_field: &str,
    file: (&str, &str, &[u8]),
) -> (String, Vec<u8>) {
    let boundary = "----sebaClaimDeskBoundary5Xq9";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    let (name, ct, bytes) = file;
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A supervisor adds a merchant through the registry page; its id.
async fn add_merchant_page(t: &TestApp, sup: &DeskSession, trade_en: &str, trade_bn: &str) -> i64 {
    let (status, location, body) = sup
        .post(
            "/agent/merchants",
            &[
                ("trade_en", trade_en),
                ("trade_bn", trade_bn),
                ("web", &format!("{}.com.bd", trade_en.to_lowercase())),
                ("district", "Dhaka"),
                ("status", "in_liquidation"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    let id = location
        .strip_prefix("/agent/merchants/")
        .and_then(|r| r.split('?').next())
        .and_then(|i| i.parse::<i64>().ok())
        .unwrap_or_else(|| panic!("a merchant page: {location}"));
    assert!(
        t.app.store.merchant(id).await.unwrap().is_some(),
        "in the registry"
    );
    id
}

async fn stage_of(t: &TestApp, number: &str) -> String {
    t.app
        .store
        .claim(TestApp::id_of(number))
        .await
        .unwrap()
        .unwrap()
        .stage
}

async fn a_claim_through_the_desk_pages(t: TestApp) {
    let sup = t.desk_login(&t.supervisor).await;
    let evaly = add_merchant_page(&t, &sup, "Evaly", "ইভ্যালি").await;
    let number = file(&t, &claim("01712345678", "Evaly", "EV-100", "১,২৫,০০০")).await;
    let path = format!("/agent/claims/{}", digits(&number));

    let agent = t.desk_login(&t.agent).await;
    // The desk's menu leads to the claims.
    let (inbox, _) = agent.page("/agent", "en").await;
    assert!(inbox.contains("href=\"/agent/claims\""), "{inbox}");
    // The list, in both languages, filtered by merchant and stage.
    for lang in ["bn", "en"] {
        let (html, _) = agent.page("/agent/claims", lang).await;
        assert!(html.contains(&format!("href=\"{path}\"")), "{html}");
    }
    let (html, _) = agent
        .page(
            &format!("/agent/claims?merchant={evaly}&stage=submitted"),
            "en",
        )
        .await;
    assert!(
        html.contains("EV-100") && html.contains("01712345678"),
        "{html}"
    );
    let (html, _) = agent
        .page(
            &format!("/agent/claims?merchant={evaly}&stage=refunded"),
            "en",
        )
        .await;
    assert!(!html.contains("EV-100"), "{html}");

    // The claim, with its case and the deadlines it missed, in both languages.
    for lang in ["bn", "en"] {
        agent.page(&path, lang).await;
    }
    let (html, _) = agent.page(&path, "en").await;
    assert!(
        html.contains(&format!("href=\"/agent/cases/{}\"", digits(&number))),
        "a link to the case: {html}"
    );
    assert!(
        html.contains("Delivery deadline") && html.contains("late"),
        "{html}"
    );
    assert!(html.contains("value=\"verified\""), "{html}");
    assert!(
        !html.contains("value=\"escalated\""),
        "not from submitted: {html}"
    );

    // A step the workflow forbids: 409, said in the page's language, nothing changed.
    let (status, _, body) = agent
        .post_in(&format!("{path}/stage"), &[("to", "forwarded")], "en")
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("cannot go from"), "{body}");
    let (status, _, body) = agent
        .post_in(&format!("{path}/stage"), &[("to", "forwarded")], "bn")
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("করা যায় না"), "{body}");
    assert_eq!(stage_of(&t, &number).await, "submitted");

    // A forged form (no session token): 403, nothing changed.
    let (status, _, _) = agent
        .post(
            &format!("{path}/stage"),
            &[("to", "verified"), ("csrf", "forged-token-0123456789")],
        )
        .await;
    assert_eq!(status, 403);
    let forged = no_redirects()
        .post(t.url(&format!("{path}/stage")))
        .header("cookie", &agent.cookie)
        .form(&[("to", "verified")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    assert_eq!(stage_of(&t, &number).await, "submitted");

    // Verified, with a note on the case.
    let (status, location, body) = agent
        .post(
            &format!("{path}/stage"),
            &[("to", "verified"), ("note", "Receipt checked")],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, format!("{path}?done=moved"));
    assert_eq!(stage_of(&t, &number).await, "verified");
    let thread = t.app.store.messages(TestApp::id_of(&number)).await.unwrap();
    assert!(
        thread.iter().any(|m| m.message.body == "Receipt checked"),
        "the note is on the case"
    );

    // The batch: the merchant's verified claims, as CSV for the merchant.
    let (html, _) = agent
        .page(&format!("/agent/claims/forward?merchant={evaly}"), "en")
        .await;
    assert!(html.contains("1 verified claim"), "{html}");
    agent
        .page(&format!("/agent/claims/forward?merchant={evaly}"), "bn")
        .await;
    let (status, csv, headers) = agent
        .get(&format!("/agent/claims/forward.csv?merchant={evaly}"), "en")
        .await;
    assert_eq!(status, 200, "{csv}");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{headers:?}"
    );
    assert!(csv.starts_with('\u{FEFF}'), "a byte-order mark");
    assert!(
        csv.contains("number,order_id,order_date,product,paid_taka,refunded_taka,claimant_mobile")
    );
    assert!(csv.contains(&number) && csv.contains("EV-100") && csv.contains("125000.00"));
    assert!(csv.contains("01712-***678"), "{csv}");
    assert!(!csv.contains("01712345678"), "masked: {csv}");

    // Forwarded in one action; a forged batch is refused first.
    let (status, _, _) = agent
        .post(
            "/agent/claims/forward",
            &[("merchant", evaly.to_string().as_str()), ("csrf", "nope")],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(stage_of(&t, &number).await, "verified");
    let (status, location, body) = agent
        .post(
            "/agent/claims/forward",
            &[
                ("merchant", evaly.to_string().as_str()),
                ("note", "Batch 1, letter 12"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(
        location,
        format!("/agent/claims/forward?merchant={evaly}&forwarded=1")
    );
    assert_eq!(stage_of(&t, &number).await, "forwarded");
    let (html, _) = agent.page(&location, "en").await;
    assert!(html.contains("1 claim forwarded"), "{html}");
    assert!(html.contains("no verified claims waiting"), "{html}");
    let (_, csv, _) = agent
        .get(
            &format!("/agent/claims/forward.csv?merchant={evaly}&stage=forwarded"),
            "en",
        )
        .await;
    assert!(csv.contains("EV-100"), "{csv}");

    // A refund through the page: bad fields are named, too much is a conflict.
    let (status, _, body) = agent
        .post_in(
            &format!("{path}/refund"),
            &[
                ("amount", "lots"),
                ("paid_on", "yesterday"),
                ("channel", "bKash"),
            ],
            "en",
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("Amount (taka)") && body.contains("Date paid"),
        "{body}"
    );
    assert!(
        body.contains("value=\"lots\""),
        "the form keeps what was typed"
    );
    let (status, _, body) = agent
        .post_in(
            &format!("{path}/refund"),
            &[
                ("amount", "2,00,000"),
                ("paid_on", "2026-11-20"),
                ("channel", "bKash"),
            ],
            "en",
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("more than was paid"), "{body}");
    let (status, location, body) = agent
        .post(
            &format!("{path}/refund"),
            &[
                ("amount", "২৫,০০০"),
                ("paid_on", "2026-11-20"),
                ("channel", "bKash"),
                ("reference", "TX-77"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, format!("{path}?done=refund"));
    let (html, _) = agent.page(&location, "en").await;
    assert!(
        html.contains("Tk 25,000") && html.contains("TX-77"),
        "{html}"
    );
    assert!(html.contains("Partly refunded"), "{html}");
    let (html, _) = agent.page(&path, "bn").await;
    assert!(html.contains("৳২৫,০০০"), "{html}");
    let claim = t
        .app
        .store
        .claim(TestApp::id_of(&number))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (claim.stage.as_str(), claim.refunded_poisha),
        ("partly_refunded", 2_500_000)
    );

    // The registry shows the merchant's totals.
    let (html, _) = agent.page("/agent/merchants", "en").await;
    assert!(
        html.contains("Evaly") && html.contains("Tk 1,00,000"),
        "{html}"
    );
    agent.page("/agent/merchants", "bn").await;

    // An auditor reads but does not act: no forms, and a post is refused.
    let auditor = t.desk_login(&t.auditor).await;
    let (html, _) = auditor.page(&path, "en").await;
    assert!(
        !html.contains(&format!("action=\"{path}/stage\"")),
        "{html}"
    );
    let (status, _, _) = auditor
        .post(&format!("{path}/stage"), &[("to", "escalated")])
        .await;
    assert_eq!(status, 403);
}

async fn the_import_page_reports_bad_rows_by_line(t: TestApp) {
    let agent = t.desk_login(&t.agent).await;
    for lang in ["bn", "en"] {
        agent.page("/agent/claims/import", lang).await;
    }
    let csv = "claimant_mobile,claimant_name,district,merchant,order_id,order_date,product,amount_paid,payment_method,gateway,delivery_status,amount_refunded\n\
01712345678,Rahim,Dhaka,Evaly,EV-1,15/07/2021,Motorcycle,\"1,25,000\",bKash,,not delivered,0\n\
0191234567,Bad,Nowhere,Evaly,EV-3,2031-01-01,TV,-5,barter,,,\n\
01812345678,Karim,Gazipur,ইভ্যালি,EV-2,2021-07-20,Fridge,45000,card,SSLCommerz,,\n";
    let post = |csrf: &str, lang: &str| {
        let (ct, body) = multipart(
            &[("csrf", csrf)],
            "file",
            ("claims.csv", "text/csv", csv.as_bytes()),
        );
        no_redirects()
            .post(t.url("/agent/claims/import"))
            .header("cookie", &agent.cookie)
            .header("accept-language", lang)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    // Forged: refused, nothing imported.
    let res = post("forged-token-0123456789", "en").await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert!(t.app.store.claims(None, None, 10).await.unwrap().is_empty());

    let res = post(&agent.csrf, "en").await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(!html.contains('⟦'), "{html}");
    assert!(html.contains("id=\"added\">2<"), "two new claims: {html}");
    assert!(
        html.contains("data-line=\"3\""),
        "the bad row by its line: {html}"
    );
    assert!(html.contains("Line 3"), "{html}");
    assert!(html.contains("Order date"), "its fields named: {html}");
    assert_eq!(t.app.store.claims(None, None, 10).await.unwrap().len(), 2);

    // The same file again: nothing added, the report in Bengali.
    let res = post(&agent.csrf, "bn").await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(!html.contains('⟦'), "{html}");
    assert!(html.contains("id=\"added\">০<"), "{html}");
    assert!(html.contains("লাইন ৩"), "{html}");
    assert_eq!(t.app.store.claims(None, None, 10).await.unwrap().len(), 2);

    // Not a claims file at all: said so, nothing stored.
    let (ct, body) = multipart(
        &[("csrf", agent.csrf.as_str())],
        "file",
        ("x.csv", "text/csv", b"name,age\nx,1\n"),
    );
    let res = no_redirects()
        .post(t.url("/agent/claims/import"))
        .header("cookie", &agent.cookie)
        .header("accept-language", "en")
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);

    // An auditor may not import.
    let auditor = t.desk_login(&t.auditor).await;
    let (status, _, _) = auditor.get("/agent/claims/import", "en").await;
    assert_eq!(status, 403);
}

async fn the_registry_and_its_portal_users(t: TestApp) {
    // Agents read the registry but may not add to it.
    let agent = t.desk_login(&t.agent).await;
    let (html, _) = agent.page("/agent/merchants", "en").await;
    assert!(!html.contains("action=\"/agent/merchants\""), "{html}");
    let (status, _, _) = agent
        .post("/agent/merchants", &[("trade_en", "Qcoom")])
        .await;
    assert_eq!(status, 403);
    assert!(t.app.store.merchants().await.unwrap().is_empty());

    let sup = t.desk_login(&t.supervisor).await;
    // No name at all: refused in the page's language.
    let (status, _, body) = sup
        .post_in(
            "/agent/merchants",
            &[("trade_en", "  "), ("district", "")],
            "bn",
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("অন্তত একটি নাম"), "{body}");
    let id = add_merchant_page(&t, &sup, "Qcoom", "কিউকম").await;
    let (html, _) = sup
        .page(&format!("/agent/merchants/{id}?added=1"), "en")
        .await;
    assert!(
        html.contains("Qcoom") && html.contains("In liquidation"),
        "{html}"
    );
    sup.page(&format!("/agent/merchants/{id}"), "bn").await;

    // A portal user with a generated password, shown once; it works at the login.
    let users = format!("/agent/merchants/{id}/users");
    let (status, _, html) = sup
        .post(
            &users,
            &[("username", "qcoom.ops"), ("display_name", "Qcoom ops")],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    let password = html
        .split("id=\"new-password\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the password, shown once")
        .to_string();
    assert!(password.len() >= 12, "{password}");
    let ok = t.app.login("qcoom.ops", &password).await.unwrap();
    assert_eq!(ok.user.role, seba_core::staff::Role::Merchant);
    // A typed password is checked by the rules; the same username twice is refused.
    let (status, _, html) = sup
        .post_in(
            &users,
            &[
                ("username", "qcoom.two"),
                ("display_name", "Two"),
                ("password", "short"),
            ],
            "en",
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("value=\"qcoom.two\""), "{html}");
    let (status, _, _) = sup
        .post(
            &users,
            &[
                ("username", "qcoom.ops"),
                ("password", "a-long-enough-password"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    // Agents may not add users.
    let (status, _, _) = agent.post(&users, &[("username", "qcoom.three")]).await;
    assert_eq!(status, 403);
    // Unknown merchant.
    let (status, _, _) = sup.get("/agent/merchants/999999", "en").await;
    assert_eq!(status, 404);
}
