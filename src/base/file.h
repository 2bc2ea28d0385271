/*
 * file.h - reading input files safely: whole files with a size limit, and
 * opening that refuses what is not a regular file before it can block.
 */
#ifndef BS_BASE_FILE_H
#define BS_BASE_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "bssim.h"

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

#endif
