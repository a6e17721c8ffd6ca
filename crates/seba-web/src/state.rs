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
    /// USSD steps per caller's number per minute (a person types a few a minute).
    pub ussd_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            login_per_minute: 10,
            public_per_minute: 60,
            locator_per_minute: 600,
            ussd_per_minute: 60,
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
    /// Who may post USSD requests (gateways by address or shared secret).
    pub ussd_gate: Arc<UssdGate>,
    /// The numbers the staff USSD simulator may dial as (E.164): test numbers, so that no
    /// one at the desk can file a complaint or start a PIN reset as a real customer.
    pub ussd_simulator_numbers: Arc<Vec<String>>,
    /// USSD steps per caller's number and minute: the gateway posts for everyone from one
    /// address, so the number is the only fair key.
    ussd_limiter: Arc<DefaultKeyedRateLimiter<String>>,
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
            ussd_gate: Arc::new(UssdGate::default()),
            ussd_simulator_numbers: Arc::new(demo_wallet_numbers()),
            ussd_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(limits.ussd_per_minute.max(1)).unwrap_or(NonZeroU32::MIN),
            ))),
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

    /// A USSD step for this caller's number, counted; `false` when over the limit.
    pub fn check_ussd_rate(&self, phone: &str) -> bool {
        let key: String = phone.chars().filter(char::is_ascii_digit).collect();
        self.ussd_limiter.check_key(&key).is_ok()
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

/// The twelve demo wallets (`+8801700000001` …`12`): the simulator's numbers unless
/// configured otherwise.
pub fn demo_wallet_numbers() -> Vec<String> {
    (1..=12).map(|n| format!("+88017000000{n:02}")).collect()
}

/// Who may post to the USSD endpoints: a gateway is let in only if every check that is
/// configured passes — its address in `allow_from`, and the shared secret (header
/// `X-Seba-Ussd-Key` or query `key`) when one is set. With neither configured nothing is.
#[derive(Debug, Clone)]
pub struct UssdGate {
    pub allow_from: Vec<IpNet>,
    pub secret: Option<String>,
}

impl Default for UssdGate {
    /// Loopback only, no secret: the simulator and a gateway on the same host.
    fn default() -> Self {
        UssdGate {
            allow_from: vec![
                IpNet::parse("127.0.0.0/8").unwrap_or(IpNet::any_v4()),
                IpNet::parse("::1/128").unwrap_or(IpNet::any_v4()),
            ],
            secret: None,
        }
    }
}

impl UssdGate {
    pub fn allows(&self, peer: IpAddr, key: Option<&str>) -> bool {
        if self.allow_from.is_empty() && self.secret.is_none() {
            return false;
        }
        let address_ok =
            self.allow_from.is_empty() || self.allow_from.iter().any(|n| n.contains(peer));
        let secret_ok = match (&self.secret, key) {
            (None, _) => true,
            (Some(want), Some(got)) => {
                use subtle::ConstantTimeEq;
                want.len() == got.len() && bool::from(want.as_bytes().ct_eq(got.as_bytes()))
            }
            (Some(_), None) => false,
        };
        address_ok && secret_ok
    }
}

/// An address range: `10.0.0.0/8`, `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    fn any_v4() -> IpNet {
        IpNet {
            addr: IpAddr::from([0, 0, 0, 0]),
            prefix: 0,
        }
    }

    pub fn parse(s: &str) -> Result<IpNet, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{s}` is not an IP address or range"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{s}`: the prefix length is not 0 to {max}"))?,
        };
        Ok(IpNet { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_contain_what_they_should() {
        let net = IpNet::parse("10.20.0.0/16").unwrap();
        assert!(net.contains("10.20.3.4".parse().unwrap()));
        assert!(!net.contains("10.21.0.1".parse().unwrap()));
        assert!(
            IpNet::parse("::1")
                .unwrap()
                .contains("::1".parse().unwrap())
        );
        assert!(
            IpNet::parse("127.0.0.0/8")
                .unwrap()
                .contains("::ffff:127.0.0.1".parse().unwrap())
        );
        assert!(
            IpNet::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(IpNet::parse("10.0.0.0/33").is_err());
        assert!(IpNet::parse("nonsense").is_err());
    }

    #[test]
    fn the_gate_needs_every_configured_check() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let far: IpAddr = "192.0.2.7".parse().unwrap();
        let open = UssdGate::default();
        assert!(open.allows(lo, None) && !open.allows(far, None));
        let secret = UssdGate {
            allow_from: vec![],
            secret: Some("s3cret".into()),
        };
        assert!(secret.allows(far, Some("s3cret")));
        assert!(!secret.allows(far, Some("s3cre")) && !secret.allows(far, None));
        let both = UssdGate {
            allow_from: vec![IpNet::parse("127.0.0.1").unwrap()],
            secret: Some("k".into()),
        };
        assert!(
            both.allows(lo, Some("k")) && !both.allows(far, Some("k")) && !both.allows(lo, None)
        );
        let none = UssdGate {
            allow_from: vec![],
            secret: None,
        };
        assert!(!none.allows(lo, None));
    }
}
