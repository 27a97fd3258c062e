//! The descriptors the C layer opened, one registry per kind of chip (the registry
//! itself knows nothing of the chips: its chip state `S` is the caller's type).
//!
//! A C struct holds nothing but a file descriptor, so the descriptor is the device's
//! identity: every call looks it up in the registry of its chip kind, and only
//! descriptors this library opened for that kind and that address are ever used. A
//! descriptor opened for an HT16K33 is therefore unknown to the TSL2561 registry (and
//! the other way round): EBADF.
//!
//! A descriptor that the program closed behind the library's back, and perhaps reopened
//! on the same bus (the kernel hands out the same number), is noticed and refused with
//! EBADF: at open the registry keeps a private duplicate of the descriptor (the
//! *witness*), and before each use it asks the kernel (`kcmp(2)`, `KCMP_FILE`) whether
//! the number still refers to the same open file description. Where the kernel has no
//! `kcmp` (built without `CONFIG_CHECKPOINT_RESTORE`, or a seccomp filter forbids it),
//! only the file identity (device and inode) is compared, which cannot tell two opens of
//! one `/dev/i2c-N` apart.
//!
//! Each chip (adapter and address) has a lock and a state `S` that belongs to the chip
//! (the TSL2561's TIMING and power state), shared by every descriptor and struct copy in
//! the process. A call holds its descriptor's lock and its chip's lock from reading the
//! C struct to writing it back, so calls on one chip serialise, also through different
//! descriptors, while calls on different chips (even on one bus) run in parallel.

use std::mem;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::bus::{open_device, CommandBus, I2cDevice, MAX_ADDRESS};
use crate::error::{Error, Result};

/// `KCMP_FILE` of `<linux/kcmp.h>`: compare two file descriptors' open file descriptions.
const KCMP_FILE: libc::c_int = 0;

/// The witness is duplicated to a number at or above this, so that the numbers a C
/// program gets from OPEN are the ones the old drivers gave (lowest free first).
const WITNESS_FLOOR: libc::c_int = 200;

/// Takes a lock; a panic in another call cannot leave these tables half-written, so a
/// poisoned lock is used as it is.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What identifies the open file behind a descriptor, where `kcmp` is not available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    device: u64,
    inode: u64,
    rdev: u64,
}

impl FileIdentity {
    fn of(fd: RawFd) -> Option<Self> {
        let mut stat = mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: fstat writes a whole `struct stat` on success and nothing else; an
        // invalid descriptor only makes it fail.
        if unsafe { libc::fstat(fd, stat.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: fstat returned 0, so the struct is initialised.
        let stat = unsafe { stat.assume_init() };
        // The field types differ between targets (32-bit ARM has a 32-bit st_ino).
        #[allow(clippy::unnecessary_cast)]
        Some(Self {
            device: stat.st_dev as u64,
            inode: stat.st_ino as u64,
            rdev: stat.st_rdev as u64,
        })
    }
}

/// What the kernel says of two descriptors of this process.
enum Comparison {
    Same,
    Different,
    /// `kcmp` failed (no `kcmp` here, or a descriptor that is not open).
    Unknown,
}

fn compare_open_files(first: RawFd, second: RawFd) -> Comparison {
    // SAFETY: getpid has no preconditions.
    let pid = unsafe { libc::getpid() };
    // SAFETY: kcmp only reads the two descriptor tables (here the caller's own); bad
    // descriptors make it fail with EBADF.
    let answer = unsafe { libc::syscall(libc::SYS_kcmp, pid, pid, KCMP_FILE, first, second) };
    // Failures (ENOSYS, EPERM; EBADF for a closed descriptor, which the file identity
    // then refuses too) leave it to the file identity.
    match answer {
        0 => Comparison::Same,
        1..=2 => Comparison::Different,
        _ => Comparison::Unknown,
    }
}

/// A private duplicate of a descriptor the library opened, kept to recognise that
/// descriptor later.
#[derive(Debug)]
struct Witness {
    duplicate: Option<OwnedFd>,
    identity: Option<FileIdentity>,
}

impl Witness {
    fn of(fd: RawFd) -> Self {
        let duplicate = [WITNESS_FLOOR, 0].into_iter().find_map(|floor| {
            // SAFETY: F_DUPFD_CLOEXEC only creates a new descriptor (or fails).
            let copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, floor) };
            // SAFETY: a descriptor fcntl just created is owned by nobody else.
            (copy >= 0).then(|| unsafe { OwnedFd::from_raw_fd(copy) })
        });
        Self {
            duplicate,
            identity: FileIdentity::of(fd),
        }
    }

