/*
 * trips.c - trip logs streamed per replication and joined in order (see output.h).
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

/* ---- trip logs ----------------------------------------------------------- */

#define TRIPS_HEADER                                                           \
	"replication,request_min,origin_id,destination_id,outcome,"           \
	"rental_id,return_id,rental_min,return_min,ride_min,diversions,"      \
	"truncated,bike,owner_ward,fare_yen,walk_after_m\n"

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
				       "lost_forbidden", "unfinished",
				       "lost_price"};

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
		fputc(',', fp);
		/* metres left to walk: empty for a trip still riding */
		if (done)
			bs_csv_num(fp, tr->walk_after_m);
		fputc('\n', fp);
	} else {
		fputs(",,,,,,\n", fp);
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
	fd = bs__open_temp(t->dirfd, part, t->name[rep - 1], sizeof(t->name[0]));
	if (fd < 0) {
		t->name[rep - 1][0] = '\0';
		t->err[rep - 1] = errno;
		return BS_E_IO;
	}
	if (!(t->fp[rep - 1] = bs__os_open(&t->os[rep - 1], fd))) {
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
	e = bs__os_finish(&t->os[rep - 1], fp, 0);
	if (e && !t->err[rep - 1])
		t->err[rep - 1] = e;
	return rc == 0 && t->err[rep - 1] ? BS_E_IO : 0;
}

int bs_trips_error(const struct bs_trips *t, struct bs_error *err)
{
	uint32_t r;

	for (r = 0; r < t->nreps; r++)
		if (t->err[r]) {
			char *p = bs__join(t->dir, "trips.csv");
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
int bs__trips_join(struct bs_trips *t, uint32_t nreps, FILE *out,
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
