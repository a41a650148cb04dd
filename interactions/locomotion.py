"""Moving the user through the scene without making them sick: snap turns, teleports to marked spots, seated
height, recentring, and a comfort vignette while the view jumps.

The user's movement is an offset of the play space (the tracked room) in the world: a yaw about +Y and a position,
``world_from_play = translate(position + seated height) @ rotate_y(yaw)``. Poses in the InputFrame are in the play
space; the interaction system carries them into the world with this matrix, and the renderer must draw the view
through the same matrix (``InteractionState.world_from_play``). Turns and teleports keep the head where it is in the
room: the world moves around the user, never the user's body. CLINICAL.md: snap turns rather than smooth turns, a
vignette with an adjustable size, seated use.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from interactions.events import Event, Recentre, SnapTurn, Teleport
from interactions.input import HandInput, Pose
from interactions.poses import Ray, yaw_matrix, yaw_of
from interactions.settings import InteractionSettings


@dataclass(eq=False)
class TeleportSpot:
    """A marked place on the floor the user can teleport to: a disc of ``radius`` metres at ``center`` (3,)
    metres (world, on the floor). ``yaw_deg``: the direction the user faces on arrival (towards the scanner, the
    bed), or None to keep facing the way they were."""

    name: str
    center: tuple[float, float, float] | np.ndarray
    radius: float = 0.4
    yaw_deg: float | None = None

    def __post_init__(self) -> None:
        self.center = np.array(self.center, dtype=np.float64).reshape(3)

    def ray_distance(self, ray: Ray) -> float | None:
        """Metres along ``ray`` to the disc, seen from above; None if it misses or comes from below."""
        if ray.direction[1] >= -1e-9 or ray.origin[1] <= self.center[1]:
            return None
        t = (self.center[1] - ray.origin[1]) / ray.direction[1]
        offset = ray.at(t) - self.center
        if offset[0] ** 2 + offset[2] ** 2 > self.radius**2:
            return None
        return float(t)


def nearest_spot(ray: Ray, spots: Sequence[TeleportSpot], max_distance: float) -> TeleportSpot | None:
    """The teleport spot whose disc ``ray`` hits nearest within ``max_distance`` metres (ties to the first)."""
    best: tuple[TeleportSpot, float] | None = None
    for spot in spots:
        t = spot.ray_distance(ray)
        if t is not None and t <= max_distance and (best is None or t < best[1]):
            best = (spot, t)
    return best[0] if best else None


class PlaySpace:
    """The play space's offset in the world: ``yaw_deg`` degrees about +Y, then ``position`` (3,) metres."""

    def __init__(self, position: ArrayLike = (0.0, 0.0, 0.0), yaw_deg: float = 0.0) -> None:
        self.position = np.array(position, dtype=np.float64).reshape(3)
        self.yaw_deg = float(yaw_deg)

    def world_from_play(self, height_offset_m: float = 0.0) -> np.ndarray:
        """(4, 4) play space to world, raised by ``height_offset_m`` metres (seated mode)."""
        return yaw_matrix(self.yaw_deg, self.position + (0.0, height_offset_m, 0.0))

    def turn(self, head: Pose, angle_deg: float) -> None:
        """Turn the view ``angle_deg`` degrees about the vertical through the head, which stays where it is."""
        head_play = np.asarray(head.position, dtype=np.float64)
        before = yaw_matrix(self.yaw_deg, self.position)[:3, :3] @ head_play + self.position
        self.yaw_deg = _wrap(self.yaw_deg + angle_deg)
        after = yaw_matrix(self.yaw_deg)[:3, :3] @ head_play
        self.position[0] = before[0] - after[0]
        self.position[2] = before[2] - after[2]

    def put_head(self, head: Pose, floor_point: ArrayLike, yaw_deg: float | None) -> None:
        """Move so the head stands over ``floor_point`` (3,) metres (world) with the floor at its height, facing
        ``yaw_deg`` degrees (world), or keeping its facing for None."""
        if yaw_deg is not None:
            self.yaw_deg = _wrap(yaw_deg - yaw_of(head.forward()))
        target = np.asarray(floor_point, dtype=np.float64)
        head_offset = yaw_matrix(self.yaw_deg)[:3, :3] @ np.asarray(head.position, dtype=np.float64)
        self.position = np.array([target[0] - head_offset[0], target[1], target[2] - head_offset[2]])

    def head_yaw_deg(self, head: Pose) -> float:
        """Degrees: the direction the head faces in the world."""
        return _wrap(self.yaw_deg + yaw_of(head.forward()))


def _wrap(angle_deg: float) -> float:
    """The same angle in (-180, 180] degrees."""
    a = math.fmod(angle_deg, 360.0)
    if a <= -180.0:
        a += 360.0
    elif a > 180.0:
        a -= 360.0
    return a


