//! One or more backpacks of one kind on a bus, driven as one display: the commands go to
//! every backpack, and [`Chain::commit`] sends each its RAM image in one transfer.

use std::time::{Duration, Instant};

use super::backpack::{BackpackKind, Color};
use super::commands::{
    BRIGHTNESS_MAX, DIMMING_BASE, DISPLAY_SETUP_BASE, RAM_START, SLEEP_OP, WAKEUP_OP,
};
use super::frame::Frame;
use super::graphics::TEXT_COLOR;
use super::scroll::{Marquee, Schedule, Scroll};
use super::setup::{Blink, Display};
use crate::bus::CommandBus;
use crate::clock::Clock;
use crate::error::{Error, Result};

/// A chain of backpacks of one kind, left to right in the order of `buses`.
///
/// ```no_run
/// use lightseg::bus::open_device;
/// use lightseg::ht16k33::{BackpackKind, Chain};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let buses = vec![open_device(1, 0x70)?, open_device(1, 0x71)?];
/// let mut display = Chain::new(buses, BackpackKind::Alphanumeric)?;
/// display.switch_on()?;
/// display.frame_mut().print_decimal(-3.14159, None)?; // "-3.141590" on 8 characters
/// display.commit()?; // one transfer per backpack
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Chain<B> {
    buses: Vec<B>,
    frame: Frame,
}

impl<B: CommandBus> Chain<B> {
    /// Drives `buses` (1 to 8, one per backpack) as one display of `kind`, blank.
    pub fn new(buses: Vec<B>, kind: BackpackKind) -> Result<Self> {
        let frame = Frame::new(kind, buses.len())?;
        Ok(Self { buses, frame })
    }

    /// Drives `buses` with the content `frame` (one RAM image per bus).
    pub fn with_frame(buses: Vec<B>, frame: Frame) -> Result<Self> {
        if buses.len() != frame.count() {
            return Err(Error::InvalidArgument("number of backpacks"));
        }
        Ok(Self { buses, frame })
    }

    /// What the display shows at the next commit.
    pub fn frame(&self) -> &Frame {
        &self.frame
    }

    /// The content, to change before [`Chain::commit`].
    pub fn frame_mut(&mut self) -> &mut Frame {
        &mut self.frame
    }

    /// Gives the buses back.
    pub fn release(self) -> Vec<B> {
        self.buses
    }

    fn each(&mut self, command: u8) -> Result<()> {
        self.buses
            .iter_mut()
            .try_for_each(|bus| bus.send_command(command))
    }

    /// Oscillator on (the LEDs light once the display is switched on).
    pub fn wake(&mut self) -> Result<()> {
        self.each(WAKEUP_OP)
    }

    /// Oscillator on, display on and steady, full brightness: ready to show.
    pub fn switch_on(&mut self) -> Result<()> {
        self.wake()?;
        self.set_display(Display::On, Blink::Off)?;
        self.set_brightness(BRIGHTNESS_MAX)
    }

    /// Oscillator off (standby, LEDs dark, RAM kept).
    pub fn sleep(&mut self) -> Result<()> {
        self.each(SLEEP_OP)
    }

    /// Display on or off, with a blink rate.
    pub fn set_display(&mut self, display: Display, blink: Blink) -> Result<()> {
        self.each(DISPLAY_SETUP_BASE | blink.bits() | display.bits())
    }

    /// Dimming level 0 to 15 (clamped).
    pub fn set_brightness(&mut self, level: u8) -> Result<()> {
        self.each(DIMMING_BASE | level.min(BRIGHTNESS_MAX))
    }

    /// Sends every backpack its RAM image: one block write each, left to right.
    pub fn commit(&mut self) -> Result<()> {
        for (bus, image) in self.buses.iter_mut().zip(self.frame.ram()) {
            bus.write_block(RAM_START, image)?;
        }
        Ok(())
    }

    /// Shows step `step` of `marquee` and commits it.
    pub fn show_step(&mut self, marquee: &Marquee, step: u64) -> Result<()> {
        self.show_window(marquee.in_pixels(), marquee.window(step))
    }

