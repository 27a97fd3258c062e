# lightseg: build, test and demo with make and gcc.
#
#   make            library (.so with soname, .a), emulator, C examples
#   make test       every test: lint, Rust tests, header drift, C builds with all flag
#                   sets, the C examples end to end under the emulator
#   make demo       the C examples under the emulator, display drawn in the terminal
#   make headers    regenerate include/*.h from the Rust source (commit the result)
#   make clean

CARGO    ?= cargo
ifeq ($(origin CC),default)
CC := gcc
endif
ifeq ($(origin CXX),default)
CXX := g++
endif
BUILD    := build
RELEASE  := target/release
LIB_SO   := $(RELEASE)/liblightseg.so
LIB_A    := $(RELEASE)/liblightseg.a
VERSION  := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
ABI_MAJOR := 0
SONAME   := liblightseg.so.$(ABI_MAJOR)
SIM_SO   := $(RELEASE)/liblightseg_sim.so

# Native libraries the Rust standard library needs when linking the static archive.
STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

EXAMPLES := single_sensor three_sensors hello_display counter missing_bus
EXAMPLE_BINS := $(EXAMPLES:%=$(BUILD)/examples/%) $(EXAMPLES:%=$(BUILD)/examples/%-static)
TEST_PROGRAMS := $(basename $(notdir $(wildcard tests/c/*.c)))
TEST_BINS := $(TEST_PROGRAMS:%=$(BUILD)/tests/%)
BENCH_BINS := $(BUILD)/bench/ops $(BUILD)/bench/ops-static

# The flag sets every example must compile cleanly with (C and C++).
C_STD_FLAGS := -std=gnu99 -std=gnu11
WARN_FLAGS  := -Wall -Wextra -Werror

RUST_SOURCES := $(shell find src sim/src fuzz/src bench/src -name '*.rs') build.rs Cargo.toml \
	sim/Cargo.toml fuzz/Cargo.toml bench/Cargo.toml

FUZZ_SIM := LD_PRELOAD=$(CURDIR)/$(SIM_SO) LIGHTSEG_SIM_SCENE=$(CURDIR)/fuzz/scene.toml
FUZZ_SECONDS ?= 600

VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --show-possibly-lost=no \
	--errors-for-leak-kinds=definite

.PHONY: all libs examples test demo headers lint check-c clean fuzz fuzz-short valgrind \
	reliability bench

all: libs examples

libs: $(RELEASE)/.built

$(RELEASE)/.built: $(RUST_SOURCES)
	$(CARGO) build --release --workspace
	$(CARGO) rustc --release -p lightseg --lib --crate-type cdylib -- \
		-C link-arg=-Wl,-soname,$(SONAME)
	$(CARGO) rustc --release -p lightseg --lib --crate-type staticlib
	ln -sf liblightseg.so $(RELEASE)/$(SONAME)
	touch $@

examples: $(EXAMPLE_BINS) $(TEST_BINS) $(BENCH_BINS)

$(BUILD)/tests/%: tests/c/%.c $(RELEASE)/.built include/TSL2561.h include/7seg_bp_ada.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O2 -pthread -Iinclude $< -o $@ -L$(RELEASE) -llightseg \
		-Wl,-rpath,'$$ORIGIN/../../$(RELEASE)'

$(BUILD)/examples/%: c-examples/%.c $(RELEASE)/.built include/TSL2561.h include/7seg_bp_ada.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O2 -Iinclude $< -o $@ -L$(RELEASE) -llightseg \
		-Wl,-rpath,'$$ORIGIN/../../$(RELEASE)'

$(BUILD)/examples/%-static: c-examples/%.c $(RELEASE)/.built include/TSL2561.h include/7seg_bp_ada.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O2 -Iinclude $< -o $@ $(LIB_A) $(STATIC_LIBS)

$(BUILD)/bench/ops: bench/ops.c $(RELEASE)/.built include/TSL2561.h include/7seg_bp_ada.h
	@mkdir -p $(dir $@)
	$(CC) -Wall -Wextra -Werror -O2 -Iinclude $< -o $@ -L$(RELEASE) -llightseg \
		-Wl,-rpath,'$$ORIGIN/../../$(RELEASE)'

$(BUILD)/bench/ops-static: bench/ops.c $(RELEASE)/.built include/TSL2561.h include/7seg_bp_ada.h
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
fuzz-short: libs
	$(FUZZ_SIM) $(RELEASE)/lightseg-fuzz --cases 3000

# The long run: FUZZ_SECONDS of CPU time (default 600), fresh seeds each round.
fuzz: libs
	$(FUZZ_SIM) $(RELEASE)/lightseg-fuzz --cpu-seconds $(FUZZ_SECONDS) --seed $$(date +%s)

# Every example (shared and static) and test program under memcheck on the emulated bus:
# any memory error or definite leak fails.
valgrind: all
	@set -e; for program in $(EXAMPLE_BINS) $(TEST_BINS); do \
	  LD_PRELOAD=$(CURDIR)/$(SIM_SO) $(VALGRIND) $$program > /dev/null; \
	  echo "  memcheck: 0 errors: $$program"; \
	done

test: all lint check-c fuzz-short valgrind
	LIGHTSEG_BUILD_DIR=$(CURDIR)/$(BUILD) $(CARGO) test --release --workspace

demo: all
	@for example in $(EXAMPLES); do \
	  echo "== $$example"; \
	  LD_PRELOAD=$(CURDIR)/$(SIM_SO) LIGHTSEG_SIM_SHOW=1 $(BUILD)/examples/$$example \
	    || echo "(exit status $$?)"; \
	done

# The performance table of docs/PERFORMANCE.md (every target of issue 5, met or not):
# the benchmark programs under the emulator, in virtual time; real CPU time; sizes.
# BENCH_UPDATE=1 also writes the table into docs/PERFORMANCE.md.
bench: libs $(BENCH_BINS)
	$(RELEASE)/lightseg-bench --ops $(BUILD)/bench/ops --sim $(CURDIR)/$(SIM_SO) \
		--scene bench/scene.toml --library $(LIB_SO) --static-program $(BUILD)/bench/ops-static \
		$(if $(BENCH_UPDATE),--update docs/PERFORMANCE.md)

# Regenerates the fault-matrix table of docs/RELIABILITY.md.
reliability: all
	LIGHTSEG_BUILD_DIR=$(CURDIR)/$(BUILD) LIGHTSEG_WRITE_RELIABILITY=1 \
		$(CARGO) test --release --test fault_matrix

headers:
	LIGHTSEG_WRITE_HEADERS=1 $(CARGO) build --release
	touch $(RELEASE)/.built

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
