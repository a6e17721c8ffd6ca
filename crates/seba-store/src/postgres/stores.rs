//! The contract's areas, implemented on PostgreSQL.

use async_trait::async_trait;
use jiff::Timestamp;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use seba_core::audit::{AuditEvent, EventDraft, GENESIS};
use seba_core::case::Case;
use seba_core::ids::{CaseId, MessageId, UserId};

use super::PgStore;
use crate::codec::{
    self, ARTICLE_COLUMNS, CANNED_COLUMNS, CASE_COLUMNS, CLAIM_COLUMNS, CaseRow, Dialect,
    MERCHANT_COLUMNS, MessageRow, POINT_COLUMNS, Param, REFUND_COLUMNS, RESET_GUARD_COLUMNS,
    RESET_SESSION_COLUMNS, USSD_SESSION_COLUMNS, WALLET_ACCOUNT_COLUMNS, WALLET_TX_COLUMNS, micros,
    ts,
};
use crate::model::*;
use crate::{
    AuditStore, CaseStore, ClaimStore, DirectoryStore, KnowledgeStore, Maintenance, OutboxStore,
    PointStore, PresenceStore, ReportStore, Result, SettingsStore, StoreError, UssdStore,
    WalletStore,
};

type Tx<'a> = deadpool_postgres::Transaction<'a>;

fn case_row(r: &Row) -> CaseRow {
    CaseRow {
        id: r.get(0),
        status: r.get(1),
        channel: r.get(2),
        priority: r.get(3),
        category: r.get(4),
        queue: r.get(5),
        assignee: r.get(6),
        subject: r.get(7),
        requester_name: r.get(8),
        requester_msisdn: r.get(9),
        requester_email: r.get(10),
        tags: r.get(11),
        created_at: r.get(12),
        updated_at: r.get(13),
        version: r.get(14),
        sla: r.get(15),
        sla_due: r.get(16),
        sla_risk_at: r.get(17),
        sla_paused: r.get(18),
        closed_at: r.get(19),
        merged_into: r.get(20),
        sla_resolved_at: r.get(21),
    }
}

const DELIVERY_COLUMNS: &str = "id, dedupe_key, case_id, message_id, channel, recipient, subject, body, state, attempts, next_attempt_at, last_error, updated_at";

fn delivery(r: &Row) -> Result<Delivery> {
    let channel: String = r.get(4);
    let state: String = r.get(8);
    Ok(Delivery {
        id: r.get(0),
        dedupe_key: r.get(1),
        case_id: r.get::<_, Option<i64>>(2).map(CaseId),
        message_id: r.get::<_, Option<i64>>(3).map(MessageId),
        channel: DeliveryChannel::parse(&channel)
            .ok_or_else(|| StoreError::Backend(format!("channel {channel}")))?,
        recipient: r.get(5),
        subject: r.get(6),
        body: r.get(7),
        state: DeliveryState::parse(&state)
            .ok_or_else(|| StoreError::Backend(format!("state {state}")))?,
        attempts: i32::try_from(r.get::<_, i64>(9)).unwrap_or(i32::MAX),
        next_attempt_at: ts(r.get(10))?,
        last_error: r.get(11),
        updated_at: ts(r.get(12))?,
    })
}

const USER_COLUMNS: &str = "id, username, display_name, role, password_hash, disabled, failed_logins, locked_until, created_at";

fn user(r: &Row) -> Result<User> {
    Ok(User {
        id: UserId(r.get(0)),
        username: r.get(1),
        display_name: r.get(2),
        role: codec::parse("role", r.get(3))?,
        password_hash: r.get(4),
        disabled: r.get(5),
        failed_logins: i32::try_from(r.get::<_, i64>(6)).unwrap_or(i32::MAX),
        locked_until: codec::ts_opt(r.get(7))?,
        created_at: ts(r.get(8))?,
    })
}

const CHALLENGE_COLUMNS: &str =
    "id, case_id, msisdn, code_hash, created_at, expires_at, attempts, max_attempts, completed_at";

fn challenge(r: &Row) -> Result<Challenge> {
    Ok(Challenge {
        id: r.get(0),
        case_id: CaseId(r.get(1)),
        msisdn: r.get(2),
        code_hash: r.get(3),
        created_at: ts(r.get(4))?,
        expires_at: ts(r.get(5))?,
        attempts: i32::try_from(r.get::<_, i64>(6)).unwrap_or(i32::MAX),
        max_attempts: i32::try_from(r.get::<_, i64>(7)).unwrap_or(i32::MAX),
        completed_at: codec::ts_opt(r.get(8))?,
    })
}

const AUDIT_COLUMNS: &str = "subject, seq, at, actor, action, before, after, prev_hash, hash";

fn audit(r: &Row) -> Result<AuditEvent> {
    Ok(AuditEvent {
        subject: r.get(0),
        seq: r.get(1),
        at: ts(r.get(2))?,
        actor: r.get(3),
        action: r.get(4),
        before: r.get(5),
        after: r.get(6),
        prev_hash: r.get(7),
        hash: r.get(8),
    })
}

fn boxed(ps: Vec<Param>) -> Vec<Box<dyn ToSql + Sync + Send>> {
    ps.into_iter()
        .map(|p| -> Box<dyn ToSql + Sync + Send> {
            match p {
                Param::I64(i) => Box::new(i),
                Param::Text(s) => Box::new(s),
                Param::Bool(b) => Box::new(b),
            }
        })
        .collect()
}

/// What is known about a subject's chain before appending to it in a transaction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chain {
    /// The subject was created in this transaction: no events yet, nobody else can append.
    New,
    /// The subject's row is locked by this transaction (its UPDATE), which already keeps
    /// other appenders out.
    Locked,
    /// Anything else: take a per-subject advisory lock first.
    Open,
}

