//! Numbers as the text a display of `cells` characters shows: right-aligned by the
//! caller, a decimal point not taking a character of its own.

use crate::error::{Error, Result};

/// Characters `text` takes on a display ('.' rides on the character before it).
pub fn width(text: &str) -> usize {
    text.chars().filter(|c| *c != '.').count()
}

fn fitting(text: String, cells: usize) -> Result<String> {
    if width(&text) <= cells {
        Ok(text)
    } else {
        Err(Error::DoesNotFit(text, cells))
    }
}

/// A whole number: `-12` needs three characters.
///
/// ```
/// use lightseg::ht16k33::number::integer;
/// assert_eq!(integer(-999, 4).unwrap(), "-999");
/// assert!(integer(10000, 4).is_err());
/// ```
pub fn integer(value: i64, cells: usize) -> Result<String> {
    fitting(value.to_string(), cells)
}

/// A hexadecimal number in the shapes a 7-segment display can tell apart (`A b C d E F`;
/// `upper`: all capitals, for 14 segments).
pub fn hexadecimal(value: u64, cells: usize, upper: bool) -> Result<String> {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789AbCdEF"
    };
    let mut text = Vec::new();
    let mut rest = value;
    loop {
        text.push(digits[(rest & 0xF) as usize]);
        rest >>= 4;
        if rest == 0 {
            break;
        }
    }
    text.reverse();
    fitting(String::from_utf8_lossy(&text).into_owned(), cells)
}

/// A 256-bit unsigned integer, four 64-bit limbs from the least significant: enough for
/// a double's 53-bit mantissa times 10^38.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wide([u64; 4]);

impl Wide {
    fn times_ten(self) -> Self {
        let mut limbs = [0u64; 4];
        let mut carry = 0u128;
        for (out, limb) in limbs.iter_mut().zip(self.0) {
            let product = u128::from(limb) * 10 + carry;
            *out = product as u64;
            carry = product >> 64;
        }
        Self(limbs)
    }

    /// Shifted right by `bits` (256 or more: zero).
    fn shifted_right(self, bits: u32) -> Self {
        let (whole, part) = ((bits / 64) as usize, bits % 64);
        let mut limbs = [0u64; 4];
        for (index, out) in limbs.iter_mut().enumerate() {
            let low = self.0.get(index + whole).copied().unwrap_or(0);
            let high = self.0.get(index + whole + 1).copied().unwrap_or(0);
            *out = if part == 0 {
                low
            } else {
                (low >> part) | (high << (64 - part))
            };
        }
        Self(limbs)
    }

    /// Whether any of the lowest `bits` bits is set.
    fn any_below(self, bits: u32) -> bool {
        self.0.iter().enumerate().any(|(index, limb)| {
            let start = index as u32 * 64;
            match bits.saturating_sub(start) {
                0 => false,
                n if n >= 64 => *limb != 0,
                n => *limb & ((1u64 << n) - 1) != 0,
            }
        })
    }

    /// The value when it fits 128 bits.
    fn narrow(self) -> Option<u128> {
        (self.0[2] == 0 && self.0[3] == 0)
            .then(|| u128::from(self.0[0]) | u128::from(self.0[1]) << 64)
    }
}

/// |`value`| x 10^`places`, rounded to the nearest integer, ties to even, computed
/// exactly from the double's bits (as printf does); `None` when it exceeds 128 bits.
fn scaled(value: f64, places: u32) -> Option<u128> {
    let bits = value.abs().to_bits();
    let exponent = ((bits >> 52) & 0x7FF) as i32;
    let fraction = bits & ((1 << 52) - 1);
    // value = mantissa x 2^power, exactly.
    let (mantissa, power) = match exponent {
        0 => (fraction, -1074),
        _ => (fraction | 1 << 52, exponent - 1075),
    };
    let mut wide = Wide([mantissa, 0, 0, 0]);
    for _ in 0..places {
        wide = wide.times_ten();
    }
    if power >= 0 {
        let narrow = wide.narrow()?;
        let shifted = narrow.checked_shl(power as u32)?;
        return (shifted >> power == narrow).then_some(shifted);
    }
    // Dropping 256 bits or more leaves 0 (`shifted_right` and `any_below` take any count).
    let drop = power.unsigned_abs();
    let with_half = wide.shifted_right(drop - 1).narrow()?;
    let (whole, half) = (with_half >> 1, with_half & 1 == 1);
    let above_half = wide.any_below(drop - 1);
    Some(if half && (above_half || whole & 1 == 1) {
        whole + 1
    } else {
        whole
    })
}

