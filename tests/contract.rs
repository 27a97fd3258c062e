//! The corners of the C contract (README, "The contract"), each tried by
//! `tests/c/contract.c` against the shared and the static library under the emulator:
//! one struct shared by threads, a look-alike chip at a sensor address, descriptors
//! crossed between the two struct kinds, a descriptor closed behind the library's back
//! and reopened, what survives a reopen, and fork() during a call.

use std::process::Command;

use serde_json::Value;

mod common;
use common::{build_dir, report_device, scratch_dir, sim_library};

const EBADF: i32 = libc::EBADF;
const ENODEV: i32 = libc::ENODEV;

struct Run {
    stdout: String,
    report: Value,
}

impl Run {
    fn has(&self, line: &str) {
        assert!(
            self.stdout.lines().any(|l| l == line),
            "no line {line:?} in:\n{}",
            self.stdout
        );
    }

    fn device(&self, address: u64) -> &Value {
        report_device(&self.report, address)
    }

    /// The first bytes written to `address`, one per transfer.
    fn commands(&self, address: u64) -> Vec<u64> {
        self.device(address)["trace"]
            .as_array()
            .expect("trace")
            .iter()
            .filter_map(|t| t["write"][0].as_u64())
            .collect()
    }
}

/// Runs `tests/contract[-static] args` under the emulator with `scene` (the default
/// scene when `None`) and `env`.
fn contract(linkage: &str, args: &[&str], scene: Option<&str>, env: &[(&str, &str)]) -> Run {
    let dir = scratch_dir();
    let report = dir.join("report.json");
    let mut command = Command::new(build_dir().join(format!("tests/contract{linkage}")));
    command
        .args(args)
        .env("LD_PRELOAD", sim_library())
        .env("LIGHTSEG_SIM_REPORT", &report)
        .env_remove("LIGHTSEG_SIM_SCENE")
        .env_remove("LIGHTSEG_SIM_REALTIME")
        .env_remove("LIGHTSEG_SIM_SHOW");
    if let Some(scene) = scene {
        let path = dir.join("scene.toml");
        std::fs::write(&path, scene).expect("scene");
        command.env("LIGHTSEG_SIM_SCENE", path);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("contract runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{args:?}: {stdout}");
    let report =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    let _ = std::fs::remove_dir_all(&dir);
    Run { stdout, report }
}

const LINKAGES: [&str; 2] = ["", "-static"];

#[test]
fn one_struct_shared_by_two_threads_never_loses_a_setting() {
    for linkage in LINKAGES {
        // Real time: the reading thread really is inside its 14.6 ms reading while the
        // other thread calls (on the virtual clock a reading takes no real time).
        let run = contract(
            linkage,
            &["threads"],
            None,
            &[("LIGHTSEG_SIM_REALTIME", "1")],
        );
        run.has("sensor gain reverted 0 of 60, failed 0");
        run.has("display brightness reverted 0 of 60, failed 0");
        assert_eq!(run.device(0x39)["stale_reads"], 0);
    }
}

/// An HT16K33 at the sensor address 0x39 besides the default scene's chips.
fn display_at_0x39(ram: &[u8], pointer: u8) -> String {
    format!(
        "[[device]]\nbus = 1\naddress = 0x39\nkind = \"ht16k33\"\nram = {ram:?}\n\
         ram_pointer = {pointer}\n\
         [[device]]\nbus = 1\naddress = 0x70\nkind = \"ht16k33\"\n"
    )
}

#[test]
fn a_backpack_at_a_sensor_address_never_opens_as_a_sensor_and_keeps_its_state() {
    for linkage in LINKAGES {
        let run = contract(
            linkage,
            &["lookalike", "39"],
            Some(&display_at_0x39(&[0; 16], 0)),
            &[],
        );
        run.has("lookalike opened 0 of 645, other errors 0");
        run.has(&format!("last open rc=-1 errno={ENODEV} fd=-1"));
        let display = run.device(0x39);
        // As the program left it: oscillator and display on, 0.5 Hz blink (3), level 7,
        // ROW15 a row driver, and the RAM it committed last: '3' 0x4F, 'c' 0x58 with
        // the point, colon 0xFF, 'n' 0x54, 'o' 0x5C (glyph table restated).
        assert_eq!(display["oscillator_on"], true);
        assert_eq!(display["display_on"], true);
        assert_eq!(display["blink"], 3);
        assert_eq!(display["brightness"], 7);
        assert_eq!(display["int_output"], false);
        let ram: Vec<u64> = serde_json::from_value(display["ram"].clone()).expect("ram");
        assert_eq!(
            ram,
            [0x4F, 0, 0xD8, 0, 0xFF, 0, 0x54, 0, 0x5C, 0, 0, 0, 0, 0, 0, 0]
        );
        // Every byte the sensor OPENs sent was a ROW/INT command with ROW15 a row
        // driver (0xA0, bit 0 clear) or the display's own commands.
        let own = |c: u64| c <= 0x0F || c == 0x21 || c & 0xF0 == 0x80 || c & 0xF0 == 0xE0;
        for command in run.commands(0x39) {
            assert!(command & 0xF1 == 0xA0 || own(command), "{command:#x}");
        }
    }
}

#[test]
fn a_backpack_in_the_ram_states_closest_to_the_probe_fails_it_untouched() {
    // The probe writes 0xA6A2 and 0xACA8 and reads the first back once, the second
    // eight times (docs/DEVICES.md): RAM laid out to answer the most reads right.
    let mut states = Vec::new();
    for pointer in 0..16u8 {
        let mut first_eight_right = [0u8; 16];
        for read in 0..8usize {
            let word = if read == 0 {
                [0xA2, 0xA6]
            } else {
                [0xA8, 0xAC]
            };
            first_eight_right[(usize::from(pointer) + 2 * read) % 16] = word[0];
            first_eight_right[(usize::from(pointer) + 2 * read + 1) % 16] = word[1];
        }
        states.push((first_eight_right, pointer));
    }
    states.push(([0x50; 16], 0)); // an ID-like byte everywhere
    states.push(([0xA8, 0xAC].repeat(8).try_into().expect("16"), 0));
    for (ram, pointer) in states {
        let dir = scratch_dir();
        let report = dir.join("report.json");
        let scene = dir.join("scene.toml");
        std::fs::write(&scene, display_at_0x39(&ram, pointer)).expect("scene");
        let output = Command::new(build_dir().join("tests/fault_probe"))
            .arg("39")
            .env("LD_PRELOAD", sim_library())
            .env("LIGHTSEG_SIM_SCENE", &scene)
            .env("LIGHTSEG_SIM_REPORT", &report)
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.starts_with(&format!("open rc=-1 errno={ENODEV}\n")),
            "{stdout}"
        );
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
        let display = &report["devices"][0];
        let after: Vec<u8> = serde_json::from_value(display["ram"].clone()).expect("ram");
        assert_eq!(after, ram.to_vec(), "RAM untouched");
        assert_eq!(display["oscillator_on"], false, "standby as at power-up");
        assert_eq!(display["display_on"], false);
        assert_eq!(display["brightness"], 15);
        assert_eq!(display["int_output"], false);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_descriptor_of_one_struct_kind_is_refused_by_the_other() {
    for linkage in LINKAGES {
        let run = contract(linkage, &["crossed"], None, &[]);
        run.has(&format!("sense_on_display rc=-1 errno={EBADF} full=57005"));
        run.has(&format!("warm_on_display rc=-1 errno={EBADF}"));
        run.has(&format!("gain_on_display rc=-1 errno={EBADF}"));
        run.has(&format!("on_on_sensor rc=-1 errno={EBADF}"));
        run.has(&format!("commit_on_sensor rc=-1 errno={EBADF}"));
        run.has(&format!(
            "close_display_fd_as_sensor errno={EBADF} display_fd_open=1"
        ));
        run.has(&format!(
            "close_sensor_fd_as_display errno={EBADF} sensor_fd_open=1"
        ));
        run.has("sense_own rc=0 full=1200");
        run.has("commit_own rc=0");
        // Nothing crossed reached a chip: the display saw only its own COMMIT, the
        // sensor only its OPEN (18 transfers) and its own reading (4).
        assert_eq!(run.device(0x70)["transfers"], 1);
        assert_eq!(run.device(0x39)["transfers"], 18 + 4);
    }
}

#[test]
fn a_descriptor_closed_behind_the_library_and_reopened_is_refused() {
    for linkage in LINKAGES {
        let run = contract(linkage, &["reopened"], None, &[]);
        run.has(&format!("sense_reopened rc=-1 errno={EBADF} full=57005"));
        run.has(&format!("gain_reopened rc=-1 errno={EBADF}"));
        run.has(&format!("close_reopened errno={EBADF} program_fd_open=1"));
        run.has(&format!("commit_reopened rc=-1 errno={EBADF}"));
        run.has(&format!("brightness_reopened rc=-1 errno={EBADF}"));
        run.has(&format!(
            "display_close_reopened errno={EBADF} program_fd_open=1"
        ));
        run.has("open_again rc=0");
        run.has("sense_again rc=0 full=1200");
        // The other sensor was never reached through the reopened descriptor, and no
        // display RAM write (0x00) reached the sensor.
        assert_eq!(run.device(0x29)["transfers"], 0);
        assert!(!run.commands(0x39).contains(&0x00));
    }
}

#[test]
fn open_starts_every_sensor_setting_afresh_warm_mode_included() {
    for linkage in LINKAGES {
        let run = contract(linkage, &["reopen"], None, &[]);
        run.has("before status=2 gain=0 time=0");
        run.has("reopened rc=0 status=0 gain=16 time=2");
        run.has("read rc=0 full=1200 status=0");
        assert_eq!(run.device(0x39)["powered"], false, "cold after the reopen");
    }
}

#[test]
fn two_structs_opened_for_one_chip_share_what_is_known_of_it() {
    for linkage in LINKAGES {
        let run = contract(linkage, &["two"], None, &[]);
        run.has("descriptors differ=1");
        run.has("first gain 1x rc=0");
        // The chip was left at 1x by the first struct: the second (16x) reprograms it
        // before reading, so its counts are 16x counts.
        run.has("second reads rc=0 full=1200 gain=16");
        run.has("second after first closed rc=0 full=1200");
        assert_eq!(run.device(0x39)["stale_reads"], 0);
    }
}

#[test]
fn a_child_forked_during_a_call_can_use_the_chip() {
    for linkage in LINKAGES {
        let run = contract(linkage, &["fork"], None, &[("LIGHTSEG_SIM_REALTIME", "1")]);
        run.has("child read rc=0 full=1200");
        run.has("child exit 0");
        run.has("parent read after fork");
    }
}
