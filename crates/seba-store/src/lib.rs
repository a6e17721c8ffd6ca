//! seba's store: the one place that knows SQL.
//!
//! [`Store`] is the contract, split by area ([`CaseStore`], [`OutboxStore`], …). Two engines
//! implement it: [`sqlite::SqliteStore`], the embedded default, and
//! [`postgres::PgStore`], for several nodes sharing one database. The server holds an
//! `Arc<dyn Store>` and never learns which engine it has.
//!
//! Every write that changes a case goes through [`CaseStore::commit`]: the case row, its
//! messages, its audit events, its outbox rows and the idempotency record land in one
//! transaction or not at all. Records kept beside the cases that must be audited (ratings,
//! help articles, canned responses, service points, merchants and claims) ride along in the
//! same transaction as [`SideWrite`]s through [`CaseStore::commit_with`].

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
    /// Have at least `count` case ids ready for [`next_case_id`](Self::next_case_id),
    /// fetched in one round trip: for a caller about to create that many cases at once (an
    /// import), so that it never waits on the store for an id mid-way. Ids left unused
    /// when the process stops are skipped.
    async fn reserve_case_ids(&self, count: usize) -> Result<()>;
    /// Apply one unit of work atomically. See [`Commit`].
    async fn commit(&self, commit: Commit) -> Result<Committed> {
        self.commit_with(commit, Vec::new()).await
    }
    /// [`CaseStore::commit`] together with writes to records beside the cases (a rating,
    /// an article, a canned response), in the same transaction: a refused side write — a
    /// second rating, a stale article version — undoes the case row, the messages, the
    /// audit events and the outbox rows of the commit too.
    async fn commit_with(&self, commit: Commit, side: Vec<SideWrite>) -> Result<Committed>;
    /// Many [`CaseStore::commit_with`]s in one transaction, for bulk intake: all of them or
    /// none, at the cost of one durable write. If one is refused (a taken key, a stale
    /// version), nothing of the batch is kept and the inner error names it by its index, so
    /// the caller can set it aside and send the rest again. The outer error is the store's.
    async fn commit_many(
        &self,
        items: Vec<(Commit, Vec<SideWrite>)>,
    ) -> Result<std::result::Result<Vec<Committed>, (usize, StoreError)>>;
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
    /// The customer's rating of a case, if it was rated (written by [`SideWrite::Rating`]).
    async fn rating(&self, case: CaseId) -> Result<Option<Rating>>;
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
    /// Change a staff member's role and whether the account is disabled, with its audit
    /// event (on the chain `user:<id>`), in one transaction; disabling also ends the
    /// member's sessions. `NotFound` if there is no such user.
    async fn update_user(
        &self,
        id: UserId,
        role: seba_core::staff::Role,
        disabled: bool,
        event: seba_core::audit::EventDraft,
    ) -> Result<()>;
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

/// Help articles and canned responses; written through [`CaseStore::commit_with`] so each
/// change commits with its audit event.
#[async_trait]
pub trait KnowledgeStore: Send + Sync {
    /// Articles by `position`, then slug (byte order on both engines); unpublished ones
    /// only if asked for.
    async fn articles(&self, include_unpublished: bool) -> Result<Vec<Article>>;
    async fn article(&self, slug: &str) -> Result<Option<Article>>;
    /// Canned responses by code.
    async fn canned(&self) -> Result<Vec<Canned>>;
    async fn canned_one(&self, code: &str) -> Result<Option<Canned>>;
}

