//! The one error type of the library, and its errno mapping.

use std::io;

/// Why a driver call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The device was used before it was opened, or after it was closed.
    #[error("device is not open")]
    NotOpen,
    /// `open` was called on a device that is already open.
    #[error("device is already open")]
    AlreadyOpen,
    /// The device at the address is not the expected chip (its ID register says so).
    #[error("the device is not a {0}")]
    WrongDevice(&'static str),
    /// An argument or a struct field is out of range.
    #[error("invalid {0}")]
    InvalidArgument(&'static str),
    /// The conversion started is not complete yet (a non-blocking collect).
    #[error("the conversion is not complete yet")]
    NotReady {
        /// How long until it has surely completed.
        remaining: std::time::Duration,
    },
    /// Even the least sensitive setting clipped: too bright to measure.
    #[error("the light is too bright to measure (even 13.7 ms at 1x saturates)")]
    TooBright,
    /// A number or text does not fit the display (too many digits or characters).
    #[error("{0:?} does not fit on {1} characters")]
    DoesNotFit(String, usize),
    /// A character the display's font has no shape for.
    #[error("{0:?} has no shape on this display")]
    NoGlyph(char),
    /// Not a number, or infinite: nothing to show.
    #[error("NaN or infinity cannot be shown")]
    NotANumber(f64),
    /// The operating system or the bus reported an error.
    #[error("{operation} failed: {source}")]
    Bus {
        /// What the driver was doing.
        operation: &'static str,
        /// The error the kernel returned.
        source: io::Error,
    },
}

impl Error {
    /// Wraps an I/O error with what was being done.
    pub fn bus(operation: &'static str, source: io::Error) -> Self {
        Self::Bus { operation, source }
    }

    /// The errno value C callers see in `lasterr` and `errno`.
    pub fn errno(&self) -> i32 {
        match self {
            Self::NotOpen => libc::EBADF,
            Self::AlreadyOpen => libc::EBUSY,
            Self::InvalidArgument(_) => libc::EINVAL,
            Self::WrongDevice(_) => libc::ENODEV,
            Self::NotReady { .. } => libc::EAGAIN,
            Self::TooBright => libc::ERANGE,
            Self::DoesNotFit(..) => libc::ERANGE,
            Self::NoGlyph(_) => libc::EILSEQ,
            Self::NotANumber(_) => libc::EDOM,
            Self::Bus { source, .. } => source.raw_os_error().unwrap_or(libc::EIO),
        }
    }
}

/// Result type of the library.
pub type Result<T> = std::result::Result<T, Error>;
