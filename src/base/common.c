/*
 * common.c - error codes, the user-facing error record and small checked
 * helpers used by every layer. Lives with the engine because it is the
 * lowest layer; it depends on nothing but libc.
 */
#include "base/common.h"

#include <pthread.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *bs_strerror(int code)
{
	switch (code) {
	case BS_OK:
		return "success";
#define BS__ERR_STR(name, c, text)                                         \
	case c:                                                            \
		return text;
		BS_ERRNO_MAP(BS__ERR_STR)
#undef BS__ERR_STR
	default:
		return "unknown error";
	}
}

void bs_error_clear(struct bs_error *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

static void verror(struct bs_error *e, int code, const char *file, long line,
		   long column, long row, const char *key, const char *fmt,
		   va_list ap)
{
	e->code = code;
	bs_strlcpy(e->file, file ? file : "", sizeof(e->file));
	e->line = line;
	e->column = column;
	e->row = row;
	bs_strlcpy(e->key, key ? key : "", sizeof(e->key));
	if (fmt)
		vsnprintf(e->text, sizeof(e->text), fmt, ap);
	else
		e->text[0] = '\0';
}

void bs_error_set(struct bs_error *e, int code, const char *file, long line,
		  long column, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	verror(e, code, file, line, column, 0, key, fmt, ap);
	va_end(ap);
}

void bs_error_row(struct bs_error *e, const char *file, long row,
		  const char *key, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	verror(e, BS_E_INPUT, file, 0, 0, row, key, fmt, ap);
	va_end(ap);
}

void bs_warnings_clear(struct bs_warnings *w)
{
	if (w)
		memset(w, 0, sizeof(*w));
}

void bs_warn(struct bs_warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (!w)
		return;
	if (w->count < BS_WARN_KEEP) {
		va_start(ap, fmt);
		vsnprintf(w->first[w->count], sizeof(w->first[0]), fmt, ap);
		va_end(ap);
	}
	w->count++;
}

char *bs_error_format(const struct bs_error *e, char *buf, size_t size)
{
	size_t n = 0;
	int w;

	if (size == 0)
		return buf;
	buf[0] = '\0';
#define BS__APPEND(...)                                                    \
	do {                                                               \
		w = snprintf(buf + n, size - n, __VA_ARGS__);              \
		if (w < 0)                                                 \
			return buf;                                        \
		n += (size_t)w;                                            \
		if (n >= size)                                             \
			return buf;                                        \
	} while (0)
	if (e->file[0]) {
		BS__APPEND("%s", e->file);
		if (e->line > 0 && e->column > 0)
			BS__APPEND(":%ld:%ld", e->line, e->column);
		else if (e->line > 0)
			BS__APPEND(":%ld", e->line);
		else if (e->row > 0)
			BS__APPEND(": row %ld", e->row);
		BS__APPEND(": ");
	}
	if (e->key[0])
		BS__APPEND("%s: ", e->key);
	BS__APPEND("%s", e->text[0] ? e->text : bs_strerror(e->code));
#undef BS__APPEND
	return buf;
}

size_t bs_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t c = len < size - 1 ? len : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return len;
}

char *bs_path_join(const char *dir, size_t dirlen, const char *name)
{
	size_t b = strlen(name);
	char *p = malloc(dirlen + b + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, dirlen);
	p[dirlen] = '/';
	memcpy(p + dirlen + 1, name, b + 1);
	return p;
}

