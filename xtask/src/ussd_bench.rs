//! `cargo xtask ussd-bench`: the USSD channel through HTTP (`POST /ussd/at`, the Africa's
//! Talking format), on a release build and the embedded store.
//!
//! A release `seba serve --demo` on a fresh data directory (SQLite, search off, demo
//! taxonomy, queues and care centres; the per-number limit lifted with
//! `SEBA_USSD__PER_MINUTE`). Every session has its own `sessionId` and a random `017…`
//! number; the language is left at the default (Bengali). No PIN-reset step is sent, so no
//! argon2 hashing is in any figure.
//!
//! 1. **Steps, closed loop**: `--connections` clients (8), each running sessions back to
//!    back for `--seconds` (15) after a 2 s warm-up, alternating two scripts:
//!    status → hotline (`""` → `3` → `3*12` (not a case number: the same screen with a
//!    notice) → `3*12*0` (back) → `3*12*0*6` END) and nearest centres
//!    (`""` → `4` → `4*3` → `4*3*1` → `4*3*1*1`: the nearest centres of a whole district).
//!    Steps per second, p50/p99/max of each step.
//! 2. **Steps, open loop**: the same scripts offered at a fixed `--rate` (1,000 steps/s) for
//!    `--seconds`: step slot k is due at k / rate; `rate / 10` virtual callers take the
//!    slots in turn (so a caller's steps are 100 ms apart, and sessions overlap as they do
//!    behind a gateway). A step is sent at its slot, or when the caller's previous answer
//!    arrives if that is later, and its latency is counted from the slot (no coordinated
//!    omission); the time from sending is reported beside it.
//! 3. **Complaints**: whole sessions (`""` → `2` → `2*1` → `2*1*1` → `2*1*1*1` END with
//!    the case number), sequential per client, from 1 and then 4 clients for `--seconds`
//!    each: p50/p99 of the whole session, and that every END names a valid case number.
//! 4. **Where the time goes**: one connection, a new step (engine, session saved) against
//!    the same request sent again (answered from the stored session, nothing written), and
//!    what a 4 KiB write + `fdatasync` costs the data directory's disk.
//!
//! Each run also prints the CPU time the server and the load generator used per step
//! (`/proc/<pid>/stat`), and the load average before and after: the machine's two cores
//! may be shared with other work. `--no-build` uses the release binary already built.

use std::io::BufRead;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;

use seba_core::ids::CaseNumber;

use crate::{Args, Server, build_release, rss_mib, seba};

/// One session's requests (`text` as Africa's Talking sends it) and whether each answer
/// must be final.
struct Script {
    name: &'static str,
    texts: [&'static str; 5],
    ends: [bool; 5],
}

const STATUS: Script = Script {
    name: "status -> hotline",
    texts: ["", "3", "3*12", "3*12*0", "3*12*0*6"],
    ends: [false, false, false, false, true],
};

const CENTRES: Script = Script {
    name: "nearest centres",
    texts: ["", "4", "4*3", "4*3*1", "4*3*1*1"],
    ends: [false; 5],
};

const COMPLAINT: Script = Script {
    name: "complaint",
    texts: ["", "2", "2*1", "2*1*1", "2*1*1*1"],
    ends: [false, false, false, false, true],
};

/// The mix of steps that hash no PIN.
const MIX: [&Script; 2] = [&STATUS, &CENTRES];

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds")
}

/// Microseconds at `q`, as milliseconds.
fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

fn max_ms(h: &Histogram<u64>) -> f64 {
    h.max() as f64 / 1000.0
}

fn micros(d: Duration) -> u64 {
    d.as_micros().max(1) as u64
}

/// A small xorshift generator: phone numbers need no more.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// A Grameenphone-style number, `017` and eight digits.
    fn phone(&mut self) -> String {
        format!("017{:08}", self.next() % 100_000_000)
    }
}

struct Ctx {
    client: reqwest::Client,
    /// `…/ussd/at`.
    url: String,
    /// Makes session ids unique across runs and phases.
    tag: String,
}

impl Ctx {
    fn session_id(&self, phase: &str, task: usize, n: u64) -> String {
        format!("{}-{phase}-{task}-{n}", self.tag)
    }

