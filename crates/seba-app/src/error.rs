//! What an application function can fail with, each case explainable to a person in both
//! languages. The HTTP layer maps these to status codes; the USSD engine to a screen.

use seba_core::bilingual::{Bilingual, Explain};
use seba_core::case::InputError;
use seba_core::ids::{CaseNumber, CaseNumberError};
use seba_core::lifecycle::TransitionError;
use seba_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{0}")]
    CaseNumber(#[from] CaseNumberError),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("unknown category `{0}`")]
    UnknownCategory(String),
    #[error("unknown queue `{0}`")]
    UnknownQueue(String),
    #[error("unknown or disabled staff member {0}")]
    UnknownUser(String),
    #[error("case not found")]
    CaseNotFound,
    #[error("case was merged into {0}")]
    Merged(CaseNumber),
    /// If-Match named a version that is no longer current.
    #[error("the case changed since you loaded it (now version {current})")]
    Stale { current: i64 },
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    #[error("wrong username or password")]
    BadCredentials,
    #[error("account locked after too many failed logins")]
    Locked,
    #[error("the code is wrong, expired or used up")]
    BadCode,
    #[error("too many requests")]
    TooMany,
    #[error("attachment: {0}")]
    Attachment(String),
    #[error("unknown attachment {0}")]
    UnknownAttachment(String),
    #[error("password: {0}")]
    WeakPassword(&'static str),
    #[error("already exists: {0}")]
    Exists(String),
    /// Another request with the same idempotency key committed first.
    #[error("idempotency key already used")]
    IdempotencyRace,
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}

impl Explain for AppError {
    fn explain(&self) -> Bilingual {
        use AppError::*;
        match self {
            Input(e) => e.explain(),
            CaseNumber(e) => e.explain(),
            Transition(e) => e.explain(),
            UnknownCategory(c) => {
                Bilingual::new(format!("অজানা বিভাগ `{c}`"), format!("Unknown category `{c}`"))
            }
            UnknownQueue(q) => {
                Bilingual::new(format!("অজানা সারি `{q}`"), format!("Unknown queue `{q}`"))
            }
            UnknownUser(u) => Bilingual::new(
                format!("`{u}` নামে সক্রিয় কোনো কর্মী নেই"),
                format!("No active staff member `{u}`"),
            ),
            CaseNotFound => Bilingual::new("কেসটি পাওয়া যায়নি", "Case not found"),
            Merged(n) => Bilingual::new(
                format!("এই কেসটি কেস {n} এর সাথে যুক্ত করা হয়েছে"),
                format!("This case was merged into case {n}"),
            ),
            Stale { .. } => Bilingual::new(
                "আপনি খোলার পর কেসটি অন্য কেউ বদলেছেন; আবার লোড করে দেখুন",
                "Someone changed this case after you opened it; reload and try again",
            ),
            Forbidden(_) => {
                Bilingual::new("এই কাজের অনুমতি আপনার নেই", "You are not allowed to do this")
            }
            BadCredentials => {
                Bilingual::new("ব্যবহারকারীর নাম বা পাসওয়ার্ড ভুল", "Wrong username or password")
            }
            Locked => Bilingual::new(
                "অনেকবার ভুল চেষ্টার কারণে অ্যাকাউন্ট সাময়িকভাবে বন্ধ; পরে চেষ্টা করুন",
                "Too many failed attempts; the account is locked for a while",
            ),
            BadCode => Bilingual::new(
                "কোডটি ভুল, মেয়াদোত্তীর্ণ বা আগেই ব্যবহৃত",
                "The code is wrong, expired or already used",
            ),
            TooMany => Bilingual::new(
                "অনেক বেশি অনুরোধ; একটু পরে চেষ্টা করুন",
                "Too many requests; please try again later",
            ),
            Attachment(m) => Bilingual::new(
                format!("সংযুক্তি গ্রহণযোগ্য নয়: {m}"),
                format!("Attachment not accepted: {m}"),
            ),
            UnknownAttachment(s) => Bilingual::new(
                format!("সংযুক্তি {s} পাওয়া যায়নি; আগে আপলোড করুন"),
                format!("Attachment {s} not found; upload it first"),
            ),
            WeakPassword(m) => Bilingual::new(
                format!("পাসওয়ার্ড দুর্বল: {m}"),
                format!("Password too weak: {m}"),
            ),
            Exists(what) => Bilingual::new(
                format!("আগে থেকেই আছে: {what}"),
                format!("Already exists: {what}"),
            ),
            IdempotencyRace => Bilingual::new(
                "একই অনুরোধ আগেই গ্রহণ করা হয়েছে",
                "The same request was already accepted",
            ),
            Config(m) => Bilingual::new(
                format!("কনফিগারেশন ত্রুটি: {m}"),
                format!("Configuration error: {m}"),
            ),
            Store(StoreError::NotFound) => Bilingual::new("পাওয়া যায়নি", "Not found"),
            Store(StoreError::Conflict { .. }) => Bilingual::new(
                "একই সময়ে অন্য কেউ বদলেছেন; আবার চেষ্টা করুন",
                "Changed by someone else at the same time; try again",
            ),
            Store(_) => Bilingual::new(
                "সাময়িক সমস্যা হয়েছে; একটু পরে আবার চেষ্টা করুন",
                "Something went wrong on our side; please try again shortly",
            ),
        }
    }
}
