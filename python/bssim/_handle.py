"""What every wrapped handle shares: freeing it once, and using it from one
thread at a time."""
import threading

from . import _native as N


class Handle:
    """An opaque library handle, freed by close(), by `with` or when
    garbage-collected.

    bssim.h lets one handle be used by one thread at a time; each object
    holds a lock that its methods take, so that a program may share one
    object between threads (the calls then wait for each other), and
    close() never frees a handle a call in another thread still uses."""

    _free_name = None  # the library's _free function for this handle
    _what = "handle"

    def __init__(self, ptr):
        self._ptr = ptr
        self._lock = threading.RLock()

    def _h(self):
        """The handle's address; ValueError once closed."""
        if not self._ptr:
            raise ValueError("this %s is closed" % self._what)
        return self._ptr

    @property
    def closed(self):
        return not self._ptr

    def close(self):
        """Free the handle now (later calls raise ValueError). Idempotent."""
        with self._lock:
            p, self._ptr = self._ptr, None
            if p:
                getattr(N.lib, self._free_name)(p)

    def __enter__(self):
        self._h()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        # at interpreter exit the module may be half torn down: the
        # process is ending, so the library's memory goes with it
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass
