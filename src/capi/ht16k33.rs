//! `7seg_bp_ada.h`: the C API of the old Adafruit 7-segment backpack driver, names,
//! types and values unchanged.
//!
//! cbindgen reads this file alone to write the header; the macros and the glyph table
//! come from the header generator (`headers/`, `make headers`).
#![allow(non_camel_case_types, non_snake_case)]

use std::os::raw::{c_char, c_int, c_long, c_uchar, c_ulong, c_ushort};

use super::{call, done, get, set, text_of, widen_long, widen_ulong, Handle, WithLastError};
use crate::bus::registry::Registry;
use crate::bus::CommandBus;
use crate::error::{Error, Result};
use crate::ht16k33::backpack::BackpackKind;
use crate::ht16k33::commands::{BRIGHTNESS_MAX, RAM_SIZE};
use crate::ht16k33::frame::Frame;
use crate::ht16k33::glyphs::{glyph, DECIMAL_POINT};
use crate::ht16k33::{Blink, Chain, Display};

/// Positions of the struct's buffer: digit 0, digit 1, colon, digit 2, digit 3.
const POSITIONS: usize = 5;

/// Blink rate of the whole display.
#[repr(C)]
pub enum ht16k33blink_t {
    /// Steady.
    HT16K33_BLINK_OFF = 0x00,
    /// 2 Hz.
    HT16K33_BLINK_FAST = 0x02,
    /// 1 Hz.
    HT16K33_BLINK_NORMAL = 0x04,
    /// 0.5 Hz.
    HT16K33_BLINK_SLOW = 0x06,
}

/// Display on or off.
#[repr(C)]
pub enum ht16k33display_t {
    /// Off (the RAM keeps its content).
    HT16K33_DISPLAY_OFF = 0x00,
    /// On.
    HT16K33_DISPLAY_ON = 0x01,
}

// The enums are spelled as literals in the header (cbindgen writes them as they are):
// the build fails if one differs from the core's encoding.
const _: () = {
    use ht16k33blink_t as B;
    use ht16k33display_t as D;
    assert!(B::HT16K33_BLINK_OFF as u8 == Blink::Off.bits());
    assert!(B::HT16K33_BLINK_FAST as u8 == Blink::Hz2.bits());
    assert!(B::HT16K33_BLINK_NORMAL as u8 == Blink::Hz1.bits());
    assert!(B::HT16K33_BLINK_SLOW as u8 == Blink::HalfHz.bits());
    assert!(D::HT16K33_DISPLAY_ON as u8 == Display::On.bits());
    assert!(D::HT16K33_DISPLAY_OFF as u8 == Display::Off.bits());
};

/// An `ht16k33blink_t` as C stores it: any int may be there, so Rust reads it as an int
/// and validates it. Written into the header under the enum's name.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlinkValue(pub c_int);

/// An `ht16k33display_t` as C stores it (see `BlinkValue`).
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisplayValue(pub c_int);

/// Segment patterns of the five display positions: digit 0, digit 1, colon, digit 2,
/// digit 3 (display RAM bytes 0, 2, 4, 6, 8).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ht16k55_matrix {
    /// One pattern per position (segment A = bit 0 ... G = bit 6, decimal point bit 7).
    pub com: [u8; 5],
}

/// One 7-segment backpack. Initialise it with `HT16K33_INIT`, then call `HT16K33_OPEN`.
/// All state lives in this struct, so it may be copied or passed by value; the open
/// file descriptor identifies the device.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HT16K33 {
    /// I2C adapter number: the N of /dev/i2c-N (1 on a Raspberry Pi).
    pub adapter_nr: c_int,
    /// File descriptor of the open adapter, -1 when closed.
    pub adapter_fd: c_int,
    /// 7-bit slave address, HT16K33_ADDR_01 (0x70) to HT16K33_ADDR_08 (0x77).
    pub driver_addr: u8,
    /// errno value of the last failed call; never reset by a successful one.
    pub lasterr: c_int,
    /// The driver's on/off flag (set by HT16K33_ON and HT16K33_DISPLAY).
    pub display_state: DisplayValue,
    /// Blink rate last set.
    pub blink_state: BlinkValue,
    /// Brightness last set, 0 to 15.
    pub brightness: u8,
    /// The patterns HT16K33_COMMIT sends.
    pub display_buffer: ht16k55_matrix,
}

