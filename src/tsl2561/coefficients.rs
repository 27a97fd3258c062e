//! Datasheet numbers for the lux computation (docs/DEVICES.md, "Lux"). The header
//! generator (`make headers`) emits the `TSL2561_LUX_*` macros from this table, so
//! header and driver share one definition.

/// Fixed-point scale of the final lux value (2^14).
pub const LUX_SCALE: u32 = 14;
/// Fixed-point scale of the channel ratio (2^9).
pub const RATIO_SCALE: u32 = 9;
/// Fixed-point scale of the channel scaling factor (2^10).
pub const CH_SCALE: u32 = 10;
/// Channel scale for the 13.7 ms integration time: 322/11 * 2^10.
pub const CH_SCALE_TINT0: u32 = 0x7517;
/// Channel scale for the 101 ms integration time: 322/81 * 2^10.
pub const CH_SCALE_TINT1: u32 = 0x0FE7;

/// One row of the piecewise lux formula: use `b` and `m` when the ratio is at most `k`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LuxRow {
    /// Ratio breakpoint (scaled by 2^9).
    pub k: u32,
    /// Channel-0 coefficient (scaled by 2^14).
    pub b: u32,
    /// Channel-1 coefficient (scaled by 2^14).
    pub m: u32,
}

const fn row(k: u32, b: u32, m: u32) -> LuxRow {
    LuxRow { k, b, m }
}

/// Coefficients for the T, FN and CL packages (rows 1 to 8).
pub const T_FN_CL: [LuxRow; 8] = [
    row(0x0040, 0x01f2, 0x01be),
    row(0x0080, 0x0214, 0x02d1),
    row(0x00c0, 0x023f, 0x037b),
    row(0x0100, 0x0270, 0x03fe),
    row(0x0138, 0x016f, 0x01fc),
    row(0x019a, 0x00d2, 0x00fb),
    row(0x029a, 0x0018, 0x0012),
    row(0x029a, 0x0000, 0x0000),
];

/// Coefficients for the CS (chipscale) package (rows 1 to 8).
pub const CS: [LuxRow; 8] = [
    row(0x0043, 0x0204, 0x01ad),
    row(0x0085, 0x0228, 0x02c1),
    row(0x00c8, 0x0253, 0x0363),
    row(0x010a, 0x0282, 0x03df),
    row(0x014d, 0x0177, 0x01dd),
    row(0x019a, 0x0101, 0x0127),
    row(0x029a, 0x0037, 0x002b),
    row(0x029a, 0x0000, 0x0000),
];
