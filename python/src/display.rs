//! `Display`: one to eight HT16K33 backpacks of one kind, driven as one display.

use std::sync::Mutex;
use std::time::Duration;

use lightseg::bus::{open_device, I2cDevice};
use lightseg::clock::{Clock, SystemClock};
use lightseg::ht16k33::scroll::{Marquee, Scroll};
use lightseg::ht16k33::{BackpackKind, Blink, Chain, Color, Display as Power, Frame, Rotation};
use lightseg::Error;
use pyo3::prelude::*;
use pyo3::types::PyAny;

use crate::{lock, raise, with_open, Place};

/// The chain, and the scroll `scroll_start` began.
struct State {
    chain: Chain<I2cDevice>,
    scrolling: Option<Scroll>,
}

/// One address, or several for a chain.
#[derive(FromPyObject)]
enum Addresses {
    One(u8),
    Many(Vec<u8>),
}

fn color(value: i32) -> Result<Color, Error> {
    Color::from_index(value)
}

/// HT16K33 backpacks of one `kind` ("seg7", "seg7-large", "alphanumeric",
/// "matrix8x8", "bicolor8x8", "matrix16x8", "mini16x8", "bargraph24") at `address`
/// (0x70 to 0x77; a list of addresses chains them, left to right) on /dev/i2c-`bus`,
/// shown as one display. Opening switches them on, steady, at `brightness` (0-15), and
/// blank.
///
/// With `auto_show` (the default) every change is shown at once, one I2C transfer per
/// backpack; without it, changes collect until `show()`. Numbers are right-aligned and
/// rounded as printf does; what does not fit, or has no shape, raises
/// `InvalidValueError` and changes nothing. Calls that wait on the bus release the GIL.
#[pyclass(module = "lightseg._native", frozen)]
pub struct Display {
    state: Mutex<Option<State>>,
    place: Place,
    kind: BackpackKind,
    auto_show: bool,
}

impl Display {
    /// Runs `operation` on the open chain with the GIL released.
    fn with<R: Send>(
        &self,
        py: Python<'_>,
        operation: impl FnOnce(&mut State) -> Result<R, Error> + Send,
    ) -> PyResult<R> {
        with_open(py, &self.state, self.place, operation)
    }

    /// Changes the content (nothing changes on an error), ending a scroll under way,
    /// and shows it when `auto_show`; when showing it fails, the content stays what the
    /// display shows.
    fn edit(
        &self,
        py: Python<'_>,
        edit: impl FnOnce(&mut Frame) -> Result<(), Error> + Send,
    ) -> PyResult<()> {
        let auto_show = self.auto_show;
        self.with(py, |state| {
            let mut next = state.chain.frame().clone();
            edit(&mut next)?;
            let before = std::mem::replace(state.chain.frame_mut(), next);
            state.scrolling = None;
            if auto_show {
                if let Err(error) = state.chain.commit() {
                    *state.chain.frame_mut() = before;
                    return Err(error);
                }
            }
            Ok(())
        })
    }
}

#[pymethods]
impl Display {
    #[new]
    #[pyo3(signature = (kind = "seg7", address = Addresses::One(0x70), bus = 1, auto_show = true, brightness = 15))]
    fn new(
        py: Python<'_>,
        kind: &str,
        address: Addresses,
        bus: i32,
        auto_show: bool,
        brightness: u8,
    ) -> PyResult<Self> {
        let addresses = match address {
            Addresses::One(address) => vec![address],
            Addresses::Many(addresses) => addresses,
        };
        let place = Place {
            chip: "HT16K33",
            bus,
            address: addresses.first().copied().unwrap_or(0x70),
        };
        let kind = BackpackKind::from_name(kind)
            .ok_or(Error::InvalidArgument("backpack kind (see lightseg.KINDS)"));
        let opened = py.detach(|| -> Result<State, Error> {
            let kind = kind?;
            if brightness > 15 {
                return Err(Error::InvalidArgument("brightness (0 to 15)"));
            }
            let buses = addresses
                .iter()
                .map(|address| open_device(bus, *address))
                .collect::<Result<Vec<_>, Error>>()?;
            let mut chain = Chain::new(buses, kind)?;
            chain.wake()?;
            chain.set_display(Power::On, Blink::Off)?;
            chain.set_brightness(brightness)?;
            chain.commit()?;
            Ok(State {
                chain,
                scrolling: None,
            })
        });
        match opened {
            Ok(state) => Ok(Self {
                kind: state.chain.frame().kind(),
                state: Mutex::new(Some(state)),
                place,
                auto_show,
            }),
            Err(error) => Err(raise(py, error, Some(place))),
        }
    }

