//! Draws the emulated displays in the terminal (`LIGHTSEG_SIM_SHOW=1`) and as SVG files
//! (`LIGHTSEG_SIM_SVG=DIR`): a caption naming the display, then what it shows
//! ([`crate::backpacks`]). Only what a person would see change is drawn: nothing while a
//! display that never showed anything stays dark or blank, and nothing when a command
//! leaves the picture as it was.

use std::sync::Mutex;

use crate::backpacks::{self, Backpack};
use crate::models::ht16k33::Ht16k33Model;
use crate::real;

/// One status phrase: on/off, blink rate and brightness.
pub fn status(chip: &Ht16k33Model) -> String {
    let blink = match chip.blink() {
        0 => "steady",
        1 => "blinking 2 Hz",
        2 => "blinking 1 Hz",
        _ => "blinking 0.5 Hz",
    };
    if chip.lit() {
        format!("on, {blink}, brightness {}/15", chip.dimming())
    } else {
        "off".to_string()
    }
}

/// The caption of the backpacks of one kind on a bus (a chain, or one).
pub fn caption(bus: u32, backpack: Backpack, members: &[(u8, &Ht16k33Model)]) -> String {
    let addresses: Vec<String> = members.iter().map(|(a, _)| format!("{a:#04x}")).collect();
    let status = members
        .first()
        .map(|(_, chip)| status(chip))
        .unwrap_or_default();
    format!(
        "HT16K33 {} at {} on /dev/i2c-{bus}: {status}",
        backpack.title(),
        addresses.join(" + "),
    )
}

/// The backpacks of one kind on a bus as text, left to right in address order: the
/// caption line and the drawings side by side.
pub fn picture(bus: u32, backpack: Backpack, members: &[(u8, &Ht16k33Model)]) -> String {
    let drawings: Vec<Vec<String>> = members
        .iter()
        .map(|(_, chip)| backpacks::draw(backpack, &chip.ram(), chip.lit()))
        .collect();
    let height = drawings.iter().map(Vec::len).max().unwrap_or(0);
    let mut text = format!("+-- {} --\n", caption(bus, backpack, members));
    for row in 0..height {
        let parts: Vec<String> = drawings
            .iter()
            .map(|drawing| {
                let width = drawing.iter().map(|r| r.chars().count()).max().unwrap_or(0);
                let cell = drawing.get(row).map(String::as_str).unwrap_or("");
                format!("{cell:<width$}")
            })
            .collect();
        text.push_str("| ");
        text.push_str(parts.join("   ").trim_end());
        text.push('\n');
    }
    text
}

/// Whether the display shows anything at all (lit, and some LED on).
pub fn shows_something(chip: &Ht16k33Model) -> bool {
    chip.lit() && chip.ram().iter().any(|byte| *byte != 0)
}

/// The last picture written to the terminal, and its number of lines, when it is the
/// last thing written there: a new picture of the same display replaces it in place.
static LAST_DRAWN: Mutex<Option<(String, usize)>> = Mutex::new(None);

/// Writes `picture` of the display `key` to standard error; on a terminal it replaces
/// the previous picture of the same display when nothing was drawn in between.
pub fn show(key: &str, picture: &str) {
    let mut last = LAST_DRAWN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // SAFETY: isatty only inspects the descriptor.
    let terminal = unsafe { libc::isatty(2) } == 1;
    let mut text = String::new();
    if let Some((last_key, lines)) = last.as_ref() {
        if terminal && last_key == key {
            text.push_str(&format!("\x1b[{lines}A\x1b[J"));
        }
    }
    text.push_str(picture);
    real::write_all(2, text.as_bytes());
    *last = Some((key.to_string(), picture.lines().count()));
}

/// Writes the display as an SVG file into `directory`.
pub fn write_svg(
    directory: &std::ffi::OsStr,
    bus: u32,
    address: u8,
    backpack: Backpack,
    chip: &Ht16k33Model,
) {
    let path = std::path::Path::new(directory).join(format!("i2c-{bus}-{address:#04x}.svg"));
    let look = backpacks::Look {
        dimming: chip.dimming(),
        blink_hz: match chip.blink() {
            0 => None,
            1 => Some(2.0),
            2 => Some(1.0),
            _ => Some(0.5),
        },
    };
    let text = backpacks::svg(
        backpack,
        &chip.ram(),
        chip.lit(),
        look,
        &caption(bus, backpack, &[(address, chip)]),
    );
    if let Err(error) = std::fs::write(&path, text) {
        let message = format!("lightseg-sim: cannot write {}: {error}\n", path.display());
        real::write_all(2, message.as_bytes());
    }
}
