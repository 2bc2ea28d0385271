"""Optimisation: bssim.optimize and OptimizeResult."""
import ctypes
import json
import os

from . import _calls as C
from . import _errors as E
from . import _native as N
from . import _tables as T
from ._scenario import jobs_of

def _outcome_dict(o):
    """struct bs_optimize_outcome as a dict: the allocation's fields or
    the selection's (winner: the index in the file's select.scenarios,
    from 0), and its text."""
    if o.select:
        names = ("winner", "capped", "pcs", "replications", "wall_s")
    else:
        names = ("improved", "moves", "evaluations", "before", "after",
                 "gain", "gain_lo", "gain_hi", "wall_s")
    d = {}
    for f in names:
        v = getattr(o, f)
        if f in ("improved", "capped"):
            v = bool(v)
        elif isinstance(v, int):
            v = int(v)
        else:
            v = float(v)
        d[f] = v
    d["text"] = o.text.decode("utf-8", "surrogateescape")
    return d


def optimize(path, output=None, jobs=1, force=False, progress=None):
    """Run the optimise file at path as `bssim optimize` does: an
    allocation of the base scenario's fleet over its ports (allocation.csv,
    trace.csv, optimize.json), or with a "select" block the best of its
    scenarios with a stated probability of correct selection
    (selection.csv, optimize.json). Every scenario is checked and its world
    built first (InputError, nothing written); output None is out/<name>
    under the current folder. An allocation that cannot improve is a
    result, not an error (outcome["improved"] False; the text says why).
    An OptimizeResult; Ctrl-C raises KeyboardInterrupt: during the search
    nothing is written and its .result is None; once the files are being
    written they are completed, and .result is the OptimizeResult."""
    mon = C.Monitor(progress)
    oo = N.opts_default("optimize")
    oo.jobs = jobs_of(jobs)
    oo.force = 1 if force else 0
    oo.monitor = mon.pointer()
    err = E.new()
    o = N.lib.bs_optimize_load(N.cstr(path, "path", path=True),
                               ctypes.byref(err))
    if not o:
        raise E.from_struct(err)
    try:
        name = N.text(N.lib.bs_optimize_name(o))
        select = bool(N.lib.bs_optimize_is_select(o))
        folder = (os.path.join("out", name) if output is None
                  else os.fspath(output))
        d = N.cstr(folder, "output", path=True)
        out = N.OptimizeOutcome_()

        def call():
            return N.lib.bs_optimize_run(o, d, ctypes.byref(oo),
                                         ctypes.byref(out), ctypes.byref(err))

        r = C.run(call)
    finally:
        N.lib.bs_optimize_free(o)
    rc = r.value
    if rc and rc != E.BS_E_INTERRUPTED:
        raise E.from_struct(err, rc)
    res = None if rc else OptimizeResult(folder, name, select,
                                         _outcome_dict(out))
    # a Ctrl-C after the search's last look at the stop flag lands while
    # the files are written: they are then complete (as _sweep.py says)
    msg = ("interrupted: nothing written" if rc else
           "interrupted while writing: the outputs in %s are complete"
           % folder)
    C.end_stopped(r.sigint, bool(rc), msg, res, mon)
    return res


class OptimizeResult:
    """An optimisation's folder and what it found. Holds no library
    handle."""

    def __init__(self, dir, name, select, outcome):  # noqa: A002
        self.dir = dir
        self.name = name
        self.select = select    # True: a selection among scenarios
        self.outcome = outcome  # struct bs_optimize_outcome as a dict

    def _read(self, name):
        p = os.path.join(self.dir, name)
        if not os.path.exists(p):
            return None
        with open(p, encoding="utf-8", newline="") as f:
            return f.read()

    @property
    def allocation(self):
        """allocation.csv: station_id, bikes, every port (a stock file
        fleet.initial reads); None for a selection."""
        t = self._read("allocation.csv")
        return None if t is None else T.from_csv(t)

    @property
    def trace(self):
        """trace.csv: the search's convergence trace (iteration,
        evaluation, objective and its interval, the move tried, its
        predicted and paired gain, accepted); None for a selection."""
        t = self._read("trace.csv")
        return None if t is None else T.from_csv(t)

    @property
    def selection(self):
        """selection.csv: system, scenario, replications, mean,
        eliminated_after, winner; None for an allocation."""
        t = self._read("selection.csv")
        return None if t is None else T.from_csv(t)

    @property
    def summary(self):
        """optimize.json as a dict."""
        t = self._read("optimize.json")
        return None if t is None else json.loads(t)

    def __repr__(self):
        return "<bssim.OptimizeResult %r (%s) in %s>" % (
            self.name, "selection" if self.select else "allocation",
            self.dir)
