//! `cargo xtask inbox-bench`: the agent desk's pages at scale, on a release build, on the
//! embedded store.
//!
//! 1. **Fill** (skipped when `--data DIR` already holds a filled store — the search
//!    benchmark's store serves too): `--cases` complaints over HTTP, then 2,000 of them
//!    assigned to the benchmark's own user so that "my cases" has something to show.
//! 2. **Login** through the desk's login form, as a browser does.
//! 3. **Pages**: every inbox view (mine, unassigned, each queue, at risk, breached,
//!    pending, all), a third of the requests following the page's "older" link, and case
//!    pages (thread, customer history), from 2 and then 8 connections; p50/p99 of the
//!    whole round trip on loopback (an upper bound of the server's time).
//! 4. **SLA views at other moments**: the filled cases were all created within minutes, so
//!    now none is at risk or breached. The store is opened directly and "at risk" and
//!    "breached" (soonest deadline first, a page of 51 and the next pages) are listed as
//!    they would be 12 days on (every case at risk) and 60 days on (every case breached),
//!    besides today.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;

use crate::search_bench::{fill, token};
use crate::{Args, Report, build_release, rss_mib, seba, start};

const PASSWORD: &str = "load-test-password-123456";

/// The inbox views an agent moves between.
const VIEWS: &[&str] = &[
    "view=mine",
    "view=unassigned",
    "view=queue&queue=hotline",
    "view=queue&queue=complaint_cell",
    "view=queue&queue=ecommerce_cell",
    "view=at_risk",
    "view=breached",
    "view=pending",
    "view=all",
];

/// Log in through the form; returns the session cookie.
async fn login(client: &reqwest::Client, url: &str, user: &str) -> anyhow::Result<String> {
    let res = client.get(format!("{url}/agent/login")).send().await?;
    let form_cookie = cookie(&res, "seba_form").context("no form cookie")?;
    let html = res.text().await?;
    let csrf = hidden(&html, "csrf");
    let res = client
        .post(format!("{url}/agent/login"))
        .header("cookie", &form_cookie)
        .form(&[
            ("username", user),
            ("password", PASSWORD),
            ("csrf", csrf.as_str()),
            ("next", "/agent"),
        ])
        .send()
        .await?;
    if res.status().as_u16() != 303 {
        bail!("login answered {}", res.status());
    }
    cookie(&res, "seba_session").context("no session cookie")
}

fn cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .find(|p| p.starts_with(&format!("{name}=")))
}

fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// The "older" link of an inbox page, if it has one.
fn older(html: &str) -> Option<String> {
    let start = html.find("before=")? + "before=".len();
    let digits: String = html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then_some(digits)
}

