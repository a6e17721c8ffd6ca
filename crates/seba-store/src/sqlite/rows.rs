//! rusqlite rows into the engine-neutral rows of [`crate::codec`].

use rusqlite::Row;
use rusqlite::types::Value;

use crate::codec::{CaseRow, MessageRow, Param};
use crate::model::*;
use crate::{Result, StoreError, codec};

pub(super) fn case_row(r: &Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        id: r.get(0)?,
        status: r.get(1)?,
        channel: r.get(2)?,
        priority: r.get(3)?,
        category: r.get(4)?,
        queue: r.get(5)?,
        assignee: r.get(6)?,
        subject: r.get(7)?,
        requester_name: r.get(8)?,
        requester_msisdn: r.get(9)?,
        requester_email: r.get(10)?,
        tags: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        version: r.get(14)?,
        sla: r.get(15)?,
        sla_due: r.get(16)?,
        sla_risk_at: r.get(17)?,
        sla_paused: r.get(18)?,
        closed_at: r.get(19)?,
        merged_into: r.get(20)?,
        sla_resolved_at: r.get(21)?,
    })
}

pub(super) fn message_row(r: &Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: r.get(0)?,
        case_id: r.get(1)?,
        kind: r.get(2)?,
        author: r.get(3)?,
        body: r.get(4)?,
        attachments: r.get(5)?,
        created_at: r.get(6)?,
    })
}

pub(super) const DELIVERY_COLUMNS: &str = "id, dedupe_key, case_id, message_id, channel, recipient, subject, body, state, attempts, next_attempt_at, last_error, updated_at";

pub(super) fn delivery(r: &Row<'_>) -> rusqlite::Result<Result<Delivery>> {
    let channel: String = r.get(4)?;
    let state: String = r.get(8)?;
    let next: i64 = r.get(10)?;
    let updated: i64 = r.get(12)?;
    Ok((|| {
        Ok(Delivery {
            id: r.get(0)?,
            dedupe_key: r.get(1)?,
            case_id: r.get::<_, Option<i64>>(2)?.map(seba_core::ids::CaseId),
            message_id: r.get::<_, Option<i64>>(3)?.map(seba_core::ids::MessageId),
            channel: DeliveryChannel::parse(&channel)
                .ok_or_else(|| StoreError::Backend(format!("channel {channel}")))?,
            recipient: r.get(5)?,
            subject: r.get(6)?,
            body: r.get(7)?,
            state: DeliveryState::parse(&state)
                .ok_or_else(|| StoreError::Backend(format!("state {state}")))?,
            attempts: r.get(9)?,
            next_attempt_at: codec::ts(next)?,
            last_error: r.get(11)?,
            updated_at: codec::ts(updated)?,
        })
    })())
}

pub(super) const USER_COLUMNS: &str = "id, username, display_name, role, password_hash, disabled, failed_logins, locked_until, created_at";

pub(super) fn user(r: &Row<'_>) -> rusqlite::Result<Result<User>> {
    let role: String = r.get(3)?;
    let locked: Option<i64> = r.get(7)?;
    let created: i64 = r.get(8)?;
    Ok((|| {
        Ok(User {
            id: seba_core::ids::UserId(r.get(0)?),
            username: r.get(1)?,
            display_name: r.get(2)?,
            role: codec::parse("role", &role)?,
            password_hash: r.get(4)?,
            disabled: r.get(5)?,
            failed_logins: r.get(6)?,
            locked_until: codec::ts_opt(locked)?,
            created_at: codec::ts(created)?,
        })
    })())
}

pub(super) const CHALLENGE_COLUMNS: &str =
    "id, case_id, msisdn, code_hash, created_at, expires_at, attempts, max_attempts, completed_at";

pub(super) fn challenge(r: &Row<'_>) -> rusqlite::Result<Result<Challenge>> {
    let created: i64 = r.get(4)?;
    let expires: i64 = r.get(5)?;
    let completed: Option<i64> = r.get(8)?;
    Ok((|| {
        Ok(Challenge {
            id: r.get(0)?,
            case_id: seba_core::ids::CaseId(r.get(1)?),
            msisdn: r.get(2)?,
            code_hash: r.get(3)?,
            created_at: codec::ts(created)?,
            expires_at: codec::ts(expires)?,
            attempts: r.get(6)?,
            max_attempts: r.get(7)?,
            completed_at: codec::ts_opt(completed)?,
        })
    })())
}

