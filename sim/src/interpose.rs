//! The libc functions this library replaces when loaded with `LD_PRELOAD`. Calls on
//! `/dev/i2c-<n>` and on the descriptors handed out for them go to the emulator;
//! everything else goes to the real libc. Sleeps and clocks use the virtual clock.
//!
//! C declares `open` and `ioctl` variadic; on the Linux ABIs this library supports
//! (x86-64, AArch64, 32-bit ARM) a variadic argument travels exactly like a fixed one,
//! so they are defined here with their optional argument spelled out.
//!
//! Every function here has the contract of the libc function it replaces.
#![allow(clippy::missing_safety_doc)]

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_ulong, c_void};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use crate::emulator::{Completion, Emulator, Message};
use crate::real::{self, fail};
use crate::scene::Scene;

const I2C_RETRIES: c_ulong = 0x0701;
const I2C_TIMEOUT: c_ulong = 0x0702;
const I2C_SLAVE: c_ulong = 0x0703;
const I2C_TENBIT: c_ulong = 0x0704;
const I2C_FUNCS: c_ulong = 0x0705;
const I2C_SLAVE_FORCE: c_ulong = 0x0706;
const I2C_RDWR: c_ulong = 0x0707;
const I2C_PEC: c_ulong = 0x0708;
const I2C_SMBUS: c_ulong = 0x0720;

const I2C_SMBUS_READ: u8 = 1;
const I2C_SMBUS_WRITE: u8 = 0;
const I2C_SMBUS_QUICK: u32 = 0;
const I2C_SMBUS_BYTE: u32 = 1;
const I2C_SMBUS_BYTE_DATA: u32 = 2;
const I2C_SMBUS_WORD_DATA: u32 = 3;
const I2C_SMBUS_PROC_CALL: u32 = 4;
const I2C_SMBUS_BLOCK_DATA: u32 = 5;
const I2C_SMBUS_I2C_BLOCK_BROKEN: u32 = 6;
const I2C_SMBUS_BLOCK_PROC_CALL: u32 = 7;
const I2C_SMBUS_I2C_BLOCK_DATA: u32 = 8;
const I2C_SMBUS_BLOCK_MAX: usize = 32;
const I2C_M_RD: u16 = 0x0001;
const I2C_RDWR_IOCTL_MAX_MSGS: u32 = 42;
/// The kernel caps one raw read or write at this many bytes.
const MAX_RAW_TRANSFER: usize = 8192;

/// `struct i2c_smbus_ioctl_data`.
#[repr(C)]
struct SmbusIoctlData {
    read_write: u8,
    command: u8,
    size: u32,
    data: *mut [u8; I2C_SMBUS_BLOCK_MAX + 2],
}

/// `struct i2c_msg`.
#[repr(C)]
struct I2cMsg {
    addr: u16,
    flags: u16,
    len: u16,
    buf: *mut u8,
}

/// `struct i2c_rdwr_ioctl_data`.
#[repr(C)]
struct RdwrIoctlData {
    msgs: *mut I2cMsg,
    nmsgs: u32,
}

static EMULATOR: OnceLock<Mutex<Emulator>> = OnceLock::new();
/// Whether this process (not a parent it was forked from) has opened an emulated
/// adapter or sent a transfer: only then does it write a report at exit.
static TOUCHED: AtomicBool = AtomicBool::new(false);
/// Transfers that reached the emulated bus in this process (see
/// [`lightseg_sim_transfers`]).
static TRANSFERS: AtomicU64 = AtomicU64::new(0);

/// Notes that this process uses the emulated bus.
fn touch() {
    TOUCHED.store(true, Ordering::Relaxed);
    crate::session::touch();
}

/// Whether this process has used the emulated bus (so it has a report to write).
pub fn touched() -> bool {
    TOUCHED.load(Ordering::Relaxed)
}

/// A forked child starts untouched: the report is its parent's until it uses the bus
/// itself.
pub fn forget_touch_in_child() {
    TOUCHED.store(false, Ordering::Relaxed);
}

/// Counts one transfer that reached the emulated bus (answered or not).
pub fn count_transfer() {
    TRANSFERS.fetch_add(1, Ordering::Relaxed);
}

