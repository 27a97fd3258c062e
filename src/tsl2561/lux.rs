//! The datasheet's fixed-point lux computation, with a negative clamp that works.

use super::coefficients::{CH_SCALE, LUX_SCALE, RATIO_SCALE};
use super::settings::{Gain, Settings};

/// Raw counts and what they mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Channel 0 (visible + infrared) raw count.
    pub broadband: u16,
    /// Channel 1 (infrared) raw count.
    pub infrared: u16,
    /// Illuminance in lux; 0 when saturated.
    pub lux: u32,
    /// A channel exceeded the clipping threshold: the light is too bright for these
    /// settings and `lux` is 0 for that reason, not because it is dark.
    pub saturated: bool,
}

impl Reading {
    /// Interprets raw counts taken with `settings`.
    pub fn from_counts(broadband: u16, infrared: u16, settings: Settings) -> Self {
        let saturated = is_saturated(broadband, infrared, settings);
        Self {
            broadband,
            infrared,
            lux: if saturated {
                0
            } else {
                lux(broadband, infrared, settings)
            },
            saturated,
        }
    }
}

/// A reading with the fraction of its lux and the settings it was taken with (what the
/// full-range reading and start/collect give).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// Channel 0 (visible + infrared) raw count.
    pub broadband: u16,
    /// Channel 1 (infrared) raw count.
    pub infrared: u16,
    /// Illuminance in lux, with its fraction ([`lux_fractional`]); 0 in the dark and when
    /// saturated.
    pub lux: f64,
    /// A channel exceeded the clipping threshold: `lux` is 0 because the light is too
    /// bright for `settings`.
    pub saturated: bool,
    /// The integration time, gain and package the counts were taken with.
    pub settings: Settings,
}

impl Measurement {
    /// Interprets raw counts taken with `settings`.
    pub fn from_counts(broadband: u16, infrared: u16, settings: Settings) -> Self {
        let saturated = is_saturated(broadband, infrared, settings);
        Self {
            broadband,
            infrared,
            lux: if saturated {
                0.0
            } else {
                lux_fractional(broadband, infrared, settings)
            },
            saturated,
            settings,
        }
    }
}

/// True when either channel is above the clipping threshold of the integration time.
pub fn is_saturated(broadband: u16, infrared: u16, settings: Settings) -> bool {
    let clip = settings.integration_time.clipping_threshold();
    broadband > clip || infrared > clip
}

/// Lux from raw counts with the datasheet's integer formula, without the clipping check.
///
/// `ch = raw * chScale >> 10` (chScale x16 at gain 1x); `ratio = ((ch1 << 10) / ch0 + 1) >> 1`;
/// the first row with `ratio <= K` gives B and M; `lux = (max(ch0*B - ch1*M, 0) + 2^13) >> 14`.
///
/// ```
/// use lightseg::tsl2561::{lux::lux, Settings};
/// // 402 ms, 16x, T/FN/CL: 1200 broadband and 300 infrared counts are 26 lux.
/// assert_eq!(lux(1200, 300, Settings::default()), 26);
/// // More infrared than the formula allows is 0 lux, not 4294966811.
/// assert_eq!(lux(0, 17834, Settings::default()), 0);
/// ```
pub fn lux(broadband: u16, infrared: u16, settings: Settings) -> u32 {
    let scaled = scaled_lux(broadband, infrared, settings);
    ((scaled + (1 << (LUX_SCALE - 1))) >> LUX_SCALE) as u32
}

/// Lux from raw counts as [`lux`] computes it, with the fraction kept: the formula's
/// fixed-point value divided by 2^14 instead of rounded to a whole lux. Useful digits
/// follow the setting's resolution (about 0.03 lux per count at 402 ms and 16x).
///
/// ```
/// use lightseg::tsl2561::{lux::lux_fractional, Settings};
/// // 402 ms, 16x: (1200 * 0x214 - 300 * 0x2d1) / 2^14 = 422100 / 16384.
/// assert_eq!(lux_fractional(1200, 300, Settings::default()), 422100.0 / 16384.0);
/// ```
pub fn lux_fractional(broadband: u16, infrared: u16, settings: Settings) -> f64 {
    scaled_lux(broadband, infrared, settings) as f64 / f64::from(1u32 << LUX_SCALE)
}

