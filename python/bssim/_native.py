"""libbssim through ctypes: finding and loading the library, the structs of
bssim.h and the prototype of every function the package calls.

Nothing here is public. The structs mirror bssim.h field for field; the ABI
rule of bssim.h (functions only added within a major version, option
structs only grown at their end, each read only within its `size`) is what
lets this file work with any 0.x library from 0.1 on.
"""
import ctypes
import os

# The library's major version this package speaks, and the least minor
# (the one whose functions it calls).
EXPECTED_MAJOR = 0
LEAST_MINOR = 1
SONAME = "libbssim.so.0"

c_size = ctypes.c_size_t
c_u32 = ctypes.c_uint32
c_u64 = ctypes.c_uint64
c_p = ctypes.c_void_p
c_str = ctypes.c_char_p


class Error_(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("file", ctypes.c_char * 512),
                ("line", ctypes.c_long), ("column", ctypes.c_long),
                ("row", ctypes.c_long), ("key", ctypes.c_char * 256),
                ("text", ctypes.c_char * 1024)]


WARN_KEEP = 3


class Warnings_(ctypes.Structure):
    _fields_ = [("count", ctypes.c_long),
                ("first", (ctypes.c_char * 320) * WARN_KEEP)]


class Set_(ctypes.Structure):
    _fields_ = [("key", c_str), ("value", c_str)]


PROGRESS_FN = ctypes.CFUNCTYPE(None, c_p, c_u64, c_u64, ctypes.c_double)
WRITING_FN = ctypes.CFUNCTYPE(None, c_p, c_str, ctypes.c_int)


class Monitor_(ctypes.Structure):
    _fields_ = [("progress", PROGRESS_FN), ("writing", WRITING_FN),
                ("ud", c_p)]


class RunOpts_(ctypes.Structure):
    _fields_ = [("size", c_size), ("jobs", ctypes.c_uint),
                ("paranoid", ctypes.c_int), ("force", ctypes.c_int),
                ("monitor", ctypes.POINTER(Monitor_))]


class Stat_(ctypes.Structure):
    _fields_ = [("mean", ctypes.c_double), ("sd", ctypes.c_double),
                ("ci_lo", ctypes.c_double), ("ci_hi", ctypes.c_double),
                ("n", c_size)]


class Paired_(ctypes.Structure):
    _fields_ = [("n", c_size)] + [(f, ctypes.c_double) for f in (
        "mean_a", "mean_b", "diff", "diff_sd", "ci_lo", "ci_hi", "un_lo",
        "un_hi")]


class SweepOpts_(ctypes.Structure):
    _fields_ = [("size", c_size), ("jobs", ctypes.c_uint),
                ("resume", ctypes.c_int), ("force", ctypes.c_int),
                ("paranoid", ctypes.c_int), ("shard_i", c_u32),
                ("shard_n", c_u32), ("monitor", ctypes.POINTER(Monitor_))]


class SweepOutcome_(ctypes.Structure):
    _fields_ = [(f, c_u64) for f in ("tasks", "recorded", "resumed",
                                     "discarded", "mine", "ran")] + [
        ("complete", ctypes.c_int), ("wall_s", ctypes.c_double)]


class OptimizeOpts_(ctypes.Structure):
    _fields_ = [("size", c_size), ("jobs", ctypes.c_uint),
                ("force", ctypes.c_int),
                ("monitor", ctypes.POINTER(Monitor_))]


class OptimizeOutcome_(ctypes.Structure):
    _fields_ = [("select", ctypes.c_int), ("improved", ctypes.c_int),
                ("moves", ctypes.c_uint32), ("evaluations", ctypes.c_uint32)] + [
        (f, ctypes.c_double) for f in ("before", "after", "gain", "gain_lo",
                                       "gain_hi")] + [
        ("winner", c_size), ("capped", ctypes.c_int),
        ("pcs", ctypes.c_double), ("replications", c_u64),
        ("wall_s", ctypes.c_double), ("text", ctypes.c_char * 4096)]


