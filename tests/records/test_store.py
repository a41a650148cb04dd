"""The records store: what is written reads back the same, durably, and failures never damage what was saved."""

from __future__ import annotations

import re
import sqlite3

import numpy as np
import pytest

from interactions.procedure.results import ComfortEvent, StepResult, StepStarted
from tests.records.sessions import SESSION, finished_steps, mri_items, record_all
from xrapp.records import RecordError, RecordStore, UnknownSessionError, schema
from xrapp.records.store import default_db_path


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "records.sqlite") as opened:
        yield opened


def test_a_session_reads_back_as_the_engine_reported_it(store):
    items = mri_items()
    recorder = record_all(store, items)
    recorder.close("completed")
    data = store.session(recorder.session_id)
    assert data.steps == tuple(finished_steps(items))  # stillness summaries and traces included
    assert data.comfort_events == tuple(i for i in items if isinstance(i, ComfortEvent))
    assert (data.participant, data.scenario_id, data.scenario_title) == ("MRI-0042", "mri-rehearsal", "MRI rehearsal")
    assert (data.scenario_hash, data.track, data.language) == (SESSION["scenario_hash"], "child", "ko")
    assert data.total_score == pytest.approx(0.45)
    assert data.finished_s == pytest.approx(129.6)
    assert data.status == "completed" and data.end_reason == "completed" and data.ended_at is not None
    assert data.current_step is None
    assert data.started_at.endswith("+00:00")  # UTC
    assert data.app_version


def test_the_database_is_in_wal_mode_with_full_sync_and_marked_as_records(tmp_path):
    path = tmp_path / "records.sqlite"
    RecordStore(path).close()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # WAL persists in the file
    assert connection.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert connection.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    with RecordStore(path) as store:
        assert store._connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_each_finished_step_is_committed_at_once(store, tmp_path):
    recorder = store.open_session(**SESSION)
    items = mri_items()
    recorder.record(items[0])
    recorder.record(items[1])
    recorder.record(items[5])  # a comfort event
    # Another connection (another process) sees them before the session ends.
    other = sqlite3.connect(tmp_path / "records.sqlite")
    assert other.execute("SELECT step_id FROM steps").fetchall() == [("welcome",)]
    assert other.execute("SELECT kind FROM comfort_events").fetchall() == [("pause",)]


