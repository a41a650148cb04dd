"""Recording what the user did, frame by frame, as a scripted timeline the mock runtime can play back.

A recording *is* a timeline (the ``--input-script`` format, see the README): one keyframe per frame with the head's
and both controllers' poses in the play space (STAGE where the runtime offers it) and their buttons and analog
values, plus focus changes and interaction-profile changes as the timeline's ``faults``. So replaying is not a second
mechanism: ``--replay-input FILE`` hands the file to the mock's :class:`~xrapp.mockrt.timeline.ScriptedTimeline`.

Times. A keyframe's ``t`` is seconds from the start of the run, which the recorder puts two display periods before
the first frame's predicted display time (on the mock runtime that is exactly its t = 0, so a recording made on the
mock replays frame-exact at the same ``--refresh-hz``). Poses are keyed at the frame's display time, where they were
located. Buttons and analog values are keyed one display period earlier, when ``xrWaitFrame`` returned: runtimes
sample controller state then (the mock does exactly this), so a press replays on the same frame it was seen.

The file is written as it goes, one line per keyframe, so a crash keeps everything up to the last frame; the faults
are appended when the recorder is closed. Motion traces identify people: record only when the session's consent
allows it.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any, TextIO

import yaml

from interactions.input import HandInput, InputFrame, Pose

log = logging.getLogger("xrapp")

_DEVICES = ("left", "right")


class InputRecorder:
    """Writes InputFrames to ``path`` as a timeline. Call it with each frame (``recorder(frame, timing)``, the
    App's input observer signature) or :meth:`add`; :meth:`close` (or ``with``) finishes the file."""

    def __init__(self, path: str | Path, note: str = "") -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: TextIO | None = self.path.open("w", encoding="utf-8")
        self._file.write(
            "# Rehearse XR input recording: a scripted timeline (see README, 'Scripted input timelines').\n"
            "# Poses in the play space (STAGE where offered); buttons keyed one display period before the poses.\n"
        )
        if note:
            for line in note.splitlines():
                self._file.write(f"# {line}\n")
        self._file.write("keyframes:\n")
        self._origin: int | None = None  # XrTime (ns) of t = 0
        self._pending: dict[int, dict[str, Any]] = {}  # keyframes not yet written, by XrTime
        self._last_written: int | None = None
        self._faults: list[dict[str, Any]] = []
        self._was_focused: bool | None = None
        self._profile = ""
        self._previous_input_time: int | None = None
        self.frames = 0
        self.keyframes = 0

    def __call__(self, frame: InputFrame, timing) -> None:
        self.add(frame, timing.display_time, timing.period)

    def __enter__(self) -> InputRecorder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, frame: InputFrame, display_time: int, period: int) -> None:
        """Record one frame: ``display_time`` its XrTime and ``period`` the predicted display period, ns."""
        if self._file is None:
            raise ValueError(f"the recording {self.path} is closed")
        if self._origin is None:
            self._origin = display_time - 2 * period
        pose_time = display_time
        input_time = display_time - period
        if self._last_written is not None and input_time <= self._last_written:
            input_time = pose_time  # an irregular frame: keep keyframes in order, buttons with the poses
        self._merge(pose_time, {"head": _pose(frame.head)})
        if frame.focused:
            for side in _DEVICES:
                hand = frame.hand(side)
                self._merge(input_time, {side: _controls(hand)})
                poses = _hand_poses(hand)
                if poses:
                    self._merge(pose_time, {side: poses})
        self._note_faults(frame, input_time)
        self._previous_input_time = input_time
        self.frames += 1
        # Later frames only add keyframes after this frame's input time: everything up to it is final.
        self._flush(lambda t: t <= input_time)

    def close(self) -> None:
        """Write what is pending and the faults; the file is then a complete timeline."""
        if self._file is None:
            return
        self._flush(lambda t: True)
        if self.keyframes == 0:
            # A timeline needs a keyframe; a run with no frames records the static user.
            self._file.write("  - {t: 0.0}\n")
        if self._faults:
            self._file.write("faults:\n")
            for fault in self._faults:
                self._file.write("  - " + _flow(fault))
        self._file.close()
        self._file = None
        log.info("input recording: %d frames in %d keyframes written to %s", self.frames, self.keyframes, self.path)

    # -- internals -----------------------------------------------------------------------------------------------

    def _seconds(self, xr_time: int) -> float:
        return (xr_time - self._origin) / 1e9

    def _merge(self, xr_time: int, devices: dict[str, dict[str, Any]]) -> None:
        entry = self._pending.setdefault(xr_time, {})
        for device, fields in devices.items():
            entry.setdefault(device, {}).update(fields)

    def _flush(self, due) -> None:
        for xr_time in sorted(t for t in self._pending if due(t)):
            entry = self._pending.pop(xr_time)
            t = self._seconds(xr_time)
            if t < 0:  # cannot happen with a steady clock; a timeline has no negative times
                continue
            self._file.write("  - " + _flow({"t": t, **entry}))
            self._last_written = xr_time
            self.keyframes += 1
        self._file.flush()

    def _note_faults(self, frame: InputFrame, input_time: int) -> None:
        # A focus change shows in the sync of the frame whose xrWaitFrame saw it: at this frame's input time. A
        # profile change shows one frame later (its event is polled before the next frame): at the previous one's.
        t = self._seconds(input_time)
        t_profile = self._seconds(self._previous_input_time if self._previous_input_time is not None else input_time)
        if frame.profile and frame.profile != self._profile:
            self._profile = frame.profile
            from .mockrt.actions import PROFILES  # the profiles a replay on the mock can switch to

            if frame.profile in PROFILES:
                self._faults.append({"t": t_profile, "fault": "change_interaction_profile", "profile": frame.profile})
            else:
                # A comment, not a fault: the replay's mock cannot switch to controllers it does not have.
                self._file.write(f"  # t={t_profile}: interaction profile {frame.profile} (not on the mock)\n")
        # Focus changes only after the session was first focused: the frames before that are the session starting.
        if self._was_focused is not None and frame.focused != self._was_focused:
            self._faults.append({"t": t, "fault": "restore_focus" if frame.focused else "lose_focus"})
        if frame.focused or self._was_focused is not None:
            self._was_focused = frame.focused


def _flow(data: dict) -> str:
    """One YAML flow mapping on one line (floats as repr: they read back bit for bit)."""
    return yaml.safe_dump(data, default_flow_style=True, sort_keys=False, width=math.inf)


def _pose(pose: Pose) -> dict[str, list[float]]:
    return {"position": [float(v) for v in pose.position], "orientation": [float(v) for v in pose.orientation]}


def _hand_poses(hand: HandInput) -> dict[str, Any]:
    poses: dict[str, Any] = {}
    if hand.aim is not None:
        poses["aim"] = _pose(hand.aim)
    if hand.grip is not None:
        poses["grip"] = _pose(hand.grip)
    return poses


def _clamp(value: float, low: float, high: float) -> float:
    # Runtimes hand out float32 values that may overshoot their range by a rounding step; the timeline is strict.
    return min(max(float(value), low), high)


def _controls(hand: HandInput) -> dict[str, Any]:
    if not hand.active:
        return {"connected": False}
    return {
        "connected": True,
        "select": bool(hand.select),
        "trigger": _clamp(hand.select_value, 0.0, 1.0),
        "squeeze": _clamp(hand.squeeze, 0.0, 1.0),
        "thumbstick": [_clamp(v, -1.0, 1.0) for v in hand.thumbstick],
        "menu": bool(hand.menu),
    }
