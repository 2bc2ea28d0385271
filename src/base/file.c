/*
 * file.c - safe input files (see file.h).
 */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"

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
