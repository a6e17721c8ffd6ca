//! Attachments: stored by content hash, checked by their real type, referenced by hash.

use reqwest::Method;
use serde_json::json;

use crate::common::{PNG, TestApp, number};

sqlite_only! {
    attachments_are_stored_by_hash_and_checked => sqlite_attachments_by_hash;
}

/// `sha256sum` of [`PNG`].
const PNG_SHA256: &str = "6422564120b76bbc05819b296f96f7e82593e60bb33f3ecf2abaad1cdbf85339";

async fn attachments_are_stored_by_hash_and_checked(t: TestApp) {
    let a = t
        .post_raw(&t.agent, "/api/v1/attachments", "image/png", PNG.to_vec())
        .await;
    let up = a.expect(201).clone();
    assert_eq!(up["sha256"], PNG_SHA256);
    assert_eq!(up["content_type"], "image/png");
    assert_eq!(up["size"], PNG.len());

    // The same bytes again: the same hash, stored once.
    let a = t
        .post_raw(&t.agent, "/api/v1/attachments", "image/png", PNG.to_vec())
        .await;
    assert_eq!(a.expect(201)["sha256"], PNG_SHA256);
    // And from a customer.
    let a = TestApp::send(
        t.anon(Method::POST, "/api/v1/public/attachments")
            .header("content-type", "image/png")
            .body(PNG.to_vec()),
    )
    .await;
    assert_eq!(a.expect(201)["sha256"], PNG_SHA256);

    // Content that is not what it claims, a type not accepted, nothing at all.
    let a = t
        .post_raw(
            &t.agent,
            "/api/v1/attachments",
            "image/png",
            "definitely not a picture",
        )
        .await;
    a.problem_of(422, "attachment");
    let a = t
        .post_raw(
            &t.agent,
            "/api/v1/attachments",
            "application/pdf",
            PNG.to_vec(),
        )
        .await;
    a.problem_of(422, "attachment");
    let a = t
        .post_raw(
            &t.agent,
            "/api/v1/attachments",
            "application/x-msdownload",
            b"MZ\x90\x00".to_vec(),
        )
        .await;
    a.problem_of(422, "attachment");
    t.post_raw(&t.agent, "/api/v1/attachments", "image/png", Vec::new())
        .await
        .problem_of(422, "attachment");
    // Plain text is fine as text/plain.
    let a = t
        .post_raw(
            &t.agent,
            "/api/v1/attachments",
            "text/plain; charset=utf-8",
            "রসিদ নম্বর ১২৩",
        )
        .await;
    assert_eq!(a.expect(201)["content_type"], "text/plain");
    // Auditors do not upload; nobody uploads anonymously to the staff route.
    t.post_raw(&t.auditor, "/api/v1/attachments", "image/png", PNG.to_vec())
        .await
        .problem_of(403, "forbidden");
    TestApp::send(
        t.anon(Method::POST, "/api/v1/attachments")
            .header("content-type", "image/png")
            .body(PNG.to_vec()),
    )
    .await
    .problem_of(401, "unauthorized");

    // A case that refers to it shows it on its first message.
    let body = json!({
        "category": "mfs.payment_failure",
        "body": "রসিদের ছবি দিলাম",
        "requester": { "msisdn": "01712345678" },
        "attachments": [{ "sha256": PNG_SHA256.to_uppercase(), "filename": "রসিদ.png" }],
    });
    let num = number(&t.create_case(&t.agent, &body).await);
    let (detail, _) = t.case_detail(&num).await;
    let att = &detail["messages"][0]["attachments"];
    assert_eq!(
        att,
        &json!([{ "sha256": PNG_SHA256, "filename": "রসিদ.png", "content_type": "image/png", "size": PNG.len() }]),
        "{detail}"
    );
    // And on a reply.
    let a = t
        .post(
            &t.agent,
            &format!("/api/v1/cases/{num}/messages"),
            &json!({ "kind": "reply", "body": "পেয়েছি", "attachments": [{ "sha256": PNG_SHA256 }] }),
        )
        .await;
    a.expect(201);
    let (detail, _) = t.case_detail(&num).await;
    assert_eq!(
        detail["messages"][1]["attachments"][0]["sha256"],
        PNG_SHA256
    );

    // Staff download the bytes as they were.
    let res = t
        .req(
            &t.agent,
            Method::GET,
            &format!("/api/v1/attachments/{PNG_SHA256}"),
        )
        .send()
        .await
        .expect("a download");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    assert_eq!(res.bytes().await.expect("bytes").as_ref(), PNG);

    // An unknown hash is refused, and nothing is filed.
    let before = t.case_count().await;
    let unknown = "0".repeat(64);
    let body = json!({
        "category": "mfs.payment_failure",
        "body": "ছবি নেই",
        "requester": { "msisdn": "01712345678" },
        "attachments": [{ "sha256": unknown }],
    });
    let a = t.post(&t.agent, "/api/v1/cases", &body).await;
    a.problem_of(422, "validation");
    assert_eq!(a.error_fields(), ["attachments"]);
    assert_eq!(t.case_count().await, before);
    t.get(&t.agent, &format!("/api/v1/attachments/{unknown}"))
        .await
        .problem_of(404, "not-found");
}
