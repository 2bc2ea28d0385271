"""Runs and their results: Scenario.run, Result, bssim.open_result."""
import collections
import ctypes
import json

from . import _calls as C
from . import _errors as E
from . import _native as N
from . import _tables as T
from ._handle import Handle
from ._scenario import jobs_of, run_sets

Stat = collections.namedtuple("Stat", "mean sd ci_lo ci_hi n")
Stat.__doc__ = ("A metric over the replications: mean, sd and 95% interval "
                "(NaN when undefined, e.g. a service level with no request)"
                ", and n, the replications where it was defined.")

STAT_COLUMNS = ["metric", "mean", "sd", "ci_lo", "ci_hi", "n"]
# the tables of bs_result_csv, as the files `bssim run` writes
TABLES = ("replications", "stations", "timeseries", "flows")
MATRICES = ("flows", "settlement_yen")


def run_opts(jobs, force, paranoid, monitor):
    o = N.opts_default("run")
    o.jobs = jobs_of(jobs)
    o.force = 1 if force else 0
    o.paranoid = 1 if paranoid else 0
    o.monitor = monitor.pointer()
    return o


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def run_scenario(sc, replications=None, jobs=1, seed=None, output=None,
                 force=False, progress=None, paranoid=False):
    """Run sc's replications, as `bssim run` does.

    replications and seed override the scenario's keys as `--set
    replications=N` and `--set seed=N` do (the scenario is read again with
    them). output=None runs in memory (no files; no trip log); output=DIR
    writes DIR exactly as `bssim run -o DIR` (claimed and locked; force as
    --force). jobs: threads (results are identical for any). progress:
    callable(done, total, frac) called now and then from the library's
    threads.

    Returns a Result. InputError on bad input (nothing written),
    FileError when DIR cannot be written, RunError when the run fails.
    Ctrl-C stops the run: KeyboardInterrupt, its .result the finished
    replications (written to DIR when output was given) or None; the same
    after bssim.interrupt() raises Interrupted."""
    extra = run_sets(replications, seed)
    mon = C.Monitor(progress)
    opts = run_opts(jobs, force, paranoid, mon)
    outdir = None if output is None else N.cstr(output, "output", path=True)
    with sc._lock:
        derived = sc._derive(extra)
        use = derived or sc
        try:
            with use._lock:
                h = use._h()
                err = E.new()

                def call():
                    if outdir is None:
                        p = N.lib.bs_run(h, ctypes.byref(opts),
                                         ctypes.byref(err))
                        return 0, (Result(p) if p else None)
                    out = ctypes.c_void_p()
                    rc = N.lib.bs_run_to(h, outdir, ctypes.byref(opts),
                                         ctypes.byref(out), ctypes.byref(err))
                    return rc, (Result(out.value) if out.value else None)

                o = C.run(call)
        finally:
            if derived is not None:
                derived.close()  # the result holds its own reference
    rc, res = o.value
    if res is None and rc == 0:
        rc = err.code or E.BS_E_INPUT
    return finish_run(rc, err, res, o.sigint, mon, outdir is not None)


def finish_run(rc, err, res, sigint, mon, written):
    """The Result, or the exception a run's end calls for (in this order:
    a failure, a Ctrl-C, an exception of the progress callback, an
    interrupt)."""
    if rc and rc != E.BS_E_INTERRUPTED:
        if res is not None:
            res.close()
        raise E.from_struct(err, rc)
    stopped = rc == E.BS_E_INTERRUPTED or (res is not None and
                                           res.interrupted)
    msg = None  # a run neither stopped nor Ctrl-C'd: no message
    if stopped and res is None:
        msg = E.from_struct(err, E.BS_E_INTERRUPTED).message
    elif stopped:
        n, of = res.replications_count, res.replications_requested
        if written:
            msg = ("interrupted: wrote the %d complete replication%s of %d "
                   "to %s (run.interrupted is true in summary.json)"
                   % (n, "" if n == 1 else "s", of, res.dir))
        else:
            msg = ("interrupted: %s of %d complete, in .result"
                   % (plural(n, "replication"), of))
    elif sigint:
        n = plural(res.replications_count, "replication")
        msg = ("interrupted while writing: the %s are written to %s"
               % (n, res.dir) if written else
               "interrupted after the run had finished: the %s are in "
               ".result" % n)
    C.end_stopped(sigint, stopped, msg, res, mon)
    return res


