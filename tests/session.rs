//! One emulated bus for every process of a session (docs/EMULATOR.md, "One bus for every
//! process"): chips that keep what one program told them for the next, one clock for
//! programs that run at once, transfers serialised between them, one report. The
//! programs are `lightseg`, run by `lightseg-sim`, and `tests/c/session.c`'s modes.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{build_dir, release_program, report_device, scratch_dir};
use serde_json::Value;

/// What a session printed and reported.
struct Session {
    stdout: String,
    stderr: String,
    report: Value,
}

/// Runs `script` with `sh -c` under `lightseg-sim` (with `options`), `lightseg` and the
/// session test program (`$S`) at hand; asserts it succeeded.
fn session(options: &[&str], script: &str) -> Session {
    let dir = scratch_dir();
    let report = dir.join("report.json");
    let run = session_in(&dir, options, script, &report);
    let _ = std::fs::remove_dir_all(&dir);
    run
}

/// PATH with the workspace's `lightseg` first.
fn path_with_lightseg() -> std::ffi::OsString {
    let mut path = std::ffi::OsString::from(release_program("lightseg").parent().expect("dir"));
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    path
}

fn session_in(dir: &Path, options: &[&str], script: &str, report: &Path) -> Session {
    let path = path_with_lightseg();
    let output = Command::new(release_program("lightseg-sim"))
        .args(options)
        .arg("--report")
        .arg(report)
        .args(["sh", "-c", script])
        .env("PATH", path)
        .env("S", build_dir().join("tests/session"))
        .env("TMPDIR", dir)
        .env_remove("LIGHTSEG_SIM_SESSION")
        .env_remove("LIGHTSEG_SIM_SCENE")
        .env_remove("LIGHTSEG_SIM_SHOW")
        .output()
        .expect("lightseg-sim runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{script}:\n{stdout}\n{stderr}");
    let text = std::fs::read_to_string(report)
        .unwrap_or_else(|e| panic!("{script}: no report ({e}):\n{stdout}\n{stderr}"));
    Session {
        stdout,
        stderr,
        report: serde_json::from_str(&text).expect("report is JSON"),
    }
}

fn trace(device: &Value) -> &Vec<Value> {
    device["trace"].as_array().expect("trace")
}

fn pids(entries: &[Value]) -> BTreeSet<u64> {
    entries
        .iter()
        .map(|entry| entry["pid"].as_u64().expect("pid"))
        .collect()
}

/// The processes of the report, in the order they first used the bus.
fn processes(report: &Value) -> Vec<u64> {
    let mut first: Vec<(u64, u64)> = Vec::new();
    for device in report["devices"].as_array().expect("devices") {
        for entry in trace(device) {
            let (t, pid) = (
                entry["t_ns"].as_u64().expect("t"),
                entry["pid"].as_u64().expect("pid"),
            );
            match first.iter_mut().find(|(_, p)| *p == pid) {
                Some(seen) => seen.0 = seen.0.min(t),
                None => first.push((t, pid)),
            }
        }
    }
    first.sort();
    first.into_iter().map(|(_, pid)| pid).collect()
}

#[test]
fn a_display_keeps_what_one_program_showed_for_the_next() {
    let run = session(
        &["--fast", "--show"],
        "lightseg display 12:34; lightseg display --brightness 3 --on",
    );
    // The one picture at the end (stderr is not a terminal): 12:34 at brightness 3.
    assert_eq!(run.stderr.matches("HT16K33").count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("on, steady, brightness 3/15"),
        "{}",
        run.stderr
    );
    let display = report_device(&run.report, 0x70);
    assert_eq!(display["shows"], "12:34");
    assert_eq!(display["brightness"], 3);
    assert_eq!(display["display_on"], true);
    let order = processes(&run.report);
    assert_eq!(order.len(), 2, "{order:?}");
    assert_eq!(
        run.report["processes"].as_array().map(Vec::len),
        Some(2),
        "the report lists both"
    );
    // The second program wrote no RAM: the digits are the first one's.
    let second: Vec<&Value> = trace(display)
        .iter()
        .filter(|entry| entry["pid"] == order[1])
        .collect();
    assert!(!second.is_empty());
    assert!(
        second
            .iter()
            .all(|entry| entry["write"].as_array().map(Vec::len) != Some(17)),
        "{second:?}"
    );
    // The second program's transfers come after the first one's, on one clock.
    let times: Vec<u64> = trace(display)
        .iter()
        .map(|entry| entry["t_ns"].as_u64().expect("t"))
        .collect();
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "{times:?}");
}

