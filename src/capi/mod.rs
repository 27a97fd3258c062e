//! The C ABI: the only unsafe code of the library. One file per header; this module
//! holds what both share: the panic guard, pointer checks and the errno mapping.
//!
//! Each exported function checks its pointers, converts C values to the driver core's
//! types, calls the core and maps the result: 0, or -1 with `lasterr` (when there is a
//! struct to hold it) and `errno` set to the error's errno value.
//!
//! Pointer contract of every exported function (stated for C readers in the header):
//! the struct pointer is NULL (refused with EINVAL) or points to a struct of the right
//! type; out-pointers are NULL (refused) or writable.
#![allow(clippy::missing_safety_doc)]

pub mod ht16k33;
pub mod tsl2561;

use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::Error;

/// Sets the calling thread's `errno`.
pub(crate) fn set_errno(value: c_int) {
    // SAFETY: __errno_location returns the calling thread's errno slot, always valid.
    unsafe { *libc::__errno_location() = value };
}

/// Runs an exported function's body; a panic becomes -1 with `errno` = EIO instead of
/// unwinding into C.
pub(crate) fn guard(body: impl FnOnce() -> c_int) -> c_int {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        set_errno(libc::EIO);
        -1
    })
}

/// The struct behind a C pointer, or `None` when it is NULL or misaligned (then `errno`
/// is set to EINVAL: there is no `lasterr` to write).
pub(crate) fn checked<T>(pointer: *mut T) -> Option<*mut T> {
    if pointer.is_null() || !pointer.is_aligned() {
        set_errno(libc::EINVAL);
        return None;
    }
    Some(pointer)
}

/// Records `error` in `lasterr` and `errno`; returns the C failure value, -1.
///
/// # Safety
/// `lasterr` must be valid for writes.
pub(crate) unsafe fn fail(lasterr: *mut c_int, error: &Error) -> c_int {
    let errno = error.errno();
    lasterr.write(errno);
    set_errno(errno);
    -1
}

/// Maps a core result to the C convention (0, or -1 with `lasterr`/`errno`).
///
/// # Safety
/// `lasterr` must be valid for writes.
pub(crate) unsafe fn finish(lasterr: *mut c_int, result: crate::error::Result<()>) -> c_int {
    match result {
        Ok(()) => 0,
        Err(error) => fail(lasterr, &error),
    }
}
