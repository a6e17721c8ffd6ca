//! Text for people, in Bengali and English.
//!
//! Every error a customer or an agent can see carries both languages; the HTTP layer puts
//! them into problem+json, the USSD engine picks one. Keeping the pair together at the
//! source means a translation cannot be forgotten at the edge.

use serde::Serialize;

/// A message in Bengali (`bn`) and English (`en`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    pub bn: String,
    pub en: String,
}

impl Bilingual {
    pub fn new(bn: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            bn: bn.into(),
            en: en.into(),
        }
    }
}

/// An error that can explain itself to a person in both languages.
pub trait Explain {
    fn explain(&self) -> Bilingual;
}
