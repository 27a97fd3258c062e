#!/usr/bin/env bash
# make deb: Debian binary packages of lightseg for amd64, arm64 and armhf (cross-built),
# checked with lintian, then installed into a throwaway root where a C program is built
# with pkg-config and run under the emulator; the arm64 and armhf binaries from the
# packages run under qemu-user.
#
# Packages (docs/PACKAGING.md): liblightseg0 (the shared library), liblightseg-dev
# (headers, static library, .so link, pkg-config file), lightseg-tools (the lightseg
# command, lightseg-sim and the emulator library).
#
# Environment: DEB_ARCHES (default "amd64 arm64 armhf"), DEB_DIR (default build/deb),
# MAKE. Missing tools (lintian, qemu-user, cross compilers, Rust targets) are installed
# when run as root; otherwise the script says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "deb: $*"; }
die() { echo "deb: $*" >&2; exit 2; }
# shellcheck source=setup.sh
. tools/setup.sh

MAKE=${MAKE:-make}
out=${DEB_DIR:-build/deb}
read -r -a arches <<<"${DEB_ARCHES:-amd64 arm64 armhf}"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
revision=1
debversion=$version-$revision
host_arch=$(dpkg --print-architecture)
maintainer="lightseg developers <lightseg@users.noreply.github.com>"
# Reproducible: file times and the changelog date are those of the last commit.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

