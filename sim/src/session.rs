//! One emulated bus for every process of a session, as one real bus serves every program
//! on a Pi: the chips' state, the virtual clock and the scheduler's threads live in one
//! file mapped into each process (`<session>/bus`), so a display keeps what one program
//! showed for the next, a sensor stays warm, and a parent and its children share time.
//!
//! A process started without `LIGHTSEG_SIM_SESSION` starts a session: a new directory
//! under `$TMPDIR` (or `/tmp`), named in `LIGHTSEG_SIM_SESSION` for its children and
//! removed when the session ends. A directory the user names is kept, so separate runs
//! can share one bus; removing it starts a clean bus. A process whose scene or clock mode
//! differs from its session's starts a session of its own.
//!
//! The session ends when its last process exits: that process writes the one report,
//! merging the trace every process left in the directory (`trace.<pid>.json`).
//!
//! Every shared word is an atomic, and the chips' state is copied in and out under one
//! bus lock (a futex word holding its owner's pid, taken from a dead owner): two
//! programs' transfers are serialised as the kernel's adapter lock serialises them.

use std::cell::UnsafeCell;
use std::ffi::OsString;
use std::mem::MaybeUninit;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, AtomicU32, AtomicU64};

use crate::emulator::SavedDevice;
use crate::real;

/// Processes a session follows at once.
pub const PROCESSES: usize = 256;
/// Devices a session's scene may have.
pub const DEVICES: usize = 128;
/// Buses a session remembers as removed (the `bus_removed_after` fault).
pub const REMOVED_BUSES: usize = 16;

const MAGIC: u64 = u64::from_le_bytes(*b"lightseg");
/// Changed whenever the region's layout changes: a session made by another build is
/// not joined.
const LAYOUT_VERSION: u64 = 1;
const NEW: u32 = 0;
const INITIALISING: u32 = 1;
const READY: u32 = 2;
/// The bus lock's bit telling its owner that another thread waits for it.
const CONTENDED: u32 = 1 << 31;

/// A process of the session.
#[repr(C)]
pub struct Process {
    pid: AtomicI32,
    /// It has left the session at exit and is ending: it no longer counts for the
    /// session's end, but its descriptors are open until it is gone.
    leaving: AtomicBool,
    /// The earliest expiry of its timers ([`crate::timers`]), a deadline for the clock.
    pub next_expiry: AtomicU64,
}

impl Process {
    /// Its pid (0: a free entry).
    pub fn pid(&self) -> i32 {
        self.pid.load(Acquire)
    }

    const fn new() -> Self {
        Process {
            pid: AtomicI32::new(0),
            leaving: AtomicBool::new(false),
            next_expiry: AtomicU64::new(u64::MAX),
        }
    }
}

/// What the bus lock guards: the chips' state as the last transfer left it.
#[repr(C)]
pub struct Bus {
    /// Each device of the scene, once a process has saved it.
    pub devices: [MaybeUninit<SavedDevice>; DEVICES],
    /// Whether `devices[i]` holds a saved state.
    pub saved: [bool; DEVICES],
    /// Buses removed by a fault.
    pub removed: [u32; REMOVED_BUSES],
    /// How many of `removed` are set.
    pub removed_count: usize,
}

/// The shared region: the header, the clock, the scheduler, the processes and the bus.
#[repr(C)]
pub struct Region {
    magic: AtomicU64,
    layout: AtomicU64,
    /// What the session's chips are: a hash of the scene and the clock mode.
    key: AtomicU64,
    state: AtomicU32,
    /// The directory was made for the session and goes with it.
    temporary: AtomicBool,
    /// A process has opened an emulated adapter: the session has a report to write.
    touched: AtomicBool,
    /// The virtual clock.
    pub clock: crate::clock::Shared,
    /// The threads that hold or wait for the clock.
    pub schedule: crate::schedule::Shared,
    /// The processes attached.
    pub processes: [Process; PROCESSES],
    lock: AtomicU32,
    /// Counts saves of the bus: a process that saw the last one need not load it.
    generation: AtomicU64,
    bus: UnsafeCell<MaybeUninit<Bus>>,
}

// SAFETY: every field is an atomic but `bus`, which is only reached through a
// `BusGuard`, that is with the bus lock held.
unsafe impl Sync for Region {}

