"""The stereo renderer: a :class:`renderer.scene.Scene` drawn for both eyes into a 2-layer array swapchain image.

Single-pass (where the driver offers ``GL_ARB_shader_viewport_layer_array``): the whole 2-layer array is attached
to one layered framebuffer and every batch is drawn once, instanced 2 × its instance count; the vertex shader picks
the eye from ``gl_InstanceID % 2`` and writes ``gl_Layer``. Two-pass (the fallback): each eye's layer is attached
in turn and everything is drawn twice.

Draw cost does not grow with the number of nodes sharing a mesh and a material: nodes are grouped by
(mesh, material) into batches, every node's model matrix, normal matrix and highlight go into one per-instance
buffer uploaded once per frame, and each batch is one ``glDrawElementsInstancedBaseInstance`` reading its slice of
that buffer. The per-frame data (both eyes' view-projection and position, the light) is one uniform buffer upload.

GPU objects are made lazily from scene objects (see :mod:`renderer.gpu`) and released by :meth:`release_scene` and
:meth:`release`; :meth:`StereoRenderer.live_objects` counts them. The caller's GL state is put back after each frame,
unless the caller owns the context and says it does not need it (``render(..., restore_state=False)``): reading the
state back costs more than drawing a small scene.

Per frame, whatever the scene: one buffer upload holding the frame block (both eyes' view-projection and position,
the light) followed by every instance's row; the fixed pipeline state set once; per batch a material binding (only
when it changes) and one draw.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from . import pyopengl_platform
from .environment import GRID_COLOR_LINEAR, LIGHT_DIRECTION, SKY_COLOR_LINEAR, grid_vertices
from .glcalls import GLCalls
from .gpu import (
    INSTANCE_FLOATS,
    VERTEX_FLOATS,
    GPUResources,
    LiveObjects,
    MaterialObjects,
    MeshObjects,
    build_program,
    create_buffer,
    create_mutable_buffer,
    create_texture_2d,
    delete_buffers,
    delete_textures,
    fill_normal_matrices,
)
from .scene import Material, Mesh, Node, Scene
from .transforms import projection_from_fov

log = logging.getLogger("renderer")

MODES = ("auto", "single-pass", "two-pass")
#: The extension that lets a vertex shader write gl_Layer: what single-pass stereo needs.
LAYER_EXTENSION = "GL_ARB_shader_viewport_layer_array"
#: The renderer uses direct state access and #version 450 shaders.
MIN_GL_VERSION = (4, 5)

#: Linear radiance of the key light: with Lambert's 1/pi, a white face turned to it reflects about 0.8.
LIGHT_COLOR = (2.6, 2.5, 2.4)
#: Hemisphere ambient, linear RGB: a little blue from above, warm dim bounce from the floor.
SKY_AMBIENT = (0.20, 0.23, 0.28)
GROUND_AMBIENT = (0.08, 0.07, 0.06)

#: Drawn for nodes that have a mesh but no material.
DEFAULT_MATERIAL = Material(name="default", base_color=(0.8, 0.8, 0.8, 1.0), roughness=0.7)

_FRAME_FLOATS = 2 * 16 + 2 * 4 + 4 * 4  # std140 Frame block of pbr.vert.glsl
_NULL = ctypes.c_void_p(0)  # offset 0 into the bound element buffer


@dataclass(frozen=True)
class EyeCamera:
    """One eye for one frame.

    Attributes:
        view: ``(4, 4)`` world → eye (:func:`renderer.transforms.view_matrix`).
        projection: ``(4, 4)`` eye → OpenGL clip space (:func:`renderer.transforms.projection_from_fov`).
        position: ``(3,)`` the eye's position in world space, metres (specular highlights, BLEND sorting).
    """

    view: np.ndarray
    projection: np.ndarray
    position: np.ndarray

    @classmethod
    def of_view(
        cls,
        position: Sequence[float],
        orientation: Sequence[float],
        fov: Sequence[float],
        near: float,
        far: float,
        world_from_play: np.ndarray | None = None,
    ) -> EyeCamera:
        """The camera of an OpenXR view, as the frame loop gets it each frame (cheaper than building it from
        :func:`renderer.transforms.view_matrix` and :func:`~renderer.transforms.projection_from_fov`, with the same
        result).

        Args:
            position: ``(3,)`` the eye in the play space, metres.
            orientation: ``(4,)`` (x, y, z, w) quaternion, play space (normalised here).
            fov: ``(4,)`` left, right, up, down angles, radians (``XrFovf``).
            near, far: clip plane distances, metres.
            world_from_play: ``(4, 4)`` rigid transform placing the play space in the world (the user turned or
                teleported); None when they coincide.
        """
        view = _view_matrix(position, orientation)
        eye = np.asarray(position)
        if world_from_play is not None:
            view = view @ np.linalg.inv(world_from_play)
            eye = world_from_play[:3, :3] @ eye + world_from_play[:3, 3]
        return cls(view, _projection(tuple(fov), near, far), eye)


def _view_matrix(position: Sequence[float], orientation: Sequence[float]) -> np.ndarray:
    """``(4, 4) float32`` world → eye, as :func:`renderer.transforms.view_matrix`, in plain float arithmetic (one
    array made instead of a dozen: this runs twice a frame)."""
    x, y, z, w = (float(v) for v in orientation)
    norm = math.sqrt(x * x + y * y + z * z + w * w)
    if norm == 0.0:
        raise ValueError("a zero quaternion is not a rotation")
    x, y, z, w = x / norm, y / norm, z / norm, w / norm
    # The rows of R^T are the columns of R (see transforms.rotation_matrix).
    r0 = (1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w))
    r1 = (2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w))
    r2 = (2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y))
    px, py, pz = (float(v) for v in position)
    return np.array(
        [
            [*r0, -(r0[0] * px + r0[1] * py + r0[2] * pz)],
            [*r1, -(r1[0] * px + r1[1] * py + r1[2] * pz)],
            [*r2, -(r2[0] * px + r2[1] * py + r2[2] * pz)],
            [0.0, 0.0, 0.0, 1.0],
        ],
        np.float32,
    )


@functools.lru_cache(maxsize=16)
def _projection(fov: tuple[float, ...], near: float, far: float) -> np.ndarray:
    """:func:`renderer.transforms.projection_from_fov`, kept: a headset's field of view rarely changes. Read-only."""
    matrix = projection_from_fov(*fov, near, far)
    matrix.flags.writeable = False
    return matrix


