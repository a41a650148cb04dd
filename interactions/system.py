"""The interaction system: one InputFrame in, this frame's events out, and a state to display.

It owns the pointers (both controllers' aim rays, the head's gaze with dwell), grabbing and placing, poking,
locomotion with the comfort vignette, and the call button's pause. The caller (the frame loop, the desktop
simulator, a replay) builds it with the scene's interactables, snap zones and teleport spots, calls :meth:`update`
once per frame, hands the events to the procedure engine and the haptic pulses to the controllers, and draws
:attr:`state` (hover highlights, dwell ring, vignette, the view through ``world_from_play``).

Coordinates: InputFrame poses are in the play space; interactables, zones and spots are in the world; the two are
related by the locomotion offset (``InteractionState.world_from_play``), which is the identity until the user turns,
teleports, recentres or sits (seated mode).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from interactions.dwell import DwellTimer
from interactions.events import (
    CallButton,
    DwellProgress,
    Event,
    Grab,
    HapticPulse,
    HoverStart,
    PlacedInZone,
    Poke,
    Resume,
    Select,
)
from interactions.grab import Grabbing
from interactions.input import HandInput, InputFrame, Pose
from interactions.interactables import Interactable, SnapZone, nearest_hit
from interactions.locomotion import Locomotion, TeleportSpot, nearest_spot
from interactions.pointers import Pointer
from interactions.poke import PokeDetector
from interactions.poses import (
    Ray,
    pose_matrix,
    pose_origin_and_forward,
    pose_ray,
    transform_point,
    yaw_matrix,
    yaw_of,
)
from interactions.settings import InteractionSettings

__all__ = [
    "HANDS",
    "InteractionState",
    "InteractionSystem",
    "Interactable",
    "SnapZone",
    "TeleportSpot",
    "InteractionSettings",
]

HANDS = ("left", "right")
GAZE = "gaze"
API = "api"


@dataclass(frozen=True)
class InteractionState:
    """A snapshot for display (and for tests); changing it changes nothing.

    Attributes:
        hovered: pointer ("left", "right", "gaze") -> name of the interactable it hovers, or None.
        dwell_progress: 0..1 of the gaze dwell on ``dwell_target``, for the ring drawn around the gaze point.
        dwell_target: name of what the gaze is dwelling on (an interactable, a snap zone while holding something
            by gaze, or a teleport spot), or None.
        vignette: comfort vignette strength 0..1 now; ``vignette_size`` 0..1 how far in from the edge it reaches.
        grabbed: hand ("left", "right", "gaze") -> name of the object it holds.
        placed: object name -> zone it was last placed in.
        play_space_yaw_deg, play_space_position: the locomotion offset (degrees about +Y; (3,) metres).
        world_from_play: (4, 4) play space to world, including seated height: the renderer views through it.
        paused: the call button was pressed and not yet resumed.
        focused: the last frame had input focus.
        gaze_active: the gaze pointer is in use (no controllers, or settings.gaze == "always").
        teleport_target: hand -> spot its aim ray marks while a teleport is being aimed (None otherwise).
        poke_pressed: hand -> name of the button its tip is pressing, or None.
        tips: hand -> (3,) world position of its controller tip (for drawing the poke point), or None.
    """

    hovered: dict[str, str | None]
    dwell_progress: float
    dwell_target: str | None
    vignette: float
    vignette_size: float
    grabbed: dict[str, str]
    placed: dict[str, str]
    play_space_yaw_deg: float
    play_space_position: tuple[float, float, float]
    world_from_play: np.ndarray
    paused: bool
    focused: bool
    gaze_active: bool
    teleport_target: dict[str, str | None] = field(default_factory=dict)
    poke_pressed: dict[str, str | None] = field(default_factory=dict)
    tips: dict[str, tuple[float, float, float] | None] = field(default_factory=dict)


class InteractionSystem:
    """Turns InputFrames into interaction events; see the module docstring.

    Args:
        interactables: the scene's interactables (kept by reference: the caller may move them between frames;
            the list may be appended to).
        zones: snap zones for placing.
        settings: read afresh every frame; defaults if None.
        spots: teleport spots (keyword; an addition to the first contract, empty by default).

    Events of one frame come in this order: requests made through the methods below since the last frame; then
    for the left hand, then the right: snap turn, teleport, recentre; then poke (left, right); then pointers
    (left, right, gaze): hover end/start, select, release, and the gaze's dwell outcome; then grab and let go
    (left, right). A HapticPulse follows the event it is for; CallButton and Resume follow the Select or Poke
    that pressed the button.
    """

    def __init__(
        self,
        interactables: list[Interactable],
        zones: Sequence[SnapZone] = (),
        settings: InteractionSettings | None = None,
        *,
        spots: Sequence[TeleportSpot] = (),
    ) -> None:
        self.interactables = interactables
        self.zones = list(zones)
        self.settings = settings if settings is not None else InteractionSettings()
        self.locomotion = Locomotion(spots, self.settings)
        self.grabbing = Grabbing()
        self.pointers = {name: Pointer(name) for name in (*HANDS, GAZE)}
        self.pokes = {side: PokeDetector(side) for side in HANDS}
        self.dwell = DwellTimer()
        self.paused = False
        self._focused = True
        self._gaze_active = False
        self._time: float | None = None
        self._requests: list[tuple[str, str, object]] = []
        self._tips: dict[str, tuple[float, float, float] | None] = dict.fromkeys(HANDS)
        self._rays: dict[int, tuple[Pose, np.ndarray, Ray]] = {}  # this frame's: id(pose) → (pose, world, ray)

    # --- Requests from outside the frame (UI buttons, the operator's console, the desktop simulator) ----------------

    def call(self, source: str = API) -> None:
        """Press the call button (e.g. the operator's console, a physical button): pause from the next frame."""
        self._requests.append(("call", source, None))

    def resume(self, source: str = API) -> None:
        """End a call button's pause from the next frame."""
        self._requests.append(("resume", source, None))

    def recentre(self, source: str = API) -> None:
        """Recentre on the next frame (as a long press of a menu button does)."""
        self._requests.append(("recentre", source, None))

    def snap_turn(self, direction: int, source: str = API) -> None:
        """Snap turn on the next frame: ``direction`` +1 to the left, -1 to the right (on-screen turn buttons for
        users without a thumbstick)."""
        self._requests.append(("turn", source, 1 if direction > 0 else -1))

    def teleport_to(self, spot: str, source: str = API) -> None:
        """Teleport to the spot named ``spot`` on the next frame (KeyError now if there is none)."""
        if not any(s.name == spot for s in self.locomotion.spots):
            raise KeyError(f"no teleport spot called {spot!r}; spots: {[s.name for s in self.locomotion.spots]}")
        self._requests.append(("teleport", source, spot))

    # --- The frame ---------------------------------------------------------------------------------------------------

    def update(self, frame: InputFrame) -> list[Event]:
        """Consume one frame of input; the events it caused, in the order given in the class docstring."""
        s = self.settings
        t = frame.time
        dt = 0.0 if self._time is None else max(0.0, t - self._time)
        self._time = t
        self.locomotion.fade(dt, s)
        self._focused = frame.focused
        if not frame.focused:
            return self._suspend(frame)

        events: list[Event] = []
        self._rays.clear()
        requests, self._requests = self._requests, []
        for kind, source, arg in requests:
            events += self._request(t, kind, source, arg, frame.head)

        for side in HANDS:
            hand = frame.hand(side)
            aim = self._ray(hand.aim) if hand.active else None
            events += self.locomotion.update_hand(
                t, side, hand, frame.head, aim, s, enabled=hand.active and not self.paused
            )

        holders = _Holders(frame, self.locomotion.world_from_play_view(s))
        if not self.paused:
            for hand in (*HANDS, GAZE):
                if hand in self.grabbing.held and (holder := holders[hand]) is not None:
                    self.grabbing.follow(hand, holder)

        for side in HANDS:
            events += self._poke(t, side, frame.hand(side))

        for side in HANDS:
            events += self._point(t, side, frame.hand(side))
        events += self._gaze(t, frame, holders)

        for side in HANDS:
            events += self._grab(t, side, frame.hand(side), holders)
        return events

    @property
    def state(self) -> InteractionState:
        """What to display now (a snapshot)."""
        space = self.locomotion.space
        return InteractionState(
            hovered={name: p.hovered for name, p in self.pointers.items()},
            dwell_progress=self.dwell.progress,
            dwell_target=self.dwell.target[1] if self.dwell.target else None,
            vignette=self.locomotion.vignette,
            vignette_size=self.settings.vignette_size,
            grabbed={hand: h.target.name for hand, h in self.grabbing.held.items()},
            placed=dict(self.grabbing.placed),
            play_space_yaw_deg=space.yaw_deg,
            play_space_position=tuple(float(c) for c in space.position),
            world_from_play=self.locomotion.world_from_play(self.settings),
            paused=self.paused,
            focused=self._focused,
            gaze_active=self._gaze_active,
            teleport_target={side: self.locomotion.teleport_target.get(side) for side in HANDS},
            poke_pressed={side: self.pokes[side].pressed for side in HANDS},
            tips=dict(self._tips),
        )

    # --- Parts of the frame ------------------------------------------------------------------------------------------

    def _suspend(self, frame: InputFrame) -> list[Event]:
        """Focus lost: only HoverEnd for what was hovered; nothing progresses, and nothing pressed or pushed during
        the loss acts when focus returns. Held objects stay held (and still) until focus returns."""
        events: list[Event] = []
        for name, pointer in self.pointers.items():
            select = frame.hand(name).select if name in HANDS else False
            events += pointer.suspend(frame.time, select)
        self.dwell.reset()
        for side in HANDS:
            hand = frame.hand(side)
            self.locomotion.update_hand(frame.time, side, hand, frame.head, None, self.settings, enabled=False)
            if side not in self.grabbing.held:
                self.grabbing.squeeze(side, hand.squeeze if hand.active else 0.0, self.settings)
        self._tips = dict.fromkeys(HANDS)
        return events

    def _request(self, t: float, kind: str, source: str, arg: object, head: Pose) -> list[Event]:
        s = self.settings
        if kind == "call":
            return self._pause(t, source)
        if kind == "resume":
            return self._resume(t, source)
        if self.paused:
            return []  # no locomotion while paused; the request is dropped, not deferred
        if kind == "recentre":
            return self.locomotion.recentre(t, source, head, s)
        if kind == "turn":
            return self.locomotion.snap_turn(t, source, int(arg), head, s)
        spot = next(sp for sp in self.locomotion.spots if sp.name == arg)
        return self.locomotion.teleport(t, source, spot, head, s)

    def _pause(self, t: float, source: str) -> list[Event]:
        if self.paused:
            return []
        self.paused = True
        self.dwell.reset()
        return [CallButton(t, source)]

    def _resume(self, t: float, source: str) -> list[Event]:
        if not self.paused:
            return []
        self.paused = False
        self.dwell.reset()
        return [Resume(t, source)]

    def _allowed(self, item: Interactable) -> bool:
        """While paused only the call and resume buttons respond; otherwise everything but the resume button."""
        if self.paused:
            return item.name in (self.settings.call_button, self.settings.resume_button)
        return item.name != self.settings.resume_button

    def _after(self, t: float, side: str, events: list[Event]) -> list[Event]:
        """``events`` from ``side`` with haptic pulses and the call button's pause and resume interleaved."""
        s = self.settings
        out: list[Event] = []
        for event in events:
            out.append(event)
            pulse = None
            if isinstance(event, HoverStart):
                pulse = s.haptic_hover
            elif isinstance(event, (Select, Poke, Grab, PlacedInZone)):
                pulse = s.haptic_select
            if pulse is not None and side in HANDS and s.haptics > 0.0:
                out.append(HapticPulse(t, side, min(1.0, pulse[0] * s.haptics), pulse[1]))
            if isinstance(event, (Select, Poke)):
                if event.target == s.call_button:
                    out += self._pause(t, side)
                elif event.target == s.resume_button:
                    out += self._resume(t, side)
        return out

    def _ray(self, pose: Pose | None) -> Ray | None:
        """The world ray of ``pose`` now; made once a frame per pose while the locomotion offset stays the same
        (the offset's matrix is a new object whenever it changes, so comparing identities is enough)."""
        if pose is None:
            return None
        w = self.locomotion.world_from_play_view(self.settings)
        known = self._rays.get(id(pose))
        if known is not None and known[0] is pose and known[1] is w:
            return known[2]
        ray = pose_ray(pose, w)
        self._rays[id(pose)] = (pose, w, ray)
        return ray

    def _poke(self, t: float, side: str, hand: HandInput) -> list[Event]:
        s = self.settings
        detector = self.pokes[side]
        if not hand.active or hand.grip is None or hand.aim is None or side in self.grabbing.held:
            detector.reset()
            self._tips[side] = None
            return []
        w = self.locomotion.world_from_play_view(s)
        grip, _ = pose_origin_and_forward(hand.grip, w)
        _, aim = pose_origin_and_forward(hand.aim, w)
        # poke_tip's sum, in floats (a tip per hand per frame).
        offset = float(s.poke_tip_offset_m)
        tip = (grip[0] + offset * aim[0], grip[1] + offset * aim[1], grip[2] + offset * aim[2])
        self._tips[side] = tip
        return self._after(t, side, detector.update(t, np.array(tip), self.interactables, s, self._allowed))

    def _point(self, t: float, side: str, hand: HandInput) -> list[Event]:
        pointer = self.pointers[side]
        ray = self._ray(hand.aim) if hand.active else None
        if ray is None:
            return pointer.suspend(t, hand.select)
        hit = nearest_hit(
            ray,
            self.interactables,
            self.settings.ray_length_m,
            wanted=lambda i: (i.selectable or i.grabbable) and self._allowed(i),
            ignore=self.grabbing.is_held,
        )
        return self._after(t, side, pointer.update(t, hit[0].name if hit else None, hand.select))

    def _gaze_wanted(self, frame: InputFrame) -> bool:
        mode = self.settings.gaze
        return mode == "always" or (mode == "auto" and not (frame.left.active or frame.right.active))

    def _gaze(self, t: float, frame: InputFrame, holders: _Holders) -> list[Event]:
        """Hover by gaze, and act when a dwell completes: select a selectable, pick up a grabbable (held in front
        of the eyes), put a held object into a zone, or teleport to a spot."""
        s = self.settings
        pointer = self.pointers[GAZE]
        self._gaze_active = self._gaze_wanted(frame)
        events: list[Event] = []
        if not self._gaze_active:
            self.dwell.reset()
            events += pointer.suspend(t, False)
            if GAZE in self.grabbing.held:
                events += self.grabbing.release(t, GAZE, self.zones, s)
            return events

        ray = pose_ray(frame.head, self.locomotion.world_from_play_view(s))
        holding = GAZE in self.grabbing.held
        hit = nearest_hit(
            ray,
            self.interactables,
            s.ray_length_m,
            wanted=lambda i: self._allowed(i) and (i.selectable or (i.grabbable and not holding)),
            ignore=self.grabbing.is_held,
        )
        item = hit[0] if hit else None
        # What the dwell is on: an interactable in front of anything else; a zone or a spot otherwise.
        target: tuple[str, str] | None = ("item", item.name) if item else None
        if target is None and holding and not self.paused:
            zone = min(
                ((z, d) for z in self.zones if (d := z.ray_distance(ray)) is not None and d <= s.ray_length_m),
                key=lambda zd: zd[1],
                default=None,
            )
            target = ("zone", zone[0].name) if zone else None
        if target is None and s.gaze_teleport and not self.paused and hit is None:
            spot = nearest_spot(ray, self.locomotion.spots, s.ray_length_m)
            target = ("spot", spot.name) if spot else None

        events += pointer.hover(t, item.name if item else None)
        done = self.dwell.update(target, t, s.dwell_s, s.dwell_cooldown_s)
        if s.dwell_progress_events and target is not None and self.dwell.progress > 0.0:
            events.append(DwellProgress(t, GAZE, target[1], self.dwell.progress))
        if not done:
            return self._after(t, GAZE, events)
        kind, name = target
        if kind == "item" and item.selectable:
            events += pointer.click(t)
        elif kind == "item":
            self._hold_in_front(item, frame.head)
            events += self.grabbing.grab(t, GAZE, item, holders[GAZE])
            events += pointer.hover(t, None)  # it is held now, so no longer under the gaze
        elif kind == "zone":
            zone = next(z for z in self.zones if z.name == name)
            events += self.grabbing.release(t, GAZE, self.zones, s, into=zone)
        else:
            spot = next(sp for sp in self.locomotion.spots if sp.name == name)
            events += self.locomotion.teleport(t, GAZE, spot, frame.head, s)
        return self._after(t, GAZE, events)

    def _hold_in_front(self, item: Interactable, head: Pose) -> None:
        """Bring an object picked up by gaze to ``gaze_hold_distance_m`` in front of the eyes and a little below
        the line of sight, so it is plainly held and does not hide what the user looks at next."""
        w = self.locomotion.world_from_play_view(self.settings)
        eye = transform_point(w, head.position)
        yaw = yaw_of(w[:3, :3] @ head.forward())
        below = math.radians(25.0)
        forward = yaw_matrix(yaw)[:3, :3] @ np.array([0.0, -math.sin(below), -math.cos(below)])
        item.transform = item.transform.copy()
        item.transform[:3, 3] = eye + self.settings.gaze_hold_distance_m * forward

    def _grab(self, t: float, side: str, hand: HandInput, holders: _Holders) -> list[Event]:
        s = self.settings
        holding = side in self.grabbing.held
        if not hand.active:
            # A controller switched off or lost while holding lets go, as a hand that opens.
            self.grabbing.squeeze(side, 0.0, s)
            return self._after(t, side, self.grabbing.release(t, side, self.zones, s)) if holding else []
        if self.paused:
            if not holding:
                self.grabbing.squeeze(side, hand.squeeze, s)  # absorb edges: nothing is taken while paused
            return []
        edge = self.grabbing.squeeze(side, hand.squeeze, s)
        if edge == "release" and holding:
            return self._after(t, side, self.grabbing.release(t, side, self.zones, s))
        if edge != "grab" or holding:
            return []
        holder = holders[side]
        if holder is None:
            return []
        item = self.grabbing.near(holder[:3, 3], self._free(), s.near_grab_radius_m)
        if item is None:
            hovered = self.pointers[side].hovered
            item = next((i for i in self._free() if i.name == hovered and i.grabbable), None)
        if item is None:
            return []
        events = self.grabbing.grab(t, side, item, holder)
        events += self.pointers[side].hover(t, None)  # held objects are not hovered
        return self._after(t, side, events)

    def _free(self) -> Iterable[Interactable]:
        return (i for i in self.interactables if self._allowed(i) and not self.grabbing.is_held(i))


class _Holders:
    """hand -> (4, 4) world transform that what it holds follows: the grip (else the aim) for a controller, the
    head for the gaze; None for a hand that is off or untracked.

    Made on first use (most frames nothing is held or grabbed), from this frame's poses and the locomotion offset
    ``world_from_play`` (4, 4) as it was when this was created, so a teleport later in the frame does not move
    them: what was computed up front before is computed late now, with the same inputs.
    """

    def __init__(self, frame: InputFrame, world_from_play: np.ndarray) -> None:
        self._frame = frame
        self._w = world_from_play
        self._made: dict[str, np.ndarray | None] = {}

    def __getitem__(self, hand: str) -> np.ndarray | None:
        if hand not in self._made:
            if hand == GAZE:
                pose: Pose | None = self._frame.head
            else:
                held = self._frame.hand(hand)
                pose = (held.grip or held.aim) if held.active else None
            self._made[hand] = None if pose is None else self._w @ pose_matrix(pose)
        return self._made[hand]