    /// Whether `fd` still refers to the open file the library opened.
    fn recognises(&self, fd: RawFd) -> bool {
        if let Some(duplicate) = &self.duplicate {
            match compare_open_files(fd, duplicate.as_raw_fd()) {
                Comparison::Same => return true,
                Comparison::Different => return false,
                Comparison::Unknown => {}
            }
        }
        self.identity.is_some() && self.identity == FileIdentity::of(fd)
    }
}

/// Opens the device and makes its witness: the part of [`Registry::open`] that does not
/// depend on the kind of chip (one copy for both registries).
#[inline(never)]
fn open_witnessed(adapter_nr: i32, address: u8) -> Result<(I2cDevice, Witness)> {
    let device = open_device(adapter_nr, address)?;
    let witness = Witness::of(device.as_raw_fd());
    Ok((device, witness))
}

/// One descriptor the library opened.
struct Entry<S> {
    fd: RawFd,
    address: u8,
    witness: Witness,
    /// `None` once closed, or found closed behind the library's back.
    device: Mutex<Option<I2cDevice>>,
    chip: SharedChip<S>,
    /// The record it was opened for ([`Registry::open_all`]), 0 for none.
    holder: AtomicUsize,
}

impl<S> Entry<S> {
    /// Drops the handle without closing the descriptor, which is no longer ours.
    fn forget(device: &mut Option<I2cDevice>) {
        if let Some(device) = device.take() {
            mem::forget(device);
        }
    }
}

/// A chip: adapter number and 7-bit address.
type ChipKey = (i32, u8);

/// The state of one chip, shared by every descriptor opened for it.
type SharedChip<S> = Arc<Mutex<S>>;

/// The descriptors opened for one kind of chip, and the state of each chip.
pub struct Registry<S> {
    entries: Mutex<Vec<Arc<Entry<S>>>>,
    chips: Mutex<Vec<(ChipKey, SharedChip<S>)>>,
}

impl<S: Default> Registry<S> {
    /// An empty registry (for a `static`).
    pub const fn new() -> Self {
        Self {
            entries: Mutex::new(Vec::new()),
            chips: Mutex::new(Vec::new()),
        }
    }

    fn chip(&self, adapter_nr: i32, address: u8) -> SharedChip<S> {
        let mut chips = lock(&self.chips);
        if let Some((_, chip)) = chips.iter().find(|(key, _)| *key == (adapter_nr, address)) {
            return Arc::clone(chip);
        }
        let chip = Arc::new(Mutex::new(S::default()));
        chips.push(((adapter_nr, address), Arc::clone(&chip)));
        chip
    }

    fn lookup(&self, fd: RawFd) -> Option<Arc<Entry<S>>> {
        lock(&self.entries)
            .iter()
            .find(|entry| entry.fd == fd)
            .map(Arc::clone)
    }

    fn unregister(&self, entry: &Arc<Entry<S>>) {
        lock(&self.entries).retain(|other| !Arc::ptr_eq(other, entry));
    }

    /// Opens `/dev/i2c-<adapter_nr>` with `address` selected and registers the new
    /// descriptor, which stays open until [`Registry::close`].
    pub fn open(&self, adapter_nr: i32, address: u8) -> Result<RawFd> {
        let (device, witness) = open_witnessed(adapter_nr, address)?;
        let fd = device.as_raw_fd();
        let entry = Arc::new(Entry {
            fd,
            address,
            witness,
            device: Mutex::new(Some(device)),
            chip: self.chip(adapter_nr, address),
            holder: AtomicUsize::new(0),
        });
        let mut entries = lock(&self.entries);
        // The kernel handed out this number again, so whatever was registered under it
        // was closed behind the library's back: forget it without closing.
        entries.retain(|stale| {
            if stale.fd == fd {
                Entry::<S>::forget(&mut lock(&stale.device));
            }
            stale.fd != fd
        });
        entries.push(entry);
        Ok(fd)
    }

