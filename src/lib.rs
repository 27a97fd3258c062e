//! lightseg: Linux user-space drivers for the TSL2561 light sensor and the HT16K33 LED
//! driver on Adafruit's 4-digit 7-segment backpack.
//!
//! Two ways to use it:
//! - From C, as a drop-in replacement of the old hand-written drivers: include
//!   `TSL2561.h` / `7seg_bp_ada.h` (generated from [`capi`]) and link `-llightseg`.
//! - From Rust, through the driver cores [`tsl2561`] and [`ht16k33`], which are generic
//!   over [`bus::SmbusDevice`] and know nothing of C.

pub mod bus;
pub mod capi;
pub mod clock;
pub mod error;
pub mod ht16k33;
pub mod tsl2561;

#[cfg(test)]
mod mock_bus;

pub use error::{Error, Result};
