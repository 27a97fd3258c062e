//! The Python package against the C library: `python/tests/same_as_c.py` and
//! `tests/c/same_as_python.c` make the same calls on the same emulated bus
//! (`python/tests/scene.toml`); every device must see the same transfers (bytes, in
//! order, at the same virtual times) and both must print the same readings.
//!
//! It needs a Python with the wheel installed: `make python-check` (tools/python.sh)
//! runs it with `LIGHTSEG_PYTHON` set; a plain `cargo test` lists it as ignored.

mod common;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// One transfer: its virtual time, the bytes written, its result.
type Transfer = (u64, Value, Value);

/// Each device's transfers: address, then its transfers in order.
fn transfers(report: &Value) -> Vec<(u64, Vec<Transfer>)> {
    report["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .map(|device| {
            let trace = device["trace"]
                .as_array()
                .expect("trace")
                .iter()
                .map(|t| {
                    (
                        t["t_ns"].as_u64().unwrap_or(0),
                        t["write"].clone(),
                        t["result"].clone(),
                    )
                })
                .collect();
            (device["address"].as_u64().expect("address"), trace)
        })
        .collect()
}

#[test]
#[ignore = "needs the Python package installed: make python-check"]
fn python_and_c_send_the_same_bytes_and_read_the_same_light() {
    let python = std::env::var_os("LIGHTSEG_PYTHON")
        .expect("LIGHTSEG_PYTHON: a python with the wheel (make python-check sets it)");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let scene = std::fs::read_to_string(dir.join("python/tests/scene.toml")).expect("scene");
    let mut script = Command::new(python);
    script.arg(dir.join("python/tests/same_as_c.py"));
    let from_python = common::run_emulated(script, Some(&scene));
    assert!(from_python.success, "Python: {}", from_python.stdout);
    let program = Command::new(common::build_dir().join("tests/same_as_python"));
    let from_c = common::run_emulated(program, Some(&scene));
    assert!(from_c.success, "C: {}", from_c.stdout);
    assert_eq!(from_python.stdout, from_c.stdout, "the readings");
    assert!(
        from_c.stdout.starts_with("read 1200 300\n"),
        "{}",
        from_c.stdout
    );
    let (python, c) = (transfers(&from_python.report), transfers(&from_c.report));
    let busy = c.iter().filter(|(_, trace)| !trace.is_empty()).count();
    assert_eq!(busy, 5, "the sensor and four backpacks were driven");
    for ((address, python), (_, c)) in python.iter().zip(&c) {
        assert_eq!(python, c, "the transfers to {address:#x}");
    }
    assert_eq!(python.len(), c.len());
}