/// The descriptors `HT16K33_OPEN` opened (the HT16K33 keeps no state beyond the struct).
pub(crate) static BACKPACKS: Registry<()> = Registry::new();

/// The RAM image of the struct's buffer: position n at byte 2n, the rest zero.
fn ram_of(buffer: &[u8; POSITIONS]) -> [u8; RAM_SIZE] {
    let mut ram = [0; RAM_SIZE];
    for (index, pattern) in buffer.iter().enumerate() {
        ram[2 * index] = *pattern;
    }
    ram
}

/// The struct's buffer of a RAM image (bytes 0, 2, 4, 6, 8).
fn buffer_of(ram: &[u8; RAM_SIZE]) -> [u8; POSITIONS] {
    [ram[0], ram[2], ram[4], ram[6], ram[8]]
}

/// The old driver's rules for the display-setup and dimming commands, kept for the old
/// struct (docs/DEVICES.md, "When lightseg sends the setup commands"): ON and OFF send only when they
/// change the struct's on flag; BLINK, DISPLAY and BRIGHTNESS send only while it is on
/// and are recorded either way. A command that fails records nothing. The core's
/// [`Chain`] itself sends every command it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OldSetup {
    on: bool,
    blink: Blink,
    brightness: u8,
}

impl OldSetup {
    /// What the struct holds; EINVAL for a `display_state` or `blink_state` that is none
    /// of the enum's values.
    fn of(backpack: &HT16K33) -> Result<Self> {
        Ok(Self {
            on: Display::try_from(backpack.display_state.0)?.is_on(),
            blink: Blink::try_from(backpack.blink_state.0)?,
            brightness: backpack.brightness,
        })
    }

    fn wake<B: CommandBus>(&mut self, chain: &mut Chain<B>) -> Result<()> {
        if !self.on {
            chain.wake()?;
            self.on = true;
        }
        Ok(())
    }

    fn sleep<B: CommandBus>(&mut self, chain: &mut Chain<B>) -> Result<()> {
        if self.on {
            chain.sleep()?;
            self.on = false;
        }
        Ok(())
    }

    fn set_blink<B: CommandBus>(&mut self, chain: &mut Chain<B>, blink: Blink) -> Result<()> {
        if self.on {
            chain.set_display(Display::On, blink)?;
        }
        self.blink = blink;
        Ok(())
    }

    fn set_display<B: CommandBus>(&mut self, chain: &mut Chain<B>, mode: Display) -> Result<()> {
        if self.on {
            chain.set_display(mode, self.blink)?;
        }
        self.on = mode.is_on();
        Ok(())
    }

    fn set_brightness<B: CommandBus>(&mut self, chain: &mut Chain<B>, level: u8) -> Result<()> {
        let level = level.min(BRIGHTNESS_MAX);
        if self.on {
            chain.set_brightness(level)?;
        }
        self.brightness = level;
        Ok(())
    }
}

/// The old struct's backpack as the core drives it: a chain of one 0.56" backpack.
type OldDisplay<'a> = Chain<&'a mut crate::bus::I2cDevice>;

impl WithLastError for HT16K33 {
    fn set_lasterr(backpack: Handle<'_, Self>, errno: c_int) {
        set!(backpack, lasterr = errno);
    }
}

