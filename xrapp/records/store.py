"""The records store: sessions written to SQLite as they go, and read back for reports.

Durability: the database runs in WAL journal mode with ``synchronous=FULL``. Every finished step is one committed
transaction (with its stillness summary); comfort events and the procedure's end commit at once. WAL lets a report
read while a session writes, and a commit only appends to the log. ``FULL`` makes each commit wait until the log is on
the disk: ``NORMAL`` would survive the process being killed (the operating system still writes its cache) but may
lose the last steps if the machine loses power, and these are clinic records, so a few milliseconds per step buy
that. A session whose process died reads back with every finished step and ``ended_at`` NULL.

Privacy: the participant is a pseudonymous code (:mod:`xrapp.records.participant`); raw head and hand poses are
stored only for a session opened with ``record_motion=True`` (the file itself refuses them otherwise).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from interactions.input import Pose
from interactions.procedure.results import (
    ComfortEvent,
    ProcedureFinished,
    StepResult,
    StepStarted,
    StillnessSummary,
)
from xrapp.records import schema
from xrapp.records.errors import MotionNotEnabledError, RecordError, UnknownSessionError
from xrapp.records.model import SessionData, SessionSummary
from xrapp.records.participant import check_participant_code

MOTION_FLUSH_SAMPLES = 90
"""Raw motion samples are written in batches of this many (about a second at 90 Hz), and with every finished step:
committing each frame's sample with a disk sync would cost more than the frame. A crash loses at most this batch of
motion, never a finished step."""

_FIX = "Give another path with --db or the REHEARSE_DB environment variable."


def default_db_path() -> Path:
    """Where records go without ``--db``: ``$REHEARSE_DB``, else ``$XDG_DATA_HOME/rehearse-xr/records.sqlite``
    (``~/.local/share/rehearse-xr/records.sqlite``)."""
    if os.environ.get("REHEARSE_DB"):
        return Path(os.environ["REHEARSE_DB"]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "rehearse-xr" / "records.sqlite"


def file_hash(path: str | Path) -> str:
    """``sha256:<hex>`` of a file's bytes: the ``scenario_hash`` that tells which version of a scenario ran."""
    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()


def app_version() -> str:
    """The installed Rehearse XR version, or ``unknown`` when running from an uninstalled checkout."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rehearse-xr")
    except PackageNotFoundError:
        return "unknown"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _explain(error: sqlite3.Error) -> str:
    """A sentence for people about an SQLite failure, with what to do."""
    name = getattr(error, "sqlite_errorname", "")
    text = str(error)
    if name.startswith("SQLITE_BUSY") or "locked" in text:
        return "the records file is busy (another program is writing to it); close that program and try again"
    if name.startswith("SQLITE_FULL") or "full" in text:
        return "the disk is full; free some space and try again"
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return "the records file cannot be written (check its permissions, or give another path)"
    if name.startswith("SQLITE_IOERR"):
        return f"the disk reported an error ({text}); check the disk"
    return text


def _number(value: Any) -> float | None:
    """A float SQLite can store (numpy scalars included); None for None, NaN or infinity."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _integer(value: Any) -> int | None:
    return None if value is None else int(value)


