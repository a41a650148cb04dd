"""A scripted pose source: the simulated user's head and controllers, keyframed in a YAML file.

A timeline moves the user as a scenario author or a test wants, deterministically, with no headset:

.. code-block:: yaml

    # All poses in STAGE space: metres, +Y up, -Z forward. Times in seconds from the start of the run.
    keyframes:
      - t: 0.0
        head: {position: [0, 1.6, 0], yaw: 0, pitch: 0, roll: 0}      # angles in degrees; or orientation: [x, y, z, w]
        right: {position: [0.2, 1.1, -0.3], yaw: 0, pitch: -20, select: false, trigger: 0.0}
      - t: 2.0
        head: {position: [0.004, 1.6, 0]}
        right: {select: true}
    faults:                      # optional, for the mock runtime's fault injection at given times
      - {t: 1.5, fault: lose_focus}
      - {t: 2.0, fault: restore_focus}

Devices: ``head``, ``left`` and ``right`` (the controllers). Fields:

=================================  ==========================================================================
``position: [x, y, z]``            metres in STAGE (head: between the eyes; hands: the controller)
``orientation: [x, y, z, w]``      a quaternion, normalised on load (all zeros is an error)
``yaw``, ``pitch``, ``roll``       degrees, instead of ``orientation``: yaw about +Y (positive turns left),
                                   pitch about +X (positive looks up), roll about +Z, applied as
                                   ``yaw * pitch * roll`` (roll first, then pitch, then yaw, in the parent
                                   frame). Together they give one orientation; an angle not given is 0
``aim: {...}``, ``grip: {...}``    hands only: ``position`` and ``orientation``/angles of the aim pose (the
                                   pointing ray) and of the grip pose (the palm) separately. A hand's own
                                   ``position``/orientation set both aim and grip, unless a sub-map gives them
``select``, ``menu``, ``a``,       hands only: buttons, ``true`` or ``false`` (``a``/``b`` are X/Y on a left
``b``, ``thumbstick_click``        Touch controller)
``trigger``, ``squeeze``           hands only: 0 to 1
``thumbstick: [x, y]``             hands only: each -1 to 1, +Y pushed forward
``connected``                      hands only: ``false`` while the controller is switched off or lost
=================================  ==========================================================================

Each device is keyframed independently, and each field of it too: a field not given at a keyframe keeps being
interpolated between the keyframes that do give it. Positions and analog values (``trigger``, ``squeeze``,
``thumbstick``) interpolate linearly, orientations by spherical linear interpolation (slerp); buttons and
``connected`` hold their last value until the next keyframe that gives them (step). Before a field's first keyframe
its first value holds; after its last, its last. A device with no keyframes stays where the static user is: the head
at (0, 1.6, 0) looking along -Z, the controllers resting in front of the waist; a field never given keeps that rest
value (pose), or is released (buttons, analog values) and connected.

Faults (``faults:``, optional) are events the runtime injects when its clock passes ``t``: ``lose_focus``,
``restore_focus``, ``request_stop``, ``request_exit``, ``lose_session``, ``lose_instance``,
``change_reference_space`` (optionally with ``space: stage``, ``local`` or ``view``; default stage) and
``change_interaction_profile`` (with ``profile: /interaction_profiles/...``). Each names the :class:`MockRuntime`
method the runtime calls.

Every mistake is reported with the file, the keyframe (counted from 1) or fault, the field and what would be right,
all of them at once, e.g. ``scene.yaml: keyframe 3 (t=2.0): 'right.trigger' must be a number between 0 and 1, got
'yes'``. Unknown keys are errors, with a suggestion for a likely misspelling.
"""

from __future__ import annotations

import bisect
import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import xr
import yaml

from .poses import DeviceSample, HandState, Pose, default_hands

DEVICES = ("head", "left", "right")
POSE_FIELDS = ("position", "orientation", "yaw", "pitch", "roll")
BUTTONS = ("select", "menu", "a", "b", "thumbstick_click", "connected")
ANALOGS = ("trigger", "squeeze")
HAND_FIELDS = (*POSE_FIELDS, "aim", "grip", *BUTTONS, *ANALOGS, "thumbstick")

