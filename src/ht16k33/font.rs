//! Character shapes for printing text: a 7-segment font (the old driver's glyph table,
//! [`super::glyphs`], mended: it stays as it is for `HT16K33_UPDATE_DIGIT`) and a
//! 14-segment font for the quad alphanumeric backpack.

use super::backpack::BackpackKind;
use super::glyphs::NO_GLYPH;

pub use super::tables::{ALPHA_FONT, SEG7_FONT};

/// The segment pattern of `character` on `kind`'s character cells, without a decimal
/// point; `None` when the font has no shape for it ('.' and ':' are handled by the
/// layout, not here).
pub fn shape(kind: BackpackKind, character: char) -> Option<u16> {
    let code = u8::try_from(u32::from(character)).ok()?;
    if !(b' '..=b'~').contains(&code) {
        return None;
    }
    let index = usize::from(code - b' ');
    match kind {
        BackpackKind::Alphanumeric => ALPHA_FONT.get(index).copied(),
        _ => SEG7_FONT
            .get(index)
            .copied()
            .filter(|pattern| *pattern != NO_GLYPH)
            .map(u16::from),
    }
}

/// Where several characters share a shape, digits and letters are read first.
const PREFERRED: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-";

/// The character whose shape is `pattern` on `kind` (digits and letters first), for
/// reading a display back as text. `None` when no character has it.
pub fn character(kind: BackpackKind, pattern: u16) -> Option<char> {
    PREFERRED
        .chars()
        .chain((b' '..=b'~').map(char::from))
        .find(|c| *c != '.' && shape(kind, *c) == Some(pattern))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphanumeric_font_restated() {
        // A few rows of the published table: '0' 0x0C3F, 'A' 0x00F7, 'K' 0x2470,
        // 'M' 0x0536, 'W' 0x2836, 'X' 0x2D00, 'z' 0x0848, '~' 0x0520.
        let a = BackpackKind::Alphanumeric;
        for (c, pattern) in [
            ('0', 0x0C3F),
            ('A', 0x00F7),
            ('K', 0x2470),
            ('M', 0x0536),
            ('W', 0x2836),
            ('X', 0x2D00),
            ('z', 0x0848),
            ('~', 0x0520),
            (' ', 0),
        ] {
            assert_eq!(shape(a, c), Some(pattern), "{c}");
        }
        assert_eq!(shape(a, '\u{7f}'), None);
        assert_eq!(shape(a, 'é'), None);
        assert_eq!(shape(a, '\t'), None);
        // X is H+K+L+N (bits 8, 10, 11, 13).
        assert_eq!(shape(a, 'X'), Some(1 << 8 | 1 << 10 | 1 << 11 | 1 << 13));
    }

    #[test]
    fn seven_segment_shapes_are_the_glyph_table_mended() {
        let s = BackpackKind::Seg7;
        assert_eq!(shape(s, '8'), Some(0x7F));
        assert_eq!(shape(s, 'b'), Some(0x7C));
        assert_eq!(shape(s, 'K'), None, "0x89 in the table means no shape");
        assert_eq!(shape(BackpackKind::Seg7Large, 'H'), Some(0x76));
        // The mended letters (the old table's in the comments), as Adafruit draws them.
        for (c, pattern) in [
            ('a', 0x5F), // 0xDF: "a."
            ('l', 0x30), // 0x86: "1."
            ('x', 0x76), // 0xB6
            ('Q', 0x67), // 0xBF: "0."
            ('_', 0x08), // 0x88
            ('t', 0x78), // none
            ('T', 0x78), // none
            ('V', 0x3E), // none
        ] {
            assert_eq!(shape(s, c), Some(pattern), "{c}");
        }
        // No letter or digit carries the decimal point; UPDATE_DIGIT's table is as it was.
        for c in ('0'..='9').chain('A'..='Z').chain('a'..='z') {
            assert_eq!(shape(s, c).unwrap_or(0) & 0x80, 0, "{c}");
        }
        assert_eq!(super::super::glyphs::glyph(b'a'), Some(0xDF));
    }

    #[test]
    fn shapes_read_back_as_characters() {
        assert_eq!(character(BackpackKind::Seg7, 0x5B), Some('2'));
        assert_eq!(character(BackpackKind::Alphanumeric, 0x2470), Some('K'));
        assert_eq!(character(BackpackKind::Alphanumeric, 0x7FFF), None);
    }
}
