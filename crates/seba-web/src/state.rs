//! What every handler shares: the application, rate limiters, metrics, and a short cache
//! of verified API tokens (so an integration's steady stream of requests does not cost a
//! store read each; a revoked token stops working within [`TOKEN_CACHE_TTL`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use seba_app::{App, AppError};
use seba_store::User;

use crate::error::ApiError;
use crate::metrics::Metrics;

pub const TOKEN_CACHE_TTL: Duration = Duration::from_secs(30);

/// Limits per client address.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    /// Login attempts per minute.
    pub login_per_minute: u32,
    /// Public (customer) requests per minute: complaints, tracking.
    pub public_per_minute: u32,
    /// The locator's public reads per minute: `GET /api/v1/nearest` and the finder pages
    /// (`/centres…`). A bucket of their own, and a larger one: a mobile operator's
    /// customers often share one carrier address (CGNAT), and a map app asks several
    /// times per screen. Reads only, so finding a centre never uses up the allowance for
    /// filing or tracking a complaint, nor the other way round.
    pub locator_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            login_per_minute: 10,
            public_per_minute: 60,
            locator_per_minute: 600,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: Arc<Metrics>,
    /// Mark cookies `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    /// The hotline number the portal shows.
    pub hotline: String,
    /// This node's search index (absent: search answers 503).
    pub search: Option<Arc<seba_search::home::LiveIndex>>,
    login_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    public_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    locator_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    tokens: Arc<Mutex<HashMap<String, (Instant, User)>>>,
}

fn limiter(per_minute: u32) -> Arc<DefaultKeyedRateLimiter<IpAddr>> {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    Arc::new(RateLimiter::keyed(Quota::per_minute(n)))
}

impl AppState {
    pub fn new(app: App, limits: RateLimits) -> Self {
        AppState {
            app,
            metrics: Arc::new(Metrics::new()),
            secure_cookies: false,
            hotline: "16247".into(),
            search: None,
            login_limiter: limiter(limits.login_per_minute),
            public_limiter: limiter(limits.public_per_minute),
            locator_limiter: limiter(limits.locator_per_minute),
            tokens: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    pub fn check_login_rate(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.login_limiter
            .check_key(&ip)
            .map_err(|_| ApiError::too_many())
    }

    pub fn check_public_rate(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.public_limiter
            .check_key(&ip)
            .map_err(|_| ApiError::too_many())
    }

    /// The locator's public reads (the nearest API and the finder pages), counted apart
    /// from [`Self::check_public_rate`]; see [`RateLimits::locator_per_minute`].
    pub fn check_locator_rate(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.locator_limiter
            .check_key(&ip)
            .map_err(|_| ApiError::too_many())
    }

    pub async fn token_user(&self, token: &str) -> Result<Option<User>, AppError> {
        let key = self.app.token_hash(token);
        if let Some((at, user)) = self
            .tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            && at.elapsed() < TOKEN_CACHE_TTL
        {
            return Ok(Some(user.clone()));
        }
        let user = self.app.token_user(token).await?;
        let mut cache = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() > 10_000 {
            cache.retain(|_, (at, _)| at.elapsed() < TOKEN_CACHE_TTL);
        }
        match &user {
            Some(u) => cache.insert(key, (Instant::now(), u.clone())),
            None => cache.remove(&key),
        };
        Ok(user)
    }
}
