/*
 * staged.c - files staged under temporary names and committed together (see output.h).
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

	if (!bs__plain_name(name)) {
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
	fd = bs__open_temp(st->dirfd, name, tname, sizeof(tname));
	if (fd < 0) {
		char *p = bs__join(st->dir, name);
		bs_error_set(err, BS_E_IO, p ? p : name, 0, 0, NULL,
			     "cannot write: %s", strerror(errno));
		free(p);
		return NULL;
	}
	f->tmp = bs_strdup(tname);
	f->final = bs_strdup(name);
	f->os = malloc(sizeof(*f->os));
	if (!f->tmp || !f->final || !f->os ||
	    !(f->fp = bs__os_open(f->os, fd))) {
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
	e = bs__os_finish(f->os, fp, 1);
	f->fp = NULL;
	if (e) {
		char *p = bs__join(st->dir, name);
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

static int drawn_name(const char *n)
{
	size_t l = strlen(n);

	return bs__plain_name(n) && n[0] != '.' &&
	       ((l > 4 && (!strcmp(n + l - 4, ".png") || !strcmp(n + l - 4, ".svg"))) ||
		(l > 5 && !strcmp(n + l - 5, ".html")));
}

int bs_staged_drop_plots(struct bs_staged *st, struct bs_error *err)
{
	/* what plots.sh drew into a run's folder before it kept a list */
	static const char *const fixed[] = {"docked.png", "empty_full.png",
					    "flows.png", "map.png",
					    "report.html"};
	char *buf = NULL, *line, *next;
	struct stat sb;
	size_t i;
	ssize_t n = 0;
	int fd, rc = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && !rc; i++)
		rc = bs_staged_remove(st, fixed[i], err);
	/* O_NONBLOCK: a FIFO planted as the list must not hang us */
	fd = openat(st->dirfd, BS_OUTDIR_PLOTS,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || rc)
		goto out;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size > (1 << 20) ||
	    !(buf = malloc((size_t)sb.st_size + 1)))
		goto out;
	while ((size_t)n < (size_t)sb.st_size) {
		ssize_t k = read(fd, buf + n, (size_t)sb.st_size - (size_t)n);
		if (k <= 0)
			break;
		n += k;
	}
	buf[n] = '\0';
	for (line = buf; line && *line && !rc; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (drawn_name(line))
			rc = bs_staged_remove(st, line, err);
	}
	if (!rc)
		rc = bs_staged_remove(st, BS_OUTDIR_PLOTS, err);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
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
	rc = bs__write_small(st->dirfd, st->dir, BS_OUTDIR_JOURNAL, text,
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
			return bs__not_regular(err, st->dir, st->f[i].final, NULL,
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
			char *p = bs__join(st->dir, st->f[i].final);
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

/* Up to this many files per command (calibrate writes three). */
#define OUTS_MAX 6 /* calibrate: rates, profile, od, moves, policy, stations */

int bs_output_write_files(const struct bs_outfile *outs, size_t n,
			  struct bs_error *err)
{
	struct bs_staged st[OUTS_MAX];
	struct bs_outdir od[OUTS_MAX];
	struct stat sb[OUTS_MAX];
	size_t set[OUTS_MAX], nsets = 0, i, k;
	int rc = 0, bad = -1;

	assert(n <= OUTS_MAX);
	for (i = 0; i < n && !rc; i++)
		if (outs[i].path &&
		    (rc = bs_output_check_target(outs[i].path, outs[i].opt, err)))
			bad = (int)i;
	/* a set of files per folder (the same folder by another path too) */
	for (i = 0; i < n && !rc; i++) {
		char dir[4096];
		const char *slash;
		struct stat here;
		if (!outs[i].path)
			continue;
		slash = strrchr(outs[i].path, '/');
		if (!slash)
			bs_strlcpy(dir, ".", sizeof(dir));
		else if (slash == outs[i].path)
			bs_strlcpy(dir, "/", sizeof(dir));
		else
			snprintf(dir, sizeof(dir), "%.*s",
				 (int)(slash - outs[i].path), outs[i].path);
		for (k = 0; k < nsets; k++)
			if (stat(dir, &here) == 0 && here.st_dev == sb[k].st_dev &&
			    here.st_ino == sb[k].st_ino)
				break;
		if (k == nsets) {
			od[k].path = NULL;
			od[k].fd = -1;
			memset(&st[k], 0, sizeof(st[k]));
			st[k].dirfd = -1;
			nsets++;
			if ((rc = bs_outdir_join(&od[k], dir, err)) ||
			    (rc = bs_staged_init(&st[k], dir, err)) ||
			    (fstat(st[k].dirfd, &sb[k]) && (rc = BS_E_IO))) {
				bad = (int)i;
				break;
			}
		}
		set[i] = k;
	}
	/* every file written, then every set committed */
	for (i = 0; i < n && !rc; i++) {
		const char *name;
		FILE *fp;
		if (!outs[i].path)
			continue;
		name = strrchr(outs[i].path, '/');
		name = name ? name + 1 : outs[i].path;
		if (!(fp = bs_staged_open(&st[set[i]], name, err))) {
			rc = err->code ? err->code : BS_E_IO;
			break;
		}
		outs[i].fn(outs[i].ud, fp);
		if ((rc = bs_staged_close(&st[set[i]], fp, name, err)))
			break;
	}
	for (k = 0; k < nsets && !rc; k++)
		if ((rc = bs_staged_commit(&st[k], err)) == BS_E_INPUT)
			for (i = 0; i < n; i++) /* the option of the refused file */
				if (outs[i].path && set[i] == k &&
				    strstr(err->file, outs[i].path))
					bad = (int)i;
	if (rc == BS_E_INPUT && bad >= 0 && outs[bad].opt && !err->key[0])
		bs_strlcpy(err->key, outs[bad].opt, sizeof(err->key));
	for (k = 0; k < nsets; k++) {
		bs_staged_release(&st[k]);
		bs_outdir_close(&od[k]);
	}
	return rc;
}
