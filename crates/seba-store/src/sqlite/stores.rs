//! The contract's areas, implemented on SQLite.

use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use seba_core::audit::{AuditEvent, EventDraft, GENESIS};
use seba_core::case::Case;
use seba_core::ids::{CaseId, MessageId, UserId};

use super::SqliteStore;
use super::rows::{self, CHALLENGE_COLUMNS, DELIVERY_COLUMNS, USER_COLUMNS};
use crate::codec::{
    self, ARTICLE_COLUMNS, CANNED_COLUMNS, CASE_COLUMNS, CLAIM_COLUMNS, CaseRow, Dialect,
    MERCHANT_COLUMNS, POINT_COLUMNS, REFUND_COLUMNS, RESET_GUARD_COLUMNS, RESET_SESSION_COLUMNS,
    USSD_SESSION_COLUMNS, WALLET_ACCOUNT_COLUMNS, WALLET_TX_COLUMNS, micros, ts,
};
use crate::model::*;
use crate::{
    AuditStore, CaseStore, ClaimStore, DirectoryStore, KnowledgeStore, Maintenance, OutboxStore,
    PointStore, PresenceStore, ReportStore, Result, SettingsStore, StoreError, UssdStore,
    WalletStore,
};

/// Built once: every case written asks for it.
static INSERT_CASE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO cases ({CASE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"
    )
});

fn insert_case(c: &Connection, case: &Case) -> Result<()> {
    let r = CaseRow::from_case(case)?;
    c.prepare_cached(&INSERT_CASE)?.execute(params![
        r.id,
        r.status,
        r.channel,
        r.priority,
        r.category,
        r.queue,
        r.assignee,
        r.subject,
        r.requester_name,
        r.requester_msisdn,
        r.requester_email,
        r.tags,
        r.created_at,
        r.updated_at,
        r.version,
        r.sla,
        r.sla_due,
        r.sla_risk_at,
        r.sla_paused,
        r.closed_at,
        r.merged_into,
        r.sla_resolved_at
    ])?;
    Ok(())
}

fn update_case(c: &Connection, case: &Case, expected: i64) -> Result<()> {
    let r = CaseRow::from_case(case)?;
    let n = c
        .prepare_cached(
            "UPDATE cases SET status = ?2, channel = ?3, priority = ?4, category = ?5, queue = ?6, assignee = ?7,
             subject = ?8, requester_name = ?9, requester_msisdn = ?10, requester_email = ?11, tags = ?12,
             updated_at = ?13, version = ?14, sla = ?15, sla_due = ?16, sla_risk_at = ?17, sla_paused = ?18,
             closed_at = ?19, merged_into = ?20, sla_resolved_at = ?22
             WHERE id = ?1 AND version = ?21",
        )?
        .execute(params![
            r.id, r.status, r.channel, r.priority, r.category, r.queue, r.assignee, r.subject, r.requester_name,
            r.requester_msisdn, r.requester_email, r.tags, r.updated_at, r.version, r.sla, r.sla_due, r.sla_risk_at,
            r.sla_paused, r.closed_at, r.merged_into, expected, r.sla_resolved_at
        ])?;
    if n == 0 {
        let current: Option<i64> = c
            .query_row("SELECT version FROM cases WHERE id = ?1", [r.id], |row| {
                row.get(0)
            })
            .optional()?;
        return Err(match current {
            Some(current) => StoreError::Conflict { current },
            None => StoreError::NotFound,
        });
    }
    Ok(())
}

fn append_event(c: &Connection, draft: EventDraft) -> Result<()> {
    let last: Option<(i64, String)> = c
        .prepare_cached("SELECT seq, hash FROM audit_heads WHERE subject = ?1")?
        .query_row([&draft.subject], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = last
        .map(|(s, h)| (s + 1, h))
        .unwrap_or((1, GENESIS.to_string()));
    let e = draft.seal(seq, &prev);
    c.prepare_cached(
        "INSERT INTO audit_events (subject, seq, at, actor, action, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        e.subject,
        e.seq,
        micros(e.at),
        e.actor,
        e.action,
        e.before,
        e.after,
        e.prev_hash,
        e.hash
    ])?;
    c.prepare_cached(
        "INSERT INTO audit_heads (subject, seq, hash) VALUES (?1, ?2, ?3)
         ON CONFLICT (subject) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )?
    .execute(params![e.subject, e.seq, e.hash])?;
    Ok(())
}

/// Write a record kept by version (see [`codec::Versioned`]): `values` are its columns in
/// order, the key first.
fn write_versioned(
    c: &Connection,
    v: &codec::Versioned,
    values: &[&dyn rusqlite::ToSql],
    expected: Option<i64>,
    key: &str,
) -> Result<()> {
    let n = match expected {
        None => c
            .prepare_cached(v.insert_sql(Dialect::Sqlite))?
            .execute(values)?,
        Some(expected) => {
            let mut with_expected = values.to_vec();
            with_expected.push(&expected);
            c.prepare_cached(v.update_sql(Dialect::Sqlite))?
                .execute(&with_expected[..])?
        }
    };
    if n > 0 {
        return Ok(());
    }
    // Nothing written: a taken key, or a stale or missing row.
    if expected.is_none() {
        return Err(StoreError::Duplicate(format!("{} {key}", v.what)));
    }
    let current: Option<i64> = c
        .prepare_cached(v.version_sql(Dialect::Sqlite))?
        .query_row(&values[..v.keys], |r| r.get(0))
        .optional()?;
    Err(match current {
        Some(current) => StoreError::Conflict { current },
        None => StoreError::NotFound,
    })
}

