//! The C ABI: with `bus::registry`, the only unsafe code of the library. One file per
//! header; this module holds what both share: the panic guard, pointer checks, C
//! strings and the errno mapping.
//!
//! Each exported function on one struct is one `call`: the pointer check, the panic
//! guard and the errno mapping are there; the body converts C values to the driver
//! core's types, calls the core and writes the struct through its `Handle`. The
//! result: 0, or -1 with `lasterr` (when there is a struct to hold it) and `errno` set
//! to the error's errno value. `TSL2561_SENSEALL`, on an array, makes a `Handle` per
//! struct.
//!
//! Pointer contract of every exported function (stated for C readers in the header):
//! the struct pointer is NULL (refused with EINVAL) or points to a struct of the right
//! type; out-pointers are NULL (refused with EINVAL, or skipped where a function
//! documents an output as optional) or writable.
#![allow(clippy::missing_safety_doc)]

pub mod chain;
pub mod ht16k33;
pub mod tsl2561;

use std::cell::UnsafeCell;
use std::ffi::CStr;
use std::marker::PhantomData;
use std::os::raw::{c_char, c_int};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

use crate::error::{Error, Result};

/// A C `long` as 64 bits (it is 32 bits on 32-bit ARM, 64 on amd64 and arm64).
#[allow(clippy::useless_conversion)]
pub(crate) fn widen_long(value: std::os::raw::c_long) -> i64 {
    i64::from(value)
}

/// A C `unsigned long` as 64 bits (see [`widen_long`]).
#[allow(clippy::useless_conversion)]
pub(crate) fn widen_ulong(value: std::os::raw::c_ulong) -> u64 {
    u64::from(value)
}

/// Sets the calling thread's `errno`.
pub fn set_errno(value: c_int) {
    // SAFETY: __errno_location returns the calling thread's errno slot, always valid.
    unsafe { *libc::__errno_location() = value };
}

/// Every exported call holds this for reading while it runs; `fork()` takes it for
/// writing (see [`forbid_calls_across_fork`]), so it waits until no call is in flight
/// and the child starts with every lock of the library free. A POSIX read-write lock
/// (std's would need a guard kept across the fork and costs more code): unlocked in the
/// parent, made anew in the child.
struct CallLock(UnsafeCell<libc::pthread_rwlock_t>);

// SAFETY: a pthread read-write lock is made to be shared between threads; it is only
// used through the pthread_rwlock_* calls, which synchronise.
unsafe impl Sync for CallLock {}

static CALLS_IN_FLIGHT: CallLock = CallLock(UnsafeCell::new(libc::PTHREAD_RWLOCK_INITIALIZER));

extern "C" fn before_fork() {
    // SAFETY: an initialised lock; the forking thread holds no read lock (no call runs
    // fork), so this waits for the calls of other threads and cannot deadlock.
    unsafe { libc::pthread_rwlock_wrlock(CALLS_IN_FLIGHT.0.get()) };
}

extern "C" fn after_fork_in_parent() {
    // SAFETY: held for writing by this thread since before_fork.
    unsafe { libc::pthread_rwlock_unlock(CALLS_IN_FLIGHT.0.get()) };
}

extern "C" fn after_fork_in_child() {
    // The child's one thread has another thread id than the one that locked it, so the
    // lock is not unlocked but made anew (glibc would take the unlock for a reader's).
    // SAFETY: no other thread exists in the child, and no call is in flight (before_fork
    // held the lock for writing), so nothing else can be using it.
    unsafe {
        CALLS_IN_FLIGHT
            .0
            .get()
            .write(libc::PTHREAD_RWLOCK_INITIALIZER)
    };
}

/// Registers the `fork()` handlers once: a fork waits for the calls in flight in other
/// threads, so a child never inherits a lock that a thread it does not have holds.
fn forbid_calls_across_fork() {
    extern "C" fn register() {
        // SAFETY: three plain extern "C" functions without arguments, valid for the
        // life of the process (the library is never unloaded while in use).
        unsafe {
            libc::pthread_atfork(
                Some(before_fork),
                Some(after_fork_in_parent),
                Some(after_fork_in_child),
            )
        };
    }
    // SAFETY: an initialised once-control; `register` runs exactly once, and callers
    // racing with it wait until it has.
    unsafe { libc::pthread_once(REGISTERED.0.get(), register) };
}

/// Whether the fork handlers are registered (`pthread_once`).
struct Once(UnsafeCell<libc::pthread_once_t>);

// SAFETY: a pthread once-control is made to be shared between threads.
unsafe impl Sync for Once {}

static REGISTERED: Once = Once(UnsafeCell::new(libc::PTHREAD_ONCE_INIT));

