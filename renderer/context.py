"""The application's OpenGL context: EGL without any surface (headless, CI) or a glfw window under X11 (GLX).

:class:`GLContext` also exposes, as plain ints, every handle an OpenXR graphics binding needs, so that code building
``XrGraphicsBindingEGLMNDX`` or ``XrGraphicsBindingOpenGLXlibKHR`` needs no GL knowledge. For GLX that includes the
context's GLXFBConfig and visual id, which runtimes such as Monado require and pyopenxr's own helper leaves unset.

EGL and GLX are called through ctypes here, never through PyOpenGL, whose platform choice other libraries change
(see :mod:`renderer.pyopengl_platform`).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import warnings
from collections.abc import Iterator

from . import pyopengl_platform
from .gl_procs import GLFunctions, function_address, get_proc_address_function, libegl, libgl, load_library

# -- EGL constants (EGL 1.5, EGL_KHR_create_context, EGL_MESA_platform_surfaceless) -------------------------------
EGL_NONE = 0x3038
EGL_SUCCESS = 0x3000
EGL_RED_SIZE = 0x3024
EGL_GREEN_SIZE = 0x3023
EGL_BLUE_SIZE = 0x3022
EGL_ALPHA_SIZE = 0x3021
EGL_DEPTH_SIZE = 0x3025
EGL_SURFACE_TYPE = 0x3033
EGL_PBUFFER_BIT = 0x0001
EGL_RENDERABLE_TYPE = 0x3040
EGL_OPENGL_BIT = 0x0008
EGL_OPENGL_API = 0x30A2
EGL_CONTEXT_MAJOR_VERSION = 0x3098
EGL_CONTEXT_MINOR_VERSION = 0x30FB
EGL_CONTEXT_OPENGL_PROFILE_MASK = 0x30FD
EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT = 0x0001
EGL_DRAW = 0x3059
EGL_READ = 0x305A
EGL_EXTENSIONS = 0x3055
EGL_PLATFORM_SURFACELESS_MESA = 0x31DD

# -- GLX constants (GLX 1.3) ------------------------------------------------------------------------------------------
GLX_SCREEN = 0x800C
GLX_FBCONFIG_ID = 0x8013
GLX_VISUAL_ID = 0x800B

# -- GL constants used for the context's description --------------------------------------------------------------
GL_VENDOR = 0x1F00
GL_RENDERER = 0x1F01
GL_VERSION = 0x1F02
GL_EXTENSIONS = 0x1F03
GL_NUM_EXTENSIONS = 0x821D

#: The context versions asked for, best first: (major, minor), core profile.
CONTEXT_VERSIONS = ((4, 5), (3, 3))

_glfw_initialised = False


class ContextError(RuntimeError):
    """No OpenGL context of the kind asked for could be made; the message says what was tried and what to try."""


def _address(value: object) -> int:
    """A C pointer returned by ctypes or glfw (int, None, c_void_p or a typed pointer) as a plain int (0 for NULL)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, ctypes.c_void_p):
        return value.value or 0
    return ctypes.cast(value, ctypes.c_void_p).value or 0


def _egl_error() -> str:
    egl = libegl()
    egl.eglGetError.restype = ctypes.c_int32
    return f"EGL error 0x{egl.eglGetError():04X}"


def parse_gl_version(version: str) -> tuple[int, int]:
    """(major, minor) from a GL_VERSION string such as ``"4.5 (Core Profile) Mesa 22.3.6"``."""
    try:
        major, minor = version.split()[0].split(".")[:2]
        return int(major), int(minor)
    except (IndexError, ValueError):
        raise ValueError(f"unrecognised GL_VERSION string {version!r}") from None


