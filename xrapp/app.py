"""The application's frame loop: connect to a runtime, run frames, survive what the real world does to sessions.

One frame, in order: poll events → xrWaitFrame → xrBeginFrame → acquire the images → xrLocateViews at the predicted
display time (as late as possible before drawing) → draw both eyes → release → xrEndFrame. While the session is
not FOCUSED (headset off the face, a system menu) the loop keeps rendering but the scene's clock stands still.
When the session or the instance is lost, everything is torn down and rebuilt with back-off, and the scene carries
on where it was.
"""

from __future__ import annotations

import gc
import logging
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from interactions.events import HapticPulse
from renderer.context import GLContext
from renderer.mirror import MirrorWindow
from renderer.scene import Scene
from renderer.stereo import EyeCamera, StereoRenderer, StereoTarget
from renderer.text import SubtitleFollower

from .capture import write_views
from .settings import RunSettings
from .xr.instance import NoRuntimeError, active_runtime_manifest, enable_core_validation, no_runtime_message
from .xr.session import SessionLost, SystemUnavailable, XrClient

log = logging.getLogger("xrapp")

#: The phases of a frame :class:`FramePhases` records, in order (each from the end of the one before).
PHASES = ("wait_begin", "locate", "update", "render", "end")


class FramePhases:
    """Where each frame's time went: per frame, ``perf_counter_ns`` at the start of ``xrWaitFrame`` and at the end of
    each of :data:`PHASES` (wait → begin; acquire images and locate views; input and interactions; drawing and
    releasing the images; ``xrEndFrame``), into a preallocated ring of ``capacity`` frames: recording allocates
    nothing per frame. The benchmarks (``bench/``) read :meth:`durations_ns`.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self.capacity = max(1, capacity)
        self.stamps = np.zeros((self.capacity, len(PHASES) + 1), np.int64)
        self.count = 0  # frames recorded since the start, including those the ring has dropped
        self._row = self.stamps[0]

    def start(self) -> None:
        """Call just before ``xrWaitFrame``."""
        self._row = self.stamps[self.count % self.capacity]
        self._row[:] = time.perf_counter_ns()

    def mark(self, phase: int) -> None:
        """Phase number ``phase`` (index into :data:`PHASES`) ended now (and any skipped ones with it)."""
        self._row[phase + 1 :] = time.perf_counter_ns()

    def finish(self) -> None:
        """The frame was submitted: keep its row."""
        self.count += 1

    def durations_ns(self) -> np.ndarray:
        """``(frames, len(PHASES)) int64``: each kept frame's phase durations, nanoseconds, oldest first."""
        kept = min(self.count, self.capacity)
        rows = self.stamps
        if self.count > self.capacity:
            rows = np.roll(rows, -(self.count % self.capacity), axis=0)
        return np.diff(rows[:kept], axis=1)


@dataclass
class RunReport:
    """What a run did, for the command line's summary and for tests."""

    runtime_name: str = ""
    frames_submitted: int = 0
    frames_rendered: int = 0
    scene_time_s: float = 0.0
    reconnects: int = 0
    states: list[str] = field(default_factory=list)
    captured: list[str] = field(default_factory=list)
    events: list = field(default_factory=list)  # interaction events, in order, when the App has an InteractionSystem


