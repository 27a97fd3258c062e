//! A process's life in a session ([`crate::session`]): `fork` (the clock waits for the
//! child to take its slot), `_exit` (the process leaves the session, as at `exit`), and
//! the waits for a child (`wait`, `waitpid`, `wait3`, `wait4`, `waitid`) and for a signal
//! (`sigsuspend`, `pause`), during which the process does not hold the clock: the child,
//! or whoever sends the signal, does. Those waits stay real: they end only when the
//! child ends or the signal comes.
#![allow(clippy::missing_safety_doc)]

use std::os::raw::{c_char, c_int};

use crate::{clock, real, schedule};

/// `fork(2)`; in a shared session the clock waits until the child has its slot.
#[no_mangle]
pub unsafe extern "C" fn fork() -> libc::pid_t {
    let counted = schedule::fork_starting();
    let pid = real::fork();
    if pid != 0 {
        crate::session::attach_child(pid);
        schedule::fork_done(counted, pid);
    }
    pid
}

/// `vfork(2)`, as `fork`: a vfork child shares its parent's memory, which the emulator
/// must not write for it, and the clock waits for it as for a forked child. Programs
/// that use `vfork` only run another program or exit in the child, which a forked child
/// does the same.
#[no_mangle]
pub unsafe extern "C" fn vfork() -> libc::pid_t {
    fork()
}

/// `posix_spawn(3)`; in a shared session the clock waits for the child to start.
#[no_mangle]
pub unsafe extern "C" fn posix_spawn(
    pid: *mut libc::pid_t,
    path: *const c_char,
    actions: *const libc::posix_spawn_file_actions_t,
    attributes: *const libc::posix_spawnattr_t,
    argv: *const *mut c_char,
    envp: *const *mut c_char,
) -> c_int {
    let mut child = 0;
    let rc = real::posix_spawn(&mut child, path, actions, attributes, argv, envp);
    spawned(rc, child, pid)
}

/// `posix_spawnp(3)`, as `posix_spawn`.
#[no_mangle]
pub unsafe extern "C" fn posix_spawnp(
    pid: *mut libc::pid_t,
    file: *const c_char,
    actions: *const libc::posix_spawn_file_actions_t,
    attributes: *const libc::posix_spawnattr_t,
    argv: *const *mut c_char,
    envp: *const *mut c_char,
) -> c_int {
    let mut child = 0;
    let rc = real::posix_spawnp(&mut child, file, actions, attributes, argv, envp);
    spawned(rc, child, pid)
}

/// After a spawn: holds the clock for the child, and reports its pid.
unsafe fn spawned(rc: c_int, child: libc::pid_t, pid: *mut libc::pid_t) -> c_int {
    if rc == 0 {
        crate::session::attach_child(child);
        schedule::hold_for_child(child);
        if !pid.is_null() {
            *pid = child;
        }
    }
    rc
}

/// `_exit(2)` called by the program (a shell ends that way): the process leaves the
/// session first, as at `exit`.
#[no_mangle]
pub unsafe extern "C" fn _exit(status: c_int) -> ! {
    crate::process_ending();
    real::exit_now(status)
}

/// `_Exit(3)`, the same as `_exit`.
#[no_mangle]
pub unsafe extern "C" fn _Exit(status: c_int) -> ! {
    crate::process_ending();
    real::exit_now(status)
}

/// Runs a wait for a child or a signal: without holding the clock when it blocks on the virtual
/// clock (`WNOHANG` returns at once, and real-time mode has no clock to hold).
fn outside_wait<R>(options: c_int, wait: impl FnOnce() -> R) -> R {
    if options & libc::WNOHANG != 0 || !clock::is_virtual() {
        wait()
    } else {
        schedule::outside(wait)
    }
}

/// `wait(2)`.
#[no_mangle]
pub unsafe extern "C" fn wait(status: *mut c_int) -> libc::pid_t {
    outside_wait(0, || real::wait4(-1, status, 0, std::ptr::null_mut()))
}

/// `waitpid(2)`.
#[no_mangle]
pub unsafe extern "C" fn waitpid(
    pid: libc::pid_t,
    status: *mut c_int,
    options: c_int,
) -> libc::pid_t {
    outside_wait(options, || {
        real::wait4(pid, status, options, std::ptr::null_mut())
    })
}

/// `wait3(2)`.
#[no_mangle]
pub unsafe extern "C" fn wait3(
    status: *mut c_int,
    options: c_int,
    usage: *mut libc::rusage,
) -> libc::pid_t {
    outside_wait(options, || real::wait4(-1, status, options, usage))
}

/// `wait4(2)`.
#[no_mangle]
pub unsafe extern "C" fn wait4(
    pid: libc::pid_t,
    status: *mut c_int,
    options: c_int,
    usage: *mut libc::rusage,
) -> libc::pid_t {
    outside_wait(options, || real::wait4(pid, status, options, usage))
}

/// `waitid(2)`.
#[no_mangle]
pub unsafe extern "C" fn waitid(
    kind: libc::idtype_t,
    id: libc::id_t,
    info: *mut libc::siginfo_t,
    options: c_int,
) -> c_int {
    outside_wait(options, || real::waitid(kind, id, info, options))
}

/// `sigsuspend(2)`: a wait for a signal (a shell's `wait` waits so for its children).
#[no_mangle]
pub unsafe extern "C" fn sigsuspend(mask: *const libc::sigset_t) -> c_int {
    outside_wait(0, || real::sigsuspend(mask))
}

/// `pause(2)`: a wait for a signal.
#[no_mangle]
pub unsafe extern "C" fn pause() -> c_int {
    outside_wait(0, || real::pause())
}
