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
/// after the second digit; the 1.2": its left colon first, `:` for both dots, `'` or
/// `.` for one, and its upper dot as `°` after the third digit); matrices: rows of `#`/`.` (bicolour `R`, `G`, `Y`) joined
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
    let large = backpack == Backpack::Seg7Large;
    if large {
        // The left colon's dots: both a colon, one alone an apostrophe or a point.
        text.push_str(match ram[4] & 0x0C {
            0x0C => ":",
            0x04 => "'",
            0x08 => ".",
            _ => "",
        });
    }
    for (index, cell) in characters(backpack, ram).iter().enumerate() {
        text.push_str(&character(backpack, *cell));
        if index == 1 && backpack != Backpack::Alphanumeric && ram[4] & 0x02 != 0 {
            text.push(':');
        }
        if index == 2 && large && ram[4] & 0x10 != 0 {
            // The upper dot between the third and fourth digit: a degree sign.
            text.push('\u{b0}');
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
    let large = backpack == Backpack::Seg7Large;
    if large {
        // The left colon, before the first digit.
        rows[0].push_str("  ");
        rows[1].push_str(if dots & 0x04 != 0 { "o " } else { "  " });
        rows[2].push_str(if dots & 0x08 != 0 { "o " } else { "  " });
    }
    for (position, cell) in cells.iter().enumerate() {
        let p = *cell as u8;
        if position == 2 {
            let colon = dots & 0x02 != 0;
            rows[0].push_str("  ");
            rows[1].push_str(if colon { "o " } else { "  " });
            rows[2].push_str(if colon { "o " } else { "  " });
        }
        // The 1.2"'s upper dot sits at the top, between the third and fourth digit.
        let degree = position == 2 && large && dots & 0x10 != 0;
        rows[0].extend([' ', mark(p & 0x01 != 0, '_'), ' ', mark(degree, 'o')]);
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

/// How the LEDs look beyond which are lit: the dimming level (0-15: the LEDs are on for
/// (level + 1) / 16 of the time) and the blink rate (`None`: steady).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    /// Dimming level 0 to 15.
    pub dimming: u8,
    /// Blinks per second.
    pub blink_hz: Option<f32>,
}

/// One LED of a picture: its SVG element, and whether it is lit.
type Led = (String, bool);

/// Characters of the 12-pixel monospaced caption that fit across `width` pixels.
fn caption_lines(caption: &str, width: usize) -> Vec<String> {
    let per_line = ((width.saturating_sub(20)) * 10 / 73).max(16);
    let mut lines: Vec<String> = Vec::new();
    for word in caption.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= per_line => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The segments and dots of a character display, as LEDs; its width and height.
fn segment_leds(backpack: Backpack, ram: &[u8; 16]) -> (Vec<Led>, usize, usize) {
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
    let large = backpack == Backpack::Seg7Large;
    // The 1.2" has its left colon before the first digit.
    let left = if large { 16 } else { 0 };
    let dot = |cx: i32, cy: i32, r: i32, on: bool| -> Led {
        (
            format!("<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"{{}}\"/>"),
            on,
        )
    };
    let mut leds = Vec::new();
    for (index, cell) in characters(backpack, ram).iter().enumerate() {
        let x0 = 20 + left + index as i32 * 60 + if index >= 2 { 10 } else { 0 };
        let (point, segments): (u16, &[(u16, [i32; 4])]) = match backpack {
            Backpack::Alphanumeric => (0x4000, lines),
            _ => (0x80, &lines[..6]),
        };
        let mut all: Vec<(u16, [i32; 4])> = segments.to_vec();
        if backpack != Backpack::Alphanumeric {
            all.push((6, [6, 35, 34, 35]));
        }
        for (segment, [x1, y1, x2, y2]) in all {
            leds.push((
                format!(
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{{}}\" stroke-width=\"5\" stroke-linecap=\"round\"/>",
                    x0 + x1, 15 + y1, x0 + x2, 15 + y2
                ),
                cell & (1 << segment) != 0,
            ));
        }
        leds.push(dot(x0 + 44, 81, 3, cell & point != 0));
    }
    if backpack != Backpack::Alphanumeric {
        for cy in [38, 62] {
            leds.push(dot(140 + left, cy, 4, ram[4] & 0x02 != 0));
        }
    }
    if large {
        leds.push(dot(16, 38, 4, ram[4] & 0x04 != 0));
        leds.push(dot(16, 62, 4, ram[4] & 0x08 != 0));
        // The upper dot, between the third and fourth digit, at the top.
        leds.push(dot(20 + left + 3 * 60 + 10 - 8, 20, 4, ram[4] & 0x10 != 0));
    }
    (leds, 4 * 60 + 40 + left as usize, 110)
}

/// The display as an SVG picture: lit segments, pixels and bars in the LEDs' colour, as
/// bright as the dimming level makes them and blinking at the blink rate; unlit ones
/// dark, on a black face; the caption under it, wrapped to its width.
pub fn svg(backpack: Backpack, ram: &[u8; 16], lit: bool, look: Look, caption: &str) -> String {
    let blank = [0u8; 16];
    let ram = if lit { ram } else { &blank };
    let red = "#ff2a1a";
    let (leds, width, height): (Vec<(String, &str)>, usize, usize) =
        if let Some(rows) = pixels(backpack, ram) {
            let bicolor = backpack == Backpack::Bicolor8x8;
            let mut leds = Vec::new();
            for (y, row) in rows.iter().enumerate() {
                for (x, led) in row.iter().enumerate() {
                    let element = format!(
                        "<circle cx=\"{}\" cy=\"{}\" r=\"8\" fill=\"{{}}\"/>",
                        20 + x * 20,
                        20 + y * 20
                    );
                    leds.push((element, color(*led, bicolor)));
                }
            }
            (leds, rows[0].len() * 20 + 20, rows.len() * 20 + 40)
        } else if let Some(bars) = bars(backpack, ram) {
            let leds = bars
                .iter()
                .enumerate()
                .map(|(index, led)| {
                    let element = format!(
                        "<rect x=\"{}\" y=\"10\" width=\"10\" height=\"40\" fill=\"{{}}\"/>",
                        10 + index * 14
                    );
                    (element, color(*led, true))
                })
                .collect();
            (leds, 24 * 14 + 20, 80)
        } else {
            let (leds, width, height) = segment_leds(backpack, ram);
            let leds = leds
                .into_iter()
                .map(|(element, on)| (element, if on { red } else { DARK }))
                .collect();
            (leds, width, height)
        };
    let (mut dark, mut bright) = (Vec::new(), Vec::new());
    for (element, fill) in leds {
        let drawn = element.replace("{}", fill);
        if fill == DARK {
            dark.push(drawn);
        } else {
            bright.push(drawn);
        }
    }
    let opacity = (f32::from(look.dimming.min(15)) + 1.0) / 16.0;
    let blink = look.blink_hz.map_or(String::new(), |hz| {
        format!(
            "<animate attributeName=\"visibility\" values=\"visible;hidden\" dur=\"{:.1}s\" calcMode=\"discrete\" repeatCount=\"indefinite\"/>\n",
            1.0 / hz
        )
    });
    let lines = caption_lines(caption, width);
    let text: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let line = line
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('"', "&quot;");
            format!(
                "<text x=\"10\" y=\"{}\" fill=\"#aaa\" font-family=\"monospace\" font-size=\"12\">{line}</text>",
                height + 12 + 15 * index
            )
        })
        .collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#111\"/>\n{}\n\
         <g opacity=\"{opacity:.4}\">\n{blink}{}\n</g>\n{}\n</svg>\n",
        height + 5 + 15 * lines.len(),
        dark.join("\n"),
        bright.join("\n"),
        text.join("\n"),
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
        let steady = Look {
            dimming: 15,
            blink_hz: None,
        };
        assert!(svg(Backpack::Bargraph24, &ram, true, steady, "x").starts_with("<svg"));
    }

    #[test]
    fn the_large_display_draws_its_left_colon_and_degree_dot() {
        let mut ram = [0u8; 16];
        ram[0] = 0x5B; // 2
        ram[2] = 0x06 | 0x80; // 1.
        ram[6] = 0x6D; // 5
        ram[8] = 0x39; // C
        ram[4] = 0x10 | 0x04 | 0x08;
        assert_eq!(shows(Backpack::Seg7Large, &ram, true), ":21.5\u{b0}C");
        let rows = draw(Backpack::Seg7Large, &ram, true);
        assert!(rows[0].contains('o'), "the upper dot: {rows:?}");
        assert!(
            rows[1].starts_with('o') && rows[2].starts_with('o'),
            "{rows:?}"
        );
        let look = Look {
            dimming: 15,
            blink_hz: None,
        };
        let picture = svg(Backpack::Seg7Large, &ram, true, look, "caption");
        // The three extra dots are lit circles: inside the lit group, red.
        let lit = &picture[picture.find("<g opacity").expect("lit group")..];
        for dot in ["cx=\"16\" cy=\"38\"", "cx=\"16\" cy=\"62\"", "cy=\"20\""] {
            assert!(lit.contains(dot), "{dot} not lit in {lit}");
        }
    }

    #[test]
    fn pictures_show_brightness_blink_and_a_whole_caption() {
        let ram = [0xFFu8; 16];
        let dim_blinking = Look {
            dimming: 1,
            blink_hz: Some(2.0),
        };
        let caption =
            "HT16K33 8x8 matrix at 0x74 on /dev/i2c-1: on, blinking 2 Hz, brightness 1/15";
        let picture = svg(Backpack::Matrix8x8, &ram, true, dim_blinking, caption);
        assert!(picture.contains("<g opacity=\"0.1250\">"), "{picture}");
        assert!(picture.contains("dur=\"0.5s\""), "{picture}");
        let width: usize = 8 * 20 + 20;
        let shown: Vec<&str> = picture
            .lines()
            .filter_map(|line| line.split("font-size=\"12\">").nth(1))
            .map(|line| line.trim_end_matches("</text>"))
            .collect();
        assert!(shown.len() > 1, "wrapped: {shown:?}");
        assert_eq!(shown.join(" "), caption, "nothing cut off");
        // 12-pixel monospace: 7.3 pixels a character at most.
        assert!(shown
            .iter()
            .all(|line| line.chars().count() * 73 / 10 + 20 <= width));
        let steady = svg(
            Backpack::Matrix8x8,
            &ram,
            true,
            Look {
                dimming: 15,
                blink_hz: None,
            },
            "x",
        );
        assert!(steady.contains("<g opacity=\"1.0000\">") && !steady.contains("animate"));
    }
}