fn apply_side(c: &Connection, write: SideWrite) -> Result<()> {
    match write {
        SideWrite::Rating(r) => {
            let n = c
                .prepare_cached(
                    "INSERT INTO case_ratings (case_id, score, comment, rated_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (case_id) DO NOTHING",
                )?
                .execute(params![r.case_id.0, r.score, r.comment, micros(r.rated_at)])?;
            if n == 0 {
                return Err(StoreError::Duplicate(format!(
                    "rating of case {}",
                    r.case_id
                )));
            }
        }
        SideWrite::Article {
            article: a,
            expected_version,
        } => {
            let tags = codec::tags_json(&a.tags)?;
            let values = params![
                a.slug,
                a.title_bn,
                a.title_en,
                a.body_bn,
                a.body_en,
                tags,
                a.published,
                a.position,
                micros(a.updated_at),
                a.updated_by.map(|u| u.0),
                a.version,
            ];
            write_versioned(c, &codec::ARTICLES, values, expected_version, &a.slug)?;
        }
        SideWrite::DeleteArticle(slug) => {
            if c.prepare_cached("DELETE FROM articles WHERE slug = ?1")?
                .execute([slug])?
                == 0
            {
                return Err(StoreError::NotFound);
            }
        }
        SideWrite::Canned {
            canned: k,
            expected_version,
        } => {
            let values = params![
                k.code,
                k.title_bn,
                k.title_en,
                k.body_bn,
                k.body_en,
                micros(k.updated_at),
                k.version,
            ];
            write_versioned(c, &codec::CANNED, values, expected_version, &k.code)?;
        }
        SideWrite::DeleteCanned(code) => {
            if c.prepare_cached("DELETE FROM canned_responses WHERE code = ?1")?
                .execute([code])?
                == 0
            {
                return Err(StoreError::NotFound);
            }
        }
        SideWrite::ServicePoint {
            point: p,
            expected_version,
        } => {
            let services = codec::tags_json(&p.services)?;
            let values = params![
                p.id,
                p.kind,
                p.name_bn,
                p.name_en,
                p.address_bn,
                p.address_en,
                p.division,
                p.district,
                p.upazila,
                p.lat,
                p.lon,
                p.phone,
                services,
                p.hours,
                p.notice_bn,
                p.notice_en,
                codec::date_text(p.active_from),
                codec::date_text(p.active_to),
                p.closed,
                micros(p.updated_at),
                p.updated_by.map(|u| u.0),
                p.version,
            ];
            let key = p.id.to_string();
            write_versioned(c, &codec::POINTS, values, expected_version, &key)?;
        }
        SideWrite::PinSettled { msisdn, right } => {
            // A wrong PIN was counted when it was claimed: only a right one changes
            // anything.
            let found = if right {
                c.prepare_cached(
                    "UPDATE wallet_accounts SET failed_pins = 0, locked_until = NULL, lock_count = 0
                     WHERE msisdn = ?1",
                )?
                .execute([&msisdn])?
                    > 0
            } else {
                c.prepare_cached("SELECT EXISTS(SELECT 1 FROM wallet_accounts WHERE msisdn = ?1)")?
                    .query_row([&msisdn], |r| r.get(0))?
            };
            if !found {
                return Err(StoreError::NotFound);
            }
        }
        SideWrite::WalletPin {
            msisdn,
            pin_hash,
            expected_version,
            at,
        } => {
            // Read and write in the one writer's transaction: nothing runs in between.
            let current: Option<(i64, String, String)> = c
                .prepare_cached(
                    "SELECT version, pin_hash, pin_history FROM wallet_accounts WHERE msisdn = ?1",
                )?
                .query_row([&msisdn], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let Some((version, old, history)) = current else {
                return Err(StoreError::NotFound);
            };
            if version != expected_version {
                return Err(StoreError::Conflict { current: version });
            }
            let history = codec::next_pin_history(old, codec::tags_from(&history)?);
            c.prepare_cached(
                "UPDATE wallet_accounts SET pin_hash = ?2, pin_history = ?3, pin_changed_at = ?4,
                 failed_pins = 0, locked_until = NULL, lock_count = 0, version = ?5
                 WHERE msisdn = ?1 AND version = ?6",
            )?
            .execute(params![
                msisdn,
                pin_hash,
                codec::tags_json(&history)?,
                micros(at),
                expected_version + 1,
                expected_version
            ])?;
        }
        SideWrite::WalletUnlock { msisdn } => {
            if c.prepare_cached(
                "UPDATE wallet_accounts SET failed_pins = 0, locked_until = NULL, lock_count = 0
                 WHERE msisdn = ?1",
            )?
            .execute([&msisdn])?
                == 0
            {
                return Err(StoreError::NotFound);
            }
        }
        SideWrite::ResetSession {
            session: s,
            expected_version,
        } => {
            let choices = codec::tags_json(&s.choices)?;
            let values = params![
                s.token_hash,
                s.msisdn,
                s.step,
                micros(s.created_at),
                micros(s.expires_at),
                choices,
                s.right_choice,
                s.identity_failures,
                s.otp_hash,
                s.otp_expires_at.map(micros),
                s.otp_sends,
                s.otp_failures,
                s.version,
            ];
            let key = codec::reset_session_key(&s.token_hash);
            write_versioned(c, &codec::RESET_SESSIONS, values, expected_version, &key)?;
        }
        SideWrite::ResetGuard {
            guard: g,
            expected_version,
        } => {
            let values = params![
                g.msisdn,
                g.day.to_string(),
                g.started,
                g.failures,
                g.blocked_until.map(micros),
                g.version,
            ];
            let key = g.day.to_string();
            write_versioned(c, &codec::RESET_GUARDS, values, expected_version, &key)?;
        }
        SideWrite::Merchant {
            merchant: m,
            expected_version,
        } => {
            let values = params![
                m.id,
                m.legal_bn,
                m.legal_en,
                m.trade_bn,
                m.trade_en,
                codec::tags_json(&m.aliases)?,
                codec::tags_json(&m.web)?,
                m.licence,
                m.district,
                m.status,
                micros(m.created_at),
                micros(m.updated_at),
                m.version,
            ];
            let key = m.id.to_string();
            write_versioned(c, &codec::MERCHANTS, values, expected_version, &key)?;
        }
        SideWrite::Claim {
            claim: k,
            expected_version,
        } => write_claim(c, k, expected_version)?,
        SideWrite::Refund(f) => {
            let found: bool = c
                .prepare_cached("SELECT EXISTS(SELECT 1 FROM claims WHERE case_id = ?1)")?
                .query_row([f.case_id.0], |r| r.get(0))?;
            if !found {
                return Err(StoreError::NotFound);
            }
            c.prepare_cached(
                "INSERT INTO claim_refunds
                 (case_id, amount_poisha, paid_on, channel, reference, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                f.case_id.0,
                f.amount_poisha,
                f.paid_on.to_string(),
                f.channel,
                f.reference,
                f.recorded_by,
                micros(f.recorded_at),
            ])?;
        }
        SideWrite::ImportRow { key, case_id } => {
            let n = c
                .prepare_cached(
                    "INSERT INTO claim_imports (key, case_id, imported_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (key) DO NOTHING",
                )?
                .execute(params![key, case_id.0, micros(Timestamp::now())])?;
            if n == 0 {
                return Err(StoreError::Duplicate(format!("claim import {key}")));
            }
        }
    }
    Ok(())
}

/// Insert or replace a claim (see [`SideWrite::Claim`]) and move its merchants' totals.
fn write_claim(c: &Connection, k: ClaimRecord, expected_version: Option<i64>) -> Result<()> {
    // The row replaced, read in the writer's transaction: nothing runs in between.
    let old = match expected_version {
        None => None,
        Some(expected) => {
            let old = c
                .prepare_cached(&format!(
                    "SELECT {CLAIM_COLUMNS} FROM claims WHERE case_id = ?1"
                ))?
                .query_row([k.case_id.0], rows::claim)
                .optional()?
                .transpose()?;
            match old {
                None => return Err(StoreError::NotFound),
                Some(o) if o.version != expected => {
                    return Err(StoreError::Conflict { current: o.version });
                }
                Some(o) => Some(o),
            }
        }
    };
    codec::check_claim_key(&k)?;
    if old.as_ref().is_none_or(|o| o.merchant_id != k.merchant_id) {
        let found: bool = c
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM merchants WHERE id = ?1)")?
            .query_row([k.merchant_id], |r| r.get(0))?;
        if !found {
            return Err(StoreError::NotFound);
        }
    }
    let values = params![
        k.case_id.0,
        k.merchant_id,
        k.claimant_msisdn,
        k.claimant_name,
        k.district,
        k.dedup_key,
        k.order_id,
        k.order_date.to_string(),
        k.product,
        k.paid_poisha,
        k.method,
        k.gateway,
        k.delivery,
        k.refunded_poisha,
        k.stage,
        k.filings,
        micros(k.delivery_due),
        micros(k.refund_due),
        k.sent_to_merchant_at.map(micros),
        k.merchant_answered_at.map(micros),
        micros(k.created_at),
        micros(k.updated_at),
        k.version,
    ];
    let key = k.case_id.to_string();
    write_versioned(c, &codec::CLAIMS, values, expected_version, &key)?;
    // One writer: the claimant's claims counted after the write are all there are.
    for d in codec::totals_deltas(old.as_ref(), &k) {
        let mut victims = 0;
        for (msisdn, sign) in &d.claimants {
            let (from, to) = codec::claimant_keys(d.merchant_id, msisdn);
            let n: i64 = c
                .prepare_cached(codec::CLAIMANT_CLAIMS)?
                .query_row([from, to], |r| r.get(0))?;
            victims += codec::victims_moved(*sign, n);
        }
        c.prepare_cached(codec::TOTALS_ADD)?.execute(params![
            d.merchant_id,
            d.claims,
            victims,
            d.paid_poisha,
            d.refunded_poisha,
            d.open_claims,
            d.can_miss_delivery,
            d.can_miss_refund,
        ])?;
    }
    Ok(())
}

fn apply_commit(c: &Connection, commit: Commit, side: Vec<SideWrite>) -> Result<Committed> {
    match &commit.case {
        CaseWrite::None => {}
        CaseWrite::Insert(case) => insert_case(c, case)?,
        CaseWrite::Update {
            case,
            expected_version,
        } => update_case(c, case, *expected_version)?,
    }
    for w in side {
        apply_side(c, w)?;
    }
    let mut out = Committed::default();
    for m in &commit.messages {
        c.prepare_cached(
            "INSERT INTO messages (case_id, kind, author, body, attachments, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            m.case_id.0,
            m.kind.as_str(),
            m.author.to_string(),
            m.body,
            serde_json::to_string(&m.attachments)?,
            micros(m.created_at)
        ])?;
        out.message_ids.push(MessageId(c.last_insert_rowid()));
    }
    for e in commit.events {
        append_event(c, e)?;
    }
    for o in &commit.outbox {
        let payload = codec::outbox_payload(o, &out.message_ids);
        c.prepare_cached(
            "INSERT INTO outbox (topic, case_id, payload, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            o.topic,
            o.case_id.map(|i| i.0),
            payload,
            micros(Timestamp::now())
        ])?;
        out.outbox_seqs.push(c.last_insert_rowid());
    }
    if let Some(hook) = commit.idempotency {
        let response = (hook.build)(&out);
        c.prepare_cached(
            "INSERT INTO idempotency (scope, key, response, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            hook.scope,
            hook.key,
            serde_json::to_string(&response)?,
            micros(Timestamp::now())
        ])?;
    }
    Ok(out)
}

