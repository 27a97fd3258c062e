//! The `lightseg` command under the emulator (`LD_PRELOAD=liblightseg_sim.so`, built by
//! `make`): output, exit status and what reached the bus.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    report: Value,
}

impl Run {
    fn device(&self, address: u64) -> &Value {
        self.report["devices"]
            .as_array()
            .and_then(|devices| devices.iter().find(|d| d["address"] == address))
            .unwrap_or_else(|| panic!("no device {address:#x} in the report"))
    }

    /// The bytes written by each transfer to `address`, in order.
    fn written(&self, address: u64) -> Vec<Vec<u64>> {
        self.device(address)["trace"]
            .as_array()
            .expect("trace")
            .iter()
            .map(|t| {
                t["write"]
                    .as_array()
                    .expect("write")
                    .iter()
                    .filter_map(Value::as_u64)
                    .collect()
            })
            .collect()
    }

    fn ram(&self) -> Vec<u64> {
        self.device(0x70)["ram"]
            .as_array()
            .expect("ram")
            .iter()
            .filter_map(Value::as_u64)
            .collect()
    }
}

/// The emulator, built from the sources under test (once per test binary).
fn emulator() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
            let status = Command::new(env!("CARGO"))
                .args(["build", "--release", "-q", "-p", "lightseg-sim"])
                .current_dir(&workspace)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building the emulator failed");
            workspace.join("target/release/liblightseg_sim.so")
        })
        .clone()
}

fn lightseg(args: &[&str]) -> Run {
    lightseg_in(args, &[])
}

fn lightseg_in(args: &[&str], env: &[(&str, &str)]) -> Run {
    // A directory of its own: tests running the same arguments at once never share it.
    let dir = scratch_dir("run");
    let report = dir.join("report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_lightseg"))
        .args(args)
        .env("LD_PRELOAD", emulator())
        .env("LIGHTSEG_SIM_REPORT", &report)
        .env_remove("LIGHTSEG_SIM_SCENE")
        .env_remove("LIGHTSEG_SIM_SHOW")
        .env_remove("LIGHTSEG_SIM_REALTIME")
        .envs(env.iter().copied())
        .output()
        .expect("runs");
    let text = std::fs::read_to_string(&report).unwrap_or_else(|_| "{}".into());
    let _ = std::fs::remove_dir_all(&dir);
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        report: serde_json::from_str(&text).expect("report is JSON"),
    }
}

const POWER_ON: [u64; 2] = [0x80, 0x03];
const POWER_OFF: [u64; 2] = [0x80, 0x00];

#[test]
fn help_for_everything() {
    for args in [
        &["--help"][..],
        &["lux", "--help"],
        &["display", "-h"],
        &["help"],
    ] {
        let run = lightseg(args);
        assert_eq!(run.status, 0, "{args:?}");
        assert!(run.stdout.starts_with("Usage: lightseg"), "{}", run.stdout);
        assert!(run.stdout.contains("Exit status"));
    }
    let run = lightseg(&["--version"]);
    assert_eq!(
        run.stdout,
        format!("lightseg {}\n", env!("CARGO_PKG_VERSION"))
    );
    let run = lightseg(&[]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("Usage: lightseg"));
}

