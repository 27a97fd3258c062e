//! The scene: which chips sit on which emulated bus, what light they see, and which
//! faults to inject. Read from the TOML file named by `LIGHTSEG_SIM_SCENE`, or
//! [`Scene::default_scene`] when it is unset.

use serde::Deserialize;

use crate::backpacks::Backpack;

/// Default I2C clock of an emulated bus (fast mode).
pub const DEFAULT_BUS_KHZ: u32 = 400;
/// Nominal TSL2561 oscillator.
pub const DEFAULT_OSCILLATOR_KHZ: u32 = 735;
/// ID register of the TSL2561T/FN/CL revision 0 on Adafruit boards.
pub const DEFAULT_TSL2561_ID: u8 = 0x50;

/// A whole scene file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Bus clock in kHz, for the time each transfer takes (default 400).
    #[serde(default = "default_bus_khz")]
    pub bus_khz: u32,
    /// The I2C controller behind every bus: how it reports a chip that does not answer,
    /// and what it can do (default `bcm2835`, the Raspberry Pi's).
    #[serde(default)]
    pub controller: Controller,
    /// The chips, `[[device]]` tables.
    #[serde(default, rename = "device")]
    pub devices: Vec<DeviceSpec>,
}

/// An I2C controller as the kernel drives it (docs/RELIABILITY.md, "The real kernel").
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Controller {
    /// The Raspberry Pi's (i2c-bcm2835): plain I2C and emulated SMBus; a missing
    /// acknowledge is EREMOTEIO.
    #[default]
    Bcm2835,
    /// Most other controllers: plain I2C and emulated SMBus; a missing acknowledge of
    /// the address is ENXIO (the kernel's documented fault code).
    Generic,
    /// The kernel's i2c-stub: SMBus only (quick, byte, byte data, word data, I2C
    /// block), so plain read/write and I2C_RDWR fail with EOPNOTSUPP; an address it does
    /// not serve is ENODEV.
    I2cStub,
    /// A controller that cannot send a zero-length message (as some SMBus host
    /// controllers): like `generic`, but SMBus quick fails with EOPNOTSUPP and
    /// `I2C_FUNCS` does not list it.
    NoQuick,
}

impl Controller {
    /// The errno of a transfer nobody acknowledged.
    pub fn no_answer(self) -> i32 {
        match self {
            Self::Bcm2835 => libc::EREMOTEIO,
            Self::Generic | Self::NoQuick => libc::ENXIO,
            Self::I2cStub => libc::ENODEV,
        }
    }

    /// Whether SMBus quick (a zero-length message) is possible.
    pub fn quick(self) -> bool {
        !matches!(self, Self::NoQuick)
    }

    /// Whether plain I2C transfers (read, write, I2C_RDWR) are possible.
    pub fn plain_i2c(self) -> bool {
        !matches!(self, Self::I2cStub)
    }

    /// What `I2C_FUNCS` reports.
    pub fn functionality(self) -> u64 {
        // I2C_FUNC_I2C 0x1; SMBus: QUICK 0x10000, READ_BYTE 0x20000, WRITE_BYTE 0x40000,
        // READ_BYTE_DATA 0x80000, WRITE_BYTE_DATA 0x100000, READ_WORD_DATA 0x200000,
        // WRITE_WORD_DATA 0x400000, READ_I2C_BLOCK 0x4000000, WRITE_I2C_BLOCK 0x8000000
        // (linux/i2c.h). An adapter that does plain I2C also gets the kernel's SMBus
        // emulation (0x0eff0000) and I2C_FUNC_SMBUS_PEC 0x8.
        match self {
            Self::Bcm2835 | Self::Generic => 0x0000_0001 | 0x0eff_0008,
            Self::NoQuick => 0x0000_0001 | 0x0eff_0008 & !0x0001_0000,
            Self::I2cStub => 0x0c7f_0000,
        }
    }
}

/// Kind of emulated chip.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// TSL2561 light sensor.
    Tsl2561,
    /// HT16K33 LED driver (7-segment backpack).
    Ht16k33,
}

impl Kind {
    /// The name used in scene files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Tsl2561 => "tsl2561",
            Kind::Ht16k33 => "ht16k33",
        }
    }
}