fn query_cases(c: &Connection, sql: &str, ps: Vec<rusqlite::types::Value>) -> Result<Vec<Case>> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(ps), rows::case_row)?;
    rows.map(|r| r.map_err(StoreError::from).and_then(CaseRow::into_case))
        .collect()
}

fn collect<T>(it: impl Iterator<Item = rusqlite::Result<Result<T>>>) -> Result<Vec<T>> {
    it.map(|r| r.map_err(StoreError::from).and_then(|x| x))
        .collect()
}

fn audit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(AuditEvent, i64)> {
    let at: i64 = r.get(2)?;
    Ok((
        AuditEvent {
            subject: r.get(0)?,
            seq: r.get(1)?,
            at: Timestamp::UNIX_EPOCH,
            actor: r.get(3)?,
            action: r.get(4)?,
            before: r.get(5)?,
            after: r.get(6)?,
            prev_hash: r.get(7)?,
            hash: r.get(8)?,
        },
        at,
    ))
}

fn audit_rows(
    it: impl Iterator<Item = rusqlite::Result<(AuditEvent, i64)>>,
) -> Result<Vec<AuditEvent>> {
    it.map(|r| {
        let (mut e, at) = r?;
        e.at = ts(at)?;
        Ok(e)
    })
    .collect()
}

const AUDIT_COLUMNS: &str = "subject, seq, at, actor, action, before, after, prev_hash, hash";

#[async_trait]
impl CaseStore for SqliteStore {
    async fn next_case_id(&self) -> Result<CaseId> {
        Ok(CaseId(self.reserve_id().await?))
    }

    async fn reserve_case_ids(&self, count: usize) -> Result<()> {
        self.reserve_ids(i64::try_from(count).unwrap_or(i64::MAX))
            .await
    }

    async fn commit_with(&self, commit: Commit, side: Vec<SideWrite>) -> Result<Committed> {
        self.write(move |c| apply_commit(c, commit, side)).await
    }

    async fn commit_many(
        &self,
        items: Vec<(Commit, Vec<SideWrite>)>,
    ) -> Result<std::result::Result<Vec<Committed>, (usize, StoreError)>> {
        // Alone in its transaction: a refused commit rolls the whole batch back.
        self.write_alone(move |c| {
            let mut out = Vec::with_capacity(items.len());
            for (i, (commit, side)) in items.into_iter().enumerate() {
                match apply_commit(c, commit, side) {
                    Ok(done) => out.push(done),
                    Err(e) => return Ok((Err((i, e)), false)),
                }
            }
            Ok((Ok(out), true))
        })
        .await
    }

