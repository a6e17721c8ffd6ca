//! Case commands and queries: intake, thread, lifecycle, assignment, merge.
//!
//! Each command loads what it needs, lets `seba-core` decide, and commits the new state
//! with an audit event and, where someone outside must hear of it, an outbox row. Updates
//! are optimistic: a command given an expected version (the HTTP `If-Match`) fails with
//! [`AppError::Stale`] if the case moved on; without one it reloads and retries a few
//! times, so two agents never silently overwrite each other.

use std::collections::BTreeSet;

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use seba_core::audit::{EventDraft, diff};
use seba_core::case::{
    self as core_case, Actor, AttachmentRef, Case, Channel, MAX_BODY_CHARS, MAX_SUBJECT_CHARS,
    MessageKind, Priority, Status,
};
use seba_core::ids::{CaseId, CaseNumber, UserId};
use seba_core::lifecycle::{self, Action};
use seba_core::sla::SlaClock;
use seba_core::staff::{Permission, Role};
use seba_store::{
    CaseFilter, CaseWrite, Commit, Committed, IdempotencyHook, NewMessage, OutboxDraft,
    PageRequest, SideWrite, StoreError, StoredMessage, StoredResponse,
};

use crate::{App, AppError};

/// How many times a command without an expected version reloads and retries after losing
/// a race (each round, one of the racing writers wins, so this bounds a pile-up of 32).
const RETRIES: usize = 32;

/// A new case, as any channel delivers it (already decoded, not yet checked).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewCaseInput {
    pub channel: Option<Channel>,
    pub category: String,
    pub priority: Option<Priority>,
    pub subject: Option<String>,
    pub body: String,
    pub requester_name: Option<String>,
    pub requester_msisdn: Option<String>,
    pub requester_email: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub queue: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentInput>,
}

/// A reference to an uploaded file, with the name to show.
#[derive(Debug, Clone, Deserialize)]
pub struct AttachmentInput {
    pub sha256: String,
    pub filename: Option<String>,
}

/// Who is acting, and with which role (`None` for customers and the system).
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub actor: Actor,
    pub role: Option<Role>,
}

impl Caller {
    pub fn customer() -> Self {
        Caller {
            actor: Actor::Customer,
            role: None,
        }
    }
    pub fn system() -> Self {
        Caller {
            actor: Actor::System,
            role: None,
        }
    }
    pub fn staff(id: UserId, role: Role) -> Self {
        Caller {
            actor: Actor::User(id),
            role: Some(role),
        }
    }
    fn can(&self, p: Permission) -> bool {
        match self.role {
            Some(r) => r.can(p),
            // The system may do anything a supervisor may; customers act only through
            // the customer commands, which check ownership themselves.
            None => matches!(self.actor, Actor::System),
        }
    }
}

/// Renders the response remembered under an idempotency key, from the committed case.
/// It may run more than once (a lost race is retried), so it is `Fn` and shareable.
pub type Render = std::sync::Arc<dyn Fn(&Case, &Committed) -> StoredResponse + Send + Sync>;

/// An idempotency key and how to render the response to remember under it.
pub struct Idem {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
    pub render: Render,
}

impl std::fmt::Debug for Idem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idem")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

fn hook(idem: Option<&Idem>, case: &Case) -> Option<IdempotencyHook> {
    idem.map(|i| {
        let case = case.clone();
        let render = i.render.clone();
        IdempotencyHook {
            scope: i.scope.clone(),
            key: i.key.clone(),
            request_hash: i.request_hash.clone(),
            build: Box::new(move |c: &Committed| render(&case, c)),
        }
    })
}

fn case_json(case: &Case) -> serde_json::Value {
    serde_json::to_value(case).unwrap_or(serde_json::Value::Null)
}

pub(crate) fn event(
    case: &Case,
    at: Timestamp,
    actor: Actor,
    action: &str,
    before: String,
    after: String,
) -> EventDraft {
    EventDraft {
        subject: format!("case:{}", case.id),
        at,
        actor: actor.to_string(),
        action: action.into(),
        before,
        after,
    }
}

pub(crate) fn change_event(before: &Case, after: &Case, actor: Actor, action: &str) -> EventDraft {
    let (b, a) = diff(&case_json(before), &case_json(after));
    event(after, after.updated_at, actor, action, b, a)
}

