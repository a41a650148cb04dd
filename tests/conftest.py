"""Fixtures shared by the whole suite: one headless GL context, and the mock runtime reset between tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

os.environ.setdefault("EGL_PLATFORM", "surfaceless")


def pytest_addoption(parser):
    """``--regenerate``: golden-image tests rewrite their PNGs (tests/renderer/golden/) instead of comparing."""
    parser.addoption(
        "--regenerate", action="store_true", default=False, help="rewrite golden images instead of comparing"
    )


@pytest.fixture(scope="session")
def gl_context():
    """An EGL surfaceless OpenGL context (Mesa llvmpipe), current for the whole session."""
    from renderer.context import GLContext

    context = GLContext.create("egl")
    context.make_current()
    yield context
    context.destroy()


@pytest.fixture
def mock_runtime(gl_context):
    """The mock runtime, installed with a small headset (64×64 per eye) and a static user; clean after the test."""
    from xrapp import mockrt

    gl_context.make_current()  # an App run makes and destroys its own context
    config = mockrt.MockConfig(recommended_size=(64, 64))
    previous = mockrt.installed()
    if previous is not None and previous.instance is not None:
        previous.instance.destroy()  # left by a test that failed half-way
    runtime = mockrt.install(config)
    runtime.set_pose_source(mockrt.StaticPoseSource(config.eye_height_m))
    yield runtime
    if runtime.instance is not None:
        runtime.instance.destroy()  # a test that failed half-way must not leave an instance for the next one


@pytest.fixture
def xvfb():
    """A private Xvfb server for the test; yields its DISPLAY value (skips if Xvfb is not installed)."""
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb); .ci/install installs it")
    number = next(n for n in range(90, 190) if not Path(f"/tmp/.X{n}-lock").exists())
    proc = subprocess.Popen(
        [binary, f":{number}", "-screen", "0", "640x480x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            break
        time.sleep(0.05)
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)