class Locomotion:
    """Snap turns and teleports from each hand's thumbstick, recentring from a long press of a menu button or a
    call, and the comfort vignette they raise.

    Each stick is a small state machine: at ``"centre"`` a sideways push past ``stick_push`` turns once and a
    forward push starts aiming a teleport; after a turn (``"spent"``) the stick must come back within
    ``stick_rearm`` of centre before it acts again; while ``"aiming"`` the spot under the aim ray is the candidate,
    and letting the stick go back to centre teleports there (pushing sideways instead cancels).
    """

    def __init__(self, spots: Sequence[TeleportSpot], settings: InteractionSettings) -> None:
        self.spots = list(spots)
        self.space = PlaySpace(settings.home_position, settings.home_yaw_deg)
        self.anchor: tuple[np.ndarray, float] = (np.array(settings.home_position, float), settings.home_yaw_deg)
        """(floor point (3,) metres, yaw degrees) a recentre returns to: home, or the spot last teleported to."""
        self.vignette = 0.0
        """Strength 0..1 of the comfort vignette now."""
        self.teleport_target: dict[str, str | None] = {}
        """hand -> the name of the spot it is aiming a teleport at (None when aiming at no spot)."""
        self._stick: dict[str, str] = {}
        self._menu_since: dict[str, float | None] = {}
        self._menu_done: dict[str, bool] = {}
        self._world: tuple[tuple[float, bytes, float], np.ndarray] | None = None

    def world_from_play(self, settings: InteractionSettings) -> np.ndarray:
        """(4, 4) play space to world now, with the seated height if seated mode is on (a fresh array)."""
        return self.world_from_play_view(settings).copy()

    def world_from_play_view(self, settings: InteractionSettings) -> np.ndarray:
        """:meth:`world_from_play` without the copy, read-only: for reading several times a frame. It is made
        again only when the offset (yaw, position, changed in place or replaced) or the seated height changes."""
        height = settings.seated_height_offset_m if settings.seated else 0.0
        space = self.space
        key = (space.yaw_deg, np.asarray(space.position, dtype=np.float64).tobytes(), height)
        if self._world is None or self._world[0] != key:
            matrix = space.world_from_play(height)
            matrix.flags.writeable = False
            self._world = (key, matrix)
        return self._world[1]

    def fade(self, dt: float, settings: InteractionSettings) -> None:
        """Let the vignette fade for ``dt`` seconds (exponentially, time constant ``vignette_fade_s``)."""
        if dt > 0.0:
            self.vignette *= math.exp(-dt / max(settings.vignette_fade_s, 1e-6))
            if self.vignette < 1e-3:
                self.vignette = 0.0

    def _moved(self, settings: InteractionSettings) -> None:
        self.vignette = max(self.vignette, min(1.0, max(0.0, settings.vignette)))

    def snap_turn(self, time: float, source: str, direction: int, head: Pose, settings: InteractionSettings):
        """Turn once: ``direction`` +1 to the left, -1 to the right, by ``snap_turn_deg``."""
        angle = math.copysign(settings.snap_turn_deg, direction)
        self.space.turn(head, angle)
        self._moved(settings)
        return [SnapTurn(time, source, angle)]

    def teleport(self, time: float, source: str, spot: TeleportSpot, head: Pose, settings: InteractionSettings):
        """Move the user over ``spot``, facing its ``yaw_deg`` if it has one."""
        self.space.put_head(head, spot.center, spot.yaw_deg)
        self.anchor = (spot.center.copy(), self.space.head_yaw_deg(head))
        self._moved(settings)
        return [Teleport(time, source, spot.name)]

    def recentre(self, time: float, source: str, head: Pose, settings: InteractionSettings) -> list[Event]:
        """Put the head back over the anchor (home or the last spot), facing the anchor's direction. Not a
        locomotion the eyes see as motion in the room, but the view jumps, so the vignette covers it too."""
        self.space.put_head(head, self.anchor[0], self.anchor[1])
        self._moved(settings)
        return [Recentre(time, source)]

    def update_hand(
        self,
        time: float,
        side: str,
        hand: HandInput,
        head: Pose,
        aim_ray: Ray | None,
        settings: InteractionSettings,
        enabled: bool = True,
    ) -> list[Event]:
        """One hand's thumbstick and menu button this frame. ``aim_ray`` is its aim in the world (None if not
        tracked). With ``enabled`` False (focus lost, paused, hand off) nothing happens, but a stick held away from
        centre must still come back before it acts, and a menu press in progress is forgotten."""
        x, y = hand.thumbstick if hand.active else (0.0, 0.0)
        state = self._stick.get(side, "centre")
        events: list[Event] = []
        magnitude = math.hypot(x, y)
        if not enabled:
            self._stick[side] = "centre" if magnitude < settings.stick_rearm else "spent"
            self.teleport_target[side] = None
            self._menu_since[side] = None
            self._menu_done[side] = True  # a button held through the pause must be let go first
            return events
        if state == "centre":
            if abs(x) >= settings.stick_push and abs(x) >= abs(y):
                events += self.snap_turn(time, side, -1 if x > 0 else 1, head, settings)
                state = "spent"
            elif y >= settings.stick_push and y > abs(x):
                state = "aiming"
        elif state == "aiming":
            if abs(x) >= settings.stick_push:
                state = "spent"  # a sideways push cancels the teleport; it does not also turn
            elif magnitude < settings.stick_rearm:
                spot = self._spot_by_name(self.teleport_target.get(side))
                if spot is not None:
                    events += self.teleport(time, side, spot, head, settings)
                state = "centre"
        elif magnitude < settings.stick_rearm:
            state = "centre"
        self._stick[side] = state
        if state == "aiming" and aim_ray is not None:
            spot = nearest_spot(aim_ray, self.spots, settings.ray_length_m)
            self.teleport_target[side] = spot.name if spot else None
        elif state != "aiming":
            self.teleport_target[side] = None
        events += self._menu(time, side, hand.active and hand.menu, head, settings)
        return events

    def _menu(self, time: float, side: str, down: bool, head: Pose, settings: InteractionSettings) -> list[Event]:
        if not down:
            self._menu_since[side] = None
            self._menu_done[side] = False
            return []
        if self._menu_done.get(side, False):
            return []
        if self._menu_since.get(side) is None:
            self._menu_since[side] = time
        if time - self._menu_since[side] >= settings.recentre_hold_s:
            self._menu_done[side] = True  # once per press, however long it is held
            return self.recentre(time, side, head, settings)
        return []

    def _spot_by_name(self, name: str | None) -> TeleportSpot | None:
        return next((s for s in self.spots if s.name == name), None)
