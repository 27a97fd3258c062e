//! End-to-end tests: the C examples and test programs, built by `make`, run against the
//! emulated bus (`LD_PRELOAD=liblightseg_sim.so`), with assertions on what they print and
//! on the emulator's report (exact bytes on the bus, counts, lux, errors).
//!
//! Run through `make test`, which builds the programs and sets `LIGHTSEG_BUILD_DIR`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

mod common;
use common::{build_dir, report_device, run_emulated, scratch_dir, sim_library};

struct Run {
    success: bool,
    stdout: String,
    report: Value,
}

impl Run {
    /// Fails unless the program printed every one of `lines`.
    fn assert_printed<S: AsRef<str>>(&self, lines: &[S]) {
        for line in lines {
            let line = line.as_ref();
            assert!(
                self.stdout.contains(line),
                "missing {line:?} in:\n{}",
                self.stdout
            );
        }
    }

    fn device(&self, address: u64) -> &Value {
        report_device(&self.report, address)
    }

    /// The trace of a device as (op, written bytes, read bytes, result).
    fn trace(&self, address: u64) -> Vec<(String, Vec<u64>, Vec<u64>, String)> {
        self.device(address)["trace"]
            .as_array()
            .expect("trace")
            .iter()
            .map(|t| {
                let bytes = |key: &str| -> Vec<u64> {
                    t[key]
                        .as_array()
                        .expect("bytes")
                        .iter()
                        .filter_map(Value::as_u64)
                        .collect()
                };
                (
                    t["op"].as_str().unwrap_or_default().to_string(),
                    bytes("write"),
                    bytes("read"),
                    t["result"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    fn ram(&self, address: u64) -> Vec<u64> {
        self.device(address)["ram"]
            .as_array()
            .expect("ram")
            .iter()
            .filter_map(Value::as_u64)
            .collect()
    }

    fn written(&self, address: u64) -> Vec<Vec<u64>> {
        self.trace(address).into_iter().map(|t| t.1).collect()
    }
}

/// Runs `program` (relative to the build dir) with `args` under the emulator.
fn run_with(program: &str, args: &[&str], scene: Option<&str>) -> Run {
    let mut command = Command::new(build_dir().join(program));
    command.args(args);
    let run = run_emulated(command, scene);
    Run {
        success: run.success,
        stdout: run.stdout,
        report: run.report,
    }
}

fn run(program: &str) -> Run {
    run_with(program, &[], None)
}

// Bus bytes restated from the datasheets: TSL2561 command = 0x80 | register,
// CONTROL (0) 0x03 on / 0x00 off, TIMING (1) = gain 0x10 | integration; word reads of
// channel 0 / 1 with 0xAC / 0xAE. HT16K33: 0x21 oscillator on, 0x80 | blink | on,
// 0xE0 | brightness, RAM from address 0.
const POWER_ON: [u64; 2] = [0x80, 0x03];
const POWER_OFF: [u64; 2] = [0x80, 0x00];

/// The identification probe (docs/DEVICES.md): word writes of 0xA6A2 to THRESHLOW
/// (command 0xA2) and 0xACA8 to THRESHHIGH (0xA4), one word read 0xA2, eight 0xA4,
/// both thresholds back to 0.
fn probe_sequence() -> Vec<Vec<u64>> {
    let mut sequence = vec![vec![0xA2, 0xA2, 0xA6], vec![0xA4, 0xA8, 0xAC], vec![0xA2]];
    sequence.extend(vec![vec![0xA4]; 8]);
    sequence.extend([vec![0xA2, 0, 0], vec![0xA4, 0, 0]]);
    sequence
}

/// Transfers of a TSL2561_OPEN (probe 13, then 5), and how many of them read.
const OPEN_TRANSFERS: usize = 18;
const OPEN_READS: usize = 10;

/// OPEN: the probe, power on, read the ID register (0x8A), interrupt off and cleared
/// (0xC6 = command | clear | INTERRUPT), TIMING 402 ms 16x, power off.
fn open_sequence() -> Vec<Vec<u64>> {
    let mut sequence = probe_sequence();
    sequence.extend([
        POWER_ON.to_vec(),
        vec![0x8A],
        vec![0xC6, 0x00],
        vec![0x81, 0x12],
        POWER_OFF.to_vec(),
    ]);
    sequence
}

fn configure(timing: u64) -> Vec<Vec<u64>> {
    vec![POWER_ON.to_vec(), vec![0x81, timing], POWER_OFF.to_vec()]
}

fn cold_read() -> Vec<Vec<u64>> {
    vec![
        POWER_ON.to_vec(),
        vec![0xAC],
        vec![0xAE],
        POWER_OFF.to_vec(),
    ]
}

#[test]
fn single_sensor_prints_counts_and_lux_and_drives_the_bus_like_the_old_driver() {
    for program in ["examples/single_sensor", "examples/single_sensor-static"] {
        let run = run(program);
        assert!(run.success, "{program}: {}", run.stdout);
        // 1200 / 300 counts at 402 ms 16x: lux (1200*532 - 300*721 + 8192) >> 14 = 26.
        assert!(
            run.stdout
                .contains("full spectrum 1200, infrared 300, lux 26"),
            "{}",
            run.stdout
        );
        assert_eq!(run.stdout.matches("(Success)").count(), 6, "{}", run.stdout);
        let mut expected = Vec::new();
        expected.extend(open_sequence());
        expected.extend(configure(0x12)); // SETGAIN 16x
        expected.extend(configure(0x12)); // SETINTEGRATIONTIME 402 ms
        expected.extend(cold_read());
        expected.extend(cold_read()); // autogain: 1200 is in range, one conversion
        assert_eq!(run.written(0x39), expected, "{program}");
        let sensor = run.device(0x39);
        assert_eq!(sensor["stale_reads"], 0);
        assert_eq!(sensor["powered"], false);
        assert!(run
            .trace(0x39)
            .iter()
            .all(|t| t.0.starts_with("smbus_") && t.3 == "ok"));
    }
}

/// The benchmark program's printed `virtual_ns` (the measured operations' total).
fn measured_ns(run: &Run) -> u64 {
    run.stdout
        .split_whitespace()
        .find_map(|field| field.strip_prefix("virtual_ns="))
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no virtual_ns in {}", run.stdout))
}

/// Start times of the channel-0 reads of a sensor.
fn channel0_reads(run: &Run, address: u64) -> Vec<u64> {
    run.device(address)["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .filter(|transfer| transfer["write"] == serde_json::json!([0xAC]))
        .map(|transfer| transfer["t_ns"].as_u64().expect("t_ns"))
        .collect()
}

const BENCH_SCENE: &str = include_str!("../bench/scene.toml");
/// 918 x 322 cycles at 690 kHz, the slowest 402 ms conversion.
const WORST_402_NS: u64 = 428_400_000;

#[test]
fn warm_mode_keeps_the_chip_converting_so_a_later_reading_costs_only_the_bus() {
    let run = run_with("bench/ops", &["warm-idle", "402", "3"], Some(BENCH_SCENE));
    assert!(run.success, "{}", run.stdout);
    let mut expected = open_sequence();
    expected.extend(configure(0x12)); // SETINTEGRATIONTIME 402 ms
    expected.push(POWER_ON.to_vec()); // SETWARM 1: converting from now on
    for _ in 0..3 {
        expected.extend([vec![0xAC], vec![0xAE]]);
    }
    expected.push(POWER_OFF.to_vec()); // CLOSE powers the warm chip down
    assert_eq!(run.written(0x39), expected);
    let sensor = run.device(0x39);
    assert_eq!(sensor["stale_reads"], 0);
    assert_eq!(sensor["powered"], false);
    // Three readings of two word reads each (48 bits, 120 us at 400 kHz), no wait.
    assert_eq!(measured_ns(&run), 3 * 2 * 120_000);
}

#[test]
fn warm_mode_back_to_back_reads_one_conversion_per_worst_case_integration_time() {
    let run = run_with("bench/ops", &["warm-busy", "402", "4"], Some(BENCH_SCENE));
    assert!(run.success, "{}", run.stdout);
    let reads = channel0_reads(&run, 0x39);
    assert_eq!(reads.len(), 4);
    for pair in reads.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= WORST_402_NS, "read before a new conversion: {gap}");
        assert!(gap <= WORST_402_NS + 100_000, "waited too long: {gap}");
    }
    assert_eq!(run.device(0x39)["stale_reads"], 0);
    // Only the one power-on of SETWARM and OPEN's and SETINTEGRATIONTIME's.
    let power_ons = run.written(0x39).iter().filter(|w| **w == POWER_ON).count();
    assert_eq!(power_ons, 3);
}

#[test]
fn cold_read_takes_the_worst_case_integration_time_and_no_more() {
    let run = run("examples/single_sensor");
    let trace = run.device(0x39)["trace"].as_array().expect("trace").clone();
    let time = |index: usize| trace[index]["t_ns"].as_u64().expect("t_ns");
    // OPEN, SETGAIN and SETINTEGRATIONTIME come first; then the first SENSELIGHT:
    // power on, first word read.
    let first_read = OPEN_TRANSFERS + 3 + 3;
    let power_on_end = time(first_read) + 72_500; // 29 bits at 400 kHz
    let waited = time(first_read + 1) - power_on_end;
    assert!(
        waited >= 428_400_000,
        "read before the slowest conversion ends: {waited}"
    );
    assert!(waited <= 428_400_000 + 100_000, "waited too long: {waited}");
}

#[test]
fn three_sensors_initialised_field_by_field_share_the_bus() {
    let run = run("examples/three_sensors");
    assert!(run.success, "{}", run.stdout);
    // Default scene light (402 ms, 16x basis) scaled by N/322: 13 ms N = 11, 101 ms N = 81.
    // 0x29: 400*11/322 = 13, 120*11/322 = 4 -> lux 7. 0x39: 1200*81/322 = 301,
    // 300*81/322 = 75 -> lux 26. 0x49: 30000 / 9000 at 402 ms -> lux 563.
    // The descriptors are the lowest free numbers, one after another, as the old driver
    // gave them (3, 4, 5 when the test runner passes no descriptor on).
    let first_fd: u32 = run
        .stdout
        .split("sensor 0x29 fd ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|fd| fd.parse().ok())
        .unwrap_or_else(|| panic!("no fd for 0x29 in {}", run.stdout));
    run.assert_printed(&[
        format!("sensor 0x29 fd {first_fd}: rc 0 (Success) full 13 ir 4 lux 7"),
        format!(
            "sensor 0x39 fd {}: rc 0 (Success) full 301 ir 75 lux 26",
            first_fd + 1
        ),
        format!(
            "sensor 0x49 fd {}: rc 0 (Success) full 30000 ir 9000 lux 563",
            first_fd + 2
        ),
    ]);
    let mut expected = open_sequence();
    expected.extend(configure(0x10));
    expected.extend(cold_read());
    assert_eq!(run.written(0x29), expected);
    for address in [0x29, 0x39, 0x49] {
        assert_eq!(run.device(address)["stale_reads"], 0);
    }
}

#[test]
fn hello_display_sends_the_original_commands_and_ram() {
    for program in ["examples/hello_display", "examples/hello_display-static"] {
        let run = run(program);
        assert!(run.success, "{}", run.stdout);
        let written = run.written(0x70);
        assert_eq!(
            written[..4],
            [vec![0x21], vec![0xEF], vec![0x81], vec![0x81]]
        );
        // First COMMIT: 1, 2., colon, 3, 4 -> one block write of 16 bytes at 0.
        assert_eq!(
            written[4],
            vec![
                0x00,
                0x06,
                0,
                0x5B | 0x80,
                0,
                0xFF,
                0,
                0x4F,
                0,
                0x66,
                0,
                0,
                0,
                0,
                0,
                0,
                0
            ]
        );
        assert_eq!(written.len(), 4 + 1 + 7, "one transfer per COMMIT");
        assert!(run.trace(0x70)[4..]
            .iter()
            .all(|t| t.0 == "smbus_write_i2c_block_data"));
        // Last word, COOL: C O (colon off) O L.
        let display = run.device(0x70);
        assert_eq!(
            run.ram(0x70),
            [0x39, 0, 0x3F, 0, 0, 0, 0x3F, 0, 0x38, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(display["oscillator_on"], true);
        assert_eq!(display["display_on"], true);
        assert_eq!(display["blink"], 0);
        assert_eq!(display["brightness"], 15);
    }
}

#[test]
fn counter_works_on_struct_copies_and_switches_off() {
    let run = run("examples/counter");
    assert!(run.success, "{}", run.stdout);
    assert!(run.stdout.contains("counted to 5"));
    let display = run.device(0x70);
    // 0 0 (colon off) 0 5
    assert_eq!(
        run.ram(0x70)[..10],
        [0x3F, 0, 0x3F, 0, 0, 0, 0x3F, 0, 0x6D, 0]
    );
    assert_eq!(display["oscillator_on"], false, "HT16K33_OFF sent 0x20");
    assert_eq!(display["brightness"], 8);
    // Six virtual seconds passed, and no real ones.
    assert!(run.report["virtual_ns"].as_u64().expect("ns") >= 6_000_000_000);
}

#[test]
fn error_example_reports_every_error() {
    let run = run("examples/missing_bus");
    assert!(run.success, "{}", run.stdout);
    assert!(run
        .stdout
        .contains("open /dev/i2c-7: rc -1, No such file or directory"));
    assert!(run
        .stdout
        .contains("open sensor 0x2a: rc -1, Remote I/O error"));
}

#[test]
fn programs_written_like_the_old_drivers_run_on_the_emulator() {
    let run = run("tests/raw_i2c");
    assert!(run.success, "{}", run.stdout);
    assert!(run.stdout.contains("funcs i2c=1 i2c_block_write=1"));
    assert!(run.stdout.contains("tsl2561 ch0=1200"), "{}", run.stdout);
    assert!(run
        .stdout
        .contains("ht16k33 ram 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"));
    let ops: Vec<String> = run.trace(0x39).into_iter().map(|t| t.0).collect();
    assert_eq!(ops, ["write", "write", "write", "read"]);
    assert_eq!(run.device(0x39)["stale_reads"], 0);
    let display = run.trace(0x70);
    assert_eq!(display[0].0, "smbus_write_i2c_block_data");
    assert_eq!(display[0].1.len(), 17);
    assert_eq!(display[2].0, "i2c_rdwr");
}

/// The default scene's chips behind `controller`.
fn behind(controller: &str) -> String {
    format!(
        "controller = \"{controller}\"\n\
         [[device]]\nbus = 1\naddress = 0x29\nkind = \"tsl2561\"\nbroadband = 400\ninfrared = 120\n\
         [[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\nbroadband = 1200\ninfrared = 300\n\
         [[device]]\nbus = 1\naddress = 0x49\nkind = \"tsl2561\"\nbroadband = 30000\ninfrared = 9000\n\
         [[device]]\nbus = 1\naddress = 0x70\nkind = \"ht16k33\"\n"
    )
}

#[test]
fn each_controller_behaves_as_the_real_kernel_showed() {
    // What `make kernel-check` saw on i2c-stub, and what the Pi's and most other
    // controllers report for a chip that does not answer (docs/RELIABILITY.md).
    for (controller, no_answer) in [
        ("bcm2835", "Remote I/O error"),
        ("generic", "No such device or address"),
        ("i2c-stub", "No such device"),
    ] {
        let scene = behind(controller);
        let run = run_with("examples/missing_bus", &[], Some(&scene));
        assert!(run.success, "{controller}: {}", run.stdout);
        run.assert_printed(&[format!("open sensor 0x2a: rc -1, {no_answer}")]);
        // lightseg needs nothing an SMBus-only controller lacks.
        let run = run_with("examples/single_sensor", &[], Some(&scene));
        assert!(run.success, "{controller}: {}", run.stdout);
        run.assert_printed(&["full spectrum 1200, infrared 300, lux 26"]);
        let run = run_with("examples/hello_display", &[], Some(&scene));
        assert!(run.success, "{controller}: {}", run.stdout);
    }
    // i2c-stub does no plain I2C: raw transfers and I2C_RDWR fail with EOPNOTSUPP.
    let run = run_with("tests/raw_i2c", &[], Some(&behind("i2c-stub")));
    assert!(
        run.stdout.contains("funcs i2c=0 i2c_block_write=1"),
        "{}",
        run.stdout
    );
    let ops: Vec<String> = run.trace(0x39).into_iter().map(|t| t.0).collect();
    assert!(
        !ops.iter().any(|op| op == "write" || op == "read"),
        "{ops:?}"
    );
}

const SENSOR_AT_0X39: &str = "[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\n\
                              broadband = 1200\ninfrared = 300\noscillator_khz = 690\n";

fn probe(faults: &str) -> Run {
    let scene = format!("{SENSOR_AT_0X39}[device.faults]\n{faults}\n");
    run_with("tests/fault_probe", &["39"], Some(&scene))
}

const GOOD_READ: &str = "read rc=0 errno=0 full=1200 ir=300 lux=26 status=0";
const UNTOUCHED: &str = "full=57005 ir=57005 lux=3735928559";

#[test]
fn bus_faults_fail_the_call_with_the_kernel_errno_and_the_next_call_recovers() {
    // The transfer after OPEN's is the first SENSELIGHT's power-on.
    let run = probe(&format!("nack_on_transfer = {}", OPEN_TRANSFERS + 1));
    assert!(run.stdout.contains("open rc=0"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains(&format!("read rc=-1 errno={} {UNTOUCHED}", libc::EREMOTEIO)),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches(GOOD_READ).count(), 2, "{}", run.stdout);

    // The read after OPEN's (probe and ID) is the first CH0 word.
    let run = probe(&format!("eio_on_read = {}", OPEN_READS + 1));
    assert!(
        run.stdout
            .contains(&format!("read rc=-1 errno={} {UNTOUCHED}", libc::EIO)),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches(GOOD_READ).count(), 2);
    assert_eq!(
        run.device(0x39)["powered"],
        false,
        "powered off after the failure"
    );

    // The second read after OPEN's is the first CH1 word.
    let run = probe(&format!("short_read = {}", OPEN_READS + 2));
    assert!(run
        .stdout
        .contains(&format!("read rc=-1 errno={} {UNTOUCHED}", libc::EIO)));

    let run = probe(&format!("bus_removed_after = {}", OPEN_TRANSFERS + 1));
    assert_eq!(
        run.stdout
            .matches(&format!("read rc=-1 errno={}", libc::ENODEV))
            .count(),
        3,
        "{}",
        run.stdout
    );
}

#[test]
fn open_faults_fail_open_and_leave_nothing_open() {
    for (fault, errno) in [
        ("absent = true", libc::EREMOTEIO),
        ("ebusy_on_slave = true", libc::EBUSY),
        ("eacces_on_open = true", libc::EACCES),
    ] {
        let run = probe(fault);
        assert!(
            run.stdout.contains(&format!("open rc=-1 errno={errno}")),
            "{fault}: {}",
            run.stdout
        );
        assert_eq!(
            run.stdout
                .matches(&format!("read rc=-1 errno={}", libc::EBADF))
                .count(),
            3,
            "{fault}: {}",
            run.stdout
        );
    }
}

#[test]
fn open_checks_the_id_register_and_takes_the_package_from_it() {
    // An HT16K33 where a TSL2561 should be: its RAM is no TSL2561 ID.
    let display = "[[device]]\nbus = 1\naddress = 0x39\nkind = \"ht16k33\"\n";
    let run = run_with("tests/fault_probe", &["39"], Some(display));
    assert!(
        run.stdout
            .contains(&format!("open rc=-1 errno={}", libc::ENODEV)),
        "{}",
        run.stdout
    );
    // A CS part (ID 0x1n): lux from the CS rows. ratio 128 <= K2C: B 0x228, M 0x2c1:
    // (1200*552 - 300*705 + 8192) >> 14 = 28 (T/FN/CL would give 26).
    let cs = format!("{SENSOR_AT_0X39}id = 0x11\n");
    let run = run_with("tests/fault_probe", &["39"], Some(&cs));
    assert_eq!(
        run.stdout
            .matches("read rc=0 errno=0 full=1200 ir=300 lux=28 status=0")
            .count(),
        3,
        "{}",
        run.stdout
    );
}

#[test]
fn slow_oscillator_and_bright_light() {
    // 690 kHz: the reading still sees a finished conversion.
    let run = run_with("tests/fault_probe", &["39"], Some(SENSOR_AT_0X39));
    assert_eq!(run.stdout.matches(GOOD_READ).count(), 3, "{}", run.stdout);
    assert_eq!(run.device(0x39)["stale_reads"], 0);
    // Saturated at 402 ms 16x: counts clip at 65535, lux reads 0, and the status says why.
    let bright = SENSOR_AT_0X39.replace("broadband = 1200", "broadband = 200000");
    let run = run_with("tests/fault_probe", &["39"], Some(&bright));
    assert!(
        run.stdout
            .contains("read rc=0 errno=0 full=65535 ir=300 lux=0"),
        "{}",
        run.stdout
    );
}

/// Runs `command` to its end, or kills it after `limit` and fails the test.
fn output_within(mut command: Command, limit: std::time::Duration) -> std::process::Output {
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let start = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}: {command:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn bad_scene_is_reported_not_ignored_and_never_hangs() {
    let dir = scratch_dir();
    let scene = dir.join("scene.toml");
    std::fs::write(
        &scene,
        "[[device]]\nbus = 1\naddress = 0x39\nkind = \"lamp\"\n",
    )
    .expect("w");
    let missing = dir.join("no-such-scene.toml");
    // A program that opens the bus, and one that never does (the report at exit then
    // loads the scene); each with and without a report path, with an unparsable and
    // with an unreadable scene.
    for program in [build_dir().join("tests/fault_probe"), PathBuf::from("true")] {
        for scene in [&scene, &missing] {
            for report in [true, false] {
                let mut command = Command::new(&program);
                command
                    .env("LD_PRELOAD", sim_library())
                    .env("LIGHTSEG_SIM_SCENE", scene);
                if report {
                    command.env("LIGHTSEG_SIM_REPORT", dir.join("report.json"));
                } else {
                    command.env_remove("LIGHTSEG_SIM_REPORT");
                }
                if !program.ends_with("fault_probe") {
                    // A program that never opens an emulated adapter never reads the
                    // scene and writes no report.
                    let output = output_within(command, std::time::Duration::from_secs(20));
                    assert_eq!(output.status.code(), Some(0), "{program:?} {scene:?}");
                    assert!(!dir.join("report.json").exists(), "no report without a bus");
                    continue;
                }
                let output = output_within(command, std::time::Duration::from_secs(20));
                assert_eq!(
                    output.status.code(),
                    Some(2),
                    "{program:?} {scene:?} {report}"
                );
                assert!(String::from_utf8_lossy(&output.stderr).contains("scene error"));
                assert!(
                    !dir.join("report.json").exists(),
                    "no report without a scene"
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_input_is_refused_with_einval_and_never_reaches_the_chip() {
    let run = run("tests/bad_input");
    assert!(run.success, "{}", run.stdout);
    let einval = libc::EINVAL;
    let refused = [
        "tsl_open_null",
        "tsl_time_null",
        "tsl_gain_null",
        "tsl_sense_null",
        "tsl_warm_null",
        "tsl_status_null",
        "tsl_warm_bad_gain",
        "ht_open_null",
        "ht_commit_null",
        "ht_digit_null",
        "tsl_time_7",
        "tsl_gain_1",
        "tsl_sense_null_out",
        "ht_blink_3",
        "ht_display_2",
        "ht_digit_5",
        "ht_glyph_129",
        "ht_clean_9",
        "ht_on_bad_state",
    ]
    .map(|what| format!("{what} rc=-1 errno={einval}\n"));
    run.assert_printed(&refused);
    assert!(run.stdout.contains("tsl_open rc=0 errno=0"));
    assert!(run
        .stdout
        .contains(&format!("tsl_open_again rc=-1 errno={}", libc::EBUSY)));
    assert!(run
        .stdout
        .contains(&format!("tsl_sense_closed rc=-1 errno={}", libc::EBADF)));
    assert!(run.stdout.contains("tsl_settings time=2 gain=16"));
    let ebadf = libc::EBADF;
    run.assert_printed(
        &["tsl_sense_copy_of_closed", "tsl_sense_fd_closed"]
            .map(|what| format!("{what} rc=-1 errno={ebadf}\n")),
    );
    assert!(run
        .stdout
        .contains(&format!("tsl_close_fd_closed fd=-1 errno={ebadf}")));
    assert!(run
        .stdout
        .contains("tsl_close_closed fd=-1 lasterr=0 errno=0\n"));
    assert!(run.stdout.contains("ht_state blink=5 display=0 com0=0"));
    assert!(run
        .stdout
        .contains(&format!("tsl_warm_not_open rc=-1 errno={ebadf}\n")));
    assert!(run.stdout.contains("tsl_status_not_open status=0\n"));
    // Only the two OPENs' transfers reached the sensor, nothing the display.
    assert_eq!(run.device(0x39)["transfers"], 2 * OPEN_TRANSFERS as u64);
    assert_eq!(run.device(0x70)["transfers"], 0);
}

#[test]
fn realtime_mode_really_waits() {
    let dir = scratch_dir();
    let report_path = dir.join("report.json");
    let output = Command::new(build_dir().join("tests/fault_probe"))
        .arg("39")
        .env("LD_PRELOAD", sim_library())
        .env("LIGHTSEG_SIM_REPORT", &report_path)
        .env("LIGHTSEG_SIM_REALTIME", "1")
        .output()
        .expect("runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches(GOOD_READ).count(), 3, "{stdout}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).expect("report"))
            .expect("json");
    // Three cold reads of at least 428.4 ms each, on the real clock.
    assert!(report["virtual_ns"].as_u64().expect("ns") >= 3 * 428_400_000);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn threads_read_different_sensors_in_parallel_and_share_one_safely() {
    let run = run("tests/threads");
    assert!(run.success, "{}", run.stdout);
    run.assert_printed(&[
        "parallel: sensor 0x29 rc 0 full 400 ir 120 lux 8",
        "parallel: sensor 0x39 rc 0 full 1200 ir 300 lux 26",
        "parallel: sensor 0x49 rc 0 full 30000 ir 9000 lux 563",
    ]);
    assert_eq!(
        run.stdout
            .matches("shared: sensor 0x39 rc 0 full 1200 ir 300 lux 26")
            .count(),
        2,
        "{}",
        run.stdout
    );
    let elapsed = |name: &str| -> f64 {
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with(name) && l.ends_with(" ms"))
            .expect("elapsed line");
        line.trim_start_matches(name)
            .trim_end_matches(" ms")
            .trim()
            .parse()
            .expect("number")
    };
    // Virtual time: three conversion waits of 428.4 ms overlap (one wait, not three);
    // two readings through one struct serialise (two waits).
    let parallel = elapsed("parallel:");
    assert!(
        (428.4..431.0).contains(&parallel),
        "parallel took {parallel} ms"
    );
    let shared = elapsed("shared:");
    assert!((856.8..862.0).contains(&shared), "shared took {shared} ms");
    for address in [0x29, 0x39, 0x49] {
        assert_eq!(run.device(address)["stale_reads"], 0);
    }
}

#[test]
fn lux_meter_example_reads_any_light_several_sensors_and_without_blocking() {
    for program in ["examples/lux_meter", "examples/lux_meter-static"] {
        let run = run(program);
        assert!(run.success, "{}", run.stdout);
        // Default scene at 402 ms 16x (T/FN/CL): 0x39 1200/300 counts, 0x29 400/120,
        // 0x49 30000/9000: (ch0 B - ch1 M) / 2^14 with the datasheet rows.
        run.assert_printed(&[
            "0x39: 25.763 lux (gain 16x, setting 2)",
            "0x29: 7.512 lux",
            "0x49: 563.416 lux",
        ]);
        // The non-blocking reading: 428.4 ms of 50 ms chores before it was there.
        assert!(
            run.stdout.contains("0x29: 7.512 lux after 9 chores"),
            "{}",
            run.stdout
        );
        for address in [0x29, 0x39, 0x49] {
            assert_eq!(run.device(address)["stale_reads"], 0);
        }
    }
}

// ---- Every backpack (issue: numbers, text, chaining, scrolling) --------------------

/// The scene of the C examples: one of every backpack on bus 1.
fn backpack_scene() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("c-examples/backpacks.toml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run_on_backpacks(program: &str, args: &[&str]) -> Run {
    let run = run_with(program, args, Some(&backpack_scene()));
    assert!(run.success, "{program} {args:?} failed:\n{}", run.stdout);
    run
}

impl Run {
    fn shows(&self, address: u64) -> String {
        self.device(address)["shows"]
            .as_str()
            .expect("shows")
            .to_string()
    }

    /// The RAM writes (17 bytes from address 0) to `address`, with their start times.
    fn ram_writes(&self, address: u64) -> Vec<(u64, Vec<u64>)> {
        self.device(address)["trace"]
            .as_array()
            .expect("trace")
            .iter()
            .filter_map(|t| {
                let written: Vec<u64> = t["write"]
                    .as_array()?
                    .iter()
                    .filter_map(Value::as_u64)
                    .collect();
                (written.len() == 17 && written[0] == 0)
                    .then(|| (t["t_ns"].as_u64().unwrap_or(0), written))
            })
            .collect()
    }
}

#[test]
fn the_print_functions_end_on_what_the_display_shows() {
    let run = run_on_backpacks("examples/numbers", &[]);
    run.assert_printed(&["numbers: ok"]);
    // The last print: 12:34 with the colon; refused prints after it changed nothing.
    assert_eq!(run.shows(0x70), "12:34");
    // Each print then COMMIT: one RAM transfer, in this order (glyphs restated:
    // '-' 0x40, '4' 0x66, '2' 0x5B; '3.' 0xCF, '1' 0x06, '4' 0x66, '2' 0x5B).
    let writes: Vec<Vec<u64>> = run.ram_writes(0x70).into_iter().map(|w| w.1).collect();
    assert_eq!(writes.len(), 6, "six prints, six transfers");
    assert_eq!(writes[0][1..10], [0, 0, 0x40, 0, 0, 0, 0x66, 0, 0x5B]);
    assert_eq!(writes[1][1..10], [0xCF, 0, 0x06, 0, 0, 0, 0x66, 0, 0x5B]);
}

#[test]
fn every_backpack_kind_shows_what_the_examples_drew() {
    let run = run_on_backpacks("examples/big_clock", &[]);
    assert_eq!(run.shows(0x71), "21.5\u{b0}C");
    assert_eq!(run.ram(0x71)[4], 0x10, "the upper dot, no colon");
    let run = run_on_backpacks("examples/matrices", &[]);
    // The smiley upside down: rows restated from the bitmap, reversed and mirrored.
    let smiley = [0x3C, 0x42, 0xA5, 0x81, 0xA5, 0x99, 0x42, 0x3C];
    let rows = |bits: &[u8], flip: bool| -> Vec<String> {
        let mut rows: Vec<String> = bits
            .iter()
            .map(|row| {
                (0..8)
                    .map(|x| if row & (0x80 >> x) != 0 { '#' } else { '.' })
                    .collect()
            })
            .collect();
        if flip {
            rows.reverse();
            rows = rows.iter().map(|r| r.chars().rev().collect()).collect();
        }
        rows
    };
    assert_eq!(run.shows(0x74), rows(&smiley, true).join("/"));
    assert_eq!(
        run.shows(0x75),
        "...R..../...R..../......../...Y..../...Y..../......../...G..../...G...."
    );
    let wide: Vec<String> = run.shows(0x76).split('/').map(str::to_string).collect();
    for (y, row) in rows(&smiley, false).iter().enumerate() {
        assert_eq!(wide[y][4..12], *row, "row {y} of the 16x8");
    }
    assert!(wide[0].starts_with('#') && wide[7].ends_with('#'));
    let run = run_on_backpacks("examples/lux_display", &[]);
    let printed: f64 = run
        .stdout
        .split_whitespace()
        .nth(1)
        .and_then(|lux| lux.parse().ok())
        .expect("lux printed");
    assert_eq!(
        run.shows(0x70),
        format!("{printed:.2}"),
        "4 digits: 2 decimals"
    );
    let bars = run.shows(0x77);
    let lit = bars.chars().filter(|c| *c != '.').count();
    assert_eq!(
        run.stdout.trim_end(),
        format!("lux_display: {printed:.2} lux, {lit} bars")
    );
    assert!(bars.starts_with(&"G".repeat(lit.min(16))));
}

#[test]
fn matrices_scroll_pixel_by_pixel_print_and_draw_shapes() {
    let run = run_on_backpacks("examples/shapes", &[]);
    run.assert_printed(&["shapes: ok"]);
    let writes = run.ram_writes(0x76);
    // 56 scroll steps 40 ms apart, then "Hi!", the shapes, and the shift: 59 commits.
    assert_eq!(writes.len(), 59, "one transfer per commit");
    for (k, (at, _)) in writes[..56].iter().enumerate() {
        assert_eq!(at - writes[0].0, k as u64 * 40_000_000, "scroll step {k}");
    }
    // The 16x8's RAM as 16 columns of 8 pixels (byte 2y + x / 8, bit x % 8).
    let columns = |ram: &[u64]| -> Vec<u8> {
        (0..16)
            .map(|x| {
                (0..8)
                    .filter(|y| ram[1 + 2 * y + x / 8] >> (x % 8) & 1 != 0)
                    .fold(0u8, |column, y| column | 1 << y)
            })
            .collect()
    };
    let steps: Vec<Vec<u8>> = writes[..56].iter().map(|w| columns(&w.1)).collect();
    // The text comes in at the right edge: step 0 lights column 15 at most.
    assert!(steps[0][..15].iter().all(|column| *column == 0));
    assert!(steps[1].iter().any(|column| *column != 0), "text arrives");
    // Each step is the one before moved one pixel left, a new column on the right.
    for k in 0..55 {
        assert_eq!(
            steps[k + 1][..15],
            steps[k][1..],
            "step {} moves one pixel",
            k + 1
        );
    }
    // The last step of the cycle is blank.
    assert!(steps[55].iter().all(|column| *column == 0));
    // The shapes, moved one pixel left with wrap-around: what a person would draw.
    let expected = [
        "################",
        "..###...#.....##",
        ".#####...#....##",
        ".#####....#...##",
        ".#####.....#..##",
        "..###.......#.##",
        ".............###",
        "################",
    ];
    assert_eq!(run.shows(0x76), expected.join("/"));
}

#[test]
fn a_seamless_marquee_repeats_after_its_gap_with_the_chains_own_glyphs() {
    let run = run_on_backpacks("tests/backpacks", &["seamless"]);
    run.assert_printed(&["backpacks seamless: ok"]);
    // "H1" with a gap of 1 on 4 digits, twice: 2 x 3 steps, then the last leaves (3
    // more). The custom H is 0x77, 1 is 0x06; digits at RAM 0, 2, 6, 8.
    let steps: Vec<[u64; 4]> = run
        .ram_writes(0x70)
        .iter()
        .map(|(_, ram)| [ram[1], ram[3], ram[7], ram[9]])
        .collect();
    let (h, one) = (0x77, 0x06);
    assert_eq!(
        steps,
        [
            [0, 0, 0, h],
            [0, 0, h, one],
            [0, h, one, 0],
            [h, one, 0, h],
            [one, 0, h, one],
            [0, h, one, 0],
            [h, one, 0, 0],
            [one, 0, 0, 0],
            [0, 0, 0, 0],
        ]
    );
}

#[test]
fn a_chain_commit_is_one_transfer_per_backpack_and_text_spans_them() {
    let run = run_on_backpacks("examples/marquee", &[]);
    run.assert_printed(&["marquee: ok"]);
    let (left, right) = (run.ram_writes(0x72), run.ram_writes(0x73));
    assert_eq!(left.len(), right.len(), "every commit writes both, once");
    // First commit: -273.15 right-aligned over 8 characters, "  -2" on the left backpack
    // and "73.15" on the right. 14-segment: '-' 0x00C0, '2' 0x00DB, '7' 0x0007,
    // '3' 0x008F with the point 0x4000, '1' 0x0006, '5' 0x2069.
    assert_eq!(left[0].1[1..9], [0, 0, 0, 0, 0xC0, 0, 0xDB, 0]);
    assert_eq!(right[0].1[1..9], [0x07, 0, 0x8F, 0x40, 0x06, 0, 0x69, 0x20]);
    // Then the marquee: "HELLO FROM LIGHTSEG" is 19 characters, 26 steps a cycle;
    // the H (0x00F6) comes in at the right edge of the right backpack first.
    assert_eq!(right[1].1[7..9], [0xF6, 0x00]);
    assert!(left.len() >= 26, "{} commits", left.len());
}

#[test]
fn scrolling_keeps_its_rate_over_1000_steps_in_virtual_time() {
    let run = run_on_backpacks("tests/backpacks", &["scroll"]);
    run.assert_printed(&["backpacks scroll: ok"]);
    let steps = run.ram_writes(0x72);
    assert_eq!(steps.len(), 1007, "53 cycles of 19 steps");
    let start = steps[0].0;
    for (k, (at, _)) in steps.iter().enumerate() {
        assert_eq!(
            at - start,
            k as u64 * 100_000_000,
            "step {k} off its due time"
        );
    }
    let run = run_on_backpacks("tests/backpacks", &["step"]);
    run.assert_printed(&["backpacks step: ok"]);
    let all = run.ram_writes(0x72);
    // The start and 40 steps, then a second start a second later and its first step.
    assert_eq!(all.len(), 43);
    let (steps, again) = all.split_at(41);
    let restart = again[0].0;
    assert!(
        restart >= steps[40].0 + 1_000_000_000,
        "started again after a second"
    );
    let late = again[1].0 - restart - 50_000_000;
    assert!(late < 8_000_000, "the new start's step 1 is {late} ns late");
    for (k, (at, _)) in steps.iter().enumerate() {
        let due = k as u64 * 50_000_000;
        let late = (at - steps[0].0) - due;
        assert!(
            late < 8_000_000,
            "step {k} {late} ns late (polled every 7 ms)"
        );
    }
}

#[test]
fn every_refusal_of_the_new_functions_has_its_errno_and_changes_nothing() {
    let run = run_on_backpacks("tests/backpacks", &["errors"]);
    run.assert_printed(&["backpacks errors: ok"]);
    assert_eq!(
        run.shows(0x74),
        "......../......../......../......../......../......../......../....####"
    );
}

#[test]
fn a_wrapper_that_never_opens_the_bus_leaves_the_report_of_the_program_it_ran() {
    let program = build_dir().join("examples/single_sensor");
    let program = program.to_str().expect("path");
    // `timeout` and `sh` run preloaded too, and end after the program: they must not
    // replace its report with one of their own.
    for wrapper in [
        vec!["timeout", "5", program],
        vec!["sh", "-c", &format!("{program}; true")],
    ] {
        let mut command = Command::new(wrapper[0]);
        command.args(&wrapper[1..]);
        let run = run_emulated(command, None);
        assert!(run.success, "{wrapper:?}");
        let sensor = report_device(&run.report, 0x39);
        assert!(
            sensor["transfers"].as_u64() > Some(0),
            "{wrapper:?}: the report is the program's: {sensor}"
        );
    }
}

#[test]
fn a_program_that_never_opens_the_bus_writes_no_report() {
    let dir = scratch_dir();
    let report = dir.join("report.json");
    let status = Command::new("true")
        .env("LD_PRELOAD", sim_library())
        .env("LIGHTSEG_SIM_REPORT", &report)
        .status()
        .expect("true runs");
    assert!(status.success());
    assert!(!report.exists(), "no report without a bus");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- Refusals send and change nothing (tests/c/hostile.c) ---------------------------

/// A scene where the kernel owns 0x71 (I2C_SLAVE answers EBUSY): a chain of 0x70 and
/// 0x71 fails at its second backpack.
const SECOND_BACKPACK_OWNED: &str = "[[device]]\nbus = 1\naddress = 0x70\nkind = \"ht16k33\"\n\n\
    [[device]]\nbus = 1\naddress = 0x71\nkind = \"ht16k33\"\nfaults = { ebusy_on_slave = true }\n";

#[test]
fn hostile_refusals_send_nothing_and_change_nothing_shared_and_static() {
    for program in ["tests/hostile", "tests/hostile-static"] {
        for mode in ["refusals", "stepfail"] {
            run_on_backpacks(program, &[mode]).assert_printed(&[format!("hostile {mode}: ok")]);
        }
        let run = run_with(program, &["partial"], Some(SECOND_BACKPACK_OWNED));
        assert!(run.success, "{program} partial:\n{}", run.stdout);
        run.assert_printed(&["hostile partial: ok"]);
    }
}

/// The shared AddressSanitizer runtime of the C compiler that built the program.
fn asan_runtime() -> String {
    let output = Command::new(std::env::var("CC").unwrap_or_else(|_| "gcc".into()))
        .arg("-print-file-name=libasan.so")
        .output()
        .expect("the C compiler runs");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn hostile_refusals_are_clean_under_asan_and_ubsan_in_virtual_and_real_time() {
    let preload = format!("{} {}", asan_runtime(), sim_library().display());
    for realtime in ["0", "1"] {
        let dir = scratch_dir();
        let scene = dir.join("scene.toml");
        std::fs::write(&scene, backpack_scene()).expect("scene");
        // The sanitizer runtime must come first; the emulator's time calls must neither
        // allocate nor initialise lazily, or ASan's allocator deadlocks on them.
        let mut command = Command::new(build_dir().join("tests/hostile-asan"));
        command
            .env("LD_PRELOAD", &preload)
            .env("LIGHTSEG_SIM_SCENE", &scene)
            .env("LIGHTSEG_SIM_REALTIME", realtime)
            .env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
            .env_remove("LIGHTSEG_SIM_REPORT")
            .env_remove("LIGHTSEG_SIM_SHOW");
        let output = output_within(command, std::time::Duration::from_secs(120));
        let _ = std::fs::remove_dir_all(&dir);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("hostile refusals: ok"),
            "realtime {realtime}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

// ---- embedded-hal 1.0 (examples/linux_hal.rs) ---------------------------------------

#[test]
fn the_linux_embedded_hal_example_reads_and_shows_through_i2c_rdwr() {
    // Cargo builds the examples beside the test binaries' directory (`cargo test`
    // builds them; a run of this test binary alone builds it here).
    let profile_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
        .expect("target directory");
    let example = profile_dir.join("examples/linux_hal");
    if !example.exists() {
        let mut build = Command::new(env!("CARGO"));
        build.args(["build", "--example", "linux_hal"]);
        if profile_dir.ends_with("release") {
            build.arg("--release");
        }
        assert!(build.status().expect("cargo runs").success());
    }
    let run = run_emulated(Command::new(example), None);
    assert!(run.success, "{}", run.stdout);
    // The default scene's 0x39 reads 25.7629 lux.
    assert_eq!(run.stdout, "25.76 lux (broadband 1200, infrared 300)\n");
    let display = report_device(&run.report, 0x70);
    assert_eq!(display["shows"], "25.76");
    for address in [0x39, 0x70] {
        let ops: Vec<&str> = report_device(&run.report, address)["trace"]
            .as_array()
            .expect("trace")
            .iter()
            .filter_map(|t| t["op"].as_str())
            .collect();
        assert!(
            !ops.is_empty() && ops.iter().all(|op| *op == "i2c_rdwr"),
            "{address:#x}: every transfer through embedded-hal: {ops:?}"
        );
    }
}

/// Every key of `value`, recursively (object keys; arrays looked into).
fn keys(value: &Value, into: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                into.insert(key.clone());
                keys(field, into);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keys(item, into)),
        _ => {}
    }
}

#[test]
fn every_report_field_and_the_scene_example_are_in_docs_emulator() {
    let doc_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/EMULATOR.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/EMULATOR.md");
    // A run that drives a sensor and a display, so every field is in the report.
    let run = run_on_backpacks("examples/lux_display", &[]);
    let mut found = std::collections::BTreeSet::new();
    keys(&run.report, &mut found);
    for key in ["registers", "ram", "shows", "trace", "t_ns", "lux"] {
        assert!(found.contains(key), "the run's report has no {key}");
    }
    for key in &found {
        assert!(
            doc.contains(&format!("`{key}`")),
            "docs/EMULATOR.md does not name the report field {key}"
        );
    }
}
