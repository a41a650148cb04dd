"""Text as scene data: shaped with HarfBuzz, rasterised with FreeType into a glyph atlas, laid out as glyph quads.

Nothing here touches the GPU. :func:`layout_text` turns a string into a :class:`~renderer.scene.Mesh` of glyph
quads (metres, in the text's local plane z = 0, facing +Z) and an unlit BLEND :class:`~renderer.scene.Material`
whose texture is a page of the shared :class:`GlyphAtlas`; the stereo renderer draws them like any other mesh.
:func:`text_panel` puts text on a background quad; :class:`SubtitleFollower` keeps a subtitle in view.

The path is the same for every language (DESIGN.md section 7): the text is split into runs by script and by font
coverage (:mod:`renderer.fonts` gives the fallback chain), and every run is shaped by HarfBuzz with its script,
language and direction, so Thai marks stack and Khmer subscripts form without any per-script code here. Only line
breaking is still simple: see :func:`break_opportunities`.

Bidirectional text (Arabic, Hebrew) is not reordered: none of the project's languages needs it.
"""

from __future__ import annotations

import functools
import logging
import math
import unicodedata
from dataclasses import dataclass, field

import freetype
import numpy as np
import uharfbuzz as hb
from numpy.typing import ArrayLike

from . import fonts
from .fonts import FontFile
from .primitives import quad
from .scene import Material, Mesh, Node, Texture
from .transforms import rotation_matrix

log = logging.getLogger(__name__)

#: Atlas pixels per em. A 4 cm em seen from 1.5 m spans about 1.5 degrees, some 30 pixels on a current headset
#: display (about 20 px per degree); 48 texels per em keeps more than one texel per display pixel for text up to about
#: twice that size, and keeps Hangul's dense strokes (뷁, 쀍) apart. Larger text is magnified and goes soft, gently.
PIXELS_PER_EM = 48

#: Side of an atlas page, pixels. 1024 holds some 400 CJK glyphs at 48 px em; a page is 4 MiB of RGBA.
ATLAS_PAGE_SIZE = 1024

#: Transparent pixels around each glyph in the atlas, so bilinear filtering (and the first mip levels) never pull
#: in a neighbour. The glyph's quad takes in one of them, so its edges fade out rather than being cut.
GLYPH_PADDING_PX = 2
_QUAD_MARGIN_PX = 1

#: Where the baseline sits in an em box, from its top (em). 0.88 is the CJK fonts' ideographic em box (0.88 above
#: the baseline, 0.12 below); Latin and Thai fit around it with the line spacing's leading.
ASCENT_EM = 0.88

#: Spaces a line may break after (not U+00A0, U+2007, U+202F: they are the no-break spaces).
BREAKING_SPACES = frozenset(" \t\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000")
_ZERO_WIDTH_SPACE = "\u200b"

#: Closing punctuation a CJK line must not begin with, and opening punctuation it must not end with (kinsoku).
_NO_BREAK_BEFORE = frozenset(
    ")]}»、。，．：；！？）］｝」』】〉》〕〗〙〛’”ゝゞ々ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・…‥"
)
_NO_BREAK_AFTER = frozenset("([{«（［｛「『【〈《〔〖〘〚‘“")
_CJK_BREAK_SCRIPTS = frozenset({"Hani", "Hira", "Kana", "Bopo"})
_PARAGRAPH_SEPARATORS = ("\r\n", "\r", "\u2028", "\u2029", "\x85")


# ----------------------------------------------------------------------------------------------------- fonts


class _Font:
    """One font face opened twice: by HarfBuzz (shaping, coverage) and, lazily, by FreeType (rasterising)."""

    def __init__(self, file: FontFile) -> None:
        self.file = file
        self.hb_face = hb.Face(hb.Blob.from_file_path(file.path), file.index)
        self.hb_font = hb.Font(self.hb_face)  # scale = units per em: positions come out in font units
        self.upem = self.hb_face.upem
        self._ft: freetype.Face | None = None

    def has(self, codepoint: int) -> bool:
        """Whether the font maps ``codepoint`` to a glyph of its own."""
        return self.hb_font.get_nominal_glyph(codepoint) is not None

    def ft_face(self, pixels_per_em: int) -> freetype.Face:
        if self._ft is None:
            self._ft = freetype.Face(self.file.path, self.file.index)
        # Set every time: atlases with different sizes may share this face.
        self._ft.set_pixel_sizes(0, pixels_per_em)
        return self._ft


@functools.cache
def _open_font(file: FontFile) -> _Font:
    return _Font(file)


@functools.lru_cache(maxsize=65536)
def _script(codepoint: int) -> str | None:
    """The ISO 15924 script of one character as HarfBuzz sees it, or None for Common and Inherited characters
    (spaces, digits, punctuation, combining marks), which take the script of the text around them."""
    buf = hb.Buffer()
    buf.add_codepoints([codepoint])
    buf.guess_segment_properties()
    script = buf.script
    return None if script in (None, "Zyyy", "Zinh", "Zzzz") else script


