"""Raw head and hand motion identifies people: stored only for sessions opened with record_motion=True."""

from __future__ import annotations

import sqlite3

import pytest

from interactions.input import Pose
from tests.records.sessions import SESSION, mri_items
from xrapp.records import MotionNotEnabledError, RecordStore
from xrapp.records.store import MOTION_FLUSH_SAMPLES

HEAD = Pose((0.0, 1.6, 0.0), (0.0, 0.0, 0.0, 1.0))
RIGHT = Pose((0.2, 1.1, -0.3), (0.0, 0.7071, 0.0, 0.7071))


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "records.sqlite") as opened:
        yield opened


def test_motion_is_refused_when_not_enabled(store):
    recorder = store.open_session(**SESSION)
    with pytest.raises(MotionNotEnabledError, match="consent"):
        recorder.record_motion(0.0, HEAD, None, RIGHT)
    recorder.close()
    assert store.motion(recorder.session_id) == []
    assert store.session(recorder.session_id).motion_samples == 0


def test_the_file_itself_refuses_motion_for_a_session_without_consent(store):
    recorder = store.open_session(**SESSION)
    with pytest.raises(sqlite3.IntegrityError, match="record_motion"):
        store._connection.execute(
            "INSERT INTO motion_samples (session_id, t_s, head_px, head_py, head_pz, head_qx, head_qy, head_qz, "
            "head_qw) VALUES (?, 0, 0, 0, 0, 0, 0, 0, 1)",
            (recorder.session_id,),
        )


def test_motion_is_stored_when_enabled(store):
    recorder = store.open_session(**SESSION, record_motion=True)
    for i in range(10):
        recorder.record_motion(i / 90, HEAD, None if i % 2 else RIGHT, RIGHT)
    recorder.close()
    samples = store.motion(recorder.session_id)
    assert len(samples) == 10
    t, head, left, right = samples[2]
    assert t == pytest.approx(2 / 90)
    assert head == HEAD and left == RIGHT and right == RIGHT
    assert samples[1][2] is None  # an untracked hand stays unknown, not a pose at the origin
    data = store.session(recorder.session_id)
    assert data.record_motion and data.motion_samples == 10


def test_motion_is_written_in_batches_and_with_each_step(store, tmp_path):
    recorder = store.open_session(**SESSION, record_motion=True)
    other = sqlite3.connect(tmp_path / "records.sqlite")

    def stored() -> int:
        return other.execute("SELECT count(*) FROM motion_samples").fetchone()[0]

    for i in range(MOTION_FLUSH_SAMPLES - 1):
        recorder.record_motion(i / 90, HEAD, None, None)
    assert stored() == 0  # held in memory: one disk sync per frame would cost more than the frame
    recorder.record_motion(1.0, HEAD, None, None)
    assert stored() == MOTION_FLUSH_SAMPLES
    recorder.record_motion(1.1, HEAD, None, None)
    recorder.record(mri_items()[1])  # a finished step takes the batch with it
    assert stored() == MOTION_FLUSH_SAMPLES + 1
