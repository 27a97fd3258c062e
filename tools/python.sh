#!/usr/bin/env bash
# The Python package (python/: PyO3 and maturin).
#
#   tools/python.sh check    build the wheel for this machine, install it into a fresh
#                            virtual environment and run python/tests with pytest under
#                            the emulator (lightseg-sim --scene python/tests/scene.toml):
#                            once on the virtual clock, once in real time (asyncio, threads)
#   tools/python.sh wheels   the wheels for x86_64, aarch64 and armv7 (cross-built with
#                            Debian's cross gcc) into build/wheels; the aarch64 and armv7
#                            ones installed for Debian 12's own python3.11 of that
#                            architecture and a reading taken under qemu-user, on the
#                            emulator built for it
#
# maturin and pytest come pinned from python/requirements-dev.txt, in a virtual
# environment cached in ~/.cache/lightseg (or $XDG_CACHE_HOME/lightseg) with the other
# downloads (the foreign interpreters). Missing tools (cross compilers, qemu-user, Rust
# targets, a foreign dpkg architecture) are installed when run as root; otherwise the
# script says what to install. Environment: WHEEL_DIR (default build/wheels),
# WHEEL_ARCHES (default "amd64 arm64 armhf").
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "python: $*"; }
die() { echo "python: $*" >&2; exit 2; }
# shellcheck source=setup.sh
. tools/setup.sh

cache="${XDG_CACHE_HOME:-$HOME/.cache}/lightseg"
out=${WHEEL_DIR:-build/wheels}
read -r -a arches <<<"${WHEEL_ARCHES:-amd64 arm64 armhf}"
host_arch=$(dpkg --print-architecture)

# The tools' virtual environment (made again when the pins change); prints its bin dir.
tools_venv() {
	local stamp venv
	stamp=$(sha256sum python/requirements-dev.txt | cut -c1-16)
	venv="$cache/python-tools-$stamp"
	if [ ! -f "$venv/.complete" ]; then
		rm -rf "$venv"
		mkdir -p "$cache"
		python3 -m venv "$venv" >&2
		"$venv/bin/pip" install --quiet --disable-pip-version-check \
			-r python/requirements-dev.txt >&2
		touch "$venv/.complete"
	fi
	echo "$venv/bin"
}

# cross ARCH: what cargo needs to link for ARCH (installed when missing); prints the
# linker variable to export, empty for the host.
cross() {
	local arch=$1 ma triple
	[ "$arch" = "$host_arch" ] && return 0
	ma=$(multiarch "$arch")
	triple=$(rust_triple "$arch")
	local why="building the $arch wheel"
	command -v "$ma-gcc" >/dev/null || apt_install "gcc-$ma" "libc6-dev-$arch-cross" >&2
	rust_target "$triple" >&2
	echo "CARGO_TARGET_$(echo "$triple" | tr 'a-z-' 'A-Z_')_LINKER=$ma-gcc"
}

# wheel ARCH: builds the wheel for ARCH into $out; prints its path.
wheel() {
	local arch=$1 bin linker triple
	bin=$(tools_venv)
	linker=$(cross "$arch")
	triple=$(rust_triple "$arch")
	mkdir -p "$out"
	rm -f "$out"/lightseg-*"$(wheel_machine "$arch")".whl
	env ${linker:+"$linker"} "$bin/maturin" build --quiet --release --locked \
		--manifest-path python/Cargo.toml --target "$triple" --out "$out" >&2
	ls "$out"/lightseg-*-cp39-abi3-manylinux_2_34_"$(wheel_machine "$arch")".whl
}

wheel_machine() {
	case $1 in
	amd64) echo x86_64 ;;
	arm64) echo aarch64 ;;
	armhf) echo armv7l ;;
	esac
}

