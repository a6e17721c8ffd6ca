//! `cargo xtask claims-bench`: the e-commerce complaint cell at scale, on a release build
//! and the embedded store.
//!
//! 1. **Fill** (skipped when `--data DIR` already holds a store filled with the same
//!    `--claims` and `--merchants`): in this process, through the application as the
//!    server runs it (`seba_store::open`, `App::new`, `App::bootstrap`), `--merchants`
//!    (2,000) merchants with `App::add_merchant` ("Shop 1" … "Shop 2000"), then `--claims`
//!    (500,000) claims with `App::file_claim` — 64 in flight, so the SQLite writer groups
//!    their commits as it does for concurrent requests — each a case in the e-commerce
//!    cell's queue with its claim row, message, audit event and outbox row. The claims are
//!    spread over the merchants like collapsed shops' victims: three giants take 18%, 14%
//!    and 11% (90,000, 70,000 and 55,000 of 500,000), the rest fall off as 1/rank (rank 4
//!    about 11,000, rank 2,000 about 20). Claimants come from a pool of 3/5 as many
//!    numbers (so some have several claims), orders are dated in 2021 (so every open claim
//!    has missed its deadlines), 70% were never delivered, 15% were partly refunded or
//!    refunded in full. Then the benchmark's admin is added with `seba user add`.
//! 2. **The store, in-process**: every merchant's numbers at once
//!    (`ClaimStore::merchant_summaries`) and one merchant's (`merchant_summary`, the
//!    biggest and a small one), timed, before the server starts. The filled claims'
//!    acknowledgement SMS are not sent: the notifier's cursor is moved past the fill's
//!    outbox rows (claims this old were acknowledged long ago; a live cell has no backlog
//!    of half a million SMS), and the count skipped is printed.
//! 3. **Over HTTP** (release `seba serve`, search off, a bearer token from `seba token
//!    create admin`): `GET /api/v1/merchants/{id}/summary` from 1 and then 8 connections
//!    for `--seconds` each, half the requests for a merchant drawn uniformly and half for
//!    one drawn by its number of claims (so the giants are asked about often), every
//!    answer checked against the store's count; p50/p99/max overall and per merchant size.
//!    Then `GET /api/v1/merchants` (the whole registry), and every merchant's summary once
//!    (1 and 8 connections), timed as a whole.
//! 4. **Import**: `POST /api/v1/claims/import` with a generated CSV of `--import-rows`
//!    (50,000) valid rows against the registry's merchants (same spread) and five names
//!    it does not know (10 rows each); rows/s over the whole request, with the server's
//!    CPU by thread and the bytes it wrote (`/proc/<pid>/task/*/stat`, `/proc/<pid>/io`).
//!    Then the same file again: it must add nothing.
//!
//! `--no-build` uses the release binary already built.

use std::path::{Path, PathBuf};
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
use seba_core::case::Channel;
use seba_core::clock::SystemClock;

use crate::ussd_bench::cpu_time;
use crate::{Args, Report, build_release, rss_mib, seba, start};

/// The pepper `seba()` gives the CLI and the server.
const PEPPER: &str = "bench-pepper-0123456789abcdef";
const PASSWORD: &str = "load-test-password-123456";
const USER: &str = "admin";
/// Claims filed at once during the fill (as many as an import files at once).
const IN_FLIGHT: usize = 64;
/// The giants' shares of all claims; the other merchants share the rest as 1/rank.
const HEAD: [f64; 3] = [0.18, 0.14, 0.11];
/// The notifier's consumer name (`seba_channels::notifier::CONSUMER`).
const NOTIFIER: &str = "notifier";

/// The import file's header, and `ClaimInput`'s field names for the same columns (xtask
/// does not depend on `seba-claims`: the fill's inputs are built from their serde form).
const CSV_COLUMNS: [&str; 12] = [
    "claimant_mobile",
    "claimant_name",
    "district",
    "merchant",
    "order_id",
    "order_date",
    "product",
    "amount_paid",
    "payment_method",
    "gateway",
    "delivery_status",
    "amount_refunded",
];
const INPUT_FIELDS: [&str; 12] = [
    "claimant_msisdn",
    "claimant_name",
    "district",
    "merchant",
    "order_id",
    "order_date",
    "product",
    "amount_paid",
    "payment_method",
    "gateway",
    "delivery",
    "amount_refunded",
];

