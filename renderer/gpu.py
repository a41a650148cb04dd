"""GPU objects made from scene data: meshes (vertex array, vertex and index buffers), textures, material parameters.

Each is created on first use from a :mod:`renderer.scene` object, keyed by its ``id``, and deleted when asked
(:meth:`GPUResources.release_scene_objects`, :meth:`GPUResources.release`). Every object made or deleted here
passes through :class:`LiveObjects`, so tests can check that counts come back down.

The CPU side of the upload (:func:`vertex_data`, :func:`material_block`) is pure numpy, testable without GL.

Vertex layout (one interleaved buffer per mesh, ``VERTEX_FLOATS`` float32 per vertex): position (3, metres, model
space), normal (3), uv (2, v = 0 at the top of the image), colour (4, linear RGBA). Per-instance layout (one buffer
for the whole frame, from ``GPUResources.instance_offset`` on, ``INSTANCE_FLOATS`` float32 per instance, read as
instanced attributes): model matrix (16,
column-major), normal matrix (3 columns of vec4, xyz used), highlight (4: RGB and 1, or all 0 for none).
"""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .glcalls import GLCalls
from .scene import Material, Mesh, Texture
from .shader import ShaderError, compile_shader, load_source, numbered

VERTEX_FLOATS = 12
INSTANCE_FLOATS = 32
MATERIAL_FLOATS = 16

#: Attribute locations, shared with renderer/shaders/pbr.vert.glsl.
POSITION, NORMAL, UV, COLOR = 0, 1, 2, 3
MODEL_COLUMNS = (4, 5, 6, 7)
NORMAL_COLUMNS = (8, 9, 10)
HIGHLIGHT = 11

#: Texture units of the material's textures, shared with renderer/shaders/pbr.frag.glsl.
BASE_COLOR_UNIT, METALLIC_ROUGHNESS_UNIT, EMISSIVE_UNIT = 0, 1, 2

_ALPHA_MODES = {"OPAQUE": 0.0, "MASK": 1.0, "BLEND": 2.0}


class LiveObjects:
    """How many GL objects of each kind the renderer holds now: ``buffers``, ``textures``, ``vertex_arrays``,
    ``programs``, ``framebuffers``."""

    KINDS = ("buffers", "textures", "vertex_arrays", "programs", "framebuffers")

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter({kind: 0 for kind in self.KINDS})

    def made(self, kind: str, count: int = 1) -> None:
        self._counts[kind] += count

    def deleted(self, kind: str, count: int = 1) -> None:
        self._counts[kind] -= count
        if self._counts[kind] < 0:
            raise AssertionError(f"more {kind} deleted than made: the renderer's bookkeeping is wrong")

    def snapshot(self) -> dict[str, int]:
        """A copy of the counts, every kind present."""
        return {kind: self._counts[kind] for kind in self.KINDS}


# -- GL object helpers: create and delete with bookkeeping ------------------------------------------------------------


def create_buffer(gl: GLCalls, live: LiveObjects, data: np.ndarray | None = None, nbytes: int = 0) -> int:
    """A buffer with immutable storage holding ``data`` (or ``nbytes`` of zeros when ``data`` is None)."""
    names = np.zeros(1, np.uint32)
    gl.glCreateBuffers(1, names)
    live.made("buffers")
    if data is not None:
        data = np.ascontiguousarray(data)
        gl.glNamedBufferStorage(int(names[0]), max(data.nbytes, 4), data if data.nbytes else None, 0)
    else:
        gl.glNamedBufferStorage(int(names[0]), max(nbytes, 4), None, gl.GL_DYNAMIC_STORAGE_BIT)
    return int(names[0])


def create_mutable_buffer(gl: GLCalls, live: LiveObjects) -> int:
    """A buffer without storage yet: filled each frame with glNamedBufferData (the driver orphans the old storage)."""
    names = np.zeros(1, np.uint32)
    gl.glCreateBuffers(1, names)
    live.made("buffers")
    return int(names[0])


def delete_buffers(gl: GLCalls, live: LiveObjects, names: Iterable[int]) -> None:
    names = [n for n in names if n]
    if names:
        gl.glDeleteBuffers(len(names), np.asarray(names, np.uint32))
        live.deleted("buffers", len(names))


