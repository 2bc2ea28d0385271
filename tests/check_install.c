/*
 * check_install.c - `make install` into a fresh prefix, then use the
 * installed tree as a user would: pkg-config finds libbssim, a small C
 * program that includes only <bssim.h> builds against it (shared, and
 * static from libbssim.a) and runs a scenario, giving the numbers the
 * installed command line gives; the installed command line runs the
 * installed scenarios; DESTDIR stages without changing the prefix (the
 * Python package with the rest).
 *
 * BUILD is the build folder (make check-run sets it), BSSIM_CFLAGS the
 * extra compiler flags of that build (the sanitizers' under make
 * sanitize), so that the program links with an instrumented library.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static const char *build_dir(void)
{
	const char *b = getenv("BUILD");

	return b && *b ? b : "build";
}

static const char *extra_cflags(void)
{
	const char *f = getenv("BSSIM_CFLAGS");

	return f ? f : "";
}

/* make install into prefix (and destdir, may be ""), quietly; the
 * build is already there, so this only copies. */
static void install(const char *prefix, const char *destdir)
{
	char cmd[4096], *out = NULL, *err = NULL;
	int st;

	snprintf(cmd, sizeof(cmd),
		 "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s "
		 "install BUILD='%s' PREFIX='%s' DESTDIR='%s'",
		 build_dir(), prefix, destdir);
	st = tu_run(cmd, &out, &err);
	ck_assert_msg(st == 0, "make install (exit %d): %s%s", st, out ? out : "", err ? err : "");
	free(out);
	free(err);
}

/* The program a user writes: run the scenario in memory, and read the
 * run folder the installed command line wrote; print the whole
 * network's trips_completed and service_level of both, and the version,
 * to the 12 significant digits the files keep (docs/outputs.md). */
static const char program[] =
	"#include <bssim.h>\n"
	"#include <stdio.h>\n"
	"static int show(const bs_result *r, const char *who)\n"
	"{\n"
	"\tstruct bs_stat t, s;\n"
	"\tstruct bs_error e;\n"
	"\tif (bs_result_metric(r, NULL, \"trips_completed\", &t, &e) ||\n"
	"\t    bs_result_metric(r, NULL, \"service_level\", &s, &e))\n"
	"\t\treturn 1;\n"
	"\tprintf(\"%s %.12g %.12g %zu\\n\", who, t.mean, s.mean, s.n);\n"
	"\treturn 0;\n"
	"}\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"\tstruct bs_error e;\n"
	"\tstruct bs_run_opts o;\n"
	"\tchar line[2048];\n"
	"\tbs_scenario *sc;\n"
	"\tbs_result *mem, *disk;\n"
	"\tif (argc != 3)\n"
	"\t\treturn 2;\n"
	"\tbs_init();\n"
	"\tprintf(\"version %s %s\\n\", bs_version(), BSSIM_VERSION);\n"
	"\tif (!(sc = bs_scenario_load(argv[1], NULL, 0, &e))) {\n"
	"\t\tfprintf(stderr, \"%s\\n\", bs_error_format(&e, line, sizeof(line)));\n"
	"\t\treturn bs_exit_status(e.code);\n"
	"\t}\n"
	"\tbs_run_opts_init(&o);\n"
	"\tif (!(mem = bs_run(sc, &o, &e)) || !(disk = bs_result_open(argv[2], &e))) {\n"
	"\t\tfprintf(stderr, \"%s\\n\", bs_error_format(&e, line, sizeof(line)));\n"
	"\t\treturn bs_exit_status(e.code);\n"
	"\t}\n"
	"\tif (show(mem, \"memory\") || show(disk, \"folder\"))\n"
	"\t\treturn 1;\n"
	"\tbs_result_free(mem);\n"
	"\tbs_result_free(disk);\n"
	"\tbs_scenario_free(sc);\n"
	"\treturn 0;\n"
	"}\n";

/* Build the program against the installed prefix: shared (static = 0)
 * or with libbssim.a; returns the executable's path (static buffer). */
