//! Integration time, gain and package: the sensor settings, with their encodings and the
//! timing and limits that follow from each.

use std::time::Duration;

use super::coefficients::{self, LuxRow, CH_SCALE, CH_SCALE_TINT0, CH_SCALE_TINT1};
use crate::error::Error;

/// Slowest internal oscillator the datasheet allows (690 kHz); waits are sized for it.
pub const OSCILLATOR_MIN_HZ: u64 = 690_000;
/// Oscillator cycles per integration step; an integration lasts 918 x N cycles.
pub const CYCLES_PER_STEP: u64 = 918;
/// Extra time added to every conversion wait, so that the read never races the end of
/// the conversion (timer granularity, bus start-up).
pub const CONVERSION_GUARD: Duration = Duration::from_micros(50);

/// ADC integration time (TIMING bits 1:0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntegrationTime {
    /// 13.7 ms nominal (N = 11).
    Ms13,
    /// 101 ms nominal (N = 81).
    Ms101,
    /// 402 ms nominal (N = 322), the power-up default.
    Ms402,
}

impl IntegrationTime {
    /// The nominal integration time in milliseconds, as the C enum names it: 13, 101, 402.
    pub const fn nominal_ms(self) -> u32 {
        match self {
            Self::Ms13 => 13,
            Self::Ms101 => 101,
            Self::Ms402 => 402,
        }
    }

    /// All settings, shortest first.
    pub const ALL: [IntegrationTime; 3] = [Self::Ms13, Self::Ms101, Self::Ms402];

    /// The TIMING register bits (INTEG field).
    pub const fn bits(self) -> u8 {
        match self {
            Self::Ms13 => 0x00,
            Self::Ms101 => 0x01,
            Self::Ms402 => 0x02,
        }
    }

    /// Decodes the C enum value; `None` for anything else.
    pub const fn from_bits(value: i32) -> Option<Self> {
        match value {
            0x00 => Some(Self::Ms13),
            0x01 => Some(Self::Ms101),
            0x02 => Some(Self::Ms402),
            _ => None,
        }
    }

    /// The count limits of this integration time (docs/DEVICES.md, "Lux"): the
    /// auto-gain thresholds and the clipping threshold of Adafruit's driver, which the
    /// C header has always carried as `TSL2561_AGC_*` and `TSL2561_CLIPPING_*`.
    pub const fn limits(self) -> Limits {
        match self {
            Self::Ms13 => Limits {
                autogain_low: 100,
                autogain_high: 4850,
                clipping: 4900,
            },
            Self::Ms101 => Limits {
                autogain_low: 200,
                autogain_high: 36000,
                clipping: 37000,
            },
            Self::Ms402 => Limits {
                autogain_low: 500,
                autogain_high: 63000,
                clipping: 65000,
            },
        }
    }

    /// N, the number of 918-cycle steps of one integration.
    pub const fn steps(self) -> u64 {
        match self {
            Self::Ms13 => 11,
            Self::Ms101 => 81,
            Self::Ms402 => 322,
        }
    }

    /// Oscillator cycles of one integration.
    pub const fn cycles(self) -> u64 {
        CYCLES_PER_STEP * self.steps()
    }

    /// The largest count a channel can read: cycles / 2 - 2, at most 65535 (5047, 37177,
    /// 65535; docs/DEVICES.md, "Integration timing").
    pub fn full_scale(self) -> u16 {
        let counts = self.cycles() / 2 - 2;
        u16::try_from(counts).unwrap_or(u16::MAX)
    }

    /// Integration time with the slowest oscillator the datasheet allows, rounded up to
    /// the next nanosecond (14.64, 107.8 and 428.4 ms).
    pub const fn worst_case(self) -> Duration {
        let ns = (self.cycles() * 1_000_000_000).div_ceil(OSCILLATOR_MIN_HZ);
        Duration::from_nanos(ns)
    }

    /// How long a driver waits after power-on before reading: the worst case plus a guard.
    pub fn conversion_wait(self) -> Duration {
        self.worst_case() + CONVERSION_GUARD
    }

    /// Channel scale factor of the lux formula (before the 1x gain adjustment).
    pub const fn ch_scale(self) -> u32 {
        match self {
            Self::Ms13 => CH_SCALE_TINT0,
            Self::Ms101 => CH_SCALE_TINT1,
            Self::Ms402 => 1 << CH_SCALE,
        }
    }

    /// Raw count above which a channel is saturated (the lux is then reported as 0).
    pub const fn clipping_threshold(self) -> u16 {
        self.limits().clipping
    }

    /// Auto-gain thresholds: (below this at 1x, go to 16x; above this at 16x, go to 1x).
    pub const fn autogain_thresholds(self) -> (u16, u16) {
        let limits = self.limits();
        (limits.autogain_low, limits.autogain_high)
    }
}

/// Raw-count limits of one integration time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Auto-gain: a broadband count below this at 1x switches to 16x.
    pub autogain_low: u16,
    /// Auto-gain: a broadband count above this at 16x switches to 1x.
    pub autogain_high: u16,
    /// A channel count above this has saturated.
    pub clipping: u16,
}

impl TryFrom<i32> for IntegrationTime {
    type Error = Error;

    fn try_from(value: i32) -> Result<Self, Error> {
        Self::from_bits(value).ok_or(Error::InvalidArgument("integration time"))
    }
}

