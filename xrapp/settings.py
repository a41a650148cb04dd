"""What a run of the application is asked to do: one dataclass, filled from the command line or by a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class RunSettings:
    """Options of ``python main.py run``; each field is documented with its unit."""

    runtime: str = "auto"
    """"openxr": the active OpenXR runtime (a headset); "mock": the built-in headless runtime; "auto": the active
    runtime, or the mock when ``fallback_to_mock`` is set and no runtime is installed."""

    fallback_to_mock: bool = False
    """With ``runtime="auto"``, use the mock when no OpenXR runtime is installed (otherwise that is an error)."""

    graphics: str = "auto"
    """"egl": headless EGL (XR_MNDX_egl_enable); "xlib": a glfw window under X (XR_KHR_opengl_enable, GLX);
    "auto": xlib when a display is available, else egl."""

    frames: int | None = None
    """Stop after this many submitted frames (None: run until the runtime or the user ends the session)."""

    capture_dir: Path | None = None
    """Write the submitted views of the captured frames as PNG files here."""

    capture_frames: set[int] | None = None
    """Frame indices to capture (0 = first submitted frame); None with ``capture_dir`` captures the last frame."""

    input_script: Path | None = None
    """A scripted timeline (YAML) driving the mock's head and controllers (mock runtime only)."""

    refresh_hz: float = 90.0
    """Refresh rate of the mock runtime, Hz."""

    real_time: bool = False
    """Pace the mock runtime on the wall clock instead of its virtual clock."""

    controllers: str | None = None
    """Mock runtime: the interaction profile of the simulated controllers (default: the simple controller)."""

    view_size: tuple[int, int] | None = None
    """Recommended per-eye image size of the mock runtime, (width, height) pixels; None keeps its default."""

    stereo: str = "auto"
    """"single-pass" (both eyes in one pass, gl_Layer), "two-pass", or "auto" (single-pass where the driver offers
    GL_ARB_shader_viewport_layer_array); the choice is logged."""

    gl_debug: bool = False
    """Check glGetError after every renderer GL call and name the failing call (slow: for debugging)."""

    mirror: str = "off"
    """Show the eyes in a desktop window for the person running the session: "off", "both", "left" or "right"
    (needs a display: the Xlib graphics path)."""

    validation: bool = False
    """Enable the Khronos core validation API layer (shipped with pyopenxr) between the application and runtime."""

    floor_offset_m: float = 1.6
    """Eye height above the floor when the runtime offers no STAGE space and LOCAL must be lowered to the floor."""

    max_reconnect_attempts: int = 20
    """How many times to try reconnecting after the session or instance is lost before giving up."""

    extra: dict = field(default_factory=dict)
