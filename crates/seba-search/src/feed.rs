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

use crate::home::{IndexHome, LiveIndex};
use crate::index::{CaseDoc, IndexError, SearchIndex, WriterOptions};

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

/// Run until `shutdown` fires. A fresh index is first built from the store; after that
/// the feeder follows the outbox, and after a partial batch it waits [`GATHER`] before
/// looking again (after a full one it goes on at once). When `seba reindex` publishes a new
/// generation, the feeder catches it up and swaps it in.
pub async fn run(
    store: Arc<dyn Store>,
    live: Arc<LiveIndex>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let index = live.get();
    match index.position() {
        Ok(None) => match rebuild(&store, &index, |_| {}).await {
            Ok(n) => tracing::info!(cases = n.cases, "search index built from the store"),
            Err(e) => tracing::error!(error = %e, "building the search index failed"),
        },
        Ok(Some(_)) => {}
        Err(e) => tracing::error!(error = %e, "search index unreadable"),
    }
    loop {
        if let Err(e) = switch(&store, &live).await {
            tracing::error!(error = %e, "switching to the rebuilt search index failed");
        }
        let full = match step(&store, &live.get()).await {
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

/// If a new generation was published, open it, replay the outbox from the position its
/// rebuild committed, and serve it. Returns whether it switched.
pub async fn switch(store: &Arc<dyn Store>, live: &Arc<LiveIndex>) -> Result<bool, FeedError> {
    let Some(generation) = live.pending()? else {
        return Ok(false);
    };
    let opener = live.clone();
    let name = generation.clone();
    let index = tokio::task::spawn_blocking(move || opener.open_generation(&name))
        .await
        .map_err(|e| FeedError::Task(e.to_string()))??;
    let index = Arc::new(index);
    while step(store, &index).await? >= BATCH as usize {}
    tracing::info!(generation = %generation, docs = index.num_docs(), "serving the rebuilt search index");
    live.swap(generation, index);
    Ok(true)
}

/// What a rebuild read and indexed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rebuilt {
    pub cases: u64,
    pub messages: u64,
}

/// Cases per read during a rebuild.
const REBUILD_PAGE: u32 = 1000;

/// Build `index` from every case in the store, newest first, and commit it at the outbox
/// position read before the scan began: changes made during the scan are replayed by the
/// feeder afterwards, and replaying is harmless. Reading the store and indexing overlap
/// (the store is read a few pages ahead of the indexing threads). Nothing is committed
/// until the scan is complete, so a crash part-way leaves the index as it was. `progress`
/// hears the running totals after each page.
pub async fn rebuild(
    store: &Arc<dyn Store>,
    index: &Arc<SearchIndex>,
    mut progress: impl FnMut(Rebuilt),
) -> Result<Rebuilt, FeedError> {
    let head = store.outbox_head().await?;
    let payload = serde_json::to_string(&head).map_err(|e| FeedError::Position(e.to_string()))?;
    // Into an empty index, documents are only added; otherwise each replaces its case's.
    let replace = index.position()?.is_some() || index.num_docs() > 0;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<(Vec<CaseDoc>, u64), FeedError>>(4);
    let reader = store.clone();
    let producer = tokio::spawn(async move {
        let mut before = None;
        loop {
            let page = match reader
                .list_cases(
                    &CaseFilter::default(),
                    &PageRequest {
                        before,
                        limit: REBUILD_PAGE,
                        ..PageRequest::default()
                    },
                )
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    let _ = tx.send(Err(e.into())).await;
                    return;
                }
            };
            let Some(last) = page.last() else { return };
            before = Some(last.id);
            let found = match reader
                .cases_with_threads(page.iter().map(|c| c.id).collect())
                .await
            {
                Ok(f) => f,
                Err(e) => {
                    let _ = tx.send(Err(e.into())).await;
                    return;
                }
            };
            let messages = found.iter().map(|(_, t)| t.len() as u64).sum();
            let docs = found.iter().map(|(c, t)| case_doc(c, t)).collect();
            if tx.send(Ok((docs, messages))).await.is_err() {
                return;
            }
        }
    });
    let mut done = Rebuilt::default();
    while let Some(batch) = rx.recv().await {
        let (docs, messages) = batch?;
        done.cases += docs.len() as u64;
        done.messages += messages;
        let ix = index.clone();
        tokio::task::spawn_blocking(move || ix.add(docs, replace))
            .await
            .map_err(|e| FeedError::Task(e.to_string()))??;
        progress(done);
    }
    producer.await.map_err(|e| FeedError::Task(e.to_string()))?;
    let ix = index.clone();
    tokio::task::spawn_blocking(move || ix.commit(&payload))
        .await
        .map_err(|e| FeedError::Task(e.to_string()))??;
    Ok(done)
}

/// Rebuild the index of `home` from the store into a new generation while the current one
/// goes on being served, then publish it (see [`crate::home`]): a running server swaps it
/// in after replaying what changed meanwhile; a stopped one serves it when it starts.
/// Fails at once if another rebuild is running.
pub async fn reindex(
    store: &Arc<dyn Store>,
    home: &IndexHome,
    progress: impl FnMut(Rebuilt),
) -> Result<(String, Rebuilt), FeedError> {
    let _lock = home.lock_reindex()?;
    home.remove_unpublished()?;
    let generation = home.create_generation()?;
    let path = home.path(&generation);
    let index =
        tokio::task::spawn_blocking(move || SearchIndex::open_with(&path, WriterOptions::bulk()))
            .await
            .map_err(|e| FeedError::Task(e.to_string()))??;
    let index = Arc::new(index);
    let done = rebuild(store, &index, progress).await?;
    let index = Arc::into_inner(index)
        .ok_or_else(|| FeedError::Task("the new index is still in use".into()))?;
    // Merges finish and the writer lock is released before anyone may open it.
    tokio::task::spawn_blocking(move || index.close())
        .await
        .map_err(|e| FeedError::Task(e.to_string()))??;
    home.publish(&generation)?;
    Ok((generation, done))
}