class DataReport_(ctypes.Structure):
    _fields_ = [("stations", c_size), ("feed_stations", c_size),
                ("outside", c_size), ("capacity_raised", c_size),
                ("docks", c_u64), ("bikes", c_u64), ("stocked", c_size),
                ("rows", c_u64), ("days", ctypes.c_double),
                ("od_pairs", c_size), ("departures", ctypes.c_double),
                ("arrivals", ctypes.c_double),
                ("truck_pickups", ctypes.c_double),
                ("truck_dropoffs", ctypes.c_double), ("imputed", c_size),
                ("warnings", Warnings_), ("round_trips", c_u64),
                ("round_trip_min", ctypes.c_double)]


class ImportGbfsOpts_(ctypes.Structure):
    _fields_ = [("size", c_size)] + [(f, c_str) for f in (
        "station_information", "system_regions", "region_map", "wards",
        "capacity_from", "station_status", "stock_output", "output")] + [
        ("utc_offset_min", ctypes.c_long),
        ("monitor", ctypes.POINTER(Monitor_))]


class ImportTripsOpts_(ctypes.Structure):
    _fields_ = [("size", c_size), ("log", c_str), ("ward", c_str),
                ("capacity", c_u32), ("output", c_str),
                ("monitor", ctypes.POINTER(Monitor_))]


class CalibrateOpts_(ctypes.Structure):
    _fields_ = [("size", c_size)] + [(f, c_str) for f in (
        "source", "input", "stations", "output", "profile", "od")] + [
        ("truck_jump", ctypes.c_long), ("max_gap_min", ctypes.c_long),
        ("utc_offset_min", ctypes.c_long), ("days", ctypes.c_double),
        ("monitor", ctypes.POINTER(Monitor_)), ("moves", c_str),
        ("ops_policy", c_str), ("stations_out", c_str)]


class CalibrateOdOpts_(ctypes.Structure):
    _fields_ = [("size", c_size), ("scenario", c_str),
                ("sets", ctypes.POINTER(Set_)), ("nset", c_size),
                ("od", c_str), ("trips", c_str)] + [
        (f, ctypes.c_double) for f in (
            "cross_share", "mean_length_m", "mean_duration_min", "decay_m",
            "decay_min_m", "decay_max_m")] + [
        ("factors", ctypes.c_int), ("max_iter", ctypes.c_int),
        ("tol", ctypes.c_double), ("output", c_str), ("factors_out", c_str),
        ("monitor", ctypes.POINTER(Monitor_))]


class OdReport_(ctypes.Structure):
    _fields_ = [("decay_m", ctypes.c_double), ("converged", ctypes.c_int),
                ("text", ctypes.c_char * 4096), ("warnings", Warnings_)]


# Every struct above and its name in bssim.h: tests/python/test_bssim.py
# (TestLayout) compiles bssim.h and checks each one's size and every
# field's offset against these, so a field added to the header and not
# here (or here in the wrong place) fails `make check`.
C_STRUCTS = {Error_: "bs_error", Warnings_: "bs_warnings", Set_: "bs_set",
             Monitor_: "bs_monitor", RunOpts_: "bs_run_opts",
             Stat_: "bs_stat", Paired_: "bs_paired",
             SweepOpts_: "bs_sweep_opts", SweepOutcome_: "bs_sweep_outcome",
             DataReport_: "bs_data_report",
             ImportGbfsOpts_: "bs_import_gbfs_opts",
             ImportTripsOpts_: "bs_import_trips_opts",
             CalibrateOpts_: "bs_calibrate_opts",
             OptimizeOpts_: "bs_optimize_opts",
             OptimizeOutcome_: "bs_optimize_outcome",
             CalibrateOdOpts_: "bs_calibrate_od_opts",
             OdReport_: "bs_od_report"}

