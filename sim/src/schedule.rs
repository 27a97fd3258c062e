//! When the virtual clock moves: one clock for every thread of the process, moved on to
//! the next deadline only when no thread can run before it.
//!
//! Every thread the program makes with `pthread_create`, and the main thread, has a slot.
//! A thread is *running* until it enters a wait the emulator models (a sleep, a poll of
//! descriptors, a lock, semaphore, condition, futex or join wait); then it is *waiting*,
//! until a deadline or not. The clock moves to the earliest deadline when
//! - every thread is waiting and none is being created,
//! - no waiter's deadline has already passed (it is about to run), and
//! - no waiter has just been woken: a post, signal, wake, thread exit or descriptor
//!   write by another thread marks the threads waiting on that object (any descriptor
//!   wait, for a write) until they have looked again.
//!
//! So two threads that sleep 0.4 s at once both wake at 0.4 s, a thread woken by another
//! runs at the waker's time, and the times a program sees do not depend on how the
//! machine schedules its threads.
//!
//! A thread inside a call the emulator does not model (a read of a terminal, `waitpid`,
//! a glibc mutex) counts as running and holds the clock. When the clock has not moved
//! for [`STALL_NS`] of real time, threads the kernel reports as sleeping no longer hold
//! it. A thread that computes without ever waiting or reading the clock holds it too;
//! once the clock has not moved for [`FORCE_NS`], a wait whose time has passed in real
//! time ends (the clock moves to its deadline). So such a program is slowed to real
//! time, never stopped.
//!
//! Plain atomics only: a wait neither allocates nor locks, and a forked child resets the
//! table without inheriting a lock another thread held.

use std::cell::Cell;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicU8, AtomicUsize};

use crate::clock;
use crate::real;

/// The most threads the scheduler follows at once, in all the processes of a session;
/// more run unfollowed (their waits end at once at their deadline, as a single thread's
/// do, moving the session's clock).
const SLOTS: usize = 1024;
const FREE: u8 = 0;
const RUNNING: u8 = 1;
const WAITING: u8 = 2;
/// In a call that does not hold the clock ([`outside`]).
const OUTSIDE: u8 = 3;
const NO_SLOT: usize = usize::MAX;

/// A wait without a deadline.
pub const NO_DEADLINE: u64 = u64::MAX;
/// The key of waits on descriptors (`poll`, `select`, `epoll_wait`): any write wakes them.
pub const DESCRIPTORS: usize = 1;
/// The key of plain sleeps: nothing but the clock wakes them.
pub const NOTHING: usize = 0;

/// Real time a waiting thread spends in one look at what it waits for.
pub const SLICE_NS: u64 = 1_000_000;
/// Real time without a clock move after which threads asleep in the kernel in calls
/// the emulator does not model stop holding the clock.
pub const STALL_NS: u64 = 20_000_000;
/// Real time without a clock move after which a wait whose time has passed in real time
/// ends even though a thread still runs.
pub const FORCE_NS: u64 = 200_000_000;

#[repr(C)]
struct Slot {
    state: AtomicU8,
    deadline: AtomicU64,
    key: AtomicUsize,
    recheck: AtomicBool,
    tid: AtomicI32,
    /// The process of the thread.
    pid: AtomicI32,
    /// The thread's CPU time (clock ticks) when last looked at, and the real time it was
    /// first seen at that value (for [`blocked_outside`]).
    cpu_ns: AtomicU64,
    cpu_unchanged_since: AtomicU64,
}

impl Slot {
    const fn new() -> Self {
        Slot {
            state: AtomicU8::new(FREE),
            deadline: AtomicU64::new(NO_DEADLINE),
            key: AtomicUsize::new(NOTHING),
            recheck: AtomicBool::new(false),
            tid: AtomicI32::new(0),
            pid: AtomicI32::new(0),
            cpu_ns: AtomicU64::new(0),
            cpu_unchanged_since: AtomicU64::new(0),
        }
    }
}

