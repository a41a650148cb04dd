"""The mock runtime's function table: what ``xrGetInstanceProcAddr`` hands to the loader.

Each OpenXR function the mock implements is a Python function registered with :func:`implements`; it receives the
raw ctypes arguments of pyopenxr's own ``PFN_xr*`` prototype. The wrapper built here turns an :class:`XrError` into
its XrResult, turns any other exception into XR_ERROR_RUNTIME_FAILURE (a ctypes callback that raises would
otherwise return 0, XR_SUCCESS, to the application), and records every failure so tests can read why.
"""

from __future__ import annotations

import ctypes
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import xr

from .errors import XrError

log = logging.getLogger("xrapp.mockrt")

# Functions that may be looked up with XR_NULL_HANDLE as the instance (spec: xrGetInstanceProcAddr).
NULL_INSTANCE_FUNCTIONS = frozenset(
    {"xrEnumerateInstanceExtensionProperties", "xrEnumerateApiLayerProperties", "xrCreateInstance"}
)


@dataclass
class Implementation:
    name: str
    function: Callable[..., xr.Result | None]
    extension: str | None
    prototype: type


def _out_buffer_prototype(name: str):
    """pyopenxr's prototype for ``name`` with each ``char*`` output buffer taken as a plain address.

    pyopenxr declares output strings as ``c_char_p`` (ctypes hands a callback an immutable bytes copy) or as a
    by-value ``char[N]`` array (which reads garbage): a runtime must receive the application's buffer address.
    """
    base = getattr(xr, f"PFN_{name}")
    args = [
        ctypes.c_void_p
        if (t is ctypes.c_char_p and i == len(base._argtypes_) - 1) or issubclass(t, ctypes.Array)
        else t
        for i, t in enumerate(base._argtypes_)
    ]
    return ctypes.CFUNCTYPE(base._restype_, *args)


# Functions whose last parameter is a char* output buffer.
_STRING_OUTPUT_FUNCTIONS = frozenset(
    {"xrPathToString", "xrResultToString", "xrStructureTypeToString", "xrGetInputSourceLocalizedName"}
)


_IMPLEMENTATIONS: dict[str, Implementation] = {}
_SUCCESS = xr.Result.SUCCESS.value


def implements(name: str, extension: str | None = None):
    """Register the decorated function as the mock's ``name``; ``extension`` must be enabled to look it up.

    The function receives the arguments of pyopenxr's ``PFN_<name>`` prototype, except that a ``char*`` output
    buffer arrives as an integer address (see ``_out_buffer_prototype``).
    """

    def register(function):
        if not hasattr(xr, f"PFN_{name}"):
            raise AssertionError(f"pyopenxr has no prototype PFN_{name}")
        prototype = _out_buffer_prototype(name) if name in _STRING_OUTPUT_FUNCTIONS else getattr(xr, f"PFN_{name}")
        _IMPLEMENTATIONS[name] = Implementation(name, function, extension, prototype)
        return function

    return register


def implemented() -> dict[str, Implementation]:
    """Every registered implementation, by OpenXR function name."""
    return dict(_IMPLEMENTATIONS)


@dataclass
class Failure:
    """One failed call, as the runtime saw it."""

    function: str
    result: xr.Result
    message: str


class FunctionTable:
    """ctypes callbacks for the registered implementations, built once and kept alive for the loader."""

    def __init__(self, on_failure: Callable[[Failure], None]) -> None:
        self._on_failure = on_failure
        self._callbacks: dict[str, ctypes._CFuncPtr] = {}

    def callback(self, name: str):
        """The ctypes function pointer for ``name`` (built on first use), or None if not implemented."""
        cb = self._callbacks.get(name)
        if cb is None:
            impl = _IMPLEMENTATIONS.get(name)
            if impl is None:
                return None
            cb = impl.prototype(self._wrap(impl))
            self._callbacks[name] = cb
        return cb

    def _wrap(self, impl: Implementation):
        function, name, on_failure = impl.function, impl.name, self._on_failure

        def call(*args):
            try:
                result = function(*args)
            except XrError as error:
                on_failure(Failure(name, error.result, error.message))
                return error.result.value
            except Exception:  # noqa: BLE001 - a bug in the mock must not read as XR_SUCCESS
                message = traceback.format_exc()
                log.error("mock runtime bug in %s:\n%s", name, message)
                on_failure(Failure(name, xr.Result.ERROR_RUNTIME_FAILURE, message))
                return xr.Result.ERROR_RUNTIME_FAILURE.value
            return _SUCCESS if result is None else int(result)  # XrResult is an IntEnum: no slow ``.value``

        call.__name__ = name
        return call
