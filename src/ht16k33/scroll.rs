//! Scrolling text: the marquee's steps, and when each is due.
//!
//! Step 0 shows the start of the text at the right edge; each step moves the text one
//! character (character displays) or one pixel (matrices) to the left; after the end has
//! left, one blank step, and the text comes in again. A cycle has `length + width`
//! steps, the text's length and the display's width in characters or pixel columns.
//!
//! A seamless marquee ([`Marquee::with_gap`]) brings the text in again `gap` blank
//! positions after its end instead, while its end is still on the display: a cycle has
//! `length + gap` steps (the classic marquee is the one whose gap is the display's width).

use std::time::{Duration, Instant};

use super::backpack::Surface;
use super::frame::Frame;
use super::graphics::text_columns;
use crate::error::{Error, Result};

/// A text laid out for scrolling through a display: character cells (segment patterns)
/// or pixel columns (bit `y` = row `y`), and the window's width in them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marquee {
    track: Vec<u16>,
    width: usize,
    gap: usize,
    pixels: bool,
}

impl Marquee {
    /// Lays `text` out for the display `frame` describes: for character kinds as
    /// [`Frame::lay_out`] does (on 7-segment kinds a `:` cannot move with the text and is left
    /// out), for matrices in pixels (see [`text_columns`]). EINVAL for bargraphs.
    pub fn new(frame: &Frame, text: &str) -> Result<Self> {
        let (track, width, pixels) = match frame.kind().surface() {
            Surface::Segments { .. } => (frame.lay_out(text)?.patterns, frame.cells(), false),
            Surface::Pixels { .. } => (text_columns(text)?, frame.pixel_size().0, true),
            Surface::Bars { .. } => {
                return Err(Error::InvalidArgument(
                    "backpack kind (a bargraph shows no text)",
                ))
            }
        };
        Ok(Self {
            track,
            width,
            gap: width,
            pixels,
        })
    }

    /// The text comes again `gap` blank positions (characters, or pixel columns on
    /// matrices) after its end; `None`: once its end has left the display (the default).
    pub fn with_gap(mut self, gap: Option<usize>) -> Self {
        self.gap = gap.unwrap_or(self.width);
        self
    }

    /// Steps in one cycle: from one start of the text at the right edge to the next.
    pub fn steps(&self) -> u64 {
        (self.track.len() + self.gap) as u64
    }

    /// Steps that show the text `cycles` times and let the last one leave, ending on a
    /// blank step.
    pub fn run_length(&self, cycles: u32) -> u64 {
        match cycles {
            0 => 0,
            _ => (u64::from(cycles) - 1) * self.steps() + (self.track.len() + self.width) as u64,
        }
    }

    /// Whether the window is pixel columns (matrices) rather than character cells.
    pub fn in_pixels(&self) -> bool {
        self.pixels
    }

    /// What the window shows at `step` (counted from 0, any number of cycles): a cell
    /// pattern or a pixel column per position, left to right.
    pub fn window(&self, step: u64) -> Vec<u16> {
        self.window_of(step, u64::MAX)
    }

    /// [`Marquee::window`] of a run of `cycles` repetitions: none comes in after them.
    pub fn window_in_run(&self, step: u64, cycles: u32) -> Vec<u16> {
        self.window_of(step, u64::from(cycles))
    }

    fn window_of(&self, step: u64, cycles: u64) -> Vec<u16> {
        let cycle = self.steps().max(1);
        (0..self.width as u64)
            .map(|slot| {
                // Where on the endless tape of repeats `slot` is: before it starts, none.
                let position = (step + slot + 1).checked_sub(self.width as u64);
                position
                    .filter(|position| position / cycle < cycles)
                    .and_then(|position| self.track.get((position % cycle) as usize))
                    .copied()
                    .unwrap_or(0)
            })
            .collect()
    }
}

