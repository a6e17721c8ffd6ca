//! The embedded engine: one SQLite file in WAL mode, durable on every acknowledged write.
//!
//! All writes go through one writer thread, which practises group commit: it takes every
//! write waiting in its queue (up to [`MAX_BATCH`]), runs each in its own SAVEPOINT inside
//! one transaction, commits once with `synchronous=FULL`, and only then answers the
//! callers. A failing write rolls back to its savepoint without touching its neighbours. So
//! a thousand concurrent case creations cost a handful of fsyncs, and nothing is
//! acknowledged before it is on disk.
//!
//! Reads use a small pool of read-only connections, which WAL lets run beside the writer.
//!
//! Checkpoints — copying the WAL's pages back into the database file — run on their own
//! thread and connection, woken by the writer's commits, so the writer never waits for
//! them; the writer checkpoints itself only if the log grows past a backstop the
//! checkpointer should never let it reach.

mod rows;
mod stores;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{mpsc, oneshot};

use crate::migrations::MIGRATIONS;
use crate::{Result, StoreError};

/// Most writes committed in one transaction.
const MAX_BATCH: usize = 512;
/// Case ids reserved from the counter at a time: one durable write per block rather than
/// per case, and every reservation makes all intake wait for a commit, so blocks are large.
/// A restart skips the rest of a block; case numbers may have gaps, never repeats.
const ID_BLOCK: i64 = 1000;
/// WAL pages (4 KiB each) past which the writer checkpoints by itself: only if the
/// checkpointer thread has fallen far behind.
const WRITER_CHECKPOINT_PAGES: i64 = 20_000;
/// The writer connection's page cache; readers keep the 16 MiB of [`configure`].
const WRITER_CACHE_KIB: i64 = 64 * 1024;
/// How long the checkpointer lets commits gather before copying them into the database.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

type Finish = Box<dyn FnOnce(Result<()>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> (bool, Finish) + Send>;

/// The embedded SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    writer: mpsc::Sender<Job>,
    readers: Arc<Mutex<Vec<Connection>>>,
    ids: tokio::sync::Mutex<(i64, i64)>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000;
         PRAGMA cache_size = -16000;
         PRAGMA temp_store = MEMORY;",
    )
}

fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    for m in MIGRATIONS {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)",
            [m.version],
            |r| r.get(0),
        )?;
        if !done {
            tx.execute_batch(m.sqlite)?;
            tx.execute(
                "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?1, ?2, datetime('now'))",
                rusqlite::params![m.version, m.name],
            )?;
            tracing::info!(
                version = m.version,
                name = m.name,
                "applied SQLite migration"
            );
        }
        tx.commit()?;
    }
    Ok(())
}

impl SqliteStore {
    /// Open (creating and migrating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Backend(format!("creating {}: {e}", dir.display())))?;
        }
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        migrate(&mut conn)?;
        conn.pragma_update(None, "wal_autocheckpoint", WRITER_CHECKPOINT_PAGES)?;
        // The writer's cache holds a whole batch's dirty pages (a spill writes them to the
        // log mid-transaction, and again at commit) and the indexes' hot pages.
        conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)?;
        let checkpointer = Connection::open(path)?;
        checkpointer.execute_batch("PRAGMA busy_timeout = 10000;")?;
        let (committed, wake) = std::sync::mpsc::sync_channel::<()>(1);
        thread::Builder::new()
            .name("seba-sqlite-checkpoint".into())
            .spawn(move || checkpoint_loop(checkpointer, wake))
            .map_err(|e| StoreError::Backend(format!("starting the checkpoint thread: {e}")))?;
        let (tx, rx) = mpsc::channel::<Job>(8192);
        thread::Builder::new()
            .name("seba-sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx, committed))
            .map_err(|e| StoreError::Backend(format!("starting the writer thread: {e}")))?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: tx,
            readers: Arc::new(Mutex::new(Vec::new())),
            ids: tokio::sync::Mutex::new((0, 0)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `f` inside the writer's next group transaction; answer after the commit.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |conn| {
            let result = f(conn);
            let ok = result.is_ok();
            let finish: Finish = Box::new(move |committed: Result<()>| {
                let _ = tx.send(committed.and(result));
            });
            (ok, finish)
        });
        self.writer
            .send(job)
            .await
            .map_err(|_| StoreError::Backend("the SQLite writer has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Backend("the SQLite writer dropped a write".into()))?
    }

    /// Run `f` on a read connection, off the async threads.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let pool = self.readers.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let conn = match conn {
                Some(c) => c,
                None => {
                    let c = Connection::open_with_flags(
                        &path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY
                            | OpenFlags::SQLITE_OPEN_NO_MUTEX
                            | OpenFlags::SQLITE_OPEN_URI,
                    )?;
                    c.execute_batch("PRAGMA busy_timeout = 10000; PRAGMA cache_size = -16000;")?;
                    c
                }
            };
            let out = f(&conn);
            let mut readers = pool.lock().unwrap_or_else(|e| e.into_inner());
            if readers.len() < 8 {
                readers.push(conn);
            }
            out
        })
        .await
        .map_err(|e| StoreError::Backend(format!("read task: {e}")))?
    }

    /// Which of `keys` the query `select` (`SELECT column FROM table WHERE column IN`)
    /// finds, in the order asked, once each.
    pub(crate) async fn taken_keys(
        &self,
        select: &'static str,
        keys: &[String],
    ) -> Result<Vec<String>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let asked = keys.to_vec();
        self.read(move |c| {
            let mut taken = Vec::new();
            // A few hundred keys a statement keeps well inside SQLite's parameter limit.
            for chunk in asked.chunks(500) {
                let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("?{i}")).collect();
                let mut stmt = c.prepare(&format!("{select} ({})", marks.join(", ")))?;
                let rows = stmt.query_map(rusqlite::params_from_iter(chunk), |r| r.get(0))?;
                taken.extend(rows.collect::<rusqlite::Result<Vec<String>>>()?);
            }
            Ok(crate::codec::taken_in_order(&asked, taken))
        })
        .await
    }

    pub(crate) async fn reserve_id(&self) -> Result<i64> {
        let mut ids = self.ids.lock().await;
        if ids.0 >= ids.1 {
            let end: i64 = self
                .write(|c| {
                    Ok(c.query_row(
                        "UPDATE counters SET value = value + ?1 WHERE name = 'case_id' RETURNING value",
                        [ID_BLOCK],
                        |r| r.get(0),
                    )?)
                })
                .await?;
            *ids = (end - ID_BLOCK + 1, end + 1);
        }
        let id = ids.0;
        ids.0 += 1;
        Ok(id)
    }
}

