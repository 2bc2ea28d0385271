/*
 * reportjob.c - writing report.html (bs_report in bssim.h): reading the
 * runs side by side (or the one sweep), naming them, and writing the page
 * into its file all or nothing, holding the lock of a folder bssim wrote.
 * The page itself is report.c's.
 */
#include "output/report.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/common.h"
#include "base/opts.h"
#include "output/output.h"

void bs_report_opts_init_size(struct bs_report_opts *o, size_t size)
{
	struct bs_report_opts d = {.size = sizeof(d)};

	bs_opts_init(o, size, &d, sizeof(d));
}

void (bs_report_opts_init)(struct bs_report_opts *o)
{
	bs_report_opts_init_size(o, sizeof(*o));
}

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

/* The page into the file path, all or nothing. */
static int write_page(const struct bs_report *rep, const char *path,
		      const struct bs_monitor *m, struct bs_error *err)
{
	struct bs_outdir od = {NULL, -1};
	struct bs_staged st;
	char *odir = NULL, *oname = NULL;
	FILE *fp;
	int rc, staged = 0;

	memset(&st, 0, sizeof(st));
	if (split_path(path, &odir, &oname)) {
		rc = BS_E_NOMEM;
		bs_error_set(err, rc, NULL, 0, 0, NULL, "out of memory");
		goto out;
	}
	/* into a folder of bssim's (a run's, by default): hold its lock; a
	 * folder that cannot be made or written is a failure to write (1),
	 * not bad input */
	if ((rc = bs_outdir_join(&od, odir, err)))
		goto cannot;
	staged = 1;
	if ((rc = bs_staged_init(&st, odir, err)))
		goto cannot;
	if (!(fp = bs_staged_open(&st, oname, err))) {
		rc = err && err->code ? err->code : BS_E_IO;
		goto cannot;
	}
	bs_test_point(BS_TP_BEFORE_WRITE);
	if (m && m->writing)
		m->writing(m->ud, path, 1);
	rc = bs_report_write(fp, rep, err);
	/* a write error is told by the close, with the file and the reason */
	if (rc && rc != BS_E_IO) {
		fclose(fp);
	} else if ((rc = bs_staged_close(&st, fp, oname, err)) ||
		   (rc = bs_staged_commit(&st, err))) {
		if (rc == BS_E_INPUT && err)
			bs_strlcpy(err->key, "-o", sizeof(err->key));
	}
	if (m && m->writing)
		m->writing(m->ud, path, 0);
	goto out;
cannot:
	if (rc == BS_E_INPUT)
		rc = BS_E_IO;
out:
	if (staged)
		bs_staged_release(&st);
	bs_outdir_close(&od);
	free(odir);
	free(oname);
	return rc;
}

int bs_report(const char *const *dirs, size_t n, const struct bs_report_opts *o,
	      struct bs_error *err)
{
	struct bs_report_opts ro;
	struct bs_report_plot *plots = NULL;
	struct bs_report_run *runs = NULL;
	struct bs_plotdata_sweep *sweep = NULL;
	struct bs_report rep;
	json_t **docs = NULL;
	char **labels = NULL, outbuf[4096];
	const char *outpath;
	size_t i;
	int rc;

	assert(dirs && n > 0);
	bs_report_opts_init(&ro);
	if (o)
		memcpy(&ro, o, o->size < sizeof(ro) ? o->size : sizeof(ro));
	if (n > 1 && !ro.output) {
		bs_error_set(err, BS_E_INPUT, NULL, 0, 0, "-o",
			     "a file is needed with several folders");
		return BS_E_INPUT;
	}
	if (!(outpath = ro.output)) {
		snprintf(outbuf, sizeof(outbuf), "%s/report.html", dirs[0]);
		outpath = outbuf;
	}
	if ((rc = bs_output_check_target(outpath, "-o", err)))
		return rc;
	/* the runs are read as finished results: a commit a killed run left
	 * is finished first */
	for (i = 0; i < n; i++)
		bs_outdir_settle(dirs[i]);
	memset(&rep, 0, sizeof(rep));
	rep.title = ro.title;
	if (ro.nplots) {
		if (!(plots = calloc(ro.nplots, sizeof(*plots))))
			goto nomem;
		for (i = 0; i < ro.nplots; i++) {
			plots[i].path = ro.plots[i];
			plots[i].caption = ro.captions ? ro.captions[i] : NULL;
		}
	}
	rep.plots = plots;
	rep.nplots = ro.nplots;
	if (n == 1 && is_sweep_dir(dirs[0])) {
		char p[4096];
		snprintf(p, sizeof(p), "%s/sweep.csv", dirs[0]);
		if (!(sweep = bs_plotdata_sweep_load(p, err))) {
			rc = err && err->code ? err->code : BS_E_INPUT;
			goto out;
		}
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
			const char *f = bs_output_input_file(dirs[i], "summary.json",
							     buf, sizeof(buf));
			if (!(docs[i] = bs_output_load_summary(f, err))) {
				rc = err && err->code ? err->code : BS_E_INPUT;
				goto out;
			}
		}
		if (bs_output_run_labels((char *const *)dirs, docs, n, labels))
			goto nomem;
		for (i = 0; i < n; i++) {
			runs[i].summary = docs[i];
			runs[i].label = labels[i];
			runs[i].dir = dirs[i];
		}
		rep.runs = runs;
		rep.nruns = n;
	}
	rc = write_page(&rep, outpath, ro.monitor, err);
	goto out;
nomem:
	rc = BS_E_NOMEM;
	bs_error_set(err, rc, NULL, 0, 0, NULL, "out of memory");
out:
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
	bs_plotdata_sweep_free(sweep);
	return rc;
}