P = ctypes.POINTER
# name: (restype, argtypes). A `char *` the caller frees is c_p (kept as an
# address for bs_free); a borrowed `const char *` is c_str (copied at once).
PROTOTYPES = {
    "bs_error_clear": (None, [P(Error_)]),
    "bs_error_format": (c_p, [P(Error_), c_p, c_size]),
    "bs_strerror": (c_str, [ctypes.c_int]),
    "bs_exit_status": (ctypes.c_int, [ctypes.c_int]),
    "bs_version": (c_str, []),
    "bs_init": (None, []),
    "bs_interrupt": (None, []),
    "bs_interrupted": (ctypes.c_int, []),
    "bs_interrupt_clear": (None, []),
    "bs_free": (None, [c_p]),
    "bs_keys_markdown": (c_p, []),
    "bs_limits_markdown": (c_p, []),
    "bs_schema_json": (c_p, []),
    "bs_metric_count": (c_size, []),
    "bs_metric_name": (c_str, [c_size]),
    "bs_metric_help": (c_str, [c_size]),
    "bs_scenario_load": (c_p, [c_str, P(Set_), c_size, P(Error_)]),
    "bs_scenario_parse": (c_p, [c_str, c_size, c_str, c_str, P(Set_),
                                c_size, P(Error_)]),
    "bs_scenario_check": (ctypes.c_int, [c_p, P(Error_)]),
    "bs_scenario_name": (c_str, [c_p]),
    "bs_scenario_file": (c_str, [c_p]),
    "bs_scenario_json": (c_p, [c_p]),
    "bs_scenario_get": (c_p, [c_p, c_str]),
    "bs_scenario_describe": (c_p, [c_p, P(Error_)]),
    "bs_scenario_unused": (c_size, [c_p, P(P(c_str))]),
    "bs_scenario_warnings": (P(Warnings_), [c_p]),
    "bs_scenario_free": (None, [c_p]),
    "bs_scenario_again": (c_p, [c_str, ctypes.c_int, P(Warnings_),
                                P(Error_)]),
    "bs_run_opts_init_size": (None, [c_p, c_size]),
    "bs_run_opts_init": (None, [c_p]),  # the library's size: tests
    "bs_run": (c_p, [c_p, P(RunOpts_), P(Error_)]),
    "bs_run_to": (ctypes.c_int, [c_p, c_str, P(RunOpts_), P(c_p),
                                 P(Error_)]),
    "bs_result_open": (c_p, [c_str, P(Error_)]),
    "bs_result_dir": (c_str, [c_p]),
    "bs_result_name": (c_str, [c_p]),
    "bs_result_replications": (c_u32, [c_p]),
    "bs_result_replications_requested": (c_u32, [c_p]),
    "bs_result_interrupted": (ctypes.c_int, [c_p]),
    "bs_result_days": (ctypes.c_double, [c_p]),
    "bs_result_wall_s": (ctypes.c_double, [c_p]),
    "bs_result_nwards": (c_size, [c_p]),
    "bs_result_ward": (c_str, [c_p, c_size]),
    "bs_result_metric": (ctypes.c_int, [c_p, c_str, c_str, P(Stat_),
                                        P(Error_)]),
    "bs_result_value": (ctypes.c_int, [c_p, c_u32, c_str, c_str,
                                       P(ctypes.c_double), P(Error_)]),
    "bs_result_matrix": (ctypes.c_double, [c_p, c_str, c_size, c_size]),
    "bs_result_summary": (c_p, [c_p]),
    "bs_result_csv": (c_p, [c_p, c_str, P(Error_)]),
    "bs_result_write": (ctypes.c_int, [c_p, c_str, P(RunOpts_), P(Error_)]),
    "bs_result_labels": (ctypes.c_int, [P(c_p), c_size, P(c_p)]),
    "bs_result_free": (None, [c_p]),
    "bs_compare": (c_p, [c_p, c_p, P(RunOpts_), P(Error_)]),
    "bs_compare_sweep": (c_p, [c_str, c_str, c_str, P(Error_)]),
    "bs_comparison_replications": (c_u32, [c_p]),
    "bs_comparison_label": (c_str, [c_p, ctypes.c_int]),
    "bs_comparison_nwards": (c_size, [c_p]),
    "bs_comparison_ward": (c_str, [c_p, c_size]),
    "bs_comparison_metric": (ctypes.c_int, [c_p, c_str, c_str, P(Paired_),
                                            P(Error_)]),
    "bs_comparison_write": (ctypes.c_int, [c_p, c_str, ctypes.c_int,
                                           P(Monitor_), P(Error_)]),
    "bs_comparison_free": (None, [c_p]),
    "bs_sweep_load": (c_p, [c_str, P(Error_)]),
    "bs_sweep_open": (c_p, [c_str, P(Error_)]),
    "bs_sweep_name": (c_str, [c_p]),
    "bs_sweep_points": (c_size, [c_p]),
    "bs_sweep_replications": (c_u32, [c_p]),
    "bs_sweep_tasks": (c_u64, [c_p]),
    "bs_sweep_point_label": (c_p, [c_p, c_size]),
    "bs_sweep_point_days": (ctypes.c_double, [c_p, c_size]),
    "bs_sweep_opts_init_size": (None, [c_p, c_size]),
    "bs_sweep_opts_init": (None, [c_p]),  # the library's size: tests
    "bs_shard_parse": (ctypes.c_int, [c_str, P(c_u32), P(c_u32)]),
    "bs_sweep_job_open": (c_p, [c_p, c_str, P(SweepOpts_), P(Error_)]),
    "bs_sweep_job_dir": (c_str, [c_p]),
    "bs_sweep_job_outcome": (None, [c_p, P(SweepOutcome_)]),
    "bs_sweep_job_run": (ctypes.c_int, [c_p, P(Error_)]),
    "bs_sweep_job_finish": (ctypes.c_int, [c_p, ctypes.c_int,
                                           P(SweepOutcome_), P(Error_)]),
    "bs_sweep_job_free": (None, [c_p]),
    "bs_sweep_merge": (ctypes.c_int, [P(c_str), c_size, c_str, ctypes.c_int,
                                      P(Monitor_), P(SweepOutcome_),
                                      P(Error_)]),
    "bs_sweep_free": (None, [c_p]),
    "bs_folder_check": (ctypes.c_int, [c_str, c_str, ctypes.c_int,
                                       P(Error_)]),
    "bs_import_gbfs_opts_init_size": (None, [c_p, c_size]),
    "bs_import_gbfs_opts_init": (None, [c_p]),  # the library's size: tests
    "bs_import_gbfs": (ctypes.c_int, [P(ImportGbfsOpts_), P(DataReport_),
                                      P(Error_)]),
    "bs_import_trips_opts_init_size": (None, [c_p, c_size]),
    "bs_import_trips_opts_init": (None, [c_p]),  # the library's size: tests
    "bs_import_trips": (ctypes.c_int, [P(ImportTripsOpts_), P(DataReport_),
                                       P(Error_)]),
    "bs_optimize_load": (c_p, [c_str, P(Error_)]),
    "bs_optimize_name": (c_str, [c_p]),
    "bs_optimize_is_select": (ctypes.c_int, [c_p]),
    "bs_optimize_opts_init_size": (None, [c_p, c_size]),
    "bs_optimize_opts_init": (None, [c_p]),  # the library's size: tests
    "bs_optimize_run": (ctypes.c_int, [c_p, c_str, P(OptimizeOpts_),
                                       P(OptimizeOutcome_), P(Error_)]),
    "bs_optimize_free": (None, [c_p]),
    "bs_calibrate_opts_init_size": (None, [c_p, c_size]),
    "bs_calibrate_opts_init": (None, [c_p]),  # the library's size: tests
    "bs_calibrate": (ctypes.c_int, [P(CalibrateOpts_), P(DataReport_),
                                    P(Error_)]),
    "bs_calibrate_od_opts_init_size": (None, [c_p, c_size]),
    "bs_calibrate_od_opts_init": (None, [c_p]),  # the library's size: tests
    "bs_calibrate_od": (ctypes.c_int, [P(CalibrateOdOpts_), P(OdReport_),
                                       P(Error_)]),
}


