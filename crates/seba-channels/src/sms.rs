//! Sending SMS: a generic HTTP gateway adapter, and a sink that keeps messages in the store.
//!
//! Bangladeshi gateways differ in URL and parameter names but share one shape: an HTTP
//! request carrying an API key, a sender id, the number and the text. The adapter takes a
//! body template with placeholders, so pointing seba at a gateway is configuration:
//!
//! ```toml
//! [sms]
//! kind = "http"
//! url = "https://gateway.example/api/send"
//! content_type = "application/x-www-form-urlencoded"
//! body = "api_key={api_key}&senderid={sender}&number={to_national}&message={text}&ref={reference}"
//! ```
//!
//! Placeholders: `{to}` (E.164), `{to_national}` (01…), `{text}`, `{sender}`, `{reference}`
//! (the delivery's unique key, so a gateway can drop a resend), `{api_key}`. Values are
//! form-encoded for form bodies and JSON-escaped for JSON bodies. A 2xx answer is success;
//! 429 and 5xx are retried; other 4xx are not.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use seba_app::settings::Secret;
use seba_store::Store;

use crate::SendError;

#[async_trait]
pub trait SmsSender: Send + Sync {
    async fn send(&self, to_e164: &str, text: &str, reference: &str) -> Result<(), SendError>;
}

/// Settings of the SMS adapter.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsSettings {
    /// `store` (the demo sink), `http` (a gateway) or `off`.
    pub kind: String,
    pub url: String,
    pub method: String,
    pub content_type: String,
    pub body: String,
    pub sender: String,
    pub api_key: Secret,
    pub timeout_secs: u64,
}

impl Default for SmsSettings {
    fn default() -> Self {
        SmsSettings {
            kind: "store".into(),
            url: String::new(),
            method: "POST".into(),
            content_type: "application/json".into(),
            body: r#"{"to":"{to}","text":"{text}","sender":"{sender}","reference":"{reference}"}"#
                .into(),
            sender: "seba".into(),
            api_key: Secret::default(),
            timeout_secs: 10,
        }
    }
}

/// The demo's SMS "gateway": a table customers' phones would have read.
pub struct StoreSink(pub Arc<dyn Store>);

#[async_trait]
impl SmsSender for StoreSink {
    async fn send(&self, to: &str, text: &str, _reference: &str) -> Result<(), SendError> {
        self.0
            .record_sms(to, text, jiff::Timestamp::now())
            .await
            .map_err(|e| SendError::retry(e.to_string()))
    }
}

/// A generic HTTP SMS gateway.
pub struct HttpSmsGateway {
    client: reqwest::Client,
    settings: SmsSettings,
}

impl HttpSmsGateway {
    pub fn new(settings: SmsSettings) -> Result<Self, String> {
        if !(settings.url.starts_with("http://") || settings.url.starts_with("https://")) {
            return Err(format!("sms.url `{}` must be an http(s) URL", settings.url));
        }
        if !matches!(settings.method.as_str(), "POST" | "GET") {
            return Err("sms.method must be POST or GET".into());
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(settings.timeout_secs.max(1)))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(HttpSmsGateway { client, settings })
    }

    /// Fill the template (also used for a GET URL's query).
    pub fn render(
        &self,
        template: &str,
        to: &str,
        text: &str,
        reference: &str,
        json: bool,
    ) -> String {
        let national = to.strip_prefix("+88").unwrap_or(to);
        let enc = |v: &str| if json { json_escape(v) } else { form_encode(v) };
        template
            .replace("{to_national}", &enc(national))
            .replace("{to}", &enc(to))
            .replace("{sender}", &enc(&self.settings.sender))
            .replace("{reference}", &enc(reference))
            .replace("{api_key}", &enc(self.settings.api_key.expose()))
            .replace("{text}", &enc(text))
    }
}

fn json_escape(v: &str) -> String {
    let quoted = serde_json::Value::String(v.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

fn form_encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len() * 3);
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[async_trait]
impl SmsSender for HttpSmsGateway {
    async fn send(&self, to: &str, text: &str, reference: &str) -> Result<(), SendError> {
        let s = &self.settings;
        let json = s.content_type.contains("json");
        let req = if s.method == "GET" {
            let query = self.render(&s.body, to, text, reference, false);
            let sep = if s.url.contains('?') { '&' } else { '?' };
            self.client.get(format!("{}{sep}{query}", s.url))
        } else {
            self.client
                .post(&s.url)
                .header(reqwest::header::CONTENT_TYPE, &s.content_type)
                .body(self.render(&s.body, to, text, reference, json))
        };
        let req = if s.api_key.is_empty() {
            req
        } else {
            req.bearer_auth(s.api_key.expose())
        };
        let res = req
            .send()
            .await
            .map_err(|e| SendError::retry(format!("SMS gateway unreachable: {e}")))?;
        let status = res.status();
        if status.is_success() {
            Ok(())
        } else if status.as_u16() == 429 || status.is_server_error() {
            Err(SendError::retry(format!("SMS gateway answered {status}")))
        } else {
            Err(SendError::fatal(format!(
                "SMS gateway refused the message: {status}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_encoded_for_their_body() {
        let g = HttpSmsGateway::new(SmsSettings {
            kind: "http".into(),
            url: "http://127.0.0.1:1/send".into(),
            api_key: Secret::new("k&y"),
            ..SmsSettings::default()
        })
        .unwrap();
        let form = g.render(
            "to={to_national}&msg={text}&key={api_key}",
            "+8801712345678",
            "কেস ১০০০-০১৩ & ok",
            "r1",
            false,
        );
        assert_eq!(
            form,
            "to=01712345678&msg=%E0%A6%95%E0%A7%87%E0%A6%B8+%E0%A7%A7%E0%A7%A6%E0%A7%A6%E0%A7%A6-%E0%A7%A6%E0%A7%A7%E0%A7%A9+%26+ok&key=k%26y"
        );
        let json = g.render(
            r#"{"to":"{to}","text":"{text}"}"#,
            "+8801712345678",
            "say \"hi\"\n",
            "r1",
            true,
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["text"], "say \"hi\"\n");
        assert!(
            HttpSmsGateway::new(SmsSettings {
                url: "ftp://x".into(),
                ..SmsSettings::default()
            })
            .is_err()
        );
    }
}
