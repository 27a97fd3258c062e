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
    let text = if upper {
        format!("{value:X}")
    } else {
        format!("{value:x}")
            .chars()
            .map(|c| match c {
                'a' | 'c' | 'e' | 'f' => c.to_ascii_uppercase(),
                other => other,
            })
            .collect()
    };
    fitting(text, cells)
}

/// A number with `decimals` digits after the point, or with as many as fit when
/// `decimals` is `None`. Rounded as C's `printf("%.*f")` rounds: the double's exact value,
/// to nearest, ties to even (9.996 to 2 decimals is `10.00`; 2.675 is `2.67` because the
/// double nearest 2.675 is below it). A result that rounds to zero has no minus sign.
pub fn decimal(value: f64, decimals: Option<usize>, cells: usize) -> Result<String> {
    if !value.is_finite() {
        return Err(Error::NotANumber(value));
    }
    let format = |places: usize| {
        let text = format!("{value:.places$}");
        match text.strip_prefix('-') {
            Some(magnitude) if magnitude.chars().all(|c| c == '0' || c == '.') => {
                magnitude.to_string()
            }
            _ => text,
        }
    };
    match decimals {
        Some(places) => fitting(format(places), cells),
        None => (0..cells)
            .rev()
            .map(format)
            .find(|text| width(text) <= cells)
            .ok_or_else(|| Error::DoesNotFit(format(0), cells)),
    }
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
    fn not_a_number_is_refused() {
        assert!(matches!(
            decimal(f64::NAN, Some(1), 4),
            Err(Error::NotANumber(_))
        ));
        assert!(decimal(f64::INFINITY, None, 4).is_err());
        assert!(decimal(f64::NEG_INFINITY, None, 4).is_err());
    }
}
