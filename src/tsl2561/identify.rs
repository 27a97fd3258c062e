//! Telling a TSL2561 from whatever else may answer at the address, without disturbing
//! an HT16K33 there (docs/DEVICES.md, "Identification").
//!
//! One register read is no proof: an HT16K33 answers every read with display RAM, so a
//! backpack showing the right digit passes an ID check, and the command byte of the
//! usual ID read (0x8A) is an HT16K33 "display setup" command that switches its display
//! off. So before anything else the driver writes two known words into the TSL2561's
//! interrupt threshold registers and reads them back nine times, with command bytes
//! that an HT16K33 takes for "ROW/INT setup: ROW15 drives a row", its power-on setting
//! and the one every backpack runs with:
//!
//! - word write 0xA2 (THRESHLOW) = [`PROBE_LOW`], word write 0xA4 (THRESHHIGH) =
//!   [`PROBE_HIGH`]; every data byte is itself such a ROW/INT command (0xA2 to 0xAC), in
//!   case a chip takes the bytes after a command as further commands;
//! - word read 0xA2 must give `PROBE_LOW`, then eight word reads 0xA4 must each give
//!   `PROBE_HIGH`;
//! - both thresholds are then set back to 0, their power-on value.
//!
//! An HT16K33 answers the nine reads with its display RAM from its RAM pointer on, two
//! bytes a read; commands 0xA_ do not move the pointer and the 16-byte RAM wraps, so the
//! ninth read returns the same two bytes as the first. No RAM content can be both
//! `PROBE_LOW` and `PROBE_HIGH`: an HT16K33 in any RAM state fails. An empty address
//! fails at the first write (no acknowledge). A device passes only if it keeps two
//! 16-bit registers at command addresses 2 and 4 and returns them by the word
//! protocol; the ID register must then name a TSL256x part as well.

use super::registers::{COMMAND_BIT, REG_THRESHHIGH_LOW, REG_THRESHLOW_LOW, WORD_BIT};
use crate::bus::SmbusDevice;
use crate::error::{Error, Result};

/// Written to THRESHLOW: bytes 0xA2, 0xA6 (each a harmless HT16K33 ROW/INT command).
pub const PROBE_LOW: u16 = 0xA6A2;
/// Written to THRESHHIGH: bytes 0xA8, 0xAC (each a harmless HT16K33 ROW/INT command).
pub const PROBE_HIGH: u16 = 0xACA8;
/// Reads of THRESHHIGH after the one of THRESHLOW: enough to wrap an HT16K33's 16-byte
/// display RAM (two bytes a read), so its ninth answer repeats its first.
pub const HIGH_READS: usize = 8;

const THRESHLOW_WORD: u8 = COMMAND_BIT | WORD_BIT | REG_THRESHLOW_LOW;
const THRESHHIGH_WORD: u8 = COMMAND_BIT | WORD_BIT | REG_THRESHHIGH_LOW;

fn not_a_tsl2561() -> Error {
    Error::WrongDevice("TSL2561 (its threshold registers do not keep what was written)")
}

