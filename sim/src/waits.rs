//! Every way a program can wait, on the virtual clock: sleeps, clock reads, descriptor
//! waits (`poll`, `select`, `epoll_wait` and their variants), semaphores, condition
//! variables, futexes (`syscall(SYS_futex)`, as Rust's standard library waits) and
//! thread joins. Each is a [`schedule::wait`] whose looks are the real call with a short
//! real timeout; the calls that wake a waiter (`sem_post`, `pthread_cond_signal`, a
//! futex wake, a write or send, a close, a thread's end) tell the scheduler.
//!
//! A descriptor wait that another process or the network may end (a pipe, a terminal, a
//! network or named socket) is not a virtual wait: it takes its real time, and the clock
//! then moves by the time it took. Waits on descriptors only this process writes
//! (socket pairs, eventfds, regular files, `/dev/null`) are virtual.
//!
//! In real-time mode (`LIGHTSEG_SIM_REALTIME=1`) every call here is the real one.
//!
//! Every function here has the contract of the libc function it replaces.
#![allow(clippy::missing_safety_doc)]

use std::os::raw::{c_int, c_long, c_uint, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::clock;
use crate::clock::valid;
use crate::real::{self, errno, set_errno};
use crate::schedule::{self, Ended, DESCRIPTORS, NO_DEADLINE};

/// The real monotonic time `real_ns` from now, as an absolute timespec.
fn real_deadline(real_ns: u64) -> libc::timespec {
    clock::to_timespec(schedule::real_now().saturating_add(real_ns))
}

/// The virtual deadline `relative_ns` from now.
fn after(relative_ns: u64) -> u64 {
    clock::now_ns().saturating_add(relative_ns)
}

/// A descriptor was written to or closed: threads waiting on descriptors look again.
pub fn wrote() {
    schedule::woke(DESCRIPTORS);
}

// ---------------------------------------------------------------------------------
// Sleeps and clock reads.

fn sleep_for(ns: u64) {
    clock::sleep_until(after(ns));
}

/// `nanosleep(2)` on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn nanosleep(req: *const libc::timespec, rem: *mut libc::timespec) -> c_int {
    if !clock::is_virtual() {
        return real::nanosleep(req, rem);
    }
    if req.is_null() {
        set_errno(libc::EFAULT);
        return -1;
    }
    if !valid(&*req) {
        set_errno(libc::EINVAL);
        return -1;
    }
    sleep_for(clock::to_ns(&*req));
    if !rem.is_null() {
        *rem = clock::to_timespec(0);
    }
    0
}

/// `clock_nanosleep(2)` on the virtual clock (relative and `TIMER_ABSTIME`).
#[no_mangle]
pub unsafe extern "C" fn clock_nanosleep(
    clock_id: libc::clockid_t,
    flags: c_int,
    req: *const libc::timespec,
    rem: *mut libc::timespec,
) -> c_int {
    if !clock::is_virtual() || clock::virtual_reading(clock_id).is_none() {
        return real::clock_nanosleep(clock_id, flags, req, rem);
    }
    if req.is_null() {
        return libc::EFAULT;
    }
    let req = &*req;
    if !valid(req) {
        return libc::EINVAL;
    }
    if flags & libc::TIMER_ABSTIME != 0 {
        if let Some(deadline) = clock::deadline_on(clock_id, clock::to_ns(req)) {
            clock::sleep_until(deadline);
        }
    } else {
        sleep_for(clock::to_ns(req));
    }
    0
}

/// `usleep(3)` on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn usleep(usec: c_uint) -> c_int {
    let req = clock::to_timespec(u64::from(usec) * 1000);
    nanosleep(&req, std::ptr::null_mut())
}

/// `sleep(3)` on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn sleep(seconds: c_uint) -> c_uint {
    let req = clock::to_timespec(u64::from(seconds) * 1_000_000_000);
    nanosleep(&req, std::ptr::null_mut());
    0
}

