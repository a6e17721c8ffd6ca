//! Between domain records and column values, shared by both engines so that they store
//! exactly the same thing.

use jiff::Timestamp;
use seba_core::case::{Actor, AttachmentRef, Case, Message, Requester};
use seba_core::contact::{Email, Msisdn};
use seba_core::ids::{CaseId, MessageId, UserId};

use crate::{Result, StoreError};

pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub(crate) fn ts(m: i64) -> Result<Timestamp> {
    Timestamp::from_microsecond(m).map_err(|e| StoreError::Backend(format!("stored time {m}: {e}")))
}

pub(crate) fn ts_opt(m: Option<i64>) -> Result<Option<Timestamp>> {
    m.map(ts).transpose()
}

fn bad(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("stored {what} is invalid: {e}"))
}

pub(crate) fn parse<T: std::str::FromStr>(what: &str, s: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| bad(what, e))
}

/// A case's column values, in the order of [`CASE_COLUMNS`].
pub(crate) struct CaseRow {
    pub id: i64,
    pub status: String,
    pub channel: String,
    pub priority: String,
    pub category: String,
    pub queue: Option<String>,
    pub assignee: Option<i64>,
    pub subject: String,
    pub requester_name: Option<String>,
    pub requester_msisdn: Option<String>,
    pub requester_email: Option<String>,
    pub tags: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    pub sla: String,
    pub sla_due: i64,
    pub sla_risk_at: i64,
    pub sla_paused: bool,
    pub closed_at: Option<i64>,
    pub merged_into: Option<i64>,
}

pub(crate) const CASE_COLUMNS: &str = "id, status, channel, priority, category, queue, assignee, subject, \
     requester_name, requester_msisdn, requester_email, tags, created_at, updated_at, version, \
     sla, sla_due, sla_risk_at, sla_paused, closed_at, merged_into";

impl CaseRow {
    pub fn from_case(c: &Case) -> Result<CaseRow> {
        Ok(CaseRow {
            id: c.id.0,
            status: c.status.as_str().to_string(),
            channel: c.channel.as_str().to_string(),
            priority: c.priority.as_str().to_string(),
            category: c.category.clone(),
            queue: c.queue.clone(),
            assignee: c.assignee.map(|u| u.0),
            subject: c.subject.clone(),
            requester_name: c.requester.name.clone(),
            requester_msisdn: c.requester.msisdn.as_ref().map(|m| m.as_e164().to_string()),
            requester_email: c.requester.email.as_ref().map(|e| e.as_str().to_string()),
            tags: serde_json::to_string(&c.tags)?,
            created_at: micros(c.created_at),
            updated_at: micros(c.updated_at),
            version: c.version,
            sla: serde_json::to_string(&c.sla)?,
            sla_due: micros(c.sla.resolution_due),
            sla_risk_at: micros(c.sla.resolution_risk_at),
            sla_paused: c.sla.paused_at.is_some(),
            closed_at: c.closed_at.map(micros),
            merged_into: c.merged_into.map(|i| i.0),
        })
    }

    pub fn into_case(self) -> Result<Case> {
        Ok(Case {
            id: CaseId(self.id),
            status: parse("status", &self.status)?,
            channel: parse("channel", &self.channel)?,
            priority: parse("priority", &self.priority)?,
            category: self.category,
            queue: self.queue,
            assignee: self.assignee.map(UserId),
            subject: self.subject,
            requester: Requester {
                name: self.requester_name,
                msisdn: self
                    .requester_msisdn
                    .map(|m| Msisdn::parse(&m).map_err(|e| bad("msisdn", e)))
                    .transpose()?,
                email: self
                    .requester_email
                    .map(|e| Email::parse(&e).map_err(|x| bad("email", x)))
                    .transpose()?,
            },
            tags: serde_json::from_str(&self.tags)?,
            created_at: ts(self.created_at)?,
            updated_at: ts(self.updated_at)?,
            version: self.version,
            sla: serde_json::from_str(&self.sla)?,
            closed_at: ts_opt(self.closed_at)?,
            merged_into: self.merged_into.map(CaseId),
        })
    }
}