static const char *build_program(const char *prefix, int static_lib)
{
	static char exe[1024];
	char cmd[8192], *src, *out = NULL, *err = NULL;
	int st;

	src = tu_write(dir, "hello.c", program);
	snprintf(exe, sizeof(exe), "%s/hello%s", dir, static_lib ? "-static" : "");
	if (static_lib)
		/* libbssim.a in place of -lbssim, and the libraries it needs */
		snprintf(cmd, sizeof(cmd),
			 "export PKG_CONFIG_PATH='%s/lib/pkgconfig'; cc -std=c11 -Wall -Werror %s "
			 "$(pkg-config --cflags bssim) -o '%s' '%s' '%s/lib/libbssim.a' "
			 "$(pkg-config --static --libs bssim | sed 's/ -lbssim / /')",
			 prefix, extra_cflags(), exe, src, prefix);
	else
		snprintf(cmd, sizeof(cmd),
			 "export PKG_CONFIG_PATH='%s/lib/pkgconfig'; cc -std=c11 -Wall -Werror %s "
			 "$(pkg-config --cflags bssim) -o '%s' '%s' $(pkg-config --libs bssim)",
			 prefix, extra_cflags(), exe, src);
	st = tu_run(cmd, &out, &err);
	ck_assert_msg(st == 0, "building against the installed tree (exit %d): %s\n%s%s", st, cmd,
		      out ? out : "", err ? err : "");
	free(out);
	free(err);
	free(src);
	return exe;
}

START_TEST(test_pkg_config_and_program)
{
	char prefix[1024], cmd[8192], run[1024], *out = NULL, *err = NULL;
	char mem[256] = "", disk[256] = "";
	const char *exe;
	int st;

	snprintf(prefix, sizeof(prefix), "%s/usr", dir);
	install(prefix, "");

	/* pkg-config says where things are */
	snprintf(cmd, sizeof(cmd),
		 "export PKG_CONFIG_PATH='%s/lib/pkgconfig'; pkg-config --modversion bssim && "
		 "pkg-config --cflags --libs bssim",
		 prefix);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	{
		char want[2048];
		snprintf(want, sizeof(want), "-I%s/include", prefix);
		ck_assert_msg(strstr(out, want), "pkg-config: %s", out);
		snprintf(want, sizeof(want), "-L%s/lib -lbssim", prefix);
		ck_assert_msg(strstr(out, want), "pkg-config: %s", out);
		ck_assert_msg(strncmp(out, "0.1.0\n", 6) == 0, "pkg-config --modversion: %s", out);
	}
	free(out);

	/* the installed command line runs the scenario into a folder */
	tu_write_small_base(dir);
	snprintf(run, sizeof(run), "%s/run", dir);
	snprintf(cmd, sizeof(cmd), "'%s/bin/bssim' run '%s/base.json' -o '%s' -q", prefix, dir,
		 run);
	st = tu_run(cmd, NULL, &err);
	ck_assert_msg(st == 0, "installed bssim run: %s", err ? err : "");
	free(err);

	for (int s = 0; s <= 1; s++) {
		exe = build_program(prefix, s);
		/* the shared one finds libbssim.so.0 as a user's would: the
		 * prefix is not the system's, so through LD_LIBRARY_PATH */
		snprintf(cmd, sizeof(cmd), "%s%s%s'%s' '%s/base.json' '%s'",
			 s ? "" : "LD_LIBRARY_PATH='", s ? "" : prefix, s ? "" : "/lib' ", exe, dir,
			 run);
		st = tu_run(cmd, &out, &err);
		ck_assert_msg(st == 0, "%s (exit %d): %s", cmd, st, err ? err : "");
		ck_assert_msg(sscanf(out, "version 0.1.0 0.1.0\nmemory %255[^\n]\nfolder %255[^\n]",
				     mem, disk) == 2,
			      "the program printed: %s", out);
		ck_assert_msg(strcmp(mem, disk) == 0,
			      "in memory %s, the installed bssim's folder %s", mem, disk);
		free(out);
		free(err);
	}

	/* the shared program loads the installed libbssim.so.0 */
	snprintf(cmd, sizeof(cmd), "LD_LIBRARY_PATH='%s/lib' ldd '%s/hello'", prefix, dir);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	{
		char want[2048];
		snprintf(want, sizeof(want), "libbssim.so.0 => %s/lib/libbssim.so.0", prefix);
		ck_assert_msg(strstr(out, want), "ldd: %s", out);
	}
	free(out);
	/* the static one needs no libbssim.so */
	snprintf(cmd, sizeof(cmd), "ldd '%s/hello-static'", dir);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_msg(!strstr(out, "libbssim"), "ldd: %s", out);
	free(out);
}
END_TEST

