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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock_bus::{MockBus, RecordingDelay, Transfer::*};
    use crate::tsl2561::Package;
    use std::time::Duration;

    // Restated from the datasheet: command 0x80 | register; CONTROL 0, TIMING 1;
    // word reads 0xAC (CH0) and 0xAE (CH1).
    const POWER_ON: crate::mock_bus::Transfer = WriteByteData(0x80, 0x03);
    const POWER_OFF: crate::mock_bus::Transfer = WriteByteData(0x80, 0x00);

    fn settings(integration_time: IntegrationTime, gain: Gain) -> Settings {
        Settings {
            integration_time,
            gain,
            package: Package::TFnCl,
        }
    }

    #[test]
    fn cold_read_is_four_atomic_transfers_with_one_worst_case_wait() {
        let mut bus = MockBus::with_words(&[1200, 300]);
        let mut delay = RecordingDelay::default();
        let mut chip = Tsl2561::new(&mut bus, &mut delay, Settings::default());
        let reading = chip.read(false).expect("reads");
        assert_eq!(
            (reading.broadband, reading.infrared, reading.lux),
            (1200, 300, 26)
        );
        assert_eq!(
            bus.log,
            vec![POWER_ON, ReadWordData(0xAC), ReadWordData(0xAE), POWER_OFF]
        );
        assert_eq!(delay.0.len(), 1);
        assert!(delay.0[0] >= Duration::from_nanos(428_400_000));
        assert!(delay.0[0] <= Duration::from_micros(428_400 + 100));
    }

    #[test]
    fn configure_powers_on_writes_timing_and_powers_off() {
        let mut bus = MockBus::default();
        let mut delay = RecordingDelay::default();
        let mut chip = Tsl2561::new(&mut bus, &mut delay, Settings::default());
        chip.set_integration_time(IntegrationTime::Ms13)
            .expect("set time");
        chip.set_gain(Gain::X1).expect("set gain");
        assert_eq!(chip.settings(), settings(IntegrationTime::Ms13, Gain::X1));
        assert_eq!(
            bus.log,
            vec![
                POWER_ON,
                WriteByteData(0x81, 0x10),
                POWER_OFF,
                POWER_ON,
                WriteByteData(0x81, 0x00),
                POWER_OFF
            ]
        );
    }

    #[test]
    fn failed_timing_write_keeps_settings_and_still_powers_off() {
        let mut bus = MockBus {
            fail_on: Some((2, libc::EREMOTEIO)),
            ..MockBus::default()
        };
        let mut delay = RecordingDelay::default();
        let mut chip = Tsl2561::new(&mut bus, &mut delay, Settings::default());
        let error = chip.set_gain(Gain::X1).expect_err("fails");
        assert_eq!(error.errno(), libc::EREMOTEIO);
        assert_eq!(chip.settings(), Settings::default());
        assert_eq!(bus.log.last(), Some(&POWER_OFF));
    }

    #[test]
    fn failed_read_is_an_error_never_a_reading() {
        for failing in 1..=4 {
            let mut bus = MockBus {
                fail_on: Some((failing, libc::EIO)),
                ..MockBus::with_words(&[1200, 300])
            };
            let mut delay = RecordingDelay::default();
            let mut chip = Tsl2561::new(&mut bus, &mut delay, Settings::default());
            let error = chip
                .read(false)
                .expect_err("a failed transfer fails the reading");
            assert_eq!(error.errno(), libc::EIO, "transfer {failing}");
            if failing > 1 {
                assert_eq!(
                    bus.log.last(),
                    Some(&POWER_OFF),
                    "powered off after {failing}"
                );
            } else {
                assert_eq!(bus.log.len(), 1, "nothing more after a failed power-on");
            }
        }
    }

    #[test]
    fn autogain_switches_once_and_keeps_the_new_gain() {
        // Dark at 1x (below 500 at 402 ms): switch to 16x, convert again.
        let mut bus = MockBus::with_words(&[20, 5, 320, 80]);
        let mut delay = RecordingDelay::default();
        let start = settings(IntegrationTime::Ms402, Gain::X1);
        let mut chip = Tsl2561::new(&mut bus, &mut delay, start);
        let reading = chip.read(true).expect("reads");
        assert_eq!((reading.broadband, reading.infrared), (320, 80));
        assert_eq!(chip.settings().gain, Gain::X16);
        assert_eq!(
            bus.log,
            vec![
                POWER_ON,
                ReadWordData(0xAC),
                ReadWordData(0xAE),
                WriteByteData(0x81, 0x12),
                POWER_OFF,
                POWER_ON,
                ReadWordData(0xAC),
                ReadWordData(0xAE),
                POWER_OFF
            ]
        );
        assert_eq!(delay.0.len(), 2, "exactly two conversions");

        // Bright at 16x (above 4850 at 13 ms): switch to 1x.
        let mut bus = MockBus::with_words(&[4851, 10, 303, 1]);
        let mut delay = RecordingDelay::default();
        let start = settings(IntegrationTime::Ms13, Gain::X16);
        let mut chip = Tsl2561::new(&mut bus, &mut delay, start);
        chip.read(true).expect("reads");
        assert_eq!(chip.settings().gain, Gain::X1);
        assert!(bus.log.contains(&WriteByteData(0x81, 0x00)));
    }

    #[test]
    fn autogain_in_range_converts_once() {
        let mut bus = MockBus::with_words(&[1200, 300]);
        let mut delay = RecordingDelay::default();
        let mut chip = Tsl2561::new(&mut bus, &mut delay, Settings::default());
        chip.read(true).expect("reads");
        assert_eq!(delay.0.len(), 1);
        assert_eq!(bus.log.len(), 4);
        // At the thresholds themselves nothing switches.
        assert_eq!(
            autogain_switch(500, settings(IntegrationTime::Ms402, Gain::X1)),
            None
        );
        assert_eq!(autogain_switch(63000, Settings::default()), None);
        assert_eq!(
            autogain_switch(499, settings(IntegrationTime::Ms402, Gain::X1)),
            Some(Gain::X16)
        );
        assert_eq!(autogain_switch(63001, Settings::default()), Some(Gain::X1));
    }
}
