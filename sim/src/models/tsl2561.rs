//! TSL2561 model (docs/DEVICES.md, "TSL2561"): command byte decoding, power, TIMING, thresholds,
//! interrupt and ID registers, conversions that complete one integration time after
//! power-on and then free-run, and the channel-0 low-byte shadow latch.

use serde_json::{json, Value};

use crate::light::Light;

const COMMAND: u8 = 0x80;
const CLEAR: u8 = 0x40;
const WORD: u8 = 0x20;
const BLOCK: u8 = 0x10;
const REG_CONTROL: u8 = 0x0;
const REG_TIMING: u8 = 0x1;
const REG_INTERRUPT: u8 = 0x6;
const REG_CRC: u8 = 0x8;
const REG_ID: u8 = 0xA;
const REG_DATA0LOW: u8 = 0xC;
const REG_DATA1HIGH: u8 = 0xF;
const TIMING_GAIN_16X: u8 = 0x10;
const TIMING_MANUAL: u8 = 0x08;
const TIMING_INTEG: u8 = 0x03;
const CYCLES_PER_STEP: u64 = 918;
/// The scene's light is given for this many steps (402 ms setting).
const REFERENCE_STEPS: u64 = 322;

/// Integration steps N of an INTEG field (manual mode counts as the full 402 ms scale).
fn steps(integ: u8) -> u64 {
    match integ & TIMING_INTEG {
        0 => 11,
        1 => 81,
        _ => 322,
    }
}

/// Full-scale count of an integration of `cycles` cycles: cycles / 2 - 2, at most 65535.
fn full_scale(cycles: u64) -> u64 {
    (cycles / 2).saturating_sub(2).min(0xFFFF)
}

/// The emulated chip: the light it sees and its oscillator (from the scene), and its
/// state (shared by the processes of a session).
#[derive(Debug, Clone)]
pub struct Tsl2561Model {
    light: Light,
    oscillator_hz: u64,
    state: Tsl2561State,
}

/// What a TSL2561 holds between transfers: its registers, power and conversions. Plain
/// data, copied to and from the session's shared bus.
#[derive(Debug, Clone, Copy)]
pub struct Tsl2561State {
    registers: [u8; 16],
    pointer: u8,
    powered: bool,
    /// Start of the integration cycle in progress and the TIMING value it runs with.
    cycle_start_ns: u64,
    cycle_timing: u8,
    /// Manual integration start, while MANUAL is set.
    manual_start_ns: Option<u64>,
    conversions_since_power_on: u64,
    data: [u16; 2],
    /// When the conversion whose result is latched began.
    data_started_ns: u64,
    /// Last power-on or TIMING write.
    last_change_ns: u64,
    shadow_high: [Option<u8>; 2],
    interrupt_pending: bool,
    /// Consecutive conversions with channel 0 out of the threshold window.
    out_of_window: u32,
    stale_reads: u64,
    ignored_commands: u64,
    /// The latest time the chip has seen.
    latest_ns: u64,
}

impl Tsl2561Model {
    /// A powered-down chip (as after VDD comes up) seeing the given light.
    pub fn new(light: Light, oscillator_khz: u32, id: u8) -> Self {
        let mut registers = [0u8; 16];
        registers[usize::from(REG_TIMING)] = 0x02;
        registers[usize::from(REG_ID)] = id;
        Self {
            light,
            oscillator_hz: u64::from(oscillator_khz) * 1000,
            state: Tsl2561State {
                registers,
                pointer: 0,
                powered: false,
                cycle_start_ns: 0,
                cycle_timing: 0x02,
                manual_start_ns: None,
                conversions_since_power_on: 0,
                data: [0; 2],
                data_started_ns: 0,
                last_change_ns: 0,
                shadow_high: [None; 2],
                interrupt_pending: false,
                out_of_window: 0,
                stale_reads: 0,
                ignored_commands: 0,
                latest_ns: 0,
            },
        }
    }

    /// The chip's state, to share with the other processes of a session.
    pub fn state(&self) -> Tsl2561State {
        self.state
    }