/// Runs `operation` on the open backpack behind `backpack`, holding the chip's lock from
/// reading the struct to writing it back: the struct's setup and buffer go in, the setup
/// it ended with (only writes that succeeded change it) is stored. Returns 0.
/// One copy for every function (`dyn`, not inlined into each).
#[inline(never)]
fn with_open(
    backpack: Handle<'_, HT16K33>,
    operation: &mut dyn FnMut(&mut OldDisplay<'_>, &mut OldSetup) -> Result<()>,
) -> Result<c_int> {
    let (fd, address) = (get!(backpack, adapter_fd), get!(backpack, driver_addr));
    BACKPACKS.with_open(fd, address, |device, ()| {
        // Read again under the chip's lock, so that a call on the same struct from
        // another thread cannot slip in between this read and the write-back.
        let snapshot = backpack.read();
        if (snapshot.adapter_fd, snapshot.driver_addr) != (fd, address) {
            return Err(Error::NotOpen);
        }
        let mut setup = OldSetup::of(&snapshot)?;
        let ram = ram_of(&snapshot.display_buffer.com);
        let frame = Frame::from_ram(BackpackKind::Seg7, &[ram])?;
        let mut display = Chain::with_frame(vec![device], frame)?;
        let result = operation(&mut display, &mut setup);
        // Only the setup is written back (not the display buffer, which
        // HT16K33_UPDATE_DIGIT may be changing without the bus).
        set!(
            backpack,
            display_state = DisplayValue(Display::from(setup.on).bits().into())
        );
        set!(
            backpack,
            blink_state = BlinkValue(setup.blink.bits().into())
        );
        set!(backpack, brightness = setup.brightness);
        result.map(done)
    })
}

/// Writes `pattern` into position `digit` of the struct's buffer (no bus traffic), that
/// one position only, so that edits of other positions from other threads are not
/// undone; EINVAL for a position past the five.
fn set_position(backpack: Handle<'_, HT16K33>, digit: c_ushort, pattern: u8) -> Result<c_int> {
    let position = usize::from(digit);
    if position >= POSITIONS {
        return Err(Error::InvalidArgument("digit position"));
    }
    set!(backpack, display_buffer.com[position] = pattern);
    Ok(0)
}

/// Opens `/dev/i2c-<adapter_nr>`, selects `driver_addr` and clears the display buffer
/// in the struct. No bus traffic: the display keeps showing what it showed, and nothing
/// is known yet of the device at the address (the HT16K33 has no ID register, and a
/// probe would have to send it commands); a missing chip shows at the first call that
/// writes (EREMOTEIO, ENXIO or ENODEV). `display_state`, `blink_state` and `brightness`
/// stay as the struct has them, as in the original driver.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EBUSY when `adapter_fd` is not -1,
/// EINVAL for a negative adapter or an address above 0x7F, the kernel's errno when the
/// adapter cannot be opened (ENOENT, EACCES) or the address is taken by a kernel driver
/// (EBUSY). NULL `backpack`: -1, errno EINVAL.
///
/// What to check: ENOENT, enable I2C (Raspberry Pi: `sudo raspi-config`, Interface
/// Options, I2C, or `dtparam=i2c_arm=on` in config.txt; then `sudo modprobe i2c-dev`);
/// EACCES, join the `i2c` group (`sudo adduser $USER i2c`, log in again); EBUSY, a kernel
/// driver owns the address (`lightseg scan` names it and prints the unbind command). A
/// backpack that does not answer shows at the first write (EREMOTEIO, ENXIO or ENODEV):
/// the wiring, the A0-A2 jumpers (0x70 + their value), `lightseg scan`.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_OPEN(backpack: *mut HT16K33) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(backpack, |backpack| {
            let snapshot = backpack.read();
            if snapshot.adapter_fd != -1 {
                return Err(Error::AlreadyOpen);
            }
            let fd = BACKPACKS.open(snapshot.adapter_nr, snapshot.driver_addr)?;
            set!(backpack, adapter_fd = fd);
            set!(backpack, display_buffer.com = [0; POSITIONS]);
            Ok(0)
        })
    }
}

/// Closes the adapter and sets `adapter_fd` to -1. The display stays as it was left
/// (on, showing its digits). Safe on a closed backpack and on NULL. A descriptor that
/// lightseg did not open for this backpack (another address, a TSL2561's, or one closed
/// behind lightseg's back) is not closed; `lasterr` is then set to EBADF.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CLOSE(backpack: *mut HT16K33) {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(backpack, |backpack| {
            let (fd, address) = (get!(backpack, adapter_fd), get!(backpack, driver_addr));
            if fd == -1 {
                return Ok(0);
            }
            let closed = BACKPACKS.close(fd, address, |_, ()| Ok(()));
            set!(backpack, adapter_fd = -1);
            closed.map(done)
        })
    };
}

/// Starts the oscillator (command 0x21) unless `display_state` is already ON; then sets
/// `display_state` to ON. The LEDs light once HT16K33_DISPLAY or HT16K33_BLINK is sent.
///
/// Returns 0, or -1 with `lasterr`/`errno`: EBADF when not open (or the descriptor is
/// not one HT16K33_OPEN opened for this address), EINVAL when `display_state` or
/// `blink_state` holds an invalid value, the kernel's errno for a bus error. Calls on
/// one backpack serialise, also from several threads on one struct. NULL `backpack`:
/// -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_ON(backpack: *mut HT16K33) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(backpack, |b| {
            with_open(b, &mut |display, setup| setup.wake(display))
        })
    }
}

