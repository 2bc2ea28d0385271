/*
 * again.c - a finished run's scenario again, from its folder
 * (bs_scenario_again in bssim.h; `bssim run --again DIR`).
 *
 * What a run folder holds that makes this possible: summary.json's
 * "scenario" is the resolved scenario (the --set overrides, the seed and
 * the replications applied, every default filled), "inputs" the sha256
 * of every file it read, and "run"."inputs" their absolute paths. The
 * rerun parses the resolved scenario (the scenario file itself is not
 * read: it may have moved, or changed since), reads each input at its
 * absolute path (whatever the current folder) and refuses one whose
 * bytes changed. Run with the same output options, it writes the same
 * files byte for byte; only summary.json's "run" (the machine and the
 * moment, and "again": the folder it reran) differs.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/common.h"
#include "base/error.h"
#include "base/str.h"
#include "input/scenario.h"
#include "output/output.h"

/* DIR must be a folder holding a run's summary.json; a sweep's or a
 * comparison's folder says what it is. 0 or BS_E_INPUT with err filled. */
static int is_run_folder(const char *dir, const char *summary,
			 struct bs_error *err)
{
	struct stat st;
	char *p;
	int sweep;

	if (stat(dir, &st)) {
		bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
			     "cannot open: %s; expected the folder of a finished bssim run",
			     strerror(errno));
		return BS_E_INPUT;
	}
	if (!S_ISDIR(st.st_mode)) {
		bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
			     "not a folder; expected the folder of a finished bssim run (bssim run --again DIR)");
		return BS_E_INPUT;
	}
	if (stat(summary, &st) == 0)
		return 0;
	if (!(p = bs_path_join(dir, strlen(dir), "sweep.json"))) {
		bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
		return BS_E_NOMEM;
	}
	sweep = stat(p, &st) == 0;
	free(p);
	bs_error_set(err, BS_E_INPUT, dir, 0, 0, NULL,
		     sweep ? "a sweep's folder (sweep.json, no summary.json); expected the folder of a finished run (a sweep is run again from its sweep file: bssim sweep SWEEP.json --fresh)"
			   : "no summary.json; expected the folder of a finished bssim run");
	return BS_E_INPUT;
}

/* The object member `key` of o, or BS_E_INPUT naming it in summary. */
static json_t *member(json_t *o, const char *key, const char *where,
		      const char *summary, const char *why,
		      struct bs_error *err)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_object(v)) {
		bs_error_set(err, BS_E_INPUT, summary, 0, 0, where, "%s; %s",
			     v ? "not an object" : "missing", why);
		return NULL;
	}
	return v;
}

static const char NO_RECORD[] =
	"expected the record of the files the run read (a summary.json of a bssim before run --again: run its scenario file again instead)";

bs_scenario *bs_scenario_again(const char *dir, int force,
			       struct bs_warnings *notes, struct bs_error *err)
{
	struct bs_scenario *sc = NULL;
	json_t *doc = NULL, *scen, *sums, *paths, *run;
	struct bs_again a;
	char *summary = NULL, *absdir = NULL;
	int rc;

	if (!(summary = bs_path_join(dir, strlen(dir), "summary.json")))
		goto nomem;
	if (is_run_folder(dir, summary, err))
		goto out;
	bs_outdir_settle(dir); /* a commit a killed run left */
	if (!(doc = bs_output_load_summary(summary, err)))
		goto out;
	if (!(scen = member(doc, "scenario", "scenario", summary,
			    "expected the resolved scenario the run recorded", err)) ||
	    !(sums = member(doc, "inputs", "inputs", summary, NO_RECORD, err)) ||
	    !(run = member(doc, "run", "run", summary, NO_RECORD, err)) ||
	    !(paths = member(run, "inputs", "run.inputs", summary, NO_RECORD, err)))
		goto out;
	if (json_is_true(json_object_get(run, "interrupted")))
		bs_warn(notes, "%s was interrupted after %lld replications: the rerun runs all %lld the scenario asks for, so its results differ",
			dir, (long long)json_integer_value(json_object_get(doc, "replications")),
			(long long)json_integer_value(json_object_get(scen, "replications")));
	/* the resolved copy, not the file: messages name summary.json */
	if (!(scen = json_deep_copy(scen)))
		goto nomem;
	if (!(sc = bs_scenario_from_json(scen, summary, NULL, NULL, 0, err)))
		goto out;
	if (!(absdir = realpath(dir, NULL)))
		goto nomem;
	a.dir = dir;
	a.summary = summary;
	a.force = force;
	a.notes = notes;
	if ((rc = bs__scenario_adopt_inputs(sc, sums, paths, &a, err))) {
		bs_scenario_free(sc);
		sc = NULL;
		goto out;
	}
	sc->again_of = absdir;
	absdir = NULL;
	goto out;
nomem:
	bs_error_set(err, BS_E_NOMEM, dir, 0, 0, NULL, "out of memory");
	bs_scenario_free(sc);
	sc = NULL;
out:
	json_decref(doc);
	free(summary);
	free(absdir);
	return sc;
}
