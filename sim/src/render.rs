//! Draws an emulated 4-digit 7-segment backpack in the terminal (`LIGHTSEG_SIM_SHOW=1`).

use crate::models::ht16k33::Ht16k33Model;
use crate::real;

const A: u8 = 0x01;
const B: u8 = 0x02;
const C: u8 = 0x04;
const D: u8 = 0x08;
const E: u8 = 0x10;
const F: u8 = 0x20;
const G: u8 = 0x40;
const DP: u8 = 0x80;
/// RAM bytes of the four digits on the Adafruit backpack, and of the colon (bit 1).
const DIGIT_BYTES: [usize; 4] = [0, 2, 6, 8];
const COLON_BYTE: usize = 4;
const COLON_BIT: u8 = 0x02;

fn on(pattern: u8, segment: u8, lit: char) -> char {
    if pattern & segment != 0 {
        lit
    } else {
        ' '
    }
}

/// Three text rows showing the digits and colon of a display RAM image, as lit when
/// `lit` is true (all dark otherwise).
pub fn draw(ram: &[u8; 16], lit: bool) -> [String; 3] {
    let mut rows = [String::new(), String::new(), String::new()];
    let colon = lit && ram[COLON_BYTE] & COLON_BIT != 0;
    for (position, byte) in DIGIT_BYTES.iter().enumerate() {
        let pattern = if lit { ram[*byte] } else { 0 };
        if position == 2 {
            rows[0].push_str("  ");
            rows[1].push_str(if colon { "o " } else { "  " });
            rows[2].push_str(if colon { "o " } else { "  " });
        }
        rows[0].extend([' ', on(pattern, A, '_'), ' ', ' ']);
        rows[1].extend([
            on(pattern, F, '|'),
            on(pattern, G, '_'),
            on(pattern, B, '|'),
            ' ',
        ]);
        rows[2].extend([
            on(pattern, E, '|'),
            on(pattern, D, '_'),
            on(pattern, C, '|'),
            on(pattern, DP, '.'),
        ]);
    }
    rows
}

/// One status line: on/off, blink rate and brightness.
pub fn status(chip: &Ht16k33Model) -> String {
    let blink = match chip.blink() {
        0 => "steady",
        1 => "blinking 2 Hz",
        2 => "blinking 1 Hz",
        _ => "blinking 0.5 Hz",
    };
    if chip.lit() {
        format!("on, {blink}, brightness {}/15", chip.dimming())
    } else {
        "off".to_string()
    }
}

/// The display as text: a status line and three rows of digits.
pub fn picture(bus: u32, address: u8, chip: &Ht16k33Model) -> String {
    let rows = draw(&chip.ram(), chip.lit());
    format!(
        "+-- HT16K33 bus {bus} {address:#04x}: {} --\n| {}\n| {}\n| {}\n",
        status(chip),
        rows[0].trim_end(),
        rows[1].trim_end(),
        rows[2].trim_end()
    )
}

/// Writes a picture to standard error.
pub fn show(picture: &str) {
    real::write_all(2, picture.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_digits_colon_and_decimal_points() {
        let mut ram = [0u8; 16];
        ram[0] = 0x06; // 1
        ram[2] = 0x5B | 0x80; // 2.
        ram[4] = 0x02; // colon
        ram[6] = 0x4F; // 3
        ram[8] = 0x66; // 4
        let rows = draw(&ram, true);
        assert_eq!(rows[0].trim_end(), "     _     _");
        assert_eq!(rows[1].trim_end(), "  |  _| o  _| |_|");
        assert_eq!(rows[2].trim_end(), "  | |_ .o  _|   |");
        let dark = draw(&ram, false);
        assert!(dark.iter().all(|row| row.trim().is_empty()));
    }
}
