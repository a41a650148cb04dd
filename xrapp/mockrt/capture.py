"""Writing what the mock's compositor captured: one PNG per submitted view."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from .runtime import Capture

EYE_NAMES = ("left", "right")


def view_file_name(frame: int, view: int) -> str:
    """``frame_00042_left.png`` for view 0, ``..._right.png`` for view 1 (views past 2 are numbered)."""
    eye = EYE_NAMES[view] if view < len(EYE_NAMES) else f"view{view}"
    return f"frame_{frame:05d}_{eye}.png"


def write_capture(capture: Capture, directory: Path) -> list[Path]:
    """Write the capture's views (and quads) as PNG files into ``directory``; return the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for view, image in enumerate(capture.views):
        path = directory / view_file_name(capture.frame, view)
        Image.fromarray(np.ascontiguousarray(image), "RGBA").save(path)
        written.append(path)
    for quad, image in enumerate(capture.quads):
        path = directory / f"frame_{capture.frame:05d}_quad{quad}.png"
        Image.fromarray(np.ascontiguousarray(image), "RGBA").save(path)
        written.append(path)
    return written