/// `clock_gettime(2)`: virtual for the wall, monotonic and boot clocks. A read in a
/// busy wait moves the clock ([`clock::count_read`]).
#[no_mangle]
pub unsafe extern "C" fn clock_gettime(
    clock_id: libc::clockid_t,
    tp: *mut libc::timespec,
) -> c_int {
    if clock::virtual_reading(clock_id).is_none() {
        return real::clock_gettime(clock_id, tp);
    }
    if tp.is_null() {
        set_errno(libc::EFAULT);
        return -1;
    }
    clock::count_read();
    crate::timers::fire_due();
    match clock::virtual_reading(clock_id) {
        Some(ns) => {
            *tp = clock::to_timespec(ns);
            0
        }
        None => real::clock_gettime(clock_id, tp),
    }
}

/// `gettimeofday(2)` on the virtual wall clock.
#[no_mangle]
pub unsafe extern "C" fn gettimeofday(tv: *mut libc::timeval, _tz: *mut c_void) -> c_int {
    let mut ts = clock::to_timespec(0);
    if clock_gettime(libc::CLOCK_REALTIME, &mut ts) != 0 {
        return -1;
    }
    if !tv.is_null() {
        *tv = libc::timeval {
            tv_sec: ts.tv_sec,
            tv_usec: (ts.tv_nsec / 1000) as libc::suseconds_t,
        };
    }
    0
}

/// `time(2)` on the virtual wall clock.
#[no_mangle]
pub unsafe extern "C" fn time(tloc: *mut libc::time_t) -> libc::time_t {
    let mut ts = clock::to_timespec(0);
    if clock_gettime(libc::CLOCK_REALTIME, &mut ts) != 0 {
        return -1;
    }
    if !tloc.is_null() {
        *tloc = ts.tv_sec;
    }
    ts.tv_sec
}

// ---------------------------------------------------------------------------------
// Descriptor waits.

/// Whether another process or the network may make `fd` ready: anything but a regular
/// file, an anonymous inode (eventfd, timerfd, epoll), `/dev/null` (which the emulated
/// adapters are) and an unnamed Unix socket (a socket pair).
fn outside(fd: c_int) -> bool {
    // SAFETY: an all-zero stat is a valid value to be overwritten.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes the stat buffer; a bad descriptor fails (the real wait then
    // reports it).
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return false;
    }
    match st.st_mode & libc::S_IFMT {
        0 | libc::S_IFREG => false,
        libc::S_IFCHR => st.st_rdev != libc::makedev(1, 3),
        libc::S_IFSOCK => !(unnamed(fd, libc::getsockname) && unnamed(fd, libc::getpeername)),
        _ => true,
    }
}

type NameFn = unsafe extern "C" fn(c_int, *mut libc::sockaddr, *mut libc::socklen_t) -> c_int;

/// Whether a socket's own or peer name (as `name` gets it) is an unnamed Unix address.
fn unnamed(fd: c_int, name: NameFn) -> bool {
    // SAFETY: an all-zero sockaddr_storage is a valid value to be overwritten.
    let mut address: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut length = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: the buffer and its length are valid.
    let rc = unsafe {
        name(
            fd,
            (&mut address as *mut libc::sockaddr_storage).cast(),
            &mut length,
        )
    };
    rc == 0
        && c_int::from(address.ss_family) == libc::AF_UNIX
        && length as usize <= std::mem::size_of::<libc::sa_family_t>()
}

/// Runs a descriptor wait that the outside world may end in real time; the clock then
/// moves by the real time it took. With other processes in the session, one of them may
/// be what ends it (a child's output through a pipe): the wait then neither holds the
/// clock nor moves it, so their times stay their own.
fn real_time_wait<R>(wait: impl FnOnce() -> R) -> R {
    if crate::session::others_attached() {
        return schedule::outside(wait);
    }
    let virtual_start = clock::now_ns();
    let real_start = schedule::real_now();
    let result = wait();
    let errno = errno();
    clock::catch_up_to(
        virtual_start.saturating_add(schedule::real_now().saturating_sub(real_start)),
    );
    set_errno(errno);
    result
}

/// The virtual deadline of a timeout in milliseconds (negative: none).
fn deadline_ms(timeout_ms: c_int) -> u64 {
    u64::try_from(timeout_ms).map_or(NO_DEADLINE, |ms| after(ms * 1_000_000))
}

/// The virtual deadline of a relative timespec timeout (null: none).
unsafe fn deadline_after(timeout: *const libc::timespec) -> u64 {
    if timeout.is_null() {
        NO_DEADLINE
    } else {
        after(clock::to_ns(&*timeout))
    }
}