def _extends_cluster(char: str) -> bool:
    """Marks, joiners and variation selectors: they belong with the character before them, in its font."""
    cp = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or cp in (0x200C, 0x200D)
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0100 <= cp <= 0xE01EF
    )


# ----------------------------------------------------------------------------------------------------- shaping


@dataclass
class _Run:
    start: int  # character indices in the paragraph, end exclusive
    end: int
    script: str | None
    font: _Font


@dataclass
class _ShapedGlyph:
    font: _Font
    glyph_id: int
    cluster: int  # index in the paragraph of the first character this glyph shows
    advance_em: float
    x_offset_em: float
    y_offset_em: float


def _itemise(text: str, language: str | None, missing: list[str]) -> list[_Run]:
    """Split a paragraph into runs of one script and one font.

    Neutral characters (spaces, digits, punctuation) take the script before them (or, at the start, the first one
    after them). Each character takes the first font of its script's chain that has it; marks stay in their base's
    font when it has them; a character no font has goes into the chain's first font, which shows .notdef, and into
    ``missing``.
    """
    scripts = [_script(ord(c)) for c in text]
    following = next((s for s in scripts if s), None)
    resolved: list[str | None] = []
    for s in scripts:
        following = s or following
        resolved.append(following)

    chosen: list[_Font] = []
    for i, char in enumerate(text):
        cp = ord(char)
        previous = chosen[-1] if chosen else None
        if previous is not None and (_extends_cluster(char) or char in BREAKING_SPACES) and previous.has(cp):
            chosen.append(previous)  # keeps runs long, and a cluster in one font
            continue
        chain = [_open_font(f) for f in fonts.font_chain(resolved[i], language)]
        font = next((f for f in chain if f.has(cp)), None)
        if font is None:
            extra = fonts.font_for_char(char)
            font = _open_font(extra) if extra is not None else None
            if font is not None and not font.has(cp):
                font = None  # fontconfig's charset and the cmap disagree: trust the cmap
        if font is None:
            # Controls and format characters (joiners, bidi marks) draw nothing anyway; anything else is text that
            # cannot be shown, private-use and unassigned code points included.
            if char not in missing and unicodedata.category(char) not in ("Cc", "Cf"):
                missing.append(char)
            font = chain[0]
        chosen.append(font)

    runs: list[_Run] = []
    for i, font in enumerate(chosen):
        if runs and runs[-1].font is font and runs[-1].script == resolved[i]:
            runs[-1].end = i + 1
        else:
            runs.append(_Run(i, i + 1, resolved[i], font))
    return runs


def _shape(text: str, language: str | None, missing: list[str]) -> list[_ShapedGlyph]:
    """The glyphs of one paragraph in logical order, each run shaped by HarfBuzz with the paragraph as context."""
    codepoints = [ord(c) for c in text]
    glyphs: list[_ShapedGlyph] = []
    for run in _itemise(text, language, missing):
        buf = hb.Buffer()
        # The whole paragraph goes in as context (so a mark at a run's start still sees its base); only the run
        # is shaped, and clusters come out as indices into the paragraph.
        buf.add_codepoints(codepoints, run.start, run.end - run.start)
        if run.script:
            buf.script = run.script
        if language:
            buf.language = language
        buf.guess_segment_properties()  # direction from the script; whatever is still unset
        hb.shape(run.font.hb_font, buf, {})
        upem = float(run.font.upem)
        run_glyphs = [
            _ShapedGlyph(run.font, info.codepoint, info.cluster, pos.x_advance / upem, pos.x_offset / upem,
                         pos.y_offset / upem)
            for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True)
        ]  # fmt: skip
        if buf.direction == "rtl":
            run_glyphs.reverse()  # back to logical order for line breaking; bidi reordering is not done (see top)
        glyphs += run_glyphs
    for g in glyphs:
        char = text[g.cluster]
        if g.glyph_id == 0 and char not in missing and unicodedata.category(char) not in ("Cc", "Cf", "Zs"):
            missing.append(char)  # the font claimed the character, yet shaping gave .notdef
    return glyphs


# ----------------------------------------------------------------------------------------------------- line breaking


