"""The report's plots as inline SVG, drawn by a few pure functions (no plotting library: the report stays one
self-contained file and the dependency list stays short).

Every text is escaped; the SVG is well-formed XML (it parses with ``xml.etree``). Plots carry their scales as
``data-`` attributes on the ``<svg>`` element (``data-x0``/``data-px-per-s``: the pixel x of 0 s and pixels per
second; ``data-y0``/``data-px-per-mm``: the pixel y of 0 mm and pixels per mm, y growing downwards) so a tool or a
test can read values back from the drawing. Colours follow the Okabe-Ito palette, which colour-blind readers can
tell apart, and every mark also has a text label or a ``<title>`` tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from interactions.procedure.results import ComfortEvent, StepResult, StepStarted, StillnessSummary

OUTCOME_COLOURS = {
    "passed": "#009E73",
    "completed": "#0072B2",
    "failed": "#D55E00",
    "skipped": "#999999",
}
"""Bar colour of each step outcome (other outcomes are drawn dark grey)."""

COMFORT_COLOUR = "#CC79A7"
WIDTH = 880
_FONT = 'font-family="sans-serif" font-size="12"'


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _f(value: float) -> str:
    """A pixel coordinate with 0.1 px precision, short in the file."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def clock(seconds: float) -> str:
    """Seconds as ``m:ss`` (``h:mm:ss`` from an hour), the way a person reads a duration."""
    seconds = max(0.0, seconds)
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def nice_ticks(high: float, count: int = 6) -> list[float]:
    """About ``count`` round tick values from 0 to at least ``high`` (steps of 1, 2 or 5 × 10^n)."""
    if not high > 0:
        return [0.0, 1.0]
    raw = high / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < high - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _time_ticks(high: float) -> list[float]:
    """Ticks on whole seconds, or whole minutes' fractions people read on a clock (10 s, 30 s, 1 min, 5 min...)."""
    if high <= 10:
        return nice_ticks(high)
    for step in (2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if high / step <= 8:
            break
    ticks = [0.0]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _time_label(t: float, high: float) -> str:
    return clock(t) if high > 90 else f"{t:g} s"


def _svg_open(width: float, height: float, label: str, scales: dict[str, float], css_class: str) -> str:
    data = " ".join(f'data-{name}="{float(value)!r}"' for name, value in scales.items())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_attr(label)}" {data} {_FONT}>'
        f"<title>{escape(label)}</title>"
    )


def _x_axis(parts: list[str], x0: float, px_per_s: float, y: float, y_top: float, high: float, title: str) -> None:
    for t in _time_ticks(high):
        x = x0 + t * px_per_s
        parts.append(f'<line x1="{_f(x)}" y1="{_f(y_top)}" x2="{_f(x)}" y2="{_f(y)}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{_f(x)}" y="{_f(y + 15)}" text-anchor="middle">{escape(_time_label(t, high))}</text>')
    parts.append(f'<line x1="{_f(x0)}" y1="{_f(y)}" x2="{_f(x0 + high * px_per_s)}" y2="{_f(y)}" stroke="#444"/>')
    parts.append(
        f'<text x="{_f(x0 + high * px_per_s / 2)}" y="{_f(y + 32)}" text-anchor="middle" fill="#444">'
        f"{escape(title)}</text>"
    )


