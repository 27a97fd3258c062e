//! Full-range readings: which gain and integration time resolve the light best without
//! clipping, chosen from one short probe conversion (docs/DEVICES.md, "Range").
//!
//! The probe is the least sensitive setting, 13.7 ms at 1x. Counts scale with gain and
//! integration cycles, so the probe's larger channel predicts what each other setting
//! would read; the most sensitive setting whose prediction stays within 3/4 of its full
//! scale is taken (the margin covers the probe's own rounding and light that rises a
//! little between the two conversions). From most to least sensitive: 402 ms 16x,
//! 101 ms 16x, 402 ms 1x, 101 ms 1x (13.7 ms adds no range at a gain: it clips at the same
//! light as 101 ms, with 7.4 times coarser steps). Brighter than 101 ms 1x allows, the
//! probe itself is the reading; when even the probe clips, the light is too bright to
//! measure.

use super::settings::{Gain, IntegrationTime, Settings};

/// The probe setting: 13.7 ms at 1x, the least sensitive.
pub const PROBE: (IntegrationTime, Gain) = (IntegrationTime::Ms13, Gain::X1);

/// The settings a full-range reading may end on, most sensitive first.
pub const LADDER: [(IntegrationTime, Gain); 4] = [
    (IntegrationTime::Ms402, Gain::X16),
    (IntegrationTime::Ms101, Gain::X16),
    (IntegrationTime::Ms402, Gain::X1),
    (IntegrationTime::Ms101, Gain::X1),
];

/// How much of a setting's full scale a predicted count may fill: 3/4.
const HEADROOM_NUMERATOR: u64 = 3;
const HEADROOM_DENOMINATOR: u64 = 4;

/// What the probe says to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Convert once more at this setting.
    Convert(IntegrationTime, Gain),
    /// The probe's own reading is the best there is (bright light).
    KeepProbe,
    /// Even the probe clipped: too bright to measure.
    Saturated,
}

/// Counts at (`time`, `gain`) in units of one 918-cycle step at 1x: integration steps
/// times the gain factor (11 for the probe, 5152 for 402 ms 16x).
fn sensitivity(time: IntegrationTime, gain: Gain) -> u64 {
    time.steps() * u64::from(gain.factor())
}

/// Counts at (`time`, `gain`) per count at the probe setting, as a fraction.
fn sensitivity_over_probe(time: IntegrationTime, gain: Gain) -> (u64, u64) {
    let (probe_time, probe_gain) = PROBE;
    (sensitivity(time, gain), sensitivity(probe_time, probe_gain))
}

/// The largest probe count for which (`time`, `gain`) stays within its headroom: 104,
/// 236, 1679 and 3786 for the four settings of [`LADDER`].
pub fn probe_limit(time: IntegrationTime, gain: Gain) -> u64 {
    let (numerator, denominator) = sensitivity_over_probe(time, gain);
    let allowed = u64::from(time.full_scale()) * HEADROOM_NUMERATOR / HEADROOM_DENOMINATOR;
    allowed * denominator / numerator
}

/// The setting for a probe that read `broadband` and `infrared` counts.
pub fn choose(broadband: u16, infrared: u16) -> Choice {
    let (probe_time, _) = PROBE;
    let larger = broadband.max(infrared);
    if larger > probe_time.clipping_threshold() {
        return Choice::Saturated;
    }
    LADDER
        .iter()
        .find(|(time, gain)| u64::from(larger) <= probe_limit(*time, *gain))
        .map_or(Choice::KeepProbe, |(time, gain)| {
            Choice::Convert(*time, *gain)
        })
}

/// The probe's settings, keeping the package of `settings`.
pub fn probe_settings(settings: Settings) -> Settings {
    let (integration_time, gain) = PROBE;
    Settings {
        integration_time,
        gain,
        ..settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_limits_keep_each_setting_within_three_quarters_of_full_scale() {
        // 3/4 of 65535, 37177, 65535, 37177 over the count ratio to 13.7 ms 1x:
        // 322*16/11, 81*16/11, 322/11, 81/11 (docs/DEVICES.md, "Range").
        let limits: Vec<u64> = LADDER.iter().map(|(t, g)| probe_limit(*t, *g)).collect();
        assert_eq!(limits, [104, 236, 1679, 3786]);
    }

    #[test]
    fn the_larger_channel_chooses() {
        use Gain::*;
        use IntegrationTime::*;
        assert_eq!(choose(0, 0), Choice::Convert(Ms402, X16));
        assert_eq!(choose(10, 104), Choice::Convert(Ms402, X16));
        assert_eq!(choose(10, 105), Choice::Convert(Ms101, X16));
        assert_eq!(choose(3786, 0), Choice::Convert(Ms101, X1));
        assert_eq!(choose(3787, 0), Choice::KeepProbe);
        assert_eq!(choose(4900, 4900), Choice::KeepProbe);
        assert_eq!(choose(100, 4901), Choice::Saturated);
        assert_eq!(choose(u16::MAX, 0), Choice::Saturated);
    }
}