def open_result(dir):  # noqa: A002 - as bs_result_open names it
    """A finished run's folder (its summary.json and replications.csv; the
    other tables are read from their files when asked for)."""
    err = E.new()
    p = N.lib.bs_result_open(N.cstr(dir, "dir", path=True), ctypes.byref(err))
    if not p:
        raise E.from_struct(err)
    return Result(p)


class Result(Handle):
    """The result of a run (bs_result): in memory, written to a folder, or
    opened from one. Tables are DataFrames when pandas imports, else
    lists of dicts (bssim.use_pandas). Every accessor may be called from
    any thread."""

    _free_name = "bs_result_free"
    _what = "result"

    def __init__(self, ptr):
        super().__init__(ptr)
        self._csv = {}

    def _get(self, fn, *args):
        with self._lock:
            return fn(self._h(), *args)

    @property
    def name(self):
        """The run name: the scenario's "name", else its file's base
        name."""
        return N.text(self._get(N.lib.bs_result_name))

    @property
    def dir(self):
        """The folder written to or opened from; None in memory."""
        return N.text(self._get(N.lib.bs_result_dir))

    @property
    def replications_count(self):
        """Replications in the result (fewer than asked when interrupted)."""
        return int(self._get(N.lib.bs_result_replications))

    @property
    def replications_requested(self):
        """Replications the run was asked for (replications_count is
        fewer when it was interrupted)."""
        return int(self._get(N.lib.bs_result_replications_requested))

    @property
    def interrupted(self):
        """Whether the run was stopped (Ctrl-C, bssim.interrupt()) before
        every replication finished: summary.json's run.interrupted."""
        return bool(self._get(N.lib.bs_result_interrupted))

    @property
    def days(self):
        """Measured days per replication (horizon minus warm-up)."""
        return float(self._get(N.lib.bs_result_days))

    @property
    def wall_s(self):
        """Seconds the run took (summary.json's run.wall_s)."""
        return float(self._get(N.lib.bs_result_wall_s))

    @property
    def ward_names(self):
        """The wards, in the order of the stations file."""
        with self._lock:
            h = self._h()
            return [N.text(N.lib.bs_result_ward(h, w))
                    for w in range(N.lib.bs_result_nwards(h))]

    def metric(self, name, ward=None):
        """A metric of the whole network (ward None or "all") or of a ward:
        Stat(mean, sd, ci_lo, ci_hi, n). InputError for an unknown metric
        or ward."""
        st, err = N.Stat_(), E.new()
        rc = self._get(N.lib.bs_result_metric, N.cstr(ward, "ward", optional=True),
                       N.cstr(name, "metric"), ctypes.byref(st),
                       ctypes.byref(err))
        if rc:
            raise E.from_struct(err, rc)
        return Stat(st.mean, st.sd, st.ci_lo, st.ci_hi, int(st.n))

    def value(self, rep, metric, ward=None):
        """The metric's value in replication rep (1-based); NaN where it is
        undefined."""
        if isinstance(rep, bool) or not isinstance(rep, int):
            raise TypeError("rep: expected an int, got %r" % (rep,))
        v, err = ctypes.c_double(), E.new()
        r = rep if 0 <= rep <= 0xffffffff else 0
        rc = self._get(N.lib.bs_result_value, r, N.cstr(ward, "ward", optional=True),
                       N.cstr(metric, "metric"), ctypes.byref(v),
                       ctypes.byref(err))
        if rc:
            raise E.from_struct(err, rc)
        return v.value

    def _stat_rows(self, ward):
        from . import metrics
        rows = []
        for m in metrics():
            s = self.metric(m.name, ward)
            rows.append([m.name, s.mean, s.sd, s.ci_lo, s.ci_hi, s.n])
        return rows

    @property
    def metrics(self):
        """One row per metric, whole network: metric, mean, sd, ci_lo,
        ci_hi, n."""
        return T.frame(STAT_COLUMNS, self._stat_rows(None))

    @property
    def wards(self):
        """One row per ward and metric: ward, metric, mean, sd, ci_lo,
        ci_hi, n (wards in the stations file's order)."""
        rows = []
        for w in self.ward_names:
            rows += [[w] + r for r in self._stat_rows(w)]
        return T.frame(["ward"] + STAT_COLUMNS, rows)

    def matrix(self, name):
        """"flows" (mean trips per day rented in the row's ward and
        returned in the column's) or "settlement_yen" (yen per day the
        row's ward owes the column's): a DataFrame indexed by ward, or
        nested lists in the order of ward_names."""
        if name not in MATRICES:
            raise E.InputError("matrix: unknown matrix '%s'; expected flows "
                               "or settlement_yen" % name, key="matrix")
        wards = self.ward_names
        b = N.cstr(name, "name")
        with self._lock:
            h = self._h()
            vals = [[N.lib.bs_result_matrix(h, b, i, j)
                     for j in range(len(wards))] for i in range(len(wards))]
        return T.matrix(vals, wards, "from_ward", "to_ward")

    @property
    def summary(self):
        """summary.json as a dict (NaN where the file has null)."""
        return json.loads(N.take_string(self._get(N.lib.bs_result_summary)))

    def csv(self, table):
        """A table as CSV text, byte for byte the file `bssim run` writes:
        "replications", "stations", "timeseries" or "flows"."""
        with self._lock:
            if table not in self._csv:
                err = E.new()
                t = N.take_string(N.lib.bs_result_csv(
                    self._h(), N.cstr(table, "table"), ctypes.byref(err)))
                if t is None:
                    raise E.from_struct(err)
                self._csv[table] = t
            return self._csv[table]

    def table(self, table):
        """A table (see csv()) as a DataFrame or a list of dicts, numbers
        as int or float in the columns that hold numbers."""
        return T.from_csv(self.csv(table))

    @property
    def replications(self):
        """replications.csv: replication, ward, metric, value (ward "all"
        for the whole network)."""
        return self.table("replications")

    @property
    def stations(self):
        """stations.csv: one row per port, its results over the
        replications."""
        return self.table("stations")

    @property
    def timeseries(self):
        """timeseries.csv: the network and each ward through the day."""
        return self.table("timeseries")

    @property
    def flows(self):
        """flows.csv: trips per day between wards, long form."""
        return self.table("flows")

    def write(self, dir, force=False, progress=None):  # noqa: A002
        """Write the result's files into dir as `bssim run -o dir` would
        (claimed and locked; force as --force)."""
        mon = C.Monitor(progress)
        opts = run_opts(1, force, False, mon)
        d = N.cstr(dir, "dir", path=True)
        with self._lock:
            h = self._h()
            err = E.new()
            o = C.run(lambda: N.lib.bs_result_write(
                h, d, ctypes.byref(opts), ctypes.byref(err)))
        end_call(o, err, "the write of %s is complete" % N.text(d), None,
                 mon)

    def __repr__(self):
        if self.closed:
            return "<bssim.Result (closed)>"
        return "<bssim.Result %r: %d replications%s%s>" % (
            self.name, self.replications_count,
            " (interrupted)" if self.interrupted else "",
            " in %s" % self.dir if self.dir else "")


def end_call(o, err, done_msg, result, mon):
    """The end of a long call that returns a code (o.value): the failure,
    the Ctrl-C, the callback's exception or the interrupt it calls for.
    done_msg says what is complete when a Ctrl-C came too late to stop
    it; result goes into .result of an interrupt."""
    rc = o.value
    if rc and rc != E.BS_E_INTERRUPTED:
        raise E.from_struct(err, rc)
    msg = (E.from_struct(err, rc).message if rc
           else "interrupted while writing: %s" % done_msg)
    C.end_stopped(o.sigint, bool(rc), msg, result, mon)

