//! Text for the 4-digit backpack: which segment pattern each of the five positions shows
//! for a string such as `"12:34"`, `"3.14"` or `"HELP"`.

use super::commands::POSITIONS;
use super::glyphs::{glyph, BLANK, DECIMAL_POINT, FULL, NO_GLYPH};

/// Positions of the four digits (position 2 is the colon).
const DIGIT_POSITIONS: [usize; 4] = [0, 1, 3, 4];
/// Position of the colon.
const COLON_POSITION: usize = 2;

/// Why a text cannot be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// More than four characters (not counting `:` and `.`).
    #[error("{0:?} needs more than 4 digits")]
    TooLong(String),
    /// A character the glyph table has no shape for.
    #[error("{0:?} cannot be shown on 7 segments")]
    NoGlyph(char),
}

/// The glyph table value of `character`, if the table has a shape for it (ASCII from
/// space to `~`; `:` and `.` are not glyphs here, see [`layout`]).
pub fn glyph_value(character: char) -> Option<u8> {
    let value = u8::try_from(u32::from(character)).ok()?;
    if !(b' '..BLANK).contains(&value) {
        return None;
    }
    glyph(value).filter(|pattern| *pattern != NO_GLYPH)?;
    Some(value)
}

/// Lays `text` out on the backpack, left-aligned (pad with spaces to right-align): up to
/// four characters; `:` lights the colon; `.` lights the decimal point of the character
/// before it (or of a blank digit when there is none, or it has one already). Returns
/// the segment patterns of positions 0, 1, colon, 3 and 4
/// (see [`super::DisplayState::positions`]).
///
/// ```
/// use lightseg::ht16k33::text::layout;
/// // "1", "2.", colon, "3", "4": the colon is position 2, the decimal point 0x80.
/// assert_eq!(layout("12.:34"), Ok([0x06, 0x5B | 0x80, 0xFF, 0x4F, 0x66]));
/// assert!(layout("12345").is_err());
/// ```
pub fn layout(text: &str) -> Result<[u8; POSITIONS], TextError> {
    let mut positions = [0u8; POSITIONS];
    let mut digits: usize = 0;
    let too_long = || TextError::TooLong(text.to_string());
    for character in text.chars() {
        let pattern = match character {
            ':' => {
                positions[COLON_POSITION] = glyph(FULL).unwrap_or(0xFF);
                continue;
            }
            '.' => {
                let last = digits.checked_sub(1).map(|index| DIGIT_POSITIONS[index]);
                if let Some(position) = last {
                    if positions[position] & DECIMAL_POINT == 0 {
                        positions[position] |= DECIMAL_POINT;
                        continue;
                    }
                }
                DECIMAL_POINT
            }
            _ => {
                let value = glyph_value(character).ok_or(TextError::NoGlyph(character))?;
                glyph(value).unwrap_or(0)
            }
        };
        let position = *DIGIT_POSITIONS.get(digits).ok_or_else(too_long)?;
        positions[position] = pattern;
        digits += 1;
    }
    Ok(positions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_colon_and_points_take_their_positions() {
        // Patterns restated from the glyph table: 1 = 0x06, 2 = 0x5B, 3 = 0x4F, 4 = 0x66.
        assert_eq!(layout("12:34"), Ok([0x06, 0x5B, 0xFF, 0x4F, 0x66]));
        assert_eq!(layout("1.2.3.4."), Ok([0x86, 0xDB, 0x00, 0xCF, 0xE6]));
        assert_eq!(layout("42"), Ok([0x66, 0x5B, 0x00, 0x00, 0x00]));
        assert_eq!(layout("  42"), Ok([0x00, 0x00, 0x00, 0x66, 0x5B]));
        assert_eq!(layout(""), Ok([0; POSITIONS]));
    }

    #[test]
    fn a_point_without_a_digit_before_it_gets_a_blank_digit() {
        assert_eq!(layout(".5"), Ok([0x80, 0x6D, 0x00, 0x00, 0x00]));
        assert_eq!(layout("1.."), Ok([0x86, 0x80, 0x00, 0x00, 0x00]));
    }

    #[test]
    fn letters_come_from_the_glyph_table() {
        // H = 0x76, E = 0x79, L = 0x38, P = 0x73; '-' = 0x40.
        assert_eq!(layout("HELP"), Ok([0x76, 0x79, 0x00, 0x38, 0x73]));
        assert_eq!(layout("-1"), Ok([0x40, 0x06, 0x00, 0x00, 0x00]));
    }

    #[test]
    fn what_cannot_be_shown_is_refused() {
        assert_eq!(layout("12345"), Err(TextError::TooLong("12345".into())));
        assert_eq!(
            layout("1.2.3.4.."),
            Err(TextError::TooLong("1.2.3.4..".into()))
        );
        // 'K', 'M', 'W' and '&' have no shape in the table (0x89); nor has a non-ASCII char.
        for character in ['K', 'M', 'W', '&', 'é', '\n'] {
            assert_eq!(
                layout(&character.to_string()),
                Err(TextError::NoGlyph(character))
            );
        }
    }
}
