"""The OpenXR action system of the mock: action sets, actions, bindings, syncing, action spaces and haptics.

It is as strict as Monado, the strictest open runtime, because an application error the mock lets through is one a
patient meets in a headset: malformed or duplicate names, subaction paths that are not top-level user paths,
bindings to paths a controller does not have, changing action sets after they were attached, reading an action as
the wrong type, or reading one whose set was never attached are all refused with the XrResult the spec requires.

How input flows
===============

The simulated user's controllers are :class:`~xrapp.mockrt.poses.HandState` objects: *components* named by what they
are (``select``, ``trigger``, ``squeeze``, ``thumbstick``, ``aim``, ``grip``...), not by binding path. Each
interaction profile in :data:`PROFILES` lists the input and output paths its controllers have and which component
feeds each one (a *source*). ``xrSyncActions`` samples the pose source at the runtime's current time, reads every
source the current profile (``runtime.config.interaction_profile``) binds to each action of the active action sets,
converts it to the action's type and combines several sources, then keeps the result until the next sync:

* a float source read by a boolean action is pressed at >= 0.5 (no hysteresis); a boolean read by a float action
  is 0.0 or 1.0; a ``.../x`` or ``.../y`` path is a float source; other combinations are not bound (as Monado);
* several sources of one action: boolean = OR, float = the largest absolute value, vector2 = the longest;
* an action is inactive when nothing is bound to it, its hand is disconnected, its set was not in the sync, or the
  session is not FOCUSED (then ``xrSyncActions`` answers XR_SESSION_NOT_FOCUSED);
* ``changedSinceLastSync`` is true only when the action was active at the previous sync too and its value differs;
  ``lastChangeTime`` is the sync's time when the value changed or the action became active.

A binding may name an identifier without its component (``/user/hand/right/input/trigger``); as the spec asks, the
runtime picks the component for the action's type: ``click`` then ``value`` for a boolean, ``value`` then ``click``
for a float, the identifier itself for a vector2, ``pose`` for a pose.

Bindings are taken from the suggestions the application made before ``xrAttachSessionActionSets`` (the spec freezes
them then). When the runtime's configured profile changes (``MockRuntime.change_interaction_profile``), the next sync
reads through the new profile's bindings. Action sets have no priorities here: every active set reads its sources.

Action spaces follow the spec as Monado reads it: an action space is located only while its pose action was active
at the last ``xrSyncActions`` (so an application must sync before locating, and loses hand poses while unfocused),
through the pose (grip or aim) bound at that sync, at the time asked for.

Haptics are logged in ``runtime.haptics`` (one :class:`~xrapp.mockrt.runtime.HapticRequest` per call, with the
action's name and the subaction path as given, ``""`` for XR_NULL_PATH); while the session is not FOCUSED they are
not played, not logged, and the call answers XR_SESSION_NOT_FOCUSED, as the spec requires.
"""

from __future__ import annotations

import ctypes
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
import xr

from .dispatch import implements
from .errors import XrError, require, require_type
from .handles import write_handle
from .idioms import pose_is_valid, two_call, write_string
from .instance import MockInstance, live_instance, runtime
from .poses import HandState, Pose
from .runtime import HapticRequest
from .session import MockSession, get_session
from .space import (
    FULLY_TRACKED,
    MockSpace,
    canonical_pose,
    check_time,
    get_space,
    locate,
    posef_to_pose,
    write_posef,
)

log = logging.getLogger("xrapp.mockrt")

_FULLY_TRACKED = int(FULLY_TRACKED)

S = xr.SessionState
AT = xr.ActionType

LEFT = "/user/hand/left"
RIGHT = "/user/hand/right"
HANDS = (LEFT, RIGHT)
TOP_LEVEL_PATHS = (LEFT, RIGHT, "/user/head", "/user/gamepad")
"""The top-level user paths an action may name as subaction paths (the mock's devices: two hands, head, gamepad)."""

USER_PATH_NAMES = {LEFT: "Left Hand", RIGHT: "Right Hand", "/user/head": "Head", "/user/gamepad": "Gamepad"}

# Spec: action and action set names are a single well-formed path component.
_NAME_RE = re.compile(r"^[a-z0-9\-_.]+$")


# =====================================================================================================================
# The controllers: interaction profiles and the components that feed their paths
# =====================================================================================================================


class Kind(Enum):
    """What a source path yields."""

    BOOLEAN = "boolean"
    FLOAT = "float"
    VECTOR2 = "vector2"
    POSE = "pose"
    HAPTIC = "haptic"


def _trigger_value(h: HandState) -> float:
    # ``select`` is the trigger pulled through its click: a script that only presses select still pulls the trigger.
    return h.trigger if h.trigger > 0.0 else (1.0 if h.select else 0.0)


def _stick_touched(h: HandState) -> bool:
    return h.thumbstick_click or h.thumbstick != (0.0, 0.0)


# What each component key of the profile table reads from a HandState. "idle" is a control the simulated user never
# touches (the Index trackpad, the thumbrest): bound and active like on a real controller, but always at rest.
READERS: dict[str, Callable[[HandState], Any]] = {
    "select": lambda h: h.select,
    "trigger": _trigger_value,
    "trigger_touch": lambda h: h.select or h.trigger > 0.0,
    "squeeze": lambda h: h.squeeze,
    "squeeze_click": lambda h: h.squeeze >= 0.5,
    "menu": lambda h: h.menu,
    "a": lambda h: h.a,
    "b": lambda h: h.b,
    "thumbstick": lambda h: h.thumbstick,
    "thumbstick_x": lambda h: h.thumbstick[0],
    "thumbstick_y": lambda h: h.thumbstick[1],
    "thumbstick_click": lambda h: h.thumbstick_click,
    "thumbstick_touch": _stick_touched,
    "idle_boolean": lambda h: False,
    "idle_float": lambda h: 0.0,
    "idle_vector2": lambda h: (0.0, 0.0),
    "aim": lambda h: h.aim,
    "grip": lambda h: h.grip,
    "haptic": lambda h: None,
}


@dataclass(frozen=True)
class Source:
    """One input or output path of a controller (relative to its hand, e.g. ``input/trigger/value``)."""

    kind: Kind
    component: str  # key of READERS
    name: str  # localized name of the control, for xrGetInputSourceLocalizedName

    def read(self, hand: HandState) -> Any:
        return READERS[self.component](hand)


