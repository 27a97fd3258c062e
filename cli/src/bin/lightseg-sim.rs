//! `lightseg-sim`: runs a program on the emulated I2C bus (the emulator library loaded
//! with `LD_PRELOAD`), with the scene, report, drawing and SVG options as flags. Refuses
//! a statically linked program, which `LD_PRELOAD` cannot reach: it would talk to the
//! real `/dev/i2c-N` instead.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const HELP: &str = "\
Usage: lightseg-sim [OPTIONS] [--] PROGRAM [ARGS...]

Runs PROGRAM with the lightseg emulator in place of /dev/i2c-N: TSL2561 light sensors
and HT16K33 backpacks on a virtual clock, one bus for PROGRAM and every process it
starts (man lightseg-sim; every scene key, report field and variable:
docs/EMULATOR.md; a scene to start from:
/usr/share/doc/lightseg-tools/examples/scene.toml, or c-examples/backpacks.toml in the
source). The clock keeps pace with a person watching: each sleep also takes its time in
real time, so animations move and --watch prints at its rate; --fast runs without
waiting.

Options:
  -s, --scene FILE     the emulated bus (TOML); default, on bus 1: TSL2561s at 0x29,
                       0x39 and 0x49, and one of every HT16K33 backpack: 0.56\" 7-segment
                       0x70, 1.2\" 0x71, alphanumerics 0x72 and 0x73, 8x8 0x74, bicolour
                       8x8 0x75, 16x8 0x76, bargraph 0x77
  -r, --report FILE    write a JSON report (every transfer, what each display shows)
                       when PROGRAM and the processes it started have exited
      --show           draw the displays on stderr whenever what they show changes
      --svg DIR        write each display as DIR/i2c-BUS-0xADDRESS.svg
      --session DIR    share the bus of DIR with other runs given the same DIR: the
                       chips keep what they were told, and the clock its time, from
                       one run to the next (a new DIR, or an empty one: a clean bus).
                       Without it each run is a session of its own, shared only by
                       PROGRAM and the processes it starts
      --realtime       real time instead of the virtual clock
      --fast           the virtual clock without pacing: sleeps return at once (tests,
                       scripts)
  -h, --help           this text