/// Service points (centres, agent points, pop-up desks, G2P points, drop boxes); written
/// through [`CaseStore::commit_with`] as [`SideWrite::ServicePoint`], so each change
/// commits with its audit event and outbox row.
#[async_trait]
pub trait PointStore: Send + Sync {
    /// A fresh point id, never handed out before; ids may skip.
    async fn next_point_id(&self) -> Result<i64>;
    /// `n` fresh point ids at once (for imports), in increasing order; like
    /// [`PointStore::next_point_id`], never handed out before.
    async fn next_point_ids(&self, n: u32) -> Result<Vec<i64>>;
    /// Points by division, district, then id; closed ones only if asked for.
    async fn service_points(&self, include_closed: bool) -> Result<Vec<PointRecord>>;
    async fn service_point(&self, id: i64) -> Result<Option<PointRecord>>;
    /// One page of a listing, by id (see [`PointFilter`]); only the conditions given are
    /// put in the query, so a kind or a district walks its `(kind, id)` or
    /// `(district, id)` index.
    async fn service_points_page(&self, filter: &PointFilter) -> Result<Vec<PointRecord>>;
}

/// Who is on which case page right now. Ephemeral and unaudited: a lost row only hides a
/// hint for a few seconds.
#[async_trait]
pub trait PresenceStore: Send + Sync {
    /// Record that `user` was on `case`'s page at `at`, doing `activity`; one row per
    /// (case, user), never moved back in time.
    async fn touch_presence(
        &self,
        case: CaseId,
        user: UserId,
        activity: Activity,
        at: Timestamp,
    ) -> Result<()>;
    /// Everyone seen on `case` at or after `since`, with their display names, most
    /// recently seen first.
    async fn presence(&self, case: CaseId, since: Timestamp) -> Result<Vec<Presence>>;
    /// Forget rows last seen before `before`; returns how many went.
    async fn prune_presence(&self, before: Timestamp) -> Result<u64>;
}

/// Counts for the supervisors' dashboard, aggregated in SQL from covering indexes, so a
/// store of a million cases answers in milliseconds. Both engines return the same numbers
/// in the same order.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Cases created in the window, per local day and channel, by day then channel.
    async fn created_per_day(&self, window: &ReportWindow) -> Result<Vec<DayChannelCount>>;
    /// Cases created in the window per category code as stored, most first, then by code.
    async fn created_per_category(&self, window: &ReportWindow) -> Result<Vec<CategoryCount>>;
    /// Active cases by age at `now` (from `created_at`), and how many are breached.
    async fn backlog(&self, now: Timestamp) -> Result<Backlog>;
    /// Cases resolved in the window per local day of resolution: within their resolution
    /// due or after it. Days without resolutions are left out.
    async fn sla_per_day(&self, window: &ReportWindow) -> Result<Vec<SlaDay>>;
    /// Ratings given in the window, by score.
    async fn csat(&self, window: &ReportWindow) -> Result<CsatCounts>;
}

/// Engine-level operations.
#[async_trait]
pub trait Maintenance: Send + Sync {
    fn engine(&self) -> &'static str;
    /// Can the store answer right now? (for `/readyz`)
    async fn ping(&self) -> Result<()>;
    /// Periodic upkeep (keep the query planner's statistics fresh, forget presence older
    /// than [`PRESENCE_KEPT`]); cheap when nothing is due.
    async fn maintain(&self) -> Result<()>;
    /// A consistent copy of the whole store at `dest` (SQLite only).
    async fn backup(&self, dest: &std::path::Path) -> Result<()>;
}

