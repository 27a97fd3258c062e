//! The TSL2561 state machine: power control, TIMING writes, conversions, auto-gain.
//!
//! By default every sequence leaves the chip powered down, as the original driver did,
//! and a failure in the middle still tries to power the chip down before reporting the
//! first error. In [`PowerMode::Warm`] the chip stays powered between readings and keeps
//! converting, so a reading taken once a new conversion has completed costs only the
//! two channel reads.

use std::time::Instant;

use super::autorange::{self, Choice};
use super::identify;
use super::lux::{Measurement, Reading};
use super::registers::{
    CLEAR_BIT, COMMAND_BIT, CONTROL_POWEROFF, CONTROL_POWERON, REG_CHAN0_LOW, REG_CHAN1_LOW,
    REG_CONTROL, REG_ID, REG_INTERRUPT, REG_THRESHHIGH_LOW, REG_THRESHLOW_LOW, REG_TIMING,
    WORD_BIT,
};
use super::settings::{Gain, IntegrationTime, Package, Settings};
use crate::bus::SmbusDevice;
use crate::clock::Clock;
use crate::error::{Error, Result};

/// The package a TSL256x ID register value names (PARTNO, bits 7:4; docs/DEVICES.md,
/// "Registers"): 0101 TSL2561T/FN/CL, 0001 TSL2561CS, 0100 TSL2560T/FN/CL, 0000
/// TSL2560CS (the TSL2560 is the SMBus version, with the same registers and lux
/// coefficients). Anything else is not a chip this driver knows.
pub fn package_from_id(id: u8) -> Option<Package> {
    match id >> 4 {
        0b0101 | 0b0100 => Some(Package::TFnCl),
        0b0001 | 0b0000 => Some(Package::Cs),
        _ => None,
    }
}

/// Whether the chip is powered down between readings.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum PowerMode {
    /// Power on, convert, read, power off for every reading (the original behaviour):
    /// each reading waits one worst-case integration time.
    #[default]
    Cold,
    /// The chip stays powered and keeps converting: a reading waits only until a
    /// conversion has completed since the previous reading (often not at all), so
    /// readings can follow one another once per integration time.
    Warm,
}

/// Whether the chip is powered, as far as the driver knows.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Power {
    /// Powered down, or not known to be powered up: a power-on starts a fresh
    /// conversion.
    #[default]
    Down,
    /// Powered up and converting with the known TIMING.
    Converting {
        /// The moment by which a conversion not yet read has surely completed.
        ready_at: Instant,
    },
}

/// What is known of one chip beyond its settings. It belongs to the chip, not to a
/// handle: the C layer, whose structs are handles that come and go with each call,
/// keeps one per chip and passes it to every handle (see [`Tsl2561::with_state`]), so
/// that two handles never disagree about the chip. A Rust program keeps one
/// [`Tsl2561`] per chip and needs none of this.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChipState {
    /// The TIMING register as last written, when known.
    pub(crate) timing: Option<u8>,
    /// Whether the chip is powered and converting.
    pub(crate) power: Power,
}

/// A TSL2561 on some bus, with the settings the chip was last programmed with.
///
/// ```no_run
/// use lightseg::clock::SystemClock;
/// use lightseg::tsl2561::{Gain, IntegrationTime, PowerMode, Settings, Tsl2561};
///
/// # fn main() -> lightseg::Result<()> {
/// let device = lightseg::bus::open_device(1, 0x39)?; // /dev/i2c-1, address 0x39
/// let mut sensor = Tsl2561::new(device, SystemClock, Settings::default());
/// sensor.initialise(Settings::default())?; // checks the ID, programs 402 ms, 16x
/// sensor.set_integration_time(IntegrationTime::Ms101)?;
/// sensor.set_gain(Gain::X1)?;
/// let reading = sensor.read(true)?; // with auto-gain
/// println!("{} lux (saturated: {})", reading.lux, reading.saturated);
/// // Warm: the chip keeps converting; later readings wait for no conversion.
/// sensor.set_power_mode(PowerMode::Warm)?;
/// let reading = sensor.read(false)?;
/// # let _ = reading;
/// sensor.power_down()?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Tsl2561<B, C> {
    bus: B,
    clock: C,
    settings: Settings,
    power_mode: PowerMode,
    state: ChipState,
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

impl<B: SmbusDevice, C: Clock> Tsl2561<B, C> {
    /// Wraps a bus whose chip is believed to be programmed with `settings`, in
    /// [`PowerMode::Cold`]. Whether the chip really is so programmed is not known, so
    /// the first reading writes TIMING first ([`Tsl2561::initialise`] does it at once).
    /// Keep one driver per chip: it remembers what it wrote and whether the chip is
    /// converting.
    pub fn new(bus: B, clock: C, settings: Settings) -> Self {
        Self {
            bus,
            clock,
            settings,
            power_mode: PowerMode::Cold,
            state: ChipState::default(),
        }
    }