/// Copy committed pages from the WAL into the database whenever the writer has committed,
/// at most every [`CHECKPOINT_EVERY`]; ends when the writer does.
fn checkpoint_loop(conn: Connection, wake: std::sync::mpsc::Receiver<()>) {
    while wake.recv().is_ok() {
        thread::sleep(CHECKPOINT_EVERY);
        // PASSIVE: never blocks the writer or the readers; frames a reader still needs
        // are left for the next round.
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "SQLite checkpoint failed; the writer's own will follow");
        }
    }
}

fn writer_loop(
    mut conn: Connection,
    mut rx: mpsc::Receiver<Job>,
    committed: std::sync::mpsc::SyncSender<()>,
) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut finishes: Vec<Finish> = Vec::with_capacity(batch.len());
        let outcome = (|| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for job in batch.drain(..) {
                tx.prepare_cached("SAVEPOINT job")?.execute([])?;
                let (ok, finish) = job(&tx);
                if !ok {
                    tx.prepare_cached("ROLLBACK TO job")?.execute([])?;
                }
                tx.prepare_cached("RELEASE job")?.execute([])?;
                finishes.push(finish);
            }
            tx.commit()
        })();
        // Jobs that never ran (the transaction failed before them) are dropped, which
        // closes their channel: the caller sees "dropped a write", never a false success.
        batch.clear();
        match outcome {
            Ok(()) => {
                // Wake the checkpointer (already woken if the slot is full).
                let _ = committed.try_send(());
                finishes.into_iter().for_each(|f| f(Ok(())))
            }
            Err(e) => {
                tracing::error!(error = %e, "SQLite group commit failed");
                let msg = e.to_string();
                finishes
                    .into_iter()
                    .for_each(|f| f(Err(StoreError::Backend(format!("commit failed: {msg}")))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failed_write_does_not_spoil_its_batch() {
        let dir = std::env::temp_dir().join(format!("seba-sqlite-{}", std::process::id()));
        let store = SqliteStore::open(&dir.join("t.db")).unwrap();
        let s = Arc::new(store);
        let mut handles = Vec::new();
        for i in 0..50 {
            let s = s.clone();
            handles.push(tokio::spawn(async move {
                s.write(move |c| {
                    c.execute(
                        "INSERT INTO meta(key, value) VALUES (?1, 'x')",
                        [format!("k{}", i % 25)],
                    )?;
                    Ok(())
                })
                .await
            }));
        }
        let mut ok = 0;
        for h in handles {
            if h.await.unwrap().is_ok() {
                ok += 1;
            }
        }
        assert_eq!(ok, 25, "each key once; duplicates refused alone");
        let n: i64 = s
            .read(|c| Ok(c.query_row("SELECT count(*) FROM meta", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(n, 25);
        let _ = std::fs::remove_dir_all(dir);
    }
}
