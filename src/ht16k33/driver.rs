//! The HT16K33 backpack state machine: when each command is written, what is recorded,
//! and the 16-byte display RAM image built from the five display positions.

use super::commands::{
    BLINK_FAST, BLINK_NORMAL, BLINK_OFF, BLINK_SLOW, BRIGHTNESS_MAX, DIMMING_BASE, DISPLAY_ON,
    DISPLAY_SETUP_BASE, POSITIONS, RAM_SIZE, RAM_START, SLEEP_OP, WAKEUP_OP,
};
use super::glyphs::{glyph, DECIMAL_POINT};
use crate::bus::CommandBus;
use crate::error::{Error, Result};

/// Blink rate of the whole display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Blink {
    /// Steady.
    #[default]
    Off,
    /// 2 Hz.
    Hz2,
    /// 1 Hz.
    Hz1,
    /// 0.5 Hz.
    HalfHz,
}

impl Blink {
    /// The display-setup bits (2:1) of this rate.
    pub const fn bits(self) -> u8 {
        match self {
            Self::Off => BLINK_OFF,
            Self::Hz2 => BLINK_FAST,
            Self::Hz1 => BLINK_NORMAL,
            Self::HalfHz => BLINK_SLOW,
        }
    }

    /// Decodes the C enum value; `None` for anything else.
    pub const fn from_bits(value: i32) -> Option<Self> {
        const OFF: i32 = BLINK_OFF as i32;
        const HZ2: i32 = BLINK_FAST as i32;
        const HZ1: i32 = BLINK_NORMAL as i32;
        const HALF_HZ: i32 = BLINK_SLOW as i32;
        match value {
            OFF => Some(Self::Off),
            HZ2 => Some(Self::Hz2),
            HZ1 => Some(Self::Hz1),
            HALF_HZ => Some(Self::HalfHz),
            _ => None,
        }
    }
}

impl TryFrom<i32> for Blink {
    type Error = Error;

    fn try_from(value: i32) -> Result<Self> {
        Self::from_bits(value).ok_or(Error::InvalidArgument("blink rate"))
    }
}

/// The display switched on or off (display-setup bit 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Display {
    /// Off: the LEDs are dark, the RAM keeps its content.
    #[default]
    Off,
    /// On.
    On,
}

impl Display {
    /// The display-setup bit of this state.
    pub const fn bits(self) -> u8 {
        match self {
            Self::Off => 0,
            Self::On => DISPLAY_ON,
        }
    }

    /// Decodes the C enum value (0 off, 1 on); `None` for anything else.
    pub const fn from_bits(value: i32) -> Option<Self> {
        match value {
            0 => Some(Self::Off),
            1 => Some(Self::On),
            _ => None,
        }
    }

    /// Whether this is [`Display::On`].
    pub const fn is_on(self) -> bool {
        matches!(self, Self::On)
    }
}

impl From<bool> for Display {
    fn from(on: bool) -> Self {
        if on {
            Self::On
        } else {
            Self::Off
        }
    }
}

impl TryFrom<i32> for Display {
    type Error = Error;

    fn try_from(value: i32) -> Result<Self> {
        Self::from_bits(value).ok_or(Error::InvalidArgument("display state"))
    }
}

/// What the driver remembers about the display between calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisplayState {
    /// The driver's "on" flag: set by `wake` (oscillator on) and by `set_display(true)`.
    pub on: bool,
    /// Blink rate last written.
    pub blink: Blink,
    /// Dimming level last written (0 to 15).
    pub brightness: u8,
    /// Segment patterns of positions 0, 1, colon, 3, 4.
    pub positions: [u8; POSITIONS],
}

impl Default for DisplayState {
    /// The state `HT16K33_INIT` sets up: off, steady, full brightness, blank.
    fn default() -> Self {
        Self {
            on: false,
            blink: Blink::Off,
            brightness: BRIGHTNESS_MAX,
            positions: [0; POSITIONS],
        }
    }
}

impl DisplayState {
    /// Sets `position` (0 to 4) to the glyph of `value` (0 to 128), with the decimal point.
    pub fn set_position(&mut self, position: usize, value: u8, decimal_point: bool) -> Result<()> {
        let slot = self
            .positions
            .get_mut(position)
            .ok_or(Error::InvalidArgument("digit position"))?;
        let pattern = glyph(value).ok_or(Error::InvalidArgument("glyph value"))?;
        *slot = if decimal_point {
            pattern | DECIMAL_POINT
        } else {
            pattern
        };
        Ok(())
    }