pub(crate) fn map_commit_err(e: StoreError) -> AppError {
    match e {
        StoreError::Duplicate(_) => AppError::IdempotencyRace,
        StoreError::Conflict { current } => AppError::Stale { current },
        StoreError::NotFound => AppError::CaseNotFound,
        other => AppError::Store(other),
    }
}

/// A message to add to a case's thread.
#[derive(Debug, Clone)]
pub struct MessageInput {
    pub kind: MessageKind,
    pub body: String,
    pub attachments: Vec<AttachmentInput>,
}

/// Changes to a case's fields (each `None` leaves the field alone).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CasePatch {
    pub priority: Option<Priority>,
    pub category: Option<String>,
    pub subject: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// Where to route a case: `Some(None)` clears the field.
#[derive(Debug, Clone, Default)]
pub struct Assignment {
    pub queue: Option<Option<String>>,
    pub assignee: Option<Option<UserId>>,
}

impl App {
    async fn resolve_attachments(
        &self,
        inputs: &[AttachmentInput],
    ) -> Result<Vec<AttachmentRef>, AppError> {
        let mut out = Vec::with_capacity(inputs.len());
        for a in inputs.iter().take(10) {
            let sha = a.sha256.trim().to_ascii_lowercase();
            let Some((content_type, bytes)) = self.store.blob(&sha).await? else {
                return Err(AppError::UnknownAttachment(sha.chars().take(64).collect()));
            };
            let filename =
                core_case::optional_text("attachments.filename", a.filename.as_deref(), 200)?
                    .unwrap_or_else(|| format!("{}.bin", &sha[..12.min(sha.len())]));
            out.push(AttachmentRef {
                sha256: sha,
                filename,
                content_type,
                size: bytes.len() as i64,
            });
        }
        if inputs.len() > 10 {
            return Err(AppError::Attachment(
                "at most 10 attachments per message".into(),
            ));
        }
        Ok(out)
    }

    /// Store an uploaded file under its SHA-256, after checking its size and real type.
    pub async fn upload(
        &self,
        declared_type: &str,
        bytes: Vec<u8>,
    ) -> Result<AttachmentRef, AppError> {
        if bytes.is_empty() {
            return Err(AppError::Attachment("empty file".into()));
        }
        if bytes.len() > self.settings.max_attachment_bytes {
            return Err(AppError::Attachment(format!(
                "larger than {} bytes",
                self.settings.max_attachment_bytes
            )));
        }
        let declared = declared_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !self.settings.attachment_types.contains(&declared) {
            return Err(AppError::Attachment(format!(
                "type `{declared}` is not accepted"
            )));
        }
        let sniffed = sniff(&bytes);
        if sniffed != declared && !(declared == "text/plain" && std::str::from_utf8(&bytes).is_ok())
        {
            return Err(AppError::Attachment(format!(
                "the file's content is not `{declared}`"
            )));
        }
        let sha = hex::encode(Sha256::digest(&bytes));
        let size = bytes.len() as i64;
        self.store
            .put_blob(&sha, &declared, bytes, self.now())
            .await?;
        Ok(AttachmentRef {
            sha256: sha,
            filename: String::new(),
            content_type: declared,
            size,
        })
    }

    /// File a new case. Customers file through the portal, app or USSD; staff on behalf of
    /// a caller (hotline, drop box).
    pub async fn create_case(
        &self,
        input: NewCaseInput,
        caller: Caller,
        idem: Option<Idem>,
    ) -> Result<(Case, Committed), AppError> {
        let (case, commit) = self.new_case_commit(input, caller, idem).await?;
        let committed = self.store.commit(commit).await.map_err(map_commit_err)?;
        tracing::info!(case = %case.number(), channel = %case.channel, category = %case.category, "case created");
        Ok((case, committed))
    }

