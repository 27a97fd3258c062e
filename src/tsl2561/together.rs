//! Several sensors read in one conversion time: each converts on its own chip, so all
//! of them can integrate at once.

use std::time::Instant;

use super::{Measurement, Tsl2561};
use crate::bus::SmbusDevice;
use crate::clock::Clock;
use crate::error::Result;

/// A sensor whose conversion is started now and collected later: a [`Tsl2561`], or a
/// handle on one.
pub trait Conversion {
    /// Starts a conversion unless one is under way; when it will have surely completed
    /// ([`Tsl2561::start`]).
    fn start_conversion(&mut self) -> Result<Instant>;
    /// Collects it without waiting ([`Tsl2561::collect`]).
    fn collect_conversion(&mut self) -> Result<Measurement>;
}

impl<B: SmbusDevice, C: Clock> Conversion for Tsl2561<B, C> {
    fn start_conversion(&mut self) -> Result<Instant> {
        self.start()
    }

    fn collect_conversion(&mut self) -> Result<Measurement> {
        self.collect()
    }
}

/// Reads every sensor of `sensors` in one conversion time: starts each, sleeps once on
/// `clock` until the last has surely completed, and collects each that started. One
/// result per sensor, in order; a sensor that failed to start is not collected.
pub fn read_together<S: Conversion>(
    sensors: &mut [S],
    clock: &mut impl Clock,
) -> Vec<Result<Measurement>> {
    let started: Vec<Result<Instant>> = sensors.iter_mut().map(S::start_conversion).collect();
    if let Some(last) = started.iter().filter_map(|start| start.as_ref().ok()).max() {
        clock.sleep_until(*last);
    }
    started
        .into_iter()
        .zip(sensors)
        .map(|(start, sensor)| start.and_then(|_| sensor.collect_conversion()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::mock_bus::MockClock;
    use crate::tsl2561::Settings;
    use std::time::Duration;

    /// A sensor ready at `ready_at`, or (`None`) one that fails to start.
    struct Fake {
        ready_at: Option<Instant>,
        collected: bool,
    }

    impl Conversion for Fake {
        fn start_conversion(&mut self) -> Result<Instant> {
            self.ready_at.ok_or(Error::NotOpen)
        }

        fn collect_conversion(&mut self) -> Result<Measurement> {
            self.collected = true;
            Ok(Measurement {
                broadband: 1,
                infrared: 0,
                lux: 1.0,
                saturated: false,
                settings: Settings::default(),
            })
        }
    }

    #[test]
    fn one_sleep_until_the_last_and_only_the_started_are_collected() {
        let mut clock = MockClock::default();
        let start = clock.now();
        let at = |ms| Some(start + Duration::from_millis(ms));
        let mut sensors = [at(14), None, at(428), at(107)].map(|ready_at| Fake {
            ready_at,
            collected: false,
        });
        let results = read_together(&mut sensors, &mut &mut clock);
        assert_eq!(clock.sleeps, [Duration::from_millis(428)]);
        let read: Vec<bool> = results.iter().map(Result::is_ok).collect();
        assert_eq!(read, [true, false, true, true]);
        assert!(matches!(results[1], Err(Error::NotOpen)));
        let collected: Vec<bool> = sensors.iter().map(|sensor| sensor.collected).collect();
        assert_eq!(collected, [true, false, true, true]);
    }

    #[test]
    fn none_started_means_no_sleep() {
        let mut clock = MockClock::default();
        let mut sensors = [Fake {
            ready_at: None,
            collected: false,
        }];
        let results = read_together(&mut sensors, &mut &mut clock);
        assert!(clock.sleeps.is_empty());
        assert!(results[0].is_err() && !sensors[0].collected);
    }
}
