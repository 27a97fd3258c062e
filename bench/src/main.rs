//! `make bench`: runs `bench/ops.c` under the emulator for every operation and setting,
//! subtracts a run that does everything but the measured operation, and prints one table
//! with each target of issue 5 and whether it is met. Exits 1 when one is not.
//!
//! Usage: lightseg-bench --ops PROGRAM --sim LIBRARY --scene FILE --library SO
//!        --static-program PROGRAM [--update FILE]
//!
//! With `--update`, the table replaces the lines between the `<!-- bench -->` markers of
//! FILE (docs/PERFORMANCE.md).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::Value;

/// Readings (or commits) per run: virtual time is free, and 20 makes a steady state.
const COUNT: u32 = 20;
const SENSOR: u64 = 0x39;
const BRIGHT_SENSOR: u64 = 0x29;
const DISPLAY: u64 = 0x70;
const MATRIX: u64 = 0x76;
/// The footprint targets (issue 19's revision of issue 5's 320 KiB, which every backpack
/// kind, chaining and scrolling outgrew): the shared library, and a C program using both
/// drivers linked with the static library, both stripped.
const LIBRARY_LIMIT_KIB: u64 = 384;
const STATIC_PROGRAM_LIMIT_KIB: u64 = 400;
const CPU_LIMIT_NS: f64 = 1_000_000.0;
/// The old driver: 6 transactions per reading (power on, 2 x (register write, read),
/// power off), sleeping 20 / 150 / 450 ms.
const OLD_TRANSACTIONS: f64 = 6.0;
const MARKER: &str = "<!-- bench -->";

#[derive(Clone, Copy)]
struct Setting {
    ms: u32,
    /// 918 x N cycles at 690 kHz, in ns.
    worst_case_ns: f64,
    old_sleep_ns: f64,
}

const SETTINGS: [Setting; 3] = [
    Setting {
        ms: 13,
        worst_case_ns: 918.0 * 11.0 / 690e3 * 1e9,
        old_sleep_ns: 20e6,
    },
    Setting {
        ms: 101,
        worst_case_ns: 918.0 * 81.0 / 690e3 * 1e9,
        old_sleep_ns: 150e6,
    },
    Setting {
        ms: 402,
        worst_case_ns: 918.0 * 322.0 / 690e3 * 1e9,
        old_sleep_ns: 450e6,
    },
];

#[derive(Clone, Copy, PartialEq)]
enum Operation {
    Cold,
    AutogainOne,
    AutogainTwo,
    WarmBusy,
    WarmIdle,
    Commit,
    Print,
    Draw,
    Scroll,
    FullRange,
    SenseAll,
    CollectEarly,
}

impl Operation {
    /// The operations of the main table (the full range has a table of its own).
    const ALL: [Operation; 10] = [
        Operation::Cold,
        Operation::AutogainOne,
        Operation::AutogainTwo,
        Operation::WarmBusy,
        Operation::WarmIdle,
        Operation::Commit,
        Operation::Print,
        Operation::Draw,
        Operation::SenseAll,
        Operation::CollectEarly,
    ];

    fn arg(self) -> &'static str {
        match self {
            Operation::Cold => "cold",
            Operation::AutogainOne => "autogain-one",
            Operation::AutogainTwo => "autogain-two",
            Operation::WarmBusy => "warm-busy",
            Operation::WarmIdle => "warm-idle",
            Operation::Commit => "commit",
            Operation::Print => "print",
            Operation::Draw => "draw",
            Operation::Scroll => "scroll",
            Operation::FullRange => "fullrange",
            Operation::SenseAll => "senseall",
            Operation::CollectEarly => "collect-early",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Operation::Cold => "cold read (SENSELIGHT, autogain 0)",
            Operation::AutogainOne => "auto-gain, in range",
            Operation::AutogainTwo => "auto-gain, switching (worst case)",
            Operation::WarmBusy => "warm, back to back",
            Operation::WarmIdle => "warm, 1 Tint apart",
            Operation::Commit => "HT16K33 COMMIT",
            Operation::Print => "HT16K33_PRINT_FLOAT + COMMIT",
            Operation::Draw => "16x8 matrix: PRINT_TEXT of 3 characters + COMMIT",
            Operation::Scroll => "HT16K33_CHAIN_SCROLL",
            Operation::FullRange => "full range (SENSELUX)",
            Operation::SenseAll => "three sensors (SENSEALL)",
            Operation::CollectEarly => "COLLECT before the end",
        }
    }

    /// A display operation: no integration time, no sensor columns.
    fn is_display(self) -> bool {
        matches!(self, Operation::Commit | Operation::Print | Operation::Draw)
    }

    fn address(self) -> u64 {
        match self {
            Operation::AutogainTwo => BRIGHT_SENSOR,
            Operation::Commit | Operation::Print | Operation::Scroll => DISPLAY,
            Operation::Draw => MATRIX,
            _ => SENSOR,
        }
    }
}

