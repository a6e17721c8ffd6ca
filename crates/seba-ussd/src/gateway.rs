//! Gateway formats: what a USSD gateway posts to seba and what it expects back.
//!
//! Each operator's gateway speaks its own format; an adapter turns it into one
//! [`Request`] and a [`Reply`] back into the gateway's body, so the menu engine never sees
//! a format. Adding an operator means adding one [`Gateway`].
//!
//! - [`AfricasTalking`]: a form-encoded POST with `sessionId`, `serviceCode`,
//!   `phoneNumber`, `networkCode` and `text` — every input of the session so far joined by
//!   `*`, empty on the first request; the reply is `text/plain` starting `CON ` (more to
//!   come) or `END ` (final). The default.
//! - [`Hubtel`]: JSON with an explicit `Type` (`Initiation`, `Response`, `Release`,
//!   `Timeout`), one input per request in `Message`, numbered by `Sequence`; the reply is
//!   JSON with `Type` `Response` (more) or `Release` (final) and the screen in `Message`.
//!   Telcos' JSON gateways with explicit begin/continue/end follow this shape.
//!
//! The adapters are pure: bytes in, a request or an error out; a reply in, bytes out.
//! Neither gateway is reachable from where seba is tested: both are exercised against
//! their documented formats by a local client.

use serde::Deserialize;

/// The most of a request body an adapter reads.
pub const MAX_BODY: usize = 8 * 1024;
/// The longest session id accepted.
const MAX_SESSION_ID: usize = 128;
/// The longest `text` (every input of a session joined) accepted.
const MAX_TEXT: usize = 2048;

/// A gateway's request, whatever its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub session_id: String,
    /// The caller's number as the gateway wrote it (`+8801…`, `8801…`); parsed later.
    pub phone: String,
    pub service_code: String,
    pub network: String,
    pub turn: Turn,
}

/// What this request carries of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    /// Every input of the session so far, joined by `*` (empty on the first request).
    Joined(String),
    /// The first request of a session, with what was dialled (`*247#`, or `*247*1#` to go
    /// straight to the first menu item).
    Begin { dialled: String },
    /// One input, numbered by the gateway (the first request of a session is 1).
    Input { seq: u32, text: String },
    /// The network or the customer ended the session.
    Release,
}

/// A screen for the caller: more to come (`end: false`) or the last one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reply {
    pub text: String,
    pub end: bool,
}

/// Why a request could not be read. The caller gets a polite final screen, never a 5xx.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    #[error("missing field {0}")]
    Missing(&'static str),
    #[error("field {0} is malformed")]
    Malformed(&'static str),
    #[error("field {0} is too long")]
    TooLong(&'static str),
    #[error("the body is not {0}")]
    Body(&'static str),
}

/// One gateway format.
pub trait Gateway: Send + Sync + std::fmt::Debug {
    /// Short name, used in session ids and metrics: `at`, `hubtel`.
    fn name(&self) -> &'static str;
    /// Read a request body.
    fn parse(&self, body: &[u8]) -> Result<Request, GatewayError>;
    /// The content type of [`Gateway::render`]'s bytes.
    fn content_type(&self) -> &'static str;
    /// The body answering `request` (`None` when it could not be read) with `reply`.
    fn render(&self, request: Option<&Request>, reply: &Reply) -> Vec<u8>;
}

/// The gateway a name in a URL or configuration names.
pub fn by_name(name: &str) -> Option<&'static dyn Gateway> {
    match name {
        "at" | "africastalking" => Some(&AfricasTalking),
        "hubtel" => Some(&Hubtel),
        _ => None,
    }
}

fn checked(field: &'static str, value: String, max: usize) -> Result<String, GatewayError> {
    if value.len() > max {
        return Err(GatewayError::TooLong(field));
    }
    if value.chars().any(char::is_control) {
        return Err(GatewayError::Malformed(field));
    }
    Ok(value)
}

fn session_id(value: Option<String>) -> Result<String, GatewayError> {
    let id = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .ok_or(GatewayError::Missing("sessionId"))?;
    let id = checked("sessionId", id, MAX_SESSION_ID)?;
    if id.chars().any(char::is_whitespace) {
        return Err(GatewayError::Malformed("sessionId"));
    }
    Ok(id)
}

fn phone(value: Option<String>, field: &'static str) -> Result<String, GatewayError> {
    let p = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .ok_or(GatewayError::Missing(field))?;
    checked(field, p, 32)
}

/// Africa's Talking: form-encoded in, `CON `/`END ` text out.
#[derive(Debug, Clone, Copy)]
pub struct AfricasTalking;

impl Gateway for AfricasTalking {
    fn name(&self) -> &'static str {
        "at"
    }

    fn parse(&self, body: &[u8]) -> Result<Request, GatewayError> {
        if body.len() > MAX_BODY {
            return Err(GatewayError::TooLong("body"));
        }
        if std::str::from_utf8(body).is_err() {
            return Err(GatewayError::Body("form-encoded UTF-8"));
        }
        let (mut sid, mut ph, mut code, mut net, mut text) = (None, None, None, None, None);
        for (k, v) in form_urlencoded::parse(body) {
            // The first of a repeated field counts; a gateway never repeats one.
            let slot = match k.as_ref() {
                "sessionId" => &mut sid,
                "phoneNumber" => &mut ph,
                "serviceCode" => &mut code,
                "networkCode" => &mut net,
                "text" => &mut text,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(v.into_owned());
            }
        }
        let text = text.ok_or(GatewayError::Missing("text"))?;
        Ok(Request {
            session_id: session_id(sid)?,
            phone: phone(ph, "phoneNumber")?,
            service_code: checked("serviceCode", code.unwrap_or_default(), 32)?,
            network: checked("networkCode", net.unwrap_or_default(), 32)?,
            turn: Turn::Joined(checked("text", text, MAX_TEXT)?),
        })
    }

    fn content_type(&self) -> &'static str {
        "text/plain; charset=utf-8"
    }

    fn render(&self, _request: Option<&Request>, reply: &Reply) -> Vec<u8> {
        let head = if reply.end { "END " } else { "CON " };
        format!("{head}{}", reply.text).into_bytes()
    }
}

