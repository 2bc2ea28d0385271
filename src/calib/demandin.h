/*
 * demandin.h - the tables a scenario's demand is built from (the rates
 * CSV, its OD table, the ward-pair factors, a trip log to replay), read
 * against the network once and kept, so that the demand can be built
 * from them more than once: by the world (world.c), and by the
 * destination calibration for every decay and factor it tries (od.c).
 *
 * Ownership: bs_demand_tables_load fills a caller-embedded struct whose
 * arrays bs_demand_tables_release frees; t->in borrows them.
 */
#ifndef BSSIM_DEMANDIN_H
#define BSSIM_DEMANDIN_H

#include "input/inputs.h"
#include "input/scenario.h"
#include "input/wardpairs.h"
#include "model/demand.h"

struct bs_demand_tables {
	struct bs_demand_input in; /* what bs_demand_new_from reads */
	double *dep, *arr, *attr, *odw;
	double *round; /* [n] the rates CSV's round_trip_share, NAN: none */
	uint32_t *odo, *odd;
	struct bs_trace tr;        /* trace: the log, with its warnings */
	struct bs_wardpairs wf;    /* demand.ward_factors (m NULL: none) */
};

/* Read the tables of sc's demand model (none for uniform and plain
 * gravity but the ward factors); warn receives the fit's warnings when
 * the demand is built. 0, or BS_E_INPUT / BS_E_NOMEM with err filled
 * (the key and file named); t is released on failure. */
int bs_demand_tables_load(const struct bs_scenario *sc,
			  const struct bs_network *net,
			  struct bs_warnings *warn, struct bs_demand_tables *t,
			  struct bs_error *err);

void bs_demand_tables_release(struct bs_demand_tables *t);

/* A table the scenario names can be opened as a regular file (a FIFO
 * must not block); else BS_E_INPUT naming key and path. */
int bs__table_ok(const struct bs_scenario *sc, const char *key,
		 const char *path, const char *what, struct bs_error *err);

#endif
