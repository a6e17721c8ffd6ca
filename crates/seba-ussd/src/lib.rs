//! seba's USSD channel, pure: the gateways' formats ([`gateway`]), how long a screen may
//! be ([`gsm`]), drawing lists and prompts that fit ([`screen`]), the menus declared once
//! in both languages ([`menu`]) and the state machine that walks them ([`engine`]).
//!
//! Nothing here does I/O or reads a clock: seba-app loads the session from the store,
//! runs the engine, performs the actions it asks for (start a PIN reset, file a
//! complaint …) with the same application functions the web and the app use, and stores
//! the session again.

pub mod engine;
pub mod gateway;
pub mod gsm;
pub mod menu;
pub mod screen;

pub use engine::{
    Action, Answer, Catalog, Category, Context, Engine, Located, Outcome, Place, Session,
};
pub use gateway::{Gateway, GatewayError, Reply, Request, Turn};
pub use screen::{Lang, Text};
