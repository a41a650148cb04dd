"""Steps about where the head is and where it looks: look at a node, move to a spot.

Positions are world metres from the engine's ``positions`` callable; the head pose is in the world too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from interactions.events import Event, Teleport
from interactions.input import Pose
from interactions.procedure.model import LookAt, MoveTo
from interactions.procedure.steps.base import Positions, StepRun, merged


def gaze_angle_deg(head: Pose, point: np.ndarray) -> float:
    """Degrees between the head's forward direction and the direction from the head to ``point`` ((3,) metres);
    0 when the point is at the head."""
    to = np.asarray(point, dtype=np.float64) - np.asarray(head.position, dtype=np.float64)
    length = float(np.linalg.norm(to))
    if length < 1e-9:
        return 0.0
    cos = float(np.dot(head.forward(), to / length))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


class LookAtRun(StepRun):
    """Completes once the gaze stays within ``cone_deg`` of ``target`` for ``dwell_s`` continuous seconds of the
    engine clock; looking away, a pause or a focus loss starts the dwell again. The target's position is read every
    frame (it may move); the scene must have it when the step starts (ValueError naming it otherwise).
    Details: ``angle_deg`` at completion."""

    step: LookAt

    def __init__(self, step: LookAt, started: float, positions: Positions, attempt: int = 1) -> None:
        super().__init__(step, started, positions, attempt)
        self._since: float | None = None  # engine time the current look began
        self.angle_deg: float | None = None

    def begin(self) -> None:
        self.position_of(self.step.target, "target")

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        position = self.positions(self.step.target)
        self.angle_deg = None if position is None else gaze_angle_deg(head, np.asarray(position).reshape(3))
        if self.angle_deg is None or self.angle_deg > self.step.cone_deg:
            self._since = None
            return
        if self._since is None:
            self._since = now
        if now - self._since >= self.step.dwell_s:
            self.finish("completed")

    def resumed(self, now: float) -> None:
        self._since = None

    def details(self) -> dict[str, Any]:
        return {**super().details(), "angle_deg": self.angle_deg}

    def display(self, now: float) -> dict[str, Any]:
        return {**super().display(now), "highlights": merged(self.step.highlight, (self.step.target,))}


class MoveToRun(StepRun):
    """Completes when the user teleports to ``spot``, or when the head is within ``radius_m`` of it horizontally
    (x, z). When the scene gives no position for the spot, only the teleport completes it.
    Details: ``teleported`` (True when a teleport did it)."""

    step: MoveTo

    def __init__(self, step: MoveTo, started: float, positions: Positions, attempt: int = 1) -> None:
        super().__init__(step, started, positions, attempt)
        self.teleported = False

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        if any(isinstance(e, Teleport) and e.spot == self.step.spot for e in events):
            self.teleported = True
            self.finish("completed")
            return
        spot = self.positions(self.step.spot)
        if spot is None:
            return
        offset = np.asarray(spot, dtype=np.float64).reshape(3) - np.asarray(head.position, dtype=np.float64)
        if math.hypot(offset[0], offset[2]) <= self.step.radius_m:
            self.finish("completed")

    def details(self) -> dict[str, Any]:
        return {**super().details(), "teleported": self.teleported}

    def display(self, now: float) -> dict[str, Any]:
        return {**super().display(now), "highlights": merged(self.step.highlight, (self.step.spot,))}