    async fn case(&self, id: CaseId) -> Result<Option<Case>> {
        self.read(move |c| {
            c.prepare_cached(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"))?
                .query_row([id.0], rows::case_row)
                .optional()?
                .map(CaseRow::into_case)
                .transpose()
        })
        .await
    }

    async fn list_cases(&self, filter: &CaseFilter, page: &PageRequest) -> Result<Vec<Case>> {
        let at_risk = page.order == crate::CaseOrder::DueSoonest
            && filter.sla == Some(crate::SlaFilter::AtRisk);
        if !at_risk {
            let (sql, ps) = codec::case_list_sql(filter, page, codec::Dialect::Sqlite);
            let ps = rows::params(ps);
            return self.read(move |c| query_cases(c, &sql, ps)).await;
        }
        // "At risk", soonest deadline first: while few cases have entered their risk window
        // read those few and sort them; otherwise walk the deadlines (see `DueIndex`).
        let now = codec::micros(filter.now.unwrap_or_else(Timestamp::now));
        let via = |i| codec::case_list_sql_via(filter, page, codec::Dialect::Sqlite, i);
        let (few_sql, few_ps) = via(codec::DueIndex::RiskBegun);
        let (walk_sql, walk_ps) = via(codec::DueIndex::Deadline);
        let (few_ps, walk_ps) = (rows::params(few_ps), rows::params(walk_ps));
        self.read(move |c| {
            let begun: i64 = c
                .prepare_cached(codec::RISK_BEGUN_PROBE)?
                .query_row([now], |r| r.get(0))?;
            if begun < codec::RISK_BEGUN_FEW {
                query_cases(c, &few_sql, few_ps)
            } else {
                query_cases(c, &walk_sql, walk_ps)
            }
        })
        .await
    }

    async fn messages(&self, case: CaseId) -> Result<Vec<StoredMessage>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT m.id, m.case_id, m.kind, m.author, m.body, m.attachments, m.created_at,
                        (SELECT d.state FROM deliveries d WHERE d.message_id = m.id ORDER BY d.id DESC LIMIT 1)
                 FROM messages m WHERE m.case_id = ?1 ORDER BY m.id",
            )?;
            let rows = stmt.query_map([case.0], |r| Ok((rows::message_row(r)?, r.get::<_, Option<String>>(7)?)))?;
            rows.map(|r| {
                let (m, d) = r?;
                Ok(StoredMessage { message: m.into_message()?, delivery: d.as_deref().and_then(DeliveryState::parse) })
            })
            .collect()
        })
        .await
    }

    async fn cases(&self, ids: Vec<CaseId>) -> Result<Vec<Case>> {
        self.read(move |c| {
            let mut stmt =
                c.prepare_cached(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"))?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(row) = stmt.query_row([id.0], rows::case_row).optional()? {
                    out.push(row.into_case()?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn cases_with_threads(
        &self,
        ids: Vec<CaseId>,
    ) -> Result<Vec<(Case, Vec<seba_core::case::Message>)>> {
        // One blocking task for the whole batch, with the two prepared statements reused.
        self.read(move |c| {
            let mut case_stmt = c.prepare_cached(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"))?;
            let mut msg_stmt = c.prepare_cached(
                "SELECT id, case_id, kind, author, body, attachments, created_at FROM messages WHERE case_id = ?1 ORDER BY id",
            )?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let Some(row) = case_stmt.query_row([id.0], rows::case_row).optional()? else { continue };
                let messages = msg_stmt
                    .query_map([id.0], rows::message_row)?
                    .map(|r| r.map_err(StoreError::from).and_then(|m| m.into_message()))
                    .collect::<Result<Vec<_>>>()?;
                out.push((row.into_case()?, messages));
            }
            Ok(out)
        })
        .await
    }

    async fn count_cases(&self) -> Result<Vec<(String, i64)>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT status, count(*) FROM cases GROUP BY status ORDER BY status",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn idempotent_response(&self, scope: &str, key: &str) -> Result<Option<StoredResponse>> {
        let (scope, key) = (scope.to_string(), key.to_string());
        self.read(move |c| {
            let text: Option<String> = c
                .prepare_cached("SELECT response FROM idempotency WHERE scope = ?1 AND key = ?2")?
                .query_row([scope, key], |r| r.get(0))
                .optional()?;
            Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
        })
        .await
    }

    async fn save_idempotent_response(&self, rec: IdempotencyRecord) -> Result<()> {
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO idempotency (scope, key, response, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            )?
            .execute(params![rec.scope, rec.key, serde_json::to_string(&rec.response)?, micros(rec.at)])?;
            Ok(())
        })
        .await
    }

    async fn put_blob(
        &self,
        sha256: &str,
        content_type: &str,
        bytes: Vec<u8>,
        at: Timestamp,
    ) -> Result<()> {
        let (sha, ct) = (sha256.to_string(), content_type.to_string());
        self.write(move |c| {
            c.execute(
                "INSERT INTO blobs (sha256, content_type, size, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO NOTHING",
                params![sha, ct, bytes.len() as i64, bytes, micros(at)],
            )?;
            Ok(())
        })
        .await
    }

    async fn blob(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
        let sha = sha256.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT content_type, data FROM blobs WHERE sha256 = ?1",
                [sha],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })
        .await
    }

    async fn rating(&self, case: CaseId) -> Result<Option<Rating>> {
        self.read(move |c| {
            let row = c
                .prepare_cached(
                    "SELECT score, comment, rated_at FROM case_ratings WHERE case_id = ?1",
                )?
                .query_row([case.0], |r| {
                    Ok((
                        r.get::<_, u8>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })
                .optional()?;
            row.map(|(score, comment, at)| {
                Ok(Rating {
                    case_id: case,
                    score,
                    comment,
                    rated_at: ts(at)?,
                })
            })
            .transpose()
        })
        .await
    }
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn audit_page(
        &self,
        after: Option<(String, i64)>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>> {
        self.read(move |c| {
            let (subject, seq) = after.unwrap_or_default();
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_events WHERE (subject, seq) > (?1, ?2) ORDER BY subject, seq LIMIT ?3"
            ))?;
            let rows = stmt.query_map(params![subject, seq, limit], audit_row)?;
            audit_rows(rows)
        })
        .await
    }

    async fn audit_heads(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<(String, i64, String)>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT subject, seq, hash FROM audit_heads WHERE subject > ?1 ORDER BY subject LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after.unwrap_or_default(), limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn audit_events(&self, subject: &str) -> Result<Vec<AuditEvent>> {
        let subject = subject.to_string();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {AUDIT_COLUMNS} FROM audit_events WHERE subject = ?1 ORDER BY seq"
            ))?;
            let rows = stmt.query_map([subject], audit_row)?;
            audit_rows(rows)
        })
        .await
    }
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn outbox_after(&self, after: OutboxPos, limit: u32) -> Result<Vec<OutboxRow>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, topic, case_id, payload, created_at FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after.seq, limit], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<i64>>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?))
            })?;
            rows.map(|r| {
                let (seq, topic, case_id, payload, at) = r?;
                Ok(OutboxRow {
                    pos: OutboxPos { tx: 0, seq },
                    topic,
                    case_id: case_id.map(CaseId),
                    payload: serde_json::from_str(&payload)?,
                    created_at: ts(at)?,
                })
            })
            .collect()
        })
        .await
    }

    async fn outbox_head(&self) -> Result<OutboxPos> {
        self.read(|c| {
            let seq: i64 =
                c.query_row("SELECT coalesce(max(seq), 0) FROM outbox", [], |r| r.get(0))?;
            Ok(OutboxPos { tx: 0, seq })
        })
        .await
    }

    async fn cursor(&self, consumer: &str) -> Result<OutboxPos> {
        let consumer = consumer.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT tx, seq FROM outbox_cursors WHERE consumer = ?1",
                [consumer],
                |r| {
                    Ok(OutboxPos {
                        tx: r.get(0)?,
                        seq: r.get(1)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
        })
        .await
    }

    async fn enqueue_and_advance(
        &self,
        consumer: &str,
        from: OutboxPos,
        to: OutboxPos,
        deliveries: Vec<NewDelivery>,
    ) -> Result<()> {
        let consumer = consumer.to_string();
        self.write(move |c| {
            for d in &deliveries {
                c.prepare_cached(
                    "INSERT INTO deliveries (dedupe_key, case_id, message_id, channel, recipient, subject, body, state,
                     attempts, next_attempt_at, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', 0, ?8, ?8, ?8) ON CONFLICT (dedupe_key) DO NOTHING",
                )?
                .execute(params![
                    d.dedupe_key,
                    d.case_id.map(|i| i.0),
                    d.message_id.map(|i| i.0),
                    d.channel.as_str(),
                    d.recipient,
                    d.subject,
                    d.body,
                    micros(d.created_at)
                ])?;
            }
            let moved = c.execute(
                "INSERT INTO outbox_cursors (consumer, tx, seq) VALUES (?1, ?4, ?5)
                 ON CONFLICT (consumer) DO UPDATE SET tx = ?4, seq = ?5 WHERE tx = ?2 AND seq = ?3",
                params![consumer, from.tx, from.seq, to.tx, to.seq],
            )?;
            if moved == 0 {
                return Err(StoreError::Conflict { current: 0 });
            }
            Ok(())
        })
        .await
    }

    async fn claim_deliveries(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<Delivery>> {
        self.write(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "UPDATE deliveries SET lease_until = ?2, attempts = attempts + 1
                 WHERE id IN (SELECT id FROM deliveries WHERE state IN ('queued', 'retrying') AND next_attempt_at <= ?1
                              AND (lease_until IS NULL OR lease_until < ?1) ORDER BY next_attempt_at LIMIT ?3)
                 RETURNING {DELIVERY_COLUMNS}"
            ))?;
            let rows = stmt.query_map(params![micros(now), micros(lease_until), limit], rows::delivery)?;
            collect(rows)
        })
        .await
    }

    async fn finish_delivery(
        &self,
        id: i64,
        outcome: DeliveryOutcome,
        at: Timestamp,
    ) -> Result<()> {
        self.write(move |c| {
            let (state, next, err) = match outcome {
                DeliveryOutcome::Sent => ("sent", None, None),
                DeliveryOutcome::Retry { at, error } => ("retrying", Some(micros(at)), Some(error)),
                DeliveryOutcome::Failed { error } => ("failed", None, Some(error)),
            };
            c.execute(
                "UPDATE deliveries SET state = ?2, next_attempt_at = COALESCE(?3, next_attempt_at), last_error = ?4,
                 lease_until = NULL, updated_at = ?5 WHERE id = ?1",
                params![id, state, next, err, micros(at)],
            )?;
            Ok(())
        })
        .await
    }

    async fn deliveries_for_case(&self, case: CaseId) -> Result<Vec<Delivery>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE case_id = ?1 ORDER BY id"
            ))?;
            let rows = stmt.query_map([case.0], rows::delivery)?;
            collect(rows)
        })
        .await
    }

    async fn record_sms(&self, to: &str, body: &str, at: Timestamp) -> Result<()> {
        let (to, body) = (to.to_string(), body.to_string());
        self.write(move |c| {
            c.execute(
                "INSERT INTO sms_sink (recipient, body, created_at) VALUES (?1, ?2, ?3)",
                params![to, body, micros(at)],
            )?;
            Ok(())
        })
        .await
    }

    async fn sms_sent(&self, to: Option<&str>, limit: u32) -> Result<Vec<SentSms>> {
        let to = to.map(str::to_string);
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, recipient, body, created_at FROM sms_sink WHERE (?1 IS NULL OR recipient = ?1) ORDER BY id DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![to, limit], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?))
            })?;
            rows.map(|r| {
                let (id, to, body, at) = r?;
                Ok(SentSms { id, to, body, at: ts(at)? })
            })
            .collect()
        })
        .await
    }
}

