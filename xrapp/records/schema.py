"""The records database's schema, its version, and the migrations that bring an older file up to date.

The file is marked as ours with ``PRAGMA application_id`` (so a report never reads some other program's SQLite file
as sessions) and carries its schema version in ``PRAGMA user_version``. :data:`MIGRATIONS` maps a version to the
function that upgrades a database from it to the next; :func:`prepare` runs the ones a file needs, all in one
transaction, so a failed upgrade leaves the file as it was.

Times: ``*_at`` columns are UTC ISO 8601 wall-clock times; ``*_s`` columns are seconds of the session clock (it stands
still while the session is paused). Displacements are millimetres.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x52485852
"""``PRAGMA application_id`` of a Rehearse XR records file ("RHXR")."""

SCHEMA_VERSION = 1
"""The ``PRAGMA user_version`` this code writes and reads."""

_SCHEMA_1 = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,                 -- readable and unique, e.g. 20261123-103015-7f3a (local start time)
    participant TEXT NOT NULL,           -- the clinic's pseudonymous code, never a name or a number that identifies
    scenario_id TEXT NOT NULL,
    scenario_title TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,         -- of the scenario file, to tell which version of the content was run
    track TEXT NOT NULL,
    language TEXT NOT NULL,
    started_at TEXT NOT NULL,            -- UTC ISO 8601
    ended_at TEXT,                       -- NULL: never closed (the process ended unexpectedly)
    end_reason TEXT,
    app_version TEXT NOT NULL,
    total_score REAL,                    -- from the procedure's end (the mean of the steps' scores)
    finished_s REAL,                     -- session clock when the last step finished; NULL if it never did
    record_motion INTEGER NOT NULL DEFAULT 0 CHECK (record_motion IN (0, 1)),
    review_status TEXT,                  -- clinical review of the scenario content: pending, reviewed, ...
    review_note TEXT,
    current_step_id TEXT,                -- the step started and not finished yet (NULL between steps)
    current_step_type TEXT,
    current_step_index INTEGER,
    current_step_started_s REAL,
    current_step_attempt INTEGER
);

CREATE TABLE steps (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,                -- order of recording (a branch may run the same step again)
    step_index INTEGER NOT NULL,         -- 0-based position in the track's list of steps
    step_id TEXT NOT NULL,
    step_type TEXT NOT NULL,
    started_s REAL,
    ended_s REAL,
    outcome TEXT NOT NULL,
    attempts INTEGER,
    errors INTEGER,
    score REAL,
    hints INTEGER,
    details TEXT NOT NULL DEFAULT '{}',  -- JSON object of type-specific numbers
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE stillness (
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    threshold_mm REAL,
    duration_s REAL,
    peak_mm REAL,
    mean_mm REAL,
    time_yellow_s REAL,
    time_red_s REAL,
    exceeded_at_s REAL,                  -- seconds into the attempt; NULL if never exceeded
    samples INTEGER,
    yellow_fraction REAL,                -- of the threshold, where feedback turned yellow (NULL: not reported)
    red_fraction REAL,
    trace TEXT NOT NULL DEFAULT '[]',    -- JSON [[t_s, mm], ...] at 8 Hz from the start of the attempt
    PRIMARY KEY (session_id, seq),
    FOREIGN KEY (session_id, seq) REFERENCES steps(session_id, seq)
);

CREATE TABLE comfort_events (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    time_s REAL,
    step_id TEXT,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, seq)
);

-- Raw head and hand poses identify people: rows only for sessions opened with record_motion = 1.
CREATE TABLE motion_samples (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    t_s REAL NOT NULL,
    head_px REAL NOT NULL, head_py REAL NOT NULL, head_pz REAL NOT NULL,
    head_qx REAL NOT NULL, head_qy REAL NOT NULL, head_qz REAL NOT NULL, head_qw REAL NOT NULL,
    left_px REAL, left_py REAL, left_pz REAL, left_qx REAL, left_qy REAL, left_qz REAL, left_qw REAL,
    right_px REAL, right_py REAL, right_pz REAL, right_qx REAL, right_qy REAL, right_qz REAL, right_qw REAL
);
CREATE INDEX motion_samples_session ON motion_samples (session_id, t_s);

-- The same rule in the file itself, for any program that writes to it.
CREATE TRIGGER motion_samples_only_with_consent BEFORE INSERT ON motion_samples
WHEN (SELECT record_motion FROM sessions WHERE id = NEW.session_id) IS NOT 1
BEGIN
    SELECT RAISE(ABORT, 'motion samples are stored only for sessions opened with record_motion enabled');
END;
"""


def _create_version_1(connection: sqlite3.Connection) -> None:
    for statement in _statements(_SCHEMA_1):
        connection.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (``executescript`` would commit the open transaction)."""
    statements, current = [], []
    for line in script.splitlines():
        code = line.split("--", 1)[0].rstrip()  # the schema has no "--" inside a string
        if not code.strip():
            continue
        current.append(code)
        text = "\n".join(current)
        if sqlite3.complete_statement(text):
            statements.append(text)
            current = []
    return statements


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {0: _create_version_1}
"""Version ``v`` → the function that upgrades a database at ``v`` to ``v + 1`` (0 is an empty file). A change to the
schema adds the next entry here and raises :data:`SCHEMA_VERSION`; existing files are upgraded when opened."""


class SchemaError(Exception):
    """The file is not a Rehearse XR records database this code can use (the message says why and what to do)."""


def check(connection: sqlite3.Connection, path: str) -> int:
    """The schema version of the file behind ``connection`` (0 for a new, empty file), after checking that it is a
    Rehearse XR records database this code can read; :class:`SchemaError` otherwise. Changes nothing."""
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if application_id != APPLICATION_ID:
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if application_id != 0 or version != 0 or tables:
            raise SchemaError(
                f"{path} is an SQLite database of another program, not Rehearse XR records: give another path "
                "(--db, or the REHEARSE_DB environment variable)"
            )
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"{path} was written by a newer Rehearse XR (records schema {version}; this version reads up to "
            f"{SCHEMA_VERSION}): update Rehearse XR to read it. The file was not changed."
        )
    return version


def migrate(connection: sqlite3.Connection, path: str, version: int) -> None:
    """Bring a file at schema ``version`` (from :func:`check`) up to :data:`SCHEMA_VERSION`, in one transaction:
    a failed upgrade leaves the file as it was. ``connection`` must be in autocommit mode (``isolation_level=None``)."""
    if version == SCHEMA_VERSION:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        for step in range(version, SCHEMA_VERSION):
            if step not in MIGRATIONS:
                raise SchemaError(f"{path}: no migration from records schema {step} to {step + 1}")
            MIGRATIONS[step](connection)
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
