//! The light a TSL2561 model sees: counts of one 402 ms integration at gain 16x for each
//! channel, fixed or given as illuminance with a spectrum, constant or changing over
//! virtual time (`docs/DEVICES.md`, "Lux", for the formula inverted here).

/// Fixed-point scale of the datasheet's lux coefficients (2^14) and ratio (2^9).
const LUX_SCALE: f64 = 16384.0;
const RATIO_SCALE: f64 = 512.0;

/// The datasheet's rows (K, B, M) for the T/FN/CL and CS packages, restated here so that
/// the emulator does not share the library's table. The 8th row (beyond K7) is 0 lux.
const T_FN_CL: [(u32, u32, u32); 7] = [
    (0x040, 0x1f2, 0x1be),
    (0x080, 0x214, 0x2d1),
    (0x0c0, 0x23f, 0x37b),
    (0x100, 0x270, 0x3fe),
    (0x138, 0x16f, 0x1fc),
    (0x19a, 0x0d2, 0x0fb),
    (0x29a, 0x018, 0x012),
];
const CS: [(u32, u32, u32); 7] = [
    (0x043, 0x204, 0x1ad),
    (0x085, 0x228, 0x2c1),
    (0x0c8, 0x253, 0x363),
    (0x10a, 0x282, 0x3df),
    (0x14d, 0x177, 0x1dd),
    (0x19a, 0x101, 0x127),
    (0x29a, 0x037, 0x02b),
];

/// The largest infrared ratio (channel 1 / channel 0) the formula gives lux for: K7 / 2^9.
pub const MAX_IR_RATIO: f64 = 0x29a as f64 / RATIO_SCALE;

/// Channel-0 counts per lux at 402 ms 16x for light of infrared `ratio` (channel 1 /
/// channel 0): the inverse of lux = ch0 x (B - M x ratio) / 2^14 in the row of `ratio`.
fn counts_per_lux(ratio: f64, cs: bool) -> f64 {
    let table = if cs { &CS } else { &T_FN_CL };
    let (_, b, m) = table
        .iter()
        .find(|(k, _, _)| ratio <= f64::from(*k) / RATIO_SCALE)
        .copied()
        .unwrap_or(table[6]);
    LUX_SCALE / (f64::from(b) - f64::from(m) * ratio)
}

/// What the chip sees.
#[derive(Debug, Clone, PartialEq)]
pub enum Light {
    /// Fixed counts per 402 ms 16x integration.
    Counts {
        /// Channel 0 (visible + infrared).
        broadband: f64,
        /// Channel 1 (infrared).
        infrared: f64,
    },
    /// Illuminance over virtual time: (ns, lux) points, straight lines between them (or
    /// steps), the last held; the spectrum is `ir_ratio` = channel 1 / channel 0.
    Lux {
        /// At least one point, in time order.
        points: Vec<(u64, f64)>,
        /// Each point holds until the next instead of a ramp to it.
        steps: bool,
        /// Channel 1 / channel 0, 0 to [`MAX_IR_RATIO`].
        ir_ratio: f64,
        /// The chip is a CS package (its coefficients).
        cs: bool,
    },
}

impl Light {
    /// The illuminance at `t_ns`, for light given in lux.
    pub fn lux_at(&self, t_ns: u64) -> Option<f64> {
        let Light::Lux { points, steps, .. } = self else {
            return None;
        };
        let after = points.iter().position(|(at, _)| *at > t_ns);
        Some(match after {
            None => points.last().map_or(0.0, |(_, lux)| *lux),
            Some(0) => points[0].1,
            Some(next) => {
                let (t0, lux0) = points[next - 1];
                let (t1, lux1) = points[next];
                if *steps {
                    lux0
                } else {
                    lux0 + (lux1 - lux0) * (t_ns - t0) as f64 / (t1 - t0) as f64
                }
            }
        })
    }

    /// Counts of one 402 ms integration at 16x for each channel, at `t_ns`.
    pub fn counts_at(&self, t_ns: u64) -> [f64; 2] {
        match self {
            Light::Counts {
                broadband,
                infrared,
            } => [*broadband, *infrared],
            Light::Lux { ir_ratio, cs, .. } => {
                let lux = self.lux_at(t_ns).unwrap_or(0.0);
                let broadband = lux * counts_per_lux(*ir_ratio, *cs);
                [broadband, broadband * ir_ratio]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lux_is_turned_into_the_counts_the_datasheet_formula_turns_back() {
        // 402 ms 16x, T/FN/CL, ratio 0.25 (row 2, B 0x214 = 532, M 0x2d1 = 721):
        // ch0 = 100 * 16384 / (532 - 721 / 4) = 100 * 16384 / 351.75.
        let light = Light::Lux {
            points: vec![(0, 100.0)],
            steps: false,
            ir_ratio: 0.25,
            cs: false,
        };
        let [ch0, ch1] = light.counts_at(0);
        assert!((ch0 - 100.0 * 16384.0 / 351.75).abs() < 1e-9, "{ch0}");
        assert!((ch1 - ch0 / 4.0).abs() < 1e-9);
    }

    #[test]
    fn light_follows_its_schedule() {
        let ramp = Light::Lux {
            points: vec![(1_000, 10.0), (3_000, 30.0)],
            steps: false,
            ir_ratio: 0.0,
            cs: false,
        };
        assert_eq!(ramp.lux_at(0), Some(10.0));
        assert_eq!(ramp.lux_at(2_000), Some(20.0));
        assert_eq!(ramp.lux_at(9_000), Some(30.0));
        let steps = Light::Lux {
            points: vec![(1_000, 10.0), (3_000, 30.0)],
            steps: true,
            ir_ratio: 0.0,
            cs: false,
        };
        assert_eq!(steps.lux_at(2_999), Some(10.0));
        assert_eq!(steps.lux_at(3_000), Some(30.0));
    }
}