    /// Tells the driver what is known of the chip (from another handle on it). A reading
    /// whose settings differ from the chip's TIMING programs the chip first.
    pub(crate) fn with_state(mut self, state: ChipState) -> Self {
        self.state = state;
        self
    }

    /// Sets the power mode without bus traffic (the chip's state is the caller's to
    /// know, see [`Tsl2561::with_state`]); [`Tsl2561::set_power_mode`] also powers the
    /// chip up or down.
    pub(crate) fn with_power_mode(mut self, power_mode: PowerMode) -> Self {
        self.power_mode = power_mode;
        self
    }

    /// What is known of the chip now: hand it to the next handle on the same chip.
    pub(crate) fn state(&self) -> ChipState {
        self.state
    }

    /// The settings in effect (changed by successful TIMING writes, including auto-gain).
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// The power mode in effect.
    pub fn power_mode(&self) -> PowerMode {
        self.power_mode
    }

    /// Gives the bus back.
    pub fn release(self) -> B {
        self.bus
    }

    fn write_register(&mut self, register: u8, value: u8) -> Result<()> {
        self.bus.write_byte_data(COMMAND_BIT | register, value)
    }

    /// Powers the chip up, which starts a conversion with the TIMING in effect; returns
    /// the moment by which it has surely completed.
    fn power_on(&mut self) -> Result<Instant> {
        self.write_register(REG_CONTROL, CONTROL_POWERON)?;
        let ready_at = self.clock.now() + self.settings.integration_time.conversion_wait();
        self.state.power = Power::Converting { ready_at };
        Ok(ready_at)
    }

    fn power_off(&mut self) -> Result<()> {
        self.state.power = Power::Down;
        self.write_register(REG_CONTROL, CONTROL_POWEROFF)
    }

    fn write_timing(&mut self, integration_time: IntegrationTime, gain: Gain) -> Result<()> {
        let wanted = Settings {
            integration_time,
            gain,
            ..self.settings
        };
        self.state.timing = None;
        self.write_register(REG_TIMING, wanted.timing_register())?;
        self.settings = wanted;
        self.state.timing = Some(wanted.timing_register());
        Ok(())
    }

    /// Runs `steps` with the chip powered (powering it on unless it is known to be
    /// converting already), then powers it down unless `stay_powered` (and `steps`
    /// succeeded); the first error wins. After any failure the chip's state is unknown
    /// (it may still be powered, and then a power-on would not start a fresh
    /// conversion), so the next call reprograms it.
    fn powered<R>(
        &mut self,
        stay_powered: bool,
        steps: impl FnOnce(&mut Self) -> Result<R>,
    ) -> Result<R> {
        let on = match self.state.power {
            Power::Converting { .. } => Ok(()),
            Power::Down => self.power_on().map(drop),
        };
        let result = on.and_then(|()| {
            let result = steps(self);
            if stay_powered && result.is_ok() {
                return result;
            }
            let off = self.power_off();
            result.and_then(|value| off.map(|()| value))
        });
        if result.is_err() {
            self.state = ChipState::default();
        }
        result
    }

    /// Programs integration time and gain (power on, TIMING, power off). The settings
    /// are recorded as soon as the TIMING write succeeded. The chip is left powered down
    /// in either power mode: the next reading starts a fresh conversion.
    pub fn configure(&mut self, integration_time: IntegrationTime, gain: Gain) -> Result<()> {
        self.powered(false, |chip| chip.write_timing(integration_time, gain))
    }

