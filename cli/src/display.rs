//! `lightseg display`: text, the time, brightness, blinking, on and off for the
//! 4-digit backpack.

use std::time::Duration;

use lightseg::clock::{Clock, SystemClock};
use lightseg::ht16k33::commands::{ADDR_COUNT, ADDR_FIRST};
use lightseg::ht16k33::text::layout;
use lightseg::ht16k33::{Blink, DisplayState, Ht16k33};

use crate::args::{self, Args, UsageError};
use crate::{device_error, open_chip, repetitions, Failure, Target, Ticker};

/// Characters the help promises: shown, and refused (no shape in the glyph table).
const SHOWN: &str = "A b C d E F H I J L n o P r S U y - _";
const NOT_SHOWN: &str = "K M T V W";

/// The help text of `lightseg display`.
pub fn help() -> String {
    format!(
        "\
Usage: lightseg display [OPTIONS] [TEXT]
       lightseg display --clock [--watch SECONDS] [OPTIONS]

Shows TEXT on an HT16K33 4-digit 7-segment backpack, left-aligned (pad with spaces to
right-align): up to 4 characters, digits and the letters and signs the glyph table has
({SHOWN} and more; not {NOT_SHOWN}); ':' lights the colon, '.' the decimal point of the
character before it. An empty TEXT (\"\") blanks the display. The display is switched
on, steady unless --blink says otherwise. Nothing is printed on success.

Options:
  -b, --bus N           I2C bus: /dev/i2c-N (default 1)
  -a, --address ADDR    0x70 (default) to 0x77
      --clock           show the local time as HH:MM
  -w, --watch SECONDS   with --clock: update every SECONDS until interrupted
  -n, --count N         with --clock --watch: stop after N updates
      --brightness N    0 (dimmest) to 15 (brightest)
      --blink RATE      off, slow (0.5 Hz), normal (1 Hz) or fast (2 Hz)
      --on              switch the display on (without changing what it shows)
      --off             put the display to sleep (oscillator off, LEDs dark)
  -h, --help            this text
Write `--` before a TEXT that starts with '-': lightseg display -- -12

Exit status: 0 success, 1 the display or the bus failed (message on stderr), 2 bad usage.
"
    )
}

/// The backpack's eight addresses (A0-A2 jumpers), without names.
const ADDRESSES: [(u8, &str); ADDR_COUNT as usize] = {
    let mut addresses = [(ADDR_FIRST, ""); ADDR_COUNT as usize];
    let mut n = 0;
    while n < ADDR_COUNT {
        addresses[n as usize].0 = ADDR_FIRST + n;
        n += 1;
    }
    addresses
};

enum Content {
    Keep,
    Text([u8; 5]),
    Clock,
}

struct Options {
    bus: i32,
    address: u8,
    content: Content,
    watch: Option<Duration>,
    count: Option<u64>,
    brightness: Option<u8>,
    blink: Option<Blink>,
    /// Standby; otherwise the display is woken and switched on (what `--on` asks).
    off: bool,
}

fn parse(mut args: Args) -> Result<Options, UsageError> {
    let bus = args::bus(args.value("--bus", Some("-b"))?)?;
    let address = args::address(args.value("--address", Some("-a"))?, ADDR_FIRST, &ADDRESSES)?;
    let clock = args.switch("--clock", None);
    let watch = args::interval(args.value("--watch", Some("-w"))?)?;
    let count = args::count(args.value("--count", Some("-n"))?)?;
    let brightness = match args.value("--brightness", None)? {
        None => None,
        Some(text) => Some(
            u8::try_from(args::integer("--brightness", &text)?)
                .ok()
                .filter(|level| *level <= 15)
                .ok_or_else(|| UsageError(format!("--brightness: {text} is not 0 to 15")))?,
        ),
    };
    let blink = match args.value("--blink", None)?.as_deref() {
        None => None,
        Some("off") => Some(Blink::Off),
        Some("slow") => Some(Blink::HalfHz),
        Some("normal") => Some(Blink::Hz1),
        Some("fast") => Some(Blink::Hz2),
        Some(other) => {
            return Err(UsageError(format!(
                "--blink: {other:?} is not off, slow, normal or fast"
            )))
        }
    };
    let on = args.switch("--on", None);
    let off = args.switch("--off", None);
    let mut words = args.positional()?;
    let content = match (words.len(), clock) {
        (0, false) => Content::Keep,
        (0, true) => Content::Clock,
        (1, false) => {
            let text = words.remove(0);
            Content::Text(layout(&text).map_err(|error| UsageError(error.to_string()))?)
        }
        (1, true) => return Err(UsageError("give either TEXT or --clock".into())),
        _ => {
            return Err(UsageError(
                "give the text as one argument (quote it if it has spaces)".into(),
            ))
        }
    };
    if on && off {
        return Err(UsageError("--on and --off contradict each other".into()));
    }
    if off && (!matches!(content, Content::Keep) || brightness.is_some() || blink.is_some()) {
        return Err(UsageError(
            "--off takes no text, clock, brightness or blink".into(),
        ));
    }
    if watch.is_some() && !matches!(content, Content::Clock) {
        return Err(UsageError("--watch goes with --clock".into()));
    }
    if count.is_some() && watch.is_none() {
        return Err(UsageError("--count goes with --clock --watch".into()));
    }
    if matches!(content, Content::Keep) && !on && !off && brightness.is_none() && blink.is_none() {
        return Err(UsageError(
            "nothing to do: give TEXT, --clock, --brightness, --blink, --on or --off".into(),
        ));
    }
    Ok(Options {
        bus,
        address,
        content,
        watch,
        count,
        brightness,
        blink,
        off,
    })
}

/// The local time as the backpack shows it: "HH:MM".
fn clock_text() -> String {
    // SAFETY: time(NULL) only returns a value; localtime_r writes the struct it is given.
    let mut local: libc::tm = unsafe { std::mem::zeroed() };
    let now = unsafe { libc::time(std::ptr::null_mut()) };
    if unsafe { libc::localtime_r(&now, &mut local) }.is_null() {
        return "--:--".to_string();
    }
    format!("{:02}:{:02}", local.tm_hour, local.tm_min)
}

/// Runs `lightseg display`.
pub fn run(args: Args) -> Result<(), Failure> {
    let options = parse(args)?;
    let (device, what) = open_chip("HT16K33", options.bus, options.address)?;
    if options.off {
        // Believed on, so that `sleep` sends the standby command (0x20).
        let on = DisplayState {
            on: true,
            ..DisplayState::default()
        };
        return Ht16k33::new(device, on)
            .sleep()
            .map_err(device_error(&what));
    }
    let mut display = Ht16k33::new(device, DisplayState::default());
    let setup = (|| {
        display.wake()?;
        // The display-setup command: on, with the blink rate asked for (steady if none).
        display.set_blink(options.blink.unwrap_or(Blink::Off))?;
        if let Some(level) = options.brightness {
            display.set_brightness(level)?;
        }
        Ok(())
    })();
    setup.map_err(device_error(&what))?;
    match options.content {
        Content::Keep => Ok(()),
        Content::Text(positions) => show(&mut display, positions, &what),
        Content::Clock => {
            let limit = repetitions(options.count, options.watch);
            let mut ticker = Ticker::new(SystemClock.now(), options.watch);
            for shown in 1..=limit {
                let positions =
                    layout(&clock_text()).map_err(|error| Failure::Device(error.to_string()))?;
                show(&mut display, positions, &what)?;
                if shown == limit || !ticker.wait_next(&mut SystemClock) {
                    break;
                }
            }
            Ok(())
        }
    }
}

fn show(
    display: &mut Ht16k33<lightseg::bus::I2cDevice>,
    positions: [u8; 5],
    what: &Target,
) -> Result<(), Failure> {
    display.set_positions(positions);
    display.commit().map_err(device_error(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_lists_what_really_shows() {
        for character in SHOWN.split(' ') {
            assert!(layout(character).is_ok(), "{character} is said to show");
        }
        for character in NOT_SHOWN.split(' ') {
            assert!(
                layout(character).is_err(),
                "{character} is said not to show"
            );
        }
    }
}
