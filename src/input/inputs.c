/*
 * inputs.c - stock, rates, OD and trip-log tables read against a network
 * (see inputs.h).
 */
#include "input/inputs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "input/csvread.h"
#include "base/limits.h"
#include "input/triplog.h"

/* A station id field: must be in the network, or be an id of it that
 * lost its leading zeros (noted; ambiguous: an error naming both).
 * O(log n) (bs_network_find; O(BS_ID_ZEROS log n) for a miss),
 * so every table here is read in O(rows log n); the "listed twice" checks
 * are a flag per station (and hour), O(1) a row. */
static int station_of(const struct bs_network *net, const char *file,
		      const struct bs_csv_row *r, long ci, const char *col,
		      uint32_t *out, struct bs_error *err)
{
	const char *id = r->f[ci]; /* a row is as wide as the header */
	uint32_t other;

	if ((*out = bs_network_find(net, id)) != BS_NO_STATION)
		return 0;
	*out = bs_network_find_unpadded(net, id, &other);
	if (*out != BS_NO_STATION && other != BS_NO_STATION) {
		bs_error_row(err, file, r->row, col,
			     "station '%s' is not in the network, and with its leading zeros put back it could be '%s' or '%s'; expected a station_id of the stations file as written there (read ids as text: docs/analysts.md)",
			     id, net->ids[*out], net->ids[other]);
		return BS_E_INPUT;
	}
	if (*out != BS_NO_STATION) {
		bs_warn(net->notes,
			"%s: row %ld: matched '%s' to station '%s' (leading zeros lost: read ids as text, docs/analysts.md)",
			file, r->row, id, net->ids[*out]);
		return 0;
	}
	bs_error_row(err, file, r->row, col,
		     "station '%s' is not in the network; expected a station_id of the stations file",
		     id);
	return BS_E_INPUT;
}

/* Bounds of rates, OD weights and stock: limits.h. */

/* A number from 0 to max: the field itself (a row is as wide as the
 * header, csvread.h). */
static int number_of(const char *file, const struct bs_csv_row *r, long ci,
		     const char *col, double max, double *out,
		     struct bs_error *err)
{
	const char *s = r->f[ci];
	int bad = bs_parse_double(s, out);

	if (bad || !(*out >= 0.0) || *out > max) {
		bs_error_row(err, file, r->row, col,
			     "'%s' is %s; expected a number from 0 to %.0f", s,
			     bad ? "not a number" : "out of range", max);
		return BS_E_INPUT;
	}
	return 0;
}

/* ---- stock ---------------------------------------------------------------- */

struct stock_ld {
	const char *file;
	const struct bs_network *net;
	long idx[2];
	uint32_t *stock;
	uint8_t *seen;
	uint64_t total;
};

static int stock_row(void *ud, const struct bs_csv_row *r,
		     struct bs_error *err)
{
	static const char *const cols[2] = {"station_id", "bikes"};
	static const int req[2] = {1, 1};
	struct stock_ld *L = ud;
	uint32_t s;
	uint64_t b;
	const char *f;
	int rc;

	if (r->row == 1)
		return bs_csv_header(r, L->file, 2, cols, req, L->idx,
				     BS_STOCK_HEADER, err);
	if ((rc = station_of(L->net, L->file, r, L->idx[0], "station_id", &s,
			     err)))
		return rc;
	f = r->f[L->idx[1]];
	if (bs_parse_u64(f, &b)) {
		bs_error_row(err, L->file, r->row, "bikes",
			     "'%s' is not a count; expected a whole number of bikes from 0 to the station's capacity (%u)",
			     f, L->net->cap[s]);
		return BS_E_INPUT;
	}
	if (b > L->net->lim[s] && L->net->lim[s] == L->net->cap[s]) {
		bs_error_row(err, L->file, r->row, "bikes",
			     "%llu bikes do not fit in station %s's %u docks; expected at most %u (the capacity in the stations file)",
			     (unsigned long long)b, L->net->ids[s], L->net->cap[s],
			     L->net->cap[s]);
		return BS_E_INPUT;
	}
	if (b > L->net->lim[s]) {
		bs_error_row(err, L->file, r->row, "bikes",
			     "%llu bikes do not fit in station %s (capacity %u, physical limit %u); expected at most %u",
			     (unsigned long long)b, L->net->ids[s], L->net->cap[s],
			     L->net->lim[s], L->net->lim[s]);
		return BS_E_INPUT;
	}
	if (L->seen[s]) {
		bs_error_row(err, L->file, r->row, "station_id",
			     "station '%s' is listed twice; expected one row per station",
			     L->net->ids[s]);
		return BS_E_INPUT;
	}
	L->seen[s] = 1;
	L->stock[s] = (uint32_t)b;
	L->total += b;
	return 0;
}