class App:
    """Runs the scene on an OpenXR runtime until the runtime, the user or ``settings.frames`` ends it."""

    def __init__(self, settings: RunSettings, scene: Scene | None = None, interactions=None) -> None:
        """``scene``: what to show (default: the demo scene); a node called "subtitle" follows the gaze lazily.
        ``interactions``: an ``interactions.system.InteractionSystem`` fed each frame's input (optional), or an
        ``xrapp.scene_interactions.SceneInteractions`` (which also shows hovers, the dwell ring, the vignette and
        the pause in the scene; see ``demo_scene.build_interactive``)."""
        from .demo_scene import build

        self.settings = settings
        self.scene = scene if scene is not None else build()
        self.subtitle = next((node for node, _ in self.scene.root.walk() if node.name == "subtitle"), None)
        self.subtitle_follower = SubtitleFollower()
        # GL calls of the latest rendered frames, for the benchmarks; bounded so a long session does not grow.
        self.gl_calls: deque[int] = deque(maxlen=4096)
        self.frame_phases = FramePhases()  # per-frame phase times, for the benchmarks (replace to keep more)
        self.renderer: StereoRenderer | None = None  # the run's renderer, once run() made it
        self.report = RunReport()
        self.mock = None
        self.virtual_time = False
        self._own_capture = None  # (frames, directory, reader) when the application captures for itself
        self.mirror: MirrorWindow | None = None
        self.interactions = interactions
        self.input_observers: list = []  # called with (InputFrame, FrameTiming) each frame: recorders, tests
        self.pose_source = None  # mock runtime: who the simulated user is (default: still, or --input-script)

    # -- choosing and preparing the runtime ----------------------------------------------------------------------

    def _select_runtime(self) -> str:
        choice = self.settings.runtime
        if choice == "auto":
            if active_runtime_manifest() is not None:
                return "openxr"
            if self.settings.fallback_to_mock:
                log.warning("no OpenXR runtime installed: falling back to the mock runtime, as asked")
                return "mock"
            raise NoRuntimeError(no_runtime_message("no active runtime manifest"))
        if choice == "openxr" and active_runtime_manifest() is None:
            raise NoRuntimeError(no_runtime_message("no active runtime manifest"))
        return choice

    def _install_mock(self) -> None:
        from . import mockrt

        s = self.settings
        capture_frames = s.capture_frames
        if s.capture_dir is not None and capture_frames is None:
            if s.frames is None:
                raise ValueError("--capture needs --frames (the last frame is captured) or --capture-frames")
            capture_frames = {s.frames - 1}
        config = mockrt.MockConfig(
            refresh_hz=s.refresh_hz, real_time=s.real_time, capture_frames=capture_frames, capture_dir=s.capture_dir
        )
        if s.view_size is not None:
            config.recommended_size = tuple(s.view_size)
        if s.controllers is not None:
            config.interaction_profile = s.controllers
        self.mock = mockrt.install(config)
        if s.input_script is not None:
            from .mockrt.timeline import ScriptedTimeline

            self.mock.set_pose_source(ScriptedTimeline.load(s.input_script))
        elif self.pose_source is not None:
            self.mock.set_pose_source(self.pose_source)
        self.virtual_time = not s.real_time

    # -- the run -------------------------------------------------------------------------------------------------

    def run(self) -> RunReport:
        """Run to the end; raises NoRuntimeError (and others) with messages meant for the person at the keyboard."""
        s = self.settings
        kind = self._select_runtime()
        if kind == "mock":
            self._install_mock()
        elif s.input_script is not None:
            raise ValueError("--input-script drives the mock runtime's simulated user: use it with --runtime mock")
        if s.validation:
            enable_core_validation()
        graphics = s.graphics
        if graphics == "auto":
            graphics = "glx" if GLContext.display_available() else "egl"
        if s.mirror != "off" and graphics == "egl":
            raise ValueError("--mirror needs a display and the Xlib graphics path (--graphics xlib)")
        context = GLContext.create("glx" if graphics in ("glx", "xlib") else "egl")
        self.mirror = MirrorWindow(context, s.mirror) if s.mirror != "off" else None
        renderer = StereoRenderer(context, mode=s.stereo, debug=s.gl_debug)
        self.renderer = renderer  # for the benchmarks: live_objects() during and after the run
        if kind != "mock" and s.capture_dir is not None:
            self._prepare_own_capture(context)
        try:
            self._run_with_reconnect(context, renderer)
        finally:
            renderer.release()
            if self.mirror is not None:
                self.mirror.release()
            context.destroy()
        if self.mock is not None:
            self.report.captured = sorted(str(i) for i in self.mock.captures)
        return self.report

    def _prepare_own_capture(self, context) -> None:
        # A real runtime does not hand back what it composited: read our own images before releasing them.
        from renderer.runtime_gl import RuntimeGL

        s = self.settings
        frames = s.capture_frames
        if frames is None:
            if s.frames is None:
                raise ValueError("--capture needs --frames (the last frame is captured) or --capture-frames")
            frames = {s.frames - 1}
        self._own_capture = (frames, s.capture_dir, RuntimeGL(None, context.kind))

    def _capture_own(self, client: XrClient, targets) -> None:
        frames, directory, reader = self._own_capture
        index = self.report.frames_submitted
        if index not in frames:
            return
        images = [reader.read_image(t.color_texture, 2, t.layer, *t.rect, client.color.format) for t in targets]
        write_views(index, images, directory)
        self.report.captured.append(str(index))

    def _run_with_reconnect(self, context, renderer) -> None:
        attempt = 0
        while True:
            client = XrClient(context, floor_offset_m=self.settings.floor_offset_m)
            try:
                client.create()
            except SystemUnavailable:
                attempt += 1
                if attempt > self.settings.max_reconnect_attempts:
                    raise RuntimeError(
                        f"the headset did not come back after {attempt - 1} attempts; check it is connected"
                    ) from None
                self._back_off(attempt)
                continue
            attempt = 0
            self.report.runtime_name = client.instance.runtime_name
            _freeze_collector()  # loaded: the scene is built and the session made
            try:
                outcome = self._run_session(client, renderer)
            finally:
                self.report.states.extend(client.states_seen)
                client.destroy()
                gc.unfreeze()  # between sessions: a safe point to collect what the old session left
                gc.collect()
            if outcome == "exit":
                return
            session_lost = getattr(self.interactions, "session_lost", None)
            if session_lost is not None:
                session_lost()  # a procedure restarts the step it was on when frames come again
            self.report.reconnects += 1
            if self.report.reconnects > self.settings.max_reconnect_attempts:
                raise RuntimeError("the session was lost too many times; giving up")
            log.warning("session lost: reconnecting (%d)", self.report.reconnects)

    def _back_off(self, attempt: int) -> None:
        delay = min(0.05 * 2 ** (attempt - 1), 2.0)
        log.info("headset unavailable; trying again in %.2f s", delay)
        if not self.virtual_time:
            time.sleep(delay)

    def _run_session(self, client: XrClient, renderer) -> str:
        """Frames until the session ends ("exit") or is lost ("lost")."""
        idle_polls = 0
        exit_asked = False
        while True:
            client.poll_events()
            if client.lost:
                return "lost"
            if client.exit_requested:
                return "exit"
            if not client.running:
                idle_polls += 1
                if self.virtual_time and idle_polls > 10_000:
                    raise RuntimeError(f"the runtime never made the session READY (state {client.state.name})")
                if not self.virtual_time:
                    time.sleep(0.01)
                continue
            idle_polls = 0
            try:
                self._frame(client, renderer)
                frames = self.settings.frames
                done = getattr(self.interactions, "done", False)  # a procedure that has finished
                if (done or frames is not None and self.report.frames_submitted >= frames) and not exit_asked:
                    client.request_exit()
                    exit_asked = True
            except SessionLost:
                return "lost"

    def _frame(self, client: XrClient, renderer) -> None:
        phases = self.frame_phases
        phases.start()
        timing = client.wait_frame()
        if timing is None or not client.begin_frame():
            return
        phases.mark(0)
        rendered = False
        if timing.should_render:
            targets = client.acquire_targets()
            views = client.locate_views(timing.display_time)
            phases.mark(1)
            self._update_input(client, timing)
            phases.mark(2)
            if views is not None:
                first = not self.report.frames_rendered
                self._draw(client, renderer, views, targets[0], timing)
                rendered = True
                if first:
                    _freeze_collector()  # the renderer made the scene's GPU objects on this first frame
                if self._own_capture is not None:
                    self._capture_own(client, targets)
            client.release_targets()
            if rendered and self.mirror is not None:
                # After the release: the headset's frame is on its way before the desktop gets its copy.
                self.mirror.show(targets[0].color_texture, *targets[0].rect[2:])
                self.mirror.present()
                if self.mirror.should_close():
                    client.request_exit()
        else:
            phases.mark(1)
            self._update_input(client, timing)
        phases.mark(3)
        client.end_frame(timing.display_time, rendered)
        phases.mark(4)
        phases.finish()
        self.report.frames_submitted += 1
        self.report.frames_rendered += int(rendered)
        if client.focused:
            # The scene's clock runs only while the user can interact; VISIBLE means paused.
            self.report.scene_time_s += timing.period / 1e9

    def _draw(self, client: XrClient, renderer: StereoRenderer, views, target, timing) -> None:
        """Both eyes of the scene into the frame's 2-layer colour (and depth) images."""
        # The views are located in the play space; the scene is in the world. They differ once the user snap
        # turns, teleports, recentres or sits: then the eyes are seen through the interaction system's
        # world_from_play (eye_world = world_from_play @ eye_in_play), so the world turns, not the user's nose.
        state = getattr(self.interactions, "state", None)
        world_from_play = state.world_from_play if state is not None else None
        if self.subtitle is not None:
            # Head-locked, lazily: the subtitle stays put for small head turns and glides after large ones.
            head = (np.asarray(views[0].position) + np.asarray(views[1].position)) / 2
            self.subtitle.transform = self.subtitle_follower.update(head, views[0].orientation, timing.period / 1e9)
            if world_from_play is not None:
                self.subtitle.transform = world_from_play @ self.subtitle.transform
        eyes = [
            EyeCamera.of_view(view.position, view.orientation, view.fov, client.near_m, client.far_m, world_from_play)
            for view in views
        ]
        width, height = target.rect[2:]
        # The application owns the context and the renderer sets all it needs each frame: no state read back.
        renderer.render(
            self.scene,
            eyes,
            StereoTarget(target.color_texture, target.depth_texture, width, height, target.srgb),
            restore_state=False,
        )
        self.gl_calls.append(renderer.last_frame_gl_calls)

    def _update_input(self, client: XrClient, timing) -> None:
        """The user's input at this frame's display time (after the views are located, before drawing), to the
        observers and the interaction system; its haptic pulses go back to the controllers."""
        frame = client.input_frame(timing.display_time)
        for observer in self.input_observers:
            observer(frame, timing)
        if self.interactions is None:
            return
        events = self.interactions.update(frame)
        self.report.events.extend(events)
        pulses = [e for e in events if isinstance(e, HapticPulse)]
        if pulses:
            client.apply_haptics(pulses)


def _freeze_collector() -> None:
    """Collect once, then move every object alive now out of the collector's sight (gc.freeze): what was loaded
    (scene, session, GPU bookkeeping) is never scanned again, so collections in the frame loop stay short."""
    gc.collect()
    gc.freeze()
