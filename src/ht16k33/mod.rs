//! HT16K33 LED driver on Adafruit's backpacks: command bytes, the backpacks' RAM maps,
//! fonts, printing rules, chains and scrolling, and the drivers.
//!
//! - [`Ht16k33`]: one 4-digit 7-segment backpack, as the old C driver drove it.
//! - [`Chain`]: one to eight backpacks of one [`BackpackKind`] as one display, its
//!   content a [`Frame`] (text, numbers, raw segments, pixels, bars).
//!
//! Nothing here knows about C; `crate::capi::ht16k33` maps the old C API onto it.
#![forbid(unsafe_code)]

pub mod backpack;
pub mod chain;
pub mod commands;
pub mod driver;
pub mod font;
pub mod frame;
pub mod glyphs;
pub mod number;
pub mod scroll;
pub mod tables;
pub mod text;

pub use backpack::{BackpackKind, Color};
pub use chain::Chain;
pub use driver::{Blink, Display, DisplayState, Ht16k33};
pub use frame::{Frame, Rotation};
