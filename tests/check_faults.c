/*
 * check_faults.c - the fault corpus, end to end through the bssim
 * executable: outputs never harm what is not theirs, and every failure
 * says what failed.
 *
 *  - every writer against a full disk: BSSIM_TEST_FAIL_WRITE=N fails the
 *    N-th write, for N = 1, 2, ... until the command succeeds; each
 *    failure must exit 1 naming the file and the system's reason, leave
 *    the previous results byte for byte and no temporary; the success
 *    must give the same bytes as a run without faults;
 *  - single-file outputs and the files of a result set that are not
 *    regular files (a device node, a FIFO, a symbolic link, a folder) are
 *    refused with exit 2, never replaced;
 *  - one writer per folder (the second waits on nothing: it is refused
 *    while the first stands stopped at a test point); a run killed
 *    between two renames of its commit leaves a folder that the next
 *    reader or writer completes; a run into a sweep's folder is refused;
 *    temporaries planted under predictable names are not followed;
 *  - a full or closed standard output is an error.
 *
 * No test here waits on the clock: processes stop themselves at test
 * points (BSSIM_TEST_STOP_AT) and the test acts on that.
 */
#define _DEFAULT_SOURCE /* mknod, makedev */
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
	/* a few milliseconds a run: the loops below run hundreds */
	tu_write_small_base(dir);
	free(tu_write(dir, "sweep.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 2,\n"
		      "  \"vary\": { \"fleet.bikes\": [10, 20] } }\n"));
	free(tu_write(dir, "other.json",
		      "{ \"bssim_sweep\": 1, \"base\": \"base.json\", \"replications\": 2,\n"
		      "  \"vary\": { \"fleet.bikes\": [11, 12, 13] } }\n"));
	free(tu_write(dir, "victim", "not bssim's\n"));
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

static int bs(const char *fmt, char **out, char **err, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 4)))
#endif
	;

/* Variables for the next bs() ("NAME=VALUE ..."), or "". */
static char bs_env[64];

/* bssim with printf-style arguments, run in dir. */
static int bs(const char *fmt, char **out, char **err, ...)
{
	char args[4096], cmd[4600];
	va_list ap;

	va_start(ap, err);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s %s %s", dir, bs_env,
		 tu_abspath(tu_bssim()), args);
	bs_env[0] = '\0';
	return tu_run(cmd, out, err);
}

/* dir/sub (4 buffers in rotation). */
static const char *at(const char *sub)
{
	static char buf[4][1200];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, sub);
	return buf[k];
}

static char *slurp(const char *sub)
{
	return tu_slurp(at(sub), NULL);
}

/* A file as it is to be compared: JSON without its "run" member (the
 * machine and the moment), anything else byte for byte. */
static char *comparable(const char *sub)
{
	size_t l = strlen(sub);
	json_t *doc;
	char *s;

	if (l < 5 || strcmp(sub + l - 5, ".json"))
		return slurp(sub);
	if (!(doc = json_load_file(at(sub), 0, NULL)))
		return NULL;
	json_object_del(doc, "run");
	s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	return s;
}

/* ---- every writer against a full disk ------------------------------------ */

struct writer {
	const char *name;
	/* the command that writes the previous results (%s: the output) */
	const char *prev;
	/* the command under test (%s: the output) */
	const char *cmd;
	/* the output: a folder holding files[], or (files[0] == NULL) a file */
	int folder;
	const char *files[8];
};

/* tmpl with every "%s" replaced by val, into out. */
static void subst(char *out, size_t sz, const char *tmpl, const char *val)
{
	size_t o = 0, l = strlen(val);

	for (; *tmpl && o + 1 < sz; tmpl++) {
		if (tmpl[0] == '%' && tmpl[1] == 's' && o + l < sz) {
			memcpy(out + o, val, l);
			o += l;
			tmpl++;
		} else {
			out[o++] = *tmpl;
		}
	}
	out[o] = '\0';
}

/* The output's files, relative to dir: into paths[], their count. */
static int outputs(const struct writer *w, const char *out, char paths[][300])
{
	int n = 0;

	if (!w->folder) {
		snprintf(paths[n++], 300, "%s", out);
		return n;
	}
	for (; w->files[n]; n++)
		snprintf(paths[n], 300, "%s/%s", out, w->files[n]);
	return n;
}

/* The folder the output's temporaries would be in. */
static const char *temp_dir(const struct writer *w, const char *out)
{
	static char d[1200];

	snprintf(d, sizeof(d), "%s/%s", dir, out);
	if (!w->folder)
		*strrchr(d, '/') = '\0';
	return d;
}

