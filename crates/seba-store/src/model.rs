//! The records that cross the store contract.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use seba_core::audit::EventDraft;
use seba_core::case::{
    Actor, AttachmentRef, Case, Channel, Message, MessageKind, Priority, Status,
};
use seba_core::ids::{CaseId, MessageId, UserId};
use seba_core::staff::Role;

/// One atomic unit of work on a case (or on nothing but the audit trail).
pub struct Commit {
    pub case: CaseWrite,
    pub messages: Vec<NewMessage>,
    /// Audit events; the store gives each its `seq` and chains its hash.
    pub events: Vec<EventDraft>,
    pub outbox: Vec<OutboxDraft>,
    /// The response to remember under an idempotency key, built once the ids are known.
    pub idempotency: Option<IdempotencyHook>,
}

impl std::fmt::Debug for Commit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Commit")
            .field("case", &self.case)
            .field("messages", &self.messages.len())
            .field("events", &self.events.len())
            .field("outbox", &self.outbox.len())
            .finish()
    }
}

#[derive(Debug)]
pub enum CaseWrite {
    None,
    /// A new case; its id came from `next_case_id`.
    Insert(Case),
    /// Replace the case if its stored version is still `expected_version`; the new row
    /// carries `case.version`, which must be `expected_version + 1`.
    Update {
        case: Case,
        expected_version: i64,
    },
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub case_id: CaseId,
    pub kind: MessageKind,
    pub author: Actor,
    pub body: String,
    pub created_at: Timestamp,
    pub attachments: Vec<AttachmentRef>,
}

/// A change-feed entry to be written with the commit.
#[derive(Debug, Clone)]
pub struct OutboxDraft {
    pub topic: String,
    pub case_id: Option<CaseId>,
    /// JSON text. `{"message": "$0"}`-style references are not needed: messages written in
    /// the same commit are referred to by index in `message_index`.
    pub payload: serde_json::Value,
    /// Index into `Commit::messages` whose id the store adds to the payload as `message_id`.
    pub message_index: Option<usize>,
}

/// Builds the response stored under an idempotency key, inside the transaction.
pub struct IdempotencyHook {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
    pub build: Box<dyn FnOnce(&Committed) -> StoredResponse + Send>,
}

/// What a commit produced.
#[derive(Debug, Clone, Default)]
pub struct Committed {
    pub message_ids: Vec<MessageId>,
    pub outbox_seqs: Vec<i64>,
}

/// A response remembered under an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
    /// Headers worth replaying (Location, ETag).
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct IdempotencyRecord {
    pub scope: String,
    pub key: String,
    pub response: StoredResponse,
    pub at: Timestamp,
}

/// Filters for listing cases; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub statuses: Vec<Status>,
    pub queue: Option<String>,
    /// `Some(None)`: unassigned only.
    pub assignee: Option<Option<UserId>>,
    /// A top-level code matches its children too.
    pub category: Option<String>,
    pub channel: Option<Channel>,
    pub priority: Option<Priority>,
    pub created_from: Option<Timestamp>,
    pub created_to: Option<Timestamp>,
    pub sla: Option<SlaFilter>,
    pub msisdn: Option<String>,
    pub email: Option<String>,
    pub tag: Option<String>,
    /// "Now", for the SLA filters.
    pub now: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaFilter {
    OnTrack,
    AtRisk,
    Breached,
    Paused,
}

/// Keyset pagination: newest first (cases with id below `before`), or, for the SLA
/// views, soonest deadline first (active cases only; those after `after_due`).
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub before: Option<CaseId>,
    pub limit: u32,
    pub order: CaseOrder,
    /// With [`CaseOrder::DueSoonest`]: the (resolution due, id) of the last case of the
    /// previous page.
    pub after_due: Option<(Timestamp, CaseId)>,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            before: None,
            limit: 50,
            order: CaseOrder::Newest,
            after_due: None,
        }
    }
}