@dataclass(frozen=True)
class StereoTarget:
    """Where a frame goes: one 2-layer array colour image (layer 0 = left eye, 1 = right eye), and depth.

    Attributes:
        color_texture: GL_TEXTURE_2D_ARRAY with 2 layers (a swapchain image).
        depth_texture: a depth GL_TEXTURE_2D_ARRAY of the same size and layers (a depth swapchain image), or None
            for the renderer's own.
        width, height: pixels per eye.
        srgb: the colour texture is sRGB-encoded (GL_SRGB8_ALPHA8): draw with GL_FRAMEBUFFER_SRGB so the linear
            shader output is encoded once.
    """

    color_texture: int
    depth_texture: int | None
    width: int
    height: int
    srgb: bool


def resolve_mode(context, mode: str = "auto") -> str:
    """``"single-pass"`` or ``"two-pass"`` for ``mode`` on ``context`` (a :class:`renderer.context.GLContext`).

    ``"auto"`` is single-pass when the context offers :data:`LAYER_EXTENSION`, else two-pass. Asking for
    single-pass on a context without it raises ValueError.
    """
    if mode not in MODES:
        raise ValueError(f"stereo mode {mode!r}: use one of {', '.join(MODES)}")
    offered = context.has_extension(LAYER_EXTENSION)
    if mode == "single-pass" and not offered:
        raise ValueError(f"single-pass stereo needs {LAYER_EXTENSION}, which this driver lacks: use 'two-pass'")
    if mode == "auto":
        mode = "single-pass" if offered else "two-pass"
    return mode


class _Batch:
    """The nodes drawn with one (mesh, material) this frame, and where their instances start in the buffer."""

    __slots__ = ("mesh", "material", "worlds", "nodes", "base", "count")

    def __init__(self, mesh: Mesh, material: Material) -> None:
        self.mesh = mesh
        self.material = material
        self.worlds: list[np.ndarray] = []
        self.nodes: list[Node] = []
        self.base = 0
        self.count = 0


