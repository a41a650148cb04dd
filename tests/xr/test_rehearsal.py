"""A rehearsal end to end on the mock runtime: the scene, the interactions, the procedure engine, the records, and a
simulated patient (or a scripted head) going through a short MRI scenario."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from interactions.procedure.results import StepResult
from xrapp.patient import Drift, PatientBehaviour
from xrapp.records import RecordStore
from xrapp.records.report import write_report
from xrapp.rehearsal import Participant
from xrapp.session import run_rehearsal
from xrapp.settings import RunSettings

pytestmark = [pytest.mark.xr, pytest.mark.gl]

ROOT = Path(__file__).resolve().parents[2]
MINI = Path(__file__).parent / "scenarios" / "mini-mri.yaml"
HOLD_STILL_STEPS = ("scan_first", "scan_second")
HZ = 30.0  # a coarse headset: the stillness blocks still get 120 samples of 4 s


def rehearse(tmp_path, patient=None, *, frames=2000, observers=(), **kwargs):
    """Run the mini scenario on the mock; returns (outcome, store)."""
    store = RecordStore(tmp_path / "records.sqlite")
    settings = RunSettings(runtime="mock", graphics="egl", view_size=(48, 48), refresh_hz=HZ, frames=frames)
    outcome = run_rehearsal(
        MINI, Participant("TEST-001", None, "en"), settings, store=store, patient=patient or PatientBehaviour(),
        observers=observers, **kwargs,
    )  # fmt: skip
    return outcome, store


def results(outcome) -> dict[str, StepResult]:
    return {r.step_id: r for r in outcome.rehearsal.results}


def test_a_still_patient_passes_every_block_and_the_session_ends_by_itself(mock_runtime, tmp_path):
    outcome, store = rehearse(tmp_path)
    done = results(outcome)
    assert list(done) == ["welcome", "metal_check", "to_table", "scan_first", "scan_second", "finish"]
    for step in HOLD_STILL_STEPS:
        assert done[step].outcome == "passed", done[step]
        assert done[step].stillness.peak_mm < 2.0
    assert done["metal_check"].outcome == "passed"
    assert outcome.rehearsal.engine.finished
    assert outcome.run.frames_submitted < 2000  # it ended when the procedure did, not at the frame limit
    record = store.session(outcome.session_id)
    assert [s.step_id for s in record.steps] == list(done)
    assert record.status == "completed"


def test_a_patient_who_drifts_6_mm_fails_that_block_and_the_report_shows_the_peak(mock_runtime, tmp_path):
    patient = PatientBehaviour(drifts=(Drift("scan_second", 6.0, at_fraction=0.4),))
    outcome, store = rehearse(tmp_path, patient)
    done = results(outcome)
    assert done["scan_first"].outcome == "passed"
    failed = done["scan_second"]
    assert failed.outcome == "failed" and failed.attempts == 2  # both tries drifted
    assert 5.5 < failed.stillness.peak_mm < 7.0
    assert failed.stillness.exceeded_at_s is not None
    files = write_report(store, outcome.session_id, tmp_path / "report")
    html = files["report"].read_text()
    assert f"{failed.stillness.peak_mm:.1f} mm" in html
    assert "scan_second" in html


def test_focus_loss_pauses_the_procedure_clock(mock_runtime, tmp_path):
    def headset_off_during_the_first_block(app, frame, timing):
        step = app.interactions.engine.state.step_id
        if step == "scan_first" and not hasattr(app, "_off_at"):
            app._off_at = frame.time
            app.mock.lose_focus()
        elif hasattr(app, "_off_at") and not hasattr(app, "_on_at") and frame.time - app._off_at > 3.0:
            app._on_at = frame.time
            app.mock.restore_focus()

    outcome, _ = rehearse(tmp_path, observers=[headset_off_during_the_first_block])
    comfort = [(c.kind, c.step_id) for c in outcome.rehearsal.comfort]
    assert ("focus_lost", "scan_first") in comfort and ("focus_regained", "scan_first") in comfort
    block = results(outcome)["scan_first"]
    assert block.outcome == "passed"
    # The 3 s with the headset off are not in the procedure's clock: the block took its 4 s (and a frame or two).
    assert block.ended - block.started == pytest.approx(4.0, abs=0.2)


def test_a_lost_session_resumes_at_the_step_it_was_on(mock_runtime, tmp_path):
    def lose_the_session_mid_block(app, frame, timing):
        state = app.interactions.engine.state
        if state.step_id == "scan_first" and state.countdown_s < 2.5 and not hasattr(app, "_lost"):
            app._lost = True
            app.mock.lose_session()

    outcome, store = rehearse(tmp_path, observers=[lose_the_session_mid_block])
    assert outcome.run.reconnects == 1
    done = results(outcome)
    assert list(done) == ["welcome", "metal_check", "to_table", "scan_first", "scan_second", "finish"]
    assert done["scan_first"].outcome == "passed"
    assert ("session_lost", "scan_first") in [(c.kind, c.step_id) for c in outcome.rehearsal.comfort]
    assert [s.step_id for s in store.session(outcome.session_id).steps].count("scan_first") == 1


def test_a_trace_written_by_hand_passes_or_fails_one_block(tmp_path):
    """As a clinician checks a threshold: only the block, driven by a head trace in the timeline format."""
    still = "keyframes:\n  - {t: 0, head: {position: [0, 1.6, 0]}}\n  - {t: 8, head: {position: [0.001, 1.6, 0]}}\n"
    drift = "keyframes:\n  - {t: 0, head: {position: [0, 1.6, 0]}}\n  - {t: 2, head: {position: [0, 1.6, 0]}}\n" + (
        "  - {t: 3, head: {position: [0.006, 1.6, 0]}}\n"
    )
    lines = {}
    for name, script in (("still", still), ("drift", drift)):
        trace = tmp_path / f"{name}.yaml"
        trace.write_text(script)
        out = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "run", str(MINI), "--runtime", "mock", "--view-size", "32x32",
             "--refresh-hz", "30", "--start-at", "scan_first", "--only", "--input-script", str(trace),
             "--db", str(tmp_path / "r.sqlite"), "--participant", "TRACE-01", "--language", "en"],
            capture_output=True, text=True, timeout=300, cwd=tmp_path,
            env={**os.environ, "EGL_PLATFORM": "surfaceless"},
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        (lines[name],) = [line for line in out.stdout.splitlines() if " scan_first " in line and " in " in line]
    # "step 4 scan_first passed in 4.0 s (...); head moved at most 0.5 mm (limit 4 mm)"
    assert " passed " in lines["still"] and float(lines["still"].split("at most ")[1].split()[0]) <= 1.0
    assert " failed " in lines["drift"] and "at most 6.0 mm (limit 4 mm)" in lines["drift"]


def test_killing_the_process_mid_scenario_keeps_every_finished_step(tmp_path):
    database = tmp_path / "records.sqlite"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "run", str(MINI), "--runtime", "mock", "--view-size", "32x32",
         "--refresh-hz", "30", "--db", str(database), "--participant", "KILL-01", "--language", "en"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tmp_path,
        env={**os.environ, "EGL_PLATFORM": "surfaceless", "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    finished = []
    deadline = time.monotonic() + 240
    try:
        for line in process.stdout:
            if " started at " not in line and line.startswith("step "):
                finished.append(line.split()[2])
            if "scan_first started" in line or time.monotonic() > deadline:
                break
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert finished == ["welcome", "metal_check", "to_table"]
    with RecordStore(database) as store:
        (summary,) = store.sessions()
        record = store.session(summary.session_id)
    assert [s.step_id for s in record.steps] == finished
    assert record.status == "ended_unexpectedly"


def test_raw_motion_is_stored_only_when_asked(mock_runtime, tmp_path):
    counts = {}
    for asked in (False, True):
        outcome, store = rehearse(tmp_path / str(asked), start_at="scan_first", only=True, record_motion=asked)
        counts[asked] = len(store.motion(outcome.session_id))
        assert [r.step_id for r in outcome.rehearsal.results] == ["scan_first"]
        assert store.session(outcome.session_id).end_reason == "rehearsed one step"
    assert counts[False] == 0
    assert counts[True] >= 4.0 * HZ  # every frame of the 4 s block


def test_the_demo_writes_its_contact_sheet_report_and_sound(mock_runtime, tmp_path):
    from PIL import Image

    from xrapp.audio import LEVEL_CAP_DBFS
    from xrapp.demo import run_demo

    files = run_demo(tmp_path / "out", scenario=str(MINI), language="en", refresh_hz=HZ, view_size=(48, 48))
    assert set(files) == {"records", "contact sheet", "report", "steps", "session", "sound"}
    sheet = Image.open(files["contact sheet"])
    # Six steps, the drifting block twice (two tries), and once more when its feedback turned red: 8 pictures.
    assert sheet.size[0] == 4 * 48 and sheet.size[1] == 2 * (48 + 28)
    assert "scan_second" in files["report"].read_text()
    import wave

    with wave.open(str(files["sound"])) as wav:
        assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (48000, 2, 1)
        frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(float) / 32768
    assert len(frames) / 48000 > 10.0  # the whole session's sound
    assert 20 * np.log10(np.abs(frames).max()) <= LEVEL_CAP_DBFS + 0.1
