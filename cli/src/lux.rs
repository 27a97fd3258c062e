//! `lightseg lux`: readings from a TSL2561, once or every few seconds.

use crate::print_line;
use std::time::Duration;

use lightseg::clock::{Clock, SystemClock};
use lightseg::tsl2561::registers;
use lightseg::tsl2561::{
    FullRange, Gain, IntegrationTime, Measurement, PowerMode, Reading, Settings, Tsl2561,
};

use crate::args::{self, Args, UsageError};
use crate::{device_error, open_chip, repetitions, Failure, Target, Ticker};

pub const HELP: &str = "\
Usage: lightseg lux [OPTIONS]

Reads a TSL2561 light sensor and prints one line per reading:
  lux=26 broadband=1200 infrared=300 gain=16 time_ms=402 saturated=0
(`saturated=1`: a channel clipped, the light is too bright for the settings and lux
reads 0). With --json, one JSON object per line instead:
  {\"lux\":26,\"broadband\":1200,\"infrared\":300,\"gain\":16,\"time_ms\":402,\"saturated\":false}

With --range auto, any light from darkness to sunlight, lux with its fraction and the
setting the chip chose:
  lux=25.7629 broadband=1200 infrared=300 gain=16 time_ms=402 saturated=0
With several addresses, all are read in one conversion time, a line each, starting
with address=0x29 (\"address\":\"0x29\" in JSON), lux with its fraction.

Options:
  -b, --bus N          I2C bus: /dev/i2c-N (default 1)
  -a, --address ADDR   0x29 (low), 0x39 (float, the default) or 0x49 (high); several,
                       separated by commas (0x29,0x39), are read at the same time
  -g, --gain G         auto (default), 1 or 16; auto starts at 16x and switches once
                       when the light is out of range (at most two conversions); with
                       several addresses auto means 16
  -t, --time MS        integration time: 13, 101 or 402 (default 402)
  -r, --range R        auto: gain and time chosen for the light (at most two
                       conversions, about 0.45 s); not with --gain, --time or several
                       addresses
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
    addresses: Vec<u8>,
    gain: Option<Gain>,
    /// `--range auto`: gain and time chosen per reading.
    full_range: bool,
    time: IntegrationTime,
    json: bool,
    watch: Option<Duration>,
    count: Option<u64>,
}

fn parse(mut args: Args) -> Result<Options, UsageError> {
    let bus = args::bus(args.value("--bus", Some("-b"))?)?;
    let addresses = match args.value("--address", Some("-a"))? {
        None => vec![registers::ADDR_FLOAT],
        Some(list) => list
            .split(',')
            .map(|text| args::address(Some(text.trim().to_string()), 0, &ADDRESSES))
            .collect::<Result<Vec<u8>, UsageError>>()?,
    };
    if (1..addresses.len()).any(|i| addresses[..i].contains(&addresses[i])) {
        return Err(UsageError("--address: an address is named twice".into()));
    }
    let gain_given = args.has("--gain", Some("-g"));
    let time_given = args.has("--time", Some("-t"));
    let full_range = match args.value("--range", Some("-r"))?.as_deref() {
        None => false,
        Some("auto") => true,
        Some(text) => return Err(UsageError(format!("--range: {text:?} is not auto"))),
    };
    if full_range && (gain_given || time_given) {
        return Err(UsageError(
            "--range auto chooses gain and time itself: leave out --gain and --time".into(),
        ));
    }
    if full_range && addresses.len() > 1 {
        return Err(UsageError(
            "--range auto reads one address at a time".into(),
        ));
    }
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
        addresses,
        gain,
        full_range,
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

/// A line for a reading with its fraction of a lux, and the sensor's address when
/// several are read.
fn format_measurement(measurement: &Measurement, address: Option<u8>, json: bool) -> String {
    let settings = measurement.settings;
    let gain = settings.gain.factor();
    let time_ms = settings.integration_time.nominal_ms();
    let lux = format!("{:.4}", measurement.lux);
    let (broadband, infrared) = (measurement.broadband, measurement.infrared);
    if json {
        let address = address.map_or(String::new(), |a| format!("\"address\":\"{a:#04x}\","));
        format!(
            "{{{address}\"lux\":{lux},\"broadband\":{broadband},\"infrared\":{infrared},\"gain\":{gain},\"time_ms\":{time_ms},\"saturated\":{}}}",
            measurement.saturated
        )
    } else {
        let address = address.map_or(String::new(), |a| format!("address={a:#04x} "));
        format!(
            "{address}lux={lux} broadband={broadband} infrared={infrared} gain={gain} time_ms={time_ms} saturated={}",
            u8::from(measurement.saturated)
        )
    }
}

/// Runs `lightseg lux`.
pub fn run(args: Args) -> Result<(), Failure> {
    let options = parse(args)?;
    if options.addresses.len() > 1 {
        return run_several(&options);
    }
    let (device, what) = open_chip("TSL2561", options.bus, options.addresses[0])?;
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
    what: &Target,
) -> Result<(), Failure> {
    let mut ticker = Ticker::new(SystemClock.now(), options.watch);
    for taken in 1..=limit {
        let line = if options.full_range {
            let FullRange { measurement, .. } =
                sensor.read_full_range().map_err(device_error(what))?;
            format_measurement(&measurement, None, options.json)
        } else {
            let reading = sensor
                .read(options.gain.is_none())
                .map_err(device_error(what))?;
            format(&reading, sensor.settings(), options.json)
        };
        print_line(&line)?;
        if taken == limit || !ticker.wait_next(&mut SystemClock) {
            break;
        }
    }
    Ok(())
}

/// Several sensors, read in one conversion time each round: all started, one wait,
/// all collected.
fn run_several(options: &Options) -> Result<(), Failure> {
    let settings = Settings {
        integration_time: options.time,
        gain: options.gain.unwrap_or(Gain::X16),
        ..Settings::default()
    };
    let mut sensors = Vec::new();
    for address in &options.addresses {
        let (device, what) = open_chip("TSL2561", options.bus, *address)?;
        let mut sensor = Tsl2561::new(device, SystemClock, settings);
        sensor.initialise(settings).map_err(device_error(&what))?;
        sensors.push((sensor, what, *address));
    }
    let limit = repetitions(options.count, options.watch);
    let result = read_several(&mut sensors, options, limit);
    let mut powered_down = Ok(());
    for (sensor, what, _) in &mut sensors {
        let done = sensor.power_down().map_err(device_error(what));
        powered_down = powered_down.and(done);
    }
    result.and(powered_down)
}

type Sensor = Tsl2561<lightseg::bus::I2cDevice, SystemClock>;

fn read_several(
    sensors: &mut [(Sensor, Target, u8)],
    options: &Options,
    limit: u64,
) -> Result<(), Failure> {
    let mut ticker = Ticker::new(SystemClock.now(), options.watch);
    for taken in 1..=limit {
        let mut last_ready = None;
        for (sensor, what, _) in sensors.iter_mut() {
            let ready_at = sensor.start().map_err(device_error(what))?;
            last_ready = last_ready.max(Some(ready_at));
        }
        if let Some(ready_at) = last_ready {
            SystemClock.sleep_until(ready_at);
        }
        for (sensor, what, address) in sensors.iter_mut() {
            let measurement = sensor.collect().map_err(device_error(what))?;
            print_line(&format_measurement(
                &measurement,
                Some(*address),
                options.json,
            ))?;
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
        assert_eq!((options.bus, options.addresses.clone()), (1, vec![0x39]));
        assert_eq!(options.gain, None);
        assert_eq!(options.time, IntegrationTime::Ms402);
        let options = parse_words(&["-g", "1", "-t", "13", "--json", "-a", "low"]).expect("set");
        assert_eq!(options.gain, Some(Gain::X1));
        assert_eq!(options.time, IntegrationTime::Ms13);
        assert!(options.json);
        assert_eq!(options.addresses, [0x29]);
        let options = parse_words(&["-a", "low,0x39,HIGH", "-r", "auto"]);
        assert!(options.is_err(), "--range auto reads one address");
        let options = parse_words(&["-a", "low,0x39,HIGH"]).expect("several");
        assert_eq!(options.addresses, [0x29, 0x39, 0x49]);
        assert!(parse_words(&["-r", "auto"]).expect("range").full_range);
        for bad in [
            &["-g", "2"][..],
            &["-t", "100"][..],
            &["extra"][..],
            &["-a", "0x70"][..],
            &["-a", "0x29,0x29"][..],
            &["-r", "auto", "-g", "16"][..],
            &["-r", "auto", "-t", "402"][..],
            &["-r", "manual"][..],
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
