//! Build script. The library needs nothing generated at build time: the C headers are
//! written by `make headers` (the `headers/` tool, with cbindgen) and committed, so a
//! library build, cross builds included, never compiles cbindgen.
//!
//! The shared library's soname (`liblightseg.so.0`) is given to the linker by the
//! Makefile, in the one rustc run that links the cdylib (`cargo rustc --crate-type
//! cdylib`): a build script can pass cdylib link arguments only for a package that
//! declares a cdylib target, and declaring one would make every `cargo build` and
//! `cargo test` link an LTO-optimised `.so` as well.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}
