"""bssim: the bike-share simulator's library (libbssim) from Python.

    import bssim
    with bssim.load("scenarios/tokyo4_full.json") as sc:
        r = sc.run(replications=20, jobs=2)
    r.metrics            # a DataFrame (pandas) or a list of dicts
    r.metric("service_level", ward="Koto").ci_lo

What is here, each as the `bssim` command of the same name does it:

    load, parse, run            scenarios (Scenario) and runs (Result)
    again                       a finished run's scenario, to run it again
    open_result, labels         a run's folder; names side by side
    compare, compare_sweep      paired comparisons (Comparison, Paired)
    sweep, open_sweep, merge    parameter sweeps (SweepResult)
    optimize                    fleet allocation and selection (OptimizeResult)
    import_gbfs, import_trips, calibrate, calibrate_od    real data in
    metrics, keys_markdown, limits_markdown, schema, version   reference
    interrupt, interrupted      stop the calls in flight (as Ctrl-C does)
    use_pandas                  DataFrames, or lists of dicts
    Error and its subclasses InputError, FileError, RunError,
    OutOfMemory, Interrupted    what the library reports, with file,
                                line, column, row, key, text, code and
                                exit_status

Everything goes through bssim.h's functions (ctypes, no compiled part);
docs/python.md is the manual: installing, finding the library, every
function with an example, errors, Ctrl-C and threads.
"""
import collections as _collections
import json as _json

from . import _native, _scenario
from ._calls import interrupt, interrupted
from ._compare import Comparison, Paired, compare, compare_sweep
from ._data import calibrate, calibrate_od, import_gbfs, import_trips
from ._errors import (Error, FileError, InputError, Interrupted, OutOfMemory,
                      RunError)
from ._optimize import OptimizeResult, optimize
from ._result import Result, Stat, open_result
from ._scenario import Scenario, again, load, parse
from ._sweep import SweepResult, merge, open_sweep, sweep
from ._tables import use_pandas

__version__ = "0.1.0"  # the package's; the bssim.h it was written for

_native.lib.bs_init()

#: the library's version, "MAJOR.MINOR.PATCH" (bs_version)
version = _native.lib.bs_version().decode("ascii")
#: the file the library was loaded from (see docs/python.md)
library_path = _native.path

Metric = _collections.namedtuple("Metric", "name help")


def run(scenario, set=None, replications=None, jobs=1, seed=None,  # noqa: A002
        output=None, force=False, progress=None, paranoid=False):
    """Run a scenario (a path, or a Scenario) as `bssim run` does: a
    Result. `set` applies overrides as --set (a path is loaded with them,
    a Scenario read again with them); the other arguments are
    Scenario.run's.

        r = bssim.run("scenarios/tokyo4_full.json", replications=4,
                      set={"fleet.bikes": 3000})
    """
    if isinstance(scenario, Scenario):
        derived = scenario._derive(_scenario.sets_of(set))
        sc = derived or scenario
    else:
        sc = derived = load(scenario, set=set)
    try:
        return sc.run(replications=replications, jobs=jobs, seed=seed,
                      output=output, force=force, progress=progress,
                      paranoid=paranoid)
    finally:
        if derived is not None:
            derived.close()


def metrics():
    """Every metric a result carries, per ward and for the whole network:
    [Metric(name, help)] in the order of summary.json."""
    lib = _native.lib
    return [Metric(_native.text(lib.bs_metric_name(i)),
                   _native.text(lib.bs_metric_help(i)))
            for i in range(lib.bs_metric_count())]


def _text_of(fn):
    t = _native.take_string(fn())
    if t is None:
        raise MemoryError("bssim: out of memory rendering the text")
    return t


def keys_markdown():
    """Every scenario key as the Markdown table of docs/scenario-keys.md."""
    return _text_of(_native.lib.bs_keys_markdown)


def limits_markdown():
    """Every limit bssim enforces, as the table of docs/robustness.md."""
    return _text_of(_native.lib.bs_limits_markdown)


def schema():
    """The JSON Schema (draft 2020-12) of scenario and sweep files, a dict."""
    return _json.loads(_text_of(_native.lib.bs_schema_json))


def labels(*results):
    """Names for results side by side: their scenario names, or their
    folders' names where two share one (bs_result_labels)."""
    import ctypes
    for r in results:
        if not isinstance(r, Result):
            raise TypeError("labels: expected Results, got %r" % (r,))
    locks = [r._lock for r in results]
    for lk in locks:
        lk.acquire()
    try:
        n = len(results)
        arr = (ctypes.c_void_p * max(n, 1))(*[r._h() for r in results])
        out = (ctypes.c_void_p * max(n, 1))()
        if _native.lib.bs_result_labels(arr, n, out):
            raise MemoryError("bssim: out of memory making the labels")
        return [_native.take_string(out[i]) for i in range(n)]
    finally:
        for lk in reversed(locks):
            lk.release()


def folder_check(dir, kind="run", force=False):  # noqa: A002
    """Could dir be written as results of kind ("run", "sweep",
    "compare")? None, or the InputError / FileError `bssim` would stop
    with, without creating or changing anything."""
    import ctypes
    from . import _errors
    err = _errors.new()
    rc = _native.lib.bs_folder_check(
        _native.cstr(dir, "dir", path=True), _native.cstr(kind, "kind"),
        1 if force else 0, ctypes.byref(err))
    if rc:
        raise _errors.from_struct(err, rc)


__all__ = [
    "Comparison", "Error", "FileError", "InputError", "Interrupted",
    "Metric", "OptimizeResult", "OutOfMemory", "Paired", "Result",
    "RunError", "Scenario", "Stat", "SweepResult", "again", "calibrate", "calibrate_od", "compare",
    "compare_sweep",
    "folder_check", "import_gbfs", "import_trips", "interrupt",
    "interrupted", "keys_markdown", "labels", "library_path",
    "limits_markdown", "load", "merge", "metrics", "open_result", "optimize",
    "open_sweep", "parse", "run", "schema", "sweep", "use_pandas",
    "version",
    "__version__",
]