    /// Starts scrolling `marquee` without waiting, one step every `period` from `now`:
    /// shows step 0 (the start of the text at the right edge). Move it on with
    /// [`Chain::step_scroll`] from your loop.
    pub fn start_scroll(
        &mut self,
        marquee: Marquee,
        period: Duration,
        now: Instant,
    ) -> Result<Scroll> {
        if period.is_zero() {
            return Err(Error::InvalidArgument("scroll step time (0)"));
        }
        self.show_step(&marquee, 0)?;
        let schedule = Schedule { start: now, period };
        Ok(Scroll {
            marquee,
            schedule,
            shown: 0,
        })
    }

    /// Shows the step of `scroll` due at `now` unless it is on the display already
    /// (steps missed while the program was busy are skipped): whether it showed one.
    pub fn step_scroll(&mut self, scroll: &mut Scroll, now: Instant) -> Result<bool> {
        let Some(due) = scroll.schedule.due_after(scroll.shown, now) else {
            return Ok(false);
        };
        self.show_step(&scroll.marquee, due)?;
        scroll.shown = due;
        Ok(true)
    }

    /// Shows a marquee's window (cell patterns, or pixel columns) and commits it.
    fn show_window(&mut self, pixels: bool, window: Vec<u16>) -> Result<()> {
        if pixels {
            let (_, down) = self.frame.pixel_size();
            for (x, column) in window.into_iter().enumerate() {
                for y in 0..down.min(16) {
                    let lit = column & (1 << y) != 0;
                    let color = if lit { TEXT_COLOR } else { Color::Off };
                    self.frame.set_pixel(x, y, color)?;
                }
            }
        } else {
            for (cell, pattern) in window.into_iter().enumerate() {
                self.frame.set_cell(cell, pattern)?;
            }
            for backpack in 0..self.frame.count() {
                // A colon cannot move with the text: dark while scrolling.
                let _ = self.frame.set_colon(backpack, false);
            }
        }
        self.commit()
    }

    /// Scrolls `text` across the display `cycles` times (at least once), one character
    /// (matrices: one pixel column) every `period`, waiting on `clock` for each step's
    /// due time (see [`Schedule`]). Ends with the display blank.
    pub fn scroll(
        &mut self,
        text: &str,
        period: Duration,
        cycles: u32,
        clock: &mut impl Clock,
    ) -> Result<()> {
        let marquee = Marquee::new(&self.frame, text)?;
        self.run_marquee(&marquee, period, cycles, clock)
    }

