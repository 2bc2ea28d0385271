"""Long calls into the library: Ctrl-C, progress callbacks, the process's
stop request.

Why a worker thread. ctypes releases the GIL for the length of a foreign
call, and Python runs its signal handlers only in the main thread between
bytecodes: a SIGINT during a twenty-minute bs_run would be seen after it
returns. So a long call made from the main thread runs on a worker thread
(with SIGINT blocked there, so that the library's threads, which inherit
the mask, never take it); the main thread waits on an Event, a wait that
a signal interrupts, with a SIGINT handler of ours that calls
bs_interrupt and lets the wait go on. The library then stops as it stops
for `bssim run`: replications in flight dropped, finished ones kept,
writes that have begun completed. The cost is one thread per long call.

Made from another thread, a long call runs in that thread: Python delivers
SIGINT to the main thread only, which is not ours to handle.

bs_interrupt is process-wide, so the stop request is cleared when a long
call starts and no other is in flight (a Ctrl-C stops every call in
flight, as in `bssim`).
"""
import signal
import threading

from . import _native as N

_flight_lock = threading.Lock()
_in_flight = 0

# Set whenever this package asks the library to stop (interrupt(), the
# SIGINT handler), cleared with the library's flag. bs_interrupted tells
# the same but can only be polled; this can be waited on, which is what
# the tests need to hold a progress callback until a Ctrl-C has reached
# the handler (tests/python/test_bssim.py: TestInterrupt), without a
# sleep.
stop_seen = threading.Event()


def interrupt():
    """Ask every call of the library in progress in this process (runs,
    comparisons, sweeps, imports, calibrations, writes) to stop at its next
    check, as Ctrl-C does. Safe from any thread and from a progress
    callback. The calls raise bssim.Interrupted, with what had finished in
    its .result."""
    N.lib.bs_interrupt()
    stop_seen.set()


def interrupted():
    """Whether bssim.interrupt() (or a Ctrl-C) asked the calls in flight
    to stop."""
    return bool(N.lib.bs_interrupted())


class Monitor:
    """A struct bs_monitor for one call, and the ctypes callback objects it
    points to, kept alive as long as this object is.

    The callback runs on the library's threads, one call at a time. An
    exception in it is caught (one escaping a ctypes callback would only be
    printed), kept, and raised when the library call has returned; later
    progress of that call is not reported. The call itself goes on: use
    bssim.interrupt() to stop it."""

    def __init__(self, progress):
        self.error = None
        self.struct = None
        self._fn = None
        if progress is None:
            return
        if not callable(progress):
            raise TypeError("progress: expected a callable(done, total, "
                            "frac), got %r" % (progress,))
        user = progress

        def on_progress(ud, done, total, frac):
            if self.error is not None:
                return
            try:
                user(int(done), int(total), float(frac))
            except BaseException as e:  # noqa: B902 - kept, raised later
                self.error = e

        self._fn = N.PROGRESS_FN(on_progress)
        self.struct = N.Monitor_()
        self.struct.progress = self._fn

    def pointer(self):
        """The struct's address for an options field (None: no monitor)."""
        return None if self.struct is None else N.ctypes.pointer(self.struct)

    def raise_pending(self):
        if self.error is not None:
            e, self.error = self.error, None
            raise e


class Outcome:
    """How a long call ended: value (what fn returned), sigint (a Ctrl-C
    arrived during it)."""

    def __init__(self, value, sigint):
        self.value = value
        self.sigint = sigint


def _begin():
    global _in_flight
    with _flight_lock:
        if _in_flight == 0:
            N.lib.bs_interrupt_clear()
            stop_seen.clear()
        _in_flight += 1


def _end():
    global _in_flight
    with _flight_lock:
        _in_flight -= 1


def run(fn):
    """fn() (which calls the library) as a long call: an Outcome.

    Exceptions of fn propagate. A Ctrl-C during the call is not raised
    here: the caller turns what the library returned into its exception
    (KeyboardInterrupt with the partial result)."""
    _begin()
    try:
        if threading.current_thread() is not threading.main_thread():
            return Outcome(fn(), False)
        return _run_on_worker(fn)
    finally:
        _end()


def _run_on_worker(fn):
    box = {}
    done = threading.Event()
    state = {"sigint": False}

    def work():
        try:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            box["value"] = fn()
        except BaseException as e:  # noqa: B902 - re-raised in the caller
            box["error"] = e
        finally:
            done.set()

    def on_sigint(signum, frame):
        N.lib.bs_interrupt()
        state["sigint"] = True
        stop_seen.set()

    # Only Python's own default handler is replaced: a program that
    # ignores SIGINT, or handles it itself, keeps its choice (its handler
    # may call bssim.interrupt()).
    previous = signal.getsignal(signal.SIGINT)
    ours = previous is signal.default_int_handler
    if ours:
        signal.signal(signal.SIGINT, on_sigint)
    try:
        t = threading.Thread(target=work, name="bssim-call", daemon=True)
        t.start()
        # A signal interrupts the wait, runs on_sigint and the wait goes
        # on: no timeout, no polling. An exception there (a handler of
        # the program's own that raises) stops the call too, and is raised
        # once the library has returned: never before, as the call still
        # uses the handles its caller is about to free.
        pending = None
        while True:
            try:
                done.wait()
                break
            except BaseException as e:  # noqa: B902 - raised below
                N.lib.bs_interrupt()
                stop_seen.set()
                if pending is None:
                    pending = e
        t.join()
    finally:
        if ours:
            signal.signal(signal.SIGINT, previous)
    if pending is not None:
        raise pending
    if "error" in box:
        raise box["error"]
    return Outcome(box.get("value"), state["sigint"])


def end_stopped(sigint, stopped, message, result, mon):
    """The end of a long call that returned (value in hand): a Ctrl-C
    during it raises KeyboardInterrupt, then an exception of its progress
    callback is raised, then a stop by bssim.interrupt() raises
    Interrupted; each with `message` and `result` (in .result). Returns
    when none of these happened."""
    if sigint:
        raise keyboard_interrupt(message, result)
    mon.raise_pending()
    if stopped:
        from . import _errors
        e = _errors.Interrupted(message, code=_errors.BS_E_INTERRUPTED)
        e.result = result
        raise e


def keyboard_interrupt(message, result):
    """The KeyboardInterrupt a Ctrl-C during a long call ends in: it stops
    a script as any Ctrl-C does, and keeps what had finished in .result."""
    e = KeyboardInterrupt(message)
    e.result = result
    return e