/// The number of transfers this process has put on the emulated bus so far, answered
/// or not (every SMBus or I2C_RDWR ioctl and raw read or write that got past the
/// descriptor checks). A program under test finds it with
/// `dlsym(RTLD_DEFAULT, "lightseg_sim_transfers")` to check that a call sent nothing.
#[no_mangle]
pub extern "C" fn lightseg_sim_transfers() -> u64 {
    TRANSFERS.load(Ordering::Relaxed)
}
/// Set when the scene could not be read or parsed: there is no emulator to report on.
static SCENE_FAILED: AtomicBool = AtomicBool::new(false);
/// Fast check for the descriptors below this bound, without taking the lock.
const FAST_FDS: usize = 1024;
static EMULATED_FD: [AtomicBool; FAST_FDS] = [const { AtomicBool::new(false) }; FAST_FDS];
static HIGH_FD_IN_USE: AtomicBool = AtomicBool::new(false);

fn emulator() -> MutexGuard<'static, Emulator> {
    let mutex = EMULATOR.get_or_init(|| match Scene::from_environment() {
        Ok(scene) => {
            let setting = std::env::var_os("LIGHTSEG_SIM_SHOW");
            let show = setting.as_ref().is_some_and(|v| v == "1" || v == "all");
            let mut emulator = Emulator::new(&scene, show);
            // SAFETY: isatty only inspects the descriptor.
            if setting.is_some_and(|v| v == "1") && unsafe { libc::isatty(2) } != 1 {
                emulator.show_at_exit();
            }
            Mutex::new(emulator)
        }
        Err(message) => {
            real::write_all(
                2,
                format!("lightseg-sim: scene error: {message}\n").as_bytes(),
            );
            // The exit handlers run inside this initialisation: the report writer must
            // not ask for the emulator again (it would wait for this very call).
            SCENE_FAILED.store(true, Ordering::Release);
            if crate::exiting() {
                // Already inside exit(): a second exit() would be undefined behaviour.
                // SAFETY: _exit ends the process at once; nothing is left to run.
                unsafe { libc::_exit(2) };
            }
            std::process::exit(2);
        }
    });
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether the scene failed to load (the process is exiting with status 2).
pub fn scene_failed() -> bool {
    SCENE_FAILED.load(Ordering::Acquire)
}