def timeline_svg(
    steps: Sequence[StepResult],
    comfort_events: Sequence[ComfortEvent] = (),
    current: StepStarted | None = None,
    end_s: float | None = None,
) -> str:
    """The step timeline: one row per finished step (in recording order), a horizontal bar from its start to its
    end on the session clock (seconds) coloured by outcome; ``current`` (a step that started and never finished)
    as an outlined bar to ``end_s``; comfort events as marked vertical lines."""
    high = max(
        [end_s or 0.0]
        + [s.ended for s in steps if s.ended is not None]
        + [e.time for e in comfort_events if e.time is not None]
        + ([current.time] if current else []),
        default=0.0,
    )
    high = _time_ticks(max(high, 1.0))[-1]
    rows = len(steps) + (1 if current else 0)
    left, right, top, row_h = 190.0, 20.0, 46.0, 22.0
    bottom = top + max(rows, 1) * row_h
    height = bottom + 70
    px_per_s = (WIDTH - left - right) / high
    parts = [
        _svg_open(
            WIDTH,
            height,
            f"Timeline of {len(steps)} steps on the session clock",
            {"x0": left, "px-per-s": px_per_s},
            "timeline",
        )
    ]
    _x_axis(parts, left, px_per_s, bottom, top, high, "session time (paused time not counted)")

    def label(row: int, text: str, full: str) -> None:
        short = text if len(text) <= 26 else text[:25] + "…"
        y = top + row * row_h + row_h / 2 + 4
        parts.append(f'<text x="{_f(left - 8)}" y="{_f(y)}" text-anchor="end"><title>{escape(full)}</title>')
        parts.append(f"{escape(short)}</text>")

    for row, step in enumerate(steps):
        start = step.started or 0.0
        end = step.ended if step.ended is not None else start
        x, w = left + start * px_per_s, max((end - start) * px_per_s, 2.0)
        colour = OUTCOME_COLOURS.get(step.outcome, "#555555")
        tip = f"{step.index + 1}. {step.step_id}: {step.outcome}, {clock(start)} to {clock(end)}"
        label(row, f"{step.index + 1}. {step.step_id}", tip)
        parts.append(
            f'<rect class="step {_attr(step.outcome)}" x="{_f(x)}" y="{_f(top + row * row_h + 3)}" width="{_f(w)}" '
            f'height="{_f(row_h - 6)}" fill="{colour}" data-step="{_attr(step.step_id)}"><title>{escape(tip)}</title>'
            "</rect>"
        )
    if current is not None:
        row = len(steps)
        end = max(end_s or current.time, current.time)
        x, w = left + current.time * px_per_s, max((end - current.time) * px_per_s, 2.0)
        tip = f"{current.index + 1}. {current.step_id}: started at {clock(current.time)}, never finished"
        label(row, f"{current.index + 1}. {current.step_id}", tip)
        parts.append(
            f'<rect class="step unfinished" x="{_f(x)}" y="{_f(top + row * row_h + 3)}" width="{_f(w)}" '
            f'height="{_f(row_h - 6)}" fill="none" stroke="#555" stroke-dasharray="4 3"><title>{escape(tip)}</title>'
            "</rect>"
        )
    for n, event in enumerate(e for e in comfort_events if e.time is not None):
        x = left + event.time * px_per_s
        tip = f"{event.kind} at {clock(event.time)}" + (f" during {event.step_id}" if event.step_id else "")
        tip += f": {event.detail}" if event.detail else ""
        label_y = top - 8 - (n % 2) * 14  # alternate heights so neighbouring labels do not overlap
        parts.append(
            f'<g class="comfort" data-kind="{_attr(event.kind)}"><title>{escape(tip)}</title>'
            f'<line x1="{_f(x)}" y1="{_f(label_y + 3)}" x2="{_f(x)}" y2="{_f(bottom)}" stroke="{COMFORT_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="{_f(x + 3)}" y="{_f(label_y)}" fill="#7a3b63">{escape(event.kind)}</text></g>'
        )
    # Legend: only the outcomes that occur, so it reads as a key to this session.
    shown = [o for o in OUTCOME_COLOURS if any(s.outcome == o for s in steps)]
    x = left
    y = bottom + 48
    for outcome in shown:
        parts.append(f'<rect x="{_f(x)}" y="{_f(y - 10)}" width="12" height="12" fill="{OUTCOME_COLOURS[outcome]}"/>')
        parts.append(f'<text x="{_f(x + 16)}" y="{_f(y)}">{escape(outcome)}</text>')
        x += 30 + 7 * len(outcome)
    if current is not None:
        parts.append(
            f'<rect x="{_f(x)}" y="{_f(y - 10)}" width="12" height="12" fill="none" stroke="#555" '
            'stroke-dasharray="3 2"/>'
        )
        parts.append(f'<text x="{_f(x + 16)}" y="{_f(y)}">never finished</text>')
        x += 120
    if comfort_events:
        parts.append(
            f'<line x1="{_f(x)}" y1="{_f(y - 10)}" x2="{_f(x)}" y2="{_f(y + 2)}" stroke="{COMFORT_COLOUR}" '
            'stroke-width="2"/>'
        )
        parts.append(f'<text x="{_f(x + 6)}" y="{_f(y)}">comfort event</text>')
    parts.append("</svg>")
    return "".join(parts)


