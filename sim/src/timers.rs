//! Timers on the virtual clock: `timerfd_*`, POSIX `timer_*` and `alarm`/`setitimer`
//! (`ITIMER_REAL`). The emulator keeps each armed timer's expiry in virtual time; the
//! kernel's timer stays disarmed until the virtual clock reaches the expiry, and is then
//! armed to fire at once, so the descriptor becomes readable or the signal arrives
//! through the kernel as usual. An expiry is a deadline of the scheduler: when every
//! thread waits, the clock moves to it.
//!
//! Every function here has the contract of the libc function it replaces.
#![allow(clippy::missing_safety_doc)]

use std::os::raw::{c_int, c_uint, c_void};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicU8, AtomicUsize};

use crate::clock::{self, valid};
use crate::real;
use crate::schedule::{self, Ended, DESCRIPTORS, NO_DEADLINE};

const TIMERS: usize = 64;
const FREE: u8 = 0;
const TIMER_FD: u8 = 1;
const POSIX: u8 = 2;
const ALARM: u8 = 3;

struct Timer {
    kind: AtomicU8,
    /// The descriptor (timerfd) or the `timer_t` (POSIX timer).
    handle: AtomicUsize,
    clock: AtomicI32,
    /// Virtual expiry (emulator time), [`NO_DEADLINE`] when disarmed.
    expiry: AtomicU64,
    interval: AtomicU64,
    /// Expirations not yet read (timerfd).
    pending: AtomicU64,
    /// When the kernel's timer fires by itself (real monotonic time), [`NO_DEADLINE`]
    /// when it is disarmed: a timer never fires later than it would in real time.
    real_deadline: AtomicU64,
}

impl Timer {
    const fn new() -> Self {
        Timer {
            kind: AtomicU8::new(FREE),
            handle: AtomicUsize::new(0),
            clock: AtomicI32::new(0),
            expiry: AtomicU64::new(NO_DEADLINE),
            interval: AtomicU64::new(0),
            pending: AtomicU64::new(0),
            real_deadline: AtomicU64::new(NO_DEADLINE),
        }
    }
}

static TABLE: [Timer; TIMERS] = [const { Timer::new() }; TIMERS];
/// The earliest armed expiry.
static NEXT: AtomicU64 = AtomicU64::new(NO_DEADLINE);
/// The earliest time a kernel timer fires by itself (real monotonic time).
static NEXT_REAL: AtomicU64 = AtomicU64::new(NO_DEADLINE);
/// Held while the table changes or timers fire.
static LOCK: AtomicBool = AtomicBool::new(false);
/// Descriptors below this bound that are virtual timerfds, for `read` and `close`.
const FAST_FDS: usize = 1024;
static TIMER_FDS: [AtomicBool; FAST_FDS] = [const { AtomicBool::new(false) }; FAST_FDS];

/// The table's lock, held with every signal blocked in the holding thread: a signal
/// handler may read the clock or set a timer (both async-signal-safe), and must not
/// find the lock held by the very code it interrupted.
struct Locked {
    signals: libc::sigset_t,
}

fn lock() -> Locked {
    // SAFETY: sigset_t is plain data (all zero is a valid value); sigfillset and
    // pthread_sigmask write the sets they are given.
    let signals = unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut signals: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_BLOCK, &all, &mut signals);
        signals
    };
    while LOCK
        .compare_exchange_weak(false, true, Acquire, Relaxed)
        .is_err()
    {
        std::hint::spin_loop();
    }
    Locked { signals }
}

impl Drop for Locked {
    fn drop(&mut self) {
        LOCK.store(false, Release);
        // SAFETY: restores the mask saved when the lock was taken.
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &self.signals, std::ptr::null_mut()) };
    }
}

fn find(kind: u8, handle: usize) -> Option<&'static Timer> {
    TABLE
        .iter()
        .find(|t| t.kind.load(Acquire) == kind && t.handle.load(Relaxed) == handle)
}

