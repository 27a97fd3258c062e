#!/usr/bin/env bash
# make kernel-check: lightseg on the real Linux i2c-dev driver, with the i2c-stub adapter
# behind it, in QEMU (software emulation), for amd64 and arm64.
#
#   kernel/check.sh [amd64] [arm64]      (both when none is named)
#
# What it fetches it caches outside the repository, in $LIGHTSEG_KERNEL_CACHE (default
# ~/.cache/lightseg/kernel): Debian's kernel packages (not installed, only unpacked),
# busybox for arm64, and the arm64 i2c-stub module, which Debian does not ship and which
# is built here out of tree from linux-source against Debian's arm64 headers. Host tools
# it lacks (QEMU, busybox-static, cpio, the aarch64 cross compiler and C library, the
# Rust aarch64 standard library) are installed with apt-get and rustup when run as root;
# otherwise it says what to install.
#
# For each architecture it builds fully static test programs (the C examples, test
# programs and the lightseg command, against the static library), packs them with
# busybox, the modules and kernel/init into an initramfs, boots it, and checks what each
# program printed. One line per check, a PASS/FAIL summary; the boot log stays in
# build/kernel/<arch>/boot.log. Exit status 0 only when every check passed.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${LIGHTSEG_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lightseg/kernel}
OUT=$PWD/build/kernel
BOOT_TIMEOUT=${KERNEL_BOOT_TIMEOUT:-300}
CARGO=${CARGO:-cargo}
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(amd64 arm64)

say() { echo "kernel-check: $*"; }
die() { echo "kernel-check: $*" >&2; exit 2; }

# shellcheck source=../tools/setup.sh
. tools/setup.sh

# QEMU from Debian 12 conflicts with a qemu-utils from bookworm-backports (as some
# machines have): then QEMU comes from backports too.
install_qemu() {
	local packages=(qemu-system-x86 qemu-system-arm)
	if apt_install "${packages[@]}" 2>/dev/null; then
		return
	fi
	if apt-cache policy qemu-utils 2>/dev/null | grep -q 'Installed:.*bpo'; then
		say "qemu-utils is from bookworm-backports: taking QEMU from there too"
		echo "deb http://deb.debian.org/debian bookworm-backports main" \
			> /etc/apt/sources.list.d/lightseg-backports.list
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports \
			"${packages[@]}" >/dev/null
	else
		apt_install "${packages[@]}"
	fi
}