#[test]
fn a_sensor_left_powered_by_one_program_is_read_by_the_next_without_a_conversion() {
    let run = session(&["--fast"], "$S power-on 0x39 && $S read-data 0x39");
    // The default scene's 1200 and 300 counts at 402 ms, gain 1 (TIMING after power-up):
    // the conversion the first program started finished during its 450 ms.
    assert_eq!(
        run.stdout,
        "power-on: left powered at 10450.073 ms\nread-data: ch0 75 ch1 18 at 10450.312 ms\n"
    );
    let sensor = report_device(&run.report, 0x39);
    let order = processes(&run.report);
    assert_eq!(order.len(), 2);
    let second: Vec<&Value> = trace(sensor)
        .iter()
        .filter(|entry| entry["pid"] == order[1])
        .collect();
    let writes: Vec<&Value> = second.iter().map(|entry| &entry["write"]).collect();
    assert_eq!(
        writes,
        [&serde_json::json!([172]), &serde_json::json!([174])]
    );
    assert_eq!(sensor["stale_reads"], 0);
    assert_eq!(sensor["powered"], true);
}

#[test]
fn a_reader_and_a_writer_at_once_in_real_time_see_one_consistent_bus() {
    let run = session(
        &["--realtime"],
        "$S writer 20000 & $S reader 30; status=$?; wait $! && exit $status",
    );
    assert!(
        run.stdout
            .contains("reader: every read whole, saw the writer's RAM"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("writer: 20000 writes"),
        "{}",
        run.stdout
    );
    let display = report_device(&run.report, 0x70);
    // The writer's last pattern, (20000 - 1) % 255 + 1, in every byte.
    assert_eq!(display["ram"], Value::from(vec![110; 16]));
    let transfers = display["transfers"].as_u64().expect("transfers");
    assert!(transfers > 20_001, "{transfers}");
    assert_eq!(trace(display).len() as u64, transfers);
    assert_eq!(pids(trace(display)).len(), 2);
}

#[test]
fn programs_that_sleep_at_once_share_one_clock_and_the_same_times_every_run() {
    let script = "$S sleeper 300 5 & $S sleeper 500 3 & wait";
    let expected = [
        "sleeper 300: woke at 10300.050 ms",
        "sleeper 300: woke at 10600.100 ms",
        "sleeper 300: woke at 10900.150 ms",
        "sleeper 300: woke at 11200.200 ms",
        "sleeper 300: woke at 11500.250 ms",
        "sleeper 500: woke at 10500.050 ms",
        "sleeper 500: woke at 11000.100 ms",
        "sleeper 500: woke at 11500.150 ms",
    ];
    let mut first = None;
    for _ in 0..3 {
        let run = session(&["--fast"], script);
        let mut lines: Vec<&str> = run.stdout.lines().collect();
        lines.sort_unstable();
        assert_eq!(lines, expected);
        let display = report_device(&run.report, 0x70);
        let times: Vec<u64> = trace(display)
            .iter()
            .map(|entry| entry["t_ns"].as_u64().expect("t"))
            .collect();
        assert_eq!(pids(trace(display)).len(), 2);
        assert_eq!(display["brightness"], 5, "the 300 ms sleeper's last");
        match &first {
            None => first = Some(times),
            Some(first) => assert_eq!(&times, first),
        }
    }
}

#[test]
fn a_script_calling_lightseg_five_times_leaves_one_report_of_every_transfer() {
    let run = session(
        &["--fast"],
        "lightseg lux; lightseg display 1; lightseg display 2; lightseg lux -a 0x29; \
         lightseg display --brightness 5 --on",
    );
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    let order = processes(&run.report);
    assert_eq!(order.len(), 5, "{order:?}");
    let listed: Vec<u64> = run.report["processes"]
        .as_array()
        .expect("processes")
        .iter()
        .map(|pid| pid.as_u64().expect("pid"))
        .collect();
    assert_eq!(
        listed.iter().copied().collect::<BTreeSet<u64>>(),
        order.iter().copied().collect::<BTreeSet<u64>>()
    );
    for (address, users) in [
        (0x39, vec![order[0]]),
        (0x29, vec![order[3]]),
        (0x70, vec![order[1], order[2], order[4]]),
    ] {
        let device = report_device(&run.report, address);
        let entries = trace(device);
        assert_eq!(
            entries.len() as u64,
            device["transfers"].as_u64().expect("transfers"),
            "{address:#x}: every transfer is in the trace"
        );
        assert_eq!(pids(entries), users.into_iter().collect(), "{address:#x}");
        let times: Vec<u64> = entries
            .iter()
            .map(|e| e["t_ns"].as_u64().expect("t"))
            .collect();
        assert!(
            times.windows(2).all(|pair| pair[0] <= pair[1]),
            "{address:#x}: {times:?}"
        );
    }
    let display = report_device(&run.report, 0x70);
    assert_eq!(
        (&display["shows"], &display["brightness"]),
        (&Value::from("   2"), &Value::from(5))
    );
}

#[test]
fn runs_given_one_session_directory_share_its_bus_until_it_is_removed() {
    let dir = scratch_dir();
    let bus = dir.join("bus-session");
    let bus_arg = bus.to_string_lossy().into_owned();
    let report = |name: &str| -> PathBuf { dir.join(name) };
    let options = ["--fast", "--session", bus_arg.as_str()];
    session_in(
        &dir,
        &options,
        "lightseg display 12:34",
        &report("one.json"),
    );
    let second = session_in(
        &dir,
        &options,
        "lightseg display --brightness 3 --on",
        &report("two.json"),
    );
    let display = report_device(&second.report, 0x70);
    assert_eq!(
        (&display["shows"], &display["brightness"]),
        (&Value::from("12:34"), &Value::from(3))
    );
    assert_eq!(
        processes(&second.report).len(),
        2,
        "the session's report holds both runs"
    );
    assert!(
        bus.join("bus").is_file(),
        "a named session directory is kept"
    );

    // Another scene does not join it.
    let scene = dir.join("scene.toml");
    std::fs::write(
        &scene,
        "[[device]]\nbus = 1\naddress = 0x70\nkind = \"ht16k33\"\n",
    )
    .expect("scene");
    let scene_arg = scene.to_string_lossy().into_owned();
    let other = session_in(
        &dir,
        &[
            "--fast",
            "--session",
            bus_arg.as_str(),
            "--scene",
            scene_arg.as_str(),
        ],
        "lightseg display --brightness 3 --on",
        &report("three.json"),
    );
    assert!(
        other.stderr.contains("not joining the session"),
        "{}",
        other.stderr
    );
    assert_eq!(
        report_device(&other.report, 0x70)["shows"],
        "    ",
        "lit, blank"
    );

    // Removed: a clean bus.
    std::fs::remove_dir_all(&bus).expect("remove");
    let clean = session_in(
        &dir,
        &options,
        "lightseg display --brightness 3 --on",
        &report("four.json"),
    );
    assert_eq!(
        report_device(&clean.report, 0x70)["shows"],
        "    ",
        "lit, blank"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_session_directory_made_for_the_run_is_gone_when_it_ends() {
    let dir = scratch_dir();
    session_in(
        &dir,
        &["--fast"],
        "lightseg display 1 && $S read-data 0x29",
        &dir.join("r.json"),
    );
    let left: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["r.json"], "only the report is left");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_session_whose_processes_were_all_killed_is_removed_by_a_later_one() {
    let dir = scratch_dir();
    // Killed by a signal: nothing of it can end the session.
    let killed = Command::new(release_program("lightseg-sim"))
        .args(["--fast", "sh", "-c", "lightseg display 8 && kill -9 $$"])
        .env("PATH", path_with_lightseg())
        .env("TMPDIR", &dir)
        .env_remove("LIGHTSEG_SIM_SESSION")
        .status()
        .expect("lightseg-sim runs");
    assert!(!killed.success());
    let sessions = || -> Vec<PathBuf> {
        std::fs::read_dir(&dir)
            .expect("dir")
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.to_string_lossy().contains("lightseg-sim."))
            .collect()
    };
    let left = sessions();
    assert_eq!(left.len(), 1, "{left:?}");
    // Young, it is kept (a session being made has no process yet); a minute old, the
    // next session removes it.
    session_in(
        &dir,
        &["--fast"],
        "lightseg display 9",
        &dir.join("r1.json"),
    );
    assert_eq!(sessions(), left);
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
    std::fs::File::open(&left[0])
        .and_then(|file| file.set_modified(old))
        .expect("age it");
    session_in(
        &dir,
        &["--fast"],
        "lightseg display 9",
        &dir.join("r2.json"),
    );
    assert_eq!(sessions(), Vec::<PathBuf>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn starting_a_session_among_many_others_costs_the_program_no_virtual_time() {
    // Looking for abandoned sessions reads the real clock, never the program's: a
    // crowded temporary directory leaves the program's times as they are.
    let dir = scratch_dir();
    for index in 0..200 {
        std::fs::create_dir(dir.join(format!("lightseg-sim.other{index}"))).expect("dir");
        std::fs::write(dir.join(format!("file{index}")), "").expect("file");
    }
    let run = session_in(&dir, &["--fast"], "$S power-on 0x39", &dir.join("r.json"));
    assert_eq!(run.stdout, "power-on: left powered at 10450.073 ms\n");
    let sensor = report_device(&run.report, 0x39);
    assert_eq!(trace(sensor)[0]["t_ns"], 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_forked_child_and_its_parent_share_one_bus() {
    let run = session(&["--fast"], "$S fork");
    assert_eq!(run.stdout, "fork: the parent reads 55..55\n");
    let display = report_device(&run.report, 0x70);
    assert_eq!(display["ram"], Value::from(vec![0x55; 16]));
    // The child's write and the parent's read, each under its own pid.
    assert_eq!(pids(trace(display)).len(), 2, "{:?}", trace(display));
}

#[test]
fn a_relative_session_directory_is_the_same_for_children_that_move_elsewhere() {
    let dir = scratch_dir();
    let report = dir.join("report.json");
    let run = |script: &str| {
        Command::new(release_program("lightseg-sim"))
            .args(["--fast", "--session", "bus-here", "--report"])
            .arg(&report)
            .args(["sh", "-c", script])
            .current_dir(&dir)
            .env("PATH", path_with_lightseg())
            .env_remove("LIGHTSEG_SIM_SESSION")
            .output()
            .expect("lightseg-sim runs")
    };
    let first = run("cd / && lightseg display 7 && echo \"$LIGHTSEG_SIM_SESSION\"");
    assert!(first.status.success());
    let named = String::from_utf8_lossy(&first.stdout).trim().to_string();
    assert_eq!(PathBuf::from(&named), dir.join("bus-here"));
    let second = run("cd / && lightseg display --brightness 2 --on");
    assert!(second.status.success());
    assert!(dir.join("bus-here/bus").is_file());
    assert!(
        !Path::new("/bus-here").exists(),
        "no session made where the child went"
    );
    let text = std::fs::read_to_string(&report).expect("report");
    let report: Value = serde_json::from_str(&text).expect("JSON");
    let display = report_device(&report, 0x70);
    assert_eq!(
        (&display["shows"], &display["brightness"]),
        (&Value::from("   7"), &Value::from(2))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_parent_waiting_on_a_pipe_for_its_child_sees_only_the_childs_time_pass() {
    // The child sleeps 100 ms, then computes for 50 ms of real CPU time: the parent's
    // poll on its pipe neither holds the clock nor adds the real time it took.
    for _ in 0..3 {
        let run = session(&["--fast"], "$S parent");
        assert_eq!(run.stdout, "parent: the child said done after 100.000 ms\n");
    }
}