@dataclass(frozen=True)
class Profile:
    """An interaction profile: its path, its localized name, and per hand the sources by relative path."""

    path: str
    name: str
    hands: dict[str, dict[str, Source]]

    def source(self, path: str) -> tuple[str, str, Source] | None:
        """(hand, relative path, source) for a full source path such as ``/user/hand/left/input/select/click``."""
        for hand, sources in self.hands.items():
            if path.startswith(hand + "/"):
                relative = path[len(hand) + 1 :]
                if relative in sources:
                    return hand, relative, sources[relative]
        return None

    def is_identifier(self, path: str) -> bool:
        """True if ``path`` names an identifier with components (``.../input/trigger``) rather than a source."""
        for hand, sources in self.hands.items():
            if path.startswith(hand + "/"):
                relative = path[len(hand) + 1 :]
                if relative.count("/") != 1:  # exactly input/<identifier> or output/<identifier>
                    return False
                return any(name.startswith(relative + "/") for name in sources)
        return False

    def accepts(self, path: str) -> bool:
        """A binding path the application may suggest for this profile."""
        return self.source(path) is not None or self.is_identifier(path)


# Building blocks of the table: a control (identifier) and its components.
def _button(identifier: str, component: str, name: str, touch: bool = False) -> dict[str, Source]:
    """``input/<identifier>/click`` read from ``component``, and its ``/touch`` if the control senses the finger
    (touched exactly while pressed: the simulated user does not rest a finger on a button)."""
    sources = {f"input/{identifier}/click": Source(Kind.BOOLEAN, component, name)}
    if touch:
        sources[f"input/{identifier}/touch"] = Source(Kind.BOOLEAN, component, f"{name} Touch")
    return sources


def _stick(identifier: str, name: str, idle: bool = False, click: bool = True, touch: bool = True) -> dict[str, Source]:
    """A thumbstick or trackpad: the vector2 itself, its ``/x`` and ``/y``, and optionally ``/click`` and ``/touch``;
    ``idle`` for one the simulated thumb is never on."""
    vector, x, y = (
        ("idle_vector2", "idle_float", "idle_float") if idle else ("thumbstick", "thumbstick_x", "thumbstick_y")
    )
    sources = {
        f"input/{identifier}": Source(Kind.VECTOR2, vector, name),
        f"input/{identifier}/x": Source(Kind.FLOAT, x, f"{name} X Axis"),
        f"input/{identifier}/y": Source(Kind.FLOAT, y, f"{name} Y Axis"),
    }
    if click:
        sources[f"input/{identifier}/click"] = Source(
            Kind.BOOLEAN, "idle_boolean" if idle else "thumbstick_click", name
        )
    if touch:
        sources[f"input/{identifier}/touch"] = Source(
            Kind.BOOLEAN, "idle_boolean" if idle else "thumbstick_touch", f"{name} Touch"
        )
    return sources


_POSES_AND_HAPTIC: dict[str, Source] = {
    "input/grip/pose": Source(Kind.POSE, "grip", "Grip Pose"),
    "input/aim/pose": Source(Kind.POSE, "aim", "Aim Pose"),
    "output/haptic": Source(Kind.HAPTIC, "haptic", "Haptic"),
}

_TRIGGER: dict[str, Source] = {
    "input/trigger/value": Source(Kind.FLOAT, "trigger", "Trigger"),
    "input/trigger/click": Source(Kind.BOOLEAN, "select", "Trigger"),
    "input/trigger/touch": Source(Kind.BOOLEAN, "trigger_touch", "Trigger Touch"),
}


def _both(sources: dict[str, Source]) -> dict[str, dict[str, Source]]:
    return {LEFT: dict(sources), RIGHT: dict(sources)}


def _profiles() -> dict[str, Profile]:
    simple = {
        **_button("select", "select", "Select"),
        **_button("menu", "menu", "Menu"),
        **_POSES_AND_HAPTIC,
    }
    touch_common = {
        "input/squeeze/value": Source(Kind.FLOAT, "squeeze", "Squeeze"),
        "input/trigger/value": _TRIGGER["input/trigger/value"],
        "input/trigger/touch": _TRIGGER["input/trigger/touch"],
        **_stick("thumbstick", "Thumbstick"),
        "input/thumbrest/touch": Source(Kind.BOOLEAN, "idle_boolean", "Thumbrest Touch"),
        **_POSES_AND_HAPTIC,
    }
    index = {
        **_button("system", "menu", "System Button", touch=True),
        **_button("a", "a", "A Button", touch=True),
        **_button("b", "b", "B Button", touch=True),
        "input/squeeze/value": Source(Kind.FLOAT, "squeeze", "Squeeze"),
        "input/squeeze/force": Source(Kind.FLOAT, "squeeze", "Squeeze Force"),
        **_TRIGGER,
        **_stick("thumbstick", "Thumbstick"),
        **_stick("trackpad", "Trackpad", idle=True, click=False),
        "input/trackpad/force": Source(Kind.FLOAT, "idle_float", "Trackpad Force"),
        **_POSES_AND_HAPTIC,
    }
    vive = {
        **_button("system", "idle_boolean", "System Button"),
        **_button("squeeze", "squeeze_click", "Grip"),
        **_button("menu", "menu", "Menu"),
        "input/trigger/click": _TRIGGER["input/trigger/click"],
        "input/trigger/value": _TRIGGER["input/trigger/value"],
        # The Vive wand has a trackpad where others have a thumbstick: the simulated thumb is on it.
        **_stick("trackpad", "Trackpad"),
        **_POSES_AND_HAPTIC,
    }
    motion = {
        **_button("menu", "menu", "Menu"),
        **_button("squeeze", "squeeze_click", "Grip"),
        "input/trigger/value": _TRIGGER["input/trigger/value"],
        **_stick("thumbstick", "Thumbstick", touch=False),
        # Windows Mixed Reality controllers have both; the simulated thumb is on the thumbstick.
        **_stick("trackpad", "Trackpad", idle=True),
        **_POSES_AND_HAPTIC,
    }
    profiles = [
        Profile("/interaction_profiles/khr/simple_controller", "Simple Controller", _both(simple)),
        Profile(
            "/interaction_profiles/oculus/touch_controller",
            "Oculus Touch Controller",
            {
                LEFT: {
                    **touch_common,
                    **_button("x", "a", "X Button", touch=True),
                    **_button("y", "b", "Y Button", touch=True),
                    **_button("menu", "menu", "Menu"),
                },
                RIGHT: {
                    **touch_common,
                    **_button("a", "a", "A Button", touch=True),
                    **_button("b", "b", "B Button", touch=True),
                    **_button("system", "idle_boolean", "System Button"),
                },
            },
        ),
        Profile("/interaction_profiles/valve/index_controller", "Valve Index Controller", _both(index)),
        Profile("/interaction_profiles/htc/vive_controller", "HTC Vive Controller", _both(vive)),
        Profile(
            "/interaction_profiles/microsoft/motion_controller",
            "Microsoft Mixed Reality Motion Controller",
            _both(motion),
        ),
    ]
    return {p.path: p for p in profiles}


