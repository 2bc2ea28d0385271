/*
 * output.c - result files, written all-or-nothing into locked output
 * folders (see output.h).
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
struct bs__ostream {
	int fd;
	int err; /* errno of the first failure; 0: none */
};

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
static FILE *os_open(struct bs__ostream *os, int fd)
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
static int os_finish(struct bs__ostream *os, FILE *fp, int sync)
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

static uint64_t rand64(void)
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
static int is_temp_name(const char *n)
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
static int open_temp(int dirfd, const char *final, char *name, size_t sz)
{
	int i, fd;

	for (i = 0; i < 64; i++) {
		if ((size_t)snprintf(name, sz, ".%s.tmp.%012llx", final,
				     (unsigned long long)(rand64() &
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
static int plain_name(const char *n)
{
	return n[0] && !strchr(n, '/') && strcmp(n, ".") && strcmp(n, "..") &&
	       strlen(n) < 200;
}

static const char *what_is(mode_t m)
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

static char *join(const char *dir, const char *name)
{
	return bs_path_join(dir, strlen(dir), name);
}

/* BS_E_INPUT: dir/name is not a regular file (mode m), so no output
 * replaces it. */
static int not_regular(struct bs_error *err, const char *dir,
		       const char *name, const char *opt, mode_t m)
{
	char *p = dir ? join(dir, name) : NULL;

	bs_error_set(err, BS_E_INPUT, p ? p : name, 0, 0, opt,
		     "is %s, not a regular file; bssim replaces only regular files: remove it or choose another output",
		     what_is(m));
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
	return not_regular(err, NULL, path, opt, sb.st_mode);
}

int bs_output_check_names(const char *dir, const char *const *names,
			  size_t n, struct bs_error *err)
{
	struct stat sb;
	size_t i;

	for (i = 0; i < n; i++) {
		char *p = join(dir, names[i]);
		int bad = p && lstat(p, &sb) == 0 && !S_ISREG(sb.st_mode);
		free(p);
		if (bad)
			return not_regular(err, dir, names[i], NULL, sb.st_mode);
	}
	return 0;
}

/* ---- folders --------------------------------------------------------------- */

int bs_mkdir_p(const char *dir, struct bs_error *err)
{
	char buf[4096];
	size_t i, l = bs_strlcpy(buf, dir, sizeof(buf));
	struct stat sb;

	if (l >= sizeof(buf)) {
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "path too long for an output folder");
		return BS_E_IO;
	}
	for (i = 1; i <= l; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];
			buf[i] = '\0';
			if (mkdir(buf, 0777) && errno != EEXIST) {
				bs_error_set(err, BS_E_IO, buf, 0, 0, NULL,
					     "cannot create the output folder: %s",
					     strerror(errno));
				return BS_E_IO;
			}
			buf[i] = c;
		}
	}
	if (stat(dir, &sb) || !S_ISDIR(sb.st_mode)) {
		bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
			     "exists and is not a folder; expected an output folder");
		return BS_E_INPUT;
	}
	return 0;
}

/* Write text to dirfd/final through a temporary (fsync'ed, renamed), never
 * replacing something that is not a regular file. */
static int write_small(int dirfd, const char *dir, const char *final,
		       const char *text, const char *what, struct bs_error *err)
{
	struct bs__ostream os;
	char tname[256];
	struct stat sb;
	FILE *fp;
	int fd, e;

	if (fstatat(dirfd, final, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(sb.st_mode))
		return not_regular(err, dir, final, NULL, sb.st_mode);
	fd = open_temp(dirfd, final, tname, sizeof(tname));
	if (fd < 0) {
		e = errno;
		goto fail;
	}
	if (!(fp = os_open(&os, fd))) {
		e = ENOMEM;
		unlinkat(dirfd, tname, 0);
		goto fail;
	}
	fputs(text, fp);
	if ((e = os_finish(&os, fp, 1)) ||
	    (renameat(dirfd, tname, dirfd, final) && (e = errno))) {
		unlinkat(dirfd, tname, 0);
		goto fail;
	}
	if (fsync(dirfd) && errno != EINVAL && errno != EROFS) {
		e = errno;
		goto fail;
	}
	return 0;
fail: {
	char *p = join(dir, final);
	bs_error_set(err, BS_E_IO, p ? p : dir, 0, 0, NULL,
		     "cannot write %s: %s; the previous results are left as they were",
		     what, strerror(e));
	free(p);
	return BS_E_IO;
}
}

/* The marker of dirfd: 1 when it is there as a regular file, with its
 * kind in kind ("" for a marker of an earlier bssim, which names none). */
static int read_marker(int dirfd, char *kind, size_t sz)
{
	char buf[1024], *k;
	struct stat sb;
	ssize_t n;
	int fd;

	kind[0] = '\0';
	/* O_NONBLOCK: a FIFO planted as the marker must not hang us */
	fd = openat(dirfd, BS_OUTDIR_MARK,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if ((k = strstr(buf, "\nkind: ")) != NULL) {
		size_t l = strcspn(k + 7, "\n");
		if (l < sz) {
			memcpy(kind, k + 7, l);
			kind[l] = '\0';
		}
	}
	return 1;
}

static int exists_at(int dirfd, const char *name)
{
	struct stat sb;

	return fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The kind of a folder whose marker names none (written by an earlier
 * bssim), from the files it holds; NULL when they do not tell. */
static const char *infer_kind(int dirfd)
{
	if (exists_at(dirfd, "sweep_tasks.jsonl") ||
	    exists_at(dirfd, "sweep_plan.json"))
		return BS_KIND_SWEEP;
	if (exists_at(dirfd, "summary.json"))
		return BS_KIND_RUN;
	if (exists_at(dirfd, "compare.csv"))
		return BS_KIND_COMPARE;
	return NULL;
}

static const char *kind_holds(const char *k)
{
	if (!strcmp(k, BS_KIND_RUN))
		return "a run's results (bssim run)";
	if (!strcmp(k, BS_KIND_SWEEP))
		return "a sweep's results (bssim sweep or merge)";
	if (!strcmp(k, BS_KIND_COMPARE))
		return "a comparison's results (bssim compare -o)";
	return "results of another kind";
}

static const char *kind_folder(const char *k)
{
	if (!strcmp(k, BS_KIND_RUN))
		return "a run's folder";
	if (!strcmp(k, BS_KIND_SWEEP))
		return "a sweep's folder";
	return "a comparison's folder";
}

/* Whether dirfd may become (or stay) an output folder of this kind. Cost:
 * one pass over its entries. */
static int check_fd(int dirfd, const char *dir, const char *kind, int force,
		    struct bs_error *err)
{
	char first[256] = "", mk[64];
	long other = 0;
	int marked, fd2 = dup(dirfd);
	DIR *d = fd2 >= 0 ? fdopendir(fd2) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd2 >= 0)
			close(fd2);
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "cannot read the output folder: %s", strerror(errno));
		return BS_E_IO;
	}
	rewinddir(d); /* the offset is shared with dirfd's description */
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, BS_OUTDIR_MARK))
			continue;
		/* name the first in byte order: messages must not depend on
		 * the order the file system lists a folder in */
		if (!other++ || strcmp(e->d_name, first) < 0)
			bs_strlcpy(first, e->d_name, sizeof(first));
	}
	closedir(d);
	marked = read_marker(dirfd, mk, sizeof(mk));
	if (force)
		return 0;
	if (other && !marked) {
		bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
			     "holds %ld file%s bssim did not write (e.g. '%s'); expected a new or empty folder, or one bssim wrote before: choose another -o, or pass --force to write there anyway",
			     other, other == 1 ? "" : "s", first);
		return BS_E_INPUT;
	}
	if (marked && kind) {
		const char *have = mk[0] ? mk : infer_kind(dirfd);
		if (have && strcmp(have, kind)) {
			bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
				     "holds %s; expected a new or empty folder, or %s: choose another -o, or pass --force to write there anyway",
				     kind_holds(have), kind_folder(kind));
			return BS_E_INPUT;
		}
	}
	return 0;
}