    /// Brings a newly opened chip to a known state: make sure it is a TSL2561 without
    /// disturbing anything else (see [`super::identify`]), power on, check the ID
    /// register (and take the package from it), switch the interrupt off and clear it,
    /// program `settings`, power off. Fails with `WrongDevice` when the device is not a
    /// TSL2561.
    pub fn initialise(&mut self, settings: Settings) -> Result<()> {
        identify::probe(&mut self.bus)?;
        self.powered(false, |chip| {
            let id = chip.bus.read_byte_data(COMMAND_BIT | REG_ID)?;
            chip.settings.package =
                package_from_id(id).ok_or(Error::WrongDevice("TSL2561 (ID register)"))?;
            // Interrupt off and any pending one cleared, in one write (CLEAR bit set).
            chip.bus
                .write_byte_data(COMMAND_BIT | CLEAR_BIT | REG_INTERRUPT, 0)?;
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

    /// Switches the power mode. Warm powers the chip up at once (programming it first
    /// when its TIMING is not known to match), so the first conversion is under way;
    /// cold powers it down. Nothing is sent when the chip is already in that state.
    pub fn set_power_mode(&mut self, power_mode: PowerMode) -> Result<()> {
        match power_mode {
            PowerMode::Warm => {
                self.program_if_unknown()?;
                self.powered(true, |_| Ok(()))?;
            }
            PowerMode::Cold => {
                if matches!(self.state.power, Power::Converting { .. }) {
                    self.powered(false, |_| Ok(()))?;
                }
            }
        }
        self.power_mode = power_mode;
        Ok(())
    }

    /// Powers the chip down if it is known to be powered (closing a handle).
    pub fn power_down(&mut self) -> Result<()> {
        self.set_power_mode(PowerMode::Cold)
    }

    /// Programs the chip unless its TIMING is known to match the settings (another
    /// handle changed the gain, a failure left it unknown, or nobody knows).
    fn program_if_unknown(&mut self) -> Result<()> {
        if self.state.timing == Some(self.settings.timing_register()) {
            return Ok(());
        }
        let settings = self.settings;
        self.configure(settings.integration_time, settings.gain)
    }

    /// Waits until a conversion not yet read has surely completed, then reads channel 0
    /// (broadband). The next reading's wait is counted from just before this read.
    fn sample_broadband(&mut self) -> Result<u16> {
        let conversion_wait = self.settings.integration_time.conversion_wait();
        // Every caller powers the chip on first; were it down, it is powered on here
        // rather than a stale conversion read.
        let ready_at = match self.state.power {
            Power::Converting { ready_at } => ready_at,
            Power::Down => self.power_on()?,
        };
        self.clock.sleep_until(ready_at);
        let now = self.clock.now().max(ready_at);
        self.state.power = Power::Converting {
            ready_at: now + conversion_wait,
        };
        self.bus
            .read_word_data(COMMAND_BIT | WORD_BIT | REG_CHAN0_LOW)
    }

    /// Waits for a conversion not yet read and reads both channels.
    fn sample_both(&mut self) -> Result<Measurement> {
        let broadband = self.sample_broadband()?;
        let infrared = self.read_infrared()?;
        Ok(Measurement::from_counts(broadband, infrared, self.settings))
    }

    /// Reads channel 1 (infrared) of the conversion just sampled.
    fn read_infrared(&mut self) -> Result<u16> {
        self.bus
            .read_word_data(COMMAND_BIT | WORD_BIT | REG_CHAN1_LOW)
    }

    /// One reading: (when the chip's TIMING is not known to match the settings, program
    /// it first), power on unless the chip is converting already, wait until a
    /// conversion not yet read has completed (sized for the slowest oscillator), read
    /// both channels, power off unless warm. With `autogain`, a first reading below the
    /// low threshold at 1x or above the high threshold at 16x switches the gain (which
    /// stays switched) and converts once more; never more than two conversions.
    pub fn read(&mut self, autogain: bool) -> Result<Reading> {
        self.program_if_unknown()?;
        let stay_powered = self.power_mode == PowerMode::Warm;
        self.powered(stay_powered, |chip| {
            let mut broadband = chip.sample_broadband()?;
            if autogain {
                if let Some(gain) = autogain_switch(broadband, chip.settings) {
                    // The first conversion's infrared count is not needed.
                    chip.write_timing(chip.settings.integration_time, gain)?;
                    // A TIMING change only applies from the next integration cycle;
                    // a power cycle starts a fresh conversion with the new gain.
                    chip.power_off()?;
                    chip.power_on()?;
                    broadband = chip.sample_broadband()?;
                }
            }
            let infrared = chip.read_infrared()?;
            Ok(Reading::from_counts(broadband, infrared, chip.settings))
        })
    }
}

/// The chip's interrupt (docs/DEVICES.md, "Interrupt"): a level interrupt on the INT pin
/// (active low, held until cleared) when channel 0 is out of the window, that is at or
/// below `low` or above `high` (raw counts at the gain and integration time in effect),
/// for `persist` conversions in a row; `persist` 0 interrupts after every conversion (an
/// end-of-conversion signal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupt {
    /// Low threshold, channel-0 counts.
    pub low: u16,
    /// High threshold, channel-0 counts.
    pub high: u16,
    /// Conversions out of the window before the interrupt, 0 to 15.
    pub persist: u8,
}

impl Interrupt {
    /// `InvalidArgument` for what the chip cannot be asked: `persist` above 15, or a
    /// window turned inside out (`low` above `high` with `persist` 1 to 15, which no
    /// reading is inside; `persist` 0 asks for every conversion plainly).
    pub fn check(&self) -> Result<()> {
        if self.persist > PERSIST_MAX {
            return Err(Error::InvalidArgument("interrupt persistence (0 to 15)"));
        }
        if self.persist > 0 && self.low > self.high {
            return Err(Error::InvalidArgument(
                "interrupt window (low threshold above high)",
            ));
        }
        Ok(())
    }
}

/// INTERRUPT register: INTR field (bits 5:4) 01, a level interrupt.
const INTERRUPT_LEVEL: u8 = 0x10;
/// Highest PERSIST value (bits 3:0).
const PERSIST_MAX: u8 = 0x0F;

/// A full-range reading and how many conversions it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FullRange {
    /// The reading, with the setting it was taken with.
    pub measurement: Measurement,
    /// 1 when the probe was the reading, else 2.
    pub conversions: u8,
}

impl<B: SmbusDevice, C: Clock> Tsl2561<B, C> {
    /// A reading from any light level, in at most two conversions (see
    /// [`super::autorange`]): a probe conversion at 13.7 ms and 1x, then, unless the probe
    /// is the best there is, one conversion at the setting that resolves the light best
    /// without clipping. Should that one clip after all (the light rose), the probe's
    /// reading is returned. Fails with `TooBright` when even the probe clips. The chip is
    /// left programmed with the setting the reading ended on (see
    /// [`Tsl2561::settings`]), powered down unless warm.
    pub fn read_full_range(&mut self) -> Result<FullRange> {
        let stay_powered = self.power_mode == PowerMode::Warm;
        let probe = autorange::probe_settings(self.settings);
        // A power-on starts a fresh conversion with the TIMING in effect: powered down,
        // TIMING at the probe setting, then power on. After a failure (TIMING unknown)
        // the chip may still be powered although the state says down: power it off too.
        let maybe_powered = matches!(self.state.power, Power::Converting { .. });
        if maybe_powered || self.state.timing.is_none() {
            if let Err(error) = self.power_off() {
                self.state = ChipState::default();
                return Err(error);
            }
        }
        let programmed = self.write_timing(probe.integration_time, probe.gain);
        if let Err(error) = programmed {
            self.state = ChipState::default();
            return Err(error);
        }
        self.powered(stay_powered, |chip| {
            let first = chip.sample_both()?;
            match autorange::choose(first.broadband, first.infrared) {
                Choice::Saturated => Err(Error::TooBright),
                Choice::KeepProbe => Ok(FullRange {
                    measurement: first,
                    conversions: 1,
                }),
                Choice::Convert(time, gain) => {
                    chip.write_timing(time, gain)?;
                    chip.power_off()?;
                    chip.power_on()?;
                    let second = chip.sample_both()?;
                    let measurement = if second.saturated { first } else { second };
                    Ok(FullRange {
                        measurement,
                        conversions: 2,
                    })
                }
            }
        })
    }

