"""Shapes that rays and points are tested against: boxes, spheres and triangle meshes.

Every collider is described in its own local frame and placed by a (4, 4) ``transform`` given at each query, so an
object that moves (grabbed, animated) keeps one collider. Distances are metres in the world, also when the transform
scales, because the ray is carried into the local frame as an affine map of its parameter.

Rays hit surfaces from outside: a box or sphere whose inside holds the ray's origin is not hit (the head inside an
MRI bore's collider must still be able to look at the call button). Meshes may be open, so they are two-sided and a
ray from inside a closed mesh hits its far wall.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

_EPS = 1e-9
_F64 = np.dtype(np.float64)


class Collider(ABC):
    """A shape in its local frame. ``transform`` (4, 4) places it in the world for each query."""

    @abstractmethod
    def ray_distance(self, transform: np.ndarray, origin: ArrayLike, direction: ArrayLike) -> float | None:
        """Metres along the ray (``origin`` (3,), unit ``direction`` (3,)) to the first surface hit, or None."""

    @abstractmethod
    def distance(self, transform: np.ndarray, point: ArrayLike) -> float:
        """Metres from ``point`` (3,) to the shape; 0 on or inside it."""

    def contains(self, transform: np.ndarray, point: ArrayLike) -> bool:
        """True when ``point`` (3,) is on or inside the shape."""
        return self.distance(transform, point) == 0.0


def _to_local(transform: np.ndarray, origin: ArrayLike, direction: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    inverse = np.linalg.inv(transform)
    o = inverse[:3, :3] @ np.asarray(origin, dtype=np.float64) + inverse[:3, 3]
    # Not normalised on purpose: the local point o + t d is the world point at the same t, so t stays in metres.
    d = inverse[:3, :3] @ np.asarray(direction, dtype=np.float64)
    return o, d


def _xyz(v: ArrayLike) -> list[float]:
    """A (3,) point or direction as three Python floats (plain arithmetic on them is far cheaper than numpy's)."""
    if type(v) is np.ndarray and v.dtype is _F64:
        return v.tolist()
    return [float(c) for c in v]


@dataclass(frozen=True, eq=False)
class BoxCollider(Collider):
    """A box centred on its local origin, oriented by the transform: ``half_extents`` (3,) metres.

    Queries run in plain float arithmetic. The inverse of the last transform seen is kept, keyed by the transform's
    bytes, so an object that stands still costs no matrix inverse per query, and one moved (a new array assigned, or
    the old one changed in place) is inverted afresh on its next query.
    """

    half_extents: tuple[float, float, float]

    def __post_init__(self) -> None:
        # (transform bytes, local-from-world rows (3, 4), world-from-local rows (3, 4)) as nested lists of floats.
        object.__setattr__(self, "_placement", None)

    def _rows(self, transform: np.ndarray) -> tuple[list[list[float]], list[list[float]]]:
        """(local-from-world, world-from-local): the top three rows of each (4, 4) matrix, as floats."""
        m = transform
        if type(m) is not np.ndarray or m.dtype is not _F64:
            m = np.asarray(m, dtype=np.float64)
        key = m.tobytes()
        placement = self._placement
        if placement is None or placement[0] != key:
            # The same inverse as before caching (not a rigid shortcut), so results do not move by a rounding.
            placement = (key, np.linalg.inv(m)[:3].tolist(), m[:3].tolist())
            object.__setattr__(self, "_placement", placement)
        return placement[1], placement[2]

    def ray_distance(self, transform: np.ndarray, origin: ArrayLike, direction: ArrayLike) -> float | None:
        (a, b, c), _ = self._rows(transform)
        px, py, pz = _xyz(origin)
        dx, dy, dz = _xyz(direction)
        # Not normalised on purpose: the local point o + t d is the world point at the same t, so t stays in metres.
        ox, oy, oz = (
            a[0] * px + a[1] * py + a[2] * pz + a[3],
            b[0] * px + b[1] * py + b[2] * pz + b[3],
            c[0] * px + c[1] * py + c[2] * pz + c[3],
        )
        lx, ly, lz = (
            a[0] * dx + a[1] * dy + a[2] * dz,
            b[0] * dx + b[1] * dy + b[2] * dz,
            c[0] * dx + c[1] * dy + c[2] * dz,
        )
        if not math.isfinite(ox + oy + oz + lx + ly + lz):
            return self._ray_distance_arrays(transform, origin, direction)
        hx, hy, hz = self.half_extents
        if abs(ox) <= hx and abs(oy) <= hy and abs(oz) <= hz:
            return None
        # The slab test; an axis the ray runs parallel to constrains nothing if the origin is between its slabs.
        near, far = -math.inf, math.inf
        for o, d, e in ((ox, lx, hx), (oy, ly, hy), (oz, lz, hz)):
            if abs(d) < _EPS:
                if abs(o) > e:
                    return None
                continue
            t1, t2 = (-e - o) / d, (e - o) / d
            if t1 > t2:
                t1, t2 = t2, t1
            near, far = max(near, t1), min(far, t2)
        if near > far or near < 0.0:
            return None
        return near

    def _ray_distance_arrays(self, transform: np.ndarray, origin: ArrayLike, direction: ArrayLike) -> float | None:
        """The slab test over arrays: kept for rays with non-finite coordinates (a tracking glitch), which it
        answers as it always has (NaN, never a hit) where float comparisons would pick an arbitrary slab."""
        o, d = _to_local(transform, origin, direction)
        h = np.asarray(self.half_extents, dtype=np.float64)
        if np.all(np.abs(o) <= h):
            return None
        parallel = np.abs(d) < _EPS
        safe = np.where(parallel, 1.0, d)
        t1, t2 = (-h - o) / safe, (h - o) / safe
        inside_slab = np.abs(o) <= h
        near = np.where(parallel, np.where(inside_slab, -np.inf, np.inf), np.minimum(t1, t2)).max()
        far = np.where(parallel, np.where(inside_slab, np.inf, -np.inf), np.maximum(t1, t2)).min()
        if near > far or near < 0.0:
            return None
        return float(near)

    def distance(self, transform: np.ndarray, point: ArrayLike) -> float:
        (a, b, c), (fa, fb, fc) = self._rows(transform)
        px, py, pz = _xyz(point)
        lx = a[0] * px + a[1] * py + a[2] * pz + a[3]
        ly = b[0] * px + b[1] * py + b[2] * pz + b[3]
        lz = c[0] * px + c[1] * py + c[2] * pz + c[3]
        hx, hy, hz = self.half_extents
        if abs(lx) <= hx and abs(ly) <= hy and abs(lz) <= hz:
            return 0.0
        # The nearest point of the box, in the local frame, then back in the world (where distances are metres).
        cx, cy, cz = min(max(lx, -hx), hx), min(max(ly, -hy), hy), min(max(lz, -hz), hz)
        wx = fa[0] * cx + fa[1] * cy + fa[2] * cz + fa[3] - px
        wy = fb[0] * cx + fb[1] * cy + fb[2] * cz + fb[3] - py
        wz = fc[0] * cx + fc[1] * cy + fc[2] * cz + fc[3] - pz
        return math.sqrt(wx * wx + wy * wy + wz * wz)


@dataclass(frozen=True, eq=False)
class SphereCollider(Collider):
    """A sphere of ``radius`` metres on the local origin; a scaling transform scales it by its largest axis."""

    radius: float

    def _world(self, transform: np.ndarray) -> tuple[np.ndarray, float]:
        scale = float(np.linalg.norm(transform[:3, :3], axis=0).max())
        return transform[:3, 3].astype(np.float64), self.radius * scale

    def ray_distance(self, transform: np.ndarray, origin: ArrayLike, direction: ArrayLike) -> float | None:
        centre, r = self._world(transform)
        oc = np.asarray(origin, dtype=np.float64) - centre
        c = float(oc @ oc) - r * r
        if c <= 0.0:
            return None  # the origin is inside
        b = float(oc @ np.asarray(direction, dtype=np.float64))
        disc = b * b - c
        if disc < 0.0:
            return None
        t = -b - math.sqrt(disc)
        return t if t >= 0.0 else None

    def distance(self, transform: np.ndarray, point: ArrayLike) -> float:
        centre, r = self._world(transform)
        return max(0.0, float(np.linalg.norm(np.asarray(point, dtype=np.float64) - centre)) - r)


@dataclass(frozen=True, eq=False)
class MeshCollider(Collider):
    """Triangles: ``vertices`` (n, 3) metres in the local frame, ``faces`` (m, 3) vertex indices. Two-sided."""

    vertices: np.ndarray
    faces: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "vertices", np.asarray(self.vertices, dtype=np.float64).reshape(-1, 3))
        object.__setattr__(self, "faces", np.asarray(self.faces, dtype=np.int64).reshape(-1, 3))
        if len(self.faces) and (self.faces.min() < 0 or self.faces.max() >= len(self.vertices)):
            raise ValueError(f"mesh collider: a face refers outside the {len(self.vertices)} vertices")

    def _triangles(self, transform: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        world = self.vertices @ transform[:3, :3].T + transform[:3, 3]
        return world[self.faces[:, 0]], world[self.faces[:, 1]], world[self.faces[:, 2]]

    def _hits(self, transform: np.ndarray, origin: ArrayLike, direction: ArrayLike) -> np.ndarray:
        """(k,) distances of every triangle the ray crosses (Möller–Trumbore, all triangles at once)."""
        v0, v1, v2 = self._triangles(transform)
        o = np.asarray(origin, dtype=np.float64)
        d = np.asarray(direction, dtype=np.float64)
        e1, e2 = v1 - v0, v2 - v0
        p = np.cross(d, e2)
        det = np.einsum("ij,ij->i", e1, p)
        ok = np.abs(det) > 1e-12  # the ray runs in the triangle's plane: no crossing
        inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
        s = o - v0
        u = np.einsum("ij,ij->i", s, p) * inv
        q = np.cross(s, e1)
        v = (q @ d) * inv
        t = np.einsum("ij,ij->i", e2, q) * inv
        hit = ok & (u >= 0.0) & (v >= 0.0) & (u + v <= 1.0) & (t > _EPS)
        return t[hit]

    def ray_distance(self, transform: np.ndarray, origin: ArrayLike, direction: ArrayLike) -> float | None:
        t = self._hits(transform, origin, direction)
        return float(t.min()) if len(t) else None

    def distance(self, transform: np.ndarray, point: ArrayLike) -> float:
        """0 inside a closed mesh (an odd number of crossings of a ray from the point), else to the surface."""
        # A direction no scene is likely to line up with, so the ray does not graze an edge twice.
        if len(self._hits(transform, point, (0.5773, 0.5774, 0.5775))) % 2 == 1:
            return 0.0
        return self._surface_distance(transform, point)

    def _surface_distance(self, transform: np.ndarray, point: ArrayLike) -> float:
        if not len(self.faces):
            return math.inf
        a, b, c = self._triangles(transform)
        p = np.asarray(point, dtype=np.float64)
        closest = closest_points_on_triangles(p, a, b, c)
        return float(np.linalg.norm(closest - p, axis=1).min())


def closest_points_on_triangles(p: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(m, 3) the point of each triangle (corners ``a``, ``b``, ``c``, each (m, 3)) closest to ``p`` (3,).

    Ericson's Voronoi-region method (Real-Time Collision Detection, 5.1.5), evaluated for all triangles at once: the
    face case first, then each edge and corner region overwrites it where it applies, corners last so they win.
    """

    def dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij->i", x, y)

    ab, ac = b - a, c - a
    ap, bp, cp = p - a, p - b, p - c
    d1, d2 = dot(ab, ap), dot(ac, ap)
    d3, d4 = dot(ab, bp), dot(ac, bp)
    d5, d6 = dot(ab, cp), dot(ac, cp)
    va, vb, vc = d3 * d6 - d5 * d4, d5 * d2 - d1 * d6, d1 * d4 - d3 * d2
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = va + vb + vc
        result = a + ab * (vb / denom)[:, None] + ac * (vc / denom)[:, None]
        regions = [
            (
                (va <= 0) & (d4 - d3 >= 0) & (d5 - d6 >= 0),
                b + (c - b) * ((d4 - d3) / ((d4 - d3) + (d5 - d6)))[:, None],
            ),
            ((vb <= 0) & (d2 >= 0) & (d6 <= 0), a + ac * (d2 / (d2 - d6))[:, None]),
            ((d6 >= 0) & (d5 <= d6), c),
            ((vc <= 0) & (d1 >= 0) & (d3 <= 0), a + ab * (d1 / (d1 - d3))[:, None]),
            ((d3 >= 0) & (d4 <= d3), b),
            ((d1 <= 0) & (d2 <= 0), a),
        ]
    for where, point in regions:
        result = np.where(where[:, None], point, result)
    return result
