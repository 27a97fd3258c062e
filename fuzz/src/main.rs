//! Drives random call sequences with random struct contents through the C API while the
//! emulated bus injects random faults, and checks after every call that the library
//! neither crashes nor lies:
//! - every call returns 0 or -1; -1 comes with a real errno in `lasterr` and `errno`;
//!   success leaves `lasterr` alone;
//! - a successful reading has exactly the counts the scene's light gives for the
//!   settings in the struct, and the lux of the datasheet formula; a failed one leaves
//!   the out-parameters untouched;
//! - settings in the struct stay valid enum values;
//! - a call that reaches the bus succeeds only on a descriptor the library opened for
//!   that kind of chip and that address: never on one crossed from the other struct
//!   kind, nor on one the program closed behind the library's back and reopened;
//! - no display answers as a sensor (the identification probe);
//! - two threads on one struct never undo each other's settings;
//! - a call refused for a reason it can see before sending (EINVAL, EBADF, EBUSY, and
//!   for the displays ERANGE, EILSEQ, EDOM) sent nothing (the emulator's transfer
//!   count, `lightseg_sim_transfers`) and left its struct as it was beyond `lasterr`;
//! - every exported function of both headers is called: the chain, print and scroll
//!   calls included; a chain's COMMIT is one transfer per backpack, its ON three.
//!
//! Run under the emulator with `fuzz/scene.toml` (`make fuzz`, or a short run in
//! `make test`): `lightseg-fuzz [--cases N] [--cpu-seconds S] [--seed N]`.

use std::cell::Cell;
use std::os::raw::c_int;
use std::ptr;

use lightseg::capi::chain::*;
use lightseg::capi::ht16k33::*;
use lightseg::capi::tsl2561::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Light of fuzz/scene.toml per address: (broadband, infrared) at 402 ms, 16x.
const LIGHT: [(u8, u64, u64); 2] = [(0x29, 400, 120), (0x39, 90000, 20000)];

/// Where fuzz/scene.toml has an HT16K33.
const DISPLAY_ADDRESSES: [u8; 4] = [0x70, 0x71, 0x72, 0x73];

const SENSORS: usize = 3;
const DISPLAYS: usize = 2;
const CHAINS: usize = 2;

/// A call on a chain struct.
#[derive(Debug, Clone)]
enum ChainCall {
    On,
    Off,
    Brightness(u8),
    Blink(i32),
    Commit,
    Clear,
    Print(Printed),
    SetRaw(u16, u16),
    SetDots(u16, u8),
    SetPixel(i32, i32, i32),
    DrawBitmap {
        x: i32,
        y: i32,
        width: i32,
        height: i32,
        color: i32,
        null: bool,
        seed: u8,
    },
    Rotation(i32),
    Glyph(u8, i32),
    Marquee(i32),
    Fill(i32),
    Line([i32; 4], i32),
    Rect([i32; 4], i32, i32),
    Circle([i32; 3], i32, i32),
    Shift(i32, i32, i32),
    DrawText(i32, i32, Option<Vec<u8>>, i32),
    SetBar(i32, i32),
    SetLevel(i32, i32),
    ScrollStart(Option<Vec<u8>>, u32),
    ScrollStep,
    Scroll(Option<Vec<u8>>, u32, u32),
}

/// What the PRINT_* calls of either struct take.
#[derive(Debug, Clone)]
enum Printed {
    Int(i64),
    Float(f64, i32),
    Hex(u64),
    Text(Option<Vec<u8>>),
    Time(i32, i32, i32),
}

/// A content call of the old struct.
#[derive(Debug, Clone)]
enum PrintCall {
    Print(Printed),
    Raw(u16, u8),
    Colon(i32),
}

#[derive(Debug, Clone)]
enum Op {
    SensorInit {
        slot: usize,
        bus: i32,
        address: u8,
    },
    SensorGarbage {
        slot: usize,
        bytes: Vec<u8>,
    },
    SensorCopy {
        from: usize,
        to: usize,
    },
    SensorOpen(usize),
    SensorClose(usize),
    SensorTime {
        slot: usize,
        value: i32,
    },
    SensorGain {
        slot: usize,
        value: i32,
    },
    SensorWarm {
        slot: usize,
        warm: i32,
    },
    SensorRead {
        slot: usize,
        autogain: i32,
        null_output: u8,
    },
    DisplayInit {
        slot: usize,
        bus: i32,
        address: u8,
    },
    DisplayGarbage {
        slot: usize,
        bytes: Vec<u8>,
    },
    DisplayOpen(usize),
    DisplayClose(usize),
    DisplayOn(usize),
    DisplayOff(usize),
    DisplayBlink {
        slot: usize,
        value: i32,
    },
    DisplayState {
        slot: usize,
        value: i32,
    },
    DisplayBrightness {
        slot: usize,
        value: u8,
    },
    DisplayDigit {
        slot: usize,
        digit: u16,
        value: u8,
        point: u16,
    },
    DisplayClean {
        slot: usize,
        digit: u16,
    },
    DisplayCommit(usize),
    NullCalls,
    /// A sensor struct given a display's descriptor and address.
    SensorTakesDisplay {
        sensor: usize,
        display: usize,
    },
    /// A display struct given a sensor's descriptor and address.
    DisplayTakesSensor {
        display: usize,
        sensor: usize,
    },
    /// The program closes a struct's descriptor and opens /dev/i2c-1 again at the same
    /// number, selecting `address`.
    ReopenBehindBack {
        sensor_side: bool,
        slot: usize,
        address: u8,
    },
    /// One thread reads the sensor while another sets its gain, on one struct.
    SensorRace {
        slot: usize,
        gain: i32,
    },
    /// One thread commits while another sets the brightness, on one struct.
    DisplayRace {
        slot: usize,
        level: u8,
    },
    /// TSL2561_SENSELUX, with or without its optional outputs.
    SensorSenseLux {
        slot: usize,
        null_outputs: bool,
    },
    /// TSL2561_START.
    SensorStart(usize),
    /// TSL2561_COLLECT; with `wait`, after sleeping the time an EAGAIN said.
    SensorCollect {
        slot: usize,
        wait: bool,
    },
    /// TSL2561_SENSEALL on every sensor slot.
    SensorSenseAll,
    /// TSL2561_SETINTERRUPT (any persistence, -1 switching it off).
    SensorInterrupt {
        slot: usize,
        low: u16,
        high: u16,
        persist: i32,
    },
    /// TSL2561_CLEARINTERRUPT.
    SensorClearInterrupt(usize),
    /// HT16K33_CHAIN_OPEN with `count` of the nine `addresses` (or NULL).
    ChainOpen {
        slot: usize,
        bus: i32,
        kind: i32,
        addresses: Option<Vec<u8>>,
        count: i32,
    },
    /// HT16K33_CHAIN_CLOSE.
    ChainClose(usize),
    /// A struct copy (chains may be copied, as all the structs).
    ChainCopy {
        from: usize,
        to: usize,
    },
    /// Any other chain call.
    Chain {
        slot: usize,
        call: ChainCall,
    },
    /// A PRINT_* or SET_* call of the old struct.
    DisplayPrint {
        slot: usize,
        call: PrintCall,
    },
}

/// Text for the print and scroll calls: mostly what the fonts have, sometimes anything,
/// sometimes NULL; now and then around HT16K33_SCROLL_TEXT_MAX bytes.
fn text() -> impl Strategy<Value = Option<Vec<u8>>> {
    let alphabet = prop::sample::select(b"0123456789ABCDEFHIJLNOPRSUYZabcdhnoru -.:_KMW".to_vec());
    let byte = prop_oneof![8 => alphabet, 1 => 1..=255u8];
    prop_oneof![
        1 => Just(None),
        12 => prop::collection::vec(byte.clone(), 0..12).prop_map(Some),
        1 => prop::collection::vec(byte, 250..260).prop_map(Some),
    ]
}