/// The emulator, if a program has touched it (for the exit report).
pub fn emulator_if_started() -> Option<MutexGuard<'static, Emulator>> {
    EMULATOR
        .get()
        .map(|m| m.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Starts the emulator now (the exit report then lists every device).
pub fn start() {
    drop(emulator());
}

fn is_emulated(fd: c_int) -> bool {
    match usize::try_from(fd) {
        Ok(index) if index < FAST_FDS => EMULATED_FD[index].load(Ordering::Acquire),
        Ok(_) => {
            HIGH_FD_IN_USE.load(Ordering::Acquire)
                && EMULATOR.get().is_some()
                && emulator().owns(fd)
        }
        Err(_) => false,
    }
}

fn mark(fd: c_int, emulated: bool) {
    match usize::try_from(fd) {
        Ok(index) if index < FAST_FDS => EMULATED_FD[index].store(emulated, Ordering::Release),
        Ok(_) if emulated => HIGH_FD_IN_USE.store(true, Ordering::Release),
        _ => {}
    }
}

/// The bus number of a `/dev/i2c-<n>` path.
fn i2c_bus_of(path: *const c_char) -> Option<u32> {
    if path.is_null() {
        return None;
    }
    // SAFETY: open's path argument is a NUL-terminated string.
    let path = unsafe { CStr::from_ptr(path) }.to_bytes();
    let digits = path.strip_prefix(b"/dev/i2c-")?;
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn open_emulated(bus: u32, flags: c_int) -> c_int {
    touch();
    let mut emulator = emulator();
    if let Err(errno) = emulator.check_open(bus) {
        return fail(errno);
    }
    // A real descriptor (of /dev/null) keeps the number unique in the process.
    // SAFETY: a static NUL-terminated path.
    let fd = unsafe {
        real::open(
            c"/dev/null".as_ptr(),
            libc::O_RDWR | (flags & libc::O_CLOEXEC),
            0,
        )
    };
    if fd >= 0 {
        emulator.register(fd, bus);
        mark(fd, true);
    }
    fd
}

fn open_hook(dirfd: Option<c_int>, path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int {
    if let Some(bus) = i2c_bus_of(path) {
        return open_emulated(bus, flags);
    }
    // SAFETY: forwarding the caller's arguments unchanged.
    unsafe {
        match dirfd {
            None => real::open(path, flags, mode),
            Some(dirfd) => real::openat(dirfd, path, flags, mode),
        }
    }
}

/// `open(2)`.
#[no_mangle]
pub unsafe extern "C" fn open(path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int {
    open_hook(None, path, flags, mode)
}

/// `open64(2)`.
#[no_mangle]
pub unsafe extern "C" fn open64(path: *const c_char, flags: c_int, mode: libc::mode_t) -> c_int {
    open_hook(None, path, flags, mode)
}

/// `openat(2)`.
#[no_mangle]
pub unsafe extern "C" fn openat(
    dirfd: c_int,
    path: *const c_char,
    flags: c_int,
    mode: libc::mode_t,
) -> c_int {
    open_hook(Some(dirfd), path, flags, mode)
}

/// `openat64(2)`.
#[no_mangle]
pub unsafe extern "C" fn openat64(
    dirfd: c_int,
    path: *const c_char,
    flags: c_int,
    mode: libc::mode_t,
) -> c_int {
    open_hook(Some(dirfd), path, flags, mode)
}

/// The `_FORTIFY_SOURCE` variant of `open` (no mode).
#[no_mangle]
pub unsafe extern "C" fn __open_2(path: *const c_char, flags: c_int) -> c_int {
    open_hook(None, path, flags, 0)
}

/// The `_FORTIFY_SOURCE` variant of `open64` (no mode).
#[no_mangle]
pub unsafe extern "C" fn __open64_2(path: *const c_char, flags: c_int) -> c_int {
    open_hook(None, path, flags, 0)
}

/// `close(2)`.
#[no_mangle]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    if is_emulated(fd) {
        mark(fd, false);
        emulator().unregister(fd);
    }
    crate::timers::closed(fd);
    let closed = real::close(fd);
    // Closing a pipe's or socket's end wakes a thread waiting on the other.
    crate::waits::wrote();
    closed
}

/// After a successful duplication of `fd` into `copy`: an emulated adapter's copy
/// shares its open file description.
fn duplicated(fd: c_int, copy: c_int) -> c_int {
    if copy >= 0 && copy != fd && is_emulated(fd) && emulator().duplicate(fd, copy) {
        mark(copy, true);
    }
    copy
}

/// Before `dup2`/`dup3` replace `new_fd`: it is closed, as by `close`.
fn replaced(fd: c_int, new_fd: c_int) {
    if new_fd != fd && is_emulated(new_fd) {
        mark(new_fd, false);
        emulator().unregister(new_fd);
    }
}

/// `dup(2)`: a copy of an emulated adapter's descriptor refers to the same adapter.
#[no_mangle]
pub unsafe extern "C" fn dup(fd: c_int) -> c_int {
    duplicated(fd, real::dup(fd))
}

/// `dup2(2)`.
#[no_mangle]
pub unsafe extern "C" fn dup2(fd: c_int, new_fd: c_int) -> c_int {
    let copy = real::dup2(fd, new_fd);
    if copy >= 0 {
        replaced(fd, new_fd);
    }
    duplicated(fd, copy)
}

/// `dup3(2)`.
#[no_mangle]
pub unsafe extern "C" fn dup3(fd: c_int, new_fd: c_int, flags: c_int) -> c_int {
    let copy = real::dup3(fd, new_fd, flags);
    if copy >= 0 {
        replaced(fd, new_fd);
    }
    duplicated(fd, copy)
}

fn fcntl_result(fd: c_int, command: c_int, result: c_int) -> c_int {
    match command {
        libc::F_DUPFD | libc::F_DUPFD_CLOEXEC => duplicated(fd, result),
        _ => result,
    }
}

/// `fcntl(2)`: `F_DUPFD` and `F_DUPFD_CLOEXEC` duplicate as `dup` does.
#[no_mangle]
pub unsafe extern "C" fn fcntl(fd: c_int, command: c_int, arg: c_ulong) -> c_int {
    fcntl_result(fd, command, real::fcntl(fd, command, arg))
}

/// `fcntl64(2)`, as `fcntl`.
#[no_mangle]
pub unsafe extern "C" fn fcntl64(fd: c_int, command: c_int, arg: c_ulong) -> c_int {
    fcntl_result(fd, command, real::fcntl64(fd, command, arg))
}

fn raw_transfer(fd: c_int, message: Message<'_>, op: &'static str) -> isize {
    touch();
    let mut emulator = emulator();
    let Some((bus, address)) = emulator.target(fd) else {
        return fail(libc::EBADF);
    };
    if !emulator.controller().plain_i2c() {
        return fail(libc::EOPNOTSUPP);
    }
    let wanted = match &message {
        Message::Write(bytes) => bytes.len(),
        Message::Read(buffer) => buffer.len(),
    };
    let mut messages = [message];
    match emulator.transfer(bus, address, op, &mut messages) {
        Ok(Completion::Complete) => wanted as isize,
        Ok(Completion::ShortRead(delivered)) => delivered as isize,
        Err(errno) => fail(errno),
    }
}

/// `read(2)`: on an emulated adapter, one I2C read transfer from the selected slave.
#[no_mangle]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize {
    if !is_emulated(fd) {
        if let Some(read) = crate::timers::read(fd, buf, count) {
            return read;
        }
        return real::read(fd, buf, count);
    }
    let count = count.min(MAX_RAW_TRANSFER);
    if buf.is_null() && count > 0 {
        return fail(libc::EFAULT);
    }
    let buffer: &mut [u8] = if count == 0 {
        &mut []
    } else {
        std::slice::from_raw_parts_mut(buf.cast(), count)
    };
    raw_transfer(fd, Message::Read(buffer), "read")
}

/// The `_FORTIFY_SOURCE` variant of `read`.
#[no_mangle]
pub unsafe extern "C" fn __read_chk(
    fd: c_int,
    buf: *mut c_void,
    count: usize,
    buflen: usize,
) -> isize {
    if count > buflen {
        // What glibc does on a detected overflow.
        std::process::abort();
    }
    read(fd, buf, count)
}

/// `write(2)`: on an emulated adapter, one I2C write transfer to the selected slave.
#[no_mangle]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, count: usize) -> isize {
    if !is_emulated(fd) {
        let written = real::write(fd, buf, count);
        crate::waits::wrote();
        return written;
    }
    let count = count.min(MAX_RAW_TRANSFER);
    if buf.is_null() && count > 0 {
        return fail(libc::EFAULT);
    }
    let bytes: &[u8] = if count == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(buf.cast(), count)
    };
    raw_transfer(fd, Message::Write(bytes), "write")
}

