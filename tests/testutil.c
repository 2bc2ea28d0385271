/*
 * testutil.c - see testbase.h (it uses nothing but bssim.h).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "testbase.h"

#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *tu_tmpdir(void)
{
	char tmpl[] = "/tmp/bssim-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

void tu_rmrf(const char *dir)
{
	char cmd[1200];

	if (!dir || strncmp(dir, "/tmp/bssim-test-", 16) != 0)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
}

char *tu_write(const char *dir, const char *name, const char *content)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	FILE *fp;

	snprintf(p, n, "%s/%s", dir, name);
	fp = fopen(p, "wb");
	ck_assert_msg(fp != NULL, "cannot write %s", p);
	fwrite(content, 1, strlen(content), fp);
	fclose(fp);
	return p;
}

char *tu_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}

int tu_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

const char *tu_bssim(void)
{
	const char *b = getenv("BSSIM");

	return b && *b ? b : "build/bssim";
}

int tu_run(const char *cmd, char **out, char **err)
{
	char *d = tu_tmpdir(), full[8192], po[256], pe[256];
	int st;

	snprintf(po, sizeof(po), "%s/out", d);
	snprintf(pe, sizeof(pe), "%s/err", d);
	snprintf(full, sizeof(full), "(%s) >'%s' 2>'%s' </dev/null", cmd, po, pe);
	st = system(full);
	if (out)
		*out = tu_slurp(po, NULL);
	if (err)
		*err = tu_slurp(pe, NULL);
	tu_rmrf(d);
	free(d);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

void tu_write_small_base(const char *dir)
{
	char base[2048];

	snprintf(base, sizeof(base),
		 "{\"bssim\": 1, \"name\": \"small\", \"seed\": 4, \"replications\": 2,\n"
		 " \"horizon\": {\"days\": 2, \"warmup_days\": 1},\n"
		 " \"network\": {\"stations\": \"%s\"}, \"fleet\": {\"bikes\": 14},\n"
		 " \"demand\": {\"model\": \"gravity\", \"trips_per_day\": 300}}\n",
		 tu_abspath(tu_fixture("six.csv")));
	free(tu_write(dir, "base.json", base));
}

struct bs_scenario *tu_scenario(const char *dir, const char *json,
				struct bs_error *err)
{
	char *p = tu_write(dir, "scenario.json", json);
	struct bs_scenario *sc = bs_scenario_load(p, NULL, 0, err);

	free(p);
	return sc;
}

static char **paths;
static size_t npaths, cap_paths;

const char *tu_path(const char *dir, const char *name)
{
	char buf[4096];

	if (dir)
		snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	else
		snprintf(buf, sizeof(buf), "%s", tu_abspath(name));
	if (npaths == cap_paths) {
		cap_paths = cap_paths ? 2 * cap_paths : 32;
		paths = realloc(paths, cap_paths * sizeof(char *));
		ck_assert_ptr_nonnull(paths);
	}
	paths[npaths] = strdup(buf);
	ck_assert_ptr_nonnull(paths[npaths]);
	return paths[npaths++];
}

void tu_paths_free(void)
{
	while (npaths)
		free(paths[--npaths]);
	free(paths);
	paths = NULL;
	cap_paths = 0;
}

const char *tu_fixture(const char *name)
{
	static char buf[4][512];
	static int k;
	const char *root = getenv("BSSIM_TESTS");

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/fixtures/%s",
		 root && *root ? root : "tests", name);
	return buf[k];
}

int tu_cli(const char *cwd, char **out, char **err, const char *fmt, ...)
{
	char args[8192], cmd[12288];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s", cwd ? cwd : ".",
		 tu_abspath(tu_bssim()), args);
	return tu_run(cmd, out, err);
}

/* Where the JSON value at s ends (just past it): strings skipped with
 * their escapes, brackets counted. Cost: linear in the value. */
static char *json_value_end(char *s)
{
	int depth = 0, in_str = 0;

	for (; *s; s++) {
		if (in_str) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				in_str = 0;
		} else if (*s == '"') {
			in_str = 1;
		} else if (*s == '{' || *s == '[') {
			depth++;
		} else if (*s == '}' || *s == ']') {
			if (--depth == 0)
				return s + 1;
		}
	}
	return s;
}

char *tu_strip_run(char *s)
{
	/* bssim indents by 2: the top level's members start lines with
	 * exactly two spaces */
	char *p = strstr(s, "\n  \"run\": {"), *e;

	if (!p)
		return s;
	e = json_value_end(strchr(p, '{'));
	if (p > s && p[-1] == ',')
		p--; /* the comma before it goes with it */
	else if (*e == ',')
		e++;
	memmove(p, e, strlen(e) + 1);
	return s;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir but skip, sorted, into names (at most 64): n. */
static int list_folder(const char *dir, const char *const *skip,
		       char **names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, i, skipped;

	ck_assert_msg(d != NULL, "cannot read the folder %s", dir);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		for (skipped = 0, i = 0; skip && skip[i]; i++)
			skipped |= !strcmp(skip[i], e->d_name);
		if (skipped)
			continue;
		ck_assert_int_lt(n, 64);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(char *), by_name);
	return n;
}