#[async_trait]
impl DirectoryStore for SqliteStore {
    async fn create_user(&self, u: NewUser, event: EventDraft) -> Result<UserId> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![u.username, u.display_name, u.role.as_str(), u.password_hash, micros(u.created_at)],
            )?;
            let id = c.last_insert_rowid();
            append_event(c, EventDraft { subject: format!("user:{id}"), ..event })?;
            Ok(UserId(id))
        })
        .await
    }

    async fn update_user(
        &self,
        id: UserId,
        role: seba_core::staff::Role,
        disabled: bool,
        event: EventDraft,
    ) -> Result<()> {
        self.write(move |c| {
            let changed = c.execute(
                "UPDATE users SET role = ?1, disabled = ?2 WHERE id = ?3",
                params![role.as_str(), disabled, id.0],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            if disabled {
                c.execute("DELETE FROM sessions WHERE user_id = ?1", [id.0])?;
            }
            append_event(
                c,
                EventDraft {
                    subject: format!("user:{}", id.0),
                    ..event
                },
            )?;
            Ok(())
        })
        .await
    }

    async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let name = username.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE username = ?1"
            ))?
            .query_row([name], rows::user)
            .optional()?
            .transpose()
        })
        .await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.read(move |c| {
            c.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
                .query_row([id.0], rows::user)
                .optional()?
                .transpose()
        })
        .await
    }

    async fn users(&self) -> Result<Vec<User>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))?;
            let rows = stmt.query_map([], rows::user)?;
            collect(rows)
        })
        .await
    }

    async fn login_failed(&self, id: UserId, limit: u32, lock_until: Timestamp) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "UPDATE users SET failed_logins = failed_logins + 1,
                 locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END WHERE id = ?1",
                params![id.0, limit, micros(lock_until)],
            )?;
            Ok(())
        })
        .await
    }

    async fn login_succeeded(&self, id: UserId) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
                [id.0],
            )?;
            Ok(())
        })
        .await
    }

    async fn create_session(&self, s: Session) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.token_hash, s.user_id.0, s.csrf_token, micros(s.created_at), micros(s.expires_at)],
            )?;
            Ok(())
        })
        .await
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        let h = token_hash.to_string();
        self.read(move |c| {
            let row = c
                .prepare_cached(
                    "SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions
                     WHERE token_hash = ?1 AND expires_at > ?2",
                )?
                .query_row(params![h, micros(now)], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                })
                .optional()?;
            row.map(|(token_hash, user, csrf_token, created, expires)| {
                Ok(Session {
                    token_hash,
                    user_id: UserId(user),
                    csrf_token,
                    created_at: ts(created)?,
                    expires_at: ts(expires)?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let h = token_hash.to_string();
        self.write(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", [h])?;
            Ok(())
        })
        .await
    }

    async fn create_api_token(&self, t: ApiToken, event: EventDraft) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at, revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![t.token_hash, t.user_id.0, t.name, micros(t.created_at), t.expires_at.map(micros), t.revoked],
            )?;
            append_event(c, event)?;
            Ok(())
        })
        .await
    }

    async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        let h = token_hash.to_string();
        self.read(move |c| {
            let row = c
                .prepare_cached("SELECT token_hash, user_id, name, created_at, expires_at, revoked FROM api_tokens WHERE token_hash = ?1")?
                .query_row([h], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, bool>(5)?,
                    ))
                })
                .optional()?;
            row.map(|(token_hash, user, name, created, expires, revoked)| {
                Ok(ApiToken {
                    token_hash,
                    user_id: UserId(user),
                    name,
                    created_at: ts(created)?,
                    expires_at: codec::ts_opt(expires)?,
                    revoked,
                })
            })
            .transpose()
        })
        .await
    }

    async fn create_challenge(&self, ch: Challenge) -> Result<()> {
        self.write(move |c| {
            c.execute(
                &format!("INSERT INTO challenges ({CHALLENGE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
                params![
                    ch.id,
                    ch.case_id.0,
                    ch.msisdn,
                    ch.code_hash,
                    micros(ch.created_at),
                    micros(ch.expires_at),
                    ch.attempts,
                    ch.max_attempts,
                    ch.completed_at.map(micros)
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn attempt_challenge(&self, id: &str, now: Timestamp) -> Result<Option<Challenge>> {
        let id = id.to_string();
        self.write(move |c| {
            c.prepare_cached(&format!(
                "UPDATE challenges SET attempts = attempts + 1
                 WHERE id = ?1 AND attempts < max_attempts AND expires_at > ?2 AND completed_at IS NULL
                 RETURNING {CHALLENGE_COLUMNS}"
            ))?
            .query_row(params![id, micros(now)], rows::challenge)
            .optional()?
            .transpose()
        })
        .await
    }

    async fn complete_challenge(&self, id: &str, at: Timestamp) -> Result<()> {
        let id = id.to_string();
        self.write(move |c| {
            c.execute(
                "UPDATE challenges SET completed_at = ?2 WHERE id = ?1",
                params![id, micros(at)],
            )?;
            Ok(())
        })
        .await
    }

    async fn recent_challenges(&self, msisdn: &str, since: Timestamp) -> Result<i64> {
        let m = msisdn.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT count(*) FROM challenges WHERE msisdn = ?1 AND created_at >= ?2",
                params![m, micros(since)],
                |r| r.get(0),
            )?)
        })
        .await
    }
}

#[async_trait]
impl SettingsStore for SqliteStore {
    async fn upsert_queue(&self, q: Queue) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO queues (code, name_bn, name_en) VALUES (?1, ?2, ?3)
                 ON CONFLICT (code) DO UPDATE SET name_bn = excluded.name_bn, name_en = excluded.name_en",
                params![q.code, q.name_bn, q.name_en],
            )?;
            Ok(())
        })
        .await
    }

    async fn queues(&self) -> Result<Vec<Queue>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT code, name_bn, name_en FROM queues ORDER BY code")?;
            let rows = stmt.query_map([], |r| {
                Ok(Queue {
                    code: r.get(0)?,
                    name_bn: r.get(1)?,
                    name_en: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn upsert_category(&self, cat: Category) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO categories (code, parent, name_bn, name_en, queue) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (code) DO UPDATE SET parent = excluded.parent, name_bn = excluded.name_bn,
                 name_en = excluded.name_en, queue = excluded.queue",
                params![cat.code, cat.parent, cat.name_bn, cat.name_en, cat.queue],
            )?;
            Ok(())
        })
        .await
    }

    async fn categories(&self) -> Result<Vec<Category>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT code, parent, name_bn, name_en, queue FROM categories ORDER BY code",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(Category {
                    code: r.get(0)?,
                    parent: r.get(1)?,
                    name_bn: r.get(2)?,
                    name_en: r.get(3)?,
                    queue: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn upsert_sla_policy(&self, p: SlaPolicy) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "INSERT INTO sla_policies (id, category, priority, ack_minutes, first_response_minutes, resolution_minutes,
                 max_calendar_days, at_risk_percent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (id) DO UPDATE SET category = excluded.category, priority = excluded.priority,
                 ack_minutes = excluded.ack_minutes, first_response_minutes = excluded.first_response_minutes,
                 resolution_minutes = excluded.resolution_minutes, max_calendar_days = excluded.max_calendar_days,
                 at_risk_percent = excluded.at_risk_percent",
                params![
                    p.id,
                    p.category,
                    p.priority.map(|x| x.as_str()),
                    p.ack_minutes,
                    p.first_response_minutes,
                    p.resolution_minutes,
                    p.max_calendar_days,
                    p.at_risk_percent
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn sla_policies(&self) -> Result<Vec<SlaPolicy>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, category, priority, ack_minutes, first_response_minutes, resolution_minutes, max_calendar_days,
                 at_risk_percent FROM sla_policies ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                let pr: Option<String> = r.get(2)?;
                Ok((
                    SlaPolicy {
                        id: r.get(0)?,
                        category: r.get(1)?,
                        priority: None,
                        ack_minutes: r.get(3)?,
                        first_response_minutes: r.get(4)?,
                        resolution_minutes: r.get(5)?,
                        max_calendar_days: r.get(6)?,
                        at_risk_percent: r.get(7)?,
                    },
                    pr,
                ))
            })?;
            rows.map(|r| {
                let (mut p, pr) = r?;
                p.priority = pr.map(|s| codec::parse("priority", &s)).transpose()?;
                Ok(p)
            })
            .collect()
        })
        .await
    }

    async fn set_holidays(&self, year: i16, days: Vec<Holiday>) -> Result<()> {
        self.write(move |c| {
            c.execute("DELETE FROM holidays WHERE year = ?1", [year])?;
            for d in &days {
                c.execute(
                    "INSERT INTO holidays (day, year, name_bn, name_en) VALUES (?1, ?2, ?3, ?4)",
                    params![d.date.to_string(), year, d.name_bn, d.name_en],
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn holidays(&self) -> Result<Vec<Holiday>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT day, name_bn, name_en FROM holidays ORDER BY day")?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            rows.map(|r| {
                let (day, name_bn, name_en) = r?;
                Ok(Holiday {
                    date: codec::parse("holiday date", &day)?,
                    name_bn,
                    name_en,
                })
            })
            .collect()
        })
        .await
    }

    async fn meta(&self, key: &str) -> Result<Option<String>> {
        let key = key.to_string();
        self.read(move |c| {
            Ok(
                c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                    .optional()?,
            )
        })
        .await
    }

    async fn set_meta_once(&self, key: &str, value: &str) -> Result<bool> {
        let (key, value) = (key.to_string(), value.to_string());
        self.write(move |c| {
            Ok(c.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![key, value],
            )? == 1)
        })
        .await
    }
}

