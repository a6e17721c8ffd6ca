//! The e-commerce complaint cell, pure: when online shops collapse, a consumer-protection
//! society collects each victim's claim, groups claims by merchant, works them with the
//! merchants and the authorities, and follows every claim to a refund.
//!
//! - [`money`]: taka amounts as people write them (`৳১২,৫০০`, `12500 tk`), in poisha, with
//!   the bounds a claim may have.
//! - [`merchant`]: the registry's names — legal and trade names in both scripts, aliases,
//!   web addresses — and [`merchant::Matcher`], which finds the merchant a typed name
//!   means across scripts and spellings ("Evaly", "ইভ্যালি", "evaly.com.bd"), or says it
//!   does not know it (a new merchant is then filed for review, never silently added).
//! - [`claim`]: a victim's claim checked field by field, with bilingual errors, and the key
//!   that makes a second filing of the same order one claim.
//! - [`rules`]: the Digital Commerce Operation Guidelines 2021 as configurable deadlines —
//!   delivery, refund, the seller's first response — and which a claim missed, by how much.
//! - [`workflow`]: the claim's stages and who may move it from one to the next.
//! - [`intake`]: a CSV of claims collected elsewhere, read with each bad row named by line.
//!
//! No I/O and no clock: dates and "now" come from the caller.

pub mod claim;
pub mod intake;
pub mod merchant;
pub mod money;
pub mod rules;
pub mod workflow;
