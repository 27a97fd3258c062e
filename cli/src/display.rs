//! `lightseg display`: numbers, text, the time, scrolling text, pixels and bars on any
//! Adafruit HT16K33 backpack or a chain of them; brightness, blinking, on and off.

use std::time::Duration;

use lightseg::clock::{Clock, SystemClock};
use lightseg::ht16k33::backpack::KINDS;
use lightseg::ht16k33::commands::{ADDR_COUNT, ADDR_FIRST};
use lightseg::ht16k33::scroll::Marquee;
use lightseg::ht16k33::{BackpackKind, Blink, Chain, Color, Display, Frame, Rotation};

use crate::args::{self, Args, UsageError};
use crate::{device_error, open_chip, repetitions, Failure, Ticker};

/// Characters the help promises: shown, and refused (no shape in the glyph table).
const SHOWN: &str = "A b C d E F H I J L n o P r S t U V y - _";
const NOT_SHOWN: &str = "K M W";

/// The help text of `lightseg display`.
pub fn help() -> String {
    let kinds = KINDS.map(|kind| kind.name()).join(", ");
    format!(
        "\
Usage: lightseg display [OPTIONS] [TEXT]
       lightseg display --clock [--watch SECONDS] [OPTIONS]
       lightseg display --scroll TEXT [OPTIONS]
       lightseg display --pixels ROWS | --bars BARS | --level N [OPTIONS]
       lightseg display --stdin [--field NAME] [OPTIONS]

Shows TEXT on HT16K33 backpacks: a number (-12, 3.14) right-aligned, other text from the
left. Each character takes one position; ':' lights the colon of a 7-segment backpack,
'.' the decimal point of the character before it. 7 segments show digits and the
letters and signs the glyph table has ({SHOWN} and more; not {NOT_SHOWN});
the alphanumeric shows all of ASCII; matrices draw ASCII in a 5x8 pixel font (3
characters on a 16x8, --scroll for more). An empty TEXT (\"\") blanks the display. Several
addresses make one display of the backpacks, left to right. The display is switched on,
steady unless --blink says otherwise. Nothing is printed on success.

Options:
  -b, --bus N           I2C bus: /dev/i2c-N (default 1)
  -a, --address LIST    0x70 (default) to 0x77; several, comma-separated, for a chain:
                        -a 0x72,0x73
  -k, --backpack KIND   {kinds} (default seg7)
      --clock           show the local time as HH:MM
  -w, --watch SECONDS   with --clock: update every SECONDS until interrupted
  -n, --count N         with --clock --watch: stop after N updates
      --scroll          scroll TEXT through the display from right to left (matrices:
                        pixel by pixel)
      --step-ms N       with --scroll: milliseconds per step (default 250)
      --cycles N        with --scroll: how many times (default 1)
      --gap N           with --scroll: the text comes again N blank positions (pixels on
                        matrices) after its end, a seamless marquee; without it, once
                        its end has left the display
      --pixels ROWS     matrices: rows top to bottom separated by '/', one character
                        per pixel: '.' off, '#' on (bicolour: R, G, Y)
      --rotate N        matrices: mounted N quarter turns clockwise (0-3)
      --bars BARS       bargraph: one character per bar from the first: '.', R, G, Y
      --level N         bargraph: bars 1 to N green, the rest dark
      --stdin           show each line read from standard input as it comes, until
                        its end (a line that cannot be shown is reported, the next read)
      --field NAME      with --stdin: show field NAME of each JSON line, e.g. the lux
                        of `lightseg lux --json` lines
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
    Text(String),
    Clock,
    Scroll(String),
    Pixels(String),
    Bars(String),
    Level(usize),
    /// Each line of standard input in turn (or one field of each JSON line).
    Stdin(Option<String>),
}

struct Options {
    bus: i32,
    addresses: Vec<u8>,
    kind: BackpackKind,
    rotation: Rotation,
    content: Content,
    watch: Option<Duration>,
    count: Option<u64>,
    step: Duration,
    cycles: u32,
    /// With --scroll: blank positions between repeats (a seamless marquee).
    gap: Option<usize>,
    brightness: Option<u8>,
    blink: Option<Blink>,
    /// Standby; otherwise the display is woken and switched on (what `--on` asks).
    off: bool,
}

fn small_number(
    flag: &str,
    text: Option<String>,
    range: std::ops::RangeInclusive<i64>,
) -> Result<Option<i64>, UsageError> {
    let Some(text) = text else { return Ok(None) };
    let value = args::integer(flag, &text)?;
    if !range.contains(&value) {
        return Err(UsageError(format!(
            "{flag}: {text} is not {} to {}",
            range.start(),
            range.end()
        )));
    }
    Ok(Some(value))
}

fn parse(mut args: Args) -> Result<Options, UsageError> {
    let bus = args::bus(args.value("--bus", Some("-b"))?)?;
    let addresses = match args.value("--address", Some("-a"))? {
        None => vec![ADDR_FIRST],
        Some(list) => {
            let mut addresses = Vec::new();
            for part in list.split(',') {
                let address = args::address(Some(part.trim().to_string()), ADDR_FIRST, &ADDRESSES)?;
                if addresses.contains(&address) {
                    return Err(UsageError(format!("--address: {address:#04x} given twice")));
                }
                addresses.push(address);
            }
            addresses
        }
    };
    let kind = match args.value("--backpack", Some("-k"))? {
        None => BackpackKind::Seg7,
        Some(name) => BackpackKind::from_name(&name).ok_or_else(|| {
            let kinds: Vec<&str> = KINDS.iter().map(|kind| kind.name()).collect();
            UsageError(format!(
                "--backpack: {name:?} is not one of {}",
                kinds.join(", ")
            ))
        })?,
    };
    let clock = args.switch("--clock", None);
    let scroll = args.switch("--scroll", None);
    let watch = args::interval(args.value("--watch", Some("-w"))?)?;
    let count = args::count(args.value("--count", Some("-n"))?)?;
    let step = small_number("--step-ms", args.value("--step-ms", None)?, 1..=60_000)?;
    let cycles = small_number("--cycles", args.value("--cycles", None)?, 1..=1_000_000)?;
    let gap = small_number("--gap", args.value("--gap", None)?, 0..=255)?;
    let rotation = small_number("--rotate", args.value("--rotate", None)?, 0..=3)?;
    let stdin = args.switch("--stdin", None);
    let field = args.value("--field", None)?;
    let pixels = args.value("--pixels", None)?;
    let bars = args.value("--bars", None)?;
    let level = small_number("--level", args.value("--level", None)?, 0..=192)?;
    let brightness = small_number("--brightness", args.value("--brightness", None)?, 0..=15)?;
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
    if words.len() > 1 {
        return Err(UsageError(
            "give the text as one argument (quote it if it has spaces)".into(),
        ));
    }
    let text = words.pop();
    let given = [
        stdin,
        text.is_some() && !scroll,
        clock,
        scroll,
        pixels.is_some(),
        bars.is_some(),
        level.is_some(),
    ];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(UsageError(
            "give one of TEXT, --stdin, --clock, --scroll TEXT, --pixels, --bars, --level".into(),
        ));
    }
    if field.is_some() && !stdin {
        return Err(UsageError("--field goes with --stdin".into()));
    }
    let content = if stdin {
        Content::Stdin(field)
    } else if let Some(rows) = pixels {
        Content::Pixels(rows)
    } else if let Some(bars) = bars {
        Content::Bars(bars)
    } else if let Some(level) = level {
        Content::Level(level as usize)
    } else if clock {
        Content::Clock
    } else if scroll {
        Content::Scroll(text.ok_or_else(|| UsageError("--scroll needs a TEXT".into()))?)
    } else {
        text.map_or(Content::Keep, Content::Text)
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
            "nothing to do: give TEXT, --clock, --scroll, --pixels, --bars, --level, \
             --brightness, --blink, --on or --off"
                .into(),
        ));
    }
    let options = Options {
        bus,
        addresses,
        kind,
        rotation: Rotation::from_index(rotation.unwrap_or(0) as i32)
            .map_err(|error| UsageError(error.to_string()))?,
        content,
        watch,
        count,
        step: Duration::from_millis(step.unwrap_or(250) as u64),
        cycles: cycles.unwrap_or(1) as u32,
        gap: gap.map(|gap| gap as usize),
        brightness: brightness.map(|level| level as u8),
        blink,
        off,
    };
    // What the content needs of the display, checked before any bus traffic.
    let mut frame = Frame::new(options.kind, options.addresses.len())
        .map_err(|error| UsageError(format!("--address: {error}")))?;
    if options.rotation != Rotation::None {
        frame
            .set_rotation(options.rotation)
            .map_err(|_| UsageError("--rotate is for matrices".into()))?;
    }
    fill(&mut frame, &options.content)
        .map_err(|error| UsageError(content_error(&options, error)))?;
    Ok(options)
}

