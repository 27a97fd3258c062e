//! `lightseg`: the TSL2561 light sensor and the HT16K33 7-segment backpack from a shell,
//! through the same driver cores as the C library. Script-friendly: results on stdout,
//! one line each; errors on stderr; exit status 0 success, 1 device or bus failure,
//! 2 bad usage.

mod args;
mod display;

mod lux;
mod scan;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lightseg::clock::Clock;

use crate::args::{Args, UsageError};

const HELP: &str = "\
Usage: lightseg COMMAND [OPTIONS]

Commands:
  lux        read a TSL2561 light sensor (lux, raw counts)
  display    show numbers, text, the time, scrolling text, pixels or bars on HT16K33
             backpacks (one, or several chained), set brightness, blinking, on/off
  scan       list the I2C buses and what answers on them

  lightseg COMMAND --help   options of a command
  lightseg --version        the version

Examples:
  lightseg lux                          one reading from 0x39 on /dev/i2c-1
  lightseg lux --json --watch 10        a JSON line every 10 seconds
  lightseg display 12:34
  lightseg scan                         what is wired to which bus
  lightseg display --clock --watch 30 --brightness 4

Exit status: 0 success, 1 the device or the bus failed (message on stderr), 2 bad usage.
";

/// Why a command failed, and so the exit status.
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments: exit 2.
    Usage(UsageError),
    /// The device or the bus failed: exit 1.
    Device(String),
    /// Standard output went away (a closed pipe): exit 1, nothing more to say.
    Output,
}

impl From<UsageError> for Failure {
    fn from(error: UsageError) -> Self {
        Failure::Usage(error)
    }
}

/// A chip the command talks to; error messages name it ("TSL2561 at 0x39 on
/// /dev/i2c-1") and say what to do next.
#[derive(Debug, Clone)]
pub struct Target {
    chip: &'static str,
    bus: i32,
    address: u8,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at {:#04x} on /dev/i2c-{}",
            self.chip, self.address, self.bus
        )
    }
}

/// Opens `/dev/i2c-<bus>` for the `chip` at `address`; also returns the [`Target`]
/// error messages name.
pub fn open_chip(
    chip: &'static str,
    bus: i32,
    address: u8,
) -> Result<(lightseg::bus::I2cDevice, Target), Failure> {
    let what = Target { chip, bus, address };
    let device = lightseg::bus::open_device(bus, address).map_err(device_error(&what))?;
    Ok((device, what))
}

/// How many times a repeating command runs: `--count`, else forever with `--watch`,
/// else once.
pub fn repetitions(count: Option<u64>, watch: Option<Duration>) -> u64 {
    count.unwrap_or(if watch.is_some() { u64::MAX } else { 1 })
}

/// Maps a driver error to a device failure naming the device and, where the error
/// says what is wrong, the next step (hints.rs).
pub fn device_error(what: &Target) -> impl Fn(lightseg::Error) -> Failure + '_ {
    move |error| {
        let hint = lightseg::hint::next_step(what.chip, what.bus, what.address, &error);
        Failure::Device(match hint {
            Some(hint) => format!("{what}: {error}\n  {hint}"),
            None => format!("{what}: {error}"),
        })
    }
}

/// Writes one line to standard output and flushes it (a reader of a pipe sees each line
/// at once); a closed pipe is `Failure::Output`.
pub fn print_line(line: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .map_err(|_| Failure::Output)
}

/// Set by SIGINT and SIGTERM: a watch loop stops at its next wait and powers down.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn request_stop(_signal: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn install_stop_handlers() {
    let handler = request_stop as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

/// Fixed-rate ticks for `--watch`: tick k is `start + k * interval`, so the time a
/// reading takes does not add up; a tick already past is taken at once.
pub struct Ticker {
    next: Option<Instant>,
    interval: Option<Duration>,
}

/// How long one sleep slice is, so that a stop request is noticed soon.
const SLICE: Duration = Duration::from_millis(100);

impl Ticker {
    /// Ticks every `interval` from `start`; with no interval, back to back.
    pub fn new(start: Instant, interval: Option<Duration>) -> Self {
        Self {
            next: interval.map(|interval| start + interval),
            interval,
        }
    }

    /// Waits for the next tick (with no interval, the next tick is now); false when a
    /// stop was requested.
    pub fn wait_next(&mut self, clock: &mut impl Clock) -> bool {
        let (Some(next), Some(interval)) = (self.next, self.interval) else {
            return !STOP.load(Ordering::SeqCst);
        };
        loop {
            if STOP.load(Ordering::SeqCst) {
                return false;
            }
            let now = clock.now();
            if now >= next {
                self.next = Some(next.max(now - interval) + interval);
                return true;
            }
            clock.sleep((next - now).min(SLICE));
        }
    }
}

fn main() -> ExitCode {
    let mut words: Vec<String> = std::env::args().skip(1).collect();
    if words.is_empty() {
        eprint!("{HELP}");
        return ExitCode::from(2);
    }
    let command = words.remove(0);
    let wants_help = words.iter().any(|w| w == "--help" || w == "-h");
    let result = match command.as_str() {
        "-h" | "--help" | "help" => {
            print!("{HELP}");
            Ok(())
        }
        "-V" | "--version" => {
            println!("lightseg {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        "lux" if wants_help => {
            print!("{}", lux::HELP);
            Ok(())
        }
        "display" if wants_help => {
            print!("{}", display::help());
            Ok(())
        }
        "scan" if wants_help => {
            print!("{}", scan::HELP);
            Ok(())
        }
        "scan" => scan::run(Args::new(words)),
        "lux" => {
            install_stop_handlers();
            lux::run(Args::new(words))
        }
        "display" => {
            install_stop_handlers();
            display::run(Args::new(words))
        }
        other => Err(Failure::Usage(UsageError(format!(
            "unknown command {other:?}"
        )))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(UsageError(message))) => {
            // The help that answers: the command's own, for a known command.
            let help = match command.as_str() {
                "lux" | "display" | "scan" => format!("lightseg {command} --help"),
                _ => "lightseg --help".to_string(),
            };
            eprintln!("lightseg: {message}\nTry '{help}'.");
            ExitCode::from(2)
        }
        Err(Failure::Device(message)) => {
            eprintln!("lightseg: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Output) => ExitCode::from(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock that only moves when slept on.
    struct VirtualClock(Instant);

    impl Clock for VirtualClock {
        fn now(&self) -> Instant {
            self.0
        }
        fn sleep(&mut self, duration: Duration) {
            self.0 += duration;
        }
    }

    #[test]
    fn ticks_keep_a_fixed_rate() {
        let start = Instant::now();
        let mut clock = VirtualClock(start);
        let mut ticker = Ticker::new(start, Some(Duration::from_secs(2)));
        assert!(ticker.wait_next(&mut clock));
        assert_eq!(clock.0 - start, Duration::from_secs(2));
        // A reading that took 0.5 s does not push the next tick.
        clock.0 += Duration::from_millis(500);
        assert!(ticker.wait_next(&mut clock));
        assert_eq!(clock.0 - start, Duration::from_secs(4));
        // One that took longer than the interval: the next tick comes at once.
        clock.0 += Duration::from_secs(3);
        assert!(ticker.wait_next(&mut clock));
        assert_eq!(clock.0 - start, Duration::from_secs(7));
        let before = clock.0;
        assert!(Ticker::new(start, None).wait_next(&mut clock));
        assert_eq!(clock.0, before, "no interval: no wait");
    }
}
