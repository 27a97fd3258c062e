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

/// True when either channel is above the clipping threshold of the integration time.
pub fn is_saturated(broadband: u16, infrared: u16, settings: Settings) -> bool {
    let clip = settings.integration_time.clipping_threshold();
    broadband > clip || infrared > clip
}

/// Lux from raw counts with the datasheet's integer formula, without the clipping check.
///
/// `ch = raw * chScale >> 10` (chScale x16 at gain 1x); `ratio = ((ch1 << 10) / ch0 + 1) >> 1`;
/// the first row with `ratio <= K` gives B and M; `lux = (max(ch0*B - ch1*M, 0) + 2^13) >> 14`.
pub fn lux(broadband: u16, infrared: u16, settings: Settings) -> u32 {
    let mut ch_scale = u64::from(settings.integration_time.ch_scale());
    if settings.gain == Gain::X1 {
        ch_scale <<= 4;
    }
    let ch0 = (u64::from(broadband) * ch_scale) >> CH_SCALE;
    let ch1 = (u64::from(infrared) * ch_scale) >> CH_SCALE;

    let ratio1 = (ch1 << (RATIO_SCALE + 1)).checked_div(ch0).unwrap_or(0);
    let ratio = (ratio1 + 1) >> 1;

    let rows = settings.package.coefficients();
    let (last, breakpoints) = rows.split_last().unwrap_or((&rows[0], &[]));
    let row = breakpoints
        .iter()
        .find(|row| ratio <= u64::from(row.k))
        .unwrap_or(last);

    // Signed on purpose: the product difference is negative whenever ch1*M > ch0*B.
    let temp = (ch0 * u64::from(row.b)) as i64 - (ch1 * u64::from(row.m)) as i64;
    let temp = temp.max(0) + (1 << (LUX_SCALE - 1));
    (temp >> LUX_SCALE) as u32
}
