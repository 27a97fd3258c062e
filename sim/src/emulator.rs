//! The emulated i2c-dev adapters: open descriptors and their slave addresses, the
//! devices of the scene, transfers with their bus time, fault injection and the
//! per-device trace.

use std::collections::HashMap;
use std::os::raw::c_int;

use serde_json::{json, Value};

use crate::clock;
use crate::models::ht16k33::Ht16k33Model;
use crate::models::tsl2561::Tsl2561Model;
use crate::models::tsl2561::Tsl2561State;
use crate::render;
use crate::scene::{Controller, DeviceSpec, Kind, Scene};
use crate::session::{self, BusGuard};

/// How many transfers a device's trace keeps; later ones are only counted
/// (`trace_dropped`), so that long runs (fuzzing) do not grow without bound.
pub const TRACE_LIMIT: usize = 100_000;

/// One I2C message of a transfer.
pub enum Message<'a> {
    /// Master writes these bytes.
    Write(&'a [u8]),
    /// Master reads into this buffer.
    Read(&'a mut [u8]),
}

impl Message<'_> {
    fn len(&self) -> usize {
        match self {
            Message::Write(bytes) => bytes.len(),
            Message::Read(buffer) => buffer.len(),
        }
    }
}

/// How a transfer ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Every byte moved.
    Complete,
    /// The read delivered only this many bytes (the `short_read` fault).
    ShortRead(usize),
}

enum Model {
    Tsl2561(Tsl2561Model),
    Ht16k33(Ht16k33Model),
}

/// What the bus counts of a device, for the report and the faults.
#[derive(Debug, Clone, Copy)]
struct Counts {
    transfers: u64,
    read_transfers: u64,
    bytes: u64,
    /// Time the bus was busy with transfers to this device, in ns.
    bus_ns: u64,
    errors: u64,
    trace_dropped: u64,
    /// State of the random-fault generator (xorshift64*).
    random_state: u64,
    /// A picture of the display has been drawn (it is shown again at the end).
    pictured: bool,
}

/// A device's state as the session's processes share it ([`crate::session::Bus`]).
#[derive(Debug, Clone, Copy)]
pub struct SavedDevice {
    counts: Counts,
    chip: SavedChip,
}

#[derive(Debug, Clone, Copy)]
enum SavedChip {
    Tsl2561(Tsl2561State),
    Ht16k33(Ht16k33Model),
}

struct Device {
    spec: DeviceSpec,
    model: Model,
    counts: Counts,
    /// This process's transfers to the device.
    trace: Vec<Value>,
}

impl Device {
    /// Next value of the device's deterministic generator, uniform in [0, 1).
    fn next_random(&mut self) -> f64 {
        let mut x = self.counts.random_state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.counts.random_state = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The random fault of this transfer, if the scene asks for random faults: a
    /// missing acknowledge (`no_answer`) or EIO.
    fn random_fault(&mut self, no_answer: c_int) -> Option<c_int> {
        let rate = self.spec.faults.random_error_rate?;
        if self.next_random() < rate {
            Some(if self.next_random() < 0.5 {
                no_answer
            } else {
                libc::EIO
            })
        } else {
            None
        }
    }
}

/// What an open file description of an emulated adapter remembers (the kernel's
/// i2c_client). Descriptors duplicated with `dup` and friends share one, as in the
/// kernel: `I2C_SLAVE` on one changes the address for all of them.
#[derive(Debug, Clone, Copy)]
struct OpenAdapter {
    bus: u32,
    address: u16,
}

/// The whole emulated I2C world of this process.
pub struct Emulator {
    bus_hz: u64,
    controller: Controller,
    devices: Vec<Device>,
    /// Each open descriptor and the open file description it refers to.
    open: HashMap<c_int, u64>,
    /// The open file descriptions, by number (never reused).
    descriptions: HashMap<u64, OpenAdapter>,
    next_description: u64,
    removed_buses: Vec<u32>,
    show: bool,
    /// Draw only each display's last picture, when the program exits (standard error is
    /// not a terminal: a log or a pipe gets the end state, not every frame).
    show_at_exit: bool,
    /// Where to write SVG pictures of the displays (`LIGHTSEG_SIM_SVG`).
    svg: Option<std::ffi::OsString>,
    /// The picture last drawn of each bus's backpacks of one kind.
    drawn: HashMap<String, String>,
    /// The session's count of bus saves when this process last loaded or saved it.
    seen: u64,
}

fn errno_name(errno: c_int) -> &'static str {
    match errno {
        libc::EREMOTEIO => "EREMOTEIO",
        libc::ENXIO => "ENXIO",
        libc::EIO => "EIO",
        libc::ENODEV => "ENODEV",
        libc::EINVAL => "EINVAL",
        libc::EPROTO => "EPROTO",
        _ => "error",
    }
}