/// The order of a case list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CaseOrder {
    /// By id, newest first.
    #[default]
    Newest,
    /// By resolution due, soonest (or most overdue) first, then by id; active cases only.
    /// Read from the deadline indexes, so "at risk" and "breached" stay a page read at any
    /// size of backlog.
    DueSoonest,
}

/// A message with the delivery state of the outbound copy, if any.
#[derive(Debug, Clone, Serialize)]
pub struct StoredMessage {
    #[serde(flatten)]
    pub message: Message,
    pub delivery: Option<DeliveryState>,
}

/// A position in the change feed. On SQLite `tx` is always 0; on PostgreSQL it is the
/// writing transaction's id, which orders rows safely across concurrent writers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OutboxPos {
    pub tx: i64,
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub pos: OutboxPos,
    pub topic: String,
    pub case_id: Option<CaseId>,
    pub payload: serde_json::Value,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryChannel {
    Sms,
    Email,
}

impl DeliveryChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryChannel::Sms => "sms",
            DeliveryChannel::Email => "email",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sms" => Some(DeliveryChannel::Sms),
            "email" => Some(DeliveryChannel::Email),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Queued,
    Retrying,
    Sent,
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Queued => "queued",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(DeliveryState::Queued),
            "retrying" => Some(DeliveryState::Retrying),
            "sent" => Some(DeliveryState::Sent),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// Unique: the same outbox row never queues the same delivery twice.
    pub dedupe_key: String,
    pub case_id: Option<CaseId>,
    pub message_id: Option<MessageId>,
    pub channel: DeliveryChannel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub dedupe_key: String,
    pub case_id: Option<CaseId>,
    pub message_id: Option<MessageId>,
    pub channel: DeliveryChannel,
    #[serde(skip)]
    pub recipient: String,
    #[serde(skip)]
    pub subject: String,
    #[serde(skip)]
    pub body: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone)]