const NAMES: &[&str] = &[
    "Rahim Uddin",
    "Karim Ahmed",
    "Nasrin Akter",
    "Shirin Sultana",
    "Abdul Kader",
    "Farhana Islam",
    "Mizanur Rahman",
    "Taslima Begum",
    "Jahid Hasan",
    "Sumaiya Khatun",
    "মোঃ রফিকুল ইসলাম",
    "সালমা বেগম",
];
const PRODUCTS: &[&str] = &[
    "Motorcycle",
    "Refrigerator",
    "Smartphone",
    "LED TV 43 inch",
    "Air conditioner",
    "Laptop",
    "Washing machine",
    "Gift card",
    "Grocery pack",
    "মোটরসাইকেল",
    "ফ্রিজ",
];
const METHODS: &[&str] = &["bkash", "nagad", "card", "cod", "rocket"];
/// Names the registry does not know, each on 10 rows of the import.
const NEW_NAMES: [&str; 5] = [
    "Ghorer Bazar Deals",
    "Quick Kena Kata",
    "Sasta Dam Mart",
    "Megh Bazar",
    "Dhaka Deal Hub",
];

/// splitmix64: every claim's fields from its number, the same on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// Cumulative shares of merchant ranks 1..=m (the last is 1).
fn spread(m: usize) -> Vec<f64> {
    let tail: f64 = (HEAD.len() + 1..=m).map(|k| 1.0 / k as f64).sum();
    let head: f64 = HEAD.iter().take(m).sum();
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = (1..=m)
        .map(|k| {
            acc += match HEAD.get(k - 1) {
                Some(h) => *h,
                None => (1.0 - head) / k as f64 / tail,
            };
            acc
        })
        .collect();
    let total = acc.max(f64::MIN_POSITIVE);
    for c in &mut cdf {
        *c /= total;
    }
    cdf
}

/// The 0-based rank a uniform draw falls on.
fn rank_of(cdf: &[f64], u: f64) -> usize {
    cdf.partition_point(|&c| c <= u)
        .min(cdf.len().saturating_sub(1))
}

/// What the claims are made of.
struct Gen {
    cdf: Vec<f64>,
    districts: Vec<String>,
    claimants: u64,
}

impl Gen {
    fn new(merchants: usize, claims: u64) -> Gen {
        Gen {
            cdf: spread(merchants),
            districts: seba_geo::Geography::bangladesh()
                .districts()
                .iter()
                .map(|d| d.name_en.clone())
                .collect(),
            claimants: (claims * 3 / 5).max(1),
        }
    }