/// Wallet accounts, PIN lockout and self-service resets: seba's own directory, the
/// default and the demo's. Writes that must be audited go through
/// [`CaseStore::commit_with`] as [`SideWrite`]s (`PinSettled`, `WalletPin`,
/// `WalletUnlock`, `ResetSession`, `ResetGuard`).
#[async_trait]
pub trait WalletStore: Send + Sync {
    /// Add or replace accounts (loading a directory, the demo). Not audited: this is the
    /// core system's data.
    async fn upsert_wallet_accounts(&self, accounts: Vec<WalletAccountRecord>) -> Result<()>;
    async fn wallet_account(&self, msisdn: &str) -> Result<Option<WalletAccountRecord>>;
    async fn add_wallet_transactions(&self, txs: Vec<WalletTransactionRecord>) -> Result<()>;
    /// The newest `limit` transactions of a number, newest first.
    async fn recent_wallet_transactions(
        &self,
        msisdn: &str,
        limit: u32,
    ) -> Result<Vec<WalletTransactionRecord>>;
    /// Claim one PIN attempt, atomically: unless the account is locked at `now`, count it
    /// as wrong in advance (a lock that has ended starts a fresh count) and, if that
    /// reaches `policy.limit`, lock the account now. However many attempts run in
    /// parallel, no more than `limit` are granted before a right PIN or a lock's end.
    async fn claim_pin_attempt(
        &self,
        msisdn: &str,
        now: Timestamp,
        policy: &PinLockPolicy,
    ) -> Result<PinClaim>;
    async fn reset_session(&self, token_hash: &str) -> Result<Option<ResetSessionRecord>>;
    async fn reset_guard(
        &self,
        msisdn: &str,
        day: jiff::civil::Date,
    ) -> Result<Option<ResetGuardRecord>>;
}

/// USSD sessions, the language each number chose, and the PIN reset each may resume. A USSD session lives in the store,
/// not in a node's memory, because the gateway may send its next step to any node; each
/// step is a save over the version read, so two nodes answering the same step cannot
/// both move it on. Not audited (a session is a conversation in progress) and not part
/// of [`Maintenance::maintain`]: the application expires and prunes sessions on its own
/// schedule.
#[async_trait]
pub trait UssdStore: Send + Sync {
    /// The session with this id, whatever its outcome.
    async fn ussd_session(&self, id: &str) -> Result<Option<UssdSessionRecord>>;
    /// Insert when `expected_version` is None (StoreError::Duplicate if the id exists);
    /// otherwise replace the row only WHERE version = expected (StoreError::Conflict if the
    /// row is missing or its version differs). The record passed carries the new version.
    ///
    /// A missing row is a conflict too, reported as `current: 0` (no version is 0),
    /// because it means the session was pruned under the caller: its answer is as stale
    /// as one from an overtaken version.
    async fn save_ussd_session(
        &self,
        record: UssdSessionRecord,
        expected_version: Option<i64>,
    ) -> Result<()>;
    /// The language a number chose last ("bn" or "en"), if any.
    async fn ussd_language(&self, msisdn: &str) -> Result<Option<String>>;
    /// Remember a number's language (upsert).
    async fn set_ussd_language(&self, msisdn: &str, lang: &str, at: Timestamp) -> Result<()>;
    /// The PIN reset a number's USSD caller can pick up again after the session dropped
    /// (its reset token, until `expires_at`), if any and not expired at `now`.
    async fn ussd_resume(&self, msisdn: &str, now: Timestamp) -> Result<Option<String>>;
    /// Remember (`Some((token, expires_at))`, replacing any earlier one) or forget (`None`)
    /// the reset a number may resume.
    async fn set_ussd_resume(
        &self,
        msisdn: &str,
        resume: Option<(String, Timestamp)>,
    ) -> Result<()>;
    /// Mark every session still "open" whose expires_at <= now as "abandoned", set its
    /// state to "{}" (so nothing a caller typed is kept), bump its version; return how
    /// many.
    ///
    /// The version bump makes a node still answering such a session get a conflict
    /// instead of reviving it.
    ///
    /// Also deletes the resumable resets (see [`UssdStore::ussd_resume`]) whose expires_at
    /// <= now; those are not counted.
    async fn expire_ussd_sessions(&self, now: Timestamp) -> Result<u64>;
    /// Delete sessions that started before `before`; return how many.
    async fn prune_ussd_sessions(&self, before: Timestamp) -> Result<u64>;
    /// Sessions started in [from, to), counted by (menu, step, outcome), ordered by those
    /// three.
    ///
    /// The order is byte order on both engines, so both give the same list.
    async fn ussd_stats(&self, from: Timestamp, to: Timestamp) -> Result<Vec<UssdStatRow>>;
}

