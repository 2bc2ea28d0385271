"""Data in: bssim.import_gbfs, bssim.import_trips, bssim.calibrate,
bssim.calibrate_od.

Each mirrors its options struct of bssim.h and its `bssim` command; an
argument left None takes the library's default (the struct's _init). The
ranges the command line enforces on its numbers are enforced here too
(the library takes the struct as given), with ValueError naming the
argument. Each returns the data report as a dict.
"""
import ctypes
import os

from . import _calls as C
from . import _errors as E
from . import _native as N
from ._result import end_call
from ._scenario import set_array, warnings_dict

REPORT_FIELDS = [f for f, _ in N.DataReport_._fields_ if f != "warnings"]


def _report(rep):
    d = {f: getattr(rep, f) for f in REPORT_FIELDS}
    d["warnings"] = warnings_dict(rep.warnings)
    return d


def _int_in(name, v, lo, hi):
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise ValueError("%s: expected an integer from %d to %d, got %r"
                         % (name, lo, hi, v))
    return v


def _arg(name, v, path, required):
    """A string option: None only where it is optional, never empty (as
    the command line refuses `-o ''`)."""
    if v is not None and len(os.fspath(v) if path else v) == 0:
        raise ValueError("%s: expected %s, got ''"
                         % (name, "a path" if path else "a value"))
    return N.cstr(v, name, path=path, optional=not required)


def _list_arg(v):
    """"a,b" for a list of names (or the str as given)."""
    if v is None or isinstance(v, str):
        return v
    return ",".join(str(x) for x in v)


def _region_map(v):
    """"1=Chiyoda,2=Chuo" for {1: "Chiyoda", 2: "Chuo"} (or the str)."""
    if v is None or isinstance(v, str):
        return v
    return ",".join("%s=%s" % kv for kv in v.items())


def _run(fn, opts, progress, output):
    """fn(opts, &report, &err) as a long call: the report dict."""
    mon = C.Monitor(progress)
    opts.monitor = mon.pointer()
    rep, err = N.DataReport_(), E.new()
    o = C.run(lambda: fn(ctypes.byref(opts), ctypes.byref(rep),
                         ctypes.byref(err)))
    report = _report(rep) if o.value == 0 else None
    end_call(o, err, "%s is complete" % output, report, mon)
    return report


def import_gbfs(station_information, output, system_regions=None,
                region_map=None, wards=None, capacity_from=None,
                station_status=None, stock_output=None, utc_offset_min=None,
                progress=None):
    """A stations CSV (and with station_status and stock_output, a stock
    CSV) from a GBFS feed, as `bssim import gbfs`: files written all or
    none. region_map: {region_id: ward} or "1=Chiyoda,2=Chuo"; wards: a
    list or "Chiyoda,Chuo" (None: all). The report: stations,
    feed_stations, outside, capacity_raised, docks, bikes, stocked, ...,
    warnings."""
    o = N.opts_default("import_gbfs")
    for field, v, path in (
            ("station_information", station_information, True),
            ("system_regions", system_regions, True),
            ("region_map", _region_map(region_map), False),
            ("wards", _list_arg(wards), False),
            ("capacity_from", capacity_from, True),
            ("station_status", station_status, True),
            ("stock_output", stock_output, True), ("output", output, True)):
        setattr(o, field, _arg(field, v, path,
                               field in ("station_information", "output")))
    if utc_offset_min is not None:
        o.utc_offset_min = _int_in("utc_offset_min", utc_offset_min, -1440,
                                   1440)
    return _run(N.lib.bs_import_gbfs, o, progress, output)


def import_trips(log, output, ward=None, capacity=None, progress=None):
    """A stations CSV from the stations a trip log names, as `bssim import
    trips`: every station in ward (None: "system") with capacity docks
    (None: 20). The report: stations, rows, warnings."""
    o = N.opts_default("import_trips")
    o.log = _arg("log", log, True, True)
    o.output = _arg("output", output, True, True)
    if ward is not None:
        o.ward = _arg("ward", ward, False, True)
    if capacity is not None:
        o.capacity = _int_in("capacity", capacity, 1, 100000)
    return _run(N.lib.bs_import_trips, o, progress, output)


