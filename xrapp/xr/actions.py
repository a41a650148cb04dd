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

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import xr

from interactions.input import HandInput, InputFrame, Pose

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

_LOCATED = xr.SpaceLocationFlags.ORIENTATION_VALID_BIT | xr.SpaceLocationFlags.POSITION_VALID_BIT


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

    def frame(self, display_time: int, play_space: xr.Space) -> InputFrame:
        """Sync the actions and read everything at ``display_time`` (XrTime, ns) in ``play_space``.

        ``focused`` comes from xrSyncActions itself, not from the last session-state event: the runtime answers
        the sync with what holds now, while the event of a focus change may still be in the queue.
        """
        focused = True
        try:
            xr.sync_actions(
                self.session, xr.ActionsSyncInfo(active_action_sets=[xr.ActiveActionSet(self.action_set, xr.NULL_PATH)])
            )
        except (xr.SessionNotFocused, xr.SessionLossPending):
            # Qualified successes pyopenxr raises: no input for us this frame (actions read inactive).
            focused = False
        head = self._locate(self.view_space, play_space, display_time) or self.last_head
        self.last_head = head
        hands = {side: self._hand(path, display_time, play_space) for side, path in SIDES.items()}
        return InputFrame(
            time=display_time / 1e9,
            head=head,
            left=hands["left"],
            right=hands["right"],
            focused=focused,
            profile=self.profile,
        )

    def _hand(self, hand: str, display_time: int, play_space: xr.Space) -> HandInput:
        sub = self.paths[hand]
        select = self._state(xr.get_action_state_boolean, "select", sub)
        select_value = self._state(xr.get_action_state_float, "select_value", sub)
        squeeze = self._state(xr.get_action_state_float, "squeeze", sub)
        menu = self._state(xr.get_action_state_boolean, "menu", sub)
        stick = self._state(xr.get_action_state_vector2f, "thumbstick", sub)
        aim_active = self._state(xr.get_action_state_pose, "aim_pose", sub).is_active
        grip_active = self._state(xr.get_action_state_pose, "grip_pose", sub).is_active
        aim = self._locate(self.spaces["aim", hand], play_space, display_time) if aim_active else None
        grip = self._locate(self.spaces["grip", hand], play_space, display_time) if grip_active else None
        active = aim_active or grip_active or select.is_active
        return HandInput(
            active=active,
            aim=aim,
            grip=grip,
            select=bool(select.is_active and select.current_state),
            select_value=float(select_value.current_state) if select_value.is_active else 0.0,
            squeeze=float(squeeze.current_state) if squeeze.is_active else 0.0,
            thumbstick=(stick.current_state.x, stick.current_state.y) if stick.is_active else (0.0, 0.0),
            menu=bool(menu.is_active and menu.current_state),
        )

    def _state(self, getter, action: str, subaction_path: int):
        return getter(self.session, xr.ActionStateGetInfo(action=self.actions[action], subaction_path=subaction_path))

    @staticmethod
    def _locate(space: xr.Space, base: xr.Space, display_time: int) -> Pose | None:
        location = xr.locate_space(space, base, display_time)
        if location.location_flags & _LOCATED != _LOCATED:
            return None
        p, q = location.pose.position, location.pose.orientation
        return Pose((p.x, p.y, p.z), (q.x, q.y, q.z, q.w))

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