    /// Blanks `position` (0 to 4).
    pub fn clear_position(&mut self, position: usize) -> Result<()> {
        let slot = self
            .positions
            .get_mut(position)
            .ok_or(Error::InvalidArgument("digit position"))?;
        *slot = 0;
        Ok(())
    }

    /// The display RAM image: position n at byte 2n, every odd byte and bytes 10-15 zero.
    pub fn ram_image(&self) -> [u8; RAM_SIZE] {
        super::text::ram_from_positions(&self.positions)
    }

    fn display_setup(&self, blink: Blink, on: bool) -> u8 {
        DISPLAY_SETUP_BASE | blink.bits() | Display::from(on).bits()
    }
}

/// An HT16K33 backpack on some bus, with its remembered state.
///
/// ```no_run
/// use lightseg::ht16k33::{text::layout, Blink, DisplayState, Ht16k33};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let device = lightseg::bus::open_device(1, 0x70)?;
/// let mut display = Ht16k33::new(device, DisplayState::default());
/// display.wake()?; // oscillator on
/// display.set_blink(Blink::Hz1)?; // display on, blinking once a second
/// display.set_brightness(8)?;
/// display.set_positions(layout("12:34")?);
/// display.commit()?; // one I2C transfer
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Ht16k33<B> {
    bus: B,
    state: DisplayState,
}

impl<B: CommandBus> Ht16k33<B> {
    /// Wraps a bus whose chip is believed to be in `state`.
    pub fn new(bus: B, state: DisplayState) -> Self {
        Self { bus, state }
    }

    /// The state after the calls so far (changed only by writes that succeeded).
    pub fn state(&self) -> DisplayState {
        self.state
    }

    /// Gives the bus back.
    pub fn release(self) -> B {
        self.bus
    }

    /// Starts the oscillator (0x21) unless the driver already thinks the display is on.
    pub fn wake(&mut self) -> Result<()> {
        if !self.state.on {
            self.bus.send_command(WAKEUP_OP)?;
            self.state.on = true;
        }
        Ok(())
    }

    /// Stops the oscillator (0x20) if the driver thinks the display is on.
    pub fn sleep(&mut self) -> Result<()> {
        if self.state.on {
            self.bus.send_command(SLEEP_OP)?;
            self.state.on = false;
        }
        Ok(())
    }

    /// Sets the blink rate; written only while on, recorded either way.
    pub fn set_blink(&mut self, blink: Blink) -> Result<()> {
        if self.state.on {
            let command = self.state.display_setup(blink, true);
            self.bus.send_command(command)?;
        }
        self.state.blink = blink;
        Ok(())
    }

    /// Switches the display on or off; written only while on, recorded either way.
    pub fn set_display(&mut self, on: bool) -> Result<()> {
        if self.state.on {
            let command = self.state.display_setup(self.state.blink, on);
            self.bus.send_command(command)?;
        }
        self.state.on = on;
        Ok(())
    }

    /// Sets the dimming level, clamped to 15; written only while on, recorded either way.
    pub fn set_brightness(&mut self, level: u8) -> Result<()> {
        let level = level.min(BRIGHTNESS_MAX);
        if self.state.on {
            self.bus.send_command(DIMMING_BASE | level)?;
        }
        self.state.brightness = level;
        Ok(())
    }

    /// Sets the segment patterns of positions 0, 1, colon, 3 and 4 (for example from
    /// [`super::text::layout`]); no bus traffic until [`Ht16k33::commit`].
    pub fn set_positions(&mut self, patterns: [u8; POSITIONS]) {
        self.state.positions = patterns;
    }

