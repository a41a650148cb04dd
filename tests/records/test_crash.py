"""A session whose process is killed mid-step keeps every finished step, and reads back as ended unexpectedly."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.records.sessions import finished_steps, mri_items
from xrapp.records import RecordStore
from xrapp.records.report import session_html

ROOT = Path(__file__).resolve().parents[2]

# Records the first three finished steps of the synthetic session (and its comfort events), starts the fourth, begins
# writing a step that will never commit, and kills itself with SIGKILL: no handler, no atexit, no close.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from interactions.procedure.results import StepResult
    from tests.records.sessions import SESSION, mri_items
    from xrapp.records import RecordStore

    store = RecordStore(sys.argv[1])
    recorder = store.open_session(**SESSION)
    finished = 0
    for item in mri_items():
        recorder.record(item)
        finished += isinstance(item, StepResult)
        if finished == 3:
            break
    recorder.record(mri_items()[9])  # StepStarted of scan_t2: the step in progress
    store._connection.execute("BEGIN IMMEDIATE")
    store._connection.execute(
        "INSERT INTO steps (session_id, seq, step_index, step_id, step_type, outcome) "
        "VALUES (?, 3, 3, 'half', 'x', 'y')",
        (recorder.session_id,),
    )
    print(recorder.session_id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_killed_session_keeps_every_finished_step(tmp_path):
    path = tmp_path / "records.sqlite"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    session_id = child.stdout.strip()
    with RecordStore(path) as store:
        data = store.session(session_id)
        assert data.steps == tuple(finished_steps(mri_items())[:3])
        assert [e.kind for e in data.comfort_events] == ["pause", "resume"]
        assert data.ended_at is None and data.status == "ended_unexpectedly"
        assert data.current_step is not None and data.current_step.step_id == "scan_t2"
        assert store.sessions()[0].status == "ended_unexpectedly"
        assert store._connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        html = session_html(data)
    assert "Ended unexpectedly after step 3 (scan_t1), during step 4 (scan_t2)" in html
    assert "every finished step was saved" in html
