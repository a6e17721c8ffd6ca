//! Harness for the binary-level tests: temporary deployments (a SQLite data directory or a
//! fresh PostgreSQL schema), the `seba` CLI, `seba serve` processes, and a small API client.
//!
//! Everything runs on loopback. Each server is started with `--listen 127.0.0.1:0` and
//! its address is read from the line it prints on stdout; its logs go to a file in the
//! test's temporary directory, kept (and named on stderr) when the test fails.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

pub const SEBA: &str = env!("CARGO_BIN_EXE_seba");
/// The pepper every PostgreSQL node of one test shares (required there).
pub const PEPPER: &str = "test-pepper-0123456789abcdef";
pub const ADMIN_PASSWORD: &str = "correct-horse-battery-9";
pub const DATABASE_URL_VAR: &str = "SEBA_TEST_DATABASE_URL";

/// How long a server may take to print its listening line (migrations included).
const START_TIMEOUT: Duration = Duration::from_secs(60);

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{nanos:x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The rule for external components: required under `CI=true`, skipped otherwise.
pub fn missing(test: &str, reason: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: {reason} (CI=true, so this is a failure, not a skip)");
    }
    eprintln!("skipping {test}: {reason}");
}

/// A temporary directory, removed on drop unless the test is failing.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("seba-e2e-{name}-{}", unique()));
        std::fs::create_dir_all(&path).expect("creating a temporary directory");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("keeping {} for inspection", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A connected tokio-postgres client (its connection driven by a spawned task).
pub async fn pg_client(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(client)
}

/// A fresh schema in the test database, dropped when this guard goes (unless failing).
pub struct PgSchema {
    pub base_url: String,
    pub name: String,
}

impl PgSchema {
    /// The base URL with `options=-csearch_path=<schema>`, as `seba --database-url` takes it.
    pub fn url(&self) -> String {
        let sep = if self.base_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{sep}options=-csearch_path%3D{}",
            self.base_url, self.name
        )
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("keeping PostgreSQL schema {} for inspection", self.name);
            return;
        }
        let (url, name) = (self.base_url.clone(), self.name.clone());
        // Drop may run on a runtime thread: use a thread of our own with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(c) = pg_client(&url).await {
                    let _ = c
                        .batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                        .await;
                }
            });
        })
        .join();
    }
}

pub enum Backend {
    Sqlite,
    Postgres(PgSchema),
}

/// One seba deployment: a data directory, and for PostgreSQL a schema of its own.
pub struct Deployment {
    pub dir: TempDir,
    pub data_dir: PathBuf,
    pub backend: Backend,
}

impl Deployment {
    pub fn sqlite(name: &str) -> Deployment {
        let dir = TempDir::new(name);
        let data_dir = dir.path().join("data");
        Deployment {
            dir,
            data_dir,
            backend: Backend::Sqlite,
        }
    }

