/*
 * csvread.c - libcsv-driven reader (see csvread.h). Memory is one growing
 * buffer for the fields of the current row, so reading is O(row size)
 * whatever the file size; large trip logs stream through. The limits on a
 * field, a row and the columns (csvread.h) bound that buffer: a file of
 * any size, compressed or not, costs at most some 17 MiB here.
 *
 * Files are opened through bs_input_open (a FIFO or a device is refused
 * before it can block) and read with read(2). A file that starts with the
 * gzip magic bytes is inflated here with zlib's inflate() rather than
 * gzread(): gzread passes over a stream that is cut short (it reports
 * Z_BUF_ERROR only to a caller that asks, and hands out the bytes it had)
 * and ignores whatever follows the last member, so a .csv.gz cut at 90 %
 * used to load as a smaller, wrong table. Here every member's CRC-32 and
 * length are checked by inflate, a stream that ends before its trailer is
 * an error, and after a member only another complete member may follow
 * (concatenated members are valid gzip, as `cat a.gz b.gz` makes them);
 * anything else, zero padding included, is refused. Plain files are read
 * as they are.
 */
#include "input/csvread.h"
#include "input/textdec.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Bytes handed to libcsv per call: a field being read is checked against
 * its limit after each call, so libcsv's buffer never holds more than
 * BS_CSV_MAX_FIELD + CHUNK + CSV_BLOCK bytes. */
#define CHUNK 65536
/* libcsv grows its field buffer by this much (its default, 128, means
 * 8,192 reallocations for a field of 1 MiB). Its buffer may hold a byte
 * or so more than the field (a closing quote until the next character
 * shows it closes), so a field still being read is too long only when
 * the buffer exceeds the limit by more than one block; fields handed
 * over are checked exactly (on_field). */
#define CSV_BLOCK 4096

struct reader {
	const char *file;
	bs_csv_cb cb;
	void *ud;
	struct bs_error *err;
	long row;
	int rc;
	size_t header_n; /* fields of the header: every row has as many */
	char *hbuf;      /* the header's names, to name a missing field */
	size_t *hoff;
	/* fields of the current row */
	char *buf;
	size_t used, cap;
	size_t *off, *len;
	char **ptr;
	size_t n, fcap;
};

static void too_long(struct reader *r)
{
	bs_error_row(r->err, r->file, r->row + 1, NULL,
		     "a field longer than %u bytes (1 MiB); expected fields of at most 1 MiB",
		     BS_CSV_MAX_FIELD);
	r->rc = BS_E_INPUT;
}

static int grow(struct reader *r, size_t need)
{
	if (r->used + need > r->cap) {
		size_t nc = r->cap ? r->cap : 256;
		char *b;
		while (nc < r->used + need)
			nc *= 2;
		b = realloc(r->buf, nc);
		if (!b)
			return -1;
		r->buf = b;
		r->cap = nc;
	}
	return 0;
}

/* Limits first, then the copy: the row buffer never grows past
 * BS_CSV_MAX_ROW, the field index past BS_CSV_MAX_COLUMNS entries. */
static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;

	if (r->rc)
		return;
	if (len > BS_CSV_MAX_FIELD) {
		too_long(r);
		return;
	}
	if (r->n == BS_CSV_MAX_COLUMNS) {
		bs_error_row(r->err, r->file, r->row + 1, NULL,
			     "more than %u fields; expected at most %u columns",
			     BS_CSV_MAX_COLUMNS, BS_CSV_MAX_COLUMNS);
		r->rc = BS_E_INPUT;
		return;
	}
	if (r->used + len + 1 > BS_CSV_MAX_ROW) {
		bs_error_row(r->err, r->file, r->row + 1, NULL,
			     "a row longer than %u bytes (16 MiB); expected rows of at most 16 MiB",
			     BS_CSV_MAX_ROW);
		r->rc = BS_E_INPUT;
		return;
	}
	if (r->n == r->fcap) {
		size_t nc = r->fcap ? r->fcap * 2 : 16;
		size_t *o = realloc(r->off, nc * sizeof(size_t));
		size_t *l;
		if (o)
			r->off = o;
		l = o ? realloc(r->len, nc * sizeof(size_t)) : NULL;
		if (l)
			r->len = l;
		if (!o || !l) {
			r->rc = BS_E_NOMEM;
			return;
		}
		r->fcap = nc;
	}
	if (grow(r, len + 1)) {
		r->rc = BS_E_NOMEM;
		return;
	}
	if (len)
		memcpy(r->buf + r->used, s, len);
	r->buf[r->used + len] = '\0';
	r->off[r->n] = r->used;
	r->len[r->n] = len;
	r->used += len + 1;
	r->n++;
}

