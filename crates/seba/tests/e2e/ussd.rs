//! USSD across processes: one session whose steps alternate between two `seba serve`
//! processes on one PostgreSQL schema (the session lives in the store, so either node
//! answers any step, and a retry on the other node gets the same screen and files
//! nothing twice); and `seba ussd simulate` driving a running server's real endpoint in
//! both gateway formats.

use std::process::Stdio;

use crate::common::{Deployment, Server, stdout_of};

async fn step(node: &Server, session: &str, phone: &str, text: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{}/ussd/at", node.base))
        .form(&[
            ("sessionId", session),
            ("serviceCode", "*247#"),
            ("phoneNumber", phone),
            ("networkCode", "47002"),
            ("text", text),
        ])
        .send()
        .await
        .expect("a USSD step");
    assert_eq!(res.status().as_u16(), 200);
    res.text().await.expect("a body")
}

fn case_digits(screen: &str) -> String {
    // "… কেস নম্বর 10000134। …": the only run of 7 or more digits.
    screen
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() >= 7)
        .unwrap_or_else(|| panic!("no case number on {screen:?}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ussd_session_alternates_between_two_nodes_on_postgres() {
    let Some(dep) = Deployment::postgres("ussd_two_nodes").await else {
        return;
    };
    dep.run_ok(&["migrate"]);
    let a = dep.start("node-a");
    let b = dep.start("node-b");
    let nodes = [&a, &b];
    let phone = "+8801712345601";
    let mut inputs: Vec<&str> = Vec::new();
    let mut last = String::new();
    for (i, input) in ["", "2", "1", "1", "1"].into_iter().enumerate() {
        if !input.is_empty() {
            inputs.push(input);
        }
        let text = inputs.join("*");
        last = step(nodes[i % 2], "two-node-1", phone, &text).await;
        if i < 4 {
            assert!(
                last.starts_with("CON "),
                "step {i} on node {}: {last}",
                i % 2
            );
        }
    }
    assert!(last.starts_with("END "), "{last}");
    let number = case_digits(&last);
    // The gateway retries the last step on the other node: the same screen.
    let again = step(nodes[1], "two-node-1", phone, &inputs.join("*")).await;
    assert_eq!(again, last);
    // The case is there, once, and either node tells its status to the same phone.
    let status_inputs = ["3", number.as_str()];
    let first = step(&b, "two-node-2", phone, "").await;
    assert!(first.starts_with("CON "), "{first}");
    let asked = step(&a, "two-node-2", phone, status_inputs[0]).await;
    assert!(asked.starts_with("CON "), "{asked}");
    let status = step(&b, "two-node-2", phone, &status_inputs.join("*")).await;
    assert!(
        status.starts_with("END ") && status.contains(&number),
        "{status}"
    );
    let pg = dep.pg().expect("a PostgreSQL deployment");
    let client = crate::common::pg_client(&pg.base_url)
        .await
        .expect("connecting");
    let row = client
        .query_one(
            &format!(
                "SELECT count(*) FROM {}.cases WHERE channel = 'ussd'",
                pg.name
            ),
            &[],
        )
        .await
        .expect("counting cases");
    assert_eq!(row.get::<_, i64>(0), 1, "one complaint from the session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ussd_simulate_drives_a_running_server() {
    let dep = Deployment::sqlite("ussd_simulate");
    dep.run_ok(&["migrate"]);
    let server = dep.start("node");
    let hotline = dep
        .cmd()
        .args(["ussd", "simulate", "--url", &server.base, "--send", "6"])
        .stdin(Stdio::null())
        .output()
        .expect("running seba ussd simulate");
    let out = stdout_of(&hotline);
    assert!(hotline.status.success(), "{out}");
    assert!(out.contains("16247") && out.contains("END"), "{out}");
    let filed = dep
        .cmd()
        .args([
            "ussd",
            "simulate",
            "--url",
            &server.base,
            "--gateway",
            "hubtel",
            "--phone",
            "01812-000111",
            "--send",
            "2",
            "--send",
            "1",
            "--send",
            "1",
            "--send",
            "1",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("running seba ussd simulate");
    let out = stdout_of(&filed);
    assert!(filed.status.success(), "{out}");
    case_digits(&out);
    // A server that is not there is a clear error, not a panic.
    let nowhere = dep
        .cmd()
        .args([
            "ussd",
            "simulate",
            "--url",
            "http://127.0.0.1:9",
            "--send",
            "6",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("running seba ussd simulate");
    assert!(!nowhere.status.success());
    assert!(
        String::from_utf8_lossy(&nowhere.stderr).contains("is `seba serve` running?"),
        "{}",
        String::from_utf8_lossy(&nowhere.stderr)
    );
}
