"""Tests of the Python package (python/bssim) against the command line.

Every number the package gives is checked against what `bssim` itself
wrote for the same scenario and options: tables byte for byte, metrics
to the digits summary.json holds. Run by tests/check_python (make check),
which sets BSSIM_LIBRARY, BSSIM and PYTHONPATH for the build tree; it
prints SKIP: lines and a last line as Check does.

No test races the clock: interrupts are sent while the child process
stands stopped at a test point of the library (BSSIM_TEST_STOP_AT), and a
progress callback that must see the stop request waits on the event the
package's SIGINT handler sets (not on time, no sleep) before the library
hands out the next replication.
"""
import ctypes
import io
import json
import math
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
os.chdir(ROOT)  # the corpus' messages name paths relative to the top
BUILD = os.environ.get("BUILD", "build")
BSSIM = os.path.abspath(os.environ.get("BSSIM", os.path.join(BUILD, "bssim")))
PYTHON = os.environ.get("PYTHON") or sys.executable
CORPUS = "tests/inputs/invalid"

import bssim  # noqa: E402 - after the paths above

try:
    import pandas  # noqa: F401
    HAVE_PANDAS = True
except ImportError:
    HAVE_PANDAS = False

TMP = tempfile.mkdtemp(prefix="bssim-py-")
# A hang detector only, never a race with the clock (as tests/run.sh's
# timeouts): no test waits on time; this ends a real hang instead of
# blocking make check forever.
HANG_S = 600


def tmp(*parts):
    return os.path.join(TMP, *parts)


