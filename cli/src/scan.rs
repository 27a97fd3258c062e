//! `lightseg scan`: the I2C buses and what answers on them, probed as i2cdetect probes
//! (a quick write, or a one-byte read where a write could change something; never a
//! register write), with the addresses a kernel driver owns and how to release them.
//! TSL2561s and HT16K33 backpacks are named by their addresses: telling them from other
//! chips at those addresses would take register writes, which a scan must not make.

use std::path::Path;

use lightseg::bus::{probe, Probe, ProbeMethod};

use crate::args::{self, Args, UsageError};
use crate::{Failure, Target};

/// The help text of `lightseg scan`.
pub const HELP: &str = "\
Usage: lightseg scan [--bus N] [--json]

Lists the I2C buses (/dev/i2c-N) and the addresses 0x08 to 0x77 where something
answers, probed as i2cdetect does: a quick write (no data), or a one-byte read at
0x30-0x37 and 0x50-0x5F; no register is ever written. Addresses a kernel driver owns
are not probed: their driver is named, with the command that releases them.
TSL2561 (0x29, 0x39, 0x49) and HT16K33 (0x70-0x77) addresses are named, and how to
confirm it is one (other chips use these addresses too).

Options:
  -b, --bus N   only /dev/i2c-N
      --json    one JSON object per line: bus, address, state, and what it may be
  -h, --help    this text

Exit status: 0 success (also when nothing answers), 1 no bus could be opened (the
message says how to enable I2C), 2 bad usage.
";

/// Addresses a scan probes (i2cdetect's default range; below 0x08 and above 0x77 are
/// reserved).
const FIRST: u8 = 0x08;
const LAST: u8 = 0x77;
/// Bus numbers tried when /dev lists none (buses an emulator provides, for one).
const HIGHEST_BUS: i32 = 63;

/// What an address may hold, and how to make sure.
fn candidate(address: u8) -> Option<(String, String)> {
    let pin = match address {
        0x29 => Some("ADDR pin to ground"),
        0x39 => Some("ADDR pin floating"),
        0x49 => Some("ADDR pin to VDD"),
        _ => None,
    };
    if let Some(pin) = pin {
        return Some((
            format!("TSL2561 light sensor ({pin})?"),
            format!("lightseg lux -a {address:#04x}"),
        ));
    }
    (0x70..=0x77).contains(&address).then(|| {
        (
            format!(
                "HT16K33 LED backpack (jumpers A2-A0 = {:03b})?",
                address - 0x70
            ),
            format!("lightseg display -a {address:#04x} 8888"),
        )
    })
}

/// The buses: /dev/i2c-N entries, or if /dev has none, every number that opens.
fn buses() -> Vec<i32> {
    let mut found: Vec<i32> = std::fs::read_dir("/dev")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            entry
                .file_name()
                .to_str()
                .and_then(|name| name.strip_prefix("i2c-"))
                .and_then(|number| number.parse().ok())
        })
        .collect();
    if found.is_empty() {
        found = (0..=HIGHEST_BUS)
            .filter(|bus| std::fs::File::open(format!("/dev/i2c-{bus}")).is_ok())
            .collect();
    }
    found.sort_unstable();
    found
}

fn sysfs(path: impl AsRef<Path>) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty())
}

/// The kernel driver bound to `address` on `bus`, from sysfs.
fn driver_of(bus: i32, address: u8) -> Option<String> {
    let link = std::fs::read_link(format!("/sys/bus/i2c/devices/{bus}-{address:04x}/driver"));
    link.ok()?
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Runs `lightseg scan`.
pub fn run(mut args: Args) -> Result<(), Failure> {
    let only = match args.value("--bus", Some("-b"))? {
        Some(text) => Some(args::bus(Some(text))?),
        None => None,
    };
    let json = args.switch("--json", None);
    if !args.positional()?.is_empty() {
        return Err(UsageError("scan takes no TEXT".into()).into());
    }
    let buses = match only {
        Some(bus) => vec![bus],
        None => buses(),
    };
    if buses.is_empty() {
        return Err(Failure::Device(format!(
            "no I2C bus (/dev/i2c-N) found\n  next: {}",
            lightseg::hint::ENABLE_I2C
        )));
    }
    for bus in buses {
        let adapter = sysfs(format!("/sys/class/i2c-dev/i2c-{bus}/name"));
        if !json {
            let name = adapter
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            crate::print_line(&format!("/dev/i2c-{bus}{name}:"))?;
        }
        let mut count = 0;
        for address in FIRST..=LAST {
            let what = Target {
                chip: "I2C device",
                bus,
                address,
            };
            let found = probe(bus, address, ProbeMethod::for_address(address))
                .map_err(crate::device_error(&what))?;
            if found == Probe::Silent {
                continue;
            }
            count += 1;
            let device = format!("{bus}-{address:04x}");
            let (state, note) = match found {
                Probe::Busy => {
                    let driver = driver_of(bus, address);
                    let release = match &driver {
                        Some(driver) => format!(
                            "release it: echo {device} | sudo tee /sys/bus/i2c/drivers/{driver}/unbind"
                        ),
                        None => format!(
                            "release it: echo {device} | sudo tee /sys/bus/i2c/devices/{device}/driver/unbind"
                        ),
                    };
                    let owner = driver.unwrap_or_else(|| "a kernel driver".into());
                    ("busy", format!("owned by {owner}; {release}"))
                }
                _ => match candidate(address) {
                    Some((name, confirm)) => ("answers", format!("{name} confirm: {confirm}")),
                    None => ("answers", String::new()),
                },
            };
            if json {
                crate::print_line(&format!(
                    "{{\"bus\":{bus},\"address\":{address},\"state\":{},\"note\":{}}}",
                    json_string(state),
                    json_string(&note)
                ))?;
            } else {
                crate::print_line(format!("  {address:#04x}  {state:<7}  {note}").trim_end())?;
            }
        }
        if !json {
            let plural = if count == 1 { "" } else { "es" };
            crate::print_line(&format!("  {count} address{plural} in use"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensor_and_backpack_addresses_are_named_with_how_to_confirm() {
        let (name, confirm) = candidate(0x39).expect("a TSL2561 address");
        assert!(name.contains("TSL2561") && name.contains("floating"));
        assert_eq!(confirm, "lightseg lux -a 0x39");
        let (name, _) = candidate(0x73).expect("a backpack address");
        assert!(name.contains("011"), "{name}");
        assert_eq!(candidate(0x48), None);
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