/// The formula's value before its final rounding: lux x 2^14, clamped at 0.
fn scaled_lux(broadband: u16, infrared: u16, settings: Settings) -> i64 {
    let mut ch_scale = u64::from(settings.integration_time.ch_scale());
    if settings.gain == Gain::X1 {
        ch_scale <<= 4;
    }
    let ch0 = (u64::from(broadband) * ch_scale) >> CH_SCALE;
    let ch1 = (u64::from(infrared) * ch_scale) >> CH_SCALE;

    let ratio1 = (ch1 << (RATIO_SCALE + 1)).checked_div(ch0).unwrap_or(0);
    let ratio = (ratio1 + 1) >> 1;

    // Rows 1 to 7 by breakpoint; beyond K7, row 8.
    let [breakpoints @ .., beyond] = settings.package.coefficients();
    let row = breakpoints
        .iter()
        .find(|row| ratio <= u64::from(row.k))
        .unwrap_or(beyond);

    // Signed on purpose: the product difference is negative whenever ch1*M > ch0*B.
    let temp = (ch0 * u64::from(row.b)) as i64 - (ch1 * u64::from(row.m)) as i64;
    temp.max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tsl2561::{IntegrationTime, Package};

    fn settings(integration_time: IntegrationTime, gain: Gain, package: Package) -> Settings {
        Settings {
            integration_time,
            gain,
            package,
        }
    }

    const T402_16X: Settings = Settings {
        integration_time: IntegrationTime::Ms402,
        gain: Gain::X16,
        package: Package::TFnCl,
    };

    #[test]
    fn worked_datasheet_examples() {
        // 402 ms, 16x: chScale 1024, ch = raw. ratio1 = 300*1024/1200 = 256, ratio 128
        // <= K2T (0x80): B 0x214 = 532, M 0x2d1 = 721.
        // (1200*532 - 300*721 + 8192) >> 14 = (638400 - 216300 + 8192) >> 14 = 26.
        assert_eq!(lux(1200, 300, T402_16X), 26);
        // 13 ms, 16x: chScale 0x7517 = 29975. ch0 = 13*29975>>10 = 380, ch1 = 117.
        // ratio1 = 117*1024/380 = 315, ratio 158 <= K3T (0xc0): B 575, M 891.
        // (380*575 - 117*891 + 8192) >> 14 = 7.
        let t13 = settings(IntegrationTime::Ms13, Gain::X16, Package::TFnCl);
        assert_eq!(lux(13, 4, t13), 7);
        // 101 ms, 1x: chScale 0x0FE7 << 4 = 65136. ch0 = 1000*65136>>10 = 63609,
        // ch1 = 0. ratio 0 <= K1T: B 0x1f2 = 498. (63609*498 + 8192) >> 14 = 1933.
        let t101 = settings(IntegrationTime::Ms101, Gain::X1, Package::TFnCl);
        assert_eq!(lux(1000, 0, t101), 1933);
        // Ratio above K7 (1.3): lux 0 by the B8/M8 row.
        assert_eq!(lux(100, 200, T402_16X), 0);
    }

    #[test]
    fn negative_intermediate_clamps_to_zero() {
        // The original computed 4294966811 for this (unsigned wrap).
        assert_eq!(lux(0, 17834, T402_16X), 0);
        // CS just under K7C (0x29a = 666): ratio 665 needs ch1/ch0 ~ 1.299.
        // ch0 = 1000, ch1 = 1299: ratio1 = 1330, ratio 665 <= K7C: B 0x37 = 55, M 0x2b = 43.
        // 1000*55 - 1299*43 = 55000 - 55857 < 0.
        let cs = settings(IntegrationTime::Ms402, Gain::X16, Package::Cs);
        assert_eq!(lux(1000, 1299, cs), 0);
        // T/FN/CL near the same ratio: 1000*24 - 1299*18 = 618 -> (618 + 8192) >> 14 = 0.
        assert_eq!(lux(1000, 1299, T402_16X), 0);
    }

    #[test]
    fn the_ratio_is_rounded_before_the_row_is_chosen() {
        // 402 ms, 16x (ch = raw). ch0 = 40960, ch1 = 20520: ratio1 = 20520 * 1024 / 40960
        // = 513, rounded (513 + 1) >> 1 = 257 > K4T (256): row 5, B 0x16f = 367,
        // M 0x1fc = 508: 40960*367 - 20520*508 = 4608160; (+ 8192) >> 14 = 281.
        // Without the rounding (513 >> 1 = 256) row 4 would give 280.
        assert_eq!(lux(40960, 20520, T402_16X), 281);
        // At the breakpoint itself (ratio1 = 512, ratio 256 <= K4T): row 4, B 0x270 = 624,
        // M 0x3fe = 1022: 40960*624 - 20480*1022 = 4628480; (+ 8192) >> 14 = 283.
        assert_eq!(lux(40960, 20480, T402_16X), 283);
    }

    #[test]
    fn coefficient_tables_are_the_datasheet_ones() {
        // Restated from the datasheet (docs/DEVICES.md, "Lux"): K, B, M per row.
        let t_fn_cl = [
            (0x040, 0x1f2, 0x1be),
            (0x080, 0x214, 0x2d1),
            (0x0c0, 0x23f, 0x37b),
            (0x100, 0x270, 0x3fe),
            (0x138, 0x16f, 0x1fc),
            (0x19a, 0x0d2, 0x0fb),
            (0x29a, 0x018, 0x012),
            (0x29a, 0x000, 0x000),
        ];
        let cs = [
            (0x043, 0x204, 0x1ad),
            (0x085, 0x228, 0x2c1),
            (0x0c8, 0x253, 0x363),
            (0x10a, 0x282, 0x3df),
            (0x14d, 0x177, 0x1dd),
            (0x19a, 0x101, 0x127),
            (0x29a, 0x037, 0x02b),
            (0x29a, 0x000, 0x000),
        ];
        for (package, table) in [(Package::TFnCl, t_fn_cl), (Package::Cs, cs)] {
            let rows: Vec<(u32, u32, u32)> = package
                .coefficients()
                .iter()
                .map(|row| (row.k, row.b, row.m))
                .collect();
            assert_eq!(rows, table.to_vec(), "{package:?}");
        }
    }

    #[test]
    fn cs_package_uses_its_own_rows() {
        // ratio 128 > K1C (0x43=67) and <= K2C (0x85=133): B 0x228 = 552, M 0x2c1 = 705.
        // (1200*552 - 300*705 + 8192) >> 14 = (662400 - 211500 + 8192) >> 14 = 28.
        let cs = settings(IntegrationTime::Ms402, Gain::X16, Package::Cs);
        assert_eq!(lux(1200, 300, cs), 28);
    }

    #[test]
    fn saturation_is_flagged_and_reads_zero_lux() {
        let reading = Reading::from_counts(65001, 100, T402_16X);
        assert!(reading.saturated);
        assert_eq!(reading.lux, 0);
        let t13 = settings(IntegrationTime::Ms13, Gain::X1, Package::TFnCl);
        assert!(Reading::from_counts(100, 4901, t13).saturated);
        assert!(!Reading::from_counts(4900, 4900, t13).saturated);
        let dark = Reading::from_counts(0, 0, T402_16X);
        assert!(!dark.saturated);
        assert_eq!(dark.lux, 0);
    }

    #[test]
    fn never_overflows_over_the_whole_input_range() {
        for time in IntegrationTime::ALL {
            for gain in [Gain::X1, Gain::X16] {
                for package in [Package::TFnCl, Package::Cs] {
                    let s = settings(time, gain, package);
                    for raw in [0u16, 1, 4900, 37000, 65000, 65535] {
                        for ir in [0u16, 1, raw / 2, raw, 65535] {
                            let value = lux(raw, ir, s);
                            assert!(value < 1_000_000, "{raw} {ir} {s:?} -> {value}");
                        }
                    }
                }
            }
        }
    }
}