static void fail_every_write(const struct writer *w)
{
	char paths[8][300], refp[8][300], cmd[2048], *before[8], *msg, *ref;
	char out[64], refout[64];
	int n, i, N, st;

	/* the expected bytes: the command without faults, elsewhere */
	if (w->folder) {
		snprintf(out, sizeof(out), "w-%s", w->name);
		snprintf(refout, sizeof(refout), "ref-%s", w->name);
	} else {
		snprintf(out, sizeof(out), "w-%s", w->name);
		ck_assert_int_eq(mkdir(at(out), 0777), 0);
		snprintf(out, sizeof(out), "w-%s/o.csv", w->name);
		snprintf(refout, sizeof(refout), "ref-%s", w->name);
		ck_assert_int_eq(mkdir(at(refout), 0777), 0);
		snprintf(refout, sizeof(refout), "ref-%s/o.csv", w->name);
	}
	subst(cmd, sizeof(cmd), w->cmd, refout);
	ck_assert_msg(bs("%s", NULL, &msg, cmd) == 0, "%s: %s", w->name, msg);
	free(msg);
	/* the previous results, kept to compare */
	subst(cmd, sizeof(cmd), w->prev, out);
	ck_assert_msg(bs("%s", NULL, &msg, cmd) == 0, "%s: prev: %s", w->name, msg);
	free(msg);
	n = outputs(w, out, paths);
	outputs(w, refout, refp);
	for (i = 0; i < n; i++) {
		before[i] = slurp(paths[i]);
		ck_assert_msg(before[i] != NULL, "%s: no previous %s", w->name, paths[i]);
	}
	for (N = 1;; N++) {
		ck_assert_msg(N < 1000, "%s: still failing after %d writes", w->name, N);
		subst(cmd, sizeof(cmd), w->cmd, out);
		snprintf(bs_env, sizeof(bs_env), "BSSIM_TEST_FAIL_WRITE=%d", N);
		st = bs("%s", NULL, &msg, cmd);
		if (st == 0)
			break;
		ck_assert_msg(st == 1, "%s: write %d failed: exit %d, expected 1: %s",
			      w->name, N, st, msg);
		ck_assert_msg(strstr(msg, "No space left on device") != NULL,
			      "%s: write %d failed: no reason in: %s", w->name, N, msg);
		ck_assert_msg(strstr(msg, w->folder ? out : "w-") != NULL,
			      "%s: write %d failed: no file named in: %s", w->name, N, msg);
		free(msg);
		for (i = 0; i < n; i++) {
			char *now = slurp(paths[i]);
			ck_assert_msg(now && strcmp(now, before[i]) == 0,
				      "%s: write %d failed and %s changed", w->name, N,
				      paths[i]);
			free(now);
		}
		ck_assert_msg(tu_temporaries(temp_dir(w, out)) == 0,
			      "%s: write %d failed and left temporaries", w->name, N);
	}
	free(msg);
	/* the writer was made to fail at every one of its writes, and each
	 * time it said so; now it succeeded: the same bytes as without
	 * faults */
	ck_assert_msg(N > 1, "%s: no write was counted", w->name);
	for (i = 0; i < n; i++) {
		char *now = comparable(paths[i]);
		ref = comparable(refp[i]);
		ck_assert_msg(now && ref && strcmp(now, ref) == 0,
			      "%s: %s differs from a run without faults", w->name,
			      paths[i]);
		free(now);
		free(ref);
		free(before[i]);
	}
	ck_assert_int_eq(tu_temporaries(temp_dir(w, out)), 0);
}

#define RUN_FILES                                                             \
	{"summary.json", "replications.csv", "stations.csv", "timeseries.csv", \
	 "flows.csv", "trips.csv", "stations.geojson", NULL}
#define SWEEP_FILES {"sweep.csv", "sweep_replications.csv", "sweep.json", NULL}

static const struct writer writers[] = {
	{"run",
	 "run base.json -o %s -q --seed 9 --set output.trips=true --geojson",
	 "run base.json -o %s -q --set output.trips=true --geojson", 1, RUN_FILES},
	/* another sweep into the folder: --fresh (issue 16: refused without) */
	{"sweep", "sweep other.json -o %s -q", "sweep sweep.json -o %s -q --fresh", 1,
	 SWEEP_FILES},
	{"merge", "merge o1 o2 -o %s -q", "merge s1 s2 -o %s -q", 1, SWEEP_FILES},
	{"compare", "compare A.json B.json -o %s -q --seed 9",
	 "compare A.json B.json -o %s -q", 1, {"compare.csv", NULL}},
	{"report", "report -o %s r9", "report -o %s r4", 0, {NULL}},
	{"importtrips", "import trips @trips -o %s -q --capacity 9",
	 "import trips @trips -o %s -q", 0, {NULL}},
	{"calstatus", "calibrate status @status --stations sst.csv -o %s -q --truck-jump 3",
	 "calibrate status @status --stations sst.csv -o %s -q", 0, {NULL}},
};

