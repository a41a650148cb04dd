"""Hold still: head displacement from where a block began, against a threshold in millimetres.

The rule follows the imaging-rehearsal practice in CLINICAL.md: an attempt fails if one sample's displacement
exceeds the threshold. As in a scanner, the block runs to its end either way - the feedback turns yellow and red
while it lasts, so the patient learns to come back - and the verdict (and any retry) comes when it ends; the record
then holds the attempt's whole trace and its true peak. Every frame is a sample (90 Hz on most headsets, finer
than the 8 Hz of the published trial), so a brief jerk is caught; the stored trace keeps, per 1/8 s, the largest
displacement seen, so a one-frame spike still shows in the report's plot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from interactions.events import Event
from interactions.input import Pose
from interactions.procedure.model import HoldStill
from interactions.procedure.results import StillnessSummary
from interactions.procedure.steps.base import Positions, StepRun

HOLD_STILL = "procedure.hold_still"
TRY_AGAIN = "procedure.try_again"
WELL_DONE = "procedure.well_done"


class StillnessMeter:
    """Displacement of the head from its first sample, over one attempt.

    ``threshold_mm`` is the limit; feedback is ``"yellow"`` from ``yellow_fraction`` of it and ``"red"`` from
    ``red_fraction`` of it. Samples are (t seconds since the attempt began, (3,) position in metres).
    """

    def __init__(self, threshold_mm: float, duration_s: float, yellow_fraction: float, red_fraction: float) -> None:
        self.threshold_mm = threshold_mm
        self.duration_s = duration_s
        self.yellow_mm = yellow_fraction * threshold_mm
        self.red_mm = red_fraction * threshold_mm
        self.reference: np.ndarray | None = None
        """(3,) metres: the head at the attempt's first sample."""
        self.last_mm: float | None = None
        self.peak_mm = 0.0
        self.exceeded_at_s: float | None = None
        self.samples = 0
        self._sum_mm = 0.0
        self._last_t: float | None = None
        self._time_in = {"ok": 0.0, "yellow": 0.0, "red": 0.0}
        self._bins: dict[int, float] = {}  # 1/TRACE_HZ bin index -> largest displacement in it

    def zone(self, mm: float) -> str:
        """``"ok"``, ``"yellow"`` or ``"red"`` for a displacement of ``mm``."""
        if mm >= self.red_mm:
            return "red"
        if mm >= self.yellow_mm:
            return "yellow"
        return "ok"

    def sample(self, t: float, position) -> float:
        """Take one sample at ``t`` seconds into the attempt; the displacement in mm. The first sample is the
        reference. The time since the previous sample counts towards the zone of this one."""
        p = np.asarray(position, dtype=np.float64).reshape(3)
        if self.reference is None:
            self.reference = p
        mm = float(np.linalg.norm(p - self.reference)) * 1000.0
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._time_in[self.zone(mm)] += dt
        self._last_t = t
        self.last_mm = mm
        self.samples += 1
        self._sum_mm += mm
        self.peak_mm = max(self.peak_mm, mm)
        if mm > self.threshold_mm and self.exceeded_at_s is None:
            self.exceeded_at_s = t
        # A tiny epsilon keeps t = k/8 s, reached by summing frame times, in bin k rather than k-1.
        index = max(0, math.floor(t * StillnessSummary.TRACE_HZ + 1e-9))
        self._bins[index] = max(self._bins.get(index, 0.0), mm)
        return mm

    @property
    def exceeded(self) -> bool:
        """Some sample went over the threshold."""
        return self.exceeded_at_s is not None

    def summary(self) -> StillnessSummary:
        """What the attempt looked like: peak and mean (mm), seconds in yellow and in red, when the threshold was
        first exceeded, the sample count, and the 8 Hz trace ((bin start s, max mm), ...)."""
        step = 1.0 / StillnessSummary.TRACE_HZ
        return StillnessSummary(
            threshold_mm=self.threshold_mm,
            duration_s=self.duration_s,
            peak_mm=self.peak_mm,
            mean_mm=self._sum_mm / self.samples if self.samples else 0.0,
            time_yellow_s=self._time_in["yellow"],
            time_red_s=self._time_in["red"],
            exceeded_at_s=self.exceeded_at_s,
            samples=self.samples,
            trace=tuple((index * step, mm) for index, mm in sorted(self._bins.items())),
        )