    /// Programs the interrupt (`Some`) or switches it off (`None`). The chip must stay
    /// powered for its conversions to raise the interrupt, so `Some` switches to warm
    /// mode; `None` leaves the power mode as it is. `persist` above 15, and a window
    /// turned inside out (`low` above `high` with `persist` 1 to 15: every conversion
    /// would be out of it, which is what `persist` 0 asks for plainly), are refused with
    /// `InvalidArgument` before anything is sent. Thresholds are written as words, never
    /// as bytes (a data byte with bit 7 set would be taken for a command).
    pub fn set_interrupt(&mut self, interrupt: Option<Interrupt>) -> Result<()> {
        let Some(interrupt) = interrupt else {
            return self.write_register(REG_INTERRUPT, 0);
        };
        interrupt.check()?;
        let Interrupt { low, high, persist } = interrupt;
        self.bus
            .write_word_data(COMMAND_BIT | WORD_BIT | REG_THRESHLOW_LOW, low)?;
        self.bus
            .write_word_data(COMMAND_BIT | WORD_BIT | REG_THRESHHIGH_LOW, high)?;
        self.write_register(REG_INTERRUPT, INTERRUPT_LEVEL | persist)?;
        self.set_power_mode(PowerMode::Warm)
    }

    /// Clears a pending interrupt (the INT pin goes high again): a command byte with the
    /// CLEAR bit, 0xC0.
    pub fn clear_interrupt(&mut self) -> Result<()> {
        self.bus.write_byte(COMMAND_BIT | CLEAR_BIT)
    }

    /// Starts a conversion unless one is under way (warm, or started before), without
    /// waiting; returns the moment by which it has surely completed (slowest oscillator).
    pub fn start(&mut self) -> Result<Instant> {
        self.program_if_unknown()?;
        if let Power::Converting { ready_at } = self.state.power {
            return Ok(ready_at);
        }
        self.power_on()
            .inspect_err(|_| self.state = ChipState::default())
    }

    /// Collects the conversion [`Tsl2561::start`] began, without waiting: `NotReady` with
    /// the time left, and no bus traffic, before it has surely completed; the reading
    /// once it has (then powered down unless warm). With no conversion under way, or
    /// one with other settings than this handle's (another handle changed them), it
    /// starts one and answers `NotReady`.
    pub fn collect(&mut self) -> Result<Measurement> {
        // `start` leaves a conversion under way with this handle's TIMING alone, and
        // starts one otherwise (none under way, or another handle changed the TIMING).
        let ready_at = self.start()?;
        let now = self.clock.now();
        if now < ready_at {
            return Err(Error::NotReady {
                remaining: ready_at - now,
            });
        }
        let stay_powered = self.power_mode == PowerMode::Warm;
        self.powered(stay_powered, Self::sample_both)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock_bus::{MockBus, MockClock, Transfer::*};
    use crate::tsl2561::Package;
    use std::time::Duration;

    // Restated from the datasheet: command 0x80 | register; CONTROL 0, TIMING 1;
    // word reads 0xAC (CH0) and 0xAE (CH1).
    const POWER_ON: crate::mock_bus::Transfer = WriteByteData(0x80, 0x03);
    const POWER_OFF: crate::mock_bus::Transfer = WriteByteData(0x80, 0x00);

    fn timing_state(timing: Option<u8>) -> ChipState {
        self::timing(timing)
    }

    fn timing(timing: Option<u8>) -> ChipState {
        ChipState {
            timing,
            power: Power::Down,
        }
    }

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
        let mut clock = MockClock::default();
        let mut chip =
            Tsl2561::new(&mut bus, &mut clock, Settings::default()).with_state(timing(Some(0x12)));
        let reading = chip.read(false).expect("reads");
        assert_eq!(
            (reading.broadband, reading.infrared, reading.lux),
            (1200, 300, 26)
        );
        assert_eq!(
            bus.log,
            vec![POWER_ON, ReadWordData(0xAC), ReadWordData(0xAE), POWER_OFF]
        );
        assert_eq!(clock.sleeps.len(), 1);
        assert!(clock.sleeps[0] >= Duration::from_nanos(428_400_000));
        assert!(clock.sleeps[0] <= Duration::from_micros(428_400 + 100));
    }

