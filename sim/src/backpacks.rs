//! What an emulated HT16K33 shows on each Adafruit backpack: the backpack's wiring
//! (which RAM bit lights which LED, docs/DISPLAYS.md), read back as text for the report
//! (`"shows"`), drawn in the terminal and written as an SVG picture.
//!
//! This is the hardware side, written from the wiring independently of the library's
//! encoders (only the font tables are shared, as data), so that tests comparing what a
//! display shows with what a program printed check the library's maps.

use serde::Deserialize;

#[allow(dead_code)]
mod tables {
    include!("../../src/ht16k33/tables.rs");
}
use tables::{ALPHA_FONT, SEG7_FONT};

/// The backpack an emulated HT16K33 sits on (scene key `backpack`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Backpack {
    /// 0.56" 4-digit 7-segment.
    #[default]
    Seg7,
    /// 1.2" 4-digit 7-segment.
    Seg7Large,
    /// Quad alphanumeric, 14 segments.
    Alphanumeric,
    /// 8x8 single colour.
    #[serde(rename = "matrix8x8")]
    Matrix8x8,
    /// 8x8 bicolour.
    #[serde(rename = "bicolor8x8")]
    Bicolor8x8,
    /// 16x8 1.2" matrix backpack.
    #[serde(rename = "matrix16x8")]
    Matrix16x8,
    /// 16x8 0.8" FeatherWing.
    #[serde(rename = "mini16x8")]
    Mini16x8,
    /// Bicolour 24-bar bargraph.
    #[serde(rename = "bargraph24")]
    Bargraph24,
}

impl Backpack {
    /// The name in scenes and reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Seg7 => "seg7",
            Self::Seg7Large => "seg7-large",
            Self::Alphanumeric => "alphanumeric",
            Self::Matrix8x8 => "matrix8x8",
            Self::Bicolor8x8 => "bicolor8x8",
            Self::Matrix16x8 => "matrix16x8",
            Self::Mini16x8 => "mini16x8",
            Self::Bargraph24 => "bargraph24",
        }
    }

    /// What a person calls it, for captions.
    pub fn title(self) -> &'static str {
        match self {
            Self::Seg7 => "0.56\" 7-segment",
            Self::Seg7Large => "1.2\" 7-segment",
            Self::Alphanumeric => "quad alphanumeric",
            Self::Matrix8x8 => "8x8 matrix",
            Self::Bicolor8x8 => "bicolour 8x8 matrix",
            Self::Matrix16x8 => "16x8 matrix",
            Self::Mini16x8 => "16x8 mini matrix",
            Self::Bargraph24 => "24-bar bargraph",
        }
    }
}

/// A pixel or bar: which of its LEDs are lit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leds {
    /// Red (or the only) LED.
    pub red: bool,
    /// Green LED.
    pub green: bool,
}

impl Leds {
    fn letter(self, bicolor: bool) -> char {
        match (self.red, self.green, bicolor) {
            (false, false, _) => '.',
            (_, _, false) => '#',
            (true, false, true) => 'R',
            (false, true, true) => 'G',
            (true, true, true) => 'Y',
        }
    }
}

fn bit(ram: &[u8; 16], byte: usize, bit: usize) -> bool {
    ram[byte] & (1 << bit) != 0
}

/// The segment patterns of the four characters (7 segments: 8 bits with the point;
/// 14 segments: 15 bits with the point at 0x4000).
pub fn characters(backpack: Backpack, ram: &[u8; 16]) -> [u16; 4] {
    let mut cells = [0u16; 4];
    for (index, cell) in cells.iter_mut().enumerate() {
        *cell = match backpack {
            Backpack::Alphanumeric => u16::from_le_bytes([ram[2 * index], ram[2 * index + 1]]),
            _ => u16::from(ram[[0, 2, 6, 8][index]]),
        };
    }
    cells
}

