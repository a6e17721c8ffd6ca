//! seba's ways out to customers.
//!
//! After a change commits, its outbox row is the only trace that someone outside must hear
//! of it. [`notifier`] reads the outbox in order and turns rows into deliveries (an
//! acknowledgement SMS, a reply by e-mail), remembering its cursor in the same transaction;
//! [`delivery`] sends due deliveries through the adapters with retries and backoff, and
//! records the outcome, which agents see on each message.
//!
//! The adapters speak real formats: [`sms::HttpSmsGateway`] posts to a configurable HTTP
//! gateway (tested against a local server that checks the requests — no real gateway is
//! reachable from the test machines), [`email::SmtpMailer`] speaks SMTP through lettre
//! (tested against a real SMTP server on loopback), and [`sms::StoreSink`] keeps messages
//! in the store for the demo.

pub mod delivery;
pub mod email;
pub mod notifier;
pub mod sms;

/// Why a send failed, and whether trying again may help.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub retryable: bool,
    pub message: String,
}

impl SendError {
    pub fn retry(message: impl Into<String>) -> Self {
        SendError {
            retryable: true,
            message: message.into(),
        }
    }
    pub fn fatal(message: impl Into<String>) -> Self {
        SendError {
            retryable: false,
            message: message.into(),
        }
    }
}
