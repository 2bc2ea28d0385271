/*
 * cmd_report.c - `bssim report [-o FILE] [--title T] [--plot PNG[=CAPTION]]...
 * DIR...`: report.html about finished runs or a sweep (see report.h).
 * The page is written to a temporary name and renamed when complete.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output/output.h"
#include "output/plotdata.h"
#include "output/report.h"
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
	"  -h, --help             this help\n";

/* Directory and file name parts of path (new strings). */
static int split_path(const char *path, char **dir, char **name)
{
	const char *s = strrchr(path, '/');

	if (s) {
		size_t l = s == path ? 1 : (size_t)(s - path);
		*dir = malloc(l + 1);
		if (*dir) {
			memcpy(*dir, path, l);
			(*dir)[l] = '\0';
		}
		*name = bs_strdup(s + 1);
	} else {
		*dir = bs_strdup(".");
		*name = bs_strdup(path);
	}
	return *dir && *name ? 0 : -1;
}

static int is_sweep_dir(const char *dir)
{
	char p[4096];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/sweep.csv", dir);
	return stat(p, &sb) == 0;
}

int bs_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"title", required_argument, NULL, 't'},
		{"plot", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct bs_report_plot *plots = calloc((size_t)argc, sizeof(*plots));
	struct bs_report_run *runs = NULL;
	struct bs_plotdata_sweep *sweep = NULL;
	json_t **docs = NULL;
	char **labels = NULL, **dirs;
	const char *outpath = NULL, *title = NULL;
	char outbuf[4096], *odir = NULL, *oname = NULL;
	struct bs_report rep;
	struct bs_staged st;
	struct bs_outdir od = {NULL, -1};
	struct bs_error err;
	size_t nplots = 0, n = 0, i;
	int ch, rc, status = BS_EXIT_OK, staged = 0, writing = 0;
	FILE *fp;

	bs_error_clear(&err);
	memset(&st, 0, sizeof(st));
	if (!plots)
		return bs_cli_nomem("report", "out of memory");
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (bs_cli_nonempty("report", "-o", optarg, "an output file")) {
				free(plots);
				return BS_EXIT_USAGE;
			}
			outpath = optarg;
			break;
		case 't':
			if (bs_cli_nonempty("report", "--title", optarg, "a title")) {
				free(plots);
				return BS_EXIT_USAGE;
			}
			title = optarg;
			break;
		case 'p': {
			char *eq = strchr(optarg, '=');
			if (!*optarg || eq == optarg) {
				free(plots);
				return bs_cli_usage("report",
						    "--plot '%s': expected PNG or PNG=CAPTION (a PNG file and its caption)",
						    optarg);
			}
			if (eq)
				*eq = '\0';
			plots[nplots].path = optarg;
			plots[nplots++].caption = eq ? eq + 1 : NULL;
			break;
		}
		case 'h':
			fputs(REPORT_HELP, stdout);
			free(plots);
			return 0;
		case ':':
			free(plots);
			return bs_cli_usage("report", "option '%s' needs a value",
					    argv[optind - 1]);
		default:
			free(plots);
			return bs_cli_usage("report",
					    "unknown option '%s'; see bssim report --help",
					    argv[optind - 1]);
		}
	}
	dirs = argv + optind;
	n = (size_t)(argc - optind);
	if (bs_cli_operands("report", dirs, (int)n, "a run's or sweep's folder")) {
		free(plots);
		return BS_EXIT_USAGE;
	}
	if (n == 0) {
		free(plots);
		return bs_cli_usage("report",
				    "missing DIR; usage: bssim report [-o FILE] DIR...");
	}
	if (n > 1 && !outpath) {
		free(plots);
		return bs_cli_usage("report",
				    "-o FILE is needed with several folders");
	}
	if (!outpath) {
		snprintf(outbuf, sizeof(outbuf), "%s/report.html", dirs[0]);
		outpath = outbuf;
	}
	if ((rc = bs_cli_check_output("-o", outpath))) {
		free(plots);
		return rc;
	}
	/* the runs are read as finished results: a commit a killed run left
	 * is finished first */
	for (i = 0; i < n; i++)
		bs_outdir_settle(dirs[i]);

	memset(&rep, 0, sizeof(rep));
	rep.title = title;
	rep.plots = plots;
	rep.nplots = nplots;
	if (n == 1 && is_sweep_dir(dirs[0])) {
		char p[4096];
		snprintf(p, sizeof(p), "%s/sweep.csv", dirs[0]);
		if (!(sweep = bs_plotdata_sweep_load(p, &err)))
			goto input_error;
		rep.sweep = sweep;
		rep.sweep_dir = dirs[0];
	} else {
		docs = calloc(n, sizeof(json_t *));
		labels = calloc(n, sizeof(char *));
		runs = calloc(n, sizeof(*runs));
		if (!docs || !labels || !runs)
			goto nomem;
		for (i = 0; i < n; i++) {
			char buf[4096];
			const char *f = bs_cli_input_file(dirs[i], "summary.json",
							  buf, sizeof(buf));
			if (!(docs[i] = bs_cli_load_summary(f, &err)))
				goto input_error;
		}
		if (bs_cli_run_labels(dirs, docs, n, labels))
			goto nomem;
		for (i = 0; i < n; i++) {
			runs[i].summary = docs[i];
			runs[i].label = labels[i];
			runs[i].dir = dirs[i];
		}
		rep.runs = runs;
		rep.nruns = n;
	}
	if (split_path(outpath, &odir, &oname))
		goto nomem;
	/* into a folder of bssim's (a run's, by default): hold its lock */
	if (bs_outdir_join(&od, odir, &err))
		goto fail;
	staged = 1;
	if (bs_staged_init(&st, odir, &err))
		goto fail;
	if (!(fp = bs_staged_open(&st, oname, &err)))
		goto fail;
	bs_test_point(BS_TP_BEFORE_WRITE);
	bs_cli_write_begin("%s", outpath);
	writing = 1;
	rc = bs_report_write(fp, &rep, &err);
	/* a write error is told by the close, with the file and the reason */
	if (rc && rc != BS_E_IO) {
		fclose(fp);
		if (rc == BS_E_INPUT)
			goto input_error;
		goto fail;
	}
	if ((rc = bs_staged_close(&st, fp, oname, &err)) ||
	    (rc = bs_staged_commit(&st, &err))) {
		if (rc == BS_E_INPUT) {
			bs_strlcpy(err.key, "-o", sizeof(err.key));
			goto input_error;
		}
		goto fail;
	}
	if (bs_cli_write_end()) {
		writing = 0;
		bs_cli_say("interrupted while writing: %s is complete", outpath);
		status = BS_EXIT_FAIL;
	}
	goto out;
nomem:
	bs_cli_nomem("report", "out of memory");
	status = BS_EXIT_FAIL;
	goto out;
input_error:
	bs_cli_error(&err);
	status = BS_EXIT_USAGE;
	goto out;
fail:
	bs_cli_error(&err);
	status = BS_EXIT_FAIL;
out:
	if (writing)
		bs_cli_write_end();
	if (staged)
		bs_staged_release(&st);
	bs_outdir_close(&od);
	for (i = 0; i < n; i++) {
		if (docs)
			json_decref(docs[i]);
		if (labels)
			free(labels[i]);
	}
	free(docs);
	free(labels);
	free(runs);
	free(plots);
	free(odir);
	free(oname);
	bs_plotdata_sweep_free(sweep);
	return status;
}
