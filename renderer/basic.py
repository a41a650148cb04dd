"""The minimal per-eye renderer: a floor grid and shaded boxes, drawn into a swapchain image's texture.

It stands in until the stereo renderer (single pass, instanced, meshes from trimesh) replaces it, and it is what
the XR tests and the first captures draw. Geometry is built on the CPU by pure functions (:func:`box_vertices`,
:func:`grid_vertices`), testable without GL; GL objects are made on the first :meth:`BasicSceneRenderer.draw_view`
and freed by :meth:`BasicSceneRenderer.release`.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from . import pyopengl_platform
from .context import parse_gl_version
from .shader import build_program

#: Clear colour: a dark blue-grey sky, linear RGBA (about sRGB 46, 56, 72 once encoded).
SKY_COLOR_LINEAR = (0.027, 0.040, 0.065, 1.0)
#: Grid line colour, linear RGB (mid grey once encoded).
GRID_COLOR_LINEAR = (0.25, 0.25, 0.25)
#: Unit vector towards the light (above, right, behind a viewer facing -Z), world space.
LIGHT_DIRECTION = tuple(np.array([0.4, 1.0, 0.6]) / np.linalg.norm([0.4, 1.0, 0.6]))
#: Share of a box's colour kept on faces turned away from the light.
AMBIENT = 0.35
#: Minimum OpenGL version (core profile).
MIN_GL_VERSION = (3, 3)

FLOATS_PER_VERTEX = 9  # position (3), normal (3), colour (3)

# The six faces of a unit cube: outward normal and four corners (counter-clockwise seen from outside).
_FACES = (
    ((1, 0, 0), ((1, -1, -1), (1, 1, -1), (1, 1, 1), (1, -1, 1))),
    ((-1, 0, 0), ((-1, -1, 1), (-1, 1, 1), (-1, 1, -1), (-1, -1, -1))),
    ((0, 1, 0), ((-1, 1, 1), (1, 1, 1), (1, 1, -1), (-1, 1, -1))),
    ((0, -1, 0), ((-1, -1, -1), (1, -1, -1), (1, -1, 1), (-1, -1, 1))),
    ((0, 0, 1), ((-1, -1, 1), (1, -1, 1), (1, 1, 1), (-1, 1, 1))),
    ((0, 0, -1), ((1, -1, -1), (-1, -1, -1), (-1, 1, -1), (1, 1, -1))),
)


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in world (play) space.

    Attributes:
        center: ``(3,)`` metres.
        size: ``(3,)`` full edge lengths in metres along x, y, z.
        color: ``(3,)`` linear RGB, 0..1.
    """

    center: tuple[float, float, float]
    size: tuple[float, float, float]
    color: tuple[float, float, float]


def box_vertices(box: Box) -> np.ndarray:
    """``(36, 9) float32`` triangle vertices of ``box`` in world space: position, unit normal, linear colour."""
    center = np.asarray(box.center, np.float32)
    half = np.asarray(box.size, np.float32) / 2
    color = np.asarray(box.color, np.float32)
    rows = []
    for normal, corners in _FACES:
        a, b, c, d = (center + half * np.asarray(corner, np.float32) for corner in corners)
        for position in (a, b, c, a, c, d):
            rows.append(np.concatenate([position, np.asarray(normal, np.float32), color]))
    return np.asarray(rows, np.float32)


def grid_vertices(half_extent: float = 5.0, spacing: float = 0.5, color: ArrayLike = GRID_COLOR_LINEAR) -> np.ndarray:
    """``(n, 9) float32`` line-list vertices of a square grid on the floor (y = 0), centred on the origin.

    Args:
        half_extent: metres from the centre to each edge (5 gives a 10 m square).
        spacing: metres between lines.
        color: linear RGB. Normals are zero, which the shader draws unlit.
    """
    steps = round(2 * half_extent / spacing)
    offsets = np.linspace(-half_extent, half_extent, steps + 1, dtype=np.float32)
    rows = []
    for t in offsets:
        rows += [(t, 0.0, -half_extent), (t, 0.0, half_extent), (-half_extent, 0.0, t), (half_extent, 0.0, t)]
    positions = np.asarray(rows, np.float32)
    out = np.zeros((len(positions), FLOATS_PER_VERTEX), np.float32)
    out[:, 0:3] = positions
    out[:, 6:9] = np.asarray(color, np.float32)
    return out


