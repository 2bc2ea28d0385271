"""The exceptions of the package, made from the library's struct bs_error."""
import ctypes

from . import _native as N

BS_E_NOMEM, BS_E_INPUT, BS_E_IO, BS_E_RUN, BS_E_INTERRUPTED, BS_E_LIMIT = (
    -1, -2, -3, -4, -5, -6)

# what the command line prints for a failure nobody described (cli/util.c)
_UNDESCRIBED = ("the command failed for a reason bssim did not record "
                "(please report this)")


class Error(Exception):
    """A failure the library reported.

    Attributes as struct bs_error has them: file, line and column (JSON,
    1-based, 0 when unknown), row (CSV, the header is row 1; 0 when not a
    CSV error), key (the scenario key, option or CSV column), text (what
    was expected), code (a BS_E_* number) and exit_status (what `bssim`
    would exit with: 2 for bad input, 1 otherwise). str() is the line
    `bssim` prints after "bssim: " (bs_error_format), control characters
    left as they are."""

    def __init__(self, message, code=BS_E_INPUT, file="", line=0, column=0,
                 row=0, key="", text=""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.row = row
        self.key = key
        self.text = text
        self.exit_status = N.lib.bs_exit_status(code)

    def __str__(self):
        return self.message


class InputError(Error, ValueError):
    """Bad input (BS_E_INPUT) or a size limit exceeded (BS_E_LIMIT):
    `bssim` would exit 2, and nothing was written."""


class RunError(Error):
    """The run itself failed (BS_E_RUN)."""


class FileError(Error):
    """An input/output error (BS_E_IO): a folder that cannot be created
    or locked, a full disk."""


class Interrupted(Error):
    """The call stopped because bssim.interrupt() was called
    (BS_E_INTERRUPTED). .result holds what had finished (a Result with
    .interrupted true, a SweepResult whose tasks stay recorded for
    resume=True) or None. A Ctrl-C raises KeyboardInterrupt instead (see
    docs/python.md)."""

    result = None


class OutOfMemory(Error, MemoryError):
    """The library ran out of memory (BS_E_NOMEM); the message says what
    it was building."""


_CLASS = {BS_E_INPUT: InputError, BS_E_LIMIT: InputError, BS_E_RUN: RunError,
          BS_E_IO: FileError, BS_E_INTERRUPTED: Interrupted,
          BS_E_NOMEM: OutOfMemory}


def from_struct(err, rc=0):
    """The exception for a failure with code rc (0: the struct's own code),
    as `bssim` would report it (cli/util.c: bs_cli_fail)."""
    code = rc or err.code or BS_E_INPUT
    if err.code == 0 and not err.text and not err.file:
        msg = _UNDESCRIBED
    else:
        buf = ctypes.create_string_buffer(2048)
        N.lib.bs_error_format(ctypes.byref(err), buf, len(buf))
        msg = buf.value.decode("utf-8", "surrogateescape")
    cls = _CLASS.get(code, Error)
    return cls(msg, code=code, file=N.text(err.file) or "",
               line=err.line, column=err.column, row=err.row,
               key=N.text(err.key) or "", text=N.text(err.text) or "")


def new():
    """A cleared struct bs_error for one call."""
    return N.Error_()