/// The pixel grid: rows top to bottom (`None` for kinds without pixels).
pub fn pixels(backpack: Backpack, ram: &[u8; 16]) -> Option<Vec<Vec<Leds>>> {
    let (width, height) = match backpack {
        Backpack::Matrix8x8 | Backpack::Bicolor8x8 => (8, 8),
        Backpack::Matrix16x8 | Backpack::Mini16x8 => (16, 8),
        _ => return None,
    };
    let one = |lit| Leds {
        red: lit,
        green: false,
    };
    Some(
        (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| match backpack {
                        // Column 0 on ROW7, columns 1-7 on ROW0-6 of COMy.
                        Backpack::Matrix8x8 => one(bit(ram, 2 * y, (x + 7) % 8)),
                        // Green ROW x of COMy (even byte), red ROW x+8 (odd byte).
                        Backpack::Bicolor8x8 => Leds {
                            red: bit(ram, 2 * y + 1, x),
                            green: bit(ram, 2 * y, x),
                        },
                        // COMy, ROW x.
                        Backpack::Matrix16x8 => one(bit(ram, 2 * y + x / 8, x % 8)),
                        // COM (x mod 8), ROW y (+8 for the right matrix).
                        _ => one(bit(ram, 2 * (x % 8) + x / 8, y)),
                    })
                    .collect()
            })
            .collect(),
    )
}

/// The 24 bars (`None` for other kinds): red on ROW a of COM c, green on ROW a+8.
pub fn bars(backpack: Backpack, ram: &[u8; 16]) -> Option<Vec<Leds>> {
    if backpack != Backpack::Bargraph24 {
        return None;
    }
    Some(
        (0..24)
            .map(|bar| {
                let com = (bar % 12) / 4;
                let row = bar % 4 + if bar >= 12 { 4 } else { 0 };
                Leds {
                    red: bit(ram, 2 * com, row),
                    green: bit(ram, 2 * com + 1, row),
                }
            })
            .collect(),
    )
}

/// Where several characters share a shape, digits and letters are read first.
const PREFERRED: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-";

/// The character a segment pattern shows, `?` when no character has that shape.
fn character(backpack: Backpack, pattern: u16) -> String {
    let point = if backpack == Backpack::Alphanumeric {
        0x4000
    } else {
        0x80
    };
    let body = pattern & !point;
    let found = PREFERRED
        .bytes()
        .chain(b' '..=b'~')
        .filter(|c| *c != b'.')
        .find(|c| match backpack {
            Backpack::Alphanumeric => ALPHA_FONT[usize::from(c - b' ')] == body,
            // 0x89 marks a character without a shape in the text font.
            _ => {
                SEG7_FONT[usize::from(c - b' ')] != 0x89
                    && u16::from(SEG7_FONT[usize::from(c - b' ')]) == body
            }
        });
    let mut text = match found {
        Some(c) => char::from(c).to_string(),
        None if body == 0 => " ".to_string(),
        None => "?".to_string(),
    };
    if pattern & point != 0 {
        text.push('.');
    }
    text
}

/// What the display shows, as text: characters with `.` and `:` (7-segment: the colon
/// after the second digit); matrices: rows of `#`/`.` (bicolour `R`, `G`, `Y`) joined
/// by `/`; bargraph: a letter per bar. Empty when the display is dark.
pub fn shows(backpack: Backpack, ram: &[u8; 16], lit: bool) -> String {
    if !lit {
        return String::new();
    }
    if let Some(rows) = pixel_rows(backpack, ram, "") {
        return rows.join("/");
    }
    if let Some(bars) = bars(backpack, ram) {
        return bars.iter().map(|leds| leds.letter(true)).collect();
    }
    let mut text = String::new();
    for (index, cell) in characters(backpack, ram).iter().enumerate() {
        text.push_str(&character(backpack, *cell));
        if index == 1 && backpack != Backpack::Alphanumeric && ram[4] & 0x02 != 0 {
            text.push(':');
        }
    }
    text
}

/// The pixel rows as letters (`.`, `#`, `R`, `G`, `Y`), each after `gap`.
fn pixel_rows(backpack: Backpack, ram: &[u8; 16], gap: &str) -> Option<Vec<String>> {
    let bicolor = backpack == Backpack::Bicolor8x8;
    let rows = pixels(backpack, ram)?;
    Some(
        rows.iter()
            .map(|row| {
                row.iter()
                    .map(|leds| format!("{gap}{}", leds.letter(bicolor)))
                    .collect()
            })
            .collect(),
    )
}

fn mark(on: bool, lit: char) -> char {
    if on {
        lit
    } else {
        ' '
    }
}