    /// Check a new case and build the commit that files it (with its id), writing nothing:
    /// [`App::create_case`] commits one; a claim commits it with its own records beside;
    /// bulk intake commits many at once.
    pub(crate) async fn new_case_commit(
        &self,
        input: NewCaseInput,
        caller: Caller,
        idem: Option<Idem>,
    ) -> Result<(Case, Commit), AppError> {
        if caller.role.is_some() && !caller.can(Permission::WorkCases) {
            return Err(AppError::Forbidden("work cases"));
        }
        let body = core_case::required_text("body", &input.body, MAX_BODY_CHARS)?;
        let subject =
            match core_case::optional_text("subject", input.subject.as_deref(), MAX_SUBJECT_CHARS)?
            {
                Some(s) => s,
                None => body
                    .chars()
                    .take(80)
                    .collect::<String>()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            };
        let requester = core_case::parse_requester(
            input.requester_name.as_deref(),
            input.requester_msisdn.as_deref(),
            input.requester_email.as_deref(),
        )?;
        let tags = core_case::parse_tags(input.tags.iter().map(String::as_str))?;
        let snap = self.snapshot().await?;
        let category = input.category.trim().to_string();
        let cat = snap
            .categories
            .get(&category)
            .ok_or_else(|| AppError::UnknownCategory(category.chars().take(60).collect()))?;
        let queue = match input
            .queue
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
        {
            Some(q) if snap.queues.contains_key(q) => q.to_string(),
            Some(q) => return Err(AppError::UnknownQueue(q.chars().take(60).collect())),
            None => cat.queue.clone(),
        };
        let attachments = self.resolve_attachments(&input.attachments).await?;
        let priority = input.priority.unwrap_or(if category == "mfs.fraud_call" {
            Priority::High
        } else {
            Priority::Normal
        });
        let targets = snap.targets(&category, priority);
        let channel = input.channel.unwrap_or(Channel::Api);

        let id = self.store.next_case_id().await?;
        let now = self.now();
        let case = Case {
            id,
            status: Status::New,
            channel,
            priority,
            category,
            queue: Some(queue),
            assignee: None,
            subject,
            requester,
            tags,
            created_at: now,
            updated_at: now,
            version: 1,
            sla: SlaClock::start(&snap.calendar, &targets, now),
            closed_at: None,
            merged_into: None,
        };
        let days =
            (targets.resolution.as_mins() / snap.calendar.day_length().as_mins().max(1)).max(1);
        let commit = Commit {
            messages: vec![NewMessage {
                case_id: id,
                kind: MessageKind::Inbound,
                author: if caller.role.is_some() {
                    caller.actor
                } else {
                    Actor::Customer
                },
                body,
                created_at: now,
                attachments,
            }],
            events: vec![event(
                &case,
                now,
                caller.actor,
                "case.created",
                "{}".into(),
                case_json(&case).to_string(),
            )],
            outbox: vec![OutboxDraft {
                topic: "case.created".into(),
                case_id: Some(id),
                payload: json!({ "case_id": id.0, "number": CaseNumber::from_id(id).to_string(), "days": days }),
                message_index: Some(0),
            }],
            idempotency: hook(idem.as_ref(), &case),
            case: CaseWrite::Insert(case.clone()),
        };
        Ok((case, commit))
    }

    /// Load a case for a staff member who may read cases.
    pub async fn case(&self, id: CaseId, caller: Caller) -> Result<Case, AppError> {
        if !caller.can(Permission::ReadCases) {
            return Err(AppError::Forbidden("read cases"));
        }
        self.store.case(id).await?.ok_or(AppError::CaseNotFound)
    }

    pub async fn thread(&self, id: CaseId, caller: Caller) -> Result<Vec<StoredMessage>, AppError> {
        if !caller.can(Permission::ReadCases) {
            return Err(AppError::Forbidden("read cases"));
        }
        Ok(self.store.messages(id).await?)
    }

    pub async fn list_cases(
        &self,
        mut filter: CaseFilter,
        page: PageRequest,
        caller: Caller,
    ) -> Result<Vec<Case>, AppError> {
        if !caller.can(Permission::ReadCases) {
            return Err(AppError::Forbidden("read cases"));
        }
        filter.now.get_or_insert_with(|| self.now());
        Ok(self.store.list_cases(&filter, &page).await?)
    }

