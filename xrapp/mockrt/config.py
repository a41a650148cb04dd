"""Settings of the mock runtime: the simulated headset and how its clock runs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

SIMPLE_CONTROLLER = "/interaction_profiles/khr/simple_controller"


@dataclass
class MockConfig:
    """What the simulated headset looks like to an application. Every field has a sensible headset-like default."""

    refresh_hz: float = 90.0
    """Display refresh rate in Hz (72, 90 and 120 are typical); the predicted display period is 1/refresh_hz."""

    real_time: bool = False
    """False: a deterministic virtual clock that advances one period per xrWaitFrame and never sleeps.
    True: xrWaitFrame sleeps until the next period on the wall clock (for a desktop preview)."""

    recommended_size: tuple[int, int] = (512, 512)
    """Recommended image rect per view, (width, height) in pixels."""

    max_size: tuple[int, int] = (4096, 4096)
    """Largest swapchain image the runtime accepts, (width, height) in pixels."""

    fov_degrees: tuple[float, float, float, float] = (-50.0, 43.0, 45.0, -52.0)
    """Left eye field of view (left, right, up, down) in degrees; left and down negative. The right eye mirrors it.
    Real headsets are asymmetric: more field outwards than towards the nose."""

    ipd_m: float = 0.063
    """Inter-pupillary distance in metres."""

    eye_height_m: float = 1.6
    """Height of the eyes above the floor (STAGE origin) for the static pose source, metres."""

    stage: bool = True
    """Offer the STAGE reference space (floor-level origin). False simulates a seated-only runtime."""

    stage_bounds_m: tuple[float, float] = (3.0, 3.0)
    """Play area (width along X, depth along Z) in metres, centred on the STAGE origin."""

    swapchain_image_count: int = 3
    """Images per swapchain."""

    offer_depth_layer: bool = True
    """Offer XR_KHR_composition_layer_depth."""

    offer_locate_spaces: bool = True
    """Offer XR_KHR_locate_spaces (xrLocateSpacesKHR: many spaces located in one call). False simulates a runtime
    without it, where an application must fall back to one xrLocateSpace per space."""

    max_layer_count: int = 16
    """Composition layers accepted per frame."""

    interaction_profile: str = SIMPLE_CONTROLLER
    """The controllers the simulated user holds (an interaction profile path)."""

    system_unavailable_attempts: int = 3
    """After a session or instance loss, how many xrGetSystem calls answer XR_ERROR_FORM_FACTOR_UNAVAILABLE before
    the headset is back, as one being reconnected (counted in calls, so it is the same under a virtual clock)."""

    capture_frames: set[int] | None = None
    """Frame indices (0 = first xrEndFrame) whose submitted layers are read back; None captures nothing."""

    capture_dir: Path | None = None
    """Where captured views are written as PNG files; None keeps them in memory only (MockRuntime.captures)."""

    extra: dict = field(default_factory=dict)
    """Free-form settings for experiments; ignored by the runtime itself."""

    @property
    def period_ns(self) -> int:
        return round(1e9 / self.refresh_hz)

    def fov_radians(self, eye: int) -> tuple[float, float, float, float]:
        """(left, right, up, down) in radians for eye 0 (left) or 1 (right)."""
        left, right, up, down = (math.radians(a) for a in self.fov_degrees)
        if eye == 0:
            return left, right, up, down
        return -right, -left, up, down

    def validate(self) -> None:
        """Raise ValueError with a clear message for settings no headset could have."""
        if not 1.0 <= self.refresh_hz <= 1000.0:
            raise ValueError(f"refresh_hz {self.refresh_hz} is out of range: use 72, 90 or 120")
        w, h = self.recommended_size
        if w < 1 or h < 1 or w > self.max_size[0] or h > self.max_size[1]:
            raise ValueError(f"recommended_size {self.recommended_size} must be positive and at most {self.max_size}")
        left, right, up, down = self.fov_degrees
        if not (-90 < left < right < 90 and -90 < down < up < 90):
            raise ValueError(f"fov_degrees {self.fov_degrees} must be (left<right, down<up), each within ±90")
        if not 0.0 <= self.ipd_m <= 0.1:
            raise ValueError(f"ipd_m {self.ipd_m} is not a human IPD: use about 0.063")
        if self.swapchain_image_count < 1:
            raise ValueError("swapchain_image_count must be at least 1")
