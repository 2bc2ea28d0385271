/*
 * describe.c - what a scenario resolves to, in words (bs_scenario_describe
 * in bssim.h; what `bssim check` prints): the horizon, the network and
 * fleet by ward, the demand and the requests it expects, the rides,
 * behaviour, operations, fares and the agreement's matrix. Enum values
 * are named as the key table names them.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "calib/world.h"
#include "input/keys.h"
#include "input/scenario.h"
#include "model/ops.h"

static const char *const WEEKDAYS[] = {"Monday", "Tuesday", "Wednesday",
				       "Thursday", "Friday", "Saturday",
				       "Sunday"};

/* The name of an enum key's value (as a scenario writes it). */
static const char *name_of(const char *key, int v, char *buf, size_t sz)
{
	const char *n = bs_key_enum_name(key, v, buf, sz);

	return n ? n : "?";
}

static void put_demand(FILE *o, const struct bs_scenario *sc,
		       const struct bs_world *w, double total)
{
	const struct bs_params *p = &sc->p;

	if (p->demand == BS_DEMAND_UNIFORM)
		fprintf(o, "  demand      uniform: %g per station per hour; destinations uniform\n",
			p->rate_per_station_per_hour);
	else if (p->demand == BS_DEMAND_RATES)
		fprintf(o, "  demand      rates: %s; destinations %s%s%s, decay %g m, farthest %g m\n",
			sc->rates_path, sc->od_path ? "from " : "gravity",
			sc->od_path ? sc->od_path : "",
			w->dem->dest_hoff ? " balanced to each hour's arrivals" : "",
			p->decay_m, p->max_trip_m);
	else if (p->demand == BS_DEMAND_TRACE)
		fprintf(o, "  demand      trace: %s; %zu rides, %zu of them in the horizon\n",
			sc->trips_path, w->trace_rows, w->trace_kept);
	else
		fprintf(o, "  demand      gravity: %g trips per weekday; decay %g m, farthest %g m\n",
			p->trips_per_day, p->decay_m, p->max_trip_m);
	fprintf(o, "              expected requests per measured day: %.1f\n", total);
	if (p->dur == BS_DUR_EXPONENTIAL)
		fprintf(o, "  rides       exponential, mean %g min\n", p->mean_min);
	else
		fprintf(o, "  rides       distance: %g km/h, detour %g, noise sd %g, at least %g min\n",
			p->speed_kmh, p->detour, p->noise_sd, p->min_min);
}

static void put_operations(FILE *o, const struct bs_scenario *sc,
			   const struct bs_world *w)
{
	const struct bs_params *p = &sc->p;
	char n1[64], n2[64], n3[64];

	fprintf(o, "  behaviour   walk up to %g m; at a full port: %s; forbidden return: %s\n",
		p->walk_radius_m,
		name_of("behaviour.on_full", p->on_full, n1, sizeof(n1)),
		p->choice == BS_CHOICE_ON
			? "the rider's choice"
			: name_of("behaviour.forbidden_return", p->forbidden, n2, sizeof(n2)));
	if (p->choice == BS_CHOICE_ON) {
		/* riders who choose replace forbidden_return (docs/model.md) */
		if (p->walk_tol == BS_WALK_STEP)
			fprintf(o, "  choice      riders choose: walk after the ride up to %g m",
				p->walk_tol_m);
		else
			fprintf(o, "  choice      riders choose: walk after the ride P(W >= w) = exp(-%g w)",
				p->walk_decay_per_m);
		fprintf(o, "; ride at fare F with min(1, (F / %g yen)^%g)\n",
			p->ref_fare_yen, p->price_elasticity);
	}
	fprintf(o, "  trucks      %s",
		name_of("rebalancing.policy", p->reb_policy, n3, sizeof(n3)));
	if (p->reb_policy != BS_REB_NONE)
		fprintf(o, ": %zu trucks of %u bikes in %zu service area%s, %g-%g h",
			w->ops->ntrucks, p->truck_capacity, w->ops->trucks.ngroups,
			w->ops->trucks.ngroups == 1 ? "" : "s",
			p->reb_shift_start_h, p->reb_shift_end_h);
	fprintf(o, "\n");
	if (p->battery)
		fprintf(o, "  batteries   %g per km, rentable from %g; %zu swap crews, %g-%g h\n",
			p->bat_use_per_km, p->bat_min_rentable, w->ops->ncrews,
			p->bat_shift_start_h, p->bat_shift_end_h);
	else
		fprintf(o, "  batteries   not modelled\n");
	fprintf(o, "  fares       settlement: %s",
		name_of("fees.settlement", p->settlement, n1, sizeof(n1)));
	if (p->dock_fee_yen > 0.0)
		fprintf(o, "; %g yen a night per foreign bike", p->dock_fee_yen);
	if (p->repatriation_yen > 0.0)
		fprintf(o, "; %g yen per bike brought home", p->repatriation_yen);
	fprintf(o, "\n");
}