class GLContext:
    """An OpenGL (core profile) context, current on the thread that created it, and its handles for OpenXR.

    Create one with :meth:`create`. Every handle is a plain ``int`` (a pointer's address, or an X id); the handles
    of the other kind are 0.

    Attributes:
        kind: ``"egl"`` or ``"glx"``.
        width, height: the window's size in screen coordinates (GLX); the requested size for EGL, which has no
            surface and draws only into framebuffer objects.
        gl_version: GL_VERSION, e.g. ``"4.5 (Core Profile) Mesa 22.3.6"``.
        renderer_name: GL_RENDERER, e.g. ``"llvmpipe (LLVM 15.0.6, 256 bits)"``.
        extensions: the GL extension names.
        egl_display, egl_config, egl_context: EGLDisplay, EGLConfig, EGLContext (EGL only).
        egl_get_proc_address: the address of ``eglGetProcAddress`` (EGL only), for ``XrGraphicsBindingEGLMNDX``.
        egl_display_source: how the EGL display was found: ``"eglGetDisplay"`` (the default display of the
            platform ``EGL_PLATFORM`` names) or ``"eglGetPlatformDisplayEXT"`` (Mesa's surfaceless platform, asked
            for explicitly when the default failed).
        x_display: the X ``Display*`` (GLX only).
        glx_context: the ``GLXContext`` (GLX only).
        glx_drawable: the ``GLXWindow`` the context draws to (GLX only).
        glx_fbconfig: the context's ``GLXFBConfig`` (GLX only, never 0).
        visualid: the X visual id of that config (GLX only, never 0).
        window: the glfw window (GLX only; None for EGL).
    """

    def __init__(self, kind: str, width: int, height: int) -> None:
        """Use :meth:`create`; this only sets every attribute to its empty value."""
        self.kind = kind
        self.width = width
        self.height = height
        self.gl_version = ""
        self.renderer_name = ""
        self.extensions: frozenset[str] = frozenset()
        self.egl_display = 0
        self.egl_config = 0
        self.egl_context = 0
        self.egl_get_proc_address = 0
        self.egl_display_source = ""
        self.x_display = 0
        self.glx_context = 0
        self.glx_drawable = 0
        self.glx_fbconfig = 0
        self.visualid = 0
        self.window = None
        self._destroyed = False

    # -- creation -------------------------------------------------------------------------------------------------

    @classmethod
    def create(
        cls, kind: str = "auto", width: int = 1280, height: int = 720, visible: bool = False, title: str = "Rehearse XR"
    ) -> GLContext:
        """Make an OpenGL 4.5 core context (3.3 core when 4.5 is refused) and leave it current on this thread.

        Args:
            kind: ``"egl"``: EGL with no surface (``EGL_PLATFORM=surfaceless`` unless set), for headless runs;
                ``"glx"``: a glfw window under X11 (needs ``DISPLAY``; Xvfb will do), hidden unless ``visible``;
                ``"auto"``: ``"glx"`` when :meth:`display_available`, else ``"egl"``.
            width, height: window size in screen coordinates (GLX); recorded only, for EGL.
            visible: show the window (GLX only).
            title: window title (GLX only).

        Raises:
            ContextError: naming what was tried and suggesting the other kind.
        """
        if kind == "auto":
            kind = "glx" if cls.display_available() else "egl"
        if kind == "egl":
            context = cls("egl", width, height)
            context._create_egl()
        elif kind == "glx":
            context = cls("glx", width, height)
            context._create_glx(visible, title)
        else:
            raise ValueError(f"kind must be 'auto', 'egl' or 'glx', not {kind!r}")
        context.make_current()
        context._describe()
        return context

    @staticmethod
    def display_available() -> bool:
        """Whether a GLX window can be made: ``DISPLAY`` is set and glfw initialises on it."""
        if not os.environ.get("DISPLAY"):
            return False
        try:
            _init_glfw()
        except ContextError:
            return False
        return True

    def _create_egl(self) -> None:
        os.environ.setdefault("EGL_PLATFORM", "surfaceless")
        try:
            egl = libegl()
        except OSError as error:
            raise ContextError(f"EGL is not installed ({error}): install libegl1 and Mesa, or use kind='glx'") from None
        vp, i32 = ctypes.c_void_p, ctypes.c_int32
        egl.eglGetDisplay.restype, egl.eglGetDisplay.argtypes = vp, [vp]
        egl.eglInitialize.restype, egl.eglInitialize.argtypes = ctypes.c_uint, [vp, ctypes.c_void_p, ctypes.c_void_p]
        egl.eglBindAPI.restype, egl.eglBindAPI.argtypes = ctypes.c_uint, [ctypes.c_uint]
        egl.eglChooseConfig.restype = ctypes.c_uint
        egl.eglChooseConfig.argtypes = [vp, ctypes.POINTER(i32), ctypes.POINTER(vp), i32, ctypes.POINTER(i32)]
        egl.eglCreateContext.restype = vp
        egl.eglCreateContext.argtypes = [vp, vp, vp, ctypes.POINTER(i32)]
        egl.eglQueryString.restype, egl.eglQueryString.argtypes = ctypes.c_char_p, [vp, i32]

        tried: list[str] = []
        display, self.egl_display_source = _egl_display(tried)
        if not display:
            raise ContextError(
                "no EGL display: tried " + "; ".join(tried) + ". Install Mesa's EGL (libegl-mesa0), or use kind='glx' "
                "with an X server (DISPLAY, or Xvfb)."
            )
        if not egl.eglBindAPI(EGL_OPENGL_API):
            raise ContextError(f"eglBindAPI(EGL_OPENGL_API) failed ({_egl_error()}): this EGL offers no desktop GL")

        config = vp()
        count = i32()
        attributes = [EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT]
        attributes += [EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8, EGL_NONE]
        attribute_array = (i32 * len(attributes))(*attributes)
        if not egl.eglChooseConfig(display, attribute_array, ctypes.byref(config), 1, ctypes.byref(count)) or (
            count.value < 1
        ):
            raise ContextError(f"eglChooseConfig found no RGBA8 OpenGL config ({_egl_error()}); try kind='glx'")

        context = 0
        for version in CONTEXT_VERSIONS:
            attributes = [EGL_CONTEXT_MAJOR_VERSION, version[0], EGL_CONTEXT_MINOR_VERSION, version[1]]
            attributes += [EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE]
            context = egl.eglCreateContext(display, config, None, (i32 * len(attributes))(*attributes)) or 0
            if context:
                break
            tried.append(f"eglCreateContext(OpenGL {version[0]}.{version[1]} core): {_egl_error()}")
        if not context:
            raise ContextError("no EGL OpenGL context: tried " + "; ".join(tried) + ". Try kind='glx'.")
        self.egl_display = display
        self.egl_config = config.value or 0
        self.egl_context = context
        self.egl_get_proc_address = function_address(egl, "eglGetProcAddress")

    def _create_glx(self, visible: bool, title: str) -> None:
        import glfw

        if not os.environ.get("DISPLAY"):
            raise ContextError(
                "kind='glx' needs an X server but DISPLAY is not set: start one (e.g. `Xvfb :99 &` and "
                "DISPLAY=:99, or xvfb-run), or use kind='egl' for a headless context"
            )
        _init_glfw()
        tried = []
        window = None
        for version in CONTEXT_VERSIONS:
            glfw.default_window_hints()
            glfw.window_hint(glfw.CLIENT_API, glfw.OPENGL_API)
            glfw.window_hint(glfw.CONTEXT_CREATION_API, glfw.NATIVE_CONTEXT_API)
            glfw.window_hint(glfw.CONTEXT_VERSION_MAJOR, version[0])
            glfw.window_hint(glfw.CONTEXT_VERSION_MINOR, version[1])
            glfw.window_hint(glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE)
            glfw.window_hint(glfw.OPENGL_FORWARD_COMPAT, glfw.TRUE)
            glfw.window_hint(glfw.VISIBLE, glfw.TRUE if visible else glfw.FALSE)
            glfw.window_hint(glfw.SRGB_CAPABLE, glfw.TRUE)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                window = glfw.create_window(self.width, self.height, title, None, None)
            if window:
                break
            reason = "; ".join(str(w.message) for w in caught) or "no reason given"
            tried.append(f"glfw window with OpenGL {version[0]}.{version[1]} core: {reason}")
        if not window:
            raise ContextError(
                f"no GLX context on DISPLAY={os.environ['DISPLAY']}: tried " + "; ".join(tried) + ". Try kind='egl'."
            )
        self.window = window
        glfw.make_context_current(window)
        glfw.swap_interval(0)  # the OpenXR runtime paces frames, never the desktop window's vsync
        self.x_display = _address(glfw.get_x11_display())
        self.glx_context = _address(glfw.get_glx_context(window))
        self.glx_drawable = int(glfw.get_glx_window(window) or 0)
        self.glx_fbconfig, self.visualid = _glx_fbconfig_of(self.x_display, self.glx_context)

    def _describe(self) -> None:
        functions = GLFunctions(self.get_proc_address_function())
        functions.declare("glGetString", ctypes.c_char_p, ctypes.c_uint)
        functions.declare("glGetStringi", ctypes.c_char_p, ctypes.c_uint, ctypes.c_uint)
        functions.declare("glGetIntegerv", None, ctypes.c_uint, ctypes.POINTER(ctypes.c_int32))
        self.gl_version = (functions.glGetString(GL_VERSION) or b"").decode()
        self.renderer_name = (functions.glGetString(GL_RENDERER) or b"").decode()
        count = ctypes.c_int32()
        functions.glGetIntegerv(GL_NUM_EXTENSIONS, ctypes.byref(count))
        self.extensions = frozenset(
            (functions.glGetStringi(GL_EXTENSIONS, i) or b"").decode() for i in range(count.value)
        )

    # -- use ------------------------------------------------------------------------------------------------------

    @property
    def version(self) -> tuple[int, int]:
        """The context's GL version as (major, minor)."""
        return parse_gl_version(self.gl_version)

    def has_extension(self, name: str) -> bool:
        """Whether the context offers the GL extension ``name`` (e.g. ``"GL_ARB_shader_viewport_layer_array"``)."""
        return name in self.extensions

    def get_proc_address_function(self):
        """``(name: bytes) -> int | None``: the platform's get-proc-address (eglGetProcAddress/glXGetProcAddressARB)."""
        return get_proc_address_function(self.kind)

    def make_current(self) -> None:
        """Make this context current on the calling thread, and point PyOpenGL at its platform."""
        self._check_alive()
        if self.kind == "egl":
            egl = libegl()
            egl.eglMakeCurrent.restype = ctypes.c_uint
            egl.eglMakeCurrent.argtypes = [ctypes.c_void_p] * 4
            if not egl.eglMakeCurrent(self.egl_display, None, None, self.egl_context):
                raise ContextError(f"eglMakeCurrent failed ({_egl_error()})")
        else:
            import glfw

            glfw.make_context_current(self.window)
        pyopengl_platform.select(self.kind)

    def is_current(self) -> bool:
        """Whether this context is the one current on the calling thread."""
        if self._destroyed:
            return False
        if self.kind == "egl":
            egl = libegl()
            egl.eglGetCurrentContext.restype = ctypes.c_void_p
            return (egl.eglGetCurrentContext() or 0) == self.egl_context
        import glfw

        current = glfw.get_current_context()
        return current is not None and _address(current) == _address(self.window)

    def done_current(self) -> None:
        """Leave the calling thread with no current context (if this one was current)."""
        if not self.is_current():
            return
        if self.kind == "egl":
            egl = libegl()
            egl.eglMakeCurrent.restype = ctypes.c_uint
            egl.eglMakeCurrent.argtypes = [ctypes.c_void_p] * 4
            egl.eglMakeCurrent(self.egl_display, None, None, None)
        else:
            import glfw

            glfw.make_context_current(None)

    @contextlib.contextmanager
    def activated(self) -> Iterator[GLContext]:
        """``with context.activated():`` makes this context current, then puts back what was current before
        (see :func:`current_context_kept`)."""
        with current_context_kept():
            self.make_current()
            yield self

    def swap_buffers(self) -> None:
        """Show the window's back buffer (GLX). EGL has no surface: nothing to do."""
        if self.kind == "glx" and not self._destroyed:
            import glfw

            glfw.swap_buffers(self.window)

    def poll_events(self) -> None:
        """Process pending window events (GLX), which updates :meth:`should_close`. Nothing to do for EGL."""
        if self.kind == "glx" and not self._destroyed:
            import glfw

            glfw.poll_events()

    def should_close(self) -> bool:
        """Whether the user asked to close the window (GLX; events come from :meth:`poll_events`). Never for EGL."""
        if self.kind == "glx" and not self._destroyed:
            import glfw

            return bool(glfw.window_should_close(self.window))
        return False

    def destroy(self) -> None:
        """Destroy the context (and window). Safe to call twice.

        The EGL display stays initialised (other contexts in the process may share it: eglTerminate would end them
        too); glfw is terminated when the process exits, as other windows may use it.
        """
        if self._destroyed:
            return
        self.done_current()
        if self.kind == "egl":
            egl = libegl()
            egl.eglDestroyContext.restype = ctypes.c_uint
            egl.eglDestroyContext.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
            egl.eglDestroyContext(self.egl_display, self.egl_context)
        elif self.window is not None:
            import glfw

            glfw.destroy_window(self.window)
            self.window = None
        self._destroyed = True

    release = destroy

    def _check_alive(self) -> None:
        if self._destroyed:
            raise ContextError("this GLContext was destroyed: create a new one")

    def __repr__(self) -> str:
        state = "destroyed" if self._destroyed else self.gl_version
        return f"GLContext(kind={self.kind!r}, {state}, renderer={self.renderer_name!r})"