/// Append events, chaining each to its subject's head. `heads` carries heads written
/// earlier in the same transaction.
async fn append_event(
    tx: &Tx<'_>,
    draft: EventDraft,
    chain: Chain,
    heads: &mut std::collections::HashMap<String, (i64, String)>,
) -> Result<()> {
    let (seq, prev) = match heads.get(&draft.subject) {
        Some((seq, hash)) => (seq + 1, hash.clone()),
        None if chain == Chain::New => (1, GENESIS.to_string()),
        None => {
            if chain == Chain::Open {
                // Serialise appends to one subject across transactions, so two writers
                // never both take seq n+1 (the lock lasts until commit).
                let lock = tx
                    .prepare_cached("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                    .await?;
                tx.execute(&lock, &[&draft.subject]).await?;
            }
            let head = tx
                .prepare_cached("SELECT seq, hash FROM audit_heads WHERE subject = $1")
                .await?;
            tx.query_opt(&head, &[&draft.subject])
                .await?
                .map(|r| (r.get::<_, i64>(0) + 1, r.get::<_, String>(1)))
                .unwrap_or((1, GENESIS.to_string()))
        }
    };
    let e = draft.seal(seq, &prev);
    // The event and its chain's new head in one statement (one round trip).
    let stmt = tx
        .prepare_cached(
            "WITH ev AS (INSERT INTO audit_events (subject, seq, at, actor, action, before, after, prev_hash, hash)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9))
             INSERT INTO audit_heads (subject, seq, hash) VALUES ($1, $2, $9)
             ON CONFLICT (subject) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        )
        .await?;
    tx.execute(
        &stmt,
        &[
            &e.subject,
            &e.seq,
            &micros(e.at),
            &e.actor,
            &e.action,
            &e.before,
            &e.after,
            &e.prev_hash,
            &e.hash,
        ],
    )
    .await?;
    heads.insert(e.subject, (e.seq, e.hash));
    Ok(())
}

fn article(r: &Row) -> Result<Article> {
    Ok(Article {
        slug: r.get(0),
        title_bn: r.get(1),
        title_en: r.get(2),
        body_bn: r.get(3),
        body_en: r.get(4),
        tags: codec::tags_from(r.get(5))?,
        published: r.get(6),
        position: r.get(7),
        updated_at: ts(r.get(8))?,
        updated_by: r.get::<_, Option<i64>>(9).map(UserId),
        version: r.get(10),
    })
}

fn point(r: &Row) -> Result<PointRecord> {
    Ok(PointRecord {
        id: r.get(0),
        kind: r.get(1),
        name_bn: r.get(2),
        name_en: r.get(3),
        address_bn: r.get(4),
        address_en: r.get(5),
        division: r.get(6),
        district: r.get(7),
        upazila: r.get(8),
        lat: r.get(9),
        lon: r.get(10),
        phone: r.get(11),
        services: codec::tags_from(r.get(12))?,
        hours: r.get(13),
        notice_bn: r.get(14),
        notice_en: r.get(15),
        active_from: codec::date_from(r.get(16))?,
        active_to: codec::date_from(r.get(17))?,
        closed: r.get(18),
        updated_at: ts(r.get(19))?,
        updated_by: r.get::<_, Option<i64>>(20).map(UserId),
        version: r.get(21),
    })
}

fn canned(r: &Row) -> Result<Canned> {
    Ok(Canned {
        code: r.get(0),
        title_bn: r.get(1),
        title_en: r.get(2),
        body_bn: r.get(3),
        body_en: r.get(4),
        updated_at: ts(r.get(5))?,
        version: r.get(6),
    })
}

fn wallet_account(r: &Row) -> Result<WalletAccountRecord> {
    Ok(WalletAccountRecord {
        msisdn: r.get(0),
        name: r.get(1),
        nid_hash: r.get(2),
        date_of_birth: codec::date_req("date of birth", r.get(3))?,
        status: r.get(4),
        pin_hash: r.get(5),
        pin_history: r.get(6),
        failed_pins: r.get(7),
        locked_until: codec::ts_opt(r.get(8))?,
        lock_count: r.get(9),
        pin_changed_at: codec::ts_opt(r.get(10))?,
        version: r.get(11),
    })
}

fn wallet_tx(r: &Row) -> Result<WalletTransactionRecord> {
    Ok(WalletTransactionRecord {
        msisdn: r.get(0),
        id: r.get(1),
        kind: r.get(2),
        amount_poisha: r.get(3),
        at: ts(r.get(4))?,
    })
}

fn reset_session(r: &Row) -> Result<ResetSessionRecord> {
    Ok(ResetSessionRecord {
        token_hash: r.get(0),
        msisdn: r.get(1),
        step: r.get(2),
        created_at: ts(r.get(3))?,
        expires_at: ts(r.get(4))?,
        choices: r.get(5),
        right_choice: r.get(6),
        identity_failures: r.get(7),
        otp_hash: r.get(8),
        otp_expires_at: codec::ts_opt(r.get(9))?,
        otp_sends: r.get(10),
        otp_failures: r.get(11),
        version: r.get(12),
    })
}

fn reset_guard(r: &Row) -> Result<ResetGuardRecord> {
    Ok(ResetGuardRecord {
        msisdn: r.get(0),
        day: codec::date_req("reset guard day", r.get(1))?,
        started: r.get(2),
        failures: r.get(3),
        blocked_until: codec::ts_opt(r.get(4))?,
        version: r.get(5),
    })
}

fn ussd_session(r: &Row) -> Result<UssdSessionRecord> {
    Ok(UssdSessionRecord {
        id: r.get(0),
        msisdn: r.get(1),
        state: r.get(2),
        menu: r.get(3),
        step: r.get(4),
        outcome: r.get(5),
        started_at: ts(r.get(6))?,
        updated_at: ts(r.get(7))?,
        expires_at: ts(r.get(8))?,
        version: r.get(9),
    })
}

/// Write a record kept by version (see [`codec::Versioned`]): `values` are its columns in
/// order, the key first.
async fn write_versioned(
    tx: &Tx<'_>,
    v: &codec::Versioned,
    values: &[&(dyn ToSql + Sync)],
    expected: Option<i64>,
    key: &str,
) -> Result<()> {
    let n = match expected {
        None => tx.execute(v.insert_sql(Dialect::Postgres), values).await?,
        Some(expected) => {
            let mut with_expected = values.to_vec();
            with_expected.push(&expected);
            tx.execute(v.update_sql(Dialect::Postgres), &with_expected)
                .await?
        }
    };
    if n > 0 {
        return Ok(());
    }
    // Nothing written: a taken key, or a stale or missing row.
    if expected.is_none() {
        return Err(StoreError::Duplicate(format!("{} {key}", v.what)));
    }
    let current = tx
        .query_opt(v.version_sql(Dialect::Postgres), &values[..v.keys])
        .await?;
    Err(match current {
        Some(row) => StoreError::Conflict {
            current: row.get(0),
        },
        None => StoreError::NotFound,
    })
}

async fn apply_side(tx: &Tx<'_>, write: SideWrite) -> Result<()> {
    match write {
        SideWrite::Rating(r) => {
            let n = tx
                .execute(
                    "INSERT INTO case_ratings (case_id, score, comment, rated_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (case_id) DO NOTHING",
                    &[&r.case_id.0, &i16::from(r.score), &r.comment, &micros(r.rated_at)],
                )
                .await?;
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
            let updated_at = micros(a.updated_at);
            let updated_by = a.updated_by.map(|u| u.0);
            let values: [&(dyn ToSql + Sync); 11] = [
                &a.slug,
                &a.title_bn,
                &a.title_en,
                &a.body_bn,
                &a.body_en,
                &tags,
                &a.published,
                &a.position,
                &updated_at,
                &updated_by,
                &a.version,
            ];
            write_versioned(tx, &codec::ARTICLES, &values, expected_version, &a.slug).await?;
        }
        SideWrite::DeleteArticle(slug) => {
            if tx
                .execute("DELETE FROM articles WHERE slug = $1", &[&slug])
                .await?
                == 0
            {
                return Err(StoreError::NotFound);
            }
        }
        SideWrite::Canned {
            canned: k,
            expected_version,
        } => {
            let updated_at = micros(k.updated_at);
            let values: [&(dyn ToSql + Sync); 7] = [
                &k.code,
                &k.title_bn,
                &k.title_en,
                &k.body_bn,
                &k.body_en,
                &updated_at,
                &k.version,
            ];
            write_versioned(tx, &codec::CANNED, &values, expected_version, &k.code).await?;
        }
        SideWrite::DeleteCanned(code) => {
            if tx
                .execute("DELETE FROM canned_responses WHERE code = $1", &[&code])
                .await?
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
            let active_from = codec::date_text(p.active_from);
            let active_to = codec::date_text(p.active_to);
            let updated_at = micros(p.updated_at);
            let updated_by = p.updated_by.map(|u| u.0);
            let values: [&(dyn ToSql + Sync); 22] = [
                &p.id,
                &p.kind,
                &p.name_bn,
                &p.name_en,
                &p.address_bn,
                &p.address_en,
                &p.division,
                &p.district,
                &p.upazila,
                &p.lat,
                &p.lon,
                &p.phone,
                &services,
                &p.hours,
                &p.notice_bn,
                &p.notice_en,
                &active_from,
                &active_to,
                &p.closed,
                &updated_at,
                &updated_by,
                &p.version,
            ];
            let key = p.id.to_string();
            write_versioned(tx, &codec::POINTS, &values, expected_version, &key).await?;
        }
        SideWrite::PinSettled { msisdn, right } => {
            // A wrong PIN was counted when it was claimed: only a right one changes
            // anything.
            let found = if right {
                tx.execute(
                    "UPDATE wallet_accounts SET failed_pins = 0, locked_until = NULL, lock_count = 0
                     WHERE msisdn = $1",
                    &[&msisdn],
                )
                .await?
                    > 0
            } else {
                tx.query_one(
                    "SELECT EXISTS(SELECT 1 FROM wallet_accounts WHERE msisdn = $1)",
                    &[&msisdn],
                )
                .await?
                .get(0)
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
            // One statement: the right-hand sides read the row as it was, so the old hash
            // goes to the front of the old history.
            let kept = i32::try_from(PIN_HISTORY).unwrap_or(i32::MAX);
            let n = tx
                .execute(
                    "UPDATE wallet_accounts SET pin_hash = $2, pin_history = (ARRAY[pin_hash] || pin_history)[1:$5],
                     pin_changed_at = $3, failed_pins = 0, locked_until = NULL, lock_count = 0,
                     version = $4 + 1 WHERE msisdn = $1 AND version = $4",
                    &[&msisdn, &pin_hash, &micros(at), &expected_version, &kept],
                )
                .await?;
            if n == 0 {
                let current = tx
                    .query_opt(
                        "SELECT version FROM wallet_accounts WHERE msisdn = $1",
                        &[&msisdn],
                    )
                    .await?;
                return Err(match current {
                    Some(row) => StoreError::Conflict {
                        current: row.get(0),
                    },
                    None => StoreError::NotFound,
                });
            }
        }
        SideWrite::WalletUnlock { msisdn } => {
            if tx
                .execute(
                    "UPDATE wallet_accounts SET failed_pins = 0, locked_until = NULL, lock_count = 0
                     WHERE msisdn = $1",
                    &[&msisdn],
                )
                .await?
                == 0
            {
                return Err(StoreError::NotFound);
            }
        }
        SideWrite::ResetSession {
            session: s,
            expected_version,
        } => {
            let created_at = micros(s.created_at);
            let expires_at = micros(s.expires_at);
            let otp_expires_at = s.otp_expires_at.map(micros);
            let values: [&(dyn ToSql + Sync); 13] = [
                &s.token_hash,
                &s.msisdn,
                &s.step,
                &created_at,
                &expires_at,
                &s.choices,
                &s.right_choice,
                &s.identity_failures,
                &s.otp_hash,
                &otp_expires_at,
                &s.otp_sends,
                &s.otp_failures,
                &s.version,
            ];
            let key = codec::reset_session_key(&s.token_hash);
            write_versioned(tx, &codec::RESET_SESSIONS, &values, expected_version, &key).await?;
        }
        SideWrite::ResetGuard {
            guard: g,
            expected_version,
        } => {
            let day = g.day.to_string();
            let blocked_until = g.blocked_until.map(micros);
            let values: [&(dyn ToSql + Sync); 6] = [
                &g.msisdn,
                &day,
                &g.started,
                &g.failures,
                &blocked_until,
                &g.version,
            ];
            write_versioned(tx, &codec::RESET_GUARDS, &values, expected_version, &day).await?;
        }
        SideWrite::Merchant {
            merchant: m,
            expected_version,
        } => {
            let aliases = codec::tags_json(&m.aliases)?;
            let web = codec::tags_json(&m.web)?;
            let district = m.district.map(i32::from);
            let created_at = micros(m.created_at);
            let updated_at = micros(m.updated_at);
            let values: [&(dyn ToSql + Sync); 13] = [
                &m.id,
                &m.legal_bn,
                &m.legal_en,
                &m.trade_bn,
                &m.trade_en,
                &aliases,
                &web,
                &m.licence,
                &district,
                &m.status,
                &created_at,
                &updated_at,
                &m.version,
            ];
            let key = m.id.to_string();
            write_versioned(tx, &codec::MERCHANTS, &values, expected_version, &key).await?;
        }
        SideWrite::Claim {
            claim: k,
            expected_version,
        } => write_claim(tx, k, expected_version).await?,
        SideWrite::Refund(f) => {
            // Claims are never deleted, so the claim found here is there at commit.
            let found: bool = tx
                .query_one(
                    "SELECT EXISTS(SELECT 1 FROM claims WHERE case_id = $1)",
                    &[&f.case_id.0],
                )
                .await?
                .get(0);
            if !found {
                return Err(StoreError::NotFound);
            }
            let stmt = tx
                .prepare_cached(
                    "INSERT INTO claim_refunds
                     (case_id, amount_poisha, paid_on, channel, reference, recorded_by, recorded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .await?;
            tx.execute(
                &stmt,
                &[
                    &f.case_id.0,
                    &f.amount_poisha,
                    &f.paid_on.to_string(),
                    &f.channel,
                    &f.reference,
                    &f.recorded_by,
                    &micros(f.recorded_at),
                ],
            )
            .await?;
        }
        SideWrite::ImportRow { key, case_id } => {
            let n = tx
                .execute(
                    "INSERT INTO claim_imports (key, case_id, imported_at) VALUES ($1, $2, $3)
                     ON CONFLICT (key) DO NOTHING",
                    &[&key, &case_id.0, &micros(Timestamp::now())],
                )
                .await?;
            if n == 0 {
                return Err(StoreError::Duplicate(format!("claim import {key}")));
            }
        }
    }
    Ok(())
}

/// Insert or replace a claim (see [`SideWrite::Claim`]) and move its merchants' totals.
async fn write_claim(tx: &Tx<'_>, k: ClaimRecord, expected_version: Option<i64>) -> Result<()> {
    // The row replaced, locked until commit: a concurrent replacement waits, then finds
    // the version moved on.
    let old = match expected_version {
        None => None,
        Some(expected) => {
            let old = tx
                .query_opt(
                    &format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE case_id = $1 FOR UPDATE"),
                    &[&k.case_id.0],
                )
                .await?
                .map(|r| claim(&r))
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
        // Merchants are never deleted, so the merchant found here is there at commit.
        let found: bool = tx
            .query_one(
                "SELECT EXISTS(SELECT 1 FROM merchants WHERE id = $1)",
                &[&k.merchant_id],
            )
            .await?
            .get(0);
        if !found {
            return Err(StoreError::NotFound);
        }
    }
    let district = i32::from(k.district);
    let order_date = k.order_date.to_string();
    let delivery_due = micros(k.delivery_due);
    let refund_due = micros(k.refund_due);
    let sent = k.sent_to_merchant_at.map(micros);
    let answered = k.merchant_answered_at.map(micros);
    let created_at = micros(k.created_at);
    let updated_at = micros(k.updated_at);
    let values: [&(dyn ToSql + Sync); 23] = [
        &k.case_id.0,
        &k.merchant_id,
        &k.claimant_msisdn,
        &k.claimant_name,
        &district,
        &k.dedup_key,
        &k.order_id,
        &order_date,
        &k.product,
        &k.paid_poisha,
        &k.method,
        &k.gateway,
        &k.delivery,
        &k.refunded_poisha,
        &k.stage,
        &k.filings,
        &delivery_due,
        &refund_due,
        &sent,
        &answered,
        &created_at,
        &updated_at,
        &k.version,
    ];
    // Each merchant's totals row is locked (by adding to it) before the claim is written
    // and its claimant's claims counted, so that two writers filing for one claimant
    // count one after the other and the second sees the first's claim; the deltas come in
    // merchant order, so two writers lock in the same order.
    let deltas = codec::totals_deltas(old.as_ref(), &k);
    let add = tx
        .prepare_cached(&codec::for_dialect(codec::TOTALS_ADD, Dialect::Postgres))
        .await?;
    for d in &deltas {
        tx.execute(
            &add,
            &[
                &d.merchant_id,
                &d.claims,
                &0_i64,
                &d.paid_poisha,
                &d.refunded_poisha,
                &d.open_claims,
                &d.can_miss_delivery,
                &d.can_miss_refund,
            ],
        )
        .await?;
    }
    let key = k.case_id.to_string();
    write_versioned(tx, &codec::CLAIMS, &values, expected_version, &key).await?;
    let count = tx
        .prepare_cached(&codec::for_dialect(
            codec::CLAIMANT_CLAIMS,
            Dialect::Postgres,
        ))
        .await?;
    for d in &deltas {
        let mut victims: i64 = 0;
        for (msisdn, sign) in &d.claimants {
            let (from, to) = codec::claimant_keys(d.merchant_id, msisdn);
            let n: i64 = tx.query_one(&count, &[&from, &to]).await?.get(0);
            victims += codec::victims_moved(*sign, n);
        }
        if victims != 0 {
            let moved = tx
                .prepare_cached(&codec::for_dialect(
                    codec::TOTALS_VICTIMS,
                    Dialect::Postgres,
                ))
                .await?;
            tx.execute(&moved, &[&d.merchant_id, &victims]).await?;
        }
    }
    Ok(())
}

fn merchant(r: &Row) -> Result<MerchantRecord> {
    Ok(MerchantRecord {
        id: r.get(0),
        legal_bn: r.get(1),
        legal_en: r.get(2),
        trade_bn: r.get(3),
        trade_en: r.get(4),
        aliases: codec::tags_from(r.get(5))?,
        web: codec::tags_from(r.get(6))?,
        licence: r.get(7),
        district: r
            .get::<_, Option<i32>>(8)
            .map(|d| codec::district(i64::from(d)))
            .transpose()?,
        status: r.get(9),
        created_at: ts(r.get(10))?,
        updated_at: ts(r.get(11))?,
        version: r.get(12),
    })
}

fn claim(r: &Row) -> Result<ClaimRecord> {
    Ok(ClaimRecord {
        case_id: CaseId(r.get(0)),
        merchant_id: r.get(1),
        claimant_msisdn: r.get(2),
        claimant_name: r.get(3),
        district: codec::district(i64::from(r.get::<_, i32>(4)))?,
        dedup_key: r.get(5),
        order_id: r.get(6),
        order_date: codec::date_req("order date", r.get(7))?,
        product: r.get(8),
        paid_poisha: r.get(9),
        method: r.get(10),
        gateway: r.get(11),
        delivery: r.get(12),
        refunded_poisha: r.get(13),
        stage: r.get(14),
        filings: r.get(15),
        delivery_due: ts(r.get(16))?,
        refund_due: ts(r.get(17))?,
        sent_to_merchant_at: codec::ts_opt(r.get(18))?,
        merchant_answered_at: codec::ts_opt(r.get(19))?,
        created_at: ts(r.get(20))?,
        updated_at: ts(r.get(21))?,
        version: r.get(22),
    })
}

fn refund(r: &Row) -> Result<RefundRecord> {
    Ok(RefundRecord {
        id: r.get(0),
        case_id: CaseId(r.get(1)),
        amount_poisha: r.get(2),
        paid_on: codec::date_req("refund date", r.get(3))?,
        channel: r.get(4),
        reference: r.get(5),
        recorded_by: r.get(6),
        recorded_at: ts(r.get(7))?,
    })
}

/// A row of [`codec::merchant_summaries_sql`].
fn merchant_summary(r: &Row) -> Result<MerchantSummary> {
    codec::merchant_summary_from(
        [r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)],
        r.get(6),
        [r.get(7), r.get(8)],
    )
}

async fn apply_commit(tx: &Tx<'_>, commit: Commit, side: Vec<SideWrite>) -> Result<Committed> {
    match &commit.case {
        CaseWrite::None => {}
        CaseWrite::Insert(case) => {
            let r = CaseRow::from_case(case)?;
            let stmt = tx
                .prepare_cached(&format!(
                    "INSERT INTO cases ({CASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
                ))
                .await?;
            tx.execute(
                &stmt,
                &[
                    &r.id,
                    &r.status,
                    &r.channel,
                    &r.priority,
                    &r.category,
                    &r.queue,
                    &r.assignee,
                    &r.subject,
                    &r.requester_name,
                    &r.requester_msisdn,
                    &r.requester_email,
                    &r.tags,
                    &r.created_at,
                    &r.updated_at,
                    &r.version,
                    &r.sla,
                    &r.sla_due,
                    &r.sla_risk_at,
                    &r.sla_paused,
                    &r.closed_at,
                    &r.merged_into,
                    &r.sla_resolved_at,
                ],
            )
            .await?;
        }
        CaseWrite::Update {
            case,
            expected_version,
        } => {
            let r = CaseRow::from_case(case)?;
            let stmt = tx
                .prepare_cached(
                    "UPDATE cases SET status = $2, channel = $3, priority = $4, category = $5, queue = $6, assignee = $7,
                     subject = $8, requester_name = $9, requester_msisdn = $10, requester_email = $11, tags = $12,
                     updated_at = $13, version = $14, sla = $15, sla_due = $16, sla_risk_at = $17, sla_paused = $18,
                     closed_at = $19, merged_into = $20, sla_resolved_at = $22 WHERE id = $1 AND version = $21",
                )
                .await?;
            let n = tx
                .execute(
                    &stmt,
                    &[
                        &r.id,
                        &r.status,
                        &r.channel,
                        &r.priority,
                        &r.category,
                        &r.queue,
                        &r.assignee,
                        &r.subject,
                        &r.requester_name,
                        &r.requester_msisdn,
                        &r.requester_email,
                        &r.tags,
                        &r.updated_at,
                        &r.version,
                        &r.sla,
                        &r.sla_due,
                        &r.sla_risk_at,
                        &r.sla_paused,
                        &r.closed_at,
                        &r.merged_into,
                        expected_version,
                        &r.sla_resolved_at,
                    ],
                )
                .await?;
            if n == 0 {
                let current = tx
                    .query_opt("SELECT version FROM cases WHERE id = $1", &[&r.id])
                    .await?;
                return Err(match current {
                    Some(row) => StoreError::Conflict {
                        current: row.get(0),
                    },
                    None => StoreError::NotFound,
                });
            }
        }
    }
    for w in side {
        apply_side(tx, w).await?;
    }
    let mut out = Committed::default();
    let msg_stmt = tx
        .prepare_cached(
            "INSERT INTO messages (case_id, kind, author, body, attachments, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .await?;
    for m in &commit.messages {
        let row = tx
            .query_one(
                &msg_stmt,
                &[
                    &m.case_id.0,
                    &m.kind.as_str(),
                    &m.author.to_string(),
                    &m.body,
                    &serde_json::to_string(&m.attachments)?,
                    &micros(m.created_at),
                ],
            )
            .await?;
        out.message_ids.push(MessageId(row.get(0)));
    }
    let written = match &commit.case {
        CaseWrite::None => None,
        CaseWrite::Insert(c) => Some((format!("case:{}", c.id), Chain::New)),
        CaseWrite::Update { case, .. } => Some((format!("case:{}", case.id), Chain::Locked)),
    };
    let mut heads = std::collections::HashMap::new();
    for e in commit.events {
        let chain = match &written {
            Some((subject, chain)) if *subject == e.subject => *chain,
            _ => Chain::Open,
        };
        append_event(tx, e, chain, &mut heads).await?;
    }
    let ob_stmt = tx
        .prepare_cached("INSERT INTO outbox (topic, case_id, payload, created_at) VALUES ($1, $2, $3, $4) RETURNING seq")
        .await?;
    for o in &commit.outbox {
        let payload = codec::outbox_payload(o, &out.message_ids);
        let row = tx
            .query_one(
                &ob_stmt,
                &[
                    &o.topic,
                    &o.case_id.map(|i| i.0),
                    &payload,
                    &micros(Timestamp::now()),
                ],
            )
            .await?;
        out.outbox_seqs.push(row.get(0));
    }
    if let Some(hook) = commit.idempotency {
        let response = (hook.build)(&out);
        let stmt = tx
            .prepare_cached("INSERT INTO idempotency (scope, key, response, created_at) VALUES ($1, $2, $3, $4)")
            .await?;
        tx.execute(
            &stmt,
            &[
                &hook.scope,
                &hook.key,
                &serde_json::to_string(&response)?,
                &micros(Timestamp::now()),
            ],
        )
        .await?;
    }
    Ok(out)
}

impl PgStore {
    /// Which of `keys` the query `select` (one array parameter) finds, in the order asked,
    /// once each.
    async fn taken_keys(&self, select: &str, keys: &[String]) -> Result<Vec<String>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let client = self.pool.get().await?;
        let rows = client.query(select, &[&keys]).await?;
        Ok(codec::taken_in_order(
            keys,
            rows.iter().map(|r| r.get(0)).collect(),
        ))
    }

    async fn in_tx<T, F>(&self, f: F) -> Result<T>
    where
        F: for<'a> FnOnce(
            &'a Tx<'a>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<T>> + Send + 'a>,
        >,
    {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = f(&tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Add `count` fresh ids from the sequence to `ids`, kept so that the smallest is
    /// taken first.
    async fn fetch_case_ids(&self, ids: &mut Vec<i64>, count: usize) -> Result<()> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached("SELECT nextval('case_ids') FROM generate_series(1, $1::bigint)")
            .await?;
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        ids.extend(
            client
                .query(&stmt, &[&count])
                .await?
                .iter()
                .map(|r| r.get::<_, i64>(0)),
        );
        ids.sort_unstable_by(|a, b| b.cmp(a));
        Ok(())
    }
}

#[async_trait]
impl CaseStore for PgStore {
    async fn next_case_id(&self) -> Result<CaseId> {
        let mut ids = self.ids.lock().await;
        if ids.is_empty() {
            // A block per round trip; a node that stops loses the rest of its block (gaps in
            // case numbers, never repeats).
            self.fetch_case_ids(&mut ids, 100).await?;
        }
        ids.pop()
            .map(CaseId)
            .ok_or_else(|| StoreError::Backend("the case id sequence returned nothing".into()))
    }

    async fn reserve_case_ids(&self, count: usize) -> Result<()> {
        let mut ids = self.ids.lock().await;
        let have = ids.len();
        if have < count {
            self.fetch_case_ids(&mut ids, count - have).await?;
        }
        Ok(())
    }

    async fn commit_with(&self, commit: Commit, side: Vec<SideWrite>) -> Result<Committed> {
        self.in_tx(move |tx| Box::pin(apply_commit(tx, commit, side)))
            .await
    }

    async fn commit_many(
        &self,
        items: Vec<(Commit, Vec<SideWrite>)>,
    ) -> Result<std::result::Result<Vec<Committed>, (usize, StoreError)>> {
        self.in_tx(move |tx| {
            Box::pin(async move {
                tx.batch_execute("SAVEPOINT batch").await?;
                let mut out = Vec::with_capacity(items.len());
                for (i, (commit, side)) in items.into_iter().enumerate() {
                    match apply_commit(tx, commit, side).await {
                        Ok(done) => out.push(done),
                        Err(e) => {
                            tx.batch_execute("ROLLBACK TO SAVEPOINT batch").await?;
                            return Ok(Err((i, e)));
                        }
                    }
                }
                tx.batch_execute("RELEASE SAVEPOINT batch").await?;
                Ok(Ok(out))
            })
        })
        .await
    }

    async fn case(&self, id: CaseId) -> Result<Option<Case>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
            .await?;
        client
            .query_opt(&stmt, &[&id.0])
            .await?
            .map(|r| case_row(&r).into_case())
            .transpose()
    }

    async fn list_cases(&self, filter: &CaseFilter, page: &PageRequest) -> Result<Vec<Case>> {
        let (sql, ps) = codec::case_list_sql(filter, page, codec::Dialect::Postgres);
        let ps = boxed(ps);
        let refs: Vec<&(dyn ToSql + Sync)> = ps
            .iter()
            .map(|b| b.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let client = self.pool.get().await?;
        client
            .query(sql.as_str(), &refs)
            .await?
            .iter()
            .map(|r| case_row(r).into_case())
            .collect()
    }

    async fn messages(&self, case: CaseId) -> Result<Vec<StoredMessage>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT m.id, m.case_id, m.kind, m.author, m.body, m.attachments, m.created_at,
                        (SELECT d.state FROM deliveries d WHERE d.message_id = m.id ORDER BY d.id DESC LIMIT 1)
                 FROM messages m WHERE m.case_id = $1 ORDER BY m.id",
                &[&case.0],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let m = MessageRow {
                    id: r.get(0),
                    case_id: r.get(1),
                    kind: r.get(2),
                    author: r.get(3),
                    body: r.get(4),
                    attachments: r.get(5),
                    created_at: r.get(6),
                };
                let d: Option<String> = r.get(7);
                Ok(StoredMessage {
                    message: m.into_message()?,
                    delivery: d.as_deref().and_then(DeliveryState::parse),
                })
            })
            .collect()
    }

    async fn cases(&self, ids: Vec<CaseId>) -> Result<Vec<Case>> {
        let raw: Vec<i64> = ids.iter().map(|i| i.0).collect();
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {CASE_COLUMNS} FROM cases WHERE id = ANY($1)"
            ))
            .await?;
        let mut found: std::collections::HashMap<i64, Case> = client
            .query(&stmt, &[&raw])
            .await?
            .iter()
            .map(|r| case_row(r).into_case().map(|c| (c.id.0, c)))
            .collect::<Result<_>>()?;
        Ok(ids.iter().filter_map(|id| found.remove(&id.0)).collect())
    }

    async fn cases_with_threads(
        &self,
        ids: Vec<CaseId>,
    ) -> Result<Vec<(Case, Vec<seba_core::case::Message>)>> {
        let raw: Vec<i64> = ids.iter().map(|i| i.0).collect();
        let client = self.pool.get().await?;
        let cs = client
            .prepare_cached(&format!(
                "SELECT {CASE_COLUMNS} FROM cases WHERE id = ANY($1) ORDER BY id"
            ))
            .await?;
        let ms = client
            .prepare_cached(
                "SELECT id, case_id, kind, author, body, attachments, created_at FROM messages
                 WHERE case_id = ANY($1) ORDER BY case_id, id",
            )
            .await?;
        let cases = client.query(&cs, &[&raw]).await?;
        let msgs = client.query(&ms, &[&raw]).await?;
        let mut by_case: std::collections::HashMap<i64, Vec<seba_core::case::Message>> =
            std::collections::HashMap::new();
        for r in &msgs {
            let m = MessageRow {
                id: r.get(0),
                case_id: r.get(1),
                kind: r.get(2),
                author: r.get(3),
                body: r.get(4),
                attachments: r.get(5),
                created_at: r.get(6),
            };
            by_case
                .entry(m.case_id)
                .or_default()
                .push(m.into_message()?);
        }
        cases
            .iter()
            .map(|r| {
                let case = case_row(r).into_case()?;
                let thread = by_case.remove(&case.id.0).unwrap_or_default();
                Ok((case, thread))
            })
            .collect()
    }

    async fn count_cases(&self) -> Result<Vec<(String, i64)>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT status, count(*) FROM cases GROUP BY status ORDER BY status",
                &[],
            )
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    async fn idempotent_response(&self, scope: &str, key: &str) -> Result<Option<StoredResponse>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached("SELECT response FROM idempotency WHERE scope = $1 AND key = $2")
            .await?;
        let row = client.query_opt(&stmt, &[&scope, &key]).await?;
        Ok(row
            .map(|r| serde_json::from_str(r.get::<_, &str>(0)))
            .transpose()?)
    }

    async fn save_idempotent_response(&self, rec: IdempotencyRecord) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO idempotency (scope, key, response, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&rec.scope, &rec.key, &serde_json::to_string(&rec.response)?, &micros(rec.at)],
            )
            .await?;
        Ok(())
    }

    async fn put_blob(
        &self,
        sha256: &str,
        content_type: &str,
        bytes: Vec<u8>,
        at: Timestamp,
    ) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO blobs (sha256, content_type, size, data, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                &[&sha256, &content_type, &(bytes.len() as i64), &bytes, &micros(at)],
            )
            .await?;
        Ok(())
    }

    async fn blob(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT content_type, data FROM blobs WHERE sha256 = $1",
                &[&sha256],
            )
            .await?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }

    async fn rating(&self, case: CaseId) -> Result<Option<Rating>> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT score, comment, rated_at FROM case_ratings WHERE case_id = $1",
                &[&case.0],
            )
            .await?;
        row.map(|r| {
            let score: i16 = r.get(0);
            Ok(Rating {
                case_id: case,
                score: u8::try_from(score)
                    .map_err(|_| StoreError::Backend(format!("rating score {score}")))?,
                comment: r.get(1),
                rated_at: ts(r.get(2))?,
            })
        })
        .transpose()
    }
}

