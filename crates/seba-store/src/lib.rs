//! seba's store: the one place that knows SQL.
//!
//! [`Store`] is the contract, split by area ([`CaseStore`], [`OutboxStore`], …). Two engines
//! implement it: [`sqlite::SqliteStore`], the embedded default, and
//! [`postgres::PgStore`], for several nodes sharing one database. The server holds an
//! `Arc<dyn Store>` and never learns which engine it has.
//!
//! Every write that changes a case goes through [`CaseStore::commit`]: the case row, its
//! messages, its audit events, its outbox rows and the idempotency record land in one
//! transaction or not at all.

pub mod model;
pub mod postgres;
pub mod sqlite;

mod codec;
mod migrations;

use async_trait::async_trait;
use jiff::Timestamp;
use seba_core::audit::AuditEvent;
use seba_core::case::Case;
use seba_core::ids::{CaseId, UserId};

pub use model::*;

/// What a store can fail with. `Conflict`, `Duplicate` and `NotFound` are expected
/// outcomes the caller handles; `Backend` is a fault (disk, network, bug).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// An update's expected version was stale: someone else changed the row first.
    #[error("version conflict: the record was changed by someone else (now at version {current})")]
    Conflict { current: i64 },
    /// A unique key was taken (idempotency key, username, …).
    #[error("duplicate: {0}")]
    Duplicate(String),
    #[error("store backend: {0}")]
    Backend(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, msg) = &e
            && f.code == rusqlite::ErrorCode::ConstraintViolation
            && (f.extended_code == 2067 || f.extended_code == 1555)
        {
            return StoreError::Duplicate(msg.clone().unwrap_or_default());
        }
        if matches!(e, rusqlite::Error::QueryReturnedNoRows) {
            return StoreError::NotFound;
        }
        StoreError::Backend(e.to_string())
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        if let Some(db) = e.as_db_error()
            && *db.code() == tokio_postgres::error::SqlState::UNIQUE_VIOLATION
        {
            return StoreError::Duplicate(db.constraint().unwrap_or_default().to_string());
        }
        StoreError::Backend(match e.as_db_error() {
            Some(db) => format!("{}: {}", db.code().code(), db.message()),
            None => e.to_string(),
        })
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Backend(format!("connection pool: {e}"))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Backend(format!("stored JSON: {e}"))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Cases, their threads, idempotency records and attachments.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// A fresh case id, unique across every node sharing the store. Ids may skip.
    async fn next_case_id(&self) -> Result<CaseId>;
    /// Apply one unit of work atomically. See [`Commit`].
    async fn commit(&self, commit: Commit) -> Result<Committed>;
    async fn case(&self, id: CaseId) -> Result<Option<Case>>;
    async fn list_cases(&self, filter: &CaseFilter, page: &PageRequest) -> Result<Vec<Case>>;
    async fn messages(&self, case: CaseId) -> Result<Vec<StoredMessage>>;
    /// Many cases in one call, in the order of `ids`; ids the store does not have are left
    /// out (search results are loaded this way).
    async fn cases(&self, ids: Vec<CaseId>) -> Result<Vec<Case>>;
    /// Many cases with their threads (oldest message first) in one call, for indexers;
    /// ids the store does not have are left out.
    async fn cases_with_threads(
        &self,
        ids: Vec<CaseId>,
    ) -> Result<Vec<(Case, Vec<seba_core::case::Message>)>>;
    async fn count_cases(&self) -> Result<Vec<(String, i64)>>;
    async fn idempotent_response(&self, scope: &str, key: &str) -> Result<Option<StoredResponse>>;
    /// Record a response for a key outside a case commit; an existing record wins.
    async fn save_idempotent_response(&self, record: IdempotencyRecord) -> Result<()>;
    async fn put_blob(
        &self,
        sha256: &str,
        content_type: &str,
        bytes: Vec<u8>,
        at: Timestamp,
    ) -> Result<()>;
    async fn blob(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>>;
}

/// The hash-chained audit trail.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Events in (subject, seq) order, after `after` (exclusive), at most `limit`.
    async fn audit_page(&self, after: Option<(String, i64)>, limit: u32)
    -> Result<Vec<AuditEvent>>;
    async fn audit_events(&self, subject: &str) -> Result<Vec<AuditEvent>>;
    /// Each chain's recorded head (subject, seq, hash), in subject order after `after`.
    async fn audit_heads(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<(String, i64, String)>>;
}