def break_opportunities(text: str) -> list[bool]:
    """Where a line may break in one paragraph: ``result[i]`` is True if a line may end just before ``text[i]``
    (``result[0]`` is always False), with ``len(result) == len(text)``.

    The rules, a small part of UAX #14:

    - after a run of spaces (the spaces stay at the end of the line and are not drawn), and after U+200B
      ZERO WIDTH SPACE; never at U+00A0 and the other no-break spaces;
    - between two CJK ideographs or kana, except before closing punctuation or after opening punctuation
      (kinsoku: "。" never starts a line);
    - Hangul only at spaces: Korean puts spaces between words, and breaking inside a word reads badly;
    - after a hyphen or dash between letters ("X-ray", "MRI—CT").

    Thai and Khmer do not put spaces between words: they need dictionary breaking (ICU's ``BreakIterator``, or a
    word list such as libthai's), and this function is where it goes. Until then a line of Thai or Khmer breaks at
    spaces and U+200B, and a word wider than the line breaks between grapheme clusters (see :func:`layout_text`).
    """
    result = [False] * len(text)
    for i in range(1, len(text)):
        before, char = text[i - 1], text[i]
        if char in BREAKING_SPACES:
            continue  # spaces hang at the end of the line: break after them, not before
        after_space = before in BREAKING_SPACES or before == _ZERO_WIDTH_SPACE
        after_hyphen = before in "-\u2010\u2013\u2014" and i >= 2 and text[i - 2].isalnum() and char.isalnum()
        if after_space or after_hyphen:
            result[i] = True
        elif _is_cjk_breakable(before) and _is_cjk_breakable(char):
            result[i] = char not in _NO_BREAK_BEFORE and before not in _NO_BREAK_AFTER
        elif (_is_cjk_breakable(before) and char in _NO_BREAK_AFTER) or (
            before in _NO_BREAK_BEFORE and _is_cjk_breakable(char)
        ):
            result[i] = True  # "。「" and "」漢": between a closing and an opening mark, or punctuation and a character
    return result


def _is_cjk_breakable(char: str) -> bool:
    """Ideographs, kana and CJK punctuation: characters a CJK line may break around."""
    cp = ord(char)
    return (
        _script(cp) in _CJK_BREAK_SCRIPTS
        or 0x3000 <= cp <= 0x303F  # CJK symbols and punctuation
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms
        or char in _NO_BREAK_BEFORE
        or char in _NO_BREAK_AFTER
    ) and char.isprintable()


def _break_lines(text: str, glyphs: list[_ShapedGlyph], max_width_em: float | None) -> list[tuple[int, int]]:
    """Greedy line filling: ``(first, end)`` glyph ranges, one a line, trailing spaces left out.

    A piece between break opportunities wider than a whole line breaks between grapheme clusters (HarfBuzz's
    clusters), so a line overflows only if one cluster is wider than it.
    """
    if not glyphs:
        return [(0, 0)]
    ok = break_opportunities(text)
    # Pieces: glyph ranges between break opportunities.
    starts = [0] + [
        j for j in range(1, len(glyphs)) if glyphs[j].cluster != glyphs[j - 1].cluster and ok[glyphs[j].cluster]
    ]
    pieces = list(zip(starts, starts[1:] + [len(glyphs)], strict=True))

    def ink(first: int, end: int) -> float:
        while end > first and text[glyphs[end - 1].cluster] in BREAKING_SPACES:
            end -= 1
        return sum(g.advance_em for g in glyphs[first:end])

    def full(first: int, end: int) -> float:
        return sum(g.advance_em for g in glyphs[first:end])

    if max_width_em is None:
        lines = [(0, len(glyphs))]
    else:
        limit = max_width_em * (1 + 1e-9)
        lines = []
        first = None  # first glyph of the line being filled
        width = 0.0  # its width so far, trailing spaces included
        for p0, p1 in pieces:
            if first is not None and width + ink(p0, p1) > limit:
                lines.append((first, p0))
                first = None
            if first is None:
                # A piece too wide for a line of its own: break it between clusters.
                while ink(p0, p1) > limit:
                    cut, w = p0, 0.0
                    for j in range(p0, p1):
                        starts_cluster = j > p0 and glyphs[j].cluster != glyphs[j - 1].cluster
                        if starts_cluster and w + _cluster_width(glyphs, j) > limit:
                            cut = j
                            break
                        w += glyphs[j].advance_em
                    if cut == p0:
                        break  # one cluster wider than the line: let it overflow
                    lines.append((p0, cut))
                    p0 = cut
                first, width = p0, 0.0
            width += full(p0, p1)
        lines.append((first if first is not None else len(glyphs), len(glyphs)))

    trimmed = []
    for first, end in lines:
        while end > first and text[glyphs[end - 1].cluster] in BREAKING_SPACES:
            end -= 1
        trimmed.append((first, end))
    return trimmed


def _cluster_width(glyphs: list[_ShapedGlyph], j: int) -> float:
    """Advance of the cluster starting at glyph ``j`` (em)."""
    w, k = 0.0, j
    while k < len(glyphs) and glyphs[k].cluster == glyphs[j].cluster:
        w += glyphs[k].advance_em
        k += 1
    return w


# ----------------------------------------------------------------------------------------------------- atlas