#[async_trait]
impl AuditStore for PgStore {
    async fn audit_page(
        &self,
        after: Option<(String, i64)>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>> {
        let (subject, seq) = after.unwrap_or_default();
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_events WHERE (subject, seq) > ($1, $2) ORDER BY subject, seq LIMIT $3"
                ),
                &[&subject, &seq, &i64::from(limit)],
            )
            .await?;
        rows.iter().map(audit).collect()
    }

    async fn audit_heads(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<(String, i64, String)>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT subject, seq, hash FROM audit_heads WHERE subject > $1 ORDER BY subject LIMIT $2",
                &[&after.unwrap_or_default(), &i64::from(limit)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    async fn audit_events(&self, subject: &str) -> Result<Vec<AuditEvent>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_events WHERE subject = $1 ORDER BY seq"
                ),
                &[&subject],
            )
            .await?;
        rows.iter().map(audit).collect()
    }
}

#[async_trait]
impl OutboxStore for PgStore {
    async fn outbox_after(&self, after: OutboxPos, limit: u32) -> Result<Vec<OutboxRow>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT tx, seq, topic, case_id, payload, created_at FROM outbox
                 WHERE (tx, seq) > ($1, $2) AND tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                 ORDER BY tx, seq LIMIT $3",
                &[&after.tx, &after.seq, &i64::from(limit)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxRow {
                    pos: OutboxPos {
                        tx: r.get(0),
                        seq: r.get(1),
                    },
                    topic: r.get(2),
                    case_id: r.get::<_, Option<i64>>(3).map(CaseId),
                    payload: serde_json::from_str(r.get::<_, &str>(4))?,
                    created_at: ts(r.get(5))?,
                })
            })
            .collect()
    }

    async fn outbox_head(&self) -> Result<OutboxPos> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT tx, seq FROM outbox
                 WHERE tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                 ORDER BY tx DESC, seq DESC LIMIT 1",
                &[],
            )
            .await?;
        Ok(row
            .map(|r| OutboxPos {
                tx: r.get(0),
                seq: r.get(1),
            })
            .unwrap_or_default())
    }

    async fn cursor(&self, consumer: &str) -> Result<OutboxPos> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT tx, seq FROM outbox_cursors WHERE consumer = $1",
                &[&consumer],
            )
            .await?;
        Ok(row
            .map(|r| OutboxPos {
                tx: r.get(0),
                seq: r.get(1),
            })
            .unwrap_or_default())
    }

    async fn enqueue_and_advance(
        &self,
        consumer: &str,
        from: OutboxPos,
        to: OutboxPos,
        deliveries: Vec<NewDelivery>,
    ) -> Result<()> {
        let consumer = consumer.to_string();
        self.in_tx(move |tx| {
            Box::pin(async move {
                for d in &deliveries {
                    tx.execute(
                        "INSERT INTO deliveries (dedupe_key, case_id, message_id, channel, recipient, subject, body, state,
                         attempts, next_attempt_at, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $8, $8) ON CONFLICT (dedupe_key) DO NOTHING",
                        &[
                            &d.dedupe_key,
                            &d.case_id.map(|i| i.0),
                            &d.message_id.map(|i| i.0),
                            &d.channel.as_str(),
                            &d.recipient,
                            &d.subject,
                            &d.body,
                            &micros(d.created_at),
                        ],
                    )
                    .await?;
                }
                let moved = tx
                    .execute(
                        "INSERT INTO outbox_cursors (consumer, tx, seq) VALUES ($1, $4, $5)
                         ON CONFLICT (consumer) DO UPDATE SET tx = $4, seq = $5
                         WHERE outbox_cursors.tx = $2 AND outbox_cursors.seq = $3",
                        &[&consumer, &from.tx, &from.seq, &to.tx, &to.seq],
                    )
                    .await?;
                if moved == 0 {
                    return Err(StoreError::Conflict { current: 0 });
                }
                Ok(())
            })
        })
        .await
    }

    async fn claim_deliveries(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<Delivery>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "UPDATE deliveries SET lease_until = $2, attempts = attempts + 1
                     WHERE id IN (SELECT id FROM deliveries WHERE state IN ('queued', 'retrying') AND next_attempt_at <= $1
                                  AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_attempt_at LIMIT $3
                                  FOR UPDATE SKIP LOCKED)
                     RETURNING {DELIVERY_COLUMNS}"
                ),
                &[&micros(now), &micros(lease_until), &i64::from(limit)],
            )
            .await?;
        rows.iter().map(delivery).collect()
    }

    async fn finish_delivery(
        &self,
        id: i64,
        outcome: DeliveryOutcome,
        at: Timestamp,
    ) -> Result<()> {
        let (state, next, err) = match outcome {
            DeliveryOutcome::Sent => ("sent", None, None),
            DeliveryOutcome::Retry { at, error } => ("retrying", Some(micros(at)), Some(error)),
            DeliveryOutcome::Failed { error } => ("failed", None, Some(error)),
        };
        let client = self.pool.get().await?;
        client
            .execute(
                "UPDATE deliveries SET state = $2, next_attempt_at = COALESCE($3, next_attempt_at), last_error = $4,
                 lease_until = NULL, updated_at = $5 WHERE id = $1",
                &[&id, &state, &next, &err, &micros(at)],
            )
            .await?;
        Ok(())
    }

    async fn deliveries_for_case(&self, case: CaseId) -> Result<Vec<Delivery>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE case_id = $1 ORDER BY id"
                ),
                &[&case.0],
            )
            .await?;
        rows.iter().map(delivery).collect()
    }

    async fn record_sms(&self, to: &str, body: &str, at: Timestamp) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO sms_sink (recipient, body, created_at) VALUES ($1, $2, $3)",
                &[&to, &body, &micros(at)],
            )
            .await?;
        Ok(())
    }

    async fn sms_sent(&self, to: Option<&str>, limit: u32) -> Result<Vec<SentSms>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT id, recipient, body, created_at FROM sms_sink WHERE ($1::text IS NULL OR recipient = $1)
                 ORDER BY id DESC LIMIT $2",
                &[&to, &i64::from(limit)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(SentSms {
                    id: r.get(0),
                    to: r.get(1),
                    body: r.get(2),
                    at: ts(r.get(3))?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl DirectoryStore for PgStore {
    async fn create_user(&self, u: NewUser, event: EventDraft) -> Result<UserId> {
        self.in_tx(move |tx| {
            Box::pin(async move {
                let row = tx
                    .query_one(
                        "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
                         RETURNING id",
                        &[&u.username, &u.display_name, &u.role.as_str(), &u.password_hash, &micros(u.created_at)],
                    )
                    .await?;
                let id: i64 = row.get(0);
                append_event(tx, EventDraft { subject: format!("user:{id}"), ..event }, Chain::New, &mut Default::default()).await?;
                Ok(UserId(id))
            })
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
        self.in_tx(move |tx| {
            Box::pin(async move {
                let changed = tx
                    .execute(
                        "UPDATE users SET role = $1, disabled = $2 WHERE id = $3",
                        &[&role.as_str(), &disabled, &id.0],
                    )
                    .await?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                if disabled {
                    tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id.0])
                        .await?;
                }
                let event = EventDraft {
                    subject: format!("user:{}", id.0),
                    ..event
                };
                // The UPDATE above holds the user's row, which keeps other appenders to
                // this chain waiting.
                append_event(tx, event, Chain::Locked, &mut Default::default()).await?;
                Ok(())
            })
        })
        .await
    }

    async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE username = $1"
            ))
            .await?;
        client
            .query_opt(&stmt, &[&username])
            .await?
            .map(|r| user(&r))
            .transpose()
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .await?;
        client
            .query_opt(&stmt, &[&id.0])
            .await?
            .map(|r| user(&r))
            .transpose()
    }

    async fn users(&self) -> Result<Vec<User>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"),
                &[],
            )
            .await?;
        rows.iter().map(user).collect()
    }

    async fn login_failed(&self, id: UserId, limit: u32, lock_until: Timestamp) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "UPDATE users SET failed_logins = failed_logins + 1,
                 locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END WHERE id = $1",
                &[&id.0, &i64::from(limit), &micros(lock_until)],
            )
            .await?;
        Ok(())
    }

    async fn login_succeeded(&self, id: UserId) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                &[&id.0],
            )
            .await?;
        Ok(())
    }

    async fn create_session(&self, s: Session) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[&s.token_hash, &s.user_id.0, &s.csrf_token, &micros(s.created_at), &micros(s.expires_at)],
            )
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
            )
            .await?;
        let row = client
            .query_opt(&stmt, &[&token_hash, &micros(now)])
            .await?;
        row.map(|r| {
            Ok(Session {
                token_hash: r.get(0),
                user_id: UserId(r.get(1)),
                csrf_token: r.get(2),
                created_at: ts(r.get(3))?,
                expires_at: ts(r.get(4))?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])
            .await?;
        Ok(())
    }

    async fn create_api_token(&self, t: ApiToken, event: EventDraft) -> Result<()> {
        self.in_tx(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5, $6)",
                    &[&t.token_hash, &t.user_id.0, &t.name, &micros(t.created_at), &t.expires_at.map(micros), &t.revoked],
                )
                .await?;
                append_event(tx, event, Chain::Open, &mut Default::default()).await
            })
        })
        .await
    }

    async fn api_token(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached("SELECT token_hash, user_id, name, created_at, expires_at, revoked FROM api_tokens WHERE token_hash = $1")
            .await?;
        let row = client.query_opt(&stmt, &[&token_hash]).await?;
        row.map(|r| {
            Ok(ApiToken {
                token_hash: r.get(0),
                user_id: UserId(r.get(1)),
                name: r.get(2),
                created_at: ts(r.get(3))?,
                expires_at: codec::ts_opt(r.get(4))?,
                revoked: r.get(5),
            })
        })
        .transpose()
    }

    async fn create_challenge(&self, ch: Challenge) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                &format!("INSERT INTO challenges ({CHALLENGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
                &[
                    &ch.id,
                    &ch.case_id.0,
                    &ch.msisdn,
                    &ch.code_hash,
                    &micros(ch.created_at),
                    &micros(ch.expires_at),
                    &i64::from(ch.attempts),
                    &i64::from(ch.max_attempts),
                    &ch.completed_at.map(micros),
                ],
            )
            .await?;
        Ok(())
    }

    async fn attempt_challenge(&self, id: &str, now: Timestamp) -> Result<Option<Challenge>> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                &format!(
                    "UPDATE challenges SET attempts = attempts + 1
                     WHERE id = $1 AND attempts < max_attempts AND expires_at > $2 AND completed_at IS NULL
                     RETURNING {CHALLENGE_COLUMNS}"
                ),
                &[&id, &micros(now)],
            )
            .await?;
        row.map(|r| challenge(&r)).transpose()
    }

    async fn complete_challenge(&self, id: &str, at: Timestamp) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "UPDATE challenges SET completed_at = $2 WHERE id = $1",
                &[&id, &micros(at)],
            )
            .await?;
        Ok(())
    }

    async fn recent_challenges(&self, msisdn: &str, since: Timestamp) -> Result<i64> {
        let client = self.pool.get().await?;
        let row = client
            .query_one(
                "SELECT count(*) FROM challenges WHERE msisdn = $1 AND created_at >= $2",
                &[&msisdn, &micros(since)],
            )
            .await?;
        Ok(row.get(0))
    }
}