/// Bits on the wire for these messages: per message a START (or repeated START), the
/// address byte and the data bytes at 9 bits each (with ACK), plus one STOP.
pub fn transfer_bits(message_lengths: &[usize]) -> u64 {
    message_lengths
        .iter()
        .map(|len| 1 + 9 * (1 + *len as u64))
        .sum::<u64>()
        + 1
}

impl Emulator {
    /// Builds the devices of `scene`; `show` draws displays in the terminal.
    pub fn new(scene: &Scene, show: bool) -> Self {
        let devices = scene
            .devices
            .iter()
            .map(|spec| Device {
                model: match spec.kind {
                    Kind::Tsl2561 => {
                        let mut chip =
                            Tsl2561Model::new(spec.light(), spec.oscillator_khz, spec.id);
                        chip.set_timing_at_start(spec.timing);
                        if spec.powered {
                            chip = chip.left_converting(spec.timing);
                        }
                        Model::Tsl2561(chip)
                    }
                    Kind::Ht16k33 => {
                        let mut ram = [0u8; 16];
                        if let Some(preset) = &spec.ram {
                            ram.copy_from_slice(preset);
                        }
                        let mut chip = Ht16k33Model::with_ram(ram, spec.ram_pointer);
                        chip.set_dimming_at_start(spec.brightness);
                        if spec.display_on {
                            chip = chip.left_on(spec.brightness, spec.blink);
                        }
                        Model::Ht16k33(chip)
                    }
                },
                spec: spec.clone(),
                counts: Counts {
                    transfers: 0,
                    read_transfers: 0,
                    bytes: 0,
                    bus_ns: 0,
                    errors: 0,
                    trace_dropped: 0,
                    random_state: spec.faults.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
                    pictured: false,
                },
                trace: Vec::new(),
            })
            .collect();
        Self {
            bus_hz: u64::from(scene.bus_khz) * 1000,
            controller: scene.controller,
            devices,
            open: HashMap::new(),
            descriptions: HashMap::new(),
            next_description: 0,
            removed_buses: Vec::new(),
            show,
            show_at_exit: false,
            svg: std::env::var_os("LIGHTSEG_SIM_SVG").filter(|dir| !dir.is_empty()),
            drawn: HashMap::new(),
            seen: 0,
        }
    }

    /// Takes the chips' state from the session's bus, if another process has changed
    /// it since this one last looked (a program that has the bus to itself never
    /// copies anything in).
    fn load(&mut self, guard: &mut BusGuard) {
        if !guard.changed_since(self.seen) {
            return;
        }
        let bus = guard.bus();
        for (index, device) in self.devices.iter_mut().enumerate().take(session::DEVICES) {
            if !bus.saved[index] {
                continue;
            }
            // SAFETY: `saved[index]` is set only after `devices[index]` was written, by
            // this build (the session's layout check), for this scene (its key).
            let saved = unsafe { bus.devices[index].assume_init() };
            device.counts = saved.counts;
            match (&mut device.model, saved.chip) {
                (Model::Tsl2561(chip), SavedChip::Tsl2561(state)) => chip.set_state(state),
                (Model::Ht16k33(chip), SavedChip::Ht16k33(state)) => *chip = state,
                _ => {}
            }
        }
        let removed = bus.removed_count.min(session::REMOVED_BUSES);
        self.removed_buses = bus.removed[..removed].to_vec();
        self.seen = guard.generation();
    }

