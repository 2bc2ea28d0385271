/*
 * wardpairs.c - ward x ward tables from CSV (see wardpairs.h).
 */
#include "input/wardpairs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/csvread.h"

struct wp_ld {
	const char *file;
	const struct bs_network *net;
	const char *const *cols;
	size_t ncols;
	double lo, hi;
	int lo_open;
	long ifrom, ito, ival;
	struct bs_wardpairs *t;
};

static void list_cols(const struct wp_ld *L, char *buf, size_t sz)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < L->ncols && used < sz; i++)
		used += (size_t)snprintf(buf + used, sz - used, "%s%s",
					 i ? " or " : "", L->cols[i]);
}

static int wp_header(struct wp_ld *L, const struct bs_csv_row *r,
		     struct bs_error *err)
{
	static const char *const fixed[2] = {"from", "to"};
	static const int req[2] = {1, 1};
	long idx[2];
	char expect[160], alts[96];
	size_t c, i;
	int rc;

	list_cols(L, alts, sizeof(alts));
	snprintf(expect, sizeof(expect), "from,to,%s", alts);
	if ((rc = bs_csv_header(r, L->file, 2, fixed, req, idx, expect, err)))
		return rc;
	L->ifrom = idx[0];
	L->ito = idx[1];
	L->ival = -1;
	for (c = 0; c < r->n; c++)
		for (i = 0; i < L->ncols; i++) {
			if (strcmp(r->f[c], L->cols[i]))
				continue;
			if (L->ival >= 0) {
				bs_error_row(err, L->file, 1, r->f[c],
					     "a second value column; expected exactly one of %s",
					     alts);
				return BS_E_INPUT;
			}
			L->ival = (long)c;
			L->t->col = (int)i;
		}
	if (L->ival < 0) {
		bs_error_row(err, L->file, 1, alts,
			     "missing column %s; expected the header %s", alts,
			     expect);
		return BS_E_INPUT;
	}
	return 0;
}

static int wp_ward(const struct wp_ld *L, const struct bs_csv_row *r, long ci,
		   const char *col, int *w, struct bs_error *err)
{
	char names[512];
	size_t i, used = 0;

	*w = bs_network_ward_index(L->net, r->f[ci]);
	if (*w >= 0)
		return 0;
	names[0] = '\0';
	for (i = 0; i < L->net->nwards && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%s%s", i ? ", " : "",
					 L->net->ward_names[i]);
	bs_error_row(err, L->file, r->row, col,
		     "'%s' is not a ward of the network; expected one of %s",
		     r->f[ci], names);
	return BS_E_INPUT;
}

static int wp_row(void *ud, const struct bs_csv_row *r, struct bs_error *err)
{
	struct wp_ld *L = ud;
	struct bs_wardpairs *t = L->t;
	const char *col;
	const char *s;
	double v;
	int a, b, rc;
	size_t k;

	if (r->row == 1)
		return wp_header(L, r, err);
	if ((rc = wp_ward(L, r, L->ifrom, "from", &a, err)) ||
	    (rc = wp_ward(L, r, L->ito, "to", &b, err)))
		return rc;
	col = L->cols[t->col];
	s = r->f[L->ival];
	rc = bs_parse_double(s, &v);
	if (rc || !(L->lo_open ? v > L->lo : v >= L->lo) || v > L->hi) {
		bs_error_row(err, L->file, r->row, col,
			     "'%s' is %s; expected a number from %g%s to %g", s,
			     !*s ? "empty" : rc ? "not a number" : "out of range",
			     L->lo, L->lo_open ? " (excluded)" : "", L->hi);
		return BS_E_INPUT;
	}
	k = (size_t)a * t->W + (size_t)b;
	if (t->row[k]) {
		bs_error_row(err, L->file, r->row, "from",
			     "the pair %s -> %s is given twice (row %ld too); expected each pair once",
			     L->net->ward_names[a], L->net->ward_names[b],
			     t->row[k]);
		return BS_E_INPUT;
	}
	t->row[k] = r->row;
	t->m[k] = v;
	t->sum += v;
	return 0;
}

int bs_wardpairs_load(const char *path, const char *what,
		      const struct bs_network *net, const char *const *cols,
		      size_t ncols, double lo, int lo_open, double hi,
		      struct bs_wardpairs *t, struct bs_error *err)
{
	struct wp_ld L;
	int rc;

	memset(t, 0, sizeof(*t));
	memset(&L, 0, sizeof(L));
	t->W = net->nwards;
	t->m = calloc(t->W > 0 ? t->W * t->W : 1, sizeof(double));
	t->row = calloc(t->W > 0 ? t->W * t->W : 1, sizeof(long));
	if (!t->m || !t->row) {
		bs_wardpairs_release(t);
		return BS_E_NOMEM;
	}
	L.file = path;
	L.net = net;
	L.cols = cols;
	L.ncols = ncols;
	L.lo = lo;
	L.hi = hi;
	L.lo_open = lo_open;
	L.t = t;
	rc = bs_csv_read_noted(path, what, net->notes, wp_row, &L, err);
	if (rc)
		bs_wardpairs_release(t);
	return rc;
}

void bs_wardpairs_release(struct bs_wardpairs *t)
{
	if (!t)
		return;
	free(t->m);
	free(t->row);
	t->m = NULL;
	t->row = NULL;
}
