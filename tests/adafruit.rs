//! The differential test against Adafruit's CircuitPython HT16K33 library: the same
//! cases through both, byte for byte. `tests/adafruit/circuitpython_cases.py` runs the
//! library unchanged on Blinka under the emulator and prints the RAM it sends for each
//! case; this test computes lightseg's RAM for the same case with the driver core and
//! compares. Every case where the two differ must be in [`DIFFERENCES`] with its reason
//! (the same reasons as docs/DISPLAYS.md, "Differences from Adafruit's libraries"), and
//! every case listed there must still differ: no difference goes unexplained, none is
//! explained that is gone.
//!
//! Beside it, Adafruit's programs run unchanged on the emulator's virtual clock: the
//! library's own `ht16k33_segments_simpletest.py` (its marquee waits by re-reading
//! `time.monotonic()`), and CircuitPython's TSL2561 library reading a sensor that an
//! earlier program left measuring (scene key `powered`), and a Blinka program whose
//! child process reads the sensor while the parent drives the display: one bus, one
//! report of both.
//!
//! It needs a Python with the pinned CircuitPython libraries: `make adafruit-check`
//! makes one (tools/adafruit-venv.sh, cached under ~/.cache/lightseg) and runs this test
//! with `LIGHTSEG_ADAFRUIT_PYTHON` set (it is part of `make test`); a plain `cargo test`
//! lists it as ignored.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use lightseg::ht16k33::backpack::{BackpackKind, Color};
use lightseg::ht16k33::Frame;
use lightseg::Result;
use serde_json::Value;

/// The cases where lightseg sends other bytes than CircuitPython, and why.
const DIFFERENCES: [(&str, &str); 7] = [
    (
        "seg7 print text OPEN",
        "font: CircuitPython lower-cases all text, so O shows as o; lightseg keeps capitals \
         where the font has both",
    ),
    (
        "seg7 print text ya",
        "font: CircuitPython draws a as A (0x77); lightseg as Adafruit's Arduino table does \
         (0x5F), so that a and A differ",
    ),
    (
        "seg7 print after print",
        "alignment: CircuitPython pushes new text in without clearing (42 after 1234 shows \
         3442); lightseg blanks the rest",
    ),
    (
        "alpha print a.b.",
        "alignment: text shorter than the display ends at the right edge in CircuitPython \
         (pushed in from the right) and starts on the left in lightseg, as Arduino's \
         print does; numbers are right-aligned in both",
    ),
    (
        "alpha print I<>?",
        "font: CircuitPython's 14-segment table differs from the Arduino library's for \
         I < > ?; lightseg uses the Arduino library's",
    ),
    (
        "8x8 fill",
        "CircuitPython also sets the RAM bytes no LED of the 8x8 is wired to (the odd \
         ones); lightseg sets the LEDs",
    ),
    (
        "bicolor pixels",
        "map: CircuitPython's bicolour 8x8 is the Arduino library's transposed; lightseg \
         follows the Arduino library",
    ),
];

fn frame(kind: BackpackKind, count: usize) -> Frame {
    Frame::new(kind, count).expect("frame")
}

fn color(index: i32) -> Color {
    Color::from_index(index).expect("colour")
}

/// What a case does to a frame.
type Edit = Box<dyn Fn(&mut Frame) -> Result<()>>;