class HoldStillRun(StepRun):
    """Keep the head within ``threshold_mm`` of where it was at the attempt's first sample for ``duration_s``.

    Every live frame is a sample. An attempt lasts ``duration_s``; it fails if any sample went over the threshold:
    then, with attempts left (``max_attempts``), a new attempt begins at the next frame with a new reference
    (message ``procedure.try_again``), otherwise the step ends ``failed``. An attempt with no such sample passes
    (``procedure.well_done``). A pause
    or focus loss starts the current attempt again, without counting it: the person has moved, or been talked to.

    Score: a pass scores 1.0 on the first attempt and 0.25 less for each failed attempt before it, not below 0.5; a
    fail scores half the best share of the duration held before exceeding the threshold (below 0.5). ``errors``
    counts failed attempts. The result's stillness summary describes the last attempt.
    """

    step: HoldStill
    timed = True

    def __init__(self, step: HoldStill, started: float, positions: Positions, attempt: int = 1) -> None:
        super().__init__(step, started, positions, attempt)
        self._retrying = False  # the last attempt failed; the next frame begins attempt number ``attempt``
        self._attempt_from: float | None = None  # engine time of the attempt's first sample; None: at the next frame
        self.meter = self._new_meter()
        self._exceeded_at: list[float] = []  # for each failed attempt, seconds held before exceeding
        self._peaks: list[float] = []  # each finished attempt's peak displacement, mm

    def _new_meter(self) -> StillnessMeter:
        s = self.step
        return StillnessMeter(s.threshold_mm, s.duration_s, s.yellow_fraction, s.red_fraction)

    def update(self, now: float, head: Pose, events: Sequence[Event]) -> None:
        step = self.step
        if self._attempt_from is None:
            self._attempt_from = now
            self.meter = self._new_meter()
            self.new_attempt = self._retrying  # a pause's restart is the same attempt, not a new one
            self._retrying = False
        t = now - self._attempt_from
        self.meter.sample(t, head.position)
        if t < step.duration_s:
            return
        self._peaks.append(round(self.meter.peak_mm, 2))
        if not self.meter.exceeded:
            self.finish("passed", WELL_DONE)
            return
        self.errors += 1
        self._exceeded_at.append(self.meter.exceeded_at_s)
        if self.attempt < step.max_attempts:
            self.attempt += 1
            self._attempt_from = None
            self._retrying = True
            self.message = TRY_AGAIN
        else:
            self.finish("failed")

    def resumed(self, now: float) -> None:
        if self._attempt_from is not None:
            self._attempt_from = None  # the same attempt again, from a fresh reference

    def score(self) -> float:
        if self.outcome == "passed":
            return max(0.5, 1.0 - 0.25 * self.errors)
        return 0.5 * min(1.0, max(self._exceeded_at, default=0.0) / self.step.duration_s)

    def stillness(self) -> StillnessSummary | None:
        return self.meter.summary() if self.meter.samples else None

    def details(self) -> dict[str, Any]:
        step = self.step
        return {
            **super().details(),
            "exceeded_at_s": list(self._exceeded_at),
            "attempt_peaks_mm": list(self._peaks),
            "yellow_fraction": step.yellow_fraction,
            "red_fraction": step.red_fraction,
        }

    def display(self, now: float) -> dict[str, Any]:
        step = self.step
        meter = self.meter
        running = self._attempt_from is not None
        left = step.duration_s - (now - self._attempt_from) if running else step.duration_s
        return {
            **super().display(now),
            "subtitle": step.say or HOLD_STILL,
            "feedback": meter.zone(meter.last_mm) if running and meter.last_mm is not None else None,
            "displacement_mm": meter.last_mm if running else None,
            "threshold_mm": step.threshold_mm,
            "countdown_s": max(0.0, left),
        }