/// The scheduler's words, in the session's region ([`crate::session`]): the threads of
/// every process of a session share one table, so the clock moves only when all of
/// them wait.
#[repr(C)]
pub struct Shared {
    table: [Slot; SLOTS],
    /// One past the highest slot ever used.
    used: AtomicUsize,
    /// Threads and processes created and not yet started (they will run: the clock
    /// waits for them).
    starting: AtomicUsize,
    /// Threads waiting, by any key (so that a write need not look when nobody waits).
    waiters: AtomicUsize,
    /// Held by the thread deciding whether the clock moves (its thread id).
    deciding: AtomicI32,
    /// Counts clock moves; waiters sleep on it as a futex word.
    moves: AtomicU32,
}

impl Default for Shared {
    fn default() -> Self {
        Self::new()
    }
}

impl Shared {
    /// An empty table.
    pub const fn new() -> Self {
        Shared {
            table: [const { Slot::new() }; SLOTS],
            used: AtomicUsize::new(0),
            starting: AtomicUsize::new(0),
            waiters: AtomicUsize::new(0),
            deciding: AtomicI32::new(NOBODY),
            moves: AtomicU32::new(0),
        }
    }

    /// Frees the slots of process `pid`'s threads.
    pub fn forget(&self, pid: i32) {
        let used = self.used.load(Acquire);
        for slot in &self.table[..used] {
            if slot.pid.load(Acquire) == pid {
                slot.state.store(FREE, SeqCst);
            }
        }
    }

    /// Empties the table (a new session; a forked child's own copy).
    pub fn reset(&self) {
        for slot in &self.table {
            slot.state.store(FREE, SeqCst);
        }
        self.starting.store(0, SeqCst);
        self.waiters.store(0, SeqCst);
        self.deciding.store(NOBODY, SeqCst);
    }
}

const NOBODY: i32 = 0;

fn shared() -> &'static Shared {
    &crate::session::region().schedule
}

thread_local! {
    /// The calling thread's slot, and its thread id (to know the slot is still its own).
    static MINE: Cell<(usize, i32)> = const { Cell::new((NO_SLOT, 0)) };
    /// Set by a thread about to fork while the clock waits for the child (it is the
    /// child's one thread, so the child finds it set too).
    static FORKING: Cell<bool> = const { Cell::new(false) };
}

/// The calling thread's slot, while it is its own: once the process has left the
/// session at exit, its threads that still run are unfollowed.
fn my_slot() -> Option<&'static Slot> {
    let (index, tid) = MINE.try_with(Cell::get).unwrap_or((NO_SLOT, 0));
    shared()
        .table
        .get(index)
        .filter(|slot| slot.tid.load(Relaxed) == tid && slot.state.load(Relaxed) != FREE)
}

fn set_mine(index: usize, tid: i32) {
    let _ = MINE.try_with(|mine| mine.set((index, tid)));
}

fn gettid() -> i32 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() }
}

fn getpid() -> i32 {
    // SAFETY: getpid has no preconditions.
    unsafe { libc::getpid() }
}

/// Gives the calling thread a slot (the main thread when the library loads; a new
/// thread as it starts). A thread beyond the [`SLOTS`] slots of the session stays unfollowed.
pub fn register_current() {
    let tid = gettid();
    if let Some(index) = claim(getpid(), tid) {
        set_mine(index, tid);
    }
}

/// Takes a free slot for thread `tid` of process `pid`, running.
fn claim(pid: i32, tid: i32) -> Option<usize> {
    let shared = shared();
    for (index, slot) in shared.table.iter().enumerate() {
        if slot
            .state
            .compare_exchange(FREE, RUNNING, AcqRel, Relaxed)
            .is_ok()
        {
            slot.tid.store(tid, Relaxed);
            slot.pid.store(pid, Relaxed);
            slot.deadline.store(NO_DEADLINE, Relaxed);
            slot.key.store(NOTHING, Relaxed);
            slot.recheck.store(false, Relaxed);
            slot.cpu_ns.store(u64::MAX, Relaxed);
            shared.used.fetch_max(index + 1, AcqRel);
            return Some(index);
        }
    }
    None
}

