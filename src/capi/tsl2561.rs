//! `TSL2561.h`: the C API of the old TSL2561 driver, names, types and values unchanged.
//!
//! cbindgen reads this file alone to write the header; the macros come from the
//! header generator (`headers/`, `make headers`).
#![allow(non_camel_case_types, non_snake_case)]

use std::os::raw::c_int;
use std::time::Instant;

use super::{call, done, get, guard, refuse, set, Handle, WithLastError};
use crate::bus::registry::Registry;
use crate::bus::I2cDevice;
use crate::clock::SystemClock;
use crate::error::{Error, Result};
use crate::tsl2561::{
    read_together, ChipState, Conversion, FullRange, Gain, IntegrationTime, Interrupt, Measurement,
    Package, PowerMode, Reading, Settings, Tsl2561,
};

/// ADC integration time. The chip integrates for 918 x N oscillator cycles
/// (N = 11, 81, 322); the oscillator runs at 690 to 780 kHz.
#[repr(C)]
pub enum tsl2561IntegrationTime_t {
    /// 13.7 ms nominal, at most 14.64 ms; full scale 5047 counts.
    TSL2561_INTEGRATIONTIME_13MS = 0x00,
    /// 101 ms nominal, at most 107.8 ms; full scale 37177 counts.
    TSL2561_INTEGRATIONTIME_101MS = 0x01,
    /// 402 ms nominal, at most 428.4 ms; full scale 65535 counts.
    TSL2561_INTEGRATIONTIME_402MS = 0x02,
}

/// Analog gain.
#[repr(C)]
pub enum tsl2561Gain_t {
    /// No gain: for bright light.
    TSL2561_GAIN_1X = 0x00,
    /// 16x gain: for dim light.
    TSL2561_GAIN_16X = 0x10,
}

// The enums are spelled as literals in the header (cbindgen writes them as they are):
// the build fails if one differs from the core's encoding.
const _: () = {
    use tsl2561Gain_t as G;
    use tsl2561IntegrationTime_t as T;
    assert!(T::TSL2561_INTEGRATIONTIME_13MS as u8 == IntegrationTime::Ms13.bits());
    assert!(T::TSL2561_INTEGRATIONTIME_101MS as u8 == IntegrationTime::Ms101.bits());
    assert!(T::TSL2561_INTEGRATIONTIME_402MS as u8 == IntegrationTime::Ms402.bits());
    assert!(G::TSL2561_GAIN_1X as u8 == Gain::X1.bits());
    assert!(G::TSL2561_GAIN_16X as u8 == Gain::X16.bits());
};

/// Bit of `TSL2561_STATUS()`: the last successful reading saturated (a channel was above
/// the clipping threshold, so lux reads 0 because the light is too bright for the
/// integration time and gain, not because it is dark). A lightseg extension.
pub const TSL2561_STATUS_SATURATED: c_int = 0x01;

/// Bit of `TSL2561_STATUS()`: warm mode is on for this struct (see `TSL2561_SETWARM`).
/// A lightseg extension.
pub const TSL2561_STATUS_WARM: c_int = 0x02;

/// Where the status flags live in `buf` (the old driver's scratch space, zeroed by
/// `TSL2561_INIT` and by programs that `bzero` it, so old structs read as "no flags").
const STATUS_INDEX: usize = 0;
/// Where the package found in the ID register at OPEN lives in `buf` (0: T/FN/CL, the
/// default of a zeroed struct; 1: CS), so that copies of the struct keep it.
const PACKAGE_INDEX: usize = 1;
const PACKAGE_T_FN_CL: u8 = 0;
const PACKAGE_CS: u8 = 1;
/// Where the power mode lives in `buf` (0: cold, the default of a zeroed struct; 1: warm).
const POWER_MODE_INDEX: usize = 2;
const POWER_MODE_COLD: u8 = 0;
const POWER_MODE_WARM: u8 = 1;

/// A `tsl2561IntegrationTime_t` as C stores it: any int may be there, so Rust reads it as
/// an int and validates it. Written into the header under the enum's name.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntegrationTimeValue(pub c_int);

/// A `tsl2561Gain_t` as C stores it (see `IntegrationTimeValue`).
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GainValue(pub c_int);

