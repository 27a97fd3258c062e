//! TSL2561 register map, command byte bits and bus addresses, named as in the datasheet
//! (docs/DEVICES.md, "Registers"). The header generator (`make headers`) emits the same
//! values into `TSL2561.h`, so the header and the driver share one definition.

/// Command byte bit 7: must be set on every command.
pub const COMMAND_BIT: u8 = 0x80;
/// Command byte bit 6: clears a pending interrupt.
pub const CLEAR_BIT: u8 = 0x40;
/// Command byte bit 5: SMBus read/write word protocol.
pub const WORD_BIT: u8 = 0x20;
/// Command byte bit 4: SMBus block protocol.
pub const BLOCK_BIT: u8 = 0x10;

/// CONTROL value that powers the chip up (reads back as 0x03).
pub const CONTROL_POWERON: u8 = 0x03;
/// CONTROL value that powers the chip down.
pub const CONTROL_POWEROFF: u8 = 0x00;

/// Slave address with ADDR SEL tied to ground.
pub const ADDR_LOW: u8 = 0x29;
/// Slave address with ADDR SEL floating.
pub const ADDR_FLOAT: u8 = 0x39;
/// Slave address with ADDR SEL tied to VDD.
pub const ADDR_HIGH: u8 = 0x49;

/// CONTROL register (power).
pub const REG_CONTROL: u8 = 0x00;
/// TIMING register (gain, manual, integration time).
pub const REG_TIMING: u8 = 0x01;
/// Low interrupt threshold, low byte.
pub const REG_THRESHLOW_LOW: u8 = 0x02;
/// Low interrupt threshold, high byte.
pub const REG_THRESHLOW_HIGH: u8 = 0x03;
/// High interrupt threshold, low byte.
pub const REG_THRESHHIGH_LOW: u8 = 0x04;
/// High interrupt threshold, high byte.
pub const REG_THRESHHIGH_HIGH: u8 = 0x05;
/// INTERRUPT control register.
pub const REG_INTERRUPT: u8 = 0x06;
/// Factory test register.
pub const REG_CRC: u8 = 0x08;
/// Part number and revision.
pub const REG_ID: u8 = 0x0A;
/// ADC channel 0 (visible + infrared), low byte.
pub const REG_CHAN0_LOW: u8 = 0x0C;
/// ADC channel 0, high byte.
pub const REG_CHAN0_HIGH: u8 = 0x0D;
/// ADC channel 1 (infrared), low byte.
pub const REG_CHAN1_LOW: u8 = 0x0E;
/// ADC channel 1, high byte.
pub const REG_CHAN1_HIGH: u8 = 0x0F;

/// The register names the C header has always used (with its spelling, `THRESHHOLD`),
/// in address order.
pub const HEADER_REGISTER_NAMES: [(&str, u8); 13] = [
    ("CONTROL", REG_CONTROL),
    ("TIMING", REG_TIMING),
    ("THRESHHOLDL_LOW", REG_THRESHLOW_LOW),
    ("THRESHHOLDL_HIGH", REG_THRESHLOW_HIGH),
    ("THRESHHOLDH_LOW", REG_THRESHHIGH_LOW),
    ("THRESHHOLDH_HIGH", REG_THRESHHIGH_HIGH),
    ("INTERRUPT", REG_INTERRUPT),
    ("CRC", REG_CRC),
    ("ID", REG_ID),
    ("CHAN0_LOW", REG_CHAN0_LOW),
    ("CHAN0_HIGH", REG_CHAN0_HIGH),
    ("CHAN1_LOW", REG_CHAN1_LOW),
    ("CHAN1_HIGH", REG_CHAN1_HIGH),
];