    /// Claim `i`'s fields in [`CSV_COLUMNS`] order; its order id is `{prefix}{i}`, its
    /// merchant `merchant` if given, else a registry name drawn by the spread.
    fn row(&self, i: u64, prefix: &str, merchant: Option<String>) -> anyhow::Result<[String; 12]> {
        let mut rng = Rng::new(i ^ prefix.len() as u64 ^ 0x5EBA);
        let c = rng.below(self.claimants);
        let mobile = format!("01{}{:08}", 3 + c % 7, c / 7);
        let name = (*rng.pick(NAMES)).to_string();
        let district = if rng.below(5) < 2 {
            "Dhaka".to_string()
        } else {
            rng.pick(&self.districts).clone()
        };
        let merchant =
            merchant.unwrap_or_else(|| format!("Shop {}", rank_of(&self.cdf, rng.unit()) + 1));
        let day = rng.below(365) as i64;
        let order_date = jiff::civil::date(2021, 1, 1)
            .checked_add(jiff::Span::new().days(day))
            .context("order date")?
            .to_string();
        let product = (*rng.pick(PRODUCTS)).to_string();
        let paid = 500 + rng.below(199_501);
        let method = *rng.pick(METHODS);
        let gateway = if method == "card" { "SSLCommerz" } else { "" };
        let delivery = match rng.below(10) {
            0..=6 => "not delivered",
            7 => "partly delivered",
            8 => "wrong item",
            _ => "delivered",
        };
        let refunded = match rng.below(20) {
            0..=16 => 0,
            17 | 18 => paid / 2,
            _ => paid,
        };
        Ok([
            mobile,
            name,
            district,
            merchant,
            format!("{prefix}{i}"),
            order_date,
            product,
            paid.to_string(),
            method.to_string(),
            gateway.to_string(),
            delivery.to_string(),
            refunded.to_string(),
        ])
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("histogram bounds")
}

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

fn micros(d: Duration) -> u64 {
    d.as_micros().max(1) as u64
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".into())
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

// ---------------------------------------------------------------------------------------
// 1. Fill
// ---------------------------------------------------------------------------------------

async fn fill(app: &App, claims: u64, merchants: usize) -> anyhow::Result<()> {
    let geo = seba_geo::Geography::bangladesh();
    let districts: Vec<u16> = geo.districts().iter().map(|d| d.id.0).collect();
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    let mut next = 0usize;
    loop {
        while set.len() < IN_FLIGHT && next < merchants {
            let k = next + 1;
            next += 1;
            let names = serde_json::from_value(json!({
                "legal_bn": "",
                "legal_en": format!("Shop {k} Limited"),
                "trade_bn": "",
                "trade_en": format!("Shop {k}"),
                "aliases": [],
                "web": [format!("shop{k}.com.bd")],
            }))?;
            let status = serde_json::from_value(json!(if k <= HEAD.len() {
                "in_liquidation"
            } else {
                "operating"
            }))?;
            let district = districts[k % districts.len()];
            let app = app.clone();
            set.spawn(async move {
                app.add_merchant(names, None, Some(district), status, Caller::system())
                    .await
                    .map(|_| ())
                    .map_err(|e| anyhow::anyhow!("adding merchant {k}: {e}"))
            });
        }
        match set.join_next().await {
            Some(r) => r??,
            None => break,
        }
    }
    println!(
        "added {merchants} merchants (App::add_merchant, {IN_FLIGHT} at once) in {:.2} s",
        start.elapsed().as_secs_f64()
    );

    let generator = Arc::new(Gen::new(merchants, claims));
    let wrote = written("self");
    let start = Instant::now();
    let mut lap = Instant::now();
    let (mut filed, mut added_to, mut failed) = (0u64, 0u64, 0u64);
    let mut next = 0u64;
    let mut set = tokio::task::JoinSet::new();
    loop {
        while set.len() < IN_FLIGHT && next < claims {
            let i = next;
            next += 1;
            let row = generator.row(i, "B-", None)?;
            let fields: serde_json::Map<String, Value> = INPUT_FIELDS
                .iter()
                .zip(row)
                .map(|(k, v)| ((*k).to_string(), Value::String(v)))
                .collect();
            let input = serde_json::from_value(Value::Object(fields))?;
            let app = app.clone();
            set.spawn(async move {
                app.file_claim(&input, Channel::Web, Caller::customer(), None)
                    .await
                    .map(|f| f.added_to || f.new_merchant)
                    .map_err(|e| format!("claim {i}: {e}"))
            });
        }
        let Some(done) = set.join_next().await else {
            break;
        };
        match done? {
            Ok(odd) => {
                filed += 1;
                added_to += u64::from(odd);
            }
            Err(e) => {
                failed += 1;
                if failed <= 5 {
                    eprintln!("{e}");
                }
                if failed > 100 {
                    bail!("too many claims refused");
                }
            }
        }
        if filed.is_multiple_of(50_000) && filed > 0 {
            println!(
                "  filed {filed} claims, {:.0}/s over the last 50,000 (load {})",
                50_000.0 / lap.elapsed().as_secs_f64(),
                load_avg()
            );
            lap = Instant::now();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "filed {filed} claims (App::file_claim, {IN_FLIGHT} in flight) in {secs:.1} s = {:.0}/s; {failed} refused, {added_to} added to another or naming an unknown merchant",
        filed as f64 / secs
    );
    if let Some(bytes) = wrote.zip(written("self")).map(|(a, b)| b.saturating_sub(a)) {
        println!(
            "  written by the fill: {:.0} MiB, {:.1} KiB per claim",
            mib(bytes),
            bytes as f64 / 1024.0 / filed.max(1) as f64
        );
    }
    if added_to > 0 {
        bail!("the fill's claims should all be new, against known merchants");
    }
    let registry = app.store.merchants().await?.len();
    if registry != merchants {
        bail!("the registry holds {registry} merchants, not {merchants}");
    }
    Ok(())
}

fn add_user(bin: &Path, data: &Path) -> anyhow::Result<()> {
    let out = seba(bin, data, None, false)
        .args(["user", "add", USER, "--name", "A", "--role", "admin"])
        .env("SEBA_NEW_PASSWORD", PASSWORD)
        .output()?;
    if !out.status.success() {
        bail!("seba user add: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

fn token(bin: &Path, data: &Path) -> anyhow::Result<String> {
    let out = seba(bin, data, None, false)
        .args(["token", "create", USER])
        .output()?;
    if !out.status.success() {
        bail!(
            "seba token create: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

// ---------------------------------------------------------------------------------------
// 2. The store, in-process
// ---------------------------------------------------------------------------------------

/// Every merchant, with its claims; requests drawn half uniformly, half by claims.
struct Targets {
    ids: Vec<i64>,
    claims: Vec<i64>,
    by_claims: Vec<f64>,
}

impl Targets {
    fn pick(&self, rng: &mut Rng) -> usize {
        if rng.below(2) == 0 {
            rng.below(self.ids.len() as u64) as usize
        } else {
            rank_of(&self.by_claims, rng.unit())
        }
    }
}

/// Merchant sizes the latencies are also shown by.
const CLASSES: [&str; 3] = [">= 50,000 claims", "1,000-49,999 claims", "< 1,000 claims"];

fn class_of(claims: i64) -> usize {
    match claims {
        50_000.. => 0,
        1_000.. => 1,
        _ => 2,
    }
}

async fn inspect(data: &Path) -> anyhow::Result<Targets> {
    let app = app_on(data).await?;
    let from = app.store.cursor(NOTIFIER).await?;
    let head = app.store.outbox_head().await?;
    if head > from {
        app.store
            .enqueue_and_advance(NOTIFIER, from, head, vec![])
            .await?;
    }
    println!(
        "notifier cursor moved past {} outbox rows (their SMS are not sent)",
        (head.seq - from.seq).max(0)
    );
    let merchants = app.store.merchants().await?;
    let now = app.now();
    let mut all = Vec::new();
    let mut times = Vec::new();
    for _ in 0..6 {
        let t = Instant::now();
        all = app.store.merchant_summaries(now).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let counts: std::collections::HashMap<i64, i64> =
        all.iter().map(|s| (s.merchant_id, s.claims)).collect();
    let total: i64 = counts.values().sum();
    let warm = {
        let mut w = times[1..].to_vec();
        w.sort_by(f64::total_cmp);
        w[w.len() / 2]
    };
    println!(
        "store: {} merchants, {} with claims, {total} claims; every merchant's summary at once (ClaimStore::merchant_summaries): first {:.0} ms, then median {warm:.0} ms",
        merchants.len(),
        all.len(),
        times[0]
    );
    let mut sizes: Vec<i64> = all.iter().map(|s| s.claims).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    println!(
        "  biggest merchants: {:?}; median {}; smallest {}; {} with >= 50,000",
        &sizes[..sizes.len().min(6)],
        sizes.get(sizes.len() / 2).copied().unwrap_or(0),
        sizes.last().copied().unwrap_or(0),
        sizes.iter().filter(|&&c| c >= 50_000).count()
    );
    if let Some(big) = all.iter().max_by_key(|s| s.claims) {
        let small = all
            .iter()
            .min_by_key(|s| s.claims)
            .map_or(big.merchant_id, |s| s.merchant_id);
        for (what, id) in [("biggest", big.merchant_id), ("smallest", small)] {
            let mut h = histogram();
            let mut last = None;
            for _ in 0..200 {
                let t = Instant::now();
                last = app.store.merchant_summary(id, now).await?;
                h.record(micros(t.elapsed()))?;
            }
            let s = last.context("a summary")?;
            println!(
                "  one summary in-process (ClaimStore::merchant_summary), {what} merchant ({} claims, {} open, {} past delivery, {} past refund): p50 {:.2} ms, p99 {:.2} ms",
                s.claims,
                s.open_claims,
                s.delivery_missed,
                s.refund_missed,
                ms(&h, 0.5),
                ms(&h, 0.99)
            );
        }
    }
    let ids: Vec<i64> = merchants.iter().map(|m| m.id).collect();
    let claims: Vec<i64> = ids
        .iter()
        .map(|id| counts.get(id).copied().unwrap_or(0))
        .collect();
    let mut acc = 0.0;
    let mut by_claims: Vec<f64> = claims
        .iter()
        .map(|&c| {
            acc += c as f64;
            acc
        })
        .collect();
    for c in &mut by_claims {
        *c /= acc.max(1.0);
    }
    Ok(Targets {
        ids,
        claims,
        by_claims,
    })
}

// ---------------------------------------------------------------------------------------
// 3. Over HTTP
// ---------------------------------------------------------------------------------------

/// `GET /api/v1/merchants/{id}/summary` for `duration`; the report and one histogram per
/// merchant size.
async fn summaries(
    url: &str,
    token: &str,
    targets: &Arc<Targets>,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<(Report, Vec<Histogram<u64>>)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let deadline = Instant::now() + duration;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (client, url, token, targets) = (
            client.clone(),
            url.to_string(),
            token.to_string(),
            targets.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(0xC1A1 + c as u64);
            let mut hist = histogram();
            let mut classes = vec![histogram(), histogram(), histogram()];
            let (mut ok, mut errors) = (0u64, 0u64);
            while Instant::now() < deadline {
                let i = targets.pick(&mut rng);
                let t = Instant::now();
                let res = client
                    .get(format!("{url}/api/v1/merchants/{}/summary", targets.ids[i]))
                    .bearer_auth(&token)
                    .send()
                    .await;
                let body = match res {
                    Ok(r) if r.status().is_success() => r.json::<Value>().await.ok(),
                    _ => None,
                };
                let took = micros(t.elapsed());
                match body {
                    Some(v) if v["claims"].as_i64() == Some(targets.claims[i]) => {
                        hist.record(took).ok();
                        classes[class_of(targets.claims[i])].record(took).ok();
                        ok += 1;
                    }
                    other => {
                        errors += 1;
                        if errors < 3 {
                            eprintln!("summary of {}: {other:?}", targets.ids[i]);
                        }
                    }
                }
            }
            (hist, classes, ok, errors)
        }));
    }
    let mut report = Report {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        hist: histogram(),
    };
    let mut classes = vec![histogram(), histogram(), histogram()];
    for t in tasks {
        let (h, cs, ok, errors) = t.await?;
        report.hist.add(h)?;
        for (all, c) in classes.iter_mut().zip(cs) {
            all.add(c)?;
        }
        report.ok += ok;
        report.errors += errors;
    }
    report.elapsed = start.elapsed();
    Ok((report, classes))
}

/// `GET /api/v1/merchants` (the whole registry) for `duration` from one connection.
async fn registry(url: &str, token: &str, duration: Duration) -> anyhow::Result<(Report, usize)> {
    let client = reqwest::Client::new();
    let mut report = Report {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        hist: histogram(),
    };
    let mut size = 0;
    let start = Instant::now();
    while start.elapsed() < duration {
        let t = Instant::now();
        let res = client
            .get(format!("{url}/api/v1/merchants"))
            .bearer_auth(token)
            .send()
            .await?;
        if !res.status().is_success() {
            report.errors += 1;
            continue;
        }
        let body = res.bytes().await?;
        report.hist.record(micros(t.elapsed()))?;
        report.ok += 1;
        size = body.len();
    }
    report.elapsed = start.elapsed();
    Ok((report, size))
}

/// Every merchant's summary once, from `connections` connections; the time it took.
async fn sweep(
    url: &str,
    token: &str,
    targets: &Arc<Targets>,
    connections: usize,
) -> anyhow::Result<(Duration, u64)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, url, token, targets, next) = (
            client.clone(),
            url.to_string(),
            token.to_string(),
            targets.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut errors = 0u64;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(id) = targets.ids.get(i) else {
                    return errors;
                };
                match client
                    .get(format!("{url}/api/v1/merchants/{id}/summary"))
                    .bearer_auth(&token)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    _ => errors += 1,
                }
            }
        }));
    }
    let mut errors = 0;
    for t in tasks {
        errors += t.await?;
    }
    Ok((start.elapsed(), errors))
}