/// A child process started by `posix_spawn` (which runs its program before it returns):
/// a running slot holds the clock for it until the emulator loads in it and takes the
/// slot ([`register_main`]), or the scheduler finds it asleep or gone.
pub fn hold_for_child(pid: libc::pid_t) {
    if crate::session::shared() && pid > 0 {
        // A stand-in: its thread id is the child's, negated.
        let _ = claim(pid, -pid);
    }
}

/// Whether `slot` stands in for a spawned child that has since taken a slot of its own
/// (the child was quicker than its parent).
fn stand_in_replaced(slot: &Slot, table: &[Slot]) -> bool {
    let tid = slot.tid.load(Acquire);
    tid < 0
        && table
            .iter()
            .any(|other| other.tid.load(Acquire) == -tid && other.state.load(Acquire) != FREE)
}

/// A thread or process is being created: the clock waits for it to start.
pub fn thread_creating() {
    shared().starting.fetch_add(1, SeqCst);
}

/// Creating the thread or process failed.
pub fn thread_not_created() {
    shared().starting.fetch_sub(1, SeqCst);
}

/// The calling thread, just created, starts running.
pub fn thread_started() {
    register_current();
    shared().starting.fetch_sub(1, SeqCst);
}

/// Gives the main thread its slot when the library loads. A program that replaced
/// another with `exec` keeps the slot its thread had (so the clock never moves between
/// the two programs) and frees the other threads' (they are gone).
pub fn register_main() {
    let (pid, tid) = (getpid(), gettid());
    let shared = shared();
    let used = shared.used.load(Acquire);
    let mut adopted = false;
    for (index, slot) in shared.table[..used].iter().enumerate() {
        if slot.pid.load(Acquire) != pid || slot.state.load(Acquire) == FREE {
            continue;
        }
        let slot_tid = slot.tid.load(Acquire);
        if (slot_tid == tid || slot_tid == -tid) && !adopted {
            // Its own from before exec, or the stand-in its spawning parent made.
            slot.tid.store(tid, SeqCst);
            slot.state.store(RUNNING, SeqCst);
            set_mine(index, tid);
            adopted = true;
        } else {
            slot.state.store(FREE, SeqCst);
        }
    }
    if !adopted {
        register_current();
    }
}

/// Frees the slots of this process's threads, at exit.
pub fn forget_process() {
    shared().forget(getpid());
    set_mine(NO_SLOT, 0);
}

/// A process of a shared session is about to fork: the clock waits for the child to
/// take its slot. Returns whether it was counted (pass it to [`fork_done`]).
pub fn fork_starting() -> bool {
    let counted = crate::session::shared();
    if counted {
        thread_creating();
    }
    let _ = FORKING.try_with(|forking| forking.set(counted));
    counted
}

/// In the parent, after `fork` returned `pid`.
pub fn fork_done(counted: bool, pid: libc::pid_t) {
    let _ = FORKING.try_with(|forking| forking.set(false));
    if counted && pid < 0 {
        thread_not_created();
    }
}

/// The calling thread ends: its slot is freed and threads joining it are woken.
pub fn thread_ending() {
    if let Some(slot) = my_slot() {
        slot.state.store(FREE, Release);
        set_mine(NO_SLOT, 0);
    }
    // SAFETY: pthread_self has no preconditions.
    woke(unsafe { libc::pthread_self() } as usize);
}

/// In a forked child only the forking thread exists. Sharing its parent's session, it
/// takes a slot of its own; otherwise its copy of the table starts empty.
pub fn after_fork_in_child() {
    set_mine(NO_SLOT, 0);
    if crate::session::shared() {
        register_current();
        if FORKING.try_with(|forking| forking.replace(false)) == Ok(true) {
            thread_not_created();
        }
    } else {
        shared().reset();
        register_current();
    }
}

/// Something that threads waiting on `key` may have been waiting for happened (a post,
/// a signal, a wake, a write): they must look again before the clock moves.
pub fn woke(key: usize) {
    mark_waiters(|waits_on| waits_on == key);
}

