//! Time for the drivers: waiting for the chip and knowing when a conversion is done,
//! behind a trait so that driver tests run without sleeping.

use std::time::{Duration, Instant};

/// A monotonic clock that can also wait.
pub trait Clock {
    /// The current time.
    fn now(&self) -> Instant;
    /// Blocks the calling thread for at least `duration`.
    fn sleep(&mut self, duration: Duration);
    /// Blocks the calling thread until `deadline` (at once if it has passed).
    fn sleep_until(&mut self, deadline: Instant) {
        let now = self.now();
        if deadline > now {
            self.sleep(deadline - now);
        }
    }
}

/// The system's monotonic clock (`clock_gettime`) and `nanosleep`, resumed after
/// signals: no busy waiting.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&mut self, duration: Duration) {
        std::thread::sleep(duration);
    }
}