/// A usage message for content the display cannot show, with what to do instead.
fn content_error(options: &Options, error: lightseg::Error) -> String {
    match (&options.content, &error) {
        (Content::Text(_), lightseg::Error::DoesNotFit(..)) => {
            format!("{error}: scroll it with --scroll, or chain more backpacks with --address")
        }
        (Content::Text(text), lightseg::Error::InvalidArgument(_)) if text.is_empty() => {
            error.to_string()
        }
        (Content::Text(_) | Content::Scroll(_), lightseg::Error::InvalidArgument(_)) => {
            format!(
                "a {} shows no text: use --bars or --level",
                options.kind.name()
            )
        }
        _ => error.to_string(),
    }
}

/// Whether `text` is a number as written (shown right-aligned, as written).
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.chars().any(|c| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
}

fn color_of(letter: char) -> Option<Color> {
    match letter {
        '.' | ' ' => Some(Color::Off),
        'R' | 'r' => Some(Color::Red),
        'G' | 'g' | '#' => Some(Color::Green),
        'Y' | 'y' => Some(Color::Yellow),
        _ => None,
    }
}

/// A number as written when it fits, else rounded to as many decimals as fit.
fn show_number(frame: &mut Frame, text: &str) -> lightseg::Result<()> {
    match frame.print_right(text) {
        Err(lightseg::Error::DoesNotFit(..)) => match text.parse::<f64>() {
            Ok(value) => frame.print_decimal(value, None),
            Err(_) => frame.print_right(text),
        },
        other => other,
    }
}

