/*
 * common.h - what every bssim module shares: the version, the error codes
 * and the caller-owned error record that carries a user-facing message.
 *
 * Functions return 0 or a negative BS_E_* code; constructors return NULL.
 * When the cause is bad input, they also fill a struct bs_error owned by the
 * caller with the file, line/column or row, the key and a sentence the user
 * can act on. Nothing below the CLI prints or exits.
 */
#ifndef BSSIM_COMMON_H
#define BSSIM_COMMON_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define BS_VERSION "0.1.0"

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

/* Static string describing a BS_E_* code (never NULL). */
const char *bs_strerror(int code);

/*
 * A user-facing error. line/column are 1-based and 0 when unknown; row is
 * the 1-based CSV data row (header is row 1, as spreadsheets number it) and
 * 0 when not a CSV error. key names the scenario key or CSV column.
 */
struct bs_error {
	int code;       /* BS_E_* */
	char file[512];
	long line;
	long column;
	long row;
	char key[256];
	char text[1024];
};

void bs_error_clear(struct bs_error *e);

/* Fill e (may be NULL: then nothing happens). Any string may be NULL. */
void bs_error_set(struct bs_error *e, int code, const char *file, long line,
		  long column, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;

/* Same, for CSV input: names the row instead of line and column. */
void bs_error_row(struct bs_error *e, const char *file, long row,
		  const char *key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

/*
 * Render "file:line:column: key: text" (or "file: row N: key: text") into
 * buf. Returns buf.
 */
char *bs_error_format(const struct bs_error *e, char *buf, size_t size);

/*
 * Warnings about input rows that were skipped safely: counted, and the
 * first few kept verbatim so that the CLI can name them. Caller-owned;
 * zero it to start (bs_warnings_clear).
 */
#define BS_WARN_KEEP 3
struct bs_warnings {
	long count;
	char first[BS_WARN_KEEP][320];
};

void bs_warnings_clear(struct bs_warnings *w);
/* Count one warning (w may be NULL) and keep its text if among the first. */
void bs_warn(struct bs_warnings *w, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Bounded string copy that always terminates; returns strlen(src). */
size_t bs_strlcpy(char *dst, const char *src, size_t size);

/* strdup that returns NULL on NULL input or allocation failure. */
char *bs_strdup(const char *s);

/* "DIR/NAME" from the first dirlen bytes of dir and name; new string, or
 * NULL when out of memory. */
char *bs_path_join(const char *dir, size_t dirlen, const char *name);

/*
 * Read the rest of fp into *text, NUL-terminated, its length (without
 * the NUL) in *len. Returns 0, BS_E_LIMIT when it holds more than max
 * bytes, BS_E_NOMEM, or BS_E_IO on a read error (errno tells); *text is
 * NULL on failure. The caller opens and closes fp and words the message.
 */
int bs_read_all(FILE *fp, size_t max, char **text, size_t *len);

/*
 * Open an input file for reading, refusing what is not a regular file
 * before it can block or never end: open() of a FIFO waits for a writer
 * (for ever, if none comes), a device may never reach its end, a folder
 * or a socket cannot be read as a file. The path is opened with
 * O_NONBLOCK (so a FIFO opens at once), the descriptor itself is checked
 * with fstat (no window between the check and the read: it is the file
 * that will be read), anything but a regular file is closed and refused,
 * and O_NONBLOCK is cleared again. Two system calls more than open().
 *
 * Returns the descriptor (close-on-exec; the caller closes it), or -1:
 * with *why NULL and errno set when open() failed, or with *why naming
 * what the path is ("not a regular file (a FIFO)", "... (a folder)", "...
 * (a character device)", "... (a block device)", "... (a socket)") and
 * errno 0.
 */
int bs_open_regular(const char *path, const char **why);

/*
 * The same with the message in err: "cannot open: REASON" or "not a
 * regular file (a FIFO); expected WHAT", naming path. Returns the
 * descriptor, or BS_E_INPUT (BS_E_NOMEM when open() ran out of memory).
 * errno stays that of a failed open (0 for a file that is not regular),
 * so that a caller that words the open failure its own way can tell the
 * two apart. bs_input_fopen wraps the descriptor in a stream ("rb");
 * NULL on failure (err->code tells which).
 */
int bs_input_open(const char *path, const char *what, struct bs_error *err);
FILE *bs_input_fopen(const char *path, const char *what,
		     struct bs_error *err);

/*
 * A whole input file: bs_input_fopen, then bs_read_all up to max bytes (a
 * whole number of MiB). Returns 0, or BS_E_INPUT / BS_E_NOMEM with err
 * filled: the messages of bs_input_open, "larger than N MiB; expected
 * WHAT", "cannot read: REASON", "out of memory".
 */
int bs_read_file(const char *path, size_t max, const char *what,
		 char **text, size_t *len, struct bs_error *err);

/*
 * Checked size arithmetic: returns 0 and stores a*b (a+b) in *out, or
 * BS_E_LIMIT when it would overflow size_t.
 */
int bs_size_mul(size_t a, size_t b, size_t *out);
int bs_size_add(size_t a, size_t b, size_t *out);

/*
 * Zeroed memory for large arrays touched at random on the event path
 * (bikes, docks, stations, generator blocks), aligned to a cache line;
 * blocks of 2 MiB or more are aligned to 2 MiB and offered to the kernel
 * as transparent huge pages:
 * on the 20,000-port benchmark the per-event TLB misses of 4 KiB pages
 * cost more than the arithmetic (docs/performance.md). Free with free().
 */
void *bs_big_calloc(size_t n, size_t size);

/*
 * Test hooks (docs/robustness.md, "Test hooks"). Both read their variable
 * once, at the first call; both are harmless outside tests: a user who sets
 * them stops the process, or sees a write fail as on a full disk.
 *
 * BSSIM_TEST_STOP_AT=POINT[:N][,POINT[:N]]...: the N-th time (default 1)
 * the process passes POINT, it stops itself with SIGSTOP. A test that
 * forked bssim waits for it with waitpid(WUNTRACED), acts at that known
 * instant (sends SIGINT or SIGKILL, starts a second writer, looks at the
 * files) and lets it go on with SIGCONT: no test has to guess how long
 * anything takes. The points (BS_TP_*) are below. Thread-safe.
 */
#define BS_TP_REP_DONE "rep-done"           /* run: a replication finished */
#define BS_TP_BEFORE_WRITE "before-write"   /* every result set is computed, none written */
#define BS_TP_LOCKED "locked"               /* an output folder is locked and settled */
#define BS_TP_TEMPS_WRITTEN "temps-written" /* a commit's temporaries are complete */
#define BS_TP_COMMIT_RENAME "commit-rename" /* between two renames of a commit */
#define BS_TP_TASK_RECORDED "task-recorded" /* a sweep task is durably in the log */
void bs_test_point(const char *point);

/*
 * BSSIM_TEST_FAIL_WRITE=N: the N-th low-level write of any output file of
 * the process (counted from 1 over every file: results, temporaries, task
 * logs, markers) fails with ENOSPC, as on a full disk; later writes
 * succeed, so an error noticed late or not at all shows. Returns 1 when
 * the write about to be made must fail. Thread-safe (with several threads
 * the order of the writes is theirs).
 */
int bs_test_write_fails(void);

#endif
