//! The only code that touches `/dev/i2c-N`: opening an adapter, the table of open
//! devices, and the SMBus transfers the drivers use (through the `i2cdev` crate).
//!
//! A C struct holds nothing but the file descriptor, so the descriptor is the device's
//! identity: every call looks it up here. Only descriptors this library opened are ever
//! used; one that was closed or replaced behind the library's back is refused with
//! `EBADF`. Each chip (bus and address) has a lock, so calls on one chip serialise, also
//! through different descriptors, while calls on different chips (even on the same bus)
//! run in parallel. Each chip also keeps what the driver knows of it (the TSL2561's TIMING
//! register, whether it is powered), shared by every descriptor and struct copy in the
//! process.

use std::io;
use std::mem;
use std::os::unix::io::{AsRawFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use i2cdev::core::I2CDevice;
use i2cdev::linux::LinuxI2CDevice;

use crate::error::{Error, Result};
use crate::tsl2561::ChipState;

/// An open `/dev/i2c-N` with a slave address selected (from the `i2cdev` crate).
pub type I2cDevice = LinuxI2CDevice;

/// Highest 7-bit slave address.
pub const MAX_ADDRESS: u8 = 0x7F;

/// The register-level transfers the drivers need. Each call is one atomic SMBus
/// transaction (one `ioctl`), so other processes on the bus cannot split it.
pub trait SmbusDevice {
    /// SMBus "send byte": START, address+W, `value`, STOP.
    fn write_byte(&mut self, value: u8) -> Result<()>;
    /// SMBus "write byte data": `command`, then `value`.
    fn write_byte_data(&mut self, command: u8, value: u8) -> Result<()>;
    /// SMBus "read byte data": `command`, repeated START, one byte.
    fn read_byte_data(&mut self, command: u8) -> Result<u8>;
    /// SMBus "read word data": `command`, repeated START, two bytes (low byte first).
    fn read_word_data(&mut self, command: u8) -> Result<u16>;
    /// SMBus "I2C block write": `command`, then the bytes of `data` (at most 32).
    fn write_i2c_block_data(&mut self, command: u8, data: &[u8]) -> Result<()>;
}

fn io_error(error: i2cdev::linux::LinuxI2CError) -> io::Error {
    io::Error::from(error)
}

impl SmbusDevice for LinuxI2CDevice {
    fn write_byte(&mut self, value: u8) -> Result<()> {
        self.smbus_write_byte(value)
            .map_err(|e| Error::bus("I2C write", io_error(e)))
    }

    fn write_byte_data(&mut self, command: u8, value: u8) -> Result<()> {
        self.smbus_write_byte_data(command, value)
            .map_err(|e| Error::bus("I2C register write", io_error(e)))
    }

    fn read_byte_data(&mut self, command: u8) -> Result<u8> {
        self.smbus_read_byte_data(command)
            .map_err(|e| Error::bus("I2C register read", io_error(e)))
    }

    fn read_word_data(&mut self, command: u8) -> Result<u16> {
        self.smbus_read_word_data(command)
            .map_err(|e| Error::bus("I2C register read", io_error(e)))
    }

    fn write_i2c_block_data(&mut self, command: u8, data: &[u8]) -> Result<()> {
        self.smbus_write_i2c_block_data(command, data)
            .map_err(|e| Error::bus("I2C block write", io_error(e)))
    }
}

/// What identifies the open file behind a descriptor, to notice a descriptor that was
/// closed and reused for something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    device: u64,
    inode: u64,
    rdev: u64,
}