/// lightseg's RAM for `case`, through the driver core; `None` for an unknown case.
fn lightseg(case: &str) -> Option<Result<Vec<u8>>> {
    use BackpackKind::*;
    let (mut display, edit): (Frame, Edit) = match case {
        "seg7 print 1234" => (frame(Seg7, 1), Box::new(|f| f.print_integer(1234))),
        "seg7 print -123" => (frame(Seg7, 1), Box::new(|f| f.print_integer(-123))),
        "seg7 print 12.34" => (
            frame(Seg7, 1),
            Box::new(|f| f.print_decimal(12.34, Some(2))),
        ),
        "seg7 print 42" => (frame(Seg7, 1), Box::new(|f| f.print_integer(42))),
        "seg7 print 3.5" => (frame(Seg7, 1), Box::new(|f| f.print_decimal(3.5, Some(1)))),
        "seg7 print text HELP" => (frame(Seg7, 1), Box::new(|f| f.print_text("HELP"))),
        "seg7 print text bdEF" => (frame(Seg7, 1), Box::new(|f| f.print_text("bdEF"))),
        "seg7 print text OPEN" => (frame(Seg7, 1), Box::new(|f| f.print_text("OPEN"))),
        "seg7 print text tUrn" => (frame(Seg7, 1), Box::new(|f| f.print_text("tUrn"))),
        "seg7 print text ya" => (frame(Seg7, 1), Box::new(|f| f.print_text("y a "))),
        "seg7 print 12:34" => (frame(Seg7, 1), Box::new(|f| f.print_text("12:34"))),
        "seg7 hex BEEF" => (frame(Seg7, 1), Box::new(|f| f.print_hex(0xBEEF))),
        "seg7 hex 1F" => (frame(Seg7, 1), Box::new(|f| f.print_hex(0x1F))),
        "seg7 colon" => (frame(Seg7, 1), Box::new(|f| f.set_colon(0, true))),
        "seg7 raw" => (
            frame(Seg7, 1),
            Box::new(|f| {
                [0x01, 0x80, 0x7F, 0xFF]
                    .into_iter()
                    .enumerate()
                    .try_for_each(|(cell, pattern)| f.set_cell(cell, pattern))
            }),
        ),
        "seg7 print after print" => (
            frame(Seg7, 1),
            Box::new(|f| f.print_integer(1234).and_then(|()| f.print_integer(42))),
        ),
        "big colon" => (frame(Seg7Large, 1), Box::new(|f| f.set_dots(0, 0x02))),
        "big left colon" => (frame(Seg7Large, 1), Box::new(|f| f.set_dots(0, 0x0C))),
        "big top left dot" => (frame(Seg7Large, 1), Box::new(|f| f.set_dots(0, 0x04))),
        "big bottom left dot" => (frame(Seg7Large, 1), Box::new(|f| f.set_dots(0, 0x08))),
        "big upper dot" => (frame(Seg7Large, 1), Box::new(|f| f.set_dots(0, 0x10))),
        "big print 21.5C" => (frame(Seg7Large, 1), Box::new(|f| f.print_text("21.5C"))),
        "alpha print ABCD" => (frame(Alphanumeric, 1), Box::new(|f| f.print_text("ABCD"))),
        "alpha print WXYZ" => (frame(Alphanumeric, 1), Box::new(|f| f.print_text("WXYZ"))),
        "alpha print a.b." => (frame(Alphanumeric, 1), Box::new(|f| f.print_text("a.b."))),
        "alpha print 2.75" => (
            frame(Alphanumeric, 1),
            Box::new(|f| f.print_decimal(2.75, Some(2))),
        ),
        "alpha print signs" => (frame(Alphanumeric, 1), Box::new(|f| f.print_text("+-*/"))),
        "alpha print I<>?" => (frame(Alphanumeric, 1), Box::new(|f| f.print_text("I<>?"))),
        "alpha raw" => (frame(Alphanumeric, 1), Box::new(|f| f.set_cell(1, 0x2D00))),
        "alpha chained SEGMENTS" => (
            frame(Alphanumeric, 2),
            Box::new(|f| f.print_text("SEGMENTS")),
        ),
        "8x8 pixels" => (
            frame(Matrix8x8, 1),
            Box::new(|f| pixels(f, &[(0, 0), (7, 0), (3, 4), (0, 7)])),
        ),
        "8x8 fill" => (frame(Matrix8x8, 1), Box::new(|f| f.fill(Color::Green))),
        "8x8 shift right" => (
            frame(Matrix8x8, 1),
            Box::new(|f| pixels(f, &[(0, 0), (7, 3)]).and_then(|()| f.shift(1, 0, false))),
        ),
        "8x8 shift wrap" => (
            frame(Matrix8x8, 1),
            Box::new(|f| pixels(f, &[(0, 0), (7, 3)]).and_then(|()| f.shift(1, 1, true))),
        ),
        "8x8 shift left up" => (
            frame(Matrix8x8, 1),
            Box::new(|f| pixels(f, &[(0, 0), (5, 5)]).and_then(|()| f.shift(-2, -1, false))),
        ),
        "bicolor pixels" => (
            frame(Bicolor8x8, 1),
            Box::new(|f| {
                [(0, 1), (1, 2), (2, 3)]
                    .into_iter()
                    .try_for_each(|(x, c)| f.set_pixel(x, 1, color(c)))
            }),
        ),
        "bicolor fill yellow" => (frame(Bicolor8x8, 1), Box::new(|f| f.fill(Color::Yellow))),
        "16x8 backpack pixels" => (
            frame(Matrix16x8, 1),
            Box::new(|f| pixels(f, &[(0, 0), (15, 0), (8, 3), (15, 7)])),
        ),
        "16x8 featherwing pixels" => (
            frame(MiniMatrix16x8, 1),
            Box::new(|f| pixels(f, &[(0, 0), (15, 0), (8, 3), (15, 7)])),
        ),
        "16x8 backpack fill" => (frame(Matrix16x8, 1), Box::new(|f| f.fill(Color::Green))),
        "bargraph bars" => (
            frame(Bargraph24, 1),
            Box::new(|f| {
                [(0, 1), (5, 2), (12, 3), (23, 1)]
                    .into_iter()
                    .try_for_each(|(bar, c)| f.set_bar(bar, color(c)))
            }),
        ),
        _ => return None,
    };
    Some(edit(&mut display).map(|()| display.ram().concat()))
}

