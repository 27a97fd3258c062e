//! The whole range of light and several sensors at once (`tests/c/range.c` under the
//! emulator, light given in lux): `TSL2561_SENSELUX` from darkness to sunlight,
//! `TSL2561_START`/`TSL2561_COLLECT`, `TSL2561_SENSEALL`.

use std::process::Command;

use serde_json::Value;

mod common;
use common::{build_dir, scratch_dir, sim_library};

struct Run {
    stdout: String,
    report: Value,
}

fn range(args: &[&str], scene: &str) -> Run {
    let dir = scratch_dir();
    let report = dir.join("report.json");
    let scene_path = dir.join("scene.toml");
    std::fs::write(&scene_path, scene).expect("scene");
    let output = Command::new(build_dir().join("tests/range"))
        .args(args)
        .env("LD_PRELOAD", sim_library())
        .env("LIGHTSEG_SIM_SCENE", &scene_path)
        .env("LIGHTSEG_SIM_REPORT", &report)
        .env_remove("LIGHTSEG_SIM_REALTIME")
        .output()
        .expect("range runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{args:?}: {stdout}");
    let report =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    let _ = std::fs::remove_dir_all(&dir);
    Run { stdout, report }
}

/// A field `name=value` of the first line starting with `prefix`.
fn field(stdout: &str, prefix: &str, name: &str) -> f64 {
    stdout
        .lines()
        .find(|line| line.starts_with(prefix))
        .and_then(|line| {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        })
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {prefix:?} of {stdout}"))
}

/// A sensor at 0x39 on the slowest oscillator, seeing `lux` of infrared share `ratio`.
fn sensor_in(lux: f64, ratio: f64) -> String {
    format!(
        "[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\noscillator_khz = 690\n\
         lux = {lux}\nir_ratio = {ratio}\n"
    )
}

/// The datasheet row (B, M) for infrared share `ratio`, T/FN/CL, restated (K, B, M;
/// lux = (ch0 B - ch1 M) / 2^14 at 402 ms 16x).
fn row(ratio: f64) -> (f64, f64) {
    let rows = [
        (0x040, 0x1f2, 0x1be),
        (0x080, 0x214, 0x2d1),
        (0x0c0, 0x23f, 0x37b),
        (0x100, 0x270, 0x3fe),
        (0x138, 0x16f, 0x1fc),
        (0x19a, 0x0d2, 0x0fb),
        (0x29a, 0x018, 0x012),
    ];
    let (_, b, m) = rows
        .iter()
        .find(|(k, _, _)| ratio <= f64::from(*k) / 512.0)
        .copied()
        .expect("ratio within the table");
    (f64::from(b), f64::from(m))
}

/// Counts at (gain, time) per count at 402 ms 16x (C values: gain 0 / 16, time 0 / 1 / 2).
fn sensitivity(gain: f64, time: f64) -> f64 {
    let gain = if gain == 16.0 { 1.0 } else { 1.0 / 16.0 };
    let steps = [11.0, 81.0, 322.0][time as usize];
    gain * steps / 322.0
}

/// Worst case of the full-range target: both conversions at 690 kHz, 2% margin, plus
/// the bus time of its ten transfers at 400 kHz (under 1 ms).
const FULL_RANGE_LIMIT_MS: f64 = 1.02 * (14.635 + 428.4) + 1.0;

