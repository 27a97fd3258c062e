//! TSL2561 light-to-digital converter: registers, settings, lux math and the driver.
//!
//! Nothing here knows about C; `crate::capi::tsl2561` maps the old C API onto it.
#![forbid(unsafe_code)]

pub mod autorange;
pub mod coefficients;
pub mod driver;
pub mod identify;
pub mod lux;
pub mod registers;
pub mod settings;
pub mod together;

pub(crate) use driver::ChipState;
pub use driver::{FullRange, Interrupt, PowerMode, Tsl2561};
pub use lux::{Measurement, Reading};
pub use settings::{Gain, IntegrationTime, Package, Settings};
pub use together::{read_together, Conversion};
