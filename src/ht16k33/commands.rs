//! HT16K33 command bytes and bus addresses, as the backpack driver names them
//! (docs/DEVICES.md, "HT16K33"). The header generator (`make headers`) emits the
//! header's values from here.

/// First slave address (A2..A0 = 000); the backpack has eight, 0x70 to 0x77.
pub const ADDR_FIRST: u8 = 0x70;
/// Number of selectable addresses.
pub const ADDR_COUNT: u8 = 8;

/// System setup: oscillator on (normal operation).
pub const WAKEUP_OP: u8 = 0x21;
/// System setup: oscillator off (standby).
pub const SLEEP_OP: u8 = 0x20;
/// Display setup command; OR in the blink bits and the display-on bit.
pub const DISPLAY_SETUP_BASE: u8 = 0x80;
/// Dimming command; OR in the level 0 to 15 (duty (level+1)/16).
pub const DIMMING_BASE: u8 = 0xE0;
/// Highest dimming level.
pub const BRIGHTNESS_MAX: u8 = 0x0F;
/// Display RAM address of the first byte.
pub const RAM_START: u8 = 0x00;
/// Display RAM size in bytes.
pub const RAM_SIZE: usize = 16;

/// Display-setup bit 0: display on.
pub const DISPLAY_ON: u8 = 0x01;
/// Display-setup blink field (bits 2:1): off.
pub const BLINK_OFF: u8 = 0x00;
/// Blink at 2 Hz.
pub const BLINK_FAST: u8 = 0x02;
/// Blink at 1 Hz.
pub const BLINK_NORMAL: u8 = 0x04;
/// Blink at 0.5 Hz.
pub const BLINK_SLOW: u8 = 0x06;