/* Inputs of the writers above, made once per test. */
static void writer_inputs(void)
{
	char *err = NULL;

	ck_assert_int_eq(bs("sweep sweep.json -o s1 -q --shard 1/2", NULL, NULL), 0);
	ck_assert_int_eq(bs("sweep sweep.json -o s2 -q --shard 2/2", NULL, NULL), 0);
	ck_assert_int_eq(bs("sweep other.json -o o1 -q --shard 1/2", NULL, NULL), 0);
	ck_assert_int_eq(bs("sweep other.json -o o2 -q --shard 2/2", NULL, NULL), 0);
	ck_assert_int_eq(bs("check base.json --json > A.json", NULL, NULL), 0);
	ck_assert_int_eq(bs("check base.json --set fleet.bikes=20 --json > B.json",
			    NULL, NULL), 0);
	ck_assert_int_eq(bs("run base.json -o r4 -q", NULL, NULL), 0);
	ck_assert_int_eq(bs("run base.json -o r9 -q --seed 9", NULL, &err), 0);
	free(err);
	free(tu_write(dir, "sst.csv",
		      "station_id,name,ward,lat,lon,capacity\n"
		      "s1,S1,W,35.7,139.7,20\ns2,S2,W,35.71,139.7,20\ns3,S3,W,35.72,139.7,20\n"));
}

/* "@trips" and "@status" in a command: the fixtures. */
static struct writer with_fixtures(const struct writer *w, char *bufs)
{
	struct writer x = *w;
	const char *from[] = {"@trips", "@status"};
	const char *to[] = {tu_abspath(tu_fixture("trips_small.csv")),
			    tu_abspath(tu_fixture("status_small.csv"))};
	char *b[2] = {bufs, bufs + 2048};
	const char **s[2] = {&x.prev, &x.cmd};
	int k, f;

	for (k = 0; k < 2; k++) {
		char tmp[2048];
		bs_strlcpy(b[k], *s[k], 2048);
		for (f = 0; f < 2; f++) {
			char *p = strstr(b[k], from[f]);
			if (!p)
				continue;
			snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(p - b[k]), b[k],
				 to[f], p + strlen(from[f]));
			bs_strlcpy(b[k], tmp, 2048);
		}
		*s[k] = b[k];
	}
	return x;
}

START_TEST(test_fail_every_write)
{
	char bufs[4096];
	struct writer w;

	writer_inputs();
	w = with_fixtures(&writers[_i], bufs);
	fail_every_write(&w);
}
END_TEST

/* Writers of several single files (import gbfs -o and --stock-output,
 * calibrate trips -o, --od, --profile): all of them or none. */
START_TEST(test_fail_every_write_multi)
{
	char cmd[4096], outs[300], *before[3], *msg, names[3][64];
	int k, N, i, n, st;

	for (k = 0; k < 2; k++) {
		const char *o[3];
		n = k == 0 ? 2 : 3;
		snprintf(names[0], 64, "m%d/a.csv", k);
		snprintf(names[1], 64, "m%d/b.csv", k);
		snprintf(names[2], 64, "m%d/c.csv", k);
		for (i = 0; i < 3; i++)
			o[i] = names[i];
		if (k == 0)
			snprintf(outs, sizeof(outs), "-o %s --stock-output %s", o[0], o[1]);
		else
			snprintf(outs, sizeof(outs), "-o %s --od %s --profile %s", o[0],
				 o[1], o[2]);
		mkdir(at(k == 0 ? "m0" : "m1"), 0777);
		for (i = 0; i < n; i++)
			free(tu_write(dir, names[i], "previous\n"));
		if (k == 0) {
			char a[1024], b[1024];
			bs_strlcpy(a, tu_abspath(tu_fixture("gbfs/station_information.json")), sizeof(a));
			bs_strlcpy(b, tu_abspath(tu_fixture("gbfs/system_regions.json")), sizeof(b));
			snprintf(cmd, sizeof(cmd),
				 "import gbfs --station-information %s --system-regions %s"
				 " --station-status %s %s -q",
				 a, b, tu_abspath(tu_fixture("gbfs/station_status.json")), outs);
		} else {
			ck_assert_int_eq(bs("import trips %s -o st.csv -q",
					    NULL, NULL,
					    tu_abspath(tu_fixture("trips_small.csv"))), 0);
			snprintf(cmd, sizeof(cmd), "calibrate trips %s --stations st.csv %s -q",
				 tu_abspath(tu_fixture("trips_small.csv")), outs);
		}
		for (N = 1;; N++) {
			ck_assert_int_lt(N, 100);
			snprintf(bs_env, sizeof(bs_env), "BSSIM_TEST_FAIL_WRITE=%d", N);
			st = bs("%s", NULL, &msg, cmd);
			if (st == 0)
				break;
			ck_assert_msg(st == 1 && strstr(msg, "No space left on device") &&
					      strstr(msg, "m"),
				      "write %d: exit %d: %s", N, st, msg);
			free(msg);
			for (i = 0; i < n; i++) {
				before[i] = slurp(names[i]);
				ck_assert_msg(before[i] && !strcmp(before[i], "previous\n"),
					      "write %d failed and %s changed", N,
					      names[i]);
				free(before[i]);
			}
			ck_assert_int_eq(tu_temporaries(at(k == 0 ? "m0" : "m1")), 0);
		}
		free(msg);
		ck_assert_int_ge(N, n + 1);
		for (i = 0; i < n; i++) {
			before[i] = slurp(names[i]);
			ck_assert_str_ne(before[i], "previous\n");
			free(before[i]);
		}
	}
}
END_TEST

