//! The 7-segment glyph table of the Adafruit backpack driver, and the words of the
//! `HT16K33_SAY_*` macros.
//!
//! The header generator (`make headers`) emits `ht16k55_digits[129]` and the macros
//! into `7seg_bp_ada.h` from here, so the header and the driver share one table.
//! Segment bits: A = 0x01 ... G = 0x40, decimal point = 0x80.

/// Glyph value for a blank position (and the colon off).
pub const BLANK: u8 = 127;
/// Glyph value with every segment lit (and the colon on).
pub const FULL: u8 = 128;
/// Pattern the table holds for values that have no glyph (segments A, D and DP).
pub const NO_GLYPH: u8 = 0x89;
/// Decimal point segment.
pub const DECIMAL_POINT: u8 = 0x80;

pub use super::tables::GLYPHS;

/// The pattern for `value`, or `None` when it is past the table.
pub fn glyph(value: u8) -> Option<u8> {
    GLYPHS.get(usize::from(value)).copied()
}

/// The `HT16K33_SAY_<NAME>` words: the five values written to positions 0, 1, colon, 3, 4.
pub const WORDS: [(&str, [u8; 5]); 7] = [
    ("HELLO", [b'H', b'E', BLANK, b'#', b'o']),
    ("NO", [BLANK, b'n', BLANK, b'o', BLANK]),
    ("YES", [b'y', b'E', BLANK, b'S', BLANK]),
    ("PLAY", [b'P', b'L', BLANK, b'A', b'y']),
    ("HELP", [b'H', b'E', BLANK, b'L', b'P']),
    ("YOU", [b'y', b'o', BLANK, b'u', BLANK]),
    ("COOL", [b'C', b'O', BLANK, b'O', b'L']),
];