    /// Post one step; the answer's body.
    async fn step(&self, session: &str, phone: &str, text: &str) -> anyhow::Result<String> {
        let res = self
            .client
            .post(&self.url)
            .form(&[
                ("sessionId", session),
                ("serviceCode", "*247#"),
                ("phoneNumber", phone),
                ("networkCode", "47001"),
                ("text", text),
            ])
            .send()
            .await?;
        let status = res.status().as_u16();
        let body = res.text().await?;
        if status != 200 {
            bail!("{status}: {body}");
        }
        Ok(body)
    }
}

/// Whether `body` is the kind of answer `end` asks for (`END ` or `CON `).
fn expected(body: &str, end: bool) -> bool {
    body.starts_with(if end { "END " } else { "CON " })
}

/// What a centres list says when it lists some (a distance in km, in either language).
fn lists_centres(body: &str) -> bool {
    body.contains("কিমি") || body.contains(" km")
}

/// Tally of answers that were not what the script expects; the first few are printed.
#[derive(Default)]
struct Errors {
    count: u64,
}

impl Errors {
    fn note(&mut self, what: std::fmt::Arguments<'_>) {
        self.count += 1;
        if self.count <= 3 {
            eprintln!("  unexpected: {what}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 1. Closed loop
// ---------------------------------------------------------------------------------------

struct Closed {
    all: Histogram<u64>,
    per_script: Vec<Histogram<u64>>,
    errors: u64,
    centres_found: u64,
    centres_lists: u64,
    elapsed: Duration,
}

async fn closed(
    ctx: &Arc<Ctx>,
    phase: &'static str,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Closed> {
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|task| {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let mut rng = Rng::new(task as u64 + 1 + start.elapsed().as_nanos() as u64);
                let mut per_script: Vec<Histogram<u64>> = MIX.iter().map(|_| histogram()).collect();
                let mut errors = Errors::default();
                let (mut found, mut lists) = (0u64, 0u64);
                let mut n = 0u64;
                'sessions: while Instant::now() < deadline {
                    let which = (n as usize + task) % MIX.len();
                    let script = MIX[which];
                    let sid = ctx.session_id(phase, task, n);
                    let phone = rng.phone();
                    n += 1;
                    for (j, text) in script.texts.iter().enumerate() {
                        if Instant::now() >= deadline {
                            break 'sessions;
                        }
                        let t = Instant::now();
                        match ctx.step(&sid, &phone, text).await {
                            Ok(body) => {
                                per_script[which].record(micros(t.elapsed())).ok();
                                if !expected(&body, script.ends[j]) {
                                    errors.note(format_args!("{} step {j}: {body}", script.name));
                                    continue 'sessions;
                                }
                                if script.name == CENTRES.name && j == 4 {
                                    lists += 1;
                                    found += u64::from(lists_centres(&body));
                                }
                            }
                            Err(e) => {
                                errors.note(format_args!("{} step {j}: {e:#}", script.name));
                                continue 'sessions;
                            }
                        }
                    }
                }
                (per_script, errors.count, found, lists)
            })
        })
        .collect();
    let mut run = Closed {
        all: histogram(),
        per_script: MIX.iter().map(|_| histogram()).collect(),
        errors: 0,
        centres_found: 0,
        centres_lists: 0,
        elapsed: Duration::ZERO,
    };
    for t in tasks {
        let (per_script, errors, found, lists) = t.await?;
        for (all, one) in run.per_script.iter_mut().zip(&per_script) {
            all.add(one)?;
            run.all.add(one)?;
        }
        run.errors += errors;
        run.centres_found += found;
        run.centres_lists += lists;
    }
    run.elapsed = start.elapsed();
    Ok(run)
}

// ---------------------------------------------------------------------------------------
// 2. Open loop
// ---------------------------------------------------------------------------------------

struct Open {
    /// From the step's slot to its answer.
    scheduled: Histogram<u64>,
    /// From sending to the answer.
    service: Histogram<u64>,
    offered: u64,
    errors: u64,
    /// From the first slot to the last answer.
    span: Duration,
    callers: usize,
}