/* ---- targets that are not regular files ---------------------------------- */

enum { T_FIFO, T_LINK, T_FOLDER, T_DEVICE, T_N };
static const char *const target_kind[T_N] = {
	"is a FIFO (named pipe), not a regular file",
	"is a symbolic link, not a regular file",
	"is a folder, not a regular file",
	"is a character device, not a regular file"};

/* Make dir/sub a target of kind k; 0, or -1 when it cannot be made here
 * (a device node needs root). */
static int make_target(const char *sub, int k)
{
	const char *p = at(sub);

	switch (k) {
	case T_FIFO:
		return mkfifo(p, 0666);
	case T_LINK:
		return symlink(at("victim"), p);
	case T_FOLDER:
		return mkdir(p, 0777);
	default:
		/* the null device's numbers: harmless if written */
		return tu_root() ? mknod(p, S_IFCHR | 0666, makedev(1, 3)) : -1;
	}
}


/* The target as made, still: its kind and the victim unchanged. */
static void target_intact(const char *sub, int k)
{
	struct stat sb;
	char *v = slurp("victim");

	ck_assert_int_eq(lstat(at(sub), &sb), 0);
	ck_assert(k != T_FIFO || S_ISFIFO(sb.st_mode));
	ck_assert(k != T_LINK || S_ISLNK(sb.st_mode));
	ck_assert(k != T_FOLDER || S_ISDIR(sb.st_mode));
	ck_assert(k != T_DEVICE || S_ISCHR(sb.st_mode));
	ck_assert_str_eq(v, "not bssim's\n");
	free(v);
}

static void remove_target(const char *sub, int k)
{
	ck_assert_int_eq(k == T_FOLDER ? rmdir(at(sub)) : unlink(at(sub)), 0);
}

/* Every single-file output refuses a target that is not a regular file,
 * with exit 2, naming the file and the option, before reading anything. */
START_TEST(test_single_file_targets)
{
	static const struct {
		const char *cmd, *opt; /* %s: the target */
	} w[] = {
		{"import trips @trips -o %s", "-o"},
		{"import gbfs --station-information @info -o %s", "-o"},
		{"import gbfs --station-information @info --station-status @stat"
		 " --stock-output %s -o ok.csv", "--stock-output"},
		{"calibrate trips @trips --stations six.csv -o %s", "-o"},
		{"calibrate trips @trips --stations six.csv -o ok.csv --od %s", "--od"},
		{"calibrate trips @trips --stations six.csv -o ok.csv --profile %s",
		 "--profile"},
		{"calibrate status @status --stations six.csv -o %s", "-o"},
		{"report r -o %s", "-o"},
	};
	static const char *const from[] = {"@trips", "@info", "@stat",
					   "@status", "six.csv"};
	static const char *const fixture[] = {
		"trips_small.csv", "gbfs/station_information.json",
		"gbfs/station_status.json", "status_small.csv", "six.csv"};
	char to[5][1024], cmd[4096], want[600], *err;
	size_t i, f;
	int k, skipped = 0;

	/* copied: tu_abspath's buffers rotate */
	for (f = 0; f < 5; f++)
		bs_strlcpy(to[f], tu_abspath(tu_fixture(fixture[f])), sizeof(to[f]));
	ck_assert_int_eq(bs("run base.json -o r -q", NULL, NULL), 0);
	for (k = 0; k < T_N; k++) {
		if (make_target("t", k)) {
			ck_assert_int_eq(k, T_DEVICE);
			skipped = 1;
			continue;
		}
		for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
			char line[2048];
			subst(line, sizeof(line), w[i].cmd, "t");
			for (f = 0; f < 5; f++) {
				char *p = strstr(line, from[f]), tmp[2048];
				if (!p)
					continue;
				snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(p - line),
					 line, to[f], p + strlen(from[f]));
				bs_strlcpy(line, tmp, sizeof(line));
			}
			bs_strlcpy(cmd, line, sizeof(cmd));
			ck_assert_msg(bs("%s", NULL, &err, cmd) == 2, "%s: %s", cmd, err);
			snprintf(want, sizeof(want), "bssim: t: %s: %s; bssim replaces only regular files: remove it or choose another output\n",
				 w[i].opt, target_kind[k]);
			ck_assert_msg(strcmp(err, want) == 0, "%s:\n got:  %s want: %s",
				      cmd, err, want);
			free(err);
			target_intact("t", k);
			ck_assert(!tu_exists(at("ok.csv")));
		}
		remove_target("t", k);
	}
	if (skipped)
		printf("SKIP: device nodes as outputs: not root (mknod needs it); FIFOs, links and folders were checked\n");
}
END_TEST

/* The message (freed here) of a run refused for r/flows.csv of kind k,
 * the target as it was, the previous results as before. */