#[async_trait]
impl SettingsStore for PgStore {
    async fn upsert_queue(&self, q: Queue) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO queues (code, name_bn, name_en) VALUES ($1, $2, $3)
                 ON CONFLICT (code) DO UPDATE SET name_bn = excluded.name_bn, name_en = excluded.name_en",
                &[&q.code, &q.name_bn, &q.name_en],
            )
            .await?;
        Ok(())
    }

    async fn queues(&self) -> Result<Vec<Queue>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT code, name_bn, name_en FROM queues ORDER BY code",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Queue {
                code: r.get(0),
                name_bn: r.get(1),
                name_en: r.get(2),
            })
            .collect())
    }

    async fn upsert_category(&self, c: Category) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO categories (code, parent, name_bn, name_en, queue) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (code) DO UPDATE SET parent = excluded.parent, name_bn = excluded.name_bn,
                 name_en = excluded.name_en, queue = excluded.queue",
                &[&c.code, &c.parent, &c.name_bn, &c.name_en, &c.queue],
            )
            .await?;
        Ok(())
    }

    async fn categories(&self) -> Result<Vec<Category>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT code, parent, name_bn, name_en, queue FROM categories ORDER BY code",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Category {
                code: r.get(0),
                parent: r.get(1),
                name_bn: r.get(2),
                name_en: r.get(3),
                queue: r.get(4),
            })
            .collect())
    }

    async fn upsert_sla_policy(&self, p: SlaPolicy) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO sla_policies (id, category, priority, ack_minutes, first_response_minutes, resolution_minutes,
                 max_calendar_days, at_risk_percent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (id) DO UPDATE SET category = excluded.category, priority = excluded.priority,
                 ack_minutes = excluded.ack_minutes, first_response_minutes = excluded.first_response_minutes,
                 resolution_minutes = excluded.resolution_minutes, max_calendar_days = excluded.max_calendar_days,
                 at_risk_percent = excluded.at_risk_percent",
                &[
                    &p.id,
                    &p.category,
                    &p.priority.map(|x| x.as_str()),
                    &p.ack_minutes,
                    &p.first_response_minutes,
                    &p.resolution_minutes,
                    &p.max_calendar_days,
                    &p.at_risk_percent,
                ],
            )
            .await?;
        Ok(())
    }

    async fn sla_policies(&self) -> Result<Vec<SlaPolicy>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT id, category, priority, ack_minutes, first_response_minutes, resolution_minutes, max_calendar_days,
                 at_risk_percent FROM sla_policies ORDER BY id",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let pr: Option<String> = r.get(2);
                Ok(SlaPolicy {
                    id: r.get(0),
                    category: r.get(1),
                    priority: pr.map(|s| codec::parse("priority", &s)).transpose()?,
                    ack_minutes: r.get(3),
                    first_response_minutes: r.get(4),
                    resolution_minutes: r.get(5),
                    max_calendar_days: r.get(6),
                    at_risk_percent: r.get(7),
                })
            })
            .collect()
    }

    async fn set_holidays(&self, year: i16, days: Vec<Holiday>) -> Result<()> {
        self.in_tx(move |tx| {
            Box::pin(async move {
                tx.execute("DELETE FROM holidays WHERE year = $1", &[&i64::from(year)]).await?;
                for d in &days {
                    tx.execute(
                        "INSERT INTO holidays (day, year, name_bn, name_en) VALUES ($1, $2, $3, $4)",
                        &[&d.date.to_string(), &i64::from(year), &d.name_bn, &d.name_en],
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn holidays(&self) -> Result<Vec<Holiday>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT day, name_bn, name_en FROM holidays ORDER BY day",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Holiday {
                    date: codec::parse("holiday date", r.get(0))?,
                    name_bn: r.get(1),
                    name_en: r.get(2),
                })
            })
            .collect()
    }

    async fn meta(&self, key: &str) -> Result<Option<String>> {
        let client = self.pool.get().await?;
        Ok(client
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])
            .await?
            .map(|r| r.get(0)))
    }

    async fn set_meta_once(&self, key: &str, value: &str) -> Result<bool> {
        let client = self.pool.get().await?;
        Ok(client
            .execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&key, &value],
            )
            .await?
            == 1)
    }
}

