"""Choosing PyOpenGL's platform (EGL or GLX) to match the context that is current, whoever changed it last.

PyOpenGL resolves every function beyond GL 1.1 on its first call, through a process-wide platform object
(``OpenGL.platform.PLATFORM``). It picks GLX on Linux by default, and ``import xr`` (pyopenxr) forces GLX even when
it was set otherwise. With an EGL context current, the GLX platform then fails to resolve functions such as
``glTexStorage2D`` (NullFunctionError) and cannot see the context for its per-context data.

So the renderer never imports ``OpenGL.GL`` at module level: its code calls :func:`gl` at the top of each public
method, which puts the right platform in place (from the context actually current, asked of EGL and GLX directly)
and returns the ``OpenGL.GL`` module. The check costs two C calls; it matters only before the first call of each
GL function, but importing ``xr`` at any time can undo the choice, so it is made every time.
"""

from __future__ import annotations

import ctypes
import os
from types import ModuleType

from .gl_procs import libegl, libgl

_KINDS = ("egl", "glx")


def current_kind() -> str | None:
    """``"egl"`` or ``"glx"``: the API of the OpenGL context current on this thread; None when there is none."""
    try:
        egl_get_current_context = libegl().eglGetCurrentContext
        egl_get_current_context.restype = ctypes.c_void_p
        if egl_get_current_context():
            return "egl"
    except OSError:
        pass
    try:
        glx_get_current_context = libgl().glXGetCurrentContext
        glx_get_current_context.restype = ctypes.c_void_p
        if glx_get_current_context():
            return "glx"
    except OSError:
        pass
    return None


def select(kind: str) -> None:
    """Make PyOpenGL resolve GL functions through ``kind`` (``"egl"`` or ``"glx"``) from now on.

    Sets ``PYOPENGL_PLATFORM`` for an ``OpenGL.platform`` not yet imported, and for one already imported installs
    the platform again unless both ``PLATFORM`` and the names it exports into ``OpenGL.platform`` (such as
    ``GetCurrentContext``, used for per-context data) are of that kind: ``import xr`` replaces ``PLATFORM`` alone,
    so after a start as EGL (``PYOPENGL_PLATFORM=egl`` inherited from a parent process) the two can disagree.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}, not {kind!r}")
    os.environ["PYOPENGL_PLATFORM"] = kind
    import OpenGL.platform as platform

    if kind == "egl":
        from OpenGL.platform.egl import EGLPlatform as wanted
    else:
        from OpenGL.platform.glx import GLXPlatform as wanted
    current = platform.PLATFORM
    if not isinstance(current, wanted):
        wanted().install(vars(platform))
    elif any(vars(platform).get(name) != getattr(current, name, None) for name in current.EXPORTED_NAMES):
        current.install(vars(platform))


def ensure(default: str = "egl") -> None:
    """Select the platform of the current context (``default`` when no context is current)."""
    select(current_kind() or default)


def gl() -> ModuleType:
    """The ``OpenGL.GL`` module, with PyOpenGL's platform matching the current context. Call before GL work."""
    ensure()
    from OpenGL import GL

    return GL