pub enum DeliveryOutcome {
    Sent,
    Retry { at: Timestamp, error: String },
    Failed { error: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct SentSms {
    pub id: i64,
    pub to: String,
    pub body: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: String,
    pub disabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<Timestamp>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the cookie value; the value itself is never stored.
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct ApiToken {
    pub token_hash: String,
    pub user_id: UserId,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked: bool,
}

/// A one-time code sent to a customer's phone before any detail of a case is shown.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub id: String,
    pub case_id: CaseId,
    pub msisdn: String,
    pub code_hash: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub attempts: i32,
    pub max_attempts: i32,
    pub completed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub code: String,
    pub name_bn: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub parent: Option<String>,
    pub name_bn: String,
    pub name_en: String,
    pub queue: String,
}

/// SLA targets for a category and/or priority; the most specific match wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub id: String,
    pub category: Option<String>,
    pub priority: Option<Priority>,
    pub ack_minutes: i64,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    pub max_calendar_days: i64,
    pub at_risk_percent: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: jiff::civil::Date,
    pub name_bn: String,
    pub name_en: String,
}

/// A write to a record kept beside the cases, applied in the same transaction as a
/// [`Commit`] (see [`crate::CaseStore::commit_with`]): the record, its audit event and its
/// outbox row land together, and a refused side write undoes the whole commit.
#[derive(Debug, Clone)]
pub enum SideWrite {
    /// A customer's rating of a case. Each case is rated once; a second rating is
    /// [`crate::StoreError::Duplicate`].
    Rating(Rating),
    /// Insert an article (`expected_version: None`; a taken slug is `Duplicate`), or
    /// replace it if its stored version is still `expected_version` (else `Conflict`, or
    /// `NotFound`). The row carries `article.version`, which the caller sets to 1 or to
    /// `expected_version + 1`, as for cases.
    Article {
        article: Article,
        expected_version: Option<i64>,
    },
    /// Remove an article by slug; `NotFound` if there is none.
    DeleteArticle(String),
    /// Insert or replace a canned response, with the same version rule as articles.
    Canned {
        canned: Canned,
        expected_version: Option<i64>,
    },
    /// Remove a canned response by code; `NotFound` if there is none.
    DeleteCanned(String),
    /// Insert a service point (`expected_version: None`; its id, from
    /// [`crate::PointStore::next_point_id`], taken is `Duplicate`), or replace it if its
    /// stored version is still `expected_version` (else `Conflict`, or `NotFound`). The
    /// caller sets `point.version` to 1 or `expected_version + 1`, as for articles.
    /// Closing and reopening are replacements with `closed` changed.
    ServicePoint {
        point: PointRecord,
        expected_version: Option<i64>,
    },
    /// Settle a PIN attempt claimed with [`crate::WalletStore::claim_pin_attempt`]: a
    /// right PIN clears the failure count, the lock and the escalation; a wrong one
    /// leaves the claim counted (and the lock it may have placed). `NotFound` if there
    /// is no such account.
    PinSettled { msisdn: String, right: bool },
    /// Replace an account's PIN (a completed reset, or a supervisor's unlock with a new
    /// PIN): the old hash goes to the front of the history, which keeps
    /// [`PIN_HISTORY`] hashes; the failure count, the lock and the escalation are
    /// cleared. `Conflict` if the account's version is no longer `expected_version`,
    /// `NotFound` if there is no account. The new row carries `expected_version + 1`.
    WalletPin {
        msisdn: String,
        pin_hash: String,
        expected_version: i64,
        at: Timestamp,
    },
    /// Clear an account's lock and failure count without changing the PIN (a
    /// supervisor's unlock after identity checks over the phone). `NotFound` if none.
    WalletUnlock { msisdn: String },
    /// Insert a reset session (`expected_version: None`; a taken token hash is
    /// `Duplicate`) or replace it if its stored version is still `expected_version`
    /// (else `Conflict`, or `NotFound`). The caller sets `session.version`.
    ResetSession {
        session: ResetSessionRecord,
        expected_version: Option<i64>,
    },
    /// Insert or replace one number's reset limits for one day, with the same version
    /// rule as sessions.
    ResetGuard {
        guard: ResetGuardRecord,
        expected_version: Option<i64>,
    },
    /// Insert a merchant (`expected_version: None`; its id, from
    /// [`crate::ClaimStore::next_merchant_id`], taken is `Duplicate`), or replace it if
    /// its stored version is still `expected_version` (else `Conflict`, or `NotFound`).
    /// The caller sets `merchant.version` to 1 or `expected_version + 1`.
    Merchant {
        merchant: MerchantRecord,
        expected_version: Option<i64>,
    },
    /// Insert a claim beside its case (`expected_version: None`; the case must exist, in
    /// this commit or before; a taken case id or dedup key is `Duplicate`), or replace it
    /// if its stored version is still `expected_version` (else `Conflict`, or
    /// `NotFound`; a dedup key another claim holds is `Duplicate`). A merchant that does
    /// not exist is `NotFound`. Either way the merchant's totals (claims, distinct
    /// claimants, paid, refunded, open) change in the same transaction, on both merchants
    /// when a replacement moves the claim. The caller sets `claim.version` as for
    /// merchants.
    Claim {
        claim: ClaimRecord,
        expected_version: Option<i64>,
    },
    /// Record a refund paid on a claim (its `id` is ignored: the store numbers refunds).
    /// `NotFound` if there is no such claim. The claim's `refunded_poisha` and stage are
    /// the caller's to change, with a [`SideWrite::Claim`] in the same commit.
    Refund(RefundRecord),
    /// Remember that an import's row `key` was filed as `case_id`; a taken key is
    /// `Duplicate`, so a file imported twice files nothing twice.
    ImportRow { key: String, case_id: CaseId },
}

/// How many earlier PIN hashes an account keeps, so a new PIN can be refused for being
/// one of the last ones.
pub const PIN_HISTORY: usize = 3;

/// A wallet account as seba's own directory keeps it. Secrets are never stored in the
/// clear: the NID as a keyed hash, the PIN (and the earlier ones) as argon2id hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletAccountRecord {
    /// E.164 (`+8801712345678`): the key.
    pub msisdn: String,
    pub name: String,
    /// A keyed hash (HMAC-SHA-256 with the server's pepper), hex.
    pub nid_hash: String,
    pub date_of_birth: jiff::civil::Date,
    /// `active`, `suspended` or `closed`.
    pub status: String,
    /// argon2id, PHC string.
    pub pin_hash: String,
    /// Earlier PIN hashes, newest first, at most [`PIN_HISTORY`].
    pub pin_history: Vec<String>,
    /// Wrong PINs claimed since the last right one (or the last lock's end).
    pub failed_pins: i32,
    pub locked_until: Option<Timestamp>,
    /// Locks since the last right PIN: each one lasts longer.
    pub lock_count: i32,
    pub pin_changed_at: Option<Timestamp>,
    pub version: i64,
}