fn recompute_next(_locked: &Locked) {
    let armed = || TABLE.iter().filter(|t| t.kind.load(Relaxed) != FREE);
    let next = armed().map(|t| t.expiry.load(Relaxed)).min();
    let next_real = armed().map(|t| t.real_deadline.load(Relaxed)).min();
    NEXT.store(next.unwrap_or(NO_DEADLINE), SeqCst);
    // Published for the other processes of the session: a deadline for their moves.
    if let Some(me) = crate::session::me() {
        me.next_expiry.store(next.unwrap_or(NO_DEADLINE), SeqCst);
    }
    NEXT_REAL.store(next_real.unwrap_or(NO_DEADLINE), SeqCst);
}

/// The earliest expiry of an armed timer (a deadline for the scheduler).
pub fn next_expiry() -> u64 {
    NEXT.load(SeqCst)
}

fn is_timer_fd(fd: c_int) -> bool {
    usize::try_from(fd)
        .ok()
        .and_then(|index| TIMER_FDS.get(index))
        .is_some_and(|flag| flag.load(Acquire))
}

fn mark_fd(fd: c_int, timer: bool) {
    if let Some(flag) = usize::try_from(fd)
        .ok()
        .and_then(|index| TIMER_FDS.get(index))
    {
        flag.store(timer, Release);
    }
}

/// Fires every timer that is due: the virtual clock has reached its expiry (the kernel's
/// timer is then set to fire at once), or its kernel timer has fired by itself because
/// as much real time has passed (the clock then moves to the expiry). Waiting threads
/// look again.
pub fn fire_due() {
    let next = NEXT.load(SeqCst);
    if next == NO_DEADLINE {
        // Nothing armed (the usual case: this runs on every read of the clock).
        return;
    }
    let real = schedule::real_now();
    if next > clock::now_ns() && NEXT_REAL.load(SeqCst) > real {
        return;
    }
    let locked = lock();
    let mut fired = false;
    for timer in &TABLE {
        let kind = timer.kind.load(Relaxed);
        let expiry = timer.expiry.load(Relaxed);
        if kind == FREE || expiry == NO_DEADLINE {
            continue;
        }
        let fired_by_kernel = timer.real_deadline.load(Relaxed) <= real;
        if fired_by_kernel {
            clock::catch_up_to(expiry);
        }
        let now = clock::now_ns();
        if expiry > now {
            continue;
        }
        let interval = timer.interval.load(Relaxed);
        // Every period that has ended by now (one for a one-shot timer).
        let count = (now - expiry)
            .checked_div(interval)
            .map_or(1, |periods| periods + 1);
        let next = if interval > 0 {
            expiry.saturating_add(count.saturating_mul(interval))
        } else {
            NO_DEADLINE
        };
        timer.expiry.store(next, Relaxed);
        timer.pending.fetch_add(count, Relaxed);
        let handle = timer.handle.load(Relaxed);
        let real_deadline = if fired_by_kernel {
            // It goes on at its interval by itself.
            timer.real_deadline.load(Relaxed).saturating_add(interval)
        } else {
            // It fires at once for this expiry, and by itself an interval later.
            arm_real(kind, handle, 1, interval).saturating_add(interval)
        };
        let real_deadline = if interval > 0 {
            real_deadline
        } else {
            NO_DEADLINE
        };
        timer.real_deadline.store(real_deadline, Relaxed);
        fired = true;
    }
    recompute_next(&locked);
    drop(locked);
    if fired {
        schedule::woke_all();
    }
}

/// Sets the kernel's timer to fire `value_ns` of real time from now and then every
/// `interval_ns` (0: once; `value_ns` 0: disarmed); returns when it first fires, in real
/// time ([`NO_DEADLINE`] when disarmed).
fn arm_real(kind: u8, handle: usize, value_ns: u64, interval_ns: u64) -> u64 {
    let spec = libc::itimerspec {
        it_interval: clock::to_timespec(interval_ns),
        it_value: clock::to_timespec(value_ns),
    };
    let now = schedule::real_now();
    // SAFETY: the timer's own descriptor or id, with valid settings.
    unsafe {
        match kind {
            TIMER_FD => {
                real::timerfd_settime(handle as c_int, 0, &spec, std::ptr::null_mut());
            }
            POSIX => {
                real::timer_settime(handle as libc::timer_t, 0, &spec, std::ptr::null_mut());
            }
            _ => {
                let value = libc::itimerval {
                    it_interval: clock::to_timeval(interval_ns),
                    // A value under 1 us would disarm it.
                    it_value: clock::to_timeval(if value_ns == 0 { 0 } else { value_ns.max(1000) }),
                };
                real::setitimer(libc::ITIMER_REAL, &value, std::ptr::null_mut());
            }
        }
    }
    if value_ns == 0 {
        NO_DEADLINE
    } else {
        now.saturating_add(value_ns)
    }
}