int bs_outdir_check(const char *dir, const char *kind, int force,
		    struct bs_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0; /* a new folder (creating it will tell) */
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "cannot read the output folder: %s", strerror(errno));
		return BS_E_IO;
	}
	rc = check_fd(fd, dir, kind, force, err);
	close(fd);
	return rc;
}

/* ---- the commit journal ---------------------------------------------------- */

/*
 * BS_OUTDIR_JOURNAL holds
 *   bssim-commit 1
 *   R <tab> TEMPORARY <tab> FINAL      (one per file, in commit order)
 *   D <tab> FINAL                      (one per file the set removes)
 *   end
 * It is itself written to a temporary and renamed into place, so it is
 * whole or absent. Rolling it forward redoes what is left: a temporary
 * still there is renamed, one gone was renamed already; removals are
 * repeated. Names are checked (plain names, temporaries of our pattern),
 * so a planted journal cannot reach outside the folder.
 */
#define JOURNAL_MAX (1 << 20)

static int journal_bad(struct bs_error *err, const char *dir, long line)
{
	char *p = join(dir, BS_OUTDIR_JOURNAL);

	bs_error_set(err, BS_E_INPUT, p ? p : dir, line, 0, NULL,
		     "not a commit journal bssim wrote; expected one left by a killed bssim: remove it to go on");
	free(p);
	return BS_E_INPUT;
}

/* Apply (or, when !apply, only check) the journal's text, which is cut
 * into its lines in place. */
static int journal_walk(int dirfd, const char *dir, char *text, int apply,
			struct bs_error *err)
{
	char *line = text, *next;
	long no = 0;
	int ended = 0;
	struct stat sb;

