//! `cargo xtask locator-bench`: the nearest service points at 500,000 points, in-process and
//! over HTTP, on a release build and the embedded store.
//!
//! 1. **Fill** (skipped when `--data DIR` already holds a filled store): the demo
//!    directory (279 care centres, pop-up desks, G2P points, drop boxes) and `--points`
//!    agent points from `seba_app::demo_points::generate_agents` (clustered around the
//!    towns, as agents are), committed through `App::add_points` with their audit events
//!    and change rows, 5,000 a transaction.
//! 2. **In-process**: a fresh `App` on that store loads its locator (every open point read
//!    from the store, hours parsed, the R-tree bulk-built), timed, with the process's RSS
//!    before and after, so memory per point is the RSS delta over the points. Then
//!    `App::nearest` for the 5 nearest from `--queries` origins (half where agents are,
//!    half anywhere on land), each call timed alone after a warm-up: no filter, a kind
//!    (care centres, 279 among half a million), open at a busy hour and late at night, a
//!    service most agents lack (account opening) and one only centres offer (PIN reset),
//!    and from a district's centre.
//! 3. **HTTP**: `seba serve` (search off, the locator rate limit lifted for the one client
//!    address) on the same store; the time from start to the first answer (the index is
//!    loaded at start), then `GET /api/v1/nearest` with a mix of questions — coordinates
//!    across the country, district origins by id or name, "open now", care centres only —
//!    from 1 and then 8 connections, p50/p99 and requests per second.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use hdrhistogram::Histogram;
use jiff::Timestamp;

use seba_app::App;
use seba_app::demo_points::{agent_point_inputs, generate_agents};
use seba_app::locator::{NearQuery, OpenFilter, Origin};
use seba_app::random::OsRandom;
use seba_core::clock::SystemClock;
use seba_geo::{DistrictId, Geography};
use seba_locator::nearest::Coord;
use seba_locator::points::{PointKind, Service};

use crate::{Args, Report, Server, build_release, rss_mib, seba};

/// SplitMix64, so the questions are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// `n` places to ask from: every other one where agents are (placed as the generator
/// places agents, from another seed), the rest anywhere on land.
fn origins(n: usize, seed: u64) -> Vec<Coord> {
    let geo = Geography::bangladesh();
    let mut rng = Rng(seed);
    let mut near_agents = agent_point_inputs(n / 2 + 1, seed ^ 0xA5A5)
        .filter_map(|p| Coord::parse(&p.lat, &p.lon).ok());
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        if out.len() % 2 == 0
            && let Some(c) = near_agents.next()
        {
            out.push(c);
            continue;
        }
        let (lat, lon) = (rng.range(20.6, 26.6), rng.range(88.0, 92.7));
        if geo.district_at(lat, lon).is_some()
            && let Ok(c) = Coord::new(lat, lon)
        {
            out.push(c);
        }
    }
    out
}

async fn app_on(data: &Path) -> anyhow::Result<App> {
    std::fs::create_dir_all(data)?;
    let store = seba_store::open(&data.join("seba.db").display().to_string())
        .await
        .with_context(|| format!("opening the store in {}", data.display()))?;
    Ok(App::new(
        store,
        Arc::new(SystemClock),
        Arc::new(OsRandom),
        seba_app::AppSettings::default(),
    ))
}

