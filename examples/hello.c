/*
 * hello.c - the smallest program on libbssim: load a scenario, run two
 * replications of it, and print each ward's service level (the share of
 * trips requested that were completed) with its 95% confidence interval.
 *
 *   cc hello.c $(pkg-config --cflags --libs bssim) -o hello
 *   ./hello scenarios/tokyo4_isolated.json
 *
 * It includes nothing of bssim but bssim.h, and exits with the status
 * bssim's own command line would give (bs_exit_status): 0, 1 when the
 * run failed, 2 on bad input. Errors print as bssim prints them, one
 * line naming the file, line:column or row, and the key.
 */
#include <stdio.h>

#include <bssim.h>

/* The error as one line on stderr; the exit status for its code. */
static int fail(const struct bs_error *err)
{
	char line[2048], esc[4096];

	bs_escape(bs_error_format(err, line, sizeof(line)), esc, sizeof(esc));
	fprintf(stderr, "hello: %s\n", esc);
	return bs_exit_status(err->code ? err->code : BS_E_INPUT);
}

int main(int argc, char **argv)
{
	/* two replications, whatever the file says */
	const struct bs_set two = {"replications", "2"};
	struct bs_run_opts opts;
	struct bs_error err;
	struct bs_stat st;
	bs_scenario *sc;
	bs_result *res;
	size_t w;
	int status = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: hello SCENARIO.json\n");
		return 2;
	}
	bs_init();
	bs_error_clear(&err);
	if (!(sc = bs_scenario_load(argv[1], &two, 1, &err)))
		return fail(&err);
	bs_run_opts_init(&opts); /* sets opts.size: the ABI rule */
	opts.jobs = 2;
	if (!(res = bs_run(sc, &opts, &err))) {
		status = fail(&err);
		bs_scenario_free(sc);
		return status;
	}
	printf("%s: %u replications\n", bs_result_name(res),
	       bs_result_replications(res));
	for (w = 0; w < bs_result_nwards(res); w++) {
		const char *ward = bs_result_ward(res, w);
		if (bs_result_metric(res, ward, "service_level", &st, &err)) {
			status = fail(&err);
			break;
		}
		printf("%-10s service_level %.6f  95%% CI [%.6f, %.6f]\n", ward,
		       st.mean, st.ci_lo, st.ci_hi);
	}
	bs_result_free(res);
	bs_scenario_free(sc);
	return status;
}