static void refused_in_run(char *err, int k, const char *before)
{
	char want[800], *now;

	snprintf(want, sizeof(want), "bssim: r/flows.csv: %s; bssim replaces only regular files: remove it or choose another output\n",
		 target_kind[k]);
	ck_assert_str_eq(err, want);
	free(err);
	target_intact("r/flows.csv", k);
	now = slurp("r/replications.csv");
	ck_assert_str_eq(now, before);
	free(now);
}

/* A result set's file that is not a regular file: refused before the run
 * (exit 2, nothing written), and at the commit when it appears during the
 * run (planted while the run stands at "before-write"): nothing of the
 * new set is renamed, the old set stays, no temporary is left. */
START_TEST(test_result_set_targets)
{
	char errp[1200], *err, *before;
	pid_t pid;
	int k, skipped = 0;

	for (k = 0; k < T_N; k++) {
		ck_assert_int_eq(bs("run base.json -o r -q --seed 9", NULL, NULL), 0);
		before = slurp("r/replications.csv");
		ck_assert_int_eq(unlink(at("r/flows.csv")), 0);
		if (make_target("r/flows.csv", k)) {
			skipped = 1;
			free(before);
			continue;
		}
		ck_assert_int_eq(bs("run base.json -o r -q", NULL, &err), 2);
		refused_in_run(err, k, before);
		remove_target("r/flows.csv", k);
		/* appearing while the run runs: refused at the commit */
		snprintf(errp, sizeof(errp), "%s/stderr", dir);
		pid = tu_start(&(struct tu_spawn){.cwd = dir, .stop_at = "before-write",
						  .err = errp},
			       "run", "base.json", "-o", "r", "-q", NULL);
		tu_wait_stopped(pid);
		ck_assert_int_eq(make_target("r/flows.csv", k), 0);
		tu_continue(pid);
		ck_assert_int_eq(tu_wait_exit(pid), 2);
		refused_in_run(tu_slurp(errp, NULL), k, before);
		free(before);
		ck_assert_int_eq(tu_temporaries(at("r")), 0);
		remove_target("r/flows.csv", k);
		ck_assert_int_eq(bs("run base.json -o r -q", NULL, NULL), 0);
	}
	/* a sweep's task log */
	ck_assert_int_eq(symlink(at("victim"), at("s-log")), 0);
	ck_assert_int_eq(mkdir(at("s"), 0777), 0);
	ck_assert_int_eq(rename(at("s-log"), at("s/sweep_tasks.jsonl")), 0);
	ck_assert_int_eq(bs("sweep sweep.json -o s -q --force", NULL, &err), 2);
	ck_assert_str_eq(err, "bssim: s/sweep_tasks.jsonl: is a symbolic link, not a regular file; bssim replaces only regular files: remove it or choose another output\n");
	free(err);
	target_intact("s/sweep_tasks.jsonl", T_LINK);
	if (skipped)
		printf("SKIP: device nodes in a run's folder: not root (mknod needs it)\n");
}
END_TEST

/* The files of two run folders are the same (summary.json without its
 * "run"), and the second has no trips.csv unless the first has. */
static void same_run(const char *a, const char *b)
{
	static const char *const names[] = {"summary.json", "replications.csv",
					    "stations.csv", "timeseries.csv",
					    "flows.csv", "trips.csv"};
	char pa[300], pb[300], *x, *y;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(pa, sizeof(pa), "%s/%s", a, names[i]);
		snprintf(pb, sizeof(pb), "%s/%s", b, names[i]);
		x = comparable(pa);
		y = comparable(pb);
		ck_assert_msg((!x && !y) || (x && y && !strcmp(x, y)),
			      "%s differs between %s and %s", names[i], a, b);
		free(x);
		free(y);
	}
}

/* Temporaries planted under the names an earlier bssim would have used
 * (".NAME.tmp.PID", planted for the run's own process id while it stands
 * at "before-write") are neither written through nor followed. */
START_TEST(test_planted_temporaries)
{
	static const char *const names[] = {"summary.json", "replications.csv",
					    "stations.csv", "timeseries.csv",
					    "flows.csv", "trips.1", "trips.csv"};
	char p[1400], *a;
	size_t i;
	pid_t pid;

	ck_assert_int_eq(bs("run base.json -o ref -q --set output.trips=true", NULL, NULL), 0);
	ck_assert_int_eq(mkdir(at("r"), 0777), 0);
	pid = tu_start(&(struct tu_spawn){.cwd = dir, .stop_at = "locked"},
		       "run", "base.json", "-o", "r", "-q", "--set",
		       "output.trips=true", NULL);
	tu_wait_stopped(pid);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/r/.%s.tmp.%ld", dir, names[i], (long)pid);
		ck_assert_int_eq(symlink(at("victim"), p), 0);
	}
	tu_continue(pid);
	ck_assert_int_eq(tu_wait_exit(pid), 0);
	a = slurp("victim");
	ck_assert_str_eq(a, "not bssim's\n");
	free(a);
	same_run("ref", "r");
}
END_TEST