PROFILES: dict[str, Profile] = _profiles()
"""The interaction profiles the mock's controllers offer, by path."""


# The component the runtime picks, in order, when a binding names an identifier without one (spec: "click" then
# "value" for a boolean, "value" then "click" for a float; a vector2 identifier is itself the source).
_COMPONENT_PREFERENCE: dict[int, tuple[str, ...]] = {
    AT.BOOLEAN_INPUT.value: ("/click", "/value"),
    AT.FLOAT_INPUT.value: ("/value", "/click"),
    AT.VECTOR2F_INPUT.value: ("",),
    AT.POSE_INPUT.value: ("/pose",),
    AT.VIBRATION_OUTPUT.value: ("",),
}
# Which source kinds an action type can read (the spec's conversions); a binding to anything else stays unbound.
_COMPATIBLE: dict[int, frozenset[Kind]] = {
    AT.BOOLEAN_INPUT.value: frozenset({Kind.BOOLEAN, Kind.FLOAT}),
    AT.FLOAT_INPUT.value: frozenset({Kind.FLOAT, Kind.BOOLEAN}),
    AT.VECTOR2F_INPUT.value: frozenset({Kind.VECTOR2}),
    AT.POSE_INPUT.value: frozenset({Kind.POSE}),
    AT.VIBRATION_OUTPUT.value: frozenset({Kind.HAPTIC}),
}


def resolve_binding(profile: Profile, action_type: int, path: str) -> tuple[str, str, Source] | None:
    """The source an action of ``action_type`` reads through binding ``path``: (hand, full path, source), or None
    if the path gives nothing that type can read (the binding is then ignored, as Monado does)."""
    candidates = [path] if profile.source(path) else [path + suffix for suffix in _COMPONENT_PREFERENCE[action_type]]
    for candidate in candidates:
        found = profile.source(candidate)
        if found is not None and found[2].kind in _COMPATIBLE[action_type]:
            return found[0], candidate, found[2]
    return None


def convert(value: Any, kind: Kind, action_type: int) -> Any:
    """A source's raw value as the action's type reads it (the spec's conversions)."""
    if action_type == AT.BOOLEAN_INPUT:
        return bool(value >= 0.5) if kind == Kind.FLOAT else bool(value)
    if action_type == AT.FLOAT_INPUT:
        return float(value)  # a boolean reads as 0.0 or 1.0
    if action_type == AT.VECTOR2F_INPUT:
        return (float(value[0]), float(value[1]))
    return value


def combine(action_type: int, values: list[Any]) -> Any:
    """Several sources of one action: boolean = OR, float = largest absolute value, vector2 = longest."""
    # ActionType is an IntEnum: members compare with the raw integers without the enum's slow ``.value``.
    if action_type == AT.BOOLEAN_INPUT:
        return any(values)
    if action_type == AT.FLOAT_INPUT:
        return max(values, key=abs, default=0.0)
    if action_type == AT.VECTOR2F_INPUT:
        return max(values, key=lambda v: math.hypot(*v), default=(0.0, 0.0))
    return None


_ZERO_VALUES: dict[int, Any] = {
    AT.BOOLEAN_INPUT.value: False,
    AT.FLOAT_INPUT.value: 0.0,
    AT.VECTOR2F_INPUT.value: (0.0, 0.0),
}


def zero_value(action_type: int) -> Any:
    """The value of an inactive action of ``action_type`` (None for poses and haptics)."""
    return _ZERO_VALUES.get(action_type)


# =====================================================================================================================
# Objects: action sets, actions, per-instance suggestions, per-session state
# =====================================================================================================================


class MockActionSet:
    """An XrActionSet. After it was attached to any session it can never change again (no actions added)."""

    def __init__(self, inst: MockInstance, name: str, localized_name: str, priority: int) -> None:
        self.instance = inst
        self.name = name
        self.localized_name = localized_name
        self.priority = priority
        self.actions: list[MockAction] = []
        self.ever_attached = False
        self.destroyed = False
        self.handle = inst.runtime.handles.add(self)

    def live_actions(self) -> list[MockAction]:
        return [a for a in self.actions if not a.destroyed]

    def destroy(self) -> None:
        """Destroy the handle and its actions' handles. The set keeps working in sessions it is attached to
        (spec: the runtime must not free resources still used by xrSyncActions and action spaces)."""
        for action in self.actions:
            action.destroy()
        self.destroyed = True
        self.instance.runtime.handles.remove(self.handle)


class MockAction:
    """An XrAction: its type and the top-level user paths (subaction paths) it may be read through."""

    def __init__(
        self, action_set: MockActionSet, name: str, localized_name: str, action_type: int, subaction_paths: list[str]
    ) -> None:
        self.action_set = action_set
        self.instance = action_set.instance
        self.name = name
        self.localized_name = localized_name
        self.action_type = action_type
        self.subaction_paths = subaction_paths
        self.destroyed = False
        self.handle = self.instance.runtime.handles.add(self)

    @property
    def type_name(self) -> str:
        return f"XR_ACTION_TYPE_{AT(self.action_type).name}"

    def top_levels(self) -> tuple[str, ...]:
        """The top-level paths whose sources this action reads: its subaction paths, or all if it declared none."""
        return tuple(self.subaction_paths) if self.subaction_paths else TOP_LEVEL_PATHS

    def destroy(self) -> None:
        # Only the handle goes: an attached action keeps syncing and its action spaces keep locating (spec).
        self.destroyed = True
        self.instance.runtime.handles.remove(self.handle)


@dataclass
class InstanceActions:
    """What the action system keeps per instance: its action sets and the application's suggested bindings."""

    action_sets: list[MockActionSet] = field(default_factory=list)
    suggestions: dict[str, list[tuple[MockAction, str]]] = field(default_factory=dict)

    def live_sets(self) -> list[MockActionSet]:
        return [s for s in self.action_sets if not s.destroyed]


def instance_actions(inst: MockInstance) -> InstanceActions:
    """The action system's state of ``inst``, kept on the instance itself so it lives and dies with it."""
    if inst.action_system is None:
        inst.action_system = InstanceActions()
    return inst.action_system


