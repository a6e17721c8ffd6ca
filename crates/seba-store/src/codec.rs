//! Between domain records and column values, shared by both engines so that they store
//! exactly the same thing.

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use jiff::Timestamp;
use seba_core::case::{Actor, AttachmentRef, Case, Message, Requester, Status};
use seba_core::contact::{Email, Msisdn};
use seba_core::ids::{CaseId, MessageId, UserId};

use crate::{PIN_HISTORY, PinLockPolicy, Result, StoreError};

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
    /// `sla.resolved_at` of a resolved (not merged) case, kept in its own column for the
    /// reports; readers take the time from `sla`.
    pub sla_resolved_at: Option<i64>,
}

pub(crate) const CASE_COLUMNS: &str = "id, status, channel, priority, category, queue, assignee, subject, \
     requester_name, requester_msisdn, requester_email, tags, created_at, updated_at, version, \
     sla, sla_due, sla_risk_at, sla_paused, closed_at, merged_into, sla_resolved_at";

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
            // A merge stops the duplicate's clock, but nothing was resolved: only real
            // resolutions count towards SLA compliance.
            sla_resolved_at: c
                .sla
                .resolved_at
                .filter(|_| c.status != Status::Merged)
                .map(micros),
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    case_list_sql_via(f, page, dialect, DueIndex::Deadline)
}

/// Which index SQLite reads a deadline-ordered list from (PostgreSQL's planner chooses by
/// its statistics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DueIndex {
    /// `cases_deadline`, walked from the nearest deadline: a page costs a page when the
    /// list is long, but an "at risk" list that is short or empty walks every case still
    /// on track.
    Deadline,
    /// `cases_at_risk`, the cases whose risk window has begun (at risk or breached), read
    /// whole and sorted: cheap while there are few of them.
    RiskBegun,
}

/// Below this many cases whose risk window has begun, "at risk" is read from
/// `cases_at_risk` rather than by walking the deadlines.
pub(crate) const RISK_BEGUN_FEW: i64 = 2_000;

/// How many active cases' risk windows have begun by `?1`, counted up to
/// [`RISK_BEGUN_FEW`] from the index alone (SQLite).
pub(crate) const RISK_BEGUN_PROBE: &str = "SELECT count(*) FROM (SELECT 1 FROM cases \
    INDEXED BY cases_at_risk WHERE status IN ('new', 'open', 'pending_customer', \
    'pending_third_party') AND sla_risk_at <= ?1 LIMIT 2000)";