fn pixels(frame: &mut Frame, points: &[(usize, usize)]) -> Result<()> {
    points
        .iter()
        .try_for_each(|(x, y)| frame.set_pixel(*x, *y, Color::Green))
}

fn bytes(value: &Value) -> Vec<u8> {
    value
        .as_array()
        .expect("RAM")
        .iter()
        .map(|byte| byte.as_u64().expect("byte") as u8)
        .collect()
}

#[test]
#[ignore = "needs CircuitPython's HT16K33 library on Blinka: make adafruit-check"]
fn lightseg_sends_what_circuitpython_sends_or_the_difference_is_explained() {
    let python = std::env::var_os("LIGHTSEG_ADAFRUIT_PYTHON")
        .expect("LIGHTSEG_ADAFRUIT_PYTHON: the venv's python (make adafruit-check sets it)");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let scene = std::fs::read_to_string(dir.join("c-examples/backpacks.toml")).expect("scene");
    let mut command = Command::new(python);
    command
        .arg(dir.join("tests/adafruit/circuitpython_cases.py"))
        .env("BLINKA_FORCEBOARD", "RASPBERRY_PI_4B")
        .env("BLINKA_FORCECHIP", "BCM2XXX");
    let run = common::run_emulated(command, Some(&scene));
    assert!(
        run.success,
        "the CircuitPython cases failed:\n{}",
        run.stdout
    );
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    let (last, cases) = lines.split_last().expect("output");
    // The buffers are what reached the chips: the last one of each address is its RAM.
    let last = last["last"].as_object().expect("last buffers");
    assert_eq!(last.len(), 8, "every backpack of the scene was driven");
    for (address, image) in last {
        let address: u64 = address.parse().expect("address");
        let device = common::report_device(&run.report, address);
        assert_eq!(bytes(&device["ram"]), bytes(image), "RAM of {address:#x}");
    }
    let mut differing = BTreeMap::new();
    for case in cases {
        let name = case["case"].as_str().expect("name");
        let theirs = bytes(&case["ram"]);
        let ours = lightseg(name)
            .unwrap_or_else(|| panic!("no lightseg side for the case {name:?}"))
            .unwrap_or_else(|error| panic!("{name}: lightseg refused it: {error}"));
        if ours != theirs {
            differing.insert(name.to_string(), (ours, theirs));
        }
    }
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let explained: BTreeMap<&str, &str> = DIFFERENCES.into_iter().collect();
    for (name, (ours, theirs)) in &differing {
        assert!(
            explained.contains_key(name.as_str()),
            "{name}: lightseg sends {ours:02X?}, CircuitPython {theirs:02X?}, and no reason \
             is given"
        );
    }
    for (name, reason) in explained {
        assert!(
            differing.contains_key(name),
            "{name} is explained ({reason}) but no longer differs"
        );
    }
}