fn chain_call() -> impl Strategy<Value = ChainCall> {
    let color = prop_oneof![4 => 0..4i32, 1 => any::<i32>()];
    prop_oneof![
        2 => Just(ChainCall::On),
        1 => Just(ChainCall::Off),
        1 => any::<u8>().prop_map(ChainCall::Brightness),
        1 => small_int().prop_map(ChainCall::Blink),
        3 => Just(ChainCall::Commit),
        1 => Just(ChainCall::Clear),
        8 => printed().prop_map(ChainCall::Print),
        2 => (0..40u16, prop_oneof![0..0x100u16, any::<u16>()]).prop_map(|(p, v)| ChainCall::SetRaw(p, v)),
        1 => (0..9u16, any::<u8>()).prop_map(|(b, m)| ChainCall::SetDots(b, m)),
        2 => (-2..130i32, -2..10i32, color.clone()).prop_map(|(x, y, c)| ChainCall::SetPixel(x, y, c)),
        1 => (-10..130i32, -10..12i32, -1..20i32, -1..12i32, color.clone(), any::<bool>(), any::<u8>())
            .prop_map(|(x, y, width, height, color, null, seed)| ChainCall::DrawBitmap { x, y, width, height, color, null, seed }),
        1 => (-1..5i32).prop_map(ChainCall::Rotation),
        1 => (prop_oneof![4 => 0x20..0x7Fu8, 1 => any::<u8>()], prop_oneof![-2..0x200i32, any::<i32>()]).prop_map(|(c, p)| ChainCall::Glyph(c, p)),
        1 => prop_oneof![-3..20i32, any::<i32>()].prop_map(ChainCall::Marquee),
        1 => color.clone().prop_map(ChainCall::Fill),
        1 => ([-20..40i32, -20..20, -20..40, -20..20], color.clone()).prop_map(|(ends, c)| ChainCall::Line(ends, c)),
        1 => ([-10..40i32, -10..20, -2..40, -2..20], color.clone(), 0..2i32).prop_map(|(r, c, f)| ChainCall::Rect(r, c, f)),
        1 => (-10..40i32, -10..20i32, prop_oneof![-2..20i32, any::<i32>()], color.clone(), 0..2i32).prop_map(|(x, y, r, c, f)| ChainCall::Circle([x, y, r], c, f)),
        1 => (prop_oneof![-20..20i32, any::<i32>()], prop_oneof![-20..20i32, any::<i32>()], 0..2i32).prop_map(|(x, y, w)| ChainCall::Shift(x, y, w)),
        1 => (-20..40i32, -10..10i32, text(), color.clone()).prop_map(|(x, y, t, c)| ChainCall::DrawText(x, y, t, c)),
        1 => (-1..200i32, color.clone()).prop_map(|(b, c)| ChainCall::SetBar(b, c)),
        1 => (-1..200i32, color).prop_map(|(l, c)| ChainCall::SetLevel(l, c)),
        2 => (text(), prop_oneof![Just(0u32), 1..500u32]).prop_map(|(t, ms)| ChainCall::ScrollStart(t, ms)),
        3 => Just(ChainCall::ScrollStep),
        1 => (text(), prop_oneof![Just(0u32), 1..200u32], 0..3u32).prop_map(|(t, ms, c)| ChainCall::Scroll(t, ms, c)),
    ]
}

/// Numbers around what 4 to 32 characters hold, any number, text, times.
fn printed() -> impl Strategy<Value = Printed> {
    prop_oneof![
        2 => prop_oneof![-99_999_999i64..99_999_999, any::<i64>()].prop_map(Printed::Int),
        2 => (prop_oneof![any::<f64>(), -1e5..1e5f64], -2..10i32).prop_map(|(v, d)| Printed::Float(v, d)),
        1 => any::<u64>().prop_map(Printed::Hex),
        3 => text().prop_map(Printed::Text),
        1 => (-1..101i32, -1..61i32, 0..2i32).prop_map(|(h, m, c)| Printed::Time(h, m, c)),
    ]
}

fn print_call() -> impl Strategy<Value = PrintCall> {
    prop_oneof![
        8 => printed().prop_map(PrintCall::Print),
        1 => (0..7u16, any::<u8>()).prop_map(|(d, v)| PrintCall::Raw(d, v)),
        1 => small_int().prop_map(PrintCall::Colon),
    ]
}

fn small_int() -> impl Strategy<Value = i32> {
    prop_oneof![4 => 0..20i32, 1 => any::<i32>()]
}

fn address() -> impl Strategy<Value = u8> {
    prop_oneof![4 => prop::sample::select(vec![0x29u8, 0x39, 0x49, 0x70, 0x71]), 1 => any::<u8>()]
}

fn bus() -> impl Strategy<Value = i32> {
    prop_oneof![8 => Just(1), 1 => -2..4i32, 1 => any::<i32>()]
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0..SENSORS;
    let d = 0..DISPLAYS;
    prop_oneof![
        2 => (s.clone(), bus(), address()).prop_map(|(slot, bus, address)| Op::SensorInit { slot, bus, address }),
        1 => (s.clone(), prop::collection::vec(any::<u8>(), 36)).prop_map(|(slot, bytes)| Op::SensorGarbage { slot, bytes }),
        1 => (s.clone(), s.clone()).prop_map(|(from, to)| Op::SensorCopy { from, to }),
        3 => s.clone().prop_map(Op::SensorOpen),
        1 => s.clone().prop_map(Op::SensorClose),
        2 => (s.clone(), small_int()).prop_map(|(slot, value)| Op::SensorTime { slot, value }),
        2 => (s.clone(), prop_oneof![Just(0), Just(0x10), small_int()]).prop_map(|(slot, value)| Op::SensorGain { slot, value }),
        2 => (s.clone(), prop_oneof![Just(0), Just(1), any::<i32>()]).prop_map(|(slot, warm)| Op::SensorWarm { slot, warm }),
        4 => (s.clone(), small_int(), prop_oneof![6 => Just(0u8), 1 => 1..8u8]).prop_map(|(slot, autogain, null_output)| Op::SensorRead { slot, autogain, null_output }),
        2 => (d.clone(), bus(), address()).prop_map(|(slot, bus, address)| Op::DisplayInit { slot, bus, address }),
        1 => (d.clone(), prop::collection::vec(any::<u8>(), 32)).prop_map(|(slot, bytes)| Op::DisplayGarbage { slot, bytes }),
        2 => d.clone().prop_map(Op::DisplayOpen),
        1 => d.clone().prop_map(Op::DisplayClose),
        2 => d.clone().prop_map(Op::DisplayOn),
        1 => d.clone().prop_map(Op::DisplayOff),
        1 => (d.clone(), small_int()).prop_map(|(slot, value)| Op::DisplayBlink { slot, value }),
        1 => (d.clone(), small_int()).prop_map(|(slot, value)| Op::DisplayState { slot, value }),
        1 => (d.clone(), any::<u8>()).prop_map(|(slot, value)| Op::DisplayBrightness { slot, value }),
        3 => (d.clone(), 0..7u16, any::<u8>(), 0..3u16).prop_map(|(slot, digit, value, point)| Op::DisplayDigit { slot, digit, value, point }),
        1 => (d.clone(), 0..7u16).prop_map(|(slot, digit)| Op::DisplayClean { slot, digit }),
        2 => d.clone().prop_map(Op::DisplayCommit),
        1 => Just(Op::NullCalls),
        1 => (s.clone(), d.clone()).prop_map(|(sensor, display)| Op::SensorTakesDisplay { sensor, display }),
        1 => (d.clone(), s.clone()).prop_map(|(display, sensor)| Op::DisplayTakesSensor { display, sensor }),
        1 => (any::<bool>(), 0..SENSORS.max(DISPLAYS), address()).prop_map(|(sensor_side, slot, address)| Op::ReopenBehindBack { sensor_side, slot, address }),
        1 => (s.clone(), prop_oneof![Just(0), Just(0x10)]).prop_map(|(slot, gain)| Op::SensorRace { slot, gain }),
        1 => (d, 0..16u8).prop_map(|(slot, level)| Op::DisplayRace { slot, level }),
        2 => (s.clone(), any::<bool>()).prop_map(|(slot, null_outputs)| Op::SensorSenseLux { slot, null_outputs }),
        2 => s.clone().prop_map(Op::SensorStart),
        3 => (s, any::<bool>()).prop_map(|(slot, wait)| Op::SensorCollect { slot, wait }),
        1 => Just(Op::SensorSenseAll),
        1 => (0..SENSORS, any::<u16>(), any::<u16>(), prop_oneof![Just(-1), 0..16i32, any::<i32>()]).prop_map(|(slot, low, high, persist)| Op::SensorInterrupt { slot, low, high, persist }),
        1 => (0..SENSORS).prop_map(Op::SensorClearInterrupt),
        2 => (0..CHAINS, bus(), prop_oneof![8 => 0..8i32, 1 => any::<i32>()],
              prop_oneof![1 => Just(None), 12 => prop::collection::vec(prop_oneof![4 => 0x70..0x74u8, 1 => any::<u8>()], 9).prop_map(Some)],
              prop_oneof![8 => 1..4i32, 1 => -1..10i32, 1 => any::<i32>()])
            .prop_map(|(slot, bus, kind, addresses, count)| Op::ChainOpen { slot, bus, kind, addresses, count }),
        1 => (0..CHAINS).prop_map(Op::ChainClose),
        1 => (0..CHAINS, 0..CHAINS).prop_map(|(from, to)| Op::ChainCopy { from, to }),
        12 => (0..CHAINS, chain_call()).prop_map(|(slot, call)| Op::Chain { slot, call }),
        4 => (0..DISPLAYS, print_call()).prop_map(|(slot, call)| Op::DisplayPrint { slot, call }),
    ]
}

