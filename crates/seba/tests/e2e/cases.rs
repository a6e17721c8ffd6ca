//! Finding cases through the API's filters.

use serde_json::json;

use crate::common::{Api, Deployment};

/// Intake keeps an address's local part as given (only the domain is case-folded), but the
/// `email` filter of `GET /api/v1/cases` lowercases the whole query and compares exactly, so
/// a customer whose address has a capital letter before the `@` can never be found by it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_filter_finds_the_address_as_given() {
    let dep = Deployment::sqlite("email-filter");
    let token = dep.admin_token();
    let server = dep.start("email-filter");
    let api = Api::new(&server.base, &token);
    let case = api
        .create(
            Some("email-1"),
            &json!({
                "category": "mfs.wrong_transfer",
                "body": "টাকা ফেরত চাই",
                "requester": { "email": "Karim@Example.test" },
            }),
        )
        .await;
    assert_eq!(case["requester"]["email"], "Karim@example.test");
    for query in ["Karim@Example.test", "Karim@example.test"] {
        let res = api
            .client
            .get(format!("{}/api/v1/cases", api.base))
            .query(&[("email", query)])
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET /api/v1/cases");
        assert_eq!(res.status().as_u16(), 200);
        let list: serde_json::Value = res.json().await.expect("JSON");
        let found = list["items"].as_array().map(Vec::len).unwrap_or(0);
        assert_eq!(found, 1, "email={query} finds {found} cases");
    }
}
