# bssim - build, test and run. See README.md.
#
#   make            build/bssim
#   make check      install missing packages, build, run every test
#   make demo       install, build, run the default four-ward comparison
#   make mpi        install Open MPI, build build/bssim-mpi (sweeps on MPI ranks)
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
CPPFLAGS := -Iinclude -D_POSIX_C_SOURCE=200809L -MMD -MP
PKG_CFLAGS := $(shell pkg-config --cflags gsl jansson 2>/dev/null)
CFLAGS := $(OPT) -g $(WARN) -pthread $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := -pthread $(EXTRA_LDFLAGS)
LIBS := $(shell pkg-config --libs gsl jansson 2>/dev/null || echo -lgsl -lgslcblas -ljansson) -lcsv -lm
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)

LIB_SRC := $(sort $(wildcard src/engine/*.c src/model/*.c src/io/*.c src/stats/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/check_*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TESTUTIL_OBJ := $(BUILD)/tests/testutil.o

.PHONY: all deps check check-run demo demo-run clean install test-bins mpi

# build/bssim-mpi: the same command line built by Open MPI's mpicc with
# -DBS_MPI, where `sweep` hands its tasks to MPI ranks (src/mpi/).
MPICC ?= mpicc
MPI_BUILD := $(BUILD)/mpi
MPI_OBJ := $(CLI_SRC:%.c=$(MPI_BUILD)/%.o) $(MPI_BUILD)/src/mpi/mpi_sweep.o
HAVE_MPI := $(shell command -v $(MPICC) >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1 && echo yes)

all: $(BUILD)/bssim

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libbssim.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/bssim: $(CLI_OBJ) $(BUILD)/libbssim.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libbssim.a $(LIBS)

# Tests build paths and commands in fixed buffers on purpose (a truncated
# path fails the test loudly), so gcc's truncation warning is off for them.
$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc/cli -Itests $(CFLAGS) -Wno-format-truncation -c $< -o $@

$(BUILD)/tests/check_%: $(BUILD)/tests/check_%.o $(TESTUTIL_OBJ) $(BUILD)/libbssim.a
	$(CC) $(LDFLAGS) -o $@ $< $(TESTUTIL_OBJ) $(BUILD)/libbssim.a $(LIBS) $(CHECK_LIBS)

test-bins: $(TEST_BIN)

$(MPI_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(MPICC) $(CPPFLAGS) -DBS_MPI -Isrc/cli $(CFLAGS) -c $< -o $@

$(BUILD)/bssim-mpi: $(MPI_OBJ) $(BUILD)/libbssim.a
	$(MPICC) $(LDFLAGS) -o $@ $(MPI_OBJ) $(BUILD)/libbssim.a $(LIBS)

mpi: deps
	@scripts/install-deps.sh mpi
	@$(MAKE) --no-print-directory $(BUILD)/bssim-mpi

deps:
	@scripts/install-deps.sh

# Open MPI (about 20 s to install once) so that the MPI sweep test runs
# too; without it (offline) that test is skipped, and says so.
check: deps
	@scripts/install-deps.sh mpi || echo "make check: could not install Open MPI; the MPI test will be skipped" >&2
	@$(MAKE) --no-print-directory check-run

check-run: all test-bins $(if $(HAVE_MPI),$(BUILD)/bssim-mpi)
	@$(if $(HAVE_MPI),,echo "  skip  MPI sweep test: mpicc/mpirun not found (scripts/install-deps.sh mpi)")
	@BSSIM=$(BUILD)/bssim BSSIM_MPI=$(if $(HAVE_MPI),$(BUILD)/bssim-mpi) BUILD=$(BUILD) tests/run.sh $(TEST_BIN)

demo: deps
	@scripts/install-deps.sh plots
	@$(MAKE) --no-print-directory demo-run

demo-run: all
	@scripts/demo.sh $(BUILD)/bssim

PREFIX ?= /usr/local
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bssim
	install -m 755 $(BUILD)/bssim $(DESTDIR)$(PREFIX)/bin/bssim
	cp -r scenarios data $(DESTDIR)$(PREFIX)/share/bssim/

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:=.d) $(TESTUTIL_OBJ:.o=.d) $(MPI_OBJ:.o=.d)
