"""The session report: HTML a nurse can read (with plots that show the recorded numbers), CSV and JSON."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET

import pytest

from interactions.procedure.results import StepResult, StillnessSummary
from tests.records.sessions import PEAK_MM, THRESHOLD_MM, finished_steps, hold_still_summary, mri_items, record_all
from xrapp.records import RecordStore
from xrapp.records.export import CSV_COLUMNS
from xrapp.records.plots import OUTCOME_COLOURS, stillness_svg
from xrapp.records.report import session_html, write_report

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "records.sqlite") as opened:
        yield opened


@pytest.fixture
def session(store):
    recorder = record_all(store, review_status="pending", review_note="check the breath-hold wording")
    recorder.close("completed")
    return store.session(recorder.session_id)


def svgs(html: str) -> list[ET.Element]:
    """Every inline SVG of the page, parsed as XML (which also proves it is well-formed)."""
    return [ET.fromstring(text) for text in re.findall(r"<svg .*?</svg>", html, re.S)]


def plotted_mm(svg: ET.Element, y: float) -> float:
    return (float(svg.get("data-y0")) - y) / float(svg.get("data-px-per-mm"))


def plotted_s(svg: ET.Element, x: float) -> float:
    return (x - float(svg.get("data-x0"))) / float(svg.get("data-px-per-s"))


def test_the_header_says_who_what_and_how_it_went(session):
    html = session_html(session)
    for text in ("MRI-0042", "MRI rehearsal (mri-rehearsal)", "child", "ko (Korean)", "2:10 of session time"):
        assert text in html
    assert "Completed: 5 steps finished" in html
    assert "45 %" in html
    assert "pending; check the breath-hold wording" in html
    assert "needs review by a clinician" in html


def test_the_step_table_has_a_row_per_step_with_its_numbers(session):
    html = session_html(session)
    rows = re.findall(r'<tr class="step (\w+)" data-step="([^"]+)">(.*?)</tr>', html, re.S)
    assert [(outcome, step_id) for outcome, step_id, _ in rows] == [
        (s.outcome, s.step_id) for s in finished_steps(mri_items())
    ]
    quiz = re.findall(r"<td[^>]*>(.*?)</td>", rows[1][2])
    # #, step, type, outcome, attempts, errors, hints, score, duration, started, notes
    assert quiz[4:10] == ["2", "1", "0", "50 %", "0:14", "0:08"]
    assert "answers: quiz_option_2, quiz_option_1" in quiz[10]


def test_the_stillness_plot_shows_the_threshold_the_yellow_zone_and_the_peak(session):
    plots = [svg for svg in svgs(session_html(session)) if svg.get("class") == "stillness"]
    assert len(plots) == 2  # one per hold-still step
    plot = plots[0]
    threshold = plot.find(f"{SVG}line[@class='threshold']")
    assert plotted_mm(plot, float(threshold.get("y1"))) == pytest.approx(THRESHOLD_MM, abs=0.01)
    assert threshold.get("y1") == threshold.get("y2")
    points = [
        tuple(map(float, p.split(","))) for p in plot.find(f"{SVG}polyline[@class='trace']").get("points").split()
    ]
    assert len(points) == len(hold_still_summary().trace)
    top = min(points, key=lambda p: p[1])  # y grows downwards
    assert plotted_mm(plot, top[1]) == pytest.approx(PEAK_MM, abs=0.01)
    assert plotted_s(plot, top[0]) == pytest.approx(41.0, abs=0.01)
    peak = plot.find(f"{SVG}circle[@class='peak']")
    assert (float(peak.get("cx")), float(peak.get("cy"))) == pytest.approx(top)
    yellow = plot.find(f"{SVG}rect[@class='yellow-zone']")
    y = float(yellow.get("y"))
    assert plotted_mm(plot, y) == pytest.approx(THRESHOLD_MM, abs=0.01)  # red_fraction 1.0
    assert plotted_mm(plot, y + float(yellow.get("height"))) == pytest.approx(0.5 * THRESHOLD_MM, abs=0.01)


def test_the_failed_block_marks_when_the_threshold_was_exceeded(session):
    plot = [svg for svg in svgs(session_html(session)) if svg.get("class") == "stillness"][1]
    exceeded = plot.find(f"{SVG}line[@class='exceeded']")
    assert plotted_s(plot, float(exceeded.get("x1"))) == pytest.approx(8.6, abs=0.01)
    yellow = plot.find(f"{SVG}rect[@class='yellow-zone']")  # this step's own yellow fraction: 0.6
    assert plotted_mm(plot, float(yellow.get("y")) + float(yellow.get("height"))) == pytest.approx(2.4, abs=0.01)


def test_the_timeline_draws_each_step_in_its_outcome_colour_and_the_comfort_events(session):
    (timeline,) = [svg for svg in svgs(session_html(session)) if svg.get("class") == "timeline"]
    bars = timeline.findall(f"{SVG}rect[@data-step]")
    steps = finished_steps(mri_items())
    assert [b.get("data-step") for b in bars] == [s.step_id for s in steps]
    for bar, step in zip(bars, steps, strict=True):
        assert bar.get("fill") == OUTCOME_COLOURS[step.outcome]
        # Coordinates are kept to 0.1 px: a few hundredths of a second at this scale.
        assert plotted_s(timeline, float(bar.get("x"))) == pytest.approx(step.started, abs=0.05)
        end = plotted_s(timeline, float(bar.get("x")) + float(bar.get("width")))
        assert end == pytest.approx(step.ended, abs=0.05)
    events = timeline.findall(f"{SVG}g[@class='comfort']")
    assert [e.get("data-kind") for e in events] == ["pause", "resume"]
    assert plotted_s(timeline, float(events[0].find(f"{SVG}line").get("x1"))) == pytest.approx(25.0, abs=0.01)


def test_the_page_is_self_contained(session):
    html = session_html(session)
    assert "<script" not in html.lower()
    assert not re.search(r"(src|href)=", html)
    assert set(re.findall(r"https?://[^\s\"']+", html)) == {"http://www.w3.org/2000/svg"}  # a namespace, not a link


def test_recorded_text_cannot_inject_markup(store):
    evil = "<script>alert(1)</script>"
    recorder = store.open_session(
        participant="MRI-0042",
        scenario_id="x",
        scenario_title=f'MRI "{evil}" & more',
        scenario_hash="h",
        track="<b>child</b>",
        language="ko",
    )
    recorder.record(
        StepResult(evil, "hold_still", 0, 0.0, 5.0, "passed", stillness=hold_still_summary(), details={"note": evil})
    )
    html = session_html(store.session(recorder.session_id))
    assert "<script" not in html and "<b>child" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(svgs(html)) == 2  # still well-formed


def test_a_long_trace_is_drawn_light_and_keeps_its_peak():
    trace = tuple((i / 8, 1.0 + (2.5 if i == 12_345 else 0.0)) for i in range(28_800))  # an hour at 8 Hz
    summary = StillnessSummary(4.0, 3600.0, 3.5, 1.0, 0.0, 0.0, None, len(trace), trace)
    plot = ET.fromstring(stillness_svg(summary))
    points = [tuple(map(float, p.split(","))) for p in plot.find(f"{SVG}polyline").get("points").split()]
    assert len(points) <= 2 * 880
    top = min(points, key=lambda p: p[1])
    assert plotted_mm(plot, top[1]) == pytest.approx(3.5, abs=0.01)
    assert plotted_s(plot, top[0]) == pytest.approx(12_345 / 8, abs=0.5)


def test_the_csv_has_one_row_per_step(store, session, tmp_path):
    files = write_report(store, session.session_id, tmp_path / "out", ["csv"])
    assert list(files) == ["steps"]
    with files["steps"].open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        assert tuple(reader.fieldnames) == CSV_COLUMNS
        rows = list(reader)
    steps = finished_steps(mri_items())
    assert [r["step_id"] for r in rows] == [s.step_id for s in steps]
    assert [r["outcome"] for r in rows] == [s.outcome for s in steps]
    assert [float(r["score"]) for r in rows] == [s.score for s in steps]
    assert float(rows[2]["peak_mm"]) == PEAK_MM and rows[2]["exceeded_at_s"] == ""
    assert float(rows[3]["exceeded_at_s"]) == 8.6
    assert rows[0]["peak_mm"] == ""  # not a hold-still step
    assert json.loads(rows[1]["details"]) == {"answers": ["quiz_option_2", "quiz_option_1"]}
    assert float(rows[2]["duration_s"]) == pytest.approx(69.1)


def test_the_json_holds_the_whole_session(store, session, tmp_path):
    files = write_report(store, session.session_id, tmp_path, ["json"])
    document = json.loads(files["session"].read_text(encoding="utf-8"))
    assert document["format"] == "rehearse-xr-session"
    meta = document["session"]
    assert (meta["id"], meta["participant"], meta["status"]) == (session.session_id, "MRI-0042", "completed")
    assert meta["scenario"] == {"id": "mri-rehearsal", "title": "MRI rehearsal", "hash": session.scenario_hash}
    assert meta["clinical_review"] == {"status": "pending", "note": "check the breath-hold wording"}
    steps = finished_steps(mri_items())
    assert [s["step_id"] for s in document["steps"]] == [s.step_id for s in steps]
    still = document["steps"][2]["stillness"]
    assert still["peak_mm"] == PEAK_MM
    assert [tuple(p) for p in still["trace"]] == list(steps[2].stillness.trace)
    assert document["comfort_events"][0] == {
        "kind": "pause",
        "time_s": 25.0,
        "step_id": "scan_t1",
        "detail": "call button",
    }
    assert document["unfinished_step"] is None


def test_all_three_files_are_written(store, session, tmp_path):
    files = write_report(store, session.session_id, tmp_path / "new" / "dir", prefix="s1-")
    assert sorted(p.name for p in files.values()) == ["s1-report.html", "s1-session.json", "s1-steps.csv"]
    assert all(p.stat().st_size > 0 for p in files.values())


def test_an_unfinished_session_shows_the_step_it_stopped_in(store):
    recorder = record_all(store, mri_items()[:10])  # scan_t2 started, never finished
    html = session_html(store.session(recorder.session_id))
    assert "In progress: 3 steps finished so far, during step 4 (scan_t2)" in html
    assert re.search(r'<tr class="unfinished" data-step="scan_t2">.*?never finished', html)
    (timeline,) = [svg for svg in svgs(html) if svg.get("class") == "timeline"]
    assert timeline.find(f"{SVG}rect[@class='step unfinished']") is not None
