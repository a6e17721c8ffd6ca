//! Project chores: `cargo xtask bench` runs the HTTP benchmarks against a release build of
//! `seba` and prints p50/p99; `cargo xtask load` drives an already running server.
//!
//! The load generator is deliberately small (a fixed number of keep-alive connections,
//! each sending its next request when the previous one is answered, latencies into an HDR
//! histogram), runs only against loopback, and stops by itself after the given time.

mod claims_bench;
mod inbox_bench;
mod locator_bench;
mod pin_bench;
mod search_bench;
mod tidy;
mod ussd_bench;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;

struct Args(Vec<String>);

impl Args {
    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.0.get(i + 1).cloned())
    }
    fn num(&self, name: &str, default: u64) -> u64 {
        self.get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = args.first().cloned().unwrap_or_default();
    let args = Args(args);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    match cmd.as_str() {
        "bench" => rt.block_on(bench(&args)),
        "search-bench" => rt.block_on(search_bench::run(&args)),
        "inbox-bench" => rt.block_on(inbox_bench::run(&args)),
        "locator-bench" => rt.block_on(locator_bench::run(&args)),
        "pin-bench" => rt.block_on(pin_bench::run(&args)),
        "ussd-bench" => rt.block_on(ussd_bench::run(&args)),
        "claims-bench" => rt.block_on(claims_bench::run(&args)),
        "load" => {
            let url = args.get("--url").context("--url")?;
            let token = args.get("--token").context("--token")?;
            let report = rt.block_on(intake(
                &url,
                &token,
                args.num("--connections", 64) as usize,
                Duration::from_secs(args.num("--seconds", 20)),
                0,
            ))?;
            report.print("intake");
            Ok(())
        }
        _ => {
            eprintln!(
                "usage: cargo xtask bench [--database-url postgres://…] [--seconds 20] [--connections 64] [--seed 1000000]"
            );
            eprintln!(
                "       cargo xtask search-bench [--cases 1000000] [--messages 5] [--data DIR] [--seconds 20]"
            );
            eprintln!(
                "       cargo xtask inbox-bench [--cases 1000000] [--data DIR] [--seconds 20]"
            );
            eprintln!(
                "       cargo xtask locator-bench [--points 500000] [--seed 7] [--data DIR] [--queries 100000] [--seconds 15] [--no-http]"
            );
            eprintln!(
                "       cargo xtask pin-bench [--seconds 10] [--flow-seconds 15] [--accounts 3000] [--history 3] [--no-http] [--enumeration [--probes 2000] [--flows]]"
            );
            eprintln!(
                "       cargo xtask ussd-bench [--seconds 15] [--connections 8] [--rate 1000] [--no-build]"
            );
            eprintln!(
                "       cargo xtask claims-bench [--claims 500000] [--merchants 2000] [--data DIR] [--seconds 15] [--import-rows 50000] [--no-build]"
            );
            eprintln!(
                "       cargo xtask load --url http://127.0.0.1:8080 --token TOKEN [--seconds 20] [--connections 64]"
            );
            Ok(())
        }
    }
}

struct Report {
    ok: u64,
    errors: u64,
    elapsed: Duration,
    hist: Histogram<u64>,
}

/// What one connection's task returns: its latencies, successes and errors.
type Part = (Histogram<u64>, u64, u64);

impl Report {
    /// Add up the connections' parts once they have all finished.
    async fn gather(
        tasks: Vec<tokio::task::JoinHandle<Part>>,
        start: Instant,
    ) -> anyhow::Result<Report> {
        let mut report = Report {
            ok: 0,
            errors: 0,
            elapsed: Duration::ZERO,
            hist: Histogram::new_with_bounds(1, 60_000_000, 3)?,
        };
        for t in tasks {
            let (h, ok, errors) = t.await?;
            report.hist.add(h)?;
            report.ok += ok;
            report.errors += errors;
        }
        report.elapsed = start.elapsed();
        Ok(report)
    }

