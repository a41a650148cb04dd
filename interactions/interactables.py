"""The things interactions act on: interactables (named scene objects with a collider) and snap zones.

Both are plain data owned by whoever builds the scene; the interaction system reads them every frame and, for a
grabbed object, writes its ``transform``. :mod:`interactions.system` re-exports them: that is where callers import
them from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from interactions.colliders import Collider
from interactions.poses import Ray


@dataclass(eq=False)
class Interactable:
    """A scene node that can be pointed at, selected, grabbed or poked.

    ``name`` is the scene node's name ("watch", "call_button", "locker_shelf"); ``collider`` its shape in its local
    frame; ``transform`` (4, 4) the collider's world transform (metres), updated by the caller for animated
    objects and by the interaction system while the object is grabbed. An interactable that is neither selectable
    nor grabbable still blocks rays to what is behind it (a wall in front of a button).
    """

    name: str
    collider: Collider
    transform: np.ndarray = field(default_factory=lambda: np.identity(4))
    selectable: bool = True
    grabbable: bool = False
    pokeable: bool = False

    def __post_init__(self) -> None:
        self.transform = np.array(self.transform, dtype=np.float64).reshape(4, 4)

    @property
    def position(self) -> np.ndarray:
        """(3,) the origin of the collider's frame in the world, metres (the object's centre for placing)."""
        return self.transform[:3, 3].copy()

    def ray_distance(self, ray: Ray) -> float | None:
        """Metres along ``ray`` to this object's surface, or None."""
        return self.collider.ray_distance(self.transform, ray.origin, ray.direction)

    def distance(self, point: ArrayLike) -> float:
        """Metres from ``point`` (3,) to this object's surface; 0 inside."""
        return self.collider.distance(self.transform, point)


@dataclass(eq=False)
class SnapZone:
    """A place objects are put: a sphere of ``radius`` metres around ``center`` (3,) metres (world), accepting the
    interactables named in ``accepts``. An object let go with its centre inside snaps to ``center``, or, with
    ``spacing`` ((3,) metres, world), to the first free slot of a row along it: ``center``, ``center + spacing``,
    ``center - spacing``, ``center + 2 spacing``... (a watch, a phone and keys side by side on a locker shelf)."""

    name: str
    center: tuple[float, float, float] | np.ndarray
    radius: float
    accepts: set[str] = field(default_factory=set)
    spacing: tuple[float, float, float] | np.ndarray | None = None

    def __post_init__(self) -> None:
        self.center = np.array(self.center, dtype=np.float64).reshape(3)
        if self.spacing is not None:
            self.spacing = np.array(self.spacing, dtype=np.float64).reshape(3)

    def slot(self, k: int) -> np.ndarray:
        """(3,) world position of slot ``k`` (0 is the centre; then alternately one side and the other)."""
        if self.spacing is None or k == 0:
            return self.center.copy()
        step = (k + 1) // 2 * (1 if k % 2 else -1)
        return self.center + step * self.spacing

    def holds(self, point: ArrayLike) -> bool:
        """True when ``point`` (3,) is within the zone."""
        return float(np.linalg.norm(np.asarray(point, dtype=np.float64) - self.center)) <= self.radius

    def ray_distance(self, ray: Ray) -> float | None:
        """Metres along ``ray`` to the zone's sphere (for placing by gaze), or None; 0 from inside."""
        oc = ray.origin - self.center
        c = float(oc @ oc) - self.radius**2
        if c <= 0.0:
            return 0.0
        b = float(oc @ ray.direction)
        disc = b * b - c
        if disc < 0.0 or -b - disc**0.5 < 0.0:
            return None
        return -b - disc**0.5


def nearest_hit(
    ray: Ray,
    interactables: Iterable[Interactable],
    max_distance: float,
    wanted: Callable[[Interactable], bool],
    ignore: Callable[[Interactable], bool] = lambda _: False,
) -> tuple[Interactable, float] | None:
    """The nearest interactable the ray hits within ``max_distance`` metres, with its distance, if ``wanted``
    accepts it; None when nothing is hit or the nearest hit is not wanted (it blocks the view of what is behind).
    ``ignore`` skips objects entirely (those held in a hand). Ties go to the earlier in the list, so the result
    does not depend on floating-point noise between equal distances."""
    best: tuple[Interactable, float] | None = None
    for item in interactables:
        if ignore(item):
            continue
        t = item.ray_distance(ray)
        if t is not None and t <= max_distance and (best is None or t < best[1]):
            best = (item, t)
    if best is None or not wanted(best[0]):
        return None
    return best
