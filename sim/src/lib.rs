//! lightseg-sim: an emulated `/dev/i2c-N` with register-accurate TSL2561 and HT16K33
//! models on a virtual clock, loaded into any program with `LD_PRELOAD`.
//!
//! The bus calls are replaced in [`interpose`], the clock and every way of waiting in
//! [`clock`], [`schedule`] (when the one clock of the session moves), [`waits`] and
//! [`timers`], and a process's start and end in [`process`]; [`session`] shares the
//! chips, the clock and the scheduler between the processes of a session.
//! docs/EMULATOR.md says what each does.
//!
//! Environment:
//! - `LIGHTSEG_SIM_SCENE`: TOML scene file ([`scene::Scene`]); a default scene otherwise.
//! - `LIGHTSEG_SIM_REPORT`: path of the JSON report written when the session ends, if a
//!   process of it opened an emulated adapter (written to a temporary file and renamed).
//! - `LIGHTSEG_SIM_SESSION`: the session directory ([`session`]): every process of a
//!   session shares one bus and one clock; unset, a process starts a session; `none`,
//!   each process has a bus of its own.
//! - `LIGHTSEG_SIM_SHOW=1`: draw each HT16K33 display on standard error when what it
//!   shows changes (redrawn in place on a terminal).
//! - `LIGHTSEG_SIM_SVG=DIR`: write each HT16K33 display as `DIR/i2c-<bus>-0x<address>.svg`
//!   whenever what it shows changes.
//! - `LIGHTSEG_SIM_REALTIME=1`: real time instead of the virtual clock.
//! - `LIGHTSEG_SIM_PACE=1`: the virtual clock, each move of it also taking its real time.
//!
//! `lightseg_sim_transfers()` (exported) counts the transfers on the emulated bus.

pub mod backpacks;
pub mod clock;
pub mod emulator;
pub mod interpose;
pub mod light;
pub mod models;
pub mod process;
pub mod real;
pub mod render;
pub mod scene;
pub mod schedule;
pub mod session;
pub mod timers;
pub mod waits;

/// Writes the session's report (by its last process), when a process of the session
/// used the emulated bus. A session none of whose processes opened an emulated adapter
/// (a wrapper such as `timeout` or `sh -c` around something else) writes none. The
/// report is written to a temporary file beside the path and renamed over it: a reader
/// sees the old report or the whole new one.
fn write_report(emulator: &mut emulator::Emulator, others: &[serde_json::Value]) {
    let Some(path) = std::env::var_os("LIGHTSEG_SIM_REPORT") else {
        return;
    };
    let report = emulator.report(others);
    let text = serde_json::to_string_pretty(&report).unwrap_or_default();
    let path = std::path::PathBuf::from(path);
    let mut temporary = path.clone().into_os_string();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let written = std::fs::write(&temporary, text + "\n")
        .and_then(|()| std::fs::rename(&temporary, &path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        });
    if let Err(error) = written {
        let message = format!(
            "lightseg-sim: cannot write the report to {}: {error}\n",
            path.to_string_lossy()
        );
        real::write_all(2, message.as_bytes());
    }
}

/// Leaves the session at exit: this process's transfers go to the session directory,
/// and the last process of the session draws the displays' last pictures and writes
/// the report.
fn leave_session() {
    // A process whose scene failed to load has no emulator to ask for.
    let scene_loaded = !interpose::scene_failed();
    let mut own_trace = None;
    // Traces are kept only for a report.
    let reported = std::env::var_os("LIGHTSEG_SIM_REPORT").is_some();
    if scene_loaded && reported && interpose::touched() {
        if let Some(mut emulator) = interpose::emulator_if_started() {
            let trace = emulator.take_trace();
            let pid = std::process::id() as i32;
            match session::trace_path(pid).filter(|_| session::shared()) {
                Some(path) => {
                    if let Err(error) = std::fs::write(&path, trace.to_string()) {
                        let message = format!(
                            "lightseg-sim: cannot keep this process's transfers in {}: {error}\n",
                            path.to_string_lossy()
                        );
                        real::write_all(2, message.as_bytes());
                    }
                }
                None => own_trace = Some(trace),
            }
        }
    }
    schedule::forget_process();
    if !session::leave() {
        return;
    }
    if scene_loaded && session::touched() {
        interpose::start();
        if let Some(mut emulator) = interpose::emulator_if_started() {
            let mut others: Vec<serde_json::Value> = session::traces()
                .into_iter()
                .filter_map(|(_, path)| std::fs::read(path).ok())
                .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
                .collect();
            others.extend(own_trace);
            emulator.show_last_pictures();
            write_report(&mut emulator, &others);
        }
    }
    session::remove_if_temporary();
}

static EXITING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the process is running its exit handlers.
pub fn exiting() -> bool {
    EXITING.load(std::sync::atomic::Ordering::Acquire)
}

/// The process is exiting (`exit`, or `_exit` called by the program): it leaves the
/// session once. A vfork child, which shares its parent's memory until it runs another
/// program, leaves nothing: the session is its parent's.
pub(crate) fn process_ending() {
    if !session::is_own_process() || EXITING.swap(true, std::sync::atomic::Ordering::AcqRel) {
        return;
    }
    // Never unwind out of an exit handler.
    let _ = std::panic::catch_unwind(leave_session);
}

extern "C" fn at_exit() {
    process_ending();
}

extern "C" fn in_forked_child() {
    session::after_fork_in_child();
    interpose::forget_touch_in_child();
    schedule::after_fork_in_child();
    timers::after_fork_in_child();
}

extern "C" fn on_load() {
    // Everything the interposed time calls need is made here, before the program runs:
    // they then neither allocate nor initialise anything lazily (an allocator that reads
    // the clock, as AddressSanitizer's does, would otherwise re-enter them).
    clock::init();
    real::resolve_all();
    session::join(clock::set_origin);
    schedule::register_main();
    // SAFETY: registering plain extern "C" functions with no arguments.
    unsafe {
        libc::atexit(at_exit);
        libc::pthread_atfork(None, None, Some(in_forked_child));
    }
}

/// Runs when the library is loaded: registers the exit report.
#[used]
#[link_section = ".init_array"]
static ON_LOAD: extern "C" fn() = on_load;
