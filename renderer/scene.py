"""The scene as data: nodes with transforms, meshes and materials. Nothing here touches the GPU.

A scene is what scenarios refer to by name ("locker", "call_button"), what interactions hit-test and move, and what
the stereo renderer draws: the renderer makes GPU objects from these on first use, keyed by the objects themselves,
and frees them when asked. Several nodes sharing one ``Mesh`` and one ``Material`` are drawn as instances of one
draw call.

Units: metres; transforms are (4, 4) float64 matrices in column-vector convention (``world = parent @ local``);
colours are linear RGB(A) 0..1 except texture images, which are stored as their files give them (sRGB-encoded
for colour textures).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

_ids = itertools.count(1)


@dataclass(eq=False)
class Texture:
    """An image for a material: ``pixels`` (height, width, 4) uint8 RGBA, row 0 at the top of the image.

    ``srgb`` says the bytes are sRGB-encoded (colour: base colour, emissive) rather than linear data
    (metallic-roughness, normals): the renderer decodes sRGB when sampling.
    """

    pixels: np.ndarray
    srgb: bool = True
    name: str = ""
    version: int = 0
    """Bumped by whoever changes ``pixels`` in place (a glyph atlas gaining glyphs), so GPU copies are refreshed."""
    id: int = field(default_factory=lambda: next(_ids))

    def __post_init__(self) -> None:
        self.pixels = np.ascontiguousarray(self.pixels, dtype=np.uint8)
        if self.pixels.ndim != 3 or self.pixels.shape[2] != 4:
            raise ValueError(f"texture {self.name!r}: pixels must be (height, width, 4) uint8, got {self.pixels.shape}")


@dataclass(eq=False)
class Material:
    """A metallic-roughness material (the glTF 2.0 model).

    Attributes:
        base_color: linear RGBA factor, multiplied with ``base_color_texture`` and vertex colours.
        metallic, roughness: factors 0..1, multiplied with ``metallic_roughness_texture`` (B = metallic,
            G = roughness, as glTF stores them).
        emissive: linear RGB light the surface gives off, multiplied with ``emissive_texture``.
        alpha_mode: ``"OPAQUE"``, ``"MASK"`` (discard below ``alpha_cutoff``) or ``"BLEND"`` (drawn after opaque
            objects, back to front).
        double_sided: draw back faces too (lit with the flipped normal).
        unlit: no lighting: the colour as it is (text, UI, video).
    """

    name: str = ""
    base_color: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    base_color_texture: Texture | None = None
    metallic: float = 0.0
    roughness: float = 1.0
    metallic_roughness_texture: Texture | None = None
    emissive: tuple[float, float, float] = (0.0, 0.0, 0.0)
    emissive_texture: Texture | None = None
    alpha_mode: str = "OPAQUE"
    alpha_cutoff: float = 0.5
    double_sided: bool = False
    unlit: bool = False
    id: int = field(default_factory=lambda: next(_ids))

    def __post_init__(self) -> None:
        if self.alpha_mode not in ("OPAQUE", "MASK", "BLEND"):
            raise ValueError(f"material {self.name!r}: alpha_mode {self.alpha_mode!r}: use OPAQUE, MASK or BLEND")


@dataclass(eq=False)
class Mesh:
    """Triangles: ``positions`` (n, 3) float32 metres; optional ``normals`` (n, 3), ``uvs`` (n, 2) with v = 0 at
    the top of the texture image (glTF's convention), ``colors`` (n, 4) linear RGBA; ``indices`` (m, 3) uint32 or
    None for a plain triangle list."""

    positions: np.ndarray
    normals: np.ndarray | None = None
    uvs: np.ndarray | None = None
    colors: np.ndarray | None = None
    indices: np.ndarray | None = None
    name: str = ""
    id: int = field(default_factory=lambda: next(_ids))

    def __post_init__(self) -> None:
        self.positions = np.ascontiguousarray(self.positions, dtype=np.float32).reshape(-1, 3)
        n = len(self.positions)
        for attr, width in (("normals", 3), ("uvs", 2), ("colors", 4)):
            value = getattr(self, attr)
            if value is not None:
                value = np.ascontiguousarray(value, dtype=np.float32).reshape(-1, width)
                if len(value) != n:
                    raise ValueError(f"mesh {self.name!r}: {len(value)} {attr} for {n} positions")
                setattr(self, attr, value)
        if self.indices is not None:
            self.indices = np.ascontiguousarray(self.indices, dtype=np.uint32).reshape(-1, 3)
            if len(self.indices) and int(self.indices.max()) >= n:
                raise ValueError(f"mesh {self.name!r}: an index refers past the {n} vertices")

    @property
    def triangle_count(self) -> int:
        return len(self.indices) if self.indices is not None else len(self.positions) // 3

    def bounds(self) -> np.ndarray:
        """(2, 3) min and max corner of the positions."""
        return np.array([self.positions.min(axis=0), self.positions.max(axis=0)], dtype=np.float64)


@dataclass(eq=False)
class Node:
    """A named place in the scene: a local ``transform`` (4, 4), optionally a mesh drawn with a material, children.

    ``visible`` False hides the node and its children. ``highlight`` is an RGB glow a procedure step can put on an
    object ("touch this"); None for none.
    """

    name: str = ""
    transform: np.ndarray = field(default_factory=lambda: np.identity(4))
    mesh: Mesh | None = None
    material: Material | None = None
    children: list[Node] = field(default_factory=list)
    visible: bool = True
    highlight: tuple[float, float, float] | None = None

    def __post_init__(self) -> None:
        self.transform = np.asarray(self.transform, dtype=np.float64).reshape(4, 4)

    def add(self, child: Node) -> Node:
        self.children.append(child)
        return child

    def walk(self, parent: np.ndarray | None = None) -> Iterator[tuple[Node, np.ndarray]]:
        """Every visible node under (and including) this one with its world transform, depth first."""
        if not self.visible:
            return
        world = self.transform if parent is None else parent @ self.transform
        yield self, world
        for child in self.children:
            yield from child.walk(world)


@dataclass(eq=False)
class Scene:
    """A tree of nodes under ``root``; ``source`` names the file it came from, if any."""

    root: Node = field(default_factory=lambda: Node("root"))
    source: str = ""

    def find(self, name: str) -> Node:
        """The first node called ``name`` (KeyError listing close names otherwise)."""
        names = []
        for node, _ in self.root.walk():
            if node.name == name:
                return node
            names.append(node.name)
        import difflib

        close = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise KeyError(f"no node called {name!r} in {self.source or 'the scene'}{hint}")

    def drawables(self) -> Iterator[tuple[Node, np.ndarray]]:
        """(node, world transform) of every visible node with a mesh."""
        for node, world in self.root.walk():
            if node.mesh is not None:
                yield node, world

    def bounds(self) -> np.ndarray | None:
        """(2, 3) world-space min and max corners over all meshes, or None for an empty scene."""
        corners = []
        for node, world in self.drawables():
            lo, hi = node.mesh.bounds()
            box = np.array([[x, y, z, 1.0] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
            corners.append((box @ world.T)[:, :3])
        if not corners:
            return None
        every = np.concatenate(corners)
        return np.array([every.min(axis=0), every.max(axis=0)])
