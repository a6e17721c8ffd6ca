//! `cargo xtask pin-bench`: wallet PIN verification and the self PIN reset, on a release
//! build and the embedded store.
//!
//! 1. **argon2** (in-process): `App::pin_matches` — the very hasher and parameters the
//!    application uses ([`seba_app::wallet::PIN_HASH_COST`], the server's pepper as
//!    argon2's secret) — against one PIN hash, right and wrong PINs alternating, from 1 and
//!    then 2 threads for `--seconds` each: verifications per second, per core, and the
//!    latency of each verification (p50/p99/max).
//! 2. **The reset over HTTP**: `--accounts` wallet accounts are stored in-process first
//!    (one PIN hash shared by all, so seeding costs one argon2 hash; each account its own
//!    NID hash and six recent transactions), with an admin (to read the SMS sink) and an
//!    agent-role "gateway" user (to verify PINs), each with an API token. Each account
//!    has `--history` earlier PINs (3 unless told: the most a confirm checks a new PIN
//!    against, besides the current one — the costly case). Then a release
//!    `seba serve` (search off, the public rate limit lifted with `SEBA_PUBLIC_PER_MINUTE`:
//!    every customer here is one address) and complete flows, each on a fresh account, from
//!    1 and then 4 concurrent customers for `--flow-seconds` each:
//!    `POST /api/v1/pin-reset` → `POST /api/v1/pin-reset/identity` (the NID, the date of
//!    birth, and the one choice that is the customer's own transaction) → the temporary
//!    PIN read from the store's SMS sink over `GET /api/v1/admin/sms?to=…` → `POST
//!    /api/v1/pin-reset/confirm` → `POST /api/v1/wallet/pin/verify` with the new PIN (must
//!    be `right`). A flow's time is its 5 requests end to end; the wait for the notifier and
//!    the delivery worker to put the SMS in the sink (the "SMS gateway", polled every 10 ms)
//!    is left out and reported on its own.
//! 3. **Enumeration** (`--enumeration`; skips 1, and 2's flows unless `--flows` is also
//!    given): against the same server, one request at a time, interleaved in a random
//!    order, `--probes` (2,000) of each of four kinds, every one on a number not used
//!    before (so no per-number limit interferes): `POST /api/v1/pin-reset` for a number
//!    with an account and for one without, and `POST /api/v1/pin-reset/identity` with a
//!    wrong NID (right date of birth, choice 0) after an untimed start, for a number with
//!    an account and for one without. Each pair's status must be the same (201, 422);
//!    p50/p90/p99 of each kind, and per pair the difference of medians with a bootstrap
//!    95% interval and a Mann–Whitney U z-score.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use serde_json::{Value, json};

use seba_app::App;
use seba_app::cases::Caller;
use seba_app::random::OsRandom;
use seba_app::settings::Secret;
use seba_core::clock::SystemClock;
use seba_core::staff::Role;
use seba_core::wallet::{Nid, Pin};
use seba_store::{WalletAccountRecord, WalletTransactionRecord};

use crate::{Args, Server, build_release, rss_mib, seba};

/// The pepper `seba()` gives the server; the in-process app must hash with the same one.
const PEPPER: &str = "bench-pepper-0123456789abcdef";
const PASSWORD: &str = "load-test-password-123456";
const DOB: &str = "1990-03-25";
const CURRENT: &str = "48213";
const WRONG: &str = "13579";
const NEW: &str = "70519";
/// Every account's recent transactions: (kind, poisha), newest first.
const TXS: &[(&str, i64)] = &[
    ("cash_out", 200_000),
    ("cash_in", 500_000),
    ("send_money", 125_000),
    ("recharge", 9_900),
    ("payment", 34_750),
    ("send_money", 70_000),
];

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("histogram bounds")
}

/// Microseconds at `q`, as milliseconds.
fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

fn micros(d: Duration) -> u64 {
    d.as_micros().max(1) as u64
}

async fn app_on(data: &Path) -> anyhow::Result<App> {
    std::fs::create_dir_all(data)?;
    let store = seba_store::open(&data.join("seba.db").display().to_string())
        .await
        .with_context(|| format!("opening the store in {}", data.display()))?;
    let app = App::new(
        store,
        Arc::new(SystemClock),
        Arc::new(OsRandom),
        seba_app::AppSettings {
            pepper: Secret::new(PEPPER),
            ..seba_app::AppSettings::default()
        },
    );
    app.bootstrap()
        .await
        .map_err(|e| anyhow::anyhow!("bootstrap: {e}"))?;
    Ok(app)
}

