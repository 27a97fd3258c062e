//! The Adafruit HT16K33 backpacks and where their LEDs sit in the 16-byte display RAM
//! (docs/DISPLAYS.md has the maps and their sources).

use crate::error::{Error, Result};

/// Which Adafruit backpack an HT16K33 drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BackpackKind {
    /// 0.56" 4-digit 7-segment (colon between digits 1 and 2; a decimal point per digit).
    #[default]
    Seg7,
    /// 1.2" 4-digit 7-segment: centre colon, left colon dots and one upper dot.
    Seg7Large,
    /// 0.54" quad alphanumeric: four 14-segment characters with decimal points.
    Alphanumeric,
    /// 8x8 single-colour matrix.
    Matrix8x8,
    /// 8x8 bicolour (red, green, yellow) matrix.
    Bicolor8x8,
    /// 16x8 1.2" matrix backpack: 16 pixels wide, 8 tall.
    Matrix16x8,
    /// 16x8 0.8" mini matrix FeatherWing: 16 pixels wide, 8 tall.
    MiniMatrix16x8,
    /// Bicolour 24-bar bargraph.
    Bargraph24,
}

/// Every kind, in the order of their C values.
pub const KINDS: [BackpackKind; 8] = [
    BackpackKind::Seg7,
    BackpackKind::Seg7Large,
    BackpackKind::Alphanumeric,
    BackpackKind::Matrix8x8,
    BackpackKind::Bicolor8x8,
    BackpackKind::Matrix16x8,
    BackpackKind::MiniMatrix16x8,
    BackpackKind::Bargraph24,
];

/// How a kind shows things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// Character cells (`cells` per backpack), 7 or 14 segments each.
    Segments {
        /// Characters per backpack.
        cells: usize,
        /// 14-segment characters (otherwise 7).
        fourteen: bool,
    },
    /// A pixel grid, `width` x `height` per backpack (rotation 0).
    Pixels {
        /// Pixels across.
        width: usize,
        /// Pixels down.
        height: usize,
        /// Red and green LEDs per pixel.
        bicolor: bool,
    },
    /// `bars` bicolour bars per backpack.
    Bars {
        /// Bars per backpack.
        bars: usize,
    },
}

