"""Captured eye images as files: one PNG per submitted view, named by frame and eye.

The mock runtime's compositor writes what the application submitted at xrEndFrame; on a real runtime the
application writes what it rendered, just before releasing the images. Both name files the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

EYE_NAMES = ("left", "right")


def view_file_name(frame: int, view: int) -> str:
    """``frame_00042_left.png`` for view 0, ``..._right.png`` for view 1 (views past 2 are numbered)."""
    eye = EYE_NAMES[view] if view < len(EYE_NAMES) else f"view{view}"
    return f"frame_{frame:05d}_{eye}.png"


def write_views(
    frame: int, views: Sequence[np.ndarray], directory: Path, quads: Sequence[np.ndarray] = ()
) -> list[Path]:
    """Write (height, width, 4) uint8 RGBA images (row 0 at the top) as PNG files; return the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for view, image in enumerate(views):
        path = directory / view_file_name(frame, view)
        Image.fromarray(np.ascontiguousarray(image), "RGBA").save(path)
        written.append(path)
    for quad, image in enumerate(quads):
        path = directory / f"frame_{frame:05d}_quad{quad}.png"
        Image.fromarray(np.ascontiguousarray(image), "RGBA").save(path)
        written.append(path)
    return written
