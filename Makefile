# lightseg: build, test and demo with make and gcc.
#
#   make            library (.so with soname, .a), lightseg command, emulator, C examples
#   make check      the fast loop: build, lint, Rust and C tests, examples under the emulator
#   make test       every test: lint, Rust tests, header drift, C builds with all flag
#                   sets, the C examples end to end under the emulator, the install,
#                   the kernel check, the Python package, the Adafruit differential
#   make kernel-check  on the real kernel's i2c-dev + i2c-stub in QEMU, amd64 and arm64
#   make msrv-check    builds with Debian's own Rust 1.85 (installed, pinned, if missing)
#   make deb        Debian packages for amd64, arm64, armhf (build/deb), lintian, install test
#   make wheels     Python wheels for x86_64, aarch64, armv7 (build/wheels), ARM ones run
#                   under qemu-user; make python-check: pytest under the emulator
#   make adafruit-check  byte-for-byte against Adafruit's CircuitPython HT16K33 library
#   make mutants    mutation testing of the cores, bus.rs and the C layer
#   make demo       the C examples under the emulator, display drawn in the terminal
#   make bench      the performance table (docs/PERFORMANCE.md)
#   make install    PREFIX (/usr/local), LIBDIR, INCLUDEDIR, BINDIR, DESTDIR; uninstall
#   make headers    regenerate include/*.h from the Rust source (commit the result)
#   make clean
#
# Cross-compiling (docs/CROSS.md): make TARGET=aarch64-unknown-linux-gnu \
#   CROSS_CC=aarch64-linux-gnu-gcc libs   (then install with the same variables)

CARGO    ?= cargo
ifeq ($(origin CC),default)
CC := gcc
endif
ifeq ($(origin CXX),default)
CXX := g++
endif
BUILD    := build
# Rust target triple to build the library and the command for; empty: this machine.
TARGET   ?=
HOST_RELEASE := target/release
ifeq ($(TARGET),)
RELEASE  := $(HOST_RELEASE)
CARGO_TARGET :=
CARGO_ENV :=
else
RELEASE  := target/$(TARGET)/release
CARGO_TARGET := --target $(TARGET)
# The C compiler that links for TARGET (cargo's linker for it).
CROSS_CC ?= $(CC)
CARGO_ENV := CARGO_TARGET_$(shell echo '$(TARGET)' | tr 'a-z-' 'A-Z_')_LINKER=$(CROSS_CC)
endif
LIB_SO   := $(RELEASE)/liblightseg.so
LIB_A    := $(RELEASE)/liblightseg.a
VERSION  := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
ABI_MAJOR := 0
SONAME   := liblightseg.so.$(ABI_MAJOR)
SIM_SO   := $(HOST_RELEASE)/liblightseg_sim.so

# Native libraries the Rust standard library needs when linking the static archive
# (also lightseg.pc's Libs.private). The unwinder comes from libgcc, which gcc links by
# itself: libgcc_s for a dynamic program, libgcc_eh for `-static`.
STATIC_LIBS := -lutil -lrt -lpthread -lm -ldl -lc

