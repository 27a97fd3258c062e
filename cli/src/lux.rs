//! `lightseg lux`: readings from a TSL2561, once or every few seconds.

use std::io::Write;
use std::time::Duration;

use lightseg::clock::{Clock, SystemClock};
use lightseg::tsl2561::registers;
use lightseg::tsl2561::{Gain, IntegrationTime, PowerMode, Reading, Settings, Tsl2561};

use crate::args::{self, Args, UsageError};
use crate::{device_error, open_chip, repetitions, Failure, Ticker};

pub const HELP: &str = "\
Usage: lightseg lux [OPTIONS]

Reads a TSL2561 light sensor and prints one line per reading:
  lux=26 broadband=1200 infrared=300 gain=16 time_ms=402 saturated=0
(`saturated=1`: a channel clipped, the light is too bright for the settings and lux
reads 0). With --json, one JSON object per line instead:
  {\"lux\":26,\"broadband\":1200,\"infrared\":300,\"gain\":16,\"time_ms\":402,\"saturated\":false}

Options:
  -b, --bus N          I2C bus: /dev/i2c-N (default 1)
  -a, --address ADDR   0x29 (low), 0x39 (float, the default) or 0x49 (high)
  -g, --gain G         auto (default), 1 or 16; auto starts at 16x and switches once
                       when the light is out of range (at most two conversions)
  -t, --time MS        integration time: 13, 101 or 402 (default 402)
      --json           JSON output
  -w, --watch SECONDS  a reading every SECONDS (fractions allowed) until interrupted
  -n, --count N        stop after N readings (default: 1, or no limit with --watch);
                       without --watch they follow one another, one per integration
                       time. The sensor stays powered between readings (warm mode) and
                       is powered down at the end, also on Ctrl-C.
  -h, --help           this text

Exit status: 0 success, 1 the sensor or the bus failed (message on stderr), 2 bad usage.
";

const ADDRESSES: [(u8, &str); 3] = [
    (registers::ADDR_LOW, "low"),
    (registers::ADDR_FLOAT, "float"),
    (registers::ADDR_HIGH, "high"),
];

struct Options {
    bus: i32,
    address: u8,
    gain: Option<Gain>,
    time: IntegrationTime,
    json: bool,
    watch: Option<Duration>,
    count: Option<u64>,
}

fn parse(mut args: Args) -> Result<Options, UsageError> {
    let bus = args::bus(args.value("--bus", Some("-b"))?)?;
    let address = args::address(
        args.value("--address", Some("-a"))?,
        registers::ADDR_FLOAT,
        &ADDRESSES,
    )?;
    let gain = match args.value("--gain", Some("-g"))?.as_deref() {
        None | Some("auto") => None,
        Some(text) => Some(
            [Gain::X1, Gain::X16]
                .into_iter()
                .find(|gain| text.trim_end_matches('x') == gain.factor().to_string())
                .ok_or_else(|| UsageError(format!("--gain: {text:?} is not auto, 1 or 16")))?,
        ),
    };
    let time = match args.value("--time", Some("-t"))? {
        None => IntegrationTime::Ms402,
        Some(text) => IntegrationTime::ALL
            .into_iter()
            .find(|time| text == time.nominal_ms().to_string())
            .ok_or_else(|| UsageError(format!("--time: {text:?} is not 13, 101 or 402")))?,
    };
    let json = args.switch("--json", None);
    let watch = args::interval(args.value("--watch", Some("-w"))?)?;
    let count = args::count(args.value("--count", Some("-n"))?)?;
    if let Some(word) = args.positional()?.first() {
        return Err(UsageError(format!("unexpected argument {word:?}")));
    }
    Ok(Options {
        bus,
        address,
        gain,
        time,
        json,
        watch,
        count,
    })
}

fn format(reading: &Reading, settings: Settings, json: bool) -> String {
    let gain = settings.gain.factor();
    let time_ms = settings.integration_time.nominal_ms();
    if json {
        format!(
            "{{\"lux\":{},\"broadband\":{},\"infrared\":{},\"gain\":{gain},\"time_ms\":{time_ms},\"saturated\":{}}}",
            reading.lux, reading.broadband, reading.infrared, reading.saturated
        )
    } else {
        format!(
            "lux={} broadband={} infrared={} gain={gain} time_ms={time_ms} saturated={}",
            reading.lux,
            reading.broadband,
            reading.infrared,
            u8::from(reading.saturated)
        )
    }
}

/// Runs `lightseg lux`.
pub fn run(args: Args) -> Result<(), Failure> {
    let options = parse(args)?;
    let (device, what) = open_chip("TSL2561", options.bus, options.address)?;
    let settings = Settings {
        integration_time: options.time,
        gain: options.gain.unwrap_or(Gain::X16),
        ..Settings::default()
    };
    let mut sensor = Tsl2561::new(device, SystemClock, settings);
    sensor.initialise(settings).map_err(device_error(&what))?;
    let limit = repetitions(options.count, options.watch);
    if limit > 1 {
        sensor
            .set_power_mode(PowerMode::Warm)
            .map_err(device_error(&what))?;
    }
    let result = read_loop(&mut sensor, &options, limit, &what);
    // Leave the chip powered down whatever happened.
    let powered_down = sensor.power_down().map_err(device_error(&what));
    result.and(powered_down)
}

fn read_loop(
    sensor: &mut Tsl2561<lightseg::bus::I2cDevice, SystemClock>,
    options: &Options,
    limit: u64,
    what: &str,
) -> Result<(), Failure> {
    let mut ticker = Ticker::new(SystemClock.now(), options.watch);
    let mut stdout = std::io::stdout();
    for taken in 1..=limit {
        let reading = sensor
            .read(options.gain.is_none())
            .map_err(device_error(what))?;
        let line = format(&reading, sensor.settings(), options.json);
        if writeln!(stdout, "{line}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return Err(Failure::Output);
        }
        if taken == limit || !ticker.wait_next(&mut SystemClock) {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &[&str]) -> Result<Options, UsageError> {
        parse(Args::new(words.iter().map(|w| w.to_string()).collect()))
    }

    #[test]
    fn defaults_and_choices() {
        let options = parse_words(&[]).expect("defaults");
        assert_eq!((options.bus, options.address), (1, 0x39));
        assert_eq!(options.gain, None);
        assert_eq!(options.time, IntegrationTime::Ms402);
        let options = parse_words(&["-g", "1", "-t", "13", "--json", "-a", "low"]).expect("set");
        assert_eq!(options.gain, Some(Gain::X1));
        assert_eq!(options.time, IntegrationTime::Ms13);
        assert!(options.json);
        assert_eq!(options.address, 0x29);
        for bad in [
            &["-g", "2"][..],
            &["-t", "100"][..],
            &["extra"][..],
            &["-a", "0x70"][..],
        ] {
            assert!(parse_words(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn output_lines() {
        let reading = Reading {
            broadband: 1200,
            infrared: 300,
            lux: 26,
            saturated: false,
        };
        assert_eq!(
            format(&reading, Settings::default(), false),
            "lux=26 broadband=1200 infrared=300 gain=16 time_ms=402 saturated=0"
        );
        assert_eq!(
            format(&reading, Settings::default(), true),
            "{\"lux\":26,\"broadband\":1200,\"infrared\":300,\"gain\":16,\"time_ms\":402,\"saturated\":false}"
        );
    }
}