def _installed_libdir():
    """The libdir `make install` recorded in _config.py, or None."""
    try:
        from . import _config
    except ImportError:
        return None
    return getattr(_config, "libdir", None)


def candidates():
    """Where to look, in order: (how it was found, path or name)."""
    env = os.environ.get("BSSIM_LIBRARY")
    if env:
        # an explicit choice is the only one: falling back to another
        # library would run other code than the user asked for
        return [("BSSIM_LIBRARY", env)]
    out = []
    libdir = _installed_libdir()
    if libdir:
        out.append(("_config.py (make install)", os.path.join(libdir, SONAME)))
    here = os.path.dirname(os.path.abspath(__file__))
    out.append(("the build tree",
                os.path.normpath(os.path.join(here, "..", "..", "build",
                                              SONAME))))
    out.append(("the dynamic linker's search", SONAME))
    return out


def _parse_version(text):
    try:
        parts = [int(x) for x in text.split(".")[:3]]
    except ValueError:
        return None
    return tuple(parts) if len(parts) == 3 else None


def load():
    """(the CDLL with every prototype set, the path it was loaded from).

    ImportError naming every place tried when none loads, or when the one
    that loads has another major version (or an older minor) than this
    package speaks."""
    tried = []
    for how, path in candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append("%s: %s (no such file)" % (how, path))
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s: %s (%s)" % (how, path, e))
            continue
        # the version first: a library of another major may lack (or
        # have changed) the functions below
        try:
            lib.bs_version.restype = c_str
            lib.bs_version.argtypes = []
        except AttributeError:
            tried.append("%s: %s (not libbssim: no bs_version)" % (how, path))
            continue
        ver = lib.bs_version().decode("ascii", "replace")
        v = _parse_version(ver)
        if v is None or v[0] != EXPECTED_MAJOR or v[1] < LEAST_MINOR:
            raise ImportError(
                "bssim: %s (from %s) is libbssim %s; this package needs "
                "%d.%d or a later %d.x (set BSSIM_LIBRARY to the right one)"
                % (path, how, ver, EXPECTED_MAJOR, LEAST_MINOR,
                   EXPECTED_MAJOR))
        try:
            for name, (res, args) in PROTOTYPES.items():
                fn = getattr(lib, name)
                fn.restype = res
                fn.argtypes = args
        except AttributeError as e:
            raise ImportError("bssim: %s (from %s) is libbssim %s but lacks "
                              "a function of bssim.h: %s" % (path, how, ver, e))
        return lib, path
    raise ImportError("bssim: cannot load libbssim; tried:\n  "
                      + "\n  ".join(tried) +
                      "\nbuild it with `make` in the source tree, install it"
                      " with `make install`, or set BSSIM_LIBRARY to the "
                      "path of libbssim.so.0")