#[async_trait]
impl Maintenance for PgStore {
    fn engine(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<()> {
        let client = self.pool.get().await?;
        client.query_one("SELECT 1", &[]).await?;
        Ok(())
    }

    async fn maintain(&self) -> Result<()> {
        // Autovacuum normally keeps statistics fresh. Where it is switched off, the planner
        // believes a million-row table is empty and picks sorts over index walks (seconds
        // instead of a millisecond for an inbox), so seba analyzes its busy tables itself
        // once a tenth of their rows changed.
        self.prune_presence(Timestamp::now() - crate::PRESENCE_KEPT)
            .await?;
        let client = self.pool.get().await?;
        let autovacuum: String = client.query_one("SHOW autovacuum", &[]).await?.get(0);
        if autovacuum == "on" {
            return Ok(());
        }
        let rows = client
            .query(
                "SELECT relname FROM pg_stat_user_tables
                 WHERE schemaname = current_schema()
                   AND relname IN ('cases', 'messages', 'audit_events', 'outbox', 'deliveries',
                                   'claims')
                   AND n_mod_since_analyze > 500 + n_live_tup / 10",
                &[],
            )
            .await?;
        for r in rows {
            let table: String = r.get(0);
            tracing::info!(table = %table, "analyzing (autovacuum is off)");
            client.batch_execute(&format!("ANALYZE {table}")).await?;
        }
        Ok(())
    }

    async fn backup(&self, _dest: &std::path::Path) -> Result<()> {
        Err(StoreError::Backend(
            "seba backup copies the embedded SQLite store; back up PostgreSQL with pg_dump or its base backups".into(),
        ))
    }
}

#[async_trait]
impl PointStore for PgStore {
    async fn next_point_id(&self) -> Result<i64> {
        let client = self.pool.get().await?;
        let row = client.query_one("SELECT nextval('point_ids')", &[]).await?;
        Ok(row.get(0))
    }

