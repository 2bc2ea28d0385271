/*
 * cli.h - shared pieces of the command-line front end: the subcommands,
 * error printing, exit codes, option value parsing, signals, the write
 * frame and progress. The front end uses the library through bssim.h
 * alone, and only it prints or exits.
 */
#ifndef BSSIM_CLI_H
#define BSSIM_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "bssim.h"

enum { BS_EXIT_OK = 0, BS_EXIT_FAIL = 1, BS_EXIT_USAGE = 2 };

int bs_cmd_run(int argc, char **argv);
int bs_cmd_check(int argc, char **argv);
int bs_cmd_show(int argc, char **argv);
int bs_cmd_keys(int argc, char **argv);
int bs_cmd_limits(int argc, char **argv);
int bs_cmd_schema(int argc, char **argv);
int bs_cmd_import(int argc, char **argv);
int bs_cmd_calibrate(int argc, char **argv);
int bs_cmd_calibrate_od(int argc, char **argv);
int bs_cmd_plotdata(int argc, char **argv);
int bs_cmd_report(int argc, char **argv);
int bs_cmd_sweep(int argc, char **argv);
int bs_cmd_merge(int argc, char **argv);
int bs_cmd_compare(int argc, char **argv);
int bs_cmd_optimize(int argc, char **argv);

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
/* Print the error and return its exit status (bs_exit_status). */
int bs_cli_fail(const struct bs_error *e, int rc);
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
/* Print the warnings of an input: the first few named, then the count. */
void bs_cli_warnings(const struct bs_warnings *w);
void bs_cli_notes(const struct bs_warnings *w);
/* An option's value that names something (a file, a folder, a ward):
 * 0, or "OPT '': expected WHAT" printed and BS_EXIT_USAGE when empty. */
int bs_cli_nonempty(const char *cmd, const char *opt, const char *val,
		    const char *what);
/* The metric shown at position pos (< bs_metric_count()) of a table for
 * people (show, compare): the table's order, except that reach_level and
 * the other arrival metrics stand right after service_level, the one they
 * qualify. Files keep the table's order. O(metrics) per call. */
size_t bs_cli_metric_at(size_t pos);
/* The same for the operands v[0..n) (files, folders): 0, or
 * "'': expected WHAT" printed and BS_EXIT_USAGE for the first empty one. */
int bs_cli_operands(const char *cmd, char *const *v, int n, const char *what);

/* getopt_long returned ch ':' (an option without its value) or '?' (an
 * unknown option, argv[optind - 1]): the message, and BS_EXIT_USAGE.
 * help names the command whose --help to see. */
int bs_cli_bad_option(const char *cmd, const char *help, int ch, char **argv);

/* The one operand a command takes (argv[optind], as getopt left it):
 * 0 and *out, or the message ("missing MISSING", "unexpected argument
 * 'X'; expected only WHAT", "'': expected WHAT") and BS_EXIT_USAGE. */
int bs_cli_one_operand(const char *cmd, int argc, char **argv,
		       const char *missing, const char *what, const char **out);

/* An integer option (opt, from lo to hi) that stands for --set key=N:
 * *set filled, its text in buf (BS_CLI_NUMBUF bytes, owned by the
 * caller for as long as set is used); 0, or the message and
 * BS_EXIT_USAGE. */
#define BS_CLI_NUMBUF 32
int bs_cli_set_number(const char *cmd, const char *opt, const char *key,
		      const char *arg, uint64_t lo, uint64_t hi, char *buf,
		      struct bs_set *set);

/* Parse an option's integer value in [lo, hi]; 0 or -1. */
int bs_cli_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* Split "KEY=VALUE" into an override; 0 or -1. */
int bs_cli_override(char *arg, struct bs_set *o);

/* SIGINT and SIGTERM ask the library to stop (bs_interrupt) once the
 * handlers are installed. */
void bs_cli_signals(void);

/*
 * The write of results, framed by the library's monitor (its `writing`
 * callback): between begin and end, an interrupt (or one that came
 * before begin) is not ignored silently: the first prints "bssim:
 * interrupt received: finishing the write of WHAT" at once, the write
 * goes on to its end (abandoning it would lose results already computed;
 * SIGKILL still stops it, and the commit journal keeps the folder whole).
 * After the write the default handlers are back. bs_cli_monitor fills a
 * monitor with it and, unless quiet, with a progress line labelled label.
 */
struct bs_cli_watch {
	int progress_on;
	double t0, last;
	const char *label;
	/* --progress[=SECONDS] (bs_cli_watch_lines): a line every `every`
	 * seconds and one at the end, instead of the terminal's bar */
	double every, days_total;
	const char *unit;
	uint64_t done, total;
	double frac;
	int lines, final_said;
};
void bs_cli_monitor(struct bs_monitor *m, struct bs_cli_watch *w,
		    const char *label, int quiet);
/* Progress as lines (unless quiet): "bssim: progress: LABEL: D/T UNIT
 * done, X of Y simulated days, E s elapsed, about L s left", one every
 * `every` seconds (the first after `every` seconds) and one at the end
 * (bs_cli_watch_end), whether stderr is a terminal or a log file.
 * days_total: the simulated days of all units (NaN: not said). */
void bs_cli_watch_lines(struct bs_cli_watch *w, double every,
			double days_total, const char *unit, int quiet);
/* --progress[=SECONDS]: the interval, from optarg (NULL: the default,
 * BS_CLI_PROGRESS_S); 0, or -1 when it is not a number of seconds in
 * (0, 86400]. */
#define BS_CLI_PROGRESS_S 10.0
int bs_cli_progress_arg(const char *optarg_, double *every);
/* Did an interrupt come (during the write, or before it)? */
int bs_cli_interrupted(void);
/* Clear the progress line (when it was drawn). */
void bs_cli_watch_end(struct bs_cli_watch *w);

/* main.c's frame around every command: closed standard streams are held
 * open (stdout read-only, so writes fail as on the closed descriptor and
 * no output file takes its number); at the end, a failed write to stdout
 * (a full disk, a closed pipe) is an error: exit status 1 and a message.
 * finish returns the exit status. */
void bs_cli_stdio_init(void);
int bs_cli_stdio_finish(int status);

/* Seconds on a monotonic clock. */
double bs_cli_now(void);

#endif
