"""The mock runtime's state, its link to the OpenXR loader, and the controls a test or tool uses to steer it.

One ``MockRuntime`` exists per process (the loader has one runtime, and the C entry point holds one callback).
It owns the handle table, the clock, the pose source, the event plumbing, the fault injection controls, and what the
compositor captured. The OpenXR functions themselves live in the modules named after what they deal with
(``instance``, ``session``, ``space``, ``swapchain``, ``frame``, ``actions``).
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xr
from xr.api_layer.loader_interfaces import LoaderInterfaceStructs, NegotiateLoaderInfo

from .config import MockConfig
from .dispatch import NULL_INSTANCE_FUNCTIONS, Failure, FunctionTable, implemented
from .errors import XrError, require
from .handles import HandleTable, handle_value
from .poses import PoseSource, StaticPoseSource

log = logging.getLogger("xrapp.mockrt")

RUNTIME_NAME = "Rehearse XR mock runtime"
RUNTIME_VERSION = xr.Version(0, 1, 0)
API_VERSION = xr.Version(1, 0, 0)
EPOCH_NS = 1_000_000_000
"""XrTime of the runtime's t = 0 (XrTime must be positive)."""
FRAME_TIMINGS_KEPT = 4096
"""How many of the latest frames' timings ``MockRuntime.frame_timings`` keeps: a long session must not grow."""


class NegotiateRuntimeRequest(ctypes.Structure):
    """XrNegotiateRuntimeRequest from the loader's runtime interface (openxr_loader_negotiation.h)."""

    _fields_ = [
        ("struct_type", ctypes.c_int),
        ("struct_version", ctypes.c_uint32),
        ("struct_size", ctypes.c_size_t),
        ("runtime_interface_version", ctypes.c_uint32),
        ("runtime_api_version", ctypes.c_uint64),
        ("get_instance_proc_addr", xr.PFN_xrGetInstanceProcAddr),
    ]


NEGOTIATE_PROTOTYPE = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.POINTER(NegotiateLoaderInfo), ctypes.c_void_p)


@dataclass
class FrameTiming:
    """Wall-clock instants (time.perf_counter_ns) of one frame's calls as the application made them."""

    index: int
    display_time: int
    wait_ns: int = 0
    begin_ns: int = 0
    locate_views_ns: int = 0
    end_ns: int = 0


@dataclass
class HapticRequest:
    """One xrApplyHapticFeedback or xrStopHapticFeedback the application made."""

    time: int
    action: str
    subaction_path: str
    duration_ns: int
    frequency_hz: float
    amplitude: float
    stop: bool = False


@dataclass
class Capture:
    """The views submitted at one xrEndFrame: per eye an (height, width, 4) uint8 RGBA image, row 0 at the top."""

    frame: int
    display_time: int
    views: list[np.ndarray] = field(default_factory=list)
    depth: list[np.ndarray] = field(default_factory=list)
    quads: list[np.ndarray] = field(default_factory=list)