/* ---- one writer per folder, commits that survive a kill ------------------- */

/* While a run holds its folder (stopped once it has claimed it), every
 * other writer into that folder is refused at once with exit 1 - another
 * run, a sweep or comparison forced there, a report - and plots.sh too;
 * the first then finishes alone: its folder holds its run only. */
START_TEST(test_one_writer_per_folder)
{
	static const char *const others[] = {
		"run base.json -o r -q --seed 9",
		"sweep sweep.json -o r -q --force",
		"compare A.json B.json -o r -q --force",
		"report -o r/report.html r",
		"import trips @trips -o r/stations.csv -q",
	};
	char *err, cmd[2048];
	size_t i;
	pid_t pid;

	ck_assert_int_eq(bs("check base.json --json > A.json", NULL, NULL), 0);
	ck_assert_int_eq(bs("check base.json --set fleet.bikes=20 --json > B.json",
			    NULL, NULL), 0);
	ck_assert_int_eq(bs("run base.json -o ref -q", NULL, NULL), 0);
	ck_assert_int_eq(bs("run base.json -o r -q --seed 7", NULL, NULL), 0);
	pid = tu_start(&(struct tu_spawn){.cwd = dir, .stop_at = "locked"},
		       "run", "base.json", "-o", "r", "-q", NULL);
	tu_wait_stopped(pid);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		char *p;
		bs_strlcpy(cmd, others[i], sizeof(cmd));
		if ((p = strstr(cmd, "@trips"))) {
			char tmp[2048];
			snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(p - cmd), cmd,
				 tu_abspath(tu_fixture("trips_small.csv")), p + 6);
			bs_strlcpy(cmd, tmp, sizeof(cmd));
		}
		ck_assert_msg(bs("%s", NULL, &err, cmd) == 1, "%s: %s", cmd, err);
		ck_assert_msg(strstr(err, "bssim: r: another bssim is writing to this folder; wait for it or choose another output folder\n") != NULL,
			      "%s: %s", cmd, err);
		free(err);
	}
	if (tu_run("command -v gnuplot >/dev/null && command -v flock >/dev/null",
		   NULL, NULL) == 0) {
		snprintf(cmd, sizeof(cmd), "cd '%s' && BSSIM='%s' '%s/plots/plots.sh' r",
			 dir, tu_abspath(tu_bssim()), tu_abspath("."));
		ck_assert_int_eq(tu_run(cmd, NULL, &err), 1);
		ck_assert_ptr_nonnull(strstr(err, "plots.sh: another bssim is writing to r; wait for it or choose another output folder"));
		free(err);
	} else {
		printf("SKIP: plots.sh and a busy folder: gnuplot or flock missing\n");
	}
	tu_continue(pid);
	ck_assert_int_eq(tu_wait_exit(pid), 0);
	/* the folder holds that run, whole, and nothing of the others */
	same_run("ref", "r");
	ck_assert(!tu_exists(at("r/sweep.csv")));
	ck_assert(!tu_exists(at("r/compare.csv")));
	ck_assert(!tu_exists(at("r/report.html")));
	ck_assert_int_eq(tu_temporaries(at("r")), 0);
}
END_TEST

/* SIGKILL between two renames of the commit: the folder is left half old,
 * half new, with the journal; the next reader (bssim show) rolls it
 * forward to the whole new set (trips.csv of the old run removed), and a
 * new run into it works and leaves no temporary. SIGKILL before the
 * journal: the old set stays whole; the dead run's temporaries go with
 * the next writer. */
START_TEST(test_kill_during_commit)
{
	char *err;
	pid_t pid;

	ck_assert_int_eq(bs("run base.json -o new -q", NULL, NULL), 0);
	ck_assert_int_eq(bs("run base.json -o old -q --seed 9 --set output.trips=true", NULL, NULL), 0);
	ck_assert_int_eq(bs("run base.json -o r -q --seed 9 --set output.trips=true", NULL, NULL), 0);
	pid = tu_start(&(struct tu_spawn){.cwd = dir, .stop_at = "commit-rename:2"},
		       "run", "base.json", "-o", "r", "-q", NULL);
	tu_wait_stopped(pid);
	kill(pid, SIGKILL);
	ck_assert_int_eq(tu_wait_exit(pid), 128 + SIGKILL);
	ck_assert(tu_exists(at("r/.bssim-commit")));
	ck_assert(tu_exists(at("r/trips.csv")));
	ck_assert_int_gt(tu_temporaries(at("r")), 0);
	ck_assert_int_eq(bs("show r", NULL, &err), 0);
	free(err);
	ck_assert(!tu_exists(at("r/.bssim-commit")));
	ck_assert_int_eq(tu_temporaries(at("r")), 0);
	same_run("new", "r");

	/* killed with the temporaries written, before the journal */
	pid = tu_start(&(struct tu_spawn){.cwd = dir, .stop_at = "temps-written"},
		       "run", "base.json", "-o", "r", "-q", "--seed", "9", "--set",
		       "output.trips=true", NULL);
	tu_wait_stopped(pid);
	kill(pid, SIGKILL);
	ck_assert_int_eq(tu_wait_exit(pid), 128 + SIGKILL);
	ck_assert_int_gt(tu_temporaries(at("r")), 0);
	same_run("new", "r");
	ck_assert_int_eq(bs("run base.json -o r -q --seed 9 --set output.trips=true", NULL, NULL), 0);
	ck_assert_int_eq(tu_temporaries(at("r")), 0);
	same_run("old", "r");
}
END_TEST