/// A real timeout in milliseconds for a look of `real_ns`.
fn look_ms(real_ns: u64) -> c_int {
    c_int::try_from(real_ns.div_ceil(1_000_000)).unwrap_or(c_int::MAX)
}

/// A descriptor wait on the virtual clock: `look(real_ns)` is the real call with that
/// timeout; it returns 0 when nothing is ready. Returns the call's result, 0 at the
/// deadline.
fn descriptor_wait(deadline: u64, mut look: impl FnMut(u64) -> c_int) -> c_int {
    match schedule::wait(deadline, DESCRIPTORS, false, |real_ns| {
        Some(look(real_ns)).filter(|ready| *ready != 0)
    }) {
        Ended::Done(result) => result,
        Ended::TimedOut | Ended::Woken => 0,
    }
}

/// Whether any of `fds` may be made ready from outside the process.
unsafe fn any_outside_poll(fds: *const libc::pollfd, count: libc::nfds_t) -> bool {
    if fds.is_null() {
        return false;
    }
    std::slice::from_raw_parts(fds, count as usize)
        .iter()
        .any(|p| p.fd >= 0 && outside(p.fd))
}

/// `poll(2)`: the timeout on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn poll(
    fds: *mut libc::pollfd,
    count: libc::nfds_t,
    timeout_ms: c_int,
) -> c_int {
    if !clock::is_virtual() || timeout_ms == 0 {
        return real::poll(fds, count, timeout_ms);
    }
    if any_outside_poll(fds, count) {
        return real_time_wait(|| real::poll(fds, count, timeout_ms));
    }
    descriptor_wait(deadline_ms(timeout_ms), |real_ns| {
        real::poll(fds, count, look_ms(real_ns))
    })
}

/// `ppoll(2)`: the timeout on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn ppoll(
    fds: *mut libc::pollfd,
    count: libc::nfds_t,
    timeout: *const libc::timespec,
    mask: *const libc::sigset_t,
) -> c_int {
    let zero = !timeout.is_null() && clock::to_ns(&*timeout) == 0;
    if !clock::is_virtual() || zero || (!timeout.is_null() && !valid(&*timeout)) {
        return real::ppoll(fds, count, timeout, mask);
    }
    if any_outside_poll(fds, count) {
        return real_time_wait(|| real::ppoll(fds, count, timeout, mask));
    }
    descriptor_wait(deadline_after(timeout), |real_ns| {
        real::ppoll(fds, count, &clock::to_timespec(real_ns), mask)
    })
}

/// The descriptor sets of a `select`, kept to be restored before each look.
struct Sets {
    pointers: [*mut libc::fd_set; 3],
    saved: [libc::fd_set; 3],
}

impl Sets {
    unsafe fn keep(pointers: [*mut libc::fd_set; 3]) -> Self {
        // SAFETY: an all-zero fd_set is an empty set.
        let mut saved: [libc::fd_set; 3] = std::mem::zeroed();
        for (copy, pointer) in saved.iter_mut().zip(pointers) {
            if !pointer.is_null() {
                *copy = *pointer;
            }
        }
        Sets { pointers, saved }
    }

    unsafe fn restore(&self) {
        for (copy, pointer) in self.saved.iter().zip(self.pointers) {
            if !pointer.is_null() {
                *pointer = *copy;
            }
        }
    }

    /// At the deadline: every set comes back empty, as from the real call.
    unsafe fn clear(&self) {
        for pointer in self.pointers {
            if !pointer.is_null() {
                libc::FD_ZERO(pointer);
            }
        }
    }

    unsafe fn any_outside(&self, nfds: c_int) -> bool {
        (0..nfds.clamp(0, libc::FD_SETSIZE as c_int)).any(|fd| {
            self.saved
                .iter()
                .zip(self.pointers)
                .any(|(set, pointer)| !pointer.is_null() && libc::FD_ISSET(fd, set))
                && outside(fd)
        })
    }
}

