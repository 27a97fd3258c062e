//! The emulator's clock. Virtual by default: sleeps advance it instantly and
//! `clock_gettime` reads it, so a 402 ms conversion costs no wall time and every run is
//! deterministic. With `LIGHTSEG_SIM_REALTIME=1` it follows the real monotonic clock;
//! with `LIGHTSEG_SIM_PACE=1` it stays virtual but each sleep also takes its real time.
//!
//! Each thread has its own virtual time: a thread created with `pthread_create` starts at
//! its creator's time, `pthread_join` moves the joiner to the later of the two, and a
//! sleep or a transfer moves only the calling thread. So threads that wait at the same
//! time overlap in virtual time, as they would in real time. The emulator's elapsed time
//! is the latest time any thread reached.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};

use crate::real;

/// The latest virtual time (ns since the emulator started) any thread has reached.
static LATEST_NS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's virtual time; `None` until first used (then the latest time).
    static THREAD_NS: Cell<Option<u64>> = const { Cell::new(None) };
}

fn thread_now() -> u64 {
    THREAD_NS
        .try_with(|now| {
            now.get().unwrap_or_else(|| {
                let latest = LATEST_NS.load(Ordering::SeqCst);
                now.set(Some(latest));
                latest
            })
        })
        .unwrap_or_else(|_| LATEST_NS.load(Ordering::SeqCst))
}

fn set_thread_now(ns: u64) {
    let _ = THREAD_NS.try_with(|now| now.set(Some(ns)));
    LATEST_NS.fetch_max(ns, Ordering::SeqCst);
}

/// Starts the calling (new) thread at `ns`: its creator's time.
pub fn start_thread_at(ns: u64) {
    set_thread_now(ns);
}

/// Moves the calling thread to at least `ns` (a joined thread's time).
pub fn join_time(ns: u64) {
    if is_virtual() {
        set_thread_now(thread_now().max(ns));
    }
}

/// The latest time any thread has reached (for the report).
pub fn latest_ns() -> u64 {
    if is_virtual() {
        LATEST_NS.load(Ordering::SeqCst).max(thread_now())
    } else {
        now_ns()
    }
}

/// Where the clock starts, read from the real clocks once, when the library is loaded
/// ([`init`]): whether it is real time, and the real monotonic, wall and boot clock
/// readings at that moment. Plain atomics, so that reading the clock never allocates,
/// locks or initialises anything lazily.
static ORIGIN_STATE: AtomicU8 = AtomicU8::new(UNSET);
static ORIGIN_MONOTONIC_NS: AtomicU64 = AtomicU64::new(0);
static ORIGIN_WALL_NS: AtomicU64 = AtomicU64::new(0);
static ORIGIN_BOOT_NS: AtomicU64 = AtomicU64::new(0);
const UNSET: u8 = 0;
const SETTING: u8 = 1;
const VIRTUAL: u8 = 2;
const REAL_TIME: u8 = 3;

struct Origin {
    realtime: bool,
    monotonic_ns: u64,
    wall_ns: u64,
    boot_ns: u64,
}

fn read_real(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write.
    unsafe { real::clock_gettime(clock, &mut ts) };
    to_ns(&ts)
}

/// Whether `LIGHTSEG_SIM_REALTIME` is `1`, read without allocating.
fn realtime_requested() -> bool {
    flag(c"LIGHTSEG_SIM_REALTIME")
}

/// Whether the environment variable `name` is "1".
fn flag(name: &std::ffi::CStr) -> bool {
    // SAFETY: getenv with a NUL-terminated name; the pointer it returns, if any, is a
    // NUL-terminated string that stays valid while nobody changes the environment (this
    // runs in the library's constructor, before the program's code).
    unsafe {
        let value = libc::getenv(name.as_ptr());
        !value.is_null() && std::ffi::CStr::from_ptr(value).to_bytes() == b"1"
    }
}

/// `LIGHTSEG_SIM_PACE=1`: the virtual clock keeps pace with a person watching: each
/// virtual sleep also takes its time in real time (transfers do not: microseconds).
/// What the program reads stays the virtual clock, as deterministic as without.
static PACED: AtomicBool = AtomicBool::new(false);

/// Waits `ns` of real time (resumed after signals).
fn pace(ns: u64) {
    let mut left = to_timespec(ns);
    let mut rest = to_timespec(0);
    // SAFETY: both timespecs are valid for the call; the real nanosleep writes `rest`.
    while unsafe { real::nanosleep(&left, &mut rest) } == -1
        && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
    {
        left = rest;
    }
}

