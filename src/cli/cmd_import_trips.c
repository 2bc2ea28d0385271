/*
 * cmd_import_trips.c - `bssim import trips LOG.csv [--ward NAME]
 * [--capacity K] -o stations.csv`: the stations of a published trip log,
 * so that the log can be replayed (demand model `trace`) on them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/triplog.h"
#include "cli.h"

struct tn_out {
	const struct bs_tripnet *t;
	const char *ward;
	long cap;
};

static void put(const void *ud, FILE *fp)
{
	const struct tn_out *o = ud;

	bs_tripnet_write(o->t, o->ward, o->cap, fp);
}

int bs_cmd_import_trips(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ward", required_argument, NULL, 'w'},
		{"capacity", required_argument, NULL, 'c'},
		{"output", required_argument, NULL, 'o'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct tn_out o = {NULL, "system", 20};
	const char *out = NULL;
	struct bs_tripnet *t;
	struct bs_error err;
	uint64_t v;
	int ch, quiet = 0, rc;

	bs_error_clear(&err);
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			if (bs_cli_nonempty("import trips", "--ward", optarg,
					    "a ward name"))
				return BS_EXIT_USAGE;
			o.ward = optarg;
			break;
		case 'c':
			if (bs_cli_uint(optarg, 1, 100000, &v))
				return bs_cli_usage("import trips",
						    "--capacity '%s': expected a whole number of docks from 1 to 100000",
						    optarg);
			o.cap = (long)v;
			break;
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		case 'h':
			return bs_cmd_import(2, (char *[]){"import", "--help", NULL});
		case ':':
			return bs_cli_usage("import trips", "option '%s' needs a value",
					    argv[optind - 1]);
		default:
			return bs_cli_usage("import trips",
					    "unknown option '%s'; see bssim import --help",
					    argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return bs_cli_usage("import trips", optind >= argc
				    ? "missing LOG.csv (a trip log)"
				    : "expected one trip log");
	if (!out)
		return bs_cli_usage("import trips", "missing -o stations.csv");
	if ((rc = bs_cli_nonempty("import trips", "-o", out, "an output file")) ||
	    (rc = bs_cli_check_output("-o", out)))
		return rc;
	if ((rc = bs_cli_operands("import trips", argv + optind, 1, "a trip log")))
		return rc;
	t = bs_tripnet_read(argv[optind], &err);
	if (!t) {
		bs_cli_error(&err);
		return bs_cli_exit(err.code ? err.code : BS_E_INPUT);
	}
	o.t = t;
	bs_cli_write_begin("%s", out);
	{
		const struct bs_cli_out outs[] = {{out, "-o", put, &o}};
		rc = bs_cli_write_files(outs, 1, &err);
	}
	if (bs_cli_write_end() && !rc) {
		bs_cli_say("interrupted while writing: %s is complete", out);
		bs_tripnet_free(t);
		return BS_EXIT_FAIL;
	}
	if (rc) {
		bs_cli_error(&err);
		bs_tripnet_free(t);
		return bs_cli_exit(rc);
	}
	bs_cli_warnings(&t->warn);
	if (!quiet)
		printf("%s: %zu stations of %ld rides in %s (ward %s, %ld docks each); warnings: %ld\n",
		       out, t->n, t->rides, argv[optind], o.ward, o.cap,
		       t->warn.count);
	bs_tripnet_free(t);
	return 0;
}
