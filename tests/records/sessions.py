"""Synthetic sessions for the records tests, built directly from the procedure engine's result dataclasses."""

from __future__ import annotations

import math

from interactions.procedure.results import (
    ComfortEvent,
    ProcedureFinished,
    StepResult,
    StepStarted,
    StillnessSummary,
)

SESSION = dict(
    participant="MRI-0042",
    scenario_id="mri-rehearsal",
    scenario_title="MRI rehearsal",
    scenario_hash="sha256:" + "ab" * 32,
    track="child",
    language="ko",
)
"""open_session keywords of the synthetic MRI session."""

PEAK_MM = 3.3
THRESHOLD_MM = 4.0


def stillness_trace(duration_s: float, peak_mm: float, peak_at_s: float) -> tuple[tuple[float, float], ...]:
    """An 8 Hz displacement trace: a slow drift with a bump reaching ``peak_mm`` at ``peak_at_s``."""
    samples = int(duration_s * StillnessSummary.TRACE_HZ)
    trace = []
    for i in range(samples + 1):
        t = i / StillnessSummary.TRACE_HZ
        mm = 0.4 + 0.2 * math.sin(t / 3.0) + (peak_mm - 0.4) * math.exp(-(((t - peak_at_s) / 1.5) ** 2))
        trace.append((t, round(min(mm, 0.95 * peak_mm), 4)))
    trace[round(peak_at_s * StillnessSummary.TRACE_HZ)] = (peak_at_s, peak_mm)  # the one highest sample
    return tuple(trace)


def hold_still_summary(duration_s: float = 60.0, peak_mm: float = PEAK_MM, peak_at_s: float = 41.0):
    """The stillness summary of a passed 60 s block within a 4 mm threshold."""
    trace = stillness_trace(duration_s, peak_mm, peak_at_s)
    return StillnessSummary(
        threshold_mm=THRESHOLD_MM,
        duration_s=duration_s,
        peak_mm=peak_mm,
        mean_mm=round(sum(mm for _, mm in trace) / len(trace), 4),
        time_yellow_s=2.5,
        time_red_s=0.0,
        exceeded_at_s=None,
        samples=len(trace),
        trace=trace,
    )


def mri_items() -> list:
    """A whole session as the engine would report it: information, a quiz answered wrong once, a hold-still block
    failed then passed (two attempts), a skipped look, a pause and resume, and the procedure's end."""
    still = hold_still_summary()
    failed_trace = stillness_trace(12.0, 5.2, 9.0)
    failed_trace = tuple(p for p in failed_trace if p[0] <= 9.0)
    failed = StillnessSummary(4.0, 60.0, 5.2, 1.1, 3.0, 0.4, 8.6, len(failed_trace), failed_trace)
    return [
        StepStarted("welcome", "information", 0, 0.0),
        StepResult("welcome", "information", 0, 0.0, 8.0, "completed"),
        StepStarted("quiz_call_button", "quiz", 1, 8.0),
        StepResult(
            "quiz_call_button",
            "quiz",
            1,
            8.0,
            21.5,
            "passed",
            attempts=2,
            errors=1,
            score=0.5,
            details={"answers": ["quiz_option_2", "quiz_option_1"]},
        ),
        StepStarted("scan_t1", "hold_still", 2, 21.5),
        ComfortEvent("pause", 25.0, "scan_t1", "call button"),
        ComfortEvent("resume", 25.0, "scan_t1"),
        StepStarted("scan_t1", "hold_still", 2, 30.6, attempt=2),
        StepResult(
            "scan_t1",
            "hold_still",
            2,
            21.5,
            90.6,
            "passed",
            attempts=2,
            errors=1,
            score=0.75,
            stillness=still,
            details={"yellow_fraction": 0.5, "red_fraction": 1.0},
        ),
        StepStarted("scan_t2", "hold_still", 3, 90.6),
        StepResult(
            "scan_t2",
            "hold_still",
            3,
            90.6,
            99.6,
            "failed",
            attempts=1,
            errors=1,
            score=0.0,
            stillness=failed,
            details={"yellow_fraction": 0.6, "red_fraction": 1.0},
        ),
        StepStarted("look_window", "look_at", 4, 99.6),
        StepResult("look_window", "look_at", 4, 99.6, 129.6, "skipped", hints=2, score=0.0),
        ProcedureFinished(129.6, 0.45, 5),
    ]


def finished_steps(items) -> list[StepResult]:
    """The StepResults among ``items``, in order."""
    return [item for item in items if isinstance(item, StepResult)]


def record_all(store, items=None, **overrides):
    """Open a session in ``store``, record ``items`` (default :func:`mri_items`); returns the open recorder."""
    recorder = store.open_session(**{**SESSION, **overrides})
    for item in mri_items() if items is None else items:
        recorder.record(item)
    return recorder
