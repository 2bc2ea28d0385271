/*
 * tasklog.c - task records, the append-only task log and its index
 * (see tasklog.h).
 */
#define _DEFAULT_SOURCE /* O_NOFOLLOW, fdatasync */
#include "exp/tasklog.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "output/output.h"

/* What reading logs cost, process-wide (bs_tasklog_counts). Relaxed
 * atomics: a count, not a synchronisation. */
static atomic_uint_least64_t n_bytes, n_lines, n_records;

static void count(atomic_uint_least64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

void bs_tasklog_counts(struct bs_tasklog_counts *c)
{
	c->bytes_read = atomic_load_explicit(&n_bytes, memory_order_relaxed);
	c->lines_scanned = atomic_load_explicit(&n_lines, memory_order_relaxed);
	c->records_read = atomic_load_explicit(&n_records, memory_order_relaxed);
}

/* ---- records ------------------------------------------------------------- */

int bs_task_rec_init(struct bs_task_rec *r, size_t nwards)
{
	size_t nm, nf;

	memset(r, 0, sizeof(*r));
	if (bs_size_mul(nwards + 1, BS_METRIC_N, &nm) ||
	    bs_size_mul(nwards, nwards, &nf))
		return BS_E_NOMEM;
	r->nwards = nwards;
	r->m = calloc(nm, sizeof(double));
	r->flows = calloc(nf ? nf : 1, sizeof(double));
	r->settle = calloc(nf ? nf : 1, sizeof(double));
	if (!r->m || !r->flows || !r->settle) {
		bs_task_rec_release(r);
		return BS_E_NOMEM;
	}
	return 0;
}

void bs_task_rec_release(struct bs_task_rec *r)
{
	if (!r)
		return;
	free(r->m);
	free(r->flows);
	free(r->settle);
	memset(r, 0, sizeof(*r));
}

void bs_task_rec_fill(struct bs_task_rec *r, const struct bs_rep_result *res,
		      const struct bs_network *net)
{
	size_t w, W = net->nwards, i;
	double days = res->window_min / 1440.0;

	r->rep = res->rep;
	for (w = 0; w <= W; w++)
		bs_metrics_compute(res, net, w, r->m + w * BS_METRIC_N);
	for (i = 0; i < W * W; i++) {
		r->flows[i] = res->flows[i] / days;
		r->settle[i] = res->settle[i] / days;
	}
}

/* An array of numbers, NaN and infinities as null (JSON has neither). */
static json_t *num_array(const double *x, size_t n)
{
	json_t *a = json_array();
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; i < n; i++) {
		json_t *v = isfinite(x[i]) ? json_real(x[i] == 0.0 ? 0.0 : x[i])
					   : json_null();
		if (!v || json_array_append_new(a, v)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

char *bs_task_rec_encode(const struct bs_task_rec *r)
{
	json_t *o = json_object();
	size_t W = r->nwards;
	char *s = NULL, *line = NULL;
	size_t l;

	if (!o)
		return NULL;
	if (json_object_set_new(o, "task", json_integer((json_int_t)r->task)) ||
	    json_object_set_new(o, "point", json_integer(r->point)) ||
	    json_object_set_new(o, "rep", json_integer(r->rep)) ||
	    json_object_set_new(o, "m", num_array(r->m, (W + 1) * BS_METRIC_N)) ||
	    json_object_set_new(o, "flows", num_array(r->flows, W * W)) ||
	    json_object_set_new(o, "settle", num_array(r->settle, W * W)))
		goto out;
	/* 17 significant digits: every double reads back exactly */
	s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
	if (!s)
		goto out;
	l = strlen(s);
	line = malloc(l + 2);
	if (line) {
		memcpy(line, s, l);
		line[l] = '\n';
		line[l + 1] = '\0';
	}
out:
	free(s);
	json_decref(o);
	return line;
}

static int get_numbers(json_t *a, double *x, size_t n)
{
	size_t i;

	if (!json_is_array(a) || json_array_size(a) != n)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);
		if (json_is_null(v))
			x[i] = (double)NAN;
		else if (json_is_number(v))
			x[i] = json_number_value(v);
		else
			return -1;
	}
	return 0;
}

static int get_uint(json_t *o, const char *k, uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int bs_task_rec_decode(const char *line, size_t len, struct bs_task_rec *r,
		       char *why, size_t whysz)
{
	json_error_t je;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	json_t *m;
	uint64_t task, point, rep;
	size_t nm, W;
	int rc = BS_E_INPUT;

	bs_task_rec_release(r);
	if (!o) {
		snprintf(why, whysz, "not JSON (%s)", je.text);
		return BS_E_INPUT;
	}
	m = json_object_get(o, "m");
	if (!json_is_object(o) || get_uint(o, "task", UINT64_MAX / 2, &task) ||
	    get_uint(o, "point", UINT32_MAX, &point) || point < 1 ||
	    get_uint(o, "rep", UINT32_MAX, &rep) || rep < 1 ||
	    !json_is_array(m)) {
		snprintf(why, whysz, "expected a task record {\"task\", \"point\", \"rep\", \"m\", ...}");
		goto out;
	}
	nm = json_array_size(m);
	if (nm % BS_METRIC_N || nm < BS_METRIC_N) {
		snprintf(why, whysz,
			 "%zu metric values; expected a multiple of %d (a record of another bssim version?)",
			 nm, BS_METRIC_N);
		goto out;
	}
	W = nm / BS_METRIC_N - 1;
	if ((rc = bs_task_rec_init(r, W))) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	rc = BS_E_INPUT;
	r->task = task;
	r->point = (uint32_t)point;
	r->rep = (uint32_t)rep;
	if (get_numbers(m, r->m, nm) ||
	    get_numbers(json_object_get(o, "flows"), r->flows, W * W) ||
	    get_numbers(json_object_get(o, "settle"), r->settle, W * W)) {
		snprintf(why, whysz,
			 "expected numbers or null in \"m\", and %zu in each of \"flows\" and \"settle\"",
			 W * W);
		bs_task_rec_release(r);
		goto out;
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* ---- reading lines from a file descriptor ---------------------------------- */

struct lines {
	int fd;
	char *buf;
	size_t cap, len, pos; /* buf[pos..len) not yet returned */
	off_t base;           /* file offset of buf[0] */
	int eof;
};

/*
 * Next line: *line (not NUL-terminated, without '\n'), *len, *off (file
 * offset of its first byte). Returns 1 for a complete line, 0 at the end
 * (a torn last line, if any, is given with *torn = 1), -1 on a read error.
 */
static int next_line(struct lines *L, const char **line, size_t *len,
		     off_t *off, int *torn)
{
	*torn = 0;
	for (;;) {
		char *nl = L->pos < L->len
				   ? memchr(L->buf + L->pos, '\n', L->len - L->pos)
				   : NULL;
		if (nl) {
			*line = L->buf + L->pos;
			*len = (size_t)(nl - (L->buf + L->pos));
			*off = L->base + (off_t)L->pos;
			L->pos += *len + 1;
			return 1;
		}
		if (L->eof) {
			if (L->pos < L->len) {
				*line = L->buf + L->pos;
				*len = L->len - L->pos;
				*off = L->base + (off_t)L->pos;
				*torn = 1;
				L->pos = L->len;
			}
			return 0;
		}
		/* keep the partial line, read more */
		if (L->pos > 0) {
			memmove(L->buf, L->buf + L->pos, L->len - L->pos);
			L->base += (off_t)L->pos;
			L->len -= L->pos;
			L->pos = 0;
		}
		if (L->len + 65536 > L->cap) {
			size_t nc = L->cap ? L->cap * 2 : 131072;
			char *b = realloc(L->buf, nc);
			if (!b)
				return -1;
			L->buf = b;
			L->cap = nc;
		}
		{
			ssize_t got = read(L->fd, L->buf + L->len, L->cap - L->len);
			if (got < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			count(&n_bytes, (uint64_t)got);
			if (got == 0)
				L->eof = 1;
			L->len += (size_t)got;
		}
	}
}

/* The fingerprint of a header line into fp (17 bytes); 0 or -1. */
static int parse_header(const char *line, size_t len, char *fp, size_t fpsz)
{
	json_t *o = json_loadb(line, len, 0, NULL);
	json_t *f = json_object_get(o, "fingerprint");
	json_t *v = json_object_get(o, "bssim_sweep_log");
	int rc = -1;

	if (json_is_integer(v) && json_integer_value(v) == 1 &&
	    json_is_string(f)) {
		bs_strlcpy(fp, json_string_value(f), fpsz);
		rc = 0;
	}
	json_decref(o);
	return rc;
}

static char *header_line(const char *fingerprint, uint64_t ntasks)
{
	char buf[256];

	snprintf(buf, sizeof(buf),
		 "{\"bssim_sweep_log\":1,\"fingerprint\":\"%s\",\"tasks\":%llu}\n",
		 fingerprint, (unsigned long long)ntasks);
	return bs_strdup(buf);
}

static char *join(const char *dir, const char *name)
{
	return bs_path_join(dir, strlen(dir), name);
}

struct scan_cb {
	/* called for each well-formed record */
	int (*fn)(void *ud, const struct bs_task_rec *r, off_t off, size_t len,
		  const char *line, long lineno, struct bs_error *err);
	void *ud;
};

/*
 * Read a log from fd (at offset 0): check the header, decode every
 * complete record line. *good_end: offset just past the last complete
 * line (a torn tail starts there). *nolines: the file is empty.
 */
static int scan_fd(int fd, const char *path, const char *fingerprint,
		   uint64_t ntasks, const char *hint, const struct scan_cb *cb,
		   off_t *good_end, int *empty, struct bs_error *err)
{
	struct lines L;
	const char *line;
	size_t len;
	off_t off;
	int torn, k, rc = 0;
	long lineno = 0;
	struct bs_task_rec r;

	memset(&L, 0, sizeof(L));
	memset(&r, 0, sizeof(r));
	L.fd = fd;
	*good_end = 0;
	*empty = 1;
	while ((k = next_line(&L, &line, &len, &off, &torn)) == 1) {
		char why[256];
		lineno++;
		count(&n_lines, 1);
		*empty = 0;
		if (lineno == 1) {
			char fp[64];
			if (parse_header(line, len, fp, sizeof(fp))) {
				bs_error_set(err, BS_E_INPUT, path, 1, 0, NULL,
					     "not a bssim task log (expected a first line {\"bssim_sweep_log\": 1, ...})");
				rc = BS_E_INPUT;
				goto out;
			}
			if (strcmp(fp, fingerprint) != 0) {
				bs_error_set(err, BS_E_INPUT, path, 0, 0, NULL,
					     "holds the tasks of a different sweep (fingerprint %s; this one is %s: another sweep file, base scenario, stations file or bssim version)%s",
					     fp, fingerprint, hint ? hint : "");
				rc = BS_E_INPUT;
				goto out;
			}
			*good_end = off + (off_t)len + 1;
			continue;
		}
		rc = bs_task_rec_decode(line, len, &r, why, sizeof(why));
		if (!rc && r.task >= ntasks) {
			snprintf(why, sizeof(why),
				 "task %llu; the sweep has %llu tasks",
				 (unsigned long long)r.task,
				 (unsigned long long)ntasks);
			rc = BS_E_INPUT;
		}
		if (rc) {
			if (rc == BS_E_NOMEM)
				bs_error_set(err, rc, path, 0, 0, NULL,
					     "out of memory");
			else
				bs_error_set(err, rc, path, lineno, 0, NULL,
					     "damaged task record: %s; remove the folder's log to run the sweep afresh",
					     why);
			goto out;
		}
		if (cb && (rc = cb->fn(cb->ud, &r, off, len, line, lineno, err)))
			goto out;
		*good_end = off + (off_t)len + 1;
	}
	if (k < 0) {
		bs_error_set(err, BS_E_IO, path, 0, 0, NULL, "cannot read: %s",
			     strerror(errno));
		rc = BS_E_IO;
	} else if (torn) {
		*empty = 0;
	}
out:
	bs_task_rec_release(&r);
	free(L.buf);
	return rc;
}

/* ---- appending ----------------------------------------------------------- */

struct bs_tasklog {
	int fd;
	char *path;
	char *dir;
	pthread_mutex_t mu;
};

/* One record in one write(2) (BSSIM_TEST_FAIL_WRITE counts it as one). */
static int write_all(int fd, const char *s, size_t n)
{
	if (bs_test_write_fails()) {
		errno = ENOSPC;
		return -1;
	}
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Make a new directory entry durable (the log's name after a crash). */
static void sync_dir(const char *dir)
{
	int d = open(dir, O_RDONLY);

	if (d >= 0) {
		(void)fsync(d); /* best effort: some filesystems refuse */
		close(d);
	}
}

struct mark_ud {
	uint8_t *done;
	uint64_t n;
};

static int mark_done(void *ud, const struct bs_task_rec *r, off_t off,
		     size_t len, const char *line, long lineno,
		     struct bs_error *err)
{
	struct mark_ud *m = ud;

	(void)off;
	(void)len;
	(void)line;
	(void)lineno;
	(void)err;
	if (!m->done[r->task]) {
		m->done[r->task] = 1;
		m->n++;
	}
	return 0;
}

struct bs_tasklog *bs_tasklog_open(const char *dir, const char *fingerprint,
				   uint64_t ntasks, int resume, uint8_t *done,
				   uint64_t *ndone, uint64_t *discarded,
				   struct bs_error *err)
{
	struct bs_tasklog *lg = calloc(1, sizeof(*lg));
	struct mark_ud m = {done, 0};
	struct scan_cb cb = {mark_done, &m};
	off_t good;
	int empty, rc;

	*ndone = 0;
	if (discarded)
		*discarded = 0;
	if (!lg) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		return NULL;
	}
	lg->fd = -1;
	if (bs_mkdir_p(dir, err))
		goto fail;
	lg->dir = bs_strdup(dir);
	lg->path = join(dir, BS_TASKLOG_NAME);
	if (!lg->dir || !lg->path || pthread_mutex_init(&lg->mu, NULL)) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		free(lg->dir);
		free(lg->path);
		free(lg);
		return NULL;
	}
	/* A regular file only (checked first, so that no device is even
	 * opened; O_NOFOLLOW and fstat against a swap in between): a link,
	 * device or FIFO planted under the log's name is refused, never
	 * written through. No lock of its own: the caller holds the folder's
	 * (bs_outdir_open), which keeps every other writer out of it. */
	if (bs_output_check_target(lg->path, NULL, err))
		goto fail;
	lg->fd = open(lg->path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW |
				O_CLOEXEC | O_NONBLOCK, 0666);
	if (lg->fd < 0) {
		bs_error_set(err, BS_E_IO, lg->path, 0, 0, NULL,
			     "cannot open the task log: %s", strerror(errno));
		goto fail;
	}
	{
		struct stat sb;
		if (fstat(lg->fd, &sb) || !S_ISREG(sb.st_mode)) {
			bs_error_set(err, BS_E_INPUT, lg->path, 0, 0, NULL,
				     "is not a regular file; bssim replaces only regular files: remove it or choose another output");
			goto fail;
		}
	}
	if (resume) {
		/* by default (BS_SWEEP_KEEP) another sweep's log is refused
		 * as well: a fresh start would throw its tasks away */
		rc = scan_fd(lg->fd, lg->path, fingerprint, ntasks,
			     resume == BS_SWEEP_KEEP
				     ? "; choose another output folder, or pass --fresh to discard its tasks and start afresh"
				     : "; choose another output folder, or run with --fresh to start afresh",
			     &cb, &good, &empty, err);
		if (rc)
			goto fail;
		*ndone = m.n;
		if (!empty && good > 0) {
			/* cut a torn last line off before appending */
			if (ftruncate(lg->fd, good)) {
				bs_error_set(err, BS_E_IO, lg->path, 0, 0, NULL,
					     "cannot cut the torn last record: %s",
					     strerror(errno));
				goto fail;
			}
			return lg;
		}
	} else if (discarded) {
		/* count what a fresh start throws away, for a note */
		struct mark_ud m2 = {NULL, 0};
		uint8_t *tmp = calloc(ntasks ? ntasks : 1, 1);
		struct scan_cb cb2 = {mark_done, &m2};
		struct bs_error ignored;
		m2.done = tmp;
		if (tmp && !scan_fd(lg->fd, lg->path, fingerprint, ntasks, NULL,
				    &cb2, &good, &empty, &ignored))
			*discarded = m2.n;
		free(tmp);
	}
	/* fresh: an empty log with its header */
	{
		char *h = header_line(fingerprint, ntasks);
		if (!h) {
			bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL,
				     "out of memory");
			goto fail;
		}
		if (ftruncate(lg->fd, 0) || write_all(lg->fd, h, strlen(h)) ||
		    fdatasync(lg->fd)) {
			bs_error_set(err, BS_E_IO, lg->path, 0, 0, NULL,
				     "cannot write the task log: %s",
				     strerror(errno));
			free(h);
			goto fail;
		}
		free(h);
		sync_dir(dir);
	}
	if (resume)
		memset(done, 0, ntasks);
	*ndone = 0;
	return lg;
fail:
	bs_tasklog_close(lg);
	return NULL;
}

int bs_tasklog_append(struct bs_tasklog *lg, const char *line,
		      struct bs_error *err)
{
	int rc = 0;

	pthread_mutex_lock(&lg->mu);
	/* One write() per record: with O_APPEND a crash leaves at worst one
	 * torn last line. fdatasync before the task counts as done. */
	if (write_all(lg->fd, line, strlen(line)) || fdatasync(lg->fd)) {
		bs_error_set(err, BS_E_IO, lg->path, 0, 0, NULL,
			     "cannot record a finished task: %s",
			     strerror(errno));
		rc = BS_E_IO;
	} else {
		bs_test_point(BS_TP_TASK_RECORDED);
	}
	pthread_mutex_unlock(&lg->mu);
	return rc;
}

void bs_tasklog_close(struct bs_tasklog *lg)
{
	if (!lg)
		return;
	if (lg->fd >= 0)
		close(lg->fd);
	if (lg->path)
		pthread_mutex_destroy(&lg->mu);
	free(lg->path);
	free(lg->dir);
	free(lg);
}

/* ---- the index ----------------------------------------------------------- */

struct slot {
	uint32_t file; /* 1-based index into files; 0: not present */
	uint32_t len;
	uint64_t off;
};

struct logfile {
	char *path;
	int fd;
};

struct bs_taskindex {
	uint64_t ntasks, count;
	char fingerprint[64];
	struct slot *slot;
	struct logfile *files;
	size_t nfiles;
};

struct bs_taskindex *bs_taskindex_new(uint64_t ntasks,
				      const char *fingerprint)
{
	struct bs_taskindex *ix = calloc(1, sizeof(*ix));

	if (!ix)
		return NULL;
	ix->ntasks = ntasks;
	bs_strlcpy(ix->fingerprint, fingerprint, sizeof(ix->fingerprint));
	ix->slot = calloc(ntasks ? ntasks : 1, sizeof(struct slot));
	if (!ix->slot) {
		free(ix);
		return NULL;
	}
	return ix;
}

static int pread_all(int fd, char *buf, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t got = pread(fd, buf, n, off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		count(&n_bytes, (uint64_t)got);
		buf += got;
		n -= (size_t)got;
		off += got;
	}
	return 0;
}

struct add_ud {
	struct bs_taskindex *ix;
	uint32_t file;
};

static int add_one(void *ud, const struct bs_task_rec *r, off_t off,
		   size_t len, const char *line, long lineno,
		   struct bs_error *err)
{
	struct add_ud *a = ud;
	struct bs_taskindex *ix = a->ix;
	struct slot *s = &ix->slot[r->task];

	if (len > UINT32_MAX) {
		bs_error_set(err, BS_E_INPUT, ix->files[a->file - 1].path,
			     lineno, 0, NULL, "a task record of over 4 GiB");
		return BS_E_INPUT;
	}
	if (s->file) {
		/* the same task twice (the same shard given twice, or shards
		 * that overlap): harmless only if the records agree */
		char *prev = malloc(s->len ? s->len : 1);
		int same;
		if (!prev) {
			bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL,
				     "out of memory");
			return BS_E_NOMEM;
		}
		same = s->len == len &&
		       !pread_all(ix->files[s->file - 1].fd, prev, len,
				  (off_t)s->off) &&
		       memcmp(prev, line, len) == 0;
		free(prev);
		if (!same) {
			bs_error_set(err, BS_E_INPUT, ix->files[a->file - 1].path,
				     lineno, 0, NULL,
				     "task %llu (point %u, replication %u) is also in %s with other values; expected each task once, or identical",
				     (unsigned long long)r->task, r->point, r->rep,
				     ix->files[s->file - 1].path);
			return BS_E_INPUT;
		}
		return 0;
	}
	s->file = a->file;
	s->off = (uint64_t)off;
	s->len = (uint32_t)len;
	ix->count++;
	return 0;
}

int bs_taskindex_add(struct bs_taskindex *ix, const char *dir,
		     const char *hint, struct bs_error *err)
{
	struct logfile *f;
	struct add_ud a;
	struct scan_cb cb = {add_one, &a};
	struct stat sb;
	off_t good;
	int empty, rc;

	f = realloc(ix->files, (ix->nfiles + 1) * sizeof(*f));
	if (!f) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	ix->files = f;
	f = &ix->files[ix->nfiles];
	f->path = join(dir, BS_TASKLOG_NAME);
	if (!f->path) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	{
		const char *why = NULL;
		/* a FIFO planted there is refused, not blocked on */
		f->fd = bs_open_regular(f->path, &why);
		if (f->fd >= 0 && fstat(f->fd, &sb)) {
			close(f->fd);
			f->fd = -1;
		}
		if (f->fd < 0 && !why)
			why = strerror(errno);
		if (why)
			bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
				     "no task log (%s): %s; expected the output folder of bssim sweep",
				     BS_TASKLOG_NAME, why);
	}
	if (f->fd < 0) {
		free(f->path);
		return BS_E_INPUT;
	}
	ix->nfiles++;
	a.ix = ix;
	a.file = (uint32_t)ix->nfiles;
	rc = scan_fd(f->fd, f->path, ix->fingerprint, ix->ntasks, hint, &cb,
		     &good, &empty, err);
	if (!rc && empty) {
		bs_error_set(err, BS_E_INPUT, f->path, 0, 0, NULL,
			     "empty task log; expected the output folder of bssim sweep");
		rc = BS_E_INPUT;
	}
	return rc;
}

uint64_t bs_taskindex_count(const struct bs_taskindex *ix)
{
	return ix->count;
}

int bs_taskindex_has(const struct bs_taskindex *ix, uint64_t task)
{
	return task < ix->ntasks && ix->slot[task].file != 0;
}

int bs_taskindex_read(struct bs_taskindex *ix, uint64_t task,
		      struct bs_task_rec *r, struct bs_error *err)
{
	struct slot *s;
	char *buf, why[256];
	int rc;

	if (!bs_taskindex_has(ix, task)) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, NULL,
			     "task %llu is not recorded",
			     (unsigned long long)task);
		return BS_E_INPUT;
	}
	s = &ix->slot[task];
	count(&n_records, 1);
	buf = malloc(s->len ? s->len : 1);
	if (!buf) {
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	if (pread_all(ix->files[s->file - 1].fd, buf, s->len, (off_t)s->off)) {
		bs_error_set(err, BS_E_IO, ix->files[s->file - 1].path, 0, 0,
			     NULL, "cannot read a task record: %s",
			     strerror(errno));
		free(buf);
		return BS_E_IO;
	}
	rc = bs_task_rec_decode(buf, s->len, r, why, sizeof(why));
	free(buf);
	if (rc)
		bs_error_set(err, rc, ix->files[s->file - 1].path, 0, 0, NULL,
			     "damaged task record: %s (the file changed while being read?)",
			     why);
	return rc;
}

int bs_taskindex_copy(struct bs_taskindex *ix, FILE *fp,
		      struct bs_error *err)
{
	char *h = header_line(ix->fingerprint, ix->ntasks), *buf = NULL;
	size_t cap = 0;
	uint64_t t;

	if (!h || fputs(h, fp) == EOF)
		goto io;
	for (t = 0; t < ix->ntasks; t++) {
		struct slot *s = &ix->slot[t];
		if (!s->file)
			continue;
		if (s->len + 1 > cap) {
			char *b = realloc(buf, s->len + 1);
			if (!b)
				goto io;
			buf = b;
			cap = s->len + 1;
		}
		if (pread_all(ix->files[s->file - 1].fd, buf, s->len,
			      (off_t)s->off))
			goto io;
		buf[s->len] = '\n';
		if (fwrite(buf, 1, s->len + 1, fp) != s->len + 1)
			goto io;
	}
	free(h);
	free(buf);
	return 0;
io:
	free(h);
	free(buf);
	bs_error_set(err, BS_E_IO, NULL, 0, 0, BS_TASKLOG_NAME,
		     "cannot write the joined task log");
	return BS_E_IO;
}

void bs_taskindex_free(struct bs_taskindex *ix)
{
	size_t i;

	if (!ix)
		return;
	for (i = 0; i < ix->nfiles; i++) {
		close(ix->files[i].fd);
		free(ix->files[i].path);
	}
	free(ix->files);
	free(ix->slot);
	free(ix);
}
