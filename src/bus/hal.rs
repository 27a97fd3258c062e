//! The drivers' SMBus transfers over any embedded-hal 1.0 I2C bus: linux-embedded-hal's
//! `I2cdev`, a USB-to-I2C adapter's HAL, a microcontroller's, embedded-hal-mock in tests.
//!
//! Each SMBus transfer is one `write` or one `write_read` (the Linux kernel's
//! `Documentation/i2c/smbus-protocol` gives the wire form of each): the same bytes on
//! the wire as the `I2C_SMBUS` ioctl sends, and one transaction each, so nothing else
//! on the bus can split it. A block write is one concatenated `write`, not two: some
//! HALs do not merge adjacent writes into one transaction.

use std::io;

use embedded_hal::i2c::{Error as _, ErrorKind, I2c, NoAcknowledgeSource};

use super::{SmbusDevice, MAX_ADDRESS};
use crate::error::{Error, Result};

/// Longest SMBus block (the HT16K33's 16 RAM bytes fit).
const BLOCK_MAX: usize = 32;

/// One chip on an embedded-hal 1.0 I2C bus: the bus and the chip's 7-bit address, for
/// the drivers ([`crate::tsl2561::Tsl2561`], [`crate::ht16k33::Chain`]).
///
/// Several chips on one bus each need a handle to it: open the bus once per chip where
/// the HAL allows (linux-embedded-hal's `I2cdev::new` does), or share one bus with
/// embedded-hal-bus (`RefCellDevice`, `MutexDevice`).
///
/// ```no_run
/// use linux_embedded_hal::I2cdev;
/// use lightseg::bus::HalDevice;
/// use lightseg::clock::SystemClock;
/// use lightseg::tsl2561::{Settings, Tsl2561};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let bus = I2cdev::new("/dev/i2c-1")?;
/// let mut sensor = Tsl2561::new(HalDevice::new(bus, 0x39)?, SystemClock, Settings::default());
/// println!("{} lux", sensor.read(true)?.lux);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct HalDevice<I> {
    bus: I,
    address: u8,
}

impl<I: I2c> HalDevice<I> {
    /// The chip at 7-bit `address` on `bus`. `InvalidArgument` for an address above
    /// 0x7F.
    pub fn new(bus: I, address: u8) -> Result<Self> {
        if address > MAX_ADDRESS {
            return Err(Error::InvalidArgument("I2C address"));
        }
        Ok(Self { bus, address })
    }

    /// The chip's address.
    pub fn address(&self) -> u8 {
        self.address
    }

    /// Gives the bus back.
    pub fn release(self) -> I {
        self.bus
    }

    fn write(&mut self, operation: &'static str, bytes: &[u8]) -> Result<()> {
        self.bus
            .write(self.address, bytes)
            .map_err(|error| Error::bus(operation, io_error(error.kind())))
    }

    fn write_read<const N: usize>(&mut self, command: u8) -> Result<[u8; N]> {
        let mut answer = [0; N];
        self.bus
            .write_read(self.address, &[command], &mut answer)
            .map_err(|error| Error::bus("I2C register read", io_error(error.kind())))?;
        Ok(answer)
    }
}

/// The errno a Linux program would see for a HAL's error: a missing acknowledge is
/// EREMOTEIO (what the Raspberry Pi's controller answers), arbitration lost EAGAIN (as
/// the kernel's bus drivers answer), anything else EIO.
fn io_error(kind: ErrorKind) -> io::Error {
    let errno = match kind {
        ErrorKind::NoAcknowledge(
            NoAcknowledgeSource::Address | NoAcknowledgeSource::Data | NoAcknowledgeSource::Unknown,
        ) => libc::EREMOTEIO,
        ErrorKind::ArbitrationLoss => libc::EAGAIN,
        _ => libc::EIO,
    };
    io::Error::from_raw_os_error(errno)
}

impl<I: I2c> SmbusDevice for HalDevice<I> {
    fn write_byte(&mut self, value: u8) -> Result<()> {
        self.write("I2C write", &[value])
    }

    fn write_byte_data(&mut self, command: u8, value: u8) -> Result<()> {
        self.write("I2C register write", &[command, value])
    }

    fn write_word_data(&mut self, command: u8, value: u16) -> Result<()> {
        let [low, high] = value.to_le_bytes();
        self.write("I2C register write", &[command, low, high])
    }

    fn read_byte_data(&mut self, command: u8) -> Result<u8> {
        let [value] = self.write_read(command)?;
        Ok(value)
    }

    fn read_word_data(&mut self, command: u8) -> Result<u16> {
        Ok(u16::from_le_bytes(self.write_read(command)?))
    }

