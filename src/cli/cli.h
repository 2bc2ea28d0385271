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

#include "base/common.h"
#include "input/scenario.h"

enum { BS_EXIT_OK = 0, BS_EXIT_FAIL = 1, BS_EXIT_USAGE = 2 };

int bs_cmd_run(int argc, char **argv);
int bs_cmd_check(int argc, char **argv);
int bs_cmd_show(int argc, char **argv);
int bs_cmd_keys(int argc, char **argv);
int bs_cmd_limits(int argc, char **argv);
int bs_cmd_import(int argc, char **argv);
int bs_cmd_import_trips(int argc, char **argv);
int bs_cmd_calibrate(int argc, char **argv);

/* Print the warnings of an input: the first few named, then the count. */
void bs_cli_warnings(const struct bs_warnings *w);
/*
 * Files a command writes (the values of options such as -o), each through
 * fn(ud, fp): all of them are written to temporaries in their folders
 * first, and only when every one is complete are they committed (one
 * commit per folder), so a failure leaves every previous file as it was.
 * A folder that is bssim's own is held locked meanwhile. Entries with a
 * NULL path are skipped. 0, BS_E_INPUT when a path is not a regular file
 * (nothing replaced; err->key names its option), or BS_E_IO with err
 * filled (the file and the system's reason).
 */
struct bs_cli_out {
	const char *path, *opt;
	void (*fn)(const void *ud, FILE *fp);
	const void *ud;
};
int bs_cli_write_files(const struct bs_cli_out *outs, size_t n,
		       struct bs_error *err);
/* Check an output option's value before any work: a new file or a
 * regular one (bs_output_check_target). 0, or BS_EXIT_USAGE printed. */
int bs_cli_check_output(const char *opt, const char *path);
int bs_cmd_plotdata(int argc, char **argv);
int bs_cmd_report(int argc, char **argv);
int bs_cmd_sweep(int argc, char **argv);
int bs_cmd_merge(int argc, char **argv);
int bs_cmd_compare(int argc, char **argv);

/* When nonzero, bs_cli_error and bs_cli_usage print nothing (MPI ranks
 * other than 0, which see the same inputs). Set before any thread. */
extern int bs_cli_mute;

/*
 * Every message goes through these, on stderr, one line each: control
 * characters (bytes below 0x20, and 0x7f) in what they print - a file
 * name holding a newline or a terminal escape, a key, a value - are
 * shown escaped (\n, \t, \r, \x1b), so a message is always one line
 * and never drives the terminal.
 */
/* Print "bssim: <error>". */
void bs_cli_error(const struct bs_error *e);
/* Print "bssim <cmd>: <message>" and return BS_EXIT_USAGE. */
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
/* Print "bssim: <message>" (notes, outcomes). */
void bs_cli_say(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
/* An option's value that names something (a file, a folder, a ward):
 * 0, or "OPT '': expected WHAT" printed and BS_EXIT_USAGE when empty. */
int bs_cli_nonempty(const char *cmd, const char *opt, const char *val,
		    const char *what);
/* The same for the operands v[0..n) (files, folders): 0, or
 * "'': expected WHAT" printed and BS_EXIT_USAGE for the first empty one. */
int bs_cli_operands(const char *cmd, char *const *v, int n, const char *what);
/* Exit status for a BS_E_* code: input problems 2, others 1. */
int bs_cli_exit(int rc);

/* Parse an option's integer value in [lo, hi]; 0 or -1. */
int bs_cli_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* Split "KEY=VALUE" into an override; 0 or -1. */
int bs_cli_override(char *arg, struct bs_set *o);

/* SIGINT and SIGTERM received, once handlers are installed (nonzero:
 * stop). */
extern atomic_int bs_cli_stop;
void bs_cli_signals(void);

/*
 * The write of a result set, framed: between begin and end, an interrupt
 * (or one that came before begin) is not ignored silently: the first
 * prints "bssim: interrupt received: finishing the write of WHAT" at once
 * (WHAT from fmt), the write goes on to its end (abandoning it would lose
 * results already computed; SIGKILL still stops it, and the commit
 * journal keeps the folder whole), and end returns 1 so that the command
 * exits with status 1. begin installs the handlers; end restores the
 * default ones.
 */
void bs_cli_write_begin(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
int bs_cli_write_end(void);

/* main.c's frame around every command: closed standard streams are held
 * open (stdout read-only, so writes fail as on the closed descriptor and
 * no output file takes its number); at the end, a failed write to stdout
 * (a full disk, a closed pipe) is an error: exit status 1 and a message.
 * finish returns the exit status. */
void bs_cli_stdio_init(void);
int bs_cli_stdio_finish(int status);

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