/// Starts following a new timer.
fn track(kind: u8, handle: usize, clock_id: libc::clockid_t) -> bool {
    let _locked = lock();
    for timer in &TABLE {
        if timer.kind.load(Relaxed) == FREE {
            timer.handle.store(handle, Relaxed);
            timer.clock.store(clock_id, Relaxed);
            timer.expiry.store(NO_DEADLINE, Relaxed);
            timer.interval.store(0, Relaxed);
            timer.pending.store(0, Relaxed);
            timer.real_deadline.store(NO_DEADLINE, Relaxed);
            timer.kind.store(kind, Release);
            return true;
        }
    }
    false
}

/// Stops following a timer (deleted, or its descriptor closed).
fn untrack(kind: u8, handle: usize) {
    let locked = lock();
    if let Some(timer) = find(kind, handle) {
        timer.kind.store(FREE, Release);
    }
    recompute_next(&locked);
}

/// A descriptor is being closed: a timerfd of that number is no longer followed.
pub fn closed(fd: c_int) {
    if is_timer_fd(fd) {
        mark_fd(fd, false);
        untrack(TIMER_FD, fd as usize);
    }
}

/// In a forked child: POSIX timers and the alarm are not inherited.
pub fn after_fork_in_child() {
    for timer in &TABLE {
        let kind = timer.kind.load(Relaxed);
        if kind == POSIX || kind == ALARM {
            timer.kind.store(FREE, Relaxed);
        }
    }
    LOCK.store(false, Release);
    let locked = lock();
    recompute_next(&locked);
}

/// The remaining time and interval of a timer, as the `*_gettime` calls report them.
fn current(timer: &Timer) -> libc::itimerspec {
    let expiry = timer.expiry.load(Relaxed);
    let left = if expiry == NO_DEADLINE {
        0
    } else {
        expiry.saturating_sub(clock::now_ns()).max(1)
    };
    libc::itimerspec {
        it_interval: clock::to_timespec(timer.interval.load(Relaxed)),
        it_value: clock::to_timespec(left),
    }
}

/// Arms or disarms a followed timer; `absolute`: the value is a time on its clock.
unsafe fn set(
    kind: u8,
    handle: usize,
    absolute: bool,
    new: *const libc::itimerspec,
    old: *mut libc::itimerspec,
) -> Option<c_int> {
    let timer = find(kind, handle)?;
    if new.is_null() {
        return Some(-libc::EFAULT);
    }
    let new = &*new;
    if !valid(&new.it_value) || !valid(&new.it_interval) {
        return Some(-libc::EINVAL);
    }
    if !old.is_null() {
        *old = current(timer);
    }
    let value = clock::to_ns(&new.it_value);
    let expiry = if value == 0 {
        NO_DEADLINE
    } else if absolute {
        clock::deadline_on(timer.clock.load(Relaxed), value).unwrap_or(NO_DEADLINE)
    } else {
        clock::now_ns().saturating_add(value)
    };
    let interval = clock::to_ns(&new.it_interval);
    let locked = lock();
    // The kernel's timer runs too, on the real clock, as a backstop.
    let span = match expiry {
        NO_DEADLINE => 0,
        _ => expiry.saturating_sub(clock::now_ns()).max(1),
    };
    let real_deadline = arm_real(kind, handle, span, interval);
    timer.interval.store(interval, Relaxed);
    timer.pending.store(0, Relaxed);
    timer.expiry.store(expiry, Relaxed);
    timer.real_deadline.store(real_deadline, Relaxed);
    recompute_next(&locked);
    drop(locked);
    fire_due();
    Some(0)
}

