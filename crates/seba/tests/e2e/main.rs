//! End-to-end tests of the `seba` binary: real processes, a real SQLite file or PostgreSQL
//! schema, HTTP on loopback.
//!
//! PostgreSQL tests use `SEBA_TEST_DATABASE_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`)
//! and a fresh schema each; without it they are skipped, or fail under `CI=true`.

mod common;

mod audit;
mod backup;
mod cases;
mod config;
mod crash;
mod points;
mod search;
mod two_nodes;
mod users;
mod ussd;