check() {
	local bin whl venv sim=target/release/lightseg-sim
	[ -x "$sim" ] || die "$sim is missing: make all"
	bin=$(tools_venv)
	whl=$(wheel "$host_arch")
	say "built $whl"
	venv=$(mktemp -d)
	python3 -m venv "$venv"
	"$venv/bin/pip" install --quiet --disable-pip-version-check "$whl" \
		-r python/requirements-dev.txt
	say "pytest on the virtual clock"
	"$sim" --fast --scene python/tests/scene.toml -- \
		"$venv/bin/python" -m pytest -q -p no:cacheprovider python/tests
	say "pytest in real time (asyncio, threads)"
	"$sim" --realtime --scene python/tests/scene.toml -- \
		"$venv/bin/python" -m pytest -q -p no:cacheprovider python/tests
	say "the same calls from Python and from C: the same bytes on the bus (tests/python.rs)"
	LIGHTSEG_PYTHON="$venv/bin/python" cargo test --quiet --release --test python -- --ignored
	say "mypy --strict on python/examples, with the wheel's stubs"
	"$venv/bin/mypy" --strict --no-incremental python/examples
	say "python/examples run on the emulator's virtual clock (asyncio included)"
	for example in python/examples/*.py; do
		"$sim" --fast --scene python/tests/scene.toml -- "$venv/bin/python" "$example" >/dev/null ||
			die "$example failed on the emulator"
	done
	rm -rf "$venv"
}

# interpreter ARCH: Debian 12's python3.11 for ARCH and the libraries it needs, unpacked
# into a root in the cache (once); prints the root.
interpreter() {
	local arch=$1 root debs package
	root="$cache/python3.11-$arch"
	if [ ! -f "$root/.complete" ]; then
		dpkg --print-foreign-architectures | grep -qx "$arch" || {
			is_root || die "dpkg --add-architecture $arch (as root) is needed to fetch python3.11:$arch"
			say "adding the dpkg architecture $arch" >&2
			dpkg --add-architecture "$arch"
			apt_updated=
		}
		if [ -z "$apt_updated" ]; then
			is_root || die "apt-get update (as root) is needed to fetch python3.11:$arch"
			apt-get update -qq
			apt_updated=1
		fi
		rm -rf "$root"
		debs=$(mktemp -d)
		chmod 755 "$debs" # apt-get download fetches as the _apt user
		(cd "$debs" && apt-get download -qq python3.11-minimal:"$arch" \
			libpython3.11-minimal:"$arch" libpython3.11-stdlib:"$arch" libc6:"$arch" \
			libgcc-s1:"$arch" zlib1g:"$arch" libexpat1:"$arch" libffi8:"$arch" >&2)
		for package in "$debs"/*.deb; do
			dpkg-deb -x "$package" "$root"
		done
		rm -rf "$debs"
		touch "$root/.complete"
	fi
	echo "$root"
}

# foreign ARCH WHEEL: the wheel unpacked for ARCH's python3.11 under qemu-user, on the
# emulator built for ARCH: a reading of the scene's sensor at 0x39 and its machine.
foreign() {
	local arch=$1 whl=$2 root site linker triple qemu output
	root=$(interpreter "$arch")
	triple=$(rust_triple "$arch")
	qemu=$(qemu_of "$arch")
	local why="running the $arch wheel"
	command -v "$qemu" >/dev/null || apt_install qemu-user
	linker=$(cross "$arch")
	env ${linker:+"$linker"} cargo build --quiet --release --locked --target "$triple" \
		-p lightseg-sim
	site=$(mktemp -d)
	python3 -m zipfile -e "$whl" "$site"
	output=$("$qemu" -L "$root" \
		-E LD_PRELOAD="$PWD/target/$triple/release/liblightseg_sim.so" \
		-E LIGHTSEG_SIM_SCENE="$PWD/python/tests/scene.toml" -E PYTHONPATH="$site" \
		"$root/usr/bin/python3.11" -c '
import platform, lightseg
with lightseg.TSL2561(bus=1, address=0x39) as sensor:
    reading = sensor.read()
print(platform.machine(), reading.broadband, reading.infrared, round(reading.lux, 2))
')
	rm -rf "$site"
	[ "$output" = "$(wheel_machine "$arch") 1200 300 25.76" ] ||
		die "$arch: the wheel under $qemu printed: $output"
	say "$arch: $(basename "$whl") imported by Debian's python3.11 under $qemu, read: $output"
}

# audit WHEEL ARCH: auditwheel agrees with the wheel's tag, and the wheel holds the
# package, its stubs and py.typed.
audit() {
	local whl=$1 arch=$2 bin tag shown listing file
	bin=$(tools_venv)
	tag="manylinux_2_34_$(wheel_machine "$arch")"
	shown=$("$bin/auditwheel" show "$whl")
	grep -q "consistent with" <<<"$shown" && grep -q "\"$tag\"" <<<"$shown" ||
		die "auditwheel does not confirm $tag for $whl: $shown"
	listing=$(python3 -m zipfile -l "$whl")
	for file in lightseg/__init__.py lightseg/errors.py lightseg/_native.pyi \
		lightseg/py.typed lightseg/_native.abi3.so; do
		grep -q " *$file " <<<"$listing" || grep -q "^$file " <<<"$listing" ||
			die "$whl lacks $file"
	done
	say "$(basename "$whl"): auditwheel confirms $tag; package, stubs and py.typed inside"
}

wheels() {
	local arch whl
	for arch in "${arches[@]}"; do
		whl=$(wheel "$arch")
		audit "$whl" "$arch"
		[ "$arch" = "$host_arch" ] || foreign "$arch" "$whl"
	done
}

case ${1:-} in
check) check ;;
wheels) wheels ;;
*) die "usage: tools/python.sh check|wheels" ;;
esac
