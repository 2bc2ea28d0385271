/*
 * ops_plan.c - building the operations plan (see ops.h).
 */
#include "model/ops.h"

#include <stdlib.h>
#include <string.h>

static int pool_build(struct bs_pool *p, const struct bs_network *net,
		      const uint32_t *group)
{
	size_t W = net->nwards, w, s, g;
	size_t *fill;

	p->ngroups = 0;
	for (w = 0; w < W; w++)
		if (group[w] + 1 > p->ngroups)
			p->ngroups = group[w] + 1;
	p->group_of_ward = malloc(W * sizeof(uint32_t));
	p->off = calloc(p->ngroups + 1, sizeof(size_t));
	p->st = malloc(net->n * sizeof(uint32_t));
	p->in_group = calloc(p->ngroups * W, 1);
	fill = calloc(p->ngroups, sizeof(size_t));
	if (!p->group_of_ward || !p->off || !p->st || !p->in_group || !fill) {
		free(fill);
		return BS_E_NOMEM;
	}
	memcpy(p->group_of_ward, group, W * sizeof(uint32_t));
	for (w = 0; w < W; w++)
		p->in_group[group[w] * W + w] = 1;
	for (s = 0; s < net->n; s++)
		p->off[group[net->ward[s]] + 1]++;
	for (g = 0; g < p->ngroups; g++)
		p->off[g + 1] += p->off[g];
	for (s = 0; s < net->n; s++) {
		g = group[net->ward[s]];
		p->st[p->off[g] + fill[g]++] = (uint32_t)s;
	}
	free(fill);
	return 0;
}

static void pool_release(struct bs_pool *p)
{
	free(p->group_of_ward);
	free(p->off);
	free(p->st);
	free(p->in_group);
}

static uint32_t *vehicles(const uint32_t *per_ward, size_t W, size_t *n)
{
	size_t w, k = 0, total = 0;
	uint32_t *home;

	for (w = 0; w < W; w++)
		total += per_ward[w];
	home = malloc((total ? total : 1) * sizeof(uint32_t));
	if (!home)
		return NULL;
	for (w = 0; w < W; w++)
		for (uint32_t i = 0; i < per_ward[w]; i++)
			home[k++] = (uint32_t)w;
	*n = total;
	return home;
}

struct bs_ops *bs_ops_new(const struct bs_network *net, const uint32_t *trucks,
			  const uint32_t *tgroup, const uint32_t *crews,
			  const uint32_t *cgroup, const uint32_t *depot)
{
	struct bs_ops *o = calloc(1, sizeof(*o));
	size_t W = net->nwards;

	if (!o)
		return NULL;
	o->nwards = W;
	o->depot = malloc(W * sizeof(uint32_t));
	o->ward_trucks = malloc(W * sizeof(uint32_t));
	o->ward_crews = malloc(W * sizeof(uint32_t));
	if (!o->depot || !o->ward_trucks || !o->ward_crews)
		goto err;
	memcpy(o->depot, depot, W * sizeof(uint32_t));
	memcpy(o->ward_trucks, trucks, W * sizeof(uint32_t));
	memcpy(o->ward_crews, crews, W * sizeof(uint32_t));
	if (!(o->truck_home = vehicles(trucks, W, &o->ntrucks)) ||
	    !(o->crew_home = vehicles(crews, W, &o->ncrews)) ||
	    pool_build(&o->trucks, net, tgroup) ||
	    pool_build(&o->crews, net, cgroup))
		goto err;
	return o;
err:
	bs_ops_free(o);
	return NULL;
}

uint32_t bs_ops_default_depot(const struct bs_network *net, size_t w)
{
	double la = 0.0, lo = 0.0, best = 0.0;
	size_t s, k = 0;
	uint32_t b = BS_NO_STATION;

	for (s = 0; s < net->n; s++)
		if (net->ward[s] == w) {
			la += net->lat[s];
			lo += net->lon[s];
			k++;
		}
	if (!k)
		return BS_NO_STATION;
	la /= (double)k;
	lo /= (double)k;
	for (s = 0; s < net->n; s++) {
		double d;
		if (net->ward[s] != w)
			continue;
		d = bs_distance_m(la, lo, net->lat[s], net->lon[s]);
		if (b == BS_NO_STATION || d < best) {
			best = d;
			b = (uint32_t)s;
		}
	}
	return b;
}

void bs_ops_free(struct bs_ops *o)
{
	if (!o)
		return;
	free(o->depot);
	free(o->ward_trucks);
	free(o->ward_crews);
	free(o->truck_home);
	free(o->crew_home);
	pool_release(&o->trucks);
	pool_release(&o->crews);
	free(o);
}