/// [`case_list_sql`], reading a deadline-ordered SQLite list from `via`.
pub(crate) fn case_list_sql_via(
    f: &crate::CaseFilter,
    page: &crate::PageRequest,
    dialect: Dialect,
    via: DueIndex,
) -> (String, Vec<Param>) {
    if f.statuses.len() > 1 && page.order == crate::CaseOrder::Newest {
        let mut ps = Vec::new();
        let mut branches = Vec::new();
        for (i, st) in f.statuses.iter().enumerate() {
            let one = crate::CaseFilter {
                statuses: vec![*st],
                ..f.clone()
            };
            let (sql, bound) = case_list_branch(&one, page, dialect, ps.len(), via);
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
    case_list_branch(f, page, dialect, 0, via)
}

fn case_list_branch(
    f: &crate::CaseFilter,
    page: &crate::PageRequest,
    dialect: Dialect,
    offset: usize,
    via: DueIndex,
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
    let due_first = page.order == crate::CaseOrder::DueSoonest;
    if due_first {
        // Only active cases have a deadline to sort by. The predicate is spelled as the
        // partial indexes spell it, so that they may serve the query.
        wh.push(ACTIVE.to_string());
        if let Some((due, id)) = page.after_due {
            let d1 = bind(&mut ps, Param::I64(micros(due)));
            let d2 = bind(&mut ps, Param::I64(micros(due)));
            let i = bind(&mut ps, Param::I64(id.0));
            wh.push(format!("(sla_due > {d1} OR (sla_due = {d2} AND id > {i}))"));
        }
    } else if let Some(b) = page.before {
        let p = bind(&mut ps, Param::I64(b.0));
        wh.push(format!("id < {p}"));
    }
    let limit = bind(&mut ps, Param::I64(i64::from(page.limit.clamp(1, 500))));
    let where_sql = if wh.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", wh.join(" AND "))
    };
    if !due_first {
        return (
            format!("SELECT {CASE_COLUMNS} FROM cases {where_sql} ORDER BY id DESC LIMIT {limit}"),
            ps,
        );
    }
    // Soonest deadline first, walking the deadline index in order: "breached" starts at
    // the most overdue and "at risk" at the deadlines nearest now, and the walk stops once
    // the page is full; or, for a short "at risk" list, the few cases whose risk window
    // has begun, sorted (see [`DueIndex`]). SQLite's planner, without statistics, would
    // rather take the status index and sort every match, so the index is named.
    let from = match (dialect, via) {
        (Dialect::Sqlite, DueIndex::Deadline) => "cases INDEXED BY cases_deadline",
        (Dialect::Sqlite, DueIndex::RiskBegun) => "cases INDEXED BY cases_at_risk",
        (Dialect::Postgres, _) => "cases",
    };
    (
        format!(
            "SELECT {CASE_COLUMNS} FROM {from} {where_sql} ORDER BY sla_due ASC, id ASC LIMIT {limit}"
        ),
        ps,
    )
}

pub(crate) fn tags_json(tags: &[String]) -> Result<String> {
    Ok(serde_json::to_string(tags)?)
}

pub(crate) fn tags_from(json: &str) -> Result<Vec<String>> {
    Ok(serde_json::from_str(json)?)
}

pub(crate) const ARTICLE_COLUMNS: &str = "slug, title_bn, title_en, body_bn, body_en, tags, published, position, updated_at, updated_by, version";

pub(crate) const POINT_COLUMNS: &str = "id, kind, name_bn, name_en, address_bn, address_en, division, district, upazila, lat, lon, phone, services, hours, notice_bn, notice_en, active_from, active_to, closed, updated_at, updated_by, version";

/// A point's date as stored: `YYYY-MM-DD` text on both engines.
pub(crate) fn date_text(d: Option<jiff::civil::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

pub(crate) fn date_from(s: Option<String>) -> Result<Option<jiff::civil::Date>> {
    s.map(|s| parse::<jiff::civil::Date>("date", &s))
        .transpose()
}

pub(crate) const CANNED_COLUMNS: &str =
    "code, title_bn, title_en, body_bn, body_en, updated_at, version";

// ---------------------------------------------------------------------------------------
// Wallet accounts, PIN lockout and resets
// ---------------------------------------------------------------------------------------

pub(crate) const WALLET_ACCOUNT_COLUMNS: &str = "msisdn, name, nid_hash, date_of_birth, status, pin_hash, pin_history, failed_pins, locked_until, lock_count, pin_changed_at, version";

pub(crate) const WALLET_TX_COLUMNS: &str = "msisdn, id, kind, amount_poisha, at";

pub(crate) const RESET_SESSION_COLUMNS: &str = "token_hash, msisdn, step, created_at, expires_at, choices, right_choice, identity_failures, otp_hash, otp_expires_at, otp_sends, otp_failures, version";

pub(crate) const RESET_GUARD_COLUMNS: &str =
    "msisdn, day, started, failures, blocked_until, version";

/// A USSD session's columns: the key first and the version last, as [`Versioned`] needs.
pub(crate) const USSD_SESSION_COLUMNS: &str =
    "id, msisdn, state, menu, step, outcome, started_at, updated_at, expires_at, version";

/// A date as stored: `YYYY-MM-DD` text on both engines.
pub(crate) fn date_req(what: &str, s: &str) -> Result<jiff::civil::Date> {
    parse::<jiff::civil::Date>(what, s)
}

/// How errors name a reset session: the start of its token's hash, enough to tell two
/// apart in a log.
pub(crate) fn reset_session_key(token_hash: &str) -> String {
    token_hash.chars().take(12).collect()
}

/// An account's lockout columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PinLock {
    pub failed_pins: i32,
    pub locked_until: Option<Timestamp>,
    pub lock_count: i32,
}

/// What one claimed PIN attempt does to an active account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClaimStep {
    /// Locked until then: nothing changes.
    Locked(Timestamp),
    /// The attempt is counted: store this state and grant it.
    Counted(PinLock),
}

