//! The server-rendered pages: Bengali by default, English on request and remembered, every
//! text from Fluent (no missing key), a cache-busted stylesheet, a page's weight, and the
//! page security headers.

use reqwest::Method;

use crate::common::TestApp;

sqlite_only! {
    home_in_both_languages => sqlite_home_in_both_languages;
    language_switch_is_remembered_and_stays_on_site => sqlite_language_switch_is_remembered_and_stays_on_site;
    stylesheet_is_cache_busted => sqlite_stylesheet_is_cache_busted;
}

/// Every page path the portal has, to render in both languages.
const PAGES: &[&str] = &["/"];

async fn home_in_both_languages(t: TestApp) {
    for path in PAGES {
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
        assert!(a.text.contains("১৬২৪৭"), "the hotline in Bengali digits");
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
        assert!(a.text.contains("16247"));
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
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
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
