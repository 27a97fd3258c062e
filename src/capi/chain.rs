//! `7seg_bp_ada.h`, second part: every Adafruit HT16K33 backpack, alone or chained, as
//! one display (`HT16K33_CHAIN`). Same conventions as the old functions: 0, or -1 with
//! `lasterr` and `errno`; content calls fill the RAM images in the struct and
//! `HT16K33_CHAIN_COMMIT` sends them.
//!
//! cbindgen reads this file after `ht16k33.rs` for the same header.
#![allow(non_camel_case_types, non_snake_case)]

use std::os::raw::{c_char, c_int, c_long, c_uint, c_ulong, c_ushort};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::ht16k33::{BlinkValue, BACKPACKS};
use super::{call, done, get, set, text_of, widen_long, widen_ulong, Handle, WithLastError};
use crate::bus::registry::Registered;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::ht16k33::backpack::{BackpackKind, Color};
use crate::ht16k33::chain::Chain;
use crate::ht16k33::frame::{Frame, Rotation, MAX_BACKPACKS, MAX_GLYPHS};
use crate::ht16k33::scroll::{Marquee, Schedule};
use crate::ht16k33::{Blink, Display};

/// Which backpack the chain is made of.
#[repr(C)]
pub enum ht16k33backpack_t {
    /// 0.56" 4-digit 7-segment (with colon).
    HT16K33_SEG7 = 0,
    /// 1.2" 4-digit 7-segment (centre colon, left colon dots, upper dot).
    HT16K33_SEG7_LARGE = 1,
    /// 0.54" quad alphanumeric (14 segments and a decimal point per character).
    HT16K33_ALPHANUMERIC = 2,
    /// 8x8 single-colour matrix.
    HT16K33_MATRIX8X8 = 3,
    /// 8x8 bicolour matrix.
    HT16K33_BICOLOR8X8 = 4,
    /// 16x8 1.2" matrix backpack (16 wide, 8 tall).
    HT16K33_MATRIX16X8 = 5,
    /// 16x8 0.8" mini matrix FeatherWing (16 wide, 8 tall).
    HT16K33_MINI16X8 = 6,
    /// Bicolour 24-bar bargraph.
    HT16K33_BARGRAPH24 = 7,
}

/// A pixel or bar colour; on single-colour matrices any colour but OFF lights the pixel.
#[repr(C)]
pub enum ht16k33color_t {
    /// Dark.
    HT16K33_COLOR_OFF = 0,
    /// Red.
    HT16K33_COLOR_RED = 1,
    /// Green.
    HT16K33_COLOR_GREEN = 2,
    /// Red and green together.
    HT16K33_COLOR_YELLOW = 3,
}

/// An `ht16k33backpack_t` as C stores it (any int may be there).
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackpackValue(pub c_int);

/// An `ht16k33color_t` as C passes it (any int may be there).
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColorValue(pub c_int);

/// Colon bit of HT16K33_CHAIN_SET_DOTS (both 7-segment backpacks).
pub const HT16K33_DOT_COLON: u8 = 0x02;
/// 1.2" 7-segment only: upper dot of the left colon.
pub const HT16K33_DOT_LEFT_UPPER: u8 = 0x04;
/// 1.2" 7-segment only: lower dot of the left colon.
pub const HT16K33_DOT_LEFT_LOWER: u8 = 0x08;
/// 1.2" 7-segment only: the upper dot between the third and fourth digit.
pub const HT16K33_DOT_UPPER: u8 = 0x10;
/// Most backpacks in one chain.
pub const HT16K33_CHAIN_MAX: usize = 8;
// The header's constants are literals (cbindgen writes them as they are spelled); these
// checks keep them equal to the core's.
const _: () = assert!(HT16K33_CHAIN_MAX == MAX_BACKPACKS);
const _: () = assert!(HT16K33_DOT_COLON == crate::ht16k33::backpack::DOT_COLON);
const _: () = assert!(HT16K33_DOT_LEFT_UPPER == crate::ht16k33::backpack::DOT_LEFT_UPPER);
const _: () = assert!(HT16K33_DOT_LEFT_LOWER == crate::ht16k33::backpack::DOT_LEFT_LOWER);
const _: () = assert!(HT16K33_DOT_UPPER == crate::ht16k33::backpack::DOT_UPPER);

/// Longest text HT16K33_CHAIN_SCROLL_START keeps, in bytes.
pub const HT16K33_SCROLL_TEXT_MAX: usize = 255;

/// Most custom glyphs one chain holds (HT16K33_CHAIN_SET_GLYPH).
pub const HT16K33_GLYPHS_MAX: usize = 8;
const _: () = assert!(HT16K33_GLYPHS_MAX == MAX_GLYPHS);