/// A call's result from [`set`]: 0, or a negated errno (then -1 with errno set).
fn result(rc: c_int) -> c_int {
    if rc < 0 {
        real::fail(-rc)
    } else {
        rc
    }
}

fn followed_clock(clock_id: libc::clockid_t) -> bool {
    clock::is_virtual() && clock::virtual_reading(clock_id).is_some()
}

/// `timerfd_create(2)`: a timer on a virtual clock is followed.
#[no_mangle]
pub unsafe extern "C" fn timerfd_create(clock_id: libc::clockid_t, flags: c_int) -> c_int {
    let fd = real::timerfd_create(clock_id, flags);
    if fd >= 0
        && followed_clock(clock_id)
        && (fd as usize) < FAST_FDS
        && track(TIMER_FD, fd as usize, clock_id)
    {
        mark_fd(fd, true);
    }
    fd
}

/// `timerfd_settime(2)` on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn timerfd_settime(
    fd: c_int,
    flags: c_int,
    new: *const libc::itimerspec,
    old: *mut libc::itimerspec,
) -> c_int {
    if is_timer_fd(fd) {
        let absolute = flags & libc::TFD_TIMER_ABSTIME != 0;
        if let Some(rc) = set(TIMER_FD, fd as usize, absolute, new, old) {
            return result(rc);
        }
    }
    real::timerfd_settime(fd, flags, new, old)
}

/// `timerfd_gettime(2)` on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn timerfd_gettime(fd: c_int, current_value: *mut libc::itimerspec) -> c_int {
    match (is_timer_fd(fd), find(TIMER_FD, fd as usize)) {
        (true, Some(timer)) if !current_value.is_null() => {
            *current_value = current(timer);
            0
        }
        _ => real::timerfd_gettime(fd, current_value),
    }
}

/// `read(2)` of a followed timerfd: the expirations on the virtual clock, waiting for
/// the next one unless the descriptor is non-blocking. `None`: not a followed timerfd.
pub unsafe fn read(fd: c_int, buf: *mut c_void, count: usize) -> Option<isize> {
    if !is_timer_fd(fd) || count < 8 || buf.is_null() {
        return None;
    }
    let timer = find(TIMER_FD, fd as usize)?;
    loop {
        fire_due();
        let expirations = timer.pending.swap(0, SeqCst);
        if expirations > 0 {
            drain(fd);
            buf.cast::<u64>().write_unaligned(expirations);
            return Some(8);
        }
        if libc::fcntl(fd, libc::F_GETFL) & libc::O_NONBLOCK != 0 {
            return Some(real::fail(libc::EAGAIN));
        }
        // Until the expiry (for ever when disarmed), or until another thread's move of
        // the clock fires it; then the loop takes the expirations.
        let deadline = timer.expiry.load(SeqCst);
        let _: Ended<()> = schedule::wait(deadline, DESCRIPTORS, true, |real_ns| {
            if timer.pending.load(SeqCst) > 0 {
                return Some(());
            }
            if real_ns > 0 {
                let mut ready = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                let ms = c_int::try_from(real_ns.div_ceil(1_000_000)).unwrap_or(1);
                // SAFETY: one valid pollfd.
                unsafe { real::poll(&mut ready, 1, ms) };
            }
            (timer.pending.load(SeqCst) > 0).then_some(())
        });
    }
}

/// Reads away the kernel's count of a fired timerfd, if it has fired yet.
fn drain(fd: c_int) {
    let mut ready = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd; the read fills an 8-byte buffer.
    unsafe {
        if real::poll(&mut ready, 1, 1) == 1 {
            let mut ticks = 0u64;
            real::read(fd, (&mut ticks as *mut u64).cast(), 8);
        }
    }
}