fn sensor_init(bus: i32, address: u8) -> TSL2561 {
    TSL2561 {
        adapter_nr: bus,
        integration_time: IntegrationTimeValue(2),
        gain: GainValue(0x10),
        adapter_fd: -1,
        sensor_addr: address,
        lasterr: 0,
        buf: [0; 10],
    }
}

fn display_init(bus: i32, address: u8) -> HT16K33 {
    HT16K33 {
        adapter_nr: bus,
        adapter_fd: -1,
        driver_addr: address,
        lasterr: 0,
        display_state: DisplayValue(0),
        blink_state: BlinkValue(0),
        brightness: 15,
        display_buffer: ht16k55_matrix { com: [0; 5] },
    }
}

/// A closed chain struct, as a program would zero one.
fn chain_init() -> HT16K33_CHAIN {
    HT16K33_CHAIN {
        adapter_nr: 1,
        kind: BackpackValue(0),
        count: 1,
        addresses: [0x70; 8],
        adapter_fds: [-1; 8],
        lasterr: 0,
        rotation: 0,
        ram: [[0; 16]; 8],
        scroll_step_ms: 0,
        scroll_step: 0,
        scroll_start_ns: 0,
        scroll_text: [0; 256],
        scroll_gap: -1,
        glyph_chars: [0; 8],
        glyph_patterns: [0; 8],
    }
}

/// The structs a call may be refused on, with their `lasterr`.
trait CStruct: Copy + PartialEq + std::fmt::Debug {
    fn lasterr_mut(&mut self) -> &mut c_int;
}

impl CStruct for TSL2561 {
    fn lasterr_mut(&mut self) -> &mut c_int {
        &mut self.lasterr
    }
}

impl CStruct for HT16K33 {
    fn lasterr_mut(&mut self) -> &mut c_int {
        &mut self.lasterr
    }
}

impl CStruct for HT16K33_CHAIN {
    fn lasterr_mut(&mut self) -> &mut c_int {
        &mut self.lasterr
    }
}

/// What a sensor call may be refused with before it sends.
const SENSOR_REFUSALS: [c_int; 3] = [libc::EINVAL, libc::EBADF, libc::EBUSY];
/// What a display call may be refused with before it sends.
const DISPLAY_REFUSALS: [c_int; 6] = [
    libc::EINVAL,
    libc::EBADF,
    libc::EBUSY,
    libc::ERANGE,
    libc::EILSEQ,
    libc::EDOM,
];

/// The emulator's count of transfers on its bus (lightseg-sim exports it; `main`
/// refuses to run without the emulator).
fn transfers() -> u64 {
    type Count = extern "C" fn() -> u64;
    static COUNT: std::sync::OnceLock<Option<Count>> = std::sync::OnceLock::new();
    let count = COUNT.get_or_init(|| {
        // SAFETY: a NUL-terminated name; the symbol, when found, is the emulator's
        // `extern "C" fn() -> u64`.
        unsafe {
            let found = libc::dlsym(libc::RTLD_DEFAULT, c"lightseg_sim_transfers".as_ptr());
            (!found.is_null()).then(|| std::mem::transmute::<*mut libc::c_void, Count>(found))
        }
    });
    count.map_or(0, |count| count())
}

/// Runs one call on `object` and holds it to the contract: -1, 0 or 1, `lasterr` and
/// `errno` as [`check_result`] says, and a refusal with one of `refusals` sent nothing
/// and changed nothing but `lasterr`. Returns the result and the transfers the call
/// made.
fn call_checked<T: CStruct>(
    object: &mut T,
    refusals: &[c_int],
    name: &str,
    call: impl FnOnce(&mut T) -> c_int,
) -> Result<(c_int, u64), TestCaseError> {
    call_checked_as(object, refusals, name, None, call)
}

/// [`call_checked`] for a call that sets `lasterr` to `lasterr_on_success` when it
/// succeeds (HT16K33_CHAIN_OPEN fills the whole struct) instead of leaving it.
fn call_checked_as<T: CStruct>(
    object: &mut T,
    refusals: &[c_int],
    name: &str,
    lasterr_on_success: Option<c_int>,
    call: impl FnOnce(&mut T) -> c_int,
) -> Result<(c_int, u64), TestCaseError> {
    let mut before = *object;
    let sent = transfers();
    let rc = call(object);
    let code = errno();
    let made = transfers() - sent;
    let lasterr_before = *before.lasterr_mut();
    let lasterr_now = *object.lasterr_mut();
    prop_assert!((-1..=1).contains(&rc), "{name}: rc {rc}");
    if rc == -1 {
        prop_assert!(lasterr_now > 0, "{name}: lasterr {lasterr_now}");
        prop_assert_eq!(code, lasterr_now, "{}: errno differs from lasterr", name);
        if refusals.contains(&code) {
            prop_assert_eq!(made, 0, "{}: refused with errno {} but sent", name, code);
            let mut after = *object;
            *after.lasterr_mut() = lasterr_before;
            prop_assert!(
                after == before,
                "{name}: refused with errno {code} but changed the struct:\n{before:?}\n{after:?}"
            );
        }
    } else {
        let expected = lasterr_on_success.unwrap_or(lasterr_before);
        prop_assert_eq!(lasterr_now, expected, "{}: lasterr after success", name);
    }
    Ok((rc, made))
}

/// A NUL-terminated copy of `text` (NULs inside dropped), or `None` for NULL.
fn c_text(text: &Option<Vec<u8>>) -> Option<std::ffi::CString> {
    text.as_ref().map(|bytes| {
        let bytes: Vec<u8> = bytes.iter().copied().filter(|b| *b != 0).collect();
        std::ffi::CString::new(bytes).unwrap_or_default()
    })
}

fn text_ptr(text: &Option<std::ffi::CString>) -> *const std::os::raw::c_char {
    text.as_ref().map_or(ptr::null(), |text| text.as_ptr())
}

/// Backpacks a chain struct has room for.
const MAX_CHAIN: usize = 8;

