//! HTTP API integration tests: the real router on a real socket, spoken to with reqwest.
//!
//! Each test gets a fresh store and server (see [`common`]). The key tests run on both
//! engines: `sqlite_*` on a temporary file, `postgres_*` on a fresh schema of the server
//! named by `SEBA_TEST_DATABASE_URL` (skipped with a note when unset, a failure when
//! `CI=true`).
//!
//! ```text
//! SEBA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo test -p seba-web --tests
//! ```

#[macro_use]
mod common;

mod admin_pages;
mod attachments;
mod audit;
mod auth;
mod browser;
mod cases;
mod centres_pages;
mod claim_dashboard;
mod claim_desk;
mod claim_portal;
mod claims;
mod claims_report;
mod concurrency;
mod customer;
mod desk;
mod docs;
mod help_pages;
mod idempotency;
mod merchant_pages;
mod nearest;
mod ops;
mod pages;
mod pin_reset_pages;
mod points_api;
mod points_pages;
mod search;
mod ussd;
mod ussd_pages;
mod wallet;
mod wallet_fixture;