def calibrate(source, input, stations, output, profile=None,  # noqa: A002
              od=None, truck_jump=None, max_gap_min=None, utc_offset_min=None,
              days=None, progress=None, moves=None, ops_policy=None,
              stations_out=None):
    """A rates table (demand.rates) from a status series (source "status")
    or a trip log ("trips"), as `bssim calibrate SOURCE INPUT`: profile
    also writes the ward x hour profile, od (trips) the OD table.
    truck_jump, max_gap_min, utc_offset_min: status only; days: trips only
    (None: first to last ride); moves, ops_policy (status): also the
    operator's moves (t_min,station_id,delta, for depots.replay) and the
    policy calibrated to them (ward,hour,bring,take, for depots.policy);
    stations_out (status): also the stations CSV with soft capacity
    (capacity = published, physical_limit = the most bikes held, for
    capacity.physical "data"). The report: stations, departures,
    arrivals, truck_pickups, truck_dropoffs (per day), imputed, rows, days,
    od_pairs, warnings."""
    if source not in ("status", "trips"):
        raise ValueError("source: expected \"status\" or \"trips\", got %r"
                         % (source,))
    o = N.opts_default("calibrate")
    for field, v, path in (("source", source, False), ("input", input, True),
                           ("stations", stations, True),
                           ("output", output, True),
                           ("profile", profile, True), ("od", od, True),
                           ("moves", moves, True),
                           ("ops_policy", ops_policy, True),
                           ("stations_out", stations_out, True)):
        setattr(o, field, _arg(field, v, path,
                               field not in ("profile", "od", "moves",
                                             "ops_policy", "stations_out")))
    if truck_jump is not None:
        o.truck_jump = _int_in("truck_jump", truck_jump, 2, 1000)
    if max_gap_min is not None:
        o.max_gap_min = _int_in("max_gap_min", max_gap_min, 1, 1440)
    if utc_offset_min is not None:
        o.utc_offset_min = _int_in("utc_offset_min", utc_offset_min, -1440,
                                   1440)
    if days is not None:
        o.days = float(_int_in("days", days, 1, 36600))
    return _run(N.lib.bs_calibrate, o, progress, output)


def calibrate_od(scenario, output, set=(), od=None, trips=None,  # noqa: A002
                 cross_share=None, mean_length_m=None,
                 mean_duration_min=None, decay_m=None, factors=False,
                 factors_out=None, decay_min_m=None, decay_max_m=None,
                 max_iter=None, tol=None):
    """The destinations' decay (and with factors, ward-pair factors) fitted
    to evidence, as `bssim calibrate od SCENARIO`: od a ward table
    (from,to,trips|share), trips a trip log, or one target (cross_share,
    mean_length_m, mean_duration_min; decay_m keeps a decay). Writes
    output (the fit as JSON) and factors_out. The report: decay_m,
    converged (False: the target was not met, the fit is written), text,
    warnings."""
    o = N.opts_default("calibrate_od")
    o.scenario = _arg("scenario", scenario, True, True)
    o.output = _arg("output", output, True, True)
    o.od = _arg("od", od, True, False)
    o.trips = _arg("trips", trips, True, False)
    o.factors_out = _arg("factors_out", factors_out, True, False)
    arr, n = set_array([(k, v) for k, v in (set.items() if hasattr(set, "items") else set)])
    o.sets, o.nset = arr, n
    for field, v in (("cross_share", cross_share),
                     ("mean_length_m", mean_length_m),
                     ("mean_duration_min", mean_duration_min),
                     ("decay_m", decay_m), ("decay_min_m", decay_min_m),
                     ("decay_max_m", decay_max_m), ("tol", tol)):
        if v is not None:
            setattr(o, field, float(v))
    if max_iter is not None:
        o.max_iter = _int_in("max_iter", max_iter, 1, 10000)
    o.factors = 1 if factors else 0
    rep, err = N.OdReport_(), E.new()
    mon = C.Monitor(None)
    o.monitor = mon.pointer()
    r = C.run(lambda: N.lib.bs_calibrate_od(ctypes.byref(o), ctypes.byref(rep),
                                            ctypes.byref(err)))
    report = None
    if r.value == 0:
        report = {"decay_m": rep.decay_m, "converged": bool(rep.converged),
                  "text": rep.text.decode("utf-8", "replace"),
                  "warnings": warnings_dict(rep.warnings)}
    end_call(r, err, "%s is complete" % output, report, mon)
    return report