def create_texture_2d(gl: GLCalls, live: LiveObjects, pixels: np.ndarray, srgb: bool) -> int:
    """A mipmapped, repeating GL_TEXTURE_2D from ``pixels`` (h, w, 4) uint8, row 0 the TOP of the image.

    Rows are uploaded in the order given, so texture coordinate t = 0 is the image's top row: the scene's uv
    convention (v = 0 at the top) then needs no flip. ``srgb`` makes it GL_SRGB8_ALPHA8, which sampling decodes to
    linear; else GL_RGBA8 (data such as metallic-roughness).
    """
    height, width = pixels.shape[:2]
    names = np.zeros(1, np.uint32)
    gl.glCreateTextures(gl.GL_TEXTURE_2D, 1, names)
    live.made("textures")
    name = int(names[0])
    levels = max(width, height).bit_length()
    gl.glTextureStorage2D(name, levels, gl.GL_SRGB8_ALPHA8 if srgb else gl.GL_RGBA8, width, height)
    update_texture_2d(gl, name, pixels)
    gl.glTextureParameteri(name, gl.GL_TEXTURE_MIN_FILTER, gl.GL_LINEAR_MIPMAP_LINEAR)
    gl.glTextureParameteri(name, gl.GL_TEXTURE_MAG_FILTER, gl.GL_LINEAR)
    gl.glTextureParameteri(name, gl.GL_TEXTURE_WRAP_S, gl.GL_REPEAT)  # glTF's default sampler
    gl.glTextureParameteri(name, gl.GL_TEXTURE_WRAP_T, gl.GL_REPEAT)
    return name


def update_texture_2d(gl: GLCalls, name: int, pixels: np.ndarray) -> None:
    """Upload ``pixels`` (h, w, 4) uint8 again into texture ``name`` of the same size, and rebuild its mipmaps."""
    height, width = pixels.shape[:2]
    gl.glTextureSubImage2D(
        name, 0, 0, 0, width, height, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, np.ascontiguousarray(pixels, np.uint8)
    )
    gl.glGenerateTextureMipmap(name)


def delete_textures(gl: GLCalls, live: LiveObjects, names: Iterable[int]) -> None:
    names = [n for n in names if n]
    if names:
        gl.glDeleteTextures(len(names), np.asarray(names, np.uint32))
        live.deleted("textures", len(names))


def build_program(gl: GLCalls, live: LiveObjects, vertex: str, fragment: str, defines: Iterable[str] = ()) -> int:
    """A linked program from two files in ``renderer/shaders/``, with ``#define NAME 1`` lines put after
    ``#version`` (how one source serves both single-pass and two-pass stereo). ShaderError with the numbered
    source when it does not compile or link."""
    header = "".join(f"#define {name} 1\n" for name in defines)
    sources = {}
    for name in (vertex, fragment):
        first, _, rest = load_source(name).partition("\n")
        sources[name] = f"{first}\n{header}{rest}"
    shaders = []
    try:
        shaders.append(compile_shader(gl.GL_VERTEX_SHADER, sources[vertex], vertex))
        shaders.append(compile_shader(gl.GL_FRAGMENT_SHADER, sources[fragment], fragment))
        program = gl.glCreateProgram()
        for shader in shaders:
            gl.glAttachShader(program, shader)
        gl.glLinkProgram(program)
        if not gl.glGetProgramiv(program, gl.GL_LINK_STATUS):
            log = gl.glGetProgramInfoLog(program)
            gl.glDeleteProgram(program)
            log = log.decode(errors="replace") if isinstance(log, bytes) else str(log)
            raise ShaderError(
                f"program {vertex} + {fragment} ({', '.join(defines) or 'no defines'}) did not link:\n{log}\n"
                f"--- {vertex} ---\n{numbered(sources[vertex])}\n--- {fragment} ---\n{numbered(sources[fragment])}"
            )
        live.made("programs")
        return int(program)
    finally:
        for shader in shaders:
            gl.glDeleteShader(shader)  # the program keeps what it needs