/// A wallet transaction, for the reset's proof of knowledge ("which of these did you
/// do?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletTransactionRecord {
    pub msisdn: String,
    /// The core system's transaction id (`8N7A6B5C4D`).
    pub id: String,
    /// `send_money`, `cash_out`, `cash_in`, `payment`, `recharge`, …
    pub kind: String,
    /// In poisha (1/100 taka).
    pub amount_poisha: i64,
    pub at: Timestamp,
}

/// What the lockout allows: `limit` wrong PINs, then a lock of `lock_for[n]` for the
/// n-th lock since the last right PIN (the last entry for every later one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinLockPolicy {
    pub limit: i32,
    pub lock_for: Vec<jiff::SignedDuration>,
}

/// The answer to [`crate::WalletStore::claim_pin_attempt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinClaim {
    /// Verify against `pin_hash`, then settle with [`SideWrite::PinSettled`]. This is
    /// wrong attempt number `attempt` if the PIN turns out wrong; when it reaches the
    /// limit the account is already locked until `locks_until` (a right PIN lifts it).
    Granted {
        pin_hash: String,
        attempt: i32,
        locks_until: Option<Timestamp>,
    },
    /// Locked until then; nothing was counted.
    Locked { until: Timestamp },
    /// No account under that number, or not active; nothing was counted.
    NoAccount,
}

/// A self-service PIN reset in progress, continued by any node. Only a hash of its token
/// is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetSessionRecord {
    /// SHA-256 of the opaque token with the pepper, hex: the key.
    pub token_hash: String,
    pub msisdn: String,
    /// `identity` (step 1), `otp` (step 2), `done`, `failed`, `expired`.
    pub step: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// The transaction choices shown in step 1 (opaque labels), and which one is right
    /// (an index, or -1 when the number has no account — the choices are then made up
    /// so that the answer looks the same).
    pub choices: Vec<String>,
    pub right_choice: i32,
    pub identity_failures: i32,
    /// The temporary PIN's argon2id hash, and until when it is good.
    pub otp_hash: Option<String>,
    pub otp_expires_at: Option<Timestamp>,
    pub otp_sends: i32,
    pub otp_failures: i32,
    pub version: i64,
}

/// One number's reset limits for one day (Dhaka date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetGuardRecord {
    pub msisdn: String,
    pub day: jiff::civil::Date,
    pub started: i32,
    pub failures: i32,
    pub blocked_until: Option<Timestamp>,
    pub version: i64,
}

/// One USSD session as stored. `state` is opaque JSON text owned by the USSD engine.
///
/// Kept in the store, not in a node's memory, because the gateway may send the next step
/// of a session to any node. Written only through
/// [`crate::UssdStore::save_ussd_session`], by version, so two nodes answering the same
/// step cannot both move the session on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UssdSessionRecord {
    /// "<gateway>:<gateway's session id>", e.g. "at:ATUid_123".
    pub id: String,
    /// E.164, e.g. "+8801712345678".
    pub msisdn: String,
    /// 1 on insert, +1 on every save.
    pub version: i64,
    /// What the USSD engine needs to answer the next step; the store never looks inside.
    pub state: String,
    /// Which menu the session is in ("home", "pin_reset", "complaint", "status",
    /// "centres", "language", "hotline") and the screen it is at; used for statistics.
    pub menu: String,
    /// The screen within [`UssdSessionRecord::menu`], named by the USSD engine.
    pub step: String,
    /// "open", "completed" (reached a final screen that did the job), "ended" (a final
    /// screen that did not, e.g. user exit or a refusal), "abandoned" (timed out or
    /// released by the network while open).
    pub outcome: String,
    /// When the first request of the session arrived; statistics and pruning go by it.
    pub started_at: Timestamp,
    /// When the session was last saved by the USSD engine (expiry leaves it alone).
    pub updated_at: Timestamp,
    /// After this an open session counts as abandoned.
    pub expires_at: Timestamp,
}