/// The writes of a display's RAM (register 0 and 16 bytes) in a trace, with their
/// virtual times in ns.
fn ram_writes(device: &Value) -> Vec<(u64, Vec<u8>)> {
    device["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .filter(|entry| entry["write"].as_array().is_some_and(|w| w.len() == 17))
        .map(|entry| {
            (
                entry["t_ns"].as_u64().expect("t_ns"),
                bytes(&entry["write"]),
            )
        })
        .collect()
}

/// Runs Adafruit's `ht16k33_segments_simpletest.py`, unchanged, on the virtual clock
/// until 17 s have passed on it (its marquee loops for ever); returns what it printed
/// and the RAM writes to its display at 0x70.
fn run_simpletest(python: &std::ffi::OsStr) -> (String, Vec<(u64, Vec<u8>)>, u64) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let examples = PathBuf::from(python).join("../../examples");
    let mut command = Command::new(python);
    command
        .arg(dir.join("tests/adafruit/run_example.py"))
        .arg(examples.join("ht16k33_segments_simpletest.py"))
        .arg("17")
        .env("BLINKA_FORCEBOARD", "RASPBERRY_PI_4B")
        .env("BLINKA_FORCECHIP", "BCM2XXX");
    let scene = std::fs::read_to_string(dir.join("c-examples/backpacks.toml")).expect("scene");
    let run = common::run_emulated(command, Some(&scene));
    assert!(run.success, "the example failed:\n{}", run.stdout);
    let writes = ram_writes(common::report_device(&run.report, 0x70));
    let end = run.report["virtual_ns"].as_u64().expect("virtual_ns");
    (run.stdout, writes, end)
}

#[test]
#[ignore = "needs CircuitPython's HT16K33 library on Blinka: make adafruit-check"]
fn adafruits_segments_simpletest_runs_its_marquee_on_the_virtual_clock() {
    let python = std::env::var_os("LIGHTSEG_ADAFRUIT_PYTHON")
        .expect("LIGHTSEG_ADAFRUIT_PYTHON: the venv's python (make adafruit-check sets it)");
    let (stdout, writes, end) = run_simpletest(&python);
    assert!(stdout.starts_with("stopped at 17.0"), "{stdout}");
    assert!(end >= 17_000_000_000, "{end} ns");
    // Five pictures two seconds apart (a number, hex, a time, characters, raw
    // segments), each drawn once the sleep before it has passed (plus the bus time of
    // the writes before).
    const S: u64 = 1_000_000_000;
    const MS: u64 = 1_000_000;
    for second in [2, 4, 6, 8] {
        assert!(
            writes
                .iter()
                .any(|(t, _)| (second * S..second * S + 10 * MS).contains(t)),
            "nothing drawn just after {second} s: {writes:?}"
        );
    }
    // The marquee, which waits by reading time.monotonic() until 0.2 s have passed:
    // each step 0.2 s after the last one (a '.' joins the character before it at once).
    let marquee: Vec<u64> = writes
        .iter()
        .map(|w| w.0)
        .filter(|t| *t > 10_100 * MS)
        .collect();
    assert!(marquee.len() >= 30, "{} marquee steps", marquee.len());
    assert!(
        (10_200 * MS..10_210 * MS).contains(&marquee[0]),
        "first step at {} ns",
        marquee[0]
    );
    for pair in marquee.windows(2) {
        let gap = pair[1] - pair[0];
        // 0.2 s, and the clock reads of one more turn of the loop (1 us each).
        assert!(
            gap < MS || (200 * MS..200 * MS + 10_000).contains(&gap),
            "a step {gap} ns after the last at {} ns",
            pair[0]
        );
    }
    // Past the text's end: "Deadbeef 192.168.100.102... " came round again to "d".
    // (The write is register 0 and RAM; the third and fourth digits are RAM 6 and 8.)
    let d_e = |ram: &Vec<u8>| ram[7] == 0x5E && ram[9] == 0x79;
    let shown_de: Vec<u64> = writes.iter().filter(|w| d_e(&w.1)).map(|w| w.0).collect();
    assert!(shown_de.len() >= 2, "{shown_de:?}");
    // The same again: the same pictures at the same virtual times.
    let (_, again, _) = run_simpletest(&python);
    let before = |w: &Vec<(u64, Vec<u8>)>| -> Vec<(u64, Vec<u8>)> {
        w.iter()
            .filter(|(t, _)| *t < 16_500 * MS)
            .cloned()
            .collect()
    };
    assert_eq!(before(&writes), before(&again));
}