/// One `[[device]]` table.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeviceSpec {
    /// Adapter number: the device appears on `/dev/i2c-<bus>`.
    pub bus: u32,
    /// 7-bit slave address.
    pub address: u8,
    /// Which chip.
    pub kind: Kind,
    /// TSL2561: channel-0 counts of one 402 ms integration at gain 16x (may exceed 65535).
    #[serde(default)]
    pub broadband: u64,
    /// TSL2561: channel-1 counts on the same basis.
    #[serde(default)]
    pub infrared: u64,
    /// TSL2561: the light as illuminance instead of counts (lux, with `ir_ratio`).
    pub lux: Option<f64>,
    /// TSL2561: light changing over virtual time: `[seconds, lux]` points, a straight
    /// line between two (or steps with `lux_steps`), the last held.
    #[serde(default)]
    pub lux_schedule: Vec<[f64; 2]>,
    /// TSL2561: with `lux_schedule`, each point holds until the next.
    #[serde(default)]
    pub lux_steps: bool,
    /// TSL2561: with `lux` or `lux_schedule`, the spectrum: channel 1 / channel 0
    /// (infrared share), 0 to 1.3; 0.25 by default.
    #[serde(default = "default_ir_ratio")]
    pub ir_ratio: f64,
    /// TSL2561: internal oscillator, 690 to 780 kHz.
    #[serde(default = "default_oscillator_khz")]
    pub oscillator_khz: u32,
    /// TSL2561: ID register value.
    #[serde(default = "default_id")]
    pub id: u8,
    /// TSL2561: left powered and converting by an earlier program: a conversion at
    /// `timing` has completed when the program starts, the next completes one
    /// integration time later. Off by default (powered down, no data: a chip's start).
    #[serde(default)]
    pub powered: bool,
    /// TSL2561: the TIMING register at start: gain (0x10: 16x), manual (0x08) and the
    /// integration (0x00 13.7 ms, 0x01 101 ms, 0x02 402 ms, 0x03 manual); default 0x02,
    /// the chip's own (402 ms, 1x).
    #[serde(default = "default_timing")]
    pub timing: u8,
    /// HT16K33: left switched on by an earlier program (oscillator and display on).
    #[serde(default)]
    pub display_on: bool,
    /// HT16K33: the dimming level at start, 0 to 15 (default 15, the chip's own).
    #[serde(default = "default_brightness")]
    pub brightness: u8,
    /// HT16K33: the blink rate at start, 0 (steady) to 3 (0.5 Hz).
    #[serde(default)]
    pub blink: u8,
    /// HT16K33 only: the display RAM at start (16 bytes), for example what another
    /// program left there; zeros by default.
    pub ram: Option<Vec<u8>>,
    /// HT16K33 only: the RAM pointer at start (0 to 15).
    #[serde(default)]
    pub ram_pointer: u8,
    /// HT16K33 only: the Adafruit backpack it drives (how it is drawn and read back):
    /// `seg7` (default), `seg7-large`, `alphanumeric`, `matrix8x8`, `bicolor8x8`,
    /// `matrix16x8`, `mini16x8`, `bargraph24`.
    pub backpack: Option<Backpack>,
    /// Faults to inject.
    #[serde(default)]
    pub faults: Faults,
}

/// Faults of one device. Transfer counts start at 1 and count every transfer addressed
/// to the device; read counts count only transfers that read from it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// The chip never acknowledges (as if not wired): every transfer fails EREMOTEIO.
    #[serde(default)]
    pub absent: bool,
    /// This transfer is not acknowledged: EREMOTEIO, and the chip sees nothing.
    pub nack_on_transfer: Option<u64>,
    /// This read transfer fails with EIO.
    pub eio_on_read: Option<u64>,
    /// This read transfer delivers fewer bytes than asked: a raw `read()` returns a short
    /// count, an SMBus or I2C_RDWR read fails with EIO as the kernel reports it.
    pub short_read: Option<u64>,
    /// After this many transfers the whole bus disappears: further transfers on open
    /// descriptors fail ENODEV, opening it fails ENOENT.
    pub bus_removed_after: Option<u64>,
    /// `ioctl(I2C_SLAVE)` for this address fails EBUSY (a kernel driver owns it);
    /// `I2C_SLAVE_FORCE` still works.
    #[serde(default)]
    pub ebusy_on_slave: bool,
    /// Opening this device's bus fails EACCES (no permission on /dev/i2c-N).
    #[serde(default)]
    pub eacces_on_open: bool,
    /// Each transfer fails with this probability (0 to 1), with EREMOTEIO or EIO, drawn
    /// from a generator seeded with `seed`: the same scene fails the same transfers.
    pub random_error_rate: Option<f64>,
    /// Seed of `random_error_rate`.
    #[serde(default)]
    pub seed: u64,
}

fn default_bus_khz() -> u32 {
    DEFAULT_BUS_KHZ
}

fn default_timing() -> u8 {
    0x02
}

fn default_brightness() -> u8 {
    15
}

fn default_oscillator_khz() -> u32 {
    DEFAULT_OSCILLATOR_KHZ
}

fn default_ir_ratio() -> f64 {
    0.25
}

fn default_id() -> u8 {
    DEFAULT_TSL2561_ID
}

