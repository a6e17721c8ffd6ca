//! `cargo xtask search-bench`: search at scale, on a release build, on the embedded store.
//!
//! 1. **Fill** (skipped when `--data DIR` already holds a filled store): `seba serve` with
//!    search off takes `--cases` complaints over HTTP, each followed by `--messages - 1`
//!    more messages (customer follow-ups, agent replies, internal notes). The texts are
//!    generated from phrase banks of the way customers write — Bengali, English, Banglish
//!    and mixed, with amounts, phone numbers, transaction ids, merchants and names — so
//!    the vocabulary and the term statistics look like a real complaint cell's.
//! 2. **Reindex**: `seba reindex` rebuilds the index from the store; it prints its rate
//!    and peak RSS. The index's size on disk is measured.
//! 3. **Queries**: `seba serve` with search on; single-word, multi-word and filtered
//!    queries (in both scripts) from 2 and then 8 connections; p50/p99 for each kind.
//! 4. **Visibility**: while intake load runs, probe cases carrying a unique word are
//!    created and searched for until found; the time from the 201 to the first hit.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;

use crate::{Args, Part, Report, build_release, intake, rss_mib, seba, start};

/// A small deterministic generator (SplitMix64), so a fill is the same on every run.
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
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const MERCHANTS: &[&str] = &[
    "Evaly",
    "ইভ্যালি",
    "Alesha Mart",
    "আলেশা মার্ট",
    "e-orange",
    "ই-অরেঞ্জ",
    "Dhamaka",
    "ধামাকা শপিং",
    "Qcoom",
    "কিউকম",
    "Daraz",
    "দারাজ",
    "Sirajganj Shop",
    "আদিয়ান মার্ট",
];
const PRODUCTS: &[&str] = &[
    "মোটরসাইকেল",
    "motorcycle",
    "ফ্রিজ",
    "fridge",
    "মোবাইল ফোন",
    "smartphone",
    "টিভি",
    "LED TV",
    "এসি",
    "air cooler",
    "ল্যাপটপ",
    "laptop",
    "শাড়ি",
    "groceries",
];
const NAMES: &[&str] = &[
    "রহিম",
    "করিম",
    "ফাতেমা",
    "নুসরাত",
    "Rahim Uddin",
    "Karim",
    "Fatema Begum",
    "Tanvir",
    "সুমাইয়া",
    "Mizanur",
    "জাহিদ",
    "Shapla",
    "আবুল কালাম",
    "Rubina",
];
const DISTRICTS: &[&str] = &[
    "ঢাকা",
    "Dhaka",
    "চট্টগ্রাম",
    "Chattogram",
    "গাজীপুর",
    "Gazipur",
    "সিলেট",
    "Sylhet",
    "রাজশাহী",
    "Khulna",
    "বগুড়া",
    "Barishal",
    "কুমিল্লা",
    "Rangpur",
];
const OPENERS: &[&str] = &[
    "আসসালামু আলাইকুম।",
    "ভাই, দয়া করে সাহায্য করুন।",
    "গতকাল রাতে",
    "আজ সকালে",
    "Hello,",
    "Dear support,",
    "vai please help,",
    "amar ekta problem hoise,",
    "",
];
const PROBLEMS: &[&str] = &[
    "বিকাশে {amt} টাকা ভুল নম্বরে সেন্ড মানি হয়ে গেছে, প্রাপকের নম্বর {phone}",
    "আমি {amt} টাকা পাঠাতে গিয়ে এক অঙ্ক ভুল করেছি। টাকাটা ফেরত চাই।",
    "I sent {amt} taka to a wrong number {phone} by mistake.",
    "bkash e {amt} tk pathaisi vul number e, taka ferot chai",
    "পিন ভুলে গেছি, তিনবার ভুল পিন দেওয়ায় অ্যাকাউন্ট লক হয়ে গেছে",
    "My PIN is blocked after 3 wrong tries, cannot log in to the app",
    "pin vule gesi, account lock hoye gese, ki korbo",
    "ক্যাশ আউট করতে গিয়ে {amt} টাকা কেটে নিয়েছে কিন্তু এজেন্ট টাকা দেয়নি",
    "Cash out of Tk {amt} failed but my balance was deducted. Agent {phone}",
    "agent er kache cash out korsi {amt} tk, taka pai nai",
    "মোবাইল রিচার্জ {amt} টাকা হয়নি কিন্তু ব্যালেন্স কেটেছে",
    "recharge hoy nai but balance kete nise, TrxID {trx}",
    "অপরিচিত নম্বর {phone} থেকে ফোন করে ওটিপি চেয়েছে, পরে অ্যাকাউন্ট থেকে টাকা উধাও",
    "Someone called from {phone} pretending to be bKash and asked for my OTP",
    "এজেন্ট {amt} টাকা ক্যাশ আউটে বেশি চার্জ নিয়েছে",
    "বিদ্যুৎ বিল পেমেন্ট করেছি, TrxID {trx}, কিন্তু বিল আপডেট হয়নি",
    "Nagad theke {amt} taka add money korsi, ekhono ashe nai",
    "রেমিট্যান্স {amt} টাকা আসার কথা, এখনো আসেনি",
    "{merchant} থেকে {product} অর্ডার করেছিলাম, {days} দিন হয়ে গেল ডেলিভারি পাইনি। অর্ডার আইডি {order}",
    "Ordered a {product} from {merchant} (order {order}), paid Tk {amt}, not delivered after {days} days",
    "{merchant} e {product} order korsilam {amt} taka diye, delivery pai nai, refund o dey nai",
    "{merchant} রিফান্ড দেওয়ার কথা বলেছিল, {days} দিন পার, রিফান্ড পাইনি। {amt} টাকা",
    "Refund of Tk {amt} from {merchant} pending for {days} days, order {order}",
    "ক্যাশব্যাক অফারের {amt} টাকা পাইনি",
];
const FOLLOW_UPS: &[&str] = &[
    "এখনো কোনো সমাধান পাইনি, দয়া করে দ্রুত ব্যবস্থা নিন।",
    "Any update on my complaint? It has been {days} days.",
    "vai kono update nai? taka ta khub dorkar",
    "TrxID দিলাম: {trx}",
    "Here is the transaction id {trx} and the receipt.",
    "আমার নাম {name}, জেলা {district}, নম্বর {phone}",
    "{merchant} er hotline e call dile keu dhore na",
    "আমি {district} থেকে বলছি, সার্ভিস সেন্টারে গিয়েছিলাম, বলল অনলাইনে অভিযোগ করতে",
];
const REPLIES: &[&str] = &[
    "আপনার অভিযোগটি আমরা পেয়েছি, তদন্ত চলছে। অনুগ্রহ করে অপেক্ষা করুন।",
    "Please share the transaction ID and the time of the transfer.",
    "আমরা প্রাপকের সাথে যোগাযোগ করছি, {days} কার্যদিবসের মধ্যে জানানো হবে।",
    "Your refund of Tk {amt} has been initiated and will reach your account within 10 working days.",
    "আপনার পিন রিসেট করতে *247# ডায়াল করে নির্দেশনা অনুসরণ করুন।",
    "We have forwarded your claim against {merchant} to the merchant and the e-CAB.",
];
const NOTES: &[&str] = &[
    "Checked TrxID {trx}: amount {amt} reversed pending approval.",
    "মার্চেন্ট {merchant} কে ইমেইল করা হয়েছে, উত্তর আসেনি।",
    "Recipient {phone} unreachable, second attempt tomorrow.",
    "এজেন্ট পয়েন্ট ভিজিট করা হয়েছে, এজেন্ট {name} টাকা ফেরত দিতে রাজি।",
];
const CATEGORIES: &[&str] = &[
    "mfs.wrong_transfer",
    "mfs.cash_out",
    "mfs.pin_lock",
    "mfs.payment_failure",
    "ecommerce.refund",
    "ecommerce.non_delivery",
];
const CHANNELS: &[&str] = &["app", "web", "ussd", "email", "hotline", "facebook"];