int bs_stock_load(const char *path, const struct bs_network *net,
		  uint32_t *stock, uint64_t *total, struct bs_error *err)
{
	struct stock_ld L;
	int rc;

	memset(&L, 0, sizeof(L));
	memset(stock, 0, net->n * sizeof(uint32_t));
	L.file = path;
	L.net = net;
	L.stock = stock;
	L.seen = calloc(net->n, 1);
	if (!L.seen)
		return BS_E_NOMEM;
	rc = bs_csv_read_noted(path, "a stock CSV file", L.net->notes,
			       stock_row, &L, err);
	free(L.seen);
	*total = L.total;
	return rc;
}

/* ---- rates ---------------------------------------------------------------- */

struct rates_ld {
	const char *file;
	const struct bs_network *net;
	long idx[5];
	double *dep, *arr;
	uint8_t *seen;
	double *round;  /* [n] a port's round_trip_share, NAN: none; or NULL */
	long *round_row; /* [n] the row that gave it */
};

/* The optional round_trip_share column: one share per port, the same on
 * every row that gives one (0 to 1). */
static int round_cell(struct rates_ld *L, const struct bs_csv_row *r,
		      uint32_t s, struct bs_error *err)
{
	const char *f = r->f[L->idx[4]];
	double v;

	if (!*f)
		return 0; /* left empty: the network's share */
	if (bs_parse_double(f, &v) || !(v >= 0.0 && v <= 1.0)) {
		bs_error_row(err, L->file, r->row, "round_trip_share",
			     "'%s' is not a share; expected a number from 0 to 1 (or empty)",
			     f);
		return BS_E_INPUT;
	}
	if (L->round_row[s] && L->round[s] != v) {
		bs_error_row(err, L->file, r->row, "round_trip_share",
			     "station '%s' has %s here and %.10g in row %ld; expected one share per station",
			     L->net->ids[s], f, L->round[s], L->round_row[s]);
		return BS_E_INPUT;
	}
	L->round[s] = v;
	L->round_row[s] = r->row;
	return 0;
}

static int rates_row(void *ud, const struct bs_csv_row *r,
		     struct bs_error *err)
{
	static const char *const cols[5] = {"station_id", "hour",
					    "departures_per_hour",
					    "arrivals_per_hour",
					    "round_trip_share"};
	static const int req[5] = {1, 1, 1, 0, 0};
	struct rates_ld *L = ud;
	uint32_t s;
	uint64_t h;
	double v;
	const char *f;
	int rc;

	if (r->row == 1)
		return bs_csv_header(r, L->file, 5, cols, req, L->idx,
				     "station_id,hour,departures_per_hour[,arrivals_per_hour][,round_trip_share]",
				     err);
	if ((rc = station_of(L->net, L->file, r, L->idx[0], "station_id", &s,
			     err)))
		return rc;
	f = r->f[L->idx[1]];
	if (bs_parse_u64(f, &h) || h > 23) {
		bs_error_row(err, L->file, r->row, "hour",
			     "'%s' is not an hour; expected a whole number from 0 to 23",
			     f);
		return BS_E_INPUT;
	}
	if (L->seen[(size_t)s * 24 + h]) {
		bs_error_row(err, L->file, r->row, "hour",
			     "station '%s' hour %llu is listed twice; expected one row per station and hour",
			     L->net->ids[s], (unsigned long long)h);
		return BS_E_INPUT;
	}
	L->seen[(size_t)s * 24 + h] = 1;
	if ((rc = number_of(L->file, r, L->idx[2], "departures_per_hour",
			    BS_MAX_RATE, &v, err)))
		return rc;
	L->dep[(size_t)s * 24 + h] = v;
	if (L->idx[3] >= 0) {
		if ((rc = number_of(L->file, r, L->idx[3], "arrivals_per_hour",
				    BS_MAX_RATE, &v, err)))
			return rc;
		L->arr[(size_t)s * 24 + h] = v;
	}
	if (L->idx[4] >= 0 && L->round && (rc = round_cell(L, r, s, err)))
		return rc;
	return 0;
}