FAULTS: dict[str, tuple[str, ...]] = {
    "lose_focus": (),
    "restore_focus": (),
    "request_stop": (),
    "request_exit": (),
    "lose_session": (),
    "lose_instance": (),
    "change_reference_space": ("space",),
    "change_interaction_profile": ("profile",),
}
"""Fault names, each a MockRuntime method, with the extra keys it takes."""

REQUIRED_FAULT_KEYS = {"change_interaction_profile": ("profile",)}
REFERENCE_SPACES = ("stage", "local", "view")

DEFAULT_EYE_HEIGHT_M = 1.6

Quaternion = tuple[float, float, float, float]


class TimelineError(ValueError):
    """A timeline file with mistakes; ``errors`` lists each one, the message has them all, one per line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


# -- quaternion arithmetic (x, y, z, w) ------------------------------------------------------------------------------


def quat_multiply(a: Quaternion, b: Quaternion) -> Quaternion:
    """Hamilton product ``a * b``: rotate by ``b``, then by ``a``."""
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return (
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    )


def quat_from_euler(yaw_deg: float = 0.0, pitch_deg: float = 0.0, roll_deg: float = 0.0) -> Quaternion:
    """``yaw`` about +Y, ``pitch`` about +X, ``roll`` about +Z, in degrees, composed as yaw * pitch * roll."""

    def about(axis: int, degrees: float) -> Quaternion:
        half = math.radians(degrees) / 2
        q = [0.0, 0.0, 0.0, math.cos(half)]
        q[axis] = math.sin(half)
        return (q[0], q[1], q[2], q[3])

    return quat_multiply(quat_multiply(about(1, yaw_deg), about(0, pitch_deg)), about(2, roll_deg))


def slerp(a: Quaternion, b: Quaternion, alpha: float) -> Quaternion:
    """Spherical linear interpolation from ``a`` (alpha 0) to ``b`` (alpha 1), the short way round."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    if dot < 0.0:  # q and -q are the same rotation: take the shorter arc
        b, dot = tuple(-x for x in b), -dot
    if dot > 0.9995:  # nearly equal: linear interpolation is exact enough and avoids dividing by ~0
        q = [x + alpha * (y - x) for x, y in zip(a, b, strict=True)]
    else:
        theta = math.acos(min(1.0, dot))
        sa, sb = math.sin((1 - alpha) * theta), math.sin(alpha * theta)
        q = [(sa * x + sb * y) / math.sin(theta) for x, y in zip(a, b, strict=True)]
    norm = math.sqrt(sum(x * x for x in q))
    return (q[0] / norm, q[1] / norm, q[2] / norm, q[3] / norm)


# -- tracks ----------------------------------------------------------------------------------------------------------


def _lerp(a: Any, b: Any, alpha: float) -> Any:
    if isinstance(a, tuple):
        return tuple(x + alpha * (y - x) for x, y in zip(a, b, strict=True))
    return a + alpha * (b - a)


def _step(a: Any, b: Any, alpha: float) -> Any:
    return a


@dataclass
class Track:
    """One field of one device over time: keyframe times, values, and how to fill between them."""

    times: list[float] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    blend: Callable[[Any, Any, float], Any] = _lerp

    def add(self, t: float, value: Any) -> None:
        self.times.append(t)
        self.values.append(value)

    def at(self, t: float) -> Any:
        """The value at ``t``: held before the first and after the last key, blended between two keys."""
        i = bisect.bisect_right(self.times, t)
        if i == 0:
            return self.values[0]
        if i == len(self.times):
            return self.values[-1]
        t0, t1 = self.times[i - 1], self.times[i]
        return self.blend(self.values[i - 1], self.values[i], (t - t0) / (t1 - t0))


def _blend_for(name: str) -> Callable[[Any, Any, float], Any]:
    if name.endswith("orientation"):
        return slerp
    if name in BUTTONS:
        return _step
    return _lerp


# -- validation ------------------------------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    # YAML's true/false load as bool, a subclass of int: not a number here.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _did_you_mean(key: Any, allowed: tuple[str, ...] | list[str], what: str = "key") -> str:
    close = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown {what} '{key}'{hint} (expected one of: {', '.join(allowed)})"