/// Sessions counted by where they stand, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UssdStatRow {
    /// As in [`UssdSessionRecord::menu`].
    pub menu: String,
    /// As in [`UssdSessionRecord::step`].
    pub step: String,
    /// As in [`UssdSessionRecord::outcome`].
    pub outcome: String,
    /// How many sessions started in the window stand at this menu, step and outcome.
    pub sessions: i64,
}

/// A service point as the store keeps it. The store does not know the locator's types
/// (the locator sits above the search crate, which sits above the store), so codes are
/// strings and areas numbers here; `seba_locator::points` checks them on the way in.
/// Which points a listing page holds: optionally one kind and one district, closed ones
/// only if asked for, by id after `after_id`, at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PointFilter {
    pub kind: Option<String>,
    pub district: Option<i32>,
    pub include_closed: bool,
    pub after_id: Option<i64>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointRecord {
    pub id: i64,
    /// A `PointKind` code: `care_centre`, `agent_point`, `popup_desk`, …
    pub kind: String,
    pub name_bn: String,
    pub name_en: String,
    pub address_bn: String,
    pub address_en: String,
    pub division: i32,
    pub district: i32,
    pub upazila: Option<i32>,
    pub lat: f64,
    pub lon: f64,
    pub phone: Option<String>,
    /// `Service` codes, sorted.
    pub services: Vec<String>,
    /// OpenStreetMap `opening_hours`.
    pub hours: String,
    pub notice_bn: Option<String>,
    pub notice_en: Option<String>,
    pub active_from: Option<jiff::civil::Date>,
    pub active_to: Option<jiff::civil::Date>,
    pub closed: bool,
    pub updated_at: Timestamp,
    pub updated_by: Option<UserId>,
    pub version: i64,
}

/// A customer's satisfaction rating (CSAT) of a resolved case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub case_id: CaseId,
    /// 1 (very unhappy) to 5 (very happy).
    pub score: u8,
    /// Free text; may hold personal data, so it stays in this table and out of the audit
    /// trail and the change feed.
    pub comment: Option<String>,
    pub rated_at: Timestamp,
}

/// A help article for customers (the FAQ), in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// `[a-z0-9-]`, 1–60 characters; the article's address.
    pub slug: String,
    pub title_bn: String,
    pub title_en: String,
    /// Plain text; paragraphs are separated by blank lines.
    pub body_bn: String,
    pub body_en: String,
    pub tags: Vec<String>,
    pub published: bool,
    /// Display order: lower first, then by slug.
    pub position: i32,
    pub updated_at: Timestamp,
    pub updated_by: Option<UserId>,
    pub version: i64,
}

/// A reply template agents pick from; `{customer_name}`-style placeholders are filled in
/// when it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canned {
    /// `[a-z0-9-]`, 1–40 characters.
    pub code: String,
    pub title_bn: String,
    pub title_en: String,
    pub body_bn: String,
    pub body_en: String,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// What a staff member is doing on a case's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Viewing,
    Replying,
}

impl Activity {
    pub fn as_str(self) -> &'static str {
        match self {
            Activity::Viewing => "viewing",
            Activity::Replying => "replying",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "viewing" => Some(Activity::Viewing),
            "replying" => Some(Activity::Replying),
            _ => None,
        }
    }
}

