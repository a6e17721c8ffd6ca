//! Sending due deliveries, with retries and backoff, and recording the outcome.
//!
//! A worker leases a batch (so other workers and nodes skip it), sends each, and marks it
//! sent, to be retried later, or failed. A crash mid-send lets the lease lapse and the
//! delivery is tried again: at-least-once, with the delivery's key passed to the gateway
//! as a reference so it can drop a duplicate.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use seba_store::{Delivery, DeliveryChannel, DeliveryOutcome, Store, StoreError};

use crate::SendError;
use crate::email::Mailer;
use crate::sms::SmsSender;

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 8;
const LEASE: SignedDuration = SignedDuration::from_secs(120);

/// The adapters the worker sends through (`None`: that channel is switched off).
#[derive(Clone)]
pub struct Adapters {
    pub sms: Option<Arc<dyn SmsSender>>,
    pub email: Option<Arc<dyn Mailer>>,
}

/// Backoff after `attempts` tries (counted when a delivery is claimed, so the first
/// failure has attempts = 1): 30 s, 1 min, 2 min … capped at an hour.
pub fn backoff(attempts: i32) -> SignedDuration {
    let secs = 30i64.saturating_mul(1i64 << (attempts - 1).clamp(0, 10));
    SignedDuration::from_secs(secs.min(3600))
}

async fn send(adapters: &Adapters, d: &Delivery) -> Result<(), SendError> {
    match d.channel {
        DeliveryChannel::Sms => match &adapters.sms {
            Some(s) => s.send(&d.recipient, &d.body, &d.dedupe_key).await,
            None => Err(SendError::fatal("SMS is switched off")),
        },
        DeliveryChannel::Email => match &adapters.email {
            Some(m) => {
                m.send(&d.recipient, &d.subject, &d.body, &d.dedupe_key)
                    .await
            }
            None => Err(SendError::fatal("e-mail is switched off")),
        },
    }
}

/// Recipients sent to at once within a batch. Each send records its outcome (and the demo
/// sink its message) as a small write; writes in flight together share the store's next
/// commit, where one after another each would wait for a commit — a disk flush — of its own
/// and hold the store's writer for it.
const RECIPIENTS_AT_ONCE: usize = 16;

/// Send one batch of due deliveries; returns how many were attempted. A recipient's
/// deliveries go out one after another in the order they were queued; different
/// recipients' go out side by side.
pub async fn step(store: &Arc<dyn Store>, adapters: &Adapters) -> Result<usize, StoreError> {
    let now = Timestamp::now();
    let batch = store.claim_deliveries(now, now + LEASE, 50).await?;
    let attempted = batch.len();
    let mut by_recipient: Vec<Vec<Delivery>> = Vec::new();
    for d in batch {
        let same = by_recipient
            .iter_mut()
            .find(|q| q[0].channel == d.channel && q[0].recipient == d.recipient);
        match same {
            Some(queue) => queue.push(d),
            None => by_recipient.push(vec![d]),
        }
    }
    let mut running = tokio::task::JoinSet::new();
    let mut failed = None;
    for queue in by_recipient {
        while running.len() >= RECIPIENTS_AT_ONCE {
            note(running.join_next().await, &mut failed);
        }
        let (store, adapters) = (store.clone(), adapters.clone());
        running.spawn(async move {
            for d in &queue {
                deliver(&store, &adapters, d).await?;
            }
            Ok(())
        });
    }
    while let Some(done) = running.join_next().await {
        note(Some(done), &mut failed);
    }
    failed.map_or(Ok(attempted), Err)
}

/// Keep the first failure of a recipient's queue. A queue stopped by a failed write leaves
/// its other deliveries leased; they are tried again when the lease lapses.
fn note(
    done: Option<Result<Result<(), StoreError>, tokio::task::JoinError>>,
    failed: &mut Option<StoreError>,
) {
    let error = match done {
        Some(Ok(Err(e))) => e,
        Some(Err(e)) => StoreError::Backend(format!("delivery task: {e}")),
        Some(Ok(Ok(()))) | None => return,
    };
    failed.get_or_insert(error);
}

/// Send one delivery and record how it went.
async fn deliver(
    store: &Arc<dyn Store>,
    adapters: &Adapters,
    d: &Delivery,
) -> Result<(), StoreError> {
    let outcome = match send(adapters, d).await {
        Ok(()) => DeliveryOutcome::Sent,
        Err(e) if e.retryable && d.attempts < MAX_ATTEMPTS => DeliveryOutcome::Retry {
            at: Timestamp::now() + backoff(d.attempts),
            error: e.message,
        },
        Err(e) => DeliveryOutcome::Failed { error: e.message },
    };
    match &outcome {
        DeliveryOutcome::Sent => {
            tracing::info!(delivery = d.id, channel = d.channel.as_str(), "delivered")
        }
        DeliveryOutcome::Retry { error, .. } => {
            tracing::warn!(delivery = d.id, attempts = d.attempts, %error, "delivery will be retried")
        }
        DeliveryOutcome::Failed { error } => {
            tracing::error!(delivery = d.id, %error, "delivery failed")
        }
    }
    store.finish_delivery(d.id, outcome, Timestamp::now()).await
}

/// Run until `shutdown` fires.
pub async fn run(
    store: Arc<dyn Store>,
    adapters: Adapters,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let idle = match step(&store, &adapters).await {
            Ok(n) => n == 0,
            Err(e) => {
                tracing::error!(error = %e, "delivery step failed");
                true
            }
        };
        if idle {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                _ = shutdown.changed() => return,
            }
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(1).as_secs(), 30);
        assert_eq!(backoff(2).as_secs(), 60);
        assert_eq!(backoff(4).as_secs(), 240);
        assert_eq!(backoff(20).as_secs(), 3600);
    }
}
