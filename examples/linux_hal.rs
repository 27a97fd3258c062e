//! A TSL2561 reading shown on a 4-digit 7-segment backpack, both driven through
//! embedded-hal 1.0 over linux-embedded-hal's `I2cdev`, the way a Rust program written
//! for embedded-hal drives any I2C chip (each transfer one `I2C_RDWR` ioctl).
//!
//! ```text
//! cargo run --release --example linux_hal            # /dev/i2c-1
//! cargo run --release --example linux_hal -- 3       # /dev/i2c-3
//! ```
//!
//! Without hardware, on the emulated bus:
//! `LD_PRELOAD=$PWD/target/release/liblightseg_sim.so target/release/examples/linux_hal`.

use lightseg::bus::HalDevice;
use lightseg::clock::SystemClock;
use lightseg::ht16k33::{BackpackKind, Chain};
use lightseg::tsl2561::{Settings, Tsl2561};
use linux_embedded_hal::I2cdev;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let adapter = std::env::args().nth(1).unwrap_or_else(|| "1".into());
    let path = format!("/dev/i2c-{adapter}");
    // One handle per chip: I2cdev opens the adapter for each.
    let sensor_bus = HalDevice::new(I2cdev::new(&path)?, 0x39)?;
    let display_bus = HalDevice::new(I2cdev::new(&path)?, 0x70)?;

    let mut sensor = Tsl2561::new(sensor_bus, SystemClock, Settings::default());
    sensor.initialise(Settings::default())?;
    // Any light: the setting that resolves it best, lux with its fraction.
    let light = sensor.read_full_range()?.measurement;

    let mut display = Chain::new(vec![display_bus], BackpackKind::Seg7)?;
    display.switch_on()?;
    display.frame_mut().print_decimal(light.lux, None)?; // as many decimals as fit
    display.commit()?;
    println!(
        "{:.2} lux (broadband {}, infrared {})",
        light.lux, light.broadband, light.infrared
    );
    Ok(())
}
