# Shared set-up helpers of the project's scripts (sourced; the caller defines say and
# die): installs Debian packages and Rust targets when missing, as root, or says what
# to install.

is_root() { [ "$(id -u)" = 0 ]; }

apt_updated=
# apt_install PACKAGE...: installs them (root only; otherwise dies naming them), saying
# first what they are for (the caller's `why`, if set) and how many packages apt-get
# will install with their dependencies.
apt_install() {
	is_root || die "missing $*: install them (apt-get install $*) or run as root"
	if [ -z "$apt_updated" ]; then
		apt-get update -qq
		apt_updated=1
	fi
	local count
	count=$(apt-get install --simulate --no-install-recommends "$@" 2>/dev/null | grep -c '^Inst ' || true)
	say "installing $* ${why:+(for $why) }- $count Debian packages with their dependencies"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
		>/dev/null
}

# rust_target TRIPLE: adds the Rust standard library for TRIPLE unless it is there.
rust_target() {
	rustup target list --installed 2>/dev/null | grep -qx "$1" && return
	command -v rustup >/dev/null || die "no rustup: the $1 standard library is needed"
	say "adding the Rust target $1"
	rustup target add "$1" >/dev/null
}

# rust_triple / multiarch / tool prefix / qemu of a Debian architecture.
rust_triple() {
	case $1 in
	amd64) echo x86_64-unknown-linux-gnu ;;
	arm64) echo aarch64-unknown-linux-gnu ;;
	armhf) echo armv7-unknown-linux-gnueabihf ;;
	*) die "unknown architecture $1 (amd64, arm64, armhf)" ;;
	esac
}
multiarch() {
	case $1 in
	amd64) echo x86_64-linux-gnu ;;
	arm64) echo aarch64-linux-gnu ;;
	armhf) echo arm-linux-gnueabihf ;;
	esac
}
qemu_of() {
	case $1 in
	amd64) echo qemu-x86_64 ;;
	arm64) echo qemu-aarch64 ;;
	armhf) echo qemu-arm ;;
	esac
}
