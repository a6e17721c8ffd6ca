//! The claim form for victims of online shops and a claim on the tracking page: a claim
//! filed through the Bengali form (Bengali digits in the amount and the date, a receipt
//! photo) lands on its confirmation and in the cell with its evidence; a double submit
//! files once, another filing of the same order is added to the claim; a refused claim
//! names its fields next to them in Bengali and stores nothing; and the tracked claim shows
//! its stage, the money and, once the cell records one, the refund.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{
    PNG, TestApp, cookie_pair, form_cookie_and_token, hidden_field, no_redirects, submit_form,
};

both_engines! {
    a_claim_filed_from_the_form =>
        sqlite_claim_portal_a_claim_filed_from_the_form,
        postgres_claim_portal_a_claim_filed_from_the_form;
    a_tracked_claim_shows_its_stage_and_refunds =>
        sqlite_claim_portal_a_tracked_claim_shows_its_stage_and_refunds,
        postgres_claim_portal_a_tracked_claim_shows_its_stage_and_refunds;
}

sqlite_only! {
    a_refused_claim_names_its_fields_and_stores_nothing =>
        sqlite_claim_portal_a_refused_claim_names_its_fields_and_stores_nothing;
}

/// The form page in `lang`: its anti-forgery cookie (`name=value`), token, key and html.
async fn open_form(t: &TestApp, lang: &str) -> (String, String, String, String) {
    let res = no_redirects()
        .get(t.url("/claims/new"))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let cookie = cookie_pair(&res, "seba_form").expect("the form cookie");
    let html = res.text().await.unwrap();
    assert!(!html.contains('⟦'), "a missing text: {html}");
    let (csrf, key) = (hidden_field(&html, "csrf"), hidden_field(&html, "key"));
    assert_eq!(cookie, format!("seba_form={csrf}"), "double-submit token");
    assert!(key.len() >= 16, "an idempotency key per form: {key:?}");
    (cookie, csrf, key, html)
}

fn dhaka() -> String {
    seba_geo::Geography::bangladesh()
        .district_typed("Dhaka")
        .expect("Dhaka")
        .id
        .0
        .to_string()
}

/// A claim as a victim fills the Bengali form.
fn bengali_claim(csrf: &str, key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("claimant_msisdn", "০১৭১২-৩৪৫৬৭৮".into()),
        ("claimant_name", "রহিম উদ্দিন".into()),
        ("district", dhaka()),
        ("merchant", "ইভ্যালি".into()),
        ("order_id", "EV-100".into()),
        ("order_date", "১৫/০৭/২০২৬".into()),
        ("product", "মোটরসাইকেল".into()),
        ("amount_paid", "১,২৫,০০০".into()),
        ("payment_method", "bkash".into()),
        ("gateway", String::new()),
        ("delivery", "not_delivered".into()),
        ("amount_refunded", String::new()),
        ("csrf", csrf.into()),
        ("key", key.into()),
    ]
}