/// One to eight backpacks of one kind on one I2C bus, shown as one display, left to
/// right in the order of `addresses`. Fill it with HT16K33_CHAIN_OPEN. One struct per
/// display; calls on one struct from several threads need the caller's own lock.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HT16K33_CHAIN {
    /// I2C adapter number: the N of /dev/i2c-N.
    pub adapter_nr: c_int,
    /// The backpack kind.
    pub kind: BackpackValue,
    /// Number of backpacks, 1 to HT16K33_CHAIN_MAX.
    pub count: c_int,
    /// Their addresses (0x70 to 0x77), left to right.
    pub addresses: [u8; 8],
    /// Their open descriptors; -1 when closed.
    pub adapter_fds: [c_int; 8],
    /// errno value of the last failed call; never reset by a successful one.
    pub lasterr: c_int,
    /// Matrices: quarter turns clockwise, 0 to 3 (HT16K33_CHAIN_SET_ROTATION).
    pub rotation: c_int,
    /// The display RAM image of each backpack, as HT16K33_CHAIN_COMMIT sends it.
    pub ram: [[u8; 16]; 8],
    /// Scrolling: milliseconds per step (0: not scrolling).
    pub scroll_step_ms: c_uint,
    /// Scrolling: the step last shown.
    pub scroll_step: c_ulong,
    /// Scrolling: monotonic time of step 0, in nanoseconds since the library's epoch.
    pub scroll_start_ns: u64,
    /// Scrolling: the text, NUL-terminated.
    pub scroll_text: [c_char; 256],
    /// Scrolling: blank positions between repeats of the text (HT16K33_CHAIN_SET_MARQUEE);
    /// -1 (as OPEN sets it): the text leaves the display before it comes again.
    pub scroll_gap: c_int,
    /// Custom glyphs (HT16K33_CHAIN_SET_GLYPH): their characters, 0 in an unused slot.
    pub glyph_chars: [c_char; 8],
    /// Custom glyphs: the segment pattern of each character in `glyph_chars`.
    pub glyph_patterns: [c_ushort; 8],
}

/// The number of backpacks the struct says it has (1 to 8).
fn count_of(chain: &HT16K33_CHAIN) -> Result<usize> {
    usize::try_from(chain.count)
        .ok()
        .filter(|count| (1..=MAX_BACKPACKS).contains(count))
        .ok_or(Error::InvalidArgument("count (1 to 8 backpacks)"))
}

/// The content the struct holds, as the core's frame (its glyphs included).
fn frame_of(chain: &HT16K33_CHAIN) -> Result<Frame> {
    let kind = BackpackKind::from_index(chain.kind.0)?;
    let mut frame = Frame::from_ram(kind, &chain.ram[..count_of(chain)?])?;
    if frame.pixel_size().0 > 0 {
        frame.set_rotation(Rotation::from_index(chain.rotation)?)?;
    }
    for (character, pattern) in chain.glyph_chars.iter().zip(chain.glyph_patterns) {
        if *character != 0 {
            frame.set_glyph(char::from(*character as u8), Some(pattern))?;
        }
    }
    Ok(frame)
}

impl WithLastError for HT16K33_CHAIN {
    fn set_lasterr(chain: Handle<'_, Self>, errno: c_int) {
        set!(chain, lasterr = errno);
    }
}

/// Runs `edit` on the chain's content (no bus traffic) and stores the result; on an
/// error nothing changes.
fn edit(
    chain: Handle<'_, HT16K33_CHAIN>,
    edit: &mut dyn FnMut(&mut Frame) -> Result<()>,
) -> Result<c_int> {
    let mut frame = frame_of(&chain.read())?;
    edit(&mut frame)?;
    for (index, image) in frame.ram().iter().enumerate() {
        set!(chain, ram[index] = *image);
    }
    Ok(0)
}

/// [`edit`] as an exported function's whole body. One copy for all (not inlined).
///
/// # Safety
/// `chain` as the exported functions take it (the header's pointer contract).
#[inline(never)]
unsafe fn call_edit(
    chain: *mut HT16K33_CHAIN,
    operation: &mut dyn FnMut(&mut Frame) -> Result<()>,
) -> c_int {
    // SAFETY: passed on from the caller.
    unsafe { call(chain, |chain| edit(chain, operation)) }
}

/// Fails with `NotOpen` (EBADF) unless every backpack's descriptor is one the library
/// opened for its address and still open: checked for all before anything is sent.
fn check_descriptors(chain: &HT16K33_CHAIN, count: usize) -> Result<()> {
    (0..count)
        .try_for_each(|index| BACKPACKS.check(chain.adapter_fds[index], chain.addresses[index]))
}

/// A chain's backpacks, each through the library's descriptor registry: every transfer
/// takes the chip's lock, as the old functions' do.
type Backpacks = Chain<Registered<'static, ()>>;

