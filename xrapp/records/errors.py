"""What goes wrong with records, as exceptions whose messages say what happened and what to do."""

from __future__ import annotations


class RecordError(Exception):
    """Records could not be opened, written or read. What was committed before is never lost or damaged by the
    failure; the message says what to do (free disk space, close the other program, give another path...)."""


class MotionNotEnabledError(RecordError):
    """Raw head and hand motion was offered for a session opened without ``record_motion=True``."""


class UnknownSessionError(RecordError):
    """No session has that id. ``latest`` lists the ids of the most recent sessions (newest first)."""

    def __init__(self, message: str, latest: list[str]):
        super().__init__(message)
        self.latest = latest
