//! The first outbox consumer: turns committed changes into deliveries to customers.
//!
//! It reads the change feed in order from its stored cursor and, for each batch, queues the
//! deliveries and moves the cursor in one transaction. A crash re-reads the batch; the
//! deliveries' unique keys make the replay queue nothing twice (at-least-once reading,
//! exactly-once queueing). Several nodes may run it: they race on the cursor and the loser
//! simply re-reads.

use std::time::Duration;

use jiff::Timestamp;

use seba_app::App;
use seba_core::case::{Case, MessageKind};
use seba_core::ids::CaseId;
use seba_store::{DeliveryChannel, NewDelivery, OutboxRow, StoreError};

pub const CONSUMER: &str = "notifier";
const BATCH: u32 = 200;

fn has_bengali(s: &str) -> bool {
    s.chars().any(|c| ('\u{0980}'..='\u{09FF}').contains(&c))
}

/// What to send for one outbox row.
async fn deliveries_for(app: &App, row: &OutboxRow) -> Result<Vec<NewDelivery>, StoreError> {
    let now = Timestamp::now();
    let seq = row.pos.seq;
    let case_of = |id: Option<CaseId>| async move {
        match id {
            Some(id) => app.store.case(id).await,
            None => Ok(None),
        }
    };
    let mut out = Vec::new();
    match row.topic.as_str() {
        "case.created" => {
            let Some(case) = case_of(row.case_id).await? else {
                return Ok(out);
            };
            let number = case.number().to_string();
            let days = row.payload["days"].as_i64().unwrap_or(10);
            let bn = app
                .settings
                .ack_sms_bn
                .replace("{number}", &seba_core::text::bengali_digits(&number))
                .replace(
                    "{days}",
                    &seba_core::text::bengali_digits(&days.to_string()),
                );
            let en = app
                .settings
                .ack_sms_en
                .replace("{number}", &number)
                .replace("{days}", &days.to_string());
            let text = if has_bengali(&case.subject) {
                bn.clone()
            } else {
                en.clone()
            };
            push(
                &mut out,
                &case,
                None,
                format!("ack.{}", case.id),
                text,
                format!("{bn}\n\n{en}"),
                ack_subject(&case),
                now,
            );
        }
        "message.reply" => {
            let Some(case) = case_of(row.case_id).await? else {
                return Ok(out);
            };
            let Some(mid) = row.payload["message_id"].as_i64() else {
                return Ok(out);
            };
            let thread = app.store.messages(case.id).await?;
            let Some(m) = thread
                .iter()
                .find(|m| m.message.id.0 == mid && m.message.kind == MessageKind::Reply)
            else {
                return Ok(out);
            };
            let body = &m.message.body;
            let sms: String = if body.chars().count() > 300 {
                format!(
                    "{}… ({})",
                    body.chars().take(280).collect::<String>(),
                    case.number()
                )
            } else {
                format!("{body} ({})", case.number())
            };
            let subject = format!("Re: [{}] {}", case.number(), case.subject);
            push(
                &mut out,
                &case,
                Some(m.message.id),
                format!("reply.{mid}"),
                sms,
                body.clone(),
                subject,
                now,
            );
        }
        "sms.send" => {
            let (Some(to), Some(text)) = (row.payload["to"].as_str(), row.payload["text"].as_str())
            else {
                return Ok(out);
            };
            let key = row.payload["key"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("outbox.{seq}"));
            out.push(NewDelivery {
                dedupe_key: format!("{key}.sms"),
                case_id: row.case_id,
                message_id: None,
                channel: DeliveryChannel::Sms,
                recipient: to.to_string(),
                subject: String::new(),
                body: text.to_string(),
                created_at: now,
            });
        }
        _ => {}
    }
    Ok(out)
}

fn ack_subject(case: &Case) -> String {
    format!("[{}] অভিযোগ গ্রহণ / Complaint received", case.number())
}

#[allow(clippy::too_many_arguments)]
fn push(
    out: &mut Vec<NewDelivery>,
    case: &Case,
    message: Option<seba_core::ids::MessageId>,
    key: String,
    sms: String,
    email_body: String,
    subject: String,
    now: Timestamp,
) {
    if let Some(m) = &case.requester.msisdn {
        out.push(NewDelivery {
            dedupe_key: format!("{key}.sms"),
            case_id: Some(case.id),
            message_id: message,
            channel: DeliveryChannel::Sms,
            recipient: m.as_e164().to_string(),
            subject: String::new(),
            body: sms,
            created_at: now,
        });
    }
    if let Some(e) = &case.requester.email {
        out.push(NewDelivery {
            dedupe_key: format!("{key}.email"),
            case_id: Some(case.id),
            message_id: message,
            channel: DeliveryChannel::Email,
            recipient: e.as_str().to_string(),
            subject,
            body: email_body,
            created_at: now,
        });
    }
}

/// Process one batch; returns how many rows it consumed.
pub async fn step(app: &App) -> Result<usize, StoreError> {
    let from = app.store.cursor(CONSUMER).await?;
    let rows = app.store.outbox_after(from, BATCH).await?;
    let Some(last) = rows.last() else {
        return Ok(0);
    };
    let to = last.pos;
    let mut deliveries = Vec::new();
    for row in &rows {
        deliveries.extend(deliveries_for(app, row).await?);
    }
    match app
        .store
        .enqueue_and_advance(CONSUMER, from, to, deliveries)
        .await
    {
        Ok(()) => Ok(rows.len()),
        // Another node moved the cursor first; its batch covered ours.
        Err(StoreError::Conflict { .. }) => Ok(0),
        Err(e) => Err(e),
    }
}

/// Run until `shutdown` fires.
pub async fn run(app: App, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        let idle = match step(&app).await {
            Ok(n) => n == 0,
            Err(e) => {
                tracing::error!(error = %e, "notifier step failed");
                true
            }
        };
        if idle {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                _ = shutdown.changed() => return,
            }
        }
        if *shutdown.borrow() {
            return;
        }
    }
}