START_TEST(test_installed_tree)
{
	static const char *const files[] = {
		"bin/bssim", "bin/bssim-plots", "lib/libbssim.so", "lib/libbssim.so.0",
		"lib/libbssim.so.0.1.0", "lib/libbssim.a", "lib/pkgconfig/bssim.pc",
		"include/bssim.h", "share/man/man1/bssim.1", "share/bssim/plots/plots.sh",
		"share/bssim/plots/style.gp", "share/bssim/docs/README.md",
		"share/bssim/docs/scenario-keys.md", "share/bssim/docs/bssim.schema.json",
		"share/bssim/scenarios/tokyo4_full.json", "share/bssim/scenarios/tokyo4_sweep.json"};
	char prefix[1024], path[2048], cmd[4096], *out = NULL, *err = NULL;
	int st;

	snprintf(prefix, sizeof(prefix), "%s/opt", dir);
	install(prefix, "");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", prefix, files[i]);
		ck_assert_msg(tu_exists(path), "make install did not install %s", files[i]);
	}
	snprintf(path, sizeof(path), "%s/lib/libbssim.so.0", prefix);
	{
		char target[256];
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		ck_assert_int_gt(n, 0);
		target[n] = '\0';
		ck_assert_str_eq(target, "libbssim.so.0.1.0");
	}
	/* the soname is the major version */
	snprintf(cmd, sizeof(cmd), "objdump -p '%s/lib/libbssim.so.0.1.0' | grep SONAME", prefix);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_msg(strstr(out, "libbssim.so.0"), "%s", out);
	free(out);
	/* the installed scenarios find their installed data */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s/share/bssim' && '%s/bin/bssim' check scenarios/tokyo4_isolated.json", prefix,
		 prefix);
	st = tu_run(cmd, &out, &err);
	ck_assert_msg(st == 0, "installed check: %s", err ? err : "");
	free(out);
	free(err);
	/* the man page is a man page */
	snprintf(cmd, sizeof(cmd), "MANWIDTH=80 man -l '%s/share/man/man1/bssim.1' 2>&1 | head -n 3",
		 prefix);
	ck_assert_int_eq(tu_run(cmd, &out, NULL), 0);
	ck_assert_msg(strstr(out, "BSSIM(1)"), "man: %s", out);
	free(out);
}
END_TEST

/* make install stages the Python package too, and its _config.py names
 * where the library will be (PREFIX/lib), not where it was staged. The
 * package's own tests (tests/python/test_bssim.py, TestFinding) run the
 * installed package against the installed command line. */
static void staged_python_package(const char *stage)
{
	/* the python3 make install used (make check-run passes PYTHON) */
	const char *py = getenv("PYTHON") && *getenv("PYTHON") ? getenv("PYTHON") : "python3";
	char cmd[4096], path[4096], *site = NULL, *cfg;

	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null", py);
	if (tu_run(cmd, NULL, NULL) != 0)
		return; /* make install said it skipped the package */
	snprintf(cmd, sizeof(cmd), "'%s' python/sitedir.py /usr/local", py);
	ck_assert_int_eq(tu_run(cmd, &site, NULL), 0);
	site[strcspn(site, "\n")] = '\0';
	snprintf(path, sizeof(path), "%s%s/bssim/_config.py", stage, site);
	ck_assert_msg((cfg = tu_slurp(path, NULL)) != NULL, "make install did not stage %s", path);
	ck_assert_msg(strstr(cfg, "\nlibdir = '/usr/local/lib'\n"), "_config.py: %s", cfg);
	snprintf(cmd, sizeof(cmd), "cmp -s python/bssim/_native.py '%s%s/bssim/_native.py'", stage,
		 site);
	ck_assert_msg(tu_run(cmd, NULL, NULL) == 0, "%s", cmd);
	free(cfg);
	free(site);
}

START_TEST(test_destdir_keeps_the_prefix)
{
	char stage[1024], path[2048], *pc;

	snprintf(stage, sizeof(stage), "%s/stage", dir);
	install("/usr/local", stage);
	snprintf(path, sizeof(path), "%s/usr/local/lib/pkgconfig/bssim.pc", stage);
	ck_assert_ptr_nonnull(pc = tu_slurp(path, NULL));
	ck_assert_msg(strstr(pc, "\nprefix=/usr/local\n"), "bssim.pc: %s", pc);
	free(pc);
	snprintf(path, sizeof(path), "%s/usr/local/bin/bssim-plots", stage);
	ck_assert_ptr_nonnull(pc = tu_slurp(path, NULL));
	ck_assert_msg(strstr(pc, "exec \"/usr/local/share/bssim/plots/plots.sh\""),
		      "bssim-plots: %s", pc);
	free(pc);
	staged_python_package(stage);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("install");
	TCase *tc = tcase_create("install");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pkg_config_and_program);
	tcase_add_test(tc, test_installed_tree);
	tcase_add_test(tc, test_destdir_keeps_the_prefix);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_main(suite());
}
