//! kill -9 under load: nothing acknowledged is lost, no Idempotency-Key ever yields two
//! cases, even when a request whose answer was lost is retried after the restart, and the
//! search index catches up with everything acknowledged.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::Value;

use crate::common::{Api, Deployment, case_json};

const CLIENTS: usize = 4;
const LOAD: Duration = Duration::from_millis(1500);
/// A bound on each client's requests, whatever the machine's speed.
const MAX_PER_CLIENT: usize = 5000;
const RUN_TAG: &str = "crash-run";

#[derive(Debug, Clone)]
enum Outcome {
    /// 201 with this case number.
    Acked(String),
    /// No answer: the connection failed or broke mid-request.
    Unanswered(String),
    /// An answer other than 201.
    Refused(u16, String),
}

struct Attempt {
    key: String,
    marker: String,
    body: Value,
    outcome: Outcome,
}

fn body_for(marker: &str, w: usize, i: usize) -> Value {
    case_json(
        &format!("ভুল নম্বরে টাকা পাঠানো হয়েছে (client {w}, request {i})"),
        &[RUN_TAG, marker],
    )
}

async fn client(api: Api, w: usize, stop: Arc<AtomicBool>) -> Vec<Attempt> {
    let mut out = Vec::new();
    for i in 0..MAX_PER_CLIENT {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let key = format!("crash-{w}-{i}");
        let marker = format!("m-{w}-{i}");
        let body = body_for(&marker, w, i);
        let outcome = match api.post_case(Some(&key), &body).await {
            Ok(res) => {
                let status = res.status().as_u16();
                match res.text().await {
                    Ok(text) if status == 201 => {
                        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                        match v["number"].as_str() {
                            Some(n) => Outcome::Acked(n.to_string()),
                            None => Outcome::Refused(status, text),
                        }
                    }
                    Ok(text) => Outcome::Refused(status, text),
                    // Headers arrived but the body did not: not an acknowledgement.
                    Err(e) => Outcome::Unanswered(e.to_string()),
                }
            }
            Err(e) => Outcome::Unanswered(e.to_string()),
        };
        let unanswered = matches!(outcome, Outcome::Unanswered(_));
        out.push(Attempt {
            key,
            marker,
            body,
            outcome,
        });
        if unanswered {
            // The server is gone; the remaining attempts would all be refused connections.
            break;
        }
    }
    out
}

/// Cases per marker, over every case of this run.
async fn tally(api: &Api) -> HashMap<String, Vec<String>> {
    let mut by_marker: HashMap<String, Vec<String>> = HashMap::new();
    for c in api.list_by_tag(RUN_TAG).await {
        let number = c["number"].as_str().unwrap_or_default().to_string();
        for t in c["tags"].as_array().into_iter().flatten() {
            if let Some(t) = t.as_str().filter(|t| t.starts_with("m-")) {
                by_marker
                    .entry(t.to_string())
                    .or_default()
                    .push(number.clone());
            }
        }
    }
    by_marker
}