/// Case numbers linked from a page.
fn case_links(html: &str) -> Vec<String> {
    html.split("href=\"/agent/cases/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Request inbox pages (and, with `cases`, case pages) for `duration`.
async fn pages(
    url: &str,
    session: &str,
    connections: usize,
    duration: Duration,
    cases: bool,
) -> anyhow::Result<Report> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let deadline = Instant::now() + duration;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..connections {
        let (client, url, session) = (client.clone(), url.to_string(), session.to_string());
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
            let (mut ok, mut errors) = (0u64, 0u64);
            let mut n = i;
            let mut before: Option<String> = None;
            let mut numbers: Vec<String> = Vec::new();
            while Instant::now() < deadline {
                let view = VIEWS[n % VIEWS.len()];
                let path = match (cases, numbers.pop(), &before, n % 3) {
                    (true, Some(number), _, _) => format!("/agent/cases/{number}"),
                    (_, _, Some(b), 0) => format!("/agent?{view}&before={b}"),
                    _ => format!("/agent?{view}"),
                };
                let t = Instant::now();
                match client
                    .get(format!("{url}{path}"))
                    .header("cookie", &session)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => {
                        let html = r.text().await.unwrap_or_default();
                        hist.record(t.elapsed().as_micros().max(1) as u64).ok();
                        if path.starts_with("/agent?") {
                            before = older(&html);
                            if cases {
                                numbers = case_links(&html).into_iter().take(3).collect();
                            }
                        }
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

/// Assign `count` of the newest unassigned cases to the user behind `token`.
async fn assign_some(url: &str, token: &str, user_id: i64, count: usize) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let mut cursor: Option<String> = None;
    let mut done = 0;
    while done < count {
        let mut q = format!("{url}/api/v1/cases?status=new&limit=200");
        if let Some(c) = &cursor {
            q.push_str(&format!("&cursor={c}"));
        }
        let page: serde_json::Value = client
            .get(&q)
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        for item in items.iter().step_by(7) {
            let number = item["number"].as_str().context("number")?;
            client
                .post(format!("{url}/api/v1/cases/{number}/assignment"))
                .bearer_auth(token)
                .json(&serde_json::json!({ "assignee": user_id }))
                .send()
                .await?
                .error_for_status()?;
            done += 1;
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    println!("assigned {done} cases to the benchmark's agent");
    Ok(())
}

pub(crate) async fn run(args: &Args) -> anyhow::Result<()> {
    let bin = build_release()?;
    let cases = args.num("--cases", 1_000_000);
    let messages = args.num("--messages", 1).max(1);
    let seconds = args.num("--seconds", 20);
    let keep = args.get("--data");
    let data = keep.clone().map_or_else(
        || std::env::temp_dir().join(format!("seba-inbox-bench-{}", std::process::id())),
        Into::into,
    );
    let marker = data.join(format!("filled-{cases}x{messages}"));
    let assigned = data.join("assigned-to-bench");

    if marker.exists() {
        println!("reusing the store in {} ({cases} cases)", data.display());
    } else {
        let _ = std::fs::remove_dir_all(&data);
        add_user(&bin, &data)?;
        let token = token(&bin, &data)?;
        let server = start(&bin, &data, None, false)?;
        fill(&server.url, &token, cases, messages).await?;
        drop(server);
        std::fs::write(&marker, "")?;
    }
    let token = token(&bin, &data)?;
    let server = start(&bin, &data, None, false)?;
    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/auth/me", server.url))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let user_id = me["id"].as_i64().context("the benchmark user's id")?;
    if !assigned.exists() {
        assign_some(&server.url, &token, user_id, 2_000).await?;
        std::fs::write(&assigned, "")?;
    }
    // The search benchmark's store serves too: its user has the same password.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let session = login(&client, &server.url, "bench").await?;
    println!(
        "machine: {} cores; engine: sqlite; {cases} cases",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let duration = Duration::from_secs(seconds);
    // Warm the page cache.
    pages(&server.url, &session, 4, Duration::from_secs(3), true).await?;
    for connections in [2, 8] {
        pages(&server.url, &session, connections, duration, false)
            .await?
            .print(&format!(
                "inbox pages (GET /agent?view=…, {connections} connections)"
            ));
        pages(&server.url, &session, connections, duration, true)
            .await?
            .print(&format!(
                "inbox and case pages (GET /agent/cases/…, {connections} connections)"
            ));
    }
    println!(
        "server RSS after the run: {:.0} MiB",
        rss_mib(server.child.id())
    );
    drop(server);
    sla_views(&data.join("seba.db")).await?;
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&data);
    }
    Ok(())
}

fn add_user(bin: &Path, data: &Path) -> anyhow::Result<()> {
    let out = seba(bin, data, None, false)
        .args(["user", "add", "bench", "--name", "Bench", "--role", "admin"])
        .env("SEBA_NEW_PASSWORD", PASSWORD)
        .output()?;
    if !out.status.success() {
        bail!("seba user add: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

/// "At risk" and "breached" straight from the store, as seen today, 12 and 60 days on.
async fn sla_views(db: &Path) -> anyhow::Result<()> {
    use seba_core::case::Status;
    use seba_store::{CaseFilter, CaseOrder, CaseStore, PageRequest, SlaFilter};
    let store = seba_store::sqlite::SqliteStore::open(db)?;
    let today = jiff::Timestamp::now();
    for days in [0i64, 12, 60] {
        let now = today + jiff::SignedDuration::from_hours(24 * days);
        for sla in [SlaFilter::AtRisk, SlaFilter::Breached] {
            let filter = CaseFilter {
                statuses: vec![Status::New, Status::Open],
                sla: Some(sla),
                now: Some(now),
                ..CaseFilter::default()
            };
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
            let mut shown = 0usize;
            let start = Instant::now();
            let mut after_due = None;
            for i in 0..300 {
                // Every fifth request is a next page; the rest the first page.
                let page = PageRequest {
                    limit: 51,
                    order: CaseOrder::DueSoonest,
                    after_due: if i % 5 == 0 { after_due } else { None },
                    ..PageRequest::default()
                };
                let t = Instant::now();
                let got = store.list_cases(&filter, &page).await?;
                hist.record(t.elapsed().as_micros().max(1) as u64)?;
                shown = shown.max(got.len());
                after_due = got.last().map(|c| (c.sla.resolution_due, c.id));
            }
            let q = |p: f64| hist.value_at_quantile(p) as f64 / 1000.0;
            println!(
                "store list {sla:?} +{days} d ({shown} a page): 300 in {:.2} s; ms p50 {:.2} p99 {:.2} max {:.2}",
                start.elapsed().as_secs_f64(),
                q(0.5),
                q(0.99),
                hist.max() as f64 / 1000.0
            );
        }
    }
    Ok(())
}
