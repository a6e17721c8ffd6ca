//! The harness of the store conformance suite: one body per test, run against a fresh
//! SQLite file and a fresh PostgreSQL schema, plus builders for the records the bodies
//! write.

use std::collections::BTreeSet;
use std::future::Future;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use seba_core::audit::EventDraft;
use seba_core::calendar::BusinessCalendar;
use seba_core::case::{Actor, Case, Channel, MessageKind, Priority, Requester, Status};
use seba_core::contact::{Email, Msisdn};
use seba_core::ids::CaseId;
use seba_core::sla::{SlaClock, SlaTargets};
use seba_store::postgres::PgStore;
use seba_store::sqlite::SqliteStore;
use seba_store::{
    CaseWrite, Commit, Committed, NewMessage, OutboxDraft, OutboxPos, OutboxRow, Store,
};

/// The environment variable naming the PostgreSQL server the suite may create schemas in.
pub const DATABASE_URL_VAR: &str = "SEBA_TEST_DATABASE_URL";

/// A test that takes longer than this has hung (a lost wake-up, a lock never released).
const TEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Generates, for each `body => sqlite_name, postgres_name;`, one test per engine. Outer
/// attributes (e.g. `#[ignore = "…"]`) may precede either wrapper's name.
macro_rules! conformance {
    ($($body:ident => $(#[$sattr:meta])* $sqlite:ident, $(#[$pattr:meta])* $pg:ident;)+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $(#[$sattr])*
            async fn $sqlite() {
                crate::common::run_sqlite(stringify!($body), $body).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $(#[$pattr])*
            async fn $pg() {
                crate::common::run_postgres(stringify!($pg), stringify!($body), $body).await;
            }
        )+
    };
}

/// Like [`conformance!`], for properties that only the PostgreSQL engine can break.
macro_rules! postgres_only {
    ($($body:ident => $(#[$pattr:meta])* $pg:ident;)+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            $(#[$pattr])*
            async fn $pg() {
                crate::common::run_postgres(stringify!($pg), stringify!($body), $body).await;
            }
        )+
    };
}

/// Generates, for each `before, after, sqlite_sql, postgres_sql => sqlite_name,
/// postgres_name;`, one upgrade test per engine (see [`run_sqlite_upgrade`]).
macro_rules! upgrade {
    ($($before:ident, $after:ident, $sqlite_sql:expr, $pg_sql:expr => $sqlite:ident, $pg:ident;)+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $sqlite() {
                crate::common::run_sqlite_upgrade(stringify!($sqlite), $sqlite_sql, $before, $after)
                    .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $pg() {
                crate::common::run_postgres_upgrade(
                    stringify!($pg),
                    stringify!($before),
                    $pg_sql,
                    $before,
                    $after,
                )
                .await;
            }
        )+
    };
}

/// How a test's body ended: `Err` carries its panic (or a hang's message).
type Outcome = Result<(), Box<dyn std::any::Any + Send>>;

/// Run `body` on its own task, so that a panic in it comes back here (after cleanup) and a
/// hang becomes a failure.
async fn run_body<F, Fut>(store: Arc<dyn Store>, body: F) -> Outcome
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let task = tokio::spawn(tokio::time::timeout(TEST_TIMEOUT, body(store)));
    match task.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_elapsed)) => Err(Box::new(format!(
            "the test did not finish within {TEST_TIMEOUT:?}"
        ))),
        Err(e) if e.is_panic() => Err(e.into_panic()),
        Err(e) => Err(Box::new(format!("the test task failed: {e}"))),
    }
}

/// An empty temporary directory of its own for `test`'s SQLite file.
fn fresh_dir(test: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "seba-store-conformance-{}-{test}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A fresh SQLite file in its own temporary directory, removed afterwards.
pub async fn run_sqlite<F, Fut>(test: &str, body: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = fresh_dir(test);
    let store = SqliteStore::open(&dir.join("seba.db"))
        .unwrap_or_else(|e| panic!("opening a SQLite store in {}: {e}", dir.display()));
    assert_eq!(seba_store::Maintenance::engine(&store), "sqlite");
    let outcome = run_body(Arc::new(store), body).await;
    // The store (and its writer thread's sender) is dropped with the finished task.
    end_sqlite(&dir, outcome);
}

/// Remove a SQLite test's directory, then pass on its panic, if any.
fn end_sqlite(dir: &std::path::Path, outcome: Outcome) {
    let _ = std::fs::remove_dir_all(dir);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// The server named by `SEBA_TEST_DATABASE_URL`; without it, `None` (the test `wrapper`
/// is skipped, and says so), except on CI, where that is a failure.
fn database_url(wrapper: &str) -> Option<String> {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true")) {
                panic!(
                    "{DATABASE_URL_VAR} is not set but CI=true: the PostgreSQL conformance tests must run on CI \
                     (set it to e.g. postgres://postgres@127.0.0.1:5432/test)"
                );
            }
            // Straight to the process's stderr, past the test harness's capture, so that a
            // skipped engine is visible in every run.
            let _ = writeln!(
                std::io::stderr(),
                "skipping {wrapper}: {DATABASE_URL_VAR} not set"
            );
            None
        }
    }
}