impl BackpackKind {
    /// The name used by the command, the emulator's scenes and the docs.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Seg7 => "seg7",
            Self::Seg7Large => "seg7-large",
            Self::Alphanumeric => "alphanumeric",
            Self::Matrix8x8 => "matrix8x8",
            Self::Bicolor8x8 => "bicolor8x8",
            Self::Matrix16x8 => "matrix16x8",
            Self::MiniMatrix16x8 => "mini16x8",
            Self::Bargraph24 => "bargraph24",
        }
    }

    /// The kind named `name` (see [`BackpackKind::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        KINDS.into_iter().find(|kind| kind.name() == name)
    }

    /// The kind with C value `value` (its index in [`KINDS`]).
    pub fn from_index(value: i32) -> Result<Self> {
        usize::try_from(value)
            .ok()
            .and_then(|index| KINDS.get(index).copied())
            .ok_or(Error::InvalidArgument("backpack kind"))
    }

    /// The C value of this kind.
    pub fn index(self) -> i32 {
        KINDS.iter().position(|kind| *kind == self).unwrap_or(0) as i32
    }

    /// What the LEDs of this kind are.
    pub const fn surface(self) -> Surface {
        match self {
            Self::Seg7 | Self::Seg7Large => Surface::Segments {
                cells: 4,
                fourteen: false,
            },
            Self::Alphanumeric => Surface::Segments {
                cells: 4,
                fourteen: true,
            },
            Self::Matrix8x8 => Surface::Pixels {
                width: 8,
                height: 8,
                bicolor: false,
            },
            Self::Bicolor8x8 => Surface::Pixels {
                width: 8,
                height: 8,
                bicolor: true,
            },
            Self::Matrix16x8 | Self::MiniMatrix16x8 => Surface::Pixels {
                width: 16,
                height: 8,
                bicolor: false,
            },
            Self::Bargraph24 => Surface::Bars { bars: 24 },
        }
    }

    /// The RAM bytes of character `cell` (0-3): the low byte and, on 14 segments, the
    /// high byte. `None` for other kinds or cells.
    pub fn cell_bytes(self, cell: usize) -> Option<(usize, Option<usize>)> {
        match self.surface() {
            Surface::Segments { cells, .. } if cell >= cells => None,
            Surface::Segments {
                fourteen: false, ..
            } => Some(([0, 2, 6, 8][cell], None)),
            Surface::Segments { fourteen: true, .. } => Some((2 * cell, Some(2 * cell + 1))),
            _ => None,
        }
    }

    /// Every segment bit a character cell of this kind has (decimal point included): 8
    /// on 7 segments, 15 on the alphanumeric (bit 15 is wired to nothing). 0 for kinds
    /// without characters.
    pub const fn segment_bits(self) -> u16 {
        match self.surface() {
            Surface::Segments {
                fourteen: false, ..
            } => 0x00FF,
            Surface::Segments { fourteen: true, .. } => 0x7FFF,
            _ => 0,
        }
    }

    /// The colon and dot bits of RAM byte [`DOTS_BYTE`] this kind has: the colon on the
    /// 0.56", the colon, the left colon's two dots and the upper dot on the 1.2". 0 for
    /// kinds without them.
    pub const fn dot_bits(self) -> u8 {
        match self {
            Self::Seg7 => DOT_COLON,
            Self::Seg7Large => DOT_COLON | DOT_LEFT_UPPER | DOT_LEFT_LOWER | DOT_UPPER,
            _ => 0,
        }
    }

    /// The decimal point bit of a character cell (as a 16-bit segment pattern).
    pub const fn decimal_point(self) -> u16 {
        match self {
            Self::Alphanumeric => ALPHA_DECIMAL_POINT,
            _ => SEG7_DECIMAL_POINT,
        }
    }

    /// Where the LED of pixel (`x`, `y`) of one backpack (rotation 0) is: RAM byte and
    /// bit, for the green LED of a bicolour matrix then the red one. `None` off the grid.
    pub fn pixel_bits(self, x: usize, y: usize) -> Option<[(usize, u8); 2]> {
        let Surface::Pixels { width, height, .. } = self.surface() else {
            return None;
        };
        if x >= width || y >= height {
            return None;
        }
        let one = |byte: usize, bit: usize| (byte, 1u8 << bit);
        Some(match self {
            // Column 0 is wired to ROW7, columns 1-7 to ROW0-6.
            Self::Matrix8x8 => [one(2 * y, (x + 7) % 8); 2],
            Self::Bicolor8x8 => [one(2 * y, x), one(2 * y + 1, x)],
            Self::Matrix16x8 => [one(2 * y + x / 8, x % 8); 2],
            _ => [one(2 * (x % 8) + x / 8, y); 2],
        })
    }

    /// Where bar `bar` (0-23) of a bargraph is: (RAM byte, bit) of its red LED and of its
    /// green LED. `None` for other kinds or bars.
    pub fn bar_bits(self, bar: usize) -> Option<[(usize, u8); 2]> {
        let Surface::Bars { bars } = self.surface() else {
            return None;
        };
        if bar >= bars {
            return None;
        }
        let com = (bar % 12) / 4;
        let row = bar % 4 + if bar >= 12 { 4 } else { 0 };
        Some([(2 * com, 1 << row), (2 * com + 1, 1 << row)])
    }
}

/// Decimal point of a 7-segment cell.
pub const SEG7_DECIMAL_POINT: u16 = 0x80;
/// Decimal point of a 14-segment cell.
pub const ALPHA_DECIMAL_POINT: u16 = 0x4000;
/// RAM byte of the 7-segment backpacks' colon and dots.
pub const DOTS_BYTE: usize = 4;
/// The colon (both dots; on the 1.2" the centre colon).
pub const DOT_COLON: u8 = 0x02;
/// 1.2" only: upper dot of the left colon.
pub const DOT_LEFT_UPPER: u8 = 0x04;
/// 1.2" only: lower dot of the left colon.
pub const DOT_LEFT_LOWER: u8 = 0x08;
/// 1.2" only: the single upper dot between digits 2 and 3.
pub const DOT_UPPER: u8 = 0x10;

/// A pixel or bar colour. On single-colour matrices any colour but `Off` lights the LED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Color {
    /// Dark.
    #[default]
    Off,
    /// Red LED.
    Red,
    /// Green LED.
    Green,
    /// Both LEDs.
    Yellow,
}

impl Color {
    /// The colour with C value `value` (0 off, 1 red, 2 green, 3 yellow).
    pub fn from_index(value: i32) -> Result<Self> {
        match value {
            0 => Ok(Self::Off),
            1 => Ok(Self::Red),
            2 => Ok(Self::Green),
            3 => Ok(Self::Yellow),
            _ => Err(Error::InvalidArgument("colour")),
        }
    }

    /// Whether the red LED is lit.
    pub const fn red(self) -> bool {
        matches!(self, Self::Red | Self::Yellow)
    }

    /// Whether the green LED is lit.
    pub const fn green(self) -> bool {
        matches!(self, Self::Green | Self::Yellow)
    }