impl FileIdentity {
    fn of(fd: RawFd) -> Option<Self> {
        let mut stat = mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: fstat writes a whole `struct stat` on success and nothing else.
        if unsafe { libc::fstat(fd, stat.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: fstat returned 0, so the struct is initialised.
        let stat = unsafe { stat.assume_init() };
        // The field types differ between targets (32-bit ARM has a 32-bit st_ino).
        #[allow(clippy::unnecessary_cast)]
        Some(Self {
            device: stat.st_dev as u64,
            inode: stat.st_ino as u64,
            rdev: stat.st_rdev as u64,
        })
    }
}

/// What the process knows of one chip, whichever descriptor it is reached through.
/// Copies of a C struct, or two structs for one chip, can disagree about the chip; this
/// tells the driver what the chip really holds (the HT16K33 driver needs nothing here).
#[derive(Debug, Default)]
struct Chip {
    state: ChipState,
}

type SharedChip = Arc<Mutex<Chip>>;

/// One chip per (adapter number, address), created on first open, kept for the process.
static CHIPS: Mutex<Vec<((i32, u8), SharedChip)>> = Mutex::new(Vec::new());

fn chip(adapter_nr: i32, address: u8) -> SharedChip {
    let mut chips = lock(&CHIPS);
    if let Some((_, chip)) = chips.iter().find(|(key, _)| *key == (adapter_nr, address)) {
        return Arc::clone(chip);
    }
    let chip = SharedChip::default();
    chips.push(((adapter_nr, address), Arc::clone(&chip)));
    chip
}

struct OpenDevice {
    /// `None` once closed (or found stale) while another thread still held the entry.
    device: Option<LinuxI2CDevice>,
    address: u8,
    identity: Option<FileIdentity>,
    chip: SharedChip,
}

impl OpenDevice {
    /// The descriptor no longer refers to the file we opened: it was closed behind our
    /// back (and maybe reused for something else).
    fn is_stale(&self, fd: RawFd) -> bool {
        self.identity.is_some() && self.identity != FileIdentity::of(fd)
    }

    /// Drops our handle without closing the descriptor, which is no longer ours.
    fn forget(&mut self) {
        if let Some(device) = self.device.take() {
            mem::forget(device);
        }
    }
}

type SharedDevice = Arc<Mutex<OpenDevice>>;

static OPEN_DEVICES: Mutex<Vec<(RawFd, SharedDevice)>> = Mutex::new(Vec::new());

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in another call cannot leave these tables half-written: keep going.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn lookup(fd: RawFd) -> Option<SharedDevice> {
    lock(&OPEN_DEVICES)
        .iter()
        .find(|(open_fd, _)| *open_fd == fd)
        .map(|(_, device)| Arc::clone(device))
}

fn unregister(fd: RawFd, device: &SharedDevice) {
    lock(&OPEN_DEVICES).retain(|(open_fd, entry)| !(*open_fd == fd && Arc::ptr_eq(entry, device)));
}

/// Opens `/dev/i2c-<adapter_nr>` read-write and selects the 7-bit `address` with
/// `I2C_SLAVE`: the device to hand to a driver core. Closed when dropped.
///
/// ```no_run
/// let display = lightseg::bus::open_device(1, 0x70)?; // /dev/i2c-1, address 0x70
/// # Ok::<(), lightseg::Error>(())
/// ```
pub fn open_device(adapter_nr: i32, address: u8) -> Result<I2cDevice> {
    if adapter_nr < 0 {
        return Err(Error::InvalidArgument("adapter number"));
    }
    if address > MAX_ADDRESS {
        return Err(Error::InvalidArgument("I2C address"));
    }
    let path = format!("/dev/i2c-{adapter_nr}");
    LinuxI2CDevice::new(&path, u16::from(address))
        .map_err(|e| Error::bus("opening the I2C adapter", io_error(e)))
}

/// Opens a device as [`open_device`] does and registers its descriptor for the C API.
/// Returns the new descriptor, which stays open until [`close`].
pub fn open(adapter_nr: i32, address: u8) -> Result<RawFd> {
    let device = open_device(adapter_nr, address)?;
    let fd = device.as_raw_fd();
    let entry = OpenDevice {
        device: Some(device),
        address,
        identity: FileIdentity::of(fd),
        chip: chip(adapter_nr, address),
    };
    let mut open_devices = lock(&OPEN_DEVICES);
    // The kernel handed out this number again, so whatever we had under it was closed
    // behind our back: forget it without closing (the number is the new device's now).
    open_devices.retain(|(open_fd, stale)| {
        if *open_fd == fd {
            lock(stale).forget();
        }
        *open_fd != fd
    });
    open_devices.push((fd, Arc::new(Mutex::new(entry))));
    Ok(fd)
}

/// Closes a descriptor returned by [`open`] for `address`. `Err(NotOpen)` if it is not
/// one of ours for that address (never opened here, already closed, or another chip's);
/// such a descriptor is left alone.
pub fn close(fd: RawFd, address: u8) -> Result<()> {
    let shared = lookup(fd).ok_or(Error::NotOpen)?;
    if lock(&shared).address != address {
        return Err(Error::NotOpen);
    }
    unregister(fd, &shared);
    let mut entry = lock(&shared);
    if entry.is_stale(fd) {
        entry.forget();
        return Err(Error::NotOpen);
    }
    entry.device.take().map(drop).ok_or(Error::NotOpen)
}

/// Runs `operation` on the open device behind `fd`, holding the descriptor's and the
/// chip's locks, with what is known of the chip.
/// Fails with `NotOpen` when `fd` is not open here for `address`.
pub fn with_device<R>(
    fd: RawFd,
    address: u8,
    operation: impl FnOnce(&mut LinuxI2CDevice, &mut ChipState) -> Result<R>,
) -> Result<R> {
    let shared = lookup(fd).ok_or(Error::NotOpen)?;
    let mut entry = lock(&shared);
    if entry.address != address {
        return Err(Error::NotOpen);
    }
    if entry.is_stale(fd) {
        entry.forget();
        drop(entry);
        unregister(fd, &shared);
        return Err(Error::NotOpen);
    }
    let chip = Arc::clone(&entry.chip);
    let mut chip = lock(&chip);
    let device = entry.device.as_mut().ok_or(Error::NotOpen)?;
    operation(device, &mut chip.state)
}

impl<T: SmbusDevice + ?Sized> SmbusDevice for &mut T {
    fn write_byte(&mut self, value: u8) -> Result<()> {
        (**self).write_byte(value)
    }

    fn write_byte_data(&mut self, command: u8, value: u8) -> Result<()> {
        (**self).write_byte_data(command, value)
    }

    fn read_byte_data(&mut self, command: u8) -> Result<u8> {
        (**self).read_byte_data(command)
    }

    fn read_word_data(&mut self, command: u8) -> Result<u16> {
        (**self).read_word_data(command)
    }

    fn write_i2c_block_data(&mut self, command: u8, data: &[u8]) -> Result<()> {
        (**self).write_i2c_block_data(command, data)
    }
}
