//! Local stand-ins for the outside world, all on loopback: an HTTP server that records what
//! an SMS gateway would receive, and a real SMTP server (Python's aiosmtpd).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

/// The rule for external components: required under `CI=true`, skipped otherwise.
pub fn missing(test: &str, reason: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: {reason} (CI=true, so this is a failure, not a skip)");
    }
    eprintln!("skipping {test}: {reason}");
}

/// One request as the gateway saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    pub fn body_text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("the body is UTF-8")
    }
}

#[derive(Clone)]
struct GatewayState {
    requests: Arc<Mutex<Vec<Recorded>>>,
    status: Arc<AtomicU16>,
    delay_ms: Arc<AtomicU64>,
    /// Requests being answered now, and the most there have been at once.
    in_flight: Arc<AtomicU64>,
    most_in_flight: Arc<AtomicU64>,
}

/// A local HTTP server that records every request and answers with a settable status.
pub struct Gateway {
    pub addr: SocketAddr,
    state: GatewayState,
    task: tokio::task::JoinHandle<()>,
}

async fn record(State(s): State<GatewayState>, req: Request) -> (StatusCode, &'static str) {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    s.requests.lock().unwrap().push(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers,
        body,
    });
    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    s.most_in_flight.fetch_max(now, Ordering::SeqCst);
    let delay = s.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    s.in_flight.fetch_sub(1, Ordering::SeqCst);
    let status = StatusCode::from_u16(s.status.load(Ordering::SeqCst)).unwrap_or(StatusCode::OK);
    (status, "{\"ok\":true}")
}

impl Gateway {
    pub async fn start() -> Gateway {
        let state = GatewayState {
            requests: Arc::default(),
            status: Arc::new(AtomicU16::new(200)),
            delay_ms: Arc::default(),
            in_flight: Arc::default(),
            most_in_flight: Arc::default(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the gateway");
        let addr = listener.local_addr().expect("address");
        let app = Router::new().fallback(record).with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Gateway { addr, state, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn answer(&self, status: u16) {
        self.state.status.store(status, Ordering::SeqCst);
    }

    pub fn delay(&self, d: Duration) {
        self.state
            .delay_ms
            .store(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// The most requests the gateway was answering at one time.
    pub fn most_at_once(&self) -> u64 {
        self.state.most_in_flight.load(Ordering::SeqCst)
    }

    pub fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.state.requests.lock().unwrap())
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A loopback port nothing listens on.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("address").port();
    drop(l);
    port
}

/// Decode an `application/x-www-form-urlencoded` body (`+` is a space) into pairs.
pub fn decode_form(body: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
                    out.push(u8::from_str_radix(hex, 16).expect("a %XX escape"));
                    i += 2;
                }
                b'%' => panic!("a truncated %-escape in {s:?}"),
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).expect("a decoded value is UTF-8")
    }
    body.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

pub fn form_value(pairs: &[(String, String)], key: &str) -> Option<String> {
    let mut found = pairs.iter().filter(|(k, _)| k == key);
    let first = found.next().map(|(_, v)| v.clone());
    assert!(found.next().is_none(), "`{key}` appears more than once");
    first
}

/// A small SMTP server on loopback that prints one JSON line per message received, with
/// the message parsed (and its headers and body decoded) by Python's `email` package.
/// Recipients `bounce@…` are refused with 550, `tempfail@…` with 451.
const SMTP_SERVER: &str = r#"
import asyncio, json, sys
from email import message_from_bytes, policy
from aiosmtpd.smtp import SMTP

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce@"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("tempfail@"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        msg = message_from_bytes(raw, policy=policy.default)
        part = msg.get_body(preferencelist=("plain",))
        print(json.dumps({
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "message_id": str(msg["message-id"]),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "transfer_encoding": str(msg.get("content-transfer-encoding")),
            "body": part.get_content() if part is not None else None,
            "raw": raw.decode("utf-8", "replace"),
        }), flush=True)
        return "250 OK queued"

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Handler(), hostname="localhost", enable_SMTPUTF8=True),
        "127.0.0.1", 0)
    print("READY %d" % server.sockets[0].getsockname()[1], flush=True)
    await asyncio.sleep(float(sys.argv[1]))

asyncio.run(main())
"#;

/// The first Python that has aiosmtpd: `SEBA_TEST_PYTHON`, then `python3` on the PATH,
/// then the system's `/usr/bin/python3` (where Debian's `python3-aiosmtpd` installs).
fn python_with_aiosmtpd() -> Option<String> {
    let mut candidates = Vec::new();
    if let Ok(p) = std::env::var("SEBA_TEST_PYTHON") {
        candidates.push(p);
    }
    candidates.push("python3".into());
    candidates.push("/usr/bin/python3".into());
    candidates.into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import aiosmtpd.smtp"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// A running aiosmtpd; killed on drop, and it exits by itself after a minute anyway.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    lines: tokio::sync::mpsc::UnboundedReceiver<String>,
}

impl SmtpServer {
    /// Start the server, or apply the skip rule and return `None` if aiosmtpd is missing.
    pub async fn start(test: &str) -> Option<SmtpServer> {
        let Some(python) = python_with_aiosmtpd() else {
            missing(
                test,
                "no python3 with aiosmtpd (apt-get install python3-aiosmtpd, or pip install aiosmtpd)",
            );
            return None;
        };
        let mut child = Command::new(&python)
            .args(["-u", "-c", SMTP_SERVER, "60"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawning the SMTP server");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.recv())
            .await
            .ok()
            .flatten();
        let port: u16 = match ready.as_deref().and_then(|l| l.strip_prefix("READY ")) {
            Some(p) => p.trim().parse().expect("a port"),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the SMTP server did not start (first line: {ready:?})");
            }
        };
        // It accepts connections.
        let mut ok = false;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                ok = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(ok, "the SMTP server on port {port} accepts no connection");
        Some(SmtpServer { child, port, lines })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The next message received, as the server parsed it.
    pub async fn next_message(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(20), self.lines.recv())
            .await
            .expect("no message reached the SMTP server in time")
            .expect("the SMTP server stopped");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    /// No message arrives within `d`.
    pub async fn assert_quiet(&mut self, d: Duration) {
        if let Ok(Some(line)) = tokio::time::timeout(d, self.lines.recv()).await {
            panic!("unexpected message: {line}");
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Line endings as a reader sees them, trailing newline dropped.
pub fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
        .trim_end_matches('\n')
        .to_string()
}