/// Holds [`CALLS_IN_FLIGHT`] for reading while it lives (when taking it succeeded).
struct CallInFlight {
    locked: bool,
}

impl Drop for CallInFlight {
    fn drop(&mut self) {
        if self.locked {
            // SAFETY: this thread took it for reading in `enter_call`.
            unsafe { libc::pthread_rwlock_unlock(CALLS_IN_FLIGHT.0.get()) };
        }
    }
}

/// Runs an exported function's body; a panic becomes -1 with `errno` = EIO instead of
/// unwinding into C.
pub(crate) fn guard(body: impl FnOnce() -> c_int) -> c_int {
    let _in_flight = enter_call();
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| panicked())
}

/// What every exported call does first: hold [`CALLS_IN_FLIGHT`] for reading. One copy
/// for all of them (not inlined into each).
#[inline(never)]
fn enter_call() -> CallInFlight {
    forbid_calls_across_fork();
    // SAFETY: an initialised lock. A read lock cannot deadlock here: exported calls do
    // not nest, and the writer (fork) does not wait on anything a reader holds. Should
    // it fail (EAGAIN: too many readers), the call goes on without it.
    let locked = unsafe { libc::pthread_rwlock_rdlock(CALLS_IN_FLIGHT.0.get()) } == 0;
    CallInFlight { locked }
}

/// The C failure value of a call that panicked: -1 with `errno` EIO.
#[inline(never)]
#[cold]
fn panicked() -> c_int {
    refuse(libc::EIO)
}

/// -1 with `errno` set to `errno`: a refusal with no struct to record it in.
pub(crate) fn refuse(errno: c_int) -> c_int {
    set_errno(errno);
    -1
}

/// The struct an exported function was given, NULL and misaligned pointers refused. The
/// C caller promises (the header's pointer contract) that it is valid for reads and
/// writes for the whole call; the lifetime keeps a handle from outliving the call, so
/// reading and writing through it is sound. Several threads may call on one struct, so
/// functions that must not undo each other's writes write single fields ([`set!`]).
pub(crate) struct Handle<'call, T> {
    pointer: NonNull<T>,
    call: PhantomData<&'call mut T>,
}

impl<T> Clone for Handle<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Handle<'_, T> {}

impl<T: Copy> Handle<'_, T> {
    /// The handle of the struct behind `pointer`; `None`, with `errno` EINVAL (there is
    /// no `lasterr` to write), when it is NULL or misaligned.
    ///
    /// # Safety
    /// `pointer` is NULL, misaligned, or valid for reads and writes for the lifetime.
    pub(crate) unsafe fn new(pointer: *mut T) -> Option<Self> {
        match NonNull::new(pointer).filter(|pointer| pointer.as_ptr().is_aligned()) {
            Some(pointer) => Some(Self {
                pointer,
                call: PhantomData,
            }),
            None => {
                set_errno(libc::EINVAL);
                None
            }
        }
    }

    /// The struct `count` places further on in the caller's array.
    ///
    /// # Safety
    /// The array holds a valid struct there, for the lifetime.
    pub(crate) unsafe fn add(self, count: usize) -> Self {
        Self {
            // SAFETY: within the caller's array (the caller's promise).
            pointer: unsafe { self.pointer.add(count) },
            call: PhantomData,
        }
    }

    /// The struct as it is now.
    pub(crate) fn read(self) -> T {
        // SAFETY: valid for reads for the whole call (the type's invariant).
        unsafe { self.pointer.as_ptr().read() }
    }

    /// Replaces the whole struct.
    pub(crate) fn write(self, value: T) {
        // SAFETY: valid for writes for the whole call (the type's invariant).
        unsafe { self.pointer.as_ptr().write(value) }
    }

    /// The pointer, for [`get!`] and [`set!`].
    pub(crate) fn as_ptr(self) -> *mut T {
        self.pointer.as_ptr()
    }
}

/// Reads one field of a [`Handle`]'s struct: `get!(sensor, adapter_fd)`.
macro_rules! get {
    ($handle:expr, $($field:ident).+ $([$index:expr])?) => {{
        let pointer = $crate::capi::Handle::as_ptr($handle);
        // SAFETY: a handle's struct is valid for the whole call (`Handle`).
        #[allow(unused_unsafe)]
        let value = unsafe { ::std::ptr::addr_of!((*pointer).$($field).+ $([$index])?).read() };
        value
    }};
}
pub(crate) use get;