	for (; *line; line = next) {
		char *a, *b = NULL;
		next = strchr(line, '\n');
		if (!next)
			return journal_bad(err, dir, no + 1);
		*next++ = '\0';
		no++;
		if (ended)
			return journal_bad(err, dir, no);
		if (no == 1) {
			if (strcmp(line, "bssim-commit 1"))
				return journal_bad(err, dir, no);
			continue;
		}
		if (!strcmp(line, "end")) {
			ended = 1;
			continue;
		}
		if ((line[0] != 'R' && line[0] != 'D') || line[1] != '\t')
			return journal_bad(err, dir, no);
		a = line + 2;
		if (line[0] == 'R') {
			if (!(b = strchr(a, '\t')))
				return journal_bad(err, dir, no);
			*b++ = '\0';
			if (!is_temp_name(a) || !plain_name(a) || !plain_name(b))
				return journal_bad(err, dir, no);
		} else if (!plain_name(a) || !strcmp(a, BS_OUTDIR_JOURNAL) ||
			   !strcmp(a, BS_OUTDIR_MARK)) {
			return journal_bad(err, dir, no);
		}
		if (apply && line[0] == 'R' &&
		    fstatat(dirfd, a, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(sb.st_mode)) {
			if (fstatat(dirfd, b, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
			    !S_ISREG(sb.st_mode))
				return not_regular(err, dir, b, NULL, sb.st_mode);
			if (renameat(dirfd, a, dirfd, b)) {
				char *p = join(dir, b);
				bs_error_set(err, BS_E_IO, p ? p : dir, 0, 0, NULL,
					     "cannot finish the commit a killed bssim left: %s",
					     strerror(errno));
				free(p);
				return BS_E_IO;
			}
		}
		if (apply && line[0] == 'D' &&
		    fstatat(dirfd, a, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(sb.st_mode))
			unlinkat(dirfd, a, 0);
	}
	return ended ? 0 : journal_bad(err, dir, no + 1);
}

/* Roll a pending journal of dirfd forward (see above). */
static int roll_forward(int dirfd, const char *dir, struct bs_error *err)
{
	struct stat sb;
	char *text = NULL;
	size_t len;
	FILE *fp;
	int fd, rc;

	if (fstatat(dirfd, BS_OUTDIR_JOURNAL, &sb, AT_SYMLINK_NOFOLLOW))
		return 0;
	if (!S_ISREG(sb.st_mode))
		return not_regular(err, dir, BS_OUTDIR_JOURNAL, NULL, sb.st_mode);
	fd = openat(dirfd, BS_OUTDIR_JOURNAL, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(fp = fdopen(fd, "rb"))) {
		if (fd >= 0)
			close(fd);
		goto io;
	}
	rc = bs_read_all(fp, JOURNAL_MAX, &text, &len);
	fclose(fp);
	if (rc == BS_E_LIMIT || (rc == 0 && strlen(text) != len)) {
		free(text);
		return journal_bad(err, dir, 0);
	}
	if (rc)
		goto io;
	/* check it all (on a copy), then apply it all */
	{
		char *copy = bs_strdup(text);
		rc = copy ? journal_walk(dirfd, dir, copy, 0, err) : BS_E_NOMEM;
		free(copy);
	}
	if (!rc)
		rc = journal_walk(dirfd, dir, text, 1, err);
	free(text);
	if (rc == BS_E_NOMEM)
		bs_error_set(err, rc, dir, 0, 0, NULL, "out of memory");
	if (rc)
		return rc;
	if (fsync(dirfd) && errno != EINVAL && errno != EROFS)
		goto io;
	if (unlinkat(dirfd, BS_OUTDIR_JOURNAL, 0))
		goto io;
	(void)fsync(dirfd);
	return 0;
io: {
	char *p = join(dir, BS_OUTDIR_JOURNAL);
	bs_error_set(err, BS_E_IO, p ? p : dir, 0, 0, NULL,
		     "cannot finish the commit a killed bssim left: %s",
		     strerror(errno));
	free(p);
	return BS_E_IO;
}
}

/* Remove bssim's temporaries from dirfd: under the lock, with any journal
 * rolled forward, every one belongs to a dead process. Cost: one pass
 * over the folder's entries. */
static void remove_stale(int dirfd)
{
	int fd2 = dup(dirfd);
	DIR *d = fd2 >= 0 ? fdopendir(fd2) : NULL;
	struct dirent *e;
	struct stat sb;

	if (!d) {
		if (fd2 >= 0)
			close(fd2);
		return;
	}
	rewinddir(d);
	while ((e = readdir(d)))
		if (is_temp_name(e->d_name) &&
		    fstatat(dirfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISDIR(sb.st_mode))
			unlinkat(dirfd, e->d_name, 0);
	closedir(d);
}

static int recover(int dirfd, const char *dir, struct bs_error *err)
{
	int rc = roll_forward(dirfd, dir, err);

	if (!rc)
		remove_stale(dirfd);
	return rc;
}

/* ---- the lock -------------------------------------------------------------- */

/* Open dir into od and lock it. */
static int lock_dir(struct bs_outdir *od, const char *dir, struct bs_error *err)
{
	int rc;

	od->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (od->fd < 0) {
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "cannot open the output folder: %s", strerror(errno));
		return BS_E_IO;
	}
	while ((rc = flock(od->fd, LOCK_EX | LOCK_NB)) && errno == EINTR)
		;
	/* a file system without locks (ENOLCK, EOPNOTSUPP) is written
	 * unlocked, as before locks existed, rather than not at all */
	if (rc && errno != ENOLCK && errno != EOPNOTSUPP) {
		if (errno == EWOULDBLOCK)
			bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
				     "another bssim is writing to this folder; wait for it or choose another output folder");
		else
			bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
				     "cannot lock the output folder: %s",
				     strerror(errno));
		close(od->fd);
		od->fd = -1;
		return BS_E_IO;
	}
	return 0;
}

int bs_outdir_open(struct bs_outdir *od, const char *dir, const char *kind,
		   int force, struct bs_error *err)
{
	char mk[64], text[256];
	int rc;

	od->path = NULL;
	od->fd = -1;
	if ((rc = bs_outdir_check(dir, kind, force, err)) ||
	    (rc = bs_mkdir_p(dir, err)))
		return rc;
	if (!(od->path = bs_strdup(dir))) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	/* checked again under the lock: another process may have written
	 * there between the first check and the lock */
	if ((rc = lock_dir(od, dir, err)) ||
	    (rc = check_fd(od->fd, dir, kind, force, err)) ||
	    (rc = recover(od->fd, dir, err)))
		return rc;
	if (access(dir, W_OK)) {
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "the output folder is not writable");
		return BS_E_IO;
	}
	if (!read_marker(od->fd, mk, sizeof(mk)) || strcmp(mk, kind)) {
		snprintf(text, sizeof(text),
			 "This folder holds bssim's results; running bssim into it again replaces them.\nkind: %s\n",
			 kind);
		if ((rc = write_small(od->fd, dir, BS_OUTDIR_MARK, text,
				      "the folder's marker", err)))
			return rc;
	}
	bs_test_point(BS_TP_LOCKED);
	return 0;
}

void bs_outdir_close(struct bs_outdir *od)
{
	/* a zeroed struct (fd 0, no path) holds nothing */
	if (od->path && od->fd >= 0)
		close(od->fd); /* releases the lock */
	od->fd = -1;
	free(od->path);
	od->path = NULL;
}

