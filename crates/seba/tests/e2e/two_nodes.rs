//! Two `seba serve` processes on one PostgreSQL schema: distinct case numbers, no lost
//! update between nodes, one acknowledgement per case from two racing notifiers.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Api, Deployment, case_json, stdout_of};

const PER_CLIENT: usize = 10;
const CLIENTS_PER_NODE: usize = 2;
const RACES: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_share_one_postgres() {
    let Some(dep) = Deployment::postgres("two_nodes_share_one_postgres").await else {
        return;
    };
    let token = dep.admin_token();
    let a = dep.start("node-a");
    let b = dep.start("node-b");
    let nodes = [Api::new(&a.base, &token), Api::new(&b.base, &token)];

    // Concurrent intake through both nodes.
    let mut tasks = Vec::new();
    for (n, api) in nodes.iter().enumerate() {
        for c in 0..CLIENTS_PER_NODE {
            let api = Api::new(&api.base, &token);
            tasks.push(tokio::spawn(async move {
                let mut created = Vec::new();
                for i in 0..PER_CLIENT {
                    let v = api
                        .create(
                            Some(&format!("node{n}-{c}-{i}")),
                            &case_json(&format!("দুই নোড {n}/{c}/{i}"), &["two-nodes"]),
                        )
                        .await;
                    created.push((n, v));
                }
                created
            }));
        }
    }
    let mut created: Vec<(usize, Value)> = Vec::new();
    for t in tasks {
        created.extend(t.await.expect("client task"));
    }
    let numbers: BTreeSet<String> = created
        .iter()
        .map(|(_, v)| v["number"].as_str().expect("number").to_string())
        .collect();
    let total = 2 * CLIENTS_PER_NODE * PER_CLIENT;
    assert_eq!(
        numbers.len(),
        total,
        "case numbers must be distinct across nodes"
    );

    // A case created through node A is found by node B's own search index within 2 s.
    let marker = nodes[0]
        .create(
            Some("search-marker"),
            &case_json("বিকাশে ৭৭৭৭ টাকা ভুল নম্বরে, দ্বিতীয় নোডে খুঁজুন", &["two-nodes"]),
        )
        .await;
    let marker_no = marker["number"].as_str().expect("number").to_string();
    let start = Instant::now();
    loop {
        let res = nodes[1]
            .client
            .get(format!("{}/api/v1/search", nodes[1].base))
            .query(&[("q", "bkash 7777")])
            .bearer_auth(&nodes[1].token)
            .send()
            .await
            .expect("search on node B");
        assert_eq!(res.status().as_u16(), 200);
        let v: Value = res.json().await.expect("search JSON");
        let found = v["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|h| h["case"]["number"] == marker_no.as_str()));
        if found {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "node B did not find {marker_no} within 2 s: {v}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let numbers: BTreeSet<String> = numbers
        .into_iter()
        .chain(std::iter::once(marker_no))
        .collect();
    let total = total + 1;

    // Each node sees what the other created.
    for (n, v) in created.iter().step_by(3) {
        let number = v["number"].as_str().expect("number");
        let (status, _) = nodes[1 - n].get_case(number).await;
        assert_eq!(status, 200, "node {} cannot see {number}", 1 - n);
    }
    assert_eq!(nodes[0].list_by_tag("two-nodes").await.len(), total);

    // The same If-Match through both nodes at once: exactly one wins.
    for r in 0..RACES {
        let case = nodes[r % 2]
            .create(None, &case_json(&format!("দৌড় {r}"), &["race"]))
            .await;
        let number = case["number"].as_str().expect("number").to_string();
        let version = case["version"].as_i64().expect("version");
        let (x, y) = tokio::join!(
            nodes[0].transition(&number, "open", Some(version)),
            nodes[1].transition(&number, "open", Some(version)),
        );
        let mut statuses = [x.0, y.0];
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [200, 412],
            "race {r} on {number}: {} / {}",
            x.1,
            y.1
        );
        let (_, now) = nodes[0].get_case(&number).await;
        assert_eq!(now["case"]["status"], "open");
        assert_eq!(now["case"]["version"].as_i64(), Some(version + 1));
    }

    // Both nodes run the notifier; each case still gets exactly one acknowledgement.
    let deadline = Instant::now() + Duration::from_secs(20);
    let sample: Vec<String> = numbers.iter().step_by(4).cloned().collect();
    for number in &sample {
        loop {
            let ds = nodes[0].deliveries(number).await;
            let sent = ds.iter().filter(|d| d["state"] == "sent").count();
            if sent >= 1 || Instant::now() > deadline {
                assert_eq!(ds.len(), 1, "deliveries of {number}: {ds:?}");
                assert_eq!(ds[0]["state"], "sent", "deliveries of {number}: {ds:?}");
                assert_eq!(ds[0]["channel"], "sms");
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    drop(a);
    drop(b);
    let out = dep.run(&["audit", "verify"]);
    assert!(
        out.status.success() && stdout_of(&out).contains("intact"),
        "{}",
        stdout_of(&out)
    );
}