/* A ward's bikes per dock or per request further than this factor from
 * the network's, either way, is warned about: the wards' own programmes
 * bought about the same bikes per port (docs/model.md: 11.1, 11.1 and
 * 11.1 in Chiyoda, Chuo and Koto, 2016-2019), so 1.5x is well outside
 * what any ward chose, and a docks rule never trips it on docks. */
#define FLEET_WARN_FACTOR 1.5

static const char *const OWN_WHY[] = {
	"each ward owns bikes in proportion to its docks",
	"each ward owns bikes in proportion to its requests per day",
	"each ward owns the bikes fleet.bikes gives it",
	"each bike is owned by the ward of the port it starts at: the stock as it stands"};

/* "x.xxx", or "-" when the denominator is 0. */
static const char *ratio(double a, double b, char *buf, size_t sz)
{
	if (!(b > 0.0))
		return "-";
	snprintf(buf, sz, "%.3f", a / b);
	return buf;
}

/* A warning when r is further than FLEET_WARN_FACTOR from the network's
 * rn, either way. */
static void warn_far(FILE *o, const char *ward, const char *per, double r,
		     double rn)
{
	if (!(rn > 0.0) || (r <= rn * FLEET_WARN_FACTOR &&
			    r >= rn / FLEET_WARN_FACTOR))
		return;
	fprintf(o, "  warning: %s has %.3f bikes per %s, %.2fx the network's %.3f (warned beyond %gx either way)\n",
		ward, r, per, r / rn, rn, FLEET_WARN_FACTOR);
}

/* Each ward's fleet against its docks and requests, and the warnings of
 * a fleet whose ownership is far from the network's or a snapshot's. */
static void put_fleet_warnings(FILE *o, const struct bs_scenario *sc,
			       const struct bs_world *w, const double *req,
			       const uint64_t *bikes)
{
	const struct bs_network *net = w->net;
	double B = 0.0, R = 0.0;
	size_t a;

	if (net->nwards < 2)
		return;
	for (a = 0; a < net->nwards; a++) {
		B += (double)bikes[a];
		R += req[a];
	}
	for (a = 0; a < net->nwards; a++) {
		if (net->ward_docks[a] > 0)
			warn_far(o, net->ward_names[a], "dock",
				 (double)bikes[a] / (double)net->ward_docks[a],
				 B / (double)net->total_docks);
		if (req[a] > 0.0)
			warn_far(o, net->ward_names[a], "request",
				 (double)bikes[a] / req[a], B / R);
	}
	if (sc->p.ownership == BS_OWN_STOCK && !w->agr->all)
		fprintf(o, "  warning: fleet.ownership \"stock\": each ward owns the bikes standing on its ports at the start (a snapshot of a network under mutual use), yet this agreement is not full mutual use; expected \"docks\", \"demand\" or \"given\" for a ward's own programme\n");
}

static void put_wards(FILE *o, const struct bs_scenario *sc,
		      const struct bs_world *w, const double *req,
		      const uint64_t *bikes)
{
	const struct bs_network *net = w->net;
	char r1[32], r2[32], n1[32];
	size_t a, b;

	fprintf(o, "\n  fleet owned by ward: %s (%s)\n",
		name_of("fleet.ownership", sc->p.ownership, n1, sizeof(n1)),
		OWN_WHY[sc->p.ownership]);
	fprintf(o, "  %-14s %9s %8s %8s %11s %13s %10s %10s\n", "ward",
		"stations", "docks", "bikes", "bikes/dock", "requests/day",
		"bikes/req", "price/blk");
	for (a = 0; a < net->nwards; a++)
		fprintf(o, "  %-14s %9u %8llu %8llu %11s %13.1f %10s %10g\n",
			net->ward_names[a], net->ward_nstations[a],
			(unsigned long long)net->ward_docks[a],
			(unsigned long long)bikes[a],
			ratio((double)bikes[a], (double)net->ward_docks[a], r1,
			      sizeof(r1)),
			req[a], ratio((double)bikes[a], req[a], r2, sizeof(r2)),
			w->agr->price_yen[a]);
	put_fleet_warnings(o, sc, w, req, bikes);
	if (net->nwards > 1 && net->nwards <= 16) {
		fprintf(o, "\n  may a bike of (row) be returned in (column)?\n  %-14s", "");
		for (b = 0; b < net->nwards; b++)
			fprintf(o, " %-9.9s", net->ward_names[b]);
		fprintf(o, "\n");
		for (a = 0; a < net->nwards; a++) {
			fprintf(o, "  %-14s", net->ward_names[a]);
			for (b = 0; b < net->nwards; b++)
				fprintf(o, " %-9s",
					bs_agreement_allows(w->agr, (unsigned)a,
							    (unsigned)b)
						? "yes"
						: "-");
			fprintf(o, "\n");
		}
	}
}

