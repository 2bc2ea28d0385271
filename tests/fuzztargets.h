/*
 * fuzztargets.h - the bodies of bssim's fuzz targets: each takes arbitrary
 * bytes as the content of one input file and runs the reader on it. Used
 * by the libFuzzer binaries (fuzz/, `make fuzz`) and by check_fuzz, which
 * replays every kept input (tests/fuzz/<target>/) in `make check`.
 * A target returns 0; a crash, a sanitizer report or a leak is the finding.
 */
#ifndef BSSIM_FUZZTARGETS_H
#define BSSIM_FUZZTARGETS_H

#include <stddef.h>
#include <stdint.h>

int bs_fuzz_scenario(const uint8_t *data, size_t size);
int bs_fuzz_stations(const uint8_t *data, size_t size);
int bs_fuzz_gbfs(const uint8_t *data, size_t size);
int bs_fuzz_triplog(const uint8_t *data, size_t size);
int bs_fuzz_sweep(const uint8_t *data, size_t size);

#endif