/// The ordered change feed, its consumers' cursors, and outbound deliveries.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    async fn outbox_after(&self, after: OutboxPos, limit: u32) -> Result<Vec<OutboxRow>>;
    /// The position of the last row [`OutboxStore::outbox_after`] can return now (the
    /// default position when there is none): a consumer that starts from a snapshot taken
    /// after this call and then reads after this position misses nothing.
    async fn outbox_head(&self) -> Result<OutboxPos>;
    async fn cursor(&self, consumer: &str) -> Result<OutboxPos>;
    /// Queue deliveries and move `consumer` from `from` to `to` in one transaction.
    /// Deliveries are unique by `dedupe_key`, so replaying a batch queues nothing twice.
    async fn enqueue_and_advance(
        &self,
        consumer: &str,
        from: OutboxPos,
        to: OutboxPos,
        deliveries: Vec<NewDelivery>,
    ) -> Result<()>;
    /// Lease up to `limit` deliveries that are due, so no other worker takes them.
    async fn claim_deliveries(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<Delivery>>;
    async fn finish_delivery(&self, id: i64, outcome: DeliveryOutcome, at: Timestamp)
    -> Result<()>;
    async fn deliveries_for_case(&self, case: CaseId) -> Result<Vec<Delivery>>;
    /// The demo SMS sink: a phone's inbox kept in the store.
    async fn record_sms(&self, to: &str, body: &str, at: Timestamp) -> Result<()>;
    async fn sms_sent(&self, to: Option<&str>, limit: u32) -> Result<Vec<SentSms>>;
}

/// Staff, sessions, API tokens, and customers' one-time codes.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    async fn create_user(
        &self,
        user: NewUser,
        event: seba_core::audit::EventDraft,
    ) -> Result<UserId>;
    async fn user_by_name(&self, username: &str) -> Result<Option<User>>;
    async fn user(&self, id: UserId) -> Result<Option<User>>;
    async fn users(&self) -> Result<Vec<User>>;
    /// Count a failed login; lock the account until `lock_until` when the count reaches `limit`.
    async fn login_failed(&self, id: UserId, limit: u32, lock_until: Timestamp) -> Result<()>;
    async fn login_succeeded(&self, id: UserId) -> Result<()>;
    async fn create_session(&self, session: Session) -> Result<()>;
    async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    async fn create_api_token(
        &self,
        token: ApiToken,
        event: seba_core::audit::EventDraft,
    ) -> Result<()>;
    async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>>;
    async fn create_challenge(&self, c: Challenge) -> Result<()>;
    /// Spend one attempt on a challenge that is live at `now`; `None` if expired, used up or unknown.
    async fn attempt_challenge(&self, id: &str, now: Timestamp) -> Result<Option<Challenge>>;
    async fn complete_challenge(&self, id: &str, at: Timestamp) -> Result<()>;
    async fn recent_challenges(&self, msisdn: &str, since: Timestamp) -> Result<i64>;
}

/// Taxonomy, queues, SLA policies, holidays and small settings.
#[async_trait]
pub trait SettingsStore: Send + Sync {
    async fn upsert_queue(&self, q: Queue) -> Result<()>;
    async fn queues(&self) -> Result<Vec<Queue>>;
    async fn upsert_category(&self, c: Category) -> Result<()>;
    async fn categories(&self) -> Result<Vec<Category>>;
    async fn upsert_sla_policy(&self, p: SlaPolicy) -> Result<()>;
    async fn sla_policies(&self) -> Result<Vec<SlaPolicy>>;
    /// Replace the holidays of one year.
    async fn set_holidays(&self, year: i16, days: Vec<Holiday>) -> Result<()>;
    async fn holidays(&self) -> Result<Vec<Holiday>>;
    async fn meta(&self, key: &str) -> Result<Option<String>>;
    /// Set `key` only if absent; true if this call set it.
    async fn set_meta_once(&self, key: &str, value: &str) -> Result<bool>;
}

/// Engine-level operations.
#[async_trait]
pub trait Maintenance: Send + Sync {
    fn engine(&self) -> &'static str;
    /// Can the store answer right now? (for `/readyz`)
    async fn ping(&self) -> Result<()>;
    /// Periodic upkeep (keep the query planner's statistics fresh); cheap when nothing is due.
    async fn maintain(&self) -> Result<()>;
    /// A consistent copy of the whole store at `dest` (SQLite only).
    async fn backup(&self, dest: &std::path::Path) -> Result<()>;
}

/// The whole contract.
pub trait Store:
    CaseStore + AuditStore + OutboxStore + DirectoryStore + SettingsStore + Maintenance
{
}
impl<T: CaseStore + AuditStore + OutboxStore + DirectoryStore + SettingsStore + Maintenance> Store
    for T
{
}

/// Open the store a URL names: `sqlite://PATH` (or a bare path) or `postgres://…`.
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(
            postgres::PgStore::connect(url, None).await?,
        ))
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(std::sync::Arc::new(sqlite::SqliteStore::open(
            std::path::Path::new(path),
        )?))
    }
}
