"""Model files (glTF 2.0 ``.glb``/``.gltf``, ``.obj``, ``.stl``) read into a :class:`~renderer.scene.Scene`.

trimesh does the parsing; this module turns its scene graph into ours, keeping node names and the hierarchy (so
scenarios can refer to "locker" or "call_button"), sharing one ``Mesh`` between nodes that use the same geometry (so
the renderer instances it) and one ``Material``/``Texture`` between meshes that share them.

Conventions worth knowing when touching this (they are what trimesh 4.x/5.x does, checked against the test assets):

- UVs: trimesh flips glTF's v on load (``v = 1 - v``) to OpenGL's v-up, and keeps OBJ's v-up as the file has it;
  :func:`renderer.primitives.from_trimesh` flips back, so scene meshes have glTF's v = 0 at the top of the image.
- Colour factors: trimesh stores a PBR ``baseColorFactor`` as (4,) uint8 (the linear float from the file times 255,
  rounded), emissive/metallic/roughness as floats. glTF factors are linear, so the base colour here is bytes / 255
  (within 1/510 of the file's value). An OBJ/MTL ``Kd`` and OBJ/PLY vertex colours are sRGB-encoded display colours:
  they are decoded to linear. glTF ``COLOR_0`` is linear already.
- Cameras: trimesh keeps only the first glTF camera, hangs it under the base frame (not under its glTF parent) and,
  when the camera has no name, calls it ``camera_XXXXXX`` at random; it becomes a node without a mesh called
  ``"camera"`` here so that names do not change from one load to the next.

Everything that goes wrong while reading a file is a :class:`SceneLoadError` naming the file and the problem:
a broken or hostile file must not take the session down.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import struct
import zlib
from pathlib import Path

import numpy as np
import trimesh

from .primitives import from_trimesh
from .scene import Material, Mesh, Node, Scene, Texture

log = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS: tuple[str, ...] = (".glb", ".gltf", ".obj", ".stl")
"""File name extensions :func:`load_scene` reads (compared without regard to case)."""

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Files larger than this are refused before reading: nothing for a headset scene needs more."""
MAX_TRIANGLES = 5_000_000
"""Most triangles a loaded scene may draw, counting each instance of a shared mesh."""
MAX_TEXTURE_SIDE = 8192
"""Widest or tallest texture accepted, in pixels (GPUs commonly stop at 8192 or 16384)."""
MAX_NODES = 100_000
"""Most nodes a loaded scene may have: each is a Python object walked every frame."""

_GLTF_EXTENSIONS = (".glb", ".gltf")
_RE_EXPORT = "Re-export the model from its authoring tool"
# Names trimesh makes up at random (uuid hex), replaced by stable ones so scenarios can rely on them.
_RANDOM_CAMERA_NAME = re.compile(r"camera_[0-9A-Fa-f]{6}")


class SceneLoadError(ValueError):
    """A model file could not be loaded. The message is ``"<path>: <what is wrong>. <what to do>"``; the exception
    that caused it, if any, is ``__cause__``."""


def load_scene(path: str | os.PathLike[str]) -> Scene:
    """Read a model file into a :class:`Scene` whose ``source`` is ``path``.

    Args:
        path: a ``.glb``, ``.gltf``, ``.obj`` or ``.stl`` file (see :data:`SUPPORTED_EXTENSIONS`); a ``.gltf`` or
            ``.obj`` finds the files it refers to (buffers, ``.mtl``, images) next to it.

    Returns:
        A scene whose root (``"root"``) holds the file's top-level nodes with their names, local transforms and
        children. Nodes with trimesh geometry carry a ``Mesh`` (positions, normals, and UVs/vertex colours where the
        file has them) and a ``Material``, or ``None`` for a mesh without one (the renderer's default). Point clouds
        and lines are skipped with a logged warning; their nodes stay, without a mesh.

    Raises:
        SceneLoadError: the file is missing, unsupported, empty, truncated, corrupted, too large (see the ``MAX_*``
            limits) or has nothing drawable. No other exception escapes for a bad file.
    """
    name = os.fspath(path)
    _check_file(name)
    try:
        loaded = _read(name)
    except SceneLoadError:
        raise
    except Exception as exc:  # MemoryError and RecursionError included: any failure inside trimesh is the file's
        raise SceneLoadError(_describe_failure(name, exc)) from exc
    try:
        return _SceneBuilder(name, loaded).build()
    except SceneLoadError:
        raise
    except Exception as exc:  # the data trimesh returned can still be inconsistent (bad indices, odd images)
        raise SceneLoadError(_describe_failure(name, exc)) from exc