/// `value` with exactly `places` decimals (see [`decimal`]), or `None` when its digits
/// exceed `cells`.
fn with_places(value: f64, places: usize, cells: usize) -> Option<String> {
    if places >= cells {
        return None;
    }
    let scaled = scaled(value, places as u32)?;
    let mut digits = scaled.to_string();
    if digits.len() <= places {
        digits = format!("{}{digits}", "0".repeat(places + 1 - digits.len()));
    }
    if places > 0 {
        digits.insert(digits.len() - places, '.');
    }
    if value.is_sign_negative() && scaled != 0 {
        digits.insert(0, '-');
    }
    (width(&digits) <= cells).then_some(digits)
}

/// A number with `decimals` digits after the point, or with as many as fit when
/// `decimals` is `None`. Rounded as C's `printf("%.*f")` rounds: the double's exact value,
/// to nearest, ties to even (9.996 to 2 decimals is `10.00`; 2.675 is `2.67` because the
/// double nearest 2.675 is below it). A result that rounds to zero has no minus sign.
pub fn decimal(value: f64, decimals: Option<usize>, cells: usize) -> Result<String> {
    if !value.is_finite() {
        return Err(Error::NotANumber(value));
    }
    let places = match decimals {
        Some(places) => vec![places],
        None => (0..cells).rev().collect(),
    };
    places
        .into_iter()
        .find_map(|places| with_places(value, places, cells))
        .ok_or_else(|| Error::DoesNotFit(with_places(value, 0, 40).unwrap_or_default(), cells))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(result: Result<String>) -> String {
        result.expect("fits")
    }

    #[test]
    fn integers_at_their_edges() {
        assert_eq!(ok(integer(0, 4)), "0");
        assert_eq!(ok(integer(9999, 4)), "9999");
        assert_eq!(ok(integer(-999, 4)), "-999");
        assert!(matches!(integer(10000, 4), Err(Error::DoesNotFit(_, 4))));
        assert!(integer(-1000, 4).is_err());
        assert_eq!(ok(integer(-1234567, 8)), "-1234567");
        assert_eq!(ok(integer(i64::MIN, 20)), i64::MIN.to_string());
    }

    #[test]
    fn hexadecimal_uses_shapes_that_differ_from_digits() {
        assert_eq!(ok(hexadecimal(0xBEEF, 4, false)), "bEEF");
        assert_eq!(ok(hexadecimal(0xABCD, 4, false)), "AbCd");
        assert_eq!(ok(hexadecimal(0xABCD, 4, true)), "ABCD");
        assert_eq!(ok(hexadecimal(0, 4, false)), "0");
        assert!(hexadecimal(0x10000, 4, false).is_err());
    }

    #[test]
    fn decimals_round_correctly_also_across_a_digit() {
        assert_eq!(ok(decimal(9.996, Some(2), 4)), "10.00");
        assert_eq!(ok(decimal(12.345, Some(1), 4)), "12.3");
        assert_eq!(ok(decimal(-1.5, Some(2), 4)), "-1.50");
        assert_eq!(ok(decimal(0.5, Some(2), 4)), "0.50");
        assert_eq!(ok(decimal(999.96, Some(0), 4)), "1000");
        assert_eq!(
            ok(decimal(2.675, Some(2), 4)),
            "2.67",
            "the double is 2.67499..."
        );
        assert_eq!(
            ok(decimal(0.125, Some(2), 4)),
            "0.12",
            "an exact tie goes to even"
        );
        assert_eq!(ok(decimal(-0.001, Some(2), 4)), "0.00", "no minus on zero");
        assert_eq!(ok(decimal(-0.0, Some(0), 4)), "0");
        assert!(decimal(99.996, Some(2), 4).is_err(), "100.00 needs five");
        assert!(decimal(10000.0, Some(0), 4).is_err());
    }

    #[test]
    fn as_many_decimals_as_fit() {
        assert_eq!(ok(decimal(1.23456, None, 4)), "1.235");
        assert_eq!(ok(decimal(-1.23456, None, 4)), "-1.23");
        assert_eq!(ok(decimal(123.456, None, 4)), "123.5");
        assert_eq!(ok(decimal(9999.4, None, 4)), "9999");
        assert_eq!(
            ok(decimal(9.9996, None, 4)),
            "10.00",
            "rounding adds a digit"
        );
        assert_eq!(ok(decimal(1.23456, None, 8)), "1.2345600");
        assert!(decimal(9999.5, None, 4).is_err());
        assert!(decimal(-1000.0, None, 4).is_err());
    }

    #[test]
    fn exact_rounding_agrees_with_the_standard_library() {
        // Rust's formatter rounds the exact value ties-to-even, as printf does; the
        // library's own conversion (no float formatting code in the C library) must agree.
        let values = [
            0.0,
            1.0,
            0.5,
            1.5,
            2.5,
            0.125,
            0.375,
            2.675,
            1.005,
            9.995,
            9.996,
            99.5,
            123.456,
            1e-7,
            3.0e-20,
            4.9e-324,
            1e15 + 0.3,
            65535.99,
            0.1,
            0.2,
            0.30000000000000004,
        ];
        for value in values {
            for places in 0..12 {
                for sign in [1.0, -1.0] {
                    let value = sign * value;
                    let expected = format!("{value:.places$}");
                    let expected = match expected.strip_prefix('-') {
                        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.into(),
                        _ => expected,
                    };
                    assert_eq!(
                        with_places(value, places, 40).as_deref(),
                        Some(expected.as_str()),
                        "{value:e} to {places}"
                    );
                }
            }
        }
        // Doubles of every magnitude from their bits (a fixed xorshift sequence).
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let value = f64::from_bits(state & !(0x7FFu64 << 52) | ((state % 1100) << 52));
            let places = (state >> 40) as usize % 20;
            let expected = format!("{value:.places$}");
            let expected = match expected.strip_prefix('-') {
                Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.into(),
                _ => expected,
            };
            // 38 digits: what 128 bits hold (a chain shows at most 32 characters).
            let fits = width(&expected) <= 38;
            assert_eq!(
                with_places(value, places, 38),
                fits.then_some(expected),
                "{value:e} to {places}"
            );
        }
        assert_eq!(with_places(1e300, 0, 40), None);
        // Past 128 bits before the shift (3.46e38) and after it (2^127 x 3): no digits.
        assert_eq!(scaled(3.4637180012700624e20, 18), None);
        assert_eq!(scaled(3.0 * 2f64.powi(127), 0), None);
        assert_eq!(
            scaled(2f64.powi(127), 0),
            Some(1u128 << 127),
            "the largest that fits"
        );
        assert_eq!(
            scaled(1.5 * 2f64.powi(-1060), 38),
            Some(0),
            "far below one unit"
        );
        // 2^52 x 10^27 is 2^141.7: past 128 bits in the third limb alone (and with no
        // shift after it to notice); 2^60 x 10^25 likewise, then shifted.
        assert_eq!(scaled(2f64.powi(52), 27), None);
        assert_eq!(scaled(2f64.powi(60), 25), None);
        assert_eq!(with_places(f64::MAX, 2, 40), None);
    }

    #[test]
    fn not_a_number_is_refused() {
        assert!(matches!(
            decimal(f64::NAN, Some(1), 4),
            Err(Error::NotANumber(_))
        ));
        assert!(decimal(f64::INFINITY, None, 4).is_err());
        assert!(decimal(f64::NEG_INFINITY, None, 4).is_err());
    }
}