host_tools() {
	local missing=()
	command -v qemu-system-x86_64 >/dev/null && command -v qemu-system-aarch64 >/dev/null \
		|| install_qemu
	command -v cpio >/dev/null || missing+=(cpio)
	[ -x /bin/busybox ] && file_is_static /bin/busybox || missing+=(busybox-static)
	command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
	[ -f /usr/aarch64-linux-gnu/lib/libc.a ] || missing+=(libc6-dev-arm64-cross)
	[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
	rust_target aarch64-unknown-linux-gnu
}

file_is_static() {
	! readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter'
}

# The kernel Debian installs now: linux-image-amd64 depends on linux-image-<abi>-amd64.
kernel_abi() {
	apt-cache depends linux-image-amd64 2>/dev/null \
		| sed -n 's/.*Depends: linux-image-\(.*\)-amd64$/\1/p' | head -n 1
}

# fetch PACKAGE...: downloads Debian packages into the cache unless already there.
fetch() {
	local wanted=() package
	for package in "$@"; do
		ls "$CACHE/debs/${package%%:*}"_*.deb >/dev/null 2>&1 || wanted+=("$package")
	done
	[ ${#wanted[@]} -eq 0 ] && return
	if printf '%s\n' "${wanted[@]}" | grep -q ':arm64'; then
		if ! dpkg --print-foreign-architectures | grep -qx arm64; then
			is_root || die "arm64 packages need 'dpkg --add-architecture arm64' (as root)"
			dpkg --add-architecture arm64
			apt-get update -qq
		fi
	fi
	say "fetching ${wanted[*]}"
	mkdir -p "$CACHE/debs"
	(cd "$CACHE/debs" && apt-get -o APT::Sandbox::User=root download "${wanted[@]}" >/dev/null) \
		|| { apt-get update -qq && (cd "$CACHE/debs" && apt-get -o APT::Sandbox::User=root download "${wanted[@]}" >/dev/null); }
}

# unpack DEB DIR: unpacks a package once.
unpack() {
	[ -e "$2/.unpacked-$(basename "$1")" ] && return
	mkdir -p "$2"
	dpkg-deb -x "$1" "$2"
	touch "$2/.unpacked-$(basename "$1")"
}

deb() { ls "$CACHE/debs/$1"_*.deb | head -n 1; }

# The arm64 i2c-stub module, built out of tree with the cross compiler.
arm64_stub() {
	local abi=$1 root=$CACHE/arm64-$abi/build stub=$CACHE/arm64-$abi/stub
	[ -f "$stub/i2c-stub.ko" ] && return
	fetch "linux-headers-$abi-arm64:arm64" "linux-headers-$abi-common" linux-kbuild-6.1 \
		linux-source-6.1
	unpack "$(deb "linux-headers-$abi-arm64")" "$root"
	unpack "$(deb "linux-headers-$abi-common")" "$root"
	unpack "$(deb linux-kbuild-6.1)" "$root"
	local headers=$root/usr/src/linux-headers-$abi-arm64
	# The package's Makefile includes the common headers by their installed path.
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$headers/Makefile"
	mkdir -p "$stub"
	say "extracting i2c-stub.c from linux-source-6.1"
	dpkg-deb --fsys-tarfile "$(deb linux-source-6.1)" \
		| tar -xO ./usr/src/linux-source-6.1.tar.xz \
		| tar -xJO linux-source-6.1/drivers/i2c/i2c-stub.c > "$stub/i2c-stub.c"
	echo 'obj-m := i2c-stub.o' > "$stub/Kbuild"
	say "building i2c-stub.ko for arm64"
	make -s -C "$headers" M="$stub" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules 2>&1 \
		| { grep -v 'Skipping BTF generation' || true; }
	[ -f "$stub/i2c-stub.ko" ] || die "building i2c-stub.ko for arm64 failed"
}

triple_of() {
	case $1 in
	amd64) echo x86_64-unknown-linux-gnu ;;
	arm64) echo aarch64-unknown-linux-gnu ;;
	esac
}

cc_of() {
	case $1 in
	amd64) echo gcc ;;
	arm64) echo aarch64-linux-gnu-gcc ;;
	esac
}

# Fully static programs for ARCH (no C library in the initramfs).
programs() {
	local arch=$1 triple cc dir release linker_var
	triple=$(triple_of "$arch")
	cc=$(cc_of "$arch")
	dir=$OUT/$arch/root/programs
	release=$PWD/target/kernel/$triple/release
	linker_var=CARGO_TARGET_$(echo "$triple" | tr 'a-z-' 'A-Z_')_LINKER
	say "building static programs for $arch"
	env "$linker_var=$cc" CARGO_TARGET_DIR="$PWD/target/kernel" \
		RUSTFLAGS="-C target-feature=+crt-static" \
		"$CARGO" rustc -q --release --target "$triple" -p lightseg --lib --crate-type staticlib
	env "$linker_var=$cc" CARGO_TARGET_DIR="$PWD/target/kernel" \
		RUSTFLAGS="-C target-feature=+crt-static" \
		"$CARGO" build -q --release --target "$triple" -p lightseg-cli
	mkdir -p "$dir"
	cp "$release/lightseg" "$dir/lightseg"
	local source name
	for source in c-examples/single_sensor.c c-examples/three_sensors.c \
		c-examples/hello_display.c c-examples/missing_bus.c tests/c/bad_input.c \
		tests/c/contract.c tests/c/fault_probe.c; do
		name=$(basename "$source" .c)
		"$cc" -static -O2 -Wall -Wextra -Werror -pthread -Iinclude "$source" -o "$dir/$name" \
			"$release/liblightseg.a" -lpthread -ldl -lm -lrt -lutil 2>/dev/null \
			|| "$cc" -static -O2 -Wall -Wextra -Werror -pthread -Iinclude "$source" \
				-o "$dir/$name" "$release/liblightseg.a" -lpthread -ldl -lm -lrt -lutil
	done
}

