"""The session report a nurse reads: one self-contained HTML file (no network, no script), and the data files beside it.

The HTML has a header (participant code, scenario, track, language, date, duration, outcome, score, the content's
clinical review), a table of the steps, the step timeline, the comfort events, and for each hold-still step its head
displacement against the threshold. Plots are inline SVG (:mod:`xrapp.records.plots`); every recorded text is
escaped, so a step id or a note can never inject markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape
from pathlib import Path

from interactions.procedure.model import HoldStill
from xrapp.records.export import step_duration, write_csv, write_json
from xrapp.records.model import SessionData, SessionSummary
from xrapp.records.plots import OUTCOME_COLOURS, clock, stillness_svg, timeline_svg
from xrapp.records.store import RecordStore

FORMATS = ("html", "csv", "json")
"""Report formats :func:`write_reports` knows."""

LANGUAGE_NAMES = {
    "ko": "Korean",
    "en": "English",
    "vi": "Vietnamese",
    "zh": "Chinese",
    "zh-Hans": "Chinese (Simplified)",
    "fil": "Filipino",
    "tl": "Tagalog",
    "ja": "Japanese",
    "km": "Khmer",
    "th": "Thai",
    "mn": "Mongolian",
    "ru": "Russian",
    "uz": "Uzbek",
    "ne": "Nepali",
}

# The yellow and red zones when the engine did not report the step's own fractions: the model's defaults.
_DEFAULT_YELLOW = HoldStill.__dataclass_fields__["yellow_fraction"].default
_DEFAULT_RED = HoldStill.__dataclass_fields__["red_fraction"].default

_CSS = """
body { font-family: system-ui, sans-serif; color: #1a1a1a; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem;
       line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
     border-bottom: 1px solid #ccc; } h3 { font-size: 1rem; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
table.steps th, table.steps td, table.events td, table.events th { border-bottom: 1px solid #ddd; }
table.steps td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.meta th { color: #555; font-weight: normal; padding-left: 0; }
.dot { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 50%; margin-right: 0.3rem; }
.notice { border-left: 4px solid #D55E00; background: #fbeee6; padding: 0.5rem 0.8rem; }
.review { border-left: 4px solid #E69F00; background: #fdf4e3; padding: 0.5rem 0.8rem; }
.unfinished td { font-style: italic; color: #555; }
.note { color: #555; font-size: 0.9rem; }
svg { max-width: 100%; height: auto; }
footer { margin-top: 2rem; color: #666; font-size: 0.85rem; }
@media print { body { margin: 0; } h2 { break-after: avoid; } svg { break-inside: avoid; } }
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def language_label(code: str) -> str:
    """``ko (Korean)``: the code and, where known, the language's English name."""
    name = LANGUAGE_NAMES.get(code)
    return f"{code} ({name})" if name else code


def local_time(iso: str) -> str:
    """A UTC ISO 8601 time as this computer's local time with its offset, e.g. ``2026-11-23 10:30 (UTC+09:00)``."""
    moment = datetime.fromisoformat(iso).astimezone()
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def outcome_text(data: SessionData) -> str:
    """How the session ended, in a sentence for people."""
    steps = data.steps
    after = f"after step {steps[-1].index + 1} ({steps[-1].step_id})" if steps else "before any step finished"
    during = ""
    if data.current_step is not None:
        during = f", during step {data.current_step.index + 1} ({data.current_step.step_id})"
    if data.status == "completed":
        return f"Completed: {len(steps)} steps finished"
    if data.status == "in_progress":
        return f"In progress: {len(steps)} steps finished so far{during}"
    if data.status == "ended_unexpectedly":
        return (
            f"Ended unexpectedly {after}{during}. The program stopped without closing the session (a crash, or the "
            f"computer was switched off); every finished step was saved and is shown here."
        )
    return f"Ended early ({data.end_reason}) {after}{during}"


# Shown in the hold-still section instead of the notes.
_NOT_NOTES = ("yellow_fraction", "red_fraction")


def _details_text(details: dict) -> str:
    """``order_errors: 2; answers: quiz_option_2, quiz_option_1``: the step's details for the notes column."""

    def value_text(value: object) -> str:
        if isinstance(value, (list, tuple)):
            return ", ".join(value_text(v) for v in value)
        if isinstance(value, dict):
            return ", ".join(f"{k} {value_text(v)}" for k, v in value.items())
        return f"{value:g}" if isinstance(value, float) else str(value)

    return "; ".join(f"{key}: {value_text(value)}" for key, value in details.items() if key not in _NOT_NOTES)


def _number(value: float | None, fmt: str = "{:g}", unit: str = "") -> str:
    return "—" if value is None else fmt.format(value) + unit


def _header(data: SessionData) -> list[str]:
    score = data.score
    rows = [
        ("Participant", data.participant),
        ("Scenario", f"{data.scenario_title} ({data.scenario_id})"),
        ("Track", data.track),
        ("Language", language_label(data.language)),
        ("Date", local_time(data.started_at)),
    ]
    duration = f"{clock(data.duration_s)} of session time"
    if data.wall_duration_s is not None:
        duration += f" ({clock(data.wall_duration_s)} from start to end, pauses included)"
    rows += [
        ("Duration", duration),
        ("Outcome", outcome_text(data)),
        ("Score", "—" if score is None else f"{score * 100:.0f} %" + ("" if data.total_score is not None else " *")),
    ]
    if data.review_status or data.review_note:
        rows.append(("Clinical review", "; ".join(filter(None, [data.review_status, data.review_note]))))
    parts = ['<table class="meta">']
    parts += [f"<tr><th>{_e(name)}</th><td>{_e(value)}</td></tr>" for name, value in rows]
    parts.append("</table>")
    if data.total_score is None and score is not None:
        parts.append('<p class="note">* the mean score of the finished steps: the procedure did not finish.</p>')
    if data.status == "ended_unexpectedly":
        parts.append(f'<p class="notice">{_e(outcome_text(data))}</p>')
    if data.review_status and data.review_status != "reviewed":
        parts.append(
            f'<p class="review">The content of this scenario is marked "{_e(data.review_status)}": it needs review '
            "by a clinician at the site before use with patients.</p>"
        )
    return parts


def _step_table(data: SessionData) -> list[str]:
    parts = [
        '<table class="steps"><thead><tr><th>#</th><th>Step</th><th>Type</th><th>Outcome</th><th>Attempts</th>'
        "<th>Errors</th><th>Hints</th><th>Score</th><th>Duration</th><th>Started</th><th>Notes</th></tr></thead><tbody>"
    ]
    for step in data.steps:
        colour = OUTCOME_COLOURS.get(step.outcome, "#555555")
        duration = step_duration(step)
        parts.append(
            f'<tr class="step {_e(step.outcome)}" data-step="{_e(step.step_id)}">'
            f'<td class="num">{step.index + 1}</td><td>{_e(step.step_id)}</td><td>{_e(step.step_type)}</td>'
            f'<td><span class="dot" style="background:{colour}"></span>{_e(step.outcome)}</td>'
            f'<td class="num">{_e(step.attempts)}</td><td class="num">{_e(step.errors)}</td>'
            f'<td class="num">{_e(step.hints)}</td>'
            f'<td class="num">{_number(None if step.score is None else step.score * 100, "{:.0f}", " %")}</td>'
            f'<td class="num">{"—" if duration is None else clock(duration)}</td>'
            f'<td class="num">{"—" if step.started is None else clock(step.started)}</td>'
            f'<td class="note">{_e(_details_text(step.details))}</td></tr>'
        )
    if data.current_step is not None:
        current = data.current_step
        parts.append(
            f'<tr class="unfinished" data-step="{_e(current.step_id)}"><td class="num">{current.index + 1}</td>'
            f"<td>{_e(current.step_id)}</td><td>{_e(current.step_type)}</td><td>never finished</td>"
            f'<td class="num">{_e(current.attempt)}</td><td></td><td></td><td></td><td></td>'
            f'<td class="num">{clock(current.time)}</td><td></td></tr>'
        )
    parts.append("</tbody></table>")
    if not data.steps and data.current_step is None:
        parts.append("<p>No step was recorded.</p>")
    return parts


def _comfort_table(data: SessionData) -> list[str]:
    if not data.comfort_events:
        return ["<p>None: no pause, no loss of focus, no early end.</p>"]
    parts = ['<table class="events"><thead><tr><th>Time</th><th>Event</th><th>During step</th><th>Detail</th></tr>']
    parts.append("</thead><tbody>")
    for event in data.comfort_events:
        parts.append(
            f"<tr><td>{'—' if event.time is None else clock(event.time)}</td><td>{_e(event.kind)}</td>"
            f"<td>{_e(event.step_id or '')}</td><td>{_e(event.detail)}</td></tr>"
        )
    parts.append("</tbody></table>")
    return parts


def _stillness_sections(data: SessionData) -> list[str]:
    parts = []
    for step in data.steps:
        still = step.stillness
        if still is None:
            continue
        yellow = step.details.get("yellow_fraction", _DEFAULT_YELLOW)
        red = step.details.get("red_fraction", _DEFAULT_RED)
        parts.append(f'<section class="stillness" data-step="{_e(step.step_id)}">')
        parts.append(f"<h3>{step.index + 1}. {_e(step.step_id)}: {_e(step.outcome)}</h3>")
        facts = [
            ("Threshold", _number(still.threshold_mm, unit=" mm")),
            ("Block length", _number(still.duration_s, unit=" s")),
            ("Peak", _number(still.peak_mm, "{:.1f}", " mm")),
            ("Mean", _number(still.mean_mm, "{:.1f}", " mm")),
            ("In the yellow zone", _number(still.time_yellow_s, "{:.1f}", " s")),
            ("In the red zone", _number(still.time_red_s, "{:.1f}", " s")),
            ("Threshold first exceeded", _number(still.exceeded_at_s, "{:.1f}", " s into the attempt")),
            ("Attempts", _e(step.attempts)),
        ]
        if still.exceeded_at_s is None:
            facts[6] = ("Threshold first exceeded", "never")
        parts.append('<table class="meta">')
        parts += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts]
        parts.append("</table>")
        parts.append(stillness_svg(still, yellow, red))
        parts.append(
            f'<p class="note">The line is the head\'s distance from where it was when the block began, 8 times a '
            f"second (last attempt). Yellow zone from {yellow * 100:.0f} % of the threshold, red from "
            f"{red * 100:.0f} %.</p></section>"
        )
    return parts


def session_html(data: SessionData) -> str:
    """The report of ``data`` as one self-contained HTML document (inline CSS and SVG, no script, no links)."""
    title = f"Rehearsal report: {data.participant}, {data.scenario_title}"
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="sub">Rehearse XR session {_e(data.session_id)}</p>',
        *_header(data),
        "<h2>Steps</h2>",
        *_step_table(data),
        "<h2>Timeline</h2>",
        timeline_svg(data.steps, data.comfort_events, data.current_step, data.duration_s),
        "<h2>Comfort events</h2>",
        *_comfort_table(data),
    ]
    stillness = _stillness_sections(data)
    if stillness:
        parts += ["<h2>Holding still</h2>", *stillness]
    motion = (
        f"raw head and hand motion recorded ({data.motion_samples} samples, kept in the records database only)"
        if data.record_motion
        else "no raw motion recorded (only the summaries above)"
    )
    parts.append(
        f"<footer>Participant codes are pseudonymous. Scenario file {_e(data.scenario_hash)}; Rehearse XR "
        f"{_e(data.app_version)}; started {_e(data.started_at)}; {_e(motion)}.</footer></body></html>\n"
    )
    return "\n".join(parts)


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,csv"`` → ``("html", "csv")``; ValueError naming the known formats for anything else."""
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"{text!r}: give report formats separated by commas, from {', '.join(FORMATS)}")
    return formats


REPORT_FILES = {"html": ("report", "report.html"), "csv": ("steps", "steps.csv"), "json": ("session", "session.json")}
"""Format → (what it is, file name): a report's files are ``<prefix>report.html``, ``<prefix>steps.csv`` and
``<prefix>session.json``."""


def write_reports(
    data: SessionData, out_dir: str | Path, formats: Iterable[str] = FORMATS, *, prefix: str = ""
) -> dict[str, Path]:
    """Write the report of ``data`` into ``out_dir`` (created if missing) in each of ``formats`` (see
    :data:`REPORT_FILES`; ``prefix`` e.g. the session id and '-', so reports of many sessions can share a folder).
    Returns the paths written, by what they are (``report``, ``steps``, ``session``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for fmt in formats:
        if fmt not in REPORT_FILES:
            raise ValueError(f"unknown report format {fmt!r}: use {', '.join(FORMATS)}")
        what, name = REPORT_FILES[fmt]
        path = out / f"{prefix}{name}"
        if fmt == "html":
            path.write_text(session_html(data), encoding="utf-8")
        elif fmt == "csv":
            write_csv(data, path)
        else:
            write_json(data, path)
        written[what] = path
    return written


def write_report(
    store: RecordStore, session_id: str, out_dir: str | Path, formats: Iterable[str] = FORMATS, *, prefix: str = ""
) -> dict[str, Path]:
    """Read ``session_id`` from ``store`` and :func:`write_reports` it (``report.html``, ``steps.csv``,
    ``session.json`` without a ``prefix``)."""
    return write_reports(store.session(session_id), out_dir, formats, prefix=prefix)


_STATUS_WORDS = {
    "completed": "completed",
    "ended_early": "ended early",
    "ended_unexpectedly": "ended unexpectedly",
    "in_progress": "in progress",
}


def session_list_lines(sessions: Iterable[SessionSummary]) -> list[str]:
    """One line per session for people choosing one: id, local start, participant, scenario, track, language,
    steps finished, score and how it ended."""
    lines = []
    for s in sessions:
        score = "" if s.total_score is None else f", score {s.total_score * 100:.0f} %"
        lines.append(
            f"{s.session_id}  {local_time(s.started_at)}  {s.participant}  {s.scenario_id} ({s.track}, {s.language})"
            f"  {s.steps_finished} steps{score}, {_STATUS_WORDS.get(s.status, s.status)}"
        )
    return lines