/// Someone seen on a case's page recently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Presence {
    pub user_id: UserId,
    pub display_name: String,
    pub activity: Activity,
    pub seen_at: Timestamp,
}

/// The stretch of time a report covers, `[from, to)`, and how far local time is ahead of
/// UTC, which decides where one calendar day ends and the next begins.
///
/// A fixed offset is exact for Asia/Dhaka (UTC+6, no daylight saving time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportWindow {
    pub from: Timestamp,
    pub to: Timestamp,
    pub utc_offset_seconds: i32,
}

/// Cases created on one local day through one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayChannelCount {
    pub day: jiff::civil::Date,
    pub channel: Channel,
    pub cases: i64,
}

/// Cases of one category code, as stored (a top-level code or a child such as
/// `mfs.wrong_transfer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    pub category: String,
    pub cases: i64,
}

/// How long an active case has been open, in the buckets the supervisors' dashboard
/// shows. Each bucket includes its lower bound: a case exactly 3 days old is `ThreeToSeven`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBucket {
    UnderOneDay,
    OneToThree,
    ThreeToSeven,
    SevenToTen,
    TenToFortyFive,
    OverFortyFive,
}

impl AgeBucket {
    pub const ALL: [AgeBucket; 6] = [
        AgeBucket::UnderOneDay,
        AgeBucket::OneToThree,
        AgeBucket::ThreeToSeven,
        AgeBucket::SevenToTen,
        AgeBucket::TenToFortyFive,
        AgeBucket::OverFortyFive,
    ];

    /// The lower bound of the bucket in days; the upper bound is the next one's.
    pub fn from_days(self) -> i64 {
        match self {
            AgeBucket::UnderOneDay => 0,
            AgeBucket::OneToThree => 1,
            AgeBucket::ThreeToSeven => 3,
            AgeBucket::SevenToTen => 7,
            AgeBucket::TenToFortyFive => 10,
            AgeBucket::OverFortyFive => 45,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AgeBucket::UnderOneDay => "lt_1d",
            AgeBucket::OneToThree => "1d_3d",
            AgeBucket::ThreeToSeven => "3d_7d",
            AgeBucket::SevenToTen => "7d_10d",
            AgeBucket::TenToFortyFive => "10d_45d",
            AgeBucket::OverFortyFive => "gt_45d",
        }
    }

    pub fn label(self) -> seba_core::Bilingual {
        let (bn, en) = match self {
            AgeBucket::UnderOneDay => ("১ দিনের কম", "Under 1 day"),
            AgeBucket::OneToThree => ("১–৩ দিন", "1–3 days"),
            AgeBucket::ThreeToSeven => ("৩–৭ দিন", "3–7 days"),
            AgeBucket::SevenToTen => ("৭–১০ দিন", "7–10 days"),
            AgeBucket::TenToFortyFive => ("১০–৪৫ দিন", "10–45 days"),
            AgeBucket::OverFortyFive => ("৪৫ দিনের বেশি", "Over 45 days"),
        };
        seba_core::Bilingual::new(bn, en)
    }
}

/// Active cases (new, open, waiting on the customer or a third party) right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backlog {
    /// One entry per [`AgeBucket`], in [`AgeBucket::ALL`] order, zeros included.
    pub ages: Vec<(AgeBucket, i64)>,
    /// Active, not paused, and past the resolution due (the inbox's "breached" filter).
    pub breached: i64,
}

impl Backlog {
    pub fn total(&self) -> i64 {
        self.ages.iter().map(|(_, n)| n).sum()
    }
}

/// Cases resolved on one local day, within their resolution due or after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlaDay {
    pub day: jiff::civil::Date,
    pub met: i64,
    pub missed: i64,
}

/// Ratings given in a window, by score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CsatCounts {
    /// `per_score[0]` counts the 1s, `per_score[4]` the 5s.
    pub per_score: [i64; 5],
}

impl CsatCounts {
    pub fn total(&self) -> i64 {
        self.per_score.iter().sum()
    }

