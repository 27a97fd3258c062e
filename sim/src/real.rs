//! The real libc functions behind the ones this library interposes, found with
//! `dlsym(RTLD_NEXT, ...)` when the library is loaded ([`resolve_all`]) and cached.
//! A function called before that (by another library's constructor) is looked up then;
//! the clock functions instead go straight to the kernel, so that reading the clock
//! never calls into the dynamic linker.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_ulong, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The real function `name`, looked up once and cached; `None` when the C library has
/// none of that name (`fcntl64` before glibc 2.28).
fn try_lookup(cache: &AtomicUsize, name: &CStr) -> Option<usize> {
    if let Some(address) = cached(cache) {
        return Some(address);
    }
    // SAFETY: dlsym with a NUL-terminated name; RTLD_NEXT finds the definition after ours.
    let found = unsafe { libc::dlsym(libc::RTLD_NEXT, name.as_ptr()) } as usize;
    (found != 0).then(|| {
        cache.store(found, Ordering::Release);
        found
    })
}

/// [`try_lookup`] for a function being called: one the C library lacks cannot have
/// been called through it, so this process cannot go on.
fn lookup(cache: &AtomicUsize, name: &CStr) -> usize {
    try_lookup(cache, name).unwrap_or_else(|| {
        let message = b"lightseg-sim: cannot find a libc function to forward to\n";
        // SAFETY: raw write of a static buffer to stderr.
        unsafe { libc::syscall(libc::SYS_write, 2, message.as_ptr(), message.len()) };
        std::process::abort();
    })
}

/// The cached address of a function, if it has been looked up.
fn cached(cache: &AtomicUsize) -> Option<usize> {
    Some(cache.load(Ordering::Acquire)).filter(|address| *address != 0)
}

