//! The fault matrix: every C function that touches the bus, with every fault the
//! emulator can inject, at every transfer position inside the call. For each: the call
//! fails with the kernel's errno, out-parameters stay untouched, the struct records only
//! what reached the chip, and the next call succeeds once the fault has cleared.
//!
//! Run through `make test`. With `LIGHTSEG_WRITE_RELIABILITY=1` (`make reliability`) it
//! also writes the table into `docs/RELIABILITY.md`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod common;
use common::{build_dir, report_device, run_emulated};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Outcome {
    stdout: String,
    device: Value,
}

fn probe(function: &str, calls: u32, scene: &str, address: u64) -> Outcome {
    let mut command = Command::new(build_dir().join("tests/call_probe"));
    command.args([function, &calls.to_string()]);
    let run = run_emulated(command, Some(scene));
    assert!(run.success, "{function}: {}", run.stdout);
    let device = report_device(&run.report, address).clone();
    Outcome {
        stdout: run.stdout,
        device,
    }
}

fn scene(broadband: u32, faults: &str, faulty_address: u64) -> String {
    let device = |address: u64, kind: &str, light: &str| {
        let faults = if address == faulty_address && !faults.is_empty() {
            format!("faults = {{ {faults} }}\n")
        } else {
            String::new()
        };
        format!("[[device]]\nbus = 1\naddress = {address}\nkind = \"{kind}\"\n{light}{faults}\n")
    };
    device(
        0x39,
        "tsl2561",
        &format!("broadband = {broadband}\ninfrared = 300\noscillator_khz = 690\n"),
    ) + &device(0x70, "ht16k33", "")
}