/* A folder's kind: run into a sweep's folder (and the reverse, and a
 * comparison into a run's) is refused with exit 2, nothing written,
 * unless --force. */
START_TEST(test_folder_kinds)
{
	char *err, *a, *b;

	ck_assert_int_eq(bs("sweep sweep.json -o s -q", NULL, NULL), 0);
	a = slurp("s/sweep.csv");
	ck_assert_int_eq(bs("run base.json -o s -q", NULL, &err), 2);
	ck_assert_str_eq(err, "bssim: s: holds a sweep's results (bssim sweep or merge); expected a new or empty folder, or a run's folder: choose another -o, or pass --force to write there anyway\n");
	free(err);
	ck_assert(!tu_exists(at("s/summary.json")));
	ck_assert_int_eq(bs("run base.json -o r -q", NULL, NULL), 0);
	ck_assert_int_eq(bs("sweep sweep.json -o r -q", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "r: holds a run's results (bssim run); expected a new or empty folder, or a sweep's folder"));
	free(err);
	ck_assert(!tu_exists(at("r/sweep_tasks.jsonl")));
	ck_assert_int_eq(bs("merge s -o r -q", NULL, &err), 2);
	free(err);
	ck_assert_int_eq(bs("check base.json --json > A.json", NULL, NULL), 0);
	ck_assert_int_eq(bs("compare A.json A.json -o r -q", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "expected a new or empty folder, or a comparison's folder"));
	free(err);
	/* a sweep resumed, or a merge into a sweep's folder: the same kind */
	ck_assert_int_eq(bs("sweep sweep.json -o s -q --resume", NULL, NULL), 0);
	ck_assert_int_eq(bs("merge s -o s -q", NULL, NULL), 0);
	b = slurp("s/sweep.csv");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	ck_assert_int_eq(bs("run base.json -o s -q --force", NULL, NULL), 0);
	ck_assert(tu_exists(at("s/summary.json")));
}
END_TEST

/* Issue 16: a run into the folder of another scenario needs --force
 * (also a folder of an earlier bssim, whose marker names none: the name
 * in its summary.json tells); --set into one's own folder does not. */
START_TEST(test_folder_scenarios)
{
	char *err, *mk;

	ck_assert_int_eq(bs("run base.json -o r -q", NULL, NULL), 0);
	mk = slurp("r/.bssim");
	ck_assert_ptr_nonnull(strstr(mk, "\nkind: run\nname: small\n"));
	free(mk);
	ck_assert_int_eq(bs("run base.json -o r -q --set fleet.bikes=12", NULL, NULL), 0);
	ck_assert_int_eq(bs("run base.json -o r -q --set name=other", NULL, &err), 2);
	ck_assert_str_eq(err, "bssim: r: holds the results of scenario 'small'; expected a new or empty folder, or one of scenario 'other': choose another -o, or pass --force to replace them\n");
	free(err);
	ck_assert_int_eq(bs("run base.json -o r -q --set name=other --force", NULL, NULL), 0);
	mk = slurp("r/.bssim");
	ck_assert_ptr_nonnull(strstr(mk, "\nname: other\n"));
	free(mk);
	ck_assert_int_eq(bs("run base.json -o r -q --set name=other", NULL, NULL), 0);
	/* a marker of an earlier bssim: no name line */
	free(tu_write(dir, "r/.bssim", "This folder holds bssim's results; running bssim into it again replaces them.\nkind: run\n"));
	ck_assert_int_eq(bs("run base.json -o r -q", NULL, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "r: holds the results of scenario 'other'"));
	free(err);
	ck_assert_int_eq(bs("run base.json -o r -q --set name=other", NULL, NULL), 0);
}
END_TEST

/* Issue 16: the plots and report of the previous result never sit beside
 * a new one: those plots.sh listed in .bssim-plots, and the fixed names
 * of folders plotted before the list; nothing else is removed. */
