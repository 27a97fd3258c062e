//! What the integration tests share: where `make` put the programs and the emulator, and
//! scratch directories.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The build directory of `make` (set by `make test`).
pub fn build_dir() -> PathBuf {
    let dir = std::env::var_os("LIGHTSEG_BUILD_DIR")
        .expect("LIGHTSEG_BUILD_DIR is not set: run these tests with `make test`");
    PathBuf::from(dir)
}

/// The emulator library, built by `make`.
pub fn sim_library() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/liblightseg_sim.so");
    assert!(
        path.exists(),
        "{} is missing: run `make test`",
        path.display()
    );
    path
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
