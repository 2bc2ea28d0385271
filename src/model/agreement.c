/*
 * agreement.c - mutual-use matrix and nearest-allowed-station table (see
 * agreement.h).
 *
 * Cost: the table holds nwards * n entries (4 wards x 464 ports: 7 KB;
 * 4 x 20,000: 320 KB) and is built with one nearest query per
 * (owner, station) whose ward the owner may not use, through the grid.
 */
#include "model/agreement.h"

#include <stdlib.h>
#include <string.h>

#include "model/params.h"

struct ward_pred {
	const struct bs_network *net;
	const uint8_t *row; /* allow row of one owner */
};

static int allowed_ward(const void *ud, uint32_t s)
{
	const struct ward_pred *p = ud;

	return p->row[p->net->ward[s]];
}

struct bs_agreement *bs_agreement_new(const struct bs_network *net, int kind,
				      const uint8_t *matrix,
				      const double *price_yen)
{
	struct bs_agreement *a = calloc(1, sizeof(*a));
	size_t W = net->nwards, A, B, s, cells;

	if (!a)
		return NULL;
	a->kind = kind;
	a->nwards = W;
	a->n = net->n;
	a->allow = calloc(W * W, 1);
	a->price_yen = calloc(W, sizeof(double));
	if (bs_size_mul(W, net->n, &cells) ||
	    !(a->nearest = malloc(cells * sizeof(uint32_t))) || !a->allow ||
	    !a->price_yen) {
		bs_agreement_free(a);
		return NULL;
	}
	memcpy(a->price_yen, price_yen, W * sizeof(double));
	for (A = 0; A < W; A++)
		for (B = 0; B < W; B++) {
			uint8_t v;
			if (A == B || kind == BS_AGR_FULL)
				v = 1;
			else if (kind == BS_AGR_ISOLATED)
				v = 0;
			else
				v = matrix[A * W + B] ? 1 : 0;
			a->allow[A * W + B] = v;
		}
	a->all = 1;
	for (A = 0; A < W * W; A++)
		if (!a->allow[A])
			a->all = 0;
	for (A = 0; A < W; A++) {
		struct ward_pred p = {net, a->allow + A * W};
		for (s = 0; s < net->n; s++) {
			uint32_t *slot = &a->nearest[A * net->n + s];
			if (p.row[net->ward[s]])
				*slot = (uint32_t)s;
			else
				*slot = bs_network_nearest(net, (uint32_t)s, 0,
							   allowed_ward, &p,
							   NULL);
		}
	}
	return a;
}

size_t bs_agreement_cross_pairs(const struct bs_agreement *a)
{
	size_t A, B, k = 0;

	for (A = 0; A < a->nwards; A++)
		for (B = 0; B < a->nwards; B++)
			if (A != B && a->allow[A * a->nwards + B])
				k++;
	return k;
}

void bs_agreement_free(struct bs_agreement *a)
{
	if (!a)
		return;
	free(a->allow);
	free(a->nearest);
	free(a->price_yen);
	free(a);
}
