"""A headless OpenXR runtime, written in Python, loaded by the real Khronos loader.

>>> from xrapp import mockrt
>>> runtime = mockrt.install(mockrt.MockConfig(refresh_hz=90))   # doctest: +SKIP

After :func:`install`, any pyopenxr program in this process (``xr.create_instance(...)`` and onwards) talks to the
mock through the loader shipped in the pyopenxr wheel, exactly as it would talk to SteamVR or Monado. The returned
:class:`MockRuntime` steers the simulated user (pose sources), injects faults and holds captured frames.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

from .config import SIMPLE_CONTROLLER, MockConfig
from .live import LivePoseSource
from .poses import DeviceSample, HandState, Pose, PoseSource, StaticPoseSource
from .runtime import Capture, FrameTiming, HapticRequest, MockRuntime, write_manifest

__all__ = [
    "SIMPLE_CONTROLLER",
    "Capture",
    "DeviceSample",
    "FrameTiming",
    "HandState",
    "HapticRequest",
    "LivePoseSource",
    "MockConfig",
    "MockRuntime",
    "MockRuntimeUnavailable",
    "Pose",
    "PoseSource",
    "StaticPoseSource",
    "install",
    "installed",
]

_runtime: MockRuntime | None = None


class MockRuntimeUnavailable(RuntimeError):
    """The mock runtime's C entry point was not built (no C compiler at install time)."""


def installed() -> MockRuntime | None:
    """The installed runtime, or None."""
    return _runtime


def install(config: MockConfig | None = None, manifest_dir: Path | None = None) -> MockRuntime:
    """Make the mock the active OpenXR runtime of this process and return it.

    Writes a runtime manifest (into ``manifest_dir``, default a cache folder) that names this package's compiled entry
    point, and points ``XR_RUNTIME_JSON`` at it. Call before the first ``xr.create_instance``. Calling again returns
    the same runtime, reconfigured with ``config`` if one is given (only while no instance exists).
    """
    global _runtime
    # Register the OpenXR functions (each module adds its own on import).
    from . import actions, frame, instance, session, space, swapchain  # noqa: F401

    config = config or MockConfig()
    config.validate()
    if _runtime is None:
        try:
            from . import _trampoline
        except ImportError as error:
            raise MockRuntimeUnavailable(
                "the mock runtime's loader entry point (xrapp/mockrt/_trampoline.c) is not built: "
                "install a C compiler and the Python headers, then reinstall with `pip install -e .`"
            ) from error
        manifest = write_manifest(_trampoline.__file__, manifest_dir)
        atexit.register(_remove, manifest)
        _runtime = MockRuntime(config, manifest)
        _runtime.register_with_loader(_trampoline)
    else:
        _runtime.configure(config)
    os.environ["XR_RUNTIME_JSON"] = str(_runtime.manifest_path)
    return _runtime


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
