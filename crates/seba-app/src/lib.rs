//! The application functions every channel calls.
//!
//! The HTTP handlers, the e-mail poller, the USSD engine and the CLI all turn what arrives
//! into the same commands — [`App::create_case`], [`App::add_message`],
//! [`App::transition`] … — which check the input with `seba-core`, apply the domain rules,
//! and commit the change with its audit event and outbox row in one store transaction.
//! Nothing here knows HTTP or SQL.

pub mod accounts;
pub mod audit;
pub mod cases;
pub mod claim_proof;
pub mod claims;
pub mod claims_report;
pub mod demo;
pub mod demo_claims;
pub mod demo_points;
pub mod error;
pub mod exchange;
pub mod feedback;
pub mod knowledge;
pub mod locator;
pub mod pin_reset;
pub mod points;
pub mod presence;
pub mod random;
pub mod reports;
pub mod settings;
pub mod tracking;
pub mod ussd;
pub mod wallet;

#[cfg(test)]
mod testing;

use std::sync::Arc;

use seba_core::clock::Clock;
use seba_store::Store;

pub use error::AppError;
pub use settings::AppSettings;

/// The application: a store, a clock, a source of randomness and the settings.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn random::Random>,
    pub settings: Arc<AppSettings>,
    cache: Arc<settings::Cache>,
    reports: Arc<reports::DashboardCache>,
    locator: Arc<locator::Locator>,
    ussd: Arc<ussd::CatalogCache>,
    claims: Arc<claims::RegistryCache>,
    claims_report: Arc<claims_report::ReportCache>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("engine", &self.store.engine())
            .finish_non_exhaustive()
    }
}

impl App {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn random::Random>,
        settings: AppSettings,
    ) -> Self {
        App {
            store,
            clock,
            random,
            settings: Arc::new(settings),
            cache: Arc::new(settings::Cache::default()),
            reports: Arc::new(reports::DashboardCache::default()),
            locator: Arc::new(locator::Locator::default()),
            ussd: Arc::new(ussd::CatalogCache::default()),
            claims: Arc::new(claims::RegistryCache::default()),
            claims_report: Arc::new(claims_report::ReportCache::default()),
        }
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }
}
