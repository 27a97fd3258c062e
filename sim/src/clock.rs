//! The emulator's clock. Virtual by default: sleeps and other waits end at once when
//! nothing else can run, and `clock_gettime` reads it, so a 402 ms conversion costs no
//! wall time and every run is deterministic. With `LIGHTSEG_SIM_REALTIME=1` it follows
//! the real monotonic clock; with `LIGHTSEG_SIM_PACE=1` it stays virtual but each move
//! also takes its real time.
//!
//! One clock serves every thread of every process of a session ([`crate::session`]):
//! [`crate::schedule`] decides when it moves to the next deadline. A bus transfer moves it by its bus time, and a thread
//! that only reads it (a busy wait) moves it by [`SPIN_STEP_NS`] a read once it has read
//! it [`SPIN_FREE_READS`] times in a row without waiting, transferring or taking or
//! giving a semaphore.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};

use crate::real;

/// The clock's words, in the session's region ([`crate::session`]): every process of
/// a session reads one clock.
#[repr(C)]
pub struct Shared {
    /// Virtual time, ns since the session started.
    now_ns: AtomicU64,
    /// The real monotonic clock when the session started (real-time mode counts from
    /// it) and the real wall clock then (the virtual wall clock starts at it).
    origin_monotonic_ns: AtomicU64,
    origin_wall_ns: AtomicU64,
}

impl Default for Shared {
    fn default() -> Self {
        Self::new()
    }
}

impl Shared {
    /// A clock at 0.
    pub const fn new() -> Self {
        Shared {
            now_ns: AtomicU64::new(0),
            origin_monotonic_ns: AtomicU64::new(0),
            origin_wall_ns: AtomicU64::new(0),
        }
    }
}

fn shared() -> &'static Shared {
    &crate::session::region().clock
}

/// Sets where the clock of a new session starts: the real clocks now.
pub fn set_origin(region: &crate::session::Region) {
    let clock = &region.clock;
    clock.now_ns.store(0, Ordering::SeqCst);
    clock
        .origin_monotonic_ns
        .store(read_real(libc::CLOCK_MONOTONIC), Ordering::SeqCst);
    clock
        .origin_wall_ns
        .store(read_real(libc::CLOCK_REALTIME), Ordering::SeqCst);
}

/// Reads of the clock a thread makes in a row, without waiting, transferring or taking or
/// giving a semaphore, before reading it starts to cost time.
pub const SPIN_FREE_READS: u32 = 100;
/// What each further read costs: a loop that waits 0.1 s by reading the clock makes
/// 100,000 reads, a fraction of a second of real time.
pub const SPIN_STEP_NS: u64 = 1_000;

thread_local! {
    /// Clock reads in a row by this thread with nothing else in between.
    static SPIN_READS: Cell<u32> = const { Cell::new(0) };
}

/// The calling thread waited, transferred, or took or gave a semaphore: its run of clock
/// reads ends.
pub fn end_spin() {
    let _ = SPIN_READS.try_with(|reads| reads.set(0));
}

/// Counts a read of the clock by the program; a read beyond [`SPIN_FREE_READS`] in a
/// row moves the clock by [`SPIN_STEP_NS`].
pub fn count_read() {
    let spinning = SPIN_READS
        .try_with(|reads| {
            let count = reads.get().saturating_add(1);
            reads.set(count);
            count > SPIN_FREE_READS
        })
        .unwrap_or(false);
    if spinning {
        elapse(SPIN_STEP_NS);
    }
}

/// Lets `ns` of virtual time pass at once, firing the timers it reaches.
fn elapse(ns: u64) {
    let now = shared().now_ns.fetch_add(ns, Ordering::SeqCst) + ns;
    if now >= crate::timers::next_expiry() {
        crate::timers::fire_due();
    }
}

/// Whether the clock is real time, read once, when the library is loaded ([`init`]);
/// where it starts is the session's ([`Shared`]). Plain atomics, so that reading the
/// clock never allocates, locks or initialises anything lazily.
static ORIGIN_STATE: AtomicU8 = AtomicU8::new(UNSET);
const UNSET: u8 = 0;
const SETTING: u8 = 1;
const VIRTUAL: u8 = 2;
const REAL_TIME: u8 = 3;

struct Origin {
    realtime: bool,
    monotonic_ns: u64,
    wall_ns: u64,
}

