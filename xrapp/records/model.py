"""A stored session as it reads back: a summary for lists, and the whole session for reports.

Steps, stillness summaries and comfort events read back as the very dataclasses the procedure engine reported
(:mod:`interactions.procedure.results`), so a report reads what the engine said. Wall-clock times are UTC ISO 8601
strings; session-clock times are seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from interactions.procedure.results import ComfortEvent, StepResult, StepStarted

STATUSES = ("completed", "ended_early", "ended_unexpectedly", "in_progress")
"""``completed``: closed with reason ``completed``; ``ended_early``: closed with another reason (the person or the
nurse ended it, the headset session was lost); ``ended_unexpectedly``: never closed (the program was killed or
crashed: every finished step is still there); ``in_progress``: still being recorded by this process."""


@dataclass(frozen=True)
class SessionSummary:
    """One session in a list: who (a pseudonymous code), what, when (UTC ISO 8601), how it ended."""

    session_id: str
    participant: str
    scenario_id: str
    scenario_title: str
    track: str
    language: str
    started_at: str
    ended_at: str | None
    end_reason: str | None
    total_score: float | None
    steps_finished: int
    status: str

    @property
    def started(self) -> datetime:
        """``started_at`` as an aware datetime (UTC)."""
        return datetime.fromisoformat(self.started_at)

    @property
    def wall_duration_s(self) -> float | None:
        """Seconds of wall-clock time from start to end (pauses included); None if it never ended."""
        if self.ended_at is None:
            return None
        return (datetime.fromisoformat(self.ended_at) - self.started).total_seconds()


@dataclass(frozen=True)
class SessionData(SessionSummary):
    """Everything recorded about one session, in recording order. ``current_step`` is the step that had started
    and not finished when the record stops (the one interrupted by a crash or an early end), else None.
    ``motion_samples`` counts the raw pose samples stored (0 unless the session was opened with motion recording)."""

    scenario_hash: str
    app_version: str
    record_motion: bool
    review_status: str | None
    review_note: str
    finished_s: float | None
    steps: tuple[StepResult, ...]
    comfort_events: tuple[ComfortEvent, ...]
    current_step: StepStarted | None
    motion_samples: int

    @property
    def duration_s(self) -> float:
        """Session-clock seconds the record covers: to the procedure's end, else to the latest step end, comfort
        event or step start recorded (pauses excluded)."""
        if self.finished_s is not None:
            return self.finished_s
        times = [s.ended for s in self.steps if s.ended is not None]
        times += [e.time for e in self.comfort_events if e.time is not None]
        if self.current_step is not None:
            times.append(self.current_step.time)
        return max(times, default=0.0)

    @property
    def score(self) -> float | None:
        """The procedure's score (the mean of the step scores), or that mean over the finished steps if the
        procedure did not finish; None without steps."""
        if self.total_score is not None:
            return self.total_score
        scores = [s.score for s in self.steps if s.score is not None]
        return sum(scores) / len(scores) if scores else None