/// Something every waiting thread may have been waiting for happened (a timer fired:
/// a descriptor became readable or a signal arrived): they all look again.
pub fn woke_all() {
    mark_waiters(|_| true);
}

/// Makes the waiting threads whose key passes `woken` look again.
fn mark_waiters(woken: impl Fn(usize) -> bool) {
    let shared = shared();
    if shared.waiters.load(SeqCst) == 0 {
        return;
    }
    let used = shared.used.load(Acquire);
    for slot in &shared.table[..used] {
        if slot.state.load(Acquire) == WAITING && woken(slot.key.load(Acquire)) {
            slot.recheck.store(true, SeqCst);
        }
    }
}

/// How a modeled wait ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended<R> {
    /// What the thread waited for happened (or the wait failed): the real call's result.
    Done(R),
    /// The deadline passed on the virtual clock.
    TimedOut,
    /// Another thread woke the object waited on while the thread was between looks
    /// (for condition variables: a wakeup the caller must check, never a lost one).
    Woken,
}

/// Waits until the virtual clock reaches `deadline` ([`NO_DEADLINE`]: for ever) or until
/// `look` reports what the thread waits for. `look(real_ns)` makes one real attempt
/// that gives up after `real_ns` of real time (0: a check) and returns `None` when
/// nothing happened. `key` names what other threads wake this wait by ([`woke`]); with
/// `spurious`, the caller takes a wake seen between looks as a wakeup
/// ([`Ended::Woken`]), otherwise it looks again. Only for the virtual clock.
pub fn wait<R>(
    deadline: u64,
    key: usize,
    spurious: bool,
    mut look: impl FnMut(u64) -> Option<R>,
) -> Ended<R> {
    if let Some(result) = look(0) {
        return Ended::Done(result);
    }
    let Some(slot) = my_slot() else {
        return unfollowed_wait(deadline, look);
    };
    if deadline <= clock::now_ns() {
        return Ended::TimedOut;
    }
    clock::end_spin();
    // A wait inside a signal handler interrupts the thread's own wait: that one is
    // restored when this one ends.
    let outer = (
        slot.state.load(SeqCst),
        slot.deadline.load(SeqCst),
        slot.key.load(SeqCst),
    );
    slot.deadline.store(deadline, SeqCst);
    slot.key.store(key, SeqCst);
    slot.recheck.store(false, SeqCst);
    shared().waiters.fetch_add(1, SeqCst);
    slot.state.store(WAITING, SeqCst);
    let mut seen_moves = shared().moves.load(SeqCst);
    let real_start = real_now();
    let virtual_span = deadline.saturating_sub(clock::now_ns());
    let mut unmoved_since = real_start;
    let ended = loop {
        let real = real_now();
        let unmoved = real.saturating_sub(unmoved_since);
        try_move(
            slot.tid.load(Relaxed),
            unmoved >= STALL_NS,
            unmoved >= FORCE_NS,
        );
        if deadline != NO_DEADLINE && clock::now_ns() >= deadline {
            break Ended::TimedOut;
        }
        if deadline != NO_DEADLINE
            && unmoved >= FORCE_NS
            && real.saturating_sub(real_start) >= virtual_span
        {
            // Its time has passed in real time already: no pacing.
            clock::catch_up_to(deadline);
            wake_movers();
            break Ended::TimedOut;
        }
        let was_woken = slot.recheck.swap(false, SeqCst);
        if was_woken && spurious {
            break Ended::Woken;
        }
        if let Some(result) = look(SLICE_NS) {
            break Ended::Done(result);
        }
        let moves = shared().moves.load(SeqCst);
        if moves != seen_moves {
            seen_moves = moves;
            unmoved_since = real_now();
        }
    };
    let (state, outer_deadline, outer_key) = outer;
    slot.deadline.store(outer_deadline, SeqCst);
    slot.key.store(outer_key, SeqCst);
    // The outer wait, if any, looks again.
    slot.recheck.store(state == WAITING, SeqCst);
    slot.state.store(state, SeqCst);
    shared().waiters.fetch_sub(1, SeqCst);
    ended
}

