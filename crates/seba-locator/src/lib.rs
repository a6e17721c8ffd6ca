//! Service points and where they are.
//!
//! - [`hours`]: opening hours written in OpenStreetMap's `opening_hours` syntax, evaluated
//!   in Asia/Dhaka with seba's holiday list as `PH`: open now, closes at, next opening,
//!   and a sentence in Bengali and English;
//! - [`nearest`]: an in-memory spatial index of points, answering "the k nearest" by exact
//!   great-circle distance;
//! - [`points`]: a service point (centre, agent point, pop-up desk, G2P point, drop box)
//!   and the checks its fields pass before it is stored.
//!
//! Everything here is pure: time comes in as an argument, data as values.

pub mod exchange;
pub mod hours;
pub mod nearest;
pub mod points;
