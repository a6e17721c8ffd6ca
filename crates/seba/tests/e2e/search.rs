//! `seba reindex` beside a running server, and `seba search` from the terminal.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Api, Deployment, case_json};

async fn search(api: &Api, q: &str) -> Vec<String> {
    let res = api
        .client
        .get(format!("{}/api/v1/search", api.base))
        .query(&[("q", q)])
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("search");
    assert_eq!(res.status().as_u16(), 200);
    let v: Value = res.json().await.expect("search JSON");
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| h["case"]["number"].as_str().expect("number").to_string())
        .collect()
}

async fn until_found(api: &Api, q: &str, number: &str) {
    let start = Instant::now();
    while !search(api, q).await.iter().any(|n| n == number) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{number} not found by {q:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn current(dep: &Deployment) -> String {
    std::fs::read_to_string(dep.data_dir.join("search/CURRENT"))
        .expect("search/CURRENT")
        .trim()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_while_serving_then_the_server_swaps() {
    let dep = Deployment::sqlite("reindex");
    let token = dep.admin_token();
    let server = dep.start("reindex");
    let api = Api::new(&server.base, &token);

    let mut numbers = Vec::new();
    for i in 0..30 {
        let v = api
            .create(
                None,
                &case_json(&format!("বিকাশে {i}০০ টাকা ভুল নম্বরে গেছে"), &["reindex"]),
            )
            .await;
        numbers.push(v["number"].as_str().expect("number").to_string());
    }
    until_found(&api, "bkash 2900", &numbers[29]).await;
    let old = current(&dep);

    // Rebuild in another process while the server serves and takes cases.
    let out = {
        let mut cmd = dep.cmd();
        cmd.arg("reindex");
        tokio::task::spawn_blocking(move || cmd.output().expect("seba reindex"))
            .await
            .expect("reindex task")
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("indexed 30 cases and 30 messages"),
        "{stdout}"
    );
    let new = current(&dep);
    assert_ne!(new, old, "a new generation is published");

    // A case filed after the rebuild read the store is found once the server has switched
    // to the new generation and caught it up; the old generation is then removed.
    let late = api
        .create(None, &case_json("নগদ ক্যাশ আউট আটকে আছে", &["late"]))
        .await;
    let late = late["number"].as_str().expect("number").to_string();
    until_found(&api, "nagad cash out", &late).await;
    let start = Instant::now();
    while dep.data_dir.join("search").join(&old).exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the old generation {old} was not removed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        server
            .log_text()
            .contains("serving the rebuilt search index")
    );
    let all = search(&api, "ভুল নম্বর").await;
    assert_eq!(all.len(), 20, "the default page: {all:?}");

    // `seba search` reads the served index beside the running server.
    let stdout = dep.run_ok(&["search", "nagad cash out"]);
    assert!(stdout.contains(&late), "{stdout}");
    assert!(stdout.contains('«'), "matches are marked: {stdout}");
    let stdout = dep.run_ok(&["search", &numbers[3]]);
    assert!(
        stdout
            .lines()
            .next()
            .is_some_and(|l| l.contains(&numbers[3]) && l.contains("(exact)")),
        "{stdout}"
    );
    let stdout = dep.run_ok(&["search", "ইভ্যালি", "--status", "new"]);
    assert!(stdout.contains("no matches"), "{stdout}");
    let out = dep.run(&["search", "  "]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("type something"));
    let out = dep.run(&["search", "bkash", "--status", "lost"]);
    assert!(!out.status.success());
}

#[test]
fn search_without_an_index_says_what_to_do() {
    let dep = Deployment::sqlite("search-none");
    dep.run_ok(&["migrate"]);
    let out = dep.run(&["search", "bkash"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("seba reindex"), "{err}");
    // After a rebuild (no server needed) the terminal search works.
    let stdout = dep.run_ok(&["reindex"]);
    assert!(stdout.contains("indexed 0 cases"), "{stdout}");
    assert!(dep.run_ok(&["search", "bkash"]).contains("no matches"));
}
