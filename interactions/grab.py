"""Grabbing and placing: a held object follows its hand; let go in a zone that accepts it, it snaps into place.

A hand grabs on the rising edge of its squeeze (at or above ``squeeze_grab``), either an object near the grip
(near grab) or, failing that, the grabbable its aim ray hovers (ray grab); it lets go when the squeeze falls below
``squeeze_release``. The head can hold one object too (``hand == "gaze"``, picked up and placed by dwell), with the
head pose as its holder. While held, the object keeps the offset it had to its holder at the moment of grabbing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from interactions.events import Drop, Event, Grab, PlacedInZone
from interactions.interactables import Interactable, SnapZone
from interactions.settings import InteractionSettings


@dataclass
class Holding:
    """One held object: ``offset`` (4, 4) holder-to-object at the grab, ``home`` (4, 4) its transform before."""

    target: Interactable
    offset: np.ndarray
    home: np.ndarray


class Grabbing:
    """Which hand holds what, which object sits in which zone, and each hand's squeeze state (with hysteresis)."""

    def __init__(self) -> None:
        self.held: dict[str, Holding] = {}
        """hand name -> what it holds."""
        self.placed: dict[str, str] = {}
        """object name -> the zone it was last placed in (until it is taken again)."""
        self.slots: dict[str, int] = {}
        """object name -> its slot in that zone (see ``SnapZone.slot``)."""
        self._squeezed: dict[str, bool] = {}

    def is_held(self, item: Interactable) -> bool:
        """True when some hand (or the gaze) holds ``item``."""
        # Asked for every interactable on every ray each frame, and mostly nothing is held.
        return bool(self.held) and any(h.target is item for h in self.held.values())

    def squeeze(self, hand: str, value: float, settings: InteractionSettings) -> str | None:
        """Feed ``hand``'s squeeze (0..1): ``"grab"`` on the frame it crosses ``squeeze_grab`` upwards,
        ``"release"`` on the frame it falls below ``squeeze_release``, else None."""
        was = self._squeezed.get(hand, False)
        now = value >= settings.squeeze_grab if not was else value >= settings.squeeze_release
        self._squeezed[hand] = now
        if now and not was:
            return "grab"
        if was and not now:
            return "release"
        return None

    def near(self, point: np.ndarray, interactables: Iterable[Interactable], radius: float) -> Interactable | None:
        """The free grabbable whose surface is nearest ``point`` (3,), within ``radius`` metres; ties to the first."""
        best: tuple[Interactable, float] | None = None
        for item in interactables:
            if not item.grabbable or self.is_held(item):
                continue
            d = item.distance(point)
            if d <= radius and (best is None or d < best[1]):
                best = (item, d)
        return best[0] if best else None

    def grab(self, time: float, hand: str, item: Interactable, holder: np.ndarray) -> list[Event]:
        """``hand`` takes ``item``; ``holder`` (4, 4) is the hand's (grip's) world transform now."""
        self.held[hand] = Holding(item, np.linalg.inv(holder) @ item.transform, item.transform.copy())
        self.placed.pop(item.name, None)
        self.slots.pop(item.name, None)
        return [Grab(time, hand, item.name)]

    def follow(self, hand: str, holder: np.ndarray) -> None:
        """Move what ``hand`` holds with the holder's new (4, 4) world transform."""
        holding = self.held.get(hand)
        if holding is not None:
            holding.target.transform = holder @ holding.offset

    def release(
        self,
        time: float,
        hand: str,
        zones: Sequence[SnapZone],
        settings: InteractionSettings,
        into: SnapZone | None = None,
    ) -> list[Event]:
        """``hand`` lets go. The object is placed in the nearest zone holding its centre that accepts it (or in
        ``into``, a zone chosen by gaze, if it accepts it): it snaps to the zone's centre, PlacedInZone. Otherwise
        Drop, naming a zone that refused it, and the object goes home if ``return_dropped_objects``."""
        holding = self.held.pop(hand, None)
        if holding is None:
            return []
        item = holding.target
        centre = item.position
        if into is not None:
            inside = [into]
        else:
            inside = sorted(
                (z for z in zones if z.holds(centre)), key=lambda z: float(np.linalg.norm(centre - z.center))
            )
        accepting = [z for z in inside if item.name in z.accepts]
        if accepting:
            zone = accepting[0]
            taken = {self.slots.get(name) for name, where in self.placed.items() if where == zone.name}
            k = next(k for k in range(len(taken) + 1) if k not in taken)
            item.transform = item.transform.copy()
            item.transform[:3, 3] = zone.slot(k)
            self.placed[item.name] = zone.name
            self.slots[item.name] = k
            return [PlacedInZone(time, hand, item.name, zone.name)]
        if settings.return_dropped_objects:
            item.transform = holding.home.copy()
        position = tuple(float(c) for c in item.position)
        return [Drop(time, hand, item.name, position, inside[0].name if inside else None)]