/// One TSL2561 sensor. Initialise it with `TSL2561_INIT` (or field by field, with
/// `adapter_fd = -1`), then call `TSL2561_OPEN`. All state lives in this struct, so it
/// may be copied or passed by value; the open file descriptor identifies the device.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TSL2561 {
    /// I2C adapter number: the N of /dev/i2c-N (1 on a Raspberry Pi).
    pub adapter_nr: c_int,
    /// Integration time in effect on the chip.
    pub integration_time: IntegrationTimeValue,
    /// Gain in effect on the chip (auto-gain may change it).
    pub gain: GainValue,
    /// File descriptor of the open adapter, -1 when closed.
    pub adapter_fd: c_int,
    /// 7-bit slave address: TSL2561_ADDR_LOW, _FLOAT or _HIGH.
    pub sensor_addr: u8,
    /// errno value of the last failed call; never reset by a successful one.
    pub lasterr: c_int,
    /// Scratch space of the original driver. lightseg keeps the status flags of the last
    /// reading in `buf[0]` (read them with `TSL2561_STATUS`), the package read from the
    /// ID register at OPEN in `buf[1]` (0 T/FN/CL, 1 CS: it selects the lux coefficients)
    /// and the power mode in `buf[2]` (0 cold, 1 warm: see `TSL2561_SETWARM`). A zeroed
    /// `buf` means "no flags, T/FN/CL, cold", the original behaviour.
    pub buf: [u8; 10],
}

/// The descriptors `TSL2561_OPEN` opened, and what is known of each chip.
static SENSORS: Registry<ChipState> = Registry::new();

impl WithLastError for TSL2561 {
    fn set_lasterr(sensor: Handle<'_, Self>, errno: c_int) {
        set!(sensor, lasterr = errno);
    }
}

fn read_power_mode(sensor: &TSL2561) -> PowerMode {
    match sensor.buf[POWER_MODE_INDEX] {
        POWER_MODE_WARM => PowerMode::Warm,
        _ => PowerMode::Cold,
    }
}

fn read_settings(sensor: &TSL2561) -> Result<Settings> {
    Ok(Settings {
        integration_time: IntegrationTime::try_from(sensor.integration_time.0)?,
        gain: Gain::try_from(sensor.gain.0)?,
        package: match sensor.buf[PACKAGE_INDEX] {
            PACKAGE_CS => Package::Cs,
            _ => Package::TFnCl,
        },
    })
}

/// Writes `settings` into the struct (the package into `buf`).
fn store_settings(sensor: &mut TSL2561, settings: Settings) {
    sensor.integration_time = IntegrationTimeValue(settings.integration_time.bits().into());
    sensor.gain = GainValue(settings.gain.bits().into());
    sensor.buf[PACKAGE_INDEX] = match settings.package {
        Package::TFnCl => PACKAGE_T_FN_CL,
        Package::Cs => PACKAGE_CS,
    };
}

/// Writes back the fields this layer owns: the settings and `buf` (`lasterr` is the
/// caller's to set, `adapter_fd` OPEN's and CLOSE's).
fn write_back(sensor: Handle<'_, TSL2561>, snapshot: &TSL2561) {
    set!(sensor, integration_time = snapshot.integration_time);
    set!(sensor, gain = snapshot.gain);
    set!(sensor, buf = snapshot.buf);
}

/// The driver core on an open device, with the chip's shared state.
type Chip<'a> = Tsl2561<&'a mut I2cDevice, SystemClock>;