    /// Runs `marquee` `cycles` times (at least once), a step every `period` (see
    /// [`Chain::scroll`]); with a seamless marquee the repeats follow one another
    /// `gap` positions apart, and the last one leaves the display.
    pub fn run_marquee(
        &mut self,
        marquee: &Marquee,
        period: Duration,
        cycles: u32,
        clock: &mut impl Clock,
    ) -> Result<()> {
        if cycles == 0 || period.is_zero() {
            return Err(Error::InvalidArgument("scroll cycles or step time"));
        }
        let schedule = Schedule {
            start: clock.now(),
            period,
        };
        for step in 0..marquee.run_length(cycles) {
            clock.sleep_until(schedule.due(step));
            self.show_window(marquee.in_pixels(), marquee.window_in_run(step, cycles))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock_bus::{MockBus, MockClock, Transfer::*};

    #[test]
    fn commands_go_to_every_backpack_and_commit_is_one_write_each() {
        let mut chain = Chain::new(
            vec![MockBus::default(), MockBus::default()],
            BackpackKind::Alphanumeric,
        )
        .expect("chain");
        chain.switch_on().expect("on");
        chain.frame_mut().print_text("ABCDEFGH").expect("fits");
        chain.commit().expect("commit");
        let buses = chain.release();
        for (index, bus) in buses.iter().enumerate() {
            assert_eq!(
                bus.log[..3],
                [WriteByte(0x21), WriteByte(0x81), WriteByte(0xEF)]
            );
            assert_eq!(bus.log.len(), 4, "one RAM write");
            let WriteI2cBlock(0, ram) = &bus.log[3] else {
                panic!("not a RAM write: {:?}", bus.log[3]);
            };
            // 'A' 0x00F7 / 'E' 0x00F9 first on each.
            assert_eq!(ram[..2], if index == 0 { [0xF7, 0] } else { [0xF9, 0] });
        }
    }

    #[test]
    fn sleep_blink_and_brightness_go_to_every_backpack() {
        let mut chain = Chain::new(
            vec![MockBus::default(), MockBus::default()],
            BackpackKind::Seg7,
        )
        .expect("chain");
        chain.sleep().expect("standby");
        chain
            .set_display(Display::On, Blink::HalfHz)
            .expect("blink");
        chain.set_brightness(200).expect("clamped");
        for bus in chain.release() {
            assert_eq!(bus.log, [WriteByte(0x20), WriteByte(0x87), WriteByte(0xEF)]);
        }
    }

    #[test]
    fn a_scroll_of_zero_cycles_or_zero_step_time_is_refused() {
        let mut clock = MockClock::default();
        let mut chain = Chain::new(vec![MockBus::default()], BackpackKind::Seg7).expect("chain");
        let period = Duration::from_millis(100);
        assert!(chain.scroll("HI", period, 0, &mut &mut clock).is_err());
        assert!(chain
            .scroll("HI", Duration::ZERO, 1, &mut &mut clock)
            .is_err());
        assert!(chain.release()[0].log.is_empty(), "nothing sent");
    }

    #[test]
    fn a_scroll_stepped_from_a_loop_shows_each_due_step_once_and_skips_missed_ones() {
        let mut chain = Chain::new(vec![MockBus::default()], BackpackKind::Seg7).expect("chain");
        let marquee = Marquee::new(chain.frame(), "HI").expect("marquee");
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        let period = Duration::from_millis(100);
        let refused = chain.start_scroll(marquee.clone(), Duration::ZERO, start);
        assert!(refused.is_err());
        let mut scroll = chain.start_scroll(marquee, period, start).expect("step 0");
        let steps = [
            (99, false, 0),
            (100, true, 1),
            (150, false, 1),
            (420, true, 4),
        ];
        for (ms, showed, shown) in steps {
            let stepped = chain.step_scroll(&mut scroll, at(ms)).expect("step");
            assert_eq!((stepped, scroll.shown), (showed, shown), "at {ms} ms");
        }
        let bus = &chain.release()[0];
        assert_eq!(bus.log.len(), 3, "steps 0, 1 and 4: one RAM write each");
        let WriteI2cBlock(0, step_4) = &bus.log[2] else {
            panic!("RAM write");
        };
        // Step 4 of "HI" on four digits: the H has left, the I is leftmost, then blanks.
        assert_eq!([step_4[0], step_4[2], step_4[6]], [0x06, 0x00, 0x00]);
    }

    #[test]
    fn counts_out_of_range_are_refused() {
        assert!(Chain::<MockBus>::new(Vec::new(), BackpackKind::Seg7).is_err());
        let nine = (0..9).map(|_| MockBus::default()).collect();
        assert!(Chain::new(nine, BackpackKind::Seg7).is_err());
    }

    #[test]
    fn scrolling_steps_at_the_period_without_drift() {
        let mut clock = MockClock::default();
        let start = clock.now();
        let mut chain = Chain::new(vec![MockBus::default()], BackpackKind::Seg7).expect("chain");
        chain
            .scroll("HI", Duration::from_millis(250), 2, &mut &mut clock)
            .expect("scroll");
        assert_eq!(clock.now() - start, Duration::from_millis(250 * 11));
        assert!(
            clock
                .sleeps
                .iter()
                .all(|s| *s == Duration::from_millis(250)),
            "each step waits for its own due time"
        );
        let bus = &chain.release()[0];
        assert_eq!(bus.log.len(), 12, "two cycles of six steps");
        let WriteI2cBlock(0, first) = &bus.log[0] else {
            panic!("RAM write");
        };
        assert_eq!(first[8], 0x76, "H comes in at the right");
    }

    #[test]
    fn a_marquee_on_a_matrix_commits_each_step_as_its_pixel_columns() {
        let mut chain =
            Chain::new(vec![MockBus::default()], BackpackKind::Matrix16x8).expect("chain");
        let marquee = Marquee::new(chain.frame(), "L").expect("marquee");
        let columns = crate::ht16k33::graphics::text_columns("L").expect("font");
        chain.show_step(&marquee, 4).expect("step 4");
        // Step 4: the whole L in columns 11-15, nothing else.
        for x in 0..16 {
            for y in 0..8 {
                let lit = x >= 11 && columns[x - 11] & (1 << y) != 0;
                let expected = if lit { Color::Green } else { Color::Off };
                assert_eq!(chain.frame().pixel(x, y).ok(), Some(expected), "({x}, {y})");
            }
        }
        let buses = chain.release();
        assert_eq!(buses[0].log.len(), 1, "one commit");
    }
}