int bs_rates_load_round(const char *path, const struct bs_network *net,
			double *dep, double *arr, int *has_arr, double *round,
			struct bs_error *err)
{
	struct rates_ld L;
	size_t i;
	int rc;

	memset(&L, 0, sizeof(L));
	L.file = path;
	L.net = net;
	L.dep = dep;
	L.arr = arr;
	L.round = round;
	memset(dep, 0, net->n * 24 * sizeof(double));
	memset(arr, 0, net->n * 24 * sizeof(double));
	for (i = 0; round && i < net->n; i++)
		round[i] = NAN;
	L.seen = calloc(net->n * 24, 1);
	L.round_row = round ? calloc(net->n ? net->n : 1, sizeof(long)) : NULL;
	if (!L.seen || (round && !L.round_row)) {
		free(L.seen);
		free(L.round_row);
		return BS_E_NOMEM;
	}
	rc = bs_csv_read_noted(path, "a rates CSV file", L.net->notes,
			       rates_row, &L, err);
	free(L.seen);
	free(L.round_row);
	*has_arr = L.idx[3] >= 0;
	return rc;
}

int bs_rates_load(const char *path, const struct bs_network *net, double *dep,
		  double *arr, int *has_arr, struct bs_error *err)
{
	return bs_rates_load_round(path, net, dep, arr, has_arr, NULL, err);
}

/* ---- OD ------------------------------------------------------------------- */

struct od_ld {
	const char *file;
	const struct bs_network *net;
	long idx[3];
	uint32_t *o, *d;
	double *w;
	size_t n, cap;
};

static int od_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	static const char *const cols[3] = {"origin_id", "destination_id",
					    "trips"};
	static const int req[3] = {1, 1, 1};
	struct od_ld *L = ud;
	uint32_t o, d;
	double w;
	int rc;

	if (r->row == 1)
		return bs_csv_header(r, L->file, 3, cols, req, L->idx,
				     "origin_id,destination_id,trips", err);
	if ((rc = station_of(L->net, L->file, r, L->idx[0], "origin_id", &o,
			     err)) ||
	    (rc = station_of(L->net, L->file, r, L->idx[1], "destination_id",
			     &d, err)) ||
	    (rc = number_of(L->file, r, L->idx[2], "trips", BS_MAX_OD_TRIPS, &w,
			     err)))
		return rc;
	if (L->n == L->cap) {
		size_t nc = L->cap ? L->cap * 2 : 1024;
		uint32_t *a = realloc(L->o, nc * sizeof(uint32_t)), *b;
		double *c;
		if (!a)
			return BS_E_NOMEM;
		L->o = a;
		b = realloc(L->d, nc * sizeof(uint32_t));
		if (!b)
			return BS_E_NOMEM;
		L->d = b;
		c = realloc(L->w, nc * sizeof(double));
		if (!c)
			return BS_E_NOMEM;
		L->w = c;
		L->cap = nc;
	}
	L->o[L->n] = o;
	L->d[L->n] = d;
	L->w[L->n] = w;
	L->n++;
	return 0;
}

int bs_od_load(const char *path, const struct bs_network *net, size_t *n,
	       uint32_t **o, uint32_t **d, double **w, struct bs_error *err)
{
	struct od_ld L;
	int rc;

	memset(&L, 0, sizeof(L));
	L.file = path;
	L.net = net;
	rc = bs_csv_read_noted(path, "an OD CSV file", L.net->notes,
			       od_row, &L, err);
	if (rc) {
		free(L.o);
		free(L.d);
		free(L.w);
		return rc;
	}
	*n = L.n;
	*o = L.o;
	*d = L.d;
	*w = L.w;
	return 0;
}

/* ---- trace ---------------------------------------------------------------- */

struct tr_ld {
	const char *file;
	const struct bs_network *net;
	struct bs_trace *tr;
	double *t;
	uint32_t *o, *d;
	size_t n, cap;
	double first;
};

static int trace_row(void *ud, const struct bs_trip_row *t,
		     struct bs_error *err)
{
	struct tr_ld *L = ud;
	uint32_t o = bs_network_find(L->net, t->start_id);
	uint32_t d = bs_network_find(L->net, t->end_id);