/// One call on chain struct `chain`; whether it succeeded.
fn chain_call_on(chain: &mut HT16K33_CHAIN, call: &ChainCall) -> Result<bool, TestCaseError> {
    let count = usize::try_from(chain.count).unwrap_or(0) as u64;
    let mut name = format!("HT16K33_CHAIN {call:?}");
    name.truncate(120);
    let name = name.as_str();
    let text = match call {
        ChainCall::Print(Printed::Text(text))
        | ChainCall::ScrollStart(text, _)
        | ChainCall::DrawText(_, _, text, _)
        | ChainCall::Scroll(text, ..) => c_text(text),
        _ => None,
    };
    // SAFETY: a live struct; text, bitmap and address pointers are NULL or valid for
    // what the call reads.
    let (rc, made) = call_checked(chain, &DISPLAY_REFUSALS, name, |chain| unsafe {
        match call {
            ChainCall::On => HT16K33_CHAIN_ON(chain),
            ChainCall::Off => HT16K33_CHAIN_OFF(chain),
            ChainCall::Brightness(level) => HT16K33_CHAIN_BRIGHTNESS(chain, *level),
            ChainCall::Blink(value) => HT16K33_CHAIN_BLINK(chain, BlinkValue(*value)),
            ChainCall::Commit => HT16K33_CHAIN_COMMIT(chain),
            ChainCall::Clear => HT16K33_CHAIN_CLEAR(chain),
            ChainCall::Print(printed) => match printed {
                Printed::Int(value) => HT16K33_CHAIN_PRINT_INT(chain, *value as _),
                Printed::Float(value, decimals) => {
                    HT16K33_CHAIN_PRINT_FLOAT(chain, *value, *decimals)
                }
                Printed::Hex(value) => HT16K33_CHAIN_PRINT_HEX(chain, *value as _),
                Printed::Text(_) => HT16K33_CHAIN_PRINT_TEXT(chain, text_ptr(&text)),
                Printed::Time(h, m, c) => HT16K33_CHAIN_PRINT_TIME(chain, *h, *m, *c),
            },
            ChainCall::SetRaw(position, segments) => {
                HT16K33_CHAIN_SET_RAW(chain, *position, *segments)
            }
            ChainCall::SetDots(backpack, mask) => HT16K33_CHAIN_SET_DOTS(chain, *backpack, *mask),
            ChainCall::SetPixel(x, y, color) => {
                HT16K33_CHAIN_SET_PIXEL(chain, *x, *y, ColorValue(*color))
            }
            ChainCall::DrawBitmap {
                x,
                y,
                width,
                height,
                color,
                null,
                seed,
            } => {
                // As many bytes as the call may read, never fewer.
                let rows = usize::try_from(*height).unwrap_or(0);
                let per_row = usize::try_from(*width).unwrap_or(0).div_ceil(8);
                let bytes: Vec<u8> = (0..rows * per_row + 1)
                    .map(|i| seed.wrapping_mul(i as u8 | 1).rotate_left(i as u32 % 8))
                    .collect();
                let bitmap = if *null { ptr::null() } else { bytes.as_ptr() };
                HT16K33_CHAIN_DRAW_BITMAP(
                    chain,
                    *x,
                    *y,
                    bitmap,
                    *width,
                    *height,
                    ColorValue(*color),
                )
            }
            ChainCall::Rotation(turns) => HT16K33_CHAIN_SET_ROTATION(chain, *turns),
            ChainCall::Glyph(character, segments) => {
                HT16K33_CHAIN_SET_GLYPH(chain, *character as _, *segments)
            }
            ChainCall::Marquee(gap) => HT16K33_CHAIN_SET_MARQUEE(chain, *gap),
            ChainCall::Fill(color) => HT16K33_CHAIN_FILL(chain, ColorValue(*color)),
            ChainCall::Line([x0, y0, x1, y1], color) => {
                HT16K33_CHAIN_DRAW_LINE(chain, *x0, *y0, *x1, *y1, ColorValue(*color))
            }
            ChainCall::Rect([x, y, w, h], color, filled) => {
                HT16K33_CHAIN_DRAW_RECT(chain, *x, *y, *w, *h, ColorValue(*color), *filled)
            }
            ChainCall::Circle([x, y, r], color, filled) => {
                HT16K33_CHAIN_DRAW_CIRCLE(chain, *x, *y, *r, ColorValue(*color), *filled)
            }
            ChainCall::Shift(dx, dy, wrap) => HT16K33_CHAIN_SHIFT(chain, *dx, *dy, *wrap),
            ChainCall::DrawText(x, y, _, color) => {
                HT16K33_CHAIN_DRAW_TEXT(chain, *x, *y, text_ptr(&text), ColorValue(*color))
            }
            ChainCall::SetBar(bar, color) => HT16K33_CHAIN_SET_BAR(chain, *bar, ColorValue(*color)),
            ChainCall::SetLevel(lit, color) => {
                HT16K33_CHAIN_SET_LEVEL(chain, *lit, ColorValue(*color))
            }
            ChainCall::ScrollStart(_, ms) => {
                HT16K33_CHAIN_SCROLL_START(chain, text_ptr(&text), *ms)
            }
            ChainCall::ScrollStep => HT16K33_CHAIN_SCROLL_STEP(chain),
            ChainCall::Scroll(_, ms, cycles) => {
                HT16K33_CHAIN_SCROLL(chain, text_ptr(&text), *ms, *cycles)
            }
        }
    })?;
    if !matches!(call, ChainCall::ScrollStep) {
        prop_assert!(rc != 1, "{name}: rc 1");
    }
    if rc == 0 {
        match call {
            ChainCall::Commit => {
                prop_assert_eq!(made, count, "{}: one transfer per backpack", name)
            }
            ChainCall::On => {
                prop_assert_eq!(made, 3 * count, "{}: three commands per backpack", name)
            }
            ChainCall::Off | ChainCall::Brightness(_) | ChainCall::Blink(_) => {
                prop_assert_eq!(made, count, "{}: one command per backpack", name)
            }
            ChainCall::ScrollStart(..) => {
                prop_assert_eq!(made, count, "{}: step 0 is one commit", name);
                prop_assert!(
                    chain.scroll_step_ms > 0 && chain.scroll_step == 0,
                    "{name}: scroll not stored"
                );
            }
            ChainCall::Scroll(..) | ChainCall::ScrollStep => {}
            _ => prop_assert_eq!(made, 0, "{}: sent without COMMIT", name),
        }
    }
    Ok(rc == 0)
}

/// One print call on the old struct: no bus traffic, ever.
fn print_call_on(display: &mut HT16K33, call: &PrintCall) -> Result<(), TestCaseError> {
    let name = format!("HT16K33 {call:?}");
    let text = match call {
        PrintCall::Print(Printed::Text(text)) => c_text(text),
        _ => None,
    };
    // SAFETY: a live struct; the text pointer is NULL or a C string.
    let (_, made) = call_checked(display, &DISPLAY_REFUSALS, &name, |display| unsafe {
        match call {
            PrintCall::Print(Printed::Int(value)) => HT16K33_PRINT_INT(display, *value as _),
            PrintCall::Print(Printed::Float(value, decimals)) => {
                HT16K33_PRINT_FLOAT(display, *value, *decimals)
            }
            PrintCall::Print(Printed::Hex(value)) => HT16K33_PRINT_HEX(display, *value as _),
            PrintCall::Print(Printed::Text(_)) => HT16K33_PRINT_TEXT(display, text_ptr(&text)),
            PrintCall::Print(Printed::Time(h, m, c)) => HT16K33_PRINT_TIME(display, *h, *m, *c),
            PrintCall::Raw(digit, segments) => HT16K33_SET_RAW(display, *digit, *segments),
            PrintCall::Colon(on) => HT16K33_SET_COLON(display, *on),
        }
    })?;
    prop_assert_eq!(made, 0, "{}: the print calls only fill the buffer", name);
    Ok(())
}

fn errno() -> c_int {
    // SAFETY: the calling thread's errno slot.
    unsafe { *libc::__errno_location() }
}

use lightseg::capi::set_errno;

/// Counts the scene's light gives: N/322 of the 402 ms value, /16 at 1x, clipped at
/// full scale (5047, 37177, 65535).
fn expected_counts(light: u64, time: i32, gain: i32) -> u16 {
    let (steps, full_scale) = match time {
        0 => (11, 5047),
        1 => (81, 37177),
        _ => (322, 65535),
    };
    let divisor = if gain == 0x10 { 1 } else { 16 };
    (light * steps / (322 * divisor)).min(full_scale) as u16
}