def fit_for_viewing(scene: Scene, size_m: float = 1.0, distance_m: float = 1.5) -> Scene:
    """A scene showing ``scene`` at a comfortable size in front of a viewer standing at the origin looking along -Z.

    The model is scaled uniformly so that its largest dimension (of its world-space bounding box) is ``size_m``
    metres, centred on X and Z at ``(x, z) = (0, -distance_m)``, and moved up or down so that its lowest point is on
    the floor (y = 0). This is what ``python main.py view FILE`` shows.

    The returned scene's root (``"root"``) has one child, ``"fit"``, carrying that transform, whose only child is
    ``scene.root`` itself: nodes, meshes and materials are shared with ``scene``, not copied, so
    ``result.find(name)`` gives the same node objects. ``source`` is kept. ``scene`` is not changed.

    Args:
        scene: a scene with at least one visible mesh.
        size_m: largest dimension after scaling, metres (> 0).
        distance_m: distance in front of the origin, metres.

    Raises:
        ValueError: ``size_m`` is not positive, or the scene has nothing visible to fit.
    """
    if not size_m > 0:
        raise ValueError(f"fit_for_viewing: size_m must be positive, got {size_m!r}")
    bounds = _exact_bounds(scene)
    if bounds is None:
        raise ValueError(f"fit_for_viewing: {scene.source or 'the scene'} has no visible mesh to fit")
    low, high = bounds
    largest = float((high - low).max())
    # A single point or a degenerate file has no size to scale to; leave it at its own scale rather than divide by 0.
    scale = size_m / largest if largest > 0 else 1.0
    centre = (low + high) / 2
    fit = np.identity(4)
    fit[:3, :3] *= scale
    fit[:3, 3] = (-centre[0] * scale, -low[1] * scale, -distance_m - centre[2] * scale)
    root = Node("root")
    root.add(Node("fit", transform=fit, children=[scene.root]))
    return Scene(root=root, source=scene.source)


def _exact_bounds(scene: Scene) -> np.ndarray | None:
    """(2, 3) world-space min and max over every visible vertex, or None.

    ``Scene.bounds`` transforms each mesh's box corners, which overshoots for rotated nodes; fitting to the floor
    needs the real lowest point, or a rotated model would float above the grid.
    """
    lows, highs = [], []
    for node, world in scene.drawables():
        points = node.mesh.positions.astype(np.float64) @ world[:3, :3].T + world[:3, 3]
        if len(points):
            lows.append(points.min(axis=0))
            highs.append(points.max(axis=0))
    if not lows:
        return None
    return np.array([np.min(lows, axis=0), np.max(highs, axis=0)])


def _fail(path: str, what: str, todo: str) -> SceneLoadError:
    return SceneLoadError(f"{path}: {what}. {todo}")


def _check_file(path: str) -> None:
    """Refuse what trimesh should not even open: missing, not a file, unsupported, empty, too large."""
    extension = Path(path).suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        shown = f"{extension!r}" if extension else "no extension"
        raise _fail(
            path,
            f"unsupported file type ({shown})",
            f"Use one of {', '.join(SUPPORTED_EXTENSIONS)}, or convert the model to glTF (.glb)",
        )
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _fail(path, "no such file", "Check the path and the current directory") from None
    except OSError as exc:
        raise _fail(path, f"cannot be opened ({exc.strerror or exc})", "Check the path and its permissions") from exc
    if os.path.isdir(path):
        raise _fail(path, "is a directory, not a model file", "Give the path of a model file inside it")
    if info.st_size == 0:
        raise _fail(path, "the file is empty (0 bytes)", f"{_RE_EXPORT}; the copy may have been interrupted")
    if info.st_size > MAX_FILE_BYTES:
        raise _fail(
            path,
            f"the file is {info.st_size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit",
            "Decimate the mesh or shrink its textures",
        )
    if not os.access(path, os.R_OK):
        raise _fail(path, "cannot be read (permission denied)", "Check the file's permissions")


def _read(path: str) -> trimesh.Scene:
    """The file as a trimesh Scene (``load_scene`` where this trimesh has it, else ``load(force="scene")``)."""
    load = getattr(trimesh, "load_scene", None)
    loaded = load(path) if load is not None else trimesh.load(path, force="scene")
    if not isinstance(loaded, trimesh.Scene):
        raise TypeError(f"trimesh returned a {type(loaded).__name__}, not a Scene")
    return loaded


