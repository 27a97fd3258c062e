//! The TSL2561 state machine: power control, TIMING writes, conversions, auto-gain.
//!
//! Every sequence leaves the chip powered down, as the original driver did, and a
//! failure in the middle still tries to power the chip down before reporting the
//! first error.

use super::lux::Reading;
use super::registers::{
    COMMAND_BIT, CONTROL_POWEROFF, CONTROL_POWERON, REG_CHAN0_LOW, REG_CHAN1_LOW, REG_CONTROL,
    REG_TIMING, WORD_BIT,
};
use super::settings::{Gain, IntegrationTime, Settings};
use crate::bus::SmbusDevice;
use crate::delay::Delay;
use crate::error::Result;

/// A TSL2561 on some bus, with the settings the chip was last programmed with.
#[derive(Debug)]
pub struct Tsl2561<B, D> {
    bus: B,
    delay: D,
    settings: Settings,
}

/// The gain auto-gain switches to after a first reading of `broadband` counts, if any.
pub fn autogain_switch(broadband: u16, settings: Settings) -> Option<Gain> {
    let (low, high) = settings.integration_time.autogain_thresholds();
    match settings.gain {
        Gain::X1 if broadband < low => Some(Gain::X16),
        Gain::X16 if broadband > high => Some(Gain::X1),
        _ => None,
    }
}

impl<B: SmbusDevice, D: Delay> Tsl2561<B, D> {
    /// Wraps a bus whose chip is believed to be programmed with `settings`.
    pub fn new(bus: B, delay: D, settings: Settings) -> Self {
        Self {
            bus,
            delay,
            settings,
        }
    }

    /// The settings in effect (changed by successful TIMING writes, including auto-gain).
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// Gives the bus back.
    pub fn release(self) -> B {
        self.bus
    }

    fn write_register(&mut self, register: u8, value: u8) -> Result<()> {
        self.bus.write_byte_data(COMMAND_BIT | register, value)
    }

    fn power_on(&mut self) -> Result<()> {
        self.write_register(REG_CONTROL, CONTROL_POWERON)
    }

    fn power_off(&mut self) -> Result<()> {
        self.write_register(REG_CONTROL, CONTROL_POWEROFF)
    }

    fn write_timing(&mut self, integration_time: IntegrationTime, gain: Gain) -> Result<()> {
        let wanted = Settings {
            integration_time,
            gain,
            ..self.settings
        };
        self.write_register(REG_TIMING, wanted.timing_register())?;
        self.settings = wanted;
        Ok(())
    }

    /// Runs `steps` with the chip powered, then powers it down; the first error wins.
    fn powered<R>(&mut self, steps: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        self.power_on()?;
        let result = steps(self);
        let off = self.power_off();
        let value = result?;
        off?;
        Ok(value)
    }

    /// Programs integration time and gain (power on, TIMING, power off). The settings
    /// are recorded as soon as the TIMING write succeeded.
    pub fn configure(&mut self, integration_time: IntegrationTime, gain: Gain) -> Result<()> {
        self.powered(|chip| chip.write_timing(integration_time, gain))
    }

    /// Changes the integration time, keeping the gain.
    pub fn set_integration_time(&mut self, integration_time: IntegrationTime) -> Result<()> {
        self.configure(integration_time, self.settings.gain)
    }

    /// Changes the gain, keeping the integration time.
    pub fn set_gain(&mut self, gain: Gain) -> Result<()> {
        self.configure(self.settings.integration_time, gain)
    }

    fn read_channels(&mut self) -> Result<(u16, u16)> {
        let broadband = self
            .bus
            .read_word_data(COMMAND_BIT | WORD_BIT | REG_CHAN0_LOW)?;
        let infrared = self
            .bus
            .read_word_data(COMMAND_BIT | WORD_BIT | REG_CHAN1_LOW)?;
        Ok((broadband, infrared))
    }

    /// Waits for the conversion begun at power-on, then reads both channels.
    fn convert(&mut self) -> Result<(u16, u16)> {
        self.delay
            .delay(self.settings.integration_time.conversion_wait());
        self.read_channels()
    }

    /// One cold reading: power on, wait for the conversion (sized for the slowest
    /// oscillator), read both channels, power off. With `autogain`, a first reading below
    /// the low threshold at 1x or above the high threshold at 16x switches the gain
    /// (which stays switched) and converts once more; never more than two conversions.
    pub fn read(&mut self, autogain: bool) -> Result<Reading> {
        self.powered(|chip| {
            let (mut broadband, mut infrared) = chip.convert()?;
            if autogain {
                if let Some(gain) = autogain_switch(broadband, chip.settings) {
                    chip.write_timing(chip.settings.integration_time, gain)?;
                    // A TIMING change only applies from the next integration cycle;
                    // a power cycle starts a fresh conversion with the new gain.
                    chip.power_off()?;
                    chip.power_on()?;
                    (broadband, infrared) = chip.convert()?;
                }
            }
            Ok(Reading::from_counts(broadband, infrared, chip.settings))
        })
    }
}
