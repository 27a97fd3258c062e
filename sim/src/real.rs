//! The real libc functions behind the ones this library interposes, found with
//! `dlsym(RTLD_NEXT, ...)` once and cached.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_ulong, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

fn lookup(cache: &AtomicUsize, name: &CStr) -> usize {
    let cached = cache.load(Ordering::Acquire);
    if cached != 0 {
        return cached;
    }
    // SAFETY: dlsym with a NUL-terminated name; RTLD_NEXT finds the definition after ours.
    let found = unsafe { libc::dlsym(libc::RTLD_NEXT, name.as_ptr()) } as usize;
    if found == 0 {
        // Nothing to forward to: this library cannot work in this process.
        let message = b"lightseg-sim: cannot find a libc function to forward to\n";
        // SAFETY: raw write of a static buffer to stderr.
        unsafe { libc::syscall(libc::SYS_write, 2, message.as_ptr(), message.len()) };
        std::process::abort();
    }
    cache.store(found, Ordering::Release);
    found
}

macro_rules! real_fn {
    ($(#[$doc:meta])* $name:ident = $symbol:literal: fn($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// The contract of the libc function of that name.
        pub unsafe fn $name($($arg: $ty),*) -> $ret {
            static CACHE: AtomicUsize = AtomicUsize::new(0);
            let address = lookup(&CACHE, $symbol);
            // SAFETY: the symbol is the libc function of exactly this signature.
            let function: unsafe extern "C" fn($($ty),*) -> $ret =
                unsafe { std::mem::transmute::<usize, _>(address) };
            unsafe { function($($arg),*) }
        }
    };
}

real_fn!(
    /// libc `open`.
    open = c"open": fn(path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int
);
real_fn!(
    /// libc `openat`.
    openat = c"openat": fn(dirfd: c_int, path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int
);
real_fn!(
    /// libc `close`.
    close = c"close": fn(fd: c_int) -> c_int
);
real_fn!(
    /// libc `dup`.
    dup = c"dup": fn(fd: c_int) -> c_int
);
real_fn!(
    /// libc `dup2`.
    dup2 = c"dup2": fn(fd: c_int, new_fd: c_int) -> c_int
);
real_fn!(
    /// libc `dup3`.
    dup3 = c"dup3": fn(fd: c_int, new_fd: c_int, flags: c_int) -> c_int
);
real_fn!(
    /// libc `fcntl` (its third argument passed as a pointer-sized value).
    fcntl = c"fcntl": fn(fd: c_int, command: c_int, arg: c_ulong) -> c_int
);
real_fn!(
    /// libc `fcntl64` (the name 32-bit programs built with 64-bit offsets call).
    fcntl64 = c"fcntl64": fn(fd: c_int, command: c_int, arg: c_ulong) -> c_int
);
real_fn!(
    /// libc `read`.
    read = c"read": fn(fd: c_int, buf: *mut c_void, count: usize) -> isize
);
real_fn!(
    /// libc `write`.
    write = c"write": fn(fd: c_int, buf: *const c_void, count: usize) -> isize
);
real_fn!(
    /// libc `ioctl` (its third argument passed as a pointer-sized value).
    ioctl = c"ioctl": fn(fd: c_int, request: c_ulong, arg: *mut c_void) -> c_int
);
real_fn!(
    /// libc `nanosleep`.
    nanosleep = c"nanosleep": fn(req: *const libc::timespec, rem: *mut libc::timespec) -> c_int
);
real_fn!(
    /// libc `clock_nanosleep`.
    clock_nanosleep = c"clock_nanosleep":
        fn(clock: libc::clockid_t, flags: c_int, req: *const libc::timespec, rem: *mut libc::timespec) -> c_int
);
real_fn!(
    /// libc `clock_gettime`.
    clock_gettime = c"clock_gettime": fn(clock: libc::clockid_t, tp: *mut libc::timespec) -> c_int
);

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

/// The start routine type of `pthread_create`.
pub type StartRoutine = extern "C" fn(*mut c_void) -> *mut c_void;

real_fn!(
    /// libc `pthread_create`.
    pthread_create = c"pthread_create":
        fn(thread: *mut libc::pthread_t, attr: *const libc::pthread_attr_t, start: StartRoutine, arg: *mut c_void) -> c_int
);
real_fn!(
    /// libc `pthread_join`.
    pthread_join = c"pthread_join": fn(thread: libc::pthread_t, retval: *mut *mut c_void) -> c_int
);