/// Analog gain (TIMING bit 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gain {
    /// Low gain, for bright light.
    X1,
    /// High gain (16x), the driver default.
    X16,
}

impl Gain {
    /// The amplification: 1 or 16.
    pub const fn factor(self) -> u32 {
        match self {
            Self::X1 => 1,
            Self::X16 => 16,
        }
    }

    /// The TIMING register bit (GAIN field, already shifted).
    pub const fn bits(self) -> u8 {
        match self {
            Self::X1 => 0x00,
            Self::X16 => 0x10,
        }
    }

    /// Decodes the C enum value; `None` for anything else.
    pub const fn from_bits(value: i32) -> Option<Self> {
        match value {
            0x00 => Some(Self::X1),
            0x10 => Some(Self::X16),
            _ => None,
        }
    }
}

impl TryFrom<i32> for Gain {
    type Error = Error;

    fn try_from(value: i32) -> Result<Self, Error> {
        Self::from_bits(value).ok_or(Error::InvalidArgument("gain"))
    }
}

/// Chip package, which selects the lux coefficients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Package {
    /// TSL2561T, FN and CL packages (Adafruit's breakout): the default.
    #[default]
    TFnCl,
    /// TSL2561CS chipscale package.
    Cs,
}

impl Package {
    /// The coefficient table of this package.
    pub const fn coefficients(self) -> &'static [LuxRow; 8] {
        match self {
            Self::TFnCl => &coefficients::T_FN_CL,
            Self::Cs => &coefficients::CS,
        }
    }
}

/// Everything that shapes a conversion and its lux value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Integration time.
    pub integration_time: IntegrationTime,
    /// Gain.
    pub gain: Gain,
    /// Package (lux coefficients).
    pub package: Package,
}

impl Settings {
    /// The TIMING register value for these settings.
    pub const fn timing_register(self) -> u8 {
        self.integration_time.bits() | self.gain.bits()
    }
}

impl Default for Settings {
    /// What `TSL2561_OPEN` programs: 402 ms, 16x, T/FN/CL.
    fn default() -> Self {
        Self {
            integration_time: IntegrationTime::Ms402,
            gain: Gain::X16,
            package: Package::TFnCl,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_case_integration_times_match_the_datasheet() {
        // 918 x N cycles at 690 kHz: 14.64, 107.8, 428.4 ms (docs/DEVICES.md, "Integration timing").
        assert_eq!(IntegrationTime::Ms13.worst_case().as_nanos(), 14_634_783);
        assert_eq!(IntegrationTime::Ms101.worst_case().as_nanos(), 107_765_218);
        assert_eq!(IntegrationTime::Ms402.worst_case().as_nanos(), 428_400_000);
        for time in IntegrationTime::ALL {
            let wait = time.conversion_wait();
            assert!(wait > time.worst_case());
            assert!(wait.as_secs_f64() <= time.worst_case().as_secs_f64() * 1.005);
        }
    }

    #[test]
    fn encodings_match_the_c_enums_and_reject_everything_else() {
        assert_eq!(
            IntegrationTime::try_from(0).ok(),
            Some(IntegrationTime::Ms13)
        );
        assert_eq!(
            IntegrationTime::try_from(1).ok(),
            Some(IntegrationTime::Ms101)
        );
        assert_eq!(
            IntegrationTime::try_from(2).ok(),
            Some(IntegrationTime::Ms402)
        );
        assert!(IntegrationTime::try_from(3).is_err());
        assert!(IntegrationTime::try_from(-1).is_err());
        assert_eq!(Gain::try_from(0x00).ok(), Some(Gain::X1));
        assert_eq!(Gain::try_from(0x10).ok(), Some(Gain::X16));
        assert!(Gain::try_from(1).is_err());
        assert!(Gain::try_from(i32::MAX).is_err());
        let s = Settings {
            integration_time: IntegrationTime::Ms101,
            gain: Gain::X16,
            package: Package::Cs,
        };
        assert_eq!(s.timing_register(), 0x11);
    }

    #[test]
    fn limits_per_integration_time() {
        assert_eq!(IntegrationTime::Ms13.clipping_threshold(), 4900);
        assert_eq!(IntegrationTime::Ms101.clipping_threshold(), 37000);
        assert_eq!(IntegrationTime::Ms402.clipping_threshold(), 65000);
        assert_eq!(IntegrationTime::Ms13.autogain_thresholds(), (100, 4850));
        assert_eq!(IntegrationTime::Ms101.autogain_thresholds(), (200, 36000));
        assert_eq!(IntegrationTime::Ms402.autogain_thresholds(), (500, 63000));
        assert_eq!(IntegrationTime::Ms13.ch_scale(), 0x7517);
        assert_eq!(IntegrationTime::Ms101.ch_scale(), 0x0FE7);
        assert_eq!(IntegrationTime::Ms402.ch_scale(), 1024);
        assert_eq!(IntegrationTime::Ms13.full_scale(), 5047);
        let nominal: Vec<u32> = IntegrationTime::ALL
            .iter()
            .map(|t| t.nominal_ms())
            .collect();
        assert_eq!(nominal, [13, 101, 402]);
        assert_eq!((Gain::X1.factor(), Gain::X16.factor()), (1, 16));
        assert_eq!(IntegrationTime::Ms101.full_scale(), 37177);
        assert_eq!(IntegrationTime::Ms402.full_scale(), 65535);
    }
}
