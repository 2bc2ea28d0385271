/*
 * testutil.h - helpers shared by the Check suites: temporary folders and
 * files, running the bssim executable, loading scenarios from strings.
 */
#ifndef BSSIM_TESTUTIL_H
#define BSSIM_TESTUTIL_H

#include <check.h>
#include <stddef.h>

#include "bssim/scenario.h"
#include "bssim/world.h"

/* A fresh temporary folder (freed by the caller; remove with tu_rmrf). */
char *tu_tmpdir(void);
void tu_rmrf(const char *dir);
/* Write content to dir/name; returns the path (caller frees). */
char *tu_write(const char *dir, const char *name, const char *content);
/* Whole file, NUL-terminated (caller frees), or NULL. */
char *tu_slurp(const char *path, size_t *len);
int tu_exists(const char *path);
/* Path of the executable under test ($BSSIM, default build/bssim). */
const char *tu_bssim(void);
/* Run a shell command line; stdout/stderr captured (caller frees either,
 * may pass NULL). Returns the exit status, or -1. */
int tu_run(const char *cmd, char **out, char **err);
/* Scenario from JSON text written to dir/name. */
struct bs_scenario *tu_scenario(const char *dir, const char *json,
				struct bs_error *err);
/* Path of a fixture under tests/fixtures. */
const char *tu_fixture(const char *name);
/* Absolute path of an existing file (static buffer, 4 in rotation). */
const char *tu_abspath(const char *path);
/* Count lines in a string. */
size_t tu_lines(const char *s);
/* Run a suite and return the number of failures. */
int tu_main(Suite *s);

#endif
