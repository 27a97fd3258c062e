//! The only code that touches `/dev/i2c-N`: opening an adapter with a slave address
//! selected, and the SMBus transfers the drivers use (through the `i2cdev` crate).
//! It knows nothing of the chips. The table of the descriptors the C library opened,
//! and whether a number still refers to the open file it opened, is `registry`. The same transfers over any embedded-hal 1.0 I2C bus:
//! [`HalDevice`].

mod hal;
pub(crate) mod registry;

pub use hal::HalDevice;

use std::io;

use i2cdev::core::I2CDevice;
use i2cdev::linux::LinuxI2CDevice;

use crate::error::{Error, Result};

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
    /// SMBus "write word data": `command`, then `value` (low byte first).
    fn write_word_data(&mut self, command: u8, value: u16) -> Result<()>;
    /// SMBus "read byte data": `command`, repeated START, one byte.
    fn read_byte_data(&mut self, command: u8) -> Result<u8>;
    /// SMBus "read word data": `command`, repeated START, two bytes (low byte first).
    fn read_word_data(&mut self, command: u8) -> Result<u16>;
    /// SMBus "I2C block write": `command`, then the bytes of `data` (at most 32).
    fn write_i2c_block_data(&mut self, command: u8, data: &[u8]) -> Result<()>;
}

/// The two transfers a write-only chip such as the HT16K33 takes: a command byte and a
/// block of RAM. Every [`SmbusDevice`] is one; the C layer's chained backpacks
/// implement only this.
pub trait CommandBus {
    /// SMBus "send byte": START, address+W, `value`, STOP.
    fn send_command(&mut self, value: u8) -> Result<()>;
    /// SMBus "I2C block write": `command`, then the bytes of `data` (at most 32).
    fn write_block(&mut self, command: u8, data: &[u8]) -> Result<()>;
}

impl<T: SmbusDevice> CommandBus for T {
    fn send_command(&mut self, value: u8) -> Result<()> {
        self.write_byte(value)
    }

    fn write_block(&mut self, command: u8, data: &[u8]) -> Result<()> {
        self.write_i2c_block_data(command, data)
    }
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

    fn write_word_data(&mut self, command: u8, value: u16) -> Result<()> {
        self.smbus_write_word_data(command, value)
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

impl<T: SmbusDevice + ?Sized> SmbusDevice for &mut T {
    fn write_byte(&mut self, value: u8) -> Result<()> {
        (**self).write_byte(value)
    }

    fn write_byte_data(&mut self, command: u8, value: u8) -> Result<()> {
        (**self).write_byte_data(command, value)
    }

    fn write_word_data(&mut self, command: u8, value: u16) -> Result<()> {
        (**self).write_word_data(command, value)
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

/// Opens `/dev/i2c-<adapter_nr>` read-write and selects the 7-bit `address` with
/// `I2C_SLAVE`: the device to hand to a driver core. Closed when dropped.
///
/// Fails with `InvalidArgument` for a negative adapter number or an address above
/// 0x7F (nothing is opened), and with the kernel's error otherwise (ENOENT: no such
/// adapter, EACCES: no permission, EBUSY: a kernel driver owns the address).
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

/// How a scan asks whether something answers at an address: the two transfers
/// `i2cdetect` uses (i2c-tools), neither of which writes data to a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeMethod {
    /// SMBus "quick write": the address with the write bit, no data.
    QuickWrite,
    /// SMBus "receive byte": the address with the read bit, one byte read.
    ReadByte,
}

impl ProbeMethod {
    /// i2cdetect's choice for `address`: a read where a quick write could change
    /// something (0x30-0x37 and 0x50-0x5F: EEPROMs, and chips that take the write bit
    /// as a command), a quick write elsewhere.
    pub fn for_address(address: u8) -> Self {
        match address {
            0x30..=0x37 | 0x50..=0x5F => Self::ReadByte,
            _ => Self::QuickWrite,
        }
    }
}

/// What a probe found at an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// A device acknowledged.
    Answers,
    /// Nothing acknowledged.
    Silent,
    /// A kernel driver owns the address (`I2C_SLAVE` refused with EBUSY): not probed.
    Busy,
}

/// Probes `address` on `/dev/i2c-<adapter_nr>` with `method` (falling back to a read
/// when the adapter cannot do a quick write, as i2cdetect does). Errors are those of
/// opening the adapter (ENOENT, EACCES) or of an unusable adapter.
pub fn probe(adapter_nr: i32, address: u8, method: ProbeMethod) -> Result<Probe> {
    let mut device = match open_device(adapter_nr, address) {
        Ok(device) => device,
        Err(error) if error.errno() == libc::EBUSY => return Ok(Probe::Busy),
        Err(error) => return Err(error),
    };
    let transfer = |device: &mut LinuxI2CDevice, method| match method {
        ProbeMethod::QuickWrite => device.smbus_write_quick(false).map(|_| ()),
        ProbeMethod::ReadByte => device.smbus_read_byte().map(|_| ()),
    };
    let mut result = transfer(&mut device, method).map_err(io_error);
    if let Err(error) = &result {
        let unsupported = matches!(
            error.raw_os_error(),
            Some(libc::EOPNOTSUPP) | Some(libc::EINVAL)
        );
        if unsupported && method == ProbeMethod::QuickWrite {
            result = transfer(&mut device, ProbeMethod::ReadByte).map_err(io_error);
        }
    }
    match result {
        Ok(()) => Ok(Probe::Answers),
        Err(error) => match error.raw_os_error() {
            Some(libc::ENXIO | libc::EREMOTEIO | libc::EIO | libc::ETIMEDOUT | libc::ENODEV) => {
                Ok(Probe::Silent)
            }
            _ => Err(Error::bus("probing the address", error)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_methods_follow_i2cdetect() {
        for address in [0x08, 0x29, 0x2F, 0x38, 0x4F, 0x60, 0x70, 0x77] {
            assert_eq!(ProbeMethod::for_address(address), ProbeMethod::QuickWrite);
        }
        for address in [0x30, 0x37, 0x50, 0x5F] {
            assert_eq!(ProbeMethod::for_address(address), ProbeMethod::ReadByte);
        }
    }

    #[test]
    fn arguments_are_checked_at_their_boundaries_before_anything_is_opened() {
        let invalid = |result: Result<I2cDevice>| matches!(result, Err(Error::InvalidArgument(_)));
        assert!(invalid(open_device(-1, 0x39)));
        assert!(invalid(open_device(i32::MIN, 0x39)));
        assert!(invalid(open_device(0, 0x80)));
        assert!(invalid(open_device(0, 0xFF)));
        // Adapter 0 and address 0x7F are valid: what fails then is the open itself
        // (this machine has no /dev/i2c-999999).
        for (adapter, address) in [(0, 0x7F), (999_999, 0x00)] {
            match open_device(adapter, address) {
                Err(Error::InvalidArgument(what)) => panic!("{adapter}/{address}: {what}"),
                Err(Error::Bus { .. }) | Ok(_) => {}
                Err(other) => panic!("unexpected {other}"),
            }
        }
    }
}
