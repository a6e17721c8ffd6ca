//! Prometheus metrics: requests by route and status, their latency, and the case backlog.
//! Labels use the route pattern (`/api/v1/cases/{number}`), never the raw path, so no
//! phone number or case number ends up in a time series.

use std::sync::Mutex;
use std::time::Instant;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

/// A USSD session event: `started`, `step`, `completed`, `ended`, `abandoned`, or
/// `refused` (a request that could not be read), by gateway, menu and screen.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct UssdLabels {
    pub gateway: String,
    pub menu: String,
    pub step: String,
    pub event: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabels {
    pub status: String,
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RequestLabels, Histogram>,
    pub cases: Family<StatusLabels, Gauge>,
    pub ussd: Family<UssdLabels, Counter>,
    cases_refreshed: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("seba");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 14))
        });
        let cases = Family::<StatusLabels, Gauge>::default();
        registry.register("http_requests", "HTTP requests served", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency",
            latency.clone(),
        );
        registry.register("cases", "Cases in the store by status", cases.clone());
        let ussd = Family::<UssdLabels, Counter>::default();
        registry.register(
            "ussd_sessions",
            "USSD session events by gateway, menu and screen",
            ussd.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            cases,
            ussd,
            cases_refreshed: Mutex::new(None),
        }
    }

    pub fn observe(&self, labels: RequestLabels, seconds: f64) {
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }

    pub fn ussd_event(&self, gateway: &str, menu: &str, step: &str, event: &str) {
        self.ussd
            .get_or_create(&UssdLabels {
                gateway: gateway.into(),
                menu: menu.into(),
                step: step.into(),
                event: event.into(),
            })
            .inc();
    }

    /// Whether the case gauges are older than a minute (counting is a scan).
    pub fn cases_stale(&self) -> bool {
        let mut at = self
            .cases_refreshed
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if at.is_some_and(|t| t.elapsed().as_secs() < 60) {
            return false;
        }
        *at = Some(Instant::now());
        true
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