    /// Takes the state another process of the session left.
    pub fn set_state(&mut self, state: Tsl2561State) {
        self.state = state;
    }

    /// The TIMING register as an earlier program left it (the chip powered down).
    pub fn set_timing_at_start(&mut self, timing: u8) {
        self.state.registers[usize::from(REG_TIMING)] = timing;
        self.state.cycle_timing = timing;
    }

    /// The chip as an earlier program left it: powered at `timing` long enough that a
    /// conversion in the light at time 0 has completed; the next cycle starts at 0.
    pub fn left_converting(mut self, timing: u8) -> Self {
        self.state.registers[usize::from(REG_TIMING)] = timing;
        self.state.registers[usize::from(REG_CONTROL)] = 0x03;
        self.state.powered = true;
        self.state.cycle_timing = timing;
        if timing & TIMING_INTEG != TIMING_INTEG {
            let cycles = CYCLES_PER_STEP * steps(timing);
            self.state.data = self.counts_for_cycles(timing, cycles, 0);
            self.state.conversions_since_power_on = 1;
        }
        self
    }

    /// Integration time in ns of a TIMING value at this chip's oscillator.
    pub fn integration_ns(&self, timing: u8) -> u64 {
        let cycles = CYCLES_PER_STEP * steps(timing);
        (cycles * 1_000_000_000).div_ceil(self.oscillator_hz)
    }

    /// Counts of an integration of `cycles` cycles with `timing`'s gain, in the light at
    /// `middle_ns` (the middle of the integration).
    fn counts_for_cycles(&self, timing: u8, cycles: u64, middle_ns: u64) -> [u16; 2] {
        let reference_cycles = (CYCLES_PER_STEP * REFERENCE_STEPS) as f64;
        let divisor = if timing & TIMING_GAIN_16X != 0 {
            1.0
        } else {
            16.0
        };
        let limit = full_scale(cycles) as f64;
        self.light.counts_at(middle_ns).map(|light| {
            let counts = (light * cycles as f64 / (reference_cycles * divisor)).floor();
            counts.clamp(0.0, limit) as u16
        })
    }

    fn complete(&mut self, data: [u16; 2], started_ns: u64) {
        self.state.data = data;
        self.state.data_started_ns = started_ns;
        self.state.conversions_since_power_on += 1;
        // INTERRUPT: bits 5:4 INTR (0 off), bits 3:0 PERSIST; the window is on channel 0
        // only, out of it when ch0 <= THRESHLOW or ch0 > THRESHHIGH; PERSIST 0 interrupts
        // after every conversion, N after N consecutive ones out of the window
        // (docs/DEVICES.md, "Interrupt").
        let interrupt = self.state.registers[usize::from(REG_INTERRUPT)];
        let (intr, persist) = ((interrupt >> 4) & 0x3, u32::from(interrupt & 0x0F));
        if intr == 0 {
            self.state.out_of_window = 0;
            return;
        }
        let threshold = |at: usize| {
            u16::from_le_bytes([self.state.registers[at], self.state.registers[at + 1]])
        };
        let (low, high) = (threshold(0x2), threshold(0x4));
        if data[0] <= low || data[0] > high {
            self.state.out_of_window += 1;
        } else {
            self.state.out_of_window = 0;
        }
        if persist == 0 || self.state.out_of_window >= persist {
            self.state.interrupt_pending = true;
        }
    }

    /// Whether the INT pin is asserted (held until a command with the CLEAR bit).
    pub fn interrupt_pending(&self) -> bool {
        self.state.interrupt_pending
    }

