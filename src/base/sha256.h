/*
 * sha256.h - SHA-256 (FIPS 180-4), for the checksums of a run's input
 * files in summary.json (docs/outputs.md, "inputs").
 *
 * Why our own: none of the libraries bssim links has it (GSL, jansson,
 * zlib, libcsv and libxlsxwriter export no SHA-2; glibc's crypt() only
 * salts passwords), and libcrypto would be a new dependency of every
 * build for one 100-line function. This one follows the standard's
 * pseudo-code plainly (no unrolling): about 200 MB/s at -O2, so the
 * largest shipped input (a 3.6 MB trip log) costs some 20 ms once per
 * run. Tested against the NIST example vectors (check_base).
 *
 * Incremental: init, update any number of times with any lengths, final.
 * The context is the caller's (on the stack); nothing is allocated.
 */
#ifndef BS_BASE_SHA256_H
#define BS_BASE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "bssim.h"

#define BS_SHA256_LEN 32
#define BS_SHA256_HEX (2 * BS_SHA256_LEN + 1) /* hex digits and NUL */

struct bs_sha256 {
	uint32_t h[8];
	uint64_t bytes;        /* message length so far */
	unsigned char buf[64]; /* a partial block */
	size_t nbuf;
};

void bs_sha256_init(struct bs_sha256 *c);
void bs_sha256_update(struct bs_sha256 *c, const void *data, size_t n);
/* The digest; c must be initialised again before further use. */
void bs_sha256_final(struct bs_sha256 *c, unsigned char out[BS_SHA256_LEN]);

/* The digest of data[0..n) as 64 lower-case hex digits and a NUL. */
void bs_sha256_hex(const void *data, size_t n, char out[BS_SHA256_HEX]);

/*
 * The digest of a whole file as hex, reading it in 64 KiB chunks through
 * bs_input_open (a FIFO or a folder is refused, not waited on). 0, or
 * BS_E_INPUT / BS_E_NOMEM with err filled ("cannot open: ...", "cannot
 * read: ..."), naming path. *bytes (may be NULL) gets the file's length.
 */
int bs_sha256_file(const char *path, char out[BS_SHA256_HEX],
		   uint64_t *bytes, struct bs_error *err);

#endif
