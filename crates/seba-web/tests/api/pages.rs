//! The server-rendered pages: Bengali by default, English on request and remembered, every
//! text from Fluent (no missing key), a cache-busted stylesheet, a page's weight, and the
//! page security headers.

use reqwest::Method;

use crate::common::TestApp;

sqlite_only! {
    home_in_both_languages => sqlite_home_in_both_languages;
    language_switch_is_remembered_and_stays_on_site => sqlite_language_switch_is_remembered_and_stays_on_site;
    stylesheet_is_cache_busted => sqlite_stylesheet_is_cache_busted;
    a_complaint_filed_from_the_form => sqlite_a_complaint_filed_from_the_form;
    the_form_refuses_forgeries_and_bad_input => sqlite_the_form_refuses_forgeries_and_bad_input;
    a_customer_tracks_a_complaint_with_a_code => sqlite_a_customer_tracks_a_complaint_with_a_code;
    a_complaint_with_a_photo => sqlite_a_complaint_with_a_photo;
}

/// Every page path the portal has, to render in both languages.
const PAGES: &[&str] = &[
    "/",
    "/complaints/new",
    "/complaints/filed",
    "/track",
    "/track/case",
];

async fn home_in_both_languages(t: TestApp) {
    let filed = format!(
        "/complaints/filed?case={}",
        seba_core::ids::CaseNumber::from_id(seba_core::ids::CaseId(13))
    );
    for path in PAGES {
        let path = &if *path == "/complaints/filed" {
            filed.as_str()
        } else {
            path
        };
        // No cookie, no Accept-Language: Bengali.
        let a = TestApp::send(t.anon(Method::GET, path)).await;
        a.expect(200);
        assert!(
            a.header("content-type")
                .is_some_and(|c| c.starts_with("text/html")),
            "{:?}",
            a.headers
        );
        assert_eq!(a.header("content-language"), Some("bn"));
        assert!(a.text.contains("<html lang=\"bn\">"), "{}", a.text);
        assert!(a.text.contains("সেবা"), "{}", a.text);
        if *path == "/" {
            assert!(a.text.contains("১৬২৪৭"), "the hotline in Bengali digits");
        }
        assert!(!a.text.contains('⟦'), "a Fluent key is missing: {}", a.text);
        let csp = a.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("style-src 'self'") && csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("script-src"), "no script on this page: {csp}");
        assert_eq!(a.header("x-frame-options"), Some("DENY"));

        // English from the browser's languages.
        let a = TestApp::send(
            t.anon(Method::GET, path)
                .header("accept-language", "en-US,en;q=0.9"),
        )
        .await;
        a.expect(200);
        assert!(a.text.contains("<html lang=\"en\">"));
        if *path == "/" {
            assert!(a.text.contains("16247"));
        }
        assert!(!a.text.contains('⟦'), "a Fluent key is missing: {}", a.text);

        // A page and its stylesheet weigh well under 60 KB.
        let css = a
            .text
            .split("href=\"")
            .find_map(|s| s.strip_prefix("/static/"))
            .and_then(|s| s.split('"').next())
            .expect("a stylesheet link")
            .to_string();
        let sheet = TestApp::send(t.anon(Method::GET, &format!("/static/{css}"))).await;
        sheet.expect(200);
        let weight = a.text.len() + sheet.text.len();
        assert!(weight <= 60 * 1024, "{path}: {weight} bytes");
    }
    // The JSON index moved to /api.
    let a = TestApp::send(t.anon(Method::GET, "/api")).await;
    assert_eq!(a.expect(200)["api"], "/api/v1");
}

