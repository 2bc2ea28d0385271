/*
 * demandin.c - reading the tables of a scenario's demand (demandin.h).
 */
#include "calib/demandin.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"
#include "base/limits.h"

int bs__table_ok(const struct bs_scenario *sc, const char *key,
		 const char *path, const char *what, struct bs_error *err)
{
	const char *why;
	int fd = bs_open_regular(path, &why); /* a FIFO must not block */

	if (fd < 0) {
		bs_scenario_error(sc, err, key,
				  "cannot read '%s': %s; expected %s (path relative to the scenario file)",
				  path, why ? why : strerror(errno), what);
		return BS_E_INPUT;
	}
	close(fd);
	return 0;
}

/* demand.ward_factors: the CSV's factors, 1 for the pairs it does not
 * list (a factor of 1 multiplies exactly: listing a pair with 1 is the
 * same as not listing it). */
static int ward_factors(const struct bs_scenario *sc,
			const struct bs_network *net, struct bs_wardpairs *wf,
			struct bs_error *err)
{
	static const char *const col[1] = {"factor"};
	size_t k;
	int rc;

	if ((rc = bs__table_ok(sc, "demand.ward_factors", sc->ward_factors_path,
			       "a ward-factors CSV from,to,factor", err)) ||
	    (rc = bs_wardpairs_load(sc->ward_factors_path, "a ward-factors CSV",
				    net, col, 1, 0.0, 1, BS_MAX_WARD_FACTOR, wf,
				    err)))
		return rc;
	for (k = 0; k < wf->W * wf->W; k++)
		if (!wf->row[k])
			wf->m[k] = 1.0;
	return 0;
}

static int rates_tables(const struct bs_scenario *sc,
			const struct bs_network *net, struct bs_warnings *warn,
			struct bs_demand_tables *t, struct bs_error *err)
{
	int rc, has_arr = 0;
	size_t i, h;

	if ((rc = bs__table_ok(sc, "demand.rates", sc->rates_path,
			       "a rates CSV", err)) ||
	    (sc->od_path && (rc = bs__table_ok(sc, "demand.od", sc->od_path,
					       "an OD CSV", err))))
		return rc;
	t->dep = malloc(net->n * 24 * sizeof(double));
	t->arr = malloc(net->n * 24 * sizeof(double));
	t->attr = calloc(net->n, sizeof(double));
	t->round = malloc((net->n ? net->n : 1) * sizeof(double));
	if (!t->dep || !t->arr || !t->attr || !t->round)
		return BS_E_NOMEM;
	if ((rc = bs_rates_load_round(sc->rates_path, net, t->dep, t->arr,
				      &has_arr, t->round, err)))
		return rc;
	for (i = 0; i < net->n; i++)
		if (!isnan(t->round[i]))
			t->in.round_share = t->round;
	for (i = 0; i < net->n; i++)
		for (h = 0; h < 24; h++)
			t->attr[i] += t->arr[i * 24 + h];
	t->in.dep = t->dep;
	t->in.attr = has_arr ? t->attr : NULL;
	t->in.arr = has_arr ? t->arr : NULL;
	t->in.balance = sc->p.balance;
	t->in.warn = warn;
	if (sc->od_path &&
	    (rc = bs_od_load(sc->od_path, net, &t->in.nod, &t->odo, &t->odd,
			     &t->odw, err)))
		return rc;
	t->in.od_o = t->odo;
	t->in.od_d = t->odd;
	t->in.od_w = t->odw;
	return 0;
}

static int trace_tables(const struct bs_scenario *sc,
			const struct bs_network *net,
			struct bs_demand_tables *t, struct bs_error *err)
{
	int rc;

	if ((rc = bs__table_ok(sc, "demand.trips", sc->trips_path,
			       "a trip log CSV", err)) ||
	    (rc = bs_trace_load(sc->trips_path, net, sc->trace_day0,
				sc->p.days * BS_MINUTES_PER_DAY, &t->tr, err)))
		return rc;
	if (t->tr.n >= UINT32_MAX)
		return bs_scenario_error(sc, err, "demand.trips",
					 "%zu rides in the horizon; expected fewer than %u",
					 t->tr.n, UINT32_MAX);
	t->in.ntrace = t->tr.n;
	t->in.tr_t = t->tr.t;
	t->in.tr_o = t->tr.o;
	t->in.tr_d = t->tr.d;
	return 0;
}

int bs_demand_tables_load(const struct bs_scenario *sc,
			  const struct bs_network *net,
			  struct bs_warnings *warn, struct bs_demand_tables *t,
			  struct bs_error *err)
{
	int model = sc->p.demand, rc = 0;

	memset(t, 0, sizeof(*t));
	if (sc->ward_factors_path &&
	    (model == BS_DEMAND_RATES || model == BS_DEMAND_GRAVITY)) {
		if ((rc = ward_factors(sc, net, &t->wf, err)))
			goto out;
		t->in.ward_f = t->wf.m;
	}
	if (model == BS_DEMAND_RATES)
		rc = rates_tables(sc, net, warn, t, err);
	else if (model == BS_DEMAND_TRACE)
		rc = trace_tables(sc, net, t, err);
out:
	if (rc == BS_E_NOMEM && err && !err->code)
		bs_error_set(err, BS_E_NOMEM, sc->file, 0, 0, NULL,
			     "out of memory reading the demand tables");
	if (rc)
		bs_demand_tables_release(t);
	return rc;
}

void bs_demand_tables_release(struct bs_demand_tables *t)
{
	free(t->dep);
	free(t->arr);
	free(t->attr);
	free(t->odo);
	free(t->odd);
	free(t->odw);
	free(t->round);
	bs_trace_release(&t->tr);
	bs_wardpairs_release(&t->wf);
	memset(t, 0, sizeof(*t));
}