static void on_row(int c, void *data)
{
	struct reader *r = data;
	struct bs_csv_row row;
	char **p;
	size_t i;

	(void)c;
	if (r->rc)
		return;
	r->row++;
	if (r->row == 1) {
		r->header_n = r->n;
		r->hbuf = malloc(r->used ? r->used : 1);
		r->hoff = malloc((r->n ? r->n : 1) * sizeof(size_t));
		if (!r->hbuf || !r->hoff) {
			r->rc = BS_E_NOMEM;
			return;
		}
		if (r->n) { /* libcsv gives every row a field; still */
			memcpy(r->hbuf, r->buf, r->used);
			memcpy(r->hoff, r->off, r->n * sizeof(size_t));
		}
	} else if (r->n != r->header_n) {
		/* one rule for every reader: a field too many is as wrong as
		 * one too few (an unquoted comma in a name shifts the rest);
		 * a short row names its first missing column */
		bs_error_row(r->err, r->file, r->row,
			     r->n < r->header_n ? r->hbuf + r->hoff[r->n] : NULL,
			     "the row has %zu fields but the header has %zu; expected one field per column of the header (quote a field that holds a comma)",
			     r->n, r->header_n);
		r->rc = BS_E_INPUT;
		return;
	}
	p = realloc(r->ptr, (r->n ? r->n : 1) * sizeof(char *));
	if (!p) {
		r->rc = BS_E_NOMEM;
		return;
	}
	r->ptr = p;
	for (i = 0; i < r->n; i++) {
		r->ptr[i] = r->buf + r->off[i];
		if (memchr(r->ptr[i], '\0', r->len[i])) {
			bs_error_row(r->err, r->file, r->row, NULL,
				     "binary data (a NUL byte); expected a UTF-8 text CSV file");
			r->rc = BS_E_INPUT;
			return;
		}
	}
	row.row = r->row;
	row.n = r->n;
	row.f = r->ptr;
	row.len = r->len;
	r->rc = r->cb(r->ud, &row, r->err);
	r->n = 0;
	r->used = 0;
}

/* ---- sources of bytes ------------------------------------------------------ */

/*
 * A source fills buf with n bytes, fewer only at its end (so the first
 * call sees a byte-order mark whole), and returns the count, 0 at the
 * end; or -1 with err filled and the code in *rc.
 */
struct src {
	long (*read)(struct src *s, char *buf, size_t n);
	const char *file;
	struct bs_error *err;
	int rc;
	FILE *fp;            /* a stream (bs_csv_read_stream) */
	int fd;              /* a file (bs_csv_read_input) */
	int eof;             /* fd at its end */
	unsigned char *in;   /* [CHUNK] bytes read from fd */
	size_t inpos, inlen; /* plain: bytes of in not yet handed out */
	int zinit, zend;     /* gzip: inflate ready; a member just ended */
	z_stream z;
};