/// What one operation cost, per operation.
struct Measurement {
    virtual_ns: f64,
    cpu_ns: f64,
    bus_ns: f64,
    transactions: f64,
    bytes: f64,
    conversions: f64,
    stale_reads: u64,
}

struct Run {
    virtual_ns: f64,
    cpu_ns: f64,
    /// The lux of the last reading (fullrange, senseall, collect-early).
    lux: f64,
    /// The gain (0 or 16) and integration time (0, 1, 2) of the last full-range reading.
    gain: f64,
    time: f64,
    device: Value,
}

struct Options {
    ops: PathBuf,
    sim: PathBuf,
    scene: PathBuf,
    library: PathBuf,
    static_program: PathBuf,
    update: Option<PathBuf>,
}

fn parse_options() -> Result<Options, String> {
    let mut values: HashMap<String, PathBuf> = HashMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let name = flag
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument {flag}"))?;
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        values.insert(name.to_string(), PathBuf::from(value));
    }
    let mut take = |name: &str| {
        values
            .remove(name)
            .ok_or_else(|| format!("--{name} is required"))
    };
    Ok(Options {
        ops: take("ops")?,
        sim: take("sim")?,
        scene: take("scene")?,
        library: take("library")?,
        static_program: take("static-program")?,
        update: values.remove("update"),
    })
}

fn number(output: &str, key: &str) -> Result<f64, String> {
    output
        .split_whitespace()
        .find_map(|field| field.strip_prefix(key)?.strip_prefix('='))
        .and_then(|value| value.parse().ok())
        .ok_or_else(|| format!("no {key} in {output:?}"))
}

fn run(
    options: &Options,
    operation: Operation,
    setting: Setting,
    setup_only: bool,
) -> Result<Run, String> {
    run_in(options, &options.scene, operation, setting, setup_only)
}

