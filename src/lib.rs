//! lightseg: Linux user-space drivers for the TSL2561 light sensor and the HT16K33 LED
//! driver on Adafruit's backpacks (4-digit 7-segment, 1.2" 7-segment, quad
//! alphanumeric, 8x8, bicolour 8x8 and 16x8 matrices, 24-bar bargraph).
//!
//! Two ways to use it:
//! - From C, as a drop-in replacement of the old hand-written drivers: include
//!   `TSL2561.h` / `7seg_bp_ada.h` (generated from [`capi`]) and link `-llightseg`.
//! - From Rust, through the driver cores [`tsl2561`] and [`ht16k33`], which are generic
//!   over [`bus::SmbusDevice`] and know nothing of C: `/dev/i2c-N` through
//!   [`bus::open_device`] (the `I2C_SMBUS` ioctl), or any embedded-hal 1.0 I2C bus
//!   through [`bus::HalDevice`] (linux-embedded-hal's `I2cdev`, a USB adapter's HAL,
//!   embedded-hal-mock in tests: `examples/linux_hal.rs`). [`ht16k33::Chain`] drives one
//!   to eight backpacks of one kind as one display; its [`ht16k33::Frame`] takes
//!   numbers, text, raw segments, pixels and bars, and [`ht16k33::Chain::scroll`]
//!   scrolls text.
//!
//! A reading shown on the display, in Rust:
//!
//! ```no_run
//! use lightseg::bus::open_device;
//! use lightseg::clock::SystemClock;
//! use lightseg::ht16k33::{BackpackKind, Chain};
//! use lightseg::tsl2561::{Settings, Tsl2561};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let mut sensor = Tsl2561::new(open_device(1, 0x39)?, SystemClock, Settings::default());
//!     sensor.initialise(Settings::default())?;
//!     let reading = sensor.read(true)?; // auto-gain
//!     let mut display = Chain::new(vec![open_device(1, 0x70)?], BackpackKind::Seg7)?;
//!     display.switch_on()?; // oscillator, display on and steady, full brightness
//!     display.frame_mut().print_integer(reading.lux.min(9999).into())?;
//!     display.commit()?; // one transfer
//!     Ok(())
//! }
//! ```
//!
//! Two chained alphanumeric backpacks, a number across both, then a scrolling message:
//!
//! ```no_run
//! use std::time::Duration;
//! use lightseg::bus::open_device;
//! use lightseg::clock::SystemClock;
//! use lightseg::ht16k33::{BackpackKind, Chain};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let buses = vec![open_device(1, 0x72)?, open_device(1, 0x73)?];
//!     let mut sign = Chain::new(buses, BackpackKind::Alphanumeric)?;
//!     sign.switch_on()?;
//!     sign.frame_mut().print_decimal(-273.15, Some(2))?; // "  -273.15"
//!     sign.commit()?; // one transfer per backpack
//!     sign.scroll("HELLO FROM RUST", Duration::from_millis(150), 1, &mut SystemClock)?;
//!     Ok(())
//! }
//! ```

#![deny(unsafe_op_in_unsafe_fn)]

pub mod bus;
pub mod capi;
pub mod clock;
pub mod error;
pub mod hint;
pub mod ht16k33;
pub mod tsl2561;

#[cfg(test)]
mod mock_bus;

pub use error::{Error, Result};
