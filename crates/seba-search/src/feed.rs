//! Keeping the index current from the store's change feed.
//!
//! The feeder reads the outbox after the position the index last committed, loads every
//! case those rows touch, and replaces their documents — committing the new position in the
//! same index commit. A crash or restart resumes from what was durably indexed; replaying a
//! batch is harmless (a case's document is replaced, not added). Each node keeps its own
//! index and feeds it from the same ordered outbox, so a case written through any node is
//! found on every node.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use seba_core::case::{Case, Message};
use seba_core::ids::CaseId;
use seba_store::{CaseFilter, OutboxPos, PageRequest, Store, StoreError};

use crate::index::{CaseDoc, IndexError, SearchIndex};

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("search index position `{0}` is unreadable")]
    Position(String),
    #[error("indexing task: {0}")]
    Task(String),
}

/// Outbox rows per index commit at most.
const BATCH: u32 = 2000;
/// Pause after a partial batch: commits are the expensive part of indexing, so under load
/// the feeder gathers about this much intake per commit — well inside the 1 s budget for a
/// new case to become searchable.
const GATHER: Duration = Duration::from_millis(200);

/// What the index knows of a case: its subject, the requester's name and every message.
pub fn case_doc(case: &Case, messages: &[Message]) -> CaseDoc {
    let mut body = String::new();
    if let Some(name) = &case.requester.name {
        body.push_str(name);
        body.push('\n');
    }
    if let Some(email) = &case.requester.email {
        body.push_str(email.as_str());
        body.push('\n');
    }
    // Internal notes are searchable too: only staff search.
    for m in messages {
        body.push_str(&m.body);
        body.push('\n');
    }
    CaseDoc {
        case_id: case.id.0,
        status: case.status.as_str().to_string(),
        queue: case.queue.clone(),
        category: case.category.clone(),
        channel: case.channel.as_str().to_string(),
        phone: case.requester.msisdn.as_ref().map(|m| m.national()),
        created_at: case.created_at.as_microsecond(),
        subject: case.subject.clone(),
        body,
    }
}

fn position(index: &SearchIndex) -> Result<OutboxPos, FeedError> {
    match index.position()? {
        None => Ok(OutboxPos::default()),
        Some(p) => serde_json::from_str(&p).map_err(|_| FeedError::Position(p)),
    }
}

async fn docs_for(
    store: &Arc<dyn Store>,
    ids: BTreeSet<CaseId>,
) -> Result<(Vec<CaseDoc>, Vec<i64>), FeedError> {
    let found = store
        .cases_with_threads(ids.iter().copied().collect())
        .await?;
    let docs: Vec<CaseDoc> = found
        .iter()
        .map(|(case, thread)| case_doc(case, thread))
        .collect();
    let present: BTreeSet<i64> = found.iter().map(|(c, _)| c.id.0).collect();
    let gone = ids
        .iter()
        .map(|i| i.0)
        .filter(|i| !present.contains(i))
        .collect();
    Ok((docs, gone))
}

async fn apply(
    index: &Arc<SearchIndex>,
    docs: Vec<CaseDoc>,
    gone: Vec<i64>,
    to: OutboxPos,
) -> Result<(), FeedError> {
    let index = index.clone();
    let payload = serde_json::to_string(&to).map_err(|e| FeedError::Position(e.to_string()))?;
    // A commit writes and fsyncs segment files: keep it off the async threads.
    tokio::task::spawn_blocking(move || index.apply(docs, &gone, &payload))
        .await
        .map_err(|e| FeedError::Task(e.to_string()))??;
    Ok(())
}

/// Index one batch of changes; returns how many outbox rows it consumed.
pub async fn step(store: &Arc<dyn Store>, index: &Arc<SearchIndex>) -> Result<usize, FeedError> {
    let from = position(index)?;
    let rows = store.outbox_after(from, BATCH).await?;
    let Some(last) = rows.last() else {
        return Ok(0);
    };
    let to = last.pos;
    let ids: BTreeSet<CaseId> = rows.iter().filter_map(|r| r.case_id).collect();
    let (docs, gone) = docs_for(store, ids).await?;
    apply(index, docs, gone, to).await?;
    Ok(rows.len())
}

/// Run until `shutdown` fires. After a partial batch the feeder waits [`GATHER`] before
/// looking again; after a full one it goes on at once.
pub async fn run(
    store: Arc<dyn Store>,
    index: Arc<SearchIndex>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let full = match step(&store, &index).await {
            Ok(n) => n >= BATCH as usize,
            Err(e) => {
                tracing::error!(error = %e, "search indexing step failed");
                false
            }
        };
        if !full {
            tokio::select! {
                _ = tokio::time::sleep(GATHER) => {}
                _ = shutdown.changed() => return,
            }
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// Build `index` from scratch from every case in the store, newest first, then leave it at
/// the outbox position read before the scan began (changes during the scan are replayed
/// by the feeder afterwards; replaying is harmless). Returns the number of cases indexed.
pub async fn rebuild(store: &Arc<dyn Store>, index: &Arc<SearchIndex>) -> Result<u64, FeedError> {
    let mut head = OutboxPos::default();
    loop {
        let rows = store.outbox_after(head, 10_000).await?;
        match rows.last() {
            Some(r) => head = r.pos,
            None => break,
        }
    }
    let mut before = None;
    let mut total = 0u64;
    loop {
        let page = store
            .list_cases(&CaseFilter::default(), &PageRequest { before, limit: 500 })
            .await?;
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        let (docs, _) = docs_for(store, page.iter().map(|c| c.id).collect()).await?;
        total += docs.len() as u64;
        // Keep the old position until the scan is complete, so a crash mid-way restarts
        // the feed from the beginning rather than skipping what was not scanned.
        let keep = position(index)?;
        apply(index, docs, vec![], keep).await?;
    }
    apply(index, vec![], vec![], head).await?;
    Ok(total)
}
