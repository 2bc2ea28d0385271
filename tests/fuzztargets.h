/*
 * fuzztargets.h - the bodies of bssim's fuzz targets: each takes arbitrary
 * bytes as the content of one input file (or, for gbfs and set, of a few
 * split from one input) and runs the reader on it. Used by the libFuzzer
 * binaries (fuzz/, `make fuzz`) and by check_fuzz, which replays every
 * seed (fuzz/seeds/<target>/) and every kept input (tests/fuzz/<target>/)
 * in `make check`.
 *
 * A target returns 0; a crash, a sanitizer report, a leak or an abort()
 * (a broken harness, or two reads of the same bytes that disagree) is the
 * finding. Targets are deterministic: they write only into a folder of
 * their own under $TMPDIR (default /tmp), made with mkdtemp and removed at
 * exit, and read no file that the input names (a scenario naming a table
 * is loaded but its world is not built).
 *
 * Input layouts (docs/robustness.md section 5):
 *   gbfs: station_information, station_status, system_regions, a region
 *     map and a ward list, separated by lines "----"; see bs_fuzz_gbfs.
 *   set: one --set KEY=VALUE per line, applied to a fixed small scenario.
 *   stock, rates, od, status: the CSV, read against a fixed network of
 *     twelve stations (six of Tokyo, six of Jersey City: real ids).
 */
#ifndef BSSIM_FUZZTARGETS_H
#define BSSIM_FUZZTARGETS_H

#include <stddef.h>
#include <stdint.h>

/* The separator of the parts of a gbfs input: a line "----". */
#define BS_FUZZ_SEP "\n----\n"

/* The process's temporary folder (made on first use; removed at exit). */
const char *bs_fuzz_dir(void);

int bs_fuzz_scenario(const uint8_t *data, size_t size);
int bs_fuzz_stations(const uint8_t *data, size_t size);
int bs_fuzz_gbfs(const uint8_t *data, size_t size);
int bs_fuzz_triplog(const uint8_t *data, size_t size);
int bs_fuzz_sweep(const uint8_t *data, size_t size);
int bs_fuzz_stock(const uint8_t *data, size_t size);
int bs_fuzz_rates(const uint8_t *data, size_t size);
int bs_fuzz_od(const uint8_t *data, size_t size);
int bs_fuzz_status(const uint8_t *data, size_t size);
int bs_fuzz_set(const uint8_t *data, size_t size);

#endif