    /// What a TSL2561 answers to the identification probe (its threshold registers
    /// keep what was written), and the transfers of the probe: word writes 0xA2 and 0xA4,
    /// one word read 0xA2, eight word reads 0xA4, both thresholds back to 0.
    fn probe_answers() -> Vec<u16> {
        let mut words = vec![0xA6A2];
        words.extend([0xACA8; 8]);
        words
    }

    fn probe_transfers() -> Vec<crate::mock_bus::Transfer> {
        let mut transfers = vec![WriteWordData(0xA2, 0xA6A2), WriteWordData(0xA4, 0xACA8)];
        transfers.push(ReadWordData(0xA2));
        transfers.extend(vec![ReadWordData(0xA4); 8]);
        transfers.extend([WriteWordData(0xA2, 0), WriteWordData(0xA4, 0)]);
        transfers
    }

    #[test]
    fn initialise_checks_the_id_and_takes_the_package() {
        for (id, package) in [
            (0x50, Package::TFnCl),
            (0x11, Package::Cs),
            (0x40, Package::TFnCl),
            (0x02, Package::Cs),
        ] {
            let mut bus = MockBus {
                byte: id,
                ..MockBus::with_words(&probe_answers())
            };
            let mut clock = MockClock::default();
            let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
            chip.initialise(Settings::default()).expect("a TSL256x");
            assert_eq!(chip.settings().package, package);
            let mut expected = probe_transfers();
            expected.extend([
                POWER_ON,
                ReadByteData(0x8A),
                WriteByteData(0xC6, 0x00),
                WriteByteData(0x81, 0x12),
                POWER_OFF,
            ]);
            assert_eq!(bus.log, expected);
        }
        for id in [0x21, 0x30, 0x60, 0xFF] {
            let mut bus = MockBus {
                byte: id,
                ..MockBus::with_words(&probe_answers())
            };
            let mut clock = MockClock::default();
            let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
            let error = chip
                .initialise(Settings::default())
                .expect_err("not a TSL2561");
            assert_eq!(error.errno(), libc::ENODEV);
            let mut expected = probe_transfers();
            expected.extend([POWER_ON, ReadByteData(0x8A), POWER_OFF]);
            assert_eq!(bus.log, expected);
        }
    }

    #[test]
    fn a_device_that_fails_the_probe_is_never_sent_a_command_that_could_harm_a_display() {
        // Word reads answer 0 (display RAM, say): the probe fails at its first read, so
        // neither the ID read (0x8A, an HT16K33 display-setup command) nor a power-on
        // is ever sent.
        let mut bus = MockBus {
            byte: 0x50,
            ..MockBus::default()
        };
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
        let error = chip
            .initialise(Settings::default())
            .expect_err("no TSL2561");
        assert_eq!(error.errno(), libc::ENODEV);
        assert_eq!(bus.log, probe_transfers()[..3].to_vec());
    }

    #[test]
    fn a_chip_programmed_otherwise_is_reprogrammed_before_reading() {
        for known in [None, Some(0x02)] {
            let mut bus = MockBus::with_words(&[1200, 300]);
            let mut clock = MockClock::default();
            let mut chip =
                Tsl2561::new(&mut bus, &mut clock, Settings::default()).with_state(timing(known));
            chip.read(false).expect("reads");
            assert_eq!(chip.state().timing, Some(0x12));
            let mut expected = vec![POWER_ON, WriteByteData(0x81, 0x12), POWER_OFF];
            expected.extend([POWER_ON, ReadWordData(0xAC), ReadWordData(0xAE), POWER_OFF]);
            assert_eq!(bus.log, expected, "chip timing {known:?}");
        }
    }

