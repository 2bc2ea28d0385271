# bssim - build, test and run. See README.md.
#
#   make            build/bssim, build/libbssim.{a,so} and build/examples/hello
#   make check      install missing packages, build, run every test
#   make check-repeat N=20   the suite N times in a row, stop at a failure
#   make check-browser  install chromium and run every test with the
#                   browser tests (the reports, English and Japanese, in
#                   headless Chromium), which make check skips
#   make demo       install, build, run the default four-ward comparison
#                   (isolated, one bilateral pair, full: service_level and
#                   reach_level with paired intervals), draw plots and report
#   make plots OUT=DIR [RUNS="RUN1 RUN2 ..."]
#                   PNG plots and report.html into DIR from a run's or a
#                   sweep's folder DIR, or from the runs RUNS side by side
#   make mpi        install Open MPI, build build/bssim-mpi (sweeps on MPI ranks)
#   make check-slurm  install Slurm and munge, start a one-node cluster on
#                   localhost (as root) and run docs/cluster.md's recipes on it
#   make bench      benchmarks against a lean reference loop (docs/performance.md)
#   make sanitize   every test under AddressSanitizer and UBSan
#   make fuzz FUZZ_SECONDS=N [FUZZ_JOBS=2]   each libFuzzer target for N seconds
#   make fuzz-smoke     every fuzz target over its seeds and kept inputs (CI)
#   make clean
#
# Targets that need packages call scripts/install-deps.sh first and then
# re-enter make, so that pkg-config sees what was just installed.

.DEFAULT_GOAL := all
.SUFFIXES:
.SECONDARY:

BUILD ?= build
CC ?= cc
OPT ?= -O2
WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wformat=2 -Wdouble-promotion -Werror
CPPFLAGS := -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L -DHAVE_INLINE -MMD -MP
PKG_CFLAGS := $(shell pkg-config --cflags gsl jansson zlib xlsxwriter 2>/dev/null)
CFLAGS := $(OPT) -g $(WARN) -pthread $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := -pthread $(EXTRA_LDFLAGS)
LIBS := $(shell pkg-config --libs gsl jansson zlib 2>/dev/null || echo -lgsl -lgslcblas -ljansson -lz) -lcsv -lm
# results.xlsx (output.xlsx): Debian's libxlsxwriter-dev, 1.1.4 in Debian 12
LIBS += $(shell pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter -lz)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)
# only the tests that look inside PNG files link libpng
PNG_CFLAGS := $(shell pkg-config --cflags libpng 2>/dev/null)
PNG_LIBS := $(shell pkg-config --libs libpng 2>/dev/null || echo -lpng16 -lz)