impl Region {
    const fn new() -> Self {
        Region {
            magic: AtomicU64::new(0),
            layout: AtomicU64::new(0),
            key: AtomicU64::new(0),
            state: AtomicU32::new(NEW),
            temporary: AtomicBool::new(false),
            touched: AtomicBool::new(false),
            clock: crate::clock::Shared::new(),
            schedule: crate::schedule::Shared::new(),
            processes: [const { Process::new() }; PROCESSES],
            lock: AtomicU32::new(0),
            generation: AtomicU64::new(0),
            bus: UnsafeCell::new(MaybeUninit::zeroed()),
        }
    }
}

fn layout() -> u64 {
    (std::mem::size_of::<Region>() as u64) << 16 | LAYOUT_VERSION
}

/// The region of a process that has no session (one could not be made): its own.
static PRIVATE: Region = Region::new();
/// The session's region, mapped; null before [`join`] or without a session.
static MAPPED: AtomicPtr<Region> = AtomicPtr::new(std::ptr::null_mut());
/// This process's entry in [`Region::processes`], and its pid when it joined (a vfork
/// child, which shares this memory, has another).
static ENTRY: AtomicU32 = AtomicU32::new(u32::MAX);
static PID: AtomicI32 = AtomicI32::new(0);

/// The region every process of the session shares (this process's own without one).
pub fn region() -> &'static Region {
    let mapped = MAPPED.load(Acquire);
    if mapped.is_null() {
        &PRIVATE
    } else {
        // SAFETY: a mapping of a whole Region, made in `map` and never unmapped.
        unsafe { &*mapped }
    }
}

/// Whether this process shares a session with others (futex words are then shared).
pub fn shared() -> bool {
    !MAPPED.load(Acquire).is_null()
}

fn getpid() -> i32 {
    // SAFETY: getpid has no preconditions.
    unsafe { libc::getpid() }
}

/// This process's id (kept when it joins and when it forks).
pub fn pid() -> u32 {
    PID.load(Relaxed) as u32
}

/// Whether the calling process is the one that joined (not a vfork child borrowing its
/// memory before it runs another program).
pub fn is_own_process() -> bool {
    PID.load(Relaxed) == getpid()
}

/// The session directory, from the environment (`none`: no session).
pub fn directory() -> Option<PathBuf> {
    std::env::var_os("LIGHTSEG_SIM_SESSION")
        .filter(|dir| !dir.is_empty() && dir != "none")
        .map(PathBuf::from)
}

/// FNV-1a, 64 bits: the session key of a scene and clock mode.
fn fnv(bytes: &[u8], mut hash: u64) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// What the chips of this process are: its scene file's bytes (none: the default
/// scene) and whether the clock is real time.
fn key() -> u64 {
    let scene = std::env::var_os("LIGHTSEG_SIM_SCENE")
        .filter(|path| !path.is_empty())
        .map(|path| std::fs::read(path).unwrap_or_default())
        .unwrap_or_default();
    let realtime = std::env::var_os("LIGHTSEG_SIM_REALTIME").is_some_and(|v| v == "1");
    fnv(&scene, fnv(&[u8::from(realtime)], 0xcbf2_9ce4_8422_2325))
}

/// Joins the session of the environment, or starts one (from the library's
/// constructor, before the program runs). Without a session the process keeps its bus
/// to itself, as it says on standard error.
pub fn join(origin: impl Fn(&Region)) {
    if cfg!(test) {
        // The emulator's own unit tests build many buses in one process.
        origin(&PRIVATE);
        attach(&PRIVATE);
        return;
    }
    if std::env::var_os("LIGHTSEG_SIM_SESSION").is_some_and(|value| value == "none") {
        // Asked for: each process a bus of its own, as before sessions.
        origin(&PRIVATE);
        attach(&PRIVATE);
        return;
    }
    let key = key();
    // A relative directory is made absolute for the children (they may run elsewhere).
    let named = directory().map(|dir| match std::path::absolute(&dir) {
        Ok(absolute) if absolute != dir => {
            std::env::set_var("LIGHTSEG_SIM_SESSION", &absolute);
            absolute
        }
        _ => dir,
    });
    let joined = match &named {
        Some(dir) => map(dir, key, false, &origin),
        None => Err(None),
    };
    let joined = match joined {
        Ok(region) => Ok(region),
        Err(why) => {
            // The named session is another scene's or another build's: one of our own.
            if let (Some(why), Some(dir)) = (why, &named) {
                complain(&format!(
                    "lightseg-sim: not joining the session in {}: {why}; this program \
                     and its children get a bus of their own\n",
                    dir.to_string_lossy()
                ));
            }
            start_session(key, &origin)
        }
    };
    match joined {
        Ok(region) => {
            MAPPED.store(region, Release);
            attach(region_ref(region));
        }
        Err(why) => {
            complain(&format!(
                "lightseg-sim: cannot start a session ({why}): this program's bus is its own\n"
            ));
            origin(&PRIVATE);
            attach(&PRIVATE);
        }
    }
}

