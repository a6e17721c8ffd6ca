//! The embedded engine: one SQLite file in WAL mode, durable on every acknowledged write.
//!
//! All writes go through one writer thread, which practises group commit: it takes every
//! write waiting in its queue (up to [`MAX_BATCH`]), runs each in its own SAVEPOINT inside
//! one transaction, commits once with `synchronous=FULL`, and only then answers the
//! callers. A failing write rolls back to its savepoint without touching its neighbours. So
//! a thousand concurrent case creations cost a handful of fsyncs, and nothing is
//! acknowledged before it is on disk.
//!
//! A large write (an import's batch of two thousand claims) runs alone in a transaction of its
//! own instead ([`SqliteStore::write_alone`]), with no savepoint around it: SQLite copies
//! every page a savepoint's writes touch into an in-memory journal, and trims that journal
//! after every statement by walking it from its start, so inside a savepoint a write's cost
//! grows with the square of its size.
//!
//! Reads use a small pool of read-only connections, which WAL lets run beside the writer.
//!
//! Checkpoints — copying the WAL's pages back into the database file — run on their own
//! thread and connection, woken by the writer's commits, so the writer seldom waits for
//! them. The log can start over only after a checkpoint that copied all of it, which under
//! a steady stream of commits only the writer's own can be: past a length of log the
//! writer checkpoints by itself, copying what the checkpointer has not yet.

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
/// WAL pages (4 KiB each) past which the writer checkpoints by itself. The log starts over
/// only after a checkpoint that copied all of it, which under a steady stream of commits
/// (an import) only the writer's own can be; by then the checkpointer has copied all but
/// the last second or so of it.
const WRITER_CHECKPOINT_PAGES: i64 = 50_000;
/// Bytes of log file kept when the log starts over.
const WAL_KEEP_BYTES: i64 = 64 * 1024 * 1024;
/// The writer connection's page cache; readers keep the 16 MiB of [`configure`].
const WRITER_CACHE_KIB: i64 = 64 * 1024;
/// How long the checkpointer lets commits gather before copying them into the database: a
/// page changed again within it is copied once (an import changes the same index pages
/// batch after batch).
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(1000);