    /// Opens one descriptor per address, as [`Registry::open`] does, in order, for the
    /// record `holder` (non-zero: a C struct's address): all of them, or on the first
    /// failure none (those opened already are closed again). EINVAL, before anything is
    /// opened, for an address above 0x7F or given twice.
    pub fn open_all(&self, adapter_nr: i32, addresses: &[u8], holder: usize) -> Result<Vec<RawFd>> {
        for (index, address) in addresses.iter().enumerate() {
            if *address > MAX_ADDRESS || addresses[..index].contains(address) {
                return Err(Error::InvalidArgument("address (above 0x7F or twice)"));
            }
        }
        let mut fds = Vec::with_capacity(addresses.len());
        for address in addresses {
            match self.open(adapter_nr, *address) {
                Ok(fd) => {
                    if let Some(entry) = self.lookup(fd) {
                        entry.holder.store(holder, Ordering::Relaxed);
                    }
                    fds.push(fd);
                }
                Err(error) => {
                    for (fd, address) in fds.into_iter().zip(addresses) {
                        // Opened just above; closing it cannot meaningfully fail.
                        let _ = self.close(fd, *address, |_, _| Ok(()));
                    }
                    return Err(error);
                }
            }
        }
        Ok(fds)
    }

    /// Whether a descriptor [`Registry::open_all`] opened for `holder` is still open:
    /// the record has not been closed. Those closed behind the library's back do not
    /// count (and are forgotten).
    pub fn holds_open(&self, holder: usize) -> bool {
        let held: Vec<(RawFd, u8)> = lock(&self.entries)
            .iter()
            .filter(|entry| entry.holder.load(Ordering::Relaxed) == holder)
            .map(|entry| (entry.fd, entry.address))
            .collect();
        held.into_iter()
            .any(|(fd, address)| self.check(fd, address).is_ok())
    }

    /// Lets go of what was opened for `holder`: its descriptors that are still open no
    /// longer keep [`Registry::open_all`] from opening for it (a record closed after the
    /// program overwrote its descriptors).
    pub fn release(&self, holder: usize) {
        for entry in lock(&self.entries).iter() {
            let _ = entry
                .holder
                .compare_exchange(holder, 0, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    /// The device behind `fd` as a bus of its own, for a driver that sends to several
    /// chips: each transfer takes the locks, as [`Registry::with_open`] does.
    pub fn device(&self, fd: RawFd, address: u8) -> Registered<'_, S> {
        Registered {
            registry: self,
            fd,
            address,
        }
    }

    /// Runs `operation` on the device behind `fd` with its chip's state, holding the
    /// descriptor's and the chip's locks. Fails with `NotOpen` (EBADF) when `fd` is not
    /// a descriptor of this registry opened for `address`, or no longer the one opened.
    pub fn with_open<R>(
        &self,
        fd: RawFd,
        address: u8,
        operation: impl FnOnce(&mut I2cDevice, &mut S) -> Result<R>,
    ) -> Result<R> {
        let entry = self.open_entry(fd, address)?;
        let mut device = lock(&entry.device);
        let device = device.as_mut().ok_or(Error::NotOpen)?;
        let mut chip = lock(&entry.chip);
        operation(device, &mut chip)
    }

    /// Whether `fd` is one of this registry's descriptors, opened for `address` and still
    /// the open file the library opened: `NotOpen` (EBADF) otherwise. Calls that send
    /// to several chips check every descriptor with it before they send anything.
    pub fn check(&self, fd: RawFd, address: u8) -> Result<()> {
        let entry = self.open_entry(fd, address)?;
        let open = lock(&entry.device).is_some();
        open.then_some(()).ok_or(Error::NotOpen)
    }

    /// The entry of `fd` when it is one of this registry's, opened for `address`, and
    /// still the open file the library opened (else it is forgotten, not closed). One
    /// copy for every caller of [`Registry::with_open`] (not inlined into each).
    #[inline(never)]
    fn open_entry(&self, fd: RawFd, address: u8) -> Result<Arc<Entry<S>>> {
        let entry = self.lookup(fd).ok_or(Error::NotOpen)?;
        if entry.address != address {
            return Err(Error::NotOpen);
        }
        let mut device = lock(&entry.device);
        if device.is_some() && !entry.witness.recognises(fd) {
            Entry::<S>::forget(&mut device);
            drop(device);
            self.unregister(&entry);
            return Err(Error::NotOpen);
        }
        drop(device);
        Ok(entry)
    }

    /// Runs `farewell` as [`Registry::with_open`] does, then closes `fd` (also when
    /// `farewell` failed; its error is returned). A descriptor that is not one of this
    /// registry's for `address`, or was closed behind the library's back, is left alone:
    /// `NotOpen`.
    pub fn close(
        &self,
        fd: RawFd,
        address: u8,
        farewell: impl FnOnce(&mut I2cDevice, &mut S) -> Result<()>,
    ) -> Result<()> {
        let entry = self.lookup(fd).ok_or(Error::NotOpen)?;
        let said = self.with_open(fd, address, |device, chip| Ok(farewell(device, chip)))?;
        let closed = lock(&entry.device).take().map(drop).ok_or(Error::NotOpen);
        self.unregister(&entry);
        closed.and(said)
    }
}

/// A device of a registry, reached by its descriptor ([`Registry::device`]).
pub struct Registered<'r, S> {
    registry: &'r Registry<S>,
    fd: RawFd,
    address: u8,
}

impl<S: Default> CommandBus for Registered<'_, S> {
    fn send_command(&mut self, value: u8) -> Result<()> {
        let registry = self.registry;
        registry.with_open(self.fd, self.address, |device, _| {
            device.send_command(value)
        })
    }