/// The display drawn as text rows, lit segments and pixels only.
pub fn draw(backpack: Backpack, ram: &[u8; 16], lit: bool) -> Vec<String> {
    let blank = [0u8; 16];
    let ram = if lit { ram } else { &blank };
    if let Some(rows) = pixel_rows(backpack, ram, " ") {
        return rows;
    }
    if let Some(bars) = bars(backpack, ram) {
        return vec![bars.iter().map(|leds| leds.letter(true)).collect()];
    }
    let cells = characters(backpack, ram);
    if backpack == Backpack::Alphanumeric {
        let mut rows = vec![String::new(); 5];
        for cell in cells {
            // Each row: the segment (bit) and mark of each place, None for a space.
            let layout: [&[Option<(u16, char)>]; 5] = [
                &[None, Some((0, '_')), Some((0, '_')), Some((0, '_')), None],
                &[
                    Some((5, '|')),
                    Some((8, '\\')),
                    Some((9, '|')),
                    Some((10, '/')),
                    Some((1, '|')),
                ],
                &[None, Some((6, '-')), None, Some((7, '-')), None],
                &[
                    Some((4, '|')),
                    Some((11, '/')),
                    Some((12, '|')),
                    Some((13, '\\')),
                    Some((2, '|')),
                ],
                &[
                    None,
                    Some((3, '_')),
                    Some((3, '_')),
                    Some((3, '_')),
                    Some((14, '.')),
                ],
            ];
            let parts = layout.map(|places| {
                places
                    .iter()
                    .map(|place| match place {
                        Some((bit, c)) => mark(cell & (1 << bit) != 0, *c),
                        None => ' ',
                    })
                    .collect::<String>()
            });
            for (row, part) in rows.iter_mut().zip(parts) {
                row.push_str(&part);
                row.push_str("  ");
            }
        }
        return rows;
    }
    let mut rows = vec![String::new(), String::new(), String::new()];
    let dots = ram[4];
    for (position, cell) in cells.iter().enumerate() {
        let p = *cell as u8;
        if position == 2 {
            let colon = dots & 0x02 != 0;
            rows[0].push_str("  ");
            rows[1].push_str(if colon { "o " } else { "  " });
            rows[2].push_str(if colon { "o " } else { "  " });
        }
        rows[0].extend([' ', mark(p & 0x01 != 0, '_'), ' ', ' ']);
        rows[1].extend([
            mark(p & 0x20 != 0, '|'),
            mark(p & 0x40 != 0, '_'),
            mark(p & 0x02 != 0, '|'),
            ' ',
        ]);
        rows[2].extend([
            mark(p & 0x10 != 0, '|'),
            mark(p & 0x08 != 0, '_'),
            mark(p & 0x04 != 0, '|'),
            mark(p & 0x80 != 0, '.'),
        ]);
    }
    if backpack == Backpack::Seg7Large && dots & 0x1C != 0 {
        rows.push(format!(
            "left colon {}{}, upper dot {}",
            mark(dots & 0x04 != 0, '\''),
            mark(dots & 0x08 != 0, '.'),
            mark(dots & 0x10 != 0, '\'')
        ));
    }
    rows
}

const DARK: &str = "#2a1a1a";

fn color(leds: Leds, bicolor: bool) -> &'static str {
    match (leds.red, leds.green, bicolor) {
        (false, false, _) => DARK,
        (_, _, false) => "#ff2a1a",
        (true, false, true) => "#ff2a1a",
        (false, true, true) => "#2aff3a",
        (true, true, true) => "#ffd21a",
    }
}