class StereoRenderer:
    """Draws a scene for two eyes into a :class:`StereoTarget`, single-pass or in two passes.

    Needs an OpenGL 4.5 core context current on the calling thread for every method (made in ``__init__``: the
    program, the per-frame buffers, the floor grid, a framebuffer).

    Args:
        context: the :class:`renderer.context.GLContext` (for its version and extensions).
        mode: ``"single-pass"``, ``"two-pass"`` or ``"auto"`` (single-pass where the driver allows; see
            :func:`resolve_mode`). ``self.mode`` holds the resolved one.
        debug: check glGetError after every GL call and raise :class:`renderer.glcalls.GLCallError` naming it.

    Attributes:
        last_frame_gl_calls: GL calls the last :meth:`render` made (state saved and restored included, when it was).
    """

    def __init__(self, context, mode: str = "auto", debug: bool = False) -> None:
        if tuple(context.version) < MIN_GL_VERSION:
            raise RuntimeError(
                f"StereoRenderer needs OpenGL {MIN_GL_VERSION[0]}.{MIN_GL_VERSION[1]} core; this context is "
                f"{context.version[0]}.{context.version[1]} "
            )
        self.mode = resolve_mode(context, mode)
        log.info(
            "stereo rendering: %s (asked for %s; %s %s, OpenGL %d.%d)",
            self.mode,
            mode,
            LAYER_EXTENSION,
            "offered" if context.has_extension(LAYER_EXTENSION) else "not offered",
            *context.version,
        )
        self.debug = debug
        self.last_frame_gl_calls = 0
        self._single_pass = self.mode == "single-pass"
        self._gl = GLCalls(pyopengl_platform.gl(), debug)
        self._live = LiveObjects()
        self._batches: dict[tuple[int, int], _Batch] = {}
        # One array uploaded per frame: the Frame block, padding to the uniform-buffer offset alignment, then one
        # row per instance. _frame and _instances are views into it (see _grow_stream).
        self._stream = np.zeros(0, np.float32)
        self._frame = np.zeros(_FRAME_FLOATS, np.float32)
        self._instances = np.zeros((0, INSTANCE_FLOATS), np.float32)
        self._depth_texture = 0
        self._depth_size = (0, 0)
        self._released = False
        self._left_bound = False  # a frame was drawn without restoring state: our objects may still be bound
        self._create_objects()

    # -- objects the renderer owns ------------------------------------------------------------------------------------

    def _create_objects(self) -> None:
        gl, live = self._gl, self._live
        defines = ("SINGLE_PASS",) if self._single_pass else ()
        # The scene's program for textured materials, its variant for materials without textures (which samples
        # nothing: see pbr.frag.glsl), and the floor grid's.
        self._program = build_program(gl, live, "pbr.vert.glsl", "pbr.frag.glsl", defines)
        self._untextured_program = build_program(gl, live, "pbr.vert.glsl", "pbr.frag.glsl", (*defines, "UNTEXTURED"))
        self._grid_program = build_program(gl, live, "grid.vert.glsl", "grid.frag.glsl", defines)
        self._programs = (self._program, self._untextured_program, self._grid_program)
        # Two-pass: each program's u_eye, set at the start of each pass.
        self._eye_locations = (
            [] if self._single_pass else [(p, int(gl.glGetUniformLocation(p, "u_eye"))) for p in self._programs]
        )
        # The frame's stream buffer: the Frame uniform block at 0, the instances from _instance_offset, refilled
        # (orphaned) with one glNamedBufferData each frame, so the driver never waits for the last frame's draws.
        alignment = max(int(gl.glGetIntegerv(gl.GL_UNIFORM_BUFFER_OFFSET_ALIGNMENT)), 16)
        self._instance_offset = -(-_FRAME_FLOATS * 4 // alignment) * alignment  # bytes
        self._stream_buffer = create_mutable_buffer(gl, live)
        self._grow_stream(64)
        names = np.zeros(1, np.uint32)
        gl.glCreateFramebuffers(1, names)
        live.made("framebuffers")
        self._framebuffer = int(names[0])
        self._white = create_texture_2d(gl, live, np.full((1, 1, 4), 255, np.uint8), srgb=False)
        self._resources = GPUResources(
            gl, live, self._stream_buffer, 2 if self._single_pass else 1, self._white, self._instance_offset
        )
        # Calls of the frame loop taken without PyOpenGL's argument conversion (plain integers and addresses).
        self._buffer_data = gl.unwrapped("glNamedBufferData")
        self._bind_textures = gl.unwrapped("glBindTextures")
        self._draw_elements = gl.unwrapped("glDrawElementsInstancedBaseInstance")
        # The grid is a vertex buffer of the renderer's own (world space), drawn with grid.*.glsl.
        grid = grid_vertices(color=GRID_COLOR_LINEAR)
        vertices = np.zeros((len(grid), VERTEX_FLOATS), np.float32)
        vertices[:, 0:3] = grid[:, 0:3]
        vertices[:, 8:11] = grid[:, 6:9]
        vertices[:, 11] = 1.0
        self._grid_buffer = create_buffer(gl, live, vertices)
        self._grid_array = self._resources.make_vertex_array(self._grid_buffer, 0)
        self._grid_count = len(vertices)
        self._resources.material(DEFAULT_MATERIAL)

    def _grow_stream(self, rows: int) -> None:
        """Room for ``rows`` instances; the frame block's constants filled in."""
        start = self._instance_offset // 4
        stream = np.zeros(start + rows * INSTANCE_FLOATS, np.float32)
        stream[: len(self._frame)] = self._frame
        self._stream = stream
        self._stream_pointer = ctypes.c_void_p(stream.ctypes.data)  # what the unwrapped glNamedBufferData reads
        self._frame = stream[:_FRAME_FLOATS]
        self._frame[40:43] = LIGHT_DIRECTION
        self._frame[44:47] = LIGHT_COLOR
        self._frame[48:51] = SKY_AMBIENT
        self._frame[52:55] = GROUND_AMBIENT
        self._instances = stream[start:].reshape(rows, INSTANCE_FLOATS)
        self._normals_of: np.ndarray | None = None  # the model rows the normal rows were made from (_collect)

    def _depth_of_size(self, width: int, height: int) -> int:
        if self._depth_size != (width, height):
            delete_textures(self._gl, self._live, [self._depth_texture])
            names = np.zeros(1, np.uint32)
            self._gl.glCreateTextures(self._gl.GL_TEXTURE_2D_ARRAY, 1, names)
            self._live.made("textures")
            self._depth_texture = int(names[0])
            self._gl.glTextureStorage3D(self._depth_texture, 1, self._gl.GL_DEPTH_COMPONENT24, width, height, 2)
            self._depth_size = (width, height)
        return self._depth_texture

    # -- public -------------------------------------------------------------------------------------------------------

    def live_objects(self) -> dict[str, int]:
        """GL objects this renderer holds now, by kind: buffers, textures, vertex_arrays, programs, framebuffers."""
        return self._live.snapshot()

    def release_scene(self, scene: Scene) -> None:
        """Delete the GPU objects made for ``scene``'s meshes, materials and their textures (hidden nodes too).

        A mesh, material or texture shared with another scene is deleted as well; it is made again when that scene
        is next drawn.
        """
        if self._released:
            return
        pyopengl_platform.ensure()
        meshes: dict[int, Mesh] = {}
        materials: dict[int, Material] = {}
        for node in _every_node(scene.root):
            if node.mesh is not None:
                meshes[node.mesh.id] = node.mesh
            if node.material is not None and node.material is not DEFAULT_MATERIAL:
                materials[node.material.id] = node.material
        self._resources.release_scene_objects(meshes.values(), materials.values())
        for key in [key for key in self._batches if key[0] in meshes or key[1] in materials]:
            del self._batches[key]
        self._gl.take_count()

    def release(self) -> None:
        """Delete every GPU object this renderer made. Safe to call twice, and when no context is current any more
        (the objects then went with their context and are only forgotten)."""
        if self._released:
            return
        self._released = True
        if pyopengl_platform.current_kind() is None:
            return
        pyopengl_platform.ensure()
        gl, live = self._gl, self._live
        if self._left_bound:
            # A frame drawn without restoring state left our program, vertex array and framebuffer bound: unbind
            # them, so that deleting them frees them now and no one later finds a deleted name current.
            gl.glUseProgram(0)
            gl.glBindVertexArray(0)
            gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, 0)
        self._resources.release()
        gl.glDeleteVertexArrays(1, np.array([self._grid_array], np.uint32))
        live.deleted("vertex_arrays")
        delete_buffers(gl, live, [self._grid_buffer, self._stream_buffer])
        delete_textures(gl, live, [self._white, self._depth_texture])
        gl.glDeleteFramebuffers(1, np.array([self._framebuffer], np.uint32))
        live.deleted("framebuffers")
        for program in self._programs:
            gl.glDeleteProgram(program)
            live.deleted("programs")
        self._batches.clear()
        self._depth_size = (0, 0)

    def render(
        self,
        scene: Scene,
        eyes: Sequence[EyeCamera],
        target: StereoTarget,
        floor_grid: bool = True,
        restore_state: bool = True,
    ) -> None:
        """Clear both eyes' layers of ``target`` to the sky colour and draw ``scene`` (and the floor grid).

        Args:
            scene: what to draw; GPU objects for its meshes, materials and textures are made on first sight.
            eyes: two cameras, left then right.
            target: the 2-layer colour (and optionally depth) array textures.
            floor_grid: draw grid lines on the floor (y = 0).
            restore_state: put back the caller's framebuffer binding, viewport, enables and the other state
                touched here (for a renderer embedded in someone else's GL code). False when the caller owns the
                context and sets whatever it needs itself (the application's frame loop): reading the state back
                is about 30 GL queries, more than a small scene's drawing costs. Every state the drawing relies on
                is set each frame either way, so other GL code between frames cannot disturb it.
        """
        if self._released:
            raise RuntimeError("this StereoRenderer was released; make a new one")
        if len(eyes) != 2:
            raise ValueError(f"need two eyes (left, right), got {len(eyes)}")
        if target.width < 1 or target.height < 1:
            raise ValueError(f"bad target size {target.width}x{target.height}")
        pyopengl_platform.ensure()
        gl = self._gl
        gl.take_count()
        opaque, blend_runs, total = self._collect(scene, eyes)
        if not restore_state:
            self._left_bound = True
            self._upload(eyes, total)
            self._draw(target, opaque, blend_runs, floor_grid)
            self.last_frame_gl_calls = gl.take_count()
            return
        saved = _SavedState(gl)
        try:
            self._upload(eyes, total)
            self._draw(target, opaque, blend_runs, floor_grid)
        finally:
            saved.restore(gl)
        self.last_frame_gl_calls = gl.take_count()

    # -- a frame ------------------------------------------------------------------------------------------------------

    def _collect(
        self, scene: Scene, eyes: Sequence[EyeCamera]
    ) -> tuple[list[_Batch], list[tuple[_Batch, int, int]], int]:
        """Group the scene's nodes into batches and fill the instance array.

        Returns the opaque batches (OPAQUE and MASK, in draw order), the BLEND runs (batch, first instance, count)
        back to front, and the number of instances used.
        """
        batches = self._batches
        for batch in batches.values():
            batch.worlds.clear()
            batch.nodes.clear()
        for node, world in _drawables(scene.root):
            material = node.material or DEFAULT_MATERIAL
            key = (node.mesh.id, material.id)
            batch = batches.get(key)
            if batch is None:
                batch = batches[key] = _Batch(node.mesh, material)
            batch.worlds.append(world)
            batch.nodes.append(node)
        for key in [key for key, batch in batches.items() if not batch.nodes]:
            del batches[key]  # keep the dictionary to what is drawn now

        opaque = [b for b in batches.values() if b.material.alpha_mode != "BLEND"]
        # Fewer state changes: single-sided first (culling on), then double-sided; MASK after OPAQUE; within
        # those, materials without textures together (one program), then textured ones.
        resources = self._resources
        opaque.sort(
            key=lambda b: (
                b.material.double_sided,
                b.material.alpha_mode == "MASK",
                resources.material(b.material).textured,
            )
        )
        blended = [b for b in batches.values() if b.material.alpha_mode == "BLEND"]
        total = sum(len(b.nodes) for b in batches.values())
        if len(self._instances) < total:
            self._grow_stream(max(total, 2 * len(self._instances)))
        instances = self._instances

        cursor = 0
        for batch in opaque:
            self._fill(batch, cursor, batch.worlds, batch.nodes)
            cursor += batch.count
        runs: list[tuple[_Batch, int, int]] = []
        if blended:
            midpoint = (np.asarray(eyes[0].position, np.float64) + np.asarray(eyes[1].position, np.float64)) / 2
            order = []
            for batch in blended:
                centre = self._resources.mesh(batch.mesh).center
                for world, node in zip(batch.worlds, batch.nodes, strict=True):
                    order.append((float(np.linalg.norm((world @ centre)[:3] - midpoint)), id(node), batch, world, node))
            order.sort(key=lambda item: (-item[0], item[1]))  # far first; ties in a fixed order
            start = 0
            while start < len(order):
                end = start + 1
                while end < len(order) and order[end][2] is order[start][2]:
                    end += 1
                batch = order[start][2]
                self._fill(batch, cursor, [o[3] for o in order[start:end]], [o[4] for o in order[start:end]])
                runs.append((batch, cursor, end - start))
                cursor += end - start
                start = end
        # Normal matrices only when a model matrix changed: the rows keep last frame's otherwise (most of a scene
        # stands still), and comparing is a fraction of the cost of working them out again.
        models = instances[:cursor, 0:16]
        if self._normals_of is None or not np.array_equal(models, self._normals_of):
            fill_normal_matrices(models.reshape(-1, 4, 4), instances[:cursor, 16:28].reshape(-1, 3, 4))
            self._normals_of = models.copy()
        return opaque, runs, cursor

    def _fill(self, batch: _Batch, base: int, worlds: list[np.ndarray], nodes: list[Node]) -> None:
        count = len(worlds)
        batch.base, batch.count = base, count
        rows = self._instances[base : base + count]
        # Column-major for GL: row i holds world.T flattened, i.e. the columns one after another.
        rows[:, 0:16].reshape(-1, 4, 4)[:] = np.asarray(worlds).transpose(0, 2, 1)
        rows[:, 28:32] = 0.0
        for i, node in enumerate(nodes):
            if node.highlight is not None:
                rows[i, 28:31] = node.highlight
                rows[i, 31] = 1.0

    def _upload(self, eyes: Sequence[EyeCamera], total: int) -> None:
        frame = self._frame
        for eye, camera in enumerate(eyes):
            view_projection = np.asarray(camera.projection, np.float32) @ np.asarray(camera.view, np.float32)
            frame[16 * eye : 16 * eye + 16] = view_projection.T.reshape(-1)  # std140 mat4: columns
            frame[32 + 4 * eye : 35 + 4 * eye] = np.asarray(camera.position, np.float32).reshape(3)
        # The frame block and the instances used, in one call (the light and ambient were set by _grow_stream).
        nbytes = self._instance_offset + total * INSTANCE_FLOATS * 4
        self._buffer_data(self._stream_buffer, nbytes, self._stream_pointer, self._gl.GL_STREAM_DRAW)

    def _attach(self, target: StereoTarget, layer: int | None) -> None:
        """Attach the colour and depth arrays: whole (layered) for ``layer`` None, else that layer."""
        gl = self._gl
        depth = target.depth_texture
        if depth is None:
            depth = self._depth_of_size(target.width, target.height)
        for attachment, texture in ((gl.GL_COLOR_ATTACHMENT0, target.color_texture), (gl.GL_DEPTH_ATTACHMENT, depth)):
            if layer is None:
                gl.glNamedFramebufferTexture(self._framebuffer, attachment, texture, 0)
            else:
                gl.glNamedFramebufferTextureLayer(self._framebuffer, attachment, texture, 0, layer)
        status = gl.glCheckNamedFramebufferStatus(self._framebuffer, gl.GL_DRAW_FRAMEBUFFER)
        if status != gl.GL_FRAMEBUFFER_COMPLETE:
            raise RuntimeError(
                f"cannot draw into colour texture {target.color_texture} with depth {depth} "
                f"({'layered' if layer is None else f'layer {layer}'}): framebuffer incomplete, status "
                f"{int(status):#x}; both must be 2-layer GL_TEXTURE_2D_ARRAYs of {target.width}x{target.height}"
            )

    def _draw(
        self, target: StereoTarget, opaque: list[_Batch], blend_runs: list[tuple[_Batch, int, int]], grid: bool
    ) -> None:
        gl = self._gl
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, self._framebuffer)
        gl.glViewport(0, 0, target.width, target.height)
        gl.glDisable(gl.GL_SCISSOR_TEST)
        gl.glDisable(gl.GL_STENCIL_TEST)
        (gl.glEnable if target.srgb else gl.glDisable)(gl.GL_FRAMEBUFFER_SRGB)
        gl.glEnable(gl.GL_DEPTH_TEST)
        gl.glDepthFunc(gl.GL_LESS)
        gl.glColorMask(gl.GL_TRUE, gl.GL_TRUE, gl.GL_TRUE, gl.GL_TRUE)
        gl.glClearColor(*SKY_COLOR_LINEAR)
        gl.glClearDepth(1.0)
        gl.glCullFace(gl.GL_BACK)
        gl.glFrontFace(gl.GL_CCW)
        gl.glBlendFuncSeparate(gl.GL_SRC_ALPHA, gl.GL_ONE_MINUS_SRC_ALPHA, gl.GL_ONE, gl.GL_ONE_MINUS_SRC_ALPHA)
        gl.glBindBufferRange(gl.GL_UNIFORM_BUFFER, 0, self._stream_buffer, 0, _FRAME_FLOATS * 4)
        passes = (None,) if self._single_pass else (0, 1)
        views = 2 if self._single_pass else 1
        bound = _Bound()  # what this frame bound so far: GL keeps it from one pass to the next
        for eye in passes:
            self._attach(target, eye)
            gl.glDepthMask(gl.GL_TRUE)
            gl.glDisable(gl.GL_BLEND)
            gl.glClear(gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT)
            if eye is not None:
                for program, location in self._eye_locations:
                    gl.glProgramUniform1i(program, location, eye)
            if grid:
                self._use_program(self._grid_program, bound)
                self._use_vertex_array(self._grid_array, bound)
                gl.glDrawArraysInstancedBaseInstance(gl.GL_LINES, 0, self._grid_count, views, 0)
            for batch in opaque:
                self._draw_batch(batch, batch.base, batch.count, views, bound)
            if blend_runs:
                gl.glEnable(gl.GL_BLEND)
                gl.glDepthMask(gl.GL_FALSE)  # blended surfaces must not hide each other or what is behind them
                for batch, base, count in blend_runs:
                    self._draw_batch(batch, base, count, views, bound)
        # Let go of the images: a swapchain deleted later must not stay alive through our framebuffer.
        gl.glNamedFramebufferTexture(self._framebuffer, gl.GL_COLOR_ATTACHMENT0, 0, 0)
        gl.glNamedFramebufferTexture(self._framebuffer, gl.GL_DEPTH_ATTACHMENT, 0, 0)

    def _use_program(self, program: int, bound: _Bound) -> None:
        if bound.program != program:
            self._gl.glUseProgram(program)
            bound.program = program

    def _use_material(self, material: MaterialObjects, bound: _Bound) -> None:
        gl = self._gl
        self._use_program(self._program if material.textured else self._untextured_program, bound)
        if bound.material is not material:
            gl.glBindBufferBase(gl.GL_UNIFORM_BUFFER, 1, material.uniform_buffer)
            if material.textured and bound.textures != material.texture_names:
                self._bind_textures(0, len(material.texture_names), material.texture_array)
                bound.textures = material.texture_names
            bound.material = material
        cull = not material.double_sided
        if bound.cull is not cull:
            (gl.glEnable if cull else gl.glDisable)(gl.GL_CULL_FACE)
            bound.cull = cull

    def _use_vertex_array(self, vertex_array: int, bound: _Bound) -> None:
        if bound.vertex_array != vertex_array:
            self._gl.glBindVertexArray(vertex_array)
            bound.vertex_array = vertex_array

    def _draw_batch(self, batch: _Batch, base: int, count: int, views: int, bound: _Bound) -> None:
        gl = self._gl
        mesh: MeshObjects = self._resources.mesh(batch.mesh)
        self._use_material(self._resources.material(batch.material), bound)
        if mesh.count == 0:
            return
        self._use_vertex_array(mesh.vertex_array, bound)
        if mesh.index_buffer:  # indices from the start of the element buffer: a null offset
            self._draw_elements(gl.GL_TRIANGLES, mesh.count, gl.GL_UNSIGNED_INT, _NULL, count * views, base)
        else:
            gl.glDrawArraysInstancedBaseInstance(gl.GL_TRIANGLES, 0, mesh.count, count * views, base)


