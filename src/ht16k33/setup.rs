//! The display-setup command's two fields: whether the display is on, and its blink
//! rate (docs/DEVICES.md, "HT16K33").

use super::commands::{BLINK_FAST, BLINK_NORMAL, BLINK_OFF, BLINK_SLOW, DISPLAY_ON};
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_c_values_decode_and_nothing_else() {
        assert_eq!(Blink::try_from(3).ok(), None);
        for blink in [Blink::Off, Blink::Hz2, Blink::Hz1, Blink::HalfHz] {
            assert_eq!(Blink::try_from(i32::from(blink.bits())).ok(), Some(blink));
        }
        assert_eq!(Blink::HalfHz.bits(), 0x06);
        assert!(Display::try_from(2).is_err());
        assert_eq!(Display::try_from(1).ok(), Some(Display::On));
        assert_eq!(Display::try_from(0).ok(), Some(Display::Off));
        assert_eq!((Display::On.bits(), Display::Off.bits()), (1, 0));
        assert!(Display::from(true).is_on() && !Display::from(false).is_on());
    }
}