@dataclass(slots=True)
class ActionValue:
    """The state of one action through one subaction path (or all, for XR_NULL_PATH) as of the last sync."""

    active: bool = False
    value: Any = None
    changed: bool = False
    last_change_time: int = 0
    pose_component: str | None = None  # pose actions: "aim" or "grip", what an action space locates


class SessionActions:
    """The action system's state in one session (``MockSession.action_state``): attached sets, frozen bindings,
    and the action states of the last sync."""

    def __init__(self, session: MockSession, action_sets: list[MockActionSet]) -> None:
        self.session = session
        self.action_sets = action_sets
        self.actions = {a for s in action_sets for a in s.actions}
        # Spec: the suggestions are frozen at attach; only bindings to attached actions matter.
        suggested = instance_actions(session.instance).suggestions
        self.bindings: dict[str, list[tuple[MockAction, str]]] = {
            profile: [(a, p) for a, p in pairs if a in self.actions]
            for profile, pairs in suggested.items()
            if any(a in self.actions for a, _ in pairs)
        }
        self.values: dict[tuple[MockAction, str | None], ActionValue] = {}
        self.synced = False
        # (profile, action, top-level path) -> sources: the bindings are frozen, so each is resolved once.
        self._sources: dict[tuple[str, MockAction, str], list[tuple[str, Source]]] = {}
        self._plans: dict[str | None, list] = {}  # profile -> what sync reads (see _plan)

    # -- bindings -----------------------------------------------------------------------------------------------

    def current_profile(self) -> str | None:
        """The configured controllers' profile if the application suggested bindings for it, else None."""
        profile = self.session.runtime.config.interaction_profile
        return profile if profile in self.bindings and profile in PROFILES else None

    def sources(self, action: MockAction, top_level: str) -> list[tuple[str, Source]]:
        """(full path, source) of each source bound to ``action`` on ``top_level`` in the current profile."""
        profile = self.current_profile()
        if profile is None or top_level not in action.top_levels():
            return []
        return self._bound(profile, action, top_level)

    def _bound(self, profile: str, action: MockAction, top_level: str) -> list[tuple[str, Source]]:
        key = (profile, action, top_level)
        found = self._sources.get(key)
        if found is None:
            found = self._sources[key] = self._resolve_sources(profile, action, top_level)
        return found

    def _resolve_sources(self, profile: str, action: MockAction, top_level: str) -> list[tuple[str, Source]]:
        found: list[tuple[str, Source]] = []
        for bound_action, path in self.bindings[profile]:
            if bound_action is not action:
                continue
            resolved = resolve_binding(PROFILES[profile], action.action_type, path)
            if resolved is not None and resolved[0] == top_level and resolved[1] not in (p for p, _ in found):
                found.append((resolved[1], resolved[2]))
        return found

    def value(self, action: MockAction, subaction_path: str | None) -> ActionValue:
        return self.values.get((action, subaction_path)) or ActionValue(value=zero_value(action.action_type))

    # -- sync ---------------------------------------------------------------------------------------------------

    def sync(self, requested: dict[MockActionSet, set[str | None]], focused: bool) -> None:
        """Read every attached action's sources now; ``requested`` is each active set's subaction paths."""
        rt = self.session.runtime
        now_ns = rt.clock.now_ns
        sample = rt.pose_source.sample(rt.now_seconds())
        hands = (sample.left, sample.right)
        for action, action_type, zero, tops in self._plan(self.current_profile()):
            wanted = requested.get(action.action_set, ())
            every_path = None in wanted
            active_values = []
            pose_component = None
            for top, hand_index, sources in tops:
                active, value, component = False, zero, None
                if focused and sources and hand_index is not None and (every_path or top in wanted):
                    hand = hands[hand_index]
                    if hand.connected:
                        active, value, component = _read(action_type, sources, hand, zero)
                # Kept for every top-level path, also undeclared ones: an action space of an action without
                # subaction paths needs to know which hand is tracked. The getters only read declared ones.
                self._store(action, top, active, value, component, zero, now_ns)
                if active:
                    active_values.append(value)
                    pose_component = pose_component or component
            combined = combine(action_type, active_values) if active_values else zero
            self._store(action, None, bool(active_values), combined, pose_component, zero, now_ns)
        self.synced = True

    def _plan(self, profile: str | None) -> list[tuple[MockAction, int, Any, list[tuple[str, int | None, list]]]]:
        """Per action: (action, type, inactive value, per top-level path (path, hand index or None, bound
        sources)), made once per profile: the bindings are frozen at attach."""
        plan = self._plans.get(profile)
        if plan is None:
            plan = self._plans[profile] = [
                (
                    action,
                    action.action_type,
                    zero_value(action.action_type),
                    [
                        (
                            top,
                            HANDS.index(top) if top in HANDS else None,
                            self._bound(profile, action, top) if profile else [],
                        )
                        for top in action.top_levels()
                    ],
                )
                for action in self.actions
            ]
        return plan

    def _store(
        self, action: MockAction, key: str | None, active: bool, value: Any, component: str | None, zero, now_ns: int
    ) -> None:
        """Keep the state read now, with ``changed`` and ``lastChangeTime`` from the one kept before. An unchanged
        state is updated in place: most actions do not change from one frame to the next."""
        values = self.values
        last = values.get((action, key))
        if not active:
            if last is None or last.active:
                values[(action, key)] = ActionValue(value=zero)
            return  # else it stays the inactive zero state it was
        if last is None or not last.active:
            # Newly active: not "changed", but its state starts now.
            values[(action, key)] = ActionValue(True, value, False, now_ns, component)
        elif value != last.value:
            values[(action, key)] = ActionValue(True, value, True, now_ns, component)
        else:
            last.changed = False
            last.pose_component = component


def _read(action_type: int, sources: list[tuple[str, Source]], hand: HandState, zero) -> tuple[bool, Any, str | None]:
    """(active, value, pose component) of an action of ``action_type`` from the hand's bound ``sources`` now."""
    if action_type == AT.POSE_INPUT:
        for _, source in sources:  # the first pose bound wins (the spec lets the runtime choose one)
            if source.read(hand) is not None:
                return True, None, source.component
        return False, zero, None
    if action_type == AT.VIBRATION_OUTPUT:
        return True, None, None
    return (
        True,
        combine(action_type, [convert(source.read(hand), source.kind, action_type) for _, source in sources]),
        None,
    )


def attached(session: MockSession) -> SessionActions | None:
    state = session.action_state
    return state if isinstance(state, SessionActions) else None