#[async_trait]
impl Maintenance for SqliteStore {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<()> {
        self.read(|c| {
            Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
                .map(|_| ())?)
        })
        .await
    }

    async fn maintain(&self) -> Result<()> {
        self.prune_presence(Timestamp::now() - crate::PRESENCE_KEPT)
            .await?;
        // SQLite's own advice for long-lived connections: gathers statistics only where
        // they are missing or stale.
        self.write(|c| Ok(c.execute_batch("PRAGMA optimize")?))
            .await
    }

    async fn backup(&self, dest: &std::path::Path) -> Result<()> {
        let dest = dest.to_path_buf();
        self.read(move |c| {
            if dest.exists() {
                return Err(StoreError::Backend(format!(
                    "{} already exists; refusing to overwrite",
                    dest.display()
                )));
            }
            let mut out = Connection::open(&dest)?;
            let backup = rusqlite::backup::Backup::new(c, &mut out)?;
            backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl PointStore for SqliteStore {
    async fn next_point_id(&self) -> Result<i64> {
        // Points are few and written by hand: one counter write per id is plenty.
        self.write(|c| {
            Ok(c.query_row(
                "UPDATE counters SET value = value + 1 WHERE name = 'point_id' RETURNING value",
                [],
                |r| r.get(0),
            )?)
        })
        .await
    }

    async fn next_point_ids(&self, n: u32) -> Result<Vec<i64>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let last: i64 = self
            .write(move |c| {
                Ok(c.query_row(
                    "UPDATE counters SET value = value + ?1 WHERE name = 'point_id' RETURNING value",
                    [i64::from(n)],
                    |r| r.get(0),
                )?)
            })
            .await?;
        Ok((last - i64::from(n) + 1..=last).collect())
    }

    async fn service_points_page(&self, filter: &PointFilter) -> Result<Vec<PointRecord>> {
        let f = filter.clone();
        self.read(move |c| {
            // Only the conditions asked for, so the planner walks `(kind, id)` or
            // `(district, id)` rather than the whole table by id.
            let mut sql = format!("SELECT {POINT_COLUMNS} FROM service_points WHERE id > ?1");
            let mut args: Vec<rusqlite::types::Value> = vec![f.after_id.unwrap_or(i64::MIN).into()];
            if let Some(kind) = f.kind {
                args.push(kind.into());
                sql.push_str(&format!(" AND kind = ?{}", args.len()));
            }
            if let Some(district) = f.district {
                args.push(i64::from(district).into());
                sql.push_str(&format!(" AND district = ?{}", args.len()));
            }
            if !f.include_closed {
                sql.push_str(" AND NOT closed");
            }
            args.push(i64::from(f.limit).into());
            sql.push_str(&format!(" ORDER BY id LIMIT ?{}", args.len()));
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), rows::point)?;
            collect(rows)
        })
        .await
    }

    async fn service_points(&self, include_closed: bool) -> Result<Vec<PointRecord>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {POINT_COLUMNS} FROM service_points WHERE NOT closed OR ?1
                 ORDER BY division, district, id"
            ))?;
            let rows = stmt.query_map([include_closed], rows::point)?;
            collect(rows)
        })
        .await
    }

    async fn service_point(&self, id: i64) -> Result<Option<PointRecord>> {
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {POINT_COLUMNS} FROM service_points WHERE id = ?1"
            ))?
            .query_row([id], rows::point)
            .optional()?
            .transpose()
        })
        .await
    }
}

#[async_trait]
impl KnowledgeStore for SqliteStore {
    async fn articles(&self, include_unpublished: bool) -> Result<Vec<Article>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE published = 1 OR ?1 ORDER BY position, slug"
            ))?;
            let rows = stmt.query_map([include_unpublished], rows::article)?;
            collect(rows)
        })
        .await
    }

    async fn article(&self, slug: &str) -> Result<Option<Article>> {
        let slug = slug.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE slug = ?1"
            ))?
            .query_row([slug], rows::article)
            .optional()?
            .transpose()
        })
        .await
    }

    async fn canned(&self) -> Result<Vec<Canned>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {CANNED_COLUMNS} FROM canned_responses ORDER BY code"
            ))?;
            let rows = stmt.query_map([], rows::canned)?;
            collect(rows)
        })
        .await
    }

    async fn canned_one(&self, code: &str) -> Result<Option<Canned>> {
        let code = code.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {CANNED_COLUMNS} FROM canned_responses WHERE code = ?1"
            ))?
            .query_row([code], rows::canned)
            .optional()?
            .transpose()
        })
        .await
    }
}

#[async_trait]
impl PresenceStore for SqliteStore {
    async fn touch_presence(
        &self,
        case: CaseId,
        user: UserId,
        activity: Activity,
        at: Timestamp,
    ) -> Result<()> {
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO case_presence (case_id, user_id, activity, seen_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (case_id, user_id) DO UPDATE SET activity = excluded.activity, seen_at = excluded.seen_at
                 WHERE excluded.seen_at >= case_presence.seen_at",
            )?
            .execute(params![case.0, user.0, activity.as_str(), micros(at)])?;
            Ok(())
        })
        .await
    }

    async fn presence(&self, case: CaseId, since: Timestamp) -> Result<Vec<Presence>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT p.user_id, u.display_name, p.activity, p.seen_at FROM case_presence p
                 JOIN users u ON u.id = p.user_id
                 WHERE p.case_id = ?1 AND p.seen_at >= ?2 ORDER BY p.seen_at DESC, p.user_id",
            )?;
            let rows = stmt.query_map(params![case.0, micros(since)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?;
            rows.map(|r| {
                let (user, display_name, activity, seen) = r?;
                Ok(Presence {
                    user_id: UserId(user),
                    display_name,
                    activity: Activity::parse(&activity)
                        .ok_or_else(|| StoreError::Backend(format!("activity {activity}")))?,
                    seen_at: ts(seen)?,
                })
            })
            .collect()
        })
        .await
    }

    async fn prune_presence(&self, before: Timestamp) -> Result<u64> {
        self.write(move |c| {
            Ok(
                c.prepare_cached("DELETE FROM case_presence WHERE seen_at < ?1")?
                    .execute([micros(before)])? as u64,
            )
        })
        .await
    }
}