class BasicSceneRenderer:
    """Draws the floor grid and ``boxes`` for one view into a texture (a swapchain image, or one layer of it).

    Needs an OpenGL 3.3+ core context current on the calling thread for :meth:`draw_view` and :meth:`release`.
    """

    def __init__(self, boxes: Sequence[Box]) -> None:
        """Keep the scene; no GL work happens until the first :meth:`draw_view`."""
        self.boxes = list(boxes)
        self._program = 0
        self._vertex_array = 0
        self._vertex_buffer = 0
        self._framebuffer = 0
        self._depth_renderbuffer = 0
        self._depth_renderbuffer_size = (0, 0)
        self._triangle_count = 0  # vertices
        self._line_count = 0  # vertices
        self._uniforms: dict[str, int] = {}
        self._dirty = True

    def set_boxes(self, boxes: Sequence[Box]) -> None:
        """Replace the boxes; uploaded at the next :meth:`draw_view`."""
        self.boxes = list(boxes)
        self._dirty = True

    @property
    def gl_object_count(self) -> int:
        """How many GL objects this renderer holds now (0 before the first draw and after :meth:`release`)."""
        names = (self._program, self._vertex_array, self._vertex_buffer, self._framebuffer, self._depth_renderbuffer)
        return sum(1 for name in names if name)

    # -- GL objects -------------------------------------------------------------------------------------------------

    def _create_objects(self, GL) -> None:
        version = parse_gl_version(GL.glGetString(GL.GL_VERSION).decode())
        if version < MIN_GL_VERSION:
            raise RuntimeError(
                f"BasicSceneRenderer needs OpenGL {MIN_GL_VERSION[0]}.{MIN_GL_VERSION[1]} core; the current context "
                f"is {GL.glGetString(GL.GL_VERSION).decode()}"
            )
        self._program = build_program("basic_scene.vert.glsl", "basic_scene.frag.glsl")
        self._uniforms = {
            name: GL.glGetUniformLocation(self._program, name)
            for name in ("u_view_projection", "u_light_direction", "u_ambient")
        }
        self._vertex_array = int(GL.glGenVertexArrays(1))
        self._vertex_buffer = int(GL.glGenBuffers(1))
        self._framebuffer = int(GL.glGenFramebuffers(1))
        GL.glBindVertexArray(self._vertex_array)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self._vertex_buffer)
        stride = FLOATS_PER_VERTEX * 4
        for location, offset in ((0, 0), (1, 12), (2, 24)):
            GL.glEnableVertexAttribArray(location)
            GL.glVertexAttribPointer(location, 3, GL.GL_FLOAT, GL.GL_FALSE, stride, ctypes.c_void_p(offset))

    def _upload(self, GL) -> None:
        triangles = [box_vertices(box) for box in self.boxes]
        triangles_array = np.concatenate(triangles) if triangles else np.zeros((0, FLOATS_PER_VERTEX), np.float32)
        lines = grid_vertices()
        data = np.ascontiguousarray(np.concatenate([triangles_array, lines]), np.float32)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self._vertex_buffer)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, data.nbytes, data, GL.GL_STATIC_DRAW)
        self._triangle_count = len(triangles_array)
        self._line_count = len(lines)
        self._dirty = False

    def _depth_buffer_of_size(self, GL, width: int, height: int) -> int:
        if self._depth_renderbuffer_size != (width, height):
            if not self._depth_renderbuffer:
                self._depth_renderbuffer = int(GL.glGenRenderbuffers(1))
            GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self._depth_renderbuffer)
            GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_DEPTH_COMPONENT24, width, height)
            self._depth_renderbuffer_size = (width, height)
        return self._depth_renderbuffer

    def release(self) -> None:
        """Delete every GL object this renderer made. Safe to call twice, and when no context is current any more
        (then the objects went with their context and are only forgotten)."""
        if self.gl_object_count and pyopengl_platform.current_kind() is not None:
            GL = pyopengl_platform.gl()
            if self._program:
                GL.glDeleteProgram(self._program)
            if self._vertex_array:
                GL.glDeleteVertexArrays(1, [self._vertex_array])
            if self._vertex_buffer:
                GL.glDeleteBuffers(1, [self._vertex_buffer])
            if self._framebuffer:
                GL.glDeleteFramebuffers(1, [self._framebuffer])
            if self._depth_renderbuffer:
                GL.glDeleteRenderbuffers(1, [self._depth_renderbuffer])
        self._program = self._vertex_array = self._vertex_buffer = self._framebuffer = self._depth_renderbuffer = 0
        self._depth_renderbuffer_size = (0, 0)
        self._dirty = True

    # -- drawing ----------------------------------------------------------------------------------------------------

    def draw_view(
        self,
        color_texture: int,
        color_layer: int | None,
        rect: tuple[int, int, int, int],
        view: ArrayLike,
        projection: ArrayLike,
        depth_texture: int | None = None,
        depth_layer: int | None = None,
        srgb: bool = True,
    ) -> None:
        """Clear ``rect`` of the target to the sky colour and draw the grid and boxes into it.

        Args:
            color_texture: a GL_TEXTURE_2D (``color_layer`` None) or GL_TEXTURE_2D_ARRAY texture name.
            color_layer: the array layer to draw into, or None for a 2D texture.
            rect: ``(x, y, width, height)`` in texels, origin bottom-left (an OpenXR imageRect with OpenGL).
            view: ``(4, 4)`` view matrix (world → eye), column-vector convention (:mod:`renderer.transforms`).
            projection: ``(4, 4)`` projection matrix (eye → OpenGL clip space).
            depth_texture: a depth texture to draw depth into (for a depth swapchain), or None for a private
                depth buffer.
            depth_layer: its array layer, or None for a 2D depth texture.
            srgb: enable GL_FRAMEBUFFER_SRGB, so the linear shader output is encoded for an sRGB swapchain image
                (no effect on a linear format such as GL_RGBA8).

        The application's GL state (framebuffer and other bindings, viewport, scissor, enables, masks, clear
        values) is the same afterwards.
        """
        x, y, width, height = (int(v) for v in rect)
        if width < 1 or height < 1 or x < 0 or y < 0:
            raise ValueError(f"bad rect {rect}: need x, y >= 0 and width, height >= 1")
        GL = pyopengl_platform.gl()
        saved = _SavedState(GL)
        try:
            if not self._program:
                self._create_objects(GL)
            if self._dirty:
                self._upload(GL)
            GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, self._framebuffer)
            _attach(GL, GL.GL_COLOR_ATTACHMENT0, color_texture, color_layer)
            if depth_texture is not None:
                _attach(GL, GL.GL_DEPTH_ATTACHMENT, depth_texture, depth_layer)
            else:
                # The framebuffer is as large as its smallest attachment, so a private depth buffer must reach
                # the rect's far corner, not merely be the rect's size (the right eye of a double-wide image).
                depth = self._depth_buffer_of_size(GL, x + width, y + height)
                GL.glFramebufferRenderbuffer(GL.GL_DRAW_FRAMEBUFFER, GL.GL_DEPTH_ATTACHMENT, GL.GL_RENDERBUFFER, depth)
            status = GL.glCheckFramebufferStatus(GL.GL_DRAW_FRAMEBUFFER)
            if status != GL.GL_FRAMEBUFFER_COMPLETE:
                raise RuntimeError(
                    f"cannot draw into texture {color_texture} (layer {color_layer}, depth {depth_texture}): "
                    f"framebuffer incomplete, status {int(status):#x}"
                )
            GL.glViewport(x, y, width, height)
            GL.glScissor(x, y, width, height)
            GL.glEnable(GL.GL_SCISSOR_TEST)  # clear only this view's rect of a shared image
            (GL.glEnable if srgb else GL.glDisable)(GL.GL_FRAMEBUFFER_SRGB)
            GL.glDisable(GL.GL_BLEND)
            GL.glDisable(GL.GL_CULL_FACE)
            GL.glDisable(GL.GL_STENCIL_TEST)
            GL.glEnable(GL.GL_DEPTH_TEST)
            GL.glDepthFunc(GL.GL_LESS)
            GL.glDepthMask(GL.GL_TRUE)
            GL.glColorMask(GL.GL_TRUE, GL.GL_TRUE, GL.GL_TRUE, GL.GL_TRUE)
            GL.glClearColor(*SKY_COLOR_LINEAR)
            GL.glClearDepth(1.0)
            GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT)

            view_projection = np.asarray(projection, np.float32) @ np.asarray(view, np.float32)
            GL.glUseProgram(self._program)
            GL.glUniformMatrix4fv(
                self._uniforms["u_view_projection"], 1, GL.GL_TRUE, np.ascontiguousarray(view_projection)
            )
            GL.glUniform3f(self._uniforms["u_light_direction"], *LIGHT_DIRECTION)
            GL.glUniform1f(self._uniforms["u_ambient"], AMBIENT)
            GL.glBindVertexArray(self._vertex_array)
            if self._triangle_count:
                GL.glDrawArrays(GL.GL_TRIANGLES, 0, self._triangle_count)
            GL.glDrawArrays(GL.GL_LINES, self._triangle_count, self._line_count)

            # Let go of the images: a swapchain deleted later must not stay alive through our framebuffer.
            _attach(GL, GL.GL_COLOR_ATTACHMENT0, 0, None)
            _attach(GL, GL.GL_DEPTH_ATTACHMENT, 0, None)
        finally:
            saved.restore(GL)