prerequisites() {
	local missing=() arch ma
	command -v lintian >/dev/null || missing+=(lintian)
	command -v pkg-config >/dev/null || missing+=(pkg-config)
	for arch in "${arches[@]}"; do
		[ "$arch" = "$host_arch" ] && continue
		ma=$(multiarch "$arch")
		command -v "$ma-gcc" >/dev/null || missing+=("gcc-$ma")
		[ -f "/usr/$ma/lib/libc.so" ] || missing+=("libc6-dev-$arch-cross")
		command -v "$(qemu_of "$arch")" >/dev/null || missing+=(qemu-user)
	done
	local why="checking the packages (lintian), building for arm64 and armhf (cross gcc,"
	why+=" C library) and running them (qemu-user)"
	[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
	for arch in "${arches[@]}"; do
		[ "$arch" = "$host_arch" ] || rust_target "$(rust_triple "$arch")"
	done
}

# versions FILE PREFIX: the highest symbol version FILE needs with that prefix
# (GLIBC_, GCC_), e.g. 2.33; readelf reads every architecture.
needed_version() {
	readelf -V --wide "$1" | sed -n "s/.*Name: $2\([0-9.]*\).*/\1/p" | sort -V | tail -n 1
}

# depends FILE...: the Depends of what these ELF files need (libc6, libgcc-s1).
depends() {
	local file glibc="" gcc="" v
	for file in "$@"; do
		v=$(needed_version "$file" GLIBC_)
		[ -n "$v" ] && glibc=$(printf '%s\n%s\n' "$glibc" "$v" | sort -V | tail -n 1)
		if readelf -d "$file" | grep -q 'NEEDED.*\[libgcc_s\.so\.1\]'; then
			v=$(needed_version "$file" GCC_)
			gcc=$(printf '%s\n%s\n' "$gcc" "${v:-3.0}" | sort -V | tail -n 1)
		fi
	done
	local deps="libc6 (>= ${glibc:-2.17})"
	[ -n "$gcc" ] && deps="$deps, libgcc-s1 (>= $gcc)"
	echo "$deps"
}

# The copyright file (machine-readable format) of every package.
copyright() {
	cat <<-'EOF'
	Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
	Upstream-Name: lightseg
	Upstream-Contact: lightseg developers <lightseg@users.noreply.github.com>

	Files: *
	Copyright: 2026 the lightseg developers
	License: MIT or Apache-2.0

	License: MIT
	 Permission is hereby granted, free of charge, to any person obtaining a copy
	 of this software and associated documentation files (the "Software"), to deal
	 in the Software without restriction, including without limitation the rights
	 to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
	 copies of the Software, and to permit persons to whom the Software is
	 furnished to do so, subject to the following conditions:
	 .
	 The above copyright notice and this permission notice shall be included in
	 all copies or substantial portions of the Software.
	 .
	 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
	 IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
	 FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
	 AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
	 LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
	 OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
	 SOFTWARE.

	License: Apache-2.0
	 On Debian systems, the full text of the Apache License, Version 2.0 can be
	 found in the file /usr/share/common-licenses/Apache-2.0.
	EOF
}

changelog() {
	local date
	date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
	cat <<-EOF
	lightseg ($debversion) unstable; urgency=medium

	  * Built by make deb from the lightseg source tree. Its changes:
	    /usr/share/doc/liblightseg-dev/changelog.gz

	 -- $maintainer  $date
	EOF
}

# package DIR NAME ARCH SECTION MULTIARCH DEPENDS SYNOPSIS LONG-DESCRIPTION:
# writes DIR/DEBIAN/control (and md5sums), the doc files, then builds the .deb.
package() {
	local dir=$1 name=$2 arch=$3 section=$4 multi=$5 deps=$6 synopsis=$7 long=$8
	local doc=$dir/usr/share/doc/$name
	mkdir -p "$doc" "$dir/DEBIAN"
	copyright >"$doc/copyright"
	changelog | gzip -9n >"$doc/changelog.Debian.gz"
	{
		echo "Package: $name"
		echo "Source: lightseg"
		echo "Version: $debversion"
		echo "Architecture: $arch"
		echo "Maintainer: $maintainer"
		echo "Installed-Size: $(du -k -s --exclude=DEBIAN "$dir" | cut -f1)"
		[ -n "$deps" ] && echo "Depends: $deps"
		echo "Section: $section"
		echo "Priority: optional"
		[ -n "$multi" ] && echo "Multi-Arch: $multi"
		echo "Homepage: https://github.com/lightseg/lightseg"
		echo "Description: $synopsis"
		sed 's/^/ /' <<<"$long"
	} >"$dir/DEBIAN/control"
	(cd "$dir" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z \
		| xargs -0 -r md5sum) >"$dir/DEBIAN/md5sums"
	find "$dir" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	find "$dir" -type d -exec chmod 0755 {} +
	dpkg-deb --root-owner-group -Zxz --build "$dir" "$out/${name}_${debversion}_$arch.deb" \
		>/dev/null
}

COMMON_DESCRIPTION="lightseg drives the TSL2561 light sensor and the HT16K33 LED driver on
Adafruit's backpacks from Linux user space, through /dev/i2c-N. It is a
drop-in replacement for the old hand-written C drivers (TSL2561.h,
7seg_bp_ada.h): their programs build and run unchanged, and gain
auto-ranging fractional lux, several sensors read in one conversion
time, and every HT16K33 backpack (7-segment, alphanumeric, matrices,
bargraph) with numbers, text, chaining and scrolling."

build_arch() {
	local arch=$1 triple ma target_vars=() stage release strip_tool
	triple=$(rust_triple "$arch")
	ma=$(multiarch "$arch")
	if [ "$arch" = "$host_arch" ]; then
		release=target/release
		strip_tool=strip
	else
		target_vars=(TARGET="$triple" CROSS_CC="$ma-gcc")
		release=target/$triple/release
		strip_tool=$ma-strip
	fi
	say "$arch: building ($triple)"
	stage=$out/$arch/stage
	rm -rf "$out/$arch"
	"$MAKE" -s install "${target_vars[@]}" DESTDIR="$PWD/$stage" PREFIX=/usr \
		LIBDIR="/usr/lib/$ma" >/dev/null
	local lib=$stage/usr/lib/$ma
	"$strip_tool" --strip-unneeded --remove-section=.comment --remove-section=.note \
		"$lib/liblightseg.so.$version" "$lib/lightseg/liblightseg_sim.so" \
		"$stage/usr/bin/lightseg" "$stage/usr/bin/lightseg-sim"
	"$strip_tool" --strip-debug --remove-section=.comment "$lib/liblightseg.a"

	# liblightseg0: the shared library.
	local runtime=$out/$arch/liblightseg0
	mkdir -p "$runtime/usr/lib/$ma"
	mv "$lib/liblightseg.so.$version" "$lib/liblightseg.so.0" "$runtime/usr/lib/$ma/"
	chmod 0644 "$runtime/usr/lib/$ma/liblightseg.so.$version"
	mkdir -p "$runtime/DEBIAN"
	echo "liblightseg 0 liblightseg0 (>= $version)" >"$runtime/DEBIAN/shlibs"
	# Every C function the library exports, all there since this version.
	{
		echo "liblightseg.so.0 liblightseg0 #MINVER#"
		echo "* Build-Depends-Package: liblightseg-dev"
		readelf --dyn-syms --wide "$runtime/usr/lib/$ma/liblightseg.so.$version" \
			| awk '$4 == "FUNC" && $5 == "GLOBAL" && $7 != "UND" { print $8 }' \
			| sort -u | sed "s/^/ /; s/\$/@Base $version/"
	} >"$runtime/DEBIAN/symbols"
	echo "activate-noawait ldconfig" >"$runtime/DEBIAN/triggers"
	package "$runtime" liblightseg0 "$arch" libs same \
		"$(depends "$runtime/usr/lib/$ma/liblightseg.so.$version")" \
		"TSL2561 and HT16K33 drivers for Linux I2C (shared library)" \
		"$COMMON_DESCRIPTION
.
This package contains the shared library."

	# liblightseg-dev: headers, static library, the .so link, pkg-config.
	local dev=$out/$arch/liblightseg-dev
	mkdir -p "$dev/usr/lib/$ma" "$dev/usr/share/doc/liblightseg-dev"
	mv "$stage/usr/include" "$dev/usr/"
	mv "$lib/liblightseg.a" "$lib/liblightseg.so" "$lib/pkgconfig" "$dev/usr/lib/$ma/"
	gzip -9n <CHANGELOG.md >"$dev/usr/share/doc/liblightseg-dev/changelog.gz"
	package "$dev" liblightseg-dev "$arch" libdevel same \
		"liblightseg0 (= $debversion)" \
		"TSL2561 and HT16K33 drivers for Linux I2C (development files)" \
		"$COMMON_DESCRIPTION
.
This package contains the C headers, the static library and the
pkg-config file: pkg-config --cflags --libs lightseg."

	# lightseg-tools: the command, lightseg-sim and the emulator, with man pages.
	local tools=$out/$arch/lightseg-tools help
	mkdir -p "$tools/usr/share/man/man1" "$tools/usr/lib/$ma"
	mv "$stage/usr/bin" "$tools/usr/"
	mv "$lib/lightseg" "$tools/usr/lib/$ma/"
	# The man pages (man/, installed by make install), the README and the default scene
	# written out, as an example.
	local page
	for page in "$stage"/usr/share/man/man1/*.1; do
		gzip -9n <"$page" >"$tools/usr/share/man/man1/$(basename "$page").gz"
		rm "$page"
	done
	rmdir -p "$stage/usr/share/man/man1" 2>/dev/null || true
	mkdir -p "$tools/usr/share/doc/lightseg-tools/examples"
	gzip -9n <README.md >"$tools/usr/share/doc/lightseg-tools/README.md.gz"
	gzip -9n <docs/EMULATOR.md >"$tools/usr/share/doc/lightseg-tools/EMULATOR.md.gz"
	install -m 0644 c-examples/backpacks.toml \
		"$tools/usr/share/doc/lightseg-tools/examples/scene.toml"
	package "$tools" lightseg-tools "$arch" electronics foreign \
		"$(depends "$tools/usr/bin/lightseg" "$tools/usr/bin/lightseg-sim" \
			"$tools/usr/lib/$ma/lightseg/liblightseg_sim.so")" \
		"TSL2561 and HT16K33 from the shell, and an emulated I2C bus" \
		"$COMMON_DESCRIPTION
.
This package contains the lightseg command (lux readings, numbers and
text on the displays, lightseg scan to find what is wired) and
lightseg-sim, which runs a program on an emulated I2C bus with
TSL2561 and HT16K33 models, for trying programs without hardware."

	leftover=$(find "$stage" -type f -o -type l)
	[ -z "$leftover" ] || die "$arch: files in no package: $leftover"
	rm -rf "$stage"
}

# lintian on every package; the tags it may still print are listed, each explained, in
# docs/PACKAGING.md and tools/lintian-overrides (the only ones accepted).
check_lintian() {
	local report=$out/lintian.txt
	say "lintian"
	lintian --no-tag-display-limit --display-info --suppress-tags-from-file \
		tools/lintian-accepted "$out"/*.deb >"$report" 2>&1 || true
	if grep -E '^[EWI]:' "$report"; then
		die "lintian found the tags above (full report: $report)"
	fi
	say "lintian: clean (accepted tags: tools/lintian-accepted)"
}

# The amd64 packages unpacked into a throwaway root: a C program built there with
# pkg-config, run under the packaged lightseg-sim and emulator; then each architecture's
# binaries under qemu-user.
check_install() {
	local root work arch ma deb
	root=$(mktemp -d)
	work=$(mktemp -d)
	trap 'rm -rf "$root" "$work"' RETURN
	for arch in "${arches[@]}"; do
		ma=$(multiarch "$arch")
		for deb in "$out"/*_"$arch".deb; do
			dpkg-deb -x "$deb" "$root/$arch"
		done
		local lib=$root/$arch/usr/lib/$ma
		local cc=gcc run=() sysroot=
		if [ "$arch" != "$host_arch" ]; then
			cc=$ma-gcc
			sysroot=/usr/$ma
			run=("$(qemu_of "$arch")" -L "$sysroot")
		fi
		# pkg-config sees the unpacked root as the system it would be installed on.
		local flags
		flags=$(PKG_CONFIG_SYSROOT_DIR="$root/$arch" PKG_CONFIG_LIBDIR="$lib/pkgconfig" \
			PKG_CONFIG_PATH= pkg-config --cflags --libs lightseg)
		# shellcheck disable=SC2086
		"$cc" -Wall -Wextra -Werror -O2 c-examples/single_sensor.c -o "$work/single_sensor-$arch" \
			$flags
		local expected="full spectrum 1200, infrared 300, lux 26" output
		if [ "$arch" = "$host_arch" ]; then
			output=$(LD_LIBRARY_PATH=$lib "$root/$arch/usr/bin/lightseg-sim" \
				"$work/single_sensor-$arch")
			grep -qx "$expected" <<<"$output" || die "$arch: installed example: $output"
			output=$("$root/$arch/usr/bin/lightseg-sim" "$root/$arch/usr/bin/lightseg" lux)
			say "$arch: built with pkg-config in the unpacked root, ran under its lightseg-sim"
		else
			output=$("${run[@]}" -E LD_LIBRARY_PATH="$lib" \
				-E LD_PRELOAD="$lib/lightseg/liblightseg_sim.so" "$work/single_sensor-$arch")
			grep -qx "$expected" <<<"$output" || die "$arch: example under qemu: $output"
			output=$("${run[@]}" -E LD_PRELOAD="$lib/lightseg/liblightseg_sim.so" \
				"$root/$arch/usr/bin/lightseg" lux)
			say "$arch: example and lightseg ran under $(qemu_of "$arch") on the packaged emulator"
		fi
		[ "$output" = "lux=26 broadband=1200 infrared=300 gain=16 time_ms=402 saturated=0" ] \
			|| die "$arch: packaged lightseg lux: $output"
		# What the packages need is what this Debian provides (or older).
		local needed
		needed=$(dpkg-deb -f "$out/liblightseg0_${debversion}_$arch.deb" Depends)
		say "$arch: liblightseg0 depends on $needed"
	done
	# This machine's package manager accepts the host's packages: their dependencies
	# resolve against this Debian (a simulation, nothing is installed).
	local host_debs=("$PWD/$out"/*_"$host_arch".deb)
	if apt-get install --simulate "${host_debs[@]}" >"$work/apt.txt" 2>&1; then
		grep -c '^Inst ' "$work/apt.txt" | sed "s/^/deb: apt would install: /; s/$/ packages/"
	else
		cat "$work/apt.txt" >&2
		die "apt-get cannot install the $host_arch packages (above)"
	fi
}

prerequisites
mkdir -p "$out"
rm -f "$out"/*.deb
"$MAKE" -s all >/dev/null
for arch in "${arches[@]}"; do
	build_arch "$arch"
done
ls -1 "$out"/*.deb | sed 's/^/deb: built /'
check_lintian
check_install