    /// Shows a number or text. An int is right-aligned; a float right-aligned with
    /// `decimals` places (None: as many as fit), rounded as printf does; a str from the
    /// left ('.' lights the point of the character before it, ':' the colon; on
    /// matrices a 5x8 pixel font).
    #[pyo3(signature = (value, decimals = None))]
    fn print(
        &self,
        py: Python<'_>,
        value: &Bound<'_, PyAny>,
        decimals: Option<usize>,
    ) -> PyResult<()> {
        if let Ok(text) = value.extract::<String>() {
            return self.edit(py, move |frame| frame.print_text(&text));
        }
        if let Ok(integer) = value.extract::<i64>() {
            return self.edit(py, move |frame| frame.print_integer(integer));
        }
        let number: f64 = value.extract()?;
        self.edit(py, move |frame| frame.print_decimal(number, decimals))
    }

    /// Shows a number in hexadecimal, right-aligned (A b C d E F on 7 segments).
    fn print_hex(&self, py: Python<'_>, value: u64) -> PyResult<()> {
        self.edit(py, move |frame| frame.print_hex(value))
    }

    /// Shows a time of day as HH:MM (hours 0-99 without a leading zero).
    #[pyo3(signature = (hours, minutes, colon = true))]
    fn print_time(&self, py: Python<'_>, hours: u32, minutes: u32, colon: bool) -> PyResult<()> {
        self.edit(py, move |frame| frame.print_time(hours, minutes, colon))
    }

    /// Sets character `position` (0 = leftmost of the chain) to raw `segments` (bit 0 =
    /// segment A; the point is 0x80 on 7 segments, 0x4000 on 14).
    fn set_raw(&self, py: Python<'_>, position: usize, segments: u16) -> PyResult<()> {
        self.edit(py, move |frame| frame.set_cell(position, segments))
    }

    /// Lights or darkens the colon of `backpack` (7-segment kinds).
    #[pyo3(signature = (on, backpack = 0))]
    fn set_colon(&self, py: Python<'_>, on: bool, backpack: usize) -> PyResult<()> {
        self.edit(py, move |frame| frame.set_colon(backpack, on))
    }

    /// Sets the colon and dot bits of `backpack`: 0x02 the colon; on the 1.2" also
    /// 0x04 and 0x08 the left colon's upper and lower dot, 0x10 the upper dot.
    #[pyo3(signature = (mask, backpack = 0))]
    fn set_dots(&self, py: Python<'_>, mask: u8, backpack: usize) -> PyResult<()> {
        self.edit(py, move |frame| frame.set_dots(backpack, mask))
    }

    /// Gives `character` a segment shape of your own (None: its font's again) for all
    /// this display prints and scrolls, numbers too. Up to 8 characters; not '.' or ':'.
    fn set_glyph(&self, py: Python<'_>, character: char, segments: Option<u16>) -> PyResult<()> {
        self.with(py, move |state| {
            state.chain.frame_mut().set_glyph(character, segments)
        })
    }

    /// Blanks the display.
    fn clear(&self, py: Python<'_>) -> PyResult<()> {
        self.edit(py, |frame| {
            frame.clear();
            Ok(())
        })
    }

    /// Sends what changed since the last `show()` (with `auto_show` off): one transfer
    /// per backpack.
    fn show(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |state| state.chain.commit())
    }

    /// Switches the display on (steady, the brightness kept).
    fn on(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |state| {
            state.chain.wake()?;
            state.chain.set_display(Power::On, Blink::Off)
        })
    }

    /// Puts the display to sleep: LEDs dark, what it shows kept.
    fn off(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |state| state.chain.sleep())
    }

    /// Sets the brightness, 0 (dimmest) to 15.
    fn set_brightness(&self, py: Python<'_>, level: u8) -> PyResult<()> {
        let level = match level {
            0..=15 => Ok(level),
            _ => Err(Error::InvalidArgument("brightness (0 to 15)")),
        };
        self.with(py, move |state| state.chain.set_brightness(level?))
    }

    /// Blinks the whole display: `hz` 0 (steady), 0.5, 1 or 2.
    fn set_blink(&self, py: Python<'_>, hz: f64) -> PyResult<()> {
        let rates = [
            (0.0, Blink::Off),
            (0.5, Blink::HalfHz),
            (1.0, Blink::Hz1),
            (2.0, Blink::Hz2),
        ];
        let blink = rates
            .into_iter()
            .find(|(rate, _)| *rate == hz)
            .map(|(_, blink)| blink)
            .ok_or(Error::InvalidArgument("blink rate (0, 0.5, 1 or 2 Hz)"));
        self.with(py, move |state| state.chain.set_display(Power::On, blink?))
    }

    /// The colour of pixel (`x`, `y`) of a matrix chain, or sets it with `color`
    /// (lightseg.OFF, RED, GREEN, YELLOW; any but OFF lights a single-colour matrix).
    #[pyo3(signature = (x, y, color = None))]
    fn pixel(
        &self,
        py: Python<'_>,
        x: usize,
        y: usize,
        color: Option<i32>,
    ) -> PyResult<Option<i32>> {
        match color {
            Some(value) => self
                .edit(py, move |frame| frame.set_pixel(x, y, self::color(value)?))
                .map(|()| None),
            None => self.with(py, move |state| {
                let lit = state.chain.frame().pixel(x, y)?;
                Ok(Some(lit as i32))
            }),
        }
    }

    /// Sets every pixel of a matrix chain to `color`.
    #[pyo3(signature = (color = 2))]
    fn fill(&self, py: Python<'_>, color: i32) -> PyResult<()> {
        self.edit(py, move |frame| frame.fill(self::color(color)?))
    }

    /// A line from (`x0`, `y0`) to (`x1`, `y1`), both ends included, clipped.
    #[pyo3(signature = (x0, y0, x1, y1, color = 2))]
    fn line(&self, py: Python<'_>, x0: i32, y0: i32, x1: i32, y1: i32, color: i32) -> PyResult<()> {
        self.edit(py, move |frame| {
            frame.draw_line((x0, y0), (x1, y1), self::color(color)?)
        })
    }

    /// A rectangle `width` x `height` with its top left corner at (`x`, `y`): its
    /// outline, or `filled`.
    #[pyo3(signature = (x, y, width, height, color = 2, filled = false))]
    #[allow(clippy::too_many_arguments)]
    fn rect(
        &self,
        py: Python<'_>,
        x: i32,
        y: i32,
        width: u32,
        height: u32,
        color: i32,
        filled: bool,
    ) -> PyResult<()> {
        self.edit(py, move |frame| {
            frame.draw_rect((x, y), (width, height), self::color(color)?, filled)
        })
    }

    /// A circle centred on (`x`, `y`), 2 * `radius` + 1 pixels across: its outline, or
    /// `filled`.
    #[pyo3(signature = (x, y, radius, color = 2, filled = false))]
    fn circle(
        &self,
        py: Python<'_>,
        x: i32,
        y: i32,
        radius: u32,
        color: i32,
        filled: bool,
    ) -> PyResult<()> {
        self.edit(py, move |frame| {
            frame.draw_circle((x, y), radius, self::color(color)?, filled)
        })
    }

    /// Moves the picture `dx` pixels right and `dy` down (negative: left, up); with
    /// `wrap` what leaves one edge comes in at the other.
    #[pyo3(signature = (dx, dy, wrap = false))]
    fn shift(&self, py: Python<'_>, dx: i32, dy: i32, wrap: bool) -> PyResult<()> {
        self.edit(py, move |frame| frame.shift(dx, dy, wrap))
    }

    /// Draws `text` in the 5x8 pixel font with its top left at (`x`, `y`), clipped.
    #[pyo3(signature = (x, y, text, color = 2))]
    fn text(&self, py: Python<'_>, x: i32, y: i32, text: String, color: i32) -> PyResult<()> {
        self.edit(py, move |frame| {
            frame.draw_text((x, y), &text, self::color(color)?)
        })
    }

    /// Draws a bitmap with its top left at (`x`, `y`): `rows` of (`width` + 7) // 8
    /// bytes each, most significant bit leftmost; set bits take `color`.
    #[pyo3(signature = (x, y, bitmap, width, height, color = 2))]
    #[allow(clippy::too_many_arguments)]
    fn bitmap(
        &self,
        py: Python<'_>,
        x: isize,
        y: isize,
        bitmap: Vec<u8>,
        width: usize,
        height: usize,
        color: i32,
    ) -> PyResult<()> {
        self.edit(py, move |frame| {
            frame.draw_bitmap(x, y, &bitmap, width, height, self::color(color)?)
        })
    }

    /// How the matrices are mounted: 0 to 3 quarter turns clockwise.
    fn set_rotation(&self, py: Python<'_>, quarter_turns: i32) -> PyResult<()> {
        self.with(py, move |state| {
            state
                .chain
                .frame_mut()
                .set_rotation(Rotation::from_index(quarter_turns)?)
        })
    }

    /// Sets bar `index` of a bargraph chain to `color`.
    fn bar(&self, py: Python<'_>, index: usize, color: i32) -> PyResult<()> {
        self.edit(py, move |frame| frame.set_bar(index, self::color(color)?))
    }

    /// A level meter: bars 0 to `lit` - 1 in `color`, the rest dark.
    #[pyo3(signature = (lit, color = 2))]
    fn level(&self, py: Python<'_>, lit: usize, color: i32) -> PyResult<()> {
        self.edit(py, move |frame| frame.set_level(lit, self::color(color)?))
    }

    /// Scrolls `text` across the display `cycles` times, one character (matrices: one
    /// pixel) every `step` seconds, and returns when done (the display blank). With
    /// `gap` the text comes again `gap` positions after its end (a seamless marquee).
    /// The GIL is released meanwhile.
    #[pyo3(signature = (text, step = 0.25, cycles = 1, gap = None))]
    fn scroll(
        &self,
        py: Python<'_>,
        text: String,
        step: f64,
        cycles: u32,
        gap: Option<usize>,
    ) -> PyResult<()> {
        let period = period_of(step);
        self.with(py, move |state| {
            state.scrolling = None;
            let marquee = Marquee::new(state.chain.frame(), &text)?.with_gap(gap);
            state
                .chain
                .run_marquee(&marquee, period?, cycles, &mut SystemClock)
        })
    }

    /// Starts scrolling `text` (as `scroll`, without end) and shows its first step;
    /// call `scroll_step()` from your loop to move it on.
    #[pyo3(signature = (text, step = 0.25, gap = None))]
    fn scroll_start(
        &self,
        py: Python<'_>,
        text: String,
        step: f64,
        gap: Option<usize>,
    ) -> PyResult<()> {
        let period = period_of(step);
        self.with(py, move |state| {
            let marquee = Marquee::new(state.chain.frame(), &text)?.with_gap(gap);
            let scroll = state
                .chain
                .start_scroll(marquee, period?, SystemClock.now())?;
            state.scrolling = Some(scroll);
            Ok(())
        })
    }

    /// Shows the step of the scroll that is due now: True when it showed one, False when
    /// none was due. Steps missed while the program was busy are skipped.
    fn scroll_step(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |state| {
            let Some(scroll) = state.scrolling.as_mut() else {
                return Err(Error::InvalidArgument("scroll (not started)"));
            };
            state.chain.step_scroll(scroll, SystemClock.now())
        })
    }

    /// What the display will show at the next `show()`, as text: characters for
    /// character displays, rows of '#' and '.' for matrices, a letter per bar.
    #[getter]
    fn shows(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |state| Ok(state.chain.frame().shows()))
    }

    /// The backpack kind.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind.name()
    }

    /// Closes the descriptors (the display keeps showing what it shows); later calls
    /// raise `ClosedError`. Safe to call twice.
    fn close(&self) {
        lock(&self.state).take();
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        lock(&self.state).is_none()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &self,
        _exception_type: Option<Bound<'_, PyAny>>,
        _value: Option<Bound<'_, PyAny>>,
        _traceback: Option<Bound<'_, PyAny>>,
    ) -> bool {
        self.close();
        false
    }

    fn __repr__(&self) -> String {
        format!(
            "Display(kind={:?}, bus={}, first address={:#04x}{})",
            self.kind.name(),
            self.place.bus,
            self.place.address,
            if self.closed() { ", closed" } else { "" }
        )
    }
}

/// A step time in seconds as a duration: EINVAL unless positive and finite.
fn period_of(seconds: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|period| !period.is_zero())
        .ok_or(Error::InvalidArgument("step time (seconds, above 0)"))
}