    #[test]
    fn configure_powers_on_writes_timing_and_powers_off() {
        let mut bus = MockBus::default();
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
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
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
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
            let mut clock = MockClock::default();
            let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default())
                .with_state(timing(Some(0x12)));
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
        let mut bus = MockBus::with_words(&[20, 320, 80]);
        let mut clock = MockClock::default();
        let start = settings(IntegrationTime::Ms402, Gain::X1);
        let mut chip = Tsl2561::new(&mut bus, &mut clock, start).with_state(timing(Some(0x02)));
        let reading = chip.read(true).expect("reads");
        assert_eq!((reading.broadband, reading.infrared), (320, 80));
        assert_eq!(chip.settings().gain, Gain::X16);
        assert_eq!(
            bus.log,
            vec![
                POWER_ON,
                ReadWordData(0xAC),
                WriteByteData(0x81, 0x12),
                POWER_OFF,
                POWER_ON,
                ReadWordData(0xAC),
                ReadWordData(0xAE),
                POWER_OFF
            ]
        );
        assert_eq!(clock.sleeps.len(), 2, "exactly two conversions");

        // Bright at 16x (above 4850 at 13 ms): switch to 1x.
        let mut bus = MockBus::with_words(&[4851, 303, 1]);
        let mut clock = MockClock::default();
        let start = settings(IntegrationTime::Ms13, Gain::X16);
        let mut chip = Tsl2561::new(&mut bus, &mut clock, start).with_state(timing(Some(0x10)));
        chip.read(true).expect("reads");
        assert_eq!(chip.settings().gain, Gain::X1);
        assert!(bus.log.contains(&WriteByteData(0x81, 0x00)));
    }

    #[test]
    fn autogain_in_range_converts_once() {
        let mut bus = MockBus::with_words(&[1200, 300]);
        let mut clock = MockClock::default();
        let mut chip =
            Tsl2561::new(&mut bus, &mut clock, Settings::default()).with_state(timing(Some(0x12)));
        chip.read(true).expect("reads");
        assert_eq!(clock.sleeps.len(), 1);
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

    const READ_CH0: crate::mock_bus::Transfer = ReadWordData(0xAC);
    const READ_CH1: crate::mock_bus::Transfer = ReadWordData(0xAE);

    #[test]
    fn warm_mode_reads_without_waiting_once_a_conversion_has_completed() {
        let mut bus = MockBus::with_words(&[1200, 300, 1201, 301, 1202, 302]);
        let mut clock = MockClock::default();
        let wait = IntegrationTime::Ms402.conversion_wait();
        let mut chip =
            Tsl2561::new(&mut bus, &mut clock, Settings::default()).with_state(timing(Some(0x12)));
        chip.set_power_mode(PowerMode::Warm).expect("powers up");
        assert!(matches!(chip.state().power, Power::Converting { .. }));
        chip.set_power_mode(PowerMode::Warm)
            .expect("nothing to do when already warm");

        // First reading: waits for the conversion begun at power-up.
        assert_eq!(chip.read(false).expect("reads").broadband, 1200);
        // Much later: a conversion has long completed, so no wait at all.
        chip.clock.advance(wait * 3);
        assert_eq!(chip.read(false).expect("reads").broadband, 1201);
        // At once again: waits one whole worst-case conversion.
        assert_eq!(chip.read(false).expect("reads").broadband, 1202);
        chip.set_power_mode(PowerMode::Cold).expect("powers down");
        assert_eq!(chip.state().power, Power::Down);
        assert_eq!(clock.sleeps, vec![wait, wait]);
        assert_eq!(
            bus.log,
            vec![POWER_ON, READ_CH0, READ_CH1, READ_CH0, READ_CH1, READ_CH0, READ_CH1, POWER_OFF]
        );
    }

    #[test]
    fn warm_mode_reprograms_a_chip_of_unknown_timing_before_powering_up() {
        let mut bus = MockBus::default();
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
        chip.set_power_mode(PowerMode::Warm).expect("powers up");
        assert_eq!(chip.power_mode(), PowerMode::Warm);
        assert_eq!(
            bus.log,
            vec![POWER_ON, WriteByteData(0x81, 0x12), POWER_OFF, POWER_ON]
        );
    }

    #[test]
    fn a_failure_in_warm_mode_powers_down_and_forgets_the_chip() {
        // Transfers: 1 power-on, 2 CH0 read (fails), 3 power-off.
        let mut bus = MockBus {
            fail_on: Some((2, libc::EIO)),
            ..MockBus::with_words(&[1200, 300])
        };
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default())
            .with_state(timing(Some(0x12)))
            .with_power_mode(PowerMode::Warm);
        let error = chip.read(false).expect_err("the read fails");
        assert_eq!(error.errno(), libc::EIO);
        assert_eq!(chip.state(), ChipState::default());
        assert_eq!(bus.log, vec![POWER_ON, READ_CH0, POWER_OFF]);
    }