async fn scenario(dep: Deployment) {
    let token = dep.admin_token();
    let server = dep.start("before-kill");
    let api = Api::new(&server.base, &token);

    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|w| {
            // A client of its own per task: its own connections.
            let api = Api::new(&server.base, &token);
            tokio::spawn(client(api, w, stop.clone()))
        })
        .collect();
    tokio::time::sleep(LOAD).await;
    server.kill();
    stop.store(true, Ordering::SeqCst);
    let mut attempts = Vec::new();
    for t in tasks {
        attempts.extend(t.await.expect("client task"));
    }
    drop(api);

    let acked: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Acked(_)))
        .collect();
    let unanswered: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Unanswered(_)))
        .collect();
    let refused: Vec<(&str, u16, &str)> = attempts
        .iter()
        .filter_map(|a| match &a.outcome {
            Outcome::Refused(s, t) => Some((a.key.as_str(), *s, t.as_str())),
            _ => None,
        })
        .collect();
    eprintln!(
        "{} requests: {} acknowledged, {} unanswered, {} refused",
        attempts.len(),
        acked.len(),
        unanswered.len(),
        refused.len()
    );
    if let Some(Attempt {
        outcome: Outcome::Unanswered(e),
        key,
        ..
    }) = unanswered.first()
    {
        eprintln!("first unanswered request: {key}: {e}");
    }
    assert!(
        refused.is_empty(),
        "under load every answer must be 201; got {:?}",
        &refused[..refused.len().min(5)]
    );
    assert!(
        acked.len() >= CLIENTS,
        "the load phase acknowledged only {} cases",
        acked.len()
    );

    // Restart on the same data directory / schema.
    let server = dep.start("after-kill");
    let api = Api::new(&server.base, &token);

    // Every acknowledged case is there, as acknowledged.
    for a in &acked {
        let Outcome::Acked(number) = &a.outcome else {
            unreachable!()
        };
        let (status, v) = api.get_case(number).await;
        assert_eq!(
            status, 200,
            "acknowledged case {number} ({}) is lost",
            a.key
        );
        let tags: Vec<&str> = v["case"]["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            tags.contains(&a.marker.as_str()),
            "case {number} is not the one acknowledged for {}: {v}",
            a.key
        );
    }

    // Retry every unanswered request with its key, and (as a check of replay across a
    // restart) every acknowledged one too.
    let mut numbers: BTreeMap<String, String> = BTreeMap::new();
    for a in unanswered.iter().chain(acked.iter()) {
        let res = api
            .post_case(Some(&a.key), &a.body)
            .await
            .expect("retrying after the restart");
        let status = res.status().as_u16();
        let replayed = res
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap_or("").to_string());
        let text = res.text().await.unwrap_or_default();
        assert_eq!(status, 201, "retry of {} answered {status}: {text}", a.key);
        let v: Value = serde_json::from_str(&text).expect("case JSON");
        let number = v["number"].as_str().unwrap_or_default().to_string();
        if let Outcome::Acked(first) = &a.outcome {
            assert_eq!(
                &number, first,
                "a retry of acknowledged {} returned another case",
                a.key
            );
            assert_eq!(
                replayed.as_deref(),
                Some("true"),
                "a retry of acknowledged {} was not marked as replayed",
                a.key
            );
        }
        numbers.insert(a.key.clone(), number);
    }

    // No key ever yields two cases; every key tried yields exactly one.
    let by_marker = tally(&api).await;
    for a in &attempts {
        let found = by_marker.get(&a.marker).cloned().unwrap_or_default();
        match a.outcome {
            Outcome::Acked(_) | Outcome::Unanswered(_) => {
                assert_eq!(
                    found.len(),
                    1,
                    "key {} must yield exactly one case, found {found:?}",
                    a.key
                );
                assert_eq!(Some(&found[0]), numbers.get(&a.key), "key {}", a.key);
            }
            Outcome::Refused(..) => {}
        }
    }
    let total: usize = by_marker.values().map(Vec::len).sum();
    let tried = acked.len() + unanswered.len();
    assert_eq!(
        total, tried,
        "{total} cases exist for {tried} idempotency keys"
    );

    // The search index catches up after the crash: the cases acknowledged last before the
    // kill (the likeliest to have been in no index commit yet) are all found by number.
    let mut last: BTreeMap<String, &str> = BTreeMap::new();
    for a in &acked {
        if let Outcome::Acked(n) = &a.outcome {
            // Keys are "crash-{client}-{i}": keep each client's highest few.
            last.insert(a.key.clone(), n.as_str());
        }
    }
    let mut recent: Vec<&str> = Vec::new();
    for w in 0..CLIENTS {
        let mut mine: Vec<(usize, &str)> = last
            .iter()
            .filter_map(|(k, n)| {
                let rest = k.strip_prefix(&format!("crash-{w}-"))?;
                Some((rest.parse().ok()?, *n))
            })
            .collect();
        mine.sort();
        recent.extend(mine.iter().rev().take(5).map(|(_, n)| *n));
    }
    for number in recent {
        let start = std::time::Instant::now();
        loop {
            let v: Value = api
                .client
                .get(format!("{}/api/v1/search", api.base))
                .query(&[("q", number)])
                .bearer_auth(&api.token)
                .send()
                .await
                .expect("search")
                .json()
                .await
                .expect("search JSON");
            if v["items"][0]["case"]["number"] == number && v["items"][0]["exact"] == true {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "{number} is not searchable after the restart: {v}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    // The audit trail survived the crash too.
    drop(server);
    let out = dep.run(&["audit", "verify"]);
    assert!(
        out.status.success() && crate::common::stdout_of(&out).contains("intact"),
        "audit verify after kill -9: {}\n{}",
        crate::common::stdout_of(&out),
        crate::common::stderr_of(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_loses_nothing_acknowledged_sqlite() {
    scenario(Deployment::sqlite("crash")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_loses_nothing_acknowledged_postgres() {
    let Some(dep) = Deployment::postgres("kill_9_loses_nothing_acknowledged_postgres").await else {
        return;
    };
    scenario(dep).await;
}
