/*
 * bssim.h - the public interface of libbssim, a discrete-event simulator
 * of docked bike-share systems that span several municipalities (mutual
 * use of cycle ports between wards). The bssim command line, the MPI
 * runner and the Python package use this header and nothing else.
 *
 * Conventions (as jansson and libuv):
 *
 *   Handles are opaque (bs_scenario, bs_result, bs_comparison, bs_sweep,
 *   bs_sweep_job, bs_sweep_worker); each has a constructor that returns
 *   NULL on failure and a _free that accepts NULL.
 *
 *   Functions return 0 or a negative BS_E_* code. On failure they fill
 *   the caller's struct bs_error (may be NULL) with the file, the line and
 *   column (JSON) or row (CSV), the key and a sentence the user can act
 *   on. bs_exit_status maps a code to the command line's exit status.
 *
 *   Strings returned as `char *` are new: free them with bs_free. Strings
 *   returned as `const char *` are borrowed from the handle and live as
 *   long as it does.
 *
 *   Calling a function with a NULL handle or out-of-range index where the
 *   documentation does not allow it is a programming error: it fails an
 *   assertion (as in Lua's API), it is not reported as an error code.
 *
 *   Thread safety: distinct handles may be used on distinct threads at
 *   once. One handle is not to be used by two threads at once, except
 *   that the const accessors of a finished bs_result or bs_comparison may
 *   be called from any thread. bs_init and bs_interrupt are the only
 *   process-wide state; bs_interrupt is async-signal-safe.
 *
 *   ABI rule: within a major version (BSSIM_VERSION_MAJOR) functions are
 *   only added, never changed or removed, and the option structs below
 *   only grow at their end. Every option struct starts with `size`, which
 *   its _init sets to the size the caller was compiled with: bs_X_init(o)
 *   is a macro that calls bs_X_init_size(o, sizeof(*o)), which writes the
 *   defaults into those bytes and no others. The library reads only the
 *   fields within `size` (the others take their defaults), so a program
 *   built against an older header keeps working with a newer library.
 *   (The functions bs_X_init are exported too, for callers that cannot
 *   use the macro, a foreign-function interface: they fill a struct of
 *   this header's size.) The structs
 *   without `size` (bs_error, bs_warnings, bs_set, bs_monitor, bs_stat,
 *   bs_paired, bs_sweep_outcome, bs_task_source, bs_data_report) do not
 *   change at all within a major version: the library fills or reads
 *   them whole, so a field added to one would be written or read past
 *   an older caller's struct. libbssim.so's soname carries the major
 *   version (libbssim.so.0).
 */
#ifndef BSSIM_H
#define BSSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BSSIM_VERSION_MAJOR 0
#define BSSIM_VERSION_MINOR 1
#define BSSIM_VERSION_PATCH 0
#define BSSIM_VERSION "0.1.0"
/* one number for comparisons: 0x000100 for 0.1.0 */
#define BSSIM_VERSION_HEX                                                  \
	((BSSIM_VERSION_MAJOR << 16) | (BSSIM_VERSION_MINOR << 8) |        \
	 BSSIM_VERSION_PATCH)

#if defined(BS_BUILDING_LIBRARY) && defined(__GNUC__)
#define BS_API __attribute__((visibility("default")))
#else
#define BS_API
#endif

/* ---- errors ------------------------------------------------------------ */

/* X-macro: one list yields the enum and its strings (as libuv does). */
#define BS_ERRNO_MAP(X)                                                    \
	X(NOMEM, -1, "out of memory")                                      \
	X(INPUT, -2, "bad input")                                          \
	X(IO, -3, "input/output error")                                    \
	X(RUN, -4, "the run failed")                                       \
	X(INTERRUPTED, -5, "interrupted")                                  \
	X(LIMIT, -6, "size limit exceeded")

enum bs_errno {
	BS_OK = 0,
#define BS__ERR_ENUM(name, code, text) BS_E_##name = code,
	BS_ERRNO_MAP(BS__ERR_ENUM)
#undef BS__ERR_ENUM
};

/*
 * A user-facing error, owned by the caller. line/column are 1-based and 0
 * when unknown; row is the 1-based CSV row (the header is row 1, as
 * spreadsheets number it), 0 when not a CSV error. key names the scenario
 * key, option or CSV column; text says what was expected.
 */
struct bs_error {
	int code; /* BS_E_*, 0 when cleared */
	char file[512];
	long line;
	long column;
	long row;
	char key[256];
	char text[1024];
};

BS_API void bs_error_clear(struct bs_error *e);
/* "file:line:column: key: text" (or "file: row N: key: text") into buf,
 * which it returns. Control characters are left as they are: a printer
 * that wants one line escapes them (the CLI does). */
BS_API char *bs_error_format(const struct bs_error *e, char *buf, size_t size);
/* text into out (sz bytes, always terminated when sz > 0) with control
 * characters (bytes below 0x20, and 0x7f) written as \n, \t, \r or
 * \xHH, so that a message made of file names, keys and values is one
 * line and never drives a terminal; truncated when long, before the
 * first character or escape that does not fit whole (a text that fits
 * is never cut). Returns out. */