/// A `select` or `pselect` of the sets `pointers` until `deadline`: `call(None)` is the
/// real call with the caller's own timeout (a wait the outside world may end),
/// `call(Some(real_ns))` one with that timeout. The sets come back as the real call
/// leaves them, empty at the deadline.
unsafe fn select_wait(
    nfds: c_int,
    pointers: [*mut libc::fd_set; 3],
    deadline: u64,
    mut call: impl FnMut(Option<u64>) -> c_int,
) -> c_int {
    let sets = Sets::keep(pointers);
    if sets.any_outside(nfds) {
        return real_time_wait(|| call(None));
    }
    let ready = descriptor_wait(deadline, |real_ns| {
        // SAFETY: the caller's sets, as it passed them.
        unsafe { sets.restore() };
        call(Some(real_ns))
    });
    if ready == 0 {
        sets.clear();
    }
    ready
}

/// `select(2)`: the timeout on the virtual clock (and updated to what is left, as
/// Linux does).
#[no_mangle]
pub unsafe extern "C" fn select(
    nfds: c_int,
    read: *mut libc::fd_set,
    write: *mut libc::fd_set,
    error: *mut libc::fd_set,
    timeout: *mut libc::timeval,
) -> c_int {
    let timeout_ns = (!timeout.is_null()).then(|| clock::timeval_ns(&*timeout));
    if !clock::is_virtual() || timeout_ns == Some(Some(0)) || timeout_ns == Some(None) || nfds < 0 {
        return real::select(nfds, read, write, error, timeout);
    }
    let deadline = timeout_ns.flatten().map_or(NO_DEADLINE, after);
    let ready = select_wait(nfds, [read, write, error], deadline, |slice| match slice {
        None => real::select(nfds, read, write, error, timeout),
        Some(real_ns) => {
            let mut slice = clock::to_timeval(real_ns.max(1000));
            real::select(nfds, read, write, error, &mut slice)
        }
    });
    if !timeout.is_null() && deadline != NO_DEADLINE {
        *timeout = clock::to_timeval(deadline.saturating_sub(clock::now_ns()));
    }
    ready
}

/// `pselect(2)`: the timeout on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn pselect(
    nfds: c_int,
    read: *mut libc::fd_set,
    write: *mut libc::fd_set,
    error: *mut libc::fd_set,
    timeout: *const libc::timespec,
    mask: *const libc::sigset_t,
) -> c_int {
    let zero = !timeout.is_null() && clock::to_ns(&*timeout) == 0;
    if !clock::is_virtual() || zero || (!timeout.is_null() && !valid(&*timeout)) || nfds < 0 {
        return real::pselect(nfds, read, write, error, timeout, mask);
    }
    select_wait(
        nfds,
        [read, write, error],
        deadline_after(timeout),
        |slice| match slice {
            None => real::pselect(nfds, read, write, error, timeout, mask),
            Some(real_ns) => {
                real::pselect(nfds, read, write, error, &clock::to_timespec(real_ns), mask)
            }
        },
    )
}

/// Epoll sets (by descriptor) that hold a descriptor the outside world may make ready.
const TRACKED_EPOLL: usize = 1024;
static EPOLL_OUTSIDE: [AtomicBool; TRACKED_EPOLL] =
    [const { AtomicBool::new(false) }; TRACKED_EPOLL];

fn epoll_outside(epfd: c_int) -> &'static AtomicBool {
    static UNTRACKED: AtomicBool = AtomicBool::new(true);
    usize::try_from(epfd)
        .ok()
        .and_then(|index| EPOLL_OUTSIDE.get(index))
        .unwrap_or(&UNTRACKED)
}

fn new_epoll(epfd: c_int) -> c_int {
    if epfd >= 0 {
        epoll_outside(epfd).store(false, Ordering::Release);
    }
    epfd
}

/// `epoll_create(2)`: a new set holds nothing from outside.
#[no_mangle]
pub unsafe extern "C" fn epoll_create(size: c_int) -> c_int {
    new_epoll(real::epoll_create(size))
}

/// `epoll_create1(2)`.
#[no_mangle]
pub unsafe extern "C" fn epoll_create1(flags: c_int) -> c_int {
    new_epoll(real::epoll_create1(flags))
}

/// `epoll_ctl(2)`: notes a descriptor the outside world may make ready.
#[no_mangle]
pub unsafe extern "C" fn epoll_ctl(
    epfd: c_int,
    op: c_int,
    fd: c_int,
    event: *mut libc::epoll_event,
) -> c_int {
    let rc = real::epoll_ctl(epfd, op, fd, event);
    if rc == 0 && op != libc::EPOLL_CTL_DEL && outside(fd) {
        epoll_outside(epfd).store(true, Ordering::Release);
    }
    rc
}

