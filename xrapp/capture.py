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


def contact_sheet(
    frames: Sequence[tuple[str, np.ndarray]], path: Path, columns: int = 4, label_height: int = 28
) -> Path:
    """One PNG of captured views in a grid, each labelled (e.g. the step and the time), for a person to look over a
    whole session at once. ``frames``: (label, (height, width, 4) uint8 RGBA image) pairs, all the same size.
    Labels are set in Noto Sans (found through fontconfig) on a dark strip under each image."""
    from PIL import ImageDraw, ImageFont

    from renderer.fonts import LATIN, find_font

    if not frames:
        raise ValueError("a contact sheet needs at least one captured frame")
    height, width = frames[0][1].shape[:2]
    rows = (len(frames) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * width, rows * (height + label_height)), (24, 26, 32))
    face = find_font(LATIN)
    font = ImageFont.truetype(str(face.path), size=max(10, label_height * 11 // 20), index=face.index)
    draw = ImageDraw.Draw(sheet)
    for i, (label, image) in enumerate(frames):
        x, y = (i % columns) * width, (i // columns) * (height + label_height)
        sheet.paste(Image.fromarray(np.ascontiguousarray(image), "RGBA").convert("RGB"), (x, y))
        draw.text((x + 6, y + height + label_height // 2), label, fill=(235, 235, 240), font=font, anchor="lm")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)
    return path