BS_API char *bs_escape(const char *text, char *out, size_t sz);
/*
 * A number for people, into buf (sz bytes; returns buf): "2,932,000 ± 16,000".
 * With a half-width (half >= 0; NaN for none) the value is rounded to the
 * place of the half-width's second significant digit and both are written
 * with commas between thousands; BS_FMT_SHARE writes a share (0..1) with 3
 * significant digits (its half-width with 2); BS_FMT_SIGN puts '+' before a
 * positive value (a difference). NaN is "-". For terminals: files keep full
 * precision (fmt.h).
 */
#define BS_FMT_SHARE 1u
#define BS_FMT_SIGN 2u
BS_API char *bs_fmt_human(double v, double half, unsigned flags, char *buf,
			  size_t sz);
/* Columns a UTF-8 text takes on a terminal (its characters), to pad
 * columns that hold "±". */
BS_API size_t bs_fmt_columns(const char *s);
/* s onto fp padded to width columns: right-aligned, or left-aligned when
 * width is negative. */
BS_API void bs_fmt_pad(FILE *fp, const char *s, int width);
/* Is the metric a share (0..1: service_level, reach_level, *_frac)? */
BS_API int bs_metric_is_share(const char *name);
/* A static sentence for a BS_E_* code (never NULL). */
BS_API const char *bs_strerror(int code);
/* The command line's exit status for a code: 0 for 0, 2 for bad input
 * (BS_E_INPUT, BS_E_LIMIT), 1 for everything else. */
BS_API int bs_exit_status(int code);

/*
 * Warnings about input rows that were skipped safely: counted, and the
 * first few kept verbatim.
 */
#define BS_WARN_KEEP 3
struct bs_warnings {
	long count;
	char first[BS_WARN_KEEP][320];
};

/* ---- the library --------------------------------------------------------- */

/* The library's version, "MAJOR.MINOR.PATCH" (static). */
BS_API const char *bs_version(void);

/*
 * Process-wide set-up: GSL's abort-on-error handler off (errors come back
 * as codes), jansson's allocations counted (so that a failed allocation
 * is told apart from bad JSON). Call once, before any thread; calling it
 * again does nothing. Every other function may assume it was called.
 */
BS_API void bs_init(void);

/*
 * Ask every running simulation, sweep and write of the process to stop at
 * its next check (within tens of thousands of events): replications in
 * flight are dropped, finished ones kept, and writes that have begun are
 * completed. Async-signal-safe: call it from a SIGINT handler.
 * bs_interrupted tells whether it was called since the last
 * bs_interrupt_clear.
 */
BS_API void bs_interrupt(void);
BS_API int bs_interrupted(void);
BS_API void bs_interrupt_clear(void);

/* Free a string or array the library returned. NULL is a no-op. */
BS_API void bs_free(void *p);

/* ---- reference: keys, metrics, limits, schema ---------------------------- */

/* Every scenario key as the Markdown table of docs/scenario-keys.md. */
BS_API char *bs_keys_markdown(void);
/* Every limit bssim enforces, as the table of docs/robustness.md. */
BS_API char *bs_limits_markdown(void);
/* The JSON Schema (draft 2020-12) of scenario and sweep files
 * (docs/bssim.schema.json). */
BS_API char *bs_schema_json(void);

/* The metrics every result carries, per ward and for the whole network:
 * name (e.g. "service_level") and a line of help, i < bs_metric_count().
 * docs/outputs.md defines each. Indexes are stable: later metrics are
 * added at the end (trips_reached, reach_level and walk_after_m_mean,
 * service that counts arrival, came last). */
BS_API size_t bs_metric_count(void);
BS_API const char *bs_metric_name(size_t i);
BS_API const char *bs_metric_help(size_t i);

/* ---- scenarios ----------------------------------------------------------- */

typedef struct bs_scenario bs_scenario;

/* One override, KEY=VALUE as `--set` takes it: VALUE is JSON when it
 * parses as JSON, else a string; "null" removes the key. */
struct bs_set {
	const char *key;
	const char *value;
};

/*
 * Load a scenario file, apply the overrides in order (a later one wins),
 * validate every key against the key table and fill the defaults. The
 * files the scenario names are not read yet (bs_scenario_check does).
 * NULL with err filled on bad input.
 */
BS_API bs_scenario *bs_scenario_load(const char *path,
				     const struct bs_set *sets, size_t nset,
				     struct bs_error *err);

/*
 * The same from JSON text in memory: `name` stands for the file in
 * messages, relative paths are resolved against `dir` (NULL: the current
 * folder).
 */
BS_API bs_scenario *bs_scenario_parse(const char *text, size_t len,
				      const char *name, const char *dir,
				      const struct bs_set *sets, size_t nset,
				      struct bs_error *err);

/*
 * Read and check every file the scenario names (stations, stock, rates,
 * OD tables, trip logs) and build the simulated world: what `bssim check`
 * does. 0, or a BS_E_* code with err filled. Idempotent; bs_run and the
 * describe functions call it when it was not called.
 */
BS_API int bs_scenario_check(bs_scenario *sc, struct bs_error *err);

/* The run name ("name", else the file's base name) and the file. */
BS_API const char *bs_scenario_name(const bs_scenario *sc);
BS_API const char *bs_scenario_file(const bs_scenario *sc);