/// An epoll wait of `timeout_ns` (`None`: for ever): the real call when it does not wait
/// or the set holds a descriptor the outside world may make ready (in real time, the
/// clock then moving by it), a wait on the virtual clock otherwise.
unsafe fn epoll_wait_for(
    epfd: c_int,
    events: *mut libc::epoll_event,
    max: c_int,
    timeout_ns: Option<u64>,
    mask: *const libc::sigset_t,
) -> c_int {
    // epoll_pwait's milliseconds, rounded up.
    let timeout_ms = timeout_ns.map_or(-1, look_ms);
    if !clock::is_virtual() || timeout_ms == 0 || max <= 0 {
        return real::epoll_pwait(epfd, events, max, timeout_ms, mask);
    }
    if epoll_outside(epfd).load(Ordering::Acquire) {
        return real_time_wait(|| real::epoll_pwait(epfd, events, max, timeout_ms, mask));
    }
    descriptor_wait(timeout_ns.map_or(NO_DEADLINE, after), |real_ns| {
        // SAFETY: the caller's arguments, passed on with a short timeout.
        unsafe { real::epoll_pwait(epfd, events, max, look_ms(real_ns), mask) }
    })
}

/// `epoll_pwait(2)`: the timeout on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn epoll_pwait(
    epfd: c_int,
    events: *mut libc::epoll_event,
    max: c_int,
    timeout_ms: c_int,
    mask: *const libc::sigset_t,
) -> c_int {
    let timeout_ns = u64::try_from(timeout_ms).ok().map(|ms| ms * 1_000_000);
    epoll_wait_for(epfd, events, max, timeout_ns, mask)
}

/// `epoll_wait(2)`: the timeout on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn epoll_wait(
    epfd: c_int,
    events: *mut libc::epoll_event,
    max: c_int,
    timeout_ms: c_int,
) -> c_int {
    epoll_pwait(epfd, events, max, timeout_ms, std::ptr::null())
}

/// `epoll_pwait2(2)`: the timeout on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn epoll_pwait2(
    epfd: c_int,
    events: *mut libc::epoll_event,
    max: c_int,
    timeout: *const libc::timespec,
    mask: *const libc::sigset_t,
) -> c_int {
    if !timeout.is_null() && !valid(&*timeout) {
        return real::fail(libc::EINVAL);
    }
    let timeout_ns = (!timeout.is_null()).then(|| clock::to_ns(&*timeout));
    epoll_wait_for(epfd, events, max, timeout_ns, mask)
}

/// `send(2)`: wakes threads waiting on descriptors.
#[no_mangle]
pub unsafe extern "C" fn send(fd: c_int, buf: *const c_void, count: usize, flags: c_int) -> isize {
    let sent = real::send(fd, buf, count, flags);
    wrote();
    sent
}

/// `sendto(2)`: wakes threads waiting on descriptors.
#[no_mangle]
pub unsafe extern "C" fn sendto(
    fd: c_int,
    buf: *const c_void,
    count: usize,
    flags: c_int,
    to: *const libc::sockaddr,
    to_len: libc::socklen_t,
) -> isize {
    let sent = real::sendto(fd, buf, count, flags, to, to_len);
    wrote();
    sent
}

/// `sendmsg(2)`: wakes threads waiting on descriptors.
#[no_mangle]
pub unsafe extern "C" fn sendmsg(fd: c_int, message: *const libc::msghdr, flags: c_int) -> isize {
    let sent = real::sendmsg(fd, message, flags);
    wrote();
    sent
}

/// `writev(2)`: wakes threads waiting on descriptors.
#[no_mangle]
pub unsafe extern "C" fn writev(fd: c_int, vectors: *const libc::iovec, count: c_int) -> isize {
    let written = real::writev(fd, vectors, count);
    wrote();
    written
}

// ---------------------------------------------------------------------------------
// Semaphores, condition variables, futexes.

