/*
 * csvread.c - libcsv-driven reader (see csvread.h). Memory is one growing
 * buffer for the fields of the current row, so reading is O(row size)
 * whatever the file size; large trip logs stream through.
 *
 * Files are opened through zlib's gzopen, which reads gzip-compressed and
 * plain files alike (it passes plain bytes through), so every CSV input may
 * be gzipped; the cost for plain files is one extra buffer copy.
 */
#include "bssim/csvread.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct reader {
	const char *file;
	bs_csv_cb cb;
	void *ud;
	struct bs_error *err;
	long row;
	int rc;
	/* fields of the current row */
	char *buf;
	size_t used, cap;
	size_t *off, *len;
	char **ptr;
	size_t n, fcap;
};

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

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;

	if (r->rc)
		return;
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

/* A source of bytes: returns the count read (0 at the end), or -1 with a
 * reason in *why (-2: out of memory, which is no fault of the file). */
typedef long (*src_read)(void *src, char *buf, size_t n, const char **why);

static long read_stdio(void *src, char *buf, size_t n, const char **why)
{
	FILE *fp = src;
	size_t got = fread(buf, 1, n, fp);

	if (got == 0 && ferror(fp)) {
		*why = strerror(errno);
		return errno == ENOMEM ? -2 : -1;
	}
	return (long)got;
}

static long read_gz(void *src, char *buf, size_t n, const char **why)
{
	gzFile gz = src;
	int got = gzread(gz, buf, (unsigned)n);

	if (got < 0) {
		int zerr;
		const char *m = gzerror(gz, &zerr);
		*why = zerr == Z_ERRNO ? strerror(errno) : m;
		return zerr == Z_MEM_ERROR || (zerr == Z_ERRNO && errno == ENOMEM)
			       ? -2
			       : -1;
	}
	return got;
}

static int read_source(src_read rd, void *src, const char *file,
		       bs_csv_cb cb, void *ud, struct bs_error *err)
{
	struct csv_parser p;
	struct reader r;
	char chunk[65536];
	long got = 0;
	const char *why = NULL;
	int first = 1, rc;

	memset(&r, 0, sizeof(r));
	r.file = file;
	r.cb = cb;
	r.ud = ud;
	r.err = err;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI)) {
		bs_error_set(err, BS_E_NOMEM, file, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	while (!r.rc && (got = rd(src, chunk, sizeof(chunk), &why)) > 0) {
		const char *s = chunk;
		size_t len = (size_t)got;
		if (first) {
			first = 0;
			if (len >= 3 && (unsigned char)s[0] == 0xEF &&
			    (unsigned char)s[1] == 0xBB &&
			    (unsigned char)s[2] == 0xBF) {
				s += 3;
				len -= 3;
			}
		}
		if (memchr(s, '\0', len)) {
			/* Report the row the NUL sits in: parse up to it. */
			size_t upto = (size_t)((const char *)memchr(s, '\0', len) - s);
			csv_parse(&p, s, upto, on_field, on_row, &r);
			if (!r.rc) {
				bs_error_row(err, file, r.row + 1, NULL,
					     "binary data (a NUL byte); expected a UTF-8 text CSV file");
				r.rc = BS_E_INPUT;
			}
			break;
		}
		if (csv_parse(&p, s, len, on_field, on_row, &r) != len &&
		    !r.rc) {
			bs_error_row(err, file, r.row + 1, NULL,
				     "malformed CSV (%s); expected fields separated by commas, quotes doubled inside quoted fields",
				     csv_strerror(csv_error(&p)));
			r.rc = BS_E_INPUT;
		}
	}
	if (!r.rc && got == -2) {
		bs_error_set(err, BS_E_NOMEM, file, 0, 0, NULL,
			     "out of memory reading");
		r.rc = BS_E_NOMEM;
	}
	if (!r.rc && got < 0) {
		bs_error_set(err, BS_E_INPUT, file, 0, 0, NULL,
			     "cannot read: %s", why ? why : "read error");
		r.rc = BS_E_INPUT;
	}
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
	csv_free(&p);
	free(r.buf);
	free(r.off);
	free(r.len);
	free(r.ptr);
	return rc;
}

int bs_csv_read_stream(FILE *fp, const char *file, bs_csv_cb cb, void *ud,
		       struct bs_error *err)
{
	return read_source(read_stdio, fp, file, cb, ud, err);
}

int bs_csv_read_file(const char *path, bs_csv_cb cb, void *ud,
		     struct bs_error *err)
{
	gzFile gz;
	int rc;

	errno = 0;
	gz = gzopen(path, "rb");
	if (!gz) {
		int nomem = errno == 0 || errno == ENOMEM;
		bs_error_set(err, nomem ? BS_E_NOMEM : BS_E_INPUT, path, 0, 0,
			     NULL, "cannot open: %s",
			     nomem ? "out of memory" : strerror(errno));
		return nomem ? BS_E_NOMEM : BS_E_INPUT;
	}
	/* 128 KiB of decompression buffer instead of zlib's 8 KiB default:
	 * fewer reads on the 19 MB status series. */
	if (gzbuffer(gz, 131072) != 0) {
		gzclose(gz);
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	rc = read_source(read_gz, gz, path, cb, ud, err);
	gzclose(gz);
	return rc;
}

int bs_csv_header(const struct bs_csv_row *r, const char *file, size_t k,
		  const char *const *names, const int *required, long *idx,
		  const char *expected, struct bs_error *err)
{
	size_t i, j;

	for (j = 0; j < r->n; j++)
		for (i = 0; i < j; i++)
			if (r->len[i] && strcmp(r->f[i], r->f[j]) == 0) {
				bs_error_row(err, file, r->row, r->f[j],
					     "column '%s' appears twice in the header; expected %s",
					     r->f[j], expected);
				return BS_E_INPUT;
			}
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

void bs_fmt_shortest(double v, char *buf, size_t sz)
{
	int p;

	for (p = 1; p <= 17; p++) {
		snprintf(buf, sz, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return;
	}
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
