//! The OpenAPI document describes exactly the routes the router serves.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::Value;

use crate::common::TestApp;

sqlite_only! {
    openapi_documents_every_route => sqlite_openapi_documents_every_route;
}

const HTTP_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// The routes registered in `src/lib.rs`: path → methods, from every `.route("…", …)`.
fn router_routes() -> BTreeMap<String, BTreeSet<String>> {
    let src = include_str!("../../src/lib.rs");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut rest = src;
    while let Some(i) = rest.find(".route(") {
        rest = &rest[i + ".route(".len()..];
        let mut depth = 1;
        let mut end = None;
        for (j, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        let call = &rest[..end.expect("a closed .route( call")];
        let q1 = call.find('"').expect("a path literal");
        let q2 = q1 + 1 + call[q1 + 1..].find('"').expect("a closing quote");
        let path = &call[q1 + 1..q2];
        let methods = method_calls(&call[q2 + 1..]);
        assert!(!methods.is_empty(), "no method in .route(\"{path}\", …)");
        out.entry(path.to_string()).or_default().extend(methods);
    }
    out
}

/// `get(…)`, `.post(…)` … in a method router expression (not `cases::get`).
fn method_calls(expr: &str) -> BTreeSet<String> {
    let bytes = expr.as_bytes();
    let mut found = BTreeSet::new();
    for m in HTTP_METHODS {
        let mut from = 0;
        while let Some(i) = expr[from..].find(m) {
            let at = from + i;
            let after = at + m.len();
            let before_ok = at == 0
                || !(bytes[at - 1].is_ascii_alphanumeric() || matches!(bytes[at - 1], b'_' | b':'));
            if before_ok && bytes.get(after) == Some(&b'(') {
                found.insert(m.to_string());
            }
            from = after;
        }
    }
    found
}

/// Every `$ref` in the document.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                if k == "$ref" {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    refs(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

async fn openapi_documents_every_route(t: TestApp) {
    let a = TestApp::send(t.anon(Method::GET, "/api/openapi.json")).await;
    let doc = a.expect(200).clone();
    assert!(
        a.header("content-type")
            .is_some_and(|c| c.starts_with("application/json"))
    );
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "OpenAPI 3.1: {}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string());
    let paths = doc["paths"].as_object().expect("paths");

    let routes = router_routes();
    assert!(routes.len() >= 30, "parsed the router: {routes:?}");
    let undocumented: BTreeSet<&str> = seba_web::openapi::UNDOCUMENTED.iter().copied().collect();

    let mut problems = Vec::new();
    for (path, methods) in &routes {
        if undocumented.contains(path.as_str()) {
            if paths.contains_key(path) {
                problems.push(format!("{path} is documented but listed as UNDOCUMENTED"));
            }
            continue;
        }
        let Some(item) = paths.get(path) else {
            problems.push(format!("{path} is routed but not documented"));
            continue;
        };
        let documented: BTreeSet<String> = item
            .as_object()
            .expect("a path item")
            .keys()
            .filter(|k| HTTP_METHODS.contains(&k.as_str()))
            .cloned()
            .collect();
        if &documented != methods {
            problems.push(format!(
                "{path}: routed {methods:?}, documented {documented:?}"
            ));
        }
    }
    for path in paths.keys() {
        if !routes.contains_key(path) {
            problems.push(format!("{path} is documented but not routed"));
        }
    }
    for u in &undocumented {
        if !routes.contains_key(*u) {
            problems.push(format!("UNDOCUMENTED names {u}, which is not routed"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");

    // Every operation answers something, and every reference resolves.
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("a path item") {
            if HTTP_METHODS.contains(&method.as_str()) {
                assert!(
                    op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                    "{method} {path} has no responses"
                );
            }
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "$ref {r} does not resolve"
        );
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    for scheme in ["bearer", "view_token"] {
        assert!(doc["components"]["securitySchemes"][scheme].is_object());
    }
}
