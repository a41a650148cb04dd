"""Translated text from gettext catalogues (``.po`` files), read as translators leave them: no compile step.

Scenarios and the application name their texts by catalogue keys (``mri.welcome``, ``procedure.hold_still``,
``ui.continue``); each language has one catalogue, ``<locales>/<language>/LC_MESSAGES/rehearse.po``, whose
``msgid`` is the key and ``msgstr`` the text. Translators edit them with their usual tools (Poedit, Weblate,
Lokalize); this module reads them with Babel.

A text that is missing, empty or marked fuzzy (an unreviewed machine or draft translation: wrong words in a
patient's instructions are worse than visibly missing ones) falls back to the fallback language's text, then to the
key itself, always marked with :data:`MISSING_MARK` so that a gap is seen on screen rather than hidden, and its key
is remembered in :attr:`Catalogue.missing` for the session report. Looking a text up never raises.

Pure Python over plain data: no GL, no runtime.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

log = logging.getLogger(__name__)

DOMAIN = "rehearse"
"""The gettext domain: every catalogue is ``<language>/LC_MESSAGES/rehearse.po``."""

MISSING_MARK = "⚠ "
"""Put before a text shown in place of a missing translation (the fallback language's text, or the key)."""


def assets_dir() -> Path:
    """The project's ``assets/`` directory (scenes, scenarios, locales), read from the repository tree.

    The application runs from its repository (an editable install, ``pip install -e .``), so the assets are found
    beside the packages rather than copied into them; this is the one place that knows where they are.
    """
    return Path(__file__).resolve().parents[2] / "assets"


def default_locales_dir() -> Path:
    """``assets/locales``: where the application's catalogues are."""
    return assets_dir() / "locales"


class CatalogueError(ValueError):
    """A catalogue cannot be read. The message is ``"<file>:<line>: <what is wrong>. <what to do>"`` (or
    ``"<path>: ..."`` when no line applies)."""


def catalogue_path(locales_dir: str | os.PathLike[str], language: str) -> Path:
    """Where ``language``'s catalogue is: ``<locales_dir>/<language>/LC_MESSAGES/rehearse.po``. A language written
    with a hyphen (``zh-Hans``) also finds a folder written with gettext's underscore (``zh_Hans``)."""
    base = Path(locales_dir)
    for folder in dict.fromkeys((language, language.replace("-", "_"))):
        path = base / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return base / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages(locales_dir: str | os.PathLike[str]) -> list[str]:
    """The language codes with a catalogue under ``locales_dir``, sorted (folder names, as written there)."""
    base = Path(locales_dir)
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())