/// Hubtel-style JSON: explicit begin, continue and end, one input a request.
#[derive(Debug, Clone, Copy)]
pub struct Hubtel;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HubtelIn {
    #[serde(alias = "type")]
    r#type: Option<String>,
    #[serde(alias = "mobile")]
    mobile: Option<String>,
    #[serde(alias = "sessionId")]
    session_id: Option<String>,
    #[serde(alias = "serviceCode")]
    service_code: Option<String>,
    #[serde(alias = "message")]
    message: Option<String>,
    #[serde(alias = "operator")]
    operator: Option<String>,
    #[serde(alias = "sequence")]
    sequence: Option<serde_json::Value>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct HubtelOut<'a> {
    session_id: &'a str,
    r#type: &'static str,
    message: &'a str,
    label: &'static str,
    data_type: &'static str,
    field_type: &'static str,
    client_state: &'static str,
}

impl Gateway for Hubtel {
    fn name(&self) -> &'static str {
        "hubtel"
    }

    fn parse(&self, body: &[u8]) -> Result<Request, GatewayError> {
        if body.len() > MAX_BODY {
            return Err(GatewayError::TooLong("body"));
        }
        let r: HubtelIn = serde_json::from_slice(body).map_err(|_| GatewayError::Body("JSON"))?;
        let kind = r
            .r#type
            .ok_or(GatewayError::Missing("Type"))?
            .to_ascii_lowercase();
        let message = checked("Message", r.message.unwrap_or_default(), MAX_TEXT)?;
        let seq = match r.sequence {
            None => None,
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            Some(_) => None,
        };
        let turn = match kind.as_str() {
            "initiation" => Turn::Begin { dialled: message },
            "response" => {
                let seq = seq.ok_or(GatewayError::Missing("Sequence"))?;
                let seq = u32::try_from(seq)
                    .ok()
                    .filter(|s| (2..=1000).contains(s))
                    .ok_or(GatewayError::Malformed("Sequence"))?;
                Turn::Input { seq, text: message }
            }
            "release" | "timeout" => Turn::Release,
            _ => return Err(GatewayError::Malformed("Type")),
        };
        Ok(Request {
            session_id: session_id(r.session_id)?,
            phone: phone(r.mobile, "Mobile")?,
            service_code: checked("ServiceCode", r.service_code.unwrap_or_default(), 32)?,
            network: checked("Operator", r.operator.unwrap_or_default(), 32)?,
            turn,
        })
    }

    fn content_type(&self) -> &'static str {
        "application/json"
    }

    fn render(&self, request: Option<&Request>, reply: &Reply) -> Vec<u8> {
        let out = HubtelOut {
            session_id: request.map_or("", |r| r.session_id.as_str()),
            r#type: if reply.end { "Release" } else { "Response" },
            message: &reply.text,
            label: "seba",
            data_type: if reply.end { "display" } else { "input" },
            field_type: "text",
            client_state: "",
        };
        serde_json::to_vec(&out).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn africas_talking_reads_the_documented_fields() {
        let r = AfricasTalking
            .parse(b"sessionId=ATUid_1&serviceCode=%2A247%23&phoneNumber=%2B8801712345678&networkCode=47001&text=1%2A2")
            .unwrap();
        assert_eq!(r.session_id, "ATUid_1");
        assert_eq!(r.phone, "+8801712345678");
        assert_eq!(r.service_code, "*247#");
        assert_eq!(r.turn, Turn::Joined("1*2".into()));
        let first = AfricasTalking
            .parse(b"sessionId=s&phoneNumber=8801712345678&text=")
            .unwrap();
        assert_eq!(first.turn, Turn::Joined(String::new()));
    }

    #[test]
    fn africas_talking_refuses_what_is_missing_or_malformed() {
        assert_eq!(
            AfricasTalking.parse(b"phoneNumber=1&text="),
            Err(GatewayError::Missing("sessionId"))
        );
        assert_eq!(
            AfricasTalking.parse(b"sessionId=s&text="),
            Err(GatewayError::Missing("phoneNumber"))
        );
        assert_eq!(
            AfricasTalking.parse(b"sessionId=s&phoneNumber=1"),
            Err(GatewayError::Missing("text"))
        );
        assert_eq!(
            AfricasTalking.parse(b"sessionId=a%0Ab&phoneNumber=1&text="),
            Err(GatewayError::Malformed("sessionId"))
        );
        assert!(AfricasTalking.parse(&[0xff, 0xfe]).is_err());
        let long = format!("sessionId=s&phoneNumber=1&text={}", "1".repeat(3000));
        assert_eq!(
            AfricasTalking.parse(long.as_bytes()),
            Err(GatewayError::TooLong("text"))
        );
    }

    #[test]
    fn africas_talking_replies_con_or_end() {
        let more = Reply {
            text: "1 Reset PIN".into(),
            end: false,
        };
        assert_eq!(AfricasTalking.render(None, &more), b"CON 1 Reset PIN");
        let last = Reply {
            text: "Bye".into(),
            end: true,
        };
        assert_eq!(AfricasTalking.render(None, &last), b"END Bye");
    }

    #[test]
    fn hubtel_reads_begin_continue_and_end() {
        let begin = Hubtel
            .parse(br#"{"Type":"Initiation","Mobile":"8801712345678","SessionId":"h1","ServiceCode":"247","Message":"*247#","Operator":"robi","Sequence":1,"ClientState":""}"#)
            .unwrap();
        assert_eq!(
            begin.turn,
            Turn::Begin {
                dialled: "*247#".into()
            }
        );
        let next = Hubtel
            .parse(br#"{"Type":"response","Mobile":"8801712345678","SessionId":"h1","Message":"2","Sequence":"2"}"#)
            .unwrap();
        assert_eq!(
            next.turn,
            Turn::Input {
                seq: 2,
                text: "2".into()
            }
        );
        let end = Hubtel
            .parse(br#"{"Type":"Timeout","Mobile":"1","SessionId":"h1"}"#)
            .unwrap();
        assert_eq!(end.turn, Turn::Release);
        assert_eq!(
            Hubtel.parse(br#"{"Type":"Response","Mobile":"1","SessionId":"h1","Message":"2"}"#),
            Err(GatewayError::Missing("Sequence"))
        );
        assert_eq!(
            Hubtel.parse(br#"{"Type":"Bogus","Mobile":"1","SessionId":"h1"}"#),
            Err(GatewayError::Malformed("Type"))
        );
        assert_eq!(Hubtel.parse(b"not json"), Err(GatewayError::Body("JSON")));
    }

    #[test]
    fn hubtel_replies_response_or_release() {
        let req = Hubtel
            .parse(br#"{"Type":"Initiation","Mobile":"1","SessionId":"h1","Message":"*247#"}"#)
            .unwrap();
        let body = Hubtel.render(
            Some(&req),
            &Reply {
                text: "১ পিন".into(),
                end: true,
            },
        );
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["SessionId"], "h1");
        assert_eq!(v["Type"], "Release");
        assert_eq!(v["Message"], "১ পিন");
        assert_eq!(v["DataType"], "display");
    }
}