/// Runs `call`, a blocking call the clock need not wait for (a parent waiting for a
/// child process: the child holds the clock while it runs). The thread neither holds
/// the clock nor gives it a deadline meanwhile.
pub fn outside<R>(call: impl FnOnce() -> R) -> R {
    let Some(slot) = my_slot() else {
        return call();
    };
    clock::end_spin();
    let state = slot.state.swap(OUTSIDE, SeqCst);
    let result = call();
    slot.state.store(state, SeqCst);
    result
}

/// A wait by a thread the scheduler does not follow: its deadline comes at once.
fn unfollowed_wait<R>(deadline: u64, mut look: impl FnMut(u64) -> Option<R>) -> Ended<R> {
    if deadline != NO_DEADLINE {
        clock::move_to(deadline);
        return Ended::TimedOut;
    }
    loop {
        if let Some(result) = look(SLICE_NS) {
            return Ended::Done(result);
        }
    }
}

/// Sleeps until the virtual clock reaches `deadline`.
pub fn sleep_until(deadline: u64) {
    let _ = wait(deadline, NOTHING, false, |real_ns| {
        if real_ns > 0 {
            sleep_on_moves(real_ns);
        }
        None::<()>
    });
}

/// Waits up to `real_ns` of real time for the clock to move.
fn sleep_on_moves(real_ns: u64) {
    let moves = &shared().moves;
    crate::session::futex(moves, libc::FUTEX_WAIT, moves.load(SeqCst), real_ns);
}

/// The real monotonic clock, ns.
pub fn real_now() -> u64 {
    clock::read_real(libc::CLOCK_MONOTONIC)
}

/// Moves the clock to the earliest deadline if no thread can run before it; `me` is the
/// calling thread's id. With `stalled`, running threads the kernel reports asleep do not
/// hold it, nor threads and processes gone; with `forced`, neither does a thread or
/// process being created (one that never started).
fn try_move(me: i32, stalled: bool, forced: bool) {
    let shared = shared();
    let starting = || shared.starting.load(SeqCst) > 0 && !forced;
    if starting() {
        return;
    }
    // One thread decides at a time. The same thread may already be deciding: this is a
    // signal handler's wait that interrupted it, and goes on (the outer decision then
    // finds the clock moved and moves it no further back).
    let nested = match shared.deciding.compare_exchange(NOBODY, me, SeqCst, SeqCst) {
        Ok(_) => false,
        Err(owner) if owner == me => true,
        Err(owner) => {
            // A process killed while deciding leaves the decision to the others.
            if stalled && crate::session::ended(owner) {
                let _ = shared
                    .deciding
                    .compare_exchange(owner, NOBODY, SeqCst, SeqCst);
            }
            return;
        }
    };
    crate::timers::fire_due();
    let now = clock::now_ns();
    let used = shared.used.load(Acquire);
    // A timer's expiry is a deadline too (this process's are after `now`: due ones
    // just fired). Another process's due timer holds the clock until it fires there.
    let mut earliest = crate::timers::next_expiry();
    let mut held = false;
    for process in &crate::session::region().processes {
        let expiry = process.next_expiry.load(SeqCst);
        if expiry > now {
            earliest = earliest.min(expiry);
        } else if !stalled {
            held = true;
        } else if crate::session::ended(process.pid()) {
            // Killed with a timer armed.
            process.next_expiry.store(NO_DEADLINE, SeqCst);
        }
    }
    for slot in &shared.table[..used] {
        match slot.state.load(SeqCst) {
            RUNNING if stand_in_replaced(slot, &shared.table[..used]) => {
                slot.state.store(FREE, SeqCst);
            }
            RUNNING if !(stalled && blocked_outside(slot)) => {
                held = true;
                break;
            }
            WAITING => {
                let deadline = slot.deadline.load(SeqCst);
                if slot.recheck.load(SeqCst) || deadline <= now {
                    if stalled && gone(slot) {
                        // Its process was killed while it waited.
                        slot.state.store(FREE, SeqCst);
                        continue;
                    }
                    held = true;
                    break;
                }
                earliest = earliest.min(deadline);
            }
            _ => {}
        }
    }
    if !held && earliest > now && earliest != NO_DEADLINE && !starting() {
        move_and_wake(earliest);
    }
    if !nested {
        shared.deciding.store(NOBODY, SeqCst);
    }
}

