//! `seba ussd simulate`: a phone in the terminal. Each line typed is sent to a running
//! server's real USSD endpoint exactly as a gateway would send it (Africa's Talking's
//! joined text by default, or Hubtel-style JSON), and the screen it answers is printed.

use std::io::{BufRead, Write};

use anyhow::{Context, bail};
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum UssdCommand {
    /// Dial *247# against a running server and type replies at the prompt (an empty line
    /// sends nothing; `q` hangs up).
    Simulate {
        /// The server (its USSD endpoint is `/ussd/<gateway>` below it).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// The caller's number (any way it is written in Bangladesh).
        #[arg(long, default_value = "01700000001")]
        phone: String,
        /// `at` (Africa's Talking, form-encoded) or `hubtel` (JSON).
        #[arg(long, default_value = "at")]
        gateway: String,
        /// The gateways' shared key, if the server requires one (default: `ussd.gateway_key`).
        #[arg(long)]
        key: Option<String>,
        /// Inputs to send one after the other instead of reading them from the terminal
        /// (e.g. `--send 2 --send 1 --send 1 --send 1`).
        #[arg(long)]
        send: Vec<String>,
    },
}

pub async fn run(command: UssdCommand, configured_key: Option<String>) -> anyhow::Result<()> {
    let UssdCommand::Simulate {
        url,
        phone,
        gateway,
        key,
        send,
    } = command;
    let phone =
        seba_core::contact::Msisdn::parse(&phone).map_err(|e| anyhow::anyhow!("--phone: {e}"))?;
    if !matches!(gateway.as_str(), "at" | "hubtel") {
        bail!("--gateway must be `at` or `hubtel`");
    }
    let key = key.or(configured_key);
    let endpoint = format!("{}/ussd/{gateway}", url.trim_end_matches('/'));
    let client = reqwest::Client::new();
    let session = format!("sim-{}", std::process::id());
    let mut inputs: Vec<String> = Vec::new();
    let mut scripted = send.into_iter();
    let interactive = scripted.len() == 0;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    println!("Dialling *247# as {} ({endpoint})", phone.national());
    loop {
        let seq = inputs.len() as u32 + 1;
        let request = match gateway.as_str() {
            "at" => client.post(&endpoint).form(&[
                ("sessionId", session.as_str()),
                ("serviceCode", "*247#"),
                ("phoneNumber", phone.as_e164()),
                ("networkCode", "47001"),
                ("text", &inputs.join("*")),
            ]),
            _ => client.post(&endpoint).json(&serde_json::json!({
                "Type": if inputs.is_empty() { "Initiation" } else { "Response" },
                "Mobile": phone.as_e164().trim_start_matches('+'),
                "SessionId": session,
                "ServiceCode": "247",
                "Message": inputs.last().map_or("*247#", String::as_str),
                "Operator": "simulator",
                "Sequence": seq,
            })),
        };
        let request = match &key {
            Some(k) => request.header("X-Seba-Ussd-Key", k),
            None => request,
        };
        let response = request
            .send()
            .await
            .with_context(|| format!("posting to {endpoint} (is `seba serve` running?)"))?;
        let status = response.status();
        let body = response.text().await?;
        if !status.is_success() {
            bail!("the server answered {status}: {}", body.trim());
        }
        let (end, text) = match gateway.as_str() {
            "at" => match body.split_once(' ') {
                Some(("END", rest)) => (true, rest.to_string()),
                Some((_, rest)) => (false, rest.to_string()),
                None => (true, body.clone()),
            },
            _ => {
                let v: serde_json::Value = serde_json::from_str(&body)
                    .with_context(|| format!("the server's answer is not JSON: {body}"))?;
                (
                    v["Type"].as_str() == Some("Release"),
                    v["Message"].as_str().unwrap_or_default().to_string(),
                )
            }
        };
        println!("┌────────────────────────");
        for line in text.lines() {
            println!("│ {line}");
        }
        println!(
            "└──────────────────────── {}",
            if end { "END" } else { "CON" }
        );
        if end {
            return Ok(());
        }
        let input = if interactive {
            print!("> ");
            std::io::stdout().flush()?;
            match lines.next() {
                Some(line) => line?,
                None => return Ok(()),
            }
        } else {
            match scripted.next() {
                Some(s) => {
                    println!("> {s}");
                    s
                }
                None => return Ok(()),
            }
        };
        let input = input.trim().to_string();
        if input == "q" {
            return Ok(());
        }
        inputs.push(input);
    }
}
