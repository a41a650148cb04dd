"""Text as scene data: font fallback, HarfBuzz shaping, the glyph atlas, line breaking, panels and the subtitle
follower. Pure numpy, no GL: the layout is composited on the CPU where a picture is wanted."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from renderer import fonts
from renderer.text import (
    TEXT_OFFSET_M,
    GlyphAtlas,
    SubtitleFollower,
    TextLayout,
    break_opportunities,
    layout_text,
    text_panel,
)
from renderer.transforms import quat_from_yaw_pitch_roll

KO_EN = "안녕하세요. MRI 검사를 함께 연습해요 — Let's practise your MRI."
THAI = "สวัสดีครับ"


def composite(layout: TextLayout, background=(250, 250, 245), ink=(20, 20, 30)) -> Image.Image:
    """The layout drawn on the CPU as the renderer would: each glyph quad samples its rectangle of the atlas.

    One atlas texel per image pixel (the quads are axis-aligned rectangles, so a crop and a resize is a
    faithful sampler). Coverage where glyphs overlap is the maximum of the two.
    """
    texture = layout.material.base_color_texture
    atlas_alpha = texture.pixels[..., 3]
    page_h, page_w = atlas_alpha.shape
    positions, uvs = layout.mesh.positions, layout.mesh.uvs
    # Metres per pixel from the first quad: its height in texels over its height in metres.
    q_m = positions[2, 1] - positions[0, 1]
    q_px = (uvs[0, 1] - uvs[2, 1]) * page_h
    px_per_m = q_px / q_m
    lo, hi = positions.min(axis=0), positions.max(axis=0)
    margin = 8
    width = int(math.ceil((hi[0] - lo[0]) * px_per_m)) + 2 * margin
    height = int(math.ceil((hi[1] - lo[1]) * px_per_m)) + 2 * margin
    coverage = np.zeros((height, width), dtype=np.uint8)
    for k in range(0, len(positions), 4):
        (x0, y0, _), (x1, y1, _) = positions[k], positions[k + 2]
        (u0, v1), (u1, v0) = uvs[k], uvs[k + 2]
        crop = atlas_alpha[round(v0 * page_h) : round(v1 * page_h), round(u0 * page_w) : round(u1 * page_w)]
        left = round((x0 - lo[0]) * px_per_m) + margin
        top = round((hi[1] - y1) * px_per_m) + margin  # image rows go down, the text plane's y goes up
        w, h = round((x1 - x0) * px_per_m), round((y1 - y0) * px_per_m)
        if crop.shape != (h, w):
            crop = np.asarray(Image.fromarray(crop).resize((w, h), Image.BILINEAR))
        region = coverage[top : top + h, left : left + w]
        np.maximum(region, crop[: region.shape[0], : region.shape[1]], out=region)
    a = coverage[..., None].astype(np.float32) / 255.0
    rgb = np.array(background, np.float32) * (1 - a) + np.array(ink, np.float32) * a
    return Image.fromarray(rgb.round().astype(np.uint8), "RGB")


def _script_of(char: str) -> str:
    return "Hang" if 0xAC00 <= ord(char) <= 0xD7A3 else "Latn" if char.isascii() and char.isalpha() else ""


def test_korean_and_english_shape_with_no_notdef_and_the_documented_fonts():
    layout = layout_text(KO_EN, 0.04)
    assert layout.missing == []
    assert all(g.glyph_id != 0 for g in layout.glyphs)
    assert all(g.advance_m > 0 for g in layout.glyphs)
    hangul_font, latin_font = fonts.font_chain("Hang")[0], fonts.font_chain("Latn")[0]
    assert hangul_font.family == "Noto Sans CJK KR" and latin_font.family == "Noto Sans"
    by_script = {"Hang": set(), "Latn": set()}
    for g in layout.glyphs:
        script = _script_of(KO_EN[g.char_index])
        if script:
            by_script[script].add(g.font)
    assert by_script == {"Hang": {hangul_font}, "Latn": {latin_font}}
    assert layout.lines == [KO_EN]


def test_cjk_face_is_the_korean_face_of_the_collection():
    face = fonts.find_font("Noto Sans CJK KR")
    assert face.path.endswith(".ttc") or face.path.endswith(".otf")
    import freetype

    assert freetype.Face(face.path, face.index).family_name == b"Noto Sans CJK KR"


def test_glyph_quads_sample_atlas_texels_with_coverage():
    layout = layout_text(KO_EN, 0.04)
    texture = layout.material.base_color_texture
    assert layout.material.unlit and layout.material.alpha_mode == "BLEND"
    assert texture.pixels.shape[2] == 4 and (texture.pixels[..., :3] == 255).all()
    h, w = texture.pixels.shape[:2]
    uvs = layout.mesh.uvs
    visible = [g for g in layout.glyphs if not KO_EN[g.char_index].isspace()]
    assert len(layout.mesh.positions) == 4 * len(visible)
    for k in range(0, len(uvs), 4):
        (u0, v1), (u1, v0) = uvs[k], uvs[k + 2]
        assert 0 <= u0 < u1 <= 1 and 0 <= v0 < v1 <= 1
        region = texture.pixels[round(v0 * h) : round(v1 * h), round(u0 * w) : round(u1 * w), 3]
        assert region.max() > 128, f"quad {k // 4} samples an empty part of the atlas"
    # The quads lie in the plane z = 0 and face +Z, and the block is centred on the origin.
    assert (layout.mesh.positions[:, 2] == 0).all() and (layout.mesh.normals == (0, 0, 1)).all()
    lo, hi = layout.mesh.bounds()
    assert abs(lo[0] + hi[0]) < 0.01 and abs(lo[1] + hi[1]) < 0.02


def test_each_glyph_is_rasterised_once_and_shared_between_layouts():
    atlas = GlyphAtlas(page_size=512)
    first = layout_text("MRI 검사", 0.04, atlas=atlas)
    revision = atlas.pages[0].version
    second = layout_text("검사 MRI", 0.05, atlas=atlas)
    assert atlas.pages[0].version == revision, "no new glyphs: the page must not change"
    assert first.material.base_color_texture is second.material.base_color_texture
    assert len(atlas.pages) == 1


def test_a_full_page_starts_a_new_one_and_each_layout_keeps_to_one_page():
    atlas = GlyphAtlas(page_size=256)
    layouts = [layout_text("".join(chr(0xAC00 + 37 * i + j) for j in range(12)), 0.04, atlas=atlas) for i in range(8)]
    assert len(atlas.pages) > 1
    for layout in layouts:
        texture = layout.material.base_color_texture
        assert texture in atlas.pages
        assert composite(layout).getextrema()[0][0] < 100  # its glyphs are all on its page: dark ink shows


def test_wrapping_keeps_every_line_within_max_width():
    max_width = 0.3
    layout = layout_text(KO_EN, 0.04, max_width_m=max_width)
    assert len(layout.lines) >= 3
    assert layout.size[0] <= max_width + 1e-9
    for line in range(len(layout.lines)):
        glyphs = [g for g in layout.glyphs if g.line == line]
        right = max(g.x_m + g.advance_m for g in glyphs)
        assert right - min(g.x_m for g in glyphs) <= max_width + 1e-6
    # Korean breaks at spaces only: every line is whole words of the original.
    assert " ".join(layout.lines).split() == KO_EN.split()
    # Lines go down the block.
    baselines = [min(g.y_m for g in layout.glyphs if g.line == n) for n in range(len(layout.lines))]
    assert baselines == sorted(baselines, reverse=True)


def test_centred_lines_are_centred():
    layout = layout_text(KO_EN, 0.04, max_width_m=0.3, align="center")
    for line in range(len(layout.lines)):
        glyphs = [g for g in layout.glyphs if g.line == line]
        left, right = min(g.x_m for g in glyphs), max(g.x_m + g.advance_m for g in glyphs)
        assert abs(left + right) < 1e-6


def test_break_opportunities_follow_spaces_and_cjk_rules():
    korean = "검사를 함께"
    assert [i for i, ok in enumerate(break_opportunities(korean)) if ok] == [4]
    chinese = "请保持不动。谢谢"
    ok = break_opportunities(chinese)
    assert ok[1] and ok[2] and not ok[5], "ideographs break anywhere, but never before 。"
    assert not any(break_opportunities("a\u00a0b")), "no break at a no-break space"
    assert break_opportunities("X-ray")[2]


def test_a_character_no_font_has_is_reported_and_still_laid_out(caplog):
    text = "MRI \U0010ffff 검사"
    with caplog.at_level("WARNING", logger="renderer.text"):
        layout = layout_text(text, 0.04)
    assert layout.missing == ["\U0010ffff"]
    assert "U+10FFFF" in caplog.text
    notdef = [g for g in layout.glyphs if g.glyph_id == 0]
    assert len(notdef) == 1 and text[notdef[0].char_index] == "\U0010ffff"
    visible = [g for g in layout.glyphs if not text[g.char_index].isspace()]
    assert len(layout.mesh.positions) == 4 * len(visible), "the .notdef box is drawn"


def test_thai_shapes_through_the_same_path_with_marks_positioned():
    layout = layout_text(THAI, 0.04, language="th")
    assert layout.missing == [] and all(g.glyph_id != 0 for g in layout.glyphs)
    assert {g.font.family for g in layout.glyphs} == {"Noto Sans Thai"}
    marks = [g for g in layout.glyphs if g.advance_m == 0]
    assert len(layout.glyphs) < len(THAI) or marks, "combining marks: fewer glyphs or zero-advance marks"
    # Mark glyphs share a cluster with their base (HarfBuzz merges them), so a line never starts with a mark.
    assert all(g.char_index in (1, 4, 7) for g in marks)


def test_thai_without_spaces_wraps_between_clusters():
    text = THAI * 4
    layout = layout_text(text, 0.04, max_width_m=0.15, language="th")
    assert len(layout.lines) > 1
    assert "".join(layout.lines) == text
    for line in layout.lines:
        assert line[0] not in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c"


@pytest.mark.parametrize(
    ("language", "text", "family"),
    [
        ("vi", "Xin chào, hãy nằm yên.", "Noto Sans"),
        ("zh-Hans", "请保持不动。", "Noto Sans CJK SC"),
        ("ja", "じっとしていてください。", "Noto Sans CJK JP"),
        ("tl", "Huwag gumalaw.", "Noto Sans"),
        ("km", "សូមនៅស្ងៀម", "Noto Sans Khmer"),
        ("mn", "Хөдөлгөөнгүй хэвтээрэй.", "Noto Sans"),
        ("ru", "Лежите спокойно.", "Noto Sans"),
        ("uz", "Qimirlamang.", "Noto Sans"),
        ("ne", "कृपया स्थिर रहनुहोस्।", "Noto Sans Devanagari"),
    ],
)
def test_every_language_of_the_design_shapes_without_notdef(language, text, family):
    layout = layout_text(text, 0.04, language=language)
    assert layout.missing == [] and all(g.glyph_id != 0 for g in layout.glyphs)
    letters = [g for g in layout.glyphs if text[g.char_index].isalpha()]
    assert {g.font.family for g in letters} == {family}


def test_the_composited_layout_shows_ink_where_the_glyphs_are(tmp_path):
    layout = layout_text(KO_EN, 0.04, max_width_m=0.6)
    image = composite(layout)
    image.save(tmp_path / "text_ko_en.png")
    gray = np.asarray(image.convert("L"))
    assert gray.min() < 60 and gray.max() > 240
    ink_rows = np.nonzero((gray < 128).any(axis=1))[0]
    assert len(ink_rows) > 0.3 * (ink_rows.max() - ink_rows.min())


def test_panel_puts_text_just_in_front_of_its_background():
    panel = text_panel(KO_EN, 0.6, padding_m=0.03, text_height_m=0.04)
    (text,) = panel.children
    assert text.name == "text_panel/text"
    assert text.transform[2, 3] == pytest.approx(TEXT_OFFSET_M)
    assert panel.material.unlit and panel.material.alpha_mode == "BLEND"
    (bg_lo, bg_hi), (lo, hi) = panel.mesh.bounds(), text.mesh.bounds()
    offset = text.transform[:3, 3]
    assert bg_lo[0] + 0.03 - 0.005 <= lo[0] + offset[0] and hi[0] + offset[0] <= bg_hi[0] - 0.03 + 0.005
    assert bg_lo[1] <= lo[1] + offset[1] and hi[1] + offset[1] <= bg_hi[1]
    opaque = text_panel("x", 0.3, 0.2, background=(0, 0, 0, 1))
    assert opaque.material.alpha_mode == "OPAQUE"
    assert text_panel("   ", 0.3).children[0].mesh is None


HEAD = np.array([0.0, 1.6, 0.0])


def _yaw_of(transform: np.ndarray) -> float:
    direction = transform[:3, 3] - HEAD
    return math.degrees(math.atan2(-direction[0], -direction[2]))


def _run(follower: SubtitleFollower, yaw_deg: float, seconds: float, pitch_deg: float = 0.0, roll_deg: float = 0.0):
    q = quat_from_yaw_pitch_roll(math.radians(yaw_deg), math.radians(pitch_deg), math.radians(roll_deg))
    transform = None
    for _ in range(round(seconds * 90)):
        transform = follower.update(HEAD, q, 1 / 90)
    return transform


def test_subtitle_sits_in_front_below_the_gaze_facing_the_head():
    follower = SubtitleFollower(distance_m=1.5, drop_deg=12)
    m = _run(follower, 0, 0.1)
    expected = HEAD + 1.5 * np.array([0, -math.sin(math.radians(12)), -math.cos(math.radians(12))])
    assert np.allclose(m[:3, 3], expected, atol=1e-9)
    to_head = (HEAD - m[:3, 3]) / 1.5
    assert np.dot(m[:3, 2], to_head) == pytest.approx(1.0)  # its +Z (the text's front) faces the head


def test_subtitle_stays_put_inside_the_dead_zone_and_catches_up_after_a_turn():
    follower = SubtitleFollower(dead_zone_yaw_deg=15, time_constant_s=0.3)
    start = _run(follower, 0, 0.5)
    assert np.allclose(_run(follower, 12, 1.0), start), "a 12 degree glance must not move it"
    assert np.allclose(_run(follower, -12, 1.0), start)
    halfway = _run(follower, 40, 0.3)
    assert 15 < _yaw_of(halfway) < 35, "it eases rather than jumps"
    settled = _run(follower, 40, 5 * 0.3)
    assert _yaw_of(settled) == pytest.approx(40, abs=1.5)
    assert np.allclose(_run(follower, 40, 0.5), settled), "it stops once caught up"


def test_subtitle_never_rolls_with_the_head_and_survives_lying_down():
    follower = SubtitleFollower()
    m = _run(follower, 20, 2.0, pitch_deg=10, roll_deg=35)
    assert abs(m[1, 0]) < 1e-9, "its X axis stays level"
    # A patient lying on their back looks straight up: the subtitle goes overhead, still level and facing them.
    m = _run(follower, 0, 3.0, pitch_deg=90)
    assert np.isfinite(m).all() and abs(m[1, 0]) < 1e-9
    direction = (m[:3, 3] - HEAD) / 1.5
    assert math.degrees(math.asin(direction[1])) == pytest.approx(90 - 12, abs=1.5)
