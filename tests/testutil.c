/*
 * testutil.c - see testutil.h.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "testutil.h"

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

	bs_strlcpy(exe, tu_abspath(tu_bssim()), sizeof(exe));
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
