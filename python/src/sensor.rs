//! `TSL2561`: one light sensor on /dev/i2c-N, and `Reading`, what it measured.

use std::sync::Mutex;

use lightseg::bus::{open_device, I2cDevice};
use lightseg::clock::{Clock, SystemClock};
use lightseg::tsl2561::{
    Gain, IntegrationTime, Interrupt, Measurement, Package, PowerMode, Settings, Tsl2561,
};
use lightseg::Error;
use pyo3::prelude::*;
use pyo3::types::PyAny;

use crate::{lock, raise, with_open, Place};

type Driver = Tsl2561<I2cDevice, SystemClock>;

/// One reading of a TSL2561: both channels' counts, the illuminance and the setting it
/// was taken with.
#[pyclass(module = "lightseg._native", frozen, get_all)]
#[derive(Debug, Clone)]
pub struct Reading {
    /// Channel 0 counts: visible and infrared light.
    pub broadband: u16,
    /// Channel 1 counts: infrared light.
    pub infrared: u16,
    /// Illuminance in lux, with its fraction (the datasheet's formula for the package
    /// found at open); 0.0 in the dark, and when `saturated`.
    pub lux: f64,
    /// A channel clipped: the light is too bright for this gain and integration time
    /// (lux then reads 0.0, which does not mean dark).
    pub saturated: bool,
    /// The gain the reading was taken with: 1 or 16.
    pub gain: u32,
    /// The integration time it was taken with, in milliseconds: 13, 101 or 402.
    pub integration_time: u32,
}

#[pymethods]
impl Reading {
    fn __repr__(&self) -> String {
        format!(
            "Reading(lux={:.4}, broadband={}, infrared={}, saturated={}, gain={}, integration_time={})",
            self.lux,
            self.broadband,
            self.infrared,
            if self.saturated { "True" } else { "False" },
            self.gain,
            self.integration_time
        )
    }
}

impl Reading {
    fn of(measurement: Measurement) -> Self {
        let settings = measurement.settings;
        Self {
            broadband: measurement.broadband,
            infrared: measurement.infrared,
            lux: measurement.lux,
            saturated: measurement.saturated,
            gain: settings.gain.factor(),
            integration_time: settings.integration_time.nominal_ms(),
        }
    }
}

/// A TSL2561 light sensor at `address` (0x29, 0x39 or 0x49, by its ADDR pin) on
/// /dev/i2c-`bus`. Opening checks that a TSL2561 is there and programs 402 ms at 16x;
/// between readings the chip is powered down unless `warm` is set. Use it in a `with`
/// block, or call `close()`: both power it down and close the descriptor.
///
/// Readings wait for the conversion with the GIL released. Several sensors read in one
/// conversion time with `lightseg.read_all`, and `await lightseg.read_async(sensor)` waits
/// without blocking the event loop.
#[pyclass(module = "lightseg._native", frozen)]
pub struct TSL2561 {
    driver: Mutex<Option<Driver>>,
    place: Place,
}

impl TSL2561 {
    /// Runs `operation` on the open driver with the GIL released.
    fn with<R: Send>(
        &self,
        py: Python<'_>,
        operation: impl FnOnce(&mut Driver) -> Result<R, Error> + Send,
    ) -> PyResult<R> {
        with_open(py, &self.driver, self.place, operation)
    }
}

#[pymethods]
impl TSL2561 {
    #[new]
    #[pyo3(signature = (bus = 1, address = 0x39))]
    fn new(py: Python<'_>, bus: i32, address: u8) -> PyResult<Self> {
        let place = Place {
            chip: "TSL2561",
            bus,
            address,
        };
        let opened = py.detach(|| -> Result<Driver, Error> {
            let mut driver =
                Tsl2561::new(open_device(bus, address)?, SystemClock, Settings::default());
            driver.initialise(Settings::default())?;
            Ok(driver)
        });
        match opened {
            Ok(driver) => Ok(Self {
                driver: Mutex::new(Some(driver)),
                place,
            }),
            Err(error) => Err(raise(py, error, Some(place))),
        }
    }

    /// One reading at the current gain and integration time (waiting for the slowest
    /// chip's conversion: 14.7, 107.8 or 428.5 ms). With `autogain`, a reading too dark
    /// at 1x or too bright at 16x switches the gain and is taken again (the gain stays).
    #[pyo3(signature = (autogain = false))]
    fn read(&self, py: Python<'_>, autogain: bool) -> PyResult<Reading> {
        self.with(py, |driver| {
            let raw = driver.read(autogain)?;
            let settings = driver.settings();
            Ok(Reading::of(Measurement::from_counts(
                raw.broadband,
                raw.infrared,
                settings,
            )))
        })
    }

    /// Any light from darkness to sunlight in at most two conversions (about 0.44 s at
    /// most): a 13.7 ms probe picks the setting that resolves the light best, which the
    /// chip keeps. Raises `TooBrightError` when even 13.7 ms at 1x saturates.
    fn read_full_range(&self, py: Python<'_>) -> PyResult<Reading> {
        self.with(py, |driver| {
            Ok(Reading::of(driver.read_full_range()?.measurement))
        })
    }

