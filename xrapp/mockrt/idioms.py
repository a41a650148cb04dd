"""The small patterns every OpenXR entry point repeats: the two-call idiom, fixed-size strings, struct chains."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence

import xr

from .errors import XrError, require


def two_call(
    capacity: int,
    count_out,
    array,
    items: Sequence,
    fill: Callable[[int, object], None],
    what: str,
) -> None:
    """The spec's two-call idiom: report the count; with enough capacity, ``fill(index, item)`` each element.

    ``count_out`` is the application's ``uint32_t*`` (must not be NULL); ``array`` its element pointer.
    """
    require(bool(count_out), xr.Result.ERROR_VALIDATION_FAILURE, f"{what}: countOutput is NULL")
    count_out[0] = len(items)
    if capacity == 0:
        return
    if capacity < len(items):
        raise XrError(
            xr.Result.ERROR_SIZE_INSUFFICIENT, f"{what}: capacity {capacity} is less than the {len(items)} needed"
        )
    require(bool(array), xr.Result.ERROR_VALIDATION_FAILURE, f"{what}: capacity {capacity} but the array is NULL")
    for index, item in enumerate(items):
        fill(index, item)


def check_element_types(array, count: int, expected: xr.StructureType, what: str) -> None:
    """Each element of an output struct array must carry the type the application is expected to set."""
    for index in range(count):
        if array[index]._type != expected.value:
            raise XrError(
                xr.Result.ERROR_VALIDATION_FAILURE,
                f"{what}[{index}].type is {array[index]._type}, expected XR_TYPE_{expected.name}",
            )


def set_chars(field_owner, field: str, text: str) -> None:
    """Write ``text`` into a fixed ``char[N]`` member, NUL-terminated and truncated to fit."""
    size = getattr(type(field_owner), field).size
    setattr(field_owner, field, text.encode()[: size - 1])


def write_string(capacity: int, count_out, buffer, text: str, what: str) -> None:
    """Two-call idiom for a string: the count includes the terminating NUL."""
    data = text.encode() + b"\0"
    require(bool(count_out), xr.Result.ERROR_VALIDATION_FAILURE, f"{what}: countOutput is NULL")
    count_out[0] = len(data)
    if capacity == 0:
        return
    if capacity < len(data):
        raise XrError(xr.Result.ERROR_SIZE_INSUFFICIENT, f"{what}: capacity {capacity} < {len(data)}")
    ctypes.memmove(buffer, data, len(data))


def chain(next_ptr) -> list[tuple[int, int]]:
    """The (type, address) of each struct in a ``next`` chain, in order."""
    found = []
    address = next_ptr if isinstance(next_ptr, int) else (ctypes.cast(next_ptr, ctypes.c_void_p).value or 0)
    guard = 0
    while address:
        base = ctypes.cast(address, ctypes.POINTER(xr.BaseInStructure)).contents
        found.append((base._type, address))
        address = base._next or 0
        guard += 1
        require(guard < 64, xr.Result.ERROR_VALIDATION_FAILURE, "next chain longer than 64 (a cycle?)")
    return found


def pose_is_valid(pose: xr.Posef) -> bool:
    """A pose's orientation must be a unit quaternion (spec: XR_ERROR_POSE_INVALID otherwise)."""
    q = pose.orientation
    norm = q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w
    return abs(norm - 1.0) < 1e-3 and all(
        v == v for v in (pose.position.x, pose.position.y, pose.position.z)
    )  # v == v rejects NaN