/// Stops the oscillator (command 0x20) when `display_state` is ON, then sets it OFF;
/// otherwise does nothing. Errors as HT16K33_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_OFF(backpack: *mut HT16K33) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(backpack, |b| {
            with_open(b, &mut |display, setup| setup.sleep(display))
        })
    }
}

/// Sets the blink rate: sends 0x80 | blink | display_state when the display is ON and
/// stores `blink_state`. An unknown `blink_cmd` gets -1 with EINVAL and sends nothing.
/// Other errors as HT16K33_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_BLINK(backpack: *mut HT16K33, blink_cmd: BlinkValue) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(backpack, |b| {
            let blink = Blink::try_from(blink_cmd.0)?;
            with_open(b, &mut |display, setup| setup.set_blink(display, blink))
        })
    }
}

/// Switches the display on or off: sends 0x80 | blink_state | display_cmd when the
/// display is currently ON and stores `display_state`. An unknown `display_cmd` gets -1
/// with EINVAL and sends nothing. Other errors as HT16K33_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_DISPLAY(
    backpack: *mut HT16K33,
    display_cmd: DisplayValue,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(backpack, |b| {
            let mode = Display::try_from(display_cmd.0)?;
            with_open(b, &mut |display, setup| setup.set_display(display, mode))
        })
    }
}

/// Sets the brightness, 0 (dimmest, 1/16 duty) to 15 (full); larger values are clamped
/// to 15. Sends 0xE0 | level when the display is ON and stores `brightness`.
/// Errors as HT16K33_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_BRIGHTNESS(backpack: *mut HT16K33, brightness: u8) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(backpack, |b| {
            with_open(b, &mut |display, setup| {
                setup.set_brightness(display, brightness)
            })
        })
    }
}

/// Puts the glyph of `value` into position `digit` of the display buffer, with the
/// decimal point when `decimal_point` is 1 (a glyph that lights the point already keeps
/// it either way). Positions: 0, 1, 2 (the colon: use HT16K33_COLON_ON /
/// HT16K33_COLON_OFF), 3, 4. Values: 0-15 show hex digits, ASCII characters show their
/// 7-segment shape, HT16K33_ZERO (127) is blank. No bus traffic: call HT16K33_COMMIT to
/// show it. Works whether or not the backpack is open; only `com[digit]` is written.
///
/// Returns 0, or -1 with `lasterr`/`errno` EINVAL when `digit` > 4 or `value` > 128
/// (the buffer is unchanged). NULL `backpack`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_UPDATE_DIGIT(
    backpack: *mut HT16K33,
    digit: c_ushort,
    value: c_uchar,
    decimal_point: c_ushort,
) -> c_int {
    let point = if decimal_point == 1 { DECIMAL_POINT } else { 0 };
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(backpack, |b| {
            let pattern = glyph(value).ok_or(Error::InvalidArgument("glyph value"))?;
            set_position(b, digit, pattern | point)
        })
    }
}

/// Blanks position `digit` (0 to 4) of the display buffer. No bus traffic.
/// Returns 0, or -1 with `lasterr`/`errno` EINVAL when `digit` > 4.
/// NULL `backpack`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CLEAN_DIGIT(backpack: *mut HT16K33, digit: c_ushort) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call(backpack, |b| set_position(b, digit, 0)) }
}

/// Sends the display buffer to the chip: one I2C block write of the 16 RAM bytes at
/// address 0 (positions at bytes 0, 2, 4, 6, 8; the rest zero).
///
/// Returns 0, or -1 with `lasterr`/`errno`: EBADF when not open, the kernel's errno for
/// a bus error (the original driver did not report it). NULL `backpack`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_COMMIT(backpack: *mut HT16K33) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(backpack, |b| {
            with_open(b, &mut |display, _| display.commit())
        })
    }
}

/// Runs `edit` on the display buffer of the struct `backpack` points to, as a 0.56"
/// backpack's content (no bus traffic), and writes the five positions back; on an error
/// nothing changes. The C result.
///
/// # Safety
/// `backpack` as the exported functions take it (the header's pointer contract).
#[inline(never)]
unsafe fn edit(backpack: *mut HT16K33, edit: &mut dyn FnMut(&mut Frame) -> Result<()>) -> c_int {
    let body = |backpack: Handle<'_, HT16K33>| {
        let buffer = get!(backpack, display_buffer.com);
        let mut frame = Frame::from_ram(BackpackKind::Seg7, &[ram_of(&buffer)])?;
        edit(&mut frame)?;
        set!(backpack, display_buffer.com = buffer_of(&frame.ram()[0]));
        Ok(0)
    };
    // SAFETY: passed on from the caller.
    unsafe { call(backpack, body) }
}