/// The value of `field` in a flat JSON object such as `lightseg lux --json` prints: a
/// number as written, or a string's text. `None` when the line has no such field.
fn json_field(line: &str, field: &str) -> Option<String> {
    let key = format!("\"{field}\"");
    let after = &line[line.find(&key)? + key.len()..];
    let value = after.trim_start().strip_prefix(':')?.trim_start();
    if let Some(text) = value.strip_prefix('"') {
        return Some(text[..text.find('"')?].to_string());
    }
    let end = value.find([',', '}']).unwrap_or(value.len());
    Some(value[..end].trim().to_string())
}

/// Shows each line of standard input as it comes (numbers right-aligned and rounded to
/// fit, other text from the left); a line that cannot be shown is reported on stderr and
/// the next one is read. Ends at the end of input; fails when any line failed.
fn show_lines(
    display: &mut Chain<lightseg::bus::I2cDevice>,
    field: Option<&str>,
    what: &crate::Target,
) -> Result<(), Failure> {
    let mut refused = 0;
    for (number, line) in std::io::stdin().lines().enumerate() {
        let line = line.map_err(|error| Failure::Device(format!("standard input: {error}")))?;
        let text = match field {
            Some(field) => match json_field(&line, field) {
                Some(value) => value,
                None => {
                    eprintln!("lightseg: line {}: no field {field:?}: {line}", number + 1);
                    refused += 1;
                    continue;
                }
            },
            None => line.trim_end_matches('\r').to_string(),
        };
        match fill(display.frame_mut(), &Content::Text(text.clone())) {
            Ok(()) => display.commit().map_err(device_error(what))?,
            Err(error) => {
                eprintln!("lightseg: line {}: {text:?}: {error}", number + 1);
                refused += 1;
            }
        }
    }
    match refused {
        0 => Ok(()),
        n => Err(Failure::Device(format!("{n} line(s) could not be shown"))),
    }
}

/// Puts `content` into `frame` (the clock and scrolling are filled when shown).
fn fill(frame: &mut Frame, content: &Content) -> lightseg::Result<()> {
    let bad = |what| lightseg::Error::InvalidArgument(what);
    match content {
        Content::Keep | Content::Clock | Content::Stdin(_) => Ok(()),
        Content::Text(text) if is_number(text) => show_number(frame, text),
        Content::Text(text) => frame.print_text(text),
        Content::Scroll(text) => Marquee::new(frame, text).map(|_| ()),
        Content::Pixels(rows) => {
            for (y, row) in rows.split('/').enumerate() {
                for (x, letter) in row.chars().enumerate() {
                    let color = color_of(letter).ok_or(bad("pixel (not . # R G Y)"))?;
                    frame.set_pixel(x, y, color)?;
                }
            }
            Ok(())
        }
        Content::Bars(bars) => {
            for (bar, letter) in bars.chars().enumerate() {
                let color = color_of(letter).ok_or(bad("bar (not . R G Y)"))?;
                frame.set_bar(bar, color)?;
            }
            Ok(())
        }
        Content::Level(level) => frame.set_level(*level, Color::Green),
    }
}