class Clock:
    """The runtime's clock: virtual (deterministic, one period per frame) or paced on the wall clock."""

    def __init__(self, period_ns: int, real_time: bool) -> None:
        self.period_ns = period_ns
        self.real_time = real_time
        self.now_ns = EPOCH_NS
        self._wall_start = time.monotonic_ns()

    def seconds(self, xr_time: int) -> float:
        """Seconds since t = 0 for an XrTime."""
        return (xr_time - EPOCH_NS) / 1e9

    def advance_frame(self) -> int:
        """Move to the next frame boundary (sleeping on the wall clock if paced); return the new now."""
        self.now_ns += self.period_ns
        if self.real_time:
            target = self._wall_start + (self.now_ns - EPOCH_NS)
            delay = target - time.monotonic_ns()
            if delay > 0:
                time.sleep(delay / 1e9)
            else:
                # Fell behind (a slow frame): skip ahead as a compositor would, never run ahead of the wall.
                self.now_ns += (-delay // self.period_ns) * self.period_ns
        return self.now_ns

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of runtime time pass (virtual clock), e.g. while the application backs off."""
        self.now_ns += int(seconds * 1e9)


class MockRuntime:
    """The headless OpenXR runtime. Get it with :func:`xrapp.mockrt.install`."""

    def __init__(self, config: MockConfig, manifest_path: Path) -> None:
        self.config = config
        self.manifest_path = manifest_path
        self.handles = HandleTable()
        self.failures: deque[Failure] = deque(maxlen=1000)
        self.functions = FunctionTable(self.failures.append)
        self.pose_source: PoseSource = StaticPoseSource(config.eye_height_m)
        self.clock = Clock(config.period_ns, config.real_time)
        self.instance = None  # the live MockInstance, at most one (as most real runtimes)
        self.frames_ended = 0  # xrEndFrame calls that succeeded, over all sessions: the capture frame index
        self.captures: dict[int, Capture] = {}
        self.haptics: list[HapticRequest] = []
        self.frame_timings: deque[FrameTiming] = deque(maxlen=FRAME_TIMINGS_KEPT)  # the latest frames only
        self.system_unavailable_for = 0  # xrGetSystem calls still to refuse
        self.negotiations = 0
        self._negotiate = NEGOTIATE_PROTOTYPE(self._on_negotiate)
        self._gipa = xr.PFN_xrGetInstanceProcAddr(self._get_instance_proc_addr)

    # -- configuration -------------------------------------------------------------------------------------------

    def configure(self, config: MockConfig) -> None:
        """Replace the settings; only while no instance exists (a real headset does not change under an app)."""
        config.validate()
        if self.instance is not None:
            raise RuntimeError("the mock runtime's settings cannot change while an XrInstance exists")
        self.config = config
        self.clock = Clock(config.period_ns, config.real_time)
        self.frames_ended = 0
        self.system_unavailable_for = 0
        self.captures.clear()
        self.haptics.clear()
        self.failures.clear()
        self.frame_timings.clear()

    def set_pose_source(self, source: PoseSource) -> None:
        """Drive the simulated head and controllers from ``source`` from now on."""
        self.pose_source = source

    def now_seconds(self) -> float:
        return self.clock.seconds(self.clock.now_ns)

    # -- fault injection -----------------------------------------------------------------------------------------

    def _session(self):
        from .session import MockSession

        sessions = self.handles.live(MockSession)
        if not sessions:
            raise RuntimeError("no XrSession exists: faults are injected into a running session")
        return sessions[-1]

    def lose_focus(self) -> None:
        """The headset is taken off or a system menu opens: FOCUSED → VISIBLE."""
        self._session().set_focus(False)

    def restore_focus(self) -> None:
        """The menu closes: VISIBLE → FOCUSED."""
        self._session().set_focus(True)

    def request_stop(self) -> None:
        """The runtime stops the session (user left the app): → STOPPING; READY again after xrEndSession."""
        self._session().runtime_stop(exit_after=False)

    def request_exit(self) -> None:
        """The runtime asks the application to quit (user closed it from the dashboard): → STOPPING → EXITING."""
        self._session().runtime_stop(exit_after=True)

    def lose_session(self) -> None:
        """The headset is unplugged: LOSS_PENDING; then xrGetSystem fails ``system_unavailable_attempts`` times."""
        self._session().lose()
        self.system_unavailable_for = self.config.system_unavailable_attempts

    def lose_instance(self) -> None:
        """The runtime itself goes away: XrEventDataInstanceLossPending; then every call is XR_ERROR_INSTANCE_LOST."""
        require(self.instance is not None, xr.Result.ERROR_RUNTIME_FAILURE, "no instance to lose")
        self.instance.lose()
        self.system_unavailable_for = self.config.system_unavailable_attempts

    def change_reference_space(self, space_type: xr.ReferenceSpaceType = xr.ReferenceSpaceType.STAGE) -> None:
        """The user recentres or redraws the play area: XrEventDataReferenceSpaceChangePending."""
        self._session().reference_space_change(space_type)

    def change_interaction_profile(self, profile: str) -> None:
        """The user picks up other controllers: XrEventDataInteractionProfileChanged with ``profile`` current."""
        self.config.interaction_profile = profile
        self._session().interaction_profile_changed()

    # -- loader interface ----------------------------------------------------------------------------------------

    def _on_negotiate(self, info_ptr, request_ptr) -> int:
        try:
            info = info_ptr.contents
            request = ctypes.cast(request_ptr, ctypes.POINTER(NegotiateRuntimeRequest)).contents
            ok = (
                info.struct_type == LoaderInterfaceStructs.LOADER_INFO.value
                and info.min_interface_version <= 1 <= info.max_interface_version
                and info.min_api_version <= API_VERSION.number() <= info.max_api_version
                and request.struct_type == LoaderInterfaceStructs.RUNTIME_REQUEST.value
                and request.struct_size >= ctypes.sizeof(NegotiateRuntimeRequest)
            )
            if not ok:
                log.error("loader negotiation failed: %s", info)
                return xr.Result.ERROR_INITIALIZATION_FAILED.value
            request.runtime_interface_version = 1
            request.runtime_api_version = xr.Version(1, 1, 0).number()
            request.get_instance_proc_addr = self._gipa
            self.negotiations += 1
            return xr.Result.SUCCESS.value
        except Exception:  # noqa: BLE001 - never raise through the loader
            log.exception("loader negotiation failed")
            return xr.Result.ERROR_RUNTIME_FAILURE.value

    def _get_instance_proc_addr(self, instance, name_ptr, function_out) -> int:
        name = name_ptr.decode() if name_ptr else ""
        function_out[0] = xr.PFN_xrVoidFunction()
        try:
            value = handle_value(instance)
            if name == "xrGetInstanceProcAddr":
                callback = self._gipa
            else:
                impl = implemented().get(name)
                if value == 0:
                    require(
                        name in NULL_INSTANCE_FUNCTIONS,
                        xr.Result.ERROR_HANDLE_INVALID,
                        f"{name} cannot be looked up without an instance",
                    )
                else:
                    from .instance import MockInstance

                    inst = self.handles.get(instance, MockInstance, "instance")
                    if impl is not None and impl.extension and impl.extension not in inst.extensions:
                        raise XrError(xr.Result.ERROR_FUNCTION_UNSUPPORTED, f"{name} needs {impl.extension} enabled")
                callback = self.functions.callback(name)
                require(callback is not None, xr.Result.ERROR_FUNCTION_UNSUPPORTED, f"{name} is not implemented")
            function_out[0] = ctypes.cast(callback, xr.PFN_xrVoidFunction)
            return xr.Result.SUCCESS.value
        except XrError as error:
            # The loader looks up every function it knows to fill its dispatch table: an unsupported one is normal.
            if error.result != xr.Result.ERROR_FUNCTION_UNSUPPORTED:
                self.failures.append(Failure("xrGetInstanceProcAddr", error.result, error.message))
            return error.result.value

    def register_with_loader(self, trampoline) -> None:
        trampoline.set_negotiate(ctypes.cast(self._negotiate, ctypes.c_void_p).value)


def write_manifest(library_path: str, directory: Path | None = None) -> Path:
    """Write the runtime manifest JSON naming ``library_path``; return its path."""
    if directory is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        directory = Path(base) / "rehearse-xr"
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            directory = Path(tempfile.mkdtemp(prefix="rehearse-xr-"))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"mock_runtime_{os.getpid()}.json"
    manifest = {
        "file_format_version": "1.0.0",
        "runtime": {"name": RUNTIME_NAME, "library_path": str(Path(library_path).resolve())},
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2))
    tmp.replace(path)
    return path