int bs_outdir_join(struct bs_outdir *od, const char *dir,
		   struct bs_error *err)
{
	char mk[64];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), marked, rc;

	od->path = NULL;
	od->fd = -1;
	if (fd < 0)
		return 0; /* a new folder: writing will tell */
	marked = read_marker(fd, mk, sizeof(mk));
	close(fd);
	if (!marked)
		return 0;
	if (!(od->path = bs_strdup(dir))) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	if ((rc = lock_dir(od, dir, err)) || (rc = recover(od->fd, dir, err)))
		return rc;
	bs_test_point(BS_TP_LOCKED);
	return 0;
}

void bs_outdir_settle(const char *path)
{
	struct stat sb;
	struct bs_error ignored;
	char *dir;
	int fd;

	if (stat(path, &sb))
		return;
	if (S_ISDIR(sb.st_mode)) {
		dir = bs_strdup(path);
	} else {
		const char *s = strrchr(path, '/');
		dir = s ? bs_path_join(path, s == path ? 1 : (size_t)(s - path), "")
			: bs_strdup(".");
	}
	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 &&
	    fstatat(fd, BS_OUTDIR_JOURNAL, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0)
		(void)recover(fd, dir, &ignored);
	if (fd >= 0)
		close(fd);
	free(dir);
}

/* ---- staged files ---------------------------------------------------------- */

int bs_staged_init(struct bs_staged *st, const char *dir,
		   struct bs_error *err)
{
	int rc;

	memset(st, 0, sizeof(*st));
	st->dirfd = -1;
	st->dir = bs_strdup(dir);
	if (!st->dir) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	if ((rc = bs_mkdir_p(dir, err)))
		return rc;
	st->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd < 0) {
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "cannot open the output folder: %s", strerror(errno));
		return BS_E_IO;
	}
	return 0;
}

FILE *bs_staged_open(struct bs_staged *st, const char *name,
		     struct bs_error *err)
{
	struct bs__staged_file *f;
	char tname[256];
	int fd;

	if (!plain_name(name)) {
		bs_error_set(err, BS_E_INPUT, st->dir, 0, 0, NULL,
			     "'%s' cannot name an output file", name);
		return NULL;
	}
	f = realloc(st->f, (st->n + 1) * sizeof(*f));
	if (!f)
		goto nomem;
	st->f = f;
	f += st->n;
	memset(f, 0, sizeof(*f));
	fd = open_temp(st->dirfd, name, tname, sizeof(tname));
	if (fd < 0) {
		char *p = join(st->dir, name);
		bs_error_set(err, BS_E_IO, p ? p : name, 0, 0, NULL,
			     "cannot write: %s", strerror(errno));
		free(p);
		return NULL;
	}
	f->tmp = bs_strdup(tname);
	f->final = bs_strdup(name);
	f->os = malloc(sizeof(*f->os));
	if (!f->tmp || !f->final || !f->os ||
	    !(f->fp = os_open(f->os, fd))) {
		if (!f->os || !f->tmp || !f->final)
			close(fd);
		unlinkat(st->dirfd, tname, 0);
		free(f->tmp);
		free(f->final);
		free(f->os);
		goto nomem;
	}
	st->n++;
	return f->fp;
nomem:
	bs_error_set(err, BS_E_NOMEM, name, 0, 0, NULL, "out of memory");
	return NULL;
}

int bs_staged_close(struct bs_staged *st, FILE *fp, const char *name,
		    struct bs_error *err)
{
	struct bs__staged_file *f = NULL;
	size_t i;
	int e;

	/* the newest match: an fp fclose'd on an error path may share an
	 * address with a later one */
	for (i = st->n; i-- > 0;)
		if (st->f[i].fp == fp && !st->f[i].closed) {
			f = &st->f[i];
			break;
		}
	assert(f != NULL);
	e = os_finish(f->os, fp, 1);
	f->fp = NULL;
	if (e) {
		char *p = join(st->dir, name);
		bs_error_set(err, BS_E_IO, p ? p : name, 0, 0, NULL,
			     "cannot write: %s; the previous results are left as they were",
			     strerror(e));
		free(p);
		return BS_E_IO;
	}
	f->closed = 1;
	return 0;
}

int bs_staged_remove(struct bs_staged *st, const char *name,
		     struct bs_error *err)
{
	char **r = realloc(st->rm, (st->nrm + 1) * sizeof(char *));