/* The resolved scenario (overrides applied, defaults filled) as JSON. */
BS_API char *bs_scenario_json(const bs_scenario *sc);

/* The resolved value of a dotted key as JSON text ("20", "\"full\""),
 * or NULL when the scenario has no such key. */
BS_API char *bs_scenario_get(const bs_scenario *sc, const char *key);

/*
 * What `bssim check` prints: the network, fleet and demand by ward, the
 * agreement, the operations and every key given but not used. Checks the
 * scenario first (NULL with err filled when that fails).
 */
BS_API char *bs_scenario_describe(bs_scenario *sc, struct bs_error *err);

/* Keys the file or --set gave that this scenario does not use (their
 * condition is false): n keys into *keys (borrowed). */
BS_API size_t bs_scenario_unused(const bs_scenario *sc,
				 const char *const **keys);

/* Rows of the inputs skipped safely, after bs_scenario_check (borrowed). */
BS_API const struct bs_warnings *bs_scenario_warnings(const bs_scenario *sc);

/* What reading the inputs did to them, after bs_scenario_check: a CP932
 * (Shift-JIS) file converted to UTF-8, a station id matched to the id it
 * was before a spreadsheet dropped its leading zeros. Counted, the first
 * few kept (borrowed). */
BS_API const struct bs_warnings *bs_scenario_notes(const bs_scenario *sc);

BS_API void bs_scenario_free(bs_scenario *sc);

/*
 * A finished run's scenario again (`bssim run --again DIR`): the resolved
 * scenario DIR's summary.json recorded (its --set overrides, seed and
 * replications applied), reading every input file at the absolute path
 * the run recorded ("run"."inputs"), whatever the current folder and
 * wherever the scenario file went: the file itself is not read. Each
 * input's sha256 now must be the recorded one ("inputs"): a changed file
 * is BS_E_INPUT naming it and both digests, unless force (then it is read
 * as it is now, and a line in notes says so). notes (may be NULL) also
 * says when DIR was interrupted (the rerun runs every replication).
 * bs_run_to of the scenario writes the run's files again byte for byte,
 * but for summary.json's "run". NULL with err filled: DIR not a run's
 * folder, summary.json malformed or without the records, an input
 * missing or changed.
 */
BS_API bs_scenario *bs_scenario_again(const char *dir, int force,
				      struct bs_warnings *notes,
				      struct bs_error *err);

/* ---- watching long work ------------------------------------------------ */

/*
 * Callbacks of long operations, all optional (NULL). They are called on
 * the library's threads, one at a time.
 *   progress: `done` of `total` units (replications, tasks) finished and
 *             the share of all the work done, now and then.
 *   writing:  begin = 1 just before results are written (`what` says
 *             which: "the write of 20 replications"), 0 when the write
 *             is over. A bs_interrupt between the two does not stop the
 *             write: the CLI uses this to say so at once.
 */
struct bs_monitor {
	void (*progress)(void *ud, uint64_t done, uint64_t total, double frac);
	void (*writing)(void *ud, const char *what, int begin);
	void *ud;
};

/* ---- runs and their results ---------------------------------------------- */

typedef struct bs_result bs_result;

struct bs_run_opts {
	size_t size;       /* set by bs_run_opts_init */
	unsigned jobs;     /* threads (default 1); results identical for any */
	int paranoid;      /* check the conservation of bikes after every event */
	int force;         /* bs_run_to: write into a folder bssim did not write */
	const struct bs_monitor *monitor; /* may be NULL */
};
BS_API void bs_run_opts_init_size(struct bs_run_opts *o, size_t size);
BS_API void bs_run_opts_init(struct bs_run_opts *o);
#define bs_run_opts_init(o) bs_run_opts_init_size((o), sizeof(*(o)))

/*
 * Run the scenario's replications in memory (no files; the trip log of
 * output.trips is not kept). A run stopped by bs_interrupt returns the
 * replications that finished (bs_result_interrupted), or NULL with
 * BS_E_INTERRUPTED when none had. NULL with err filled on failure.
 */
BS_API bs_result *bs_run(bs_scenario *sc, const struct bs_run_opts *o,
			 struct bs_error *err);

/*
 * What `bssim run` does: claim and lock the output folder dir (NULL: the
 * default out/<name>), run, stream the trip log when asked, and write
 * every result file all at once. Returns 0, BS_E_INTERRUPTED (the
 * finished replications were written, marked interrupted; nothing when
 * none had finished), or another code with err filled. *res (may be
 * NULL) receives the result, which the caller frees.
 */
BS_API int bs_run_to(bs_scenario *sc, const char *dir,
		     const struct bs_run_opts *o, bs_result **res,
		     struct bs_error *err);

/* A finished run's folder (its summary.json and replications.csv). Its
 * numbers are those of the files, to the 12 significant digits they keep
 * (docs/outputs.md): equal to an in-memory result's when rounded so. */
BS_API bs_result *bs_result_open(const char *dir, struct bs_error *err);

