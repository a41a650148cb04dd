"""Golden-image comparison for renderer tests: PNGs in ``tests/renderer/golden/``, a per-channel tolerance, and
pictures of what went wrong.

Tolerance: :data:`DEFAULT_TOLERANCE` = 2 (of 255, per channel, per pixel) unless :data:`TOLERANCES` names the test.
Not 0 or 1 because the images are sRGB-encoded: a rounding difference of one unit in the linear shader output (a
different Mesa version, or llvmpipe's SIMD width on another CPU changing the order of float operations in pow() and
the GGX terms) becomes up to 2 units after encoding in the dark tones, where the sRGB curve is steepest. Anything
a person would notice (a wrong normal, a lost highlight, a missing object) changes pixels by tens of units.

``pytest --regenerate`` rewrites the PNGs instead of comparing. On a mismatch, ``golden/failures/<name>.png`` holds
actual | expected | difference (×16, so a 2-unit difference shows), side by side and magnified; that folder
carries its own ``.gitignore``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

GOLDEN_DIR = Path(__file__).with_name("golden")
FAILURE_DIR = GOLDEN_DIR / "failures"

#: Largest allowed per-channel difference, 0..255, for tests not in TOLERANCES.
DEFAULT_TOLERANCE = 2
#: Per-test overrides, with the reason.
TOLERANCES: dict[str, int] = {
    # Mipmapped texture sampling: the LOD llvmpipe picks per 2x2 quad may differ across versions at texel edges.
    "box_textured": 4,
}

_MAGNIFY = 3  # failure pictures are small (128 px per eye); magnified so a person can see pixels
_DIFF_GAIN = 16


def compare(name: str, image: np.ndarray, regenerate: bool = False) -> None:
    """Compare ``image`` (h, w, 3 or 4) uint8, row 0 at the top, with ``golden/<name>.png``.

    With ``regenerate``, write the PNG instead. Raises AssertionError naming the largest difference, how many
    pixels exceed the tolerance, and the failure picture's path; or saying how to make a missing golden image.
    """
    image = np.ascontiguousarray(image[..., :3], np.uint8)
    path = GOLDEN_DIR / f"{name}.png"
    if regenerate:
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(path)
        return
    if not path.exists():
        raise AssertionError(f"no golden image {path}; run pytest with --regenerate to make it, then look at it")
    expected = np.asarray(Image.open(path).convert("RGB"))
    tolerance = TOLERANCES.get(name, DEFAULT_TOLERANCE)
    if expected.shape != image.shape:
        failure = _write_failure(name, image, expected)
        raise AssertionError(f"{name}: image is {image.shape}, golden {expected.shape}; see {failure}")
    difference = np.abs(image.astype(np.int16) - expected.astype(np.int16))
    worst = int(difference.max())
    if worst > tolerance:
        over = int((difference.max(axis=2) > tolerance).sum())
        failure = _write_failure(name, image, expected)
        raise AssertionError(
            f"{name}: {over} pixels differ from {path.name} by more than {tolerance} (largest {worst}); "
            f"actual | expected | difference ×{_DIFF_GAIN}: {failure}. If the change is intended, run pytest "
            "with --regenerate and look at the new image"
        )


def _write_failure(name: str, actual: np.ndarray, expected: np.ndarray) -> Path:
    FAILURE_DIR.mkdir(parents=True, exist_ok=True)
    ignore = FAILURE_DIR / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# written by tests/renderer/golden.py: failure pictures are never committed\n*\n")
    height = max(actual.shape[0], expected.shape[0])
    width = max(actual.shape[1], expected.shape[1])

    def padded(picture: np.ndarray) -> np.ndarray:
        out = np.zeros((height, width, 3), np.uint8)
        out[: picture.shape[0], : picture.shape[1]] = picture[..., :3]
        return out

    a, e = padded(actual), padded(expected)
    diff = np.clip(np.abs(a.astype(np.int16) - e.astype(np.int16)) * _DIFF_GAIN, 0, 255).astype(np.uint8)
    gap = np.full((height, 4, 3), 255, np.uint8)
    sheet = np.concatenate([a, gap, e, gap, diff], axis=1)
    path = FAILURE_DIR / f"{name}.png"
    Image.fromarray(sheet).resize((sheet.shape[1] * _MAGNIFY, height * _MAGNIFY), Image.NEAREST).save(path)
    return path