    fn print(&self, name: &str) {
        let q = |p: f64| self.hist.value_at_quantile(p) as f64 / 1000.0;
        println!(
            "{name}: {} ok, {} errors in {:.1} s = {:.0}/s; latency ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
            self.ok,
            self.errors,
            self.elapsed.as_secs_f64(),
            self.ok as f64 / self.elapsed.as_secs_f64(),
            q(0.5),
            q(0.9),
            q(0.99),
            self.hist.max() as f64 / 1000.0
        );
    }
}

const BODIES: &[&str] = &[
    "আমি ৫০০০ টাকা সেন্ড মানি করতে গিয়ে এক অঙ্ক ভুল করেছি। টাকাটা ফেরত চাই।",
    "I sent 2,500 taka to a wrong number yesterday evening. Please help me get it back.",
    "ক্যাশ আউট করেছি, ব্যালেন্স কেটেছে কিন্তু এজেন্ট বলছে টাকা পায়নি।",
];
const CATEGORIES: &[&str] = &[
    "mfs.wrong_transfer",
    "mfs.cash_out",
    "ecommerce.refund",
    "mfs.payment_failure",
    "mfs.pin_lock",
];

/// POST cases for `duration` over `connections` connections. `offset` keeps idempotency keys unique across runs.
async fn intake(
    url: &str,
    token: &str,
    connections: usize,
    duration: Duration,
    offset: u64,
) -> anyhow::Result<Report> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let deadline = Instant::now() + duration;
    let counter = Arc::new(AtomicU64::new(offset));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, url, token, counter) = (
            client.clone(),
            format!("{url}/api/v1/cases"),
            token.to_string(),
            counter.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
            let (mut ok, mut errors) = (0u64, 0u64);
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let body = serde_json::json!({
                    "category": CATEGORIES[(n % 5) as usize],
                    "body": BODIES[(n % 3) as usize],
                    "channel": "api",
                    "requester": { "name": "Load Test", "msisdn": format!("017{:08}", n % 100_000_000) },
                });
                let t = Instant::now();
                let res = client.post(&url).bearer_auth(&token).header("idempotency-key", format!("bench-{n}")).json(&body).send().await;
                match res {
                    Ok(r) if r.status().as_u16() == 201 => {
                        let _ = r.bytes().await;
                        hist.record(t.elapsed().as_micros().max(1) as u64).ok();
                        ok += 1;
                    }
                    Ok(r) => {
                        errors += 1;
                        if errors < 3 {
                            eprintln!("unexpected {}: {}", r.status(), r.text().await.unwrap_or_default());
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        if errors < 3 {
                            eprintln!("request failed: {e}");
                        }
                    }
                }
            }
            (hist, ok, errors)
        }));
    }
    Report::gather(tasks, start).await
}