def _init_glfw() -> None:
    """Initialise glfw on X11 once per process (terminated at exit); ContextError with glfw's reason on failure."""
    global _glfw_initialised
    if _glfw_initialised:
        return
    try:
        import glfw
    except ImportError as error:
        raise ContextError(f"glfw is not installed ({error}): pip install glfw, or use kind='egl'") from None
    if hasattr(glfw, "PLATFORM"):  # glfw 3.4 may otherwise pick Wayland, whose handles OpenXR's Xlib binding can't use
        glfw.init_hint(glfw.PLATFORM, glfw.PLATFORM_X11)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ok = glfw.init()
    if not ok:
        reason = "; ".join(str(w.message) for w in caught) or "no reason given"
        raise ContextError(
            f"glfw could not initialise on DISPLAY={os.environ.get('DISPLAY')!r} ({reason}); use kind='egl'"
        )
    _glfw_initialised = True
    atexit.register(glfw.terminate)


def _egl_display(tried: list[str]) -> tuple[int, str]:
    """An initialised EGLDisplay and how it was found (see ``GLContext.egl_display_source``); (0, "") if none.

    Appends to ``tried`` one line per attempt, for the error message.
    """
    egl = libegl()
    vp, i32 = ctypes.c_void_p, ctypes.c_int32
    major, minor = i32(), i32()
    platform = os.environ.get("EGL_PLATFORM")
    display = egl.eglGetDisplay(None) or 0  # EGL_DEFAULT_DISPLAY, on the platform EGL_PLATFORM names
    if display and egl.eglInitialize(display, ctypes.byref(major), ctypes.byref(minor)):
        tried.append(f"eglGetDisplay(EGL_DEFAULT_DISPLAY) with EGL_PLATFORM={platform}: ok")
        return display, "eglGetDisplay"
    tried.append(f"eglGetDisplay(EGL_DEFAULT_DISPLAY) with EGL_PLATFORM={platform}: {_egl_error()}")

    client_extensions = (egl.eglQueryString(None, EGL_EXTENSIONS) or b"").decode()
    address = get_proc_address_function("egl")(b"eglGetPlatformDisplayEXT")
    if "EGL_MESA_platform_surfaceless" not in client_extensions or not address:
        tried.append("eglGetPlatformDisplayEXT: EGL_MESA_platform_surfaceless is not offered")
        return 0, ""
    get_platform_display = ctypes.CFUNCTYPE(vp, ctypes.c_uint, vp, ctypes.POINTER(i32))(address)
    display = get_platform_display(EGL_PLATFORM_SURFACELESS_MESA, None, None) or 0
    if display and egl.eglInitialize(display, ctypes.byref(major), ctypes.byref(minor)):
        tried.append("eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA): ok")
        return display, "eglGetPlatformDisplayEXT"
    tried.append(f"eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA): {_egl_error()}")
    return 0, ""


