"""``python main.py report``: write a session's report, list sessions, and say what to do when a name is wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import main
from tests.records.sessions import mri_items, record_all
from xrapp.records import RecordStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path):
    """A records file with a completed session and, newer, one that ended unexpectedly; returns (path, ids)."""
    path = tmp_path / "records.sqlite"
    with RecordStore(path) as store:
        done = record_all(store)
        done.close("completed")
        crashed = record_all(store, mri_items()[:4], participant="MRI-0043")
        crashed_id = crashed.session_id
        store._recorders.clear()  # as if the process died: never closed
    return path, (done.session_id, crashed_id)


def test_report_writes_the_three_files(db, tmp_path, capsys):
    path, (session_id, _) = db
    out = tmp_path / "out"
    assert main.main(["report", session_id, "--db", str(path), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"{session_id}-report.html", f"{session_id}-session.json", f"{session_id}-steps.csv"]
    assert f"{session_id}-report.html" in capsys.readouterr().out


def test_report_writes_only_the_formats_asked(db, tmp_path):
    path, (session_id, _) = db
    assert main.main(["report", session_id, "--db", str(path), "--out", str(tmp_path), "--format", "csv"]) == 0
    assert [p.name for p in tmp_path.glob(f"{session_id}*")] == [f"{session_id}-steps.csv"]


def test_an_unknown_format_is_refused_with_the_known_ones(db, capsys):
    path, (session_id, _) = db
    with pytest.raises(SystemExit) as exit_:
        main.main(["report", session_id, "--db", str(path), "--format", "html,pdf"])
    assert exit_.value.code == 2
    assert "from html, csv, json" in capsys.readouterr().err


def test_an_unknown_session_exits_2_naming_the_latest(db, capsys):
    path, (done, crashed) = db
    assert main.main(["report", "20000101-000000-dead", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "no session '20000101-000000-dead'" in err
    assert err.index(crashed) < err.index(done)  # newest first


def test_a_unique_start_of_an_id_is_enough(db, tmp_path):
    path, (done, _) = db
    with RecordStore(path) as store:
        others = [s.session_id for s in store.sessions() if s.session_id != done]
    prefix = next(done[:n] for n in range(len(done) + 1) if not any(o.startswith(done[:n]) for o in others))
    assert main.main(["report", prefix, "--db", str(path), "--out", str(tmp_path), "--format", "json"]) == 0
    assert (tmp_path / f"{done}-session.json").exists()


def test_a_missing_database_exits_2_and_creates_nothing(tmp_path, capsys):
    missing = tmp_path / "none.sqlite"
    assert main.main(["report", "--list", "--db", str(missing)]) == 2
    assert "no records at" in capsys.readouterr().err
    assert not missing.exists()


def test_neither_a_session_nor_list_exits_2(db, capsys):
    path, _ = db
    assert main.main(["report", "--db", str(path)]) == 2
    assert "--list" in capsys.readouterr().err


def test_list_shows_each_session_and_how_it_ended(db, capsys, monkeypatch):
    path, (done, crashed) = db
    monkeypatch.setenv("REHEARSE_DB", str(path))  # the default database
    assert main.main(["report", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [crashed, done]
    assert "ended unexpectedly" in lines[0] and "MRI-0043" in lines[0] and "2 steps" in lines[0]
    assert "completed" in lines[1] and "score 45 %" in lines[1]


def test_the_exit_codes_reach_the_shell(db, tmp_path):
    path, (done, _) = db

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "report", *args, "--db", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,  # the default --out is ./out
        )

    assert run("20000101-000000-dead").returncode == 2
    written = run(done)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "out" / f"{done}-report.html").exists()