def _json_value(value: Any) -> Any:
    """JSON for what ``json`` cannot write itself: numpy scalars and arrays, sets; anything else as text, so an
    unusual value in ``details`` never costs a step."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as None, so every JSON reader can read what is stored."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _dumps(value: Any) -> str:
    # Round-trip through the converter first, so numpy values nested anywhere become plain numbers to check.
    plain = json.loads(json.dumps(value, default=_json_value))
    return json.dumps(_finite(plain), ensure_ascii=False, allow_nan=False)


def _pose_columns(pose: Pose | None) -> tuple:
    if pose is None:
        return (None,) * 7
    return (*(float(v) for v in pose.position), *(float(v) for v in pose.orientation))


def _pose(row: tuple) -> Pose | None:
    if row[0] is None:
        return None
    return Pose(position=tuple(row[:3]), orientation=tuple(row[3:7]))


class RecordStore:
    """The records database at ``path`` (created with its folders and schema if missing, or upgraded if written
    by an older version). ``create=False`` refuses a missing file instead (for reports). ``timeout_s``: how long a
    write waits for another program holding the file before it fails with :class:`RecordError`.

    Raises :class:`RecordError` if the path cannot be written, or the file is not Rehearse XR records."""

    def __init__(self, path: str | Path, *, create: bool = True, timeout_s: float = 5.0):
        self.path = Path(path).expanduser()
        self._recorders: dict[str, SessionRecorder] = {}
        if self.path.is_dir():
            raise RecordError(f"{self.path} is a folder: give the path of the records file inside it. {_FIX}")
        if not self.path.exists():
            if not create:
                raise RecordError(f"no records at {self.path}: no session has been recorded there. {_FIX}")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise RecordError(
                    f"cannot create the folder {self.path.parent} for the records: {error.strerror or error}. {_FIX}"
                ) from error
        try:
            self._connection = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
        except sqlite3.Error as error:
            raise RecordError(f"cannot open the records file {self.path}: {_explain(error)}. {_FIX}") from error
        try:
            self._open()
        except BaseException:
            self._connection.close()
            raise

    def _open(self) -> None:
        where = str(self.path)
        try:
            # Check the file before changing anything in it: another program's database is left as it was.
            version = schema.check(self._connection, where)
            mode = self._connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise RecordError(
                    f"{where}: the records need SQLite's WAL journal, which this location does not support (it gave "
                    f"{mode!r}; network folders often cannot). Keep the records on a local disk. {_FIX}"
                )
            self._connection.execute("PRAGMA synchronous=FULL")  # see the module docstring
            self._connection.execute("PRAGMA foreign_keys=ON")
            schema.migrate(self._connection, where, version)
        except schema.SchemaError as error:
            raise RecordError(str(error)) from error
        except sqlite3.DatabaseError as error:
            if getattr(error, "sqlite_errorname", "") == "SQLITE_NOTADB" or "not a database" in str(error):
                raise RecordError(
                    f"{where} is not a Rehearse XR records file (not a database at all). {_FIX}"
                ) from error
            raise RecordError(f"cannot use the records file {where}: {_explain(error)}. {_FIX}") from error

    # -- writing -------------------------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        """One committed transaction, or a :class:`RecordError` saying what was not saved (and nothing of it kept)."""
        connection = self._connection
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise RecordError(
                f"could not save {what}: {_explain(error)}. Everything saved before is intact."
            ) from error
        try:
            yield connection
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            self._rollback()
            raise RecordError(
                f"could not save {what}: {_explain(error)}. Everything saved before is intact."
            ) from error
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._connection.in_transaction:
            # SQLite may already have rolled back (it does on some errors); the committed data is untouched.
            with suppress(sqlite3.Error):
                self._connection.execute("ROLLBACK")

    def open_session(
        self,
        *,
        participant: str,
        scenario_id: str,
        scenario_title: str,
        scenario_hash: str,
        track: str,
        language: str,
        record_motion: bool = False,
        review_status: str | None = None,
        review_note: str = "",
    ) -> SessionRecorder:
        """Start recording a session (committed at once, with its start time in UTC). ``participant`` must be the
        clinic's pseudonymous code (:class:`~xrapp.records.participant.ParticipantCodeError` otherwise);
        ``record_motion`` stores raw head and hand poses (identifying: only with the participant's consent).
        ``review_status``/``review_note``: the scenario's clinical review, shown in the report."""
        participant = check_participant_code(participant)
        started = _utc_now()
        for _ in range(5):
            session_id = started.astimezone().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
            try:
                with self._transaction(f"the start of session {session_id}") as db:
                    db.execute(
                        "INSERT INTO sessions (id, participant, scenario_id, scenario_title, scenario_hash, track, "
                        "language, started_at, app_version, record_motion, review_status, review_note) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            session_id,
                            participant,
                            str(scenario_id),
                            str(scenario_title),
                            str(scenario_hash),
                            str(track),
                            str(language),
                            started.isoformat(timespec="milliseconds"),
                            app_version(),
                            int(bool(record_motion)),
                            review_status,
                            review_note or "",
                        ),
                    )
            except RecordError as error:
                if isinstance(error.__cause__, sqlite3.IntegrityError):
                    continue  # the same second and the same random suffix: draw another
                raise
            recorder = SessionRecorder(self, session_id, bool(record_motion))
            self._recorders[session_id] = recorder
            return recorder
        raise RecordError("could not find a free session id; try again")  # pragma: no cover - 5 collisions in 1 s

    # -- reading -------------------------------------------------------------------------------------------------

    _SUMMARY = (
        "SELECT id, participant, scenario_id, scenario_title, track, language, started_at, ended_at, end_reason, "
        "total_score, (SELECT count(*) FROM steps WHERE steps.session_id = sessions.id) FROM sessions"
    )

    def _status(self, session_id: str, ended_at: str | None, end_reason: str | None) -> str:
        if ended_at is None:
            return "in_progress" if session_id in self._recorders else "ended_unexpectedly"
        return "completed" if end_reason == "completed" else "ended_early"

    def _summary(self, row: tuple) -> SessionSummary:
        return SessionSummary(*row, status=self._status(row[0], row[7], row[8]))

    def sessions(self) -> list[SessionSummary]:
        """Every session recorded, newest first."""
        try:
            rows = self._connection.execute(self._SUMMARY + " ORDER BY started_at DESC, rowid DESC").fetchall()
        except sqlite3.Error as error:
            raise RecordError(f"cannot read the records in {self.path}: {_explain(error)}") from error
        return [self._summary(row) for row in rows]

    def session(self, session_id: str) -> SessionData:
        """Everything recorded about ``session_id``; :class:`UnknownSessionError` (listing the latest ids) if there
        is no such session."""
        try:
            return self._read_session(session_id)
        except sqlite3.Error as error:
            raise RecordError(f"cannot read session {session_id} from {self.path}: {_explain(error)}") from error

    def _read_session(self, session_id: str) -> SessionData:
        db = self._connection
        row = db.execute(self._SUMMARY + " WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            latest = [s.session_id for s in self.sessions()[:10]]
            listing = ", ".join(latest) if latest else "none yet"
            raise UnknownSessionError(
                f"no session {session_id!r} in {self.path}; the latest sessions are: {listing}", latest
            )
        extra = db.execute(
            "SELECT scenario_hash, app_version, record_motion, review_status, review_note, finished_s, "
            "current_step_id, current_step_type, current_step_index, current_step_started_s, current_step_attempt "
            "FROM sessions WHERE id = ?",
            (session_id,),
        ).fetchone()
        stillness = {
            seq: StillnessSummary(
                threshold_mm=threshold,
                duration_s=duration,
                peak_mm=peak,
                mean_mm=mean,
                time_yellow_s=yellow,
                time_red_s=red,
                exceeded_at_s=exceeded,
                samples=samples,
                trace=tuple((t, mm) for t, mm in json.loads(trace)),
            )
            for seq, threshold, duration, peak, mean, yellow, red, exceeded, samples, trace in db.execute(
                "SELECT seq, threshold_mm, duration_s, peak_mm, mean_mm, time_yellow_s, time_red_s, exceeded_at_s, "
                "samples, trace FROM stillness WHERE session_id = ?",
                (session_id,),
            )
        }
        steps = tuple(
            StepResult(
                step_id=step_id,
                step_type=step_type,
                index=index,
                started=started,
                ended=ended,
                outcome=outcome,
                attempts=attempts,
                errors=errors,
                score=score,
                hints=hints,
                stillness=stillness.get(seq),
                details=json.loads(details),
            )
            for seq, index, step_id, step_type, started, ended, outcome, attempts, errors, score, hints, details in (
                db.execute(
                    "SELECT seq, step_index, step_id, step_type, started_s, ended_s, outcome, attempts, errors, "
                    "score, hints, details FROM steps WHERE session_id = ? ORDER BY seq",
                    (session_id,),
                )
            )
        )
        comfort = tuple(
            ComfortEvent(kind=kind, time=time, step_id=step_id, detail=detail)
            for kind, time, step_id, detail in db.execute(
                "SELECT kind, time_s, step_id, detail FROM comfort_events WHERE session_id = ? ORDER BY seq",
                (session_id,),
            )
        )
        motion = db.execute("SELECT count(*) FROM motion_samples WHERE session_id = ?", (session_id,)).fetchone()[0]
        scenario_hash, version, record_motion, review_status, review_note, finished_s = extra[:6]
        current_id, current_type, current_index, current_started, current_attempt = extra[6:]
        current = None
        if current_id is not None:
            current = StepStarted(current_id, current_type, current_index, current_started, current_attempt)
        return SessionData(
            **vars(self._summary(row)),
            scenario_hash=scenario_hash,
            app_version=version,
            record_motion=bool(record_motion),
            review_status=review_status,
            review_note=review_note or "",
            finished_s=finished_s,
            steps=steps,
            comfort_events=comfort,
            current_step=current,
            motion_samples=motion,
        )

    def motion(self, session_id: str) -> list[tuple[float, Pose, Pose | None, Pose | None]]:
        """The raw motion samples of a session, in time order: (t seconds, head, left hand, right hand), poses in
        the play space. Empty unless the session was opened with ``record_motion=True``."""
        try:
            rows = self._connection.execute(
                "SELECT * FROM motion_samples WHERE session_id = ? ORDER BY t_s, rowid", (session_id,)
            ).fetchall()
        except sqlite3.Error as error:
            raise RecordError(f"cannot read motion of session {session_id}: {_explain(error)}") from error
        return [(row[1], _pose(row[2:9]), _pose(row[9:16]), _pose(row[16:23])) for row in rows]

    def close(self) -> None:
        """Write what open sessions still hold in memory (motion batches) and close the file. Sessions not closed
        by their recorder stay open in the file, and read back as ended unexpectedly."""
        for recorder in list(self._recorders.values()):
            with suppress(RecordError):  # nothing more can be done at close; committed data is intact
                recorder.flush()
            recorder._closed = True
        self._recorders.clear()
        self._connection.close()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SessionRecorder:
    """Writes one session as it goes; made by :meth:`RecordStore.open_session`. ``session_id`` names it in the
    records and on the report."""

    def __init__(self, store: RecordStore, session_id: str, record_motion: bool):
        self._store = store
        self.session_id = session_id
        self.motion_enabled = record_motion
        self._steps = 0
        self._comfort = 0
        self._motion: list[tuple] = []
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise RecordError(f"session {self.session_id} is closed: open a new session to record more")

    def record(self, item: StepStarted | StepResult | ComfortEvent | ProcedureFinished) -> None:
        """Record what the procedure engine reported. A :class:`StepResult` is one committed transaction (with its
        stillness summary and any motion batch); a :class:`ComfortEvent`, a :class:`StepStarted` (the step in
        progress, for a report after a crash) and :class:`ProcedureFinished` commit at once. On
        :class:`RecordError` nothing of ``item`` is kept and everything before it is intact: it may be recorded
        again."""
        self._check_open()
        if isinstance(item, StepResult):
            self._record_step(item)
        elif isinstance(item, ComfortEvent):
            with self._store._transaction(f"the comfort event {item.kind!r}") as db:
                db.execute(
                    "INSERT INTO comfort_events (session_id, seq, kind, time_s, step_id, detail) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (self.session_id, self._comfort, str(item.kind), _number(item.time), item.step_id, item.detail),
                )
            self._comfort += 1
        elif isinstance(item, StepStarted):
            with self._store._transaction(f"the start of step {item.step_id!r}") as db:
                db.execute(
                    "UPDATE sessions SET current_step_id = ?, current_step_type = ?, current_step_index = ?, "
                    "current_step_started_s = ?, current_step_attempt = ? WHERE id = ?",
                    (
                        item.step_id,
                        item.step_type,
                        _integer(item.index),
                        _number(item.time),
                        _integer(item.attempt),
                        self.session_id,
                    ),
                )
        elif isinstance(item, ProcedureFinished):
            with self._store._transaction("the end of the procedure") as db:
                db.execute(
                    "UPDATE sessions SET total_score = ?, finished_s = ? WHERE id = ?",
                    (_number(item.score), _number(item.time), self.session_id),
                )
        else:
            raise TypeError(
                f"record() takes StepStarted, StepResult, ComfortEvent or ProcedureFinished, not {type(item).__name__}"
            )

    def _record_step(self, step: StepResult) -> None:
        # Everything that can fail on a bad value is computed before the transaction opens.
        details = _dumps(dict(step.details) if step.details else {})
        row = (
            self.session_id,
            self._steps,
            _integer(step.index),
            str(step.step_id),
            str(step.step_type),
            _number(step.started),
            _number(step.ended),
            str(step.outcome),
            _integer(step.attempts),
            _integer(step.errors),
            _number(step.score),
            _integer(step.hints),
            details,
        )
        still = step.stillness
        still_row = None
        if still is not None:
            fractions = step.details or {}
            still_row = (
                self.session_id,
                self._steps,
                _number(still.threshold_mm),
                _number(still.duration_s),
                _number(still.peak_mm),
                _number(still.mean_mm),
                _number(still.time_yellow_s),
                _number(still.time_red_s),
                _number(still.exceeded_at_s),
                _integer(still.samples),
                _number(fractions.get("yellow_fraction")),
                _number(fractions.get("red_fraction")),
                _dumps([[float(t), float(mm)] for t, mm in still.trace]),
            )
        with self._store._transaction(f"step {step.step_id!r}") as db:
            db.execute(
                "INSERT INTO steps (session_id, seq, step_index, step_id, step_type, started_s, ended_s, outcome, "
                "attempts, errors, score, hints, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            if still_row is not None:
                db.execute(
                    "INSERT INTO stillness (session_id, seq, threshold_mm, duration_s, peak_mm, mean_mm, "
                    "time_yellow_s, time_red_s, exceeded_at_s, samples, yellow_fraction, red_fraction, trace) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    still_row,
                )
            db.execute(
                "UPDATE sessions SET current_step_id = NULL, current_step_type = NULL, current_step_index = NULL, "
                "current_step_started_s = NULL, current_step_attempt = NULL WHERE id = ?",
                (self.session_id,),
            )
            self._write_motion(db)
        self._steps += 1
        self._motion.clear()

    def record_motion(self, t: float, head: Pose, left: Pose | None, right: Pose | None) -> None:
        """Keep one raw motion sample (``t`` seconds of the session clock; poses in the play space, metres and
        unit quaternions). Written in batches (:data:`MOTION_FLUSH_SAMPLES`) and with each finished step.
        :class:`MotionNotEnabledError` unless the session was opened with ``record_motion=True``."""
        self._check_open()
        if not self.motion_enabled:
            raise MotionNotEnabledError(
                f"session {self.session_id} was opened without motion recording: raw head and hand motion "
                "identifies people and is stored only when enabled with the participant's consent "
                "(open_session(..., record_motion=True)). Nothing was stored."
            )
        self._motion.append(
            (self.session_id, float(t), *_pose_columns(head), *_pose_columns(left), *_pose_columns(right))
        )
        if len(self._motion) >= MOTION_FLUSH_SAMPLES:
            self.flush()

    def _write_motion(self, db: sqlite3.Connection) -> None:
        if self._motion:
            db.executemany(f"INSERT INTO motion_samples VALUES ({', '.join('?' * 23)})", self._motion)

    def flush(self) -> None:
        """Commit the motion samples held in memory (if any)."""
        if self._motion and not self._closed:
            with self._store._transaction(f"{len(self._motion)} motion samples") as db:
                self._write_motion(db)
            self._motion.clear()

    def close(self, reason: str = "completed") -> None:
        """End the session: commit what is held, the end time (UTC) and ``reason`` (``completed``, or why it ended
        early, e.g. ``ended_early``, ``session_lost``). Closing twice does nothing."""
        if self._closed:
            return
        with self._store._transaction(f"the end of session {self.session_id}") as db:
            self._write_motion(db)
            db.execute(
                "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ?",
                (_utc_now().isoformat(timespec="milliseconds"), str(reason), self.session_id),
            )
        self._motion.clear()
        self._closed = True
        self._store._recorders.pop(self.session_id, None)

    def __enter__(self) -> SessionRecorder:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close("completed" if exc_type is None else "error")
