"""The application's OpenXR actions: one action set, bindings for the common controllers, and one frame of input.

The application never asks for a button by its path: it declares what it needs (select, a select value, squeeze,
menu, a thumbstick, aim and grip poses, a haptic output), suggests where each lives on every controller it knows, and
lets the runtime map whatever the user holds. Each frame, after the views are located, :meth:`ControllerInput.frame`
syncs the actions and turns their states and the action spaces' poses into an :class:`~interactions.input.InputFrame`
(plain data; nothing past this module sees OpenXR).

Bindings name only paths a profile defines (the simple controller has no thumbstick or squeeze; the Touch
controller's right hand has no menu button, its system button belongs to the runtime). A profile the runtime refuses
(an older runtime that does not know it) is skipped with a warning: the others still work.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import xr

from interactions.input import HandInput, InputFrame, Pose

from . import direct
from .instance import LOCATE_SPACES

log = logging.getLogger("xrapp.xr")

AT = xr.ActionType
LEFT = "/user/hand/left"
RIGHT = "/user/hand/right"
HANDS = (LEFT, RIGHT)
SIDES = {"left": LEFT, "right": RIGHT}
HAND_INTERACTION = "XR_EXT_hand_interaction"
HAND_INTERACTION_PROFILE = "/interaction_profiles/ext/hand_interaction_ext"

ACTION_SET = ("rehearse", "Rehearse")
ACTIONS: dict[str, tuple[xr.ActionType, str]] = {
    "select": (AT.BOOLEAN_INPUT, "Select"),
    "select_value": (AT.FLOAT_INPUT, "Select value"),
    "squeeze": (AT.FLOAT_INPUT, "Squeeze"),
    "menu": (AT.BOOLEAN_INPUT, "Menu"),
    "thumbstick": (AT.VECTOR2F_INPUT, "Thumbstick"),
    "aim_pose": (AT.POSE_INPUT, "Aim pose"),
    "grip_pose": (AT.POSE_INPUT, "Grip pose"),
    "haptic": (AT.VIBRATION_OUTPUT, "Haptic"),
}
"""Action name -> (type, localized name). Every action has the subaction paths /user/hand/left and right."""

_POSES_AND_HAPTIC = {"aim_pose": "input/aim/pose", "grip_pose": "input/grip/pose", "haptic": "output/haptic"}

BINDINGS: dict[str, dict[str, dict[str, str]]] = {
    "/interaction_profiles/khr/simple_controller": {
        hand: {
            "select": "input/select/click",
            "select_value": "input/select/click",  # read as 0.0 or 1.0
            "menu": "input/menu/click",
            **_POSES_AND_HAPTIC,
        }
        for hand in HANDS
    },
    "/interaction_profiles/oculus/touch_controller": {
        hand: {
            "select": "input/trigger/value",  # no click on a Touch trigger: the runtime thresholds the value
            "select_value": "input/trigger/value",
            "squeeze": "input/squeeze/value",
            "thumbstick": "input/thumbstick",
            **({"menu": "input/menu/click"} if hand == LEFT else {}),  # the right hand's button is the system's
            **_POSES_AND_HAPTIC,
        }
        for hand in HANDS
    },
    "/interaction_profiles/valve/index_controller": {
        hand: {
            "select": "input/trigger/click",
            "select_value": "input/trigger/value",
            "squeeze": "input/squeeze/value",
            "menu": "input/system/click",
            "thumbstick": "input/thumbstick",
            **_POSES_AND_HAPTIC,
        }
        for hand in HANDS
    },
    "/interaction_profiles/htc/vive_controller": {
        hand: {
            "select": "input/trigger/click",
            "select_value": "input/trigger/value",
            "squeeze": "input/squeeze/click",  # the Vive grip is a button: 0.0 or 1.0
            "menu": "input/menu/click",
            "thumbstick": "input/trackpad",  # the wand has a trackpad where others have a stick
            **_POSES_AND_HAPTIC,
        }
        for hand in HANDS
    },
    "/interaction_profiles/microsoft/motion_controller": {
        hand: {
            "select": "input/trigger/value",
            "select_value": "input/trigger/value",
            "squeeze": "input/squeeze/click",
            "menu": "input/menu/click",
            "thumbstick": "input/thumbstick",
            **_POSES_AND_HAPTIC,
        }
        for hand in HANDS
    },
}
"""Profile -> hand -> action -> path relative to the hand. Only paths the profile defines."""

HAND_INTERACTION_BINDINGS: dict[str, dict[str, str]] = {
    # Tracked hands (XR_EXT_hand_interaction): a pinch selects, a grasp squeezes; hands have no haptics.
    hand: {
        "select": "input/aim_activate_ext/value",
        "select_value": "input/aim_activate_ext/value",
        "squeeze": "input/grasp_ext/value",
        "aim_pose": "input/aim/pose",
        "grip_pose": "input/grip/pose",
    }
    for hand in HANDS
}

KINDS = ("aim", "grip")  # the pose actions' spaces, per hand

#: The actions read every frame, by how they are read; and the value each reads as while inactive.
_READ_EVERY_FRAME = {
    "select": "boolean",
    "select_value": "float",
    "squeeze": "float",
    "menu": "boolean",
    "thumbstick": "vector2",
}
_ZEROS = {"select": False, "select_value": 0.0, "squeeze": 0.0, "menu": False, "thumbstick": (0.0, 0.0)}
_REST = {name: (zero, False) for name, zero in _ZEROS.items()}  # (value, is_active) of a hand not using it


def bindings_for(extensions: Iterable[str]) -> dict[str, dict[str, dict[str, str]]]:
    """The bindings to suggest on an instance with ``extensions`` enabled (hand interaction only when enabled)."""
    found = dict(BINDINGS)
    if HAND_INTERACTION in set(extensions):
        found[HAND_INTERACTION_PROFILE] = HAND_INTERACTION_BINDINGS
    return found


@dataclass(frozen=True)
class HapticRequest:
    """What :meth:`ControllerInput.apply_haptics` accepts (interactions' HapticPulse has the same fields)."""

    hand: str  # "left" or "right"
    amplitude: float  # 0..1
    duration_s: float  # seconds; 0 = the shortest pulse the runtime can play
    frequency_hz: float = 0.0  # 0 = the runtime's choice


class ControllerInput:
    """The action set of one session: created and attached before the session begins, read once per frame."""

    def __init__(self, instance: xr.Instance, session: xr.Session, extensions: Iterable[str] = ()) -> None:
        extensions = set(extensions)
        self.instance = instance
        self.session = session
        self.paths = {hand: xr.string_to_path(instance, hand) for hand in HANDS}
        self.action_set = xr.create_action_set(
            instance, xr.ActionSetCreateInfo(action_set_name=ACTION_SET[0], localized_action_set_name=ACTION_SET[1])
        )
        self.actions: dict[str, xr.Action] = {
            name: xr.create_action(
                self.action_set,
                xr.ActionCreateInfo(
                    action_name=name,
                    action_type=action_type,
                    subaction_paths=[self.paths[h] for h in HANDS],
                    localized_action_name=localized,
                ),
            )
            for name, (action_type, localized) in ACTIONS.items()
        }
        self.suggested = self._suggest(bindings_for(extensions))
        # Spec: bindings are frozen at attach, and attach must come before xrBeginSession (once per session).
        xr.attach_session_action_sets(self.session, xr.SessionActionSetsAttachInfo(action_sets=[self.action_set]))
        self.spaces: dict[tuple[str, str], xr.Space] = {
            (kind, hand): xr.create_action_space(
                session,
                xr.ActionSpaceCreateInfo(
                    action=self.actions[f"{kind}_pose"],
                    subaction_path=self.paths[hand],
                    pose_in_action_space=xr.Posef(),
                ),
            )
            for kind in ("aim", "grip")
            for hand in HANDS
        }
        self.view_space = xr.create_reference_space(
            session,
            xr.ReferenceSpaceCreateInfo(
                reference_space_type=xr.ReferenceSpaceType.VIEW, pose_in_reference_space=xr.Posef()
            ),
        )
        self.profile = ""
        self.last_head = Pose((0.0, 0.0, 0.0))
        self.refresh_profile()
        self._prepare_frame_calls(extensions)

    def _suggest(self, bindings: dict[str, dict[str, dict[str, str]]]) -> list[str]:
        suggested = []
        for profile, hands in bindings.items():
            pairs = [
                xr.ActionSuggestedBinding(self.actions[action], xr.string_to_path(self.instance, f"{hand}/{path}"))
                for hand, actions in hands.items()
                for action, path in actions.items()
            ]
            try:
                xr.suggest_interaction_profile_bindings(
                    self.instance,
                    xr.InteractionProfileSuggestedBinding(
                        interaction_profile=xr.string_to_path(self.instance, profile), suggested_bindings=pairs
                    ),
                )
            except xr.PathUnsupportedError as error:
                # An older runtime may not know a newer controller: the ones it knows still work.
                log.warning("the runtime refused bindings for %s: %s", profile, error)
                continue
            suggested.append(profile)
        return suggested

    # -- the interaction profile ---------------------------------------------------------------------------------

    def refresh_profile(self) -> str:
        """Read the controllers' interaction profile (after attach, and on XrEventDataInteractionProfileChanged)."""
        profile = ""
        for hand in HANDS:
            value = xr.get_current_interaction_profile(self.session, self.paths[hand]).interaction_profile
            if value != xr.NULL_PATH:
                profile = xr.path_to_string(self.instance, value)
                break
        if profile != self.profile:
            log.info("interaction profile: %s", profile or "none (no controllers bound)")
        self.profile = profile
        return profile

    # -- one frame -----------------------------------------------------------------------------------------------

    def _prepare_frame_calls(self, extensions: Iterable[str]) -> None:
        """Everything :meth:`frame` passes to the runtime, made once: the sync info, one get-info per action and
        subaction path, one output struct per action, and the list of spaces located each frame."""
        u64, ptr = ctypes.c_uint64, ctypes.c_void_p
        self._session_value = direct.handle_value(self.session)
        self._active_sets = (xr.ActiveActionSet * 1)(xr.ActiveActionSet(self.action_set, xr.NULL_PATH))
        self._sync_info = xr.ActionsSyncInfo(count_active_action_sets=1, active_action_sets=self._active_sets)
        self._sync = direct.loader_function("xrSyncActions", u64, ptr)
        getters = {
            "boolean": (direct.loader_function("xrGetActionStateBoolean", u64, ptr, ptr), xr.ActionStateBoolean),
            "float": (direct.loader_function("xrGetActionStateFloat", u64, ptr, ptr), xr.ActionStateFloat),
            "vector2": (direct.loader_function("xrGetActionStateVector2f", u64, ptr, ptr), xr.ActionStateVector2f),
        }
        # name -> (getter, output struct, its address, {None | hand path: get-info address}); infos kept alive.
        self._readers: dict[str, tuple] = {}
        self._keep: list = []
        for name, kind in _READ_EVERY_FRAME.items():
            getter, output_type = getters[kind]
            output = output_type()
            infos = {
                hand: xr.ActionStateGetInfo(action=self.actions[name], subaction_path=self.paths[hand] if hand else 0)
                for hand in (None, *HANDS)
            }
            self._keep.append(infos)
            addresses = {hand: direct.address(info) for hand, info in infos.items()}
            self._readers[name] = (getter, output, direct.address(output), addresses)
        # Located each frame, in this order: the head, then each hand's aim and grip.
        self._located_spaces = [self.view_space] + [self.spaces[kind, hand] for hand in HANDS for kind in KINDS]
        count = len(self._located_spaces)
        self._locate_spaces = None
        if LOCATE_SPACES in set(extensions):
            # XR_KHR_locate_spaces: all of them in one call.
            self._locate_spaces = direct.instance_function(self.instance, "xrLocateSpacesKHR", u64, ptr, ptr)
            self._space_array = (xr.Space * count)(*self._located_spaces)
            self._location_data = (xr.SpaceLocationData * count)()
            self._spaces_info = xr.SpacesLocateInfo(space_count=count, spaces=self._space_array)
            self._spaces_locations = xr.SpaceLocations(location_count=count, locations=self._location_data)
            self._spaces_info_address = direct.address(self._spaces_info)
            self._spaces_locations_address = direct.address(self._spaces_locations)
        # Without it (or as well, for tests): one xrLocateSpace per space into one reused XrSpaceLocation.
        self._locate_space = direct.loader_function("xrLocateSpace", u64, u64, ctypes.c_int64, ptr)
        self._space_values = [direct.handle_value(space) for space in self._located_spaces]
        self._location = xr.SpaceLocation()
        self._location_address = direct.address(self._location)

    def frame(self, display_time: int, play_space: xr.Space) -> InputFrame:
        """Sync the actions and read everything at ``display_time`` (XrTime, ns) in ``play_space``.

        ``focused`` comes from xrSyncActions itself, not from the last session-state event: the runtime answers
        the sync with what holds now, while the event of a focus change may still be in the queue.

        Per frame: one xrSyncActions; one state read per button, trigger, grip and stick action with both hands
        together (XR_NULL_PATH), and the two hands apart only when that shows one of them in use (at rest, when
        the combined state is inactive, false or zero, so is each hand's); the head and both hands' aim and grip
        poses in one xrLocateSpacesKHR where the runtime offers XR_KHR_locate_spaces (else one xrLocateSpace
        each). A pose action's own state is not read: its space's location flags say whether it is tracked, and a
        hand is ``active`` while one of its poses is located or one of its controls reads active.
        """
        result = self._sync(self._session_value, direct.address(self._sync_info))
        focused = True
        if result == direct.SESSION_NOT_FOCUSED or result == direct.SESSION_LOSS_PENDING:
            focused = False  # qualified successes: no input for us this frame (actions read inactive)
        else:
            direct.check(result)
        located = self._locate(play_space, display_time)
        head = located[0] or self.last_head
        self.last_head = head
        select = self._per_hand("select")
        select_value = self._per_hand("select_value")
        squeeze = self._per_hand("squeeze")
        menu = self._per_hand("menu")
        stick = self._per_hand("thumbstick")
        hands = []
        for side in range(2):
            aim_flags, aim = located[1 + 2 * side]
            grip_flags, grip = located[2 + 2 * side]
            # In use: a pose the runtime locates (the pose actions are active), or a control read for this hand.
            used = (
                aim_flags or grip_flags or any(read[side][1] for read in (select, select_value, squeeze, menu, stick))
            )
            hands.append(
                HandInput(
                    active=bool(used),
                    aim=aim,
                    grip=grip,
                    select=select[side][0],
                    select_value=select_value[side][0],
                    squeeze=squeeze[side][0],
                    thumbstick=stick[side][0],
                    menu=menu[side][0],
                )
            )
        return InputFrame(
            time=display_time / 1e9,
            head=head,
            left=hands[0],
            right=hands[1],
            focused=focused,
            profile=self.profile,
        )

    def _per_hand(self, name: str) -> tuple[tuple, tuple]:
        """(value, is_active) of action ``name`` for the left and the right hand (the type's zero when inactive).

        Both hands together first: its value is the OR of the booleans, the largest float, the longest vector
        (spec), so when it is inactive, false or zero, so is each hand and nothing more is asked."""
        getter, output, output_address, infos = self._readers[name]
        direct.check(getter(self._session_value, infos[None], output_address))
        zero = _ZEROS[name]
        if not output.is_active or _value(output, name) == zero:
            return _REST[name], _REST[name]
        per_hand = []
        for hand in HANDS:
            direct.check(getter(self._session_value, infos[hand], output_address))
            per_hand.append((_value(output, name), True) if output.is_active else (zero, False))
        return per_hand[0], per_hand[1]

    def _locate(self, base: xr.Space, display_time: int) -> list:
        """Pose (or None) of the head, then (flags, Pose or None) of left aim, left grip, right aim, right grip."""
        if self._locate_spaces is not None:
            self._spaces_info.base_space = base
            self._spaces_info.time = display_time
            direct.check(
                self._locate_spaces(self._session_value, self._spaces_info_address, self._spaces_locations_address)
            )
            found = [
                _pose_of(self._location_data, i * direct.SPACE_LOCATION_DATA_SIZE)
                for i in range(len(self._located_spaces))
            ]
        else:
            base_value = direct.handle_value(base)
            found = []
            for space in self._space_values:
                direct.check(self._locate_space(space, base_value, display_time, self._location_address))
                found.append(_pose_of(self._location, direct.SPACE_LOCATION_FLAGS_OFFSET))
        return [found[0][1], *found[1:]]

    # -- output --------------------------------------------------------------------------------------------------

    def apply_haptics(self, pulses: Iterable) -> int:
        """Play each pulse (``hand``, ``amplitude``, ``duration_s``, ``frequency_hz``) on its controller; returns
        how many the runtime took. Without focus the runtime plays none (spec), and that is not an error."""
        played = 0
        for pulse in pulses:
            hand = SIDES.get(pulse.hand)
            if hand is None:
                raise ValueError(f"haptic pulse for hand {pulse.hand!r}: use 'left' or 'right'")
            duration_ns = int(round(pulse.duration_s * 1e9)) if pulse.duration_s > 0 else xr.MIN_HAPTIC_DURATION
            vibration = xr.HapticVibration(
                duration=duration_ns,
                frequency=float(pulse.frequency_hz) if pulse.frequency_hz > 0 else xr.FREQUENCY_UNSPECIFIED,
                amplitude=min(max(float(pulse.amplitude), 0.0), 1.0),
            )
            try:
                xr.apply_haptic_feedback(
                    self.session,
                    xr.HapticActionInfo(action=self.actions["haptic"], subaction_path=self.paths[hand]),
                    vibration,
                )
            except (xr.SessionNotFocused, xr.SessionLossPending):
                continue
            played += 1
        return played

    # -- teardown ------------------------------------------------------------------------------------------------

    def destroy(self) -> None:
        """Destroy the spaces and the action set (its actions go with it); errors after a loss are ignored."""
        for space in [*self.spaces.values(), self.view_space]:
            _quietly(xr.destroy_space, space)
        self.spaces = {}
        _quietly(xr.destroy_action_set, self.action_set)


def _quietly(function, *args) -> None:
    try:
        function(*args)
    except xr.XrException as error:
        log.debug("ignored during teardown: %s", error)


def _value(output, name: str):
    """The current state held in an XrActionState* output struct, as a Python value of the action's kind."""
    kind = _READ_EVERY_FRAME[name]
    if kind == "boolean":
        return bool(output.current_state)
    if kind == "float":
        return float(output.current_state)
    return (output.current_state.x, output.current_state.y)


def _pose_of(buffer, offset: int) -> tuple[int, Pose | None]:
    """(location flags, Pose when orientation and position are valid else None) stored at ``offset``."""
    flags, position, orientation = direct.read_location(buffer, offset)
    return flags, (Pose(position, orientation) if flags & direct.LOCATED == direct.LOCATED else None)