impl DeviceSpec {
    /// The light a TSL2561 of this spec sees.
    pub fn light(&self) -> crate::light::Light {
        use crate::light::Light;
        let points: Vec<(u64, f64)> = match self.lux {
            Some(lux) => vec![(0, lux)],
            None => self
                .lux_schedule
                .iter()
                .map(|[seconds, lux]| ((seconds * 1e9) as u64, *lux))
                .collect(),
        };
        if points.is_empty() {
            return Light::Counts {
                broadband: self.broadband as f64,
                infrared: self.infrared as f64,
            };
        }
        Light::Lux {
            points,
            steps: self.lux_steps,
            ir_ratio: self.ir_ratio,
            cs: self.id >> 4 == 0b0001 || self.id >> 4 == 0b0000,
        }
    }
}

impl Scene {
    /// Parses and checks a scene file's text.
    pub fn parse(text: &str) -> Result<Scene, String> {
        let scene: Scene = toml::from_str(text).map_err(|e| e.to_string())?;
        scene.validate()?;
        Ok(scene)
    }

    fn validate(&self) -> Result<(), String> {
        if !(10..=5000).contains(&self.bus_khz) {
            return Err(format!("bus_khz {} is outside 10..=5000", self.bus_khz));
        }
        if self.devices.len() > crate::session::DEVICES {
            return Err(format!(
                "{} devices: a scene has at most {}",
                self.devices.len(),
                crate::session::DEVICES
            ));
        }
        for (index, device) in self.devices.iter().enumerate() {
            let name = format!(
                "device {} (bus {}, {:#04x})",
                index + 1,
                device.bus,
                device.address
            );
            if device.address > 0x7F {
                return Err(format!("{name}: address above 0x7f"));
            }
            if let Some(rate) = device.faults.random_error_rate {
                if !(0.0..=1.0).contains(&rate) {
                    return Err(format!("{name}: random_error_rate must be 0..=1"));
                }
            }
            if let Some(ram) = &device.ram {
                if device.kind != Kind::Ht16k33 || ram.len() != 16 {
                    return Err(format!("{name}: ram is 16 bytes, for an ht16k33"));
                }
            }
            let given_in_lux = device.lux.is_some() || !device.lux_schedule.is_empty();
            if given_in_lux && (device.broadband != 0 || device.infrared != 0) {
                return Err(format!(
                    "{name}: give the light as counts or as lux, not both"
                ));
            }
            if device.lux.is_some() && !device.lux_schedule.is_empty() {
                return Err(format!("{name}: lux and lux_schedule exclude each other"));
            }
            if !(0.0..=crate::light::MAX_IR_RATIO).contains(&device.ir_ratio) {
                return Err(format!("{name}: ir_ratio must be 0..=1.3"));
            }
            let lux_values = device
                .lux
                .iter()
                .chain(device.lux_schedule.iter().map(|p| &p[1]));
            if lux_values.clone().any(|lux| !lux.is_finite() || *lux < 0.0) {
                return Err(format!("{name}: lux must be 0 or more"));
            }
            let times: Vec<f64> = device.lux_schedule.iter().map(|p| p[0]).collect();
            if times.iter().any(|t| !t.is_finite() || *t < 0.0)
                || times.windows(2).any(|w| w[1] <= w[0])
            {
                return Err(format!(
                    "{name}: lux_schedule times must rise from 0 or more"
                ));
            }
            if device.backpack.is_some() && device.kind != Kind::Ht16k33 {
                return Err(format!("{name}: backpack is for an ht16k33"));
            }
            if device.ram_pointer > 15 {
                return Err(format!("{name}: ram_pointer must be 0..=15"));
            }
            let is_sensor = device.kind == Kind::Tsl2561;
            if !is_sensor && (device.powered || device.timing != default_timing()) {
                return Err(format!("{name}: powered and timing are for a tsl2561"));
            }
            if device.timing & !0x1B != 0 {
                return Err(format!(
                    "{name}: timing takes bits 0x10, 0x08 and 0x03 only"
                ));
            }
            let display_keys =
                device.display_on || device.brightness != default_brightness() || device.blink != 0;
            if is_sensor && display_keys {
                return Err(format!(
                    "{name}: display_on, brightness and blink are for an ht16k33"
                ));
            }
            if device.brightness > 15 || device.blink > 3 {
                return Err(format!("{name}: brightness is 0..=15, blink 0..=3"));
            }
            if !(690..=780).contains(&device.oscillator_khz) {
                return Err(format!("{name}: oscillator_khz must be 690..=780"));
            }
            let duplicate = self.devices[..index]
                .iter()
                .any(|other| other.bus == device.bus && other.address == device.address);
            if duplicate {
                return Err(format!("{name}: two devices at the same address"));
            }
        }
        Ok(())
    }