/* The folder a result was written to or opened from (NULL: in memory). */
BS_API const char *bs_result_dir(const bs_result *r);
BS_API const char *bs_result_name(const bs_result *r);
BS_API uint32_t bs_result_replications(const bs_result *r);
BS_API uint32_t bs_result_replications_requested(const bs_result *r);
BS_API int bs_result_interrupted(const bs_result *r);
/* demand.response on: the runs its fixed point took and the residual of
 * the last (summary.json's "demand_response"); 0, or -1 when the run had
 * no demand response. */
BS_API int bs_result_demand_response(const bs_result *r, uint32_t *runs,
				     double *residual);
BS_API double bs_result_days(const bs_result *r);     /* measured days */
BS_API double bs_result_wall_s(const bs_result *r);

/* Wards in the order of the stations file; w < bs_result_nwards(r). */
BS_API size_t bs_result_nwards(const bs_result *r);
BS_API const char *bs_result_ward(const bs_result *r, size_t w);

/* A metric's mean over replications, its sd and 95% interval (NaN when
 * undefined: a service level with no request), and the replications
 * where it was defined. */
struct bs_stat {
	double mean, sd, ci_lo, ci_hi;
	size_t n;
};

/*
 * A metric of a ward (NULL or "all": the whole network). 0, or BS_E_INPUT
 * with err naming the unknown ward or metric.
 */
BS_API int bs_result_metric(const bs_result *r, const char *ward,
			    const char *metric, struct bs_stat *out,
			    struct bs_error *err);
/* Its value in replication rep (1-based) into *v: 0, or BS_E_INPUT with
 * err naming the unknown ward or metric, or "replication" when rep is
 * not 1 to bs_result_replications(r) (*v is then left as it was). */
BS_API int bs_result_value(const bs_result *r, uint32_t rep, const char *ward,
			   const char *metric, double *v, struct bs_error *err);
/* Mean trips per day rented in ward a and returned in ward b ("flows"),
 * or yen per day owed by a to b ("settlement_yen"): NaN when unknown. */
BS_API double bs_result_matrix(const bs_result *r, const char *name,
			       size_t a, size_t b);

/* summary.json's text (the file is this text and a newline). */
BS_API char *bs_result_summary(const bs_result *r);

/*
 * A result table as CSV, byte for byte the file `bssim run` writes:
 * "replications", "stations", "timeseries" or "flows". NULL with err
 * filled when the name is unknown, or when a result opened from a folder
 * lacks the file.
 */
BS_API char *bs_result_csv(const bs_result *r, const char *table,
			   struct bs_error *err);

/* Write an in-memory result's files into dir (claimed and locked as by
 * bs_run_to; o->force applies). */
BS_API int bs_result_write(const bs_result *r, const char *dir,
			   const struct bs_run_opts *o, struct bs_error *err);

/*
 * Names for results side by side: their scenario names, or when two
 * share one (a scenario run with different --set) their folders' names;
 * a result in memory has no folder and stands by its name, followed by
 * its place among the n when another shares the name ("small #2").
 * labels[i] receives a new string (bs_free each). 0 or BS_E_NOMEM.
 */
BS_API int bs_result_labels(const bs_result *const *r, size_t n,
			    char **labels);

BS_API void bs_result_free(bs_result *r);

/* ---- paired comparisons ------------------------------------------------ */

typedef struct bs_comparison bs_comparison;

/* B - A over replications run with common random numbers. */
struct bs_paired {
	size_t n;              /* pairs with both values defined */
	double mean_a, mean_b; /* over those pairs */
	double diff, diff_sd;  /* mean and sd of b - a */
	double ci_lo, ci_hi;   /* paired 95% interval of the mean difference */
	double un_lo, un_hi;   /* unpaired (Welch) 95% interval */
};

/*
 * Run two scenarios with the same seed and replications, replication by
 * replication (common random numbers), on o->jobs threads. BS_E_INPUT
 * when their seeds or replications differ.
 */
BS_API bs_comparison *bs_compare(bs_scenario *a, bs_scenario *b,
				 const struct bs_run_opts *o,
				 struct bs_error *err);
/* Two points of a finished sweep folder, each named by its number (1 to
 * the number of points, as sweep.csv's column "point" numbers them);
 * BS_E_INPUT with err naming "point" otherwise. The labels are the
 * points' (bs_sweep_point_label). */
BS_API bs_comparison *bs_compare_sweep(const char *dir, const char *a,
				       const char *b, struct bs_error *err);

/* Two finished runs (bs_result_open of their folders, or in memory),
 * paired replication by replication from their replications.csv: they
 * must have the same seed and the same number of replications
 * (BS_E_INPUT naming "seed" or "replications" otherwise). Labels as
 * bs_result_labels gives them. */
BS_API bs_comparison *bs_compare_results(const bs_result *a,
					 const bs_result *b,
					 struct bs_error *err);
BS_API uint32_t bs_comparison_replications(const bs_comparison *c);
BS_API const char *bs_comparison_label(const bs_comparison *c, int which);
/* Wards compared one by one (0 when the two networks' wards differ: then
 * only the whole network is). */
BS_API size_t bs_comparison_nwards(const bs_comparison *c);
BS_API const char *bs_comparison_ward(const bs_comparison *c, size_t w);
BS_API int bs_comparison_metric(const bs_comparison *c, const char *ward,
				const char *metric, struct bs_paired *out,
				struct bs_error *err);
