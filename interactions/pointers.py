"""Pointers: rays that hover and select the nearest interactable they hit.

Three kinds feed the same :class:`Pointer` logic: a controller's aim ray (select = its select button, edge
detected), the head's gaze ray (select = a completed dwell, see :mod:`interactions.dwell`), and the desktop
simulator's mouse, whose ray :func:`mouse_ray` computes from the camera and cursor; :func:`mouse_aim_pose` turns it
into an aim pose the simulator puts into ``InputFrame.right.aim``, so the mouse is "a controller" to everything else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from interactions.events import Event, HoverEnd, HoverStart, Release, Select
from interactions.input import Pose
from interactions.poses import Ray, quat_multiply, rotation_matrix


class Pointer:
    """Hover and select state of one pointer (``name``: ``"left"``, ``"right"``, ``"gaze"``).

    ``hovered`` is the name of what it points at; ``pressed`` the name a select went down on, kept until the
    select ends so that Release names it even if the pointer has moved off.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.hovered: str | None = None
        self.pressed: str | None = None
        self._select_was_down = False

    def update(self, time: float, hit: str | None, select_down: bool) -> list[Event]:
        """One frame: ``hit`` is the nearest selectable the ray hits (or None), ``select_down`` the select button.
        Returns HoverEnd/HoverStart on a change of target, Select on the button's down edge over a target, Release
        on its up edge after a Select."""
        events = self.hover(time, hit)
        if select_down and not self._select_was_down and self.hovered is not None:
            events.append(Select(time, self.name, self.hovered))
            self.pressed = self.hovered
        elif not select_down and self.pressed is not None:
            events.append(Release(time, self.name, self.pressed))
            self.pressed = None
        self._select_was_down = select_down
        return events

    def hover(self, time: float, hit: str | None) -> list[Event]:
        """Move the hover to ``hit``: HoverEnd for the old target, then HoverStart for the new one."""
        events: list[Event] = []
        if hit != self.hovered:
            if self.hovered is not None:
                events.append(HoverEnd(time, self.name, self.hovered))
            if hit is not None:
                events.append(HoverStart(time, self.name, hit))
            self.hovered = hit
        return events

    def click(self, time: float) -> list[Event]:
        """Select and at once release what is hovered (a completed gaze dwell has no button to let go of)."""
        if self.hovered is None:
            return []
        return [Select(time, self.name, self.hovered), Release(time, self.name, self.hovered)]

    def suspend(self, time: float, select_down: bool) -> list[Event]:
        """Input is ignored (focus lost, hand off): end the hover (HoverEnd) and forget a press without a Release
        (no other event may be sent then). ``select_down`` is remembered, so a button still held when input
        returns is not taken for a new press."""
        events = self.hover(time, None)
        self.pressed = None
        self._select_was_down = select_down
        return events


def _cursor_direction(fov_y_deg: float, window_size: Sequence[float], cursor: Sequence[float]) -> np.ndarray:
    """(3,) unit direction under the cursor in the camera's frame (-Z forward, +Y up)."""
    width, height = float(window_size[0]), float(window_size[1])
    ndc_x = 2.0 * float(cursor[0]) / width - 1.0
    ndc_y = 1.0 - 2.0 * float(cursor[1]) / height  # window y grows downwards, camera y upwards
    tan_half = math.tan(math.radians(fov_y_deg) / 2.0)
    local = np.array([ndc_x * tan_half * width / height, ndc_y * tan_half, -1.0])
    return local / np.linalg.norm(local)


def mouse_ray(camera: Pose, fov_y_deg: float, window_size: Sequence[float], cursor: Sequence[float]) -> Ray:
    """The ray under the mouse cursor of the desktop simulator.

    ``camera``: the simulator's eye pose (looking along its -Z); ``fov_y_deg``: the vertical field of view, degrees;
    ``window_size``: (width, height) pixels; ``cursor``: (x, y) pixels from the window's top-left corner, y down
    (GLFW's cursor convention; the window's centre is (width / 2, height / 2)). The ray starts at the eye.
    """
    local = _cursor_direction(fov_y_deg, window_size, cursor)
    return Ray.make(camera.position, rotation_matrix(camera.orientation) @ local)


def mouse_aim_pose(camera: Pose, fov_y_deg: float, window_size: Sequence[float], cursor: Sequence[float]) -> Pose:
    """An aim pose at the eye pointing under the cursor (arguments as :func:`mouse_ray`), for ``HandInput.aim``.

    Its orientation is the camera's turned by the shortest arc from -Z to the cursor's direction, so it does not
    roll relative to the camera.
    """
    local = _cursor_direction(fov_y_deg, window_size, cursor)
    forward = np.array([0.0, 0.0, -1.0])
    # Shortest arc: (cross(a, b), 1 + dot(a, b)) normalised; never degenerate as local always points forward.
    arc = np.append(np.cross(forward, local), 1.0 + forward @ local)
    arc /= np.linalg.norm(arc)
    q = quat_multiply(camera.orientation, arc)
    q /= np.linalg.norm(q)
    return Pose(position=tuple(float(c) for c in camera.position), orientation=tuple(float(c) for c in q))
