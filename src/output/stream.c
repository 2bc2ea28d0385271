/*
 * stream.c - the streams output files are written through, temporary names, and the checks of single-file targets (see output.h).
 */
#define _GNU_SOURCE /* fopencookie, flock, getrandom */
#include "output/output.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fmt.h"
#include "output/files_internal.h"

/* ---- streams --------------------------------------------------------------- */

/*
 * Every output file is written through a stdio stream of our own
 * (fopencookie over its descriptor). It keeps the errno of the first
 * failed write, so that the message gives the system's real reason even
 * when stdio notices the failure only later (or a later write succeeds),
 * and it is where BSSIM_TEST_FAIL_WRITE makes a write fail. It keeps
 * stdio's own buffer (BUFSIZ, 8 KiB): one write(2) per 8 KiB, as fopen's
 * streams do, so writing costs what it did.
 */

static ssize_t os_write(void *c, const char *buf, size_t n)
{
	struct bs__ostream *os = c;
	size_t done = 0;

	if (bs_test_write_fails()) {
		errno = ENOSPC;
		goto fail;
	}
	while (done < n) {
		ssize_t w = write(os->fd, buf + done, n - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		done += (size_t)w;
	}
	return (ssize_t)n;
fail:
	if (!os->err)
		os->err = errno;
	return 0; /* stdio sets the stream's error flag */
}

static int os_close(void *c)
{
	struct bs__ostream *os = c;
	int rc = 0;

	if (os->fd >= 0) {
		rc = close(os->fd);
		if (rc && !os->err && errno != EINTR)
			os->err = errno;
		else
			rc = 0;
		os->fd = -1;
	}
	return rc;
}

/* A stream writing to fd, which os owns from now on. NULL when out of
 * memory (fd closed). */
FILE *bs__os_open(struct bs__ostream *os, int fd)
{
	cookie_io_functions_t io;
	FILE *fp;

	memset(&io, 0, sizeof(io));
	io.write = os_write;
	io.close = os_close;
	os->fd = fd;
	os->err = 0;
	fp = fopencookie(os, "w", io);
	if (!fp) {
		close(fd);
		os->fd = -1;
		return NULL;
	}
	return fp;
}

/* Flush, fsync (when sync) and close fp: the errno of the first failure of
 * any write to it, or 0. */
int bs__os_finish(struct bs__ostream *os, FILE *fp, int sync)
{
	int e = 0;

	if (fflush(fp) || ferror(fp))
		e = os->err ? os->err : EIO;
	if (!e && sync && os->fd >= 0 && fsync(os->fd) && errno != EINVAL &&
	    errno != EROFS)
		e = errno;
	if (fclose(fp) && !e)
		e = os->err ? os->err : EIO;
	return e;
}

/* ---- names ----------------------------------------------------------------- */

uint64_t bs__rand64(void)
{
	static atomic_ullong ctr;
	uint64_t r;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	/* no entropy yet (early boot): distinct names still, and O_EXCL
	 * guards whatever was planted */
	clock_gettime(CLOCK_REALTIME, &ts);
	r = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
	    ((uint64_t)getpid() << 16) ^
	    (atomic_fetch_add(&ctr, 1) * 0x9E3779B97F4A7C15ull);
	r ^= r >> 31;
	r *= 0xBF58476D1CE4E5B9ull;
	return r ^ (r >> 29);
}

/* ".NAME.tmp.SUFFIX", SUFFIX letters and digits: bssim's temporaries, of
 * this version (12 hex digits) and of earlier ones (a process id). */
int bs__is_temp_name(const char *n)
{
	const char *t = NULL, *p = n + 1, *q;

	if (n[0] != '.')
		return 0;
	while ((q = strstr(p, ".tmp.")) != NULL) {
		t = q;
		p = q + 1;
	}
	if (!t || t == n + 1 || !t[5])
		return 0;
	for (p = t + 5; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z')))
			return 0;
	return 1;
}

/* Create a new temporary for dirfd/final: its descriptor (name in name),
 * or -1 with errno. Nothing that already exists under the name, planted
 * or not, is opened (O_EXCL) or followed (O_NOFOLLOW). */
int bs__open_temp(int dirfd, const char *final, char *name, size_t sz)
{
	int i, fd;

	for (i = 0; i < 64; i++) {
		if ((size_t)snprintf(name, sz, ".%s.tmp.%012llx", final,
				     (unsigned long long)(bs__rand64() &
							  0xffffffffffffull)) >= sz) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dirfd, name,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1; /* EEXIST 64 times in a row: names planted on purpose */
}

/* A plain file name: not empty, no '/', not "." or "..". */
int bs__plain_name(const char *n)
{
	return n[0] && !strchr(n, '/') && strcmp(n, ".") && strcmp(n, "..") &&
	       strlen(n) < 200;
}

const char *bs__what_is(mode_t m)
{
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISDIR(m))
		return "a folder";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISSOCK(m))
		return "a socket";
	return "something other than a regular file";
}

char *bs__join(const char *dir, const char *name)
{
	return bs_path_join(dir, strlen(dir), name);
}

/* BS_E_INPUT: dir/name is not a regular file (mode m), so no output
 * replaces it. */
int bs__not_regular(struct bs_error *err, const char *dir,
		       const char *name, const char *opt, mode_t m)
{
	char *p = dir ? bs__join(dir, name) : NULL;

	bs_error_set(err, BS_E_INPUT, p ? p : name, 0, 0, opt,
		     "is %s, not a regular file; bssim replaces only regular files: remove it or choose another output",
		     bs__what_is(m));
	free(p);
	return BS_E_INPUT;
}

int bs_output_check_target(const char *path, const char *opt,
			   struct bs_error *err)
{
	size_t l = strlen(path);
	struct stat sb;

	if (l == 0) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, opt,
			     "expected a file name, got ''");
		return BS_E_INPUT;
	}
	if (path[l - 1] == '/') {
		bs_error_set(err, BS_E_INPUT, path, 0, 0, opt,
			     "names a folder; expected a file name");
		return BS_E_INPUT;
	}
	if (lstat(path, &sb) || S_ISREG(sb.st_mode))
		return 0; /* new (or unreachable: writing it will tell) */
	return bs__not_regular(err, NULL, path, opt, sb.st_mode);
}

int bs_output_check_names(const char *dir, const char *const *names,
			  size_t n, struct bs_error *err)
{
	struct stat sb;
	size_t i;

	for (i = 0; i < n; i++) {
		char *p = bs__join(dir, names[i]);
		int bad = p && lstat(p, &sb) == 0 && !S_ISREG(sb.st_mode);
		free(p);
		if (bad)
			return bs__not_regular(err, dir, names[i], NULL, sb.st_mode);
	}
	return 0;
}
