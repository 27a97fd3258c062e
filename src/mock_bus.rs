//! A recording SMBus device and clock for the driver cores' unit tests.

use std::collections::VecDeque;
use std::io;
use std::time::{Duration, Instant};

use crate::bus::SmbusDevice;
use crate::clock::Clock;
use crate::error::{Error, Result};

/// One transfer as the mock saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transfer {
    WriteByte(u8),
    WriteByteData(u8, u8),
    WriteWordData(u8, u16),
    ReadByteData(u8),
    ReadWordData(u8),
    WriteI2cBlock(u8, Vec<u8>),
}

/// Records transfers, answers word reads from a queue, fails the n-th transfer (from 1).
#[derive(Debug, Default)]
pub struct MockBus {
    pub log: Vec<Transfer>,
    pub words: VecDeque<u16>,
    pub fail_on: Option<(usize, i32)>,
    /// What byte reads return.
    pub byte: u8,
}

impl MockBus {
    pub fn with_words(words: &[u16]) -> Self {
        Self {
            words: words.iter().copied().collect(),
            ..Self::default()
        }
    }

    fn record(&mut self, transfer: Transfer) -> Result<()> {
        self.log.push(transfer);
        match self.fail_on {
            Some((n, errno)) if n == self.log.len() => Err(Error::bus(
                "mock transfer",
                io::Error::from_raw_os_error(errno),
            )),
            _ => Ok(()),
        }
    }
}

impl SmbusDevice for MockBus {
    fn write_byte(&mut self, value: u8) -> Result<()> {
        self.record(Transfer::WriteByte(value))
    }

    fn write_byte_data(&mut self, command: u8, value: u8) -> Result<()> {
        self.record(Transfer::WriteByteData(command, value))
    }

    fn write_word_data(&mut self, command: u8, value: u16) -> Result<()> {
        self.record(Transfer::WriteWordData(command, value))
    }

    fn read_byte_data(&mut self, command: u8) -> Result<u8> {
        self.record(Transfer::ReadByteData(command))?;
        Ok(self.byte)
    }

    fn read_word_data(&mut self, command: u8) -> Result<u16> {
        self.record(Transfer::ReadWordData(command))?;
        Ok(self.words.pop_front().unwrap_or(0))
    }

    fn write_i2c_block_data(&mut self, command: u8, data: &[u8]) -> Result<()> {
        self.record(Transfer::WriteI2cBlock(command, data.to_vec()))
    }
}

/// A virtual clock: records every sleep and advances by it instead of sleeping.
#[derive(Debug)]
pub struct MockClock {
    start: Instant,
    elapsed: Duration,
    /// Every sleep asked for, in order.
    pub sleeps: Vec<Duration>,
}

impl Default for MockClock {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            elapsed: Duration::ZERO,
            sleeps: Vec::new(),
        }
    }
}

impl MockClock {
    /// The virtual time now.
    pub fn now(&self) -> Instant {
        self.start + self.elapsed
    }

    /// Lets time pass without a sleep of the driver's (the program doing other work).
    pub fn advance(&mut self, duration: Duration) {
        self.elapsed += duration;
    }
}

impl Clock for &mut MockClock {
    fn now(&self) -> Instant {
        MockClock::now(self)
    }

    fn sleep(&mut self, duration: Duration) {
        self.sleeps.push(duration);
        self.elapsed += duration;
    }
}
