//! Register-level models of the emulated chips. A model sees I2C messages (bytes
//! written, bytes read) with the emulator time at which they happen.

pub mod ht16k33;
pub mod tsl2561;
