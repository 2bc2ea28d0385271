"""Scenarios: bssim.load, bssim.parse and the Scenario handle."""
import ctypes
import json
import os

from . import _errors as E
from . import _native as N
from ._handle import Handle


def set_value(value):
    """A Python value as `--set KEY=VALUE` takes VALUE: a str as it is
    (JSON when it parses as JSON, else a string), None as null (the key is
    removed), anything else JSON-encoded."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise ValueError("set: %r cannot be given as JSON: %s"
                         % (value, e)) from None


def sets_of(given):
    """[(key, VALUE text)] of a mapping or of an iterable of pairs, in
    order (a later one wins, as for repeated --set)."""
    if given is None:
        return []
    items = given.items() if hasattr(given, "items") else given
    out = []
    for pair in items:
        try:
            key, value = pair
        except (TypeError, ValueError):
            raise TypeError("set: expected a dict or (key, value) pairs, "
                            "got %r" % (pair,)) from None
        if not isinstance(key, str) or not key:
            raise TypeError("set: a key must be a non-empty str, got %r"
                            % (key,))
        out.append((key, set_value(value)))
    return out


def run_sets(replications, seed):
    """The overrides `--replications N` and `--seed N` stand for (the
    command line's run, compare: --set replications=N, --set seed=N)."""
    out = []
    if replications is not None:
        out.append(("replications", set_value(replications)))
    if seed is not None:
        out.append(("seed", set_value(seed)))
    return out


def set_array(sets):
    """(struct bs_set array, n) for the library; the array keeps its bytes."""
    arr = (N.Set_ * max(len(sets), 1))()
    for i, (k, v) in enumerate(sets):
        arr[i].key = N.cstr(k, "set: key %r" % k)
        arr[i].value = N.cstr(v, "set: %s" % k)
    return arr, len(sets)


def jobs_of(jobs):
    """jobs as `--jobs` takes it: an integer from 1 to 1024."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not \
            1 <= jobs <= 1024:
        raise ValueError("jobs: expected an integer from 1 to 1024, got %r"
                         % (jobs,))
    return jobs


def load(path, set=None):  # noqa: A002 - the issue's name, as --set
    """The scenario file at path with the overrides `set` applied in order
    (a dict {key: value} or (key, value) pairs, as `--set KEY=VALUE`: a
    str is passed as it is, None removes the key, any other value is
    JSON-encoded). Every key is checked; the files the scenario names are
    read by check() (or the first run). InputError on bad input."""
    sets = sets_of(set)
    sc = _new_from_file(path, sets)
    sc._origin = ("file", os.fspath(path), sets)
    return sc


def parse(text, name="<string>", dir=None, set=None):  # noqa: A002
    """A scenario from JSON text (str or bytes) or a dict. `name` stands
    for the file in messages (and names the run when the scenario has no
    "name"); relative paths in it resolve against `dir` (None: the current
    folder)."""
    if isinstance(text, dict):
        text = json.dumps(text, indent=2)
    raw = text if isinstance(text, bytes) else str(text).encode("utf-8")
    sets = sets_of(set)
    sc = _new_from_text(raw, name, dir, sets)
    sc._origin = ("text", raw, name, dir, sets)
    return sc


def again(dir, force=False):  # noqa: A002 - as `bssim run --again DIR`
    """The finished run in folder `dir` again, as `bssim run --again DIR`
    reads it: the resolved scenario its summary.json recorded (its
    overrides, seed and replications), every input read at its recorded
    absolute path after its sha256 is checked. InputError naming the file
    and both digests when an input changed, unless force (then the notes
    say so: Scenario.again_notes). Its run(output=NEW) writes the same
    files as dir's but for summary.json's "run"; it takes no overrides
    (no set, seed or replications: ValueError)."""
    err = E.new()
    notes = N.Warnings_()
    p = N.lib.bs_scenario_again(N.cstr(dir, "dir", path=True),
                                1 if force else 0, ctypes.byref(notes),
                                ctypes.byref(err))
    if not p:
        raise E.from_struct(err)
    sc = Scenario(p)
    sc._origin = ("again", os.fspath(dir))
    sc.again_notes = warnings_dict(notes)
    return sc


def _new_from_file(path, sets):
    arr, n = set_array(sets)
    err = E.new()
    p = N.lib.bs_scenario_load(N.cstr(path, "path", path=True), arr, n,
                               ctypes.byref(err))
    if not p:
        raise E.from_struct(err)
    return Scenario(p)


def _new_from_text(raw, name, dir, sets):  # noqa: A002
    arr, n = set_array(sets)
    err = E.new()
    p = N.lib.bs_scenario_parse(raw, len(raw), N.cstr(name, "name", path=True),
                                N.cstr(dir, "dir", path=True, optional=True), arr, n,
                                ctypes.byref(err))
    if not p:
        raise E.from_struct(err)
    return Scenario(p)


class Scenario(Handle):
    """A loaded scenario (bs_scenario). Use it with `with`, or close() it;
    it is freed when garbage-collected otherwise."""

    _free_name = "bs_scenario_free"
    _what = "scenario"
    _origin = None

    def with_overrides(self, set):  # noqa: A002 - as load() names it
        """A new Scenario: this one's source read again (the file anew:
        edits since load() count) with its overrides and then `set` (as
        load() takes it), as `bssim run --set` reads the file. This one
        is unchanged."""
        return self._derive(sets_of(set), always=True)

    def _derive(self, extra, always=False):
        """with_overrides for (key, VALUE text) pairs; None when there are
        none and not always (the caller then uses self)."""
        if not extra and not always:
            return None
        o = self._origin
        if o[0] == "again":
            raise ValueError("a scenario of again(%r) runs what the run "
                             "recorded; it takes no set, seed or "
                             "replications (load its scenario file "
                             "instead)" % o[1])
        if o[0] == "file":
            sc = _new_from_file(o[1], o[2] + extra)
            sc._origin = (o[0], o[1], o[2] + extra)
        else:
            sc = _new_from_text(o[1], o[2], o[3], o[4] + extra)
            sc._origin = (o[0], o[1], o[2], o[3], o[4] + extra)
        return sc

    def check(self):
        """Read and check every file the scenario names and build the
        simulated world, as `bssim check` does. Returns self; InputError
        (file, line, column or row, key) on bad input. Idempotent."""
        with self._lock:
            err = E.new()
            rc = N.lib.bs_scenario_check(self._h(), ctypes.byref(err))
            if rc:
                raise E.from_struct(err, rc)
        return self

    @property
    def name(self):
        """The run name: the scenario's "name", else the file's base name."""
        with self._lock:
            return N.text(N.lib.bs_scenario_name(self._h()))

    @property
    def file(self):
        """The scenario file as given (parse(): its name)."""
        with self._lock:
            return N.text(N.lib.bs_scenario_file(self._h()))

    @property
    def json(self):
        """The resolved scenario (overrides applied, defaults filled), a
        dict."""
        with self._lock:
            return json.loads(N.take_string(
                N.lib.bs_scenario_json(self._h())))

    def get(self, key, default=None):
        """The resolved value of a dotted key ("fleet.bikes"), decoded from
        JSON; default when the scenario has no such key."""
        with self._lock:
            t = N.take_string(N.lib.bs_scenario_get(
                self._h(), N.cstr(key, "key")))
        return default if t is None else json.loads(t)

    def __getitem__(self, key):
        with self._lock:
            t = N.take_string(N.lib.bs_scenario_get(
                self._h(), N.cstr(key, "key")))
        if t is None:
            raise KeyError(key)
        return json.loads(t)

    def describe(self):
        """What `bssim check` prints (checks the scenario first)."""
        with self._lock:
            err = E.new()
            t = N.take_string(N.lib.bs_scenario_describe(self._h(),
                                                        ctypes.byref(err)))
            if t is None:
                raise E.from_struct(err)
            return t

    @property
    def unused(self):
        """Keys the file or `set` gave that this scenario does not use."""
        with self._lock:
            keys = ctypes.POINTER(ctypes.c_char_p)()
            n = N.lib.bs_scenario_unused(self._h(), ctypes.byref(keys))
            return [N.text(keys[i]) for i in range(n)]

    @property
    def warnings(self):
        """Rows of the inputs skipped safely: {"count": n, "first": [the
        first few, verbatim]}. Checks the scenario first."""
        self.check()
        with self._lock:
            return warnings_dict(
                N.lib.bs_scenario_warnings(self._h()).contents)

    def run(self, replications=None, jobs=1, seed=None, output=None,
            force=False, progress=None, paranoid=False):
        """Run the scenario's replications as `bssim run` does: a Result.

        replications and seed override the scenario's keys as --set
        replications=N and --set seed=N (the scenario itself keeps its
        own). output=None runs in memory (no files, no trip log);
        output=DIR writes DIR exactly as `bssim run -o DIR` (claimed and
        locked; force as --force). jobs: threads, 1 to 1024 (results are
        identical for any). progress: callable(done, total, frac), called
        now and then from the library's threads. paranoid: check the
        conservation of bikes after every event.

        InputError on bad input (nothing written), FileError when DIR
        cannot be written, RunError when the run fails. Ctrl-C stops the
        run: KeyboardInterrupt whose .result holds the finished
        replications (written to DIR when output was given) or None;
        bssim.interrupt() the same with bssim.Interrupted."""
        from ._result import run_scenario
        return run_scenario(self, replications=replications, jobs=jobs,
                            seed=seed, output=output, force=force,
                            progress=progress, paranoid=paranoid)

    def __repr__(self):
        if self.closed:
            return "<bssim.Scenario (closed)>"
        return "<bssim.Scenario %r from %r>" % (self.name, self.file)


def warnings_dict(w):
    n = int(w.count)
    first = [N.text(w.first[i].value)
             for i in range(min(n, N.WARN_KEEP))]
    return {"count": n, "first": first}