/// The lockout rule of [`crate::WalletStore::claim_pin_attempt`], written once for both
/// engines, which run it while they hold the account (SQLite's one writer, PostgreSQL's
/// row lock), so that parallel claims see each other's counts.
pub(crate) fn claim_step(
    state: PinLock,
    now: Timestamp,
    policy: &PinLockPolicy,
) -> Result<ClaimStep> {
    if let Some(until) = state.locked_until
        && until > now
    {
        return Ok(ClaimStep::Locked(until));
    }
    // A lock that has ended starts a fresh count; the escalation stays until a right PIN.
    let failed_pins = match state.locked_until {
        Some(_) => 1,
        None => state.failed_pins.saturating_add(1),
    };
    if failed_pins < policy.limit {
        return Ok(ClaimStep::Counted(PinLock {
            failed_pins,
            locked_until: None,
            lock_count: state.lock_count,
        }));
    }
    let nth = usize::try_from(state.lock_count)
        .unwrap_or(0)
        .min(policy.lock_for.len().saturating_sub(1));
    let lock_for = policy.lock_for.get(nth).ok_or_else(|| {
        StoreError::Backend("a PIN lock policy needs at least one lock duration".into())
    })?;
    let until = now
        .checked_add(*lock_for)
        .map_err(|e| bad("PIN lock's end", e))?;
    Ok(ClaimStep::Counted(PinLock {
        failed_pins,
        locked_until: Some(until),
        lock_count: state.lock_count.saturating_add(1),
    }))
}

/// An account's PIN history after its PIN `old` is replaced: `old` first, then the
/// newest of the earlier ones, [`PIN_HISTORY`] in all.
pub(crate) fn next_pin_history(old: String, history: Vec<String>) -> Vec<String> {
    std::iter::once(old)
        .chain(history)
        .take(PIN_HISTORY)
        .collect()
}

/// A record kept by version beside the cases: an article, a canned response, a service
/// point, a PIN reset session or guard, a USSD session, a merchant, a claim. Its columns
/// start with its key (one column, or `keys` of them) and end with `version`; a write
/// inserts it (a taken key changes nothing: `Duplicate`) or replaces it only over the
/// version the writer read (else `Conflict`, or `NotFound`).
pub(crate) struct Versioned {
    pub table: &'static str,
    pub columns: &'static str,
    /// How many leading columns make up the key.
    pub keys: usize,
    /// How errors name one of these ("article reset-pin").
    pub what: &'static str,
}

pub(crate) const ARTICLES: Versioned = Versioned {
    table: "articles",
    columns: ARTICLE_COLUMNS,
    keys: 1,
    what: "article",
};
pub(crate) const CANNED: Versioned = Versioned {
    table: "canned_responses",
    columns: CANNED_COLUMNS,
    keys: 1,
    what: "canned response",
};
pub(crate) const POINTS: Versioned = Versioned {
    table: "service_points",
    columns: POINT_COLUMNS,
    keys: 1,
    what: "service point",
};
pub(crate) const RESET_SESSIONS: Versioned = Versioned {
    table: "pin_reset_sessions",
    columns: RESET_SESSION_COLUMNS,
    keys: 1,
    what: "PIN reset session",
};
pub(crate) const RESET_GUARDS: Versioned = Versioned {
    table: "pin_reset_guards",
    columns: RESET_GUARD_COLUMNS,
    keys: 2,
    what: "PIN reset guard",
};

pub(crate) const USSD_SESSIONS: Versioned = Versioned {
    table: "ussd_sessions",
    columns: USSD_SESSION_COLUMNS,
    keys: 1,
    what: "USSD session",
};

/// A merchant's columns: the key first and the version last, as [`Versioned`] needs.
pub(crate) const MERCHANT_COLUMNS: &str = "id, legal_bn, legal_en, trade_bn, trade_en, aliases, web, licence, district, status, created_at, updated_at, version";

/// A claim's columns: the key first and the version last, as [`Versioned`] needs. (The
/// table's `is_open` is generated from `stage` and never written.)
pub(crate) const CLAIM_COLUMNS: &str = "case_id, merchant_id, claimant_msisdn, claimant_name, district, dedup_key, order_id, order_date, product, paid_poisha, method, gateway, delivery, refunded_poisha, stage, filings, delivery_due, refund_due, sent_to_merchant_at, merchant_answered_at, created_at, updated_at, version";