	if (o == BS_NO_STATION || d == BS_NO_STATION) {
		bs_error_row(err, L->file, t->row,
			     o == BS_NO_STATION ? t->start_col : t->end_col,
			     "station '%s' is not in the network; expected a station of the stations file (make one with bssim import trips)",
			     o == BS_NO_STATION ? t->start_id : t->end_id);
		return BS_E_INPUT;
	}
	if (L->n == L->cap) {
		size_t nc = L->cap ? L->cap * 2 : 4096;
		double *a = realloc(L->t, nc * sizeof(double));
		uint32_t *b, *c;
		if (!a)
			return BS_E_NOMEM;
		L->t = a;
		b = realloc(L->o, nc * sizeof(uint32_t));
		if (!b)
			return BS_E_NOMEM;
		L->o = b;
		c = realloc(L->d, nc * sizeof(uint32_t));
		if (!c)
			return BS_E_NOMEM;
		L->d = c;
		L->cap = nc;
	}
	if (L->n == 0 || t->start_min < L->first)
		L->first = t->start_min;
	L->t[L->n] = t->start_min;
	L->o[L->n] = o;
	L->d[L->n] = d;
	L->n++;
	return 0;
}

int bs_trace_load(const char *path, const struct bs_network *net,
		  long day0, double horizon_min, struct bs_trace *tr,
		  struct bs_error *err)
{
	struct tr_ld L;
	double base;
	size_t i, k;
	int rc;

	memset(tr, 0, sizeof(*tr));
	memset(&L, 0, sizeof(L));
	L.file = path;
	L.net = net;
	L.tr = tr;
	rc = bs_triplog_read(path, trace_row, &L, &tr->warn, err);
	if (!rc && L.n == 0) {
		bs_error_row(err, path, 2, NULL,
			     "no rides with both stations; expected rows of a trip log");
		rc = BS_E_INPUT;
	}
	if (rc) {
		free(L.t);
		free(L.o);
		free(L.d);
		return rc;
	}
	tr->rows = L.n;
	tr->day0 = day0 >= 0 ? day0 : (long)floor(L.first / 1440.0);
	base = (double)tr->day0 * 1440.0;
	for (i = 0, k = 0; i < L.n; i++) {
		double t = L.t[i] - base;
		if (t < 0.0 || t >= horizon_min)
			continue;
		L.t[k] = t;
		L.o[k] = L.o[i];
		L.d[k] = L.d[i];
		k++;
	}
	tr->n = k;
	tr->t = L.t;
	tr->o = L.o;
	tr->d = L.d;
	return 0;
}

void bs_trace_release(struct bs_trace *tr)
{
	if (!tr)
		return;
	free(tr->t);
	free(tr->o);
	free(tr->d);
	memset(tr, 0, sizeof(*tr));
}

/* ---- depots: replayed moves and the operations policy -------------------- */

struct moves_ld {
	const char *file;
	const struct bs_network *net;
	long idx[3];
	struct bs_moves *m;
	size_t cap;
};

static int moves_grow(struct moves_ld *L)
{
	size_t nc = L->cap ? L->cap * 2 : 256;
	double *t = realloc(L->m->t, nc * sizeof(double));
	uint32_t *s;
	int32_t *d;

	if (!t)
		return BS_E_NOMEM;
	L->m->t = t;
	if (!(s = realloc(L->m->st, nc * sizeof(uint32_t))))
		return BS_E_NOMEM;
	L->m->st = s;
	if (!(d = realloc(L->m->delta, nc * sizeof(int32_t))))
		return BS_E_NOMEM;
	L->m->delta = d;
	L->cap = nc;
	return 0;
}

static int moves_row(void *ud, const struct bs_csv_row *r,
		     struct bs_error *err)
{
	static const char *const cols[3] = {"t_min", "station_id", "delta"};
	static const int req[3] = {1, 1, 1};
	struct moves_ld *L = ud;
	const char *f;
	uint32_t s;
	double t, d;
	int rc;

