/*
 * testutil.c - see testutil.h.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "testutil.h"

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