const BN_DIGITS: [char; 10] = ['০', '১', '২', '৩', '৪', '৫', '৬', '৭', '৮', '৯'];

fn amount(rng: &mut Rng) -> String {
    let a = [
        500u64, 1000, 1500, 2000, 2500, 3000, 5000, 7500, 10000, 15000, 25000, 120000,
    ][rng.below(12)]
        + 10 * rng.below(50) as u64;
    match rng.below(3) {
        0 => a.to_string(),
        1 => a
            .to_string()
            .chars()
            .map(|c| BN_DIGITS[c.to_digit(10).unwrap_or(0) as usize])
            .collect(),
        _ => {
            // Western grouping.
            let s = a.to_string();
            let (head, tail) = s.split_at(s.len().saturating_sub(3));
            if head.is_empty() {
                tail.to_string()
            } else {
                format!("{head},{tail}")
            }
        }
    }
}

fn phone(rng: &mut Rng) -> String {
    let n = format!(
        "01{}{:08}",
        [3, 4, 5, 6, 7, 8, 9][rng.below(7)],
        rng.next() % 100_000_000
    );
    match rng.below(3) {
        0 => n,
        1 => format!("+88{n}"),
        _ => n
            .chars()
            .map(|c| BN_DIGITS[c.to_digit(10).unwrap_or(0) as usize])
            .collect(),
    }
}