/// The SMBus protocols, as the kernel emulates them with I2C messages.
unsafe fn smbus(fd: c_int, request: &SmbusIoctlData) -> c_int {
    let mut emulator = emulator();
    let Some((bus, address)) = emulator.target(fd) else {
        return fail(libc::EBADF);
    };
    // An SMBus-only controller does only what it implements (the kernel emulates the
    // rest only for controllers that do plain I2C).
    let implemented = match request.size {
        I2C_SMBUS_QUICK => emulator.controller().quick(),
        I2C_SMBUS_BYTE
        | I2C_SMBUS_BYTE_DATA
        | I2C_SMBUS_WORD_DATA
        | I2C_SMBUS_I2C_BLOCK_BROKEN
        | I2C_SMBUS_I2C_BLOCK_DATA => true,
        _ => emulator.controller().plain_i2c(),
    };
    if !implemented {
        return fail(libc::EOPNOTSUPP);
    }
    let rw = request.read_write;
    if rw != I2C_SMBUS_READ && rw != I2C_SMBUS_WRITE {
        return fail(libc::EINVAL);
    }
    let command = request.command;
    let needs_data = !(request.size == I2C_SMBUS_QUICK
        || (request.size == I2C_SMBUS_BYTE && rw == I2C_SMBUS_WRITE));
    if needs_data && request.data.is_null() {
        return fail(libc::EINVAL);
    }
    let mut scratch = [0u8; I2C_SMBUS_BLOCK_MAX + 2];
    let data: &mut [u8; I2C_SMBUS_BLOCK_MAX + 2] = if needs_data {
        &mut *request.data
    } else {
        &mut scratch
    };
    let mut run = |op: &'static str, messages: &mut [Message<'_>]| {
        emulator.transfer(bus, address, op, messages).map(|_| ())
    };
    let result = match (request.size, rw) {
        (I2C_SMBUS_QUICK, I2C_SMBUS_WRITE) => run("smbus_quick", &mut [Message::Write(&[])]),
        (I2C_SMBUS_QUICK, _) => run("smbus_quick", &mut [Message::Read(&mut [])]),
        (I2C_SMBUS_BYTE, I2C_SMBUS_WRITE) => {
            run("smbus_write_byte", &mut [Message::Write(&[command])])
        }
        (I2C_SMBUS_BYTE, _) => run("smbus_read_byte", &mut [Message::Read(&mut data[..1])]),
        (I2C_SMBUS_BYTE_DATA, I2C_SMBUS_WRITE) => run(
            "smbus_write_byte_data",
            &mut [Message::Write(&[command, data[0]])],
        ),
        (I2C_SMBUS_BYTE_DATA, _) => run(
            "smbus_read_byte_data",
            &mut [Message::Write(&[command]), Message::Read(&mut data[..1])],
        ),
        (I2C_SMBUS_WORD_DATA, I2C_SMBUS_WRITE) => run(
            "smbus_write_word_data",
            &mut [Message::Write(&[command, data[0], data[1]])],
        ),
        (I2C_SMBUS_WORD_DATA, _) => run(
            "smbus_read_word_data",
            &mut [Message::Write(&[command]), Message::Read(&mut data[..2])],
        ),
        (I2C_SMBUS_PROC_CALL, _) => {
            let out = [command, data[0], data[1]];
            run(
                "smbus_process_call",
                &mut [Message::Write(&out), Message::Read(&mut data[..2])],
            )
        }
        (I2C_SMBUS_BLOCK_DATA | I2C_SMBUS_BLOCK_PROC_CALL, I2C_SMBUS_WRITE)
        | (I2C_SMBUS_BLOCK_PROC_CALL, _) => {
            let len = usize::from(data[0]);
            if len == 0 || len > I2C_SMBUS_BLOCK_MAX {
                return fail(libc::EINVAL);
            }
            let mut out = vec![command];
            out.extend_from_slice(&data[..=len]);
            if request.size == I2C_SMBUS_BLOCK_PROC_CALL {
                run(
                    "smbus_block_process_call",
                    &mut [
                        Message::Write(&out),
                        Message::Read(&mut data[..=I2C_SMBUS_BLOCK_MAX]),
                    ],
                )
            } else {
                run("smbus_write_block_data", &mut [Message::Write(&out)])
            }
        }
        (I2C_SMBUS_BLOCK_DATA, _) => run(
            "smbus_read_block_data",
            &mut [
                Message::Write(&[command]),
                Message::Read(&mut data[..=I2C_SMBUS_BLOCK_MAX]),
            ],
        )
        .and_then(|()| {
            let count = usize::from(data[0]);
            if count == 0 || count > I2C_SMBUS_BLOCK_MAX {
                Err(libc::EPROTO)
            } else {
                Ok(())
            }
        }),
        (I2C_SMBUS_I2C_BLOCK_DATA | I2C_SMBUS_I2C_BLOCK_BROKEN, I2C_SMBUS_WRITE) => {
            let len = usize::from(data[0]);
            if len == 0 || len > I2C_SMBUS_BLOCK_MAX {
                return fail(libc::EINVAL);
            }
            let mut out = vec![command];
            out.extend_from_slice(&data[1..=len]);
            run("smbus_write_i2c_block_data", &mut [Message::Write(&out)])
        }
        (I2C_SMBUS_I2C_BLOCK_DATA | I2C_SMBUS_I2C_BLOCK_BROKEN, _) => {
            if request.size == I2C_SMBUS_I2C_BLOCK_BROKEN {
                data[0] = I2C_SMBUS_BLOCK_MAX as u8;
            }
            let len = usize::from(data[0]);
            if len == 0 || len > I2C_SMBUS_BLOCK_MAX {
                return fail(libc::EINVAL);
            }
            let (_, rest) = data.split_at_mut(1);
            run(
                "smbus_read_i2c_block_data",
                &mut [Message::Write(&[command]), Message::Read(&mut rest[..len])],
            )
        }
        _ => Err(libc::EINVAL),
    };
    match result {
        Ok(()) => 0,
        Err(errno) => fail(errno),
    }
}