	if (r)
		st->rm = r;
	if (!r || !(st->rm[st->nrm] = bs_strdup(name))) {
		bs_error_set(err, BS_E_NOMEM, name, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	st->nrm++;
	return 0;
}

/* The journal of st's commit, made durable. */
static int write_journal(struct bs_staged *st, struct bs_error *err)
{
	size_t i, cap = 32, len = 0;
	char *text, *t;
	int rc;

	for (i = 0; i < st->n; i++)
		cap += strlen(st->f[i].tmp) + strlen(st->f[i].final) + 4;
	for (i = 0; i < st->nrm; i++)
		cap += strlen(st->rm[i]) + 3;
	if (!(text = malloc(cap))) {
		bs_error_set(err, BS_E_NOMEM, st->dir, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	t = text;
#define PUT(...) len += (size_t)snprintf(t + len, cap - len, __VA_ARGS__)
	PUT("bssim-commit 1\n");
	for (i = 0; i < st->n; i++)
		PUT("R\t%s\t%s\n", st->f[i].tmp, st->f[i].final);
	for (i = 0; i < st->nrm; i++)
		PUT("D\t%s\n", st->rm[i]);
	PUT("end\n");
#undef PUT
	rc = write_small(st->dirfd, st->dir, BS_OUTDIR_JOURNAL, text,
			 "the commit journal", err);
	free(text);
	return rc;
}

int bs_staged_commit(struct bs_staged *st, struct bs_error *err)
{
	struct stat sb;
	size_t i, nrm = 0;
	int journal;

	for (i = 0; i < st->n; i++) {
		assert(st->f[i].closed);
		if (fstatat(st->dirfd, st->f[i].final, &sb,
			    AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISREG(sb.st_mode))
			return not_regular(err, st->dir, st->f[i].final, NULL,
					   sb.st_mode);
	}
	for (i = 0; i < st->nrm; i++)
		nrm += fstatat(st->dirfd, st->rm[i], &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		       S_ISREG(sb.st_mode);
	bs_test_point(BS_TP_TEMPS_WRITTEN);
	/* one rename is atomic by itself; more need the journal */
	journal = st->n + nrm > 1;
	if (journal && write_journal(st, err))
		return err && err->code ? err->code : BS_E_IO;
	for (i = 0; i < st->n; i++) {
		if (renameat(st->dirfd, st->f[i].tmp, st->dirfd, st->f[i].final)) {
			char *p = join(st->dir, st->f[i].final);
			bs_error_set(err, BS_E_IO, p ? p : st->f[i].final, 0, 0,
				     NULL, "cannot rename the finished file into place: %s%s",
				     strerror(errno),
				     journal ? "; the next bssim to open this folder finishes the commit"
					     : "");
			free(p);
			if (journal) /* the journal needs the rest */
				for (; i < st->n; i++) {
					free(st->f[i].tmp);
					st->f[i].tmp = NULL;
				}
			return BS_E_IO;
		}
		free(st->f[i].tmp);
		st->f[i].tmp = NULL;
		if (i + 1 < st->n || nrm)
			bs_test_point(BS_TP_COMMIT_RENAME);
	}
	for (i = 0; i < st->nrm; i++)
		if (fstatat(st->dirfd, st->rm[i], &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(sb.st_mode))
			unlinkat(st->dirfd, st->rm[i], 0);
	if (journal) {
		(void)fsync(st->dirfd);
		unlinkat(st->dirfd, BS_OUTDIR_JOURNAL, 0);
	}
	(void)fsync(st->dirfd); /* the renames survive a crash */
	return 0;
}

void bs_staged_release(struct bs_staged *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (st->f[i].tmp && st->dirfd >= 0)
			unlinkat(st->dirfd, st->f[i].tmp, 0);
		free(st->f[i].tmp);
		free(st->f[i].final);
		free(st->f[i].os);
	}
	for (i = 0; i < st->nrm; i++)
		free(st->rm[i]);
	free(st->rm);
	free(st->f);
	free(st->dir);
	if (st->dirfd >= 0)
		close(st->dirfd);
	memset(st, 0, sizeof(*st));
	st->dirfd = -1;
}

/* ---- trip logs ----------------------------------------------------------- */

#define TRIPS_HEADER                                                           \
	"replication,request_min,origin_id,destination_id,outcome,"           \
	"rental_id,return_id,rental_min,return_min,ride_min,diversions,"      \
	"truncated,bike,owner_ward,fare_yen\n"

struct bs_trips {
	char *dir;
	int dirfd;
	const struct bs_network *net;
	uint32_t nreps;
	FILE **fp;                 /* [nreps] open while the replication runs */
	struct bs__ostream *os;    /* [nreps] */
	char (*name)[64];          /* [nreps] temporaries; "" before created */
	int *err;                  /* [nreps] errno of the first failure */
};

static const char *const OUTCOMES[] = {"completed", "lost_no_bike",
				       "lost_forbidden", "unfinished"};

struct bs_trips *bs_trips_new(const char *dir, const struct bs_network *net,
			      uint32_t nreps, struct bs_error *err)
{
	struct bs_trips *t = calloc(1, sizeof(*t));
	size_t n = nreps ? nreps : 1;

	if (!t)
		goto nomem;
	t->dirfd = -1;
	t->dir = bs_strdup(dir);
	t->net = net;
	t->nreps = nreps;
	t->fp = calloc(n, sizeof(FILE *));
	t->os = calloc(n, sizeof(*t->os));
	t->name = calloc(n, sizeof(*t->name));
	t->err = calloc(n, sizeof(int));
	if (!t->dir || !t->fp || !t->os || !t->name || !t->err)
		goto nomem;
	if (bs_mkdir_p(dir, err)) {
		bs_trips_free(t);
		return NULL;
	}
	t->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->dirfd < 0) {
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "cannot open the output folder: %s", strerror(errno));
		bs_trips_free(t);
		return NULL;
	}
	return t;
nomem:
	bs_trips_free(t);
	bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
	return NULL;
}

static void put_station(FILE *fp, const struct bs_network *net, uint32_t s)
{
	if (s != BS_NO_STATION)
		bs_csv_put(fp, net->ids[s]);
}

static int on_trip(void *ud, const struct bs_trip_record *tr)
{
	struct bs_trips *t = ud;
	FILE *fp = t->fp[tr->rep - 1];
	int done = tr->outcome == BS_TRIP_COMPLETED;

	fprintf(fp, "%u,", tr->rep);
	bs_csv_num(fp, tr->req_t);
	fputc(',', fp);
	put_station(fp, t->net, tr->origin);
	fputc(',', fp);
	put_station(fp, t->net, tr->dest);
	fprintf(fp, ",%s,", OUTCOMES[tr->outcome]);
	put_station(fp, t->net, tr->rent_station);
	fputc(',', fp);
	put_station(fp, t->net, tr->return_station);
	fputc(',', fp);
	if (tr->rent_station != BS_NO_STATION)
		bs_csv_num(fp, tr->rent_t);
	fputc(',', fp);
	if (done) {
		bs_csv_num(fp, tr->return_t);
		fputc(',', fp);
		bs_csv_num(fp, tr->return_t - tr->rent_t);
	} else {
		fputc(',', fp);
	}
	if (tr->rent_station != BS_NO_STATION) {
		fprintf(fp, ",%u,%d,%u,", tr->diversions, tr->truncated,
			tr->bike + 1);
		bs_csv_put(fp, t->net->ward_names[tr->owner]);
		fputc(',', fp);
		bs_csv_num(fp, tr->fare_yen);
		fputc('\n', fp);
	} else {
		fputs(",,,,,\n", fp);
	}
	/* a failed write shows as soon as stdio hands a buffer over */
	return t->os[tr->rep - 1].err ? BS_E_IO : 0;
}

int bs_trips_begin(void *ud, uint32_t rep, struct bs_run_hooks *hooks)
{
	struct bs_trips *t = ud;
	char part[32];
	int fd;

	snprintf(part, sizeof(part), "trips.%u", rep);
	fd = open_temp(t->dirfd, part, t->name[rep - 1], sizeof(t->name[0]));
	if (fd < 0) {
		t->name[rep - 1][0] = '\0';
		t->err[rep - 1] = errno;
		return BS_E_IO;
	}
	if (!(t->fp[rep - 1] = os_open(&t->os[rep - 1], fd))) {
		t->err[rep - 1] = ENOMEM;
		return BS_E_NOMEM;
	}
	hooks->on_trip = on_trip;
	hooks->trip_ud = t;
	return 0;
}

int bs_trips_end(void *ud, uint32_t rep, int rc)
{
	struct bs_trips *t = ud;
	FILE *fp = t->fp[rep - 1];
	int e;

	t->fp[rep - 1] = NULL;
	if (!fp)
		return BS_E_IO;
	/* no fsync: the joined trips.csv is the file that must last */
	e = os_finish(&t->os[rep - 1], fp, 0);
	if (e && !t->err[rep - 1])
		t->err[rep - 1] = e;
	return rc == 0 && t->err[rep - 1] ? BS_E_IO : 0;
}

int bs_trips_error(const struct bs_trips *t, struct bs_error *err)
{
	uint32_t r;

	for (r = 0; r < t->nreps; r++)
		if (t->err[r]) {
			char *p = join(t->dir, "trips.csv");
			bs_error_set(err, BS_E_IO, p ? p : t->dir, 0, 0, NULL,
				     "cannot write the trip log of replication %u: %s; the previous results are left as they were",
				     r + 1, strerror(t->err[r]));
			free(p);
			return BS_E_IO;
		}
	return 0;
}

/* Join the per-replication files into out: 0, or the errno of a read
 * failure with *rep the replication (write failures show at the close of
 * out). */
static int trips_join(struct bs_trips *t, uint32_t nreps, FILE *out,
		      uint32_t *rep)
{
	char buf[65536];
	uint32_t r;

	fputs(TRIPS_HEADER, out);
	for (r = 0; r < nreps; r++) {
		int fd = openat(t->dirfd, t->name[r],
				O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		ssize_t got;
		*rep = r + 1;
		if (fd < 0)
			return errno;
		while ((got = read(fd, buf, sizeof(buf))) != 0) {
			if (got < 0) {
				int e = errno;
				if (e == EINTR)
					continue;
				close(fd);
				return e;
			}
			if (fwrite(buf, 1, (size_t)got, out) != (size_t)got)
				break; /* reported by the close */
		}
		close(fd);
		if (ferror(out))
			break;
	}
	return 0;
}

void bs_trips_free(struct bs_trips *t)
{
	uint32_t r;

	if (!t)
		return;
	for (r = 0; t->fp && r < t->nreps; r++) {
		if (t->fp[r])
			fclose(t->fp[r]);
		if (t->name && t->name[r][0] && t->dirfd >= 0)
			unlinkat(t->dirfd, t->name[r], 0);
	}
	if (t->dirfd >= 0)
		close(t->dirfd);
	free(t->fp);
	free(t->os);
	free(t->name);
	free(t->err);
	free(t->dir);
	free(t);
}

/* ---- summary.json -------------------------------------------------------- */

json_t *bs_stat_json(const struct bs_stat *st)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "mean", bs_json_num(st->mean));
	json_object_set_new(o, "sd", bs_json_num(st->sd));
	json_object_set_new(o, "ci95_low", bs_json_num(st->ci_lo));
	json_object_set_new(o, "ci95_high", bs_json_num(st->ci_hi));
	return o;
}

static json_t *metrics_json(const struct bs_summary *s, size_t w)
{
	json_t *o = json_object();
	int m;

	if (!o)
		return NULL;
	for (m = 0; m < BS_METRIC_N; m++)
		json_object_set_new(o, bs_metric_names[m],
				    bs_stat_json(bs_summary_stat(s, w, m)));
	return o;
}

static json_t *matrix_json(const struct bs_network *net, const double *x)
{
	json_t *o = json_object();
	size_t a, b, W = net->nwards;

	if (!o)
		return NULL;
	for (a = 0; a < W; a++) {
		json_t *row = json_object();
		for (b = 0; b < W; b++)
			json_object_set_new(row, net->ward_names[b],
					    bs_json_num(x[a * W + b]));
		json_object_set_new(o, net->ward_names[a], row);
	}
	return o;
}

json_t *bs_output_summary_json(const struct bs_scenario *sc,
			       const struct bs_network *net,
			       long input_warnings,
			       const struct bs_summary *s,
			       const struct bs_run_info *info)
{
	json_t *doc = json_object(), *wards = json_object(), *run;
	size_t k;

	if (!doc || !wards) {
		json_decref(doc);
		json_decref(wards);
		return NULL;
	}
	json_object_set(doc, "scenario", sc->root);
	json_object_set_new(doc, "replications", json_integer((json_int_t)s->nreps));
	json_object_set_new(doc, "metrics", metrics_json(s, s->nwards));
	for (k = 0; k < s->nwards; k++) {
		json_t *wo = json_object();
		json_object_set_new(wo, "metrics", metrics_json(s, k));
		json_object_set_new(wards, net->ward_names[k], wo);
	}
	json_object_set_new(doc, "wards", wards);
	json_object_set_new(doc, "flows", matrix_json(net, s->flows));
	json_object_set_new(doc, "settlement_yen",
			    matrix_json(net, s->settle));
	json_object_set_new(doc, "version", json_string(BSSIM_VERSION));
	json_object_set_new(doc, "seed", json_integer((json_int_t)sc->p.seed));
	/* rows of the inputs skipped safely (e.g. trip-log rows without a
	 * station): deterministic, so outside "run" */
	json_object_set_new(doc, "input_warnings",
			    json_integer((json_int_t)input_warnings));
	run = json_object();
	if (info) {
		json_object_set_new(run, "wall_s", bs_json_num(info->wall_s));
		json_object_set_new(run, "host", json_string(info->host));
		json_object_set_new(run, "started_utc",
				    json_string(info->started_utc));
		json_object_set_new(run, "jobs", json_integer(info->jobs));
		json_object_set_new(run, "replications_requested",
				    json_integer(info->requested_reps));
		json_object_set_new(run, "interrupted",
				    json_boolean(info->interrupted));
	}
	json_object_set_new(doc, "run", run);
	return doc;
}

/* ---- the run's files ----------------------------------------------------- */

static void write_replications(FILE *fp, const struct bs_network *net,
			       const struct bs_summary *s,
			       struct bs_rep_result *const *reps)
{
	size_t r, w, W = net->nwards;
	int m;

	fputs("replication,ward,metric,value\n", fp);
	for (r = 0; r < s->nreps; r++)
		for (w = 0; w <= W; w++)
			for (m = 0; m < BS_METRIC_N; m++) {
				fprintf(fp, "%u,", reps[r]->rep);
				bs_csv_put(fp, w < W ? net->ward_names[w] : "all");
				fprintf(fp, ",%s,", bs_metric_names[m]);
				bs_csv_num(fp, s->vals[(r * (W + 1) + w) *
							       BS_METRIC_N +
						       (size_t)m]);
				fputc('\n', fp);
			}
}

static void write_stations(FILE *fp, const struct bs_network *net,
			   const struct bs_summary *s)
{
	size_t i, k;

	fputs("station_id,name,ward,capacity,rentals,returns,empty_frac,full_frac,mean_bikes\n",
	      fp);
	for (i = 0; i < net->n; i++) {
		const double *x = s->st + i * BS_SS_N;
		bs_csv_put(fp, net->ids[i]);
		fputc(',', fp);
		bs_csv_put(fp, net->names[i]);
		fputc(',', fp);
		bs_csv_put(fp, net->ward_names[net->ward[i]]);
		fprintf(fp, ",%u", net->cap[i]);
		for (k = 0; k < BS_SS_N; k++) {
			fputc(',', fp);
			bs_csv_num(fp, x[k]);
		}
		fputc('\n', fp);
	}
}

static void write_timeseries(FILE *fp, const struct bs_network *net,
			     struct bs_rep_result *const *reps, size_t nreps)
{
	size_t r, k, w, W = net->nwards;

	fputs("replication,t_min,ward,bikes_docked,empty_stations,full_stations\n",
	      fp);
	for (r = 0; r < nreps; r++)
		for (k = 0; k < reps[r]->nsamples; k++)
			for (w = 0; w <= W; w++) {
				const uint32_t *row =
					reps[r]->ts + (k * (W + 1) + w) * BS_TS_N;
				fprintf(fp, "%u,", reps[r]->rep);
				bs_csv_num(fp, reps[r]->ts_t[k]);
				fputc(',', fp);
				bs_csv_put(fp, w < W ? net->ward_names[w] : "all");
				fprintf(fp, ",%u,%u,%u\n", row[BS_TS_DOCKED],
					row[BS_TS_EMPTY], row[BS_TS_FULL]);
			}
}

static void write_flows(FILE *fp, const struct bs_network *net,
			struct bs_rep_result *const *reps, size_t nreps)
{
	size_t r, a, b, W = net->nwards;

	fputs("replication,from_ward,to_ward,trips\n", fp);
	for (r = 0; r < nreps; r++) {
		double days = reps[r]->window_min / 1440.0;
		for (a = 0; a < W; a++)
			for (b = 0; b < W; b++) {
				fprintf(fp, "%u,", reps[r]->rep);
				bs_csv_put(fp, net->ward_names[a]);
				fputc(',', fp);
				bs_csv_put(fp, net->ward_names[b]);
				fputc(',', fp);
				bs_csv_num(fp, reps[r]->flows[a * W + b] / days);
				fputc('\n', fp);
			}
	}
}

/*
 * stations.geojson (RFC 7946): a FeatureCollection of one Point per port,
 * [lon, lat] in WGS 84 (no "crs" member: 7946 fixes the datum), with the
 * columns of stations.csv as properties. One feature per line, so that the
 * file diffs well and line tools can read it; it is still one JSON text.
 * Coordinates are rounded to 7 decimals (about 1 cm), which is finer than
 * any port position in the data.
 */
static json_t *station_feature(const struct bs_network *net,
			       const struct bs_summary *s, size_t i)
{
	static const char *const SS[BS_SS_N] = {"rentals", "returns",
						"empty_frac", "full_frac",
						"mean_bikes"};
	const double *x = s->st + i * BS_SS_N;
	json_t *f = json_object(), *g = json_object(), *c = json_array(),
	       *p = json_object();
	size_t k;
	int bad = 0;

	if (!f || !g || !c || !p) {
		json_decref(f);
		json_decref(g);
		json_decref(c);
		json_decref(p);
		return NULL;
	}
	bad |= json_array_append_new(c, json_real(round(net->lon[i] * 1e7) / 1e7));
	bad |= json_array_append_new(c, json_real(round(net->lat[i] * 1e7) / 1e7));
	bad |= json_object_set_new(g, "type", json_string("Point"));
	bad |= json_object_set_new(g, "coordinates", c);
	bad |= json_object_set_new(p, "station_id", json_string(net->ids[i]));
	bad |= json_object_set_new(p, "name", json_string(net->names[i]));
	bad |= json_object_set_new(p, "ward",
				   json_string(net->ward_names[net->ward[i]]));
	bad |= json_object_set_new(p, "capacity", json_integer(net->cap[i]));
	for (k = 0; k < BS_SS_N; k++)
		bad |= json_object_set_new(p, SS[k], bs_json_num(x[k]));
	bad |= json_object_set_new(f, "type", json_string("Feature"));
	bad |= json_object_set_new(f, "geometry", g);
	bad |= json_object_set_new(f, "properties", p);
	if (bad) {
		json_decref(f);
		return NULL;
	}
	return f;
}

static int write_geojson(FILE *fp, const struct bs_network *net,
			 const struct bs_summary *s)
{
	size_t i;

	fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", fp);
	for (i = 0; i < net->n; i++) {
		json_t *f = station_feature(net, s, i);
		int rc;
		if (!f)
			return BS_E_NOMEM;
		rc = json_dumpf(f, fp, JSON_COMPACT | JSON_REAL_PRECISION(12));
		json_decref(f);
		if (rc)
			return BS_E_IO;
		fputs(i + 1 < net->n ? ",\n" : "\n", fp);
	}
	fputs("]}\n", fp);
	return ferror(fp) ? BS_E_IO : 0;
}

size_t bs_output_run_names(const struct bs_scenario *sc, const char **names)
{
	size_t n = 0;

	names[n++] = "summary.json";
	names[n++] = "replications.csv";
	names[n++] = "stations.csv";
	names[n++] = "timeseries.csv";
	names[n++] = "flows.csv";
	if (sc->p.geojson)
		names[n++] = "stations.geojson";
	if (sc->p.trips_log)
		names[n++] = "trips.csv";
	return n;
}

static int code_of(const struct bs_error *err, int dflt)
{
	return err && err->code ? err->code : dflt;
}

int bs_output_write_run(const char *dir, const struct bs_scenario *sc,
			const struct bs_network *net, long input_warnings,
			const struct bs_summary *s,
			struct bs_rep_result *const *reps, size_t nreps,
			const struct bs_run_info *info, struct bs_trips *trips,
			struct bs_error *err)
{
	struct bs_staged st;
	json_t *doc = NULL;
	FILE *fp;
	int rc, bad;

	if ((rc = bs_staged_init(&st, dir, err)))
		goto out;
	/* A write error shows at the file's close, which names the file and
	 * the system's reason; a body fails on its own only when out of
	 * memory (or, for the trip log, when a part cannot be read back). */
#define STAGE(name, body)                                                  \
	do {                                                               \
		if (!(fp = bs_staged_open(&st, name, err))) {              \
			rc = code_of(err, BS_E_IO);                        \
			goto out;                                          \
		}                                                          \
		bad = 0;                                                   \
		body;                                                      \
		if ((rc = bs_staged_close(&st, fp, name, err)))            \
			goto out;                                          \
		if (bad) {                                                 \
			rc = BS_E_NOMEM;                                   \
			bs_error_set(err, rc, dir, 0, 0, name,             \
				     "out of memory writing the file");    \
			goto out;                                          \
		}                                                          \
	} while (0)
	doc = bs_output_summary_json(sc, net, input_warnings, s, info);
	if (!doc) {
		rc = BS_E_NOMEM;
		bs_error_set(err, rc, dir, 0, 0, NULL, "out of memory");
		goto out;
	}
	STAGE("summary.json", {
		bad = json_dumpf(doc, fp,
				 JSON_INDENT(2) | JSON_REAL_PRECISION(12)) != 0;
		fputc('\n', fp);
	});
	STAGE("replications.csv", write_replications(fp, net, s, reps));
	STAGE("stations.csv", write_stations(fp, net, s));
	STAGE("timeseries.csv", write_timeseries(fp, net, reps, nreps));
	STAGE("flows.csv", write_flows(fp, net, reps, nreps));
	if (sc->p.geojson)
		STAGE("stations.geojson",
		      bad = write_geojson(fp, net, s) == BS_E_NOMEM);
	if (trips) {
		uint32_t rep = 0;
		int e;
		STAGE("trips.csv", {
			if ((e = trips_join(trips, (uint32_t)nreps, fp, &rep))) {
				char *p = join(dir, "trips.csv");
				fclose(fp);
				bs_error_set(err, BS_E_IO, p ? p : dir, 0, 0, NULL,
					     "cannot read back the trip log of replication %u: %s; the previous results are left as they were",
					     rep, strerror(e));
				free(p);
				rc = BS_E_IO;
				goto out;
			}
		});
	}
#undef STAGE
	/* optional files of an earlier run would describe another run */
	if ((!trips && (rc = bs_staged_remove(&st, "trips.csv", err))) ||
	    (!sc->p.geojson &&
	     (rc = bs_staged_remove(&st, "stations.geojson", err))))
		goto out;
	rc = bs_staged_commit(&st, err);
out:
	json_decref(doc);
	bs_staged_release(&st);
	return rc;
}