static long src_fail(struct src *s, int rc, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static long src_fail(struct src *s, int rc, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bs_error_set(s->err, rc, s->file, 0, 0, NULL, "%s", msg);
	s->rc = rc;
	return -1;
}

/* A read error: out of memory (ENOMEM) is no fault of the file. */
static long read_failed(struct src *s, int e)
{
	if (e == ENOMEM)
		return src_fail(s, BS_E_NOMEM, "out of memory reading");
	return src_fail(s, BS_E_INPUT, "cannot read: %s", strerror(e));
}

static long read_stdio(struct src *s, char *buf, size_t n)
{
	size_t got = fread(buf, 1, n, s->fp);

	if (got < n && ferror(s->fp))
		return read_failed(s, errno);
	return (long)got;
}

/* Append up to `room` bytes from fd at dst; sets eof at the end. */
static long fd_fill(struct src *s, unsigned char *dst, size_t room)
{
	size_t got = 0;

	while (got < room && !s->eof) {
		ssize_t k = read(s->fd, dst + got, room - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return read_failed(s, errno);
		if (k == 0)
			s->eof = 1;
		got += (size_t)k;
	}
	return (long)got;
}

static long read_plain(struct src *s, char *buf, size_t n)
{
	size_t got = 0;
	long k;

	if (s->inpos < s->inlen) {
		got = s->inlen - s->inpos < n ? s->inlen - s->inpos : n;
		memcpy(buf, s->in + s->inpos, got);
		s->inpos += got;
	}
	if (got < n) {
		if ((k = fd_fill(s, (unsigned char *)buf + got, n - got)) < 0)
			return -1;
		got += (size_t)k;
	}
	return (long)got;
}

/* Move the unread input to the front of in and read more after it. */
static int gz_refill(struct src *s)
{
	size_t have = s->z.avail_in;
	long k;

	if (have && s->z.next_in != s->in)
		memmove(s->in, s->z.next_in, have);
	if ((k = fd_fill(s, s->in + have, CHUNK - have)) < 0)
		return -1;
	s->z.next_in = s->in;
	s->z.avail_in = (uInt)(have + (size_t)k);
	return 0;
}

static long read_gzip(struct src *s, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		int ret;
		if (s->zend) {
			/* after a member: nothing, or another whole member */
			if (s->z.avail_in < 2 && !s->eof && gz_refill(s))
				return -1;
			if (s->z.avail_in == 0 && s->eof)
				break;
			if (s->z.avail_in < 2 || s->z.next_in[0] != 0x1f ||
			    s->z.next_in[1] != 0x8b)
				return src_fail(s, BS_E_INPUT,
						"data after the end of the gzip data; expected nothing after it but another gzip member");
			if (inflateReset(&s->z) != Z_OK)
				return src_fail(s, BS_E_INPUT,
						"damaged gzip data; expected a complete gzip file");
			s->zend = 0;
		}
		if (s->z.avail_in == 0 && !s->eof && gz_refill(s))
			return -1;
		s->z.next_out = (Bytef *)buf + got;
		s->z.avail_out = (uInt)(n - got);
		ret = inflate(&s->z, Z_NO_FLUSH);
		got = n - s->z.avail_out;
		if (ret == Z_STREAM_END) {
			s->zend = 1; /* inflate has checked CRC-32 and length */
		} else if (ret == Z_BUF_ERROR) {
			/* no progress: more input comes next round, unless the
			 * file has ended before the stream's trailer */
			if (s->z.avail_in == 0 && s->eof)
				return src_fail(s, BS_E_INPUT,
						"the gzip data ends early (the file is cut short); expected a complete gzip file");
			if (s->z.avail_in)
				return src_fail(s, BS_E_INPUT,
						"damaged gzip data; expected a complete gzip file");
		} else if (ret == Z_MEM_ERROR) {
			return src_fail(s, BS_E_NOMEM, "out of memory");
		} else if (ret != Z_OK) {
			return src_fail(s, BS_E_INPUT,
					"damaged gzip data (%s); expected a complete gzip file",
					s->z.msg ? s->z.msg : "not gzip");
		}
	}
	return (long)got;
}

/* Open path as a source: gzip when it starts with the magic bytes. */
static int src_open(struct src *s, const char *path, const char *what,
		    struct bs_error *err)
{
	long k;

	memset(s, 0, sizeof(*s));
	s->file = path;
	s->err = err;
	if ((s->fd = bs_input_open(path, what, err)) < 0) {
		int rc = s->fd;
		s->fd = -1;
		return rc;
	}
	if (!(s->in = malloc(CHUNK))) {
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	if ((k = fd_fill(s, s->in, CHUNK)) < 0)
		return s->rc;
	if (k >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
		/* 15 + 16: a 32 KiB window, gzip wrapper only */
		if (inflateInit2(&s->z, 15 + 16) != Z_OK) {
			bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL,
				     "out of memory");
			return BS_E_NOMEM;
		}
		s->zinit = 1;
		s->z.next_in = s->in;
		s->z.avail_in = (uInt)k;
		s->read = read_gzip;
	} else {
		s->inlen = (size_t)k;
		s->read = read_plain;
	}
	return 0;
}

static void src_close(struct src *s)
{
	if (s->zinit)
		inflateEnd(&s->z);
	if (s->fd >= 0)
		close(s->fd);
	free(s->in);
}

/* ---- parsing -------------------------------------------------------------- */

static void not_text(struct reader *r, const struct bs_textdec *d)
{
	bs_error_row(r->err, r->file, r->row + 1, NULL,
		     "the byte at offset %llu is neither UTF-8 nor CP932 (Shift-JIS) text; expected a text CSV file: save as UTF-8 or CP932",
		     (unsigned long long)d->bad);
	r->rc = BS_E_INPUT;
}

/* Parse s[len] (UTF-8) into r. */
static void feed(struct csv_parser *p, struct reader *r, const char *s,
		 size_t len)
{
	if (csv_parse(p, s, len, on_field, on_row, r) != len && !r->rc) {
		bs_error_row(r->err, r->file, r->row + 1, NULL,
			     "malformed CSV (%s); expected fields separated by commas, quotes doubled inside quoted fields",
			     csv_strerror(csv_error(p)));
		r->rc = BS_E_INPUT;
	}
	/* a field still being read (libcsv holds it until it ends) */
	if (!r->rc && csv_get_buffer_size(p) > BS_CSV_MAX_FIELD + CSV_BLOCK)
		too_long(r);
}

/* One chunk s[len] of the file: NUL bytes refused, text decoded, parsed. */
static void chunk_in(struct csv_parser *p, struct reader *r,
		     struct bs_textdec *d,
		     const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len), *t;
	size_t n;
	int drc;

	if (nul) /* Report the row the NUL sits in: parse up to it. */
		len = (size_t)(nul - s);
	drc = bs_textdec_feed(d, s, len, &t, &n);
	if (drc == BS_E_NOMEM) {
		r->rc = BS_E_NOMEM;
		return;
	}
	feed(p, r, t, n);
	if (r->rc)
		return;
	if (drc == 1) {
		not_text(r, d);
	} else if (nul) {
		bs_error_row(r->err, r->file, r->row + 1, NULL,
			     "binary data (a NUL byte); expected a UTF-8 text CSV file");
		r->rc = BS_E_INPUT;
	}
}