/// `I2C_RDWR`: combined transfers; consecutive messages to one address form one transfer.
unsafe fn rdwr(fd: c_int, request: &RdwrIoctlData) -> c_int {
    let mut emulator = emulator();
    let Some((bus, _)) = emulator.target(fd) else {
        return fail(libc::EBADF);
    };
    if !emulator.controller().plain_i2c() {
        return fail(libc::EOPNOTSUPP);
    }
    if request.nmsgs > I2C_RDWR_IOCTL_MAX_MSGS {
        return fail(libc::EINVAL);
    }
    if request.msgs.is_null() {
        return fail(libc::EFAULT);
    }
    let msgs = std::slice::from_raw_parts(request.msgs, request.nmsgs as usize);
    if msgs
        .iter()
        .any(|m| usize::from(m.len) > MAX_RAW_TRANSFER || (m.len > 0 && m.buf.is_null()))
    {
        return fail(libc::EINVAL);
    }
    for group in msgs.chunk_by(|a, b| a.addr == b.addr) {
        let mut messages: Vec<Message<'_>> = group
            .iter()
            .map(|m| {
                let len = usize::from(m.len);
                if m.flags & I2C_M_RD != 0 {
                    Message::Read(if len == 0 {
                        &mut []
                    } else {
                        std::slice::from_raw_parts_mut(m.buf, len)
                    })
                } else {
                    Message::Write(if len == 0 {
                        &[]
                    } else {
                        std::slice::from_raw_parts(m.buf, len)
                    })
                }
            })
            .collect();
        if let Err(errno) = emulator.transfer(bus, group[0].addr, "i2c_rdwr", &mut messages) {
            return fail(errno);
        }
    }
    request.nmsgs as c_int
}