/// A `multipart/form-data` body as a browser sends it: text fields, then the file part.
fn multipart(fields: &[(&str, String)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----sebaClaimBoundary5kQx3v";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    let (name, ct, bytes) = file.unwrap_or(("", "application/octet-stream", b""));
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Post the form as multipart with a file: status, location and body.
async fn post_with_file(
    t: &TestApp,
    cookie: &str,
    fields: &[(&str, String)],
    file: (&str, &str, &[u8]),
) -> (u16, String, String) {
    let (ct, body) = multipart(fields, Some(file));
    let res = no_redirects()
        .post(t.url("/claims/new"))
        .header("cookie", cookie)
        .header("accept-language", "bn")
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = crate::common::header_text(res.headers(), "location");
    (status, location, res.text().await.unwrap())
}

/// A page in `lang` with the given cookies: status and body (no missing text).
async fn page(t: &TestApp, path: &str, cookie: &str, lang: &str) -> (u16, String) {
    let a = TestApp::send(
        t.anon(Method::GET, path)
            .header("cookie", cookie)
            .header("accept-language", lang),
    )
    .await;
    assert!(
        !a.text.contains('⟦'),
        "a missing text on {path}: {}",
        a.text
    );
    (a.status.as_u16(), a.text)
}

async fn claim_detail(t: &TestApp, number: &str) -> Value {
    t.get(&t.agent, &format!("/api/v1/claims/{number}"))
        .await
        .expect(200)
        .clone()
}

async fn a_claim_filed_from_the_form(t: TestApp) {
    // Linked from the portal's home page, next to the complaint form.
    let (_, home) = page(&t, "/", "", "bn").await;
    assert!(
        home.contains("href=\"/claims/new\"") && home.contains("দাবি জানান"),
        "{home}"
    );
    let (cookie, csrf, key, html) = open_form(&t, "bn").await;
    assert!(
        html.contains("enctype=\"multipart/form-data\"") && html.contains("type=\"file\""),
        "the form takes a file"
    );
    assert!(html.contains(">ঢাকা<") && html.contains(">বিকাশ<"), "{html}");
    assert_eq!(
        html.matches("<option value=\"").count(),
        1 + 64 + 4 + 1 + 8,
        "64 districts, 4 deliveries, 8 payment choices and two blanks"
    );

    let fields = bengali_claim(&csrf, &key);
    let receipt = ("receipt.png", "image/png", PNG);
    // A double tap: the same form twice at once. One claim; both land on its confirmation.
    let (first, second) = tokio::join!(
        post_with_file(&t, &cookie, &fields, receipt),
        post_with_file(&t, &cookie, &fields, receipt)
    );
    let (status, location, body) = first;
    assert_eq!(status, 303, "{body}");
    assert_eq!(
        (second.0, second.1.as_str()),
        (303, location.as_str()),
        "{}",
        second.2
    );
    let number = location
        .strip_prefix("/claims/filed?number=")
        .expect("to the confirmation")
        .to_string();
    let (status, filed) = page(&t, &location, "", "bn").await;
    assert_eq!(status, 200);
    assert!(
        filed.contains(&seba_core::text::bengali_digits(&number)),
        "{filed}"
    );
    assert!(filed.contains("এসএমএসে") && filed.contains("href=\"/track\""));
    assert!(!filed.contains("আগেই এই নম্বরে"), "a new claim");

    // The claim is in the cell, read right, with the receipt on its case.
    let d = claim_detail(&t, &number).await;
    assert_eq!(d["claimant_mobile"], json!("+8801712345678"));
    assert_eq!(d["district"].to_string(), dhaka());
    assert_eq!(d["order_date"], json!("2026-07-15"));
    assert_eq!(d["paid_poisha"], json!(12_500_000));
    assert_eq!(d["method"], json!("mfs"));
    assert_eq!(d["gateway"], json!("bKash"));
    assert_eq!(d["stage"], json!("submitted"));
    assert_eq!(d["filings"], json!(1));
    let (case, _) = t.case_detail(&number).await;
    assert_eq!(case["case"]["channel"], json!("web"), "{case}");
    assert_eq!(case["case"]["queue"], json!("ecommerce_cell"));
    let messages = case["messages"].as_array().cloned().unwrap_or_default();
    let evidence: Vec<&Value> = messages
        .iter()
        .flat_map(|m| m["attachments"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(evidence.len(), 1, "{case}");
    assert_eq!(evidence[0]["filename"], json!("receipt.png"));
    assert_eq!(evidence[0]["content_type"], json!("image/png"));

    // The same form again (a reload of the POST): the same confirmation, nothing added.
    let (status, again, _) = post_with_file(&t, &cookie, &fields, receipt).await;
    assert_eq!((status, again.as_str()), (303, location.as_str()));
    assert_eq!(claim_detail(&t, &number).await["filings"], json!(1));
    let (after, _) = t.case_detail(&number).await;
    assert_eq!(
        after["messages"].as_array().map(Vec::len),
        Some(messages.len())
    );
    assert_eq!(t.case_count().await, 1);

    // A new form for the same order, the shop and order written otherwise: added to it.
    let (cookie2, csrf2, key2, _) = open_form(&t, "bn").await;
    assert_ne!(key2, key, "each form its own key");
    let mut other = bengali_claim(&csrf2, &key2);
    other[3].1 = "Evaly".into();
    other[4].1 = "#ev-100".into();
    let (status, location2, _) = submit_form(
        no_redirects()
            .post(t.url("/claims/new"))
            .header("cookie", &cookie2)
            .header("accept-language", "bn"),
        &csrf2,
        &other,
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(location2, format!("/claims/filed?number={number}&added=1"));
    let (_, filed2) = page(&t, &location2, "", "bn").await;
    assert!(filed2.contains("আগেই এই নম্বরে"), "{filed2}");
    assert_eq!(claim_detail(&t, &number).await["filings"], json!(2));
    assert_eq!(t.case_count().await, 1);
}

async fn a_refused_claim_names_its_fields_and_stores_nothing(t: TestApp) {
    let (cookie, csrf, key, _) = open_form(&t, "bn").await;
    let mut fields = bengali_claim(&csrf, &key);
    fields[5].1 = "১৫/০১/২০৩০".into();
    fields[7].1 = "২০,০০,০০,০০০".into();
    fields[8].1 = "barter".into();
    let post = |lang: &'static str, fields: Vec<(&'static str, String)>| {
        let rb = no_redirects()
            .post(t.url("/claims/new"))
            .header("cookie", &cookie)
            .header("accept-language", lang);
        let csrf = csrf.clone();
        async move { submit_form(rb, &csrf, &fields).await }
    };
    let (status, _, html) = post("bn", fields.clone()).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("role=\"alert\""));
    for (field, label, reason) in [
        ("order_date", "অর্ডারের তারিখ", "অর্ডারের তারিখ ভবিষ্যতে হতে পারে না"),
        (
            "amount_paid",
            "কত টাকা দিয়েছেন",
            "টাকার অঙ্ক ১০ কোটির বেশি হতে পারে না",
        ),
        ("payment_method", "কীভাবে টাকা দিয়েছেন", "পরিশোধের মাধ্যম হবে"),
    ] {
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "{field} named next to it: {html}"
        );
        assert!(
            html.contains(&format!("{label}: {reason}")),
            "{field} in the box"
        );
        assert!(html.matches(reason).count() >= 2, "{field}: box and field");
    }
    assert_eq!(
        html.matches("class=\"field-error\"").count(),
        3,
        "only those three: {html}"
    );
    // What was typed is kept.
    for kept in [
        "value=\"২০,০০,০০,০০০\"",
        "value=\"মোটরসাইকেল\"",
        "value=\"EV-100\"",
    ] {
        assert!(html.contains(kept), "{kept}");
    }
    assert_eq!(hidden_field(&html, "key"), key, "the same form key");
    // In English, the same fields in English.
    let (status, _, en) = post("en", fields.clone()).await;
    assert_eq!(status, 422);
    assert!(
        en.contains("Order date: The order date cannot be in the future"),
        "{en}"
    );
    assert!(!en.contains('⟦'));
    // Forged: refused before anything is read into the cell.
    let mut forged = bengali_claim("forged-token-000000000000", &key);
    forged[5].1 = "১৫/০৭/২০২৬".into();
    let (status, _, _) = post("bn", forged).await;
    assert_eq!(status, 403);

    assert_eq!(t.case_count().await, 0, "nothing filed");
    assert!(t.app.store.claims(None, None, 10).await.unwrap().is_empty());
    assert!(
        t.app.store.merchants().await.unwrap().is_empty(),
        "no merchant filed for review"
    );
    assert!(
        t.app
            .store
            .idempotent_response("portal.claims", &key)
            .await
            .unwrap()
            .is_none(),
        "the key is free for the corrected form"
    );
}

/// Track a case through the portal's forms: the cookies that show it.
async fn track(t: &TestApp, number: &str, msisdn: &str) -> String {
    let client = no_redirects();
    let (form, csrf) = form_cookie_and_token(&client, &t.url("/track")).await;
    let res = client
        .post(t.url("/track"))
        .header("cookie", &form)
        .form(&[
            ("number", seba_core::text::bengali_digits(number)),
            ("msisdn", msisdn.to_string()),
            ("csrf", csrf.clone()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let challenge = hidden_field(&res.text().await.unwrap(), "challenge");
    let code = t.sms_code(&challenge).await;
    let res = client
        .post(t.url("/track/verify"))
        .header("cookie", &form)
        .form(&[("challenge", challenge), ("code", code), ("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let view = cookie_pair(&res, "seba_view").expect("a view pass");
    format!("{form}; {view}")
}

async fn a_tracked_claim_shows_its_stage_and_refunds(t: TestApp) {
    let (cookie, csrf, key, _) = open_form(&t, "bn").await;
    let (status, location, body) = submit_form(
        no_redirects()
            .post(t.url("/claims/new"))
            .header("cookie", &cookie),
        &csrf,
        &bengali_claim(&csrf, &key),
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let number = location
        .strip_prefix("/claims/filed?number=")
        .expect("filed")
        .to_string();

    let cookies = track(&t, &number, "০১৭১২৩৪৫৬৭৮").await;
    let (status, html) = page(&t, "/track/case", &cookies, "bn").await;
    assert_eq!(status, 200);
    assert!(html.contains("দাবির হিসাব"), "{html}");
    assert!(html.contains("জমা হয়েছে"), "the stage in words: {html}");
    assert!(html.contains("ইভ্যালি") && html.contains("EV-100"));
    let row = |label: &str, amount: &str| format!("{label}</th><td class=\"num\">{amount}</td>");
    assert!(html.contains(&row("দিয়েছেন", "৳১,২৫,০০০")), "paid: {html}");
    assert!(
        html.contains(&row("ফেরত পেয়েছেন", "৳০")),
        "nothing refunded yet"
    );
    assert!(
        html.contains(&row("এখনো পাওনা", "<strong>৳১,২৫,০০০</strong>")),
        "still owed: {html}"
    );
    assert!(html.contains("এখনো কোনো টাকা ফেরতের হিসাব লেখা হয়নি"));
    // Ordered in July, never delivered: the delivery and refund deadlines are long past.
    assert!(html.contains("যে সময়সীমা পার হয়ে গেছে"), "{html}");
    assert!(html.matches("দিন দেরি").count() >= 2, "{html}");

    // The cell verifies, forwards and records a refund.
    for to in ["verified", "forwarded"] {
        t.post(
            &t.agent,
            &format!("/api/v1/claims/{number}/stage"),
            &json!({ "to": to }),
        )
        .await
        .expect(200);
    }
    t.post(
        &t.agent,
        &format!("/api/v1/claims/{number}/refunds"),
        &json!({"amount": "২৫,০০০", "paid_on": "2026-11-20", "channel": "bKash", "reference": "TX-REF-1"}),
    )
    .await
    .expect(200);

    let (_, html) = page(&t, "/track/case", &cookies, "bn").await;
    assert!(html.contains("আংশিক টাকা ফেরত"), "the new stage: {html}");
    assert!(html.contains(&row("ফেরত পেয়েছেন", "৳২৫,০০০")), "{html}");
    assert!(
        html.contains(&row("এখনো পাওনা", "<strong>৳১,০০,০০০</strong>")),
        "still owed: {html}"
    );
    assert!(
        html.contains(
            "<td>২০/১১/২০২৬</td><td class=\"num\">৳২৫,০০০</td><td>bKash</td><td>TX-REF-1</td>"
        ),
        "the refund: {html}"
    );
    let (_, en) = page(&t, "/track/case", &cookies, "en").await;
    assert!(en.contains("Partly refunded"), "{en}");
    assert!(
        en.contains("Tk 25,000") && en.contains("Tk 100,000"),
        "{en}"
    );
    assert!(en.contains("days late"), "{en}");

    // A plain complaint's page has no claim section.
    let plain = t
        .create_case(
            &t.agent,
            &crate::common::case_body("01812345678", "বিকাশে টাকা আটকে আছে"),
        )
        .await;
    let plain = crate::common::number(&plain);
    let cookies = track(&t, &plain, "01812345678").await;
    let (_, html) = page(&t, "/track/case", &cookies, "bn").await;
    assert!(html.contains("বিকাশে টাকা আটকে আছে"));
    assert!(!html.contains("দাবির হিসাব"), "{html}");
}