async fn open(ctx: &Arc<Ctx>, rate: u64, duration: Duration) -> anyhow::Result<Open> {
    let rate = rate.max(1);
    let slots = rate * duration.as_secs().max(1);
    let callers = (rate / 10).max(1) as usize;
    let slot = move |k: u64| Duration::from_secs_f64(k as f64 / rate as f64);
    // A moment for the callers' tasks to be spawned before the first slot.
    let t0 = Instant::now() + Duration::from_millis(50);
    let tasks: Vec<_> = (0..callers)
        .map(|caller| {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let mut rng = Rng::new(caller as u64 + 7 + t0.elapsed().as_nanos() as u64);
                let (mut scheduled, mut service) = (histogram(), histogram());
                let mut errors = Errors::default();
                let mut last = t0;
                // The caller's session: its script, id, number, and the next step.
                let mut n = 0u64;
                let mut session: Option<(&Script, String, String, usize)> = None;
                let mut k = caller as u64;
                while k < slots {
                    let due = t0 + slot(k);
                    tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
                    let (script, sid, phone, j) = session.take().unwrap_or_else(|| {
                        let s = MIX[(n as usize + caller) % MIX.len()];
                        n += 1;
                        (s, ctx.session_id("open", caller, n), rng.phone(), 0)
                    });
                    let sent = Instant::now();
                    let res = ctx.step(&sid, &phone, script.texts[j]).await;
                    let done = Instant::now();
                    last = done;
                    match res {
                        Ok(body) if expected(&body, script.ends[j]) => {
                            scheduled.record(micros(done - due)).ok();
                            service.record(micros(done - sent)).ok();
                            if j + 1 < script.texts.len() {
                                session = Some((script, sid, phone, j + 1));
                            }
                        }
                        Ok(body) => errors.note(format_args!("{} step {j}: {body}", script.name)),
                        Err(e) => errors.note(format_args!("{} step {j}: {e:#}", script.name)),
                    }
                    k += callers as u64;
                }
                (scheduled, service, errors.count, last)
            })
        })
        .collect();
    let mut run = Open {
        scheduled: histogram(),
        service: histogram(),
        offered: slots,
        errors: 0,
        span: Duration::ZERO,
        callers,
    };
    let mut last = t0;
    for t in tasks {
        let (scheduled, service, errors, done) = t.await?;
        run.scheduled.add(&scheduled)?;
        run.service.add(&service)?;
        run.errors += errors;
        last = last.max(done);
    }
    run.span = last.saturating_duration_since(t0);
    Ok(run)
}

// ---------------------------------------------------------------------------------------
// 3. Complaints
// ---------------------------------------------------------------------------------------

/// The valid case number in a final screen, if any: the longest run of digits.
fn case_number(body: &str) -> Option<String> {
    body.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() >= 7)
        .find(|run| CaseNumber::parse(run).is_ok())
        .map(str::to_string)
}

struct Complaints {
    sessions: Histogram<u64>,
    steps: Vec<Histogram<u64>>,
    with_number: u64,
    errors: u64,
    elapsed: Duration,
}

async fn complaints(
    ctx: &Arc<Ctx>,
    phase: &'static str,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Complaints> {
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|task| {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                let mut rng = Rng::new(task as u64 + 101 + start.elapsed().as_nanos() as u64);
                let mut sessions = histogram();
                let mut steps: Vec<Histogram<u64>> = (0..5).map(|_| histogram()).collect();
                let mut errors = Errors::default();
                let mut with_number = 0u64;
                let mut n = 0u64;
                'sessions: while Instant::now() < deadline {
                    let sid = ctx.session_id(phase, task, n);
                    let phone = rng.phone();
                    n += 1;
                    let mut took = [0u64; 5];
                    let whole = Instant::now();
                    let mut last = String::new();
                    for (j, text) in COMPLAINT.texts.iter().enumerate() {
                        let t = Instant::now();
                        match ctx.step(&sid, &phone, text).await {
                            Ok(body) if expected(&body, COMPLAINT.ends[j]) => {
                                took[j] = micros(t.elapsed());
                                last = body;
                            }
                            Ok(body) => {
                                errors.note(format_args!("complaint step {j}: {body}"));
                                continue 'sessions;
                            }
                            Err(e) => {
                                errors.note(format_args!("complaint step {j}: {e:#}"));
                                continue 'sessions;
                            }
                        }
                    }
                    sessions.record(micros(whole.elapsed())).ok();
                    for (h, us) in steps.iter_mut().zip(took) {
                        h.record(us).ok();
                    }
                    if case_number(&last).is_some() {
                        with_number += 1;
                    } else {
                        errors.note(format_args!("no case number in the last screen: {last}"));
                    }
                }
                (sessions, steps, with_number, errors.count)
            })
        })
        .collect();
    let mut run = Complaints {
        sessions: histogram(),
        steps: (0..5).map(|_| histogram()).collect(),
        with_number: 0,
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for t in tasks {
        let (sessions, steps, with_number, errors) = t.await?;
        run.sessions.add(&sessions)?;
        for (all, one) in run.steps.iter_mut().zip(&steps) {
            all.add(one)?;
        }
        run.with_number += with_number;
        run.errors += errors;
    }
    run.elapsed = start.elapsed();
    Ok(run)
}