/// What CircuitPython's TSL2561 library reads at once after opening the sensor, on a
/// scene whose sensor an earlier program left `powered` (or not).
fn circuitpython_reads_at_once(python: &std::ffi::OsStr, powered: bool) -> String {
    let scene = format!(
        "[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\nbroadband = 1200\n\
         infrared = 300\npowered = {powered}\n"
    );
    let mut command = Command::new(python);
    command
        .args([
            "-c",
            "import board, adafruit_tsl2561\n\
             sensor = adafruit_tsl2561.TSL2561(board.I2C())\n\
             print(sensor.broadband, sensor.infrared, sensor.lux)",
        ])
        .env("BLINKA_FORCEBOARD", "RASPBERRY_PI_4B")
        .env("BLINKA_FORCECHIP", "BCM2XXX");
    let run = common::run_emulated(command, Some(&scene));
    assert!(run.success, "{}", run.stdout);
    run.stdout.trim().to_string()
}

#[test]
#[ignore = "needs CircuitPython's TSL2561 library on Blinka: make adafruit-check"]
fn a_sensor_left_measuring_gives_light_to_a_program_that_reads_at_once() {
    let python = std::env::var_os("LIGHTSEG_ADAFRUIT_PYTHON")
        .expect("LIGHTSEG_ADAFRUIT_PYTHON: the venv's python (make adafruit-check sets it)");
    // Left converting at the chip's own setting (402 ms, gain 1): the scene's 16x counts
    // / 16, and the lux of that light.
    let warm = circuitpython_reads_at_once(&python, true);
    assert!(warm.starts_with("75 18 26.39"), "{warm}");
    // Just switched on: no conversion has completed, as on a chip powered up right now.
    assert_eq!(circuitpython_reads_at_once(&python, false), "0 0 None");
}

/// Runs tests/adafruit/session_program.py and checks its one report; returns the times
/// of the child's transfers.
fn run_session_program() -> Vec<u64> {
    let python = std::env::var_os("LIGHTSEG_ADAFRUIT_PYTHON")
        .expect("LIGHTSEG_ADAFRUIT_PYTHON: the venv's python (make adafruit-check sets it)");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut command = Command::new(python);
    command
        .arg(dir.join("tests/adafruit/session_program.py"))
        .env("BLINKA_FORCEBOARD", "RASPBERRY_PI_4B")
        .env("BLINKA_FORCECHIP", "BCM2XXX");
    let scene = std::fs::read_to_string(dir.join("c-examples/backpacks.toml")).expect("scene");
    let run = common::run_emulated(command, Some(&scene));
    assert!(run.success, "the program failed:\n{}", run.stdout);
    // The child's reading: 1200 and 300 counts at 402 ms, gain 1.
    assert_eq!(run.stdout, "child read 75 18\n");
    let pids = |address: u64| -> Vec<u64> {
        let device = common::report_device(&run.report, address);
        let trace = device["trace"].as_array().expect("trace");
        assert_eq!(Some(trace.len() as u64), device["transfers"].as_u64());
        let mut pids: Vec<u64> = trace.iter().filter_map(|e| e["pid"].as_u64()).collect();
        pids.dedup();
        pids
    };
    let (parent, child) = (pids(0x70), pids(0x39));
    assert_eq!((parent.len(), child.len()), (1, 1), "{parent:?} {child:?}");
    assert_ne!(parent, child);
    let mut listed: Vec<u64> = [parent[0], child[0]].into();
    listed.sort_unstable();
    assert_eq!(run.report["processes"], serde_json::json!(listed));
    assert_eq!(common::report_device(&run.report, 0x70)["shows"], "  75");
    sensor_times(&run.report)
}

/// The virtual times of the transfers to the sensor at 0x39.
fn sensor_times(report: &Value) -> Vec<u64> {
    common::report_device(report, 0x39)["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .filter_map(|entry| entry["t_ns"].as_u64())
        .collect()
}

#[test]
#[ignore = "needs CircuitPython's libraries on Blinka: make adafruit-check"]
fn a_blinka_program_and_the_child_it_starts_share_one_bus_and_one_report() {
    let first = run_session_program();
    // The child's sleep of 0.5 s is on the session's clock, and the parent waiting for
    // its output moves it by nothing: the child's times are the same on every run.
    assert!(first.last().is_some_and(|t| *t > 500_000_000), "{first:?}");
    let second = run_session_program();
    assert_eq!(first, second);
}