# the library, folder by folder from the bottom layer up (docs/architecture.md)
LIB_DIRS := base engine model stats input output calib exp api
LIB_SRC := $(sort $(foreach d,$(LIB_DIRS),$(wildcard src/$(d)/*.c)))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/check_*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TESTUTIL_OBJ := $(BUILD)/tests/testutil.o
TESTPNG_OBJ := $(BUILD)/tests/testpng.o
PNG_TESTS := $(BUILD)/tests/check_plots $(BUILD)/tests/check_report
# the example program of libbssim (examples/hello.c)
HELLO := $(BUILD)/examples/hello

.PHONY: all deps check check-run check-repeat check-browser demo demo-run plots plots-run \
	check-slurm check-slurm-run clean install test-bins bench bench-run bench-callgrind bench-scaling keys-doc sanitize memcheck fuzz \
	fuzz-run fuzz-smoke fuzz-smoke-run mpi shared

# build/bssim-mpi: the sweep on MPI ranks, a front end of its own
# (src/mpi/) built by Open MPI's mpicc on the library.
MPICC ?= mpicc
MPI_BUILD := $(BUILD)/mpi
MPI_OBJ := $(MPI_BUILD)/src/mpi/main.o
HAVE_MPI := $(shell command -v $(MPICC) >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1 && echo yes)

all: $(BUILD)/bssim shared $(HELLO)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libbssim.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# libbssim.so: the same sources compiled position-independent, with every
# symbol hidden except those bssim.h marks BS_API; the soname carries the
# major version (the ABI rule in bssim.h). The static library keeps every
# symbol, for the suites that test internals.
SO_MAJOR := 0
SO_VERSION := 0.1.0
SO_NAME := libbssim.so.$(SO_MAJOR)
PIC_OBJ := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)
$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -DBS_BUILDING_LIBRARY -c $< -o $@

$(BUILD)/libbssim.so.$(SO_VERSION): $(PIC_OBJ)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SO_NAME) -Wl,--no-undefined -o $@ $^ $(LIBS)

$(BUILD)/$(SO_NAME) $(BUILD)/libbssim.so: $(BUILD)/libbssim.so.$(SO_VERSION)
	ln -sf libbssim.so.$(SO_VERSION) $@

shared: $(BUILD)/libbssim.so $(BUILD)/$(SO_NAME)

$(BUILD)/bssim: $(CLI_OBJ) $(BUILD)/libbssim.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libbssim.a $(LIBS)

# Tests build paths and commands in fixed buffers on purpose (a truncated
# path fails the test loudly), so gcc's truncation warning is off for them.
$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc/cli -Itests $(CFLAGS) -Wno-format-truncation -c $< -o $@

$(BUILD)/tests/testpng.o: tests/testpng.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(PNG_CFLAGS) -c $< -o $@

$(BUILD)/tests/check_%: $(BUILD)/tests/check_%.o $(TESTUTIL_OBJ) $(BUILD)/libbssim.a
	$(CC) $(LDFLAGS) -o $@ $< $(TESTUTIL_OBJ) $(TEST_EXTRA) $(BUILD)/libbssim.a $(LIBS) $(CHECK_LIBS)

# The contract suites of libbssim (tests/check_api*.c) and the example
# program: compiled with include/ and tests/ alone on the include path
# (they may use nothing but bssim.h; testutil.o needs nothing more) and
# linked against the shared library, so that the link itself proves
# every function they call is exported. The rpath $ORIGIN/.. finds the
# .so of their own build (build/ or build/sanitize/).
API_CPPFLAGS := -Iinclude -Itests -D_POSIX_C_SOURCE=200809L -MMD -MP
SO_LINK := -L$(BUILD) -Wl,-rpath,'$$ORIGIN/..' -lbssim
API_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/check_api*.c))
$(API_TESTS:=.o): $(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(API_CPPFLAGS) $(CFLAGS) -Wno-format-truncation -c $< -o $@

$(API_TESTS): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(TESTUTIL_OBJ) $(BUILD)/libbssim.so $(BUILD)/$(SO_NAME) $(HELLO)
	$(CC) $(LDFLAGS) -o $@ $< $(TESTUTIL_OBJ) $(SO_LINK) $(CHECK_LIBS) -lm

$(HELLO): examples/hello.c $(BUILD)/libbssim.so $(BUILD)/$(SO_NAME)
	@mkdir -p $(dir $@)
	$(CC) $(API_CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(SO_LINK)

$(PNG_TESTS): $(TESTPNG_OBJ)
$(PNG_TESTS): TEST_EXTRA = $(TESTPNG_OBJ) $(PNG_LIBS)

# the fuzz targets' bodies, replayed over kept inputs by check_fuzz
$(BUILD)/tests/check_fuzz: $(BUILD)/tests/fuzztargets.o
$(BUILD)/tests/check_fuzz: TEST_EXTRA = $(BUILD)/tests/fuzztargets.o

test-bins: $(TEST_BIN)

$(MPI_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(MPICC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/bssim-mpi: $(MPI_OBJ) $(BUILD)/libbssim.a
	$(MPICC) $(LDFLAGS) -o $@ $(MPI_OBJ) $(BUILD)/libbssim.a $(LIBS)

mpi: deps
	@scripts/install-deps.sh mpi
	@$(MAKE) --no-print-directory $(BUILD)/bssim-mpi

deps:
	@scripts/install-deps.sh

# gnuplot is a test dependency: the plot tests draw real PNGs. Open MPI
# (about 20 s to install once) so that the MPI sweep test runs too; without
# it (offline) that test is skipped, and says so. Chromium (~300 MB with its
# libraries) is not installed by `make check`; its test runs when it is
# there and says SKIP otherwise (see docs/plots.md).
check: deps
	@scripts/install-deps.sh plots python
	@scripts/install-deps.sh mpi || echo "make check: could not install Open MPI; the MPI test will be skipped" >&2
	@$(MAKE) --no-print-directory check-run

# make check-repeat N=20: the whole suite N times in a row, stopping at the
# first failure (scripts/check-repeat.sh; logs in build/check-repeat/).
N ?= 10
check-repeat: deps
	@scripts/install-deps.sh plots python
	@scripts/install-deps.sh mpi || echo "make check-repeat: could not install Open MPI; the MPI test will be skipped" >&2
	@$(MAKE) --no-print-directory all test-bins $(if $(HAVE_MPI),$(BUILD)/bssim-mpi)
	@scripts/check-repeat.sh $(N) $(BUILD) $(MAKE) --no-print-directory check-run

check-browser: deps
	@scripts/install-deps.sh plots browser python
	@BSSIM_CHECK_BROWSER=1 $(MAKE) --no-print-directory check-run

check-run: all test-bins $(if $(HAVE_MPI),$(BUILD)/bssim-mpi)
	@$(if $(HAVE_MPI),,echo "  skip  MPI sweep test: mpicc/mpirun not found (scripts/install-deps.sh mpi)")
	@BSSIM=$(BUILD)/bssim BSSIM_MPI=$(if $(HAVE_MPI),$(BUILD)/bssim-mpi) BUILD=$(BUILD) PYTHON=$(PYTHON) \
		BSSIM_CFLAGS="$(EXTRA_CFLAGS)" tests/run.sh $(TEST_BIN) tests/check_python tests/check_xlsx
	@tests/slurm/recipe.sh

# The Slurm recipes of docs/cluster.md on a real one-node cluster
# (tests/slurm/check-slurm.sh): the job array and its merge, a shard
# cancelled by scancel and resumed, MPI under srun and sbatch; each
# against a local --jobs 2 run, byte for byte. Root, about a minute.
check-slurm: deps
	@scripts/install-deps.sh mpi slurm
	@$(MAKE) --no-print-directory check-slurm-run

check-slurm-run: all $(BUILD)/bssim-mpi
	@tests/slurm/check-slurm.sh $(BUILD)

demo: deps
	@scripts/install-deps.sh plots
	@$(MAKE) --no-print-directory demo-run

demo-run: all
	@scripts/demo.sh $(BUILD)/bssim

# Benchmarks (docs/performance.md): the harness times bssim's event loop,
# bench/lean.c is the lean reference loop; both at -O2 like the release.
$(BUILD)/bench/harness: bench/harness.c $(BUILD)/libbssim.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libbssim.a $(LIBS)

$(BUILD)/bench/lean: bench/lean.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -o $@ $< $(LIBS)

bench: deps
	@$(MAKE) --no-print-directory bench-run

bench-run: all $(BUILD)/bench/harness $(BUILD)/bench/lean
	@bench/run.sh $(BUILD)

# Instruction counts (callgrind) of the engine and the lean loop, and the
# scaling table of docs/performance.md (bench/scaling.csv).
bench-callgrind: deps all $(BUILD)/bench/harness $(BUILD)/bench/lean
	@scripts/install-deps.sh bench
	@bench/callgrind.sh $(BUILD)

bench-scaling: deps all
	@scripts/install-deps.sh bench
	@bench/scaling.sh $(BUILD)

# Every test under AddressSanitizer and UndefinedBehaviorSanitizer, in a
# build of its own (build/sanitize); any report fails the run.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
sanitize: deps
	@$(MAKE) --no-print-directory check-run BUILD=$(BUILD)/sanitize OPT=-O1 \
		EXTRA_CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="$(SAN_FLAGS)"

# valgrind memcheck on a short run of every kind of scenario.
memcheck: deps all
	@scripts/install-deps.sh bench
	@scripts/memcheck.sh $(BUILD)/bssim

# libFuzzer targets (clang): the library and the target bodies built with
# -fsanitize=fuzzer-no-link,address,undefined in build/fuzz. `make fuzz`
# runs each target FUZZ_SECONDS, FUZZ_JOBS at a time, going on after a
# finding unless FUZZ_KEEP_GOING=0, and prints a table of executions and
# coverage (fuzz/run.sh); findings are left in build/fuzz-findings/ and,
# once fixed, kept in tests/fuzz/<target>/.
# `make fuzz-smoke` (CI) runs every target over its seeds and kept inputs,
# then FUZZ_SMOKE_SECONDS of new inputs each; any finding fails it.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_JOBS ?= 1
FUZZ_KEEP_GOING ?= 1
FUZZ_TARGETS := scenario stations gbfs triplog sweep stock rates od status set
FUZZ_CC := clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/%.o) $(BUILD)/fuzz/tests/fuzztargets.o
$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -Itests -std=c11 -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) \
		-pthread $(PKG_CFLAGS) -c $< -o $@
# a static pattern: a plain one would also match (and try to remake) the
# binaries' own .d files, which are included below
$(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%): $(BUILD)/fuzz/fuzz_%: fuzz/fuzz_main.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) -Itests -std=c11 -O1 -g -DFUZZ_TARGET=bs_fuzz_$* \
		-fsanitize=fuzzer $(FUZZ_SAN) -pthread -o $@ $< $(FUZZ_OBJ) $(LIBS)

fuzz: deps
	@scripts/install-deps.sh fuzz
	@$(MAKE) --no-print-directory fuzz-run

fuzz-run: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	@FUZZ_KEEP_GOING=$(FUZZ_KEEP_GOING) fuzz/run.sh -j $(FUZZ_JOBS) $(BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: deps
	@scripts/install-deps.sh fuzz
	@$(MAKE) --no-print-directory fuzz-smoke-run

fuzz-smoke-run: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	@fuzz/run.sh --smoke -j $(FUZZ_JOBS) $(BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

# Regenerate what is made from the code: docs/scenario-keys.md from the key
# table, the limits table of docs/robustness.md, docs/bssim.schema.json,
# and the layer diagram docs/img/layers.dot (and its drawing layers.svg,
# with graphviz). make check fails when any of them is stale.
keys-doc: all
	@$(BUILD)/bssim schema > docs/bssim.schema.json.tmp && \
	 mv docs/bssim.schema.json.tmp docs/bssim.schema.json
	@python3 scripts/layers.py --dot > docs/img/layers.dot.tmp && \
	 mv docs/img/layers.dot.tmp docs/img/layers.dot
	@if command -v dot >/dev/null; then dot -Tsvg docs/img/layers.dot -o docs/img/layers.svg; \
	 else echo "keys-doc: graphviz's dot is not installed: docs/img/layers.svg not redrawn (scripts/install-deps.sh docs)" >&2; fi
	@{ sed '/<!-- generated by: bssim keys -->/q' docs/scenario-keys.md; \
	   $(BUILD)/bssim keys; } > docs/scenario-keys.md.tmp && \
	 mv docs/scenario-keys.md.tmp docs/scenario-keys.md
	@{ sed '/<!-- generated by: bssim limits -->/q' docs/robustness.md; \
	   $(BUILD)/bssim limits; \
	   sed -n '/<!-- end of generated table -->/,$$p' docs/robustness.md; } \
	   > docs/robustness.md.tmp && mv docs/robustness.md.tmp docs/robustness.md
plots: deps
	@scripts/install-deps.sh plots
	@$(MAKE) --no-print-directory plots-run

plots-run: all
	@if [ -z "$(OUT)" ]; then \
		echo 'usage: make plots OUT=DIR [RUNS="RUN1 RUN2 ..."] (see docs/plots.md)' >&2; \
		exit 2; fi
	@BSSIM=$(BUILD)/bssim plots/plots.sh "$(OUT)" $(RUNS)

# make install [PREFIX=/usr/local] [DESTDIR=]: the command line (and
# bssim-mpi when built), libbssim (shared, with its soname, and static),
# bssim.h, bssim.pc for pkg-config, the man page bssim(1), and under
# share/bssim the plot scripts (with bssim-plots on PATH to run them), the
# docs, the shipped scenarios and their data; and the Python package
# (install-python below) when python3 is there.
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
LIBDIR = $(DESTDIR)$(PREFIX)/lib
INCDIR = $(DESTDIR)$(PREFIX)/include
SHAREDIR = $(DESTDIR)$(PREFIX)/share/bssim
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1

install: all
	install -d $(BINDIR) $(LIBDIR)/pkgconfig $(INCDIR) $(MANDIR) \
		$(SHAREDIR)/plots $(SHAREDIR)/docs/img
	install -m 755 $(BUILD)/bssim $(BINDIR)/bssim
	if [ -x $(BUILD)/bssim-mpi ]; then install -m 755 $(BUILD)/bssim-mpi $(BINDIR)/bssim-mpi; fi
	install -m 755 $(BUILD)/libbssim.so.$(SO_VERSION) $(LIBDIR)/
	ln -sf libbssim.so.$(SO_VERSION) $(LIBDIR)/$(SO_NAME)
	ln -sf $(SO_NAME) $(LIBDIR)/libbssim.so
	install -m 644 $(BUILD)/libbssim.a $(LIBDIR)/libbssim.a
	install -m 644 include/bssim.h $(INCDIR)/bssim.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(SO_VERSION)|' bssim.pc.in \
		> $(LIBDIR)/pkgconfig/bssim.pc
	install -m 644 docs/bssim.1 $(MANDIR)/bssim.1
	install -m 644 plots/*.gp $(SHAREDIR)/plots/
	install -m 755 plots/plots.sh $(SHAREDIR)/plots/plots.sh
	printf '#!/bin/sh\n# bssim-plots OUT [RUN...]: plots and report of runs (docs/plots.md)\nexec "%s/share/bssim/plots/plots.sh" "$$@"\n' \
		"$(PREFIX)" > $(BINDIR)/bssim-plots
	chmod 755 $(BINDIR)/bssim-plots
	install -m 644 README.md docs/*.md docs/bssim.schema.json $(SHAREDIR)/docs/
	install -m 644 docs/img/* $(SHAREDIR)/docs/img/
	cp -r scenarios data $(SHAREDIR)/
	@if command -v $(PYTHON) >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory install-python PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' PYTHON='$(PYTHON)'; \
	else echo "install: $(PYTHON) not found: the Python package (python/bssim) is not installed" >&2; fi

clean:
	rm -rf build

# ---- the Python package (python/bssim; docs/python.md) -----------------------
# `make install-python PREFIX=...` copies the package into PYTHON_DIR and
# records PREFIX/lib, where `make install` puts libbssim.so.0, in its
# _config.py (the package looks there after BSSIM_LIBRARY). PYTHON_DIR: a
# site-packages folder of $(PYTHON) under PREFIX/lib (Debian, PREFIX
# /usr/local: /usr/local/lib/python3.X/dist-packages, on sys.path), else
# PREFIX's posix_prefix purelib, which PYTHONPATH must then name (the
# target says so). Debian's python3 first: python3-pandas is its.
PYTHON ?= $(if $(wildcard /usr/bin/python3),/usr/bin/python3,python3)
PYTHON_DIR ?= $(shell $(PYTHON) python/sitedir.py '$(PREFIX)')
PY_FILES := $(filter-out python/bssim/_config.py,$(sort $(wildcard python/bssim/*.py)))
.PHONY: install-python
install-python:
	@test -n "$(PYTHON_DIR)" || { echo "install-python: cannot tell where $(PYTHON) installs packages; give PYTHON_DIR=DIR" >&2; exit 2; }
	install -d $(DESTDIR)$(PYTHON_DIR)/bssim
	install -m 644 $(PY_FILES) $(DESTDIR)$(PYTHON_DIR)/bssim/
	$(PYTHON) -c 'import sys; print("# made by make install-python: where make install put libbssim.so.0\nlibdir = %r" % sys.argv[1])' \
		'$(PREFIX)/lib' > $(DESTDIR)$(PYTHON_DIR)/bssim/_config.py
	@$(PYTHON) python/sitedir.py --note '$(PREFIX)' '$(PYTHON_DIR)'

# Header dependencies of every build, the fuzz and bench ones included
# (without them a changed struct leaves stale objects of the old layout).
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TESTUTIL_OBJ:.o=.d) \
	$(TESTPNG_OBJ:.o=.d) $(MPI_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) $(PIC_OBJ:.o=.d) \
	$(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%.d) $(BUILD)/bench/harness.d $(HELLO).d
