/*
 * cmd_report.c - `bssim report [-o FILE] [--title T] [--plot PNG[=CAPTION]]...
 * DIR...`: report.html about finished runs or a sweep (see report.h).
 * The page is written to a temporary name and renamed when complete.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char REPORT_HELP[] =
	"usage: bssim report [options] DIR...\n"
	"\n"
	"Write one self-contained HTML page (images embedded, no network\n"
	"needed) about finished runs side by side, or about a sweep: the\n"
	"scenario, the headline metrics with their 95% confidence intervals,\n"
	"the settlement and flow matrices, and the plots given with --plot.\n"
	"Each DIR is a run's output folder (summary.json), or one sweep's\n"
	"folder (sweep.csv). `make plots` draws the plots and calls this.\n"
	"\n"
	"options:\n"
	"  -o, --output FILE      the page (default: DIR/report.html with one\n"
	"                         DIR; needed with several)\n"
	"      --title TEXT       page title (default: from the runs' names)\n"
	"      --plot PNG[=TEXT]  embed a PNG image with a caption (repeatable,\n"
	"                         in order)\n"
	"  -h, --help             this help\n"
	"\n"
	"A run that was interrupted is flagged under the page's heading.\n"
	"\n"
	"exit status: 0 success, 1 cannot write, 2 bad usage or a folder that\n"
	"holds no finished run or sweep.\n";

int bs_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"title", required_argument, NULL, 't'},
		{"plot", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char **plots = calloc((size_t)argc + 1, sizeof(char *));
	const char **captions = calloc((size_t)argc + 1, sizeof(char *));
	struct bs_report_opts ro;
	struct bs_monitor mon;
	struct bs_cli_watch watch;
	struct bs_error err;
	size_t nplots = 0, n;
	int ch, rc, status = BS_EXIT_OK;
	char **dirs;

	bs_error_clear(&err);
	bs_report_opts_init(&ro);
	if (!plots || !captions) {
		status = bs_cli_nomem("report", "out of memory");
		goto out;
	}
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if ((status = bs_cli_nonempty("report", "-o", optarg,
						      "an output file")))
				goto out;
			ro.output = optarg;
			break;
		case 't':
			if ((status = bs_cli_nonempty("report", "--title", optarg,
						      "a title")))
				goto out;
			ro.title = optarg;
			break;
		case 'p': {
			char *eq = strchr(optarg, '=');
			if (!*optarg || eq == optarg) {
				status = bs_cli_usage("report",
						      "--plot '%s': expected PNG or PNG=CAPTION (a PNG file and its caption)",
						      optarg);
				goto out;
			}
			if (eq)
				*eq = '\0';
			plots[nplots] = optarg;
			captions[nplots++] = eq ? eq + 1 : NULL;
			break;
		}
		case 'h':
			fputs(REPORT_HELP, stdout);
			goto out;
		case ':':
		default:
			status = bs_cli_bad_option("report", "report", ch, argv);
			goto out;
		}
	}
	dirs = argv + optind;
	n = (size_t)(argc - optind);
	if ((status = bs_cli_operands("report", dirs, (int)n,
				      "a run's or sweep's folder")))
		goto out;
	if (n == 0) {
		status = bs_cli_usage("report",
				      "missing DIR; usage: bssim report [-o FILE] DIR...");
		goto out;
	}
	if (n > 1 && !ro.output) {
		status = bs_cli_usage("report",
				      "-o FILE is needed with several folders");
		goto out;
	}
	ro.plots = plots;
	ro.captions = captions;
	ro.nplots = nplots;
	bs_cli_monitor(&mon, &watch, "report", 1);
	ro.monitor = &mon;
	if ((rc = bs_report((const char *const *)dirs, n, &ro, &err))) {
		status = bs_cli_fail(&err, rc);
		goto out;
	}
	if (bs_cli_interrupted()) {
		if (ro.output)
			bs_cli_say("interrupted while writing: %s is complete",
				   ro.output);
		else
			bs_cli_say("interrupted while writing: %s/report.html is complete",
				   dirs[0]);
		status = BS_EXIT_FAIL;
	}
out:
	free(plots);
	free(captions);
	return status;
}