/// Moves the clock to `deadline` and wakes the threads sleeping until it moves.
fn move_and_wake(deadline: u64) {
    clock::move_to(deadline);
    wake_movers();
}

/// After a move of the clock: fires the timers it reached and wakes the threads
/// sleeping until it moves.
fn wake_movers() {
    crate::timers::fire_due();
    let moves = &shared().moves;
    moves.fetch_add(1, SeqCst);
    crate::session::futex(moves, libc::FUTEX_WAKE, i32::MAX as u32, 0);
}

/// Whether the slot's thread is gone (or a zombie).
fn gone(slot: &Slot) -> bool {
    let tid = slot.tid.load(Relaxed).abs();
    !matches!(thread_state(slot.pid.load(Relaxed), tid), Some((state, _)) if !matches!(state, b'Z' | b'X'))
}

/// Whether the slot's thread, counted as running, is blocked in a call the emulator does
/// not model: it has used no CPU time for [`STALL_NS`] and the kernel reports it asleep
/// (not runnable). A thread that is gone frees its slot.
fn blocked_outside(slot: &Slot) -> bool {
    // A stand-in for a spawned child ([`hold_for_child`]) looks at the child.
    let tid = slot.tid.load(Relaxed).abs();
    let Some((state, cpu)) = thread_state(slot.pid.load(Relaxed), tid) else {
        // The thread is gone without passing through its end (cancelled, or its
        // process killed).
        slot.state.store(FREE, SeqCst);
        return true;
    };
    if matches!(state, b'Z' | b'X') {
        slot.state.store(FREE, SeqCst);
        return true;
    }
    let now = real_now();
    if slot.cpu_ns.swap(cpu, Relaxed) != cpu {
        slot.cpu_unchanged_since.store(now, Relaxed);
        return false;
    }
    // Asleep: `S` (a wait that a signal may end) or stopped; not `D`, a short wait for
    // the disk (a program being loaded from it is about to run).
    now.saturating_sub(slot.cpu_unchanged_since.load(Relaxed)) >= STALL_NS
        && matches!(state, b'S' | b'T' | b't')
}

/// The state the kernel reports for thread `tid` of process `pid` (`R` running, `S`
/// asleep, `Z` a zombie...) and the CPU time it has used, in clock ticks; `None` when
/// there is no such thread.
pub fn thread_state(pid: i32, tid: i32) -> Option<(u8, u64)> {
    use std::io::Write;
    // Formatted into a zeroed stack buffer: no allocation, and NUL-terminated.
    let mut path = [0u8; 64];
    write!(&mut path[..63], "/proc/{pid}/task/{tid}/stat").ok()?;
    // SAFETY: `path` is NUL-terminated (its last byte is never written).
    let fd = unsafe { real::open(path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC, 0) };
    if fd < 0 {
        return None;
    }
    let mut stat = [0u8; 512];
    // SAFETY: reads into a stack buffer of that size; the descriptor is ours.
    let read = unsafe { real::read(fd, stat.as_mut_ptr().cast(), stat.len()) };
    // SAFETY: closes the descriptor opened above.
    unsafe { real::close(fd) };
    let stat = &stat[..usize::try_from(read).ok()?];
    // "tid (comm) S ppid ... utime stime ...": the state follows the last ')', and the
    // user and system times are the 12th and 13th fields after it (proc(5)).
    let close = stat.iter().rposition(|b| *b == b')')?;
    let mut fields = stat.get(close + 2..)?.split(|b| *b == b' ');
    let state = *fields.next()?.first()?;
    let mut ticks = fields.skip(10).take(2).map(|field| {
        std::str::from_utf8(field)
            .ok()
            .and_then(|text| text.parse::<u64>().ok())
            .unwrap_or(0)
    });
    let cpu = ticks.next().unwrap_or(0) + ticks.next().unwrap_or(0);
    Some((state, cpu))
}
