"""Selecting by looking: a dwell timer that completes once per look, for users who cannot press a button.

Time is the InputFrame's clock (seconds), never the wall clock, so a recorded session replays identically.
"""

from __future__ import annotations

from collections.abc import Hashable


class DwellTimer:
    """Counts how long one target has been looked at; completes when that reaches ``dwell_s`` seconds.

    After it completes, a continued look at the same target does nothing for ``cooldown_s`` seconds, then starts a
    fresh dwell from zero; looking at something else (or nothing) re-arms at once. Changing target restarts the
    count, so a sweeping look selects nothing.
    """

    def __init__(self) -> None:
        self.target: Hashable | None = None
        self.progress = 0.0
        """0..1 of the dwell time spent on ``target``, for the visible ring."""
        self._start = 0.0
        self._cooling_since: float | None = None

    def update(self, target: Hashable | None, time: float, dwell_s: float, cooldown_s: float) -> bool:
        """Look at ``target`` (None: at nothing selectable) at ``time`` seconds; True on the frame the dwell
        completes."""
        if target != self.target:
            self.target = target
            self._start = time
            self._cooling_since = None
        if target is None:
            self.progress = 0.0
            return False
        if self._cooling_since is not None:
            if time - self._cooling_since < cooldown_s:
                self.progress = 0.0
                return False
            # The cool-down is over while still looking: a new dwell starts now, from zero.
            self._cooling_since = None
            self._start = time
        elapsed = time - self._start
        self.progress = 1.0 if dwell_s <= 0.0 else min(1.0, max(0.0, elapsed / dwell_s))
        if self.progress >= 1.0:
            self._cooling_since = time
            return True
        return False

    def reset(self) -> None:
        """Forget the target and the progress (focus lost, pause)."""
        self.target = None
        self.progress = 0.0
        self._cooling_since = None