    async fn next_point_ids(&self, n: u32) -> Result<Vec<i64>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT nextval('point_ids') FROM generate_series(1, $1::bigint) ORDER BY 1",
                &[&i64::from(n)],
            )
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn service_points_page(&self, filter: &PointFilter) -> Result<Vec<PointRecord>> {
        // Only the conditions asked for, so the planner can use `(kind, id)` or
        // `(district, id)`.
        let after = filter.after_id.unwrap_or(i64::MIN);
        let limit = i64::from(filter.limit);
        let mut sql = format!("SELECT {POINT_COLUMNS} FROM service_points WHERE id > $1");
        let mut args: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&after];
        if let Some(kind) = &filter.kind {
            args.push(kind);
            sql.push_str(&format!(" AND kind = ${}", args.len()));
        }
        if let Some(district) = &filter.district {
            args.push(district);
            sql.push_str(&format!(" AND district = ${}", args.len()));
        }
        if !filter.include_closed {
            sql.push_str(" AND NOT closed");
        }
        args.push(&limit);
        sql.push_str(&format!(" ORDER BY id LIMIT ${}", args.len()));
        let client = self.pool.get().await?;
        let rows = client.query(&sql, &args).await?;
        rows.iter().map(point).collect()
    }

    async fn service_points(&self, include_closed: bool) -> Result<Vec<PointRecord>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {POINT_COLUMNS} FROM service_points WHERE NOT closed OR $1
                     ORDER BY division, district, id"
                ),
                &[&include_closed],
            )
            .await?;
        rows.iter().map(point).collect()
    }

    async fn service_point(&self, id: i64) -> Result<Option<PointRecord>> {
        let client = self.pool.get().await?;
        client
            .query_opt(
                &format!("SELECT {POINT_COLUMNS} FROM service_points WHERE id = $1"),
                &[&id],
            )
            .await?
            .map(|r| point(&r))
            .transpose()
    }
}

#[async_trait]
impl KnowledgeStore for PgStore {
    async fn articles(&self, include_unpublished: bool) -> Result<Vec<Article>> {
        let client = self.pool.get().await?;
        // Byte order for slugs, as SQLite sorts them, whatever the database's collation.
        let rows = client
            .query(
                &format!(
                    "SELECT {ARTICLE_COLUMNS} FROM articles WHERE published OR $1
                     ORDER BY position, slug COLLATE \"C\""
                ),
                &[&include_unpublished],
            )
            .await?;
        rows.iter().map(article).collect()
    }

    async fn article(&self, slug: &str) -> Result<Option<Article>> {
        let client = self.pool.get().await?;
        client
            .query_opt(
                &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE slug = $1"),
                &[&slug],
            )
            .await?
            .map(|r| article(&r))
            .transpose()
    }

    async fn canned(&self) -> Result<Vec<Canned>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {CANNED_COLUMNS} FROM canned_responses ORDER BY code COLLATE \"C\""
                ),
                &[],
            )
            .await?;
        rows.iter().map(canned).collect()
    }

    async fn canned_one(&self, code: &str) -> Result<Option<Canned>> {
        let client = self.pool.get().await?;
        client
            .query_opt(
                &format!("SELECT {CANNED_COLUMNS} FROM canned_responses WHERE code = $1"),
                &[&code],
            )
            .await?
            .map(|r| canned(&r))
            .transpose()
    }
}