async fn fill(data: &Path, points: usize, seed: u64) -> anyhow::Result<()> {
    let app = app_on(data).await?;
    let start = Instant::now();
    let demo = app
        .load_demo_points()
        .await
        .map_err(|e| anyhow::anyhow!("loading the demo points: {e}"))?;
    println!("demo directory: {demo} points");
    let mut last = Instant::now();
    let stored = generate_agents(&app, points, seed, |done| {
        if last.elapsed() > Duration::from_secs(15) || done == points {
            last = Instant::now();
            println!(
                "  {done} agent points stored after {:.0} s",
                start.elapsed().as_secs_f64()
            );
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("generating agent points: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "filled: {stored} agent points in {secs:.0} s ({:.0}/s, each with its audit event and change row)",
        stored as f64 / secs
    );
    Ok(())
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("histogram bounds")
}

/// Nanoseconds at `q`, as microseconds.
fn us(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

/// How long one kind of question may take in all: a slow filter is measured on fewer
/// questions rather than for an hour.
const PER_KIND: Duration = Duration::from_secs(20);

/// Time `App::nearest` for each question, one call at a time.
async fn time_nearest(app: &App, name: &str, questions: &[NearQuery]) -> anyhow::Result<()> {
    let mut h = histogram();
    let mut found = 0usize;
    let stop = Instant::now() + PER_KIND;
    for q in questions {
        let t = Instant::now();
        let answer = app.nearest(q).await?;
        let ns = t.elapsed().as_nanos().max(1) as u64;
        h.record(ns)?;
        found += answer.hits.len();
        if t > stop {
            break;
        }
    }
    println!(
        "  {name:<36} p50 {:>8.2} µs  p99 {:>8.2} µs  p99.9 {:>8.2} µs  max {:>9.2} µs  ({} questions, {:.2} hits each)",
        us(&h, 0.5),
        us(&h, 0.99),
        us(&h, 0.999),
        h.max() as f64 / 1000.0,
        h.len(),
        found as f64 / h.len().max(1) as f64
    );
    Ok(())
}

/// An instant in Dhaka (fixed, so "open" filters pass the same points on every run).
fn dhaka(civil: &str) -> anyhow::Result<Timestamp> {
    Ok(civil
        .parse::<jiff::civil::DateTime>()?
        .in_tz("Asia/Dhaka")?
        .timestamp())
}

async fn in_process(data: &Path, queries: usize, seed: u64) -> anyhow::Result<()> {
    let pid = std::process::id();
    let app = app_on(data).await?;
    // The store's own start-up (migrations check, connections) before the baseline.
    app.store.outbox_head().await?;
    let before = rss_mib(pid);
    let start = Instant::now();
    let n = app.located_count().await?;
    let load = start.elapsed();
    let after = rss_mib(pid);
    println!("in-process, `App::nearest` (k = 5):");
    println!(
        "  locator loaded: {n} open points in {:.0} ms (read from the store, hours parsed, R-tree bulk-built)",
        load.as_secs_f64() * 1000.0
    );
    println!(
        "  memory: RSS {before:.1} → {after:.1} MiB, {:.0} bytes per point",
        (after - before) * 1024.0 * 1024.0 / n.max(1) as f64
    );
    // The load is a store read and an index build; a second read (pages now cached)
    // tells them apart.
    let start = Instant::now();
    let rows = app.store.service_points(false).await?;
    let read = start.elapsed();
    drop(rows);
    println!(
        "  of which reading {n} rows from the store again: {:.0} ms; the index build is about the rest ({:.0} ms)",
        read.as_secs_f64() * 1000.0,
        (load.saturating_sub(read)).as_secs_f64() * 1000.0
    );

    let from = origins(queries, seed);
    let at = |c: &Coord| NearQuery::new(Origin::At(*c));
    let plain: Vec<NearQuery> = from.iter().map(at).collect();
    // Warm up (caches, branch predictors, the schedule cache).
    for q in plain.iter().take(10_000) {
        app.nearest(q).await?;
    }
    time_nearest(&app, "no filter", &plain).await?;
    let with = |f: &dyn Fn(&mut NearQuery)| -> Vec<NearQuery> {
        from.iter()
            .map(|c| {
                let mut q = at(c);
                f(&mut q);
                q
            })
            .collect()
    };
    time_nearest(
        &app,
        "kind = care_centre",
        &with(&|q| q.kind = Some(PointKind::CareCentre)),
    )
    .await?;
    let busy = dhaka("2026-11-22T11:00")?;
    let late = dhaka("2026-11-22T23:30")?;
    time_nearest(
        &app,
        "open at Sunday 11:00",
        &with(&|q| q.open = OpenFilter::At(busy)),
    )
    .await?;
    time_nearest(
        &app,
        "open at Sunday 23:30",
        &with(&|q| q.open = OpenFilter::At(late)),
    )
    .await?;
    time_nearest(
        &app,
        "service = account_opening",
        &with(&|q| q.service = Some(Service::AccountOpening)),
    )
    .await?;
    time_nearest(
        &app,
        "service = pin_reset (centres only)",
        &with(&|q| q.service = Some(Service::PinReset)),
    )
    .await?;
    let districts: Vec<NearQuery> = (0..queries)
        .map(|i| NearQuery::new(Origin::District(DistrictId(1 + (i % 64) as u16))))
        .collect();
    time_nearest(&app, "from a district's centre", &districts).await?;
    Ok(())
}

/// The HTTP questions, by kind: what a customer's app asks.
fn questions(n: usize, seed: u64) -> Vec<(usize, String)> {
    let geo = Geography::bangladesh();
    let from = origins(n, seed);
    let mut rng = Rng(seed ^ 0x5A5A);
    from.iter()
        .enumerate()
        .map(|(i, c)| {
            let here = format!("lat={:.5}&lon={:.5}", c.lat(), c.lon());
            match i % 20 {
                0..=9 => (0, here),
                10..=12 => {
                    let d = &geo.districts()[rng.below(geo.districts().len())];
                    let name = if i % 2 == 0 {
                        d.id.0.to_string()
                    } else {
                        d.name_en.replace(' ', "%20")
                    };
                    (1, format!("district={name}"))
                }
                13..=16 => (2, format!("{here}&open=now")),
                _ => (3, format!("{here}&kind=care_centre")),
            }
        })
        .collect()
}

const KINDS: [&str; 4] = [
    "coordinates",
    "district",
    "coordinates, open now",
    "coordinates, care centres",
];

/// Ask for `duration` over `connections` connections; per kind and overall.
async fn load(
    url: &str,
    connections: usize,
    duration: Duration,
    questions: Arc<Vec<(usize, String)>>,
) -> anyhow::Result<(Report, Vec<Histogram<u64>>)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let deadline = Instant::now() + duration;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (client, url, questions) = (client.clone(), url.to_string(), questions.clone());
        tasks.push(tokio::spawn(async move {
            let mut kinds: Vec<Histogram<u64>> = KINDS.iter().map(|_| histogram()).collect();
            let (mut ok, mut errors) = (0u64, 0u64);
            let mut i = c * 7919;
            while Instant::now() < deadline {
                let (kind, q) = &questions[i % questions.len()];
                i += 1;
                let t = Instant::now();
                match client.get(format!("{url}/api/v1/nearest?{q}")).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        kinds[*kind]
                            .record(t.elapsed().as_micros().max(1) as u64)
                            .ok();
                        ok += 1;
                    }
                    Ok(r) => {
                        errors += 1;
                        if errors < 3 {
                            eprintln!("{q}: {} {}", r.status(), r.text().await.unwrap_or_default());
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        if errors < 3 {
                            eprintln!("{q}: {e}");
                        }
                    }
                }
            }
            (kinds, ok, errors)
        }));
    }
    let mut report = Report {
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        hist: Histogram::new_with_bounds(1, 60_000_000, 3)?,
    };
    let mut by_kind: Vec<Histogram<u64>> = KINDS.iter().map(|_| histogram()).collect();
    for t in tasks {
        let (kinds, ok, errors) = t.await?;
        for (all, one) in by_kind.iter_mut().zip(&kinds) {
            all.add(one)?;
            report.hist.add(one)?;
        }
        report.ok += ok;
        report.errors += errors;
    }
    report.elapsed = start.elapsed();
    Ok((report, by_kind))
}

/// `seba serve` with the public and locator rate limits lifted: every request here comes from one
/// address.
fn serve(bin: &Path, data: &Path) -> anyhow::Result<Server> {
    use std::io::BufRead;
    let mut child = seba(bin, data, None, false)
        .env("SEBA_PUBLIC_PER_MINUTE", "1000000000")
        .env("SEBA_LOCATOR_PER_MINUTE", "1000000000")
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

async fn http(data: &Path, queries: usize, seed: u64, seconds: u64) -> anyhow::Result<()> {
    let bin = build_release()?;
    let started = Instant::now();
    let server = serve(&bin, data)?;
    let client = reqwest::Client::new();
    let first = loop {
        match client
            .get(format!("{}/api/v1/nearest?district=1", server.url))
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => break started.elapsed(),
            Ok(r) if r.status().is_server_error() => {
                anyhow::bail!("the server answered {}", r.status())
            }
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    let pid = server.child.id();
    println!(
        "HTTP, `GET /api/v1/nearest` (k = 5), release `seba serve` on SQLite, loopback; local time {}:",
        Timestamp::now().in_tz("Asia/Dhaka")?.strftime("%a %H:%M")
    );
    println!(
        "  start to first answer (index loaded at start): {:.2} s; server RSS {:.0} MiB",
        first.as_secs_f64(),
        rss_mib(pid)
    );
    let questions = Arc::new(questions(queries, seed ^ 0xC0FFEE));
    // Warm up.
    load(&server.url, 2, Duration::from_secs(2), questions.clone()).await?;
    for connections in [1, 8] {
        let (report, by_kind) = load(
            &server.url,
            connections,
            Duration::from_secs(seconds),
            questions.clone(),
        )
        .await?;
        report.print(&format!("  {connections} connection(s), all questions"));
        for (name, h) in KINDS.iter().zip(&by_kind) {
            println!(
                "    {name:<28} {:>7} answers  p50 {:.3} ms  p99 {:.3} ms",
                h.len(),
                h.value_at_quantile(0.5) as f64 / 1000.0,
                h.value_at_quantile(0.99) as f64 / 1000.0
            );
        }
    }
    println!("  server RSS after the run: {:.0} MiB", rss_mib(pid));
    drop(server);
    Ok(())
}

pub(crate) async fn run(args: &Args) -> anyhow::Result<()> {
    let points = args.num("--points", 500_000) as usize;
    let seed = args.num("--seed", 7);
    let queries = args.num("--queries", 100_000) as usize;
    let seconds = args.num("--seconds", 15);
    let keep = args.get("--data");
    let data = keep.clone().map_or_else(
        || std::env::temp_dir().join(format!("seba-locator-bench-{}", std::process::id())),
        Into::into,
    );
    let marker = data.join(format!("filled-{points}-agents-seed-{seed}"));
    println!(
        "machine: {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    if marker.exists() {
        println!(
            "reusing the store in {} ({points} agent points)",
            data.display()
        );
    } else {
        let _ = std::fs::remove_dir_all(&data);
        fill(&data, points, seed).await?;
        std::fs::write(&marker, "")?;
    }
    in_process(&data, queries, seed).await?;
    if !args.0.iter().any(|a| a == "--no-http") {
        http(&data, queries.min(20_000), seed, seconds).await?;
    }
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&data);
    }
    Ok(())
}