    fn write_i2c_block_data(&mut self, command: u8, data: &[u8]) -> Result<()> {
        if data.len() > BLOCK_MAX {
            return Err(Error::InvalidArgument("block (more than 32 bytes)"));
        }
        let mut bytes = [0; BLOCK_MAX + 1];
        bytes[0] = command;
        bytes[1..=data.len()].copy_from_slice(data);
        self.write("I2C block write", &bytes[..=data.len()])
    }
}

#[cfg(test)]
mod tests {
    use embedded_hal_mock::eh1::i2c::{Mock, Transaction};

    use super::*;
    use crate::ht16k33::{BackpackKind, Chain, Frame};
    use crate::mock_bus::MockClock;
    use crate::tsl2561::{Settings, Tsl2561};

    #[test]
    fn a_tsl2561_reads_over_an_embedded_hal_bus_with_the_smbus_bytes() {
        // A chip of unknown TIMING: powered up to take TIMING 0x12 (402 ms, 16x) and
        // down; then power on, channel 0 and 1 as words (1200 and 300, low byte first),
        // power off.
        let mut bus = Mock::new(&[
            Transaction::write(0x39, vec![0x80, 0x03]),
            Transaction::write(0x39, vec![0x81, 0x12]),
            Transaction::write(0x39, vec![0x80, 0x00]),
            Transaction::write(0x39, vec![0x80, 0x03]),
            Transaction::write_read(0x39, vec![0xAC], vec![0xB0, 0x04]),
            Transaction::write_read(0x39, vec![0xAE], vec![0x2C, 0x01]),
            Transaction::write(0x39, vec![0x80, 0x00]),
        ]);
        let mut clock = MockClock::default();
        let device = HalDevice::new(&mut bus, 0x39).expect("address");
        let mut sensor = Tsl2561::new(device, &mut clock, Settings::default());
        let reading = sensor.read(false).expect("reads");
        assert_eq!(
            (reading.broadband, reading.infrared, reading.lux),
            (1200, 300, 26)
        );
        sensor.release();
        bus.done();
    }

    #[test]
    fn a_chain_of_backpacks_drives_each_over_its_own_handle_one_write_per_commit() {
        let mut text = Frame::new(BackpackKind::Alphanumeric, 2).expect("frame");
        text.print_text("ABCDEFGH").expect("fits");
        let expect = |address: u8, image: &[u8; 16]| {
            let mut ram = vec![0x00]; // RAM address 0, then the image
            ram.extend_from_slice(image);
            Mock::new(&[
                Transaction::write(address, vec![0x21]),
                Transaction::write(address, vec![0x81]),
                Transaction::write(address, vec![0xEF]),
                Transaction::write(address, ram),
            ])
        };
        let (mut left, mut right) = (expect(0x72, &text.ram()[0]), expect(0x73, &text.ram()[1]));
        let buses = vec![
            HalDevice::new(&mut left, 0x72).expect("address"),
            HalDevice::new(&mut right, 0x73).expect("address"),
        ];
        let mut sign = Chain::new(buses, BackpackKind::Alphanumeric).expect("chain");
        sign.switch_on().expect("on");
        sign.frame_mut().print_text("ABCDEFGH").expect("fits");
        sign.commit().expect("commit");
        sign.release();
        left.done();
        right.done();
    }

    #[test]
    fn hal_errors_become_the_errno_a_linux_program_sees_and_nothing_more_is_sent() {
        use embedded_hal::i2c::ErrorKind::*;
        for (kind, errno) in [
            (NoAcknowledge(NoAcknowledgeSource::Address), libc::EREMOTEIO),
            (NoAcknowledge(NoAcknowledgeSource::Data), libc::EREMOTEIO),
            (ArbitrationLoss, libc::EAGAIN),
            (Bus, libc::EIO),
            (Overrun, libc::EIO),
            (Other, libc::EIO),
        ] {
            let mut bus = Mock::new(&[Transaction::write(0x70, vec![0x21]).with_error(kind)]);
            let mut chain = Chain::new(
                vec![HalDevice::new(&mut bus, 0x70).expect("address")],
                BackpackKind::Seg7,
            )
            .expect("chain");
            let error = chain.switch_on().expect_err("fails");
            assert_eq!(error.errno(), errno, "{kind:?}");
            chain.release();
            bus.done();
        }
        // The longest SMBus block, 32 bytes, is one write of 33; one more is refused.
        let mut longest = vec![0x10];
        longest.extend([0xAB; 32]);
        let mut bus = Mock::new(&[Transaction::write(0x70, longest)]);
        assert!(
            HalDevice::new(&mut bus, 0x80).is_err(),
            "10-bit addresses are not 7-bit"
        );
        let mut device = HalDevice::new(&mut bus, 0x70).expect("address");
        assert_eq!(device.address(), 0x70);
        device
            .write_i2c_block_data(0x10, &[0xAB; 32])
            .expect("32 bytes");
        assert!(
            device.write_i2c_block_data(0, &[0; 33]).is_err(),
            "nothing sent"
        );
        device.release().done();
    }
}
