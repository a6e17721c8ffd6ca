//! The harness of the HTTP suite, after zero-to-production's `spawn_app`: each test gets a
//! fresh store (a SQLite file, or a PostgreSQL schema when `SEBA_TEST_DATABASE_URL` is
//! set), an [`App`] on a manual clock with the default taxonomy and five staff members
//! holding API tokens, and the real router served on `127.0.0.1:0`. Tests speak HTTP with
//! reqwest and may look into the store through [`TestApp::app`].

use std::any::Any;
use std::future::Future;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

use seba_app::cases::Caller;
use seba_app::random::SeededRandom;
use seba_app::settings::Secret;
use seba_app::{App, AppSettings};
use seba_core::audit::AuditEvent;
use seba_core::clock::ManualClock;
use seba_core::ids::{CaseId, CaseNumber, UserId};
use seba_core::staff::Role;
use seba_store::postgres::PgStore;
use seba_store::sqlite::SqliteStore;
use seba_store::{CaseWrite, Commit, OutboxDraft, OutboxPos, OutboxRow, Store};
use seba_web::{AppState, RateLimits};

/// The environment variable naming the PostgreSQL server the suite may create schemas in.
pub const DATABASE_URL_VAR: &str = "SEBA_TEST_DATABASE_URL";

/// Every staff member's password.
/// A 1×1 PNG (signature, IHDR, IEND).
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x00IEND\xaeB`\x82";

pub const PASSWORD: &str = "correct-horse-battery-staple";

/// A test that takes longer than this has hung.
const TEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Generates, for each `body => sqlite_name, postgres_name;`, one test per engine. Outer
/// attributes (e.g. `#[ignore = "…"]`) may precede either wrapper's name.
macro_rules! both_engines {
    ($($body:ident => $(#[$sattr:meta])* $sqlite:ident, $(#[$pattr:meta])* $pg:ident;)+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $(#[$sattr])*
            async fn $sqlite() {
                crate::common::run(
                    crate::common::Engine::Sqlite,
                    stringify!($sqlite),
                    seba_web::RateLimits::default(),
                    $body,
                )
                .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $(#[$pattr])*
            async fn $pg() {
                crate::common::run(
                    crate::common::Engine::Postgres,
                    stringify!($pg),
                    seba_web::RateLimits::default(),
                    $body,
                )
                .await;
            }
        )+
    };
}

/// One SQLite test per `body => name;`.
macro_rules! sqlite_only {
    ($($body:ident => $(#[$attr:meta])* $name:ident;)+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $(#[$attr])*
            async fn $name() {
                crate::common::run(
                    crate::common::Engine::Sqlite,
                    stringify!($name),
                    seba_web::RateLimits::default(),
                    $body,
                )
                .await;
            }
        )+
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A staff member created for the test, with an API token.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: UserId,
    pub username: &'static str,
    pub token: String,
}

/// A running server and what the test needs to talk to it and to look behind it.
pub struct TestApp {
    pub engine: Engine,
    pub base: String,
    pub http: Client,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub admin: StaffUser,
    pub supervisor: StaffUser,
    pub agent: StaffUser,
    pub agent2: StaffUser,
    pub auditor: StaffUser,
}

/// Aborts the server task when dropped (also while a failing test unwinds).
pub struct ServerGuard(tokio::task::JoinHandle<()>);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sunday 22 November 2026, 09:00 in Dhaka: the start of a business day.
pub fn start_time() -> jiff::Timestamp {
    "2026-11-22T03:00:00Z".parse().expect("a valid instant")
}

/// Build the application on `store`, create the staff, and serve the router.
pub async fn spawn_app(
    engine: Engine,
    store: Arc<dyn Store>,
    limits: RateLimits,
) -> (TestApp, ServerGuard) {
    let clock = Arc::new(ManualClock::new(start_time()));
    let settings = AppSettings {
        pepper: Secret::new("test-pepper-0123456789"),
        ..AppSettings::default()
    };
    let app = App::new(
        store,
        clock.clone(),
        Arc::new(SeededRandom::new(20_261_122)),
        settings,
    );
    app.bootstrap().await.expect("bootstrap");

    // Argon2 costs tens of milliseconds per user: five users, once per app.
    let mut staff = Vec::new();
    for (username, display, role) in [
        ("admin", "সিস্টেম অ্যাডমিন", Role::Admin),
        ("supervisor", "নাসরিন আক্তার", Role::Supervisor),
        ("agent", "রহিমা খাতুন", Role::Agent),
        ("agent2", "Karim Uddin", Role::Agent),
        ("auditor", "নিরীক্ষক", Role::Auditor),
    ] {
        let id = app
            .add_user(username, display, role, PASSWORD, Caller::system())
            .await
            .unwrap_or_else(|e| panic!("adding {username}: {e}"));
        let token = app
            .create_token(username, "integration tests", Caller::system())
            .await
            .unwrap_or_else(|e| panic!("a token for {username}: {e}"));
        staff.push(StaffUser {
            id,
            username,
            token,
        });
    }
    let mut staff = staff.into_iter();
    let mut next = || staff.next().expect("five staff members");

    let mut state = AppState::new(app.clone(), limits);
    // A search index fed from the outbox, as `seba serve` runs it.
    let index = Arc::new(seba_search::home::LiveIndex::fixed(Arc::new(
        seba_search::index::SearchIndex::in_memory().expect("search index"),
    )));
    state.search = Some(index.clone());
    let (_stop, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn({
        let store = app.store.clone();
        async move {
            let _keep_open = _stop;
            seba_search::feed::run(store, index, stop_rx).await
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            seba_web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serving");
    });
    let http = Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    let t = TestApp {
        engine,
        base: format!("http://{addr}"),
        http,
        app,
        clock,
        admin: next(),
        supervisor: next(),
        agent: next(),
        agent2: next(),
        auditor: next(),
    };
    (t, ServerGuard(server))
}

/// Run `body` against a fresh app on `engine`; clean up the store afterwards.
pub async fn run<F, Fut>(engine: Engine, test: &str, limits: RateLimits, body: F)
where
    F: FnOnce(TestApp) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    match engine {
        Engine::Sqlite => {
            static COUNTER: AtomicU64 = AtomicU64::new(0);
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir: PathBuf = std::env::temp_dir()
                .join(format!("seba-web-api-{}-{test}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let store = SqliteStore::open(&dir.join("seba.db"))
                .unwrap_or_else(|e| panic!("opening a SQLite store in {}: {e}", dir.display()));
            let outcome = run_body(engine, Arc::new(store), limits, body).await;
            let _ = std::fs::remove_dir_all(&dir);
            if let Err(panic) = outcome {
                std::panic::resume_unwind(panic);
            }
        }
        Engine::Postgres => {
            let url = match std::env::var(DATABASE_URL_VAR) {
                Ok(url) if !url.trim().is_empty() => url,
                _ => {
                    if std::env::var("CI").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true")) {
                        panic!(
                            "{DATABASE_URL_VAR} is not set but CI=true: the PostgreSQL API tests must run on CI \
                             (set it to e.g. postgres://postgres@127.0.0.1:5432/test)"
                        );
                    }
                    let _ = writeln!(
                        std::io::stderr(),
                        "skipping {test}: {DATABASE_URL_VAR} not set"
                    );
                    return;
                }
            };
            let schema = schema_name(test);
            let store = PgStore::connect(&url, Some(&schema))
                .await
                .unwrap_or_else(|e| {
                    panic!("connecting to {DATABASE_URL_VAR} with schema {schema}: {e}")
                });
            let outcome = run_body(engine, Arc::new(store), limits, body).await;
            if let Err(e) = PgStore::drop_schema(&url, &schema).await {
                eprintln!("{test}: could not drop schema {schema}: {e}");
            }
            if let Err(panic) = outcome {
                std::panic::resume_unwind(panic);
            }
        }
    }
}

/// Set up and run the body on its own task, so a panic comes back here (after the server
/// is stopped) and a hang becomes a failure.
async fn run_body<F, Fut>(
    engine: Engine,
    store: Arc<dyn Store>,
    limits: RateLimits,
    body: F,
) -> Result<(), Box<dyn Any + Send>>
where
    F: FnOnce(TestApp) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let task = tokio::spawn(async move {
        let (t, guard) = spawn_app(engine, store, limits).await;
        let r = tokio::time::timeout(TEST_TIMEOUT, body(t)).await;
        drop(guard);
        r
    });
    match task.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(Box::new(format!(
            "the test did not finish within {TEST_TIMEOUT:?}"
        ))),
        Err(e) if e.is_panic() => Err(e.into_panic()),
        Err(e) => Err(Box::new(format!("the test task failed: {e}"))),
    }
}

/// `t_<test>_<hex>`: lower case `[a-z0-9_]`, within PostgreSQL's 63-byte names.
fn schema_name(test: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(36)
        .collect();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let salt = (nanos as u64) ^ (u64::from(std::process::id()) << 40) ^ n;
    format!("tw_{clean}_{salt:016x}")
}

// ---------------------------------------------------------------------------------------
// Talking HTTP
// ---------------------------------------------------------------------------------------

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    /// The body as JSON (`Null` if it is not JSON).
    pub json: Value,
}

impl Answer {
    pub async fn read(res: reqwest::Response) -> Answer {
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("reading a response body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            text,
            json,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Assert the status, with the body in the message.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected {status}, got {}: {}",
            self.status,
            self.text
        );
        &self.json
    }

    /// Assert an RFC 9457 problem with this status, in both languages; returns its body.
    #[track_caller]
    pub fn problem(&self, status: u16) -> &Value {
        self.expect(status);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "a {status} must be problem+json: {}",
            self.text
        );
        let p = &self.json;
        assert_eq!(p["status"], json!(status), "problem.status: {p}");
        for k in ["title", "title_bn", "detail", "detail_bn"] {
            assert!(
                p[k].as_str().is_some_and(|s| !s.trim().is_empty()),
                "problem.{k} must be non-empty: {p}"
            );
        }
        assert!(
            p["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("/problems/")),
            "problem.type: {p}"
        );
        p
    }

    /// Assert a problem of this status and `type` (`/problems/<slug>`).
    #[track_caller]
    pub fn problem_of(&self, status: u16, slug: &str) -> &Value {
        let p = self.problem(status);
        assert_eq!(p["type"], json!(format!("/problems/{slug}")), "{p}");
        p
    }

    /// The fields named in `errors[]`.
    pub fn error_fields(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request without credentials.
    pub fn anon(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path))
    }

    /// A request with `who`'s bearer token.
    pub fn req(&self, who: &StaffUser, method: Method, path: &str) -> RequestBuilder {
        self.anon(method, path).bearer_auth(&who.token)
    }

    pub async fn send(rb: RequestBuilder) -> Answer {
        Answer::read(rb.send().await.expect("sending a request")).await
    }

    pub async fn get(&self, who: &StaffUser, path: &str) -> Answer {
        Self::send(self.req(who, Method::GET, path)).await
    }

    pub async fn post(&self, who: &StaffUser, path: &str, body: &Value) -> Answer {
        Self::send(self.req(who, Method::POST, path).json(body)).await
    }

    /// POST raw bytes with a content type.
    pub async fn post_raw(
        &self,
        who: &StaffUser,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        Self::send(
            self.req(who, Method::POST, path)
                .header(CONTENT_TYPE, content_type)
                .body(body),
        )
        .await
    }

    /// File a case as `who`; asserts 201 and returns the case view.
    pub async fn create_case(&self, who: &StaffUser, body: &Value) -> Value {
        self.post(who, "/api/v1/cases", body)
            .await
            .expect(201)
            .clone()
    }

    /// The case's detail (`{case, messages}`) and its ETag, read as the admin.
    pub async fn case_detail(&self, number: &str) -> (Value, String) {
        let a = self
            .get(&self.admin, &format!("/api/v1/cases/{number}"))
            .await;
        a.expect(200);
        let etag = a.header("etag").expect("an ETag").to_string();
        (a.json, etag)
    }

    pub async fn transition(
        &self,
        who: &StaffUser,
        number: &str,
        action: &str,
        if_match: Option<&str>,
    ) -> Answer {
        let mut rb = self
            .req(
                who,
                Method::POST,
                &format!("/api/v1/cases/{number}/transitions"),
            )
            .json(&json!({ "action": action }));
        if let Some(v) = if_match {
            rb = rb.header("if-match", v);
        }
        Self::send(rb).await
    }

    /// How many cases the list shows (all pages).
    pub async fn case_count(&self) -> usize {
        let mut n = 0;
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/cases?limit=200&cursor={c}"),
                None => "/api/v1/cases?limit=200".to_string(),
            };
            let a = self.get(&self.admin, &path).await;
            let page = a.expect(200);
            n += page["items"].as_array().expect("items").len();
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return n,
            }
        }
    }

    /// The case id behind a number.
    pub fn id_of(number: &str) -> CaseId {
        CaseNumber::parse(number)
            .unwrap_or_else(|e| panic!("`{number}` is not a case number: {e}"))
            .id()
    }

    /// The audit trail of `subject` (`case:17`, `article:reset-pin`), oldest first.
    pub async fn audit_events(&self, subject: &str) -> Vec<AuditEvent> {
        self.app.store.audit_events(subject).await.expect("audit")
    }

    // -----------------------------------------------------------------------------------
    // The change feed
    // -----------------------------------------------------------------------------------

    /// Every outbox row readable right now.
    pub async fn outbox(&self) -> Vec<OutboxRow> {
        let mut out = Vec::new();
        let mut pos = OutboxPos::default();
        loop {
            let page = self
                .app
                .store
                .outbox_after(pos, 100)
                .await
                .expect("outbox_after");
            let Some(last) = page.last() else { break };
            pos = last.pos;
            out.extend(page);
        }
        out
    }

    /// Wait until an outbox row matches (PostgreSQL holds rows back while an older
    /// transaction anywhere on the server is still running).
    pub async fn wait_outbox(&self, what: &str, pred: impl Fn(&OutboxRow) -> bool) -> OutboxRow {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let rows = self.outbox().await;
            if let Some(r) = rows.iter().find(|r| pred(r)) {
                return r.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no outbox row for {what}; the feed holds: {rows:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The whole feed up to a freshly committed marker: every row committed before the
    /// marker is in it, so "no such row" is a real absence, not a delay.
    pub async fn outbox_through_marker(&self, marker: &str) -> Vec<OutboxRow> {
        self.app
            .store
            .commit(Commit {
                case: CaseWrite::None,
                messages: vec![],
                events: vec![],
                outbox: vec![OutboxDraft {
                    topic: marker.into(),
                    case_id: None,
                    payload: json!({ "marker": marker }),
                    message_index: None,
                }],
                idempotency: None,
            })
            .await
            .expect("committing a marker");
        self.wait_outbox(marker, |r| r.topic == marker).await;
        self.outbox().await
    }
}

/// A complaint filed by staff on a caller's behalf.
pub fn case_body(msisdn: &str, text: &str) -> Value {
    json!({
        "channel": "hotline",
        "category": "mfs.wrong_transfer",
        "body": text,
        "requester": { "name": "রহিম উদ্দিন", "msisdn": msisdn },
    })
}

/// The case number of a case view.
pub fn number(view: &Value) -> String {
    view["number"]
        .as_str()
        .unwrap_or_else(|| panic!("no number in {view}"))
        .to_string()
}

// ---------------------------------------------------------------------------------------
// The customer's side
// ---------------------------------------------------------------------------------------

impl TestApp {
    /// Ask for a tracking code; asserts 202 and returns the challenge id.
    pub async fn start_tracking(&self, number: &str, msisdn: &str) -> Answer {
        Self::send(
            self.anon(Method::POST, "/api/v1/public/track")
                .json(&json!({ "case_number": number, "msisdn": msisdn })),
        )
        .await
    }

    /// The 6-digit code the SMS for `challenge_id` carries (from the outbox).
    pub async fn sms_code(&self, challenge_id: &str) -> String {
        let key = format!("otp:{challenge_id}");
        let row = self
            .wait_outbox(&key, |r| r.topic == "sms.send" && r.payload["key"] == key)
            .await;
        let text = row.payload["text"].as_str().expect("an SMS text");
        let code = text
            .split("code is ")
            .nth(1)
            .map(|s| {
                s.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .unwrap_or_default();
        assert_eq!(code.len(), 6, "a 6-digit code in {text:?}");
        code
    }

    pub async fn verify_code(&self, challenge_id: &str, code: &str) -> Answer {
        Self::send(
            self.anon(Method::POST, "/api/v1/public/track/verify")
                .json(&json!({ "challenge_id": challenge_id, "code": code })),
        )
        .await
    }

    /// Track and verify: the customer's view of the case (with its `view_token`).
    pub async fn customer_view(&self, number: &str, msisdn: &str) -> Value {
        let started = self.start_tracking(number, msisdn).await;
        let challenge = started.expect(202)["challenge_id"]
            .as_str()
            .expect("a challenge id")
            .to_string();
        let code = self.sms_code(&challenge).await;
        self.verify_code(&challenge, &code)
            .await
            .expect(200)
            .clone()
    }

    /// A customer's reply with a view pass.
    pub async fn customer_reply(&self, number: &str, view_token: &str, body: &str) -> Answer {
        Self::send(
            self.anon(
                Method::POST,
                &format!("/api/v1/public/cases/{number}/messages"),
            )
            .bearer_auth(view_token)
            .json(&json!({ "body": body })),
        )
        .await
    }
}

/// A staff member logged in through the desk's login form (cookie and the session's
/// anti-forgery token), with a client that does not follow redirects.
pub struct DeskSession {
    pub cookie: String,
    pub csrf: String,
    pub base: String,
    client: Client,
}

/// A client that does not follow redirects, so a test sees each 303 and where it points.
pub fn no_redirects() -> Client {
    Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client")
}

/// A response header as text; empty when it is missing.
pub fn header_text(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Send `rb` as a browser sends a form: the page's token added as `csrf` unless the fields
/// carry one. Status, where it redirects (empty if nowhere), and the body.
pub async fn submit_form<V: AsRef<str>>(
    rb: RequestBuilder,
    csrf: &str,
    fields: &[(&str, V)],
) -> (u16, String, String) {
    let mut all: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_ref())).collect();
    if !all.iter().any(|(k, _)| *k == "csrf") {
        all.push(("csrf", csrf));
    }
    let res = rb.form(&all).send().await.expect("a form POST");
    let status = res.status().as_u16();
    let location = header_text(res.headers(), "location");
    (status, location, res.text().await.expect("a body"))
}

/// Open a page with a form as a browser does: its form cookie and anti-forgery token.
pub async fn form_cookie_and_token(client: &Client, url: &str) -> (String, String) {
    let res = client.get(url).send().await.expect("a form page");
    assert_eq!(res.status().as_u16(), 200, "{url}");
    let cookie = cookie_pair(&res, "seba_form").expect("the form cookie");
    let html = res.text().await.expect("a form page's html");
    (cookie, hidden_field(&html, "csrf"))
}

/// A form's hidden field from a page.
pub fn hidden_field(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// The `name=value` part of a response's cookie called `name`.
pub fn cookie_pair(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .find(|p| p.starts_with(&format!("{name}=")))
}

impl TestApp {
    /// Log `who` in through `GET`/`POST /agent/login`, then read the session's form token
    /// off the inbox.
    pub async fn desk_login(&self, who: &StaffUser) -> DeskSession {
        let client = no_redirects();
        let login = format!("{}/agent/login", self.base);
        let (form_cookie, csrf) = form_cookie_and_token(&client, &login).await;
        let res = client
            .post(&login)
            .header("cookie", &form_cookie)
            .form(&[
                ("username", who.username),
                ("password", PASSWORD),
                ("next", "/agent"),
                ("csrf", csrf.as_str()),
            ])
            .send()
            .await
            .expect("login post");
        assert_eq!(res.status().as_u16(), 303, "logged in as {}", who.username);
        let cookie = cookie_pair(&res, "seba_session").expect("a session cookie");
        let inbox = client
            .get(format!("{}/agent", self.base))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("inbox");
        assert_eq!(inbox.status().as_u16(), 200);
        let csrf = hidden_field(&inbox.text().await.expect("inbox html"), "csrf");
        assert!(csrf.len() >= 16, "the session's form token");
        DeskSession {
            cookie,
            csrf,
            base: self.base.clone(),
            client,
        }
    }
}

impl DeskSession {
    /// `GET path` as this staff member: status, body and headers.
    pub async fn get(&self, path: &str, lang: &str) -> (u16, String, reqwest::header::HeaderMap) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("accept-language", lang)
            .send()
            .await
            .expect("desk GET");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, res.text().await.expect("desk body"), headers)
    }

    /// `GET path` in `lang`, a page that must be there in full: 200, and no text missing
    /// (a missing Fluent key shows as `⟦key⟧`). Its body and headers.
    pub async fn page(&self, path: &str, lang: &str) -> (String, HeaderMap) {
        let (status, html, headers) = self.get(path, lang).await;
        assert_eq!(status, 200, "{path} in {lang}: {html}");
        assert!(
            !html.contains('⟦'),
            "a missing text on {path} in {lang}: {html}"
        );
        (html, headers)
    }

    /// `POST path` with form fields (the session's token added as `csrf` unless given):
    /// status, location and body.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        submit_form(self.form_post(path), &self.csrf, fields).await
    }

    /// `POST path` as `post` does, with the page language asked for, as a browser asks.
    pub async fn post_in<V: AsRef<str>>(
        &self,
        path: &str,
        fields: &[(&str, V)],
        lang: &str,
    ) -> (u16, String, String) {
        let rb = self.form_post(path).header("accept-language", lang);
        submit_form(rb, &self.csrf, fields).await
    }

    fn form_post(&self, path: &str) -> RequestBuilder {
        self.client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
    }
}