/// A scroll under way, moved on from the caller's own loop ([`Chain::start_scroll`],
/// [`Chain::step_scroll`]): the marquee, when its steps are due, the step shown last.
///
/// [`Chain::start_scroll`]: super::Chain::start_scroll
/// [`Chain::step_scroll`]: super::Chain::step_scroll
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scroll {
    /// The text laid out for the display.
    pub marquee: Marquee,
    /// When each step is due.
    pub schedule: Schedule,
    /// The step on the display.
    pub shown: u64,
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

    /// The step to show at `now` when step `shown` is on the display: `None` while no
    /// later one is due (what a loop calling `SCROLL_STEP` does on each call).
    pub fn due_after(&self, shown: u64, now: Instant) -> Option<u64> {
        let due = self.current(now);
        (due > shown).then_some(due)
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
    use crate::ht16k33::BackpackKind;

    fn marquee(kind: BackpackKind, count: usize, text: &str) -> Result<Marquee> {
        Marquee::new(&Frame::new(kind, count)?, text)
    }

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
        let one = marquee(BackpackKind::Seg7, 1, "HI").expect("marquee");
        assert_eq!(one.steps(), 6);
        assert!(!one.in_pixels());
        let steps: Vec<String> = (0..7).map(|step| text(&one, step)).collect();
        assert_eq!(
            steps,
            ["   H", "  HI", " HI ", "HI  ", "I   ", "    ", "   H"]
        );
    }

    #[test]
    fn colons_are_left_out_and_bad_text_refused() {
        let on_two = marquee(BackpackKind::Seg7, 2, "H:I").expect("marquee");
        assert_eq!(on_two.steps(), 10, "two characters through eight cells");
        assert!(matches!(
            marquee(BackpackKind::Seg7, 1, "HIK"),
            Err(Error::NoGlyph('K'))
        ));
        assert!(matches!(
            marquee(BackpackKind::Bargraph24, 1, "HI"),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn on_matrices_text_moves_a_pixel_column_per_step() {
        // "I" in the 5x8 font: columns of pixels; 8 columns of window.
        let one = marquee(BackpackKind::Matrix8x8, 1, "I").expect("marquee");
        assert!(one.in_pixels());
        let columns = text_columns("I").expect("font");
        assert_eq!(columns.len(), 5);
        assert!(columns.iter().any(|column| *column != 0), "I has pixels");
        assert_eq!(one.steps(), 5 + 8);
        // Step 0: the first column at the right edge; step 4: the whole letter in
        // columns 3-7; step 7: in columns 0-4; the step before the cycle ends: blank.
        let mut first = vec![0; 8];
        first[7] = columns[0];
        assert_eq!(one.window(0), first);
        assert_eq!(one.window(4)[3..], columns[..]);
        assert_eq!(one.window(7)[..5], columns[..]);
        assert_eq!(one.window(12), vec![0; 8]);
        assert_eq!(one.window(13), one.window(0));
        assert!(matches!(
            marquee(BackpackKind::Matrix16x8, 1, "é"),
            Err(Error::NoGlyph('é'))
        ));
    }

    #[test]
    fn a_seamless_marquee_comes_again_after_its_gap_and_a_run_ends_blank() {
        let classic = marquee(BackpackKind::Seg7, 1, "HI").expect("marquee");
        // The classic marquee is the seamless one whose gap is the display's width.
        let same = classic.clone().with_gap(Some(4));
        assert!((0..30).all(|step| classic.window(step) == same.window(step)));
        assert_eq!(classic.run_length(3), 18);
        let seamless = classic.with_gap(Some(1));
        assert_eq!(seamless.steps(), 3);
        let steps: Vec<String> = (0..9).map(|step| text(&seamless, step)).collect();
        assert_eq!(
            steps,
            ["   H", "  HI", " HI ", "HI H", "I HI", " HI ", "HI H", "I HI", " HI "]
        );
        // Two repeats, then the last one leaves: "HI H" becomes "HI  " in a run.
        assert_eq!(seamless.run_length(2), 3 + 2 + 4);
        let run: Vec<String> = (0..9)
            .map(|step| {
                seamless
                    .window_in_run(step, 2)
                    .iter()
                    .map(|pattern| if *pattern == 0 { ' ' } else { '#' })
                    .collect()
            })
            .collect();
        assert_eq!(
            run,
            ["   #", "  ##", " ## ", "## #", "# ##", " ## ", "##  ", "#   ", "    "]
        );
        assert_eq!(seamless.run_length(0), 0);
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
        assert_eq!(
            schedule.due_after(0, start + Duration::from_millis(249)),
            None
        );
        assert_eq!(
            schedule.due_after(0, start + Duration::from_millis(250)),
            Some(1)
        );
        assert_eq!(
            schedule.due_after(5, start + Duration::from_millis(1300)),
            None
        );
        assert_eq!(
            schedule.due_after(2, start + Duration::from_millis(1300)),
            Some(5)
        );
    }
}