def _attach(GL, attachment: int, texture: int, layer: int | None) -> None:
    if layer is None:
        GL.glFramebufferTexture2D(GL.GL_DRAW_FRAMEBUFFER, attachment, GL.GL_TEXTURE_2D, texture, 0)
    else:
        GL.glFramebufferTextureLayer(GL.GL_DRAW_FRAMEBUFFER, attachment, texture, 0, layer)


class _SavedState:
    """The GL state :meth:`BasicSceneRenderer.draw_view` changes, read before and put back after."""

    _ENABLES = (
        "GL_SCISSOR_TEST",
        "GL_FRAMEBUFFER_SRGB",
        "GL_BLEND",
        "GL_CULL_FACE",
        "GL_STENCIL_TEST",
        "GL_DEPTH_TEST",
    )

    def __init__(self, GL) -> None:
        def integer(name: str) -> int:
            return int(GL.glGetIntegerv(getattr(GL, name)))

        self.draw_framebuffer = integer("GL_DRAW_FRAMEBUFFER_BINDING")
        self.renderbuffer = integer("GL_RENDERBUFFER_BINDING")
        self.program = integer("GL_CURRENT_PROGRAM")
        self.vertex_array = integer("GL_VERTEX_ARRAY_BINDING")
        self.array_buffer = integer("GL_ARRAY_BUFFER_BINDING")
        self.depth_func = integer("GL_DEPTH_FUNC")
        self.viewport = [int(v) for v in GL.glGetIntegerv(GL.GL_VIEWPORT)]
        self.scissor = [int(v) for v in GL.glGetIntegerv(GL.GL_SCISSOR_BOX)]
        self.enables = {name: bool(GL.glIsEnabled(getattr(GL, name))) for name in self._ENABLES}
        self.depth_mask = bool(GL.glGetBooleanv(GL.GL_DEPTH_WRITEMASK))
        self.color_mask = [bool(v) for v in GL.glGetBooleanv(GL.GL_COLOR_WRITEMASK)]
        self.clear_color = [float(v) for v in GL.glGetFloatv(GL.GL_COLOR_CLEAR_VALUE)]
        self.clear_depth = float(GL.glGetDoublev(GL.GL_DEPTH_CLEAR_VALUE))

    def restore(self, GL) -> None:
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, self.draw_framebuffer)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self.renderbuffer)
        GL.glUseProgram(self.program)
        GL.glBindVertexArray(self.vertex_array)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.array_buffer)
        GL.glDepthFunc(self.depth_func)
        GL.glViewport(*self.viewport)
        GL.glScissor(*self.scissor)
        for name, enabled in self.enables.items():
            (GL.glEnable if enabled else GL.glDisable)(getattr(GL, name))
        GL.glDepthMask(self.depth_mask)
        GL.glColorMask(*self.color_mask)
        GL.glClearColor(*self.clear_color)
        GL.glClearDepth(self.clear_depth)
