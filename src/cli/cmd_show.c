/*
 * cmd_show.c - `bssim show DIR...`: headline metrics of finished runs side
 * by side, read from each folder's summary.json (what `make demo` prints).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/limits.h"
#include "stats/metrics.h"
#include "output/output.h"
#include "cli.h"

static const char SHOW_HELP[] =
	"usage: bssim show DIR [DIR...]\n"
	"\n"
	"Print the whole-network metrics of one or more finished runs side by\n"
	"side: the mean over replications and the half-width of its 95%\n"
	"confidence interval (mean +- half-width). Columns are headed by the\n"
	"scenario names, or by the folders when two runs share a name.\n";

static const char *run_name(json_t *doc, const char *dir)
{
	const char *name = json_string_value(json_object_get(
		json_object_get(doc, "scenario"), "name"));
	return name ? name : dir;
}

int bs_cmd_show(int argc, char **argv)
{
	json_t **docs;
	int i, m, status = BS_EXIT_OK;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(SHOW_HELP, stdout);
		return 0;
	}
	if (argc < 2)
		return bs_cli_usage("show", "missing DIR; usage: bssim show DIR [DIR...]");
	if (bs_cli_operands("show", argv + 1, argc - 1, "a run's output folder"))
		return BS_EXIT_USAGE;
	docs = calloc((size_t)argc, sizeof(json_t *));
	if (!docs)
		return bs_cli_nomem("show", "out of memory");
	for (i = 1; i < argc; i++) {
		char path[4096];
		struct bs_error err;
		snprintf(path, sizeof(path), "%s/summary.json", argv[i]);
		bs_outdir_settle(argv[i]); /* a commit a killed run left */
		bs_error_clear(&err);
		docs[i] = bs_cli_load_summary(path, &err);
		if (!docs[i]) {
			bs_cli_error(&err);
			status = bs_cli_exit(err.code);
			goto out;
		}
	}
	/* columns are headed by the scenario names, or by the folders when
	 * two runs share a name (one scenario run with different --set) */
	{
		int same = 0, j;
		for (i = 1; i < argc; i++)
			for (j = i + 1; j < argc; j++)
				same |= !strcmp(run_name(docs[i], argv[i]),
						run_name(docs[j], argv[j]));
		printf("%-20s", "metric");
		for (i = 1; i < argc; i++) {
			const char *h = same ? argv[i] : run_name(docs[i], argv[i]);
			size_t l = strlen(h);
			/* a long heading keeps its end, where folders differ */
			if (l > 24)
				printf(" ...%21s", h + l - 21);
			else
				printf(" %24s", h);
		}
	}
	printf("\n");
	for (m = 0; m < BS_METRIC_N; m++) {
		printf("%-20s", bs_metric_names[m]);
		for (i = 1; i < argc; i++) {
			json_t *st = json_object_get(json_object_get(docs[i], "metrics"),
						     bs_metric_names[m]);
			json_t *mean = json_object_get(st, "mean");
			json_t *lo = json_object_get(st, "ci95_low");
			json_t *hi = json_object_get(st, "ci95_high");
			char cell[64];
			if (!json_is_number(mean))
				snprintf(cell, sizeof(cell), "-");
			else if (json_is_number(lo) && json_is_number(hi))
				snprintf(cell, sizeof(cell), "%.5g +- %.2g",
					 json_number_value(mean),
					 (json_number_value(hi) - json_number_value(lo)) / 2.0);
			else
				snprintf(cell, sizeof(cell), "%.5g",
					 json_number_value(mean));
			printf(" %24s", cell);
		}
		printf("\n");
	}
out:
	for (i = 1; i < argc; i++)
		json_decref(docs[i]);
	free(docs);
	return status;
}

int bs_cmd_keys(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("usage: bssim keys\n\n"
		      "Print every scenario key as a Markdown table: path, type and\n"
		      "range, default, the condition under which it applies, and\n"
		      "meaning (the table of docs/scenario-keys.md).\n",
		      stdout);
		return 0;
	}
	if (argc > 1)
		return bs_cli_usage("keys", "takes no arguments");
	bs_scenario_keys_markdown(stdout);
	return 0;
}

int bs_cmd_limits(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("usage: bssim limits\n\n"
		      "Print every size and range limit bssim enforces on its inputs as\n"
		      "a Markdown table: what, where it is given, the bound, why (the\n"
		      "table of docs/robustness.md). Each is refused with exit status 2\n"
		      "before anything it would size is allocated.\n",
		      stdout);
		return 0;
	}
	if (argc > 1)
		return bs_cli_usage("limits", "takes no arguments");
	bs_limits_write(stdout);
	return 0;
}