void tu_same_folders(const char *a, const char *b, const char *const *skip)
{
	char *na[64], *nb[64], pa[4096], pb[4096], *ta, *tb;
	int n = list_folder(a, skip, na), m = list_folder(b, skip, nb), i;
	size_t la, lb;

	for (i = 0; i < n && i < m; i++)
		ck_assert_msg(!strcmp(na[i], nb[i]), "%s holds %s where %s holds %s",
			      a, na[i], b, nb[i]);
	ck_assert_msg(n == m, "%s holds %d entries, %s %d", a, n, b, m);
	for (i = 0; i < n; i++) {
		snprintf(pa, sizeof(pa), "%s/%s", a, na[i]);
		snprintf(pb, sizeof(pb), "%s/%s", b, nb[i]);
		ta = tu_slurp(pa, &la);
		tb = tu_slurp(pb, &lb);
		ck_assert_msg(ta && tb, "cannot read %s or %s", pa, pb);
		if (!strcmp(na[i], "summary.json") || !strcmp(na[i], "sweep.json")) {
			tu_strip_run(ta);
			tu_strip_run(tb);
			la = strlen(ta);
			lb = strlen(tb);
		}
		ck_assert_msg(la == lb && !memcmp(ta, tb, la),
			      "%s and %s differ", pa, pb);
		free(ta);
		free(tb);
		free(na[i]);
		free(nb[i]);
	}
}

size_t tu_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

int tu_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

const char *tu_abspath(const char *path)
{
	static char buf[4][4096];
	static int k;

	k = (k + 1) % 4;
	ck_assert_msg(realpath(path, buf[k]) != NULL, "no such file: %s", path);
	return buf[k];
}

/* ---- driven processes ------------------------------------------------------ */

static pid_t spawned[64];
static int nspawned;

static void kill_spawned(void)
{
	int i;

	for (i = 0; i < nspawned; i++)
		if (spawned[i] > 0) {
			kill(spawned[i], SIGKILL);
			waitpid(spawned[i], NULL, 0);
		}
	nspawned = 0;
}

static void forget(pid_t pid)
{
	int i;

	for (i = 0; i < nspawned; i++)
		if (spawned[i] == pid)
			spawned[i] = 0;
}

pid_t tu_start(const struct tu_spawn *o, ...)
{
	const char *argv[64];
	char exe[4096];
	va_list ap;
	int n = 0;
	pid_t pid;

	snprintf(exe, sizeof(exe), "%s", tu_abspath(tu_bssim()));
	argv[n++] = "bssim";
	va_start(ap, o);
	while (n < 63 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (nspawned == 0)
		atexit(kill_spawned);
	ck_assert_int_lt(nspawned, 64);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unsetenv("BSSIM_TEST_STOP_AT");
		unsetenv("BSSIM_TEST_FAIL_WRITE");
		if ((o->stop_at && setenv("BSSIM_TEST_STOP_AT", o->stop_at, 1)) ||
		    (o->fail_write &&
		     setenv("BSSIM_TEST_FAIL_WRITE", o->fail_write, 1)) ||
		    (o->cwd && chdir(o->cwd)) ||
		    !freopen(o->out ? o->out : "/dev/null", "w", stdout) ||
		    !freopen(o->err ? o->err : "/dev/null", "w", stderr) ||
		    !freopen("/dev/null", "r", stdin))
			_exit(126);
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	spawned[nspawned++] = pid;
	return pid;
}

void tu_wait_stopped(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, WUNTRACED), pid);
	if (!WIFSTOPPED(st))
		forget(pid);
	ck_assert_msg(WIFSTOPPED(st),
		      "bssim ended (status 0x%x) instead of stopping at its test point",
		      st);
}

void tu_continue(pid_t pid)
{
	ck_assert_int_eq(kill(pid, SIGCONT), 0);
}

int tu_wait_exit(pid_t pid)
{
	int st;

	for (;;) {
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
	}
	forget(pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int tu_signal_and_wait(pid_t pid, int sig)
{
	ck_assert_int_eq(kill(pid, sig), 0);
	tu_continue(pid);
	return tu_wait_exit(pid);
}

int tu_temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] == '.' && strstr(e->d_name, ".tmp.") != NULL;
	closedir(d);
	return n;
}

int tu_root(void)
{
	return geteuid() == 0;
}

char *tu_no_cjk_fontconfig(const char *dir)
{
	char conf[4096], *font = NULL, *slash;

	if (tu_run("fc-match -f '%{file}' 'DejaVu Sans'", &font, NULL) != 0 ||
	    !font || !(slash = strrchr(font, '/'))) {
		free(font);
		return NULL;
	}
	*slash = '\0';
	snprintf(conf, sizeof(conf),
		 "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n"
		 "<fontconfig><dir>%s</dir><cachedir>%s/fc-cache</cachedir></fontconfig>\n",
		 font, dir);
	free(font);
	return tu_write(dir, "no-cjk-fonts.conf", conf);
}
