//! What the integration tests share: the programs they run and the emulator, built from
//! the sources under test, and scratch directories.
//!
//! The C programs link the library they test: before the first program runs, `make
//! test-programs` brings the library, the emulator and every C program up to date with
//! the sources (nothing to do when `make test` has just built them), so a plain `cargo
//! test` after a change of the library tests the changed library.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the library, the emulator and the C programs with `make test-programs` (once
/// per test binary); panics with make's output when that fails.
fn built() -> &'static Path {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let output = Command::new(std::env::var_os("MAKE").unwrap_or_else(|| "make".into()))
            .args(["-s", "test-programs"])
            .env("CARGO", env!("CARGO"))
            .current_dir(crate_dir())
            .output()
            .unwrap_or_else(|e| panic!("cannot run make (needed to build the C programs): {e}"));
        assert!(
            output.status.success(),
            "`make test-programs` failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    });
    crate_dir()
}

/// The build directory of `make`, with the C programs up to date.
#[allow(dead_code)] // not every test binary runs a C program
pub fn build_dir() -> PathBuf {
    built().join("build")
}

/// A program of the workspace (`lightseg`, `lightseg-sim`), up to date.
#[allow(dead_code)] // not every test binary runs them
pub fn release_program(name: &str) -> PathBuf {
    built().join("target/release").join(name)
}

/// The emulator library, up to date.
pub fn sim_library() -> PathBuf {
    built().join("target/release/liblightseg_sim.so")
}

/// The entry of the device at `address` in an emulator report.
#[allow(dead_code)] // not every test binary looks into the report by address
pub fn report_device(report: &serde_json::Value, address: u64) -> &serde_json::Value {
    report["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .find(|d| d["address"] == address)
        .unwrap_or_else(|| panic!("no device {address:#x} in the report"))
}

/// An emulator report without the process ids (`processes`, and each transfer's
/// `pid`), which differ from run to run: two runs of one program compare equal.
#[allow(dead_code)] // not every test binary compares whole reports
pub fn without_pids(report: &serde_json::Value) -> serde_json::Value {
    let mut report = report.clone();
    if let Some(fields) = report.as_object_mut() {
        fields.remove("processes");
    }
    for device in report["devices"].as_array_mut().into_iter().flatten() {
        for transfer in device["trace"].as_array_mut().into_iter().flatten() {
            if let Some(fields) = transfer.as_object_mut() {
                fields.remove("pid");
            }
        }
    }
    report
}

/// What a program run on the emulator printed and what the emulator reported.
#[allow(dead_code)] // not every test binary runs programs this way
pub struct Emulated {
    /// Whether it exited with status 0.
    pub success: bool,
    /// Its standard output.
    pub stdout: String,
    /// The emulator's JSON report.
    pub report: serde_json::Value,
}

/// Runs `command` with the emulator preloaded on `scene` (TOML; `None`: the default
/// scene), nothing else of the emulator's environment inherited, and collects its
/// output and the report.
#[allow(dead_code)] // not every test binary runs programs this way
pub fn run_emulated(mut command: Command, scene: Option<&str>) -> Emulated {
    let dir = scratch_dir();
    let report_path = dir.join("report.json");
    command
        .env("LD_PRELOAD", sim_library())
        .env("LIGHTSEG_SIM_REPORT", &report_path)
        .env_remove("LIGHTSEG_SIM_SCENE")
        .env_remove("LIGHTSEG_SIM_SESSION")
        .env_remove("LIGHTSEG_SIM_SHOW")
        .env_remove("LIGHTSEG_SIM_REALTIME");
    if let Some(scene) = scene {
        let scene_path = dir.join("scene.toml");
        std::fs::write(&scene_path, scene).expect("scene");
        command.env("LIGHTSEG_SIM_SCENE", scene_path);
    }
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let text = std::fs::read_to_string(&report_path)
        .unwrap_or_else(|e| panic!("{program} wrote no report ({e}); stdout:\n{stdout}"));
    let report = serde_json::from_str(&text).expect("report is JSON");
    let _ = std::fs::remove_dir_all(&dir);
    Emulated {
        success: output.status.success(),
        stdout,
        report,
    }
}

/// A new empty directory under the system's temporary directory.
pub fn scratch_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lightseg-test-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
