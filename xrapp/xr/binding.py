"""The graphics binding handed to xrCreateSession, built from the plain handles the renderer's context exposes."""

from __future__ import annotations

import ctypes

import xr


def _field_type(struct: type[ctypes.Structure], name: str):
    return next(t for n, t in struct._fields_ if n == name)


def _as(struct: type[ctypes.Structure], field: str, address: int):
    return ctypes.cast(ctypes.c_void_p(address), _field_type(struct, field))


def graphics_binding(context) -> ctypes.Structure:
    """XrGraphicsBindingEGLMNDX or XrGraphicsBindingOpenGLXlibKHR for a ``renderer.context.GLContext``.

    The Xlib binding carries the context's GLXFBConfig and visual id: runtimes such as Monado reject a binding
    without them (pyopenxr's own GLX helper leaves both unset).
    """
    if context.kind == "egl":
        t = xr.GraphicsBindingEGLMNDX
        return t(
            get_proc_address=ctypes.cast(ctypes.c_void_p(context.egl_get_proc_address), xr.PFN_xrEglGetProcAddressMNDX),
            display=_as(t, "display", context.egl_display),
            config=_as(t, "config", context.egl_config),
            context=_as(t, "context", context.egl_context),
        )
    t = xr.GraphicsBindingOpenGLXlibKHR
    return t(
        x_display=_as(t, "x_display", context.x_display),
        visualid=context.visualid,
        glx_fbconfig=_as(t, "glx_fbconfig", context.glx_fbconfig),
        glx_drawable=context.glx_drawable,
        glx_context=_as(t, "glx_context", context.glx_context),
    )