    /// A deployment on a fresh schema of `SEBA_TEST_DATABASE_URL`; `None` (after applying
    /// the skip rule) when PostgreSQL is not there.
    pub async fn postgres(test: &str) -> Option<Deployment> {
        let Ok(base_url) = std::env::var(DATABASE_URL_VAR) else {
            missing(test, &format!("{DATABASE_URL_VAR} is not set"));
            return None;
        };
        let client = match tokio::time::timeout(Duration::from_secs(10), pg_client(&base_url)).await
        {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                missing(test, &format!("cannot connect to {DATABASE_URL_VAR}: {e}"));
                return None;
            }
            Err(_) => {
                missing(test, &format!("connecting to {DATABASE_URL_VAR} timed out"));
                return None;
            }
        };
        let name = format!(
            "e2e_{}_{}",
            test.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
            unique()
        )
        .to_ascii_lowercase();
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await
            .expect("creating a test schema");
        let dir = TempDir::new(test);
        let data_dir = dir.path().join("data");
        Some(Deployment {
            dir,
            data_dir,
            backend: Backend::Postgres(PgSchema { base_url, name }),
        })
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    pub fn pg(&self) -> Option<&PgSchema> {
        match &self.backend {
            Backend::Postgres(s) => Some(s),
            Backend::Sqlite => None,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("seba.db")
    }

    /// `seba` with this deployment's store, and no `SEBA_*` variable from the test's own
    /// environment.
    pub fn cmd(&self) -> Command {
        self.cmd_in(&self.data_dir)
    }

    /// `seba` with this deployment's store and `data_dir` as its node-local directory.
    pub fn cmd_in(&self, data_dir: &std::path::Path) -> Command {
        let mut c = clean_command();
        c.arg("--data-dir").arg(data_dir);
        if let Backend::Postgres(s) = &self.backend {
            c.arg("--database-url").arg(s.url());
            c.env("SEBA_APP__PEPPER", PEPPER);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("running seba")
    }

    /// Run a CLI command that must succeed; its stdout.
    pub fn run_ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "seba {args:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `seba user add admin` and `seba token create admin`: an API token for an admin.
    ///
    /// The password is left for seba to generate: `SEBA_NEW_PASSWORD` is refused as an
    /// unknown configuration key (see `user_add_takes_the_password_from_the_environment`).
    pub fn admin_token(&self) -> String {
        let stdout = self.run_ok(&["user", "add", "admin", "--name", "Admin", "--role", "admin"]);
        assert!(stdout.contains("added admin"), "{stdout}");
        let password = stdout
            .lines()
            .find_map(|l| l.strip_prefix("password: "))
            .unwrap_or_default();
        assert!(
            password.chars().count() >= 12,
            "a generated password is printed once: {stdout}"
        );
        let token = self.run_ok(&["token", "create", "admin", "--name", "e2e"]);
        let token = token.lines().last().unwrap_or_default().trim().to_string();
        assert!(
            token.starts_with("seba_"),
            "unexpected token output {token:?}"
        );
        token
    }

    /// `seba user add` with the password in `SEBA_NEW_PASSWORD`, as documented.
    pub fn add_user_with_password(&self, username: &str, role: &str, password: &str) -> Output {
        self.cmd()
            .args([
                "user",
                "add",
                username,
                "--name",
                "Staff Member",
                "--role",
                role,
            ])
            .env("SEBA_NEW_PASSWORD", password)
            .stdin(Stdio::null())
            .output()
            .expect("running seba user add")
    }

    pub fn start(&self, name: &str) -> Server {
        Server::start(self, name)
    }
}

/// A `Command` for the seba binary with every inherited `SEBA_*` variable removed.
pub fn clean_command() -> Command {
    let mut c = Command::new(SEBA);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("SEBA_") {
            c.env_remove(k);
        }
    }
    c.env("SEBA_LOG", "info");
    // Run the search index as a production node with search would.
    c.env("SEBA_SEARCH__ENABLED", "true");
    c
}

/// A running `seba serve`. Dropping it kills it.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub base: String,
    pub log: PathBuf,
}

impl Server {
    pub fn start(dep: &Deployment, name: &str) -> Server {
        let log = dep.dir.path().join(format!("{name}-{}.log", unique()));
        let log_file = std::fs::File::create(&log).expect("creating a log file");
        // On PostgreSQL each node keeps its own node-local directory (its search index), as
        // separate machines would; on SQLite the directory holds the store itself.
        let node_dir = match &dep.backend {
            Backend::Postgres(_) => dep.dir.path().join(format!("{name}-data")),
            _ => dep.data_dir.clone(),
        };
        let mut child = dep
            .cmd_in(&node_dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .expect("spawning seba serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    // Nobody listens any more; keep draining so the server never blocks.
                    continue;
                }
            }
        });
        let deadline = std::time::Instant::now() + START_TIMEOUT;
        let addr = loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left.max(Duration::from_millis(1))) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix("seba listening on http://") {
                        let addr = rest.split(' ').next().unwrap_or_default();
                        assert!(
                            rest.contains("(store: "),
                            "listening line without the store: {line:?}"
                        );
                        break addr
                            .parse::<SocketAddr>()
                            .unwrap_or_else(|e| panic!("bad address in {line:?}: {e}"));
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let status = child.wait().ok();
                    panic!(
                        "seba serve ({name}) printed no listening line within {START_TIMEOUT:?} (exit: {status:?}); log:\n{}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    );
                }
            }
        };
        assert!(addr.ip().is_loopback(), "listening on {addr}");
        Server {
            child,
            addr,
            base: format!("http://{addr}"),
            log,
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then reap.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("server log kept at {}", self.log.display());
        }
    }
}