/// Runs `operation` on the chain `state` describes, as the core's driver over the
/// descriptors it holds (every descriptor checked first, so a bad one sends nothing).
/// On success stores `state` with the RAM images the operation left in the struct; on
/// failure nothing changes.
#[inline(never)]
fn drive_state(
    chain: Handle<'_, HT16K33_CHAIN>,
    mut state: HT16K33_CHAIN,
    operation: &mut dyn FnMut(&mut Backpacks) -> Result<()>,
) -> Result<c_int> {
    let frame = frame_of(&state)?;
    check_descriptors(&state, frame.count())?;
    let buses = (0..frame.count())
        .map(|index| BACKPACKS.device(state.adapter_fds[index], state.addresses[index]))
        .collect();
    let mut driver = Chain::with_frame(buses, frame)?;
    operation(&mut driver)?;
    for (slot, image) in state.ram.iter_mut().zip(driver.frame().ram()) {
        *slot = *image;
    }
    chain.write(state);
    Ok(0)
}

/// [`drive_state`] on the struct as it is, as an exported function's whole body.
///
/// # Safety
/// `chain` as the exported functions take it (the header's pointer contract).
unsafe fn call_drive(
    chain: *mut HT16K33_CHAIN,
    operation: &mut dyn FnMut(&mut Backpacks) -> Result<()>,
) -> c_int {
    // SAFETY: passed on from the caller.
    unsafe { call(chain, |chain| drive_state(chain, chain.read(), operation)) }
}

/// Fills `chain` for `count` (1 to 8) backpacks of `kind` at `addresses` (left to
/// right) on /dev/i2c-`adapter_nr`, opens a descriptor for each, blanks the RAM images
/// and sets `lasterr` to 0 (the struct may hold anything before). No bus traffic (call
/// HT16K33_CHAIN_ON).
///
/// Returns 0, or -1 with `lasterr`/`errno`, nothing opened and the struct as it was
/// beyond `lasterr`: EBUSY when OPEN filled this struct (at this address) before and
/// its descriptors are still open (close it first: HT16K33_CHAIN_CLOSE); EINVAL
/// for a count outside 1-8, an unknown kind, NULL `addresses`, an address above 0x7F
/// or given twice; ENOENT, EACCES or EBUSY from the kernel as for HT16K33_OPEN (the
/// message of `lightseg scan` and the README say what to check). NULL `chain`: -1,
/// errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_OPEN(
    chain: *mut HT16K33_CHAIN,
    adapter_nr: c_int,
    kind: BackpackValue,
    addresses: *const u8,
    count: c_int,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's); `addresses` is NULL or holds
    // `count` bytes.
    unsafe {
        call(chain, |chain| {
            let fresh = open_chain(chain.as_ptr() as usize, adapter_nr, kind, addresses, count)?;
            chain.write(fresh);
            Ok(0)
        })
    }
}

/// The struct of a newly opened chain, or why not (with nothing left open): EBUSY when
/// OPEN filled the struct at `holder` before and it still holds an open descriptor
/// (checked first). OPEN asks the registry, not the struct: before its first OPEN a
/// struct may hold anything, and an answer that depended on uninitialised memory would
/// be a guess (and memcheck's complaint in the caller's program).
///
/// # Safety
/// `addresses` is NULL or points to `count` readable bytes.
unsafe fn open_chain(
    holder: usize,
    adapter_nr: c_int,
    kind: BackpackValue,
    addresses: *const u8,
    count: c_int,
) -> Result<HT16K33_CHAIN> {
    if BACKPACKS.holds_open(holder) {
        return Err(Error::AlreadyOpen);
    }
    let mut fresh = HT16K33_CHAIN {
        adapter_nr,
        kind,
        count,
        addresses: [0; MAX_BACKPACKS],
        adapter_fds: [-1; MAX_BACKPACKS],
        lasterr: 0,
        rotation: 0,
        ram: [[0; 16]; MAX_BACKPACKS],
        scroll_step_ms: 0,
        scroll_step: 0,
        scroll_start_ns: 0,
        scroll_text: [0; HT16K33_SCROLL_TEXT_MAX + 1],
        scroll_gap: -1,
        glyph_chars: [0; MAX_GLYPHS],
        glyph_patterns: [0; MAX_GLYPHS],
    };
    let count = count_of(&fresh)?;
    BackpackKind::from_index(kind.0)?;
    if addresses.is_null() {
        return Err(Error::InvalidArgument("addresses (NULL)"));
    }
    // SAFETY: non-null; the caller promises `count` readable bytes.
    let given = unsafe { std::slice::from_raw_parts(addresses, count) };
    fresh.addresses[..count].copy_from_slice(given);
    let fds = BACKPACKS.open_all(adapter_nr, given, holder)?;
    fresh.adapter_fds[..count].copy_from_slice(&fds);
    Ok(fresh)
}

/// Closes the chain's descriptors and sets them to -1; the backpacks keep showing what
/// they showed. Safe on a closed chain and on NULL. Descriptors the library did not open
/// for these addresses are not closed (`lasterr` EBADF).
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_CLOSE(chain: *mut HT16K33_CHAIN) {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call(chain, close) };
}

