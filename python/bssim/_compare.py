"""Paired comparisons: bssim.compare, bssim.compare_sweep, Comparison."""
import collections
import contextlib
import ctypes
import os

from . import _calls as C
from . import _errors as E
from . import _native as N
from . import _tables as T
from ._handle import Handle
from ._result import end_call, run_opts
from ._scenario import Scenario, load, run_sets, sets_of

Paired = collections.namedtuple(
    "Paired", "n mean_a mean_b diff diff_sd ci_lo ci_hi un_lo un_hi")
Paired.__doc__ = ("B - A over paired replications: n pairs with both "
                  "values defined, the means over them, the mean and sd "
                  "of the differences, the paired 95% interval (ci_lo, "
                  "ci_hi) and the unpaired (Welch) one (un_lo, un_hi).")

TABLE_COLUMNS = ["ward", "metric"] + list(Paired._fields)


def _scenario_for(x, sets):
    """(the Scenario to run, whether it is ours to close) for a path or a
    Scenario, with the overrides applied."""
    if isinstance(x, Scenario):
        derived = x._derive(sets)
        return (derived, True) if derived is not None else (x, False)
    if isinstance(x, (str, bytes, os.PathLike)):
        return load(x, sets), True
    raise TypeError("compare: expected a scenario file or a Scenario, got %r"
                    % (x,))


def compare(a, b, replications=None, seed=None, jobs=1, set=None,  # noqa: A002
            progress=None):
    """Run scenarios a and b (paths or Scenarios) with the same seed and
    replications, replication by replication (common random numbers), as
    `bssim compare A B` does: a Comparison of B - A. `set` applies to
    both, as --set does; replications and seed as --replications and
    --seed. InputError when their seeds or replications differ."""
    sets = sets_of(set) + run_sets(replications, seed)
    mon = C.Monitor(progress)
    opts = run_opts(jobs, False, False, mon)
    owned = []
    try:
        sa, own = _scenario_for(a, sets)
        if own:
            owned.append(sa)
        sb, own = _scenario_for(b, sets)
        if own:
            owned.append(sb)
        with contextlib.ExitStack() as locks:
            # one order for every thread: two compares of the same pair in
            # opposite orders never wait on each other
            for s in sorted({id(sa): sa, id(sb): sb}.values(), key=id):
                locks.enter_context(s._lock)
            ha, hb = sa._h(), sb._h()
            err = E.new()

            def call():
                p = N.lib.bs_compare(ha, hb, ctypes.byref(opts),
                                     ctypes.byref(err))
                return Comparison(p) if p else None

            o = C.run(call)
    finally:
        for s in owned:
            s.close()
    cmp = o.value
    if cmp is None:
        e = E.from_struct(err)
        if o.sigint and e.code == E.BS_E_INTERRUPTED:
            raise C.keyboard_interrupt(e.message, None)
        raise e
    if o.sigint:
        raise C.keyboard_interrupt(
            "interrupted after the comparison had finished: it is in "
            ".result", cmp)
    mon.raise_pending()
    return cmp


def compare_sweep(dir, p, q):  # noqa: A002
    """Points p and q of a finished sweep folder, each its number (1 to
    the number of points, as sweep.csv's column "point" numbers them; an
    int or its text), as `bssim compare --sweep DIR P Q`: a Comparison of
    q - p, labelled as SweepResult.labels. InputError naming "point"
    for a number out of range."""
    err = E.new()
    c = N.lib.bs_compare_sweep(N.cstr(dir, "dir", path=True),
                               N.cstr(p, "p"), N.cstr(q, "q"),
                               ctypes.byref(err))
    if not c:
        raise E.from_struct(err)
    return Comparison(c)


class Comparison(Handle):
    """B - A for every metric, of the whole network and of each ward the
    two share (bs_comparison)."""

    _free_name = "bs_comparison_free"
    _what = "comparison"

    def _get(self, fn, *args):
        with self._lock:
            return fn(self._h(), *args)

    @property
    def labels(self):
        """(A's label, B's label), as `bssim compare` prints them after
        "A:" and "B:" (the scenario files as given; a sweep's points by
        SweepResult.labels)."""
        return (N.text(self._get(N.lib.bs_comparison_label, 0)),
                N.text(self._get(N.lib.bs_comparison_label, 1)))

    @property
    def replications_count(self):
        """The paired replications (each run in both with the same
        random numbers)."""
        return int(self._get(N.lib.bs_comparison_replications))

    @property
    def ward_names(self):
        """The wards compared one by one (none when the two networks'
        wards differ: then only the whole network is)."""
        with self._lock:
            h = self._h()
            return [N.text(N.lib.bs_comparison_ward(h, w))
                    for w in range(N.lib.bs_comparison_nwards(h))]

    def metric(self, name, ward=None):
        """Paired(n, mean_a, mean_b, diff, diff_sd, ci_lo, ci_hi, un_lo,
        un_hi) of a metric, whole network (ward None or "all") or a ward."""
        pr, err = N.Paired_(), E.new()
        rc = self._get(N.lib.bs_comparison_metric, N.cstr(ward, "ward", optional=True),
                       N.cstr(name, "metric"), ctypes.byref(pr),
                       ctypes.byref(err))
        if rc:
            raise E.from_struct(err, rc)
        return Paired(int(pr.n), *(getattr(pr, f) for f in Paired._fields[1:]))

    @property
    def table(self):
        """Every metric of every ward and of the whole network ("all"), in
        compare.csv's order: ward, metric, n, mean_a, mean_b, diff,
        diff_sd, ci_lo, ci_hi (paired 95%), un_lo, un_hi (unpaired)."""
        from . import metrics
        wards = self.ward_names + ["all"]
        rows = []
        for m in metrics():
            for w in wards:
                rows.append([w, m.name] + list(self.metric(m.name, w)))
        return T.frame(TABLE_COLUMNS, rows)

    def write(self, dir, force=False):  # noqa: A002
        """compare.csv into dir, as `bssim compare -o dir` writes it."""
        mon = C.Monitor(None)
        d = N.cstr(dir, "dir", path=True)
        with self._lock:
            h = self._h()
            err = E.new()
            o = C.run(lambda: N.lib.bs_comparison_write(
                h, d, 1 if force else 0, None, ctypes.byref(err)))
        end_call(o, err, "%s/compare.csv is complete" % N.text(d), None, mon)

    def __repr__(self):
        if self.closed:
            return "<bssim.Comparison (closed)>"
        a, b = self.labels
        return "<bssim.Comparison %r vs %r: %d paired replications>" % (
            a, b, self.replications_count)
