//! An application on a fresh SQLite store, with a manual clock and seeded randomness, for
//! the unit tests of the application functions.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use seba_core::clock::ManualClock;
use seba_store::sqlite::SqliteStore;

use crate::App;
use crate::random::SeededRandom;
use crate::settings::{AppSettings, Secret};

/// A bootstrapped [`App`] whose store lives in a temporary directory, removed on drop.
pub(crate) struct TestApp {
    pub app: App,
    pub clock: Arc<ManualClock>,
    dir: PathBuf,
}

impl TestApp {
    /// Bootstrapped (taxonomy, SLA policies, help content) at Sunday 22 November 2026,
    /// 10:00 in Dhaka.
    pub async fn new() -> Self {
        let t = Self::bare().await;
        t.app.bootstrap().await.expect("bootstrap");
        t
    }

    /// Not bootstrapped: an empty store.
    pub async fn bare() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "seba-app-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let store = SqliteStore::open(&dir.join("seba.db")).expect("a SQLite store");
        let clock = Arc::new(ManualClock::new(
            "2026-11-22T04:00:00Z".parse().expect("a valid instant"),
        ));
        let app = App::new(
            Arc::new(store),
            clock.clone(),
            Arc::new(SeededRandom::new(7)),
            AppSettings {
                pepper: Secret::new("a test pepper of some length"),
                ..AppSettings::default()
            },
        );
        TestApp { app, clock, dir }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