class _Checker:
    """Collects every mistake in a timeline, each prefixed with where it is."""

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{self.source_name}: {where}: {message}" if where else f"{self.source_name}: {message}")

    def keys(self, where: str, prefix: str, mapping: dict, allowed: tuple[str, ...]) -> None:
        for key in mapping:
            if key not in allowed:
                self.error(where, f"'{prefix}{key}': " + _did_you_mean(key, allowed))

    def vector(self, where: str, name: str, value: Any, size: int, low: float | None = None, high: float | None = None):
        """A list of ``size`` numbers (within [low, high] if given) as a tuple of floats, else None (error logged)."""
        bounds = f" each between {low:g} and {high:g}" if low is not None else ""
        ok = (
            isinstance(value, (list, tuple))
            and len(value) == size
            and all(_is_number(v) for v in value)
            and (low is None or all(low <= v <= high for v in value))
        )
        if not ok:
            self.error(where, f"'{name}' must be a list of {size} numbers{bounds}, got {value!r}")
            return None
        return tuple(float(v) for v in value)


def _pose_values(check: _Checker, where: str, prefix: str, data: dict) -> dict[str, Any]:
    """``position`` and ``orientation`` of a pose map (orientation from a quaternion or from yaw/pitch/roll)."""
    found: dict[str, Any] = {}
    if "position" in data:
        position = check.vector(where, f"{prefix}position", data["position"], 3)
        if position is not None:
            found["position"] = position
    angles = [name for name in ("yaw", "pitch", "roll") if name in data]
    if "orientation" in data and angles:
        check.error(
            where, f"'{prefix}orientation' and '{prefix}{angles[0]}' both given: use a quaternion or angles, not both"
        )
    elif "orientation" in data:
        q = check.vector(where, f"{prefix}orientation", data["orientation"], 4)
        if q is not None:
            norm = math.sqrt(sum(v * v for v in q))
            if norm < 1e-9:
                check.error(where, f"'{prefix}orientation' must be a non-zero quaternion [x, y, z, w], got {q!r}")
            else:
                found["orientation"] = tuple(v / norm for v in q)
    elif angles:
        ok = True
        for name in angles:
            if not _is_number(data[name]):
                check.error(where, f"'{prefix}{name}' must be a number of degrees, got {data[name]!r}")
                ok = False
        if ok:
            found["orientation"] = quat_from_euler(*(float(data.get(n, 0.0)) for n in ("yaw", "pitch", "roll")))
    return found


def _device_values(check: _Checker, where: str, device: str, data: Any) -> dict[str, Any]:
    """The fields one keyframe gives one device, as track name -> value (e.g. 'aim.position', 'trigger')."""
    if not isinstance(data, dict):
        check.error(where, f"'{device}' must be a map of fields such as {{position: [x, y, z]}}, got {data!r}")
        return {}
    hand = device != "head"
    check.keys(where, f"{device}.", data, HAND_FIELDS if hand else POSE_FIELDS)
    values: dict[str, Any] = {}
    own = _pose_values(check, where, f"{device}.", data)
    if not hand:
        return own
    # A hand's own pose sets both aim and grip; an aim/grip sub-map overrides it field by field.
    for part in ("aim", "grip"):
        sub: dict[str, Any] = {}
        if part in data:
            if isinstance(data[part], dict):
                check.keys(where, f"{device}.{part}.", data[part], POSE_FIELDS)
                sub = _pose_values(check, where, f"{device}.{part}.", data[part])
            else:
                check.error(
                    where, f"'{device}.{part}' must be a map such as {{position: [x, y, z]}}, got {data[part]!r}"
                )
        for name, value in {**own, **sub}.items():
            values[f"{part}.{name}"] = value
    for name in BUTTONS:
        if name in data:
            if isinstance(data[name], bool):
                values[name] = data[name]
            else:
                check.error(where, f"'{device}.{name}' must be true or false, got {data[name]!r}")
    for name in ANALOGS:
        if name in data:
            if _is_number(data[name]) and 0.0 <= data[name] <= 1.0:
                values[name] = float(data[name])
            else:
                check.error(where, f"'{device}.{name}' must be a number between 0 and 1, got {data[name]!r}")
    if "thumbstick" in data:
        stick = check.vector(where, f"{device}.thumbstick", data["thumbstick"], 2, -1.0, 1.0)
        if stick is not None:
            values["thumbstick"] = stick
    return values