/// A fresh schema on the server named by `SEBA_TEST_DATABASE_URL`, dropped afterwards.
/// Without the variable the test is skipped, except on CI, where that is a failure.
pub async fn run_postgres<F, Fut>(wrapper: &str, test: &str, body: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(url) = database_url(wrapper) else {
        return;
    };
    let schema = schema_name(test);
    let store = PgStore::connect(&url, Some(&schema))
        .await
        .unwrap_or_else(|e| panic!("connecting to {DATABASE_URL_VAR} with schema {schema}: {e}"));
    assert_eq!(seba_store::Maintenance::engine(&store), "postgres");
    let outcome = run_body(Arc::new(store), body).await;
    end_postgres(wrapper, &url, &schema, outcome).await;
}

/// Drop a PostgreSQL test's schema, then pass on its panic, if any.
async fn end_postgres(wrapper: &str, url: &str, schema: &str, outcome: Outcome) {
    if let Err(e) = PgStore::drop_schema(url, schema).await {
        eprintln!("{wrapper}: could not drop schema {schema}: {e}");
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// An upgrade on SQLite: a fresh store filled by `before`, then `sql` run on a plain
/// connection (to put its tables back as an older version left them, with that
/// migration's row taken out of `schema_migrations`), then the store opened again, which
/// migrates it, for `after` (given what `before` returned). All of it is the test's body,
/// so a panic or a hang anywhere in it is caught and the directory still removed.
pub async fn run_sqlite_upgrade<T, B, BF, A, AF>(test: &str, sql: &str, before: B, after: A)
where
    T: Send + 'static,
    B: FnOnce(Arc<dyn Store>) -> BF + Send + 'static,
    BF: Future<Output = T> + Send + 'static,
    A: FnOnce(Arc<dyn Store>, T) -> AF + Send + 'static,
    AF: Future<Output = ()> + Send + 'static,
{
    let dir = fresh_dir(test);
    let path = dir.join("seba.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).expect("a fresh store"));
    let sql = sql.to_string();
    let outcome = run_body(store, move |store| async move {
        let made = before(store).await;
        let conn = rusqlite::Connection::open(&path).expect("a plain connection");
        conn.execute_batch(&sql)
            .expect("the older version's tables");
        drop(conn);
        let store = SqliteStore::open(&path).expect("the store, migrated");
        after(Arc::new(store), made).await;
    })
    .await;
    end_sqlite(&dir, outcome);
}

/// [`run_sqlite_upgrade`] on a fresh PostgreSQL schema (skipped as [`run_postgres`] is).
pub async fn run_postgres_upgrade<T, B, BF, A, AF>(
    wrapper: &str,
    test: &str,
    sql: &str,
    before: B,
    after: A,
) where
    T: Send + 'static,
    B: FnOnce(Arc<dyn Store>) -> BF + Send + 'static,
    BF: Future<Output = T> + Send + 'static,
    A: FnOnce(Arc<dyn Store>, T) -> AF + Send + 'static,
    AF: Future<Output = ()> + Send + 'static,
{
    let Some(url) = database_url(wrapper) else {
        return;
    };
    let schema = schema_name(test);
    let store: Arc<dyn Store> = Arc::new(
        PgStore::connect(&url, Some(&schema))
            .await
            .expect("a fresh schema"),
    );
    let (body_url, body_schema) = (url.clone(), schema.clone());
    let sql = format!("SET search_path TO {schema}; {sql}");
    let outcome = run_body(store, move |store| async move {
        let made = before(store).await;
        let (client, conn) = tokio_postgres::connect(&body_url, tokio_postgres::NoTls)
            .await
            .expect("a plain connection");
        let task = tokio::spawn(conn);
        client
            .batch_execute(&sql)
            .await
            .expect("the older version's tables");
        drop(client);
        let _ = task.await;
        let store = PgStore::connect(&body_url, Some(&body_schema))
            .await
            .unwrap_or_else(|e| panic!("migrating the schema again: {e}"));
        after(Arc::new(store), made).await;
    })
    .await;
    end_postgres(wrapper, &url, &schema, outcome).await;
}

/// `t_<test>_<16 hex digits>`: lower case `[a-z0-9_]`, within PostgreSQL's 63-byte names.
fn schema_name(test: &str) -> String {
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    format!("t_{clean}_{:016x}", rand::random::<u64>())
}

// ---------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------

/// Sunday 22 November 2026, 09:00 in Dhaka: the start of a business day.
pub fn base() -> Timestamp {
    "2026-11-22T03:00:00Z".parse().expect("a valid instant")
}

/// `base()` plus `secs` seconds.
pub fn at(secs: i64) -> Timestamp {
    base() + SignedDuration::from_secs(secs)
}

pub fn calendar() -> BusinessCalendar {
    BusinessCalendar::bangladesh()
}

pub fn msisdn(s: &str) -> Msisdn {
    Msisdn::parse(s).expect("a valid test number")
}

pub fn email(s: &str) -> Email {
    Email::parse(s).expect("a valid test address")
}

pub fn tags(ts: &[&str]) -> BTreeSet<String> {
    ts.iter().map(|t| t.to_string()).collect()
}

/// A new case as the intake would build it: version 1, SLA started at `created`.
pub fn new_case(id: CaseId, created: Timestamp) -> Case {
    Case {
        id,
        status: Status::New,
        channel: Channel::Web,
        priority: Priority::Normal,
        category: "mfs.wrong_transfer".into(),
        queue: Some("mfs".into()),
        assignee: None,
        subject: "ভুল নম্বরে টাকা পাঠানো হয়েছে / money sent to a wrong number".into(),
        requester: Requester {
            name: Some("রহিম উদ্দিন".into()),
            msisdn: Some(msisdn("01712345678")),
            email: Some(email("rahim@example.com")),
        },
        tags: BTreeSet::new(),
        created_at: created,
        updated_at: created,
        version: 1,
        sla: SlaClock::start(&calendar(), &SlaTargets::default(), created),
        closed_at: None,
        merged_into: None,
    }
}

pub fn message(
    case: CaseId,
    kind: MessageKind,
    author: Actor,
    body: &str,
    created: Timestamp,
) -> NewMessage {
    NewMessage {
        case_id: case,
        kind,
        author,
        body: body.into(),
        created_at: created,
        attachments: vec![],
    }
}

pub fn event(subject: &str, at: Timestamp, action: &str) -> EventDraft {
    EventDraft {
        subject: subject.into(),
        at,
        actor: "user:1".into(),
        action: action.into(),
        before: "{}".into(),
        after: serde_json::json!({ "action": action }).to_string(),
    }
}

pub fn case_subject(id: CaseId) -> String {
    format!("case:{id}")
}

pub fn draft(
    topic: &str,
    case: Option<CaseId>,
    payload: serde_json::Value,
    message_index: Option<usize>,
) -> OutboxDraft {
    OutboxDraft {
        topic: topic.into(),
        case_id: case,
        payload,
        message_index,
    }
}

/// The commit that creates `case` with one inbound message and its `create` event.
pub fn insert_commit(case: &Case) -> Commit {
    Commit {
        case: CaseWrite::Insert(case.clone()),
        messages: vec![message(
            case.id,
            MessageKind::Inbound,
            Actor::Customer,
            "প্রথম বার্তা",
            case.created_at,
        )],
        events: vec![event(
            &case_subject(case.id),
            case.created_at,
            "case.created",
        )],
        outbox: vec![],
        idempotency: None,
    }
}

/// Create a case built by `new_case` and then changed by `edit`.
pub async fn create_case(
    store: &Arc<dyn Store>,
    created: Timestamp,
    edit: impl FnOnce(&mut Case),
) -> Case {
    let id = store.next_case_id().await.expect("next_case_id");
    let mut case = new_case(id, created);
    edit(&mut case);
    store
        .commit(insert_commit(&case))
        .await
        .expect("inserting a case");
    case
}

/// A commit that changes nothing but the audit trail and the outbox.
pub fn side_commit(events: Vec<EventDraft>, outbox: Vec<OutboxDraft>) -> Commit {
    Commit {
        case: CaseWrite::None,
        messages: vec![],
        events,
        outbox,
        idempotency: None,
    }
}

// ---------------------------------------------------------------------------------------
// Reading the change feed
// ---------------------------------------------------------------------------------------

/// Every outbox row after `after` that is readable right now, page by page.
pub async fn outbox_all(store: &Arc<dyn Store>, after: OutboxPos) -> Vec<OutboxRow> {
    let mut out: Vec<OutboxRow> = Vec::new();
    let mut pos = after;
    loop {
        let page = store.outbox_after(pos, 7).await.expect("outbox_after");
        let Some(last) = page.last() else { break };
        pos = last.pos;
        out.extend(page);
    }
    out
}

/// Wait until the feed after `after` has at least `n` rows and return them. PostgreSQL
/// holds rows back while any older transaction on the server is still running (possibly
/// another test's), so a committed row may take a moment to become readable.
pub async fn wait_outbox(store: &Arc<dyn Store>, after: OutboxPos, n: usize) -> Vec<OutboxRow> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let rows = outbox_all(store, after).await;
        if rows.len() >= n {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the outbox after {after:?} still has {} rows, expected at least {n}: {rows:#?}",
            rows.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Commit a marker row and wait until the feed shows it: every row committed before the
/// marker is readable by then, so the returned feed (from the start) is complete up to it.
pub async fn feed_through_marker(store: &Arc<dyn Store>, marker: &str) -> Vec<OutboxRow> {
    let c: Committed = store
        .commit(side_commit(
            vec![],
            vec![draft(
                marker,
                None,
                serde_json::json!({ "marker": marker }),
                None,
            )],
        ))
        .await
        .expect("committing a marker");
    assert_eq!(c.outbox_seqs.len(), 1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let rows = outbox_all(store, OutboxPos::default()).await;
        if rows.iter().any(|r| r.topic == marker) {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "marker {marker} never became readable in the outbox"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
