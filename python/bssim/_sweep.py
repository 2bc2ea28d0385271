"""Sweeps: bssim.sweep, bssim.open_sweep, bssim.merge and SweepResult."""
import ctypes
import json
import os

from . import _calls as C
from . import _errors as E
from . import _native as N
from . import _tables as T
from ._scenario import jobs_of

OUTCOME_FIELDS = ("tasks", "recorded", "resumed", "discarded", "mine", "ran",
                  "complete", "wall_s")


def outcome_dict(o):
    d = {f: int(getattr(o, f)) for f in OUTCOME_FIELDS[:6]}
    d["complete"] = bool(o.complete)
    d["wall_s"] = float(o.wall_s)
    return d


def _shard(shard):
    """(i, n) of "I/N", (I, N) or None (all)."""
    if shard is None:
        return 1, 1
    i, n = ctypes.c_uint32(), ctypes.c_uint32()
    if isinstance(shard, tuple) and len(shard) == 2:
        text = "%s/%s" % shard
    else:
        text = str(shard)
    if N.lib.bs_shard_parse(N.cstr(text, "shard"), ctypes.byref(i),
                            ctypes.byref(n)):
        raise ValueError("shard: %r: expected I/N with 1 <= I <= N <= "
                         "1000000, e.g. \"3/8\"" % (shard,))
    return i.value, n.value


def _plan(sw):
    """name, replications, labels of a bs_sweep."""
    n = N.lib.bs_sweep_points(sw)
    return (N.text(N.lib.bs_sweep_name(sw)),
            int(N.lib.bs_sweep_replications(sw)),
            [N.take_string(N.lib.bs_sweep_point_label(sw, p))
             for p in range(n)])


def sweep(path, output=None, jobs=1, resume=False, shard=None, force=False,
          progress=None, paranoid=False):
    """Run the sweep file at path as `bssim sweep` does: every point
    checked first (InputError, nothing written), the output folder claimed
    and locked (None: out/<name>, relative to the current folder, as the
    command line), each task recorded as it finishes, and sweep.csv,
    sweep_replications.csv and sweep.json written when every task is
    recorded. resume keeps the tasks the folder holds; shard ("I/N" or
    (I, N)) runs one slice of N (then join the folders with
    bssim.merge). A SweepResult; Ctrl-C raises KeyboardInterrupt, its
    .result the SweepResult (the recorded tasks stay for resume=True)."""
    si, sn = _shard(shard)
    mon = C.Monitor(progress)
    so = N.opts_default("sweep")
    so.jobs = jobs_of(jobs)
    so.resume = 1 if resume else 0
    so.force = 1 if force else 0
    so.paranoid = 1 if paranoid else 0
    so.shard_i, so.shard_n = si, sn
    so.monitor = mon.pointer()
    d = None if output is None else N.cstr(output, "output", path=True)
    err, ferr = E.new(), E.new()
    sw = N.lib.bs_sweep_load(N.cstr(path, "path", path=True),
                             ctypes.byref(err))
    if not sw:
        raise E.from_struct(err)
    try:
        name, reps, labels = _plan(sw)
        j = N.lib.bs_sweep_job_open(sw, d, ctypes.byref(so),
                                    ctypes.byref(err))
        if not j:
            raise E.from_struct(err)
        try:
            folder = N.text(N.lib.bs_sweep_job_dir(j))
            out = N.SweepOutcome_()

            def call():
                rc = N.lib.bs_sweep_job_run(j, ctypes.byref(err))
                frc = N.lib.bs_sweep_job_finish(j, rc, ctypes.byref(out),
                                                ctypes.byref(ferr))
                return rc, frc

            o = C.run(call)
        finally:
            N.lib.bs_sweep_job_free(j)
    finally:
        N.lib.bs_sweep_free(sw)
    rc, frc = o.value
    res = SweepResult(folder, name, reps, labels, outcome_dict(out))
    if rc and rc != E.BS_E_INTERRUPTED:
        raise E.from_struct(err, rc)
    if not rc and frc:
        raise E.from_struct(ferr, frc)
    msg = ("interrupted: %d of %d tasks are recorded in %s; run it again "
           "with resume=True to finish" % (out.recorded, out.tasks, folder))
    if not rc:
        msg = "interrupted while writing: the outputs in %s are complete" \
            % folder
    C.end_stopped(o.sigint, bool(rc), msg, res, mon)
    return res


def open_sweep(dir):  # noqa: A002
    """The sweep a folder holds, as `bssim sweep` wrote it: a SweepResult
    (outcome None)."""
    err = E.new()
    sw = N.lib.bs_sweep_open(N.cstr(dir, "dir", path=True), ctypes.byref(err))
    if not sw:
        raise E.from_struct(err)
    try:
        name, reps, labels = _plan(sw)
    finally:
        N.lib.bs_sweep_free(sw)
    return SweepResult(os.fspath(dir), name, reps, labels, None)


def merge(dirs, output, force=False):
    """Join the folders of the shards of one sweep into output, as `bssim
    merge DIR... -o output`: a SweepResult."""
    paths = [N.cstr(x, "dirs", path=True) for x in dirs]
    if not paths:
        raise ValueError("merge: expected at least one folder")
    arr = (ctypes.c_char_p * len(paths))(*paths)
    out, err = N.SweepOutcome_(), E.new()
    o = N.cstr(output, "output", path=True)
    rc = N.lib.bs_sweep_merge(arr, len(paths), o, 1 if force else 0, None,
                              ctypes.byref(out), ctypes.byref(err))
    if rc:
        raise E.from_struct(err, rc)
    res = open_sweep(output)
    res.outcome = outcome_dict(out)
    return res


class SweepResult:
    """A sweep's folder: its points, read from the files the library
    wrote. Holds no library handle."""

    def __init__(self, dir, name, replications, labels, outcome):  # noqa: A002
        self.dir = dir
        self.name = name
        self.replications_count = replications
        # 'point 2 (agreement.type="full", fleet.bikes=2000)', ...
        self.labels = labels
        self.outcome = outcome  # struct bs_sweep_outcome as a dict

    @property
    def complete(self):
        """Whether the folder holds the outputs (every task recorded)."""
        return os.path.exists(os.path.join(self.dir, "sweep.csv"))

    def _read(self, name):
        if not self.complete:
            return None
        with open(os.path.join(self.dir, name), encoding="utf-8",
                  newline="") as f:
            return f.read()

    @property
    def points(self):
        """sweep.csv: point, the varied keys, metric, ward, mean, sd,
        ci95_low, ci95_high; None until every task is recorded."""
        t = self._read("sweep.csv")
        return None if t is None else T.from_csv(t)

    @property
    def replications(self):
        """sweep_replications.csv: point, the varied keys, replication,
        ward, metric, value; None until every task is recorded."""
        t = self._read("sweep_replications.csv")
        return None if t is None else T.from_csv(t)

    @property
    def summary(self):
        """sweep.json as a dict; None until every task is recorded."""
        t = self._read("sweep.json")
        return None if t is None else json.loads(t)

    def compare(self, p, q):
        """Points p and q (numbers from 1): a Comparison of q - p
        (bssim.compare_sweep)."""
        from ._compare import compare_sweep
        return compare_sweep(self.dir, p, q)

    def __repr__(self):
        return "<bssim.SweepResult %r: %d points in %s%s>" % (
            self.name, len(self.labels), self.dir,
            "" if self.complete else " (incomplete)")