# =====================================================================================================================
# Checks shared by the entry points
# =====================================================================================================================


def _decode_name(raw: bytes, size: int, what: str) -> str:
    require(len(raw) < size, xr.Result.ERROR_NAME_INVALID, f"{what} is not NUL-terminated within {size} bytes")
    require(bool(raw), xr.Result.ERROR_NAME_INVALID, f"{what} is empty")
    text = raw.decode("ascii", errors="replace")
    require(
        bool(_NAME_RE.match(text)) and text.strip(".") != "",
        xr.Result.ERROR_PATH_FORMAT_INVALID,
        f"{what} {text!r} is not a valid name: use lower-case a-z, 0-9, '-', '_' and '.' only",
    )
    return text


def _decode_localized(raw: bytes, size: int, what: str) -> str:
    require(len(raw) < size, xr.Result.ERROR_LOCALIZED_NAME_INVALID, f"{what} is not NUL-terminated")
    require(bool(raw), xr.Result.ERROR_LOCALIZED_NAME_INVALID, f"{what} is empty")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise XrError(xr.Result.ERROR_LOCALIZED_NAME_INVALID, f"{what} is not valid UTF-8") from None


def get_action_set(handle, what: str = "actionSet") -> MockActionSet:
    action_set = runtime().handles.get(handle, MockActionSet, what)
    action_set.instance.check_alive()
    return action_set


def get_action(handle, what: str = "action") -> MockAction:
    action = runtime().handles.get(handle, MockAction, what)
    action.instance.check_alive()
    return action


def _subaction(session: MockSession, action: MockAction, path: int, what: str) -> str | None:
    """The subaction path string (None for XR_NULL_PATH); it must be one the action was created with."""
    if path == xr.NULL_PATH:
        return None
    text = session.instance.path_string(path)
    if text not in action.subaction_paths:
        raise XrError(
            xr.Result.ERROR_PATH_UNSUPPORTED,
            f"{what} {text} is not a subaction path of action {action.name!r} "
            f"(created with {action.subaction_paths or 'none'})",
        )
    return text


def _attached_state(session: MockSession, action: MockAction) -> SessionActions:
    if action.instance is not session.instance:
        raise XrError(xr.Result.ERROR_VALIDATION_FAILURE, f"action {action.name!r} belongs to another instance")
    state = attached(session)
    if state is None or action.action_set not in state.action_sets:
        raise XrError(
            xr.Result.ERROR_ACTIONSET_NOT_ATTACHED,
            f"the action set {action.action_set.name!r} of action {action.name!r} is not attached to this session: "
            "call xrAttachSessionActionSets",
        )
    return state


def _action_for_state(session: MockSession, info_ptr, expected: xr.ActionType, what: str):
    """The common checks of xrGetActionState*: (SessionActions, action, subaction path)."""
    require_type(info_ptr, xr.StructureType.ACTION_STATE_GET_INFO, "getInfo")
    info = info_ptr.contents
    action = get_action(info.action, "getInfo.action")
    state = _attached_state(session, action)
    if action.action_type != expected:  # the message is made only on failure: these run many times a frame
        raise XrError(
            xr.Result.ERROR_ACTION_TYPE_MISMATCH,
            f"{what} on action {action.name!r} of type {action.type_name}; it needs XR_ACTION_TYPE_{expected.name}",
        )
    return state, action, _subaction(session, action, info.subaction_path, "getInfo.subactionPath")


# =====================================================================================================================
# Entry points
# =====================================================================================================================


@implements("xrCreateActionSet")
def create_action_set(instance, info_ptr, action_set_out):
    inst = live_instance(instance)
    require_type(info_ptr, xr.StructureType.ACTION_SET_CREATE_INFO, "createInfo")
    info = info_ptr.contents
    name = _decode_name(info.action_set_name, xr.MAX_ACTION_SET_NAME_SIZE, "createInfo.actionSetName")
    localized = _decode_localized(
        info.localized_action_set_name, xr.MAX_LOCALIZED_ACTION_SET_NAME_SIZE, "createInfo.localizedActionSetName"
    )
    per_instance = instance_actions(inst)
    for other in per_instance.live_sets():
        require(other.name != name, xr.Result.ERROR_NAME_DUPLICATED, f"an action set named {name!r} already exists")
        require(
            other.localized_name != localized,
            xr.Result.ERROR_LOCALIZED_NAME_DUPLICATED,
            f"an action set with the localized name {localized!r} already exists",
        )
    action_set = MockActionSet(inst, name, localized, info.priority)
    per_instance.action_sets.append(action_set)
    write_handle(action_set_out, action_set.handle, "actionSet")


@implements("xrDestroyActionSet")
def destroy_action_set(handle):
    runtime().handles.get(handle, MockActionSet, "actionSet").destroy()


@implements("xrCreateAction")
def create_action(action_set_handle, info_ptr, action_out):
    action_set = get_action_set(action_set_handle)
    require(
        not action_set.ever_attached,
        xr.Result.ERROR_ACTIONSETS_ALREADY_ATTACHED,
        f"action set {action_set.name!r} was attached to a session: it can have no new actions",
    )
    require_type(info_ptr, xr.StructureType.ACTION_CREATE_INFO, "createInfo")
    info = info_ptr.contents
    name = _decode_name(info.action_name, xr.MAX_ACTION_NAME_SIZE, "createInfo.actionName")
    localized = _decode_localized(
        info.localized_action_name, xr.MAX_LOCALIZED_ACTION_NAME_SIZE, "createInfo.localizedActionName"
    )
    action_type = info._action_type
    require(
        action_type in _COMPATIBLE,
        xr.Result.ERROR_VALIDATION_FAILURE,
        f"createInfo.actionType {action_type} is not an XrActionType",
    )
    count = info.count_subaction_paths
    require(
        count == 0 or bool(info._subaction_paths),
        xr.Result.ERROR_VALIDATION_FAILURE,
        f"createInfo.countSubactionPaths is {count} but subactionPaths is NULL",
    )
    subaction_paths: list[str] = []
    for i in range(count):
        text = action_set.instance.path_string(info._subaction_paths[i])
        require(
            text in TOP_LEVEL_PATHS,
            xr.Result.ERROR_PATH_UNSUPPORTED,
            f"createInfo.subactionPaths[{i}] {text} is not a top-level user path: use one of "
            + ", ".join(TOP_LEVEL_PATHS),
        )
        require(
            text not in subaction_paths,
            xr.Result.ERROR_PATH_UNSUPPORTED,
            f"createInfo.subactionPaths[{i}] {text} is given twice",
        )
        subaction_paths.append(text)
    for other in action_set.live_actions():
        require(
            other.name != name,
            xr.Result.ERROR_NAME_DUPLICATED,
            f"action set {action_set.name!r} already has an action named {name!r}",
        )
        require(
            other.localized_name != localized,
            xr.Result.ERROR_LOCALIZED_NAME_DUPLICATED,
            f"action set {action_set.name!r} already has an action with the localized name {localized!r}",
        )
    action = MockAction(action_set, name, localized, action_type, subaction_paths)
    action_set.actions.append(action)
    write_handle(action_out, action.handle, "action")