# -- the pose source -------------------------------------------------------------------------------------------------


class Fault(NamedTuple):
    """A fault the runtime injects at ``t``: the MockRuntime method ``name`` called with ``kwargs``."""

    t: float
    name: str
    kwargs: dict[str, Any]


class ScriptedTimeline:
    """A :class:`~xrapp.mockrt.poses.PoseSource` that plays keyframes from a YAML file (format: module docstring)."""

    def __init__(self, tracks: dict[str, dict[str, Track]], faults: list[Fault], source_name: str) -> None:
        self.tracks = tracks
        self.faults = faults
        self.source_name = source_name
        left, right = default_hands(DEFAULT_EYE_HEIGHT_M)
        self._rest = {"head": Pose((0.0, DEFAULT_EYE_HEIGHT_M, 0.0)), "left": left, "right": right}
        ends = [track.times[-1] for device in tracks.values() for track in device.values()]
        self.duration = max(ends, default=0.0)
        """Time of the last keyframe, seconds."""

    # -- loading --------------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> ScriptedTimeline:
        """Read and check a timeline file; raises :class:`TimelineError` (a ValueError) listing every mistake."""
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise TimelineError([f"{path}: not valid YAML: {error}"]) from None
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: Any, source_name: str = "<timeline>") -> ScriptedTimeline:
        """Build a timeline from already-parsed YAML; ``source_name`` prefixes each error message."""
        check = _Checker(source_name)
        if not isinstance(data, dict):
            check.error("", f"a timeline must be a map with 'keyframes:' (and optionally 'faults:'), got {data!r}")
            raise TimelineError(check.errors)
        check.keys("", "", data, ("keyframes", "faults"))
        tracks = cls._keyframes(check, data.get("keyframes"))
        faults = cls._faults(check, data.get("faults"))
        if check.errors:
            raise TimelineError(check.errors)
        return cls(tracks, faults, source_name)

    @staticmethod
    def _keyframes(check: _Checker, keyframes: Any) -> dict[str, dict[str, Track]]:
        tracks: dict[str, dict[str, Track]] = {device: {} for device in DEVICES}
        if not isinstance(keyframes, list) or not keyframes:
            check.error(
                "",
                f"'keyframes' must be a non-empty list of keyframes such as {{t: 0.0, head: {{...}}}}, "
                f"got {keyframes!r}",
            )
            return tracks
        previous: float | None = None
        for number, keyframe in enumerate(keyframes, start=1):
            if not isinstance(keyframe, dict):
                check.error(f"keyframe {number}", f"must be a map such as {{t: 0.0, head: {{...}}}}, got {keyframe!r}")
                continue
            t = keyframe.get("t")
            where = f"keyframe {number} (t={t})"
            if not _is_number(t) or t < 0:
                check.error(where, f"'t' must be a time in seconds, 0 or more, got {t!r}")
                continue
            t = float(t)
            if previous is not None and t <= previous:
                check.error(
                    where,
                    f"'t' must be greater than the previous keyframe's t={previous}: times must be strictly increasing",
                )
                continue
            previous = t
            check.keys(where, "", keyframe, ("t", *DEVICES))
            for device in DEVICES:
                if device in keyframe:
                    for name, value in _device_values(check, where, device, keyframe[device]).items():
                        tracks[device].setdefault(name, Track(blend=_blend_for(name))).add(t, value)
        return tracks

    @staticmethod
    def _faults(check: _Checker, faults: Any) -> list[Fault]:
        if faults is None:
            return []
        if not isinstance(faults, list):
            check.error("", f"'faults' must be a list such as [{{t: 1.5, fault: lose_focus}}], got {faults!r}")
            return []
        found: list[Fault] = []
        for number, entry in enumerate(faults, start=1):
            if not isinstance(entry, dict):
                check.error(f"fault {number}", f"must be a map such as {{t: 1.5, fault: lose_focus}}, got {entry!r}")
                continue
            t, name = entry.get("t"), entry.get("fault")
            where = f"fault {number} (t={t})"
            ok = True
            if not _is_number(t) or t < 0:
                check.error(where, f"'t' must be a time in seconds, 0 or more, got {t!r}")
                ok = False
            if name not in FAULTS:
                check.error(where, f"'fault': {_did_you_mean(name, tuple(FAULTS), 'fault')}")
                continue
            check.keys(where, "", entry, ("t", "fault", *FAULTS[name]))
            kwargs: dict[str, Any] = {}
            for key in REQUIRED_FAULT_KEYS.get(name, ()):
                if key not in entry:
                    check.error(where, f"'{key}' is required by {name}")
                    ok = False
            if name == "change_interaction_profile" and "profile" in entry:
                ok = _check_profile(check, where, entry["profile"]) and ok
                kwargs["profile"] = entry["profile"]
            if name == "change_reference_space" and "space" in entry:
                space = entry["space"]
                if space in REFERENCE_SPACES:
                    kwargs["space_type"] = getattr(xr.ReferenceSpaceType, str(space).upper())
                else:
                    check.error(where, f"'space' must be one of {', '.join(REFERENCE_SPACES)}, got {space!r}")
                    ok = False
            if ok:
                found.append(Fault(float(t), name, kwargs))
        found.sort(key=lambda f: f.t)  # stable: faults at the same time keep the file's order
        return found

    # -- playing --------------------------------------------------------------------------------------------------

    def due_faults(self, t_prev: float, t_now: float) -> list[Fault]:
        """The faults with ``t_prev < t <= t_now``, in order: what the runtime injects as its clock moves."""
        return [f for f in self.faults if t_prev < f.t <= t_now]

    def sample(self, t: float) -> DeviceSample:
        """Where the head and hands are at ``t`` seconds."""
        rest_head: Pose = self._rest["head"]
        head_tracks = self.tracks["head"]
        head = Pose(
            self._at(head_tracks, "position", t, rest_head.position),
            self._at(head_tracks, "orientation", t, rest_head.orientation),
        )
        return DeviceSample(head, self._hand("left", t), self._hand("right", t))

    @staticmethod
    def _at(tracks: dict[str, Track], name: str, t: float, default: Any) -> Any:
        track = tracks.get(name)
        return default if track is None else track.at(t)

    def _hand(self, device: str, t: float) -> HandState:
        rest: HandState = self._rest[device]
        tracks = self.tracks[device]
        if not tracks:
            return rest

        def pose(part: str, rest_pose: Pose | None) -> Pose:
            base = rest_pose or Pose()
            return Pose(
                self._at(tracks, f"{part}.position", t, base.position),
                self._at(tracks, f"{part}.orientation", t, base.orientation),
            )

        return HandState(
            connected=self._at(tracks, "connected", t, True),
            aim=pose("aim", rest.aim),
            grip=pose("grip", rest.grip),
            select=self._at(tracks, "select", t, False),
            menu=self._at(tracks, "menu", t, False),
            trigger=self._at(tracks, "trigger", t, 0.0),
            squeeze=self._at(tracks, "squeeze", t, 0.0),
            thumbstick=self._at(tracks, "thumbstick", t, (0.0, 0.0)),
            thumbstick_click=self._at(tracks, "thumbstick_click", t, False),
            a=self._at(tracks, "a", t, False),
            b=self._at(tracks, "b", t, False),
        )


def _check_profile(check: _Checker, where: str, profile: Any) -> bool:
    from .actions import PROFILES

    if profile in PROFILES:
        return True
    close = difflib.get_close_matches(str(profile), list(PROFILES), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    check.error(where, f"'profile' must be one of {', '.join(PROFILES)}, got {profile!r}{hint}")
    return False


__all__ = ["FAULTS", "Fault", "ScriptedTimeline", "TimelineError", "quat_from_euler", "slerp"]