fn region_ref(region: *mut Region) -> &'static Region {
    // SAFETY: a mapping of a whole Region that is never unmapped.
    unsafe { &*region }
}

fn complain(message: &str) {
    real::write_all(2, message.as_bytes());
}

/// Makes a temporary session directory, names it in the environment and maps its bus.
fn start_session(key: u64, origin: &impl Fn(&Region)) -> Result<*mut Region, String> {
    let base = std::env::var_os("TMPDIR")
        .filter(|dir| !dir.is_empty())
        .unwrap_or_else(|| OsString::from("/tmp"));
    sweep(Path::new(&base));
    let mut template = PathBuf::from(base)
        .join("lightseg-sim.XXXXXX")
        .into_os_string()
        .into_vec();
    template.push(0);
    // SAFETY: a NUL-terminated, writable template ending in XXXXXX.
    if unsafe { libc::mkdtemp(template.as_mut_ptr().cast()) }.is_null() {
        return Err(std::io::Error::last_os_error().to_string());
    }
    template.pop();
    let dir = PathBuf::from(OsString::from_vec(template));
    let region = map(&dir, key, true, origin).map_err(|why| why.unwrap_or_default())?;
    std::env::set_var("LIGHTSEG_SIM_SESSION", &dir);
    Ok(region)
}

/// Maps `<dir>/bus`, making it when it is new. `Err(None)` when there is no such
/// directory, `Err(Some(why))` when the session cannot be joined.
fn map(
    dir: &Path,
    key: u64,
    temporary: bool,
    origin: &impl Fn(&Region),
) -> Result<*mut Region, Option<String>> {
    let io = |error: std::io::Error| Some(error.to_string());
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut path = dir.join("bus").into_os_string().into_vec();
    path.push(0);
    let size = std::mem::size_of::<Region>();
    // SAFETY: a NUL-terminated path.
    let fd = unsafe {
        real::open(
            path.as_ptr().cast(),
            libc::O_RDWR | libc::O_CREAT | libc::O_CLOEXEC,
            0o600,
        )
    };
    if fd < 0 {
        return Err(io(std::io::Error::last_os_error()));
    }
    let mut stat = MaybeUninit::<libc::stat>::zeroed();
    // SAFETY: `fd` is open; `stat` is writable.
    let sized = unsafe { libc::fstat(fd, stat.as_mut_ptr()) } == 0;
    // SAFETY: fstat succeeded, so `stat` is written.
    let length = if sized {
        unsafe { stat.assume_init() }.st_size
    } else {
        -1
    };
    let fits = length == 0 || length == size as libc::off_t;
    // SAFETY: growing a file we opened (to the same size in every process).
    if !fits || unsafe { libc::ftruncate(fd, size as libc::off_t) } != 0 {
        // SAFETY: closing the descriptor opened above.
        unsafe { real::close(fd) };
        return Err(Some("it was made by another build of lightseg-sim".into()));
    }
    // SAFETY: a new shared mapping of the whole file.
    let address = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd,
            0,
        )
    };
    // SAFETY: the mapping keeps the file; the descriptor is no longer needed.
    unsafe { real::close(fd) };
    if address == libc::MAP_FAILED {
        return Err(io(std::io::Error::last_os_error()));
    }
    let region = address.cast::<Region>();
    let shared = region_ref(region);
    // The file starts as zeros: every atomic at 0. One process sets it up.
    if shared
        .state
        .compare_exchange(NEW, INITIALISING, AcqRel, Acquire)
        .is_ok()
    {
        shared.magic.store(MAGIC, Relaxed);
        shared.layout.store(layout(), Relaxed);
        shared.key.store(key, Relaxed);
        shared.temporary.store(temporary, Relaxed);
        // The scheduler's table is empty as it is (zeros: every slot free).
        for process in &shared.processes {
            process.next_expiry.store(u64::MAX, Relaxed);
        }
        origin(shared);
        shared.state.store(READY, Release);
    }
    while shared.state.load(Acquire) != READY {
        pause_briefly();
    }
    let mismatch = if shared.magic.load(Relaxed) != MAGIC || shared.layout.load(Relaxed) != layout()
    {
        Some("it was made by another build of lightseg-sim")
    } else if shared.key.load(Relaxed) != key {
        Some("its scene or clock mode is another")
    } else {
        None
    };
    if let Some(why) = mismatch {
        let temporary = shared.temporary.load(Relaxed);
        if shared.magic.load(Relaxed) == MAGIC && shared.layout.load(Relaxed) == layout() {
            // This process may have been of the session before it ran this program
            // (`env LIGHTSEG_SIM_REALTIME=1 prog`): it leaves it.
            depart(shared, getpid(), dir, temporary);
        }
        // SAFETY: unmapping the mapping made above; nothing refers to it.
        unsafe { libc::munmap(address, size) };
        // A session started for a parent is left quietly; one the user named, not.
        return Err((!temporary).then(|| why.into()));
    }
    Ok(region)
}