@implements("xrDestroyAction")
def destroy_action(handle):
    runtime().handles.get(handle, MockAction, "action").destroy()


@implements("xrSuggestInteractionProfileBindings")
def suggest_interaction_profile_bindings(instance, suggested_ptr):
    inst = live_instance(instance)
    require_type(suggested_ptr, xr.StructureType.INTERACTION_PROFILE_SUGGESTED_BINDING, "suggestedBindings")
    suggested = suggested_ptr.contents
    profile_path = inst.path_string(suggested.interaction_profile)
    profile = PROFILES.get(profile_path)
    require(
        profile is not None,
        xr.Result.ERROR_PATH_UNSUPPORTED,
        f"{profile_path} is not an interaction profile the mock knows: use one of " + ", ".join(PROFILES),
    )
    count = suggested.count_suggested_bindings
    require(count > 0, xr.Result.ERROR_VALIDATION_FAILURE, "suggestedBindings.countSuggestedBindings is 0")
    require(bool(suggested._suggested_bindings), xr.Result.ERROR_VALIDATION_FAILURE, "suggestedBindings is NULL")
    pairs: list[tuple[MockAction, str]] = []
    for i in range(count):
        binding = suggested._suggested_bindings[i]
        action = get_action(binding.action, f"suggestedBindings[{i}].action")
        require(
            action.instance is inst,
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"suggestedBindings[{i}].action belongs to another instance",
        )
        require(
            not action.action_set.ever_attached,
            xr.Result.ERROR_ACTIONSETS_ALREADY_ATTACHED,
            f"suggestedBindings[{i}].action {action.name!r}: its action set {action.action_set.name!r} is already "
            "attached to a session; suggest bindings before xrAttachSessionActionSets",
        )
        path = inst.path_string(binding.binding)
        require(
            profile.accepts(path),
            xr.Result.ERROR_PATH_UNSUPPORTED,
            f"suggestedBindings[{i}].binding {path} is not a path of {profile_path}",
        )
        if resolve_binding(profile, action.action_type, path) is None:
            # Allowed by the spec (the runtime simply does not bind it), but almost always a mistake.
            log.warning("binding %s cannot feed %s action %r: it stays unbound", path, action.type_name, action.name)
        pairs.append((action, path))
    # Spec: each call replaces any previous suggestions for that profile.
    instance_actions(inst).suggestions[profile_path] = pairs


@implements("xrAttachSessionActionSets")
def attach_session_action_sets(session_handle, info_ptr):
    session = get_session(session_handle)
    require_type(info_ptr, xr.StructureType.SESSION_ACTION_SETS_ATTACH_INFO, "attachInfo")
    require(
        session.attached_action_sets is None,
        xr.Result.ERROR_ACTIONSETS_ALREADY_ATTACHED,
        "action sets were already attached to this session (once per session)",
    )
    info = info_ptr.contents
    require(info.count_action_sets > 0, xr.Result.ERROR_VALIDATION_FAILURE, "attachInfo.countActionSets is 0")
    require(bool(info._action_sets), xr.Result.ERROR_VALIDATION_FAILURE, "attachInfo.actionSets is NULL")
    action_sets: list[MockActionSet] = []
    for i in range(info.count_action_sets):
        action_set = get_action_set(info._action_sets[i], f"attachInfo.actionSets[{i}]")
        require(
            action_set.instance is session.instance,
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"attachInfo.actionSets[{i}] belongs to another instance",
        )
        require(
            action_set not in action_sets,
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"attachInfo.actionSets[{i}] {action_set.name!r} is listed twice",
        )
        action_sets.append(action_set)
    for action_set in action_sets:
        action_set.ever_attached = True
    state = SessionActions(session, action_sets)
    session.action_state = state
    session.attached_action_sets = action_sets
    if state.current_profile() is not None:
        session.interaction_profile_changed()


@implements("xrGetCurrentInteractionProfile")
def get_current_interaction_profile(session_handle, top_level_path, profile_ptr):
    session = get_session(session_handle)
    state = attached(session)
    require(
        state is not None,
        xr.Result.ERROR_ACTIONSET_NOT_ATTACHED,
        "no action sets are attached to this session: call xrAttachSessionActionSets first",
    )
    top = session.instance.path_string(top_level_path)
    require(
        top in TOP_LEVEL_PATHS,
        xr.Result.ERROR_PATH_UNSUPPORTED,
        f"{top} is not a top-level user path: use one of " + ", ".join(TOP_LEVEL_PATHS),
    )
    require_type(profile_ptr, xr.StructureType.INTERACTION_PROFILE_STATE, "interactionProfile")
    profile = state.current_profile()
    # The simulated user holds controllers only: the head and a gamepad have no interaction profile.
    if profile is None or top not in HANDS:
        profile_ptr.contents.interaction_profile = xr.NULL_PATH
    else:
        profile_ptr.contents.interaction_profile = session.instance.path(profile)


@implements("xrSyncActions")
def sync_actions(session_handle, info_ptr):
    session = get_session(session_handle)
    require_type(info_ptr, xr.StructureType.ACTIONS_SYNC_INFO, "syncInfo")
    info = info_ptr.contents
    state = attached(session)
    count = info.count_active_action_sets
    require(
        count == 0 or bool(info._active_action_sets),
        xr.Result.ERROR_VALIDATION_FAILURE,
        f"syncInfo.countActiveActionSets is {count} but activeActionSets is NULL",
    )
    requested: dict[MockActionSet, set[str | None]] = {}
    for i in range(count):
        active = info._active_action_sets[i]
        action_set = get_action_set(active.action_set, f"syncInfo.activeActionSets[{i}].actionSet")
        require(
            state is not None and action_set in state.action_sets,
            xr.Result.ERROR_ACTIONSET_NOT_ATTACHED,
            f"syncInfo.activeActionSets[{i}] {action_set.name!r} is not attached to this session",
        )
        subaction: str | None = None
        if active.subaction_path != xr.NULL_PATH:
            subaction = session.instance.path_string(active.subaction_path)
            require(
                any(subaction in a.subaction_paths for a in action_set.actions),
                xr.Result.ERROR_PATH_UNSUPPORTED,
                f"syncInfo.activeActionSets[{i}].subactionPath {subaction} is not a subaction path of any action "
                f"in {action_set.name!r}",
            )
        requested.setdefault(action_set, set()).add(subaction)
    if state is None:  # nothing attached and nothing asked: nothing to do
        return xr.Result.SESSION_NOT_FOCUSED if session.state != S.FOCUSED else None
    focused = session.state == S.FOCUSED
    state.sync(requested, focused)
    return None if focused else xr.Result.SESSION_NOT_FOCUSED