def test_session_ids_are_readable_and_unique(store):
    ids = {store.open_session(**SESSION).session_id for _ in range(20)}
    assert len(ids) == 20
    assert all(re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{4}", i) for i in ids)


def test_sessions_are_listed_newest_first_with_their_status(store):
    first = record_all(store)
    first.close("completed")
    second = record_all(store, mri_items()[:3], participant="MRI-0043")
    second.close("ended_early")
    third = record_all(store, mri_items()[:4], participant="MRI-0044")
    listed = store.sessions()
    assert [s.session_id for s in listed] == [third.session_id, second.session_id, first.session_id]
    assert [s.status for s in listed] == ["in_progress", "ended_early", "completed"]
    assert [s.steps_finished for s in listed] == [2, 1, 5]


def test_a_started_step_shows_as_unfinished_until_its_result(store):
    recorder = store.open_session(**SESSION)
    recorder.record(StepStarted("scan_t1", "hold_still", 2, 21.5, attempt=2))
    assert store.session(recorder.session_id).current_step == StepStarted("scan_t1", "hold_still", 2, 21.5, 2)
    recorder.record(StepResult("scan_t1", "hold_still", 2, 21.5, 90.0, "passed"))
    assert store.session(recorder.session_id).current_step is None


def test_a_step_run_twice_by_a_branch_is_kept_twice(store):
    recorder = store.open_session(**SESSION)
    recorder.record(StepResult("quiz", "quiz", 1, 0.0, 5.0, "failed", score=0.0))
    recorder.record(StepResult("quiz", "quiz", 1, 5.0, 9.0, "passed"))
    assert [s.outcome for s in store.session(recorder.session_id).steps] == ["failed", "passed"]


def test_numpy_numbers_and_odd_details_do_not_cost_a_step(store):
    recorder = store.open_session(**SESSION)
    step = StepResult(
        "ppe",
        "sequence",
        np.int64(3),
        np.float32(1.5),
        np.float64(9.25),
        "failed",
        attempts=np.int64(1),
        errors=np.int32(2),
        score=np.float32(0.5),
        details={"order_errors": np.int64(2), "order": np.array([1, 0]), "items": {"gown"}, "when": float("nan")},
    )
    recorder.record(step)
    (back,) = store.session(recorder.session_id).steps
    assert (back.index, back.started, back.ended, back.errors, back.score) == (3, 1.5, 9.25, 2, 0.5)
    assert back.details["order_errors"] == 2 and back.details["order"] == [1, 0] and back.details["items"] == ["gown"]
    assert back.details["when"] is None  # NaN is stored as "not known", which every JSON reader accepts


def test_a_closed_session_refuses_more(store):
    recorder = store.open_session(**SESSION)
    recorder.close()
    recorder.close()  # twice is harmless
    with pytest.raises(RecordError, match="closed"):
        recorder.record(mri_items()[1])


def test_an_unknown_session_names_the_latest(store):
    recorder = store.open_session(**SESSION)
    with pytest.raises(UnknownSessionError) as error:
        store.session("20000101-000000-0000")
    assert error.value.latest == [recorder.session_id]
    assert recorder.session_id in str(error.value)


def test_a_locked_database_raises_a_clear_error_and_keeps_what_was_saved(tmp_path):
    path = tmp_path / "records.sqlite"
    store = RecordStore(path, timeout_s=0.05)
    recorder = record_all(store, mri_items()[:2])
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another program holds the file
    quiz = finished_steps(mri_items())[1]
    with pytest.raises(RecordError, match="busy") as error:
        recorder.record(quiz)
    assert "intact" in str(error.value)
    blocker.execute("ROLLBACK")
    blocker.close()
    assert [s.step_id for s in store.session(recorder.session_id).steps] == ["welcome"]
    recorder.record(quiz)  # the same item again, once the file is free
    assert [s.step_id for s in store.session(recorder.session_id).steps] == ["welcome", "quiz_call_button"]
    store.close()


def test_a_full_disk_raises_a_clear_error_and_keeps_what_was_saved(store):
    recorder = record_all(store, mri_items()[:2])
    pages = store._connection.execute("PRAGMA page_count").fetchone()[0]
    store._connection.execute(f"PRAGMA max_page_count = {pages}")  # what a full disk looks like to SQLite
    big = StepResult("scan_t1", "hold_still", 2, 8.0, 60.0, "passed", details={"notes": "x" * 200_000})
    with pytest.raises(RecordError, match="disk is full"):
        recorder.record(big)
    store._connection.execute("PRAGMA max_page_count = 1073741823")
    assert store._connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [s.step_id for s in store.session(recorder.session_id).steps] == ["welcome"]
    recorder.record(big)
    assert len(store.session(recorder.session_id).steps) == 2


def test_an_unwritable_path_says_so(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(RecordError, match="cannot create the folder.*--db"):
        RecordStore(blocker / "records" / "records.sqlite")
    with pytest.raises(RecordError, match="is a folder"):
        RecordStore(tmp_path)


def test_a_file_that_is_not_records_is_refused_and_left_alone(tmp_path):
    text = tmp_path / "notes.sqlite"
    text.write_bytes(b"patient notes, not a database at all" * 100)
    with pytest.raises(RecordError, match="not a Rehearse XR records file"):
        RecordStore(text)
    assert text.read_bytes() == b"patient notes, not a database at all" * 100

    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE appointments (day TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(RecordError, match="another program"):
        RecordStore(other)
    assert sqlite3.connect(other).execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL


def test_a_missing_file_is_not_created_for_reading(tmp_path):
    with pytest.raises(RecordError, match="no records at"):
        RecordStore(tmp_path / "none.sqlite", create=False)
    assert not (tmp_path / "none.sqlite").exists()


def test_a_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "records.sqlite"
    RecordStore(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    with pytest.raises(RecordError, match="newer Rehearse XR"):
        RecordStore(path)


def test_an_older_schema_is_migrated_when_opened(tmp_path, monkeypatch):
    path = tmp_path / "records.sqlite"
    with RecordStore(path) as store:
        record_all(store).close()

    def add_consent_column(connection):
        connection.execute("ALTER TABLE sessions ADD COLUMN consent TEXT")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION - 1, add_consent_column)
    with RecordStore(path) as store:
        assert store._connection.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        columns = [row[1] for row in store._connection.execute("PRAGMA table_info(sessions)")]
        assert "consent" in columns
        assert len(store.sessions()[0:1]) == 1 and store.sessions()[0].steps_finished == 5


def test_a_failed_migration_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "records.sqlite"
    with RecordStore(path) as store:
        record_all(store).close()

    def broken(connection):
        connection.execute("ALTER TABLE sessions ADD COLUMN consent TEXT")
        connection.execute("THIS IS NOT SQL")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION - 1, broken)
    with pytest.raises(RecordError):
        RecordStore(path)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION - 1
    assert "consent" not in [row[1] for row in connection.execute("PRAGMA table_info(sessions)")]


def test_the_default_database_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("REHEARSE_DB", str(tmp_path / "clinic.sqlite"))
    assert default_db_path() == tmp_path / "clinic.sqlite"
    monkeypatch.delenv("REHEARSE_DB")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_db_path() == tmp_path / ".local" / "share" / "rehearse-xr" / "records.sqlite"
