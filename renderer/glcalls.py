"""Every GL call the stereo renderer makes goes through :class:`GLCalls`: it counts them, and in debug mode checks
``glGetError`` after each one and names the call that failed.

The count is what keeps draw cost honest (``StereoRenderer.last_frame_gl_calls``, the benchmarks): a frame's calls
must not grow with the number of objects that share a mesh and a material. The proxy wraps each function once, on
first use, and keeps the wrapper in the instance's ``__dict__``, so later look-ups skip ``__getattr__`` entirely and a
call costs one extra Python frame. Constants (``GL_TRIANGLES``) are passed through and cached the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

#: Names of the GL error codes, for messages (glGetError's values).
ERROR_NAMES = {
    0x0500: "GL_INVALID_ENUM",
    0x0501: "GL_INVALID_VALUE",
    0x0502: "GL_INVALID_OPERATION",
    0x0503: "GL_STACK_OVERFLOW",
    0x0504: "GL_STACK_UNDERFLOW",
    0x0505: "GL_OUT_OF_MEMORY",
    0x0506: "GL_INVALID_FRAMEBUFFER_OPERATION",
    0x0507: "GL_CONTEXT_LOST",
}

_MAX_ARGUMENT_TEXT = 60  # characters per argument in an error message: arrays would otherwise fill the screen


class GLCallError(RuntimeError):
    """A GL call raised a GL error (debug mode). ``call`` is the function's name, ``error`` the GL error code."""

    def __init__(self, call: str, arguments: tuple, error: int) -> None:
        self.call = call
        self.arguments = arguments
        self.error = error
        name = ERROR_NAMES.get(error, "an unknown GL error")
        shown = ", ".join(_short(argument) for argument in arguments)
        super().__init__(
            f"{call}({shown}) raised {name} ({error:#06x}); check its arguments against the reference page of "
            f"{call} for when it raises {name}"
        )


def _short(argument: Any) -> str:
    text = repr(argument)
    return text if len(text) <= _MAX_ARGUMENT_TEXT else text[: _MAX_ARGUMENT_TEXT - 3] + "..."


class GLCalls:
    """A counting (and, with ``debug``, checking) stand-in for PyOpenGL's ``OpenGL.GL`` module.

    Use it as the module: ``gl.glEnable(gl.GL_BLEND)``. ``calls`` counts the functions called since the last
    :meth:`take_count`. Only names starting with ``gl`` and callable are wrapped; everything else is returned as is.

    Args:
        module: the ``OpenGL.GL`` module (from :func:`renderer.pyopengl_platform.gl`).
        debug: after every call, read ``glGetError`` and raise :class:`GLCallError` naming the call, its arguments
            and the error. PyOpenGL's own error checking (``OpenGL.ERROR_CHECKING``, on by default) raises first and
            consumes the error, so its ``GLError`` is turned into a :class:`GLCallError` too.
    """

    def __init__(self, module: ModuleType, debug: bool = False) -> None:
        self._module = module
        self._debug = debug
        self.calls = 0

    @property
    def debug(self) -> bool:
        """Whether each call is checked with glGetError."""
        return self._debug

    def take_count(self) -> int:
        """The number of GL calls since the last time this was asked (and start counting again from 0)."""
        count, self.calls = self.calls, 0
        return count

    def unwrapped(self, name: str) -> Callable:
        """``name`` without PyOpenGL's argument conversion, counted (and in debug mode checked) like the others.

        PyOpenGL wraps functions that take arrays or pointers in Python code that converts every argument, several
        microseconds a call; its ``wrappedOperation`` is the plain ctypes function. For calls in the frame loop
        whose arguments are already plain: integers, a ``ctypes.c_void_p`` for a pointer or buffer offset (made
        once, e.g. from ``array.ctypes.data``; a bare int is refused), or a ctypes array. Functions PyOpenGL does
        not wrap come back as they are.
        """
        key = "unwrapped " + name
        found = self.__dict__.get(key)
        if found is None:
            function = getattr(self._module, name)
            function = getattr(function, "wrappedOperation", function)
            found = self.__dict__[key] = self._checked(name, function) if self._debug else self._counted(function)
        return found

    def __getattr__(self, name: str) -> Any:
        # Only reached for names not cached yet in __dict__.
        value = getattr(self._module, name)
        if name.startswith("gl") and callable(value):
            value = self._checked(name, value) if self._debug else self._counted(value)
        self.__dict__[name] = value
        return value

    def _counted(self, function: Callable) -> Callable:
        def call(*arguments):
            self.calls += 1
            return function(*arguments)

        call.__name__ = getattr(function, "__name__", "gl")
        return call

    def _checked(self, name: str, function: Callable) -> Callable:
        from OpenGL.error import GLError

        get_error = self._module.glGetError

        def call(*arguments):
            self.calls += 1
            try:
                result = function(*arguments)
            except GLError as error:
                raise GLCallError(name, arguments, int(error.err)) from error
            error = int(get_error())
            if error:
                raise GLCallError(name, arguments, error)
            return result

        call.__name__ = name
        return call
