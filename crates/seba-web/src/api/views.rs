//! The JSON shapes of the API (requests and responses), with their OpenAPI schemas.

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use seba_core::case::{Case, Channel, MessageKind, Priority, Status};
use seba_core::lifecycle::Action;
use seba_core::sla::SlaState;
use seba_store::{Delivery, DeliveryState, StoredMessage};

/// A case as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    /// The public case number, e.g. `1000-013`.
    pub number: String,
    pub id: i64,
    #[schema(value_type = String, example = "open")]
    pub status: Status,
    #[schema(value_type = String, example = "hotline")]
    pub channel: Channel,
    #[schema(value_type = String, example = "normal")]
    pub priority: Priority,
    pub category: String,
    pub queue: Option<String>,
    pub assignee: Option<i64>,
    pub subject: String,
    pub requester: RequesterView,
    pub tags: Vec<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// Also sent as the `ETag`; send it back in `If-Match` to update.
    pub version: i64,
    pub sla: SlaView,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    /// The case number this one was merged into.
    pub merged_into: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequesterView {
    pub name: Option<String>,
    /// E.164, e.g. `+8801712345678`.
    pub msisdn: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlaView {
    /// on_track, at_risk, breached, paused, met or missed.
    #[schema(value_type = String, example = "on_track")]
    pub state: SlaState,
    #[schema(value_type = String, format = DateTime)]
    pub ack_due: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub first_response_due: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub resolution_due: Timestamp,
    /// Bangladesh Bank's outer limit: never beyond this, paused or not.
    #[schema(value_type = String, format = DateTime)]
    pub hard_deadline: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub acknowledged_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub first_responded_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub resolved_at: Option<Timestamp>,
    pub paused: bool,
}

impl CaseView {
    pub fn new(c: &Case, now: Timestamp) -> Self {
        CaseView {
            number: c.number().to_string(),
            id: c.id.0,
            status: c.status,
            channel: c.channel,
            priority: c.priority,
            category: c.category.clone(),
            queue: c.queue.clone(),
            assignee: c.assignee.map(|u| u.0),
            subject: c.subject.clone(),
            requester: RequesterView {
                name: c.requester.name.clone(),
                msisdn: c.requester.msisdn.as_ref().map(|m| m.as_e164().to_string()),
                email: c.requester.email.as_ref().map(|e| e.as_str().to_string()),
            },
            tags: c.tags.iter().cloned().collect(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
            sla: SlaView {
                state: c.sla.state(now),
                ack_due: c.sla.ack_due,
                first_response_due: c.sla.first_response_due,
                resolution_due: c.sla.resolution_due,
                hard_deadline: c.sla.hard_deadline,
                acknowledged_at: c.sla.acknowledged_at,
                first_responded_at: c.sla.first_responded_at,
                resolved_at: c.sla.resolved_at,
                paused: c.sla.paused_at.is_some(),
            },
            closed_at: c.closed_at,
            merged_into: c
                .merged_into
                .map(|i| seba_core::ids::CaseNumber::from_id(i).to_string()),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    /// inbound, reply or note.
    #[schema(value_type = String, example = "reply")]
    pub kind: MessageKind,
    /// `customer`, `system` or `user:<id>`.
    pub author: String,
    pub body: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    pub attachments: Vec<AttachmentView>,
    /// For replies: queued, retrying, sent or failed.
    #[schema(value_type = Option<String>)]
    pub delivery: Option<DeliveryState>,
}

impl MessageView {
    pub fn new(m: &StoredMessage) -> Self {
        MessageView {
            id: m.message.id.0,
            kind: m.message.kind,
            author: m.message.author.to_string(),
            body: m.message.body.clone(),
            created_at: m.message.created_at,
            attachments: m
                .message
                .attachments
                .iter()
                .map(|a| AttachmentView {
                    sha256: a.sha256.clone(),
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    size: a.size,
                })
                .collect(),
            delivery: m.delivery,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseDetail {
    pub case: CaseView,
    pub messages: Vec<MessageView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    #[schema(value_type = String)]
    pub channel: seba_store::DeliveryChannel,
    #[schema(value_type = String)]
    pub state: DeliveryState,
    pub attempts: i32,
    pub message_id: Option<i64>,
    #[schema(value_type = String, format = DateTime)]
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
}

impl DeliveryView {
    pub fn new(d: &Delivery) -> Self {
        DeliveryView {
            id: d.id,
            channel: d.channel,
            state: d.state,
            attempts: d.attempts,
            message_id: d.message_id.map(|m| m.0),
            next_attempt_at: d.next_attempt_at,
            last_error: d.last_error.clone(),
        }
    }
}

/// A new case, filed by staff (hotline, drop box) or an integration.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseRequest {
    #[schema(value_type = Option<String>, example = "hotline")]
    pub channel: Option<Channel>,
    /// A category code, e.g. `mfs.wrong_transfer` (see `/api/v1/taxonomy`).
    pub category: String,
    #[schema(value_type = Option<String>, example = "normal")]
    pub priority: Option<Priority>,
    pub subject: Option<String>,
    /// The customer's words (NFC-normalised on the way in).
    pub body: String,
    #[serde(default)]
    pub requester: RequesterRequest,
    #[serde(default)]
    pub tags: Vec<String>,
    pub queue: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentRequest>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequesterRequest {
    pub name: Option<String>,
    /// Any common form: 01712345678, +8801712345678, ০১৭১২৩৪৫৬৭৮.
    pub msisdn: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRequest {
    /// From `POST /api/v1/attachments`.
    pub sha256: String,
    pub filename: Option<String>,
}

impl AttachmentRequest {
    pub fn into_input(self) -> seba_app::cases::AttachmentInput {
        seba_app::cases::AttachmentInput {
            sha256: self.sha256,
            filename: self.filename,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    /// reply (to the customer), note (staff only) or inbound (the customer's words, e.g. by phone).
    #[schema(value_type = String, example = "reply")]
    pub kind: MessageKind,
    pub body: String,
    #[serde(default)]
    pub attachments: Vec<AttachmentRequest>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// open, pend_customer, pend_third_party, resolve, close or reopen.
    #[schema(value_type = String, example = "resolve")]
    pub action: Action,
}

fn some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

/// Route a case. Leave a field out to keep it; send `null` to clear it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    #[serde(default, deserialize_with = "some")]
    #[schema(value_type = Option<String>)]
    pub queue: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    #[schema(value_type = Option<i64>)]
    pub assignee: Option<Option<i64>>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchRequest {
    #[schema(value_type = Option<String>)]
    pub priority: Option<Priority>,
    pub category: Option<String>,
    pub subject: Option<String>,
    pub tags: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The case number to merge this case into.
    pub into: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEventView {
    pub seq: i64,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    #[schema(value_type = Object)]
    pub before: serde_json::Value,
    #[schema(value_type = Object)]
    pub after: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}
