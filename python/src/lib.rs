//! `lightseg._native`: the lightseg driver cores for Python (PyO3, abi3 for CPython 3.9
//! and later). The classes wrap the Rust drivers directly, not the C API: a `TSL2561`
//! owns one sensor's driver, a `Display` one chain of backpacks. Every call that waits
//! on the chip or the bus releases the GIL, so other Python threads run meanwhile.
//! Errors become the exceptions of `lightseg.errors`, which keep the errno and the
//! library's hint of what to check.

use std::sync::{Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyModule;

mod display;
mod sensor;

/// Where a chip is, for the hint that names what to check.
#[derive(Debug, Clone, Copy)]
struct Place {
    chip: &'static str,
    bus: i32,
    address: u8,
}

/// The Python exception for `error`: the class of `lightseg.errors` that says what kind
/// of failure it is, with the errno, the message and the hint of what to check.
fn raise(py: Python<'_>, error: lightseg::Error, place: Option<Place>) -> PyErr {
    use lightseg::Error::*;
    let class = match &error {
        Bus { .. } | WrongDevice(_) => "BusError",
        NotOpen | AlreadyOpen => "ClosedError",
        TooBright => "TooBrightError",
        InvalidArgument(_) | DoesNotFit(..) | NoGlyph(_) | NotANumber(_) => "InvalidValueError",
        NotReady { .. } => "LightsegError",
    };
    let hint = place.and_then(|at| lightseg::hint::next_step(at.chip, at.bus, at.address, &error));
    let made = (|| -> PyResult<PyErr> {
        let module = PyModule::import(py, "lightseg.errors")?;
        let exception = module
            .getattr(class)?
            .call1((error.errno(), error.to_string()))?;
        exception.setattr("hint", hint)?;
        Ok(PyErr::from_value(exception))
    })();
    made.unwrap_or_else(|failure| failure)
}

/// The driver in `slot`, locked (a panic while it was held left it as the chip left it).
fn lock<T>(slot: &Mutex<Option<T>>) -> MutexGuard<'_, Option<T>> {
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `operation` on the driver in `slot` with the GIL released; `ClosedError` once it
/// was closed, the error of `operation` as its exception.
fn with_open<T: Send, R: Send>(
    py: Python<'_>,
    slot: &Mutex<Option<T>>,
    place: Place,
    operation: impl FnOnce(&mut T) -> Result<R, lightseg::Error> + Send,
) -> PyResult<R> {
    let result = py.detach(|| match lock(slot).as_mut() {
        Some(driver) => operation(driver),
        None => Err(lightseg::Error::NotOpen),
    });
    result.map_err(|error| raise(py, error, Some(place)))
}

/// The module: the two driver classes, a reading, the colours.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<sensor::TSL2561>()?;
    module.add_class::<sensor::Reading>()?;
    module.add_class::<display::Display>()?;
    module.add("OFF", 0)?;
    module.add("RED", 1)?;
    module.add("GREEN", 2)?;
    module.add("YELLOW", 3)?;
    module.add(
        "KINDS",
        lightseg::ht16k33::backpack::KINDS
            .map(|kind| kind.name())
            .to_vec(),
    )?;
    Ok(())
}