The emulator library is taken from LIGHTSEG_SIM_LIBRARY, else found next to this
command (a build tree) or in PREFIX/lib*/lightseg or PREFIX/lib*/*/lightseg (an
installation). Run from a build tree, it also puts that tree's liblightseg.so on the
library path, so programs linked with -L<tree>/target/release -llightseg start.
PROGRAM must be dynamically linked.
Exit status: PROGRAM's; 2 for bad usage or a program that cannot run under it.
";

fn fail(message: &str) -> ExitCode {
    eprintln!("lightseg-sim: {message}");
    ExitCode::from(2)
}

/// Whether `path` is an ELF executable without a program interpreter (statically
/// linked). `None` when it is not ELF (a script: it runs dynamic programs, fine).
fn statically_linked(path: &Path) -> Option<bool> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.get(..4)? != b"\x7fELF" {
        return None;
    }
    let wide = *bytes.get(4)? == 2;
    let little = *bytes.get(5)? == 1;
    let read = |offset: usize, size: usize| -> Option<u64> {
        let field = bytes.get(offset..offset + size)?;
        let mut value = 0u64;
        for (index, byte) in field.iter().enumerate() {
            let shift = if little { index } else { size - 1 - index };
            value |= u64::from(*byte) << (8 * shift);
        }
        Some(value)
    };
    let (phoff, phentsize, phnum) = if wide {
        (read(0x20, 8)?, read(0x36, 2)?, read(0x38, 2)?)
    } else {
        (read(0x1C, 4)?, read(0x2A, 2)?, read(0x2C, 2)?)
    };
    const PT_INTERP: u64 = 3;
    let interpreted = (0..phnum).any(|index| {
        let at = usize::try_from(phoff + index * phentsize).unwrap_or(usize::MAX);
        read(at, 4) == Some(PT_INTERP)
    });
    Some(!interpreted)
}

/// The program as the shell would find it: a path, or a name looked up in PATH.
fn locate(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(PathBuf::from(program));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    })
}

/// The emulator library: LIGHTSEG_SIM_LIBRARY, next to this command (a build tree), or
/// in `../lib*/lightseg` or `../lib*/<multiarch>/lightseg` from it (an installation).
fn emulator_library() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LIGHTSEG_SIM_LIBRARY") {
        return Some(PathBuf::from(path));
    }
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    let name = "liblightseg_sim.so";
    let mut candidates = vec![dir.join(name)];
    // PREFIX/lib*/lightseg and PREFIX/lib*/<multiarch>/lightseg (lib, lib64, Debian's).
    let prefix = dir.join("..");
    for libdir in std::fs::read_dir(&prefix).into_iter().flatten().flatten() {
        let libdir = libdir.path();
        let is_lib = libdir
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("lib"));
        if !is_lib {
            continue;
        }
        candidates.push(libdir.join("lightseg").join(name));
        for sub in std::fs::read_dir(&libdir).into_iter().flatten().flatten() {
            candidates.push(sub.path().join("lightseg").join(name));
        }
    }
    candidates.into_iter().find(|path| path.is_file())
}

fn main() -> ExitCode {
    let mut words: Vec<OsString> = std::env::args_os().skip(1).collect();
    let mut environment: Vec<(&str, OsString)> = Vec::new();
    let mut paced = true;
    while let Some(word) = words.first().and_then(|w| w.to_str()).map(str::to_string) {
        let mut value = |flag: &str| -> Result<OsString, ExitCode> {
            words.remove(0);
            if words.is_empty() {
                return Err(fail(&format!("{flag} needs a value")));
            }
            Ok(words.remove(0))
        };
        let setting = match word.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return ExitCode::SUCCESS;
            }
            "-s" | "--scene" => ("LIGHTSEG_SIM_SCENE", value(&word)),
            "-r" | "--report" => ("LIGHTSEG_SIM_REPORT", value(&word)),
            "--svg" => ("LIGHTSEG_SIM_SVG", value(&word)),
            "--session" => ("LIGHTSEG_SIM_SESSION", value(&word)),
            "--show" | "--realtime" => {
                words.remove(0);
                let name = if word == "--show" {
                    "LIGHTSEG_SIM_SHOW"
                } else {
                    "LIGHTSEG_SIM_REALTIME"
                };
                (name, Ok(OsString::from("1")))
            }
            "--fast" => {
                words.remove(0);
                paced = false;
                continue;
            }
            "--" => {
                words.remove(0);
                break;
            }
            flag if flag.starts_with('-') => {
                return fail(&format!("unknown option {flag} (see --help)"))
            }
            _ => break,
        };
        match setting {
            (name, Ok(value)) => environment.push((name, value)),
            (_, Err(status)) => return status,
        }
    }
    if words.is_empty() {
        return fail("give the PROGRAM to run (see --help)");
    }
    if paced {
        environment.push(("LIGHTSEG_SIM_PACE", OsString::from("1")));
    }
    let program = words.remove(0);
    let shown = program.to_string_lossy().into_owned();
    let Some(path) = locate(&shown) else {
        return fail(&format!("{shown}: no such program"));
    };
    if statically_linked(&path) == Some(true) {
        return fail(&format!(
            "{shown} is statically linked, so the emulator cannot be loaded into it \
             (LD_PRELOAD only reaches dynamically linked programs) and it would use the \
             real /dev/i2c-N. Link it without -static to run it here."
        ));
    }
    let Some(library) = emulator_library() else {
        return fail(
            "the emulator library liblightseg_sim.so is not installed next to this command; \
             set LIGHTSEG_SIM_LIBRARY to its path",
        );
    };
    // A build tree's emulator sits beside the C library: programs linked against that
    // library find it without installing it.
    let mut library_path = OsString::new();
    if let Some(tree) = library
        .parent()
        .filter(|dir| dir.join("liblightseg.so.0").is_file())
    {
        library_path.push(tree.as_os_str());
        if let Some(existing) = std::env::var_os("LD_LIBRARY_PATH").filter(|p| !p.is_empty()) {
            library_path.push(":");
            library_path.push(existing);
        }
    }
    let mut preload = library.into_os_string();
    if let Some(existing) = std::env::var_os("LD_PRELOAD").filter(|p| !p.is_empty()) {
        preload.push(":");
        preload.push(existing);
    }
    let mut command = Command::new(&path);
    // A session of its own unless --session names one (a run inside another run's
    // session, with another scene, is not part of it).
    command
        .args(words)
        .env_remove("LIGHTSEG_SIM_SESSION")
        .env("LD_PRELOAD", preload)
        .envs(environment);
    if !library_path.is_empty() {
        command.env("LD_LIBRARY_PATH", library_path);
    }
    let error = command.exec();
    fail(&format!("cannot run {shown}: {error}"))
}