/* compare.csv into dir (a folder of kind compare, locked). */
BS_API int bs_comparison_write(const bs_comparison *c, const char *dir,
			       int force, const struct bs_monitor *m,
			       struct bs_error *err);
BS_API void bs_comparison_free(bs_comparison *c);

/* ---- sweeps -------------------------------------------------------------- */

typedef struct bs_sweep bs_sweep;

/* A sweep file (format in docs/sweeps.md): read and expanded into points,
 * no world built yet. */
BS_API bs_sweep *bs_sweep_load(const char *path, struct bs_error *err);
/* The sweep a folder holds (its plan, as `bssim sweep` wrote it: the
 * points and their values, no base scenario): for reading results. */
BS_API bs_sweep *bs_sweep_open(const char *dir, struct bs_error *err);
BS_API const char *bs_sweep_name(const bs_sweep *sw);
BS_API size_t bs_sweep_points(const bs_sweep *sw);
BS_API uint32_t bs_sweep_replications(const bs_sweep *sw);
BS_API uint64_t bs_sweep_tasks(const bs_sweep *sw);
/* "point 2 (agreement.type=\"full\", fleet.bikes=2000)" for point p
 * (0-based): its number and its values of the varied keys as JSON. */
BS_API char *bs_sweep_point_label(const bs_sweep *sw, size_t p);
/* Simulated days of one replication of point p (0-based): its resolved
 * horizon.days, known once the sweep is planned (bs_sweep_check or
 * bs_sweep_job_open); NaN before. For progress lines. */
BS_API double bs_sweep_point_days(const bs_sweep *sw, size_t p);
/* Check every point of a loaded sweep as bs_sweep_run would before it
 * starts (each point's scenario and world), on jobs threads, running
 * nothing and writing nothing: 0, or BS_E_INPUT naming the lowest
 * point at fault. Then bs_sweep_fingerprint is the 16 hex digits a
 * folder's task log must carry to be resumed (NULL before). */
BS_API int bs_sweep_check(bs_sweep *sw, unsigned jobs, struct bs_error *err);
BS_API const char *bs_sweep_fingerprint(const bs_sweep *sw);
/* A designed sweep's design in a line ("design: sobol, 16 base points x
 * (2 keys + 2) = 64 points ..."; bs_free it), or NULL for a cartesian
 * sweep (or out of memory). */
BS_API char *bs_sweep_design_summary(const bs_sweep *sw);

/*
 * What a sweep does with the tasks a folder holds: FRESH throws them away
 * (the count is in bs_sweep_outcome.discarded); RESUME keeps them and
 * refuses a folder holding another sweep's; KEEP, the command line's
 * default, is RESUME whose refusal names --fresh. Keeping is safe to do
 * by default: a task's result depends only on the sweep's fingerprint
 * (which must match) and its number, so a resumed sweep writes the same
 * bytes as a fresh one, and nothing computed is lost to a re-typed
 * command.
 */
enum { BS_SWEEP_FRESH = 0, BS_SWEEP_RESUME = 1, BS_SWEEP_KEEP = 2 };

struct bs_sweep_opts {
	size_t size;       /* set by bs_sweep_opts_init */
	unsigned jobs;     /* threads (default 1) */
	int resume;        /* BS_SWEEP_FRESH (0, the default here), _RESUME
			    * or _KEEP (below) */
	int force;
	int paranoid;
	uint32_t shard_i, shard_n; /* run the I-th of N slices (1/1: all) */
	const struct bs_monitor *monitor;
};
BS_API void bs_sweep_opts_init_size(struct bs_sweep_opts *o, size_t size);
BS_API void bs_sweep_opts_init(struct bs_sweep_opts *o);
#define bs_sweep_opts_init(o) bs_sweep_opts_init_size((o), sizeof(*(o)))

/* "I/N" with 1 <= I <= N <= 1000000: 0, or -1. */
BS_API int bs_shard_parse(const char *s, uint32_t *i, uint32_t *n);

/* What a sweep (or a merge) did. */
struct bs_sweep_outcome {
	uint64_t tasks;     /* of the whole sweep */
	uint64_t recorded;  /* in the folder now */
	uint64_t resumed;   /* found recorded when it started */
	uint64_t discarded; /* recorded tasks dropped by a fresh start */
	uint64_t mine;      /* tasks of this shard */
	uint64_t ran;       /* tasks this call ran */
	int complete;       /* every task recorded: sweep.csv was written */
	double wall_s;
};

/*
 * What `bssim sweep` does: check every point (exit-2 errors before any
 * file is touched), claim and lock dir (NULL: out/<name>), open its task
 * log (fresh, or kept with o->resume), run the tasks of o's shard on
 * o->jobs threads recording each as it finishes, and write sweep.csv,
 * sweep_replications.csv and sweep.json when every task is recorded.
 * Returns 0 (see out->complete), BS_E_INTERRUPTED (the recorded tasks
 * stay for --resume), or another code with err filled.
 */
BS_API int bs_sweep_run(bs_sweep *sw, const char *dir,
			const struct bs_sweep_opts *o,
			struct bs_sweep_outcome *out, struct bs_error *err);