def cli(*args, cwd=None, env=None):
    """(exit status, stdout, stderr) of `bssim ARGS`."""
    p = subprocess.run([BSSIM] + [str(a) for a in args], cwd=cwd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def cli_ok(*args, **kw):
    rc, out, err = cli(*args, **kw)
    if rc != 0:
        raise AssertionError("bssim %s: exit %d: %s" % (" ".join(map(str, args)),
                                                       rc, err))
    return out


def slurp(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def g12(v):
    """A number as the library writes it (%.12g; NaN; never -0)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "NaN"
    if v == 0:
        return "0"
    return "%.12g" % v


def deterministic(summary):
    """summary.json without its "run" (the clock, the host)."""
    return {k: v for k, v in summary.items() if k != "run"}


def records(table):
    """A table as a list of dicts, whichever form it has."""
    if isinstance(table, list):
        return table
    out = table.to_dict("records")
    # pandas gives NaN where a cell is None
    return [{k: (None if isinstance(v, float) and math.isnan(v)
                 and not isinstance(v, bool) else v) for k, v in r.items()}
            for r in out]


def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) \
            and math.isnan(b):
        return True
    return a == b


def same_rows(t, u):
    """Two lists of dicts equal, NaN equal to NaN and to None."""
    if len(t) != len(u):
        return False
    for r, s in zip(t, u):
        if r.keys() != s.keys():
            return False
        for k in r:
            a, b = r[k], s[k]
            na = a is None or (isinstance(a, float) and math.isnan(a))
            nb = b is None or (isinstance(b, float) and math.isnan(b))
            if na != nb or (not na and a != b):
                return False
    return True


# ---- shared runs (made once: each is a second or two) -------------------------

SCENARIOS = ("tokyo4_isolated", "tokyo4_full")
# the tables of a run, as bs_result_csv names them and `bssim run` writes
RESULT_TABLES = ("replications", "stations", "timeseries", "flows")
_runs = {}


def cli_run(name, reps=2):
    """The folder `bssim run scenarios/NAME.json --replications reps` wrote."""
    key = ("cli", name, reps)
    if key not in _runs:
        d = tmp("cli-%s-%d" % (name, reps))
        cli_ok("run", "scenarios/%s.json" % name, "-o", d, "-q",
               "--replications", reps)
        _runs[key] = d
    return _runs[key]


def py_run(name, reps=2):
    """The in-memory Result of the same run through the package."""
    key = ("py", name, reps)
    if key not in _runs:
        with bssim.load("scenarios/%s.json" % name) as sc:
            _runs[key] = sc.run(replications=reps)
    return _runs[key]


class Tables:
    """Mixin: run the class's tests with tables as DataFrames or lists."""
    PANDAS = None

    def setUp(self):
        if self.PANDAS and not HAVE_PANDAS:
            self.skipTest("pandas does not import (scripts/install-deps.sh "
                          "python)")
        self._was = bssim._tables._want
        bssim.use_pandas(self.PANDAS)

    def tearDown(self):
        bssim._tables._want = self._was

    def check_form(self, table):
        if self.PANDAS:
            import pandas as pd
            self.assertIsInstance(table, pd.DataFrame)
        else:
            self.assertIsInstance(table, list)


# ---- the library, its reference texts ---------------------------------------------


class TestLibrary(unittest.TestCase):
    def test_version(self):
        self.assertEqual(cli_ok("--version").strip(), "bssim " + bssim.version)
        self.assertEqual(bssim.version.split(".")[0],
                         bssim.__version__.split(".")[0])

    def test_library_from_env(self):
        self.assertEqual(bssim.library_path, os.environ["BSSIM_LIBRARY"])

    def test_metrics(self):
        m = bssim.metrics()
        names = [x.name for x in m]
        summary = json.loads(slurp(os.path.join(cli_run("tokyo4_full"),
                                                "summary.json")))
        self.assertEqual(names, list(summary["metrics"]))
        self.assertTrue(all(x.help for x in m))

    def test_keys_limits_schema(self):
        self.assertEqual(bssim.keys_markdown(), cli_ok("keys"))
        self.assertEqual(bssim.limits_markdown(), cli_ok("limits"))
        self.assertEqual(bssim.schema(), json.loads(cli_ok("schema")))

    def test_schema_validates_scenarios(self):
        try:
            import jsonschema
        except ImportError:
            self.skipTest("jsonschema does not import")
        s = bssim.schema()
        for f in ("tokyo4_full", "tokyo4_isolated"):
            jsonschema.validate(json.loads(slurp("scenarios/%s.json" % f)), s)


# ---- the structs of bssim.h ------------------------------------------------------


class TestLayout(unittest.TestCase):
    """The package's ctypes structs are bssim.h's, byte for byte."""

    def test_option_sizes_as_library(self):
        """Each option struct's size as the loaded library knows it (its
        plain bs_X_opts_init records it in `size`) is the package's, and
        the package's _init_size call gets the package's."""
        N = bssim._native
        for stem, st in N.OPTION_STRUCTS.items():
            with self.subTest(struct=stem):
                self.assertEqual(N.library_opts_size(stem),
                                 ctypes.sizeof(st))
                self.assertEqual(N.opts_default(stem).size, ctypes.sizeof(st))

    def test_layout_as_header(self):
        """Every struct's size and every field's offset as a C compiler
        lays out include/bssim.h (the structs without `size` cannot be
        told from the library at run time: they are fixed within a major
        version, so this is where a mistake would show)."""
        N = bssim._native
        header = os.environ.get("BSSIM_HEADER",
                                os.path.join(ROOT, "include", "bssim.h"))
        lines = ['#include <stddef.h>', '#include <stdio.h>',
                 '#include "%s"' % header, 'int main(void) {']
        want = []
        for st, name in N.C_STRUCTS.items():
            lines.append('printf("%%zu\\n", sizeof(struct %s));' % name)
            want.append(("sizeof", name, ctypes.sizeof(st)))
            for f in st._fields_:
                lines.append('printf("%%zu\\n", offsetof(struct %s, %s));'
                             % (name, f[0]))
                want.append((name, f[0], getattr(st, f[0]).offset))
        lines.append("return 0; }")
        src, exe = tmp("layout.c"), tmp("layout")
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        cc = os.environ.get("CC", "cc")
        if shutil.which(cc) is None:
            self.skipTest("no C compiler (%s) to lay out bssim.h" % cc)
        p = subprocess.run([cc, "-std=c11", "-o", exe, src],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        got = subprocess.run([exe], stdout=subprocess.PIPE).stdout.split()
        self.assertEqual(len(got), len(want))
        for (a, b, v), g in zip(want, got):
            self.assertEqual(int(g), v, "%s %s" % (a, b))
        # and every struct of bssim.h the package could need is there
        with open(header) as f:
            text = f.read()
        import re
        declared = set(re.findall(r"^struct (bs_\w+) \{", text, re.M))
        unused = {"bs_task_source", "bs_report_opts"}  # no wrapper uses them
        self.assertEqual(declared - unused, set(N.C_STRUCTS.values()))


# ---- finding the library ------------------------------------------------------------


def py_child(code, env=None, cwd=None, pythonpath=None):
    """(exit status, stdout, stderr) of python3 -c code, with env over a
    copy of ours without BSSIM_LIBRARY (unless env sets it)."""
    e = dict(os.environ)
    e.pop("BSSIM_LIBRARY", None)
    e.pop("LD_LIBRARY_PATH", None) if "LD_LIBRARY_PATH" not in (env or {}) \
        else None
    if pythonpath is not None:
        e["PYTHONPATH"] = pythonpath
    e.update(env or {})
    p = subprocess.run([PYTHON, "-c", code], env=e, cwd=cwd or TMP,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def package_copy(where):
    """A copy of the package alone in where/ (no build tree beside it)."""
    d = tmp(where)
    if not os.path.isdir(d):
        shutil.copytree(os.path.join(ROOT, "python", "bssim"),
                        os.path.join(d, "bssim"),
                        ignore=shutil.ignore_patterns("__pycache__",
                                                      "_config.py"))
    return d


class TestFinding(unittest.TestCase):
    LIB = os.environ["BSSIM_LIBRARY"]

    def test_build_tree(self):
        want = os.path.join(ROOT, "build", "libbssim.so.0")
        if os.path.realpath(want) != os.path.realpath(self.LIB):
            self.skipTest("the library under test is not build/'s (BUILD=%s)"
                          % BUILD)
        rc, out, err = py_child("import bssim; print(bssim.library_path)",
                                pythonpath=os.path.join(ROOT, "python"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.strip(), want)

    def test_env_missing(self):
        rc, out, err = py_child("import bssim", env={
            "BSSIM_LIBRARY": tmp("nope", "libbssim.so.0")})
        self.assertNotEqual(rc, 0)
        self.assertIn("ImportError: bssim: cannot load libbssim; tried:", err)
        self.assertIn("BSSIM_LIBRARY: %s (no such file)"
                      % tmp("nope", "libbssim.so.0"), err)
        # an explicit choice is the only one tried
        self.assertNotIn("the build tree", err)

    def test_not_libbssim(self):
        import _ctypes
        rc, out, err = py_child("import bssim", env={
            "BSSIM_LIBRARY": _ctypes.__file__})
        self.assertNotEqual(rc, 0)
        self.assertIn("(not libbssim: no bs_version)", err)

    def test_other_major(self):
        src = tmp("fake.c")
        with open(src, "w") as f:
            f.write('const char *bs_version(void) { return "1.0.0"; }\n')
        so = tmp("libfake.so")
        cc = os.environ.get("CC", "cc")
        if subprocess.run([cc, "-shared", "-fPIC", "-o", so, src]).returncode:
            self.skipTest("cannot build a shared library with %s" % cc)
        rc, out, err = py_child("import bssim", env={"BSSIM_LIBRARY": so})
        self.assertNotEqual(rc, 0)
        self.assertIn("is libbssim 1.0.0; this package needs 0.1 or a later "
                      "0.x", err)

    def test_nowhere(self):
        d = package_copy("alone")
        rc, out, err = py_child("import bssim", pythonpath=d)
        self.assertNotEqual(rc, 0)
        self.assertIn("the build tree: %s (no such file)"
                      % os.path.normpath(os.path.join(d, "..", "build",
                                                      "libbssim.so.0")), err)
        self.assertIn("the dynamic linker's search: libbssim.so.0", err)

    def test_linker_search(self):
        d = package_copy("alone")
        rc, out, err = py_child(
            "import bssim; print(bssim.library_path, bssim.version)",
            pythonpath=d,
            env={"LD_LIBRARY_PATH": os.path.dirname(self.LIB)})
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.split(), ["libbssim.so.0", bssim.version])

    def test_install_python(self):
        """make install-python: the files, and _config.py's libdir found
        before anything else."""
        prefix = tmp("prefix")
        os.makedirs(os.path.join(prefix, "lib"), exist_ok=True)
        shutil.copy(self.LIB, os.path.join(prefix, "lib", "libbssim.so.0"))
        p = subprocess.run(["make", "-s", "--no-print-directory",
                            "install-python", "PREFIX=" + prefix,
                            "PYTHON=" + PYTHON],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr)
        site = subprocess.run([PYTHON, "python/sitedir.py", prefix],
                              stdout=subprocess.PIPE).stdout.decode().strip()
        self.assertTrue(site.startswith(prefix + os.sep), site)
        # a prefix python3 does not look in: the target says so
        self.assertIn("set PYTHONPATH=%s" % site, p.stdout.decode())
        cfg = slurp(os.path.join(site, "bssim", "_config.py"), "r")
        self.assertIn("libdir = %r" % os.path.join(prefix, "lib"), cfg)
        for f in os.listdir("python/bssim"):
            if f.endswith(".py"):
                self.assertEqual(slurp(os.path.join(site, "bssim", f)),
                                 slurp(os.path.join("python/bssim", f)), f)
        rc, out, err = py_child("import bssim; print(bssim.library_path)",
                                pythonpath=site, cwd="/")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.strip(),
                         os.path.join(prefix, "lib", "libbssim.so.0"))

    def test_install_python_destdir(self):
        """DESTDIR stages the files; _config.py names PREFIX/lib."""
        dest = tmp("destdir")
        p = subprocess.run(["make", "-s", "--no-print-directory",
                            "install-python", "PREFIX=/opt/bssim-test",
                            "DESTDIR=" + dest, "PYTHON=" + PYTHON],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr)
        site = subprocess.run([PYTHON, "python/sitedir.py", "/opt/bssim-test"],
                              stdout=subprocess.PIPE).stdout.decode().strip()
        cfg = slurp(dest + site + "/bssim/_config.py", "r")
        self.assertIn("libdir = '/opt/bssim-test/lib'", cfg)
        self.assertFalse(os.path.exists("/opt/bssim-test"))

    def test_make_install(self):
        """`make install` into a temporary prefix puts the package there
        too; the INSTALLED package, finding the installed libbssim.so.0
        through its _config.py alone (no BSSIM_LIBRARY, no
        LD_LIBRARY_PATH), runs an installed scenario with the results of
        the installed command line, in memory and into a folder."""
        prefix = tmp("installed")
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        p = subprocess.run(["make", "-s", "--no-print-directory", "install",
                            "BUILD=" + BUILD, "PREFIX=" + prefix,
                            "PYTHON=" + PYTHON], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        site = subprocess.run([PYTHON, "python/sitedir.py", prefix],
                              stdout=subprocess.PIPE).stdout.decode().strip()
        share = os.path.join(prefix, "share", "bssim")
        cli_dir, py_dir = tmp("installed-cli"), tmp("installed-py")
        rc, out, err = cli("run", "scenarios/tokyo4_isolated.json", "-o",
                           cli_dir, "-q", "--replications", "2", cwd=share)
        self.assertEqual(rc, 0, err)
        code = textwrap.dedent("""
            import json, bssim
            sc = bssim.load("scenarios/tokyo4_isolated.json")
            r = sc.run(replications=2, output=%r)
            m = sc.run(replications=2)
            print(json.dumps({"lib": bssim.library_path,
                              "tables": {t: m.csv(t) for t in %r},
                              "service_level": m.metric("service_level")}))
            """) % (py_dir, RESULT_TABLES)
        rc, out, err = py_child(code, pythonpath=site, cwd=share)
        self.assertEqual(rc, 0, err)
        got = json.loads(out)
        self.assertEqual(got["lib"], os.path.join(prefix, "lib",
                                                  "libbssim.so.0"))
        for t in RESULT_TABLES:
            self.assertEqual(got["tables"][t].encode(),
                             slurp(os.path.join(cli_dir, t + ".csv")), t)
        self.assertEqual(sorted(os.listdir(py_dir)),
                         sorted(os.listdir(cli_dir)))
        for f in os.listdir(cli_dir):
            if f != "summary.json":
                self.assertEqual(slurp(os.path.join(py_dir, f)),
                                 slurp(os.path.join(cli_dir, f)), f)
        want = json.loads(slurp(os.path.join(cli_dir, "summary.json")))
        self.assertEqual(
            deterministic(json.loads(slurp(os.path.join(py_dir,
                                                        "summary.json")))),
            deterministic(want))
        s = want["metrics"]["service_level"]
        self.assertEqual([g12(x) for x in got["service_level"][:4]],
                         [g12(s[k]) for k in ("mean", "sd", "ci95_low",
                                              "ci95_high")])

    def test_sitedir_debian_local(self):
        """For /usr/local, Debian's python3 has a folder on sys.path."""
        import site
        if "/usr/local/lib/python%d.%d/dist-packages" % sys.version_info[:2] \
                not in site.getsitepackages():
            self.skipTest("not Debian's python3")
        out = subprocess.run([PYTHON, "python/sitedir.py", "/usr/local"],
                             stdout=subprocess.PIPE).stdout.decode().strip()
        self.assertEqual(out, "/usr/local/lib/python%d.%d/dist-packages"
                         % sys.version_info[:2])


# ---- scenarios --------------------------------------------------------------------


class TestScenario(unittest.TestCase):
    def test_accessors_as_check(self):
        with bssim.load("scenarios/tokyo4_full.json",
                        set={"fleet.bikes": 3000}) as sc:
            self.assertEqual(sc.name, "tokyo4-full")
            self.assertEqual(sc.file, "scenarios/tokyo4_full.json")
            self.assertEqual(sc.get("fleet.bikes"), 3000)
            self.assertEqual(sc["agreement.type"], "full")
            self.assertIsNone(sc.get("no.such.key"))
            with self.assertRaises(KeyError):
                sc["no.such.key"]
            want = json.loads(cli_ok("check", "scenarios/tokyo4_full.json",
                                     "--set", "fleet.bikes=3000", "--json"))
            self.assertEqual(sc.json, want)
            self.assertEqual(sc.check(), sc)
            self.assertEqual(sc.describe(), cli_ok(
                "check", "scenarios/tokyo4_full.json", "--set",
                "fleet.bikes=3000"))
            self.assertEqual(sc.warnings, {"count": 0, "first": []})
            self.assertEqual(sc.unused, [])

    def test_set_values(self):
        """Python values as --set VALUE: str as given, None removes."""
        sets = {"agreement.type": "isolated", "fleet.bikes": 1234,
                "horizon": {"days": 2, "warmup_days": 1},
                "output.geojson": False, "description": None}
        sc = bssim.load("scenarios/tokyo4_full.json", set=sets)
        want = json.loads(cli_ok(
            "check", "scenarios/tokyo4_full.json", "--json",
            "--set", "agreement.type=isolated", "--set", "fleet.bikes=1234",
            "--set", 'horizon={"days": 2, "warmup_days": 1}',
            "--set", "output.geojson=false", "--set", "description=null"))
        self.assertEqual(sc.json, want)
        self.assertNotIn("description", sc.json)
        # pairs keep their order: the later one wins
        sc2 = bssim.load("scenarios/tokyo4_full.json",
                         set=[("fleet.bikes", 1), ("fleet.bikes", "2")])
        self.assertEqual(sc2.get("fleet.bikes"), 2)
        with self.assertRaises(ValueError):
            bssim.load("scenarios/tokyo4_full.json",
                       set={"fleet.bikes": float("nan")})
        with self.assertRaises(TypeError):
            bssim.load("scenarios/tokyo4_full.json", set=[("fleet.bikes",)])

    def test_unused(self):
        sets = ["--set", "demand.rate_per_station_per_hour=3"]
        out = cli_ok("check", "scenarios/tokyo4_full.json", *sets)
        sc = bssim.load("scenarios/tokyo4_full.json",
                        set={"demand.rate_per_station_per_hour": 3})
        self.assertEqual(sc.unused, ["demand.rate_per_station_per_hour"])
        self.assertIn("demand.rate_per_station_per_hour", out)

    def test_parse(self):
        text = slurp("scenarios/tokyo4_isolated.json", "r")
        a = bssim.parse(text, name="tokyo4_isolated.json", dir="scenarios")
        b = bssim.load("scenarios/tokyo4_isolated.json")
        self.assertEqual(a.json, b.json)
        self.assertEqual(a.file, b.file)
        self.assertEqual(a.describe(), b.describe())
        c = bssim.parse(json.loads(text), name="x.json", dir="scenarios",
                        set={"fleet.bikes": 7})
        self.assertEqual(c.get("fleet.bikes"), 7)
        self.assertEqual(c.name, "tokyo4-isolated")
        # messages name `name`
        with self.assertRaises(bssim.InputError) as cm:
            bssim.parse('{"bssim": 1,\n "fleet": {"bikez": 1}}',
                        name="mem.json")
        self.assertEqual(cm.exception.file, "mem.json")
        self.assertEqual((cm.exception.line, cm.exception.column), (2, 12))

    def test_close(self):
        sc = bssim.load("scenarios/tokyo4_full.json")
        with sc:
            self.assertFalse(sc.closed)
        self.assertTrue(sc.closed)
        sc.close()  # again: nothing
        with self.assertRaises(ValueError):
            sc.name
        with self.assertRaises(ValueError):
            sc.run()
        self.assertIn("closed", repr(sc))


# ---- errors --------------------------------------------------------------------------

def corpus_cases():
    """(name, folder, argv) of every corpus case the library reports (its
    message starts "bssim: "; "bssim CMD: " is the command line's own
    usage check) and whose command needs no shell."""
    for name in sorted(os.listdir(CORPUS)):
        d = os.path.join(CORPUS, name)
        if not os.path.exists(os.path.join(d, "expected")):
            continue
        exp = slurp(os.path.join(d, "expected"), "r").rstrip("\n")
        if not exp.startswith("bssim: "):
            continue
        cmdf = os.path.join(d, "cmd")
        cmd = slurp(cmdf, "r") if os.path.exists(cmdf) else \
            "run @/scenario.json -o %"
        if "$(" in cmd:
            continue
        yield name, d, cmd.strip(), exp


def options(argv, flags=()):
    """(positional arguments, {option: [values]}) of a command line."""
    pos, opts, i = [], {}, 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("-") and len(a) > 1:
            if a in flags:
                opts.setdefault(a, []).append(True)
            else:
                opts.setdefault(a, []).append(argv[i + 1])
                i += 1
        else:
            pos.append(a)
        i += 1
    return pos, opts


def one(opts, name, conv=str):
    v = opts.get(name)
    return None if v is None else conv(v[-1])


def corpus_call(argv):
    """The package's call for a corpus command line."""
    cmd, rest = argv[0], argv[1:]
    if cmd in ("import", "calibrate"):
        cmd, rest = cmd + " " + rest[0], rest[1:]
    pos, o = options(rest, flags=("-q", "--force", "--geojson", "--resume",
                                  "--factors"))
    sets = []
    for s in o.get("--set", []):
        k, _, v = s.partition("=")
        sets.append((k, v))
    if cmd == "run" and "--again" in o:
        return lambda: bssim.again(one(o, "--again"),
                                   force="--force" in o).run(
            output=one(o, "-o"), jobs=one(o, "--jobs", int) or 1)
    if cmd == "run":
        if "--geojson" in o:
            sets.append(("output.geojson", "true"))
        return lambda: bssim.load(pos[0], set=sets).run(
            output=one(o, "-o"), seed=one(o, "--seed"),
            replications=one(o, "--replications"),
            jobs=one(o, "--jobs", int) or 1, force="--force" in o)
    if cmd == "check":
        return lambda: bssim.load(pos[0], set=sets).check()
    if cmd == "compare":
        def call():
            c = bssim.compare(pos[0], pos[1], set=sets,
                              seed=one(o, "--seed"),
                              replications=one(o, "--replications"))
            if "-o" in o:
                c.write(one(o, "-o"))
        return call
    if cmd == "sweep":
        return lambda: bssim.sweep(pos[0], output=one(o, "-o"),
                                   shard=one(o, "--shard"),
                                   resume="--resume" in o)
    if cmd == "merge":
        return lambda: bssim.merge(pos, one(o, "-o"))
    if cmd == "import gbfs":
        return lambda: bssim.import_gbfs(
            one(o, "--station-information"), one(o, "-o"),
            system_regions=one(o, "--system-regions"),
            region_map=one(o, "--region-map"), wards=one(o, "--wards"),
            capacity_from=one(o, "--capacity-from"),
            station_status=one(o, "--station-status"),
            stock_output=one(o, "--stock-output"))
    if cmd == "import trips":
        return lambda: bssim.import_trips(pos[0], one(o, "-o"),
                                          ward=one(o, "--ward"),
                                          capacity=one(o, "--capacity", int))
    if cmd == "calibrate od":
        return lambda: bssim.calibrate_od(
            pos[0], one(o, "-o"), set=sets, od=one(o, "--od"),
            trips=one(o, "--trips"), factors="--factors" in o,
            factors_out=one(o, "--factors-out"))
    if cmd.startswith("calibrate "):
        return lambda: bssim.calibrate(
            cmd.split()[1], pos[0], one(o, "--stations"), one(o, "-o"),
            profile=one(o, "--profile"), od=one(o, "--od"),
            days=one(o, "--days", int),
            truck_jump=one(o, "--truck-jump", int),
            max_gap_min=one(o, "--max-gap", int),
            stations_out=one(o, "--stations-out"))
    return None


class TestErrors(unittest.TestCase):
    def test_corpus(self):
        """Every library error of the bad-input corpus, through the
        package: InputError, str() the line `bssim` prints after "bssim:
        ", exit_status 2, nothing written."""
        n = 0
        for name, d, cmd, exp in corpus_cases():
            odir = tmp("corpus-out")
            argv = shlex.split(cmd.replace("@", d).replace("%", odir))
            call = corpus_call(argv)
            if call is None:
                continue
            want = exp.replace("@", d).replace("%", odir)[len("bssim: "):]
            with self.subTest(case=name):
                with self.assertRaises(bssim.Error) as cm:
                    call()
                e = cm.exception
                self.assertEqual(str(e), want)
                self.assertIsInstance(e, bssim.InputError)
                self.assertEqual(e.exit_status, 2)
                self.assertFalse(os.path.exists(odir), "%s: written" % odir)
            n += 1
        self.assertGreaterEqual(n, 100)

    def test_fields_as_cli(self):
        """file, line, column, key as `bssim check` prints them."""
        path = CORPUS + "/bilateral-without-pairs/scenario.json"
        rc, out, err = cli("check", path)
        self.assertEqual(rc, 2)
        with self.assertRaises(bssim.InputError) as cm:
            bssim.load(path).check()
        e = cm.exception
        self.assertEqual(err, "bssim: %s\n" % e)
        self.assertEqual("%s:%d:%d: %s: %s" % (e.file, e.line, e.column, e.key,
                                               e.text), str(e))
        self.assertEqual((e.file, e.line, e.column, e.key),
                         (path, 17, 3, "agreement"))
        self.assertEqual((e.code, e.row), (-2, 0))

    def test_csv_row(self):
        """A CSV error names its row, as the command line does."""
        d = tmp("badcsv")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "st.csv"), "w") as f:
            f.write("station_id,name,ward,lat,lon,capacity\n"
                    "a,A,W,35.7,139.7,4\nb,B,W,35.7,139.7,-4\n")
        sc = {"bssim": 1, "network": {"stations": "st.csv"},
              "fleet": {"bikes": 2},
              "demand": {"model": "uniform", "rate_per_station_per_hour": 1}}
        with open(os.path.join(d, "s.json"), "w") as f:
            json.dump(sc, f)
        rc, out, err = cli("check", os.path.join(d, "s.json"))
        self.assertEqual(rc, 2)
        with self.assertRaises(bssim.InputError) as cm:
            bssim.load(os.path.join(d, "s.json")).check()
        e = cm.exception
        self.assertEqual(err, "bssim: %s\n" % e)
        self.assertEqual((e.row, e.key), (3, "capacity"))

    def test_missing_file(self):
        rc, out, err = cli("check", "no/such.json")
        with self.assertRaises(bssim.InputError) as cm:
            bssim.load("no/such.json")
        self.assertEqual(err, "bssim: %s\n" % cm.exception)
        self.assertEqual(cm.exception.file, "no/such.json")

    def test_bad_set(self):
        rc, out, err = cli("check", "scenarios/tokyo4_full.json", "--set",
                           "fleet.bikes=-3")
        with self.assertRaises(bssim.InputError) as cm:
            bssim.load("scenarios/tokyo4_full.json", set={"fleet.bikes": -3})
        self.assertEqual(err, "bssim: %s\n" % cm.exception)
        self.assertEqual((cm.exception.file, cm.exception.key),
                         ("--set", "fleet.bikes"))
        with self.assertRaises(bssim.InputError) as cm:
            bssim.load("scenarios/tokyo4_full.json").run(replications=0)
        self.assertEqual(str(cm.exception), "--set: replications: expected "
                         "an integer from 1 to 10000, got 0")

    def test_classes(self):
        self.assertTrue(issubclass(bssim.InputError, ValueError))
        self.assertTrue(issubclass(bssim.OutOfMemory, MemoryError))
        for c in (bssim.InputError, bssim.RunError, bssim.FileError,
                  bssim.Interrupted, bssim.OutOfMemory):
            self.assertTrue(issubclass(c, bssim.Error))
        # a folder that cannot be made: FileError, exit status 1, as the CLI
        rc, out, err = cli("run", "scenarios/tokyo4_full.json", "-o",
                           "/dev/null/out", "-q", "--replications", "1")
        with self.assertRaises(bssim.Error) as cm:
            bssim.load("scenarios/tokyo4_full.json").run(
                replications=1, output="/dev/null/out")
        self.assertEqual(err, "bssim: %s\n" % cm.exception)
        self.assertEqual(cm.exception.exit_status, rc)
        self.assertEqual(rc, 1)
        self.assertIsInstance(cm.exception, bssim.FileError)

    def test_python_arguments(self):
        sc = bssim.load("scenarios/tokyo4_full.json")
        for bad in (0, 1025, "2", True):
            with self.assertRaises(ValueError):
                sc.run(jobs=bad)
        with self.assertRaises(TypeError):
            bssim.load(None)
        with self.assertRaises(ValueError):
            bssim.load("a\0b")
        with self.assertRaises(ValueError):
            bssim.calibrate("status", "x", "y", "z", truck_jump=1)
        with self.assertRaises(ValueError):
            bssim.calibrate("rates", "x", "y", "z")
        with self.assertRaises(ValueError):
            bssim.import_trips("x", "")
        with self.assertRaises(TypeError):
            sc.run(progress=3)


# ---- runs against `bssim run` ----------------------------------------------------------


class RunTests(Tables):
    def test_tables_byte_identical(self):
        for name in SCENARIOS:
            d, r = cli_run(name), py_run(name)
            for t in RESULT_TABLES:
                with self.subTest(scenario=name, table=t):
                    self.assertEqual(r.csv(t).encode("utf-8"),
                                     slurp(os.path.join(d, t + ".csv")))

    def test_summary(self):
        for name in SCENARIOS:
            d, r = cli_run(name), py_run(name)
            want = json.loads(slurp(os.path.join(d, "summary.json")))
            self.assertEqual(deterministic(r.summary), deterministic(want))
            self.assertEqual(r.name, want["scenario"]["name"])
            self.assertEqual(r.replications_count, 2)
            self.assertEqual(r.replications_requested, 2)
            self.assertFalse(r.interrupted)
            self.assertIsNone(r.dir)
            self.assertEqual(r.ward_names, list(want["wards"]))

    def test_metrics_as_summary(self):
        """metrics and wards: the digits summary.json holds, n the
        replications where replications.csv has a number."""
        for name in SCENARIOS:
            d, r = cli_run(name), py_run(name)
            want = json.loads(slurp(os.path.join(d, "summary.json")))
            reps = list(csvrows(os.path.join(d, "replications.csv")))
            m, w = records(r.metrics), records(r.wards)
            self.check_form(r.metrics)
            self.check_form(r.wards)
            self.assertEqual(len(m), len(bssim.metrics()))
            self.assertEqual(len(w), len(bssim.metrics()) * len(r.ward_names))
            rows = [dict(row, ward="all") for row in m] + w
            for row in rows:
                src = want["metrics"] if row["ward"] == "all" else \
                    want["wards"][row["ward"]]["metrics"]
                s = src[row["metric"]]
                for ours, theirs in (("mean", "mean"), ("sd", "sd"),
                                     ("ci_lo", "ci95_low"),
                                     ("ci_hi", "ci95_high")):
                    self.assertEqual(g12(row[ours]), g12(s[theirs]),
                                     (name, row["ward"], row["metric"], ours))
                n = sum(1 for x in reps if x["ward"] == row["ward"] and
                        x["metric"] == row["metric"] and x["value"] != "NaN")
                self.assertEqual(row["n"], n)
            st = r.metric("service_level", ward="Koto")
            k = want["wards"]["Koto"]["metrics"]["service_level"]
            self.assertEqual((g12(st.mean), g12(st.ci_lo)),
                             (g12(k["mean"]), g12(k["ci95_low"])))
            self.assertEqual(r.metric("service_level"),
                             r.metric("service_level", "all"))

    def test_value(self):
        d, r = cli_run("tokyo4_full"), py_run("tokyo4_full")
        for x in csvrows(os.path.join(d, "replications.csv")):
            ward = None if x["ward"] == "all" else x["ward"]
            self.assertEqual(g12(r.value(int(x["replication"]), x["metric"],
                                         ward)), x["value"])
        with self.assertRaises(bssim.InputError):
            r.value(3, "service_level")
        with self.assertRaises(bssim.InputError):
            r.metric("service_level", ward="Osaka")

    def test_matrix(self):
        d, r = cli_run("tokyo4_full"), py_run("tokyo4_full")
        want = json.loads(slurp(os.path.join(d, "summary.json")))
        wards = r.ward_names
        for name in ("flows", "settlement_yen"):
            m = r.matrix(name)
            if self.PANDAS:
                self.assertEqual(list(m.index), wards)
                self.assertEqual(list(m.columns), wards)
                vals = m.values.tolist()
            else:
                vals = m
            for i, a in enumerate(wards):
                for j, b in enumerate(wards):
                    self.assertEqual(g12(vals[i][j]), g12(want[name][a][b]))
        with self.assertRaises(bssim.InputError):
            r.matrix("nope")

    def test_tables_parsed(self):
        d, r = cli_run("tokyo4_full"), py_run("tokyo4_full")
        for t in RESULT_TABLES:
            table = getattr(r, t)
            self.check_form(table)
            got = records(table)
            raw = list(csvrows(os.path.join(d, t + ".csv")))
            self.assertEqual(len(got), len(raw))
            for g, w in zip(got, raw):
                self.assertEqual(list(g), list(w))
                for k in w:
                    v = g[k]
                    if isinstance(v, float):
                        self.assertEqual(g12(v), w[k], (t, k))
                    else:
                        self.assertEqual(str(v), w[k], (t, k))
        st = records(r.stations)[0]
        self.assertIsInstance(st["station_id"], str)  # "00010001" as written
        self.assertIsInstance(st["capacity"], int)
        self.assertIsInstance(st["rentals"], float)
        self.assertIsInstance(records(r.timeseries)[0]["t_min"], int)

    def test_again(self):
        """bssim.again(DIR) of a `bssim run` folder: run(output=NEW)
        writes its files again, summary.json the same but for "run"; no
        overrides; a changed input refused unless force."""
        d = cli_run("tokyo4_full")
        out = tmp("py-again-%s" % self.PANDAS)
        with bssim.again(d) as sc:
            self.assertEqual(sc.again_notes["count"], 0)
            with self.assertRaises(ValueError):
                sc.run(seed=3)
            sc.run(output=out, jobs=2)
        self.assertEqual(sorted(os.listdir(out)), sorted(os.listdir(d)))
        for f in os.listdir(d):
            if f != "summary.json":
                self.assertEqual(slurp(os.path.join(out, f)),
                                 slurp(os.path.join(d, f)), f)
        a = json.loads(slurp(os.path.join(d, "summary.json")))
        b = json.loads(slurp(os.path.join(out, "summary.json")))
        self.assertEqual(b["run"]["again"], os.path.realpath(d))
        self.assertEqual(b["run"]["inputs"], a["run"]["inputs"])
        a.pop("run")
        b.pop("run")
        self.assertEqual(a, b)
        # an input that changed: the record names its digest
        doc = json.loads(slurp(os.path.join(d, "summary.json")))
        doc["inputs"]["demand.rates"]["sha256"] = "0" * 64
        edited = tmp("py-again-edited-%s" % self.PANDAS)
        os.makedirs(edited, exist_ok=True)
        with open(os.path.join(edited, "summary.json"), "w") as f:
            json.dump(doc, f)
        with self.assertRaises(bssim.InputError) as cm:
            bssim.again(edited)
        self.assertEqual(cm.exception.key, "demand.rates")
        self.assertIn("its sha256 was " + "0" * 64, cm.exception.text)
        with bssim.again(edited, force=True) as sc:
            self.assertEqual(sc.again_notes["count"], 1)

    def test_run_to_folder(self):
        """output=DIR writes the folder as `bssim run -o DIR`."""
        d = cli_run("tokyo4_isolated")
        out = tmp("py-out-%s" % self.PANDAS)
        with bssim.load("scenarios/tokyo4_isolated.json") as sc:
            r = sc.run(replications=2, output=out, jobs=2)
        self.assertEqual(r.dir, out)
        self.assertEqual(sorted(os.listdir(out)), sorted(os.listdir(d)))
        for f in os.listdir(d):
            if f != "summary.json":
                self.assertEqual(slurp(os.path.join(out, f)),
                                 slurp(os.path.join(d, f)), f)
        self.assertEqual(
            deterministic(json.loads(slurp(os.path.join(out, "summary.json")))),
            deterministic(json.loads(slurp(os.path.join(d, "summary.json")))))
        # again into the same folder: bssim's own, so allowed
        sc = bssim.load("scenarios/tokyo4_isolated.json")
        sc.run(replications=1, output=out)
        # a folder that is not bssim's: refused, unless force
        foreign = tmp("foreign-%s" % self.PANDAS)
        os.makedirs(foreign, exist_ok=True)
        with open(os.path.join(foreign, "mine.txt"), "w") as f:
            f.write("x\n")
        with self.assertRaises(bssim.InputError):
            sc.run(replications=1, output=foreign)
        sc.run(replications=1, output=foreign, force=True)
        self.assertTrue(os.path.exists(os.path.join(foreign, "summary.json")))

    def test_open_result_and_write(self):
        d = cli_run("tokyo4_full")
        r = bssim.open_result(d)
        self.assertEqual(r.dir, d)
        m = py_run("tokyo4_full")
        # the folder keeps 12 significant digits (docs/outputs.md)
        for table in ("metrics", "wards"):
            g = [{k: g12(v) if isinstance(v, float) else v
                  for k, v in row.items()} for row in records(getattr(m, table))]
            self.assertTrue(same_rows(records(getattr(r, table)), [
                {k: float(v) if isinstance(v, str) and k not in
                 ("metric", "ward") else v for k, v in row.items()}
                for row in g]), table)
        want = json.loads(slurp(os.path.join(d, "summary.json")))
        self.assertEqual(g12(r.wall_s), g12(want["run"]["wall_s"]))
        self.assertEqual(r.days, want["scenario"]["horizon"]["days"]
                         - want["scenario"]["horizon"]["warmup_days"])
        self.assertEqual(r.days, m.days)
        self.assertGreater(m.wall_s, 0)
        for t in RESULT_TABLES:
            self.assertEqual(r.csv(t).encode(), slurp(os.path.join(d, t + ".csv")))
        out = tmp("written-%s" % self.PANDAS)
        m.write(out)
        for f in os.listdir(d):
            if f != "summary.json":
                self.assertEqual(slurp(os.path.join(out, f)),
                                 slurp(os.path.join(d, f)), f)
        with self.assertRaises(bssim.InputError):
            bssim.open_result(tmp("no-such-run"))

    def test_seed_and_jobs(self):
        """seed= as --seed; jobs change nothing."""
        d = tmp("cli-seed")
        cli_ok("run", "scenarios/tokyo4_isolated.json", "-o", d, "-q",
               "--replications", "2", "--seed", "7")
        sc = bssim.load("scenarios/tokyo4_isolated.json")
        r = sc.run(replications=2, seed=7, jobs=2)
        self.assertEqual(r.csv("replications").encode(),
                         slurp(os.path.join(d, "replications.csv")))
        # the scenario itself keeps its own seed
        self.assertEqual(sc.get("seed"), 20160201)

    def test_module_run(self):
        """bssim.run(path or Scenario, set=...) as `bssim run --set`."""
        d = tmp("cli-run-set")
        if not os.path.exists(d):
            cli_ok("run", "scenarios/tokyo4_isolated.json", "-o", d, "-q",
                   "--replications", "2", "--set", "fleet.bikes=2500")
        want = slurp(os.path.join(d, "replications.csv"))
        r = bssim.run("scenarios/tokyo4_isolated.json", replications=2,
                      set={"fleet.bikes": 2500})
        self.assertEqual(r.csv("replications").encode(), want)
        sc = bssim.load("scenarios/tokyo4_isolated.json")
        r = bssim.run(sc, replications=2, set=[("fleet.bikes", "2500")])
        self.assertEqual(r.csv("replications").encode(), want)
        self.assertFalse(sc.closed)
        self.assertNotEqual(sc.get("fleet.bikes"), 2500)

    def test_labels(self):
        a = bssim.open_result(cli_run("tokyo4_full"))
        b = bssim.open_result(cli_run("tokyo4_isolated"))
        self.assertEqual(bssim.labels(a, b), ["tokyo4-full", "tokyo4-isolated"])
        c = bssim.open_result(tmp("cli-seed")) if os.path.exists(
            tmp("cli-seed")) else None
        if c is not None:
            self.assertEqual(bssim.labels(b, c), ["cli-tokyo4_isolated-2",
                                                  "cli-seed"])


class TestRunPandas(RunTests, unittest.TestCase):
    PANDAS = True


class TestRunLists(RunTests, unittest.TestCase):
    PANDAS = False


def csvrows(path):
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


class TestNoPandasEnv(unittest.TestCase):
    def test_env_switch(self):
        rc, out, err = py_child(
            "import bssim; r = bssim.open_result(%r); "
            "print(type(r.metrics).__name__, bssim.use_pandas())"
            % cli_run("tokyo4_full"),
            env={"BSSIM_NO_PANDAS": "1",
                 "BSSIM_LIBRARY": os.environ["BSSIM_LIBRARY"]})
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.split()[0], "list")


# ---- comparisons against `bssim compare` ------------------------------------------------


class CompareTests(Tables):
    A = "scenarios/tokyo4_isolated.json"
    B = "scenarios/tokyo4_full.json"

    # `bssim compare`'s stdout, shared by the subclasses (made once)
    cli_stdout = {}

    @classmethod
    def cli_compare(cls):
        d = tmp("cli-compare")
        if not os.path.exists(d):
            CompareTests.cli_stdout[d] = cli_ok(
                "compare", cls.A, cls.B, "-o", d, "--replications", "2")
        return d

    def test_table_as_compare_csv(self):
        d = self.cli_compare()
        c = bssim.compare(self.A, bssim.load(self.B), replications=2, jobs=2)
        rows = records(c.table)
        self.check_form(c.table)
        want = list(csvrows(os.path.join(d, "compare.csv")))
        self.assertEqual(len(rows), len(want))
        names = {"ci_lo": "ci95_low", "ci_hi": "ci95_high",
                 "un_lo": "unpaired_ci95_low", "un_hi": "unpaired_ci95_high"}
        for r, w in zip(rows, want):
            self.assertEqual((r["ward"], r["metric"], str(r["n"])),
                             (w["ward"], w["metric"], w["n"]))
            for k in bssim.Paired._fields[1:]:
                self.assertEqual(g12(r[k]), w[names.get(k, k)],
                                 (r["ward"], r["metric"], k))
        self.assertIn("A: %s\nB: %s\n" % c.labels, self.cli_stdout[d])
        self.assertEqual(c.replications_count, 2)
        self.assertEqual(c.ward_names, ["Chiyoda", "Chuo", "Minato", "Koto"])
        p = c.metric("service_level", ward="Koto")
        self.assertIsInstance(p, bssim.Paired)
        self.assertEqual(p, c.metric("service_level", "Koto"))
        self.assertEqual(c.metric("service_level"),
                         c.metric("service_level", "all"))
        out = tmp("py-compare-%s" % self.PANDAS)
        c.write(out)
        self.assertEqual(slurp(os.path.join(out, "compare.csv")),
                         slurp(os.path.join(d, "compare.csv")))
        with self.assertRaises(bssim.InputError):
            c.metric("service_level", ward="Osaka")

    def test_set_applies_to_both(self):
        d = tmp("cli-compare-set")
        cli_ok("compare", self.A, self.B, "-o", d, "-q", "--replications",
               "2", "--seed", "5", "--set", "fleet.bikes=2500")
        out = tmp("py-compare-set-%s" % self.PANDAS)
        bssim.compare(self.A, self.B, replications=2, seed=5,
                      set={"fleet.bikes": 2500}).write(out)
        self.assertEqual(slurp(os.path.join(out, "compare.csv")),
                         slurp(os.path.join(d, "compare.csv")))


class TestComparePandas(CompareTests, unittest.TestCase):
    PANDAS = True


class TestCompareLists(CompareTests, unittest.TestCase):
    PANDAS = False


# ---- sweeps against `bssim sweep` ---------------------------------------------------------

SWEEP = {"bssim_sweep": 1, "name": "tiny",
         "base": os.path.join(ROOT, "scenarios", "tokyo4_full.json"),
         "replications": 2, "vary": {"agreement.type": ["isolated", "full"]}}


def sweep_file():
    path = tmp("tiny.json")
    if not os.path.exists(path):
        with open(path, "w") as f:
            json.dump(SWEEP, f)
    return path


_sweep_stdout = []


def cli_sweep():
    """The folder `bssim sweep` wrote (its stdout in _sweep_stdout)."""
    d = tmp("cli-sweep")
    if not os.path.exists(d):
        _sweep_stdout.append(cli_ok("sweep", sweep_file(), "-o", d))
    return d


def cli_tasks_line(outcome):
    """The part of `bssim sweep`'s line an outcome stands for."""
    return "%d tasks (%d from an earlier run)" % (outcome["tasks"],
                                                   outcome["resumed"])


SWEEP_OUTPUTS = ("sweep.csv", "sweep_replications.csv")


def cli_sweep_labels():
    """The points' labels as `bssim compare --sweep DIR 1 2` prints them
    ("A: point 1 (agreement.type=\"isolated\")")."""
    out = cli_ok("compare", "--sweep", cli_sweep(), "1", "2")
    return [line[3:] for line in out.splitlines()[:2]]


class SweepTests(Tables):
    def test_as_cli(self):
        d = cli_sweep()
        out = tmp("py-sweep-%s" % self.PANDAS)
        seen = []
        s = bssim.sweep(sweep_file(), output=out, jobs=2,
                        progress=lambda *a: seen.append(a))
        self.assertEqual(s.dir, out)
        self.assertEqual(s.name, "tiny")
        self.assertEqual(s.labels, cli_sweep_labels())
        self.assertEqual(s.outcome["tasks"], 4)
        self.assertEqual(s.outcome["ran"], 4)
        self.assertTrue(s.outcome["complete"])
        self.assertIn(cli_tasks_line(s.outcome), _sweep_stdout[0])
        self.assertTrue(seen and seen[-1][0] == seen[-1][1] == 4, seen)
        for f in SWEEP_OUTPUTS:
            self.assertEqual(slurp(os.path.join(out, f)),
                             slurp(os.path.join(d, f)), f)
        self.check_form(s.points)
        self.check_form(s.replications)
        pts = records(s.points)
        raw = list(csvrows(os.path.join(d, "sweep.csv")))
        self.assertEqual(len(pts), len(raw))
        self.assertEqual(pts[0]["point"], 1)
        self.assertEqual(pts[0]["agreement.type"], "isolated")
        self.assertEqual(g12(pts[0]["mean"]), raw[0]["mean"])
        self.assertEqual(len(records(s.replications)),
                         len(list(csvrows(os.path.join(
                             d, "sweep_replications.csv")))))
        self.assertEqual(s.summary["name"], "tiny")
        # again: resume keeps every task
        again = bssim.sweep(sweep_file(), output=out, resume=True)
        self.assertEqual((again.outcome["resumed"], again.outcome["ran"]),
                         (4, 0))
        self.assertIn(cli_tasks_line(again.outcome),
                      cli_ok("sweep", sweep_file(), "-o", out, "--resume"))

    def test_open_and_compare(self):
        d = cli_sweep()
        s = bssim.open_sweep(d)
        self.assertIsNone(s.outcome)
        self.assertEqual(s.labels, cli_sweep_labels())
        cd = tmp("cli-sweep-compare")
        if not os.path.exists(cd):
            cli_ok("compare", "--sweep", d, "1", "2", "-o", cd, "-q")
        out = tmp("py-sweep-compare-%s" % self.PANDAS)
        c = s.compare(1, 2)
        self.assertEqual(list(c.labels), cli_sweep_labels())
        c.write(out)
        self.assertEqual(slurp(os.path.join(out, "compare.csv")),
                         slurp(os.path.join(cd, "compare.csv")))
        self.assertEqual(bssim.compare_sweep(d, "1", "2").metric(
            "service_level"), c.metric("service_level"))

    def test_shards_and_merge(self):
        d = cli_sweep()
        a, b = tmp("shard1-%s" % self.PANDAS), tmp("shard2-%s" % self.PANDAS)
        s1 = bssim.sweep(sweep_file(), output=a, shard="1/2")
        s2 = bssim.sweep(sweep_file(), output=b, shard=(2, 2))
        self.assertFalse(s1.complete)
        self.assertIsNone(s1.points)
        self.assertEqual(s1.outcome["mine"] + s2.outcome["mine"], 4)
        m = bssim.merge([a, b], tmp("merged-%s" % self.PANDAS))
        self.assertTrue(m.outcome["complete"])
        for f in SWEEP_OUTPUTS:
            self.assertEqual(slurp(os.path.join(m.dir, f)),
                             slurp(os.path.join(d, f)), f)
        with self.assertRaises(ValueError):
            bssim.sweep(sweep_file(), output=a, shard="3/2")


class TestSweepPandas(SweepTests, unittest.TestCase):
    PANDAS = True


class TestSweepLists(SweepTests, unittest.TestCase):
    PANDAS = False


class TestSweepDefaultFolder(unittest.TestCase):
    def test_out_name(self):
        """output=None: out/<name> under the current folder, as the CLI."""
        cwd = tmp("cwd")
        os.makedirs(cwd, exist_ok=True)
        here = os.getcwd()
        os.chdir(cwd)
        try:
            s = bssim.sweep(sweep_file())
        finally:
            os.chdir(here)
        self.assertEqual(s.dir, "out/tiny")
        self.assertEqual(slurp(os.path.join(cwd, "out", "tiny", "sweep.csv")),
                         slurp(os.path.join(cli_sweep(), "sweep.csv")))


# ---- optimisation against `bssim optimize` ----------------------------------------------------

def optimize_file(name, doc):
    path = tmp(name + ".json")
    if not os.path.exists(path):
        with open(path, "w") as f:
            json.dump(doc, f)
    return path


def small_allocation():
    """A few evaluations of the Tokyo day's allocation (seconds)."""
    return optimize_file("small-optimize", {
        "bssim_optimize": 1, "name": "small-optimize",
        "base": os.path.join(ROOT, "scenarios", "tokyo4_full.json"),
        "replications": 4, "objective": {"maximize": "reach_level"},
        "search": {"block": 8, "candidates": 2, "max_evaluations": 6,
                   "final_replications": 4}})


def small_selection():
    return optimize_file("small-select", {
        "bssim_optimize": 1, "name": "small-select",
        "objective": {"maximize": "reach_level"},
        "select": {"scenarios": [
            os.path.join(ROOT, "scenarios", "tokyo4_isolated.json"),
            os.path.join(ROOT, "scenarios", "tokyo4_full.json")],
            "delta": 0.002, "n0": 4}})


class OptimizeTests(Tables):
    def test_allocation_as_cli(self):
        d = tmp("cli-optimize")
        if not os.path.exists(d):
            cli_ok("optimize", small_allocation(), "-o", d, "-q")
        out = tmp("py-optimize-%s" % self.PANDAS)
        seen = []
        o = bssim.optimize(small_allocation(), output=out, jobs=2,
                           progress=lambda *a: seen.append(a))
        self.assertEqual((o.dir, o.name, o.select),
                         (out, "small-optimize", False))
        for f in ("allocation.csv", "trace.csv"):
            self.assertEqual(slurp(os.path.join(out, f)),
                             slurp(os.path.join(d, f)), f)
        self.check_form(o.allocation)
        self.check_form(o.trace)
        self.assertIsNone(o.selection)
        j = o.summary
        self.assertEqual(o.outcome["evaluations"], j["evaluations"])
        self.assertEqual(o.outcome["moves"], j["moves"])
        self.assertIn("small-optimize: maximize reach_level", o.outcome["text"])
        # the line to run names the folder by its absolute path (it said
        # DIR; fleet.initial is read relative to the scenario's folder)
        self.assertIn("--set fleet.initial=%s/allocation.csv"
                      % os.path.abspath(out), o.outcome["text"])
        self.assertTrue(seen, "no progress reported")
        alloc = records(o.allocation)
        self.assertEqual(len(alloc), 464)
        self.assertEqual(sum(r["bikes"] for r in alloc), j["fleet"]["after"])
        self.assertEqual(len(records(o.trace)), o.outcome["evaluations"])

    def test_selection_as_cli(self):
        d = tmp("cli-select")
        if not os.path.exists(d):
            cli_ok("optimize", small_selection(), "-o", d, "-q")
        o = bssim.optimize(small_selection(),
                           output=tmp("py-select-%s" % self.PANDAS))
        self.assertTrue(o.select)
        self.assertEqual(slurp(os.path.join(o.dir, "selection.csv")),
                         slurp(os.path.join(d, "selection.csv")))
        self.assertEqual(o.outcome["winner"], 1)  # full mutual use
        self.assertFalse(o.outcome["capped"])
        self.assertAlmostEqual(o.outcome["pcs"], 0.95)
        self.assertIsNone(o.allocation)
        rows = records(o.selection)
        self.assertEqual([r["winner"] for r in rows], [0, 1])
        self.assertEqual(sum(r["replications"] for r in rows),
                         o.outcome["replications"])


class TestOptimizePandas(OptimizeTests, unittest.TestCase):
    PANDAS = True


class TestOptimizeLists(OptimizeTests, unittest.TestCase):
    PANDAS = False


class TestOptimizeInput(unittest.TestCase):
    def test_bad_objective(self):
        """An unknown metric: InputError naming the file and the key, as
        `bssim optimize` says it (exit 2), and nothing written."""
        path = optimize_file("bad-objective", {
            "bssim_optimize": 1, "name": "bad-objective",
            "base": os.path.join(ROOT, "scenarios", "tokyo4_full.json"),
            "objective": {"maximize": "reach_levle"}})
        rc, _, err = cli("optimize", path, "-o", tmp("bad-cli"))
        self.assertEqual(rc, 2)
        with self.assertRaises(bssim.InputError) as c:
            bssim.optimize(path, output=tmp("bad-py"))
        e = c.exception
        self.assertEqual(e.exit_status, 2)
        self.assertIn("reach_levle", str(e))
        self.assertIn(str(e).split(": ", 1)[-1][:40], err)
        self.assertFalse(os.path.exists(tmp("bad-py")))

    def test_out_name(self):
        """output=None: out/<name> under the current folder, as the CLI,
        which says so by the folder's name."""
        cwd = tmp("cwd-optimize")
        os.makedirs(cwd, exist_ok=True)
        here = os.getcwd()
        os.chdir(cwd)
        try:
            o = bssim.optimize(small_selection())
        finally:
            os.chdir(here)
        self.assertEqual(o.dir, os.path.join("out", "small-select"))
        self.assertTrue(os.path.exists(os.path.join(cwd, o.dir,
                                                    "selection.csv")))
        out = cli_ok("optimize", small_selection(), "--force", cwd=cwd)
        self.assertIn("-> out/small-select/", out)


# ---- data in against `bssim import` / `bssim calibrate` ----------------------------------------

FIX = os.path.join(ROOT, "tests", "fixtures")


class TestData(unittest.TestCase):
    def test_import_trips_and_calibrate(self):
        log = os.path.join(FIX, "trips_small.csv")
        c, p = tmp("data-cli"), tmp("data-py")
        os.makedirs(c, exist_ok=True)
        os.makedirs(p, exist_ok=True)
        rc, out, err = cli("import", "trips", log, "-o", c + "/st.csv",
                           "--capacity", "9", "--ward", "JC")
        self.assertEqual(rc, 0, err)
        rep = bssim.import_trips(log, p + "/st.csv", capacity=9, ward="JC")
        self.assertEqual(slurp(p + "/st.csv"), slurp(c + "/st.csv"))
        self.assertIn("%d stations of %d rides" % (rep["stations"],
                                                   rep["rows"]), out)
        # the rows skipped: counted as the CLI counts them, the first
        # kept verbatim as it warns
        w = rep["warnings"]
        self.assertIn("warnings: %d" % w["count"], out)
        self.assertGreater(w["count"], 0)
        self.assertEqual(["bssim: warning: " + x for x in w["first"]],
                         err.splitlines()[:len(w["first"])])
        cli_ok("calibrate", "trips", log, "--stations", c + "/st.csv", "-o",
               c + "/r.csv", "--od", c + "/od.csv", "--profile", c + "/pr.csv")
        rep = bssim.calibrate("trips", log, p + "/st.csv", p + "/r.csv",
                              od=p + "/od.csv", profile=p + "/pr.csv")
        for f in ("r.csv", "od.csv", "pr.csv"):
            self.assertEqual(slurp(p + "/" + f), slurp(c + "/" + f), f)
        self.assertGreater(rep["od_pairs"], 0)
        self.assertGreater(rep["departures"], 0)

    def test_calibrate_status(self):
        c, p = tmp("status-cli"), tmp("status-py")
        for d in (c, p):
            os.makedirs(d, exist_ok=True)
            with open(d + "/sst.csv", "w") as f:
                f.write("station_id,name,ward,lat,lon,capacity\n"
                        "s1,S1,W,35.7,139.7,20\ns2,S2,W,35.71,139.7,20\n"
                        "s3,S3,W,35.72,139.7,20\n")
        series = os.path.join(FIX, "status_small.csv")
        cli_ok("calibrate", "status", series, "--stations", c + "/sst.csv",
               "-o", c + "/r.csv", "--truck-jump", "3",
               "--moves", c + "/m.csv", "--ops-policy", c + "/op.csv",
               "--stations-out", c + "/soft.csv")
        rep = bssim.calibrate("status", series, p + "/sst.csv", p + "/r.csv",
                              truck_jump=3, moves=p + "/m.csv",
                              ops_policy=p + "/op.csv",
                              stations_out=p + "/soft.csv")
        for f in ("/r.csv", "/m.csv", "/op.csv", "/soft.csv"):
            self.assertEqual(slurp(p + f), slurp(c + f), f)
        self.assertEqual(rep["stations"], 3)
        self.assertEqual(set(rep["warnings"]), {"count", "first"})

    def test_import_gbfs(self):
        g = os.path.join(FIX, "gbfs")
        c, p = tmp("gbfs-cli"), tmp("gbfs-py")
        os.makedirs(c, exist_ok=True)
        os.makedirs(p, exist_ok=True)
        out = cli_ok("import", "gbfs", "--station-information",
                     g + "/station_information.json", "--system-regions",
                     g + "/system_regions.json", "--station-status",
                     g + "/station_status.json", "--stock-output",
                     c + "/stock.csv", "-o", c + "/st.csv")
        rep = bssim.import_gbfs(g + "/station_information.json",
                                p + "/st.csv",
                                system_regions=g + "/system_regions.json",
                                station_status=g + "/station_status.json",
                                stock_output=p + "/stock.csv")
        for f in ("st.csv", "stock.csv"):
            self.assertEqual(slurp(p + "/" + f), slurp(c + "/" + f), f)
        self.assertIn("%d stations of the feed's %d" % (
            rep["stations"], rep["feed_stations"]), out)
        self.assertIn("%d bikes at %d stations" % (rep["bikes"],
                                                   rep["stocked"]), out)


# ---- interrupts ---------------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import json, os, sys
    import bssim
    mode, out = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
    HANG_S = %d

    def wait_for_stop(done, total, frac):
        # after the first replication (or task), hold the library's thread
        # until the SIGINT sent while the process stood stopped has reached
        # the package's handler (which sets stop_seen after bs_interrupt):
        # the next one is then never handed out. Waits on the stop
        # request, not on time.
        # (HANG_S only ends a real hang, as tests/run.sh's timeouts do)
        if done >= 1:
            if not bssim._calls.stop_seen.wait(HANG_S):
                sys.exit("the SIGINT never reached the package's handler")
            assert bssim.interrupted()

    try:
        if mode == "run":
            sc = bssim.load("scenarios/tokyo4_full.json")
            r = sc.run(replications=int(os.environ["REPS"]), output=out,
                       progress=wait_for_stop
                       if os.environ.get("WAIT") else None)
            print(json.dumps({"returned": r.replications_count}))
        else:
            s = bssim.sweep(os.environ["SWEEP"], output=out,
                            progress=wait_for_stop)
            print(json.dumps({"returned": s.outcome}))
    except KeyboardInterrupt as e:
        r = getattr(e, "result", None)
        d = {"ki": str(e)}
        if isinstance(r, bssim.Result):
            d.update(n=r.replications_count, interrupted=r.interrupted,
                     dir=r.dir)
        elif r is not None:
            d.update(outcome=r.outcome)
        print(json.dumps(d))
""")


def interrupted_child(stop_at, args, env):
    """Start the child, wait until it stands stopped at stop_at, send
    SIGINT, let it go on; its stdout as JSON, and its exit status."""
    script = tmp("child.py")
    with open(script, "w") as f:
        f.write(CHILD % HANG_S)
    e = dict(os.environ, BSSIM_TEST_STOP_AT=stop_at, **env)
    outp = tmp("child.out")
    with open(outp, "w") as fo, open(tmp("child.err"), "w") as fe:
        p = subprocess.Popen([PYTHON, script] + args, env=e, stdout=fo,
                             stderr=fe, cwd=ROOT)
        _, st = os.waitpid(p.pid, os.WUNTRACED)
        if not os.WIFSTOPPED(st):
            p.returncode = os.waitstatus_to_exitcode(st)
            raise AssertionError("the child ended (%s) instead of stopping "
                                 "at %s: %s" % (st, stop_at,
                                                slurp(tmp("child.err"), "r")))
        os.kill(p.pid, signal.SIGINT)
        os.kill(p.pid, signal.SIGCONT)
        try:
            rc = p.wait(HANG_S)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise AssertionError("the child hung after SIGINT at %s"
                                 % stop_at)
    err = slurp(tmp("child.err"), "r")
    try:
        return json.loads(slurp(outp, "r")), rc, err
    except ValueError:
        raise AssertionError("child: exit %d, stdout %r, stderr %s"
                             % (rc, slurp(outp, "r"), err))


class TestInterrupt(unittest.TestCase):
    def test_ctrl_c_in_memory(self):
        """SIGINT once the first of 50 replications is done: the run stops
        there, KeyboardInterrupt carries the one finished."""
        got, rc, err = interrupted_child("rep-done:1", ["run"],
                                         {"REPS": "50", "WAIT": "1"})
        self.assertEqual(rc, 0, err)
        self.assertEqual(got, {"ki": "interrupted: 1 replication of 50 "
                               "complete, in .result", "n": 1,
                               "interrupted": True, "dir": None})

    def test_ctrl_c_to_folder(self):
        """The same with output=DIR: the finished replication is written,
        marked interrupted, as `bssim run` writes it."""
        out = tmp("int-out")
        got, rc, err = interrupted_child("rep-done:1", ["run", out],
                                         {"REPS": "50", "WAIT": "1"})
        self.assertEqual(rc, 0, err)
        self.assertEqual(got["n"], 1)
        self.assertEqual(got["ki"], "interrupted: wrote the 1 complete "
                         "replication of 50 to %s (run.interrupted is true in "
                         "summary.json)" % out)
        doc = json.loads(slurp(os.path.join(out, "summary.json")))
        self.assertTrue(doc["run"]["interrupted"])
        self.assertEqual(doc["replications"], 1)
        self.assertEqual([f for f in os.listdir(out) if "tmp" in f], [])

    def test_ctrl_c_while_writing(self):
        """SIGINT while the results are about to be written: the write
        completes (nothing is cut short), KeyboardInterrupt says so."""
        out = tmp("int-write")
        got, rc, err = interrupted_child("before-write", ["run", out],
                                         {"REPS": "3"})
        self.assertEqual(rc, 0, err)
        self.assertEqual(got, {"ki": "interrupted while writing: the 3 "
                               "replications are written to %s" % out,
                               "n": 3, "interrupted": False, "dir": out})
        doc = json.loads(slurp(os.path.join(out, "summary.json")))
        self.assertFalse(doc["run"]["interrupted"])
        self.assertEqual(doc["replications"], 3)

    def test_ctrl_c_sweep_then_resume(self):
        """A sweep stopped after its first task keeps it recorded;
        resume=True finishes it, the outputs those of one whole run."""
        out = tmp("int-sweep")
        got, rc, err = interrupted_child("task-recorded:1", ["sweep", out],
                                         {"SWEEP": sweep_file()})
        self.assertEqual(rc, 0, err)
        self.assertEqual(got["outcome"]["recorded"], 1)
        self.assertFalse(got["outcome"]["complete"])
        self.assertIn("1 of 4 tasks are recorded in %s" % out, got["ki"])
        s = bssim.sweep(sweep_file(), output=out, resume=True)
        self.assertEqual((s.outcome["resumed"], s.outcome["ran"]), (1, 3))
        for f in SWEEP_OUTPUTS:
            self.assertEqual(slurp(os.path.join(out, f)),
                             slurp(os.path.join(cli_sweep(), f)), f)

    def test_interrupt_from_callback(self):
        """bssim.interrupt() from a progress callback: Interrupted (an
        Error) with the finished replication; the next run is not stopped
        by the request left over."""
        def stop(done, total, frac):
            if done >= 1:
                bssim.interrupt()
        sc = bssim.load("scenarios/tokyo4_full.json")
        with self.assertRaises(bssim.Interrupted) as cm:
            sc.run(replications=20, progress=stop)
        r = cm.exception.result
        self.assertEqual((r.replications_count, r.interrupted), (1, True))
        self.assertEqual(cm.exception.code, -5)
        self.assertEqual(str(cm.exception), "interrupted: 1 replication of "
                         "20 complete, in .result")
        self.assertEqual(sc.run(replications=2).replications_count, 2)

    def test_callback_exception(self):
        """An exception in the callback is raised when the call returns;
        the process and the run are unharmed."""
        calls = []

        def bad(done, total, frac):
            calls.append(done)
            raise ZeroDivisionError("in the callback")
        out = tmp("cb-exc")
        with self.assertRaises(ZeroDivisionError):
            bssim.load("scenarios/tokyo4_isolated.json").run(
                replications=2, progress=bad, output=out)
        self.assertEqual(len(calls), 1)  # later progress is not reported
        self.assertEqual(slurp(os.path.join(out, "replications.csv")),
                         slurp(os.path.join(cli_run("tokyo4_isolated"),
                                            "replications.csv")))


# ---- threads ------------------------------------------------------------------------------------


class TestThreads(unittest.TestCase):
    def test_runs_on_threads(self):
        """Distinct scenarios on distinct threads at once: each result
        that of its run alone (bssim.h's thread-safety rule); a call from
        a thread other than the main one runs in that thread."""
        got = {}

        def work(name):
            with bssim.load("scenarios/%s.json" % name) as sc:
                got[name] = sc.run(replications=2).csv("replications")
        ts = [threading.Thread(target=work, args=(n,)) for n in SCENARIOS]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        for n in SCENARIOS:
            self.assertEqual(got[n].encode(), slurp(os.path.join(
                cli_run(n), "replications.csv")))

    def test_one_scenario_two_threads(self):
        """One Scenario shared by two threads: the calls take turns."""
        sc = bssim.load("scenarios/tokyo4_isolated.json")
        got = []
        ts = [threading.Thread(target=lambda: got.append(
            sc.run(replications=2).csv("replications"))) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(len(got), 2)
        self.assertEqual(got[0], got[1])


# ---- folders ------------------------------------------------------------------------------------


class TestFolders(unittest.TestCase):
    def test_folder_check(self):
        self.assertIsNone(bssim.folder_check(tmp("new-folder"), "run"))
        self.assertFalse(os.path.exists(tmp("new-folder")))
        with self.assertRaises(bssim.InputError):
            bssim.folder_check(cli_sweep(), "run")
        self.assertIsNone(bssim.folder_check(cli_sweep(), "sweep"))


# ---- the manual ---------------------------------------------------------------------------------


def doc_blocks():
    """The ```python blocks of docs/python.md, in order."""
    text = slurp(os.path.join(ROOT, "docs", "python.md"), "r")
    import re
    return re.findall(r"^```python\n(.*?)^```", text, re.M | re.S)


class TestDocs(unittest.TestCase):
    def test_examples(self):
        """Every example of docs/python.md runs as it stands, one after
        the other in one namespace, from a folder laid out as the source
        tree's top (scenarios/, data/) and as PREFIX/share/bssim."""
        d = tmp("docs")
        os.makedirs(d, exist_ok=True)
        for sub in ("scenarios", "data"):
            if not os.path.exists(os.path.join(d, sub)):
                os.symlink(os.path.join(ROOT, sub), os.path.join(d, sub))
        blocks = doc_blocks()
        self.assertGreaterEqual(len(blocks), 10)
        here, was = os.getcwd(), bssim._tables._want
        ns = {}
        out = io.StringIO()
        os.chdir(d)
        try:
            import contextlib
            with contextlib.redirect_stdout(out):
                for i, code in enumerate(blocks):
                    with self.subTest(block=i + 1, code=code[:60]):
                        exec(compile(code, "docs/python.md block %d" % (i + 1),
                                     "exec"), ns)
        finally:
            os.chdir(here)
            bssim._tables._want = was
        # the comments promise what the examples print
        self.assertIn("tokyo4-full scenarios/tokyo4_full.json", out.getvalue())
        self.assertIn("4 0\n", out.getvalue())
        self.assertIn("mem.json 2 12 fleet.bikez", out.getvalue())

    def test_every_name(self):
        """Every public name of the package is in the manual, and every
        public function, class and method has a docstring (help(bssim))."""
        text = slurp(os.path.join(ROOT, "docs", "python.md"), "r")
        import inspect
        for name in bssim.__all__:
            with self.subTest(name=name):
                self.assertTrue(name in text, "%s: not in docs/python.md" % name)
                obj = getattr(bssim, name)
                if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                    continue
                self.assertTrue(inspect.getdoc(obj), name)
                if not inspect.isclass(obj):
                    continue
                for m, v in vars(obj).items():
                    if m.startswith("_") or not (
                            inspect.isfunction(v) or isinstance(v, property)):
                        continue
                    self.assertTrue(m in text, "%s.%s: not in docs/python.md" % (name, m))
                    self.assertTrue(inspect.getdoc(v), "%s.%s" % (name, m))
        self.assertIn("bssim: the bike-share", pydoc_text())


def pydoc_text():
    import pydoc
    return pydoc.plain(pydoc.render_doc(bssim))


# ---- a runner that speaks tests/run.sh's language ------------------------------------------


class Result(unittest.TextTestResult):
    pass


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(
        sys.modules[__name__])
    stream = io.StringIO()
    runner = unittest.TextTestRunner(stream=stream, verbosity=2,
                                     resultclass=Result)
    try:
        res = runner.run(suite)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    n = res.testsRun
    f, e = len(res.failures), len(res.errors)
    ok = n - f - e
    if f or e:
        sys.stdout.write(stream.getvalue())
    for test, reason in res.skipped:
        print("SKIP: %s: %s" % (test.id().split(".", 1)[-1], reason))
    print("%d%%: Checks: %d, Failures: %d, Errors: %d"
          % (100 * ok // n if n else 100, n, f, e))
    return 0 if res.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