pub(super) fn article(r: &Row<'_>) -> rusqlite::Result<Result<Article>> {
    let tags: String = r.get(5)?;
    let updated: i64 = r.get(8)?;
    let updated_by: Option<i64> = r.get(9)?;
    Ok((|| {
        Ok(Article {
            slug: r.get(0)?,
            title_bn: r.get(1)?,
            title_en: r.get(2)?,
            body_bn: r.get(3)?,
            body_en: r.get(4)?,
            tags: codec::tags_from(&tags)?,
            published: r.get(6)?,
            position: r.get(7)?,
            updated_at: codec::ts(updated)?,
            updated_by: updated_by.map(seba_core::ids::UserId),
            version: r.get(10)?,
        })
    })())
}

pub(super) fn point(r: &Row<'_>) -> rusqlite::Result<Result<PointRecord>> {
    let services: String = r.get(12)?;
    let from: Option<String> = r.get(16)?;
    let to: Option<String> = r.get(17)?;
    let updated: i64 = r.get(19)?;
    let updated_by: Option<i64> = r.get(20)?;
    Ok((|| {
        Ok(PointRecord {
            id: r.get(0)?,
            kind: r.get(1)?,
            name_bn: r.get(2)?,
            name_en: r.get(3)?,
            address_bn: r.get(4)?,
            address_en: r.get(5)?,
            division: r.get(6)?,
            district: r.get(7)?,
            upazila: r.get(8)?,
            lat: r.get(9)?,
            lon: r.get(10)?,
            phone: r.get(11)?,
            services: codec::tags_from(&services)?,
            hours: r.get(13)?,
            notice_bn: r.get(14)?,
            notice_en: r.get(15)?,
            active_from: codec::date_from(from)?,
            active_to: codec::date_from(to)?,
            closed: r.get(18)?,
            updated_at: codec::ts(updated)?,
            updated_by: updated_by.map(seba_core::ids::UserId),
            version: r.get(21)?,
        })
    })())
}

pub(super) fn canned(r: &Row<'_>) -> rusqlite::Result<Result<Canned>> {
    let updated: i64 = r.get(5)?;
    Ok((|| {
        Ok(Canned {
            code: r.get(0)?,
            title_bn: r.get(1)?,
            title_en: r.get(2)?,
            body_bn: r.get(3)?,
            body_en: r.get(4)?,
            updated_at: codec::ts(updated)?,
            version: r.get(6)?,
        })
    })())
}

pub(super) fn wallet_account(r: &Row<'_>) -> rusqlite::Result<Result<WalletAccountRecord>> {
    let date_of_birth: String = r.get(3)?;
    let pin_history: String = r.get(6)?;
    let locked: Option<i64> = r.get(8)?;
    let changed: Option<i64> = r.get(10)?;
    Ok((|| {
        Ok(WalletAccountRecord {
            msisdn: r.get(0)?,
            name: r.get(1)?,
            nid_hash: r.get(2)?,
            date_of_birth: codec::date_req("date of birth", &date_of_birth)?,
            status: r.get(4)?,
            pin_hash: r.get(5)?,
            pin_history: codec::tags_from(&pin_history)?,
            failed_pins: r.get(7)?,
            locked_until: codec::ts_opt(locked)?,
            lock_count: r.get(9)?,
            pin_changed_at: codec::ts_opt(changed)?,
            version: r.get(11)?,
        })
    })())
}

pub(super) fn wallet_tx(r: &Row<'_>) -> rusqlite::Result<Result<WalletTransactionRecord>> {
    let at: i64 = r.get(4)?;
    Ok((|| {
        Ok(WalletTransactionRecord {
            msisdn: r.get(0)?,
            id: r.get(1)?,
            kind: r.get(2)?,
            amount_poisha: r.get(3)?,
            at: codec::ts(at)?,
        })
    })())
}

pub(super) fn reset_session(r: &Row<'_>) -> rusqlite::Result<Result<ResetSessionRecord>> {
    let created: i64 = r.get(3)?;
    let expires: i64 = r.get(4)?;
    let choices: String = r.get(5)?;
    let otp_expires: Option<i64> = r.get(9)?;
    Ok((|| {
        Ok(ResetSessionRecord {
            token_hash: r.get(0)?,
            msisdn: r.get(1)?,
            step: r.get(2)?,
            created_at: codec::ts(created)?,
            expires_at: codec::ts(expires)?,
            choices: codec::tags_from(&choices)?,
            right_choice: r.get(6)?,
            identity_failures: r.get(7)?,
            otp_hash: r.get(8)?,
            otp_expires_at: codec::ts_opt(otp_expires)?,
            otp_sends: r.get(10)?,
            otp_failures: r.get(11)?,
            version: r.get(12)?,
        })
    })())
}