/// HT16K33_CHAIN_CLOSE on a checked struct.
fn close(chain: Handle<'_, HT16K33_CHAIN>) -> Result<c_int> {
    BACKPACKS.release(chain.as_ptr() as usize);
    let mut result = Ok(0);
    for index in 0..MAX_BACKPACKS {
        let (fd, address) = (
            get!(chain, adapter_fds[index]),
            get!(chain, addresses[index]),
        );
        if fd != -1 {
            let closed = BACKPACKS.close(fd, address, |_, ()| Ok(()));
            result = result.and(closed.map(done));
            set!(chain, adapter_fds[index] = -1);
        }
    }
    result
}

/// Switches every backpack on: oscillator on (0x21), display on and steady (0x81), full
/// brightness (0xEF). Returns 0, or -1 with `lasterr`/`errno` and the struct as it was
/// beyond `lasterr`: EBADF when any backpack's descriptor is not one the library has open
/// for its address (all are checked before anything is sent, so then nothing is), the
/// kernel's errno for a bus error (EREMOTEIO, ENXIO: no backpack answers at an address;
/// the backpacks before it in the chain have had the command).
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_ON(chain: *mut HT16K33_CHAIN) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call_drive(chain, &mut |c| c.switch_on()) }
}

/// Puts every backpack in standby (0x20): dark, RAM kept. Errors as HT16K33_CHAIN_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_OFF(chain: *mut HT16K33_CHAIN) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call_drive(chain, &mut |c| c.sleep()) }
}

/// Sets every backpack's brightness, 0 to 15 (larger values are 15). Errors as
/// HT16K33_CHAIN_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_BRIGHTNESS(chain: *mut HT16K33_CHAIN, level: u8) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call_drive(chain, &mut |c| c.set_brightness(level)) }
}

/// Display on with blink rate `blink_cmd` (HT16K33_BLINK_OFF for steady). An unknown
/// rate: -1, EINVAL, nothing sent. Other errors as HT16K33_CHAIN_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_BLINK(
    chain: *mut HT16K33_CHAIN,
    blink_cmd: BlinkValue,
) -> c_int {
    let blink = Blink::try_from(blink_cmd.0);
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(chain, |chain| {
            let blink = blink?;
            drive_state(chain, chain.read(), &mut |c| {
                c.set_display(Display::On, blink)
            })
        })
    }
}

/// Sends the RAM images: one I2C block write per backpack, left to right. Errors as
/// HT16K33_CHAIN_ON (a failure stops at that backpack).
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_COMMIT(chain: *mut HT16K33_CHAIN) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call_drive(chain, &mut |c| c.commit()) }
}

/// Blanks the RAM images (no bus traffic; HT16K33_CHAIN_COMMIT shows it).
/// Returns 0, or -1 with EINVAL when the struct's kind or count is invalid.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_CLEAR(chain: *mut HT16K33_CHAIN) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call_edit(chain, &mut |frame| {
            frame.clear();
            Ok(())
        })
    }
}

/// Shows `value` right-aligned across the chain's characters (7-segment and
/// alphanumeric kinds). No bus traffic. Returns 0, or -1 with `lasterr`/`errno` and the
/// images unchanged: ERANGE when it has more characters than the display (the minus sign
/// counts), EINVAL for a matrix or bargraph.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_PRINT_INT(
    chain: *mut HT16K33_CHAIN,
    value: c_long,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call_edit(chain, &mut |frame| frame.print_integer(widen_long(value))) }
}

/// Shows `value` right-aligned with `decimals` digits after the point, or as many as fit
/// when `decimals` is negative. Rounded as printf("%.*f") rounds (9.996 with 2 decimals
/// is 10.00); the point lights the digit before it; a value that rounds to zero has no
/// minus sign. Errors as HT16K33_CHAIN_PRINT_INT, and EDOM for NaN or infinity.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_PRINT_FLOAT(
    chain: *mut HT16K33_CHAIN,
    value: f64,
    decimals: c_int,
) -> c_int {
    let decimals = usize::try_from(decimals).ok();
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call_edit(chain, &mut |frame| frame.print_decimal(value, decimals)) }
}

/// Shows `value` in hexadecimal, right-aligned (`A b C d E F` on 7 segments, capitals on
/// the alphanumeric). Errors as HT16K33_CHAIN_PRINT_INT.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_PRINT_HEX(
    chain: *mut HT16K33_CHAIN,
    value: c_ulong,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call_edit(chain, &mut |frame| frame.print_hex(widen_ulong(value))) }
}

/// Shows `text` from the left, blanking the rest: each character takes one position; a
/// Shows `text` from the left. '.' lights the decimal point of the character before it
/// (or takes a blank position when that one has its point already or there is none); on
/// 7-segment kinds a ':' lights the colon of the backpack of the character before it,
/// and text with a ':' starts where its first colon lands on a colon ("1:23" shows as
/// " 1:23"). On matrices the text is drawn in a 5x8 pixel font (5 pixels a character,
/// green on the bicolour) on a blank chain. "" blanks. Returns 0, or -1 with the images
/// unchanged: ERANGE when longer than the display (scroll it instead), EILSEQ for a
/// character the font has no shape for (7 segments: K M W k m w and some signs;
/// matrices: beyond printable ASCII), EINVAL for NULL text, a bargraph, a ':' before
/// any character or a second ':' for one backpack (it has one colon: "1::2").
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_PRINT_TEXT(
    chain: *mut HT16K33_CHAIN,
    text: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's): `text` is NULL or a C string.
    unsafe {
        let text = text_of(text);
        call(chain, |chain| {
            let text = text?;
            edit(chain, &mut |frame| frame.print_text(text))
        })
    }
}