#[test]
fn full_range_reads_darkness_to_sunlight_in_two_conversions_within_one_percent() {
    for ratio in [0.1, 0.3, 0.5, 0.7] {
        let (b, m) = row(ratio);
        // The brightest light the chip can measure at this spectrum: channel 0 at the
        // clipping threshold of 13.7 ms 1x (4900), 322/11 x 16 = 468.4 times fewer counts
        // than at 402 ms 16x. About 63,500 lux at ratio 0.1, 4,800 at 0.7.
        let brightest = 4900.0 * 322.0 / 11.0 * 16.0 * (b - m * ratio) / 16384.0;
        for lux in [0.05, 0.3, 2.0, 10.0, 60.0, 400.0, 2500.0, 12000.0, 40000.0] {
            let run = range(&["senselux"], &sensor_in(lux, ratio));
            let at = |name| field(&run.stdout, "senselux", name);
            if lux > 1.05 * brightest {
                assert_eq!(at("errno"), f64::from(libc::ERANGE), "{lux} lux at {ratio}");
                continue;
            }
            if lux > 0.95 * brightest {
                continue; // at the edge, either answer is right
            }
            assert_eq!(at("rc"), 0.0, "{lux} lux, ratio {ratio}: {}", run.stdout);
            assert!(
                at("ms") <= FULL_RANGE_LIMIT_MS,
                "{lux} lux: {} ms",
                at("ms")
            );
            let power_ons = run.report["devices"][0]["trace"]
                .as_array()
                .expect("trace")
                .iter()
                .filter(|t| t["write"] == serde_json::json!([0x80, 0x03]))
                .count();
            // OPEN powers on once; the reading at most twice.
            assert!(power_ons <= 1 + 2, "{lux} lux: {power_ons} power-ons");
            // The chip resolves the light where one count more or less in both channels
            // moves the lux by at most 1%: there the reading is within 1%; in dimmer
            // light within that step (the counts are whole numbers).
            let step = (b + m) / 16384.0 / sensitivity(at("gain"), at("time"));
            let error = (at("lux") - lux).abs();
            let what = format!("{lux} lux, ratio {ratio}: read {}", at("lux"));
            if step <= lux / 100.0 {
                assert!(error <= lux / 100.0, "{what}");
            } else {
                assert!(error <= step, "{what} (step {step})");
            }
        }
    }
}

#[test]
fn full_range_chooses_the_most_sensitive_setting_that_does_not_clip() {
    // 402 ms 16x in dim light, 101 ms 16x, 402 ms 1x, 101 ms 1x, then the probe itself.
    for (lux, gain, time) in [
        (1.0, 16.0, 2.0),
        (2500.0, 16.0, 1.0),
        (6000.0, 0.0, 2.0),
        (30000.0, 0.0, 1.0),
        (60000.0, 0.0, 0.0),
    ] {
        let run = range(&["senselux"], &sensor_in(lux, 0.1));
        let at = |name| field(&run.stdout, "senselux", name);
        assert_eq!(
            (at("gain"), at("time")),
            (gain, time),
            "{lux} lux: {}",
            run.stdout
        );
    }
    // Darkness reads 0 with no error; light that clips even 13.7 ms at 1x is ERANGE.
    let run = range(&["senselux"], &sensor_in(0.0, 0.1));
    assert_eq!(field(&run.stdout, "senselux", "lux"), 0.0);
    let run = range(&["senselux"], &sensor_in(150000.0, 0.1));
    assert_eq!(
        field(&run.stdout, "senselux", "errno"),
        f64::from(libc::ERANGE)
    );
    assert_eq!(field(&run.stdout, "senselux", "status"), 1.0, "saturated");
}

#[test]
fn collect_before_the_end_is_eagain_at_once_without_bus_traffic() {
    let scene = "[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\n\
                 broadband = 1200\ninfrared = 300\noscillator_khz = 690\n";
    let run = range(&["collect"], scene);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "start rc=0");
    // At once: EAGAIN, the whole worst-case wait left, only START's power-on taken time.
    assert!(
        lines[1].starts_with(&format!(
            "collect rc=-1 errno={} wait_us=428450 full=57005",
            libc::EAGAIN
        )),
        "{}",
        run.stdout
    );
    assert!(field(lines[1], "collect", "ms") < 0.1);
    assert!(lines[2].starts_with(&format!(
        "collect rc=-1 errno={} wait_us=214225",
        libc::EAGAIN
    )));
    assert!(lines[3].starts_with("collect rc=0 errno=0 wait_us=0 full=1200 ir=300 lux=25.76"));
    // The transfers after OPEN: START's power-on, then only the reading's.
    let writes: Vec<Value> = run.report["devices"][0]["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .map(|t| t["write"].clone())
        .collect();
    let after_open = &writes[writes.len() - 4..];
    assert_eq!(
        after_open,
        [
            serde_json::json!([0x80, 0x03]),
            serde_json::json!([0xAC]),
            serde_json::json!([0xAE]),
            serde_json::json!([0x80, 0x00])
        ]
    );
}

