//! What to do next, for the errors people meet first on a Raspberry Pi: I2C not enabled,
//! no permission, a kernel driver on the address, nothing answering. The command, the
//! Python package and every other front end say the same.

use crate::Error;

/// How to get a /dev/i2c-N on a Raspberry Pi.
pub const ENABLE_I2C: &str = "On a Raspberry Pi enable I2C (sudo raspi-config, Interface \
     Options, I2C; or dtparam=i2c_arm=on in /boot/firmware/config.txt, then reboot) and \
     load the driver: sudo modprobe i2c-dev";

/// The next step for `error` met with the `chip` at `address` on `/dev/i2c-<bus>`, when
/// the error says what is wrong.
pub fn next_step(chip: &str, bus: i32, address: u8, error: &Error) -> Option<String> {
    let device = format!("{bus}-{:04x}", address);
    match error {
        Error::WrongDevice(_) => Some(format!(
            "next: the device at {address:#04x} is not a {chip}; check the address \
             (TSL2561: 0x29, 0x39, 0x49 by its ADDR pin)"
        )),
        Error::Bus { .. } => match error.errno() {
            libc::ENOENT => Some(format!(
                "next: /dev/i2c-{bus} does not exist. {ENABLE_I2C}; lightseg scan lists \
                 the buses there are"
            )),
            libc::EACCES | libc::EPERM => Some(format!(
                "next: no permission on /dev/i2c-{bus}: sudo adduser $USER i2c, then log \
                 in again"
            )),
            libc::EBUSY => Some(format!(
                "next: a kernel driver owns {address:#04x} (see \
                 /sys/bus/i2c/devices/{device}/driver); release it with: \
                 echo {device} | sudo tee /sys/bus/i2c/devices/{device}/driver/unbind"
            )),
            libc::EREMOTEIO | libc::ENXIO | libc::ENODEV => Some(format!(
                "next: nothing answered at {address:#04x}: check the wiring (SDA, SCL, \
                 power, ground) and the address jumpers; lightseg scan --bus {bus} lists \
                 what answers"
            )),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    fn bus_error(errno: i32) -> Error {
        Error::bus(
            "opening the I2C adapter",
            io::Error::from_raw_os_error(errno),
        )
    }

    #[test]
    fn each_first_error_names_its_next_step() {
        let hint = |error| next_step("TSL2561", 1, 0x39, &error).unwrap_or_default();
        assert!(hint(bus_error(libc::ENOENT)).contains("raspi-config"));
        assert!(hint(bus_error(libc::ENOENT)).contains("modprobe i2c-dev"));
        assert!(hint(bus_error(libc::EACCES)).contains("adduser $USER i2c"));
        assert!(hint(bus_error(libc::EBUSY))
            .contains("echo 1-0039 | sudo tee /sys/bus/i2c/devices/1-0039/driver/unbind"));
        for errno in [libc::EREMOTEIO, libc::ENXIO, libc::ENODEV] {
            assert!(
                hint(bus_error(errno)).contains("lightseg scan --bus 1"),
                "{errno}"
            );
        }
        assert!(hint(Error::WrongDevice("TSL2561")).contains("not a TSL2561"));
        assert_eq!(next_step("TSL2561", 1, 0x39, &bus_error(libc::EIO)), None);
        assert_eq!(next_step("TSL2561", 1, 0x39, &Error::NotOpen), None);
    }
}