/// Shows a time of day, `hours` (0-99, no leading zero) and `minutes` (0-59) as HH:MM
/// right-aligned, the colon lit when `colon` is non-zero (on the alphanumeric, which has
/// no colon, a decimal point after the hours). -1 with EINVAL for hours or minutes out
/// of range; other errors as HT16K33_CHAIN_PRINT_INT.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_PRINT_TIME(
    chain: *mut HT16K33_CHAIN,
    hours: c_int,
    minutes: c_int,
    colon: c_int,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call_edit(chain, &mut |frame| {
            let hours = u32::try_from(hours).map_err(|_| Error::InvalidArgument("hours"))?;
            let minutes = u32::try_from(minutes).map_err(|_| Error::InvalidArgument("minutes"))?;
            frame.print_time(hours, minutes, colon != 0)
        })
    }
}

/// Sets character `position` (0 = leftmost of the chain) to raw `segments`: bit 0 =
/// segment A ... bit 6 = G, 0x80 the decimal point on 7 segments; on the alphanumeric
/// bits 0-13 as in the README's table and 0x4000 the decimal point. -1 with EINVAL for a
/// position past the display or bits the kind does not have (above 0xFF on 7 segments,
/// 0x8000 on the alphanumeric).
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SET_RAW(
    chain: *mut HT16K33_CHAIN,
    position: c_ushort,
    segments: u16,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call_edit(chain, &mut |frame| {
            frame.set_cell(usize::from(position), segments)
        })
    }
}

/// Sets the colon and dots of backpack `backpack` (0 = leftmost) of a 7-segment chain to
/// `mask`: HT16K33_DOT_COLON, and on the 1.2" also HT16K33_DOT_LEFT_UPPER,
/// HT16K33_DOT_LEFT_LOWER, HT16K33_DOT_UPPER. -1 with EINVAL for other kinds, a
/// backpack past the chain or a bit the kind does not have (any but HT16K33_DOT_COLON on
/// the 0.56").
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SET_DOTS(
    chain: *mut HT16K33_CHAIN,
    backpack: c_ushort,
    mask: u8,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call_edit(chain, &mut |frame| {
            frame.set_dots(usize::from(backpack), mask)
        })
    }
}

fn coordinate(value: c_int) -> Result<usize> {
    usize::try_from(value).map_err(|_| Error::InvalidArgument("pixel position"))
}

/// Sets pixel (`x`, `y`) of a matrix chain (0, 0 = top left, after the rotation; the
/// chain's matrices side by side, left to right) to `color`. -1 with EINVAL for a pixel
/// off the display, an unknown colour or a kind that is not a matrix.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SET_PIXEL(
    chain: *mut HT16K33_CHAIN,
    x: c_int,
    y: c_int,
    color: ColorValue,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call_edit(chain, &mut |frame| {
            frame.set_pixel(coordinate(x)?, coordinate(y)?, Color::from_index(color.0)?)
        })
    }
}

/// Draws `bitmap` (`height` rows of (`width` + 7) / 8 bytes, most significant bit
/// leftmost) with its top left corner at (`x`, `y`): set bits take `color`, clear bits
/// leave the pixel as it is, pixels off the display are skipped. A row of pixels is a
/// bitmap one pixel high. -1 with EINVAL for NULL, negative sizes, an unknown colour or
/// a kind that is not a matrix.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_DRAW_BITMAP(
    chain: *mut HT16K33_CHAIN,
    x: c_int,
    y: c_int,
    bitmap: *const u8,
    width: c_int,
    height: c_int,
    color: ColorValue,
) -> c_int {
    let size = usize::try_from(width)
        .and_then(|w| usize::try_from(height).map(|h| (w, h)))
        .ok()
        .filter(|_| !bitmap.is_null());
    // SAFETY: the caller's pointer contract (the header's); `bitmap` is non-null when
    // `size` is known, and holds `height * (width + 7) / 8` readable bytes.
    unsafe {
        call_edit(chain, &mut |frame| {
            let (width, height) = size.ok_or(Error::InvalidArgument("bitmap"))?;
            let bytes = std::slice::from_raw_parts(bitmap, width.div_ceil(8) * height);
            let color = Color::from_index(color.0)?;
            frame.draw_bitmap(x as isize, y as isize, bytes, width, height, color)
        })
    }
}

/// The colour C passed, and whether a shape is filled.
fn paint_of(color: ColorValue, filled: c_int) -> Result<(Color, bool)> {
    Ok((Color::from_index(color.0)?, filled != 0))
}