/// Reads the origin (from the library's constructor; a clock call made before it, by
/// another library's constructor, does it then). Allocates nothing.
pub fn init() {
    if ORIGIN_STATE
        .compare_exchange(UNSET, SETTING, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return;
    }
    let realtime = realtime_requested();
    PACED.store(flag(c"LIGHTSEG_SIM_PACE"), Ordering::Relaxed);
    ORIGIN_MONOTONIC_NS.store(read_real(libc::CLOCK_MONOTONIC), Ordering::Relaxed);
    ORIGIN_WALL_NS.store(read_real(libc::CLOCK_REALTIME), Ordering::Relaxed);
    ORIGIN_BOOT_NS.store(read_real(libc::CLOCK_BOOTTIME), Ordering::Relaxed);
    let state = if realtime { REAL_TIME } else { VIRTUAL };
    ORIGIN_STATE.store(state, Ordering::Release);
}

fn origin() -> Origin {
    let mut state = ORIGIN_STATE.load(Ordering::Acquire);
    while state < VIRTUAL {
        // Not read yet, or being read by another thread right now (a few system calls).
        init();
        std::hint::spin_loop();
        state = ORIGIN_STATE.load(Ordering::Acquire);
    }
    Origin {
        realtime: state == REAL_TIME,
        monotonic_ns: ORIGIN_MONOTONIC_NS.load(Ordering::Relaxed),
        wall_ns: ORIGIN_WALL_NS.load(Ordering::Relaxed),
        boot_ns: ORIGIN_BOOT_NS.load(Ordering::Relaxed),
    }
}

/// Converts a timespec to nanoseconds (negative values count as 0).
pub fn to_ns(ts: &libc::timespec) -> u64 {
    let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(ts.tv_nsec).unwrap_or(0);
    secs.saturating_mul(1_000_000_000).saturating_add(nanos)
}

/// Converts nanoseconds to a timespec.
pub fn to_timespec(ns: u64) -> libc::timespec {
    libc::timespec {
        tv_sec: (ns / 1_000_000_000) as libc::time_t,
        tv_nsec: (ns % 1_000_000_000) as libc::c_long,
    }
}

/// True when the clock is virtual (the default).
pub fn is_virtual() -> bool {
    !origin().realtime
}

/// Nanoseconds since the emulator started, on the clock the device models use.
pub fn now_ns() -> u64 {
    let origin = origin();
    if origin.realtime {
        read_real(libc::CLOCK_MONOTONIC).saturating_sub(origin.monotonic_ns)
    } else {
        thread_now()
    }
}

/// Lets `ns` of virtual time pass for the calling thread (a bus transfer). No effect in
/// real-time mode.
pub fn advance(ns: u64) {
    if is_virtual() {
        set_thread_now(thread_now().saturating_add(ns));
    }
}

/// Sleeps the calling thread until emulator time `target_ns`: instantly on the virtual
/// clock.
pub fn sleep_until(target_ns: u64) {
    if is_virtual() {
        let before = thread_now();
        set_thread_now(before.max(target_ns));
        if PACED.load(Ordering::Relaxed) && target_ns > before {
            pace(target_ns - before);
        }
    }
}

/// The value `clock_gettime(clock)` reports on the virtual clock, or `None` for clocks
/// that are not virtualised (CPU-time clocks) and in real-time mode.
pub fn virtual_reading(clock: libc::clockid_t) -> Option<u64> {
    let origin = origin();
    if origin.realtime {
        return None;
    }
    let elapsed = thread_now();
    match clock {
        libc::CLOCK_MONOTONIC | libc::CLOCK_MONOTONIC_RAW | libc::CLOCK_MONOTONIC_COARSE => {
            Some(origin.monotonic_ns + elapsed)
        }
        libc::CLOCK_REALTIME | libc::CLOCK_REALTIME_COARSE => Some(origin.wall_ns + elapsed),
        libc::CLOCK_BOOTTIME => Some(origin.boot_ns + elapsed),
        _ => None,
    }
}

/// Emulator time at which an absolute `clock` reading of `absolute_ns` arrives, or
/// `None` for clocks that are not virtualised.
pub fn deadline_on(clock: libc::clockid_t, absolute_ns: u64) -> Option<u64> {
    let now_on_clock = virtual_reading(clock)?;
    Some(now_ns() + absolute_ns.saturating_sub(now_on_clock))
}
