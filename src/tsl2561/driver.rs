//! The TSL2561 state machine: power control, TIMING writes, conversions, auto-gain.
//!
//! Every sequence leaves the chip powered down, as the original driver did, and a
//! failure in the middle still tries to power the chip down before reporting the
//! first error.

use super::lux::Reading;
use super::registers::{
    COMMAND_BIT, CONTROL_POWEROFF, CONTROL_POWERON, REG_CHAN0_LOW, REG_CHAN1_LOW, REG_CONTROL,
    REG_ID, REG_TIMING, WORD_BIT,
};
use super::settings::{Gain, IntegrationTime, Package, Settings};
use crate::bus::SmbusDevice;
use crate::delay::Delay;
use crate::error::{Error, Result};

/// The package a TSL2561 ID register value names (PARTNO, bits 7:4): 0101 TSL2561T/FN/CL,
/// 0001 TSL2561CS, 0100 TSL2560T/FN/CL (same registers, SMBus version). Anything else is
/// not a chip this driver knows, for example another device at a wrong address.
pub fn package_from_id(id: u8) -> Option<Package> {
    match id >> 4 {
        0b0101 | 0b0100 => Some(Package::TFnCl),
        0b0001 => Some(Package::Cs),
        _ => None,
    }
}

/// A TSL2561 on some bus, with the settings the chip was last programmed with.
#[derive(Debug)]
pub struct Tsl2561<B, D> {
    bus: B,
    delay: D,
    settings: Settings,
    /// The TIMING register as last written, when known.
    chip_timing: Option<u8>,
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
    /// Wraps a bus whose chip is believed to be programmed with `settings`. Whether it
    /// really is, is not known: see [`Tsl2561::with_chip_timing`].
    pub fn new(bus: B, delay: D, settings: Settings) -> Self {
        Self {
            bus,
            delay,
            settings,
            chip_timing: None,
        }
    }

    /// Tells the driver what the chip's TIMING register holds (`None`: unknown). A
    /// reading whose settings differ from it programs the chip first.
    pub fn with_chip_timing(mut self, chip_timing: Option<u8>) -> Self {
        self.chip_timing = chip_timing;
        self
    }

    /// The chip's TIMING register as last written, if known.
    pub fn chip_timing(&self) -> Option<u8> {
        self.chip_timing
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
        self.chip_timing = None;
        self.write_register(REG_TIMING, wanted.timing_register())?;
        self.settings = wanted;
        self.chip_timing = Some(wanted.timing_register());
        Ok(())
    }

    /// Runs `steps` with the chip powered, then powers it down; the first error wins.
    /// After any failure the chip's state is unknown (it may still be powered, and then a
    /// power-on would not start a fresh conversion), so the next reading reprograms it.
    fn powered<R>(&mut self, steps: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        let result = self.power_on().and_then(|()| {
            let result = steps(self);
            let off = self.power_off();
            result.and_then(|value| off.map(|()| value))
        });
        if result.is_err() {
            self.chip_timing = None;
        }
        result
    }

    /// Programs integration time and gain (power on, TIMING, power off). The settings
    /// are recorded as soon as the TIMING write succeeded.
    pub fn configure(&mut self, integration_time: IntegrationTime, gain: Gain) -> Result<()> {
        self.powered(|chip| chip.write_timing(integration_time, gain))
    }

    /// Brings a newly opened chip to a known state: power on, check the ID register (and
    /// take the package from it), program `settings`, power off. Fails with
    /// `WrongDevice` when the ID is not a TSL2561's.
    pub fn initialise(&mut self, settings: Settings) -> Result<()> {
        self.powered(|chip| {
            let id = chip.bus.read_byte_data(COMMAND_BIT | REG_ID)?;
            chip.settings.package =
                package_from_id(id).ok_or(Error::WrongDevice("TSL2561 (ID register)"))?;
            chip.write_timing(settings.integration_time, settings.gain)
        })
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

    /// One cold reading: (when the chip's TIMING is not known to match the settings,
    /// program it first), power on, wait for the conversion (sized for the slowest
    /// oscillator), read both channels, power off. With `autogain`, a first reading below
    /// the low threshold at 1x or above the high threshold at 16x switches the gain
    /// (which stays switched) and converts once more; never more than two conversions.
    pub fn read(&mut self, autogain: bool) -> Result<Reading> {
        if self.chip_timing != Some(self.settings.timing_register()) {
            // Another copy of the settings (or a failure) left the chip programmed
            // differently, or nobody knows: program it before trusting the counts.
            let settings = self.settings;
            self.configure(settings.integration_time, settings.gain)?;
        }
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
        let mut chip =
            Tsl2561::new(&mut bus, &mut delay, Settings::default()).with_chip_timing(Some(0x12));
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
    fn initialise_checks_the_id_and_takes_the_package() {
        for (id, package) in [
            (0x50, Package::TFnCl),
            (0x11, Package::Cs),
            (0x40, Package::TFnCl),
        ] {
            let mut bus = MockBus {
                byte: id,
                ..MockBus::default()
            };
            let mut delay = RecordingDelay::default();
            let mut chip = Tsl2561::new(&mut bus, &mut delay, Settings::default());
            chip.initialise(Settings::default()).expect("a TSL256x");
            assert_eq!(chip.settings().package, package);
            assert_eq!(
                bus.log,
                vec![
                    POWER_ON,
                    ReadByteData(0x8A),
                    WriteByteData(0x81, 0x12),
                    POWER_OFF
                ]
            );
        }
        for id in [0x00, 0x21, 0xFF] {
            let mut bus = MockBus {
                byte: id,
                ..MockBus::default()
            };
            let mut delay = RecordingDelay::default();
            let mut chip = Tsl2561::new(&mut bus, &mut delay, Settings::default());
            let error = chip
                .initialise(Settings::default())
                .expect_err("not a TSL2561");
            assert_eq!(error.errno(), libc::ENODEV);
            assert_eq!(bus.log, vec![POWER_ON, ReadByteData(0x8A), POWER_OFF]);
        }
    }

    #[test]
    fn a_chip_programmed_otherwise_is_reprogrammed_before_reading() {
        for known in [None, Some(0x02)] {
            let mut bus = MockBus::with_words(&[1200, 300]);
            let mut delay = RecordingDelay::default();
            let mut chip =
                Tsl2561::new(&mut bus, &mut delay, Settings::default()).with_chip_timing(known);
            chip.read(false).expect("reads");
            assert_eq!(chip.chip_timing(), Some(0x12));
            let mut expected = vec![POWER_ON, WriteByteData(0x81, 0x12), POWER_OFF];
            expected.extend([POWER_ON, ReadWordData(0xAC), ReadWordData(0xAE), POWER_OFF]);
            assert_eq!(bus.log, expected, "chip timing {known:?}");
        }
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
            let mut chip = Tsl2561::new(&mut bus, &mut delay, Settings::default())
                .with_chip_timing(Some(0x12));
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
        let mut chip = Tsl2561::new(&mut bus, &mut delay, start).with_chip_timing(Some(0x02));
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
        let mut chip = Tsl2561::new(&mut bus, &mut delay, start).with_chip_timing(Some(0x10));
        chip.read(true).expect("reads");
        assert_eq!(chip.settings().gain, Gain::X1);
        assert!(bus.log.contains(&WriteByteData(0x81, 0x00)));
    }

    #[test]
    fn autogain_in_range_converts_once() {
        let mut bus = MockBus::with_words(&[1200, 300]);
        let mut delay = RecordingDelay::default();
        let mut chip =
            Tsl2561::new(&mut bus, &mut delay, Settings::default()).with_chip_timing(Some(0x12));
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
