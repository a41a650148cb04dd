"""OpenXR calls the frame loop makes every frame, made without pyopenxr's per-call wrappers.

A pyopenxr function (``xr.get_action_state_boolean``, ``xr.locate_space``...) builds a new output struct, turns the
integer result into an enum and then into a result object, and its ctypes prototype converts each argument, on every
call: several microseconds, a dozen times a frame. Here the same entry points (the loader's exported functions, or
an extension's function from ``xrGetInstanceProcAddr``) are called through prototypes taking plain addresses and
returning a plain integer, with input and output structs made once by the caller and reused; :func:`check` raises
the same pyopenxr exceptions the wrappers raise, so callers catch what they caught before.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Callable

import xr

_VOID_P = ctypes.c_void_p

#: XrResult values the frame loop treats as "no input this frame" rather than as errors (pyopenxr raises them).
SESSION_NOT_FOCUSED = xr.Result.SESSION_NOT_FOCUSED.value
SESSION_LOSS_PENDING = xr.Result.SESSION_LOSS_PENDING.value

#: XrSpaceLocationFlags bits a pose needs to be usable: orientation and position valid.
LOCATED = int(xr.SpaceLocationFlags.ORIENTATION_VALID_BIT | xr.SpaceLocationFlags.POSITION_VALID_BIT)

#: flags (uint64), then the XrPosef: orientation x, y, z, w and position x, y, z (float32).
_FLAGS_AND_POSE = struct.Struct("<Q7f")
#: Where the flags start in an XrSpaceLocation (after its type and next) and in an XrSpaceLocationData (at once).
SPACE_LOCATION_FLAGS_OFFSET = xr.SpaceLocation._location_flags.offset
SPACE_LOCATION_DATA_SIZE = ctypes.sizeof(xr.SpaceLocationData)


def handle_value(handle) -> int:
    """The integer value of a pyopenxr handle (a ctypes pointer such as ``xr.Session``), 0 for None."""
    if handle is None:
        return 0
    return ctypes.cast(handle, _VOID_P).value or 0


def address(struct_or_array) -> int:
    """The address of a ctypes struct or array (kept alive by the caller for as long as it is used)."""
    return ctypes.addressof(struct_or_array)


def loader_function(name: str, *argtypes) -> Callable[..., int]:
    """The loader's exported ``name`` (a core function) with plain ``argtypes``, returning the XrResult as an int."""
    pointer = ctypes.cast(getattr(xr.raw_functions, name), _VOID_P).value
    return ctypes.CFUNCTYPE(ctypes.c_int32, *argtypes)(pointer)


def instance_function(instance: xr.Instance, name: str, *argtypes) -> Callable[..., int]:
    """An extension's ``name`` looked up with xrGetInstanceProcAddr (the extension must be enabled)."""
    pointer = ctypes.cast(xr.get_instance_proc_addr(instance, name), _VOID_P).value
    return ctypes.CFUNCTYPE(ctypes.c_int32, *argtypes)(pointer)


def check(result: int) -> None:
    """Raise for ``result`` what the pyopenxr wrapper of the same call would raise (nothing for XR_SUCCESS)."""
    if result:
        outcome = xr.check_result(xr.Result(result))
        if outcome.is_exception():
            raise outcome


def read_location(buffer, offset: int) -> tuple[int, tuple[float, float, float], tuple[float, float, float, float]]:
    """(flags, position (x, y, z) metres, orientation (x, y, z, w)) of the location flags and XrPosef stored at
    ``offset`` in ``buffer`` (an XrSpaceLocation or an array of XrSpaceLocationData)."""
    flags, qx, qy, qz, qw, px, py, pz = _FLAGS_AND_POSE.unpack_from(buffer, offset)
    return flags, (px, py, pz), (qx, qy, qz, qw)