def decimate(trace: Sequence[tuple[float, float]], columns: int) -> list[tuple[float, float]]:
    """At most about ``2 * columns`` points of ``trace`` ((t, value) pairs in time order) that draw the same line
    at ``columns`` pixels wide: each column keeps its lowest and highest sample, in time order, so peaks survive."""
    if len(trace) <= 2 * columns:
        return list(trace)
    t0, t1 = trace[0][0], trace[-1][0]
    span = (t1 - t0) or 1.0
    kept: list[tuple[float, float]] = []
    bucket: list[tuple[float, float]] = []
    column = 0
    for point in trace:
        c = min(columns - 1, int((point[0] - t0) / span * columns))
        if c != column and bucket:
            kept.extend(_extremes(bucket))
            bucket = []
        column = c
        bucket.append(point)
    kept.extend(_extremes(bucket))
    return kept


def _extremes(bucket: list[tuple[float, float]]) -> list[tuple[float, float]]:
    low = min(bucket, key=lambda p: p[1])
    high = max(bucket, key=lambda p: p[1])
    return sorted({low, high}, key=lambda p: p[0])


def stillness_svg(summary: StillnessSummary, yellow_fraction: float = 0.5, red_fraction: float = 1.0) -> str:
    """A hold-still step's head displacement (mm) against time into the attempt (s): the trace as a polyline
    (class ``trace``), the threshold as a dashed line (class ``threshold``), the yellow zone (``yellow_fraction``
    to ``red_fraction`` of the threshold) and the red zone above it shaded, the peak marked (class ``peak``, at the
    summary's peak value), and the moment the threshold was first exceeded."""
    trace = [(float(t), float(mm)) for t, mm in summary.trace if t is not None and mm is not None]
    threshold = summary.threshold_mm or 0.0
    peak = summary.peak_mm if summary.peak_mm is not None else max((mm for _, mm in trace), default=0.0)
    yellow_mm, red_mm = threshold * yellow_fraction, threshold * red_fraction
    x_high = _time_ticks(max([summary.duration_s or 0.0, 1.0] + [t for t, _ in trace]))[-1]
    y_high = nice_ticks(max(threshold * 1.25, peak * 1.1, red_mm * 1.1, 0.5), 5)[-1]
    left, right, top, plot_h = 60.0, 20.0, 16.0, 200.0
    bottom = top + plot_h
    px_per_s = (WIDTH - left - right) / x_high
    px_per_mm = plot_h / y_high

    def x_of(t: float) -> float:
        return left + t * px_per_s

    def y_of(mm: float) -> float:
        return bottom - min(mm, y_high) * px_per_mm

    label = (
        f"Head displacement during the step: peak {peak:.1f} mm against a threshold of {threshold:g} mm "
        f"over {summary.duration_s:g} s"
    )
    parts = [
        _svg_open(
            WIDTH,
            bottom + 48,
            label,
            {"x0": left, "px-per-s": px_per_s, "y0": bottom, "px-per-mm": px_per_mm},
            "stillness",
        )
    ]
    plot_w = x_high * px_per_s
    # Zones first, so lines and labels draw over them; solid light colours (no opacity) print the same everywhere.
    parts.append(
        f'<rect class="yellow-zone" x="{_f(left)}" y="{_f(y_of(red_mm))}" width="{_f(plot_w)}" '
        f'height="{_f(y_of(yellow_mm) - y_of(red_mm))}" fill="#FAF0A0"><title>yellow zone: '
        f"{yellow_mm:.1f} to {red_mm:.1f} mm</title></rect>"
    )
    parts.append(
        f'<rect class="red-zone" x="{_f(left)}" y="{_f(top)}" width="{_f(plot_w)}" height="{_f(y_of(red_mm) - top)}" '
        f'fill="#F6D5C2"><title>red zone: above {red_mm:.1f} mm</title></rect>'
    )
    for mm in nice_ticks(y_high, 5):
        y = y_of(mm)
        parts.append(f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(left + plot_w)}" y2="{_f(y)}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{_f(left - 6)}" y="{_f(y + 4)}" text-anchor="end">{mm:g}</text>')
    parts.append(
        f'<text x="14" y="{_f(top + plot_h / 2)}" text-anchor="middle" fill="#444" '
        f'transform="rotate(-90 14 {_f(top + plot_h / 2)})">mm</text>'
    )
    parts.append(f'<line x1="{_f(left)}" y1="{_f(top)}" x2="{_f(left)}" y2="{_f(bottom)}" stroke="#444"/>')
    _x_axis(parts, left, px_per_s, bottom, top, x_high, "time into the attempt")
    y = y_of(threshold)
    parts.append(
        f'<line class="threshold" x1="{_f(left)}" y1="{_f(y)}" x2="{_f(left + plot_w)}" y2="{_f(y)}" '
        f'stroke="#A1330B" stroke-width="2" stroke-dasharray="8 4" data-mm="{threshold!r}"/>'
        f'<text x="{_f(left + plot_w - 4)}" y="{_f(y - 5)}" text-anchor="end" fill="#A1330B">'
        f"threshold {threshold:g} mm</text>"
    )
    if trace:
        points = " ".join(f"{_f(x_of(t))},{_f(y_of(mm))}" for t, mm in decimate(trace, int(plot_w)))
        parts.append(
            f'<polyline class="trace" points="{points}" fill="none" stroke="#0072B2" stroke-width="1.5" '
            'stroke-linejoin="round"/>'
        )
        t_peak = max(trace, key=lambda p: p[1])[0]
        px, py = x_of(t_peak), y_of(peak)
        anchor = "end" if px > left + plot_w * 0.7 else "start"
        dx = -8 if anchor == "end" else 8
        parts.append(
            f'<circle class="peak" cx="{_f(px)}" cy="{_f(py)}" r="4" fill="none" stroke="#000" stroke-width="1.5" '
            f'data-mm="{peak!r}"/><text x="{_f(px + dx)}" y="{_f(max(py - 6, top + 10))}" text-anchor="{anchor}">'
            f"peak {peak:.1f} mm at {t_peak:.1f} s</text>"
        )
    else:
        parts.append(
            f'<text x="{_f(left + plot_w / 2)}" y="{_f(top + plot_h / 2)}" text-anchor="middle" fill="#444">'
            "no displacement trace was recorded for this step</text>"
        )
    if summary.exceeded_at_s is not None:
        x = x_of(summary.exceeded_at_s)
        parts.append(
            f'<line class="exceeded" x1="{_f(x)}" y1="{_f(top)}" x2="{_f(x)}" y2="{_f(bottom)}" stroke="#D55E00" '
            f'stroke-width="1.5"/><text x="{_f(x + 4)}" y="{_f(bottom - 6)}" fill="#A1330B">'
            f"exceeded at {summary.exceeded_at_s:.1f} s</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