/// Fails with `WrongDevice` unless the device behind `bus` keeps the two threshold words
/// as a TSL2561 does; a bus error (no device) is returned as it is. Leaves both
/// thresholds at 0 on a TSL2561.
pub fn probe<B: SmbusDevice>(bus: &mut B) -> Result<()> {
    bus.write_word_data(THRESHLOW_WORD, PROBE_LOW)?;
    bus.write_word_data(THRESHHIGH_WORD, PROBE_HIGH)?;
    if bus.read_word_data(THRESHLOW_WORD)? != PROBE_LOW {
        return Err(not_a_tsl2561());
    }
    for _ in 0..HIGH_READS {
        if bus.read_word_data(THRESHHIGH_WORD)? != PROBE_HIGH {
            return Err(not_a_tsl2561());
        }
    }
    bus.write_word_data(THRESHLOW_WORD, 0)?;
    bus.write_word_data(THRESHHIGH_WORD, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock_bus::{MockBus, Transfer::*};

    /// An HT16K33 as far as these commands go (datasheet command summary): 0x0n sets
    /// the RAM pointer and writes data from there, 0xA_ is ROW/INT setup (no effect on
    /// RAM or pointer); reads return RAM from the pointer on, wrapping after 0x0F.
    struct Ht16k33 {
        ram: [u8; 16],
        pointer: usize,
        commands: Vec<u8>,
    }

    impl SmbusDevice for Ht16k33 {
        fn write_byte(&mut self, value: u8) -> Result<()> {
            self.commands.push(value);
            Ok(())
        }
        fn write_byte_data(&mut self, command: u8, value: u8) -> Result<()> {
            self.commands.extend([command, value]);
            Ok(())
        }
        fn write_word_data(&mut self, command: u8, value: u16) -> Result<()> {
            self.commands.push(command);
            self.commands.extend(value.to_le_bytes());
            Ok(())
        }
        fn read_byte_data(&mut self, command: u8) -> Result<u8> {
            self.commands.push(command);
            let value = self.ram[self.pointer];
            self.pointer = (self.pointer + 1) % 16;
            Ok(value)
        }
        fn read_word_data(&mut self, command: u8) -> Result<u16> {
            self.commands.push(command);
            let low = self.ram[self.pointer];
            let high = self.ram[(self.pointer + 1) % 16];
            self.pointer = (self.pointer + 2) % 16;
            Ok(u16::from_le_bytes([low, high]))
        }
        fn write_i2c_block_data(&mut self, command: u8, _: &[u8]) -> Result<()> {
            self.commands.push(command);
            Ok(())
        }
    }

    #[test]
    fn a_tsl2561_passes_and_is_left_with_zero_thresholds() {
        let mut words = vec![0xA6A2];
        words.extend([0xACA8; 8]);
        let mut bus = MockBus::with_words(&words);
        probe(&mut bus).expect("a TSL2561");
        let mut expected = vec![WriteWordData(0xA2, 0xA6A2), WriteWordData(0xA4, 0xACA8)];
        expected.push(ReadWordData(0xA2));
        expected.extend(vec![ReadWordData(0xA4); 8]);
        expected.extend([WriteWordData(0xA2, 0), WriteWordData(0xA4, 0)]);
        assert_eq!(bus.log, expected);
    }

    #[test]
    fn an_ht16k33_fails_in_the_ram_states_closest_to_passing_and_is_left_as_it_was() {
        // RAM states that answer as many reads right as possible, from every pointer:
        // the probe words laid out for the first read, for the last eight, and each
        // glyph of the 7-segment table in every byte.
        let mut states = Vec::new();
        for start in 0..16 {
            // Reads 1 to 8 right: THRESHLOW's word at the pointer, THRESHHIGH's after it.
            let mut ram = vec![0u8; 16];
            for read in 0..8 {
                let word = if read == 0 {
                    [0xA2, 0xA6]
                } else {
                    [0xA8, 0xAC]
                };
                ram[(start + 2 * read) % 16] = word[0];
                ram[(start + 2 * read + 1) % 16] = word[1];
            }
            states.push((start, ram));
            // Reads 2 to 9 right.
            states.push((start, [0xA8, 0xAC].repeat(8)));
        }
        for glyph in 0..=255u8 {
            states.push((0, vec![glyph; 16]));
        }
        for (pointer, ram) in states {
            let mut chip = Ht16k33 {
                ram: ram.clone().try_into().expect("16 bytes"),
                pointer,
                commands: Vec::new(),
            };
            let error = probe(&mut chip).expect_err("an HT16K33 is not a TSL2561");
            assert_eq!(error.errno(), libc::ENODEV);
            assert_eq!(chip.ram.to_vec(), ram, "RAM untouched");
            // Every byte sent is a ROW/INT setup command with ROW15 as a row driver
            // (0xA0 with bit 0 clear): nothing else of the chip can have changed.
            assert!(
                chip.commands.iter().all(|b| b & 0xF1 == 0xA0),
                "{:02x?}",
                chip.commands
            );
        }
    }

    #[test]
    fn an_empty_address_fails_with_the_bus_error() {
        let mut bus = MockBus {
            fail_on: Some((1, libc::EREMOTEIO)),
            ..MockBus::default()
        };
        assert_eq!(probe(&mut bus).map_err(|e| e.errno()), Err(libc::EREMOTEIO));
        assert_eq!(bus.log.len(), 1);
    }
}