/// The display as an SVG picture: lit segments, pixels and bars in the LEDs' colour,
/// unlit ones dark, on a black face.
pub fn svg(backpack: Backpack, ram: &[u8; 16], lit: bool, caption: &str) -> String {
    let blank = [0u8; 16];
    let ram = if lit { ram } else { &blank };
    let mut shapes = Vec::new();
    let (width, height);
    let on = |b: bool| if b { "#ff2a1a" } else { DARK };
    if let Some(rows) = pixels(backpack, ram) {
        let bicolor = backpack == Backpack::Bicolor8x8;
        width = rows[0].len() * 20 + 20;
        height = rows.len() * 20 + 40;
        for (y, row) in rows.iter().enumerate() {
            for (x, leds) in row.iter().enumerate() {
                shapes.push(format!(
                    "<circle cx=\"{}\" cy=\"{}\" r=\"8\" fill=\"{}\"/>",
                    20 + x * 20,
                    20 + y * 20,
                    color(*leds, bicolor)
                ));
            }
        }
    } else if let Some(bars) = bars(backpack, ram) {
        width = 24 * 14 + 20;
        height = 80;
        for (index, leds) in bars.iter().enumerate() {
            shapes.push(format!(
                "<rect x=\"{}\" y=\"10\" width=\"10\" height=\"40\" fill=\"{}\"/>",
                10 + index * 14,
                color(*leds, true)
            ));
        }
    } else {
        // Segments as line strokes on a 40 x 70 cell; 14-segment diagonals included.
        let lines: &[(u16, [i32; 4])] = &[
            (0, [6, 5, 34, 5]),
            (1, [36, 7, 36, 33]),
            (2, [36, 37, 36, 63]),
            (3, [6, 65, 34, 65]),
            (4, [4, 37, 4, 63]),
            (5, [4, 7, 4, 33]),
            (6, [6, 35, 19, 35]),
            (7, [21, 35, 34, 35]),
            (8, [7, 8, 18, 32]),
            (9, [20, 7, 20, 33]),
            (10, [33, 8, 22, 32]),
            (11, [18, 38, 7, 62]),
            (12, [20, 37, 20, 63]),
            (13, [22, 38, 33, 62]),
        ];
        let cells = characters(backpack, ram);
        width = 4 * 60 + 40;
        height = 110;
        for (index, cell) in cells.iter().enumerate() {
            let x0 = 20 + index as i32 * 60 + if index >= 2 { 10 } else { 0 };
            let (point, segments): (u16, &[(u16, [i32; 4])]) = match backpack {
                Backpack::Alphanumeric => (0x4000, lines),
                _ => (0x80, &lines[..6]),
            };
            let mut all: Vec<(u16, [i32; 4])> = segments.to_vec();
            if backpack != Backpack::Alphanumeric {
                all.push((6, [6, 35, 34, 35]));
            }
            for (segment, [x1, y1, x2, y2]) in all {
                shapes.push(format!(
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"5\" stroke-linecap=\"round\"/>",
                    x0 + x1, 15 + y1, x0 + x2, 15 + y2, on(cell & (1 << segment) != 0)
                ));
            }
            shapes.push(format!(
                "<circle cx=\"{}\" cy=\"81\" r=\"3\" fill=\"{}\"/>",
                x0 + 44,
                on(cell & point != 0)
            ));
        }
        if backpack != Backpack::Alphanumeric {
            for cy in [38, 62] {
                shapes.push(format!(
                    "<circle cx=\"140\" cy=\"{cy}\" r=\"4\" fill=\"{}\"/>",
                    on(ram[4] & 0x02 != 0)
                ));
            }
        }
    }
    let caption = caption
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#111\"/>\n{}\n\
         <text x=\"10\" y=\"{}\" fill=\"#aaa\" font-family=\"monospace\" font-size=\"12\">{caption}</text>\n</svg>\n",
        height + 20,
        shapes.join("\n"),
        height + 12
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_segment_text_with_points_and_colon() {
        let mut ram = [0u8; 16];
        ram[0] = 0x06; // 1
        ram[2] = 0x5B | 0x80; // 2.
        ram[4] = 0x02;
        ram[6] = 0x4F; // 3
        ram[8] = 0x66; // 4
        assert_eq!(shows(Backpack::Seg7, &ram, true), "12.:34");
        assert_eq!(shows(Backpack::Seg7, &ram, false), "");
        let rows = draw(Backpack::Seg7, &ram, true);
        assert_eq!(rows[1].trim_end(), "  |  _| o  _| |_|");
    }

    #[test]
    fn alphanumeric_text() {
        let mut ram = [0u8; 16];
        // W 0x2836, A 0x00F7, X. 0x6D00, K 0x2470.
        ram[..8].copy_from_slice(&[0x36, 0x28, 0xF7, 0x00, 0x00, 0x6D, 0x70, 0x24]);
        assert_eq!(shows(Backpack::Alphanumeric, &ram, true), "WAX.K");
        assert_eq!(draw(Backpack::Alphanumeric, &ram, true).len(), 5);
    }

    #[test]
    fn matrices_and_bars() {
        let mut ram = [0u8; 16];
        ram[0] = 0x80; // 8x8: pixel (0, 0)
        ram[3] = 0x01; // bicolour: red of (0, 1)
        let text = shows(Backpack::Matrix8x8, &ram, true);
        assert!(text.starts_with("#......."), "{text}");
        let bicolor = shows(Backpack::Bicolor8x8, &ram, true);
        assert!(bicolor.starts_with(".......G/R......."), "{bicolor}");
        let bars = shows(
            Backpack::Bargraph24,
            &[1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            true,
        );
        assert_eq!(&bars[..2], "Y.");
        assert!(svg(Backpack::Bargraph24, &ram, true, "x").starts_with("<svg"));
    }
}
