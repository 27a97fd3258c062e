//! `7seg_bp_ada.h`: the C API of the old Adafruit 7-segment backpack driver, names,
//! types and values unchanged.
//!
//! cbindgen reads this file alone to write the header; the macros and the glyph table
//! come from `build.rs`.
#![allow(non_camel_case_types, non_snake_case)]

use std::os::raw::{c_int, c_uchar, c_ushort};
use std::ptr::addr_of_mut;

use super::{checked, fail, finish, guard};
use crate::bus;
use crate::error::{Error, Result};
use crate::ht16k33::driver::display_from_bits;
use crate::ht16k33::{Blink, DisplayState, Ht16k33};

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
#[derive(Debug, Clone, Copy)]
pub struct ht16k55_matrix {
    /// One pattern per position (segment A = bit 0 ... G = bit 6, decimal point bit 7).
    pub com: [u8; 5],
}

/// One 7-segment backpack. Initialise it with `HT16K33_INIT`, then call `HT16K33_OPEN`.
/// All state lives in this struct, so it may be copied or passed by value; the open
/// file descriptor identifies the device.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
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

fn state_of(backpack: &HT16K33) -> Result<DisplayState> {
    Ok(DisplayState {
        on: display_from_bits(backpack.display_state.0)?,
        blink: Blink::try_from(backpack.blink_state.0)?,
        brightness: backpack.brightness,
        positions: backpack.display_buffer.com,
    })
}

/// Runs `operation` on the open backpack with the state stored in the struct, then stores
/// the state it ended with (only writes that succeeded change it). Maps the result.
///
/// # Safety
/// `backpack` must be non-null, aligned and valid for reads and writes.
unsafe fn run(
    backpack: *mut HT16K33,
    operation: impl FnOnce(&mut Ht16k33<&mut i2cdev::linux::LinuxI2CDevice>) -> Result<()>,
) -> c_int {
    let snapshot = backpack.read();
    let outcome = state_of(&snapshot).and_then(|state| {
        bus::with_device(snapshot.adapter_fd, snapshot.driver_addr, |device, _| {
            let mut display = Ht16k33::new(device, state);
            let result = operation(&mut display);
            Ok((display.state(), result))
        })
    });
    let result = outcome.and_then(|(state, result)| {
        addr_of_mut!((*backpack).display_state).write(DisplayValue(c_int::from(state.on)));
        addr_of_mut!((*backpack).blink_state).write(BlinkValue(state.blink.bits().into()));
        addr_of_mut!((*backpack).brightness).write(state.brightness);
        result
    });
    finish(addr_of_mut!((*backpack).lasterr), result)
}

/// Runs `edit` on the display buffer of the struct (no bus traffic) and maps the result.
///
/// # Safety
/// `backpack` must be non-null, aligned and valid for reads and writes.
unsafe fn edit_buffer(
    backpack: *mut HT16K33,
    edit: impl FnOnce(&mut DisplayState) -> Result<()>,
) -> c_int {
    let snapshot = backpack.read();
    let mut state = DisplayState {
        positions: snapshot.display_buffer.com,
        ..DisplayState::default()
    };
    let result = edit(&mut state).map(|()| {
        addr_of_mut!((*backpack).display_buffer.com).write(state.positions);
    });
    finish(addr_of_mut!((*backpack).lasterr), result)
}

/// Opens `/dev/i2c-<adapter_nr>`, selects `driver_addr` and clears the display buffer
/// in the struct. No bus traffic: the display keeps showing what it showed.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EBUSY when `adapter_fd` is not -1,
/// EINVAL for a negative adapter or an address above 0x7F, the kernel's errno when the
/// adapter cannot be opened (ENOENT, EACCES) or the address is taken by a kernel driver
/// (EBUSY). NULL `backpack`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_OPEN(backpack: *mut HT16K33) -> c_int {
    guard(|| {
        let Some(backpack) = checked(backpack) else {
            return -1;
        };
        let lasterr = addr_of_mut!((*backpack).lasterr);
        let snapshot = backpack.read();
        if snapshot.adapter_fd != -1 {
            return fail(lasterr, &Error::AlreadyOpen);
        }
        match bus::open(snapshot.adapter_nr, snapshot.driver_addr) {
            Ok(fd) => {
                addr_of_mut!((*backpack).adapter_fd).write(fd);
                addr_of_mut!((*backpack).display_buffer.com).write([0; 5]);
                0
            }
            Err(error) => fail(lasterr, &error),
        }
    })
}

