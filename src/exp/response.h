/*
 * response.h - demand that answers to service: the fixed point of
 * requests over replications (demand.response keys).
 *
 * The rates a scenario gives are latent demand at the reference service.
 * Requests at port s in hour h of the day arrive at
 *     latent(s, h) x r(s, h),  r = min(cap, (u(s, h) / reference)^e),
 * where u(s, h) is the share of the riders asking at s in hour h who got
 * a bike (at s or within the walk radius) and were let ride to their
 * destination by the agreement (not lost, not truncated; riders who
 * turned down every fare are left out of both counts), over every
 * replication and measured day. Constant elasticity e relative to the
 * reference, capped; a cell nobody asked in keeps its factor.
 *
 * Fixed point: start at r = 1; run all replications (the same seeds every
 * time: common random numbers); measure u; the residual is the change of
 * each port's requests the targets T(r) ask for, relative to all requests,
 *     sum_s |sum_h L (T(r) - r)| / sum L r   (L: the cell's latent requests);
 * stop when it is at most the tolerance (the run just made is the
 * result), else r += damping x (T(r) - r) and run again, at most
 * max_iterations runs. The world is built once: only the demand's rate
 * shapes change between runs (bs_demand_set_response).
 */
#ifndef BSSIM_RESPONSE_H
#define BSSIM_RESPONSE_H

#include <stdint.h>

#include "calib/world.h"
#include "exp/runner.h"

struct bs_response_report {
	uint32_t iterations; /* runs made */
	double residual;     /* of the last run */
};

/*
 * Solve for w's demand (p: the scenario's parameters, response on),
 * running as o says (its rep hooks are replaced). w->dem is left with the
 * factors of the run that met the tolerance. When reps is not NULL the
 * replications of that run are kept there (o->nreps slots; *ndone set),
 * else freed. Returns 0; BS_E_RUN with the residual when the tolerance is
 * not met within the iterations; BS_E_INTERRUPTED (nothing kept);
 * BS_E_NOMEM.
 */
int bs__response_solve(struct bs_world *w, const struct bs_params *p,
		       const struct bs_runner_opts *o,
		       struct bs_rep_result **reps, uint32_t *ndone,
		       struct bs_response_report *rep, struct bs_error *err);

#endif
