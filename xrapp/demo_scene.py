"""The scene ``python main.py run`` shows until scenarios provide their own: a floor grid and coloured boxes.

Positions in metres in the play space (floor at y = 0, -Z ahead of a viewer standing at the origin). The red box
is straight ahead at eye height, so both eyes see it and its parallax shows the IPD.
"""

from __future__ import annotations

from renderer.basic import Box

BOXES = [
    Box(center=(0.0, 1.6, -2.0), size=(0.4, 0.4, 0.4), color=(0.85, 0.12, 0.10)),  # straight ahead
    Box(center=(-1.2, 0.5, -3.0), size=(1.0, 1.0, 1.0), color=(0.15, 0.65, 0.20)),  # left, on the floor
    Box(center=(1.3, 0.4, -2.5), size=(0.6, 0.8, 0.6), color=(0.15, 0.30, 0.85)),  # right, on the floor
    Box(center=(0.4, 0.1, -1.2), size=(0.2, 0.2, 0.2), color=(0.95, 0.80, 0.15)),  # small, near the feet
]