    /// The scene used when `LIGHTSEG_SIM_SCENE` is unset: bus 1 with TSL2561s at 0x29
    /// (dim room), 0x39 (office) and 0x49 (bright window), and one of every Adafruit
    /// HT16K33 backpack at the addresses the README and the examples use: the 0.56"
    /// 7-segment at 0x70, the 1.2" at 0x71, two alphanumerics at 0x72 and 0x73, the 8x8
    /// at 0x74, the bicolour 8x8 at 0x75, the 16x8 at 0x76, the bargraph at 0x77.
    pub fn default_scene() -> Scene {
        let sensor = |address, broadband, infrared| DeviceSpec {
            bus: 1,
            address,
            kind: Kind::Tsl2561,
            broadband,
            infrared,
            oscillator_khz: DEFAULT_OSCILLATOR_KHZ,
            id: DEFAULT_TSL2561_ID,
            lux: None,
            lux_schedule: Vec::new(),
            lux_steps: false,
            ir_ratio: default_ir_ratio(),
            powered: false,
            timing: default_timing(),
            display_on: false,
            brightness: default_brightness(),
            blink: 0,
            ram: None,
            ram_pointer: 0,
            backpack: None,
            faults: Faults::default(),
        };
        let backpack = |address, backpack| DeviceSpec {
            kind: Kind::Ht16k33,
            backpack: Some(backpack),
            ..sensor(address, 0, 0)
        };
        Scene {
            bus_khz: DEFAULT_BUS_KHZ,
            controller: Controller::default(),
            devices: vec![
                sensor(0x29, 400, 120),
                sensor(0x39, 1200, 300),
                sensor(0x49, 30000, 9000),
                backpack(0x70, Backpack::Seg7),
                backpack(0x71, Backpack::Seg7Large),
                backpack(0x72, Backpack::Alphanumeric),
                backpack(0x73, Backpack::Alphanumeric),
                backpack(0x74, Backpack::Matrix8x8),
                backpack(0x75, Backpack::Bicolor8x8),
                backpack(0x76, Backpack::Matrix16x8),
                backpack(0x77, Backpack::Bargraph24),
            ],
        }
    }

    /// Loads the scene named by `LIGHTSEG_SIM_SCENE`, or the default scene.
    pub fn from_environment() -> Result<Scene, String> {
        match std::env::var_os("LIGHTSEG_SIM_SCENE") {
            None => Ok(Scene::default_scene()),
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.to_string_lossy()))?;
                Scene::parse(&text).map_err(|e| format!("{}: {e}", path.to_string_lossy()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_scene_is_the_default_scene_written_out() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../c-examples/backpacks.toml");
        let text = std::fs::read_to_string(path).expect("c-examples/backpacks.toml");
        let written = Scene::parse(&text).expect("parses");
        assert_eq!(written, Scene::default_scene());
        let backpacks: Vec<u8> = written
            .devices
            .iter()
            .filter(|device| device.kind == Kind::Ht16k33)
            .map(|device| device.address)
            .collect();
        assert_eq!(backpacks, (0x70..=0x77).collect::<Vec<u8>>());
    }

    #[test]
    fn every_scene_key_is_real_and_documented_and_the_documented_example_parses() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/EMULATOR.md");
        let doc = std::fs::read_to_string(path).expect("docs/EMULATOR.md");
        let example = doc
            .split("```toml\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("a TOML example");
        Scene::parse(example).expect("the documented example parses");
        // Every key at once: a scene that uses each parses (unknown keys are refused).
        let every = "bus_khz = 100\ncontroller = \"generic\"\n\
            [[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\n\
            lux_schedule = [[0.0, 1.0]]\nlux_steps = true\nir_ratio = 0.3\n\
            oscillator_khz = 700\nid = 0x10\npowered = true\ntiming = 0x12\n\
            [device.faults]\nabsent = false\nnack_on_transfer = 1\neio_on_read = 1\n\
            short_read = 1\nbus_removed_after = 9\nebusy_on_slave = false\n\
            eacces_on_open = false\nrandom_error_rate = 0.0\nseed = 1\n\
            [[device]]\nbus = 1\naddress = 0x29\nkind = \"tsl2561\"\nlux = 5.0\n\
            [[device]]\nbus = 1\naddress = 0x49\nkind = \"tsl2561\"\nbroadband = 9\n\
            infrared = 1\n\
            [[device]]\nbus = 1\naddress = 0x70\nkind = \"ht16k33\"\nbackpack = \"seg7\"\n\
            ram = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\nram_pointer = 0\n\
            display_on = true\nbrightness = 3\nblink = 1\n";
        Scene::parse(every).expect("every key parses");
        for line in every.lines() {
            if let Some((key, _)) = line.split_once(" = ") {
                assert!(
                    doc.contains(&format!("`{key}`")),
                    "docs/EMULATOR.md lacks {key}"
                );
            }
        }
    }
}