/*
 * The same in pieces, for runners that spread the tasks themselves (the
 * MPI runner): a job owns the folder, its lock and its task log.
 */
typedef struct bs_sweep_job bs_sweep_job;
BS_API bs_sweep_job *bs_sweep_job_open(bs_sweep *sw, const char *dir,
				       const struct bs_sweep_opts *o,
				       struct bs_error *err);
/* The folder the job writes, and what it found there and owns
 * (out->tasks, resumed, discarded, mine, recorded, ran so far). */
BS_API const char *bs_sweep_job_dir(const bs_sweep_job *j);
BS_API void bs_sweep_job_outcome(const bs_sweep_job *j,
				 struct bs_sweep_outcome *out);
/* How the tasks run, for sweep.json's "run": mode "threads" (the
 * default), "mpi", ...; workers: threads or ranks. */
BS_API void bs_sweep_job_runner(bs_sweep_job *j, const char *mode,
				unsigned workers);
/* The job's own tasks on o->jobs threads, each recorded as it finishes:
 * 0, BS_E_INTERRUPTED, or the first failure with err filled. */
BS_API int bs_sweep_job_run(bs_sweep_job *j, struct bs_error *err);
/* The next task of the job's own still to be run: 0, or -1 when none is
 * left (or bs_interrupt was called). Thread-safe. */
BS_API int bs_sweep_job_next(bs_sweep_job *j, uint64_t *task);
/* Record a task's result line (from bs_sweep_worker_run, here or on
 * another process) durably in the task log. Thread-safe. */
BS_API int bs_sweep_job_record(bs_sweep_job *j, const char *record,
			       struct bs_error *err);
/* Close the log; when every task is recorded, write the outputs. rc is
 * how the running ended (0, BS_E_INTERRUPTED, or a failure already in
 * err), which it returns when nonzero. */
BS_API int bs_sweep_job_finish(bs_sweep_job *j, int rc,
			       struct bs_sweep_outcome *out,
			       struct bs_error *err);
BS_API void bs_sweep_job_free(bs_sweep_job *j);

/*
 * Where tasks come from and where their records go, for bs_sweep_tasks_run:
 *   next: store the next task and return 0, or return nonzero when there
 *         is none left; called one at a time, may block.
 *   done: a task's record line (borrowed for the call); nonzero stops
 *         the run with that code (err filled).
 */
struct bs_task_source {
	int (*next)(void *ud, uint64_t *task);
	int (*done)(void *ud, uint64_t task, const char *record,
		    struct bs_error *err);
	void *ud;
};

/*
 * Run tasks of sw on `jobs` threads (1: in the calling thread) from src:
 * the one worker pool of the library. Worlds are built as points need
 * them and shared by the threads. 0, BS_E_INTERRUPTED, or a code with err
 * filled for the first task that failed.
 */
BS_API int bs_sweep_tasks_run(bs_sweep *sw, unsigned jobs, int paranoid,
			      const struct bs_task_source *src,
			      const struct bs_monitor *m, struct bs_error *err);

/*
 * Join the folders of the shards of one sweep (bssim sweep --shard) into
 * out: the same files, byte for byte, as one run of the sweep.
 */
BS_API int bs_sweep_merge(const char *const *dirs, size_t n, const char *out,
			  int force, const struct bs_monitor *m,
			  struct bs_sweep_outcome *res, struct bs_error *err);

BS_API void bs_sweep_free(bs_sweep *sw);

/* ---- output folders ------------------------------------------------------ */

/*
 * Could dir be written as results of kind ("run", "sweep", "compare")?
 * A new or empty folder, or one bssim wrote of that kind (or force); the
 * checks bssim makes before a long computation, without creating or
 * changing anything. 0, or BS_E_INPUT / BS_E_IO with err filled (a file
 * where the folder or one of its parents would be is refused, force or
 * not).
 */
BS_API int bs_folder_check(const char *dir, const char *kind, int force,
			   struct bs_error *err);

/* ---- data in: import and calibration -------------------------------------- */

/* What an import or a calibration read and wrote. */
struct bs_data_report {
	size_t stations;        /* in the stations file written or read */
	size_t feed_stations;   /* import gbfs: in the feed */
	size_t outside;         /* import gbfs: outside the wards asked */
	size_t capacity_raised; /* import gbfs --capacity-from: ports changed */
	uint64_t docks;
	uint64_t bikes;         /* import gbfs --stock-output: bikes ... */
	size_t stocked;         /* ... at this many stations */
	uint64_t rows;          /* trips: rides read */
	double days;            /* calibrate trips: days the log covers */
	size_t od_pairs;        /* calibrate trips --od: pairs written */
	double departures, arrivals;         /* calibrate: per day */
	double truck_pickups, truck_dropoffs; /* calibrate status: per day */
	size_t imputed;         /* calibrate status: station-hours imputed */
	struct bs_warnings warnings; /* rows skipped safely */
	/* calibrate trips: rides that end at their start (round trips),
	 * and the median of their ride minutes */
	uint64_t round_trips;
	double round_trip_min;
};