    /// Puts device `index`'s state, and the buses removed, on the session's bus.
    fn save(&mut self, guard: &mut BusGuard, index: Option<usize>) {
        let bus = guard.bus();
        if let Some(device) = index.and_then(|index| self.devices.get(index)) {
            let chip = match &device.model {
                Model::Tsl2561(chip) => SavedChip::Tsl2561(chip.state()),
                Model::Ht16k33(chip) => SavedChip::Ht16k33(*chip),
            };
            if let Some(slot) = index.filter(|index| *index < session::DEVICES) {
                bus.devices[slot].write(SavedDevice {
                    counts: device.counts,
                    chip,
                });
                bus.saved[slot] = true;
            }
        }
        let removed = self.removed_buses.len().min(session::REMOVED_BUSES);
        bus.removed[..removed].copy_from_slice(&self.removed_buses[..removed]);
        bus.removed_count = removed;
        self.seen = guard.saved();
    }

    /// Brings this process's copy of the chips up to date with the session's bus.
    fn refresh(&mut self) {
        if let Some(mut guard) = BusGuard::if_shared() {
            self.load(&mut guard);
        }
    }

    fn device_index(&self, bus: u32, address: u16) -> Option<usize> {
        self.devices
            .iter()
            .position(|d| d.spec.bus == bus && u16::from(d.spec.address) == address)
    }

    fn bus_exists(&self, bus: u32) -> bool {
        !self.removed_buses.contains(&bus) && self.devices.iter().any(|d| d.spec.bus == bus)
    }

    /// Whether `/dev/i2c-<bus>` may be opened: ENOENT when there is no such bus, EACCES
    /// when a device on it asks for that fault.
    pub fn check_open(&mut self, bus: u32) -> Result<(), c_int> {
        self.refresh();
        if !self.bus_exists(bus) {
            return Err(libc::ENOENT);
        }
        let denied = self
            .devices
            .iter()
            .any(|d| d.spec.bus == bus && d.spec.faults.eacces_on_open);
        if denied {
            return Err(libc::EACCES);
        }
        Ok(())
    }

    /// Records a new descriptor of `bus`, a new open file description (slave address 0
    /// until `I2C_SLAVE`).
    pub fn register(&mut self, fd: c_int, bus: u32) {
        let description = self.next_description;
        self.next_description += 1;
        self.descriptions
            .insert(description, OpenAdapter { bus, address: 0 });
        self.open.insert(fd, description);
    }

    /// Records `copy` as a duplicate of `fd` (same open file description); false when
    /// `fd` is not one of ours.
    pub fn duplicate(&mut self, fd: c_int, copy: c_int) -> bool {
        match self.open.get(&fd).copied() {
            Some(description) => {
                self.open.insert(copy, description);
                true
            }
            None => false,
        }
    }

    /// Forgets a descriptor (and its open file description with its last descriptor);
    /// true when it was one of ours.
    pub fn unregister(&mut self, fd: c_int) -> bool {
        let Some(description) = self.open.remove(&fd) else {
            return false;
        };
        if !self.open.values().any(|other| *other == description) {
            self.descriptions.remove(&description);
        }
        true
    }

    fn adapter(&self, fd: c_int) -> Option<OpenAdapter> {
        let description = self.open.get(&fd)?;
        self.descriptions.get(description).copied()
    }

    /// The controller behind every bus.
    pub fn controller(&self) -> Controller {
        self.controller
    }

    /// Whether `fd` is an emulated adapter.
    pub fn owns(&self, fd: c_int) -> bool {
        self.open.contains_key(&fd)
    }

    /// `I2C_SLAVE` / `I2C_SLAVE_FORCE`.
    pub fn set_slave(&mut self, fd: c_int, address: u64, force: bool) -> Result<(), c_int> {
        if address > 0x7F {
            return Err(libc::EINVAL);
        }
        let Some(adapter) = self.adapter(fd) else {
            return Err(libc::EBADF);
        };
        let busy = self.devices.iter().any(|d| {
            d.spec.bus == adapter.bus
                && u64::from(d.spec.address) == address
                && d.spec.faults.ebusy_on_slave
        });
        if busy && !force {
            return Err(libc::EBUSY);
        }
        if let Some(entry) = self
            .open
            .get(&fd)
            .and_then(|description| self.descriptions.get_mut(description))
        {
            entry.address = address as u16;
        }
        Ok(())
    }

    /// Bus and slave address of a descriptor.
    pub fn target(&self, fd: c_int) -> Option<(u32, u16)> {
        self.adapter(fd).map(|a| (a.bus, a.address))
    }

    fn bits_to_ns(&self, bits: u64) -> u64 {
        (bits * 1_000_000_000).div_ceil(self.bus_hz)
    }