/// Puts `value` into the display buffer, right-aligned: -999 to 9999. Leading positions
/// blank, colon off. No bus traffic: HT16K33_COMMIT shows it. Works open or not.
///
/// Returns 0, or -1 with `lasterr`/`errno` and the buffer unchanged: ERANGE when it has
/// more than four characters (the minus sign counts). NULL `backpack`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_PRINT_INT(backpack: *mut HT16K33, value: c_long) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        edit(backpack, &mut |frame| {
            frame.print_integer(widen_long(value))
        })
    }
}

/// Puts `value` into the display buffer, right-aligned, with `decimals` digits after the
/// point, or as many as fit when `decimals` is negative (3.14159 shows 3.142). Rounded as
/// printf("%.*f") rounds, also when that adds a digit (9.996 with 2 decimals is 10.00);
/// a value that rounds to zero has no minus sign. The point lights the decimal point of
/// the digit before it. Errors as HT16K33_PRINT_INT, and EDOM for NaN or infinity.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_PRINT_FLOAT(
    backpack: *mut HT16K33,
    value: f64,
    decimals: c_int,
) -> c_int {
    let decimals = usize::try_from(decimals).ok();
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { edit(backpack, &mut |frame| frame.print_decimal(value, decimals)) }
}

/// Puts `value` into the display buffer in hexadecimal, right-aligned, 0 to 0xFFFF, as
/// `A b C d E F` (b and d small, so that they differ from 8 and 0). Errors as
/// HT16K33_PRINT_INT.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_PRINT_HEX(backpack: *mut HT16K33, value: c_ulong) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { edit(backpack, &mut |frame| frame.print_hex(widen_ulong(value))) }
}

/// Puts `text` into the display buffer from the left, blanking the rest: up to four
/// characters (digits, and letters and signs the glyph table has a shape for); a ':'
/// lights the colon, a '.' the decimal point of the character before it (or a blank
/// digit's, when there is none or it has one). "" blanks the display. Returns 0, or -1
/// with the buffer unchanged: ERANGE for more than four characters, EILSEQ for a
/// character without a shape (K M T V W, k m t w, $ & + ; < > ~) or bytes that
/// are not UTF-8, EINVAL for NULL `text`, a ':' before any character or two (one
/// colon: "1::2").
#[no_mangle]
pub unsafe extern "C" fn HT16K33_PRINT_TEXT(backpack: *mut HT16K33, text: *const c_char) -> c_int {
    // SAFETY: the caller's pointer contract (the header's): `text` is NULL or a C string.
    unsafe {
        let text = text_of(text);
        edit(backpack, &mut |frame| match &text {
            Ok(text) => frame.print_text(text),
            // The same error again (EILSEQ for bytes that are not UTF-8, else EINVAL).
            Err(Error::NoGlyph(byte)) => Err(Error::NoGlyph(*byte)),
            Err(_) => Err(Error::InvalidArgument("text (NULL)")),
        })
    }
}

/// Puts a time into the display buffer: `hours` (0-99, without a leading zero) and
/// `minutes` (0-59) as HH:MM, the colon lit when `colon` is non-zero (blink it once a
/// second for a clock). -1 with EINVAL for hours or minutes out of range.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_PRINT_TIME(
    backpack: *mut HT16K33,
    hours: c_int,
    minutes: c_int,
    colon: c_int,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        edit(backpack, &mut |frame| {
            let hours = u32::try_from(hours).map_err(|_| Error::InvalidArgument("hours"))?;
            let minutes = u32::try_from(minutes).map_err(|_| Error::InvalidArgument("minutes"))?;
            frame.print_time(hours, minutes, colon != 0)
        })
    }
}

/// Sets digit `digit` (0 to 3, left to right; the colon is not a digit here) to the raw
/// pattern `segments`: bit 0 = segment A (top), 1 = B, 2 = C, 3 = D, 4 = E, 5 = F,
/// 6 = G (middle), 7 = decimal point. -1 with EINVAL for a digit above 3.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_SET_RAW(
    backpack: *mut HT16K33,
    digit: c_ushort,
    segments: u8,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        edit(backpack, &mut |frame| {
            frame.set_cell(usize::from(digit), segments.into())
        })
    }
}