    /// Load, change with `f`, commit; retry on a lost race unless the caller pinned a version.
    /// The idempotency record, if any, is written in the same transaction as the change, so
    /// a retried request either finds the first answer or makes the change — never both.
    async fn update<F>(
        &self,
        id: CaseId,
        expected: Option<i64>,
        idem: Option<&Idem>,
        mut f: F,
    ) -> Result<(Case, Committed), AppError>
    where
        F: FnMut(&Case, &mut Commit) -> Result<Option<Case>, AppError>,
    {
        self.update_beside(id, expected, idem, |case, commit, _| f(case, commit))
            .await
    }

    /// [`Self::update`] with records written beside the case in the same transaction; the
    /// closure runs again (with a fresh list) when the commit loses a race.
    pub(crate) async fn update_beside<F>(
        &self,
        id: CaseId,
        expected: Option<i64>,
        idem: Option<&Idem>,
        mut f: F,
    ) -> Result<(Case, Committed), AppError>
    where
        F: FnMut(&Case, &mut Commit, &mut Vec<SideWrite>) -> Result<Option<Case>, AppError>,
    {
        for _ in 0..RETRIES {
            let before = self.store.case(id).await?.ok_or(AppError::CaseNotFound)?;
            if let Some(v) = expected
                && v != before.version
            {
                return Err(AppError::Stale {
                    current: before.version,
                });
            }
            let mut commit = Commit {
                case: CaseWrite::None,
                messages: vec![],
                events: vec![],
                outbox: vec![],
                idempotency: None,
            };
            let mut side = Vec::new();
            let after = match f(&before, &mut commit, &mut side)? {
                Some(mut after) => {
                    after.version = before.version + 1;
                    commit.case = CaseWrite::Update {
                        case: after.clone(),
                        expected_version: before.version,
                    };
                    after
                }
                None => before.clone(),
            };
            commit.idempotency = hook(idem, &after);
            let result = if side.is_empty() {
                self.store.commit(commit).await
            } else {
                self.store.commit_with(commit, side).await
            };
            match result {
                Ok(c) => return Ok((after, c)),
                Err(StoreError::Conflict { current }) if expected.is_none() => {
                    tracing::debug!(case = id.0, current, "lost an update race; retrying");
                    tokio::task::yield_now().await;
                }
                Err(StoreError::Conflict { current }) => return Err(AppError::Stale { current }),
                Err(e) => return Err(map_commit_err(e)),
            }
        }
        Err(AppError::Store(StoreError::Conflict { current: -1 }))
    }

    /// Add a message to the thread. Staff reply or note; a customer's message may bring
    /// the case back from waiting (or reopen it, within the window).
    pub async fn add_message(
        &self,
        id: CaseId,
        input: MessageInput,
        caller: Caller,
        expected: Option<i64>,
        idem: Option<Idem>,
    ) -> Result<(Case, Committed), AppError> {
        let staff = caller.role.is_some();
        if staff && !caller.can(Permission::WorkCases) {
            return Err(AppError::Forbidden("work cases"));
        }
        if !staff && input.kind != MessageKind::Inbound {
            return Err(AppError::Forbidden("customers only send inbound messages"));
        }
        let body = core_case::required_text("body", &input.body, MAX_BODY_CHARS)?;
        let attachments = self.resolve_attachments(&input.attachments).await?;
        let snap = self.snapshot().await?;
        let policy = self.settings.lifecycle();
        let now = self.now();
        self.update(id, expected, idem.as_ref(), |before, commit| {
            if let Some(into) = before.merged_into {
                return Err(AppError::Merged(CaseNumber::from_id(into)));
            }
            let mut after = before.clone();
            after.updated_at = now;
            let targets = snap.targets(&after.category, after.priority);
            match input.kind {
                MessageKind::Reply => {
                    if !after.status.is_active() {
                        return Err(AppError::Transition(lifecycle::TransitionError::NotAllowed {
                            from: after.status,
                            action: Action::Open,
                        }));
                    }
                    after.sla.first_response(now);
                    if after.status == Status::New {
                        lifecycle::apply(&mut after, Action::Open, now, &policy, &snap.calendar, &targets)?;
                    }
                }
                MessageKind::Inbound => {
                    if let Some(action) = lifecycle::on_customer_message(&after, now, &policy) {
                        lifecycle::apply(&mut after, action, now, &policy, &snap.calendar, &targets)?;
                    } else if !after.status.is_active() {
                        return Err(AppError::Transition(lifecycle::TransitionError::ReopenWindowPassed {
                            closed_at: after.sla.resolved_at.unwrap_or(after.updated_at),
                        }));
                    }
                }
                MessageKind::Note => {}
            }
            commit.messages.push(NewMessage {
                case_id: id,
                kind: input.kind,
                author: caller.actor,
                body: body.clone(),
                created_at: now,
                attachments: attachments.clone(),
            });
            let (b, a) = diff(&case_json(before), &case_json(&after));
            let mut a_val: serde_json::Value = serde_json::from_str(&a).unwrap_or(json!({}));
            if let Some(o) = a_val.as_object_mut() {
                o.insert("message".into(), json!({ "kind": input.kind, "chars": body.chars().count(), "attachments": attachments.len() }));
            }
            commit.events.push(event(&after, now, caller.actor, "message.added", b, a_val.to_string()));
            let topic = match input.kind {
                MessageKind::Reply => "message.reply",
                MessageKind::Inbound => "message.inbound",
                MessageKind::Note => "message.note",
            };
            commit.outbox.push(OutboxDraft {
                topic: topic.into(),
                case_id: Some(id),
                payload: json!({ "case_id": id.0 }),
                message_index: Some(0),
            });
            Ok(Some(after))
        })
        .await
    }