#[async_trait]
impl PresenceStore for PgStore {
    async fn touch_presence(
        &self,
        case: CaseId,
        user: UserId,
        activity: Activity,
        at: Timestamp,
    ) -> Result<()> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "INSERT INTO case_presence (case_id, user_id, activity, seen_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (case_id, user_id) DO UPDATE SET activity = excluded.activity, seen_at = excluded.seen_at
                 WHERE excluded.seen_at >= case_presence.seen_at",
            )
            .await?;
        client
            .execute(&stmt, &[&case.0, &user.0, &activity.as_str(), &micros(at)])
            .await?;
        Ok(())
    }

    async fn presence(&self, case: CaseId, since: Timestamp) -> Result<Vec<Presence>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "SELECT p.user_id, u.display_name, p.activity, p.seen_at FROM case_presence p
                 JOIN users u ON u.id = p.user_id
                 WHERE p.case_id = $1 AND p.seen_at >= $2 ORDER BY p.seen_at DESC, p.user_id",
            )
            .await?;
        let rows = client.query(&stmt, &[&case.0, &micros(since)]).await?;
        rows.iter()
            .map(|r| {
                let activity: &str = r.get(2);
                Ok(Presence {
                    user_id: UserId(r.get(0)),
                    display_name: r.get(1),
                    activity: Activity::parse(activity)
                        .ok_or_else(|| StoreError::Backend(format!("activity {activity}")))?,
                    seen_at: ts(r.get(3))?,
                })
            })
            .collect()
    }

    async fn prune_presence(&self, before: Timestamp) -> Result<u64> {
        let client = self.pool.get().await?;
        Ok(client
            .execute(
                "DELETE FROM case_presence WHERE seen_at < $1",
                &[&micros(before)],
            )
            .await?)
    }
}

#[async_trait]
impl ReportStore for PgStore {
    async fn created_per_day(&self, w: &ReportWindow) -> Result<Vec<DayChannelCount>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &codec::for_dialect(codec::CREATED_PER_DAY, Dialect::Postgres),
                &[
                    &micros(w.from),
                    &micros(w.to),
                    &(i64::from(w.utc_offset_seconds) * 1_000_000),
                ],
            )
            .await?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(DayChannelCount {
                    day: codec::epoch_day(r.get(0))?,
                    channel: codec::parse("channel", r.get(1))?,
                    cases: r.get(2),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        codec::sort_per_day(&mut out);
        Ok(out)
    }

    async fn created_per_category(&self, w: &ReportWindow) -> Result<Vec<CategoryCount>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &codec::for_dialect(codec::CREATED_PER_CATEGORY, Dialect::Postgres),
                &[&micros(w.from), &micros(w.to)],
            )
            .await?;
        let mut out: Vec<CategoryCount> = rows
            .iter()
            .map(|r| CategoryCount {
                category: r.get(0),
                cases: r.get(1),
            })
            .collect();
        codec::sort_categories(&mut out);
        Ok(out)
    }

    async fn backlog(&self, now: Timestamp) -> Result<Backlog> {
        let client = self.pool.get().await?;
        let row = client
            .query_one(
                &codec::for_dialect(&codec::backlog_sql(), Dialect::Postgres),
                &[&micros(now)],
            )
            .await?;
        let counts: Vec<i64> = (0..row.len()).map(|i| row.get(i)).collect();
        codec::backlog_from(&counts)
    }

    async fn sla_per_day(&self, w: &ReportWindow) -> Result<Vec<SlaDay>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &codec::for_dialect(codec::SLA_PER_DAY, Dialect::Postgres),
                &[
                    &micros(w.from),
                    &micros(w.to),
                    &(i64::from(w.utc_offset_seconds) * 1_000_000),
                ],
            )
            .await?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(SlaDay {
                    day: codec::epoch_day(r.get(0))?,
                    met: r.get(1),
                    missed: r.get(2),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|d| d.day);
        Ok(out)
    }

    async fn csat(&self, w: &ReportWindow) -> Result<CsatCounts> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &codec::for_dialect(codec::CSAT, Dialect::Postgres),
                &[&micros(w.from), &micros(w.to)],
            )
            .await?;
        codec::csat_from(
            rows.iter()
                .map(|r| (i64::from(r.get::<_, i16>(0)), r.get::<_, i64>(1))),
        )
    }
}

#[async_trait]
impl WalletStore for PgStore {
    async fn upsert_wallet_accounts(&self, accounts: Vec<WalletAccountRecord>) -> Result<()> {
        self.in_tx(move |tx| {
            Box::pin(async move {
                let stmt = tx
                    .prepare_cached(&format!(
                        "INSERT INTO wallet_accounts ({WALLET_ACCOUNT_COLUMNS})
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                         ON CONFLICT (msisdn) DO UPDATE SET name = excluded.name,
                         nid_hash = excluded.nid_hash, date_of_birth = excluded.date_of_birth,
                         status = excluded.status, pin_hash = excluded.pin_hash,
                         pin_history = excluded.pin_history, failed_pins = excluded.failed_pins,
                         locked_until = excluded.locked_until, lock_count = excluded.lock_count,
                         pin_changed_at = excluded.pin_changed_at, version = excluded.version"
                    ))
                    .await?;
                for a in &accounts {
                    tx.execute(
                        &stmt,
                        &[
                            &a.msisdn,
                            &a.name,
                            &a.nid_hash,
                            &a.date_of_birth.to_string(),
                            &a.status,
                            &a.pin_hash,
                            &a.pin_history,
                            &a.failed_pins,
                            &a.locked_until.map(micros),
                            &a.lock_count,
                            &a.pin_changed_at.map(micros),
                            &a.version,
                        ],
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn wallet_account(&self, msisdn: &str) -> Result<Option<WalletAccountRecord>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {WALLET_ACCOUNT_COLUMNS} FROM wallet_accounts WHERE msisdn = $1"
            ))
            .await?;
        client
            .query_opt(&stmt, &[&msisdn])
            .await?
            .map(|r| wallet_account(&r))
            .transpose()
    }

    async fn add_wallet_transactions(&self, txs: Vec<WalletTransactionRecord>) -> Result<()> {
        self.in_tx(move |tx| {
            Box::pin(async move {
                let stmt = tx
                    .prepare_cached(&format!(
                        "INSERT INTO wallet_transactions ({WALLET_TX_COLUMNS}) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (msisdn, id) DO UPDATE SET kind = excluded.kind,
                         amount_poisha = excluded.amount_poisha, at = excluded.at"
                    ))
                    .await?;
                for t in &txs {
                    tx.execute(
                        &stmt,
                        &[&t.msisdn, &t.id, &t.kind, &t.amount_poisha, &micros(t.at)],
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn recent_wallet_transactions(
        &self,
        msisdn: &str,
        limit: u32,
    ) -> Result<Vec<WalletTransactionRecord>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {WALLET_TX_COLUMNS} FROM wallet_transactions WHERE msisdn = $1
                 ORDER BY at DESC, id DESC LIMIT $2"
            ))
            .await?;
        let rows = client.query(&stmt, &[&msisdn, &i64::from(limit)]).await?;
        rows.iter().map(wallet_tx).collect()
    }

    async fn claim_pin_attempt(
        &self,
        msisdn: &str,
        now: Timestamp,
        policy: &PinLockPolicy,
    ) -> Result<PinClaim> {
        let (msisdn, policy) = (msisdn.to_string(), policy.clone());
        self.in_tx(move |tx| {
            Box::pin(async move {
                // The row lock makes parallel claims on one account take turns; each reads
                // the count the one before it committed.
                let row = tx
                    .query_opt(
                        "SELECT status, pin_hash, failed_pins, locked_until, lock_count
                         FROM wallet_accounts WHERE msisdn = $1 FOR UPDATE",
                        &[&msisdn],
                    )
                    .await?;
                let Some(row) = row else {
                    return Ok(PinClaim::NoAccount);
                };
                if row.get::<_, &str>(0) != "active" {
                    return Ok(PinClaim::NoAccount);
                }
                let state = codec::PinLock {
                    failed_pins: row.get(2),
                    locked_until: codec::ts_opt(row.get(3))?,
                    lock_count: row.get(4),
                };
                match codec::claim_step(state, now, &policy)? {
                    codec::ClaimStep::Locked(until) => Ok(PinClaim::Locked { until }),
                    codec::ClaimStep::Counted(next) => {
                        tx.execute(
                            "UPDATE wallet_accounts SET failed_pins = $2, locked_until = $3, lock_count = $4
                             WHERE msisdn = $1",
                            &[
                                &msisdn,
                                &next.failed_pins,
                                &next.locked_until.map(micros),
                                &next.lock_count,
                            ],
                        )
                        .await?;
                        Ok(PinClaim::Granted {
                            pin_hash: row.get(1),
                            attempt: next.failed_pins,
                            locks_until: next.locked_until,
                        })
                    }
                }
            })
        })
        .await
    }

    async fn reset_session(&self, token_hash: &str) -> Result<Option<ResetSessionRecord>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {RESET_SESSION_COLUMNS} FROM pin_reset_sessions WHERE token_hash = $1"
            ))
            .await?;
        client
            .query_opt(&stmt, &[&token_hash])
            .await?
            .map(|r| reset_session(&r))
            .transpose()
    }

    async fn reset_guard(
        &self,
        msisdn: &str,
        day: jiff::civil::Date,
    ) -> Result<Option<ResetGuardRecord>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {RESET_GUARD_COLUMNS} FROM pin_reset_guards WHERE msisdn = $1 AND day = $2"
            ))
            .await?;
        client
            .query_opt(&stmt, &[&msisdn, &day.to_string()])
            .await?
            .map(|r| reset_guard(&r))
            .transpose()
    }
}

#[async_trait]
impl UssdStore for PgStore {
    async fn ussd_session(&self, id: &str) -> Result<Option<UssdSessionRecord>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {USSD_SESSION_COLUMNS} FROM ussd_sessions WHERE id = $1"
            ))
            .await?;
        client
            .query_opt(&stmt, &[&id])
            .await?
            .map(|r| ussd_session(&r))
            .transpose()
    }

    async fn save_ussd_session(
        &self,
        s: UssdSessionRecord,
        expected_version: Option<i64>,
    ) -> Result<()> {
        // The update's `version = expected` is checked again on the row's newest version
        // once a concurrent save commits, so of several saves over one version exactly
        // one changes the row.
        self.in_tx(move |tx| {
            Box::pin(async move {
                let started_at = micros(s.started_at);
                let updated_at = micros(s.updated_at);
                let expires_at = micros(s.expires_at);
                let values: [&(dyn ToSql + Sync); 10] = [
                    &s.id,
                    &s.msisdn,
                    &s.state,
                    &s.menu,
                    &s.step,
                    &s.outcome,
                    &started_at,
                    &updated_at,
                    &expires_at,
                    &s.version,
                ];
                write_versioned(tx, &codec::USSD_SESSIONS, &values, expected_version, &s.id)
                    .await
                    .map_err(codec::ussd_missing_is_conflict)
            })
        })
        .await
    }

    async fn ussd_language(&self, msisdn: &str) -> Result<Option<String>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached("SELECT lang FROM ussd_languages WHERE msisdn = $1")
            .await?;
        Ok(client.query_opt(&stmt, &[&msisdn]).await?.map(|r| r.get(0)))
    }

    async fn set_ussd_language(&self, msisdn: &str, lang: &str, at: Timestamp) -> Result<()> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "INSERT INTO ussd_languages (msisdn, lang, chosen_at) VALUES ($1, $2, $3)
                 ON CONFLICT (msisdn) DO UPDATE SET lang = excluded.lang, chosen_at = excluded.chosen_at",
            )
            .await?;
        client
            .execute(&stmt, &[&msisdn, &lang, &micros(at)])
            .await?;
        Ok(())
    }

    async fn ussd_resume(&self, msisdn: &str, now: Timestamp) -> Result<Option<String>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached("SELECT token FROM ussd_resumes WHERE msisdn = $1 AND expires_at > $2")
            .await?;
        Ok(client
            .query_opt(&stmt, &[&msisdn, &micros(now)])
            .await?
            .map(|r| r.get(0)))
    }

    async fn set_ussd_resume(
        &self,
        msisdn: &str,
        resume: Option<(String, Timestamp)>,
    ) -> Result<()> {
        let client = self.pool.get().await?;
        match resume {
            Some((token, expires_at)) => {
                let stmt = client
                    .prepare_cached(
                        "INSERT INTO ussd_resumes (msisdn, token, expires_at) VALUES ($1, $2, $3)
                         ON CONFLICT (msisdn) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at",
                    )
                    .await?;
                client
                    .execute(&stmt, &[&msisdn, &token, &micros(expires_at)])
                    .await?;
            }
            None => {
                let stmt = client
                    .prepare_cached("DELETE FROM ussd_resumes WHERE msisdn = $1")
                    .await?;
                client.execute(&stmt, &[&msisdn]).await?;
            }
        }
        Ok(())
    }

    async fn expire_ussd_sessions(&self, now: Timestamp) -> Result<u64> {
        let client = self.pool.get().await?;
        // One statement, so both happen or neither; the count is the UPDATE's alone.
        Ok(client
            .execute(
                "WITH expired_resumes AS (DELETE FROM ussd_resumes WHERE expires_at <= $1)
                 UPDATE ussd_sessions SET outcome = 'abandoned', state = '{}', version = version + 1
                 WHERE outcome = 'open' AND expires_at <= $1",
                &[&micros(now)],
            )
            .await?)
    }

    async fn prune_ussd_sessions(&self, before: Timestamp) -> Result<u64> {
        let client = self.pool.get().await?;
        Ok(client
            .execute(
                "DELETE FROM ussd_sessions WHERE started_at < $1",
                &[&micros(before)],
            )
            .await?)
    }

    async fn ussd_stats(&self, from: Timestamp, to: Timestamp) -> Result<Vec<UssdStatRow>> {
        let client = self.pool.get().await?;
        // "C": byte order, as SQLite sorts, whatever the database's collation.
        let rows = client
            .query(
                "SELECT menu, step, outcome, count(*) FROM ussd_sessions
                 WHERE started_at >= $1 AND started_at < $2
                 GROUP BY menu, step, outcome
                 ORDER BY menu COLLATE \"C\", step COLLATE \"C\", outcome COLLATE \"C\"",
                &[&micros(from), &micros(to)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| UssdStatRow {
                menu: r.get(0),
                step: r.get(1),
                outcome: r.get(2),
                sessions: r.get(3),
            })
            .collect())
    }
}