/// Runs `operation` on the open chip behind `sensor`, holding the chip's lock from
/// reading the struct to writing it back: the settings stored in the struct go in, the
/// settings the chip ended with are stored (also after a failure part-way), and
/// `record` may write more into the struct. Fails with `NotOpen` when the struct's
/// descriptor is not one `TSL2561_OPEN` opened for its address, or changed meanwhile.
fn with_open<R>(
    sensor: Handle<'_, TSL2561>,
    operation: impl FnOnce(&mut Chip<'_>) -> Result<R>,
    record: impl FnOnce(&mut TSL2561, &Result<R>),
) -> Result<R> {
    let mut work = Some((operation, record));
    let mut outcome = None;
    with_open_chip(sensor, &mut |chip, snapshot| {
        if let Some((operation, record)) = work.take() {
            let result = operation(chip);
            record(snapshot, &result);
            outcome = Some(result);
        }
    })?;
    outcome.unwrap_or(Err(Error::NotOpen))
}

/// The work of [`with_open`], one copy for every function (`dyn`, not inlined into
/// each): `body` gets the chip and the struct as read under the lock.
#[inline(never)]
fn with_open_chip(
    sensor: Handle<'_, TSL2561>,
    body: &mut dyn FnMut(&mut Chip<'_>, &mut TSL2561),
) -> Result<()> {
    let (fd, address) = (get!(sensor, adapter_fd), get!(sensor, sensor_addr));
    SENSORS.with_open(fd, address, |device, state| {
        // Read again under the chip's lock, so that a call on the same struct from
        // another thread cannot slip in between this read and the write-back.
        let mut snapshot = sensor.read();
        if (snapshot.adapter_fd, snapshot.sensor_addr) != (fd, address) {
            return Err(Error::NotOpen);
        }
        let mut chip = Tsl2561::new(device, SystemClock, read_settings(&snapshot)?)
            .with_state(*state)
            .with_power_mode(read_power_mode(&snapshot));
        body(&mut chip, &mut snapshot);
        *state = chip.state();
        store_settings(&mut snapshot, chip.settings());
        write_back(sensor, &snapshot);
        Ok(())
    })
}

/// Opens `/dev/i2c-<adapter_nr>`, selects `sensor_addr`, makes sure a TSL2561 is there
/// (its threshold registers keep two probe words, read back nine times with commands an
/// HT16K33 ignores, then its ID register must name a TSL2561 package, T/FN/CL or CS,
/// which selects the lux coefficients) and programs integration time 402 ms and gain
/// 16x. Everything lightseg keeps in the struct starts afresh as well: cold (not warm),
/// no status flags. A TSL2561 is left with both interrupt thresholds at 0.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EBUSY when `adapter_fd` is not -1
/// (already open), EINVAL for a negative adapter or an address above 0x7F, the kernel's
/// errno when the adapter cannot be opened (ENOENT: no such bus, EACCES: permissions,
/// EBUSY: a kernel driver owns the address) or the chip does not answer (EREMOTEIO,
/// ENXIO or ENODEV, depending on the I2C controller); ENODEV when the device at the
/// address is not a TSL2561. On failure nothing stays open. NULL `sensor`: -1, errno
/// EINVAL.
///
/// What to check: ENOENT, enable I2C (Raspberry Pi: `sudo raspi-config`, Interface
/// Options, I2C, or `dtparam=i2c_arm=on` in config.txt; then `sudo modprobe i2c-dev`);
/// EACCES, join the `i2c` group (`sudo adduser $USER i2c`, log in again); EBUSY, a kernel
/// driver owns the address (`lightseg scan` names it and prints the unbind command);
/// EREMOTEIO, ENXIO or ENODEV, the wiring (SDA, SCL, power, ground) and the ADDR pin
/// (0x29 ground, 0x39 floating, 0x49 VDD), and `lightseg scan` for what answers.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_OPEN(sensor: *mut TSL2561) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call(sensor, open) }
}

/// TSL2561_OPEN on a checked struct: only the fields OPEN owns change.
fn open(sensor: Handle<'_, TSL2561>) -> Result<c_int> {
    let mut snapshot = sensor.read();
    if snapshot.adapter_fd != -1 {
        return Err(Error::AlreadyOpen);
    }
    let (fd, settings) = open_and_initialise(snapshot.adapter_nr, snapshot.sensor_addr)?;
    store_settings(&mut snapshot, settings);
    snapshot.buf[STATUS_INDEX] = 0;
    snapshot.buf[POWER_MODE_INDEX] = POWER_MODE_COLD;
    set!(sensor, adapter_fd = fd);
    write_back(sensor, &snapshot);
    Ok(0)
}

/// Opens the adapter, identifies the chip and programs the default settings: the new
/// descriptor and the settings in effect, or the error with the descriptor closed again.
fn open_and_initialise(adapter_nr: c_int, address: u8) -> Result<(c_int, Settings)> {
    let fd = SENSORS.open(adapter_nr, address)?;
    let defaults = Settings::default();
    let initialised = SENSORS.with_open(fd, address, |device, state| {
        let mut chip = Tsl2561::new(device, SystemClock, defaults);
        let result = chip.initialise(defaults).map(|()| chip.settings());
        *state = chip.state();
        result
    });
    if initialised.is_err() {
        // The descriptor was opened just above; closing it cannot meaningfully fail.
        let _ = SENSORS.close(fd, address, |_, _| Ok(()));
    }
    initialised.map(|settings| (fd, settings))
}

/// Closes the adapter and sets `adapter_fd` to -1. A chip left powered by warm mode is
/// powered down first (if that fails, the descriptor is still closed and `lasterr` gets
/// the bus error); otherwise every call has left it powered down already. Safe on a
/// closed sensor and on NULL. A descriptor that lightseg did not open for this sensor
/// (another address, an HT16K33's, or one closed behind lightseg's back) is not closed;
/// `lasterr` is then set to EBADF.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_CLOSE(sensor: *mut TSL2561) {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call(sensor, close) };
}