/// Closes the adapter and sets `adapter_fd` to -1. The display stays as it was left
/// (on, showing its digits). Safe on a closed backpack and on NULL. A descriptor that
/// lightseg did not open for this address is not closed; `lasterr` is then set to EBADF.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CLOSE(backpack: *mut HT16K33) {
    guard(|| {
        let Some(backpack) = checked(backpack) else {
            return -1;
        };
        let fd = addr_of_mut!((*backpack).adapter_fd).read();
        let address = addr_of_mut!((*backpack).driver_addr).read();
        if fd == -1 {
            return 0;
        }
        addr_of_mut!((*backpack).adapter_fd).write(-1);
        finish(addr_of_mut!((*backpack).lasterr), bus::close(fd, address))
    });
}

/// Starts the oscillator (command 0x21) unless `display_state` is already ON; then sets
/// `display_state` to ON. The LEDs light once HT16K33_DISPLAY or HT16K33_BLINK is sent.
///
/// Returns 0, or -1 with `lasterr`/`errno`: EBADF when not open, EINVAL when
/// `display_state` or `blink_state` holds an invalid value, the kernel's errno for a bus
/// error. NULL `backpack`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_ON(backpack: *mut HT16K33) -> c_int {
    guard(|| match checked(backpack) {
        Some(backpack) => run(backpack, |display| display.wake()),
        None => -1,
    })
}

/// Stops the oscillator (command 0x20) when `display_state` is ON, then sets it OFF;
/// otherwise does nothing. Errors as HT16K33_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_OFF(backpack: *mut HT16K33) -> c_int {
    guard(|| match checked(backpack) {
        Some(backpack) => run(backpack, |display| display.sleep()),
        None => -1,
    })
}

/// Sets the blink rate: sends 0x80 | blink | display_state when the display is ON and
/// stores `blink_state`. An unknown `blink_cmd` gets -1 with EINVAL and sends nothing.
/// Other errors as HT16K33_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_BLINK(backpack: *mut HT16K33, blink_cmd: BlinkValue) -> c_int {
    guard(|| {
        let Some(backpack) = checked(backpack) else {
            return -1;
        };
        match Blink::try_from(blink_cmd.0) {
            Ok(blink) => run(backpack, |display| display.set_blink(blink)),
            Err(error) => fail(addr_of_mut!((*backpack).lasterr), &error),
        }
    })
}

/// Switches the display on or off: sends 0x80 | blink_state | display_cmd when the
/// display is currently ON and stores `display_state`. An unknown `display_cmd` gets -1
/// with EINVAL and sends nothing. Other errors as HT16K33_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_DISPLAY(
    backpack: *mut HT16K33,
    display_cmd: DisplayValue,
) -> c_int {
    guard(|| {
        let Some(backpack) = checked(backpack) else {
            return -1;
        };
        match display_from_bits(display_cmd.0) {
            Ok(on) => run(backpack, |display| display.set_display(on)),
            Err(error) => fail(addr_of_mut!((*backpack).lasterr), &error),
        }
    })
}

/// Sets the brightness, 0 (dimmest, 1/16 duty) to 15 (full); larger values are clamped
/// to 15. Sends 0xE0 | level when the display is ON and stores `brightness`.
/// Errors as HT16K33_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_BRIGHTNESS(backpack: *mut HT16K33, brightness: u8) -> c_int {
    guard(|| match checked(backpack) {
        Some(backpack) => run(backpack, |display| display.set_brightness(brightness)),
        None => -1,
    })
}

/// Puts the glyph of `value` into position `digit` of the display buffer, with the
/// decimal point when `decimal_point` is 1. Positions: 0, 1, 2 (the colon: use
/// HT16K33_COLON_ON / HT16K33_COLON_OFF), 3, 4. Values: 0-15 show hex digits, ASCII
/// characters show their 7-segment shape, HT16K33_ZERO (127) is blank. No bus traffic:
/// call HT16K33_COMMIT to show it. Works whether or not the backpack is open.
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
    guard(|| match checked(backpack) {
        Some(backpack) => edit_buffer(backpack, |state| {
            state.set_position(usize::from(digit), value, decimal_point == 1)
        }),
        None => -1,
    })
}

/// Blanks position `digit` (0 to 4) of the display buffer. No bus traffic.
/// Returns 0, or -1 with `lasterr`/`errno` EINVAL when `digit` > 4.
/// NULL `backpack`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CLEAN_DIGIT(backpack: *mut HT16K33, digit: c_ushort) -> c_int {
    guard(|| match checked(backpack) {
        Some(backpack) => edit_buffer(backpack, |state| state.clear_position(usize::from(digit))),
        None => -1,
    })
}

/// Sends the display buffer to the chip: one I2C block write of the 16 RAM bytes at
/// address 0 (positions at bytes 0, 2, 4, 6, 8; the rest zero).
///
/// Returns 0, or -1 with `lasterr`/`errno`: EBADF when not open, the kernel's errno for
/// a bus error (the original driver did not report it). NULL `backpack`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_COMMIT(backpack: *mut HT16K33) -> c_int {
    guard(|| match checked(backpack) {
        Some(backpack) => run(backpack, |display| display.commit()),
        None => -1,
    })
}
