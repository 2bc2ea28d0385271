/*
 * folder.c - output folders: claiming, kinds, the commit journal and the lock (see output.h).
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

#include <jansson.h>

#include "base/fmt.h"
#include "output/files_internal.h"

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
int bs__write_small(int dirfd, const char *dir, const char *final,
		       const char *text, const char *what, struct bs_error *err)
{
	struct bs__ostream os;
	char tname[256];
	struct stat sb;
	FILE *fp;
	int fd, e;

	if (fstatat(dirfd, final, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(sb.st_mode))
		return bs__not_regular(err, dir, final, NULL, sb.st_mode);
	fd = bs__open_temp(dirfd, final, tname, sizeof(tname));
	if (fd < 0) {
		e = errno;
		goto fail;
	}
	if (!(fp = bs__os_open(&os, fd))) {
		e = ENOMEM;
		unlinkat(dirfd, tname, 0);
		goto fail;
	}
	fputs(text, fp);
	if ((e = bs__os_finish(&os, fp, 1)) ||
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
	char *p = bs__join(dir, final);
	bs_error_set(err, BS_E_IO, p ? p : dir, 0, 0, NULL,
		     "cannot write %s: %s; the previous results are left as they were",
		     what, strerror(e));
	free(p);
	return BS_E_IO;
}
}

/* The value of the marker's line "TAG: VALUE" in out ("" when absent). */
static void marker_line(const char *buf, const char *tag, char *out,
			size_t sz)
{
	const char *k = strstr(buf, tag);

	out[0] = '\0';
	if (k) {
		size_t l = strcspn(k + strlen(tag), "\n");
		if (l < sz) {
			memcpy(out, k + strlen(tag), l);
			out[l] = '\0';
		}
	}
}

/* The marker of dirfd: 1 when it is there as a regular file, with its
 * kind in kind ("" for a marker of an earlier bssim, which names none)
 * and, when name is not NULL, the scenario it holds in name ("" when it
 * names none). */
static int read_marker2(int dirfd, char *kind, size_t sz, char *name,
			size_t namesz)
{
	char buf[1024];
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
	marker_line(buf, "\nkind: ", kind, sz);
	if (name)
		marker_line(buf, "\nname: ", name, namesz);
	return 1;
}

static int read_marker(int dirfd, char *kind, size_t sz)
{
	return read_marker2(dirfd, kind, sz, NULL, 0);
}

/* The scenario name in dirfd's summary.json ("" when it has none): the
 * name of a run folder whose marker, of an earlier bssim, names none.
 * Cost: one parse of summary.json (a few MiB at most). */
static void summary_name(int dirfd, char *name, size_t sz)
{
	int fd = openat(dirfd, "summary.json",
			O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat sb;
	json_t *doc = NULL;
	const char *n;

	name[0] = '\0';
	if (fd < 0)
		return;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size < (off_t)512 << 20)
		doc = json_loadfd(fd, 0, NULL);
	close(fd);
	n = json_string_value(json_object_get(json_object_get(doc, "scenario"),
					      "name"));
	if (n)
		bs_strlcpy(name, n, sz);
	json_decref(doc);
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
	if (!strcmp(k, BS_KIND_OPTIMIZE))
		return "an optimisation's results (bssim optimize)";
	return "results of another kind";
}

static const char *kind_folder(const char *k)
{
	if (!strcmp(k, BS_KIND_RUN))
		return "a run's folder";
	if (!strcmp(k, BS_KIND_SWEEP))
		return "a sweep's folder";
	if (!strcmp(k, BS_KIND_OPTIMIZE))
		return "an optimisation's folder";
	return "a comparison's folder";
}

/* Whether dirfd may become (or stay) an output folder of this kind. Cost:
 * one pass over its entries. */
static int check_fd(int dirfd, const char *dir, const char *kind,
		    const char *name, int force, struct bs_error *err)
{
	char first[256] = "", mk[64], held[256];
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
	marked = read_marker2(dirfd, mk, sizeof(mk), held, sizeof(held));
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
	if (marked && name && !strcmp(kind, BS_KIND_RUN)) {
		if (!held[0])
			summary_name(dirfd, held, sizeof(held));
		if (held[0] && strcmp(held, name)) {
			bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
				     "holds the results of scenario '%s'; expected a new or empty folder, or one of scenario '%s': choose another -o, or pass --force to replace them",
				     held, name);
			return BS_E_INPUT;
		}
	}
	return 0;
}

