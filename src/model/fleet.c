/*
 * fleet.c - largest-remainder spread of the fleet (see fleet.h).
 */
#include "model/fleet.h"

#include <stdlib.h>

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

int bs_fleet_spread(const struct bs_network *net, uint64_t bikes,
		    uint32_t *stock)
{
	uint64_t D = net->total_docks, given = 0;
	struct rem *rm = malloc(net->n * sizeof(*rm));
	size_t i;

	if (!rm)
		return BS_E_NOMEM;
	for (i = 0; i < net->n; i++) {
		/* bikes <= D <= 2e11 and cap <= 1e5: the product fits. */
		uint64_t q = bikes * net->cap[i];
		stock[i] = (uint32_t)(q / D);
		given += stock[i];
		rm[i].r = q % D;
		rm[i].i = (uint32_t)i;
	}
	qsort(rm, net->n, sizeof(*rm), cmp_rem);
	for (i = 0; given < bikes && i < net->n; i++, given++)
		stock[rm[i].i]++;
	free(rm);
	return 0;
}

/* Free docks of station i against its capacity: none when a soft
 * capacity lets the stock pass it. */
static uint64_t room(const struct bs_network *net, const uint32_t *stock,
		     size_t i)
{
	return stock[i] < net->cap[i] ? net->cap[i] - stock[i] : 0;
}

int bs_fleet_adjust(const struct bs_network *net, uint64_t bikes,
		    uint32_t *stock)
{
	uint64_t have = 0, pool = 0, move, given = 0;
	struct rem *rm;
	size_t i;
	int add;

	for (i = 0; i < net->n; i++)
		have += stock[i];
	if (have == bikes)
		return 0;
	add = bikes > have;
	move = add ? bikes - have : have - bikes;
	for (i = 0; i < net->n; i++)
		pool += add ? room(net, stock, i) : stock[i];
	if (pool == 0)
		return 0; /* nothing to move: only when move is 0 too */
	rm = malloc(net->n * sizeof(*rm));
	if (!rm)
		return BS_E_NOMEM;
	for (i = 0; i < net->n; i++) {
		/* move <= pool <= 2e11 and a share <= 1e5: the product fits */
		uint64_t share = add ? room(net, stock, i) : stock[i];
		uint64_t q = move * share, k = q / pool;
		stock[i] = add ? stock[i] + (uint32_t)k : stock[i] - (uint32_t)k;
		given += k;
		rm[i].r = q % pool;
		rm[i].i = (uint32_t)i;
	}
	qsort(rm, net->n, sizeof(*rm), cmp_rem);
	for (i = 0; given < move && i < net->n; i++) {
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