#[async_trait]
impl ReportStore for SqliteStore {
    async fn created_per_day(&self, w: &ReportWindow) -> Result<Vec<DayChannelCount>> {
        let w = *w;
        self.read(move |c| {
            let mut stmt = c.prepare_cached(codec::CREATED_PER_DAY)?;
            let rows = stmt.query_map(
                params![
                    micros(w.from),
                    micros(w.to),
                    i64::from(w.utc_offset_seconds) * 1_000_000
                ],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )?;
            let mut out = rows
                .map(|r| {
                    let (day, channel, cases) = r?;
                    Ok(DayChannelCount {
                        day: codec::epoch_day(day)?,
                        channel: codec::parse("channel", &channel)?,
                        cases,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            codec::sort_per_day(&mut out);
            Ok(out)
        })
        .await
    }

    async fn created_per_category(&self, w: &ReportWindow) -> Result<Vec<CategoryCount>> {
        let w = *w;
        self.read(move |c| {
            let mut stmt = c.prepare_cached(codec::CREATED_PER_CATEGORY)?;
            let rows = stmt.query_map(params![micros(w.from), micros(w.to)], |r| {
                Ok(CategoryCount {
                    category: r.get(0)?,
                    cases: r.get(1)?,
                })
            })?;
            let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            codec::sort_categories(&mut out);
            Ok(out)
        })
        .await
    }

    async fn backlog(&self, now: Timestamp) -> Result<Backlog> {
        let sql = codec::for_dialect(&codec::backlog_sql(), Dialect::Sqlite);
        self.read(move |c| {
            let counts = c.prepare_cached(&sql)?.query_row([micros(now)], |r| {
                (0..r.as_ref().column_count())
                    .map(|i| r.get::<_, i64>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })?;
            codec::backlog_from(&counts)
        })
        .await
    }

    async fn sla_per_day(&self, w: &ReportWindow) -> Result<Vec<SlaDay>> {
        let w = *w;
        self.read(move |c| {
            let mut stmt = c.prepare_cached(codec::SLA_PER_DAY)?;
            let rows = stmt.query_map(
                params![
                    micros(w.from),
                    micros(w.to),
                    i64::from(w.utc_offset_seconds) * 1_000_000
                ],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )?;
            let mut out = rows
                .map(|r| {
                    let (day, met, missed) = r?;
                    Ok(SlaDay {
                        day: codec::epoch_day(day)?,
                        met,
                        missed,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            out.sort_by_key(|d| d.day);
            Ok(out)
        })
        .await
    }

    async fn csat(&self, w: &ReportWindow) -> Result<CsatCounts> {
        let w = *w;
        self.read(move |c| {
            let mut stmt = c.prepare_cached(codec::CSAT)?;
            let rows = stmt.query_map(params![micros(w.from), micros(w.to)], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })?;
            codec::csat_from(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }
}

#[async_trait]
impl WalletStore for SqliteStore {
    async fn upsert_wallet_accounts(&self, accounts: Vec<WalletAccountRecord>) -> Result<()> {
        self.write(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "INSERT INTO wallet_accounts ({WALLET_ACCOUNT_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (msisdn) DO UPDATE SET name = excluded.name,
                 nid_hash = excluded.nid_hash, date_of_birth = excluded.date_of_birth,
                 status = excluded.status, pin_hash = excluded.pin_hash,
                 pin_history = excluded.pin_history, failed_pins = excluded.failed_pins,
                 locked_until = excluded.locked_until, lock_count = excluded.lock_count,
                 pin_changed_at = excluded.pin_changed_at, version = excluded.version"
            ))?;
            for a in &accounts {
                stmt.execute(params![
                    a.msisdn,
                    a.name,
                    a.nid_hash,
                    a.date_of_birth.to_string(),
                    a.status,
                    a.pin_hash,
                    codec::tags_json(&a.pin_history)?,
                    a.failed_pins,
                    a.locked_until.map(micros),
                    a.lock_count,
                    a.pin_changed_at.map(micros),
                    a.version,
                ])?;
            }
            Ok(())
        })
        .await
    }

    async fn wallet_account(&self, msisdn: &str) -> Result<Option<WalletAccountRecord>> {
        let msisdn = msisdn.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {WALLET_ACCOUNT_COLUMNS} FROM wallet_accounts WHERE msisdn = ?1"
            ))?
            .query_row([msisdn], rows::wallet_account)
            .optional()?
            .transpose()
        })
        .await
    }

    async fn add_wallet_transactions(&self, txs: Vec<WalletTransactionRecord>) -> Result<()> {
        self.write(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "INSERT INTO wallet_transactions ({WALLET_TX_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (msisdn, id) DO UPDATE SET kind = excluded.kind,
                 amount_poisha = excluded.amount_poisha, at = excluded.at"
            ))?;
            for t in &txs {
                stmt.execute(params![
                    t.msisdn,
                    t.id,
                    t.kind,
                    t.amount_poisha,
                    micros(t.at)
                ])?;
            }
            Ok(())
        })
        .await
    }

    async fn recent_wallet_transactions(
        &self,
        msisdn: &str,
        limit: u32,
    ) -> Result<Vec<WalletTransactionRecord>> {
        let msisdn = msisdn.to_string();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {WALLET_TX_COLUMNS} FROM wallet_transactions WHERE msisdn = ?1
                 ORDER BY at DESC, id DESC LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![msisdn, i64::from(limit)], rows::wallet_tx)?;
            collect(rows)
        })
        .await
    }

    async fn claim_pin_attempt(
        &self,
        msisdn: &str,
        now: Timestamp,
        policy: &PinLockPolicy,
    ) -> Result<PinClaim> {
        let (msisdn, policy) = (msisdn.to_string(), policy.clone());
        // On the writer, read and count in one job: no other write runs in between, so
        // parallel claims queue up and each sees the counts before it.
        self.write(move |c| {
            let row: Option<(String, String, i32, Option<i64>, i32)> = c
                .prepare_cached(
                    "SELECT status, pin_hash, failed_pins, locked_until, lock_count
                     FROM wallet_accounts WHERE msisdn = ?1",
                )?
                .query_row([&msisdn], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?;
            let Some((status, pin_hash, failed_pins, locked_until, lock_count)) = row else {
                return Ok(PinClaim::NoAccount);
            };
            if status != "active" {
                return Ok(PinClaim::NoAccount);
            }
            let state = codec::PinLock {
                failed_pins,
                locked_until: codec::ts_opt(locked_until)?,
                lock_count,
            };
            match codec::claim_step(state, now, &policy)? {
                codec::ClaimStep::Locked(until) => Ok(PinClaim::Locked { until }),
                codec::ClaimStep::Counted(next) => {
                    c.prepare_cached(
                        "UPDATE wallet_accounts SET failed_pins = ?2, locked_until = ?3, lock_count = ?4
                         WHERE msisdn = ?1",
                    )?
                    .execute(params![
                        msisdn,
                        next.failed_pins,
                        next.locked_until.map(micros),
                        next.lock_count
                    ])?;
                    Ok(PinClaim::Granted {
                        pin_hash,
                        attempt: next.failed_pins,
                        locks_until: next.locked_until,
                    })
                }
            }
        })
        .await
    }

    async fn reset_session(&self, token_hash: &str) -> Result<Option<ResetSessionRecord>> {
        let token_hash = token_hash.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {RESET_SESSION_COLUMNS} FROM pin_reset_sessions WHERE token_hash = ?1"
            ))?
            .query_row([token_hash], rows::reset_session)
            .optional()?
            .transpose()
        })
        .await
    }

    async fn reset_guard(
        &self,
        msisdn: &str,
        day: jiff::civil::Date,
    ) -> Result<Option<ResetGuardRecord>> {
        let msisdn = msisdn.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {RESET_GUARD_COLUMNS} FROM pin_reset_guards WHERE msisdn = ?1 AND day = ?2"
            ))?
            .query_row(params![msisdn, day.to_string()], rows::reset_guard)
            .optional()?
            .transpose()
        })
        .await
    }
}

