#!/usr/bin/env bash
# Installs Debian's own Rust toolchain of bookworm, pinned (cargo-web, rustc-web and the
# standard library packages, all four at one version; they install /usr/bin/cargo and
# /usr/bin/rustc), unless /usr/bin/rustc already is that version. Used by
# `make msrv-check`: the library, the command and the emulator must build with it.
# Usage: tools/debian-rust.sh VERSION   (e.g. 1.85.0+dfsg3-1~deb12u3)
set -euo pipefail
version=${1:?usage: $0 DEBIAN_VERSION}
upstream=${version%%+*}

if [ -x /usr/bin/rustc ] && /usr/bin/rustc --version | grep -q "^rustc ${upstream} "; then
  exit 0
fi
packages=(cargo-web="$version" rustc-web="$version" libstd-rust-web-dev="$version"
  "libstd-rust-web-${upstream%.*}=$version")
if [ "$(id -u)" -ne 0 ]; then
  echo "msrv-check needs Debian's rustc ${upstream}: sudo apt-get install ${packages[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --allow-downgrades "${packages[@]}"
