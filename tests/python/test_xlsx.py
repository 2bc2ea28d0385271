"""results.xlsx and the Excel round trip (issue 16, item 2), from outside.

results.xlsx (output.xlsx) is read back with pandas' read_excel (Debian's
python3-openpyxl) and must hold the same numbers as the CSVs of the same
run: every cell to the digits the CSV holds (%.12g), station ids as text
with their leading zeros, Japanese headers with output.language "ja".
With output.xlsx off (absent or false) the folder is byte for byte what
it was; output.csv_bom adds a byte-order mark and nothing else. A CP932
stations file (tests/fixtures/jp_stations_cp932.csv, made with iconv)
gives the same results as its UTF-8 original, with a note on stderr.

Run by tests/check_xlsx (make check); prints SKIP: lines and a last line
as Check does. No test waits on time.
"""
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
os.chdir(ROOT)
BUILD = os.environ.get("BUILD", "build")
BSSIM = os.path.abspath(os.environ.get("BSSIM", os.path.join(BUILD, "bssim")))

try:
    import pandas
    import openpyxl
    HAVE = True
except ImportError:
    HAVE = False

TMP = tempfile.mkdtemp(prefix="bssim-xlsx-")
TABLES = ("replications", "stations", "timeseries", "flows")
BOM = b"\xef\xbb\xbf"
IDS = {"station_id": str, "ステーションID": str}