#[async_trait]
impl UssdStore for SqliteStore {
    async fn ussd_session(&self, id: &str) -> Result<Option<UssdSessionRecord>> {
        let id = id.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {USSD_SESSION_COLUMNS} FROM ussd_sessions WHERE id = ?1"
            ))?
            .query_row([id], rows::ussd_session)
            .optional()?
            .transpose()
        })
        .await
    }

    async fn save_ussd_session(
        &self,
        s: UssdSessionRecord,
        expected_version: Option<i64>,
    ) -> Result<()> {
        // The version check and the write run in one job on the one writer: no other save
        // can come between them.
        self.write(move |c| {
            let values = params![
                s.id,
                s.msisdn,
                s.state,
                s.menu,
                s.step,
                s.outcome,
                micros(s.started_at),
                micros(s.updated_at),
                micros(s.expires_at),
                s.version,
            ];
            write_versioned(c, &codec::USSD_SESSIONS, values, expected_version, &s.id)
                .map_err(codec::ussd_missing_is_conflict)
        })
        .await
    }

    async fn ussd_language(&self, msisdn: &str) -> Result<Option<String>> {
        let msisdn = msisdn.to_string();
        self.read(move |c| {
            Ok(
                c.prepare_cached("SELECT lang FROM ussd_languages WHERE msisdn = ?1")?
                    .query_row([msisdn], |r| r.get(0))
                    .optional()?,
            )
        })
        .await
    }

    async fn set_ussd_language(&self, msisdn: &str, lang: &str, at: Timestamp) -> Result<()> {
        let (msisdn, lang) = (msisdn.to_string(), lang.to_string());
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO ussd_languages (msisdn, lang, chosen_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (msisdn) DO UPDATE SET lang = excluded.lang, chosen_at = excluded.chosen_at",
            )?
            .execute(params![msisdn, lang, micros(at)])?;
            Ok(())
        })
        .await
    }

    async fn ussd_resume(&self, msisdn: &str, now: Timestamp) -> Result<Option<String>> {
        let msisdn = msisdn.to_string();
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT token FROM ussd_resumes WHERE msisdn = ?1 AND expires_at > ?2",
            )?
            .query_row(params![msisdn, micros(now)], |r| r.get(0))
            .optional()?)
        })
        .await
    }

    async fn set_ussd_resume(
        &self,
        msisdn: &str,
        resume: Option<(String, Timestamp)>,
    ) -> Result<()> {
        let msisdn = msisdn.to_string();
        self.write(move |c| {
            match resume {
                Some((token, expires_at)) => c
                    .prepare_cached(
                        "INSERT INTO ussd_resumes (msisdn, token, expires_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT (msisdn) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at",
                    )?
                    .execute(params![msisdn, token, micros(expires_at)])?,
                None => c
                    .prepare_cached("DELETE FROM ussd_resumes WHERE msisdn = ?1")?
                    .execute([msisdn])?,
            };
            Ok(())
        })
        .await
    }

    async fn expire_ussd_sessions(&self, now: Timestamp) -> Result<u64> {
        self.write(move |c| {
            let abandoned = c
                .prepare_cached(
                    "UPDATE ussd_sessions SET outcome = 'abandoned', state = '{}', version = version + 1
                     WHERE outcome = 'open' AND expires_at <= ?1",
                )?
                .execute([micros(now)])?;
            c.prepare_cached("DELETE FROM ussd_resumes WHERE expires_at <= ?1")?
                .execute([micros(now)])?;
            Ok(abandoned as u64)
        })
        .await
    }

    async fn prune_ussd_sessions(&self, before: Timestamp) -> Result<u64> {
        self.write(move |c| {
            Ok(
                c.prepare_cached("DELETE FROM ussd_sessions WHERE started_at < ?1")?
                    .execute([micros(before)])? as u64,
            )
        })
        .await
    }

    async fn ussd_stats(&self, from: Timestamp, to: Timestamp) -> Result<Vec<UssdStatRow>> {
        self.read(move |c| {
            // SQLite compares text bytewise (BINARY): the order PostgreSQL gets with "C".
            let mut stmt = c.prepare_cached(
                "SELECT menu, step, outcome, count(*) FROM ussd_sessions
                 WHERE started_at >= ?1 AND started_at < ?2
                 GROUP BY menu, step, outcome ORDER BY menu, step, outcome",
            )?;
            let rows = stmt.query_map(params![micros(from), micros(to)], |r| {
                Ok(UssdStatRow {
                    menu: r.get(0)?,
                    step: r.get(1)?,
                    outcome: r.get(2)?,
                    sessions: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }
}

#[async_trait]
impl ClaimStore for SqliteStore {
    async fn merchant_of_user(&self, user: UserId) -> Result<Option<i64>> {
        self.read(move |c| {
            Ok(
                c.prepare_cached("SELECT merchant_id FROM merchant_users WHERE user_id = ?1")?
                    .query_row([user.0], |r| r.get(0))
                    .optional()?,
            )
        })
        .await
    }

    async fn bind_merchant_user(&self, user: UserId, merchant_id: i64) -> Result<()> {
        self.write(move |c| {
            let known: Option<i64> = c
                .prepare_cached("SELECT id FROM merchants WHERE id = ?1")?
                .query_row([merchant_id], |r| r.get(0))
                .optional()?;
            if known.is_none() {
                return Err(StoreError::NotFound);
            }
            c.prepare_cached(
                "INSERT INTO merchant_users (user_id, merchant_id) VALUES (?1, ?2)
                 ON CONFLICT (user_id) DO UPDATE SET merchant_id = excluded.merchant_id",
            )?
            .execute(params![user.0, merchant_id])?;
            Ok(())
        })
        .await
    }

    async fn next_merchant_id(&self) -> Result<i64> {
        // Merchants are few and added by hand or by review: one counter write per id.
        self.write(|c| {
            Ok(c.query_row(
                "UPDATE counters SET value = value + 1 WHERE name = 'merchant_id' RETURNING value",
                [],
                |r| r.get(0),
            )?)
        })
        .await
    }

    async fn merchants(&self) -> Result<Vec<MerchantRecord>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {MERCHANT_COLUMNS} FROM merchants ORDER BY id"
            ))?;
            let rows = stmt.query_map([], rows::merchant)?;
            collect(rows)
        })
        .await
    }

    async fn merchant(&self, id: i64) -> Result<Option<MerchantRecord>> {
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {MERCHANT_COLUMNS} FROM merchants WHERE id = ?1"
            ))?
            .query_row([id], rows::merchant)
            .optional()?
            .transpose()
        })
        .await
    }

    async fn claim(&self, case: CaseId) -> Result<Option<ClaimRecord>> {
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {CLAIM_COLUMNS} FROM claims WHERE case_id = ?1"
            ))?
            .query_row([case.0], rows::claim)
            .optional()?
            .transpose()
        })
        .await
    }

    async fn claim_by_key(&self, dedup_key: &str) -> Result<Option<ClaimRecord>> {
        let key = dedup_key.to_string();
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {CLAIM_COLUMNS} FROM claims WHERE dedup_key = ?1"
            ))?
            .query_row([key], rows::claim)
            .optional()?
            .transpose()
        })
        .await
    }

    async fn claims_of_merchant(
        &self,
        merchant_id: i64,
        stage: Option<&str>,
        before: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<ClaimRecord>> {
        let (sql, ps) =
            codec::claims_page_sql(Some(merchant_id), stage, before, limit, Dialect::Sqlite);
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(rows::params(ps)), rows::claim)?;
            collect(rows)
        })
        .await
    }

    async fn claims(
        &self,
        stage: Option<&str>,
        before: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<ClaimRecord>> {
        let (sql, ps) = codec::claims_page_sql(None, stage, before, limit, Dialect::Sqlite);
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(rows::params(ps)), rows::claim)?;
            collect(rows)
        })
        .await
    }

    async fn refunds(&self, case: CaseId) -> Result<Vec<RefundRecord>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {REFUND_COLUMNS} FROM claim_refunds WHERE case_id = ?1
                 ORDER BY paid_on, id"
            ))?;
            let rows = stmt.query_map([case.0], rows::refund)?;
            collect(rows)
        })
        .await
    }

    async fn imported(&self, keys: &[String]) -> Result<Vec<String>> {
        self.taken_keys("SELECT key FROM claim_imports WHERE key IN", keys)
            .await
    }

    async fn claimed(&self, dedup_keys: &[String]) -> Result<Vec<String>> {
        self.taken_keys(
            "SELECT dedup_key FROM claims WHERE dedup_key IN",
            dedup_keys,
        )
        .await
    }

    async fn merchant_summaries(&self, now: Timestamp) -> Result<Vec<MerchantSummary>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&codec::merchant_summaries_sql(Dialect::Sqlite))?;
            let rows = stmt.query_map([micros(now)], merchant_summary)?;
            collect(rows)
        })
        .await
    }

    async fn merchant_summary(
        &self,
        merchant_id: i64,
        now: Timestamp,
    ) -> Result<Option<MerchantSummary>> {
        self.read(move |c| {
            c.prepare_cached(&codec::merchant_summary_sql(Dialect::Sqlite))?
                .query_row([micros(now), merchant_id], merchant_summary)
                .optional()?
                .transpose()
        })
        .await
    }

    async fn claims_by_district(&self) -> Result<Vec<DistrictSummary>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(codec::CLAIMS_BY_DISTRICT)?;
            let rows = stmt.query_map([], |r| {
                let district: i64 = r.get(0)?;
                Ok((district, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]))
            })?;
            let mut out = rows
                .map(|row| {
                    let (district, [claims, victims, paid_poisha, refunded_poisha]) = row?;
                    Ok(DistrictSummary {
                        district: codec::district(district)?,
                        claims,
                        victims,
                        paid_poisha,
                        refunded_poisha,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            out.sort_by_key(|d| d.district);
            Ok(out)
        })
        .await
    }

    async fn claims_by_month(&self) -> Result<Vec<MonthSummary>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(codec::CLAIMS_BY_MONTH)?;
            let rows = stmt.query_map([], |r| {
                Ok(MonthSummary {
                    month: r.get(0)?,
                    claims: r.get(1)?,
                    victims: r.get(2)?,
                    paid_poisha: r.get(3)?,
                    refunded_poisha: r.get(4)?,
                })
            })?;
            let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            out.sort_by(|a, b| a.month.cmp(&b.month));
            Ok(out)
        })
        .await
    }
}

/// A row of [`codec::merchant_summaries_sql`].
fn merchant_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<MerchantSummary>> {
    let counts = [
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ];
    let oldest: Option<i64> = r.get(6)?;
    let missed = [r.get(7)?, r.get(8)?];
    Ok(codec::merchant_summary_from(counts, oldest, missed))
}