    fn write_block(&mut self, command: u8, data: &[u8]) -> Result<()> {
        let registry = self.registry;
        registry.with_open(self.fd, self.address, |device, _| {
            device.write_block(command, data)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    fn open(path: &str) -> File {
        File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn open_all_refuses_a_bad_address_list_before_opening_anything() {
        let registry: Registry<()> = Registry::new();
        // No adapter 999999 exists: these fail before trying to open it.
        for addresses in [&[0x70, 0x71, 0x70][..], &[0x70, 0x80]] {
            let error = registry
                .open_all(999_999, addresses, 1)
                .expect_err("refused");
            assert_eq!(error.errno(), libc::EINVAL, "{addresses:?}");
        }
        let error = registry
            .open_all(999_999, &[0x70, 0x7F], 1)
            .expect_err("no adapter");
        assert_eq!(error.errno(), libc::ENOENT, "0x7F is an address");
        assert!(lock(&registry.entries).is_empty());
    }

    #[test]
    fn the_file_identity_tells_files_apart_but_not_two_opens_of_one() {
        let (null, other_null, zero) = (open("/dev/null"), open("/dev/null"), open("/dev/zero"));
        let identity = FileIdentity::of(null.as_raw_fd()).expect("an open descriptor");
        assert_eq!(FileIdentity::of(other_null.as_raw_fd()), Some(identity));
        assert_ne!(FileIdentity::of(zero.as_raw_fd()), Some(identity));
        assert_eq!(FileIdentity::of(-1), None);
    }

    #[test]
    fn the_witness_recognises_its_open_file_and_nothing_else() {
        let null = open("/dev/null");
        let fd = null.as_raw_fd();
        let witness = Witness::of(fd);
        assert!(witness.recognises(fd));
        // Another open of the same file at another number: kcmp tells them apart.
        let other = open("/dev/null");
        assert!(!witness.recognises(other.as_raw_fd()));
        // Without kcmp only the file identity is compared: the same file passes, another
        // file and a closed descriptor do not.
        let identity_only = Witness {
            duplicate: None,
            identity: FileIdentity::of(fd),
        };
        assert!(identity_only.recognises(fd));
        assert!(
            identity_only.recognises(other.as_raw_fd()),
            "the documented limit"
        );
        assert!(!identity_only.recognises(open("/dev/zero").as_raw_fd()));
        assert!(!identity_only.recognises(-1));
        let unknown = Witness {
            duplicate: None,
            identity: None,
        };
        assert!(!unknown.recognises(fd));
    }
}
