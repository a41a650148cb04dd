"""Grab and place: put every one of a step's objects into its zone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interactions.events import Drop, Event, Grab, PlacedInZone
from interactions.input import Pose
from interactions.procedure.model import GrabPlace
from interactions.procedure.steps.base import Positions, StepRun, merged


class GrabPlaceRun(StepRun):
    """Passes once every one of ``objects`` is in ``zone`` at the end of a frame.

    A PlacedInZone into ``zone`` places an object; grabbing a placed object takes it out again (it must be put back).
    Letting one of the objects go anywhere else (a Drop, or a placement into another zone) is a drop outside, an
    error. Other objects are not this step's business.

    Score: 1.0, less 0.2 per drop outside, not below 0. Details: ``drops_outside``, ``placed`` (the order the
    objects went in).
    """

    step: GrabPlace

    def __init__(self, step: GrabPlace, started: float, positions: Positions, attempt: int = 1) -> None:
        super().__init__(step, started, positions, attempt)
        self.placed: list[str] = []

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        objects = self.step.objects
        for event in events:
            if isinstance(event, PlacedInZone) and event.object in objects:
                if event.zone == self.step.zone:
                    if event.object not in self.placed:
                        self.placed.append(event.object)
                else:
                    self.errors += 1
            elif isinstance(event, Drop) and event.target in objects:
                self.errors += 1
            elif isinstance(event, Grab) and event.target in self.placed:
                self.placed.remove(event.target)
        if len(self.placed) == len(set(objects)):
            self.finish("passed")

    def score(self) -> float:
        return max(0.0, 1.0 - 0.2 * self.errors)

    def details(self) -> dict[str, Any]:
        return {**super().details(), "drops_outside": self.errors, "placed": list(self.placed)}

    def display(self, now: float) -> dict[str, Any]:
        waiting = tuple(name for name in self.step.objects if name not in self.placed)
        return {**super().display(now), "highlights": merged(self.step.highlight, waiting, (self.step.zone,))}
