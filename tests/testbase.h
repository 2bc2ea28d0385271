/*
 * testbase.h - helpers shared by the Check suites: temporary folders and
 * files, running the bssim executable, loading scenarios from strings.
 * It needs nothing but bssim.h, so that check_api (the contract test of
 * libbssim.so, built without src/ on its include path) uses it too; the
 * white-box suites include testutil.h, which adds the internal headers.
 */
#ifndef BSSIM_TESTBASE_H
#define BSSIM_TESTBASE_H

#include <check.h>
#include <stddef.h>
#include <sys/types.h>

#include "bssim.h"

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
/* dir/no-cjk-fonts.conf: a fontconfig file (FONTCONFIG_FILE) that knows
 * only the folder of DejaVu Sans, as a machine without a CJK font; the
 * path (caller frees), or NULL when fc-match cannot find DejaVu Sans. */
char *tu_no_cjk_fontconfig(const char *dir);
/* dir/base.json: a scenario of a few milliseconds on the six-port
 * fixture (2 replications of 2 days, 300 trips a day). */
void tu_write_small_base(const char *dir);
/* Scenario from JSON text written to dir/name. */
struct bs_scenario *tu_scenario(const char *dir, const char *json,
				struct bs_error *err);
/* dir/name (or, dir NULL, name made absolute as tu_abspath does) as a
 * string that lives until tu_paths_free, which the suite's teardown
 * calls: paths a test keeps in option structs while making others. */
const char *tu_path(const char *dir, const char *name);
void tu_paths_free(void);
/* Path of a fixture under tests/fixtures. */
const char *tu_fixture(const char *name);
/* Absolute path of an existing file (static buffer, 4 in rotation). */
const char *tu_abspath(const char *path);
/* bssim (tu_bssim()) with printf-style arguments, run in cwd (NULL:
 * the test's own folder); as tu_run. */
int tu_cli(const char *cwd, char **out, char **err, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
/* JSON text of bssim's (summary.json, sweep.json) with its top-level
 * member "run" cut out, in place: the facts of the machine and the
 * moment, the one part that differs between two runs of the same
 * inputs. Returns s. */
char *tu_strip_run(char *s);
/* Fail the test unless folders a and b hold the same entries with the
 * same bytes (summary.json and sweep.json compared without "run"),
 * leaving out the names in skip (NULL-terminated, or NULL). */
void tu_same_folders(const char *a, const char *b, const char *const *skip);
/* Count lines in a string. */
size_t tu_lines(const char *s);
/* Run a suite and return the number of failures. */
int tu_main(Suite *s);

/*
 * Processes a test drives step by step, never by the clock: bssim started
 * with BSSIM_TEST_STOP_AT stops itself at a test point (common.h); the
 * test waits for that (tu_wait_stopped), acts, and lets it go on
 * (tu_continue). Every process started here and not waited for is killed
 * when the test process exits, a failed assertion included.
 */
struct tu_spawn {
	const char *cwd;        /* NULL: the test's own */
	const char *stop_at;    /* BSSIM_TEST_STOP_AT, or NULL */
	const char *fail_write; /* BSSIM_TEST_FAIL_WRITE, or NULL */
	const char *out, *err;  /* files for stdout and stderr; NULL: /dev/null */
};
/* Start bssim (tu_bssim()) with the arguments that follow, up to NULL. */
pid_t tu_start(const struct tu_spawn *o, ...);
/* Wait until pid has stopped at its test point (fails the test when it
 * ended instead). */
void tu_wait_stopped(pid_t pid);
void tu_continue(pid_t pid);
/* Wait for pid to end: its exit status, or 128 + the signal that killed
 * it. */
int tu_wait_exit(pid_t pid);
/* Send sig to the stopped pid, let it go on, and wait for its end: its
 * status as tu_wait_exit. */
int tu_signal_and_wait(pid_t pid, int sig);
/* Temporaries bssim left in dir (names ".*.tmp.*"), counted. */
int tu_temporaries(const char *dir);
/* Whether the test runs as root (device nodes need it). */
int tu_root(void);

#endif