def _write_common(out, value: ActionValue) -> None:
    out.is_active = value.active
    out.changed_since_last_sync = value.changed
    out.last_change_time = value.last_change_time


@implements("xrGetActionStateBoolean")
def get_action_state_boolean(session_handle, info_ptr, state_ptr):
    session = get_session(session_handle)
    state, action, subaction = _action_for_state(session, info_ptr, AT.BOOLEAN_INPUT, "xrGetActionStateBoolean")
    require_type(state_ptr, xr.StructureType.ACTION_STATE_BOOLEAN, "state")
    value = state.value(action, subaction)
    out = state_ptr.contents
    out.current_state = bool(value.value)
    _write_common(out, value)


@implements("xrGetActionStateFloat")
def get_action_state_float(session_handle, info_ptr, state_ptr):
    session = get_session(session_handle)
    state, action, subaction = _action_for_state(session, info_ptr, AT.FLOAT_INPUT, "xrGetActionStateFloat")
    require_type(state_ptr, xr.StructureType.ACTION_STATE_FLOAT, "state")
    value = state.value(action, subaction)
    out = state_ptr.contents
    out.current_state = float(value.value or 0.0)
    _write_common(out, value)


@implements("xrGetActionStateVector2f")
def get_action_state_vector2f(session_handle, info_ptr, state_ptr):
    session = get_session(session_handle)
    state, action, subaction = _action_for_state(session, info_ptr, AT.VECTOR2F_INPUT, "xrGetActionStateVector2f")
    require_type(state_ptr, xr.StructureType.ACTION_STATE_VECTOR2F, "state")
    value = state.value(action, subaction)
    out = state_ptr.contents
    out.current_state.x, out.current_state.y = value.value or (0.0, 0.0)
    _write_common(out, value)


@implements("xrGetActionStatePose")
def get_action_state_pose(session_handle, info_ptr, state_ptr):
    session = get_session(session_handle)
    state, action, subaction = _action_for_state(session, info_ptr, AT.POSE_INPUT, "xrGetActionStatePose")
    require_type(state_ptr, xr.StructureType.ACTION_STATE_POSE, "state")
    state_ptr.contents.is_active = state.value(action, subaction).active


@implements("xrEnumerateBoundSourcesForAction")
def enumerate_bound_sources_for_action(session_handle, info_ptr, capacity, count_out, sources_out):
    session = get_session(session_handle)
    require_type(info_ptr, xr.StructureType.BOUND_SOURCES_FOR_ACTION_ENUMERATE_INFO, "enumerateInfo")
    action = get_action(info_ptr.contents.action, "enumerateInfo.action")
    state = _attached_state(session, action)
    paths = [path for top in action.top_levels() for path, _ in state.sources(action, top)]
    values = [session.instance.path(p) for p in paths]

    def fill(index: int, value: int) -> None:
        sources_out[index] = value

    two_call(capacity, count_out, sources_out, values, fill, "xrEnumerateBoundSourcesForAction")


_NAME_FLAGS = xr.InputSourceLocalizedNameFlags


@implements("xrGetInputSourceLocalizedName")
def get_input_source_localized_name(session_handle, info_ptr, capacity, count_out, buffer):
    session = get_session(session_handle)
    require_type(info_ptr, xr.StructureType.INPUT_SOURCE_LOCALIZED_NAME_GET_INFO, "getInfo")
    info = info_ptr.contents
    flags = info._which_components
    every = int(_NAME_FLAGS.USER_PATH_BIT | _NAME_FLAGS.INTERACTION_PROFILE_BIT | _NAME_FLAGS.COMPONENT_BIT)
    require(flags != 0, xr.Result.ERROR_VALIDATION_FAILURE, "getInfo.whichComponents is 0: ask for at least one part")
    require(
        flags & ~every == 0, xr.Result.ERROR_VALIDATION_FAILURE, f"getInfo.whichComponents {flags:#x} has unknown bits"
    )
    path = session.instance.path_string(info.source_path)
    profile = PROFILES.get(session.runtime.config.interaction_profile)
    top = next((t for t in TOP_LEVEL_PATHS if path == t or path.startswith(t + "/")), None)
    found = profile.source(path) if profile is not None and top is not None and path != top else None
    require(
        top is not None and (path == top or found is not None),
        xr.Result.ERROR_PATH_UNSUPPORTED,
        f"getInfo.sourcePath {path} is not an input source of the current controllers: "
        "use a path from xrEnumerateBoundSourcesForAction",
    )
    parts = []
    if flags & _NAME_FLAGS.USER_PATH_BIT:
        parts.append(USER_PATH_NAMES[top])
    if flags & _NAME_FLAGS.INTERACTION_PROFILE_BIT and profile is not None:
        parts.append(profile.name)
    if flags & _NAME_FLAGS.COMPONENT_BIT and found is not None:
        parts.append(found[2].name)
    write_string(capacity, count_out, buffer, " ".join(parts), "xrGetInputSourceLocalizedName")


def _haptic_target(session: MockSession, info_ptr) -> tuple[MockAction, str | None]:
    require_type(info_ptr, xr.StructureType.HAPTIC_ACTION_INFO, "hapticActionInfo")
    info = info_ptr.contents
    action = get_action(info.action, "hapticActionInfo.action")
    _attached_state(session, action)
    require(
        action.action_type == AT.VIBRATION_OUTPUT.value,
        xr.Result.ERROR_ACTION_TYPE_MISMATCH,
        f"haptics on action {action.name!r} of type {action.type_name}; it needs XR_ACTION_TYPE_VIBRATION_OUTPUT",
    )
    return action, _subaction(session, action, info.subaction_path, "hapticActionInfo.subactionPath")


