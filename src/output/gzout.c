/*
 * gzout.c - a stdio stream that gzip-compresses what is written to it
 * into another stream (output.gzip: the run's NAME.csv.gz files), so
 * that every writer of a CSV writes to a FILE * as before and the
 * compressed bytes go into the staged temporary (staged.c): the
 * all-or-nothing commit holds for .csv.gz files as for any other.
 *
 * zlib's deflate with a gzip wrapper (windowBits 15 + 16), level 6 (the
 * gzip tool's default), no name and no time in the header: the same
 * input gives the same bytes. Memory: zlib's state (about 256 KB) and a
 * 64 KB buffer per open stream; the output is written as it is made.
 */
#define _GNU_SOURCE /* fopencookie */
#include "output/files_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define GZ_BUF 65536

struct gzs {
	z_stream z;
	FILE *dst;
	int failed;
	unsigned char out[GZ_BUF];
};

/* Deflate what is in z's input with flush; the output into dst. */
static int pump(struct gzs *g, int flush)
{
	int zr;

	do {
		g->z.next_out = g->out;
		g->z.avail_out = GZ_BUF;
		zr = deflate(&g->z, flush);
		if (zr == Z_STREAM_ERROR)
			return -1;
		if (fwrite(g->out, 1, GZ_BUF - g->z.avail_out, g->dst) !=
		    GZ_BUF - g->z.avail_out)
			return -1;
	} while (g->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

static ssize_t gz_write(void *c, const char *buf, size_t n)
{
	struct gzs *g = c;
	size_t done = 0;

	if (g->failed) {
		errno = EIO;
		return -1;
	}
	while (done < n) {
		/* avail_in is an unsigned int: feed at most 1 GB a round */
		size_t k = n - done < (1u << 30) ? n - done : (1u << 30);
		g->z.next_in = (unsigned char *)(uintptr_t)(buf + done);
		g->z.avail_in = (unsigned)k;
		if (pump(g, Z_NO_FLUSH)) {
			g->failed = 1;
			errno = EIO;
			return -1;
		}
		done += k;
	}
	return (ssize_t)n;
}

static int gz_close(void *c)
{
	struct gzs *g = c;
	int rc = g->failed;

	g->z.next_in = NULL;
	g->z.avail_in = 0;
	if (!rc && pump(g, Z_FINISH))
		rc = 1;
	deflateEnd(&g->z);
	free(g);
	return rc ? EOF : 0;
}

FILE *bs__gz_open(FILE *dst)
{
	static const cookie_io_functions_t io = {NULL, gz_write, NULL,
						 gz_close};
	struct gzs *g = calloc(1, sizeof(*g));
	FILE *fp;

	if (!g)
		return NULL;
	g->dst = dst;
	if (deflateInit2(&g->z, 6, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(g);
		return NULL;
	}
	if (!(fp = fopencookie(g, "w", io))) {
		deflateEnd(&g->z);
		free(g);
		return NULL;
	}
	return fp;
}

int bs__gz_close(FILE *fp)
{
	return fclose(fp) == 0 ? 0 : -1;
}