int bs_read_all(FILE *fp, size_t max, char **text, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	int rc = 0;

	do {
		if (n + 65536 + 1 > cap) {
			/* doubling, but never past what max can need */
			char *b;
			cap = cap ? cap * 2 : 65536 * 2;
			if (cap > max + 65536 + 1)
				cap = max + 65536 + 1;
			if (!(b = realloc(buf, cap))) {
				rc = BS_E_NOMEM;
				break;
			}
			buf = b;
		}
		got = fread(buf + n, 1, 65536, fp);
		n += got;
		if (n > max) {
			rc = BS_E_LIMIT;
			break;
		}
	} while (got > 0);
	if (!rc && ferror(fp))
		rc = BS_E_IO;
	if (rc) {
		free(buf);
		*text = NULL;
		return rc;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* What a path that is not a regular file is, for the message. */
static const char *not_regular(mode_t m)
{
	if (S_ISFIFO(m))
		return "not a regular file (a FIFO)";
	if (S_ISDIR(m))
		return "not a regular file (a folder)";
	if (S_ISCHR(m))
		return "not a regular file (a character device)";
	if (S_ISBLK(m))
		return "not a regular file (a block device)";
	if (S_ISSOCK(m))
		return "not a regular file (a socket)";
	return "not a regular file";
}

int bs_open_regular(const char *path, const char **why)
{
	struct stat sb;
	int fd, fl;

	*why = NULL;
	do
		fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		/* open() of a Unix socket fails with ENXIO: say what it is */
		int e = errno;
		if (e == ENXIO && stat(path, &sb) == 0 && S_ISSOCK(sb.st_mode)) {
			*why = not_regular(sb.st_mode);
			errno = 0;
			return -1;
		}
		errno = e;
		return -1;
	}
	if (fstat(fd, &sb) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		*why = not_regular(sb.st_mode);
		errno = 0;
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int bs_input_open(const char *path, const char *what, struct bs_error *err)
{
	const char *why;
	int fd = bs_open_regular(path, &why), e = errno;

	if (fd >= 0)
		return fd;
	if (why) {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "%s; expected %s", why, what);
		errno = 0;
		return BS_E_INPUT;
	}
	/* out of memory (ENOMEM) is no fault of the file */
	bs_error_set(err, e == ENOMEM ? BS_E_NOMEM : BS_E_INPUT, path, 0, 0,
		     NULL, "cannot open: %s",
		     e == ENOMEM ? "out of memory" : strerror(e));
	errno = e;
	return e == ENOMEM ? BS_E_NOMEM : BS_E_INPUT;
}

FILE *bs_input_fopen(const char *path, const char *what,
		     struct bs_error *err)
{
	int fd = bs_input_open(path, what, err);
	FILE *fp;

	if (fd < 0)
		return NULL;
	if (!(fp = fdopen(fd, "rb"))) {
		close(fd);
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL, "out of memory");
		errno = ENOMEM;
	}
	return fp;
}

int bs_read_file(const char *path, size_t max, const char *what,
		 char **text, size_t *len, struct bs_error *err)
{
	int fd = bs_input_open(path, what, err), rc;
	FILE *fp;

	*text = NULL;
	if (fd < 0)
		return fd;
	if (!(fp = fdopen(fd, "rb"))) {
		close(fd);
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	rc = bs_read_all(fp, max, text, len);
	if (rc == BS_E_LIMIT)
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
			     "larger than %zu MiB; expected %s", max >> 20, what);
	else if (rc == BS_E_NOMEM)
		bs_error_set(err, BS_E_NOMEM, path, 0, 0, NULL, "out of memory");
	else if (rc)
		bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL, "cannot read: %s",
			     strerror(errno));
	fclose(fp);
	return rc == BS_E_NOMEM ? BS_E_NOMEM : rc ? BS_E_INPUT : 0;
}

char *bs_strdup(const char *s)
{
	size_t n;
	char *d;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

int bs_size_mul(size_t a, size_t b, size_t *out)
{
	if (a && b > SIZE_MAX / a)
		return BS_E_LIMIT;
	*out = a * b;
	return 0;
}

int bs_size_add(size_t a, size_t b, size_t *out)
{
	if (b > SIZE_MAX - a)
		return BS_E_LIMIT;
	*out = a + b;
	return 0;
}

/* ---- test hooks ------------------------------------------------------------ */

/* Parsed once from the environment (pthread_once): getenv is safe here
 * because nothing in bssim calls setenv. */
#define TP_MAX 16
static struct {
	char name[32];
	unsigned long long n;
	atomic_ullong seen;
} tp[TP_MAX];
static size_t ntp;
static unsigned long long fail_at; /* 0: never */
static atomic_ullong writes;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void hooks_parse(void)
{
	const char *s = getenv("BSSIM_TEST_STOP_AT"), *f;
	char *end;

	while (s && *s && ntp < TP_MAX) {
		size_t l = strcspn(s, ":,");
		if (l > 0 && l < sizeof(tp[0].name)) {
			memcpy(tp[ntp].name, s, l);
			tp[ntp].name[l] = '\0';
			tp[ntp].n = 1;
			if (s[l] == ':') {
				tp[ntp].n = strtoull(s + l + 1, &end, 10);
				l = (size_t)(end - s);
				if (tp[ntp].n == 0)
					tp[ntp].n = 1;
			}
			atomic_init(&tp[ntp].seen, 0);
			ntp++;
		}
		s += l;
		s += strcspn(s, ",");
		if (*s == ',')
			s++;
	}
	f = getenv("BSSIM_TEST_FAIL_WRITE");
	if (f && *f)
		fail_at = strtoull(f, NULL, 10);
}

void bs_test_point(const char *point)
{
	size_t i;

	pthread_once(&hooks_once, hooks_parse);
	for (i = 0; i < ntp; i++)
		if (strcmp(tp[i].name, point) == 0 &&
		    atomic_fetch_add(&tp[i].seen, 1) + 1 == tp[i].n)
			/* the whole process stops, every thread with it */
			kill(getpid(), SIGSTOP);
}

int bs_test_write_fails(void)
{
	pthread_once(&hooks_once, hooks_parse);
	return fail_at && atomic_fetch_add(&writes, 1) + 1 == fail_at;
}
