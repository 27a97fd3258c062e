//! Waiting for the chip, behind a trait so that driver tests run without sleeping.

use std::time::Duration;

/// Something that can wait.
pub trait Delay {
    /// Blocks the calling thread for at least `duration`.
    fn delay(&mut self, duration: Duration);
}

/// Sleeps the calling thread (`nanosleep`, resumed after signals): no busy waiting.
#[derive(Debug, Default, Clone, Copy)]
pub struct ThreadSleep;

impl Delay for ThreadSleep {
    fn delay(&mut self, duration: Duration) {
        std::thread::sleep(duration);
    }
}