/// Lights (`on` non-zero) or darkens the colon in the display buffer; the digits stay.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_SET_COLON(backpack: *mut HT16K33, on: c_int) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { edit(backpack, &mut |frame| frame.set_colon(0, on != 0)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock_bus::{MockBus, Transfer::*};

    const OFF: OldSetup = OldSetup {
        on: false,
        blink: Blink::Off,
        brightness: 15,
    };

    fn chain(bus: &mut MockBus) -> Chain<&mut MockBus> {
        Chain::new(vec![bus], BackpackKind::Seg7).expect("one backpack")
    }

    #[test]
    fn the_original_sequence_sends_the_original_commands() {
        let mut bus = MockBus::default();
        let mut setup = OFF;
        let mut display = chain(&mut bus);
        setup.wake(&mut display).expect("on");
        setup
            .set_brightness(&mut display, 0x0F)
            .expect("brightness");
        setup.set_blink(&mut display, Blink::Off).expect("blink");
        setup
            .set_display(&mut display, Display::On)
            .expect("display");
        setup.wake(&mut display).expect("a second ON sends nothing");
        // "HE" with a point, colon off, "#o": the glyph table's 'H' 0x76, 'E' 0x79.
        let buffer = [0x76, 0x79 | DECIMAL_POINT, 0, 0x36, 0x5C];
        let frame = Frame::from_ram(BackpackKind::Seg7, &[ram_of(&buffer)]).expect("frame");
        *display.frame_mut() = frame;
        display.commit().expect("commit");
        drop(display);
        assert_eq!(
            bus.log,
            vec![
                WriteByte(0x21),
                WriteByte(0xEF),
                WriteByte(0x81),
                WriteByte(0x81),
                WriteI2cBlock(
                    0x00,
                    vec![0x76, 0, 0xF9, 0, 0x00, 0, 0x36, 0, 0x5C, 0, 0, 0, 0, 0, 0, 0]
                ),
            ]
        );
        assert!(setup.on);
    }

    #[test]
    fn commands_are_only_written_while_on_but_always_recorded() {
        let mut bus = MockBus::default();
        let mut setup = OFF;
        let mut display = chain(&mut bus);
        setup.set_brightness(&mut display, 200).expect("clamped");
        setup.set_blink(&mut display, Blink::Hz1).expect("blink");
        setup
            .set_display(&mut display, Display::On)
            .expect("display");
        setup
            .sleep(&mut display)
            .expect("off while the flag is set sends 0x20");
        setup
            .sleep(&mut display)
            .expect("a second OFF sends nothing");
        drop(display);
        assert_eq!(
            setup,
            OldSetup {
                on: false,
                blink: Blink::Hz1,
                brightness: 15
            }
        );
        assert_eq!(bus.log, vec![WriteByte(0x20)]);
    }

    #[test]
    fn a_failed_write_records_nothing() {
        let mut bus = MockBus {
            fail_on: Some((2, libc::EREMOTEIO)),
            ..MockBus::default()
        };
        let mut setup = OFF;
        let mut display = chain(&mut bus);
        setup.wake(&mut display).expect("on");
        let error = setup.set_brightness(&mut display, 3).expect_err("NACK");
        assert_eq!(error.errno(), libc::EREMOTEIO);
        assert_eq!(setup.brightness, 15);
        setup
            .set_blink(&mut display, Blink::Hz2)
            .expect("next call works");
        drop(display);
        assert_eq!(bus.log.last(), Some(&WriteByte(0x83)));
        let mut bus = MockBus {
            fail_on: Some((1, libc::EREMOTEIO)),
            ..MockBus::default()
        };
        let mut off = OFF;
        off.wake(&mut chain(&mut bus)).expect_err("NACK");
        assert!(!off.on, "a failed ON leaves the flag off");
    }

    #[test]
    fn the_buffer_and_the_ram_image_round_trip() {
        let buffer = [1, 2, 3, 4, 5];
        let ram = ram_of(&buffer);
        assert_eq!(ram[..10], [1, 0, 2, 0, 3, 0, 4, 0, 5, 0]);
        assert_eq!(ram[10..], [0; 6]);
        assert_eq!(buffer_of(&ram), buffer);
    }
}
