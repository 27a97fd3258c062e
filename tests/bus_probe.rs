//! `bus::probe` (what `lightseg scan` uses) on the emulated bus: the test re-runs its own
//! binary with the emulator preloaded, so the library's Rust code itself talks to the
//! emulated `/dev/i2c-N`, and checks what each probe found and what reached the bus.

use std::process::Command;

use lightseg::bus::{probe, ProbeMethod};
use serde_json::Value;

mod common;
use common::{report_device, run_emulated};

/// Set in the child: run the probes and print one line each.
const CHILD: &str = "LIGHTSEG_PROBE_CHILD";

const SCENE: &str = "\
[[device]]
bus = 2
address = 0x39
kind = \"tsl2561\"

[[device]]
bus = 2
address = 0x49
kind = \"tsl2561\"
faults = { ebusy_on_slave = true }

[[device]]
bus = 2
address = 0x50
kind = \"ht16k33\"

[[device]]
bus = 2
address = 0x29
kind = \"tsl2561\"
faults = { absent = true }
";

/// Runs the test `name` of this binary again on the emulator with `scene`: its output
/// and the emulator's report.
fn run_child(name: &str, scene: &str) -> (String, Value) {
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1");
    let run = run_emulated(command, Some(scene));
    assert!(run.success, "{}", run.stdout);
    (run.stdout, run.report)
}

/// The child's "probe ..." lines (libtest may print "test NAME ... " on the line the
/// first one continues).
fn probe_lines(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter_map(|line| line.find("probe ").map(|at| &line[at..]))
        .collect()
}

/// Each transfer to `address`: its kind and how many bytes it wrote.
fn trace_ops(report: &Value, address: u64) -> Vec<(String, usize)> {
    report_device(report, address)["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .map(|t| {
            let written = t["write"].as_array().map_or(0, Vec::len);
            (t["op"].as_str().unwrap_or_default().to_string(), written)
        })
        .collect()
}

fn outcome(bus: i32, address: u8, method: ProbeMethod) -> String {
    match probe(bus, address, method) {
        Ok(found) => format!("{found:?}"),
        Err(error) => format!("errno {}", error.errno()),
    }
}

#[test]
fn probes_find_what_answers_skip_owned_addresses_and_write_no_data() {
    if std::env::var_os(CHILD).is_some() {
        for (address, method) in [
            (0x39, ProbeMethod::QuickWrite),
            (0x39, ProbeMethod::ReadByte),
            (0x3A, ProbeMethod::QuickWrite),
            (0x49, ProbeMethod::QuickWrite),
            (0x50, ProbeMethod::ReadByte),
            (0x29, ProbeMethod::QuickWrite),
        ] {
            println!("probe {address:#04x} {}", outcome(2, address, method));
        }
        println!("probe bus9 {}", outcome(9, 0x39, ProbeMethod::QuickWrite));
        println!(
            "probe bad-address {}",
            outcome(2, 0x80, ProbeMethod::QuickWrite)
        );
        return;
    }
    let (stdout, report) = run_child(
        "probes_find_what_answers_skip_owned_addresses_and_write_no_data",
        SCENE,
    );
    // libtest may print "test NAME ... " on the line the first probe line continues.
    let lines = probe_lines(&stdout);
    assert_eq!(
        lines,
        [
            "probe 0x39 Answers",
            "probe 0x39 Answers",
            "probe 0x3a Silent",
            "probe 0x49 Busy",
            "probe 0x50 Answers",
            "probe 0x29 Silent",
            &format!("probe bus9 errno {}", libc::ENOENT),
            &format!("probe bad-address errno {}", libc::EINVAL),
        ]
    );
    let ops = |address: u64| trace_ops(&report, address);
    // A quick write and a one-byte read: no data written, ever.
    assert_eq!(
        ops(0x39),
        [
            ("smbus_quick".to_string(), 0),
            ("smbus_read_byte".to_string(), 0)
        ]
    );
    assert_eq!(ops(0x50), [("smbus_read_byte".to_string(), 0)]);
    assert!(ops(0x49).is_empty(), "an owned address is not probed");
    // Silence is an answer: no second try with a read.
    assert_eq!(ops(0x29), [("smbus_quick".to_string(), 0)]);
}

#[test]
fn without_a_quick_write_the_probe_reads_as_i2cdetect_does() {
    if std::env::var_os(CHILD).is_some() {
        println!("probe 0x70 {}", outcome(1, 0x70, ProbeMethod::QuickWrite));
        println!("probe 0x71 {}", outcome(1, 0x71, ProbeMethod::QuickWrite));
        return;
    }
    let scene =
        "controller = \"no-quick\"\n\n[[device]]\nbus = 1\naddress = 0x70\nkind = \"ht16k33\"\n";
    let (stdout, report) = run_child(
        "without_a_quick_write_the_probe_reads_as_i2cdetect_does",
        scene,
    );
    assert_eq!(
        probe_lines(&stdout),
        ["probe 0x70 Answers", "probe 0x71 Silent"]
    );
    // The refused quick write reaches no device; the read that replaces it does.
    assert_eq!(
        trace_ops(&report, 0x70),
        [("smbus_read_byte".to_string(), 0)]
    );
}