/// TSL2561_CLOSE on a checked struct.
fn close(sensor: Handle<'_, TSL2561>) -> Result<c_int> {
    let (fd, address) = (get!(sensor, adapter_fd), get!(sensor, sensor_addr));
    if fd == -1 {
        return Ok(0);
    }
    let closed = SENSORS.close(fd, address, |device, state| {
        let mut chip = Tsl2561::new(device, SystemClock, Settings::default()).with_state(*state);
        let result = chip.power_down();
        *state = chip.state();
        result
    });
    set!(sensor, adapter_fd = -1);
    closed.map(done)
}

/// Sets the integration time (power on, write TIMING, power off). The new value is
/// stored in `integration_time` once the chip has accepted it.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EINVAL for a value that is not a
/// `tsl2561IntegrationTime_t` (nothing is sent), EBADF when not open, the kernel's errno
/// for a bus error. NULL `sensor`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_SETINTEGRATIONTIME(
    sensor: *mut TSL2561,
    time: IntegrationTimeValue,
) -> c_int {
    let time = IntegrationTime::try_from(time.0);
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(sensor, |sensor| {
            let time = time?;
            run(sensor, |chip| chip.set_integration_time(time))
        })
    }
}

/// Sets the gain (power on, write TIMING, power off). The new value is stored in `gain`
/// once the chip has accepted it.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EINVAL for a value that is not a
/// `tsl2561Gain_t` (nothing is sent), EBADF when not open, the kernel's errno for a bus
/// error. NULL `sensor`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_SETGAIN(sensor: *mut TSL2561, gain: GainValue) -> c_int {
    let gain = Gain::try_from(gain.0);
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(sensor, |sensor| {
            let gain = gain?;
            run(sensor, |chip| chip.set_gain(gain))
        })
    }
}

/// Runs `operation` on the open chip (a value checked first, in `operation`, sends
/// nothing) and returns 0.
fn run(
    sensor: Handle<'_, TSL2561>,
    operation: impl FnOnce(&mut Chip<'_>) -> Result<()>,
) -> Result<c_int> {
    with_open(sensor, operation, |_, _| {}).map(done)
}

/// Warm mode, a lightseg extension. With `warm` non-zero the chip is powered up now and
/// stays powered between readings, converting all the time, so `TSL2561_SENSELIGHT`
/// costs only the bus time (about 0.25 ms at 400 kHz) whenever a conversion has
/// completed since the previous reading, and readings can follow one another once per
/// integration time. The chip then draws its operating current (0.24 mA typical)
/// instead of 3.2 uA. With `warm` 0 (the default, the original behaviour) the chip is
/// powered down now and after every reading. The mode is kept in `buf[2]`, so copies of
/// the struct share it; `TSL2561_SETGAIN` and `TSL2561_SETINTEGRATIONTIME` power the chip
/// down, and the next reading starts a fresh conversion; `TSL2561_CLOSE` powers it down
/// and `TSL2561_OPEN` starts cold, like the other settings it resets.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EBADF when not open, EINVAL for an
/// invalid `integration_time`/`gain` in the struct, the kernel's errno for a bus error
/// (the mode is then unchanged). NULL `sensor`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_SETWARM(sensor: *mut TSL2561, warm: c_int) -> c_int {
    let (power_mode, stored) = match warm {
        0 => (PowerMode::Cold, POWER_MODE_COLD),
        _ => (PowerMode::Warm, POWER_MODE_WARM),
    };
    let record = |snapshot: &mut TSL2561, result: &Result<()>| {
        if result.is_ok() {
            snapshot.buf[POWER_MODE_INDEX] = stored;
        }
    };
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(sensor, |sensor| {
            with_open(sensor, |chip| chip.set_power_mode(power_mode), record).map(done)
        })
    }
}