    /// Completes every integration cycle that ended by `now`.
    fn advance(&mut self, now: u64) {
        // The chip's time never runs backwards, whatever clock reading it is given.
        let now = now.max(self.state.latest_ns);
        self.state.latest_ns = now;
        if !self.state.powered || self.state.cycle_timing & TIMING_INTEG == TIMING_INTEG {
            return;
        }
        loop {
            let duration = self.integration_ns(self.state.cycle_timing);
            let end = self.state.cycle_start_ns + duration;
            if end > now {
                return;
            }
            let cycles = CYCLES_PER_STEP * steps(self.state.cycle_timing);
            let middle = self.state.cycle_start_ns + duration / 2;
            let data = self.counts_for_cycles(self.state.cycle_timing, cycles, middle);
            self.complete(data, self.state.cycle_start_ns);
            self.state.cycle_start_ns = end;
            self.state.cycle_timing = self.state.registers[usize::from(REG_TIMING)];
            if self.state.cycle_timing & TIMING_INTEG == TIMING_INTEG {
                return;
            }
            // Skip whole cycles with unchanged settings in one step (long idle times),
            // unless interrupts count them.
            let duration = self.integration_ns(self.state.cycle_timing);
            let whole = now.saturating_sub(self.state.cycle_start_ns) / duration;
            let interrupts_off = (self.state.registers[usize::from(REG_INTERRUPT)] >> 4) & 0x3 == 0;
            if whole > 1 && interrupts_off {
                self.state.cycle_start_ns += (whole - 1) * duration;
                self.state.conversions_since_power_on += whole - 1;
            }
        }
    }

    fn power_on(&mut self, now: u64) {
        self.state.powered = true;
        self.state.cycle_start_ns = now;
        self.state.cycle_timing = self.state.registers[usize::from(REG_TIMING)];
        self.state.conversions_since_power_on = 0;
        self.state.data = [0; 2];
        self.state.shadow_high = [None; 2];
        self.state.last_change_ns = now;
        self.state.manual_start_ns = None;
    }

    fn write_timing(&mut self, value: u8, now: u64) {
        let old = self.state.registers[usize::from(REG_TIMING)];
        self.state.registers[usize::from(REG_TIMING)] = value;
        if !self.state.powered {
            return;
        }
        self.state.last_change_ns = now;
        if value & TIMING_INTEG == TIMING_INTEG {
            let was_manual = old & TIMING_INTEG == TIMING_INTEG && old & TIMING_MANUAL != 0;
            let is_manual = value & TIMING_MANUAL != 0;
            if !was_manual && is_manual {
                self.state.cycle_timing = value;
                self.state.manual_start_ns = Some(now);
            } else if was_manual && !is_manual {
                if let Some(start) = self.state.manual_start_ns.take() {
                    let cycles = now.saturating_sub(start) * self.oscillator_hz / 1_000_000_000;
                    let middle = start + now.saturating_sub(start) / 2;
                    let data = self.counts_for_cycles(value, cycles, middle);
                    self.complete(data, start);
                }
            }
        } else if self.state.cycle_timing & TIMING_INTEG == TIMING_INTEG {
            // Leaving manual mode: free-running conversions start now.
            self.state.cycle_start_ns = now;
            self.state.cycle_timing = value;
        }
    }

    fn write_register(&mut self, register: u8, value: u8, now: u64) {
        match register {
            REG_CONTROL => {
                let on = value & 0x03 == 0x03;
                self.state.registers[usize::from(REG_CONTROL)] = value & 0x03;
                if on && !self.state.powered {
                    self.power_on(now);
                } else if !on {
                    self.state.powered = false;
                }
            }
            REG_TIMING => self.write_timing(value, now),
            0x2..=0x6 => self.state.registers[usize::from(register)] = value,
            // ID, CRC, data and reserved registers are read-only.
            _ => {}
        }
    }

    fn read_register(&mut self, register: u8) -> u8 {
        match register {
            0xC | 0xE => {
                let channel = usize::from((register - 0xC) / 2);
                let [low, high] = self.state.data[channel].to_le_bytes();
                self.state.shadow_high[channel] = Some(high);
                low
            }
            0xD | 0xF => {
                let channel = usize::from((register - 0xD) / 2);
                let [_, high] = self.state.data[channel].to_le_bytes();
                self.state.shadow_high[channel].take().unwrap_or(high)
            }
            REG_CRC => 0,
            _ => self.state.registers[usize::from(register)],
        }
    }