	if (r->row == 1)
		return bs_csv_header(r, L->file, 3, cols, req, L->idx,
				     "t_min,station_id,delta", err);
	if ((rc = number_of(L->file, r, L->idx[0], "t_min", BS_MAX_MOVE_T, &t,
			    err)) ||
	    (rc = station_of(L->net, L->file, r, L->idx[1], "station_id", &s,
			     err)))
		return rc;
	f = r->f[L->idx[2]];
	if (bs_parse_double(f, &d) || d != floor(d) || d == 0.0 ||
	    fabs(d) > L->net->lim[s]) {
		/* against the physical limit (= capacity unless soft): the
		 * operator's moves may fill a port past its published docks */
		bs_error_row(err, L->file, r->row, "delta",
			     "'%s' is not a move of station '%s'; expected a whole number of bikes, not 0, from -%u to %u (its physical limit)",
			     f, L->net->ids[s], L->net->lim[s], L->net->lim[s]);
		return BS_E_INPUT;
	}
	if (L->m->n == L->cap && (rc = moves_grow(L)))
		return rc;
	L->m->t[L->m->n] = t;
	L->m->st[L->m->n] = s;
	L->m->delta[L->m->n] = (int32_t)d;
	L->m->n++;
	return 0;
}

int bs_moves_load(const char *path, const struct bs_network *net,
		  struct bs_moves *m, struct bs_error *err)
{
	struct moves_ld L;
	int rc;

	memset(&L, 0, sizeof(L));
	memset(m, 0, sizeof(*m));
	L.file = path;
	L.net = net;
	L.m = m;
	rc = bs_csv_read_noted(path, "a moves CSV file", L.net->notes,
			       moves_row, &L, err);
	if (rc)
		bs_moves_release(m);
	return rc;
}

void bs_moves_release(struct bs_moves *m)
{
	free(m->t);
	free(m->st);
	free(m->delta);
	memset(m, 0, sizeof(*m));
}

struct policy_ld {
	const char *file;
	const struct bs_network *net;
	long idx[4];
	double *bring, *take;
	uint8_t *seen;
};

static int policy_row(void *ud, const struct bs_csv_row *r,
		      struct bs_error *err)
{
	static const char *const cols[4] = {"ward", "hour", "bring", "take"};
	static const int req[4] = {1, 1, 1, 1};
	struct policy_ld *L = ud;
	const char *f;
	size_t w;
	uint64_t h;
	int rc;

	if (r->row == 1)
		return bs_csv_header(r, L->file, 4, cols, req, L->idx,
				     "ward,hour,bring,take", err);
	f = r->f[L->idx[0]];
	for (w = 0; w < L->net->nwards; w++) /* O(wards) a row */
		if (!strcmp(L->net->ward_names[w], f))
			break;
	if (w == L->net->nwards) {
		bs_error_row(err, L->file, r->row, "ward",
			     "'%s' is not a ward of the network; expected a ward of the stations file",
			     f);
		return BS_E_INPUT;
	}
	f = r->f[L->idx[1]];
	if (bs_parse_u64(f, &h) || h > 23) {
		bs_error_row(err, L->file, r->row, "hour",
			     "'%s' is not an hour; expected a whole number from 0 to 23",
			     f);
		return BS_E_INPUT;
	}
	if (L->seen[w * 24 + h]) {
		bs_error_row(err, L->file, r->row, "hour",
			     "ward '%s' hour %llu is listed twice; expected one row per ward and hour",
			     L->net->ward_names[w], (unsigned long long)h);
		return BS_E_INPUT;
	}
	L->seen[w * 24 + h] = 1;
	if ((rc = number_of(L->file, r, L->idx[2], "bring", BS_MAX_OPS_BIKES,
			    &L->bring[w * 24 + h], err)) ||
	    (rc = number_of(L->file, r, L->idx[3], "take", BS_MAX_OPS_BIKES,
			    &L->take[w * 24 + h], err)))
		return rc;
	return 0;
}

int bs_ops_policy_load(const char *path, const struct bs_network *net,
		       double *bring, double *take, struct bs_error *err)
{
	struct policy_ld L;
	int rc;

	memset(&L, 0, sizeof(L));
	L.file = path;
	L.net = net;
	L.bring = bring;
	L.take = take;
	memset(bring, 0, net->nwards * 24 * sizeof(double));
	memset(take, 0, net->nwards * 24 * sizeof(double));
	L.seen = calloc(net->nwards * 24 + 1, 1);
	if (!L.seen)
		return BS_E_NOMEM;
	rc = bs_csv_read_noted(path, "an operations policy CSV file", L.net->notes,
			       policy_row, &L, err);
	free(L.seen);
	return rc;
}