/// How old a temporary session whose processes are all gone must be before another
/// session removes it (one being made right now has none yet).
const STALE_AFTER_S: u64 = 60;

/// Removes the temporary sessions in `base` that outlived their processes (all killed
/// by signals, so none could end the session).
fn sweep(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    use std::os::unix::fs::MetadataExt;
    // The real wall clock, read past the interposed clock_gettime (which would count
    // these reads as the program's).
    let now_s = crate::clock::read_real(libc::CLOCK_REALTIME) / 1_000_000_000;
    for entry in entries.flatten() {
        let dir = entry.path();
        let named = entry
            .file_name()
            .to_string_lossy()
            .starts_with("lightseg-sim.");
        let old = named
            && entry.metadata().is_ok_and(|meta| {
                u64::try_from(meta.mtime()).is_ok_and(|mtime| mtime + STALE_AFTER_S < now_s)
            });
        if named && old && abandoned(&dir.join("bus")) {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// Whether the session whose bus file is `path` is a temporary one of this build with
/// no process left.
fn abandoned(path: &Path) -> bool {
    let size = std::mem::size_of::<Region>();
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    if file.metadata().map(|meta| meta.len()).ok() != Some(size as u64) {
        return false;
    }
    use std::os::fd::AsRawFd;
    // SAFETY: a new read-only shared mapping of the whole file, unmapped below.
    let address = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            0,
        )
    };
    if address == libc::MAP_FAILED {
        return false;
    }
    // SAFETY: the mapping holds a whole Region (the file's size is checked) until the
    // munmap below, after the last use of `region`.
    let region = unsafe { &*address.cast::<Region>() };
    let abandoned = region.magic.load(Acquire) == MAGIC
        && region.layout.load(Acquire) == layout()
        && region.temporary.load(Acquire)
        && region.processes.iter().all(|process| {
            let pid = process.pid.load(Acquire);
            pid == 0 || ended(pid)
        });
    // SAFETY: unmapping the mapping made above; `region` is not used after.
    unsafe { libc::munmap(address, size) };
    abandoned
}

/// Takes process `pid` out of the session of `region` in `dir` (its threads' slots too),
/// removing the directory of a temporary session it was the last of.
fn depart(region: &Region, pid: i32, dir: &Path, temporary: bool) {
    let Some(process) = region.processes.iter().find(|p| p.pid.load(Acquire) == pid) else {
        return;
    };
    region.schedule.forget(pid);
    process.next_expiry.store(u64::MAX, SeqCst);
    process.pid.store(0, SeqCst);
    let others = region.processes.iter().any(|p| {
        let pid = p.pid.load(Acquire);
        pid != 0 && !p.leaving.load(Acquire) && !ended(pid)
    });
    if temporary && !others {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A real sleep of 100 µs (waiting for another process to set the region up, or to
/// release the bus).
fn pause_briefly() {
    let ts = crate::clock::to_timespec(100_000);
    // SAFETY: a valid timespec; the remainder is not wanted.
    unsafe { real::nanosleep(&ts, std::ptr::null_mut()) };
}

/// Enters this process in the session's table (a program that replaced another with
/// `exec` keeps its entry, and a child the one its parent made for it).
fn attach(region: &'static Region) {
    let pid = getpid();
    PID.store(pid, Relaxed);
    if let Some(index) = enter(region, pid) {
        // Its timers are its own to publish (a program started by exec has none yet).
        region.processes[index].next_expiry.store(u64::MAX, SeqCst);
        ENTRY.store(index as u32, Release);
    }
}

/// A parent's new child (forked or spawned): it is in the session from now on, before
/// it has run any of its own code, so the parent's waits for it count it.
pub fn attach_child(pid: i32) {
    if shared() && pid > 0 {
        let _ = enter(region(), pid);
    }
}

/// The entry of process `pid`: its own, or a free one now taken. Under the bus lock, so
/// that a parent and its child entering it at once make one.
fn enter(region: &'static Region, pid: i32) -> Option<usize> {
    let _bus = BusGuard::lock(region);
    let existing = region
        .processes
        .iter()
        .position(|p| p.pid.load(Acquire) == pid);
    let free = |p: &Process| p.pid.compare_exchange(0, pid, AcqRel, Relaxed).is_ok();
    // An entry whose process left and is gone is free too.
    let reclaimed = |p: &Process| {
        let old = p.pid.load(Acquire);
        p.leaving.load(Acquire)
            && ended(old)
            && p.pid.compare_exchange(old, pid, AcqRel, Relaxed).is_ok()
    };
    let entry = existing
        .or_else(|| region.processes.iter().position(free))
        .or_else(|| region.processes.iter().position(reclaimed));
    if let Some(index) = entry {
        region.processes[index].leaving.store(false, SeqCst);
        if existing.is_none() {
            region.processes[index].next_expiry.store(u64::MAX, SeqCst);
        }
    }
    entry
}

/// In a forked child: a process of the session of its own.
pub fn after_fork_in_child() {
    ENTRY.store(u32::MAX, Release);
    attach(region());
}

/// This process's entry, if it has one.
pub fn me() -> Option<&'static Process> {
    region().processes.get(ENTRY.load(Acquire) as usize)
}

/// Whether process `pid` has ended (gone, or a zombie its parent has not reaped).
pub fn ended(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    if unsafe { libc::kill(pid, 0) } != 0 && real::errno() == libc::ESRCH {
        return true;
    }
    matches!(
        crate::schedule::thread_state(pid, pid),
        None | Some((b'Z' | b'X', _))
    )
}

/// Whether other processes of this process's session are alive: attached, or left and
/// still ending (ones killed without leaving count until a process leaves).
pub fn others_attached() -> bool {
    let mine = PID.load(Relaxed);
    shared()
        && region().processes.iter().any(|process| {
            let pid = process.pid.load(Relaxed);
            pid != 0 && pid != mine && !(process.leaving.load(Relaxed) && ended(pid))
        })
}

/// Notes that a process of the session uses the emulated bus.
pub fn touch() {
    if !region().touched.load(Relaxed) {
        region().touched.store(true, Relaxed);
    }
}

/// Leaves the session at exit. True when this was its last process: the session ends
/// and this process writes its report.
pub fn leave() -> bool {
    let region = region();
    let Some(me) = me() else {
        return false;
    };
    let _bus = BusGuard::lock(region);
    me.next_expiry.store(u64::MAX, SeqCst);
    // The entry stays this process's until it is gone (its descriptors are open until
    // then); it no longer counts for the session's end.
    me.leaving.store(true, SeqCst);
    ENTRY.store(u32::MAX, Release);
    let mine = PID.load(Relaxed);
    let mut others = false;
    for process in &region.processes {
        let pid = process.pid.load(Acquire);
        if pid == 0 || pid == mine || process.leaving.load(Acquire) {
            continue;
        }
        if ended(pid) {
            // Killed before it could leave.
            process.pid.store(0, SeqCst);
            process.next_expiry.store(u64::MAX, SeqCst);
        } else {
            others = true;
        }
    }
    !others
}

/// Whether any process of the session has used the emulated bus.
pub fn touched() -> bool {
    region().touched.load(Relaxed)
}

/// Removes the session's directory if it was made for the session (at its end).
pub fn remove_if_temporary() {
    if !shared() || !region().temporary.load(Relaxed) {
        return;
    }
    if let Some(dir) = directory() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The bus lock, held: the chips' shared state may be read and written.
pub struct BusGuard {
    region: &'static Region,
}

impl BusGuard {
    /// Takes the bus lock of `region`, waiting for another thread or process holding
    /// it, and taking it from a holder that has died.
    fn lock(region: &'static Region) -> Self {
        let me = gettid() as u32;
        let lock = &region.lock;
        if lock.compare_exchange(0, me, Acquire, Relaxed).is_err() {
            let mut waits = 0u32;
            loop {
                let held = lock.load(Relaxed);
                if held == 0 {
                    if lock
                        .compare_exchange(0, me | CONTENDED, Acquire, Relaxed)
                        .is_ok()
                    {
                        break;
                    }
                    continue;
                }
                if held & CONTENDED == 0
                    && lock
                        .compare_exchange(held, held | CONTENDED, Relaxed, Relaxed)
                        .is_err()
                {
                    continue;
                }
                futex(lock, libc::FUTEX_WAIT, held | CONTENDED, 1_000_000);
                waits += 1;
                // Every 100 ms, check that the holder still lives.
                if waits % 100 == 0 {
                    let owner = (held & !CONTENDED) as i32;
                    if owner != 0 && ended(owner) {
                        let _ = lock.compare_exchange(held | CONTENDED, 0, Relaxed, Relaxed);
                        let _ = lock.compare_exchange(held, 0, Relaxed, Relaxed);
                    }
                }
            }
        }
        BusGuard { region }
    }

    /// The bus lock if this process shares its bus; `None` otherwise (the process's
    /// emulator is then the only copy of the chips).
    pub fn if_shared() -> Option<Self> {
        shared().then(|| BusGuard::lock(region()))
    }

    /// Whether another process has saved the bus since this one last did or looked.
    pub fn changed_since(&self, seen: u64) -> bool {
        self.region.generation.load(Acquire) != seen
    }

    /// The count of saves, after one more.
    pub fn saved(&self) -> u64 {
        self.region.generation.fetch_add(1, AcqRel) + 1
    }

    /// The count of saves.
    pub fn generation(&self) -> u64 {
        self.region.generation.load(Acquire)
    }

    /// The chips' shared state.
    pub fn bus(&mut self) -> &mut Bus {
        // SAFETY: the bus lock is held (no other thread or process touches `bus`), and
        // a zeroed Bus is valid: `devices` are MaybeUninit, the rest integers and bools.
        unsafe { (*self.region.bus.get()).assume_init_mut() }
    }
}

impl Drop for BusGuard {
    fn drop(&mut self) {
        if self.region.lock.swap(0, Release) & CONTENDED != 0 {
            futex(&self.region.lock, libc::FUTEX_WAKE, 1, 0);
        }
    }
}

fn gettid() -> i32 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() }
}

/// A futex operation on a word of the region: shared between processes when the region
/// is, private otherwise. A wait gives up after `timeout_ns` (0: none).
pub fn futex(word: &AtomicU32, op: libc::c_int, value: u32, timeout_ns: u64) {
    let private = if shared() {
        0
    } else {
        libc::FUTEX_PRIVATE_FLAG
    };
    let timeout = crate::clock::to_timespec(timeout_ns);
    let timeout: *const libc::timespec = if timeout_ns == 0 {
        std::ptr::null()
    } else {
        &timeout
    };
    // SAFETY: a futex call on a word of the region; `timeout` is null or valid.
    unsafe {
        real::syscall(
            libc::SYS_futex,
            word.as_ptr() as libc::c_long,
            libc::c_long::from(op | private),
            value as libc::c_long,
            timeout as libc::c_long,
            0,
            0,
        )
    };
}

/// The path of this process's trace in the session directory.
pub fn trace_path(pid: i32) -> Option<PathBuf> {
    directory().map(|dir| dir.join(format!("trace.{pid}.json")))
}

/// The traces processes of the session left, each with its pid.
pub fn traces() -> Vec<(i32, PathBuf)> {
    let Some(dir) = directory() else {
        return Vec::new();
    };
    let mut traces: Vec<(i32, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name();
            let pid = name
                .to_str()?
                .strip_prefix("trace.")?
                .strip_suffix(".json")?
                .parse()
                .ok()?;
            Some((pid, entry.path()))
        })
        .collect();
    traces.sort();
    traces
}