# -- CPU side: pure functions -------------------------------------------------------------------------------------


def vertex_data(mesh: Mesh) -> tuple[np.ndarray, np.ndarray | None]:
    """The interleaved ``(n, VERTEX_FLOATS) float32`` vertices and ``(m * 3,) uint32`` indices (or None) of ``mesh``.

    A mesh without normals is un-indexed into a triangle list (three vertices per triangle) and given flat
    normals, since a vertex shared by faces at an angle has no single right normal. Missing uvs become 0 and missing
    colours white. Degenerate triangles get a zero normal, which the shader treats as "no lighting direction".
    """
    positions = mesh.positions
    normals, uvs, colors, indices = mesh.normals, mesh.uvs, mesh.colors, mesh.indices
    if normals is None:
        if indices is not None:
            flat = indices.reshape(-1)
            positions = positions[flat]
            uvs = None if uvs is None else uvs[flat]
            colors = None if colors is None else colors[flat]
            indices = None
        usable = len(positions) // 3 * 3  # a trailing partial triangle is not drawn
        corners = positions[:usable].reshape(-1, 3, 3)
        face = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
        length = np.linalg.norm(face, axis=1, keepdims=True)
        face = np.divide(face, length, out=np.zeros_like(face), where=length > 0)
        normals = np.zeros_like(positions)
        normals[:usable] = np.repeat(face, 3, axis=0)
    out = np.empty((len(positions), VERTEX_FLOATS), np.float32)
    out[:, 0:3] = positions
    out[:, 3:6] = normals
    out[:, 6:8] = 0.0 if uvs is None else uvs
    out[:, 8:12] = 1.0 if colors is None else colors
    return out, None if indices is None else np.ascontiguousarray(indices.reshape(-1), np.uint32)


def material_block(material: Material) -> np.ndarray:
    """The ``(MATERIAL_FLOATS,) float32`` std140 block of pbr.frag.glsl's ``Material``: base colour (4), emissive
    (3 + pad), (metallic, roughness, alpha cutoff, alpha mode 0/1/2), (unlit, double sided, 0, 0)."""
    block = np.zeros(MATERIAL_FLOATS, np.float32)
    block[0:4] = material.base_color
    block[4:7] = material.emissive
    block[8:12] = (material.metallic, material.roughness, material.alpha_cutoff, _ALPHA_MODES[material.alpha_mode])
    block[12:14] = (float(material.unlit), float(material.double_sided))
    return block


def fill_normal_matrices(models: np.ndarray, out: np.ndarray) -> None:
    """Write the normal matrices of ``models`` (n, 4, 4) column-major (``models[i, c]`` is column c) into ``out``
    (n, 3, 4) as columns.

    Uses the cofactor matrix (the inverse-transpose times the determinant) times the determinant's sign: no
    inverse, so a node scaled to zero does not raise, and mirrored nodes keep outward normals. The shader
    normalises, so the scale does not matter.
    """
    # The three cofactor columns c1 x c2, c2 x c0, c0 x c1 as one cross product of (n, 3, 3) stacks, written
    # out by components on views: a dozen small array operations, where three np.cross calls cost several times
    # more for the few nodes of a typical scene.
    columns = models[:, :3, :3]
    twice = np.concatenate((columns, columns), axis=1)
    a, b = twice[:, 1:4], twice[:, 2:5]  # row k: column k + 1 and column k + 2 (mod 3)
    ax, ay, az = a[..., 0], a[..., 1], a[..., 2]
    bx, by, bz = b[..., 0], b[..., 1], b[..., 2]
    cofactors = out[:, :, :3]
    np.subtract(ay * bz, az * by, out=cofactors[..., 0])
    np.subtract(az * bx, ax * bz, out=cofactors[..., 1])
    np.subtract(ax * by, ay * bx, out=cofactors[..., 2])
    determinant = np.einsum("ij,ij->i", columns[:, 0], cofactors[:, 0])
    cofactors[determinant < 0] *= -1.0


# -- GPU objects --------------------------------------------------------------------------------------------------