/// The lux a reading of the scene's light at `time` and `gain` must give (with its
/// fraction), and whether it saturates; `None` for a device the scene lacks.
fn expected_lux(address: u8, time: i32, gain: i32) -> Option<(f64, bool)> {
    let (_, broadband, infrared) = LIGHT.iter().find(|(a, _, _)| *a == address)?;
    let settings = lightseg::tsl2561::Settings {
        integration_time: lightseg::tsl2561::IntegrationTime::try_from(time).ok()?,
        gain: lightseg::tsl2561::Gain::try_from(gain).ok()?,
        package: lightseg::tsl2561::Package::TFnCl,
    };
    let measurement = lightseg::tsl2561::Measurement::from_counts(
        expected_counts(*broadband, time, gain),
        expected_counts(*infrared, time, gain),
        settings,
    );
    Some((measurement.lux, measurement.saturated))
}

fn check_result(rc: c_int, before: c_int, lasterr: c_int, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(rc == 0 || rc == -1, "{what}: rc {rc}");
    if rc == 0 {
        prop_assert_eq!(lasterr, before, "{}: success changed lasterr", what);
    } else {
        prop_assert!(lasterr > 0, "{what}: lasterr {lasterr}");
        prop_assert_eq!(errno(), lasterr, "{}: errno differs from lasterr", what);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sensor,
    Display,
}

struct World {
    sensors: [TSL2561; SENSORS],
    displays: [HT16K33; DISPLAYS],
    chains: [HT16K33_CHAIN; CHAINS],
    /// The descriptors the library opened and has not closed: number, kind, address.
    live: Vec<(c_int, Kind, u8)>,
    /// Descriptors the program itself opened (behind the library's back).
    foreign: Vec<c_int>,
}

impl World {
    fn opened(&mut self, fd: c_int, kind: Kind, address: u8) {
        self.live.retain(|(other, _, _)| *other != fd);
        self.live.push((fd, kind, address));
    }

    fn closed(&mut self, fd: c_int, kind: Kind, address: u8) {
        self.live.retain(|entry| *entry != (fd, kind, address));
    }
}

/// A call that reached the bus succeeded: it must have been on a live descriptor of
/// its own kind and address.
fn check_descriptor(
    live: &[(c_int, Kind, u8)],
    rc: c_int,
    fd: c_int,
    kind: Kind,
    address: u8,
    name: &str,
) -> Result<(), TestCaseError> {
    prop_assert!(
        rc != 0 || live.contains(&(fd, kind, address)),
        "{name} succeeded on descriptor {fd}, which the library did not open for a {kind:?} at {address:#x}"
    );
    Ok(())
}

/// A sensor call returned `rc`: [`check_result`] against `lasterr_before`, and success
/// only on a descriptor the library opened for that sensor.
fn check_sensor_call(
    live: &[(c_int, Kind, u8)],
    sensor: &TSL2561,
    rc: c_int,
    lasterr_before: c_int,
    name: &str,
) -> Result<(), TestCaseError> {
    check_result(rc, lasterr_before, sensor.lasterr, name)?;
    check_descriptor(
        live,
        rc,
        sensor.adapter_fd,
        Kind::Sensor,
        sensor.sensor_addr,
        name,
    )
}

/// A struct pointer handed to a second thread.
struct Shared<T>(*mut T);
// SAFETY: the library serialises calls on one chip; the pointer outlives the scope.
unsafe impl<T> Send for Shared<T> {}

fn valid_settings(sensor: &TSL2561) -> bool {
    matches!(sensor.integration_time.0, 0..=2) && matches!(sensor.gain.0, 0 | 0x10)
}

/// A settings call succeeds only by storing the new value, and never turns valid settings
/// into invalid ones.
fn check_setting(
    sensor: &mut TSL2561,
    name: &str,
    value: i32,
    set: impl FnOnce(&mut TSL2561) -> c_int,
    stored: fn(&TSL2561) -> i32,
) -> Result<c_int, TestCaseError> {
    let (before, was_valid) = (sensor.lasterr, valid_settings(sensor));
    let rc = set(sensor);
    check_result(rc, before, sensor.lasterr, name)?;
    if rc == 0 {
        prop_assert_eq!(stored(sensor), value, "{}: value not stored", name);
    }
    prop_assert!(
        !was_valid || valid_settings(sensor),
        "{name}: settings made invalid"
    );
    Ok(rc)
}

/// A setting call on sensor `slot`: [`check_setting`], and success only on a descriptor
/// the library opened for that chip.
fn sensor_setting(
    world: &mut World,
    slot: usize,
    name: &str,
    value: i32,
    set: impl FnOnce(&mut TSL2561) -> c_int,
    stored: fn(&TSL2561) -> i32,
) -> Result<(), TestCaseError> {
    let sensor = &mut world.sensors[slot];
    let (fd, address) = (sensor.adapter_fd, sensor.sensor_addr);
    let rc = check_setting(sensor, name, value, set, stored)?;
    check_descriptor(&world.live, rc, fd, Kind::Sensor, address, name)
}

unsafe fn apply(world: &mut World, op: &Op) -> Result<(), TestCaseError> {
    match op {
        Op::SensorInit { slot, bus, address } => world.sensors[*slot] = sensor_init(*bus, *address),
        Op::SensorGarbage { slot, bytes } => {
            ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                ptr::addr_of_mut!(world.sensors[*slot]).cast(),
                36,
            );
        }
        Op::SensorCopy { from, to } => world.sensors[*to] = world.sensors[*from],
        Op::SensorOpen(slot) => {
            let sensor = &mut world.sensors[*slot];
            let before = sensor.lasterr;
            let rc = TSL2561_OPEN(sensor);
            check_result(rc, before, sensor.lasterr, "TSL2561_OPEN")?;
            if rc == 0 {
                prop_assert!(valid_settings(sensor));
                prop_assert!(
                    !DISPLAY_ADDRESSES.contains(&sensor.sensor_addr),
                    "a display passed the sensor identification"
                );
                let (fd, address) = (sensor.adapter_fd, sensor.sensor_addr);
                world.opened(fd, Kind::Sensor, address);
            }
        }
        Op::SensorClose(slot) => {
            let (fd, address) = (
                world.sensors[*slot].adapter_fd,
                world.sensors[*slot].sensor_addr,
            );
            TSL2561_CLOSE(&mut world.sensors[*slot]);
            prop_assert_eq!(world.sensors[*slot].adapter_fd, -1);
            world.closed(fd, Kind::Sensor, address);
        }
        Op::SensorTime { slot, value } => sensor_setting(
            world,
            *slot,
            "TSL2561_SETINTEGRATIONTIME",
            *value,
            |sensor| TSL2561_SETINTEGRATIONTIME(sensor, IntegrationTimeValue(*value)),
            |sensor| sensor.integration_time.0,
        )?,
        Op::SensorGain { slot, value } => sensor_setting(
            world,
            *slot,
            "TSL2561_SETGAIN",
            *value,
            |sensor| TSL2561_SETGAIN(sensor, GainValue(*value)),
            |sensor| sensor.gain.0,
        )?,
        Op::SensorWarm { slot, warm } => {
            let sensor = &mut world.sensors[*slot];
            let before = sensor.lasterr;
            let status_before = TSL2561_STATUS(sensor);
            let rc = TSL2561_SETWARM(sensor, *warm);
            check_sensor_call(&world.live, sensor, rc, before, "TSL2561_SETWARM")?;
            let warm_now = TSL2561_STATUS(sensor) & TSL2561_STATUS_WARM != 0;
            if rc == 0 {
                prop_assert_eq!(warm_now, *warm != 0, "warm mode as asked");
            } else {
                prop_assert_eq!(
                    TSL2561_STATUS(sensor),
                    status_before,
                    "mode kept on failure"
                );
            }
        }
        Op::SensorRead {
            slot,
            autogain,
            null_output,
        } => {
            let sensor = &mut world.sensors[*slot];
            let before = sensor.lasterr;
            let (mut full, mut ir, mut lux) = (0xDEADu16, 0xDEADu16, 0xDEAD_BEEFu32);
            let full_ptr = if null_output & 1 != 0 {
                ptr::null_mut()
            } else {
                &mut full as *mut u16
            };
            let ir_ptr = if null_output & 2 != 0 {
                ptr::null_mut()
            } else {
                &mut ir as *mut u16
            };
            let lux_ptr = if null_output & 4 != 0 {
                ptr::null_mut()
            } else {
                &mut lux as *mut u32
            };
            let rc = TSL2561_SENSELIGHT(sensor, full_ptr, ir_ptr, lux_ptr, *autogain);
            check_sensor_call(&world.live, sensor, rc, before, "TSL2561_SENSELIGHT")?;
            if rc != 0 {
                prop_assert_eq!(
                    (full, ir, lux),
                    (0xDEAD, 0xDEAD, 0xDEAD_BEEF),
                    "outputs touched on failure"
                );
                if *null_output != 0 {
                    prop_assert_eq!(sensor.lasterr, libc::EINVAL);
                }
                return Ok(());
            }
            prop_assert_eq!(*null_output, 0, "NULL output accepted");
            prop_assert!(
                !DISPLAY_ADDRESSES.contains(&sensor.sensor_addr),
                "a display answered as a sensor"
            );
            let (broadband, infrared) = LIGHT
                .iter()
                .find(|(address, _, _)| *address == sensor.sensor_addr)
                .map(|(_, b, i)| (*b, *i))
                .ok_or_else(|| TestCaseError::fail("a reading from a device the scene lacks"))?;
            let (time, gain) = (sensor.integration_time.0, sensor.gain.0);
            prop_assert_eq!(
                full,
                expected_counts(broadband, time, gain),
                "broadband (time {}, gain {})",
                time,
                gain
            );
            prop_assert_eq!(ir, expected_counts(infrared, time, gain), "infrared");
            let settings = lightseg::tsl2561::Settings {
                integration_time: lightseg::tsl2561::IntegrationTime::try_from(time)
                    .map_err(|_| TestCaseError::fail("time"))?,
                gain: lightseg::tsl2561::Gain::try_from(gain)
                    .map_err(|_| TestCaseError::fail("gain"))?,
                package: lightseg::tsl2561::Package::TFnCl,
            };
            let reading = lightseg::tsl2561::Reading::from_counts(full, ir, settings);
            prop_assert_eq!(lux, reading.lux);
            prop_assert_eq!(
                TSL2561_STATUS(sensor) & TSL2561_STATUS_SATURATED != 0,
                reading.saturated
            );
        }
        Op::DisplayInit { slot, bus, address } => {
            world.displays[*slot] = display_init(*bus, *address)
        }
        Op::DisplayGarbage { slot, bytes } => {
            ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                ptr::addr_of_mut!(world.displays[*slot]).cast(),
                32,
            );
        }
        Op::DisplayOpen(slot) => {
            let display = &mut world.displays[*slot];
            let before = display.lasterr;
            let rc = HT16K33_OPEN(display);
            check_result(rc, before, display.lasterr, "HT16K33_OPEN")?;
            if rc == 0 {
                prop_assert_eq!(display.display_buffer.com, [0; 5]);
                let (fd, address) = (display.adapter_fd, display.driver_addr);
                world.opened(fd, Kind::Display, address);
            }
        }
        Op::DisplayClose(slot) => {
            let (fd, address) = (
                world.displays[*slot].adapter_fd,
                world.displays[*slot].driver_addr,
            );
            HT16K33_CLOSE(&mut world.displays[*slot]);
            prop_assert_eq!(world.displays[*slot].adapter_fd, -1);
            world.closed(fd, Kind::Display, address);
        }
        Op::SensorTakesDisplay { sensor, display } => {
            let (fd, address) = (
                world.displays[*display].adapter_fd,
                world.displays[*display].driver_addr,
            );
            world.sensors[*sensor].adapter_fd = fd;
            world.sensors[*sensor].sensor_addr = address;
        }
        Op::DisplayTakesSensor { display, sensor } => {
            let (fd, address) = (
                world.sensors[*sensor].adapter_fd,
                world.sensors[*sensor].sensor_addr,
            );
            world.displays[*display].adapter_fd = fd;
            world.displays[*display].driver_addr = address;
        }
        Op::ReopenBehindBack {
            sensor_side,
            slot,
            address,
        } => {
            let fd = if *sensor_side {
                world.sensors[slot % SENSORS].adapter_fd
            } else {
                world.displays[slot % DISPLAYS].adapter_fd
            };
            // Only descriptors the library opened: never the program's own (stdout...).
            if !world.live.iter().any(|(live, _, _)| *live == fd) {
                return Ok(());
            }
            libc::close(fd);
            world.live.retain(|(live, _, _)| *live != fd);
            let again = libc::open(c"/dev/i2c-1".as_ptr(), libc::O_RDWR);
            prop_assert!(again >= 0, "reopening /dev/i2c-1");
            if again != fd {
                libc::dup2(again, fd);
                libc::close(again);
            }
            libc::ioctl(
                fd,
                0x0703, /* I2C_SLAVE */
                libc::c_ulong::from(*address & 0x7F),
            );
            if !world.foreign.contains(&fd) {
                world.foreign.push(fd);
            }
        }
        Op::SensorSenseLux { slot, null_outputs } => {
            let sensor = &mut world.sensors[*slot];
            let before = sensor.lasterr;
            let (mut lux, mut gain, mut time) = (-1.0f64, GainValue(-1), IntegrationTimeValue(-1));
            let (gain_ptr, time_ptr) = if *null_outputs {
                (ptr::null_mut(), ptr::null_mut())
            } else {
                (
                    &mut gain as *mut GainValue,
                    &mut time as *mut IntegrationTimeValue,
                )
            };
            let rc = TSL2561_SENSELUX(sensor, &mut lux, gain_ptr, time_ptr);
            check_sensor_call(&world.live, sensor, rc, before, "TSL2561_SENSELUX")?;
            let address = sensor.sensor_addr;
            if rc != 0 {
                prop_assert_eq!(lux, -1.0, "output touched on failure");
                return Ok(());
            }
            prop_assert!(valid_settings(sensor));
            if !*null_outputs {
                prop_assert_eq!((gain.0, time.0), (sensor.gain.0, sensor.integration_time.0));
            }
            // The setting used, unless the second conversion clipped and the probe's
            // reading came back: then the lux is the probe's (13.7 ms 1x).
            let (time, gain) = (sensor.integration_time.0, sensor.gain.0);
            let (expected, saturated) = expected_lux(address, time, gain)
                .ok_or_else(|| TestCaseError::fail("a reading from a device the scene lacks"))?;
            let (probe, _) = expected_lux(address, 0, 0).unwrap_or((f64::NAN, false));
            prop_assert!(
                (!saturated && lux == expected) || lux == probe,
                "SENSELUX read {} lux; {} expected at time {} gain {}",
                lux,
                expected,
                time,
                gain
            );
        }
        Op::SensorInterrupt {
            slot,
            low,
            high,
            persist,
        } => {
            let sensor = &mut world.sensors[*slot];
            let (rc, _) = call_checked(
                sensor,
                &SENSOR_REFUSALS,
                "TSL2561_SETINTERRUPT",
                |sensor| unsafe { TSL2561_SETINTERRUPT(sensor, *low, *high, *persist) },
            )?;
            let (fd, address) = (sensor.adapter_fd, sensor.sensor_addr);
            check_descriptor(
                &world.live,
                rc,
                fd,
                Kind::Sensor,
                address,
                "TSL2561_SETINTERRUPT",
            )?;
            let inside_out = (1..=15).contains(persist) && low > high;
            if !(-1..=15).contains(persist) || inside_out {
                prop_assert_eq!(
                    (rc, sensor.lasterr),
                    (-1, libc::EINVAL),
                    "persist {}, low {}, high {}",
                    persist,
                    low,
                    high
                );
            }
            if rc == 0 && *persist >= 0 {
                prop_assert!(
                    TSL2561_STATUS(sensor) & TSL2561_STATUS_WARM != 0,
                    "not warm"
                );
            }
        }
        Op::SensorClearInterrupt(slot) => {
            let sensor = &mut world.sensors[*slot];
            let (rc, _) = call_checked(
                sensor,
                &SENSOR_REFUSALS,
                "TSL2561_CLEARINTERRUPT",
                |sensor| unsafe { TSL2561_CLEARINTERRUPT(sensor) },
            )?;
            let (fd, address) = (sensor.adapter_fd, sensor.sensor_addr);
            check_descriptor(
                &world.live,
                rc,
                fd,
                Kind::Sensor,
                address,
                "TSL2561_CLEARINTERRUPT",
            )?;
        }
        Op::SensorStart(slot) => {
            let sensor = &mut world.sensors[*slot];
            let (rc, _) =
                call_checked(sensor, &SENSOR_REFUSALS, "TSL2561_START", |sensor| unsafe {
                    TSL2561_START(sensor)
                })?;
            let (fd, address) = (sensor.adapter_fd, sensor.sensor_addr);
            check_descriptor(&world.live, rc, fd, Kind::Sensor, address, "TSL2561_START")?;
        }
        Op::SensorCollect { slot, wait } => {
            let sensor = &mut world.sensors[*slot];
            let (mut full, mut ir, mut lux, mut wait_us) = (0xDEADu16, 0xDEADu16, -1.0f64, 0u32);
            let mut before = sensor.lasterr;
            let mut rc = TSL2561_COLLECT(sensor, &mut full, &mut ir, &mut lux, &mut wait_us);
            check_result(rc, before, sensor.lasterr, "TSL2561_COLLECT")?;
            if rc != 0 && sensor.lasterr == libc::EAGAIN {
                prop_assert!(wait_us > 0, "EAGAIN with no time left");
                prop_assert_eq!((full, ir), (0xDEAD, 0xDEAD), "outputs touched on EAGAIN");
                if *wait {
                    let pause = libc::timespec {
                        tv_sec: (wait_us / 1_000_000) as libc::time_t,
                        tv_nsec: (wait_us % 1_000_000) as libc::c_long * 1000,
                    };
                    libc::nanosleep(&pause, ptr::null_mut());
                    before = sensor.lasterr;
                    rc = TSL2561_COLLECT(sensor, &mut full, &mut ir, &mut lux, &mut wait_us);
                    check_result(rc, before, sensor.lasterr, "TSL2561_COLLECT after the wait")?;
                    prop_assert!(
                        rc == 0 || sensor.lasterr != libc::EAGAIN,
                        "still EAGAIN after waiting the time it said"
                    );
                }
            }
            let (fd, address) = (sensor.adapter_fd, sensor.sensor_addr);
            check_descriptor(
                &world.live,
                rc,
                fd,
                Kind::Sensor,
                address,
                "TSL2561_COLLECT",
            )?;
            if rc == 0 {
                let (time, gain) = (sensor.integration_time.0, sensor.gain.0);
                let (broadband, infrared) = LIGHT
                    .iter()
                    .find(|(a, _, _)| *a == address)
                    .map(|(_, b, i)| (*b, *i))
                    .ok_or_else(|| {
                        TestCaseError::fail("a reading from a device the scene lacks")
                    })?;
                prop_assert_eq!(
                    full,
                    expected_counts(broadband, time, gain),
                    "COLLECT broadband"
                );
                prop_assert_eq!(
                    ir,
                    expected_counts(infrared, time, gain),
                    "COLLECT infrared"
                );
                let (expected, _) = expected_lux(address, time, gain).unwrap_or((f64::NAN, false));
                prop_assert_eq!(lux, expected, "COLLECT lux");
            }
        }
        Op::SensorSenseAll => {
            let mut lux = [-1.0f64; SENSORS];
            let chips: Vec<(c_int, u8)> = world
                .sensors
                .iter()
                .map(|s| (s.adapter_nr, s.sensor_addr))
                .collect();
            let twice = (1..SENSORS).any(|i| chips[..i].contains(&chips[i]));
            let (before, sent) = (world.sensors, transfers());
            let rc = TSL2561_SENSEALL(
                world.sensors.as_mut_ptr(),
                SENSORS as c_int,
                lux.as_mut_ptr(),
            );
            prop_assert!(rc == 0 || rc == -1);
            if twice {
                // One chip twice: refused before anything is sent or written.
                prop_assert_eq!((rc, errno()), (-1, libc::EINVAL), "SENSEALL, a chip twice");
                prop_assert_eq!(transfers(), sent, "SENSEALL refused but sent");
                prop_assert!(world.sensors == before && lux == [-1.0; SENSORS]);
                return Ok(());
            }
            for (sensor, lux) in world.sensors.iter().zip(lux) {
                prop_assert!(lux != -1.0, "SENSEALL left a lux unwritten");
                if lux.is_nan() {
                    continue; // this sensor failed
                }
                prop_assert!(
                    world
                        .live
                        .contains(&(sensor.adapter_fd, Kind::Sensor, sensor.sensor_addr)),
                    "SENSEALL read a descriptor the library did not open for it"
                );
                let (expected, _) =
                    expected_lux(sensor.sensor_addr, sensor.integration_time.0, sensor.gain.0)
                        .ok_or_else(|| {
                            TestCaseError::fail("a reading from a device the scene lacks")
                        })?;
                prop_assert_eq!(lux, expected, "SENSEALL lux");
            }
        }
        Op::SensorRace { slot, gain } => {
            let sensor: *mut TSL2561 = &mut world.sensors[*slot];
            let reader = Shared(sensor);
            let rc = std::thread::scope(|scope| {
                scope.spawn(move || {
                    let reader = reader;
                    let (mut full, mut ir, mut lux) = (0u16, 0u16, 0u32);
                    // SAFETY: a live struct; calls on it serialise in the library.
                    unsafe { TSL2561_SENSELIGHT(reader.0, &mut full, &mut ir, &mut lux, 0) };
                });
                // SAFETY: as above.
                unsafe { TSL2561_SETGAIN(sensor, GainValue(*gain)) }
            });
            if rc == 0 {
                prop_assert_eq!(
                    (*sensor).gain.0,
                    *gain,
                    "a concurrent reading undid SETGAIN"
                );
            }
        }
        Op::DisplayRace { slot, level } => {
            let display: *mut HT16K33 = &mut world.displays[*slot];
            let committer = Shared(display);
            let rc = std::thread::scope(|scope| {
                scope.spawn(move || {
                    let committer = committer;
                    // SAFETY: a live struct; calls on it serialise in the library.
                    unsafe { HT16K33_COMMIT(committer.0) };
                });
                // SAFETY: as above.
                unsafe { HT16K33_BRIGHTNESS(display, *level) }
            });
            if rc == 0 {
                prop_assert_eq!(
                    (*display).brightness,
                    *level,
                    "a concurrent COMMIT undid BRIGHTNESS"
                );
            }
        }
        Op::DisplayDigit {
            slot,
            digit,
            value,
            point,
        } => {
            let display = &mut world.displays[*slot];
            let buffer = display.display_buffer.com;
            let (rc, _) = call_checked(
                display,
                &DISPLAY_REFUSALS,
                "HT16K33_UPDATE_DIGIT",
                |display| unsafe { HT16K33_UPDATE_DIGIT(display, *digit, *value, *point) },
            )?;
            prop_assert_eq!(rc == 0, *digit <= 4 && *value <= 128);
            if rc != 0 {
                prop_assert_eq!(display.display_buffer.com, buffer);
            }
        }
        Op::DisplayClean { slot, digit } => {
            let display = &mut world.displays[*slot];
            let before = display.lasterr;
            let rc = HT16K33_CLEAN_DIGIT(display, *digit);
            check_result(rc, before, display.lasterr, "HT16K33_CLEAN_DIGIT")?;
            prop_assert_eq!(rc == 0, *digit <= 4);
        }
        Op::NullCalls => {
            for rc in [
                TSL2561_OPEN(ptr::null_mut()),
                TSL2561_SENSELIGHT(
                    ptr::null_mut(),
                    ptr::null_mut(),
                    ptr::null_mut(),
                    ptr::null_mut(),
                    1,
                ),
                HT16K33_COMMIT(ptr::null_mut()),
                HT16K33_BLINK(ptr::null_mut(), BlinkValue(2)),
                TSL2561_STATUS(ptr::null()),
                TSL2561_SETWARM(ptr::null_mut(), 1),
            ] {
                prop_assert_eq!(rc, -1);
                prop_assert_eq!(errno(), libc::EINVAL);
            }
            TSL2561_CLOSE(ptr::null_mut());
            HT16K33_CLOSE(ptr::null_mut());
        }
        Op::ChainOpen {
            slot,
            bus,
            kind,
            addresses,
            count,
        } => {
            let addresses = addresses.as_ref().map_or(ptr::null(), |a| a.as_ptr());
            let chain = &mut world.chains[*slot];
            let name = "HT16K33_CHAIN_OPEN";
            let (rc, made) = call_checked_as(chain, &DISPLAY_REFUSALS, name, Some(0), |chain| {
                HT16K33_CHAIN_OPEN(chain, *bus, BackpackValue(*kind), addresses, *count)
            })?;
            prop_assert_eq!(made, 0, "HT16K33_CHAIN_OPEN sends nothing");
            if rc == 0 {
                let count = chain.count as usize;
                let opened: Vec<(c_int, u8)> = (0..count)
                    .map(|i| (chain.adapter_fds[i], chain.addresses[i]))
                    .collect();
                for (fd, address) in opened {
                    prop_assert!(fd >= 0);
                    // The backpacks share the old struct's registry: a descriptor a
                    // chain opened is a display's descriptor for its address.
                    world.opened(fd, Kind::Display, address);
                }
            }
        }
        Op::ChainClose(slot) => {
            let chain = &mut world.chains[*slot];
            for i in 0..MAX_CHAIN {
                let (fd, address) = (chain.adapter_fds[i], chain.addresses[i]);
                world
                    .live
                    .retain(|entry| *entry != (fd, Kind::Display, address));
            }
            let sent = transfers();
            HT16K33_CHAIN_CLOSE(chain);
            prop_assert_eq!(transfers(), sent, "HT16K33_CHAIN_CLOSE sends nothing");
            prop_assert!(
                chain.adapter_fds.iter().all(|fd| *fd == -1),
                "CLOSE left a descriptor"
            );
        }
        Op::ChainCopy { from, to } => world.chains[*to] = world.chains[*from],
        Op::Chain { slot, call } => {
            let chain = &mut world.chains[*slot];
            let (fds, addresses) = (chain.adapter_fds, chain.addresses);
            if chain_call_on(chain, call)? && matches!(call, ChainCall::On | ChainCall::Commit) {
                // It reached the bus: every backpack's descriptor is a live display one.
                for i in 0..usize::try_from(chain.count).unwrap_or(0).min(MAX_CHAIN) {
                    let name = "a chain call";
                    check_descriptor(&world.live, 0, fds[i], Kind::Display, addresses[i], name)?;
                }
            }
        }
        Op::DisplayPrint { slot, call } => print_call_on(&mut world.displays[*slot], call)?,
        display_op => {
            let (slot, name) = match display_op {
                Op::DisplayOn(s) => (*s, "HT16K33_ON"),
                Op::DisplayOff(s) => (*s, "HT16K33_OFF"),
                Op::DisplayBlink { slot, .. } => (*slot, "HT16K33_BLINK"),
                Op::DisplayState { slot, .. } => (*slot, "HT16K33_DISPLAY"),
                Op::DisplayBrightness { slot, .. } => (*slot, "HT16K33_BRIGHTNESS"),
                Op::DisplayCommit(s) => (*s, "HT16K33_COMMIT"),
                _ => return Err(TestCaseError::fail("unhandled op")),
            };
            let display = &mut world.displays[slot];
            let (rc, _) = call_checked(display, &DISPLAY_REFUSALS, name, |display| unsafe {
                match display_op {
                    Op::DisplayOn(_) => HT16K33_ON(display),
                    Op::DisplayOff(_) => HT16K33_OFF(display),
                    Op::DisplayBlink { value, .. } => HT16K33_BLINK(display, BlinkValue(*value)),
                    Op::DisplayState { value, .. } => {
                        HT16K33_DISPLAY(display, DisplayValue(*value))
                    }
                    Op::DisplayBrightness { value, .. } => HT16K33_BRIGHTNESS(display, *value),
                    _ => HT16K33_COMMIT(display),
                }
            })?;
            let (fd, address) = (display.adapter_fd, display.driver_addr);
            check_descriptor(&world.live, rc, fd, Kind::Display, address, name)?;
            if rc == 0 {
                prop_assert!(
                    matches!(display.display_state.0, 0 | 1),
                    "{name}: display_state"
                );
                prop_assert!(
                    matches!(display.blink_state.0, 0 | 2 | 4 | 6),
                    "{name}: blink_state"
                );
                let set_brightness = matches!(display_op, Op::DisplayBrightness { .. });
                prop_assert!(
                    !set_brightness || display.brightness <= 15,
                    "brightness above 15"
                );
            }
        }
    }
    Ok(())
}