fn pin(s: &str) -> anyhow::Result<Pin> {
    Pin::parse(s).map_err(|e| anyhow::anyhow!("{s}: {e}"))
}

// ---------------------------------------------------------------------------------------
// 1. argon2
// ---------------------------------------------------------------------------------------

fn argon2(app: &App, seconds: u64) -> anyhow::Result<()> {
    let (m, t, p) = seba_app::wallet::PIN_HASH_COST;
    println!(
        "argon2id PIN verification, `App::pin_matches` in-process ({} MiB, {t} passes, {p} lane, peppered):",
        m / 1024
    );
    let (right, wrong) = (pin(CURRENT)?, pin(WRONG)?);
    let hash = app
        .hash_pin(&right)
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    // Warm up (page in the memory argon2 fills, let the clock settle).
    for _ in 0..20 {
        app.pin_matches(&hash, &right);
    }
    for threads in [1usize, 2] {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let start = Instant::now();
        let workers: Vec<_> = (0..threads)
            .map(|i| {
                let (app, hash, right, wrong) =
                    (app.clone(), hash.clone(), right.clone(), wrong.clone());
                std::thread::spawn(move || {
                    let mut h = histogram();
                    let mut n = i;
                    while Instant::now() < deadline {
                        let (p, expect) = if n % 2 == 0 {
                            (&right, true)
                        } else {
                            (&wrong, false)
                        };
                        let t = Instant::now();
                        let got = app.pin_matches(&hash, p);
                        h.record(micros(t.elapsed())).ok();
                        assert_eq!(got, expect, "a PIN verified wrongly");
                        n += 1;
                    }
                    h
                })
            })
            .collect();
        let mut all = histogram();
        for w in workers {
            let h = w.join().map_err(|_| anyhow::anyhow!("a worker panicked"))?;
            all.add(&h)?;
        }
        let secs = start.elapsed().as_secs_f64();
        let rate = all.len() as f64 / secs;
        println!(
            "  {threads} thread(s): {} verifications in {secs:.1} s = {rate:.1}/s, {:.1}/s per core; latency ms p50 {:.1} p99 {:.1} max {:.1}",
            all.len(),
            rate / threads as f64,
            ms(&all, 0.5),
            ms(&all, 0.99),
            all.max() as f64 / 1000.0
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 2. The reset over HTTP
// ---------------------------------------------------------------------------------------

/// The `i`-th account's number (national form) and NID.
fn account(i: usize) -> (String, String) {
    (
        format!("0171{i:07}"),
        format!("{:010}", 5_000_000_000u64 + i as u64),
    )
}

/// Earlier PINs an account may carry (a new PIN is checked against each).
const EARLIER: [&str; 3] = ["52814", "63925", "74036"];

/// Store `n` accounts (one shared PIN hash, `history` shared earlier ones) and the two
/// staff tokens: (admin, gateway).
async fn seed(app: &App, n: usize, history: usize) -> anyhow::Result<(String, String)> {
    let err = |e: seba_app::AppError| anyhow::anyhow!("{e}");
    let start = Instant::now();
    let pin_hash = app.hash_pin(&pin(CURRENT)?).map_err(err)?;
    let pin_history = EARLIER[..history.min(EARLIER.len())]
        .iter()
        .map(|p| app.hash_pin(&pin(p)?).map_err(err))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let dob: jiff::civil::Date = DOB.parse()?;
    let now = app.now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let mut accounts = Vec::with_capacity(chunk.len());
        let mut txs = Vec::with_capacity(chunk.len() * TXS.len());
        for &i in chunk {
            let (number, nid) = account(i);
            let e164 = seba_core::contact::Msisdn::parse(&number)
                .map_err(|e| anyhow::anyhow!("{number}: {e}"))?
                .as_e164()
                .to_string();
            let nid = Nid::parse(&nid).map_err(|e| anyhow::anyhow!("{nid}: {e}"))?;
            accounts.push(WalletAccountRecord {
                msisdn: e164.clone(),
                name: format!("Bench Customer {i}"),
                nid_hash: app.nid_hash(&nid),
                date_of_birth: dob,
                status: "active".into(),
                pin_hash: pin_hash.clone(),
                pin_history: pin_history.clone(),
                failed_pins: 0,
                locked_until: None,
                lock_count: 0,
                pin_changed_at: None,
                version: 1,
            });
            for (j, (kind, amount)) in TXS.iter().enumerate() {
                txs.push(WalletTransactionRecord {
                    msisdn: e164.clone(),
                    id: format!("B{i:07}T{j}"),
                    kind: (*kind).into(),
                    amount_poisha: *amount,
                    at: now - jiff::SignedDuration::from_hours(3 * (j as i64 + 1)),
                });
            }
        }
        app.store.upsert_wallet_accounts(accounts).await?;
        app.store.add_wallet_transactions(txs).await?;
    }
    let mut tokens = Vec::new();
    for (user, role) in [("bench-admin", Role::Admin), ("bench-gateway", Role::Agent)] {
        app.add_user(user, user, role, PASSWORD, Caller::system())
            .await
            .map_err(err)?;
        tokens.push(
            app.create_token(user, "pin bench", Caller::system())
                .await
                .map_err(err)?,
        );
    }
    println!(
        "seeded {n} wallet accounts ({} transactions, {} earlier PINs each) in {:.1} s",
        n * TXS.len(),
        pin_history.len(),
        start.elapsed().as_secs_f64()
    );
    Ok((tokens.remove(0), tokens.remove(0)))
}

/// `seba serve` with the public rate limit lifted: every customer here is one address.
fn serve(bin: &Path, data: &Path) -> anyhow::Result<Server> {
    use std::io::BufRead;
    let mut child = seba(bin, data, None, false)
        .env("SEBA_PUBLIC_PER_MINUTE", "1000000000")
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

/// The five requests of one flow, the whole, and the SMS wait left out of it.
const STEPS: [&str; 5] = ["start", "identity", "read SMS", "confirm", "verify"];

#[derive(Default)]
struct Timing {
    steps: [u64; 5],
    sms_wait: u64,
}

struct Ctx {
    client: reqwest::Client,
    url: String,
    admin: String,
    gateway: String,
}

async fn send(
    rb: reqwest::RequestBuilder,
    want: u16,
    what: &str,
) -> anyhow::Result<(Value, Duration)> {
    let t = Instant::now();
    let res = rb.send().await.with_context(|| what.to_string())?;
    let status = res.status().as_u16();
    let text = res.text().await?;
    let took = t.elapsed();
    if status != want {
        bail!("{what}: {status} {text}");
    }
    Ok((serde_json::from_str(&text).unwrap_or(Value::Null), took))
}

/// One customer's whole reset, on account `i`.
async fn flow(ctx: &Ctx, i: usize) -> anyhow::Result<Timing> {
    let (number, nid) = account(i);
    let mut timing = Timing::default();
    let post = |path: &str| ctx.client.post(format!("{}{path}", ctx.url));

    let (started, took) = send(
        post("/api/v1/pin-reset").json(&json!({ "msisdn": number })),
        201,
        "start",
    )
    .await?;
    timing.steps[0] = micros(took);
    let token = started["token"].as_str().context("a token")?.to_string();
    let choice = started["choices"]
        .as_array()
        .context("choices")?
        .iter()
        .position(|c| {
            TXS.iter()
                .any(|(k, a)| c["kind"] == json!(k) && c["amount_poisha"] == json!(a))
        })
        .context("no choice is the customer's")?;

    let (_, took) = send(
        post("/api/v1/pin-reset/identity").json(&json!({
            "token": token, "nid": nid, "date_of_birth": DOB, "choice": choice,
        })),
        200,
        "identity",
    )
    .await?;
    timing.steps[1] = micros(took);

    // The SMS sink fills when the notifier and the delivery worker have run: wait for it
    // (not counted), count the read that finds it.
    let waiting = Instant::now();
    let temporary = loop {
        let (sent, took) = send(
            ctx.client
                .get(format!("{}/api/v1/admin/sms?to={number}", ctx.url))
                .bearer_auth(&ctx.admin),
            200,
            "read SMS",
        )
        .await?;
        let found = sent.as_array().and_then(|a| {
            a.iter().find_map(|s| {
                let body = s["body"].as_str()?;
                let digits: String = body
                    .split("PIN is ")
                    .nth(1)?
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                (digits.len() == 5).then_some(digits)
            })
        });
        if let Some(t) = found {
            timing.steps[2] = micros(took);
            timing.sms_wait = micros(waiting.elapsed().saturating_sub(took));
            break t;
        }
        if waiting.elapsed() > Duration::from_secs(30) {
            bail!("no temporary PIN in the SMS sink after 30 s");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };

    let (_, took) = send(
        post("/api/v1/pin-reset/confirm").json(&json!({
            "token": token, "temporary_pin": temporary, "new_pin": NEW, "new_pin_again": NEW,
        })),
        204,
        "confirm",
    )
    .await?;
    timing.steps[3] = micros(took);

    let (verdict, took) = send(
        post("/api/v1/wallet/pin/verify")
            .bearer_auth(&ctx.gateway)
            .json(&json!({ "msisdn": number, "pin": NEW })),
        200,
        "verify",
    )
    .await?;
    timing.steps[4] = micros(took);
    if verdict["result"] != "right" {
        bail!("the new PIN was not accepted: {verdict}");
    }
    Ok(timing)
}

struct Run {
    flows: Histogram<u64>,
    steps: Vec<Histogram<u64>>,
    sms_wait: Histogram<u64>,
    errors: u64,
    elapsed: Duration,
}

/// Flows from `customers` at once for `duration`, each on the next unused account.
async fn customers(
    ctx: Arc<Ctx>,
    next: Arc<AtomicUsize>,
    accounts: usize,
    customers: usize,
    duration: Duration,
) -> anyhow::Result<Run> {
    let deadline = Instant::now() + duration;
    let start = Instant::now();
    let tasks: Vec<_> = (0..customers)
        .map(|_| {
            let (ctx, next) = (ctx.clone(), next.clone());
            tokio::spawn(async move {
                let mut flows = histogram();
                let mut steps: Vec<Histogram<u64>> = STEPS.iter().map(|_| histogram()).collect();
                let mut sms_wait = histogram();
                let mut errors = 0u64;
                while Instant::now() < deadline {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= accounts {
                        eprintln!("out of accounts: raise --accounts");
                        break;
                    }
                    match flow(&ctx, i).await {
                        Ok(t) => {
                            flows.record(t.steps.iter().sum::<u64>()).ok();
                            for (h, us) in steps.iter_mut().zip(t.steps) {
                                h.record(us).ok();
                            }
                            sms_wait.record(t.sms_wait).ok();
                        }
                        Err(e) => {
                            errors += 1;
                            if errors < 3 {
                                eprintln!("flow {i}: {e:#}");
                            }
                        }
                    }
                }
                (flows, steps, sms_wait, errors)
            })
        })
        .collect();
    let mut run = Run {
        flows: histogram(),
        steps: STEPS.iter().map(|_| histogram()).collect(),
        sms_wait: histogram(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for t in tasks {
        let (flows, steps, sms_wait, errors) = t.await?;
        run.flows.add(&flows)?;
        for (all, one) in run.steps.iter_mut().zip(&steps) {
            all.add(one)?;
        }
        run.sms_wait.add(&sms_wait)?;
        run.errors += errors;
    }
    run.elapsed = start.elapsed();
    Ok(run)
}

// ---------------------------------------------------------------------------------------
// 3. Enumeration: does the reset's timing tell a customer from a stranger?
// ---------------------------------------------------------------------------------------

/// A small xorshift generator: the probe order and the bootstrap need no more.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The `i`-th number that has no account (another operator prefix than `account`'s).
fn stranger(i: usize) -> String {
    format!("0181{i:07}")
}

/// Median of sorted microseconds, as milliseconds.
fn median_ms(sorted: &[u64]) -> f64 {
    let n = sorted.len();
    let m = if n % 2 == 1 {
        sorted[n / 2] as f64
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0
    };
    m / 1000.0
}

/// Mann–Whitney U z-score (normal approximation, ties corrected) of `a` against `b`
/// (positive: `a` tends slower), and U / (n_a n_b), the chance an `a` is slower than a `b`.
fn mann_whitney(a: &[u64], b: &[u64]) -> (f64, f64) {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let mut all: Vec<(u64, bool)> = a
        .iter()
        .map(|&v| (v, true))
        .chain(b.iter().map(|&v| (v, false)))
        .collect();
    all.sort_unstable_by_key(|&(v, _)| v);
    let n = all.len() as f64;
    let (mut rank_a, mut ties, mut i) = (0.0, 0.0, 0);
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        let rank = (i + 1 + j) as f64 / 2.0;
        let t = (j - i) as f64;
        ties += t * t * t - t;
        rank_a += rank * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let u = rank_a - n1 * (n1 + 1.0) / 2.0;
    let sigma = (n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)))).sqrt();
    ((u - n1 * n2 / 2.0) / sigma, u / (n1 * n2))
}

/// 95% bootstrap interval of median(a) − median(b), milliseconds.
fn bootstrap(a: &[u64], b: &[u64], rng: &mut Rng) -> (f64, f64) {
    let mut diffs: Vec<f64> = (0..2000)
        .map(|_| {
            let mut ra: Vec<u64> = (0..a.len()).map(|_| a[rng.below(a.len())]).collect();
            let mut rb: Vec<u64> = (0..b.len()).map(|_| b[rng.below(b.len())]).collect();
            ra.sort_unstable();
            rb.sort_unstable();
            median_ms(&ra) - median_ms(&rb)
        })
        .collect();
    diffs.sort_by(f64::total_cmp);
    (diffs[50], diffs[1949])
}

#[derive(Clone, Copy)]
enum Probe {
    Start { known: bool, i: usize },
    Identity { known: bool, i: usize },
}

/// One probe: its time (the identity step only, after an untimed start).
async fn probe(ctx: &Ctx, p: Probe) -> anyhow::Result<u64> {
    let post = |path: &str| ctx.client.post(format!("{}{path}", ctx.url));
    let number = |known: bool, i: usize| if known { account(i).0 } else { stranger(i) };
    match p {
        Probe::Start { known, i } => {
            let (_, took) = send(
                post("/api/v1/pin-reset").json(&json!({ "msisdn": number(known, i) })),
                201,
                "start",
            )
            .await?;
            Ok(micros(took))
        }
        Probe::Identity { known, i } => {
            let (started, _) = send(
                post("/api/v1/pin-reset").json(&json!({ "msisdn": number(known, i) })),
                201,
                "start before identity",
            )
            .await?;
            let token = started["token"].as_str().context("a token")?;
            // Wrong NID (no account has this one), right date of birth, the first choice.
            let (_, took) = send(
                post("/api/v1/pin-reset/identity").json(&json!({
                    "token": token, "nid": "9999999999", "date_of_birth": DOB, "choice": 0,
                })),
                422,
                "identity (wrong answer)",
            )
            .await?;
            Ok(micros(took))
        }
    }
}

/// `probes` of each kind, interleaved at random; the accounts used are `first..first +
/// 2 * probes`. Returns the next unused account.
async fn enumeration(ctx: &Ctx, first: usize, probes: usize) -> anyhow::Result<usize> {
    println!(
        "enumeration over HTTP: one request at a time, {probes} of each kind in a random order, each on a number not used before:"
    );
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ std::process::id() as u64);
    // Warm up on numbers of both kinds that the measured probes do not use.
    for k in 0..100 {
        let i = first + 2 * probes + k;
        probe(ctx, Probe::Start { known: false, i }).await?;
        probe(
            ctx,
            Probe::Identity {
                known: false,
                i: i + 100,
            },
        )
        .await?;
    }
    let mut order: Vec<(usize, Probe)> = Vec::with_capacity(4 * probes);
    for k in 0..probes {
        order.push((
            0,
            Probe::Start {
                known: true,
                i: first + k,
            },
        ));
        order.push((
            1,
            Probe::Start {
                known: false,
                i: first + k,
            },
        ));
        order.push((
            2,
            Probe::Identity {
                known: true,
                i: first + probes + k,
            },
        ));
        order.push((
            3,
            Probe::Identity {
                known: false,
                i: first + probes + k,
            },
        ));
    }
    for k in (1..order.len()).rev() {
        let j = rng.below(k + 1);
        order.swap(k, j);
    }
    let mut samples: [Vec<u64>; 4] = Default::default();
    let start = Instant::now();
    for (kind, p) in order {
        samples[kind].push(probe(ctx, p).await?);
    }
    for s in &mut samples {
        s.sort_unstable();
    }
    println!(
        "  {} probes in {:.1} s, no errors; every pair answered with the same status",
        4 * probes,
        start.elapsed().as_secs_f64()
    );
    const KINDS: [&str; 4] = [
        "start, account",
        "start, no account",
        "identity wrong, account",
        "identity wrong, no account",
    ];
    let q = |s: &[u64], f: f64| s[((s.len() as f64 * f) as usize).min(s.len() - 1)] as f64 / 1000.0;
    for (name, s) in KINDS.iter().zip(&samples) {
        println!(
            "    {name:<27} ms p50 {:>6.3}  p90 {:>6.3}  p99 {:>6.3}",
            q(s, 0.5),
            q(s, 0.9),
            q(s, 0.99)
        );
    }
    for (what, a, b) in [
        ("start", &samples[0], &samples[1]),
        ("identity wrong", &samples[2], &samples[3]),
    ] {
        let diff = median_ms(a) - median_ms(b);
        let (lo, hi) = bootstrap(a, b, &mut rng);
        let (z, p_slower) = mann_whitney(a, b);
        println!(
            "  {what}: median(account) - median(no account) = {:+.1} µs (bootstrap 95% {:+.1} to {:+.1} µs); Mann-Whitney z = {z:+.2}, P(account slower) = {p_slower:.3}",
            diff * 1000.0,
            lo * 1000.0,
            hi * 1000.0
        );
    }
    Ok(first + 2 * probes)
}

async fn http(
    data: &Path,
    accounts: usize,
    history: usize,
    seconds: u64,
    probes: Option<usize>,
    flows: bool,
) -> anyhow::Result<()> {
    let bin = build_release()?;
    // The enumeration's registered numbers come first, the flows' after them.
    let reserved = probes.map_or(0, |p| 2 * p);
    let (admin, gateway) = {
        let app = app_on(data).await?;
        seed(&app, reserved + if flows { accounts } else { 0 }, history).await?
    };
    let server = serve(&bin, data)?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(8)
        .build()?;
    // Until it answers.
    let ready = Instant::now();
    while client
        .get(format!("{}/readyz", server.url))
        .send()
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true)
    {
        if ready.elapsed() > Duration::from_secs(30) {
            bail!("the server did not get ready");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rss_at_start = rss_mib(server.child.id());
    let ctx = Arc::new(Ctx {
        client,
        url: server.url.clone(),
        admin,
        gateway,
    });
    let mut next_account = 0;
    if let Some(probes) = probes {
        next_account = enumeration(&ctx, 0, probes).await?;
    }
    if !flows {
        drop(server);
        return Ok(());
    }
    let accounts = next_account + accounts;
    println!(
        "the reset over HTTP: release `seba serve` on SQLite, loopback; each flow on a fresh account, 5 requests \
         (start, identity, read the SMS sink, confirm, verify the new PIN):"
    );
    let next = Arc::new(AtomicUsize::new(next_account));
    // Warm up.
    customers(
        ctx.clone(),
        next.clone(),
        accounts,
        2,
        Duration::from_secs(2),
    )
    .await?;
    for n in [1usize, 4] {
        let run = customers(
            ctx.clone(),
            next.clone(),
            accounts,
            n,
            Duration::from_secs(seconds),
        )
        .await?;
        let done = run.flows.len();
        println!(
            "  {n} customer(s): {done} flows, {} errors in {:.1} s = {:.1} flows/s; flow (5 requests) ms p50 {:.1} p99 {:.1} max {:.1}",
            run.errors,
            run.elapsed.as_secs_f64(),
            done as f64 / run.elapsed.as_secs_f64(),
            ms(&run.flows, 0.5),
            ms(&run.flows, 0.99),
            run.flows.max() as f64 / 1000.0
        );
        for (name, h) in STEPS.iter().zip(&run.steps) {
            println!(
                "    {name:<10} ms p50 {:>6.1}  p99 {:>6.1}",
                ms(h, 0.5),
                ms(h, 0.99)
            );
        }
        println!(
            "    (not counted: waiting for the SMS to reach the sink, ms p50 {:.0} p99 {:.0})",
            ms(&run.sms_wait, 0.5),
            ms(&run.sms_wait, 0.99)
        );
    }
    println!(
        "  server RSS: {rss_at_start:.0} MiB when ready, {:.0} MiB after the run",
        rss_mib(server.child.id())
    );
    drop(server);
    Ok(())
}

pub(crate) async fn run(args: &Args) -> anyhow::Result<()> {
    let seconds = args.num("--seconds", 10);
    let flow_seconds = args.num("--flow-seconds", 15);
    let accounts = args.num("--accounts", 3000) as usize;
    let history = args.num("--history", 3) as usize;
    let data = std::env::temp_dir().join(format!("seba-pin-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    println!(
        "machine: {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    let flag = |name: &str| args.0.iter().any(|a| a == name);
    // `--enumeration` alone: only the enumeration phase; with `--flows`, the flows too.
    let probes = flag("--enumeration").then(|| args.num("--probes", 2000) as usize);
    let flows = probes.is_none() || flag("--flows");
    let outcome = async {
        if probes.is_none() {
            let app = app_on(&data).await?;
            argon2(&app, seconds)?;
        }
        if !flag("--no-http") {
            http(&data, accounts, history, flow_seconds, probes, flows).await?;
        }
        anyhow::Ok(())
    }
    .await;
    let _ = std::fs::remove_dir_all(&data);
    outcome
}