/// [`run`] in another scene.
fn run_in(
    options: &Options,
    scene: &Path,
    operation: Operation,
    setting: Setting,
    setup_only: bool,
) -> Result<Run, String> {
    let report = std::env::temp_dir().join(format!(
        "lightseg-bench-{}-{}-{}-{}.json",
        std::process::id(),
        operation.arg(),
        setting.ms,
        setup_only
    ));
    let mut command = Command::new(&options.ops);
    command
        .args([operation.arg(), &setting.ms.to_string(), &COUNT.to_string()])
        .env("LD_PRELOAD", &options.sim)
        .env("LIGHTSEG_SIM_SCENE", scene)
        .env("LIGHTSEG_SIM_REPORT", &report)
        .env_remove("LIGHTSEG_SIM_REALTIME")
        .env_remove("LIGHTSEG_SIM_SHOW");
    if setup_only {
        command.arg("setup-only");
    }
    let output = command
        .output()
        .map_err(|e| format!("{}: {e}", options.ops.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!(
            "{} {} {}: {}{}",
            options.ops.display(),
            operation.arg(),
            setting.ms,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| format!("report: {e}"))?;
    let _ = std::fs::remove_file(&report);
    let report: Value = serde_json::from_str(&text).map_err(|e| format!("report: {e}"))?;
    let device = report["devices"]
        .as_array()
        .and_then(|devices| {
            devices
                .iter()
                .find(|d| d["address"].as_u64() == Some(operation.address()))
        })
        .cloned()
        .ok_or("device missing from the report")?;
    Ok(Run {
        virtual_ns: number(&stdout, "virtual_ns")?,
        cpu_ns: number(&stdout, "cpu_ns")?,
        lux: number(&stdout, "lux")?,
        gain: number(&stdout, "gain")?,
        time: number(&stdout, "time")?,
        device,
    })
}

/// Power-on writes (CONTROL = 0x03): each starts one conversion.
fn power_ons(device: &Value) -> f64 {
    device["trace"].as_array().map_or(0.0, |trace| {
        trace
            .iter()
            .filter(|t| t["write"] == serde_json::json!([0x80, 0x03]) && t["result"] == "ok")
            .count() as f64
    })
}

fn measure(
    options: &Options,
    operation: Operation,
    setting: Setting,
) -> Result<Measurement, String> {
    let full = run(options, operation, setting, false)?;
    let setup = run(options, operation, setting, true)?;
    let count = f64::from(COUNT);
    let per_op = |key: &str| {
        (full.device[key].as_f64().unwrap_or(0.0) - setup.device[key].as_f64().unwrap_or(0.0))
            / count
    };
    Ok(Measurement {
        virtual_ns: full.virtual_ns / count,
        cpu_ns: full.cpu_ns / count,
        bus_ns: per_op("bus_ns"),
        transactions: per_op("transfers"),
        bytes: per_op("bytes"),
        conversions: (power_ons(&full.device) - power_ons(&setup.device)) / count,
        stale_reads: full.device["stale_reads"].as_u64().unwrap_or(0),
    })
}

/// The target of a row, as text, and whether the measurement meets it.
fn target(operation: Operation, setting: Setting, m: &Measurement) -> (String, bool) {
    let worst = setting.worst_case_ns;
    let wait = m.virtual_ns - m.bus_ns;
    let clean = m.stale_reads == 0 && m.cpu_ns < CPU_LIMIT_NS;
    match operation {
        Operation::Cold => (
            "latency <= 1.01 Tmax + bus; <= 4 transactions".into(),
            wait <= 1.01 * worst && m.transactions <= 4.0 && m.conversions == 1.0 && clean,
        ),
        Operation::AutogainOne => (
            "one conversion; latency <= 1.01 Tmax + bus".into(),
            wait <= 1.01 * worst && m.conversions == 1.0 && clean,
        ),
        Operation::AutogainTwo => (
            "two conversions; latency <= 2.02 Tmax + bus".into(),
            wait <= 2.02 * worst && m.conversions == 2.0 && clean,
        ),
        Operation::WarmBusy => (
            "one reading per Tmax (<= 1.01 Tmax + bus)".into(),
            wait <= 1.01 * worst && m.transactions == 2.0 && clean,
        ),
        Operation::WarmIdle => (
            "bus time only (no wait); 2 transactions".into(),
            wait.abs() < 1_000.0 && m.transactions == 2.0 && clean,
        ),
        Operation::Commit => ("1 transaction".into(), m.transactions == 1.0 && clean),
        Operation::Print => (
            "1 transaction, <= 10 µs CPU".into(),
            m.transactions == 1.0 && m.cpu_ns <= 10_000.0 && clean,
        ),
        Operation::Draw => (
            "1 transaction, <= 50 µs CPU".into(),
            m.transactions == 1.0 && m.cpu_ns <= 50_000.0 && clean,
        ),
        Operation::SenseAll => (
            "all read in <= 1.01 Tmax + bus".into(),
            wait <= 1.01 * worst && m.conversions == 1.0 && clean,
        ),
        Operation::CollectEarly => (
            "EAGAIN, no bus traffic, no sleep".into(),
            m.virtual_ns == 0.0 && m.transactions == 0.0 && clean,
        ),
        Operation::FullRange => ("see the full-range table".into(), true),
        Operation::Scroll => ("see the scrolling table".into(), true),
    }
}

/// Light levels of the full-range rows, in lux (infrared share 0.25, 690 kHz).
const LEVELS: [f64; 8] = [0.05, 0.5, 5.0, 50.0, 500.0, 5000.0, 20000.0, 40000.0];
/// At infrared share 0.25 (datasheet row 2, B 0x214 = 532, M 0x2d1 = 721), one count
/// more in both channels at 402 ms 16x is (532 + 721) / 2^14 lux: the chip resolves the
/// light where that step, at the setting chosen, is at most 1% of it.
const STEP_LUX_402_16X: f64 = (532.0 + 721.0) / 16384.0;

/// The full-range rows: per light level the latency, conversions and the lux read
/// against the scene's, with the target of issue 13: at most 2 conversions, waits at
/// most 1.02 x (14.64 + 428.4) ms, lux within 1% wherever the chip resolves it.
fn full_range_table(options: &Options) -> Result<(String, bool), String> {
    let mut out = String::new();
    let mut all_met = true;
    let _ = writeln!(
        out,
        "| full range (SENSELUX) | latency ms | bus ms | conversions | transactions | lux read | error | target | met |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    let probe_and_longest = 918.0 * (11.0 + 322.0) / 690e3 * 1e9;
    let mut worst_latency: f64 = 0.0;
    for lux in LEVELS {
        let scene = std::env::temp_dir().join(format!(
            "lightseg-bench-scene-{}-{lux}.toml",
            std::process::id()
        ));
        let text = format!(
            "bus_khz = 400\n[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\n\
             oscillator_khz = 690\nlux = {lux}\nir_ratio = 0.25\n"
        );
        std::fs::write(&scene, text).map_err(|e| format!("{}: {e}", scene.display()))?;
        let setting = SETTINGS[2];
        let full = run_in(options, &scene, Operation::FullRange, setting, false)?;
        let setup = run_in(options, &scene, Operation::FullRange, setting, true)?;
        let _ = std::fs::remove_file(&scene);
        let count = f64::from(COUNT);
        let per_op = |key: &str| {
            (full.device[key].as_f64().unwrap_or(0.0) - setup.device[key].as_f64().unwrap_or(0.0))
                / count
        };
        let latency = full.virtual_ns / count;
        let bus = per_op("bus_ns");
        let conversions = (power_ons(&full.device) - power_ons(&setup.device)) / count;
        worst_latency = worst_latency.max(latency);
        let error = (full.lux - lux).abs() / lux;
        // Counts at the chosen setting per count at 402 ms 16x.
        let sensitivity = if full.gain == 16.0 { 1.0 } else { 1.0 / 16.0 }
            * [11.0, 81.0, 322.0][full.time as usize]
            / 322.0;
        let resolved = STEP_LUX_402_16X / sensitivity <= lux / 100.0;
        let met = conversions <= 2.0
            && latency - bus <= 1.02 * probe_and_longest
            && (!resolved || error <= 0.01)
            && full.device["stale_reads"].as_u64() == Some(0);
        all_met &= met;
        let _ = writeln!(
            out,
            "| {lux} lux | {} | {} | {conversions:.0} | {:.0} | {:.4} | {:.3}% | <= 2 conversions, <= 1.02 x 443.0 ms + bus{} | {} |",
            ms(latency),
            ms(bus),
            per_op("transfers"),
            full.lux,
            error * 100.0,
            if resolved { ", within 1%" } else { " (not resolved: 1 count > 1%)" },
            if met { "yes" } else { "**NO**" }
        );
    }
    let _ = writeln!(
        out,
        "\nWorst full-range latency: {} ms ({:.4} x (14.64 + 428.4) ms).",
        ms(worst_latency),
        worst_latency / probe_and_longest
    );
    Ok((out, all_met))
}

fn ms(ns: f64) -> String {
    format!("{:.3}", ns / 1e6)
}

fn stripped_size(path: &Path) -> Result<u64, String> {
    let copy = std::env::temp_dir().join(format!("lightseg-bench-strip-{}", std::process::id()));
    let status = Command::new("strip")
        .arg("-o")
        .arg(&copy)
        .arg(path)
        .status()
        .map_err(|e| format!("strip: {e}"))?;
    if !status.success() {
        return Err(format!("strip {} failed", path.display()));
    }
    let size = std::fs::metadata(&copy)
        .map_err(|e| format!("{}: {e}", copy.display()))?
        .len();
    let _ = std::fs::remove_file(&copy);
    Ok(size)
}

fn table(options: &Options) -> Result<(String, bool), String> {
    let mut out = String::new();
    let mut all_met = true;
    let _ = writeln!(
        out,
        "| operation | Tint | latency ms | bus ms | worst-case Tint ms | latency / Tint | old driver ms | latency / old | transactions (old) | bytes | conversions started | stale reads | CPU µs | target | met |"
    );
    let _ = writeln!(
        out,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for operation in Operation::ALL {
        let settings: &[Setting] = match operation {
            _ if operation.is_display() => &SETTINGS[..1],
            Operation::SenseAll | Operation::CollectEarly => &SETTINGS[2..],
            _ => &SETTINGS,
        };
        for &setting in settings {
            let m = measure(options, operation, setting)?;
            let (goal, met) = target(operation, setting, &m);
            all_met &= met;
            let tint = if operation.is_display() {
                "-".to_string()
            } else {
                format!("{} ms", setting.ms)
            };
            let sensor_columns = if operation.is_display() {
                "- | - | - | - | - |".to_string()
            } else {
                // The old driver sleeps once per conversion (once per sensor: it reads
                // several one after another).
                let conversions = match operation {
                    Operation::AutogainTwo => 2.0,
                    Operation::SenseAll => 3.0,
                    _ => 1.0,
                };
                let old = setting.old_sleep_ns * conversions;
                format!(
                    "{} | {:.4} | {} | {:.3} | {:.0} ({:.0}) |",
                    ms(setting.worst_case_ns),
                    m.virtual_ns / setting.worst_case_ns,
                    ms(old),
                    m.virtual_ns / old,
                    m.transactions,
                    OLD_TRANSACTIONS * conversions,
                )
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} {:.0} | {:.0} | {} | {:.0} | {} | {} |",
                operation.label(),
                tint,
                ms(m.virtual_ns),
                ms(m.bus_ns),
                sensor_columns,
                m.bytes,
                m.conversions,
                m.stale_reads,
                m.cpu_ns / 1e3,
                goal,
                if met { "yes" } else { "**NO**" }
            );
        }
    }
    let _ = writeln!(out);
    let (range, range_met) = full_range_table(options)?;
    out.push_str(&range);
    all_met &= range_met;
    let _ = writeln!(out);
    let (scroll, scroll_met) = scroll_table(options)?;
    out.push_str(&scroll);
    all_met &= scroll_met;
    let _ = writeln!(out);
    let (sessions, sessions_met) = session_table(options)?;
    out.push_str(&sessions);
    all_met &= sessions_met;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| footprint (x86-64, stripped) | bytes | KiB | target | met |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for (label, path, limit_kib) in [
        ("liblightseg.so", &options.library, LIBRARY_LIMIT_KIB),
        (
            "C program using both drivers, linked with liblightseg.a",
            &options.static_program,
            STATIC_PROGRAM_LIMIT_KIB,
        ),
    ] {
        let size = stripped_size(path)?;
        let met = size <= limit_kib * 1024;
        all_met &= met;
        let _ = writeln!(
            out,
            "| {label} | {size} | {:.1} | <= {limit_kib} KiB | {} |",
            size as f64 / 1024.0,
            if met { "yes" } else { "**NO**" }
        );
    }
    Ok((out, all_met))
}

/// CPU time per op of `ops commit` (HT16K33_COMMIT: one 17-byte transfer each), COUNT
/// times, in `sessions.len()` processes at once, each with LIGHTSEG_SIM_SESSION set to
/// its entry; ns per op of each.
fn commit_cpu_ns(
    options: &Options,
    sessions: &[&std::ffi::OsStr],
    count: u32,
) -> Result<Vec<f64>, String> {
    let children: Vec<std::process::Child> = sessions
        .iter()
        .map(|session| {
            Command::new(&options.ops)
                .args([Operation::Commit.arg(), "402", &count.to_string()])
                .env("LD_PRELOAD", &options.sim)
                .env("LIGHTSEG_SIM_SCENE", &options.scene)
                .env("LIGHTSEG_SIM_SESSION", session)
                .env_remove("LIGHTSEG_SIM_REPORT")
                .env_remove("LIGHTSEG_SIM_REALTIME")
                .env_remove("LIGHTSEG_SIM_SHOW")
                .stdout(std::process::Stdio::piped())
                .spawn()
                .map_err(|e| format!("{}: {e}", options.ops.display()))
        })
        .collect::<Result<_, _>>()?;
    children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().map_err(|e| format!("ops: {e}"))?;
            let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            if !output.status.success() {
                return Err(format!("ops commit: {stdout}"));
            }
            Ok(number(&stdout, "cpu_ns")? / f64::from(count))
        })
        .collect()
}

/// The emulator's cost per transfer, in CPU time (the program's, which includes the
/// emulator's work; best of three runs): a process with a bus of its own (as before
/// sessions), one process of a session, and two processes of one session at once,
/// each transferring as fast as it can. The target: a session costs at most twice a
/// bus of its own.
fn session_table(options: &Options) -> Result<(String, bool), String> {
    const COUNT: u32 = 20_000;
    let dir = std::env::temp_dir().join(format!("lightseg-bench-session-{}", std::process::id()));
    let session = dir.as_os_str();
    let best = |sessions: &[&std::ffi::OsStr]| -> Result<f64, String> {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let each = commit_cpu_ns(options, sessions, COUNT)?;
            best = best.min(each.iter().sum::<f64>() / each.len() as f64);
        }
        Ok(best)
    };
    let own = best(&[std::ffi::OsStr::new("none")]);
    let one = best(&[session]);
    let two = best(&[session, session]);
    let _ = std::fs::remove_dir_all(&dir);
    let (own, one, two) = (own?, one?, two?);
    let mut out = String::new();
    let mut all_met = true;
    let _ = writeln!(
        out,
        "| emulator, per transfer (HT16K33 COMMIT) | CPU µs | / own bus | target | met |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    let _ = writeln!(
        out,
        "| a bus of its own (`LIGHTSEG_SIM_SESSION=none`) | {:.2} | 1.00 | - | - |",
        own / 1e3
    );
    for (label, cost) in [
        ("one process of a session", one),
        ("two processes of one session at once", two),
    ] {
        let met = cost <= 2.0 * own;
        all_met &= met;
        let _ = writeln!(
            out,
            "| {label} | {:.2} | {:.2} | <= 2x own bus | {} |",
            cost / 1e3,
            cost / own,
            if met { "yes" } else { "**NO**" }
        );
    }
    Ok((out, all_met))
}