# The initramfs: busybox, kernel/init, the modules, the programs.
initramfs() {
	local arch=$1 abi=$2 root=$OUT/$1/root kernel_root modules busybox
	kernel_root=$CACHE/$arch-$abi/image
	modules=$kernel_root/lib/modules/$abi-$arch/kernel/drivers
	mkdir -p "$root/bin" "$root/modules" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
	cp kernel/init "$root/init"
	chmod 0755 "$root/init"
	if [ "$arch" = amd64 ]; then
		busybox=/bin/busybox
		cp "$modules/i2c/i2c-stub.ko" "$root/modules/"
	else
		unpack "$(deb busybox-static)" "$CACHE/arm64-busybox"
		busybox=$CACHE/arm64-busybox/bin/busybox
		cp "$CACHE/arm64-$abi/stub/i2c-stub.ko" "$root/modules/"
	fi
	cp "$busybox" "$root/bin/busybox"
	ln -sf busybox "$root/bin/sh"
	cp "$modules/i2c/i2c-dev.ko" "$modules/iio/industrialio.ko" \
		"$modules/iio/light/tsl2563.ko" "$root/modules/"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT/$arch/initrd.gz"
}

boot() {
	local arch=$1 abi=$2 kernel log=$OUT/$1/boot.log
	kernel=$CACHE/$arch-$abi/image/boot/vmlinuz-$abi-$arch
	say "booting $arch (QEMU, software emulation)"
	local qemu=(timeout --kill-after=10 "$BOOT_TIMEOUT")
	if [ "$arch" = amd64 ]; then
		qemu+=(qemu-system-x86_64 -M pc -cpu max -append "console=ttyS0 panic=-1 quiet")
	else
		qemu+=(qemu-system-aarch64 -M virt -cpu cortex-a53
			-append "console=ttyAMA0 panic=-1 quiet")
	fi
	qemu+=(-accel tcg -m 512 -smp 2 -nographic -no-reboot -nic none -kernel "$kernel"
		-initrd "$OUT/$arch/initrd.gz")
	"${qemu[@]}" < /dev/null > "$log" 2>&1 || true
	tr -d '\r' < "$log" > "$log.txt"
}

passed=0
failed=0

# section ARCH NAME: what program NAME printed in ARCH's boot.
section() {
	sed -n "/^@@ begin $2\$/,/^@@ end $2 status/p" "$OUT/$1/boot.log.txt"
}

