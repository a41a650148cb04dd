"""A session as data files: the steps as CSV (one row per finished step), the whole session as JSON.

CSV columns (:data:`CSV_COLUMNS`, in this order; an empty cell means "not recorded" or "does not apply"):

====================  ============================================================================================
``session_id``        the session
``order``             1, 2, ...: the order the steps finished in (a branch may run a step twice)
``step_number``       the step's position in the track's list of steps, from 1
``step_id``           the step's id in the scenario file
``step_type``         information, hold_still, quiz, ... (the ``type:`` of the step)
``outcome``           passed, failed, completed (steps that only need doing) or skipped
``started_s``         session clock when the step began, seconds (the clock stops while the session is paused)
``ended_s``           session clock when it finished, seconds
``duration_s``        ``ended_s - started_s``
``attempts``          tries (hold-still blocks, quiz answers)
``errors``            wrong selections, order errors, contaminations, wrong answers
``hints``             hints shown after timeouts
``score``             0 to 1; 1 is a clean pass
``threshold_mm``      hold-still steps: the allowed head displacement, millimetres
``peak_mm``           hold-still steps: the largest displacement in the last attempt
``mean_mm``           hold-still steps: the mean displacement
``time_yellow_s``     hold-still steps: seconds in the yellow feedback zone
``time_red_s``        hold-still steps: seconds in the red zone
``exceeded_at_s``     hold-still steps: seconds into the attempt when the threshold was first exceeded
``details``           type-specific numbers as a JSON object (e.g. ``order_errors``, ``contaminations``)
====================  ============================================================================================

JSON (``format: rehearse-xr-session``, ``format_version: 1``): ``session`` (the metadata: participant code,
scenario id, title and file hash, track, language, UTC start and end, end reason, status, score, durations, the
clinical review, whether raw motion was recorded and how many samples: the samples themselves are never exported),
``steps`` (every finished step with the fields above, its ``details`` and, for hold-still steps, ``stillness`` with the
displacement ``trace`` as ``[[t_s, mm], ...]`` at 8 Hz), ``comfort_events`` (``kind``, ``time_s``, ``step_id``,
``detail``) and ``unfinished_step`` (the step that had started when the record stops, or null).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from interactions.procedure.results import StepResult
from xrapp.records.model import SessionData

CSV_COLUMNS = (
    "session_id",
    "order",
    "step_number",
    "step_id",
    "step_type",
    "outcome",
    "started_s",
    "ended_s",
    "duration_s",
    "attempts",
    "errors",
    "hints",
    "score",
    "threshold_mm",
    "peak_mm",
    "mean_mm",
    "time_yellow_s",
    "time_red_s",
    "exceeded_at_s",
    "details",
)
"""The CSV header; the module docstring says what each column holds."""

_PAIR = re.compile(r"\[\s+(-?[\d.eE+-]+),\s+(-?[\d.eE+-]+)\s+\]")

JSON_FORMAT = "rehearse-xr-session"
JSON_FORMAT_VERSION = 1


def step_duration(step: StepResult) -> float | None:
    """Seconds of session clock the step took, or None if a time is missing."""
    if step.started is None or step.ended is None:
        return None
    return step.ended - step.started


def _cell(value: Any) -> Any:
    return "" if value is None else value


def step_rows(data: SessionData) -> list[dict[str, Any]]:
    """One dict per finished step, keyed by :data:`CSV_COLUMNS`."""
    rows = []
    for order, step in enumerate(data.steps, start=1):
        still = step.stillness
        rows.append(
            {
                "session_id": data.session_id,
                "order": order,
                "step_number": step.index + 1,
                "step_id": step.step_id,
                "step_type": step.step_type,
                "outcome": step.outcome,
                "started_s": step.started,
                "ended_s": step.ended,
                "duration_s": step_duration(step),
                "attempts": step.attempts,
                "errors": step.errors,
                "hints": step.hints,
                "score": step.score,
                "threshold_mm": still.threshold_mm if still else None,
                "peak_mm": still.peak_mm if still else None,
                "mean_mm": still.mean_mm if still else None,
                "time_yellow_s": still.time_yellow_s if still else None,
                "time_red_s": still.time_red_s if still else None,
                "exceeded_at_s": still.exceeded_at_s if still else None,
                "details": json.dumps(step.details, ensure_ascii=False, sort_keys=True),
            }
        )
    return rows


def write_csv(data: SessionData, path: str | Path) -> Path:
    """Write the steps of ``data`` to ``path`` as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read
    Korean step ids right). Returns the path."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8-sig") as file:
        writer = csv.DictWriter(file, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in step_rows(data):
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return path


def session_json(data: SessionData) -> dict[str, Any]:
    """The whole session as plain JSON-ready data (see the module docstring)."""
    current = data.current_step
    return {
        "format": JSON_FORMAT,
        "format_version": JSON_FORMAT_VERSION,
        "session": {
            "id": data.session_id,
            "participant": data.participant,
            "scenario": {"id": data.scenario_id, "title": data.scenario_title, "hash": data.scenario_hash},
            "track": data.track,
            "language": data.language,
            "started_at": data.started_at,
            "ended_at": data.ended_at,
            "end_reason": data.end_reason,
            "status": data.status,
            "score": data.score,
            "total_score": data.total_score,
            "duration_s": data.duration_s,
            "wall_duration_s": data.wall_duration_s,
            "finished_s": data.finished_s,
            "steps_finished": data.steps_finished,
            "app_version": data.app_version,
            "clinical_review": {"status": data.review_status, "note": data.review_note},
            "record_motion": data.record_motion,
            "motion_samples": data.motion_samples,
        },
        "steps": [
            {
                "order": order,
                "step_id": step.step_id,
                "step_type": step.step_type,
                "index": step.index,
                "started_s": step.started,
                "ended_s": step.ended,
                "duration_s": step_duration(step),
                "outcome": step.outcome,
                "attempts": step.attempts,
                "errors": step.errors,
                "score": step.score,
                "hints": step.hints,
                "details": step.details,
                "stillness": None
                if step.stillness is None
                else {
                    "threshold_mm": step.stillness.threshold_mm,
                    "duration_s": step.stillness.duration_s,
                    "peak_mm": step.stillness.peak_mm,
                    "mean_mm": step.stillness.mean_mm,
                    "time_yellow_s": step.stillness.time_yellow_s,
                    "time_red_s": step.stillness.time_red_s,
                    "exceeded_at_s": step.stillness.exceeded_at_s,
                    "samples": step.stillness.samples,
                    "trace": [list(point) for point in step.stillness.trace],
                },
            }
            for order, step in enumerate(data.steps, start=1)
        ],
        "comfort_events": [
            {"kind": e.kind, "time_s": e.time, "step_id": e.step_id, "detail": e.detail} for e in data.comfort_events
        ],
        "unfinished_step": None
        if current is None
        else {
            "step_id": current.step_id,
            "step_type": current.step_type,
            "index": current.index,
            "started_s": current.time,
            "attempt": current.attempt,
        },
    }


def write_json(data: SessionData, path: str | Path) -> Path:
    """Write :func:`session_json` of ``data`` to ``path`` (UTF-8, indented). Returns the path."""
    path = Path(path)
    text = json.dumps(session_json(data), ensure_ascii=False, indent=1)
    # One trace point per line, not four: an hour-long block has 28,800 of them.
    text = _PAIR.sub(r"[\1, \2]", text)
    path.write_text(text + "\n", encoding="utf-8")
    return path
