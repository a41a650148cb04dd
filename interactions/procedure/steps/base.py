"""What every running step shares: the StepRun the engine drives, and how presses reach it.

A :class:`StepRun` is one run of one step, made when the step starts and dropped when it ends. The engine owns time
and the session's state: a run only sees frames where the session is live (focused, not paused), always with the
engine's clock (``now``, seconds of active session time), and is told with :meth:`StepRun.resumed` when the session
comes back from a pause or a focus loss. Timeouts, hints, branches, skipping and the records are the engine's; a run
says how its step is going (``outcome``, ``errors``, :meth:`score`, :meth:`details`) and what to show
(:meth:`display`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from interactions.events import Event, Poke, Select
from interactions.input import Pose
from interactions.procedure.model import Step
from interactions.procedure.results import StillnessSummary

Positions = Callable[[str], "np.ndarray | None"]
"""name → (3,) world position in metres of a scene node, or None when the scene has no such node."""


def presses(events: Sequence[Event]) -> Iterator[str]:
    """The targets pressed this frame, in order: a Select (button, ray or gaze dwell) or a Poke both press."""
    for event in events:
        if isinstance(event, (Select, Poke)):
            yield event.target


def merged(*groups: Sequence[str]) -> tuple[str, ...]:
    """The names of ``groups`` in order, each once."""
    return tuple(dict.fromkeys(name for group in groups for name in group))


class StepRun:
    """One run of ``step``, started at ``started`` seconds of the engine clock.

    Subclasses set ``outcome`` (``passed``, ``failed`` or ``completed``) when the step is done, count ``errors``,
    may set ``message`` (a catalogue key the engine shows for a few seconds; it clears it after reading), and set
    ``new_attempt`` when a fresh attempt begins (the engine records a StepStarted for it).
    """

    timed = False
    """True for steps whose own duration defines them: the engine applies no timeout to them."""

    def __init__(self, step: Step, started: float, positions: Positions, attempt: int = 1) -> None:
        self.step = step
        self.started = started
        self.positions = positions
        self.attempt = attempt
        self.outcome: str | None = None
        self.errors = 0
        self.message: str | None = None
        self.new_attempt = False
        self.contaminations: list[str] = []
        """Kinds of the contamination events reported while the step ran (sequences also count touches)."""

    # -- driven by the engine ---------------------------------------------------------------------------------------

    def begin(self) -> None:
        """Check what the step needs from the scene now that it starts (ValueError naming what is missing)."""

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        """One live frame at ``now`` seconds of the engine clock: the head pose in the world and this frame's
        interaction events (pause presses already removed)."""

    def resumed(self, now: float) -> None:
        """The session is live again after a pause or a focus loss (no frames reached the run meanwhile)."""

    def contaminate(self, kind: str) -> None:
        """A contamination event of ``kind`` reported by the app or the person running the session."""
        self.contaminations.append(kind)

    # -- read by the engine -----------------------------------------------------------------------------------------

    @property
    def attempts(self) -> int:
        """Attempts made (1 unless the step type allows more)."""
        return self.attempt

    def score(self) -> float:
        """0..1 for a finished run (the engine gives a skipped step 0 and deducts hints)."""
        return 1.0

    def details(self) -> dict[str, Any]:
        """Type-specific numbers for the result."""
        if not self.contaminations:
            return {}
        return {"contaminations": len(self.contaminations), "contamination_kinds": list(self.contaminations)}

    def stillness(self) -> StillnessSummary | None:
        """The head-motion summary (hold-still steps only)."""
        return None

    def display(self, now: float) -> dict[str, Any]:
        """DisplayState fields this step sets at ``now``: at least ``subtitle`` and ``highlights``."""
        return {"subtitle": self.step.say, "highlights": merged(self.step.highlight), "attempt": self.attempt}

    # -- for subclasses ---------------------------------------------------------------------------------------------

    def finish(self, outcome: str, message: str | None = None) -> None:
        """The step is done with ``outcome``; show ``message`` (a catalogue key) if given."""
        self.outcome = outcome
        if message is not None:
            self.message = message

    def position_of(self, name: str, role: str) -> np.ndarray:
        """The world position of scene node ``name`` (ValueError naming it and the step when the scene has none)."""
        position = self.positions(name)
        if position is None:
            raise ValueError(
                f"step {self.step.id!r} ({self.step.TYPE}): the scene has no node called {name!r} for its {role}; "
                f"name a node of the scene in the scenario, or add it to the scene"
            )
        return np.asarray(position, dtype=np.float64).reshape(3)