pub(crate) const REFUND_COLUMNS: &str =
    "id, case_id, amount_poisha, paid_on, channel, reference, recorded_by, recorded_at";

pub(crate) const MERCHANTS: Versioned = Versioned {
    table: "merchants",
    columns: MERCHANT_COLUMNS,
    keys: 1,
    what: "merchant",
};

pub(crate) const CLAIMS: Versioned = Versioned {
    table: "claims",
    columns: CLAIM_COLUMNS,
    keys: 1,
    what: "claim",
};

/// A USSD save over a version finds no row when the session was pruned under it: to the
/// caller that is an overtaken session like any other, so it is a conflict, at version 0
/// (which no stored session has).
pub(crate) fn ussd_missing_is_conflict(e: StoreError) -> StoreError {
    match e {
        StoreError::NotFound => StoreError::Conflict { current: 0 },
        e => e,
    }
}

impl Versioned {
    fn names(&self) -> Vec<&'static str> {
        self.columns.split(',').map(str::trim).collect()
    }

    /// The key's columns, comma-separated.
    pub(crate) fn key(&self) -> String {
        self.names()[..self.keys].join(", ")
    }

    /// `k1 = <1> AND k2 = <2> …`: the key at the first placeholders.
    fn key_match(&self, dialect: Dialect) -> String {
        self.names()[..self.keys]
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = {}", placeholder(dialect, i + 1)))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The insert, with one placeholder per column in order.
    pub(crate) fn insert_sql(&self, dialect: Dialect) -> &'static str {
        self.statement(dialect, Statement::Insert, || {
            let n = self.names().len();
            let values: Vec<String> = (1..=n).map(|i| placeholder(dialect, i)).collect();
            format!(
                "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO NOTHING",
                self.table,
                self.columns,
                values.join(", "),
                self.key()
            )
        })
    }

    /// The update: the same placeholders, and the expected version after them.
    pub(crate) fn update_sql(&self, dialect: Dialect) -> &'static str {
        self.statement(dialect, Statement::Update, || {
            let names = self.names();
            let set: Vec<String> = names
                .iter()
                .enumerate()
                .skip(self.keys)
                .map(|(i, c)| format!("{c} = {}", placeholder(dialect, i + 1)))
                .collect();
            format!(
                "UPDATE {} SET {} WHERE {} AND version = {}",
                self.table,
                set.join(", "),
                self.key_match(dialect),
                placeholder(dialect, names.len() + 1)
            )
        })
    }

    /// The stored version of the row with the key at the first placeholders.
    pub(crate) fn version_sql(&self, dialect: Dialect) -> &'static str {
        self.statement(dialect, Statement::Version, || {
            format!(
                "SELECT version FROM {} WHERE {}",
                self.table,
                self.key_match(dialect)
            )
        })
    }

    /// One of this record's statements, built the first time it is asked for and kept:
    /// every write asks for one, and building it costs a few dozen small allocations (a
    /// claim has 23 columns) on the writer's thread. A handful of tables, two dialects and
    /// three statements bound what is kept.
    fn statement(
        &self,
        dialect: Dialect,
        which: Statement,
        build: impl FnOnce() -> String,
    ) -> &'static str {
        type Built = HashMap<(&'static str, Dialect, Statement), &'static str>;
        static BUILT: LazyLock<RwLock<Built>> = LazyLock::new(Default::default);
        let key = (self.table, dialect, which);
        if let Some(sql) = BUILT.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return sql;
        }
        let mut built = BUILT.write().unwrap_or_else(|e| e.into_inner());
        built
            .entry(key)
            .or_insert_with(|| Box::leak(build().into_boxed_str()))
    }
}

/// The statements [`Versioned`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Statement {
    Insert,
    Update,
    Version,
}

fn placeholder(dialect: Dialect, n: usize) -> String {
    match dialect {
        Dialect::Sqlite => format!("?{n}"),
        Dialect::Postgres => format!("${n}"),
    }
}

// ---------------------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------------------

/// A district code as stored (an integer column) back into the record's type.
pub(crate) fn district(stored: i64) -> Result<u16> {
    u16::try_from(stored).map_err(|e| bad("district", e))
}

/// Whether a claim at `stage` is still being worked. The tables' generated `is_open`
/// column says the same: `stage NOT IN ('refunded', 'closed')`.
pub(crate) fn claim_is_open(stage: &str) -> bool {
    !matches!(stage, "refunded" | "closed")
}