/// `timer_create(2)`: a timer on a virtual clock is followed.
#[no_mangle]
pub unsafe extern "C" fn timer_create(
    clock_id: libc::clockid_t,
    event: *mut libc::sigevent,
    id: *mut libc::timer_t,
) -> c_int {
    let rc = real::timer_create(clock_id, event, id);
    if rc == 0 && !id.is_null() && followed_clock(clock_id) {
        track(POSIX, *id as usize, clock_id);
    }
    rc
}

/// `timer_settime(2)` on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn timer_settime(
    id: libc::timer_t,
    flags: c_int,
    new: *const libc::itimerspec,
    old: *mut libc::itimerspec,
) -> c_int {
    let absolute = flags & libc::TIMER_ABSTIME != 0;
    match set(POSIX, id as usize, absolute, new, old) {
        Some(rc) => result(rc),
        None => real::timer_settime(id, flags, new, old),
    }
}

/// `timer_gettime(2)` on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn timer_gettime(
    id: libc::timer_t,
    current_value: *mut libc::itimerspec,
) -> c_int {
    match find(POSIX, id as usize) {
        Some(timer) if !current_value.is_null() => {
            *current_value = current(timer);
            0
        }
        _ => real::timer_gettime(id, current_value),
    }
}

/// `timer_delete(2)`.
#[no_mangle]
pub unsafe extern "C" fn timer_delete(id: libc::timer_t) -> c_int {
    untrack(POSIX, id as usize);
    real::timer_delete(id)
}

/// The process's `ITIMER_REAL` timer, followed from its first use.
fn alarm_timer() -> Option<&'static Timer> {
    find(ALARM, 0).or_else(|| {
        track(ALARM, 0, libc::CLOCK_REALTIME);
        find(ALARM, 0)
    })
}

/// `setitimer(2)`: `ITIMER_REAL` on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn setitimer(
    which: c_int,
    new: *const libc::itimerval,
    old: *mut libc::itimerval,
) -> c_int {
    if which != libc::ITIMER_REAL || !clock::is_virtual() || new.is_null() {
        return real::setitimer(which, new, old);
    }
    let (Some(value), Some(interval)) = (
        clock::timeval_ns(&(*new).it_value),
        clock::timeval_ns(&(*new).it_interval),
    ) else {
        return real::fail(libc::EINVAL);
    };
    let Some(timer) = alarm_timer() else {
        return real::setitimer(which, new, old);
    };
    let before = current(timer);
    let spec = libc::itimerspec {
        it_interval: clock::to_timespec(interval),
        it_value: clock::to_timespec(value),
    };
    let rc = set(ALARM, 0, false, &spec, std::ptr::null_mut()).unwrap_or(0);
    if rc == 0 && !old.is_null() {
        *old = libc::itimerval {
            it_interval: clock::to_timeval(clock::to_ns(&before.it_interval)),
            it_value: clock::to_timeval(clock::to_ns(&before.it_value)),
        };
    }
    result(rc)
}

/// `getitimer(2)`: `ITIMER_REAL` on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn getitimer(which: c_int, value: *mut libc::itimerval) -> c_int {
    match find(ALARM, 0) {
        Some(timer) if which == libc::ITIMER_REAL && !value.is_null() => {
            let now = current(timer);
            *value = libc::itimerval {
                it_interval: clock::to_timeval(clock::to_ns(&now.it_interval)),
                it_value: clock::to_timeval(clock::to_ns(&now.it_value)),
            };
            0
        }
        _ => real::getitimer(which, value),
    }
}

/// `alarm(2)`: SIGALRM after `seconds` on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn alarm(seconds: c_uint) -> c_uint {
    let new = libc::itimerval {
        it_interval: clock::to_timeval(0),
        it_value: clock::to_timeval(u64::from(seconds) * 1_000_000_000),
    };
    let mut old = libc::itimerval {
        it_interval: clock::to_timeval(0),
        it_value: clock::to_timeval(0),
    };
    if setitimer(libc::ITIMER_REAL, &new, &mut old) != 0 {
        return 0;
    }
    // What was left, rounded up to whole seconds as alarm reports it.
    let left = old.it_value;
    (left.tv_sec as c_uint) + c_uint::from(left.tv_usec > 0)
}