/// Takes one reading: powers the chip on, waits for the conversion (14.7, 107.8 or
/// 428.5 ms: long enough for the slowest chip), reads both channels, powers it off, and
/// computes lux with the datasheet formula (coefficients of the package found at OPEN).
/// In warm mode (`TSL2561_SETWARM`) the chip stays powered and converting: the reading
/// waits only until a conversion has completed since the previous reading (not at all
/// when the program read less often than once per integration time).
///
/// `full_spectrum` gets channel 0 (visible + infrared), `infrared` channel 1, `lux` the
/// illuminance; lux is 0 in the dark and also when a channel saturates (light too
/// bright for the integration time and gain): `TSL2561_STATUS` tells the two apart.
/// With `autogain` non-zero, a first reading that is too dark at 1x or too bright at 16x
/// switches the gain (which stays switched, see `gain`) and is taken again: at most two
/// conversions.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EINVAL for a NULL out-pointer or an
/// invalid `integration_time`/`gain` in the struct (nothing is sent), EBADF when not
/// open, the kernel's errno for a bus error (EREMOTEIO: no answer, EIO). On failure the
/// out-parameters are left untouched. Calls on one sensor serialise, also through copies
/// of the struct and from several threads on one struct (each call reads and writes the
/// struct under the chip's lock); calls on different sensors run in parallel. NULL
/// `sensor`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_SENSELIGHT(
    sensor: *mut TSL2561,
    full_spectrum: *mut u16,
    infrared: *mut u16,
    lux: *mut u32,
    autogain: c_int,
) -> c_int {
    let record = |snapshot: &mut TSL2561, result: &Result<Reading>| {
        if let Ok(reading) = result {
            record_saturation(snapshot, reading.saturated);
        }
    };
    // SAFETY: the caller's pointer contract (the header's); the outputs are checked for
    // NULL here and writable by the same contract (they need not be aligned).
    unsafe {
        call(sensor, |sensor| {
            if full_spectrum.is_null() || infrared.is_null() || lux.is_null() {
                return Err(Error::InvalidArgument("output pointer"));
            }
            let reading = with_open(sensor, |chip| chip.read(autogain != 0), record)?;
            full_spectrum.write_unaligned(reading.broadband);
            infrared.write_unaligned(reading.infrared);
            lux.write_unaligned(reading.lux);
            Ok(0)
        })
    }
}

/// Status flags of this struct (a lightseg extension): `TSL2561_STATUS_SATURATED` when a
/// channel saturated in the last successful `TSL2561_SENSELIGHT` (a failed reading
/// leaves it as it was), `TSL2561_STATUS_WARM` when warm mode is on; 0 for a fresh
/// struct and after `TSL2561_OPEN`. No bus traffic.
/// Returns the flags, or -1 with `errno` EINVAL for a NULL `sensor`.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_STATUS(sensor: *const TSL2561) -> c_int {
    // SAFETY: the caller's pointer contract (the header's); nothing is written.
    unsafe {
        call(sensor.cast_mut(), |sensor| {
            let buf = get!(sensor, buf);
            let saturated = c_int::from(buf[STATUS_INDEX]) & TSL2561_STATUS_SATURATED;
            let warm = match buf[POWER_MODE_INDEX] {
                POWER_MODE_WARM => TSL2561_STATUS_WARM,
                _ => 0,
            };
            Ok(saturated | warm)
        })
    }
}

/// Writes the saturation flag of a reading into `buf[0]` (read by `TSL2561_STATUS`).
fn record_saturation(snapshot: &mut TSL2561, saturated: bool) {
    snapshot.buf[STATUS_INDEX] = if saturated {
        TSL2561_STATUS_SATURATED as u8
    } else {
        0
    };
}