@dataclass(frozen=True)
class _Bitmap:
    coverage: np.ndarray  # (rows, width) uint8
    left: int  # pixels from the pen to the bitmap's left edge
    top: int  # pixels from the baseline up to the bitmap's top row


@dataclass(frozen=True)
class AtlasSlot:
    """Where a glyph's bitmap is: ``page`` index, ``x``, ``y`` of its top-left pixel, ``width``, ``height`` pixels,
    and its bearings ``left`` (pen to left edge) and ``top`` (baseline to top row), pixels, y up."""

    page: int
    x: int
    y: int
    width: int
    height: int
    left: int
    top: int


class _Shelves:
    """Shelf packing for one page: rows of glyphs, each row as tall as its tallest; glyphs go into the first row
    they fit, else a new row opens below."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.rows: list[list[int]] = []  # [y, height, next free x]
        self.bottom = 0

    def place(self, width: int, height: int) -> tuple[int, int] | None:
        for row in self.rows:
            # Only rows not much taller than the glyph, so a row of Hangul does not fill with commas.
            if height <= row[1] <= height * 1.5 + 4 and row[2] + width <= self.size:
                x = row[2]
                row[2] += width
                return x, row[0]
        if self.bottom + height > self.size or width > self.size:
            return None
        self.rows.append([self.bottom, height, width])
        self.bottom += height
        return 0, self.rows[-1][0]


class GlyphAtlas:
    """Glyph bitmaps packed into pages: each page a scene :class:`~renderer.scene.Texture` (RGBA, white RGB,
    coverage in alpha; ``srgb=False``: alpha is linear coverage and white is white either way).

    FreeType renders each (font, glyph id, pixel size) once; its bitmap is copied into the page being filled.
    Every layout draws from a single page (one texture, one draw call): when the current page cannot take a layout's
    new glyphs, a new page starts and takes all of that layout's glyphs. Glyphs never move, so UVs stay valid.

    Pages change in place as glyphs are added: ``pages[page].version`` counts the changes, for a renderer that must
    upload a page again (lay out a scenario's strings at load time, so uploads do not happen mid-session).

    Args:
        pixels_per_em: raster size, pixels per em (see :data:`PIXELS_PER_EM`).
        page_size: side of a square page, pixels.
    """

    def __init__(self, pixels_per_em: int = PIXELS_PER_EM, page_size: int = ATLAS_PAGE_SIZE) -> None:
        self.pixels_per_em = pixels_per_em
        self.page_size = page_size
        self.pages: list[Texture] = []
        self._shelves: list[_Shelves] = []
        self._bitmaps: dict[tuple[FontFile, int, int], _Bitmap | None] = {}
        self._slots: dict[tuple[int, FontFile, int, int], AtlasSlot | None] = {}

    def bitmap(self, font: _Font, glyph_id: int) -> _Bitmap | None:
        """The coverage bitmap of one glyph, rendered once (None for a glyph with no pixels, such as a space)."""
        key = (font.file, glyph_id, self.pixels_per_em)
        if key not in self._bitmaps:
            self._bitmaps[key] = self._render(font, glyph_id)
        return self._bitmaps[key]

    def _render(self, font: _Font, glyph_id: int) -> _Bitmap | None:
        face = font.ft_face(self.pixels_per_em)
        try:
            # Unhinted: text in a headset is seen at every scale and angle, so the outline's true shape is what
            # should be sampled, not one snapped to this pixel grid.
            face.load_glyph(glyph_id, freetype.FT_LOAD_RENDER | freetype.FT_LOAD_NO_HINTING)
        except freetype.FT_Exception as error:
            log.warning("FreeType cannot render glyph %d of %s: %s", glyph_id, font.file.path, error)
            return None
        slot = face.glyph
        bitmap = slot.bitmap
        if bitmap.width == 0 or bitmap.rows == 0:
            return None
        buffer = np.array(bitmap.buffer, dtype=np.uint8)
        if bitmap.pixel_mode == freetype.FT_PIXEL_MODE_GRAY:
            coverage = buffer.reshape(bitmap.rows, abs(bitmap.pitch))[:, : bitmap.width]
        elif bitmap.pixel_mode == freetype.FT_PIXEL_MODE_MONO:
            bits = np.unpackbits(buffer.reshape(bitmap.rows, abs(bitmap.pitch)), axis=1)
            coverage = bits[:, : bitmap.width] * np.uint8(255)
        elif bitmap.pixel_mode == freetype.FT_PIXEL_MODE_BGRA:
            coverage = buffer.reshape(bitmap.rows, abs(bitmap.pitch) // 4, 4)[:, : bitmap.width, 3]
        else:
            log.warning("glyph %d of %s: FreeType pixel mode %d is not handled", glyph_id, font.file.path,
                        bitmap.pixel_mode)  # fmt: skip
            return None
        return _Bitmap(np.ascontiguousarray(coverage), slot.bitmap_left, slot.bitmap_top)

    def place(self, glyphs: list[tuple[_Font, int]]) -> tuple[int, dict[tuple[FontFile, int], AtlasSlot | None]]:
        """Put ``glyphs`` (font, glyph id) on one page: ``(page index, {(font file, glyph id): slot or None})``."""
        wanted = list(dict.fromkeys(glyphs))
        if self.pages:
            slots = self._place_on(len(self.pages) - 1, wanted)
            if slots is not None:
                return len(self.pages) - 1, slots
        self._new_page()
        slots = self._place_on(len(self.pages) - 1, wanted)
        if slots is None:
            raise ValueError(
                f"{len(wanted)} glyphs do not fit one {self.page_size}-pixel atlas page at {self.pixels_per_em} px "
                "per em: split the text, or make a GlyphAtlas with a larger page_size"
            )
        return len(self.pages) - 1, slots

    def _new_page(self) -> None:
        pixels = np.zeros((self.page_size, self.page_size, 4), dtype=np.uint8)
        pixels[..., :3] = 255  # white under zero alpha too, so filtering never darkens glyph edges
        self.pages.append(Texture(pixels, srgb=False, name=f"glyph_atlas_{len(self.pages)}"))
        self._shelves.append(_Shelves(self.page_size))

    def _place_on(self, page: int, wanted: list[tuple[_Font, int]]) -> dict | None:
        result: dict[tuple[FontFile, int], AtlasSlot | None] = {}
        changed = False
        for font, glyph_id in wanted:
            key = (page, font.file, glyph_id, self.pixels_per_em)
            if key not in self._slots:
                bitmap = self.bitmap(font, glyph_id)
                if bitmap is None:
                    self._slots[key] = None
                else:
                    rows, width = bitmap.coverage.shape
                    spot = self._shelves[page].place(width + 2 * GLYPH_PADDING_PX, rows + 2 * GLYPH_PADDING_PX)
                    if spot is None:
                        if changed:
                            self.pages[page].version += 1
                        return None  # the glyphs placed so far stay: valid, and usable by later text on this page
                    x, y = spot[0] + GLYPH_PADDING_PX, spot[1] + GLYPH_PADDING_PX
                    self.pages[page].pixels[y : y + rows, x : x + width, 3] = bitmap.coverage
                    self._slots[key] = AtlasSlot(page, x, y, width, rows, bitmap.left, bitmap.top)
                    changed = True
            result[(font.file, glyph_id)] = self._slots[key]
        if changed:
            self.pages[page].version += 1
        return result


_default_atlas: GlyphAtlas | None = None


def default_atlas() -> GlyphAtlas:
    """The process-wide atlas every layout uses unless given another: shared pages mean fewer textures."""
    global _default_atlas
    if _default_atlas is None:
        _default_atlas = GlyphAtlas()
    return _default_atlas


# ----------------------------------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class PlacedGlyph:
    """One glyph of a layout: its ``font``, ``glyph_id`` (0 is .notdef), ``char_index`` (the first character of
    ``text`` it shows), ``line`` (0 at the top), pen origin ``x_m``, ``y_m`` (metres, baseline, local plane) and
    ``advance_m``."""

    font: FontFile
    glyph_id: int
    char_index: int
    line: int
    x_m: float
    y_m: float
    advance_m: float


@dataclass
class TextLayout:
    """Text laid out in its local plane (z = 0, facing +Z, +Y up), the block centred on the origin.

    Attributes:
        mesh: one quad (4 vertices, 2 triangles) per visible glyph: positions metres, normals +Z, uvs into
            ``material.base_color_texture`` (v = 0 at the atlas image's top row). No vertices for blank text.
        material: unlit, BLEND, ``base_color`` the text colour, ``base_color_texture`` the atlas page.
        size: (width, height) metres of the block: the widest line's advance, and lines × line pitch.
        lines: the text of each line, trailing spaces left out.
        missing: characters no installed font has, in order of first appearance (drawn as .notdef boxes).
        glyphs: every glyph, spaces included, in logical order.
    """

    mesh: Mesh
    material: Material
    size: tuple[float, float]
    lines: list[str]
    missing: list[str]
    glyphs: list[PlacedGlyph] = field(default_factory=list)


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset in ``text``, paragraph) for each paragraph: lines a newline or another separator ends."""
    for sep in _PARAGRAPH_SEPARATORS:
        text = text.replace(sep, "\n" + "\x00" * (len(sep) - 1))  # same length: offsets stay true
    out, offset = [], 0
    for part in text.split("\n"):
        out.append((offset, part.replace("\x00", "")))
        offset += len(part) + 1
    return out


def layout_text(
    text: str,
    height_m: float,
    max_width_m: float | None = None,
    align: str = "left",
    language: str | None = None,
    line_spacing: float = 1.25,
    color: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
    atlas: GlyphAtlas | None = None,
    name: str = "text",
) -> TextLayout:
    """Shape, break and place ``text``: a mesh of glyph quads and its material (see :class:`TextLayout`).

    Args:
        text: any Unicode; newlines start new paragraphs.
        height_m: the em (font size), metres: a Hangul syllable or ideograph is about this tall, a Latin capital
            about 0.71 of it. 0.03 to 0.05 m reads well 1.5 m away.
        max_width_m: lines break to stay within this width, metres (see :func:`break_opportunities`); None for
            no wrapping.
        align: ``"left"`` or ``"center"`` (lines within the block).
        language: BCP 47 tag (``"ko"``, ``"th"``, ``"zh-Hans"``) for HarfBuzz and for the CJK font's region;
            None guesses from the script.
        line_spacing: line pitch as a multiple of ``height_m``.
        color: linear RGBA of the text (the material's ``base_color``).
        atlas: the glyph atlas to draw into; :func:`default_atlas` if None.
        name: name of the mesh and material.

    A character no font has never raises: it shows as its font's .notdef box, is logged as a warning and is
    listed in ``missing``.
    """
    if align not in ("left", "center"):
        raise ValueError(f"align {align!r}: use 'left' or 'center'")
    if height_m <= 0:
        raise ValueError(f"height_m must be positive, got {height_m}")
    atlas = atlas or default_atlas()
    text = text.replace("\t", " ")  # fonts have no tab glyph; tab stops are not worth having in a headset
    missing: list[str] = []
    max_width_em = None if max_width_m is None else max_width_m / height_m

    # Lines as (paragraph offset, paragraph text, its glyphs, first, end).
    lines: list[tuple[int, str, list[_ShapedGlyph], int, int]] = []
    for offset, paragraph in _paragraphs(text):
        glyphs = _shape(paragraph, language, missing)
        for first, end in _break_lines(paragraph, glyphs, max_width_em):
            lines.append((offset, paragraph, glyphs, first, end))
    if missing:
        log.warning("no installed font shows %s in %r: drawn as .notdef boxes (%s)",
                    ", ".join(f"U+{ord(c):04X}" for c in missing), text, fonts.INSTALL_HINT)  # fmt: skip

    widths = [sum(g.advance_em for g in glyphs[first:end]) * height_m for _, _, glyphs, first, end in lines]
    block_w = max(widths, default=0.0)
    pitch = line_spacing * height_m
    block_h = pitch * len(lines)

    placed: list[PlacedGlyph] = []
    line_texts: list[str] = []
    for number, ((offset, paragraph, glyphs, first, end), width) in enumerate(zip(lines, widths, strict=True)):
        x = -block_w / 2 if align == "left" else -width / 2
        # The em box sits in the middle of the line pitch: half the leading above it.
        baseline = block_h / 2 - number * pitch - (pitch - height_m) / 2 - ASCENT_EM * height_m
        for g in glyphs[first:end]:
            placed.append(PlacedGlyph(g.font.file, g.glyph_id, offset + g.cluster, number,
                                      x + g.x_offset_em * height_m, baseline + g.y_offset_em * height_m,
                                      g.advance_em * height_m))  # fmt: skip
            x += g.advance_em * height_m
        line_texts.append(_line_text(paragraph, glyphs, first, end))

    fonts_by_file = {g.font.file: g.font for _, _, glyphs, _, _ in lines for g in glyphs}
    page, slots = atlas.place([(fonts_by_file[p.font], p.glyph_id) for p in placed])
    texture = atlas.pages[page]
    mesh = _glyph_quads(placed, slots, texture, height_m / atlas.pixels_per_em, name)
    material = Material(name=name, base_color=tuple(color), base_color_texture=texture, alpha_mode="BLEND",
                        unlit=True, double_sided=False)  # fmt: skip
    return TextLayout(mesh, material, (block_w, block_h), line_texts, missing, placed)


def _line_text(paragraph: str, glyphs: list[_ShapedGlyph], first: int, end: int) -> str:
    """The characters of glyphs ``first:end``: up to where the next cluster starts (a cluster's marks and merged
    characters follow its first glyph's index), trailing spaces left out."""
    if first >= end:
        return ""
    j = end
    while j < len(glyphs) and glyphs[j].cluster == glyphs[end - 1].cluster:
        j += 1
    char_end = glyphs[j].cluster if j < len(glyphs) else len(paragraph)
    return paragraph[glyphs[first].cluster : char_end].rstrip("".join(BREAKING_SPACES))


def _glyph_quads(placed: list[PlacedGlyph], slots: dict, texture: Texture, metres_per_pixel: float, name: str) -> Mesh:
    """One quad per glyph with pixels: positions from the pen and the bitmap's bearings, uvs from its slot."""
    page_h, page_w = texture.pixels.shape[:2]
    m = _QUAD_MARGIN_PX
    positions, uvs = [], []
    for p in placed:
        slot = slots[(p.font, p.glyph_id)]
        if slot is None:
            continue
        x0 = p.x_m + (slot.left - m) * metres_per_pixel
        x1 = x0 + (slot.width + 2 * m) * metres_per_pixel
        y1 = p.y_m + (slot.top + m) * metres_per_pixel
        y0 = y1 - (slot.height + 2 * m) * metres_per_pixel
        u0, u1 = (slot.x - m) / page_w, (slot.x + slot.width + m) / page_w
        v0, v1 = (slot.y - m) / page_h, (slot.y + slot.height + m) / page_h  # v0: the glyph's top row
        positions += [(x0, y0, 0.0), (x1, y0, 0.0), (x1, y1, 0.0), (x0, y1, 0.0)]
        uvs += [(u0, v1), (u1, v1), (u1, v0), (u0, v0)]
    n = len(positions) // 4
    base = np.arange(n, dtype=np.uint32)[:, None, None] * 4
    indices = (base + np.array([[0, 1, 2], [0, 2, 3]], dtype=np.uint32)[None]).reshape(-1, 3)
    return Mesh(
        positions=np.array(positions, dtype=np.float32).reshape(-1, 3),
        normals=np.tile(np.array([0, 0, 1], dtype=np.float32), (len(positions), 1)),
        uvs=np.array(uvs, dtype=np.float32).reshape(-1, 2),
        indices=indices,
        name=name,
    )


def text_node(layout: TextLayout, name: str = "text") -> Node:
    """A node drawing ``layout`` (no mesh if the text is blank, since an empty mesh has no bounds)."""
    has_glyphs = len(layout.mesh.positions) > 0
    return Node(name, mesh=layout.mesh if has_glyphs else None, material=layout.material if has_glyphs else None)


#: How far text stands in front of its panel, metres: enough for a 24-bit depth buffer at 10 m, too little to see.
TEXT_OFFSET_M = 0.001


def text_panel(
    text: str,
    width_m: float,
    height_m: float | None = None,
    *,
    text_height_m: float = 0.04,
    align: str = "left",
    language: str | None = None,
    color: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
    background: tuple[float, float, float, float] = (0.08, 0.09, 0.12, 0.85),
    padding_m: float = 0.03,
    line_spacing: float = 1.25,
    atlas: GlyphAtlas | None = None,
    name: str = "text_panel",
) -> Node:
    """A panel: a background quad ``width_m`` wide, facing +Z and centred on the node's origin, with ``text``
    wrapped inside it (``padding_m`` from each edge) on a child node :data:`TEXT_OFFSET_M` in front, so the two
    never z-fight.

    Args:
        width_m: panel width, metres.
        height_m: panel height, metres; None fits the text. Text too tall for it is logged, not clipped.
        text_height_m: the em, metres (see :func:`layout_text`).
        background: linear RGBA; alpha below 1 makes the quad BLEND, else OPAQUE. Unlit either way.
        padding_m: margin between the panel's edge and the text, metres.
        color, align, language, line_spacing, atlas: as for :func:`layout_text`.

    The text node is called ``f"{name}/text"``; text sits at the top of a panel taller than it needs.
    """
    inner_w = width_m - 2 * padding_m
    if inner_w <= 0:
        raise ValueError(f"panel {name!r}: width {width_m} m leaves no room inside {padding_m} m of padding")
    layout = layout_text(text, text_height_m, inner_w, align, language, line_spacing, color, atlas, f"{name}/text")
    text_w, text_h = layout.size
    panel_h = text_h + 2 * padding_m if height_m is None else height_m
    if text_h > panel_h - 2 * padding_m + 1e-9:
        log.warning("panel %r: text is %.3f m tall, more than the %.3f m inside the panel", name, text_h,
                    panel_h - 2 * padding_m)  # fmt: skip
    opaque = background[3] >= 1.0
    panel = Node(
        name,
        mesh=quad(width_m, panel_h, name=f"{name}/background"),
        material=Material(
            name=f"{name}/background",
            base_color=tuple(background),
            unlit=True,
            alpha_mode="OPAQUE" if opaque else "BLEND",
        ),  # fmt: skip
    )
    child = panel.add(text_node(layout, f"{name}/text"))
    # The block is centred on its origin: move it to the panel's top, and to the left edge if left-aligned.
    x = 0.0 if align == "center" else -inner_w / 2 + text_w / 2
    y = panel_h / 2 - padding_m - text_h / 2
    child.transform[:3, 3] = (x, y, TEXT_OFFSET_M)
    return panel


# ----------------------------------------------------------------------------------------------------- subtitles


def _wrap_angle(a: float) -> float:
    """``a`` radians brought into [-pi, pi)."""
    return (a + math.pi) % (2 * math.pi) - math.pi


class SubtitleFollower:
    """Where a head-locked subtitle goes: in front of the head, a little below the gaze, following it lazily.

    The subtitle keeps its direction from the head while the gaze moves within a dead zone, so reading does not
    make it swim; once the gaze leaves the dead zone, it eases back to the centre of view (exponentially, with
    ``time_constant_s``) until it is within ``settle_deg`` there. It follows yaw and pitch (a patient lying in the
    MRI bore looks up) but never rolls: its X axis stays horizontal. Its position follows the head at once.

    Args:
        distance_m: from the head to the subtitle, metres.
        drop_deg: below the gaze, degrees.
        dead_zone_yaw_deg, dead_zone_pitch_deg: how far the gaze may wander (left-right, up-down) before the
            subtitle follows, degrees.
        time_constant_s: easing time constant, seconds: 63 % of the way in one, 95 % in three.
        settle_deg: the subtitle stops following once it is this close to its place, degrees.
    """

    def __init__(
        self,
        distance_m: float = 1.5,
        drop_deg: float = 12.0,
        dead_zone_yaw_deg: float = 15.0,
        dead_zone_pitch_deg: float = 10.0,
        time_constant_s: float = 0.3,
        settle_deg: float = 1.0,
    ) -> None:
        self.distance_m = distance_m
        self.drop = math.radians(drop_deg)
        self.dead_zone_yaw = math.radians(dead_zone_yaw_deg)
        self.dead_zone_pitch = math.radians(dead_zone_pitch_deg)
        self.time_constant_s = time_constant_s
        self.settle = math.radians(settle_deg)
        self.yaw: float | None = None  # radians, of the subtitle's direction from the head; None until placed
        self.pitch: float | None = None
        self.following = False

    def reset(self) -> None:
        """Forget the subtitle's direction: the next :meth:`update` puts it straight in front."""
        self.yaw = self.pitch = None
        self.following = False

    def target(self, head_orientation: ArrayLike) -> tuple[float, float]:
        """(yaw, pitch) radians where the subtitle belongs for this (x, y, z, w) head orientation.

        Yaw as in :func:`renderer.transforms.quat_from_yaw_pitch_roll` (positive turns left). The heading comes
        from the gaze, blended towards the top of the head as the gaze nears straight up or down, so it stays
        defined (and continuous) for a patient lying down.
        """
        r = rotation_matrix(head_orientation)
        forward, up = r @ np.array([0.0, 0.0, -1.0]), r @ np.array([0.0, 1.0, 0.0])
        pitch = math.asin(float(np.clip(forward[1], -1.0, 1.0)))
        heading = forward - forward[1] * up  # for yaw and pitch alone this is (cos p + sin^2 p) * the heading
        yaw = math.atan2(-heading[0], -heading[2])
        return yaw, float(np.clip(pitch - self.drop, -math.pi / 2, math.pi / 2))

    def update(self, head_position: ArrayLike, head_orientation: ArrayLike, dt_s: float) -> np.ndarray:
        """The subtitle node's (4, 4) float64 transform after ``dt_s`` seconds with the head at ``head_position``
        (3,) metres and ``head_orientation`` (4,) (x, y, z, w): its +Z faces the head, its X axis is level."""
        target_yaw, target_pitch = self.target(head_orientation)
        if self.yaw is None or self.pitch is None:
            self.yaw, self.pitch = target_yaw, target_pitch
        d_yaw = _wrap_angle(target_yaw - self.yaw)
        d_pitch = target_pitch - self.pitch
        if not self.following and (abs(d_yaw) > self.dead_zone_yaw or abs(d_pitch) > self.dead_zone_pitch):
            self.following = True
        if self.following and dt_s > 0:
            step = 1.0 - math.exp(-dt_s / self.time_constant_s)
            self.yaw = _wrap_angle(self.yaw + step * d_yaw)
            self.pitch += step * d_pitch
            if abs(d_yaw) * (1 - step) < self.settle and abs(d_pitch) * (1 - step) < self.settle:
                self.following = False
        return self.transform(head_position)

    def transform(self, head_position: ArrayLike) -> np.ndarray:
        """The (4, 4) float64 transform for the current direction: yaw about world +Y, then pitch about the
        subtitle's own X (so it never rolls), ``distance_m`` along its -Z from the head."""
        cy, sy = math.cos(self.yaw or 0.0), math.sin(self.yaw or 0.0)
        cp, sp = math.cos(self.pitch or 0.0), math.sin(self.pitch or 0.0)
        yaw_m = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
        pitch_m = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
        m = np.identity(4)
        m[:3, :3] = yaw_m @ pitch_m
        m[:3, 3] = np.asarray(head_position, np.float64) + self.distance_m * (m[:3, :3] @ np.array([0.0, 0.0, -1.0]))
        return m