static int read_source(struct src *src, const char *file,
		       struct bs_warnings *notes, bs_csv_cb cb, void *ud,
		       struct bs_error *err)
{
	struct csv_parser p;
	struct reader r;
	struct bs_textdec d;
	char *chunk;
	long got;
	int first = 1, rc;

	memset(&r, 0, sizeof(r));
	bs_textdec_init(&d, file, CHUNK, notes);
	r.file = file;
	r.cb = cb;
	r.ud = ud;
	r.err = err;
	if (!(chunk = malloc(CHUNK)) || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI)) {
		free(chunk);
		bs_error_set(err, BS_E_NOMEM, file, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	csv_set_blk_size(&p, CSV_BLOCK);
	while (!r.rc && (got = src->read(src, chunk, CHUNK)) > 0) {
		const char *s = chunk;
		size_t len = (size_t)got;
		if (first) {
			first = 0;
			if (len >= 3 && (unsigned char)s[0] == 0xEF &&
			    (unsigned char)s[1] == 0xBB &&
			    (unsigned char)s[2] == 0xBF) {
				s += 3;
				len -= 3;
				bs_textdec_bom(&d);
			}
		}
		chunk_in(&p, &r, &d, s, len);
	}
	/* a source that failed (a read error, a cut or damaged gzip stream)
	 * is reported before the last row is finished: that row may be cut */
	if (!r.rc && got < 0)
		r.rc = src->rc;
	if (!r.rc && bs_textdec_end(&d))
		not_text(&r, &d);
	if (!r.rc && csv_fini(&p, on_field, on_row, &r) && !r.rc) {
		bs_error_row(err, file, r.row + 1, NULL,
			     "malformed CSV (a quoted field is not closed at the end of the file); expected a closing quote");
		r.rc = BS_E_INPUT;
	}
	if (!r.rc && r.row == 0) {
		bs_error_set(err, BS_E_INPUT, file, 0, 0, NULL,
			     "empty file; expected a CSV header row and data rows");
		r.rc = BS_E_INPUT;
	}
	if (r.rc == BS_E_NOMEM && err && !err->text[0])
		bs_error_set(err, BS_E_NOMEM, file, 0, 0, NULL, "out of memory");
	rc = r.rc;
	bs_textdec_release(&d);
	csv_free(&p);
	free(chunk);
	free(r.buf);
	free(r.off);
	free(r.len);
	free(r.ptr);
	free(r.hbuf);
	free(r.hoff);
	return rc;
}

int bs_csv_read_stream(FILE *fp, const char *file, bs_csv_cb cb, void *ud,
		       struct bs_error *err)
{
	struct src s;

	memset(&s, 0, sizeof(s));
	s.file = file;
	s.err = err;
	s.fp = fp;
	s.fd = -1;
	s.read = read_stdio;
	return read_source(&s, file, NULL, cb, ud, err);
}

int bs_csv_read_noted(const char *path, const char *what,
		      struct bs_warnings *notes, bs_csv_cb cb, void *ud,
		      struct bs_error *err)
{
	struct src s;
	int rc = src_open(&s, path, what, err);

	if (!rc)
		rc = read_source(&s, path, notes, cb, ud, err);
	src_close(&s);
	return rc;
}

int bs_csv_read_input(const char *path, const char *what, bs_csv_cb cb,
		      void *ud, struct bs_error *err)
{
	return bs_csv_read_noted(path, what, NULL, cb, ud, err);
}

int bs_csv_read_file(const char *path, bs_csv_cb cb, void *ud,
		     struct bs_error *err)
{
	return bs_csv_read_input(path, "a CSV file", cb, ud, err);
}

/* ---- the header ----------------------------------------------------------- */

int bs_strpos_cmp(const void *a, const void *b)
{
	const struct bs_strpos *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

long bs_strpos_find(const struct bs_strpos *x, size_t n, const char *s)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first entry not less than s */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(x[mid].s, s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(x[lo].s, s) == 0 ? (long)x[lo].i : -1;
}

/* O(n log n) in the n columns: a sorted copy of the names, neighbours
 * compared. The column named is the one a left-to-right reading finds
 * repeated first (the smallest index that repeats an earlier name). */
int bs_csv_header_unique(const struct bs_csv_row *r, const char *file,
			 const char *expected, struct bs_error *err)
{
	struct bs_strpos *h;
	size_t i, m = 0, best = SIZE_MAX;

	if (r->n < 2)
		return 0;
	if (!(h = malloc(r->n * sizeof(*h)))) {
		bs_error_set(err, BS_E_NOMEM, file, 0, 0, NULL,
			     "out of memory reading the header");
		return BS_E_NOMEM;
	}
	for (i = 0; i < r->n; i++)
		if (r->len[i]) {
			h[m].s = r->f[i];
			h[m].i = i;
			m++;
		}
	if (m > 1)
		qsort(h, m, sizeof(*h), bs_strpos_cmp);
	for (i = 1; i < m; i++)
		if (h[i].i < best && strcmp(h[i - 1].s, h[i].s) == 0)
			best = h[i].i;
	free(h);
	if (best != SIZE_MAX) {
		bs_error_row(err, file, r->row, r->f[best],
			     "column '%s' appears twice in the header; expected %s",
			     r->f[best], expected);
		return BS_E_INPUT;
	}
	return 0;
}

/* O(k n) for k wanted names among n columns: k is a handful. */
int bs_csv_header(const struct bs_csv_row *r, const char *file, size_t k,
		  const char *const *names, const int *required, long *idx,
		  const char *expected, struct bs_error *err)
{
	size_t i, j;
	int rc;

	if ((rc = bs_csv_header_unique(r, file, expected, err)))
		return rc;
	for (i = 0; i < k; i++) {
		idx[i] = -1;
		for (j = 0; j < r->n; j++)
			if (strcmp(r->f[j], names[i]) == 0)
				idx[i] = (long)j;
		if (idx[i] < 0 && required && required[i]) {
			bs_error_row(err, file, r->row, names[i],
				     "missing column '%s' in the header; expected %s",
				     names[i], expected);
			return BS_E_INPUT;
		}
	}
	return 0;
}

int bs_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v) ||
	    (errno == ERANGE && fabs(v) > 1.0))
		return -1;
	/* strtod accepts "nan", "inf", hex floats; only plain decimals here */
	for (const char *c = s; *c; c++)
		if (*c == 'x' || *c == 'X' || *c == 'n' || *c == 'N' ||
		    *c == 'i' || *c == 'I')
			return -1;
	*out = v;
	return 0;
}

int bs_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int bs_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;

	while (p < e) {
		unsigned c = *p;
		size_t k;
		unsigned min;
		uint32_t cp;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			k = 1;
			cp = c & 0x1F;
			min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			k = 2;
			cp = c & 0x0F;
			min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			k = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		if ((size_t)(e - p) <= k)
			return 0;
		for (size_t i = 1; i <= k; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		p += k + 1;
	}
	return 1;
}