impl Conversion for Handle<'_, TSL2561> {
    /// TSL2561_START, and the first pass of SENSEALL.
    fn start_conversion(&mut self) -> Result<Instant> {
        with_open(*self, |chip| chip.start(), |_, _| {})
    }

    /// TSL2561_COLLECT, and the second pass of SENSEALL: records the saturation in the
    /// struct.
    fn collect_conversion(&mut self) -> Result<Measurement> {
        let record = |snapshot: &mut TSL2561, result: &Result<Measurement>| {
            if let Ok(measurement) = result {
                record_saturation(snapshot, measurement.saturated);
            }
        };
        with_open(*self, |chip| chip.collect(), record)
    }
}

/// Writes `value` through `pointer` unless it is NULL (an output the caller did not ask
/// for).
///
/// # Safety
/// `pointer` is NULL or valid for writes (it need not be aligned).
unsafe fn write_optional<T>(pointer: *mut T, value: T) {
    if !pointer.is_null() {
        // SAFETY: not NULL, and the caller guarantees it is writable.
        unsafe { pointer.write_unaligned(value) };
    }
}

/// Full-range reading, a lightseg extension: from darkness to sunlight, in at most two
/// conversions. A probe conversion at 13.7 ms and 1x tells which setting resolves the
/// light best without clipping (from 402 ms at 16x, 0.03 lux per count, to 101 ms at 1x,
/// about 70,000 lux); one conversion at that setting follows, unless the light is so
/// bright that the probe itself is the best reading. At most 14.7 + 428.5 ms, the slowest
/// chip's conversions, plus about 1 ms of bus time at 400 kHz.
///
/// `lux` gets the illuminance with its fraction (0 only in the dark). `gain` and `time`,
/// when not NULL, get the setting the reading was taken with; the chip stays programmed
/// with it and the struct's `gain` and `integration_time` say so (as after auto-gain), so
/// call `TSL2561_SETGAIN`/`TSL2561_SETINTEGRATIONTIME` again before `TSL2561_SENSELIGHT`
/// if you rely on your own. Warm mode is kept.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: ERANGE when even 13.7 ms at 1x
/// saturates (too bright to measure; `TSL2561_STATUS_SATURATED` is then set), EINVAL for
/// a NULL `lux`, EBADF when not open, the kernel's errno for a bus error. On failure the
/// outputs are left untouched. NULL `sensor`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_SENSELUX(
    sensor: *mut TSL2561,
    lux: *mut f64,
    gain: *mut GainValue,
    time: *mut IntegrationTimeValue,
) -> c_int {
    let record = |snapshot: &mut TSL2561, result: &Result<FullRange>| match result {
        Ok(full) => record_saturation(snapshot, full.measurement.saturated),
        Err(Error::TooBright) => record_saturation(snapshot, true),
        Err(_) => {}
    };
    // SAFETY: the caller's pointer contract (the header's); `lux` is checked for NULL
    // here, `gain` and `time` may be NULL, and all are writable by the same contract.
    unsafe {
        call(sensor, |sensor| {
            if lux.is_null() {
                return Err(Error::InvalidArgument("output pointer"));
            }
            let settings = with_open(sensor, |chip| chip.read_full_range(), record)?;
            let FullRange { measurement, .. } = settings;
            lux.write_unaligned(measurement.lux);
            let settings = measurement.settings;
            write_optional(gain, GainValue(settings.gain.bits().into()));
            let time_value = IntegrationTimeValue(settings.integration_time.bits().into());
            write_optional(time, time_value);
            Ok(0)
        })
    }
}

/// Starts a conversion and returns at once, a lightseg extension: collect it with
/// `TSL2561_COLLECT` once it has completed, and do other work meanwhile (read other
/// sensors, keep a display loop running). Several sensors started one after another
/// convert at the same time. Nothing is sent when a conversion is already under way
/// (warm mode, or started before).
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EBADF when not open, EINVAL for an
/// invalid `integration_time`/`gain` in the struct, the kernel's errno for a bus error.
/// NULL `sensor`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_START(sensor: *mut TSL2561) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call(sensor, |mut sensor| sensor.start_conversion().map(done)) }
}