pub(super) fn reset_guard(r: &Row<'_>) -> rusqlite::Result<Result<ResetGuardRecord>> {
    let day: String = r.get(1)?;
    let blocked: Option<i64> = r.get(4)?;
    Ok((|| {
        Ok(ResetGuardRecord {
            msisdn: r.get(0)?,
            day: codec::date_req("reset guard day", &day)?,
            started: r.get(2)?,
            failures: r.get(3)?,
            blocked_until: codec::ts_opt(blocked)?,
            version: r.get(5)?,
        })
    })())
}

pub(super) fn ussd_session(r: &Row<'_>) -> rusqlite::Result<Result<UssdSessionRecord>> {
    let started: i64 = r.get(6)?;
    let updated: i64 = r.get(7)?;
    let expires: i64 = r.get(8)?;
    Ok((|| {
        Ok(UssdSessionRecord {
            id: r.get(0)?,
            msisdn: r.get(1)?,
            state: r.get(2)?,
            menu: r.get(3)?,
            step: r.get(4)?,
            outcome: r.get(5)?,
            started_at: codec::ts(started)?,
            updated_at: codec::ts(updated)?,
            expires_at: codec::ts(expires)?,
            version: r.get(9)?,
        })
    })())
}

pub(super) fn merchant(r: &Row<'_>) -> rusqlite::Result<Result<MerchantRecord>> {
    let aliases: String = r.get(5)?;
    let web: String = r.get(6)?;
    let district: Option<i64> = r.get(8)?;
    let created: i64 = r.get(10)?;
    let updated: i64 = r.get(11)?;
    Ok((|| {
        Ok(MerchantRecord {
            id: r.get(0)?,
            legal_bn: r.get(1)?,
            legal_en: r.get(2)?,
            trade_bn: r.get(3)?,
            trade_en: r.get(4)?,
            aliases: codec::tags_from(&aliases)?,
            web: codec::tags_from(&web)?,
            licence: r.get(7)?,
            district: district.map(codec::district).transpose()?,
            status: r.get(9)?,
            created_at: codec::ts(created)?,
            updated_at: codec::ts(updated)?,
            version: r.get(12)?,
        })
    })())
}

pub(super) fn claim(r: &Row<'_>) -> rusqlite::Result<Result<ClaimRecord>> {
    let district: i64 = r.get(4)?;
    let order_date: String = r.get(7)?;
    let delivery_due: i64 = r.get(16)?;
    let refund_due: i64 = r.get(17)?;
    let sent: Option<i64> = r.get(18)?;
    let answered: Option<i64> = r.get(19)?;
    let created: i64 = r.get(20)?;
    let updated: i64 = r.get(21)?;
    Ok((|| {
        Ok(ClaimRecord {
            case_id: seba_core::ids::CaseId(r.get(0)?),
            merchant_id: r.get(1)?,
            claimant_msisdn: r.get(2)?,
            claimant_name: r.get(3)?,
            district: codec::district(district)?,
            dedup_key: r.get(5)?,
            order_id: r.get(6)?,
            order_date: codec::date_req("order date", &order_date)?,
            product: r.get(8)?,
            paid_poisha: r.get(9)?,
            method: r.get(10)?,
            gateway: r.get(11)?,
            delivery: r.get(12)?,
            refunded_poisha: r.get(13)?,
            stage: r.get(14)?,
            filings: r.get(15)?,
            delivery_due: codec::ts(delivery_due)?,
            refund_due: codec::ts(refund_due)?,
            sent_to_merchant_at: codec::ts_opt(sent)?,
            merchant_answered_at: codec::ts_opt(answered)?,
            created_at: codec::ts(created)?,
            updated_at: codec::ts(updated)?,
            version: r.get(22)?,
        })
    })())
}

pub(super) fn refund(r: &Row<'_>) -> rusqlite::Result<Result<RefundRecord>> {
    let paid_on: String = r.get(3)?;
    let recorded: i64 = r.get(7)?;
    Ok((|| {
        Ok(RefundRecord {
            id: r.get(0)?,
            case_id: seba_core::ids::CaseId(r.get(1)?),
            amount_poisha: r.get(2)?,
            paid_on: codec::date_req("refund date", &paid_on)?,
            channel: r.get(4)?,
            reference: r.get(5)?,
            recorded_by: r.get(6)?,
            recorded_at: codec::ts(recorded)?,
        })
    })())
}

pub(super) fn params(ps: Vec<Param>) -> Vec<Value> {
    ps.into_iter()
        .map(|p| match p {
            Param::I64(i) => Value::Integer(i),
            Param::Text(s) => Value::Text(s),
            Param::Bool(b) => Value::Integer(i64::from(b)),
        })
        .collect()
}
