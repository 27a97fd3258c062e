//! Text for the 4-digit backpack as the five positions of the old driver's buffer
//! (digit 0, digit 1, colon, digit 2, digit 3), for code built on [`super::DisplayState`].

use super::backpack::BackpackKind;
use super::commands::POSITIONS;
use super::frame::Frame;
use crate::error::Result;

/// The five positions of a RAM image of the 0.56" backpack (bytes 0, 2, 4, 6, 8).
pub fn positions(ram: &[u8; 16]) -> [u8; POSITIONS] {
    [ram[0], ram[2], ram[4], ram[6], ram[8]]
}

/// A RAM image holding the five `positions`.
pub fn ram_from_positions(positions: &[u8; POSITIONS]) -> [u8; 16] {
    let mut ram = [0; 16];
    for (index, pattern) in positions.iter().enumerate() {
        ram[2 * index] = *pattern;
    }
    ram
}

/// Lays `text` out on the backpack, left-aligned, as [`Frame::print_text`] does: up to
/// four characters; `:` lights the colon (0x02); `.` lights the decimal point of the
/// character before it. Returns the patterns of positions 0, 1, colon, 3 and 4.
///
/// ```
/// use lightseg::ht16k33::text::layout;
/// // "1", "2.", colon, "3", "4": the colon is position 2, the decimal point 0x80.
/// assert_eq!(layout("12.:34").unwrap(), [0x06, 0x5B | 0x80, 0x02, 0x4F, 0x66]);
/// assert!(layout("12345").is_err());
/// ```
pub fn layout(text: &str) -> Result<[u8; POSITIONS]> {
    let mut frame = Frame::new(BackpackKind::Seg7, 1)?;
    frame.print_text(text)?;
    Ok(positions(&frame.ram()[0]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn digits_colon_and_points_take_their_positions() {
        // Patterns restated from the glyph table: 1 = 0x06, 2 = 0x5B, 3 = 0x4F, 4 = 0x66.
        assert_eq!(layout("12:34").ok(), Some([0x06, 0x5B, 0x02, 0x4F, 0x66]));
        assert_eq!(
            layout("1.2.3.4.").ok(),
            Some([0x86, 0xDB, 0x00, 0xCF, 0xE6])
        );
        assert_eq!(layout("42").ok(), Some([0x66, 0x5B, 0x00, 0x00, 0x00]));
        assert_eq!(layout("  42").ok(), Some([0x00, 0x00, 0x00, 0x66, 0x5B]));
        assert_eq!(layout("").ok(), Some([0; POSITIONS]));
    }

    #[test]
    fn a_point_without_a_digit_before_it_gets_a_blank_digit() {
        assert_eq!(layout(".5").ok(), Some([0x80, 0x6D, 0x00, 0x00, 0x00]));
        assert_eq!(layout("1..").ok(), Some([0x86, 0x80, 0x00, 0x00, 0x00]));
    }

    #[test]
    fn letters_come_from_the_glyph_table() {
        // H = 0x76, E = 0x79, L = 0x38, P = 0x73; '-' = 0x40.
        assert_eq!(layout("HELP").ok(), Some([0x76, 0x79, 0x00, 0x38, 0x73]));
        assert_eq!(layout("-1").ok(), Some([0x40, 0x06, 0x00, 0x00, 0x00]));
    }

    #[test]
    fn what_cannot_be_shown_is_refused() {
        assert!(matches!(layout("12345"), Err(Error::DoesNotFit(..))));
        assert!(matches!(layout("1.2.3.4.."), Err(Error::DoesNotFit(..))));
        // 'K', 'M', 'W' and '&' have no shape in the table (0x89); nor has a non-ASCII char.
        for character in ['K', 'M', 'W', '&', 'é', '\n'] {
            assert!(
                matches!(layout(&character.to_string()), Err(Error::NoGlyph(c)) if c == character),
                "{character:?}"
            );
        }
    }

    #[test]
    fn positions_and_ram_round_trip() {
        let positions_in = [1, 2, 3, 4, 5];
        let ram = ram_from_positions(&positions_in);
        assert_eq!(ram[..10], [1, 0, 2, 0, 3, 0, 4, 0, 5, 0]);
        assert_eq!(positions(&ram), positions_in);
    }
}