def _describe_failure(path: str, exc: BaseException) -> str:
    """``"<path>: <what is wrong>. <what to do>"`` for an exception raised while reading ``path``."""
    from PIL import Image, UnidentifiedImageError

    detail = f"{type(exc).__name__}: {exc}"
    if len(detail) > 200:
        detail = detail[:197] + "..."
    if isinstance(exc, MemoryError):
        what = "reading it needs more memory than is available (the file is corrupted or far too large)"
    elif isinstance(exc, RecursionError):
        what = "its contents are nested too deeply to read (corrupted, or built to break readers)"
    elif isinstance(exc, Image.DecompressionBombError):
        what = f"it holds an image too large to decode ({detail})"
    elif isinstance(exc, (UnidentifiedImageError, OSError)) and "image" in str(exc).lower():
        what = f"it holds an image that cannot be decoded ({detail})"
    elif isinstance(exc, FileNotFoundError):
        name = exc.filename or exc
        todo = "Keep its buffers, images and .mtl next to it, or export a single .glb"
        return f"{path}: a file it refers to is missing ({name}). {todo}"
    elif isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError)):
        what = f"its JSON part is not valid ({detail})"
    elif isinstance(exc, (struct.error, zlib.error, EOFError)):
        what = f"it ends early or its data is damaged ({detail})"
    else:
        what = f"it is truncated, corrupted or not a valid {Path(path).suffix.lower()} file ({detail})"
    todo = f"{_RE_EXPORT}"
    if path.lower().endswith(_GLTF_EXTENSIONS):
        todo += " (the Khronos glTF Validator shows what is wrong with a glTF file)"
    return f"{path}: {what}. {todo}"


def _srgb_to_linear(values: np.ndarray) -> np.ndarray:
    """sRGB-encoded 0..1 values to linear light (the IEC 61966-2-1 curve)."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)


def _normalised(colors: np.ndarray) -> np.ndarray:
    """Colour data as (n, 4) float 0..1: integers are normalised by their type's range, RGB gets alpha 1."""
    colors = np.asarray(colors)
    if np.issubdtype(colors.dtype, np.integer):
        colors = colors.astype(np.float64) / float(np.iinfo(colors.dtype).max)
    colors = np.asarray(colors, dtype=np.float64).reshape(len(colors), -1)
    if colors.shape[1] == 3:
        colors = np.concatenate([colors, np.ones((len(colors), 1))], axis=1)
    if colors.shape[1] != 4:
        raise ValueError(f"vertex colours have {colors.shape[1]} channels, not 3 or 4")
    return np.clip(colors, 0.0, 1.0)