    /// The colour of a red and a green LED.
    pub const fn from_leds(red: bool, green: bool) -> Self {
        match (red, green) {
            (false, false) => Self::Off,
            (true, false) => Self::Red,
            (false, true) => Self::Green,
            (true, true) => Self::Yellow,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_indexes_round_trip() {
        for (index, kind) in KINDS.iter().enumerate() {
            assert_eq!(BackpackKind::from_name(kind.name()), Some(*kind));
            assert_eq!(kind.index(), index as i32);
            assert_eq!(BackpackKind::from_index(index as i32).ok(), Some(*kind));
        }
        assert!(BackpackKind::from_index(8).is_err());
        assert!(BackpackKind::from_index(-1).is_err());
        assert_eq!(BackpackKind::from_name("seg14"), None);
    }

    #[test]
    fn seven_segment_digits_skip_the_colon_byte() {
        let bytes: Vec<_> = (0..5).map(|c| BackpackKind::Seg7.cell_bytes(c)).collect();
        assert_eq!(
            bytes,
            [
                Some((0, None)),
                Some((2, None)),
                Some((6, None)),
                Some((8, None)),
                None
            ]
        );
        assert_eq!(BackpackKind::Alphanumeric.cell_bytes(3), Some((6, Some(7))));
        assert_eq!(BackpackKind::Matrix8x8.cell_bytes(0), None);
    }

    #[test]
    fn matrix_maps_restated() {
        // 8x8: byte 2y, column 0 on ROW7, column x on ROW x-1.
        assert_eq!(
            BackpackKind::Matrix8x8.pixel_bits(0, 0),
            Some([(0, 0x80); 2])
        );
        assert_eq!(
            BackpackKind::Matrix8x8.pixel_bits(1, 3),
            Some([(6, 0x01); 2])
        );
        // Bicolour: green byte 2y bit x, red byte 2y+1 bit x.
        assert_eq!(
            BackpackKind::Bicolor8x8.pixel_bits(2, 5),
            Some([(10, 0x04), (11, 0x04)])
        );
        // 16x8 backpack: byte 2y + x div 8, bit x mod 8.
        assert_eq!(
            BackpackKind::Matrix16x8.pixel_bits(9, 7),
            Some([(15, 0x02); 2])
        );
        // FeatherWing: byte 2 (x mod 8) + (x >= 8), bit y.
        assert_eq!(
            BackpackKind::MiniMatrix16x8.pixel_bits(9, 7),
            Some([(3, 0x80); 2])
        );
        assert_eq!(
            BackpackKind::MiniMatrix16x8.pixel_bits(2, 1),
            Some([(4, 0x02); 2])
        );
        assert_eq!(
            BackpackKind::MiniMatrix16x8.pixel_bits(13, 0),
            Some([(11, 0x01); 2])
        );
        assert_eq!(BackpackKind::Matrix8x8.pixel_bits(8, 0), None);
        assert_eq!(BackpackKind::Matrix16x8.pixel_bits(0, 8), None);
        assert_eq!(BackpackKind::Seg7.pixel_bits(0, 0), None);
    }

    #[test]
    fn bargraph_map_restated() {
        // bars 0-3 red byte 0 bits 0-3; 4-7 byte 2; 8-11 byte 4; 12-15 byte 0 bits 4-7;
        // green is the next byte.
        let kind = BackpackKind::Bargraph24;
        assert_eq!(kind.bar_bits(0), Some([(0, 0x01), (1, 0x01)]));
        assert_eq!(kind.bar_bits(5), Some([(2, 0x02), (3, 0x02)]));
        assert_eq!(kind.bar_bits(11), Some([(4, 0x08), (5, 0x08)]));
        assert_eq!(kind.bar_bits(12), Some([(0, 0x10), (1, 0x10)]));
        assert_eq!(kind.bar_bits(23), Some([(4, 0x80), (5, 0x80)]));
        assert_eq!(kind.bar_bits(24), None);
        // Every bar has its own two LEDs.
        let mut seen = std::collections::HashSet::new();
        for bar in 0..24 {
            for led in kind.bar_bits(bar).into_iter().flatten() {
                assert!(seen.insert(led), "bar {bar} shares {led:?}");
            }
        }
    }

    #[test]
    fn colours() {
        for (index, color) in [Color::Off, Color::Red, Color::Green, Color::Yellow]
            .into_iter()
            .enumerate()
        {
            assert_eq!(Color::from_index(index as i32).ok(), Some(color));
        }
        assert!(Color::from_index(4).is_err());
        assert!(Color::Yellow.red() && Color::Yellow.green());
        assert_eq!(Color::from_leds(true, false), Color::Red);
        assert_eq!(Color::from_leds(false, true), Color::Green);
    }
}