/// The e-commerce complaint cell: merchants, the claims against them (each a case with a
/// `claims` row beside it), refunds and import keys. Written through
/// [`CaseStore::commit_with`] as [`SideWrite::Merchant`], [`SideWrite::Claim`],
/// [`SideWrite::Refund`] and [`SideWrite::ImportRow`], with the case and its audit
/// event. Claim writes keep per-merchant totals in the same transaction, so a merchant's
/// numbers are one row and a few index ranges at any number of claims.
#[async_trait]
pub trait ClaimStore: Send + Sync {
    /// A fresh merchant id, never handed out before; ids may skip.
    async fn next_merchant_id(&self) -> Result<i64>;
    /// The merchant a merchant-portal user works for.
    async fn merchant_of_user(&self, user: UserId) -> Result<Option<i64>>;
    /// Bind a user to the merchant they work for (replacing an earlier binding);
    /// `NotFound` if the merchant does not exist.
    async fn bind_merchant_user(&self, user: UserId, merchant_id: i64) -> Result<()>;
    /// Every merchant, by id.
    async fn merchants(&self) -> Result<Vec<MerchantRecord>>;
    async fn merchant(&self, id: i64) -> Result<Option<MerchantRecord>>;
    async fn claim(&self, case: CaseId) -> Result<Option<ClaimRecord>>;
    async fn claim_by_key(&self, dedup_key: &str) -> Result<Option<ClaimRecord>>;
    /// A merchant's claims (at one stage, if given), newest first, keyset-paged by case
    /// id: those below `before`, at most `limit` (1 to 500).
    async fn claims_of_merchant(
        &self,
        merchant_id: i64,
        stage: Option<&str>,
        before: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<ClaimRecord>>;
    /// Every claim (at one stage, if given), newest first, keyset-paged like
    /// [`ClaimStore::claims_of_merchant`].
    async fn claims(
        &self,
        stage: Option<&str>,
        before: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<ClaimRecord>>;
    /// The refunds recorded on a claim, by the day paid, then as recorded.
    async fn refunds(&self, case: CaseId) -> Result<Vec<RefundRecord>>;
    /// Which of these import keys are already taken, in the order given, once each.
    async fn imported(&self, keys: &[String]) -> Result<Vec<String>>;
    /// Which of these claims' dedup keys already have a claim, in the order given, once
    /// each.
    async fn claimed(&self, dedup_keys: &[String]) -> Result<Vec<String>>;
    /// Every merchant with claims, by id, with the deadlines missed as of `now`.
    async fn merchant_summaries(&self, now: Timestamp) -> Result<Vec<MerchantSummary>>;
    /// One merchant's numbers (zeros if it has no claims); `None` if there is no such
    /// merchant.
    async fn merchant_summary(
        &self,
        merchant_id: i64,
        now: Timestamp,
    ) -> Result<Option<MerchantSummary>>;
    /// Claims per claimant's district, by district.
    async fn claims_by_district(&self) -> Result<Vec<DistrictSummary>>;
    /// Claims per month of the order date, by month.
    async fn claims_by_month(&self) -> Result<Vec<MonthSummary>>;
}

/// How long [`Maintenance::maintain`] keeps presence rows; far longer than anyone asks
/// about, so pruning never races a live page.
pub const PRESENCE_KEPT: jiff::SignedDuration = jiff::SignedDuration::from_secs(3600);

/// The whole contract.
pub trait Store:
    CaseStore
    + AuditStore
    + OutboxStore
    + DirectoryStore
    + SettingsStore
    + KnowledgeStore
    + PointStore
    + PresenceStore
    + ReportStore
    + WalletStore
    + UssdStore
    + ClaimStore
    + Maintenance
{
}
impl<T> Store for T where
    T: CaseStore
        + AuditStore
        + OutboxStore
        + DirectoryStore
        + SettingsStore
        + KnowledgeStore
        + PointStore
        + PresenceStore
        + ReportStore
        + WalletStore
        + UssdStore
        + ClaimStore
        + Maintenance
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