/// One merchant's share of a claim write: what its `merchant_totals` row gains (negative
/// numbers take away), and the claimants whose count against it goes up (+1) or down (-1)
/// by one, by number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TotalsDelta {
    pub merchant_id: i64,
    pub claims: i64,
    pub paid_poisha: i64,
    pub refunded_poisha: i64,
    pub open_claims: i64,
    /// Claims that can miss the delivery deadline (those `claims_delivery_due` holds).
    pub can_miss_delivery: i64,
    /// Claims that can miss the refund deadline (those `claims_refund_due` holds).
    pub can_miss_refund: i64,
    pub claimants: Vec<(String, i64)>,
}

/// Whether a claim can miss its delivery deadline: open and not delivered — the rows of
/// the partial index `claims_delivery_due`, whose predicate this spells.
fn can_miss_delivery(k: &crate::ClaimRecord) -> bool {
    claim_is_open(&k.stage) && k.delivery != "delivered"
}

/// Whether a claim can miss its refund deadline: as [`can_miss_delivery`], and not yet
/// refunded in full — the rows of `claims_refund_due`.
fn can_miss_refund(k: &crate::ClaimRecord) -> bool {
    can_miss_delivery(k) && k.refunded_poisha < k.paid_poisha
}

/// How a claim write changes the merchants' totals: `old` (the row replaced, if any)
/// comes out, `new` goes in. Ordered by merchant id, and each merchant's claimants by
/// number, so that two PostgreSQL transactions lock the rows they share in the same
/// order; a merchant whose totals do not change is left out.
pub(crate) fn totals_deltas(
    old: Option<&crate::ClaimRecord>,
    new: &crate::ClaimRecord,
) -> Vec<TotalsDelta> {
    let mut by_merchant: std::collections::BTreeMap<i64, TotalsDelta> =
        std::collections::BTreeMap::new();
    let same_claimant = old.is_some_and(|o| {
        o.merchant_id == new.merchant_id && o.claimant_msisdn == new.claimant_msisdn
    });
    let mut add = |k: &crate::ClaimRecord, sign: i64| {
        let d = by_merchant
            .entry(k.merchant_id)
            .or_insert_with(|| TotalsDelta {
                merchant_id: k.merchant_id,
                ..TotalsDelta::default()
            });
        d.claims += sign;
        d.paid_poisha += sign * k.paid_poisha;
        d.refunded_poisha += sign * k.refunded_poisha;
        d.open_claims += sign * i64::from(claim_is_open(&k.stage));
        d.can_miss_delivery += sign * i64::from(can_miss_delivery(k));
        d.can_miss_refund += sign * i64::from(can_miss_refund(k));
        if !same_claimant {
            d.claimants.push((k.claimant_msisdn.clone(), sign));
            d.claimants.sort();
        }
    };
    if let Some(o) = old {
        add(o, -1);
    }
    add(new, 1);
    by_merchant
        .into_values()
        .filter(|d| {
            d.claims != 0
                || d.paid_poisha != 0
                || d.refunded_poisha != 0
                || d.open_claims != 0
                || d.can_miss_delivery != 0
                || d.can_miss_refund != 0
                || !d.claimants.is_empty()
        })
        .collect()
}

/// Add to a merchant's totals (creating the row). Parameters: merchant, claims, victims,
/// paid, refunded, open, can miss delivery, can miss refund.
pub(crate) const TOTALS_ADD: &str = "INSERT INTO merchant_totals
     (merchant_id, claims, victims, paid_poisha, refunded_poisha, open_claims,
      can_miss_delivery, can_miss_refund)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (merchant_id) DO UPDATE SET
     claims = merchant_totals.claims + excluded.claims,
     victims = merchant_totals.victims + excluded.victims,
     paid_poisha = merchant_totals.paid_poisha + excluded.paid_poisha,
     refunded_poisha = merchant_totals.refunded_poisha + excluded.refunded_poisha,
     open_claims = merchant_totals.open_claims + excluded.open_claims,
     can_miss_delivery = merchant_totals.can_miss_delivery + excluded.can_miss_delivery,
     can_miss_refund = merchant_totals.can_miss_refund + excluded.can_miss_refund";

