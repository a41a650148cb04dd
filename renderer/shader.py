"""GLSL programs from the ``.glsl`` files in ``renderer/shaders/``, with compile errors a person can act on.

Sources are read through ``importlib.resources`` (so they work from a wheel or a zip) and cached. A compile or
link failure raises :class:`ShaderError` carrying the driver's log and the source with line numbers, since driver
logs refer to lines ("0:12(5): error: ...").
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from . import pyopengl_platform


class ShaderError(RuntimeError):
    """A shader failed to compile or a program failed to link; the message has the numbered source and the log."""


def _shader_folder() -> Traversable:
    try:
        return resources.files(__package__).joinpath("shaders")
    except NotADirectoryError:
        # An editable install made while renderer/ had no __init__.py maps it as a namespace package, which
        # importlib.resources cannot open in Python 3.11; the files are next to this module all the same.
        return Path(__file__).with_name("shaders")


@cache
def load_source(name: str) -> str:
    """The text of ``renderer/shaders/<name>`` (e.g. ``"basic_scene.vert.glsl"``)."""
    folder = _shader_folder()
    resource = folder.joinpath(name)
    if not resource.is_file():
        available = sorted(p.name for p in folder.iterdir() if p.name.endswith(".glsl"))
        raise FileNotFoundError(f"no shader {name!r} in renderer/shaders; there are: {', '.join(available)}")
    return resource.read_text(encoding="utf-8")


def numbered(source: str) -> str:
    """``source`` with a right-aligned line number before each line, as driver logs count them (from 1)."""
    lines = source.splitlines()
    width = len(str(len(lines)))
    return "\n".join(f"{i:>{width}} | {line}" for i, line in enumerate(lines, start=1))


def compile_shader(stage: int, source: str, name: str) -> int:
    """A compiled shader object of ``stage`` (e.g. GL_VERTEX_SHADER); ShaderError with the log if it fails."""
    GL = pyopengl_platform.gl()
    shader = GL.glCreateShader(stage)
    GL.glShaderSource(shader, source)
    GL.glCompileShader(shader)
    if not GL.glGetShaderiv(shader, GL.GL_COMPILE_STATUS):
        log = _text(GL.glGetShaderInfoLog(shader))
        GL.glDeleteShader(shader)
        raise ShaderError(f"shader {name} did not compile:\n{log}\n--- source ---\n{numbered(source)}")
    return shader


def build_program(vertex: str, fragment: str) -> int:
    """A linked program from two shader files in ``renderer/shaders/`` (names such as ``"basic_scene.vert.glsl"``)."""
    GL = pyopengl_platform.gl()
    shaders = []
    try:
        shaders.append(compile_shader(GL.GL_VERTEX_SHADER, load_source(vertex), vertex))
        shaders.append(compile_shader(GL.GL_FRAGMENT_SHADER, load_source(fragment), fragment))
        program = GL.glCreateProgram()
        for shader in shaders:
            GL.glAttachShader(program, shader)
        GL.glLinkProgram(program)
        if not GL.glGetProgramiv(program, GL.GL_LINK_STATUS):
            log = _text(GL.glGetProgramInfoLog(program))
            GL.glDeleteProgram(program)
            raise ShaderError(
                f"program {vertex} + {fragment} did not link:\n{log}\n"
                f"--- {vertex} ---\n{numbered(load_source(vertex))}\n"
                f"--- {fragment} ---\n{numbered(load_source(fragment))}"
            )
        return program
    finally:
        for shader in shaders:
            GL.glDeleteShader(shader)  # the program keeps what it needs


def _text(log: bytes | str) -> str:
    return log.decode(errors="replace").strip() if isinstance(log, bytes) else str(log).strip()