fn transfers(device: &Value) -> Vec<(Vec<u64>, bool, String)> {
    device["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .map(|t| {
            let written = t["write"]
                .as_array()
                .expect("write")
                .iter()
                .filter_map(Value::as_u64)
                .collect();
            let op = t["op"].as_str().unwrap_or_default();
            let reads = op.contains("read") && op != "write";
            (
                written,
                reads,
                t["result"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn field(line: &str, name: &str) -> i64 {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {line:?}"))
}

struct Function {
    name: &'static str,
    address: u64,
    broadband: u32,
}

const FUNCTIONS: [Function; 11] = [
    Function {
        name: "open",
        address: 0x39,
        broadband: 1200,
    },
    Function {
        name: "settime",
        address: 0x39,
        broadband: 1200,
    },
    Function {
        name: "setgain",
        address: 0x39,
        broadband: 1200,
    },
    Function {
        name: "sense",
        address: 0x39,
        broadband: 1200,
    },
    // Bright enough to switch 16x -> 1x: two conversions.
    Function {
        name: "autogain",
        address: 0x39,
        broadband: 70000,
    },
    Function {
        name: "on",
        address: 0x70,
        broadband: 1200,
    },
    Function {
        name: "off",
        address: 0x70,
        broadband: 1200,
    },
    Function {
        name: "blink",
        address: 0x70,
        broadband: 1200,
    },
    Function {
        name: "display",
        address: 0x70,
        broadband: 1200,
    },
    Function {
        name: "brightness",
        address: 0x70,
        broadband: 1200,
    },
    Function {
        name: "commit",
        address: 0x70,
        broadband: 1200,
    },
];

/// Checks one faulty run; returns the table cell text.
/// Checks one faulty run: `single` made the call once (its trace is the call's own),
/// `run` made it twice. Returns the table cell text.
fn check(
    function: &Function,
    fault: &str,
    errno: i32,
    recovers: bool,
    single: &Outcome,
    run: &Outcome,
) -> String {
    assert_eq!(
        single.stdout.lines().find(|l| l.starts_with("call1")),
        run.stdout.lines().find(|l| l.starts_with("call1")),
        "{} with {fault}: the same call gave two results",
        function.name
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    let call1 = lines
        .iter()
        .find(|l| l.starts_with("call1"))
        .expect("call1");
    let call2 = lines
        .iter()
        .find(|l| l.starts_with("call2"))
        .expect("call2");
    let what = format!("{} with {fault}", function.name);
    assert_eq!(field(call1, "rc"), -1, "{what}: {call1}");
    assert_eq!(field(call1, "errno"), i64::from(errno), "{what}: {call1}");
    if function.name == "sense" || function.name == "autogain" {
        assert!(
            call1.contains("full=57005 ir=57005 lux=3735928559"),
            "{what}: outputs touched: {call1}"
        );
    }
    // The struct records exactly what reached the chip.
    let trace = transfers(&single.device);
    let ok = |bytes: &[u64]| trace.iter().any(|(w, _, r)| w == bytes && r == "ok");
    match function.name {
        "open" => assert_eq!(field(call1, "fd_open"), 0, "{what}: left open"),
        "settime" => {
            let expected = if ok(&[0x81, 0x10]) { 0 } else { 2 };
            assert_eq!(field(call1, "time"), expected, "{what}: {call1}");
        }
        "setgain" => {
            let expected = if ok(&[0x81, 0x02]) { 0 } else { 16 };
            assert_eq!(field(call1, "gain"), expected, "{what}: {call1}");
        }
        "autogain" => {
            let expected = if ok(&[0x81, 0x02]) { 0 } else { 16 };
            assert_eq!(field(call1, "gain"), expected, "{what}: {call1}");
        }
        "on" => assert_eq!(field(call1, "on"), 0, "{what}: {call1}"),
        "off" | "display" => assert_eq!(field(call1, "on"), 1, "{what}: {call1}"),
        "blink" => assert_eq!(field(call1, "blink"), 0, "{what}: {call1}"),
        "brightness" => assert_eq!(field(call1, "brightness"), 15, "{what}: {call1}"),
        _ => {}
    }
    if recovers {
        assert_eq!(field(call2, "rc"), 0, "{what}: no recovery: {call2}");
        if function.address == 0x39 {
            assert_eq!(run.device["powered"], false, "{what}: chip left powered");
            assert_eq!(run.device["stale_reads"], 0, "{what}: stale read");
        }
        if function.name == "sense" {
            assert!(call2.contains("full=1200 ir=300 lux=26"), "{what}: {call2}");
        }
        if function.name == "autogain" {
            // 70000 at 402 ms, 1x: 4375 counts.
            assert!(call2.contains("full=4375"), "{what}: {call2}");
        }
        format!("-1 {}, next call ok", errno_name(errno))
    } else {
        assert_eq!(field(call2, "rc"), -1, "{what}: {call2}");
        format!("-1 {}, next call -1", errno_name(errno))
    }
}

fn errno_name(errno: i32) -> &'static str {
    match errno {
        libc::EREMOTEIO => "EREMOTEIO",
        libc::EIO => "EIO",
        libc::ENODEV => "ENODEV",
        libc::ENOENT => "ENOENT",
        _ => "?",
    }
}

#[test]
fn every_bus_function_every_fault_every_position() {
    let mut table = String::from("| function | fault | transfer | result |\n|---|---|---|---|\n");
    let mut cases = 0;
    for function in &FUNCTIONS {
        let clean = scene(function.broadband, "", 0);
        let before = transfers(&probe(function.name, 0, &clean, function.address).device);
        let after = transfers(&probe(function.name, 1, &clean, function.address).device);
        assert!(
            after.len() > before.len(),
            "{} makes no transfer",
            function.name
        );
        for position in before.len() as u64 + 1..=after.len() as u64 {
            // A bus removed before OPEN's first transfer cannot even be opened.
            let removed = if function.name == "open" && position == before.len() as u64 + 1 {
                libc::ENOENT
            } else {
                libc::ENODEV
            };
            let mut faults = vec![(
                format!("nack_on_transfer = {position}"),
                libc::EREMOTEIO,
                true,
            )];
            // "Removed after 0 transfers" is no bus at all: the ENOENT tests cover it.
            if position > 1 {
                faults.push((
                    format!("bus_removed_after = {}", position - 1),
                    removed,
                    false,
                ));
            }
            let read_index = after[..position as usize].iter().filter(|t| t.1).count() as u64;
            if after[position as usize - 1].1 {
                faults.push((format!("eio_on_read = {read_index}"), libc::EIO, true));
                faults.push((format!("short_read = {read_index}"), libc::EIO, true));
            }
            for (fault, errno, recovers) in faults {
                let faulty = scene(function.broadband, &fault, function.address);
                let single = probe(function.name, 1, &faulty, function.address);
                let run = probe(function.name, 2, &faulty, function.address);
                let cell = check(function, &fault, errno, recovers, &single, &run);
                let (bytes, _, _) = &after[position as usize - 1];
                let _ = writeln!(
                    table,
                    "| {} | {fault} | {position} `{bytes:02x?}` | {cell} |",
                    function.name
                );
                cases += 1;
            }
        }
    }
    assert!(cases > 60, "only {cases} cases");
    if std::env::var_os("LIGHTSEG_WRITE_RELIABILITY").is_some() {
        let path = manifest_dir().join("docs/RELIABILITY.md");
        let text = std::fs::read_to_string(&path).expect("docs/RELIABILITY.md");
        let start =
            text.find("<!-- matrix -->").expect("matrix marker") + "<!-- matrix -->\n".len();
        let end = text.find("<!-- /matrix -->").expect("matrix end marker");
        let updated = format!("{}{table}{}", &text[..start], &text[end..]);
        std::fs::write(&path, updated).expect("write docs/RELIABILITY.md");
    }
}
