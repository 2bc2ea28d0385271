/*
 * textdec.h - the text of CSV input: UTF-8, or CP932 converted to UTF-8,
 * told apart by the bytes (csvread.c reads every CSV through it).
 *
 * Text is UTF-8 or CP932 (Shift-JIS as Windows writes it: what Japanese
 * Excel saves as "CSV"), told apart by the bytes: while the file is ASCII
 * nothing is decided; the first chunk with another byte decides, from
 * that byte to the chunk's end (64 KiB): UTF-8 when it is valid UTF-8,
 * else CP932 when glibc's iconv converts all of it, else the file is
 * refused where the reading that goes further (UTF-8 or CP932) breaks.
 * (A UTF-8 file damaged in its first non-ASCII chunk that happens to be
 * valid CP932 is read as CP932: the note says so.) After the decision every
 * byte must be valid in that encoding: a file that is neither is refused
 * naming the row and the byte offset (in the file, after gunzip), never
 * read as mojibake. CP932 is converted to UTF-8 here, so every reader
 * sees UTF-8, and the conversion is noted. Cost: one pass over the bytes
 * (UTF-8: a check; CP932: iconv), O(bytes); memory 3 chunks for CP932.
 *
 * Ownership: the caller's struct; bs_textdec_release frees its buffers.
 */
#ifndef BSSIM_TEXTDEC_H
#define BSSIM_TEXTDEC_H

#include <iconv.h>
#include <stddef.h>
#include <stdint.h>

#include "base/common.h"

enum { BS_ENC_ASCII, BS_ENC_UTF8, BS_ENC_CP932 };

struct bs_textdec {
	int mode;            /* BS_ENC_*: ASCII until decided */
	unsigned need;       /* UTF-8: continuation bytes still expected */
	uint32_t cp, min;    /* UTF-8: the code point so far, its least value */
	uint64_t seq_off;    /* UTF-8: offset of the sequence being read */
	uint64_t off;        /* bytes of the file before the current chunk */
	iconv_t cd;          /* CP932 to UTF-8, (iconv_t)-1 until needed */
	char *in, *out;      /* CP932: carry + chunk; converted bytes */
	size_t chunk;        /* the most bytes fed at once */
	size_t carry;        /* CP932: bytes of a character cut by the chunk */
	char cbuf[4];
	int trial;           /* CP932 chosen on this chunk, not yet shown to
			      * convert it */
	uint64_t bad;        /* offset of the byte refused */
	const char *file;    /* borrowed, for the note */
	struct bs_warnings *notes; /* borrowed, may be NULL */
};

/* Ready to read file (named in the note), fed at most chunk bytes at a
 * time; the conversion of a CP932 file is noted in notes. */
void bs_textdec_init(struct bs_textdec *d, const char *file, size_t chunk,
		     struct bs_warnings *notes);
/* The file began with a UTF-8 byte-order mark (3 bytes, not fed): UTF-8,
 * and offsets count the mark. */
void bs_textdec_bom(struct bs_textdec *d);
/*
 * The bytes of s[len] (the next of the file) to parse as UTF-8: *out,
 * *outn (s itself, or the conversion, valid until the next call). 0; 1
 * when a byte is not text, with the valid bytes before it in *out (parse
 * them, then report d->bad, its offset in the file); BS_E_NOMEM.
 */
int bs_textdec_feed(struct bs_textdec *d, const char *s, size_t len,
		    const char **out, size_t *outn);
/* At the end of the file: 0, or 1 when it ends inside a character
 * (d->bad). */
int bs_textdec_end(struct bs_textdec *d);
void bs_textdec_release(struct bs_textdec *d);

#endif