    #[test]
    fn a_cold_read_uses_the_conversion_a_warm_handle_left_running() {
        let mut bus = MockBus::with_words(&[1200, 300]);
        let mut clock = MockClock::default();
        let state = ChipState {
            timing: Some(0x12),
            power: Power::Converting {
                ready_at: clock.now(),
            },
        };
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default()).with_state(state);
        chip.read(false).expect("reads");
        assert_eq!(chip.state().power, Power::Down, "cold: powered down after");
        assert!(clock.sleeps.is_empty(), "the conversion had completed");
        assert_eq!(bus.log, vec![READ_CH0, READ_CH1, POWER_OFF]);
    }

    #[test]
    fn changing_settings_in_warm_mode_restarts_the_conversion() {
        let mut bus = MockBus::with_words(&[100, 30]);
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default())
            .with_state(timing(Some(0x12)))
            .with_power_mode(PowerMode::Warm);
        chip.set_power_mode(PowerMode::Warm).expect("powers up");
        chip.clock.advance(Duration::from_secs(1));
        chip.set_gain(Gain::X1).expect("set gain");
        chip.read(false).expect("reads");
        // The reading waits for a whole conversion at the new gain.
        assert_eq!(clock.sleeps, vec![IntegrationTime::Ms402.conversion_wait()]);
        assert_eq!(
            bus.log,
            vec![
                POWER_ON,
                WriteByteData(0x81, 0x02),
                POWER_OFF,
                POWER_ON,
                READ_CH0,
                READ_CH1
            ]
        );
    }

    // Full range: TIMING 0x00 is 13.7 ms 1x (the probe), 0x12 402 ms 16x, 0x11 101 ms 16x,
    // 0x02 402 ms 1x, 0x01 101 ms 1x (restated from the datasheet's TIMING layout).
    #[test]
    fn full_range_probes_then_converts_once_at_the_best_setting() {
        // Probe counts and the setting they call for (3/4 of full scale predicted).
        for (probe, timing) in [
            (0u16, 0x12u8),
            (104, 0x12),
            (105, 0x11),
            (236, 0x11),
            (237, 0x02),
            (1679, 0x02),
            (1680, 0x01),
            (3786, 0x01),
        ] {
            let mut bus = MockBus::with_words(&[probe, probe / 4, 20000, 5000]);
            let mut clock = MockClock::default();
            let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default())
                .with_state(timing_state(Some(0x12)));
            let full = chip.read_full_range().expect("reads");
            assert_eq!(full.conversions, 2, "probe {probe}");
            assert_eq!(full.measurement.broadband, 20000);
            assert_eq!(chip.settings().timing_register(), timing, "probe {probe}");
            assert_eq!(full.measurement.settings.timing_register(), timing);
            assert_eq!(
                bus.log,
                vec![
                    WriteByteData(0x81, 0x00),
                    POWER_ON,
                    READ_CH0,
                    READ_CH1,
                    WriteByteData(0x81, timing),
                    POWER_OFF,
                    POWER_ON,
                    READ_CH0,
                    READ_CH1,
                    POWER_OFF
                ],
                "probe {probe}"
            );
            // Two waits: the probe's worst case, then the chosen setting's.
            let second = Settings::default();
            let chosen = Settings {
                integration_time: full.measurement.settings.integration_time,
                ..second
            };
            assert_eq!(
                clock.sleeps,
                vec![
                    IntegrationTime::Ms13.conversion_wait(),
                    chosen.integration_time.conversion_wait()
                ]
            );
        }
    }

    #[test]
    fn full_range_powers_down_a_chip_of_unknown_state_before_the_probe() {
        // After a failure nothing is known: the chip may still be converting, and a
        // power-on would then not start the probe's conversion.
        let mut bus = MockBus::with_words(&[4000, 1000]);
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default())
            .with_state(ChipState::default());
        chip.read_full_range().expect("reads");
        assert_eq!(
            bus.log[..3],
            [POWER_OFF, WriteByteData(0x81, 0x00), POWER_ON]
        );
    }

    #[test]
    fn full_range_keeps_the_probe_in_bright_light_and_refuses_what_clips_it() {
        // 3787 to 4900 at 13.7 ms 1x: the probe is the best reading.
        let mut bus = MockBus::with_words(&[4000, 1000]);
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
        let full = chip.read_full_range().expect("reads");
        assert_eq!(full.conversions, 1);
        assert_eq!(chip.settings().timing_register(), 0x00);
        assert!(full.measurement.lux > 10_000.0, "{}", full.measurement.lux);
        assert_eq!(bus.log.last(), Some(&POWER_OFF));
        // Above the clipping threshold (4900) even at 13.7 ms 1x.
        let mut bus = MockBus::with_words(&[4901, 100]);
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
        let error = chip.read_full_range().expect_err("too bright");
        assert_eq!(error.errno(), libc::ERANGE);
        assert_eq!(bus.log.last(), Some(&POWER_OFF));
    }

    #[test]
    fn full_range_falls_back_to_the_probe_when_the_second_conversion_clips() {
        // The probe says 402 ms 16x, but the light rose: 65001 clips there.
        let mut bus = MockBus::with_words(&[50, 10, 65001, 100]);
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
        let full = chip.read_full_range().expect("reads");
        assert_eq!(full.conversions, 2);
        assert_eq!(
            (full.measurement.broadband, full.measurement.infrared),
            (50, 10)
        );
        assert_eq!(full.measurement.settings.timing_register(), 0x00);
        assert!(!full.measurement.saturated);
    }

    #[test]
    fn collect_before_the_conversion_ends_is_not_ready_without_bus_traffic() {
        let mut bus = MockBus::with_words(&[1200, 300]);
        let mut clock = MockClock::default();
        let wait = IntegrationTime::Ms402.conversion_wait();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default())
            .with_state(timing_state(Some(0x12)));
        let ready_at = chip.start().expect("starts");
        assert_eq!(ready_at, chip.clock.now() + wait);
        assert_eq!(chip.start().expect("already under way"), ready_at);
        chip.clock.advance(wait / 2);
        match chip.collect() {
            Err(Error::NotReady { remaining }) => assert_eq!(remaining, wait - wait / 2),
            other => panic!("{other:?}"),
        }
        chip.clock.advance(wait - wait / 2);
        let measurement = chip.collect().expect("ready");
        assert_eq!((measurement.broadband, measurement.infrared), (1200, 300));
        assert!((measurement.lux - 422_100.0 / 16_384.0).abs() < 1e-9);
        assert!(clock.sleeps.is_empty(), "never sleeps");
        assert_eq!(bus.log, vec![POWER_ON, READ_CH0, READ_CH1, POWER_OFF]);
    }

    #[test]
    fn collect_never_reads_a_conversion_made_with_other_settings() {
        let mut bus = MockBus::with_words(&[1200, 300]);
        let mut clock = MockClock::default();
        // The chip converts at 402 ms 1x (another handle's gain); this handle is 16x.
        let state = ChipState {
            timing: Some(0x02),
            power: Power::Converting {
                ready_at: clock.now(),
            },
        };
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default()).with_state(state);
        assert!(matches!(chip.collect(), Err(Error::NotReady { .. })));
        assert_eq!(chip.state().timing, Some(0x12));
        // Already powered: TIMING, then a power cycle starts a conversion with it.
        assert_eq!(
            bus.log,
            vec![WriteByteData(0x81, 0x12), POWER_OFF, POWER_ON]
        );
    }

    #[test]
    fn collect_with_nothing_started_starts_a_conversion() {
        let mut bus = MockBus::with_words(&[1200, 300]);
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default())
            .with_state(timing_state(Some(0x12)));
        match chip.collect() {
            Err(Error::NotReady { remaining }) => {
                assert_eq!(remaining, IntegrationTime::Ms402.conversion_wait())
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(bus.log, vec![POWER_ON]);
    }

    #[test]
    fn the_interrupt_is_programmed_with_word_writes_and_keeps_the_chip_powered() {
        let mut bus = MockBus::default();
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default())
            .with_state(timing_state(Some(0x12)));
        let window = Interrupt {
            low: 100,
            high: 0x9000,
            persist: 3,
        };
        chip.set_interrupt(Some(window)).expect("programs");
        assert_eq!(chip.power_mode(), PowerMode::Warm);
        chip.clear_interrupt().expect("clears");
        chip.set_interrupt(None).expect("off");
        // THRESHLOW 0xA2, THRESHHIGH 0xA4 as words; INTERRUPT 0x86 = level (0x10) | 3;
        // powered up; CLEAR 0xC0; INTERRUPT off.
        assert_eq!(
            bus.log,
            vec![
                WriteWordData(0xA2, 100),
                WriteWordData(0xA4, 0x9000),
                WriteByteData(0x86, 0x13),
                POWER_ON,
                WriteByte(0xC0),
                WriteByteData(0x86, 0x00)
            ]
        );
        let mut bus = MockBus::default();
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
        let longest = Interrupt {
            persist: 15,
            ..window
        };
        chip.set_interrupt(Some(longest))
            .expect("15 is the longest");
        let mut bus = MockBus::default();
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
        let too_long = Interrupt {
            persist: 16,
            ..window
        };
        assert_eq!(
            chip.set_interrupt(Some(too_long)).map_err(|e| e.errno()),
            Err(libc::EINVAL)
        );
        assert!(bus.log.is_empty());
    }

    #[test]
    fn an_inside_out_window_is_refused_but_a_narrow_one_and_every_conversion_are_not() {
        let inside_out = Interrupt {
            low: 1000,
            high: 10,
            persist: 3,
        };
        let mut bus = MockBus::default();
        let mut clock = MockClock::default();
        let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
        assert_eq!(
            chip.set_interrupt(Some(inside_out)).map_err(|e| e.errno()),
            Err(libc::EINVAL)
        );
        assert!(bus.log.is_empty(), "nothing sent");
        // One count wide: a window still; persist 0 ignores the thresholds.
        for accepted in [
            Interrupt {
                low: 500,
                high: 500,
                persist: 1,
            },
            Interrupt {
                persist: 0,
                ..inside_out
            },
        ] {
            let mut bus = MockBus::default();
            let mut clock = MockClock::default();
            let mut chip = Tsl2561::new(&mut bus, &mut clock, Settings::default());
            chip.set_interrupt(Some(accepted)).expect("accepted");
            assert_eq!(bus.log[0], WriteWordData(0xA2, accepted.low));
        }
    }
}