/// Scrolling: 1000 steps of 100 ms in virtual time; step k's RAM transfer must start
/// at k x 100 ms after step 0's (no drift), each one transfer.
fn scroll_table(options: &Options) -> Result<(String, bool), String> {
    const STEPS: usize = 1000;
    const PERIOD_NS: u64 = 100_000_000;
    let run = run(options, Operation::Scroll, SETTINGS[0], false)?;
    let trace = run.device["trace"].as_array().ok_or("no trace")?;
    // Every transfer from the first step on (the set-up commands come before it).
    let scrolling = trace
        .iter()
        .skip_while(|t| t["write"].as_array().map(Vec::len) != Some(17))
        .count();
    let starts: Vec<u64> = trace
        .iter()
        .filter(|t| t["write"].as_array().map(Vec::len) == Some(17))
        .filter_map(|t| t["t_ns"].as_u64())
        .collect();
    let first = starts.first().copied().unwrap_or(0);
    let worst = starts
        .iter()
        .enumerate()
        .map(|(k, at)| (at - first).abs_diff(k as u64 * PERIOD_NS))
        .max()
        .unwrap_or(u64::MAX);
    let span = starts.last().copied().unwrap_or(0) - first;
    let met = starts.len() == STEPS && worst == 0 && scrolling == STEPS;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| scrolling (virtual time) | steps | step ms | first to last step ms | largest deviation from k x step µs | transfers per step | target | met |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    let _ = writeln!(
        out,
        "| HT16K33_CHAIN_SCROLL, 0.56\" 7-segment | {} | 100 | {} | {} | {} | 1000 steps at the rate, no drift | {} |",
        starts.len(),
        ms(span as f64),
        worst / 1000,
        scrolling as f64 / starts.len().max(1) as f64,
        if met { "yes" } else { "**NO**" }
    );
    Ok((out, met))
}

fn update(file: &Path, table: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut parts = text.splitn(3, MARKER);
    let (Some(before), Some(_), Some(after)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("{} lacks two {MARKER} markers", file.display()));
    };
    let text = format!("{before}{MARKER}\n{table}{MARKER}{after}");
    std::fs::write(file, text).map_err(|e| format!("{}: {e}", file.display()))
}

fn main() -> ExitCode {
    let result = parse_options().and_then(|options| {
        let (table, all_met) = table(&options)?;
        print!("{table}");
        if let Some(file) = &options.update {
            update(file, &table)?;
            println!("\nwrote the table into {}", file.display());
        }
        Ok(all_met)
    });
    match result {
        Ok(true) => {
            println!("\nevery target met");
            ExitCode::SUCCESS
        }
        Ok(false) => {
            println!("\nsome targets NOT met");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("lightseg-bench: {error}");
            ExitCode::from(2)
        }
    }
}