# Installation (GNU conventions).
PREFIX      ?= /usr/local
EXEC_PREFIX ?= $(PREFIX)
LIBDIR      ?= $(EXEC_PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
BINDIR      ?= $(EXEC_PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL     ?= install
HEADERS     := include/TSL2561.h include/7seg_bp_ada.h

EXAMPLES := single_sensor three_sensors hello_display counter missing_bus lux_meter \
	numbers big_clock marquee matrices shapes lux_display
# The emulated bus the examples run on: the default scene plus one of every backpack.
EXAMPLE_SCENE := c-examples/backpacks.toml
EXAMPLE_BINS := $(EXAMPLES:%=$(BUILD)/examples/%) $(EXAMPLES:%=$(BUILD)/examples/%-static)
TEST_PROGRAMS := $(basename $(notdir $(wildcard tests/c/*.c)))
TEST_BINS := $(TEST_PROGRAMS:%=$(BUILD)/tests/%)
TEST_STATIC_BINS := $(TEST_PROGRAMS:%=$(BUILD)/tests/%-static)
# The helpers some of them share.
TEST_HEADERS := $(wildcard tests/c/*.h)
BENCH_BINS := $(BUILD)/bench/ops $(BUILD)/bench/ops-static
# The hostile refusal probe once more with AddressSanitizer and UndefinedBehaviorSanitizer
# (tests/emulated.rs runs it with libasan preloaded before the emulator).
SANITIZED_BINS := $(BUILD)/tests/hostile-asan
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# The flag sets every example must compile cleanly with (C and C++).
C_STD_FLAGS := -std=gnu99 -std=gnu11
WARN_FLAGS  := -Wall -Wextra -Werror

RUST_SOURCES := $(shell find src sim/src fuzz/src bench/src cli/src -name '*.rs') build.rs \
	Cargo.toml Cargo.lock sim/Cargo.toml fuzz/Cargo.toml bench/Cargo.toml cli/Cargo.toml

FUZZ_SIM := LD_PRELOAD=$(CURDIR)/$(SIM_SO) LIGHTSEG_SIM_SCENE=$(CURDIR)/fuzz/scene.toml
FUZZ_SECONDS ?= 600

# --fair-sched=yes: valgrind runs one thread at a time, and by default a thread that never
# blocks (a loop of transfers) can keep the others from ever running again; the
# emulator's clock waits are real blocking calls.
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --show-possibly-lost=no \
	--errors-for-leak-kinds=definite --fair-sched=yes

.PHONY: all libs tools examples test-programs test check demo headers lint check-c clean fuzz fuzz-short \
	valgrind reliability bench install uninstall install-check cross-check mutants \
	kernel-check pictures msrv-check deb adafruit-check python-check wheels

all: libs tools examples

# The C library (each crate type in its own rustc run, see Cargo.toml) and the lightseg
# command, for TARGET.
libs: $(RELEASE)/.libs $(RELEASE)/.cli

LIB_SOURCES := $(shell find src -name '*.rs') build.rs Cargo.toml Cargo.lock

$(RELEASE)/.libs: $(RELEASE)/.so $(RELEASE)/.a
	touch $@

# The shared library alone (what the examples of `make demo` link).
$(RELEASE)/.so: $(LIB_SOURCES)
	$(CARGO_ENV) $(CARGO) rustc --release $(CARGO_TARGET) -p lightseg --lib \
		--crate-type cdylib -- -C link-arg=-Wl,-soname,$(SONAME)
	ln -sf liblightseg.so $(RELEASE)/$(SONAME)
	touch $@

$(RELEASE)/.a: $(LIB_SOURCES)
	$(CARGO_ENV) $(CARGO) rustc --release $(CARGO_TARGET) -p lightseg --lib \
		--crate-type staticlib
	touch $@

# The command, lightseg-sim and the emulator library it loads, for TARGET.
$(RELEASE)/.cli: $(LIB_SOURCES) $(shell find cli/src sim/src -name '*.rs') cli/Cargo.toml \
		sim/Cargo.toml
	$(CARGO_ENV) $(CARGO) build --release $(CARGO_TARGET) -p lightseg-cli -p lightseg-sim
	touch $@

# What the integration tests run (tests/common/mod.rs makes it before the first run):
# the C library, the emulator and the C programs.
test-programs: $(RELEASE)/.libs $(RELEASE)/.cli $(SIM_SO) examples

$(SIM_SO): $(shell find sim/src -name '*.rs') sim/Cargo.toml Cargo.lock
	$(CARGO) build --release -p lightseg-sim

# The emulator, the fuzzer and the benchmark table maker: for this machine only.
tools: $(HOST_RELEASE)/.tools

$(HOST_RELEASE)/.tools: $(RUST_SOURCES)
	$(CARGO) build --release -p lightseg-sim -p lightseg-fuzz -p lightseg-bench
	touch $@

install: libs
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(BINDIR)
	$(INSTALL) -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/liblightseg.so.$(VERSION)
	ln -sf liblightseg.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/liblightseg.so
	$(INSTALL) -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/liblightseg.a
	$(INSTALL) -m 0644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@EXEC_PREFIX@|$(EXEC_PREFIX)|g' \
		-e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
		-e 's|@VERSION@|$(VERSION)|g' -e 's|@STATIC_LIBS@|$(STATIC_LIBS)|g' \
		lightseg.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/lightseg.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/lightseg.pc
	$(INSTALL) -m 0755 $(RELEASE)/lightseg $(DESTDIR)$(BINDIR)/lightseg
	$(INSTALL) -m 0755 $(RELEASE)/lightseg-sim $(DESTDIR)$(BINDIR)/lightseg-sim
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)/lightseg
	$(INSTALL) -m 0644 $(RELEASE)/liblightseg_sim.so $(DESTDIR)$(LIBDIR)/lightseg/liblightseg_sim.so
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 0644 man/lightseg.1 man/lightseg-sim.1 $(DESTDIR)$(MANDIR)/man1/
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then \
		ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/liblightseg.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
		$(DESTDIR)$(LIBDIR)/liblightseg.so $(DESTDIR)$(LIBDIR)/liblightseg.a \
		$(addprefix $(DESTDIR)$(INCLUDEDIR)/,$(notdir $(HEADERS))) \
		$(DESTDIR)$(PKGCONFIGDIR)/lightseg.pc $(DESTDIR)$(BINDIR)/lightseg \
		$(DESTDIR)$(BINDIR)/lightseg-sim $(DESTDIR)$(LIBDIR)/lightseg/liblightseg_sim.so \
		$(DESTDIR)$(MANDIR)/man1/lightseg.1 $(DESTDIR)$(MANDIR)/man1/lightseg-sim.1
	-rmdir $(DESTDIR)$(LIBDIR)/lightseg 2>/dev/null

# For TARGET: the library, the emulator and the single_sensor example (CROSS_CC), run
# under qemu-user (QEMU, e.g. qemu-aarch64) with the target's libraries in SYSROOT
# (e.g. /usr/aarch64-linux-gnu). docs/CROSS.md has the packages and the commands.
QEMU    ?= qemu-$(if $(filter aarch64%,$(TARGET)),aarch64,arm)
SYSROOT ?= /usr/$(shell $(CROSS_CC) -dumpmachine 2>/dev/null)
cross-check: libs
	@[ -n "$(TARGET)" ] || { echo "cross-check needs TARGET=<triple> CROSS_CC=<gcc>"; exit 2; }
	$(CARGO_ENV) $(CARGO) build --release $(CARGO_TARGET) -p lightseg-sim
	$(CROSS_CC) -Wall -Wextra -Werror -O2 -Iinclude c-examples/single_sensor.c \
		-o $(RELEASE)/single_sensor -L$(RELEASE) -llightseg
	$(QEMU) -L $(SYSROOT) -E LD_LIBRARY_PATH=$(RELEASE) \
		-E LD_PRELOAD=$(CURDIR)/$(RELEASE)/liblightseg_sim.so $(RELEASE)/single_sensor
	$(QEMU) -L $(SYSROOT) -E LD_PRELOAD=$(CURDIR)/$(RELEASE)/liblightseg_sim.so \
		$(RELEASE)/lightseg lux

# Installs into a temporary DESTDIR, builds C examples there with pkg-config (shared and
# --static), runs them, uninstalls (tests/install_check.sh).
install-check: libs tools
	MAKE="$(MAKE)" CC="$(CC)" VERSION=$(VERSION) SIM_SO=$(CURDIR)/$(SIM_SO) \
		bash tests/install_check.sh

examples: $(EXAMPLE_BINS) $(TEST_BINS) $(TEST_STATIC_BINS) $(SANITIZED_BINS) $(BENCH_BINS)

$(BUILD)/tests/%-asan: tests/c/%.c $(RELEASE)/.libs include/TSL2561.h include/7seg_bp_ada.h $(TEST_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O1 -g $(SANITIZE_FLAGS) -pthread -Iinclude $< -o $@ \
		-L$(RELEASE) -llightseg -Wl,-rpath,'$$ORIGIN/../../$(RELEASE)'

$(BUILD)/tests/%: tests/c/%.c $(RELEASE)/.libs include/TSL2561.h include/7seg_bp_ada.h $(TEST_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O2 -pthread -Iinclude $< -o $@ -L$(RELEASE) -llightseg \
		-Wl,-rpath,'$$ORIGIN/../../$(RELEASE)'

$(BUILD)/tests/%-static: tests/c/%.c $(RELEASE)/.libs include/TSL2561.h include/7seg_bp_ada.h $(TEST_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O2 -pthread -Iinclude $< -o $@ $(LIB_A) $(STATIC_LIBS)

$(BUILD)/examples/%: c-examples/%.c $(RELEASE)/.so include/TSL2561.h include/7seg_bp_ada.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O2 -Iinclude $< -o $@ -L$(RELEASE) -llightseg \
		-Wl,-rpath,'$$ORIGIN/../../$(RELEASE)'

$(BUILD)/examples/%-static: c-examples/%.c $(RELEASE)/.a include/TSL2561.h include/7seg_bp_ada.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O2 -Iinclude $< -o $@ $(LIB_A) $(STATIC_LIBS)

$(BUILD)/bench/ops: bench/ops.c $(RELEASE)/.libs include/TSL2561.h include/7seg_bp_ada.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O2 -Iinclude $< -o $@ -L$(RELEASE) -llightseg \
		-Wl,-rpath,'$$ORIGIN/../../$(RELEASE)'

$(BUILD)/bench/ops-static: bench/ops.c $(RELEASE)/.libs include/TSL2561.h include/7seg_bp_ada.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O2 -Iinclude $< -o $@ $(LIB_A) $(STATIC_LIBS)

# Every example and the layout test with every flag set, as C and as C++, against both
# library forms.
check-c: libs
	@mkdir -p $(BUILD)/check
	@set -e; for src in c-examples/*.c tests/c/*.c bench/*.c; do \
	  name=$$(basename $$src .c); \
	  for std in $(C_STD_FLAGS); do \
	    echo "  CC $$std $$src"; \
	    $(CC) $$std $(WARN_FLAGS) -O2 -pthread -Iinclude $$src -o $(BUILD)/check/$$name \
	      -L$(RELEASE) -llightseg; \
	    $(CC) $$std $(WARN_FLAGS) -O2 -pthread -Iinclude $$src -o $(BUILD)/check/$$name-static \
	      $(LIB_A) $(STATIC_LIBS); \
	  done; \
	  echo "  CC -Wall -O2 $$src"; \
	  $(CC) -Wall -O2 -pthread -Iinclude $$src -o $(BUILD)/check/$$name -L$(RELEASE) -llightseg; \
	  echo "  CXX $$src"; \
	  $(CXX) -x c++ $(WARN_FLAGS) -O2 -pthread -Iinclude $$src -o $(BUILD)/check/$$name-cxx \
	    -L$(RELEASE) -llightseg; \
	  $(CXX) -x c++ $(WARN_FLAGS) -O2 -pthread -Iinclude $$src -x none -o $(BUILD)/check/$$name-cxx-static \
	    $(LIB_A) $(STATIC_LIBS); \
	done
	LD_LIBRARY_PATH=$(RELEASE) $(BUILD)/check/layout
	LD_LIBRARY_PATH=$(RELEASE) $(BUILD)/check/layout-cxx

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# A bounded fuzz run (a few thousand call sequences) as part of `make test`.
fuzz-short: tools
	$(FUZZ_SIM) $(HOST_RELEASE)/lightseg-fuzz --cases 3000

# The long run: FUZZ_SECONDS of CPU time (default 600), fresh seeds each round.
fuzz: tools
	$(FUZZ_SIM) $(HOST_RELEASE)/lightseg-fuzz --cpu-seconds $(FUZZ_SECONDS) --seed $$(date +%s)

# Every example (shared and static) and test program under memcheck on the emulated bus:
# any memory error or definite leak fails.
valgrind: all
	@set -e; for program in $(EXAMPLE_BINS) $(TEST_BINS); do \
	  LD_PRELOAD=$(CURDIR)/$(SIM_SO) LIGHTSEG_SIM_SCENE=$(CURDIR)/$(EXAMPLE_SCENE) \
	    $(VALGRIND) $$program > /dev/null; \
	  echo "  memcheck: 0 errors: $$program"; \
	done

test: all lint check-c fuzz-short valgrind install-check kernel-check msrv-check deb \
	adafruit-check python-check wheels
	$(CARGO) test --release --workspace

# The Python package (python/, tools/python.sh): the wheel for this machine tested with
# pytest under the emulator; the wheels for x86_64, aarch64 and armv7 into build/wheels,
# the ARM ones taken a reading with under qemu-user.
python-check: all
	bash tools/python.sh check

wheels: all
	bash tools/python.sh wheels

# The differential test against Adafruit's CircuitPython HT16K33 library, and Adafruit's
# own programs on the virtual clock (tests/adafruit.rs): the libraries and examples,
# pinned, in a virtual environment cached outside the repository (tools/adafruit-venv.sh),
# run on Blinka under the emulator.
adafruit-check: all
	LIGHTSEG_ADAFRUIT_PYTHON="$$(bash tools/adafruit-venv.sh)" \
		$(CARGO) test --release --test adafruit -- --ignored

# Every example under the emulator, with one of each backpack on the bus
# (c-examples/backpacks.toml); each display is drawn when what it shows changes, in
# place on a terminal, where the emulator also keeps pace with the eye (animations move;
# piped, it runs at once and draws each display's last picture only). It builds only what it runs: the shared library, the
# emulator and the examples.
demo: $(RELEASE)/.so $(SIM_SO) $(EXAMPLES:%=$(BUILD)/examples/%)
	@pace=; [ -t 1 ] && pace=1; \
	for example in $(EXAMPLES); do \
	  echo "== $$example"; \
	  LD_PRELOAD=$(CURDIR)/$(SIM_SO) LIGHTSEG_SIM_SHOW=1 LIGHTSEG_SIM_PACE=$$pace \
	    LIGHTSEG_SIM_SCENE=$(CURDIR)/$(EXAMPLE_SCENE) $(BUILD)/examples/$$example \
	    || echo "(exit status $$?)"; \
	done

# The fast loop while changing the code: the build, lint, the Rust and C tests and the
# examples under the emulator (tests/emulated.rs runs them); no root, no network after
# the first build. `make test` is the whole suite.
check: libs lint test-programs
	$(CARGO) test --release --workspace

# The performance table of docs/PERFORMANCE.md (every target of issue 5, met or not):
# the benchmark programs under the emulator, in virtual time; real CPU time; sizes.
# BENCH_UPDATE=1 also writes the table into docs/PERFORMANCE.md.
bench: libs tools $(BENCH_BINS)
	$(HOST_RELEASE)/lightseg-bench --ops $(BUILD)/bench/ops --sim $(CURDIR)/$(SIM_SO) \
		--scene bench/scene.toml --library $(LIB_SO) --static-program $(BUILD)/bench/ops-static \
		$(if $(BENCH_UPDATE),--update docs/PERFORMANCE.md)

# Mutation testing of the driver cores, src/bus.rs and the C layer (.cargo/mutants.toml)
# with cargo-mutants (`cargo install cargo-mutants`); each mutant's C library and C
# programs are rebuilt by the tests, in a release build without LTO to save time.
# Results in mutants.out/; the score and the survivors are recorded in
# docs/RELIABILITY.md. MUTANTS_JOBS parallel builds (default 2).
MUTANTS_JOBS ?= 2
# cargo-mutants exits 3 when mutants only timed out (none missed): a hang is a detection.
mutants:
	CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
		$(CARGO) mutants --jobs $(MUTANTS_JOBS) $(MUTANTS_ARGS) || [ $$? -eq 3 ]

# lightseg on the real kernel's i2c-dev with i2c-stub, in QEMU, for KERNEL_ARCHES
# (kernel/check.sh: what it fetches is cached in ~/.cache/lightseg/kernel).
KERNEL_ARCHES ?= amd64 arm64
kernel-check:
	CARGO="$(CARGO)" bash kernel/check.sh $(KERNEL_ARCHES)

# Debian packages for amd64, arm64 and armhf in build/deb (tools/deb.sh): built, checked
# with lintian, unpacked into a throwaway root where a C program is built with pkg-config
# and run under the packaged emulator; the ARM binaries under qemu-user. DEB_ARCHES
# picks architectures.
deb:
	MAKE="$(MAKE)" bash tools/deb.sh

# The Rust floor: Debian's own toolchain (bookworm's cargo-web/rustc-web, pinned; the
# rust-version Cargo.toml states) builds the library, the command and the emulator from
# the committed Cargo.lock (tools/debian-rust.sh installs it when missing).
DEBIAN_RUST_VERSION := 1.85.0+dfsg3-1~deb12u3
msrv-check:
	bash tools/debian-rust.sh '$(DEBIAN_RUST_VERSION)'
	RUSTC=/usr/bin/rustc CARGO_TARGET_DIR=target/msrv PYO3_BUILD_EXTENSION_MODULE=1 \
		/usr/bin/cargo build --release --locked -p lightseg -p lightseg-cli -p lightseg-sim \
		-p lightseg-python

# Regenerates the fault-matrix table of docs/RELIABILITY.md.
reliability: all
	LIGHTSEG_WRITE_RELIABILITY=1 \
		$(CARGO) test --release --test fault_matrix

headers:
	$(CARGO) run --release -p lightseg-headers

clean:
	$(CARGO) clean
	rm -rf $(BUILD)

# The README's pictures of each backpack kind (docs/pictures/*.svg), drawn by the
# emulator (LIGHTSEG_SIM_SVG) from what the lightseg command and the examples show.
PICTURE_SIM := LD_PRELOAD=$(CURDIR)/$(SIM_SO) LIGHTSEG_SIM_SCENE=$(CURDIR)/$(EXAMPLE_SCENE)
pictures: all
	rm -rf $(BUILD)/svg && mkdir -p $(BUILD)/svg docs/pictures
	$(PICTURE_SIM) LIGHTSEG_SIM_SVG=$(BUILD)/svg $(RELEASE)/lightseg display 12:34 --brightness 8
	$(PICTURE_SIM) LIGHTSEG_SIM_SVG=$(BUILD)/svg $(BUILD)/examples/big_clock > /dev/null
	$(PICTURE_SIM) LIGHTSEG_SIM_SVG=$(BUILD)/svg $(RELEASE)/lightseg display -k alphanumeric \
		-a 0x72,0x73 'LIGHTSEG'
	$(PICTURE_SIM) LIGHTSEG_SIM_SVG=$(BUILD)/svg $(BUILD)/examples/matrices > /dev/null
	$(PICTURE_SIM) LIGHTSEG_SIM_SVG=$(BUILD)/svg $(BUILD)/examples/shapes > /dev/null
	$(PICTURE_SIM) LIGHTSEG_SIM_SVG=$(BUILD)/svg $(RELEASE)/lightseg display -k bargraph24 -a 0x77 \
		--bars GGGGGGGGGGGGGGGGYYYYRRRR
	cp $(BUILD)/svg/i2c-1-0x70.svg docs/pictures/seg7.svg
	cp $(BUILD)/svg/i2c-1-0x71.svg docs/pictures/seg7-large.svg
	cp $(BUILD)/svg/i2c-1-0x72.svg docs/pictures/alphanumeric-left.svg
	cp $(BUILD)/svg/i2c-1-0x73.svg docs/pictures/alphanumeric-right.svg
	cp $(BUILD)/svg/i2c-1-0x74.svg docs/pictures/matrix8x8.svg
	cp $(BUILD)/svg/i2c-1-0x75.svg docs/pictures/bicolor8x8.svg
	cp $(BUILD)/svg/i2c-1-0x76.svg docs/pictures/matrix16x8.svg
	cp $(BUILD)/svg/i2c-1-0x77.svg docs/pictures/bargraph24.svg