fn run_case(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut world = World {
        sensors: [
            sensor_init(1, 0x29),
            sensor_init(1, 0x39),
            sensor_init(1, 0x49),
        ],
        displays: [display_init(1, 0x70), display_init(1, 0x71)],
        chains: [chain_init(), chain_init()],
        live: Vec::new(),
        foreign: Vec::new(),
    };
    set_errno(0);
    let mut result = Ok(());
    for op in ops {
        // SAFETY: every pointer passed is to a live struct of the world or NULL.
        result = unsafe { apply(&mut world, op) };
        if result.is_err() {
            break;
        }
    }
    for (fd, kind, address) in world.live.drain(..) {
        // SAFETY: live local structs.
        unsafe {
            match kind {
                Kind::Sensor => {
                    let mut sensor = sensor_init(1, address);
                    sensor.adapter_fd = fd;
                    TSL2561_CLOSE(&mut sensor);
                }
                Kind::Display => {
                    let mut display = display_init(1, address);
                    display.adapter_fd = fd;
                    HT16K33_CLOSE(&mut display);
                }
            }
        }
    }
    for chain in &mut world.chains {
        // SAFETY: a live local struct; its descriptors are the library's or -1.
        unsafe { HT16K33_CHAIN_CLOSE(chain) };
    }
    for fd in world.foreign.drain(..) {
        // SAFETY: descriptors this harness opened itself.
        unsafe { libc::close(fd) };
    }
    result
}

fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec; the CPU-time clock is not virtualised by the emulator.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

fn main() {
    let mut cases: u32 = 200;
    let mut cpu_budget: Option<f64> = None;
    let mut seed: u64 = 0x5eed;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_default();
        match arg.as_str() {
            "--cases" => cases = value.parse().unwrap_or(cases),
            "--cpu-seconds" => cpu_budget = value.parse().ok(),
            "--seed" => seed = value.parse().unwrap_or(seed),
            _ => {
                eprintln!("usage: lightseg-fuzz [--cases N] [--cpu-seconds S] [--seed N]");
                std::process::exit(2);
            }
        }
    }
    if std::env::var_os("LD_PRELOAD").is_none() {
        eprintln!("lightseg-fuzz: run it under the emulator (make fuzz)");
        std::process::exit(2);
    }
    let start = cpu_seconds();
    let total_cases = Cell::new(0u64);
    let total_calls = Cell::new(0u64);
    let mut round = 0u64;
    loop {
        let mut seed_bytes = [0u8; 32];
        seed_bytes[..8].copy_from_slice(&(seed ^ round).to_le_bytes());
        let config = Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 0,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(
            config,
            TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
        );
        let strategy = prop::collection::vec(op(), 1..60);
        let result = runner.run(&strategy, |ops| {
            total_cases.set(total_cases.get() + 1);
            total_calls.set(total_calls.get() + ops.len() as u64);
            run_case(&ops)
        });
        if let Err(failure) = result {
            eprintln!("lightseg-fuzz: FAILED (seed {seed}, round {round}): {failure}");
            std::process::exit(1);
        }
        round += 1;
        match cpu_budget {
            Some(budget) if cpu_seconds() - start < budget => continue,
            _ => break,
        }
    }
    println!(
        "lightseg-fuzz: seed {seed}: {} cases, {} calls, {:.1} s CPU, no failure",
        total_cases.get(),
        total_calls.get(),
        cpu_seconds() - start
    );
}