class _Bound:
    """What the current frame has bound, to skip calls that would change nothing."""

    __slots__ = ("program", "material", "textures", "cull", "vertex_array")

    def __init__(self) -> None:
        self.program = 0
        self.material: MaterialObjects | None = None
        self.textures: tuple[int, ...] | None = None
        self.cull: bool | None = None
        self.vertex_array = 0


def _drawables(root: Node) -> list[tuple[Node, np.ndarray]]:
    """(node, world transform) of every visible node with a mesh, as :meth:`Scene.drawables` gives them, but
    computed a level of the tree at a time: one batched matrix product per level instead of one product and one
    generator step per node (about 5× faster for a thousand nodes). Level by level, so nodes come breadth first."""
    result: list[tuple[Node, np.ndarray]] = []
    if not root.visible:
        return result
    level = [root]
    worlds = root.transform[np.newaxis]
    while True:
        children: list[Node] = []
        parents: list[int] = []
        for index, node in enumerate(level):
            if node.mesh is not None:
                result.append((node, worlds[index]))
            for child in node.children:
                if child.visible:
                    children.append(child)
                    parents.append(index)
        if not children:
            return result
        worlds = np.matmul(worlds[parents], np.array([child.transform for child in children]))
        level = children


def _every_node(node: Node) -> Iterator[Node]:
    """Every node under (and including) ``node``, hidden ones too."""
    yield node
    for child in node.children:
        yield from _every_node(child)


