"""What the procedure engine reports as a session goes: plain frozen dataclasses the records store writes as they
come (one transaction per finished step), and the report reads back.

Times are seconds of the session clock (it stands still while the session is not focused or the call button's
pause lasts); displacements are millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OUTCOMES = ("passed", "failed", "skipped", "completed")
"""``passed``/``failed`` for steps that can be got wrong (hold still, quiz, sequence, select with errors...);
``completed`` for steps that only need doing (information, timed wait, breathing); ``skipped`` after a timeout with
no hints left (``on_timeout: skip``), or when the person running the session skips it."""


@dataclass(frozen=True)
class StillnessSummary:
    """Head motion during a hold-still step's last attempt. ``trace`` is the displacement magnitude sampled at
    ``TRACE_HZ`` as ((t, mm), ...) with t from the start of the attempt: a one-number-per-sample summary kept for
    the report's plot, not the raw pose trace (which identifies people and is stored only when enabled)."""

    TRACE_HZ = 8.0

    threshold_mm: float
    duration_s: float
    peak_mm: float
    mean_mm: float
    time_yellow_s: float
    time_red_s: float
    exceeded_at_s: float | None  # seconds into the attempt when the threshold was first exceeded, or None
    samples: int
    trace: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class StepStarted:
    """Step number ``index`` (0-based, in the track's list) began at ``time`` (its ``attempt``, from 1)."""

    step_id: str
    step_type: str
    index: int
    time: float
    attempt: int = 1


@dataclass(frozen=True)
class StepResult:
    """A finished step: when, how it went, and its measurements. ``score`` is 0..1 (1 for a clean pass).
    ``details`` holds type-specific numbers (e.g. ``order_errors``, ``contaminations``, ``answers``)."""

    step_id: str
    step_type: str
    index: int
    started: float
    ended: float
    outcome: str
    attempts: int = 1
    errors: int = 0
    score: float = 1.0
    hints: int = 0
    stillness: StillnessSummary | None = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ComfortEvent:
    """Something about the person's comfort: ``kind`` is ``pause`` (call button), ``resume``, ``focus_lost``,
    ``focus_regained``, ``session_lost``, ``ended_early``; during step ``step_id`` at ``time``."""

    kind: str
    time: float
    step_id: str | None
    detail: str = ""


@dataclass(frozen=True)
class ProcedureFinished:
    """The last step finished at ``time``; ``score`` is the mean of the steps' scores."""

    time: float
    score: float
    steps: int