// ---------------------------------------------------------------------------------------
// 4. Where a step's time goes
// ---------------------------------------------------------------------------------------

/// CPU time (user + system) a process has used so far, from `/proc/<pid>/stat` (Linux; the
/// kernel reports it in USER_HZ = 100 ticks a second).
pub(crate) fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command's `)`: state is the first field, utime the 12th, stime the 13th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The server's and this process's CPU time during a run, per step answered.
struct Cpu {
    server: Option<Duration>,
    client: Option<Duration>,
}

impl Cpu {
    fn now(server: u32) -> Cpu {
        Cpu {
            server: cpu_time(server),
            client: cpu_time(std::process::id()),
        }
    }

    fn print_since(&self, server: u32, steps: u64, wall: Duration) {
        let now = Cpu::now(server);
        let used = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        };
        if let (Some(s), Some(c)) = (used(self.server, now.server), used(self.client, now.client)) {
            println!(
                "    CPU: server {:.0} µs per step ({:.2} cores busy), load generator {:.0} µs per step ({:.2} cores)",
                s.as_secs_f64() * 1e6 / steps.max(1) as f64,
                s.as_secs_f64() / wall.as_secs_f64(),
                c.as_secs_f64() * 1e6 / steps.max(1) as f64,
                c.as_secs_f64() / wall.as_secs_f64()
            );
        }
    }
}

/// One connection, one request at a time: a new step (the engine runs and the session is
/// saved, a durable write) against the same request sent again (answered from the stored
/// session: read only, nothing written).
async fn replay(
    ctx: &Arc<Ctx>,
    duration: Duration,
) -> anyhow::Result<(Histogram<u64>, Histogram<u64>)> {
    let (mut new, mut again) = (histogram(), histogram());
    let mut rng = Rng::new(0xD1A6);
    let deadline = Instant::now() + duration;
    let mut n = 0u64;
    while Instant::now() < deadline {
        let sid = ctx.session_id("replay", 0, n);
        let phone = rng.phone();
        n += 1;
        ctx.step(&sid, &phone, "").await?;
        for (h, what) in [(&mut new, "new"), (&mut again, "again")] {
            let t = Instant::now();
            let body = ctx.step(&sid, &phone, "3").await?;
            h.record(micros(t.elapsed())).ok();
            if !expected(&body, false) {
                bail!("replay ({what}): {body}");
            }
        }
    }
    Ok((new, again))
}

/// 4 KiB written and `fdatasync`ed `n` times in `dir`: what one durable commit costs the
/// disk at least.
fn fsync_probe(dir: &Path, n: usize) -> anyhow::Result<Histogram<u64>> {
    use std::io::Write;
    let path = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&path)?;
    let block = [0x5Au8; 4096];
    let mut h = histogram();
    for _ in 0..n {
        let t = Instant::now();
        file.write_all(&block)?;
        file.sync_data()?;
        h.record(micros(t.elapsed())).ok();
    }
    drop(file);
    let _ = std::fs::remove_file(path);
    Ok(h)
}

// ---------------------------------------------------------------------------------------
// The server and the run
// ---------------------------------------------------------------------------------------