    /// Starts a conversion and returns at once: the seconds until it has surely
    /// completed. Collect it with `collect()`. Nothing is sent when one is under way.
    fn start(&self, py: Python<'_>) -> PyResult<f64> {
        self.with(py, |driver| {
            let done = driver.start()?;
            Ok(done
                .saturating_duration_since(SystemClock.now())
                .as_secs_f64())
        })
    }

    /// The conversion `start()` began, without waiting: a `Reading` once it has surely
    /// completed (the chip then powered down unless warm), `None` before (no bus
    /// traffic). With none under way it starts one and returns `None`.
    fn collect(&self, py: Python<'_>) -> PyResult<Option<Reading>> {
        self.with(py, |driver| match driver.collect() {
            Ok(measurement) => Ok(Some(Reading::of(measurement))),
            Err(Error::NotReady { .. }) => Ok(None),
            Err(error) => Err(error),
        })
    }

    /// The gain: 1 or 16. Setting it programs the chip (ValueError for other values).
    #[getter]
    fn gain(&self, py: Python<'_>) -> PyResult<u32> {
        self.with(py, |driver| Ok(driver.settings().gain.factor()))
    }

    #[setter]
    fn set_gain(&self, py: Python<'_>, gain: u32) -> PyResult<()> {
        let gain = match gain {
            1 => Ok(Gain::X1),
            16 => Ok(Gain::X16),
            _ => Err(Error::InvalidArgument("gain (1 or 16)")),
        };
        self.with(py, |driver| driver.set_gain(gain?))
    }

    /// The integration time in milliseconds: 13, 101 or 402. Setting it programs the
    /// chip (ValueError for other values).
    #[getter]
    fn integration_time(&self, py: Python<'_>) -> PyResult<u32> {
        self.with(py, |driver| {
            Ok(driver.settings().integration_time.nominal_ms())
        })
    }

    #[setter]
    fn set_integration_time(&self, py: Python<'_>, milliseconds: u32) -> PyResult<()> {
        let time = IntegrationTime::ALL
            .into_iter()
            .find(|time| time.nominal_ms() == milliseconds)
            .ok_or(Error::InvalidArgument(
                "integration time (13, 101 or 402 ms)",
            ));
        self.with(py, |driver| driver.set_integration_time(time?))
    }

    /// Warm mode: the chip stays powered and converting, so a reading costs only the bus
    /// time once a conversion has completed since the last (0.24 mA instead of 3.2 uA).
    #[getter]
    fn warm(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |driver| Ok(driver.power_mode() == PowerMode::Warm))
    }

    #[setter]
    fn set_warm(&self, py: Python<'_>, warm: bool) -> PyResult<()> {
        let mode = if warm {
            PowerMode::Warm
        } else {
            PowerMode::Cold
        };
        self.with(py, |driver| driver.set_power_mode(mode))
    }

    /// The package the ID register names, which selects the lux formula: "T/FN/CL" or
    /// "CS".
    #[getter]
    fn package(&self, py: Python<'_>) -> PyResult<&'static str> {
        self.with(py, |driver| {
            Ok(match driver.settings().package {
                Package::TFnCl => "T/FN/CL",
                Package::Cs => "CS",
            })
        })
    }

    /// The bus number: the N of /dev/i2c-N.
    #[getter]
    fn bus(&self) -> i32 {
        self.place.bus
    }

    /// The I2C address.
    #[getter]
    fn address(&self) -> u8 {
        self.place.address
    }

    /// The interrupt on the INT pin: asserted once channel 0 has been at or below
    /// `low` or above `high` (raw counts) for `persist` conversions in a row (1 to 15),
    /// or after every conversion with `persist` 0; it stays asserted until
    /// `clear_interrupt()`. Switches warm mode on (the chip must keep converting).
    #[pyo3(signature = (low, high, persist = 1))]
    fn set_interrupt(&self, py: Python<'_>, low: u16, high: u16, persist: u8) -> PyResult<()> {
        let interrupt = Interrupt { low, high, persist };
        self.with(py, |driver| driver.set_interrupt(Some(interrupt)))
    }

    /// Switches the interrupt off (the power mode stays).
    fn disable_interrupt(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |driver| driver.set_interrupt(None))
    }

    /// Clears a pending interrupt: the INT pin goes high again.
    fn clear_interrupt(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |driver| driver.clear_interrupt())
    }

    /// Powers the chip down and closes the descriptor; later calls raise
    /// `ClosedError`. Safe to call twice. The descriptor is closed even when powering
    /// down fails (which then raises).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let result = py.detach(|| match lock(&self.driver).take() {
            Some(mut driver) => driver.power_down(),
            None => Ok(()),
        });
        result.map_err(|error| raise(py, error, Some(self.place)))
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        lock(&self.driver).is_none()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Closes the sensor; an exception from the block goes on (a failure to power down
    /// is raised only when the block ended normally).
    fn __exit__(
        &self,
        py: Python<'_>,
        exception_type: Option<Bound<'_, PyAny>>,
        _value: Option<Bound<'_, PyAny>>,
        _traceback: Option<Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let closed = self.close(py);
        match exception_type {
            Some(_) => Ok(false),
            None => closed.map(|()| false),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "TSL2561(bus={}, address={:#04x}{})",
            self.place.bus,
            self.place.address,
            if self.closed() { ", closed" } else { "" }
        )
    }
}
