/*
 * cmd_show.c - `bssim show DIR...`: headline metrics of finished runs side
 * by side, read from each folder's summary.json (what `make demo` prints).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char SHOW_HELP[] =
	"usage: bssim show DIR [DIR...]\n"
	"\n"
	"Print the whole-network metrics of one or more finished runs side by\n"
	"side: the mean over replications and the half-width of its 95%\n"
	"confidence interval (mean ± half-width; counts and yen rounded to\n"
	"the interval's second digit, shares to 3 significant digits: the files\n"
	"keep every digit). Columns are headed by the scenario names, or by the\n"
	"folders when two runs share a name.\n";

static const char *run_name(const bs_result *r, const char *dir)
{
	const char *name = bs_result_name(r);

	return name ? name : dir;
}

int bs_cmd_show(int argc, char **argv)
{
	bs_result **res;
	int i, status = BS_EXIT_OK;
	size_t m;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(SHOW_HELP, stdout);
		return 0;
	}
	if (argc < 2)
		return bs_cli_usage("show", "missing DIR; usage: bssim show DIR [DIR...]");
	if (bs_cli_operands("show", argv + 1, argc - 1, "a run's output folder"))
		return BS_EXIT_USAGE;
	if (!(res = calloc((size_t)argc, sizeof(*res))))
		return bs_cli_nomem("show", "out of memory");
	for (i = 1; i < argc; i++) {
		struct bs_error err;
		bs_error_clear(&err);
		if (!(res[i] = bs_result_open(argv[i], &err))) {
			status = bs_cli_fail(&err, 0);
			goto out;
		}
	}
	/* columns are headed by the scenario names, or by the folders when
	 * two runs share a name (one scenario run with different --set) */
	{
		int same = 0, j;
		for (i = 1; i < argc; i++)
			for (j = i + 1; j < argc; j++)
				same |= !strcmp(run_name(res[i], argv[i]),
						run_name(res[j], argv[j]));
		printf("%-20s", "metric");
		for (i = 1; i < argc; i++) {
			const char *h = same ? argv[i] : run_name(res[i], argv[i]);
			size_t l = strlen(h);
			/* a long heading keeps its end, where folders differ */
			if (l > 24)
				printf(" ...%21s", h + l - 21);
			else
				printf(" %24s", h);
		}
	}
	printf("\n");
	for (m = 0; m < bs_metric_count(); m++) {
		const char *name = bs_metric_name(bs_cli_metric_at(m));
		printf("%-20s", name);
		for (i = 1; i < argc; i++) {
			struct bs_stat st;
			char cell[64];
			if (bs_result_metric(res[i], NULL, name, &st,
					     NULL) ||
			    isnan(st.mean))
				snprintf(cell, sizeof(cell), "-");
			else
				bs_fmt_human(st.mean, (st.ci_hi - st.ci_lo) / 2.0,
					     bs_metric_is_share(name) ? BS_FMT_SHARE : 0,
					     cell, sizeof(cell));
			fputc(' ', stdout);
			bs_fmt_pad(stdout, cell, 24);
		}
		printf("\n");
	}
out:
	for (i = 1; i < argc; i++)
		bs_result_free(res[i]);
	free(res);
	return status;
}

/* Print a text the library made (a table, a schema); out of memory when
 * it could not. */
static int print_text(const char *cmd, char *text)
{
	if (!text)
		return bs_cli_nomem(cmd, "out of memory");
	fputs(text, stdout);
	bs_free(text);
	return 0;
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
	return print_text("keys", bs_keys_markdown());
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
	return print_text("limits", bs_limits_markdown());
}

int bs_cmd_schema(int argc, char **argv)
{
	char *text;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("usage: bssim schema\n\n"
		      "Print the JSON Schema (draft 2020-12) of scenario and sweep files,\n"
		      "made from the key table: every key with its type, range, default\n"
		      "and meaning (docs/bssim.schema.json). Editors that read JSON\n"
		      "Schema (VS Code's JSON support, for one) then check and complete\n"
		      "scenario files as they are typed; bssim's own checks stay the\n"
		      "reference, with messages that locate every problem.\n",
		      stdout);
		return 0;
	}
	if (argc > 1)
		return bs_cli_usage("schema", "takes no arguments");
	if (!(text = bs_schema_json()))
		return bs_cli_nomem("schema", "out of memory");
	printf("%s\n", text);
	bs_free(text);
	return 0;
}