/// `seba serve --demo` with the per-number USSD limit lifted. The demo prints its staff
/// accounts before the listening line; they are read past and not shown.
fn serve(bin: &Path, data: &Path) -> anyhow::Result<Server> {
    let mut child = seba(bin, data, None, false)
        .env("SEBA_USSD__PER_MINUTE", "1000000")
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().context("stdout")?;
    let mut reader = std::io::BufReader::new(stdout);
    let mut line = String::new();
    let url = loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            bail!("seba serve --demo exited before listening");
        }
        if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
            break url.to_string();
        }
    };
    // Keep reading whatever else it prints, so a full pipe never blocks it.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    Ok(Server { child, url })
}

/// A script's requests as the gateway sends them (`(dial)` for the empty first one).
fn shown(script: &Script) -> String {
    script
        .texts
        .iter()
        .map(|t| {
            if t.is_empty() {
                "(dial)".to_string()
            } else {
                format!("\"{t}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// The 1-minute load average: other work on the machine shares its cores.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn print_closed(r: &Closed, connections: usize) {
    let steps = r.all.len();
    println!(
        "  {connections} connections: {steps} steps, {} errors in {:.1} s = {:.0} steps/s; per step ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        r.errors,
        r.elapsed.as_secs_f64(),
        steps as f64 / r.elapsed.as_secs_f64(),
        ms(&r.all, 0.5),
        ms(&r.all, 0.9),
        ms(&r.all, 0.99),
        max_ms(&r.all)
    );
    for (script, h) in MIX.iter().zip(&r.per_script) {
        println!(
            "    {:<18} {:>7} steps  ms p50 {:>6.2}  p99 {:>6.2}  max {:>6.2}",
            script.name,
            h.len(),
            ms(h, 0.5),
            ms(h, 0.99),
            max_ms(h)
        );
    }
    println!(
        "    centres lists: {} of {} listed centres",
        r.centres_found, r.centres_lists
    );
}

pub(crate) async fn run(args: &Args) -> anyhow::Result<()> {
    let seconds = args.num("--seconds", 15);
    let connections = args.num("--connections", 8).max(1) as usize;
    let rate = args.num("--rate", 1000);
    let bin = if args.0.iter().any(|a| a == "--no-build") {
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| crate::workspace_root().join("target"));
        target.join("release/seba")
    } else {
        build_release()?
    };
    let data = std::env::temp_dir().join(format!("seba-ussd-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let outcome = bench(&bin, &data, seconds, connections, rate).await;
    let _ = std::fs::remove_dir_all(&data);
    outcome
}

async fn bench(
    bin: &Path,
    data: &Path,
    seconds: u64,
    connections: usize,
    rate: u64,
) -> anyhow::Result<()> {
    println!(
        "machine: {} cores; release `seba serve --demo`, SQLite (WAL, synchronous=FULL), search off, loopback",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!(
        "USSD through HTTP: POST /ussd/at (Africa's Talking form), Bengali menus, a fresh sessionId and a random 017 number per session"
    );
    println!("PIN hashing excluded: no PIN-reset step in any mix below.");
    println!("load average before the run: {}", load_average());
    let loading = Instant::now();
    let server = serve(bin, data)?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;
    let ready = Instant::now();
    while client
        .get(format!("{}/readyz", server.url))
        .send()
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true)
    {
        if ready.elapsed() > Duration::from_secs(60) {
            bail!("the server did not get ready");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "server ready (demo loaded) in {:.1} s, RSS {:.0} MiB",
        loading.elapsed().as_secs_f64(),
        rss_mib(server.child.id())
    );
    let pid = server.child.id();
    let ctx = Arc::new(Ctx {
        client,
        url: format!("{}/ussd/at", server.url),
        tag: format!("b{}", std::process::id()),
    });
    let duration = Duration::from_secs(seconds);

    // Warm up: caches, the locator's index, the connection pool.
    let warm = closed(&ctx, "warm", connections, Duration::from_secs(2)).await?;
    println!(
        "warm-up: {} steps in 2 s, {} errors",
        warm.all.len(),
        warm.errors
    );

    println!(
        "1. steps, closed loop (each connection sends its next step when the last is answered), {seconds} s; sessions alternate\n     {}\n     {}",
        shown(&STATUS),
        shown(&CENTRES)
    );
    let cpu = Cpu::now(pid);
    let c = closed(&ctx, "closed", connections, duration).await?;
    print_closed(&c, connections);
    cpu.print_since(pid, c.all.len(), c.elapsed);

    println!(
        "2. steps, open loop at {rate} steps/s for {seconds} s (the same mix; latency from each step's scheduled time):"
    );
    let cpu = Cpu::now(pid);
    let o = open(&ctx, rate, duration).await?;
    let answered = o.scheduled.len();
    println!(
        "  offered {} steps ({} callers, a caller's steps {:.0} ms apart): answered {answered}, {} errors; achieved {:.0} steps/s",
        o.offered,
        o.callers,
        1000.0 * o.callers as f64 / rate.max(1) as f64,
        o.errors,
        answered as f64 / o.span.as_secs_f64()
    );
    println!(
        "    from schedule  ms p50 {:>6.2}  p90 {:>6.2}  p99 {:>6.2}  max {:>6.2}",
        ms(&o.scheduled, 0.5),
        ms(&o.scheduled, 0.9),
        ms(&o.scheduled, 0.99),
        max_ms(&o.scheduled)
    );
    println!(
        "    from sending   ms p50 {:>6.2}  p90 {:>6.2}  p99 {:>6.2}  max {:>6.2}",
        ms(&o.service, 0.5),
        ms(&o.service, 0.9),
        ms(&o.service, 0.99),
        max_ms(&o.service)
    );
    cpu.print_since(pid, answered, o.span);

    println!(
        "3. complaints, whole sessions end to end, sequential per client, {seconds} s per row:\n     {}",
        shown(&COMPLAINT)
    );
    for clients in [1usize, 4] {
        let phase = if clients == 1 { "c1" } else { "c4" };
        let cpu = Cpu::now(pid);
        let r = complaints(&ctx, phase, clients, duration).await?;
        let done = r.sessions.len();
        println!(
            "  {clients} client(s): {done} sessions, {} errors in {:.1} s = {:.1} sessions/s; session (5 steps) ms p50 {:.2} p99 {:.2} max {:.2}; END with a valid case number: {}/{done}",
            r.errors,
            r.elapsed.as_secs_f64(),
            done as f64 / r.elapsed.as_secs_f64(),
            ms(&r.sessions, 0.5),
            ms(&r.sessions, 0.99),
            max_ms(&r.sessions),
            r.with_number
        );
        for (j, h) in r.steps.iter().enumerate() {
            let text = COMPLAINT.texts[j];
            println!(
                "    step {} {:<10} ms p50 {:>6.2}  p99 {:>6.2}  max {:>6.2}",
                j + 1,
                if text.is_empty() {
                    "(dial)".to_string()
                } else {
                    format!("\"{text}\"")
                },
                ms(h, 0.5),
                ms(h, 0.99),
                max_ms(h)
            );
        }
        cpu.print_since(pid, 5 * done, r.elapsed);
    }

    println!("4. where a step's time goes: one connection, one request at a time, 5 s:");
    let (new, again) = replay(&ctx, Duration::from_secs(5)).await?;
    println!(
        "    new step \"3\" (engine + session saved, fsync)   {:>6} samples  ms p50 {:>6.2}  p99 {:>6.2}  max {:>6.2}",
        new.len(),
        ms(&new, 0.5),
        ms(&new, 0.99),
        max_ms(&new)
    );
    println!(
        "    the same request again (read only, no write) {:>6} samples  ms p50 {:>6.2}  p99 {:>6.2}  max {:>6.2}",
        again.len(),
        ms(&again, 0.5),
        ms(&again, 0.99),
        max_ms(&again)
    );
    let disk = fsync_probe(data, 200)?;
    println!(
        "    the data directory's disk: 4 KiB write + fdatasync ms p50 {:.2}  p99 {:.2}  max {:.2}",
        ms(&disk, 0.5),
        ms(&disk, 0.99),
        max_ms(&disk)
    );
    println!("load average after the run: {}", load_average());
    println!(
        "server RSS after the run: {:.0} MiB",
        rss_mib(server.child.id())
    );
    drop(server);
    Ok(())
}
