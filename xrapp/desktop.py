"""The desktop simulator: walk through a scenario with a keyboard and mouse, no headset.

It is the normal application on the mock runtime, paced in real time, with the mirror window showing what the
headset shows; only the simulated user comes from the desktop: the mock's pose source is a
:class:`~xrapp.mockrt.live.LivePoseSource` that this module steers from the mirror window's keyboard and mouse. So
everything the application does between the runtime and the screen (actions, bindings, interactions, rendering) is
the code a headset runs.

Controls:

========================  ==============================================================================
W / A / S / D             walk forward, left, back, right (along the floor, where the head faces)
Q / E                     turn left / right
right mouse button drag   look around (or Tab: capture the cursor, and every mouse move looks)
mouse pointer             the right controller's ray follows it (from between the eyes through the cursor)
left mouse button         select (the controller's trigger) while held
scroll wheel              how far the right hand reaches along the ray
G                         squeeze (grab) while held
M                         the menu button
R                         recentre: back to the start, looking ahead
Esc                       quit (as does closing the window)
========================  ==============================================================================

The window needs a display (an X server: a desktop session, or Xvfb).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

import glfw

from .app import App
from .mockrt.live import LivePoseSource
from .settings import RunSettings

log = logging.getLogger("xrapp")

WALK_M_PER_S = 1.4
TURN_DEG_PER_S = 90.0
LOOK_DEG_PER_PIXEL = 0.2
REACH_STEP_M = 0.05
REACH_RANGE_M = (0.2, 3.0)
MAX_STEP_S = 0.1  # a stalled frame must not teleport the user
TOUCH_CONTROLLER = "/interaction_profiles/oculus/touch_controller"

_KEYS = {
    "w": glfw.KEY_W,
    "a": glfw.KEY_A,
    "s": glfw.KEY_S,
    "d": glfw.KEY_D,
    "q": glfw.KEY_Q,
    "e": glfw.KEY_E,
    "r": glfw.KEY_R,
    "m": glfw.KEY_M,
    "g": glfw.KEY_G,
    "tab": glfw.KEY_TAB,
    "escape": glfw.KEY_ESCAPE,
}


class DisplayUnavailable(RuntimeError):
    """No X display to open the simulator's window on."""


@dataclass
class DesktopInput:
    """What the keyboard and mouse are doing at one instant, in the window's terms (screen coordinates, y down)."""

    keys: set[str] = field(default_factory=set)  # names from _KEYS held down
    cursor: tuple[float, float] = (0.0, 0.0)
    window_size: tuple[int, int] = (1, 1)
    left_button: bool = False
    right_button: bool = False
    scroll: float = 0.0  # wheel clicks since the last snapshot (positive: away from the user)