def _glx_fbconfig_of(x_display: int, glx_context: int) -> tuple[int, int]:
    """(GLXFBConfig address, X visual id) of a GLX context: its GLX_FBCONFIG_ID, found again with glXChooseFBConfig."""
    gl = libgl()
    vp, i32 = ctypes.c_void_p, ctypes.c_int32
    gl.glXQueryContext.restype, gl.glXQueryContext.argtypes = i32, [vp, vp, i32, ctypes.POINTER(i32)]
    gl.glXChooseFBConfig.restype = ctypes.POINTER(vp)
    gl.glXChooseFBConfig.argtypes = [vp, i32, ctypes.POINTER(i32), ctypes.POINTER(i32)]
    gl.glXGetFBConfigAttrib.restype = i32
    gl.glXGetFBConfigAttrib.argtypes = [vp, vp, i32, ctypes.POINTER(i32)]
    if not x_display or not glx_context:
        raise ContextError(f"glfw returned no X display ({x_display:#x}) or GLX context ({glx_context:#x})")
    fbconfig_id, screen = i32(), i32()
    if gl.glXQueryContext(x_display, glx_context, GLX_FBCONFIG_ID, ctypes.byref(fbconfig_id)) != 0:
        raise ContextError("glXQueryContext(GLX_FBCONFIG_ID) failed: the GLX context has no FBConfig id")
    if gl.glXQueryContext(x_display, glx_context, GLX_SCREEN, ctypes.byref(screen)) != 0:
        screen.value = 0
    attributes = (i32 * 3)(GLX_FBCONFIG_ID, fbconfig_id.value, 0)
    count = i32()
    configs = gl.glXChooseFBConfig(x_display, screen.value, attributes, ctypes.byref(count))
    if not configs or count.value < 1:
        raise ContextError(f"glXChooseFBConfig found no GLXFBConfig with GLX_FBCONFIG_ID {fbconfig_id.value:#x}")
    fbconfig = configs[0] or 0
    load_library("libX11.so.6", "X11").XFree(configs)  # the array only; the configs belong to the display
    visualid = i32()
    if gl.glXGetFBConfigAttrib(x_display, fbconfig, GLX_VISUAL_ID, ctypes.byref(visualid)) != 0:
        visualid.value = 0
    if not fbconfig or visualid.value <= 0:
        raise ContextError(
            f"the GLX context's FBConfig (id {fbconfig_id.value:#x}) gave GLXFBConfig={fbconfig:#x}, "
            f"visual id {visualid.value}: OpenXR runtimes reject a zero in either; is the X server's GLX complete?"
        )
    return fbconfig, visualid.value


