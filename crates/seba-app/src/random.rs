//! Randomness, injected: the OS generator in production, a seeded one in tests.

use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

pub trait Random: Send + Sync + 'static {
    fn fill(&self, buf: &mut [u8]);

    /// A random number below `bound` (no modulo bias worth speaking of for small bounds:
    /// 64 bits of entropy reduced to at most a million values).
    fn below(&self, bound: u64) -> u64 {
        let mut b = [0u8; 8];
        self.fill(&mut b);
        u64::from_le_bytes(b) % bound
    }

    /// `n` random bytes, URL-safe base64 without padding.
    fn token(&self, n: usize) -> String {
        use base64::Engine;
        let mut b = vec![0u8; n];
        self.fill(&mut b);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    }
}

/// The operating system's generator.
#[derive(Debug, Default)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        rand::rngs::OsRng.fill_bytes(buf);
    }
}

/// A reproducible generator for tests and demo data.
#[derive(Debug)]
pub struct SeededRandom(Mutex<StdRng>);

impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        SeededRandom(Mutex::new(StdRng::seed_from_u64(seed)))
    }
}

impl Random for SeededRandom {
    fn fill(&self, buf: &mut [u8]) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .fill_bytes(buf);
    }
}
