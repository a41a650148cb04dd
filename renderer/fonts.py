"""Where the Noto fonts are on this machine: found through fontconfig, chosen by script, cached.

Text in the headset is set in Noto (DESIGN.md section 7). Which file holds which family differs between
distributions, so nothing here hard-codes a path: fontconfig is asked, through its ``fc-list`` command with a format
string (no C binding to get wrong, and the answers are cached for the life of the process).

The fallback chain for a script is its own family first, then every other family of :data:`FALLBACK_ORDER`, then
whatever font fontconfig offers for a character none of those has (:func:`font_for_char`):

=====================================  ==========================================================================
Scripts (ISO 15924)                    First family
=====================================  ==========================================================================
Latin, Cyrillic (Vietnamese, Tagalog,  Noto Sans
Russian, Uzbek, Mongolian in Cyrillic)
Hangul, Han, Hiragana, Katakana        Noto Sans CJK KR (the KR face of the .ttc collection; JP, SC or TC for
                                       Japanese or Chinese text, so Han characters take that region's forms)
Thai                                   Noto Sans Thai
Khmer                                  Noto Sans Khmer
Devanagari (Nepali)                    Noto Sans Devanagari
Mongolian (traditional script)         Noto Sans Mongolian
=====================================  ==========================================================================

Nothing here opens a font file; :mod:`renderer.text` does (HarfBuzz and FreeType).
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from dataclasses import dataclass

log = logging.getLogger(__name__)

INSTALL_HINT = "install the Noto fonts: apt-get install fontconfig fonts-noto-core fonts-noto-cjk"

LATIN = "Noto Sans"
CJK_KR = "Noto Sans CJK KR"

#: First family for each script, by ISO 15924 code (as HarfBuzz names scripts).
SCRIPT_FAMILIES: dict[str, str] = {
    "Latn": LATIN,
    "Cyrl": LATIN,
    "Grek": LATIN,
    "Hang": CJK_KR,
    "Hani": CJK_KR,
    "Hira": CJK_KR,
    "Kana": CJK_KR,
    "Bopo": CJK_KR,
    "Thai": "Noto Sans Thai",
    "Khmr": "Noto Sans Khmer",
    "Deva": "Noto Sans Devanagari",
    "Mong": "Noto Sans Mongolian",
}

#: The CJK collection's face for a language (BCP 47 prefix): Han characters differ in form between regions, and a
#: Chinese or Japanese reader must see their own. Korean, and text whose language is not given, use KR.
CJK_FAMILY_BY_LANGUAGE: dict[str, str] = {
    "ko": CJK_KR,
    "ja": "Noto Sans CJK JP",
    "zh": "Noto Sans CJK SC",
    "zh-hans": "Noto Sans CJK SC",
    "zh-cn": "Noto Sans CJK SC",
    "zh-hant": "Noto Sans CJK TC",
    "zh-tw": "Noto Sans CJK TC",
    "zh-hk": "Noto Sans CJK HK",
}

#: Every family tried, in this order, after the script's own: text mixes scripts (a Korean sentence with "MRI" in
#: it), and a run's font may lack a punctuation mark or symbol that another has.
FALLBACK_ORDER: tuple[str, ...] = (
    LATIN,
    CJK_KR,
    "Noto Sans Thai",
    "Noto Sans Khmer",
    "Noto Sans Devanagari",
    "Noto Sans Mongolian",
    "Noto Sans Symbols",
    "Noto Sans Symbols2",
)


class FontNotFound(LookupError):
    """No font for a family or script on this machine; the message says which package to install."""


@dataclass(frozen=True)
class FontFile:
    """One face of a font file: ``path``, ``index`` (the face in a .ttc collection, 0 for a plain file) and the
    ``family`` and ``style`` fontconfig gives it."""

    path: str
    index: int
    family: str
    style: str = "Regular"


def _fc_list(pattern: str) -> list[FontFile]:
    """Faces fontconfig lists for ``pattern`` (fontconfig's pattern syntax), in its order."""
    exe = shutil.which("fc-list")
    if exe is None:
        raise FontNotFound(f"fontconfig's fc-list is not installed; {INSTALL_HINT}")
    # One face a line, fields split by tabs: neither appears in font paths or family names in practice.
    fmt = "%{file}\\t%{index}\\t%{family[0]}\\t%{style[0]}\\n"
    out = subprocess.run([exe, "-f", fmt, pattern], capture_output=True, text=True, check=False, timeout=30).stdout
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[0]:
            faces.append(FontFile(parts[0], int(parts[1] or 0), parts[2], parts[3]))
    return faces


def _regular_first(faces: list[FontFile]) -> list[FontFile]:
    """Regular faces before the others, then by path so the answer does not depend on fontconfig's cache order."""
    return sorted(faces, key=lambda f: (f.style not in ("Regular", "Book", "Normal"), f.path, f.index))


@functools.cache
def find_font(family: str) -> FontFile:
    """The regular face of ``family`` (exact family name, e.g. ``"Noto Sans CJK KR"``).

    Raises:
        FontNotFound: fontconfig knows no font of that family (``fc-match`` would have substituted another one,
            which is why this asks ``fc-list``, which matches exactly).
    """
    # Escape the characters fontconfig's pattern syntax gives a meaning to.
    escaped = family.replace("\\", "\\\\").replace("-", "\\-").replace(":", "\\:").replace(",", "\\,")
    faces = [f for f in _fc_list(escaped) if f.family == family] or _fc_list(escaped)
    if not faces:
        raise FontNotFound(f"no font of family {family!r} on this machine; {INSTALL_HINT}")
    face = _regular_first(faces)[0]
    log.debug("font %r: %s (face %d, %s)", family, face.path, face.index, face.style)
    return face


def cjk_family(language: str | None) -> str:
    """The Noto Sans CJK family for ``language`` (BCP 47, e.g. ``"ko"``, ``"ja"``, ``"zh-Hant"``); KR by default."""
    if not language:
        return CJK_KR
    tag = language.lower().replace("_", "-")
    while tag:
        if tag in CJK_FAMILY_BY_LANGUAGE:
            return CJK_FAMILY_BY_LANGUAGE[tag]
        tag = tag.rpartition("-")[0]
    return CJK_KR


@functools.cache
def font_chain(script: str | None, language: str | None = None) -> tuple[FontFile, ...]:
    """The fonts to try, in order, for text in ``script`` (ISO 15924, e.g. ``"Hang"``; None for neutral text such
    as digits and punctuation) and ``language`` (BCP 47 or None).

    The script's family first, then the rest of :data:`FALLBACK_ORDER`; families missing from this machine are
    skipped (logged once). Raises :class:`FontNotFound` if none of them is installed.
    """
    first = SCRIPT_FAMILIES.get(script or "", LATIN)
    cjk = cjk_family(language)
    families = [cjk if first == CJK_KR else first]
    families += [cjk if f == CJK_KR else f for f in FALLBACK_ORDER]
    chain: list[FontFile] = []
    for family in dict.fromkeys(families):  # ordered and without repeats
        try:
            face = find_font(family)
        except FontNotFound:
            _warn_missing_family(family)
            continue
        if face not in chain:
            chain.append(face)
    if not chain:
        raise FontNotFound(
            f"none of the Noto fonts ({', '.join(dict.fromkeys(families))}) is installed; {INSTALL_HINT}"
        )
    return tuple(chain)


@functools.cache
def _warn_missing_family(family: str) -> None:
    log.warning("font family %r is not installed; text needing it falls back (%s)", family, INSTALL_HINT)


@functools.cache
def font_for_char(char: str) -> FontFile | None:
    """Any font fontconfig has that covers ``char`` (one character), regular faces and Noto first; None if none.

    The last link of every chain: it finds what the Noto families above lack (say a symbol only DejaVu has).
    """
    faces = _fc_list(f":charset={ord(char):x}")
    if not faces:
        return None
    return sorted(_regular_first(faces), key=lambda f: not f.family.startswith("Noto"))[0]