/// A semaphore wait until `deadline`: 0, or -1 with errno.
unsafe fn semaphore_wait(sem: *mut libc::sem_t, deadline: u64) -> c_int {
    let ended = schedule::wait(deadline, sem as usize, false, |real_ns| {
        // SAFETY: the caller's semaphore.
        let rc = unsafe {
            if real_ns == 0 {
                real::sem_trywait(sem)
            } else {
                real::sem_clockwait(sem, libc::CLOCK_MONOTONIC, &real_deadline(real_ns))
            }
        };
        match (rc, errno()) {
            (0, _) => Some(0),
            (_, libc::EAGAIN | libc::ETIMEDOUT) => None,
            _ => Some(-1),
        }
    });
    match ended {
        Ended::Done(rc) => rc,
        Ended::TimedOut | Ended::Woken => {
            set_errno(libc::ETIMEDOUT);
            -1
        }
    }
}

/// `sem_wait(3)`.
#[no_mangle]
pub unsafe extern "C" fn sem_wait(sem: *mut libc::sem_t) -> c_int {
    if !clock::is_virtual() {
        return real::sem_wait(sem);
    }
    semaphore_wait(sem, NO_DEADLINE)
}

/// `sem_timedwait(3)`: the deadline on the virtual wall clock.
#[no_mangle]
pub unsafe extern "C" fn sem_timedwait(
    sem: *mut libc::sem_t,
    abstime: *const libc::timespec,
) -> c_int {
    sem_clockwait(sem, libc::CLOCK_REALTIME, abstime)
}

/// `sem_clockwait(3)`: the deadline on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn sem_clockwait(
    sem: *mut libc::sem_t,
    clock_id: libc::clockid_t,
    abstime: *const libc::timespec,
) -> c_int {
    if !clock::is_virtual() || abstime.is_null() || clock::virtual_reading(clock_id).is_none() {
        return if clock_id == libc::CLOCK_REALTIME {
            real::sem_timedwait(sem, abstime)
        } else {
            real::sem_clockwait(sem, clock_id, abstime)
        };
    }
    if !valid(&*abstime) {
        // As the real call: only a wait that would block checks the time.
        if real::sem_trywait(sem) == 0 {
            return 0;
        }
        set_errno(libc::EINVAL);
        return -1;
    }
    let deadline = clock::deadline_on(clock_id, clock::to_ns(&*abstime)).unwrap_or(NO_DEADLINE);
    semaphore_wait(sem, deadline)
}

/// `sem_post(3)`: wakes its waiters. A thread taking or giving a lock is not busy
/// waiting on the clock (CPython reads the clock on every lock it takes).
#[no_mangle]
pub unsafe extern "C" fn sem_post(sem: *mut libc::sem_t) -> c_int {
    clock::end_spin();
    let rc = real::sem_post(sem);
    schedule::woke(sem as usize);
    rc
}

/// `sem_trywait(3)`: as `sem_post`, not a busy wait on the clock.
#[no_mangle]
pub unsafe extern "C" fn sem_trywait(sem: *mut libc::sem_t) -> c_int {
    clock::end_spin();
    real::sem_trywait(sem)
}

/// A condition wait until `deadline`: 0 or an error number (ETIMEDOUT at the deadline).
unsafe fn condition_wait(
    cond: *mut libc::pthread_cond_t,
    mutex: *mut libc::pthread_mutex_t,
    deadline: u64,
) -> c_int {
    let ended = schedule::wait(deadline, cond as usize, true, |real_ns| {
        if real_ns == 0 {
            // Nothing to check without waiting: a condition has no state.
            return None;
        }
        // SAFETY: the caller's condition and the mutex it holds.
        let rc = unsafe {
            real::pthread_cond_clockwait(
                cond,
                mutex,
                libc::CLOCK_MONOTONIC,
                &real_deadline(real_ns),
            )
        };
        (rc != libc::ETIMEDOUT).then_some(rc)
    });
    match ended {
        Ended::Done(rc) => rc,
        Ended::Woken => 0,
        Ended::TimedOut => libc::ETIMEDOUT,
    }
}

/// `pthread_cond_wait(3)`.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_wait(
    cond: *mut libc::pthread_cond_t,
    mutex: *mut libc::pthread_mutex_t,
) -> c_int {
    if !clock::is_virtual() {
        return real::pthread_cond_wait(cond, mutex);
    }
    condition_wait(cond, mutex, NO_DEADLINE)
}