pub(crate) struct MessageRow {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub author: String,
    pub body: String,
    pub attachments: String,
    pub created_at: i64,
}

impl MessageRow {
    pub fn into_message(self) -> Result<Message> {
        Ok(Message {
            id: MessageId(self.id),
            case_id: CaseId(self.case_id),
            kind: parse("message kind", &self.kind)?,
            author: parse::<Actor>("author", &self.author)?,
            body: self.body,
            created_at: ts(self.created_at)?,
            attachments: serde_json::from_str::<Vec<AttachmentRef>>(&self.attachments)?,
        })
    }
}

/// Fills `message_id` into an outbox payload that refers to a message of the same commit.
pub(crate) fn outbox_payload(draft: &crate::OutboxDraft, message_ids: &[MessageId]) -> String {
    let mut payload = draft.payload.clone();
    if let (Some(i), Some(obj)) = (draft.message_index, payload.as_object_mut())
        && let Some(id) = message_ids.get(i)
    {
        obj.insert("message_id".into(), serde_json::json!(id.0));
    }
    payload.to_string()
}

/// A bound parameter, engine-neutral.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    I64(i64),
    Text(String),
    Bool(bool),
}

/// The SQL of a case listing, with `$n`-style placeholders written by `ph`.
/// The SQL dialect differences that matter to the case listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// The SQL of a case listing, newest first.
///
/// Several statuses become one branch per status, each an index range scan on
/// `(queue, status, id)` that stops after `limit` rows, merged with UNION ALL: an inbox of
/// "new or open" stays a few hundred row reads however many cases the store holds, where a
/// plain `status IN (…)` would collect and sort every match.
pub(crate) fn case_list_sql(
    f: &crate::CaseFilter,
    page: &crate::PageRequest,
    dialect: Dialect,
) -> (String, Vec<Param>) {
    if f.statuses.len() > 1 {
        let mut ps = Vec::new();
        let mut branches = Vec::new();
        for (i, st) in f.statuses.iter().enumerate() {
            let one = crate::CaseFilter {
                statuses: vec![*st],
                ..f.clone()
            };
            let (sql, bound) = case_list_branch(&one, page, dialect, ps.len());
            ps.extend(bound);
            branches.push(format!("SELECT * FROM ({sql}) AS b{i}"));
        }
        let limit = i64::from(page.limit.clamp(1, 500));
        return (
            format!(
                "SELECT * FROM ({}) AS merged ORDER BY id DESC LIMIT {limit}",
                branches.join(" UNION ALL ")
            ),
            ps,
        );
    }
    case_list_branch(f, page, dialect, 0)
}

