//! HT16K33 LED driver on Adafruit's backpacks: command bytes, the backpacks' RAM maps,
//! fonts, printing rules, chains and scrolling, and the drivers.
//!
//! One model of the chip: [`Chain`], one to eight backpacks of one [`BackpackKind`] as
//! one display, its content a [`Frame`] (text, numbers, raw segments, pixels, bars). A
//! single backpack is a chain of one; the old C API's 4-digit struct is one too (its
//! particular rules live in its C adapter, `crate::capi::ht16k33`).
//!
//! Nothing here knows about C; `crate::capi::ht16k33` maps the old C API onto it.
#![forbid(unsafe_code)]

pub mod backpack;
pub mod chain;
pub mod commands;
pub mod font;
pub mod frame;
pub mod glyphs;
pub mod graphics;
pub mod number;
pub mod scroll;
pub mod setup;
pub mod tables;

pub use backpack::{BackpackKind, Color};
pub use chain::Chain;
pub use frame::{Frame, Rotation};
pub use setup::{Blink, Display};