class _SceneBuilder:
    """One trimesh Scene turned into one of ours; caches make shared trimesh objects shared scene objects."""

    def __init__(self, path: str, loaded: trimesh.Scene) -> None:
        self.path = path
        self.loaded = loaded
        # glTF colours (COLOR_0) are linear; OBJ/PLY ones are sRGB bytes.
        self.linear_colors = path.lower().endswith(_GLTF_EXTENSIONS)
        self.meshes: dict[str, tuple[Mesh, Material | None] | None] = {}
        # Keyed by id() of trimesh/PIL objects, which stay alive in ``loaded`` for the whole build.
        self.materials: dict[int, Material] = {}
        self.textures: dict[tuple[int, bool], Texture] = {}
        self.triangles = 0
        self.nodes = 0
        self.skipped: list[str] = []

    def fail(self, what: str, todo: str) -> SceneLoadError:
        return _fail(self.path, what, todo)

    def build(self) -> Scene:
        graph = self.loaded.graph
        forest = graph.transforms
        children = forest.children
        camera = self.loaded._camera.name if self.loaded.has_camera else None
        used = set(forest.nodes)
        root = Node("root")
        # Iterative, so a deep (hostile) hierarchy cannot exhaust Python's recursion limit.
        pending = [(graph.base_frame, root)]
        while pending:
            parent_name, parent = pending.pop()
            primitive = 0
            for child_name in children.get(parent_name, []):
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    raise self.fail(f"it has more than {MAX_NODES} nodes", "Merge nodes in the authoring tool")
                edge = forest.edge_data.get((parent_name, child_name), {})
                data = forest.node_data.get(child_name, {})
                matrix = np.asarray(edge.get("matrix", np.identity(4)), dtype=np.float64)
                if matrix.shape != (4, 4) or not np.isfinite(matrix).all():
                    raise self.fail(f"node {child_name!r} has an invalid transform", _RE_EXPORT)
                geometry = data.get("geometry", edge.get("geometry"))
                name = child_name
                if camera is not None and child_name == camera and _RANDOM_CAMERA_NAME.fullmatch(child_name):
                    name = _unique("camera", used)
                elif geometry is not None and re.fullmatch(re.escape(parent_name) + r"_[0-9a-f]{6}", child_name):
                    # trimesh gives each primitive of a multi-primitive glTF mesh a random name under its node.
                    name = _unique(f"{parent_name}_primitive{primitive}", used)
                    primitive += 1
                node = parent.add(Node(name=name, transform=matrix))
                if geometry is not None:
                    converted = self.mesh(geometry, child_name)
                    if converted is not None:
                        node.mesh, node.material = converted
                        self.triangles += node.mesh.triangle_count
                        if self.triangles > MAX_TRIANGLES:
                            raise self.fail(
                                f"it draws more than {MAX_TRIANGLES:,} triangles (the limit)",
                                "Decimate the mesh or use fewer instances",
                            )
                pending.append((child_name, node))
        if not any(node.mesh is not None for node, _ in root.walk()):
            what = "it has no drawable geometry (no triangles)"
            if self.skipped:
                what += f"; skipped: {', '.join(self.skipped)}"
            raise self.fail(what, "Export the model with triangle meshes (point clouds and lines are not drawn)")
        return Scene(root=root, source=self.path)

    def mesh(self, geometry_name: str, node_name: str) -> tuple[Mesh, Material | None] | None:
        """The shared (mesh, material) of a trimesh geometry, or None for something not drawable."""
        if geometry_name in self.meshes:
            return self.meshes[geometry_name]
        geometry = self.loaded.geometry.get(geometry_name)
        converted = None
        if not isinstance(geometry, trimesh.Trimesh):
            kind = type(geometry).__name__ if geometry is not None else "missing geometry"
            self.skipped.append(f"{geometry_name!r} ({kind})")
            log.warning("%s: skipping %r on node %r: a %s is not drawn", self.path, geometry_name, node_name, kind)
        elif len(geometry.faces) == 0:
            self.skipped.append(f"{geometry_name!r} (no triangles)")
            log.warning("%s: skipping %r on node %r: it has no triangles", self.path, geometry_name, node_name)
        else:
            converted = (self.convert_mesh(geometry, geometry_name), self.material(geometry.visual))
        self.meshes[geometry_name] = converted
        return converted

    def convert_mesh(self, geometry: trimesh.Trimesh, name: str) -> Mesh:
        if len(geometry.faces) > MAX_TRIANGLES:
            raise self.fail(
                f"mesh {name!r} has {len(geometry.faces):,} triangles, over the {MAX_TRIANGLES:,} limit",
                "Decimate the mesh",
            )
        if not np.isfinite(np.asarray(geometry.vertices)).all():
            raise self.fail(
                f"mesh {name!r} has positions that are not numbers (NaN or infinite): the data is corrupted", _RE_EXPORT
            )
        visual = geometry.visual
        kind = getattr(visual, "kind", None)
        if isinstance(visual, trimesh.visual.ColorVisuals) and kind == "face":
            # Scene meshes colour vertices, so each face gets its own three vertices (keeping the smooth normals).
            corners = np.asarray(geometry.faces).reshape(-1)
            colors = np.repeat(self.colors(visual.face_colors), 3, axis=0)
            return Mesh(
                positions=np.asarray(geometry.vertices)[corners],
                normals=np.nan_to_num(np.asarray(geometry.vertex_normals)[corners]),
                colors=colors,
                indices=np.arange(len(corners)).reshape(-1, 3),
                name=name,
            )
        # trimesh computes smooth vertex normals on demand when the file has none.
        mesh = from_trimesh(geometry, name)
        colors = None
        if isinstance(visual, trimesh.visual.ColorVisuals) and kind == "vertex":
            colors = self.colors(visual.vertex_colors)
        elif isinstance(visual, trimesh.visual.TextureVisuals):
            # glTF COLOR_0 next to a material is kept by trimesh as a raw vertex attribute.
            raw = visual.vertex_attributes.get("color") if visual.vertex_attributes else None
            if raw is not None and len(raw) == len(mesh.positions):
                colors = self.colors(raw)
        changes = {"normals": np.nan_to_num(mesh.normals)}  # degenerate faces can give NaN normals
        if colors is not None:
            changes["colors"] = colors
        return dataclasses.replace(mesh, **changes)

    def colors(self, raw: np.ndarray) -> np.ndarray:
        """(n, 4) linear RGBA floats from trimesh colours (uint8, or floats kept raw from glTF)."""
        colors = _normalised(raw)
        if not self.linear_colors:
            colors[:, :3] = _srgb_to_linear(colors[:, :3])
        return colors.astype(np.float32)

    def material(self, visual) -> Material | None:
        source = getattr(visual, "material", None) if isinstance(visual, trimesh.visual.TextureVisuals) else None
        if source is None:
            return None
        if id(source) in self.materials:
            return self.materials[id(source)]
        name = str(getattr(source, "name", None) or "")
        if isinstance(source, trimesh.visual.material.PBRMaterial):
            material = self.pbr_material(source, name)
        elif isinstance(source, trimesh.visual.material.SimpleMaterial):
            material = self.simple_material(source, name)
        else:
            log.warning("%s: material %r is a %s; drawn plain white", self.path, name, type(source).__name__)
            material = Material(name=name)
        self.materials[id(source)] = material
        return material

    def pbr_material(self, source: trimesh.visual.material.PBRMaterial, name: str) -> Material:
        """A glTF material; absent values take glTF's defaults (metallic and roughness 1, not the scene's)."""
        factor = source.baseColorFactor
        if factor is None:
            base = (1.0, 1.0, 1.0, 1.0)
        else:
            base = tuple(float(c) for c in _normalised(np.reshape(factor, (1, -1)))[0])
        emissive = source.emissiveFactor
        emissive = (0.0, 0.0, 0.0) if emissive is None else tuple(float(c) for c in np.reshape(emissive, 3))
        alpha_mode = str(source.alphaMode or "OPAQUE").upper()
        if alpha_mode not in ("OPAQUE", "MASK", "BLEND"):
            log.warning("%s: material %r has alphaMode %r; drawn OPAQUE", self.path, name, source.alphaMode)
            alpha_mode = "OPAQUE"
        return Material(
            name=name,
            base_color=base,
            base_color_texture=self.texture(source.baseColorTexture, True, name),
            metallic=_factor(source.metallicFactor, 1.0),
            roughness=_factor(source.roughnessFactor, 1.0),
            metallic_roughness_texture=self.texture(source.metallicRoughnessTexture, False, name),
            emissive=emissive,
            emissive_texture=self.texture(source.emissiveTexture, True, name),
            alpha_mode=alpha_mode,
            alpha_cutoff=_factor(source.alphaCutoff, 0.5),
            double_sided=bool(source.doubleSided),
        )

    def simple_material(self, source: trimesh.visual.material.SimpleMaterial, name: str) -> Material:
        """An OBJ/MTL material: ``Kd`` is an sRGB display colour, decoded to linear; nothing metallic."""
        diffuse = _normalised(np.reshape(source.diffuse, (1, -1)))[0]
        base = (*(float(c) for c in _srgb_to_linear(diffuse[:3])), float(diffuse[3]))
        return Material(
            name=name,
            base_color=base,
            base_color_texture=self.texture(source.image, True, name),
            metallic=0.0,
            roughness=1.0,
        )

    def texture(self, image, srgb: bool, material: str) -> Texture | None:
        """A shared Texture from a PIL image (or array), refusing ones over ``MAX_TEXTURE_SIDE``."""
        if image is None:
            return None
        key = (id(image), srgb)
        if key in self.textures:
            return self.textures[key]
        from PIL import Image

        if isinstance(image, np.ndarray):
            image = Image.fromarray(image)
        width, height = image.size
        # Checked before decoding: PIL opens lazily, so a huge image costs nothing until converted.
        if max(width, height) > MAX_TEXTURE_SIDE:
            raise self.fail(
                f"material {material!r} has a {width}x{height} texture, over the {MAX_TEXTURE_SIDE} px limit",
                f"Resize the texture to at most {MAX_TEXTURE_SIDE}x{MAX_TEXTURE_SIDE}",
            )
        texture = Texture(pixels=np.asarray(image.convert("RGBA")), srgb=srgb, name=material)
        self.textures[key] = texture
        return texture


def _factor(value, default: float) -> float:
    """A scalar material factor, or ``default`` when the file leaves it out (or it is not a number)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return default
    return value if np.isfinite(value) else default


def _unique(name: str, used: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``... whichever is not in ``used`` yet; recorded as used."""
    candidate, count = name, 1
    while candidate in used:
        count += 1
        candidate = f"{name}_{count}"
    used.add(candidate)
    return candidate
