"""Handles the mock runtime gives out, and the strict look-up that turns a wrong one into XR_ERROR_HANDLE_INVALID."""

from __future__ import annotations

import ctypes
import itertools
from typing import TypeVar

import xr

from .errors import XrError

T = TypeVar("T")


def handle_value(handle) -> int:
    """The integer value of a ctypes handle argument (a POINTER type for XrInstance and friends, or an int)."""
    if handle is None:
        return 0
    if isinstance(handle, int):
        return handle
    if isinstance(handle, ctypes._Pointer):
        # Read the pointer's 8 bytes in place: ctypes.cast builds two objects and costs twice as much, on every call.
        return ctypes.c_void_p.from_buffer(handle).value or 0
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


class HandleTable:
    """Every live handle of the runtime, by value; values are never reused, so a stale handle stays invalid."""

    def __init__(self) -> None:
        # Start high and step by a large odd number, so small integers and pointers the application
        # made up by mistake are never valid handles.
        self._values = itertools.count(0x5EED_0000_1001, 0x1_0001)
        self._objects: dict[int, object] = {}

    def add(self, obj: object) -> int:
        value = next(self._values)
        self._objects[value] = obj
        return value

    def remove(self, value: int) -> None:
        self._objects.pop(value, None)

    def get(self, handle, kind: type[T], what: str) -> T:
        """The live object of class ``kind`` behind ``handle``, else XR_ERROR_HANDLE_INVALID naming ``what``."""
        value = handle_value(handle)
        if value == 0:
            raise XrError(xr.Result.ERROR_HANDLE_INVALID, f"{what} is XR_NULL_HANDLE")
        obj = self._objects.get(value)
        if obj is None:
            raise XrError(xr.Result.ERROR_HANDLE_INVALID, f"{what} {value:#x} is not a live handle (destroyed?)")
        if not isinstance(obj, kind):
            raise XrError(
                xr.Result.ERROR_HANDLE_INVALID,
                f"{what} {value:#x} is a {type(obj).__name__} handle, not a {kind.__name__}",
            )
        return obj

    def live(self, kind: type[T]) -> list[T]:
        return [obj for obj in self._objects.values() if isinstance(obj, kind)]

    def __len__(self) -> int:
        return len(self._objects)


def write_handle(out, value: int, what: str) -> None:
    """Store a new handle's ``value`` through the application's output pointer ``out`` (NULL is refused)."""
    if not out:
        raise XrError(xr.Result.ERROR_VALIDATION_FAILURE, f"{what} is NULL")
    ctypes.cast(out, ctypes.POINTER(ctypes.c_uint64))[0] = value


def as_handle(value: int, handle_type):
    """A pyopenxr handle object (e.g. ``xr.Session``) holding ``value``, for event structs."""
    return ctypes.cast(ctypes.c_void_p(value), handle_type)
