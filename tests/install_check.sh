#!/usr/bin/env bash
# make install-check: install into a temporary DESTDIR, check the files and the soname,
# build C examples against the installed copy with pkg-config (shared, and fully static
# with --static), run them, then uninstall and check that nothing is left.
# Run by `make test` with MAKE, CC, VERSION and SIM_SO set.
set -euo pipefail

fail() { echo "install-check: $*" >&2; exit 1; }

dest=$(mktemp -d)   # the DESTDIR
work=$(mktemp -d)   # the programs built against it
trap 'rm -rf "$dest" "$work"' EXIT
prefix=/opt/lightseg-check
libdir=$prefix/lib64
$MAKE -s install DESTDIR="$dest" PREFIX="$prefix" LIBDIR="$libdir" >/dev/null
root=$dest$prefix
lib=$dest$libdir

for file in "$lib/liblightseg.so.$VERSION" "$lib/liblightseg.a" "$root/include/TSL2561.h" \
            "$root/include/7seg_bp_ada.h" "$lib/pkgconfig/lightseg.pc" "$root/bin/lightseg" \
            "$root/bin/lightseg-sim" "$lib/lightseg/liblightseg_sim.so"; do
  [ -f "$file" ] || fail "$file was not installed"
done
[ "$(readlink "$lib/liblightseg.so.0")" = "liblightseg.so.$VERSION" ] || fail "liblightseg.so.0 link"
[ "$(readlink "$lib/liblightseg.so")" = "liblightseg.so.0" ] || fail "liblightseg.so link"
readelf -d "$lib/liblightseg.so.$VERSION" | grep -q 'SONAME.*\[liblightseg\.so\.0\]' \
  || fail "no liblightseg.so.0 soname"
if readelf -d "$lib/liblightseg.so.$VERSION" | grep NEEDED | grep -v -e 'libc\.so' \
     -e 'libgcc_s\.so' -e 'ld-linux' -e 'libm\.so'; then
  fail "unexpected library dependency (above)"
fi
echo "  installed: liblightseg.so.$VERSION (soname liblightseg.so.0), .a, headers, .pc, lightseg,"
echo "             lightseg-sim and the emulator"

# pkg-config finds the installed copy through the sysroot, as a packager's DESTDIR would.
export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_LIBDIR=
[ "$(pkg-config --modversion lightseg)" = "$VERSION" ] || fail "pkg-config version"
pkg-config --static --libs lightseg | grep -q -- '-lpthread' || fail "Libs.private missing"

# Shared: the example links liblightseg.so.0 and runs on the emulated bus.
# shellcheck disable=SC2046
$CC -Wall -Wextra -Werror -O2 c-examples/single_sensor.c -o "$work/single_sensor" \
  $(pkg-config --cflags --libs lightseg) -Wl,-rpath,"$lib"
readelf -d "$work/single_sensor" | grep -q 'NEEDED.*\[liblightseg\.so\.0\]' \
  || fail "the example does not need liblightseg.so.0"
output=$(LD_PRELOAD=$SIM_SO "$work/single_sensor")
grep -q "full spectrum 1200, infrared 300, lux 26" <<<"$output" || fail "shared run: $output"
echo "  pkg-config --cflags --libs: built, linked to liblightseg.so.0, ran on the emulator"

# The installed command runs too.
output=$(LD_PRELOAD=$SIM_SO "$root/bin/lightseg" lux)
[ "$output" = "lux=26 broadband=1200 infrared=300 gain=16 time_ms=402 saturated=0" ] \
  || fail "installed lightseg: $output"

# lightseg-sim finds the installed emulator by itself (LIBDIR/lightseg, from BINDIR/..).
output=$(env -u LD_PRELOAD "$root/bin/lightseg-sim" "$root/bin/lightseg" lux)
[ "$output" = "lux=26 broadband=1200 infrared=300 gain=16 time_ms=402 saturated=0" ] \
  || fail "installed lightseg-sim: $output"
echo "  lightseg-sim: ran the installed command on the installed emulator"

# Static: nothing but the program. An emulator preloaded into it is impossible (static
# programs ignore LD_PRELOAD), so it runs on this machine's real (absent) bus: the
# first call must report ENOENT for /dev/i2c-7 like the shared build does.
# shellcheck disable=SC2046
$CC -static -Wall -Wextra -Werror -O2 c-examples/missing_bus.c -o "$work/missing_bus" \
  $(pkg-config --static --cflags --libs lightseg)
if readelf -d "$work/missing_bus" 2>/dev/null | grep -q NEEDED; then
  fail "the --static build needs shared libraries"
fi
output=$("$work/missing_bus" || true)
grep -q "open /dev/i2c-7: rc -1, No such file or directory" <<<"$output" \
  || fail "static run: $output"
echo "  pkg-config --static: built fully static, ran, reported the missing bus"
if "$root/bin/lightseg-sim" "$work/missing_bus" 2>"$work/err"; then
  fail "lightseg-sim ran a static program"
fi
grep -q "statically linked" "$work/err" || fail "lightseg-sim on a static program: $(cat "$work/err")"
echo "  lightseg-sim: refused the static program, saying why"

$MAKE -s uninstall DESTDIR="$dest" PREFIX="$prefix" LIBDIR="$libdir" >/dev/null
left=$(find "$dest" -type f -o -type l)
[ -z "$left" ] || fail "left after uninstall: $left"
echo "  uninstall: nothing left"