impl PgStore {
    /// A page of claims (see [`codec::claims_page_sql`]).
    async fn claims_page(
        &self,
        merchant_id: Option<i64>,
        stage: Option<&str>,
        before: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<ClaimRecord>> {
        let (sql, ps) =
            codec::claims_page_sql(merchant_id, stage, before, limit, Dialect::Postgres);
        let ps = boxed(ps);
        let refs: Vec<&(dyn ToSql + Sync)> = ps
            .iter()
            .map(|b| b.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let client = self.pool.get().await?;
        let stmt = client.prepare_cached(&sql).await?;
        client
            .query(&stmt, &refs)
            .await?
            .iter()
            .map(claim)
            .collect()
    }
}

#[async_trait]
impl ClaimStore for PgStore {
    async fn merchant_of_user(&self, user: UserId) -> Result<Option<i64>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached("SELECT merchant_id FROM merchant_users WHERE user_id = $1")
            .await?;
        Ok(client.query_opt(&stmt, &[&user.0]).await?.map(|r| r.get(0)))
    }

    async fn bind_merchant_user(&self, user: UserId, merchant_id: i64) -> Result<()> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "INSERT INTO merchant_users (user_id, merchant_id)
                 SELECT $1, id FROM merchants WHERE id = $2
                 ON CONFLICT (user_id) DO UPDATE SET merchant_id = excluded.merchant_id",
            )
            .await?;
        match client.execute(&stmt, &[&user.0, &merchant_id]).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    async fn next_merchant_id(&self) -> Result<i64> {
        let client = self.pool.get().await?;
        let row = client
            .query_one("SELECT nextval('merchant_ids')", &[])
            .await?;
        Ok(row.get(0))
    }

    async fn merchants(&self) -> Result<Vec<MerchantRecord>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!("SELECT {MERCHANT_COLUMNS} FROM merchants ORDER BY id"),
                &[],
            )
            .await?;
        rows.iter().map(merchant).collect()
    }

    async fn merchant(&self, id: i64) -> Result<Option<MerchantRecord>> {
        let client = self.pool.get().await?;
        client
            .query_opt(
                &format!("SELECT {MERCHANT_COLUMNS} FROM merchants WHERE id = $1"),
                &[&id],
            )
            .await?
            .map(|r| merchant(&r))
            .transpose()
    }

    async fn claim(&self, case: CaseId) -> Result<Option<ClaimRecord>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {CLAIM_COLUMNS} FROM claims WHERE case_id = $1"
            ))
            .await?;
        client
            .query_opt(&stmt, &[&case.0])
            .await?
            .map(|r| claim(&r))
            .transpose()
    }

    async fn claim_by_key(&self, dedup_key: &str) -> Result<Option<ClaimRecord>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {CLAIM_COLUMNS} FROM claims WHERE dedup_key = $1"
            ))
            .await?;
        client
            .query_opt(&stmt, &[&dedup_key])
            .await?
            .map(|r| claim(&r))
            .transpose()
    }

    async fn claims_of_merchant(
        &self,
        merchant_id: i64,
        stage: Option<&str>,
        before: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<ClaimRecord>> {
        self.claims_page(Some(merchant_id), stage, before, limit)
            .await
    }

    async fn claims(
        &self,
        stage: Option<&str>,
        before: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<ClaimRecord>> {
        self.claims_page(None, stage, before, limit).await
    }

    async fn refunds(&self, case: CaseId) -> Result<Vec<RefundRecord>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {REFUND_COLUMNS} FROM claim_refunds WHERE case_id = $1
                     ORDER BY paid_on, id"
                ),
                &[&case.0],
            )
            .await?;
        rows.iter().map(refund).collect()
    }

    async fn imported(&self, keys: &[String]) -> Result<Vec<String>> {
        self.taken_keys("SELECT key FROM claim_imports WHERE key = ANY($1)", keys)
            .await
    }

    async fn claimed(&self, dedup_keys: &[String]) -> Result<Vec<String>> {
        self.taken_keys(
            "SELECT dedup_key FROM claims WHERE dedup_key = ANY($1)",
            dedup_keys,
        )
        .await
    }

    async fn merchant_summaries(&self, now: Timestamp) -> Result<Vec<MerchantSummary>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&codec::merchant_summaries_sql(Dialect::Postgres))
            .await?;
        let rows = client.query(&stmt, &[&micros(now)]).await?;
        rows.iter().map(merchant_summary).collect()
    }

    async fn merchant_summary(
        &self,
        merchant_id: i64,
        now: Timestamp,
    ) -> Result<Option<MerchantSummary>> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&codec::merchant_summary_sql(Dialect::Postgres))
            .await?;
        client
            .query_opt(&stmt, &[&micros(now), &merchant_id])
            .await?
            .map(|r| merchant_summary(&r))
            .transpose()
    }

    async fn claims_by_district(&self) -> Result<Vec<DistrictSummary>> {
        let client = self.pool.get().await?;
        let rows = client.query(codec::CLAIMS_BY_DISTRICT, &[]).await?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(DistrictSummary {
                    district: codec::district(i64::from(r.get::<_, i32>(0)))?,
                    claims: r.get(1),
                    victims: r.get(2),
                    paid_poisha: r.get(3),
                    refunded_poisha: r.get(4),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|d| d.district);
        Ok(out)
    }

    async fn claims_by_month(&self) -> Result<Vec<MonthSummary>> {
        let client = self.pool.get().await?;
        let rows = client.query(codec::CLAIMS_BY_MONTH, &[]).await?;
        let mut out: Vec<MonthSummary> = rows
            .iter()
            .map(|r| MonthSummary {
                month: r.get(0),
                claims: r.get(1),
                victims: r.get(2),
                paid_poisha: r.get(3),
                refunded_poisha: r.get(4),
            })
            .collect();
        out.sort_by(|a, b| a.month.cmp(&b.month));
        Ok(out)
    }
}