#[test]
fn three_sensors_are_read_in_one_conversion_time() {
    let scene = "[[device]]\nbus = 1\naddress = 0x29\nkind = \"tsl2561\"\noscillator_khz = 690\n\
                 broadband = 400\ninfrared = 120\n\
                 [[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\noscillator_khz = 690\n\
                 broadband = 1200\ninfrared = 300\n\
                 [[device]]\nbus = 1\naddress = 0x49\nkind = \"tsl2561\"\noscillator_khz = 690\n\
                 broadband = 30000\ninfrared = 9000\n";
    let run = range(&["all"], scene);
    assert_eq!(field(&run.stdout, "all", "rc"), 0.0, "{}", run.stdout);
    // One worst-case 402 ms conversion (428.4 ms), 1% margin, plus 12 transfers' bus time.
    let ms = field(&run.stdout, "all", "ms");
    assert!(ms <= 1.01 * 428.4 + 1.5, "{ms} ms");
    // 13.7 ms: 400 * 11/322 = 13, 120 * 11/322 = 4 counts; 101 ms: 301 / 75; 402 ms as is.
    for (address, lux) in [("0x29", 6.97), ("0x39", 25.72), ("0x49", 563.42)] {
        let read = field(&run.stdout, &format!("sensor {address}"), "lux");
        assert!((read - lux).abs() < 0.01, "{address}: {read}");
    }
}

#[test]
fn a_reading_follows_light_that_changes_over_time() {
    // Darkness, then a step to 5000 lux at 1.5 s: the full-range reading adapts.
    let scene = "[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\n\
                 lux_schedule = [[0.0, 1.0], [1.5, 5000.0]]\nlux_steps = true\nir_ratio = 0.1\n";
    let run = range(&["watch", "3"], scene);
    let readings: Vec<f64> = run
        .stdout
        .lines()
        .filter_map(|line| {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix("lux="))
                .and_then(|v| v.parse().ok())
        })
        .collect();
    assert_eq!(readings.len(), 3, "{}", run.stdout);
    assert!((readings[0] - 1.0).abs() < 0.05, "{readings:?}");
    assert!((readings[2] - 5000.0).abs() < 50.0, "{readings:?}");
}

#[test]
fn the_interrupt_asserts_int_when_the_light_leaves_the_window_until_cleared() {
    // 402 ms 16x at 735 kHz (402 ms a conversion); 5 lux (233 counts at ratio 0.25) in
    // the window 100..=1000 until 2 s, then 50 lux (2330 counts) above it.
    let scene = "[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\n\
                 lux_schedule = [[0.0, 5.0], [2.0, 50.0]]\nlux_steps = true\n";
    let pending = |run: &Run| run.report["devices"][0]["interrupt_pending"].clone();
    let run = range(&["interrupt", "1500", "0"], scene);
    assert!(
        run.stdout.contains("setinterrupt rc=0 status=2"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains(&format!("bad persist rc=-1 errno={}", libc::EINVAL)));
    assert_eq!(pending(&run), false, "in the window: no interrupt");
    assert_eq!(run.report["devices"][0]["powered"], true, "kept converting");
    let run = range(&["interrupt", "4000", "0"], scene);
    assert_eq!(pending(&run), true, "two conversions above the window");
    let run = range(&["interrupt", "4000", "1"], scene);
    assert!(run.stdout.contains("clearinterrupt rc=0"));
    assert_eq!(pending(&run), false, "cleared");
}