/// The local time: hours and minutes.
fn local_time() -> (u32, u32) {
    // SAFETY: time(NULL) only returns a value; localtime_r writes the struct it is given.
    let mut local: libc::tm = unsafe { std::mem::zeroed() };
    let now = unsafe { libc::time(std::ptr::null_mut()) };
    if unsafe { libc::localtime_r(&now, &mut local) }.is_null() {
        return (0, 0);
    }
    (local.tm_hour as u32, local.tm_min as u32)
}

/// Runs `lightseg display`.
pub fn run(args: Args) -> Result<(), Failure> {
    let options = parse(args)?;
    let mut buses = Vec::new();
    let mut first = None;
    for address in &options.addresses {
        let (device, what) = open_chip("HT16K33", options.bus, *address)?;
        buses.push(device);
        first.get_or_insert(what);
    }
    let Some(what) = first else {
        return Ok(());
    };
    let mut frame = Frame::new(options.kind, buses.len()).map_err(device_error(&what))?;
    if options.rotation != Rotation::None {
        frame
            .set_rotation(options.rotation)
            .map_err(device_error(&what))?;
    }
    let mut display = Chain::with_frame(buses, frame).map_err(device_error(&what))?;
    if options.off {
        return display.sleep().map_err(device_error(&what));
    }
    let setup = (|| {
        display.wake()?;
        // The display-setup command: on, with the blink rate asked for (steady if none).
        display.set_display(Display::On, options.blink.unwrap_or(Blink::Off))?;
        if let Some(level) = options.brightness {
            display.set_brightness(level)?;
        }
        Ok(())
    })();
    setup.map_err(device_error(&what))?;
    match &options.content {
        Content::Keep => Ok(()),
        Content::Clock => {
            let limit = repetitions(options.count, options.watch);
            let mut ticker = Ticker::new(SystemClock.now(), options.watch);
            for shown in 1..=limit {
                let (hours, minutes) = local_time();
                display
                    .frame_mut()
                    .print_right(&format!("{hours:02}:{minutes:02}"))
                    .and_then(|()| display.commit())
                    .map_err(device_error(&what))?;
                if shown == limit || !ticker.wait_next(&mut SystemClock) {
                    break;
                }
            }
            Ok(())
        }
        Content::Scroll(text) => Marquee::new(display.frame(), text)
            .map(|marquee| marquee.with_gap(options.gap))
            .and_then(|marquee| {
                display.run_marquee(&marquee, options.step, options.cycles, &mut SystemClock)
            })
            .map_err(device_error(&what)),
        Content::Stdin(field) => show_lines(&mut display, field.as_deref(), &what),
        content => fill(display.frame_mut(), content)
            .and_then(|()| display.commit())
            .map_err(device_error(&what)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `text` shows on the 0.56" backpack.
    fn shows(text: &str) -> bool {
        let mut frame = Frame::new(BackpackKind::Seg7, 1).expect("frame");
        frame.print_text(text).is_ok()
    }

    #[test]
    fn json_fields_and_numbers_that_are_rounded_to_fit() {
        let line = r#"{"lux":25.7629,"broadband":1200,"name":"desk","saturated":false}"#;
        assert_eq!(json_field(line, "lux").as_deref(), Some("25.7629"));
        assert_eq!(json_field(line, "name").as_deref(), Some("desk"));
        assert_eq!(json_field(line, "saturated").as_deref(), Some("false"));
        assert_eq!(json_field(line, "gain"), None);
        assert_eq!(json_field("{\"lux\" : 3 }", "lux").as_deref(), Some("3"));
        let mut frame = Frame::new(BackpackKind::Seg7, 1).expect("frame");
        show_number(&mut frame, "25.7629").expect("rounded");
        assert_eq!(frame.shows(), "25.76");
        show_number(&mut frame, "-1.5").expect("as written");
        assert_eq!(frame.shows(), " -1.5");
        assert!(show_number(&mut frame, "123456").is_err());
    }

    #[test]
    fn the_help_lists_what_really_shows() {
        for character in SHOWN.split(' ') {
            assert!(shows(character), "{character} is said to show");
        }
        for character in NOT_SHOWN.split(' ') {
            assert!(!shows(character), "{character} is said not to show");
        }
    }
}