/// Which clock an absolute deadline of a condition (whose clock attribute is not
/// visible) is on: the monotonic or the wall clock, whichever reading it is nearer.
fn clock_of(absolute_ns: u64) -> libc::clockid_t {
    let monotonic = clock::virtual_reading(libc::CLOCK_MONOTONIC).unwrap_or(0);
    let wall = clock::virtual_reading(libc::CLOCK_REALTIME).unwrap_or(0);
    if absolute_ns.abs_diff(monotonic) <= absolute_ns.abs_diff(wall) {
        libc::CLOCK_MONOTONIC
    } else {
        libc::CLOCK_REALTIME
    }
}

/// `pthread_cond_timedwait(3)`: the deadline on the virtual clock (the monotonic or
/// the wall clock, whichever the deadline is near: the condition's clock attribute is
/// not visible here).
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_timedwait(
    cond: *mut libc::pthread_cond_t,
    mutex: *mut libc::pthread_mutex_t,
    abstime: *const libc::timespec,
) -> c_int {
    if !clock::is_virtual() || abstime.is_null() {
        return real::pthread_cond_timedwait(cond, mutex, abstime);
    }
    pthread_cond_clockwait(cond, mutex, clock_of(clock::to_ns(&*abstime)), abstime)
}

/// `pthread_cond_clockwait(3)`: the deadline on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_clockwait(
    cond: *mut libc::pthread_cond_t,
    mutex: *mut libc::pthread_mutex_t,
    clock_id: libc::clockid_t,
    abstime: *const libc::timespec,
) -> c_int {
    if !clock::is_virtual() || abstime.is_null() || clock::virtual_reading(clock_id).is_none() {
        return real::pthread_cond_clockwait(cond, mutex, clock_id, abstime);
    }
    if !valid(&*abstime) {
        return libc::EINVAL;
    }
    let deadline = clock::deadline_on(clock_id, clock::to_ns(&*abstime)).unwrap_or(NO_DEADLINE);
    condition_wait(cond, mutex, deadline)
}

/// `pthread_cond_signal(3)`: wakes its waiters.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_signal(cond: *mut libc::pthread_cond_t) -> c_int {
    let rc = real::pthread_cond_signal(cond);
    schedule::woke(cond as usize);
    rc
}

/// `pthread_cond_broadcast(3)`: wakes its waiters.
#[no_mangle]
pub unsafe extern "C" fn pthread_cond_broadcast(cond: *mut libc::pthread_cond_t) -> c_int {
    let rc = real::pthread_cond_broadcast(cond);
    schedule::woke(cond as usize);
    rc
}

const FUTEX_COMMAND: c_int = !(libc::FUTEX_PRIVATE_FLAG | libc::FUTEX_CLOCK_REALTIME);

/// `syscall(2)`: futex waits on the virtual clock, futex wakes wake their waiters;
/// every other system call is passed on.
#[no_mangle]
pub unsafe extern "C" fn syscall(
    number: c_long,
    a: c_long,
    b: c_long,
    c: c_long,
    d: c_long,
    e: c_long,
    f: c_long,
) -> c_long {
    if number != libc::SYS_futex || !clock::is_virtual() {
        return real::syscall(number, a, b, c, d, e, f);
    }
    let op = b as c_int;
    match op & FUTEX_COMMAND {
        libc::FUTEX_WAIT | libc::FUTEX_WAIT_BITSET => futex_wait(a, op, c, d, f),
        libc::FUTEX_WAKE
        | libc::FUTEX_WAKE_BITSET
        | libc::FUTEX_REQUEUE
        | libc::FUTEX_CMP_REQUEUE
        | libc::FUTEX_WAKE_OP => {
            let rc = real::syscall(number, a, b, c, d, e, f);
            schedule::woke(a as usize);
            if op & FUTEX_COMMAND != libc::FUTEX_WAKE
                && op & FUTEX_COMMAND != libc::FUTEX_WAKE_BITSET
            {
                schedule::woke(e as usize);
            }
            rc
        }
        _ => real::syscall(number, a, b, c, d, e, f),
    }
}

