"""Steps that mostly take time: information, timed wait, breath hold and paced breathing.

All complete with outcome ``completed`` and score 1.0: there is nothing to get wrong. Times are seconds of the
engine clock, counted from the step's start (a pause freezes them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interactions.events import Event
from interactions.input import Pose
from interactions.procedure.model import BreathHold, Information, PacedBreathing, TimedWait
from interactions.procedure.steps.base import Positions, StepRun, merged, presses

BREATHE_IN = "procedure.breathe_in"
HOLD_BREATH = "procedure.hold_breath"
BREATHE_OUT = "procedure.breathe_out"
PHASE_KEYS = {"inhale": BREATHE_IN, "hold": HOLD_BREATH, "exhale": BREATHE_OUT}
"""Breathing phase → the catalogue key shown as the subtitle during it."""


class InformationRun(StepRun):
    """Narration: completes when ``target`` is pressed (``advance: select``) or after ``duration_s`` (``auto``).
    Pressing anything else is not an error. The automatic kind counts down and is not subject to timeouts."""

    step: Information

    def __init__(self, step: Information, started: float, positions: Positions, attempt: int = 1) -> None:
        super().__init__(step, started, positions, attempt)
        self.timed = step.advance == "auto"

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        if self.timed:
            if now - self.started >= self.step.duration_s:
                self.finish("completed")
        elif self.step.target in presses(events):
            self.finish("completed")

    def display(self, now: float) -> dict[str, Any]:
        shown = super().display(now)
        if self.timed:
            shown["countdown_s"] = max(0.0, self.step.duration_s - (now - self.started))
        else:
            shown["highlights"] = merged(self.step.highlight, (self.step.target,))
        return shown


class TimedWaitRun(StepRun):
    """Nothing to do but wait: completes ``duration_s`` after it began (at once for 0), with a countdown."""

    step: TimedWait
    timed = True

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        if now - self.started >= self.step.duration_s:
            self.finish("completed")

    def display(self, now: float) -> dict[str, Any]:
        return {**super().display(now), "countdown_s": max(0.0, self.step.duration_s - (now - self.started))}


class BreathHoldRun(StepRun):
    """``prepare_s`` of breathing in (subtitle ``procedure.breathe_in``, breathing ``("inhale", f)``), then
    ``duration_s`` of holding (``procedure.hold_breath``, ``("hold", f)``), each with its own countdown; completes
    with the message ``procedure.breathe_out``. A pause or a focus loss starts it again from breathing in: nobody
    keeps holding their breath through a pause."""

    step: BreathHold
    timed = True

    def __init__(self, step: BreathHold, started: float, positions: Positions, attempt: int = 1) -> None:
        super().__init__(step, started, positions, attempt)
        self._from = started  # when the current breath began (moves on a restart after a pause)

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        if now - self._from >= self.step.prepare_s + self.step.duration_s:
            self.finish("completed", BREATHE_OUT)

    def resumed(self, now: float) -> None:
        self._from = now

    def phase(self, now: float) -> tuple[str, float, float]:
        """(phase ``"inhale"``/``"hold"``, fraction 0..1 through it, seconds left in it) at ``now``."""
        elapsed = max(0.0, now - self._from)
        prepare, hold = self.step.prepare_s, self.step.duration_s
        if elapsed < prepare:
            return "inhale", elapsed / prepare, prepare - elapsed
        held = min(hold, elapsed - prepare)
        return "hold", held / hold, hold - held

    def display(self, now: float) -> dict[str, Any]:
        phase, fraction, left = self.phase(now)
        return {
            **super().display(now),
            "subtitle": PHASE_KEYS[phase],
            "breathing": (phase, fraction),
            "countdown_s": left,
        }

    def details(self) -> dict[str, Any]:
        return {**super().details(), "hold_s": self.step.duration_s}


class PacedBreathingRun(StepRun):
    """``cycles`` breaths of inhale (``inhale_s``), hold (``hold_s``, left out when 0) and exhale (``exhale_s``);
    the subtitle is the phase's key and ``breathing`` gives the phase with the fraction through it (for an animated
    guide). A pause freezes the exercise where it was."""

    step: PacedBreathing
    timed = True

    def phases(self) -> list[tuple[str, float]]:
        """One breath: [(phase, seconds), ...]."""
        step = self.step
        return [(name, s) for name, s in (("inhale", step.inhale_s), ("hold", step.hold_s), ("exhale", step.exhale_s))]

    def breath_s(self) -> float:
        """Seconds one breath takes."""
        return sum(s for _, s in self.phases())

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        if now - self.started >= self.step.cycles * self.breath_s():
            self.finish("completed")

    def phase(self, now: float) -> tuple[str, float, int]:
        """(phase, fraction 0..1 through it, breath number from 0) at ``now``."""
        elapsed = max(0.0, now - self.started)
        breath = min(self.step.cycles - 1, int(elapsed // self.breath_s()))
        into = elapsed - breath * self.breath_s()
        for name, seconds in self.phases():
            if seconds > 0.0 and into < seconds:
                return name, into / seconds, breath
            into -= seconds
        return "exhale", 1.0, breath  # the very end of the last breath

    def display(self, now: float) -> dict[str, Any]:
        phase, fraction, _ = self.phase(now)
        return {**super().display(now), "subtitle": PHASE_KEYS[phase], "breathing": (phase, fraction)}

    def details(self) -> dict[str, Any]:
        return {**super().details(), "cycles": self.step.cycles}