/// Collects the conversion `TSL2561_START` began, without waiting, a lightseg extension.
/// Before the conversion has surely completed (the slowest chip's integration time
/// after its start) it returns -1 with EAGAIN at once, with no bus traffic, and
/// `wait_us` (when not NULL) gets the microseconds left. Once it has, `full_spectrum`,
/// `infrared` and `lux` (each may be NULL) get channel 0, channel 1 and the lux with its
/// fraction (0 in the dark, and when saturated: see `TSL2561_STATUS`), `wait_us` 0, and
/// the chip is powered down unless warm. With no conversion under way it starts one and
/// returns EAGAIN.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EAGAIN (not yet), EBADF when not
/// open, the kernel's errno for a bus error. On other failures the outputs are left
/// untouched. NULL `sensor`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_COLLECT(
    sensor: *mut TSL2561,
    full_spectrum: *mut u16,
    infrared: *mut u16,
    lux: *mut f64,
    wait_us: *mut u32,
) -> c_int {
    // SAFETY: the caller's pointer contract (the header's); the outputs are NULL or
    // writable by the same contract.
    unsafe {
        call(sensor, |mut sensor| match sensor.collect_conversion() {
            Ok(measurement) => {
                write_optional(full_spectrum, measurement.broadband);
                write_optional(infrared, measurement.infrared);
                write_optional(lux, measurement.lux);
                write_optional(wait_us, 0);
                Ok(0)
            }
            Err(error) => {
                if let Error::NotReady { remaining } = error {
                    // Rounded up, so that a caller sleeping this long finds it done.
                    let micros = remaining.as_nanos().div_ceil(1000);
                    write_optional(wait_us, micros.min(u128::from(u32::MAX)) as u32);
                }
                Err(error)
            }
        })
    }
}

/// Reads `count` sensors of an array in one conversion time, a lightseg extension: starts
/// each (they convert at the same time), waits once until the last has surely completed,
/// collects each. `lux[i]` gets sensor i's lux with its fraction. Each sensor keeps its
/// own integration time and gain, and its own `lasterr` and status flags.
///
/// Returns 0 when every sensor was read; -1 with `errno` set to the errno of the first
/// sensor in the array that failed when one or more failed (each failed struct has
/// `lasterr` set and its `lux[i]` is NaN; the others were read). EINVAL (in `errno`,
/// nothing sent, nothing written) for a NULL `sensors` or `lux`, a misaligned `sensors`,
/// `count` below 1, or one chip (adapter and address) in the array twice: read it once.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_SENSEALL(
    sensors: *mut TSL2561,
    count: c_int,
    lux: *mut f64,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's pointer contract (the header's): `count` valid structs from
        // `sensors`, `count` writable doubles from `lux`.
        match unsafe { sensor_array(sensors, count, lux) } {
            Some((mut sensors, lux)) => sense_all(&mut sensors, lux),
            None => refuse(libc::EINVAL),
        }
    })
}

/// The structs and the outputs of a SENSEALL call; `None` for a NULL or misaligned
/// `sensors`, a NULL `lux`, `count` below 1, or one chip twice. The structs stay behind
/// pointers (other threads may be calling on them: every access takes the chip's lock).
///
/// # Safety
/// `sensors` is NULL, misaligned, or points to `count` valid structs; `lux` is NULL or
/// points to `count` writable doubles; both for the lifetime.
unsafe fn sensor_array<'a>(
    sensors: *mut TSL2561,
    count: c_int,
    lux: *mut f64,
) -> Option<(Vec<Handle<'a, TSL2561>>, &'a mut [f64])> {
    // SAFETY: passed on from the caller.
    let first = unsafe { Handle::new(sensors) }?;
    let count = usize::try_from(count)
        .ok()
        .filter(|count| *count > 0 && !lux.is_null())?;
    // SAFETY: `index` < `count`, within the array (aligned, as the first is).
    let sensors: Vec<_> = (0..count)
        .map(|index| unsafe { first.add(index) })
        .collect();
    let chip =
        |sensor: &Handle<'_, TSL2561>| (get!(*sensor, adapter_nr), get!(*sensor, sensor_addr));
    let twice = |index: usize| {
        sensors[..index]
            .iter()
            .any(|earlier| chip(earlier) == chip(&sensors[index]))
    };
    if (1..count).any(twice) {
        return None;
    }
    // SAFETY: `count` writable doubles (the caller's promise).
    Some((sensors, unsafe {
        std::slice::from_raw_parts_mut(lux, count)
    }))
}