class _SavedState:
    """The GL state :meth:`StereoRenderer.render` changes, read before and put back after."""

    _ENABLES = (
        "GL_SCISSOR_TEST",
        "GL_FRAMEBUFFER_SRGB",
        "GL_BLEND",
        "GL_CULL_FACE",
        "GL_STENCIL_TEST",
        "GL_DEPTH_TEST",
    )
    _TEXTURE_UNITS = 3

    def __init__(self, gl: GLCalls) -> None:
        def integer(name: str) -> int:
            return int(gl.glGetIntegerv(getattr(gl, name)))

        self.draw_framebuffer = integer("GL_DRAW_FRAMEBUFFER_BINDING")
        self.program = integer("GL_CURRENT_PROGRAM")
        self.vertex_array = integer("GL_VERTEX_ARRAY_BINDING")
        self.uniform_buffer = integer("GL_UNIFORM_BUFFER_BINDING")
        self.uniform_buffers = [int(gl.glGetIntegeri_v(gl.GL_UNIFORM_BUFFER_BINDING, i)) for i in (0, 1)]
        self.active_texture = integer("GL_ACTIVE_TEXTURE")
        self.textures = []
        for unit in range(self._TEXTURE_UNITS):
            gl.glActiveTexture(gl.GL_TEXTURE0 + unit)
            self.textures.append(integer("GL_TEXTURE_BINDING_2D"))
        gl.glActiveTexture(self.active_texture)
        self.depth_func = integer("GL_DEPTH_FUNC")
        self.cull_face = integer("GL_CULL_FACE_MODE")
        self.front_face = integer("GL_FRONT_FACE")
        self.blend = [
            integer(n) for n in ("GL_BLEND_SRC_RGB", "GL_BLEND_DST_RGB", "GL_BLEND_SRC_ALPHA", "GL_BLEND_DST_ALPHA")
        ]
        self.viewport = [int(v) for v in gl.glGetIntegerv(gl.GL_VIEWPORT)]
        self.enables = {name: bool(gl.glIsEnabled(getattr(gl, name))) for name in self._ENABLES}
        self.depth_mask = bool(gl.glGetBooleanv(gl.GL_DEPTH_WRITEMASK))
        self.color_mask = [bool(v) for v in gl.glGetBooleanv(gl.GL_COLOR_WRITEMASK)]
        self.clear_color = [float(v) for v in gl.glGetFloatv(gl.GL_COLOR_CLEAR_VALUE)]
        self.clear_depth = float(gl.glGetDoublev(gl.GL_DEPTH_CLEAR_VALUE))

    def restore(self, gl: GLCalls) -> None:
        gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, self.draw_framebuffer)
        # A program deleted while it was current lives on only while it stays current: once ours replaced it, it
        # is gone, and binding its name again would be an error.
        gl.glUseProgram(self.program if self.program and gl.glIsProgram(self.program) else 0)
        gl.glBindVertexArray(self.vertex_array)
        for index, buffer in enumerate(self.uniform_buffers):
            gl.glBindBufferBase(gl.GL_UNIFORM_BUFFER, index, buffer)
        gl.glBindBuffer(gl.GL_UNIFORM_BUFFER, self.uniform_buffer)  # BindBufferBase moved the generic binding too
        for unit, texture in enumerate(self.textures):
            gl.glActiveTexture(gl.GL_TEXTURE0 + unit)
            gl.glBindTexture(gl.GL_TEXTURE_2D, texture)
        gl.glActiveTexture(self.active_texture)
        gl.glDepthFunc(self.depth_func)
        gl.glCullFace(self.cull_face)
        gl.glFrontFace(self.front_face)
        gl.glBlendFuncSeparate(*self.blend)
        gl.glViewport(*self.viewport)
        for name, enabled in self.enables.items():
            (gl.glEnable if enabled else gl.glDisable)(getattr(gl, name))
        gl.glDepthMask(self.depth_mask)
        gl.glColorMask(*self.color_mask)
        gl.glClearColor(*self.clear_color)
        gl.glClearDepth(self.clear_depth)