    /// A write message: command byte, then data bytes (SMBus block writes carry a count
    /// byte first). Bytes go to consecutive registers.
    pub fn write(&mut self, bytes: &[u8], now: u64) {
        self.advance(now);
        let now = self.state.latest_ns;
        let Some((&command, mut payload)) = bytes.split_first() else {
            return;
        };
        if command & COMMAND == 0 {
            self.state.ignored_commands += 1;
            return;
        }
        if command & CLEAR != 0 {
            self.state.interrupt_pending = false;
        }
        self.state.pointer = command & 0x0F;
        if command & BLOCK != 0 && command & WORD == 0 {
            payload = payload.get(1..).unwrap_or(&[]);
        }
        for &value in payload {
            self.write_register(self.state.pointer, value, now);
            self.state.pointer = (self.state.pointer + 1) & 0x0F;
        }
    }

    /// A read message of `buffer.len()` bytes from the register pointer (advancing).
    pub fn read(&mut self, buffer: &mut [u8], now: u64) {
        self.advance(now);
        if buffer.is_empty() {
            return;
        }
        let reads_data = (0..buffer.len()).any(|i| {
            (REG_DATA0LOW..=REG_DATA1HIGH).contains(&((self.state.pointer + i as u8) & 0x0F))
        });
        if reads_data && self.is_stale() {
            self.state.stale_reads += 1;
        }
        for byte in buffer.iter_mut() {
            *byte = self.read_register(self.state.pointer);
            self.state.pointer = (self.state.pointer + 1) & 0x0F;
        }
    }

    /// No conversion finished since power-on, or the latched one began before the last
    /// power-on or TIMING change.
    fn is_stale(&self) -> bool {
        self.state.conversions_since_power_on == 0
            || self.state.data_started_ns < self.state.last_change_ns
    }

    /// Whether the chip is powered up.
    pub fn powered(&self) -> bool {
        self.state.powered
    }

    /// Data reads that returned no finished (or an outdated) conversion.
    pub fn stale_reads(&self) -> u64 {
        self.state.stale_reads
    }

    /// The register file as a reader would see it at `now` (without side effects).
    pub fn registers(&mut self, now: u64) -> [u8; 16] {
        self.advance(now);
        let mut registers = self.state.registers;
        let [d0l, d0h] = self.state.data[0].to_le_bytes();
        let [d1l, d1h] = self.state.data[1].to_le_bytes();
        registers[0xC..=0xF].copy_from_slice(&[d0l, d0h, d1l, d1h]);
        registers
    }

