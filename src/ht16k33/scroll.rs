//! Scrolling text: the marquee's steps, and when each is due.
//!
//! Step 0 shows the first character at the right edge; each step moves the text one
//! character to the left; after the last character has left, one blank step, and the
//! text comes in again. A cycle has `characters + width` steps.

use std::time::{Duration, Instant};

use super::backpack::BackpackKind;
use super::frame::lay_out;
use crate::error::{Error, Result};

/// A text laid out for scrolling through a window of `width` characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marquee {
    cells: Vec<u16>,
    width: usize,
}

impl Marquee {
    /// Lays `text` out for `kind` (see [`lay_out`]; on 7-segment kinds a `:` cannot move
    /// with the text and is left out) for a window of `width` characters.
    pub fn new(kind: BackpackKind, text: &str, width: usize) -> Result<Self> {
        if width == 0 {
            return Err(Error::InvalidArgument(
                "backpack kind (not a character display)",
            ));
        }
        let cells = lay_out(kind, text)?.patterns;
        Ok(Self { cells, width })
    }

    /// Steps in one cycle.
    pub fn steps(&self) -> u64 {
        (self.cells.len() + self.width) as u64
    }

    /// The characters the window shows at `step` (counted from 0, any number of cycles).
    pub fn window(&self, step: u64) -> Vec<u16> {
        let cycle = self.steps();
        let step = step % cycle;
        (0..self.width as u64)
            .map(|slot| {
                // Which character of the text is in `slot`: negative before it starts.
                let index = (step + slot + 1).checked_sub(self.width as u64);
                index
                    .and_then(|index| self.cells.get(index as usize))
                    .copied()
                    .unwrap_or(0)
            })
            .collect()
    }
}

/// When the steps of a scroll are due: step k at `start + k * period` exactly, so that
/// the rate holds over any number of steps (no drift from the time each step takes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Time of step 0.
    pub start: Instant,
    /// Time between steps.
    pub period: Duration,
}

impl Schedule {
    /// When step `step` is due.
    pub fn due(&self, step: u64) -> Instant {
        let nanos = self.period.as_nanos().saturating_mul(u128::from(step));
        self.start + Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    /// The step to show at `now`: the last one due (steps missed while the program was
    /// busy are skipped, not shown in a burst).
    pub fn current(&self, now: Instant) -> u64 {
        let elapsed = now.saturating_duration_since(self.start).as_nanos();
        let period = self.period.as_nanos().max(1);
        u64::try_from(elapsed / period).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(marquee: &Marquee, step: u64) -> String {
        marquee
            .window(step)
            .iter()
            .map(|pattern| match pattern {
                0 => ' ',
                // 7-segment: H 0x76, I 0x06.
                0x76 => 'H',
                0x06 => 'I',
                _ => '?',
            })
            .collect()
    }

    #[test]
    fn text_enters_from_the_right_leaves_left_and_comes_again() {
        let marquee = Marquee::new(BackpackKind::Seg7, "HI", 4).expect("marquee");
        assert_eq!(marquee.steps(), 6);
        let steps: Vec<String> = (0..7).map(|step| text(&marquee, step)).collect();
        assert_eq!(
            steps,
            ["   H", "  HI", " HI ", "HI  ", "I   ", "    ", "   H"]
        );
    }

    #[test]
    fn colons_are_left_out_and_bad_text_refused() {
        let marquee = Marquee::new(BackpackKind::Seg7, "H:I", 2).expect("marquee");
        assert_eq!(marquee.steps(), 4);
        assert!(Marquee::new(BackpackKind::Seg7, "HIK", 4).is_err());
        assert!(Marquee::new(BackpackKind::Seg7, "HI", 0).is_err());
    }

    #[test]
    fn schedule_has_no_drift_and_skips_missed_steps() {
        let start = Instant::now();
        let schedule = Schedule {
            start,
            period: Duration::from_millis(250),
        };
        assert_eq!(schedule.due(1000) - start, Duration::from_secs(250));
        assert_eq!(schedule.current(start), 0);
        assert_eq!(schedule.current(start + Duration::from_millis(249)), 0);
        assert_eq!(schedule.current(start + Duration::from_millis(250)), 1);
        assert_eq!(schedule.current(start + Duration::from_millis(1300)), 5);
    }
}