fn print_summaries(r: &Report, classes: &[Histogram<u64>], connections: usize) {
    r.print(&format!(
        "GET /api/v1/merchants/{{id}}/summary, {connections} connection(s)"
    ));
    for (name, h) in CLASSES.iter().zip(classes) {
        if h.is_empty() {
            continue;
        }
        println!(
            "    merchants with {name}: {} requests; ms p50 {:.2} p99 {:.2} max {:.2}",
            h.len(),
            ms(h, 0.5),
            ms(h, 0.99),
            h.max() as f64 / 1000.0
        );
    }
}

// ---------------------------------------------------------------------------------------
// 4. Import
// ---------------------------------------------------------------------------------------

/// A CSV of `rows` valid claims; order ids carry `tag`, so each run's file is new to the
/// store; the names in [`NEW_NAMES`] (with the tag) are new to the registry.
fn import_file(generator: &Gen, rows: u64, tag: u64) -> anyhow::Result<String> {
    let mut out = CSV_COLUMNS.join(",");
    out.push('\n');
    let step = (rows / (NEW_NAMES.len() as u64 * 10)).max(1);
    // The tag as letters: digits alone would leave the names sounding like the last run's.
    let mut word = String::new();
    let mut t = tag;
    while t > 0 {
        word.push(char::from(b'a' + (t % 26) as u8));
        t /= 26;
    }
    for i in 0..rows {
        let merchant = (i % step == step - 1).then(|| {
            format!(
                "{} {word}",
                NEW_NAMES[((i / step) as usize) % NEW_NAMES.len()]
            )
        });
        let row = generator.row(i, &format!("IMP{tag}-"), merchant)?;
        let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    Ok(out)
}

async fn import(url: &str, token: &str, file: &str) -> anyhow::Result<(Value, Duration)> {
    let client = reqwest::Client::new();
    let t = Instant::now();
    let res = client
        .post(format!("{url}/api/v1/claims/import"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(file.to_string())
        .send()
        .await?;
    let status = res.status();
    let text = res.text().await?;
    let took = t.elapsed();
    if !status.is_success() {
        bail!(
            "import answered {status}: {}",
            text.chars().take(500).collect::<String>()
        );
    }
    Ok((serde_json::from_str(&text)?, took))
}

/// Bytes a process has handed to `write` and friends so far (`wchar` in
/// `/proc/<pid>/io`): the WAL frames and checkpoints of the store, mostly.
fn written(pid: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/io"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("wchar:"))
        .and_then(|v| v.trim().parse().ok())
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// CPU time (user + system) of each of a process's threads, summed by thread name
/// (`/proc/<pid>/task/*`; threads that have exited are not counted).
fn thread_cpu(pid: u32) -> std::collections::BTreeMap<String, Duration> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for task in dir.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let Some(stat) = std::fs::read_to_string(path.join("stat")).ok() else {
            continue;
        };
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let tick = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        *out.entry(name.trim().to_string()).or_default() +=
            Duration::from_millis((tick(11) + tick(12)) * 10);
    }
    out
}

/// Each thread name's CPU between two [`thread_cpu`] readings, biggest first.
fn thread_cpu_since(before: &std::collections::BTreeMap<String, Duration>, pid: u32) -> String {
    let mut used: Vec<(String, Duration)> = thread_cpu(pid)
        .into_iter()
        .map(|(name, after)| {
            let was = before.get(&name).copied().unwrap_or_default();
            (name, after.saturating_sub(was))
        })
        .filter(|(_, d)| !d.is_zero())
        .collect();
    used.sort_by_key(|u| std::cmp::Reverse(u.1));
    used.iter()
        .map(|(name, d)| format!("{name} {:.1} s", d.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_import(what: &str, v: &Value, took: Duration, server_cpu: Option<Duration>) {
    let rows = v["rows"].as_u64().unwrap_or(0);
    let bad = v["bad"].as_array().map_or(0, Vec::len);
    println!(
        "{what}: {rows} rows in {:.2} s = {:.0} rows/s; added {}, added to {}, already imported {}, new merchants {}, bad {bad}; server CPU {}",
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64(),
        v["added"],
        v["added_to"],
        v["already_imported"],
        v["new_merchants"],
        server_cpu.map_or_else(|| "?".into(), |c| format!("{:.1} s", c.as_secs_f64())),
    );
    if bad > 0 {
        println!("  first bad row: {}", v["bad"][0]);
    }
}

pub(crate) async fn run(args: &Args) -> anyhow::Result<()> {
    let claims = args.num("--claims", 500_000);
    let merchants = args.num("--merchants", 2_000).max(1) as usize;
    let seconds = args.num("--seconds", 15);
    let import_rows = args.num("--import-rows", 50_000);
    let bin = if args.0.iter().any(|a| a == "--no-build") {
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| crate::workspace_root().join("target"));
        target.join("release/seba")
    } else {
        build_release()?
    };
    let keep = args.get("--data");
    let data: PathBuf = keep.clone().map_or_else(
        || std::env::temp_dir().join(format!("seba-claims-bench-{}", std::process::id())),
        Into::into,
    );
    println!(
        "machine: {} cores; engine: sqlite; load {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_avg()
    );
    let marker = data.join(format!("claims-filled-{claims}x{merchants}"));
    if marker.exists() {
        println!("reusing the store in {}", data.display());
    } else {
        let _ = std::fs::remove_dir_all(&data);
        let app = app_on(&data).await?;
        fill(&app, claims, merchants).await?;
        drop(app);
        add_user(&bin, &data)?;
        std::fs::write(&marker, "")?;
    }
    let outcome = measure(&bin, &data, merchants, claims, seconds, import_rows).await;
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&data);
    }
    outcome
}

async fn measure(
    bin: &Path,
    data: &Path,
    merchants: usize,
    claims: u64,
    seconds: u64,
    import_rows: u64,
) -> anyhow::Result<()> {
    let targets = Arc::new(inspect(data).await?);
    let token = token(bin, data)?;
    let t = Instant::now();
    let server = start(bin, data, None, false)?;
    println!(
        "seba serve listening after {:.2} s (search off); load {}",
        t.elapsed().as_secs_f64(),
        load_avg()
    );
    let url = server.url.clone();
    let duration = Duration::from_secs(seconds);
    // Warm up: every merchant's summary once.
    let (took, errors) = sweep(&url, &token, &targets, 8).await?;
    println!(
        "warm-up: every merchant's summary once over 8 connections in {:.2} s ({errors} errors)",
        took.as_secs_f64()
    );
    for connections in [1, 8] {
        let (r, classes) = summaries(&url, &token, &targets, connections, duration).await?;
        print_summaries(&r, &classes, connections);
        println!("  load after: {}", load_avg());
    }
    let (r, size) = registry(&url, &token, Duration::from_secs(5)).await?;
    r.print(&format!(
        "GET /api/v1/merchants ({} merchants, {:.0} KiB), 1 connection",
        targets.ids.len(),
        size as f64 / 1024.0
    ));
    for connections in [1, 8] {
        let (took, errors) = sweep(&url, &token, &targets, connections).await?;
        println!(
            "every merchant's summary once ({} requests), {connections} connection(s): {:.2} s ({errors} errors)",
            targets.ids.len(),
            took.as_secs_f64()
        );
    }

    let generator = Gen::new(merchants, claims);
    let tag = jiff::Timestamp::now().as_second() as u64;
    let file = import_file(&generator, import_rows, tag)?;
    println!(
        "import file: {import_rows} rows, {:.1} MiB; load {}",
        file.len() as f64 / (1024.0 * 1024.0),
        load_avg()
    );
    let pid = server.child.id();
    let db = data.join("seba.db");
    let db_size = || std::fs::metadata(&db).map_or(0, |m| m.len());
    println!(
        "server RSS before the import: {:.0} MiB; store file {:.0} MiB",
        rss_mib(pid),
        mib(db_size())
    );
    for what in ["import", "the same file again"] {
        let cpu = cpu_time(pid);
        let threads = thread_cpu(pid);
        let (wrote, size) = (written(&pid.to_string()), db_size());
        let (v, took) = import(&url, &token, &file).await?;
        let used = cpu.zip(cpu_time(pid)).map(|(a, b)| b.saturating_sub(a));
        print_import(what, &v, took, used);
        let wrote = wrote
            .zip(written(&pid.to_string()))
            .map_or(0, |(a, b)| b.saturating_sub(a));
        println!(
            "  server CPU by thread: {}; written by the server {:.0} MiB ({:.1} KiB per row), store file grew {:.0} MiB; load {}",
            thread_cpu_since(&threads, pid),
            mib(wrote),
            wrote as f64 / 1024.0 / import_rows.max(1) as f64,
            mib(db_size().saturating_sub(size)),
            load_avg()
        );
    }
    println!(
        "server RSS after the run: {:.0} MiB; load {}",
        rss_mib(pid),
        load_avg()
    );
    drop(server);
    Ok(())
}