/// A new case's JSON, with tags.
pub fn case_json(text: &str, tags: &[&str]) -> Value {
    json!({
        "category": "mfs.wrong_transfer",
        "body": text,
        "requester": { "msisdn": "01712345678" },
        "channel": "api",
        "tags": tags,
    })
}

/// A small client of seba's staff API.
#[derive(Clone)]
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub fn new(base: &str, token: &str) -> Api {
        Api {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
            base: base.to_string(),
            token: token.to_string(),
        }
    }

    pub async fn post_case(
        &self,
        key: Option<&str>,
        body: &Value,
    ) -> reqwest::Result<reqwest::Response> {
        let mut req = self
            .client
            .post(format!("{}/api/v1/cases", self.base))
            .bearer_auth(&self.token)
            .json(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        req.send().await
    }

    /// Create a case that must be created; its view.
    pub async fn create(&self, key: Option<&str>, body: &Value) -> Value {
        let res = self.post_case(key, body).await.expect("POST /api/v1/cases");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        assert_eq!(status.as_u16(), 201, "creating a case: {text}");
        serde_json::from_str(&text).expect("case JSON")
    }

    pub async fn get_case(&self, number: &str) -> (u16, Value) {
        let res = self
            .client
            .get(format!("{}/api/v1/cases/{number}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET case");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Every case carrying `tag` (all pages).
    pub async fn list_by_tag(&self, tag: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("{}/api/v1/cases?tag={tag}&limit=200", self.base);
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let res = self
                .client
                .get(url)
                .bearer_auth(&self.token)
                .send()
                .await
                .expect("GET /api/v1/cases");
            assert_eq!(res.status().as_u16(), 200, "listing cases");
            let page: Value = res.json().await.expect("list JSON");
            out.extend(page["items"].as_array().cloned().unwrap_or_default());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        out
    }

    pub async fn transition(
        &self,
        number: &str,
        action: &str,
        if_match: Option<i64>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .post(format!("{}/api/v1/cases/{number}/transitions", self.base))
            .bearer_auth(&self.token)
            .json(&json!({ "action": action }));
        if let Some(v) = if_match {
            req = req.header("If-Match", format!("\"{v}\""));
        }
        let res = req.send().await.expect("POST transitions");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn deliveries(&self, number: &str) -> Vec<Value> {
        let res = self
            .client
            .get(format!("{}/api/v1/cases/{number}/deliveries", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("GET deliveries");
        assert_eq!(res.status().as_u16(), 200);
        res.json().await.expect("deliveries JSON")
    }
}

pub fn stdout_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run `cmd` to completion, killing it if it is still running after `limit`.
pub fn output_within(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning seba");
    let deadline = std::time::Instant::now() + limit;
    loop {
        match child.try_wait().expect("waiting for seba") {
            Some(_) => return child.wait_with_output().expect("collecting output"),
            None if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("collecting output");
                panic!(
                    "still running after {limit:?}:\nstdout:\n{}\nstderr:\n{}",
                    stdout_of(&out),
                    stderr_of(&out)
                );
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}
