//! The case's audit trail over HTTP: every change, in order, each linked to the one before.

use reqwest::Method;
use serde_json::json;

use seba_core::audit::GENESIS;
use seba_core::ids::{CaseId, CaseNumber};

use crate::common::{TestApp, case_body, number};

both_engines! {
    audit_trail_is_a_chain => sqlite_audit_trail_is_a_chain, postgres_audit_trail_is_a_chain;
}

async fn audit_trail_is_a_chain(t: TestApp) {
    let num = number(
        &t.create_case(&t.agent, &case_body("01712345678", "নিরীক্ষা"))
            .await,
    );
    t.transition(&t.agent, &num, "open", None).await.expect(200);
    t.post(
        &t.agent,
        &format!("/api/v1/cases/{num}/messages"),
        &json!({ "kind": "note", "body": "নোট" }),
    )
    .await
    .expect(201);
    TestApp::send(
        t.req(&t.agent, Method::PATCH, &format!("/api/v1/cases/{num}"))
            .json(&json!({ "priority": "urgent", "tags": ["vip"] })),
    )
    .await
    .expect(200);
    t.post(
        &t.supervisor,
        &format!("/api/v1/cases/{num}/assignment"),
        &json!({ "assignee": t.agent.id.0 }),
    )
    .await
    .expect(200);
    t.transition(&t.agent, &num, "pend_customer", None)
        .await
        .expect(200);
    t.transition(&t.agent, &num, "resolve", None)
        .await
        .expect(200);
    // A refused move leaves no trace.
    t.transition(&t.agent, &num, "open", None)
        .await
        .problem_of(409, "invalid-transition");

    let path = format!("/api/v1/cases/{num}/audit");
    let a = t.get(&t.supervisor, &path).await;
    let events = a.expect(200).as_array().expect("events").clone();
    let actions: Vec<&str> = events.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        [
            "case.created",
            "case.open",
            "message.added",
            "case.updated",
            "case.assigned",
            "case.pend_customer",
            "case.resolve",
        ]
    );
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["seq"], json!(i + 1), "{e}");
        let hash = e["hash"].as_str().expect("a hash");
        assert_eq!(hash.len(), 64);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        let expected_prev = if i == 0 {
            GENESIS
        } else {
            events[i - 1]["hash"].as_str().expect("a hash")
        };
        assert_eq!(e["prev_hash"], expected_prev, "event {} links back", i + 1);
    }
    assert_eq!(events[0]["actor"], format!("user:{}", t.agent.id));
    assert_eq!(events[4]["actor"], format!("user:{}", t.supervisor.id));
    assert_eq!(events[3]["after"]["priority"], "urgent", "{}", events[3]);
    assert_eq!(events[3]["before"]["priority"], "normal", "{}", events[3]);
    assert_eq!(events[6]["after"]["status"], "resolved", "{}", events[6]);

    // The same trail for auditors and admins; not for agents.
    let a = t.get(&t.auditor, &path).await;
    assert_eq!(a.expect(200).as_array().map(Vec::len), Some(events.len()));
    t.get(&t.agent, &path).await.problem_of(403, "forbidden");
    // A case that does not exist has no trail.
    let missing = CaseNumber::from_id(CaseId(TestApp::id_of(&num).0 + 100)).to_string();
    t.get(&t.supervisor, &format!("/api/v1/cases/{missing}/audit"))
        .await
        .problem_of(404, "not-found");

    // The whole store's chains verify.
    let a = t.get(&t.auditor, "/api/v1/audit/verify").await;
    let report = a.expect(200);
    assert_eq!(report["breaks"], json!([]), "{report}");
    assert!(
        report["events"]
            .as_u64()
            .is_some_and(|n| n >= events.len() as u64),
        "{report}"
    );
}