struct bs_import_gbfs_opts {
	size_t size;                     /* set by bs_import_gbfs_opts_init */
	const char *station_information; /* required */
	const char *system_regions;      /* may be NULL */
	const char *region_map;          /* "1=Chiyoda,2=Chuo", may be NULL */
	const char *wards;               /* "Chiyoda,Chuo", may be NULL: all */
	const char *capacity_from;       /* a status series, may be NULL */
	const char *station_status;      /* with stock_output, or NULL */
	const char *stock_output;
	const char *output;              /* the stations CSV; required */
	long utc_offset_min;             /* of JSON status files (540) */
	const struct bs_monitor *monitor;
};
BS_API void bs_import_gbfs_opts_init_size(struct bs_import_gbfs_opts *o,
					  size_t size);
BS_API void bs_import_gbfs_opts_init(struct bs_import_gbfs_opts *o);
#define bs_import_gbfs_opts_init(o) \
	bs_import_gbfs_opts_init_size((o), sizeof(*(o)))
/* A stations CSV (and a stock CSV) from a GBFS feed; files are written
 * all or none. */
BS_API int bs_import_gbfs(const struct bs_import_gbfs_opts *o,
			  struct bs_data_report *rep, struct bs_error *err);

struct bs_import_trips_opts {
	size_t size;
	const char *log;      /* required */
	const char *ward;     /* every station's ward (NULL: "system") */
	uint32_t capacity;    /* docks per station (0: 20) */
	const char *output;   /* required */
	const struct bs_monitor *monitor;
};
BS_API void bs_import_trips_opts_init_size(struct bs_import_trips_opts *o,
					   size_t size);
BS_API void bs_import_trips_opts_init(struct bs_import_trips_opts *o);
#define bs_import_trips_opts_init(o) \
	bs_import_trips_opts_init_size((o), sizeof(*(o)))
/* A stations CSV from the stations a trip log names. */
BS_API int bs_import_trips(const struct bs_import_trips_opts *o,
			   struct bs_data_report *rep, struct bs_error *err);

struct bs_calibrate_opts {
	size_t size;
	const char *source;   /* "status" (a status series) or "trips" (a log) */
	const char *input;    /* the series or the log; required */
	const char *stations; /* required */
	const char *output;   /* the rates CSV; required */
	const char *profile;  /* also the ward x hour profile, or NULL */
	const char *od;       /* trips: also the OD table, or NULL */
	long truck_jump;      /* status: a change of this many bikes is a truck (4) */
	long max_gap_min;     /* status: observations further apart unused (10) */
	long utc_offset_min;  /* status: of JSON files (540) */
	double days;          /* trips: days the log covers (0: first to last) */
	const struct bs_monitor *monitor;
	/* status: also the operator's moves (t_min,station_id,delta, for
	 * depots.replay) and the policy calibrated to them (ward,hour,bring,
	 * take, for depots.policy), or NULL */
	const char *moves;
	const char *ops_policy;
	/* status: also the stations CSV with soft capacity from the series
	 * (capacity = each port's published capacity, physical_limit = the
	 * most bikes it held; for capacity.physical "data"), or NULL */
	const char *stations_out;
};
BS_API void bs_calibrate_opts_init_size(struct bs_calibrate_opts *o,
					size_t size);
BS_API void bs_calibrate_opts_init(struct bs_calibrate_opts *o);
#define bs_calibrate_opts_init(o) bs_calibrate_opts_init_size((o), sizeof(*(o)))
/* A rates table (demand.rates) from a status series or a trip log. */
BS_API int bs_calibrate(const struct bs_calibrate_opts *o,
			struct bs_data_report *rep, struct bs_error *err);

/*
 * Destinations fitted to evidence (`bssim calibrate od`, docs/model.md,
 * "Calibrating destinations"): the scenario's demand.decay_m, and with
 * `factors` its demand.ward_factors, fitted to a cross-ward share, a mean
 * ride length or time, a ward x ward OD table (from,to,trips|share) or a
 * trip log, with the simulator's own destination model. Writes `output`
 * (the fit as JSON) and, with factors, `factors_out` (the ward-factors
 * CSV). Returns 0 when the fit was made (rep->converged says whether it
 * met its target: 0 means the target lies outside the decay range or the
 * factors stopped at max_iter, and rep->text says by how much), else a
 * BS_E_* code with err filled (bad evidence: file, row and column named;
 * nothing written).
 */
struct bs_calibrate_od_opts {
	size_t size;
	const char *scenario;        /* required */
	const struct bs_set *sets;   /* --set overrides, nset of them */
	size_t nset;
	const char *od;              /* ward OD evidence CSV, or NULL */
	const char *trips;           /* a trip log (the network's stations), or NULL */
	double cross_share;          /* target share of rides ending in another ward; < 0: none */
	double mean_length_m;        /* target mean great-circle metres of rides; < 0: none */
	double mean_duration_min;    /* target mean ride minutes; < 0: none */
	double decay_m;              /* > 0: keep this decay (fit factors only) */
	double decay_min_m, decay_max_m; /* the search range (300, 20000) */
	int factors;                 /* fit ward factors (needs od or trips) */
	int max_iter;                /* IPF passes (50) */
	double tol;                  /* largest share difference the IPF leaves (1e-4) */
	const char *output;          /* fit.json; required */
	const char *factors_out;     /* the ward factors CSV, or NULL */
	const struct bs_monitor *monitor;
};
struct bs_od_report {
	double decay_m;      /* the fitted (or kept) decay */
	int converged;
	char text[4096];     /* what was fitted, the residuals, the snippet */
	struct bs_warnings warnings;
};
BS_API void bs_calibrate_od_opts_init_size(struct bs_calibrate_od_opts *o,
					   size_t size);