    /// Sends the whole display RAM image in one I2C block write at address 0.
    pub fn commit(&mut self) -> Result<()> {
        let ram = self.state.ram_image();
        self.bus.write_block(RAM_START, &ram)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock_bus::{MockBus, Transfer::*};

    #[test]
    fn original_sequence_sends_the_original_commands() {
        let mut bus = MockBus::default();
        let mut display = Ht16k33::new(&mut bus, DisplayState::default());
        display.wake().expect("on");
        display.set_brightness(0x0F).expect("brightness");
        display.set_blink(Blink::Off).expect("blink");
        display.set_display(true).expect("display");
        display.wake().expect("second on sends nothing");
        let mut state = display.state();
        state.set_position(0, b'H', false).expect("digit");
        state.set_position(1, b'E', true).expect("digit");
        state.set_position(2, 127, false).expect("colon off");
        state.set_position(3, b'#', false).expect("digit");
        state.set_position(4, b'o', false).expect("digit");
        let mut display = Ht16k33::new(&mut bus, state);
        display.commit().expect("commit");
        assert_eq!(
            bus.log,
            vec![
                WriteByte(0x21),
                WriteByte(0xEF),
                WriteByte(0x81),
                WriteByte(0x81),
                WriteI2cBlock(
                    0x00,
                    vec![0x76, 0, 0xF9, 0, 0x00, 0, 0x36, 0, 0x5C, 0, 0, 0, 0, 0, 0, 0]
                ),
            ]
        );
    }

    #[test]
    fn positions_set_from_rust_are_what_commit_sends() {
        let mut bus = MockBus::default();
        let mut display = Ht16k33::new(&mut bus, DisplayState::default());
        display.set_positions([0x06, 0x5B, 0xFF, 0x4F, 0x66]);
        assert_eq!(display.state().positions, [0x06, 0x5B, 0xFF, 0x4F, 0x66]);
        display.commit().expect("commit");
        let mut ram = vec![0u8; 16];
        ram[..9].copy_from_slice(&[0x06, 0, 0x5B, 0, 0xFF, 0, 0x4F, 0, 0x66]);
        assert_eq!(bus.log, vec![WriteI2cBlock(0x00, ram)]);
    }

    #[test]
    fn commands_are_only_written_while_on_but_always_recorded() {
        let mut bus = MockBus::default();
        let mut display = Ht16k33::new(&mut bus, DisplayState::default());
        display.set_brightness(200).expect("clamped");
        display.set_blink(Blink::Hz1).expect("blink");
        display.set_display(true).expect("display");
        display.sleep().expect("off while 'on' flag set sends 0x20");
        let state = display.state();
        assert_eq!(state.brightness, 15);
        assert_eq!(state.blink, Blink::Hz1);
        assert!(!state.on);
        assert_eq!(bus.log, vec![WriteByte(0x20)]);
    }

    #[test]
    fn failed_write_records_nothing() {
        let mut bus = MockBus {
            fail_on: Some((2, libc::EREMOTEIO)),
            ..MockBus::default()
        };
        let mut display = Ht16k33::new(&mut bus, DisplayState::default());
        display.wake().expect("on");
        let error = display.set_brightness(3).expect_err("NACK");
        assert_eq!(error.errno(), libc::EREMOTEIO);
        assert_eq!(display.state().brightness, 15);
        display.set_blink(Blink::Hz2).expect("next call works");
        assert_eq!(bus.log.last(), Some(&WriteByte(0x83)));
    }

    #[test]
    fn positions_and_glyph_values_are_range_checked() {
        let mut state = DisplayState::default();
        assert!(state.set_position(5, 1, false).is_err());
        assert!(state.set_position(0, 129, false).is_err());
        assert!(state.clear_position(5).is_err());
        assert_eq!(state.positions, [0; 5]);
        state.set_position(2, 128, false).expect("colon on");
        state.set_position(4, 15, true).expect("F.");
        assert_eq!(state.ram_image()[4], 0xFF);
        assert_eq!(state.ram_image()[8], 0x71 | 0x80);
        state.clear_position(2).expect("clean");
        assert_eq!(state.ram_image()[4], 0);
        // A glyph that lights the point already (128 all on, '.' = 0x80) keeps it when the
        // point is asked for too.
        state.set_position(0, 128, true).expect("all on");
        state.set_position(1, b'.', true).expect("point");
        state.set_position(3, b'.', false).expect("point");
        assert_eq!(state.positions[..4], [0xFF, 0x80, 0x00, 0x80]);
        assert_eq!(Blink::try_from(3).ok(), None);
        assert_eq!(Blink::try_from(6).ok(), Some(Blink::HalfHz));
        assert!(Display::try_from(2).is_err());
        assert_eq!(Display::try_from(1).ok(), Some(Display::On));
        assert_eq!(Display::try_from(0).ok(), Some(Display::Off));
    }
}