@dataclass
class MeshObjects:
    """A mesh on the GPU: its vertex array, buffers, and how to draw it (``count`` indices or vertices)."""

    vertex_array: int
    vertex_buffer: int
    index_buffer: int  # 0 for a triangle list
    count: int
    center: np.ndarray  # (4,) model-space centre of the bounds, w = 1: where BLEND sorting measures from


@dataclass
class MaterialObjects:
    """A material on the GPU: its uniform buffer and the three texture names bound with it (white when absent)."""

    uniform_buffer: int
    textures: np.ndarray  # (3,) uint32: base colour, metallic-roughness, emissive
    alpha_mode: str
    double_sided: bool
    textured: bool = True  # has a texture of its own (False: all three are the white stand-in)

    def __post_init__(self) -> None:
        # The same names as a tuple (compared when binding) and a ctypes array (what glBindTextures reads).
        self.texture_names = tuple(int(t) for t in self.textures)
        self.texture_array = (ctypes.c_uint * len(self.texture_names))(*self.texture_names)


class GPUResources:
    """The GPU objects of scene meshes, materials and textures, made lazily and keyed by the scene objects' ids.

    Args:
        gl: the call proxy (counts and checks).
        live: where made and deleted objects are counted.
        instance_buffer: the frame's per-instance buffer, attached to every mesh's vertex array (binding 1).
        instance_divisor: 2 for single-pass stereo (each instance drawn once per eye), 1 for two passes.
        white_texture: the texture bound in place of a material's missing ones (owned by the caller).
        instance_offset: bytes into ``instance_buffer`` where the instance rows start.
    """

    def __init__(
        self,
        gl: GLCalls,
        live: LiveObjects,
        instance_buffer: int,
        instance_divisor: int,
        white_texture: int,
        instance_offset: int = 0,
    ) -> None:
        self.gl = gl
        self.live = live
        self.instance_buffer = instance_buffer
        self.instance_offset = instance_offset
        self.instance_divisor = instance_divisor
        self.white_texture = white_texture
        self.meshes: dict[int, MeshObjects] = {}
        self.materials: dict[int, MaterialObjects] = {}
        self.textures: dict[int, int] = {}
        self.texture_versions: dict[int, int] = {}

    def mesh(self, mesh: Mesh) -> MeshObjects:
        """The GPU objects of ``mesh``, uploaded on first use (later changes to its arrays are not seen)."""
        found = self.meshes.get(mesh.id)
        if found is None:
            found = self.meshes[mesh.id] = self._upload_mesh(mesh)
        return found

    def material(self, material: Material) -> MaterialObjects:
        """The GPU objects of ``material`` and its textures, uploaded on first use; textures whose ``version``
        changed since (a glyph atlas that gained glyphs) are uploaded again."""
        found = self.materials.get(material.id)
        if found is None:
            found = self.materials[material.id] = self._upload_material(material)
        else:
            for texture in (
                material.base_color_texture,
                material.metallic_roughness_texture,
                material.emissive_texture,
            ):
                if texture is not None and self.texture_versions.get(texture.id) != texture.version:
                    update_texture_2d(self.gl, self.textures[texture.id], texture.pixels)
                    self.texture_versions[texture.id] = texture.version
        return found

    def make_vertex_array(self, vertex_buffer: int, index_buffer: int) -> int:
        """A vertex array reading ``vertex_buffer`` (the mesh layout) and the frame's instance buffer."""
        gl = self.gl
        names = np.zeros(1, np.uint32)
        gl.glCreateVertexArrays(1, names)
        self.live.made("vertex_arrays")
        vao = int(names[0])
        gl.glVertexArrayVertexBuffer(vao, 0, vertex_buffer, 0, VERTEX_FLOATS * 4)
        for location, size, offset in ((POSITION, 3, 0), (NORMAL, 3, 12), (UV, 2, 24), (COLOR, 4, 32)):
            self._attribute(vao, location, size, offset, 0)
        gl.glVertexArrayVertexBuffer(vao, 1, self.instance_buffer, self.instance_offset, INSTANCE_FLOATS * 4)
        gl.glVertexArrayBindingDivisor(vao, 1, self.instance_divisor)
        for i, location in enumerate(MODEL_COLUMNS):
            self._attribute(vao, location, 4, 16 * i, 1)
        for i, location in enumerate(NORMAL_COLUMNS):
            self._attribute(vao, location, 3, 64 + 16 * i, 1)
        self._attribute(vao, HIGHLIGHT, 4, 112, 1)
        if index_buffer:
            gl.glVertexArrayElementBuffer(vao, index_buffer)
        return vao

    def _attribute(self, vao: int, location: int, size: int, offset: int, binding: int) -> None:
        gl = self.gl
        gl.glEnableVertexArrayAttrib(vao, location)
        gl.glVertexArrayAttribFormat(vao, location, size, gl.GL_FLOAT, gl.GL_FALSE, offset)
        gl.glVertexArrayAttribBinding(vao, location, binding)

    def _upload_mesh(self, mesh: Mesh) -> MeshObjects:
        vertices, indices = vertex_data(mesh)
        vertex_buffer = create_buffer(self.gl, self.live, vertices)
        index_buffer = create_buffer(self.gl, self.live, indices) if indices is not None else 0
        vao = self.make_vertex_array(vertex_buffer, index_buffer)
        count = len(indices) if indices is not None else len(vertices) // 3 * 3
        if len(mesh.positions):
            lo, hi = mesh.bounds()
            center = np.append((lo + hi) / 2, 1.0)
        else:
            center = np.array([0.0, 0.0, 0.0, 1.0])
        return MeshObjects(vao, vertex_buffer, index_buffer, count, center)

    def _texture(self, texture: Texture | None) -> int:
        if texture is None:
            return self.white_texture
        found = self.textures.get(texture.id)
        if found is None:
            found = self.textures[texture.id] = create_texture_2d(self.gl, self.live, texture.pixels, texture.srgb)
            self.texture_versions[texture.id] = texture.version
        return found

    def _upload_material(self, material: Material) -> MaterialObjects:
        uniform_buffer = create_buffer(self.gl, self.live, material_block(material))
        textures = np.array(
            [
                self._texture(material.base_color_texture),
                self._texture(material.metallic_roughness_texture),
                self._texture(material.emissive_texture),
            ],
            np.uint32,
        )
        textured = any(
            t is not None
            for t in (material.base_color_texture, material.metallic_roughness_texture, material.emissive_texture)
        )
        return MaterialObjects(uniform_buffer, textures, material.alpha_mode, material.double_sided, textured)

    # -- release ----------------------------------------------------------------------------------------------------

    def release_scene_objects(self, meshes: Iterable[Mesh], materials: Iterable[Material]) -> None:
        """Delete the GPU objects made for these meshes and materials (and the materials' textures)."""
        for mesh in meshes:
            found = self.meshes.pop(mesh.id, None)
            if found is not None:
                self._delete_mesh(found)
        for material in materials:
            found = self.materials.pop(material.id, None)
            if found is not None:
                delete_buffers(self.gl, self.live, [found.uniform_buffer])
            for texture in (
                material.base_color_texture,
                material.metallic_roughness_texture,
                material.emissive_texture,
            ):
                if texture is not None and texture.id in self.textures:
                    delete_textures(self.gl, self.live, [self.textures.pop(texture.id)])
                    self.texture_versions.pop(texture.id, None)

    def release(self) -> None:
        """Delete every object made here."""
        for found in self.meshes.values():
            self._delete_mesh(found)
        delete_buffers(self.gl, self.live, [m.uniform_buffer for m in self.materials.values()])
        delete_textures(self.gl, self.live, self.textures.values())
        self.meshes.clear()
        self.materials.clear()
        self.textures.clear()
        self.texture_versions.clear()

    def _delete_mesh(self, found: MeshObjects) -> None:
        self.gl.glDeleteVertexArrays(1, np.array([found.vertex_array], np.uint32))
        self.live.deleted("vertex_arrays")
        delete_buffers(self.gl, self.live, [found.vertex_buffer, found.index_buffer])


def null_pointer(offset: int = 0) -> ctypes.c_void_p:
    """A byte offset into a bound buffer, as GL's pointer arguments take it."""
    return ctypes.c_void_p(offset)