fn case_list_branch(
    f: &crate::CaseFilter,
    page: &crate::PageRequest,
    dialect: Dialect,
    offset: usize,
) -> (String, Vec<Param>) {
    let ph = |n: usize| match dialect {
        Dialect::Sqlite => format!("?{}", n + offset),
        Dialect::Postgres => format!("${}", n + offset),
    };
    use crate::SlaFilter;
    let mut wh: Vec<String> = Vec::new();
    let mut ps: Vec<Param> = Vec::new();
    let bind = |ps: &mut Vec<Param>, p: Param| -> String {
        ps.push(p);
        ph(ps.len())
    };
    if !f.statuses.is_empty() {
        let list: Vec<String> = f
            .statuses
            .iter()
            .map(|s| bind(&mut ps, Param::Text(s.as_str().to_string())))
            .collect();
        wh.push(format!("status IN ({})", list.join(", ")));
    }
    if let Some(q) = &f.queue {
        let p = bind(&mut ps, Param::Text(q.clone()));
        wh.push(format!("queue = {p}"));
    }
    match f.assignee {
        Some(Some(u)) => {
            let p = bind(&mut ps, Param::I64(u.0));
            wh.push(format!("assignee = {p}"));
        }
        Some(None) => wh.push("assignee IS NULL".into()),
        None => {}
    }
    if let Some(c) = &f.category {
        // A literal prefix range ("mfs." ≤ x < "mfs/"), not LIKE: no wildcards, exact case,
        // and it uses the index.
        let a = bind(&mut ps, Param::Text(c.clone()));
        let b = bind(&mut ps, Param::Text(format!("{c}.")));
        let e = bind(&mut ps, Param::Text(format!("{c}/")));
        wh.push(format!(
            "(category = {a} OR (category >= {b} AND category < {e}))"
        ));
    }
    if let Some(ch) = f.channel {
        let p = bind(&mut ps, Param::Text(ch.as_str().to_string()));
        wh.push(format!("channel = {p}"));
    }
    if let Some(pr) = f.priority {
        let p = bind(&mut ps, Param::Text(pr.as_str().to_string()));
        wh.push(format!("priority = {p}"));
    }
    if let Some(t) = f.created_from {
        let p = bind(&mut ps, Param::I64(micros(t)));
        wh.push(format!("created_at >= {p}"));
    }
    if let Some(t) = f.created_to {
        let p = bind(&mut ps, Param::I64(micros(t)));
        wh.push(format!("created_at < {p}"));
    }
    if let Some(m) = &f.msisdn {
        let p = bind(&mut ps, Param::Text(m.clone()));
        wh.push(format!("requester_msisdn = {p}"));
    }
    if let Some(e) = &f.email {
        let p = bind(&mut ps, Param::Text(e.clone()));
        wh.push(format!("requester_email = {p}"));
    }
    if let Some(t) = &f.tag {
        // Tags are a JSON array of strings; find the quoted element literally.
        let p = bind(
            &mut ps,
            Param::Text(serde_json::Value::String(t.clone()).to_string()),
        );
        wh.push(match dialect {
            Dialect::Sqlite => format!("instr(tags, {p}) > 0"),
            Dialect::Postgres => format!("strpos(tags, {p}) > 0"),
        });
    }
    if let Some(sla) = f.sla {
        let now = micros(f.now.unwrap_or_else(Timestamp::now));
        // SLA states apply to active cases. When the statuses asked for are all active the
        // extra predicate is left out: repeating it would hide the (queue, status, id)
        // order from the planner and force a sort.
        let active = if f.statuses.is_empty() || f.statuses.iter().any(|s| !s.is_active()) {
            "status IN ('new', 'open', 'pending_customer', 'pending_third_party') AND"
        } else {
            ""
        };
        match sla {
            SlaFilter::Paused => {
                let t = bind(&mut ps, Param::Bool(true));
                wh.push(format!("{active} sla_paused = {t}"));
            }
            SlaFilter::Breached => {
                let fa = bind(&mut ps, Param::Bool(false));
                let n = bind(&mut ps, Param::I64(now));
                wh.push(format!("{active} sla_paused = {fa} AND sla_due < {n}"));
            }
            SlaFilter::AtRisk => {
                let fa = bind(&mut ps, Param::Bool(false));
                let n1 = bind(&mut ps, Param::I64(now));
                let n2 = bind(&mut ps, Param::I64(now));
                wh.push(format!(
                    "{active} sla_paused = {fa} AND sla_risk_at <= {n1} AND sla_due >= {n2}"
                ));
            }
            SlaFilter::OnTrack => {
                let fa = bind(&mut ps, Param::Bool(false));
                let n = bind(&mut ps, Param::I64(now));
                wh.push(format!("{active} sla_paused = {fa} AND sla_risk_at > {n}"));
            }
        }
    }
    if let Some(b) = page.before {
        let p = bind(&mut ps, Param::I64(b.0));
        wh.push(format!("id < {p}"));
    }
    let limit = bind(&mut ps, Param::I64(i64::from(page.limit.clamp(1, 500))));
    let where_sql = if wh.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", wh.join(" AND "))
    };
    (
        format!("SELECT {CASE_COLUMNS} FROM cases {where_sql} ORDER BY id DESC LIMIT {limit}"),
        ps,
    )
}
