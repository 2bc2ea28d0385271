/*
 * ops.h - the operations plan: rebalancing trucks and battery-swap crews,
 * who owns them (a ward), which ports they serve (their ward, or a pool of
 * wards that agreed to share), and where they park (a depot per ward).
 *
 * Built once per scenario from resolved per-ward numbers; immutable and
 * shared by every replication. The behaviour of trucks and crews lives in
 * src/model/ops.c, inside the simulation's event loop.
 *
 * Ownership: bs_ops_new copies its inputs; bs_ops_free frees everything.
 */
#ifndef BSSIM_OPS_H
#define BSSIM_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "model/network.h"

/* A partition of wards into service groups, with each group's stations. */
struct bs_pool {
	size_t ngroups;
	uint32_t *group_of_ward; /* [nwards] */
	size_t *off;             /* [ngroups + 1] CSR into st */
	uint32_t *st;            /* stations of each group, by index */
	uint8_t *in_group;       /* [ngroups * nwards]: ward w in group g */
};

struct bs_ops {
	size_t nwards;
	uint32_t *depot;   /* [nwards] station where the ward's vehicles park */

	size_t ntrucks;
	uint32_t *truck_home;  /* [ntrucks] owning ward */
	uint32_t *ward_trucks; /* [nwards] */
	struct bs_pool trucks;

	size_t ncrews;
	uint32_t *crew_home;
	uint32_t *ward_crews;
	struct bs_pool crews;
};

/*
 * trucks[w], crews[w]: vehicles owned by ward w; tgroup[w], cgroup[w]: the
 * service group of ward w for trucks and crews (0..ngroups-1, dense);
 * depot[w]: a station index. NULL when out of memory.
 */
struct bs_ops *bs_ops_new(const struct bs_network *net, const uint32_t *trucks,
			  const uint32_t *tgroup, const uint32_t *crews,
			  const uint32_t *cgroup, const uint32_t *depot);

/* The station of ward w nearest the mean position of the ward's stations. */
uint32_t bs_ops_default_depot(const struct bs_network *net, size_t w);

void bs_ops_free(struct bs_ops *o);

#endif
