"""Poking: pressing a button by touching it with the controller's tip, as one presses a real one.

The tip is a point ``poke_tip_offset_m`` ahead of the grip along the aim direction. A press starts when the tip comes
within ``poke_press_m`` of a pokeable and ends only when it is ``poke_release_m`` away again: the gap (hysteresis)
keeps a hand that trembles on the surface (frailty, tracking jitter) from pressing over and over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from interactions.events import Event, Poke
from interactions.interactables import Interactable
from interactions.settings import InteractionSettings


def poke_tip(grip_position: np.ndarray, aim_direction: np.ndarray, offset_m: float) -> np.ndarray:
    """(3,) the controller's tip: ``offset_m`` metres from ``grip_position`` (3,) along the unit ``aim_direction``."""
    return np.asarray(grip_position, dtype=np.float64) + offset_m * np.asarray(aim_direction, dtype=np.float64)


class PokeDetector:
    """One hand's poke state: ``pressed`` is the name of the button its tip is pressing, or None."""

    def __init__(self, hand: str) -> None:
        self.hand = hand
        self.pressed: str | None = None
        self._pressed_item: Interactable | None = None

    def update(
        self,
        time: float,
        tip: np.ndarray | None,
        interactables: Iterable[Interactable],
        settings: InteractionSettings,
        allowed: Callable[[Interactable], bool] = lambda _: True,
    ) -> list[Event]:
        """Move the tip (3,) metres (None: not tracked, which ends a press); Poke when a new press starts on the
        nearest ``allowed`` pokeable within ``poke_press_m``."""
        if self._pressed_item is not None:
            if tip is not None and self._pressed_item.distance(tip) < settings.poke_release_m:
                return []
            self.reset()
        if tip is None:
            return []
        best: tuple[Interactable, float] | None = None
        for item in interactables:
            if not item.pokeable or not allowed(item):
                continue
            d = item.distance(tip)
            if d <= settings.poke_press_m and (best is None or d < best[1]):
                best = (item, d)
        if best is None:
            return []
        self._pressed_item = best[0]
        self.pressed = best[0].name
        return [Poke(time, self.hand, best[0].name)]

    def reset(self) -> None:
        """End any press without an event (focus lost, pause, hand off)."""
        self._pressed_item = None
        self.pressed = None