/// GET queue listings with filters for `duration`.
async fn listing(
    url: &str,
    token: &str,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Report> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let deadline = Instant::now() + duration;
    let start = Instant::now();
    let queries = [
        "/api/v1/cases?queue=complaint_cell&status=new,open&limit=50",
        "/api/v1/cases?queue=hotline&status=new&category=mfs&limit=50",
        "/api/v1/cases?queue=ecommerce_cell&status=new,open,pending_customer&priority=normal&limit=50",
        "/api/v1/cases?queue=complaint_cell&status=new&sla=on_track&limit=50",
        "/api/v1/cases?queue=hotline&status=new,open&channel=api&limit=50",
    ];
    let mut tasks = Vec::new();
    for i in 0..connections {
        let (client, url, token) = (client.clone(), url.to_string(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
            let (mut ok, mut errors) = (0u64, 0u64);
            let mut n = i;
            let mut cursor: Option<String> = None;
            while Instant::now() < deadline {
                let q = queries[n % queries.len()];
                // Every third request follows the previous page's cursor, as a scrolling agent does.
                let full = match (&cursor, n % 3) {
                    (Some(c), 0) => format!("{url}{q}&cursor={c}"),
                    _ => format!("{url}{q}"),
                };
                let t = Instant::now();
                match client.get(&full).bearer_auth(&token).send().await {
                    Ok(r) if r.status().is_success() => {
                        let v: serde_json::Value = r.json().await.unwrap_or_default();
                        hist.record(t.elapsed().as_micros().max(1) as u64).ok();
                        cursor = v["next_cursor"].as_str().map(str::to_string);
                        ok += 1;
                    }
                    _ => errors += 1,
                }
                n += 1;
            }
            (hist, ok, errors)
        }));
    }
    Report::gather(tasks, start).await
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn seba(bin: &Path, data: &Path, db: Option<&str>, search: bool) -> Command {
    let mut c = Command::new(bin);
    c.env(
        "SEBA_SEARCH__ENABLED",
        if search { "true" } else { "false" },
    );
    c.arg("--data-dir")
        .arg(data)
        // The server's own log level: warn unless SEBA_LOG says otherwise.
        .env(
            "SEBA_LOG",
            std::env::var("SEBA_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .env("SEBA_APP__PEPPER", "bench-pepper-0123456789abcdef");
    if let Some(db) = db {
        c.arg("--database-url").arg(db);
    }
    c
}

fn start(bin: &Path, data: &Path, db: Option<&str>, search: bool) -> anyhow::Result<Server> {
    use std::io::BufRead;
    let mut child = seba(bin, data, db, search)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().context("stdout")?;
    let mut line = String::new();
    std::io::BufReader::new(stdout).read_line(&mut line)?;
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .context("no listening line")?
        .to_string();
    Ok(Server { child, url })
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Build the release binary and return its path.
fn build_release() -> anyhow::Result<PathBuf> {
    let root = workspace_root();
    let status = Command::new("cargo")
        .args(["build", "--release", "-p", "seba"])
        .current_dir(&root)
        .status()?;
    if !status.success() {
        bail!("building seba failed");
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    Ok(target.join("release/seba"))
}

async fn bench(args: &Args) -> anyhow::Result<()> {
    let bin = build_release()?;
    let data = std::env::temp_dir().join(format!("seba-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let db = args.get("--database-url");
    let seconds = args.num("--seconds", 20);
    let connections = args.num("--connections", 64) as usize;
    let seed = args.num("--seed", 1_000_000);
    let search = args.0.iter().any(|a| a == "--search");

    let out = seba(&bin, &data, db.as_deref(), search)
        .args(["user", "add", "bench", "--name", "Bench", "--role", "admin"])
        .env("SEBA_NEW_PASSWORD", "load-test-password-123456")
        .output()?;
    if !out.status.success() {
        bail!("seba user add: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = seba(&bin, &data, db.as_deref(), search)
        .args(["token", "create", "bench"])
        .output()?;
    let token = String::from_utf8(out.stdout)?.trim().to_string();
    let server = start(&bin, &data, db.as_deref(), search)?;
    println!(
        "machine: {} cores; engine: {}; search index: {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        if db.is_some() { "postgres" } else { "sqlite" },
        if search { "on" } else { "off" }
    );

    // Warm up, then measure intake.
    intake(&server.url, &token, connections, Duration::from_secs(2), 0).await?;
    let r = intake(
        &server.url,
        &token,
        connections,
        Duration::from_secs(seconds),
        1_000_000_000,
    )
    .await?;
    r.print("intake (POST /api/v1/cases, fsync-durable)");
    if search {
        // The index keeps up: a case filed right after the burst is found this soon.
        search_bench::visibility(&server.url, &token, 5).await?;
    }

    // Fill the store to `seed` cases, then measure listings.
    let mut have = r.ok + 2 * 5000;
    let mut offset = 2_000_000_000;
    while have < seed {
        let fill = intake(
            &server.url,
            &token,
            connections,
            Duration::from_secs(30),
            offset,
        )
        .await?;
        have += fill.ok;
        offset += 1_000_000_000;
        println!("  filled to about {have} cases");
    }
    let l = listing(&server.url, &token, 8, Duration::from_secs(seconds)).await?;
    l.print(&format!(
        "queue listing with filters at ~{have} cases (GET /api/v1/cases)"
    ));
    println!(
        "server RSS after the run: {:.0} MiB",
        rss_mib(server.child.id())
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}
