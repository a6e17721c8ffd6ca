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

/// Keyset pagination, newest first: cases with id below `before`.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub before: Option<CaseId>,
    pub limit: u32,
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