# expect ARCH NAME STATUS: checks that check NAME ended with STATUS and printed every
# line of standard input (a line starting with ~ is an extended regular expression).
expect() {
	local arch=$1 name=$2 status=$3 text line problems=()
	text=$(section "$arch" "$name")
	if [ -z "$text" ]; then
		problems+=("did not run")
	elif ! grep -qx "@@ end $name status $status" <<<"$text"; then
		problems+=("exit status $(sed -n "s/^@@ end $name status //p" <<<"$text"), not $status")
	fi
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		if [ "${line:0:1}" = "~" ]; then
			grep -Eqx -- "${line:1}" <<<"$text" || problems+=("no line matching '${line:1}'")
		else
			grep -Fqx -- "$line" <<<"$text" || problems+=("no line '$line'")
		fi
	done
	report "$arch" "$name" "${problems[@]}"
}

# expect_line ARCH NAME LINE: one line of the log outside the programs (dumps, facts).
expect_line() {
	local problems=()
	grep -Fqx -- "$3" "$OUT/$1/boot.log.txt" || problems+=("no line '$3'")
	report "$1" "$2" "${problems[@]}"
}

report() {
	local arch=$1 name=$2
	shift 2
	if [ $# -eq 0 ]; then
		echo "PASS $arch $name"
		passed=$((passed + 1))
	else
		echo "FAIL $arch $name: $(printf '%s; ' "$@")"
		failed=$((failed + 1))
	fi
}

verify() {
	local arch=$1 EBADF=9 ENODEV=19 EBUSY=16
	expect_line "$arch" booted "@@ done"
	expect "$arch" single_sensor 0 <<-EOF
		open: 0 (Success)
		set gain 16x: 0 (Success)
		set integration time 402 ms: 0 (Success)
		sense: 0 (Success)
		full spectrum 1200, infrared 300, lux 26
		sense with autogain: 0 (Success), gain now 16x
		close: (Success)
	EOF
	expect "$arch" lightseg_lux 0 <<-EOF
		lux=26 broadband=1200 infrared=300 gain=16 time_ms=402 saturated=0
	EOF
	expect "$arch" three_sensors 0 <<-EOF
		~sensor 0x29 fd [0-9]+: rc 0 \(Success\) full 13 ir 4 lux 7
		~sensor 0x39 fd [0-9]+: rc 0 \(Success\) full 301 ir 75 lux 26
		~sensor 0x49 fd [0-9]+: rc 0 \(Success\) full 30000 ir 9000 lux 563
	EOF
	expect "$arch" hello_display 0 </dev/null
	# "COOL": C 0x39, O 0x3F, colon off, O 0x3F, L 0x38 at RAM bytes 0, 2, 4, 6, 8.
	expect_line "$arch" hello_display_ram \
		"@@ dump hello_display_ram 0x39 0x00 0x3f 0x00 0x00 0x00 0x3f 0x00 0x38 0x00 0x00 0x00 0x00 0x00 0x00 0x00"
	expect "$arch" lightseg_display 0 </dev/null
	# "12:34": 1 0x06, 2 0x5B, colon 0x02, 3 0x4F, 4 0x66.
	expect_line "$arch" lightseg_display_ram \
		"@@ dump lightseg_display_ram 0x06 0x00 0x5b 0x00 0x02 0x00 0x4f 0x00 0x66 0x00 0x00 0x00 0x00 0x00 0x00 0x00"
	expect "$arch" missing_bus 0 <<-EOF
		open /dev/i2c-7: rc -1, No such file or directory
		open sensor 0x2a: rc -1, No such device
		missing_bus: all errors reported
	EOF
	expect "$arch" bad_input 0 <<-EOF
		tsl_open rc=0 errno=0
		tsl_open_again rc=-1 errno=$EBUSY
		tsl_sense_closed rc=-1 errno=$EBADF
		tsl_settings time=2 gain=16
		tsl_status_not_open status=0
	EOF
	expect "$arch" contract_crossed 0 <<-EOF
		sense_on_display rc=-1 errno=$EBADF full=57005
		warm_on_display rc=-1 errno=$EBADF
		gain_on_display rc=-1 errno=$EBADF
		on_on_sensor rc=-1 errno=$EBADF
		commit_on_sensor rc=-1 errno=$EBADF
		close_display_fd_as_sensor errno=$EBADF display_fd_open=1
		close_sensor_fd_as_display errno=$EBADF sensor_fd_open=1
		sense_own rc=0 full=1200
		commit_own rc=0
	EOF
	expect "$arch" contract_reopened 0 <<-EOF
		sense_reopened rc=-1 errno=$EBADF full=57005
		gain_reopened rc=-1 errno=$EBADF
		close_reopened errno=$EBADF program_fd_open=1
		commit_reopened rc=-1 errno=$EBADF
		brightness_reopened rc=-1 errno=$EBADF
		display_close_reopened errno=$EBADF program_fd_open=1
		open_again rc=0
		sense_again rc=0 full=1200
	EOF
	expect "$arch" contract_reopen 0 <<-EOF
		before status=2 gain=0 time=0
		reopened rc=0 status=0 gain=16 time=2
		read rc=0 full=1200 status=0
	EOF
	# CONTROL (0x80) of 0x39 after that run: 0x00, powered down.
	expect_line "$arch" contract_reopen_powered_down "@@ dump contract_reopen_control 0x00"
	expect "$arch" contract_threads 0 <<-EOF
		sensor gain reverted 0 of 60, failed 0
		display brightness reverted 0 of 60, failed 0
	EOF
	expect "$arch" contract_fork 0 <<-EOF
		child read rc=0 full=1200
		child exit 0
		parent read after fork
	EOF
	# i2c-stub answers a transfer to an address it does not serve with ENODEV.
	expect "$arch" absent_chip 0 <<-EOF
		open rc=-1 errno=$ENODEV
	EOF
	expect_line "$arch" tsl2563_bound "@@ bound tsl2563 driver tsl2563"
	expect "$arch" driver_bound 0 <<-EOF
		open rc=-1 errno=$EBUSY
	EOF
	# lightseg scan on the stub's adapter: its four chips, 0x49 owned by tsl2563 with
	# the command that releases it.
	expect "$arch" lightseg_scan 0 <<-'EOF'
		~  0x29  answers  TSL2561 light sensor \(ADDR pin to ground\)\? confirm: lightseg lux -a 0x29
		~  0x39  answers  TSL2561 light sensor \(ADDR pin floating\)\? confirm: lightseg lux -a 0x39
		~  0x49  busy     owned by tsl2563; release it: echo [0-9]+-0049 \| sudo tee /sys/bus/i2c/drivers/tsl2563/unbind
		~  0x70  answers  HT16K33 LED backpack \(jumpers A2-A0 = 000\)\? confirm: lightseg display -a 0x70 8888
		  4 addresses in use
	EOF
	lux_cross_check "$arch"
}

# The kernel's tsl2563 driver and lightseg on the same counts (kernel/init): they agree
# within 2 lux or 1%. The kernel truncates where the datasheet formula rounds, and its
# coefficient table is the CS one restated in decimal (0.0315 where the datasheet's
# fixed point has 0x204 / 2^14 = 0.03149), which shows where the two terms of the
# formula nearly cancel (high infrared ratios). The table: build/kernel/<arch>/lux.txt.
lux_cross_check() {
	local arch=$1 ch0 ch1 ours kernel points=0 problems=() table=$OUT/$1/lux.txt
	echo "ch0 ch1 lightseg kernel" > "$table"
	while read -r _ _ ch0 ch1 ours kernel; do
		points=$((points + 1))
		echo "$ch0 $ch1 $ours $kernel" >> "$table"
		if ! [[ $ours =~ ^[0-9]+$ && $kernel =~ ^[0-9]+$ ]]; then
			problems+=("counts $ch0/$ch1: lightseg '$ours', kernel '$kernel'")
			continue
		fi
		local difference=$((ours > kernel ? ours - kernel : kernel - ours))
		if [ "$difference" -gt $((2 + ours / 100)) ]; then
			problems+=("counts $ch0/$ch1: lightseg $ours lux, kernel $kernel lux")
		fi
	done < <(grep '^@@ lux ' "$OUT/$arch/boot.log.txt")
	[ "$points" -eq 36 ] || problems+=("$points points of 36")
	report "$arch" "lux_vs_kernel_tsl2563" "${problems[@]}"
}

host_tools
abi=$(kernel_abi)
[ -n "$abi" ] || die "cannot tell Debian's current kernel (apt-cache depends linux-image-amd64)"
say "Debian kernel $abi; cache $CACHE"
rm -rf "$OUT"
for arch in "${arches[@]}"; do
	case $arch in
	amd64 | arm64) ;;
	*) die "unknown architecture $arch (amd64, arm64)" ;;
	esac
	if [ "$arch" = amd64 ]; then
		fetch "linux-image-$abi-amd64"
	else
		fetch "linux-image-$abi-arm64:arm64" busybox-static:arm64
		arm64_stub "$abi"
	fi
	unpack "$(deb "linux-image-$abi-$arch")" "$CACHE/$arch-$abi/image"
	programs "$arch"
	initramfs "$arch" "$abi"
	boot "$arch" "$abi"
	verify "$arch"
done
echo "kernel-check: $passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then
	echo "kernel-check: boot logs: $OUT/<arch>/boot.log"
	exit 1
fi
