/*
 * check_layout.c - the shape of the code and of what is installed,
 * checked against the code itself (docs/architecture.md):
 *   - scripts/layers.py --check: layers one way, no include cycle, file
 *     and function sizes;
 *   - the front ends (src/cli, src/mpi) include bssim.h and their own
 *     headers only, never a library header, whatever the include style;
 *   - libbssim.so exports exactly the functions bssim.h declares BS_API;
 *   - the committed layer diagram (docs/img/layers.dot), the JSON Schema
 *     (docs/bssim.schema.json) and the man page (docs/bssim.1) are those
 *     of the code: regenerate with `make keys-doc`, or write the man page
 *     entry for a new option.
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- helpers --------------------------------------------------------------- */

static const char *build_dir(void)
{
	const char *b = getenv("BUILD");

	return b && *b ? b : "build";
}

/* Does the sorted, NULL-free list a[0..n) hold s? (linear: lists are
 * of a hundred names) */
static int has(char **a, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i], s) == 0)
			return 1;
	return 0;
}

static void free_list(char **a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

/* Split text into lines (the array owns copies). */
static char **lines_of(const char *text, size_t *n)
{
	size_t cap = tu_lines(text) + 1, k = 0;
	char **a = calloc(cap, sizeof(*a));
	const char *p = text;

	ck_assert_ptr_nonnull(a);
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len) {
			ck_assert_uint_lt(k, cap);
			a[k] = strndup(p, len);
			ck_assert_ptr_nonnull(a[k]);
			k++;
		}
		p += len + (e != NULL);
	}
	*n = k;
	return a;
}

/* ---- layers ---------------------------------------------------------------- */

START_TEST(test_layers_check)
{
	char *out = NULL, *err = NULL;
	int st = tu_run("python3 scripts/layers.py --check", &out, &err);

	ck_assert_msg(st == 0, "scripts/layers.py --check (exit %d): %s%s", st,
		      out ? out : "", err ? err : "");
	free(out);
	free(err);
}
END_TEST

/* Every #include of a file of src/cli or src/mpi: "bssim.h", a header
 * of the same folder, or a system header in angle brackets that is not
 * one of the library's folders (e.g. <base/str.h> through -Isrc). */
static void check_front_end(const char *folder)
{
	static const char *const lib[] = {"base/", "engine/", "model/", "stats/",
					  "input/", "output/", "calib/", "exp/",
					  "api/", "io/", "bssim/", "cli/", "mpi/"};
	char dirpath[256], path[512];
	DIR *d;
	struct dirent *e;
	int files = 0;

	snprintf(dirpath, sizeof(dirpath), "src/%s", folder);
	d = opendir(dirpath);
	ck_assert_msg(d != NULL, "cannot open %s", dirpath);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name), n;
		char *text, **ln;

		if (len < 3 || (strcmp(e->d_name + len - 2, ".c") &&
				strcmp(e->d_name + len - 2, ".h")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirpath, e->d_name);
		ck_assert_ptr_nonnull(text = tu_slurp(path, NULL));
		files++;
		ln = lines_of(text, &n);
		for (size_t i = 0; i < n; i++) {
			const char *p = ln[i];
			char name[256];

			while (isspace((unsigned char)*p))
				p++;
			if (*p != '#')
				continue;
			p++;
			while (isspace((unsigned char)*p))
				p++;
			if (strncmp(p, "include", 7))
				continue;
			p += 7;
			while (isspace((unsigned char)*p))
				p++;
			ck_assert_msg(*p == '"' || *p == '<', "%s: include that is not \"...\" or <...>: %s",
				      path, ln[i]);
			{
				const char *q = strchr(p + 1, *p == '"' ? '"' : '>');

				ck_assert_msg(q && q - p - 1 < (long)sizeof(name), "%s: %s", path, ln[i]);
				memcpy(name, p + 1, (size_t)(q - p - 1));
				name[q - p - 1] = '\0';
			}
			if (*p == '"') {
				char own[512];

				snprintf(own, sizeof(own), "%s/%s", dirpath, name);
				ck_assert_msg(strcmp(name, "bssim.h") == 0 ||
						      (!strchr(name, '/') && tu_exists(own)),
					      "%s includes \"%s\": the front ends use bssim.h only", path,
					      name);
			} else {
				for (size_t k = 0; k < sizeof(lib) / sizeof(lib[0]); k++)
					ck_assert_msg(strncmp(name, lib[k], strlen(lib[k])),
						      "%s includes <%s>: the front ends use bssim.h only",
						      path, name);
			}
		}
		free_list(ln, n);
		free(text);
	}
	closedir(d);
	ck_assert_int_gt(files, 0);
}

