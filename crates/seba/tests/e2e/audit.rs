//! `seba audit verify` against a store edited behind seba's back.

use std::time::Duration;

use crate::common::{Api, Deployment, case_json, stderr_of, stdout_of};

/// Cases with a few transitions each: (case id, events in its chain).
async fn make_history(dep: &Deployment) -> Vec<(i64, i64)> {
    let token = dep.admin_token();
    let server = dep.start("audit");
    let api = Api::new(&server.base, &token);
    let mut out = Vec::new();
    for (i, actions) in [
        &["open", "resolve", "close"][..],
        &["open", "pend_customer", "open"][..],
        &["resolve"][..],
    ]
    .iter()
    .enumerate()
    {
        let case = api
            .create(
                Some(&format!("audit-{i}")),
                &case_json(&format!("অভিযোগ {i}"), &["audit"]),
            )
            .await;
        let number = case["number"].as_str().expect("number").to_string();
        let id = case["id"].as_i64().expect("id");
        let mut version = case["version"].as_i64().expect("version");
        for action in *actions {
            let (status, v) = api.transition(&number, action, Some(version)).await;
            assert_eq!(status, 200, "{action} on {number}: {v}");
            version = v["version"].as_i64().expect("version");
        }
        out.push((id, 1 + actions.len() as i64));
    }
    // The server's audit endpoint agrees before anything is touched.
    let res = api
        .client
        .get(format!("{}/api/v1/audit/verify", api.base))
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("GET /api/v1/audit/verify");
    assert_eq!(res.status().as_u16(), 200);
    let report: serde_json::Value = res.json().await.expect("audit report JSON");
    assert_eq!(report["breaks"], serde_json::json!([]), "{report}");
    assert!(report["events"].as_u64().unwrap_or(0) >= 9, "{report}");
    server.kill();
    out
}

fn verify(dep: &Deployment) -> (bool, String) {
    let out = dep.run(&["audit", "verify"]);
    (
        out.status.success(),
        format!("{}{}", stdout_of(&out), stderr_of(&out)),
    )
}

fn broken_lines(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|l| l.starts_with("BROKEN:"))
        .collect()
}

/// How the test edits the store: one SQL statement at a time.
trait Tamper {
    async fn exec(&self, sql: &str) -> usize;
    async fn text(&self, sql: &str) -> String;
}

struct Sqlite(std::path::PathBuf);

impl Tamper for Sqlite {
    async fn exec(&self, sql: &str) -> usize {
        let c = rusqlite::Connection::open(&self.0).expect("opening the SQLite file");
        c.busy_timeout(Duration::from_secs(10))
            .expect("busy timeout");
        c.execute(sql, []).expect(sql)
    }
    async fn text(&self, sql: &str) -> String {
        let c = rusqlite::Connection::open(&self.0).expect("opening the SQLite file");
        c.query_row(sql, [], |r| r.get(0)).expect(sql)
    }
}

struct Postgres(tokio_postgres::Client);

impl Tamper for Postgres {
    async fn exec(&self, sql: &str) -> usize {
        self.0.execute(sql, &[]).await.expect(sql) as usize
    }
    async fn text(&self, sql: &str) -> String {
        self.0.query_one(sql, &[]).await.expect(sql).get(0)
    }
}

async fn scenario(dep: &Deployment, db: &impl Tamper) {
    let cases = make_history(dep).await;
    let (edited, _) = cases[0];
    let (pruned, pruned_len) = cases[1];
    assert!(pruned_len >= 3);

    let (ok, out) = verify(dep);
    assert!(ok, "an untouched trail must verify: {out}");
    assert!(out.contains("intact"), "{out}");

    // Edit one event by hand.
    let where_edited = format!("subject = 'case:{edited}' AND seq = 2");
    let original = db
        .text(&format!(
            "SELECT after FROM audit_events WHERE {where_edited}"
        ))
        .await;
    assert_ne!(original, r#"{"status":"closed"}"#);
    let n = db
        .exec(&format!(
            r#"UPDATE audit_events SET after = '{{"status":"closed"}}' WHERE {where_edited}"#
        ))
        .await;
    assert_eq!(n, 1);
    let (ok, out) = verify(dep);
    assert!(!ok, "an edited event must fail verification: {out}");
    let broken = broken_lines(&out);
    assert_eq!(broken.len(), 1, "exactly one chain is broken: {out}");
    assert!(
        broken[0].contains(&format!("case:{edited} ")) && broken[0].contains("event 2"),
        "the break must name case:{edited} and seq 2: {out}"
    );
    assert!(!out.contains("intact"), "{out}");

    // Put it back: the trail is intact again (the check is about content, not a flag).
    db.exec(&format!(
        "UPDATE audit_events SET after = '{}' WHERE {where_edited}",
        original.replace('\'', "''")
    ))
    .await;
    let (ok, out) = verify(dep);
    assert!(ok && out.contains("intact"), "{out}");

    // Delete an event from the middle of another chain.
    let n = db
        .exec(&format!(
            "DELETE FROM audit_events WHERE subject = 'case:{pruned}' AND seq = 2"
        ))
        .await;
    assert_eq!(n, 1);
    let (ok, out) = verify(dep);
    assert!(!ok, "a deleted event must fail verification: {out}");
    let broken = broken_lines(&out);
    assert_eq!(broken.len(), 1, "exactly one chain is broken: {out}");
    assert!(
        broken[0].contains(&format!("case:{pruned}:"))
            || broken[0].contains(&format!("case:{pruned} ")),
        "the break must name case:{pruned}: {out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_catches_edits_and_deletions_sqlite() {
    let dep = Deployment::sqlite("audit");
    let db = Sqlite(dep.db_path());
    scenario(&dep, &db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_catches_edits_and_deletions_postgres() {
    let Some(dep) = Deployment::postgres("audit_verify_catches_edits_and_deletions_postgres").await
    else {
        return;
    };
    let client = crate::common::pg_client(&dep.pg().expect("postgres").url())
        .await
        .expect("connecting to the test schema");
    scenario(&dep, &Postgres(client)).await;
}

/// Removing the newest event of a chain (or a whole chain) leaves nothing out of place for
/// a verifier that only walks links: there is no anchor (such as the case's version) that
/// says how long the chain should be.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_catches_a_truncated_chain() {
    let dep = Deployment::sqlite("audit-tail");
    let cases = make_history(&dep).await;
    let (id, len) = cases[0];
    let db = Sqlite(dep.db_path());
    let n = db
        .exec(&format!(
            "DELETE FROM audit_events WHERE subject = 'case:{id}' AND seq = {len}"
        ))
        .await;
    assert_eq!(n, 1);
    let (ok, out) = verify(&dep);
    assert!(!ok, "the newest event of case:{id} was deleted, yet: {out}");
}