/// Add to a merchant's count of victims (PostgreSQL, which adds the rest of a claim's
/// change first, to lock the row). Parameters: merchant, how many more (or fewer).
pub(crate) const TOTALS_VICTIMS: &str =
    "UPDATE merchant_totals SET victims = victims + ?2 WHERE merchant_id = ?1";

/// How many claims (0, 1 or "2", meaning more) a claimant has against a merchant: the keys
/// in [`claimant_keys`]. Parameters: that range's two ends.
pub(crate) const CLAIMANT_CLAIMS: &str = "SELECT count(*) FROM (SELECT 1 FROM claims
     WHERE dedup_key >= ?1 AND dedup_key < ?2 LIMIT 2) AS c";

/// The range of claim keys of one claimant against one merchant: every key there begins
/// `{merchant}|{msisdn}|` (see `ClaimRecord::dedup_key`), and `}` follows `|` bytewise,
/// so the range is one run of the unique index on `dedup_key` — the run a claim's insert
/// writes to anyway.
pub(crate) fn claimant_keys(merchant_id: i64, msisdn: &str) -> (String, String) {
    (
        format!("{merchant_id}|{msisdn}|"),
        format!("{merchant_id}|{msisdn}}}"),
    )
}

/// Refuse a claim whose key does not begin with its merchant and claimant: its merchant's
/// victims would be miscounted.
pub(crate) fn check_claim_key(k: &crate::ClaimRecord) -> Result<()> {
    let (from, _) = claimant_keys(k.merchant_id, &k.claimant_msisdn);
    if k.dedup_key.starts_with(&from) {
        Ok(())
    } else {
        Err(StoreError::Backend(format!(
            "the key of claim {} does not begin with its merchant and claimant",
            k.case_id
        )))
    }
}

/// How a claimant's count against a merchant, read after a claim write, moves the
/// merchant's victims: joining (`sign` 1) with only this claim makes one more; leaving
/// (`sign` -1) with none left makes one fewer.
pub(crate) fn victims_moved(sign: i64, claims_now: i64) -> i64 {
    match (sign > 0, claims_now) {
        (true, 1) => 1,
        (false, 0) => -1,
        _ => 0,
    }
}

/// The numbers of the merchant `id` (an SQL expression over `t`, its `merchant_totals`
/// row, which may be missing) as of `?1`: the totals, then one index range each for the
/// oldest open claim and the missed deadlines. A missed deadline is counted as the claims
/// that can miss it (kept in the totals) less those whose deadline is still ahead: a
/// deadline falls days after its order, so the claims still ahead of theirs are the few
/// most recent, while those past it are most of a merchant's claims — a collapsed shop's
/// tens of thousands. The predicates are spelt as the partial indexes spell them, so that
/// the planners may use those.
fn summary_columns(id: &str) -> String {
    format!(
        "{id}, coalesce(t.claims, 0), coalesce(t.victims, 0), coalesce(t.paid_poisha, 0),
         coalesce(t.refunded_poisha, 0), coalesce(t.open_claims, 0),
         (SELECT min(created_at) FROM claims WHERE merchant_id = {id} AND is_open = TRUE),
         coalesce(t.can_miss_delivery, 0) - (SELECT count(*) FROM claims WHERE merchant_id = {id}
             AND is_open = TRUE AND delivery <> 'delivered' AND delivery_due >= ?1),
         coalesce(t.can_miss_refund, 0) - (SELECT count(*) FROM claims WHERE merchant_id = {id}
             AND is_open = TRUE AND delivery <> 'delivered' AND refunded_poisha < paid_poisha
             AND refund_due >= ?1)"
    )
}

/// Every merchant with claims, by id. Parameter: now. Columns as [`summary_columns`].
pub(crate) fn merchant_summaries_sql(dialect: Dialect) -> String {
    for_dialect(
        &format!(
            "SELECT {} FROM merchant_totals t WHERE t.claims > 0 ORDER BY t.merchant_id",
            summary_columns("t.merchant_id")
        ),
        dialect,
    )
}

/// One merchant, with zeros when it has no claims; no row without the merchant.
/// Parameters: now, merchant.
pub(crate) fn merchant_summary_sql(dialect: Dialect) -> String {
    for_dialect(
        &format!(
            "SELECT {} FROM merchants m LEFT JOIN merchant_totals t ON t.merchant_id = m.id
             WHERE m.id = ?2",
            summary_columns("m.id")
        ),
        dialect,
    )
}