class DesktopControls:
    """Turns keyboard and mouse into the live pose source's state, one step per frame."""

    def __init__(
        self,
        source: LivePoseSource,
        fov: list[tuple[float, float, float, float]],
        image_size: tuple[int, int],
        eyes: str = "left",
    ) -> None:
        self.source = source
        self.fov = fov  # per eye (left, right, up, down), radians, as the mock's views have
        self.image_size = image_size
        self.eyes = eyes
        self.captured = False
        self.quit = False
        self._last_cursor: tuple[float, float] | None = None
        self._last_keys: set[str] = set()

    def step(self, state: DesktopInput, dt: float) -> None:
        """Apply one snapshot of input over ``dt`` seconds of wall time."""
        dt = min(max(dt, 0.0), MAX_STEP_S)
        pressed = state.keys - self._last_keys  # keys that went down since the last step
        self._last_keys = set(state.keys)
        if "escape" in pressed:
            self.quit = True
        if "r" in pressed:
            self.source.recentre()
        if "tab" in pressed:
            self.captured = not self.captured
        forward = ("w" in state.keys) - ("s" in state.keys)
        right = ("d" in state.keys) - ("a" in state.keys)
        turn = ("q" in state.keys) - ("e" in state.keys)
        if forward or right:
            scale = WALK_M_PER_S * dt / math.hypot(forward, right)
            self.source.move(forward * scale, right * scale)
        if turn:
            self.source.look(turn * TURN_DEG_PER_S * dt, 0.0)
        if self._last_cursor is not None and (self.captured or state.right_button):
            dx = state.cursor[0] - self._last_cursor[0]
            dy = state.cursor[1] - self._last_cursor[1]
            # Dragging right turns right (negative yaw); dragging down looks down.
            self.source.look(-dx * LOOK_DEG_PER_PIXEL, -dy * LOOK_DEG_PER_PIXEL)
        self._last_cursor = state.cursor
        if self.captured:
            self.source.point((0.0, 0.0, -1.0))  # a captured cursor is the centre of the view
        else:
            direction = self.pointer_direction(state.cursor, state.window_size)
            if direction is not None:
                self.source.point(direction)
        self.source.select = state.left_button
        self.source.menu = "m" in state.keys
        self.source.squeeze = 1.0 if "g" in state.keys else 0.0
        if state.scroll:
            low, high = REACH_RANGE_M
            self.source.reach_m = min(max(self.source.reach_m + state.scroll * REACH_STEP_M, low), high)

    def pointer_direction(
        self, cursor: tuple[float, float], window_size: tuple[int, int]
    ) -> tuple[float, float, float] | None:
        """The ray through the cursor in the head's frame, or None when the cursor is outside the eye images.

        The mirror letterboxes each eye image into its half (or all) of the window; the cursor's place in the image
        and that eye's field of view give the ray's tangents (the eye's 32 mm offset from the head is ignored).
        """
        win_w, win_h = window_size
        layers = {"both": (0, 1), "left": (0,), "right": (1,)}[self.eyes]
        width, height = self.image_size
        slot_w = win_w / len(layers)
        scale = min(slot_w / width, win_h / height)
        out_w, out_h = width * scale, height * scale
        slot = min(int(cursor[0] // slot_w), len(layers) - 1) if slot_w > 0 else 0
        x0 = slot * slot_w + (slot_w - out_w) / 2
        y0 = (win_h - out_h) / 2
        u = (cursor[0] - x0) / out_w
        v = (cursor[1] - y0) / out_h  # from the top
        if not (0.0 <= u <= 1.0 and 0.0 <= v <= 1.0):
            return None
        left, right, up, down = self.fov[layers[slot]]
        tan_x = math.tan(left) + u * (math.tan(right) - math.tan(left))
        tan_y = math.tan(up) - v * (math.tan(up) - math.tan(down))
        return (tan_x, tan_y, -1.0)


class GlfwInput:
    """Reads a glfw window's keyboard and mouse into :class:`DesktopInput` snapshots."""

    def __init__(self, window) -> None:
        self.window = window
        self._scroll = 0.0
        glfw.set_scroll_callback(window, self._on_scroll)

    def _on_scroll(self, window, dx: float, dy: float) -> None:
        self._scroll += dy

    def snapshot(self) -> DesktopInput:
        w = self.window
        keys = {name for name, key in _KEYS.items() if glfw.get_key(w, key) == glfw.PRESS}
        scroll, self._scroll = self._scroll, 0.0
        return DesktopInput(
            keys=keys,
            cursor=tuple(glfw.get_cursor_pos(w)),
            window_size=tuple(glfw.get_window_size(w)),
            left_button=glfw.get_mouse_button(w, glfw.MOUSE_BUTTON_LEFT) == glfw.PRESS,
            right_button=glfw.get_mouse_button(w, glfw.MOUSE_BUTTON_RIGHT) == glfw.PRESS,
            scroll=scroll,
        )

    def capture(self, on: bool) -> None:
        glfw.set_input_mode(self.window, glfw.CURSOR, glfw.CURSOR_DISABLED if on else glfw.CURSOR_NORMAL)


class DesktopApp(App):
    """The application on the mock runtime, its simulated user steered from the mirror window.

    Without ``scene`` and ``interactions`` it shows the interactive demo (``demo_scene.build_interactive``).
    ``input_device`` replaces the window's keyboard and mouse (a test feeds synthetic snapshots); it is called with
    the window once and must return an object with ``snapshot() -> DesktopInput`` (and optionally ``capture(on)``).
    """

    def __init__(self, settings: RunSettings, source: LivePoseSource | None = None, input_device=None, **kwargs):
        if kwargs.get("scene") is None and kwargs.get("interactions") is None:
            # By default the interactive demo: the mouse hovers (glow), clicks and grabs (G) as a controller would.
            from .demo_scene import build_interactive

            interactions = build_interactive()
            kwargs.update(scene=interactions.scene, interactions=interactions)
        super().__init__(settings, **kwargs)
        self.source = source or LivePoseSource()
        self._input_device_factory = input_device or GlfwInput
        self.controls: DesktopControls | None = None
        self._input = None
        self._last_step = 0.0

    def _install_mock(self) -> None:
        super()._install_mock()
        # Touch controllers: the simple controller has no squeeze, and grabbing needs one.
        self.mock.config.interaction_profile = TOUCH_CONTROLLER
        self.mock.set_pose_source(self.source)

    def _run_with_reconnect(self, context, renderer) -> None:
        config = self.mock.config
        self.controls = DesktopControls(
            self.source,
            [config.fov_radians(0), config.fov_radians(1)],
            tuple(config.recommended_size),
            self.settings.mirror,
        )
        self._input = self._input_device_factory(context.window)
        self._last_step = time.monotonic()
        super()._run_with_reconnect(context, renderer)

    def _frame(self, client, renderer) -> None:
        # Steer the user before the frame: its views, actions and poses then all see the same state.
        now = time.monotonic()
        captured = self.controls.captured
        self.controls.step(self._input.snapshot(), now - self._last_step)
        self._last_step = now
        if self.controls.captured != captured and hasattr(self._input, "capture"):
            self._input.capture(self.controls.captured)
        if self.controls.quit:
            # Quit as closing the window does: the App asks the runtime to end the session.
            glfw.set_window_should_close(self.mirror.context.window, True)
        super()._frame(client, renderer)


def desktop_settings(
    eyes: str = "left", refresh_hz: float = 90.0, frames: int | None = None, view_size: tuple[int, int] | None = None
) -> RunSettings:
    """The settings the simulator runs with: the mock, the Xlib path with the mirror, real-time pacing."""
    return RunSettings(
        runtime="mock",
        graphics="xlib",
        mirror=eyes,
        real_time=True,
        refresh_hz=refresh_hz,
        frames=frames,
        view_size=view_size,
    )


def check_display() -> None:
    """Raise DisplayUnavailable with what to do when no X display can be opened."""
    from renderer.context import GLContext

    if not GLContext.display_available():
        raise DisplayUnavailable(
            "the desktop simulator opens a window and needs an X display, and none could be opened"
            + ("" if _display_set() else " (DISPLAY is not set)")
            + ". Run it in a desktop session, or under a virtual one: `Xvfb :95 & DISPLAY=:95 python main.py desktop`. "
            "Without a display, `python main.py run --runtime mock --input-script FILE` plays a scripted user."
        )


def _display_set() -> bool:
    import os

    return bool(os.environ.get("DISPLAY"))