def cli(*args):
    p = subprocess.run([BSSIM] + [str(a) for a in args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def run(name, *sets, scenario="scenarios/tokyo4_full.json", reps=2):
    d = os.path.join(TMP, name)
    args = ["run", scenario, "-o", d, "--replications", reps]
    for s in sets:
        args += ["--set", s]
    rc, err = cli(*args)
    if rc != 0:
        raise AssertionError("bssim %s: exit %d: %s" % (args, rc, err))
    return d, err


def files(d):
    """{name: bytes} of a result folder, its marker left out."""
    return {f: open(os.path.join(d, f), "rb").read()
            for f in sorted(os.listdir(d)) if f != ".bssim"}


def close(a, b):
    """Equal as the CSV holds them: NaN to NaN (an empty cell), else to
    the 12 significant digits of %.12g."""
    na = a is None or (isinstance(a, float) and math.isnan(a))
    nb = b is None or (isinstance(b, float) and math.isnan(b))
    if na or nb:
        return na and nb
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return float("%.12g" % float(a)) == float("%.12g" % float(b))


@unittest.skipUnless(HAVE, "pandas or openpyxl missing "
                     "(scripts/install-deps.sh python)")
class TestWorkbook(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir, _ = run("en", "output.xlsx=true")
        # pandas infers numbers from text cells too: the ids' dtype is
        # named, as docs/analysts.md tells analysts to
        cls.book = pandas.read_excel(os.path.join(cls.dir, "results.xlsx"),
                                     sheet_name=None, dtype=IDS)

    def assertSameTable(self, sheet, csv):
        t = pandas.read_csv(os.path.join(self.dir, csv),
                            dtype={"station_id": str})
        x = self.book[sheet]
        self.assertEqual(list(x.columns), list(t.columns), sheet)
        self.assertEqual(len(x), len(t), sheet)
        for col in t.columns:
            for i, (a, b) in enumerate(zip(x[col], t[col])):
                self.assertTrue(close(a, b), "%s row %d %s: %r (xlsx) != %r"
                                " (csv)" % (sheet, i + 2, col, a, b))

    def test_tables_as_csvs(self):
        for table in TABLES:
            self.assertSameTable(table, table + ".csv")

    def test_metrics_as_summary(self):
        s = json.load(open(os.path.join(self.dir, "summary.json")))
        m = self.book["metrics"]
        # the headline first
        self.assertEqual(list(m["metric"][:2]), ["service_level"] * 2)
        self.assertEqual(m["ward"][0], "all")
        seen = 0
        for _, r in m.iterrows():
            src = (s["metrics"] if r["ward"] == "all"
                   else s["wards"][r["ward"]]["metrics"])[r["metric"]]
            for k, col in (("mean", "mean"), ("sd", "sd"),
                           ("ci95_low", "ci95_low"),
                           ("ci95_high", "ci95_high")):
                self.assertTrue(close(r[col], src[k]),
                                "%s %s %s" % (r["metric"], r["ward"], k))
            seen += 1
        nmet = len(s["metrics"])
        self.assertEqual(seen, nmet * (len(s["wards"]) + 1))

    def test_matrices_as_summary(self):
        s = json.load(open(os.path.join(self.dir, "summary.json")))
        for sheet, key in (("flow_matrix", "flows"),
                           ("settlement", "settlement_yen")):
            x = self.book[sheet].set_index(self.book[sheet].columns[0])
            for a, row in s[key].items():
                for b, v in row.items():
                    self.assertTrue(close(x.loc[a, b], v),
                                    "%s %s %s" % (sheet, a, b))

    def test_ids_text_and_formats(self):
        # the ids are text cells in the workbook (Excel keeps the zeros)
        st = self.book["stations"]
        self.assertTrue(all(isinstance(v, str) for v in st["station_id"]))
        self.assertEqual(st["station_id"][0], "00010001")
        wb = openpyxl.load_workbook(os.path.join(self.dir, "results.xlsx"))
        ws = wb["stations"]
        self.assertEqual(ws["A2"].data_type, "s")
        self.assertEqual(ws["G2"].number_format, "0.0%")  # empty_frac
        self.assertEqual(ws["D2"].number_format, "#,##0")  # capacity
        m = wb["metrics"]
        fmt = {}
        for row in m.iter_rows(min_row=2):
            fmt.setdefault(row[0].value, row[2].number_format)
        self.assertEqual(fmt["service_level"], "0.0%")
        self.assertIn("#,##0", fmt["net_yen"])
        self.assertIn("\u00a5", fmt["net_yen"])
        self.assertEqual(fmt["trips_requested"], "#,##0.0")
        self.assertEqual(wb.sheetnames[:2], ["metrics", "run"])


@unittest.skipUnless(HAVE, "pandas or openpyxl missing "
                     "(scripts/install-deps.sh python)")
class TestDays(TestWorkbook):
    """days.csv's sheet, and the time series of the replications
    timeseries.csv holds (output.timeseries_replications): the same
    numbers as the CSVs; every other table as before."""
    @classmethod
    def setUpClass(cls):
        cls.dir, _ = run("days", "output.xlsx=true", "output.days=true",
                         "horizon.days=3", "output.timeseries_replications=1")
        cls.book = pandas.read_excel(os.path.join(cls.dir, "results.xlsx"),
                                     sheet_name=None, dtype=IDS)

    def test_days_as_csv(self):
        self.assertSameTable("days", "days.csv")
        self.assertEqual(set(self.book["timeseries"]["replication"]), {1})
        self.assertEqual(len(self.book["days"]), 2 * 3 * 5)


@unittest.skipUnless(HAVE, "pandas or openpyxl missing "
                     "(scripts/install-deps.sh python)")
class TestJapanese(unittest.TestCase):
    def test_headers_ja_numbers_same(self):
        en, _ = run("ja-en", "output.xlsx=true")
        ja, _ = run("ja", "output.xlsx=true", 'output.language="ja"')
        a = pandas.read_excel(os.path.join(en, "results.xlsx"),
                              sheet_name=None, dtype=IDS)
        b = pandas.read_excel(os.path.join(ja, "results.xlsx"),
                              sheet_name=None, dtype=IDS)
        self.assertEqual(list(a), list(b))  # sheet names stay
        self.assertEqual(list(b["stations"].columns)[:3],
                         ["ステーションID", "名称", "区"])
        self.assertEqual(list(b["metrics"].columns)[:3],
                         ["指標", "区", "平均"])
        for sheet in a:
            self.assertEqual(a[sheet].shape, b[sheet].shape, sheet)
            for i in range(a[sheet].shape[1]):
                for u, v in zip(a[sheet].iloc[:, i], b[sheet].iloc[:, i]):
                    self.assertTrue(close(u, v), sheet)


class TestOff(unittest.TestCase):
    def test_off_byte_identical(self):
        base, _ = run("off")
        off, _ = run("off-false", "output.xlsx=false",
                     "output.csv_bom=false")
        self.assertEqual(files(base).keys(), files(off).keys())
        fb, fo = files(base), files(off)
        for f in fb:
            if f == "summary.json":  # the resolved scenario names the keys
                continue
            self.assertEqual(fb[f], fo[f], f)
        self.assertNotIn("results.xlsx", fb)
        # the workbook changes no other file
        on, _ = run("off-on", "output.xlsx=true")
        fn = files(on)
        self.assertIn("results.xlsx", fn)
        for f in TABLES:
            self.assertEqual(fn[f + ".csv"], fb[f + ".csv"], f)
        # rerun into the same folder with it off: the workbook goes
        rc, err = cli("run", "scenarios/tokyo4_full.json", "-o", on,
                      "--replications", 2)
        self.assertEqual(rc, 0, err)
        self.assertNotIn("results.xlsx", files(on))

    def test_csv_bom(self):
        base, _ = run("bom-base")
        bom, _ = run("bom", "output.csv_bom=true", "output.trips=true")
        fb, fm = files(base), files(bom)
        for f in TABLES:
            self.assertTrue(fm[f + ".csv"].startswith(BOM), f)
            self.assertEqual(fm[f + ".csv"][len(BOM):], fb[f + ".csv"], f)
        self.assertTrue(fm["trips.csv"].startswith(BOM))
        # and bssim reads its own files back (show reads replications.csv)
        rc, err = cli("show", bom)
        self.assertEqual(rc, 0, err)


class TestEveryOutput(unittest.TestCase):
    def test_every_file_at_once(self):
        """Every optional output of a run at once: nine files, one more
        than the run's list of names once had room for (a stack
        overflow that the sanitizer build reports)."""
        d, _ = run("every", "output.xlsx=true", "output.geojson=true",
                   "output.trips=true",
                   "network.boundaries=\"../data/raw/"
                   "tokyo_municipalities_N03-21_13_210101_s0010.geojson\"",
                   "network.names=\"../data/names.csv\"", reps=1)
        self.assertEqual(sorted(files(d)), sorted([
            "summary.json", "replications.csv", "stations.csv",
            "timeseries.csv", "flows.csv", "stations.geojson",
            "wards.geojson", "trips.csv", "results.xlsx"]))


class TestCp932(unittest.TestCase):
    def test_cp932_same_as_utf8(self):
        d = os.path.join(TMP, "cp932")
        os.makedirs(d)
        for name in ("jp_stations.csv", "jp_stations_cp932.csv"):
            with open(os.path.join(d, name[:-4] + ".json"), "w") as f:
                json.dump({"bssim": 1, "name": "jp", "replications": 2,
                           "horizon": {"days": 1},
                           "network": {"stations": os.path.join(
                               ROOT, "tests/fixtures", name)},
                           "fleet": {"bikes": 20},
                           "demand": {"model": "uniform",
                                      "rate_per_station_per_hour": 2}}, f)
        u, eu = run("u", scenario=os.path.join(d, "jp_stations.json"))
        c, ec = run("c", scenario=os.path.join(d, "jp_stations_cp932.json"))
        self.assertNotIn("note:", eu)
        self.assertIn("bssim: note: ", ec)
        self.assertIn("jp_stations_cp932.csv: not UTF-8 but CP932", ec)
        fu, fc = files(u), files(c)
        for f in TABLES:
            self.assertEqual(fu[f + ".csv"], fc[f + ".csv"], f)
        self.assertIn("千代田区".encode(), fc["stations.csv"])


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(
        sys.modules[__name__])
    stream = io.StringIO()
    runner = unittest.TextTestRunner(stream=stream, verbosity=2)
    try:
        res = runner.run(suite)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    n = res.testsRun
    f, e = len(res.failures), len(res.errors)
    if f or e:
        sys.stdout.write(stream.getvalue())
    for test, reason in res.skipped:
        print("SKIP: %s: %s" % (test.id().split(".", 1)[-1], reason))
    print("%d%%: Checks: %d, Failures: %d, Errors: %d"
          % (100 * (n - f - e) // n if n else 100, n, f, e))
    return 0 if res.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
