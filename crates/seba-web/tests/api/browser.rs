//! The portal in a real browser: Debian's Chromium, driven over WebDriver (chromedriver),
//! with JavaScript off as a feature phone's browser or a data-saving one would be. A
//! customer files a complaint in Bengali, tracks it with the code from the SMS, and replies.
//! Screenshots at 360 px and 1280 px go to `SEBA_SCREENSHOT_DIR` (default
//! `target/screenshots`). Without Chromium the test is skipped with a note, and fails
//! under `CI=true`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::common::TestApp;

sqlite_only! {
    a_customer_files_tracks_and_replies_in_chromium => sqlite_a_customer_files_tracks_and_replies_in_chromium;
}

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// chromedriver on a free port, and a headless Chromium session, with scripts on or off.
async fn browser(scripts: bool) -> Option<(Driver, Client)> {
    if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            !ci(),
            "CI=true but {CHROMIUM} or {CHROMEDRIVER} is missing: install chromium and chromium-driver"
        );
        eprintln!("skipped: {CHROMIUM} / {CHROMEDRIVER} not installed");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromedriver");
    let driver = Driver(child);
    let caps: fantoccini::wd::Capabilities = serde_json::from_value(serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=360,800", "--lang=bn"],
            "prefs": {
                "profile.managed_default_content_settings.javascript": if scripts { 1 } else { 2 },
                "intl.accept_languages": "bn,en"
            }
        }
    }))
    .expect("capabilities");
    // The WebDriver client speaks plain HTTP to chromedriver on loopback, but its builder
    // wants a TLS provider chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut last = None;
    for _ in 0..50 {
        let mut builder = ClientBuilder::rustls().expect("a TLS provider");
        match builder
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return Some((driver, c)),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no WebDriver session: {last:?}");
}