    /// Move a case through its lifecycle.
    pub async fn transition(
        &self,
        id: CaseId,
        action: Action,
        caller: Caller,
        expected: Option<i64>,
        idem: Option<Idem>,
    ) -> Result<Case, AppError> {
        if !caller.can(Permission::WorkCases) {
            return Err(AppError::Forbidden("work cases"));
        }
        let snap = self.snapshot().await?;
        let policy = self.settings.lifecycle();
        let now = self.now();
        let (case, _) = self
            .update(id, expected, idem.as_ref(), |before, commit| {
                let mut after = before.clone();
                let targets = snap.targets(&after.category, after.priority);
                lifecycle::apply(&mut after, action, now, &policy, &snap.calendar, &targets)?;
                commit.events.push(change_event(
                    before,
                    &after,
                    caller.actor,
                    &format!("case.{}", action.as_str()),
                ));
                commit.outbox.push(OutboxDraft {
                    topic: "case.status".into(),
                    case_id: Some(id),
                    payload: json!({ "case_id": id.0, "from": before.status, "to": after.status }),
                    message_index: None,
                });
                Ok(Some(after))
            })
            .await?;
        Ok(case)
    }

    /// Route a case to a queue and/or a person. Agents may take a case or hand back their
    /// own; assigning someone else needs a supervisor.
    pub async fn assign(
        &self,
        id: CaseId,
        a: Assignment,
        caller: Caller,
        expected: Option<i64>,
        idem: Option<Idem>,
    ) -> Result<Case, AppError> {
        if !caller.can(Permission::WorkCases) {
            return Err(AppError::Forbidden("work cases"));
        }
        if let Some(Some(q)) = &a.queue {
            let snap = self.snapshot().await?;
            if !snap.queues.contains_key(q) {
                return Err(AppError::UnknownQueue(q.chars().take(60).collect()));
            }
        }
        if let Some(Some(uid)) = a.assignee {
            let self_assign = caller.actor == Actor::User(uid);
            if !self_assign && !caller.can(Permission::Supervise) {
                return Err(AppError::Forbidden("assign cases to others"));
            }
            match self.store.user(uid).await? {
                // Only those who work cases take them (not auditors, not merchants' staff).
                Some(u) if !u.disabled && u.role.can(Permission::WorkCases) => {}
                _ => return Err(AppError::UnknownUser(uid.to_string())),
            }
        }
        let now = self.now();
        let (case, _) = self
            .update(id, expected, idem.as_ref(), |before, commit| {
                if let Some(None) = a.assignee
                    && before.assignee.is_some()
                    && before.assignee.map(Actor::User) != Some(caller.actor)
                    && !caller.can(Permission::Supervise)
                {
                    return Err(AppError::Forbidden("unassign someone else's case"));
                }
                let mut after = before.clone();
                if let Some(q) = &a.queue {
                    after.queue = q.clone();
                }
                if let Some(u) = a.assignee {
                    after.assignee = u;
                }
                if after == *before {
                    return Ok(None);
                }
                after.updated_at = now;
                commit.events.push(change_event(before, &after, caller.actor, "case.assigned"));
                commit.outbox.push(OutboxDraft {
                    topic: "case.assigned".into(),
                    case_id: Some(id),
                    payload: json!({ "case_id": id.0, "queue": after.queue, "assignee": after.assignee }),
                    message_index: None,
                });
                Ok(Some(after))
            })
            .await?;
        Ok(case)
    }