/// A summary from the columns of [`merchant_summaries_sql`]: id, claims, victims, paid,
/// refunded and open (`totals`), the oldest open claim's creation, then the delivery and
/// refund deadlines missed (`missed`).
pub(crate) fn merchant_summary_from(
    totals: [i64; 6],
    oldest_open: Option<i64>,
    missed: [i64; 2],
) -> Result<crate::MerchantSummary> {
    Ok(crate::MerchantSummary {
        merchant_id: totals[0],
        claims: totals[1],
        victims: totals[2],
        paid_poisha: totals[3],
        refunded_poisha: totals[4],
        open_claims: totals[5],
        oldest_open: ts_opt(oldest_open)?,
        delivery_missed: missed[0],
        refund_missed: missed[1],
    })
}

/// Claims per claimant's district: district, claims, distinct claimants, paid, refunded.
/// (`CAST`: PostgreSQL's sum of BIGINT is NUMERIC.)
pub(crate) const CLAIMS_BY_DISTRICT: &str = "SELECT district, count(*),
     count(DISTINCT claimant_msisdn), CAST(sum(paid_poisha) AS BIGINT),
     CAST(sum(refunded_poisha) AS BIGINT)
     FROM claims GROUP BY district";

/// Claims per month of the order date (`YYYY-MM`): month, claims, distinct claimants,
/// paid, refunded.
pub(crate) const CLAIMS_BY_MONTH: &str = "SELECT substr(order_date, 1, 7), count(*),
     count(DISTINCT claimant_msisdn), CAST(sum(paid_poisha) AS BIGINT),
     CAST(sum(refunded_poisha) AS BIGINT)
     FROM claims GROUP BY substr(order_date, 1, 7)";

/// A page of claims, newest first: of one merchant and at one stage if asked, below
/// `before`. Only the conditions given are in the query, so each walks its own index:
/// `(merchant_id, case_id)`, `(merchant_id, stage, case_id)`, `(stage, case_id)`.
pub(crate) fn claims_page_sql(
    merchant_id: Option<i64>,
    stage: Option<&str>,
    before: Option<CaseId>,
    limit: u32,
    dialect: Dialect,
) -> (String, Vec<Param>) {
    let mut wh: Vec<String> = Vec::new();
    let mut ps: Vec<Param> = Vec::new();
    let mut bind = |p: Param, column: &str, op: &str, wh: &mut Vec<String>| {
        ps.push(p);
        wh.push(format!("{column} {op} {}", placeholder(dialect, ps.len())));
    };
    if let Some(m) = merchant_id {
        bind(Param::I64(m), "merchant_id", "=", &mut wh);
    }
    if let Some(s) = stage {
        bind(Param::Text(s.to_string()), "stage", "=", &mut wh);
    }
    if let Some(b) = before {
        bind(Param::I64(b.0), "case_id", "<", &mut wh);
    }
    ps.push(Param::I64(i64::from(limit.clamp(1, 500))));
    let where_sql = if wh.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", wh.join(" AND "))
    };
    (
        format!(
            "SELECT {CLAIM_COLUMNS} FROM claims {where_sql} ORDER BY case_id DESC LIMIT {}",
            placeholder(dialect, ps.len())
        ),
        ps,
    )
}

/// The keys of `asked` found in `taken`, in the order asked, once each.
pub(crate) fn taken_in_order(asked: &[String], taken: Vec<String>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = taken.into_iter().collect();
    asked
        .iter()
        .filter(|k| taken.remove(k.as_str()))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------

/// Microseconds in a day.
pub(crate) const DAY_MICROS: i64 = 86_400_000_000;

/// The statuses of a case someone still has to work on, as the partial indexes spell them
/// (a query must repeat the predicate exactly for the planner to pick such an index).
const ACTIVE: &str = "status IN ('new', 'open', 'pending_customer', 'pending_third_party')";

/// The report queries are written once with `?n` placeholders; PostgreSQL gets `$n`.
pub(crate) fn for_dialect(sql: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => sql.to_string(),
        Dialect::Postgres => sql.replace('?', "$"),
    }
}