BS_API void bs_calibrate_od_opts_init(struct bs_calibrate_od_opts *o);
#define bs_calibrate_od_opts_init(o) bs_calibrate_od_opts_init_size((o), sizeof(*(o)))
BS_API int bs_calibrate_od(const struct bs_calibrate_od_opts *o,
			   struct bs_od_report *rep, struct bs_error *err);

/* ---- plots and the report ---------------------------------------------- */

/*
 * A table shaped for plotting onto out (CSV with a header): kind and its
 * arguments as `bssim plotdata KIND ARG...` takes them (timeofday RUN
 * COLUMN, matrix RUN [NAME], ports RUN, wards RUN, compare RUN..., sweep
 * SWEEP METRIC [RUN]: labels in RUN's language, names RUN or SWEEP);
 * for sweep, ward (NULL: the whole network) and the varied key x on the
 * axis (NULL: the first numeric one). A write error on out is the
 * caller's to see (ferror).
 */
BS_API int bs_plotdata(const char *kind, const char *const *args,
		       size_t nargs, const char *ward, const char *x,
		       FILE *out, struct bs_error *err);

struct bs_report_opts {
	size_t size;
	const char *output;  /* NULL: DIR/report.html of the one folder */
	const char *title;   /* NULL: from the runs */
	const char *const *plots;    /* PNG files to embed, nplots */
	const char *const *captions; /* nplots, entries may be NULL */
	size_t nplots;
	const struct bs_monitor *monitor;
};
BS_API void bs_report_opts_init_size(struct bs_report_opts *o, size_t size);
BS_API void bs_report_opts_init(struct bs_report_opts *o);
#define bs_report_opts_init(o) bs_report_opts_init_size((o), sizeof(*(o)))
/* One self-contained HTML page of runs side by side, or of a sweep. */
BS_API int bs_report(const char *const *dirs, size_t n,
		     const struct bs_report_opts *o, struct bs_error *err);

/* ---- optimisation (docs/optimize.md) --------------------------------------- */

typedef struct bs_optimize bs_optimize;

/*
 * Load an optimise file {"bssim_optimize": 1, ...}: an objective (a
 * metric or a linear expression of metrics to maximise or minimise) with
 * either a base scenario and a fleet budget to allocate over its ports,
 * or a "select" block of scenarios to choose the best from. Every
 * scenario is checked and its world built; NULL with err filled on bad
 * input (file, line and column of the key at fault).
 */
BS_API bs_optimize *bs_optimize_load(const char *path, struct bs_error *err);
BS_API const char *bs_optimize_name(const bs_optimize *o);
/* 1 for a selection among scenarios, 0 for an allocation. */
BS_API int bs_optimize_is_select(const bs_optimize *o);

struct bs_optimize_opts {
	size_t size;       /* set by bs_optimize_opts_init */
	unsigned jobs;     /* threads (default 1); results identical for any */
	int force;         /* write into a folder bssim did not write */
	const struct bs_monitor *monitor; /* may be NULL; progress counts
				* evaluations of search.max_evaluations */
};
BS_API void bs_optimize_opts_init_size(struct bs_optimize_opts *o,
				       size_t size);
BS_API void bs_optimize_opts_init(struct bs_optimize_opts *o);
#define bs_optimize_opts_init(o) bs_optimize_opts_init_size((o), sizeof(*(o)))

/* What an optimisation found. An allocation that cannot improve is a
 * success (improved 0, text gives the evidence). */
struct bs_optimize_outcome {
	int select;            /* 1: a selection */
	int improved;          /* allocation: a move was accepted */
	uint32_t moves, evaluations;
	double before, after;  /* objective means, the search's replications */
	double gain, gain_lo, gain_hi; /* paired, fresh replications (the
				* search's when final_replications is 0) */
	size_t winner;         /* selection: index of the chosen scenario */
	int capped;            /* selection: the cap ended it */
	double pcs;            /* 1 - alpha; NaN when capped */
	uint64_t replications; /* selection: in all */
	double wall_s;
	char text[4096];       /* what happened, lines for people */
};

/*
 * Run it and write its files into dir (NULL: out/<name>), claimed as an
 * "optimize" folder: allocation.csv, trace.csv and optimize.json, or
 * selection.csv and optimize.json. 0, BS_E_INTERRUPTED (nothing
 * written), or a failure with err filled.
 */
BS_API int bs_optimize_run(bs_optimize *o, const char *dir,
			   const struct bs_optimize_opts *opts,
			   struct bs_optimize_outcome *out,
			   struct bs_error *err);
BS_API void bs_optimize_free(bs_optimize *o);

#ifdef __cplusplus
}
#endif

#endif
