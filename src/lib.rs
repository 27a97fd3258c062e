//! lightseg: Linux user-space drivers for the TSL2561 light sensor and the HT16K33 LED
//! driver on Adafruit's 4-digit 7-segment backpack.
//!
//! Two ways to use it:
//! - From C, as a drop-in replacement of the old hand-written drivers: include
//!   `TSL2561.h` / `7seg_bp_ada.h` (generated from [`capi`]) and link `-llightseg`.
//! - From Rust, through the driver cores [`tsl2561`] and [`ht16k33`], which are generic
//!   over [`bus::SmbusDevice`] and know nothing of C.
//!
//! A reading shown on the display, in Rust:
//!
//! ```no_run
//! use lightseg::bus::open_device;
//! use lightseg::clock::SystemClock;
//! use lightseg::ht16k33::{text::layout, Blink, DisplayState, Ht16k33};
//! use lightseg::tsl2561::{Settings, Tsl2561};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let mut sensor = Tsl2561::new(open_device(1, 0x39)?, SystemClock, Settings::default());
//!     sensor.initialise(Settings::default())?;
//!     let reading = sensor.read(true)?; // auto-gain
//!     let mut display = Ht16k33::new(open_device(1, 0x70)?, DisplayState::default());
//!     display.wake()?;
//!     display.set_blink(Blink::Off)?; // display on, steady
//!     display.set_positions(layout(&format!("{:4}", reading.lux.min(9999)))?);
//!     display.commit()?;
//!     Ok(())
//! }
//! ```

#![deny(unsafe_op_in_unsafe_fn)]

pub mod bus;
pub mod capi;
pub mod clock;
pub mod error;
pub mod ht16k33;
pub mod tsl2561;

#[cfg(test)]
mod mock_bus;

pub use error::{Error, Result};
