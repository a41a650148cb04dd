"""A small synthetic room for system tests: buttons ahead, a grabbable watch, a tray zone, two teleport spots."""

from __future__ import annotations

import numpy as np

from interactions.colliders import BoxCollider, SphereCollider
from interactions.system import Interactable, InteractionSettings, InteractionSystem, SnapZone, TeleportSpot


def at(x, y, z):
    m = np.identity(4)
    m[:3, 3] = (x, y, z)
    return m


BUTTON = (0.0, 1.6, -2.0)  # straight ahead of the default eye
OTHER = (1.0, 1.6, -2.0)
WATCH = (-0.5, 1.0, -0.5)
TRAY = (0.5, 1.0, -0.5)
CALL = (-1.0, 1.6, -2.0)


def room(settings: InteractionSettings | None = None, **kw) -> tuple[InteractionSystem, dict[str, Interactable]]:
    items = {
        "next_button": Interactable("next_button", BoxCollider((0.1, 0.05, 0.01)), at(*BUTTON), pokeable=True),
        "other_button": Interactable("other_button", BoxCollider((0.1, 0.05, 0.01)), at(*OTHER)),
        "watch": Interactable("watch", SphereCollider(0.04), at(*WATCH), selectable=False, grabbable=True),
        "ring": Interactable("ring", SphereCollider(0.02), at(-0.5, 1.0, -0.8), selectable=False, grabbable=True),
        "call_button": Interactable("call_button", BoxCollider((0.1, 0.06, 0.01)), at(*CALL), pokeable=True),
        "resume_button": Interactable("resume_button", BoxCollider((0.1, 0.06, 0.01)), at(*OTHER) @ at(0, 0.3, 0)),
    }
    zones = [SnapZone("tray", TRAY, 0.1, {"watch"})]
    spots = [TeleportSpot("bed", (0.0, 0.0, -4.0), 0.5), TeleportSpot("door", (3.0, 0.0, 0.0), 0.5, yaw_deg=90.0)]
    system = InteractionSystem(list(items.values()), zones, settings, spots=spots, **kw)
    return system, items


def of(events, kind):
    """The events of type ``kind``."""
    return [e for e in events if isinstance(e, kind)]
