"""Session records: written to SQLite as a session goes (pseudonymous, raw motion only when enabled), read back,
and turned into reports (HTML with plots, CSV, JSON).

    store = RecordStore(default_db_path())
    recorder = store.open_session(participant="MRI-0042", scenario_id="mri-rehearsal", scenario_title="MRI",
                                  scenario_hash=file_hash(path), track="child", language="ko")
    for item in engine.drain():
        recorder.record(item)
    recorder.close("completed")
"""

from xrapp.records.errors import MotionNotEnabledError, RecordError, UnknownSessionError
from xrapp.records.model import STATUSES, SessionData, SessionSummary
from xrapp.records.participant import ParticipantCodeError, check_participant_code
from xrapp.records.store import RecordStore, SessionRecorder, app_version, default_db_path, file_hash

__all__ = [
    "STATUSES",
    "MotionNotEnabledError",
    "ParticipantCodeError",
    "RecordError",
    "RecordStore",
    "SessionData",
    "SessionRecorder",
    "SessionSummary",
    "UnknownSessionError",
    "app_version",
    "check_participant_code",
    "default_db_path",
    "file_hash",
]