@implements("xrApplyHapticFeedback")
def apply_haptic_feedback(session_handle, info_ptr, feedback_ptr):
    session = get_session(session_handle)
    action, subaction = _haptic_target(session, info_ptr)
    require_type(feedback_ptr, xr.StructureType.HAPTIC_VIBRATION, "hapticFeedback")
    vibration = ctypes.cast(feedback_ptr, ctypes.POINTER(xr.HapticVibration)).contents
    if session.state != S.FOCUSED:
        return xr.Result.SESSION_NOT_FOCUSED  # spec: no haptics for an application without focus
    session.runtime.haptics.append(
        HapticRequest(
            time=session.runtime.clock.now_ns,
            action=action.name,
            subaction_path=subaction or "",
            duration_ns=vibration.duration,
            frequency_hz=vibration.frequency,
            amplitude=vibration.amplitude,
        )
    )
    return None


@implements("xrStopHapticFeedback")
def stop_haptic_feedback(session_handle, info_ptr):
    session = get_session(session_handle)
    action, subaction = _haptic_target(session, info_ptr)
    if session.state != S.FOCUSED:
        return xr.Result.SESSION_NOT_FOCUSED
    session.runtime.haptics.append(
        HapticRequest(
            time=session.runtime.clock.now_ns,
            action=action.name,
            subaction_path=subaction or "",
            duration_ns=0,
            frequency_hz=0.0,
            amplitude=0.0,
            stop=True,
        )
    )
    return None


# -- action spaces --------------------------------------------------------------------------------------------------


class ActionSpace(MockSpace):
    """A space that follows the pose a pose action is bound to (the controller's grip or aim)."""

    def __init__(self, session: MockSession, action: MockAction, subaction_path: str | None, offset: Pose) -> None:
        super().__init__(session, offset)
        self.action = action
        self.subaction_path = subaction_path

    def origin_in_stage(self, t: float) -> np.ndarray | None:
        pose = self._tracked_pose(t)
        return None if pose is None else pose.matrix()

    def pose_in_stage(self, t: float) -> Pose | None:
        if not self.offset_is_identity:
            return super().pose_in_stage(t)
        return canonical_pose(self._tracked_pose(t))

    def _tracked_pose(self, t: float) -> Pose | None:
        """The bound grip or aim pose in STAGE at ``t``, or None when the action is not tracking one."""
        state = attached(self.session)
        if state is None:
            return None
        # With a subaction path, that hand; without, the first hand whose pose the action tracks (spec: the runtime
        # chooses).
        for top in (self.subaction_path,) if self.subaction_path else HANDS:
            value = state.value(self.action, top)
            if top not in HANDS or not value.active or value.pose_component is None:
                continue
            hand = self.session.runtime.pose_source.sample(t).hand(HANDS.index(top))
            pose = getattr(hand, value.pose_component) if hand.connected else None
            if pose is not None:
                return pose
        return None


@implements("xrCreateActionSpace")
def create_action_space(session_handle, info_ptr, space_out):
    session = get_session(session_handle)
    require_type(info_ptr, xr.StructureType.ACTION_SPACE_CREATE_INFO, "createInfo")
    info = info_ptr.contents
    action = get_action(info.action, "createInfo.action")
    require(
        action.instance is session.instance,
        xr.Result.ERROR_VALIDATION_FAILURE,
        f"createInfo.action {action.name!r} belongs to another instance",
    )
    require(
        action.action_type == AT.POSE_INPUT.value,
        xr.Result.ERROR_ACTION_TYPE_MISMATCH,
        f"action spaces need a pose action; {action.name!r} is {action.type_name}",
    )
    subaction = _subaction(session, action, info.subaction_path, "createInfo.subactionPath")
    require(
        pose_is_valid(info.pose_in_action_space),
        xr.Result.ERROR_POSE_INVALID,
        "createInfo.poseInActionSpace has a non-unit orientation quaternion",
    )
    space = ActionSpace(session, action, subaction, posef_to_pose(info.pose_in_action_space))
    write_handle(space_out, space.handle, "space")


@implements("xrLocateSpaces")
def locate_spaces(session_handle, info_ptr, locations_ptr):
    """OpenXR 1.1: locate several spaces in one base space at one time."""
    session = get_session(session_handle)
    require(
        session.instance.api_version >= xr.Version(1, 1, 0).number(),
        xr.Result.ERROR_FUNCTION_UNSUPPORTED,
        "xrLocateSpaces is OpenXR 1.1: create the instance with apiVersion 1.1, or enable XR_KHR_locate_spaces and "
        "call xrLocateSpacesKHR",
    )
    return _locate_spaces(session, info_ptr, locations_ptr)


@implements("xrLocateSpacesKHR", extension="XR_KHR_locate_spaces")
def locate_spaces_khr(session_handle, info_ptr, locations_ptr):
    """XR_KHR_locate_spaces: xrLocateSpaces for an OpenXR 1.0 instance (looked up only with the extension enabled)."""
    return _locate_spaces(get_session(session_handle), info_ptr, locations_ptr)


def _locate_spaces(session: MockSession, info_ptr, locations_ptr):
    require_type(info_ptr, xr.StructureType.SPACES_LOCATE_INFO, "locateInfo")
    require_type(locations_ptr, xr.StructureType.SPACE_LOCATIONS, "spaceLocations")
    info, locations = info_ptr.contents, locations_ptr.contents
    base = get_space(info.base_space, "locateInfo.baseSpace")
    require(base.session is session, xr.Result.ERROR_VALIDATION_FAILURE, "locateInfo.baseSpace is of another session")
    check_time(info.time)
    count = info.space_count
    require(count > 0 and bool(info._spaces), xr.Result.ERROR_VALIDATION_FAILURE, "locateInfo has no spaces")
    if locations.location_count != count or not locations._locations:
        raise XrError(
            xr.Result.ERROR_VALIDATION_FAILURE,
            f"spaceLocations.locationCount {locations.location_count} must equal locateInfo.spaceCount {count}, "
            "and spaceLocations.locations must not be NULL",
        )
    spaces = [get_space(info._spaces[i], f"locateInfo.spaces[{i}]") for i in range(count)]
    for i, space in enumerate(spaces):
        if space.session is not session:
            raise XrError(xr.Result.ERROR_VALIDATION_FAILURE, f"locateInfo.spaces[{i}] is of another session")
    t = session.runtime.clock.seconds(info.time)
    for i, space in enumerate(spaces):
        pose = locate(space, base, t)
        target = locations._locations[i]
        if pose is None:
            target._location_flags = 0
        else:
            target._location_flags = _FULLY_TRACKED
            write_posef(target.pose, pose)
    return None