fn trx(rng: &mut Rng) -> String {
    const A: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    (0..10).map(|_| A[rng.below(A.len())] as char).collect()
}

fn fill_in(template: &str, rng: &mut Rng) -> String {
    let mut out = template.to_string();
    for (key, value) in [
        ("{amt}", amount(rng)),
        ("{phone}", phone(rng)),
        ("{trx}", trx(rng)),
        ("{order}", format!("#{}", 100_000 + rng.below(900_000))),
        ("{days}", (3 + rng.below(60)).to_string()),
        ("{merchant}", rng.pick(MERCHANTS).to_string()),
        ("{product}", rng.pick(PRODUCTS).to_string()),
        ("{name}", rng.pick(NAMES).to_string()),
        ("{district}", rng.pick(DISTRICTS).to_string()),
    ] {
        out = out.replace(key, &value);
    }
    out
}

/// The first message of case `i`, and the case's category and channel.
fn complaint(i: u64) -> (String, &'static str, &'static str) {
    let mut rng = Rng(i.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let opener = rng.pick(OPENERS);
    let problem = fill_in(rng.pick(PROBLEMS), &mut rng);
    let mut text = format!("{opener} {problem}");
    if rng.below(2) == 0 {
        text.push(' ');
        text.push_str(&fill_in(rng.pick(FOLLOW_UPS), &mut rng));
    }
    (
        text.trim().to_string(),
        rng.pick(CATEGORIES),
        rng.pick(CHANNELS),
    )
}

/// Message `k` (1-based after the complaint) of case `i`: its kind and text.
fn message(i: u64, k: u64) -> (&'static str, String) {
    let mut rng = Rng((i << 8 | k).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    match k % 3 {
        1 => ("reply", fill_in(rng.pick(REPLIES), &mut rng)),
        2 => ("inbound", fill_in(rng.pick(FOLLOW_UPS), &mut rng)),
        _ => ("note", fill_in(rng.pick(NOTES), &mut rng)),
    }
}

fn hist() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram")
}

/// Create cases `0..cases` with `messages` messages each, from `connections` connections.
pub(crate) async fn fill(url: &str, token: &str, cases: u64, messages: u64) -> anyhow::Result<()> {
    let connections = 64;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, url, token, next, done) = (
            client.clone(),
            url.to_string(),
            token.to_string(),
            next.clone(),
            done.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= cases {
                    return Ok::<(), anyhow::Error>(());
                }
                let (text, category, channel) = complaint(i);
                let mut rng = Rng(i);
                let body = serde_json::json!({
                    "category": category,
                    "body": text,
                    "channel": channel,
                    "requester": { "name": rng.pick(NAMES), "msisdn": format!("017{:08}", i % 100_000_000) },
                });
                let v: serde_json::Value = send(
                    client
                        .post(format!("{url}/api/v1/cases"))
                        .bearer_auth(&token)
                        .header("idempotency-key", format!("fill-{i}"))
                        .json(&body),
                )
                .await?;
                let number = v["number"].as_str().context("case number")?.to_string();
                for k in 1..messages {
                    let (kind, text) = message(i, k);
                    send(
                        client
                            .post(format!("{url}/api/v1/cases/{number}/messages"))
                            .bearer_auth(&token)
                            .header("idempotency-key", format!("fill-{i}-{k}"))
                            .json(&serde_json::json!({ "kind": kind, "body": text })),
                    )
                    .await?;
                }
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if n % 50_000 == 0 {
                    let secs = start.elapsed().as_secs_f64();
                    println!(
                        "  {n} cases, {} messages in {secs:.0} s ({:.0} requests/s)",
                        n * messages,
                        (n * messages) as f64 / secs
                    );
                }
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    println!(
        "filled {cases} cases and {} messages in {:.0} s",
        cases * messages,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Send with a few retries on transport errors; a 4xx/5xx is an error.
async fn send(req: reqwest::RequestBuilder) -> anyhow::Result<serde_json::Value> {
    let mut tries = 0;
    loop {
        let attempt = req.try_clone().context("cloning a request")?.send().await;
        match attempt {
            Ok(r) if r.status().is_success() => return Ok(r.json().await?),
            Ok(r) => bail!("{}: {}", r.status(), r.text().await.unwrap_or_default()),
            Err(e) if tries < 5 => {
                tries += 1;
                eprintln!("retrying after {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

const SINGLE: &[&str] = &[
    "বিকাশ",
    "refund",
    "evaly",
    "পিন",
    "agent",
    "ডেলিভারি",
    "recharge",
    "রিফান্ড",
    "nagad",
    "লক",
    "motorcycle",
    "ওটিপি",
];
const MULTI: &[&str] = &[
    "bkash pin reset",
    "ভুল নম্বরে টাকা",
    "evaly refund pai nai",
    "cash out agent",
    "wrong number 5000",
    "ইভ্যালি অর্ডার ডেলিভারি",
    "recharge balance deducted",
    "ওটিপি ফোন টাকা",
    "alesha mart motorcycle",
    "ক্যাশ আউট এজেন্ট টাকা",
];
const FILTERS: &[&[(&str, &str)]] = &[
    &[("status", "new,open")],
    &[("category", "mfs")],
    &[("channel", "app")],
    &[("category", "ecommerce"), ("status", "new")],
    &[("created_from", "2020-01-01T00:00:00Z")],
];

/// One search's query parameters.
type Params = Vec<(&'static str, &'static str)>;

/// Search from `connections` connections for `duration`, cycling through `queries`.
async fn queries(
    url: &str,
    token: &str,
    queries: Vec<Params>,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<(Report, f64)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let deadline = Instant::now() + duration;
    let start = Instant::now();
    let queries = Arc::new(queries);
    let hits = Arc::new(AtomicU64::new(0));
    let mut tasks: Vec<tokio::task::JoinHandle<Part>> = Vec::new();
    for c in 0..connections {
        let (client, url, token, queries, hits) = (
            client.clone(),
            url.to_string(),
            token.to_string(),
            queries.clone(),
            hits.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut h = hist();
            let (mut ok, mut errors) = (0u64, 0u64);
            let mut n = c;
            while Instant::now() < deadline {
                let q = &queries[n % queries.len()];
                let t = Instant::now();
                match client
                    .get(format!("{url}/api/v1/search"))
                    .query(q)
                    .bearer_auth(&token)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => {
                        let v: serde_json::Value = r.json().await.unwrap_or_default();
                        h.record(t.elapsed().as_micros().max(1) as u64).ok();
                        let found = v["items"].as_array().map_or(0, Vec::len);
                        hits.fetch_add(found as u64, Ordering::Relaxed);
                        ok += 1;
                    }
                    Ok(r) => {
                        errors += 1;
                        if errors < 3 {
                            eprintln!("{q:?}: {}", r.status());
                        }
                    }
                    Err(_) => errors += 1,
                }
                n += 1;
            }
            (h, ok, errors)
        }));
    }
    let report = Report::gather(tasks, start).await?;
    let mean_hits = hits.load(Ordering::Relaxed) as f64 / report.ok.max(1) as f64;
    Ok((report, mean_hits))
}

/// Create probe cases one after another (each with a word no other case has) and time how
/// long after the 201 each is found by search.
pub(crate) async fn visibility(url: &str, token: &str, probes: usize) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let mut h = hist();
    let mut rng = Rng(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos() as u64);
    for _ in 0..probes {
        let word: String = (0..12)
            .map(|_| (b'a' + rng.below(26) as u8) as char)
            .collect();
        let body = serde_json::json!({
            "category": "mfs.wrong_transfer",
            "body": format!("বিকাশে টাকা আটকে আছে {word}"),
            "channel": "app",
            "requester": { "msisdn": "01712345678" },
        });
        let created = send(
            client
                .post(format!("{url}/api/v1/cases"))
                .bearer_auth(token)
                .json(&body),
        )
        .await?;
        let t = Instant::now();
        let number = created["number"].clone();
        loop {
            let v = send(
                client
                    .get(format!("{url}/api/v1/search?q={word}"))
                    .bearer_auth(token),
            )
            .await?;
            if v["items"]
                .as_array()
                .is_some_and(|a| a.iter().any(|h| h["case"]["number"] == number))
            {
                break;
            }
            if t.elapsed() > Duration::from_secs(30) {
                bail!("probe {word} not searchable after 30 s");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        h.record(t.elapsed().as_micros().max(1) as u64).ok();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let q = |p: f64| h.value_at_quantile(p) as f64 / 1000.0;
    println!(
        "visibility (201 → found by search, {probes} probes): ms p50 {:.0} p99 {:.0} max {:.0}",
        q(0.5),
        q(0.99),
        h.max() as f64 / 1000.0
    );
    Ok(())
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

pub(crate) async fn run(args: &Args) -> anyhow::Result<()> {
    let bin = build_release()?;
    let cases = args.num("--cases", 1_000_000);
    let messages = args.num("--messages", 5).max(1);
    let seconds = args.num("--seconds", 20);
    let keep = args.get("--data");
    let data = keep.clone().map_or_else(
        || std::env::temp_dir().join(format!("seba-search-bench-{}", std::process::id())),
        Into::into,
    );
    let marker = data.join(format!("filled-{cases}x{messages}"));
    let password_env = ("SEBA_NEW_PASSWORD", "load-test-password-123456");

    if marker.exists() {
        println!("reusing the store in {} ({cases} cases)", data.display());
    } else {
        let _ = std::fs::remove_dir_all(&data);
        let out = seba(&bin, &data, None, false)
            .args(["user", "add", "bench", "--name", "Bench", "--role", "admin"])
            .env(password_env.0, password_env.1)
            .output()?;
        if !out.status.success() {
            bail!("seba user add: {}", String::from_utf8_lossy(&out.stderr));
        }
        let token = token(&bin, &data)?;
        let server = start(&bin, &data, None, false)?;
        fill(&server.url, &token, cases, messages).await?;
        drop(server);
        std::fs::write(&marker, "")?;
    }
    let token = token(&bin, &data)?;

    let out = seba(&bin, &data, None, true).arg("reindex").output()?;
    if !out.status.success() {
        bail!("seba reindex: {}", String::from_utf8_lossy(&out.stderr));
    }
    print!("seba reindex: {}", String::from_utf8_lossy(&out.stdout));
    let current = std::fs::read_to_string(data.join("search/CURRENT"))?;
    println!(
        "index size on disk: {:.0} MiB (generation {})",
        dir_size(&data.join("search").join(current.trim())) as f64 / (1024.0 * 1024.0),
        current.trim()
    );

    let server = start(&bin, &data, None, true)?;
    println!(
        "machine: {} cores; engine: sqlite; {cases} cases, {} messages",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cases * messages
    );
    let duration = Duration::from_secs(seconds);
    let single: Vec<Params> = SINGLE.iter().map(|q| vec![("q", *q)]).collect();
    let multi: Vec<Params> = MULTI.iter().map(|q| vec![("q", *q)]).collect();
    let filtered: Vec<Params> = MULTI
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut p = vec![("q", *q)];
            p.extend_from_slice(FILTERS[i % FILTERS.len()]);
            p
        })
        .collect();
    // Warm the page cache and the searcher.
    queries(
        &server.url,
        &token,
        multi.clone(),
        8,
        Duration::from_secs(3),
    )
    .await?;
    // Two connections: two agents searching back to back, far more than a help desk's
    // agents search together. Eight: the server saturated (client included, two cores).
    for connections in [2, 8] {
        for (name, set) in [
            ("single word", single.clone()),
            ("multi-word", multi.clone()),
            ("multi-word + filters", filtered.clone()),
        ] {
            let (r, hits) = queries(&server.url, &token, set, connections, duration).await?;
            r.print(&format!(
                "search, {name} (GET /api/v1/search, {connections} connections)"
            ));
            println!("  mean hits per query: {hits:.1}");
        }
    }

    // New cases become searchable while intake runs.
    let load = {
        let (url, token) = (server.url.clone(), token.clone());
        tokio::spawn(async move {
            intake(&url, &token, 16, Duration::from_secs(12), 3_000_000_000).await
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    visibility(&server.url, &token, 50).await?;
    let r = load.await??;
    r.print("  intake meanwhile (16 connections)");
    println!(
        "server RSS after the run: {:.0} MiB",
        rss_mib(server.child.id())
    );
    drop(server);
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&data);
    }
    Ok(())
}

pub(crate) fn token(bin: &Path, data: &Path) -> anyhow::Result<String> {
    let out = seba(bin, data, None, false)
        .args(["token", "create", "bench"])
        .output()?;
    if !out.status.success() {
        bail!(
            "seba token create: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}