/// A real clock, ns (through the real `clock_gettime`: the emulator's own reads are not
/// the program's and never move the virtual clock).
pub fn read_real(clock: libc::clockid_t) -> u64 {
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
    if !crate::session::shared() {
        // Until the session is joined (a clock read by another library's constructor),
        // or without one.
        set_origin(crate::session::region());
    }
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
        monotonic_ns: shared().origin_monotonic_ns.load(Ordering::Relaxed),
        wall_ns: shared().origin_wall_ns.load(Ordering::Relaxed),
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

/// Whether a timespec is a valid duration or time (not negative, nanoseconds in range).
pub fn valid(ts: &libc::timespec) -> bool {
    ts.tv_sec >= 0 && (0..1_000_000_000).contains(&ts.tv_nsec)
}

/// Converts nanoseconds to a timeval (microseconds, rounded down).
pub fn to_timeval(ns: u64) -> libc::timeval {
    libc::timeval {
        tv_sec: (ns / 1_000_000_000) as libc::time_t,
        tv_usec: ((ns % 1_000_000_000) / 1000) as libc::suseconds_t,
    }
}

/// Converts a timeval to nanoseconds; `None` when it is negative or its microseconds
/// are out of range.
pub fn timeval_ns(tv: &libc::timeval) -> Option<u64> {
    let secs = u64::try_from(tv.tv_sec).ok()?;
    let micros = u64::try_from(tv.tv_usec)
        .ok()
        .filter(|us| *us < 1_000_000)?;
    Some(secs * 1_000_000_000 + micros * 1000)
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
        shared().now_ns.load(Ordering::SeqCst)
    }
}

/// Lets `ns` of virtual time pass (a bus transfer, which holds the bus and so the
/// clock). No effect in real-time mode.
pub fn advance(ns: u64) {
    if is_virtual() {
        end_spin();
        elapse(ns);
    }
}

/// Moves the virtual clock to `target_ns` if it is behind (the scheduler's move to the
/// next deadline), keeping pace in real time with `LIGHTSEG_SIM_PACE`.
pub fn move_to(target_ns: u64) {
    let before = shared().now_ns.load(Ordering::SeqCst);
    if target_ns > before && PACED.load(Ordering::Relaxed) {
        pace(target_ns - before);
    }
    catch_up_to(target_ns);
}

/// Moves the virtual clock to `target_ns` if it is behind, at once: for a move whose
/// time has already passed in real time (a real-time wait, a kernel timer that fired).
pub fn catch_up_to(target_ns: u64) {
    shared().now_ns.fetch_max(target_ns, Ordering::SeqCst);
}

/// Sleeps the calling thread until emulator time `target_ns`: as soon as no other
/// thread can run before it, on the virtual clock.
pub fn sleep_until(target_ns: u64) {
    if is_virtual() {
        crate::schedule::sleep_until(target_ns);
    }
}

/// Where the virtual monotonic and boot clocks start: the same on every run (a program
/// that computes with their readings in floating point rounds the same way each time),
/// as if the machine had booted 10 s before. The wall clock starts at the real time.
pub const VIRTUAL_BOOT_NS: u64 = 10_000_000_000;

/// The value `clock_gettime(clock)` reports on the virtual clock, or `None` for clocks
/// that are not virtualised (CPU-time clocks) and in real-time mode.
pub fn virtual_reading(clock: libc::clockid_t) -> Option<u64> {
    let origin = origin();
    if origin.realtime {
        return None;
    }
    let elapsed = shared().now_ns.load(Ordering::SeqCst);
    match clock {
        libc::CLOCK_MONOTONIC
        | libc::CLOCK_MONOTONIC_RAW
        | libc::CLOCK_MONOTONIC_COARSE
        | libc::CLOCK_BOOTTIME => Some(VIRTUAL_BOOT_NS + elapsed),
        libc::CLOCK_REALTIME | libc::CLOCK_REALTIME_COARSE => Some(origin.wall_ns + elapsed),
        _ => None,
    }
}

/// Emulator time at which an absolute `clock` reading of `absolute_ns` arrives, or
/// `None` for clocks that are not virtualised.
pub fn deadline_on(clock: libc::clockid_t, absolute_ns: u64) -> Option<u64> {
    let now_on_clock = virtual_reading(clock)?;
    Some(now_ns() + absolute_ns.saturating_sub(now_on_clock))
}
