/*
 * fleet.c - largest-remainder spread of the fleet, each ward's share of
 * it, and its placement over the ward's own ports (see fleet.h).
 */
#include "model/fleet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct rem {
	uint64_t r;
	uint32_t i;
};

static int cmp_rem(const void *a, const void *b)
{
	const struct rem *x = a, *y = b;

	if (x->r != y->r)
		return x->r > y->r ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

int bs_fleet_apportion(uint64_t total, const uint32_t *w, size_t n,
		       uint64_t wsum, uint32_t *out)
{
	uint64_t given = 0;
	struct rem *rm;
	size_t i;

	if (total == 0 || wsum == 0) {
		memset(out, 0, n * sizeof(*out));
		return 0;
	}
	if (!(rm = malloc((n ? n : 1) * sizeof(*rm))))
		return BS_E_NOMEM;
	for (i = 0; i < n; i++) {
		/* total and w[i] below 2^32: the product fits */
		uint64_t q = total * w[i];
		out[i] = (uint32_t)(q / wsum);
		given += out[i];
		rm[i].r = q % wsum;
		rm[i].i = (uint32_t)i;
	}
	qsort(rm, n, sizeof(*rm), cmp_rem);
	/* the remainders' fractions sum to total - given < the number of
	 * positive remainders, so a zero weight is never reached */
	for (i = 0; given < total && i < n; i++, given++)
		out[rm[i].i]++;
	free(rm);
	return 0;
}

/* Free docks of station i against its capacity: none when a soft
 * capacity lets the stock pass it. */
static uint64_t room(const uint32_t *cap, const uint32_t *stock, size_t i)
{
	return stock[i] < cap[i] ? cap[i] - stock[i] : 0;
}

int bs_fleet_spread(const struct bs_network *net, uint64_t bikes,
		    uint32_t *stock)
{
	/* bikes <= D <= 2^28 and cap <= 1e5: the product fits */
	return bs_fleet_apportion(bikes, net->cap, net->n, net->total_docks,
				  stock);
}

/* bs_fleet_adjust over n stations of capacities cap[] (a network, or
 * one ward's ports gathered). */
static int adjust(size_t n, const uint32_t *cap, uint64_t bikes,
		  uint32_t *stock)
{
	uint64_t have = 0, pool = 0, move, given = 0;
	struct rem *rm;
	size_t i;
	int add;

	for (i = 0; i < n; i++)
		have += stock[i];
	if (have == bikes)
		return 0;
	add = bikes > have;
	move = add ? bikes - have : have - bikes;
	for (i = 0; i < n; i++)
		pool += add ? room(cap, stock, i) : stock[i];
	if (pool == 0)
		return 0; /* nothing to move: only when move is 0 too */
	rm = malloc(n * sizeof(*rm));
	if (!rm)
		return BS_E_NOMEM;
	for (i = 0; i < n; i++) {
		/* move <= pool <= 2e11 and a share <= 1e5: the product fits */
		uint64_t share = add ? room(cap, stock, i) : stock[i];
		uint64_t q = move * share, k = q / pool;
		stock[i] = add ? stock[i] + (uint32_t)k : stock[i] - (uint32_t)k;
		given += k;
		rm[i].r = q % pool;
		rm[i].i = (uint32_t)i;
	}
	qsort(rm, n, sizeof(*rm), cmp_rem);
	for (i = 0; given < move && i < n; i++) {
		uint32_t s = rm[i].i;
		/* a positive remainder means room for one more (or one less) */
		if (rm[i].r == 0)
			break;
		if (add)
			stock[s]++;
		else
			stock[s]--;
		given++;
	}
	free(rm);
	return 0;
}

int bs_fleet_adjust(const struct bs_network *net, uint64_t bikes,
		    uint32_t *stock)
{
	return adjust(net->n, net->cap, bikes, stock);
}

int bs_fleet_owned(const struct bs_network *net, int rule, uint64_t bikes,
		   const double *req, uint32_t *ward_bikes)
{
	size_t W = net->nwards, i;
	uint32_t *wt = malloc((W ? W : 1) * sizeof(*wt));
	uint64_t sum = 0;
	double mx = 0.0;
	int rc;

	if (!wt)
		return BS_E_NOMEM;
	for (i = 0; rule == BS_OWN_DEMAND && i < W; i++)
		if (req[i] > mx)
			mx = req[i];
	for (i = 0; i < W; i++) {
		/* docks: a ward's docks <= 2^28; demand: a weight <= 2^30,
		 * equal requests giving equal weights (ties stay ties) */
		wt[i] = rule == BS_OWN_DEMAND
				? (mx > 0.0 ? (uint32_t)llround(req[i] / mx * 1073741824.0)
					    : 0)
				: (uint32_t)net->ward_docks[i];
		sum += wt[i];
	}
	rc = bs_fleet_apportion(bikes, wt, W, sum, ward_bikes);
	free(wt);
	return rc;
}

/* Ward w's ports are ord[off[w] .. off[w+1]) (a counting sort, station
 * order kept inside each ward, so ties still go to the lower index). */
static void by_ward(const struct bs_network *net, size_t *off, uint32_t *ord)
{
	size_t W = net->nwards, i;

	memset(off, 0, (W + 1) * sizeof(*off));
	for (i = 0; i < net->n; i++)
		off[net->ward[i] + 1]++;
	for (i = 0; i < W; i++)
		off[i + 1] += off[i];
	for (i = 0; i < net->n; i++)
		ord[off[net->ward[i]]++] = (uint32_t)i;
	for (i = W; i > 0; i--)
		off[i] = off[i - 1];
	off[0] = 0;
}

int bs_fleet_place(const struct bs_network *net, const uint32_t *ward_bikes,
		   int keep_pattern, uint32_t *stock)
{
	size_t W = net->nwards, n = net->n, w, k;
	size_t *off = malloc((W + 1) * sizeof(*off));
	uint32_t *ord = malloc((n ? n : 1) * sizeof(*ord));
	uint32_t *cap = malloc((n ? n : 1) * sizeof(*cap));
	uint32_t *st = malloc((n ? n : 1) * sizeof(*st));
	int rc = 0;

	if (!off || !ord || !cap || !st) {
		rc = BS_E_NOMEM;
		goto out;
	}
	by_ward(net, off, ord);
	for (w = 0; !rc && w < W; w++) {
		size_t m = off[w + 1] - off[w];
		const uint32_t *o = ord + off[w];
		for (k = 0; k < m; k++) {
			cap[k] = net->cap[o[k]];
			st[k] = keep_pattern ? stock[o[k]] : 0;
		}
		/* a ward's docks <= 2^28 and a cap <= 1e5: the products fit */
		rc = keep_pattern ? adjust(m, cap, ward_bikes[w], st)
				  : bs_fleet_apportion(ward_bikes[w], cap, m,
						       net->ward_docks[w], st);
		for (k = 0; !rc && k < m; k++)
			stock[o[k]] = st[k];
	}
out:
	free(off);
	free(ord);
	free(cap);
	free(st);
	return rc;
}
