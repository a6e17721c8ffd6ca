//! The pure domain of seba.
//!
//! Everything here is deterministic: no I/O, no global clock, no randomness. Time comes in
//! through [`clock::Clock`]; the store, the HTTP layer and the channels call into this
//! crate and never the other way round (a tidy test checks the dependency list).

pub mod audit;
pub mod bilingual;
pub mod calendar;
pub mod case;
pub mod clock;
pub mod contact;
pub mod ids;
pub mod lifecycle;
pub mod sla;
pub mod staff;
pub mod taxonomy;
pub mod text;
pub mod wallet;

pub use bilingual::Bilingual;