    /// The report entries of this chip.
    pub fn report(&mut self, now: u64) -> Value {
        json!({
            "registers": self.registers(now).to_vec(),
            "powered": self.state.powered,
            "stale_reads": self.state.stale_reads,
            "conversions": self.state.conversions_since_power_on,
            "interrupt_pending": self.state.interrupt_pending,
            "ignored_commands": self.state.ignored_commands,
            "lux": self.light.lux_at(now),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(broadband: f64, infrared: f64) -> Light {
        Light::Counts {
            broadband,
            infrared,
        }
    }

    const MS: u64 = 1_000_000;

    /// A chip set to 402 ms, 16x (the power-up default is 402 ms, 1x).
    fn chip(osc_khz: u32) -> Tsl2561Model {
        let mut chip = Tsl2561Model::new(counts(1200.0, 300.0), osc_khz, 0x50);
        chip.write(&[0x81, 0x12], 0);
        chip
    }

    fn read_word(chip: &mut Tsl2561Model, command: u8, now: u64) -> u16 {
        chip.write(&[command], now);
        let mut buffer = [0u8; 2];
        chip.read(&mut buffer, now);
        u16::from_le_bytes(buffer)
    }

    #[test]
    fn integration_times_follow_the_oscillator() {
        // 918 x N cycles: docs/DEVICES.md, "Integration timing".
        let slow = chip(690);
        assert_eq!(slow.integration_ns(0x00), 14_634_783);
        assert_eq!(slow.integration_ns(0x01), 107_765_218);
        assert_eq!(slow.integration_ns(0x02), 428_400_000);
        let fast = chip(780);
        assert_eq!(fast.integration_ns(0x00), 12_946_154);
        assert_eq!(fast.integration_ns(0x02), 378_969_231);
    }

    #[test]
    fn data_reads_zero_until_the_first_conversion_completes() {
        let mut chip = chip(690);
        chip.write(&[0x80, 0x03], 0);
        assert_eq!(read_word(&mut chip, 0xAC, 428 * MS), 0);
        assert_eq!(chip.stale_reads(), 1);
        assert_eq!(read_word(&mut chip, 0xAC, 428_400_000), 1200);
        assert_eq!(read_word(&mut chip, 0xAE, 428_400_000), 300);
        assert_eq!(chip.stale_reads(), 1);
    }

    #[test]
    fn counts_scale_with_integration_time_and_gain_and_saturate() {
        let mut chip = Tsl2561Model::new(counts(100_000.0, 322.0), 735, 0x50);
        chip.write(&[0x81, 0x00], 0); // 13 ms, 1x
        chip.write(&[0x80, 0x03], 0);
        let t = chip.integration_ns(0x00);
        // 100000 * 11/322 / 16 = 213; 322 * 11/322 / 16 = 0
        assert_eq!(read_word(&mut chip, 0xAC, t), 213);
        assert_eq!(read_word(&mut chip, 0xAE, t), 0);
        chip.write(&[0x80, 0x00], t);
        chip.write(&[0x81, 0x10], t); // 13 ms, 16x: 3416 counts
        chip.write(&[0x80, 0x03], t);
        assert_eq!(read_word(&mut chip, 0xAC, 2 * t), 3416);
        chip.write(&[0x80, 0x00], 2 * t);
        chip.write(&[0x81, 0x11], 2 * t); // 101 ms, 16x: 25155 counts
        chip.write(&[0x80, 0x03], 2 * t);
        let t101 = chip.integration_ns(0x01);
        assert_eq!(read_word(&mut chip, 0xAC, 2 * t + t101), 25155);
        let mut bright = Tsl2561Model::new(counts(1_000_000.0, 0.0), 735, 0x50);
        let mut now = 0;
        for (timing, full) in [(0x10, 5047), (0x11, 37177), (0x12, 65535)] {
            bright.write(&[0x81, timing], now);
            bright.write(&[0x80, 0x03], now);
            now += bright.integration_ns(timing);
            assert_eq!(read_word(&mut bright, 0xAC, now), full);
            bright.write(&[0x80, 0x00], now);
        }
    }

    #[test]
    fn timing_change_while_powered_applies_from_the_next_cycle() {
        let mut chip = chip(735);
        chip.write(&[0x81, 0x12], 0);
        chip.write(&[0x80, 0x03], 0);
        let t402 = chip.integration_ns(0x12);
        chip.write(&[0x81, 0x02], 10 * MS); // gain 1x during the first cycle
        assert_eq!(
            read_word(&mut chip, 0xAC, t402),
            1200,
            "cycle in progress keeps 16x"
        );
        assert_eq!(chip.stale_reads(), 1, "it began before the TIMING change");
        assert_eq!(read_word(&mut chip, 0xAC, 2 * t402), 75);
        assert_eq!(chip.stale_reads(), 1);
    }

    #[test]
    fn free_running_conversions_and_power_cycle_reset_data() {
        let mut chip = chip(735);
        chip.write(&[0x80, 0x03], 0);
        let t = chip.integration_ns(0x02);
        assert_eq!(read_word(&mut chip, 0xAC, 10 * t + 5), 1200);
        assert_eq!(chip.state.conversions_since_power_on, 10);
        chip.write(&[0x80, 0x00], 10 * t + 5);
        chip.write(&[0x80, 0x03], 10 * t + 6);
        assert_eq!(read_word(&mut chip, 0xAC, 10 * t + 7), 0);
    }

    #[test]
    fn command_decoding_pointer_id_control_readback_and_shadow() {
        let mut chip = chip(735);
        chip.write(&[0x8A], 0);
        let mut id = [0u8];
        chip.read(&mut id, 0);
        assert_eq!(id[0], 0x50);
        chip.write(&[0x80, 0x03], 0);
        chip.write(&[0x80], 0);
        chip.read(&mut id, 0);
        assert_eq!(id[0], 0x03, "writing 03 reads back 03");
        chip.write(&[0x03, 0x00], 0); // no CMD bit: ignored
        assert!(chip.powered());
        // Word write to the thresholds (WORD bit), auto-advance.
        chip.write(&[0xA2, 0x34, 0x12], 0);
        assert_eq!(chip.registers(0)[2..4], [0x34, 0x12]);
        // Block write: count byte first.
        chip.write(&[0x94, 2, 0x78, 0x56], 0);
        assert_eq!(chip.registers(0)[4..6], [0x78, 0x56]);
        // Low byte read latches the high byte of the same conversion.
        let t = chip.integration_ns(0x02);
        chip.write(&[0x8C], t);
        let mut low = [0u8];
        chip.read(&mut low, t);
        chip.state.data = [0xFFFF, 0];
        let mut high = [0u8];
        chip.read(&mut high, t);
        assert_eq!(u16::from_le_bytes([low[0], high[0]]), 1200);
        // Four-byte read from 0x8C walks both channels.
        let mut fresh = Tsl2561Model::new(counts(1200.0, 300.0), 735, 0x50);
        assert_eq!(fresh.registers(0)[1], 0x02, "power-up TIMING: 402 ms, 1x");
        fresh.write(&[0x81, 0x12], 0);
        fresh.write(&[0x80, 0x03], 0);
        fresh.write(&[0x8C], t);
        let mut all = [0u8; 4];
        fresh.read(&mut all, t);
        assert_eq!(all, [0xB0, 0x04, 0x2C, 0x01]);
    }

    #[test]
    fn manual_integration_counts_the_time_it_ran() {
        let mut chip = chip(735);
        chip.write(&[0x80, 0x03], 0);
        chip.write(&[0x81, 0x1B], 0); // 16x, manual start, INTEG = 11
        chip.write(&[0x81, 0x13], 201_000_000); // stop after half the 402 ms time
        let value = read_word(&mut chip, 0xAC, 201_000_000);
        assert!((590..=610).contains(&value), "{value}");
    }

    #[test]
    fn the_interrupt_fires_after_persist_conversions_out_of_the_window_and_clears() {
        // 402 ms 16x at 735 kHz (402.2 ms a conversion); 1200 counts on channel 0.
        let mut chip = Tsl2561Model::new(counts(1200.0, 300.0), 735, 0x50);
        let cycle = chip.integration_ns(0x12);
        // Window 100..=1000 (1200 is above it), level interrupt, PERSIST 2.
        chip.write(&[0xA2, 100, 0, 0xE8, 0x03], 0); // THRESHLOW 100, THRESHHIGH 1000
        chip.write(&[0x86, 0x12], 0); // INTERRUPT: level, persist 2
        chip.write(&[0x81, 0x12], 0); // TIMING 402 ms 16x
        chip.write(&[0x80, 0x03], 0); // power on
        chip.read(&mut [0u8; 1], cycle + 1);
        assert!(
            !chip.interrupt_pending(),
            "one conversion out of the window"
        );
        chip.read(&mut [0u8; 1], 2 * cycle + 1);
        assert!(chip.interrupt_pending(), "two in a row");
        chip.write(&[0xC0], 2 * cycle + 2); // CLEAR
        assert!(!chip.interrupt_pending());
        // In the window (1200 below a high threshold of 5000): no interrupt.
        chip.write(&[0xA4, 0x88, 0x13], 2 * cycle + 3);
        chip.read(&mut [0u8; 1], 6 * cycle);
        assert!(!chip.interrupt_pending());
        // PERSIST 0: after every conversion, whatever the thresholds.
        chip.write(&[0x86, 0x10], 6 * cycle + 1);
        chip.read(&mut [0u8; 1], 7 * cycle + 10);
        assert!(chip.interrupt_pending());
    }
}