async fn language_switch_is_remembered_and_stays_on_site(t: TestApp) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .get(format!("{}/lang/en?next=/", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/")
    );
    let cookie = header_of(&res, "set-cookie");
    assert!(cookie.starts_with("seba_lang=en;"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap_or_default().to_string();
    // The cookie wins over the browser's languages.
    let a = TestApp::send(
        t.anon(Method::GET, "/")
            .header("cookie", &pair)
            .header("accept-language", "bn"),
    )
    .await;
    assert!(a.expect(200).is_null());
    assert!(a.text.contains("<html lang=\"en\">"));
    assert!(a.text.contains("/lang/bn?next=/"), "a way back to Bengali");

    // Never off the site, whatever `next` says.
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "",
    ] {
        let res = client
            .get(format!("{}/lang/bn", t.base))
            .query(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303);
        assert_eq!(
            res.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/"),
            "{next}"
        );
    }
    let a = TestApp::send(t.anon(Method::GET, "/lang/fr")).await;
    a.problem(404);
}

async fn stylesheet_is_cache_busted(t: TestApp) {
    let a = TestApp::send(t.anon(Method::GET, "/")).await;
    let href = a
        .text
        .split("href=\"")
        .find(|s| s.starts_with("/static/"))
        .and_then(|s| s.split('"').next())
        .expect("a stylesheet link")
        .to_string();
    assert!(
        href.starts_with("/static/seba.") && href.ends_with(".css") && href.len() > 25,
        "{href}"
    );
    let sheet = TestApp::send(t.anon(Method::GET, &href)).await;
    sheet.expect(200);
    assert_eq!(
        sheet.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(
        sheet
            .header("content-type")
            .is_some_and(|c| c.starts_with("text/css"))
    );
    // A stale or made-up name is not served.
    TestApp::send(t.anon(Method::GET, "/static/seba.000000000000.css"))
        .await
        .problem(404);
}

/// A response header as text (empty if absent).
fn header_of(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The form's anti-forgery cookie and hidden fields, from `GET /complaints/new`.
async fn open_form(t: &TestApp, lang: &str) -> (String, String, String, String) {
    let res = no_redirects()
        .get(format!("{}/complaints/new", t.base))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let cookie = header_of(&res, "set-cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap_or_default().to_string();
    let html = res.text().await.unwrap();
    let (csrf, key) = (hidden(&html, "csrf"), hidden(&html, "key"));
    assert_eq!(pair, format!("seba_form={csrf}"), "double-submit token");
    assert!(key.len() >= 16, "an idempotency key per form: {key:?}");
    (pair, csrf, key, html)
}

async fn a_complaint_filed_from_the_form(t: TestApp) {
    let (cookie, csrf, key, html) = open_form(&t, "bn").await;
    assert!(
        html.contains("value=\"mfs.wrong_transfer\""),
        "the categories are offered"
    );
    let fields = [
        ("category", "mfs.wrong_transfer"),
        ("description", "বিকাশে ৫,০০০ টাকা ভুল নম্বরে চলে গেছে, ফেরত চাই"),
        ("msisdn", "০১৭১২-৩৪৫৬৭৮"),
        ("name", "রহিম"),
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
    ];
    let post = || {
        no_redirects()
            .post(format!("{}/complaints", t.base))
            .header("cookie", &cookie)
            .form(&fields)
    };
    let res = post().send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let number = location
        .strip_prefix("/complaints/filed?case=")
        .expect("to the confirmation")
        .to_string();
    let page = TestApp::send(
        t.anon(Method::GET, &location)
            .header("accept-language", "bn"),
    )
    .await;
    page.expect(200);
    assert!(
        page.text
            .contains(&seba_core::text::bengali_digits(&number)),
        "{}",
        page.text
    );

    // The same form sent again (a double tap, a reload): the same case, not a second one.
    let again = post().send().await.unwrap();
    assert_eq!(again.status().as_u16(), 303);
    assert_eq!(
        again
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some(location.as_str())
    );
    let list = t.get(&t.agent, "/api/v1/cases?msisdn=01712345678").await;
    let items = list.expect(200)["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["number"], number.as_str());
    assert_eq!(items[0]["channel"], "web");
    let case = t.get(&t.agent, &format!("/api/v1/cases/{number}")).await;
    let v = case.expect(200);
    assert!(v.to_string().contains("ভুল নম্বরে"), "{v}");
}

async fn the_form_refuses_forgeries_and_bad_input(t: TestApp) {
    let (cookie, csrf, key, _) = open_form(&t, "en").await;
    let good = |csrf: &str| {
        vec![
            ("category", "mfs.wrong_transfer".to_string()),
            ("description", "sent 500 tk to a wrong number".to_string()),
            ("msisdn", "01812345678".to_string()),
            ("csrf", csrf.to_string()),
            ("key", key.clone()),
        ]
    };
    // No cookie, or a token that is not the cookie's: refused, nothing filed.
    for (cookie, token) in [
        ("", csrf.as_str()),
        (cookie.as_str(), "forged-token-000000000000"),
    ] {
        let mut req = no_redirects()
            .post(format!("{}/complaints", t.base))
            .form(&good(token));
        if !cookie.is_empty() {
            req = req.header("cookie", cookie);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), 403);
        let html = res.text().await.unwrap();
        assert!(html.contains("role=\"alert\""), "{html}");
    }
    // A bad phone number: the form again, with the reason and what was typed.
    let mut fields = good(&csrf);
    fields[2].1 = "12345".into();
    let res = no_redirects()
        .post(format!("{}/complaints", t.base))
        .header("cookie", &cookie)
        .header("accept-language", "en")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(
        html.contains("sent 500 tk to a wrong number"),
        "kept: {html}"
    );
    let list = t.get(&t.agent, "/api/v1/cases?channel=web").await;
    assert_eq!(
        list.expect(200)["items"].as_array().map(Vec::len),
        Some(0),
        "nothing was filed"
    );
}

/// A form's hidden field.
fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

async fn a_customer_tracks_a_complaint_with_a_code(t: TestApp) {
    let created = t
        .create_case(
            &t.agent,
            &crate::common::case_body("01812345678", "বিকাশে টাকা আটকে আছে"),
        )
        .await;
    let number = created["number"].as_str().expect("number").to_string();
    let reply = t
        .post(
            &t.agent,
            &format!("/api/v1/cases/{number}/messages"),
            &serde_json::json!({ "kind": "reply", "body": "আমরা দেখছি, ২ দিনের মধ্যে জানাব।" }),
        )
        .await;
    reply.expect(201);
    t.post(
        &t.agent,
        &format!("/api/v1/cases/{number}/messages"),
        &serde_json::json!({ "kind": "note", "body": "internal: recipient unreachable" }),
    )
    .await
    .expect(201);

    // The first form.
    let res = no_redirects()
        .get(format!("{}/track", t.base))
        .send()
        .await
        .unwrap();
    let cookie = header_of(&res, "set-cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    let html = res.text().await.unwrap();
    let csrf = hidden(&html, "csrf");
    assert_eq!(cookie, format!("seba_form={csrf}"));

    // Case number and mobile number, both in Bengali digits: the code form.
    let res = no_redirects()
        .post(format!("{}/track", t.base))
        .header("cookie", &cookie)
        .form(&[
            ("number", seba_core::text::bengali_digits(&number)),
            ("msisdn", "০১৮১২৩৪৫৬৭৮".to_string()),
            ("csrf", csrf.clone()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    let challenge = hidden(&html, "challenge");
    assert!(!challenge.is_empty(), "{html}");
    let code = t.sms_code(&challenge).await;

    // A wrong code: asked again, nothing shown.
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let verify = |code: String| {
        no_redirects()
            .post(format!("{}/track/verify", t.base))
            .header("cookie", &cookie)
            .form(&[
                ("challenge", challenge.clone()),
                ("code", code),
                ("csrf", csrf.clone()),
            ])
    };
    let res = verify(wrong).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert!(!res.text().await.unwrap().contains("আমরা দেখছি"));

    // The right code, in Bengali digits: the case, through an HttpOnly view pass.
    let res = verify(seba_core::text::bengali_digits(&code))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/track/case")
    );
    let view = header_of(&res, "set-cookie");
    assert!(
        view.contains("HttpOnly") && view.contains("Path=/track"),
        "{view}"
    );
    let view = view.split(';').next().unwrap_or_default().to_string();
    let both = format!("{cookie}; {view}");
    let page = TestApp::send(t.anon(Method::GET, "/track/case").header("cookie", &both)).await;
    page.expect(200);
    assert!(
        page.text
            .contains(&seba_core::text::bengali_digits(&number))
    );
    assert!(page.text.contains("আমরা দেখছি"), "the public reply");
    assert!(
        page.text.contains("বিকাশে টাকা আটকে আছে"),
        "the customer's own words"
    );
    assert!(!page.text.contains("internal"), "never an internal note");
    let status = t.get(&t.agent, &format!("/api/v1/cases/{number}")).await;
    let status = status.expect(200)["case"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let words = seba_web::pages::t(seba_web::pages::Lang::Bn, &format!("status-{status}"));
    assert!(!words.contains('⟦'), "{status}");
    assert!(page.text.contains(&words), "the status in words: {words}");

    // A reply from the case page, sent twice: added once.
    let form_page = page.text.clone();
    let (csrf2, key) = (hidden(&form_page, "csrf"), hidden(&form_page, "key"));
    assert_eq!(csrf2, csrf, "the same anti-forgery token");
    let send_reply = || {
        no_redirects()
            .post(format!("{}/track/reply", t.base))
            .header("cookie", format!("{cookie}; {view}"))
            .form(&[
                ("body", "ধন্যবাদ, লেনদেন নম্বর 8N7A6B5C4D".to_string()),
                ("key", key.clone()),
                ("csrf", csrf.clone()),
            ])
    };
    for _ in 0..2 {
        let res = send_reply().send().await.unwrap();
        assert_eq!(res.status().as_u16(), 303);
        assert_eq!(
            res.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/track/case?sent=1")
        );
    }
    let after = TestApp::send(
        t.anon(Method::GET, "/track/case?sent=1")
            .header("cookie", &view),
    )
    .await;
    assert_eq!(
        after.text.matches("8N7A6B5C4D").count(),
        1,
        "{}",
        after.text
    );
    assert!(after.text.contains("role=\"status\""));
    // Without the anti-forgery token: refused, nothing added.
    let res = no_redirects()
        .post(format!("{}/track/reply", t.base))
        .header("cookie", &view)
        .form(&[
            ("body", "forged reply"),
            ("key", "k-forged-000000001"),
            ("csrf", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let v = t.get(&t.agent, &format!("/api/v1/cases/{number}")).await;
    let thread = v.expect(200).to_string();
    assert_eq!(thread.matches("8N7A6B5C4D").count(), 1);
    assert!(!thread.contains("forged reply"));

    // Without the pass, or with a forged one: back to the first form.
    for cookie in ["", "seba_view=1.99999999999.forged"] {
        let a = TestApp::send(t.anon(Method::GET, "/track/case").header("cookie", cookie)).await;
        a.expect(200);
        assert!(!a.text.contains("আমরা দেখছি"));
        assert!(a.text.contains("name=\"msisdn\""));
    }

    // The wrong mobile number reads the same as the right one, and sends nothing.
    let res = no_redirects()
        .post(format!("{}/track", t.base))
        .header("cookie", &cookie)
        .form(&[
            ("number", number.clone()),
            ("msisdn", "01998765432".to_string()),
            ("csrf", csrf.clone()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let other = res.text().await.unwrap();
    assert_eq!(
        other.replace(&hidden(&other, "challenge"), ""),
        html.replace(&challenge, ""),
        "the same page either way"
    );
}

/// A `multipart/form-data` body as a browser sends it: text fields, then the file part.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----sebaFormBoundary7MA4YWxkTrZu0gW";
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

async fn a_complaint_with_a_photo(t: TestApp) {
    let (cookie, csrf, key, html) = open_form(&t, "en").await;
    assert!(
        html.contains("enctype=\"multipart/form-data\"") && html.contains("type=\"file\""),
        "the form takes a file"
    );
    let post = |fields: Vec<(&'static str, String)>,
                file: Option<(&'static str, &'static str, Vec<u8>)>| {
        let fields: Vec<(&str, String)> = fields;
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (ct, body) = multipart(&refs, file.as_ref().map(|(n, c, b)| (*n, *c, b.as_slice())));
        no_redirects()
            .post(format!("{}/complaints", t.base))
            .header("cookie", &cookie)
            .header("accept-language", "en")
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let base = |msisdn: &str| {
        vec![
            ("category", "mfs.wrong_transfer".to_string()),
            (
                "description",
                "Sent 5,000 taka to a wrong number; screenshot attached".to_string(),
            ),
            ("msisdn", msisdn.to_string()),
            ("csrf", csrf.clone()),
            ("key", key.clone()),
        ]
    };

    // A file that is not what it claims: refused, nothing filed.
    let res = post(
        base("01712345678"),
        Some(("receipt.png", "image/png", b"MZ not a png".to_vec())),
    )
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("does not match its type")
    );
    // A kind of file seba does not take.
    let res = post(
        base("01712345678"),
        Some(("tool.exe", "application/x-msdownload", b"MZ".to_vec())),
    )
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("not accepted"));
    // Too large for the limit: refused before it is stored.
    let big = vec![b'a'; 6 * 1024 * 1024];
    let res = post(base("01712345678"), Some(("big.txt", "text/plain", big)))
        .await
        .unwrap();
    assert!(
        matches!(res.status().as_u16(), 413 | 422),
        "{}",
        res.status()
    );
    assert_eq!(t.case_count().await, 0, "nothing filed so far");

    // A good photo with a wrong phone number: the form comes back keeping the photo.
    let res = post(
        base("0171234"),
        Some(("screenshot.png", "image/png", crate::common::PNG.to_vec())),
    )
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().await.unwrap();
    let sha = hidden(&html, "attached_sha");
    assert_eq!(sha.len(), 64, "the stored file is remembered: {html}");
    assert!(html.contains("screenshot.png"));
    // Fixed number, no new file: filed with the photo.
    let mut fields = base("01712345678");
    fields.push(("attached_sha", sha.clone()));
    fields.push(("attached_name", "screenshot.png".to_string()));
    let res = post(fields, None).await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let number = location
        .strip_prefix("/complaints/filed?case=")
        .unwrap()
        .to_string();
    let (detail, _) = t.case_detail(&number).await;
    let att = &detail["messages"][0]["attachments"][0];
    assert_eq!(att["sha256"], sha);
    assert_eq!(att["filename"], "screenshot.png");
    assert_eq!(att["content_type"], "image/png");
}