@contextlib.contextmanager
def current_context_kept() -> Iterator[None]:
    """``with current_context_kept():`` whatever context is current on this thread on entry is current on exit.

    For code (tests, tools) that makes its own context without taking the application's away: an EGL context,
    and the context of a glfw window (GLX contexts made other than through glfw are not tracked), are put back;
    with none current on entry, none is current on exit. PyOpenGL's platform follows.
    """
    egl = libegl()
    for name in ("eglGetCurrentDisplay", "eglGetCurrentContext", "eglGetCurrentSurface"):
        getattr(egl, name).restype = ctypes.c_void_p
    egl.eglGetCurrentSurface.argtypes = [ctypes.c_int32]
    egl.eglMakeCurrent.restype = ctypes.c_uint
    egl.eglMakeCurrent.argtypes = [ctypes.c_void_p] * 4
    egl_previous = (
        egl.eglGetCurrentDisplay(),
        egl.eglGetCurrentSurface(EGL_DRAW),
        egl.eglGetCurrentSurface(EGL_READ),
        egl.eglGetCurrentContext(),
    )
    glfw_previous = None
    if _glfw_initialised:
        import glfw

        glfw_previous = glfw.get_current_context()
    try:
        yield
    finally:
        display, draw, read, context = egl_previous
        if context:
            egl.eglMakeCurrent(display, draw, read, context)
        elif egl.eglGetCurrentContext():
            egl.eglMakeCurrent(egl.eglGetCurrentDisplay(), None, None, None)
        if _glfw_initialised:
            import glfw

            if glfw_previous is not None or not context:
                glfw.make_context_current(glfw_previous)
        pyopengl_platform.ensure()