/// Reads `sensors` in one conversion time: `lux[i]` gets sensor i's lux, or NaN with its
/// `lasterr` set. 0, or -1 with `errno` of the first sensor in the array that failed.
fn sense_all(sensors: &mut [Handle<'_, TSL2561>], lux: &mut [f64]) -> c_int {
    let results = read_together(sensors, &mut SystemClock);
    let mut first_error = None;
    for ((sensor, result), slot) in sensors.iter().zip(results).zip(lux) {
        match result {
            Ok(measurement) => *slot = measurement.lux,
            Err(error) => {
                first_error.get_or_insert(error.errno());
                TSL2561::set_lasterr(*sensor, error.errno());
                *slot = f64::NAN;
            }
        }
    }
    first_error.map_or(0, refuse)
}

/// The chip's interrupt, a lightseg extension, for a program that waits on the INT pin
/// with a GPIO edge instead of polling (lightseg does not touch GPIO: wire INT, active
/// low and open drain, to a GPIO with a pull-up and wait for its falling edge, e.g. with
/// libgpiod). With `persist` 1 to 15 the pin is asserted once channel 0 has been out of
/// the window (at or below `low`, or above `high`, raw counts at the struct's gain and
/// integration time) for that many conversions in a row; with `persist` 0 after every
/// conversion (an end-of-conversion signal); it stays asserted until
/// `TSL2561_CLEARINTERRUPT`. The chip must keep converting for this, so warm mode is
/// switched on (`TSL2561_STATUS_WARM`). `persist` -1 switches the interrupt off (the
/// power mode stays). `TSL2561_OPEN` sets both thresholds back to 0.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EINVAL for `persist` outside -1 to 15
/// or `low` above `high` with `persist` 1 to 15 (a window no reading is inside: use
/// `persist` 0 to be told of every conversion) (nothing is sent), EBADF when not open,
/// the kernel's errno for a bus error. NULL `sensor`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_SETINTERRUPT(
    sensor: *mut TSL2561,
    low: u16,
    high: u16,
    persist: c_int,
) -> c_int {
    let interrupt = interrupt_of(low, high, persist);
    // SAFETY: the caller's pointer contract (the header's).
    unsafe {
        call(sensor, |sensor| {
            let interrupt = interrupt?;
            let record = |snapshot: &mut TSL2561, result: &Result<()>| {
                if result.is_ok() && interrupt.is_some() {
                    snapshot.buf[POWER_MODE_INDEX] = POWER_MODE_WARM;
                }
            };
            with_open(sensor, |chip| chip.set_interrupt(interrupt), record).map(done)
        })
    }
}

/// The interrupt SETINTERRUPT's arguments ask for (`None`: off), checked before the
/// struct and the chip are (the core checks again, for Rust callers).
fn interrupt_of(low: u16, high: u16, persist: c_int) -> Result<Option<Interrupt>> {
    match persist {
        -1 => Ok(None),
        0..=15 => {
            let interrupt = Interrupt {
                low,
                high,
                persist: persist as u8,
            };
            interrupt.check().map(|()| Some(interrupt))
        }
        _ => Err(Error::InvalidArgument("interrupt persistence (-1 to 15)")),
    }
}

/// Clears a pending interrupt (see `TSL2561_SETINTERRUPT`): the INT pin goes high again.
/// A lightseg extension.
///
/// Returns 0, or -1 with `lasterr` and `errno` set: EBADF when not open, the kernel's
/// errno for a bus error. NULL `sensor`: -1, errno EINVAL.
#[no_mangle]
pub unsafe extern "C" fn TSL2561_CLEARINTERRUPT(sensor: *mut TSL2561) -> c_int {
    // SAFETY: the caller's pointer contract (the header's).
    unsafe { call(sensor, |sensor| run(sensor, |chip| chip.clear_interrupt())) }
}