    /// Change priority, category, subject or tags.
    pub async fn patch(
        &self,
        id: CaseId,
        patch: CasePatch,
        caller: Caller,
        expected: Option<i64>,
        idem: Option<Idem>,
    ) -> Result<Case, AppError> {
        if !caller.can(Permission::WorkCases) {
            return Err(AppError::Forbidden("work cases"));
        }
        let snap = self.snapshot().await?;
        if let Some(c) = &patch.category
            && !snap.categories.contains_key(c)
        {
            return Err(AppError::UnknownCategory(c.chars().take(60).collect()));
        }
        let subject = match &patch.subject {
            Some(s) => Some(core_case::required_text("subject", s, MAX_SUBJECT_CHARS)?),
            None => None,
        };
        let tags: Option<BTreeSet<String>> = match &patch.tags {
            Some(t) => Some(core_case::parse_tags(t.iter().map(String::as_str))?),
            None => None,
        };
        let now = self.now();
        let (case, _) = self
            .update(id, expected, idem.as_ref(), |before, commit| {
                let mut after = before.clone();
                if let Some(p) = patch.priority {
                    after.priority = p;
                }
                if let Some(c) = &patch.category {
                    after.category = c.clone();
                }
                if let Some(s) = &subject {
                    after.subject = s.clone();
                }
                if let Some(t) = &tags {
                    after.tags = t.clone();
                }
                if after == *before {
                    return Ok(None);
                }
                after.updated_at = now;
                commit
                    .events
                    .push(change_event(before, &after, caller.actor, "case.updated"));
                commit.outbox.push(OutboxDraft {
                    topic: "case.updated".into(),
                    case_id: Some(id),
                    payload: json!({ "case_id": id.0 }),
                    message_index: None,
                });
                Ok(Some(after))
            })
            .await?;
        Ok(case)
    }

    /// Merge the duplicate `dup` into `into` (supervisors and agents working cases).
    pub async fn merge(
        &self,
        dup: CaseId,
        into: CaseId,
        caller: Caller,
        expected: Option<i64>,
        idem: Option<Idem>,
    ) -> Result<Case, AppError> {
        if !caller.can(Permission::WorkCases) {
            return Err(AppError::Forbidden("work cases"));
        }
        let target = self.store.case(into).await?.ok_or(AppError::CaseNotFound)?;
        let now = self.now();
        let (case, _) = self
            .update(dup, expected, idem.as_ref(), |before, commit| {
                let mut after = before.clone();
                lifecycle::merge(&mut after, &target, now)?;
                commit
                    .events
                    .push(change_event(before, &after, caller.actor, "case.merged"));
                commit.events.push(event(
                    &target,
                    now,
                    caller.actor,
                    "case.merge_received",
                    "{}".into(),
                    json!({ "merged_from": before.id.0 }).to_string(),
                ));
                commit.messages.push(NewMessage {
                    case_id: into,
                    kind: MessageKind::Note,
                    author: caller.actor,
                    body: format!(
                        "কেস {0} এই কেসের সাথে যুক্ত হয়েছে / Case {0} was merged into this case",
                        before.number()
                    ),
                    created_at: now,
                    attachments: vec![],
                });
                commit.outbox.push(OutboxDraft {
                    topic: "case.merged".into(),
                    case_id: Some(dup),
                    payload: json!({ "case_id": dup.0, "into": into.0 }),
                    message_index: None,
                });
                Ok(Some(after))
            })
            .await?;
        Ok(case)
    }
}

/// The real type of a file from its content, so a renamed executable is not stored as a picture.
fn sniff(bytes: &[u8]) -> &'static str {
    infer::get(bytes)
        .map(|t| t.mime_type())
        .unwrap_or("application/octet-stream")
}
