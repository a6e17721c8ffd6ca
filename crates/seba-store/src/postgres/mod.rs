//! The PostgreSQL engine, for several stateless seba nodes sharing one database.
//!
//! Each write is one transaction on a pooled connection; PostgreSQL's own group commit
//! batches their WAL flushes. Two details make many nodes safe:
//!
//! - **No lost update.** A case is replaced only `WHERE version = expected`; a stale
//!   writer gets [`StoreError::Conflict`] and the HTTP layer turns it into 412/409.
//! - **An ordered change feed across writers.** Sequence values are handed out at insert
//!   time but become visible at commit time, so "seq > cursor" could skip a row committed
//!   late. Every outbox row records its transaction id, and a consumer only reads rows of
//!   transactions older than the oldest one still running
//!   (`pg_snapshot_xmin(pg_current_snapshot())`), in (tx, seq) order. Nothing committed
//!   later can sort before the cursor.

mod stores;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use crate::migrations::MIGRATIONS;
use crate::{Result, StoreError};

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// Case ids reserved from the sequence, handed out smallest first.
    ids: std::sync::Arc<tokio::sync::Mutex<Vec<i64>>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

/// A fixed key for the advisory lock that keeps two nodes from migrating at once.
const MIGRATION_LOCK: i64 = 0x5EBA_0001;

impl PgStore {
    /// Connect to `url` and migrate. `schema`, if given, is created and used as the
    /// search path of every connection (tests use one schema each).
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<Self> {
        let mut cfg: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("database URL: {e}")))?;
        if cfg.get_application_name().is_none() {
            cfg.application_name("seba");
        }
        if let Some(s) = schema {
            if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(StoreError::Backend(format!(
                    "schema name `{s}` must be [A-Za-z0-9_]"
                )));
            }
            let (client, conn) = cfg.connect(NoTls).await?;
            let task = tokio::spawn(conn);
            client
                .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {s}"))
                .await?;
            drop(client);
            let _ = task.await;
            cfg.options(format!("-c search_path={s}"));
        }
        let mgr = Manager::from_config(
            cfg,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(mgr)
            .max_size(32)
            .build()
            .map_err(|e| StoreError::Backend(format!("connection pool: {e}")))?;
        let store = PgStore {
            pool,
            ids: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        let mut client = self.pool.get().await?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        let result = async {
            client
                .batch_execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                     applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                )
                .await?;
            for m in MIGRATIONS {
                let tx = client.transaction().await?;
                let done: bool = tx
                    .query_one("SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = $1)", &[&m.version])
                    .await?
                    .get(0);
                if !done {
                    tx.batch_execute(m.postgres).await?;
                    tx.execute("INSERT INTO schema_migrations(version, name) VALUES ($1, $2)", &[&m.version, &m.name])
                        .await?;
                    tracing::info!(version = m.version, name = m.name, "applied PostgreSQL migration");
                }
                tx.commit().await?;
            }
            Ok::<(), StoreError>(())
        }
        .await;
        client
            .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .await?;
        result
    }

    /// Drop a test schema and everything in it.
    pub async fn drop_schema(url: &str, schema: &str) -> Result<()> {
        let cfg: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("database URL: {e}")))?;
        let (client, conn) = cfg.connect(NoTls).await?;
        let task = tokio::spawn(conn);
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .await?;
        drop(client);
        let _ = task.await;
        Ok(())
    }
}