/// Writes one field of a [`Handle`]'s struct and leaves the others as they are:
/// `set!(sensor, adapter_fd = -1)`.
macro_rules! set {
    ($handle:expr, $($field:ident).+ $([$index:expr])? = $value:expr) => {{
        let value = $value;
        let pointer = $crate::capi::Handle::as_ptr($handle);
        // SAFETY: a handle's struct is valid for the whole call (`Handle`).
        #[allow(unused_unsafe)]
        let () = unsafe { ::std::ptr::addr_of_mut!((*pointer).$($field).+ $([$index])?).write(value) };
    }};
}
pub(crate) use set;

/// A struct of the C API that keeps the errno of its last failed call in `lasterr`.
pub(crate) trait WithLastError: Copy {
    /// Records `errno` in the struct's `lasterr`.
    fn set_lasterr(handle: Handle<'_, Self>, errno: c_int);
}

/// Runs the body of an exported function on the struct `pointer` points to: `Ok(value)`
/// returns `value`; an error returns -1 with `lasterr` and `errno` set; a NULL or
/// misaligned pointer -1 with `errno` EINVAL (there is no `lasterr` to write), the body
/// not run; a panic -1 with `errno` EIO.
///
/// # Safety
/// `pointer` is NULL, misaligned, or valid for reads and writes until `call` returns
/// (the header's pointer contract, which every exported function passes on).
pub(crate) unsafe fn call<T: WithLastError>(
    pointer: *mut T,
    body: impl FnOnce(Handle<'_, T>) -> Result<c_int>,
) -> c_int {
    guard(|| {
        // SAFETY: passed on from the caller.
        let Some(handle) = (unsafe { Handle::new(pointer) }) else {
            return -1;
        };
        body(handle).unwrap_or_else(|error| {
            T::set_lasterr(handle, error.errno());
            set_errno(error.errno());
            -1
        })
    })
}

/// The C success value of a call without a result: 0.
pub(crate) fn done<T>(_: T) -> c_int {
    0
}

/// The text behind a C string pointer: EINVAL for NULL, EILSEQ for bytes that are not
/// UTF-8.
///
/// # Safety
/// `text` is NULL or points to a NUL-terminated string.
pub(crate) unsafe fn text_of<'a>(text: *const c_char) -> Result<&'a str> {
    if text.is_null() {
        return Err(Error::InvalidArgument("text (NULL)"));
    }
    // SAFETY: non-null, and the caller promises a NUL-terminated string.
    let text = unsafe { CStr::from_ptr(text) };
    text.to_str().map_err(|error| {
        let bad = text.to_bytes()[error.valid_up_to()];
        Error::NoGlyph(char::from(bad))
    })
}

#[cfg(test)]
mod tests {
    use super::{call, Handle, WithLastError};
    use crate::error::Error;
    use std::os::raw::c_int;

    #[derive(Debug, Clone, Copy, Default, PartialEq)]
    #[repr(C)]
    struct Record {
        value: c_int,
        lasterr: c_int,
    }

    impl WithLastError for Record {
        fn set_lasterr(record: Handle<'_, Self>, errno: c_int) {
            set!(record, lasterr = errno);
        }
    }

    fn errno() -> Option<i32> {
        std::io::Error::last_os_error().raw_os_error()
    }

    #[test]
    fn call_passes_results_through_and_records_errors_in_lasterr_and_errno() {
        let mut record = Record::default();
        // SAFETY: a valid struct for the whole call.
        let rc = unsafe { call(&mut record, |r| Ok(get!(r, value) + 7)) };
        assert_eq!((rc, record.lasterr), (7, 0));
        super::set_errno(0);
        // SAFETY: as above.
        let rc = unsafe { call(&mut record, |_| Err(Error::NotOpen)) };
        assert_eq!(
            (rc, record.lasterr, errno()),
            (-1, libc::EBADF, Some(libc::EBADF))
        );
    }

    #[test]
    fn call_refuses_null_and_misaligned_pointers_without_running_the_body() {
        let mut words = [0 as c_int; 4];
        let misaligned = words
            .as_mut_ptr()
            .cast::<u8>()
            .wrapping_add(1)
            .cast::<Record>();
        for pointer in [std::ptr::null_mut(), misaligned] {
            super::set_errno(0);
            // SAFETY: NULL and misaligned pointers are refused before any access.
            let rc = unsafe { call(pointer, |_| panic!("ran")) };
            assert_eq!((rc, errno()), (-1, Some(libc::EINVAL)));
        }
        assert_eq!(words, [0; 4]);
    }

    #[test]
    fn a_panic_becomes_minus_one_with_eio_and_never_crosses_into_c() {
        super::set_errno(0);
        let rc = super::guard(|| panic!("a bug"));
        assert_eq!(rc, -1);
        assert_eq!(
            std::io::Error::last_os_error().raw_os_error(),
            Some(libc::EIO)
        );
        assert_eq!(
            super::guard(|| 7),
            7,
            "a body that returns is passed through"
        );
    }
}