/// A size, radius or count C passed: EINVAL when negative.
fn extent(value: c_int, what: &'static str) -> Result<u32> {
    u32::try_from(value).map_err(|_| Error::InvalidArgument(what))
}

/// Sets every pixel of a matrix chain to `color` (HT16K33_COLOR_OFF blanks it). Like
/// every drawing call, it changes the images in the struct only: HT16K33_CHAIN_COMMIT
/// shows them. -1 with EINVAL and the images unchanged for an unknown colour or a kind
/// that is not a matrix.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_FILL(chain: *mut HT16K33_CHAIN, color: ColorValue) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call_edit(chain, &mut |frame| frame.fill(Color::from_index(color.0)?)) }
}

/// Draws a line from (`x0`, `y0`) to (`x1`, `y1`) on a matrix chain, both ends included;
/// coordinates as HT16K33_CHAIN_SET_PIXEL's, and the parts off the display are clipped.
/// Coordinates of every drawing call reach -4095 to 4095 (32 times the longest chain):
/// -1 with EINVAL beyond. Other errors as HT16K33_CHAIN_FILL.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_DRAW_LINE(
    chain: *mut HT16K33_CHAIN,
    x0: c_int,
    y0: c_int,
    x1: c_int,
    y1: c_int,
    color: ColorValue,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call_edit(chain, &mut |frame| {
            frame.draw_line((x0, y0), (x1, y1), Color::from_index(color.0)?)
        })
    }
}

/// Draws a rectangle `width` x `height` pixels with its top left corner at (`x`, `y`)
/// on a matrix chain: its one-pixel outline, or filled when `filled` is non-zero;
/// clipped at the edges; a zero size draws nothing. -1 with EINVAL for a negative size or
/// one above 4095; other errors as HT16K33_CHAIN_DRAW_LINE.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_DRAW_RECT(
    chain: *mut HT16K33_CHAIN,
    x: c_int,
    y: c_int,
    width: c_int,
    height: c_int,
    color: ColorValue,
    filled: c_int,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call_edit(chain, &mut |frame| {
            let size = (extent(width, "width")?, extent(height, "height")?);
            let (color, filled) = paint_of(color, filled)?;
            frame.draw_rect((x, y), size, color, filled)
        })
    }
}

/// Draws a circle centred on (`x`, `y`) with radius `radius` (2 * `radius` + 1 pixels
/// across, as Adafruit_GFX's; 0 is one pixel) on a matrix chain: its outline, or filled
/// when `filled` is non-zero; clipped at the edges. -1 with EINVAL for a negative
/// radius or one above 4095; other errors as HT16K33_CHAIN_DRAW_LINE.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_DRAW_CIRCLE(
    chain: *mut HT16K33_CHAIN,
    x: c_int,
    y: c_int,
    radius: c_int,
    color: ColorValue,
    filled: c_int,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call_edit(chain, &mut |frame| {
            let (color, filled) = paint_of(color, filled)?;
            frame.draw_circle((x, y), extent(radius, "radius")?, color, filled)
        })
    }
}

/// Moves the picture on a matrix chain `dx` pixels right (negative: left) and `dy` down
/// (negative: up), across the whole chain. With `wrap` non-zero what leaves one edge
/// comes in at the other; otherwise it is lost and the pixels left behind are dark.
/// -1 with EINVAL and the images unchanged for a kind that is not a matrix.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SHIFT(
    chain: *mut HT16K33_CHAIN,
    dx: c_int,
    dy: c_int,
    wrap: c_int,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call_edit(chain, &mut |frame| frame.shift(dx, dy, wrap != 0)) }
}

/// Draws `text` in the matrices' 5x8 pixel font with the top left of its first
/// character at (`x`, `y`), its strokes in `color` and the pixels around them as they
/// were; what falls off the display is clipped (Adafruit_GFX's setCursor and print).
/// -1 with the images unchanged: EILSEQ for a character beyond printable ASCII, EINVAL
/// for NULL text; other errors as HT16K33_CHAIN_DRAW_LINE.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_DRAW_TEXT(
    chain: *mut HT16K33_CHAIN,
    x: c_int,
    y: c_int,
    text: *const c_char,
    color: ColorValue,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's): `text` is NULL or a C string.
    unsafe {
        let text = text_of(text);
        call(chain, |chain| {
            let text = text?;
            edit(chain, &mut |frame| {
                frame.draw_text((x, y), text, Color::from_index(color.0)?)
            })
        })
    }
}

/// Gives `character` (printable ASCII but '.' and ':') the raw segment pattern
/// `segments` (as HT16K33_CHAIN_SET_RAW takes it) in all this chain prints and scrolls
/// from now on, numbers included: a K or M of your own, a 7 with its top-left stroke;
/// `segments` -1 gives the character back its font's shape. Up to HT16K33_GLYPHS_MAX
/// characters per chain, kept in the struct. No bus traffic; what is shown already does
/// not change. -1 with EINVAL and the struct unchanged for another character, a bit
/// the kind lacks, a ninth glyph, or a kind without characters (matrices draw a pixel
/// font, the bargraph none).
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SET_GLYPH(
    chain: *mut HT16K33_CHAIN,
    character: c_char,
    segments: c_int,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call(chain, |chain| set_glyph(chain, character as u8, segments)) }
}