START_TEST(test_stale_plots_removed)
{
	static const char *const drawn[] = {"docked.png", "report.html",
					    "small-trend.png", ".bssim-plots"};
	size_t i;

	ck_assert_int_eq(bs("run base.json -o r -q", NULL, NULL), 0);
	free(tu_write(dir, "r/docked.png", "png"));
	free(tu_write(dir, "r/report.html", "html"));
	free(tu_write(dir, "r/small-trend.png", "png"));
	free(tu_write(dir, "r/.bssim-plots", "small-trend.png\nnotes.txt\n../victim\n"));
	free(tu_write(dir, "r/notes.txt", "mine"));
	free(tu_write(dir, "r/mine.png", "mine"));
	ck_assert_int_eq(bs("run base.json -o r -q", NULL, NULL), 0);
	for (i = 0; i < sizeof(drawn) / sizeof(drawn[0]); i++) {
		char sub[64];
		snprintf(sub, sizeof(sub), "r/%s", drawn[i]);
		ck_assert_msg(!tu_exists(at(sub)), "%s was left beside the new result", drawn[i]);
	}
	ck_assert(tu_exists(at("r/notes.txt")));
	ck_assert(tu_exists(at("r/mine.png")));
	ck_assert(tu_exists(at("victim")));
	ck_assert(tu_exists(at("r/summary.json")));
	/* a sweep's plots as well */
	ck_assert_int_eq(bs("sweep sweep.json -o s -q", NULL, NULL), 0);
	free(tu_write(dir, "s/service_level.png", "png"));
	free(tu_write(dir, "s/.bssim-plots", "service_level.png\nreport.html\n"));
	ck_assert_int_eq(bs("sweep sweep.json -o s -q --fresh", NULL, NULL), 0);
	ck_assert(!tu_exists(at("s/service_level.png")));
	ck_assert(!tu_exists(at("s/.bssim-plots")));
}
END_TEST

/* ---- standard output ------------------------------------------------------- */

/* Writing to a full or closed standard output is an error (exit 1, a
 * message), not a truncated success: `make keys-doc` on a full disk must
 * fail. */
START_TEST(test_stdout_errors)
{
	static const char *const cmds[] = {"keys", "check base.json",
					   "check base.json --json", "show r",
					   "--help", "--version", "run --help",
					   "sweep --help", "plotdata matrix r"};
	char *err;
	size_t i;

	ck_assert_int_eq(bs("run base.json -o r -q", NULL, NULL), 0);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		ck_assert_msg(bs("%s >/dev/full", NULL, &err, cmds[i]) == 1,
			      "%s >/dev/full: %s", cmds[i], err);
		ck_assert_msg(strstr(err, "bssim: cannot write to standard output: No space left on device\n") != NULL,
			      "%s: %s", cmds[i], err);
		free(err);
		ck_assert_msg(bs("%s >&-", NULL, &err, cmds[i]) == 1,
			      "%s >&-: %s", cmds[i], err);
		ck_assert_msg(strstr(err, "bssim: cannot write to standard output: Bad file descriptor\n") != NULL,
			      "%s: %s", cmds[i], err);
		free(err);
	}
	/* a closed stdout is not given to an output file: the run's files
	 * are whole and its headline is reported as not written */
	ck_assert_int_eq(bs("run base.json -o r2 >&-", NULL, &err), 1);
	free(err);
	same_run("r", "r2");
}
END_TEST

/* ---- messages are one line -------------------------------------------------- */

/* Control characters in what a message prints (here a file name with a
 * newline and a terminal escape) are escaped: one line, no escape. */
START_TEST(test_messages_one_line)
{
	char *err;

	ck_assert_int_eq(bs("run \"$(printf 'no\\nsuch\\033[31m.json')\" -o r", NULL, &err), 2);
	ck_assert_uint_eq(tu_lines(err), 1);
	ck_assert_ptr_null(strchr(err, '\033'));
	ck_assert_ptr_nonnull(strstr(err, "no\\nsuch\\x1b[31m.json"));
	free(err);
	ck_assert_int_eq(bs("run base.json --set \"$(printf 'a\\tb\\nc=1')\" -o r", NULL, &err), 2);
	ck_assert_uint_eq(tu_lines(err), 1);
	ck_assert_ptr_nonnull(strstr(err, "a\\tb\\nc"));
	free(err);
	ck_assert_int_eq(bs("import trips %s -o \"$(printf 'x\\n/')\"", NULL, &err,
			    tu_abspath(tu_fixture("trips_small.csv"))), 2);
	ck_assert_uint_eq(tu_lines(err), 1);
	free(err);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("faults"), *tw = tcase_create("full disk");

	/* hang detectors only (tests/run.sh): nothing here waits on time */
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_single_file_targets);
	tcase_add_test(tc, test_result_set_targets);
	tcase_add_test(tc, test_planted_temporaries);
	tcase_add_test(tc, test_one_writer_per_folder);
	tcase_add_test(tc, test_kill_during_commit);
	tcase_add_test(tc, test_folder_kinds);
	tcase_add_test(tc, test_folder_scenarios);
	tcase_add_test(tc, test_stale_plots_removed);
	tcase_add_test(tc, test_stdout_errors);
	tcase_add_test(tc, test_messages_one_line);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tw, 120);
	tcase_add_checked_fixture(tw, setup, teardown);
	tcase_add_loop_test(tw, test_fail_every_write, 0,
			    (int)(sizeof(writers) / sizeof(writers[0])));
	tcase_add_test(tw, test_fail_every_write_multi);
	suite_add_tcase(s, tw);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