macro_rules! real_fns {
    ($($(#[$doc:meta])* $name:ident = $symbol:literal: fn($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(
            /// Where the real function is, once looked up.
            #[allow(non_snake_case)]
            mod $name {
                pub static CACHE: super::AtomicUsize = super::AtomicUsize::new(0);
            }

            $(#[$doc])*
            ///
            /// # Safety
            /// The contract of the libc function of that name.
            pub unsafe fn $name($($arg: $ty),*) -> $ret {
                let address = lookup(&$name::CACHE, $symbol);
                // SAFETY: the symbol is the libc function of exactly this signature.
                let function: unsafe extern "C" fn($($ty),*) -> $ret =
                    unsafe { std::mem::transmute::<usize, _>(address) };
                unsafe { function($($arg),*) }
            }
        )*

        /// Looks up every real function now (from the library's constructor); one the C
        /// library lacks is left to fail if it is ever called.
        pub fn resolve_all() {
            $( try_lookup(&$name::CACHE, $symbol); )*
        }
    };
}

/// The start routine type of `pthread_create`.
pub type StartRoutine = extern "C" fn(*mut c_void) -> *mut c_void;

real_fns! {
    /// libc `open`.
    open = c"open": fn(path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int;
    /// libc `openat`.
    openat = c"openat": fn(dirfd: c_int, path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int;
    /// libc `close`.
    close = c"close": fn(fd: c_int) -> c_int;
    /// libc `dup`.
    dup = c"dup": fn(fd: c_int) -> c_int;
    /// libc `dup2`.
    dup2 = c"dup2": fn(fd: c_int, new_fd: c_int) -> c_int;
    /// libc `dup3`.
    dup3 = c"dup3": fn(fd: c_int, new_fd: c_int, flags: c_int) -> c_int;
    /// libc `fcntl` (its third argument passed as a pointer-sized value).
    fcntl = c"fcntl": fn(fd: c_int, command: c_int, arg: c_ulong) -> c_int;
    /// libc `fcntl64` (the name 32-bit programs built with 64-bit offsets call).
    fcntl64 = c"fcntl64": fn(fd: c_int, command: c_int, arg: c_ulong) -> c_int;
    /// libc `read`.
    read = c"read": fn(fd: c_int, buf: *mut c_void, count: usize) -> isize;
    /// libc `write`.
    write = c"write": fn(fd: c_int, buf: *const c_void, count: usize) -> isize;
    /// libc `ioctl` (its third argument passed as a pointer-sized value).
    ioctl = c"ioctl": fn(fd: c_int, request: c_ulong, arg: *mut c_void) -> c_int;
    /// libc `nanosleep`.
    libc_nanosleep = c"nanosleep": fn(req: *const libc::timespec, rem: *mut libc::timespec) -> c_int;
    /// libc `clock_nanosleep`.
    libc_clock_nanosleep = c"clock_nanosleep":
        fn(clock: libc::clockid_t, flags: c_int, req: *const libc::timespec, rem: *mut libc::timespec) -> c_int;
    /// libc `clock_gettime`.
    libc_clock_gettime = c"clock_gettime": fn(clock: libc::clockid_t, tp: *mut libc::timespec) -> c_int;
    /// libc `pthread_create`.
    pthread_create = c"pthread_create":
        fn(thread: *mut libc::pthread_t, attr: *const libc::pthread_attr_t, start: StartRoutine, arg: *mut c_void) -> c_int;
    /// libc `pthread_join`.
    pthread_join = c"pthread_join": fn(thread: libc::pthread_t, retval: *mut *mut c_void) -> c_int;
    /// libc `pthread_tryjoin_np`.
    pthread_tryjoin_np = c"pthread_tryjoin_np": fn(thread: libc::pthread_t, retval: *mut *mut c_void) -> c_int;
    /// libc `pthread_clockjoin_np`.
    pthread_clockjoin_np = c"pthread_clockjoin_np":
        fn(thread: libc::pthread_t, retval: *mut *mut c_void, clock: libc::clockid_t, abstime: *const libc::timespec) -> c_int;
    /// libc `poll`.
    poll = c"poll": fn(fds: *mut libc::pollfd, count: libc::nfds_t, timeout_ms: c_int) -> c_int;
    /// libc `ppoll`.
    ppoll = c"ppoll":
        fn(fds: *mut libc::pollfd, count: libc::nfds_t, timeout: *const libc::timespec, mask: *const libc::sigset_t) -> c_int;
    /// libc `select`.
    select = c"select":
        fn(nfds: c_int, read: *mut libc::fd_set, write: *mut libc::fd_set, error: *mut libc::fd_set, timeout: *mut libc::timeval) -> c_int;
    /// libc `pselect`.
    pselect = c"pselect":
        fn(nfds: c_int, read: *mut libc::fd_set, write: *mut libc::fd_set, error: *mut libc::fd_set, timeout: *const libc::timespec, mask: *const libc::sigset_t) -> c_int;
    /// libc `epoll_pwait`.
    epoll_pwait = c"epoll_pwait":
        fn(epfd: c_int, events: *mut libc::epoll_event, max: c_int, timeout_ms: c_int, mask: *const libc::sigset_t) -> c_int;
    /// libc `epoll_create1`.
    epoll_create1 = c"epoll_create1": fn(flags: c_int) -> c_int;
    /// libc `epoll_create`.
    epoll_create = c"epoll_create": fn(size: c_int) -> c_int;
    /// libc `epoll_ctl`.
    epoll_ctl = c"epoll_ctl": fn(epfd: c_int, op: c_int, fd: c_int, event: *mut libc::epoll_event) -> c_int;
    /// libc `send`.
    send = c"send": fn(fd: c_int, buf: *const c_void, count: usize, flags: c_int) -> isize;
    /// libc `sendto`.
    sendto = c"sendto":
        fn(fd: c_int, buf: *const c_void, count: usize, flags: c_int, to: *const libc::sockaddr, to_len: libc::socklen_t) -> isize;
    /// libc `sendmsg`.
    sendmsg = c"sendmsg": fn(fd: c_int, message: *const libc::msghdr, flags: c_int) -> isize;
    /// libc `writev`.
    writev = c"writev": fn(fd: c_int, vectors: *const libc::iovec, count: c_int) -> isize;
    /// libc `timerfd_create`.
    timerfd_create = c"timerfd_create": fn(clock: libc::clockid_t, flags: c_int) -> c_int;
    /// libc `timerfd_settime`.
    timerfd_settime = c"timerfd_settime":
        fn(fd: c_int, flags: c_int, new: *const libc::itimerspec, old: *mut libc::itimerspec) -> c_int;
    /// libc `timerfd_gettime`.
    timerfd_gettime = c"timerfd_gettime": fn(fd: c_int, value: *mut libc::itimerspec) -> c_int;
    /// libc `timer_create`.
    timer_create = c"timer_create":
        fn(clock: libc::clockid_t, event: *mut libc::sigevent, id: *mut libc::timer_t) -> c_int;
    /// libc `timer_settime`.
    timer_settime = c"timer_settime":
        fn(id: libc::timer_t, flags: c_int, new: *const libc::itimerspec, old: *mut libc::itimerspec) -> c_int;
    /// libc `timer_gettime`.
    timer_gettime = c"timer_gettime": fn(id: libc::timer_t, value: *mut libc::itimerspec) -> c_int;
    /// libc `timer_delete`.
    timer_delete = c"timer_delete": fn(id: libc::timer_t) -> c_int;
    /// libc `setitimer`.
    setitimer = c"setitimer": fn(which: c_int, new: *const libc::itimerval, old: *mut libc::itimerval) -> c_int;
    /// libc `getitimer`.
    getitimer = c"getitimer": fn(which: c_int, value: *mut libc::itimerval) -> c_int;
    /// libc `sem_wait`.
    sem_wait = c"sem_wait": fn(sem: *mut libc::sem_t) -> c_int;
    /// libc `sem_timedwait`.
    sem_timedwait = c"sem_timedwait": fn(sem: *mut libc::sem_t, abstime: *const libc::timespec) -> c_int;
    /// libc `pthread_cond_wait`.
    pthread_cond_wait = c"pthread_cond_wait":
        fn(cond: *mut libc::pthread_cond_t, mutex: *mut libc::pthread_mutex_t) -> c_int;
    /// libc `pthread_cond_timedwait`.
    pthread_cond_timedwait = c"pthread_cond_timedwait":
        fn(cond: *mut libc::pthread_cond_t, mutex: *mut libc::pthread_mutex_t, abstime: *const libc::timespec) -> c_int;
    /// libc `sem_trywait`.
    sem_trywait = c"sem_trywait": fn(sem: *mut libc::sem_t) -> c_int;
    /// libc `sem_clockwait`.
    sem_clockwait = c"sem_clockwait":
        fn(sem: *mut libc::sem_t, clock: libc::clockid_t, abstime: *const libc::timespec) -> c_int;
    /// libc `sem_post`.
    sem_post = c"sem_post": fn(sem: *mut libc::sem_t) -> c_int;
    /// libc `pthread_cond_clockwait`.
    pthread_cond_clockwait = c"pthread_cond_clockwait":
        fn(cond: *mut libc::pthread_cond_t, mutex: *mut libc::pthread_mutex_t, clock: libc::clockid_t, abstime: *const libc::timespec) -> c_int;
    /// libc `pthread_cond_signal`.
    pthread_cond_signal = c"pthread_cond_signal": fn(cond: *mut libc::pthread_cond_t) -> c_int;
    /// libc `pthread_cond_broadcast`.
    pthread_cond_broadcast = c"pthread_cond_broadcast": fn(cond: *mut libc::pthread_cond_t) -> c_int;
    /// libc `syscall` (with all six argument registers).
    libc_syscall = c"syscall":
        fn(number: libc::c_long, a: libc::c_long, b: libc::c_long, c: libc::c_long, d: libc::c_long, e: libc::c_long, f: libc::c_long) -> libc::c_long;
    /// libc `fork`.
    fork = c"fork": fn() -> libc::pid_t;
    /// libc `wait4`.
    wait4 = c"wait4":
        fn(pid: libc::pid_t, status: *mut c_int, options: c_int, usage: *mut libc::rusage) -> libc::pid_t;
    /// libc `waitid`.
    waitid = c"waitid":
        fn(kind: libc::idtype_t, id: libc::id_t, info: *mut libc::siginfo_t, options: c_int) -> c_int;
    /// libc `posix_spawn`.
    posix_spawn = c"posix_spawn":
        fn(pid: *mut libc::pid_t, path: *const c_char, actions: *const libc::posix_spawn_file_actions_t, attributes: *const libc::posix_spawnattr_t, argv: *const *mut c_char, envp: *const *mut c_char) -> c_int;
    /// libc `posix_spawnp`.
    posix_spawnp = c"posix_spawnp":
        fn(pid: *mut libc::pid_t, file: *const c_char, actions: *const libc::posix_spawn_file_actions_t, attributes: *const libc::posix_spawnattr_t, argv: *const *mut c_char, envp: *const *mut c_char) -> c_int;
    /// libc `sigsuspend`.
    sigsuspend = c"sigsuspend": fn(mask: *const libc::sigset_t) -> c_int;
    /// libc `pause`.
    pause = c"pause": fn() -> c_int;
    /// libc `_exit`, which does not return (it is never called through here).
    libc_exit = c"_exit": fn(status: c_int) -> ();
    /// libc `pthread_exit`, which does not return (it is never called through here).
    libc_pthread_exit = c"pthread_exit": fn(value: *mut c_void) -> ();
}

/// libc's `syscall`, past the interposed one (the scheduler's own futex waits on the
/// clock's word must not be scheduled).
///
/// # Safety
/// The contract of `syscall(2)` for `number`.
pub unsafe fn syscall(
    number: libc::c_long,
    a: libc::c_long,
    b: libc::c_long,
    c: libc::c_long,
    d: libc::c_long,
    e: libc::c_long,
    f: libc::c_long,
) -> libc::c_long {
    // SAFETY: passed on to the real function, which reads all six argument registers.
    unsafe { libc_syscall(number, a, b, c, d, e, f) }
}

/// The real `pthread_exit`.
///
/// # Safety
/// The contract of `pthread_exit(3)`.
pub unsafe fn pthread_exit(value: *mut c_void) -> ! {
    let address = lookup(&libc_pthread_exit::CACHE, c"pthread_exit");
    // SAFETY: the symbol is libc's pthread_exit, of exactly this signature.
    let function: unsafe extern "C" fn(*mut c_void) -> ! =
        unsafe { std::mem::transmute::<usize, _>(address) };
    unsafe { function(value) }
}

/// The real `_exit`: ends the process at once.
pub fn exit_now(status: c_int) -> ! {
    let address = lookup(&libc_exit::CACHE, c"_exit");
    // SAFETY: the symbol is libc's _exit, of exactly this signature; it has no
    // preconditions and does not return.
    let function: unsafe extern "C" fn(c_int) -> ! =
        unsafe { std::mem::transmute::<usize, _>(address) };
    unsafe { function(status) }
}

/// The real `clock_gettime`: libc's once looked up, the kernel's before.
///
/// # Safety
/// The contract of `clock_gettime(2)`.
pub unsafe fn clock_gettime(clock: libc::clockid_t, tp: *mut libc::timespec) -> c_int {
    if cached(&libc_clock_gettime::CACHE).is_some() {
        // SAFETY: passed on.
        return unsafe { libc_clock_gettime(clock, tp) };
    }
    // SAFETY: the system call of that contract; it sets errno and returns -1 on failure.
    unsafe { libc::syscall(libc::SYS_clock_gettime, clock, tp) as c_int }
}

/// The real `nanosleep`: libc's once looked up, the kernel's before.
///
/// # Safety
/// The contract of `nanosleep(2)`.
pub unsafe fn nanosleep(req: *const libc::timespec, rem: *mut libc::timespec) -> c_int {
    if cached(&libc_nanosleep::CACHE).is_some() {
        // SAFETY: passed on.
        return unsafe { libc_nanosleep(req, rem) };
    }
    // SAFETY: the system call of that contract.
    unsafe { libc::syscall(libc::SYS_nanosleep, req, rem) as c_int }
}

/// The real `clock_nanosleep`: libc's once looked up, the kernel's before (which, as
/// libc's, returns the error number instead of setting errno).
///
/// # Safety
/// The contract of `clock_nanosleep(2)`.
pub unsafe fn clock_nanosleep(
    clock: libc::clockid_t,
    flags: c_int,
    req: *const libc::timespec,
    rem: *mut libc::timespec,
) -> c_int {
    if cached(&libc_clock_nanosleep::CACHE).is_some() {
        // SAFETY: passed on.
        return unsafe { libc_clock_nanosleep(clock, flags, req, rem) };
    }
    // SAFETY: the system call of that contract.
    match unsafe { libc::syscall(libc::SYS_clock_nanosleep, clock, flags, req, rem) } {
        0 => 0,
        // SAFETY: the calling thread's errno slot is always valid.
        _ => unsafe { *libc::__errno_location() },
    }
}

/// Sets the calling thread's errno.
pub fn set_errno(value: c_int) {
    // SAFETY: the calling thread's errno slot is always valid.
    unsafe { *libc::__errno_location() = value };
}

/// The calling thread's errno.
pub fn errno() -> c_int {
    // SAFETY: the calling thread's errno slot is always valid.
    unsafe { *libc::__errno_location() }
}

/// Fails a libc-style call: sets errno and returns -1.
pub fn fail<T: From<i8>>(errno: c_int) -> T {
    set_errno(errno);
    T::from(-1)
}

/// Writes all of `bytes` to `fd` with the real `write` (for the terminal display).
pub fn write_all(fd: c_int, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: the slice is valid for `len` bytes.
        let written = unsafe { write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if written <= 0 {
            return;
        }
        bytes = &bytes[written as usize..];
    }
}
