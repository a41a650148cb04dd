"""What surrounds every scene: the sky colour, the floor grid, the key light.

Constants in linear colour (the renderer encodes to sRGB once, at the framebuffer).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: Clear colour: a dark blue-grey sky, linear RGBA (about sRGB 46, 56, 72 once encoded).
SKY_COLOR_LINEAR = (0.027, 0.040, 0.065, 1.0)
#: Grid line colour, linear RGB (mid grey once encoded).
GRID_COLOR_LINEAR = (0.25, 0.25, 0.25)
#: Unit vector towards the key light (above, right, behind a viewer facing -Z), world space.
LIGHT_DIRECTION = np.array([0.4, 1.0, 0.6]) / np.linalg.norm([0.4, 1.0, 0.6])

FLOATS_PER_GRID_VERTEX = 9  # position (3), normal (3, zero: drawn unlit), colour (3)


def grid_vertices(half_extent: float = 5.0, spacing: float = 0.5, color: ArrayLike = GRID_COLOR_LINEAR) -> np.ndarray:
    """``(n, 9) float32`` line-list vertices of a square grid on the floor (y = 0), centred on the origin.

    Args:
        half_extent: metres from the centre to each edge (5 gives a 10 m square).
        spacing: metres between lines.
        color: linear RGB. Normals are zero, which the shader draws unlit.
    """
    steps = round(2 * half_extent / spacing)
    offsets = np.linspace(-half_extent, half_extent, steps + 1, dtype=np.float32)
    rows = []
    for t in offsets:
        rows += [(t, 0.0, -half_extent), (t, 0.0, half_extent), (-half_extent, 0.0, t), (half_extent, 0.0, t)]
    positions = np.asarray(rows, np.float32)
    out = np.zeros((len(positions), FLOATS_PER_GRID_VERTEX), np.float32)
    out[:, 0:3] = positions
    out[:, 6:9] = np.asarray(color, np.float32)
    return out
