"""OpenGL entry points resolved through a get-proc-address function, with ctypes, as an OpenXR runtime resolves them.

PyOpenGL chooses how to find GL functions from a process-wide "platform" that other libraries change behind our
back (``import xr`` forces GLX). Code that must work whatever that choice is (the mock runtime's GL, context
queries) resolves its few functions here instead: through ``eglGetProcAddress`` for EGL and
``glXGetProcAddressARB`` for GLX, both of which return core and extension functions on Mesa and on the
proprietary drivers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache
from typing import Any

GetProcAddress = Callable[[bytes], int | None]

#: The C signature shared by eglGetProcAddress, glXGetProcAddressARB and PFN_xrEglGetProcAddressMNDX.
GET_PROC_ADDRESS_TYPE = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p)


@cache
def load_library(*names: str) -> ctypes.CDLL:
    """The first of ``names`` (file names such as ``libEGL.so.1``, or short names such as ``EGL``) that loads.

    Raises OSError naming every candidate when none loads.
    """
    tried = []
    for name in names:
        candidates = [name] if name.startswith("lib") else [ctypes.util.find_library(name) or f"lib{name}.so"]
        for candidate in candidates:
            try:
                return ctypes.CDLL(candidate, mode=ctypes.RTLD_GLOBAL)
            except OSError as error:
                tried.append(f"{candidate} ({error})")
    raise OSError("could not load any of: " + "; ".join(tried))


def libegl() -> ctypes.CDLL:
    """libEGL (the GLVND dispatcher on Linux)."""
    return load_library("libEGL.so.1", "EGL")


def libgl() -> ctypes.CDLL:
    """libGL: the GLX entry points (glXGetProcAddressARB, glXQueryContext, ...)."""
    return load_library("libGL.so.1", "GL")


def function_address(library: ctypes.CDLL, name: str) -> int:
    """The address of an exported C function, as a Python int."""
    return ctypes.cast(getattr(library, name), ctypes.c_void_p).value or 0


def get_proc_address_function(kind: str, address: int | None = None) -> GetProcAddress:
    """A Python callable ``(name: bytes) -> int | None`` over a C get-proc-address function.

    ``address`` is the address of the C function (for example the ``getProcAddress`` member of an
    ``XrGraphicsBindingEGLMNDX``); when None, the platform's own is used: ``eglGetProcAddress`` from libEGL for
    ``kind == "egl"``, ``glXGetProcAddressARB`` from libGL for ``kind == "glx"``.
    """
    if kind not in ("egl", "glx"):
        raise ValueError(f"kind must be 'egl' or 'glx', not {kind!r}")
    if address is None:
        if kind == "egl":
            address = function_address(libegl(), "eglGetProcAddress")
        else:
            address = function_address(libgl(), "glXGetProcAddressARB")
    if not address:
        raise ValueError(f"the {kind} get-proc-address function pointer is NULL")
    return GET_PROC_ADDRESS_TYPE(address)


class GLFunctions:
    """GL functions resolved by name on first use and cached, for the context that is current when they are called.

    ``declare(name, restype, *argtypes)`` states a C signature; ``functions.glGetError()`` then calls it. A function
    the driver does not have raises AttributeError when used (``has(name)`` asks without raising).
    """

    def __init__(self, get_proc_address: GetProcAddress) -> None:
        self._get_proc_address = get_proc_address
        self._signatures: dict[str, tuple[Any, tuple[Any, ...]]] = {}
        self._resolved: dict[str, Any] = {}

    def declare(self, name: str, restype: Any, *argtypes: Any) -> None:
        """Record the C signature of ``name`` (ctypes types; ``None`` as restype for void)."""
        self._signatures[name] = (restype, argtypes)

    def has(self, name: str) -> bool:
        """Whether the driver returns a non-NULL pointer for the declared function ``name``."""
        try:
            getattr(self, name)
        except AttributeError:
            return False
        return True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        function = self._resolved.get(name)
        if function is not None:
            return function
        if name not in self._signatures:
            raise AttributeError(f"{name} was not declared with GLFunctions.declare")
        address = self._get_proc_address(name.encode("ascii"))
        if not address:
            raise AttributeError(f"the GL driver has no {name}")
        restype, argtypes = self._signatures[name]
        function = ctypes.CFUNCTYPE(restype, *argtypes)(address)
        self._resolved[name] = function
        return function
