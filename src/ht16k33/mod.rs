//! HT16K33 LED driver on Adafruit's 4-digit 7-segment backpack: command bytes, glyph
//! table and the driver.
//!
//! Nothing here knows about C; `crate::capi::ht16k33` maps the old C API onto it.
#![forbid(unsafe_code)]

pub mod commands;
pub mod driver;
pub mod glyphs;
pub mod text;

pub use driver::{Blink, Display, DisplayState, Ht16k33};