/// HT16K33_CHAIN_SET_GLYPH on a checked struct: only the glyph fields change.
fn set_glyph(chain: Handle<'_, HT16K33_CHAIN>, character: u8, segments: c_int) -> Result<c_int> {
    let pattern = match segments {
        -1 => None,
        _ => Some(
            u16::try_from(segments)
                .map_err(|_| Error::InvalidArgument("segment pattern (a bit the kind lacks)"))?,
        ),
    };
    let mut frame = frame_of(&chain.read())?;
    frame.set_glyph(char::from(character), pattern)?;
    let (mut characters, mut patterns) = ([0; MAX_GLYPHS], [0; MAX_GLYPHS]);
    for (slot, (glyph, pattern)) in frame.glyphs().iter().enumerate() {
        characters[slot] = *glyph as u8 as c_char;
        patterns[slot] = *pattern;
    }
    set!(chain, glyph_chars = characters);
    set!(chain, glyph_patterns = patterns);
    Ok(0)
}

/// How scrolled text repeats: with `gap` 0 or more, a seamless marquee, the text coming
/// again `gap` blank characters (matrices: pixel columns) after its end, while its end
/// is still on the display (CircuitPython's marquee: 0, with its space_between: 1);
/// with -1 (as HT16K33_CHAIN_OPEN sets it), the text leaves the display and one blank
/// step follows before it comes again. For the scrolls started from now on, and a
/// scroll under way from its next step. -1 with EINVAL for a gap below -1 or above
/// HT16K33_SCROLL_TEXT_MAX (the struct unchanged).
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SET_MARQUEE(chain: *mut HT16K33_CHAIN, gap: c_int) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(chain, |chain| {
            if !(-1..=255).contains(&gap) {
                return Err(Error::InvalidArgument("marquee gap (-1 to 255)"));
            }
            set!(chain, scroll_gap = gap);
            Ok(0)
        })
    }
}

/// Sets how the matrices are mounted: 0 to 3 quarter turns clockwise (each matrix
/// turned alike; the chain still runs left to right). Pixels already set stay where they
/// are in RAM. -1 with EINVAL for other values or kinds.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SET_ROTATION(
    chain: *mut HT16K33_CHAIN,
    quarter_turns: c_int,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(chain, |chain| {
            frame_of(&chain.read())?.set_rotation(Rotation::from_index(quarter_turns)?)?;
            set!(chain, rotation = quarter_turns);
            Ok(0)
        })
    }
}

/// Sets bar `bar` of a bargraph chain (0 = the first bar of the first backpack) to
/// `color`. -1 with EINVAL for a bar past the chain, an unknown colour, another kind.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SET_BAR(
    chain: *mut HT16K33_CHAIN,
    bar: c_int,
    color: ColorValue,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call_edit(chain, &mut |frame| {
            let bar = usize::try_from(bar).map_err(|_| Error::InvalidArgument("bar number"))?;
            frame.set_bar(bar, Color::from_index(color.0)?)
        })
    }
}

/// A level meter: bars 0 to `lit` - 1 in `color`, the rest dark. Errors as
/// HT16K33_CHAIN_SET_BAR.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SET_LEVEL(
    chain: *mut HT16K33_CHAIN,
    lit: c_int,
    color: ColorValue,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call_edit(chain, &mut |frame| {
            let lit = usize::try_from(lit).map_err(|_| Error::InvalidArgument("bar count"))?;
            frame.set_level(lit, Color::from_index(color.0)?)
        })
    }
}

/// The library's epoch for the monotonic times kept in the struct.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn since_epoch(instant: Instant) -> u64 {
    u64::try_from(instant.saturating_duration_since(epoch()).as_nanos()).unwrap_or(u64::MAX)
}

/// The marquee of the text the struct holds.
fn marquee_of(chain: &HT16K33_CHAIN, frame: &Frame) -> Result<Marquee> {
    let bytes: Vec<u8> = chain
        .scroll_text
        .iter()
        .take_while(|c| **c != 0)
        .map(|c| *c as u8)
        .collect();
    let text = std::str::from_utf8(&bytes).map_err(|_| Error::InvalidArgument("scroll text"))?;
    Ok(Marquee::new(frame, text)?.with_gap(gap_of(chain.scroll_gap)))
}

/// The gap the struct asks for between repeats (`None`: the classic marquee).
fn gap_of(gap: c_int) -> Option<usize> {
    usize::try_from(gap).ok()
}

