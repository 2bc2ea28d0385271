/*
 * cmd_calibrate_od.c - `bssim calibrate od SCENARIO.json ...`: fit the
 * destinations' distance decay (and ward-pair factors) to evidence
 * (bs_calibrate_od in bssim.h; the method is in docs/model.md,
 * "Calibrating destinations").
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char OD_HELP[] =
	"usage: bssim calibrate od SCENARIO.json -o fit.json\n"
	"                          [--cross-share S | --mean-length M |\n"
	"                           --mean-duration MIN | --decay M]\n"
	"                          [--od F] [--trips LOG] [--factors]\n"
	"                          [--factors-out F] [--decay-min M] [--decay-max M]\n"
	"                          [--max-iter N] [--tol T] [--set KEY=VALUE]...\n"
	"\n"
	"Fit the scenario's demand.decay_m (gravity and rates destinations) to\n"
	"evidence with the simulator's own destination model (the balancing of\n"
	"the rates model included), and with --factors its demand.ward_factors\n"
	"by iterative proportional fitting.\n"
	"\n"
	"evidence and targets (the decay fits the first given of):\n"
	"  --cross-share S    share of rides that end in another ward (0..1)\n"
	"  --mean-length M    mean great-circle metres of rides between two ports\n"
	"  --mean-duration MIN  mean ride minutes (trip.duration's model)\n"
	"  --decay M          keep this decay; fit only the factors\n"
	"  --trips LOG        a trip log on the scenario's stations: its mean\n"
	"                     length, and its ward table for --factors\n"
	"  --od F             a ward OD table from,to,trips (or share, adding up\n"
	"                     to 1), every pair of the network's wards: its\n"
	"                     cross-ward share, and its shares for --factors\n"
	"\n"
	"options:\n"
	"  --factors          fit the ward-pair factors to the ward table\n"
	"  --factors-out F    write them as a ward-factors CSV (from,to,factor)\n"
	"  --decay-min M, --decay-max M  the search range (300, 20000 metres)\n"
	"  --max-iter N       IPF passes at most (50)\n"
	"  --tol T            largest difference of ward shares left (0.0001)\n"
	"  --set KEY=VALUE    override a scenario key, as for bssim run\n"
	"  -o, --output F     the fit as JSON (values, residuals, model shares\n"
	"                     by ward, a scenario snippet)\n"
	"  -q, --quiet        print nothing but errors and warnings\n"
	"  -h, --help         this help\n"
	"\n"
	"exit status: 0 fitted; 1 the target was not met (outside the decay\n"
	"range, or IPF stopped at --max-iter: the fit is written, with its\n"
	"residuals) or a file could not be written; 2 bad usage or bad input.\n";

/* A number option in [lo, hi]. */
static int num_opt(const char *opt, const char *s, double lo, double hi,
		   double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v) || v < lo || v > hi)
		return bs_cli_usage("calibrate", "%s '%s': expected a number from %g to %g",
				    opt, s, lo, hi);
	*out = v;
	return 0;
}

static int run_od(struct bs_calibrate_od_opts *o, int quiet)
{
	struct bs_od_report rep;
	struct bs_error err;
	int rc;

	bs_error_clear(&err);
	if ((rc = bs_calibrate_od(o, &rep, &err)))
		return bs_cli_fail(&err, rc);
	bs_cli_warnings(&rep.warnings);
	if (!quiet)
		fputs(rep.text, stdout);
	if (!rep.converged) {
		bs_cli_say("warning: the fit did not meet its target (see %s)",
			   o->output);
		return BS_EXIT_FAIL;
	}
	return BS_EXIT_OK;
}

int bs_cmd_calibrate_od(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"cross-share", required_argument, NULL, 'c'},
		{"mean-length", required_argument, NULL, 'l'},
		{"mean-duration", required_argument, NULL, 'u'},
		{"decay", required_argument, NULL, 'd'},
		{"decay-min", required_argument, NULL, 'm'},
		{"decay-max", required_argument, NULL, 'M'},
		{"od", required_argument, NULL, 'O'},
		{"trips", required_argument, NULL, 't'},
		{"factors", no_argument, NULL, 'f'},
		{"factors-out", required_argument, NULL, 'F'},
		{"max-iter", required_argument, NULL, 'i'},
		{"tol", required_argument, NULL, 'T'},
		{"set", required_argument, NULL, 's'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct bs_calibrate_od_opts o;
	struct bs_set *sets = calloc((size_t)argc + 1, sizeof(*sets));
	const char *file;
	uint64_t n;
	int ch, quiet = 0, rc = 0;

	if (!sets)
		return bs_cli_nomem("calibrate", "out of memory reading the options");
	bs_calibrate_od_opts_init(&o);
	opterr = 0;
	optind = 1;
	while (!rc && (ch = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': o.output = optarg; break;
		case 'O': o.od = optarg; break;
		case 't': o.trips = optarg; break;
		case 'f': o.factors = 1; break;
		case 'F': o.factors_out = optarg; break;
		case 'q': quiet = 1; break;
		case 'c': rc = num_opt("--cross-share", optarg, 0, 1, &o.cross_share); break;
		case 'l': rc = num_opt("--mean-length", optarg, 1, 1e6, &o.mean_length_m); break;
		case 'u': rc = num_opt("--mean-duration", optarg, 0.01, 1440, &o.mean_duration_min); break;
		case 'd': rc = num_opt("--decay", optarg, 1, 1e6, &o.decay_m); break;
		case 'm': rc = num_opt("--decay-min", optarg, 1, 1e6, &o.decay_min_m); break;
		case 'M': rc = num_opt("--decay-max", optarg, 1, 1e6, &o.decay_max_m); break;
		case 'T': rc = num_opt("--tol", optarg, 1e-9, 0.5, &o.tol); break;
		case 'i':
			if (bs_cli_uint(optarg, 1, 10000, &n))
				rc = bs_cli_usage("calibrate", "--max-iter '%s': expected a whole number from 1 to 10000",
						  optarg);
			o.max_iter = (int)n;
			break;
		case 's':
			if (bs_cli_override(optarg, &sets[o.nset]))
				rc = bs_cli_usage("calibrate", "--set '%s': expected KEY=VALUE",
						  optarg);
			o.nset++;
			break;
		case 'h':
			fputs(OD_HELP, stdout);
			free(sets);
			return 0;
		case ':':
		default:
			rc = bs_cli_bad_option("calibrate", "calibrate", ch, argv);
		}
	}
	if (!rc)
		rc = bs_cli_one_operand("calibrate", argc, argv, "the scenario",
					"a scenario file", &file);
	if (!rc && !o.output)
		rc = bs_cli_usage("calibrate", "missing -o fit.json");
	if (!rc && o.factors_out && !o.factors)
		rc = bs_cli_usage("calibrate", "--factors-out needs --factors");
	if (!rc && (rc = bs_cli_nonempty("calibrate", "-o", o.output, "an output file")) == 0 &&
	    o.factors_out)
		rc = bs_cli_nonempty("calibrate", "--factors-out", o.factors_out,
				     "an output file");
	if (!rc) {
		o.scenario = file;
		o.sets = sets;
		rc = run_od(&o, quiet);
	}
	free(sets);
	return rc;
}