type Finish = Box<dyn FnOnce(Result<()>) + Send>;
/// A write's work: whether to keep its changes, and what to do once the transaction ends.
type Run = Box<dyn FnOnce(&Connection) -> (bool, Finish) + Send>;
/// A write for the writer thread: run against its connection inside a transaction, it
/// answers whether to keep its changes and what to do once the transaction has ended.
struct Job {
    /// In a transaction of its own, with no savepoint, rather than grouped with others.
    alone: bool,
    run: Run,
}

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
        // When the log starts over, its file is cut back to this: an import may grow it to
        // hundreds of megabytes, which need not stay on disk.
        conn.pragma_update(None, "journal_size_limit", WAL_KEEP_BYTES)?;
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
        self.send(false, move |conn| {
            let result = f(conn);
            let ok = result.is_ok();
            (result, ok)
        })
        .await
    }

    /// Run `f` in a transaction of its own, not grouped with other writes and with no
    /// savepoint around it (see the module's notes); `f` answers its result and whether
    /// its changes are to be kept. Kept changes are committed before the answer; the rest
    /// are rolled back, and the answer is still `f`'s.
    pub(crate) async fn write_alone<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<(T, bool)> + Send + 'static,
    {
        self.send(true, move |conn| match f(conn) {
            Ok((value, keep)) => (Ok(value), keep),
            Err(e) => (Err(e), false),
        })
        .await
    }

    async fn send<T, F>(&self, alone: bool, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> (Result<T>, bool) + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T>>();
        let run = Box::new(move |conn: &Connection| {
            let (result, keep) = f(conn);
            let finish: Finish = Box::new(move |ended: Result<()>| {
                let _ = tx.send(ended.and(result));
            });
            (keep, finish)
        });
        self.writer
            .send(Job { alone, run })
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
            self.take_ids(&mut ids, ID_BLOCK).await?;
        }
        let id = ids.0;
        ids.0 += 1;
        Ok(id)
    }

    /// Make at least `count` ids ready for [`reserve_id`](Self::reserve_id).
    pub(crate) async fn reserve_ids(&self, count: i64) -> Result<()> {
        let mut ids = self.ids.lock().await;
        let have = ids.1 - ids.0;
        if have < count {
            self.take_ids(&mut ids, (count - have).max(ID_BLOCK))
                .await?;
        }
        Ok(())
    }

    /// Take `count` more ids from the counter: added to the range held if they follow it
    /// (only this store moves the counter), else in its place.
    async fn take_ids(&self, ids: &mut (i64, i64), count: i64) -> Result<()> {
        let end: i64 = self
            .write(move |c| {
                Ok(c.query_row(
                    "UPDATE counters SET value = value + ?1 WHERE name = 'case_id' RETURNING value",
                    [count],
                    |r| r.get(0),
                )?)
            })
            .await?;
        let start = end - count + 1;
        if start == ids.1 && ids.0 < ids.1 {
            ids.1 = end + 1;
        } else {
            *ids = (start, end + 1);
        }
        Ok(())
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
    // A write that must run alone, met while gathering a group: it goes next.
    let mut next: Option<Job> = None;
    loop {
        let Some(first) = next.take().or_else(|| rx.blocking_recv()) else {
            break;
        };
        if first.alone {
            run_alone(&mut conn, first, &committed);
            continue;
        }
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) if job.alone => {
                    next = Some(job);
                    break;
                }
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut finishes: Vec<Finish> = Vec::with_capacity(batch.len());
        let outcome = (|| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for job in batch.drain(..) {
                tx.prepare_cached("SAVEPOINT job")?.execute([])?;
                let (ok, finish) = (job.run)(&tx);
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

/// Run one write in a transaction of its own: committed if it keeps its changes, rolled
/// back if not; answered only after either.
fn run_alone(conn: &mut Connection, job: Job, committed: &std::sync::mpsc::SyncSender<()>) {
    let tx = match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            // Never ran: dropping the job tells its caller so.
            tracing::error!(error = %e, "SQLite could not begin a transaction");
            return;
        }
    };
    let (keep, finish) = (job.run)(&tx);
    let ended = if keep { tx.commit() } else { tx.rollback() };
    match ended {
        Ok(()) => {
            if keep {
                let _ = committed.try_send(());
            }
            finish(Ok(()))
        }
        Err(e) => {
            tracing::error!(error = %e, keep, "SQLite could not end a transaction");
            finish(Err(StoreError::Backend(format!(
                "{} failed: {e}",
                if keep { "commit" } else { "rollback" }
            ))))
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

    #[tokio::test]
    async fn a_write_alone_keeps_or_drops_all_of_itself() {
        let dir = std::env::temp_dir().join(format!("seba-sqlite-alone-{}", std::process::id()));
        let s = Arc::new(SqliteStore::open(&dir.join("t.db")).unwrap());
        let insert = |c: &Connection, k: &str| {
            c.execute("INSERT INTO meta(key, value) VALUES (?1, 'x')", [k])
                .map(|_| ())
        };
        // Grouped writes queued around the lone ones still commit, each on its own.
        let mut grouped = Vec::new();
        for i in 0..20 {
            let s = s.clone();
            grouped.push(tokio::spawn(async move {
                s.write(move |c| Ok(insert(c, &format!("g{i}"))?)).await
            }));
        }
        let kept = s
            .write_alone(move |c| {
                for i in 0..500 {
                    insert(c, &format!("kept{i}"))?;
                }
                Ok(("kept", true))
            })
            .await
            .unwrap();
        assert_eq!(kept, "kept");
        // Not kept: the answer comes back, the rows do not stay.
        let dropped = s
            .write_alone(move |c| {
                for i in 0..500 {
                    insert(c, &format!("dropped{i}"))?;
                }
                Ok((7, false))
            })
            .await
            .unwrap();
        assert_eq!(dropped, 7);
        // Failed midway (a taken key): nothing of it stays, and the error comes back.
        let failed = s
            .write_alone(move |c| {
                insert(c, "late")?;
                insert(c, "kept3")?;
                Ok(((), true))
            })
            .await;
        assert!(failed.is_err());
        for g in grouped {
            g.await.unwrap().unwrap();
        }
        let count = |prefix: &'static str| {
            let s = s.clone();
            async move {
                s.read(move |c| {
                    Ok(c.query_row(
                        "SELECT count(*) FROM meta WHERE key LIKE ?1",
                        [format!("{prefix}%")],
                        |r| r.get::<_, i64>(0),
                    )?)
                })
                .await
                .unwrap()
            }
        };
        assert_eq!(count("kept").await, 500);
        assert_eq!(count("dropped").await, 0);
        assert_eq!(count("late").await, 0);
        assert_eq!(count("g").await, 20);
        let _ = std::fs::remove_dir_all(dir);
    }
}