/// `ioctl(2)`: the i2c-dev requests on emulated adapters.
#[no_mangle]
pub unsafe extern "C" fn ioctl(fd: c_int, request: c_ulong, arg: *mut c_void) -> c_int {
    if !is_emulated(fd) {
        return real::ioctl(fd, request, arg);
    }
    touch();
    match request {
        I2C_SLAVE | I2C_SLAVE_FORCE => {
            match emulator().set_slave(fd, arg as u64, request == I2C_SLAVE_FORCE) {
                Ok(()) => 0,
                Err(errno) => fail(errno),
            }
        }
        I2C_TENBIT | I2C_PEC | I2C_RETRIES | I2C_TIMEOUT => 0,
        I2C_FUNCS => {
            if arg.is_null() {
                return fail(libc::EFAULT);
            }
            let functionality = emulator().controller().functionality() as c_ulong;
            arg.cast::<c_ulong>().write_unaligned(functionality);
            0
        }
        I2C_SMBUS => {
            if arg.is_null() {
                return fail(libc::EFAULT);
            }
            smbus(fd, &arg.cast::<SmbusIoctlData>().read_unaligned())
        }
        I2C_RDWR => {
            if arg.is_null() {
                return fail(libc::EFAULT);
            }
            rdwr(fd, &arg.cast::<RdwrIoctlData>().read_unaligned())
        }
        _ => fail(libc::ENOTTY),
    }
}
