//! The channel adapters against local servers on loopback: an HTTP server standing in for
//! an SMS gateway, and a real SMTP server (Python's aiosmtpd; without it the SMTP tests are
//! skipped, or fail under `CI=true`).

mod common;

mod delivery;
mod sms;
mod smtp;