START_TEST(test_front_ends_use_bssim_h_only)
{
	check_front_end("cli");
	check_front_end("mpi");
}
END_TEST

/* The functions include/bssim.h declares BS_API: the identifier before
 * the first '(' after each BS_API. */
static char **api_names(size_t *n)
{
	char *h = tu_slurp("include/bssim.h", NULL), *p;
	size_t cap = 512, k = 0;
	char **a = calloc(cap, sizeof(*a));

	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(a);
	p = h;
	while ((p = strstr(p, "\nBS_API "))) {
		char *paren = strchr(p, '('), *end = paren, *start;

		ck_assert_ptr_nonnull(paren);
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		start = end;
		while (start > p && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
			start--;
		ck_assert_uint_lt(k, cap);
		a[k++] = strndup(start, (size_t)(end - start));
		p = paren;
	}
	free(h);
	*n = k;
	return a;
}

START_TEST(test_exports_are_the_api)
{
	char cmd[1024], *out = NULL, **exp, **api;
	size_t nexp, napi;

	snprintf(cmd, sizeof(cmd),
		 "nm -D --defined-only '%s/libbssim.so' | awk '$2 == \"T\" {print $3}'",
		 build_dir());
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	exp = lines_of(out, &nexp);
	api = api_names(&napi);
	ck_assert_uint_gt(napi, 50);
	for (size_t i = 0; i < napi; i++)
		ck_assert_msg(has(exp, nexp, api[i]),
			      "bssim.h declares %s, libbssim.so does not export it (is its .c including bssim.h?)",
			      api[i]);
	for (size_t i = 0; i < nexp; i++)
		ck_assert_msg(has(api, napi, exp[i]),
			      "libbssim.so exports %s, which bssim.h does not declare BS_API",
			      exp[i]);
	ck_assert_uint_eq(nexp, napi);
	free_list(exp, nexp);
	free_list(api, napi);
	free(out);
}
END_TEST

/* ---- generated documents ----------------------------------------------------- */

/* The output of cmd equals the file path, byte for byte. */
static void same_as_file(const char *cmd, const char *path, const char *how)
{
	char *out = NULL, *doc = tu_slurp(path, NULL);

	ck_assert_msg(doc != NULL, "%s is missing", path);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(strcmp(out, doc) == 0, "%s is stale: %s", path, how);
	free(out);
	free(doc);
}

START_TEST(test_layer_diagram_current)
{
	same_as_file("python3 scripts/layers.py --dot", "docs/img/layers.dot",
		     "regenerate it with `make keys-doc`");
}
END_TEST

START_TEST(test_schema_file_current)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "'%s' schema", tu_bssim());
	same_as_file(cmd, "docs/bssim.schema.json", "regenerate it with `make keys-doc`");
}
END_TEST

/* Every command of `bssim --help` and every long option its own --help
 * names is in docs/bssim.1 (as the man page writes them: \-\-name). */
START_TEST(test_man_page_covers_the_help)
{
	static const char *const cmds[] = {
		"run", "check", "sweep", "merge", "compare", "optimize", "show", "keys", "limits",
		"schema", "import gbfs", "import trips", "calibrate status",
		"calibrate trips", "report", "plotdata"};
	char *man = tu_slurp("docs/bssim.1", NULL);
	int options = 0;

	ck_assert_ptr_nonnull(man);
	for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		char cmd[512], ss[128], *out = NULL;
		const char *p;

		snprintf(ss, sizeof(ss), "\n.SS %s", cmds[c]);
		ck_assert_msg(strstr(man, ss), "docs/bssim.1 has no section for bssim %s", cmds[c]);
		snprintf(cmd, sizeof(cmd), "'%s' %s --help", tu_bssim(), cmds[c]);
		ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
		for (p = out; (p = strstr(p, "--")); ) {
			char opt[64] = "\\-\\-";
			size_t k = 4;

			p += 2;
			if (!islower((unsigned char)*p))
				continue;
			while ((islower((unsigned char)*p) || *p == '-') && k + 3 < sizeof(opt)) {
				if (*p == '-') {
					opt[k++] = '\\';
				}
				opt[k++] = *p++;
			}
			opt[k] = '\0';
			ck_assert_msg(strstr(man, opt), "docs/bssim.1 does not describe %s of bssim %s",
				      opt, cmds[c]);
			options++;
		}
		free(out);
	}
	ck_assert_int_gt(options, 40);
	free(man);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("layout");

	tcase_add_test(tc, test_layers_check);
	tcase_add_test(tc, test_front_ends_use_bssim_h_only);
	tcase_add_test(tc, test_exports_are_the_api);
	tcase_add_test(tc, test_layer_diagram_current);
	tcase_add_test(tc, test_schema_file_current);
	tcase_add_test(tc, test_man_page_covers_the_help);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