/// Starts scrolling `text` across a chain, one character (matrices: one pixel column,
/// the text in the 5x8 font) every `step_ms` milliseconds (at least 1): shows step 0
/// (the start of the text at the right edge) now. Then call HT16K33_CHAIN_SCROLL_STEP
/// from your loop. The text is copied into the struct. Returns 0, or -1 with the struct
/// as it was beyond `lasterr` (an earlier scroll goes on): ERANGE for text longer than
/// HT16K33_SCROLL_TEXT_MAX bytes, EILSEQ for a character without a shape, EINVAL for
/// NULL, a zero step or a bargraph; EBADF and bus errors as HT16K33_CHAIN_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SCROLL_START(
    chain: *mut HT16K33_CHAIN,
    text: *const c_char,
    step_ms: c_uint,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's): `text` is NULL or a C string.
    unsafe {
        let text = scroll_text_of(text);
        call(chain, |chain| {
            let text = text?;
            if step_ms == 0 {
                return Err(Error::InvalidArgument("step time (0 ms)"));
            }
            let mut state = chain.read();
            state.scroll_text = [0; HT16K33_SCROLL_TEXT_MAX + 1];
            for (slot, byte) in state.scroll_text.iter_mut().zip(text.bytes()) {
                *slot = byte as c_char;
            }
            state.scroll_step_ms = step_ms;
            state.scroll_start_ns = since_epoch(SystemClock.now());
            show_scroll_step(chain, state, 0)
        })
    }
}

/// The text of a scroll: EINVAL for NULL, EILSEQ for bytes that are not UTF-8, ERANGE
/// for more than HT16K33_SCROLL_TEXT_MAX bytes.
///
/// # Safety
/// `text` is NULL or points to a NUL-terminated string.
unsafe fn scroll_text_of<'a>(text: *const c_char) -> Result<&'a str> {
    // SAFETY: passed on from the caller.
    let text = unsafe { text_of(text) }?;
    if text.len() > HT16K33_SCROLL_TEXT_MAX {
        return Err(Error::DoesNotFit(text.to_string(), HT16K33_SCROLL_TEXT_MAX));
    }
    Ok(text)
}

/// Shows step `step` of the scroll `state` describes and, when that worked, stores
/// `state` with the step recorded; on failure nothing changes.
fn show_scroll_step(
    chain: Handle<'_, HT16K33_CHAIN>,
    mut state: HT16K33_CHAIN,
    step: u64,
) -> Result<c_int> {
    let marquee = marquee_of(&state, &frame_of(&state)?)?;
    state.scroll_step = step as c_ulong;
    drive_state(chain, state, &mut |c| c.show_step(&marquee, step))
}

/// Shows the scroll's step that is due now, if it is not shown yet: call it from your
/// loop more often than the step time. Step k is due `k * step_ms` after the start (no
/// drift); steps missed while the program was busy are skipped. Returns 1 when it showed
/// a step, 0 when none was due, -1 with `lasterr`/`errno`: EINVAL when no scroll was
/// started, EBADF (whether a step is due or not) and bus errors as HT16K33_CHAIN_ON.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SCROLL_STEP(chain: *mut HT16K33_CHAIN) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call(chain, scroll_step) }
}

/// HT16K33_CHAIN_SCROLL_STEP on a checked struct.
fn scroll_step(chain: Handle<'_, HT16K33_CHAIN>) -> Result<c_int> {
    let snapshot = chain.read();
    // A closed chain says so at once, not only when the next step is due.
    let frame = frame_of(&snapshot)?;
    check_descriptors(&snapshot, frame.count())?;
    if snapshot.scroll_step_ms == 0 {
        return Err(Error::InvalidArgument("scroll (not started)"));
    }
    let schedule = Schedule {
        start: epoch() + Duration::from_nanos(snapshot.scroll_start_ns),
        period: Duration::from_millis(snapshot.scroll_step_ms.into()),
    };
    let shown = widen_ulong(snapshot.scroll_step);
    match schedule.due_after(shown, SystemClock.now()) {
        Some(due) => show_scroll_step(chain, snapshot, due).map(|_| 1),
        None => Ok(0),
    }
}

/// Scrolls `text` across a chain `cycles` times (at least 1), one character (matrices:
/// one pixel column) every `step_ms` milliseconds, and returns when done (the display
/// blank). Step k is shown `k * step_ms` after the start, so the rate holds however
/// long each transfer takes. Errors as HT16K33_CHAIN_SCROLL_START, and EINVAL for zero cycles.
#[no_mangle]
pub unsafe extern "C" fn HT16K33_CHAIN_SCROLL(
    chain: *mut HT16K33_CHAIN,
    text: *const c_char,
    step_ms: c_uint,
    cycles: c_uint,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's): `text` is NULL or a C string.
    unsafe {
        let text = scroll_text_of(text);
        call(chain, |chain| {
            let (text, gap) = (text?, gap_of(get!(chain, scroll_gap)));
            drive_state(chain, chain.read(), &mut |c| {
                let marquee = Marquee::new(c.frame(), text)?.with_gap(gap);
                let period = Duration::from_millis(step_ms.into());
                c.run_marquee(&marquee, period, cycles, &mut SystemClock)
            })
        })
    }
}