int bs_outdir_check(const char *dir, const char *kind, int force,
		    struct bs_error *err)
{
	return bs_outdir_check_as(dir, kind, NULL, force, err);
}

int bs_outdir_check_as(const char *dir, const char *kind, const char *name,
		       int force, struct bs_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0) {
		struct stat sb;
		int e = errno;
		if (e == ENOENT)
			return 0; /* a new folder */
		/* a file where the folder or one of its parents would be: a
		 * refusal now, as creating it would refuse, rather than after
		 * the computation (bs_folder_check's promise) */
		if (e == ENOTDIR && stat(dir, &sb) == 0) {
			bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
				     "exists and is not a folder; expected an output folder");
			return BS_E_INPUT;
		}
		if (e == ENOTDIR) {
			bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
				     "cannot create the output folder: %s",
				     strerror(ENOTDIR));
			return BS_E_IO;
		}
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "cannot read the output folder: %s", strerror(e));
		return BS_E_IO;
	}
	rc = check_fd(fd, dir, kind, name, force, err);
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
	char *p = bs__join(dir, BS_OUTDIR_JOURNAL);

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
			if (!bs__is_temp_name(a) || !bs__plain_name(a) || !bs__plain_name(b))
				return journal_bad(err, dir, no);
		} else if (!bs__plain_name(a) || !strcmp(a, BS_OUTDIR_JOURNAL) ||
			   !strcmp(a, BS_OUTDIR_MARK)) {
			return journal_bad(err, dir, no);
		}
		if (apply && line[0] == 'R' &&
		    fstatat(dirfd, a, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(sb.st_mode)) {
			if (fstatat(dirfd, b, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
			    !S_ISREG(sb.st_mode))
				return bs__not_regular(err, dir, b, NULL, sb.st_mode);
			if (renameat(dirfd, a, dirfd, b)) {
				char *p = bs__join(dir, b);
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
		return bs__not_regular(err, dir, BS_OUTDIR_JOURNAL, NULL, sb.st_mode);
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
	char *p = bs__join(dir, BS_OUTDIR_JOURNAL);
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
		if (bs__is_temp_name(e->d_name) &&
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
	return bs_outdir_open_as(od, dir, kind, NULL, force, err);
}

int bs_outdir_open_as(struct bs_outdir *od, const char *dir, const char *kind,
		      const char *name, int force, struct bs_error *err)
{
	char mk[64], held[256], text[600];
	int rc;

	/* a name that cannot stand on one line of the marker is not kept */
	if (name && (strchr(name, '\n') || strlen(name) >= sizeof(held)))
		name = NULL;
	od->path = NULL;
	od->fd = -1;
	if ((rc = bs_outdir_check_as(dir, kind, name, force, err)) ||
	    (rc = bs_mkdir_p(dir, err)))
		return rc;
	if (!(od->path = bs_strdup(dir))) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	/* checked again under the lock: another process may have written
	 * there between the first check and the lock */
	if ((rc = lock_dir(od, dir, err)) ||
	    (rc = check_fd(od->fd, dir, kind, name, force, err)) ||
	    (rc = recover(od->fd, dir, err)))
		return rc;
	if (access(dir, W_OK)) {
		bs_error_set(err, BS_E_IO, dir, 0, 0, NULL,
			     "the output folder is not writable");
		return BS_E_IO;
	}
	if (!read_marker2(od->fd, mk, sizeof(mk), held, sizeof(held)) ||
	    strcmp(mk, kind) || (name && strcmp(held, name))) {
		snprintf(text, sizeof(text),
			 "This folder holds bssim's results; running bssim into it again replaces them.\nkind: %s\n%s%s%s",
			 kind, name ? "name: " : "", name ? name : "",
			 name ? "\n" : "");
		if ((rc = bs__write_small(od->fd, dir, BS_OUTDIR_MARK, text,
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

int bs_folder_check(const char *dir, const char *kind, int force,
		    struct bs_error *err)
{
	static const char *const sweep_names[] = {
		"sweep.csv", "sweep_replications.csv", "sweep.json",
		"sweep_plan.json", "sweep_tasks.jsonl"};
	static const char *const compare_names[] = {"compare.csv"};
	int rc;

	assert(dir && kind);
	if (!strcmp(kind, BS_KIND_SWEEP))
		rc = bs_output_check_names(dir, sweep_names, 5, err);
	else if (!strcmp(kind, BS_KIND_COMPARE))
		rc = bs_output_check_names(dir, compare_names, 1, err);
	else
		rc = 0;
	return rc ? rc : bs_outdir_check(dir, kind, force, err);
}