def read_catalogue(path: str | os.PathLike[str]) -> dict[str, str]:
    """The translated messages of one ``.po`` file: key → text, leaving out the header, empty translations and
    fuzzy ones. A message with a ``msgctxt`` is keyed ``"<context>\\x04<key>"`` (gettext's convention); a plural
    message gives its first form.

    Raises:
        CatalogueError: the file is missing, not UTF-8, or not valid ``.po`` syntax (an unclosed quote, a line that
            is not a keyword, comment or quoted continuation, a ``msgid`` without ``msgstr``, a key given twice);
            the message names the file and the line.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CatalogueError(f"{path}: no such catalogue. Check the language code and the locales folder") from None
    except OSError as error:
        raise CatalogueError(f"{path}: cannot be read ({error.strerror or error})") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CatalogueError(
            f"{path}:{line}: this line is not UTF-8 text. Save the catalogue as UTF-8 (and say charset=UTF-8 in its "
            "header)"
        ) from None
    lines = text.splitlines()
    _check_syntax(path, lines)
    try:
        catalog = read_po(lines, abort_invalid=True)
    except PoFileError as error:
        # Babel counts lines from 0.
        raise CatalogueError(f"{path}:{error.lineno + 1}: {error}. Fix this entry in a .po editor") from None
    messages: dict[str, str] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        string = message.string[0] if isinstance(message.string, (tuple, list)) else message.string
        if message.context:
            key = f"{message.context}\x04{key}"
        if string:
            messages[key] = string
    return messages


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_CLOSED = 'this text is not closed: end the line with " (write \\" for a quote inside the text)'
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(.*)")


def _unquote(quoted: str) -> str:
    """The text of a checked ``"..."`` .po string (escapes undone enough to compare keys)."""
    return quoted[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def _check_syntax(path: Path, lines: list[str]) -> None:
    """Report the mistakes Babel would pass over in silence (it drops the text after an unclosed quote, keeps only
    one of two entries with the same key, ignores a ``msgstr`` without ``msgid``), each with its line."""

    def fail(number: int, what: str) -> CatalogueError:
        return CatalogueError(f"{path}:{number}: {what}")

    seen: dict[tuple[str, str], int] = {}  # (context, key) -> line of its msgid
    msgid_line: int | None = None  # the entry being read: where its msgid is, its key and context
    key = context = ""
    has_msgstr = False

    def close() -> None:
        nonlocal msgid_line, key, context, has_msgstr
        if msgid_line is not None:
            if not has_msgstr:
                raise fail(msgid_line, f'msgid {key!r} has no msgstr: add msgstr "" under it')
            if key and (context, key) in seen:
                first = seen[(context, key)]
                raise fail(msgid_line, f"msgid {key!r} is given twice (first at line {first}): keep one entry per key")
            seen.setdefault((context, key), msgid_line)
        msgid_line, key, context, has_msgstr = None, "", "", False

    last: str | None = None  # the keyword a quoted continuation line belongs to
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            last = None
            continue
        if stripped.startswith('"'):
            if last is None:
                raise fail(number, "a quoted line must continue a msgid or msgstr: put it right under one")
            if not _QUOTED.fullmatch(stripped):
                raise fail(number, _NOT_CLOSED)
            if last == "msgid":
                key += _unquote(stripped)
            elif last == "msgctxt":
                context += _unquote(stripped)
            continue
        match = _KEYWORD.fullmatch(stripped)
        if match is None:
            raise fail(
                number,
                f"{stripped.split()[0]!r} is not a .po keyword: lines are msgctxt, msgid, msgid_plural, msgstr, a "
                "quoted continuation, or a comment starting with #",
            )
        keyword, value = match.groups()
        if not _QUOTED.fullmatch(value):
            if value.startswith('"'):
                raise fail(number, _NOT_CLOSED)
            raise fail(number, f'the text after {keyword} must be in double quotes, closed on the same line: "..."')
        if keyword == "msgctxt" or (keyword == "msgid" and (msgid_line is not None or has_msgstr)):
            close()
        if keyword == "msgctxt":
            context = _unquote(value)
        elif keyword == "msgid":
            msgid_line, key = number, _unquote(value)
        elif keyword.startswith("msgstr"):
            if msgid_line is None or (keyword == "msgstr" and has_msgstr):
                raise fail(number, f'{keyword} has no msgid before it: every entry is msgid "key", then msgstr "text"')
            has_msgstr = True
        last = keyword
    close()


class Catalogue:
    """The texts of one language, with a fallback language for what it lacks.

    Args:
        language: the language code (``ko``, ``en``...).
        messages: key → text in ``language`` (only translated, non-empty texts).
        fallback: the fallback language's code, or None.
        fallback_messages: key → text in the fallback language.
        source: the file ``messages`` came from, for messages (None for a catalogue built in code).

    ``missing`` is the set of keys asked for that ``language`` has no text for: the session report lists them, and
    a translator fills them in.
    """

    def __init__(
        self,
        language: str,
        messages: dict[str, str],
        fallback: str | None = None,
        fallback_messages: dict[str, str] | None = None,
        source: Path | None = None,
    ) -> None:
        self.language = language
        self.messages = dict(messages)
        self.fallback = fallback
        self.fallback_messages = dict(fallback_messages or {})
        self.source = source
        self.missing: set[str] = set()

    @classmethod
    def load(cls, locales_dir: str | os.PathLike[str], language: str, fallback: str | None = "en") -> Catalogue:
        """Read ``language``'s catalogue (and ``fallback``'s, unless it is the same language or None) from
        ``locales_dir`` (see :func:`catalogue_path`).

        Raises:
            CatalogueError: either catalogue is missing or cannot be read; the message names the file and line,
                and for a missing one the languages there are.
        """
        messages, source = cls._read(locales_dir, language)
        fallback_messages: dict[str, str] = {}
        if fallback is not None and fallback != language:
            fallback_messages, _ = cls._read(locales_dir, fallback)
        else:
            fallback = None
        return cls(language, messages, fallback, fallback_messages, source)

    @staticmethod
    def _read(locales_dir: str | os.PathLike[str], language: str) -> tuple[dict[str, str], Path]:
        path = catalogue_path(locales_dir, language)
        if not path.is_file():
            there = available_languages(locales_dir)
            listed = ", ".join(there) if there else "none"
            raise CatalogueError(
                f"{path}: no catalogue for language {language!r} (catalogues there: {listed}). Choose one of those, "
                f"or add {language}/LC_MESSAGES/{DOMAIN}.po"
            )
        return read_catalogue(path), path

    def __contains__(self, key: object) -> bool:
        """True when ``key`` has its own (non-empty, non-fuzzy) text in this language."""
        return key in self.messages

    def keys(self) -> set[str]:
        """The keys this language has texts for."""
        return set(self.messages)

    def text(self, key: str) -> str:
        """The text of ``key`` in this language. Missing (or empty, or fuzzy) there: :data:`MISSING_MARK` and the
        fallback language's text, or failing that the key itself; the key is added to :attr:`missing` (and
        logged once). Never raises (a key that is not text is looked up as its text form)."""
        if not isinstance(key, str):
            key = str(key)
        found = self.messages.get(key)
        if found:
            return found
        if key not in self.missing:
            self.missing.add(key)
            log.warning("catalogue %s: no text for %r%s", self.language, key, self._fallback_note(key))
        fallback = self.fallback_messages.get(key)
        return f"{MISSING_MARK}{fallback if fallback else key}"

    def _fallback_note(self, key: str) -> str:
        if self.fallback is None:
            return ""
        if key in self.fallback_messages:
            return f" (showing the {self.fallback} text)"
        return f" (nor in {self.fallback}: showing the key)"