/// The local day a time falls on is `(micros + offset) / DAY_MICROS` days after
/// 1970-01-01: integer division, which is the floor for every time after 1970 on both
/// engines. Parameters: from, to, offset (µs).
pub(crate) const CREATED_PER_DAY: &str =
    "SELECT (created_at + ?3) / 86400000000, channel, count(*) FROM cases
     WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1, 2";

/// Parameters: from, to.
pub(crate) const CREATED_PER_CATEGORY: &str = "SELECT category, count(*) FROM cases
     WHERE created_at >= ?1 AND created_at < ?2 GROUP BY category";

/// Parameters: from, to, offset (µs).
pub(crate) const SLA_PER_DAY: &str = "SELECT (sla_resolved_at + ?3) / 86400000000,
            count(*) FILTER (WHERE sla_resolved_at <= sla_due),
            count(*) FILTER (WHERE sla_resolved_at > sla_due)
     FROM cases WHERE sla_resolved_at >= ?1 AND sla_resolved_at < ?2 GROUP BY 1";

/// Parameters: from, to.
pub(crate) const CSAT: &str = "SELECT score, count(*) FROM case_ratings
     WHERE rated_at >= ?1 AND rated_at < ?2 GROUP BY score";

/// One row: a count per [`AgeBucket`] in order, then the breached count. Parameter: now.
pub(crate) fn backlog_sql() -> String {
    use crate::AgeBucket;
    let mut columns: Vec<String> = AgeBucket::ALL
        .windows(2)
        .map(|w| {
            format!(
                "count(*) FILTER (WHERE ?1 - created_at >= {} AND ?1 - created_at < {})",
                w[0].from_days() * DAY_MICROS,
                w[1].from_days() * DAY_MICROS
            )
        })
        .collect();
    // The first bucket also takes a case "created in the future" (clock skew between nodes).
    columns[0] = format!(
        "count(*) FILTER (WHERE ?1 - created_at < {})",
        AgeBucket::ALL[1].from_days() * DAY_MICROS
    );
    columns.push(format!(
        "count(*) FILTER (WHERE ?1 - created_at >= {})",
        AgeBucket::OverFortyFive.from_days() * DAY_MICROS
    ));
    columns.push("count(*) FILTER (WHERE NOT sla_paused AND sla_due < ?1)".into());
    format!("SELECT {} FROM cases WHERE {ACTIVE}", columns.join(", "))
}

/// The backlog from the counts [`backlog_sql`] returns.
pub(crate) fn backlog_from(counts: &[i64]) -> Result<crate::Backlog> {
    use crate::AgeBucket;
    if counts.len() != AgeBucket::ALL.len() + 1 {
        return Err(StoreError::Backend(format!(
            "the backlog query returned {} columns",
            counts.len()
        )));
    }
    Ok(crate::Backlog {
        ages: AgeBucket::ALL
            .iter()
            .copied()
            .zip(counts.iter().copied())
            .collect(),
        breached: counts[AgeBucket::ALL.len()],
    })
}

/// The date `n` days after 1970-01-01.
pub(crate) fn epoch_day(n: i64) -> Result<jiff::civil::Date> {
    jiff::Span::new()
        .try_days(n)
        .and_then(|span| jiff::civil::date(1970, 1, 1).checked_add(span))
        .map_err(|e| bad("report day", e))
}

/// Put aggregated rows in the order the contract promises, the same on both engines
/// whatever their collation.
pub(crate) fn sort_per_day(rows: &mut [crate::DayChannelCount]) {
    rows.sort_by(|a, b| (a.day, a.channel.as_str()).cmp(&(b.day, b.channel.as_str())));
}

pub(crate) fn sort_categories(rows: &mut [crate::CategoryCount]) {
    rows.sort_by(|a, b| {
        b.cases
            .cmp(&a.cases)
            .then_with(|| a.category.cmp(&b.category))
    });
}

/// Ratings by score from (score, count) rows.
pub(crate) fn csat_from(rows: impl IntoIterator<Item = (i64, i64)>) -> Result<crate::CsatCounts> {
    let mut out = crate::CsatCounts::default();
    for (score, n) in rows {
        let slot = usize::try_from(score - 1)
            .ok()
            .and_then(|i| out.per_score.get_mut(i))
            .ok_or_else(|| bad("rating score", score))?;
        *slot += n;
    }
    Ok(out)
}