/// A futex wait: `FUTEX_WAIT` (relative timeout on the monotonic clock) or
/// `FUTEX_WAIT_BITSET` (absolute, on the wall clock with `FUTEX_CLOCK_REALTIME`).
unsafe fn futex_wait(
    address: c_long,
    op: c_int,
    expected: c_long,
    timeout: c_long,
    bitset: c_long,
) -> c_long {
    let timeout = timeout as *const libc::timespec;
    let waits_bitset = op & FUTEX_COMMAND == libc::FUTEX_WAIT_BITSET;
    let deadline = if timeout.is_null() {
        NO_DEADLINE
    } else if !valid(&*timeout) {
        set_errno(libc::EINVAL);
        return -1;
    } else if waits_bitset {
        let on = if op & libc::FUTEX_CLOCK_REALTIME != 0 {
            libc::CLOCK_REALTIME
        } else {
            libc::CLOCK_MONOTONIC
        };
        clock::deadline_on(on, clock::to_ns(&*timeout)).unwrap_or(NO_DEADLINE)
    } else {
        after(clock::to_ns(&*timeout))
    };
    let bitset = if waits_bitset {
        bitset
    } else {
        c_long::from(libc::FUTEX_BITSET_MATCH_ANY)
    };
    let real_op = libc::FUTEX_WAIT_BITSET | (op & libc::FUTEX_PRIVATE_FLAG);
    let ended = schedule::wait(deadline, address as usize, true, |real_ns| {
        let until = real_deadline(real_ns);
        // SAFETY: the caller's futex word, with a real absolute monotonic deadline.
        let rc = unsafe {
            real::syscall(
                libc::SYS_futex,
                address,
                c_long::from(real_op),
                expected,
                &until as *const libc::timespec as c_long,
                0,
                bitset,
            )
        };
        (rc == 0 || errno() != libc::ETIMEDOUT).then_some(rc)
    });
    match ended {
        Ended::Done(rc) => rc,
        Ended::Woken => 0,
        Ended::TimedOut => {
            set_errno(libc::ETIMEDOUT);
            -1
        }
    }
}

// ---------------------------------------------------------------------------------
// Threads.

/// What a new thread needs to start under the scheduler.
struct ThreadStart {
    routine: real::StartRoutine,
    arg: *mut c_void,
}

extern "C" fn start_thread(data: *mut c_void) -> *mut c_void {
    // SAFETY: `data` is the Box leaked by pthread_create below, handed over exactly once.
    let start = unsafe { Box::from_raw(data.cast::<ThreadStart>()) };
    schedule::thread_started();
    let result = (start.routine)(start.arg);
    schedule::thread_ending();
    result
}

/// `pthread_create(3)`: on the virtual clock the new thread is followed by the
/// scheduler from the moment it is created.
#[no_mangle]
pub unsafe extern "C" fn pthread_create(
    thread: *mut libc::pthread_t,
    attr: *const libc::pthread_attr_t,
    routine: real::StartRoutine,
    arg: *mut c_void,
) -> c_int {
    if !clock::is_virtual() {
        return real::pthread_create(thread, attr, routine, arg);
    }
    let start = Box::into_raw(Box::new(ThreadStart { routine, arg }));
    schedule::thread_creating();
    let rc = real::pthread_create(thread, attr, start_thread, start.cast());
    if rc != 0 {
        // The thread was not created: the start data is still ours.
        schedule::thread_not_created();
        drop(Box::from_raw(start));
    }
    rc
}

/// `pthread_join(3)`: a wait on the virtual clock.
#[no_mangle]
pub unsafe extern "C" fn pthread_join(thread: libc::pthread_t, retval: *mut *mut c_void) -> c_int {
    if !clock::is_virtual() {
        return real::pthread_join(thread, retval);
    }
    let ended = schedule::wait(NO_DEADLINE, thread as usize, false, |real_ns| {
        // SAFETY: the caller's thread and result slot.
        let rc = unsafe {
            if real_ns == 0 {
                real::pthread_tryjoin_np(thread, retval)
            } else {
                real::pthread_clockjoin_np(
                    thread,
                    retval,
                    libc::CLOCK_MONOTONIC,
                    &real_deadline(real_ns),
                )
            }
        };
        (rc != libc::EBUSY && rc != libc::ETIMEDOUT).then_some(rc)
    });
    match ended {
        Ended::Done(rc) => rc,
        Ended::TimedOut | Ended::Woken => libc::EDEADLK,
    }
}

/// `pthread_exit(3)`: the thread's slot is freed first.
#[no_mangle]
pub unsafe extern "C" fn pthread_exit(value: *mut c_void) -> ! {
    if clock::is_virtual() {
        schedule::thread_ending();
    }
    real::pthread_exit(value)
}