    /// The mean score, or `None` without ratings.
    pub fn mean(&self) -> Option<f64> {
        let total = self.total();
        let sum: i64 = self
            .per_score
            .iter()
            .zip(1..)
            .map(|(n, score)| n * score)
            .sum();
        (total > 0).then(|| sum as f64 / total as f64)
    }
}

/// A merchant the e-commerce complaint cell takes claims against (a collapsed online
/// shop). The store does not know `seba_claims`' types, so codes are strings here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantRecord {
    /// From [`crate::ClaimStore::next_merchant_id`].
    pub id: i64,
    pub legal_bn: String,
    pub legal_en: String,
    pub trade_bn: String,
    pub trade_en: String,
    /// Other names it traded or is known under.
    pub aliases: Vec<String>,
    /// Web addresses and pages.
    pub web: Vec<String>,
    /// Trade licence or registration number.
    pub licence: Option<String>,
    /// Where the merchant is based (a district code), for "same city" deliveries.
    pub district: Option<u16>,
    /// `operating`, `suspended`, `under_investigation`, `in_liquidation` or
    /// `pending_review`.
    pub status: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// A claim: the record kept beside its case (`case_id`), which carries the lifecycle, the
/// SLA and the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRecord {
    pub case_id: CaseId,
    pub merchant_id: i64,
    /// E.164.
    pub claimant_msisdn: String,
    pub claimant_name: Option<String>,
    /// The claimant's district code.
    pub district: u16,
    /// Unique: the same claimant, merchant and order make one claim. Begins
    /// `{merchant_id}|{claimant_msisdn}|` (the store refuses a claim whose key does not):
    /// a merchant's victims are counted from the keys with that beginning.
    pub dedup_key: String,
    pub order_id: String,
    pub order_date: jiff::civil::Date,
    pub product: String,
    pub paid_poisha: i64,
    /// How it was paid (`bkash`, `card`, `cash_on_delivery`, …).
    pub method: String,
    pub gateway: Option<String>,
    /// `not_delivered`, `partly_delivered`, `wrong_item` or `delivered`.
    pub delivery: String,
    pub refunded_poisha: i64,
    /// `submitted`, `verified`, `forwarded`, `merchant_responded`, `partly_refunded`,
    /// `refunded`, `escalated` or `closed`; open unless `refunded` or `closed`.
    pub stage: String,
    /// How many times this claim was filed (a second filing adds to it).
    pub filings: i32,
    /// Computed by the application from the rules.
    pub delivery_due: Timestamp,
    pub refund_due: Timestamp,
    pub sent_to_merchant_at: Option<Timestamp>,
    pub merchant_answered_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// Money a merchant paid back on a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRecord {
    /// Assigned by the store; ignored on insert.
    pub id: i64,
    pub case_id: CaseId,
    pub amount_poisha: i64,
    pub paid_on: jiff::civil::Date,
    pub channel: String,
    pub reference: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// One merchant's claims in numbers, for its page and the cell's overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantSummary {
    pub merchant_id: i64,
    pub claims: i64,
    /// Distinct claimants.
    pub victims: i64,
    pub paid_poisha: i64,
    pub refunded_poisha: i64,
    /// Claims not `refunded` or `closed`.
    pub open_claims: i64,
    /// When the oldest open claim was created.
    pub oldest_open: Option<Timestamp>,
    /// Open claims not delivered whose delivery was due before now.
    pub delivery_missed: i64,
    /// Open claims not delivered and not refunded in full whose refund was due before now.
    pub refund_missed: i64,
}

/// The claims of claimants in one district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictSummary {
    pub district: u16,
    pub claims: i64,
    /// Distinct claimants.
    pub victims: i64,
    pub paid_poisha: i64,
    pub refunded_poisha: i64,
}

/// The claims over orders of one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthSummary {
    /// `YYYY-MM` of the order date.
    pub month: String,
    pub claims: i64,
    /// Distinct claimants.
    pub victims: i64,
    pub paid_poisha: i64,
    pub refunded_poisha: i64,
}
