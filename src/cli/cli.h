/*
 * cli.h - shared pieces of the command-line front end: the subcommands,
 * error printing, exit codes, option value parsing, signals and progress.
 * Only this layer prints or exits.
 */
#ifndef BSSIM_CLI_H
#define BSSIM_CLI_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "bssim/common.h"
#include "bssim/scenario.h"

enum { BS_EXIT_OK = 0, BS_EXIT_FAIL = 1, BS_EXIT_USAGE = 2 };

int bs_cmd_run(int argc, char **argv);
int bs_cmd_check(int argc, char **argv);
int bs_cmd_show(int argc, char **argv);
int bs_cmd_keys(int argc, char **argv);
int bs_cmd_import(int argc, char **argv);
int bs_cmd_import_trips(int argc, char **argv);
int bs_cmd_calibrate(int argc, char **argv);

/* Print the warnings of an input: the first few named, then the count. */
void bs_cli_warnings(const struct bs_warnings *w);
/* Write a file through fn(ud, fp), whole or not at all (temporary name,
 * then rename). 0 or BS_E_IO with err filled. */
int bs_cli_write_file(const char *path, void (*fn)(const void *, FILE *),
		      const void *ud, struct bs_error *err);
int bs_cmd_plotdata(int argc, char **argv);
int bs_cmd_report(int argc, char **argv);
int bs_cmd_sweep(int argc, char **argv);
int bs_cmd_merge(int argc, char **argv);
int bs_cmd_compare(int argc, char **argv);

/* When nonzero, bs_cli_error and bs_cli_usage print nothing (MPI ranks
 * other than 0, which see the same inputs). Set before any thread. */
extern int bs_cli_mute;

/* Print "bssim: <error>" on stderr. */
void bs_cli_error(const struct bs_error *e);
/* Print "bssim <cmd>: <message>" on stderr and return BS_EXIT_USAGE. */
int bs_cli_usage(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* As bs_cli_usage for an allocation that failed: out of memory is no
 * fault of the input, so the exit status is 1 (BS_EXIT_FAIL). */
int bs_cli_nomem(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Exit status for a BS_E_* code: input problems 2, others 1. */
int bs_cli_exit(int rc);

/* Parse an option's integer value in [lo, hi]; 0 or -1. */
int bs_cli_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* Split "KEY=VALUE" into an override; 0 or -1. */
int bs_cli_override(char *arg, struct bs_override *o);

/* Stop flag set by SIGINT / SIGTERM once handlers are installed. */
extern atomic_int bs_cli_stop;
void bs_cli_signals(void);

/* Progress line on stderr (only when it is a terminal and not quiet). */
struct bs_progress {
	int on;
	double t0, last;
	const char *label;
};
void bs_progress_init(struct bs_progress *p, const char *label, int quiet);
void bs_progress_update(struct bs_progress *p, uint32_t done,
			uint32_t total, double frac);
void bs_progress_end(struct bs_progress *p);

/* runs.c: finished runs for plotdata and report. */
/* dir/name (in buf) when path is a folder, else path itself. */
const char *bs_cli_input_file(const char *path, const char *name, char *buf,
			      size_t sz);
/* A summary.json (new reference), or NULL with err filled. */
json_t *bs_cli_load_summary(const char *path, struct bs_error *err);
/*
 * Names for runs side by side: their scenario names, or when two share one
 * (one scenario run with different --set) their folder names, or the paths
 * as given. labels[] (n, NULL or owned strings) receives new strings the
 * caller frees. 0, or -1 when out of memory.
 */
int bs_cli_run_labels(char *const *dirs, json_t *const *docs, size_t n,
		      char **labels);

/* Seconds on a monotonic clock. */
double bs_cli_now(void);

#endif
