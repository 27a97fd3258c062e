//! HT16K33 model (docs/DEVICES.md, "HT16K33"): system setup, display setup (on, blink), dimming,
//! ROW/INT setup, 16 bytes of display RAM with auto-increment and wrap, key RAM and the
//! interrupt flag.

use serde_json::{json, Value};

/// Display RAM size.
pub const RAM_SIZE: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadTarget {
    DisplayRam,
    KeyRam,
    InterruptFlag,
}

/// The emulated chip, in its power-on state. Plain data, copied to and from the
/// session's shared bus.
#[derive(Debug, Clone, Copy)]
pub struct Ht16k33Model {
    ram: [u8; RAM_SIZE],
    pointer: u8,
    read_target: ReadTarget,
    key_pointer: u8,
    oscillator_on: bool,
    display_on: bool,
    blink: u8,
    dimming: u8,
    row_int: u8,
}

impl Default for Ht16k33Model {
    fn default() -> Self {
        Self::new()
    }
}

impl Ht16k33Model {
    /// Power-on state: standby, display off, no blink, 16/16 duty, ROW/INT = row.
    pub fn new() -> Self {
        Self {
            ram: [0; RAM_SIZE],
            pointer: 0,
            read_target: ReadTarget::DisplayRam,
            key_pointer: 0,
            oscillator_on: false,
            display_on: false,
            blink: 0,
            dimming: 15,
            row_int: 0,
        }
    }

    /// A chip whose display RAM holds `ram` with the RAM pointer at `pointer` (as a
    /// previous program may have left it; at power-up the RAM is random).
    pub fn with_ram(ram: [u8; RAM_SIZE], pointer: u8) -> Self {
        Self {
            ram,
            pointer: pointer & 0x0F,
            ..Self::new()
        }
    }

    /// The dimming level as an earlier program left it (0-15).
    pub fn set_dimming_at_start(&mut self, dimming: u8) {
        self.dimming = dimming & 0x0F;
    }

    /// Left switched on by an earlier program: oscillator and display on, at `dimming`
    /// (0-15) and `blink` (0-3).
    pub fn left_on(mut self, dimming: u8, blink: u8) -> Self {
        self.oscillator_on = true;
        self.display_on = true;
        self.dimming = dimming & 0x0F;
        self.blink = blink & 0x03;
        self
    }

    /// A write message: a command byte, followed by RAM data for address commands.
    /// Returns true when what the LEDs show may have changed.
    pub fn write(&mut self, bytes: &[u8]) -> bool {
        let Some((&command, data)) = bytes.split_first() else {
            return false;
        };
        match command & 0xF0 {
            0x00 => {
                self.pointer = command & 0x0F;
                self.read_target = ReadTarget::DisplayRam;
                for &byte in data {
                    self.ram[usize::from(self.pointer)] = byte;
                    self.pointer = (self.pointer + 1) & 0x0F;
                }
                !data.is_empty()
            }
            0x20 => {
                self.oscillator_on = command & 0x01 != 0;
                true
            }
            0x40 => {
                self.read_target = ReadTarget::KeyRam;
                self.key_pointer = command & 0x07;
                false
            }
            0x60 => {
                self.read_target = ReadTarget::InterruptFlag;
                false
            }
            0x80 => {
                self.display_on = command & 0x01 != 0;
                self.blink = (command >> 1) & 0x03;
                true
            }
            0xA0 => {
                self.row_int = command & 0x0F;
                false
            }
            0xE0 => {
                self.dimming = command & 0x0F;
                true
            }
            _ => false,
        }
    }

    /// A read message: display RAM (auto-increment, wrap), key RAM (no keys pressed) or
    /// the interrupt flag, whichever the last command pointed at.
    pub fn read(&mut self, buffer: &mut [u8]) {
        for byte in buffer.iter_mut() {
            *byte = match self.read_target {
                ReadTarget::DisplayRam => {
                    let value = self.ram[usize::from(self.pointer)];
                    self.pointer = (self.pointer + 1) & 0x0F;
                    value
                }
                ReadTarget::KeyRam => {
                    self.key_pointer = (self.key_pointer + 1) % 6;
                    0
                }
                ReadTarget::InterruptFlag => 0,
            };
        }
    }

    /// Display RAM.
    pub fn ram(&self) -> [u8; RAM_SIZE] {
        self.ram
    }

    /// Whether the LEDs are lit at all (oscillator and display both on).
    pub fn lit(&self) -> bool {
        self.oscillator_on && self.display_on
    }

    /// Blink field (0 none, 1 = 2 Hz, 2 = 1 Hz, 3 = 0.5 Hz).
    pub fn blink(&self) -> u8 {
        self.blink
    }

    /// Dimming level 0 to 15.
    pub fn dimming(&self) -> u8 {
        self.dimming
    }

    /// The report entries of this chip.
    pub fn report(&self) -> Value {
        json!({
            "ram": self.ram.to_vec(),
            "oscillator_on": self.oscillator_on,
            "display_on": self.display_on,
            "blink": self.blink,
            "brightness": self.dimming,
            "row_int": self.row_int,
            "int_output": self.row_int & 0x01 != 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_on_state_matches_the_datasheet_defaults() {
        let chip = Ht16k33Model::new();
        assert!(!chip.lit());
        assert_eq!(chip.dimming(), 15);
        assert_eq!(chip.blink(), 0);
    }

    #[test]
    fn ram_writes_auto_increment_and_wrap() {
        let mut chip = Ht16k33Model::new();
        chip.write(&[0x0E, 1, 2, 3, 4]);
        assert_eq!(chip.ram()[14..], [1, 2]);
        assert_eq!(chip.ram()[..2], [3, 4]);
        chip.write(&[0x00]);
        let mut all = [0u8; 18];
        chip.read(&mut all);
        assert_eq!(all[..2], [3, 4]);
        assert_eq!(all[16..], [3, 4], "reads wrap too");
    }

    #[test]
    fn setup_commands_decode() {
        let mut chip = Ht16k33Model::new();
        chip.write(&[0x21]);
        chip.write(&[0x85]);
        assert!(chip.lit());
        assert_eq!(chip.blink(), 2);
        chip.write(&[0xE7]);
        assert_eq!(chip.dimming(), 7);
        chip.write(&[0x80]);
        assert!(!chip.lit());
        chip.write(&[0x81]);
        chip.write(&[0x20]);
        assert!(!chip.lit(), "standby turns the oscillator off");
        chip.write(&[0xA3]);
        assert_eq!(chip.report()["row_int"], 3);
    }
}