    /// One transfer (START ... STOP) on `bus` to `address`. `op` names it in the trace.
    /// The session's bus is held meanwhile: another process's transfer comes before or
    /// after it, as the kernel's adapter lock orders them.
    pub fn transfer(
        &mut self,
        bus: u32,
        address: u16,
        op: &'static str,
        messages: &mut [Message<'_>],
    ) -> Result<Completion, c_int> {
        let mut guard = BusGuard::if_shared();
        if let Some(guard) = guard.as_mut() {
            self.load(guard);
        }
        let result = self.transfer_held(bus, address, op, messages);
        if let Some(guard) = guard.as_mut() {
            let index = self.device_index(bus, address);
            self.save(guard, index);
        }
        result
    }

    fn transfer_held(
        &mut self,
        bus: u32,
        address: u16,
        op: &'static str,
        messages: &mut [Message<'_>],
    ) -> Result<Completion, c_int> {
        crate::interpose::count_transfer();
        if self.removed_buses.contains(&bus) {
            return Err(libc::ENODEV);
        }
        let lengths: Vec<usize> = messages.iter().map(Message::len).collect();
        let Some(index) = self.device_index(bus, address) else {
            // Nobody acknowledges the address byte.
            clock::advance(self.bits_to_ns(transfer_bits(&[0])));
            return Err(self.controller.no_answer());
        };
        let start = clock::now_ns();
        let reads = messages.iter().any(|m| matches!(m, Message::Read(_)));
        let device = &mut self.devices[index];
        device.counts.transfers += 1;
        if reads {
            device.counts.read_transfers += 1;
        }
        let no_answer = self.controller.no_answer();
        let random_fault = device.random_fault(no_answer);
        let faults = &device.spec.faults;
        let nth = device.counts.transfers;
        let nth_read = device.counts.read_transfers;
        let fault = if faults.absent || faults.nack_on_transfer == Some(nth) {
            Some(no_answer)
        } else if reads && faults.eio_on_read == Some(nth_read) {
            Some(libc::EIO)
        } else {
            random_fault
        };
        let short = reads && faults.short_read == Some(nth_read);
        let removes_bus = faults.bus_removed_after.is_some_and(|after| nth >= after);

        let result = match fault {
            Some(errno) => {
                clock::advance(self.bits_to_ns(transfer_bits(&[0])));
                Err(errno)
            }
            None if short && op != "read" => {
                clock::advance(self.bits_to_ns(transfer_bits(&lengths)));
                Err(libc::EIO)
            }
            None => {
                let completion = self.run_messages(index, start, messages, short);
                clock::advance(self.bits_to_ns(transfer_bits(&lengths)));
                Ok(completion)
            }
        };
        let end = clock::now_ns();
        self.devices[index].counts.bus_ns += end - start;
        self.record(index, start, op, messages, result);
        if removes_bus && !self.removed_buses.contains(&bus) {
            self.removed_buses.push(bus);
        }
        result
    }

    fn run_messages(
        &mut self,
        index: usize,
        start: u64,
        messages: &mut [Message<'_>],
        short: bool,
    ) -> Completion {
        let bus_hz = self.bus_hz;
        let at = |bits: u64| start + (bits * 1_000_000_000).div_ceil(bus_hz);
        let mut bits = 0u64;
        let mut completion = Completion::Complete;
        let mut display_changed = false;
        let device = &mut self.devices[index];
        for message in messages.iter_mut() {
            bits += 1 + 9;
            match message {
                Message::Write(bytes) => {
                    bits += 9 * bytes.len() as u64;
                    match &mut device.model {
                        Model::Tsl2561(chip) => chip.write(bytes, at(bits)),
                        Model::Ht16k33(chip) => display_changed |= chip.write(bytes),
                    }
                }
                Message::Read(buffer) => {
                    let wanted = buffer.len();
                    let delivered = if short {
                        wanted.saturating_sub(1)
                    } else {
                        wanted
                    };
                    let target = &mut buffer[..delivered];
                    match &mut device.model {
                        Model::Tsl2561(chip) => chip.read(target, at(bits)),
                        Model::Ht16k33(chip) => chip.read(target),
                    }
                    bits += 9 * wanted as u64;
                    if short {
                        completion = Completion::ShortRead(delivered);
                    }
                }
            }
        }
        if display_changed && (self.show || self.svg.is_some()) {
            self.draw(index);
        }
        completion
    }

    /// Draws only each display's last picture, at exit ([`Emulator::show_last_pictures`]).
    pub fn show_at_exit(&mut self) {
        self.show_at_exit = true;
    }

    /// At the session's end, with [`Emulator::show_at_exit`]: the last picture of each
    /// display a process of the session drew, in bus and kind order.
    pub fn show_last_pictures(&mut self) {
        if !(self.show && self.show_at_exit) {
            return;
        }
        self.refresh();
        let mut groups: Vec<(u32, crate::backpacks::Backpack)> = self
            .devices
            .iter()
            .filter(|d| d.counts.pictured)
            .map(|d| (d.spec.bus, d.spec.backpack.unwrap_or_default()))
            .collect();
        groups.sort_by_key(|(bus, backpack)| (*bus, backpack.name()));
        groups.dedup();
        for (bus, backpack) in groups {
            let (key, picture) = self.picture_of(bus, backpack);
            render::show(&key, &picture);
        }
    }

    /// The picture of the backpacks of one kind on `bus` (a chain is one picture), and
    /// its key ("bus/kind").
    fn picture_of(&self, bus: u32, backpack: crate::backpacks::Backpack) -> (String, String) {
        let mut members: Vec<(u8, &Ht16k33Model)> = self
            .devices
            .iter()
            .filter(|d| d.spec.bus == bus && d.spec.backpack.unwrap_or_default() == backpack)
            .filter_map(|d| match &d.model {
                Model::Ht16k33(chip) => Some((d.spec.address, chip)),
                Model::Tsl2561(_) => None,
            })
            .collect();
        members.sort_by_key(|(address, _)| *address);
        let picture = render::picture(bus, backpack, &members);
        (format!("{bus}/{}", backpack.name()), picture)
    }

    /// Draws the display of device `index` with the other backpacks of its kind on its
    /// bus (a chain is drawn as one picture), when what they show has changed.
    fn draw(&mut self, index: usize) {
        let (bus, backpack) = {
            let spec = &self.devices[index].spec;
            (spec.bus, spec.backpack.unwrap_or_default())
        };
        let (key, picture) = self.picture_of(bus, backpack);
        let last = self.drawn.get(&key).cloned().unwrap_or_default();
        let worth_drawing = !last.is_empty()
            || self.devices.iter().any(|d| {
                d.spec.bus == bus
                    && d.spec.backpack.unwrap_or_default() == backpack
                    && matches!(&d.model, Model::Ht16k33(chip) if render::shows_something(chip))
            });
        if picture == last || !worth_drawing {
            return;
        }
        self.devices[index].counts.pictured = true;
        if self.show && !self.show_at_exit {
            render::show(&key, &picture);
        }
        if let Some(directory) = &self.svg {
            let device = &self.devices[index];
            if let Model::Ht16k33(chip) = &device.model {
                render::write_svg(directory, bus, device.spec.address, backpack, chip);
            }
        }
        self.drawn.insert(key, picture);
    }

    fn record(
        &mut self,
        index: usize,
        start: u64,
        op: &'static str,
        messages: &[Message<'_>],
        result: Result<Completion, c_int>,
    ) {
        let device = &mut self.devices[index];
        let mut written = Vec::new();
        let mut read = Vec::new();
        for message in messages {
            match message {
                Message::Write(bytes) => written.extend_from_slice(bytes),
                Message::Read(buffer) => read.extend_from_slice(buffer),
            }
        }
        let outcome = match result {
            Ok(Completion::Complete) => "ok".to_string(),
            Ok(Completion::ShortRead(n)) => {
                read.truncate(n);
                "short".to_string()
            }
            Err(errno) => {
                device.counts.errors += 1;
                read.clear();
                errno_name(errno).to_string()
            }
        };
        if result.is_ok() {
            device.counts.bytes += (written.len() + read.len()) as u64;
        }
        if device.trace.len() >= TRACE_LIMIT {
            device.counts.trace_dropped += 1;
            return;
        }
        device.trace.push(json!({
            "t_ns": start,
            "pid": session::pid(),
            "op": op,
            "write": written,
            "read": read,
            "result": outcome,
        }));
    }

    /// This process's transfers to each device (taken: written to the session
    /// directory at exit, for the session's report).
    /// A forked child's copy of its parent's trace is left out: the parent reports it.
    pub fn take_trace(&mut self) -> Value {
        let pid = session::pid();
        let devices: Vec<Value> = self
            .devices
            .iter_mut()
            .map(|device| {
                let mut trace = std::mem::take(&mut device.trace);
                trace.retain(|entry| entry["pid"] == pid);
                Value::Array(trace)
            })
            .collect();
        json!({ "pid": pid, "devices": devices })
    }

    /// The JSON report of every device: its state on the session's bus, and the
    /// transfers of this process and of the `others` ([`Emulator::take_trace`]), in time
    /// order (a process's own in the order it made them).
    pub fn report(&mut self, others: &[Value]) -> Value {
        self.refresh();
        let now = clock::now_ns();
        let transferred = |other: &&Value| {
            other["devices"].as_array().is_some_and(|devices| {
                devices
                    .iter()
                    .any(|d| d.as_array().is_some_and(|t| !t.is_empty()))
            })
        };
        let mut processes: Vec<u64> = others
            .iter()
            .filter(transferred)
            .filter_map(|o| o["pid"].as_u64())
            .collect();
        if self.devices.iter().any(|d| !d.trace.is_empty()) {
            processes.push(u64::from(session::pid()));
        }
        processes.sort_unstable();
        processes.dedup();
        let devices: Vec<Value> = self
            .devices
            .iter_mut()
            .enumerate()
            .map(|(index, device)| {
                let mut trace = device.trace.clone();
                for other in others {
                    if let Some(entries) = other["devices"][index].as_array() {
                        trace.extend(entries.iter().cloned());
                    }
                }
                if !others.is_empty() {
                    trace.sort_by_key(|entry| (entry["t_ns"].as_u64(), entry["pid"].as_u64()));
                }
                let counts = device.counts;
                let mut entry = json!({
                    "bus": device.spec.bus,
                    "address": device.spec.address,
                    "kind": device.spec.kind.name(),
                    "transfers": counts.transfers,
                    "bytes": counts.bytes,
                    "bus_ns": counts.bus_ns,
                    "errors": counts.errors,
                    "trace": trace,
                    "trace_dropped": counts.trace_dropped,
                });
                let model = match &mut device.model {
                    Model::Tsl2561(chip) => chip.report(now),
                    Model::Ht16k33(chip) => {
                        let backpack = device.spec.backpack.unwrap_or_default();
                        let mut report = chip.report();
                        if let Value::Object(fields) = &mut report {
                            fields.insert("backpack".into(), backpack.name().into());
                            let shows = crate::backpacks::shows(backpack, &chip.ram(), chip.lit());
                            fields.insert("shows".into(), shows.into());
                        }
                        report
                    }
                };
                if let (Some(entry), Value::Object(model)) = (entry.as_object_mut(), model) {
                    entry.extend(model);
                }
                entry
            })
            .collect();
        json!({ "virtual_ns": clock::now_ns(), "processes": processes, "devices": devices })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Faults;

    fn scene(faults: Faults) -> Scene {
        let mut scene = Scene::default_scene();
        scene.devices[1].faults = faults;
        scene
    }

    #[test]
    fn chips_start_as_an_earlier_program_left_them() {
        let text = "[[device]]\nbus = 1\naddress = 0x39\nkind = \"tsl2561\"\n\
            broadband = 1200\ninfrared = 300\npowered = true\ntiming = 0x12\n\
            [[device]]\nbus = 1\naddress = 0x29\nkind = \"tsl2561\"\n\
            broadband = 1200\ninfrared = 300\n\
            [[device]]\nbus = 1\naddress = 0x70\nkind = \"ht16k33\"\n\
            ram = [6, 0, 91, 0, 2, 0, 79, 0, 102, 0, 0, 0, 0, 0, 0, 0]\n\
            display_on = true\nbrightness = 4\nblink = 2\n";
        let mut emulator = Emulator::new(&Scene::parse(text).expect("scene"), false);
        // A word read of DATA0 (command 0xAC) at once: the sensor left converting at
        // 402 ms and 16x has the scene's counts; one left alone has none.
        let mut read_data = |address| {
            let mut buffer = [0u8; 2];
            let mut read = [Message::Write(&[0xAC]), Message::Read(&mut buffer)];
            emulator
                .transfer(1, address, "smbus", &mut read)
                .expect("read");
            u16::from_le_bytes(buffer)
        };
        assert_eq!(read_data(0x39), 1200);
        assert_eq!(read_data(0x29), 0);
        let report = emulator.report(&[]);
        assert_eq!(report["devices"][0]["powered"], true);
        assert_eq!(report["devices"][0]["stale_reads"], 0);
        assert_eq!(
            report["devices"][1]["stale_reads"], 1,
            "no conversion to read"
        );
        let display = &report["devices"][2];
        assert_eq!(display["shows"], "12:34");
        assert_eq!(
            (
                &display["display_on"],
                &display["brightness"],
                &display["blink"]
            ),
            (
                &serde_json::json!(true),
                &serde_json::json!(4),
                &serde_json::json!(2)
            )
        );
        for wrong in [
            "kind = \"ht16k33\"\npowered = true",
            "kind = \"tsl2561\"\ndisplay_on = true",
            "kind = \"tsl2561\"\ntiming = 0x40",
            "kind = \"ht16k33\"\nbrightness = 16",
        ] {
            let scene = format!("[[device]]\nbus = 1\naddress = 0x39\n{wrong}\n");
            assert!(Scene::parse(&scene).is_err(), "{wrong}");
        }
    }

    #[test]
    fn bus_time_matches_the_devices_doc() {
        assert_eq!(transfer_bits(&[2]), 29, "TSL write register");
        assert_eq!(transfer_bits(&[1, 2]), 48, "TSL read word");
        assert_eq!(transfer_bits(&[1]), 20, "HT16K33 one-byte command");
        assert_eq!(transfer_bits(&[17]), 164, "HT16K33 16 data bytes");
    }

    #[test]
    fn absent_address_nacks_and_faults_fire_on_their_transfer() {
        let mut emulator = Emulator::new(
            &scene(Faults {
                nack_on_transfer: Some(2),
                eio_on_read: Some(1),
                ..Faults::default()
            }),
            false,
        );
        let mut write = [Message::Write(&[0x80, 0x03])];
        assert_eq!(
            emulator.transfer(1, 0x50, "write", &mut write),
            Err(libc::EREMOTEIO)
        );
        assert_eq!(
            emulator.transfer(1, 0x39, "write", &mut write),
            Ok(Completion::Complete)
        );
        assert_eq!(
            emulator.transfer(1, 0x39, "write", &mut write),
            Err(libc::EREMOTEIO)
        );
        let mut buffer = [0u8; 2];
        let mut read = [Message::Write(&[0xAC]), Message::Read(&mut buffer)];
        assert_eq!(
            emulator.transfer(1, 0x39, "smbus", &mut read),
            Err(libc::EIO)
        );
        assert_eq!(
            emulator.transfer(1, 0x39, "smbus", &mut read),
            Ok(Completion::Complete)
        );
        let report = emulator.report(&[]);
        assert_eq!(report["devices"][1]["transfers"], 4);
        assert_eq!(report["devices"][1]["errors"], 2);
    }

    #[test]
    fn bus_removal_and_open_faults() {
        let mut emulator = Emulator::new(
            &scene(Faults {
                bus_removed_after: Some(1),
                ..Faults::default()
            }),
            false,
        );
        assert_eq!(emulator.check_open(1), Ok(()));
        assert_eq!(emulator.check_open(2), Err(libc::ENOENT));
        let mut write = [Message::Write(&[0x80, 0x03])];
        assert!(emulator.transfer(1, 0x39, "write", &mut write).is_ok());
        assert_eq!(
            emulator.transfer(1, 0x39, "write", &mut write),
            Err(libc::ENODEV)
        );
        assert_eq!(emulator.check_open(1), Err(libc::ENOENT));

        let mut denied = Emulator::new(
            &scene(Faults {
                eacces_on_open: true,
                ebusy_on_slave: true,
                ..Faults::default()
            }),
            false,
        );
        assert_eq!(denied.check_open(1), Err(libc::EACCES));
        let mut busy = Emulator::new(
            &scene(Faults {
                ebusy_on_slave: true,
                ..Faults::default()
            }),
            false,
        );
        busy.register(5, 1);
        assert_eq!(busy.set_slave(5, 0x39, false), Err(libc::EBUSY));
        assert_eq!(busy.set_slave(5, 0x39, true), Ok(()));
        assert_eq!(busy.set_slave(5, 0x80, true), Err(libc::EINVAL));
    }

    #[test]
    fn each_controller_reports_a_missing_acknowledge_its_own_way() {
        for (controller, errno) in [
            (Controller::Bcm2835, libc::EREMOTEIO),
            (Controller::Generic, libc::ENXIO),
            (Controller::I2cStub, libc::ENODEV),
        ] {
            let mut scene = scene(Faults {
                nack_on_transfer: Some(1),
                ..Faults::default()
            });
            scene.controller = controller;
            let mut emulator = Emulator::new(&scene, false);
            let mut write = [Message::Write(&[0x80, 0x03])];
            assert_eq!(emulator.transfer(1, 0x50, "write", &mut write), Err(errno));
            assert_eq!(emulator.transfer(1, 0x39, "write", &mut write), Err(errno));
        }
    }

    #[test]
    fn duplicated_descriptors_share_one_open_file_description() {
        let mut emulator = Emulator::new(&scene(Faults::default()), false);
        emulator.register(5, 1);
        emulator.register(6, 1);
        assert!(emulator.duplicate(5, 7));
        assert!(!emulator.duplicate(8, 9), "not ours");
        assert_eq!(emulator.set_slave(7, 0x39, false), Ok(()));
        assert_eq!(emulator.target(5), Some((1, 0x39)), "I2C_SLAVE on the copy");
        assert_eq!(emulator.target(6), Some((1, 0)), "another open is apart");
        assert!(emulator.unregister(7));
        assert_eq!(emulator.target(5), Some((1, 0x39)), "outlives the copy");
        assert!(emulator.unregister(5));
        assert_eq!(emulator.target(5), None);
        assert!(emulator.descriptions.len() == 1, "the last close frees it");
    }

    #[test]
    fn random_faults_are_deterministic_and_follow_the_rate() {
        let failures = |seed| {
            let mut emulator = Emulator::new(
                &scene(Faults {
                    random_error_rate: Some(0.25),
                    seed,
                    ..Faults::default()
                }),
                false,
            );
            (0..400)
                .map(|_| {
                    let mut write = [Message::Write(&[0x80, 0x03])];
                    emulator.transfer(1, 0x39, "write", &mut write).is_err()
                })
                .collect::<Vec<bool>>()
        };
        let first = failures(7);
        assert_eq!(first, failures(7));
        assert_ne!(first, failures(8));
        let count = first.iter().filter(|f| **f).count();
        assert!((60..=140).contains(&count), "{count} of 400 at rate 0.25");
    }

    #[test]
    fn the_trace_is_bounded_but_everything_is_counted() {
        let mut emulator = Emulator::new(&scene(Faults::default()), false);
        for _ in 0..TRACE_LIMIT + 5 {
            let mut write = [Message::Write(&[0x80, 0x00])];
            assert!(emulator.transfer(1, 0x39, "write", &mut write).is_ok());
        }
        let report = emulator.report(&[]);
        let device = &report["devices"][1];
        assert_eq!(device["trace"].as_array().map(Vec::len), Some(TRACE_LIMIT));
        assert_eq!(device["trace_dropped"], 5);
        assert_eq!(device["transfers"], TRACE_LIMIT as u64 + 5);
        assert_eq!(device["bytes"], 2 * (TRACE_LIMIT as u64 + 5));
    }

    #[test]
    fn short_read_delivers_fewer_bytes_on_raw_reads_and_eio_otherwise() {
        let mut emulator = Emulator::new(
            &scene(Faults {
                short_read: Some(1),
                ..Faults::default()
            }),
            false,
        );
        let mut buffer = [0u8; 2];
        let mut read = [Message::Read(&mut buffer)];
        assert_eq!(
            emulator.transfer(1, 0x39, "read", &mut read),
            Ok(Completion::ShortRead(1))
        );
        let mut other = Emulator::new(
            &scene(Faults {
                short_read: Some(1),
                ..Faults::default()
            }),
            false,
        );
        let mut buffer = [0u8; 2];
        let mut read = [Message::Write(&[0xAC]), Message::Read(&mut buffer)];
        assert_eq!(other.transfer(1, 0x39, "smbus", &mut read), Err(libc::EIO));
    }
}