static void describe(FILE *o, const struct bs_scenario *sc,
		     const struct bs_world *w, double *req, uint64_t *bikes)
{
	const struct bs_params *p = &sc->p;
	const struct bs_network *net = w->net;
	double warm = p->warmup_days * BS_MINUTES_PER_DAY;
	double hor = p->days * BS_MINUTES_PER_DAY, mdays = p->days - p->warmup_days;
	double total = 0.0;
	char n1[64];
	size_t i;

	for (i = 0; i < net->n; i++) {
		double e = bs_demand_expected(w->dem, (uint32_t)i, warm, hor) / mdays;
		req[net->ward[i]] += e;
		total += e;
		bikes[net->ward[i]] += w->init_stock[i];
	}
	fprintf(o, "%s: OK (%s)\n", sc->name, sc->file);
	fprintf(o, "  horizon     %g day%s from a %s, warm-up %g (%g measured); %u replication%s, seed %llu%s\n",
		p->days, p->days == 1.0 ? "" : "s", WEEKDAYS[p->start_weekday],
		p->warmup_days, mdays, p->replications,
		p->replications == 1 ? "" : "s", (unsigned long long)p->seed,
		p->rng == BS_RNGK_PHILOX ? " (rng philox: streams version 2)" : "");
	if (sc->stations_path)
		fprintf(o, "  network     %zu stations, %llu docks, %zu wards (%s)\n",
			net->n, (unsigned long long)net->total_docks, net->nwards,
			sc->stations_path);
	else
		fprintf(o, "  network     synthetic: %zu stations of %u docks, %zu wards, %g m apart\n",
			net->n, sc->syn_cap, net->nwards, sc->syn_spacing_m);
	fprintf(o, "  fleet       %llu bikes (%.1f%% of docks)%s%s\n",
		(unsigned long long)w->model.fleet,
		100.0 * (double)w->model.fleet / (double)net->total_docks,
		sc->initial_path ? "; initial stock from " : "",
		sc->initial_path ? sc->initial_path : "");
	put_demand(o, sc, w, total);
	put_operations(o, sc, w);
	fprintf(o, "  agreement   %s (%zu cross-ward permissions)\n",
		name_of("agreement.type", p->agreement, n1, sizeof(n1)),
		bs_agreement_cross_pairs(w->agr));
	put_wards(o, sc, w, req, bikes);
	if (sc->nunused) {
		fprintf(o, "\n  given but not used by this scenario:");
		for (i = 0; i < sc->nunused; i++)
			fprintf(o, " %s", sc->unused[i]);
		fprintf(o, "\n");
	}
	if (w->warn.count)
		fprintf(o, "  input warnings: %ld (rows skipped)\n", w->warn.count);
}

char *bs_scenario_describe(bs_scenario *sc, struct bs_error *err)
{
	double *req;
	uint64_t *bikes;
	char *text = NULL;
	size_t len = 0;
	FILE *o;

	assert(sc);
	if (bs_scenario_check(sc, err))
		return NULL;
	req = calloc(sc->world->net->nwards, sizeof(double));
	bikes = calloc(sc->world->net->nwards, sizeof(uint64_t));
	if (!req || !bikes || !(o = open_memstream(&text, &len))) {
		free(req);
		free(bikes);
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return NULL;
	}
	describe(o, sc, sc->world, req, bikes);
	free(req);
	free(bikes);
	if (fclose(o) || !text) {
		free(text);
		bs_error_set(err, BS_E_NOMEM, NULL, 0, 0, NULL, "out of memory");
		return NULL;
	}
	return text;
}