lib, path = load()


def opts_default(stem):
    """A struct bs_<stem>_opts (OPTION_STRUCTS) with the library's
    defaults: bs_<stem>_opts_init_size is given this package's own length
    of the struct, as the C macro bs_X_opts_init(o) gives sizeof(*o)
    (bssim.h's ABI rule: the library writes the defaults into
    those bytes and no others, sets `size` to them, and later reads only
    within them, so a newer 0.x library with a longer struct still works
    and an older one with a shorter struct leaves the fields it does not
    know zero)."""
    struct_type = OPTION_STRUCTS[stem]
    s = struct_type()
    getattr(lib, "bs_%s_opts_init_size" % stem)(
        ctypes.byref(s), ctypes.sizeof(struct_type))
    return s


# Every option struct, with its _init name stem: the library's own size of
# each is what its plain bs_X_opts_init writes into `size`.
OPTION_STRUCTS = {"run": RunOpts_, "sweep": SweepOpts_,
                  "import_gbfs": ImportGbfsOpts_,
                  "import_trips": ImportTripsOpts_,
                  "calibrate": CalibrateOpts_,
                  "optimize": OptimizeOpts_,
                  "calibrate_od": CalibrateOdOpts_}


def library_opts_size(stem):
    """sizeof(struct bs_<stem>_opts) as the loaded library was built:
    bs_<stem>_opts_init (the plain function, not the macro) fills a struct
    of the library's header and records that size in `size`. Into an 8
    KiB scratch buffer, far more than any of them holds."""
    scratch = (ctypes.c_uint64 * 1024)()
    getattr(lib, "bs_%s_opts_init" % stem)(ctypes.addressof(scratch))
    return int(scratch[0])


def take_string(addr):
    """The text of a `char *` the library returned, freed (None for NULL)."""
    if not addr:
        return None
    try:
        return ctypes.string_at(addr).decode("utf-8", "surrogateescape")
    finally:
        lib.bs_free(addr)


def cstr(value, what, path=False, optional=False):
    """bytes for a `const char *` argument; None is NULL where optional.

    The library asserts on a NULL it does not allow (a programming error
    in C, a crash of the interpreter here), so a None that is not optional
    is a TypeError. A NUL byte would cut the string short where C reads
    it, so it is refused as os functions refuse it."""
    if value is None:
        if optional:
            return None
        raise TypeError("%s: expected %s, got None"
                        % (what, "a path" if path else "a str"))
    if path:
        b = os.fsencode(value)
    elif isinstance(value, bytes):
        b = value
    else:
        b = str(value).encode("utf-8", "surrogateescape")
    if b"\0" in b:
        raise ValueError("%s: embedded null byte" % what)
    return b


def text(b):
    """A borrowed `const char *` (bytes from ctypes) as str."""
    return None if b is None else b.decode("utf-8", "surrogateescape")