fn shots_dir() -> PathBuf {
    let dir = std::env::var_os("SEBA_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots")
        });
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Type into the element `at`.
async fn type_into(c: &Client, at: Locator<'_>, text: &str) {
    c.find(at)
        .await
        .unwrap_or_else(|e| panic!("{at:?}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("typing into {at:?}: {e}"));
}

/// Click the element `at`.
async fn click(c: &Client, at: Locator<'_>) {
    c.find(at)
        .await
        .unwrap_or_else(|e| panic!("{at:?}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {at:?}: {e}"));
}

/// Press and release one key, as a person at the keyboard does.
async fn press(c: &Client, key: char) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(keys).await.expect("pressing a key");
}

/// Wait (up to 10 s) until the browser is on `path`: a click returns when the click is
/// done, not always when the next page has loaded.
async fn wait_for_path(c: &Client, path: &str) {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(url) = c.current_url().await {
            if url.path() == path {
                return;
            }
            last = url.to_string();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("still on {last}, not {path}");
}

/// Wait (up to 10 s) until the page's source satisfies `ok`; returns it.
async fn wait_for(c: &Client, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let mut html = String::new();
    for _ in 0..100 {
        html = c.source().await.unwrap_or_default();
        if ok(&html) {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waiting for {what}, the page is: {html}");
}

/// A full-width screenshot at 360 px and at 1280 px.
async fn shoot(c: &Client, name: &str) {
    for width in [360u32, 1280] {
        c.set_window_size(width, 900).await.expect("window size");
        let png = c.screenshot().await.expect("screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(shots_dir().join(format!("{name}-{width}.png")), png).expect("saving");
    }
    c.set_window_size(360, 900).await.expect("window size");
}

async fn a_customer_files_tracks_and_replies_in_chromium(t: TestApp) {
    // The customer's phone has scripts off: every customer page must work without them.
    let Some((_driver, c)) = browser(false).await else {
        return;
    };
    // Home, in Bengali.
    c.goto(&format!("{}/", t.base)).await.expect("home");
    let html = c.source().await.expect("source");
    assert!(html.contains("<html lang=\"bn\">"), "{html}");
    shoot(&c, "01-home").await;

    // File a complaint, typing Bengali text and a number in Bengali digits.
    click(&c, Locator::Css("a[href='/complaints/new']")).await;
    c.find(Locator::Id("category"))
        .await
        .expect("category")
        .select_by_value("mfs.wrong_transfer")
        .await
        .expect("choose");
    type_into(
        &c,
        Locator::Id("description"),
        "বিকাশে ৫,০০০ টাকা ভুল নম্বরে চলে গেছে। ফেরত চাই।",
    )
    .await;
    type_into(&c, Locator::Id("msisdn"), "০১৭১১২২৩৩৪৪").await;
    // A screenshot of the transfer, chosen from the phone's files.
    let photo = std::env::temp_dir().join(format!("seba-browser-{}.png", std::process::id()));
    std::fs::write(&photo, crate::common::PNG).expect("writing the photo");
    type_into(&c, Locator::Id("attachment"), &photo.display().to_string()).await;
    shoot(&c, "02-file").await;
    click(&c, Locator::Css("button[type=submit]")).await;
    wait_for_path(&c, "/complaints/filed").await;
    let url = c.current_url().await.expect("url");
    let number = url
        .query_pairs()
        .find(|(k, _)| k == "case")
        .map(|(_, v)| v.to_string())
        .expect("the case number");
    let html = c.source().await.expect("source");
    assert!(
        html.contains(&seba_core::text::bengali_digits(&number)),
        "{html}"
    );
    shoot(&c, "03-filed").await;
    let _ = std::fs::remove_file(&photo);
    let (detail, _) = t.case_detail(&number).await;
    assert_eq!(
        detail["messages"][0]["attachments"][0]["content_type"], "image/png",
        "the photo came with the complaint"
    );

    // Track it: the code comes by SMS.
    c.goto(&format!("{}/track", t.base)).await.expect("track");
    type_into(&c, Locator::Id("number"), &number).await;
    type_into(&c, Locator::Id("msisdn"), "01711223344").await;
    click(&c, Locator::Css("button[type=submit]")).await;
    wait_for(&c, "the code form", |h| h.contains("name=\"challenge\"")).await;
    let challenge = c
        .find(Locator::Css("input[name=challenge]"))
        .await
        .expect("the code form")
        .attr("value")
        .await
        .expect("value")
        .expect("a challenge");
    let code = t.sms_code(&challenge).await;
    type_into(
        &c,
        Locator::Id("code"),
        &seba_core::text::bengali_digits(&code),
    )
    .await;
    shoot(&c, "04-code").await;
    click(&c, Locator::Css("button[type=submit]")).await;
    wait_for_path(&c, "/track/case").await;
    wait_for(&c, "the case", |h| h.contains("ভুল নম্বরে চলে গেছে")).await;

    // Reply.
    type_into(&c, Locator::Id("body"), "লেনদেন নম্বর 8N7A6B5C4D").await;
    click(&c, Locator::Css("form[action='/track/reply'] button")).await;
    wait_for(&c, "the reply in the thread", |h| {
        h.contains("8N7A6B5C4D") && h.contains("role=\"status\"")
    })
    .await;
    shoot(&c, "05-case").await;

    // English, remembered.
    click(&c, Locator::Css("a[hreflang=en]")).await;
    wait_for(&c, "the page in English", |h| {
        h.contains("<html lang=\"en\">") && h.contains("Conversation")
    })
    .await;
    c.goto(&format!("{}/", t.base)).await.expect("home");
    assert!(
        c.source()
            .await
            .expect("source")
            .contains("<html lang=\"en\">")
    );
    shoot(&c, "06-home-en").await;

    // An agent, in a browser of their own, logs in, finds the case, takes it, replies and
    // resolves it.
    // The agent's desktop has them on: the desk's shortcuts and presence notice run.
    let Some((_agent_driver, a)) = browser(true).await else {
        return;
    };
    a.goto(&format!("{}/agent", t.base)).await.expect("desk");
    wait_for_path(&a, "/agent/login").await;
    shoot(&a, "07-desk-login").await;
    type_into(&a, Locator::Id("username"), t.agent.username).await;
    type_into(&a, Locator::Id("password"), crate::common::PASSWORD).await;
    click(&a, Locator::Css("form[action='/agent/login'] button")).await;
    wait_for_path(&a, "/agent").await;
    shoot(&a, "08-desk-inbox").await;
    // "/" jumps to the search box (the desk's script, with a real key press).
    press(&a, '/').await;
    let focused = a
        .active_element()
        .await
        .expect("the focused element")
        .attr("id")
        .await
        .expect("its id");
    assert_eq!(
        focused.as_deref(),
        Some("q"),
        "the / shortcut focuses search"
    );
    // The index follows the outbox: search until the case shows up.
    let mut found = false;
    for _ in 0..50 {
        a.goto(&format!("{}/agent/search", t.base))
            .await
            .expect("search");
        type_into(&a, Locator::Id("q"), "ভুল নম্বরে টাকা").await;
        click(&a, Locator::Css("form[action='/agent/search'] button")).await;
        let html = wait_for(&a, "search results", |h| h.contains("ফলাফল")).await;
        if html.contains(&seba_core::text::bengali_digits(&number)) {
            found = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(found, "the agent finds the complaint by its words");
    shoot(&a, "09-desk-search").await;
    let digits = number.replace('-', "");
    click(
        &a,
        Locator::Css(&format!("a[href='/agent/cases/{digits}']")),
    )
    .await;
    wait_for(&a, "the case page", |h| h.contains("id=\"take-case\"")).await;
    click(&a, Locator::Id("take-case")).await;
    wait_for(&a, "the case taken", |h| h.contains("দায়িত্ব বদলানো হয়েছে")).await;
    type_into(
        &a,
        Locator::Id("reply-body"),
        "আপনার ৫,০০০ টাকা ফেরত পাঠানো হয়েছে। ধন্যবাদ।",
    )
    .await;
    click(&a, Locator::Css("form[data-csrf] button[type=submit]")).await;
    wait_for(&a, "the reply sent", |h| h.contains("উত্তর পাঠানো হয়েছে")).await;
    shoot(&a, "10-desk-case").await;
    click(&a, Locator::Id("resolve-case")).await;
    wait_for(&a, "the case resolved", |h| h.contains("অবস্থা বদলানো হয়েছে")).await;
    a.close().await.expect("closing the agent's session");

    // The customer sees the reply, and rates the resolution.
    c.goto(&format!("{}/track/case", t.base))
        .await
        .expect("case again");
    let html = c.source().await.expect("source");
    assert!(html.contains("ফেরত পাঠানো হয়েছে"), "the reply: {html}");
    assert!(html.contains("/track/rate"), "the rating form: {html}");
    click(&c, Locator::Css("input[name=score][value='5']")).await;
    type_into(&c, Locator::Id("comment"), "Quick and polite, thank you").await;
    click(&c, Locator::Css("form[action='/track/rate'] button")).await;
    wait_for(&c, "the thanks", |h| {
        h.contains("Thank you for your feedback")
    })
    .await;
    shoot(&c, "11-rated").await;
    c.close().await.expect("closing the session");

    // The supervisor's dashboard counts it, in charts drawn by the server.
    let Some((_supervisor_driver, s)) = browser(false).await else {
        return;
    };
    s.goto(&format!("{}/supervisor", t.base))
        .await
        .expect("dashboard");
    type_into(&s, Locator::Id("username"), t.supervisor.username).await;
    type_into(&s, Locator::Id("password"), crate::common::PASSWORD).await;
    click(&s, Locator::Css("form[action='/agent/login'] button")).await;
    wait_for_path(&s, "/supervisor").await;
    wait_for(&s, "the charts", |h| h.matches("<svg").count() >= 5).await;
    shoot(&s, "12-dashboard").await;
    s.close().await.expect("closing the supervisor's session");
}

sqlite_only! {
    a_customer_finds_the_nearest_centres_in_chromium => sqlite_a_customer_finds_the_nearest_centres_in_chromium;
}

/// A Chrome DevTools command sent through chromedriver (`goog/cdp/execute`): how a test
/// tells the browser where it is, which WebDriver itself cannot.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &reqwest::Url,
        session_id: Option<&str>,
    ) -> Result<reqwest::Url, UrlError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &reqwest::Url) -> (reqwest::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (reqwest::Method::POST, Some(body.to_string()))
    }
}

/// The parse error of the URL type reqwest and fantoccini share (`url::ParseError`).
type UrlError = <reqwest::Url as std::str::FromStr>::Err;

/// "Find a centre" on a phone: with scripts off, a district picked, the five nearest on the
/// map and in the list, a centre's page, the directory; with scripts on, "use my location"
/// with the position the browser was told through DevTools.
async fn a_customer_finds_the_nearest_centres_in_chromium(t: TestApp) {
    let points = crate::centres_pages::seed(&t).await;
    let dhaka = crate::centres_pages::district("Dhaka");
    let motijheel = points
        .iter()
        .find(|p| p.name_en == "Motijheel Centre")
        .expect("seeded")
        .id;

    // Scripts off: the district picker, the list and map, a centre, the directory.
    let Some((_driver, c)) = browser(false).await else {
        return;
    };
    c.goto(&format!("{}/", t.base)).await.expect("home");
    click(&c, Locator::Css("a[href='/centres']")).await;
    wait_for_path(&c, "/centres").await;
    let html = c.source().await.expect("source");
    assert!(!html.contains("id=\"locate\""), "no button without scripts");
    c.find(Locator::Id("district"))
        .await
        .expect("the district picker")
        .select_by_value(&dhaka.0.to_string())
        .await
        .expect("choosing Dhaka");
    shoot(&c, "20-centres-form").await;
    click(&c, Locator::Css("form#finder button[type=submit]")).await;
    let html = wait_for(&c, "the nearest centres", |h| h.contains("id=\"results\"")).await;
    let places = c
        .find_all(Locator::Css("div.places > article"))
        .await
        .expect("the list");
    assert_eq!(places.len(), 5, "{html}");
    let first = places[0].text().await.expect("the first place");
    assert!(
        first.contains("মতিঝিল সেন্টার") && first.contains("কিমি"),
        "{first}"
    );
    let route = c
        .find(Locator::Css(
            "div.places > article a[href^='https://www.openstreetmap.org/directions?route=']",
        ))
        .await
        .expect("a directions link")
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    assert!(route.ends_with("%3B23.73300%2C90.41720"), "{route}");
    assert_eq!(
        c.find_all(Locator::Css("svg circle"))
            .await
            .expect("markers")
            .len(),
        2 + 5,
        "the origin and five numbered places on the map"
    );
    // The upazila picker came with the district.
    assert!(html.contains("<select id=\"upazila\""), "{html}");
    shoot(&c, "21-centres-found").await;

    click(
        &c,
        Locator::Css(&format!("a[href^='/centres/{motijheel}?from=']")),
    )
    .await;
    wait_for_path(&c, &format!("/centres/{motijheel}")).await;
    let html = wait_for(&c, "the centre's page", |h| h.contains("<table")).await;
    assert!(html.contains("০৯:০০–১৯:০০"), "{html}");
    shoot(&c, "22-centre").await;

    click(&c, Locator::Css("a[href^='/centres/directory']")).await;
    wait_for_path(&c, "/centres/directory").await;
    let html = wait_for(&c, "the directory", |h| {
        h.contains(&format!("id=\"d-{}\"", dhaka.0))
    })
    .await;
    // The centre's own division, its district in view; Chattogram is another page.
    assert!(html.contains("মতিঝিল সেন্টার"), "{html}");
    assert!(!html.contains("কালুরঘাট সেন্টার"), "{html}");
    shoot(&c, "23-directory").await;
    c.close().await.expect("closing the session");

    // Scripts on: "use my location", with the position set through DevTools.
    let Some((_js_driver, j)) = browser(true).await else {
        return;
    };
    let (lat, lon) = (23.7461, 90.3742);
    let told = async {
        j.issue_cmd(Cdp {
            cmd: "Browser.grantPermissions",
            params: serde_json::json!({ "origin": t.base, "permissions": ["geolocation"] }),
        })
        .await?;
        j.issue_cmd(Cdp {
            cmd: "Emulation.setGeolocationOverride",
            params: serde_json::json!({ "latitude": lat, "longitude": lon, "accuracy": 20 }),
        })
        .await
    }
    .await;
    j.goto(&format!("{}/centres", t.base))
        .await
        .expect("the finder");
    wait_for(&j, "the location button", |h| h.contains("id=\"locate\"")).await;
    shoot(&j, "24-centres-locate").await;
    match told {
        Ok(_) => click(&j, Locator::Id("locate")).await,
        Err(e) => {
            // A chromedriver without DevTools commands: fill the fields the button fills.
            eprintln!("no DevTools geolocation ({e}); filling lat/lon instead");
            j.execute(
                "var f = document.getElementById('finder');\
                 f.elements.lat.value = arguments[0]; f.elements.lon.value = arguments[1];\
                 f.submit();",
                vec![
                    serde_json::json!(lat.to_string()),
                    serde_json::json!(lon.to_string()),
                ],
            )
            .await
            .expect("filling the position");
        }
    }
    let html = wait_for(&j, "the places near the position", |h| {
        h.contains("id=\"results\"") && h.contains("আপনার অবস্থান")
    })
    .await;
    let url = j.current_url().await.expect("url");
    assert!(
        url.query().unwrap_or_default().contains("lat=23.74610"),
        "{url}"
    );
    let dhanmondi = points
        .iter()
        .find(|p| p.name_en == "Dhanmondi Centre")
        .expect("seeded")
        .id;
    let first = html
        .split("id=\"p-")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a first place");
    assert_eq!(
        first,
        dhanmondi.to_string(),
        "the centre where the phone is"
    );
    assert!(html.contains("ঠিক এখানেই"), "{html}");
    shoot(&j, "25-centres-located").await;
    j.close().await.expect("closing the session");
}

sqlite_only! {
    a_customer_resets_a_locked_pin_in_chromium => sqlite_a_customer_resets_a_locked_pin_in_chromium;
}

/// The self PIN reset on a phone with scripts off: the demo account that is loaded locked
/// (01700000012, README "Demo wallets"), its number and answers typed in Bengali digits, a
/// weak new PIN refused with the rule named, then a good one; the PIN works and the lock
/// is gone. Then a supervisor sees the reset in the account's history on the desk.
async fn a_customer_resets_a_locked_pin_in_chromium(t: TestApp) {
    use seba_core::text::bengali_digits;

    t.app.load_demo_wallets().await.expect("the demo wallets");
    let number = seba_core::contact::Msisdn::parse("01700000012").expect("a number");
    let e164 = number.as_e164().to_string();
    let (nid, new_pin) = ("1245678903", "58027");
    assert!(matches!(
        t.app
            .verify_pin(
                &number,
                &seba_core::wallet::Pin::parse("24863").expect("a PIN")
            )
            .await
            .expect("a PIN check"),
        seba_app::wallet::PinOutcome::Locked { .. }
    ));
    let Some((_driver, c)) = browser(false).await else {
        return;
    };

    // From the home page: the number in Bengali digits.
    c.goto(&format!("{}/", t.base)).await.expect("home");
    click(&c, Locator::Css("a[href='/pin-reset']")).await;
    wait_for_path(&c, "/pin-reset").await;
    type_into(&c, Locator::Id("msisdn"), &bengali_digits("01700000012")).await;
    shoot(&c, "30-pin-reset-start").await;
    click(&c, Locator::Css("form[action='/pin-reset'] button")).await;
    wait_for_path(&c, "/pin-reset/identity").await;

    // Step 1: the NID as printed, the date of birth, and the transaction the customer made
    // (the one choice that is among the account's recent transactions).
    let recent: Vec<String> = t
        .app
        .store
        .recent_wallet_transactions(&e164, 20)
        .await
        .expect("transactions")
        .into_iter()
        .map(|tx| {
            seba_app::pin_reset::Choice {
                kind: tx.kind,
                amount_poisha: tx.amount_poisha,
            }
            .label()
            .bn
        })
        .collect();
    let shown = c
        .find_all(Locator::Css("span.choice"))
        .await
        .expect("the choices");
    assert_eq!(shown.len(), 4);
    let mut right = None;
    for (i, s) in shown.iter().enumerate() {
        if recent.contains(&s.text().await.expect("a choice's text")) {
            assert!(right.is_none(), "one real choice");
            right = Some(i);
        }
    }
    let right = right.expect("the real choice");
    type_into(&c, Locator::Id("nid"), &bengali_digits("124 567 8903")).await;
    type_into(&c, Locator::Id("dob"), &bengali_digits("17/05/1975")).await;
    click(&c, Locator::Id(&format!("choice-{right}"))).await;
    shoot(&c, "31-pin-reset-identity").await;
    click(
        &c,
        Locator::Css("form[action='/pin-reset/identity'] button"),
    )
    .await;
    wait_for_path(&c, "/pin-reset/pin").await;
    let html = c.source().await.expect("source");
    assert!(html.contains("০১৭০০-***০১২"), "where it went: {html}");

    // Step 2: the temporary PIN from the SMS; first a weak new PIN, then a good one.
    let row = t
        .wait_outbox("the temporary PIN's SMS", |r| {
            r.topic == "sms.send"
                && r.payload["to"] == e164.as_str()
                && r.payload["key"]
                    .as_str()
                    .is_some_and(|k| k.starts_with("pin-reset:") && k.ends_with(":otp1"))
        })
        .await;
    let text = row.payload["text"].as_str().expect("an SMS text");
    let temporary: String = text
        .split("PIN is ")
        .nth(1)
        .map(|s| s.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    assert_eq!(temporary.len(), 5, "{text}");
    shoot(&c, "32-pin-reset-new-pin").await;
    type_into(&c, Locator::Id("temporary"), &bengali_digits(&temporary)).await;
    type_into(&c, Locator::Id("new_pin"), "12345").await;
    type_into(&c, Locator::Id("again"), "12345").await;
    click(&c, Locator::Css("form[action='/pin-reset/pin'] button")).await;
    wait_for(&c, "the weak PIN refused", |h| h.contains("পরপর অঙ্ক")).await;
    shoot(&c, "33-pin-reset-weak-pin").await;
    type_into(&c, Locator::Id("temporary"), &bengali_digits(&temporary)).await;
    type_into(&c, Locator::Id("new_pin"), &bengali_digits(new_pin)).await;
    type_into(&c, Locator::Id("again"), &bengali_digits(new_pin)).await;
    click(&c, Locator::Css("form[action='/pin-reset/pin'] button")).await;
    wait_for_path(&c, "/pin-reset/done").await;
    wait_for(&c, "the PIN changed", |h| h.contains("পিন বদলানো হয়েছে")).await;
    shoot(&c, "34-pin-reset-done").await;
    assert!(
        c.get_all_cookies()
            .await
            .expect("cookies")
            .iter()
            .all(|k| k.name() != "seba_reset"),
        "the reset's cookie is gone"
    );
    c.close().await.expect("closing the session");
    assert_eq!(
        t.app
            .verify_pin(
                &number,
                &seba_core::wallet::Pin::parse(new_pin).expect("a PIN")
            )
            .await
            .expect("a PIN check"),
        seba_app::wallet::PinOutcome::Right,
        "the new PIN works and the lock is gone"
    );

    // The supervisor sees it on the desk: the locks, the reset, nothing secret.
    let Some((_supervisor_driver, s)) = browser(false).await else {
        return;
    };
    s.goto(&format!("{}/agent/wallets", t.base))
        .await
        .expect("the wallet lookup");
    type_into(&s, Locator::Id("username"), t.supervisor.username).await;
    type_into(&s, Locator::Id("password"), crate::common::PASSWORD).await;
    click(&s, Locator::Css("form[action='/agent/login'] button")).await;
    wait_for_path(&s, "/agent/wallets").await;
    type_into(&s, Locator::Id("msisdn"), "01700000012").await;
    click(&s, Locator::Css("form[action='/agent/wallets'] button")).await;
    wait_for_path(&s, "/agent/wallets/01700000012").await;
    let html = wait_for(&s, "the account's history", |h| {
        h.contains("পিন রিসেট সম্পন্ন")
    })
    .await;
    assert!(!html.contains(nid) && !html.contains("argon2"), "{html}");
    shoot(&s, "35-desk-wallet").await;
    s.close().await.expect("closing the supervisor's session");
}

sqlite_only! {
    an_agent_files_a_complaint_on_the_ussd_simulator_in_chromium =>
        sqlite_ussd_pages_simulator_in_chromium;
}

/// The desk's USSD simulator in a browser with scripts off: an agent follows the menu link,
/// dials *247# from the demo number, makes a complaint in four answers (complaint, mobile
/// money, the first problem, the first of its common descriptions) and reads the case
/// number on the final screen; the case is there, filed over USSD from that number.
async fn an_agent_files_a_complaint_on_the_ussd_simulator_in_chromium(t: TestApp) {
    let Some((_driver, c)) = browser(false).await else {
        return;
    };
    c.goto(&format!("{}/agent", t.base)).await.expect("desk");
    wait_for_path(&c, "/agent/login").await;
    type_into(&c, Locator::Id("username"), t.agent.username).await;
    type_into(&c, Locator::Id("password"), crate::common::PASSWORD).await;
    click(&c, Locator::Css("form[action='/agent/login'] button")).await;
    wait_for_path(&c, "/agent").await;
    click(&c, Locator::Css("nav.desk-nav a[href='/agent/ussd']")).await;
    wait_for_path(&c, "/agent/ussd").await;
    let number = c
        .find(Locator::Id("msisdn"))
        .await
        .expect("the caller's number")
        .prop("value")
        .await
        .expect("its value");
    assert_eq!(
        number.as_deref(),
        Some("01700000001"),
        "a demo wallet's number"
    );
    shoot(&c, "40-ussd-idle").await;

    click(&c, Locator::Id("dial")).await;
    wait_for(&c, "the main menu", |h| h.contains("id=\"send-form\"")).await;
    let menu = c
        .find(Locator::Css("pre.ussd-text"))
        .await
        .expect("the screen")
        .text()
        .await
        .expect("its text");
    assert!(
        menu.contains("অভিযোগ করুন") && menu.lines().count() >= 6,
        "one item a line: {menu}"
    );
    shoot(&c, "41-ussd-menu").await;

    let mut so_far = Vec::new();
    for input in ["2", "1", "1", "1"] {
        type_into(&c, Locator::Id("input"), input).await;
        click(&c, Locator::Id("send")).await;
        so_far.push(input);
        let joined = so_far.join("*");
        wait_for(&c, &format!("the answer to {joined}"), |h| {
            h.contains(&format!("name=\"text\" value=\"{joined}\"")) || h.contains("id=\"ended\"")
        })
        .await;
        if so_far.len() == 3 {
            shoot(&c, "42-ussd-descriptions").await;
        }
    }
    let html = wait_for(&c, "the final screen", |h| h.contains("id=\"ended\"")).await;
    assert!(!html.contains("id=\"send-form\""), "nothing more to answer");
    let last = c
        .find(Locator::Css("pre.ussd-text"))
        .await
        .expect("the screen")
        .text()
        .await
        .expect("its text");
    assert!(last.contains("অভিযোগ গ্রহণ করা হয়েছে"), "{last}");
    let number: String = last
        .split("কেস নম্বর ")
        .nth(1)
        .map(|s| s.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    assert!(number.len() >= 5, "a case number on the screen: {last}");
    shoot(&c, "43-ussd-filed").await;
    c.close().await.expect("closing the session");

    let (detail, _) = t.case_detail(&number).await;
    assert_eq!(detail["case"]["channel"], "ussd", "{detail}");
    assert_eq!(detail["case"]["category"], "mfs.wrong_transfer", "{detail}");
    assert!(
        detail["messages"][0]["body"]
            .as_str()
            .is_some_and(|b| b.contains("ভুল নম্বরে টাকা গেছে")),
        "the description picked: {detail}"
    );
    assert_eq!(
        detail["case"]["requester"]["msisdn"], "+8801700000001",
        "{detail}"
    );

    // The supervisor's dashboard counts the session as a completed complaint.
    let Some((_supervisor_driver, s)) = browser(false).await else {
        return;
    };
    s.goto(&format!("{}/supervisor", t.base))
        .await
        .expect("dashboard");
    type_into(&s, Locator::Id("username"), t.supervisor.username).await;
    type_into(&s, Locator::Id("password"), crate::common::PASSWORD).await;
    click(&s, Locator::Css("form[action='/agent/login'] button")).await;
    wait_for_path(&s, "/supervisor").await;
    wait_for(&s, "the USSD panel", |h| {
        h.contains("id=\"ussd-menu-complaint\"")
    })
    .await;
    let row = s
        .find(Locator::Id("ussd-menu-complaint"))
        .await
        .expect("the complaint row")
        .text()
        .await
        .expect("its text");
    assert!(row.starts_with("অভিযোগ ১ ১ ০ ০ ০"), "{row}");
    // To the panel, as a link to it would (no script needed).
    s.goto(&format!("{}/supervisor#ussd", t.base))
        .await
        .expect("the panel");
    shoot(&s, "44-ussd-dashboard").await;
    s.close().await.expect("closing the supervisor's session");
}

sqlite_only! {
    a_claim_walks_from_filing_to_refund_in_chromium =>
        sqlite_claims_a_claim_walks_from_filing_to_refund_in_chromium;
}

/// One e-commerce claim through real pages with scripts off: a victim files it in Bengali
/// (Bengali digits, a receipt photo) from the home page, the cell verifies it on its page
/// and forwards it with the merchant's batch, the merchant's staff answer it and record
/// the full refund on the merchant portal, and the victim tracks it to "refunded in full".
async fn a_claim_walks_from_filing_to_refund_in_chromium(t: TestApp) {
    use seba_core::text::{ascii_digits, bengali_digits};

    // The merchant and its portal user, set up through the API and the application.
    let evaly = t
        .post(
            &t.supervisor,
            "/api/v1/merchants",
            &serde_json::json!({
                "trade_en": "Evaly", "trade_bn": "ইভ্যালি", "web": ["evaly.com.bd"],
                "district": "Dhaka", "status": "in_liquidation"
            }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("the merchant's id");
    t.app
        .add_merchant_user(
            "evaly.staff",
            "Evaly staff",
            crate::common::PASSWORD,
            evaly,
            seba_app::cases::Caller::system(),
        )
        .await
        .expect("the merchant's portal user");

    // The victim, on a phone with scripts off, from the home page.
    let Some((_driver, c)) = browser(false).await else {
        return;
    };
    c.goto(&format!("{}/", t.base)).await.expect("home");
    click(&c, Locator::Css("a[href='/claims/new']")).await;
    wait_for_path(&c, "/claims/new").await;
    type_into(&c, Locator::Id("claimant_msisdn"), "০১৭১২-৩৪৫৬৭৮").await;
    type_into(&c, Locator::Id("claimant_name"), "রহিম উদ্দিন").await;
    let dhaka = seba_geo::Geography::bangladesh()
        .district_typed("Dhaka")
        .expect("Dhaka")
        .id
        .0
        .to_string();
    c.find(Locator::Id("district"))
        .await
        .expect("district")
        .select_by_value(&dhaka)
        .await
        .expect("choose the district");
    type_into(&c, Locator::Id("merchant"), "ইভ্যালি").await;
    type_into(&c, Locator::Id("order_id"), "EV-2021-0715").await;
    type_into(&c, Locator::Id("order_date"), "১৫/০৭/২০২১").await;
    type_into(&c, Locator::Id("product"), "মোটরসাইকেল").await;
    c.find(Locator::Id("delivery"))
        .await
        .expect("delivery")
        .select_by_value("not_delivered")
        .await
        .expect("choose what arrived");
    type_into(&c, Locator::Id("amount_paid"), "১,২৫,০০০").await;
    c.find(Locator::Id("payment_method"))
        .await
        .expect("payment method")
        .select_by_value("bkash")
        .await
        .expect("choose bKash");
    let receipt =
        std::env::temp_dir().join(format!("seba-claim-receipt-{}.png", std::process::id()));
    std::fs::write(&receipt, crate::common::PNG).expect("writing the receipt");
    type_into(
        &c,
        Locator::Id("attachment"),
        &receipt.display().to_string(),
    )
    .await;
    shoot(&c, "50-claim-form").await;
    click(
        &c,
        Locator::Css("form[action='/claims/new'] button[type=submit]"),
    )
    .await;
    wait_for_path(&c, "/claims/filed").await;
    let shown = c
        .find(Locator::Css("p.case-number strong"))
        .await
        .expect("the claim's number")
        .text()
        .await
        .expect("its text");
    let number = ascii_digits(shown.trim());
    assert_eq!(shown.trim(), bengali_digits(&number), "in Bengali digits");
    let url = c.current_url().await.expect("url");
    assert!(
        url.query_pairs().any(|(k, v)| k == "number" && v == number),
        "the number on the page is the one filed: {url}"
    );
    shoot(&c, "51-claim-filed").await;
    let _ = std::fs::remove_file(&receipt);
    let digits = number.replace('-', "");

    // The cell: an agent logs in, opens the claim from the claims list and verifies it.
    let Some((_agent_driver, a)) = browser(false).await else {
        return;
    };
    a.goto(&format!("{}/agent/login", t.base))
        .await
        .expect("login");
    type_into(&a, Locator::Id("username"), t.agent.username).await;
    type_into(&a, Locator::Id("password"), crate::common::PASSWORD).await;
    click(&a, Locator::Css("form[action='/agent/login'] button")).await;
    wait_for_path(&a, "/agent").await;
    click(&a, Locator::Css("nav.desk-nav a[href='/agent/claims']")).await;
    wait_for_path(&a, "/agent/claims").await;
    let claim_link = format!("a[href='/agent/claims/{digits}']");
    click(&a, Locator::Css(&claim_link)).await;
    wait_for_path(&a, &format!("/agent/claims/{digits}")).await;
    let html = wait_for(&a, "the claim's page", |h| h.contains("id=\"move\"")).await;
    assert!(html.contains("ইভ্যালি"), "the shop matched: {html}");
    assert!(html.contains("EV-2021-0715"), "{html}");
    click(&a, Locator::Css("input[name=to][value=verified]")).await;
    type_into(&a, Locator::Id("note"), "রসিদ দেখা হয়েছে").await;
    click(&a, Locator::Id("move")).await;
    wait_for(&a, "the claim verified", |h| {
        h.contains("role=\"status\"") && h.contains("value=\"forwarded\"")
    })
    .await;

    // Forwarded with the merchant's batch of verified claims, from the claims list.
    click(&a, Locator::Css("main a[href='/agent/claims']")).await;
    wait_for_path(&a, "/agent/claims").await;
    click(&a, Locator::Css("a[href='/agent/claims/forward']")).await;
    wait_for_path(&a, "/agent/claims/forward").await;
    a.find(Locator::Id("merchant"))
        .await
        .expect("the merchant picker")
        .select_by_value(&evaly.to_string())
        .await
        .expect("choose Evaly");
    click(
        &a,
        Locator::Css("form[action='/agent/claims/forward'][method=get] button"),
    )
    .await;
    wait_for(&a, "Evaly's verified claims", |h| {
        h.contains("id=\"forward\"") && h.contains(&format!("href=\"/agent/claims/{digits}\""))
    })
    .await;
    click(&a, Locator::Id("forward")).await;
    wait_for(&a, "the batch forwarded", |h| {
        h.contains("role=\"status\"") && h.contains("forward.csv?merchant=")
    })
    .await;
    shoot(&a, "52-claim-forwarded").await;
    a.close().await.expect("closing the agent's session");

    // The merchant's staff, in a browser of their own.
    let Some((_merchant_driver, m)) = browser(false).await else {
        return;
    };
    m.goto(&format!("{}/agent/login", t.base))
        .await
        .expect("login");
    type_into(&m, Locator::Id("username"), "evaly.staff").await;
    type_into(&m, Locator::Id("password"), crate::common::PASSWORD).await;
    click(&m, Locator::Css("form[action='/agent/login'] button")).await;
    wait_for_path(&m, "/merchant").await;
    click(
        &m,
        Locator::Css(&format!("a[href='/merchant/claims/{digits}']")),
    )
    .await;
    wait_for_path(&m, &format!("/merchant/claims/{digits}")).await;
    let html = wait_for(&m, "the claim's page", |h| h.contains("id=\"send-answer\"")).await;
    assert!(
        !html.contains("01712345678") && !html.contains("০১৭১২৩৪৫৬৭৮"),
        "the claimant's number is masked: {html}"
    );
    type_into(
        &m,
        Locator::Id("answer"),
        "দুঃখিত, মোটরসাইকেল দেওয়া যায়নি। পুরো টাকা বিকাশে ফেরত দেওয়া হবে।",
    )
    .await;
    click(&m, Locator::Id("send-answer")).await;
    wait_for(&m, "the answer sent", |h| {
        h.contains("role=\"status\"") && !h.contains("id=\"send-answer\"")
    })
    .await;
    type_into(&m, Locator::Id("amount"), "125000").await;
    // A date field: the digits fill its parts in the browser's own order (day first in a
    // Bengali locale; headless Chromium here shows month/day/year), so both are tried.
    let paid_on = m.find(Locator::Id("paid_on")).await.expect("the date");
    paid_on
        .send_keys("20112026")
        .await
        .expect("typing the date");
    let typed = paid_on.prop("value").await.expect("its value");
    if typed.as_deref() != Some("2026-11-20") {
        paid_on.clear().await.expect("clearing the date");
        paid_on
            .send_keys("11202026")
            .await
            .expect("typing the date");
    }
    assert_eq!(
        paid_on.prop("value").await.expect("its value").as_deref(),
        Some("2026-11-20")
    );
    type_into(&m, Locator::Id("channel"), "bKash").await;
    type_into(&m, Locator::Id("reference"), "BK8X2M4Q7R").await;
    shoot(&m, "53-merchant-refund").await;
    click(&m, Locator::Id("record-refund")).await;
    let html = wait_for(&m, "the refund recorded", |h| {
        h.contains("role=\"status\"") && h.contains("BK8X2M4Q7R")
    })
    .await;
    assert!(html.contains("পুরো টাকা ফেরত"), "{html}");
    shoot(&m, "54-merchant-refunded").await;
    m.close().await.expect("closing the merchant's session");

    // The victim tracks it, with the code from the SMS.
    c.goto(&format!("{}/track", t.base)).await.expect("track");
    type_into(&c, Locator::Id("number"), &bengali_digits(&number)).await;
    type_into(&c, Locator::Id("msisdn"), "01712345678").await;
    click(&c, Locator::Css("button[type=submit]")).await;
    wait_for(&c, "the code form", |h| h.contains("name=\"challenge\"")).await;
    let challenge = c
        .find(Locator::Css("input[name=challenge]"))
        .await
        .expect("the code form")
        .attr("value")
        .await
        .expect("value")
        .expect("a challenge");
    let code = t.sms_code(&challenge).await;
    type_into(&c, Locator::Id("code"), &bengali_digits(&code)).await;
    click(&c, Locator::Css("button[type=submit]")).await;
    wait_for_path(&c, "/track/case").await;
    let html = wait_for(&c, "the claim's standing", |h| h.contains("পুরো টাকা ফেরত")).await;
    assert!(html.contains("BK8X2M4Q7R"), "the refund: {html}");
    assert!(html.contains("২০/১১/২০২৬"), "the refund's day: {html}");
    assert!(html.contains("৳১,২৫,০০০"), "the amount: {html}");
    assert!(html.contains("৳০"), "nothing outstanding: {html}");
    shoot(&c, "55-claim-tracked").await;
    c.close().await.expect("closing the session");

    let detail = t.get(&t.agent, &format!("/api/v1/claims/{number}")).await;
    let detail = detail.expect(200);
    assert_eq!(detail["stage"], "refunded", "{detail}");
    assert_eq!(detail["outstanding_poisha"], 0, "{detail}");
    assert_eq!(detail["refunded_poisha"], 12_500_000, "{detail}");
}