#[test]
fn lux_prints_one_reading_and_leaves_the_sensor_powered_down() {
    let run = lightseg(&["lux"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // The default scene's 0x39 sees 1200 / 300 counts at 402 ms, 16x: 26 lux.
    assert_eq!(
        run.stdout,
        "lux=26 broadband=1200 infrared=300 gain=16 time_ms=402 saturated=0\n"
    );
    let sensor = run.device(0x39);
    assert_eq!(sensor["stale_reads"], 0);
    assert_eq!(sensor["powered"], false);
    // The identification probe (threshold words written and read back), then ID.
    let mut expected = vec![vec![0xA2, 0xA2, 0xA6], vec![0xA4, 0xA8, 0xAC], vec![0xA2]];
    expected.extend(vec![vec![0xA4]; 8]);
    expected.extend([vec![0xA2, 0, 0], vec![0xA4, 0, 0]]);
    expected.extend([
        POWER_ON.to_vec(),
        vec![0x8A],       // ID
        vec![0xC6, 0x00], // interrupt off, cleared
        vec![0x81, 0x12],
        POWER_OFF.to_vec(),
        POWER_ON.to_vec(),
        vec![0xAC],
        vec![0xAE],
        POWER_OFF.to_vec(),
    ]);
    assert_eq!(run.written(0x39), expected);
}

#[test]
fn lux_json_watch_reads_at_a_fixed_rate_with_the_sensor_warm() {
    let run = lightseg(&[
        "lux", "--json", "--watch", "2", "--count", "3", "-a", "low", "-t", "101",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 3);
    // 0x29 sees 400 / 120 at 402 ms 16x: 100 / 30 at 101 ms (81/322 of it).
    for line in &lines {
        assert_eq!(line["broadband"], 100);
        assert_eq!(line["infrared"], 30);
        assert_eq!(line["time_ms"], 101);
        assert_eq!(line["gain"], 16);
        assert_eq!(line["saturated"], false);
    }
    let written = run.written(0x29);
    // Powered on once by OPEN-like set-up, once for warm mode; never in between.
    assert_eq!(written.iter().filter(|w| **w == POWER_ON).count(), 2);
    assert_eq!(written.last(), Some(&POWER_OFF.to_vec()));
    assert_eq!(run.device(0x29)["stale_reads"], 0);
    // Readings 2 s apart: about 4 s of virtual time in all.
    let elapsed = run.report["virtual_ns"].as_u64().expect("virtual_ns");
    assert!(
        (4_000_000_000..4_200_000_000).contains(&elapsed),
        "{elapsed}"
    );
}

#[test]
fn lux_count_without_watch_reads_back_to_back_one_per_integration_time() {
    let run = lightseg(&["lux", "--count", "3", "-t", "13"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);
    assert_eq!(run.device(0x39)["stale_reads"], 0);
    // Warm: powered on by the set-up and once for the readings, off only at the end.
    let written = run.written(0x39);
    assert_eq!(written.iter().filter(|w| **w == POWER_ON).count(), 2);
    assert_eq!(written.iter().filter(|w| **w == POWER_OFF).count(), 2);
    assert_eq!(written.last(), Some(&POWER_OFF.to_vec()));
}

#[test]
fn lux_auto_gain_switches_to_1x_in_bright_light() {
    let run = lightseg(&["lux", "-a", "high", "-g", "auto"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // 0x49 sees 30000 / 9000 at 16x: in range, so it stays at 16x.
    assert!(run.stdout.contains("gain=16"), "{}", run.stdout);
    let scene = "[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\nbroadband = 200000\ninfrared = 50000\n";
    let path = scene_file(scene);
    let run = lightseg_in(
        &["lux"],
        &[("LIGHTSEG_SIM_SCENE", path.to_str().expect("path"))],
    );
    remove_scene(&path);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // Saturated at 16x; at 1x 200000 / 16 = 12500 and 50000 / 16 = 3125.
    assert!(
        run.stdout.starts_with("lux=")
            && run.stdout.contains("broadband=12500 infrared=3125 gain=1 "),
        "{}",
        run.stdout
    );
}

#[test]
fn errors_have_messages_and_exit_statuses() {
    let run = lightseg(&["lux", "--bus", "7"]);
    assert_eq!(run.status, 1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("TSL2561 at 0x39 on /dev/i2c-7: opening the I2C adapter failed: No such file or directory"),
        "{}",
        run.stderr
    );
    // Nobody at 0x49 in this scene: the ID read is not answered.
    let scene = "[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\n";
    let path = scene_file(scene);
    let run = lightseg_in(
        &["lux", "-a", "0x49"],
        &[("LIGHTSEG_SIM_SCENE", path.to_str().expect("path"))],
    );
    remove_scene(&path);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("Remote I/O error"), "{}", run.stderr);
    for args in [
        &["lux", "--gain", "2"][..],
        &["lux", "--bogus"],
        &["lux", "--watch", "0"],
        &["display"],
        &["display", "WWW"],
        &["display", "12345"],
        &["display", "--brightness", "16", "1"],
        &["display", "--on", "--off"],
        &["display", "8", "--count", "2"],
        &["frobnicate"],
    ] {
        let run = lightseg(args);
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        // The help that answers: the command's own.
        let help = match args[0] {
            "frobnicate" => "lightseg --help".to_string(),
            command => format!("lightseg {command} --help"),
        };
        assert!(
            run.stderr.contains(&format!("Try '{help}'")),
            "{args:?}: {}",
            run.stderr
        );
        // A command that never opened the bus leaves no report at all.
        let transfers: u64 = run.report["devices"]
            .as_array()
            .map(|devices| {
                devices
                    .iter()
                    .filter_map(|device| device["transfers"].as_u64())
                    .sum()
            })
            .unwrap_or(0);
        assert_eq!(transfers, 0, "{args:?} reached the bus");
    }
}

#[test]
fn display_shows_text_with_colon_and_points() {
    let run = lightseg(&["display", "1.2:3A", "--brightness", "4", "--blink", "slow"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    // Oscillator on, display on with 0.5 Hz blink (0x80 | 0x06 | 1), dimming 4, RAM.
    let written = run.written(0x70);
    assert_eq!(written[..3], [vec![0x21], vec![0x87], vec![0xE4]]);
    assert_eq!(written.len(), 4, "one transfer for the text");
    // 1 = 0x06 (+ point 0x80), 2 = 0x5B, colon 0x02, 3 = 0x4F, A = 0x77.
    let mut ram = vec![0u64; 16];
    ram[0] = 0x86;
    ram[2] = 0x5B;
    ram[4] = 0x02;
    ram[6] = 0x4F;
    ram[8] = 0x77;
    assert_eq!(run.ram(), ram);
    let display = run.device(0x70);
    assert_eq!(display["display_on"], true);
    assert_eq!(display["brightness"], 4);
}

#[test]
fn display_scrolls_and_prints_text_on_matrices() {
    let scene = scene_file(
        "[[device]]\nbus = 1\naddress = 0x74\nkind = \"ht16k33\"\nbackpack = \"matrix8x8\"\n\
         [[device]]\nbus = 1\naddress = 0x76\nkind = \"ht16k33\"\nbackpack = \"matrix16x8\"\n",
    );
    let env = [("LIGHTSEG_SIM_SCENE", scene.to_str().expect("path"))];
    let args = [
        "display",
        "-k",
        "matrix8x8",
        "-a",
        "0x74",
        "--scroll",
        "HELLO",
    ];
    let run = lightseg_in(&args, &env);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // Oscillator, display setup, then one RAM transfer a step: 5 characters of 5
    // pixels through 8 columns, 33 steps, the last one blank.
    let written = run.written(0x74);
    let steps: Vec<&Vec<u64>> = written.iter().filter(|w| w.len() == 17).collect();
    assert_eq!(steps.len(), 33);
    assert!(
        steps[0][1..].iter().any(|byte| *byte != 0),
        "H arrives at step 0"
    );
    assert!(steps[32][1..].iter().all(|byte| *byte == 0));
    let run = lightseg_in(&["display", "-k", "matrix16x8", "-a", "0x76", "Hi!"], &env);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let shows = run.device(0x76)["shows"]
        .as_str()
        .expect("shows")
        .to_string();
    assert_eq!(shows.split('/').nth(1), Some("#..#...#....#..."));
    let run = lightseg_in(&["display", "-k", "matrix16x8", "-a", "0x76", "Hi!!"], &env);
    assert_eq!(run.status, 2, "four characters do not fit on 16 pixels");
    assert!(run.stderr.contains("--scroll"), "{}", run.stderr);
    remove_scene(&scene);
    // A seamless marquee on the default 0.56": "HI" twice with no gap is 2 + 2 + 4
    // steps (the second H follows the I at once, then the text leaves).
    let run = lightseg(&["display", "--scroll", "HI", "--gap", "0", "--cycles", "2"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let steps: Vec<Vec<u64>> = run
        .written(0x70)
        .into_iter()
        .filter(|w| w.len() == 17)
        .collect();
    assert_eq!(steps.len(), 8);
    // Step 3: "HIHI" (H 0x76, I 0x06 at RAM 0, 2, 6, 8).
    assert_eq!(
        [steps[3][1], steps[3][3], steps[3][7], steps[3][9]],
        [0x76, 0x06, 0x76, 0x06]
    );
}

#[test]
fn dimming_a_display_left_on_keeps_what_it_shows() {
    // What an earlier program left: 12:34, on, full brightness.
    let scene = scene_file(
        "[[device]]\nbus = 1\naddress = 0x70\nkind = \"ht16k33\"\ndisplay_on = true\n\
         ram = [6, 0, 91, 0, 2, 0, 79, 0, 102, 0, 0, 0, 0, 0, 0, 0]\n",
    );
    let env = [("LIGHTSEG_SIM_SCENE", scene.to_str().expect("path"))];
    let run = lightseg_in(&["display", "--brightness", "3", "--on"], &env);
    remove_scene(&scene);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let display = run.device(0x70);
    assert_eq!(display["shows"], "12:34");
    assert_eq!(display["brightness"], 3);
    assert!(
        run.written(0x70).iter().all(|w| w.len() == 1),
        "no RAM written"
    );
}

#[test]
fn display_off_puts_it_to_sleep_and_on_wakes_it() {
    let run = lightseg(&["display", "--off"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.written(0x70), vec![vec![0x20]]);
    let run = lightseg(&["display", "--on"]);
    assert_eq!(run.written(0x70), vec![vec![0x21], vec![0x81]]);
}

#[test]
fn display_clock_shows_the_local_time() {
    let before = utc_hhmm();
    let run = lightseg_in(&["display", "--clock"], &[("TZ", "UTC")]);
    let after = utc_hhmm();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let ram = run.ram();
    let shown: Vec<u64> = vec![ram[0], ram[2], ram[4], ram[6], ram[8]];
    let pattern = |digit: u32| {
        [
            0x3Fu64, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F,
        ][digit as usize]
    };
    let expected = |(hour, minute): (u32, u32)| {
        vec![
            pattern(hour / 10),
            pattern(hour % 10),
            0x02,
            pattern(minute / 10),
            pattern(minute % 10),
        ]
    };
    assert!(
        shown == expected(before) || shown == expected(after),
        "{shown:x?} is neither {before:?} nor {after:?}"
    );
}

fn utc_hhmm() -> (u32, u32) {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    (((seconds / 3600) % 24) as u32, ((seconds / 60) % 60) as u32)
}

#[test]
fn lux_range_auto_prints_fractional_lux_and_the_setting_it_chose() {
    let run = lightseg(&["lux", "--range", "auto"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // 1200 / 300 counts at 402 ms 16x: (1200 * 0x214 - 300 * 0x2d1) / 2^14 = 25.7629.
    assert_eq!(
        run.stdout,
        "lux=25.7629 broadband=1200 infrared=300 gain=16 time_ms=402 saturated=0\n"
    );
    assert_eq!(run.device(0x39)["powered"], false);
    let run = lightseg(&["lux", "--range", "auto", "--gain", "16"]);
    assert_eq!(run.status, 2, "--range auto with --gain is a usage error");
}

#[test]
fn lux_with_several_addresses_reads_them_in_one_conversion_time() {
    let run = lightseg(&["lux", "-a", "low,0x39,high", "--json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(lines[0].starts_with("{\"address\":\"0x29\",\"lux\":7.5122,"));
    assert!(lines[1].starts_with("{\"address\":\"0x39\",\"lux\":25.7629,"));
    assert!(lines[2].starts_with("{\"address\":\"0x49\",\"lux\":563.4155,"));
    // Three OPENs (a few ms of bus time each) and one conversion wait at 735 kHz of at
    // most 428.5 ms for all three: the sequential way would take three.
    let elapsed_ms = run.report["virtual_ns"].as_u64().expect("ns") as f64 / 1e6;
    assert!(elapsed_ms < 428.5 + 15.0, "{elapsed_ms} ms");
    for address in [0x29, 0x39, 0x49] {
        assert_eq!(run.device(address)["powered"], false);
        assert_eq!(run.device(address)["stale_reads"], 0);
    }
}

#[test]
fn errors_name_the_next_step() {
    let run = lightseg(&["lux", "--bus", "7"]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("sudo raspi-config"), "{}", run.stderr);
    assert!(
        run.stderr.contains("sudo modprobe i2c-dev"),
        "{}",
        run.stderr
    );
    for (faults, next) in [
        ("eacces_on_open = true", "sudo adduser $USER i2c"),
        (
            "ebusy_on_slave = true",
            "echo 1-0039 | sudo tee /sys/bus/i2c/devices/1-0039/driver/unbind",
        ),
        ("absent = true", "lightseg scan --bus 1"),
    ] {
        let scene = format!(
            "[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\nfaults = {{ {faults} }}\n"
        );
        let path = scene_file(&scene);
        let run = lightseg_in(
            &["lux"],
            &[("LIGHTSEG_SIM_SCENE", path.to_str().expect("path"))],
        );
        remove_scene(&path);
        assert_eq!(run.status, 1, "{faults}");
        assert!(run.stderr.contains(next), "{faults}: {}", run.stderr);
    }
}

/// A new empty directory for one test's files, never handed out twice: the process id
/// and a counter name it, so tests running at once (or the same test in two test
/// processes) never share a file.
fn scratch_dir(name: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lightseg-cli-{name}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A scene file of its own holding `scene` (in a scratch directory of its own).
fn scene_file(scene: &str) -> PathBuf {
    let path = scratch_dir("scene").join("scene.toml");
    std::fs::write(&path, scene).expect("scene");
    path
}

/// Removes a [`scene_file`] and its directory.
fn remove_scene(path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// `lightseg-sim` with `args`, the emulator library given by LIGHTSEG_SIM_LIBRARY.
fn lightseg_sim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lightseg-sim"))
        .args(args)
        .env("LIGHTSEG_SIM_LIBRARY", emulator())
        .env_remove("LD_PRELOAD")
        .env_remove("LIGHTSEG_SIM_SCENE")
        .output()
        .expect("lightseg-sim runs")
}

#[test]
fn lightseg_sim_runs_a_program_on_the_emulated_bus_with_scene_and_report() {
    let dir = scratch_dir("sim-test");
    let scene = dir.join("scene.toml");
    std::fs::write(
        &scene,
        "[[device]]\nbus = 4\naddress = 0x39\nkind = \"tsl2561\"\nlux = 250.0\n",
    )
    .expect("scene");
    let report = dir.join("report.json");
    let (scene, report_arg) = (scene.to_string_lossy(), report.to_string_lossy());
    let lightseg = env!("CARGO_BIN_EXE_lightseg");
    let output = lightseg_sim(&[
        "--scene",
        &scene,
        "--report",
        &report_arg,
        "--",
        lightseg,
        "lux",
        "--bus",
        "4",
        "--range",
        "auto",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lux: f64 = stdout
        .split_whitespace()
        .find_map(|field| field.strip_prefix("lux="))
        .and_then(|value| value.parse().ok())
        .expect("lux printed");
    assert!((lux - 250.0).abs() < 2.5, "{lux} lux from a 250 lux scene");
    let text = std::fs::read_to_string(&report).expect("report written");
    let report: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(report["devices"][0]["bus"], 4);
    assert!(report["devices"][0]["transfers"].as_u64() > Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lightseg_sim_runs_a_program_linked_against_the_build_tree_without_rpath() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let made = Command::new(std::env::var_os("MAKE").unwrap_or_else(|| "make".into()))
        .args(["-s", "target/release/.so"])
        .env("CARGO", env!("CARGO"))
        .current_dir(&workspace)
        .status()
        .expect("make runs");
    assert!(made.success(), "building the C library failed");
    let dir = scratch_dir("sim-tree");
    let source = dir.join("app.c");
    std::fs::write(
        &source,
        "#include <stdio.h>\n#include \"TSL2561.h\"\nint main(void) {\n\
         TSL2561 s = TSL2561_INIT(1, TSL2561_ADDR_FLOAT);\nuint16_t f, i;\nuint32_t l;\n\
         if (TSL2561_OPEN(&s) || TSL2561_SENSELIGHT(&s, &f, &i, &l, 0)) return 1;\n\
         printf(\"%u %u %u\\n\", f, i, l);\nreturn 0;\n}\n",
    )
    .expect("source");
    let program = dir.join("app");
    // The README's build-tree line without -rpath: only lightseg-sim can make it start.
    let built = Command::new("gcc")
        .arg(&source)
        .arg(format!("-I{}", workspace.join("include").display()))
        .arg(format!("-L{}", workspace.join("target/release").display()))
        .args(["-llightseg", "-o"])
        .arg(&program)
        .status()
        .expect("gcc runs");
    assert!(built.success());
    let output = lightseg_sim(&[&program.to_string_lossy()]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "1200 300 26\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lightseg_sim_keeps_pace_with_a_watch_and_fast_does_not_wait() {
    let lightseg = env!("CARGO_BIN_EXE_lightseg");
    let args = [lightseg, "lux", "--watch", "0.5", "--count", "4"];
    let start = std::time::Instant::now();
    let paced = lightseg_sim(&args);
    let took = start.elapsed();
    assert!(paced.status.success());
    assert_eq!(String::from_utf8_lossy(&paced.stdout).lines().count(), 4);
    // One conversion (0.43 s) and three half-second waits, in real time.
    assert!(took >= std::time::Duration::from_millis(1400), "{took:?}");
    let mut fast_args = vec!["--fast"];
    fast_args.extend(args);
    let fast = lightseg_sim(&fast_args);
    assert!(fast.status.success());
    assert_eq!(fast.stdout, paced.stdout, "the same readings either way");
}

/// The long options a help text lists (`--name` at the start of an option line).
fn long_options(help: &str) -> Vec<String> {
    help.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line
                .strip_prefix('-')
                .filter(|rest| !rest.starts_with('-'))
                .map(|rest| rest.split_once(", ").map_or(rest, |(_, long)| long))
                .unwrap_or(line);
            let name = line.strip_prefix("--")?.split([' ', ',']).next()?;
            Some(format!("--{name}"))
        })
        .collect()
}

#[test]
fn the_man_pages_document_every_option_of_the_help_and_carry_the_version() {
    let man = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../man");
    let page = |name: &str| {
        std::fs::read_to_string(man.join(name))
            .expect("man page")
            .replace("\\-", "-")
    };
    let lightseg = page("lightseg.1");
    let mut checked = 0;
    for command in [
        &["--help"][..],
        &["lux", "--help"],
        &["display", "--help"],
        &["scan", "--help"],
    ] {
        let help = lightseg_in(command, &[]).stdout;
        for option in long_options(&help) {
            assert!(
                lightseg.contains(&option),
                "lightseg.1 lacks {option} ({command:?})"
            );
            checked += 1;
        }
    }
    let sim_help = String::from_utf8_lossy(&lightseg_sim(&["--help"]).stdout).into_owned();
    let sim = page("lightseg-sim.1");
    for option in long_options(&sim_help) {
        assert!(sim.contains(&option), "lightseg-sim.1 lacks {option}");
        checked += 1;
    }
    assert!(checked > 30, "{checked} options");
    let version = format!("\"lightseg {}\"", env!("CARGO_PKG_VERSION"));
    for text in [&lightseg, &sim] {
        assert!(
            text.contains(&version),
            "the man page's version is not {version}"
        );
        for section in [
            "NAME",
            "SYNOPSIS",
            "OPTIONS",
            "EXIT STATUS",
            "EXAMPLES",
            "FILES",
            "SEE ALSO",
        ] {
            assert!(text.contains(&format!(".SH {section}")), "no {section}");
        }
    }
}

#[test]
fn lightseg_sim_refuses_a_static_program_and_says_why() {
    let dir = scratch_dir("sim-static");
    let source = dir.join("main.c");
    std::fs::write(&source, "int main(void) { return 0; }\n").expect("source");
    let program = dir.join("static-program");
    let built = Command::new("gcc")
        .args(["-static", "-o"])
        .arg(&program)
        .arg(&source)
        .status()
        .expect("gcc runs");
    assert!(built.success(), "gcc -static failed (libc6-dev has libc.a)");
    let output = lightseg_sim(&[&program.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("statically linked"), "{stderr}");
    assert!(stderr.contains("without -static"), "{stderr}");
    // The same program linked dynamically runs.
    let dynamic = dir.join("dynamic-program");
    let built = Command::new("gcc")
        .arg("-o")
        .arg(&dynamic)
        .arg(&source)
        .status()
        .expect("gcc runs");
    assert!(built.success());
    assert_eq!(
        lightseg_sim(&[&dynamic.to_string_lossy()]).status.code(),
        Some(0)
    );
    for bad in [
        &[][..],
        &["--bogus", "x"][..],
        &["--scene"][..],
        &["/no/such/program"][..],
    ] {
        assert_eq!(lightseg_sim(bad).status.code(), Some(2), "{bad:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scan_lists_what_answers_without_writing_a_register() {
    let dir = scratch_dir("scan");
    let scene = dir.join("scene.toml");
    std::fs::write(
        &scene,
        "[[device]]\nbus = 3\naddress = 0x39\nkind = \"tsl2561\"\n\n\
         [[device]]\nbus = 3\naddress = 0x49\nkind = \"tsl2561\"\nfaults = { ebusy_on_slave = true }\n\n\
         [[device]]\nbus = 3\naddress = 0x50\nkind = \"ht16k33\"\n\n\
         [[device]]\nbus = 3\naddress = 0x70\nkind = \"ht16k33\"\n\n\
         [[device]]\nbus = 5\naddress = 0x29\nkind = \"tsl2561\"\n",
    )
    .expect("scene");
    let scene = scene.to_string_lossy().into_owned();
    let run = lightseg_in(&["scan"], &[("LIGHTSEG_SIM_SCENE", &scene)]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let expected = "\
/dev/i2c-3:
  0x39  answers  TSL2561 light sensor (ADDR pin floating)? confirm: lightseg lux -a 0x39
  0x49  busy     owned by a kernel driver; release it: echo 3-0049 | sudo tee /sys/bus/i2c/devices/3-0049/driver/unbind
  0x50  answers
  0x70  answers  HT16K33 LED backpack (jumpers A2-A0 = 000)? confirm: lightseg display -a 0x70 8888
  4 addresses in use
/dev/i2c-5:
  0x29  answers  TSL2561 light sensor (ADDR pin to ground)? confirm: lightseg lux -a 0x29
  1 address in use
";
    assert_eq!(run.stdout, expected);
    // i2cdetect's transfers only: a quick write (no data) or, at 0x50, a one-byte read.
    for (address, op) in [
        (0x39, "smbus_quick"),
        (0x50, "smbus_read_byte"),
        (0x70, "smbus_quick"),
    ] {
        let trace = run.device(address)["trace"]
            .as_array()
            .expect("trace")
            .clone();
        assert_eq!(trace.len(), 1, "{address:#x}: one probe");
        assert_eq!(trace[0]["op"], op, "{address:#x}");
        assert_eq!(
            trace[0]["write"].as_array().map(Vec::len),
            Some(0),
            "no data written"
        );
    }
    assert_eq!(
        run.device(0x49)["transfers"],
        0,
        "a busy address is not probed"
    );
    let run = lightseg_in(
        &["scan", "--bus", "5", "--json"],
        &[("LIGHTSEG_SIM_SCENE", &scene)],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let line: Value = serde_json::from_str(run.stdout.trim()).expect("one JSON line");
    assert_eq!(line["bus"], 5);
    assert_eq!(line["address"], 0x29);
    assert_eq!(line["state"], "answers");
    let run = lightseg_in(&["scan", "--bus", "7"], &[("LIGHTSEG_SIM_SCENE", &scene)]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("raspi-config"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A program of the `mosquitto` packages, or `None` when they are not installed.
fn mosquitto_program(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/bin"].map(PathBuf::from));
    dirs.into_iter()
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// Kills and reaps a child when dropped (the broker, whatever happens in the test).
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn readings_go_through_a_real_mqtt_broker_to_the_display() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let (Some(broker), Some(publish), Some(subscribe)) = (
        mosquitto_program("mosquitto"),
        mosquitto_program("mosquitto_pub"),
        mosquitto_program("mosquitto_sub"),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs mosquitto and mosquitto-clients (.ci/run)"
        );
        eprintln!("skipped: apt-get install mosquitto mosquitto-clients to run it");
        return;
    };
    let dir = scratch_dir("mqtt");
    // The broker's log, line by line, for the test to wait on. A generous deadline: it
    // only matters when something is wrong, and a loaded machine can be slow to start
    // three programs.
    let wait_in = |log: &std::sync::mpsc::Receiver<String>, what: &[&str]| -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            match log.recv_timeout(Duration::from_millis(100)) {
                Ok(line) if what.iter().any(|w| line.contains(w)) => return Some(line),
                Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
        None
    };
    // A free port is only free until someone takes it: another program may bind it
    // between the probe and mosquitto's own bind. Then mosquitto says so and ends, and
    // the test tries another port.
    let (broker, log_rx, port) = (0..5)
        .find_map(|_| {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|listener| listener.local_addr())
                .expect("a free port")
                .port();
            let config = dir.join(format!("mosquitto-{port}.conf"));
            std::fs::write(
                &config,
                format!("listener {port} 127.0.0.1\nallow_anonymous true\n"),
            )
            .expect("config");
            let mut broker = Reaped(
                Command::new(&broker)
                    .arg("-c")
                    .arg(&config)
                    .arg("-v")
                    .stderr(Stdio::piped())
                    .stdout(Stdio::null())
                    .spawn()
                    .expect("mosquitto starts"),
            );
            let (log_tx, log_rx) = std::sync::mpsc::channel::<String>();
            let log = broker.0.stderr.take().expect("log");
            std::thread::spawn(move || {
                for line in BufReader::new(log).lines().map_while(Result::ok) {
                    let _ = log_tx.send(line);
                }
            });
            let started = wait_in(&log_rx, &[" running", "Error"]);
            match started {
                Some(line) if line.contains(" running") => Some((broker, log_rx, port)),
                _ => None,
            }
        })
        .expect("mosquitto did not start on any of 5 free ports");
    let wait_for = |what: &str| {
        assert!(
            wait_in(&log_rx, &[what]).is_some(),
            "the broker never logged {what:?}"
        );
    };

    let port = port.to_string();
    let mut subscriber = Reaped(
        Command::new(subscribe)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-t",
                "lightseg/lux",
                "-C",
                "3",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("mosquitto_sub starts"),
    );
    let report = dir.join("display.json");
    let display = Command::new(env!("CARGO_BIN_EXE_lightseg"))
        .args(["display", "--stdin", "--field", "lux"])
        .stdin(subscriber.0.stdout.take().expect("pipe"))
        .env("LD_PRELOAD", emulator())
        .env("LIGHTSEG_SIM_REPORT", &report)
        .env_remove("LIGHTSEG_SIM_SCENE")
        .stderr(Stdio::piped())
        .spawn()
        .expect("lightseg display starts");
    wait_for("Received SUBSCRIBE");

    let mut sensor = Command::new(env!("CARGO_BIN_EXE_lightseg"))
        .args([
            "lux", "--range", "auto", "--json", "--watch", "1", "--count", "3",
        ])
        .env("LD_PRELOAD", emulator())
        .env_remove("LIGHTSEG_SIM_SCENE")
        .stdout(Stdio::piped())
        .spawn()
        .expect("lightseg lux starts");
    let published = Command::new(publish)
        .args(["-h", "127.0.0.1", "-p", &port, "-t", "lightseg/lux", "-l"])
        .stdin(sensor.stdout.take().expect("pipe"))
        .status()
        .expect("mosquitto_pub runs");
    assert!(published.success(), "mosquitto_pub failed");
    assert!(sensor.wait().expect("lux ends").success());

    let output = display.wait_with_output().expect("display ends");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let backpack = report["devices"]
        .as_array()
        .and_then(|devices| devices.iter().find(|d| d["address"] == 0x70))
        .expect("the backpack");
    // The default scene's 0x39 reads 25.7629 lux: 4 digits show 25.76.
    assert_eq!(backpack["shows"], "25.76");
    let ram_writes = backpack["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .filter(|t| t["write"].as_array().map(Vec::len) == Some(17))
        .count();
    assert_eq!(ram_writes, 3, "one display update per message");
    drop(subscriber);
    drop(broker);
    let _ = std::fs::remove_dir_all(&dir);
}
