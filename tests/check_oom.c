/*
 * check_oom.c - out of memory is never a crash and never "bad input".
 *
 * The real binary runs under setrlimit(RLIMIT_AS) at a ladder of limits
 * from 4 MB to 256 MB, on the commands that allocate the most: run of the
 * Tokyo full scenario (2 replications on 2 threads), a small sweep,
 * check, compare and import gbfs. At every limit each must exit 0, or 1
 * with "out of memory" in its message: never a signal, never exit 2.
 * Where the dynamic loader itself cannot map the libraries (below ~7 MB)
 * the run is not bssim's and is skipped. Memory use is deterministic for
 * fixed inputs, so the ladder is reproducible; no step waits on time.
 *
 * Not under the sanitizers: AddressSanitizer reserves terabytes of shadow
 * address space, so an address-space limit stops it before main.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

/* Run bssim argv under an address-space limit of mb MB; stderr into
 * *errtext (caller frees). Returns the wait status. */
static int run_limited(char *const *argv, long mb, char **errtext)
{
	char epath[4096];
	int st = 0, fd;
	pid_t pid;

	snprintf(epath, sizeof(epath), "%s/stderr", dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl;
		rl.rlim_cur = rl.rlim_max = (rlim_t)mb << 20;
		fd = open(epath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0 || setrlimit(RLIMIT_AS, &rl))
			_exit(99);
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		execv(argv[0], argv);
		_exit(98);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	*errtext = tu_slurp(epath, NULL);
	if (!*errtext)
		*errtext = strdup("");
	return st;
}

static const long LADDER[] = {4,  5,  6,  7,  8,  9,  10, 11, 12, 13,
			      14, 15, 16, 18, 20, 22, 24, 28, 32, 40,
			      48, 64, 96, 128, 192, 256};

/* args: bssim's arguments, "%" replaced by a fresh output path. */
static void ladder(const char *name, const char *const *args)
{
	size_t i, k, nargs = 0;
	int oks = 0;

	while (args[nargs])
		nargs++;
	for (i = 0; i < sizeof(LADDER) / sizeof(LADDER[0]); i++) {
		char *argv[32], out[4096], *err = NULL;
		int st;
		ck_assert_uint_lt(nargs, 30);
		snprintf(out, sizeof(out), "%s/out-%s-%ld", dir, name, LADDER[i]);
		argv[0] = (char *)tu_abspath(tu_bssim());
		for (k = 0; k < nargs; k++)
			argv[k + 1] = strcmp(args[k], "%") == 0 ? out
								: (char *)args[k];
		argv[nargs + 1] = NULL;
		st = run_limited(argv, LADDER[i], &err);
		ck_assert_msg(!WIFSIGNALED(st), "%s at %ld MB: killed by signal %d: %s",
			      name, LADDER[i], WTERMSIG(st), err);
		ck_assert(WIFEXITED(st));
		if (WEXITSTATUS(st) == 127 &&
		    (strstr(err, "error while loading shared libraries") ||
		     /* the loader's too: libxlsxwriter brings libcrypto */
		     strstr(err, "cannot allocate TLS data structures"))) {
			free(err); /* the loader's, before bssim runs */
			continue;
		}
		ck_assert_msg(WEXITSTATUS(st) == 0 ||
				      (WEXITSTATUS(st) == 1 &&
				       strstr(err, "out of memory")),
			      "%s at %ld MB: exit %d: %s", name, LADDER[i],
			      WEXITSTATUS(st), err);
		oks += WEXITSTATUS(st) == 0;
		free(err);
	}
	/* the top of the ladder is enough for every command */
	ck_assert_int_gt(oks, 0);
}

START_TEST(test_run)
{
	const char *a[] = {"run", "scenarios/tokyo4_full.json", "-o", "%", "-q",
			   "--replications", "2", "--jobs", "2", NULL};
	if (TU_UNDER_ASAN)
		return;
	ladder("run", a);
}
END_TEST

START_TEST(test_sweep)
{
	char json[1024], *path;
	const char *a[] = {"sweep", NULL, "-o", "%", "-q", "--jobs", "2", NULL};

	if (TU_UNDER_ASAN)
		return;
	snprintf(json, sizeof(json),
		 "{\"bssim_sweep\": 1, \"base\": \"%s\", \"replications\": 2,"
		 " \"set\": {\"horizon.days\": 1},"
		 " \"vary\": {\"fleet.bikes\": [2000, 2726], \"agreement.type\": [\"full\", \"isolated\"]}}",
		 tu_abspath("scenarios/tokyo4_full.json"));
	path = tu_write(dir, "sweep.json", json);
	a[1] = path;
	ladder("sweep", a);
	free(path);
}
END_TEST

START_TEST(test_check)
{
	const char *a[] = {"check", "scenarios/tokyo4_full.json", NULL};
	if (TU_UNDER_ASAN)
		return;
	ladder("check", a);
}
END_TEST

START_TEST(test_compare)
{
	const char *a[] = {"compare", "scenarios/tokyo4_isolated.json",
			   "scenarios/tokyo4_full.json", "-q", "--replications",
			   "2", "-o", "%", NULL};
	if (TU_UNDER_ASAN)
		return;
	ladder("compare", a);
}
END_TEST

START_TEST(test_import_gbfs)
{
	const char *a[] = {"import", "gbfs", "--station-information",
			   "data/raw/docomo-cycle-tokyo_station_information_20220628.json",
			   "--region-map", "1=Chiyoda,2=Chuo,3=Minato,4=Koto",
			   "--wards", "Chiyoda,Chuo,Minato,Koto", "-o", "%", NULL};
	if (TU_UNDER_ASAN)
		return;
	ladder("gbfs", a);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("oom");
	TCase *tc = tcase_create("oom");

	tcase_set_timeout(tc, 600);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_run);
	tcase_add_test(tc, test_sweep);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_compare);
	tcase_add_test(tc, test_import_gbfs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
